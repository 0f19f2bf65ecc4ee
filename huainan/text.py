"""Text normalisation: one set of rules for every place that reads or matches text.

Support module: any layer may import it.

- :func:`normalize_text` a cell's text as a reader sees it (NFKC, no zero-width characters,
  no padding between Chinese characters, runs of spaces as one);
- :func:`squeeze` NFKC without any whitespace (target cells such as ``＞ ９５．６`` → ``>95.6``);
- :func:`match_key` the key two spellings of one name or id share (also dashes unified, quotes
  dropped, ASCII lower-cased): used to match indicator names, ids and place names.

NFKC folds full-width digits and brackets to ASCII (``９５．６％`` → ``95.6%``) but also
superscripts and circled digits to plain digits (``12³`` → ``123``): readers that must refuse
footnote markers look at the text *before* calling these functions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# CJK ideographs (incl. extensions A–H and compatibility), kana, CJK punctuation, radicals.
CJK_RANGES = (
    r"\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3200-\u9fff"
    r"\uf900-\ufaff\ufe30-\ufe4f\U00020000-\U0003ffff"
)
_SPACE_NEAR_CJK = re.compile(rf"\s+(?=[{CJK_RANGES}])|(?<=[{CJK_RANGES}])\s+")
_SPACES = re.compile(r"\s+")
_DASHES = str.maketrans({"—": "-", "–": "-", "−": "-", "－": "-"})
_QUOTES = re.compile(r"[“”‘’\"']")


def normalize_text(value: object) -> str:
    """Return a cell's text NFKC-normalised, without zero-width characters, trimmed.

    Whitespace touching a Chinese character is removed (tables pad names for alignment: ``寿　县``);
    other whitespace runs become one space.

    Examples
    --------
    >>> normalize_text("  ９５．６％ ")
    '95.6%'
    >>> normalize_text("地　　区"), normalize_text("每千人口拥有 3 岁以下婴幼儿托位数 (个)")
    ('地区', '每千人口拥有3岁以下婴幼儿托位数(个)')
    >>> normalize_text(None)
    ''
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).translate(_ZERO_WIDTH)
    text = _SPACE_NEAR_CJK.sub("", text)
    return _SPACES.sub(" ", text).strip()


def squeeze(text: object) -> str:
    """NFKC-normalise ``text`` and remove all whitespace (full-width and ideographic included).

    Examples
    --------
    >>> squeeze("＞ ９５．６"), squeeze("［１８］")
    ('>95.6', '[18]')
    """
    folded = unicodedata.normalize("NFKC", str(text)).translate(_ZERO_WIDTH)
    return _SPACES.sub("", folded)


def match_key(text: object) -> str:
    """The key under which two spellings of one name or id match.

    :func:`squeeze`, then dashes unified to ``-``, quotes dropped and ASCII lower-cased.

    Examples
    --------
    >>> match_key("Urbanization_Rate"), match_key("０—４岁人口"), match_key("“寿 县”")
    ('urbanization_rate', '0-4岁人口', '寿县')
    """
    return _QUOTES.sub("", squeeze(text).translate(_DASHES)).lower()


# --------------------------------------------------------------------------------------------
# Spreadsheet safety: text that Excel/WPS would run as a formula
# --------------------------------------------------------------------------------------------

#: First characters that make Excel, WPS and LibreOffice read a cell as a formula (or DDE
#: command) when a CSV is opened (OWASP "CSV injection"): ``=``, ``+``, ``-``, ``@``, tab, CR.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+\-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+\-]?[0-9]+)?%?$")


def formula_safe(text: str) -> str:
    """Return ``text`` as a spreadsheet shows it literally: a leading ``'`` before a formula start.

    A text field that starts with one of :data:`FORMULA_TRIGGERS` (``=1+1``, ``@SUM(A1)``,
    ``-cmd|' /c calc'!A1``) or with ``'`` itself gets one ``'`` in front; plain numbers
    (``-3.5``) and every other text are returned unchanged. The escape is reversible
    (:func:`formula_restore`), so the officer's text is kept byte for byte.

    Examples
    --------
    >>> formula_safe("=HYPERLINK(\\"http://x\\")"), formula_safe("-3.5"), formula_safe("淮南")
    ('\\'=HYPERLINK("http://x")', '-3.5', '淮南')
    >>> formula_restore(formula_safe("'quoted")) == "'quoted"
    True
    """
    if not text:
        return text
    if text[0] == "'" or (text[0] in FORMULA_TRIGGERS and not _PLAIN_NUMBER.match(text)):
        return "'" + text
    return text


def formula_restore(text: str) -> str:
    """Undo :func:`formula_safe` (drop the one ``'`` it added).

    Examples
    --------
    >>> formula_restore("'=1+1"), formula_restore("''x"), formula_restore("x")
    ('=1+1', "'x", 'x')
    """
    if len(text) >= 2 and text[0] == "'" and (text[1] == "'" or text[1] in FORMULA_TRIGGERS):
        return text[1:]
    return text


