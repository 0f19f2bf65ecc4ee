"""Huainan among Anhui's 16 cities and China's prefecture-level cities (《中国城市统计年鉴》 2018–2023).

Three jobs, all on :func:`huainan.evidence.yearbook.city_yearbook` (全市 scope unless asked):

- :func:`per_capita`: per-capita indicators (:data:`MEASURES`) for every city and year, **each
  with its base said**: the yearbook prints resident population (常住人口) for data years 2020 and
  2023 only and registered population (户籍人口) for 2018, 2019, 2021 and 2022; a year is computed
  on the population it has and labelled so (``base`` = ``resident`` | ``registered``), never
  mixed with another year's base silently. Elderly-institution beds are divided by the population
  aged 60+, estimated as the year's population × the city's 60+ share of the 2020 census (the
  yearbook has no age data; said in ``base_zh``).
- :func:`rank_table` / :func:`peer_summary`: a city's value, rank and percentile among Anhui's 16
  cities and among all cities of the yearbook, each year, with the Anhui median;
  :func:`plan_period_change`: the change over the plan period (2020 → 2023, the latest yearbook
  year) against the Anhui median change, only between years on the same base.
- :func:`proxy_progress`: yearbook measures close to a plan indicator, labelled 参考指标 with the
  difference of basis stated — never the plan indicator's verdict (that stays with
  :mod:`huainan.measures.progress`).

Percentiles are the mid-rank percentiles of :func:`huainan.measures.comparators.percentile_ranks`
(METHODS.md §6), turned so that 100 is best for higher/lower-is-better measures; ranks count the
cities strictly better plus one (ties share a rank).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from huainan.errors import DataValidationError
from huainan.evidence.yearbook import UNIT_FACTOR
from huainan.plan.regions import CITY_CODE, PROVINCE_CODE

#: The plan period's first (baseline) year and the latest year the yearbook covers.
PLAN_BASE_YEAR, LATEST_YEAR = 2020, 2023
YEARS = tuple(range(2018, 2024))


@dataclass(frozen=True)
class Measure:
    """A per-capita indicator: ``numerator`` / ``denominator`` × ``per`` (base units: persons,
    yuan, volumes — 万-units are converted first).

    ``denominator`` is ``population`` (the year's resident or registered population),
    ``population_60plus`` (that × the census 2020 share aged 60+), ``pupils`` (在校生 of the
    primary and secondary stages), a yearbook indicator id (teachers, budget) .
    """

    id: str
    name_zh: str
    unit: str
    domain: str
    direction: int  # +1 higher is better, −1 lower is better, 0 neither
    numerator: str
    denominator: str
    per: float
    note_zh: str = ""
    decimals: int = 2  # how the value is written (formats.fixed)


MEASURES: tuple[Measure, ...] = (
    Measure(
        "hospital_beds_per_1000",
        "每千人口医院床位数",
        "张",
        "health",
        1,
        "hospital_beds",
        "population",
        1000.0,
        "年鉴为医院床位数，不含基层医疗卫生机构等其他机构床位",
    ),
    Measure(
        "physicians_per_1000",
        "每千人口执业(助理)医师数",
        "人",
        "health",
        1,
        "physicians",
        "population",
        1000.0,
        "年鉴“医院、床位和医生数”表中的执业(助理)医师；2019→2020年安徽多数城市增幅远高于全国，疑有统计口径变化",
    ),
    Measure(
        "elderly_beds_per_1000_60plus",
        "每千名60岁及以上老年人养老机构床位数",
        "张",
        "elderly_care",
        1,
        "elderly_institution_beds",
        "population_60plus",
        1000.0,
        "年鉴无分年龄人口：60岁及以上人口按当年人口×2020年普查60岁及以上占比估算；只含养老机构床位",
        decimals=1,
    ),
    Measure(
        "pupils_per_teacher_primary",
        "普通小学生师比",
        "人/师",
        "education",
        -1,
        "students_primary",
        "teachers_primary",
        1.0,
        "在校生按万人取整印出；2023年数据（2024年版）不再公布专任教师数",
        decimals=1,
    ),
    Measure(
        "pupils_per_teacher_secondary",
        "普通中学生师比",
        "人/师",
        "education",
        -1,
        "students_secondary",
        "teachers_secondary",
        1.0,
        "普通中学含初中和普通高中；在校生按万人取整印出；2023年无专任教师数",
        decimals=1,
    ),
    Measure(
        "education_spending_per_pupil",
        "生均一般公共预算教育支出",
        "元",
        "education",
        1,
        "education_expenditure",
        "pupils",
        1.0,
        "分母为普通小学+普通中学在校生（2023年为小学阶段+初中阶段+普通高中），不含幼儿、中职和高校学生",
        decimals=0,
    ),
    Measure(
        "education_spending_per_resident",
        "人均一般公共预算教育支出",
        "元",
        "education",
        1,
        "education_expenditure",
        "population",
        1.0,
        decimals=0,
    ),
    Measure(
        "education_share_of_budget",
        "教育支出占一般公共预算支出比重",
        "%",
        "education",
        0,
        "education_expenditure",
        "budget_expenditure",
        100.0,
        "比重高低本身不分好坏，只表示位置",
        decimals=1,
    ),
    Measure(
        "library_books_per_resident",
        "人均公共图书馆藏书",
        "册",
        "culture_sports",
        1,
        "library_books",
        "population",
        1.0,
    ),
    Measure(
        "museums_per_million",
        "每百万人口博物馆数",
        "个",
        "culture_sports",
        1,
        "museums",
        "population",
        1e6,
    ),
)
MEASURES_BY_ID = {m.id: m for m in MEASURES}
#: What each population base is called (users see the Chinese).
BASES_ZH = {
    "resident": "常住人口",
    "registered": "户籍人口",
    "resident_60plus": "常住人口×2020年普查60岁及以上占比",
    "registered_60plus": "户籍人口×2020年普查60岁及以上占比",
    "pupils": "普通中小学在校生",
    "teachers": "专任教师",
    "budget": "一般公共预算支出",
}
#: Bases that are a population (the headline names them: 常住人口口径 …).
POPULATION_BASES = ("resident", "registered", "resident_60plus", "registered_60plus")
_PUPILS_OLD = ("students_primary", "students_secondary")
_PUPILS_2023 = ("students_primary_stage", "students_junior_stage", "students_senior_high")


def _base_values(table: pd.DataFrame) -> pd.DataFrame:
    """Wide: one row per (city, year), one column per yearbook indicator, in base units."""
    t = table.copy()
    t["value"] = t["value"] * t["unit"].map(UNIT_FACTOR).fillna(1.0)
    wide = t.pivot_table(
        index=["city_code", "data_year"], columns="indicator", values="value", dropna=False
    )
    wide.columns.name = None
    return wide


def census_share_60plus(counties: pd.DataFrame | None = None) -> pd.Series:
    """Share (0–1) of residents aged 60+ by prefecture code, 2020 census (636,472 / 3,033,528 for
    淮南市).

    Sum of ``pop_age_60plus`` / sum of ``population`` over the prefecture's county-level units
    (:func:`huainan.evidence.stats.national_counties`, functional zones included).

    >>> round(float(census_share_60plus()["340400"]), 4)  # 淮南市
    0.2098
    """
    if counties is None:
        from huainan.evidence import stats

        counties = stats.national_counties()
    g = counties.groupby("prefecture_code")[["pop_age_60plus", "population"]].sum()
    return (g["pop_age_60plus"].astype("float64") / g["population"].astype("float64")).rename(
        "share_60plus"
    )


@dataclass(frozen=True)
class _Bases:
    """The denominators of :func:`per_capita` on the index (city_code, data_year) of the wide
    yearbook table, each with its base and the relative error its printed rounding allows."""

    population: pd.Series  # 常住人口 where the year prints it, else 户籍人口 (persons)
    population_base: pd.Series  # resident | registered
    population_rounding: pd.Series
    population_60plus: pd.Series  # population × census share 60+ (NaN without the share)
    pupils: pd.Series
    pupils_rounding: pd.Series

    @classmethod
    def of(cls, wide: pd.DataFrame, share_60plus: pd.Series | None) -> _Bases:
        """From the wide table; ``share_60plus`` by city code, ``None`` where it does not apply
        (市辖区: the census share is of the whole city)."""
        resident = wide["population_resident"]
        has_res = resident.notna().groupby(level="data_year").transform("any")
        population = resident.where(has_res, wide["population_registered"])
        pop_base = pd.Series(np.where(has_res, "resident", "registered"), index=wide.index)
        # rounding of the printed inputs: whole 万人 (population, pupils)
        pop_round = 0.5e4 / population
        old = wide[list(_PUPILS_OLD)].sum(axis=1, min_count=2)
        new = wide[list(_PUPILS_2023)].sum(axis=1, min_count=3)
        years = wide.index.get_level_values("data_year")
        is_new = pd.Series(years >= 2023, index=wide.index)
        pupils = old.where(~is_new, new)
        pupils_round = pd.Series(np.where(is_new, 1.5e4, 1.0e4), index=wide.index) / pupils
        if share_60plus is None:
            old_age = population * np.nan
        else:
            codes = wide.index.get_level_values("city_code")
            share = pd.Series(codes.map(share_60plus), index=wide.index, dtype="float64")
            old_age = population * share
        return cls(population, pop_base, pop_round, old_age, pupils, pupils_round)


def _measure_rows(m: Measure, wide: pd.DataFrame, bases: _Bases) -> pd.DataFrame:
    """The rows of one measure of :func:`per_capita` (every city and year, before the names
    are joined and empty years dropped)."""
    num = wide.get(m.numerator, pd.Series(np.nan, index=wide.index))
    note = pd.Series(m.note_zh, index=wide.index)
    rounding = pd.Series(0.0, index=wide.index)
    if m.denominator == "population":
        den, base, rounding = bases.population, bases.population_base, bases.population_rounding
    elif m.denominator == "population_60plus":
        den = bases.population_60plus
        base = bases.population_base + "_60plus"
        rounding = bases.population_rounding
    elif m.denominator == "pupils":
        den, base = bases.pupils, pd.Series("pupils", index=wide.index)
        rounding = bases.pupils_rounding
    else:
        den = wide.get(m.denominator, pd.Series(np.nan, index=wide.index))
        base = pd.Series(
            "teachers" if m.denominator.startswith("teachers") else "budget", index=wide.index
        )
    if m.numerator.startswith("students_"):
        rounding = rounding + 0.5e4 / num
    value = num / den * m.per
    return pd.DataFrame(
        {
            "city_code": wide.index.get_level_values("city_code"),
            "data_year": wide.index.get_level_values("data_year").astype("int64"),
            "measure": m.id,
            "measure_zh": m.name_zh,
            "unit": m.unit,
            "value": value.to_numpy(dtype="float64"),
            "numerator": num.to_numpy(dtype="float64"),
            "denominator": den.to_numpy(dtype="float64"),
            "base": base.to_numpy(),
            "rounding": rounding.to_numpy(dtype="float64"),
            "note": note.to_numpy(),
        }
    )


def per_capita(
    table: pd.DataFrame | None = None,
    *,
    scope: str = "全市",
    share_60plus: pd.Series | None = None,
) -> pd.DataFrame:
    """Per-capita indicators of every city and year, each with its base.

    Parameters
    ----------
    table : pandas.DataFrame, optional
        :func:`huainan.evidence.yearbook.city_yearbook` (default: the committed table).
    scope : {"全市", "市辖区"}
        Which scope of the yearbook to use. The 60+ measure needs the census share of the whole
        city and is computed for 全市 only.
    share_60plus : pandas.Series, optional
        Census 2020 share aged 60+ by city code (default :func:`census_share_60plus`).

    Returns
    -------
    pandas.DataFrame
        One row per city × year × measure with a value or a reason: ``city_code``,
        ``city_name``, ``province_code`` (str), ``data_year`` (int64), ``measure``,
        ``measure_zh``, ``unit`` (str), ``value`` (float64, NaN when an input is missing),
        ``numerator``, ``denominator`` (float64, base units), ``base`` (``resident`` |
        ``registered`` | ``resident_60plus`` | ``registered_60plus`` | ``pupils`` |
        ``teachers`` | ``budget``), ``base_zh`` (str), ``rounding`` (float64: the largest
        relative error the printed rounding of the inputs allows, e.g. 0.02 for 25 万 pupils),
        ``note`` (str).

    Notes
    -----
    ``value = numerator / denominator × per`` (:data:`MEASURES`). Population is the year's
    常住人口 where the yearbook prints it (2020, 2023), else its 户籍人口 (2018, 2019, 2021, 2022) —
    the ``base`` column says which. Pupils are 普通小学 + 普通中学 在校生 up to 2022 and
    小学阶段 + 初中阶段 + 普通高中 in 2023 (the 2024 edition changed the table).

    Examples
    --------
    >>> pc = per_capita()
    >>> r = pc[(pc.city_code == "340400") & (pc.data_year == 2023)
    ...        & (pc.measure == "hospital_beds_per_1000")].iloc[0]
    >>> round(float(r["value"]), 3), r["base_zh"]  # 17,291 beds / 3,020,000 residents × 1000
    (5.725, '常住人口')
    """
    from huainan.evidence.yearbook import SCOPES

    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}, not {scope!r}")
    if table is None:
        from huainan.evidence.yearbook import city_yearbook

        table = city_yearbook()
    t = table[table["scope"] == scope]
    if t.empty:
        raise DataValidationError(f"no rows of scope {scope} in the yearbook table")
    wide = _base_values(t)
    for col in ("population_resident", "population_registered", *_PUPILS_OLD, *_PUPILS_2023):
        if col not in wide.columns:
            wide[col] = np.nan
    names = t.drop_duplicates("city_code").set_index("city_code")[["city_name", "province_code"]]
    if share_60plus is None:
        share_60plus = census_share_60plus()
    bases = _Bases.of(wide, share_60plus if scope == "全市" else None)
    frames = [_measure_rows(m, wide, bases) for m in MEASURES]
    out = pd.concat(frames, ignore_index=True)
    out["base_zh"] = out["base"].map(BASES_ZH)
    out.loc[out["value"].isna(), "rounding"] = np.nan
    out = out.join(names, on="city_code")
    # a measure that has no value anywhere in a year (e.g. teachers in 2023) is not a row
    have = out.groupby(["measure", "data_year"])["value"].transform(lambda v: v.notna().any())
    out = out[have]
    cols = [
        "city_code",
        "city_name",
        "province_code",
        "data_year",
        "measure",
        "measure_zh",
        "unit",
        "value",
        "numerator",
        "denominator",
        "base",
        "base_zh",
        "rounding",
        "note",
    ]
    order = {m.id: i for i, m in enumerate(MEASURES)}
    out = out.assign(_m=out["measure"].map(order)).sort_values(
        ["_m", "data_year", "city_code"], kind="stable"
    )
    return out[cols].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Ranks and percentiles
# --------------------------------------------------------------------------------------------


def rank_table(pc: pd.DataFrame, measure: str, year: int, *, city: str = CITY_CODE) -> pd.DataFrame:
    """One city's value, rank and percentile among Anhui's cities and all cities, one year.

    Parameters
    ----------
    pc : pandas.DataFrame
        :func:`per_capita` output.
    measure : str
        A :data:`MEASURES` id.
    year : int
    city : str
        The city (default 淮南市 340400).

    Returns
    -------
    pandas.DataFrame
        Two rows (``scope`` = ``anhui``, ``china``): ``value``, ``n`` (cities with a value),
        ``rank`` (Int64: cities strictly better + 1; for a neutral measure, strictly higher + 1),
        ``percentile`` (float64, 0–100, 100 = best; for a neutral measure the plain mid-rank
        percentile), ``median`` (float64, of the scope), ``best_city``/``best_value`` and
        ``worst_city``/``worst_value``.

    Examples
    --------
    >>> pc = pd.DataFrame({"city_code": ["340100", "340400", "340200", "110000"],
    ...                    "city_name": ["合肥市", "淮南市", "芜湖市", "北京市"],
    ...                    "province_code": ["340000"] * 3 + ["110000"], "data_year": 2023,
    ...                    "measure": "hospital_beds_per_1000", "value": [8.0, 5.0, 6.0, 5.0]})
    >>> rank_table(pc, "hospital_beds_per_1000", 2023)[["scope", "n", "rank", "percentile"]]
       scope  n  rank  percentile
    0  anhui  3     3   16.666667
    1  china  4     3   25.000000
    """
    from huainan.measures.comparators import percentile_ranks

    m = MEASURES_BY_ID[measure]
    sel = pc[(pc["measure"] == measure) & (pc["data_year"] == int(year))]
    if city not in set(sel["city_code"]):
        raise KeyError(f"city {city} has no row for {measure} in {year}")
    frame = sel[["city_code", "province_code", "value"]].rename(columns={"value": "v"})
    pr = percentile_ranks(
        frame,
        indicators=["v"],
        directions={"v": m.direction},
        units=[city],
        code="city_code",
        province="province_code",
        province_code=PROVINCE_CODE,
    )
    rows = []
    for scope, mask in (
        ("anhui", sel["province_code"] == PROVINCE_CODE),
        ("china", pd.Series(True, index=sel.index)),
    ):
        r = pr[pr["scope"] == scope].iloc[0]
        sub = sel[mask & sel["value"].notna()]
        n = int(r["n"])
        if pd.isna(r["value"]):
            rank = pd.NA
        elif m.direction == -1:
            rank = int(r["n_lower"]) + 1
        else:
            rank = n - int(r["n_lower"]) - int(r["n_equal"]) + 1
        pct = r["percentile_favourable"] if m.direction else r["percentile"]
        order = sub.sort_values("value", ascending=m.direction == -1)
        rows.append(
            {
                "scope": scope,
                "value": r["value"],
                "n": n,
                "rank": rank,
                "percentile": float(pct),
                "median": float(sub["value"].median()) if len(sub) else np.nan,
                "best_city": order["city_name"].iloc[0] if len(sub) else "",
                "best_value": float(order["value"].iloc[0]) if len(sub) else np.nan,
                "worst_city": order["city_name"].iloc[-1] if len(sub) else "",
                "worst_value": float(order["value"].iloc[-1]) if len(sub) else np.nan,
            }
        )
    out = pd.DataFrame(rows)
    out["rank"] = out["rank"].astype("Int64")
    return out


def peer_summary(
    pc: pd.DataFrame | None = None,
    *,
    measures: list[str] | None = None,
    domain: str | None = None,
    city: str = CITY_CODE,
) -> pd.DataFrame:
    """A city's position among Anhui's cities and all cities, every measure and year.

    Parameters
    ----------
    pc : pandas.DataFrame, optional
        :func:`per_capita` (default: computed from the committed table, 全市).
    measures : list of str, optional
        :data:`MEASURES` ids (default all, or those of ``domain``).
    domain : str, optional
        A plan domain id (health, education, elderly_care, culture_sports …).
    city : str

    Returns
    -------
    pandas.DataFrame
        One row per measure × year with a value for the city: ``measure``, ``measure_zh``,
        ``unit``, ``domain``, ``direction`` (int64), ``data_year`` (int64), ``value``,
        ``base``, ``base_zh``, ``rounding``, ``anhui_n``, ``anhui_rank`` (Int64),
        ``anhui_percentile``, ``anhui_median``, ``anhui_best_city``, ``anhui_best_value``,
        ``china_n``, ``china_rank``, ``china_percentile``, ``china_median``; sorted by
        :data:`MEASURES` order then year.
    """
    if pc is None:
        pc = per_capita()
    chosen = [
        m
        for m in MEASURES
        if (measures is None or m.id in measures) and (domain is None or m.domain == domain)
    ]
    rows = []
    for m in chosen:
        mine = pc[(pc["measure"] == m.id) & (pc["city_code"] == city) & pc["value"].notna()]
        for _, r in mine.sort_values("data_year").iterrows():
            ranks = rank_table(pc, m.id, int(r["data_year"]), city=city).set_index("scope")
            a, c = ranks.loc["anhui"], ranks.loc["china"]
            rows.append(
                {
                    "measure": m.id,
                    "measure_zh": m.name_zh,
                    "unit": m.unit,
                    "domain": m.domain,
                    "direction": m.direction,
                    "data_year": int(r["data_year"]),
                    "value": float(r["value"]),
                    "base": r["base"],
                    "base_zh": r["base_zh"],
                    "rounding": float(r["rounding"]),
                    "anhui_n": int(a["n"]),
                    "anhui_rank": a["rank"],
                    "anhui_percentile": float(a["percentile"]),
                    "anhui_median": float(a["median"]),
                    "anhui_best_city": a["best_city"],
                    "anhui_best_value": float(a["best_value"]),
                    "china_n": int(c["n"]),
                    "china_rank": c["rank"],
                    "china_percentile": float(c["percentile"]),
                    "china_median": float(c["median"]),
                }
            )
    out = pd.DataFrame(rows)
    if not out.empty:
        for col in ("anhui_rank", "china_rank"):
            out[col] = out[col].astype("Int64")
    return out


def plan_period_change(
    pc: pd.DataFrame | None = None,
    *,
    start: int = PLAN_BASE_YEAR,
    end: int = LATEST_YEAR,
    city: str = CITY_CODE,
) -> pd.DataFrame:
    """Change of every measure over the plan period, the city against the Anhui median.

    The change is taken from ``start`` (or the first later year with a value) to ``end`` (or
    the last earlier year with a value) — but only between two years on the **same population
    base**: when the bases differ (e.g. elderly beds 2021 on 户籍人口, 2023 on 常住人口), the rate
    change is not computed and the change of the numerator count is given instead.

    Returns
    -------
    pandas.DataFrame
        One row per measure: ``measure``, ``measure_zh``, ``unit``, ``start_year``,
        ``end_year`` (Int64), ``comparable`` (bool: same base), ``base_zh`` (of the two years, or
        ``户籍人口→常住人口``), ``value_start``, ``value_end``, ``change`` (end − start),
        ``change_pct`` (%), ``uncertainty`` (the largest error of ``change`` the printed rounding
        of the inputs allows: whole 万人 of population and pupils), ``anhui_median_change``, ``anhui_median_change_pct`` (median over the
        Anhui cities with both values), ``anhui_n``, ``rank_of_change`` (Int64, 1 = the
        largest improvement among Anhui's cities), ``count_change_pct`` /
        ``anhui_median_count_change_pct`` (the numerator's change, %, always given),
        ``note`` (str).

    Examples
    --------
    >>> ch = plan_period_change().set_index("measure")
    >>> int(ch.at["hospital_beds_per_1000", "start_year"]), bool(
    ...     ch.at["hospital_beds_per_1000", "comparable"])
    (2020, True)
    """
    if pc is None:
        pc = per_capita()
    rows = []
    anhui = pc[pc["province_code"] == PROVINCE_CODE]
    for m in MEASURES:
        mine = pc[(pc["measure"] == m.id) & (pc["city_code"] == city) & pc["value"].notna()]
        yrs = sorted(y for y in mine["data_year"] if start <= y <= end)
        if len(yrs) < 2:
            continue
        y0, y1 = yrs[0], yrs[-1]
        sub = anhui[anhui["measure"] == m.id]
        w = sub.pivot_table(index="city_code", columns="data_year", values="value")
        wn = sub.pivot_table(index="city_code", columns="data_year", values="numerator")
        bases = sub[sub["data_year"].isin([y0, y1])].groupby("data_year")["base"].first()
        comparable = bases.get(y0) == bases.get(y1)
        v0 = float(w.at[city, y0])
        v1 = float(w.at[city, y1])
        wr = sub.pivot_table(index="city_code", columns="data_year", values="rounding")
        uncertainty = abs(v0) * float(wr.at[city, y0]) + abs(v1) * float(wr.at[city, y1])
        both = w[[y0, y1]].dropna()
        d = both[y1] - both[y0]
        dpct = (both[y1] / both[y0] - 1) * 100
        nboth = wn[[y0, y1]].dropna()
        npct = (nboth[y1] / nboth[y0] - 1) * 100
        sign = m.direction if m.direction else 1
        better = (d * sign).rank(ascending=False, method="min")
        row = {
            "measure": m.id,
            "measure_zh": m.name_zh,
            "unit": m.unit,
            "start_year": y0,
            "end_year": y1,
            "comparable": bool(comparable),
            "base_zh": (
                BASES_ZH[bases[y0]]
                if comparable
                else f"{BASES_ZH[bases[y0]]}→{BASES_ZH[bases[y1]]}"
            ),
            "value_start": v0,
            "value_end": v1,
            "change": v1 - v0 if comparable else np.nan,
            "change_pct": (v1 / v0 - 1) * 100 if comparable else np.nan,
            "uncertainty": uncertainty if comparable else np.nan,
            "anhui_median_change": float(d.median()) if comparable else np.nan,
            "anhui_median_change_pct": float(dpct.median()) if comparable else np.nan,
            "anhui_n": int(len(both)),
            "rank_of_change": int(better[city]) if comparable and city in better else pd.NA,
            "count_change_pct": float(npct.get(city, np.nan)),
            "anhui_median_count_change_pct": float(npct.median()),
            "note": "" if comparable else "起止年份人口口径不同，不比较人均值变化，只给出总量变化",
        }
        rows.append(row)
    out = pd.DataFrame(rows)
    for col in ("start_year", "end_year", "rank_of_change"):
        out[col] = out[col].astype("Int64")
    return out


# --------------------------------------------------------------------------------------------
# Proxy progress (参考指标)
# --------------------------------------------------------------------------------------------

#: Label of every proxy row: a reference, not the plan indicator.
PROXY_LABEL = "参考指标"


def plan_institution_beds_2020() -> tuple[float, str]:
    """养老机构床位 at the end of 2020 as the plan's first chapter states it, and the quote.

    Read from the plan text (``data/plan/huainan_14th_fyp_public_services_plan_draft.zh.txt``).

    >>> plan_institution_beds_2020()[0]
    23127.0
    """
    from huainan.paths import plan_dir

    text = (plan_dir() / "huainan_14th_fyp_public_services_plan_draft.zh.txt").read_text(
        encoding="utf-8"
    )
    m = re.search(r"全市养老机构总数\s*(\d+)\s*家，床位\s*(\d+)\s*张", text)
    if m is None:
        raise DataValidationError("养老机构床位 (2020) not found in the plan text")
    return float(m.group(2)), m.group(0)


def physicians_jump(pc: pd.DataFrame) -> dict[str, float]:
    """Growth (%) of the 执业(助理)医师 count from 2019 to 2020: Anhui's cities (min, median,
    max) and the median of all cities — the evidence of a basis change in 2020.

    >>> j = physicians_jump(per_capita())
    >>> round(j["anhui_min"], 1), round(j["anhui_max"], 1), round(j["china_median"], 1)
    (2.5, 35.6, 4.8)
    """
    sel = pc[pc["measure"] == "physicians_per_1000"]
    w = sel.pivot_table(index="city_code", columns="data_year", values="numerator")
    growth = (w[2020] / w[2019] - 1).dropna() * 100
    anhui = growth[growth.index.isin(sel.loc[sel["province_code"] == PROVINCE_CODE, "city_code"])]
    return {
        "anhui_min": float(anhui.min()),
        "anhui_median": float(anhui.median()),
        "anhui_max": float(anhui.max()),
        "china_median": float(growth.median()),
    }


def proxy_progress(pc: pd.DataFrame | None = None, *, city: str = CITY_CODE) -> pd.DataFrame:
    """Yearbook measures close to a plan indicator, shown as 参考指标 with the basis difference.

    Returns
    -------
    pandas.DataFrame
        One row per proxy: ``label`` (参考指标), ``plan_indicator`` (id), ``plan_name``,
        ``plan_source`` (专栏2 / 专栏1 / 第一章), ``plan_baseline`` (2020, float64),
        ``plan_target`` (2025, float64 or NaN), ``plan_unit``, ``proxy_name``, ``proxy_unit``,
        ``proxy_2020`` (NaN when the yearbook has no 2020 value), ``proxy_first_year``,
        ``proxy_first``, ``proxy_latest_year``, ``proxy_latest``, ``basis_difference`` (Chinese:
        why the two differ), ``verdict`` (always "不作达标判断").
    """
    from huainan import plan

    if pc is None:
        pc = per_capita()
    ind = plan.indicators().set_index("indicator_id")
    out13 = plan.outcomes_13th().set_index("outcome_id")

    beds_2020, quote = plan_institution_beds_2020()
    jump = physicians_jump(pc)
    specs = [
        (
            "physicians_per_1000",
            "专栏2",
            float(ind.at["physicians_per_1000", "baseline"]),
            float(ind.at["physicians_per_1000", "target_value"]),
            ind.at["physicians_per_1000", "name_zh"],
            "人",
            "每千人口执业(助理)医师数",
            "人",
            _proxy_series(pc, city, measure="physicians_per_1000"),
            "年鉴取“医院、床位和医生数”表中的执业(助理)医师，人口为年鉴常住人口（2020、2023年）；"
            "规划口径为全市卫生健康统计的每千常住人口执业(助理)医师。2020年年鉴值{p2020}，"
            f"规划基期值2.5；2019→2020年安徽16市执业(助理)医师数增长{jump['anhui_min']:.0f}%—"
            f"{jump['anhui_max']:.0f}%（中位数{jump['anhui_median']:.0f}%，全国各市中位数"
            f"{jump['china_median']:.0f}%），疑有统计口径变化。",
        ),
        (
            "elderly_care_beds_total",
            "规划第一章",
            beds_2020,
            np.nan,
            "养老机构床位（2020年底）",
            "张",
            "养老机构床位数",
            "张",
            _proxy_series(pc, city, count="elderly_institution_beds"),
            f"年鉴只含养老机构床位；规划第一章“{quote}”与之同口径（2020年），而专栏2的"
            "“养老服务床位总量”（3.2万→3.5万张）还包括社区和居家养老床位，年鉴数不能代替。"
            "年鉴自2022年版（2021年数据）起才公布该项。",
        ),
        (
            "hospital_beds_per_1000",
            "专栏1（“十三五”完成情况）",
            float(out13.at["hospital_beds_per_1000", "actual_value"]),
            np.nan,
            out13.at["hospital_beds_per_1000", "name_zh"],
            "张",
            "每千人口医院床位数",
            "张",
            _proxy_series(pc, city, measure="hospital_beds_per_1000"),
            "规划为医疗卫生机构床位（含基层医疗卫生机构等），年鉴只含医院床位，"
            "故年鉴值（2020年{p2020}）低于规划的6.55。",
        ),
    ]
    rows = [_proxy_row(*spec) for spec in specs]
    out = pd.DataFrame(rows)
    for col in ("proxy_first_year", "proxy_latest_year"):
        out[col] = out[col].astype("Int64")
    return out


def _proxy_series(
    pc: pd.DataFrame, city: str, *, measure: str | None = None, count: str | None = None
) -> pd.Series:
    """One city's yearbook series by data year: a per-capita ``measure`` (resident-population
    years only, 2020 and 2023) or the ``count`` numerator of a measure."""
    if measure:  # rates: the resident-population years only (2020, 2023)
        sel = pc[
            (pc["measure"] == measure) & (pc["city_code"] == city) & (pc["base"] == "resident")
        ]
        return sel.set_index("data_year")["value"].dropna()
    sel = pc[(pc["numerator"].notna()) & (pc["city_code"] == city)]
    m = next(m for m in MEASURES if m.numerator == count)
    return sel[sel["measure"] == m.id].set_index("data_year")["numerator"].dropna()


def _proxy_row(
    pid: str,
    src: str,
    base: float,
    target: float,
    pname: str,
    punit: str,
    name: str,
    unit: str,
    s: pd.Series,
    why: str,
) -> dict:
    """One row of :func:`proxy_progress`: the plan indicator, its yearbook proxy series ``s``
    (first, 2020 and latest values) and why they differ (``{p2020}`` filled in)."""
    p2020 = s.get(PLAN_BASE_YEAR, np.nan)
    return {
        "label": PROXY_LABEL,
        "plan_indicator": pid,
        "plan_name": pname,
        "plan_source": src,
        "plan_baseline": base,
        "plan_target": target,
        "plan_unit": punit,
        "proxy_name": name,
        "proxy_unit": unit,
        "proxy_2020": float(p2020),
        "proxy_first_year": int(s.index.min()) if len(s) else pd.NA,
        "proxy_first": float(s.iloc[0]) if len(s) else np.nan,
        "proxy_latest_year": int(s.index.max()) if len(s) else pd.NA,
        "proxy_latest": float(s.iloc[-1]) if len(s) else np.nan,
        "basis_difference": why.replace("{p2020}", f"{p2020:.2f}"),
        "verdict": "不作达标判断",
    }
