"""Plot operations."""

from __future__ import annotations

import io

OPERATIONS = ("plot_loss",)


def plot_loss(history: dict, *, title: str = "Loss per epoch") -> bytes:
    """Plot each loss series of a Keras history per epoch; returns the figure as PNG bytes."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    for key, values in history.items():
        if key.endswith("loss"):
            ax.plot(range(1, len(values) + 1), values, marker="o", label=key)
    ax.set_title(title)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.legend()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.show()
    return buffer.getvalue()
