"""Build ``data/stats/`` and ``data/boundaries/`` from the shared reference data.

Run ``python -m huainan.evidence.build [--shared PATH]`` (or ``huainan build-stats``). ``PATH`` is the
folder described by ``<repo>/../shared/data/README.md`` (default ``<repo>/../shared/data``). The
script is deterministic: two runs on the same inputs give byte-identical files. It validates
everything first and writes each file atomically; when a check fails nothing is written.

The census tables are read by :mod:`huainan.evidence.census` (recipes of every census measure, national
county tables); the indicator catalogue is defined in :mod:`huainan.evidence.catalog`. This module
maps the bulletin rows, assembles the long table, cross-checks sources and writes the files.

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
``city_yearbook/*.xlsx`` and ``raw/city_yearbook_budget_2019_2025.csv``
    《中国城市统计年鉴》 editions 2019–2024, every prefecture-level city, and 淮南's hand-read
    cells and 2025 budget-execution figures: :mod:`huainan.evidence.yearbook_build`.

Outputs (``data/stats/``)
-------------------------
``observations.csv``  the long table read by :func:`huainan.evidence.stats.observations`.
``indicators.csv``    the indicator catalogue (:func:`huainan.evidence.stats.indicator_catalog`).
``counties_2020.parquet`` / ``counties_2010.parquet``  national county tables
(:func:`huainan.evidence.stats.national_counties`).
``crosschecks.csv``   every comparison of two sources for the same value (agree or not).
``discrepancies.csv`` the disagreements and data errors found, each with its reason and action.
``raw_skipped.csv``   raw rows not imported, with the reason.
``city_yearbook.csv``, ``city_yearbook_sources.csv``, ``city_yearbook_checks.csv``,
``budget_2025.csv``   the yearbook table, its editions, its cross-checks; 2025 budget execution.
``../boundaries/huainan_units.geojson``  polygons of the seven units and their neighbours.
``../boundaries/anhui_prefectures.geojson``  Anhui's 16 cities, dissolved from the counties.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from huainan.atomic import write_bytes
from huainan.errors import DataValidationError
from huainan.evidence.catalog import INDICATORS, INDICATORS_BY_ID
from huainan.evidence.census import (
    DISCREPANCY_COLUMNS,
    MEASURES,
    SRC_CITY,
    SRC_T2020,
    SRC_Y2010,
    SRC_Y2020,
    Y2010_SHEET,
    Y2020_SHEET,
    Col,
    Ratio,
    Recipe,
    Source,
    Sum,
    Tud,
    Yearbook,
    age_ratio,
    check_tabulation,
    discrepancy,
    evaluate,
    fmt_value,
    match_tabulation,
    national_counties_2010,
    national_counties_2020,
    read_tabulation,
    read_yearbook,
)
from huainan.evidence.stats import AREAS, CATALOG_COLUMNS, OBS_COLUMNS, YEAR_RANGE
from huainan.paths import REPO_ROOT, data_dir
from huainan.plan.regions import CITY_CODE, COUNTRY_CODE, PROVINCE_CODE, UNIT_CODES

DEFAULT_SHARED = REPO_ROOT.parent / "shared" / "data"


# --------------------------------------------------------------------------------------------
# Catalogue frame
# --------------------------------------------------------------------------------------------


def catalog_frame() -> pd.DataFrame:
    """The catalogue as written to ``indicators.csv`` (one row per indicator, file order)."""
    wide: dict[str, list] = {}
    for m in MEASURES:
        wide.setdefault(m.indicator, []).append(
            m.column if m.area == "total" else f"{m.column} (area={m.area})"
        )
    rows = []
    for ind in INDICATORS:
        rows.append(
            {
                "id": ind.id,
                "name_zh": ind.name_zh,
                "name_en": ind.name_en,
                "unit": ind.unit,
                "domain": ind.domain,
                "direction": ind.direction,
                "kind": ind.kind,
                "max_value": ind.max_value,
                "definition": ind.definition,
                "source": ind.source,
                "national_column": "; ".join(wide.get(ind.id, [])),
                "aliases": ";".join(ind.aliases),
            }
        )
    return pd.DataFrame(rows, columns=list(CATALOG_COLUMNS))


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV with ``\\n`` line ends, no index (deterministic for the same frame).

    Written verbatim, not formula-safe: these files are the program's own inputs, read back by
    :mod:`huainan.evidence` (an apostrophe would change the notes readers show); a few notes
    start with ``+0.05% of the census…``, which Excel shows as ``#NAME?`` — open them with
    pandas or import them as text.
    """
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")


