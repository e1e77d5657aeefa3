"""Running a notebook's cells headless in a real kernel with provenance recording on.

:class:`KernelRun` starts a kernel (jupyter_client), loads ``forgelab`` into it, executes cells in
any order the caller chooses (each with its cell id, as JupyterLab sends it), and at the end can
flush the recorder and save a variable's value with the job serializers, to compare it with what
a reified pipeline produces.

The kernel's own log (its stderr and stdout: "running over TCP without encryption", debugger
notes) and jupyter_client's log are kept out of the caller's terminal: a cell's output and
errors arrive as messages (:class:`CellResult`), and the kernel's log is shown only when the
kernel fails to start.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_client.manager import KernelManager


class CellFailed(RuntimeError):
    """A cell raised; :attr:`reply` holds the kernel's error content."""

    def __init__(self, message: str, reply: Mapping[str, Any]) -> None:
        super().__init__(message)
        self.reply = reply


#: The kernel global that :meth:`KernelRun.keep_figure` binds (dunder names are not recorded).
FIGURE_NAME = "__forgelab_figure__"

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# jupyter_client logs through this logger; its warnings are about the kernel's plumbing.
_QUIET = logging.getLogger("forgelab.headless.kernel")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


@dataclass
class CellResult:
    status: str
    execution_count: int | None
    stdout: str
    error: str | None
    traceback: str | None = None
    """The error's traceback as the notebook would show it (without colours)."""


