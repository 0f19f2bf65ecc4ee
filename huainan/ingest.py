"""Take officials' monitoring tables into the append-only store, validating everything first.

:func:`ingest` reads a CSV or Excel file (via :func:`huainan.tables.read_raw`, so every encoding,
layout and placeholder rule of :func:`read_table` applies), resolves each row to a key
``(region_code, indicator, year, area)`` and a value in the indicator's unit, checks all rows, and
only then appends them to the store (:mod:`huainan.monitoring`). Any problem → an
:class:`~huainan.errors.IngestError` listing every bad row and the store byte-identical to before.

Accepted layouts (column names after NFKC; a unit in brackets in a header applies to the column):

- **long**: ``区划代码`` and/or ``地区``, ``指标`` and/or ``指标ID``, ``年份`` (or ``year=`` for a
  file without one), ``数值``, optional ``单位``, ``城乡`` (合计/城镇/乡村), ``数据来源``, ``备注``;
- **wide**: the same label columns with one column per year (``2021`` … or ``2021年``) instead
  of ``年份``/``数值`` — the layout of the Excel template (:func:`huainan.template.write_template`),
  which is read sheet by sheet.

Indicators are looked up by id or Chinese name in the plan (专栏2 indicators and the project
metrics of 专栏4–13) and the statistics catalogue (:func:`huainan.stats.indicator_catalog`), after
NFKC, without spaces and with a trailing unit in brackets split off (``城镇新增就业（万人）``). A
name that matches nothing is an error that lists the closest names — never a silent guess. Units
may come from the ``单位`` column, the header, the indicator name or the cell (``3.6万人``,
``0.61万``); they must agree where several are given, and the value is converted exactly into the
indicator's unit (:mod:`huainan.units`).
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import math
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from huainan import monitoring, plan, regions, stats
from huainan.errors import DataValidationError, IngestError, UnitError
from huainan.tables import (
    MISSING_REASONS,
    NotATableError,
    RawTable,
    normalize_text,
    parse_cell,
    read_raw,
    read_table,
    sheet_names,
    typo_hint,
)
from huainan.units import BASES, conversion_factor, convert, parse_unit, split_quantity

__all__ = [
    "IngestReport", "StoreCheck", "catalogue", "ingest", "read_table", "resolve_indicator",
    "resolve_region", "validate_store",
]

#: Years a monitoring value may carry: the same as the statistics (:data:`huainan.stats.YEAR_RANGE`,
#: the 2010 census to 2025, the plan's last year).
YEAR_RANGE: tuple[int, int] = stats.YEAR_RANGE

_ROLES: dict[str, tuple[str, ...]] = {
    "region_code": ("区划代码", "行政区划代码", "代码", "region_code"),
    "region_name": ("地区", "地区名称", "区县", "县区", "县(区)", "region"),
    "indicator": ("指标", "指标名称", "indicator"),
    "indicator_id": ("指标ID", "指标id", "指标编号", "indicator_id"),
    "year": ("年份", "年度", "year"),
    "value": ("数值", "值", "数据", "value"),
    "unit": ("单位", "计量单位", "unit"),
    "area": ("城乡", "area"),
    "source": ("数据来源", "来源", "资料来源", "source"),
    "note": ("备注", "说明", "note"),
}
_AREAS = {"合计": "total", "全部": "total", "总计": "total", "total": "total", "": "total",
          "城镇": "urban", "城市": "urban", "urban": "urban", "乡村": "rural", "农村": "rural",
          "rural": "rural"}
_YEAR_HEADER = re.compile(r"^(?P<year>(?:19|20)[0-9]{2})(?:年)?(?:\((?P<unit>[^()]+)\))?$")
_TRAILING_BRACKET = re.compile(r"^(?P<name>.*\S)\((?P<inner>[^()]+)\)$")


# --------------------------------------------------------------------------------------------
# The indicator catalogue
# --------------------------------------------------------------------------------------------


def _key(text: str) -> str:
    """Matching key of a name or id: NFKC, no whitespace or quotes, ASCII lower-cased."""
    return re.sub(r"[\s“”‘’\"']", "", normalize_text(text)).lower()


def catalogue() -> pd.DataFrame:
    """Return every indicator a monitoring value may be stored under.

    Returns
    -------
    pandas.DataFrame
        One row per indicator id: ``indicator`` (id), ``name_zh``, ``unit`` (the unit values are
        stored in), ``domain``, ``origin`` (``专栏2``, the project's section, or ``stats``),
        ``names`` (tuple of accepted Chinese names), ``units`` (tuple of unit spellings that mean
        the stored unit, e.g. ``("个", "个/千人")`` for nursery places per 1,000 residents, which
        专栏2 prints as 个 and 专栏8 as 个/千人), ``ids`` (tuple: the id and ids that mean the
        same quantity, e.g. a project metric repeating a 专栏2 indicator), ``max_value`` (float,
        the catalogue's upper bound such as 100 for shares; NaN when none is declared).

    Raises
    ------
    DataValidationError
        If two sources give one id different units that are not the same quantity.

    Examples
    --------
    >>> cat = catalogue().set_index("indicator")
    >>> cat.at["new_urban_jobs", "unit"], cat.at["nursery_places_per_1000", "units"]
    ('万人', ('个', '个/千人'))
    """
    entries: dict[str, dict] = {}

    def add(ident, name, unit, domain, origin, *, alias_of=None):
        target = alias_of or ident
        if target not in entries:
            entries[target] = {"indicator": target, "name_zh": name, "unit": unit,
                               "domain": domain, "origin": origin, "names": [], "units": [unit],
                               "ids": [target]}
        e = entries[target]
        if name and name not in e["names"]:
            e["names"].append(name)
        if ident not in e["ids"]:
            e["ids"].append(ident)
        if unit not in e["units"]:
            if alias_of is None and origin == "stats":
                raise DataValidationError(
                    f"indicator {target!r} has unit {e['unit']!r} in {e['origin']} but "
                    f"{unit!r} in the statistics catalogue", column="unit", value=unit)
            e["units"].append(unit)

    ind = plan.indicators()
    for r in ind.itertuples():
        add(r.indicator_id, r.name_zh, r.unit, r.domain, r.source)
        add(r.indicator_id, normalize_text(r.name_printed), r.unit, r.domain, r.source)
    proj = plan.projects()
    for r in proj.drop_duplicates("metric_id").itertuples():
        linked = r.indicator_id if isinstance(r.indicator_id, str) else None
        add(r.metric_id, normalize_text(r.metric_zh), r.unit, r.domain, r.section,
            alias_of=linked)
    for r in stats.indicator_catalog().itertuples():
        add(r.id, r.name_zh, r.unit, r.domain, "stats")
        for alias in (r.aliases if isinstance(r.aliases, str) else "").split(";"):
            if alias.strip():
                add(r.id, normalize_text(alias), r.unit, r.domain, "stats")
        entries[r.id]["max_value"] = pd.to_numeric(r.max_value, errors="coerce")
    out = pd.DataFrame([
        {**{k: e[k] for k in ("indicator", "name_zh", "unit", "domain", "origin")},
         "names": tuple(e["names"]), "units": tuple(e["units"]), "ids": tuple(e["ids"]),
         "max_value": float(e.get("max_value", math.nan))}
        for e in entries.values()
    ])
    return out


class _IndicatorIndex:
    """Name/id → indicator lookup over a :func:`catalogue` (built once per ingest)."""

    def __init__(self, cat: pd.DataFrame):
        self.cat = cat
        self.table: dict[str, set[str]] = {}
        self.names: dict[str, tuple[str, str, str]] = {}
        self.units = {u for units in cat["units"] for u in units}
        for r in cat.itertuples():
            for text in (*r.ids, *r.names):
                self.table.setdefault(_key(text), set()).add(r.indicator)
            for n in r.names:
                self.names.setdefault(_key(n), (n, r.indicator, r.unit))

    def _is_unit(self, text: str) -> bool:
        text = text.replace(" ", "")
        if text in self.units:
            return True
        u = parse_unit(text)
        return u.base == "ratio" or u.factor != 1 or u.base in BASES

    def resolve(self, text: str) -> tuple[str, str | None]:
        norm = normalize_text(text)
        tries: list[tuple[str, str | None]] = [(norm, None)]
        m = _TRAILING_BRACKET.match(norm)
        if m and self._is_unit(m["inner"]):
            tries.insert(0, (m["name"], m["inner"].replace(" ", "")))
        for name, unit in tries:
            hit = self.table.get(_key(name))
            if hit and len(hit) == 1:
                return next(iter(hit)), unit
            if hit:
                raise IngestError(f"the name {text!r} fits several indicators {sorted(hit)}; "
                                  "use the id (指标ID) instead", value=text)
        close = difflib.get_close_matches(_key(tries[0][0]), list(self.names), n=4, cutoff=0.5)
        hint = "; ".join(f"{self.names[k][0]} ({self.names[k][1]}, {self.names[k][2]})"
                         for k in close)
        raise IngestError(
            "unknown indicator" + (f"; closest known names: {hint}" if hint else "")
            + ". Use a name or id from the plan or the statistics catalogue "
            "(huainan.ingest.catalogue()); names are never guessed",
            value=text,
        )


def resolve_indicator(text: str, cat: pd.DataFrame | None = None) -> tuple[str, str | None]:
    """Return the indicator id a name or id stands for, and a unit written in brackets after it.

    Parameters
    ----------
    text : str
        An id (``new_urban_jobs``) or Chinese name (``城镇新增就业``, ``城镇新增就业（万人）``,
        ``每千人口执业 (助理) 医师数``).
    cat : DataFrame, optional
        :func:`catalogue` (default: built now).

    Returns
    -------
    (str, str or None)

    Raises
    ------
    IngestError
        Unknown name (the message lists the closest known names with their ids and units) or a
        name shared by several indicators.

    Examples
    --------
    >>> resolve_indicator("城镇新增就业（万人）")
    ('new_urban_jobs', '万人')
    >>> resolve_indicator(" 每千人口执业 (助理) 医师数 ")
    ('physicians_per_1000', None)
    """
    return _IndicatorIndex(catalogue() if cat is None else cat).resolve(text)


# --------------------------------------------------------------------------------------------
# Regions
# --------------------------------------------------------------------------------------------


class _RegionIndex:
    """Code/name → region code lookup over :func:`huainan.regions.regions`."""

    def __init__(self):
        r = regions.regions()
        self.codes = dict(zip(r["code"], r["name_zh"], strict=True))
        self.by_name = {n: c for c, n in self.codes.items()}
        for n, c in list(self.by_name.items()):
            short = re.sub(r"(?:区|县|市|省)$", "", n)
            if len(short) >= 2 and short not in self.by_name:
                self.by_name[short] = c
        self.by_name["全市"] = regions.CITY_CODE

    def resolve(self, code: str | None, name: str | None) -> str:
        out = None
        if code:
            c = re.sub(r"\.0$", "", code.strip())
            if c not in self.codes:
                raise IngestError("unknown region code; known codes: "
                                  + ", ".join(f"{k} {v}" for k, v in self.codes.items()),
                                  value=code)
            out = c
        if name:
            n = normalize_text(name).replace(" ", "")
            if n not in self.by_name:
                raise IngestError("unknown region name; known regions: "
                                  + "、".join(self.codes.values()), value=name)
            if out is not None and self.by_name[n] != out:
                raise IngestError(f"region code {out} is {self.codes[out]}, but the name says "
                                  f"{name!r} ({self.by_name[n]})", value=name)
            out = self.by_name[n]
        if out is None:
            raise IngestError("no region given (区划代码 or 地区)")
        return out


def resolve_region(code: str | None, name: str | None) -> str:
    """Return the 6-digit code of a region given its code, its Chinese name, or both.

    Names may drop the 区/县/市 suffix (``凤台`` → 340421); ``全市`` means the city (340400).
    When both are given they must name the same region.

    Raises
    ------
    IngestError
        Unknown code or name, or code and name that disagree.

    Examples
    --------
    >>> resolve_region("340421", "凤台县"), resolve_region(None, "凤台")
    ('340421', '340421')
    >>> resolve_region("340400", None)
    '340400'
    """
    return _RegionIndex().resolve(code, name)


# --------------------------------------------------------------------------------------------
# Reading a file into candidate observations
# --------------------------------------------------------------------------------------------


@dataclass
class _Problems:
    path: str
    items: list[IngestError] = field(default_factory=list)

    def add(self, message, *, row=None, column=None, value=None, cause=None):
        if isinstance(cause, DataValidationError):
            message = f"{message}: {cause.reason}" if message else cause.reason
            value = cause.value if value is None else value
        self.items.append(IngestError(message, path=self.path, row=row, column=column,
                                      value=value))

    def raise_if_any(self):
        if not self.items:
            return
        first = self.items[0]
        lines = "\n".join(f"  - {_where(e)}" for e in self.items[:30])
        more = f"\n  … and {len(self.items) - 30} more" if len(self.items) > 30 else ""
        err = IngestError(
            f"{len(self.items)} problem(s) found, nothing was written:\n{lines}{more}",
            path=self.path,
        )
        err.row, err.column, err.value = first.row, first.column, first.value
        err.problems = list(self.items)
        raise err


def _where(e: IngestError) -> str:
    """One problem as a line: ``row 3, column '指标': unknown indicator (cell text: '…')``."""
    parts = [p for p in (f"row {e.row}" if e.row is not None else "",
                         f"column {e.column!r}" if e.column is not None else "") if p]
    text = (", ".join(parts) + ": " if parts else "") + e.reason
    return text + (f" (cell text: {e.value!r})" if e.value is not None else "")


def _roles(columns: list[str]) -> tuple[dict[str, str], dict[str, str | None], dict[str, int]]:
    """Map roles to columns; return (role → column, role → unit in header, year col → year)."""
    found: dict[str, str] = {}
    header_units: dict[str, str | None] = {}
    years: dict[str, int] = {}
    for col in columns:
        m = _YEAR_HEADER.match(col.replace(" ", ""))
        if m:
            years[col] = int(m["year"])
            header_units[col] = m["unit"]
            continue
        base, unit = col, None
        b = _TRAILING_BRACKET.match(col)
        if b:
            base, unit = b["name"], b["inner"]
        for role, names in _ROLES.items():
            if (base in names or col in names) and role not in found:
                found[role] = col
                header_units[col] = unit if base in names and col not in names else None
                break
    return found, header_units, years


@dataclass
class _Candidate:
    row: int
    column: str
    region_code: str
    indicator: str
    year: int
    area: str
    value: float
    unit: str
    source: str | None
    note: str | None
    source_ref: str


def _cell_value(text: str, original: str, declared: str | None, canonical: str,
                accepted: tuple[str, ...]) -> float:
    """Parse a value cell (``3.6万人``, ``95.6%``, ``41.5``) into a float in ``canonical`` units."""
    number, cell_unit = split_quantity(text)
    parsed = parse_cell(number)
    if parsed.kind != "number":
        hint = typo_hint(text)
        raise IngestError("not a number" + (f"; {hint}" if hint else ""), value=original)
    if cell_unit and declared and parse_unit(cell_unit).text != parse_unit(declared).text:
        raise IngestError(f"the cell says {cell_unit!r} but the unit given for it is "
                          f"{declared!r}; keep one of them", value=original)
    unit = cell_unit or declared
    if not unit:
        raise IngestError(f"no unit: add a 单位 column, put the unit in the header, or write it "
                          f"in the cell (this indicator is stored in {canonical!r})",
                          value=original)
    if parse_unit(unit).text in accepted:
        return parsed.value + 0.0  # -0 → 0
    try:
        conversion_factor(unit, canonical)
    except UnitError as exc:
        raise IngestError(f"unit {unit!r} cannot be converted to {canonical!r}, the unit this "
                          "indicator is stored in", value=original) from exc
    if parse_unit(unit).base == "" and parse_unit(canonical).base not in ("", "ratio"):
        unit = parse_unit(unit).text + parse_unit(canonical).base
    return convert(parsed.value, unit, canonical) + 0.0


def _read_sheet(raw: RawTable, path: Path, sheet: str | None, year: int | None,
                cat: pd.DataFrame, problems: _Problems, counts: dict, warnings: list[str],
                skipped: list[str]) -> list[_Candidate]:
    roles, header_units, years = _roles(raw.columns)
    letters = raw.attrs["column_letters"]
    where = f"sheet {sheet!r}: " if sheet else ""
    if "indicator" not in roles and "indicator_id" not in roles:
        problems.add(f"{where}no 指标 (indicator) column; the columns are {raw.columns}")
        return []
    if "region_code" not in roles and "region_name" not in roles:
        problems.add(f"{where}no 区划代码 or 地区 (region) column; the columns are "
                     f"{raw.columns}")
        return []
    if "value" in roles:
        if "year" not in roles and year is None:
            problems.add(f"{where}no 年份 (year) column: add one, or pass year= "
                         "(huainan ingest --year) when the whole file is one year")
            return []
        if "year" in roles and year is not None:
            problems.add(f"{where}the file has a 年份 column and year={year} was given too; "
                         "drop one")
            return []
        value_cols = [roles["value"]]
    elif years:
        value_cols = list(years)
        if year is not None:
            problems.add(f"{where}year={year} was given but the file has a column per year")
            return []
    else:
        problems.add(f"{where}no 数值 (value) column and no year columns (2021, 2022年 …); "
                     f"the columns are {raw.columns}")
        return []
    ignored = [c for c in raw.columns if c not in {*roles.values(), *value_cols}]
    if ignored:
        warnings.append(f"{where}columns not read (not a known column name): {ignored}")
    idx = {c: i for i, c in enumerate(raw.columns)}
    by_id = cat.set_index("indicator")
    indicators, places = _IndicatorIndex(cat), _RegionIndex()
    name = path.name
    out: list[_Candidate] = []
    for rnum, cells in raw.rows:
        def cell(role, cells=cells):
            return cells[idx[roles[role]]] if role in roles else ""

        if not any(cells[idx[c]] for c in value_cols) and not any(
            cells[idx[roles[r]]] for r in ("indicator", "indicator_id") if r in roles
        ):
            continue  # an empty line of a template or a section label
        try:
            region = places.resolve(cell("region_code") or None, cell("region_name") or None)
        except IngestError as exc:
            problems.add("", row=rnum, column=roles.get("region_code", roles.get("region_name")),
                         cause=exc)
            continue
        try:
            ids = set()
            name_unit = None
            if cell("indicator_id"):
                ids.add(indicators.resolve(cell("indicator_id"))[0])
            if cell("indicator"):
                ident, name_unit = indicators.resolve(cell("indicator"))
                ids.add(ident)
            if not ids:
                raise IngestError("no indicator given")
            if len(ids) > 1:
                raise IngestError(f"指标ID and 指标 name different indicators {sorted(ids)}")
        except IngestError as exc:
            problems.add("", row=rnum, column=roles.get("indicator", roles.get("indicator_id")),
                         cause=exc)
            continue
        ident = ids.pop()
        info = by_id.loc[ident]
        area_text = normalize_text(cell("area")).replace(" ", "")
        if area_text not in _AREAS:
            problems.add("area must be 合计, 城镇 or 乡村", row=rnum, column=roles.get("area"),
                         value=cell("area"))
            continue
        declared = [u for u in (cell("unit"), name_unit) if u]
        for value_col in value_cols:
            text = cells[idx[value_col]]
            original = raw.originals[rnum][idx[value_col]]
            col_year = years.get(value_col)
            if "year" in roles:
                ytext = re.sub(r"(?:\.0|年)$", "", cell("year"))
                if not re.fullmatch(r"[0-9]{4}", ytext):
                    problems.add("year must be a 4-digit year", row=rnum, column=roles["year"],
                                 value=cell("year"))
                    break
                col_year = int(ytext)
            the_year = col_year if col_year is not None else year
            if not YEAR_RANGE[0] <= the_year <= YEAR_RANGE[1]:
                problems.add(f"year outside {YEAR_RANGE[0]}–{YEAR_RANGE[1]}", row=rnum,
                             column=roles.get("year", value_col), value=str(the_year))
                break
            parsed = parse_cell(text)
            if parsed.kind == "placeholder":
                counts["blank" if parsed.reason == "blank" else "placeholder"] += 1
                if parsed.reason != "blank":
                    skipped.append(
                        f"row {rnum}, column {value_col!r}: {original!r} "
                        f"({MISSING_REASONS[parsed.reason]}) — not stored"
                    )
                continue
            units = declared + ([header_units[value_col]] if header_units.get(value_col) else [])
            if len({parse_unit(u).text for u in units}) > 1:
                problems.add(f"the units given disagree: {units}", row=rnum, column=value_col,
                             value=original)
                continue
            try:
                value = _cell_value(text, original, units[0] if units else None, info["unit"],
                                    info["units"])
            except (IngestError, UnitError) as exc:
                problems.add("", row=rnum, column=value_col, cause=exc)
                continue
            if value < 0:
                problems.add("negative value", row=rnum, column=value_col, value=original)
                continue
            if value > info["max_value"]:  # False when no bound (NaN)
                problems.add(f"above the largest possible value {info['max_value']:g} "
                             f"{info['unit']}", row=rnum, column=value_col, value=original)
                continue
            if info["unit"] == "%" and 0 < value <= 1 and "%" not in text:
                warnings.append(f"row {rnum}, column {value_col!r}: {original!r} for a % "
                                "indicator looks like a fraction; percent figures are stored "
                                "(95.6, not 0.956)")
            counts["read"] += 1
            ref = (f"{name} [{sheet}] {letters[value_col]}{rnum}" if sheet
                   else f"{name} line {rnum}")
            out.append(_Candidate(rnum, value_col, region, ident, the_year,
                                  _AREAS[area_text], value, info["unit"],
                                  cell("source") or None, cell("note") or None, ref))
    return out


# --------------------------------------------------------------------------------------------
# Ingest
# --------------------------------------------------------------------------------------------


@dataclass
class IngestReport:
    """What :func:`ingest` read and did.

    Attributes
    ----------
    path, sha256, store : str
        The file, its SHA-256 and the store folder.
    dry_run : bool
        True when nothing was written on purpose.
    sheets : list of str
        Sheets read (Excel); ``skipped_sheets`` those without data columns (e.g. 填表说明).
    encoding : str or None
        Detected text encoding (CSV).
    rows_read : int
        Values read (non-blank value cells).
    rows_new, rows_superseding, rows_unchanged : int
        Keys not in the store yet; keys whose stored value this file changes (a new revision);
        values equal to what is stored (not written again).
    blank_cells : int
        Empty value cells (normal in a template).
    skipped : list of str
        Placeholder cells (``—`` …) that were read and not stored, one line each.
    warnings : list of str
        Things to check that did not stop the ingest.
    rows : pandas.DataFrame
        The validated values: the store columns plus ``status`` (``new`` | ``superseding`` |
        ``unchanged``) and ``file_row``.
    """

    path: str
    sha256: str
    store: str
    dry_run: bool
    sheets: list[str]
    skipped_sheets: list[str]
    encoding: str | None
    rows_read: int
    rows_new: int
    rows_superseding: int
    rows_unchanged: int
    blank_cells: int
    skipped: list[str]
    warnings: list[str]
    rows: pd.DataFrame

    @property
    def rows_written(self) -> int:
        """Lines appended to the store (0 for a dry run)."""
        return 0 if self.dry_run else self.rows_new + self.rows_superseding

    def summary(self) -> str:
        """A short Chinese + English account for the command line."""
        head = "试运行（未写入）/ dry run, nothing written" if self.dry_run else \
            f"已写入 / written: {self.rows_written} 行 → {self.store}"
        lines = [
            f"文件 / file: {self.path} (sha256 {self.sha256[:12]}…"
            + (f", {self.encoding}" if self.encoding else "") + ")",
            f"读取数值 / values read: {self.rows_read}  "
            f"新增 / new: {self.rows_new}  更新 / superseding: {self.rows_superseding}  "
            f"未变 / unchanged: {self.rows_unchanged}  空白 / blank cells: {self.blank_cells}",
            head,
        ]
        if self.sheets:
            lines.insert(1, f"工作表 / sheets: {', '.join(self.sheets)}"
                         + (f" (跳过 / skipped: {', '.join(self.skipped_sheets)})"
                            if self.skipped_sheets else ""))
        for title, items in (("未入库的占位符 / placeholders not stored", self.skipped),
                             ("提示 / warnings", self.warnings)):
            if items:
                lines.append(f"{title} ({len(items)}):")
                lines.extend(f"  - {s}" for s in items[:20])
                if len(items) > 20:
                    lines.append(f"  … {len(items) - 20} more")
        return "\n".join(lines)


def ingest(
    path: str | os.PathLike,
    *,
    store: str | os.PathLike | None = None,
    dry_run: bool = False,
    year: int | None = None,
) -> IngestReport:
    """Validate a monitoring file and append its values to the store.

    Parameters
    ----------
    path : path
        CSV/TXT (any encoding :func:`huainan.tables.decode_bytes` accepts) or XLSX (every visible
        sheet with 指标 and region columns is read; other sheets, such as the template's 填表说明,
        are skipped and listed in the report; hidden sheets are not read). Layouts: module
        docstring.
    store : path, optional
        Store folder; default ``<data>/monitoring`` (:func:`huainan.monitoring.store_dir`).
    dry_run : bool, default False
        Validate and report without writing.
    year : int, optional
        The year of every value, for long files without a 年份 column.

    Returns
    -------
    IngestReport

    Raises
    ------
    IngestError
        Anything wrong in the file: the message lists every problem (row, column, cell text) and
        the store is left byte-identical. Placeholder cells (``—``, ``…``, ``x`` …) are not
        errors: they are listed in ``report.skipped`` and not stored.
    DataValidationError
        If the existing store is malformed (fix that first: ``huainan validate``).

    Notes
    -----
    Every value is checked before the first byte is written; the store is then extended in one
    atomic replace (temporary file, fsync, :func:`os.replace`) under a lock. A value for a key
    already stored is appended as the next revision when it differs, and skipped when equal; no
    line is ever removed.
    """
    path = Path(path)
    data = path.read_bytes() if path.exists() else None
    if data is None:
        raise IngestError("file not found", path=path)
    sha = hashlib.sha256(data).hexdigest()
    cat = catalogue()
    problems = _Problems(str(path))
    counts = {"read": 0, "blank": 0, "placeholder": 0}
    warnings: list[str] = []
    skipped: list[str] = []
    sheets = sheet_names(path)
    used, skipped_sheets, encoding = [], [], None
    candidates: list[_Candidate] = []
    for sheet in sheets or [None]:
        try:
            raw = read_raw(path, sheet=sheet)
        except NotATableError:
            if sheet is not None and len(sheets) > 1:
                skipped_sheets.append(sheet)
                continue
            raise
        roles, _, _ = _roles(raw.columns)
        if sheet is not None and len(sheets) > 1 and not (
            {"indicator", "indicator_id"} & set(roles)
        ):
            skipped_sheets.append(sheet)
            continue
        encoding = raw.attrs["encoding"]
        warnings.extend(raw.attrs["warnings"])
        if sheet is not None:
            used.append(sheet)
        candidates += _read_sheet(raw, path, sheet, year, cat, problems, counts, warnings,
                                  skipped)
    if sheets and not used and not problems.items:
        problems.add(f"no sheet has 指标 and 地区/区划代码 columns (sheets: {sheets})")
    seen: dict[tuple, _Candidate] = {}
    for c in candidates:
        key = (c.region_code, c.indicator, c.year, c.area)
        if key in seen:
            first = seen[key]
            problems.add(f"a second value for {regions.name(c.region_code)} {c.indicator} "
                         f"{c.year} (first at {first.source_ref})", row=c.row, column=c.column)
        else:
            seen[key] = c
    problems.raise_if_any()

    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    rows = pd.DataFrame({
        "region_code": [c.region_code for c in candidates],
        "year": pd.Series([c.year for c in candidates], dtype="int64"),
        "area": [c.area for c in candidates],
        "indicator": [c.indicator for c in candidates],
        "unit": [c.unit for c in candidates],
        "value": pd.Series([c.value for c in candidates], dtype="float64"),
        "source": [c.source or f"监测填报 monitoring return: {path.name}" for c in candidates],
        "source_ref": [c.source_ref for c in candidates],
        "note": [c.note for c in candidates],
        "revision": pd.Series([1] * len(candidates), dtype="int64"),
        "ingested_at": stamp,
        "source_file": path.name,
        "source_sha256": sha,
        "status": "new",
        "file_row": pd.Series([c.row for c in candidates], dtype="int64"),
    })
    # A dry run only reads (the store is replaced atomically, so an unlocked read is consistent)
    # and creates nothing, not even the lock file.
    with contextlib.nullcontext() if dry_run else monitoring.locked(store):
        stored = monitoring.current(monitoring.read_store(store))
        latest = {
            (r.region_code, r.indicator, r.year, r.area): (r.revision, r.value)
            for r in stored.itertuples()
        }
        for i, c in enumerate(candidates):
            prev = latest.get((c.region_code, c.indicator, c.year, c.area))
            if prev is None:
                continue
            if prev[1] == c.value:
                rows.loc[i, "status"] = "unchanged"
            else:
                rows.loc[i, "status"] = "superseding"
                rows.loc[i, "revision"] = prev[0] + 1
        to_write = rows[rows["status"] != "unchanged"]
        if not dry_run and not to_write.empty:
            monitoring.append(to_write, store)
    status = rows["status"].value_counts()
    return IngestReport(
        path=str(path), sha256=sha, store=str(monitoring.store_dir(store)), dry_run=dry_run,
        sheets=used, skipped_sheets=skipped_sheets, encoding=encoding,
        rows_read=counts["read"], rows_new=int(status.get("new", 0)),
        rows_superseding=int(status.get("superseding", 0)),
        rows_unchanged=int(status.get("unchanged", 0)), blank_cells=counts["blank"],
        skipped=skipped, warnings=warnings, rows=rows,
    )


# --------------------------------------------------------------------------------------------
# Re-checking the store
# --------------------------------------------------------------------------------------------


@dataclass
class StoreCheck:
    """Result of :func:`validate_store`.

    Attributes
    ----------
    path : str
        The store file.
    lines : int
        Value lines stored (all revisions); ``keys`` distinct keys; ``superseded`` lines that a
        later revision replaced.
    problems : list of str
        Everything wrong (empty when the store is sound).
    stats_rows : int or None
        Rows of :func:`huainan.stats.observations` loaded and validated (None when they failed
        validation; the error is then one of ``problems``).
    """

    path: str
    lines: int
    keys: int
    superseded: int
    problems: list[str]
    stats_rows: int | None

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems


def validate_store(store: str | os.PathLike | None = None) -> StoreCheck:
    """Re-check everything stored: the monitoring store, then the statistics tables.

    Checks, line by line: the format (:func:`huainan.monitoring.read_store`), region codes known,
    indicator ids in :func:`catalogue`, each value in its indicator's stored unit, revisions of
    each key numbered 1, 2, … in file order, ingest times never going backwards. Then loads
    :func:`huainan.stats.observations`, which validates the statistics on load.

    Returns
    -------
    StoreCheck
        With every problem found (the function does not stop at the first).
    """
    path = monitoring.store_file(store)
    problems: list[str] = []
    try:
        rows = monitoring.read_store(store)
    except DataValidationError as exc:
        rows = None
        problems.append(str(exc))
    lines = keys = superseded = 0
    if rows is not None and not rows.empty:
        lines = len(rows)
        codes = set(regions.regions()["code"])
        cat = catalogue().set_index("indicator")
        for line, r in rows.iterrows():
            where = f"{path}, line {line}"
            if r["region_code"] not in codes:
                problems.append(f"{where}: unknown region code {r['region_code']!r}")
            if r["indicator"] not in cat.index:
                problems.append(f"{where}: unknown indicator {r['indicator']!r}")
            elif r["unit"] != cat.at[r["indicator"], "unit"]:
                problems.append(f"{where}: unit {r['unit']!r} but {r['indicator']} is stored in "
                                f"{cat.at[r['indicator'], 'unit']!r}")
            if r["value"] < 0:
                problems.append(f"{where}: negative value {r['value']!r}")
            elif r["indicator"] in cat.index and r["value"] > cat.at[r["indicator"], "max_value"]:
                problems.append(f"{where}: value {r['value']!r} above the catalogue's maximum "
                                f"{cat.at[r['indicator'], 'max_value']:g}")
            if not YEAR_RANGE[0] <= r["year"] <= YEAR_RANGE[1]:
                problems.append(f"{where}: year {r['year']} outside {YEAR_RANGE[0]}–"
                                f"{YEAR_RANGE[1]}")
        for key, g in rows.groupby(list(monitoring.KEY), sort=False):
            revs = g["revision"].tolist()
            if revs != list(range(1, len(revs) + 1)):
                problems.append(f"{path}: key {key} has revisions {revs} in file order "
                                "(expected 1, 2, …)")
        keys = rows.groupby(list(monitoring.KEY)).ngroups
        superseded = lines - keys
        stamps = pd.to_datetime(rows["ingested_at"], utc=True, format="ISO8601")
        back = stamps.diff() < pd.Timedelta(0)
        if back.any():
            problems.append(f"{path}, line {back.idxmax()}: ingest time earlier than the line "
                            "before (lines were reordered or inserted by hand)")
    stats_rows = None
    try:
        stats_rows = len(stats.observations())
    except DataValidationError as exc:
        problems.append(f"statistics: {exc}")
    return StoreCheck(str(path), lines, keys, superseded, problems, stats_rows)

