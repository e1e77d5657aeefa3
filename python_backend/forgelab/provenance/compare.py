"""Comparing a reproduced value with the notebook's, by state, with three honest outcomes.

:func:`compare` walks both values together and stops at the first difference. ``"reproduced"``
means every part was compared and is equal; ``"differs"`` names where and how; ``"cannot
compare"`` says why a part has no state that can be compared (a lock, an open file, a C handle),
so a value is never called reproduced on faith.

What "equal" means, by kind (libraries are looked up in ``sys.modules``, never imported):

- numbers, strings, NumPy arrays, pandas objects and torch tensors are compared *exactly* (NaN
  equals NaN): the pipeline re-runs the same code on the same libraries, so a deterministic
  computation gives the same bits, and a tolerance would hide a small real change. A difference
  within rounding (relative 1e-12) is still reported, and says it looks like rounding;
- pandas through ``pandas.testing`` (values, index, columns, dtypes), torch through
  ``torch.testing.assert_close`` with zero tolerance, Keras models by their layers' configuration
  (names left out: Keras numbers them per process) and weights;
- matplotlib figures and axes by what they draw (see :mod:`.compare_figures`),
  ``matplotlib.tri.Triangulation`` by its arrays;
- scikit-learn estimators (Pipelines and searches included) by their state: parameters and fitted
  attributes; timings (``mean_fit_time``, ``refit_time_``...) are not state and are left out;
- statsmodels objects by the state both sides hold, without the ``_cache`` of derived values
  (results compute and keep derived values on first use, so one side may hold more) and without
  scratch buffers (``_tmp_*``: arrays made with ``np.empty`` and overwritten before each use, so
  they hold uninitialised memory, not state);
- functions and classes by qualified name (a reified operation nests them in a function, so the
  enclosing ``<locals>`` and the ``__main__`` module are ignored); lambdas also by the constants
  and names their code uses;
- containers item by item; any other object by its state (``__getstate__``, ``__dict__`` and
  ``__slots__``, or for a C object its pickle reduction). Types must match.

Cycles are guarded by a memo of the pairs being compared; a value nested deeper than
:data:`MAX_DEPTH` or holding more than :data:`MAX_OBJECTS` objects cannot be compared.
"""

from __future__ import annotations

import _thread
import copyreg
import functools
import io
import math
import mmap
import re
import socket
import sqlite3
import sys
import types
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, NoReturn

__all__ = ["MAX_DEPTH", "MAX_OBJECTS", "Outcome", "Verdict", "compare"]

Outcome = Literal["reproduced", "differs", "cannot compare"]

#: How deep the walk goes into nested objects before giving up ("cannot compare").
MAX_DEPTH = 100
#: How many objects (not array elements) the walk compares before giving up.
MAX_OBJECTS = 200_000
#: Relative difference below which a float difference is reported as looking like rounding.
ROUNDING = 1e-12


@dataclass(frozen=True)
class Verdict:
    """The outcome of a comparison and, unless reproduced, where and why."""

    outcome: Outcome
    detail: str | None
    """Where and how the values differ, or why they cannot be compared; None when reproduced."""

    def to_json(self) -> dict[str, Any]:
        """The verdict as JSON: ``{"outcome": ..., "detail": ...}``."""
        return {"outcome": self.outcome, "detail": self.detail}


def compare(expected: Any, actual: Any, where: str = "value") -> Verdict:
    """Compare ``actual`` with ``expected`` by state; ``where`` names the value in the detail."""
    try:
        Walk().same(expected, actual, where)
    except Stop as stop:
        return stop.verdict
    return Verdict("reproduced", None)


