"""ForgeLab's REST routes as concrete requests, for tests that must cover every endpoint.

A route of :func:`forgelab.server.routes.routes` has two kinds of groups: alternatives
(``(cancel|rerun|resume)``), each of which is a path, and ids (``([A-Za-z0-9_.-]+)``), filled by
what the path segment before them names (``executions/<id>/jobs/<id>``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import tornado.web
import tornado.websocket

from ..server import routes as server_routes

METHODS = ("get", "post", "put", "patch", "delete")


def concrete_paths(route: str, id_for: Callable[[str], str]) -> list[str]:
    """Every concrete path of ``route``; ``id_for(segment)`` fills an id after ``segment``."""
    paths = [route]
    while any("(" in p for p in paths):
        expanded = []
        for path in paths:
            group = re.search(r"\(([^()]*)\)", path)
            if group is None:
                expanded.append(path)
                continue
            if "[" in group.group(1):
                segment = path[: group.start()].rstrip("/").rsplit("/", 1)[-1]
                alternatives = [id_for(segment)]
            else:
                alternatives = group.group(1).split("|")
            expanded.extend(path[: group.start()] + a + path[group.end() :] for a in alternatives)
        paths = expanded
    return paths


def implemented_methods(handler: type[tornado.web.RequestHandler]) -> list[str]:
    """The HTTP methods ``handler`` answers itself (upper case)."""
    return [
        method.upper()
        for method in METHODS
        if getattr(handler, method, None) not in (None, getattr(tornado.web.RequestHandler, method))
    ]


def http_requests(
    id_for: Callable[[str], str], routes: Callable[[str], bool] = lambda _route: True
) -> list[tuple[str, str, str, type[tornado.web.RequestHandler]]]:
    """``(method, path, route, handler)`` for every method of every HTTP route (of those
    ``routes`` accepts)."""
    return [
        (method, path, route, handler)
        for route, handler in server_routes.routes()
        if routes(route) and not issubclass(handler, tornado.websocket.WebSocketHandler)
        for method in implemented_methods(handler)
        for path in concrete_paths(route, id_for)
    ]


def websocket_routes() -> list[str]:
    """The websocket routes (none of them takes an id in its path)."""
    return [
        route
        for route, handler in server_routes.routes()
        if issubclass(handler, tornado.websocket.WebSocketHandler)
    ]
