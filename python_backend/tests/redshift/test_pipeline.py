"""The example's pipeline files and CLI, one tiny end-to-end ``forgelab run`` of the training
pipeline, and the t-SNE pipeline run on that run's trained model."""

from __future__ import annotations

import json
import math
import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests
from forgelab.adapters.storage.local import LocalStorage
from forgelab.cli import main
from forgelab.examples.redshift.pipelines import embed_pipeline, train_pipeline
from forgelab.executions import pipeline
from forgelab.jobs import codegen, serializers

from .conftest import EXAMPLE

STALE = "is out of date: run python -m forgelab.examples.redshift.pipelines examples/redshift"


def _load(name: str) -> dict:
    return json.loads((EXAMPLE / name).read_text(encoding="utf-8"))


def test_train_pipeline_is_valid_and_up_to_date_with_operations_py():
    document = _load("train.pipeline.json")
    assert pipeline.check(document) == []
    assert document == train_pipeline(EXAMPLE / "operations.py"), f"train.pipeline.json {STALE}"
    functions = [
        n["operation"]["source"]["function"] for n in document["nodes"] if "operation" in n
    ]
    assert functions == [
        "configure",
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
    assert attributes["config"] == {"scale": "small"}
    assert attributes["query"] == {} and attributes["train"] == {}
    assert "config.scale" in document["description"]


def test_embed_pipeline_is_up_to_date_and_asks_for_a_trained_model():
    document = _load("embed.pipeline.json")
    assert document == embed_pipeline(EXAMPLE / "operations.py"), f"embed.pipeline.json {STALE}"
    functions = [
        n["operation"]["source"]["function"] for n in document["nodes"] if "operation" in n
    ]
    assert functions == ["reduce_dimensions", "visualize_embeddings"]
    # Its inputs are set at run time to a train run's artifacts; until then it says which.
    issues = {i.node: i.message for i in pipeline.check(document)}
    assert set(issues) == {"model", "cubes", "predictions"}
    assert "input 'model' has no value: set its source" in issues["model"]


def _run_config_job(document: dict, directory: Path) -> dict:
    """Generate and run the ``config`` node's job alone; its outputs by port."""
    node = next(n for n in document["nodes"] if n["id"] == "config")
    attributes = {a["name"]: a["default"] for a in node["operation"]["attributes"]}
    attributes.update(node.get("attributes", {}))
    storage = LocalStorage({"root": str(directory / "artifacts")})
    outputs = {
        o["name"]: {"storage": "local", "key": f"e/j/{o['name']}"}
        for o in node["operation"]["outputs"]
    }
    job_dir = codegen.generate(
        directory / "job",
        job_id="j",
        execution_id="e",
        operation=node["operation"],
        attributes=attributes,
        references={},
        inputs={},
        outputs=outputs,
        storage={"local": storage.job_config()},
    )
    done = subprocess.run(
        [sys.executable, "main.py"], cwd=job_dir, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    job = json.loads((job_dir / "job.json").read_text(encoding="utf-8"))
    result = json.loads((job_dir / "result.json").read_text(encoding="utf-8"))
    assert result["status"] == "succeeded", result
    values = {}
    for port, artifact in result["outputs"].items():
        local = directory / f"{port}.out"
        storage.get_file(artifact["uri"], str(local))
        values[port] = serializers.load(str(local), artifact["serializer"])
    return {"attributes": job["attributes"], "outputs": values}


def test_the_papers_configuration_is_one_attribute(tmp_path):
    document = _load("train.pipeline.json")
    # The one attribute feeds both the query's limit and the training's epochs.
    feeds = {
        (c["source"]["node"], c["source"]["port"]): (c["target"]["node"], c["target"]["port"])
        for c in document["connections"]
        if c["source"]["node"] == "config"
    }
    assert feeds == {
        ("config", "limit"): ("query", "limit"),
        ("config", "epochs"): ("train", "epochs"),
    }
    paper = pipeline.apply_overrides(document, {"config.scale": "paper"})
    assert pipeline.check(paper) == []
    resolved = _run_config_job(paper, tmp_path / "paper")
    assert resolved["attributes"] == {"scale": "paper"}
    assert resolved["outputs"] == {"limit": 10000, "epochs": 10}
    small = _run_config_job(document, tmp_path / "small")
    assert small["outputs"] == {"limit": 1000, "epochs": 5}


def test_an_unknown_scale_is_refused_with_the_choices():
    document = _load("train.pipeline.json")
    with pytest.raises(pipeline.PipelineError) as caught:
        pipeline.apply_overrides(document, {"config.scale": "huge"})
    assert 'scale: expected one of "tiny", "small", "paper", got "huge"' in str(caught.value)


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
        assert found["environment"] == {
            "REDSHIFT_CASJOBS_URL": found["casjobs_url"],
            "REDSHIFT_SAS_URL": found["sas_url"],
            "REDSHIFT_FRAMES": str(tmp_path / "downloads-8-30"),
        }
    finally:
        process.terminate()
        assert process.wait(30) == 0


def _forgelab_run(cwd: Path, *arguments: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "forgelab.cli", "run", *arguments, "--json"]
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=900, env=env)


def _outputs(execution: dict, key: str = "uri") -> dict[str, dict[str, str]]:
    return {
        job["node"]: {port: a[key] for port, a in (job.get("outputs") or {}).items()}
        for job in execution["jobs"]
    }


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory, sky_server) -> tuple[Path, subprocess.CompletedProcess]:
    """One run of the training pipeline at ``config.scale=tiny`` (its folder and process)."""
    folder = tmp_path_factory.mktemp("tiny-run")
    done = _forgelab_run(
        folder,
        str(EXAMPLE / "train.pipeline.json"),
        "--set", f"query.casjobs_url={sky_server.casjobs_url}",
        "--set", f"download.sas_url={sky_server.sas_url}",
        "--set", f"download.directory={folder / 'frames'}",
        "--set", "config.scale=tiny",
    )  # fmt: skip
    return folder, done