# --------------------------------------------------------------------------------------------
# Name matching: one rule for every lookup of an indicator by name or id
# --------------------------------------------------------------------------------------------

_TRAILING_BRACKET = re.compile(r"^(?P<name>.*\S)\((?P<inner>[^()]+)\)$")


class NameIndex:
    """Look up ids by a name, an alias or the id itself, with one matching rule.

    The rule (used by :func:`huainan.evidence.stats.resolve_indicator` and by ingest's
    indicator lookup, :mod:`huainan.intake.catalogue`): the text and every known name are
    compared by :func:`match_key` (NFKC, no whitespace, dashes unified, quotes dropped, ASCII
    lower-cased); a trailing part in brackets may be split off (``城镇新增就业（万人）`` →
    ``城镇新增就业`` + ``万人``): see :meth:`lookup` for the order. Brackets that are part of a
    known name are kept (``文盲率（占15岁及以上人口）``).

    Parameters
    ----------
    pairs : iterable of (str, str)
        (name, id) pairs, in priority order; one id may have many names.

    Examples
    --------
    >>> ix = NameIndex([("城镇化率", "urbanization_rate"), ("urbanization_rate", "urbanization_rate")])
    >>> ix.lookup("城镇化率（%）")
    (['urbanization_rate'], '%')
    >>> ix.lookup("Urbanization_Rate"), ix.lookup("城镇化")
    ((['urbanization_rate'], None), ([], None))
    """

    def __init__(self, pairs) -> None:
        self.ids: dict[str, list[str]] = {}
        self.names: dict[str, str] = {}
        for name, ident in pairs:
            key = match_key(name)
            hits = self.ids.setdefault(key, [])
            if ident not in hits:
                hits.append(ident)
            self.names.setdefault(key, name)

    def lookup(
        self, text: str, is_unit: Callable[[str], bool] | None = None
    ) -> tuple[list[str], str | None]:
        """Return (ids, the bracketed suffix split off or None); ``[]`` when nothing matches.

        Order: with ``is_unit`` (a predicate on the bracket's text), a trailing bracket holding
        a unit is split off first (``每千人口执业(助理)医师数(人)`` → the name + ``人``), then
        the whole text; without it, the whole text, then the text without any trailing bracket.
        """
        m = _TRAILING_BRACKET.match(squeeze(text))
        if m and is_unit is not None and is_unit(m["inner"]):
            hits = self.ids.get(match_key(m["name"]))
            if hits:
                return list(hits), m["inner"]
        key = match_key(text)
        if key in self.ids:
            return list(self.ids[key]), None
        if m and is_unit is None:
            hits = self.ids.get(match_key(m["name"]))
            if hits:
                return list(hits), m["inner"]
        return [], None

    def closest(self, text: str, n: int = 4) -> list[str]:
        """The known names closest to ``text`` (difflib ratio ≥ 0.5), best first."""
        import difflib

        keys = difflib.get_close_matches(match_key(text), list(self.names), n=n, cutoff=0.5)
        return [self.names[k] for k in keys]


def formula_safe_frame(df):
    """A copy of DataFrame ``df`` whose text cells are :func:`formula_safe` (numbers untouched):
    what every CSV or Excel file the workbook writes goes through.

    Examples
    --------
    >>> import pandas as pd
    >>> formula_safe_frame(pd.DataFrame({"a": ["=1+1", "x"], "b": [-1.5, 2.0]})).values.tolist()
    [["'=1+1", -1.5], ['x', 2.0]]
    """
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype).startswith("str"):
            out[col] = out[col].map(lambda x: formula_safe(x) if isinstance(x, str) else x)
    return out


_MD_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def md_escape(text: object) -> str:
    r"""Return data text safe to put inside Markdown: every ASCII punctuation character
    backslash-escaped (CommonMark §2.4), so ``<img onerror=…>``, ``*``, ``[x](javascript:…)``
    render as the literal characters — in nbconvert's HTML (mistune) and in the Word/PDF
    documents (markdown-it) alike; whitespace runs, line breaks included, become one space.
    Use it on every string that comes from a file or a return
    (source titles, notes, file names), never on the Markdown the package writes itself.

    Examples
    --------
    >>> md_escape("<b>统计公报</b> *注*")
    '\\<b\\>统计公报\\<\\/b\\> \\*注\\*'
    >>> md_escape("《年报》\n\n        <b>表2</b>")
    '《年报》 \\<b\\>表2\\<\\/b\\>'
    >>> md_escape(None)
    ''
    """
    if text is None:
        return ""
    # line breaks (Alt+Enter in an Excel cell) and indentation would start a new paragraph or
    # an indented code block, where escapes are shown, not read: one line, single spaces
    return _MD_PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))
