"""The census county tables: reading them, the census measures, the national county tables.

Two digitisations of the census are read (see ``<shared>/README.md``):

* the 2020 county tabulation, 中国人口普查分县资料2020 (NBS, China Statistics Press 2022) as
  digitised by thebamboogrove/tudigong (``census2020_county/*.csv``, fractions 0–1): the master
  list of the 2,990 county-level units, the 2020 employment ratio, and an independent check;
* the 6th and 7th census yearbook county tables compiled by leiii/census
  (``census_county_2010_2020/census_county_20x0.xlsx``): counts and published averages.

Every census measure (:data:`MEASURES`) is read from a yearbook row by a :class:`Recipe`: a
printed value (:class:`Col`), a sum of printed counts (:class:`Sum`, e.g. age bands 60–64 … 85+
of men and women) or a ratio of sums of counts *of the same row* (:class:`Ratio`); the 2020
employment ratio is only in the tabulation (:class:`Tud`). The same recipes give the long
table's census rows (:mod:`huainan.evidence.build`) and the national county tables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from huainan.errors import DataValidationError
from huainan.evidence.catalog import INDICATORS_BY_ID
from huainan.text import match_key

# --------------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A publication and the local file that holds it."""

    title: str
    file: str  # path relative to the shared data folder
    url: str


SRC_T2020 = Source(
    "中国人口普查分县资料2020（国家统计局，中国统计出版社2022，ISBN 978-7-5037-9772-9；"
    "thebamboogrove/tudigong 数字化）",
    "census2020_county/{file}",
    "https://github.com/thebamboogrove/tudigong/tree/main/input",
)
SRC_Y2020 = Source(
    "第七次全国人口普查 分县资料（年鉴县级表，Lei Dong et al. leiii/census 整理）",
    "census_county_2010_2020/census_county_2020.xlsx",
    "https://github.com/leiii/census",
)
SRC_Y2010 = Source(
    "第六次全国人口普查 分县资料（年鉴县级表，Lei Dong et al. leiii/census 整理）",
    "census_county_2010_2020/census_county_2010.xlsx",
    "https://github.com/leiii/census",
)
SRC_CITY = Source(
    "第六次、第七次全国人口普查 地级市汇总（leiii/census 整理）",
    "census_county_2010_2020/census_city_2010_2020.csv",
    "https://github.com/leiii/census",
)
CENSUS_TITLES = (SRC_T2020.title, SRC_Y2020.title, SRC_Y2010.title, SRC_CITY.title)

Y2020_SHEET = "七普（年鉴）"
Y2010_SHEET = "Sheet1"


# --------------------------------------------------------------------------------------------
# Canonical yearbook columns (one name for the same quantity in the 2010 and 2020 tables)
# --------------------------------------------------------------------------------------------

_BANDS = (0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85)
_EDU = ("none", "pres", "prim", "jrhi", "srhi", "coll", "unip")


def _band_label_2020(lo: int) -> str:
    if lo == 0:
        return "0岁"
    if lo == 1:
        return "1到4岁"
    if lo == 85:
        return "85岁以上"
    return f"{lo}到{lo + 4}岁"


def _band_label_2010(lo: int) -> str:
    if lo == 0:
        return "0岁"
    if lo == 1:
        return "1-4岁"
    if lo == 85:
        return "85岁及以上"
    return f"{lo}-{lo + 4}岁"


_EDU_2020 = {
    "none": "未上过学",
    "pres": "学前教育",
    "prim": "小学",
    "jrhi": "初中",
    "srhi": "高中",
    "coll": "大学专科",
    "unip": "本科及以上",
}
_EDU_2010 = {
    "none": "未上过学",
    "prim": "小学",
    "jrhi": "初中",
    "srhi": "高中",
    "coll": "大学专科",
    "unip": "大学本科及以上",
}

