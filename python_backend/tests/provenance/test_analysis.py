"""The syntax analysis of a cell: reads, stores, mutation candidates, definitions."""

from __future__ import annotations

import pytest
from forgelab.kernel.analysis import analyze


def test_reads_are_names_used_before_the_cell_binds_them() -> None:
    a = analyze("y = x + 1\nz = y * w")
    assert a.reads == {"x", "w"}
    assert a.stores == {"y", "z"}


def test_reassignment_of_a_name_read_first_is_a_read_and_a_store() -> None:
    a = analyze("x = x + 1")
    assert "x" in a.reads and "x" in a.stores


def test_augmented_assignment_reads_rebinds_and_mutates() -> None:
    a = analyze("total += 1\narr[0] += 2")
    assert {"total", "arr"} <= a.reads
    assert "total" in a.stores
    assert {"total", "arr"} <= a.mutated


@pytest.mark.parametrize(
    ("code", "mutated", "candidates"),
    [
        ("xs.append(1)", set(), {"xs"}),
        ("df.dropna(inplace=True)", set(), {"df"}),
        ("model.fit(x, y)", set(), {"model", "x", "y"}),
        ("d['k'] = 1", {"d"}, set()),
        ("obj.attr = 2", {"obj"}, set()),
        ("cfg.a.b[0] = 3", {"cfg"}, set()),
        ("del d['k']", {"d"}, set()),
        ("random.shuffle(items)", set(), {"random", "items"}),
    ],
)
def test_mutation_through_methods_stores_and_calls(
    code: str, mutated: set[str], candidates: set[str]
) -> None:
    a = analyze(code)
    assert a.mutated == mutated
    assert a.candidates == candidates


def test_delete_is_recorded() -> None:
    a = analyze("del old")
    assert a.deletes == {"old"}


def test_deletes_inside_blocks_and_function_bodies_count_too() -> None:
    a = analyze("if x:\n    del a, b[0]\ndef f():\n    def g():\n        del c\n")
    assert a.deletes == {"a", "c"}


def test_each_statement_lists_the_names_it_binds() -> None:
    a = analyze("import numpy as np, os.path\nx = y = 1\nprint(x)\ndef f():\n    z = 1\n")
    assert a.statement_stores == ({"np", "os"}, {"x", "y"}, set(), {"f"})


def test_function_bodies_resolve_free_names_to_globals_when_called() -> None:
    a = analyze("def f(a):\n    local = 2\n    return a + scale + helper(local)\n")
    assert a.reads == set()
    assert a.definitions == ("f",)
    assert a.free_names["f"] == {"scale", "helper"}


def test_nested_functions_and_class_methods_report_their_globals() -> None:
    a = analyze(
        "class Scaler:\n"
        "    factor = base\n"
        "    def apply(self, v):\n"
        "        def inner():\n"
        "            return np.random.rand(1) * k\n"
        "        return v * self.factor + inner()\n"
    )
    assert a.free_names["Scaler"] == {"base", "np", "k"}
    assert a.free_rng["Scaler"] == {"np"}


def test_global_statement_in_a_function_is_a_deferred_store() -> None:
    a = analyze("def bump():\n    global counter\n    counter = counter + 1\n")
    assert a.global_stores["bump"] == {"counter"}


def test_comprehensions_and_lambdas_read_globals_but_not_their_own_variables() -> None:
    a = analyze("ys = [x * k for x in xs if x > lo]\nf = lambda v: v + shift")
    assert a.reads == {"k", "xs", "lo", "shift"}
    assert "x" not in a.stores


def test_imports_and_random_generator_calls() -> None:
    a = analyze("import numpy as np\nfrom os import path\nnp.random.seed(0)")
    assert a.imports == ("numpy", "os")
    assert {"np", "path"} <= a.stores
    assert a.rng == {"np"}
    assert not a.network


def test_network_modules_are_flagged() -> None:
    assert analyze("import urllib.request").network
    assert analyze("import requests").network


def test_a_syntax_error_is_raised() -> None:
    with pytest.raises(SyntaxError):
        analyze("x = (")


@pytest.mark.parametrize(
    ("cell", "fast"),
    [
        ("x = 1", True),
        ("def f(a):\n    return a / 2\n", True),
        ("s = '''a\nb'''", True),
        ("print('a;b')", True),
        ("%time y = f(x)", False),
        ("files = !ls", False),
        ("f?", False),
        ("  x = 1\n  y = 2", False),
        ("\nx = 1", False),
        (">>> x = 1", False),
        ("/print 1", False),
    ],
)
def test_cells_without_ipython_syntax_skip_the_transformer_and_come_out_the_same(
    cell: str, fast: bool
) -> None:
    from forgelab.kernel.magics import already_python
    from IPython.core.inputtransformer2 import TransformerManager

    plain = already_python(cell)
    assert (plain is not None) is fast
    if plain is not None:
        assert plain == TransformerManager().transform_cell(cell)