class Stop(Exception):
    """Ends the walk at the first difference, or at a part that cannot be compared."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(verdict.detail)
        self.verdict = verdict


#: Values compared with ``==`` (exact types: subclasses such as ``numpy.float64`` or enums are
#: compared by their own rules).
_ATOMS = (type(None), bool, int, str, bytes, bytearray, type(Ellipsis), range)

#: statsmodels attributes that are scratch buffers, not state: ``GLM`` keeps ``_tmp_like_exog``,
#: made with ``np.empty_like`` and overwritten before every use, so its bytes are whatever memory
#: it was given.
_SCRATCH = re.compile(r"_tmp_\w*")

#: scikit-learn attributes and ``cv_results_`` keys that are timings, not state.
_TIMING = re.compile(r"\w*(?:fit|score)_time_?")

#: Objects bound to the process that made them: they have no state that another process has.
_PROCESS_BOUND: tuple[type, ...] = (
    io.IOBase,
    _thread.LockType,
    type(_thread.RLock()),
    mmap.mmap,
    sqlite3.Connection,
    sqlite3.Cursor,
    types.GeneratorType,
    types.CoroutineType,
    types.AsyncGeneratorType,
    types.FrameType,
    types.TracebackType,
    socket.socket,
)


class Walk:
    """One comparison: the memo of pairs being compared and the budget spent so far."""

    def __init__(self) -> None:
        self._seen: set[tuple[int, int]] = set()
        # Objects made during the walk (states, reductions) are kept so that their ids stay unique.
        self._keep: list[tuple[Any, Any]] = []
        self._depth = 0

    def differs(self, where: str, how: str) -> NoReturn:
        raise Stop(Verdict("differs", f"{where}: {how}"))

    def cannot(self, where: str, why: str) -> NoReturn:
        raise Stop(Verdict("cannot compare", f"{where}: {why}"))

    def same(self, expected: Any, actual: Any, where: str) -> None:
        """Return if ``actual`` equals ``expected``; raise :class:`Stop` otherwise."""
        if expected is actual:
            return
        if type_key(type(expected)) != type_key(type(actual)):
            self.differs(where, f"expected {type_name(expected)}, got {type_name(actual)}")
        if type(expected) in _ATOMS:
            if expected != actual:
                self.differs(where, f"expected {short(expected)}, got {short(actual)}")
            return
        if type(expected) in (float, complex):
            if not same_number(expected, actual):
                self.differs(where, f"expected {expected!r}, got {actual!r}")
            return
        pair = (id(expected), id(actual))
        if pair in self._seen:  # a cycle, or a part already found equal
            return
        self._seen.add(pair)
        self._keep.append((expected, actual))
        if len(self._keep) > MAX_OBJECTS:
            self.cannot(
                where,
                f"the value holds more than {MAX_OBJECTS} objects; compare a part of it instead",
            )
        if self._depth >= MAX_DEPTH:
            self.cannot(where, f"the value is nested more than {MAX_DEPTH} levels deep")
        self._depth += 1
        try:
            _rule(expected)(self, expected, actual, where)
        except Stop:
            raise
        except Exception as error:  # noqa: BLE001 - a library that cannot answer is not "equal"
            self.cannot(where, f"comparing {type_name(expected)} values failed ({error!r})")
        finally:
            self._depth -= 1

    def attributes(
        self, expected: Mapping[str, Any], actual: Mapping[str, Any], where: str
    ) -> None:
        """Compare two objects' states given as ``{attribute: value}``."""
        if expected.keys() != actual.keys():
            missing = [k for k in expected if k not in actual]
            extra = [k for k in actual if k not in expected]
            self.differs(where, f"attributes differ: missing {missing}, unexpected {extra}")
        for name, value in expected.items():
            self.same(value, actual[name], attribute_path(where, name))

    def state(self, value: Any, where: str) -> Any:
        """An object's state: ``__getstate__``, else ``__dict__`` and slots, else pickle's view."""
        cls = type(value)
        if isinstance(value, _PROCESS_BOUND):
            self.cannot(where, bound_to_process(value))
        getstate = getattr(cls, "__getstate__", None)
        if getstate is not None and getstate is not object.__getstate__:
            try:
                return value.__getstate__()
            except Exception as error:  # noqa: BLE001 - any failure means: no state to read
                self.cannot(where, f"a {type_name(value)} does not give its state ({error})")
        state = dict(getattr(value, "__dict__", None) or {})
        for name in slot_names(cls):
            if hasattr(value, name):
                state[name] = getattr(value, name)
        if state or cls.__flags__ & _HEAPTYPE:
            return state
        return self.reduction(value, where)

    def reduction(self, value: Any, where: str) -> tuple[Any, ...]:
        """A C object's state as pickle sees it: constructor, arguments, state, items."""
        try:
            reduced = value.__reduce_ex__(4)
        except Exception:  # noqa: BLE001 - "cannot pickle": nothing outside this process
            self.cannot(where, bound_to_process(value))
        if isinstance(reduced, str):
            return (reduced,)
        make, args, *rest = reduced
        rest = [list(r) if r is not None and not isinstance(r, dict) else r for r in rest]
        if make in (copyreg.__newobj__, copyreg._reconstructor) and not any(rest):  # type: ignore[attr-defined]
            self.cannot(where, bound_to_process(value))
        return (make, args, *rest)


_HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class made by a class statement, not by C code


def bound_to_process(value: Any) -> str:
    return (
        f"a {type_name(value)} belongs to the process that made it and has no state to "
        "compare; compare the values computed from it instead"
    )


def _rule(value: Any) -> Callable[[Walk, Any, Any, str], None]:
    """The comparison rule for ``value``'s kind."""
    modules = sys.modules
    np = modules.get("numpy")
    if np is not None and isinstance(value, np.ndarray | np.generic):
        return _numpy
    pd = modules.get("pandas")
    if pd is not None and isinstance(
        value, pd.DataFrame | pd.Series | pd.Index | pd.api.extensions.ExtensionArray
    ):
        return _pandas
    torch = modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        return _tensor
    keras = modules.get("keras")
    if keras is not None and isinstance(value, keras.layers.Layer):
        return _keras
    if "matplotlib" in modules:
        from . import compare_figures

        rule = compare_figures.rule(value)
        if rule is not None:
            return rule
    base = modules.get("sklearn.base")
    if base is not None and isinstance(value, base.BaseEstimator):
        return _estimator
    if type(value).__module__.startswith("statsmodels."):
        return _statsmodels
    if isinstance(value, _CALLABLES):
        return _callable
    if isinstance(value, Mapping):
        return _mapping
    if isinstance(value, list | tuple | deque):
        return _sequence
    if isinstance(value, set | frozenset):
        return _set
    return _object


def _numpy(walk: Walk, expected: Any, actual: Any, where: str) -> None:
    import numpy as np

    compare_arrays(walk, np.asarray(expected), np.asarray(actual), where)


def compare_arrays(walk: Walk, expected: Any, actual: Any, where: str) -> None:
    """Shape, dtype, then values: exact, NaN equal to NaN, objects walked one by one."""
    import numpy as np

    if expected.shape != actual.shape:
        walk.differs(where, f"expected shape {expected.shape}, got {actual.shape}")
    if expected.dtype != actual.dtype:
        walk.differs(where, f"expected dtype {expected.dtype}, got {actual.dtype}")
    if np.ma.isMaskedArray(expected):
        mask = np.ma.getmaskarray(expected)
        if not np.array_equal(mask, np.ma.getmaskarray(actual)):
            walk.differs(where, "the arrays mask different elements")
        expected, actual = expected.data[~mask], actual.data[~mask]
    if expected.dtype.names:
        for field in expected.dtype.names:
            compare_arrays(walk, expected[field], actual[field], f"{where}[{field!r}]")
        return
    if expected.dtype.hasobject:
        for index in np.ndindex(expected.shape):
            walk.same(expected[index], actual[index], f"{where}[{_index(index)}]")
        return
    equal = expected == actual
    if expected.dtype.kind in "fc":
        equal |= np.isnan(expected) & np.isnan(actual)
    elif expected.dtype.kind in "mM":
        equal |= np.isnat(expected) & np.isnat(actual)
    if np.all(equal):
        return
    bad = np.argwhere(~np.asarray(equal))
    first = tuple(int(i) for i in bad[0])
    how = (
        f"{len(bad)} of {expected.size} elements differ; first at [{_index(first)}]: "
        f"expected {_scalar(expected[first])!r}, got {_scalar(actual[first])!r}"
    )
    if expected.dtype.kind in "fc":
        how += _rounding_note(expected, actual, ~np.asarray(equal))
    walk.differs(where, how)


