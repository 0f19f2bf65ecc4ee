"""progress.assess: every status class against hand-worked numbers (METHODS §2). The evaluation
table built on it is tested in test_evaluation.py."""

import math

import pytest

from huainan.measures.progress import assess

LEVEL = dict(baseline_year=2020, target_year=2025)


def test_on_track():
    # 0.9 → 1.8 in 3 years, target 2.7 in 5 (0.9·3):
    # CAGR_obs = 2^(1/3) − 1 = 0.259921; CAGR_req = 3^(1/5) − 1 = 0.245731; R = 1.057744
    r = assess(
        baseline=0.9,
        observed=1.8,
        observed_year=2023,
        target=2.7,
        direction="higher_better",
        **LEVEL,
    )
    assert r["cagr_observed"] == pytest.approx(2 ** (1 / 3) - 1)
    assert r["cagr_required"] == pytest.approx(3 ** (1 / 5) - 1)
    assert r["ratio"] == pytest.approx(0.259921 / 0.245731, rel=1e-5)
    assert r["csi"] == pytest.approx(0.5)  # (1.8 − 0.9) / (2.7 − 0.9)
    assert r["expected"] == pytest.approx(0.9 * 3 ** (3 / 5))  # required path in 2023
    assert r["status"] == "on_track"


def test_needs_acceleration():
    # 0.9 → 2.0 (2023), target 4.6: CAGR_obs = (2/0.9)^(1/3) − 1 = 0.304956,
    # CAGR_req = (4.6/0.9)^(1/5) − 1 = 0.385808, R = 0.790434 (30-digit decimal arithmetic)
    r = assess(
        baseline=0.9,
        observed=2.0,
        observed_year=2023,
        target=4.6,
        direction="higher_better",
        **LEVEL,
    )
    assert r["ratio"] == pytest.approx(0.790434, abs=1e-6)
    assert r["csi"] == pytest.approx((2.0 - 0.9) / (4.6 - 0.9))
    assert r["status"] == "needs_acceleration"


def test_limited_progress():
    # 32 → 34 (2023), target 55: CAGR_obs = (34/32)^(1/3) − 1 = 0.020414,
    # CAGR_req = (55/32)^(1/5) − 1 = 0.114404, R = 0.178436
    r = assess(
        baseline=32,
        observed=34,
        observed_year=2023,
        target=55,
        direction="higher_better",
        op=">=",
        **LEVEL,
    )
    assert r["ratio"] == pytest.approx(0.178436, abs=1e-6)
    assert r["status"] == "limited_progress"


def test_deterioration_lower_is_better():
    # unemployment 3.1 → 3.5 (2022), target 3.0 (lower is better), d = −1:
    # CAGR_obs = (3.5/3.1)^(1/2) − 1 = 0.062563; CAGR_req = (3.0/3.1)^(1/5) − 1 = −0.006537
    # R = −1 · 0.062563 / 0.006537 = −9.57
    r = assess(
        baseline=3.1,
        observed=3.5,
        observed_year=2022,
        target=3.0,
        direction="lower_better",
        **LEVEL,
    )
    assert r["ratio"] == pytest.approx(-0.062563 / 0.006537, rel=1e-3)
    assert r["csi"] == pytest.approx(-(3.5 - 3.1) / 0.1)
    assert r["status"] == "deterioration"


def test_lower_is_better_on_track():
    # 18 → 15 (2022), target 10 lower-better: CAGR_obs = (15/18)^(1/2) − 1 = −0.087129,
    # CAGR_req = (10/18)^(1/5) − 1 = −0.110910, R = −1·(−0.087129)/0.110910 = 0.785580
    r = assess(
        baseline=18, observed=15, observed_year=2022, target=10, direction="lower_better", **LEVEL
    )
    assert r["ratio"] == pytest.approx(0.785580, abs=1e-6)
    assert r["status"] == "needs_acceleration"


def test_achieved_and_strict_bound():
    r = assess(
        baseline=2.24,
        observed=2.7,
        observed_year=2024,
        target=2.6,
        op=">",
        direction="higher_better",
        **LEVEL,
    )
    assert r["status"] == "achieved" and r["csi"] == 1.0  # capped at 1
    r = assess(
        baseline=2.24,
        observed=2.6,
        observed_year=2024,
        target=2.6,
        op=">",
        direction="higher_better",
        **LEVEL,
    )
    assert r["status"] != "achieved"  # equality does not meet a strict bound


