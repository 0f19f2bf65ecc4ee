"""What-if projections (huainan.measures.scenarios): hand-worked numbers, target semantics, capacity."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from huainan.evidence import observed
from huainan.measures import scenarios
from huainan.measures.scenarios import (
    Assumptions,
    capacity_needed,
    project_cumulative,
    project_indicators,
    project_value,
    ratio_growth,
    required_growth,
)

CITY = "340400"
OBS_COLUMNS = [
    "region_code",
    "year",
    "area",
    "indicator",
    "unit",
    "value",
    "source",
    "source_ref",
    "note",
    "origin",
]


def obs(*rows) -> pd.DataFrame:
    """Long table from (region, year, indicator, value[, unit]) tuples."""
    recs = []
    for r in rows:
        region, year, indicator, value = r[:4]
        unit = r[4] if len(r) > 4 else ""
        recs.append(
            {
                "region_code": region,
                "year": year,
                "area": "total",
                "indicator": indicator,
                "unit": unit,
                "value": float(value),
                "source": "测试来源",
                "source_ref": "test",
                "note": "",
                "origin": "monitoring",
            }
        )
    out = pd.DataFrame(recs, columns=OBS_COLUMNS)
    return out.astype({"year": "int64", "value": "float64"})


def by_id(table: pd.DataFrame) -> pd.DataFrame:
    return table.set_index("indicator_id")


# ------------------------------------------------------------------------------------------
# the formulas
# ------------------------------------------------------------------------------------------


def test_ratio_growth_of_a_per_capita_indicator():
    # supply +5 %, population −1 %: 1.05 / 0.99 − 1 = 0.060606…
    assert ratio_growth(0.05, -0.01) == pytest.approx(0.0606060606)
    # supply and population growing alike leave the ratio unchanged
    assert ratio_growth(0.02, 0.02) == pytest.approx(0.0)


def test_project_per_capita_compounds_the_ratio_growth():
    # nurses per 1,000: 3.1 in 2020, supply +3 %, population −1 %:
    # 1.03/0.99 = 1.040404; ^2 = 1.082441; ^4 = 1.171678; ^5 = 1.219018; × 3.1 = 3.77896
    got = project_value(3.1, 2020, supply_growth=0.03, population_change=-0.01, horizon=2025)
    assert got == pytest.approx(3.77896, abs=1e-5)


def test_project_starts_from_a_later_year():
    # 2.0 in 2023, +10 % a year, population flat: 2.0 × 1.1² = 2.42 in 2025
    assert project_value(2.0, 2023, supply_growth=0.10, horizon=2025) == pytest.approx(2.42)
    # a value of the target year is not moved
    assert project_value(2.6, 2025, supply_growth=0.5, population_change=0.1, horizon=2025) == 2.6


def test_project_total_ignores_population():
    # 3.2 万张, +2 %: 3.2 × 1.02^5 = 3.2 × 1.1040808 = 3.533059
    a = project_value(
        3.2, 2020, supply_growth=0.02, population_change=0.03, basis="total", horizon=2025
    )
    assert a == pytest.approx(3.533059, abs=1e-6)


def test_project_cumulative_adds_growing_yearly_amounts():
    # 274 by 2022; 120 in 2022; +10 %: 274 + 120·(1.1 + 1.21 + 1.331) = 274 + 436.92
    assert project_cumulative(274, 120, 2022, supply_growth=0.10, horizon=2025) == pytest.approx(
        710.92
    )
    # no year left: the running total itself
    assert project_cumulative(430, 100, 2025, supply_growth=0.10, horizon=2025) == 430


def test_required_growth_per_capita_and_total():
    # 2.0 (2023) → 4.6 (2025), population flat: (4.6 / 2)^(1/2) − 1 = 1.516575 − 1
    assert required_growth(2.0, 2023, 4.6, horizon=2025) == pytest.approx(0.516575, abs=1e-6)
    # with population +1 %: 1.516575 × 1.01 − 1 = 0.531741
    assert required_growth(2.0, 2023, 4.6, population_change=0.01, horizon=2025) == pytest.approx(
        0.531741, abs=1e-6
    )
    # total 3.2 → 3.5 over five years: (3.5/3.2)^(1/5) − 1 = 1.0937500^0.2 − 1 = 0.018084
    assert required_growth(3.2, 2020, 3.5, basis="total", horizon=2025) == pytest.approx(
        0.018084, abs=1e-6
    )


@pytest.mark.parametrize("basis", ["per_capita", "total"])
def test_required_growth_reaches_the_target_exactly(basis):
    g = required_growth(0.9, 2020, 4.6, population_change=-0.012, basis=basis, horizon=2025)
    p = -0.012 if basis == "per_capita" else 0.0
    assert project_value(
        0.9, 2020, supply_growth=g, population_change=p, basis=basis, horizon=2025
    ) == pytest.approx(4.6)


def test_required_growth_of_a_five_year_total():
    # 150 by 2022, 50 in 2022, target 430: 50·(q + q² + q³) = 280, q + q² + q³ = 5.6;
    # q = 1.5: 1.5 + 2.25 + 3.375 = 7.125 (too much); q = 1.3: 1.3 + 1.69 + 2.197 = 5.187;
    # the root lies between — check that it reproduces the target
    g = required_growth(150, 2022, 430, basis="cumulative", annual=50, horizon=2025)
    assert 0.3 < g < 0.5
    assert project_cumulative(150, 50, 2022, supply_growth=g, horizon=2025) == pytest.approx(
        430, abs=1e-6
    )
    # already reached: −1 (nothing more needed); no yearly amount: NaN
    assert required_growth(440, 2022, 430, basis="cumulative", annual=50, horizon=2025) == -1.0
    assert math.isnan(
        required_growth(150, 2022, 430, basis="cumulative", annual=None, horizon=2025)
    )


def test_required_growth_is_nan_without_years_or_positive_values():
    assert math.isnan(required_growth(2.0, 2030, 4.6))
    assert math.isnan(required_growth(0.0, 2020, 4.6))
    assert math.isnan(required_growth(float("nan"), 2020, 4.6))


@pytest.mark.parametrize("g, p", [(-1.0, 0.0), (0.0, -1.5), (float("inf"), 0.0)])
def test_rates_at_or_below_minus_100_percent_are_refused(g, p):
    with pytest.raises(ValueError):
        Assumptions(g, p)


def test_unknown_basis_is_refused():
    with pytest.raises(ValueError, match="basis"):
        project_value(1.0, 2020, supply_growth=0.1, basis="share")


def test_projection_bases_of_the_plan_indicators():
    ids = {
        "nursery_places_per_1000": "per_capita",
        "sports_area_per_capita": "per_capita",
        "community_service_space_per_100hh": "per_capita",
        "elderly_care_beds_total": "total",
        "old_residential_renovation": "cumulative",
        "subsidised_vocational_training": "cumulative",
        "life_expectancy": "not_modelled",
        "nursing_bed_share": "not_modelled",
    }
    for ind, basis in ids.items():
        assert scenarios.projection_basis(ind) == basis, ind


# ------------------------------------------------------------------------------------------
# every 专栏2 indicator to 2030 (the 十五五), from the latest observed value
# ------------------------------------------------------------------------------------------


def test_a_2030_projection_starts_from_the_2025_value():
    o = obs((CITY, 2025, "nursery_places_per_1000", 2.0, "个"))
    t = by_id(project_indicators(Assumptions(0.20, 0.0), observations=o))
    row = t.loc["nursery_places_per_1000"]
    assert row["start_kind"] == "observed" and row["start_year"] == 2025
    assert row["start_source"] == "测试来源"
    # 2.0 × 1.2⁵ = 2.0 × 2.48832 = 4.97664 ≥ 4.6 (the 2025 target kept for 2030)
    assert row["projected"] == pytest.approx(4.97664)
    assert (row["target_value"], row["target_source"]) == (4.6, "沿用2025年目标")
    assert row["outcome"] == "met" and row["outcome_zh"] == "预计达到"
    # (4.6 / 2)^(1/5) − 1 = 2.3^0.2 − 1 = exp(0.832909 / 5) − 1 = 0.181260
    assert row["required_growth"] == pytest.approx(0.181260, abs=1e-6)


def test_a_2030_target_typed_in_is_used():
    o = obs((CITY, 2025, "nursery_places_per_1000", 2.0, "个"))
    t = by_id(
        project_indicators(
            Assumptions(0.20, 0.0), observations=o, targets={"nursery_places_per_1000": 6.0}
        )
    )
    row = t.loc["nursery_places_per_1000"]
    # 4.97664 < 6: not reached; 3^0.2 − 1 = 0.245731 would be needed
    assert (row["target_value"], row["target_source"]) == (6.0, "用户设定")
    assert row["outcome"] == "not_met" and row["margin"] == pytest.approx(4.97664 - 6.0)
    assert row["required_growth"] == pytest.approx(0.245731, abs=1e-6)


def test_a_start_before_2025_says_so_and_compounds_over_the_extra_years():
    # 2.0 in 2023, +10 %, population −1 %: (1.1 / 0.99)^7 = 1.111111^7 = 2.090752 → 4.181504
    o = obs((CITY, 2023, "nursery_places_per_1000", 2.0, "个"))
    row = by_id(project_indicators(Assumptions(0.10, -0.01), observations=o)).loc[
        "nursery_places_per_1000"
    ]
    assert row["start_year"] == 2023
    assert row["projected"] == pytest.approx(2.0 * (1.1 / 0.99) ** 7)
    assert "起点为2023年观测值（无2025年数值）" in row["note"]


def test_a_projection_from_the_baseline_is_never_a_green_verdict():
    t = by_id(project_indicators(Assumptions(0.03, -0.01), observations=obs()))
    row = t.loc["nurses_per_1000"]
    assert row["start_kind"] == "baseline" and row["start_year"] == 2020
    assert row["start_value"] == 3.1
    # 3.1 × (1.03 / 0.99)^10 = 3.1 × 1.486005 = 4.606616 — above 3.15, yet only indicative
    assert row["projected"] == pytest.approx(3.1 * (1.03 / 0.99) ** 10)
    assert row["outcome"] == "indicative" and row["margin"] > 0
    assert row["outcome_zh"] == "仅有2020年基期值，推算仅供参考"
    assert "推算仅供参考" in row["note"]


def test_a_strict_target_met_only_with_equality_is_borderline():
    # sports area per capita, target ">2.6": exactly 2.6 in 2030 is not more than 2.6
    o = obs((CITY, 2025, "sports_area_per_capita", 2.6, "平方米"))
    row = by_id(project_indicators(Assumptions(0.0, 0.0), observations=o)).loc[
        "sports_area_per_capita"
    ]
    assert row["projected"] == 2.6
    assert row["outcome"] == "borderline"


def test_indicators_not_projected_say_why():
    t = by_id(project_indicators(Assumptions(0.05, 0.0), observations=obs()))
    assert t.loc["life_expectancy", "outcome"] == "not_modelled"
    assert math.isnan(t.loc["life_expectancy", "projected"])
    assert t.loc["orphan_support_coverage", "outcome"] == "qualitative"
    # five-year totals need the 十四五 amounts: none reported
    row = t.loc["old_residential_renovation"]
    assert row["outcome"] == "no_data" and row["start_kind"] == "none"
    # no baseline published and nothing reported
    assert t.loc["community_service_space_per_100hh", "outcome"] == "no_data"
    assert len(t) == 23


def test_the_15th_plan_total_from_a_running_total_uses_the_average_pace():
    # 274 estates by 2022 (running total, no single-year figure): 137 a year on average;
    # flat: 2026–2030 = 5 × 137 = 685 ≥ 430 (the 十四五 total kept as the 十五五 target)
    o = obs((CITY, 2022, "old_residential_renovation_to_date", 274, "个"))
    row = by_id(project_indicators(Assumptions(0.0, 0.0), observations=o)).loc[
        "old_residential_renovation"
    ]
    assert row["start_value"] == 274 and row["annual_amount"] == pytest.approx(137)
    assert row["projected"] == pytest.approx(685)
    assert row["outcome"] == "met"
    assert "年均完成量" in row["note"]


def test_the_15th_plan_total_from_annual_values_uses_the_latest_year():
    # 2021: 100, 2022: 120; −10 % a year from 120 (2022), counting 2026–2030 only:
    # 120·(0.9⁴ + 0.9⁵ + 0.9⁶ + 0.9⁷ + 0.9⁸) = 120·(0.6561 + 0.59049 + 0.531441 + 0.4782969
    # + 0.43046721) = 120 × 2.68679511 = 322.415413 < 430
    o = obs(
        (CITY, 2021, "old_residential_renovation", 100, "个"),
        (CITY, 2022, "old_residential_renovation", 120, "个"),
    )
    row = by_id(project_indicators(Assumptions(-0.10, 0.0), observations=o)).loc[
        "old_residential_renovation"
    ]
    assert row["start_value"] == 220 and row["annual_amount"] == 120
    assert row["projected"] == pytest.approx(322.415413)
    assert row["outcome"] == "not_met"
    # the growth that reaches 430 reproduces it
    g = row["required_growth"]
    assert project_cumulative(
        0, 120, 2022, supply_growth=g, horizon=2030, period_start=2026
    ) == pytest.approx(430, abs=1e-6)


# ------------------------------------------------------------------------------------------
# capacity each county must add by 2030
# ------------------------------------------------------------------------------------------

DENOMINATORS = pd.DataFrame(
    {
        "region_code": ["340402", "340403"],
        "name_zh": ["大通区", "田家庵区"],
        "population": [165671.0, 730078.0],
        "population_year": [2020, 2025],
        "pop_age_60plus": [36441.0, 140000.0],
        "pop_age_60plus_year": [2020, 2020],
        "households_family": [61734.0, 250000.0],
        "households_family_year": [2020, 2020],
    }
)


def test_capacity_with_reported_supply_converted_to_places():
    # 大通区 reported 0.03 万个 = 300 places (2023); population flat:
    # requirement 165,671 × 4.6 / 1,000 = 762.0866; to add 762.0866 − 300 = 462.0866
    o = obs(("340402", 2023, "nursery_places", 0.03, "万个"))
    t = capacity_needed(
        Assumptions(0.0, 0.0), "nursery_places", denominators=DENOMINATORS, observations=o
    ).set_index("region_code")
    assert t.loc["340402", "requirement"] == pytest.approx(762.0866)
    assert t.loc["340402", "supply"] == pytest.approx(300.0)
    assert t.loc["340402", "shortfall"] == pytest.approx(462.0866)
    assert t.loc["340402", "supply_year"] == 2023
    # 田家庵区 reported nothing: requirement only, never an invented supply
    assert math.isnan(t.loc["340403", "supply"])
    assert t.loc["340403", "requirement"] == pytest.approx(730078 * 4.6 / 1000)
    assert t.loc["340403", "note_zh"].startswith("未报送供给")
    # the city total cannot net supply while a unit's is missing
    assert math.isnan(t.loc[CITY, "supply"])
    assert t.loc[CITY, "requirement"] == pytest.approx((165671 + 730078) * 4.6 / 1000)


def test_capacity_carries_each_latest_denominator_forward_to_2030():
    # 大通区, 36,441 people aged 60+ (2020), −1 % a year: 0.99^10 = 0.904382;
    # 36,441 × 0.904382 = 32,956.59; × 45 / 1,000 = 1,483.05 beds
    t = capacity_needed(
        Assumptions(0.0, -0.01), "elderly_care_beds", denominators=DENOMINATORS, observations=obs()
    ).set_index("region_code")
    assert t.loc["340402", "base_value"] == 36441 and t.loc["340402", "base_year"] == 2020
    assert t.loc["340402", "denominator_value"] == pytest.approx(36441 * 0.99**10)
    assert t.loc["340402", "requirement"] == pytest.approx(36441 * 0.99**10 * 45 / 1000)
    assert "十三五" in t.loc["340402", "note_zh"]  # 45 per 1,000 is a 2020 level, said
    # 田家庵区's residents are a 2025 figure: five years to 2030, 0.99^5 = 0.950990
    n = capacity_needed(
        Assumptions(0.0, -0.01), "nurses", denominators=DENOMINATORS, observations=obs()
    ).set_index("region_code")
    assert n.loc["340403", "growth_factor"] == pytest.approx(0.99**5)
    assert n.loc["340403", "requirement"] == pytest.approx(730078 * 0.99**5 * 3.15 / 1000)


def test_capacity_for_a_2030_level_typed_in():
    # 6 托位 per 1,000 in 2030 instead of 4.6: 165,671 × 6 / 1,000 = 994.026
    t = capacity_needed(
        Assumptions(0.0, 0.0), "nursery_places", rate=6.0, denominators=DENOMINATORS,
        observations=obs(),
    ).set_index("region_code")  # fmt: skip
    assert t.loc["340402", "requirement"] == pytest.approx(994.026)
    assert "按设定的2030年水平 6（规划标准 4.6）测算" in t.loc["340402", "note_zh"]


def test_capacity_for_a_standard_without_a_reported_supply():
    # 30 m² per 100 households: 61,734 × 30 / 100 = 18,520.2 m²; "more than" is said
    t = capacity_needed(
        Assumptions(0.0, 0.0),
        "community_service_space",
        denominators=DENOMINATORS,
        observations=obs(),
    ).set_index("region_code")
    assert t.loc["340402", "requirement"] == pytest.approx(18520.2)
    assert "未报送供给" in t.loc["340402", "note_zh"]
    assert "高于" in t.loc["340402", "note_zh"]


def test_unknown_capacity_standard():
    with pytest.raises(KeyError, match="unknown standard"):
        capacity_needed(
            Assumptions(0.0, 0.0),
            "nursery_places_new_areas",
            denominators=DENOMINATORS,
            observations=obs(),
        )


def test_capacity_supply_from_a_reported_rate():
    # the template reports 每千人口托位数, not a count: 凤台县 1.7 per 1,000 in 2023, with the
    # latest population (2020 census, 633,385) and p = 0: supply = 1.7 × 633.385 = 1,076.7545;
    # requirement = 4.6 × 633.385 = 2,913.571; to add 1,836.8165
    o = pd.concat(
        [observed.all_observations(), obs(("340421", 2023, "nursery_places_per_1000", 1.7, "个"))],
        ignore_index=True,
    )
    t = capacity_needed(Assumptions(0.0, 0.0), "nursery_places", observations=o)
    row = t.set_index("region_code").loc["340421"]
    assert row["supply"] == pytest.approx(1076.7545)
    assert row["shortfall"] == pytest.approx(1836.8165)
    assert "折算" in row["note_zh"]
    assert pd.isna(t.set_index("region_code").loc["340422", "supply"])  # 寿县 reported nothing
