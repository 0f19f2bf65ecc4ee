"""Brief and batch definitions (``parameters/*.yaml``) checked against the notebooks' parameters.

A *brief* is one parameterised notebook plus the values to run it with; a *batch* lists the briefs
one scheduled run produces. Both are YAML files (format: ``parameters/README.md``)::

    parameters/domain.yaml             notebook, output name, default parameters, optional grid
    parameters/batches/annual.yaml     which briefs run, with per-brief overrides

:func:`load_batch` reads a batch, expands grids, and validates every parameter against the
notebook's cell tagged ``parameters`` **before anything runs** (the role papermill's
``inspection.py`` plays for one notebook; see :func:`notebook_parameters`): unknown names,
values whose type differs from the default's (a ``None`` default accepts anything), unknown domain
ids (:data:`huainan.plan.domains.DOMAIN_IDS`), unknown region codes (:func:`huainan.plan.regions.regions`),
a ``regions`` list that is not two or more of the seven county-level units, a ``year`` outside
the plan period (:data:`PLAN_YEARS`) and values outside a ``# one of: a, b`` list written after the
default. Every problem found — every bad item of a list too — is reported at once in one
:class:`~huainan.errors.ParameterError` naming the file and line, the brief and the parameter.

YAML is read with the safe loader, but scalars are typed against the notebook, not by YAML 1.1
rules alone: where the notebook expects ``str``, ``0101`` stays ``"0101"`` (not the octal 65),
``no`` stays ``"no"`` (not ``False``) and ``340402`` stays ``"340402"``. Where the notebook expects
a number, a leading-zero or sexagesimal integer is refused instead of being read as octal/base 60.
"""

from __future__ import annotations

import ast
import functools
import io
import itertools
import json
import os
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from huainan.briefs.safe_yaml import (
    MAX_FILE_BYTES,
    MAX_NAME_BYTES,
    LimitedLoader,
    TooBig,
    fill_template,
    node_problems,
)
from huainan.errors import ParameterError
from huainan.paths import PARAMETERS_DIR
from huainan.plan import domains

#: Tag of the notebook cell holding the parameter defaults (papermill's convention).
PARAMETERS_TAG = "parameters"

#: Parameter names whose values must be domain ids (str or list of str; None where the default is).
DOMAIN_PARAMETERS = frozenset({"domain", "domains"})
#: Parameter names whose values must be region codes (str or list of str; None where the default
#: is). Their values are read as text whatever the default: ``[340421]`` gives ``["340421"]``.
REGION_PARAMETERS = frozenset({"region", "regions"})

#: Parameter names whose values are a prefecture-level city: a 6-digit GB/T 2260 code of a
#: prefecture with two or more county-level units in the 2020 census county tables
#: (:func:`huainan.measures.prefectures.prefectures`); read as text (``340400`` → ``"340400"``).
CITY_PARAMETERS = frozenset({"city"})

#: Parameter names whose values are a *comparison* of county-level units: a list of at least two
#: distinct codes of :data:`huainan.plan.regions.UNIT_CODES` (or None where the default is) — what
#: :func:`huainan.briefs.briefing.select_units` demands, checked here so a batch fails before it runs.
UNIT_LIST_PARAMETERS = frozenset({"regions"})

#: Parameter names that are an evaluation year of the plan: an int in :data:`PLAN_YEARS`, unless
#: the notebook declares its own choices (``year = 2025  # 可选：2021, …, 2025``), which then rule.
YEAR_PARAMETERS = frozenset({"year"})
#: The plan period, first and last year: "规划期为 2021-2025 年" (淮南市“十四五”公共服务规划, 序言;
#: ``shared/source/huainan_14th_fyp_public_services_plan_draft.zh.txt``).
PLAN_YEARS: tuple[int, int] = (2021, 2025)

#: Product names a brief may not take (they are files of the run folder itself).
RESERVED_NAMES = frozenset({"index", "manifest", "logs", "latest"})

_TYPES: dict[str, type] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "list": list,
    "dict": dict,
}
_TAG = "tag:yaml.org,2002:"
_DECIMAL_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)")
_CHOICES = re.compile(r"(?:one of|choices|可选值?)\s*[:：]\s*(?P<values>.+)$", re.IGNORECASE)
_NOT_LITERAL = object()


