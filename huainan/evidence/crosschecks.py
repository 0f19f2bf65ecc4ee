"""Cross-checks of the long table: which row is primary, and every comparison of two sources.

:func:`finalize` chooses the primary row of each (region, year, area, indicator) and compares every
bulletin value with the census value of the same key; :func:`check_city_table` compares the
prefecture table's Huainan row with the county tables. A difference is either explained
(:data:`KNOWN_DIFFERENCES`, :func:`_reason`, :data:`OTHER_DISCREPANCIES`) or stops the build.
Written to ``crosschecks.csv`` and ``discrepancies.csv`` by :func:`huainan.evidence.build.build`.
"""

from __future__ import annotations

import pandas as pd

from huainan.errors import DataValidationError
from huainan.evidence.census import SRC_CITY, SRC_T2020, SRC_Y2010, SRC_Y2020, Yearbook
from huainan.evidence.census_measures import Col, Recipe, age_ratio, evaluate
from huainan.evidence.census_rows import _RANK_RAW, _yb_ref, _yearbook_row
from huainan.evidence.discrepancies import discrepancy, fmt_value
from huainan.plan.regions import CITY_CODE, COUNTRY_CODE, PROVINCE_CODE

_XJJ_PRIMARY = (
    "谢家集区's census bulletin (初步汇总数据, 2021-08-31) gives 52,342 people with primary "
    "education and, consistently, 23,621 per 100,000; the county tables (final tabulation) give "
    "52,026 (24,276 men + 27,750 women). The bulletin's other education counts (大学 18,688, "
    "高中 34,831, 初中 89,601) equal the tables'. Cause not stated: preliminary vs final data"
)

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
        return (
            "凤台县's own census bulletin excludes 毛集实验区 (未含毛集试验区数据); the census "
            "tables and the city bulletin include it (凤台县 census 633,385 vs bulletin "
            "urban + rural 192,678 + 346,037 = 538,715: 94,670 people in 毛集, cf. its "
            "2022 resident population of 9.45万)"
        )
    if other["region_code"] == COUNTRY_CODE and other["year"] == 2020:
        text = (
            "the NBS bulletin counts the 31 provinces plus 现役军人 (1,411,778,724 − "
            "1,409,778,724 = 2,000,000 active servicemen in the population total); the "
            "census county tables cover the 31 provinces only"
        )
        if other["indicator"] in ("pop_edu_primary", "primary_per_100k"):
            text += (
                "; for primary education the gap (2,248,325 people) exceeds the 2 million "
                "servicemen, so coverage explains only part of it (preliminary vs final "
                "data is likely; not documented)"
            )
        return text
    if other["region_code"] == COUNTRY_CODE and other["year"] == 2010:
        return (
            "the NBS 2010 total (133972万) covers the 31 provinces plus 现役军人 and people "
            "whose usual residence could not be determined; the 2010 county table's 31 "
            "provinces sum to 1,332,810,869"
        )
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
        raise DataValidationError(
            "two different values for the same key and source:\n"
            + df.loc[dup, key5 + ["value"]].to_string()
        )
    df["_nan"] = df["value"].isna()
    df = df.sort_values(
        ["region_code", "year", "area", "indicator", "_nan", "_rank", "source"], kind="stable"
    ).reset_index(drop=True)
    key4 = ["region_code", "year", "area", "indicator"]
    eligible = df["_primary_ok"]
    first = df[eligible].groupby(key4, sort=False).head(1).index
    df["primary"] = df.index.isin(first)

    checks: list[dict] = []
    discrepancies: list[dict] = []
    # census tables (yearbook, tabulation, then the prefecture table) vs everything else
    census = df[(df["_rank"] < _RANK_RAW) & ~df["_nan"]].sort_values("_rank", kind="stable")
    census = census.drop_duplicates(key4).set_index(key4)
    for _, other in df[(df["_rank"] >= _RANK_RAW) & ~df["_nan"]].iterrows():
        key = tuple(other[k] for k in key4)
        if key not in census.index:
            continue
        base = census.loc[key]
        if isinstance(base, pd.DataFrame):
            base = base.iloc[0]
        base = {**base.to_dict(), **dict(zip(key4, key, strict=True))}
        tol = other["_precision"] + base["_precision"] + 1e-9
        diff = other["value"] - base["value"]
        agree = abs(diff) <= tol
        reason = "" if agree else (_reason(base, other.to_dict()) or "")
        checks.append(
            {
                "region_code": key[0],
                "year": key[1],
                "area": key[2],
                "indicator": key[3],
                "source_a": base["source"],
                "value_a": fmt_value(base["value"]),
                "source_b": other["source"],
                "ref_b": other["source_ref"],
                "value_b": fmt_value(other["value"]),
                "difference": fmt_value(round(diff, 6)),
                "tolerance": fmt_value(round(tol, 6)),
                "status": "agree" if agree else "differ",
                "reason": reason,
            }
        )
        if not agree:
            if not reason:
                raise DataValidationError(
                    f"unexplained difference for {key}: census {base['value']} vs "
                    f"{other['value']} ({other['source']}, {other['source_ref']})"
                )
            discrepancies.append(
                discrepancy(
                    "value",
                    region_code=key[0],
                    year=key[1],
                    area=key[2],
                    indicator=key[3],
                    source_a=base["source"],
                    ref_a=base["source_ref"],
                    value_a=fmt_value(base["value"]),
                    source_b=other["source"],
                    ref_b=other["source_ref"],
                    value_b=fmt_value(other["value"]),
                    reason=reason,
                    action="both kept; the census row is primary"
                    if other["_primary_ok"]
                    else "both kept; the bulletin row is not primary (different territory)",
                )
            )
    return df, checks, discrepancies


