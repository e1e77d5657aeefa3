"""No name a request or a pipeline carries makes ForgeLab read or write outside its roots: the
storage folder or bucket prefix, the Jupyter root. Each attempt is refused with a 4xx (or an
error) that says what was wrong, and nothing outside is touched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from forgelab.adapters.storage.base import StorageKeyError
from forgelab.adapters.storage.local import LocalStorage
from forgelab.adapters.storage.s3 import S3Storage
from forgelab.provenance import ReifyError
from forgelab.provenance.files_out import write_new

from .conftest import call, inline, pipeline

ESCAPING_KEYS = [
    "../outside",
    "e/../../outside",
    "/etc/outside",
    "e/\x00/x",
    "..\\outside",
    "",
    "./x",
]


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(storage root, a folder outside it, a local file to store)."""
    root, outside = tmp_path / "artifacts", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    source = tmp_path / "data.bin"
    source.write_bytes(b"data")
    return root, outside, source


@pytest.mark.parametrize("key", ESCAPING_KEYS)
def test_local_storage_refuses_a_key_that_could_leave_its_folder(layout, key) -> None:
    root, outside, source = layout
    storage = LocalStorage({"root": str(root)})
    with pytest.raises(StorageKeyError, match="invalid artifact key"):
        storage.put_file(str(source), key)
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]
    assert list(root.iterdir()) == []


def test_local_storage_keeps_an_encoded_dot_dot_as_a_plain_name(layout) -> None:
    root, _, source = layout
    storage = LocalStorage({"root": str(root)})
    stored = storage.put_file(str(source), "%2e%2e/%2e%2e/x")
    assert Path(storage.path_of(stored.uri)) == root / "%2e%2e" / "%2e%2e" / "x"


def test_local_storage_follows_no_link_out_of_its_folder(layout, tmp_path: Path) -> None:
    root, outside, source = layout
    (root / "link").symlink_to(outside)
    storage = LocalStorage({"root": str(root)})
    with pytest.raises(StorageKeyError, match="outside the local storage folder"):
        storage.put_file(str(source), "link/written")
    assert not (outside / "written").exists()
    for uri in (f"file://{root}/link/secret.txt", f"file://{outside}/secret.txt", "/etc/hostname"):
        with pytest.raises(StorageKeyError, match="outside the local storage folder"):
            storage.get_file(uri, str(tmp_path / "copy"))
        with pytest.raises(StorageKeyError):
            storage.open(uri)
        with pytest.raises(StorageKeyError):
            storage.delete(uri)
    assert not (tmp_path / "copy").exists()
    assert (outside / "secret.txt").read_text() == "secret"


@pytest.mark.parametrize("key", ESCAPING_KEYS)
def test_s3_storage_refuses_a_key_that_could_leave_its_prefix(moto, layout, key) -> None:
    _, _, source = layout
    before = moto.keys("artifacts"), moto.keys("elsewhere")
    with pytest.raises(StorageKeyError, match="invalid artifact key"):
        S3Storage(moto.config()).put_file(str(source), key)
    assert (moto.keys("artifacts"), moto.keys("elsewhere")) == before


def test_s3_storage_reads_only_under_its_bucket_and_prefix(moto, layout, tmp_path) -> None:
    _, _, source = layout
    moto.client.put_object(Bucket="elsewhere", Key="secret", Body=b"secret")
    moto.client.put_object(Bucket="artifacts", Key="private/secret", Body=b"secret")
    storage = S3Storage(moto.config())
    for uri in (
        "s3://elsewhere/secret",
        "s3://artifacts/private/secret",
        "s3://artifacts/forgelab/../private/secret",
        "s3://artifacts/forgelabx/secret",
    ):
        with pytest.raises(StorageKeyError):
            storage.get_file(uri, str(tmp_path / "copy"))
        with pytest.raises(StorageKeyError):
            storage.delete(uri)
    assert not (tmp_path / "copy").exists()
    assert "private/secret" in moto.keys("artifacts")
    stored = storage.put_file(str(source), "e/%2e%2e/%2e%2e/x")
    assert stored.uri == "s3://artifacts/forgelab/e/%2e%2e/%2e%2e/x"
    assert "forgelab/e/%2e%2e/%2e%2e/x" in moto.keys("artifacts")
    assert moto.keys("elsewhere") == ["secret"]


@pytest.fixture
def outside(jp_root_dir: Path) -> Path:
    """A folder next to the Jupyter root, with a pipeline, a secret and an architecture."""
    folder = jp_root_dir.parent / "outside"
    folder.mkdir(exist_ok=True)
    (folder / "secret.txt").write_text("secret")
    (folder / "secret.arch.json").write_text("{}")
    (folder / "ops.py").write_text("def leaked(x):\n    return 'the secret source'\n")
    (folder / "other.pipeline.json").write_text(
        json.dumps(pipeline([{"id": "out", "kind": "output", "name": "out"}]))
    )
    return folder


