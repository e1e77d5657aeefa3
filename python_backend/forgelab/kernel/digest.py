"""Content digests of large objects at memory speed: arrays, frames, tensors and models.

Every byte of content is hashed (xxHash's XXH3, about 10 GB/s): a sampled hash would miss a change
outside its sample and give a wrong slice. What is hashed:

* a NumPy array: its buffer (a non-contiguous one block by block, each block copied to at most
  :data:`CHUNK` bytes); an object array only when its items are immutable (strings, numbers), as
  the pointers to them, with the items kept alive (:class:`Pinned`) so that a freed string's
  address cannot be reused by its replacement while the digest is compared;
* a pandas frame or series: each column's values (NumPy or extension arrays), the index, the
  column labels and dtypes;
* a torch tensor: its in-place write counter (``_version``) and its bytes, since a write through
  ``.data`` or a NumPy view bypasses the counter;
* a Keras layer or model, a torch module: every weight (bytes, identity and trainable flag) and
  the identity of every attribute of every sub-layer, so that ``model.compile(...)``, which changes
  no weight, still counts.

Each function feeds a running :class:`xxhash.xxh3_128` and returns the objects to keep alive.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Iterable
from typing import Any

import xxhash

#: A non-contiguous array is copied and hashed in blocks of at most this many bytes.
CHUNK = 8 * 1024 * 1024

#: pandas' ``infer_dtype`` kinds whose items cannot change in place: their pointers are content.
_IMMUTABLE_KINDS = frozenset(
    {"string", "bytes", "integer", "floating", "mixed-integer-float", "boolean", "decimal",
     "complex", "empty", "datetime", "date", "timedelta", "time", "period"}
)  # fmt: skip


class Unhashable(TypeError):
    """The content cannot be read as bytes: the caller counts the object as changed."""


class Pinned:
    """Objects kept alive for as long as a digest is; always equal, so digests compare alone."""

    __slots__ = ("objects",)

    def __init__(self, objects: list[Any]) -> None:
        self.objects = objects

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Pinned)

    def __hash__(self) -> int:
        return 0


class Identities:
    """Objects compared by identity (attributes of a model), kept alive while compared."""

    __slots__ = ("objects",)

    def __init__(self, objects: tuple[Any, ...]) -> None:
        self.objects = objects

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Identities)
            and len(other.objects) == len(self.objects)
            and all(a is b for a, b in zip(self.objects, other.objects, strict=True))
        )

    def __hash__(self) -> int:
        return len(self.objects)


def array(h: xxhash.xxh3_128, value: Any, pins: list[Any], labels: bool = False) -> None:
    """Hash a NumPy array's shape, dtype and every byte of its content; ``labels``: its items are
    an index's labels (hashable, so taken as immutable)."""
    np = sys.modules["numpy"]
    h.update(repr((value.shape, value.dtype.str)).encode())
    if value.dtype.hasobject:
        _objects(h, value, pins, labels)
        return
    if value.flags.c_contiguous:
        h.update(value)
        return
    if value.ndim == 0 or value.size == 0:
        h.update(np.ascontiguousarray(value))
        return
    row = max(1, value[0].nbytes) if value.shape[0] else 1
    step = max(1, CHUNK // row)
    for start in range(0, value.shape[0], step):
        h.update(np.ascontiguousarray(value[start : start + step]))


def _objects(h: xxhash.xxh3_128, value: Any, pins: list[Any], labels: bool) -> None:
    """An object array of immutable items: their addresses, with the items kept alive."""
    pd = sys.modules.get("pandas")
    np = sys.modules["numpy"]
    if value.dtype != object or pd is None:
        raise Unhashable("object array")
    flat = value.reshape(-1) if value.flags.c_contiguous else value.flatten()
    if not labels:
        kind = pd.api.types.infer_dtype(flat, skipna=True)  # missing values are immutable
        if kind not in _IMMUTABLE_KINDS:
            raise Unhashable(f"object array of {kind} items")
    copy = np.array(flat, dtype=object, copy=True)
    pins.append(copy)
    if copy.nbytes:  # NumPy exports no buffer of references: read the pointers' memory as bytes
        address = copy.__array_interface__["data"][0]
        h.update((ctypes.c_char * copy.nbytes).from_address(address))


def values(h: xxhash.xxh3_128, data: Any, pins: list[Any], labels: bool = False) -> None:
    """Hash the values of a pandas column or index: NumPy or extension arrays."""
    np = sys.modules["numpy"]
    pd = sys.modules["pandas"]
    if isinstance(data, np.ndarray):
        array(h, data, pins, labels)
        return
    h.update(repr((type(data).__name__, str(data.dtype), len(data))).encode())
    if isinstance(data, pd.Categorical):
        array(h, data.codes, pins)
        index(h, data.categories, pins)
        return
    for attribute in ("_ndarray", "_data", "_mask"):  # NDArrayBacked and masked arrays
        inner = getattr(data, attribute, None)
        if isinstance(inner, np.ndarray):
            array(h, inner, pins, labels)
    if hasattr(data, "_ndarray") or hasattr(data, "_mask"):
        return
    arrow = getattr(data, "_pa_array", None)
    if arrow is not None:
        for chunk in arrow.chunks:
            h.update(repr((chunk.offset, len(chunk))).encode())
            for buffer in chunk.buffers():
                if buffer is not None:
                    h.update(memoryview(buffer))
        return
    try:
        hashed = pd.util.hash_array(np.asarray(data, dtype=object))
    except TypeError as error:
        raise Unhashable(str(error)) from error
    h.update(hashed)


def index(h: xxhash.xxh3_128, labels: Any, pins: list[Any]) -> None:
    """Hash a pandas index: a range by its bounds, others by their values."""
    pd = sys.modules["pandas"]
    # The names as a tuple: pandas writes out its own FrozenList through its pretty printer.
    h.update(repr((type(labels).__name__, tuple(labels.names))).encode())
    if isinstance(labels, pd.RangeIndex):
        h.update(repr((labels.start, labels.stop, labels.step)).encode())
    elif isinstance(labels, pd.MultiIndex):
        for level, codes in zip(labels.levels, labels.codes, strict=True):
            index(h, level, pins)
            array(h, codes, pins)
    else:
        values(h, labels._values, pins, labels=True)


def frame(h: xxhash.xxh3_128, value: Any, pins: list[Any]) -> None:
    """Hash a DataFrame column by column (labels, dtypes, values) and its index, or a Series."""
    pd = sys.modules["pandas"]
    if isinstance(value, pd.Series):
        h.update(repr(("series", value.name, str(value.dtype))).encode())
        values(h, value._values, pins)
    else:
        h.update(repr(("frame", value.shape)).encode())
        index(h, value.columns, pins)
        for position in range(value.shape[1]):
            column = value._mgr.iget_values(position)
            values(h, column, pins)
    index(h, value.index, pins)


def tensor(h: xxhash.xxh3_128, value: Any) -> None:
    """Hash a torch tensor: its write counter, layout and bytes (copied to the CPU if elsewhere)."""
    torch = sys.modules["torch"]
    h.update(repr((value._version, tuple(value.shape), str(value.dtype))).encode())
    if value.layout != torch.strided:
        raise Unhashable(f"{value.layout} tensor")
    data = value.detach()
    if data.device.type != "cpu":
        data = data.cpu()
    data = data.resolve_conj().resolve_neg().contiguous().reshape(-1)
    if data.numel():
        h.update(data.view(torch.uint8).numpy())


def model(
    h: xxhash.xxh3_128, layers: Iterable[Any], weights: Iterable[Any], pins: list[Any]
) -> Identities:
    """Hash a model's weights; return its weights and sub-layers' attributes, to compare by
    identity (``compile`` binds a new optimizer, ``trainable = False`` a new flag)."""
    torch = sys.modules.get("torch")
    np = sys.modules.get("numpy")
    seen: list[Any] = []
    for weight in weights:
        seen.append(weight)
        h.update(repr((getattr(weight, "trainable", None), getattr(weight, "path", ""))).encode())
        content = getattr(weight, "value", weight)  # a Keras variable holds a backend tensor
        if torch is not None and isinstance(content, torch.Tensor):
            tensor(h, content)
        elif np is not None:
            array(h, np.asarray(content), pins)
        else:
            raise Unhashable(f"weight of type {type(content).__name__}")
    for layer in layers:
        seen.append(layer)
        for key, attribute in vars(layer).items():
            seen.extend((key, attribute))
            if isinstance(attribute, dict):  # torch's _parameters, _buffers, _modules
                for item in attribute.items():
                    seen.extend(item)
    return Identities(tuple(seen))
