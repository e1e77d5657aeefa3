"""The library interface and registry: Keras and PyTorch found by name, unknown and missing
frameworks refused with the reason and the remedy, documents validated against the registry."""

from __future__ import annotations

import pytest
from forgelab import architecture
from forgelab.libraries import (
    Library,
    LibraryUnavailable,
    available,
    get,
    library_for,
    names,
    registry,
)
from forgelab.pytorch.library import TorchLibrary

from .conftest import architecture as document
from .conftest import layer


class GhostLibrary(TorchLibrary):
    """A library whose framework is not installed."""

    name = "ghost"
    requires = ("forgelab_ghost_framework",)
    install = "pip install ghost-framework"


def test_builtin_libraries_are_registered_and_load() -> None:
    assert {"keras", "torch"} <= set(names())
    assert isinstance(get("torch"), Library) and get("torch").title == "PyTorch"
    assert get("keras").name == "keras"
    states = {entry["name"]: entry["available"] for entry in available()}
    assert states["keras"] is True and states["torch"] is True


def test_unknown_framework_names_the_registered_ones() -> None:
    with pytest.raises(LibraryUnavailable, match="no such framework; registered ones are keras"):
        get("jax")
    with pytest.raises(LibraryUnavailable, match="forgelab.libraries"):
        library_for({"framework": "jax"})


def test_missing_framework_gives_the_reason_and_install_hint(monkeypatch) -> None:
    monkeypatch.setitem(registry._BUILTIN, "ghost", f"{__name__}:GhostLibrary")
    get.cache_clear()
    try:
        with pytest.raises(LibraryUnavailable) as caught:
            get("ghost")
        assert "No module named 'forgelab_ghost_framework'" in str(caught.value)
        assert "Install it with: pip install ghost-framework" in str(caught.value)
        ghost = next(e for e in available() if e["name"] == "ghost")
        assert ghost["available"] is False and ghost["install"] == "pip install ghost-framework"
    finally:
        get.cache_clear()


def test_schema_accepts_a_library_name_and_python_checks_it_is_registered() -> None:
    torch_doc = document([layer("x", "Input", shape=[3])])
    assert architecture.read(torch_doc)[0]["framework"] == "torch"
    with pytest.raises(LibraryUnavailable, match="'jax' is unavailable"):
        architecture.read({**torch_doc, "framework": "jax"})


def test_models_find_their_library() -> None:
    import keras
    import torch

    assert registry.library_of_model(torch.nn.Linear(2, 3)).name == "torch"
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    assert registry.library_of_model(model).name == "keras"
    with pytest.raises(ValueError, match="not a model of any architecture library"):
        registry.library_of_model(object())
