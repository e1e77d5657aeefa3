"""Static analysis of one cell: which global names it reads, binds, deletes and may mutate.

The analysis is syntactic and deliberately conservative: a name that *might* be read counts as a
read, a name whose object *might* change counts as a mutation candidate (the recorder then compares
fingerprints before and after the cell to decide). Names used inside functions, lambdas and
comprehensions resolve to globals unless the scope binds them itself; for a function or class
defined at top level, the globals its body uses are kept apart (:attr:`CellAnalysis.free_names`),
because they are read when the function is *called*, in a later cell.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import lru_cache

#: Words in a call's attribute chain that mean "this call uses or changes a random generator's
#: hidden state" (``np.random.seed(0)``, ``random.shuffle(xs)``, ``torch.manual_seed(1)``).
RNG_WORDS = frozenset(
    {"random", "seed", "manual_seed", "set_seed", "set_random_seed", "rand", "randn", "randint"}
)

#: Call names that seed generators, possibly of several libraries at once.
SEED_WORDS = frozenset({"seed", "manual_seed", "set_seed", "set_random_seed"})

#: Top-level packages holding a global random generator that seeding helpers may reset.
RNG_MODULES = frozenset({"numpy", "random", "torch", "keras", "tensorflow", "jax", "sklearn"})

#: Modules whose functions act on hidden module state, as a random generator's do: pyplot draws on
#: its *current* figure and axes, so ``plt.hist(...)`` in one cell and ``plt.gcf()`` in the next
#: are a writer and a reader of ``plt``.
STATEFUL_MODULES = frozenset({"matplotlib.pyplot"})

#: Modules whose use means data comes from the network (a value built from it cannot be reified).
NETWORK_MODULES = frozenset(
    {"urllib", "urllib3", "requests", "httpx", "http", "socket", "aiohttp", "ftplib"}
)


@dataclass(frozen=True)
class CellAnalysis:
    """What a cell's code does to the global namespace, as far as its syntax shows."""

    reads: frozenset[str]
    """Global names the cell may read before binding them itself."""
    stores: frozenset[str]
    """Global names the cell binds (assignment, import, def, class, for/with targets...)."""
    deletes: frozenset[str]
    """Global names the cell deletes with ``del``."""
    mutated: frozenset[str]
    """Names whose object the cell certainly changes (``d[k] = v``, ``obj.a = v``, ``xs += ys``)."""
    candidates: frozenset[str]
    """Names whose object the cell may change (method receivers, call arguments)."""
    rng: frozenset[str]
    """Module names used through a random-generator call (their hidden state changes)."""
    seeds: frozenset[str]
    """Names through which the cell calls a seeding function (``np.random.seed(0)``)."""
    imports: tuple[str, ...]
    """Modules imported (dotted names as written)."""
    definitions: tuple[str, ...]
    """Functions and classes defined at top level."""
    free_names: dict[str, frozenset[str]] = field(default_factory=dict)
    """For each top-level function or class: the global names its body uses when called."""
    global_stores: dict[str, frozenset[str]] = field(default_factory=dict)
    """For each top-level function: the globals it rebinds (``global x``) when called."""
    free_rng: dict[str, frozenset[str]] = field(default_factory=dict)
    """For each top-level function or class: modules it uses through random-generator calls."""
    network: bool = False
    """Whether the cell imports a network module."""
    statement_stores: tuple[frozenset[str], ...] = ()
    """For each top-level statement: the names it binds (:func:`stores_of` of it)."""


def _base_name(node: ast.AST) -> str | None:
    """``xs`` for ``xs``, ``xs[0]``, ``xs.a.b``, ``xs.a[0].b``; None for anything else."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _attribute_chain(node: ast.AST) -> list[str]:
    chain: list[str] = []
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        if isinstance(node, ast.Attribute):
            chain.append(node.attr)
        node = node.func if isinstance(node, ast.Call) else node.value
    return chain


def _target_names(target: ast.AST) -> set[str]:
    """Names bound by an assignment target (tuples and starred unpacked)."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, (ast.Tuple, ast.List)):
        return set().union(*(_target_names(e) for e in target.elts)) if target.elts else set()
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return set()


#: Nodes with nothing inside and no ``visit_`` method of :class:`_Scope`: ``Load``, ``Add``...
_LEAVES = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


