"""Issue 12's limits on the code's shape: no module above 600 lines, no function above
cyclomatic complexity 25 or 80 lines. Complexity is counted as radon and mccabe count it:
one, plus one per branch (if, loop, comprehension, except, with, assert, conditional
expression, match case) and per extra operand of `and`/`or`."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PIPELINE = Path(__file__).resolve().parents[1] / "pipeline"
MAX_MODULE_LINES = 600
MAX_COMPLEXITY = 25
MAX_FUNCTION_LINES = 80

_BRANCHES = (ast.If, ast.For, ast.While, ast.IfExp, ast.ExceptHandler, ast.With, ast.AsyncFor,
             ast.comprehension, ast.Assert, ast.match_case)


def complexity(fn: ast.AST) -> int:
    n = 1
    for node in ast.walk(fn):
        if isinstance(node, _BRANCHES):
            n += 1
        elif isinstance(node, ast.BoolOp):
            n += len(node.values) - 1
    return n


def functions(tree: ast.AST):
    return [f for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))]


MODULES = sorted(PIPELINE.rglob("*.py"))


def test_complexity_counts_branches():
    fn = ast.parse("def f(a, b):\n    if a and b:\n        return [x for x in a if x]\n    return 0\n")
    assert complexity(functions(fn)[0]) == 4      # 1 + if + and + comprehension


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PIPELINE)))
def test_module_within_limits(path):
    src = path.read_text(encoding="utf-8")
    assert len(src.splitlines()) <= MAX_MODULE_LINES
    over = [(f.name, complexity(f), f.end_lineno - f.lineno + 1) for f in functions(ast.parse(src))
            if complexity(f) > MAX_COMPLEXITY or f.end_lineno - f.lineno + 1 > MAX_FUNCTION_LINES]
    assert over == []