def _rounding_note(expected: Any, actual: Any, bad: Any) -> str:
    import numpy as np

    with np.errstate(all="ignore"):
        gap = np.abs(expected[bad] - actual[bad])
        scale = np.maximum(np.abs(expected[bad]), np.abs(actual[bad]))
        ratios = np.where(scale > 0, gap / scale, gap)
    ratios = ratios[np.isfinite(ratios)]
    if not ratios.size:  # NaN or infinity on one side only: no relative size to tell
        return ""
    relative = float(ratios.max())
    note = f"; largest relative difference {relative:.3g}"
    if relative <= ROUNDING:
        note += " (rounding: a step of the computation is not deterministic)"
    return note


def _scalar(value: Any) -> Any:
    """A NumPy scalar as the Python value it holds, for a readable detail."""
    return value.item() if hasattr(value, "item") else value


def _index(index: tuple[int, ...]) -> str:
    return ", ".join(map(str, index))


def _pandas(walk: Walk, expected: Any, actual: Any, where: str) -> None:
    import pandas as pd

    testing = pd.testing
    try:
        if isinstance(expected, pd.DataFrame):
            testing.assert_frame_equal(expected, actual, check_exact=True)
        elif isinstance(expected, pd.Series):
            testing.assert_series_equal(expected, actual, check_exact=True)
        elif isinstance(expected, pd.Index):
            testing.assert_index_equal(expected, actual, exact=True, check_exact=True)
        else:
            testing.assert_extension_array_equal(expected, actual, check_exact=True)
    except AssertionError as error:
        walk.differs(where, one_line(str(error)))
    except (TypeError, ValueError) as error:
        walk.cannot(where, f"pandas cannot compare these {type_name(expected)}s ({error})")


def _tensor(walk: Walk, expected: Any, actual: Any, where: str) -> None:
    import torch

    if expected.dtype != actual.dtype:
        walk.differs(where, f"expected dtype {expected.dtype}, got {actual.dtype}")
    if expected.shape != actual.shape:
        walk.differs(where, f"expected shape {tuple(expected.shape)}, got {tuple(actual.shape)}")
    try:
        torch.testing.assert_close(
            actual.detach().cpu(),
            expected.detach().cpu(),
            rtol=0,
            atol=0,
            equal_nan=True,
            check_stride=False,
        )
    except AssertionError as error:
        walk.differs(where, one_line(str(error).replace("Tensor-likes are not equal!", "")))


def _keras(walk: Walk, expected: Any, actual: Any, where: str) -> None:
    walk.same(_architecture(expected), _architecture(actual), f"{where} configuration")
    walk.same(expected.get_weights(), actual.get_weights(), f"{where} weights")


def _architecture(layer: Any) -> Any:
    """A Keras layer's configuration without names, or its layers' for a model."""
    layers = getattr(layer, "layers", None)
    if isinstance(layers, list):
        return [type_key(type(layer)), [_architecture(inner) for inner in layers]]
    try:
        config = layer.get_config()
    except (NotImplementedError, TypeError):  # a subclassed layer without get_config
        config = None
    return [type_key(type(layer)), _without_names(config)]


