"""Mutation testing of one module: do the tests notice when a rule is changed?

Each mutant changes one thing in the module's source — a comparison (``<`` ↔ ``<=``, ``>`` ↔
``>=``, ``==`` ↔ ``!=``), a numeric constant (``0.95`` → ``0.96``, ``2025`` → ``2026``), ``and`` ↔
``or``, ``+`` ↔ ``-`` — and the given tests run against a copy of the package holding that one
change. A mutant the tests do not fail on "survived": a rule nothing checks. This is a measurement,
not a test (nothing fails); it takes minutes.

Run (from the repository root)::

    .venv/bin/python benchmarks/mutation.py huainan/measures/progress.py \\
        tests/test_progress.py tests/test_evaluation.py tests/test_progress_13th.py

Prints the score (killed / mutants) and every surviving mutant with its line.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_COMPARE_SWAP = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
}
_BINOP_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add}


def _docstring_nodes(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.add(id(value))
    return found


def mutants(source: str) -> list[tuple[int, str, str]]:
    """Every single-point mutant of ``source``: (line, description, mutated source)."""
    tree = ast.parse(source)
    skip = _docstring_nodes(tree)
    sites = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in _COMPARE_SWAP:
                    sites.append((node, "cmp", i))
        elif isinstance(node, ast.BoolOp):
            sites.append((node, "bool", 0))
        elif isinstance(node, ast.BinOp) and type(node.op) in _BINOP_SWAP:
            sites.append((node, "binop", 0))
        elif (
            isinstance(node, ast.Constant)
            and id(node) not in skip
            and isinstance(node.value, int | float)
            and not isinstance(node.value, bool)
        ):
            sites.append((node, "const", 0))
    out = []
    for k, (_node, kind, i) in enumerate(sites):  # noqa: B007
        tree2 = ast.parse(source)
        # the same walk order gives the same node in the fresh tree
        node2 = _nth_site(tree2, k)
        if node2 is None:
            continue
        if kind == "cmp":
            old = type(node2.ops[i])
            node2.ops[i] = _COMPARE_SWAP[old]()
            what = f"{old.__name__} → {_COMPARE_SWAP[old].__name__}"
        elif kind == "bool":
            old = type(node2.op)
            node2.op = ast.Or() if old is ast.And else ast.And()
            what = f"{old.__name__} → {'Or' if old is ast.And else 'And'}"
        elif kind == "binop":
            old = type(node2.op)
            node2.op = _BINOP_SWAP[old]()
            what = f"{old.__name__} → {_BINOP_SWAP[old].__name__}"
        else:
            v = node2.value
            new = v + 1 if isinstance(v, int) else (v + 0.01 if abs(v) < 10 else v * 1.01)
            node2.value = new
            what = f"constant {v!r} → {new!r}"
        out.append((node2.lineno, what, ast.unparse(tree2)))
    return out


def _nth_site(tree: ast.AST, k: int):
    skip = _docstring_nodes(tree)
    n = -1
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for op in node.ops:
                if type(op) in _COMPARE_SWAP:
                    n += 1
                    if n == k:
                        return node
        elif isinstance(node, ast.BoolOp) or (
            isinstance(node, ast.BinOp) and type(node.op) in _BINOP_SWAP
        ):
            n += 1
            if n == k:
                return node
        elif (
            isinstance(node, ast.Constant)
            and id(node) not in skip
            and isinstance(node.value, int | float)
            and not isinstance(node.value, bool)
        ):
            n += 1
            if n == k:
                return node
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", help="the module to mutate, e.g. huainan/measures/progress.py")
    parser.add_argument("tests", nargs="+", help="test files (or node ids) that should kill them")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per mutant")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout to test (default: this)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    module = Path(args.module)
    source = (root / module).read_text(encoding="utf-8")
    found = mutants(source)
    work = Path(tempfile.mkdtemp(prefix="huainan-mutants-"))
    try:
        for part in ("huainan", "tests", "data", "notebooks", "parameters", "pyproject.toml"):
            src = root / part
            if src.is_dir():
                shutil.copytree(src, work / part, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(src, work / part)
        env = {**os.environ, "PYTHONPATH": str(work), "HUAINAN_DATA_DIR": str(work / "data")}
        cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "--no-header"]
        cmd += [str(work / module), *[str(work / t) for t in args.tests]]
        base = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True)
        if base.returncode != 0:
            print("the tests fail without any mutant:\n" + base.stdout[-2000:])
            return 1
        survived, start = [], time.perf_counter()
        for line, what, mutated in found:
            (work / module).write_text(mutated, encoding="utf-8")
            try:
                r = subprocess.run(
                    cmd, cwd=work, env=env, capture_output=True, text=True, timeout=args.timeout
                )
                killed = r.returncode != 0
            except subprocess.TimeoutExpired:
                killed = True  # a hang is noticed too
            if not killed:
                survived.append((line, what))
        (work / module).write_text(source, encoding="utf-8")
        n = len(found)
        print(
            f"{module}: {n - len(survived)} of {n} mutants killed "
            f"({100 * (n - len(survived)) / max(n, 1):.1f} %), {time.perf_counter() - start:.0f} s"
        )
        for line, what in sorted(survived):
            print(f"  survived: line {line}: {what}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
