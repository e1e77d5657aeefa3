"""Learning operations: train a Keras model from an architecture, score it."""

from __future__ import annotations

import json
import os
from typing import Literal, NamedTuple

from forgelab.operations import ArchitectureRef

OPERATIONS = ("train_keras", "score")


class Trained(NamedTuple):
    model: object
    history: dict


def build_model(path: str) -> object:
    """A Keras model from an ``*.arch.json`` file.

    Uses ForgeLab's architecture library when present; otherwise builds the layers in order
    with the Keras functional API (enough for the DAGs the format describes).
    """
    try:
        from forgelab.architecture import load as load_architecture
    except ImportError:
        load_architecture = None
    if load_architecture is not None:
        return load_architecture(path)
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras

    with open(path, encoding="utf-8") as handle:
        arch = json.load(handle)
    tensors: dict[str, object] = {}
    pending = list(arch["layers"])
    while pending:
        progressed = False
        for layer in list(pending):
            sources = layer.get("inputs", [])
            if any(s not in tensors for s in sources):
                continue
            args = dict(layer.get("arguments", {}))
            if layer["type"] == "Input":
                tensors[layer["id"]] = keras.Input(**args, name=layer["id"])
            else:
                made = getattr(keras.layers, layer["type"])(**args, name=layer["id"])
                ins = [tensors[s] for s in sources]
                tensors[layer["id"]] = made(ins[0] if len(ins) == 1 else ins)
            pending.remove(layer)
            progressed = True
        if not progressed:
            raise ValueError(f"{path}: layers {[x['id'] for x in pending]} have unknown inputs")
    outputs = [tensors[i] for i in arch["outputs"]]
    return keras.Model(
        inputs=[tensors[i] for i in arch["inputs"]],
        outputs=outputs[0] if len(outputs) == 1 else outputs,
        name=arch.get("name", "model").replace(" ", "_"),
    )


def train_keras(
    x: object,
    y: object,
    architecture: ArchitectureRef,
    *,
    epochs: int = 10,
    batch_size: int = 32,
    learning_rate: float = 0.001,
    optimizer: Literal["adam", "sgd", "rmsprop"] = "adam",
    loss: str = "sparse_categorical_crossentropy",
    validation_split: float = 0.1,
    plot: bool = True,
) -> Trained:
    """Train a Keras model built from an architecture file; returns the model and its history.

    With plot, a loss curve is redrawn after each epoch (live in ForgeLab, plain matplotlib
    elsewhere).
    """
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras

    model = build_model(architecture)
    opt = {
        "adam": keras.optimizers.Adam,
        "sgd": keras.optimizers.SGD,
        "rmsprop": keras.optimizers.RMSprop,
    }[optimizer](learning_rate=learning_rate)
    model.compile(optimizer=opt, loss=loss, metrics=["accuracy"])
    callbacks = [_LossPlot()] if plot else []
    history = model.fit(
        x,
        y,
        epochs=epochs,
        batch_size=batch_size,
        validation_split=validation_split,
        verbose=2,
        callbacks=callbacks,
    )
    return Trained(model, {k: [float(v) for v in vs] for k, vs in history.history.items()})


def _loss_plot_callback_base() -> type:
    import keras

    return keras.callbacks.Callback


class _LossPlot:
    """Keras callback drawing the loss per epoch (a class built lazily so importing is cheap)."""

    def __new__(cls) -> object:
        base = _loss_plot_callback_base()

        class LossPlot(base):  # type: ignore[misc, valid-type]
            def on_train_begin(self, logs: dict | None = None) -> None:
                import matplotlib.pyplot as plt

                self.losses: dict[str, list[float]] = {}
                self.figure = plt.figure("loss")

            def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
                for key, value in (logs or {}).items():
                    if key.endswith("loss"):
                        self.losses.setdefault(key, []).append(float(value))
                fig = self.figure
                fig.clear()
                ax = fig.add_subplot()
                for key, values in self.losses.items():
                    ax.plot(range(1, len(values) + 1), values, marker="o", label=key)
                ax.set_xlabel("epoch")
                ax.set_ylabel("loss")
                ax.legend()
                fig.canvas.draw_idle()

        return LossPlot()


def score(model: object, x: object, y: object) -> dict:
    """Evaluate a trained classifier: loss and accuracy on (x, y)."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    values = model.evaluate(x, y, verbose=0, return_dict=True)
    result = {k: float(v) for k, v in values.items()}
    print("score:", json.dumps(result))
    return result
