"""``forgelab arch`` for PyTorch, and ``forgelab arch import`` for both libraries."""

from __future__ import annotations

import json
import sys
import textwrap

import pytest
from forgelab.cli import main

from .conftest import EXAMPLES


def test_catalog_of_torch_grouped_by_category(capsys) -> None:
    assert main(["arch", "catalog", "--framework", "torch"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("PyTorch 2.")
    assert "Convolutional:\n" in out and "  Conv2d " in out
    assert main(["arch", "catalog", "--framework", "torch", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["framework"] == "torch"


def test_catalog_of_an_unknown_framework_is_one_line(capsys) -> None:
    assert main(["arch", "catalog", "--framework", "jax"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("forgelab arch catalog: The architecture library 'jax' is unavailable")
    assert "Traceback" not in err


def test_check_and_codegen_of_the_torch_example(capsys) -> None:
    assert main(["arch", "check", str(EXAMPLES / "redshift-torch.arch.json")]) == 0
    out = capsys.readouterr().out
    assert "Output shape: (None, 32); total parameters: 576,512" in out
    assert main(["arch", "codegen", str(EXAMPLES / "redshift-torch.arch.json")]) == 0
    assert "class RedshiftTorch(nn.Module):" in capsys.readouterr().out


@pytest.fixture
def module_dir(tmp_path, monkeypatch):
    (tmp_path / "mynets.py").write_text(
        textwrap.dedent(
            """
            import torch
            from torch import nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 8, 3, padding=1)
                    self.act = nn.ReLU()
                    self.flat = nn.Flatten()
                    self.head = nn.Linear(8 * 16 * 16, 10)

                def forward(self, image):
                    return self.head(self.flat(self.act(self.conv(image))))

            mlp = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 1))
            """
        )
    )
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    sys.modules.pop("mynets", None)


def test_import_a_torch_class_with_its_input_shape(module_dir, capsys) -> None:
    code = main(["arch", "import", "mynets:Net", "-o", "net.arch.json", "--input-shape", "3,16,16"])
    assert code == 0, capsys.readouterr().err
    document = json.loads((module_dir / "net.arch.json").read_text())
    assert document["framework"] == "torch" and document["name"] == "net"
    assert [x["type"] for x in document["layers"]] == [
        "Input",
        "Conv2d",
        "ReLU",
        "Flatten",
        "Linear",
    ]
    assert main(["arch", "check", "net.arch.json"]) == 0
    assert "Output shape: (None, 10)" in capsys.readouterr().out


def test_import_a_torch_object_and_refuse_to_overwrite(module_dir, capsys) -> None:
    assert main(["arch", "import", "mynets:mlp", "-o", "mlp.arch.json"]) == 0
    document = json.loads((module_dir / "mlp.arch.json").read_text())
    assert document["name"] == "mlp"
    assert document["layers"][0]["arguments"] == {"shape": [4]}
    assert main(["arch", "import", "mynets:mlp", "-o", "mlp.arch.json"]) == 2
    assert "exists; pass --force" in capsys.readouterr().err
    assert main(["arch", "import", "mynets:nothing", "-o", "x.arch.json"]) == 2
    assert "mynets has no attribute 'nothing'" in capsys.readouterr().err


def test_import_a_keras_file(tmp_path, capsys) -> None:
    import keras

    model = keras.Sequential(
        [keras.Input((8,)), keras.layers.Dense(4, activation="relu", name="hidden")]
    )
    model.save(tmp_path / "model.keras")
    target = tmp_path / "model.arch.json"
    assert main(["arch", "import", str(tmp_path / "model.keras"), "-o", str(target)]) == 0
    document = json.loads(target.read_text())
    assert document["framework"] == "keras"
    assert document["layers"][-1]["arguments"] == {"units": 4, "activation": "relu"}
    assert f"Wrote {target} (keras, 2 layers)" in capsys.readouterr().out
