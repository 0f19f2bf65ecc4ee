"""parse_target: every target form the plan and the shared fixtures use."""

import csv
import dataclasses
from pathlib import Path

import pytest

from huainan.errors import TargetParseError
from huainan.plan.targets import Target, parse_target

FIXTURES = Path(__file__).parent / "fixtures"


def _rows(name):
    with open(FIXTURES / name, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


# fixtures/target_cells.csv: (indicator, 2020 cell, 2025 cell) → expected parses, read off the file.
TARGET_CELLS = {
    "养老机构护理型床位占比": (
        ("numeric", None, 32.0, False, None),
        ("numeric", ">=", 55.0, False, None),
    ),
    "学前教育毛入园率": (("numeric", None, 93.0, False, None), ("numeric", ">", 95.0, False, None)),
    "城镇登记失业率": (("numeric", None, 3.1, False, None), ("numeric", "<", 4.5, False, None)),
    "孤儿保障覆盖率": (
        ("missing", None, None, False, None),
        ("qualitative", None, None, False, None),
    ),
    "高中阶段教育毛入学率": (
        ("numeric", None, 95.8, False, None),
        ("relative", ">", None, False, "province_average"),
    ),
    "劳动年龄人口平均受教育年限": (
        ("numeric", None, 10.25, False, None),
        ("relative", ">=", None, False, "province_average"),
    ),
    "城镇老旧小区改造": (
        ("numeric", None, 209.0, True, None),
        ("numeric", None, 430.0, True, None),
    ),
    "每百户居民拥有社区综合服务设施面积": (
        ("missing", None, None, False, None),
        ("numeric", ">", 30.0, False, None),
    ),
}


def _fields(t: Target):
    return (t.kind, t.op, t.value, t.cumulative, t.reference)


def test_every_row_of_target_cells_fixture():
    rows = _rows("target_cells.csv")
    assert {r["指标"] for r in rows} == set(TARGET_CELLS)
    for r in rows:
        base, target = TARGET_CELLS[r["指标"]]
        assert _fields(parse_target(r["2020年"])) == base, r
        assert _fields(parse_target(r["2025年目标"])) == target, r
        assert parse_target(r["2025年目标"]).text == r["2025年目标"]  # original text kept


def test_every_row_of_fullwidth_fixture():
    # fixtures/fullwidth_values.csv: full-width digits, points, brackets and ＞ (NFKC-normalised).
    expected = {
        "学前教育毛入园率": (("numeric", ">", 95.0, False, None), 95.6),
        "九年义务教育巩固率": (("numeric", None, 99.0, False, None), 98.7),
        "人均预期寿命（岁）": (("numeric", None, 78.8, False, None), 78.1),
        "城镇新增就业（万人）": (("numeric", None, 18.0, True, None), 3.6),
    }
    rows = _rows("fullwidth_values.csv")
    assert len(rows) == 4
    for r in rows:
        target, actual = expected[r["指标"]]
        assert _fields(parse_target(r["2025年目标"])) == target
        assert parse_target(r["2023年实际（％）"]).value == actual


@pytest.mark.parametrize(
    "text,expected",
    [
        ("≤18", ("numeric", "<=", 18.0, False, None)),
        ("<=18", ("numeric", "<=", 18.0, False, None)),
        (">=55", ("numeric", ">=", 55.0, False, None)),
        ("≧55", ("numeric", ">=", 55.0, False, None)),
        (" > 2.6 ", ("numeric", ">", 2.6, False, None)),
        ("[2.3209]", ("numeric", None, 2.3209, True, None)),
        ("95%", ("numeric", None, 95.0, False, None)),
        ("—", ("missing", None, None, False, None)),
        ("", ("missing", None, None, False, None)),
        ("应护尽护", ("qualitative", None, None, False, None)),
        ("不低于全省平均水平", ("relative", ">=", None, False, "province_average")),
        (4.6, ("numeric", None, 4.6, False, None)),
        (None, ("missing", None, None, False, None)),
    ],
)
def test_other_forms(text, expected):
    assert _fields(parse_target(text)) == expected


@pytest.mark.parametrize(
    "text", ["一", "2~3", "约30", "高于全国平均水平", ">", "[18", "95.5.1", "x"]
)
def test_unreadable_text_raises_naming_the_text(text):
    with pytest.raises(TargetParseError) as err:
        parse_target(text)
    assert repr(text) in str(err.value)
    assert isinstance(err.value, ValueError)


def test_target_is_immutable():
    t = parse_target("≥55")
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.value = 60.0


def test_bound_reads_plain_numbers_by_direction():
    assert parse_target("95.5").bound("higher_better") == ">="
    assert parse_target("6").bound("lower_better") == "<="
    assert parse_target(">95").bound("lower_better") == ">"  # a printed qualifier wins
    assert parse_target("应保尽保").bound("higher_better") is None
    with pytest.raises(ValueError):
        parse_target("1").bound("up")
