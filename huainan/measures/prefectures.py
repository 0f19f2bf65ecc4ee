"""Regional gaps inside every prefecture-level city of China, and each city's rank among them.

The workbook's regional-gap question — how unequal are the districts and counties of a city on
the census indicators that describe public-service need? — asked of all 333 prefecture-level
groups with two or more county-level units, from the 2020 census county tables
(:func:`huainan.evidence.stats.national_counties`).

Units are those of :func:`huainan.measures.comparators.comparison_base` (districts, counties,
county-level cities; functional zones such as 开发区 are left out — one rule for every
comparison); a unit belongs to the prefecture of ``prefecture_code`` (municipalities' units to the
municipality, province-administered units such as 仙桃市 are their own group, left out here
because they have one unit). Groups for the decomposition: ``district`` (市辖区) vs ``county``
(县 and 县级市) — the split the Huainan briefs use.

Measures per prefecture × indicator: :func:`huainan.measures.gaps.disparity_table` (CV,
population-weighted CV, Gini, Theil T/L with the district/county decomposition; weights are
2020 census residents). Rank: among the prefectures with a value, by the unweighted CV,
1 = widest gap (:func:`ranks`).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from huainan.measures import comparators, gaps

#: The census indicators that describe public-service need (national-table column names):
#: ageing and children (elderly care, childcare, schooling demand), schooling attained,
#: housing amenities, urbanisation and one-person households (social assistance).
NEED_INDICATORS: tuple[str, ...] = (
    "share_age_60plus",
    "share_age_65plus",
    "old_age_dependency_ratio",
    "share_age_0_14",
    "avg_years_schooling",
    "share_college_plus",
    "illiteracy_rate",
    "urbanization_rate",
    "floor_area_per_person",
    "share_hh_tap_water",
    "share_hh_toilet",
    "share_hh_bath",
    "share_hh_kitchen",
    "share_one_person_households",
)

#: Themes of :data:`NEED_INDICATORS` (Chinese labels for the briefs).
THEMES: dict[str, str] = {
    "share_age_60plus": "人口老龄化",
    "share_age_65plus": "人口老龄化",
    "old_age_dependency_ratio": "人口老龄化",
    "share_age_0_14": "少儿人口",
    "avg_years_schooling": "受教育程度",
    "share_college_plus": "受教育程度",
    "illiteracy_rate": "受教育程度",
    "urbanization_rate": "城镇化",
    "floor_area_per_person": "住房条件",
    "share_hh_tap_water": "住房设施",
    "share_hh_toilet": "住房设施",
    "share_hh_bath": "住房设施",
    "share_hh_kitchen": "住房设施",
    "share_one_person_households": "家庭结构",
}

#: Source line of everything computed here.
SOURCE_ZH = (
    "资料来源：国家统计局《中国人口普查分县资料—2020》（分县表），"
    "第七次全国人口普查；不含开发区等功能区"
)


def _table_key() -> tuple[str, int]:
    """The national table's path and modification time: results computed from the shipped
    table are cached under it (a warm kernel running many briefs computes them once; new data
    give a new key)."""
    from huainan.evidence import stats

    path = stats.stats_dir() / "counties_2020.parquet"
    return str(path), path.stat().st_mtime_ns


def units(counties: pd.DataFrame | None = None) -> pd.DataFrame:
    """The county-level units of every prefecture, with their group and the need indicators.

    Parameters
    ----------
    counties : pandas.DataFrame, optional
        The national county table; default :func:`huainan.evidence.stats.national_counties`.

    Returns
    -------
    pandas.DataFrame
        One row per unit of :func:`huainan.measures.comparators.comparison_base`: ``code``,
        ``name``, ``province_code``, ``province_name``, ``prefecture_code``,
        ``prefecture_name``, ``unit_kind`` (str), ``group`` (``district`` | ``county``),
        ``population`` (float64, 2020 residents) and one float64 column per indicator of
        :data:`NEED_INDICATORS` (NaN where not published).
    """
    if counties is None:
        return _units_cached(_table_key()).copy()
    return _units(counties)


@lru_cache(maxsize=2)
def _units_cached(key: tuple[str, int]) -> pd.DataFrame:
    return _units(None)


def _units(counties: pd.DataFrame | None) -> pd.DataFrame:
    base = comparators.comparison_base(counties).copy()
    base["group"] = np.where(base["unit_kind"] == "district", "district", "county")
    keep = [
        "code",
        "name",
        "province_code",
        "province_name",
        "prefecture_code",
        "prefecture_name",
        "unit_kind",
        "group",
        "population",
        *NEED_INDICATORS,
    ]
    out = base[keep].reset_index(drop=True)
    for col in ("population", *NEED_INDICATORS):
        out[col] = pd.to_numeric(out[col]).astype("float64")
    return out


def prefectures(counties: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per prefecture-level group with at least two county-level units.

    Returns
    -------
    pandas.DataFrame
        ``prefecture_code``, ``prefecture_name``, ``province_code``, ``province_name`` (str),
        ``n_units``, ``n_districts``, ``n_counties`` (int64), ``population`` (float64, sum of
        the units' 2020 residents), sorted by code.

    Examples
    --------
    >>> p = prefectures()
    >>> len(p), int(p.loc[p.prefecture_code == "340400", "n_units"].iloc[0])
    (333, 7)
    """
    if counties is None:
        return _prefectures_cached(_table_key()).copy()
    return _prefectures(counties)


