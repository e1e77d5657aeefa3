"""Verify a reified pipeline in the notebook's kernel: compare its output with the live value.

The front end runs a reified pipeline through the executions API, then sends
``provenance.verify {target, version, artifact: {uri, serializer}}`` (or ``executionCount``
instead of ``target`` for a cell's output) on the ``forgelab`` comm. The kernel holds the value
the pipeline must reproduce, so the comparison happens here, as ``forgelab reify --run`` does it.
"""

from __future__ import annotations

from typing import Any

from ..jobs import serializers
from ..provenance.compare import Verdict, compare


def _load_artifact(artifact: Any) -> Any:
    """The value of a stored artifact ``{uri, serializer}``; a ``ValueError`` says why not."""
    if not isinstance(artifact, dict) or not isinstance(artifact.get("uri"), str):
        raise ValueError("provenance.verify needs 'artifact': {'uri', 'serializer'}")
    uri: str = artifact["uri"]
    if "://" in uri and not uri.startswith("file://"):
        raise ValueError(
            f"the pipeline's output is stored at {uri}, which this kernel cannot read; "
            "run the pipeline with local storage to verify it"
        )
    path = uri[len("file://") :] if uri.startswith("file://") else uri
    try:
        return serializers.load(path, str(artifact.get("serializer") or "cloudpickle"))
    except Exception as error:  # noqa: BLE001 - any load failure becomes the verdict's detail
        raise ValueError(
            f"the pipeline's output {uri} could not be read ({type(error).__name__}: {error})"
        ) from error


def _expected(request: dict[str, Any], namespace: dict[str, Any]) -> tuple[str, Any]:
    """``(what, value)`` the pipeline must reproduce; a ``ValueError`` says why it is unknown."""
    from .recorder import current

    count = request.get("executionCount")
    if isinstance(count, int) and not isinstance(count, bool):
        outputs = namespace.get("Out", {})
        if count not in outputs:
            raise ValueError(
                f"the kernel keeps no value for the output of cell [{count}] (a figure, or an "
                "output of an earlier kernel session): compare it by eye"
            )
        return f"output of cell [{count}]", outputs[count]
    target = request.get("target")
    if not isinstance(target, str) or not target.isidentifier():
        raise ValueError(f"provenance.verify needs a variable name as 'target', got {target!r}")
    if target not in namespace:
        raise ValueError(f"{target} is no longer defined in the kernel")
    recorder = current()
    version = request.get("version")
    now = recorder.versions.get(target) if recorder is not None else None
    if isinstance(version, int) and now is not None and now != version:
        raise ValueError(f"{target} changed since (v{version} → v{now})")
    return target, namespace[target]


def verify(request: dict[str, Any], namespace: dict[str, Any]) -> dict[str, Any]:
    """``{"outcome", "detail"}``: whether the pipeline's artifact equals the kernel's value.

    ``outcome`` is ``reproduced``, ``differs`` or ``cannot compare`` (the value changed since
    it was reified, is gone, or the artifact cannot be read); ``detail`` says where or why.
    """
    try:
        where, expected = _expected(request, namespace)
        actual = _load_artifact(request.get("artifact"))
    except ValueError as error:
        return Verdict("cannot compare", str(error)).to_json()
    return compare(expected, actual, where).to_json()


def register_requests() -> None:
    """Answer ``provenance.verify`` on the ``forgelab`` comm of this kernel."""
    from .comm import register

    def handle(request: dict[str, Any]) -> dict[str, Any]:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None:
            raise RuntimeError("provenance.verify runs in an IPython kernel")
        return verify(request, shell.user_ns)

    register("provenance.verify", handle)