def parquet_bytes(df: pd.DataFrame) -> bytes:
    """Parquet (pyarrow, zstd) of ``df`` without the index."""
    import io

    buf = io.BytesIO()
    df.to_parquet(buf, index=False, engine="pyarrow", compression="zstd", compression_level=19)
    return buf.getvalue()


def write_files(files: dict[Path, bytes]) -> list[Path]:
    """Write every file atomically (:func:`huainan.atomic.write_bytes`).

    All contents are prepared before this is called, so a validation error never leaves a
    half-built ``data/stats``. Files whose bytes are unchanged are not rewritten.
    """
    written = []
    for path, data in sorted(files.items()):
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.read_bytes() == data:
            continue
        write_bytes(path, data)
        written.append(path)
    return written


# --------------------------------------------------------------------------------------------
# Raw bulletin rows → catalogue indicators
# --------------------------------------------------------------------------------------------

#: Raw files in the order they are read (earlier files win ties between equal sources).
RAW_FILES = (
    "census2020_huainan.csv",
    "county_bulletins_b.csv",
    "county_bulletins_a.csv",
    "city_bulletins_huainan.csv",
    "anhui_province.csv",
    "peer_plans_indicators.csv",
)

_SKIP_CHANGE = "change between two censuses or years: derivable from the two levels, not kept"
_SKIP_ECON = "economic or fiscal figure: not an indicator of the plan's nine service domains"
_SKIP_H1 = "half-year (上半年) value: not comparable with annual values"
_SKIP_SEX = "sex-specific figure: the observation schema has area total/urban/rural only"
_SKIP_REGISTERED = "registered (户籍) population basis: not comparable with resident (常住) figures"

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
    "households_collective": Skip(
        "collective households: not used (per-100-households rates use family households)"
    ),
    "population_in_collective_households": Skip("collective households: not used"),
    "population_registered": Skip(_SKIP_REGISTERED),
    "population_total": Skip(_SKIP_REGISTERED + "; 2018, before the plan period"),
    "population_household_registration_separated": Skip(
        "人户分离 population: not in the catalogue"
    ),
    "pop_share_of_city": Skip("share of the city's population: derivable from the populations"),
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
    "avg_years_schooling": Skip(
        "base population not stated (report says 总人口平均受教育年限; "
        "the 15+ and 6+ bases give different values)"
    ),
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
    "beds_social_work_institutions": Skip(
        "beds of all residential social-work institutions: "
        "not comparable with the elderly-care bed indicators"
    ),
    # housing
    "old_community_renovation_completed": "old_residential_renovation_to_date",
    "old_community_renovation_households": "old_residential_renovation_households",
    "old_community_renovation_floor_area": "old_residential_renovation_floor_area",
    "old_community_renovation_in_progress": "old_residential_renovation_in_progress",
    "old_community_renovation_planned": Skip("planned figure (2024–2025), not an observation"),
    "old_community_renovation_planned_households": Skip(
        "planned figure (2024–2025), not an observation"
    ),
    # social assistance
    "dibao_recipients": "dibao_recipients",
    "tekun_rural_recipients": "tekun_recipients",
    # economy and public finance
    "gdp": Skip(_SKIP_ECON),
    "gdp_estimate": Skip(_SKIP_ECON),
    "gdp_growth": Skip(_SKIP_ECON),
    "gdp_per_capita": Skip(_SKIP_ECON),
    "gdp_per_capita_resident": Skip(_SKIP_ECON),
    "gdp_h1": Skip(_SKIP_H1),
    "gdp_growth_h1": Skip(_SKIP_H1),
    "budget_revenue_general_h1": Skip(_SKIP_H1),
    "budget_revenue_general_growth": Skip(_SKIP_ECON),
    "livelihood_expenditure": Skip(_SKIP_ECON),
    "livelihood_expenditure_share": Skip(_SKIP_ECON),
    "livelihood_expenditure_share_general_budget": Skip(_SKIP_ECON),
    "livelihood_projects_funds_required": Skip("planned funding of 民生工程 (测算), not spending"),
    "livelihood_projects_county_matching_funds": Skip(
        "planned county matching funds, not spending"
    ),
}

