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

import itertools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from huainan.briefs.notebook_parameters import (
    PARAMETERS_TAG,
    NotebookParameter,
    notebook_parameters,
    parameters_cell_index,
)
from huainan.briefs.parameter_values import (
    CITY_PARAMETERS,
    DOMAIN_PARAMETERS,
    PLAN_YEARS,
    REGION_PARAMETERS,
    UNIT_LIST_PARAMETERS,
    YEAR_PARAMETERS,
    _city_names,
    _value,
)
from huainan.briefs.parameter_yaml import (
    _grid,
    _mapping,
    _named_nodes,
    _Problems,
    _read_yaml,
    _rel,
    _text,
    _where,
)
from huainan.briefs.safe_yaml import MAX_NAME_BYTES, fill_template
from huainan.errors import ParameterError
from huainan.paths import PARAMETERS_DIR
from huainan.plan import domains

#: The public names; those defined in notebook_parameters and parameter_values stay importable
#: from here.
__all__ = [
    "CITY_PARAMETERS",
    "DOMAIN_PARAMETERS",
    "PARAMETERS_TAG",
    "PLAN_YEARS",
    "REGION_PARAMETERS",
    "RESERVED_NAMES",
    "UNIT_LIST_PARAMETERS",
    "YEAR_PARAMETERS",
    "Batch",
    "BriefRun",
    "NotebookParameter",
    "fill_template",
    "load_batch",
    "notebook_parameters",
    "parameters_cell_index",
    "resolve_batch_path",
]

#: Product names a brief may not take (they are files of the run folder itself).
RESERVED_NAMES = frozenset({"index", "manifest", "logs", "latest"})


# --------------------------------------------------------------------------------------------
# Briefs and batches
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
    """The runs of one batch entry, one per grid point; problems are collected, not raised."""
    where = _where(batch_path, root, entry)
    keys = _entry_keys(entry, batch_path, root, problems, where)
    if keys is None:
        return []
    name = keys["brief"].value
    if name not in briefs:
        briefs[name] = _read_brief(name, pdir, root, problems, where)
    brief_path, brief = briefs[name]
    if brief is None:
        return []
    label = f"{where} (brief {name!r})"
    notebook = brief["notebook"]
    declared = _declared_parameters(notebook, inspected, problems, label)
    if declared is None:
        return []
    nodes = _entry_nodes(keys, brief, brief_path, batch_path, root, problems, name)
    if nodes is None:
        return []
    params, grid, grid_path = nodes
    output = _text(keys["output"], batch_path, root) if "output" in keys else brief["output"]
    title = _text(keys["title"], batch_path, root) if "title" in keys else brief["title"]
    runs = []
    templates_ok = _check_templates((output, title), declared, label, problems)
    for combo in _grid_points(grid):
        point = dict(params)
        point.update({k: (v, grid_path) for k, v in combo.items()})
        values = _typed_values(point, declared, notebook, root, name, problems)
        if values is None or not templates_ok:
            continue
        run = _brief_run(name, notebook, values, (output, title), label, problems)
        if run is not None:
            runs.append(run)
    return runs


def _entry_keys(
    entry: yaml.Node, batch_path: Path, root: Path, problems: _Problems, where: str
) -> dict[str, yaml.Node] | None:
    """The keys of a batch entry (a bare brief name reads as ``brief: <name>``), or None after
    recording why the entry is unusable."""
    keys: dict[str, yaml.Node]
    if isinstance(entry, yaml.ScalarNode):
        keys = {"brief": entry}
    elif isinstance(entry, yaml.MappingNode):
        keys = _mapping(
            entry, batch_path, root, {"brief", "output", "title", "parameters", "grid"}, problems
        )
    else:
        problems.add(where, "a batch entry is a brief name or a mapping with 'brief:'")
        return None
    if "brief" not in keys or not isinstance(keys["brief"], yaml.ScalarNode):
        problems.add(where, "batch entry without 'brief: <name>'")
        return None
    return keys


