"""Reading parameter and batch files (YAML) as nodes, with every problem collected.

Files are composed, not constructed (:func:`_read_yaml`), so that values can be typed against the
notebook later (:mod:`huainan.briefs.parameter_values`); :class:`_Problems` gathers every problem
so one :class:`~huainan.errors.ParameterError` lists them all, each with its file and line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from huainan.briefs.safe_yaml import (
    MAX_FILE_BYTES,
    LimitedLoader,
    TooBig,
    node_problems,
)
from huainan.errors import ParameterError


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
    try:
        loader = LimitedLoader(text)  # the reader refuses control characters (NUL …) here
    except yaml.YAMLError as exc:
        problems.add(where, f"invalid YAML: {exc}")
        return None
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
