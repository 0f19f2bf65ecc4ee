"""Build ``data/stats/`` and ``data/boundaries/`` from the shared reference data.

Run ``python -m huainan.stats_build [--shared PATH]`` (or ``huainan build-stats``). ``PATH`` is the
folder described by ``<repo>/../shared/data/README.md`` (default ``<repo>/../shared/data``). The
script is deterministic: two runs on the same inputs give byte-identical files. It validates
everything first and writes each file atomically; when a check fails nothing is written.

Inputs and what is taken from them
----------------------------------
``census2020_county/*.csv``
    *Tabulation on the 2020 China Population Census by County* (中国人口普查分县资料2020, NBS,
    China Statistics Press 2022) as digitised by thebamboogrove/tudigong: the master list of the
    2,990 county-level units, the 2020 employment ratio (16+, long-form sample; not in the yearbook
    table) and, for every other measure, an independent cross-check of the yearbook table.
``census_county_2010_2020/census_county_2020.xlsx`` / ``census_county_2010.xlsx``
    The 7th and 6th census yearbook county tables (leiii/census): counts (population, urban,
    rural, households, age bands, education levels, housing amenities, industries) and published
    averages/percentages. Every census value in ``data/stats`` comes from these counts, either as
    published or as a sum/ratio of counts *of the same table row* (the ``note`` says which).
``census_county_2010_2020/census_city_2010_2020.csv``
    Prefecture-level 2010/2020 values; used for Huainan's 2010 population and age shares on 2020
    boundaries (寿县 included), and as a cross-check of the 2020 city row.
``raw/*.csv``
    Figures transcribed from bulletins and press reports. Each row is mapped to a catalogue
    indicator (:data:`RAW_MAP`) or skipped with a reason (``data/stats/raw_skipped.csv``).

Outputs (``data/stats/``)
-------------------------
``observations.csv``  the long table read by :func:`huainan.stats.observations`.
``indicators.csv``    the indicator catalogue (:func:`huainan.stats.indicator_catalog`).
``counties_2020.parquet`` / ``counties_2010.parquet``  national county tables
(:func:`huainan.stats.national_counties`).
``crosschecks.csv``   every comparison of two sources for the same value (agree or not).
``discrepancies.csv`` the disagreements and data errors found, each with its reason and action.
``raw_skipped.csv``   raw rows not imported, with the reason.
``../boundaries/huainan_units.geojson``  polygons of the seven units and their neighbours.
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from huainan.errors import DataValidationError
from huainan.paths import REPO_ROOT, data_dir
from huainan.regions import CITY_CODE, COUNTRY_CODE, PROVINCE_CODE, UNIT_CODES

DEFAULT_SHARED = REPO_ROOT.parent / "shared" / "data"

#: Range of years accepted in ``observations.csv``: the 2010 census is the earliest figure kept,
#: 2025 the last year of the plan.
YEAR_RANGE = (2010, 2025)


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


_EDU_2020 = {"none": "未上过学", "pres": "学前教育", "prim": "小学", "jrhi": "初中",
             "srhi": "高中", "coll": "大学专科", "unip": "本科及以上"}
_EDU_2010 = {"none": "未上过学", "prim": "小学", "jrhi": "初中", "srhi": "高中",
             "coll": "大学专科", "unip": "大学本科及以上"}

Y2020_COLUMNS: dict[str, str] = {
    "pop": "人口数_合计", "urban": "城镇人口", "rural": "乡村人口", "hh_family": "家庭户数",
    "hh_family_pop": "家庭户人口数", "hh_size": "户规模", "hh_1p": "一人户数",
    "share_0_14": "人口比重_0-14岁", "share_65": "人口比重_65岁及以上",
    "hh65": "有65岁及以上老年人口的户数", "hh65_2": "有二个老人", "hh65_3p": "有三个及以上老人",
    "avgy": "平均受教育年限_合计", "illit": "15岁及以上文盲人口",
    "illit_rate": "文盲占15岁及以上人口比重", "ind_total": "各种行业人口总计",
    "ind_agri": "农林牧渔业", "ind_mini": "采矿业", "ind_manu": "制造业",
    "ind_util": "电力热力燃气及水生产和供应业", "ind_cons": "建筑业", "ind_educ": "教育",
    "ind_heal": "卫生和社会工作", "ceb": "15-64岁妇女平均活产子女数",
    "floor": "人均住房建筑面积", "rooms": "平均每户住房间数", "hh_long": "家庭户户数_长表",
    "water": "住房內有管道自来水", "kitchen": "住房內有厨房", "toilet": "住房內有厕所",
    "bath": "住房内有洗澡设施", "lift": "住房所在建筑有电梯", "rent": "住房来源_租赁",
    "self": "住房来源_自建", "buy": "住房来源_购买",
}
Y2010_COLUMNS: dict[str, str] = {
    "pop": "合计", "urban": "城镇人口", "rural": "乡村人口", "hh_family": "户数",
    "hh_family_pop": "人口数", "hh_size": "户规模（人/户）", "hh_1p": "一人户",
    "share_0_14": "0-14岁（%）", "share_65": "65岁及以上（%）",
    "hh65": "有65岁及以上老年人口的户数（户）-合计",
    "hh65_2": "有65岁及以上老年人口的户数（户）-有二个老人",
    "hh65_3p": "有65岁及以上老年人口的户数（户）-有三个及以上老人",
    "avgy": "平均受教育年限（年）-合计", "illit": "15岁及以上文盲人口-合计",
    "illit_rate": "文盲人口占15岁及以上人口比重（%）-合计", "pop16": "16岁及以上人口",
    "occ_total": "各种职业人口总计", "ind_total": "各种行业人口总计", "ind_agri": "农林牧渔业",
    "ind_mini": "采矿业", "ind_manu": "制造业", "ind_util": "电力、燃气及水的生产和供应业",
    "ind_cons": "建筑业", "ind_educ": "教育", "ind_heal": "卫生、社会保障和社会福利业",
    "ceb": "15-64岁妇女-平均活产子女数", "floor": "人均住房建筑面积（平方米/人）",
    "rooms": "平均每户住房间数（间/户）", "hh_long": "长表数据-家庭户",
    "water": "住房内有无管道自来水-有", "kitchen": "住房内有无厨房-有",
    "toilet": "住房内有无厕所-有", "bath": "住房内有无洗澡设施-有", "rent": "住房来源-租赁",
    "self": "住房来源-自建", "buy": "住房来源-购买",
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
    return tuple(f"age_{s}_{b}" for b in _BANDS if b >= lo and (hi is None or b <= hi)
                 for s in ("m", "f"))


def _edu(*levels: str) -> tuple[str, ...]:
    return tuple(f"edu_{lvl}_{s}" for lvl in levels for s in ("m", "f"))


def _both(name: str) -> tuple[str, ...]:
    return (name,)


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
        return (f"as published in the 2020 county tabulation ({self.file}, column {self.col}, "
                f"a fraction × {self.scale:g})")


Recipe = Col | Sum | Ratio | Tud

_AGE_LABEL = {
    (0, 0): "0岁 (men + women)", (0, 1): "age bands 0岁 + 1–4岁 (men + women)",
    (0, 10): "age bands 0 … 10–14 (men + women)", (15, 55): "age bands 15–19 … 55–59",
    (15, 60): "age bands 15–19 … 60–64", (15, None): "age bands 15–19 … 85+ (men + women)",
    (60, None): "age bands 60–64 … 85+ (men + women)",
    (65, None): "age bands 65–69 … 85+ (men + women)",
    (80, None): "age bands 80–84 + 85+ (men + women)",
}


def _age_sum(lo: int, hi: int | None = None) -> Sum:
    return Sum(_ages(lo, hi), _AGE_LABEL[(lo, hi)])


def _age_ratio(lo: int, hi: int | None = None) -> Ratio:
    return Ratio(_ages(lo, hi), ("pop",), num_label=_AGE_LABEL[(lo, hi)])


_EDU_ALL_2020 = _edu(*_EDU)
_EDU_ALL_2010 = _edu("none", "prim", "jrhi", "srhi", "coll", "unip")
_EDU_BASE_LABEL = "all education levels, men + women (population aged 6+)"


def _edu_ratio(levels: tuple[str, ...], label: str) -> dict[int, Ratio]:
    return {2020: Ratio(_edu(*levels), _EDU_ALL_2020, num_label=label,
                        den_label=_EDU_BASE_LABEL),
            2010: Ratio(_edu(*levels), _EDU_ALL_2010, num_label=label,
                        den_label=_EDU_BASE_LABEL)}


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
    Measure("population", "population", "total", _same(Col("pop")),
            ("population.csv", "POPU", 1, 0)),
    Measure("population_urban", "population", "urban", _same(Col("urban"))),
    Measure("population_rural", "population", "rural", _same(Col("rural"))),
    Measure("urbanization_rate", "urbanization_rate", "total",
            _same(Ratio(("urban",), ("pop",))), ("population.csv", "POPU_URB", 100, 4)),
    Measure("households_family", "households_family", "total", _same(Col("hh_family"))),
    Measure("population_family_households", "population_family_households", "total",
            _same(Col("hh_family_pop"))),
    Measure("avg_household_size", "avg_household_size", "total", _same(Col("hh_size")),
            ("households.csv", "HHLD_S", 1, 2)),
    Measure("pop_age_6plus", "pop_age_6plus", "total",
            {2020: Sum(_EDU_ALL_2020, _EDU_BASE_LABEL), 2010: Sum(_EDU_ALL_2010,
                                                                   _EDU_BASE_LABEL)}),
    Measure("pop_age_15plus", "pop_age_15plus", "total", _same(_age_sum(15))),
    # childcare
    Measure("pop_age_0", "pop_age_0", "total", _same(_age_sum(0, 0))),
    Measure("pop_age_0_4", "pop_age_0_4", "total", _same(_age_sum(0, 1))),
    Measure("share_age_0_4", "share_age_0_4", "total", _same(_age_ratio(0, 1))),
    # no tabulation check: its FMLY_CHLD_15-64W is the yearbook's 平均存活子女数 (surviving
    # children), not 平均活产子女数 (see OTHER_DISCREPANCIES)
    Measure("children_ever_born_per_woman", "children_ever_born_per_woman", "total",
            _same(Col("ceb"))),
    # education
    Measure("pop_age_0_14", "pop_age_0_14", "total", _same(_age_sum(0, 10))),
    Measure("share_age_0_14", "share_age_0_14", "total", _same(Col("share_0_14")),
            ("ages.csv", "AGES_0-14", 100, 4)),
    Measure("avg_years_schooling", "avg_years_schooling", "total", _same(Col("avgy")),
            ("education.csv", "EDUC_AVGY", 1, 2)),
    Measure("illiterate_15plus", "illiterate_15plus", "total", _same(Col("illit"))),
    Measure("illiteracy_rate", "illiteracy_rate", "total", _same(Col("illit_rate")),
            ("education.csv", "EDUC_LITR", 100, 5)),
    Measure("illiteracy_rate_total_pop", "illiteracy_rate_total_pop", "total",
            _same(Ratio(("illit",), ("pop",)))),
    Measure("share_no_schooling", "share_no_schooling", "total",
            _edu_ratio(("none",), "未上过学, men + women"),
            ("education.csv", "EDUC_NULL", 100, 5)),
    Measure("share_senior_high_plus", "share_senior_high_plus", "total",
            _edu_ratio(("srhi", "coll", "unip"), "高中 + 大学专科 + 本科及以上, men + women")),
    Measure("share_college_plus", "share_college_plus", "total",
            _edu_ratio(("coll", "unip"), "大学专科 + 本科及以上, men + women")),
    Measure("pop_edu_primary", "pop_edu_primary", "total",
            _same(Sum(_edu("prim"), "小学, men + women"))),
    Measure("pop_edu_junior_high", "pop_edu_junior_high", "total",
            _same(Sum(_edu("jrhi"), "初中, men + women"))),
    Measure("pop_edu_senior_high", "pop_edu_senior_high", "total",
            _same(Sum(_edu("srhi"), "高中, men + women"))),
    Measure("pop_edu_college_plus", "pop_edu_college_plus", "total",
            _same(Sum(_edu("coll", "unip"), "大学专科 + 本科及以上, men + women"))),
    Measure("primary_per_100k", "primary_per_100k", "total",
            _same(_per_100k(("prim",), "小学, men + women"))),
    Measure("junior_high_per_100k", "junior_high_per_100k", "total",
            _same(_per_100k(("jrhi",), "初中, men + women"))),
    Measure("senior_high_per_100k", "senior_high_per_100k", "total",
            _same(_per_100k(("srhi",), "高中, men + women"))),
    Measure("college_plus_per_100k", "college_plus_per_100k", "total",
            _same(_per_100k(("coll", "unip"), "大学专科 + 本科及以上, men + women"))),
    Measure("education_employment_share", "education_employment_share", "total",
            _same(Ratio(("ind_educ",), ("ind_total",))), ("employment.csv", "EMPL_INDU_EDUC",
                                                          100, 4)),
    # employment
    Measure("pop_age_15_59", "pop_age_15_59", "total", _same(_age_sum(15, 55))),
    Measure("share_age_15_59", "share_age_15_59", "total", _same(_age_ratio(15, 55))),
    Measure("employment_ratio", "employment_ratio", "total",
            {2020: Tud("employment.csv", "EMPL_OCCU"),
             2010: Ratio(("occ_total",), ("pop16",))}),
    Measure("agri_employment_share", "agri_employment_share", "total",
            _same(Ratio(("ind_agri",), ("ind_total",))),
            ("employment.csv", "EMPL_INDU_AGHU", 100, 4)),
    Measure("industry_employment_share", "industry_employment_share", "total",
            _same(Ratio(_IND_SECONDARY, ("ind_total",)))),
    # health
    Measure("health_social_work_employment_share", "health_social_work_employment_share",
            "total", _same(Ratio(("ind_heal",), ("ind_total",))),
            ("employment.csv", "EMPL_INDU_HESO", 100, 4)),
    # elderly care
    Measure("pop_age_60plus", "pop_age_60plus", "total", _same(_age_sum(60))),
    Measure("share_age_60plus", "share_age_60plus", "total", _same(_age_ratio(60))),
    Measure("pop_age_65plus", "pop_age_65plus", "total", _same(_age_sum(65))),
    Measure("share_age_65plus", "share_age_65plus", "total", _same(Col("share_65")),
            ("ages.csv", "AGES_65P", 100, 4)),
    Measure("pop_age_80plus", "pop_age_80plus", "total", _same(_age_sum(80))),
    Measure("share_age_80plus", "share_age_80plus", "total", _same(_age_ratio(80))),
    Measure("old_age_dependency_ratio", "old_age_dependency_ratio", "total",
            _same(Ratio(_ages(65), _ages(15, 60), num_label=_AGE_LABEL[(65, None)],
                        den_label=_AGE_LABEL[(15, 60)]))),
    Measure("households_with_65plus", "households_with_65plus", "total", _same(Col("hh65"))),
    Measure("share_households_65plus", "share_households_65plus", "total",
            _same(Ratio(("hh65",), ("hh_family",))), ("households.csv", "HHLD_65", 100, 4)),
    Measure("share_households_65plus_2plus", "share_households_65plus_2plus", "total",
            _same(Ratio(("hh65_2", "hh65_3p"), ("hh_family",)))),
    # housing
    Measure("floor_area_per_person", "floor_area_per_person", "total", _same(Col("floor")),
            ("housing.csv", "HOUS_SMPP", 1, 2)),
    Measure("rooms_per_household", "rooms_per_household", "total", _same(Col("rooms")),
            ("housing.csv", "HOUS_ROOM", 1, 2)),
    Measure("share_hh_tap_water", "share_hh_tap_water", "total",
            _same(Ratio(("water",), ("hh_long",))), ("housing.csv", "HOUS_SAMP_WATR", 100, 4)),
    Measure("share_hh_kitchen", "share_hh_kitchen", "total",
            _same(Ratio(("kitchen",), ("hh_long",))), ("housing.csv", "HOUS_SAMP_KTCH", 100, 4)),
    Measure("share_hh_toilet", "share_hh_toilet", "total",
            _same(Ratio(("toilet",), ("hh_long",))), ("housing.csv", "HOUS_SAMP_WC", 100, 4)),
    Measure("share_hh_bath", "share_hh_bath", "total",
            _same(Ratio(("bath",), ("hh_long",))), ("housing.csv", "HOUS_SAMP_BATH", 100, 4)),
    Measure("share_hh_lift", "share_hh_lift", "total", {2020: Ratio(("lift",), ("hh_long",))},
            ("housing.csv", "HOUS_SAMP_BDEL", 100, 4)),
    Measure("share_hh_rented", "share_hh_rented", "total",
            _same(Ratio(("rent",), ("hh_long",))), ("housing.csv", "HOUS_SAMP_LEAS", 100, 4)),
    Measure("share_hh_self_built", "share_hh_self_built", "total",
            _same(Ratio(("self",), ("hh_long",))), ("housing.csv", "HOUS_SAMP_SELF", 100, 4)),
    Measure("share_hh_bought", "share_hh_bought", "total",
            _same(Ratio(("buy",), ("hh_long",))), ("housing.csv", "HOUS_SAMP_BUY", 100, 4)),
    # social assistance
    Measure("share_one_person_households", "share_one_person_households", "total",
            _same(Ratio(("hh_1p",), ("hh_family",))), ("households.csv", "HHLD_1P", 100, 4)),
)


# --------------------------------------------------------------------------------------------
# The indicator catalogue
# --------------------------------------------------------------------------------------------

#: Domain of the denominators (population, households …) that every domain divides by. It is not
#: a service domain of the plan; :mod:`huainan.stats` uses these as per-capita denominators.
CONTEXT_DOMAIN = "context"

_CENSUS = "第六次/第七次全国人口普查 分县资料（年鉴县级表）"
_CENSUS_T = "中国人口普查分县资料2020（2020 only, counties only）"
_BULLETIN = "统计公报、普查公报、新闻发布会（bulletin rows; see observations.source）"


@dataclass(frozen=True)
class Indicator:
    """One row of ``indicators.csv``."""

    id: str
    name_zh: str
    name_en: str
    unit: str
    domain: str
    direction: str
    definition: str
    source: str = _CENSUS
    max_value: float | None = None  # 100 for shares
    aliases: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """``count`` (人, 户 … summable), ``share`` (% of a base, 0–100) or ``level`` (rest).

        Rates ``*_per_1000`` / ``*_per_100k`` are levels although the plan prints their unit as
        a count (每千人口执业医师数: 人).
        """
        if self.unit in _COUNT_UNITS and not self.id.endswith(("_per_1000", "_per_100k")):
            return "count"
        if self.unit == "%" and self.max_value == 100:
            return "share"
        return "level"


_P = 100.0  # shares are on the 0–100 scale
#: Units of counts: only these may be summed over units (e.g. the city's 2010 values on 2020
#: boundaries); shares and averages are never computed from the parts.
_COUNT_UNITS = ("人", "户", "万人", "万户", "个", "万个", "张", "万张", "所", "家")

INDICATORS: tuple[Indicator, ...] = (
    # ---- context: denominators used by every domain (see CONTEXT_DOMAIN)
    Indicator("population", "常住人口", "Resident population", "人", CONTEXT_DOMAIN, "neutral",
              "Resident population at the census reference time (2020-11-01 / 2010-11-01); "
              "area=urban/rural rows are 城镇人口/乡村人口 by the census urban-rural "
              "classification. Denominator of every per-1,000-residents rate.",
              aliases=("常住人口数", "人口", "总人口（常住）", "居住在城镇的人口", "居住在乡村的人口",
                       "城镇人口", "乡村人口")),
    Indicator("population_yearend", "年末常住人口", "Year-end resident population", "万人",
              CONTEXT_DOMAIN, "neutral",
              "Resident population at 31 December as published in annual statistical "
              "bulletins (sample-survey estimate; not a census count).", _BULLETIN,
              aliases=("年末常住人口", "常住人口（年末）")),
    Indicator("households_family", "家庭户户数", "Family households", "户", CONTEXT_DOMAIN,
              "neutral", "Number of family households (家庭户; collective households excluded), "
              "full census count. Denominator of per-100-households rates.",
              aliases=("家庭户", "家庭户数", "户数")),
    Indicator("population_family_households", "家庭户人口", "Population in family households",
              "人", CONTEXT_DOMAIN, "neutral", "Persons living in family households.",
              aliases=("家庭户人口数",)),
    Indicator("avg_household_size", "平均每个家庭户的人口", "Average family household size",
              "人/户", CONTEXT_DOMAIN, "neutral",
              "Population in family households / family households (户规模).",
              aliases=("户规模", "平均家庭户规模")),
    Indicator("pop_age_6plus", "6岁及以上人口", "Population aged 6+", "人", CONTEXT_DOMAIN,
              "neutral", "Sum of the education-level counts of the census table; base population "
              "of the education shares and of avg_years_schooling (2020 counts ≈ total − aged "
              "0–4 − one fifth of aged 5–9, checked for every county)."),
    Indicator("pop_age_15plus", "15岁及以上人口", "Population aged 15+", "人", CONTEXT_DOMAIN,
              "neutral", "Sum of the age bands 15–19 … 85+; base of illiteracy_rate."),
    # ---- childcare 幼有所育
    Indicator("pop_age_0", "0岁人口（不满1周岁）", "Children under 1 (aged 0)", "人",
              "childcare", "neutral",
              "Children aged 0 (under 1 year) at the census. The census tables publish age bands "
              "0, 1–4, 5–9 …; children under 3 (the plan's 3岁以下婴幼儿) are NOT published by "
              "single year at county level, so no under-3 count is given here: use pop_age_0_4 "
              "(under 5) and pop_age_0 (under 1) as the closest published measures."),
    Indicator("pop_age_0_4", "0-4岁人口（不满5周岁）", "Children under 5 (aged 0–4)", "人",
              "childcare", "neutral",
              "Children aged 0–4 (bands 0 + 1–4). Closest published measure to the plan's "
              "3岁以下婴幼儿 (under 3), which the county tables do not publish."),
    Indicator("share_age_0_4", "0-4岁人口占比", "Share of children under 5", "%", "childcare",
              "neutral", "pop_age_0_4 / population × 100.", max_value=_P),
    Indicator("children_ever_born_per_woman", "15-64岁妇女平均活产子女数",
              "Children ever born per woman aged 15–64", "个/人", "childcare", "neutral",
              "Average live births per woman aged 15–64 (census long form, 10% sample)."),
    Indicator("births", "出生人口", "Births", "万人", "childcare", "neutral",
              "Births in the year to 31 October (sample survey).", _BULLETIN),
    Indicator("birth_rate", "出生率", "Crude birth rate", "‰", "childcare", "neutral",
              "Births per 1,000 residents (sample survey).", _BULLETIN),
    Indicator("nursery_places_per_1000", "每千人口拥有3岁以下婴幼儿托位数",
              "Nursery places for children under 3 per 1,000 residents", "个", "childcare",
              "higher_better", "Same definition as the plan indicator (专栏2).", _BULLETIN,
              aliases=("千人口托位数", "每千人口托位数")),
    Indicator("nursery_places", "托位总量", "Nursery places (total)", "万个", "childcare",
              "higher_better", "Childcare places for children under 3.", _BULLETIN),
    Indicator("nursery_places_added", "新增婴幼儿托位", "Nursery places added in the year", "个",
              "childcare", "higher_better", "Places added during the year (news report).",
              _BULLETIN),
    # ---- education 学有所教
    Indicator("pop_age_0_14", "0-14岁人口", "Population aged 0–14", "人", "education",
              "neutral", "Sum of the age bands 0, 1–4, 5–9, 10–14 (school-age and pre-school "
              "demand).", aliases=("0-14岁人口数",)),
    Indicator("share_age_0_14", "0-14岁人口占比", "Share aged 0–14", "%", "education", "neutral",
              "Population aged 0–14 / population × 100 (as published).", max_value=_P,
              aliases=("0-14岁人口比重",)),
    Indicator("avg_years_schooling", "6岁及以上人口平均受教育年限",
              "Average years of schooling, population aged 6+", "年", "education",
              "higher_better",
              "Average years of schooling of the population aged 6+, as published in the census "
              "county tables (base checked: the education counts sum to the population aged "
              "6+). NOT the bulletins' headline figure, which is for people aged 15+ (see "
              "avg_years_schooling_15plus; e.g. China 2020: 9.50 for 6+, 9.91 for 15+).",
              aliases=("平均受教育年限",)),
    Indicator("avg_years_schooling_15plus", "15岁及以上人口平均受教育年限",
              "Average years of schooling, population aged 15+", "年", "education",
              "higher_better", "Headline measure of the census bulletins (公报第六号) and "
              "sample surveys; base population aged 15+.", _BULLETIN,
              aliases=("15岁及以上常住人口人均受教育年限",)),
    Indicator("working_age_avg_years_schooling", "劳动年龄人口平均受教育年限",
              "Average years of schooling of the working-age population", "年", "education",
              "higher_better", "Plan indicator (专栏2); working age 16–59. Not in the census "
              "county tables.", _BULLETIN, aliases=("16—59岁劳动年龄人口平均受教育年限",
                                                   "劳动年龄人口受教育年限")),
    Indicator("illiterate_15plus", "15岁及以上文盲人口", "Illiterate people aged 15+", "人",
              "education", "lower_better", "People aged 15+ who cannot read (不识字的人).",
              aliases=("文盲人口", "文盲人口（15岁及以上不识字的人）")),
    Indicator("illiteracy_rate", "文盲率（占15岁及以上人口）",
              "Illiteracy rate, share of people aged 15+", "%", "education", "lower_better",
              "illiterate_15plus / population aged 15+ × 100, as published in the census "
              "county tables (文盲占15岁及以上人口比重). The bulletins' 文盲率 uses the TOTAL "
              "population as base: see illiteracy_rate_total_pop.", max_value=_P,
              aliases=("文盲占15岁及以上人口比重",)),
    Indicator("illiteracy_rate_total_pop", "文盲率（占总人口，公报口径）",
              "Illiteracy rate, share of total population (bulletin definition)", "%",
              "education", "lower_better",
              "illiterate_15plus / total resident population × 100: the definition of 文盲率 "
              "in the census bulletins (China 2020: 37,750,200 / 1,411,778,724 = 2.67%).",
              _CENSUS + "; " + _BULLETIN, max_value=_P, aliases=("文盲率",)),
    Indicator("share_no_schooling", "未上过学人口占比", "Share never schooled (aged 6+)", "%",
              "education", "lower_better", "未上过学 / population aged 6+ × 100.", max_value=_P),
    Indicator("share_senior_high_plus", "高中及以上文化程度人口占比",
              "Share with senior-high education or more (aged 6+)", "%", "education",
              "higher_better", "(高中 + 大学专科 + 本科及以上) / population aged 6+ × 100. "
              "高中 includes 中专 (secondary vocational); counts include graduates, drop-outs "
              "and current students.", max_value=_P),
    Indicator("share_college_plus", "大专及以上文化程度人口占比",
              "Share with college education or more (aged 6+)", "%", "education",
              "higher_better", "(大学专科 + 本科及以上) / population aged 6+ × 100.",
              max_value=_P),
    Indicator("pop_edu_primary", "小学文化程度人口", "People with primary education", "人",
              "education", "neutral", "Highest level attended: 小学 (aged 6+).",
              aliases=("小学文化程度人口",)),
    Indicator("pop_edu_junior_high", "初中文化程度人口", "People with junior-high education",
              "人", "education", "neutral", "Highest level attended: 初中 (aged 6+)."),
    Indicator("pop_edu_senior_high", "高中（含中专）文化程度人口",
              "People with senior-high education (incl. secondary vocational)", "人",
              "education", "neutral", "Highest level attended: 高中 incl. 中专 (aged 6+)."),
    Indicator("pop_edu_college_plus", "大学（大专及以上）文化程度人口",
              "People with college education or more", "人", "education", "higher_better",
              "Highest level attended: 大学专科 or 本科及以上 (aged 6+)."),
    Indicator("primary_per_100k", "每10万人中拥有小学文化程度人数",
              "People with primary education per 100,000 residents", "人/10万人", "education",
              "neutral", "pop_edu_primary / population × 100,000 (bulletin measure)."),
    Indicator("junior_high_per_100k", "每10万人中拥有初中文化程度人数",
              "People with junior-high education per 100,000 residents", "人/10万人",
              "education", "neutral", "pop_edu_junior_high / population × 100,000."),
    Indicator("senior_high_per_100k", "每10万人中拥有高中（含中专）文化程度人数",
              "People with senior-high education per 100,000 residents", "人/10万人",
              "education", "higher_better", "pop_edu_senior_high / population × 100,000."),
    Indicator("college_plus_per_100k", "每10万人中拥有大学文化程度人数",
              "People with college education per 100,000 residents", "人/10万人",
              "education", "higher_better", "pop_edu_college_plus / population × 100,000."),
    Indicator("education_employment_share", "教育行业从业人员占比",
              "Share of employed people working in education", "%", "education", "neutral",
              "教育 / all employed × 100 (long-form sample; industry of the employed).",
              max_value=_P),
    Indicator("preschool_gross_enrolment", "学前教育毛入园率", "Pre-school gross enrolment rate",
              "%", "education", "higher_better", "Plan indicator (专栏2). Gross ratio: may "
              "exceed 100.", _BULLETIN, aliases=("学前毛入园率",)),
    Indicator("compulsory_education_retention", "九年义务教育巩固率",
              "Nine-year compulsory education retention rate", "%", "education",
              "higher_better", "Plan indicator (专栏2).", _BULLETIN, max_value=_P,
              aliases=("义务教育巩固率",)),
    Indicator("senior_secondary_gross_enrolment", "高中阶段教育毛入学率",
              "Senior-secondary gross enrolment rate", "%", "education", "higher_better",
              "Plan indicator (专栏2). Gross ratio: may exceed 100.", _BULLETIN,
              aliases=("高中阶段毛入学率",)),
    Indicator("inclusive_kindergarten_coverage", "普惠性幼儿园覆盖率",
              "Coverage of inclusive (普惠性) kindergartens", "%", "education", "higher_better",
              "Share of kindergarten children in 普惠性 kindergartens (same id as the plan's "
              "metric, 专栏11).", _BULLETIN, max_value=_P),
    Indicator("school_places_added", "新增各类学位", "School places added in the year", "个",
              "education", "higher_better", "News report.", _BULLETIN),
    # ---- employment 劳有所得
    Indicator("pop_age_15_59", "15-59岁人口", "Working-age population (15–59)", "人",
              "employment", "neutral", "Sum of the age bands 15–19 … 55–59.",
              aliases=("15-59岁人口数",)),
    Indicator("share_age_15_59", "15-59岁人口占比", "Share aged 15–59", "%", "employment",
              "neutral", "pop_age_15_59 / population × 100.", max_value=_P,
              aliases=("15-59岁人口比重",)),
    Indicator("employment_ratio", "就业人口占16岁及以上人口比重",
              "Employment-to-population ratio (aged 16+)", "%", "employment", "higher_better",
              "Employed / population aged 16+ × 100, census long form (10% sample). 2020: as "
              "published in the county tabulation (counties only: the 2020 yearbook table has "
              "no 16+ sample count, so no city/province/national value); 2010: 各种职业人口总计 / "
              "16岁及以上人口 from the yearbook table.", _CENSUS + "; " + _CENSUS_T,
              max_value=_P),
    Indicator("agri_employment_share", "农林牧渔业从业人员占比",
              "Agricultural employment share", "%", "employment", "neutral",
              "Employed in 农林牧渔业 (industry) / all employed × 100 (long-form sample).",
              max_value=_P),
    Indicator("industry_employment_share", "第二产业从业人员占比",
              "Industrial employment share", "%", "employment", "neutral",
              "Employed in mining, manufacturing, utilities and construction / all employed × "
              "100 (long-form sample).", max_value=_P),
    Indicator("new_urban_jobs", "城镇新增就业", "New urban jobs", "万人", "employment",
              "higher_better", "People newly employed in towns during the year (same id and "
              "unit as the plan's metric, 第三章第二节).", _BULLETIN,
              aliases=("城镇新增就业人数",)),
    Indicator("urban_new_job_posts", "城镇新增就业岗位", "New urban job posts", "个",
              "employment", "higher_better",
              "Jobs (岗位) created in towns during the year, as some district bulletins report "
              "instead of new_urban_jobs (persons); not comparable with it.", _BULLETIN),
    Indicator("registered_unemployed", "城镇登记失业人数", "Registered urban unemployed", "人",
              "employment", "lower_better", "Year-end registered urban unemployed.", _BULLETIN,
              aliases=("年末城镇登记失业人数",)),
    Indicator("registered_unemployment_rate", "城镇登记失业率",
              "Registered urban unemployment rate", "%", "employment", "lower_better",
              "Year-end registered urban unemployment rate.", _BULLETIN, max_value=_P),
    Indicator("disposable_income_per_capita", "居民人均可支配收入",
              "Disposable income per capita", "元", "employment", "higher_better",
              "Annual disposable income per resident (household survey); area=urban/rural "
              "for 城镇/农村居民.", _BULLETIN,
              aliases=("常住居民人均可支配收入", "城镇居民人均可支配收入", "农村居民人均可支配收入")),
    # ---- health 病有所医
    Indicator("health_social_work_employment_share", "卫生和社会工作从业人员占比",
              "Share of employed people in health and social work", "%", "health", "neutral",
              "卫生和社会工作 (2010: 卫生、社会保障和社会福利业) / all employed × 100 "
              "(long-form sample): a proxy of the local health and care workforce.",
              max_value=_P),
    Indicator("life_expectancy", "人均预期寿命", "Life expectancy at birth", "岁", "health",
              "higher_better", "Plan indicator (专栏2).", _BULLETIN,
              aliases=("居民人均预期寿命", "平均预期寿命")),
    Indicator("physicians_per_1000", "每千人口执业（助理）医师数",
              "Licensed (assistant) physicians per 1,000 residents", "人", "health",
              "higher_better", "Plan indicator (专栏2).", _BULLETIN,
              aliases=("每千人口执业(助理)医师数", "每千人口执业（助理）医师")),
    Indicator("nurses_per_1000", "每千人口注册护士数", "Registered nurses per 1,000 residents",
              "人", "health", "higher_better", "Plan indicator (专栏2).", _BULLETIN,
              aliases=("每千人口拥有注册护士数", "每千人口注册护士")),
    Indicator("hospital_beds_per_1000", "每千人口医疗卫生机构床位数",
              "Hospital beds per 1,000 residents", "张", "health", "higher_better",
              "Beds in all medical and health institutions per 1,000 residents.", _BULLETIN),
    Indicator("hospital_beds", "医疗卫生机构床位", "Beds in medical and health institutions",
              "万张", "health", "higher_better", "Year-end beds.", _BULLETIN),
    Indicator("physicians", "执业（助理）医师", "Licensed (assistant) physicians", "万人",
              "health", "higher_better", "Year-end count.", _BULLETIN),
    Indicator("nurses", "注册护士", "Registered nurses", "万人", "health", "higher_better",
              "Year-end count.", _BULLETIN),
    Indicator("health_technicians", "卫生技术人员", "Health technical personnel", "万人",
              "health", "higher_better", "Year-end count.", _BULLETIN),
    Indicator("health_institutions", "医疗卫生机构", "Medical and health institutions", "个",
              "health", "neutral", "Year-end count.", _BULLETIN),
    # ---- elderly care 老有所养
    Indicator("pop_age_60plus", "60岁及以上人口", "People aged 60+", "人", "elderly_care",
              "neutral", "Sum of the age bands 60–64 … 85+ (men + women); denominator of "
              "per-1,000-aged-60+ rates.", aliases=("60岁及以上人口数", "60周岁以上人口")),
    Indicator("share_age_60plus", "60岁及以上人口占比", "Share aged 60+", "%", "elderly_care",
              "neutral", "pop_age_60plus / population × 100.", max_value=_P,
              aliases=("60岁及以上人口比重", "60岁及以上人口占比")),
    Indicator("pop_age_65plus", "65岁及以上人口", "People aged 65+", "人", "elderly_care",
              "neutral", "Sum of the age bands 65–69 … 85+.", aliases=("65岁及以上人口数",)),
    Indicator("share_age_65plus", "65岁及以上人口占比", "Share aged 65+", "%", "elderly_care",
              "neutral", "Population aged 65+ / population × 100 (as published).", max_value=_P,
              aliases=("65岁及以上人口比重", "老龄化率")),
    Indicator("pop_age_80plus", "80岁及以上人口", "People aged 80+", "人", "elderly_care",
              "neutral", "Sum of the age bands 80–84 and 85+."),
    Indicator("share_age_80plus", "80岁及以上人口占比", "Share aged 80+", "%", "elderly_care",
              "neutral", "pop_age_80plus / population × 100.", max_value=_P),
    Indicator("old_age_dependency_ratio", "老年人口抚养比", "Old-age dependency ratio", "%",
              "elderly_care", "neutral", "pop_age_65plus / population aged 15–64 × 100."),
    Indicator("households_with_65plus", "有65岁及以上老年人口的家庭户",
              "Family households with a member aged 65+", "户", "elderly_care", "neutral",
              "Family households with at least one member aged 65+ (full count)."),
    Indicator("share_households_65plus", "有65岁及以上老年人口的家庭户占比",
              "Share of family households with a member aged 65+", "%", "elderly_care",
              "neutral", "households_with_65plus / households_family × 100.", max_value=_P),
    Indicator("share_households_65plus_2plus", "有两个及以上65岁老人的家庭户占比",
              "Share of family households with two or more members aged 65+", "%",
              "elderly_care", "neutral",
              "(有二个老人 + 有三个及以上老人) / households_family × 100.", max_value=_P),
    Indicator("elderly_care_institution_beds", "养老机构床位", "Beds in elderly-care institutions",
              "万张", "elderly_care", "higher_better",
              "Beds in 养老机构 (institutions only; the plan's elderly_care_beds_total, "
              "养老服务床位总量, also counts community beds and is a different indicator).",
              _BULLETIN),
    Indicator("nursing_type_elderly_beds", "护理型养老床位", "Nursing-type elderly-care beds",
              "万张", "elderly_care", "higher_better", "Nursing-type beds in elderly care.",
              _BULLETIN),
    Indicator("community_embedded_elderly_institutions", "社区嵌入式养老服务机构",
              "Community-embedded elderly-care institutions", "家", "elderly_care",
              "higher_better", "Institutions built (cumulative).", _BULLETIN),
    Indicator("social_elderly_institution_beds", "社会养老机构床位",
              "Beds in social (non-敬老院) elderly-care institutions", "张", "elderly_care",
              "higher_better", "Year-end count.", _BULLETIN),
    Indicator("rural_nursing_homes", "农村敬老院", "Rural nursing homes (敬老院)", "所",
              "elderly_care", "neutral", "Year-end count.", _BULLETIN),
    Indicator("rural_nursing_home_beds", "农村敬老院供养床位", "Beds in rural nursing homes",
              "张", "elderly_care", "higher_better", "Year-end count.", _BULLETIN),
    Indicator("rural_happiness_homes_added", "新建农村幸福院", "Rural happiness homes built",
              "家", "elderly_care", "higher_better", "Built during the year (news report).",
              _BULLETIN),
    Indicator("pension_insured", "基本养老保险参保人数", "People insured by basic pensions",
              "万人", "elderly_care", "higher_better", "Year-end count.", _BULLETIN),
    # ---- housing 住有所居
    Indicator("urbanization_rate", "城镇化率（城镇人口占常住人口比重）", "Urbanization rate", "%",
              "housing", "neutral",
              "Urban / resident population × 100 (census urban-rural classification). Mapped "
              "to 住有所居 because the plan's housing services split by it (urban: 公租房, "
              "老旧小区改造; rural: 农村危房改造).", max_value=_P,
              aliases=("城镇化率", "城镇人口占常住人口比重", "城镇人口比重")),
    Indicator("floor_area_per_person", "人均住房建筑面积", "Housing floor area per person",
              "平方米", "housing", "higher_better",
              "Floor area of family-household dwellings per person (as published)."),
    Indicator("rooms_per_household", "平均每户住房间数", "Rooms per household", "间", "housing",
              "higher_better", "Rooms per family household (as published)."),
    Indicator("share_hh_tap_water", "住房内有管道自来水的家庭户占比",
              "Share of households with piped tap water in the dwelling", "%", "housing",
              "higher_better", "Long-form sample of family households.", max_value=_P),
    Indicator("share_hh_kitchen", "住房内有厨房的家庭户占比",
              "Share of households with a kitchen", "%", "housing", "higher_better",
              "Long-form sample of family households.", max_value=_P),
    Indicator("share_hh_toilet", "住房内有厕所的家庭户占比",
              "Share of households with a toilet in the dwelling", "%", "housing",
              "higher_better", "Long-form sample of family households.", max_value=_P),
    Indicator("share_hh_bath", "住房内有洗澡设施的家庭户占比",
              "Share of households with bathing facilities", "%", "housing", "higher_better",
              "Long-form sample of family households.", max_value=_P),
    Indicator("share_hh_lift", "住房所在建筑有电梯的家庭户占比",
              "Share of households in a building with a lift", "%", "housing", "higher_better",
              "Long-form sample of family households (2020 only).", max_value=_P),
    Indicator("share_hh_rented", "租赁住房的家庭户占比", "Share of households renting", "%",
              "housing", "neutral", "Source of the dwelling: 租赁 (long-form sample).",
              max_value=_P),
    Indicator("share_hh_self_built", "自建住房的家庭户占比",
              "Share of households in self-built dwellings", "%", "housing", "neutral",
              "Source of the dwelling: 自建 (long-form sample).", max_value=_P),
    Indicator("share_hh_bought", "购买住房的家庭户占比",
              "Share of households in bought dwellings", "%", "housing", "neutral",
              "Source of the dwelling: 购买 (new, second-hand or 经济适用/两限/原公有住房; "
              "long-form sample).", max_value=_P),
    Indicator("old_residential_renovation", "城镇老旧小区改造（个）",
              "Old urban residential compounds renovated", "个", "housing", "higher_better",
              "Plan indicator (专栏2, five-year cumulative). Observed values are cumulative "
              "from 2021 to the year given (the note says which years).", _BULLETIN,
              aliases=("城镇老旧小区改造",)),
    Indicator("old_residential_renovation_households", "城镇老旧小区改造惠及户数",
              "Households in renovated old compounds", "户", "housing", "higher_better",
              "Households covered; period in the note.", _BULLETIN),
    Indicator("old_residential_renovation_floor_area", "城镇老旧小区改造建筑面积",
              "Floor area of renovated old compounds", "万平方米", "housing", "higher_better",
              "Floor area covered; period in the note.", _BULLETIN),
    Indicator("old_residential_renovation_in_progress", "城镇老旧小区改造正在实施小区数",
              "Old compounds under renovation", "个", "housing", "neutral",
              "Compounds being renovated in the year.", _BULLETIN),
    # ---- social assistance 弱有所扶
    Indicator("share_one_person_households", "一人户占比", "Share of one-person households",
              "%", "social_assistance", "neutral",
              "One-person family households / family households × 100: people living alone, "
              "a proxy of need for the outreach and care services of 弱有所扶.", max_value=_P),
    Indicator("dibao_recipients", "最低生活保障人数", "Minimum living guarantee (低保) recipients",
              "万人", "social_assistance", "neutral",
              "Recipients of 城市/农村居民最低生活保障 (area=urban/rural).", _BULLETIN,
              aliases=("低保人数",)),
    Indicator("tekun_recipients", "特困人员救助供养人数",
              "People in extreme poverty supported (特困供养)", "万人", "social_assistance",
              "neutral", "Recipients of 特困人员救助供养 (area=rural for 农村).", _BULLETIN),
)
INDICATORS_BY_ID = {i.id: i for i in INDICATORS}


# --------------------------------------------------------------------------------------------
# Reading the inputs
# --------------------------------------------------------------------------------------------

#: Canonical columns that hold counts: a blank cell there means zero (the yearbook prints no
#: number for an empty category; e.g. every 2010 row with a blank 乡村人口 has 城镇人口 = 合计).
_COUNT_PREFIXES = ("age_", "edu_", "ind_")
_COUNT_KEYS = {"urban", "rural", "hh65", "hh65_2", "hh65_3p", "illit", "occ_total", "pop16",
               "hh_long", "water", "kitchen", "toilet", "bath", "lift", "rent", "self", "buy",
               "hh_1p"}


def _is_count(key: str) -> bool:
    return key.startswith(_COUNT_PREFIXES) or key in _COUNT_KEYS


def _norm_header(text: object) -> str:
    return (str(text).replace("\n", "").replace("(", "（").replace(")", "）").strip())


def _norm_name(text: object) -> str:
    """Normalise a place name for matching: NFKC, no spaces, no stray full stops."""
    return unicodedata.normalize("NFKC", str(text)).replace(" ", "").strip().rstrip(".")


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
    raw = pd.read_excel(path, sheet_name=Y2020_SHEET if year == 2020 else Y2010_SHEET,
                        dtype={"区划代码": str})
    raw.columns = [_norm_header(c) for c in raw.columns]
    names = YEARBOOK_COLUMNS[year]
    for key, col in names.items():
        if col not in raw.columns:
            raise DataValidationError(f"column for {key!r} missing", path=path, column=col)
    out = pd.DataFrame({
        "code": raw["区划代码"].str.strip(),
        "name": (raw["区县"] if year == 2020 else raw["地区"]).map(_norm_name),
        "excel_row": np.arange(len(raw), dtype="int64") + 2,
    })
    if year == 2020:
        out["province_name"] = raw["省"].map(_norm_name)
        out["prefecture_name"] = raw["市"].map(_norm_name)
    unreadable = []
    for key, col in names.items():
        values = pd.to_numeric(raw[col], errors="coerce")
        bad = values.isna() & raw[col].notna()
        for i in np.flatnonzero(bad.to_numpy()):
            unreadable.append({"code": out.at[i, "code"], "name": out.at[i, "name"],
                               "excel_row": int(out.at[i, "excel_row"]), "column": col,
                               "text": str(raw[col].iloc[i])})
        if _is_count(key):
            values = values.where(values.notna() | raw[col].notna() | raw[names["pop"]].isna(),
                                  0.0)
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
    frames = []
    for name in ("population", "ages", "education", "households", "housing", "employment",
                 "family"):
        path = shared / SRC_T2020.file.format(file=f"{name}.csv")
        # '#DIV/0!' marks units without a base population (金门县, the 三沙 islands)
        df = pd.read_csv(path, dtype={"CODE": str}, encoding="utf-8-sig",
                         na_values=["#DIV/0!"], keep_default_na=True)
        df = df[df["CODE"].notna()]  # housing.csv ends with an empty line of commas
        for col in df.columns[2:]:
            if not pd.api.types.is_numeric_dtype(df[col]):
                bad = pd.to_numeric(df[col], errors="coerce").isna() & df[col].notna()
                line = int(np.flatnonzero(bad.to_numpy())[0]) + 2
                raise DataValidationError("not a number", path=path, row=line, column=col,
                                          value=df.loc[bad, col].iloc[0])
        if df["CODE"].duplicated().any():
            raise DataValidationError("duplicate CODE", path=path, column="CODE",
                                      value=df.loc[df["CODE"].duplicated(), "CODE"].iloc[0])
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

#: Identity columns of the national county tables (before the measure columns).
ID_COLUMNS = ("code", "name", "province_code", "province_name", "prefecture_code",
              "prefecture_name", "unit_kind", "province_administered", "yearbook_row")


def prefecture_code(code: str) -> str:
    """Return the prefecture-level code a county-level ``code`` is grouped under.

    Rules (documented in :func:`huainan.stats.national_counties`): units of the four
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


