"""Cheap fingerprints of values, to tell whether a cell changed an object in place.

A fingerprint is the object's identity plus a fast hash of its content for the types whose
content can be read cheaply (numpy arrays, pandas frames and series, lists, dicts, sets, bytearrays
of plain data within the budgets below). Anything else (a Keras model, a file handle, a big
array) has no fingerprint: :func:`fingerprint` returns None and the recorder counts the object as
changed whenever a cell may have touched it. That over-approximation costs at most a larger slice,
never a wrong one.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
import types
from typing import Any

#: Largest array, in bytes, hashed per object (beyond it the object counts as changed). Hashing
#: runs twice per cell that may touch the object: 2 MB costs about 3 ms each time here.
BUDGET = 2 * 1024 * 1024
#: Pandas hashes row by row, several times slower than an array's bytes.
FRAME_BUDGET = 512 * 1024
#: Containers are pickled to be hashed: at most this many items.
ITEMS_BUDGET = 10_000

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
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, np.ndarray):
        if value.dtype == object or value.nbytes > BUDGET:
            return None
        data = value if value.flags.c_contiguous else np.ascontiguousarray(value)
        digest = hashlib.blake2b(memoryview(data).cast("B"), digest_size=16).digest()
        return (id(value), value.shape, str(value.dtype), digest)
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(value, (pd.DataFrame, pd.Series)):
        if value.memory_usage(deep=False).sum() > FRAME_BUDGET:
            return None
        try:
            hashed = pd.util.hash_pandas_object(value, index=True).to_numpy()
        except TypeError:
            return None
        columns = tuple(map(str, value.columns)) if isinstance(value, pd.DataFrame) else ()
        digest = hashlib.blake2b(hashed.tobytes(), digest_size=16).digest()
        return (id(value), value.shape, columns, digest)
    if isinstance(value, (list, dict, set, bytearray)):
        if isinstance(value, bytearray):
            return (id(value), hashlib.blake2b(value, digest_size=16).digest())
        if len(value) > ITEMS_BUDGET:
            return None
        try:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - unpicklable content: cannot be fingerprinted
            return None
        if len(data) > BUDGET:
            return None
        return (id(value), hashlib.blake2b(data, digest_size=16).digest())
    return None


def type_label(value: Any) -> str:
    """A short type name for a record (``module:numpy`` for modules)."""
    if isinstance(value, types.ModuleType):
        return f"module:{value.__name__}"
    cls = type(value)
    if cls.__module__ == "builtins":
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"