@pytest.mark.parametrize(
    "path",
    ["../outside/other.pipeline.json", "{outside}/other.pipeline.json", "link.pipeline.json"],
)
async def test_a_pipeline_file_outside_the_root_is_refused(
    jp_fetch, jp_root_dir, outside, path
) -> None:
    (jp_root_dir / "link.pipeline.json").symlink_to(outside / "other.pipeline.json")
    status, answer = await call(
        jp_fetch, "executions", method="POST", body={"path": path.format(outside=outside)}
    )
    assert status == 400
    assert "must be inside" in answer["message"]
    _, listed = await call(jp_fetch, "executions")
    assert listed["executions"] == []


def _reader() -> dict:
    code = "def count(value):\n    return len(open(value).read())\n"
    return inline(code, "count", inputs=[{"name": "value", "type": "any"}])


@pytest.mark.parametrize(
    "source", ["../outside/secret.txt", "{outside}/secret.txt", "link.txt", "sub/../../outside"]
)
async def test_an_input_file_outside_the_root_is_refused(
    jp_fetch, jp_root_dir, outside, source
) -> None:
    (jp_root_dir / "link.txt").symlink_to(outside / "secret.txt")
    doc = pipeline(
        [
            {
                "id": "data",
                "kind": "input",
                "name": "data",
                "source": source.format(outside=outside),
            },
            {"id": "count", "kind": "operation", "operation": _reader()},
        ],
        [("data", "value", "count", "value")],
    )
    status, answer = await call(jp_fetch, "executions", method="POST", body={"pipeline": doc})
    assert status == 400
    assert answer["issues"] == [
        {
            "path": "/nodes/0/source",
            "node": "data",
            "message": f"{source.format(outside=outside)!r} is outside {jp_root_dir.resolve()} "
            "(links followed): use a file inside the Jupyter root",
        }
    ]


async def test_a_reference_outside_the_root_is_refused(jp_fetch, jp_root_dir, outside) -> None:
    operation = inline(
        "def fit(architecture):\n    return architecture\n",
        "fit",
        references=[{"name": "architecture", "kind": "architecture"}],
    )
    doc = pipeline(
        [
            {
                "id": "fit",
                "kind": "operation",
                "operation": operation,
                "references": {"architecture": "../../outside/secret.arch.json"},
            }
        ]
    )
    (jp_root_dir / "sub").mkdir()
    (jp_root_dir / "sub" / "p.pipeline.json").write_text(json.dumps(doc))
    for body in ({"pipeline": doc}, {"path": "sub/p.pipeline.json"}):
        status, answer = await call(jp_fetch, "executions", method="POST", body=body)
        assert status == 400, answer
        assert [i["path"] for i in answer["issues"]] == ["/nodes/0/references/architecture"]
        assert "is outside" in answer["issues"][0]["message"]


async def test_a_reference_folder_whose_links_leave_the_root_is_refused(
    jp_fetch, jp_root_dir, outside
) -> None:
    """A folder inside the root is copied whole into the job: a link in it to a file outside is
    refused like that file itself; links that stay inside (a loop too) are fine."""
    operation = inline(
        "def fit(data):\n    return sorted(__import__('os').listdir(data))\n",
        "fit",
        references=[{"name": "data", "kind": "artifact"}],
    )
    doc = pipeline(
        [{"id": "fit", "kind": "operation", "operation": operation, "references": {"data": "d"}}]
    )
    folder = jp_root_dir / "d" / "deeper"
    folder.mkdir(parents=True)
    (folder / "mine.txt").write_text("mine")
    (folder / "again.txt").symlink_to(folder / "mine.txt")
    (folder / "up").symlink_to(jp_root_dir / "d")
    status, execution = await call(jp_fetch, "executions", method="POST", body={"pipeline": doc})
    assert status == 201, execution  # links inside the root, a loop among them, are accepted
    (folder / "stolen.txt").symlink_to(outside / "secret.txt")
    status, answer = await call(jp_fetch, "executions", method="POST", body={"pipeline": doc})
    assert status == 400, answer
    assert answer["issues"] == [
        {
            "path": "/nodes/0/references/data",
            "node": "fit",
            "message": f"'d' is outside {jp_root_dir.resolve()} (links followed): "
            "use a file inside the Jupyter root",
        }
    ]


async def test_an_input_file_inside_the_root_still_runs(jp_fetch, jp_root_dir) -> None:
    """The control: the same pipeline with a file of the workspace is accepted."""
    from .conftest import finished

    (jp_root_dir / "data").mkdir()
    (jp_root_dir / "data" / "numbers.txt").write_text("12345")
    doc = pipeline(
        [
            {"id": "data", "kind": "input", "name": "data", "source": "data/numbers.txt"},
            {"id": "count", "kind": "operation", "operation": _reader()},
        ],
        [("data", "value", "count", "value")],
    )
    status, execution = await call(jp_fetch, "executions", method="POST", body={"pipeline": doc})
    assert status == 201, execution
    assert (await finished(jp_fetch, execution["id"]))["status"] == "succeeded"


