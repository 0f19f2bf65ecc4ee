"""Footnote markers on numbers, recognised in the text as typed — before any normalisation.

Statistical tables mark figures with footnotes: ``95.6*``, ``12³``, ``93.5①``, ``78.1a``,
``30(1)``. NFKC normalisation (:func:`huainan.text.normalize_text`, which every reader applies)
turns superscripts and circled numbers into plain digits, so ``12³`` would be read as 123 and
``93.5①`` as 93.51. :func:`footnote_marker` finds such a marker on the cell text *as typed*;
readers refuse the cell naming the marker (:func:`marker_message`), unless a footnote row below
the table starts with that marker (:func:`explained_marker`): then the marker is stripped
(:func:`strip_marker`) and the footnote recorded with the value.
"""

from __future__ import annotations

import re
import unicodedata

#: Symbols printed after a figure to point at a footnote (``95.6*``, ``12†``).
MARKER_SYMBOLS = "*＊†‡※§¶#＃"
_CIRCLED = re.compile(r"[\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf]")
# A figure followed by one footnote letter: 95.6a, 12 b, 30(a), 30[1], 30（注1）.
_LETTER_MARKER = re.compile(r"^[+\-\u2212]?[0-9][0-9,.]*\s*(?P<m>[a-zA-Z])$")
_BRACKET_MARKER = re.compile(
    r"^[+\-\u2212]?[0-9][0-9,.]*%?\s*(?P<m>[(（\[［【]\s*(?:注\s*)?(?:[0-9]{1,2}|[a-zA-Z])\s*[)）\]］】])$"
)
#: A footnote row that starts with a marker (read as a note, not as data): ``①含毛集实验区``.
MARKER_NOTE = re.compile(
    r"^(?:[\u2460-\u24ff\u2776-\u2793\u00b9\u00b2\u00b3\u2070-\u2079]|[*＊†‡※])\s*\D"
)


def _is_marker_char(ch: str) -> bool:
    """A superscript (``¹ ² ³ ⁴ ᵃ``), a circled or parenthesised number or letter (``① ⑴ ⒈ ⓐ
    ❶``) or a footnote symbol (:data:`MARKER_SYMBOLS`)."""
    if ch in MARKER_SYMBOLS or _CIRCLED.match(ch):
        return True
    return unicodedata.decomposition(ch).startswith(("<super>", "<circle>"))


def footnote_marker(text: str) -> str:
    """Return the footnote marker on a number as typed (``''`` if none).

    Must be called on the text *before* :func:`normalize_text`: NFKC turns ``12³`` into ``123``
    and ``93.5①`` into ``93.51`` — a footnote marker becomes a digit.

    Examples
    --------
    >>> footnote_marker("12³"), footnote_marker("93.5①"), footnote_marker("95.6*")
    ('³', '①', '*')
    >>> footnote_marker("78.1 a"), footnote_marker("30(1)"), footnote_marker("†12")
    ('a', '(1)', '†')
    >>> footnote_marker("95.6"), footnote_marker("3.6万人"), footnote_marker("—"), footnote_marker("x")
    ('', '', '', '')
    """
    t = text.strip()
    if not t:
        return ""
    tail = ""
    while t and _is_marker_char(t[-1]):
        tail, t = t[-1] + tail, t[:-1].rstrip()
    if tail and t and (t[-1].isdigit() or t[-1] == "%"):
        return tail
    head = ""
    t2 = text.strip()
    while t2 and _is_marker_char(t2[0]):
        head, t2 = head + t2[0], t2[1:].lstrip()
    if head and t2[:1].isdigit():
        return head
    t = text.strip()
    for pattern in (_LETTER_MARKER, _BRACKET_MARKER):
        m = pattern.match(t)
        if m:
            return m["m"]
    return ""


def strip_marker(text: str, marker: str) -> str:
    """``text`` without ``marker`` at its end or start (as typed)."""
    t = text.strip()
    if t.endswith(marker):
        return t[: -len(marker)].rstrip()
    if t.startswith(marker):
        return t[len(marker) :].lstrip()
    return t


def explained_marker(marker: str, notes: list[str]) -> str:
    """The footnote row (as typed) that explains ``marker`` (starts with it, after an optional
    ``注：``), or ``''``.

    Examples
    --------
    >>> explained_marker("①", ["资料来源：市统计局", "注：①含毛集实验区。"])
    '注：①含毛集实验区。'
    >>> explained_marker("*", ["注：①含毛集实验区。"])
    ''
    """
    bare = marker.strip("()（）[]［］【】 ")
    for note in notes:
        body = re.sub(r"^(?:注|附注|说明)\s*\d*\s*[:：.、]?\s*", "", note.strip())
        if body.startswith(marker) or (
            bare and re.match(rf"^[(（\[［【]?\s*{re.escape(bare)}\s*[)）\]］】.、:：\s]", body)
        ):
            return note.strip()
    return ""


def marker_message(marker: str, original: str) -> str:
    """The refusal for a number carrying an unexplained footnote marker (Chinese / English)."""
    return (
        f"数值带有脚注标记“{marker}”，不能当作数字读取（否则 12³ 会被读成 123）：请删除该标记，把说明"
        f"写进“备注”列；若表下有以该标记开头的脚注行，导入时会自动去除标记并记录 / the number "
        f"{original.strip()!r} carries the footnote marker {marker!r}, which would be read as a "
        "digit (12³ → 123): remove it and put the footnote in the 备注 column, or add a footnote "
        "row starting with the marker below the table"
    )
