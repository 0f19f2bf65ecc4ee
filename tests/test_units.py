"""units: parsing Chinese unit texts and exact conversion (万人 ↔ 人, 万张 ↔ 张, % ↔ ‰)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from huainan.errors import UnitError
from huainan.intake.units import conversion_factor, convert, parse_unit, split_quantity


@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [
        (5120, "人", "万人", 0.512),  # 5120 / 10^4
        (3.6, "万人", "人", 36000.0),  # 3.6 × 10^4
        (0.61, "万", "万人", 0.61),  # bare 万 of the indicator's base (人)
        (0.61, "万", "人", 6100.0),  # 0.61 × 10^4
        (3.2, "万张", "张", 32000.0),
        (23127, "张", "万张", 2.3127),
        (42, "万平方米", "平方米", 420000.0),
        (95.6, "%", "%", 95.6),
        (9, "‰", "%", 0.9),
        (2.5, "m2", "平方米", 2.5),  # NFKC(㎡) = m2
        (1.2, "万名", "人", 12000.0),  # 名 is the measure word for people
    ],
)
def test_convert(value, src, dst, expected):
    assert convert(value, src, dst) == expected


def test_convert_is_exact_where_float_arithmetic_is_not():
    assert 0.07 * 10000 == 700.0000000000001  # binary floating point
    assert convert(0.07, "万人", "人") == 700.0  # decimal scaling of the number as written
    assert convert(0.57, "%", "‰") == 5.7 and 0.57 * 10 != 5.7


@pytest.mark.parametrize(
    ("src", "dst"),
    [("万人", "%"), ("个/年", "个"), ("张", "人"), ("平方米/百户", "平方米"), ("岁", "年")],
)
def test_incompatible_units_raise(src, dst):
    with pytest.raises(UnitError, match="cannot convert"):
        conversion_factor(src, dst)


def test_parse_unit():
    assert parse_unit("万张").factor == Decimal(10000) and parse_unit("万张").base == "张"
    assert parse_unit("个/千人").per == "千人" and parse_unit("个/千人").factor == 1
    assert parse_unit("亿元").factor == Decimal(10) ** 8
    assert parse_unit("百分点").base == "百分点"  # unknown base: compared as written
    with pytest.raises(UnitError):
        parse_unit("  ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.6万人", ("3.6", "万人")),
        ("5120人", ("5120", "人")),
        ("0.61万", ("0.61", "万")),
        ("３．６万人", ("3.6", "万人")),
        ("95.6%", ("95.6", "%")),
        ("1,200张", ("1,200", "张")),
        ("41.5", ("41.5", "")),
        ("一", ("一", "")),
        ("万人", ("万人", "")),
    ],
)
def test_split_quantity(text, expected):
    assert split_quantity(text) == expected
