"""Reading a monitoring return into candidate values: every table, row and value cell.

:func:`read_return` reads each table of a file (:func:`huainan.intake.reader.read_raw`), finds
which column holds what (:data:`_ROLES`: region, indicator, year, value, unit, area, source,
note), resolves each row to a key ``(region_code, indicator, year, area)``
(:mod:`huainan.intake.catalogue`) and each value cell to a number in the indicator's unit —
footnote markers looked at before normalisation (:func:`huainan.intake.reader.footnote_marker`),
units converted exactly, bounds checked (:func:`huainan.intake.checks.bound_problem`). Every
problem is collected (:class:`huainan.intake.report.Problems`), never raised one by one, so the
officer sees all of them at once. :func:`read_cover` reads the template's cover sheet.
:mod:`huainan.intake.ingest` compares the candidates with the store and writes them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from huainan.errors import IngestError, UnitError
from huainan.evidence import stats
from huainan.intake import checks
from huainan.intake.catalogue import IndicatorIndex, RegionIndex
from huainan.intake.excel import read_excel_grid, sheet_names
from huainan.intake.reader import (
    MISSING_REASONS,
    NotATableError,
    RawTable,
    explained_marker,
    footnote_marker,
    marker_message,
    parse_cell,
    read_raw,
    strip_marker,
    typo_hint,
)
from huainan.intake.refs import source_ref
from huainan.intake.report import Problems
from huainan.intake.units import conversion_factor, convert, parse_unit, split_quantity
from huainan.plan import regions
from huainan.text import normalize_text

#: Years a monitoring value may carry: the same as the statistics
#: (:data:`huainan.evidence.stats.YEAR_RANGE`, the 2010 census to 2025, the plan's last year).
YEAR_RANGE: tuple[int, int] = stats.YEAR_RANGE
#: The template's cover sheet and the fields read from it (stored with every value).
COVER_SHEET = "封面"
COVER_FIELDS: tuple[str, ...] = ("填报单位", "填报人", "审核人", "报送日期")
COVER_COLUMNS = dict(
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
class Candidate:
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
) -> list[Candidate]:
    """Every value of one table as a candidate observation; problems are collected, not raised."""
    problems.sheet, problems.letters = sheet, raw.attrs["column_letters"]
    for exc in raw.attrs.get("cell_problems", []):
        problems.add_error(exc)
    plan_ = _sheet_plan(raw, sheet, year, problems, warnings)
    if plan_ is None:
        return []
    by_id = {r["indicator"]: r for r in cat.to_dict("records")}  # row access without pandas
    indicators, places = IndicatorIndex(cat), RegionIndex()
    out: list[Candidate] = []
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
    info = by_id[ident]
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
    ref = source_ref(filename, rnum, sheet=sheet, column=letters[value_col] if sheet else "")
    note = "；".join(n for n in (plan_.original(rnum, "note"), footnote) if n.strip()) or None
    return Candidate(
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


def read_return(path: Path, year, cat, problems, warnings, skipped, counts, filename):
    """Read every table of a file. Returns (candidates, sheets used, sheets skipped, encoding)."""
    sheets = sheet_names(path)
    used: list[str] = []
    skipped_sheets: list[str] = []
    encoding = None
    candidates: list[Candidate] = []
    sheet_list: list[str | None] = [*sheets] or [None]  # None = a CSV (no sheets)
    for sheet in sheet_list:
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


def check_duplicates(candidates: list[Candidate], problems: Problems) -> None:
    seen: dict[tuple, Candidate] = {}
    names = dict(zip(regions.regions()["code"], regions.regions()["name_zh"], strict=True))
    for c in candidates:
        if c.key in seen:
            problems.add(
                f"同一数值填了两次 / a second value for {names[c.region_code]} "
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
