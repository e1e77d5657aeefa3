"""Reify: slicing the recorded history of interactive work and turning it into pipelines.

:mod:`forgelab.kernel.recorder` (in the kernel) writes one ImplicitOperation per cell execution;
:mod:`.slicing` and :mod:`.reify` turn the history of a value into a ``*.pipeline.json``;
:mod:`.headless` runs notebooks with recording on; :mod:`.reproduce` runs a reified pipeline and
:mod:`.compare` compares its value with the notebook's.
"""

from .errors import ReifyError
from .slicing import Slice, slice_history

__all__ = ["ReifyError", "Slice", "slice_history"]
