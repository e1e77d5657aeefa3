"""Built-in operations: plain, portable functions importable wherever a job runs."""

from __future__ import annotations

from typing import Any

from ..introspect import describe
from . import data, learn, plots

_MODULES = {"Data": data, "Learning": learn, "Plots": plots}


def operations() -> list[dict[str, Any]]:
    """Operation JSON of every function listed in each module's ``OPERATIONS``."""
    found = []
    for category, module in _MODULES.items():
        for name in module.OPERATIONS:
            func = getattr(module, name)
            found.append(
                describe(func, op_id=f"forgelab.{name}", module=module.__name__, category=category)
            )
    return found
