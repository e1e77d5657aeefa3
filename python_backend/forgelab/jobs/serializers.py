"""Write a value to a file and read it back, choosing the format by the value's type.

Order: numpy arrays (.npy), pandas frames (parquet when pyarrow is there, else pickle), Keras
models (.keras), torch tensors and state dicts (torch.save), bytes as they are, plain JSON values,
then cloudpickle for the rest. Libraries are only consulted when the value's module is already
imported, so serializing a list never imports torch.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
from collections.abc import Callable
from typing import Any


class SerializationError(TypeError):
    """A value that no serializer can write."""


def type_name(value: Any) -> str:
    cls = type(value)
    return (
        cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
    )


def _is_numpy(value: Any) -> bool:
    np = sys.modules.get("numpy")
    return np is not None and isinstance(value, np.ndarray) and value.dtype != object


def _is_pandas(value: Any) -> bool:
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(value, (pd.DataFrame, pd.Series))


def _is_keras(value: Any) -> bool:
    keras = sys.modules.get("keras")
    return keras is not None and isinstance(value, keras.Model)


def _is_torch(value: Any) -> bool:
    torch = sys.modules.get("torch")
    if torch is None:
        return False
    if isinstance(value, torch.Tensor):
        return True
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(v, torch.Tensor) for v in value.values())
    )


def _plain(value: Any) -> bool:
    """Only exact JSON types: a Counter or OrderedDict must keep its type through cloudpickle."""
    kind = type(value)
    if kind in (dict,):
        return all(type(k) is str and _plain(v) for k, v in value.items())
    if kind is list:
        return all(_plain(v) for v in value)
    return kind in (str, int, float, bool, type(None))


def _is_json(value: Any) -> bool:
    if not _plain(value):
        return False
    try:
        return json.loads(json.dumps(value, allow_nan=False)) == value
    except (TypeError, ValueError):
        return False


def _write_numpy(value: Any, path: str) -> None:
    import numpy as np

    with open(path, "wb") as handle:
        np.save(handle, value, allow_pickle=False)


def _write_pandas(value: Any, path: str) -> str:
    try:
        import pyarrow  # noqa: F401

        frame = value.to_frame() if hasattr(value, "to_frame") and value.ndim == 1 else value
        if value.ndim == 2:
            frame.to_parquet(path)
            return "parquet"
    except ImportError:
        pass
    value.to_pickle(path)
    return "pandas"


def _write_keras(value: Any, path: str) -> None:
    # Keras insists on the .keras suffix; save beside and move.
    target = path + ".keras"
    value.save(target)
    os.replace(target, path)


def _write_torch(value: Any, path: str) -> None:
    import torch

    torch.save(value, path)


def _write_bytes(value: Any, path: str) -> None:
    with open(path, "wb") as handle:
        handle.write(bytes(value))


def _write_json(value: Any, path: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(value, handle)


def _write_cloudpickle(value: Any, path: str) -> None:
    import cloudpickle

    with open(path, "wb") as handle:
        cloudpickle.dump(value, handle)


_WRITERS: list[tuple[str, Callable[[Any], bool], Callable[[Any, str], Any]]] = [
    ("numpy", _is_numpy, _write_numpy),
    ("pandas", _is_pandas, _write_pandas),
    ("keras", _is_keras, _write_keras),
    ("torch", _is_torch, _write_torch),
    ("bytes", lambda v: isinstance(v, (bytes, bytearray)), _write_bytes),
    ("json", _is_json, _write_json),
]


def dump(value: Any, path: str, *, port: str = "result", operation: str = "") -> str:
    """Write ``value`` to ``path``; return the serializer's name.

    Raises :class:`SerializationError` naming the port and the type when nothing can write it.
    """
    for name, accepts, write in _WRITERS:
        if accepts(value):
            used = write(value, path)
            return used or name
    try:
        _write_cloudpickle(value, path)
    except Exception as error:  # noqa: BLE001 - pickling fails with many exception types
        where = f" of operation {operation!r}" if operation else ""
        raise SerializationError(
            f"Output {port!r}{where} is a {type_name(value)}, which cannot be saved: "
            "it is not a numpy "
            f"array, pandas frame, Keras model, torch tensor, bytes or JSON value, and cloudpickle "
            f"failed ({type(error).__name__}: {error}). Return data (arrays, frames, dicts of "
            "numbers) instead of live objects such as open files, locks or generators."
        ) from error
    return "cloudpickle"


def load(path: str, serializer: str) -> Any:
    """Read a value written by :func:`dump` (``file``: the path itself)."""
    if serializer == "file":
        return path
    if serializer == "numpy":
        import numpy as np

        return np.load(path, allow_pickle=False)
    if serializer == "parquet":
        import pandas as pd

        return pd.read_parquet(path)
    if serializer == "pandas":
        import pandas as pd

        return pd.read_pickle(path)
    if serializer == "keras":
        os.environ.setdefault("KERAS_BACKEND", "torch")
        import keras

        if path.endswith(".keras"):
            return keras.models.load_model(path)
        # Keras reads only files named *.keras: give it a private linked (or copied) name.
        import shutil
        import tempfile

        folder = tempfile.mkdtemp(prefix="forgelab-keras-")
        target = os.path.join(folder, "model.keras")
        try:
            try:
                os.link(path, target)
            except OSError:
                shutil.copyfile(path, target)
            return keras.models.load_model(target)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    if serializer == "torch":
        import torch

        return torch.load(path, weights_only=False)
    if serializer == "bytes":
        with open(path, "rb") as handle:
            return handle.read()
    if serializer == "json":
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    if serializer in ("cloudpickle", "pickle"):
        with open(path, "rb") as handle:
            return pickle.load(handle)
    raise SerializationError(f"unknown serializer {serializer!r} for {path}")


EXTENSIONS = {
    "numpy": ".npy",
    "parquet": ".parquet",
    "pandas": ".pkl",
    "keras": ".keras",
    "torch": ".pt",
    "bytes": ".bin",
    "json": ".json",
    "cloudpickle": ".pkl",
}
