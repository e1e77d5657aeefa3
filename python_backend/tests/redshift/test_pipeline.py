"""The example's pipeline file and CLI, and one tiny end-to-end ``forgelab run`` of it."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests
from forgelab import pipeline
from forgelab.cli import main
from forgelab.examples.redshift.pipelines import train_pipeline

from .conftest import EXAMPLE


def test_train_pipeline_is_valid_and_up_to_date_with_operations_py():
    document = json.loads((EXAMPLE / "train.pipeline.json").read_text(encoding="utf-8"))
    assert pipeline.check(document) == []
    assert document == train_pipeline(EXAMPLE / "operations.py"), (
        "examples/redshift/train.pipeline.json is out of date: run "
        "python -m forgelab.examples.redshift.pipelines examples/redshift"
    )
    functions = [
        n["operation"]["source"]["function"] for n in document["nodes"] if "operation" in n
    ]
    assert functions == [
        "casjobs_query",
        "download_fits",
        "preprocess",
        "train_validate",
        "knn_baseline",
        "visualize_predictions",
        "reduce_dimensions",
        "visualize_embeddings",
    ]
    attributes = {n["id"]: n.get("attributes", {}) for n in document["nodes"]}
    assert attributes["query"] == {"limit": 1000} and attributes["train"] == {"epochs": 5}


def test_example_without_offline_names_the_real_services(capsys):
    assert main(["example", "redshift"]) == 0
    output = capsys.readouterr().out
    assert "https://skyserver.sdss.org/CasJobs/RestApi" in output
    assert "https://data.sdss.org/sas/" in output


def test_example_refuses_an_empty_sky(capsys):
    assert main(["example", "redshift", "--offline", "--galaxies", "0"]) == 2
    assert "--galaxies must be at least 1, not 0" in capsys.readouterr().err


def test_example_offline_serves_the_sky_and_prints_the_settings(tmp_path):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "forgelab.cli",
            "example",
            "redshift",
            "--offline",
            "--json",
            "--galaxies",
            "30",
            "--root",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        found = json.loads(process.stdout.readline())
        assert urlparse(found["casjobs_url"]).hostname == "127.0.0.1"
        answer = requests.post(
            found["casjobs_url"] + "/contexts/DR17/query",
            json={"Query": "SELECT COUNT(*) AS n FROM Galaxy"},
            headers={"Accept": "text/plain"},
            timeout=30,
        )
        assert answer.text.split() == ["n", "30"]
        assert found["set"]["download.sas_url"] == found["sas_url"]
        assert f"--set query.casjobs_url={found['casjobs_url']}" in found["command"]
    finally:
        process.terminate()
        assert process.wait(30) == 0


@pytest.mark.slow
def test_a_tiny_run_of_the_training_pipeline_scores_cnn_and_knn(tmp_path, sky_server):
    command = [
        sys.executable, "-m", "forgelab.cli", "run", str(EXAMPLE / "train.pipeline.json"),
        "--set", f"query.casjobs_url={sky_server.casjobs_url}",
        "--set", f"download.sas_url={sky_server.sas_url}",
        "--set", f"download.directory={tmp_path / 'frames'}",
        "--set", "query.limit=64",
        "--set", "train.epochs=1",
        "--json",
    ]  # fmt: skip
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    done = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=900, env=env
    )
    assert done.returncode == 0, done.stderr[-3000:]
    execution = json.loads(done.stdout)
    outputs = {
        job["node"]: {port: a["uri"] for port, a in (job.get("outputs") or {}).items()}
        for job in execution["jobs"]
    }
    scores = json.loads(Path(urlparse(outputs["knn"]["result"]).path).read_text())
    for method in ("cnn", "knn"):
        assert scores[method]["count"] > 0
        for name in ("sigma_nmad", "bias", "outlier_fraction"):
            assert math.isfinite(scores[method][name])
    plot = Path(urlparse(outputs["plot"]["result"]).path).read_bytes()
    assert plot.startswith(b"\x89PNG")
    tsne = Path(urlparse(outputs["embedding_plot"]["result"]).path).read_bytes()
    assert tsne.startswith(b"\x89PNG")
    assert "CNN  sigma_NMAD=" in done.stderr and "KNN  sigma_NMAD=" in done.stderr
    assert "figure 1" in done.stderr  # the live loss curve
    assert 'metric {"name": "val_loss", "value": ' in done.stderr
    assert 'metric {"name": "knn_sigma_nmad", "value": ' in done.stderr
