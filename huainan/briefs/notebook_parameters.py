"""What a notebook's cell tagged ``parameters`` declares: names, defaults, types and choices.

:func:`notebook_parameters` plays the role of papermill's ``inspect_notebook`` for the batch
validation of :mod:`huainan.briefs.parameters` (without importing papermill).
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from huainan.errors import ParameterError

#: Tag of the notebook cell holding the parameter defaults (papermill's convention).
PARAMETERS_TAG = "parameters"

_TYPES: dict[str, type] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "list": list,
    "dict": dict,
}
_DECIMAL_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)")
_CHOICES = re.compile(r"(?:one of|choices|可选值?)\s*[:：]\s*(?P<values>.+)$", re.IGNORECASE)
_NOT_LITERAL = object()


@dataclass(frozen=True)
class NotebookParameter:
    """One assignment in a notebook's ``parameters`` cell.

    Attributes
    ----------
    name : str
        Variable name.
    default : str
        The default as written in the cell (source text).
    kind : type or None
        Expected type of values: the annotation (``year: int = 2024``) if any, else the type of the
        literal default; ``None`` (anything goes) for a ``None`` or non-literal default.
    item_kind : type or None
        For lists: the common type of the default's items (``["340402"]`` → ``str``), else None.
    choices : tuple or None
        Allowed values, from a trailing comment ``# one of: anhui, china`` (or ``# 可选：zh, en``;
        values separated by commas, spaces or ``/``; a parenthesis or semicolon ends the list),
        typed as the parameter (its items, for a list): ``year = 2025  # 可选：2021, 2022`` gives
        ``(2021, 2022)`` (ints), a str parameter gives str.
    help : str
        The trailing comment.
    """

    name: str
    default: str
    kind: type | None
    item_kind: type | None = None
    choices: tuple[str, ...] | None = None
    help: str = ""


def parameters_cell_index(nb: dict) -> int:
    """Return the index of the first cell tagged ``parameters`` in a notebook dict, or -1."""
    for i, cell in enumerate(nb.get("cells", [])):
        if PARAMETERS_TAG in cell.get("metadata", {}).get("tags", []):
            return i
    return -1


def notebook_parameters(path: str | os.PathLike) -> dict[str, NotebookParameter]:
    """Return the parameters a notebook declares in its cell tagged ``parameters``.

    Like papermill's ``inspect_notebook`` (``papermill --help-notebook``) it lists the assignments
    ``name = default`` / ``name: type = default  # help`` of that cell, but it parses the cell with
    :mod:`ast` rather than papermill's line regex (so ``a = f(x=1)`` and multi-line literals are
    read correctly) and reads the ``.ipynb`` as plain JSON: validating a batch does not import
    papermill/nbformat, which take 1–2 s to import here. Defaults are read with
    :func:`ast.literal_eval`; IPython magics (``%…``, ``!…``) are skipped.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.ipynb`` file (UTF-8 JSON, nbformat 4).

    Returns
    -------
    dict of str to NotebookParameter
        In the order the cell assigns them.

    Raises
    ------
    ParameterError
        If the file is not a readable notebook, has no cell tagged ``parameters`` (papermill
        would then inject values at the top, where the notebook's own defaults overwrite them),
        that cell is not valid Python, or a choice list does not fit its parameter (a choice
        that is not of the parameter's type, or a default outside its own choices).
    """
    path = Path(path)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
            raise ValueError("no 'cells' list")
    except (OSError, ValueError) as exc:
        raise ParameterError(f"{path}: cannot read the notebook ({exc})") from exc
    idx = parameters_cell_index(nb)
    if idx < 0:
        raise ParameterError(
            f"{path}: no cell is tagged {PARAMETERS_TAG!r}; tag the cell that sets the defaults "
            "(papermill would otherwise inject the values above it and the defaults would win)"
        )
    cell = nb["cells"][idx]
    if cell.get("cell_type") != "code":
        raise ParameterError(f"{path}: the cell tagged {PARAMETERS_TAG!r} is not a code cell")
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    try:
        assignments = _assignments(source)
    except SyntaxError as exc:
        raise ParameterError(
            f"{path}: the cell tagged {PARAMETERS_TAG!r} is not valid Python "
            f"(line {exc.lineno}: {exc.msg})"
        ) from exc
    declared = {}
    for name, *rest in assignments:
        try:
            declared[name] = _describe(name, *rest)
        except ValueError as exc:
            raise ParameterError(f"{path}: parameter {name!r}: {exc}") from exc
    return declared


def _assignments(source: str) -> list[tuple[str, str, str, str]]:
    """``(name, default source, annotation source, trailing comment)`` of each top-level
    assignment to a single name."""
    lines = [
        ("" if ln.lstrip().startswith(("%", "!")) else ln)
        for ln in source.splitlines(keepends=True)
    ]
    code = "".join(lines)
    tree = ast.parse(code)
    comments: dict[int, str] = {}
    for tok in tokenize.generate_tokens(io.StringIO(code).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string.lstrip("#").strip()
    found = []
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            name, annotation = node.targets[0].id, ""
        elif (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.value is not None
        ):
            name = node.target.id
            annotation = ast.get_source_segment(code, node.annotation) or ""
        else:
            continue
        assert node.value is not None  # both branches above checked it
        default = ast.get_source_segment(code, node.value) or ""
        help_text = comments.get(node.end_lineno or node.lineno) or comments.get(node.lineno, "")
        found.append((name, default, annotation, help_text))
    return found


def _describe(name: str, default: str, annotation: str, help_text: str) -> NotebookParameter:
    try:
        value = ast.literal_eval(default)
    except (ValueError, SyntaxError):
        value = _NOT_LITERAL
    kind, item_kind = _kinds(annotation, value)
    choices = _choices(help_text, item_kind if kind is list else kind, value, default)
    return NotebookParameter(name, default, kind, item_kind, choices, help_text or "")


def _kinds(annotation: str, value: Any) -> tuple[type | None, type | None]:
    """``(kind, item_kind)`` of a parameter: from its annotation (``list[str]``) if it has one,
    else from its literal default (the items' common type for a list); None where unknown."""
    kind = item_kind = None
    base, _, inner = annotation.strip().strip("'\"").partition("[")
    if base.strip().lower() in _TYPES:
        kind = _TYPES[base.strip().lower()]
        item_kind = _TYPES.get(inner.rstrip("]").strip().lower()) if inner else None
    elif value is not _NOT_LITERAL and value is not None and type(value) in _TYPES.values():
        kind = type(value)
    if kind is list and item_kind is None and isinstance(value, list) and value:
        types = {type(v) for v in value}
        if len(types) == 1 and next(iter(types)) in (str, int, float, bool):
            item_kind = types.pop()
    return kind, item_kind


def _choices(help_text: str, kind: type | None, value: Any, default: str) -> tuple | None:
    """The choices a trailing comment declares (``# one of: a, b``), typed as ``kind``; None
    without such a list. Raises ValueError if the literal default is not one of them."""
    m = _CHOICES.search(help_text or "")
    if not m:
        return None
    values = re.split(r"[(（;；。]", m.group("values"))[0]  # the list ends at a remark
    words = [v for v in re.split(r"[,，、/\s]+", values) if v]
    choices = tuple(_choice(w, kind) for w in words)
    defaults = value if isinstance(value, list) else [value]
    outside = [d for d in defaults if d is not None and d not in choices]
    if value is not _NOT_LITERAL and outside:
        raise ValueError(
            f"the default {default} is not one of its choices ({', '.join(map(str, choices))})"
        )
    return choices


def _choice(word: str, kind: type | None) -> Any:
    """Read one word of a choice list as a value of ``kind`` (text if it has no type).

    Examples
    --------
    >>> _choice("2023", int), _choice("0.5", float), _choice("zh", str), _choice("true", bool)
    (2023, 0.5, 'zh', True)
    """
    if kind is int:
        if not _DECIMAL_INT.fullmatch(word):
            raise ValueError(f"choice {word!r} is not an integer")
        return int(word.replace("_", ""))
    if kind is float:
        try:
            return float(word)
        except ValueError:
            raise ValueError(f"choice {word!r} is not a number") from None
    if kind is bool:
        if word.lower() not in ("true", "false"):
            raise ValueError(f"choice {word!r} is not True or False")
        return word.lower() == "true"
    return word
