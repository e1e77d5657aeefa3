"""Photometric redshifts from SDSS images (DeepForge paper, section 9) as plain Python functions.

Each function is an operation: positional parameters are inputs, keyword-only parameters are
attributes, the return annotation names the outputs. They run as they are in a notebook too:

    limit, epochs = configure(scale="small")
    galaxies = casjobs_query(limit)
    galaxies, report = download_fits(galaxies)
    cubes, labels, redshifts, magnitudes = preprocess(galaxies)
    model, predictions, history = train_validate(
        cubes, labels, redshifts, "../redshift.arch.json", epochs
    )
    metrics = knn_baseline(magnitudes, redshifts, predictions)

The services are configuration: an empty ``casjobs_url``, ``sas_url`` or ``directory`` means
``$REDSHIFT_CASJOBS_URL``, ``$REDSHIFT_SAS_URL`` or ``$REDSHIFT_FRAMES``, else the real services
(SkyServer's CasJobs, the SDSS Science Archive Server) and ``~/.cache/forgelab/sdss``. The
offline sky (``forgelab example redshift --offline``) prints the values to use instead.
"""

from __future__ import annotations

import io
import os
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd
from forgelab.examples.redshift import cutouts, frames, metrics
from forgelab.examples.redshift.sky import frame_key, parse_frame_name
from forgelab.jobs import events
from forgelab.operations import ArchitectureRef
from forgelab.sciserver.casjobs import DEFAULT_CASJOBS_URL, CasJobs

GALAXY_SQL = (
    "SELECT TOP {limit} p.objID, p.ra, p.dec, p.run, p.rerun, p.camcol, p.field, s.z "
    "FROM PhotoObj AS p JOIN SpecObj AS s ON s.bestObjID = p.objID "
    "WHERE p.type = 3 AND s.class = 'GALAXY' AND s.z > 0 AND s.z < {z_max}"
)
BANDS = ("u", "g", "r", "i", "z")
#: Flux scale (nanomaggies) of the arcsinh stretch applied to the cut-outs before training.
STRETCH = 0.05
#: Galaxies queried and epochs trained per ``scale`` of :func:`configure`.
SCALES = {"tiny": (64, 2), "small": (1000, 5), "paper": (10000, 10)}
DEFAULT_FRAMES = "~/.cache/forgelab/sdss"


class Scale(NamedTuple):
    """How many galaxies to query and how many epochs to train."""

    limit: int
    epochs: int


class Downloaded(NamedTuple):
    """The galaxies whose five frames are on disk (``frame_u`` … ``frame_z`` paths), and what
    the download did (counts, and each failed file with the galaxies it affects)."""

    galaxies: pd.DataFrame
    report: dict


class Dataset(NamedTuple):
    """Cut-outs (N, 64, 64, 5), redshift bin labels, redshifts and aperture magnitudes (N, 5)."""

    cubes: np.ndarray
    labels: np.ndarray
    redshifts: np.ndarray
    magnitudes: np.ndarray


class Trained(NamedTuple):
    """The trained Keras model, per-galaxy predictions (split, z, z_pred, p00…p31) and the
    loss history."""

    model: Any
    predictions: pd.DataFrame
    history: dict


def configure(*, scale: Literal["tiny", "small", "paper"] = "small") -> Scale:
    """The size of the run: ``small`` (1,000 galaxies, 5 epochs), ``paper`` (the paper's
    10,000 galaxies and 10 epochs) or ``tiny`` (64 galaxies, 2 epochs: a smoke test)."""
    if scale not in SCALES:
        raise ValueError(f"configure: scale must be one of {', '.join(SCALES)}, not {scale!r}")
    limit, epochs = SCALES[scale]
    print(f"scale {scale}: {limit} galaxies, {epochs} epochs")
    return Scale(limit, epochs)


