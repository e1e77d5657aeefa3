"""Large objects in a real recording kernel: every in-place change is seen, reading is not a write.

A 100 MB array, a frame over the old 512 kB budget, a torch tensor and a Keras model are hashed
whole (kernel/digest.py): a cell given one counts as writing it only when its content changed.
"""

from __future__ import annotations

import pytest
from forgelab.testing.recording import RecordingKernel

pytestmark = pytest.mark.slow

#: 100 MB of float64.
ITEMS = 100 * 1024 * 1024 // 8


def written(kernel: RecordingKernel, code: str) -> set[str]:
    """The names the recorder wrote for one cell that must succeed."""
    kernel.ok(code)
    return {w["name"] for w in kernel.records()[-1]["writes"]}


@pytest.fixture(scope="module")
def loaded(kernel: RecordingKernel) -> RecordingKernel:
    kernel.ok(
        "import numpy as np\nimport pandas as pd\nimport torch\n"
        "def poke(a, at):\n    a.reshape(-1)[at] += 1\n"
        "def look(a):\n    return float(a.reshape(-1)[-1])\n"
        f"big = np.zeros({ITEMS})\n"
        "frame = pd.DataFrame(np.zeros((100_000, 8)), columns=list('abcdefgh'))\n"
        "frame['name'] = [f'row {i}' for i in range(len(frame))]"
    )
    return kernel


@pytest.mark.parametrize("at", [0, ITEMS // 2 + 7, ITEMS - 1])
def test_an_in_place_change_anywhere_in_a_100_mb_array_is_seen(
    loaded: RecordingKernel, at: int
) -> None:
    assert written(loaded, f"poke(big, {at})") == {"big"}
    assert written(loaded, f"poke(big[::3], {at // 3})") == {"big"}


def test_an_untouched_large_array_is_not_written(loaded: RecordingKernel) -> None:
    assert written(loaded, "total = big.sum()\nlast = look(big)") == {"total", "last"}
    # The fingerprint kept from the cell before is reused, and still right after a change.
    assert written(loaded, "poke(big, 3)") == {"big"}
    assert written(loaded, "last = look(big)") == {"last"}


def test_a_frame_changed_in_place_is_written_and_a_read_is_not(loaded: RecordingKernel) -> None:
    assert written(loaded, "summary = frame.describe()") == {"summary"}
    assert written(loaded, "def edit(f):\n    f.iloc[-1, 3] = 2.0\nedit(frame)") == {
        "edit",
        "frame",
    }
    assert written(loaded, "def rename(f):\n    f.loc[5, 'name'] = 'x'\nrename(frame)") == {
        "rename",
        "frame",
    }
    assert written(loaded, "width = len(frame.columns)") == {"width"}


def test_a_tensor_changed_behind_its_version_counter_is_seen(loaded: RecordingKernel) -> None:
    loaded.ok("weights = torch.zeros(4_000_000)")
    assert written(loaded, "m = weights.mean()") == {"m"}
    assert written(loaded, "view = weights.numpy()\nview[-1] = 1.0") >= {"weights"}
    assert written(loaded, "def bump(t):\n    t.data[5] += 1\nbump(weights)") == {"bump", "weights"}


def test_a_keras_model_is_written_by_fit_and_compile_not_by_predict(
    loaded: RecordingKernel,
) -> None:
    loaded.ok(
        "import keras\n"
        "net = keras.Sequential(\n"
        "    [keras.Input((4,)), keras.layers.Dense(3), keras.layers.Dense(1)]\n"
        ")\n"
        "xs = np.ones((8, 4), dtype='float32')\nys = np.ones((8, 1), dtype='float32')\n"
        "first = net.predict(xs, verbose=0)"
    )
    assert written(loaded, "again = net.predict(xs, verbose=0)") == {"again"}
    assert "net" in written(loaded, "net.compile(optimizer='sgd', loss='mse')")
    assert "net" in written(loaded, "history = net.fit(xs, ys, epochs=1, verbose=0)")
    assert "net" in written(loaded, "net.layers[0].trainable = False")


def test_a_slice_leaves_out_the_cells_that_only_read_a_large_array(
    loaded: RecordingKernel,
) -> None:
    loaded.ok(f"source = np.ones({ITEMS // 4})")
    loaded.ok("peak = source.max()")
    loaded.ok("double = source * 2")
    doc = loaded.reify("double")
    codes = {r["id"]: r["code"] for r in loaded.records()}
    sliced = [codes[r] for r in doc["metadata"]["reifiedFrom"]["records"]]
    assert sliced == [f"source = np.ones({ITEMS // 4})", "double = source * 2"]
