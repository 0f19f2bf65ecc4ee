"""Recognising and reading a returned file's bytes: what it really is, size limits, Excel streaming.

- :func:`file_kind` looks at the content, not the name: an ``.xlsx`` workbook (a ZIP), an old
  binary ``.xls`` (refused: save as .xlsx), a web page (HTML) or an XML spreadsheet saved as
  ``.xls`` (what many web systems export as "Excel"; refused, named as such), or text (CSV).
- **Size limits** (documented in ``data/monitoring/README.md``; a file beyond them is refused
  before it is parsed, with the limit named): :data:`MAX_FILE_BYTES` (8 MiB, the upload page's
  limit too), :data:`MAX_XML_BYTES` (64 MiB of worksheet XML once unzipped: a "zip bomb" is
  refused unopened), :data:`MAX_ROWS` (50,000 rows per sheet) and :data:`MAX_COLUMNS` (256).
- :func:`decode_bytes` decodes a text table (BOM, strict UTF-8, strict GB18030), refusing
  implausible results instead of guessing.
- :func:`read_excel_grid` streams a worksheet row by row (openpyxl's read-only parser, one pass,
  values as saved by Excel), so memory and time grow with the rows kept, not with the XML. On
  the way it notes hidden rows and columns, merged ranges, and every formula cell without a
  saved value (all of them, not just the first: ``Grid.problems``).

openpyxl's read-only worksheet does not expose merged cells, hidden rows or formula presence
together with saved values, so :class:`_Parser` extends its ``WorkSheetParser`` (a private
class, stable across openpyxl 3.1.x; the version is pinned in ``pyproject.toml``).
"""

from __future__ import annotations

import codecs
import functools
import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from huainan.errors import IngestError

#: Largest file accepted (bytes): 8 MiB. A return of the template is ~60 KB; a county's table
#: of a few thousand rows well under 1 MiB.
MAX_FILE_BYTES = 8 * 1024 * 1024
#: Largest total of unzipped worksheet and shared-string XML in a workbook (bytes).
MAX_XML_BYTES = 64 * 1024 * 1024
#: Most rows in one sheet or CSV file, and most columns.
MAX_ROWS = 50_000
MAX_COLUMNS = 256


@dataclass
class Grid:
    """A sheet or text file as rows of cell texts (before normalisation), with layout facts."""

    path: str
    rows: list[tuple[int, list[str]]]  # (row number as the user sees it, raw cell texts)
    covered: set[tuple[int, int]] = field(default_factory=set)  # (row, col) inside a merge
    hspan: set[tuple[int, int]] = field(default_factory=set)  # (row, col) in a horizontal merge
    sheet: str | None = None
    encoding: str | None = None
    transforms: list[str] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)  # 0-based
    problems: list[IngestError] = field(default_factory=list)  # e.g. formulas without a value


def letter(col: int) -> str:
    """0-based column index → Excel letter (0 → A, 26 → AA).

    Examples
    --------
    >>> letter(0), letter(25), letter(26)
    ('A', 'Z', 'AA')
    """
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


# --------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------


def _implausible(text: str) -> str:
    """Return why ``text`` is unlikely to be what the file's author typed ('' if plausible)."""
    for lineno, line in enumerate(text.splitlines(), start=1):
        for ch in line:
            cat = unicodedata.category(ch)
            if cat == "Co":
                return (
                    f"line {lineno} has the private-use character U+{ord(ch):04X}, which has "
                    "no standard meaning"
                )
            if cat == "Cc" and ch not in "\t":
                return f"line {lineno} has the control character U+{ord(ch):04X}"
            if ch == "\ufffd":
                return f"line {lineno} has the replacement character U+FFFD (a broken conversion)"
    hanzi = [ch for ch in text if "\u3400" <= ch <= "\u9fff" or ord(ch) >= 0x20000]
    if len(hanzi) >= 8:
        common = 0
        for ch in hanzi:
            try:
                ch.encode("gb2312")
                common += 1
            except UnicodeEncodeError:
                pass
        if common / len(hanzi) < 0.5:
            return (
                f"only {common} of {len(hanzi)} Chinese characters are common (GB2312) ones, "
                "which is what text in another encoding (e.g. Big5) looks like when misread"
            )
    return ""