def _declared_parameters(
    notebook: Path,
    inspected: dict[Path, dict[str, NotebookParameter] | None],
    problems: _Problems,
    label: str,
) -> dict[str, NotebookParameter] | None:
    """The notebook's declared parameters, read once per batch (None if it cannot be read)."""
    if notebook not in inspected:
        try:
            inspected[notebook] = notebook_parameters(notebook)
        except ParameterError as exc:
            problems.add(label, str(exc))
            inspected[notebook] = None
    return inspected[notebook]


def _entry_nodes(
    keys: dict[str, yaml.Node],
    brief: dict[str, Any],
    brief_path: Path,
    batch_path: Path,
    root: Path,
    problems: _Problems,
    name: str,
) -> tuple[dict[str, tuple[yaml.Node, Path]], dict[str, list[yaml.Node]], Path] | None:
    """``(parameters, grid, grid file)`` of an entry: the brief's parameters overridden by the
    entry's (each with the file it comes from), the entry's grid or else the brief's. None if a
    parameter is set both by 'parameters' and by 'grid'."""
    params: dict[str, tuple[yaml.Node, Path]] = {
        k: (v, brief_path) for k, v in brief["parameters"].items()
    }
    if "parameters" in keys:
        for k, v in _named_nodes(keys["parameters"], batch_path, root, problems, "parameters"):
            params[k] = (v, batch_path)
    grid, grid_path = brief["grid"], brief_path
    if "grid" in keys:
        grid, grid_path = dict(_grid(keys["grid"], batch_path, root, problems)), batch_path
    both = sorted(set(grid) & set(params))
    if both:
        k = both[0]
        problems.add(
            _where(params[k][1], root, params[k][0]),
            f"parameter {k!r} of brief {name!r} is set by 'parameters' and by 'grid'; "
            "to run other values, override the grid (grid: {" + k + ": [...]})",
        )
        return None
    return params, grid, grid_path


def _grid_points(grid: dict[str, list[yaml.Node]]) -> list[dict[str, yaml.Node]]:
    """Every combination of the grid's values (one empty point without a grid)."""
    if not grid:
        return [{}]
    return [dict(zip(grid, values, strict=True)) for values in itertools.product(*grid.values())]


def _typed_values(
    nodes: dict[str, tuple[yaml.Node, Path]],
    declared: dict[str, NotebookParameter],
    notebook: Path,
    root: Path,
    name: str,
    problems: _Problems,
) -> dict[str, Any] | None:
    """The values of one grid point typed as the notebook expects, or None after recording
    every unknown name and bad value."""
    values: dict[str, Any] = {}
    ok = True
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
    return values if ok else None


def _check_templates(
    templates: tuple[str, str | None], declared, label: str, problems: _Problems
) -> bool:
    """Check the form of ``output``/``title`` once per entry, whatever the values: a format
    spec, a conversion, attribute access or a name the notebook does not declare is recorded
    now, so it is listed with the value problems (every problem at once). True when fine."""
    names = {k: "x" for k in declared}
    for k in list(declared):  # the names _names adds for these parameters
        if k in DOMAIN_PARAMETERS:
            names[f"{k}_zh"] = names[f"{k}_en"] = "x"
        elif k in CITY_PARAMETERS or k in REGION_PARAMETERS:
            names[f"{k}_zh"] = "x"
    try:
        for template in templates:
            if template:
                fill_template(template, names)
    except ValueError as exc:
        problems.add(label, f"cannot fill 'output'/'title': {exc}")
        return False
    return True


def _brief_run(
    name: str,
    notebook: Path,
    values: dict[str, Any],
    templates: tuple[str, str | None],
    label: str,
    problems: _Problems,
) -> BriefRun | None:
    """The run of one grid point, its output name and title filled from ``templates``; None
    after recording a template that cannot be filled or an unsafe output name."""
    output, title = templates
    context = {**_names(values), **values}
    try:
        product = fill_template(output, context)
        shown = fill_template(title, context) if title else None
    except ValueError as exc:
        problems.add(label, f"cannot fill 'output'/'title': {exc}")
        return None
    bad = _bad_product_name(product)
    if bad:
        problems.add(label, f"output name {product!r} {bad}")
        return None
    return BriefRun(
        name=product,
        brief=name,
        notebook=notebook,
        parameters=values,
        title=shown,
        defined_in=label,
    )


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
