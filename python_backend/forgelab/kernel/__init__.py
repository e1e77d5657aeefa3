"""The IPython extension: ``%load_ext forgelab`` in any IPython kernel."""
