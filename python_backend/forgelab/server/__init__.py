"""The Jupyter server extension: REST and websocket endpoints under ``/forgelab/api``."""