def casjobs_query(
    limit: int = 1000,
    *,
    casjobs_url: str = "",
    context: str = "DR17",
    z_max: float = 0.4,
    sql: str = GALAXY_SQL,
) -> pd.DataFrame:
    """Select up to ``limit`` galaxies with 0 < z < z_max, their fields and positions, from
    CasJobs.

    ``casjobs_url`` empty: ``$REDSHIFT_CASJOBS_URL``, else SkyServer's CasJobs. ``sql`` may use
    ``{limit}`` and ``{z_max}``. The SciServer token, when needed, comes from
    ``$SCISERVER_TOKEN`` or SciServer Compute's token file.
    """
    casjobs_url = casjobs_url or os.environ.get("REDSHIFT_CASJOBS_URL") or DEFAULT_CASJOBS_URL
    client = CasJobs.from_config({"url": casjobs_url})
    galaxies = client.query(sql.format(limit=limit, z_max=z_max), context=context)
    fields = galaxies.groupby(["run", "camcol", "field"]).ngroups
    print(f"CasJobs ({context}): {len(galaxies)} galaxies in {fields} fields")
    return galaxies


def download_fits(
    galaxies: pd.DataFrame,
    *,
    sas_url: str = "",
    directory: str = "",
    workers: int = 4,
    retries: int = 3,
) -> Downloaded:
    """Download the ugriz frames of every galaxy's field (in parallel, retried, resumable).

    Each field's frames are fetched once and shared by its galaxies; files already in
    ``directory`` and valid are reused. Galaxies whose frames cannot be had are reported by
    file name and left out; the rest go on. ``sas_url`` empty: ``$REDSHIFT_SAS_URL``, else the
    SDSS Science Archive Server; ``directory`` empty: ``$REDSHIFT_FRAMES``, else
    ``~/.cache/forgelab/sdss``.
    """
    sas_url = sas_url or os.environ.get("REDSHIFT_SAS_URL") or frames.DEFAULT_SAS_URL
    directory = os.path.expanduser(directory or os.environ.get("REDSHIFT_FRAMES") or DEFAULT_FRAMES)
    fields = list(
        zip(galaxies["run"], galaxies["rerun"], galaxies["camcol"], galaxies["field"], strict=True)
    )
    report = frames.download_frames(
        frames.frame_keys(fields), sas_url, directory, workers=workers, retries=retries
    )
    failed_fields = set()
    for failure in report.failures:
        _, run, camcol, number = parse_frame_name(failure.key)
        failed_fields.add((run, camcol, number))
        mask = (
            (galaxies["run"] == run)
            & (galaxies["camcol"] == camcol)
            & (galaxies["field"] == number)
        )
        failure.objids = [int(o) for o in galaxies.loc[mask, "objID"]]
        print(f"FAILED {failure}")
    keep = [(int(r), int(c), int(f)) not in failed_fields for r, _, c, f in fields]
    kept = galaxies.loc[keep].reset_index(drop=True)
    rows = list(zip(kept["run"], kept["rerun"], kept["camcol"], kept["field"], strict=True))
    for band in BANDS:
        kept[f"frame_{band}"] = [
            str(report.paths[frame_key(band, r, c, f, rr)]) for r, rr, c, f in rows
        ]
    print(
        f"frames: {report.downloaded} downloaded, {report.reused} reused, "
        f"{len(report.failures)} failed; {len(kept)} of {len(galaxies)} galaxies go on"
    )
    summary = {
        "downloaded": report.downloaded,
        "reused": report.reused,
        "failed": [
            {"file": f.key.rsplit("/", 1)[-1], "error": f.error, "objids": f.objids}
            for f in report.failures
        ],
        "galaxies": len(kept),
    }
    return Downloaded(kept, summary)


