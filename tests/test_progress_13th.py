"""十三五 review (专栏1): attainment of every row, worked out by hand from the plan's figures."""

import math

import pytest

from huainan.measures.progress import assess_13th, attainment
from huainan.plan.targets import parse_target

# outcome_id: (hand-worked attainment, margin = d·(actual − target))
EXPECTED = {
    "compulsory_education_retention": ("met", 95.6 - 95.5),  # 95.6 ≥ 95.5 (plain = at least)
    "preschool_gross_enrolment": ("met", 93 - 90),  # 93 > 90
    "senior_secondary_gross_enrolment": ("met", 95.8 - 92),  # 95.8 > 92
    "balanced_compulsory_education_counties": ("met", 0.0),  # 100 ≥ 100
    "urban_registered_unemployment": ("met", 4.5 - 3.1),  # 3.1 < 4.5, lower is better
    "new_urban_jobs": ("met", 28.16 - 20),  # [28.16] ≥ [20], both five-year totals
    "pension_insurance_coverage": ("borderline", 0.0),  # 95 vs >95: equality on a strict bound
    "medical_insurance_coverage": ("borderline", 0.0),  # 99 vs >99
    "maternal_mortality": ("met", 18 - 3.84),  # 3.84 < 18 per 100,000
    "infant_mortality": ("met", 7 - 3.23),  # 3.23 < 7 ‰
    "under5_mortality": ("met", 9 - 4.65),  # 4.65 < 9 ‰
    "hospital_beds_per_1000": ("met", 6.55 - 6),  # 6.55 ≥ 6
    "physicians_per_1000": ("met", 2.5 - 2.32),  # 2.5 > 2.32
    "elderly_beds_per_1000_older": ("met", 0.0),  # 45 ≥ 45
    "nursing_bed_share": ("met", 32 - 30),  # 32 ≥ 30
    "destitute_centralised_support": ("met", 52.7 - 50),  # 52.7 ≥ 50
    "shantytown_renovation": ("met", 2.3209 - 2.217),  # [2.3209] ≥ [2.217] 万套
    "rural_dilapidated_housing_renovation": ("met", 1.3555 - 0.6868),  # [1.3555] ≥ [0.6868] 万户
    "radio_tv_coverage": ("met", 0.0),  # 100 ≥ 100
    "library_annual_visits": ("met", 109.1 - 108),
    "culture_centre_annual_visits": ("met", 188.9 - 187.8),
    "sports_area_per_capita": ("met", 2.24 - 1.8),
    "regular_exercisers": ("met", 0.0),  # 280 ≥ 280
    "disability_subsidy_coverage": ("met", 0.0),
    "disabled_children_compulsory_enrolment": ("met", 0.0),  # 95 ≥ 95
    "disability_rehabilitation_coverage": ("met", 99 - 80),  # 99 > 80
}


def test_every_row_of_table_1():
    a = assess_13th().set_index("outcome_id")
    assert set(a.index) == set(EXPECTED)
    for oid, (status, margin) in EXPECTED.items():
        assert a.at[oid, "attainment"] == status, oid
        assert a.at[oid, "margin"] == pytest.approx(margin, abs=1e-9), oid
    assert a["attainment"].value_counts().to_dict() == {"met": 24, "borderline": 2}
    assert "恰等于严格界限" in a.at["pension_insurance_coverage", "reason"]
    assert a.at["new_urban_jobs", "reason"].startswith("五年累计")


@pytest.mark.parametrize(
    "actual,text,direction,status",
    [
        (94.9, ">95", "higher_better", "not_met"),
        (95.0, "≥95", "higher_better", "met"),
        (4.5, "<4.5", "lower_better", "borderline"),
        (4.6, "<4.5", "lower_better", "not_met"),
        (6.1, "6", "lower_better", "not_met"),  # plain number, lower better → at most 6
        (5.9, "6", "lower_better", "met"),
        (None, "≥55", "higher_better", "no_data"),
        (math.nan, "≥55", "higher_better", "no_data"),
        (100.0, "应保尽保", "higher_better", "qualitative"),
        (96.0, "高于全省平均水平", "higher_better", "no_data"),
    ],
)
def test_attainment_classes(actual, text, direction, status):
    assert attainment(actual, parse_target(text), direction).status == status


def test_never_compares_a_single_year_with_a_five_year_total():
    with pytest.raises(ValueError, match="five-year total"):
        attainment(5.0, parse_target("[18]"), "higher_better", actual_cumulative=False)