def decode_bytes(data: bytes, path: str | Path = "<bytes>") -> tuple[str, str]:
    """Decode a text table's bytes, refusing to guess.

    Order: byte-order mark (UTF-8, UTF-16) → strict UTF-8 → strict GB18030. A candidate whose text
    is implausible (private-use or control characters, or mostly non-GB2312 Chinese characters) is
    rejected. GB18030 is reported as ``"gbk"`` when every character is also in GBK.

    Parameters
    ----------
    data : bytes
        File content.
    path : str or Path
        For messages only.

    Returns
    -------
    (str, str)
        The text and the encoding name (``utf-8``, ``utf-8-sig``, ``utf-16``, ``gbk`` or
        ``gb18030``).

    Raises
    ------
    IngestError
        If no candidate decodes to plausible text; the message says why each failed.

    Examples
    --------
    >>> decode_bytes("寿县,䢺".encode("gb18030"))
    ('寿县,䢺', 'gb18030')
    >>> decode_bytes("寿县".encode("gbk"))[1], decode_bytes(b"\\xef\\xbb\\xbfabc")
    ('gbk', ('abc', 'utf-8-sig'))
    """
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    failures = []
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            failures.append(f"not {enc} (byte 0x{data[exc.start]:02x} on line {line})")
            continue
        why = _implausible(text)
        if why:
            failures.append(f"{enc} decodes but {why}")
            continue
        if enc == "gb18030":
            try:
                text.encode("gbk")
                enc = "gbk"
            except UnicodeEncodeError:
                pass
        return text, enc
    raise IngestError(
        "无法识别文件的文字编码（不是 UTF-8、GBK 等常见编码，或不是表格文件），请在 Excel 中"
        "另存为“CSV UTF-8”或 .xlsx 后再报送 / cannot tell the text encoding: "
        + "; ".join(failures)
        + ". Save the file as 'CSV UTF-8' (Excel: 另存为 → CSV UTF-8) and try again.",
        path=path,
    )


# --------------------------------------------------------------------------------------------
# Grid: the file as rows of normalised cell texts, with merge information (Excel)
# --------------------------------------------------------------------------------------------


def _too_big(path: Path, what: str) -> IngestError:
    return IngestError(
        f"文件过大，无法导入：{what}。请按模板每次报送一年或一个领域的数据，或拆分为几个文件 / the "
        f"file is too large: {what}. Send one year or one domain per file, or split it",
        path=path,
    )


