"""Compute adapters run jobs; storage adapters keep artifacts. One small interface each.

Built-in adapters live in :mod:`forgelab.adapters.compute` and :mod:`forgelab.adapters.storage`;
a library adds its own through the entry point groups ``forgelab.compute`` and
``forgelab.storage`` (see :mod:`forgelab.adapters.registry`).
"""
