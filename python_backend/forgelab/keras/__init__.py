"""The Keras library: layer catalog, shape inference, code generation and model import.

Everything here is derived from the installed Keras 3 at run time, so a new Keras release brings
its new layers and arguments without a change to ForgeLab. Keras itself is imported lazily by each
module's functions (importing this package stays cheap; ``%load_ext forgelab`` must be fast).
"""

from __future__ import annotations

import os


def keras_module():  # type: ignore[no-untyped-def]
    """Import Keras with ForgeLab's default backend (torch) unless the user chose another."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras

    return keras