def check_size(path: Path) -> int:
    """Refuse a file above :data:`MAX_FILE_BYTES`; return its size."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _too_big(
            path, f"{size / 1048576:.1f} MiB，上限 {MAX_FILE_BYTES // 1048576} MiB / limit 8 MiB"
        )
    return size


_HTML = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<head|<body|<table|<meta)", re.IGNORECASE)
_SPREADSHEET_XML = re.compile(rb"urn:schemas-microsoft-com:office:spreadsheet|<Workbook\b")


def file_kind(path: Path) -> str:
    """``xlsx`` or ``text``, from the content; anything else is refused with what it is.

    Raises
    ------
    IngestError
        File missing, too large, an old binary workbook, a web page or XML saved as a
        spreadsheet.
    """
    if path.is_dir():
        raise IngestError("这是文件夹，不是报送文件 / a folder, not a file", path=path)
    if not path.exists():
        raise IngestError("找不到文件 / file not found", path=path)
    check_size(path)
    with path.open("rb") as fh:
        head = fh.read(2048)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise IngestError(
            "旧版 Excel 文件（.xls 或 .et）：请打开后另存为 Excel 工作簿（.xlsx）再报送 / this is "
            "an old binary Excel file (.xls, or .et); open it and save it as .xlsx first",
            path=path,
        )
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if _HTML.match(text) or b"<html" in text.lower():
        raise IngestError(
            f"这个文件其实是网页（HTML），只是扩展名为 {path.suffix or '（无）'}——常见于从网站或业务"
            "系统导出的“Excel”。请用 Excel 或 WPS 打开，另存为 Excel 工作簿（.xlsx）后再报送 / "
            f"this file is a web page (HTML) named {path.suffix or 'without extension'}, as "
            "web systems export 'Excel'; open it in Excel or WPS and save it as an .xlsx workbook",
            path=path,
        )
    if text.startswith(b"<?xml") or text.startswith(b"<"):
        kind = "XML 电子表格（Excel 2003 XML）" if _SPREADSHEET_XML.search(head) else "XML 文件"
        raise IngestError(
            f"这个文件其实是{kind}，不是 Excel 工作簿或 CSV。请用 Excel 或 WPS 打开，另存为 Excel "
            "工作簿（.xlsx）后再报送 / this file is XML"
            + (" (an Excel 2003 XML spreadsheet)" if "2003" in kind else "")
            + ", not a workbook or CSV; open it in Excel or WPS and save it as .xlsx",
            path=path,
        )
    return "text"


def open_workbook(path: Path):
    """Open a workbook read-only (streaming) after checking its unzipped size.

    Opened from the bytes, not the name: :func:`file_kind` has already recognised the content,
    and openpyxl would refuse an .xlsx workbook that was merely named .xls. The workbook is
    kept for the next call with the same file (size and modification time): reading a return
    opens it once, not once per sheet (openpyxl scans every sheet on opening).
    """
    st = path.stat()
    return _open_cached(str(path.resolve()), st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=2)
def _open_cached(path_text: str, size: int, mtime_ns: int):
    import openpyxl  # local: only Excel readers pay for the import

    path = Path(path_text)
    data = path.read_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            xml = sum(
                i.file_size
                for i in zf.infolist()
                if i.filename.startswith("xl/worksheets/") or i.filename == "xl/sharedStrings.xml"
            )
    except zipfile.BadZipFile as exc:
        raise IngestError(
            f"无法作为 Excel 工作簿打开（{exc}）：请用 Excel 或 WPS 打开后另存为 .xlsx / cannot "
            "open as an Excel workbook; save it as .xlsx in Excel or WPS",
            path=path,
        ) from exc
    if xml > MAX_XML_BYTES:
        raise _too_big(
            path,
            f"解压后表格数据 {xml / 1048576:.0f} MiB，上限 {MAX_XML_BYTES // 1048576} MiB / "
            f"{xml / 1048576:.0f} MiB of sheet data unzipped, limit 64 MiB",
        )
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException variants
        raise IngestError(
            f"无法作为 Excel 工作簿打开（{exc}）：请用 Excel 或 WPS 打开后另存为 .xlsx / cannot "
            "open as an Excel workbook; open the file in Excel or WPS and save it as .xlsx",
            path=path,
        ) from exc


def sheet_names(path: str | Path, *, include_hidden: bool = False) -> list[str]:
    """Return the worksheet names of an Excel workbook in order (``[]`` for a CSV/TXT file).

    Hidden sheets (lookup lists, old versions, the template's stored copy) are left out unless
    ``include_hidden``.
    """
    path = Path(path)
    if file_kind(path) != "xlsx":
        return []
    wb = open_workbook(path)
    return [ws.title for ws in wb.worksheets if include_hidden or ws.sheet_state == "visible"]


def excel_text(value: object, number_format: str) -> str:
    """An openpyxl cell value as the text a user would type (numbers exact, percent scaled)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime | date | time):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return str(value)
        if "%" in (number_format or ""):
            scaled = (Decimal(repr(value)) * 100).normalize()
            return f"{scaled:f}%"
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    return str(value)


def _parser_class():
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class _Parser(WorkSheetParser):
        """openpyxl's streaming sheet parser, also noting formula cells without a saved value."""

        def parse_cell(self, element):
            out = super().parse_cell(element)
            if out["value"] is None:
                formula = element.find(FORMULA_TAG)
                if formula is not None:
                    out["formula"] = "=" + (formula.text or "")
            return out

    return _Parser


def _number_format(wb, style_id: int) -> str:
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    if not style_id:
        return "General"
    ident = wb._cell_styles[style_id].numFmtId
    if ident < BUILTIN_FORMATS_MAX_SIZE:
        return BUILTIN_FORMATS.get(ident, "General")
    return wb._number_formats[ident - BUILTIN_FORMATS_MAX_SIZE]  # as ReadOnlyCell does


