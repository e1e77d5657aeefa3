"""Reify with data from the network (``allow_network``), module sources and ``../`` paths."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from forgelab.provenance import ReifyError
from forgelab.testing.recording import RecordingKernel

from .conftest import operations

pytestmark = pytest.mark.slow


class _Numbers(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        body = b"1,2,3,4\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def numbers_url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Numbers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/numbers.csv"
    server.shutdown()


def cells(kernel: RecordingKernel, *codes: str) -> None:
    for code in codes:
        result = kernel.cell(code)
        assert result.status == "ok", result.error


def test_a_download_refused_by_default_is_an_operation_with_allow_network(
    kernel: RecordingKernel, tmp_path: Path, numbers_url: str
) -> None:
    cache = tmp_path / "cache"
    # Written under a temporary name and renamed, as downloads are; read back in the next cell.
    cells(
        kernel,
        "import os, urllib.request",
        f"nfolder = {str(cache)!r}\n"
        "os.makedirs(nfolder, exist_ok=True)\n"
        f"with urllib.request.urlopen({numbers_url!r}) as answer:\n"
        "    data = answer.read()\n"
        "with open(os.path.join(nfolder, 'numbers.part'), 'wb') as out:\n"
        "    out.write(data)\n"
        "os.replace(os.path.join(nfolder, 'numbers.part'), os.path.join(nfolder, 'numbers.csv'))\n"
        "npath = os.path.join(nfolder, 'numbers.csv')",
        "ntotal = sum(int(v) for v in open(npath).read().split(','))",
    )
    with pytest.raises(ReifyError, match="gets data from the network.*--allow-network"):
        kernel.reify("ntotal")
    doc = kernel.reproduce("ntotal", tmp_path / "run", allow_network=True)
    assert [n for n in doc["nodes"] if n["kind"] == "input"] == []
    assert len(operations(doc)) == 2


def test_a_module_of_the_notebook_folder_is_code_not_an_input(
    kernel: RecordingKernel, tmp_path: Path
) -> None:
    # A warning shows the module's source line: Python reads the .py file during the cell.
    (kernel.folder / "helpers_warn.py").write_text(
        "import warnings\n\n\ndef twice(x):\n"
        "    warnings.warn('twice is deprecated')\n    return 2 * x\n"
    )
    cells(kernel, "import helpers_warn", "hvalue = helpers_warn.twice(21)")
    doc = kernel.reify("hvalue")
    assert [n for n in doc["nodes"] if n["kind"] == "input"] == []


def test_a_path_relative_to_the_parent_folder_becomes_an_input(
    kernel: RecordingKernel, tmp_path: Path
) -> None:
    (kernel.folder.parent / "up_numbers.txt").write_text("5 6 7\n")
    cells(kernel, "uvalues = [int(v) for v in open('../up_numbers.txt').read().split()]")
    doc = kernel.reify("uvalues")
    inputs = [n for n in doc["nodes"] if n["kind"] == "input"]
    assert [Path(n["source"]).name for n in inputs] == ["up_numbers.txt"]
    code = next(iter(operations(doc).values()))["operation"]["source"]["code"]
    assert "'../up_numbers.txt'" not in code and "up_numbers_txt" in code