@pytest.mark.slow
def test_a_tiny_run_of_the_training_pipeline_scores_cnn_and_knn(tiny_run):
    _folder, done = tiny_run
    assert done.returncode == 0, done.stderr[-3000:]
    execution = json.loads(done.stdout)
    outputs = _outputs(execution)
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
    assert "scale tiny: 64 galaxies, 2 epochs" in done.stderr
    assert "CasJobs (DR17): 64 galaxies" in done.stderr


@pytest.mark.slow
def test_the_embed_pipeline_runs_on_the_trained_model_of_a_train_run(tiny_run):
    folder, trained = tiny_run
    assert trained.returncode == 0, trained.stderr[-3000:]
    artifacts = _outputs(json.loads(trained.stdout), key="id")
    done = _forgelab_run(
        folder,
        str(EXAMPLE / "embed.pipeline.json"),
        "--set", f"model.source={artifacts['train']['model']}",
        "--set", f"cubes.source={artifacts['preprocess']['cubes']}",
        "--set", f"predictions.source={artifacts['train']['predictions']}",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    outputs = _outputs(json.loads(done.stdout))
    tsne = Path(urlparse(outputs["embedding_plot"]["result"]).path).read_bytes()
    assert tsne.startswith(b"\x89PNG")
    assert "t-SNE of " in done.stderr and "test galaxies (inception5_concat" in done.stderr
    # Without a model the pipeline does not start, and says which input is missing.
    refused = _forgelab_run(folder, str(EXAMPLE / "embed.pipeline.json"))
    assert refused.returncode == 2
    assert "input 'model' has no value" in refused.stderr


def test_a_run_without_the_offline_sky_says_in_one_line_to_start_it(tmp_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/CasJobs"
    command = [sys.executable, "-m", "forgelab.cli", "run", str(EXAMPLE / "train.pipeline.json")]
    env = {**os.environ, "KERAS_BACKEND": "torch", "REDSHIFT_CASJOBS_URL": dead}
    env.pop("REDSHIFT_SAS_URL", None)
    done = subprocess.run(
        [*command, "--set", "config.scale=tiny"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600, env=env,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 1, output[-3000:]
    assert "Traceback" not in output
    assert (
        f"[Casjobs query] failed: {dead} cannot be reached — "
        "start `forgelab example redshift --offline`"
    ) in done.stderr
    assert "failed     Casjobs query" in done.stdout
    assert "[Preprocess] skipped: upstream job Download fits did not succeed" in done.stderr
    assert "[Knn baseline] skipped: upstream jobs " in done.stderr
    assert "skipped: skipped" not in output
