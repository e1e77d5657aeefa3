"""A matplotlib backend that sends every draw of a figure as a ``figure`` event.

Selected with ``MPLBACKEND=module://forgelab.jobs.mpl_backend`` by compute adapters. It renders
with Agg; ``canvas.draw()``, ``draw_idle()``, ``plt.pause()`` and ``plt.show()`` each emit the
figure as PNG, so a loss curve redrawn per epoch reaches the browser per epoch. Draws closer than
:data:`MIN_INTERVAL` seconds (``FORGELAB_FIGURE_INTERVAL``, default 0.2) are coalesced, so a
figure redrawn in a tight loop cannot flood the events; the last draw is always sent (at exit at
the latest).
"""

from __future__ import annotations

import atexit
import base64
import io
import os
import time
from typing import Any

from matplotlib.backend_bases import FigureManagerBase, _Backend
from matplotlib.backends.backend_agg import FigureCanvasAgg

from . import events

MIN_INTERVAL = float(os.environ.get("FORGELAB_FIGURE_INTERVAL", "0.2"))
_last_sent: dict[int, float] = {}
_pending: dict[int, FigureCanvasForgeLab] = {}


def _figure_id(canvas: FigureCanvasAgg) -> int:
    manager = canvas.manager
    return (
        int(manager.num)
        if manager is not None and isinstance(manager.num, int)
        else id(canvas.figure)
    )


def _send(canvas: FigureCanvasAgg) -> None:
    from PIL import Image

    fig_id = _figure_id(canvas)
    width, height = canvas.get_width_height()
    image = Image.frombuffer(
        "RGBA", (width, height), bytes(canvas.buffer_rgba()), "raw", "RGBA", 0, 1
    )
    buffer = io.BytesIO()
    image.save(buffer, format="png")
    events.emit(
        "figure",
        {
            "id": fig_id,
            "png": base64.b64encode(buffer.getvalue()).decode("ascii"),
            "width": width,
            "height": height,
        },
    )
    _last_sent[fig_id] = time.monotonic()
    _pending.pop(fig_id, None)


class FigureCanvasForgeLab(FigureCanvasAgg):
    """Agg canvas whose draws become events."""

    def draw(self) -> None:
        super().draw()
        fig_id = _figure_id(self)
        if time.monotonic() - _last_sent.get(fig_id, 0.0) >= MIN_INTERVAL:
            _send(self)
        else:
            _pending[fig_id] = self


class FigureManagerForgeLab(FigureManagerBase):
    def show(self) -> None:
        self.canvas.draw()
        _flush()


FigureCanvasForgeLab.manager_class = FigureManagerForgeLab  # type: ignore[attr-defined]


def _flush() -> None:
    for canvas in list(_pending.values()):
        try:
            FigureCanvasAgg.draw(canvas)
            _send(canvas)
        except Exception:  # noqa: BLE001 - a figure closed meanwhile is not worth failing a job
            pass


atexit.register(_flush)


@_Backend.export
class _BackendForgeLab(_Backend):
    FigureCanvas = FigureCanvasForgeLab
    FigureManager = FigureManagerForgeLab

    @staticmethod
    def mainloop(*args: Any, **kwargs: Any) -> None:
        """Nothing to wait for: figures were sent when drawn."""
