"""The one error of the store: it cannot be used (unreachable, or written by a newer ForgeLab)."""


class StoreError(Exception):
    """The store cannot be used: unreachable, or written by a newer ForgeLab."""
