"""Checking a reified pipeline: run it and compare its output with the notebook's value.

Comparison knows numpy arrays (shape, dtype, values, NaN equal to NaN), pandas frames and series
(``pandas.testing``), torch tensors and plain Python values (containers compared element-wise).
"""

from __future__ import annotations

import asyncio
import math
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..jobs import serializers


class ReproductionError(RuntimeError):
    """The pipeline did not run, or produced no value for its output."""


def difference(expected: Any, actual: Any, where: str = "value") -> str | None:
    """A one-paragraph description of how ``actual`` differs from ``expected``; None if equal."""
    np = sys.modules.get("numpy")
    pd = sys.modules.get("pandas")
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(expected, torch.Tensor):
        if not isinstance(actual, torch.Tensor):
            return f"{where}: expected a torch tensor, got {serializers.type_name(actual)}"
        expected, actual = expected.detach().cpu().numpy(), actual.detach().cpu().numpy()
    keras = sys.modules.get("keras")
    if keras is not None and isinstance(expected, keras.Model):
        if not isinstance(actual, keras.Model):
            return f"{where}: expected a Keras model, got {serializers.type_name(actual)}"
        return difference(expected.get_weights(), actual.get_weights(), f"{where} weights")
    if pd is not None and isinstance(expected, (pd.DataFrame, pd.Series)):
        try:
            if isinstance(expected, pd.DataFrame):
                pd.testing.assert_frame_equal(expected, actual)
            else:
                pd.testing.assert_series_equal(expected, actual)
        except AssertionError as error:
            return f"{where}: {error}"
        return None
    if np is not None and isinstance(expected, np.ndarray):
        if not isinstance(actual, np.ndarray):
            return f"{where}: expected a numpy array, got {serializers.type_name(actual)}"
        if expected.shape != actual.shape or expected.dtype != actual.dtype:
            return (
                f"{where}: expected shape {expected.shape} {expected.dtype}, "
                f"got {actual.shape} {actual.dtype}"
            )
        equal_nan = expected.dtype.kind in "fc"
        if not np.array_equal(expected, actual, equal_nan=equal_nan):
            bad = np.argwhere(~((expected == actual) | (np.isnan(expected) & np.isnan(actual))))
            if not equal_nan:
                bad = np.argwhere(expected != actual)
            first = tuple(int(i) for i in bad[0]) if len(bad) else ()
            return (
                f"{where}: {len(bad)} of {expected.size} elements differ; first at {first}: "
                f"expected {expected[first]!r}, got {actual[first]!r}"
            )
        return None
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        if set(expected) != set(actual):
            want, got = sorted(map(str, expected)), sorted(map(str, actual))
            return f"{where}: keys differ: expected {want}, got {got}"
        for key in expected:
            if (found := difference(expected[key], actual[key], f"{where}[{key!r}]")) is not None:
                return found
        return None
    if isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple)):
        if len(expected) != len(actual):
            return f"{where}: expected {len(expected)} items, got {len(actual)}"
        for index, (e, a) in enumerate(zip(expected, actual, strict=True)):
            if (found := difference(e, a, f"{where}[{index}]")) is not None:
                return found
        return None
    if isinstance(expected, float) and isinstance(actual, float):
        if expected == actual or (math.isnan(expected) and math.isnan(actual)):
            return None
        return f"{where}: expected {expected!r}, got {actual!r}"
    try:
        same = bool(expected == actual)
    except Exception as error:  # noqa: BLE001 - objects with unusual __eq__
        return f"{where}: cannot compare {serializers.type_name(expected)} values ({error})"
    if same:
        return None
    return f"{where}: expected {_short(expected)}, got {_short(actual)}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


async def _run(doc: dict[str, Any], root: Path, store: Any) -> dict[str, Any]:
    from ..executions import Orchestrator

    orchestrator = Orchestrator(store, root=root, confine=False)
    try:
        execution = await orchestrator.submit(doc, compute="local", storage="local")
        return await orchestrator.wait(execution["id"])
    finally:
        await orchestrator.close()


def run_pipeline(
    doc: dict[str, Any], *, root: str | Path, store: Any
) -> tuple[Any, dict[str, Any]]:
    """Run ``doc`` on the local adapter; returns its (single) output's value and the execution."""
    root = Path(root)
    final = asyncio.run(_run(doc, root, store))
    if final["status"] != "succeeded":
        errors = "; ".join(
            f"{j.get('name') or j['node']}: {_message(j['error'])}"
            for j in final["jobs"]
            if j.get("error")
        )
        raise ReproductionError(
            f"the reified pipeline {final['status']} (execution {final['id']}): "
            f"{errors or 'no job error recorded'}"
        )
    output = next(n for n in doc["nodes"] if n["kind"] == "output")
    feeding = next(c["source"] for c in doc["connections"] if c["target"]["node"] == output["id"])
    job = next(j for j in final["jobs"] if j["node"] == feeding["node"])
    artifact = (job.get("outputs") or {}).get(feeding["port"])
    if artifact is None:
        raise ReproductionError(f"job {job['id']} stored no output {feeding['port']!r}")
    uri = artifact["uri"]
    path = uri[len("file://") :] if uri.startswith("file://") else uri
    return serializers.load(path, artifact.get("serializer", "cloudpickle")), final


def _message(error: Any) -> str:
    return str(error.get("message")) if isinstance(error, dict) else str(error)
