"""Turn tqdm progress bars into ``progress`` events, without changing the code that uses them."""

from __future__ import annotations

import itertools
import time
from typing import Any

from . import events

MIN_INTERVAL = 0.25
_ids = itertools.count(1)


def install() -> bool:
    """Wrap ``tqdm.std.tqdm.update``/``close`` (every tqdm flavour derives from it)."""
    try:
        from tqdm import std
    except ImportError:
        return False
    cls = std.tqdm
    if getattr(cls, "_forgelab_hooked", False):
        return True
    original_update, original_close = cls.update, cls.close

    def report(bar: Any, force: bool = False) -> None:
        if not hasattr(bar, "_forgelab_id"):
            bar._forgelab_id = next(_ids)
            bar._forgelab_last = 0.0
        now = time.monotonic()
        if force or now - bar._forgelab_last >= MIN_INTERVAL or (bar.total and bar.n >= bar.total):
            bar._forgelab_last = now
            events.emit(
                "progress",
                {"id": bar._forgelab_id, "n": bar.n, "total": bar.total, "desc": bar.desc or ""},
            )

    def update(self: Any, n: float | None = 1) -> Any:
        result = original_update(self, n)
        report(self)
        return result

    def close(self: Any) -> Any:
        if not getattr(self, "disable", False) and hasattr(self, "n"):
            report(self, force=True)
        return original_close(self)

    cls.update, cls.close = update, close
    cls._forgelab_hooked = True
    return True