Y2020_COLUMNS: dict[str, str] = {
    "pop": "人口数_合计",
    "urban": "城镇人口",
    "rural": "乡村人口",
    "hh_family": "家庭户数",
    "hh_family_pop": "家庭户人口数",
    "hh_size": "户规模",
    "hh_1p": "一人户数",
    "share_0_14": "人口比重_0-14岁",
    "share_65": "人口比重_65岁及以上",
    "hh65": "有65岁及以上老年人口的户数",
    "hh65_2": "有二个老人",
    "hh65_3p": "有三个及以上老人",
    "avgy": "平均受教育年限_合计",
    "illit": "15岁及以上文盲人口",
    "illit_rate": "文盲占15岁及以上人口比重",
    "ind_total": "各种行业人口总计",
    "ind_agri": "农林牧渔业",
    "ind_mini": "采矿业",
    "ind_manu": "制造业",
    "ind_util": "电力热力燃气及水生产和供应业",
    "ind_cons": "建筑业",
    "ind_educ": "教育",
    "ind_heal": "卫生和社会工作",
    "ceb": "15-64岁妇女平均活产子女数",
    "floor": "人均住房建筑面积",
    "rooms": "平均每户住房间数",
    "hh_long": "家庭户户数_长表",
    "water": "住房內有管道自来水",
    "kitchen": "住房內有厨房",
    "toilet": "住房內有厕所",
    "bath": "住房内有洗澡设施",
    "lift": "住房所在建筑有电梯",
    "rent": "住房来源_租赁",
    "self": "住房来源_自建",
    "buy": "住房来源_购买",
}
Y2010_COLUMNS: dict[str, str] = {
    "pop": "合计",
    "urban": "城镇人口",
    "rural": "乡村人口",
    "hh_family": "户数",
    "hh_family_pop": "人口数",
    "hh_size": "户规模（人/户）",
    "hh_1p": "一人户",
    "share_0_14": "0-14岁（%）",
    "share_65": "65岁及以上（%）",
    "hh65": "有65岁及以上老年人口的户数（户）-合计",
    "hh65_2": "有65岁及以上老年人口的户数（户）-有二个老人",
    "hh65_3p": "有65岁及以上老年人口的户数（户）-有三个及以上老人",
    "avgy": "平均受教育年限（年）-合计",
    "illit": "15岁及以上文盲人口-合计",
    "illit_rate": "文盲人口占15岁及以上人口比重（%）-合计",
    "pop16": "16岁及以上人口",
    "occ_total": "各种职业人口总计",
    "ind_total": "各种行业人口总计",
    "ind_agri": "农林牧渔业",
    "ind_mini": "采矿业",
    "ind_manu": "制造业",
    "ind_util": "电力、燃气及水的生产和供应业",
    "ind_cons": "建筑业",
    "ind_educ": "教育",
    "ind_heal": "卫生、社会保障和社会福利业",
    "ceb": "15-64岁妇女-平均活产子女数",
    "floor": "人均住房建筑面积（平方米/人）",
    "rooms": "平均每户住房间数（间/户）",
    "hh_long": "长表数据-家庭户",
    "water": "住房内有无管道自来水-有",
    "kitchen": "住房内有无厨房-有",
    "toilet": "住房内有无厕所-有",
    "bath": "住房内有无洗澡设施-有",
    "rent": "住房来源-租赁",
    "self": "住房来源-自建",
    "buy": "住房来源-购买",
}
for _lo in _BANDS:
    for _sex, _zh in (("m", "男"), ("f", "女")):
        Y2020_COLUMNS[f"age_{_sex}_{_lo}"] = f"{_zh}_{_band_label_2020(_lo)}"
        Y2010_COLUMNS[f"age_{_sex}_{_lo}"] = f"{_band_label_2010(_lo)}（{_zh}）"
for _lvl in _EDU:
    for _sex, _zh in (("m", "男"), ("f", "女")):
        if _lvl in _EDU_2020:
            Y2020_COLUMNS[f"edu_{_lvl}_{_sex}"] = f"{_EDU_2020[_lvl]}_{_zh}"
        if _lvl in _EDU_2010:
            Y2010_COLUMNS[f"edu_{_lvl}_{_sex}"] = f"{_EDU_2010[_lvl]}-{_zh}"

YEARBOOK_COLUMNS = {2020: Y2020_COLUMNS, 2010: Y2010_COLUMNS}


def _ages(lo: int, hi: int | None = None) -> tuple[str, ...]:
    """Canonical age-band columns (men and women) for bands starting in [lo, hi]."""
    return tuple(
        f"age_{s}_{b}" for b in _BANDS if b >= lo and (hi is None or b <= hi) for s in ("m", "f")
    )


def _edu(*levels: str) -> tuple[str, ...]:
    return tuple(f"edu_{lvl}_{s}" for lvl in levels for s in ("m", "f"))


# --------------------------------------------------------------------------------------------
# Recipes: how a census measure is read from a yearbook row
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Col:
    """A value printed in the yearbook table (count, average or percentage)."""

    col: str

    def cols(self) -> tuple[str, ...]:
        return (self.col,)

    def describe(self, names: dict[str, str]) -> str:
        return f"as published (column {names[self.col]})"


@dataclass(frozen=True)
class Sum:
    """A sum of counts printed in the same row (e.g. age bands, men + women)."""

    parts: tuple[str, ...]
    label: str = ""

    def cols(self) -> tuple[str, ...]:
        return self.parts

    def describe(self, names: dict[str, str]) -> str:
        what = self.label or " + ".join(names[c] for c in self.parts)
        return f"sum of published counts: {what}"


@dataclass(frozen=True)
class Ratio:
    """``scale × sum(num) / sum(den)``, all counts printed in the same row."""

    num: tuple[str, ...]
    den: tuple[str, ...]
    scale: float = 100.0
    num_label: str = ""
    den_label: str = ""

    def cols(self) -> tuple[str, ...]:
        return self.num + self.den

    def describe(self, names: dict[str, str]) -> str:
        num = self.num_label or " + ".join(names[c] for c in self.num)
        den = self.den_label or " + ".join(names[c] for c in self.den)
        scale = "100" if self.scale == 100 else f"{self.scale:,.0f}"
        return f"computed from counts in the same row: ({num}) / ({den}) × {scale}"


@dataclass(frozen=True)
class Tud:
    """A 2020 county value only in the tudigong tabulation (a fraction; × ``scale``)."""

    file: str
    col: str
    scale: float = 100.0

    def cols(self) -> tuple[str, ...]:
        return ()

    def describe(self, names: dict[str, str]) -> str:
        return (
            f"as published in the 2020 county tabulation ({self.file}, column {self.col}, "
            f"a fraction × {self.scale:g})"
        )


Recipe = Col | Sum | Ratio | Tud

_AGE_LABEL = {
    (0, 0): "0岁 (men + women)",
    (0, 1): "age bands 0岁 + 1–4岁 (men + women)",
    (0, 10): "age bands 0 … 10–14 (men + women)",
    (15, 55): "age bands 15–19 … 55–59",
    (15, 60): "age bands 15–19 … 60–64",
    (15, None): "age bands 15–19 … 85+ (men + women)",
    (60, None): "age bands 60–64 … 85+ (men + women)",
    (65, None): "age bands 65–69 … 85+ (men + women)",
    (80, None): "age bands 80–84 + 85+ (men + women)",
}


