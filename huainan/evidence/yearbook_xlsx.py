"""Reading the China City Statistical Yearbook workbooks (``../shared/data/city_yearbook/``).

Columns are found by the text of their headers (:func:`read_header`, :func:`map_columns`), never by
their letter; units are read from the headers and checked per edition (:func:`check_units`); city
names become GB/T 2260 codes through the 2020 census county table. What is taken and the known
errors of the compilation are declared in :mod:`huainan.evidence.yearbook`.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from huainan.errors import DataValidationError
from huainan.evidence.yearbook import (
    EDITIONS,
    EXTRA_CITIES,
    FILE,
    FOLDER,
    MIRROR_2,
    MIRROR_COMMIT,
    MIRROR_REPO,
    MUNICIPALITIES,
    NAME_FIXES,
    PLAUSIBLE,
    SCOPES,
    SPECS,
    SPECS_BY_ID,
    TABLE_COLUMNS,
    UNIT_CORRECTIONS,
    UNIT_FACTOR,
    UNPRINTED_UNITS,
    source_title,
)
from huainan.text import normalize_text, squeeze

#: Placeholders read as missing values (the note says which was printed).
_PLACEHOLDERS = {"—", "-", "--", "…", "...", "—-", "－"}
#: Texts in brackets that are units (a header's unit is taken off its label and compared with the
#: spec's; a unit not listed here would stay in the label and the column would not be found).
_UNITS = (
    "万人",
    "人",
    "千人",
    "万张",
    "张",
    "万个",
    "个",
    "万所",
    "所",
    "万册",
    "册",
    "万元",
    "亿元",
    "元",
    "万户",
    "户",
    "%",
    "‰",
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_ENGLISH = re.compile(r"[A-Za-z]{2,}")
_PAREN = re.compile(r"\(([^()]*)\)")
_TABLE_NO = re.compile(r"^(\d+-\d+)")

# --------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------


@dataclass
class Column:
    """The header path of one worksheet column."""

    letter: str
    index: int
    title: str = ""  # table title without its number and unit, e.g. 医院、床位和医生数
    table_no: str = ""  # e.g. 2-26 ("" in the 2019 edition, which prints no numbers)
    label: str = ""  # the column's own header, unit taken off
    parent: str = ""  # the header above it (e.g. 地方一般公共预算支出 over 教育支出)
    unit: str = ""  # printed unit (label, else parent, else title)
    scope: str = ""  # 全市 | 市辖区 | ""
    texts: list[str] = field(default_factory=list)  # every header text, top to bottom

    @property
    def table(self) -> str:
        """How the value's table is cited: ``表2-26`` or, without a number, the title."""
        return f"表{self.table_no}" if self.table_no else self.title


def chinese_part(text: str) -> str:
    """The Chinese part of a bilingual header: the text before its first English word.

    >>> chinese_part("医院床位数 (张) Number of Beds of Hospitals (bed)")
    '医院床位数(张)'
    >>> chinese_part("Undergraduate in Regular HEIs")
    ''
    """
    text = normalize_text(text)
    m = _ENGLISH.search(text)
    head = text[: m.start()] if m else text
    head = squeeze(head).rstrip("(")
    return head if _CJK.search(head) else ""


def split_unit(text: str) -> tuple[str, str, str]:
    """Split a header into (label, unit, scope marker), e.g. ``执业(助理)医师数(人)`` →
    ``('执业(助理)医师数', '人', '')``; ``地方一般公共预算收支状况(全市)(万元)`` →
    ``('地方一般公共预算收支状况', '万元', '全市')``.

    >>> split_unit("在校学生数(二)(万人)")
    ('在校学生数(二)', '万人', '')
    """
    unit = scope = ""
    label = text
    for m in _PAREN.finditer(text):
        inner = m.group(1)
        if inner in _UNITS:
            unit = inner
            label = label.replace(m.group(0), "", 1)
        elif inner in SCOPES:
            scope = inner
            label = label.replace(m.group(0), "", 1)
    return label, unit, scope


