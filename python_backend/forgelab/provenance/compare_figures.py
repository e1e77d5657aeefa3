"""Comparing matplotlib figures and axes by what they draw (a part of :mod:`.compare`).

A figure's state is mostly machinery (canvas, callbacks, transform caches), so two figures are
compared the way a reader sees them: first what each axes shows (titles, labels, limits, scales,
legend, and the data of its lines, collections, patches, texts and images), which lets the detail
say *what* differs ("axes 0: line 1 ydata ..."), then both are rendered to pixels with the Agg
backend at :data:`DPI` under matplotlib's default style, and the RGBA arrays are compared. A
difference in the pixels alone is reported with how many pixels differ. ``Triangulation`` is
compared by its arrays.
"""

from __future__ import annotations

import io
import math
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .compare import Walk

#: Resolution at which figures are rendered for the pixel comparison.
DPI = 72


def rule(value: Any) -> Callable[[Walk, Any, Any, str], None] | None:
    """The rule for a matplotlib value, or None for anything else."""
    figure = sys.modules.get("matplotlib.figure")
    if figure is not None and isinstance(value, figure.Figure):
        return compare_figure
    axes = sys.modules.get("matplotlib.axes")
    if axes is not None and isinstance(value, axes.Axes):
        return compare_axes
    tri = sys.modules.get("matplotlib.tri")
    if tri is not None and isinstance(value, tri.Triangulation):
        return compare_triangulation
    return None


def compare_figure(walk: Walk, expected: Any, actual: Any, where: str) -> None:
    """Size, suptitle, each axes' content, then the rendered pixels."""
    from .compare import Stop

    try:
        walk.same(
            tuple(expected.get_size_inches()), tuple(actual.get_size_inches()), f"{where}: size"
        )
        walk.same(expected.get_suptitle(), actual.get_suptitle(), f"{where}: suptitle")
        if len(expected.axes) != len(actual.axes):
            walk.differs(where, f"expected {len(expected.axes)} axes, got {len(actual.axes)}")
        for index, (e, a) in enumerate(zip(expected.axes, actual.axes, strict=True)):
            _same_content(walk, e, a, f"{where}: axes {index}")
    except Stop as stop:
        raise _with_pixels(stop, _pixel_difference(expected, actual)) from None
    if (pixels := _pixel_difference(expected, actual)) is not None:
        walk.differs(where, f"drawn differently: {pixels}")


def compare_axes(walk: Walk, expected: Any, actual: Any, where: str) -> None:
    """An axes' content, then the pixels of its part of the rendered figure."""
    from .compare import Stop

    boxes = (expected.get_position(), actual.get_position())
    try:
        walk.same(tuple(boxes[0].bounds), tuple(boxes[1].bounds), f"{where}: position")
        _same_content(walk, expected, actual, where)
    except Stop as stop:
        raise _with_pixels(stop, _pixel_difference(expected, actual)) from None
    if (pixels := _pixel_difference(expected, actual)) is not None:
        walk.differs(where, f"drawn differently: {pixels}")


def compare_triangulation(walk: Walk, expected: Any, actual: Any, where: str) -> None:
    for name in ("x", "y", "triangles", "mask", "is_delaunay"):
        walk.same(getattr(expected, name), getattr(actual, name), f"{where}.{name}")


def _same_content(walk: Walk, expected: Any, actual: Any, where: str) -> None:
    """Compare what two axes show, part by part, in the order a reader would look."""
    for (label, e), (_, a) in zip(_content(expected), _content(actual), strict=True):
        walk.same(e, a, f"{where}: {label}")