@lru_cache(maxsize=2)
def _prefectures_cached(key: tuple[str, int]) -> pd.DataFrame:
    return _prefectures(None)


def _prefectures(counties: pd.DataFrame | None) -> pd.DataFrame:
    u = units(counties)
    g = u.groupby("prefecture_code", sort=True)
    out = pd.DataFrame(
        {
            "prefecture_name": g["prefecture_name"].first(),
            "province_code": g["province_code"].first(),
            "province_name": g["province_name"].first(),
            "n_units": g.size().astype("int64"),
            "n_districts": (u["group"] == "district").groupby(u["prefecture_code"]).sum(),
            "n_counties": (u["group"] == "county").groupby(u["prefecture_code"]).sum(),
            "population": g["population"].sum(min_count=1),
        }
    ).reset_index()
    out[["n_districts", "n_counties"]] = out[["n_districts", "n_counties"]].astype("int64")
    return out[out["n_units"] >= 2].reset_index(drop=True)


def disparity(counties: pd.DataFrame | None = None) -> pd.DataFrame:
    """Disparity of every need indicator inside every prefecture with two or more units.

    Returns
    -------
    pandas.DataFrame
        One row per indicator × prefecture (indicators in :data:`NEED_INDICATORS` order,
        prefectures by code), columns ``indicator``, ``prefecture_code`` and the fields of
        :data:`huainan.measures.gaps.FIELDS` (population-weighted where the name says so; groups
        district/county). Computed by :func:`huainan.measures.gaps.disparity_table`.
    """
    if counties is None:
        return _disparity_cached(_table_key()).copy()
    return _disparity(counties)


@lru_cache(maxsize=2)
def _disparity_cached(key: tuple[str, int]) -> pd.DataFrame:
    return _disparity(None)


def _disparity(counties: pd.DataFrame | None) -> pd.DataFrame:
    u = units(counties)
    keep = set(prefectures(counties)["prefecture_code"])
    u = u[u["prefecture_code"].isin(keep)]
    table = gaps.disparity_table(
        u,
        value_cols=list(NEED_INDICATORS),
        by="prefecture_code",
        population="population",
        group="group",
    )
    return table.reset_index()


def ranks(table: pd.DataFrame | None = None, measure: str = "cv") -> pd.DataFrame:
    r"""Each prefecture's rank among all prefectures on each indicator's gap.

    Parameters
    ----------
    table : pandas.DataFrame, optional
        :func:`disparity` output (default: computed).
    measure : str
        The disparity measure ranked (default the unweighted CV).

    Returns
    -------
    pandas.DataFrame
        ``indicator``, ``prefecture_code``, ``value`` (the measure, float64), ``n`` (int64,
        prefectures with a value for the indicator), ``rank`` (Int64, 1 = widest gap; ties
        share the best rank: ``method="min"``; <NA> without a value) and ``percentile``
        (float64, mid-rank percentile of the value among the ``n``, 0–100, 100 = widest;
        :math:`100\,(\#\{lower\} + \tfrac12\#\{equal\}) / n`, as
        :func:`huainan.measures.comparators.percentile_ranks`).

    Examples
    --------
    >>> t = pd.DataFrame({"indicator": ["x"] * 4, "prefecture_code": list("abcd"),
    ...                   "cv": [0.1, 0.3, 0.3, np.nan]})
    >>> ranks(t)[["prefecture_code", "rank", "n", "percentile"]]
      prefecture_code  rank  n  percentile
    0               a     3  3   16.666667
    1               b     1  3   66.666667
    2               c     1  3   66.666667
    3               d  <NA>  3         NaN
    """
    t = disparity() if table is None else table
    out = t[["indicator", "prefecture_code", measure]].rename(columns={measure: "value"}).copy()
    out["value"] = out["value"].astype("float64")
    by = out.groupby("indicator", sort=False)["value"]
    out["n"] = by.transform("count").astype("int64")
    out["rank"] = by.rank(method="min", ascending=False).astype("Int64")
    low = by.rank(method="min", ascending=True) - 1
    equal = by.rank(method="max", ascending=True) - low
    out["percentile"] = 100.0 * (low + 0.5 * equal) / out["n"]
    return out.reset_index(drop=True)


