"""The kernel-side recorder: one ImplicitOperation per cell execution.

IPython's ``pre_run_cell`` and ``post_run_cell`` events bracket every (non-silent) execution. Before
the cell, the recorder analyses its code (:mod:`.analysis`), notes the version of every variable it
may read, fingerprints the objects it may change (:mod:`.fingerprint`) and starts watching file
opens (:mod:`.files`). After the cell, a variable is *written* (gets a new version) when:

* the cell binds it (assignment, import, def, class, for/with target...), or its binding changed
  in any way (compared by identity over the namespace: ``globals()['x'] = ...``, magics, functions
  declaring ``global x``);
* the cell certainly changed it in place (``d[k] = v``, ``obj.attr = v``, ``xs += ys``);
* the cell may have changed it (method receiver, call argument, global used by a called function)
  and its fingerprint differs, or it has none (conservative);
* another name bound to the same object was changed in place (direct alias), or an object that
  shares memory with it or belongs to it (a NumPy view of it, an Axes of its figure:
  :mod:`.owners`); the cell then also reads the old version of each name it changed in place;
* it is a module used through a random-generator call (``np.random.seed``: hidden state), or
  a stateful module (:data:`~.analysis.STATEFUL_MODULES`: pyplot) the cell called while pyplot
  held figures before or after it (the inline backend closes a cell's figures: nothing carries
  over to the next cell then).

A written object that shares state with other live objects (:func:`.owners.shared_state`: the
Axes of a figure, the parameters of a model and its optimizer) lists their names in its write's
``sharesWith``.

Records go to the store on a background thread (:class:`~.writer.RecordWriter`); nothing is written
into the notebook. See docs/provenance.md for what cannot be seen and why reify stays safe anyway.
"""

from __future__ import annotations

import os
import re
import time
import types
from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..store import now
from .analysis import RNG_MODULES, STATEFUL_MODULES, CellAnalysis, analyze
from .files import FileWatch, file_hash, network_path
from .fingerprint import fingerprint, immutable, type_label
from .magics import already_python, plain_python
from .owners import shared_state, sharing
from .reloading import AutoreloadGuard
from .writer import RecordWriter, new_session_id, record_id, store_url

#: Names IPython keeps in the user namespace for itself (history, output cache, helpers).
_INTERNAL = re.compile(
    r"^(_+|_\d+|_i{1,3}|_i\d+|_ih|_oh|_dh|_exit_code|In|Out|get_ipython|exit|quit|__.*__)$"
)


@lru_cache(maxsize=65536)
def internal(name: str) -> bool:
    """Whether ``name`` is IPython's own (remembered: asked of every name before and after
    every cell, and IPython adds three names a cell)."""
    return bool(_INTERNAL.match(name))


_Function = tuple[frozenset[str], frozenset[str], frozenset[str]]


@dataclass
class _Pending:
    """What the recorder noted before a cell ran."""

    started: str
    code: str
    analysis: CellAnalysis | None
    cell_id: str | None
    reads: dict[str, int]
    ids: dict[str, int]
    prints: dict[str, Any]
    called: set[str]
    stateful: set[str]
    """Stateful modules the cell may call through, when they held state before it ran."""
    watch: FileWatch
    cost: float


def _holds_state(module: types.ModuleType) -> bool:
    """Whether a stateful module holds state a later cell can see: pyplot's open figures."""
    get_fignums = getattr(module, "get_fignums", None)
    return bool(get_fignums()) if callable(get_fignums) else True