# --------------------------------------------------------------------------------------------
# The notebook side: what the cell tagged `parameters` declares
# --------------------------------------------------------------------------------------------


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
    choices = None
    m = _CHOICES.search(help_text or "")
    if m:
        values = re.split(r"[(（;；。]", m.group("values"))[0]  # the list ends at a remark
        words = [v for v in re.split(r"[,，、/\s]+", values) if v]
        choices = tuple(_choice(w, item_kind if kind is list else kind) for w in words)
        defaults = value if isinstance(value, list) else [value]
        outside = [d for d in defaults if d is not None and d not in choices]
        if value is not _NOT_LITERAL and outside:
            raise ValueError(
                f"the default {default} is not one of its choices ({', '.join(map(str, choices))})"
            )
    return NotebookParameter(name, default, kind, item_kind, choices, help_text or "")


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


# --------------------------------------------------------------------------------------------
# The YAML side
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BriefRun:
    """One brief of a batch, resolved and validated: what a worker needs to produce it.

    Attributes
    ----------
    name : str
        Product name, unique in the batch: the run folder gets ``<name>.ipynb`` and ``<name>.html``.
    brief : str
        The brief definition it comes from (``parameters/<brief>.yaml``).
    notebook : pathlib.Path
        The template notebook (absolute).
    parameters : dict
        Validated values, typed as the notebook expects (JSON-compatible).
    title : str or None
        Display title from the YAML, if any (else taken from the executed notebook).
    defined_in : str
        ``file line N`` of the batch entry, for messages.
    """

    name: str
    brief: str
    notebook: Path
    parameters: dict[str, Any]
    title: str | None = None
    defined_in: str = ""


@dataclass(frozen=True)
class Batch:
    """A validated batch: the briefs one run produces, in the order listed.

    Attributes
    ----------
    name : str
        File stem (``annual``).
    path : pathlib.Path
        The batch file.
    root : pathlib.Path
        Project root: notebook paths in the YAML are relative to it (the folder holding
        ``parameters/``).
    runs : tuple of BriefRun
    title, description : str
        From the batch file (may be empty).
    """

    name: str
    path: Path
    root: Path
    runs: tuple[BriefRun, ...]
    title: str = ""
    description: str = ""


@dataclass
class _Problems:
    """Collects every problem so one error lists them all."""

    items: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        item = f"{where}: {message}"
        if item not in self.items:  # grid points repeat their entry's problems
            self.items.append(item)

    def raise_if_any(self, header: str) -> None:
        if self.items:
            n = len(self.items)
            lines = "\n".join(f"  - {p}" for p in self.items)
            raise ParameterError(f"{header}: {n} problem{'s' if n > 1 else ''}\n{lines}")


def resolve_batch_path(
    batch: str | os.PathLike, parameters_dir: str | os.PathLike | None = None
) -> Path:
    """Return the batch file for a batch name (``annual``) or path (``my/batch.yaml``).

    Raises
    ------
    ParameterError
        If no such file exists (the message lists the batches available).
    """
    pdir = Path(parameters_dir) if parameters_dir is not None else PARAMETERS_DIR
    text = os.fspath(batch)
    candidate = Path(text)
    if candidate.suffix in (".yaml", ".yml") or os.sep in text or "/" in text:
        if candidate.is_file():
            return candidate.resolve()
        raise ParameterError(f"batch file {text} does not exist")
    path = pdir / "batches" / f"{text}.yaml"
    if path.is_file():
        return path.resolve()
    known = sorted(p.stem for p in (pdir / "batches").glob("*.yaml"))
    raise ParameterError(
        f"unknown batch {text!r}: no {path}; batches in {pdir / 'batches'}: "
        f"{', '.join(known) or '(none)'}"
    )


