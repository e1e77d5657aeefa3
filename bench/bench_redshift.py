"""Time the photo-z example stage by stage on the offline sky, and score CNN against kNN.

    python bench/bench_redshift.py [GALAXIES] [EPOCHS]     (default: 1000 galaxies, 5 epochs)

Runs the functions of ``examples/redshift/operations.py`` directly (as a notebook would), with
the synthetic sky served on 127.0.0.1, and prints each stage's wall time with its share of the
whole, then σ_NMAD, bias and outlier fraction of the CNN and of the kNN baseline. Heavy: run it
on a machine of your own (the 1,000-galaxy default trains for minutes on two CPU cores).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("MPLBACKEND", "Agg")

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "redshift"


def _operations():
    spec = importlib.util.spec_from_file_location("redshift_operations", EXAMPLE / "operations.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main(galaxies: int = 1000, epochs: int = 5) -> dict[str, object]:
    from forgelab.examples.redshift.sky import Sky
    from forgelab.examples.redshift.sky_server import SkyServer

    ops = _operations()
    times: dict[str, float] = {}
    root = Path(tempfile.mkdtemp(prefix="bench-redshift-"))
    # The sky of `forgelab example redshift --offline` (12,000 galaxies, seed 8), so that the
    # first GALAXIES rows are the galaxies the pipeline's default run gets.
    server = SkyServer(Sky(root / "sky", galaxies=max(galaxies, 12000), seed=8)).start()
    try:
        start = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal start
            now = time.perf_counter()
            times[name] = now - start
            start = now

        table = ops.casjobs_query(galaxies, casjobs_url=server.casjobs_url)
        lap("query")
        table, report = ops.download_fits(
            table, sas_url=server.sas_url, directory=str(root / "frames"), workers=8
        )
        lap("download (frames rendered on first request)")
        cubes, labels, redshifts, magnitudes = ops.preprocess(table)
        lap("preprocess")
        model, predictions, history = ops.train_validate(
            cubes, labels, redshifts, str(REPO / "examples" / "redshift.arch.json"), epochs
        )
        lap(f"train ({epochs} epochs)")
        scores = ops.knn_baseline(magnitudes, redshifts, predictions)
        lap("knn baseline")
        embedding = ops.reduce_dimensions(model, cubes, predictions)
        ops.visualize_embeddings(embedding, predictions)
        lap("t-SNE + figure")
    finally:
        server.stop()
    total = sum(times.values())
    print(f"\n{galaxies} galaxies, {epochs} epochs, {len(cubes)} cubes")
    for name, seconds in times.items():
        print(f"  {name:<45} {seconds:8.1f} s  {seconds / total:6.1%} of the whole")
    print(f"  {'total':<45} {total:8.1f} s")
    ratio = scores["cnn"]["sigma_nmad"] / scores["knn"]["sigma_nmad"]
    print(f"sigma_NMAD CNN / kNN = {ratio:.2f} (below 1: the CNN is better)")
    result = {"galaxies": galaxies, "epochs": epochs, "times": times, "scores": scores}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
