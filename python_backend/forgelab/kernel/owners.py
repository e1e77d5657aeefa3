"""Objects whose in-place change is a change of another object: "a change to X changes its owner".

* A NumPy view shares memory with its base: ``v = base[:2]; v += 1`` changes ``base``, and any
  other view of the same memory. Views are found by following ``ndarray.base`` to the array that
  owns the memory (the *root*); two arrays with the same root may share memory.
* A pandas object shares memory with the NumPy arrays it holds (``DataFrame._mgr.arrays``); with
  copy-on-write (pandas 3) changes no longer propagate, and counting them costs at most a larger
  slice.
* A matplotlib Artist (an Axes, a line) belongs to a figure: ``ax.set_title(...)`` changes
  ``fig``, and every other Axes of that figure is part of the same drawing. An object array of
  Axes (``fig, axs = plt.subplots(2)``) belongs to their figures.

:func:`owner_keys` gives each object a set of keys (identities of roots and figures); objects that
share a key change together. It reads only attributes, so the recorder can call it after every
cell that changed an array, frame or artist in place.
"""

from __future__ import annotations

import sys
from typing import Any

#: Object arrays (arrays of Axes) are searched for artists up to this many items.
ARTIST_ITEMS = 64


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
    return frozenset(_figure_key(value))


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
    return tuple(kinds)