class KernelRun:
    """A kernel in ``cwd`` with the recorder loaded (unless ``record`` is false).

    The recorder writes to the store ``store_url``.
    """

    def __init__(
        self,
        *,
        cwd: str | os.PathLike[str],
        store_url: str,
        notebook: str | None = None,
        kernel_name: str = "python3",
        timeout: float = 120.0,
        record: bool = True,
    ) -> None:
        self.cwd, self.store_url, self.notebook = str(cwd), store_url, notebook
        self.record = record
        self.kernel_name, self.timeout = kernel_name, timeout
        self.manager: KernelManager | None = None
        self.client: Any = None
        self._log: Any = None

    def start(self) -> None:
        env = dict(os.environ)
        env["FORGELAB_STORE_URL"] = self.store_url
        env.setdefault("KERAS_BACKEND", "torch")
        env.setdefault("MPLBACKEND", "Agg")
        if self.notebook:
            env["FORGELAB_NOTEBOOK"] = self.notebook
        self.manager = KernelManager(kernel_name=self.kernel_name, log=_QUIET)
        self._log = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
        self.manager.start_kernel(cwd=self.cwd, env=env, stdout=self._log, stderr=self._log)
        self.client = self.manager.client()
        self.client.start_channels()
        try:
            self.client.wait_for_ready(timeout=self.timeout)
        except RuntimeError as error:
            raise RuntimeError(f"{error}; the kernel's log:\n{self.kernel_log()}") from None
        if self.record:
            self.execute("%load_ext forgelab", silent=True, raise_on_error=True)

    def stop(self) -> None:
        if self.client is not None:
            self.client.stop_channels()
        if self.manager is not None and self.manager.has_kernel:
            self.manager.shutdown_kernel(now=True)
        if self._log is not None:
            self._log.close()
        self.client = self.manager = self._log = None

    def kernel_log(self, limit: int = 4000) -> str:
        """The end of what the kernel process wrote to its stdout and stderr."""
        if self._log is None:
            return ""
        self._log.flush()
        self._log.seek(0)
        return self._log.read()[-limit:]

    def keep_figure(self, name: str = FIGURE_NAME) -> None:
        """Bind ``name`` to the figure the next cell leaves current (None if it draws none).

        The figure is taken when the cell ends, before the inline backend shows and closes it.
        """
        self.execute(
            "def _fl_keep_figure(name):\n"
            "    import sys\n"
            "    shell, armed = get_ipython(), []\n"
            "    def arm(_info):\n"
            "        armed.append(True)\n"
            "    def keep():\n"
            "        if not armed:\n"
            "            return\n"
            "        pyplot = sys.modules.get('matplotlib.pyplot')\n"
            "        drawn = pyplot is not None and pyplot.get_fignums()\n"
            "        shell.user_ns[name] = pyplot.gcf() if drawn else None\n"
            "        shell.events.unregister('pre_run_cell', arm)\n"
            "        shell.events.unregister('post_execute', keep)\n"
            "    shell.events.register('pre_run_cell', arm)\n"
            "    shell.events.callbacks['post_execute'].insert(0, keep)\n"
            f"_fl_keep_figure({name!r})\n"
            "del _fl_keep_figure",
            silent=True,
            raise_on_error=True,
        )

    def restart(self) -> None:
        """Restart the kernel (a new recording session begins)."""
        assert self.manager is not None
        self.manager.restart_kernel(now=True)
        self.client.wait_for_ready(timeout=self.timeout)
        if self.record:
            self.execute("%load_ext forgelab", silent=True, raise_on_error=True)

    def __enter__(self) -> KernelRun:
        self.start()
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.stop()

    def execute(
        self,
        code: str,
        *,
        cell_id: str | None = None,
        silent: bool = False,
        raise_on_error: bool = False,
    ) -> CellResult:
        """Run ``code`` as one cell (``cell_id`` sent as JupyterLab does, in the metadata)."""
        client = self.client
        content = {
            "code": code,
            "silent": silent,
            "store_history": not silent,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": False,
        }
        metadata = {"cellId": cell_id} if cell_id else {}
        msg = client.session.msg("execute_request", content, metadata=metadata)
        client.shell_channel.send(msg)
        msg_id = msg["header"]["msg_id"]
        stdout: list[str] = []
        traceback: str | None = None
        while True:
            try:
                out = client.get_iopub_msg(timeout=self.timeout)
            except queue.Empty:
                raise TimeoutError(
                    f"the kernel did not finish the cell in {self.timeout}s"
                ) from None
            if out["parent_header"].get("msg_id") != msg_id:
                continue
            kind = out["msg_type"]
            if kind == "stream":
                stdout.append(out["content"]["text"])
            elif kind == "error":
                traceback = _ANSI.sub("", "\n".join(out["content"].get("traceback") or []))
            elif kind == "status" and out["content"]["execution_state"] == "idle":
                break
        while True:
            reply = client.get_shell_msg(timeout=self.timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        body = reply["content"]
        error = None
        if body["status"] != "ok":
            error = f"{body.get('ename')}: {body.get('evalue')}"
            if raise_on_error:
                raise CellFailed(f"the cell failed: {error}\n{code}", body)
        return CellResult(
            body["status"], body.get("execution_count"), "".join(stdout), error, traceback
        )

    def evaluate(self, code: str) -> Any:
        """Run ``code`` silently; it must print one JSON document, which is returned."""
        result = self.execute(code, silent=True, raise_on_error=True)
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        if not lines:
            raise RuntimeError(f"the kernel printed nothing for: {code}")
        return json.loads(lines[-1])

    def flush(self) -> dict[str, Any]:
        """Wait until the recorder has stored every record; returns its session and count."""
        return self.evaluate(
            "import json as _fl_json\n"
            "from forgelab.kernel import recorder as _fl_recorder\n"
            "print(_fl_json.dumps(_fl_recorder.current().flush()))"
        )

    def save_value(self, name: str, path: str | os.PathLike[str]) -> dict[str, Any]:
        """Serialise variable ``name`` to ``path``; returns ``{"serializer", "type"}``."""
        return self.evaluate(
            "import json as _fl_json\n"
            "from forgelab.jobs import serializers as _fl_ser\n"
            f"if {name!r} not in globals():\n"
            f"    print(_fl_json.dumps({{'missing': True}}))\n"
            "else:\n"
            f"    print(_fl_json.dumps({{'serializer': _fl_ser.dump(globals()[{name!r}], "
            f"{str(path)!r}), 'type': _fl_ser.type_name(globals()[{name!r}])}}))"
        )


def notebook_cells(path: str | os.PathLike[str]) -> list[tuple[str | None, str]]:
    """``(cell id, source)`` of each code cell of a notebook file."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    return [(c.get("id"), c.source) for c in nb.cells if c.cell_type == "code"]


@contextmanager
def run_notebook(
    path: str | os.PathLike[str],
    *,
    store_url: str,
    stop_on_error: bool = False,
    figure_of: int | None = None,
) -> Iterator[tuple[KernelRun, list[CellResult]]]:
    """Execute every code cell of a notebook top-down in its folder, recording; yield the kernel.

    ``figure_of`` (a 0-based code cell index): keep the figure that cell draws as
    :data:`FIGURE_NAME`.
    """
    notebook = Path(path).resolve()
    run = KernelRun(cwd=notebook.parent, store_url=store_url, notebook=str(notebook))
    with run:
        results = []
        for index, (cell_id, source) in enumerate(notebook_cells(notebook)):
            if index == figure_of:
                run.keep_figure()
            result = run.execute(source, cell_id=cell_id)
            results.append(result)
            if result.status != "ok" and stop_on_error:
                break
        yield run, results
