"""Reify on realistic notebooks: how many of the corpus's targets a reified pipeline reproduces,
and what the recorder costs on those notebooks.

The corpus (``bench/corpus/``) holds notebooks in the style of public tutorials and science
notebooks (pandas, scikit-learn, statsmodels, matplotlib, PyTorch, Keras, NumPy maths, files,
magics), with small data files under ``bench/corpus/data/``. ``bench/corpus/targets.json`` names
the targets of each notebook::

    {
      "<notebook file name>": [
        {"name": "<variable>", "probe": "<Python expression over `value`>"},
        ...
      ],
      ...
    }

A probe turns the variable's value into plain data that is exactly comparable and proves the
value right (``value.coef_.round(10).tolist()``, ``value.to_dict("split")``); it may use
``value``, ``np`` (numpy) and ``pd`` (pandas). It is evaluated in the notebook's kernel on the
live value and here on the pipeline's value, and the ``repr`` of both results are compared: an
oracle independent of the serializers and of the comparison reify's check uses.

For each notebook (run once, headless, with recording, in a scratch copy of the corpus) and each
of its targets: reify, run the pipeline on the local adapter and compare. Outcomes:

* ``reproduced``: the check says equal and the probes agree;
* ``refused``: reify raised ``ReifyError`` (its reason is printed);
* ``differs`` / ``cannot compare``: what the check said;
* ``failed``: the pipeline did not run (the job error is printed), or the notebook itself failed;
* ``WRONG``: the check said reproduced but the probes differ (or fail on one side only).

Then the recorder's overhead: every notebook's cells run in a plain kernel and in a recording
kernel, alternating rounds; per notebook the ratio of the median round's time, as the client
sees it (wall) and as the kernel process spends it (CPU: steadier on a loaded machine,
:mod:`kernel_cpu`), and the median extra milliseconds per cell. Exits 1 when a target is WRONG
or a notebook cell failed.

    python bench/bench_reify_corpus.py [--only NOTEBOOK] [--json OUT] [--rounds 5]
                                       [--no-overhead] [--only-overhead]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from forgelab.jobs import serializers
from forgelab.provenance.compare import compare
from forgelab.provenance.errors import ReifyError
from forgelab.provenance.headless import CellFailed, KernelRun, notebook_cells, run_notebook
from forgelab.provenance.reify import reify
from forgelab.provenance.reproduce import ReproductionError, run_pipeline
from forgelab.store import Store

CORPUS = Path(__file__).resolve().parent / "corpus"
OUTCOMES = ("reproduced", "refused", "differs", "cannot compare", "failed", "WRONG")


@dataclass
class Target:
    """One variable of a notebook to reify, and the probe that proves its value right."""

    name: str
    probe: str


@dataclass
class Result:
    """What happened to one target."""

    notebook: str
    target: str
    outcome: str
    detail: str | None
    seconds: float


def load_manifest(path: Path = CORPUS / "targets.json") -> dict[str, list[Target]]:
    """The manifest as ``{notebook file name: [Target, ...]}``; ValueError says what is wrong."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected an object of notebook name -> list of targets")
    manifest: dict[str, list[Target]] = {}
    for notebook, targets in data.items():
        if not notebook.endswith(".ipynb") or not isinstance(targets, list) or not targets:
            raise ValueError(f"{path}: {notebook!r} must be a *.ipynb name with a list of targets")
        for index, target in enumerate(targets):
            if not isinstance(target, dict) or set(target) != {"name", "probe"}:
                raise ValueError(
                    f"{path}: {notebook}[{index}] must be {{'name': ..., 'probe': ...}}"
                )
        manifest[notebook] = [Target(t["name"], t["probe"]) for t in targets]
    return manifest


def _verdict(expected: Any, actual: Any) -> tuple[str, str | None]:
    """Reify's own check (:func:`forgelab.provenance.compare.compare`)."""
    verdict = compare(expected, actual)
    return verdict.outcome, verdict.detail


def _probe_here(value: Any, probe: str) -> tuple[str | None, str | None]:
    """``(repr of the probe's result, None)`` or ``(None, error)``."""
    import numpy as np
    import pandas as pd

    try:
        return repr(eval(probe, {"value": value, "np": np, "pd": pd})), None  # noqa: S307
    except Exception as error:  # noqa: BLE001 - a probe may fail on a wrong value
        return None, f"{type(error).__name__}: {error}"


def _probe_in_kernel(kernel: KernelRun, name: str, probe: str) -> tuple[str | None, str | None]:
    """The probe evaluated on the notebook's live value, as :func:`_probe_here` answers."""
    answer = kernel.evaluate(
        "import json as _cb_json, numpy as _cb_np, pandas as _cb_pd\n"
        "try:\n"
        f"    _cb_out = {{'repr': repr(eval({probe!r}, {{'value': globals()[{name!r}], "
        "'np': _cb_np, 'pd': _cb_pd}))}\n"
        "except Exception as _cb_error:\n"
        "    _cb_out = {'error': f'{type(_cb_error).__name__}: {_cb_error}'}\n"
        "print(_cb_json.dumps(_cb_out))"
    )
    return answer.get("repr"), answer.get("error")


