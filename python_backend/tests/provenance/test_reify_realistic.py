"""Reify on what real notebooks do: Greek names, functions bound without def, one name re-assigned
between experiments, imports used by functions of other cells, aliases, readable operation names
and lifted constants. One shared recording kernel; each test reifies, runs the pipeline and
compares the value with the kernel's."""

from __future__ import annotations

from pathlib import Path

import pytest
from forgelab.testing.recording import RecordingKernel

from .conftest import operations

pytestmark = pytest.mark.slow


def cells(kernel: RecordingKernel, *codes: str) -> None:
    for code in codes:
        result = kernel.cell(code)
        assert result.status == "ok", result.error


def test_greek_identifiers(kernel: RecordingKernel, tmp_path: Path) -> None:
    cells(kernel, "θ = [0.5, 1.5]\nμ = 2.0", "Σ_y = sum(θ) * μ", "β = Σ_y + 1")
    doc = kernel.reproduce("β", tmp_path)
    ops = operations(doc)
    assert sorted(ops) == ["make_Sigma_y", "make_beta", "make_theta_etc"]
    assert [p["name"] for p in ops["make_beta"]["operation"]["inputs"]] == ["Σ_y"]
    assert ops["make_beta"]["label"] == "Make β"
    assert "output_beta" in {n["id"] for n in doc["nodes"]}


def test_operations_are_named_after_what_they_make(kernel: RecordingKernel, tmp_path: Path) -> None:
    cells(kernel, "# the data\nnraw = [3, 1, 2]", "nsorted = sorted(nraw)\nnlen = len(nraw)")
    cells(kernel, "nout = nsorted[0] + nlen")
    doc = kernel.reproduce("nout", tmp_path)
    ops = operations(doc)
    assert sorted(ops) == ["make_nout", "make_nraw", "make_nsorted_etc"]
    assert ops["make_nsorted_etc"]["label"] == "Make nsorted, nlen"
    description = ops["make_nraw"]["operation"]["description"]
    assert description.startswith("Reified from cell [") and description.endswith(
        "]: nraw = [3, 1, 2]"
    )
    assert "k20" not in description  # no record ids
    cells_meta = doc["metadata"]["reifiedFrom"]["cells"]
    assert [c["firstLine"] for c in cells_meta][-1] == "nout = nsorted[0] + nlen"
    assert [c["operation"] for c in cells_meta] == ["make_nraw", "make_nsorted_etc", "make_nout"]


def test_lift_constants_says_what_it_lifted_and_why_not(
    kernel: RecordingKernel, tmp_path: Path
) -> None:
    cells(
        kernel,
        "lsizes = [4, 2]\nlname = 'adam'",
        "lrate = 0.1\nlrate = 0.2\nif lname:\n    lflag = True",
        "lout = (lsizes, lname, lrate, lflag)",
    )
    doc = kernel.reproduce("lout", tmp_path / "lifted", lift_constants=True)
    source = doc["metadata"]["reifiedFrom"]
    assert [(a["name"], a["type"], a["default"]) for a in source["lifted"]] == [
        ("lsizes", "json", [4, 2]),
        ("lname", "str", "adam"),
    ]
    reasons = {c["name"]: c["reason"] for c in source["notLifted"]}
    assert "bound 2 times" in reasons["lrate"] and "inside a block" in reasons["lflag"]
    assert "liftNote" not in source
    cells(kernel, "lnone = sum(range(4))")
    nothing = kernel.reify("lnone", lift_constants=True)["metadata"]["reifiedFrom"]
    assert nothing["lifted"] == [] and "no constants lifted" in nothing["liftNote"]


def code_of(doc: dict, operation: str) -> str:
    return str(operations(doc)[operation]["operation"]["source"]["code"])


def test_an_optional_import_with_a_fallback_def_travels_as_a_whole(
    kernel: RecordingKernel, tmp_path: Path
) -> None:
    cells(
        kernel,
        "try:\n    from no_such_fast_module import expit\nexcept ImportError:\n"
        "    import math\n\n    def expit(x):\n        return 1 / (1 + math.exp(-x))",
        "fx = expit(0.3)",
    )
    doc = kernel.reproduce("fx", tmp_path)
    assert list(operations(doc)) == ["make_fx"]
    assert "except ImportError:" in code_of(doc, "make_fx")


def test_functions_bound_without_def_are_carried_or_shipped(
    kernel: RecordingKernel, tmp_path: Path
) -> None:
    cells(
        kernel,
        "import functools\nimport math\nimport operator",
        "fbase = 3\nfadd = functools.partial(operator.add, fbase)\n"
        "ftwo = functools.partial(operator.mul, 2)",
        "fsq = lambda v: v * v + fbase",
        "froot = math.sqrt\nfsame = froot",
        "def make_scaler(k):\n    def scale(v):\n        return v * k\n    return scale",
        "fscale = make_scaler(2)",
        "fout = [fadd(1), ftwo(4), fsq(2), fsame(16.0), fscale(5)]",
    )
    doc = kernel.reproduce("fout", tmp_path)
    producer = operations(doc)["make_fout"]["operation"]
    # Re-runnable bindings whose globals travel too are code; the rest are values (ports).
    assert [p["name"] for p in producer["inputs"]] == ["fadd", "fscale", "fsq"]
    code = code_of(doc, "make_fout")
    assert "import math\n    froot = math.sqrt\n    fsame = froot" in code
    assert "ftwo = functools.partial(operator.mul, 2)" in code


