"""The error raised when an architecture cannot become a model, whatever its framework."""

from __future__ import annotations


class ArchitectureError(ValueError):
    """An architecture has errors; ``problems`` lists each one, the layer's id first."""

    def __init__(self, problems: list[str], source: str | None = None) -> None:
        self.problems = problems
        self.source = source
        where = f" {source}" if source else ""
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(
            f"The architecture{where} has {len(problems)} "
            f"error{'s' if len(problems) != 1 else ''}:\n{lines}\n"
            "Fix these layers (`forgelab arch check FILE` lists them) and try again."
        )