def _discrepancy(kind: str, *, region_code="", year="", area="", indicator="", source_a="",
                 ref_a="", value_a="", source_b="", ref_b="", value_b="", reason="",
                 action="") -> dict:
    return {"kind": kind, "region_code": region_code, "year": year, "area": area,
            "indicator": indicator, "source_a": source_a, "ref_a": ref_a,
            "value_a": value_a, "source_b": source_b, "ref_b": ref_b, "value_b": value_b,
            "reason": reason, "action": action}


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
    units = list(zip(tab["CODE"], tab["NAME"].map(_norm_name), tab["NAME"], strict=True))
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
        same = [int(j) for j in f.index[(f["province_name"] == province) & (f["name"] == tname)]
                if int(j) not in claimed]
        if len(same) == 1:
            j = same[0]
            matched[code] = j
            claimed.add(j)
            ycode = f.at[j, "code"]
            issues.append(_discrepancy(
                "code", region_code=code, year=2020, source_a=SRC_T2020.title, ref_a=ref_t,
                value_a=f"{code} {name}", source_b=yb.source.title,
                ref_b=f"{yb.source.file} row {f.at[j, 'excel_row']}",
                value_b=f"{ycode if isinstance(ycode, str) else '(no code)'} {f.at[j, 'name']}",
                reason="the yearbook table gives this unit no code or another code",
                action="matched by province and name; the tabulation code is kept"))
    # pass 3: same code, different name
    for code, _, name in units:
        if code in matched:
            continue
        i = by_code.get(code)
        if i is not None and i not in claimed:
            matched[code] = i
            claimed.add(i)
            issues.append(_discrepancy(
                "name", region_code=code, year=2020, source_a=SRC_T2020.title, ref_a=ref_t,
                value_a=name, source_b=yb.source.title,
                ref_b=f"{yb.source.file} row {f.at[i, 'excel_row']}", value_b=f.at[i, "name"],
                reason="different names for the same code (same population in both tables)"
                if tab.loc[tab["CODE"] == code, "POPU"].item() == f.at[i, "pop"]
                else "different names for the same code",
                action="matched by code; the yearbook name is used"))
            continue
        issues.append(_discrepancy(
            "unmatched", region_code=code, year=2020, source_a=SRC_T2020.title, ref_a=ref_t,
            value_a=name, source_b=yb.source.title, reason="no yearbook row for this unit",
            action="yearbook measures left NaN for this unit"))
    out = pd.Series(matched, name="yearbook_pos", dtype="int64")
    if out.duplicated().any():
        dup = out[out.duplicated(keep=False)]
        raise DataValidationError(f"yearbook rows matched twice: {dup.to_dict()}",
                                  path=yb.source.file)
    return out, issues


