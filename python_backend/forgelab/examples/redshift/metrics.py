"""Scores of photometric redshifts against spectroscopic ones (the usual photo-z metrics)."""

from __future__ import annotations

import numpy as np

#: |Δz| / (1 + z) above this is an outlier (Pasquet et al. 2019 use 0.05).
OUTLIER_THRESHOLD = 0.05


def scores(z_true: np.ndarray, z_pred: np.ndarray) -> dict[str, float]:
    """σ_NMAD, bias and outlier fraction of Δz = (z_pred − z_true) / (1 + z_true).

    σ_NMAD = 1.4826 × median(|Δz − median(Δz)|); bias = mean(Δz); outliers: |Δz| > 0.05.
    Raises ``ValueError`` when the arrays are empty or of different lengths.
    """
    z_true = np.asarray(z_true, dtype=np.float64).ravel()
    z_pred = np.asarray(z_pred, dtype=np.float64).ravel()
    if z_true.shape != z_pred.shape or z_true.size == 0:
        raise ValueError(
            f"scores need two arrays of the same non-zero length, got {z_true.size} true and "
            f"{z_pred.size} predicted redshifts"
        )
    dz = (z_pred - z_true) / (1.0 + z_true)
    return {
        "sigma_nmad": float(1.4826 * np.median(np.abs(dz - np.median(dz)))),
        "bias": float(np.mean(dz)),
        "outlier_fraction": float(np.mean(np.abs(dz) > OUTLIER_THRESHOLD)),
        "count": int(z_true.size),
    }


def bin_edges(bins: int = 32, z_max: float = 0.4) -> np.ndarray:
    """``bins + 1`` equal-width redshift bin edges over [0, z_max)."""
    return np.linspace(0.0, z_max, bins + 1)


def to_bins(z: np.ndarray, bins: int = 32, z_max: float = 0.4) -> np.ndarray:
    """The bin index of each redshift; raises ``ValueError`` for one outside [0, z_max)."""
    z = np.asarray(z, dtype=np.float64)
    outside = (z < 0) | (z >= z_max)
    if outside.any():
        raise ValueError(
            f"{int(outside.sum())} redshift(s) outside [0, {z_max}) (first: {z[outside][0]:.4f}); "
            "select 0 < z < z_max in the query or raise z_max"
        )
    return np.minimum((z / z_max * bins).astype(np.int64), bins - 1)


def expected_z(probabilities: np.ndarray, z_max: float = 0.4) -> np.ndarray:
    """The expectation of z over the bins (bin centres weighted by probability)."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    edges = bin_edges(probabilities.shape[-1], z_max)
    centres = (edges[:-1] + edges[1:]) / 2.0
    return probabilities @ centres / probabilities.sum(axis=-1)
