"""What a monitoring value may be stored under: indicators, their units and bounds, regions.

- :func:`catalogue`: every indicator id a value may carry (专栏2, the project metrics of
  专栏4–13, the statistics catalogue, and ``<id>_to_date`` running totals of the five-year
  cumulative indicators), with the unit it is stored in, accepted names and unit spellings, its
  bounds and its 2020 baseline;
- :data:`BOUNDS` and :data:`MAGNITUDE`: the values an indicator can take (a share ≤ 100 %, a
  count ≥ 0 and no larger than a magnitude its unit allows — ``1e308`` people is refused);
- :func:`resolve_indicator` / :class:`IndicatorIndex`: a name or id → the indicator, by the one
  matching rule of :class:`huainan.text.NameIndex` (shared with
  :func:`huainan.evidence.stats.resolve_indicator`); a name that fits nothing or several
  indicators is refused, never guessed;
- :func:`resolve_region`: a code or Chinese name → the 6-digit region code.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from huainan import plan
from huainan.errors import DataValidationError, IngestError
from huainan.evidence import stats
from huainan.intake.units import BASES, parse_unit
from huainan.plan import regions
from huainan.text import NameIndex, normalize_text

# --------------------------------------------------------------------------------------------
# Bounds: the values an indicator can take
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bound:
    """The smallest and largest value an indicator can take, in its stored unit, and why.

    Attributes
    ----------
    low, high : float
        Inclusive limits (``high`` may be ``inf``: no upper limit).
    kind : str
        ``logical`` (no other value is possible: a share above 100 %, a negative count) or
        ``plausible`` (other values are possible in principle but certainly a typo here).
    reason : str
        Why, in Chinese and English (shown to whoever typed the value).
    """

    low: float
    high: float
    kind: str
    reason: str


def _rate(zh: str, en: str) -> Bound:
    """A 0–100 % bound for a rate named ``zh`` / ``en``."""
    return Bound(0, 100, "logical", f"{zh}不能超过100% / {en} cannot exceed 100 %")


_SHARE = _rate("比率、占比", "a rate or share of a whole")
_COVERAGE = _rate("覆盖率、参保率、保障率", "a coverage rate")
_PER_1000 = Bound(
    0, 1000, "logical", "每千人口指标不能超过1000 / a rate per 1,000 residents cannot exceed 1,000"
)
_GROSS = Bound(
    0,
    math.inf,
    "logical",
    "毛入园（学）率可以超过100%（分子含超龄、低龄学生），"
    "只要求不为负 / a gross enrolment rate may exceed 100 % "
    "(over- and under-age pupils count): only ≥ 0",
)
_COUNT = Bound(
    0, math.inf, "logical", "数量、人均量不能为负 / a count or amount cannot be negative"
)
_SCHOOLING = Bound(
    0,
    16,
    "plausible",
    "平均受教育年限超过16年（人人大学本科毕业）必为录入错误 / an average above 16 "
    "years (every resident a university graduate) is certainly a typo, e.g. "
    "102.5 for 10.25",
)

#: Bounds of the plan's indicators (专栏2), the project metrics with a bounded unit (专栏4–13)
#: and the statistics whose catalogue gives no ``max_value`` but that have a natural limit. Every
#: other indicator gets the statistics catalogue's ``max_value`` (shares: 100) or, without one,
#: :data:`DEFAULT_BOUND` (≥ 0). Values outside are refused by :func:`ingest` and reported by
#: :func:`validate_store`; the template's Excel data validation uses the same limits.
BOUNDS: dict[str, Bound] = {
    # 专栏2
    "nursery_places_per_1000": _PER_1000,
    "orphan_support_coverage": _COVERAGE,
    "preschool_gross_enrolment": _GROSS,
    "compulsory_education_retention": _rate("巩固率", "a retention rate"),
    "senior_secondary_gross_enrolment": _GROSS,
    "working_age_avg_years_schooling": _SCHOOLING,
    "subsidised_vocational_training": _COUNT,
    "life_expectancy": Bound(
        40,
        100,
        "plausible",
        "人均预期寿命在40–100岁以外必为录入错误（如把77.8录成7.8）/ a life "
        "expectancy outside 40–100 years is certainly a typo (7.8 for 77.8)",
    ),
    "physicians_per_1000": _PER_1000,
    "nurses_per_1000": _PER_1000,
    "medical_insurance_coverage": _COVERAGE,
    "nursing_bed_share": _SHARE,
    "new_area_elderly_facility_compliance": _rate("达标率", "a compliance rate"),
    "pension_insurance_coverage": _COVERAGE,
    "elderly_care_beds_total": _COUNT,
    "public_rental_housing_coverage": _COVERAGE,
    "rural_housing_safety_coverage": _COVERAGE,
    "old_residential_renovation": _COUNT,
    "disability_subsidy_coverage": _COVERAGE,
    "veteran_placement_rate": _rate("安置率", "a placement rate"),
    "public_culture_visits_per_10k": Bound(
        0,
        math.inf,
        "logical",
        "每万人服务次数可以超过10000（次数，不是人数），只要求不为"
        "负 / visits per 10,000 residents may exceed 10,000 "
        "(visits, not people): only ≥ 0",
    ),
    "sports_area_per_capita": _COUNT,
    "community_service_space_per_100hh": _COUNT,
    # project metrics (专栏4–13, chapter text)
    "quality_balanced_counties_share": _SHARE,
    "three_km_employment_community_share": _SHARE,
    "community_childcare_coverage": _COVERAGE,
    "inclusive_kindergarten_coverage": _COVERAGE,
    "minor_protection_station_coverage": _COVERAGE,
    "village_sports_instructor_coverage": _rate("配备率", "a staffing rate"),
    "old_estates_pre2000_renovated_share": _SHARE,
    "nursery_places_per_1000_new_areas": _PER_1000,
    "nursery_places_per_1000_old_areas": _PER_1000,
    # statistics without a catalogue max_value
    "birth_rate": Bound(
        0, 1000, "logical", "千分率不能超过1000‰ / a rate per 1,000 cannot exceed 1,000 ‰"
    ),
    "hospital_beds_per_1000": _PER_1000,
    "avg_years_schooling": _SCHOOLING,
    "avg_years_schooling_15plus": _SCHOOLING,
    "old_age_dependency_ratio": Bound(
        0,
        math.inf,
        "logical",
        "抚养比是两个人口之比，可以超过100% / a ratio of two "
        "populations, may exceed 100 %: only ≥ 0",
    ),
}
#: The bound of an indicator that has neither a :data:`BOUNDS` row nor a catalogue ``max_value``.
DEFAULT_BOUND = _COUNT
_CATALOGUE_SHARE = (
    "统计指标目录：占比不能超过{high:g}% / statistics catalogue: a share cannot exceed {high:g} %"
)

#: The largest value of an indicator without another upper limit, by the base of its unit, in
#: base units: no Huainan statistic can exceed it (``1e308`` people for a count is refused). The
#: limit in an indicator's own unit is this divided by the unit's multiplier (万人 → 150,000).
MAGNITUDE: dict[str, tuple[float, str]] = {
    "人": (
        1.5e9,
        "人数不能超过全国人口（约14.1亿，2020年第七次全国人口普查）/ no more people than China's population (1.41 bn, 2020 census)",
    ),
    "人次": (1.5e11, "人次不超过全国人口的100倍 / person-times at most 100 per resident of China"),
    "次": (1.5e11, "次数不超过全国人口的100倍 / visits at most 100 per resident of China"),
    "元": (
        1e15,
        "金额不能超过全国国内生产总值的数倍（2020年约101万亿元）/ an amount above several times China's GDP (101 trillion yuan in 2020)",
    ),
    "平方米": (1e12, "面积不能超过100万平方公里 / an area above 1 million km²"),
    "ratio": (1e3, "比率超过1000%必为录入错误 / a rate above 1,000 % is certainly a typo"),
}
#: The same for every other base (张, 个, 所, 户 …: no more than one per resident of China).
MAGNITUDE_OTHER = (
    1.5e9,
    "数量不能超过全国人口数（约14.1亿）/ a count above China's population (1.41 bn) is certainly a typo",
)

#: A % value in (0, 1] is refused as a fraction typed for a percentage (0.956 for 95.6) when the
#: indicator's 2020 baseline is above this; for other % indicators it is a warning.
FRACTION_BASELINE = 50.0


# --------------------------------------------------------------------------------------------
# The indicator catalogue
# --------------------------------------------------------------------------------------------


#: Suffix of a five-year cumulative indicator's running total (2021 … the value's year), the
#: convention of ``data/stats`` and :data:`huainan.measures.progress.TO_DATE_SUFFIX`.
TO_DATE_SUFFIX = "_to_date"
#: The template's label of such a row (after the indicator's name).
TO_DATE_LABEL = "2021年起累计（截至当年）"


def to_date_names(name_zh: str) -> tuple[str, str]:
    """Names of a cumulative indicator's running total: the statistics catalogue's form and the
    template's row label.

    Examples
    --------
    >>> to_date_names("城镇老旧小区改造")
    ('城镇老旧小区改造（2021年起累计）', '城镇老旧小区改造：2021年起累计（截至当年）')
    """
    return f"{name_zh}（2021年起累计）", f"{name_zh}：{TO_DATE_LABEL}"


def magnitude_bound(bound: Bound, unit: str) -> Bound:
    """``bound`` with its infinite upper limit replaced by :data:`MAGNITUDE` in ``unit``.

    Examples
    --------
    >>> magnitude_bound(DEFAULT_BOUND, "万人").high, magnitude_bound(DEFAULT_BOUND, "张").high
    (150000.0, 1500000000.0)
    """
    u = parse_unit(unit)
    limit, why = MAGNITUDE.get(u.base, MAGNITUDE_OTHER)
    if u.base == "ratio":  # % and ‰: 1,000 % = 10,000 ‰
        high = limit * float(Decimal("0.01") / u.factor)
    else:
        high = float(Decimal(repr(limit)) / u.factor)
    return Bound(bound.low, high, "magnitude", f"{bound.reason}; {why}")


def catalogue() -> pd.DataFrame:
    """Return every indicator a monitoring value may be stored under.

    Returns
    -------
    pandas.DataFrame
        One row per indicator id: ``indicator`` (id), ``name_zh``, ``unit`` (the unit values are
        stored in), ``domain``, ``origin`` (``专栏2``, the project's section, or ``stats``),
        ``names`` (tuple of accepted Chinese names), ``units`` (tuple of unit spellings that mean
        the stored unit, e.g. ``("个", "个/千人")`` for nursery places per 1,000 residents, which
        专栏2 prints as 个 and 专栏8 as 个/千人), ``ids`` (tuple: the id and ids that mean the
        same quantity, e.g. a project metric repeating a 专栏2 indicator); the bounds of its
        values in the stored unit: ``min_value``, ``max_value`` (float, finite: an indicator
        without another upper limit gets its unit's :data:`MAGNITUDE`), ``bound_kind``
        (``logical`` | ``plausible`` | ``magnitude``), ``bound_reason`` (str; from
        :data:`BOUNDS`, else the statistics catalogue's ``max_value``, else
        :data:`DEFAULT_BOUND`, with the magnitude's reason); ``baseline_2020`` (float, the plan's 2020 value from 专栏2 or
        the project tables; NaN when none is printed and for five-year cumulative indicators,
        whose baseline is a 2016–2020 total).

    Raises
    ------
    DataValidationError
        If two sources give one id different units that are not the same quantity, or if a
        :data:`BOUNDS` row disagrees with the statistics catalogue's ``max_value``.

    Examples
    --------
    >>> cat = catalogue().set_index("indicator")
    >>> cat.at["new_urban_jobs", "unit"], cat.at["nursery_places_per_1000", "units"]
    ('万人', ('个', '个/千人'))
    >>> life = cat.loc["life_expectancy"]
    >>> float(life["min_value"]), float(life["max_value"]), life["bound_kind"]
    (40.0, 100.0, 'plausible')
    >>> [float(cat.at[i, "max_value"]) for i in ("preschool_gross_enrolment", "share_age_60plus")]
    [1000.0, 100.0]
    >>> float(cat.at["subsidised_vocational_training", "max_value"])  # 万人: 1.5e9 people
    150000.0
    >>> cat.at["old_residential_renovation_to_date", "unit"]
    '个'
    """
    entries: dict[str, dict] = {}

    def add(ident, name, unit, domain, origin, *, alias_of=None):
        target = alias_of or ident
        if target not in entries:
            entries[target] = {
                "indicator": target,
                "name_zh": name,
                "unit": unit,
                "domain": domain,
                "origin": origin,
                "names": [],
                "units": [unit],
                "ids": [target],
            }
        e = entries[target]
        if name and name not in e["names"]:
            e["names"].append(name)
        if ident not in e["ids"]:
            e["ids"].append(ident)
        if unit not in e["units"]:
            if alias_of is None and origin == "stats":
                raise DataValidationError(
                    f"indicator {target!r} has unit {e['unit']!r} in {e['origin']} but "
                    f"{unit!r} in the statistics catalogue",
                    column="unit",
                    value=unit,
                )
            e["units"].append(unit)

    ind = plan.indicators()
    for r in ind.itertuples():
        add(r.indicator_id, r.name_zh, r.unit, r.domain, r.source)
        add(r.indicator_id, normalize_text(r.name_printed), r.unit, r.domain, r.source)
    for r in ind[ind["cumulative"]].itertuples():  # running totals since the plan start
        for name in to_date_names(r.name_zh):
            add(r.indicator_id + TO_DATE_SUFFIX, name, r.unit, r.domain, r.source)
    proj = plan.projects()
    for r in proj.drop_duplicates("metric_id").itertuples():
        linked = r.indicator_id if isinstance(r.indicator_id, str) else None
        add(r.metric_id, normalize_text(r.metric_zh), r.unit, r.domain, r.section, alias_of=linked)
    for r in stats.indicator_catalog().itertuples():
        add(r.id, r.name_zh, r.unit, r.domain, "stats")
        for alias in (r.aliases if isinstance(r.aliases, str) else "").split(";"):
            if alias.strip():
                add(r.id, normalize_text(alias), r.unit, r.domain, "stats")
        entries[r.id]["max_value"] = pd.to_numeric(r.max_value, errors="coerce")
    baselines = _baselines(ind, proj)
    records = [_record(e, baselines) for e in entries.values()]
    return pd.DataFrame(records)


def _baselines(ind: pd.DataFrame, proj: pd.DataFrame) -> dict[str, float]:
    """The plan's 2020 values (专栏2, then the project tables); none for cumulative indicators."""
    out = {
        r.indicator_id: float(r.baseline)
        for r in ind.itertuples()
        if r.baseline_year == 2020 and pd.notna(r.baseline) and not r.cumulative
    }
    for r in proj.itertuples():
        if pd.notna(r.baseline_value) and r.baseline_year == 2020:
            out.setdefault(r.metric_id, float(r.baseline_value))
    return out


def _record(e: dict, baselines: dict[str, float]) -> dict:
    """One catalogue row: the entry with its bound (BOUNDS, catalogue max_value, magnitude)."""
    listed = e.get("max_value", math.nan)
    bound = BOUNDS.get(e["indicator"])
    if bound is not None and not math.isnan(listed) and listed != bound.high:
        raise DataValidationError(
            f"indicator {e['indicator']!r}: BOUNDS says at most {bound.high:g} but the "
            f"statistics catalogue's max_value is {listed:g}",
            column="max_value",
            value=listed,
        )
    if bound is None:
        bound = (
            DEFAULT_BOUND
            if math.isnan(listed)
            else Bound(0, float(listed), "logical", _CATALOGUE_SHARE.format(high=listed))
        )
    if math.isinf(bound.high):
        bound = magnitude_bound(bound, e["unit"])
    return {
        **{k: e[k] for k in ("indicator", "name_zh", "unit", "domain", "origin")},
        "names": tuple(e["names"]),
        "units": tuple(e["units"]),
        "ids": tuple(e["ids"]),
        "min_value": float(bound.low),
        "max_value": float(bound.high),
        "bound_kind": bound.kind,
        "bound_reason": bound.reason,
        "baseline_2020": baselines.get(e["indicator"], math.nan),
    }


class IndicatorIndex:
    """Name/id → indicator lookup over a :func:`catalogue` (build it once per file).

    Matching is :class:`huainan.text.NameIndex`'s rule (the one
    :func:`huainan.evidence.stats.resolve_indicator` uses), with a trailing bracket split off
    only when it holds a unit (``城镇新增就业（万人）``).
    """

    def __init__(self, cat: pd.DataFrame):
        self.cat = cat
        self.units = {u for units in cat["units"] for u in units}
        self.index = NameIndex(
            (text, r.indicator) for r in cat.itertuples() for text in (*r.ids, *r.names)
        )
        self.about = {n: (r.indicator, r.unit) for r in cat.itertuples() for n in r.names}

    def _is_unit(self, text: str) -> bool:
        text = text.replace(" ", "")
        if text in self.units:
            return True
        u = parse_unit(text)
        return u.base == "ratio" or u.factor != 1 or u.base in BASES

    def resolve(self, text: str) -> tuple[str, str | None]:
        """Return (indicator id, unit in brackets or None); raise :class:`IngestError` if the
        text fits no indicator (listing the closest names) or several."""
        hits, unit = self.index.lookup(normalize_text(text), is_unit=self._is_unit)
        if len(hits) == 1:
            return hits[0], unit.replace(" ", "") if unit else None
        if hits:
            raise IngestError(
                f"指标名称对应多个指标，请改填指标ID / the name {text!r} fits several indicators "
                f"{sorted(hits)}; use the id (指标ID) instead",
                value=text,
            )
        close = [n for n in self.index.closest(text) if n in self.about]
        hint = "; ".join(f"{n} ({self.about[n][0]}, {self.about[n][1]})" for n in close)
        raise IngestError(
            "未知指标 / unknown indicator"
            + (f"; 最接近的指标 closest known names: {hint}" if hint else "")
            + ". Use a name or id from the plan or the statistics catalogue "
            "(huainan.intake.catalogue.catalogue()); names are never guessed",
            value=text,
        )


def resolve_indicator(text: str, cat: pd.DataFrame | None = None) -> tuple[str, str | None]:
    """Return the indicator id a name or id stands for, and a unit written in brackets after it.

    Parameters
    ----------
    text : str
        An id (``new_urban_jobs``) or Chinese name (``城镇新增就业``, ``城镇新增就业（万人）``,
        ``每千人口执业 (助理) 医师数``).
    cat : DataFrame, optional
        :func:`catalogue` (default: built now).

    Returns
    -------
    (str, str or None)

    Raises
    ------
    IngestError
        Unknown name (the message lists the closest known names with their ids and units) or a
        name shared by several indicators.

    Examples
    --------
    >>> resolve_indicator("城镇新增就业（万人）")
    ('new_urban_jobs', '万人')
    >>> resolve_indicator(" 每千人口执业 (助理) 医师数 ")
    ('physicians_per_1000', None)
    """
    return IndicatorIndex(catalogue() if cat is None else cat).resolve(text)


# --------------------------------------------------------------------------------------------
# Regions
# --------------------------------------------------------------------------------------------


# The template labels the Anhui row 安徽省（参照值）: a comparison value, still region 340000.
_REFERENCE_SUFFIX = re.compile(r"\((?:参照值|参考值|全省平均(?:值|水平)?)\)$")


class RegionIndex:
    """Code/name → region code lookup over :func:`huainan.plan.regions.regions`."""

    def __init__(self):
        r = regions.regions()
        self.codes = dict(zip(r["code"], r["name_zh"], strict=True))
        self.by_name = {n: c for c, n in self.codes.items()}
        for n, c in list(self.by_name.items()):
            short = re.sub(r"(?:区|县|市|省)$", "", n)
            if len(short) >= 2 and short not in self.by_name:
                self.by_name[short] = c
        self.by_name["全市"] = regions.CITY_CODE

    def resolve(self, code: str | None, name: str | None) -> str:
        out = None
        if code:
            c = re.sub(r"\.0$", "", code.strip())
            if c not in self.codes:
                raise IngestError(
                    "未知地区代码 / unknown region code; known codes: "
                    + ", ".join(f"{k} {v}" for k, v in self.codes.items()),
                    value=code,
                )
            out = c
        if name:
            n = _REFERENCE_SUFFIX.sub("", normalize_text(name).replace(" ", ""))
            if n not in self.by_name:
                raise IngestError(
                    "未知地区 / unknown region name; known regions: "
                    + "、".join(self.codes.values()),
                    value=name,
                    column="region_name",
                )
            if out is not None and self.by_name[n] != out:
                raise IngestError(
                    f"区划代码 {out} 是{self.codes[out]}，但地区名称写的是“{name}”"
                    f"（{self.by_name[n]}），请核对 / region code {out} is {self.codes[out]}, "
                    f"but the name says {name!r} ({self.by_name[n]})",
                    value=name,
                )
            out = self.by_name[n]
        if out is None:
            raise IngestError("缺少地区 / no region given (区划代码 or 地区)")
        return out


def resolve_region(code: str | None, name: str | None) -> str:
    """Return the 6-digit code of a region given its code, its Chinese name, or both.

    Names may drop the 区/县/市 suffix (``凤台`` → 340421); ``全市`` means the city (340400); a
    trailing ``（参照值）`` (the template's 安徽省（参照值） row) is not part of the name. When both
    are given they must name the same region.

    Raises
    ------
    IngestError
        Unknown code or name, or code and name that disagree.

    Examples
    --------
    >>> resolve_region("340421", "凤台县"), resolve_region(None, "凤台")
    ('340421', '340421')
    >>> resolve_region("340400", None), resolve_region("340000", "安徽省（参照值）")
    ('340400', '340000')
    """
    return RegionIndex().resolve(code, name)
