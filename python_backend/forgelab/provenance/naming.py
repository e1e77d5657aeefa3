"""Names of what reify generates: operation functions, node ids, labels and descriptions.

Variables keep their Python names as ports (``θ``, ``Σ_y`` are valid ``python-identifier``
ports), but node ids are ASCII (``^[A-Za-z0-9_.-]+$``), so a name is transliterated into one:
letters with accents lose them (``é`` → ``e``), other letters become their Unicode name's last
word (``θ`` → ``theta``, ``Σ`` → ``Sigma``), anything else its code point (``u2207``). The result
is deterministic; callers make it unique.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

#: Longest operation name made from a variable's name, before ``_etc`` or a suffix.
_MAX_NAME = 40


def ascii_name(name: str) -> str:
    """``name`` with what is not ``[A-Za-z0-9_]`` transliterated: ``Σ_y`` → ``Sigma_y``."""
    pieces: list[tuple[str, bool]] = []  # (text, whether it is a transliterated word)
    for char in name:
        if char.isascii() and (char.isalnum() or char == "_"):
            pieces.append((char, False))
            continue
        plain = re.sub(
            r"\W", "", unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        )
        if not plain and char.isalpha():
            words = unicodedata.name(char, "").split()
            word = re.sub(r"\W", "", words[-1].lower()) if words else ""
            plain = word.capitalize() if char.isupper() else word
        plain = plain or f"u{ord(char):04x}"
        pieces.append((plain, len(plain) > 1))
    out = ""
    for index, (text, word) in enumerate(pieces):
        # A transliterated word is kept apart from its neighbours: μx → mu_x.
        apart = word or (index > 0 and pieces[index - 1][1])
        if out and apart and out[-1] != "_" and text[0] != "_":
            out += "_"
        out += text
    return out or "value"


def unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name_2``, ``name_3``... whichever is not in ``taken`` (which it joins)."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}_{n}"
    taken.add(candidate)
    return candidate


class Names:
    """Names handed out so far, for many names from few stems (2,000 operations all called
    ``make_v0``): each stem remembers its next suffix, so :meth:`unique` is amortised constant
    time where :func:`unique` would try every suffix again (quadratic)."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.taken = set(taken)
        self._next: dict[str, int] = {}

    def __contains__(self, name: object) -> bool:
        return name in self.taken

    def unique(self, name: str) -> str:
        """``name``, or ``name_2``, ``name_3``... whichever is not taken (it is then taken)."""
        n = self._next.get(name, 1)
        candidate = name if n == 1 else f"{name}_{n}"
        while candidate in self.taken:
            n += 1
            candidate = f"{name}_{n}"
        self._next[name] = n + 1
        self.taken.add(candidate)
        return candidate


def operation_name(outputs: Sequence[str], target: str | None) -> str:
    """The function an operation becomes, named after what it makes.

    ``make_<target>`` for the operation producing the reified value, else ``make_<first output>``,
    with ``_etc`` when it returns several values (ASCII, so that it is a valid node id too).
    """
    if target is not None:
        first, several = target, False
    elif outputs:
        first, several = outputs[0], len(outputs) > 1
    else:
        first, several = "step", False
    stem = ascii_name(first).strip("_")[:_MAX_NAME].strip("_") or "value"
    return f"make_{stem}{'_etc' if several else ''}"


def label(outputs: Sequence[str], target: str | None) -> str:
    """What the canvas shows on an operation: ``Make df``, ``Make X, y``, ``Make a, b…``."""
    shown = [target] if target is not None else list(outputs)
    if not shown:
        return "Step"
    text = ", ".join(shown[:2])
    return f"Make {text}{'…' if len(shown) > 2 else ''}"


def first_line(record: dict[str, Any]) -> str:
    """The first line of code of a record's cell (comments and blank lines skipped), shortened."""
    for line in str(record.get("code", "")).splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return stripped if len(stripped) <= 80 else stripped[:77] + "..."
    return ""


def cell_label(record: dict[str, Any]) -> str:
    """``cell [3]``: how the notebook shows a record's cell (its kind when it has no count)."""
    count = record.get("executionCount")
    return f"cell [{count}]" if count is not None else str(record.get("kind", "record"))


def cell_summary(record: dict[str, Any]) -> str:
    """``cell [3]: df = pd.read_csv("data.csv")``: a cell as a person recognises it."""
    line = first_line(record)
    return f"{cell_label(record)}: {line}" if line else cell_label(record)