def _age_sum(lo: int, hi: int | None = None) -> Sum:
    return Sum(_ages(lo, hi), _AGE_LABEL[(lo, hi)])


def age_ratio(lo: int, hi: int | None = None) -> Ratio:
    return Ratio(_ages(lo, hi), ("pop",), num_label=_AGE_LABEL[(lo, hi)])


_EDU_ALL_2020 = _edu(*_EDU)
_EDU_ALL_2010 = _edu("none", "prim", "jrhi", "srhi", "coll", "unip")
_EDU_BASE_LABEL = "all education levels, men + women (population aged 6+)"


def _edu_ratio(levels: tuple[str, ...], label: str) -> dict[int, Recipe]:
    return {
        2020: Ratio(_edu(*levels), _EDU_ALL_2020, num_label=label, den_label=_EDU_BASE_LABEL),
        2010: Ratio(_edu(*levels), _EDU_ALL_2010, num_label=label, den_label=_EDU_BASE_LABEL),
    }


def _per_100k(levels: tuple[str, ...], label: str) -> Ratio:
    return Ratio(_edu(*levels), ("pop",), scale=100_000, num_label=label)


_IND_SECONDARY = ("ind_mini", "ind_manu", "ind_util", "ind_cons")


@dataclass(frozen=True)
class Measure:
    """One census measure: catalogue indicator + area, its wide column and recipes by year."""

    column: str  # column of the national county tables
    indicator: str
    area: str
    recipes: dict[int, Recipe]
    # tudigong column used to cross-check the yearbook value (file, column, scale, decimals)
    check: tuple[str, str, float, int] | None = None


def _same(recipe: Recipe) -> dict[int, Recipe]:
    return {2020: recipe, 2010: recipe}


