"""Errors that mean the same thing wherever they are raised."""


class NotFound(LookupError):
    """What a request names does not exist, or is another owner's (answered the same way).

    The server answers it with 404 and its message; anything else a request gets wrong is a 400.
    """