def _scope_of(text: str) -> str:
    t = squeeze(text)
    for s in SCOPES:
        if t.startswith(s):
            return s
    return ""


def read_header(ws, start: int) -> list[Column]:
    """Header paths of every column (C onwards) of a worksheet whose data start at row ``start``.

    Merged cells are expanded (each covered cell reads the merge's text). The table title is the
    first header row with text in column C (row 1 in the 2019 edition, row 2 later) and is carried
    to the right over columns without one; a 市辖区 column without its own label takes the label
    of the 全市 column before it.
    """
    from openpyxl.utils import get_column_letter

    grid = _header_grid(ws, start)
    title_row = next((r for r in range(1, start) if normalize_text(grid.get((r, 3)))), None)
    if title_row is None:
        raise DataValidationError("no table title above the data", row=1, column="C")
    columns: list[Column] = []
    title = ""
    for c in range(3, ws.max_column + 1):
        col = Column(get_column_letter(c), c)
        title = squeeze(normalize_text(grid.get((title_row, c)))) or title
        m = _TABLE_NO.match(title)
        number = m.group(1) if m else ""
        t_label, t_unit, t_scope = split_unit(title[len(number) :])
        col.title, col.table_no = t_label, number
        texts = _header_texts(col, grid, range(title_row + 1, start), title)
        _label_column(col, texts, columns[-1] if columns else None, t_unit)
        col.scope = col.scope or t_scope
        if not col.unit:
            col.unit = t_unit
        columns.append(col)
    return columns


def _header_grid(ws, start: int) -> dict[tuple[int, int], object]:
    """The header cells (rows above ``start``, columns C onwards), each cell of a merge reading
    the merge's text."""
    grid: dict[tuple[int, int], object] = {}
    for r in range(1, start):
        for c in range(3, ws.max_column + 1):
            grid[(r, c)] = ws.cell(r, c).value
    for rng in ws.merged_cells.ranges:
        if rng.min_row >= start:
            continue
        top = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, min(rng.max_row, start - 1) + 1):
            for c in range(max(rng.min_col, 3), rng.max_col + 1):
                grid[(r, c)] = top
    return grid


def _header_texts(
    col: Column, grid: dict[tuple[int, int], object], rows: range, title: str
) -> list[str]:
    """The Chinese header texts of ``col`` below the title, top to bottom (the title and direct
    repeats left out). Records every raw text in ``col.texts`` and a 全市/市辖区 row in
    ``col.scope``."""
    texts: list[str] = []
    for r in rows:
        raw = normalize_text(grid.get((r, col.index)))
        if not raw:
            continue
        col.texts.append(raw)
        if _scope_of(raw):
            col.scope = _scope_of(raw)
            continue
        part = chinese_part(raw)
        if part and part != title and (not texts or texts[-1] != part):
            texts.append(part)
    return texts


def _label_column(col: Column, texts: list[str], prev: Column | None, title_unit: str) -> None:
    """Set the label, parent header, unit and scope of ``col`` from its header texts; a 市辖区
    column without its own label takes those of the 全市 column before it (``prev``)."""
    if not texts and col.scope == "市辖区" and prev is not None and prev.scope == "全市":
        col.label, col.parent, col.unit = prev.label, prev.parent, prev.unit
        return
    parts = [split_unit(t) for t in texts]
    if parts:
        col.label = parts[-1][0]
        col.parent = parts[-2][0] if len(parts) > 1 else ""
    col.unit = next((u for _, u, _ in reversed(parts) if u), "") or title_unit
    for _, _, s in parts:
        col.scope = col.scope or s