MEASURES: tuple[Measure, ...] = (
    Measure(
        "population", "population", "total", _same(Col("pop")), ("population.csv", "POPU", 1, 0)
    ),
    Measure("population_urban", "population", "urban", _same(Col("urban"))),
    Measure("population_rural", "population", "rural", _same(Col("rural"))),
    Measure(
        "urbanization_rate",
        "urbanization_rate",
        "total",
        _same(Ratio(("urban",), ("pop",))),
        ("population.csv", "POPU_URB", 100, 4),
    ),
    Measure("households_family", "households_family", "total", _same(Col("hh_family"))),
    Measure(
        "population_family_households",
        "population_family_households",
        "total",
        _same(Col("hh_family_pop")),
    ),
    Measure(
        "avg_household_size",
        "avg_household_size",
        "total",
        _same(Col("hh_size")),
        ("households.csv", "HHLD_S", 1, 2),
    ),
    Measure(
        "pop_age_6plus",
        "pop_age_6plus",
        "total",
        {2020: Sum(_EDU_ALL_2020, _EDU_BASE_LABEL), 2010: Sum(_EDU_ALL_2010, _EDU_BASE_LABEL)},
    ),
    Measure("pop_age_15plus", "pop_age_15plus", "total", _same(_age_sum(15))),
    # childcare
    Measure("pop_age_0", "pop_age_0", "total", _same(_age_sum(0, 0))),
    Measure("pop_age_0_4", "pop_age_0_4", "total", _same(_age_sum(0, 1))),
    Measure("share_age_0_4", "share_age_0_4", "total", _same(age_ratio(0, 1))),
    # no tabulation check: its FMLY_CHLD_15-64W is the yearbook's 平均存活子女数 (surviving
    # children), not 平均活产子女数 (see OTHER_DISCREPANCIES)
    Measure(
        "children_ever_born_per_woman", "children_ever_born_per_woman", "total", _same(Col("ceb"))
    ),
    # education
    Measure("pop_age_0_14", "pop_age_0_14", "total", _same(_age_sum(0, 10))),
    Measure(
        "share_age_0_14",
        "share_age_0_14",
        "total",
        _same(Col("share_0_14")),
        ("ages.csv", "AGES_0-14", 100, 4),
    ),
    Measure(
        "avg_years_schooling",
        "avg_years_schooling",
        "total",
        _same(Col("avgy")),
        ("education.csv", "EDUC_AVGY", 1, 2),
    ),
    Measure("illiterate_15plus", "illiterate_15plus", "total", _same(Col("illit"))),
    Measure(
        "illiteracy_rate",
        "illiteracy_rate",
        "total",
        _same(Col("illit_rate")),
        ("education.csv", "EDUC_LITR", 100, 5),
    ),
    Measure(
        "illiteracy_rate_total_pop",
        "illiteracy_rate_total_pop",
        "total",
        _same(Ratio(("illit",), ("pop",))),
    ),
    Measure(
        "share_no_schooling",
        "share_no_schooling",
        "total",
        _edu_ratio(("none",), "未上过学, men + women"),
        ("education.csv", "EDUC_NULL", 100, 5),
    ),
    Measure(
        "share_senior_high_plus",
        "share_senior_high_plus",
        "total",
        _edu_ratio(("srhi", "coll", "unip"), "高中 + 大学专科 + 本科及以上, men + women"),
    ),
    Measure(
        "share_college_plus",
        "share_college_plus",
        "total",
        _edu_ratio(("coll", "unip"), "大学专科 + 本科及以上, men + women"),
    ),
    Measure(
        "pop_edu_primary", "pop_edu_primary", "total", _same(Sum(_edu("prim"), "小学, men + women"))
    ),
    Measure(
        "pop_edu_junior_high",
        "pop_edu_junior_high",
        "total",
        _same(Sum(_edu("jrhi"), "初中, men + women")),
    ),
    Measure(
        "pop_edu_senior_high",
        "pop_edu_senior_high",
        "total",
        _same(Sum(_edu("srhi"), "高中, men + women")),
    ),
    Measure(
        "pop_edu_college_plus",
        "pop_edu_college_plus",
        "total",
        _same(Sum(_edu("coll", "unip"), "大学专科 + 本科及以上, men + women")),
    ),
    Measure(
        "primary_per_100k",
        "primary_per_100k",
        "total",
        _same(_per_100k(("prim",), "小学, men + women")),
    ),
    Measure(
        "junior_high_per_100k",
        "junior_high_per_100k",
        "total",
        _same(_per_100k(("jrhi",), "初中, men + women")),
    ),
    Measure(
        "senior_high_per_100k",
        "senior_high_per_100k",
        "total",
        _same(_per_100k(("srhi",), "高中, men + women")),
    ),
    Measure(
        "college_plus_per_100k",
        "college_plus_per_100k",
        "total",
        _same(_per_100k(("coll", "unip"), "大学专科 + 本科及以上, men + women")),
    ),
    Measure(
        "education_employment_share",
        "education_employment_share",
        "total",
        _same(Ratio(("ind_educ",), ("ind_total",))),
        ("employment.csv", "EMPL_INDU_EDUC", 100, 4),
    ),
    # employment
    Measure("pop_age_15_59", "pop_age_15_59", "total", _same(_age_sum(15, 55))),
    Measure("share_age_15_59", "share_age_15_59", "total", _same(age_ratio(15, 55))),
    Measure(
        "employment_ratio",
        "employment_ratio",
        "total",
        {2020: Tud("employment.csv", "EMPL_OCCU"), 2010: Ratio(("occ_total",), ("pop16",))},
    ),
    Measure(
        "agri_employment_share",
        "agri_employment_share",
        "total",
        _same(Ratio(("ind_agri",), ("ind_total",))),
        ("employment.csv", "EMPL_INDU_AGHU", 100, 4),
    ),
    Measure(
        "industry_employment_share",
        "industry_employment_share",
        "total",
        _same(Ratio(_IND_SECONDARY, ("ind_total",))),
    ),
    # health
    Measure(
        "health_social_work_employment_share",
        "health_social_work_employment_share",
        "total",
        _same(Ratio(("ind_heal",), ("ind_total",))),
        ("employment.csv", "EMPL_INDU_HESO", 100, 4),
    ),
    # elderly care
    Measure("pop_age_60plus", "pop_age_60plus", "total", _same(_age_sum(60))),
    Measure("share_age_60plus", "share_age_60plus", "total", _same(age_ratio(60))),
    Measure("pop_age_65plus", "pop_age_65plus", "total", _same(_age_sum(65))),
    Measure(
        "share_age_65plus",
        "share_age_65plus",
        "total",
        _same(Col("share_65")),
        ("ages.csv", "AGES_65P", 100, 4),
    ),
    Measure("pop_age_80plus", "pop_age_80plus", "total", _same(_age_sum(80))),
    Measure("share_age_80plus", "share_age_80plus", "total", _same(age_ratio(80))),
    Measure(
        "old_age_dependency_ratio",
        "old_age_dependency_ratio",
        "total",
        _same(
            Ratio(
                _ages(65),
                _ages(15, 60),
                num_label=_AGE_LABEL[(65, None)],
                den_label=_AGE_LABEL[(15, 60)],
            )
        ),
    ),
    Measure("households_with_65plus", "households_with_65plus", "total", _same(Col("hh65"))),
    Measure(
        "share_households_65plus",
        "share_households_65plus",
        "total",
        _same(Ratio(("hh65",), ("hh_family",))),
        ("households.csv", "HHLD_65", 100, 4),
    ),
    Measure(
        "share_households_65plus_2plus",
        "share_households_65plus_2plus",
        "total",
        _same(Ratio(("hh65_2", "hh65_3p"), ("hh_family",))),
    ),
    # housing
    Measure(
        "floor_area_per_person",
        "floor_area_per_person",
        "total",
        _same(Col("floor")),
        ("housing.csv", "HOUS_SMPP", 1, 2),
    ),
    Measure(
        "rooms_per_household",
        "rooms_per_household",
        "total",
        _same(Col("rooms")),
        ("housing.csv", "HOUS_ROOM", 1, 2),
    ),
    Measure(
        "share_hh_tap_water",
        "share_hh_tap_water",
        "total",
        _same(Ratio(("water",), ("hh_long",))),
        ("housing.csv", "HOUS_SAMP_WATR", 100, 4),
    ),
    Measure(
        "share_hh_kitchen",
        "share_hh_kitchen",
        "total",
        _same(Ratio(("kitchen",), ("hh_long",))),
        ("housing.csv", "HOUS_SAMP_KTCH", 100, 4),
    ),
    Measure(
        "share_hh_toilet",
        "share_hh_toilet",
        "total",
        _same(Ratio(("toilet",), ("hh_long",))),
        ("housing.csv", "HOUS_SAMP_WC", 100, 4),
    ),
    Measure(
        "share_hh_bath",
        "share_hh_bath",
        "total",
        _same(Ratio(("bath",), ("hh_long",))),
        ("housing.csv", "HOUS_SAMP_BATH", 100, 4),
    ),
    Measure(
        "share_hh_lift",
        "share_hh_lift",
        "total",
        {2020: Ratio(("lift",), ("hh_long",))},
        ("housing.csv", "HOUS_SAMP_BDEL", 100, 4),
    ),
    Measure(
        "share_hh_rented",
        "share_hh_rented",
        "total",
        _same(Ratio(("rent",), ("hh_long",))),
        ("housing.csv", "HOUS_SAMP_LEAS", 100, 4),
    ),
    Measure(
        "share_hh_self_built",
        "share_hh_self_built",
        "total",
        _same(Ratio(("self",), ("hh_long",))),
        ("housing.csv", "HOUS_SAMP_SELF", 100, 4),
    ),
    Measure(
        "share_hh_bought",
        "share_hh_bought",
        "total",
        _same(Ratio(("buy",), ("hh_long",))),
        ("housing.csv", "HOUS_SAMP_BUY", 100, 4),
    ),
    # social assistance
    Measure(
        "share_one_person_households",
        "share_one_person_households",
        "total",
        _same(Ratio(("hh_1p",), ("hh_family",))),
        ("households.csv", "HHLD_1P", 100, 4),
    ),
)