def city_units(city: str, counties: pd.DataFrame | None = None) -> pd.DataFrame:
    """The county-level units of one prefecture (see :func:`units`), districts first.

    Raises
    ------
    KeyError
        If ``city`` is not a prefecture code with two or more county-level units.
    """
    city = str(check_city(city, counties)["prefecture_code"])
    u = units(counties)
    u = u[u["prefecture_code"] == city].copy()
    u["_order"] = (u["group"] == "county").astype(int)
    return u.sort_values(["_order", "code"]).drop(columns="_order").reset_index(drop=True)


def check_city(city: str, counties: pd.DataFrame | None = None) -> pd.Series:
    """Return the :func:`prefectures` row of ``city``.

    Raises
    ------
    KeyError
        If ``city`` is not the 6-digit code of a prefecture with two or more units.
    """
    p = prefectures(counties)
    hit = p[p["prefecture_code"] == str(city)]
    if hit.empty:
        raise KeyError(
            f"{city!r} is not the code of a prefecture-level city with two or more county-level "
            "units in the 2020 census county tables (GB/T 2260, e.g. 340400 淮南市)"
        )
    return hit.iloc[0]


def city_gaps(city: str, counties: pd.DataFrame | None = None) -> pd.DataFrame:
    """The need indicators' gaps inside one city, with its rank among all prefectures.

    Returns
    -------
    pandas.DataFrame
        One row per indicator of :data:`NEED_INDICATORS`: ``indicator``, the fields of
        :data:`huainan.measures.gaps.FIELDS`, ``min_unit``/``max_unit`` (names of the units
        with the lowest/highest value), ``rank`` (Int64, 1 = widest CV among ``n_cities``),
        ``n_cities`` (int64), ``percentile`` (float64, 100 = widest) and ``national_median_cv``
        (float64, median CV over the prefectures).
    """
    city = str(check_city(city, counties)["prefecture_code"])
    if counties is None:
        return _city_gaps_cached(_table_key(), city).copy()
    return _city_gaps(city, counties)


@lru_cache(maxsize=8)
def _city_gaps_cached(key: tuple[str, int], city: str) -> pd.DataFrame:
    return _city_gaps(city, None)


def _city_gaps(city: str, counties: pd.DataFrame | None) -> pd.DataFrame:
    table = disparity(counties)
    r = ranks(table)
    mine = table[table["prefecture_code"] == city].drop(columns="prefecture_code")
    mine = mine.merge(
        r[r["prefecture_code"] == city][["indicator", "rank", "n", "percentile"]].rename(
            columns={"n": "n_cities"}
        ),
        on="indicator",
    )
    mine["national_median_cv"] = mine["indicator"].map(table.groupby("indicator")["cv"].median())
    u = city_units(city, counties)
    lows, highs = [], []
    for ind in mine["indicator"]:
        have = u.dropna(subset=[ind])
        lows.append(have.loc[have[ind].idxmin(), "name"] if len(have) else pd.NA)
        highs.append(have.loc[have[ind].idxmax(), "name"] if len(have) else pd.NA)
    mine["min_unit"], mine["max_unit"] = lows, highs
    return mine.reset_index(drop=True)


def ranking_table(counties: pd.DataFrame | None = None) -> pd.DataFrame:
    r"""Every prefecture with its CV rank on each need indicator and an overall position.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`prefectures`, then ``cv_<indicator>`` (float64) and
        ``rank_<indicator>`` (Int64) per indicator, then ``mean_percentile`` (float64): the mean
        over the indicators with a value of the city's CV percentile (:func:`ranks`; 100 = the
        widest gap of all cities on every indicator) and ``overall_rank`` (Int64, 1 = highest
        ``mean_percentile``). The mean percentile is a plain summary for sorting, not a
        weighted index: each indicator counts once.
    """
    p = prefectures(counties)
    table = disparity(counties)
    r = ranks(table)
    cv = r.pivot(index="prefecture_code", columns="indicator", values="value")
    rk = r.pivot(index="prefecture_code", columns="indicator", values="rank")
    pc = r.pivot(index="prefecture_code", columns="indicator", values="percentile")
    out = p.set_index("prefecture_code")
    for ind in NEED_INDICATORS:
        out[f"cv_{ind}"] = cv[ind].astype("float64")
        out[f"rank_{ind}"] = rk[ind].astype("Int64")
    out["mean_percentile"] = pc[list(NEED_INDICATORS)].mean(axis=1)
    out["overall_rank"] = out["mean_percentile"].rank(method="min", ascending=False).astype("Int64")
    return out.reset_index().sort_values("overall_rank", kind="stable").reset_index(drop=True)