def _measure_values(measure: Measure, year: int, rows: pd.DataFrame,
                    tab: pd.DataFrame | None = None) -> pd.Series:
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


def national_counties_2020(tab: pd.DataFrame, yb: Yearbook,
                           match: pd.Series) -> pd.DataFrame:
    """The wide 2020 table: one row per tabulation unit (2,990) with every measure."""
    f = yb.frame
    pos = tab["CODE"].map(match)
    rows = f.reindex(pos.fillna(-1).astype("int64").to_numpy()).reset_index(drop=True)
    rows["code"] = tab["CODE"].to_numpy()
    names_by_code = {c: n for c, n in zip(f["code"], f["name"], strict=False)
                     if isinstance(c, str)}
    out = pd.DataFrame({"code": tab["CODE"].astype(str).to_numpy()})
    out["name"] = np.where(pos.notna(), rows["name"], tab["NAME"].map(_norm_name))
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
    code (大兴安岭's 加格达奇 …) cannot be keyed and are left out.
    """
    f = yb.frame
    coded = f[f["code"].notna() & f["code"].str.fullmatch(r"\d{6}")].copy()
    blocks = coded.loc[~coded["code"].str.endswith("00"), "code"].str[:4]
    keep = ~coded["code"].str.endswith("00") | (
        ~coded["code"].str.endswith("0000") & ~coded["code"].str[:4].isin(set(blocks)))
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
# Catalogue frame
# --------------------------------------------------------------------------------------------

CATALOG_COLUMNS = ("id", "name_zh", "name_en", "unit", "domain", "direction", "kind",
                   "max_value", "definition", "source", "national_column", "aliases")


def catalog_frame() -> pd.DataFrame:
    """The catalogue as written to ``indicators.csv`` (one row per indicator, file order)."""
    wide = {}
    for m in MEASURES:
        wide.setdefault(m.indicator, []).append(
            m.column if m.area == "total" else f"{m.column} (area={m.area})")
    rows = []
    for ind in INDICATORS:
        rows.append({
            "id": ind.id, "name_zh": ind.name_zh, "name_en": ind.name_en, "unit": ind.unit,
            "domain": ind.domain, "direction": ind.direction, "kind": ind.kind,
            "max_value": ind.max_value, "definition": ind.definition, "source": ind.source,
            "national_column": "; ".join(wide.get(ind.id, [])),
            "aliases": ";".join(ind.aliases),
        })
    return pd.DataFrame(rows, columns=list(CATALOG_COLUMNS))


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV with ``\\n`` line ends, no index (deterministic for the same frame)."""
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")


def parquet_bytes(df: pd.DataFrame) -> bytes:
    """Parquet (pyarrow, zstd) of ``df`` without the index."""
    import io

    buf = io.BytesIO()
    df.to_parquet(buf, index=False, engine="pyarrow", compression="zstd",
                  compression_level=19)
    return buf.getvalue()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_files(files: dict[Path, bytes]) -> list[Path]:
    """Write every file atomically (temporary file in the same folder + :func:`os.replace`).

    All contents are prepared before this is called, so a validation error never leaves a
    half-built ``data/stats``. Files whose bytes are unchanged are not rewritten.
    """
    written = []
    for path, data in sorted(files.items()):
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.read_bytes() == data:
            continue
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            os.chmod(tmp, 0o644 & ~_umask())  # mkstemp creates 0600; data files are shared
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(path)
    return written


# --------------------------------------------------------------------------------------------
# Raw bulletin rows → catalogue indicators
# --------------------------------------------------------------------------------------------

#: Raw files in the order they are read (earlier files win ties between equal sources).
RAW_FILES = ("census2020_huainan.csv", "county_bulletins_b.csv", "county_bulletins_a.csv",
             "city_bulletins_huainan.csv", "anhui_province.csv", "peer_plans_indicators.csv")

_SKIP_CHANGE = "change between two censuses or years: derivable from the two levels, not kept"
_SKIP_ECON = "economic or fiscal figure: not an indicator of the plan's nine service domains"
_SKIP_H1 = "half-year (上半年) value: not comparable with annual values"
_SKIP_SEX = "sex-specific figure: the observation schema has area total/urban/rural only"
_SKIP_REGISTERED = ("registered (户籍) population basis: not comparable with resident "
                    "(常住) figures")

#: raw indicator id → catalogue id (``str``) or the reason for skipping it (``Skip``).
#: Unit conversions (万人 → 人 …) are in :data:`_UNIT_FACTORS`.


@dataclass(frozen=True)
class Skip:
    reason: str


RAW_MAP: dict[str, str | Skip] = {
    # population and households
    "population_resident": "population",  # 万人 year-end rows become population_yearend
    "population_resident_census": "population",
    "households_family": "households_family",
    "population_in_family_households": "population_family_households",
    "avg_family_household_size": "avg_household_size",
    "household_size_avg": "avg_household_size",
    "households_collective": Skip("collective households: not used (per-100-households rates "
                                  "use family households)"),
    "population_in_collective_households": Skip("collective households: not used"),
    "population_registered": Skip(_SKIP_REGISTERED),
    "population_total": Skip(_SKIP_REGISTERED + "; 2018, before the plan period"),
    "population_household_registration_separated": Skip("人户分离 population: not in the "
                                                        "catalogue"),
    "pop_share_of_city": Skip("share of the city's population: derivable from the "
                              "populations"),
    "pop_share_rural": Skip("rural share = 100 − urbanization_rate"),
    "pop_share_sex": Skip(_SKIP_SEX),
    "sex_ratio": Skip("sex ratio: not an indicator of the plan's domains"),
    "population_change_vs_2010": Skip(_SKIP_CHANGE),
    "population_change_pct_vs_2010": Skip(_SKIP_CHANGE),
    "population_avg_annual_growth_2010_2020": Skip(_SKIP_CHANGE),
    "avg_family_household_size_change_vs_2010": Skip(_SKIP_CHANGE),
    "pop_share_age0_14_change_vs_2010": Skip(_SKIP_CHANGE),
    "pop_share_age15_59_change_vs_2010": Skip(_SKIP_CHANGE),
    "pop_share_age60plus_change_vs_2010": Skip(_SKIP_CHANGE),
    "pop_share_age65plus_change_vs_2010": Skip(_SKIP_CHANGE),
    "urbanization_rate_change_vs_2010": Skip(_SKIP_CHANGE),
    "illiterate_population_change_vs_2010": Skip(_SKIP_CHANGE),
    "urbanization_rate": "urbanization_rate",
    # age
    "pop_age0_14": "pop_age_0_14",
    "pop_share_age0_14": "share_age_0_14",
    "pop_age15_59": "pop_age_15_59",
    "pop_share_age15_59": "share_age_15_59",
    "pop_age60plus": "pop_age_60plus",
    "pop_share_age60plus": "share_age_60plus",
    "pop_age65plus": "pop_age_65plus",
    "pop_share_age65plus": "share_age_65plus",
    "births": "births",
    "birth_rate": "birth_rate",
    # education
    "pop_edu_university": "pop_edu_college_plus",
    "pop_edu_highschool": "pop_edu_senior_high",
    "pop_edu_juniorhigh": "pop_edu_junior_high",
    "pop_edu_primary": "pop_edu_primary",
    "edu_university_per100k": "college_plus_per_100k",
    "edu_highschool_per100k": "senior_high_per_100k",
    "edu_juniorhigh_per100k": "junior_high_per_100k",
    "edu_primary_per100k": "primary_per_100k",
    "avg_years_schooling_15plus": "avg_years_schooling_15plus",
    "avg_years_schooling": Skip("base population not stated (report says 总人口平均受教育年限; "
                                "the 15+ and 6+ bases give different values)"),
    "avg_years_schooling_working_age": "working_age_avg_years_schooling",
    "illiterate_population_15plus": "illiterate_15plus",
    # the bulletins' 文盲率 is over the TOTAL population (checked: 凤台县 30897 / 538715 =
    # 5.74%; China 37,750,200 / 1,411,778,724 = 2.67%), not over people aged 15+
    "illiteracy_rate": "illiteracy_rate_total_pop",
    "gross_enrolment_preschool": "preschool_gross_enrolment",
    "preschool_gross_enrolment": "preschool_gross_enrolment",
    "consolidation_rate_9yr": "compulsory_education_retention",
    "compulsory_edu_consolidation": "compulsory_education_retention",
    "gross_enrolment_upper_secondary": "senior_secondary_gross_enrolment",
    "highschool_gross_enrolment": "senior_secondary_gross_enrolment",
    "kindergarten_puhui_coverage": "inclusive_kindergarten_coverage",
    "school_places_new": "school_places_added",
    # childcare
    "nursery_places_per_1000": "nursery_places_per_1000",
    "nursery_places_total": "nursery_places",
    "nursery_places_new": "nursery_places_added",
    # employment and income
    "urban_new_jobs": "new_urban_jobs",  # 个 (岗位) rows become urban_new_job_posts
    "urban_new_jobs_h1": Skip(_SKIP_H1),
    "urban_new_jobs_target": Skip("annual target (预期目标), not an observation"),
    "registered_unemployed_urban": "registered_unemployed",
    "urban_registered_unemployed": "registered_unemployed",
    "registered_unemployment_rate_urban": "registered_unemployment_rate",
    "disposable_income_per_capita": "disposable_income_per_capita",
    "disposable_income_per_capita_h1": Skip(_SKIP_H1),
    "disposable_income_growth_h1": Skip(_SKIP_H1),
    "disposable_income_growth": Skip("growth rate estimated before the year ended (预计)"),
    # health
    "life_expectancy": "life_expectancy",
    "licensed_doctors_per_1000": "physicians_per_1000",
    "registered_nurses_per_1000": "nurses_per_1000",
    "beds_health_institutions_per_1000": "hospital_beds_per_1000",
    "beds_health_institutions": "hospital_beds",
    "licensed_doctors": "physicians",
    "registered_nurses": "nurses",
    "health_technicians": "health_technicians",
    "health_technical_personnel": "health_technicians",
    "health_institutions": "health_institutions",
    "licensed_doctors_per_1000_growth_vs_2020": Skip("growth since 2020 without either level"),
    "registered_nurses_per_1000_growth_vs_2020": Skip("growth since 2020 without either level"),
    "beds_per_1000_growth_vs_2020": Skip("growth since 2020 without either level"),
    # elderly care
    "elderly_care_beds_institutions": "elderly_care_institution_beds",
    "elderly_care_institution_beds": "elderly_care_institution_beds",
    "elderly_care_beds_nursing_type": "nursing_type_elderly_beds",
    "community_embedded_elderly_institutions": "community_embedded_elderly_institutions",
    "elderly_care_beds_social": "social_elderly_institution_beds",
    "rural_nursing_homes": "rural_nursing_homes",
    "rural_nursing_home_beds": "rural_nursing_home_beds",
    "rural_happiness_homes_new": "rural_happiness_homes_added",
    "pension_insured_basic": "pension_insured",
    "beds_social_work_institutions": Skip("beds of all residential social-work institutions: "
                                          "not comparable with the elderly-care bed indicators"),
    # housing
    "old_community_renovation_completed": "old_residential_renovation",
    "old_community_renovation_households": "old_residential_renovation_households",
    "old_community_renovation_floor_area": "old_residential_renovation_floor_area",
    "old_community_renovation_in_progress": "old_residential_renovation_in_progress",
    "old_community_renovation_planned": Skip("planned figure (2024–2025), not an observation"),
    "old_community_renovation_planned_households": Skip("planned figure (2024–2025), not an "
                                                        "observation"),
    # social assistance
    "dibao_recipients": "dibao_recipients",
    "tekun_rural_recipients": "tekun_recipients",
    # economy and public finance
    "gdp": Skip(_SKIP_ECON), "gdp_estimate": Skip(_SKIP_ECON), "gdp_growth": Skip(_SKIP_ECON),
    "gdp_per_capita": Skip(_SKIP_ECON), "gdp_per_capita_resident": Skip(_SKIP_ECON),
    "gdp_h1": Skip(_SKIP_H1), "gdp_growth_h1": Skip(_SKIP_H1),
    "budget_revenue_general_h1": Skip(_SKIP_H1),
    "budget_revenue_general_growth": Skip(_SKIP_ECON),
    "livelihood_expenditure": Skip(_SKIP_ECON),
    "livelihood_expenditure_share": Skip(_SKIP_ECON),
    "livelihood_expenditure_share_general_budget": Skip(_SKIP_ECON),
    "livelihood_projects_funds_required": Skip("planned funding of 民生工程 (测算), not spending"),
    "livelihood_projects_county_matching_funds": Skip("planned county matching funds, not "
                                                      "spending"),
}

#: (published unit, catalogue unit) → factor.
_UNIT_FACTORS = {("万人", "人"): 10_000, ("万户", "户"): 10_000, ("万元", "元"): 10_000,
                 ("人", "人/户"): 1, ("人", "万人"): 0.0001}

#: Rows skipped one by one (raw file, line) → reason. Checked against the file at build time.
RAW_ROW_SKIPS: dict[tuple[str, int], tuple[str, str]] = {
    # (file, line): (indicator as in the file, reason)
    ("city_bulletins_huainan.csv", 90): (
        "life_expectancy",
        "same announcement (2025-09-28, reference year not stated) as anhui_province.csv "
        "line 16, which records it as 2024; kept once, as 2024 (see discrepancies.csv)"),
    ("city_bulletins_huainan.csv", 58): (
        "pop_age60plus", _SKIP_REGISTERED + "; 2018, before the plan period"),
    ("city_bulletins_huainan.csv", 59): (
        "pop_share_age60plus", _SKIP_REGISTERED + "; 2018, before the plan period"),
}


def _decimals(text: str) -> int:
    text = str(text).strip()
    return len(text.split(".", 1)[1]) if "." in text else 0


def map_raw_row(file: str, line: int, row: pd.Series) -> tuple[str, float] | Skip:
    """Map one raw row to ``(catalogue id, unit factor)`` or say why it is skipped."""
    if file == "peer_plans_indicators.csv":
        return Skip("targets of other plans (national / Anhui), not observed values")
    if (file, line) in RAW_ROW_SKIPS:
        expected, reason = RAW_ROW_SKIPS[(file, line)]
        if row["indicator"] != expected:
            raise DataValidationError(f"expected indicator {expected!r} here (RAW_ROW_SKIPS "
                                      "is out of date)", path=file, row=line,
                                      column="indicator", value=row["indicator"])
        return Skip(reason)
    code = str(row["region_code"])
    if code == "340421M":
        return Skip("毛集实验区 is inside 凤台县 and has no region code in regions.csv; its "
                    "figures only explain the 凤台县 discrepancy")
    if row["area"] in ("male", "female"):
        return Skip(_SKIP_SEX)
    target = RAW_MAP.get(str(row["indicator"]))
    if target is None:
        raise DataValidationError("raw indicator not in RAW_MAP (map it or skip it with a "
                                  "reason)", path=file, row=line, column="indicator",
                                  value=row["indicator"])
    if isinstance(target, Skip):
        return target
    unit = str(row["unit"])
    if target == "population" and unit == "万人" and code != COUNTRY_CODE:
        target = "population_yearend"  # annual bulletins' 年末常住人口 (sample estimate)
    if target == "new_urban_jobs" and unit == "个":
        target = "urban_new_job_posts"
    want = INDICATORS_BY_ID[target].unit
    if unit == want:
        return target, 1.0
    factor = _UNIT_FACTORS.get((unit, want))
    if factor is None:
        raise DataValidationError(f"unit {unit!r} cannot be converted to {want!r} "
                                  f"({target})", path=file, row=line, column="unit",
                                  value=unit)
    return target, float(factor)


# --------------------------------------------------------------------------------------------
# The long table
# --------------------------------------------------------------------------------------------

OBS_COLUMNS = ("region_code", "year", "area", "indicator", "unit", "value", "source",
               "source_ref", "note", "primary")
AREAS = ("total", "urban", "rural")

#: What the census tables' unit covers (from the city's census bulletin No. 2 and the county
#: bulletin of 凤台县), added to the note of every census row of the unit.
REGION_SCOPE = {
    "340402": "includes 淮南经济技术开发区",
    "340403": "includes 安徽淮南高新技术产业开发区",
    "340421": "凤台县 INCLUDING 毛集实验区 (as in all census tables and the city bulletin)",
}
_EXCL_MAOJI = "凤台县 WITHOUT 毛集实验区 (the county bulletin says 未含毛集试验区数据)"

_RANK_CENSUS, _RANK_CITY_TABLE, _RANK_RAW = 0, 1, 2


def _fmt_value(value: float) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"{value:.12g}"


def _obs(region: str, year: int, area: str, indicator: str, value: float, source: Source | str,
         ref: str, note: str, rank: int, *, primary_ok: bool = True,
         precision: float = 0.0) -> dict:
    title = source.title if isinstance(source, Source) else source
    return {"region_code": region, "year": int(year), "area": area, "indicator": indicator,
            "unit": INDICATORS_BY_ID[indicator].unit, "value": float(value), "source": title,
            "source_ref": ref, "note": note, "_rank": rank, "_primary_ok": primary_ok,
            "_precision": precision}


def _round(recipe: Recipe, value: float) -> float:
    if isinstance(recipe, Sum):
        return float(round(value))
    if isinstance(recipe, Ratio | Tud):
        return round(value, 6)
    return value


def _yb_ref(yb: Yearbook, excel_row: int | list[int]) -> str:
    sheet = Y2020_SHEET if yb.year == 2020 else Y2010_SHEET
    rows = excel_row if isinstance(excel_row, list) else [excel_row]
    where = "rows " + " + ".join(str(r) for r in rows) if len(rows) > 1 else f"row {rows[0]}"
    return f"{yb.source.file} (sheet {sheet}, {where}); {yb.source.url}"


def _scope(region: str) -> str:
    return f"; {REGION_SCOPE[region]}" if region in REGION_SCOPE else ""


def _yearbook_row(yb: Yearbook, code: str) -> pd.DataFrame:
    f = yb.frame
    hit = f[f["code"] == code]
    if len(hit) != 1:
        raise DataValidationError(f"expected one row with code {code}, found {len(hit)}",
                                  path=yb.source.file, column="区划代码")
    return hit


def census_rows(yb20: Yearbook, yb10: Yearbook, tab: pd.DataFrame,
                city: pd.DataFrame) -> list[dict]:
    """Census observations for the seven units, the city, Anhui and China (2020 and 2010)."""
    rows: list[dict] = []
    f20 = yb20.frame
    national = f20[(f20["name"] == "全国") & (f20["province_name"] == "全国")]
    targets20 = [(c, _yearbook_row(yb20, c)) for c in (*UNIT_CODES, CITY_CODE, PROVINCE_CODE)]
    targets20.append((COUNTRY_CODE, national))
    tab_by_code = tab.set_index("CODE")
    for region, row in targets20:
        excel_row = int(row["excel_row"].iloc[0])
        for m in MEASURES:
            recipe = m.recipes.get(2020)
            if recipe is None:
                continue
            if isinstance(recipe, Tud):
                ref = (f"{SRC_T2020.file.format(file=recipe.file)} (CODE {region}, column "
                       f"{recipe.col}); {SRC_T2020.url}")
                if region in UNIT_CODES:
                    value = round(float(tab_by_code.at[region, recipe.col]) * recipe.scale, 6)
                    note = recipe.describe(yb20.names) + _scope(region)
                else:
                    value = math.nan
                    ref = (f"{SRC_T2020.file.format(file=recipe.file)} (county-level units "
                           f"only); {SRC_T2020.url}")
                    note = ("MISSING: published for county-level units only; the 2020 yearbook "
                            "table has no 16+ sample count to compute it, and a share is not "
                            "computed from county values")
                rows.append(_obs(region, 2020, m.area, m.indicator, value, SRC_T2020, ref,
                                 note, _RANK_CENSUS))
                continue
            value = _round(recipe, float(evaluate(recipe, row).iloc[0]))
            rows.append(_obs(region, 2020, m.area, m.indicator, value, yb20.source,
                             _yb_ref(yb20, excel_row),
                             recipe.describe(yb20.names) + _scope(region), _RANK_CENSUS))
    rows.extend(_census_rows_2010(yb10, city))
    return rows


def _census_rows_2010(yb10: Yearbook, city: pd.DataFrame) -> list[dict]:
    rows: list[dict] = []
    names = yb10.names
    f = yb10.frame
    shou = _yearbook_row(yb10, "341521")
    old_city = _yearbook_row(yb10, CITY_CODE)
    provinces = f[f["code"].notna() & f["code"].str.fullmatch(r"\d{2}0000")]
    if len(provinces) != 31:
        raise DataValidationError(f"expected 31 province rows, found {len(provinces)}",
                                  path=yb10.source.file, column="区划代码")
    singles = [(c, _yearbook_row(yb10, c), "") for c in UNIT_CODES[:-1]]
    singles.append(("340422", shou, "; the 2010 table lists 寿县 under 六安市 (code 341521); it "
                    "moved to 淮南市 in 2015"))
    singles.append((PROVINCE_CODE, _yearbook_row(yb10, PROVINCE_CODE), ""))
    for region, row, extra in singles:
        excel_row = int(row["excel_row"].iloc[0])
        for m in MEASURES:
            recipe = m.recipes.get(2010)
            if recipe is None:
                continue
            value = _round(recipe, float(evaluate(recipe, row).iloc[0]))
            rows.append(_obs(region, 2010, m.area, m.indicator, value, yb10.source,
                             _yb_ref(yb10, excel_row),
                             recipe.describe(names) + _scope(region) + extra, _RANK_CENSUS))
    # the city on 2020 boundaries and China: counts only, as sums of published rows
    city_2010 = city.set_index("city_code").loc[int(CITY_CODE)]
    city_pub = {("population", "total"): "popu_2010", ("population", "urban"): "popu_urban_2010",
                ("population", "rural"): "popu_rural_2010",
                ("share_age_0_14", "total"): "age_0_14_2010",
                ("share_age_15_59", "total"): "age_15_59_2010",
                ("share_age_60plus", "total"): "age_60_2010",
                ("share_age_65plus", "total"): "age_65_2010"}
    groups = [
        (CITY_CODE, pd.concat([old_city, shou]),
         f"sum of the 2010 rows 淮南市 (340400, 2010 boundaries, row "
         f"{int(old_city['excel_row'].iloc[0])}) and 寿县 (341521, then in 六安市, row "
         f"{int(shou['excel_row'].iloc[0])}): the city on its 2020 boundaries"),
        (COUNTRY_CODE, provinces,
         "sum of the 31 province rows (the 2010 table has no national row); 31 provinces, "
         "without 现役军人"),
    ]
    for region, parts, how in groups:
        ref = _yb_ref(yb10, [int(r) for r in parts["excel_row"]]) if region == CITY_CODE \
            else f"{yb10.source.file} (sheet {Y2010_SHEET}, the 31 rows with codes xx0000); " \
                 f"{yb10.source.url}"
        for m in MEASURES:
            recipe = m.recipes.get(2010)
            if recipe is None:
                continue
            pub = city_pub.get((m.indicator, m.area)) if region == CITY_CODE else None
            if pub is not None:
                rows.append(_obs(region, 2010, m.area, m.indicator, float(city_2010[pub]),
                                 SRC_CITY, f"{SRC_CITY.file} (city_code 340400, column {pub}); "
                                 f"{SRC_CITY.url}", "as published, 2020 boundaries (寿县 "
                                 "included)", _RANK_CITY_TABLE))
                continue
            if INDICATORS_BY_ID[m.indicator].kind == "count" and isinstance(recipe, Col | Sum):
                value = _round(Sum(recipe.cols()), float(evaluate(recipe, parts).sum()))
                rows.append(_obs(region, 2010, m.area, m.indicator, value, yb10.source, ref,
                                 recipe.describe(names) + "; " + how, _RANK_CENSUS))
            else:
                rows.append(_obs(
                    region, 2010, m.area, m.indicator, math.nan, yb10.source, ref,
                    "MISSING: not published for this territory in 2010 "
                    + ("(寿县 was then in 六安市)" if region == CITY_CODE else
                       "(no national row)")
                    + "; shares and averages are not computed from the parts", _RANK_CENSUS))
    return rows


def raw_rows(shared: Path) -> tuple[list[dict], list[dict]]:
    """Observations mapped from ``raw/*.csv`` and the list of skipped raw rows."""
    from huainan.regions import regions

    known = set(regions()["code"])
    rows: list[dict] = []
    skipped: list[dict] = []
    for k, file in enumerate(RAW_FILES):
        path = shared / "raw" / file
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        with open(path, encoding="utf-8") as fh:
            if sum(1 for _ in fh) != len(df) + 1:
                raise DataValidationError("a quoted field spans lines: line numbers would be "
                                          "wrong", path=path)
        for i, row in df.iterrows():
            line = int(i) + 2
            where = f"raw/{file} line {line}"
            mapped = map_raw_row(file, line, row)
            if isinstance(mapped, Skip):
                skipped.append({"file": f"raw/{file}", "line": line,
                                "region_code": row.get("region_code", ""),
                                "year": row.get("year", ""),
                                "indicator": row.get("indicator", row.get("indicator_zh", "")),
                                "value": row.get("value", row.get("target_2025", "")),
                                "reason": mapped.reason})
                continue
            indicator, factor = mapped
            region = str(row["region_code"])
            if region not in known:
                raise DataValidationError("unknown region code", path=path, row=line,
                                          column="region_code", value=region)
            year = int(row["year"])
            if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
                raise DataValidationError(f"year outside {YEAR_RANGE}", path=path, row=line,
                                          column="year", value=row["year"])
            text = str(row["value"]).strip()
            try:
                value = float(f"{float(text) * factor:.12g}")  # 4400 人 → 0.44 万人 exactly
            except ValueError as exc:
                raise DataValidationError("not a number", path=path, row=line, column="value",
                                          value=text) from exc
            raw_note = str(row["note"]).strip()
            excl_maoji = region == "340421" and "未含毛集" in raw_note
            parts = [_EXCL_MAOJI] if excl_maoji else []
            if factor != 1 and row["unit"] != INDICATORS_BY_ID[indicator].unit:
                parts.append(f"published as {text}{row['unit']}")
            parts.append(f"{row['indicator_zh']}")
            if raw_note:
                parts.append(raw_note)
            parts.append(f"transcribed in {where}")
            rows.append(_obs(region, year, row["area"], indicator, value,
                             str(row["source_title"]).strip(), str(row["source_url"]).strip(),
                             "; ".join(parts), _RANK_RAW + k, primary_ok=not excl_maoji,
                             precision=0.5 * 10 ** -_decimals(text) * factor))
    return rows, skipped


def _dedupe_raw(rows: list[dict]) -> list[dict]:
    """Merge raw rows that repeat the same value from the same page (several raw files)."""
    out: dict[tuple, dict] = {}
    for r in rows:
        key = (r["region_code"], r["year"], r["area"], r["indicator"], r["source_ref"],
               r["value"])
        if key in out:
            where = r["note"].rsplit("transcribed in ", 1)[-1]
            out[key]["note"] += f"; also {where}"
            continue
        out[key] = dict(r)
    return list(out.values())


_XJJ_PRIMARY = (
    "谢家集区's census bulletin (初步汇总数据, 2021-08-31) gives 52,342 people with primary "
    "education and, consistently, 23,621 per 100,000; the county tables (final tabulation) give "
    "52,026 (24,276 men + 27,750 women). The bulletin's other education counts (大学 18,688, "
    "高中 34,831, 初中 89,601) equal the tables'. Cause not stated: preliminary vs final data")

#: Differences found while building, with their cause: (region, indicator) → reason.
KNOWN_DIFFERENCES = {
    ("340404", "pop_edu_primary"): _XJJ_PRIMARY,
    ("340404", "primary_per_100k"): _XJJ_PRIMARY,
}


def _reason(census: dict, other: dict) -> str | None:
    """Known cause of a difference between a census row and another source, or None."""
    known = KNOWN_DIFFERENCES.get((other["region_code"], other["indicator"]))
    if known:
        return known
    if "WITHOUT 毛集实验区" in other["note"]:
        return ("凤台县's own census bulletin excludes 毛集实验区 (未含毛集试验区数据); the census "
                "tables and the city bulletin include it (凤台县 census 633,385 vs bulletin "
                "urban + rural 192,678 + 346,037 = 538,715: 94,670 people in 毛集, cf. its "
                "2022 resident population of 9.45万)")
    if other["region_code"] == COUNTRY_CODE and other["year"] == 2020:
        text = ("the NBS bulletin counts the 31 provinces plus 现役军人 (1,411,778,724 − "
                "1,409,778,724 = 2,000,000 active servicemen in the population total); the "
                "census county tables cover the 31 provinces only")
        if other["indicator"] in ("pop_edu_primary", "primary_per_100k"):
            text += ("; for primary education the gap (2,248,325 people) exceeds the 2 million "
                     "servicemen, so coverage explains only part of it (preliminary vs final "
                     "data is likely; not documented)")
        return text
    if other["region_code"] == COUNTRY_CODE and other["year"] == 2010:
        return ("the NBS 2010 total (133972万) covers the 31 provinces plus 现役军人 and people "
                "whose usual residence could not be determined; the 2010 county table's 31 "
                "provinces sum to 1,332,810,869")
    return None


def finalize(rows: list[dict]) -> tuple[pd.DataFrame, list[dict], list[dict]]:
    """Check keys, choose the primary row of each (region, year, area, indicator), compare
    every non-census value with the census value of the same key.

    Returns the observation frame (``OBS_COLUMNS``), the cross-check rows and the value
    discrepancies. Raises :class:`DataValidationError` for a difference nobody explained.
    """
    df = pd.DataFrame(rows)
    key5 = ["region_code", "year", "area", "indicator", "source"]
    dup = df.duplicated(key5, keep=False)
    if dup.any():
        raise DataValidationError("two different values for the same key and source:\n"
                                  + df.loc[dup, key5 + ["value"]].to_string())
    df["_nan"] = df["value"].isna()
    df = df.sort_values(["region_code", "year", "area", "indicator", "_nan", "_rank", "source"],
                        kind="stable").reset_index(drop=True)
    key4 = ["region_code", "year", "area", "indicator"]
    eligible = df["_primary_ok"]
    first = df[eligible].groupby(key4, sort=False).head(1).index
    df["primary"] = df.index.isin(first)

    checks: list[dict] = []
    discrepancies: list[dict] = []
    census = df[(df["_rank"] == _RANK_CENSUS) & ~df["_nan"]].set_index(key4)
    for _, other in df[(df["_rank"] > _RANK_CENSUS) & ~df["_nan"]].iterrows():
        key = tuple(other[k] for k in key4)
        if key not in census.index:
            continue
        base = census.loc[key]
        if isinstance(base, pd.DataFrame):
            base = base.iloc[0]
        base = {**base.to_dict(), **dict(zip(key4, key, strict=True))}
        published = INDICATORS_BY_ID[base["indicator"]].kind != "count" and \
            "as published" in base["note"]
        tol = other["_precision"] + (0.005 if published else 0.0) + 1e-9
        diff = other["value"] - base["value"]
        agree = abs(diff) <= tol
        reason = "" if agree else (_reason(base, other.to_dict()) or "")
        checks.append({
            "region_code": key[0], "year": key[1], "area": key[2], "indicator": key[3],
            "source_a": base["source"], "value_a": _fmt_value(base["value"]),
            "source_b": other["source"], "ref_b": other["source_ref"],
            "value_b": _fmt_value(other["value"]), "difference": _fmt_value(round(diff, 6)),
            "tolerance": _fmt_value(round(tol, 6)),
            "status": "agree" if agree else "differ", "reason": reason})
        if not agree:
            if not reason:
                raise DataValidationError(
                    f"unexplained difference for {key}: census {base['value']} vs "
                    f"{other['value']} ({other['source']}, {other['source_ref']})")
            discrepancies.append(_discrepancy(
                "value", region_code=key[0], year=key[1], area=key[2], indicator=key[3],
                source_a=base["source"], ref_a=base["source_ref"],
                value_a=_fmt_value(base["value"]), source_b=other["source"],
                ref_b=other["source_ref"], value_b=_fmt_value(other["value"]), reason=reason,
                action="both kept; the census row is primary" if other["_primary_ok"] else
                "both kept; the bulletin row is not primary (different territory)"))
    return df, checks, discrepancies


def order_observations(df: pd.DataFrame) -> pd.DataFrame:
    """Sort rows (regions.csv order, catalogue order, year, area, rank) and keep OBS_COLUMNS."""
    from huainan.regions import regions

    region_order = {c: i for i, c in enumerate(regions().sort_values("order")["code"])}
    ind_order = {ind.id: i for i, ind in enumerate(INDICATORS)}
    area_order = {a: i for i, a in enumerate(AREAS)}
    df = df.assign(_r=df["region_code"].map(region_order), _i=df["indicator"].map(ind_order),
                   _a=df["area"].map(area_order))
    df = df.sort_values(["_r", "_i", "year", "_a", "_rank", "source", "source_ref"],
                        kind="stable")
    return df[list(OBS_COLUMNS)].reset_index(drop=True)


def observations_csv(df: pd.DataFrame) -> bytes:
    out = df.copy()
    out["value"] = out["value"].map(_fmt_value)
    out["primary"] = out["primary"].map({True: "true", False: "false"})
    return csv_bytes(out)


# --------------------------------------------------------------------------------------------
# Source-level cross-checks (every county; the city table)
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
        tol = 0.5 * 10 ** -decimals * scale + (0.005 if isinstance(recipe, Col) and
                                               INDICATORS_BY_ID[m.indicator].kind != "count"
                                               else 0.0) + 1e-9
        both = tud.notna() & ours.notna()
        bad = both & ((tud - ours).abs() > tol)
        summary[m.column] = (int(both.sum()), int(bad.sum()))
        for _, r in merged[bad].iterrows():
            issues.append(_discrepancy(
                "value", region_code=r["code"], year=2020, area=m.area, indicator=m.indicator,
                source_a=SRC_Y2020.title, ref_a=f"{SRC_Y2020.file} row {r['yearbook_row']}",
                value_a=_fmt_value(float(r[m.column])), source_b=SRC_T2020.title,
                ref_b=f"{SRC_T2020.file.format(file=file)} CODE {r['code']} column {col}",
                value_b=_fmt_value(float(r[col])),
                reason=_TABULATION_REASONS.get(
                    (r["code"], col), _TABULATION_REASONS.get(
                        (r["code"], None), "the two digitisations of the census disagree; "
                        "cause unknown (not a Huainan unit)")),
                action="the yearbook value is used"))
    return summary, issues


#: Known causes of tabulation-vs-yearbook differences, found while building.
_TABULATION_REASONS = {
    ("150703", "POPU"): (
        "digitisation error in the tabulation file: 184,424 vs 84,424 (one extra leading "
        "digit); the yearbook figure is right: the tabulation's national sum exceeds the "
        "census total of the 31 provinces (1,409,778,724) by exactly 100,000"),
    ("150703", None): (
        "the tabulation's row for 扎赉诺尔区 is corrupt (population 184,424 instead of 84,424; "
        "3.8% aged 0–14 and 7.6% aged 65+ against the yearbook's 8.30% and 16.67%)"),
    ("130203", "HHLD_S"): "decimal point lost in the tabulation file (225 for 2.25)",
}


def check_city_table(city: pd.DataFrame, yb20: Yearbook, yb10: Yearbook) -> tuple[list[dict],
                                                                                   list[dict]]:
    """Compare the prefecture table's Huainan row with the county yearbook tables."""
    c = city.set_index("city_code").loc[int(CITY_CODE)]
    row20 = _yearbook_row(yb20, CITY_CODE)
    old10 = _yearbook_row(yb10, CITY_CODE)
    shou10 = _yearbook_row(yb10, "341521")
    both10 = pd.concat([old10, shou10])

    def val(recipe: Recipe, rows: pd.DataFrame, total: bool = False) -> float:
        v = evaluate(recipe, rows)
        return float(v.sum() if total else v.iloc[0])

    hh_2010_new = float(both10["hh_family_pop"].sum() / both10["hh_family"].sum())
    pairs = [
        (2020, "population", "total", "popu_2020", val(Col("pop"), row20), 0.0),
        (2020, "population", "urban", "popu_urban_2020", val(Col("urban"), row20), 0.0),
        (2020, "population", "rural", "popu_rural_2020", val(Col("rural"), row20), 0.0),
        (2020, "avg_household_size", "total", "household_2020", val(Col("hh_size"), row20),
         0.005),
        (2020, "share_age_0_14", "total", "age_0_14_2020", val(Col("share_0_14"), row20),
         0.01),
        (2020, "share_age_15_59", "total", "age_15_59_2020", val(_age_ratio(15, 55), row20),
         0.005),
        (2020, "share_age_60plus", "total", "age_60_2020", val(_age_ratio(60), row20), 0.005),
        (2020, "share_age_65plus", "total", "age_65_2020", val(Col("share_65"), row20), 0.01),
        (2010, "population", "total", "popu_2010", val(Col("pop"), both10, True), 0.0),
        (2010, "population", "urban", "popu_urban_2010", val(Col("urban"), both10, True), 0.0),
        (2010, "population", "rural", "popu_rural_2010", val(Col("rural"), both10, True), 0.0),
        (2010, "avg_household_size", "total", "household_2010", hh_2010_new, 0.005),
    ]
    checks, issues = [], []
    for year, ind, area, col, ours, tol in pairs:
        theirs = float(c[col])
        agree = abs(theirs - ours) <= tol + 1e-9
        reason = ""
        if not agree and col == "household_2010":
            reason = (f"the table's household_2010 ({theirs:g}) is the 2010 淮南市 figure on "
                      "2010 boundaries (without 寿县; the county table prints 2.92 for "
                      "340400), while its popu_2010 and age shares are on 2020 boundaries; on "
                      f"2020 boundaries it is {hh_2010_new:.4f} (sum of family-household "
                      "population / sum of family households of 340400 and 341521), which "
                      "matches the city census bulletin (2.52 in 2020, 0.29 fewer than in 2010)")
        ref_ours = (_yb_ref(yb20, int(row20["excel_row"].iloc[0])) if year == 2020 else
                    _yb_ref(yb10, [int(r) for r in both10["excel_row"]]))
        checks.append({
            "region_code": CITY_CODE, "year": year, "area": area, "indicator": ind,
            "source_a": (SRC_Y2020 if year == 2020 else SRC_Y2010).title,
            "value_a": _fmt_value(round(ours, 6)), "source_b": SRC_CITY.title,
            "ref_b": f"{SRC_CITY.file} column {col}", "value_b": _fmt_value(theirs),
            "difference": _fmt_value(round(theirs - ours, 6)),
            "tolerance": _fmt_value(tol), "status": "agree" if agree else "differ",
            "reason": reason})
        if not agree:
            if not reason:
                raise DataValidationError(f"city table {col} = {theirs} but the county tables "
                                          f"give {ours}", path=SRC_CITY.file, column=col)
            issues.append(_discrepancy(
                "value", region_code=CITY_CODE, year=year, area=area, indicator=ind,
                source_a=(SRC_Y2020 if year == 2020 else SRC_Y2010).title, ref_a=ref_ours,
                value_a=_fmt_value(round(ours, 6)), source_b=SRC_CITY.title,
                ref_b=f"{SRC_CITY.file} column {col}", value_b=_fmt_value(theirs),
                reason=reason, action="the city-table value is not used"))
    return checks, issues


#: Discrepancies that are not a pair of values in observations.csv.
OTHER_DISCREPANCIES = (
    _discrepancy(
        "year", region_code=PROVINCE_CODE, year=2024, indicator="life_expectancy",
        source_a="raw/anhui_province.csv line 16", value_a="79.3 (year 2024)",
        source_b="raw/city_bulletins_huainan.csv line 90", value_b="79.3 (year 2025)",
        reason="one announcement (省政府新闻办, 2025-09-28, 据初步统计) without a reference "
               "year; the two transcriptions assumed different years",
        action="kept once as 2024 (the latest complete year when announced); note says the "
               "year is assumed"),
    _discrepancy(
        "definition", indicator="children_ever_born_per_woman",
        source_a=SRC_Y2020.title, value_a="大通区 1.42 (15-64岁妇女平均活产子女数)",
        source_b=SRC_T2020.title, value_b="大通区 1.38 (family.csv FMLY_CHLD_15-64W)",
        reason="the shared README calls FMLY_CHLD_15-64W 'children ever born', but for 2,944 "
               "of 2,946 units it equals the yearbook's 平均存活子女数 (surviving children) "
               "to the last digit, not 平均活产子女数 (ever born)",
        action="children_ever_born_per_woman is the yearbook's 活产 column; the tabulation "
               "column is not used"),
    _discrepancy(
        "definition", indicator="illiteracy_rate",
        source_a=SRC_Y2020.title, value_a="China 3.26 (文盲占15岁及以上人口比重)",
        source_b="第七次全国人口普查公报（第六号）", value_b="China 2.67 (文盲率)",
        reason="different bases: the bulletins divide by the total population, the county "
               "tables by the population aged 15+ (37,704,017 / 1,409,778,724 = 2.67%)",
        action="two indicators: illiteracy_rate (15+) and illiteracy_rate_total_pop"),
    _discrepancy(
        "definition", indicator="avg_years_schooling",
        source_a=SRC_Y2020.title, value_a="China 9.50; 安徽 9.01; 凤台县 8.27 (aged 6+)",
        source_b="census bulletins", value_b="China 9.91; 安徽 9.35; 凤台县 8.71 (aged 15+)",
        reason="different base populations: the county tables' 平均受教育年限 is for people "
               "aged 6+ (their education counts sum to the population aged 6+), the "
               "bulletins' headline for people aged 15+ (and 凤台县's bulletin excludes 毛集)",
        action="two indicators: avg_years_schooling (6+) and avg_years_schooling_15plus"),
)


# --------------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------------

CROSSCHECK_COLUMNS = ("region_code", "year", "area", "indicator", "source_a", "value_a",
                      "source_b", "ref_b", "value_b", "difference", "tolerance", "status",
                      "reason")
DISCREPANCY_COLUMNS = ("kind", "region_code", "year", "area", "indicator", "source_a", "ref_a",
                       "value_a", "source_b", "ref_b", "value_b", "reason", "action")
SKIPPED_COLUMNS = ("file", "line", "region_code", "year", "indicator", "value", "reason")


def build(shared: Path = DEFAULT_SHARED, out: Path | None = None, *,
          log: Callable[[str], None] = print) -> dict[Path, bytes]:
    """Build every output in memory, validate it and return ``{path: bytes}`` (not written).

    Parameters
    ----------
    shared : pathlib.Path
        The shared data folder (``census2020_county/``, ``census_county_2010_2020/``,
        ``raw/``, ``boundaries/``).
    out : pathlib.Path, optional
        The data folder to write to (default :func:`huainan.paths.data_dir`).

    Raises
    ------
    FileNotFoundError
        If ``shared`` lacks an input file.
    DataValidationError
        If an input breaks an assumption (unknown raw indicator, duplicate key, a difference
        between sources that no known cause explains …).
    """
    from huainan import boundaries, stats

    shared = Path(shared)
    out = data_dir() if out is None else Path(out)
    if not (shared / "README.md").exists():
        raise FileNotFoundError(f"{shared} does not look like the shared data folder "
                                "(README.md missing)")
    log(f"reading census tables from {shared}")
    tab = read_tabulation(shared)
    yb20 = read_yearbook(shared, 2020)
    yb10 = read_yearbook(shared, 2010)
    city = pd.read_csv(shared / SRC_CITY.file, usecols=lambda c: c != "coord")

    match, discrepancies = match_tabulation(tab, yb20)
    nat20 = national_counties_2020(tab, yb20, match)
    nat10 = national_counties_2010(yb10)
    anhui = int(nat20.loc[nat20["province_code"] == PROVINCE_CODE, "population"].sum())
    total = int(nat20["population"].sum())
    log(f"national 2020: {len(nat20)} units, China {total:,}, Anhui {anhui:,}")
    summary, tab_issues = check_tabulation(tab, nat20)
    discrepancies += tab_issues
    for u in yb10.unreadable:
        discrepancies.append(_discrepancy(
            "unreadable", region_code=u["code"], year=2010, source_a=SRC_Y2010.title,
            ref_a=f"{SRC_Y2010.file} row {u['excel_row']} column {u['column']}",
            value_a=u["text"], reason="cell holds two numbers run together (digitisation)",
            action="left NaN in counties_2010.parquet (not a Huainan unit)"))

    rows = census_rows(yb20, yb10, tab, city)
    raw, skipped = raw_rows(shared)
    obs, checks, value_issues = finalize(rows + _dedupe_raw(raw))
    city_checks, city_issues = check_city_table(city, yb20, yb10)
    checks += city_checks
    discrepancies += value_issues + city_issues + list(OTHER_DISCREPANCIES)
    obs = order_observations(obs)

    # validate what will be written, read back exactly as huainan.stats reads it
    catalog_bytes = csv_bytes(catalog_frame())
    obs_bytes = observations_csv(obs)
    catalog_text = stats.read_csv_text(catalog_bytes)
    stats.validate_catalog(catalog_text, path="indicators.csv")
    stats.parse_observations(stats.read_csv_text(obs_bytes), catalog_text,
                             path="observations.csv")
    for year, nat in ((2020, nat20), (2010, nat10)):
        stats.validate_national(nat, year, path=f"counties_{year}.parquet")
    log(f"observations: {len(obs)} rows ({int(obs['primary'].sum())} primary); "
        f"{len(skipped)} raw rows skipped; {len(checks)} cross-checks, "
        f"{sum(c['status'] == 'differ' for c in checks)} differ (all explained); "
        f"{len(discrepancies)} discrepancies")
    for col, (n, bad) in summary.items():
        if bad:
            log(f"  tabulation vs yearbook, {col}: {bad} of {n} units differ")

    stats_dir = out / "stats"
    files = {
        stats_dir / "observations.csv": obs_bytes,
        stats_dir / "indicators.csv": catalog_bytes,
        stats_dir / "counties_2020.parquet": parquet_bytes(nat20),
        stats_dir / "counties_2010.parquet": parquet_bytes(nat10),
        stats_dir / "crosschecks.csv": csv_bytes(
            pd.DataFrame(checks, columns=list(CROSSCHECK_COLUMNS))),
        stats_dir / "discrepancies.csv": csv_bytes(
            pd.DataFrame(discrepancies, columns=list(DISCREPANCY_COLUMNS))),
        stats_dir / "raw_skipped.csv": csv_bytes(
            pd.DataFrame(skipped, columns=list(SKIPPED_COLUMNS))),
        out / "boundaries" / boundaries.FILE_NAME: boundaries.extract(
            shared / "boundaries" / "china_counties_2021_aea.topojson.gz"),
    }
    return files


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``python -m huainan.stats_build [--shared PATH] [--out PATH]``."""
    parser = argparse.ArgumentParser(prog="python -m huainan.stats_build",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                        help="shared data folder (default: <repo>/../shared/data)")
    parser.add_argument("--out", type=Path, default=None,
                        help="data folder to write (default: <repo>/data or $HUAINAN_DATA_DIR)")
    args = parser.parse_args(argv)
    files = build(args.shared, args.out)
    written = write_files(files)
    for path in sorted(files):
        print(f"{'wrote    ' if path in written else 'unchanged'} {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