# --------------------------------------------------------------------------------------------
# Reading the inputs
# --------------------------------------------------------------------------------------------

#: Canonical columns that hold counts: a blank cell there means zero (the yearbook prints no
#: number for an empty category; e.g. every 2010 row with a blank 乡村人口 has 城镇人口 = 合计).
_COUNT_PREFIXES = ("age_", "edu_", "ind_")
_COUNT_KEYS = {
    "urban",
    "rural",
    "hh65",
    "hh65_2",
    "hh65_3p",
    "illit",
    "occ_total",
    "pop16",
    "hh_long",
    "water",
    "kitchen",
    "toilet",
    "bath",
    "lift",
    "rent",
    "self",
    "buy",
    "hh_1p",
}


def _is_count(key: str) -> bool:
    return key.startswith(_COUNT_PREFIXES) or key in _COUNT_KEYS


def _norm_header(text: object) -> str:
    return str(text).replace("\n", "").replace("(", "（").replace(")", "）").strip()


def _place_key(text: object) -> str:
    """Matching key of a place name (:func:`huainan.text.match_key`, stray full stops dropped)."""
    return match_key(text).rstrip(".")


@dataclass
class Yearbook:
    """A census yearbook county table with canonical numeric columns."""

    year: int
    frame: pd.DataFrame  # code, name, province_name, prefecture_name, excel_row + canonical
    names: dict[str, str]  # canonical -> printed column name
    source: Source
    unreadable: list[dict] = field(default_factory=list)


def read_yearbook(shared: Path, year: int) -> Yearbook:
    """Read the 2010 or 2020 yearbook table; canonical columns become float64.

    Raises
    ------
    DataValidationError
        If a column named in :data:`YEARBOOK_COLUMNS` is absent.
    """
    source = SRC_Y2020 if year == 2020 else SRC_Y2010
    path = shared / source.file
    raw = pd.read_excel(
        path, sheet_name=Y2020_SHEET if year == 2020 else Y2010_SHEET, dtype={"区划代码": str}
    )
    raw.columns = [_norm_header(c) for c in raw.columns]
    names = YEARBOOK_COLUMNS[year]
    for key, col in names.items():
        if col not in raw.columns:
            raise DataValidationError(f"column for {key!r} missing", path=path, column=col)
    out = pd.DataFrame(
        {
            "code": raw["区划代码"].str.strip(),
            "name": (raw["区县"] if year == 2020 else raw["地区"]).map(_place_key),
            "excel_row": np.arange(len(raw), dtype="int64") + 2,
        }
    )
    if year == 2020:
        out["province_name"] = raw["省"].map(_place_key)
        out["prefecture_name"] = raw["市"].map(_place_key)
    unreadable = []
    for key, col in names.items():
        values = pd.to_numeric(raw[col], errors="coerce")
        bad = values.isna() & raw[col].notna()
        for i in np.flatnonzero(bad.to_numpy()):
            unreadable.append(
                {
                    "code": out.at[i, "code"],
                    "name": out.at[i, "name"],
                    "excel_row": int(out.at[i, "excel_row"]),
                    "column": col,
                    "text": str(raw[col].iloc[i]),
                }
            )
        if _is_count(key):
            values = values.where(values.notna() | raw[col].notna() | raw[names["pop"]].isna(), 0.0)
        out[key] = values.astype("float64")
    # drop trailing non-data rows (e.g. a forum watermark line in the 2010 table)
    out = out[raw[names["pop"]].notna().to_numpy()].reset_index(drop=True)
    return Yearbook(year, out, names, source, unreadable)


