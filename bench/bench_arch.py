"""Architecture editor feedback: shape-check latency after an edit, and catalog build time.

Run: ``KERAS_BACKEND=torch python bench/bench_arch.py``. Prints medians and ratios against a
baseline measured in the same run: Keras building the same 100-layer model directly
(``keras.Input`` + functional calls). The goal is feedback under 300 ms after an edit.
"""

from __future__ import annotations

import copy
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("FORGELAB_CACHE_DIR", tempfile.mkdtemp(prefix="forgelab-bench-"))

import keras  # noqa: E402
from forgelab.keras import catalog as catalog_module  # noqa: E402
from forgelab.keras import inference  # noqa: E402
from forgelab.keras.model import build_model  # noqa: E402
from forgelab.kernel.comm import answer, register  # noqa: E402
from forgelab.libraries.comm import register_requests  # noqa: E402

BLOCKS = 19  # 1 input + 2 stem + 19 blocks x 5 layers + 2 head layers = 100 layers


def hundred_layers() -> dict[str, Any]:
    """A residual convolutional network of exactly 100 layers."""
    layers: list[dict[str, Any]] = [
        {"id": "image", "type": "Input", "arguments": {"shape": [32, 32, 3]}},
        {
            "id": "stem",
            "type": "Conv2D",
            "inputs": ["image"],
            "arguments": {"filters": 32, "kernel_size": 3, "padding": "same"},
        },
        {"id": "stem_relu", "type": "ReLU", "inputs": ["stem"]},
    ]
    previous = "stem_relu"
    for b in range(BLOCKS):
        p = f"block{b}"
        layers += [
            {
                "id": f"{p}_conv_a",
                "type": "Conv2D",
                "inputs": [previous],
                "arguments": {
                    "filters": 32,
                    "kernel_size": 3,
                    "padding": "same",
                    "activation": "relu",
                },
            },
            {
                "id": f"{p}_conv_b",
                "type": "Conv2D",
                "inputs": [f"{p}_conv_a"],
                "arguments": {"filters": 32, "kernel_size": 3, "padding": "same"},
            },
            {"id": f"{p}_norm", "type": "BatchNormalization", "inputs": [f"{p}_conv_b"]},
            {"id": f"{p}_add", "type": "Add", "inputs": [previous, f"{p}_norm"]},
            {"id": f"{p}_relu", "type": "ReLU", "inputs": [f"{p}_add"]},
        ]
        previous = f"{p}_relu"
    layers += [
        {"id": "pool", "type": "GlobalAveragePooling2D", "inputs": [previous]},
        {
            "id": "classes",
            "type": "Dense",
            "inputs": ["pool"],
            "arguments": {"units": 10, "activation": "softmax"},
        },
    ]
    assert len(layers) == 100
    return {
        "format": "forgelab.architecture",
        "version": 1,
        "name": "bench100",
        "framework": "keras",
        "layers": layers,
        "inputs": ["image"],
        "outputs": ["classes"],
    }


def timed(fn: Callable[..., Any], *args: Any) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def feedback(document: dict[str, Any]) -> str:
    """What the editor waits for: the comm answer to ``arch.check``, serialised."""
    reply = answer({"id": 1, "type": "arch.check", "document": document})
    assert reply["ok"], reply
    return json.dumps(reply)


def main() -> None:
    register_requests(register)
    # Catalog: cold (introspection; Keras already imported) vs cached on disk.
    cold = [timed(catalog_module.build_catalog) for _ in range(3)]
    catalog_module.catalog(refresh=True)
    cached = []
    for _ in range(5):
        catalog_module._cached_catalog.cache_clear()
        cached.append(timed(catalog_module.catalog))

    document = hundred_layers()
    # Baseline: Keras building the same model directly.
    for _ in range(2):
        build_model(document)
    direct = [timed(build_model, document) for _ in range(5)]

    # A full check with nothing memoised (first check after opening the file).
    full = []
    for _ in range(5):
        inference.clear_memo()
        full.append(timed(feedback, document))

    # Edits as the editor makes them; each value is new, so nothing is served from before.
    local_edits, deep_edits = [], []
    feedback(document)  # warm-up
    for i in range(20):
        edited = copy.deepcopy(document)
        ids = {layer["id"]: layer for layer in edited["layers"]}
        # A local edit: one convolution's activation/initialiser in the middle of the network.
        conv = ids[f"block{i % BLOCKS}_conv_a"]
        conv["arguments"]["activation"] = ["tanh", "elu", "gelu", "selu"][i % 4]
        conv["arguments"]["kernel_size"] = 3 + 2 * (i % 3)
        local_edits.append(timed(feedback, edited))
        # A deep edit: the stem's width changes every shape after it (the worst case).
        edited_deep = copy.deepcopy(document)
        ids = {layer["id"]: layer for layer in edited_deep["layers"]}
        width = 33 + i
        ids["stem"]["arguments"]["filters"] = width
        for b in range(BLOCKS):
            ids[f"block{b}_conv_b"]["arguments"]["filters"] = width
        deep_edits.append(timed(feedback, edited_deep))

    baseline = median_ms(direct)
    print(f"Keras {keras.__version__} ({keras.backend.backend()} backend), 100-layer architecture")
    print(f"baseline  keras builds the model directly      {baseline:8.1f} ms (median of 5)")
    print(
        f"check     full, nothing memoised               {median_ms(full):8.1f} ms  "
        f"ratio {median_ms(full) / baseline:5.2f}"
    )
    print(
        f"feedback  local edit (one layer)               {median_ms(local_edits):8.1f} ms  "
        f"ratio {median_ms(local_edits) / baseline:5.2f}  (median of 20; goal < 300 ms)"
    )
    print(
        f"feedback  deep edit (every shape downstream)   {median_ms(deep_edits):8.1f} ms  "
        f"ratio {median_ms(deep_edits) / baseline:5.2f}  (median of 20)"
    )
    print(f"catalog   cold introspection                   {median_ms(cold):8.1f} ms (median of 3)")
    print(
        f"catalog   cached on disk                       {median_ms(cached):8.1f} ms  "
        f"ratio cold/cached {median_ms(cold) / median_ms(cached):5.1f}"
    )


if __name__ == "__main__":
    main()
