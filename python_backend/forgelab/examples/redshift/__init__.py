"""The photometric-redshift case study (DeepForge paper, section 9), runnable offline.

- :mod:`.sky`: a deterministic synthetic SDSS sky: a galaxy catalogue and, per field, five
  ``frame-{band}`` FITS images laid out as the SDSS Science Archive Server (SAS) serves them;
- :mod:`.metrics`: the photo-z scores (σ_NMAD, bias, outlier fraction);
- :mod:`.frames`: downloading and verifying SAS frames (parallel, retried, resumable);
- :mod:`.cutouts`: 64×64×5 cut-outs around each galaxy with astropy (FITS + WCS).

The operations that a pipeline composes live in ``examples/redshift/operations.py``.
"""
