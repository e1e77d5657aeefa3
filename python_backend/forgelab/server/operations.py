"""``GET operations``: the built-in operations and those of the workspace's ``.py`` files."""

from __future__ import annotations

import asyncio
from pathlib import Path

import tornado

from ..operations.library import (
    OperationLoadError,
    builtin_operations,
    load_file,
    workspace_operations,
)
from .executions import ExecutionsBaseHandler


class OperationsHandler(ExecutionsBaseHandler):
    """``GET operations`` (all) or ``GET operations?path=dir/file.py`` (one workspace file)."""

    @tornado.web.authenticated
    async def get(self) -> None:
        root = self.service.root
        path = self.get_argument("path", None)
        loop = asyncio.get_running_loop()
        if path:
            full = (root / path).resolve()
            if root not in full.parents:
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
