"""Fingerprints of values, to tell whether a cell changed an object in place.

A fingerprint is the object's identity plus a hash of its whole content, for the types whose
content can be read as bytes (:mod:`.digest`: NumPy arrays, pandas frames and series, torch
tensors, Keras layers and models, torch modules, at any size, at memory speed), and for lists,
dicts, sets and bytearrays of plain data (pickled, large buffers out of band). Anything else (a
file handle, an optimizer) has no fingerprint: :func:`fingerprint` returns None and the recorder
counts the object as changed whenever a cell may have touched it. That over-approximation costs at
most a larger slice, never a wrong one. Nothing is sampled: a change outside a sample would be
missed and give a wrong slice.
"""

from __future__ import annotations

import pickle
import sys
import types
from typing import Any

import xxhash

from . import digest

#: Containers are pickled to be hashed: at most this many items ...
ITEMS_BUDGET = 10_000
#: ... and this many bytes pickled in band (arrays inside them are hashed out of band).
BUDGET = 2 * 1024 * 1024

_IMMUTABLE = (int, float, complex, str, bytes, bool, type(None), frozenset, range)


def immutable(value: Any) -> bool:
    """Values no method call can change (rebinding is seen by the syntax analysis instead)."""
    if isinstance(value, _IMMUTABLE):
        return True
    if isinstance(value, tuple):
        return all(isinstance(v, _IMMUTABLE) for v in value)
    return False


def fingerprint(value: Any) -> tuple[Any, ...] | None:
    """``(id, content hash)``, or None when the content cannot be read cheaply."""
    try:
        return _fingerprint(value)
    except Exception:  # noqa: BLE001 - odd objects (lazy frames, proxies): count as changed
        return None


def _fingerprint(value: Any) -> tuple[Any, ...] | None:
    if immutable(value):
        return ("immutable",)
    if isinstance(value, (types.FunctionType, type)):
        # Functions and classes are changed by attribute stores, which the analysis sees.
        return ("code", id(value))
    h = xxhash.xxh3_128()
    pins: list[Any] = []
    identities: digest.Identities | None = None
    np = sys.modules.get("numpy")
    pd = sys.modules.get("pandas")
    torch = sys.modules.get("torch")
    try:
        if np is not None and isinstance(value, np.ndarray):
            digest.array(h, value, pins)
        elif pd is not None and isinstance(value, (pd.DataFrame, pd.Series)):
            digest.frame(h, value, pins)
        elif torch is not None and isinstance(value, torch.Tensor):
            digest.tensor(h, value)
        elif (layer := _keras_layer()) is not None and isinstance(value, layer):
            layers = [value, *value._flatten_layers(include_self=False, recursive=True)]
            identities = digest.model(h, layers, value.weights, pins)
        elif torch is not None and isinstance(value, torch.nn.Module):
            tensors = [*value.parameters(), *value.buffers()]
            identities = digest.model(h, value.modules(), tensors, pins)
        elif isinstance(value, (list, dict, set, bytearray)):
            if not _container(h, value):
                return None
        else:
            return None
    except digest.Unhashable:
        return None
    return (id(value), h.digest(), identities, digest.Pinned(pins))


def _keras_layer() -> type | None:
    """``keras.layers.Layer`` when Keras is already imported (it is never imported here)."""
    keras = sys.modules.get("keras")
    layers = getattr(keras, "layers", None)
    found = getattr(layers, "Layer", None)
    return found if isinstance(found, type) else None


def _container(h: xxhash.xxh3_128, value: Any) -> bool:
    """Hash a container of plain data (pickled; big buffers out of band); False if it cannot be."""
    if isinstance(value, bytearray):
        h.update(value)
        return True
    if len(value) > ITEMS_BUDGET:
        return False
    buffers: list[pickle.PickleBuffer] = []
    try:
        data = pickle.dumps(value, protocol=5, buffer_callback=buffers.append)
    except Exception:  # noqa: BLE001 - unpicklable content: cannot be fingerprinted
        return False
    if len(data) > BUDGET:
        return False
    h.update(data)
    try:
        for buffer in buffers:
            h.update(buffer.raw())
    except BufferError:  # a non-contiguous buffer
        return False
    return True


def type_label(value: Any) -> str:
    """A short type name for a record (``module:numpy`` for modules)."""
    if isinstance(value, types.ModuleType):
        return f"module:{value.__name__}"
    cls = type(value)
    if cls.__module__ == "builtins":
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"
