"""Reading parameter files safely: a YAML loader with limits, and output-name templates.

Parameter files (``parameters/*.yaml``) are small and written by people, but a batch may be run
unattended on a file anyone could have edited. :class:`LimitedLoader` and :func:`node_problems`
refuse, before anything walks or constructs the values, what could exhaust time or memory (an
alias bomb, deep nesting, a huge file) and any tag beyond plain data; :func:`fill_template` fills
``output``/``title`` templates with plain ``{name}`` fields only (``str.format`` would accept
``{year:>300000000}`` or ``{year.__class__}``).
"""

from __future__ import annotations

import string
from typing import Any

import yaml

_TAG = "tag:yaml.org,2002:"

#: Limits of a parameter file. A batch or brief file is a few hundred bytes; the limits refuse a
#: file made to exhaust time or memory (a "billion laughs" alias bomb: each alias doubling the
#: one before, 1 KB of YAML expands to 10⁹ values) before anything walks or constructs it.
MAX_FILE_BYTES = 256 * 1024
#: Aliases (``*name``) per file.
MAX_ALIASES = 100
#: Nodes once every alias is expanded (what constructing the values would build).
MAX_NODES = 50_000
#: Nesting depth of lists and mappings.
MAX_DEPTH = 40
#: YAML tags a parameter file may use (the safe loader's plain types). ``!!python/object``,
#: ``!!binary``, ``!!set`` or a custom ``!tag`` are refused by name.
ALLOWED_TAGS = frozenset(
    _TAG + t for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
)


class TooBig(yaml.YAMLError):
    """A parameter file beyond :data:`MAX_ALIASES` or :data:`MAX_DEPTH`."""


class LimitedLoader(yaml.SafeLoader):
    """The safe loader, counting aliases and nesting while it composes (so a bomb stops early)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise TooBig(f"more than {MAX_ALIASES} aliases (*name): refused")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise TooBig(f"lists/mappings nested deeper than {MAX_DEPTH} levels: refused")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def node_problems(root_node: yaml.Node) -> list[tuple[yaml.Node, str]]:
    """Tags outside :data:`ALLOWED_TAGS`, and an expanded size above :data:`MAX_NODES`.

    The expanded size is computed once per distinct node (aliases share nodes), so this takes
    time linear in the file, however many values the aliases would make.
    """
    size: dict[int, int] = {}
    bad: list[tuple[yaml.Node, str]] = []
    stack: list[tuple[yaml.Node, bool]] = [(root_node, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in size:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [x for pair in node.value for x in pair]
        if not done:
            if node.tag not in ALLOWED_TAGS:
                bad.append(
                    (
                        node,
                        f"YAML tag {node.tag.replace(_TAG, '!!')!r} is not allowed "
                        "(only plain text, numbers, true/false, null, lists and mappings)",
                    )
                )
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in size)
            continue
        size[id(node)] = min(1 + sum(size.get(id(c), 1) for c in children), MAX_NODES + 1)
    if size.get(id(root_node), 0) > MAX_NODES:
        bad.append((root_node, f"more than {MAX_NODES} values once aliases are expanded: refused"))
    return bad


#: Longest product name (UTF-8 bytes): file systems allow 255 per name, with room for suffixes.
MAX_NAME_BYTES = 200


def fill_template(template: str, values: dict[str, Any]) -> str:
    """Fill an ``output``/``title`` template: plain ``{name}`` fields of known names only.

    A field is replaced by the value's text (``str``). Format specs (``{year:>9}``),
    conversions (``{year!r}``), attribute or index access (``{year.__class__}``,
    ``{regions[0]}``) and unknown names are refused: a template must not make a huge or
    surprising name, nor reach into the values' objects. ``{{``/``}}`` stand for braces.

    Raises
    ------
    ValueError
        Naming the offending field and the names allowed.

    Examples
    --------
    >>> fill_template("domain-{domain}", {"domain": "health"})
    'domain-health'
    >>> fill_template("x{year:>300000000}", {"year": 2025})
    Traceback (most recent call last):
    ...
    ValueError: field '{year:>300000000}' has a format spec; write plain {year}
    """
    out = []
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(
            f"malformed template {template!r} ({exc}); write fields as {{name}}"
        ) from None
    for literal, field_name, spec, conversion in parts:
        out.append(literal)
        if field_name is None:
            continue
        if field_name == "":
            raise ValueError("empty field '{}': name a parameter, e.g. {domain}")
        whole = "{" + field_name + (f"!{conversion}" if conversion else "")
        whole += (f":{spec}" if spec else "") + "}"
        if conversion:
            raise ValueError(f"field {whole!r} has a conversion; write plain {{{field_name}}}")
        if spec:
            raise ValueError(f"field {whole!r} has a format spec; write plain {{{field_name}}}")
        if field_name not in values:
            known = ", ".join(sorted(values)) or "(none)"
            what = (
                "attribute or index access is not allowed"
                if not field_name.isidentifier()
                else "unknown name"
            )
            raise ValueError(f"field {whole!r}: {what}; names: {known}")
        out.append(str(values[field_name]))
    return "".join(out)
