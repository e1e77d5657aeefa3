"""Running a notebook's cells headless in a real kernel with provenance recording on.

:class:`KernelRun` starts a kernel (jupyter_client), loads ``forgelab`` into it, executes cells in
any order the caller chooses (each with its cell id, as JupyterLab sends it), and at the end can
flush the recorder and save a variable's value with the job serializers, to compare it with what
a reified pipeline produces.
"""

from __future__ import annotations

import json
import os
import queue
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


@dataclass
class CellResult:
    status: str
    execution_count: int | None
    stdout: str
    error: str | None


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

    def start(self) -> None:
        env = dict(os.environ)
        env["FORGELAB_STORE_URL"] = self.store_url
        env.setdefault("KERAS_BACKEND", "torch")
        env.setdefault("MPLBACKEND", "Agg")
        if self.notebook:
            env["FORGELAB_NOTEBOOK"] = self.notebook
        self.manager = KernelManager(kernel_name=self.kernel_name)
        self.manager.start_kernel(cwd=self.cwd, env=env)
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=self.timeout)
        if self.record:
            self.execute("%load_ext forgelab", silent=True, raise_on_error=True)

    def stop(self) -> None:
        if self.client is not None:
            self.client.stop_channels()
        if self.manager is not None and self.manager.has_kernel:
            self.manager.shutdown_kernel(now=True)
        self.client = self.manager = None

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
        return CellResult(body["status"], body.get("execution_count"), "".join(stdout), error)

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
            "from forgelab.provenance import recorder as _fl_recorder\n"
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
    path: str | os.PathLike[str], *, store_url: str, stop_on_error: bool = False
) -> Iterator[tuple[KernelRun, list[CellResult]]]:
    """Execute every code cell of a notebook top-down in its folder, recording; yield the kernel."""
    notebook = Path(path).resolve()
    run = KernelRun(cwd=notebook.parent, store_url=store_url, notebook=str(notebook))
    with run:
        results = []
        for cell_id, source in notebook_cells(notebook):
            result = run.execute(source, cell_id=cell_id)
            results.append(result)
            if result.status != "ok" and stop_on_error:
                break
        yield run, results