def read_excel_grid(path: Path, sheet: str | None) -> Grid:
    """Stream one worksheet (default: the first visible one) into a :class:`Grid`.

    Raises
    ------
    IngestError
        No such sheet, more than :data:`MAX_ROWS` rows or :data:`MAX_COLUMNS` columns, or a
        workbook that cannot be opened. Formula cells without a saved value do not raise: they
        are listed in ``Grid.problems``.
    """
    wb = open_workbook(path)
    names = [ws.title for ws in wb.worksheets]
    if sheet is None:
        sheet = next((ws.title for ws in wb.worksheets if ws.sheet_state == "visible"), names[0])
    elif sheet not in names:
        raise IngestError(
            f"没有名为“{sheet}”的工作表 / no sheet named {sheet!r}; the workbook has {names}",
            path=path,
        )
    return _stream_sheet(wb, wb[sheet], path, sheet)


def _stream_sheet(wb, ws, path: Path, sheet: str) -> Grid:
    grid = Grid(str(path), [], sheet=sheet)
    parser = _parser_class()(
        ws._get_source(),
        wb.shared_strings,
        data_only=True,
        epoch=wb.epoch,
        date_formats=wb._date_formats,
        timedelta_formats=wb._timedelta_formats,
    )
    percent_cells = 0
    for rnum, cells in parser.parse():
        if len(grid.rows) >= MAX_ROWS:
            raise _too_big(
                path,
                f"工作表“{sheet}”超过 {MAX_ROWS} 行 / sheet {sheet!r} has more than {MAX_ROWS} rows",
            )
        texts: list[str] = []
        for c in cells:
            col = c["column"] - 1
            if col >= MAX_COLUMNS:
                raise _too_big(
                    path, f"工作表“{sheet}”超过 {MAX_COLUMNS} 列 / more than {MAX_COLUMNS} columns"
                )
            texts.extend([""] * (col - len(texts)))
            fmt = _number_format(wb, c["style_id"])
            value = c["value"]
            if "formula" in c:
                grid.problems.append(
                    IngestError(
                        f"单元格是公式（{c['formula']}）但没有保存计算结果：请用 Excel 或 WPS 打开、"
                        f"保存后再报送 / the cell holds the formula {c['formula']} but no "
                        "computed value was saved; open the file in Excel or WPS, save it, retry",
                        path=path,
                        row=rnum,
                        column=letter(col),
                        sheet=sheet,
                        cell=f"{letter(col)}{rnum}",
                    )
                )
            if isinstance(value, int | float) and not isinstance(value, bool) and "%" in fmt:
                percent_cells += 1
            texts.append(excel_text(value, fmt))
        grid.rows.append((rnum, texts))
    for r, attrs in parser.row_dimensions.items():
        if str(attrs.get("hidden", "")).lower() in ("1", "true"):
            grid.hidden_rows.add(int(r))
    for attrs in parser.column_dimensions.values():
        if str(attrs.get("hidden", "")).lower() in ("1", "true"):
            lo, hi = int(attrs["min"]), int(attrs.get("max", attrs["min"]))
            grid.hidden_columns.update(range(lo - 1, min(hi, MAX_COLUMNS)))
    merged = parser.merged_cells.mergeCell if parser.merged_cells else []
    _note_merges(grid, [m.ref for m in merged])
    if percent_cells:
        grid.transforms.append(
            f"{percent_cells} cell(s) formatted as percent in Excel were read as percent "
            "figures (0.956 shown as 95.6% → 95.6)"
        )
    return grid


def _note_merges(grid: Grid, refs: list[str]) -> None:
    from openpyxl.worksheet.cell_range import CellRange

    for ref in refs:
        rng = CellRange(ref)
        for r in range(rng.min_row, min(rng.max_row, rng.min_row + MAX_ROWS) + 1):
            for c in range(rng.min_col, min(rng.max_col, MAX_COLUMNS) + 1):
                if rng.max_col > rng.min_col:
                    grid.hspan.add((r, c - 1))
                if (r, c) != (rng.min_row, rng.min_col):
                    grid.covered.add((r, c - 1))