def test_insufficient_data():
    for kwargs in (
        dict(observed=None, observed_year=None),
        dict(observed=math.nan, observed_year=2023),
    ):
        r = assess(baseline=0.9, target=4.6, direction="higher_better", **LEVEL, **kwargs)
        assert r["status"] == "insufficient_data" and math.isnan(r["ratio"])
    r = assess(
        baseline=0.9,
        observed=0.9,
        observed_year=2020,
        target=4.6,
        direction="higher_better",
        **LEVEL,
    )
    assert r["status"] == "insufficient_data"  # one point only
    r = assess(
        baseline=0.0,
        observed=1.0,
        observed_year=2022,
        target=4.6,
        direction="higher_better",
        **LEVEL,
    )
    assert r["status"] == "insufficient_data" and "positive" in r["note"]


def test_target_below_baseline_is_flagged():
    # 基本医疗保险参保率 99 → 95 (plan text): an observed 97 already meets "at least 95"
    r = assess(
        baseline=99, observed=97, observed_year=2023, target=95, direction="higher_better", **LEVEL
    )
    assert r["target_below_baseline"] and r["status"] == "achieved"


def test_target_equal_to_baseline_not_met():
    r = assess(
        baseline=100,
        observed=98,
        observed_year=2023,
        target=100,
        direction="higher_better",
        **LEVEL,
    )
    assert r["status"] == "deterioration" and math.isnan(r["ratio"])
    # 基本养老保险参保率: 2020 printed ">95", target ">95"; 95 reported for 2023 does not meet a
    # strict bound and did not move: no progress (R = 0), not "insufficient data"
    r = assess(
        baseline=95,
        observed=95,
        observed_year=2023,
        target=95,
        op=">",
        direction="higher_better",
        **LEVEL,
    )
    assert r["status"] == "limited_progress" and r["ratio"] == 0.0


def test_cumulative_against_linear_path():
    # [430] estates over 2021–2025; 274 done in 2021–2022: path = 430·2/5 = 172, R = 274/172
    r = assess(
        baseline=209,
        observed=274,
        observed_year=2022,
        target=430,
        direction="higher_better",
        cumulative=True,
        **LEVEL,
    )
    assert r["expected"] == 172.0
    assert r["ratio"] == pytest.approx(274 / 172)
    assert r["csi"] == pytest.approx(274 / 430)
    assert r["status"] == "on_track"
    # [18] 万 new jobs; 7.0 in 2021–2023: path 18·3/5 = 10.8, R = 0.648 → needs acceleration
    r = assess(
        baseline=None,
        observed=7.0,
        observed_year=2023,
        target=18,
        direction="higher_better",
        cumulative=True,
        **LEVEL,
    )
    assert r["ratio"] == pytest.approx(0.648148, abs=1e-6)
    assert r["status"] == "needs_acceleration"
    r = assess(
        baseline=None,
        observed=18.5,
        observed_year=2024,
        target=18,
        op=">=",
        direction="higher_better",
        cumulative=True,
        **LEVEL,
    )
    assert r["status"] == "achieved"


def test_bad_arguments():
    with pytest.raises(ValueError):
        assess(
            baseline=1, observed=2, observed_year=2026, target=3, direction="higher_better", **LEVEL
        )
    with pytest.raises(ValueError):
        assess(baseline=1, observed=2, observed_year=2022, target=3, direction="up", **LEVEL)


def test_rules_mutation_testing_found_unchecked():
    from huainan.measures.progress import attainment
    from huainan.plan.targets import parse_target

    # "at most 6" is met by 6 (十三五 review, lower-is-better)
    assert attainment(6.0, parse_target("≤6"), "lower_better").status == "met"
    # a target below its baseline is flagged; equal is not; five-year totals are never flagged
    kw = dict(observed=97, observed_year=2023, direction="higher_better", **LEVEL)
    assert assess(baseline=99, target=95, **kw)["target_below_baseline"]
    assert not assess(baseline=99, target=99, **kw)["target_below_baseline"]
    assert not assess(baseline=25.4, target=23, cumulative=True, **kw)["target_below_baseline"]
    # a running total beyond the five-year target: completion capped at 100 %
    r = assess(
        baseline=None,
        observed=500,
        observed_year=2025,
        target=430,
        direction="higher_better",
        cumulative=True,
        **LEVEL,
    )
    assert r["csi"] == 1.0 and r["status"] == "achieved"
    # growth rates need positive values: an observed 0 or a target of 0 gives no ratio
    for observed, target in ((0.0, 4.6), (1.0, 0.0)):
        r = assess(
            baseline=2.0,
            observed=observed,
            observed_year=2023,
            target=target,
            direction="higher_better",
            **LEVEL,
        )
        assert math.isnan(r["ratio"]) and "positive" in r["note"]
