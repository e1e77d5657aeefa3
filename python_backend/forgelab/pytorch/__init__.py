"""PyTorch as an architecture library: ``torch.nn`` modules as layers.

The catalog is found by introspecting the installed ``torch.nn``; shapes and parameter counts come
from running each layer on the ``meta`` device (no memory, no arithmetic); a document becomes a
``torch.fx.GraphModule`` or readable ``nn.Module`` source, and an ``nn.Module`` comes back through
``torch.fx`` tracing. Torch is imported by each module's functions, never by importing this
package.
"""