def preprocess(
    galaxies: pd.DataFrame, *, size: int = 64, bins: int = 32, z_max: float = 0.4
) -> Dataset:
    """Cut size×size×5 cubes around each galaxy (astropy FITS + WCS) and bin its redshift.

    Cut-outs that fall off a frame's edge are skipped and counted, never padded. Magnitudes
    are measured in an aperture on the same cut-outs (for the kNN baseline).
    """
    paths = galaxies[[f"frame_{b}" for b in BANDS]].to_numpy().tolist()
    result = cutouts.cut(galaxies["ra"].to_numpy(), galaxies["dec"].to_numpy(), paths, size)
    if result.skipped:
        first = next(iter(result.skipped.items()))
        print(
            f"skipped {len(result.skipped)} of {len(galaxies)} galaxies whose cut-out falls off "
            f"a frame (e.g. objID {galaxies['objID'].iloc[first[0]]}: {first[1]})"
        )
    if len(result.cubes) == 0:
        raise ValueError(
            f"preprocess: none of the {len(galaxies)} galaxies has a complete {size}x{size} "
            "cut-out in all five frames (no galaxies, or all downloads failed: see the "
            "download report)"
        )
    redshifts = galaxies["z"].to_numpy()[result.kept].astype(np.float32)
    labels = metrics.to_bins(redshifts, bins, z_max)
    print(f"{len(result.cubes)} cubes of {size}x{size}x{len(BANDS)}; {bins} bins over [0, {z_max})")
    return Dataset(result.cubes, labels, redshifts, result.magnitudes)


def _stretch(cubes: np.ndarray) -> np.ndarray:
    """The network's input: an arcsinh stretch that keeps faint outskirts and bright cores."""
    return np.arcsinh(cubes / STRETCH).astype(np.float32)


def _soft_labels(labels: np.ndarray, bins: int, width: float) -> np.ndarray:
    """One row per label: a Gaussian of ``width`` bins around it, summing to 1 (one-hot at 0)."""
    centres = np.arange(bins)[None, :] - np.asarray(labels)[:, None]
    if width <= 0:
        return (centres == 0).astype(np.float32)
    weights = np.exp(-0.5 * (centres / width) ** 2)
    return (weights / weights.sum(axis=1, keepdims=True)).astype(np.float32)


def _loss_plot():
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6, 4))
    axes.set_xlabel("epoch")
    axes.set_ylabel("cross-entropy")
    axes.set_title("Loss per epoch")
    return figure, axes


def train_validate(
    cubes: np.ndarray,
    labels: np.ndarray,
    redshifts: np.ndarray,
    architecture: ArchitectureRef,
    epochs: int = 5,
    *,
    batch_size: int = 8,
    learning_rate: float = 0.001,
    test_fraction: float = 0.2,
    seed: int = 0,
    z_max: float = 0.4,
    label_width: float = 1.0,
) -> Trained:
    """Train the network of ``architecture`` on the redshift bins and validate it on a
    held-out split; the loss is plotted per epoch. Predicted z is the expectation over bins.

    Each label is spread over its neighbouring bins by a Gaussian of ``label_width`` bins
    (0: one-hot), so that a near miss costs less than a far one and few epochs suffice. The
    architecture may be Keras (``redshift.arch.json``: softmax outputs, channels last) or
    PyTorch (``redshift-torch.arch.json``: logits, channels first).
    """
    import forgelab.architecture

    count = len(cubes)
    order = np.random.default_rng(seed).permutation(count)
    n_test = max(1, int(round(count * test_fraction)))
    test, train = np.sort(order[:n_test]), np.sort(order[n_test:])
    x = _stretch(cubes)
    document, _ = forgelab.architecture.read(architecture)
    model = forgelab.architecture.load(document)
    figure, axes = _loss_plot()
    seen: dict[str, list[float]] = {"loss": [], "val_loss": []}

    def plot_epoch(epoch: int, logs: dict) -> None:
        for key in seen:
            seen[key].append(float((logs or {}).get(key, np.nan)))
            events.emit("metric", {"name": key, "value": seen[key][-1], "step": epoch + 1})
        axes.clear()
        axes.plot(range(1, epoch + 2), seen["loss"], "o-", label="train")
        axes.plot(range(1, epoch + 2), seen["val_loss"], "o-", label="validation")
        axes.set_xlabel("epoch")
        axes.set_ylabel("cross-entropy")
        axes.set_title("Loss per epoch")
        axes.legend()
        figure.canvas.draw()

    fit = _fit_torch if document["framework"] == "torch" else _fit_keras
    probabilities, history = fit(
        model,
        x,
        labels,
        train,
        test,
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        seed=seed,
        label_width=label_width,
        on_epoch=plot_epoch,
    )
    predicted = metrics.expected_z(probabilities, z_max)
    split = np.where(np.isin(np.arange(count), test), "test", "train")
    predictions = pd.DataFrame({"split": split, "z": redshifts, "z_pred": predicted})
    for b in range(probabilities.shape[1]):
        predictions[f"p{b:02d}"] = probabilities[:, b]
    scores = metrics.scores(redshifts[test], predicted[test])
    print(
        f"CNN on {scores['count']} test galaxies: sigma_NMAD={scores['sigma_nmad']:.4f} "
        f"bias={scores['bias']:+.4f} outliers={scores['outlier_fraction']:.3f}"
    )
    return Trained(model, predictions, history)