def _without_names(config: Any) -> Any:
    if isinstance(config, dict):
        return {k: _without_names(v) for k, v in config.items() if k != "name"}
    if isinstance(config, list | tuple):
        return [_without_names(v) for v in config]
    return config


def _estimator(walk: Walk, expected: Any, actual: Any, where: str) -> None:
    walk.attributes(
        _without_timings(walk.state(expected, where)),
        _without_timings(walk.state(actual, where)),
        where,
    )


def _without_timings(state: dict[str, Any]) -> dict[str, Any]:
    """A scikit-learn state without timings: ``refit_time_``, ``cv_results_['mean_fit_time']``."""
    kept = {k: v for k, v in state.items() if not _TIMING.fullmatch(k)}
    results = kept.get("cv_results_")
    if isinstance(results, dict):
        kept["cv_results_"] = {k: v for k, v in results.items() if not _TIMING.fullmatch(k)}
    return kept


def _statsmodels(walk: Walk, expected: Any, actual: Any, where: str) -> None:
    state = walk.state(expected, where), walk.state(actual, where)
    if not all(isinstance(s, dict) for s in state):
        walk.same(*state, where)
        return
    # Results compute derived values on first use and keep them (``_cache``, and ``summary()``
    # sets ``diagn``...): one side may have more of them, so only what both hold is compared.
    # Scratch buffers hold uninitialised memory: a model's state never depends on them.
    shared = [
        k
        for k in state[0]
        if k in state[1] and k != "_cache" and not (isinstance(k, str) and _SCRATCH.fullmatch(k))
    ]
    walk.attributes(*({k: s[k] for k in shared} for s in state), where)


_CALLABLES = (
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
    types.MethodWrapperType,
    types.MethodDescriptorType,
    types.WrapperDescriptorType,
    types.ModuleType,
    type,
    functools.partial,
)


def _callable(walk: Walk, expected: Any, actual: Any, where: str) -> None:
    if isinstance(expected, types.ModuleType):
        walk.same(expected.__name__, actual.__name__, f"{where} (module)")
    elif isinstance(expected, type):
        if type_key(expected) != type_key(actual):
            walk.differs(where, f"expected class {qualified(expected)}, got {qualified(actual)}")
    elif isinstance(expected, functools.partial):
        walk.same(expected.func, actual.func, f"{where}.func")
        walk.same(expected.args, actual.args, f"{where}.args")
        walk.same(expected.keywords, actual.keywords, f"{where}.keywords")
    else:
        if type_key(expected) != type_key(actual):
            walk.differs(where, f"expected {qualified(expected)}, got {qualified(actual)}")
        owner = getattr(expected, "__self__", None)
        if owner is not None and not isinstance(owner, types.ModuleType):
            walk.same(owner, actual.__self__, f"{where}.__self__")
        if isinstance(expected, types.FunctionType):
            if expected.__name__ == "<lambda>" and _code(expected.__code__) != _code(
                actual.__code__
            ):
                walk.differs(where, "the lambdas' code differs")
            walk.same(expected.__defaults__, actual.__defaults__, f"{where} defaults")
            walk.same(expected.__kwdefaults__, actual.__kwdefaults__, f"{where} defaults")


