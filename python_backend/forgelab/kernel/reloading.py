"""Keeping IPython's autoreload off the modules ForgeLab itself runs in the kernel.

``%autoreload 2``, common in a notebook's first cell, looks at the source file of every imported
module before each cell. The recorder brings its own modules and those of the store it writes to
(SQLAlchemy) into the kernel, about 160 more, which made every cell of such a notebook some 3 ms
slower; and reloading the recorder's own modules in the middle of a session would swap the code
that is recording it. So whenever autoreload is loaded and new modules have appeared, those of
:data:`OWN_PACKAGES` are marked skipped, as ``%aimport -forgelab.kernel.recorder`` would mark one.
"""

from __future__ import annotations

import sys
from typing import Any

#: Top-level packages whose modules the recorder loads into the kernel and a user does not edit.
OWN_PACKAGES = frozenset({"forgelab", "sqlalchemy", "xxhash"})


class AutoreloadGuard:
    """Call before each cell: marks :data:`OWN_PACKAGES`' modules skipped by autoreload.

    Costs a dictionary look-up a cell; the modules are scanned again only when autoreload was
    loaded anew or the number of imported modules changed.
    """

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self._reloader: Any = None
        self._seen = 0

    def __call__(self) -> None:
        magics = self.shell.magics_manager.registry.get("AutoreloadMagics")
        reloader = getattr(magics, "_reloader", None)
        if reloader is None or not hasattr(reloader, "mark_module_skipped"):
            return
        if reloader is self._reloader and len(sys.modules) == self._seen:
            return
        self._reloader, self._seen = reloader, len(sys.modules)
        skipped = reloader.skip_modules
        for name in list(sys.modules):
            if name.partition(".")[0] in OWN_PACKAGES and name not in skipped:
                reloader.mark_module_skipped(name)