class _Scope(ast.NodeVisitor):
    """Collects loads, bindings and mutation candidates of one scope and its nested scopes."""

    def generic_visit(self, node: ast.AST) -> None:
        """:meth:`ast.NodeVisitor.generic_visit` without visiting leaves that hold nothing (a
        cell has one ``Load`` or ``Store`` per name: a third of its nodes)."""
        for field_name in node._fields:
            value = getattr(node, field_name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST) and not isinstance(item, _LEAVES):
                        self.visit(item)
            elif isinstance(value, ast.AST) and not isinstance(value, _LEAVES):
                self.visit(value)

    def __init__(self) -> None:
        self.loads: set[str] = set()
        self.bound: set[str] = set()
        self.globals: set[str] = set()
        self.mutated: set[str] = set()
        self.candidates: set[str] = set()
        self.rng: set[str] = set()
        self.seeds: set[str] = set()
        self.imports: list[str] = []
        self.deletes: set[str] = set()
        self.deferred: dict[str, set[str]] = {}
        self.deferred_globals: dict[str, set[str]] = {}
        self.deferred_rng: dict[str, set[str]] = {}
        self._last_global_stores: set[str] = set()

    # bindings ---------------------------------------------------------------------------
    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.loads.add(node.id)
        else:
            self.bound.add(node.id)

    def visit_Global(self, node: ast.Global) -> None:
        self.globals.update(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.loads.update(node.names)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.imports.append(alias.name)
            self.bound.add(alias.asname or alias.name.split(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module:
            self.imports.append(node.module)
        for alias in node.names:
            if alias.name != "*":
                self.bound.add(alias.asname or alias.name)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.bound.add(node.name)
        self.generic_visit(node)

    # mutation ---------------------------------------------------------------------------
    def _store_through(self, target: ast.AST) -> None:
        if isinstance(target, (ast.Attribute, ast.Subscript)):
            base = _base_name(target)
            if base:
                self.mutated.add(base)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._store_through(element)
        elif isinstance(target, ast.Starred):
            self._store_through(target.value)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._store_through(target)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._store_through(node.target)
        if isinstance(node.target, ast.Name):
            # ``xs += ys`` reads xs, rebinds it, and changes a mutable object in place.
            self.loads.add(node.target.id)
            self.bound.add(node.target.id)
            self.mutated.add(node.target.id)
        self.visit(node.value)
        if not isinstance(node.target, ast.Name):
            self.visit(node.target)

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._store_through(target)
            self.deletes |= _target_names(target)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Attribute):
            base = _base_name(node.func)
            if base:
                self.candidates.add(base)
                chain = set(_attribute_chain(node.func))
                if RNG_WORDS & chain:
                    self.rng.add(base)
                if SEED_WORDS & chain:
                    self.seeds.add(base)
        elif isinstance(node.func, ast.Name) and node.func.id in RNG_WORDS:
            self.rng.add(node.func.id)
            if node.func.id in SEED_WORDS:
                self.seeds.add(node.func.id)
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            inner = arg.value if isinstance(arg, ast.Starred) else arg
            base = _base_name(inner)
            if base:
                self.candidates.add(base)
        self.generic_visit(node)

    # nested scopes ----------------------------------------------------------------------
    def _nested(self, node: ast.AST, params: ast.arguments | None, body: list[ast.AST]) -> set[str]:
        """Visit a nested scope; returns the names it uses from the enclosing scopes."""
        inner = _Scope()
        if params is not None:
            for arg in [*params.posonlyargs, *params.args, *params.kwonlyargs]:
                inner.bound.add(arg.arg)
            for arg in (params.vararg, params.kwarg):
                if arg is not None:
                    inner.bound.add(arg.arg)
        for statement in body:
            inner.visit(statement)
        # Functions defined inside run with the enclosing one: their free names are its own.
        for names in inner.deferred.values():
            inner.loads |= names
        for names in inner.deferred_rng.values():
            inner.rng |= names
        local = inner.bound - inner.globals
        free = (inner.loads | inner.candidates | inner.mutated) - local
        self.imports.extend(inner.imports)
        self.deletes |= inner.deletes
        self.rng.update(inner.rng - local)
        self.mutated.update(inner.mutated - local)
        self.candidates.update(inner.candidates - local)
        self.globals.update(inner.globals)
        self._last_global_stores = inner.bound & inner.globals
        return free

    def _defaults(self, params: ast.arguments) -> None:
        for default in [*params.defaults, *(d for d in params.kw_defaults if d is not None)]:
            self.visit(default)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        self._defaults(node.args)
        before = (set(self.mutated), set(self.candidates), set(self.rng))
        free = self._nested(node, node.args, list(node.body))
        self.deferred_rng[node.name] = self.rng - before[2]
        # Mutations inside a function happen when it is called, not now.
        self.mutated, self.candidates, self.rng = before
        self.deferred[node.name] = free
        self.deferred_globals[node.name] = self._last_global_stores
        self.bound.add(node.name)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for expr in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            self.visit(expr)
        before = (set(self.mutated), set(self.candidates), set(self.rng))
        free = set()
        for statement in node.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._defaults(statement.args)
                free |= self._nested(statement, statement.args, list(statement.body))
            else:
                free |= self._nested(statement, None, [statement])
        self.deferred_rng[node.name] = self.rng - before[2]
        self.mutated, self.candidates, self.rng = before
        self.deferred[node.name] = free
        self.deferred_globals[node.name] = set()
        self.bound.add(node.name)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._defaults(node.args)
        self.loads.update(self._nested(node, node.args, [node.body]))

    def _comprehension(self, node: ast.AST, elements: list[ast.AST]) -> None:
        generators: list[ast.comprehension] = node.generators  # type: ignore[attr-defined]
        # The first iterable is evaluated in the enclosing scope.
        self.visit(generators[0].iter)
        inner = _Scope()
        for index, generator in enumerate(generators):
            inner.visit(generator.target)
            if index:
                inner.visit(generator.iter)
            for condition in generator.ifs:
                inner.visit(condition)
        for element in elements:
            inner.visit(element)
        local = inner.bound
        self.loads.update(inner.loads - local)
        self.mutated.update(inner.mutated - local)
        self.candidates.update(inner.candidates - local)
        self.rng.update(inner.rng - local)
        # A walrus inside a comprehension binds in the enclosing scope.
        self.bound.update(
            n.target.id
            for n in ast.walk(node)
            if isinstance(n, ast.NamedExpr) and isinstance(n.target, ast.Name)
        )

    def visit_ListComp(self, node: ast.ListComp) -> None:
        self._comprehension(node, [node.elt])

    visit_SetComp = visit_ListComp  # type: ignore[assignment]
    visit_GeneratorExp = visit_ListComp  # type: ignore[assignment]

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self._comprehension(node, [node.key, node.value])


#: The sets of :class:`_Scope` that add up over a cell's statements.
_TOTALS = ("loads", "bound", "mutated", "candidates", "rng", "seeds", "globals", "deletes")

#: Statements whose bindings happen on every run of the cell (others may be skipped).
_UNCONDITIONAL = (
    ast.Assign,
    ast.AnnAssign,
    ast.AugAssign,
    ast.Import,
    ast.ImportFrom,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Expr,
)


@lru_cache(maxsize=1024)
def analyze(code: str) -> CellAnalysis:
    """Analyse Python ``code`` (a cell after IPython's transformation; magics become calls).

    Raises :class:`SyntaxError` when the code does not parse.
    """
    return analyze_tree(ast.parse(code))


def stores_of(statement: ast.stmt) -> frozenset[str]:
    """The names one statement binds: ``analyze(ast.unparse(statement)).stores`` without
    writing the statement out and parsing it again (reify asks this of every statement)."""
    scope = _Scope()
    scope.visit(statement)
    return frozenset(scope.bound)


def analyze_tree(tree: ast.Module) -> CellAnalysis:
    """:func:`analyze` of code already parsed (the tree is not changed)."""
    reads: set[str] = set()
    bound_so_far: set[str] = set()
    total = _Scope()
    statement_stores: list[frozenset[str]] = []
    for statement in tree.body:
        scope = _Scope()
        scope.visit(statement)
        statement_stores.append(frozenset(scope.bound))
        # A name read before this statement binds it comes from an earlier cell.
        reads |= scope.loads - bound_so_far
        if isinstance(statement, _UNCONDITIONAL):
            bound_so_far |= scope.bound
        for name in _TOTALS:
            getattr(total, name).update(getattr(scope, name))
        total.imports.extend(scope.imports)
        total.deferred.update(scope.deferred)
        total.deferred_globals.update(scope.deferred_globals)
        total.deferred_rng.update(scope.deferred_rng)
    definitions = tuple(
        s.name
        for s in tree.body
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    )
    imports = tuple(dict.fromkeys(total.imports))
    network = any(m.split(".")[0] in NETWORK_MODULES for m in imports)
    return CellAnalysis(
        reads=frozenset(reads),
        stores=frozenset(total.bound),
        deletes=frozenset(total.deletes),
        mutated=frozenset(total.mutated),
        candidates=frozenset(total.candidates),
        rng=frozenset(total.rng),
        seeds=frozenset(total.seeds),
        imports=imports,
        definitions=definitions,
        free_names={k: frozenset(v) for k, v in total.deferred.items()},
        global_stores={k: frozenset(v) for k, v in total.deferred_globals.items()},
        free_rng={k: frozenset(v) for k, v in total.deferred_rng.items()},
        network=network,
        statement_stores=tuple(statement_stores),
    )