@dataclass
class Recorder:
    """Records the cells of one kernel session; :meth:`register` hooks it into IPython."""

    shell: Any
    writer: Any = None
    session: str = field(default_factory=new_session_id)
    notebook: str | None = None
    sequence: int = 0
    versions: dict[str, int] = field(default_factory=dict)
    functions: dict[str, _Function] = field(default_factory=dict)
    """Functions and classes defined by recorded cells: (free globals, global stores, RNG)."""
    overhead_ms: deque[float] = field(default_factory=lambda: deque(maxlen=10_000))
    _pending: _Pending | None = None
    _next_cell_id: str | None = None
    failures: list[str] = field(default_factory=list)
    """Errors of the recorder itself (the cells they concern are not recorded)."""
    _baseline: dict[str, int] = field(default_factory=dict)
    """Names the shell defined before recording began (``open``, ``display``...): environment."""
    _prints: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    """Fingerprints taken after the last cell that touched each name, still current: the next
    cell given the same object starts from them instead of hashing it again."""
    _autoreload: AutoreloadGuard | None = None

    # -- wiring --------------------------------------------------------------------------
    def register(self) -> None:
        self._baseline = {n: id(v) for n, v in self.shell.user_ns.items()}
        self._autoreload = AutoreloadGuard(self.shell)
        FileWatch.install()
        self.shell.events.register("pre_run_cell", self._pre)
        self.shell.events.register("post_run_cell", self._post)

    # IPython shows a hook's exception after every cell: recording must never do that to a user.
    def _pre(self, info: Any) -> None:
        try:
            self.pre_run_cell(info)
        except Exception as error:  # noqa: BLE001
            self._pending = None
            self._failed(error)

    def _post(self, result: Any) -> None:
        try:
            self.post_run_cell(result)
        except Exception as error:  # noqa: BLE001
            FileWatch.active = None
            self._failed(error)

    def _failed(self, error: Exception) -> None:
        self.failures.append(f"{type(error).__name__}: {error}")
        if len(self.failures) == 1:
            import warnings

            warnings.warn(
                f"ForgeLab could not record a cell ({self.failures[0]}); provenance of this "
                "session may be incomplete",
                RuntimeWarning,
                stacklevel=1,
            )

    def unregister(self) -> None:
        for name, hook in (
            ("pre_run_cell", self._pre),
            ("post_run_cell", self._post),
        ):
            try:
                self.shell.events.unregister(name, hook)
            except ValueError:
                pass
        if self.writer is not None:
            self.writer.flush()

    def set_context(self, notebook: str | None = None, cell_id: str | None = None) -> None:
        """What the front end knows and the kernel does not: the notebook's path, the next cell."""
        if notebook:
            self.notebook = notebook
        self._next_cell_id = cell_id

    def _notebook(self) -> str | None:
        return (
            self.notebook
            or os.environ.get("FORGELAB_NOTEBOOK")
            or self.shell.user_ns.get("__session__")
            or os.environ.get("JPY_SESSION_NAME")
        )

    # -- the two hooks -------------------------------------------------------------------
    def _called_closure(self, names: set[str]) -> set[str]:
        """Functions among ``names`` and the functions their bodies use, transitively."""
        seen: set[str] = set()
        todo = [n for n in names if n in self.functions]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            todo.extend(n for n in self.functions[name][0] if n in self.functions)
        return seen

    def _stateful_uses(self, analysis: CellAnalysis | None, called: set[str]) -> set[str]:
        """Names of stateful modules (pyplot) the cell calls through, or its functions use."""
        if analysis is None:
            return set()
        names = set(analysis.candidates)
        for fn in called:
            names |= self.functions[fn][0]
        ns = self.shell.user_ns
        return {
            n
            for n in names
            if isinstance(ns.get(n), types.ModuleType) and ns[n].__name__ in STATEFUL_MODULES
        }

    def _fingerprint_before(self, name: str, value: Any) -> tuple[Any, ...] | None:
        """The fingerprint of ``value`` before a cell: the one taken after the last cell that
        touched it when nothing has rebound or changed it since (no cell ran in between)."""
        cached = self._prints.get(name)
        if cached is not None and cached[0] == id(value):
            return cached
        return fingerprint(value)

    def pre_run_cell(self, info: Any) -> None:
        start = time.perf_counter()
        if self._autoreload is not None:
            self._autoreload()
        raw = info.raw_cell or ""
        # A shell with transformers of its own (an extension's) always goes through them.
        code = None if self.shell.input_transformers_post else already_python(raw)
        if code is None:
            try:
                code = self.shell.transform_cell(raw)
            except Exception:  # noqa: BLE001 - keep the raw text; the analysis will fail cleanly
                code = raw
        code = plain_python(code).code  # %time y = f(x) reads f and x
        try:
            analysis: CellAnalysis | None = analyze(code)
        except (SyntaxError, ValueError):
            analysis = None
        ns = self.shell.user_ns
        baseline = self._baseline
        ids = {
            k: id(v)
            for k, v in ns.items()
            if not internal(k) and not (baseline.get(k) == id(v) and k not in self.versions)
        }
        called: set[str] = set()
        reads: dict[str, int] = {}
        prints: dict[str, Any] = {}
        if analysis is not None:
            names = set(analysis.reads) | set(analysis.candidates) | set(analysis.mutated)
            called = self._called_closure(names)
            used = set(analysis.reads)
            maybe = set(analysis.candidates)
            for fn in called:
                used |= self.functions[fn][0]
                maybe |= self.functions[fn][0]
            reads = {n: self.versions.get(n, 0) for n in used | set(analysis.mutated) if n in ids}
            for name in maybe - set(analysis.mutated):
                value = ns.get(name)
                if name in ids and not isinstance(value, types.ModuleType):
                    prints[name] = self._fingerprint_before(name, value)
        stateful = {n for n in self._stateful_uses(analysis, called) if _holds_state(ns[n])}
        watch = FileWatch()
        self._pending = _Pending(
            started=now(),
            code=raw,
            analysis=analysis,
            cell_id=getattr(info, "cell_id", None) or self._next_cell_id,
            reads=reads,
            ids=ids,
            prints=prints,
            called=called,
            stateful=stateful,
            watch=watch,
            cost=time.perf_counter() - start,
        )
        self._next_cell_id = None
        watch.start()

    def post_run_cell(self, result: Any) -> None:
        pending, self._pending = self._pending, None
        if pending is None:  # the cell that loaded the recorder
            return
        pending.watch.stop()
        start = time.perf_counter()
        ns = self.shell.user_ns
        analysis = pending.analysis
        baseline = self._baseline
        after = {
            k: id(v)
            for k, v in ns.items()
            if not internal(k) and not (baseline.get(k) == id(v) and k not in self.versions)
        }
        writes: set[str] = {n for n, i in after.items() if pending.ids.get(n) != i}
        in_place: set[str] = set()
        fresh: dict[str, tuple[Any, ...]] = {}
        if analysis is not None:
            writes |= {n for n in analysis.stores if n in after}
            in_place |= {n for n in analysis.mutated if n in after}
            for name, before in pending.prints.items():
                if name not in after:
                    continue
                same = after[name] == pending.ids.get(name)
                now_print = fingerprint(ns[name]) if same else None
                if now_print is not None:
                    fresh[name] = now_print
                if before is None or now_print != before:
                    in_place.add(name)
            rng = set(analysis.rng)
            for fn in pending.called:
                rng |= self.functions[fn][2]
            writes |= {n for n in rng if isinstance(ns.get(n), types.ModuleType)}
            writes |= {
                n
                for n in self._stateful_uses(analysis, pending.called)
                if n in pending.stateful or _holds_state(ns[n])
            }
            if analysis.seeds:
                # Seeding helpers (keras.utils.set_random_seed) seed other libraries' generators.
                writes |= {
                    n
                    for n, v in ns.items()
                    if isinstance(v, types.ModuleType)
                    and v.__name__.split(".")[0] in RNG_MODULES
                    and n in after
                }
            # A name bound here and then changed in place may alias an older object (ys = xs;
            # ys.append(1)): count it as changed so that the alias scan below finds xs.
            for name in (analysis.candidates | analysis.mutated) & writes:
                if name not in pending.prints and not isinstance(
                    ns.get(name), (types.ModuleType, types.FunctionType, type)
                ):
                    in_place.add(name)
        in_place = {n for n in in_place if not immutable(ns[n])}
        if in_place:
            changed = {after[n] for n in in_place}
            in_place |= {n for n, i in after.items() if i in changed}
            in_place |= sharing(in_place, ns, after)
            for name in in_place:
                # Changed in place: the new version is made from the old one.
                if pending.ids.get(name) == after[name] and name not in pending.reads:
                    pending.reads[name] = self.versions.get(name, 0)
        writes |= in_place
        self._remember(fresh, writes)
        deleted = sorted(n for n in pending.ids if n not in after)
        for name in deleted:
            self.functions.pop(name, None)
        # Written objects that share state with other live ones (a figure and its Axes, a model
        # and its optimizer): reify must not ship them to one reader as separate copies.
        shares = shared_state(writes, ns, after)
        write_list = []
        for name in sorted(writes):
            self.versions[name] = self.versions.get(name, 0) + 1
            write: dict[str, Any] = {
                "name": name,
                "version": self.versions[name],
                "type": type_label(ns[name]),
            }
            if name in shares:
                write["sharesWith"] = shares[name]
            write_list.append(write)
            if analysis is not None and name in analysis.definitions and name not in in_place:
                self.functions[name] = (
                    analysis.free_names.get(name, frozenset()),
                    analysis.global_stores.get(name, frozenset()),
                    analysis.free_rng.get(name, frozenset()),
                )
            elif name in self.functions and name not in in_place:
                del self.functions[name]
        error = getattr(result, "error_in_exec", None) or getattr(result, "error_before_exec", None)
        status = "ok"
        if isinstance(error, KeyboardInterrupt):
            status = "interrupted"
        elif error is not None:
            status = "error"
        self.sequence += 1
        watch = pending.watch
        files_read = [
            {"path": p, "hash": file_hash(p)} for p in watch.read if p not in watch.written
        ]
        files_read += [{"path": network_path(a), "hash": None} for a in watch.network]
        record: dict[str, Any] = {
            "format": "forgelab.provenance",
            "version": 1,
            "id": record_id(self.session, self.sequence),
            "kind": "cell",
            "session": self.session,
            "cellId": pending.cell_id,
            "executionCount": getattr(result, "execution_count", None),
            "code": pending.code,
            "startedAt": pending.started,
            "endedAt": now(),
            "status": status,
            "reads": [
                {"name": n, "version": v, "type": type_label(ns[n]) if n in ns else "deleted"}
                for n, v in sorted(pending.reads.items())
            ],
            "writes": write_list,
            "imports": list(analysis.imports) if analysis else [],
            "definitions": list(analysis.definitions) if analysis else [],
            "filesRead": files_read,
            "filesWritten": [{"path": p, "hash": None} for p in watch.written],
        }
        for name in deleted:
            # A deletion is a write of "nothing": the version moves on, the type says so.
            self.versions[name] = self.versions.get(name, 0) + 1
            record["writes"].append(
                {"name": name, "version": self.versions[name], "type": "deleted"}
            )
        notebook = self._notebook()
        if notebook:
            record["notebook"] = str(notebook)
        if self.writer is not None:
            self.writer.put(record)
        self.last = record
        self.overhead_ms.append((pending.cost + time.perf_counter() - start) * 1000)

    def _remember(self, fresh: dict[str, tuple[Any, ...]], writes: set[str]) -> None:
        """Keep the fingerprints just taken; forget those of names the cell wrote otherwise (an
        alias or a view changed them, or they were rebound) or deleted."""
        ns = self.shell.user_ns
        for name in writes - fresh.keys():
            self._prints.pop(name, None)
        for name in [n for n in self._prints if n not in ns]:
            del self._prints[name]
        self._prints.update(fresh)

    # -- widget edits --------------------------------------------------------------------
    def record_widget(
        self, model_id: str, name: str, value: Any, code: str | None = None
    ) -> dict[str, Any]:
        """Record a widget edit made in the front end as code that would do the same."""
        ns = self.shell.user_ns
        owners = sorted(
            n
            for n, v in ns.items()
            if not internal(n)
            and not isinstance(v, type)
            and getattr(v, "model_id", None) == model_id
        )
        if not owners and code is None:
            raise LookupError(
                f"no variable of the notebook holds widget {model_id!r}; pass the code to record"
            )
        code = code or f"{owners[0]}.{name} = {value!r}"
        self.sequence += 1
        writes = []
        for owner in owners:
            self._prints.pop(owner, None)
            self.versions[owner] = self.versions.get(owner, 0) + 1
            writes.append(
                {"name": owner, "version": self.versions[owner], "type": type_label(ns[owner])}
            )
        stamp = now()
        record = {
            "format": "forgelab.provenance",
            "version": 1,
            "id": record_id(self.session, self.sequence),
            "kind": "widget",
            "session": self.session,
            "code": code,
            "startedAt": stamp,
            "endedAt": stamp,
            "status": "ok",
            "reads": [{"name": o, "version": self.versions[o] - 1} for o in owners],
            "writes": writes,
        }
        if self._notebook():
            record["notebook"] = str(self._notebook())
        if self.writer is not None:
            self.writer.put(record)
        return record

    def variables(self) -> list[dict[str, Any]]:
        """Live variables with their current version and type."""
        ns = self.shell.user_ns
        return [
            {"name": n, "version": v, "type": type_label(ns[n])}
            for n, v in sorted(self.versions.items())
            if n in ns
        ]

    def flush(self) -> dict[str, Any]:
        errors = self.writer.flush() if self.writer is not None else []
        return {
            "session": self.session,
            "records": self.sequence,
            "errors": [*errors, *self.failures],
        }