def read_tabulation(shared: Path) -> pd.DataFrame:
    """Read and merge the 2020 county tabulation files (tudigong) on ``CODE``.

    Returns one row per unit (2,990): ``CODE`` (str), ``NAME`` and the numeric (float64)
    columns of population, ages, education, households, housing, employment and family.csv.
    ``#DIV/0!`` cells (units without a base population) become NaN.

    Raises
    ------
    DataValidationError
        If a CODE repeats within a file or a cell is neither a number nor ``#DIV/0!``.
    """
    frames: list[pd.DataFrame] = []
    for name in (
        "population",
        "ages",
        "education",
        "households",
        "housing",
        "employment",
        "family",
    ):
        path = shared / SRC_T2020.file.format(file=f"{name}.csv")
        # '#DIV/0!' marks units without a base population (金门县, the 三沙 islands)
        df = pd.read_csv(
            path,
            dtype={"CODE": str},
            encoding="utf-8-sig",
            na_values=["#DIV/0!"],
            keep_default_na=True,
        )
        df = df[df["CODE"].notna()]  # housing.csv ends with an empty line of commas
        for col in df.columns[2:]:
            if not pd.api.types.is_numeric_dtype(df[col]):
                bad = pd.to_numeric(df[col], errors="coerce").isna() & df[col].notna()
                line = int(np.flatnonzero(bad.to_numpy())[0]) + 2
                raise DataValidationError(
                    "not a number", path=path, row=line, column=col, value=df.loc[bad, col].iloc[0]
                )
        if df["CODE"].duplicated().any():
            raise DataValidationError(
                "duplicate CODE",
                path=path,
                column="CODE",
                value=df.loc[df["CODE"].duplicated(), "CODE"].iloc[0],
            )
        if frames:
            df = df.drop(columns="NAME")
        frames.append(df.set_index("CODE"))
    out = frames[0].join(frames[1:], how="outer").copy().reset_index()
    out["NAME"] = out["NAME"].astype(str)
    return out


def evaluate(recipe: Recipe, frame: pd.DataFrame) -> pd.Series:
    """Evaluate ``recipe`` on canonical yearbook rows (float64; NaN where a denominator is 0)."""
    if isinstance(recipe, Col):
        return frame[recipe.col].astype("float64")
    if isinstance(recipe, Sum):
        return frame[list(recipe.parts)].sum(axis=1, min_count=len(recipe.parts))
    if isinstance(recipe, Ratio):
        num = frame[list(recipe.num)].sum(axis=1, min_count=len(recipe.num))
        den = frame[list(recipe.den)].sum(axis=1, min_count=len(recipe.den))
        return (num / den.where(den > 0)) * recipe.scale
    raise TypeError(f"recipe {recipe!r} is not evaluated on yearbook rows")


# --------------------------------------------------------------------------------------------
# National county tables
# --------------------------------------------------------------------------------------------

_MUNICIPALITIES = ("11", "12", "31", "50")


def prefecture_code(code: str) -> str:
    """Return the prefecture-level code a county-level ``code`` is grouped under.

    Rules (documented in :func:`huainan.evidence.stats.national_counties`): units of the four
    municipalities belong to the municipality (``110000`` …); units directly administered by a
    province (codes ``xx90xx``: 济源, 仙桃, Hainan's and Xinjiang's 省/自治区直辖 units) are their
    own prefecture-level group, as the yearbook's 市 column has them; every other unit, including
    development zones (codes ending ``7x``), belongs to ``code[:4] + "00"``.

    Examples
    --------
    >>> prefecture_code("340422"), prefecture_code("340172"), prefecture_code("110105")
    ('340400', '340100', '110000')
    >>> prefecture_code("429004"), prefecture_code("441900")
    ('429004', '441900')
    """
    if code[:2] in _MUNICIPALITIES:
        return code[:2] + "0000"
    if code[2:4] == "90":
        return code
    return code[:4] + "00"


def unit_kind(code: str, name: str) -> str:
    """Classify a county-level unit from its GB/T 2260 code and name.

    ``prefecture_city`` (code ends ``00``: a prefecture-level city without counties, e.g. 东莞),
    ``functional_zone`` (``71``–``79``: development zones, new areas, 管理区 with statistical
    codes), ``county`` (name ends 县/旗), ``county_level_city`` (name ends 市), ``district``
    (``01``–``20``) and ``county`` for the rest (林区, 特区 …).

    Examples
    --------
    >>> unit_kind("340402", "大通区"), unit_kind("340422", "寿县"), unit_kind("340172", "合肥经济技术开发区")
    ('district', 'county', 'functional_zone')
    """
    suffix = int(code[4:])
    if suffix == 0:
        return "prefecture_city"
    if 71 <= suffix <= 79:
        return "functional_zone"
    if name.endswith(("县", "旗")):
        return "county"
    if name.endswith("市"):
        return "county_level_city"
    if suffix <= 20:
        return "district"
    return "county"


