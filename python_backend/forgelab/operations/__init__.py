"""The operation library: plain Python functions described as Operation JSON.

An operation is a portable function. Its positional parameters are inputs, its keyword-only
parameters are attributes, parameters annotated :class:`ArchitectureRef` or :class:`ArtifactRef`
are references, and its return annotation names its outputs (see :mod:`.introspect`).
Built-in operations live in :mod:`.builtin`; workspace ``.py`` files are read by :mod:`.library`.
"""

from __future__ import annotations


class ArchitectureRef(str):
    """Annotation marking a parameter as a reference to an architecture (``*.arch.json``).

    At run time the function receives the path of the architecture file.
    """


class ArtifactRef(str):
    """Annotation marking a parameter as a reference to an artifact (its local path at run time)."""


__all__ = ["ArchitectureRef", "ArtifactRef"]
