"""Units of measurement in officials' tables, and exact conversion between them.

Chinese statistics write a count's magnitude into its unit: ``万人`` (10,000 persons),
``万张`` (10,000 beds), ``万平方米``. A unit here is an optional multiplier (千 10³,
万 10⁴, 十万, 百万, 千万, 亿 10⁸) in front of a base (``人``, ``张``, ``个`` …),
optionally per something (``个/年``, ``平方米/百户``: the part after ``/`` must match
exactly). ``%`` and ``‰`` are one family (parts of 100 and of 1,000). A bare multiplier
(``0.61万``) means "of the base unit the indicator is counted in". Conversions are done in
decimal arithmetic on the number as written, so ``0.61万`` → 6100 人 exactly and 5120 人 →
0.512 万人 (the float nearest to 0.512), never 0.5120000000000001.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from huainan.errors import UnitError
from huainan.text import normalize_text

#: Multiplier prefixes (longest first when matching).
MULTIPLIERS: dict[str, Decimal] = {
    "十万": Decimal(10) ** 5,
    "百万": Decimal(10) ** 6,
    "千万": Decimal(10) ** 7,
    "千": Decimal(10) ** 3,
    "万": Decimal(10) ** 4,
    "亿": Decimal(10) ** 8,
}
#: Base units a multiplier may stand in front of.
BASES = frozenset(
    {
        "人",
        "人次",
        "张",
        "个",
        "户",
        "所",
        "家",
        "次",
        "元",
        "项",
        "处",
        "套",
        "间",
        "公里",
        "平方米",
        "平方公里",
        "岁",
        "年",
        "床",
        "座",
        "册",
        "件",
    }
)
#: Spellings that mean the same base (after NFKC: ``㎡`` → ``m2``; 名 counts people).
ALIASES: dict[str, str] = {
    "m2": "平方米",
    "平米": "平方米",
    "km": "公里",
    "千米": "公里",
    "km2": "平方公里",
    "百分比": "%",
    "百分数": "%",
    "名": "人",
}
#: The ratio family: % and ‰ are convertible.
RATIOS: dict[str, Decimal] = {"%": Decimal("0.01"), "‰": Decimal("0.001")}

_NUMBER_THEN_UNIT = re.compile(
    r"^(?P<number>[+\-\u2212]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.[0-9]+)?"
    r"(?:[eE][+\-]?[0-9]+)?)\s*(?P<unit>[^\s0-9.,+\-].*)?$"
)


@dataclass(frozen=True)
class Unit:
    """A parsed unit.

    Attributes
    ----------
    text : str
        The unit as normalised (``万人``).
    base : str
        ``人`` for ``万人``; ``ratio`` for ``%``/``‰``; ``""`` for a bare multiplier (``万``);
        the whole text for a unit without a known base (compared as is).
    per : str
        What follows ``/`` (``年`` in ``个/年``), ``""`` if none.
    factor : Decimal
        How many base units one of this unit is (``万人`` → 10000; ``%`` → 0.01).
    """

    text: str
    base: str
    per: str
    factor: Decimal


def parse_unit(text: str) -> Unit:
    """Parse a unit text.

    Examples
    --------
    >>> parse_unit("万人")
    Unit(text='万人', base='人', per='', factor=Decimal('10000'))
    >>> parse_unit("％").base, parse_unit("㎡").base, parse_unit("万").base
    ('ratio', '平方米', '')
    >>> parse_unit("个/千人")
    Unit(text='个/千人', base='个', per='千人', factor=Decimal('1'))
    """
    norm = normalize_text(text).replace(" ", "")
    if not norm:
        raise UnitError("单位为空 / empty unit", value=text)
    head, _, per = norm.partition("/")
    if head in RATIOS:
        return Unit(norm, "ratio", per, RATIOS[head])
    head = ALIASES.get(head, head)
    if head in MULTIPLIERS:
        return Unit(norm, "", per, MULTIPLIERS[head])
    for prefix in sorted(MULTIPLIERS, key=len, reverse=True):
        if head.startswith(prefix):
            rest = ALIASES.get(head[len(prefix) :], head[len(prefix) :])
            if rest in BASES:
                return Unit(norm, rest, per, MULTIPLIERS[prefix])
    return Unit(norm, head, per, Decimal(1))


def conversion_factor(from_unit: str, to_unit: str) -> Decimal:
    """Return the factor that turns a value in ``from_unit`` into ``to_unit``.

    Raises
    ------
    UnitError
        If the units measure different things (``万人`` → ``%``; ``个/年`` → ``个``).

    Examples
    --------
    >>> conversion_factor("人", "万人"), conversion_factor("万张", "张")
    (Decimal('0.0001'), Decimal('10000'))
    >>> conversion_factor("‰", "%")
    Decimal('0.1')
    >>> conversion_factor("万", "万人")
    Decimal('1')
    """
    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    if src.text == dst.text:
        return Decimal(1)
    same_base = src.base == dst.base or src.base == "" and dst.base not in ("ratio", "")
    if not same_base or src.per != dst.per:
        raise UnitError(
            f"单位“{src.text}”无法换算为本指标的单位“{dst.text}”（计量的不是同一种量），"
            f"请按“{dst.text}”填报 / cannot convert {src.text!r} to {dst.text!r}: they measure "
            "different things",
            value=from_unit,
        )
    return src.factor / dst.factor


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert ``value`` from ``from_unit`` to ``to_unit`` in decimal arithmetic.

    The float is taken as the shortest decimal that prints as it (``repr``), scaled exactly, and
    rounded once to the nearest float.

    Raises
    ------
    UnitError
        If the units are not convertible.

    Examples
    --------
    >>> convert(5120, "人", "万人"), convert(0.61, "万", "人"), convert(3.6, "万人", "人")
    (0.512, 6100.0, 36000.0)
    """
    f = conversion_factor(from_unit, to_unit)
    if f == 1:
        return float(value)
    return float(Decimal(repr(float(value))) * f)


def split_quantity(text: str) -> tuple[str, str]:
    """Split a cell such as ``3.6万人`` into the number text and the unit text.

    Returns
    -------
    (str, str)
        ``("3.6", "万人")``; the unit is ``""`` when the cell has none. A cell that does not start
        with a number comes back whole as ``(text, "")`` for the caller to reject.

    Examples
    --------
    >>> split_quantity("3.6万人"), split_quantity("5120 人"), split_quantity("95.6%")
    (('3.6', '万人'), ('5120', '人'), ('95.6', '%'))
    >>> split_quantity("41.5"), split_quantity("—")
    (('41.5', ''), ('—', ''))
    """
    norm = normalize_text(text)
    m = _NUMBER_THEN_UNIT.match(norm)
    if not m or not re.search(r"[0-9]", m["number"]):
        return norm, ""
    return m["number"], (m["unit"] or "").strip()
