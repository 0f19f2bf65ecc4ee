"""Where a stored value was read: the ``source_ref`` the intake writes, and its Chinese reading.

The store keeps one plain, machine-readable reference per value (``return.csv line 2``,
``return.xlsx [托育] D5``); people read it in Chinese (``return.csv 第2行``,
``return.xlsx 工作表“托育” D5单元格``). Both directions live here, so a screen or document never
parses the reference with a second rule.
"""

from __future__ import annotations

import re

_LINE = re.compile(r"(?P<file>.+) line (?P<line>\d+)")
_CELL = re.compile(r"(?P<file>.+) \[(?P<sheet>[^\]]*)\] (?P<cell>[A-Z]{1,3}\d+)")


def source_ref(filename: str, row: int, *, sheet: str | None = None, column: str = "") -> str:
    """The reference stored with a value read from a return.

    Parameters
    ----------
    filename : str
        The return's file name (no folder).
    row : int
        1-based row (line of a CSV, row of a sheet).
    sheet : str, optional
        The worksheet (Excel); None for a CSV.
    column : str
        The column letter(s) of the value's cell (Excel).

    Examples
    --------
    >>> source_ref("托育.csv", 2)
    '托育.csv line 2'
    >>> source_ref("托育.xlsx", 5, sheet="托育", column="D")
    '托育.xlsx [托育] D5'
    """
    return f"{filename} [{sheet}] {column}{row}" if sheet else f"{filename} line {row}"


def source_ref_zh(ref: object) -> str:
    """A stored reference as officials read it; web addresses and other text unchanged.

    Examples
    --------
    >>> source_ref_zh("托育.csv line 2")
    '托育.csv 第2行'
    >>> source_ref_zh("托育.xlsx [托育] D5")
    '托育.xlsx 工作表“托育” D5单元格'
    >>> source_ref_zh("https://tjj.huainan.gov.cn/x.html")
    'https://tjj.huainan.gov.cn/x.html'
    """
    text = "" if ref is None else str(ref)
    if text.startswith(("http://", "https://")):
        return text
    if m := _CELL.fullmatch(text):
        return f"{m['file']} 工作表“{m['sheet']}” {m['cell']}单元格"
    if m := _LINE.fullmatch(text):
        return f"{m['file']} 第{m['line']}行"
    return text
