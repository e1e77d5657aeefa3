"""``compare``: every kind of value, equal, a little off, and impossible to compare.

Each case builds its two values independently (or through a pickle round trip, as a value crosses
from the kernel to the pipeline), so nothing passes because both sides are one object.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import pytest
from forgelab.provenance import compare as comparing
from forgelab.provenance.compare import Verdict, compare

matplotlib.use("Agg")  # in this process only: jobs started by later tests choose their own

os.environ.setdefault("KERAS_BACKEND", "torch")


def copied(value: Any) -> Any:
    return pickle.loads(pickle.dumps(value))


class Slotted:
    __slots__ = ("x", "y")

    def __init__(self, x: Any) -> None:
        self.x, self.y = x, [1, 2]


class Locked:
    def __init__(self) -> None:
        self.value = 1
        self.lock = threading.Lock()


def cycle(last: int) -> list[Any]:
    items: list[Any] = [1, last]
    items.append(items)
    return items


def figure(y: float = 3.0, title: str = "a", grid: bool = False) -> Any:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1, 2, 3], [0, 1, 2, y], label="squares")
    ax.scatter([0, 1], [1, 0])
    ax.set_title(title)
    ax.set_xlabel("x")
    ax.grid(grid)
    plt.close(fig)
    return fig


def triangulation(x: float = 1.0) -> Any:
    import matplotlib.tri as mtri

    return mtri.Triangulation([0, x, 0, 1], [0, 0, 1, 1])


def data() -> tuple[Any, Any]:
    xs = np.random.RandomState(0).rand(30, 3)
    return xs, xs @ [1.0, 2.0, 3.0]


def ridge_pipeline(alpha: float = 1.0) -> Any:
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), Ridge(alpha=alpha)).fit(*data())


def grid_search(alphas: tuple[float, ...] = (0.1, 1.0)) -> Any:
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import GridSearchCV

    return GridSearchCV(Ridge(), {"alpha": list(alphas)}, cv=3).fit(*data())


def ols(shift: float = 0.0, touch: bool = False) -> Any:
    import statsmodels.formula.api as smf

    frame = pd.DataFrame({"x": np.arange(10.0), "y": np.arange(10.0) ** 1.5})
    frame.loc[3, "y"] += shift
    results = smf.ols("y ~ np.log1p(x)", frame).fit()
    if touch:  # fills the results' lazy cache, as a notebook that shows bse does
        _ = results.bse, results.fittedvalues, results.summary()
    return results


def glm(shift: float = 0.0, scribble: bool = False) -> Any:
    """A fitted logit GLM; ``scribble`` fills its scratch buffer as other memory would."""
    import statsmodels.api as sm

    x = sm.add_constant(np.linspace(-2.0, 2.0, 12))
    y = np.array([0, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1], dtype=float)
    x[4, 1] += shift
    results = sm.GLM(y, x, family=sm.families.Binomial()).fit()
    if scribble:  # the model's np.empty_like buffer holds whatever memory it was given
        results.model._tmp_like_exog[...] = 4.67e-310
    return results


def module(bump: float = 0.0) -> Any:
    import torch

    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
    with torch.no_grad():
        net[0].weight[1, 1] += bump
    return net


def tensor(last: float) -> Any:
    import torch

    return torch.tensor([1.0, float("nan"), last])


def keras_model(bump: float = 0.0) -> Any:
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    weights = model.get_weights()
    weights[0][0, 0] += bump
    model.set_weights(weights)
    return model


NESTED = {"a": [1, (2.0, "x")], "b": {3}, "c": None}

EQUAL: dict[str, Callable[[], tuple[Any, Any]]] = {
    "nested containers": lambda: (
        {"a": [1, (2.0, "x")], "b": {3}},
        {"a": [1, (2.0, "x")], "b": {3}},
    ),
    "float NaN": lambda: ([float("nan")], [float("nan")]),
    "array with NaN": lambda: (np.array([1.0, np.nan]), np.array([1.0, np.nan])),
    "object array": lambda: (np.array([{"a": 1}, None]), np.array([{"a": 1}, None])),
    "frame": lambda: (pd.DataFrame({"a": [1.5, np.nan]}), pd.DataFrame({"a": [1.5, np.nan]})),
    "cycles": lambda: (cycle(2), cycle(2)),
    "slots object": lambda: (Slotted(1), copied(Slotted(1))),
    "same lambda": lambda: (lambda x: x + 1, lambda x: x + 1),
    "random generator": lambda: (np.random.default_rng(3), np.random.default_rng(3)),
    "figure": lambda: (figure(), copied(figure())),
    "axes": lambda: (figure().axes[0], copied(figure()).axes[0]),
    "triangulation": lambda: (triangulation(), copied(triangulation())),
    "sklearn Pipeline": lambda: (ridge_pipeline(), copied(ridge_pipeline())),
    # fitted twice: cv_results_ timings and refit_time_ differ, and are not state
    "GridSearchCV": lambda: (grid_search(), grid_search()),
    "statsmodels OLS": lambda: (ols(touch=True), ols()),
    # scratch buffers (_tmp_*) hold uninitialised memory, not state
    "statsmodels GLM": lambda: (glm(scribble=True), glm()),
    "torch tensor": lambda: (tensor(3.0), tensor(3.0)),
    "torch module": lambda: (module(), copied(module())),
    "keras model": lambda: (keras_model(), keras_model()),
}


@pytest.mark.parametrize("case", EQUAL)
def test_equal_values_are_reproduced(case: str) -> None:
    expected, actual = EQUAL[case]()
    assert compare(expected, actual) == Verdict("reproduced", None)


DIFFERENT: dict[str, tuple[Callable[[], tuple[Any, Any]], list[str]]] = {
    "one element off": (
        lambda: (np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.5])),
        ["value: 1 of 3 elements differ; first at [2]: expected 3.0, got 3.5"],
    ),
    "rounding": (
        lambda: (np.array([0.1 + 0.2]), np.array([0.3])),
        ["relative difference", "rounding"],
    ),
    "dtype": (
        lambda: (np.zeros(2), np.zeros(2, dtype=np.float32)),
        ["expected dtype float64, got float32"],
    ),
    "NaN against a number": (
        lambda: (np.array([np.nan]), np.array([1.0])),
        ["first at [0]: expected nan, got 1.0"],
    ),
    "type": (lambda: ([1], (1,)), ["expected list, got tuple"]),
    "dict keys": (lambda: ({"a": 1}, {"b": 1}), ["keys differ: missing ['a'], unexpected ['b']"]),
    "nested item": (lambda: ({"a": [1, 2]}, {"a": [1, 3]}), ["value['a'][1]: expected 2, got 3"]),
    "cycles": (lambda: (cycle(2), cycle(3)), ["value[1]: expected 2, got 3"]),
    "slots object": (lambda: (Slotted(1), Slotted(2)), ["value.x: expected 1, got 2"]),
    "frame": (
        lambda: (pd.DataFrame({"a": [1.0, 2.0]}), pd.DataFrame({"a": [1.0, 2.0 + 1e-9]})),
        ['column name="a"', "different"],
    ),
    "lambda": (lambda: (lambda x: x + 1, lambda x: x + 2), ["the lambdas' code differs"]),
    "point moved": (
        lambda: (figure(), figure(y=5.0)),
        ["value: axes 0: line 0 ydata: 1 of 4 elements differ; first at [3]", "pixels differ"],
    ),
    "title": (
        lambda: (figure(), figure(title="b")),
        ["value: axes 0: title: expected 'a', got 'b'", "pixels differ"],
    ),
    "drawn only": (
        lambda: (figure(), figure(grid=True)),
        ["value: drawn differently: ", " pixels differ"],
    ),
    "axes": (
        lambda: (figure().axes[0], figure(y=5.0).axes[0]),
        ["value: line 0 ydata", "pixels differ"],
    ),
    "triangulation": (lambda: (triangulation(), triangulation(2.0)), ["value.x: 1 of 4"]),
    "sklearn Pipeline": (
        lambda: (ridge_pipeline(), ridge_pipeline(alpha=2.0)),
        ["value.steps[1][1].alpha: expected 1.0, got 2.0"],
    ),
    "GridSearchCV": (
        lambda: (grid_search(), grid_search((0.1, 2.0))),
        ["value.param_grid['alpha'][1]: expected 1.0, got 2.0"],
    ),
    "statsmodels OLS": (lambda: (ols(), ols(shift=1.0)), ["value._results.params"]),
    # the scratch buffer is left out, the data and fit are not
    "statsmodels GLM": (
        lambda: (glm(scribble=True), glm(shift=0.5)),
        ["value._results.params: 2 of 2 elements differ"],
    ),
    "torch tensor": (lambda: (tensor(3.0), tensor(4.0)), ["Mismatched elements: 1 / 3"]),
    "torch module": (
        lambda: (module(), module(bump=1.0)),
        ["value._modules['0']._parameters['weight']", "Mismatched elements: 1 / 6"],
    ),
    "keras model": (
        lambda: (keras_model(), keras_model(bump=1.0)),
        ["value weights[0]: 1 of 6 elements differ; first at [0, 0]"],
    ),
}


@pytest.mark.parametrize("case", DIFFERENT)
def test_a_difference_is_found_and_located(case: str) -> None:
    build, fragments = DIFFERENT[case]
    verdict = compare(*build())
    assert verdict.outcome == "differs", verdict
    for fragment in fragments:
        assert fragment in verdict.detail, verdict.detail


def test_process_bound_state_cannot_be_compared() -> None:
    verdict = compare(Locked(), Locked(), "model")
    assert verdict.outcome == "cannot compare"
    assert verdict.detail.startswith("model.lock: a _thread.lock belongs to the process")
    with open(__file__) as one, open(__file__) as two:
        assert compare([one], [two]).outcome == "cannot compare"


class Unreadable:
    """An object whose state cannot be read: its ``__dict__`` raises."""

    @property
    def __dict__(self) -> dict[str, Any]:  # type: ignore[override]
        raise RuntimeError("detached")


def test_a_part_whose_comparison_fails_cannot_be_compared() -> None:
    verdict = compare({"part": Unreadable()}, {"part": Unreadable()})
    assert verdict.outcome == "cannot compare"
    assert verdict.detail.startswith("value['part']: comparing ")
    assert "Unreadable values failed (RuntimeError('detached'))" in verdict.detail


def test_a_difference_found_before_process_bound_state_is_reported() -> None:
    expected, actual = Locked(), Locked()
    actual.value = 2
    assert compare(expected, actual).detail == "value.value: expected 1, got 2"


def test_values_beyond_the_budget_cannot_be_compared(monkeypatch: pytest.MonkeyPatch) -> None:
    deep: list[Any] = []
    for _ in range(comparing.MAX_DEPTH + 5):
        deep = [deep]
    verdict = compare(deep, copied(deep))
    assert verdict.outcome == "cannot compare" and "levels deep" in verdict.detail
    monkeypatch.setattr(comparing, "MAX_OBJECTS", 50)
    verdict = compare([[i] for i in range(100)], [[i] for i in range(100)])
    assert verdict.outcome == "cannot compare" and "more than 50 objects" in verdict.detail


def test_a_verdict_is_json() -> None:
    assert compare(1, 2, "x").to_json() == {"outcome": "differs", "detail": "x: expected 1, got 2"}
    assert compare(1, 1).to_json() == {"outcome": "reproduced", "detail": None}
