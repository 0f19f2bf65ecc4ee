"""The package's layers point one way (ARCHITECTURE.md): no import upwards, no cycle, no giant
module, no over-complex or over-long function."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "huainan"
#: Lower index = lower layer. Support modules may be imported by every layer.
LAYERS = ("plan", "evidence", "intake", "measures", "briefs", "apps", "cli")
SUPPORT = ("errors", "paths", "atomic", "text", "formats")
#: No module above ~900 lines (issue 9) …
MAX_LINES = 900
#: … except these, each with its reason ("layer/module.py": "why"); none today.
LONG_MODULES: dict[str, str] = {}
#: No function above McCabe complexity 25 (ruff's C901, the mccabe algorithm) …
MAX_COMPLEXITY = 25
#: … except these, each with its reason ("layer/module.py:function": "why"); none today.
COMPLEX_FUNCTIONS: dict[str, str] = {}
#: No function body above ~80 lines (issue 9; counted from the first statement after the
#: docstring to the function's last line) …
MAX_FUNCTION_LINES = 80
#: … except these, each with its reason ("layer/module.py:function", methods as
#: "Class.method"; the same reason as the comment above the ``def``); none today.
LONG_FUNCTIONS: dict[str, str] = {}


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None  # the package itself
    top = parts[1]
    if top in SUPPORT:
        return "support"
    return top if top in LAYERS else None


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("huainan"):
            if node.module == "huainan":
                found |= {f"huainan.{a.name}" for a in node.names}
            else:
                found.add(node.module)
                found |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("huainan")}
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        graph[name] = {m for m in _imports(path) if m in modules and m != name}
    return graph


def test_every_module_belongs_to_a_layer():
    stray = [m for m in _graph() if m != "huainan" and _layer(m) is None]
    assert stray == [], f"modules outside the layers of ARCHITECTURE.md: {stray}"


def test_no_layer_imports_a_higher_one():
    order = {name: i for i, name in enumerate(LAYERS)}
    upward = []
    for module, targets in _graph().items():
        here = _layer(module)
        if here in (None, "support"):
            # support modules import nothing of the layers
            upward += [(module, t) for t in targets if _layer(t) not in ("support", None)]
            continue
        for t in targets:
            there = _layer(t)
            if there in order and order[there] > order[here]:
                upward.append((module, t))
    assert upward == [], f"imports that point up the layers: {upward}"


def test_no_import_cycle():
    graph = _graph()
    # ignore edges into a package's own __init__ re-exports (plan/__init__ → plan.tables)
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, stack: list[str]) -> bool:
        state[node] = 1
        for nxt in graph.get(node, ()):
            if nxt == "huainan" or node.startswith(nxt + ".") or nxt.startswith(node + "."):
                continue  # a package and its own submodules
            if state.get(nxt) == 1:
                cycle.extend(stack[stack.index(nxt) :] + [nxt])
                return True
            if state.get(nxt) is None and visit(nxt, stack + [nxt]):
                return True
        state[node] = 2
        return False

    for n in graph:
        if state.get(n) is None and visit(n, [n]):
            break
    assert cycle == [], f"import cycle: {' → '.join(cycle)}"


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_no_giant_module(path):
    rel = path.relative_to(PACKAGE).as_posix()
    lines = len(path.read_text(encoding="utf-8").splitlines())
    if rel in LONG_MODULES:
        assert lines > MAX_LINES, f"{rel} has {lines} lines now: drop it from LONG_MODULES"
        return
    assert lines <= MAX_LINES, f"{rel} has {lines} lines: split it (or list it with a reason)"


def _too_complex(limit: int) -> dict[str, str]:
    """``{"layer/module.py:function": ruff's message}`` for every function of the package whose
    McCabe complexity exceeds ``limit`` (ruff's rule C901 run on its own)."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--select", "C901"]
        + ["--config", f"lint.mccabe.max-complexity={limit}", "--output-format", "json"]
        + [str(PACKAGE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr  # 1: violations found; anything else: broken
    found = {}
    for item in json.loads(done.stdout):
        assert item["code"] == "C901", item
        name = item["message"].split("`")[1]  # "`name` is too complex (26 > 25)"
        rel = Path(item["filename"]).resolve().relative_to(PACKAGE).as_posix()
        found[f"{rel}:{name}"] = item["message"]
    return found


def test_no_function_is_too_complex():
    found = _too_complex(MAX_COMPLEXITY)
    unlisted = {k: v for k, v in found.items() if k not in COMPLEX_FUNCTIONS}
    assert unlisted == {}, "split these into named steps (or list them with a reason)"
    stale = sorted(set(COMPLEX_FUNCTIONS) - set(found))
    assert stale == [], f"no longer above {MAX_COMPLEXITY}: drop them from COMPLEX_FUNCTIONS"


def _body_lines(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of a function's body, its docstring left out (a docstring alone counts as body)."""
    body = fn.body
    first = body[0]
    is_doc = (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )
    if is_doc and len(body) > 1:
        first = body[1]
    assert fn.end_lineno is not None
    return fn.end_lineno - first.lineno + 1


def _too_long(limit: int) -> dict[str, int]:
    """``{"layer/module.py:function": body lines}`` for every function or method of the package
    (nested ones included, as ``outer.inner``) whose body is longer than ``limit`` lines."""
    found: dict[str, int] = {}

    def visit(node: ast.AST, rel: str, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = _body_lines(child)
                if lines > limit:
                    found[f"{rel}:{prefix}{child.name}"] = lines
                visit(child, rel, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, rel, f"{prefix}{child.name}.")
            else:
                visit(child, rel, prefix)

    for path in sorted(PACKAGE.rglob("*.py")):
        visit(ast.parse(path.read_text(encoding="utf-8")), path.relative_to(PACKAGE).as_posix(), "")
    return found


def test_long_functions_are_measured_by_their_body():
    # the measure itself, on known shapes: a docstring is not counted, a nested function and a
    # method are found under their qualified names
    tree = ast.parse(
        'def f():\n    """Doc.\n\n    More."""\n    a = 1\n    return a\n'
        "class C:\n    def m(self):\n        def inner():\n            pass\n\n        return 1\n"
    )
    f, c = tree.body
    assert isinstance(f, ast.FunctionDef) and isinstance(c, ast.ClassDef)
    assert _body_lines(f) == 2
    m = c.body[0]
    assert isinstance(m, ast.FunctionDef) and _body_lines(m) == 4
    # the package's biggest known function is found by a low limit
    assert "evidence/yearbook_xlsx.py:read_edition" in _too_long(20)


def test_no_function_is_too_long():
    found = _too_long(MAX_FUNCTION_LINES)
    unlisted = {k: v for k, v in found.items() if k not in LONG_FUNCTIONS}
    assert unlisted == {}, "split these into named steps (or list them with a reason)"
    stale = sorted(set(LONG_FUNCTIONS) - set(found))
    assert stale == [], f"no longer above {MAX_FUNCTION_LINES} lines: drop them from LONG_FUNCTIONS"
