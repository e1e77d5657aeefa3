"""The case study on PyTorch: ``train_validate`` trains ``redshift-torch.arch.json`` and
``reduce_dimensions`` reads its features, with the same outputs as on Keras."""

from __future__ import annotations

import matplotlib
import numpy as np
import torch

from .conftest import REPO

matplotlib.use("Agg")


def test_train_validate_and_embed_on_the_torch_network(operations) -> None:
    rng = np.random.default_rng(0)
    cubes = rng.gamma(1.0, 0.05, size=(16, 64, 64, 5)).astype(np.float32)
    redshifts = rng.uniform(0.01, 0.39, size=16).astype(np.float32)
    labels = (redshifts / 0.4 * 32).astype(np.int64)
    architecture = str(REPO / "examples" / "redshift-torch.arch.json")
    model, predictions, history = operations.train_validate(
        cubes, labels, redshifts, architecture, 2, batch_size=4, test_fraction=0.25
    )
    assert isinstance(model, torch.nn.Module)
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history["loss"]) == 2
    assert list(predictions.columns[:3]) == ["split", "z", "z_pred"]
    assert (predictions["split"] == "test").sum() == 4
    probabilities = predictions[[f"p{b:02d}" for b in range(32)]].to_numpy()
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    embedding = operations.reduce_dimensions(model, cubes, predictions, perplexity=1.0)
    assert embedding.shape == (4, 3)