#: Why the prefecture table's household_2010 differs from the county tables (filled with the
#: table's value ``theirs`` and the value on 2020 boundaries ``ours``).
_HOUSEHOLD_2010_REASON = (
    "the table's household_2010 ({theirs:g}) is the 2010 淮南市 figure on "
    "2010 boundaries (without 寿县; the county table prints 2.92 for "
    "340400), while its popu_2010 and age shares are on 2020 boundaries; on "
    "2020 boundaries it is {ours:.4f} (sum of family-household "
    "population / sum of family households of 340400 and 341521), which "
    "matches the city census bulletin (2.52 in 2020, 0.29 fewer than in 2010)"
)


def _city_table_pairs(
    row20: pd.DataFrame, both10: pd.DataFrame, hh_2010_new: float
) -> list[tuple[int, str, str, str, float, float]]:
    """What the prefecture table's Huainan row is compared with: (year, indicator, area, its
    column, the county tables' value, tolerance). 2010 on 2020 boundaries: ``both10`` holds the
    2010 rows of 淮南市 and 寿县; ``hh_2010_new`` is their average household size."""

    def val(recipe: Recipe, rows: pd.DataFrame, total: bool = False) -> float:
        v = evaluate(recipe, rows)
        return float(v.sum() if total else v.iloc[0])

    return [
        (2020, "population", "total", "popu_2020", val(Col("pop"), row20), 0.0),
        (2020, "population", "urban", "popu_urban_2020", val(Col("urban"), row20), 0.0),
        (2020, "population", "rural", "popu_rural_2020", val(Col("rural"), row20), 0.0),
        (2020, "avg_household_size", "total", "household_2020", val(Col("hh_size"), row20), 0.005),
        (2020, "share_age_0_14", "total", "age_0_14_2020", val(Col("share_0_14"), row20), 0.01),
        (2020, "share_age_15_59", "total", "age_15_59_2020", val(age_ratio(15, 55), row20), 0.005),
        (2020, "share_age_60plus", "total", "age_60_2020", val(age_ratio(60), row20), 0.005),
        (2020, "share_age_65plus", "total", "age_65_2020", val(Col("share_65"), row20), 0.01),
        (2010, "population", "total", "popu_2010", val(Col("pop"), both10, True), 0.0),
        (2010, "population", "urban", "popu_urban_2010", val(Col("urban"), both10, True), 0.0),
        (2010, "population", "rural", "popu_rural_2010", val(Col("rural"), both10, True), 0.0),
        (2010, "avg_household_size", "total", "household_2010", hh_2010_new, 0.005),
    ]