def _content(ax: Any) -> Iterator[tuple[str, Any]]:
    """``(what, value)`` for each thing an axes shows: labels, then data (each count before the
    items it counts), then what follows from the data (limits), so the detail names the cause."""
    import numpy as np
    from matplotlib.colors import to_hex

    for loc in ("center", "left", "right"):
        yield (f"{loc} title" if loc != "center" else "title"), ax.get_title(loc)
    yield "xlabel", ax.get_xlabel()
    yield "ylabel", ax.get_ylabel()
    yield "number of lines", len(ax.lines)
    for i, line in enumerate(ax.lines):
        yield f"line {i} xdata", np.asarray(line.get_xdata())
        yield f"line {i} ydata", np.asarray(line.get_ydata())
        yield f"line {i} label", line.get_label()
        yield f"line {i} color", to_hex(line.get_color(), keep_alpha=True)
        yield f"line {i} style", (line.get_linestyle(), float(line.get_linewidth()))
        yield f"line {i} marker", str(line.get_marker())
    yield "number of collections", len(ax.collections)
    for i, collection in enumerate(ax.collections):
        yield f"collection {i} kind", type(collection).__name__
        yield f"collection {i} offsets", np.asarray(collection.get_offsets())
        values = collection.get_array()
        yield f"collection {i} values", None if values is None else np.asarray(values)
        yield f"collection {i} facecolors", np.asarray(collection.get_facecolor())
        yield f"collection {i} paths", [np.asarray(p.vertices) for p in collection.get_paths()]
    yield "number of patches", len(ax.patches)
    for i, patch in enumerate(ax.patches):
        yield f"patch {i} kind", type(patch).__name__
        vertices = patch.get_patch_transform().transform(patch.get_path().vertices)
        yield f"patch {i} vertices", np.asarray(vertices)
        yield f"patch {i} facecolor", to_hex(patch.get_facecolor(), keep_alpha=True)
    yield "number of texts", len(ax.texts)
    for i, text in enumerate(ax.texts):
        yield f"text {i}", (text.get_text(), tuple(float(v) for v in text.get_position()))
    yield "number of images", len(ax.images)
    for i, image in enumerate(ax.images):
        yield f"image {i} data", np.asarray(image.get_array())
    yield "xscale", ax.get_xscale()
    yield "yscale", ax.get_yscale()
    yield "xlim", tuple(float(v) for v in ax.get_xlim())
    yield "ylim", tuple(float(v) for v in ax.get_ylim())
    legend = ax.get_legend()
    yield "legend", None if legend is None else [t.get_text() for t in legend.get_texts()]


def _with_pixels(stop: Any, pixels: str | None) -> Any:
    from .compare import Stop, Verdict

    if pixels is None or stop.verdict.outcome != "differs":
        return stop
    return Stop(Verdict("differs", f"{stop.verdict.detail} ({pixels})"))


def _pixel_difference(expected: Any, actual: Any) -> str | None:
    """``"N of M pixels differ"`` between two renderings (of a figure, or of an axes' box)."""
    import numpy as np

    drawn = _pixels(expected), _pixels(actual)
    if drawn[0].shape != drawn[1].shape:
        sizes = [f"{d.shape[1]}x{d.shape[0]}" for d in drawn]
        return f"rendered at {sizes[0]} vs {sizes[1]} pixels"
    differing = int(np.count_nonzero(np.any(drawn[0] != drawn[1], axis=-1)))
    if differing == 0:
        return None
    return f"{differing} of {drawn[0].shape[0] * drawn[0].shape[1]} pixels differ"


def _pixels(value: Any) -> Any:
    """RGBA pixels of a figure, or of the part of its figure an axes occupies."""
    import matplotlib.image
    import matplotlib.style

    figure = value.get_figure() if not hasattr(value, "get_size_inches") else value
    buffer = io.BytesIO()
    with matplotlib.style.context("default"):
        figure.savefig(buffer, format="png", dpi=DPI)
    buffer.seek(0)
    pixels = matplotlib.image.imread(buffer, format="png")
    if figure is value:
        return pixels
    height, width = pixels.shape[:2]
    x0, y0, x1, y1 = value.get_position().extents
    rows = slice(math.floor((1 - y1) * height), math.ceil((1 - y0) * height))
    columns = slice(math.floor(x0 * width), math.ceil(x1 * width))
    return pixels[rows, columns]
