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
