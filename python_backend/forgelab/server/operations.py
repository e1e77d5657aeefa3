"""``GET operations``: the built-in operations and those of the workspace's ``.py`` files;
``POST operations/introspect``: the Operation JSON of inline code edited in the pipeline editor."""

from __future__ import annotations

import asyncio
from pathlib import Path

import tornado

from ..operations.inline import InlineOperationError, introspect_code
from ..operations.library import (
    OperationLoadError,
    builtin_operations,
    load_file,
    workspace_operations,
)
from ..paths import inside_root
from .handlers import ForgeLabHandler


class OperationsHandler(ForgeLabHandler):
    """``GET operations`` (all) or ``GET operations?path=dir/file.py`` (one workspace file)."""

    @tornado.web.authenticated
    async def get(self) -> None:
        root = self.service.root
        path = self.get_argument("path", None)
        loop = asyncio.get_running_loop()
        if path:
            full = inside_root(root, path)
            if full is None:
                raise tornado.web.HTTPError(400, f"{path} is outside the Jupyter root")
            try:
                operations = await loop.run_in_executor(None, load_file, full)
            except OperationLoadError as error:
                error.path = path
                self.write_json({"message": str(error), "errors": [error.to_json()]}, 400)
                return
            for op in operations:
                op["id"] = f"{Path(path).as_posix()}:{op['source']['function']}"
            self.write_json({"operations": operations})
            return
        found, errors = await loop.run_in_executor(None, workspace_operations, root)
        self.write_json({"operations": builtin_operations() + found, "errors": errors})


class IntrospectHandler(ForgeLabHandler):
    """``POST operations/introspect`` body ``{"code": str, "function"?: str}`` → Operation JSON.

    Code that does not define an operation gets 400 ``{"message", "line"}``: the syntax or
    signature error and its line, never a server traceback.
    """

    @tornado.web.authenticated
    async def post(self) -> None:
        body = await self.read_body("introspect")
        function = body.get("function")
        loop = asyncio.get_running_loop()
        try:
            operation = await loop.run_in_executor(None, introspect_code, body["code"], function)
        except InlineOperationError as error:
            self.write_json({"message": str(error), **error.to_json()}, 400)
            return
        self.write_json(operation)
