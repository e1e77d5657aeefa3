"""``forgelab run PIPELINE``: run a pipeline headless with the same orchestrator as the server."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from pathlib import Path
from typing import Any

from ..executions import ExecutionError, Orchestrator
from ..executions.pipeline import PipelineError
from . import UsageError
from ._common import add_store_argument, open_store, settings

NAME = "run"
HELP = "Run a pipeline file; exit 0 only if every job succeeded."


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pipeline", help="a *.pipeline.json file")
    parser.add_argument(
        "--adapter", help="compute adapter (default: c.ForgeLabConfig.default_compute, local)"
    )
    parser.add_argument(
        "--storage", help="storage adapter (default: c.ForgeLabConfig.default_storage, local)"
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="NODE.ATTR=VALUE",
        help="set an attribute (NODE: node id, label or operation name); repeatable",
    )
    parser.add_argument("--timeout", type=float, help="seconds after which each job is stopped")
    parser.add_argument(
        "--json", action="store_true", help="print the execution as JSON at the end"
    )
    parser.add_argument("--quiet", action="store_true", help="no job output on the terminal")
    add_store_argument(parser)


def _overrides(items: list[str]) -> dict[str, str]:
    found = {}
    for item in items:
        target, eq, value = item.partition("=")
        if not eq or not target:
            raise UsageError(f"--set {item!r}: expected NODE.ATTR=VALUE")
        found[target.strip()] = value
    return found


TRACEBACK = "Traceback (most recent call last):"


class _Printer:
    """Job states and output lines on stderr, prefixed by the job's name.

    A job's stderr from a traceback on is held back until the job goes on or ends: when it
    fails with a known error type, its one-line error replaces the traceback (kept in the job's
    ``error.traceback``, printed by ``--json``, and in the execution view's console).
    """

    def __init__(self, names: dict[str, str], quiet: bool) -> None:
        self.names, self.quiet = names, quiet
        # Adapters may report a state the orchestrator reports too (dask: 'running' on a worker).
        self.last_status: dict[str | None, Any] = {}
        self.held: dict[str, list[str]] = {}
        self.known: set[str] = set()

    def finish(self) -> None:
        """Print what is still held (lines that came after their job's final state)."""
        for job in list(self.held):
            self._release(job, drop=job in self.known)

    def _release(self, job: str | None, *, drop: bool = False) -> None:
        held = self.held.pop(job or "", [])
        if drop and held:
            who = self.names.get(job or "", "execution")
            print(f"{who} | (traceback left out: --json shows it)", file=sys.stderr)
            return
        for line in held:
            print(line, file=sys.stderr, flush=True)

    def __call__(self, message: dict[str, Any]) -> None:
        job = message.get("job")
        who = self.names.get(job or "", "execution")
        kind, data = message.get("kind"), message.get("data")
        if kind == "status":
            extra = f": {data['error']}" if isinstance(data, dict) and data.get("error") else ""
            status = data.get("status") if isinstance(data, dict) else data
            if isinstance(data, dict) and data.get("known"):
                self.known.add(job or "")
            self._release(job, drop=(job or "") in self.known)
            if self.last_status.get(job) == (status, extra):
                return
            self.last_status[job] = (status, extra)
            print(f"[{who}] {status}{extra}", file=sys.stderr, flush=True)
        elif self.quiet:
            return
        elif kind in ("stdout", "stderr"):
            line = f"{who} | {data}"
            if kind == "stderr" and ((job or "") in self.held or str(data).startswith(TRACEBACK)):
                self.held.setdefault(job or "", []).append(line)
                return
            self._release(job)
            print(line, file=sys.stderr, flush=True)
        elif kind == "progress" and isinstance(data, dict):
            total = data.get("total") or "?"
            print(
                f"{who} | {data.get('desc', '')} {data.get('n')}/{total}",
                file=sys.stderr,
                flush=True,
            )
        elif kind == "figure" and isinstance(data, dict):
            print(
                f"{who} | figure {data.get('id')} ({data.get('width')}x{data.get('height')})",
                file=sys.stderr,
                flush=True,
            )
        elif kind == "metric":
            print(f"{who} | metric {json.dumps(data)}", file=sys.stderr, flush=True)


async def _run(args: argparse.Namespace) -> int:
    config = settings(args)
    store = open_store(args)
    orchestrator = Orchestrator(
        store,
        root=Path.cwd(),
        compute_configs=config.compute_adapters,
        storage_configs=config.storage_adapters,
        jobs_dir=config.jobs_dir or None,
        default_compute=config.default_compute,
        default_storage=config.default_storage,
        confine=False,
    )
    path = Path(args.pipeline).resolve()
    try:
        execution = await orchestrator.submit(
            path=str(path),
            compute=args.adapter,
            storage=args.storage,
            overrides=_overrides(args.overrides),
            timeout=args.timeout,
        )
    except (PipelineError, ExecutionError) as error:
        print(f"forgelab: {error}", file=sys.stderr)
        await orchestrator.close()
        store.close()
        return 2
    printer = _Printer({j["id"]: j.get("name") or j["node"] for j in execution["jobs"]}, args.quiet)
    orchestrator.subscribe(execution["id"], printer)
    print(
        f"execution {execution['id']}: {len(execution['jobs'])} jobs on {execution['compute']}",
        file=sys.stderr,
        flush=True,
    )
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(
        signal.SIGINT, lambda: asyncio.ensure_future(orchestrator.cancel(execution["id"]))
    )
    try:
        final = await orchestrator.wait(execution["id"])
        printer.finish()
    finally:
        loop.remove_signal_handler(signal.SIGINT)
        await orchestrator.close()
        store.close()
    if args.json:
        print(json.dumps(final, indent=2))
    else:
        for job in final["jobs"]:
            print(f"{job['status']:<10} {job.get('name') or job['node']}")
            for port, artifact in (job.get("outputs") or {}).items():
                print(f"{'':<10}   {port}: {artifact['uri']} ({artifact.get('hash', '')[:19]})")
        print(f"execution {final['id']} {final['status']}")
    return 0 if final["status"] == "succeeded" else 1


def run(args: argparse.Namespace) -> int:
    return asyncio.run(_run(args))