def map_columns(
    columns: list[Column], edition: int, *, path: str = "", specs=SPECS
) -> dict[tuple[str, str], Column]:
    """Find the column of every (spec, scope) printed in ``edition``.

    A column matches a spec when its own header (unit taken off) is one of the spec's
    ``labels`` and its table title or parent header contains the spec's ``table`` word; it must
    then be the only such column of its scope. ``specs`` defaults to every spec.

    Raises
    ------
    DataValidationError
        If a spec of this edition matches no column or more than one column for a scope (the
        message lists the candidates' header texts).
    """
    found: dict[tuple[str, str], Column] = {}
    for spec in specs:
        if edition not in spec.editions:
            continue
        hits = [
            c
            for c in columns
            if c.label in spec.labels
            and (not spec.table or spec.table in c.title or spec.table in c.parent)
        ]
        for scope in SCOPES:
            mine = [c for c in hits if c.scope == scope]
            if len(mine) != 1:
                where = "; ".join(f"{c.letter}: {' | '.join(c.texts)}" for c in hits) or "none"
                raise DataValidationError(
                    f"{len(mine)} columns for {spec.name_zh} ({spec.id}), scope {scope}, in the "
                    f"{edition} edition (headers matched: {where})",
                    path=path,
                    column=spec.id,
                )
            found[(spec.id, scope)] = mine[0]
        unscoped = [c for c in hits if c.scope not in SCOPES]
        if unscoped:
            raise DataValidationError(
                f"{spec.name_zh}: column {unscoped[0].letter} has no scope 全市/市辖区",
                path=path,
                column=unscoped[0].letter,
            )
    return found


# --------------------------------------------------------------------------------------------
# Cities and values
# --------------------------------------------------------------------------------------------


def data_start(ws, *, path: str = "") -> int:
    """The first data row: the row whose column A reads 北京市."""
    for r in range(1, min(ws.max_row, 30) + 1):
        if normalize_text(ws.cell(r, 1).value) == "北京市":
            return r
    raise DataValidationError("no row 北京市 in column A (first 30 rows)", path=path, column="A")


