"""How numbers are written for people: one format for briefs, charts, apps and documents.

Support module: any layer may import it. Rules (Chinese official statistics usage):

- whole numbers with thousands separators from 1,000 up (``3,033,528``), never ``9.3e+04``;
- below 1,000 a fixed number of significant digits (default 4: ``2.55``, ``0.1235``);
- a true minus sign (U+2212), not a hyphen;
- a missing value is written :data:`NO_DATA_ZH` (``无数据``), never ``nan`` or an empty cell;
- times are shown in Beijing time (:data:`BEIJING`), dates as ``2026年12月5日`` (:func:`date_zh`).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: Officials read times in Beijing time; files keep ISO 8601 UTC. China has kept UTC+8 without
#: daylight saving since 1991, so a fixed offset stands in if the tz database is absent.
BEIJING: tzinfo
try:
    BEIJING = ZoneInfo("Asia/Shanghai")
except ZoneInfoNotFoundError:  # pragma: no cover - no tz database on this machine
    BEIJING = timezone(timedelta(hours=8), "CST")


def date_zh(when: datetime | None = None) -> str:
    """The Beijing date of ``when`` (default now) as officials write it.

    A naive ``when`` is taken as UTC.

    Examples
    --------
    >>> date_zh(datetime(2026, 12, 4, 22, 50, tzinfo=timezone.utc))  # 06:50 next day in Beijing
    '2026年12月5日'
    """
    when = when or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    b = when.astimezone(BEIJING)
    return f"{b.year}年{b.month}月{b.day}日"


#: What a missing value is written as.
NO_DATA_ZH = "无数据"

MINUS = "\u2212"


def is_missing(x: object) -> bool:
    """True for ``None``, ``pandas.NA``, ``NaT`` and float NaN.

    Examples
    --------
    >>> is_missing(None), is_missing(float("nan")), is_missing(0.0), is_missing("")
    (True, True, False, False)
    """
    if x is None:
        return True
    if isinstance(x, float):
        return math.isnan(x)
    try:
        import pandas as pd

        return bool(pd.isna(x)) if not isinstance(x, str | bytes) else False
    except (TypeError, ValueError):  # list-likes are not one missing value
        return False


def number(x: object, digits: int = 4, *, missing: str = NO_DATA_ZH) -> str:
    """A number for a table cell, a chart label or a sentence.

    Parameters
    ----------
    x : float-like
        The value (``None``/NaN/NA → ``missing``).
    digits : int
        Significant digits below 1,000.
    missing : str
        Text for a missing value (default ``无数据``; tables of progress use ``—``).

    Returns
    -------
    str

    Examples
    --------
    >>> number(3033528.0), number(12056.44), number(-0.0123), number(float("nan")), number(2.55)
    ('3,033,528', '12,056', '−0.0123', '无数据', '2.55')
    >>> number(1234.5, 3), number(0.123456), number(None, missing="—")
    ('1,234', '0.1235', '—')
    """
    if is_missing(x):
        return missing
    v = float(x)  # type: ignore[arg-type]
    text = f"{v:,.0f}" if abs(v) >= 1000 else f"{v:,.{digits}g}"
    return text.replace("-", MINUS)


def fixed(x: object, decimals: int, *, missing: str = NO_DATA_ZH) -> str:
    """A number with a fixed number of decimals (one format for a whole table column).

    Halves are rounded away from zero (四舍五入) on the value as a reader would compute it: the
    binary noise of a computed value (3.8 / 1.6 = 2.3749999999999996) is dropped first (12
    significant digits), so the ratio 2.375 is written ``2.38`` as by hand.

    Examples
    --------
    >>> fixed(92.5, 1), fixed(99, 1), fixed(-0.05, 2), fixed(12345.678, 1)
    ('92.5', '99.0', '−0.05', '12,345.7')
    >>> fixed(3.8 / 1.6, 2), fixed(0.125, 2), fixed(-2.5, 0)
    ('2.38', '0.13', '−3')
    """
    if is_missing(x):
        return missing
    from decimal import ROUND_HALF_UP, Decimal

    v = Decimal(f"{float(x):.12g}")  # type: ignore[arg-type]
    q = v.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return f"{q:,.{decimals}f}".replace("-", MINUS)


def whole(x: object, *, missing: str = NO_DATA_ZH) -> str:
    """A count of whole things (places, beds, people, m²): rounded, with thousands separators.

    Examples
    --------
    >>> whole(969.353), whole(13270.33), whole(-0.4), whole(float("nan"))
    ('969', '13,270', '0', '无数据')
    """
    if is_missing(x):
        return missing
    return f"{round(float(x)):,d}".replace("-", MINUS)  # type: ignore[arg-type]


def percent(x: object, digits: int = 1, *, missing: str = NO_DATA_ZH) -> str:
    """A fraction as a percentage (``0.0372`` → ``3.7%``).

    Examples
    --------
    >>> percent(0.0372), percent(-0.5, 0), percent(None)
    ('3.7%', '−50%', '无数据')
    """
    if is_missing(x):
        return missing
    return f"{100 * float(x):.{digits}f}%".replace("-", MINUS)  # type: ignore[arg-type]


def decimals_for(values, *, significant: int = 3, most: int = 4) -> int:
    """The one number of decimals for a column of values (a table column, a chart's labels):
    enough for the smallest non-zero magnitude to show ``significant`` digits, at most ``most``,
    none for values of 1,000 and more — and never more than the values carry (reported values
    keep their own precision; computed ones are cut to ``significant`` digits).

    Examples
    --------
    >>> decimals_for([3.603, 1.08, 0.0126]), decimals_for([92.5, 99.1]), decimals_for([13270, 969])
    (4, 1, 0)
    >>> decimals_for([22.0, -1.5]), decimals_for([0.40824829, 0.20412415]), decimals_for([3.0, 5.0])
    (1, 3, 0)
    >>> decimals_for([2.55, 3.15]), decimals_for([]), decimals_for([float("nan"), 0.0])
    (2, 0, 0)
    """
    finite = [abs(float(v)) for v in values if not is_missing(v) and float(v) != 0]
    if not finite:
        return 0
    smallest = min(finite)
    if smallest >= 1000:
        return 0
    digits = max(0, min(most, significant - 1 - math.floor(math.log10(smallest))))
    # never more decimals than the values carry (22 and −1.5 are written 22.0 and −1.5)
    carried = max(_decimals_carried(v, most) for v in finite)
    return min(digits, carried)


def _decimals_carried(v: float, most: int) -> int:
    """The fewest decimals (≤ ``most``) that write ``v`` as it is, up to rounding noise."""
    target = round(v, most)
    for d in range(most + 1):
        if abs(round(v, d) - target) <= 1e-9 * max(1.0, abs(v)):
            return d
    return most


def column(values, *, counts: bool = False, missing: str = NO_DATA_ZH) -> list[str]:
    """A column of numbers in one format: :func:`whole` for counts of things (persons, places,
    beds, m² — say so with ``counts``), else :func:`fixed` with one :func:`decimals_for` for all.

    The unit alone cannot decide: the plan writes rates per 1,000 in bare 人 or 个.

    Examples
    --------
    >>> column([3.603, 1.08, 0.0126])
    ['3.6030', '1.0800', '0.0126']
    >>> column([13270.33, 969.4], counts=True), column([92.5, 99.0, None])
    (['13,270', '969'], ['92.5', '99.0', '无数据'])
    """
    values = list(values)
    if counts:
        return [whole(v, missing=missing) for v in values]
    d = decimals_for(values)
    return [fixed(v, d, missing=missing) for v in values]
