"""Read officials' CSV and Excel tables into one clean DataFrame (:func:`read_table`).

Tables sent by departments and copied from yearbooks are made for printing, not for reading by a
program. :func:`read_table` undoes the printing conventions and refuses what it cannot read safely:

- **Encoding** (CSV/TXT): a byte-order mark decides; otherwise strict UTF-8 is tried first, then
  strict GB18030 (a superset of GBK/GB2312, the encoding of Excel's "CSV" on Chinese Windows, and
  the only one that holds rare place-name characters such as 䢺 or 𬌗). A decoding that succeeds
  but yields implausible text (private-use characters, control characters, or mostly characters
  outside GB2312, which is what Big5 bytes read as GBK look like) is rejected. The encoding used
  is reported in ``df.attrs["encoding"]``; nothing is guessed silently.
- **Layout**: title rows, ``单位：…`` rows (also ``单位:``, ``计量单位：``, ``（单位：…）``; a
  title ending in ``（单位：…）`` gives the unit too) and footnotes (``注：…``, ``资料来源：…``)
  are dropped and kept in ``df.attrs`` (``title``, ``unit``, ``notes``); a two-row header (Excel
  merged cells, or a CSV with blanks under a group heading) is joined as ``上级/下级``
  (``小学/在校生``).
- **Text**: every cell is NFKC-normalised (full-width digits, letters and punctuation become ASCII:
  ``９５．６`` → ``95.6``, ``（％）`` → ``(%)``), zero-width characters are removed, whitespace
  next to a Chinese character is removed (``地　区`` → ``地区``) and the rest trimmed.
- **Numbers**: each column is classified (``df.attrs["column_kinds"]``) as ``label`` (地区, 指标,
  单位 … by header), ``target`` (plan notation such as ``≥55`` or ``[430]``, kept as text for
  :func:`huainan.plan.targets.parse_target`; also any column whose header contains 目标), ``number`` or
  ``text``. Number columns become float64: thousands separators (``1,234``), percent text (``95.6%``
  → 95.6), Excel cells formatted as percent (0.956 shown as 95.6% → 95.6). Placeholders (``—``,
  ``--``, ``－``, ``…``, ``x``, ``NA``, ``/``, blank) become NaN and are listed, with the reason, in
  ``df.attrs["missing"]`` (see :func:`missing_cells`, :func:`missing_summary`). Any other text in a
  number column raises :class:`~huainan.errors.IngestError` naming file, row, column and text
  (in a workbook also the sheet, as an Excel reference: ``卫生!C5``).
- **Workbooks** are recognised by their content, not their name: an ``.xlsx`` file named ``.xls``
  is read; an old binary ``.xls`` is refused with "save it as .xlsx".

The row numbers users see (line in a text editor, row in Excel) are the DataFrame's index (named
``row``), so every later message can point at the source cell.

The placeholder meanings follow the symbol notes of the statistical yearbooks (e.g. 《中国统计年鉴》
"符号使用说明": "…" 表示数字不足本表最小单位, 空格表示数据不详或无该项数据).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from huainan.errors import IngestError
from huainan.intake.excel import (
    MAX_ROWS,
    Grid,
    file_kind,
    letter,
    read_excel_grid,
)
from huainan.intake.excel import decode_bytes as decode_bytes  # re-exported
from huainan.intake.excel import sheet_names as sheet_names  # re-exported
from huainan.intake.markers import (
    MARKER_NOTE,
    explained_marker,
    footnote_marker,
    marker_message,
    strip_marker,
)
from huainan.intake.units import BASES, parse_unit, split_quantity
from huainan.text import normalize_text


class NotATableError(IngestError):
    """A sheet or file holds no table: it is empty or no row names two columns (e.g. a notes
    sheet). Multi-sheet readers may skip such sheets and say so."""


# --------------------------------------------------------------------------------------------
# Cell level
# --------------------------------------------------------------------------------------------

#: Reason codes for cells that hold no number, with the description shown to users.
MISSING_REASONS: dict[str, str] = {
    "not_published": "not published / no such item (无该项数据)",
    "below_unit": "below the table's smallest unit or not known (数字不足最小单位或不详)",
    "suppressed": "suppressed, not released (不公布)",
    "not_available": "not available (不详)",
    "not_applicable": "not applicable (不适用)",
    "blank": "blank, not filled in (空白)",
}

#: Placeholder texts (after normalisation by :func:`normalize_text`) → reason code.
#: NFKC turns ``…`` into ``...`` and ``－`` into ``-``, so those forms are listed here.
PLACEHOLDERS: dict[str, str] = {
    "—": "not_published",
    "——": "not_published",
    "―": "not_published",
    "––": "not_published",
    "–": "not_published",
    "-": "not_published",
    "--": "not_published",
    "---": "not_published",
    "...": "below_unit",
    "......": "below_unit",
    "x": "suppressed",
    "X": "suppressed",
    "NA": "not_available",
    "N/A": "not_available",
    "n/a": "not_available",
    "na": "not_available",
    "N.A.": "not_available",
    "n.a.": "not_available",
    "/": "not_applicable",
    "": "blank",
}

#: Texts that look like a placeholder or a number but are a typing slip; the hint says what to do.
TYPO_HINTS: dict[str, str] = {
    "一": "'一' is the Chinese numeral one (yī), not a dash. If the value is not published, type "
    "the dash — ; if it is 1, type 1 "
    "(“一”是汉字“一”，不是破折号：未公布请填“—”，数值1请填“1”).",
    "〇": "'〇' is the Chinese numeral zero; type 0 if the value is zero.",
    "O": "the letter O, not the digit 0.",
    "o": "the letter o, not the digit 0.",
    "l": "the letter l, not the digit 1.",
}

_NUMBER = re.compile(
    r"^(?P<sign>[+\-\u2212])?"
    r"(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?"
    r"(?P<frac>\.[0-9]+)?"
    r"(?:[eE](?P<exp>[+\-]?[0-9]+))?"
    r" ?(?P<pct>%)?$"
)
_NOTATION = re.compile(r"^(?:(?:>=|<=|[≥≤≧≦⩾⩽><])\s*[0-9][0-9.,]*\s*%?|\[[^\]]+\]|【[^】]+】)$")
_DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$")


@dataclass(frozen=True)
class Cell:
    """What a normalised cell text holds.

    Attributes
    ----------
    kind : str
        ``number``, ``placeholder`` (incl. blank), ``notation`` (plan target notation such as
        ``≥55`` or ``[18]``) or ``text``.
    value : float
        The number (NaN unless ``kind == "number"``). Percent text keeps the percent figure:
        ``95.6%`` → 95.6.
    percent : bool
        The text ended with ``%``.
    reason : str or None
        For placeholders, a key of :data:`MISSING_REASONS`.
    """

    kind: str
    value: float = math.nan
    percent: bool = False
    reason: str | None = None


def parse_cell(text: str, placeholders: Mapping[str, str] | None = None) -> Cell:
    """Classify one normalised cell text (see :func:`normalize_text`) and read its number.

    Parameters
    ----------
    text : str
        Normalised text.
    placeholders : mapping, optional
        Placeholder texts → reason code; defaults to :data:`PLACEHOLDERS`.

    Returns
    -------
    Cell

    Examples
    --------
    >>> parse_cell("1,234.5").value, parse_cell("95.6%").value, parse_cell("-3").value
    (1234.5, 95.6, -3.0)
    >>> parse_cell("—").kind, parse_cell("—").reason, parse_cell("[18]").kind, parse_cell("一").kind
    ('placeholder', 'not_published', 'notation', 'text')
    >>> parse_cell("1,23").kind
    'text'
    """
    table = PLACEHOLDERS if placeholders is None else placeholders
    if text in table:
        return Cell("placeholder", reason=table[text])
    m = _NUMBER.match(text)
    if m and (m["int"] or m["frac"]):
        literal = (
            ("-" if m["sign"] in ("-", "\u2212") else "")
            + (m["int"] or "0").replace(",", "")
            + (m["frac"] or "")
            + (f"e{m['exp']}" if m["exp"] else "")
        )
        value = float(literal)
        if math.isfinite(value):
            return Cell("number", value, percent=bool(m["pct"]))
    if _NOTATION.match(text):
        return Cell("notation")
    return Cell("text")


def typo_hint(text: str) -> str:
    """Return a hint for a text that is neither a number nor a placeholder ('' if none applies).

    Examples
    --------
    >>> typo_hint("一").startswith("'一' is the Chinese numeral one")
    True
    >>> typo_hint("3.6万人").split(":")[0]
    'it carries a unit'
    """
    if text in TYPO_HINTS:
        return TYPO_HINTS[text]
    if _DATE_LIKE.match(text):
        return "Excel stored this cell as a date; format the column as number (数值) and retype it."
    if text.startswith("#") and text.endswith(("!", "?", "A")):
        return "this is an Excel error value; fix the formula or type the number."
    if _has_unit_suffix(text):
        return (
            "it carries a unit: write the unit in the column header or a 单位 column and keep "
            "only the number in the cell (huainan ingest converts such cells)."
        )
    if "。" in text and re.fullmatch(r"[0-9。]+", text):
        return "'。' is a Chinese full stop; use '.' as the decimal point."
    return ""


def _has_unit_suffix(text: str) -> bool:
    """Is ``text`` a number followed by a known unit (``3.6万人``, ``0.61万``, ``512张``)?"""
    number, unit = split_quantity(text)
    if not unit or number == text:
        return False
    u = parse_unit(unit)
    return u.base in BASES or u.base in ("", "ratio")


def _read_csv_grid(path: Path) -> Grid:
    text, encoding = decode_bytes(path.read_bytes(), path)  # file_kind checked the size
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            if len(rows) >= MAX_ROWS:
                raise IngestError(
                    f"文件超过 {MAX_ROWS} 行，无法导入：请拆分后报送 / more than {MAX_ROWS} rows: "
                    "split the file",
                    path=path,
                    row=start,
                )
            rows.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise IngestError(
            "不是格式正确的 CSV 文件（可能有未配对的引号或超长单元格），请在 Excel 中另存为"
            f"“CSV UTF-8”后再报送 / not a well-formed CSV file: {exc}",
            path=path,
            row=start,
        ) from exc
    return Grid(str(path), rows, encoding=encoding)


# --------------------------------------------------------------------------------------------
# Layout: title, unit, header rows, footnotes
# --------------------------------------------------------------------------------------------

# A unit line above a table: 单位：万人, 单位:万人, 计量单位：万人, （单位：万人）, [单位:万人]
# (after NFKC the full-width colon and brackets are ASCII); a title may end with one.
_UNIT_TEXT = r"(?:计量)?单位\s*[:：]\s*(?P<unit>[^()\[\]【】]+?)\s*"
_UNIT_ROW = re.compile(rf"^[(\[【]?\s*{_UNIT_TEXT}[)\]】]?$")
_UNIT_IN_TITLE = re.compile(rf"[(\[【]\s*{_UNIT_TEXT}[)\]】]\s*$")
_NOTE_ROW = re.compile(
    r"^(?:注\s*\d*\s*[:.、]|附注|说明\s*[:.、]|备注\s*[:.、]|资料来源|数据来源|来源\s*[:.、]|[*※])"
)
_YEAR = re.compile(r"^(?:19|20)\d{2}(?:年)?$")

#: Header names (or their last part) of columns that hold labels, not measurements.
LABEL_HEADERS = frozenset(
    {
        "地区",
        "区域",
        "地区名称",
        "区划代码",
        "行政区划代码",
        "代码",
        "区县",
        "县区",
        "县(区)",
        "县(市、区)",
        "乡镇",
        "街道",
        "乡镇(街道)",
        "城乡",
        "指标",
        "指标名称",
        "指标ID",
        "指标id",
        "指标编号",
        "项目",
        "名称",
        "类别",
        "分类",
        "领域",
        "单位",
        "计量单位",
        "属性",
        "指标属性",
        "备注",
        "说明",
        "来源",
        "数据来源",
        "资料来源",
        "序号",
        "年份",
        "年度",
        "填报单位",
        "联系人",
    }
)
_LABEL_SUFFIX = re.compile(r"(?:名称|代码|备注|说明|来源)$")


@dataclass
class RawTable:
    """A table after layout clean-up, before column typing: every cell is normalised text.

    Attributes
    ----------
    columns : list of str
        Clean column names (two-row headers joined with ``/``).
    rows : list of (int, list of str)
        Source row number (as the user sees it) and the normalised cell texts, one per column.
    originals : dict of int to list of str
        Source row number → the cells as they were in the file (before normalisation).
    attrs : dict
        ``source``, ``sheet``, ``encoding``, ``title``, ``unit``, ``notes``, ``header_rows``,
        ``warnings``, ``transforms``, ``column_letters`` (column → Excel letter in the file).
    """

    columns: list[str]
    rows: list[tuple[int, list[str]]]
    originals: dict[int, list[str]]
    attrs: dict


def _is_label_header(name: str) -> bool:
    last = name.rsplit("/", 1)[-1]
    return last in LABEL_HEADERS or name in LABEL_HEADERS or bool(_LABEL_SUFFIX.search(last))


def _layout(grid: Grid) -> RawTable:
    """Undo the printing layout of a grid: title and unit rows, header rows, footnotes."""
    originals = {r: raw for r, raw in grid.rows}
    rows = _normalised_rows(grid)
    i, titles, units = _title_block(grid, rows, originals)
    columns, header_rows, j = _header(grid, rows, i)
    hwidth = max((k + 1 for k, name in enumerate(columns) if name), default=0)
    data, notes = _body(grid, rows[j:], originals, hwidth)
    keep, names, warnings = _named_columns(grid, columns, data, hwidth, header_rows)
    width = len(rows[0][1])
    hidden_rows = sorted(r for r, _ in data if r in grid.hidden_rows)
    attrs = {
        "source": grid.path,
        "sheet": grid.sheet,
        "encoding": grid.encoding,
        "title": " ".join(titles) or None,
        "unit": "; ".join(units) or None,
        "notes": notes,
        "header_rows": header_rows,
        "warnings": warnings,
        "transforms": list(grid.transforms),
        "column_letters": {name: letter(k) for k, name in zip(keep, names, strict=True)},
        "hidden_rows": hidden_rows,
        "hidden_columns": [n for k, n in zip(keep, names, strict=True) if k in grid.hidden_columns],
        "cell_problems": list(grid.problems),
    }
    out_rows = [(r, [cells[k] for k in keep]) for r, cells in data]
    out_originals = {r: [(originals[r] + [""] * width)[k] for k in keep] for r, _ in data}
    return RawTable(names, out_rows, out_originals, attrs)


def _normalised_rows(grid: Grid) -> list[tuple[int, list[str]]]:
    """Non-empty rows as normalised texts, all padded to the width of the widest row."""
    rows = [(r, [normalize_text(c) for c in raw]) for r, raw in grid.rows]
    rows = [(r, cells) for r, cells in rows if any(cells)]
    if not rows:
        raise NotATableError("表格为空 / the table is empty", path=grid.path, sheet=grid.sheet)
    width = max(max(j for j, c in enumerate(cells) if c) + 1 for _, cells in rows)
    return [(r, (cells + [""] * width)[:width]) for r, cells in rows]


def _title_block(grid: Grid, rows, originals) -> tuple[int, list[str], list[str]]:
    """Index of the first header row; the title and ``单位：`` lines above it."""
    titles: list[str] = []
    units: list[str] = []
    for i, (rnum, cells) in enumerate(rows):
        rest = []
        for c, original in zip(cells, originals[rnum], strict=False):
            if not c:
                continue
            m = _UNIT_ROW.match(c)
            if m:
                units.append(m["unit"].strip())
                continue
            m = _UNIT_IN_TITLE.search(c)
            if m:  # 各县区托位数（单位：个/千人）: the title keeps its text, the unit is noted
                units.append(m["unit"].strip())
            rest.append(original.strip())
        if len(rest) >= 2:
            return i, titles, units
        titles.extend(rest)
    raise NotATableError(
        "找不到表头（至少两列有列名的一行）/ no header row found (a row naming at least two "
        "columns)",
        path=grid.path,
        sheet=grid.sheet,
    )


def _header(grid: Grid, rows, i: int) -> tuple[list[str], list[int], int]:
    """Column names (one to three header rows joined), their row numbers, first data index."""
    header_idx = [i]
    j = i + 1
    while j < len(rows) and len(header_idx) < 3 and _is_subheader(grid, rows, header_idx, j):
        header_idx.append(j)
        j += 1
    columns = _join_header(grid, [rows[k] for k in header_idx])
    return columns, [rows[k][0] for k in header_idx], j


def _body(grid: Grid, rows, originals, hwidth: int):
    """Data rows (cut to the headed width) and footnote rows (``注：…``, ``①…``, ``*…``)."""
    notes: list[str] = []
    data: list[tuple[int, list[str]]] = []
    for rnum, cells in rows:
        filled = [(k, c) for k, c in enumerate(cells) if c and (rnum, k) not in grid.covered]
        if len(filled) == 1:
            original = originals[rnum][filled[0][0]].strip()
            text = filled[0][1]
            if (_NOTE_ROW.match(text) and not _is_number(text)) or MARKER_NOTE.match(original):
                notes.append(original)
                continue
        extra = [(k, c) for k, c in filled if k >= hwidth]
        if extra:
            k, c = extra[0]
            raise IngestError(
                f"此行在最后一个有列名的列（{letter(hwidth - 1)}）之后还有数值；CSV 文件中未加引号的"
                f"千位分隔符（1,234）会把一个数拆成两列 / this row has a value in column "
                f"{letter(k)} beyond the last headed column ({letter(hwidth - 1)}); in a CSV "
                "file an unquoted thousands separator (1,234) splits a number in two: quote it "
                '("1,234") or remove the comma',
                path=grid.path,
                row=rnum,
                column=letter(k),
                value=c,
                sheet=grid.sheet,
                cell=f"{letter(k)}{rnum}" if grid.sheet is not None else None,
            )
        data.append((rnum, cells[:hwidth]))
    return data, notes


def _named_columns(grid: Grid, columns, data, hwidth: int, header_rows):
    """Columns kept (a header, or data under no header: named ``列X`` with a warning)."""
    warnings: list[str] = []
    keep: list[int] = []
    names: list[str] = []
    for k in range(hwidth):
        name = columns[k]
        if not name:
            if not any(cells[k] for _, cells in data):
                continue
            name = f"列{letter(k)}"
            warnings.append(
                f"第{letter(k)}列没有列名，暂称“{name}” / column {letter(k)} has no header; named it {name!r}"
            )
        keep.append(k)
        names.append(name)
    seen: dict[str, int] = {}
    for k, name in zip(keep, names, strict=True):
        if name in seen:
            raise IngestError(
                f"两列同名“{name}”（第{letter(seen[name])}列和第{letter(k)}列），请改名 / two columns "
                f"are both named {name!r} (columns {letter(seen[name])} and {letter(k)}); "
                "rename one so each column has its own header",
                path=grid.path,
                row=header_rows[-1],
                column=name,
                sheet=grid.sheet,
                cell=f"{letter(k)}{header_rows[-1]}" if grid.sheet is not None else None,
            )
        seen[name] = k
    return keep, names, warnings


def _is_number(text: str) -> bool:
    return parse_cell(text).kind == "number"


def _is_subheader(grid: Grid, rows, header_idx: list[int], j: int) -> bool:
    """Is ``rows[j]`` a lower header row under the header rows ``header_idx``?

    Yes when its first (stub) column is empty, merged from above or repeats the heading, it holds
    no numbers other than years, and it names at least one column under a heading that spans
    several columns (an Excel merge, or blanks after the heading in a CSV).
    """
    rnum, cells = rows[j]
    upper_num, upper = rows[header_idx[-1]]
    stub = cells[0]
    if stub and (rnum, 0) not in grid.covered and stub != upper[0]:
        return False
    for c in cells[1:]:
        if c and _is_number(c) and not _YEAR.match(c):
            return False
        if c and parse_cell(c).kind in ("placeholder", "notation"):
            return False
    spans = False
    for k in range(1, len(cells)):
        if not cells[k] or (rnum, k) in grid.covered:
            continue
        grouped = (
            (upper_num, k) in grid.hspan
            or (not upper[k] and any(upper[:k]))
            or (k + 1 < len(upper) and upper[k] and upper[k] == upper[k + 1])
            or (upper[k] and upper[k] == upper[k - 1])
        )
        if grouped:
            spans = True
    return spans


def _join_header(grid: Grid, header_rows) -> list[str]:
    levels = []
    for level, (rnum, cells) in enumerate(header_rows):
        filled = list(cells)
        if level < len(header_rows) - 1:  # upper rows: spread a group heading over its columns
            lower = header_rows[level + 1][1]
            for k in range(2, len(filled)):
                if not filled[k] and filled[k - 1] and lower[k]:
                    filled[k] = filled[k - 1]
        levels.append(
            ["" if (rnum, k) in grid.covered and level > 0 else c for k, c in enumerate(filled)]
        )
    names = []
    for k in range(len(levels[0])):
        parts: list[str] = []
        for lv in levels:
            if lv[k] and (not parts or parts[-1] != lv[k]):
                parts.append(lv[k])
        names.append("/".join(parts))
    return names


def read_raw(path: str | Path, *, sheet: str | None = None) -> RawTable:
    """Read a CSV/TXT/XLSX table's layout: header, data rows as normalised text, attrs.

    This is the first half of :func:`read_table` (no column typing); :mod:`huainan.intake.ingest` uses
    it to read monitoring files whose value cells may carry units (``3.6万人``).

    Parameters
    ----------
    path : str or Path
        A ``.csv``/``.txt``/``.tsv`` text table (comma or tab separated) or an ``.xlsx`` workbook.
    sheet : str, optional
        Worksheet name (Excel); default the first sheet.

    Returns
    -------
    RawTable

    Raises
    ------
    IngestError
        Unreadable encoding or workbook, no header, duplicate column names, values beyond the
        headed columns.
    """
    path = Path(path)
    if file_kind(path) == "xlsx":
        grid = read_excel_grid(path, sheet)
    else:
        if sheet is not None:
            raise IngestError("sheet= only applies to Excel workbooks", path=path)
        grid = _read_csv_grid(path)
    return _layout(grid)


# --------------------------------------------------------------------------------------------
# Typing
# --------------------------------------------------------------------------------------------


def _classify(name: str, cells: list[Cell], texts: list[str]) -> str:
    if _is_label_header(name):
        return "label"
    if "目标" in name:
        return "target"
    counts = {"number": 0, "placeholder": 0, "notation": 0, "text": 0}
    for c, t in zip(cells, texts, strict=True):
        if c.reason == "blank":
            continue
        if c.kind == "text" and typo_hint(t):
            counts["placeholder"] += 1  # a mistyped number or placeholder: not a word
        else:
            counts[c.kind] += 1
    if counts["notation"]:
        return "target"
    numeric = counts["number"] + counts["placeholder"]
    if counts["text"] == 0 or numeric > counts["text"]:
        return "number"
    if counts["number"] == 0:
        return "text"
    return "ambiguous"


def read_table(
    path: str | Path,
    *,
    sheet: str | None = None,
    text_columns: Iterable[str] = (),
    number_columns: Iterable[str] = (),
    placeholders: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Read an officials' CSV or Excel table into a DataFrame with one clean header row.

    Parameters
    ----------
    path : str or Path
        ``.csv``/``.txt``/``.tsv`` (UTF-8, UTF-8 with BOM, UTF-16 with BOM, GBK or GB18030; comma or
        tab separated) or ``.xlsx``.
    sheet : str, optional
        Worksheet (Excel only); default the first visible one.
    text_columns, number_columns : iterable of str, optional
        Force a column's kind (clean names, e.g. ``"2020年"``); by default it is decided from the
        header and the cells (module docstring). An unknown name raises.
    placeholders : mapping of str to str, optional
        Extra placeholder texts → reason (a key of :data:`MISSING_REASONS` or your own words) for
        this table only, e.g. ``{"一": "not_published"}`` once the sender confirmed that ``一``
        was typed for ``—``.

    Returns
    -------
    pandas.DataFrame
        Index ``row`` (int64): the row number as the user sees it (editor line / Excel row).
        ``label``, ``text`` and ``target`` columns: str (blank → NaN). ``number`` columns:
        float64 (placeholders → NaN). ``attrs``:

        - ``source`` (path), ``sheet``, ``encoding`` (text files), ``title``, ``unit`` (from a
          ``单位：`` row), ``notes`` (footnotes), ``header_rows`` (source rows of the header);
        - ``column_kinds``: column → ``label`` | ``number`` | ``target`` | ``text``;
        - ``missing``: one dict per NaN in a number column: ``row``, ``column``, ``text`` (as
          read), ``reason`` (key of :data:`MISSING_REASONS`), ``description``;
        - ``warnings`` and ``transforms`` (e.g. Excel percent cells scaled): lists of str.

    Raises
    ------
    IngestError
        Text in a number column that is neither a number nor a known placeholder (names file,
        row, column, text, with a hint for typos such as ``一`` for ``—``); a column that is
        half numbers, half text; plus everything :func:`read_raw` raises.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("地区,床位数\\n大通区,\\"1,200\\"\\n寿县,—\\n", encoding="utf-8")
    >>> df = read_table(p)
    >>> df["床位数"].tolist(), df.index.tolist(), df.attrs["missing"][0]["reason"]
    ([1200.0, nan], [2, 3], 'not_published')
    """
    raw = read_raw(path, sheet=sheet)
    table = dict(PLACEHOLDERS)
    for text, reason in (placeholders or {}).items():
        table[normalize_text(text)] = reason
    forced = {**{c: "text" for c in text_columns}, **{c: "number" for c in number_columns}}
    unknown = sorted(set(forced) - set(raw.columns))
    if unknown:
        raise IngestError(f"no column(s) named {unknown}; the columns are {raw.columns}", path=path)

    index = pd.Index([r for r, _ in raw.rows], name="row", dtype="int64")
    data: dict[str, pd.Series] = {}
    kinds: dict[str, str] = {}
    missing: list[dict] = []
    bad: list[tuple[int, int, str, str, str]] = []  # (row, position, name, text, original)
    for k, name in enumerate(raw.columns):
        texts = [cells[k] for _, cells in raw.rows]
        parsed = [parse_cell(t, table) for t in texts]
        kind = forced.get(name) or _classify(name, parsed, texts)
        if kind == "ambiguous":
            nums = [t for t, c in zip(texts, parsed, strict=True) if c.kind == "number"][:3]
            words = [t for t, c in zip(texts, parsed, strict=True) if c.kind == "text"][:3]
            raise IngestError(
                f"cannot tell whether this column holds numbers ({nums}) or text ({words}); "
                "pass text_columns=[...] or number_columns=[...] to read_table",
                path=path,
                column=name,
                sheet=raw.attrs["sheet"],
            )
        kinds[name] = kind
        if kind != "number":
            data[name] = pd.Series([t or None for t in texts], index=index, dtype="str")
            continue
        values = _number_column(raw, k, name, parsed, table, missing, bad)
        data[name] = pd.Series(values, index=index, dtype="float64")
    _raise_bad_cells(path, raw, bad)
    df = pd.DataFrame(data, index=index, columns=raw.columns)
    df.attrs = {**raw.attrs, "column_kinds": kinds, "missing": missing}
    return df