def prefecture_index(counties: pd.DataFrame) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Province name → code, and (province code, prefecture name) → prefecture code, from the
    2020 census county table (``province_code``, ``province_name``, ``prefecture_code``,
    ``prefecture_name``)."""
    provinces = dict(
        zip(counties["province_name"], counties["province_code"].astype(str), strict=True)
    )
    pref = counties[["province_code", "prefecture_name", "prefecture_code"]].drop_duplicates()
    index = {(str(p), str(n)): str(c) for p, n, c in pref.itertuples(index=False)}
    return provinces, index


def parse_value(raw: object, *, path: str, cell: str) -> tuple[float, str, bool]:
    """A cell's number, a note (``""``, or why it is missing) and whether it was unreadable.

    Blank cells and placeholders (``—``, ``…``) are missing values. Text that is not a number
    (OCR debris of the compilation such as ``II`` or ``().13``) is left missing too — never
    guessed — with the text in the note; the caller lists it as a discrepancy.

    Raises
    ------
    DataValidationError
        For a boolean cell (the cell is named); negative numbers are unreadable.

    >>> parse_value("  17291 ", path="x", cell="A1"), parse_value("II", path="x", cell="A1")[1:]
    ((17291.0, '', False), ('单元格文字“II”不是数字（未采用）', True))
    """
    if raw is None:
        return np.nan, "空白单元格", False
    if isinstance(raw, bool):
        raise DataValidationError("not a number", path=path, cell=cell, value=raw)
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = squeeze(str(raw)).replace(",", "")
        if text == "":
            return np.nan, "空白单元格", False
        if text in _PLACEHOLDERS:
            return np.nan, f"单元格为“{text}”", False
        try:
            value = float(text)
        except ValueError:
            return np.nan, f"单元格文字“{squeeze(str(raw))}”不是数字（未采用）", True
    if not np.isfinite(value) or value < 0:
        return np.nan, f"单元格数值“{squeeze(str(raw))}”为负或无效（未采用）", True
    return value, "", False


@dataclass
class Edition:
    """What :func:`read_edition` returns for one workbook."""

    edition: int
    rows: pd.DataFrame  # TABLE_COLUMNS
    source: dict  # a row of city_yearbook_sources.csv
    issues: list[dict]  # discrepancies (names, units) as dicts with DISCREPANCY_COLUMNS
    columns: dict[tuple[str, str], Column]


def _discrepancy(kind: str, **kw) -> dict:
    from huainan.evidence.discrepancies import discrepancy

    return discrepancy(kind, **kw)


def _units(
    columns: dict[tuple[str, str], Column], edition: int, path: Path, sheet: str
) -> tuple[dict[str, str], list[dict]]:
    """Check the printed unit of every column: (indicator → note for its rows, discrepancies).

    The printed unit must be the spec's unit, except where :data:`UNIT_CORRECTIONS` names a
    wrong one or :data:`UNPRINTED_UNITS` a missing one (both listed as discrepancies; the values
    are then checked against :data:`PLAUSIBLE` by :func:`check_units`).
    """
    notes: dict[str, str] = {}
    issues: list[dict] = []
    for (sid, scope), col in columns.items():
        spec = SPECS_BY_ID[sid]
        header = " | ".join(col.texts)
        fix = UNIT_CORRECTIONS.get((edition, sid))
        if fix:
            if col.unit != fix[0]:
                raise DataValidationError(
                    f"{spec.name_zh}: printed unit is {col.unit!r}, UNIT_CORRECTIONS expects "
                    f"{fix[0]!r} (update it)",
                    path=path,
                    column=col.letter,
                )
            unit, notes[sid] = fix[1], f"表头单位印为（{fix[0]}），数值为{fix[1]}"
            why, action = fix[2], f"read as {fix[1]}"
        elif not col.unit and (edition, sid) in UNPRINTED_UNITS:
            unit, notes[sid] = spec.unit, f"表头未印单位，按{spec.unit}"
            why, action = UNPRINTED_UNITS[(edition, sid)], f"read as {spec.unit}"
        else:
            unit, why = col.unit, ""
            notes.setdefault(sid, "")
        if unit != spec.unit:
            raise DataValidationError(
                f"{spec.name_zh} ({sid}): printed unit {col.unit or 'none'!r}, expected "
                f"{spec.unit!r} (header: {header})",
                path=path,
                column=col.letter,
            )
        if why and scope == SCOPES[0]:
            issues.append(
                _discrepancy(
                    "unit",
                    year=edition - 1,
                    area="全市/市辖区",
                    indicator=sid,
                    source_a=source_title(edition),
                    ref_a=f"{path.name} Sheet {sheet} column {col.letter} header ({header}); "
                    f"{col.table}",
                    value_a=f"unit printed: {col.unit or 'none'}",
                    value_b=f"values in {unit}",
                    reason=why,
                    action=action + " (checked: the national median per resident is in the "
                    "plausible range, see huainan.evidence.yearbook.PLAUSIBLE)",
                )
            )
    return notes, issues


def _city_code(
    name: str, province: str, provinces: dict[str, str], index: dict[tuple[str, str], str]
) -> tuple[str, str] | None:
    """(code, province) of a name in column A; ``None`` for a province row."""
    if name in MUNICIPALITIES:
        return MUNICIPALITIES[name], MUNICIPALITIES[name]
    if name in provinces:
        return None
    if (province, name) in index:
        return index[(province, name)], province
    if (province, name) in EXTRA_CITIES:
        return EXTRA_CITIES[(province, name)][0], province
    return "", province


def read_edition(
    path: str | os.PathLike, edition: int, counties: pd.DataFrame, *, sheet: str | None = None
) -> Edition:
    """Read one edition's workbook into tidy rows.

    Parameters
    ----------
    path : str or os.PathLike
        The workbook (first sheet read unless ``sheet`` is given).
    edition : int
        2019–2024 (data year = edition − 1).
    counties : pandas.DataFrame
        The 2020 census county table (:func:`huainan.evidence.stats.national_counties`: columns
        ``province_code``, ``province_name``, ``prefecture_code``, ``prefecture_name``), for the
        GB/T 2260 codes.

    Returns
    -------
    Edition
        ``rows`` with :data:`~huainan.evidence.yearbook.TABLE_COLUMNS` (``value`` float64; NaN
        with a note when the cell is blank, a placeholder or unreadable), the edition's source
        row, and the discrepancies found (name typos, units, unreadable cells).

    Raises
    ------
    DataValidationError
        A header not found or ambiguous, an unknown city name, a province row holding values, a
        unit that is not the expected one, an implausible national median (file, cell or
        column named).
    """
    import openpyxl

    path = Path(path)
    where = str(path)
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    start = data_start(ws, path=where)
    columns = map_columns(read_header(ws, start), edition, path=where)
    provinces, index = prefecture_index(counties)
    unit_notes, issues = _units(columns, edition, path, ws.title)
    records: list[dict] = []
    province = ""
    cities = 0
    for r in range(start, ws.max_row + 1):
        printed = normalize_text(ws.cell(r, 1).value)
        if not printed:
            continue
        name = NAME_FIXES.get(printed, printed)
        found = _city_code(name, province, provinces, index)
        if found is None:  # a province row: a heading, no values
            province = provinces[name]
            if name != printed:
                issues.append(
                    _name_typo(province, edition, path, f"{ws.title}!A{r}", printed, name)
                )
            _check_province_row(ws, r, name, columns, path=where)
            continue
        code, province = found
        if not code:
            raise DataValidationError(
                f"city name not found among the prefectures of province {province or '?'}",
                path=where,
                sheet=ws.title,
                cell=f"A{r}",
                value=printed,
            )
        if name != printed:
            issues.append(_name_typo(code, edition, path, f"{ws.title}!A{r}", printed, name))
        cities += 1
        city = {"city_code": code, "city_name": name, "province_code": province}
        for (sid, scope), col in columns.items():
            record, issue = _city_cell(ws, r, col, city, edition, path, sid, scope)
            if issue:
                issues.append(issue)
            elif not np.isnan(record["value"]):
                record["note"] = unit_notes[sid]
            records.append(record)
    rows = pd.DataFrame(records, columns=list(TABLE_COLUMNS))
    _check_no_twice(rows, path=where, sheet=ws.title)
    check_units(rows, edition, path=where)
    source = _source_row(path, edition, ws.title, start, cities)
    return Edition(edition, rows, source, issues, columns)


def _name_typo(code: str, edition: int, path: Path, ref: str, printed: str, name: str) -> dict:
    """The discrepancy of a misprinted name in column A (``ref``: ``Sheet!A<row>``) that
    :data:`NAME_FIXES` corrects."""
    return _discrepancy(
        "name",
        region_code=code,
        year=edition - 1,
        source_a=source_title(edition),
        ref_a=f"{path.name} Sheet {ref}",
        value_a=printed,
        source_b="GB/T 2260 (2020 census county table)",
        value_b=name,
        reason="typo of the compilation (OCR of the printed yearbook)",
        action="matched as " + name,
    )


def _check_province_row(
    ws, r: int, name: str, columns: dict[tuple[str, str], Column], *, path: str
) -> None:
    """A province row is a heading: it must hold no values in the columns read."""
    filled = [c.letter for c in columns.values() if ws.cell(r, c.index).value not in (None, "")]
    if filled:
        raise DataValidationError(
            f"province row {name} holds values (columns {filled[:5]})",
            path=path,
            sheet=ws.title,
            cell=f"A{r}",
        )


def _city_cell(
    ws, r: int, col: Column, city: dict, edition: int, path: Path, sid: str, scope: str
) -> tuple[dict, dict | None]:
    """One city's value of one column: the tidy row (its note says why a value is missing) and
    the discrepancy of an unreadable cell (``None`` when it is readable)."""
    spec = SPECS_BY_ID[sid]
    ref = f"{col.letter}{r}"
    raw = ws.cell(r, col.index).value
    value, note, unreadable = parse_value(raw, path=str(path), cell=ref)
    issue = None
    if unreadable:
        issue = _discrepancy(
            "unreadable",
            region_code=city["city_code"],
            year=edition - 1,
            area=scope,
            indicator=sid,
            source_a=source_title(edition),
            ref_a=f"{path.name} Sheet {ws.title}!{ref}",
            value_a=str(raw),
            reason="the compilation's cell is not a non-negative number (OCR of "
            "the printed yearbook)",
            action="left missing (NaN, note says why); not guessed",
        )
    record = {
        **city,
        "data_year": edition - 1,
        "edition": edition,
        "scope": scope,
        "indicator": sid,
        "indicator_zh": spec.name_zh,
        "unit": spec.unit,
        "value": value,
        "table": col.table,
        "cell": ref,
        "note": note,
    }
    return record, issue


def _check_no_twice(rows: pd.DataFrame, *, path: str, sheet: str) -> None:
    """No city may appear twice in an edition."""
    dup = rows.duplicated(["city_code", "scope", "indicator"])
    if dup.any():
        bad = rows[dup].iloc[0]
        raise DataValidationError(
            f"city {bad['city_name']} ({bad['city_code']}) appears twice",
            path=path,
            sheet=sheet,
            cell=bad["cell"],
        )


def _source_row(path: Path, edition: int, sheet: str, start: int, cities: int) -> dict:
    """The edition's row of ``city_yearbook_sources.csv``: file, mirror, checksum, layout."""
    return {
        "edition": edition,
        "data_year": edition - 1,
        "source": source_title(edition),
        "file": f"{FOLDER}/{path.name}",
        "mirror": f"{MIRROR_REPO} raw/macro_fiscal/city_yearbook/{path.name} @ {MIRROR_COMMIT}"
        + (f"; also {MIRROR_2}" if edition >= 2020 else ""),
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "sheet": sheet,
        "header_rows": f"1-{start - 1}",
        "first_data_row": start,
        "cities": cities,
        "note": "third-party compilation (马克数据网) of the printed yearbook, no licence stated; "
        + (
            "this compilation prints no table numbers: `table` gives the table title"
            if edition == 2019
            else "`table` gives the printed table number"
        ),
    }


