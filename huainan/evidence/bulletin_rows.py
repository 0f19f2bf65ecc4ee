"""Bulletin rows (``raw/*.csv``) mapped to catalogue indicators for the long table.

Figures transcribed from statistical bulletins, census bulletins and press reports: each raw row
is mapped to a catalogue indicator (:data:`RAW_MAP`, with unit conversions) or skipped with a
reason (``data/stats/raw_skipped.csv``). Called by :func:`huainan.evidence.build.build`; rows are
built with :func:`huainan.evidence.census_rows._obs` so that census and bulletin rows share one shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from huainan.errors import DataValidationError
from huainan.evidence.catalog import INDICATORS_BY_ID
from huainan.evidence.census_rows import _RANK_RAW, _obs
from huainan.evidence.stats import YEAR_RANGE
from huainan.plan.regions import COUNTRY_CODE

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


_EXCL_MAOJI = "凤台县 WITHOUT 毛集实验区 (the county bulletin says 未含毛集试验区数据)"


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
