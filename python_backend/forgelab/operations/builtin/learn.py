"""Learning operations: train a Keras or a PyTorch model from an architecture, score it."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Literal, NamedTuple

from forgelab.operations import ArchitectureRef

OPERATIONS = ("train_keras", "train_torch", "score")


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


def torch_device(device: str = "auto") -> object:
    """``auto``: the first GPU the job may use (``CUDA_VISIBLE_DEVICES``), else the CPU."""
    import torch

    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(device)


def fit_torch(
    model: object,
    x: object,
    y: object,
    validation: tuple[object, object] | None = None,
    *,
    epochs: int = 10,
    batch_size: int = 32,
    learning_rate: float = 0.001,
    optimizer: str = "adam",
    device: str = "auto",
    seed: int = 0,
    on_epoch: Callable[[int, dict], None] | None = None,
) -> dict:
    """Train an ``nn.Module`` with cross-entropy (integer labels or per-class probabilities).

    Returns the history as Keras writes it (``loss``, ``accuracy``, ``val_loss``,
    ``val_accuracy``: one value per epoch); ``on_epoch(epoch, logs)`` is called after each.
    The model is left on the CPU, in evaluation mode.
    """
    import numpy as np
    import torch

    torch.manual_seed(seed)
    target = torch_device(device)
    model = model.to(target)  # type: ignore[attr-defined]
    make = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD, "rmsprop": torch.optim.RMSprop}
    opt = make[optimizer](model.parameters(), lr=learning_rate)  # type: ignore[attr-defined]
    inputs = torch.as_tensor(np.asarray(x), dtype=torch.float32)
    labels = torch.as_tensor(np.asarray(y))
    labels = labels.long() if labels.ndim == 1 else labels.float()
    generator = torch.Generator().manual_seed(seed)
    history: dict[str, list[float]] = {}
    for epoch in range(epochs):
        model.train()  # type: ignore[attr-defined]
        total, correct, count = 0.0, 0, 0
        for batch in torch.randperm(len(inputs), generator=generator).split(batch_size):
            xb, yb = inputs[batch].to(target), labels[batch].to(target)
            opt.zero_grad()
            logits = model(xb)  # type: ignore[operator]
            loss = torch.nn.functional.cross_entropy(logits, yb)
            loss.backward()
            opt.step()
            total += float(loss) * len(batch)
            correct += int((logits.argmax(1) == (yb if yb.ndim == 1 else yb.argmax(1))).sum())
            count += len(batch)
        logs = {"loss": total / count, "accuracy": correct / count}
        if validation is not None:
            logs.update(
                {f"val_{k}": v for k, v in evaluate_torch(model, *validation, target).items()}
            )
        for key, value in logs.items():
            history.setdefault(key, []).append(float(value))
        print(f"epoch {epoch + 1}/{epochs}: " + " ".join(f"{k}={v:.4f}" for k, v in logs.items()))
        if on_epoch is not None:
            on_epoch(epoch, logs)
    model.to("cpu").eval()  # type: ignore[attr-defined]
    return history


def predict_torch(
    model: object, x: object, batch_size: int = 256, device: object = "cpu"
) -> object:
    """Class probabilities (softmax of the model's outputs) as a numpy array."""
    import numpy as np
    import torch

    inputs = torch.as_tensor(np.asarray(x), dtype=torch.float32)
    model.eval()  # type: ignore[attr-defined]
    with torch.no_grad():
        parts = [
            torch.softmax(model(b.to(device)), dim=1).cpu()  # type: ignore[operator]
            for b in inputs.split(batch_size)
        ]
    return torch.cat(parts).numpy()


def evaluate_torch(model: object, x: object, y: object, device: object = "cpu") -> dict:
    """Cross-entropy and accuracy of an ``nn.Module`` on (x, y)."""
    import numpy as np
    import torch

    probabilities = torch.as_tensor(predict_torch(model, x, device=device))
    labels = torch.as_tensor(np.asarray(y))
    if labels.ndim == 1:
        picked = probabilities[torch.arange(len(labels)), labels.long()]
        loss = -torch.log(picked.clamp_min(1e-12)).mean()
        accuracy = (probabilities.argmax(1) == labels).float().mean()
    else:
        loss = -(labels.float() * torch.log(probabilities.clamp_min(1e-12))).sum(1).mean()
        accuracy = (probabilities.argmax(1) == labels.argmax(1)).float().mean()
    return {"loss": float(loss), "accuracy": float(accuracy)}


def train_torch(
    x: object,
    y: object,
    architecture: ArchitectureRef,
    *,
    epochs: int = 10,
    batch_size: int = 32,
    learning_rate: float = 0.001,
    optimizer: Literal["adam", "sgd", "rmsprop"] = "adam",
    validation_split: float = 0.1,
    device: str = "auto",
    seed: int = 0,
) -> Trained:
    """Train a PyTorch classifier built from an architecture file (its outputs are logits);
    returns the model and its history. ``device`` ``auto`` uses the job's GPU when it has one.
    """
    import numpy as np

    from forgelab.architecture import load

    model = load(architecture)
    x, y = np.asarray(x), np.asarray(y)
    order = np.random.default_rng(seed).permutation(len(x))
    n_val = int(round(len(x) * validation_split))
    val, train = order[:n_val], order[n_val:]
    history = fit_torch(
        model,
        x[train],
        y[train],
        (x[val], y[val]) if n_val else None,
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        optimizer=optimizer,
        device=device,
        seed=seed,
    )
    return Trained(model, history)


def score(model: object, x: object, y: object) -> dict:
    """Evaluate a trained classifier (Keras or PyTorch): loss and accuracy on (x, y)."""
    if hasattr(model, "evaluate"):
        os.environ.setdefault("KERAS_BACKEND", "torch")
        values = model.evaluate(x, y, verbose=0, return_dict=True)  # type: ignore[attr-defined]
        result = {k: float(v) for k, v in values.items()}
    else:
        result = evaluate_torch(model, x, y)
    print("score:", json.dumps(result))
    return result
