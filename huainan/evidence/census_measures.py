"""The census measures: canonical yearbook columns and the recipe of every measure.

The 2010 and 2020 census yearbook county tables print the same quantities under different
headers; :data:`YEARBOOK_COLUMNS` gives each one canonical name. Every census measure
(:data:`MEASURES`) is read from a yearbook row by a :class:`Recipe`: a printed value
(:class:`Col`), a sum of printed counts (:class:`Sum`, e.g. age bands 60–64 … 85+ of men and women)
or a ratio of sums of counts *of the same row* (:class:`Ratio`); the 2020 employment ratio is only
in the county tabulation (:class:`Tud`). :func:`evaluate` computes a recipe on yearbook rows. The
tables are read by :mod:`huainan.evidence.census`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

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
    # children), not 平均活产子女数 (see crosschecks.OTHER_DISCREPANCIES)
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
