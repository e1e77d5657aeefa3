"""Real-time collaboration: the server side of the shared (Yjs) pipeline and architecture documents.

jupyter-collaboration looks document types up by content type in the ``jupyter_ydoc`` entry
point group; ForgeLab registers :class:`YPipeline` there as ``forgelabpipeline`` and
:class:`YArchitecture` as ``forgelabarchitecture`` (the content types of the front end's model
factories).
"""

# jupyter_ydoc loads every entry point of its group (ours included) when it is first imported.
# Importing it before our modules means that load finds them complete, whichever is imported first.
import jupyter_ydoc  # noqa: F401

from .document import YFormatDocument
from .keyedlist import KeyedList
from .yarchitecture import CONTENT_TYPE as ARCHITECTURE_CONTENT_TYPE
from .yarchitecture import YArchitecture
from .ypipeline import CONTENT_TYPE, YPipeline

#: The content type of shared pipelines (kept under its first name too).
PIPELINE_CONTENT_TYPE = CONTENT_TYPE

__all__ = [
    "ARCHITECTURE_CONTENT_TYPE",
    "CONTENT_TYPE",
    "PIPELINE_CONTENT_TYPE",
    "KeyedList",
    "YArchitecture",
    "YFormatDocument",
    "YPipeline",
]