def _number_column(raw: RawTable, k: int, name: str, parsed, table, missing, bad) -> list[float]:
    """The values of number column ``k``; placeholders go to ``missing``, bad cells to ``bad``.

    A footnote marker on a cell as typed (``12³``) makes it bad, unless a footnote row explains
    the marker: then it is stripped and a warning added.
    """
    values: list[float] = []
    for (rnum, cells), c in zip(raw.rows, parsed, strict=True):
        original = raw.originals[rnum][k]
        marker = footnote_marker(original)
        if marker:
            if not explained_marker(marker, raw.attrs["notes"]):
                bad.append((rnum, k, name, cells[k], original))
                values.append(math.nan)
                continue
            c = parse_cell(normalize_text(strip_marker(original, marker)), table)
            raw.attrs["warnings"].append(
                f"第{rnum}行“{name}”列：去除脚注标记“{marker}”（表下有说明）/ row {rnum}, "
                f"column {name!r}: footnote marker {marker!r} removed (explained below the table)"
            )
        if c.kind == "number":
            values.append(c.value)
            continue
        values.append(math.nan)
        if c.kind == "placeholder":
            missing.append(
                {
                    "row": rnum,
                    "column": name,
                    "text": original,
                    "reason": c.reason,
                    "description": MISSING_REASONS.get(c.reason or "", c.reason),
                }
            )
        else:
            bad.append((rnum, k, name, cells[k], original))
    return values