def _first_line(text: str, limit: int = 150) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


def bench_notebook(path: Path, targets: list[Target], scratch: Path) -> list[Result]:
    """Run ``path`` once with recording, then reify, run and check each target."""
    url = f"sqlite:///{scratch / 'provenance.db'}"
    saved: dict[str, dict[str, Any]] = {}
    probes: dict[str, tuple[str | None, str | None]] = {}
    start = time.perf_counter()
    with run_notebook(path, store_url=url) as (kernel, cells):
        flushed = kernel.flush()
        for index, target in enumerate(targets):
            try:
                saved[target.name] = kernel.save_value(target.name, scratch / f"{index}.value")
            except CellFailed as error:
                saved[target.name] = {"error": _first_line(str(error))}
            if "serializer" in saved[target.name]:
                probes[target.name] = _probe_in_kernel(kernel, target.name, target.probe)
    broken = [f"cell {i + 1}: {c.error}" for i, c in enumerate(cells) if c.status != "ok"]
    store = Store(url)
    try:
        records = store.history_records(session=flushed["session"])
    finally:
        store.close()
    per_target_run = (time.perf_counter() - start) / len(targets)
    results = []
    for index, target in enumerate(targets):
        began = time.perf_counter()
        outcome, detail = _check(
            target,
            saved[target.name],
            probes.get(target.name),
            records,
            scratch / f"{index}.value",
            scratch / f"run-{index}",
            broken,
        )
        seconds = per_target_run + time.perf_counter() - began
        results.append(Result(path.name, target.name, outcome, detail, seconds))
    return results


def _check(
    target: Target,
    saved: dict[str, Any],
    kernel_probe: tuple[str | None, str | None] | None,
    records: list[dict[str, Any]],
    value_file: Path,
    root: Path,
    broken: list[str],
) -> tuple[str, str | None]:
    """The outcome of one target and its reason."""
    if broken:
        return "failed", f"the notebook itself failed: {'; '.join(broken)}"
    if saved.get("missing"):
        return "failed", f"{target.name!r} is not defined at the end of the notebook"
    try:
        doc = reify(records, target.name)
    except ReifyError as error:
        return "refused", str(error)
    except Exception as error:  # noqa: BLE001 - reify should refuse, not crash: report it
        return "failed", f"reify raised {type(error).__name__}, not ReifyError: {error}"
    if "error" in saved:
        return "cannot compare", f"the kernel could not save the value: {saved['error']}"
    try:
        expected = serializers.load(str(value_file), saved["serializer"])
    except Exception as error:  # noqa: BLE001 - the value may not load outside its kernel
        return "cannot compare", f"the notebook's value does not load: {error}"
    root.mkdir()
    store = Store(f"sqlite:///{root / 'executions.db'}")
    try:
        actual, _execution = run_pipeline(doc, root=root, store=store)
    except ReproductionError as error:
        return "failed", str(error)
    except Exception as error:  # noqa: BLE001 - a crash of the runner is a failure too
        return "failed", f"running the pipeline raised {type(error).__name__}: {error}"
    finally:
        store.close()
    outcome, detail = _verdict(expected, actual)
    assert kernel_probe is not None
    here = _probe_here(actual, target.probe)
    if here[1] and kernel_probe[1]:
        return outcome, f"{detail or ''} (the probe fails on both sides: {kernel_probe[1]})"
    agree = here[0] is not None and here[0] == kernel_probe[0]
    if outcome == "reproduced" and not agree:
        got = here[1] or _first_line(here[0] or "", 300)
        want = kernel_probe[1] or _first_line(kernel_probe[0] or "", 300)
        return (
            "WRONG",
            f"the check says equal, the probe says otherwise: notebook {want}, pipeline {got}",
        )
    if outcome != "reproduced" and agree:
        detail = f"{detail} (yet the probes agree)"
    elif outcome != "reproduced":
        want = kernel_probe[1] or _first_line(kernel_probe[0] or "", 120)
        got = here[1] or _first_line(here[0] or "", 120)
        detail = f"{detail} (the probes differ too: notebook {want}; pipeline {got})"
    return outcome, detail


def overhead(path: Path, rounds: int, folder: Path) -> dict[str, float]:
    """Run the notebook's cells in a plain and in a recording kernel, alternating ``rounds``
    times (the first round of each includes its imports; the median round leaves it out once
    there are three). Returns :func:`kernel_cpu.overhead_of`'s wall and CPU ratios of the median
    round and extra milliseconds per cell, and the number of cells."""
    # Beside this file: found when it runs as a script (tests import it by path, without it).
    from kernel_cpu import Timings, overhead_of

    sources = [source for _cell_id, source in notebook_cells(path)]
    url = f"sqlite:///{folder / 'overhead.db'}"
    plain = KernelRun(cwd=folder, store_url=url, record=False)
    recorded = KernelRun(cwd=folder, store_url=url, record=True)
    times = {"plain": Timings(), "recorded": Timings()}
    with plain, recorded:
        for _ in range(rounds):
            times["plain"].run(plain, sources)
            times["recorded"].run(recorded, sources)
    return {**overhead_of(times["plain"], times["recorded"]), "cells": len(sources)}