def _population(rows: pd.DataFrame) -> pd.Series:
    """全市 population (万人) by city: resident where printed, else registered."""
    full = rows[rows["scope"] == "全市"]
    for sid in ("population_resident", "population_registered"):
        pop = full[full["indicator"] == sid].set_index("city_code")["value"]
        if len(pop) and pop.notna().any():
            return pop
    raise DataValidationError("no population column in this edition")


def check_units(rows: pd.DataFrame, edition: int, *, path: str = "") -> None:
    """Check every indicator's national median per resident (全市) against :data:`PLAUSIBLE`.

    For corrected units (:data:`UNIT_CORRECTIONS`) the printed unit must fail the same check,
    so a correction that is no longer needed is noticed.

    Raises
    ------
    DataValidationError
        Naming the edition, indicator and the median found.
    """
    pop = _population(rows) * 1e4
    full = rows[rows["scope"] == "全市"]
    for sid, grp in full.groupby("indicator", sort=False):
        low, high = PLAUSIBLE[sid]
        values = grp.set_index("city_code")["value"] * UNIT_FACTOR.get(SPECS_BY_ID[sid].unit, 1)
        if sid.startswith("population_"):
            ratio = values / 1e4
        else:
            ratio = values / pop.reindex(values.index)
        med = float(np.nanmedian(ratio.to_numpy(dtype="float64")))
        if not low <= med <= high:
            raise DataValidationError(
                f"{sid}: national median per resident {med:.3g} outside [{low:g}, {high:g}] in "
                f"the {edition} edition — wrong unit or wrong column",
                path=path,
                column=sid,
            )
        fix = UNIT_CORRECTIONS.get((edition, sid))
        if fix:
            as_printed = med / UNIT_FACTOR.get(fix[1], 1) * UNIT_FACTOR.get(fix[0], 1)
            if low <= as_printed <= high:
                raise DataValidationError(
                    f"{sid}: the printed unit {fix[0]} gives a plausible median ({as_printed:.3g});"
                    " the unit correction is not needed",
                    path=path,
                    column=sid,
                )


def read_editions(shared: str | os.PathLike, counties: pd.DataFrame) -> list[Edition]:
    """Every edition of ``<shared>/city_yearbook/`` (:data:`EDITIONS`), in order."""
    folder = Path(shared) / FOLDER
    out = []
    for e in EDITIONS:
        path = folder / FILE.format(edition=e)
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing")
        out.append(read_edition(path, e, counties))
    return out