def _fit_keras(
    model, x, labels, train, test, *, epochs, batch_size, learning_rate, seed, label_width, on_epoch
):
    """Compile and fit a Keras model; the probabilities of every galaxy and the history."""
    import keras

    keras.utils.set_random_seed(seed)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="categorical_crossentropy",
        metrics=["categorical_accuracy"],
    )
    targets = _soft_labels(labels, model.output_shape[-1], label_width)

    class PlotLoss(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            on_epoch(epoch, logs or {})

    fitted = model.fit(
        x[train],
        targets[train],
        validation_data=(x[test], targets[test]),
        epochs=epochs,
        batch_size=batch_size,
        callbacks=[PlotLoss()],
        verbose=2,
    )
    probabilities = model.predict(x, batch_size=batch_size, verbose=0)
    return probabilities, {k: [float(v) for v in vs] for k, vs in fitted.history.items()}


def _fit_torch(
    model, x, labels, train, test, *, epochs, batch_size, learning_rate, seed, label_width, on_epoch
):
    """Fit an ``nn.Module`` (channels first, logits out) on the job's GPU when it has one."""
    from forgelab.operations.builtin.learn import fit_torch, predict_torch

    x = _channels_first(x)
    bins = model(_one_example(x)).shape[-1]
    targets = _soft_labels(labels, bins, label_width)
    history = fit_torch(
        model,
        x[train],
        targets[train],
        (x[test], targets[test]),
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        seed=seed,
        on_epoch=on_epoch,
    )
    return predict_torch(model, x, batch_size=batch_size), history


def _channels_first(x: np.ndarray) -> np.ndarray:
    """(N, H, W, bands) as torch's convolutions take it: (N, bands, H, W)."""
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))


def _one_example(x: np.ndarray):
    """One all-zero example of ``x`` as a torch tensor (to ask a model its output size)."""
    import torch

    return torch.zeros((1, *x.shape[1:]), dtype=torch.float32)


def knn_baseline(
    magnitudes: np.ndarray,
    redshifts: np.ndarray,
    predictions: pd.DataFrame,
    *,
    neighbours: int = 10,
) -> dict:
    """Score a k-nearest-neighbours photo-z on the five band magnitudes against the CNN, on the
    CNN's own test split; prints both σ_NMAD, bias and outlier fractions."""
    from sklearn.neighbors import KNeighborsRegressor

    test = predictions["split"].to_numpy() == "test"
    train = ~test
    colours = np.column_stack([magnitudes, -np.diff(magnitudes, axis=1)])
    knn = KNeighborsRegressor(
        n_neighbors=max(1, min(neighbours, int(train.sum()))), weights="distance"
    )
    knn.fit(colours[train], redshifts[train])
    result = {
        "cnn": metrics.scores(redshifts[test], predictions["z_pred"].to_numpy()[test]),
        "knn": metrics.scores(redshifts[test], knn.predict(colours[test])),
    }
    for name, score in result.items():
        for metric in ("sigma_nmad", "bias", "outlier_fraction"):
            events.emit("metric", {"name": f"{name}_{metric}", "value": score[metric]})
        print(
            f"{name.upper():<4} sigma_NMAD={score['sigma_nmad']:.4f} bias={score['bias']:+.4f} "
            f"outliers={score['outlier_fraction']:.3f} (n={score['count']})"
        )
    better = min(result, key=lambda n: result[n]["sigma_nmad"])
    print(f"lower sigma_NMAD: {better.upper()}")
    return result


