"""``forgelab arch``: catalog, check and codegen on the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from forgelab.cli import main

from .conftest import EXAMPLES, architecture, layer


@pytest.mark.slow
def test_check_json_on_the_redshift_example_in_a_fresh_process() -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "forgelab.cli",
            "arch",
            "check",
            str(EXAMPLES / "redshift.arch.json"),
            "--json",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "KERAS_BACKEND": "torch"},
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert report["ok"] is True
    assert report["output_shapes"] == [[None, 32]]
    assert report["layers"]["redshift_bins"]["output_shapes"] == [[None, 32]]
    assert report["total_params"] == sum(entry["params"] for entry in report["layers"].values())


def test_check_text_shows_shapes_and_parameters(capsys) -> None:
    assert main(["arch", "check", str(EXAMPLES / "mnist-cnn.arch.json")]) == 0
    out = capsys.readouterr().out
    assert "(None, 10)" in out and "Output shape: (None, 10)" in out
    assert "params" in out


def test_check_exits_1_and_names_the_wrong_layer(tmp_path, capsys) -> None:
    path = tmp_path / "bad.arch.json"
    path.write_text(
        json.dumps(
            architecture(
                [
                    layer("in", "Input", shape=[4, 4, 3]),
                    layer("conv", "Conv2D", ["in"], filters=2, kernel_size=7),
                    layer("flat", "Flatten", ["conv"]),
                ]
            )
        )
    )
    assert main(["arch", "check", str(path), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert report["layers"]["conv"]["status"] == "error"
    assert report["layers"]["flat"]["status"] == "not_computed"
    assert main(["arch", "check", str(path)]) == 1
    captured = capsys.readouterr()
    assert "conv" in captured.out and "ERROR" in captured.out
    assert "1 error" in captured.err


def test_check_of_a_missing_file_says_so(tmp_path, capsys) -> None:
    assert main(["arch", "check", str(tmp_path / "nowhere.arch.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_check_of_a_non_architecture_is_a_format_error(tmp_path, capsys) -> None:
    path = tmp_path / "net.arch.json"
    path.write_text(json.dumps({"format": "forgelab.architecture", "version": 1}))
    assert main(["arch", "check", str(path)]) == 2
    assert "missing required property" in capsys.readouterr().err


def test_catalog_json(capsys) -> None:
    assert main(["arch", "catalog", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "Conv2D" in data["layers"] and data["framework"] == "keras"
    assert main(["arch", "catalog"]) == 0
    assert "Convolutional:" in capsys.readouterr().out


def test_codegen_prints_build_model(capsys) -> None:
    assert main(["arch", "codegen", str(EXAMPLES / "mnist-cnn.arch.json")]) == 0
    code = capsys.readouterr().out
    namespace: dict = {}
    exec(compile(code, "<cli>", "exec"), namespace)  # noqa: S102 - the code under test
    assert namespace["build_model"]().output_shape == (None, 10)


@pytest.mark.parametrize("argv", [["arch"], ["arch", "check"]])
def test_usage_errors(argv, capsys) -> None:
    with pytest.raises(SystemExit) as raised:
        main(argv)
    assert raised.value.code == 2
