"""Tests of huainan.measures.comparators: percentile ranks on a tiny county table worked by hand, and the
peer plans' targets beside Huainan's."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from huainan.errors import DataValidationError
from huainan.measures import comparators
from huainan.paths import REPO_ROOT, data_dir


@pytest.fixture
def tiny():
    # six counties: four in Anhui (340000), two elsewhere; "x" higher is better,
    # "illit" lower is better, "size" has no direction; county c has no illit value
    return pd.DataFrame(
        {
            "code": ["a", "b", "c", "d", "e", "f"],
            "province_code": ["340000", "340000", "340000", "340000", "320000", "320000"],
            "x": [1.0, 2.0, 2.0, 4.0, 8.0, 0.5],
            "illit": [5.0, 3.0, np.nan, 3.0, 1.0, 9.0],
            "size": [2.5, 2.5, 2.5, 2.5, 2.5, 3.0],
        }
    )


def test_percentile_is_share_below_plus_half_the_ties(tiny):
    r = comparators.percentile_ranks(
        tiny, units=["b", "d"], directions={"x": 1, "illit": -1, "size": 0}
    )
    r = r.set_index(["region_code", "indicator", "scope"])
    # x, b = 2 within Anhui (1, 2, 2, 4): 1 lower, 2 equal (b and c) → (1 + 1)/4 = 50
    assert r.loc[("b", "x", "anhui"), ["n", "n_lower", "n_equal"]].tolist() == [4, 1, 2]
    assert r.loc[("b", "x", "anhui"), "percentile"] == 50.0
    # x, b within China (0.5, 1, 2, 2, 4, 8): 2 lower, 2 equal → (2 + 1)/6 = 50
    assert r.loc[("b", "x", "china"), "percentile"] == 50.0
    # x, d = 4 (unique Anhui maximum): 3 lower, 1 equal → 3.5/4 = 87.5 (never 100)
    assert r.loc[("d", "x", "anhui"), "percentile"] == 87.5
    assert r.loc[("d", "x", "anhui"), "percentile_favourable"] == 87.5
    # illit (lower better), Anhui values 5, 3, 3 (c missing → N = 3): b: 0 lower, 2 equal
    # → PR = 1/3 · 100 = 33.33; favourable = 100 − 33.33 = 66.67 (1 worse county + half the tie)
    row = r.loc[("b", "illit", "anhui")]
    assert (row["n"], row["n_lower"], row["n_equal"]) == (3, 0, 2)
    assert row["percentile"] == pytest.approx(100 / 3)
    assert row["percentile_favourable"] == pytest.approx(200 / 3)
    # illit in China (5, 3, 3, 1, 9): b has 1 lower, 2 equal → (1 + 1)/5 = 40; favourable 60
    assert r.loc[("b", "illit", "china"), "percentile"] == pytest.approx(40.0)
    assert r.loc[("b", "illit", "china"), "percentile_favourable"] == pytest.approx(60.0)
    # size: no direction → position only, favourable NaN, said in the note
    row = r.loc[("b", "size", "anhui")]
    assert row["percentile"] == 50.0 and np.isnan(row["percentile_favourable"])
    assert "position only" in row["note"]


def test_a_unit_without_value_is_not_ranked(tiny):
    r = comparators.percentile_ranks(
        tiny, units=["c"], indicators=["illit"], directions={"illit": -1}
    )
    assert r["value"].isna().all() and r["percentile"].isna().all()
    assert (r["note"] == "no value for this unit: not ranked").all()
    # the other counties are still counted: 3 in Anhui, 5 in China
    assert r["n"].tolist() == [3, 5]


def test_a_unit_outside_the_province_is_ranked_in_china_only(tiny):
    r = comparators.percentile_ranks(tiny, units=["e"], indicators=["x"], directions={"x": 1})
    anhui, china = r.iloc[0], r.iloc[1]
    assert np.isnan(anhui["percentile"]) and anhui["note"] == "unit outside this scope"
    # e = 8 is the unique national maximum of 6: (5 + 0.5)/6
    assert china["percentile"] == pytest.approx(5.5 / 6 * 100)


def test_unknown_unit_or_column_raises(tiny):
    with pytest.raises(KeyError, match="not in the county table"):
        comparators.percentile_ranks(tiny, units=["zz"], directions={})
    with pytest.raises(KeyError, match="not in the county table"):
        comparators.percentile_ranks(tiny, units=["a"], indicators=["nope"], directions={})


def test_output_order_and_dtypes(tiny):
    r = comparators.percentile_ranks(
        tiny, units=["d", "a"], indicators=["size", "x"], directions={}
    )
    assert r["region_code"].tolist() == ["d"] * 4 + ["a"] * 4
    assert r["indicator"].tolist()[:4] == ["size", "size", "x", "x"]
    assert r["scope"].tolist()[:2] == ["anhui", "china"]
    assert r["n"].dtype == "int64" and r["percentile"].dtype == "float64"


# ---------------------------------------------------------------------------------------------
# peer plans' targets
# ---------------------------------------------------------------------------------------------


def test_peer_targets_are_the_published_rows():
    p = comparators.peer_targets()
    raw_path = REPO_ROOT.parent / "shared" / "data" / "raw" / "peer_plans_indicators.csv"
    raw = pd.read_csv(raw_path, dtype=str, keep_default_na=False) if raw_path.is_file() else None
    assert len(p) == 28
    assert (p["plan"] == "national_14fyp_public_services").sum() == 22
    # Anhui's 十三五 targets are 2020 targets and are never comparable with 2025 ones
    ah = p[p["plan"] == "anhui_13fyp_basic_public_services"]
    assert (ah["target_year"] == 2020).all() and not ah["comparable"].any()
    beds = p[p["indicator_id"] == "elderly_care_beds_total"].iloc[0]
    assert beds["approximate"] and beds["target_value"] == 1000.0
    if raw is not None:  # the copy keeps the published text
        assert p["target_text"].tolist() == raw["target_2025"].tolist()
        assert p["source_url"].tolist() == raw["source_url"].tolist()


def test_side_by_side_values_and_verdicts():
    s = comparators.plan_targets_side_by_side().set_index("indicator_id")
    assert len(s) == 23
    # 托位 4.6 (Huainan) vs 4.5 (national): Huainan asks for more
    assert s.loc["nursery_places_per_1000", "huainan_vs_national"] == "higher"
    # 医师 2.55 vs 3.2 per 1,000: Huainan's target is lower than the national one
    assert s.loc["physicians_per_1000", "huainan_vs_national"] == "lower"
    # 3.4 万次 × 10,000 = 34,000 次 per 10,000 residents, against Huainan's 14,000 次
    assert s.loc["public_culture_visits_per_10k", "national_target_value"] == 34000.0
    # 95 vs >95: same number, different qualifier — said
    assert s.loc["medical_insurance_coverage", "huainan_vs_national"] == "same"
    assert "qualifiers differ" in s.loc["medical_insurance_coverage", "note"]
    # ≥55 and a plain 55 mean the same for a higher-is-better indicator (METHODS §1)
    assert s.loc["nursing_bed_share", "note"] == ""
    # totals are sizes, not levels
    assert not s.loc["elderly_care_beds_total", "comparable"]
    assert pd.isna(s.loc["elderly_care_beds_total", "huainan_vs_national"])
    assert s.loc["compulsory_education_retention", "anhui_13th_target_2020_text"] == "95"
    assert s["anhui_14th_target_text"].isna().all()
    assert "no such indicator" in s.loc["veteran_placement_rate", "note"]
    assert "Anhui average" in s.loc["senior_secondary_gross_enrolment", "note"]


@pytest.mark.parametrize(
    "column, bad, message",
    [
        ("plan", "somewhere_plan", "unknown plan"),
        ("indicator_id", "no_such_indicator", "not a 专栏2 indicator id"),
        ("unit_factor", "0", "unit_factor must be a number > 0"),
        ("target_text", "很多", "cannot read target"),
        ("approximate", "true", "approximate must be true exactly"),
    ],
)
def test_malformed_peer_file_names_line_and_column(tmp_path, monkeypatch, column, bad, message):
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    path = copy / "comparators" / "peer_plan_targets.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[4, column] = bad
    df.to_csv(path, index=False)
    monkeypatch.setenv("HUAINAN_DATA_DIR", str(copy))
    with pytest.raises(DataValidationError, match=message) as err:
        comparators.peer_targets()
    assert err.value.row == 6 and err.value.column == column


def test_percentiles_on_the_national_table_match_a_brute_force_count():
    from huainan.evidence import stats

    nc = comparators.comparison_base(stats.national_counties())
    assert set(nc["unit_kind"]) == set(comparators.COMPARISON_KINDS)  # zones left out
    r = comparators.percentile_ranks(
        indicators=["avg_years_schooling", "illiteracy_rate", "share_age_60plus"]
    )
    r = r.set_index(["region_code", "indicator", "scope"])
    # directions come from the stats catalogue
    assert r.loc[("340422", "avg_years_schooling", "china"), "direction"] == 1
    assert r.loc[("340422", "illiteracy_rate", "china"), "direction"] == -1
    assert r.loc[("340422", "share_age_60plus", "china"), "direction"] == 0
    for scope, mask in (
        ("anhui", nc["province_code"] == "340000"),
        ("china", pd.Series(True, index=nc.index)),
    ):
        values = nc.loc[mask, "illiteracy_rate"].dropna().to_numpy()
        own = nc.loc[nc["code"] == "340422", "illiteracy_rate"].item()
        below, tie = int((values < own).sum()), int((values == own).sum())
        row = r.loc[("340422", "illiteracy_rate", scope)]
        assert (row["n"], row["n_lower"], row["n_equal"]) == (len(values), below, tie)
        assert row["percentile"] == pytest.approx(100 * (below + tie / 2) / len(values))
        assert row["percentile_favourable"] == pytest.approx(100 - row["percentile"])