def load_batch(batch: str | os.PathLike, parameters_dir: str | os.PathLike | None = None) -> Batch:
    """Read a batch file and its briefs, expand grids and validate every parameter.

    Parameters
    ----------
    batch : str or os.PathLike
        A batch name in ``<parameters_dir>/batches/`` (``"annual"``) or the path of a batch file.
    parameters_dir : str or os.PathLike, optional
        Where brief files are looked up (``<parameters_dir>/<brief>.yaml``). Default: the
        ``parameters`` folder above the batch file if it sits in a ``batches`` folder, else the
        repository's ``parameters/``. Notebook paths are relative to its parent (the project root).

    Returns
    -------
    Batch

    Raises
    ------
    ParameterError
        Listing every problem found: unreadable or malformed YAML (also duplicate keys), unknown
        keys, unknown briefs, missing notebooks or ``parameters`` tags, unknown parameter names,
        wrong types, unknown domain ids or region codes (each bad item of a list), a ``regions``
        list of fewer than two county-level units, a ``year`` outside the plan period, values
        outside a ``one of`` list, duplicate or unsafe output names. Nothing has run when it is
        raised.
    """
    path = resolve_batch_path(batch, parameters_dir)
    if parameters_dir is None:
        parameters_dir = path.parent.parent if path.parent.name == "batches" else PARAMETERS_DIR
    pdir = Path(parameters_dir).resolve()
    root = pdir.parent
    problems = _Problems()
    doc = _read_yaml(path, root, problems)
    problems.raise_if_any(f"batch {_rel(path, root)}")
    where = _where(path, root, doc)
    if not isinstance(doc, yaml.MappingNode):
        raise ParameterError(f"{where}: a batch file is a mapping with a 'briefs' list")
    top = _mapping(doc, path, root, {"title", "description", "briefs"}, problems)
    entries = top.get("briefs")
    if entries is None or not isinstance(entries, yaml.SequenceNode) or not entries.value:
        problems.add(where, "'briefs' must be a non-empty list of brief names or mappings")
        problems.raise_if_any(f"batch {_rel(path, root)}")
    assert isinstance(entries, yaml.SequenceNode)  # raise_if_any raised otherwise

    briefs: dict[str, tuple[Path, dict]] = {}
    inspected: dict[Path, dict[str, NotebookParameter] | None] = {}
    runs: list[BriefRun] = []
    for entry in entries.value:
        runs.extend(_expand_entry(entry, path, pdir, root, briefs, inspected, problems))

    seen: dict[str, str] = {}
    for run in runs:
        if run.name in seen:
            problems.add(
                run.defined_in,
                f"output name {run.name!r} is also produced by "
                f"{seen[run.name]}; give each brief a distinct 'output'",
            )
        else:
            seen[run.name] = run.defined_in
    problems.raise_if_any(f"batch {_rel(path, root)}")
    return Batch(
        name=path.stem,
        path=path,
        root=root,
        runs=tuple(runs),
        title=_text(top.get("title"), path, root),
        description=_text(top.get("description"), path, root),
    )


