"""Operations from plain functions, built-in ones, and workspace files read without running them."""

from __future__ import annotations

from pathlib import Path

import pytest
from forgelab import formats
from forgelab.operations.library import (
    OperationLoadError,
    builtin_operations,
    load_file,
    workspace_operations,
)

from .conftest import op

FILE = '''
from typing import Literal, NamedTuple
from forgelab.operations import ArchitectureRef
from os.path import join  # imported, so not an operation


class Fit(NamedTuple):
    model: object
    score: float


def fit(x, y=None, arch: ArchitectureRef = None, *, epochs: int = 3, rate=0.1,
        mode: Literal["fast", "slow"] = "fast", layers: list = [1], name: str = "m") -> Fit:
    """Fit a model.

    More words that are not the description.
    """
    return Fit(None, 0.0)


def _helper():
    pass


def nothing(x) -> None:
    pass
'''


def test_a_function_becomes_an_operation(tmp_path: Path) -> None:
    (tmp_path / "ops.py").write_text(FILE)
    operations = load_file(tmp_path / "ops.py")
    assert [o["source"]["function"] for o in operations] == ["fit", "nothing"]
    fit, nothing = operations
    assert formats.issues("operation", fit) == []
    assert fit["description"] == "Fit a model."
    assert fit["inputs"] == [
        {"name": "x", "type": "any"},
        {"name": "y", "type": "any", "optional": True},
    ]
    assert fit["references"] == [{"name": "arch", "kind": "architecture", "optional": True}]
    assert fit["attributes"] == [
        {"name": "epochs", "type": "int", "default": 3},
        {"name": "rate", "type": "float", "default": 0.1},
        {"name": "mode", "type": "choice", "choices": ["fast", "slow"], "default": "fast"},
        {"name": "layers", "type": "json", "default": [1]},
        {"name": "name", "type": "str", "default": "m"},
    ]
    assert fit["outputs"] == [
        {"name": "model", "type": "object"},
        {"name": "score", "type": "float"},
    ]
    assert fit["source"]["code"] == FILE
    assert nothing["outputs"] == []


def test_a_tuple_of_names_and_a_single_value_name_outputs() -> None:
    assert [
        o["name"] for o in op("def f(a) -> ('left', 'right'):\n    return a, a\n", "f")["outputs"]
    ] == ["left", "right"]
    assert op("def g(a) -> int:\n    return a\n", "g")["outputs"] == [
        {"name": "result", "type": "int"}
    ]


def test_builtin_operations_follow_the_format() -> None:
    operations = builtin_operations()
    assert {o["id"] for o in operations} >= {
        "forgelab.load_digits",
        "forgelab.train_test_split",
        "forgelab.train_keras",
        "forgelab.score",
        "forgelab.plot_loss",
    }
    for operation in operations:
        assert formats.issues("operation", operation) == [], operation["id"]
    train = next(o for o in operations if o["id"] == "forgelab.train_keras")
    assert train["references"] == [{"name": "architecture", "kind": "architecture"}]


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("x = 1\ndef f(:\n    pass\n", 2, "SyntaxError"),
        ("def f(*args):\n    pass\n", 1, "*args"),
        ("from typing import Literal\ndef f(*, m: Literal[max]):\n    pass\n", 2, "literal"),
        ("def f(x):\n    pass\n\x00\n", None, "null bytes"),
    ],
)
def test_a_broken_file_gives_a_message_naming_file_and_line(
    tmp_path: Path, source, line, message
) -> None:
    path = tmp_path / "broken.py"
    path.write_text(source)
    with pytest.raises(OperationLoadError) as caught:
        load_file(path)
    assert caught.value.line == line
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{path}, line {line}:" if line else f"{path}:")


def test_a_file_is_read_not_run(tmp_path: Path) -> None:
    """Listing operations never runs a file's code: a missing import, a top-level raise or
    exit stay for the job to report when the pipeline runs."""
    path = tmp_path / "ops.py"
    path.write_text(
        "import no_such_package_xyz\nraise RuntimeError('no config')\n\ndef f(x):\n    return x\n"
    )
    assert [o["source"]["function"] for o in load_file(path)] == ["f"]


def test_the_workspace_is_searched_and_broken_files_are_listed(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text("def double(x):\n    return 2 * x\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "bad.py").write_text("def broken(:\n")
    (tmp_path / ".forgelab").mkdir()
    (tmp_path / ".forgelab" / "ignored.py").write_text("def hidden(x):\n    return x\n")
    operations, errors = workspace_operations(tmp_path)
    assert [o["id"] for o in operations] == ["good.py:double"]
    assert errors == [{"path": "sub/bad.py", "line": 1, "message": "SyntaxError: invalid syntax"}]