#: (published unit, catalogue unit) → factor.
_UNIT_FACTORS = {
    ("万人", "人"): 10_000,
    ("万户", "户"): 10_000,
    ("万元", "元"): 10_000,
    ("人", "人/户"): 1,
    ("人", "万人"): 0.0001,
}

#: Rows skipped one by one (raw file, line) → reason. Checked against the file at build time.
RAW_ROW_SKIPS: dict[tuple[str, int], tuple[str, str]] = {
    # (file, line): (indicator as in the file, reason)
    ("city_bulletins_huainan.csv", 90): (
        "life_expectancy",
        "same announcement (2025-09-28, reference year not stated) as anhui_province.csv "
        "line 16, which records it as 2024; kept once, as 2024 (see discrepancies.csv)",
    ),
    ("city_bulletins_huainan.csv", 58): (
        "pop_age60plus",
        _SKIP_REGISTERED + "; 2018, before the plan period",
    ),
    ("city_bulletins_huainan.csv", 59): (
        "pop_share_age60plus",
        _SKIP_REGISTERED + "; 2018, before the plan period",
    ),
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
            raise DataValidationError(
                f"expected indicator {expected!r} here (RAW_ROW_SKIPS is out of date)",
                path=file,
                row=line,
                column="indicator",
                value=row["indicator"],
            )
        return Skip(reason)
    code = str(row["region_code"])
    if code == "340421M":
        return Skip(
            "毛集实验区 is inside 凤台县 and has no region code in regions.csv; its "
            "figures only explain the 凤台县 discrepancy"
        )
    if row["area"] in ("male", "female"):
        return Skip(_SKIP_SEX)
    target = RAW_MAP.get(str(row["indicator"]))
    if target is None:
        raise DataValidationError(
            "raw indicator not in RAW_MAP (map it or skip it with a reason)",
            path=file,
            row=line,
            column="indicator",
            value=row["indicator"],
        )
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
        raise DataValidationError(
            f"unit {unit!r} cannot be converted to {want!r} ({target})",
            path=file,
            row=line,
            column="unit",
            value=unit,
        )
    return target, float(factor)


# --------------------------------------------------------------------------------------------
# The long table
# --------------------------------------------------------------------------------------------


#: What the census tables' unit covers (from the city's census bulletin No. 2 and the county
#: bulletin of 凤台县), added to the note of every census row of the unit.
REGION_SCOPE = {
    "340402": "includes 淮南经济技术开发区",
    "340403": "includes 安徽淮南高新技术产业开发区",
    "340421": "凤台县 INCLUDING 毛集实验区 (as in all census tables and the city bulletin)",
}
_EXCL_MAOJI = "凤台县 WITHOUT 毛集实验区 (the county bulletin says 未含毛集试验区数据)"

_RANK_CENSUS, _RANK_CITY_TABLE, _RANK_RAW = 0, 1, 2


def _obs(
    region: str,
    year: int,
    area: str,
    indicator: str,
    value: float,
    source: Source | str,
    ref: str,
    note: str,
    rank: int,
    *,
    primary_ok: bool = True,
    precision: float = 0.0,
) -> dict:
    title = source.title if isinstance(source, Source) else source
    return {
        "region_code": region,
        "year": int(year),
        "area": area,
        "indicator": indicator,
        "unit": INDICATORS_BY_ID[indicator].unit,
        "value": float(value),
        "source": title,
        "source_ref": ref,
        "note": note,
        "_rank": rank,
        "_primary_ok": primary_ok,
        "_precision": precision,
    }


def _precision(recipe: Recipe, indicator: str) -> float:
    """Half a unit of the last printed digit of a census value (0 for exact counts and for
    ratios computed from counts): averages and percentages are printed with two decimals, the
    tabulation's fractions with four (= two decimals of a percentage)."""
    if isinstance(recipe, Col | Tud) and INDICATORS_BY_ID[indicator].kind != "count":
        return 0.005
    return 0.0


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
        raise DataValidationError(
            f"expected one row with code {code}, found {len(hit)}",
            path=yb.source.file,
            column="区划代码",
        )
    return hit


def census_rows(
    yb20: Yearbook, yb10: Yearbook, tab: pd.DataFrame, city: pd.DataFrame
) -> list[dict]:
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
                ref = (
                    f"{SRC_T2020.file.format(file=recipe.file)} (CODE {region}, column "
                    f"{recipe.col}); {SRC_T2020.url}"
                )
                if region in UNIT_CODES:
                    value = round(float(tab_by_code.at[region, recipe.col]) * recipe.scale, 6)
                    note = recipe.describe(yb20.names) + _scope(region)
                else:
                    value = math.nan
                    ref = (
                        f"{SRC_T2020.file.format(file=recipe.file)} (county-level units "
                        f"only); {SRC_T2020.url}"
                    )
                    note = (
                        "MISSING: published for county-level units only; the 2020 yearbook "
                        "table has no 16+ sample count to compute it, and a share is not "
                        "computed from county values"
                    )
                rows.append(
                    _obs(
                        region,
                        2020,
                        m.area,
                        m.indicator,
                        value,
                        SRC_T2020,
                        ref,
                        note,
                        _RANK_CENSUS,
                        precision=_precision(recipe, m.indicator),
                    )
                )
                continue
            value = _round(recipe, float(evaluate(recipe, row).iloc[0]))
            rows.append(
                _obs(
                    region,
                    2020,
                    m.area,
                    m.indicator,
                    value,
                    yb20.source,
                    _yb_ref(yb20, excel_row),
                    recipe.describe(yb20.names) + _scope(region),
                    _RANK_CENSUS,
                    precision=_precision(recipe, m.indicator),
                )
            )
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
        raise DataValidationError(
            f"expected 31 province rows, found {len(provinces)}",
            path=yb10.source.file,
            column="区划代码",
        )
    singles = [(c, _yearbook_row(yb10, c), "") for c in UNIT_CODES[:-1]]
    singles.append(
        (
            "340422",
            shou,
            "; the 2010 table lists 寿县 under 六安市 (code 341521); it moved to 淮南市 in 2015",
        )
    )
    singles.append((PROVINCE_CODE, _yearbook_row(yb10, PROVINCE_CODE), ""))
    for region, row, extra in singles:
        excel_row = int(row["excel_row"].iloc[0])
        for m in MEASURES:
            recipe = m.recipes.get(2010)
            if recipe is None:
                continue
            value = _round(recipe, float(evaluate(recipe, row).iloc[0]))
            rows.append(
                _obs(
                    region,
                    2010,
                    m.area,
                    m.indicator,
                    value,
                    yb10.source,
                    _yb_ref(yb10, excel_row),
                    recipe.describe(names) + _scope(region) + extra,
                    _RANK_CENSUS,
                    precision=_precision(recipe, m.indicator),
                )
            )
    # the city on 2020 boundaries and China: counts only, as sums of published rows
    city_2010 = city.set_index("city_code").loc[int(CITY_CODE)]
    city_pub = {
        ("population", "total"): "popu_2010",
        ("population", "urban"): "popu_urban_2010",
        ("population", "rural"): "popu_rural_2010",
        ("share_age_0_14", "total"): "age_0_14_2010",
        ("share_age_15_59", "total"): "age_15_59_2010",
        ("share_age_60plus", "total"): "age_60_2010",
        ("share_age_65plus", "total"): "age_65_2010",
    }
    groups = [
        (
            CITY_CODE,
            pd.concat([old_city, shou]),
            f"sum of the 2010 rows 淮南市 (340400, 2010 boundaries, row "
            f"{int(old_city['excel_row'].iloc[0])}) and 寿县 (341521, then in 六安市, row "
            f"{int(shou['excel_row'].iloc[0])}): the city on its 2020 boundaries",
        ),
        (
            COUNTRY_CODE,
            provinces,
            "sum of the 31 province rows (the 2010 table has no national row); 31 provinces, "
            "without 现役军人",
        ),
    ]
    for region, parts, how in groups:
        ref = (
            _yb_ref(yb10, [int(r) for r in parts["excel_row"]])
            if region == CITY_CODE
            else f"{yb10.source.file} (sheet {Y2010_SHEET}, the 31 rows with codes xx0000); "
            f"{yb10.source.url}"
        )
        for m in MEASURES:
            recipe = m.recipes.get(2010)
            if recipe is None:
                continue
            pub = city_pub.get((m.indicator, m.area)) if region == CITY_CODE else None
            if pub is not None:
                rows.append(
                    _obs(
                        region,
                        2010,
                        m.area,
                        m.indicator,
                        float(city_2010[pub]),
                        SRC_CITY,
                        f"{SRC_CITY.file} (city_code 340400, column {pub}); {SRC_CITY.url}",
                        "as published, 2020 boundaries (寿县 included)",
                        _RANK_CITY_TABLE,
                        precision=0.0 if m.indicator == "population" else 0.005,
                    )
                )
                continue
            if INDICATORS_BY_ID[m.indicator].kind == "count" and isinstance(recipe, Col | Sum):
                value = _round(Sum(recipe.cols()), float(evaluate(recipe, parts).sum()))
                rows.append(
                    _obs(
                        region,
                        2010,
                        m.area,
                        m.indicator,
                        value,
                        yb10.source,
                        ref,
                        recipe.describe(names) + "; " + how,
                        _RANK_CENSUS,
                    )
                )
            else:
                rows.append(
                    _obs(
                        region,
                        2010,
                        m.area,
                        m.indicator,
                        math.nan,
                        yb10.source,
                        ref,
                        "MISSING: not published for this territory in 2010 "
                        + (
                            "(寿县 was then in 六安市)"
                            if region == CITY_CODE
                            else "(no national row)"
                        )
                        + "; shares and averages are not computed from the parts",
                        _RANK_CENSUS,
                    )
                )
    return rows


def raw_rows(shared: Path) -> tuple[list[dict], list[dict]]:
    """Observations mapped from ``raw/*.csv`` and the list of skipped raw rows."""
    from huainan.plan.regions import regions

    known = set(regions()["code"])
    rows: list[dict] = []
    skipped: list[dict] = []
    for k, file in enumerate(RAW_FILES):
        path = shared / "raw" / file
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        with open(path, encoding="utf-8") as fh:
            if sum(1 for _ in fh) != len(df) + 1:
                raise DataValidationError(
                    "a quoted field spans lines: line numbers would be wrong", path=path
                )
        for i, row in df.iterrows():
            line = int(i) + 2
            where = f"raw/{file} line {line}"
            mapped = map_raw_row(file, line, row)
            if isinstance(mapped, Skip):
                skipped.append(
                    {
                        "file": f"raw/{file}",
                        "line": line,
                        "region_code": row.get("region_code", ""),
                        "year": row.get("year", ""),
                        "indicator": row.get("indicator", row.get("indicator_zh", "")),
                        "value": row.get("value", row.get("target_2025", "")),
                        "reason": mapped.reason,
                    }
                )
                continue
            indicator, factor = mapped
            region = str(row["region_code"])
            if region not in known:
                raise DataValidationError(
                    "unknown region code", path=path, row=line, column="region_code", value=region
                )
            year = int(row["year"])
            if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
                raise DataValidationError(
                    f"year outside {YEAR_RANGE}",
                    path=path,
                    row=line,
                    column="year",
                    value=row["year"],
                )
            text = str(row["value"]).strip()
            try:
                value = float(f"{float(text) * factor:.12g}")  # 4400 人 → 0.44 万人 exactly
            except ValueError as exc:
                raise DataValidationError(
                    "not a number", path=path, row=line, column="value", value=text
                ) from exc
            raw_note = str(row["note"]).strip()
            excl_maoji = region == "340421" and "未含毛集" in raw_note
            parts = [_EXCL_MAOJI] if excl_maoji else []
            if factor != 1 and row["unit"] != INDICATORS_BY_ID[indicator].unit:
                parts.append(f"published as {text}{row['unit']}")
            parts.append(f"{row['indicator_zh']}")
            if raw_note:
                parts.append(raw_note)
            parts.append(f"transcribed in {where}")
            rows.append(
                _obs(
                    region,
                    year,
                    row["area"],
                    indicator,
                    value,
                    str(row["source_title"]).strip(),
                    str(row["source_url"]).strip(),
                    "; ".join(parts),
                    _RANK_RAW + k,
                    primary_ok=not excl_maoji,
                    precision=0.5 * 10 ** -_decimals(text) * factor,
                )
            )
    return rows, skipped


def _dedupe_raw(rows: list[dict]) -> list[dict]:
    """Merge raw rows that repeat the same value from the same page (several raw files)."""
    out: dict[tuple, dict] = {}
    for r in rows:
        key = (r["region_code"], r["year"], r["area"], r["indicator"], r["source_ref"], r["value"])
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


def order_observations(df: pd.DataFrame) -> pd.DataFrame:
    """Sort rows (regions.csv order, catalogue order, year, area, rank) and keep OBS_COLUMNS."""
    from huainan.plan.regions import regions

    region_order = {c: i for i, c in enumerate(regions().sort_values("order")["code"])}
    ind_order = {ind.id: i for i, ind in enumerate(INDICATORS)}
    area_order = {a: i for i, a in enumerate(AREAS)}
    df = df.assign(
        _r=df["region_code"].map(region_order),
        _i=df["indicator"].map(ind_order),
        _a=df["area"].map(area_order),
    )
    df = df.sort_values(["_r", "_i", "year", "_a", "_rank", "source", "source_ref"], kind="stable")
    return df[list(OBS_COLUMNS)].reset_index(drop=True)


def observations_csv(df: pd.DataFrame) -> bytes:
    out = df.copy()
    out["value"] = out["value"].map(fmt_value)
    out["primary"] = out["primary"].map({True: "true", False: "false"})
    return csv_bytes(out)


# --------------------------------------------------------------------------------------------
# Source-level cross-checks (every county; the city table)
# --------------------------------------------------------------------------------------------


def check_city_table(
    city: pd.DataFrame, yb20: Yearbook, yb10: Yearbook
) -> tuple[list[dict], list[dict]]:
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
    checks, issues = [], []
    for year, ind, area, col, ours, tol in pairs:
        theirs = float(c[col])
        agree = abs(theirs - ours) <= tol + 1e-9
        reason = ""
        if not agree and col == "household_2010":
            reason = (
                f"the table's household_2010 ({theirs:g}) is the 2010 淮南市 figure on "
                "2010 boundaries (without 寿县; the county table prints 2.92 for "
                "340400), while its popu_2010 and age shares are on 2020 boundaries; on "
                f"2020 boundaries it is {hh_2010_new:.4f} (sum of family-household "
                "population / sum of family households of 340400 and 341521), which "
                "matches the city census bulletin (2.52 in 2020, 0.29 fewer than in 2010)"
            )
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


# --------------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------------

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
SKIPPED_COLUMNS = ("file", "line", "region_code", "year", "indicator", "value", "reason")


def build(
    shared: Path = DEFAULT_SHARED, out: Path | None = None, *, log: Callable[[str], None] = print
) -> dict[Path, bytes]:
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
    from huainan.evidence import boundaries, stats, yearbook
    from huainan.evidence.yearbook_build import build_yearbook

    shared = Path(shared)
    out = data_dir() if out is None else Path(out)
    if not (shared / "README.md").exists():
        raise FileNotFoundError(
            f"{shared} does not look like the shared data folder (README.md missing)"
        )
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
        discrepancies.append(
            discrepancy(
                "unreadable",
                region_code=u["code"],
                year=2010,
                source_a=SRC_Y2010.title,
                ref_a=f"{SRC_Y2010.file} row {u['excel_row']} column {u['column']}",
                value_a=u["text"],
                reason="cell holds two numbers run together (digitisation)",
                action="left NaN in counties_2010.parquet (not a Huainan unit)",
            )
        )

    rows = census_rows(yb20, yb10, tab, city)
    raw, skipped = raw_rows(shared)
    log(f"reading the city statistical yearbook ({shared / 'city_yearbook'})")
    yb_frames, yb_issues, yb_skipped = build_yearbook(shared, nat20)
    skipped += yb_skipped
    obs, checks, value_issues = finalize(rows + _dedupe_raw(raw))
    city_checks, city_issues = check_city_table(city, yb20, yb10)
    checks += city_checks
    discrepancies += value_issues + city_issues + list(OTHER_DISCREPANCIES) + yb_issues
    obs = order_observations(obs)

    # validate what will be written, read back exactly as huainan.evidence.stats reads it
    catalog_bytes = csv_bytes(catalog_frame())
    obs_bytes = observations_csv(obs)
    catalog_text = stats.read_csv_text(catalog_bytes)
    stats.validate_catalog(catalog_text, path="indicators.csv")
    stats.parse_observations(stats.read_csv_text(obs_bytes), catalog_text, path="observations.csv")
    for year, nat in ((2020, nat20), (2010, nat10)):
        stats.validate_national(nat, year, path=f"counties_{year}.parquet")
    yb_bytes = {name: csv_bytes(frame) for name, frame in yb_frames.items()}
    yearbook.validate_table(
        stats.read_csv_text(yb_bytes["city_yearbook.csv"]), path="city_yearbook.csv"
    )
    log(
        f"city yearbook: {len(yb_frames['city_yearbook.csv'])} rows, "
        f"{yb_frames['city_yearbook_checks.csv']['status'].eq('differ').sum()} of "
        f"{len(yb_frames['city_yearbook_checks.csv'])} cross-checks differ, "
        f"{len(yb_issues)} discrepancies"
    )
    log(
        f"observations: {len(obs)} rows ({int(obs['primary'].sum())} primary); "
        f"{len(skipped)} raw rows skipped; {len(checks)} cross-checks, "
        f"{sum(c['status'] == 'differ' for c in checks)} differ (all explained); "
        f"{len(discrepancies)} discrepancies"
    )
    for col, (n, bad) in summary.items():
        if bad:
            log(f"  tabulation vs yearbook, {col}: {bad} of {n} units differ")

    unit_polygons, prefecture_polygons = boundaries.extract_all(
        shared / "boundaries" / "china_counties_2021_aea.topojson.gz", nat20
    )
    stats_dir = out / "stats"
    files = {
        stats_dir / "observations.csv": obs_bytes,
        stats_dir / "indicators.csv": catalog_bytes,
        stats_dir / "counties_2020.parquet": parquet_bytes(nat20),
        stats_dir / "counties_2010.parquet": parquet_bytes(nat10),
        stats_dir / "crosschecks.csv": csv_bytes(
            pd.DataFrame(checks, columns=list(CROSSCHECK_COLUMNS))
        ),
        stats_dir / "discrepancies.csv": csv_bytes(
            pd.DataFrame(discrepancies, columns=list(DISCREPANCY_COLUMNS))
        ),
        stats_dir / "raw_skipped.csv": csv_bytes(
            pd.DataFrame(skipped, columns=list(SKIPPED_COLUMNS))
        ),
        out / "boundaries" / boundaries.FILE_NAME: unit_polygons,
        out / "boundaries" / boundaries.PREFECTURES_FILE: prefecture_polygons,
    }
    files.update({stats_dir / name: data for name, data in yb_bytes.items()})
    return files


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``python -m huainan.evidence.build [--shared PATH] [--out PATH]``."""
    parser = argparse.ArgumentParser(
        prog="python -m huainan.evidence.build", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help="shared data folder (default: <repo>/../shared/data)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="data folder to write (default: <repo>/data or $HUAINAN_DATA_DIR)",
    )
    args = parser.parse_args(argv)
    files = build(args.shared, args.out)
    written = write_files(files)
    for path in sorted(files):
        print(f"{'wrote    ' if path in written else 'unchanged'} {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
