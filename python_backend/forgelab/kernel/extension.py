"""Loading into a kernel: register the ``forgelab`` comm target.

The front end runs ``%load_ext forgelab`` silently whenever a notebook's kernel starts or
restarts, then opens a ``forgelab`` comm. Loading twice is harmless: IPython calls
:func:`load` only once per kernel.
"""

from __future__ import annotations

import os
from typing import Any

from .comm import COMM_TARGET, ForgeLabComm, register

_STATE: dict[int, ForgeLabComm] = {}


def _comm_manager(ipython: Any) -> Any:
    kernel = getattr(ipython, "kernel", None)
    manager = getattr(kernel, "comm_manager", None)
    if manager is None:  # plain IPython terminal: no comms, nothing to answer
        return None
    return manager


def load(ipython: Any) -> None:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    from ..libraries.comm import register_requests

    register_requests(register)
    from . import recorder, verify

    recorder.load(ipython)
    verify.register_requests()
    manager = _comm_manager(ipython)
    if manager is None:
        return
    handler = ForgeLabComm(ipython)
    manager.register_target(COMM_TARGET, handler.open)
    _STATE[id(ipython)] = handler


def unload(ipython: Any) -> None:
    from . import recorder

    recorder.unload(ipython)
    manager = _comm_manager(ipython)
    handler = _STATE.pop(id(ipython), None)
    if manager is not None and handler is not None:
        manager.unregister_target(COMM_TARGET, handler.open)
        handler.close()
