"""Take officials' monitoring tables into the append-only store, validating everything first.

:func:`ingest` reads a CSV or Excel file (via :func:`huainan.intake.reader.read_raw`, so every encoding,
layout and placeholder rule of :func:`read_table` applies), resolves each row to a key
``(region_code, indicator, year, area)`` and a value in the indicator's unit, checks all rows, and
only then appends them to the store (:mod:`huainan.evidence.monitoring`). Any problem → an
:class:`~huainan.errors.IngestError` listing every bad row and the store byte-identical to before.

Accepted layouts (column names after NFKC; a unit in brackets in a header applies to the column):

- **long**: ``区划代码`` and/or ``地区``, ``指标`` and/or ``指标ID``, ``年份`` (or ``year=`` for a
  file without one), ``数值``, optional ``单位``, ``城乡`` (合计/城镇/乡村), ``数据来源``, ``备注``;
- **wide**: the same label columns with one column per year (``2021`` … or ``2021年``, also
  under a merged ``年份`` heading: ``年份/2021``) instead of ``年份``/``数值`` — the layout of the
  Excel template (:func:`huainan.intake.template.write_template`), which is read sheet by sheet.

Indicators are looked up by id or Chinese name in the plan (专栏2 indicators and the project
metrics of 专栏4–13) and the statistics catalogue (:func:`huainan.evidence.stats.indicator_catalog`), after
NFKC, without spaces and with a trailing unit in brackets split off (``城镇新增就业（万人）``). A
name that matches nothing is an error that lists the closest names — never a silent guess. Units
may come from the ``单位`` column, the header, the indicator name or the cell (``3.6万人``,
``0.61万``) and, when none of these gives one, from the table's unit line (``单位：个/千人`` above
the header, :func:`huainan.intake.reader.read_raw`); they must agree where several are given, and the
value is converted exactly into the indicator's unit (:mod:`huainan.intake.units`). The converted value
must lie within the indicator's bounds (:data:`BOUNDS`: shares ≤ 100 %, rates per 1,000 ≤ 1,000,
counts ≥ 0, life expectancy 40–100 岁 …).

Every problem names the file and the place: ``row 5, column '数值'`` in a text file, the Excel
reference ``病有所医!H5`` (with the column name) in a workbook. The common messages are in
Chinese and English. The store folder must exist unless ``create_store=True``.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from huainan.errors import IngestError, UnitError
from huainan.evidence import monitoring, stats
from huainan.intake import checks
from huainan.intake.catalogue import (
    BOUNDS,
    Bound,
    IndicatorIndex,
    RegionIndex,
    catalogue,
    resolve_indicator,
    resolve_region,
)
from huainan.intake.excel import read_excel_grid
from huainan.intake.reader import (
    MISSING_REASONS,
    NotATableError,
    RawTable,
    explained_marker,
    footnote_marker,
    marker_message,
    parse_cell,
    read_raw,
    read_table,
    sheet_names,
    strip_marker,
    typo_hint,
)
from huainan.intake.report import Confirmation, IngestReport, Problems, Revision, problems_error
from huainan.intake.units import conversion_factor, convert, parse_unit, split_quantity
from huainan.plan import regions
from huainan.text import normalize_text

__all__ = [
    "BOUNDS",
    "COVER_FIELDS",
    "Bound",
    "IngestReport",
    "StoreCheck",
    "catalogue",
    "check",
    "ingest",
    "read_cover",
    "read_table",
    "resolve_indicator",
    "resolve_region",
    "validate_store",
]

#: Years a monitoring value may carry: the same as the statistics
#: (:data:`huainan.evidence.stats.YEAR_RANGE`, the 2010 census to 2025, the plan's last year).
YEAR_RANGE: tuple[int, int] = stats.YEAR_RANGE
#: The template's cover sheet and the fields read from it (stored with every value).
COVER_SHEET = "封面"
COVER_FIELDS: tuple[str, ...] = ("填报单位", "填报人", "审核人", "报送日期")
_COVER_COLUMNS = dict(
    zip(COVER_FIELDS, ("filed_by_unit", "filed_by", "reviewed_by", "filed_on"), strict=True)
)
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
_AREAS = {
    "合计": "total",
    "全部": "total",
    "总计": "total",
    "total": "total",
    "": "total",
    "城镇": "urban",
    "城市": "urban",
    "urban": "urban",
    "乡村": "rural",
    "农村": "rural",
    "rural": "rural",
}
# A year column: ``2023``, ``2023年``, ``2023年(万人)``, or under a merged 年份/年度/数值 heading
# (``年份/2023``: a two-row header joined by :func:`huainan.intake.reader.read_raw`).
_YEAR_HEADER = re.compile(
    r"^(?:(?:年份|年度|年|数值|值|数据)/)?(?P<year>(?:19|20)[0-9]{2})(?:年)?"
    r"(?:\((?P<unit>[^()]+)\))?$"
)
_TRAILING_BRACKET = re.compile(r"^(?P<name>.*\S)\((?P<inner>[^()]+)\)$")
_UNIT_LABEL = re.compile(r"^(?:计量)?单位\s*:\s*")  # 数值(单位:万人) → 万人
# Template columns that are shown to the officer but not read (baseline and target beside the
# input cells): not reported as unknown columns.
_SHOWN_ONLY = re.compile(r"^(?:全市)?(?:20[0-9]{2}年)?(?:基期值|目标值|目标|规划目标)(?:\(.*\))?$")


# --------------------------------------------------------------------------------------------
# Reading a file into candidate observations
# --------------------------------------------------------------------------------------------


def _roles(columns: list[str]) -> tuple[dict[str, str], dict[str, str | None], dict[str, int]]:
    """Map roles to columns; return (role → column, role → unit in header, year col → year)."""
    found: dict[str, str] = {}
    header_units: dict[str, str | None] = {}
    years: dict[str, int] = {}
    for col in columns:
        m = _YEAR_HEADER.match(col.replace(" ", ""))
        if m:
            years[col] = int(m["year"])
            header_units[col] = m["unit"] and _UNIT_LABEL.sub("", m["unit"])
            continue
        base, unit = col, None
        b = _TRAILING_BRACKET.match(col)
        if b:
            base, unit = b["name"], _UNIT_LABEL.sub("", b["inner"])
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
    place: tuple[str | None, str | None]  # (sheet, Excel cell) in a workbook, else (None, None)
    region_code: str
    indicator: str
    year: int
    area: str
    value: float
    unit: str
    source: str | None
    note: str | None
    source_ref: str
    confirmation: str = ""
    checks: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return (self.region_code, self.indicator, self.year, self.area)

    def where(self, path: str) -> str:
        if self.place[0] is not None and self.place[1]:
            return IngestError("", sheet=self.place[0], cell=self.place[1]).location
        return f"{Path(path).name} 第{self.row}行“{self.column}”列"


@dataclass
class _Sheet:
    """How one table is laid out: which column plays which role, where the values are."""

    raw: RawTable
    sheet: str | None
    roles: dict[str, str]
    header_units: dict[str, str | None]
    years: dict[str, int]
    value_cols: list[str]
    table_unit: str | None
    idx: dict[str, int]

    def cell(self, cells: list[str], role: str) -> str:
        return cells[self.idx[self.roles[role]]] if role in self.roles else ""

    def original(self, rnum: int, role: str) -> str:
        """The cell as typed (free text such as 数据来源 and 备注 is stored byte for byte)."""
        return self.raw.originals[rnum][self.idx[self.roles[role]]] if role in self.roles else ""


def _cell_value(
    text: str,
    original: str,
    declared: str | None,
    canonical: str,
    accepted: tuple[str, ...],
    table_unit: str | None = None,
) -> float:
    """Parse a value cell (``3.6万人``, ``95.6%``, ``41.5``) into a float in ``canonical`` units.

    The unit is the cell's own (``3.6万人``), else ``declared`` (单位 column, header, indicator
    name), else ``table_unit`` (the table's ``单位：…`` line).
    """
    number, cell_unit = split_quantity(text)
    parsed = parse_cell(number)
    if parsed.kind != "number":
        hint = typo_hint(text)
        raise IngestError("不是数字 / not a number" + (f"; {hint}" if hint else ""), value=original)
    if cell_unit and declared and parse_unit(cell_unit).text != parse_unit(declared).text:
        raise IngestError(
            f"the cell says {cell_unit!r} but the unit given for it is "
            f"{declared!r}; keep one of them (单元格中的单位与单位列不一致)",
            value=original,
        )
    unit = cell_unit or declared or table_unit
    origin = (
        " (from the table's 单位 line)"
        if unit and unit == table_unit and not (cell_unit or declared)
        else ""
    )
    if not unit:
        raise IngestError(
            f"缺少单位 / no unit: add a 单位 column, put the unit in the header "
            f"or in a 单位：… line above the table, or write it in the cell (this "
            f"indicator is stored in {canonical!r})",
            value=original,
        )
    if parse_unit(unit).text in accepted:
        return parsed.value + 0.0  # -0 → 0
    try:
        conversion_factor(unit, canonical)
    except UnitError as exc:
        raise IngestError(
            f"unit {unit!r}{origin} cannot be converted to {canonical!r}, the unit "
            "this indicator is stored in (单位无法换算)",
            value=original,
        ) from exc
    if parse_unit(unit).base == "" and parse_unit(canonical).base not in ("", "ratio"):
        unit = parse_unit(unit).text + parse_unit(canonical).base
    return convert(parsed.value, unit, canonical) + 0.0


def _sheet_plan(
    raw: RawTable, sheet: str | None, year: int | None, problems: Problems, warnings: list[str]
) -> _Sheet | None:
    """Find the label, year and value columns of a table; None (with a problem) if it has none."""
    roles, header_units, years = _roles(raw.columns)
    where = f"工作表“{sheet}”：" if sheet else ""
    if "indicator" not in roles and "indicator_id" not in roles:
        problems.add(f"缺少指标列 / no 指标 (indicator) column; the columns are {raw.columns}")
        return None
    if "region_code" not in roles and "region_name" not in roles:
        problems.add(
            f"缺少地区列 / no 区划代码 or 地区 (region) column; the columns are {raw.columns}"
        )
        return None
    value_cols = _value_columns(raw, roles, years, year, problems)
    if value_cols is None:
        return None
    ignored = [
        c
        for c in raw.columns
        if c not in {*roles.values(), *value_cols} and not _SHOWN_ONLY.match(c)
    ]
    if ignored:
        warnings.append(
            f"{where}未读取的列（列名不认识）/ columns not read (not a known column name): {ignored}"
        )
    table_units = list(
        dict.fromkeys(u.strip() for u in (raw.attrs.get("unit") or "").split(";") if u.strip())
    )
    if len(table_units) > 1:
        warnings.append(
            f"{where}表头上方的“单位”行给出多个单位 {table_units}，均未采用（请改用单位列）/ the "
            f"table names several units {table_units} in 单位 lines; none of them is used"
        )
    _report_hidden(raw, sheet, roles, warnings)
    return _Sheet(
        raw,
        sheet,
        roles,
        header_units,
        years,
        value_cols,
        table_units[0] if len(table_units) == 1 else None,
        {c: i for i, c in enumerate(raw.columns)},
    )


def _value_columns(raw, roles, years, year, problems) -> list[str] | None:
    if "value" in roles:
        if "year" not in roles and year is None:
            problems.add(
                "缺少年份列 / no 年份 (year) column: add one, or pass year= "
                "(huainan ingest --year) when the whole file is one year"
            )
            return None
        if "year" in roles and year is not None:
            problems.add(
                f"文件有年份列，又指定了 year={year}，请去掉一个 / the file has a 年份 column and year={year} was given too"
            )
            return None
        return [roles["value"]]
    if years:
        if year is not None:
            problems.add(
                f"文件每年一列，不能再指定 year={year} / year={year} was given but the file has a column per year"
            )
            return None
        return list(years)
    problems.add(
        f"缺少数值列 / no 数值 (value) column and no year columns (2021, 2022年, "
        f"年份/2022 …); the columns are {raw.columns}"
    )
    return None


def _report_hidden(raw: RawTable, sheet: str | None, roles: dict, warnings: list[str]) -> None:
    """Warn about hidden rows (read like the others) and hidden columns that are read as data.

    A hidden id column (the template's 指标ID, 区划代码) is checked against the visible name
    column beside it, so hiding it hides nothing that is stored unchecked.
    """
    where = f"工作表“{sheet}”" if sheet else "文件"
    rows = raw.attrs.get("hidden_rows", [])
    if rows:
        shown = "、".join(str(r) for r in rows[:20]) + ("……" if len(rows) > 20 else "")
        warnings.append(
            f"{where}有 {len(rows)} 个隐藏行（第{shown}行），其中的数值也已读取，请确认 / "
            f"{len(rows)} hidden row(s) were read like the others: {rows[:20]}"
        )
    checked = set()
    if "indicator" in roles and "indicator_id" in roles:
        checked.add(roles["indicator_id"])
    if "region_name" in roles and "region_code" in roles:
        checked.add(roles["region_code"])
    cols = [c for c in raw.attrs.get("hidden_columns", []) if c not in checked]
    if cols:
        warnings.append(
            f"{where}有隐藏列 {cols}，其中的内容也已读取，请确认 / hidden column(s) {cols} were read"
        )


def _row_key(
    plan_: _Sheet,
    rnum: int,
    cells: list[str],
    indicators: IndicatorIndex,
    places: RegionIndex,
    problems: Problems,
) -> tuple[str, str, str, str | None] | None:
    """(region code, indicator id, area, unit in the name) of a row; None after a problem."""
    roles = plan_.roles
    try:
        region = places.resolve(
            plan_.cell(cells, "region_code") or None, plan_.cell(cells, "region_name") or None
        )
    except IngestError as exc:
        role = exc.column if exc.column in roles else "region_code"  # the cell at fault
        problems.add("", row=rnum, column=roles.get(role, roles.get("region_name")), cause=exc)
        return None
    try:
        ids, name_unit = set(), None
        if plan_.cell(cells, "indicator_id"):
            ids.add(indicators.resolve(plan_.cell(cells, "indicator_id"))[0])
        if plan_.cell(cells, "indicator"):
            ident, name_unit = indicators.resolve(plan_.cell(cells, "indicator"))
            ids.add(ident)
        if not ids:
            raise IngestError("缺少指标 / no indicator given")
        if len(ids) > 1:
            raise IngestError(
                f"指标ID与指标名称不是同一指标 / 指标ID and 指标 name different indicators {sorted(ids)}"
            )
    except IngestError as exc:
        problems.add(
            "", row=rnum, column=roles.get("indicator", roles.get("indicator_id")), cause=exc
        )
        return None
    area_text = normalize_text(plan_.cell(cells, "area")).replace(" ", "")
    if area_text not in _AREAS:
        problems.add(
            "城乡须为 合计、城镇 或 乡村 / area must be 合计, 城镇 or 乡村",
            row=rnum,
            column=roles.get("area"),
            value=plan_.cell(cells, "area"),
        )
        return None
    return region, ids.pop(), _AREAS[area_text], name_unit


def _row_year(plan_: _Sheet, cells, rnum, value_col, year, problems) -> int | None:
    """The year of a value cell (its column's, the 年份 cell's, or ``year=``)."""
    the_year = plan_.years.get(value_col, year)
    if "year" in plan_.roles:
        ytext = re.sub(r"(?:\.0|年)$", "", plan_.cell(cells, "year"))
        if not re.fullmatch(r"[0-9]{4}", ytext):
            problems.add(
                "年份须为4位数字 / year must be a 4-digit year",
                row=rnum,
                column=plan_.roles["year"],
                value=plan_.cell(cells, "year"),
            )
            return None
        the_year = int(ytext)
    assert the_year is not None  # a year column or year= was required by _value_columns
    if not YEAR_RANGE[0] <= the_year <= YEAR_RANGE[1]:
        problems.add(
            f"年份须在{YEAR_RANGE[0]}—{YEAR_RANGE[1]}之间 / year outside {YEAR_RANGE[0]}–{YEAR_RANGE[1]}",
            row=rnum,
            column=plan_.roles.get("year", value_col),
            value=str(the_year),
        )
        return None
    return the_year


def _unmarked(
    plan_: _Sheet, rnum, col, text, original, problems, warnings
) -> tuple[str, str] | None:
    """The cell text without an explained footnote marker, and the footnote ('' if none).

    Looks at the text as typed (before NFKC, which turns ``12³`` into ``123``). An unexplained
    marker is a problem (None is returned).
    """
    marker = footnote_marker(original)
    if not marker:
        return text, ""
    note = explained_marker(marker, plan_.raw.attrs.get("notes", []))
    if not note:
        problems.add(marker_message(marker, original), row=rnum, column=col, value=original)
        return None
    warnings.append(
        f"{problems.place(col, rnum)}：去除脚注标记“{marker}”，脚注“{note}”记入备注 / footnote "
        f"marker {marker!r} removed; the footnote is stored in the note"
    )
    return normalize_text(strip_marker(original, marker)), f"脚注{marker}：{note}"


def _read_sheet(
    raw: RawTable,
    path: Path,
    sheet: str | None,
    year: int | None,
    cat: pd.DataFrame,
    problems: Problems,
    counts: dict,
    warnings: list[str],
    skipped: list[str],
    filename: str,
) -> list[_Candidate]:
    """Every value of one table as a candidate observation; problems are collected, not raised."""
    problems.sheet, problems.letters = sheet, raw.attrs["column_letters"]
    for exc in raw.attrs.get("cell_problems", []):
        problems.add_error(exc)
    plan_ = _sheet_plan(raw, sheet, year, problems, warnings)
    if plan_ is None:
        return []
    by_id = cat.set_index("indicator")
    indicators, places = IndicatorIndex(cat), RegionIndex()
    out: list[_Candidate] = []
    for rnum, cells in raw.rows:
        labels = [plan_.cell(cells, r) for r in ("indicator", "indicator_id")]
        if not any(cells[plan_.idx[c]] for c in plan_.value_cols) and not any(labels):
            continue  # an empty line of a template or a section label
        key = _row_key(plan_, rnum, cells, indicators, places, problems)
        if key is None:
            continue
        for value_col in plan_.value_cols:
            the_year = _row_year(plan_, cells, rnum, value_col, year, problems)
            if the_year is None:
                break
            c = _value_candidate(
                plan_,
                rnum,
                cells,
                value_col,
                key,
                the_year,
                by_id,
                problems,
                counts,
                warnings,
                skipped,
                filename,
            )
            if c is not None:
                out.append(c)
    return out


def _value_candidate(
    plan_,
    rnum,
    cells,
    value_col,
    key,
    the_year,
    by_id,
    problems,
    counts,
    warnings,
    skipped,
    filename,
):
    region, ident, area, name_unit = key
    info = by_id.loc[ident]
    k = plan_.idx[value_col]
    original = plan_.raw.originals[rnum][k]
    unmarked = _unmarked(plan_, rnum, value_col, cells[k], original, problems, warnings)
    if unmarked is None:
        return None
    text, footnote = unmarked
    parsed = parse_cell(text)
    if parsed.kind == "placeholder":
        counts["blank" if parsed.reason == "blank" else "placeholder"] += 1
        if parsed.reason != "blank":
            skipped.append(
                f"{problems.place(value_col, rnum)}: {original!r} "
                f"（{MISSING_REASONS.get(parsed.reason or '', parsed.reason)}）未入库 / not stored"
            )
        return None
    declared = [u for u in (plan_.cell(cells, "unit"), name_unit) if u]
    units = declared + (
        [plan_.header_units[value_col]] if plan_.header_units.get(value_col) else []
    )
    if len({parse_unit(u).text for u in units}) > 1:
        problems.add(
            f"给出的单位不一致 / the units given disagree: {units}",
            row=rnum,
            column=value_col,
            value=original,
        )
        return None
    try:
        value = _cell_value(
            text,
            original,
            units[0] if units else None,
            info["unit"],
            info["units"],
            plan_.table_unit,
        )
    except (IngestError, UnitError) as exc:
        problems.add("", row=rnum, column=value_col, cause=exc)
        return None
    bad = checks.bound_problem(value, original, text, info)
    if bad is not None and bad[1]:
        problems.add(bad[0], row=rnum, column=value_col, value=original)
        return None
    if bad is not None:
        warnings.append(f"{problems.place(value_col, rnum)}: {bad[0]}")
    counts["read"] += 1
    letters, sheet = plan_.raw.attrs["column_letters"], plan_.sheet
    ref = f"{filename} [{sheet}] {letters[value_col]}{rnum}" if sheet else f"{filename} line {rnum}"
    note = "；".join(n for n in (plan_.original(rnum, "note"), footnote) if n.strip()) or None
    return _Candidate(
        rnum,
        value_col,
        (sheet, problems.cell(value_col, rnum)),
        region,
        ident,
        the_year,
        area,
        value,
        info["unit"],
        plan_.original(rnum, "source") if plan_.cell(cells, "source") else None,
        note,
        ref,
    )


def _read_file(path: Path, year, cat, problems, warnings, skipped, counts, filename):
    """Read every table of a file. Returns (candidates, sheets used, sheets skipped, encoding)."""
    sheets = sheet_names(path)
    used: list[str] = []
    skipped_sheets: list[str] = []
    encoding = None
    candidates: list[_Candidate] = []
    for sheet in [*sheets] or [None]:  # None = a CSV (no sheets)
        if sheet == COVER_SHEET:
            skipped_sheets.append(sheet)
            continue
        try:
            raw = read_raw(path, sheet=sheet)
        except NotATableError:
            if sheet is not None and len(sheets) > 1:
                skipped_sheets.append(sheet)
                continue
            raise
        except IngestError as exc:
            if sheet is None:
                raise
            problems.add_error(exc)  # one broken sheet: keep listing the others' problems
            continue
        roles, _, _ = _roles(raw.columns)
        if (
            sheet is not None
            and len(sheets) > 1
            and not ({"indicator", "indicator_id"} & set(roles))
        ):
            skipped_sheets.append(sheet)
            continue
        encoding = raw.attrs["encoding"]
        warnings.extend(f"工作表“{sheet}”：{w}" if sheet else w for w in raw.attrs["warnings"])
        if sheet is not None:
            used.append(sheet)
        candidates += _read_sheet(
            raw, path, sheet, year, cat, problems, counts, warnings, skipped, filename
        )
    problems.sheet, problems.letters = None, {}
    if sheets and not used and not problems.items:
        problems.add(
            f"没有一个工作表有“指标”和“地区/区划代码”列 / no sheet has 指标 and 地区/区划代码 columns (sheets: {sheets})"
        )
    return candidates, used, skipped_sheets, encoding


def _duplicates(candidates: list[_Candidate], problems: Problems) -> None:
    seen: dict[tuple, _Candidate] = {}
    for c in candidates:
        if c.key in seen:
            problems.add(
                f"同一数值填了两次 / a second value for {regions.name(c.region_code)} "
                f"{c.indicator} {c.year} (first at {seen[c.key].source_ref})",
                row=c.row,
                column=c.column,
                place=c.place if c.place[0] else None,
            )
        else:
            seen[c.key] = c


def read_cover(path: str | os.PathLike) -> dict[str, str]:
    """The cover sheet's 填报单位/填报人/审核人/报送日期 (``""`` for each one missing).

    The cover sheet (:data:`COVER_SHEET`, written by :func:`huainan.intake.template.write_template`)
    has each label in one cell and the value in the next filled cell of its row. A CSV or a
    workbook without that sheet gives empty fields.
    """
    path = Path(path)
    out = dict.fromkeys(COVER_FIELDS, "")
    if COVER_SHEET not in sheet_names(path):
        return out
    for _, cells in read_excel_grid(path, COVER_SHEET).rows:
        texts = [normalize_text(c) for c in cells]
        for k, t in enumerate(texts):
            label = t.rstrip(":：")
            if label in out:
                rest = [x for x in texts[k + 1 :] if x]
                if rest:
                    out[label] = rest[0][:200]
    return out


# --------------------------------------------------------------------------------------------
# Checking a file against the store: revisions, confirmations, consistency
# --------------------------------------------------------------------------------------------


def _confirmations(candidates, by_id, path, given: Mapping[str, str]) -> list[Confirmation]:
    """Values the plausibility checks flag, with the reason given for each (``*``: for all)."""
    out = []
    for c in candidates:
        hit = checks.plausibility(c.indicator, c.region_code, c.value, by_id.loc[c.indicator])
        if hit is None:
            continue
        token = "/".join(str(k) for k in c.key)
        reason = str(given.get(token) or given.get("*") or "").strip()[:500]
        c.confirmation = reason
        out.append(Confirmation(c.key, c.where(path), c.value, hit[0], hit[1], hit[2], reason))
    return out


def _compare(candidates, rows: pd.DataFrame, every: pd.DataFrame, by_id) -> list[Revision]:
    """Set each row's ``status`` and ``revision`` against the store; return the revisions."""
    stored = monitoring.current(every, withdrawn=True)
    latest = {(r.region_code, r.indicator, r.year, r.area): r for r in stored.itertuples()}
    revisions = []
    for i, c in enumerate(candidates):
        prev = latest.get(c.key)
        if prev is None:
            continue
        rows.loc[i, "revision"] = prev.revision + 1
        if prev.action == "withdraw":
            continue  # reported again after a withdrawal: new
        if prev.value == c.value:
            rows.loc[i, "status"] = "unchanged"
            continue
        rows.loc[i, "status"] = "superseding"
        revisions.append(
            Revision(
                c.region_code,
                regions.name(c.region_code),
                c.indicator,
                str(by_id.at[c.indicator, "name_zh"]),
                c.unit,
                c.year,
                c.area,
                float(prev.value),
                c.value,
                str(prev.source),
                str(rows.loc[i, "source"]),
                str(prev.source_ref),
                c.source_ref,
                int(prev.revision),
            )
        )
    return revisions


def _consistency(candidates, every, cat, warnings) -> None:
    """City/county consistency of the groups the file touches: warnings, recorded per value."""
    stored = monitoring.current(every)[["region_code", "indicator", "year", "area", "value"]]
    mine = pd.DataFrame(
        [(c.region_code, c.indicator, c.year, c.area, c.value) for c in candidates],
        columns=["region_code", "indicator", "year", "area", "value"],
    )
    merged = pd.concat([stored, mine]).drop_duplicates(list(monitoring.KEY), keep="last")
    groups = {(c.indicator, c.year, c.area) for c in candidates}
    for w in checks.consistency(merged, cat.set_index("indicator"), groups):
        warnings.append(f"{w['message_zh']} / {w['message_en']}")
        for c in candidates:
            if (c.indicator, c.year, c.area) == (w["indicator"], w["year"], w["area"]):
                c.checks.append(w["message_zh"])


def _rows(candidates, filename, sha, stamp, by, cover) -> pd.DataFrame:
    meta = {col: cover.get(label, "") for label, col in _COVER_COLUMNS.items()}
    return pd.DataFrame(
        {
            "region_code": [c.region_code for c in candidates],
            "year": pd.Series([c.year for c in candidates], dtype="int64"),
            "area": [c.area for c in candidates],
            "indicator": [c.indicator for c in candidates],
            "unit": [c.unit for c in candidates],
            "value": pd.Series([c.value for c in candidates], dtype="float64"),
            "source": [c.source or f"监测填报 monitoring return: {filename}" for c in candidates],
            "source_ref": [c.source_ref for c in candidates],
            "note": [c.note for c in candidates],
            "revision": pd.Series([1] * len(candidates), dtype="int64"),
            "ingested_at": stamp,
            "source_file": filename,
            "source_sha256": sha,
            "action": "report",
            "ingested_by": by,
            **meta,
            "confirmation": [c.confirmation for c in candidates],
            "checks": ["; ".join(c.checks) for c in candidates],
            "status": "new",
            "file_row": pd.Series([c.row for c in candidates], dtype="int64"),
        }
    )


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container without /etc/passwd entry)
        return "unknown"


def check(
    path: str | os.PathLike,
    *,
    store: str | os.PathLike | None = None,
    year: int | None = None,
    confirmations: Mapping[str, str] | None = None,
    by: str | None = None,
    filename: str | None = None,
) -> IngestReport:
    """Check a monitoring file against the catalogue and the store; write nothing (dry run).

    Parameters
    ----------
    path : path
        CSV/TXT or XLSX (see :func:`ingest`).
    store : path, optional
        Store folder (default ``<data>/monitoring``).
    year : int, optional
        The year of every value, for long files without a 年份 column.
    confirmations : mapping of str to str, optional
        Reasons confirming values the plausibility checks flag, by
        :attr:`~huainan.intake.report.Confirmation.token` (``340400/physicians_per_1000/2023/
        total``), or ``"*"`` for all of them.
    by : str, optional
        Who checks or ingests (stored as ``ingested_by``; default the login name).
    filename : str, optional
        The file's name as the officer knows it (an upload is stored under a temporary name).

    Returns
    -------
    IngestReport
        ``problems`` lists every problem (the file cannot be stored while there are any);
        ``confirmations``, ``revisions``, ``warnings``, ``cover`` as described there.

    Raises
    ------
    IngestError
        Only when the file cannot be read at all (missing, too large, not a table, a web page
        saved as .xls …); every problem inside a readable file is in the report instead.
    DataValidationError
        If the existing store is malformed (fix that first: ``huainan validate``).
    """
    return _analyse(Path(path), store, year, confirmations or {}, by or _user(), filename)


def _analyse(path: Path, store, year, given, by, filename) -> IngestReport:
    if not path.is_file():
        raise IngestError("找不到文件 / file not found", path=path)
    filename = Path(filename or path.name).name
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    cat = catalogue()
    by_id = cat.set_index("indicator")
    problems = Problems(str(path))
    counts = {"read": 0, "blank": 0, "placeholder": 0}
    warnings: list[str] = []
    skipped: list[str] = []
    candidates, used, skipped_sheets, encoding = _read_file(
        path, year, cat, problems, warnings, skipped, counts, filename
    )
    _duplicates(candidates, problems)
    cover = read_cover(path)
    every = monitoring.read_store(store)
    chain_head = monitoring.GENESIS if every.empty else str(every[monitoring.CHAIN_COLUMN].iloc[-1])
    asked = _confirmations(candidates, by_id, str(path), given)
    _consistency(candidates, every, cat, warnings)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    rows = _rows(candidates, filename, sha, stamp, by, cover)
    revisions = _compare(candidates, rows, every, by_id)
    status = rows["status"].value_counts()
    report = IngestReport(
        path=str(path),
        sha256=sha,
        store=str(monitoring.store_dir(store)),
        dry_run=True,
        sheets=used,
        skipped_sheets=skipped_sheets,
        encoding=encoding,
        rows_read=counts["read"],
        rows_new=int(status.get("new", 0)),
        rows_superseding=int(status.get("superseding", 0)),
        rows_unchanged=int(status.get("unchanged", 0)),
        blank_cells=counts["blank"],
        skipped=skipped,
        warnings=warnings,
        rows=rows,
        chain_head=chain_head,
        problems=problems.as_problems(),
        revisions=revisions,
        confirmations=asked,
        cover=cover,
    )
    report._errors = problems.items  # type: ignore[attr-defined]  # for ingest's IngestError
    return report


def ingest(
    path: str | os.PathLike,
    *,
    store: str | os.PathLike | None = None,
    dry_run: bool = False,
    year: int | None = None,
    create_store: bool = False,
    confirmations: Mapping[str, str] | None = None,
    by: str | None = None,
    filename: str | None = None,
) -> IngestReport:
    """Validate a monitoring file and append its values to the store.

    Parameters
    ----------
    path : path
        CSV/TXT (any encoding :func:`huainan.intake.reader.decode_bytes` accepts) or XLSX (every
        visible sheet with 指标 and region columns is read; other sheets, such as the template's
        填表说明 and 封面, are skipped and listed in the report; hidden sheets are not read).
        Files above :data:`huainan.intake.excel.MAX_FILE_BYTES` are refused. Layouts: module
        docstring.
    store : path, optional
        Store folder; default ``<data>/monitoring`` (:func:`huainan.evidence.monitoring.store_dir`).
    dry_run : bool, default False
        Validate and report without writing (:func:`check`, but problems raise as here).
    year : int, optional
        The year of every value, for long files without a 年份 column.
    create_store : bool, default False
        Start a new store when the store folder does not exist. Off by default, so that a
        mistyped ``store`` is refused instead of silently becoming a second, empty store.
    confirmations, by, filename
        As for :func:`check`: reasons for flagged values (stored in ``confirmation``), who
        ingests (``ingested_by``), the file's name as the officer knows it (``source_file``).

    Returns
    -------
    IngestReport

    Raises
    ------
    IngestError
        The store folder does not exist (and ``create_store`` is False); anything wrong in the
        file (the message lists every problem: row, column, cell text, the Excel reference such
        as ``病有所医!H5``); or (not for a dry run) a value the plausibility checks flag that was
        not confirmed with a reason. The store is then left byte-identical. Placeholder cells
        (``—``, ``…``, ``x`` …) are not errors: they are listed in ``report.skipped``.
    DataValidationError
        If the existing store is malformed (``huainan validate``) or in store format 1
        (``huainan migrate-store``).

    Notes
    -----
    Every value is checked before the first byte is written; the store is then extended in one
    atomic replace (temporary file, fsync, :func:`os.replace`) under a lock, and the file itself
    is kept as ``files/<sha256><suffix>`` in the store folder. A value for a key already stored
    is appended as the next revision when it differs, and skipped when equal; no line is ever
    removed.
    """
    path = Path(path)
    folder = monitoring.store_dir(store)
    if not folder.is_dir() and not create_store:
        raise IngestError(
            f"存储文件夹不存在 / the store folder {folder} does not exist. Check the path (a typo "
            "would start a second, empty store); to start a new store on purpose, pass "
            "create_store=True (huainan ingest --create-store)"
        )
    given, who = confirmations or {}, by or _user()
    # Everything is checked before the lock is taken: a refused file creates nothing, not even
    # the lock file. Under the lock the store is compared again if it changed in between.
    report = _analyse(path, store, year, given, who, filename)
    _refuse(path, report, confirmed=dry_run)
    if dry_run:
        return report
    with monitoring.locked(store):
        if monitoring.head(store) != report.chain_head:  # another ingest came first
            report = _analyse(path, store, year, given, who, filename)
            _refuse(path, report, confirmed=False)
        to_write = report.rows[report.rows["status"] != "unchanged"]
        if not to_write.empty:
            monitoring.keep_file(path.read_bytes(), Path(filename or path.name).suffix, store)
            report.chain_head = monitoring.append(to_write, store)
    report.dry_run = False
    return report


def _refuse(path: Path, report: IngestReport, *, confirmed: bool) -> None:
    """Raise the file's problems, then (unless ``confirmed``) its unconfirmed values."""
    if report.problems:
        raise problems_error(str(path), report._errors)  # type: ignore[attr-defined]
    if not confirmed and report.unconfirmed:
        raise _unconfirmed_error(path, report)


def _unconfirmed_error(path: Path, report: IngestReport) -> IngestError:
    items = [
        IngestError(
            f"需确认：{c.message_zh}。确认无误请说明理由（huainan ingest --confirm {c.token}=理由，"
            f"或在报送页面填写）/ to confirm: {c.message_en}",
            path=path,
        )
        for c in report.unconfirmed
    ]
    return problems_error(str(path), items)


from huainan.intake.validate import StoreCheck, validate_store  # noqa: E402  (re-exported)