def _expand_entry(entry, batch_path, pdir, root, briefs, inspected, problems) -> list[BriefRun]:
    where = _where(batch_path, root, entry)
    keys: dict[str, yaml.Node]
    if isinstance(entry, yaml.ScalarNode):
        keys = {"brief": entry}
    elif isinstance(entry, yaml.MappingNode):
        keys = _mapping(
            entry, batch_path, root, {"brief", "output", "title", "parameters", "grid"}, problems
        )
    else:
        problems.add(where, "a batch entry is a brief name or a mapping with 'brief:'")
        return []
    if "brief" not in keys or not isinstance(keys["brief"], yaml.ScalarNode):
        problems.add(where, "batch entry without 'brief: <name>'")
        return []
    name = keys["brief"].value
    if name not in briefs:
        briefs[name] = _read_brief(name, pdir, root, problems, where)
    brief_path, brief = briefs[name]
    if brief is None:
        return []
    label = f"{where} (brief {name!r})"

    notebook = brief["notebook"]
    if notebook not in inspected:
        try:
            inspected[notebook] = notebook_parameters(notebook)
        except ParameterError as exc:
            problems.add(label, str(exc))
            inspected[notebook] = None
    declared = inspected[notebook]
    if declared is None:
        return []

    params: dict[str, tuple[yaml.Node, Path]] = {
        k: (v, brief_path) for k, v in brief["parameters"].items()
    }
    if "parameters" in keys:
        for k, v in _named_nodes(keys["parameters"], batch_path, root, problems, "parameters"):
            params[k] = (v, batch_path)
    grid = brief["grid"]
    if "grid" in keys:
        grid = dict(_grid(keys["grid"], batch_path, root, problems))
    for k in sorted(set(grid) & set(params)):
        problems.add(
            _where(params[k][1], root, params[k][0]),
            f"parameter {k!r} of brief {name!r} is set by 'parameters' and by 'grid'; "
            "to run other values, override the grid (grid: {" + k + ": [...]})",
        )
        return []
    output = _text(keys["output"], batch_path, root) if "output" in keys else brief["output"]
    title = _text(keys["title"], batch_path, root) if "title" in keys else brief["title"]

    combos = (
        [dict(zip(grid, values, strict=True)) for values in itertools.product(*grid.values())]
        if grid
        else [{}]
    )
    runs = []
    for combo in combos:
        nodes = dict(params)
        for k, v in combo.items():
            nodes[k] = (v, batch_path if "grid" in keys else brief_path)
        values, ok = {}, True
        for pname, (node, src) in nodes.items():
            pwhere = f"{_where(src, root, node)} (brief {name!r}, parameter {pname!r})"
            if pname not in declared:
                problems.add(
                    pwhere,
                    f"unknown parameter; {_rel(notebook, root)} declares: "
                    f"{', '.join(declared) or '(none)'}",
                )
                ok = False
                continue
            try:
                values[pname] = _value(node, declared[pname], notebook, root)
            except ValueError as exc:
                for message in getattr(exc, "messages", [str(exc)]):
                    problems.add(pwhere, message)
                ok = False
        if not ok:
            continue
        context = {**_names(values), **values}
        try:
            product = fill_template(output, context)
            shown = fill_template(title, context) if title else None
        except ValueError as exc:
            problems.add(label, f"cannot fill 'output'/'title': {exc}")
            continue
        bad = _bad_product_name(product)
        if bad:
            problems.add(label, f"output name {product!r} {bad}")
            continue
        runs.append(
            BriefRun(
                name=product,
                brief=name,
                notebook=notebook,
                parameters=values,
                title=shown,
                defined_in=label,
            )
        )
    return runs


def _names(values: dict[str, Any]) -> dict[str, str]:
    """Names usable in ``output``/``title`` besides the parameters: ``{domain_zh}``/``{domain_en}``
    for a domain id, ``{region_zh}`` for a region code (the same for any parameter so named).

    Examples
    --------
    >>> _names({"domain": "health", "year": 2025})
    {'domain_zh': '病有所医', 'domain_en': 'Health care'}
    """
    out = {}
    for name, value in values.items():
        if name in DOMAIN_PARAMETERS and value in domains.DOMAIN_IDS:
            d = domains.get(value)
            out[f"{name}_zh"], out[f"{name}_en"] = d.zh, d.en
        elif name in CITY_PARAMETERS and isinstance(value, str):
            out[f"{name}_zh"] = _city_names().get(value, value)
        elif name in REGION_PARAMETERS and isinstance(value, str):
            from huainan.plan import regions

            out[f"{name}_zh"] = regions.name(value)
    return out


def _read_brief(name, pdir, root, problems, where):
    if not re.fullmatch(r"[\w.-]+", name) or name.startswith("."):
        problems.add(where, f"brief name {name!r} is not a plain file name")
        return None, None
    path = pdir / f"{name}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in pdir.glob("*.yaml"))
        problems.add(
            where,
            f"unknown brief {name!r}: no {_rel(path, root)}; briefs: "
            f"{', '.join(known) or '(none)'}",
        )
        return path, None
    n_before = len(problems.items)
    doc = _read_yaml(path, root, problems)
    if len(problems.items) > n_before:
        return path, None
    if not isinstance(doc, yaml.MappingNode):
        problems.add(_where(path, root, doc), "a brief file is a mapping with 'notebook:'")
        return path, None
    keys = _mapping(
        doc,
        path,
        root,
        {"notebook", "output", "title", "description", "parameters", "grid"},
        problems,
    )
    if "notebook" not in keys:
        problems.add(_where(path, root, doc), "'notebook:' (path of the .ipynb) is missing")
        return path, None
    notebook = (root / _text(keys["notebook"], path, root)).resolve()
    if notebook.suffix != ".ipynb" or not notebook.is_file():
        problems.add(
            _where(path, root, keys["notebook"]),
            f"notebook {keys['notebook'].value!r} not found (paths are relative to {root})",
        )
        return path, None
    params = (
        dict(_named_nodes(keys["parameters"], path, root, problems, "parameters"))
        if "parameters" in keys
        else {}
    )
    grid = dict(_grid(keys["grid"], path, root, problems)) if "grid" in keys else {}
    output = _text(keys["output"], path, root) if "output" in keys else name
    if grid and "{" not in output:
        problems.add(
            _where(path, root, doc),
            f"brief has a grid but output {output!r} has no "
            "{placeholder}; every grid point would overwrite the same files",
        )
    return path, {
        "notebook": notebook,
        "parameters": params,
        "grid": grid,
        "output": output,
        "title": _text(keys["title"], path, root) if "title" in keys else None,
    }


