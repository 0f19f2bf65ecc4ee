"""YAML values typed as a notebook expects them, and checked (domains, regions, cities, years).

:func:`_value` reads one YAML node as the notebook parameter's type (``0101`` stays text where the
notebook expects ``str``; an octal or base-60 integer is refused where it expects a number) and
returns every problem of it at once (:class:`_BadValue`, one message per bad item of a list).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from huainan.briefs.notebook_parameters import _DECIMAL_INT, NotebookParameter
from huainan.briefs.parameter_yaml import _rel
from huainan.plan import domains

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

_TAG = "tag:yaml.org,2002:"


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