def visualize_predictions(
    predictions: pd.DataFrame, *, count: int = 5, z_max: float = 0.4, seed: int = 0
) -> bytes:
    """The predicted redshift distribution of ``count`` test galaxies against their true z."""
    import matplotlib.pyplot as plt

    test = predictions[predictions["split"] == "test"]
    chosen = test.sample(min(count, len(test)), random_state=seed)
    columns = [c for c in predictions.columns if c.startswith("p") and c[1:].isdigit()]
    edges = metrics.bin_edges(len(columns), z_max)
    figure, axes = plt.subplots(1, len(chosen), figsize=(3 * len(chosen), 3), squeeze=False)
    for ax, (_, row) in zip(axes[0], chosen.iterrows(), strict=True):
        ax.bar(edges[:-1], row[columns].to_numpy(float), width=np.diff(edges), align="edge")
        ax.axvline(row["z"], color="k", label="true z")
        ax.axvline(row["z_pred"], color="r", linestyle="--", label="predicted")
        ax.set_xlabel("z")
    axes[0][0].set_ylabel("probability")
    axes[0][0].legend(fontsize="small")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80)
    plt.show()
    return buffer.getvalue()


def reduce_dimensions(
    model,
    cubes: np.ndarray,
    predictions: pd.DataFrame,
    *,
    layer: str = "inception5_concat",
    perplexity: float = 30.0,
    seed: int = 0,
) -> np.ndarray:
    """t-SNE to 3-D of the network's learned features of the test galaxies.

    The features are the output of ``layer`` averaged over the image (one value per channel),
    reduced to at most 50 dimensions with PCA before t-SNE.
    """
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE

    test = predictions["split"].to_numpy() == "test"
    if hasattr(model, "get_layer"):
        import keras

        extractor = keras.Model(model.inputs, model.get_layer(layer).output)
        features = extractor.predict(_stretch(cubes[test]), batch_size=32, verbose=0)
        features = features.reshape(len(features), -1, features.shape[-1]).mean(axis=1)
    else:
        import torch
        from forgelab.pytorch.model import layer_output

        images = torch.as_tensor(_channels_first(_stretch(cubes[test])))
        with torch.no_grad():
            features = layer_output(model, layer)(images).flatten(2).mean(dim=2).numpy()
    count = len(features)
    if count < 4:
        raise ValueError(f"t-SNE needs at least 4 test galaxies, got {count}")
    features = PCA(min(50, count, features.shape[1]), random_state=seed).fit_transform(features)
    perplexity = min(perplexity, (count - 1) / 3)
    embedding = TSNE(3, perplexity=perplexity, init="pca", random_state=seed).fit_transform(
        features
    )
    print(f"t-SNE of {count} test galaxies ({layer}, perplexity {perplexity:.1f})")
    return embedding.astype(np.float32)


def visualize_embeddings(embedding: np.ndarray, predictions: pd.DataFrame) -> bytes:
    """A 3-D scatter of the t-SNE embedding, coloured by each galaxy's |Δz| / (1 + z)."""
    import matplotlib.pyplot as plt

    test = predictions[predictions["split"] == "test"]
    error = np.abs(test["z_pred"] - test["z"]) / (1 + test["z"])
    figure = plt.figure(figsize=(6, 5))
    axes = figure.add_subplot(projection="3d")
    points = axes.scatter(*embedding.T[:3], c=error, cmap="viridis", s=12)
    figure.colorbar(points, ax=axes, label="|Δz| / (1 + z)", shrink=0.7)
    axes.set_title("t-SNE of the learned features")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80)
    plt.show()
    return buffer.getvalue()
