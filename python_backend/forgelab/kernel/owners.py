"""Objects whose in-place change is a change of another object: "a change to X changes its owner".

* A NumPy view shares memory with its base: ``v = base[:2]; v += 1`` changes ``base``, and any
  other view of the same memory. Views are found by following ``ndarray.base`` to the array that
  owns the memory (the *root*); two arrays with the same root may share memory.
* A pandas object shares memory with the NumPy arrays it holds (``DataFrame._mgr.arrays``); with
  copy-on-write (pandas 3) changes no longer propagate, and counting them costs at most a larger
  slice.
* A matplotlib Artist (an Axes, a line) belongs to a figure: ``ax.set_title(...)`` changes
  ``fig``, and every other Axes of that figure is part of the same drawing; a change to the
  figure (``fig.tight_layout()``) is a change to its Axes. An object array of Axes
  (``fig, axs = plt.subplots(2)``) belongs to their figures.
* A model and its optimizer hold the same parameters: ``torch.optim.SGD(model.parameters())``
  steps the module's own tensors, a Keras optimizer updates its model's variables. Their keys
  are the identities of the parameters (at most :data:`PARAMETER_ITEMS`).

:func:`owner_keys` gives each object a set of keys (identities of roots, figures, parameters);
objects that share a key change together, and a copy of one (a pickled port) no longer shares
anything with a copy of the other. It reads only attributes, so the recorder can call it after
every cell.
"""

from __future__ import annotations

import sys
from itertools import islice
from typing import Any

#: Object arrays (arrays of Axes) are searched for artists up to this many items.
ARTIST_ITEMS = 64
#: Parameters of a model or optimizer taken as its keys (one shared parameter is enough).
PARAMETER_ITEMS = 4096

#: Types whose objects hold parameters, and how to list them: (module, class path, reader).
#: Keras first: on the torch backend a Keras layer is also a ``torch.nn.Module``, whose
#: ``parameters()`` wrap the Keras variables an optimizer holds.
_PARAMETER_HOLDERS: tuple[tuple[str, str, str], ...] = (
    ("keras", "layers.Layer", "weights"),
    ("keras", "optimizers.Optimizer", "_trainable_variables"),
    ("torch", "nn.Module", "parameters"),
    ("torch", "optim.Optimizer", "param_groups"),
)


def _root(array: Any, ndarray: type) -> int:
    """The identity of the object that owns ``array``'s memory."""
    while isinstance(array.base, ndarray):
        array = array.base
    return id(array.base if array.base is not None else array)


def owner_keys(value: Any) -> frozenset[int]:
    """Identities of the memory or figure ``value`` belongs to; empty for anything else."""
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, np.ndarray):
        keys = {_root(value, np.ndarray)}
        if value.dtype == object and 0 < value.size <= ARTIST_ITEMS:
            for item in value.flat:
                keys |= _figure_key(item)
        return frozenset(keys)
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(value, (pd.DataFrame, pd.Series)):
        try:
            arrays = value._mgr.arrays
        except AttributeError:
            return frozenset()
        if np is None:
            return frozenset()
        return frozenset(_root(a, np.ndarray) for a in arrays if isinstance(a, np.ndarray))
    keys = _figure_key(value)
    return frozenset(keys) if keys else _parameter_keys(value)


def _parameter_keys(value: Any) -> frozenset[int]:
    """Identities of the parameters a model or optimizer holds; empty for anything else."""
    for module, path, reader in _PARAMETER_HOLDERS:
        holder = _loaded_type(module, path)
        if holder is None or not isinstance(value, holder):
            continue
        items = getattr(value, reader, None) or ()
        if callable(items):
            items = items()
        if reader == "param_groups":  # torch: [{"params": [tensor, ...], "lr": ...}, ...]
            items = (p for group in items for p in group.get("params", ()))
        return frozenset(id(item) for item in islice(items, PARAMETER_ITEMS))
    return frozenset()


def _loaded_type(module: str, path: str) -> type | None:
    """``module.path`` when ``module`` is already imported (it is never imported here)."""
    found: Any = sys.modules.get(module)
    for part in path.split("."):
        if found is None:
            return None
        found = getattr(found, part, None)
    return found if isinstance(found, type) else None


def _figure_key(value: Any) -> set[int]:
    artist = sys.modules.get("matplotlib.artist")
    if artist is None or not isinstance(value, artist.Artist):
        return set()
    figure = getattr(value, "figure", None)
    return {id(figure if figure is not None else value)}


def sharing(
    changed: set[str], namespace: dict[str, Any], names: set[str] | dict[str, Any]
) -> set[str]:
    """Names among ``names`` whose objects share an owner with the objects of ``changed``."""
    kinds = _kinds()
    keys: set[int] = set()
    for name in changed:
        if isinstance(namespace[name], kinds):
            keys |= owner_keys(namespace[name])
    if not keys:
        return set()
    return {
        n for n in names if isinstance(namespace.get(n), kinds) and owner_keys(namespace[n]) & keys
    }


def _kinds() -> tuple[type, ...]:
    """The types :func:`owner_keys` knows, among the modules already imported."""
    kinds: list[type] = []
    for module, names in (
        ("numpy", ("ndarray",)),
        ("pandas", ("DataFrame", "Series")),
        ("matplotlib.artist", ("Artist",)),
    ):
        loaded = sys.modules.get(module)
        if loaded is not None:
            kinds.extend(getattr(loaded, name) for name in names)
    for module, path, _reader in _PARAMETER_HOLDERS:
        holder = _loaded_type(module, path)
        if holder is not None:
            kinds.append(holder)
    return tuple(kinds)


def shared_state(
    written: set[str], namespace: dict[str, Any], names: set[str] | dict[str, Any]
) -> dict[str, list[str]]:
    """For each name of ``written``: the other names of ``names`` whose objects share its state.

    Only objects of the kinds :func:`owner_keys` knows are looked at, and only when a written
    object is one, so a cell that binds plain values costs one ``isinstance`` per written name.
    """
    kinds = _kinds()
    mine = {
        n: owner_keys(namespace[n])
        for n in written
        if n in namespace and isinstance(namespace[n], kinds)
    }
    mine = {n: keys for n, keys in mine.items() if keys}
    if not mine:
        return {}
    others = {
        n: owner_keys(namespace[n])
        for n in names
        if n in namespace and isinstance(namespace[n], kinds)
    }
    shared: dict[str, list[str]] = {}
    for name, keys in mine.items():
        partners = sorted(n for n, k in others.items() if n != name and k & keys)
        if partners:
            shared[name] = partners
    return shared