def _raise_bad_cells(path, raw: RawTable, bad) -> None:
    """Raise for the first formula without a value, else the first bad number cell (if any)."""
    sheet = raw.attrs["sheet"]
    if raw.attrs["cell_problems"]:
        first = raw.attrs["cell_problems"][0]
        n = len(raw.attrs["cell_problems"])
        raise IngestError(
            first.reason + (f" ({n - 1} more such cell(s))" if n > 1 else ""),
            path=path,
            row=first.row,
            column=first.column,
            sheet=first.sheet,
            cell=first.cell,
        )
    if not bad:
        return
    bad.sort()
    rnum, _, name, text, original = bad[0]
    cell = f"{raw.attrs['column_letters'][name]}{rnum}" if sheet is not None else None
    marker = footnote_marker(original)
    if marker:
        message = marker_message(marker, original)
    else:
        hint = typo_hint(text)
        more = f" ({len(bad) - 1} more such cell(s) in this table)" if len(bad) > 1 else ""
        message = (
            "neither a number nor a known placeholder (— -- … x NA / blank) in a number column"
            + (f"; {hint}" if hint else "")
            + more
        )
    raise IngestError(
        message, path=path, row=rnum, column=name, value=original, sheet=sheet, cell=cell
    )


def missing_cells(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df.attrs["missing"]`` as a DataFrame.

    Returns
    -------
    pandas.DataFrame
        Columns ``row`` (int64), ``column``, ``text``, ``reason``, ``description`` (str); one row
        per placeholder cell in a number column of a table read by :func:`read_table`.
    """
    cols = ["row", "column", "text", "reason", "description"]
    out = pd.DataFrame(df.attrs.get("missing", []), columns=cols)
    return out.astype({"row": "int64"})


def missing_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Count the placeholder cells of a table read by :func:`read_table` by text and reason.

    Returns
    -------
    pandas.DataFrame
        Columns ``text``, ``reason``, ``description``, ``cells`` (int64), ``sentence`` (e.g.
        ``"3 cells were '—' (not published / no such item (无该项数据))"``), largest count first.
    """
    cells = missing_cells(df)
    cells.loc[cells["reason"] == "blank", "text"] = ""  # '' and '  ' are both blank
    out = (
        cells.groupby(["text", "reason", "description"], sort=False)
        .size()
        .rename("cells")
        .reset_index()
        .sort_values("cells", ascending=False, kind="stable")
    )
    out["sentence"] = [
        f"{n} cell{'s were' if n != 1 else ' was'} {t!r} ({d})"
        if r != "blank"
        else f"{n} cell{'s were' if n != 1 else ' was'} blank"
        for n, t, r, d in zip(
            out["cells"], out["text"], out["reason"], out["description"], strict=True
        )
    ]
    return out.reset_index(drop=True).astype({"cells": "int64"})