def match_tabulation(tab: pd.DataFrame, yb: Yearbook) -> tuple[pd.Series, list[dict]]:
    """Match the 2,990 tabulation units to yearbook rows.

    A unit matches the yearbook row with the same code and the same (normalised) name; failing
    that, the row of the same province with the same name (the yearbook leaves some development
    zones without a code and shifts three Tibetan zone codes); failing that, the row with the
    same code (the names then differ: typos of the digitisation, listed as discrepancies).

    Returns
    -------
    pandas.Series
        Index ``CODE`` → integer position in ``yb.frame`` (no unit matched twice).
    list of dict
        Discrepancy rows (``kind`` = ``name`` | ``code`` | ``value`` | ``unmatched``).
    """
    f = yb.frame
    prov_names = dict(zip(f["code"], f["name"], strict=False))
    by_code = {c: i for i, c in enumerate(f["code"]) if isinstance(c, str)}
    ref_t = SRC_T2020.file.format(file="population.csv")
    units = list(zip(tab["CODE"], tab["NAME"].map(_place_key), tab["NAME"], strict=True))
    issues: list[dict] = []
    matched: dict[str, int] = {}
    # pass 1: same code, same name
    for code, tname, _ in units:
        i = by_code.get(code)
        if i is not None and f.at[i, "name"] == tname:
            matched[code] = i
    claimed = set(matched.values())
    # pass 2: same province, same name, among rows not claimed in pass 1
    for code, tname, name in units:
        if code in matched:
            continue
        province = prov_names.get(code[:2] + "0000")
        same = [
            int(j)
            for j in f.index[(f["province_name"] == province) & (f["name"] == tname)]
            if int(j) not in claimed
        ]
        if len(same) == 1:
            j = same[0]
            matched[code] = j
            claimed.add(j)
            ycode = f.at[j, "code"]
            issues.append(
                discrepancy(
                    "code",
                    region_code=code,
                    year=2020,
                    source_a=SRC_T2020.title,
                    ref_a=ref_t,
                    value_a=f"{code} {name}",
                    source_b=yb.source.title,
                    ref_b=f"{yb.source.file} row {f.at[j, 'excel_row']}",
                    value_b=f"{ycode if isinstance(ycode, str) else '(no code)'} {f.at[j, 'name']}",
                    reason="the yearbook table gives this unit no code or another code",
                    action="matched by province and name; the tabulation code is kept",
                )
            )
    # pass 3: same code, different name
    for code, _, name in units:
        if code in matched:
            continue
        i = by_code.get(code)
        if i is not None and i not in claimed:
            matched[code] = i
            claimed.add(i)
            issues.append(
                discrepancy(
                    "name",
                    region_code=code,
                    year=2020,
                    source_a=SRC_T2020.title,
                    ref_a=ref_t,
                    value_a=name,
                    source_b=yb.source.title,
                    ref_b=f"{yb.source.file} row {f.at[i, 'excel_row']}",
                    value_b=f.at[i, "name"],
                    reason="different names for the same code (same population in both tables)"
                    if tab.loc[tab["CODE"] == code, "POPU"].item() == f.at[i, "pop"]
                    else "different names for the same code",
                    action="matched by code; the yearbook name is used",
                )
            )
            continue
        issues.append(
            discrepancy(
                "unmatched",
                region_code=code,
                year=2020,
                source_a=SRC_T2020.title,
                ref_a=ref_t,
                value_a=name,
                source_b=yb.source.title,
                reason="no yearbook row for this unit",
                action="yearbook measures left NaN for this unit",
            )
        )
    out = pd.Series(matched, name="yearbook_pos", dtype="int64")
    if out.duplicated().any():
        dup = out[out.duplicated(keep=False)]
        raise DataValidationError(
            f"yearbook rows matched twice: {dup.to_dict()}", path=yb.source.file
        )
    return out, issues


def _measure_values(
    measure: Measure, year: int, rows: pd.DataFrame, tab: pd.DataFrame | None = None
) -> pd.Series:
    recipe = measure.recipes.get(year)
    if recipe is None:
        return pd.Series(np.nan, index=rows.index, dtype="float64")
    if isinstance(recipe, Tud):
        if tab is None:
            return pd.Series(np.nan, index=rows.index, dtype="float64")
        values = tab.set_index("CODE")[recipe.col].astype("float64") * recipe.scale
        return rows["code"].map(values).astype("float64")
    return evaluate(recipe, rows)


def _cast_measures(df: pd.DataFrame) -> pd.DataFrame:
    """Counts → nullable Int64, everything else float64 rounded to 6 decimals."""
    for m in MEASURES:
        col = df[m.column]
        if INDICATORS_BY_ID[m.indicator].kind == "count":
            df[m.column] = col.round().astype("Int64")
        else:
            df[m.column] = col.astype("float64").round(6)
    return df


def national_counties_2020(tab: pd.DataFrame, yb: Yearbook, match: pd.Series) -> pd.DataFrame:
    """The wide 2020 table: one row per tabulation unit (2,990) with every measure."""
    f = yb.frame
    pos = tab["CODE"].map(match)
    rows = f.reindex(pos.fillna(-1).astype("int64").to_numpy()).reset_index(drop=True)
    rows["code"] = tab["CODE"].to_numpy()
    names_by_code = {c: n for c, n in zip(f["code"], f["name"], strict=False) if isinstance(c, str)}
    out = pd.DataFrame({"code": tab["CODE"].astype(str).to_numpy()})
    out["name"] = np.where(pos.notna(), rows["name"], tab["NAME"].map(_place_key))
    out["province_code"] = out["code"].str[:2] + "0000"
    out["province_name"] = out["province_code"].map(names_by_code)
    out["prefecture_code"] = out["code"].map(prefecture_code)
    pref = out["prefecture_code"].map(names_by_code)
    out["prefecture_name"] = pref.fillna(rows["prefecture_name"])
    out["unit_kind"] = [unit_kind(c, n) for c, n in zip(out["code"], out["name"], strict=True)]
    out["province_administered"] = out["code"].str[2:4].eq("90")
    out["yearbook_row"] = rows["excel_row"].astype("Int64")
    for m in MEASURES:
        out[m.column] = _measure_values(m, 2020, rows, tab).to_numpy()
    return _cast_measures(out.sort_values("code", kind="stable").reset_index(drop=True))


