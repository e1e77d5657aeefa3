"""Real-time collaboration on pipelines: the server side of the shared (Yjs) pipeline document.

jupyter-collaboration looks document types up by content type in the ``jupyter_ydoc`` entry
point group; ForgeLab registers :class:`YPipeline` there as ``forgelabpipeline`` (the content
type of the front end's pipeline model factory).
"""

# jupyter_ydoc loads every entry point of its group (ours included) when it is first imported.
# Importing it before our module means that load finds `ypipeline` complete, whichever of the
# two is imported first.
import jupyter_ydoc  # noqa: F401

from .ypipeline import CONTENT_TYPE, YPipeline

__all__ = ["CONTENT_TYPE", "YPipeline"]