_RECORDERS: dict[int, Recorder] = {}


def current() -> Recorder | None:
    """The recorder of this kernel (the most recently loaded one)."""
    return next(reversed(_RECORDERS.values()), None)


def load(ipython: Any) -> Recorder:
    """Start recording in ``ipython`` (called by ``%load_ext forgelab``)."""
    if id(ipython) in _RECORDERS:
        return _RECORDERS[id(ipython)]
    recorder = Recorder(ipython, writer=RecordWriter(store_url()))
    recorder.register()
    _RECORDERS[id(ipython)] = recorder
    _register_requests()
    return recorder


def unload(ipython: Any) -> None:
    recorder = _RECORDERS.pop(id(ipython), None)
    if recorder is not None:
        recorder.unregister()
        if recorder.writer is not None:
            recorder.writer.close()


def _need() -> Recorder:
    recorder = current()
    if recorder is None:
        raise RuntimeError("provenance recording is off in this kernel: run %load_ext forgelab")
    return recorder


def _register_requests() -> None:
    from .comm import register

    def context(request: dict[str, Any]) -> dict[str, Any]:
        recorder = _need()
        recorder.set_context(request.get("notebook"), request.get("cellId"))
        return {"session": recorder.session, "notebook": recorder._notebook()}

    def widget(request: dict[str, Any]) -> dict[str, Any]:
        for key in ("model_id", "name"):
            if not request.get(key):
                raise ValueError(f"provenance.widget needs {key!r}")
        return _need().record_widget(
            request["model_id"], request["name"], request.get("value"), request.get("code")
        )

    register("provenance.context", context)
    register("provenance.widget", widget)
    register("provenance.variables", lambda _r: {"variables": _need().variables()})
    register("provenance.flush", lambda _r: _need().flush())