def national_counties_2010(yb: Yearbook) -> pd.DataFrame:
    """The wide 2010 table: one row per coded county-level unit of the 2010 yearbook.

    Prefecture rows (code ``xxxx00``) are aggregates and dropped unless no unit is coded under
    them (then they are county-level units, e.g. 东莞市). Units the 2010 table lists without a
    code (10 units: 大兴安岭's 加格达奇 …, 723,407 people) cannot be keyed and are left out.
    """
    f = yb.frame
    coded = f[f["code"].notna() & f["code"].str.fullmatch(r"\d{6}")].copy()
    blocks = coded.loc[~coded["code"].str.endswith("00"), "code"].str[:4]
    keep = ~coded["code"].str.endswith("00") | (
        ~coded["code"].str.endswith("0000") & ~coded["code"].str[:4].isin(set(blocks))
    )
    rows = coded[keep].reset_index(drop=True)
    names_by_code = dict(zip(coded["code"], coded["name"], strict=True))
    out = pd.DataFrame({"code": rows["code"].astype(str), "name": rows["name"].astype(str)})
    out["province_code"] = out["code"].str[:2] + "0000"
    out["province_name"] = out["province_code"].map(names_by_code)
    out["prefecture_code"] = out["code"].map(prefecture_code)
    out["prefecture_name"] = out["prefecture_code"].map(names_by_code)
    out["unit_kind"] = [unit_kind(c, n) for c, n in zip(out["code"], out["name"], strict=True)]
    out["province_administered"] = out["code"].str[2:4].eq("90")
    out["yearbook_row"] = rows["excel_row"].astype("Int64")
    for m in MEASURES:
        out[m.column] = _measure_values(m, 2010, rows).to_numpy()
    return _cast_measures(out.sort_values("code", kind="stable").reset_index(drop=True))


# --------------------------------------------------------------------------------------------
# Cross-check of the two digitisations
# --------------------------------------------------------------------------------------------


def check_tabulation(tab: pd.DataFrame, nat: pd.DataFrame) -> tuple[dict, list[dict]]:
    """Compare every county's yearbook-based measure with the tabulation's published value.

    Returns a summary ``{measure column: (units compared, units differing)}`` and one
    discrepancy row per differing (unit, measure). The tolerance is half a unit of the
    tabulation's last digit plus 0.005 for values the yearbook prints with two decimals.
    """
    merged = nat.merge(tab, left_on="code", right_on="CODE", how="inner")
    summary: dict[str, tuple[int, int]] = {}
    issues: list[dict] = []
    for m in MEASURES:
        if m.check is None:
            continue
        file, col, scale, decimals = m.check
        tud = merged[col].astype("float64") * scale
        ours = merged[m.column].astype("float64")
        recipe = m.recipes[2020]
        tol = (
            0.5 * 10**-decimals * scale
            + (
                0.005
                if isinstance(recipe, Col) and INDICATORS_BY_ID[m.indicator].kind != "count"
                else 0.0
            )
            + 1e-9
        )
        both = tud.notna() & ours.notna()
        bad = both & ((tud - ours).abs() > tol)
        summary[m.column] = (int(both.sum()), int(bad.sum()))
        for _, r in merged[bad].iterrows():
            issues.append(
                discrepancy(
                    "value",
                    region_code=r["code"],
                    year=2020,
                    area=m.area,
                    indicator=m.indicator,
                    source_a=SRC_Y2020.title,
                    ref_a=f"{SRC_Y2020.file} row {r['yearbook_row']}",
                    value_a=fmt_value(float(r[m.column])),
                    source_b=SRC_T2020.title,
                    ref_b=f"{SRC_T2020.file.format(file=file)} CODE {r['code']} column {col}",
                    value_b=fmt_value(float(r[col])),
                    reason=_TABULATION_REASONS.get(
                        (r["code"], col),
                        _TABULATION_REASONS.get(
                            (r["code"], None),
                            "the two digitisations of the census disagree; "
                            "cause unknown (not a Huainan unit)",
                        ),
                    ),
                    action="the yearbook value is used",
                )
            )
    return summary, issues


#: Known causes of tabulation-vs-yearbook differences, found while building.
_TABULATION_REASONS = {
    ("150703", "POPU"): (
        "digitisation error in the tabulation file: 184,424 vs 84,424 (one extra leading "
        "digit); the yearbook figure is right: the tabulation's national sum exceeds the "
        "census total of the 31 provinces (1,409,778,724) by exactly 100,000"
    ),
    ("150703", None): (
        "the tabulation's row for 扎赉诺尔区 is corrupt (population 184,424 instead of 84,424; "
        "3.8% aged 0–14 and 7.6% aged 65+ against the yearbook's 8.30% and 16.67%)"
    ),
    ("130203", "HHLD_S"): "decimal point lost in the tabulation file (225 for 2.25)",
}


# --------------------------------------------------------------------------------------------
# Rows of discrepancies.csv
# --------------------------------------------------------------------------------------------

DISCREPANCY_COLUMNS = (
    "kind",
    "region_code",
    "year",
    "area",
    "indicator",
    "source_a",
    "ref_a",
    "value_a",
    "source_b",
    "ref_b",
    "value_b",
    "reason",
    "action",
)


def fmt_value(value: float) -> str:
    return (
        "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.12g}"
    )


def discrepancy(
    kind: str,
    *,
    region_code="",
    year="",
    area="",
    indicator="",
    source_a="",
    ref_a="",
    value_a="",
    source_b="",
    ref_b="",
    value_b="",
    reason="",
    action="",
) -> dict:
    return {
        "kind": kind,
        "region_code": region_code,
        "year": year,
        "area": area,
        "indicator": indicator,
        "source_a": source_a,
        "ref_a": ref_a,
        "value_a": value_a,
        "source_b": source_b,
        "ref_b": ref_b,
        "value_b": value_b,
        "reason": reason,
        "action": action,
    }