def check_city_table(
    city: pd.DataFrame, yb20: Yearbook, yb10: Yearbook
) -> tuple[list[dict], list[dict]]:
    """Compare the prefecture table's Huainan row with the county yearbook tables."""
    c = city.set_index("city_code").loc[int(CITY_CODE)]
    row20 = _yearbook_row(yb20, CITY_CODE)
    both10 = pd.concat([_yearbook_row(yb10, CITY_CODE), _yearbook_row(yb10, "341521")])
    hh_2010_new = float(both10["hh_family_pop"].sum() / both10["hh_family"].sum())
    pairs = _city_table_pairs(row20, both10, hh_2010_new)
    checks, issues = [], []
    for year, ind, area, col, ours, tol in pairs:
        theirs = float(c[col])
        agree = abs(theirs - ours) <= tol + 1e-9
        reason = ""
        if not agree and col == "household_2010":
            reason = _HOUSEHOLD_2010_REASON.format(theirs=theirs, ours=hh_2010_new)
        ref_ours = (
            _yb_ref(yb20, int(row20["excel_row"].iloc[0]))
            if year == 2020
            else _yb_ref(yb10, [int(r) for r in both10["excel_row"]])
        )
        checks.append(
            {
                "region_code": CITY_CODE,
                "year": year,
                "area": area,
                "indicator": ind,
                "source_a": (SRC_Y2020 if year == 2020 else SRC_Y2010).title,
                "value_a": fmt_value(round(ours, 6)),
                "source_b": SRC_CITY.title,
                "ref_b": f"{SRC_CITY.file} column {col}",
                "value_b": fmt_value(theirs),
                "difference": fmt_value(round(theirs - ours, 6)),
                "tolerance": fmt_value(tol),
                "status": "agree" if agree else "differ",
                "reason": reason,
            }
        )
        if not agree:
            if not reason:
                raise DataValidationError(
                    f"city table {col} = {theirs} but the county tables give {ours}",
                    path=SRC_CITY.file,
                    column=col,
                )
            issues.append(
                discrepancy(
                    "value",
                    region_code=CITY_CODE,
                    year=year,
                    area=area,
                    indicator=ind,
                    source_a=(SRC_Y2020 if year == 2020 else SRC_Y2010).title,
                    ref_a=ref_ours,
                    value_a=fmt_value(round(ours, 6)),
                    source_b=SRC_CITY.title,
                    ref_b=f"{SRC_CITY.file} column {col}",
                    value_b=fmt_value(theirs),
                    reason=reason,
                    action="the city-table value is not used",
                )
            )
    return checks, issues


#: Discrepancies that are not a pair of values in observations.csv.
OTHER_DISCREPANCIES = (
    discrepancy(
        "year",
        region_code=PROVINCE_CODE,
        year=2024,
        indicator="life_expectancy",
        source_a="raw/anhui_province.csv line 16",
        value_a="79.3 (year 2024)",
        source_b="raw/city_bulletins_huainan.csv line 90",
        value_b="79.3 (year 2025)",
        reason="one announcement (省政府新闻办, 2025-09-28, 据初步统计) without a reference "
        "year; the two transcriptions assumed different years",
        action="kept once as 2024 (the latest complete year when announced); note says the "
        "year is assumed",
    ),
    discrepancy(
        "definition",
        indicator="children_ever_born_per_woman",
        source_a=SRC_Y2020.title,
        value_a="大通区 1.42 (15-64岁妇女平均活产子女数)",
        source_b=SRC_T2020.title,
        value_b="大通区 1.38 (family.csv FMLY_CHLD_15-64W)",
        reason="the shared README calls FMLY_CHLD_15-64W 'children ever born', but for 2,944 "
        "of 2,946 units it equals the yearbook's 平均存活子女数 (surviving children) "
        "to the last digit, not 平均活产子女数 (ever born)",
        action="children_ever_born_per_woman is the yearbook's 活产 column; the tabulation "
        "column is not used",
    ),
    discrepancy(
        "definition",
        indicator="illiteracy_rate",
        source_a=SRC_Y2020.title,
        value_a="China 3.26 (文盲占15岁及以上人口比重)",
        source_b="第七次全国人口普查公报（第六号）",
        value_b="China 2.67 (文盲率)",
        reason="different bases: the bulletins divide by the total population, the county "
        "tables by the population aged 15+ (37,704,017 / 1,409,778,724 = 2.67%)",
        action="two indicators: illiteracy_rate (15+) and illiteracy_rate_total_pop",
    ),
    discrepancy(
        "definition",
        indicator="avg_years_schooling",
        source_a=SRC_Y2020.title,
        value_a="China 9.50; 安徽 9.01; 凤台县 8.27 (aged 6+)",
        source_b="census bulletins",
        value_b="China 9.91; 安徽 9.35; 凤台县 8.71 (aged 15+)",
        reason="different base populations: the county tables' 平均受教育年限 is for people "
        "aged 6+ (their education counts sum to the population aged 6+), the "
        "bulletins' headline for people aged 15+ (and 凤台县's bulletin excludes 毛集)",
        action="two indicators: avg_years_schooling (6+) and avg_years_schooling_15plus",
    ),
)

#: Columns of ``crosschecks.csv``.
CROSSCHECK_COLUMNS = (
    "region_code",
    "year",
    "area",
    "indicator",
    "source_a",
    "value_a",
    "source_b",
    "ref_b",
    "value_b",
    "difference",
    "tolerance",
    "status",
    "reason",
)