def print_table(results: list[Result]) -> None:
    """The per-target table, then each reason in full, grouped by outcome."""
    width = max(len(f"{r.notebook} {r.target}") for r in results)
    print(f"{'notebook target':<{width}}  {'outcome':<14}  {'s':>6}  reason")
    for r in results:
        what = f"{r.notebook} {r.target}"
        print(f"{what:<{width}}  {r.outcome:<14}  {r.seconds:6.1f}  {_first_line(r.detail or '')}")
    for outcome in OUTCOMES[1:]:
        chosen = [r for r in results if r.outcome == outcome]
        if chosen:
            print(f"\n-- {outcome} ({len(chosen)})")
            for r in chosen:
                print(f"{r.notebook} {r.target}: {r.detail}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only",
        metavar="NOTEBOOK",
        action="append",
        help="run the notebooks whose file name contains NOTEBOOK (repeatable)",
    )
    parser.add_argument("--json", metavar="OUT", help="write the results and overhead as JSON")
    parser.add_argument("--rounds", type=int, default=5, help="overhead rounds per notebook")
    parser.add_argument("--no-overhead", action="store_true", help="skip the overhead runs")
    parser.add_argument("--only-overhead", action="store_true", help="skip reify and its checks")
    args = parser.parse_args(argv)
    from kernel_cpu import single_threaded_kernels

    single_threaded_kernels()
    began = time.perf_counter()
    manifest = load_manifest()
    chosen = {
        nb: t for nb, t in manifest.items() if not args.only or any(o in nb for o in args.only)
    }
    if not chosen:
        print(f"no notebook of the corpus matches {args.only}", file=sys.stderr)
        return 2
    results: list[Result] = []
    costs: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="forgelab-corpus-") as tmp:
        work = Path(tmp) / "corpus"
        shutil.copytree(CORPUS, work)
        for notebook, targets in chosen.items() if not args.only_overhead else ():
            scratch = Path(tmp) / Path(notebook).stem
            scratch.mkdir()
            print(f"{notebook}: {len(targets)} target(s)", flush=True)
            try:
                results += bench_notebook(work / notebook, targets, scratch)
            except Exception as error:  # noqa: BLE001 - one notebook must not end the bench
                reason = f"the notebook itself failed: {type(error).__name__}: {error}"
                results += [Result(notebook, t.name, "failed", reason, 0.0) for t in targets]
        reify_seconds = time.perf_counter() - began
        if not args.no_overhead:
            for notebook in chosen:
                costs[notebook] = overhead(work / notebook, args.rounds, work)
    counts = Counter(r.outcome for r in results)
    if results:
        print()
        print_table(results)
        print("\nsummary: " + ", ".join(f"{o} {counts[o]}" for o in OUTCOMES))
        done = counts["reproduced"]
        print(
            f"reproduced {done} of {len(results)} ({100 * done / len(results):.0f} %) "
            f"in {len(chosen)} notebooks; reify part {reify_seconds:.0f} s"
        )
    if costs:
        print(
            f"\nrecorder overhead: recording / plain kernel, median of {args.rounds} rounds "
            "(whole notebook), wall time as the client sees it and the kernel process's CPU "
            "time; extra ms per cell: median over cells"
        )
        print(
            f"{'notebook':<28} {'cells':>5} {'wall':>7} {'cpu':>7} {'extra wall':>11}"
            f" {'extra cpu':>10}"
        )
        for notebook, cost in sorted(costs.items(), key=lambda i: -i[1]["cpu_ratio"]):
            print(
                f"{notebook:<28} {cost['cells']:5.0f} {cost['wall_ratio']:6.2f}x"
                f" {cost['cpu_ratio']:6.2f}x {cost['wall_extra_ms_per_cell']:+11.2f}"
                f" {cost['cpu_extra_ms_per_cell']:+10.2f}"
            )
        for kind in ("wall", "cpu"):
            ratios = [c[f"{kind}_ratio"] for c in costs.values()]
            print(
                f"{kind}: median over notebooks {statistics.median(ratios):.2f}x, "
                f"worst {max(ratios):.2f}x, over 1.10x: {sum(r > 1.10 for r in ratios)}"
            )
    print(f"total bench time {time.perf_counter() - began:.0f} s")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"results": [asdict(r) for r in results], "overhead": costs},
                indent=2,
                ensure_ascii=False,
            )
        )
    broken = any(r.detail and r.detail.startswith("the notebook itself failed") for r in results)
    return 1 if counts["WRONG"] or broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
