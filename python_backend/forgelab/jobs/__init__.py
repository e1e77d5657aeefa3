"""Jobs: the generated directory that runs one operation, and the runtime its ``main.py`` uses.

- :mod:`.codegen` writes a job directory (``main.py``, ``operation.py``, ``job.json``, ``refs/``);
- :mod:`.runtime` loads inputs, calls the function, stores outputs, writes ``result.json``;
- :mod:`.serializers` picks how each value is written (numpy, pandas, Keras, torch, cloudpickle);
- :mod:`.events` appends events to ``$FORGELAB_EVENTS_FILE``; :mod:`.mpl_backend` and
  :mod:`.progress` turn matplotlib draws and tqdm bars into events without touching user code.

Nothing here imports the Jupyter server, so a job runs anywhere ForgeLab is installed.
"""