@pytest.mark.parametrize(
    "path", ["../../etc/passwd", "/etc/passwd", "link.py", "../outside/ops.py"]
)
async def test_operations_of_a_file_outside_the_root_are_refused(
    jp_fetch, jp_root_dir, outside, path
) -> None:
    (jp_root_dir / "link.py").symlink_to(outside / "ops.py")
    status, answer = await call(jp_fetch, "operations", params={"path": path})
    assert status == 400
    assert "outside the Jupyter root" in answer["message"]
    _, listed = await call(jp_fetch, "operations")
    assert "the secret source" not in json.dumps(listed)


@pytest.mark.parametrize(
    "path",
    [
        ("executions", ".."),
        ("executions", "..", "jobs", "..", "code"),
        ("executions", "x", "jobs", "..", "events"),
        ("executions", "..%2F..%2Fetc"),
        ("artifacts", "..", "download"),
        ("artifacts", "%2e%2e", "download"),
        ("artifacts", "..%2Fx", "provenance"),
    ],
    ids=lambda p: "/".join(p),
)
async def test_ids_in_the_url_name_nothing_but_records(jp_fetch, path) -> None:
    status, answer = await call(jp_fetch, *path)
    assert status == 404
    assert "Traceback" not in json.dumps(answer)


async def test_reify_refuses_notebooks_and_outputs_outside_the_root(
    jp_fetch, jp_root_dir, outside
) -> None:
    for notebook in ("../outside/n.ipynb", "/etc/passwd"):
        status, answer = await call(
            jp_fetch,
            "provenance",
            "reify",
            method="POST",
            body={"notebook": notebook, "target": "x"},
        )
        assert status == 400
        assert "Jupyter root" in answer["message"]
    (jp_root_dir / "link").symlink_to(outside)
    for path in ("../outside/x.pipeline.json", "/tmp/x.pipeline.json", "link/x.pipeline.json"):
        with pytest.raises(ReifyError, match="Jupyter root"):
            write_new(jp_root_dir, path, {"nodes": []})
    assert sorted(p.name for p in outside.iterdir()) == [
        "ops.py",
        "other.pipeline.json",
        "secret.arch.json",
        "secret.txt",
    ]


def test_sciserver_storage_refuses_dot_dot_keys_and_uris(tmp_path: Path, layout) -> None:
    from forgelab.adapters.storage.sciserver import SciServerStorage
    from forgelab.testing.sciserver_contract import SciServerContractServer

    _, _, source = layout
    server = SciServerContractServer(tmp_path / "sciserver").start()
    try:
        storage = SciServerStorage({**server.urls, "token": server.issue_token("alice")})
        for key in ESCAPING_KEYS:
            with pytest.raises(StorageKeyError, match="invalid artifact key"):
                storage.put_file(str(source), key)
        escaping = f"sciserver://{storage.root}/../../bob/persistent/secret"
        with pytest.raises(StorageKeyError):
            storage.get_file(escaping, str(tmp_path / "copy"))
        with pytest.raises(StorageKeyError):
            storage.delete(escaping)
        assert not (tmp_path / "copy").exists()
    finally:
        server.stop()


async def test_a_nul_byte_in_a_path_is_a_clear_400(jp_fetch) -> None:
    requests = [
        (("executions",), {"path": "x\x00.pipeline.json"}),
        (("executions",), {"path": 7}),
        (("provenance", "reify"), {"notebook": "n\x00.ipynb", "target": "x"}),
    ]
    for path, body in requests:
        status, answer = await call(jp_fetch, *path, method="POST", body=body)
        assert status == 400, (path, answer)
        message = answer["message"]
        assert any(w in message for w in ("NUL", "not a file path", "expected string")), answer
    # Tornado turns control characters of query arguments into spaces: a name, not a NUL.
    for path, params in ((("operations",), {"path": "ops\x00.py"}),):
        status, answer = await call(jp_fetch, *path, params=params)
        assert status == 400 and "no such file" in answer["message"], answer


async def test_a_hostile_label_cannot_break_the_download_headers(jp_fetch) -> None:
    from .conftest import finished

    label = 'Évil "x"; a=b\r\nSet-Cookie: stolen=1 日本'
    code = "def one():\n    return 1\n"
    doc = pipeline(
        [{"id": "one", "kind": "operation", "label": label, "operation": inline(code, "one")}]
    )
    status, execution = await call(jp_fetch, "executions", method="POST", body={"pipeline": doc})
    assert status == 201, execution
    done = await finished(jp_fetch, execution["id"])
    artifact = done["jobs"][0]["outputs"]["result"]
    response = await jp_fetch("forgelab", "api", "artifacts", artifact["id"], "download")
    assert json.loads(response.body) == 1
    assert "Set-Cookie" not in response.headers or "stolen" not in response.headers["Set-Cookie"]
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="_vil _x__ a=b__Set-Cookie: stolen=1 __')
    assert "filename*=UTF-8''%C3%89vil%20%22x%22%3B%20a%3Db%0D%0ASet-Cookie" in disposition