def _code(code: types.CodeType) -> tuple[Any, ...]:
    """What a function's code does, independent of where it was defined (global or closure)."""
    constants = tuple(_code(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    names = sorted({*code.co_names, *code.co_freevars})
    return (code.co_argcount, code.co_kwonlyargcount, code.co_varnames, names, constants)


def _mapping(walk: Walk, expected: Any, actual: Any, where: str) -> None:
    if expected.keys() != actual.keys():
        missing = [k for k in expected if k not in actual]
        extra = [k for k in actual if k not in expected]
        walk.differs(where, f"keys differ: missing {short(missing)}, unexpected {short(extra)}")
    for key, value in expected.items():
        walk.same(value, actual[key], f"{where}[{key!r}]")
    _object_extras(walk, expected, actual, where)


def _sequence(walk: Walk, expected: Any, actual: Any, where: str) -> None:
    if len(expected) != len(actual):
        walk.differs(where, f"expected {len(expected)} items, got {len(actual)}")
    for index, (e, a) in enumerate(zip(expected, actual, strict=True)):
        walk.same(e, a, f"{where}[{index}]")
    _object_extras(walk, expected, actual, where)


def _set(walk: Walk, expected: Any, actual: Any, where: str) -> None:
    if expected != actual:
        missing, extra = expected - actual, actual - expected
        walk.differs(where, f"missing {short(missing)}, unexpected {short(extra)}")


def _object_extras(walk: Walk, expected: Any, actual: Any, where: str) -> None:
    """Attributes of a container subclass (a ``defaultdict``'s factory is not compared)."""
    if type(expected).__flags__ & _HEAPTYPE:
        walk.attributes(
            dict(getattr(expected, "__dict__", {})), dict(getattr(actual, "__dict__", {})), where
        )


def _object(walk: Walk, expected: Any, actual: Any, where: str) -> None:
    """Any other object: its own ``==`` when it has one and it says equal, else its state."""
    if type(expected).__eq__ is not object.__eq__:
        try:
            equal = expected == actual
        except Exception:  # noqa: BLE001 - an __eq__ that cannot answer: compare the state
            equal = None
        np = sys.modules.get("numpy")
        if equal is True or (np is not None and isinstance(equal, np.bool_) and equal):
            return
        if equal is False and not type(expected).__flags__ & _HEAPTYPE:
            walk.differs(where, f"expected {short(expected)}, got {short(actual)}")
    expected_state, actual_state = walk.state(expected, where), walk.state(actual, where)
    if isinstance(expected_state, dict) and isinstance(actual_state, dict):
        walk.attributes(expected_state, actual_state, where)
    else:
        walk.same(expected_state, actual_state, where)


def same_number(expected: float | complex, actual: float | complex) -> bool:
    """Exact equality of two Python numbers, NaN equal to NaN (parts of complex numbers too)."""
    if expected == actual:
        return True
    pairs = (
        [(expected.real, actual.real), (expected.imag, actual.imag)]
        if isinstance(expected, complex)
        else [(expected, actual)]
    )
    return all(e == a or (math.isnan(e) and math.isnan(a)) for e, a in pairs)


def slot_names(cls: type) -> list[str]:
    """Every ``__slots__`` name of ``cls`` and its bases (not ``__dict__``/``__weakref__``)."""
    names: list[str] = []
    for base in cls.__mro__:
        slots = base.__dict__.get("__slots__", ())
        for name in [slots] if isinstance(slots, str) else slots:
            if name not in ("__dict__", "__weakref__") and name not in names:
                names.append(name)
    return names


def type_key(cls: Any) -> tuple[str, str]:
    """A class's identity across processes: module and qualified name, where they are stable.

    A class or function made in the notebook (``__main__``) or inside a function (as a reified
    operation nests the cell's definitions) compares by its name alone.
    """
    module = getattr(cls, "__module__", None) or ""
    name = getattr(cls, "__qualname__", None) or getattr(cls, "__name__", "") or ""
    if "<locals>." in name or module in ("__main__", "builtins") or module not in sys.modules:
        return ("", name.rpartition("<locals>.")[2])
    return (module, name)


def qualified(value: Any) -> str:
    module, name = type_key(value)
    return f"{module}.{name}" if module else name


def type_name(value: Any) -> str:
    """``a numpy.ndarray``-style name of a value's type."""
    return qualified(type(value))


def attribute_path(where: str, name: Any) -> str:
    return (
        f"{where}.{name}" if isinstance(name, str) and name.isidentifier() else f"{where}[{name!r}]"
    )


def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def one_line(text: str) -> str:
    """A library's multi-line assertion message as one line."""
    return "; ".join(line.strip() for line in text.splitlines() if line.strip())