def test_globals_of_functions_defined_elsewhere_follow_them(
    kernel: RecordingKernel, tmp_path: Path
) -> None:
    cells(
        kernel,
        "from collections import Counter\nimport re as gre",
        "def gwords(text):\n    return gre.findall(r'\\w+', text)",
        "def gcount(text):\n    return Counter(gwords(text))\ngfirst = gcount('a b a')",
        "gsecond = gcount('c c d') + gfirst",
    )
    doc = kernel.reproduce("gsecond", tmp_path)
    code = code_of(doc, "make_gfirst")
    assert "from collections import Counter" in code and "import re as gre" in code


def test_aliases_changed_directly_and_through_a_function(
    kernel: RecordingKernel, tmp_path: Path
) -> None:
    cells(
        kernel,
        "aparams = {'lr': 0.5, 'epochs': 3}",
        "acfg = aparams",
        "acfg['lr'] = 0.1",
        "def atweak(d):\n    d['epochs'] = 5",
        "atweak(aparams)",
        "asummary = (aparams['lr'], acfg['epochs'], aparams['epochs'])",
    )
    kernel.reproduce("asummary", tmp_path)


def test_one_operation_reading_two_versions_of_a_hyperparameter(
    kernel: RecordingKernel, tmp_path: Path
) -> None:
    # Both experiments draw from numpy's global generator, so they run in one operation.
    cells(
        kernel,
        "import numpy as np\nnp.random.seed(0)",
        "hlr = 0.1",
        "hrun1 = np.random.rand() * hlr",
        "hlr = 0.01",
        "hrun2 = np.random.rand() * hlr",
        "hboth = (hrun1, hrun2, hlr)",
    )
    doc = kernel.reproduce("hboth", tmp_path)
    fused = next(op for op in operations(doc).values() if "hrun2 =" in str(op))
    assert [p["name"] for p in fused["operation"]["inputs"]] == ["hlr", "hlr_v2"]
    assert "hlr = hlr_v2\n" in fused["operation"]["source"]["code"]


def test_a_value_bound_again_later_in_its_operation_is_kept(
    kernel: RecordingKernel, tmp_path: Path
) -> None:
    cells(
        kernel,
        "import numpy as np\nnp.random.seed(1)",
        "kx = np.random.rand()",
        "ky = kx * 2",
        "kx = np.random.rand() + 5",
        "kz = (ky, kx)",
    )
    doc = kernel.reproduce("kz", tmp_path)
    fused = next(op for op in operations(doc).values() if "kx = np.random.rand() +" in str(op))
    assert sorted(p["name"] for p in fused["operation"]["outputs"]) == ["kx", "kx_v1"]


def test_a_model_and_its_optimizer_train_together(kernel: RecordingKernel, tmp_path: Path) -> None:
    cells(
        kernel,
        "import torch\ntorch.manual_seed(0)\ntmodel = torch.nn.Linear(2, 1)\n"
        "topt = torch.optim.SGD(tmodel.parameters(), lr=0.1)\ntx = torch.randn(8, 2)",
        "for _ in range(5):\n    topt.zero_grad()\n    tloss = tmodel(tx).pow(2).mean()\n"
        "    tloss.backward()\n    topt.step()",
        "tweights = tmodel.weight.detach().clone()",
    )
    made, trained = kernel.records()[-3:-1]
    shares = {w["name"]: w.get("sharesWith", []) for w in made["writes"]}
    assert shares["tmodel"] == ["topt"] and shares["topt"] == ["tmodel"]
    # The optimizer stepped the module's own parameters: the module changed too.
    assert "tmodel" in {w["name"] for w in trained["writes"]}
    # Shipped as two ports, the optimizer would have trained a copy of the parameters.
    kernel.reproduce("tweights", tmp_path / "weights")
    kernel.reproduce("tmodel", tmp_path / "model")


def test_a_keras_optimizer_shares_its_models_variables(
    kernel: RecordingKernel, tmp_path: Path
) -> None:
    # On the torch backend a Keras layer is also a torch module: its Keras variables count.
    cells(
        kernel,
        "import keras\nkeras.utils.set_random_seed(1)\n"
        "kmodel = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])\n"
        "kopt = keras.optimizers.SGD(0.5)\nkopt.build(kmodel.trainable_variables)",
        "kopt.apply([keras.ops.ones_like(v) for v in kmodel.trainable_variables],"
        " kmodel.trainable_variables)",
        "kbias = kmodel.get_weights()[1].tolist()",
    )
    made = kernel.records()[-3]
    shares = {w["name"]: w.get("sharesWith", []) for w in made["writes"]}
    assert shares["kmodel"] == ["kopt"] and shares["kopt"] == ["kmodel"]
    kernel.reproduce("kbias", tmp_path)