def _bad_product_name(name: str) -> str | None:
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return f"is longer than {MAX_NAME_BYTES} bytes"
    if not name or name.strip() != name:
        return "is empty or has surrounding spaces"
    if "/" in name or "\\" in name or name.startswith("."):
        return "must be a plain file name (no '/', '\\' or leading '.')"
    if name in RESERVED_NAMES:
        return f"is reserved ({', '.join(sorted(RESERVED_NAMES))})"
    return None


# --------------------------------------------------------------------------------------------
# YAML nodes → values typed as the notebook expects
# --------------------------------------------------------------------------------------------


def _read_yaml(path: Path, root: Path, problems: _Problems) -> yaml.Node | None:
    """Compose (not construct) a YAML file so values can be typed against the notebook later.

    Refuses, as a problem of the file: a file that is not a regular file or is larger than
    :data:`MAX_FILE_BYTES`, text that is not UTF-8, invalid YAML, more than
    :data:`MAX_ALIASES` aliases, nesting deeper than :data:`MAX_DEPTH`, more than
    :data:`MAX_NODES` values once aliases are expanded, and tags outside :data:`ALLOWED_TAGS`.
    """
    where = _rel(path, root)
    try:
        if not path.is_file():
            problems.add(where, "not a regular file")
            return None
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        problems.add(where, f"cannot read the file ({exc.strerror or exc})")
        return None
    if len(data) > MAX_FILE_BYTES:
        problems.add(where, f"larger than {MAX_FILE_BYTES // 1024} KB: not a parameter file")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.add(where, f"not UTF-8 text ({exc})")
        return None
    loader = LimitedLoader(text)
    try:
        node = loader.get_single_node()
    except TooBig as exc:
        problems.add(where, str(exc))
        return None
    except yaml.YAMLError as exc:
        problems.add(where, f"invalid YAML: {exc}")
        return None
    finally:
        loader.dispose()
    if node is None:
        problems.add(where, "the file is empty")
        return None
    found = node_problems(node)
    for bad, message in found:
        problems.add(_where(path, root, bad), message)
    return None if found else node


def _mapping(node, path, root, allowed: set[str], problems) -> dict[str, yaml.Node]:
    out = {}
    for key, value in node.value:
        k = key.value if isinstance(key, yaml.ScalarNode) else None
        if k is None or k not in allowed:
            problems.add(
                _where(path, root, key), f"unknown key {k!r}; allowed: {', '.join(sorted(allowed))}"
            )
        elif k in out:
            problems.add(_where(path, root, key), f"duplicate key {k!r}")
        else:
            out[k] = value
    return out


