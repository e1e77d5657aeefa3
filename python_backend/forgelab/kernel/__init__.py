"""What runs in the kernel: the IPython extension (``%load_ext forgelab``), its ``forgelab`` comm
and the provenance recorder."""
