"""Data operations: load a dataset, split it."""

from __future__ import annotations

from typing import NamedTuple

OPERATIONS = ("load_digits", "load_csv", "load_npy", "train_test_split")


class Dataset(NamedTuple):
    x: object
    y: object


class Split(NamedTuple):
    x_train: object
    x_test: object
    y_train: object
    y_test: object


def load_digits(*, normalize: bool = True) -> Dataset:
    """Load scikit-learn's bundled 8x8 handwritten digits (1797 images, 10 classes).

    x holds the images flattened to 64 features (scaled to [0, 1] when normalize), y the labels.
    """
    from sklearn.datasets import load_digits as sk_load_digits

    bunch = sk_load_digits()
    x = bunch.data.astype("float32")
    if normalize:
        x /= 16.0
    return Dataset(x, bunch.target.astype("int64"))


def load_csv(path: str, *, target: str = "", separator: str = ",") -> Dataset:
    """Load a CSV file; the column named target (if any) becomes y, the other columns x."""
    import pandas as pd

    frame = pd.read_csv(path, sep=separator)
    if target:
        if target not in frame.columns:
            raise KeyError(f"{path} has no column {target!r}; columns: {', '.join(frame.columns)}")
        return Dataset(frame.drop(columns=[target]), frame[target])
    return Dataset(frame, None)


def load_npy(path: str) -> object:
    """Load a NumPy array from a .npy file."""
    import numpy as np

    return np.load(path, allow_pickle=False)


def train_test_split(
    x: object, y: object, *, test_size: float = 0.25, seed: int = 0, stratify: bool = True
) -> Split:
    """Split x and y into train and test parts (stratified by y when asked)."""
    from sklearn.model_selection import train_test_split as sk_split

    parts = sk_split(x, y, test_size=test_size, random_state=seed, stratify=y if stratify else None)
    return Split(*parts)