def _named_nodes(node, path, root, problems, what) -> Iterable[tuple[str, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        problems.add(_where(path, root, node), f"'{what}' must be a mapping of name: value")
        return []
    seen, out = set(), []
    for key, value in node.value:
        k = key.value if isinstance(key, yaml.ScalarNode) else None
        if k is None or not k.isidentifier():
            problems.add(_where(path, root, key), f"{what} name {k!r} is not a Python name")
        elif k in seen:
            problems.add(_where(path, root, key), f"duplicate {what} name {k!r}")
        else:
            seen.add(k)
            out.append((k, value))
    return out


def _grid(node, path, root, problems) -> Iterable[tuple[str, list[yaml.Node]]]:
    out = []
    for k, v in _named_nodes(node, path, root, problems, "grid"):
        if not isinstance(v, yaml.SequenceNode) or not v.value:
            problems.add(_where(path, root, v), f"grid {k!r} must be a non-empty list of values")
        else:
            out.append((k, list(v.value)))
    return out


class _BadValue(ValueError):
    """Every problem of one value (each bad item of a list is one message)."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


def _value(node: yaml.Node, param: NotebookParameter, notebook: Path, root: Path) -> Any:
    """Type one YAML value as ``param`` expects and check it; raise ValueError with the reasons
    (a :class:`_BadValue` with one message per bad item of a list)."""
    expected = f"(default {param.default} in {_rel(notebook, root)})"
    kind, item_kind = param.kind, param.item_kind
    is_null = isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "null"
    if (
        param.name in UNIT_LIST_PARAMETERS
        and not is_null
        and not isinstance(node, yaml.SequenceNode)
    ):
        raise ValueError(
            f"expected a list of at least two region codes such as "
            f'["340421", "340422"] {expected}, got {node.value!r}'
            if isinstance(node, yaml.ScalarNode)
            else f"expected a list of region codes {expected}, got a mapping"
        )
    if param.name in DOMAIN_PARAMETERS | REGION_PARAMETERS | CITY_PARAMETERS:
        # ids and codes are text even where the default (None) gives no type: 340421 → "340421"
        if isinstance(node, yaml.SequenceNode):
            kind, item_kind = kind or list, str
        elif kind is None and not is_null:
            kind = str
    if kind is list and isinstance(node, yaml.SequenceNode):
        value, errors = [], []
        for item in node.value:
            try:
                value.append(_scalar(item, item_kind, expected))
            except ValueError as exc:
                errors.append(str(exc))
        if errors:
            raise _BadValue(errors)
    else:
        value = _scalar(node, kind, expected)
    if param.kind is not None:
        if param.kind is float and type(value) is int:
            value = float(value)
        if not _is_type(value, param.kind):
            raise ValueError(
                f"expected {param.kind.__name__} {expected}, got {type(value).__name__} {value!r}"
            )
    messages = _not_allowed(param, value)
    if messages:
        raise _BadValue(messages)
    return value


def _scalar(node: yaml.Node, kind: type | None, expected: str) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        value = _construct(node)
        _refuse_ambiguous(node)
        return value
    tag, text, plain = node.tag, node.value, node.style is None
    if (
        kind is str
        and plain
        and tag in (_TAG + "int", _TAG + "float", _TAG + "bool", _TAG + "timestamp")
    ):
        return text  # 0101, no, 340402, 2024-01-01: keep what was written
    if kind in (int, float) and tag == _TAG + "int":
        if not _DECIMAL_INT.fullmatch(text):
            raise ValueError(
                f"{text!r} is not a plain decimal integer (YAML 1.1 would read it "
                "as octal, hex or base 60); write it without leading zeros"
            )
        return int(text.replace("_", ""))
    if kind is None:
        _refuse_ambiguous(node)
    value = _construct(node)
    if (
        kind is not None
        and not _is_type(value, kind)
        and not (kind is float and type(value) is int)
    ):
        raise ValueError(
            f"expected {kind.__name__} {expected}, got {type(value).__name__} "
            f"{value!r}" + (" (quote it if you mean text)" if plain else "")
        )
    return value


def _refuse_ambiguous(node: yaml.Node) -> None:
    """Refuse YAML 1.1 readings a writer rarely means when the notebook gives no type."""
    if isinstance(node, yaml.ScalarNode):
        if node.style is not None:
            return
        if node.tag == _TAG + "int" and not _DECIMAL_INT.fullmatch(node.value):
            raise ValueError(
                f"{node.value!r} is ambiguous (YAML 1.1 reads it as octal, hex or "
                "base 60): quote it for text or write a plain decimal"
            )
        if node.tag == _TAG + "bool" and node.value.lower() not in ("true", "false"):
            raise ValueError(
                f"{node.value!r} is ambiguous (YAML 1.1 reads it as a boolean): "
                "quote it for text or write true/false"
            )
        if node.tag == _TAG + "timestamp":
            raise ValueError(f"{node.value!r} would be read as a date: quote it")
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _refuse_ambiguous(item)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _refuse_ambiguous(key)
            _refuse_ambiguous(value)


def _construct(node: yaml.Node) -> Any:
    return yaml.constructor.SafeConstructor().construct_object(node, deep=True)


def _is_type(value: Any, kind: type) -> bool:
    if kind in (int, float) and isinstance(value, bool):
        return False
    return isinstance(value, kind)


def _not_allowed(param: NotebookParameter, value: Any) -> list[str]:
    """Return one message per value (per item, for a list) that the parameter does not allow."""
    items = value if isinstance(value, list) else [value]
    given = [i for i in items if i is not None]
    messages = []
    if param.choices is not None:
        messages += [
            f"{v!r} is not one of {', '.join(map(str, param.choices))}"
            for v in items
            if v not in param.choices
        ]
    if param.name in YEAR_PARAMETERS and param.choices is None:  # a declared list is narrower
        first, last = PLAN_YEARS
        messages += [
            f"year {v} is outside the plan period {first}–{last} (规划期)"
            for v in given
            if _is_type(v, int) and not first <= v <= last
        ]
    if param.name in DOMAIN_PARAMETERS:
        for v in given:
            if v not in domains.DOMAIN_IDS:
                hint = ""
                if isinstance(v, str):
                    try:
                        hint = f" (did you mean {domains.get(v).id!r}?)"
                    except KeyError:
                        pass
                messages.append(
                    f"unknown domain id {v!r}{hint}; valid ids: {', '.join(domains.DOMAIN_IDS)}"
                )
    if param.name in CITY_PARAMETERS:
        cities = _city_names()
        messages += [
            f"{v!r} is not the code of a prefecture-level city with two or more county-level "
            "units (GB/T 2260, e.g. 340400 淮南市; 333 such cities in the 2020 census tables)"
            for v in given
            if v not in cities
        ]
    if param.name in REGION_PARAMETERS:
        messages += _region_problems(param.name, given, isinstance(value, list))
    return messages


def _city_names() -> dict[str, str]:
    """Prefecture code → name, for the prefectures a prefecture brief can take (computed once
    per version of the national county table: a batch of 333 cities asks 333 times)."""
    from huainan.evidence import stats

    return _city_names_of(stats.stats_dir() / "counties_2020.parquet", _mtime(stats.stats_dir()))


def _mtime(folder: Path) -> int:
    try:
        return (folder / "counties_2020.parquet").stat().st_mtime_ns
    except OSError:
        return 0


@functools.lru_cache(maxsize=2)
def _city_names_of(path: Path, mtime: int) -> dict[str, str]:
    from huainan.measures import prefectures

    p = prefectures.prefectures()
    return dict(zip(p["prefecture_code"], p["prefecture_name"], strict=True))


def _region_problems(name: str, codes: list, is_list: bool) -> list[str]:
    from huainan.plan import regions

    table = regions.regions()
    known = set(table["code"])
    messages = []
    for v in codes:
        if v not in known:
            hit = table.loc[table["name_zh"] == v, "code"] if isinstance(v, str) else None
            hint = f" (did you mean {hit.iloc[0]!r}?)" if hit is not None and len(hit) else ""
            messages.append(
                f"unknown region code {v!r}{hint}; codes are 6-digit strings from "
                "data/regions.csv, e.g. 340402 (大通区)"
            )
    if name in UNIT_LIST_PARAMETERS and is_list:
        units = ", ".join(f"{c} {regions.name(c)}" for c in regions.UNIT_CODES)
        messages += [
            f"{v} ({regions.name(v)}) is not a county-level unit; {name!r} compares "
            f"the districts and counties: {units}"
            for v in codes
            if v in known and v not in regions.UNIT_CODES
        ]
        distinct = list(dict.fromkeys(codes))
        if len(distinct) < 2:
            messages.append(
                f"{name!r} needs at least two distinct units to compare (the regional gap "
                f"measures need two), got {len(distinct)}: {', '.join(map(str, distinct)) or '[]'}"
                "; write null for all seven"
            )
    return messages


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _text(node: yaml.Node | None, path: Path, root: Path) -> str:
    """The text of a scalar as written (``2024`` stays ``"2024"``); refuse lists and mappings."""
    if node is None:
        return ""
    if isinstance(node, yaml.ScalarNode):
        return node.value
    kind = "list" if isinstance(node, yaml.SequenceNode) else "mapping"
    raise ParameterError(f"{_where(path, root, node)}: expected text, got a {kind}")


def _rel(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _where(path: Path, root: Path, node: yaml.Node | None) -> str:
    if node is None:
        return _rel(path, root)
    return f"{_rel(path, root)} line {node.start_mark.line + 1}"
