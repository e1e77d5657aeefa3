"""A Keras model built, compiled and trained over several cells, reified and retrained alike."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from forgelab.cli.reify import run_and_reify

pytestmark = pytest.mark.slow


def test_a_keras_model_trained_over_several_cells(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(c)
        for c in (
            "import numpy as np\nimport keras",
            "keras.utils.set_random_seed(0)",
            "x = np.random.rand(64, 4).astype('float32')\n"
            "y = (x.sum(axis=1) > 2).astype('float32')",
            "model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation='relu'),"
            " keras.layers.Dense(1, activation='sigmoid')])\n"
            "model.compile(optimizer='adam', loss='binary_crossentropy')",
            "model.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)",
            "model.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)",
        )
    ]
    path = tmp_path / "train.ipynb"
    nbformat.write(nb, str(path))
    summary = run_and_reify(path, "model", run=True)
    assert summary["reproduced"] is True, summary["detail"]
    doc = json.loads(Path(summary["pipeline"]).read_text())
    code = "\n".join(
        n["operation"]["source"]["code"] for n in doc["nodes"] if n["kind"] == "operation"
    )
    assert code.count("model.fit(") == 2 and "set_random_seed(0)" in code
