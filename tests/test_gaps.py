"""Tests of huainan.measures.gaps against hand-worked values, PySAL ``inequality`` and the plan's standards.

Every expected number is worked out in the comment above it (exact fractions and logs).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from inequality.gini import Gini
from inequality.theil import Theil, TheilD

from huainan import plan
from huainan.errors import DataValidationError
from huainan.measures import gaps

LN2, LN3 = math.log(2), math.log(3)
NUMERIC = [c for c in gaps.FIELDS if c != "note"]


def approx(x):
    return pytest.approx(x, rel=1e-12, abs=1e-15)


# ---------------------------------------------------------------------------------------------
# disparity(): hand-worked examples
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def four():
    # y = (1, 1, 2, 4), equal weights, groups a = {1, 1}, b = {2, 4}
    return pd.DataFrame({"y": [1.0, 1.0, 2.0, 4.0], "g": ["a", "a", "b", "b"]})


def test_unweighted_four_regions_every_measure(four):
    r = gaps.disparity(four, value="y", group="g")
    assert (r["n"], r["n_missing"], r["n_zero"], r["n_groups"]) == (4, 0, 0, 2)
    # mean = 8/4 = 2; range = 4 − 1 = 3; ratio = 4/1
    assert r["mean"] == 2 and r["mean_weighted"] == approx(2.0)
    assert (r["min"], r["max"], r["range"], r["max_min_ratio"]) == (1, 4, 3, 4)
    # deviations −1, −1, 0, 2 → Σd² = 6, var = 6/4 (ddof 0), CV = √1.5 / 2 = √6/4
    assert r["cv"] == approx(math.sqrt(6) / 4)
    assert r["cv_weighted"] == approx(math.sqrt(6) / 4)
    # unordered |differences|: 0,1,3,1,3,2 → 10; ordered 20; G = 20 / (2·4²·2) = 5/16
    assert r["gini"] == approx(5 / 16)
    assert r["gini_weighted"] == approx(5 / 16)
    # s = y/8 = (1/8, 1/8, 1/4, 1/2), p = 1/4:
    # T = 2·(1/8)ln(1/2) + (1/4)ln1 + (1/2)ln2 = ln2/4
    assert r["theil_t"] == approx(LN2 / 4)
    # L = (1/4)[ln2 + ln2 + 0 + ln(1/2)] = ln2/4
    assert r["theil_l"] == approx(LN2 / 4)
    # groups: p_a = p_b = 1/2, s_a = 1/4, s_b = 3/4
    # T_B = (1/4)ln(1/2) + (3/4)ln(3/2) = (3/4)ln3 − ln2
    assert r["theil_t_between"] == approx(0.75 * LN3 - LN2)
    # T_a = 0; T_b = (1/3)ln(2/3) + (2/3)ln(4/3) = (5/3)ln2 − ln3;
    # T_W = (3/4)T_b = (5/4)ln2 − (3/4)ln3
    assert r["theil_t_within"] == approx(1.25 * LN2 - 0.75 * LN3)
    # L_B = (1/2)ln2 + (1/2)ln(2/3) = ln2 − (1/2)ln3
    assert r["theil_l_between"] == approx(LN2 - 0.5 * LN3)
    # L_b = (1/2)ln(3/2) + (1/2)ln(3/4) = (1/2)ln(9/8); L_W = (1/2)L_b = (1/2)ln3 − (3/4)ln2
    assert r["theil_l_within"] == approx(0.5 * LN3 - 0.75 * LN2)
    # shares: T_B/T = (3 ln3 − 4 ln2)/ln2 = 3 ln3/ln2 − 4
    assert r["theil_t_between_share"] == approx(3 * LN3 / LN2 - 4)
    assert r["theil_t_within_share"] == approx(5 - 3 * LN3 / LN2)
    assert r["theil_l_between_share"] == approx(4 - 2 * LN3 / LN2)
    assert r["theil_l_within_share"] == approx(2 * LN3 / LN2 - 3)
    assert r["note"] == ""


def test_population_weighted_three_regions_every_measure():
    # y = (1, 2, 4), P = (2, 1, 1) → p = (1/2, 1/4, 1/4);
    # resource P·y = (2, 2, 4) → s = (1/4, 1/4, 1/2)
    df = pd.DataFrame({"y": [1.0, 2.0, 4.0], "P": [2, 1, 1], "g": ["a", "a", "b"]})
    r = gaps.disparity(df, value="y", population="P", group="g")
    # μ = 1/2 + 2/4 + 4/4 = 2; unweighted mean 7/3
    assert r["mean_weighted"] == approx(2.0)
    assert r["mean"] == approx(7 / 3)
    # weighted: Σp(y−μ)² = (1/2)·1 + 0 + (1/4)·4 = 3/2 → CV_w = √1.5/2 = √6/4
    assert r["cv_weighted"] == approx(math.sqrt(6) / 4)
    # unweighted: deviations −4/3, −1/3, 5/3 → Σd² = 42/9, var = 14/9 → CV = (√14/3)/(7/3) = √14/7
    assert r["cv"] == approx(math.sqrt(14) / 7)
    # unweighted Gini: ordered Σ|d| = 2(1 + 3 + 2) = 12; G = 12 / (2·9·7/3) = 2/7
    assert r["gini"] == approx(2 / 7)
    # Lorenz: X = (0, 1/2, 3/4, 1), Y = (0, 1/4, 1/2, 1)
    # Σ = (1/2)(1/4) + (1/4)(3/4) + (1/4)(3/2) = 11/16 → G_w = 5/16
    assert r["gini_weighted"] == approx(5 / 16)
    # T = (1/4)ln(1/2) + (1/4)ln1 + (1/2)ln2 = ln2/4; L = (1/2)ln2 + 0 + (1/4)ln(1/2) = ln2/4
    assert r["theil_t"] == approx(LN2 / 4)
    assert r["theil_l"] == approx(LN2 / 4)
    # groups: p_a = 3/4, s_a = 1/2; p_b = 1/4, s_b = 1/2
    # T_B = (1/2)ln(2/3) + (1/2)ln2 = ln2 − (1/2)ln3
    assert r["theil_t_between"] == approx(LN2 - 0.5 * LN3)
    # T_a = (1/2)ln((1/2)/(2/3)) + (1/2)ln((1/2)/(1/3)) = (1/2)ln(9/8); T_W = (1/2)T_a
    assert r["theil_t_within"] == approx(0.25 * math.log(9 / 8))
    # L_B = (3/4)ln(3/2) + (1/4)ln(1/2) = (3/4)ln3 − ln2
    assert r["theil_l_between"] == approx(0.75 * LN3 - LN2)
    # L_a = (2/3)ln(4/3) + (1/3)ln(2/3) = (5/3)ln2 − ln3; L_W = (3/4)L_a = (5/4)ln2 − (3/4)ln3
    assert r["theil_l_within"] == approx(1.25 * LN2 - 0.75 * LN3)


def test_integer_populations_equal_replicated_units():
    # weighting by P = (2, 1, 1) is the same as listing the first unit twice: (1, 1, 2, 4)
    weighted = gaps.disparity(
        pd.DataFrame({"y": [1.0, 2.0, 4.0], "P": [2, 1, 1]}), value="y", population="P"
    )
    replicated = gaps.disparity(pd.DataFrame({"y": [1.0, 1.0, 2.0, 4.0]}), value="y")
    for m in ("mean_weighted", "cv_weighted", "gini_weighted", "theil_t", "theil_l"):
        assert weighted[m] == approx(replicated[m])


def test_weighted_gini_example_of_docstring():
    # y = (1, 2, 3), P = (1, 1, 2): X = (0, 1/4, 1/2, 1), Y = (0, 1/9, 3/9, 1)
    # Σ = (1/4)(1/9) + (1/4)(4/9) + (1/2)(12/9) = 29/36 → G_w = 7/36
    df = pd.DataFrame({"y": [3.0, 1.0, 2.0], "P": [2, 1, 1]})
    assert gaps.disparity(df, value="y", population="P")["gini_weighted"] == approx(7 / 36)


# ---------------------------------------------------------------------------------------------
# PySAL cross-check (equal populations)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("population", [None, 50_000.0])
def test_equal_populations_equal_pysal(population):
    rng = np.random.default_rng(20250101)
    y = rng.gamma(2.0, 3.0, 40)
    part = rng.choice(np.array(["district", "county", "city"]), 40)
    df = pd.DataFrame({"y": y, "g": part})
    if population is not None:
        df["P"] = population
    r = gaps.disparity(df, value="y", population="P" if population else None, group="g")
    td = TheilD(y, part)
    assert r["theil_t"] == pytest.approx(Theil(y).T, rel=1e-12)
    assert r["theil_t_between"] == pytest.approx(td.bg[0], rel=1e-12)
    assert r["theil_t_within"] == pytest.approx(td.wg[0], rel=1e-12)
    assert r["gini"] == pytest.approx(Gini(y).g, rel=1e-12)
    assert r["gini_weighted"] == pytest.approx(Gini(y).g, rel=1e-12)
    assert r["cv_weighted"] == pytest.approx(r["cv"], rel=1e-12)


def test_theil_t_with_zero_matches_pysal_limit():
    # PySAL replaces 0 by the smallest float; our 0·ln0 = 0 is that limit
    y = np.array([0.0, 1.0, 3.0, 6.0])
    r = gaps.disparity(pd.DataFrame({"y": y}), value="y")
    assert r["theil_t"] == pytest.approx(Theil(y).T, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0.01, 1000), st.integers(1, 10**6), st.sampled_from("abc")),
        min_size=2,
        max_size=25,
    )
)
def test_between_plus_within_is_total(rows):
    df = pd.DataFrame(rows, columns=["y", "P", "g"])
    r = gaps.disparity(df, value="y", population="P", group="g")
    if r["max"] - r["min"] <= gaps.EQUAL_RTOL * r["max"]:  # equal up to rounding
        assert r["theil_t"] == 0 and r["theil_l"] == 0
        return
    assert r["theil_t_between"] + r["theil_t_within"] == pytest.approx(
        r["theil_t"], rel=1e-9, abs=1e-12
    )
    assert r["theil_l_between"] + r["theil_l_within"] == pytest.approx(
        r["theil_l"], rel=1e-9, abs=1e-12
    )
    assert r["theil_t_between_share"] + r["theil_t_within_share"] == pytest.approx(1.0)
    assert 0 <= r["gini"] < 1 and 0 <= r["gini_weighted"] < 1
    # every part is a sum of non-negative terms: rounding never makes one negative
    for m in ("theil_t_between", "theil_t_within", "theil_l_between", "theil_l_within"):
        assert r[m] >= 0, m


def test_values_equal_up_to_rounding_count_as_equal():
    # found by hypothesis: 0.010000000000000002 and 0.01 differ in the last bit only; Theil T
    # came out as exactly 0.0 and the contribution share divided by it
    df = pd.DataFrame({"y": [0.010000000000000002, 0.01], "P": [1, 2], "g": ["a", "a"]})
    r = gaps.disparity(df, value="y", population="P", group="g")
    assert r["theil_t"] == 0.0 and r["cv"] == 0.0 and r["max_min_ratio"] == 1.0
    assert np.isnan(r["theil_t_between_share"])
    t = gaps.disparity_table(
        df.assign(cell="x"), value_cols=["y"], by="cell", population="P", group="g"
    )
    assert t["theil_t"].iloc[0] == 0.0 and np.isnan(t["theil_t_between_share"].iloc[0])


def test_nearly_equal_units_keep_precision():
    # y = (1, 1 + 1e-6): T = (1/2)[s1 ln(2 s1) + s2 ln(2 s2)] with s = y/Σy; for small δ,
    # T ≈ δ²/8 (second-order expansion of the Theil index: T ≈ CV²/2, CV = δ/(2 + δ) ≈ δ/2)
    d = 1e-6
    r = gaps.disparity(pd.DataFrame({"y": [1.0, 1.0 + d], "g": ["a", "b"]}), value="y", group="g")
    assert r["theil_t"] == pytest.approx(d * d / 8, rel=1e-5)
    # with one unit per group all inequality is between groups: share exactly 1 to 1e-9
    assert r["theil_t_between_share"] == pytest.approx(1.0, abs=1e-9)
    assert r["theil_t_within"] == 0.0


# ---------------------------------------------------------------------------------------------
# zeros, missing units, small n, bad input
# ---------------------------------------------------------------------------------------------


def test_a_zero_value_is_kept_and_theil_l_is_undefined():
    r = gaps.disparity(pd.DataFrame({"y": [0.0, 1.0, 3.0]}), value="y")
    assert (r["n"], r["n_zero"]) == (3, 1)
    # min 0: ratio undefined (not inf); mean = 4/3
    assert math.isnan(r["max_min_ratio"]) and r["mean"] == approx(4 / 3)
    # deviations −4/3, −1/3, 5/3 → var 14/9 → CV = (√14/3)/(4/3) = √14/4
    assert r["cv"] == approx(math.sqrt(14) / 4)
    # ordered Σ|d| = 2(1 + 3 + 2) = 12; G = 12 / (2·9·4/3) = 1/2
    assert r["gini"] == approx(0.5)
    # s = (0, 1/4, 3/4), p = 1/3: T = 0 + (1/4)ln(3/4) + (3/4)ln(9/4) = (7/4)ln3 − 2ln2
    assert r["theil_t"] == approx(1.75 * LN3 - 2 * LN2)
    assert math.isnan(r["theil_l"])
    assert "1 value(s) of 0" in r["note"] and "theil_l" in r["note"]


def test_a_group_with_only_zeros():
    # y = (0, 0, 2, 4), groups a = {0, 0}, b = {2, 4}; p = 1/4 each, s = (0, 0, 1/3, 2/3)
    df = pd.DataFrame({"y": [0.0, 0.0, 2.0, 4.0], "g": ["a", "a", "b", "b"]})
    r = gaps.disparity(df, value="y", group="g")
    # T = (1/3)ln(4/3) + (2/3)ln(8/3) = (8/3)ln2 − ln3
    assert r["theil_t"] == approx(8 / 3 * LN2 - LN3)
    # T_B = 0·ln0 + 1·ln(1/(1/2)) = ln2 ; T_W = s_b T_b = (5/3)ln2 − ln3 (group a weighs 0)
    assert r["theil_t_between"] == approx(LN2)
    assert r["theil_t_within"] == approx(5 / 3 * LN2 - LN3)
    assert math.isnan(r["theil_l"]) and math.isnan(r["theil_l_between"])
    assert math.isnan(r["theil_l_within"]) and math.isnan(r["theil_l_between_share"])
    assert "a group's values are all 0" in r["note"]


def test_every_value_zero():
    r = gaps.disparity(pd.DataFrame({"y": [0.0, 0.0, 0.0]}), value="y")
    assert r["range"] == 0 and r["n_zero"] == 3
    for m in ("max_min_ratio", "cv", "cv_weighted", "gini", "gini_weighted", "theil_t", "theil_l"):
        assert math.isnan(r[m]), m
    assert r["note"].startswith("every value is 0")


def test_all_values_equal_means_no_inequality():
    df = pd.DataFrame({"y": [2.5, 2.5, 2.5], "P": [1, 5, 9], "g": ["a", "b", "b"]})
    r = gaps.disparity(df, value="y", population="P", group="g")
    assert r["max_min_ratio"] == 1
    for m in (
        "range",
        "cv",
        "cv_weighted",
        "gini",
        "gini_weighted",
        "theil_t",
        "theil_t_between",
        "theil_t_within",
        "theil_l",
        "theil_l_between",
        "theil_l_within",
    ):
        assert r[m] == 0.0, m
    assert math.isnan(r["theil_t_between_share"]) and math.isnan(r["theil_l_within_share"])
    assert "all values equal" in r["note"]


def test_missing_units_are_left_out_and_counted_not_filled():
    df = pd.DataFrame(
        {
            "y": [1.0, np.nan, 3.0, 5.0, 2.0],
            "P": [10.0, 10.0, 10.0, np.nan, 10.0],
            "g": ["a", "a", "b", "b", None],
        }
    )
    r = gaps.disparity(df, value="y", population="P", group="g")
    # left out: row 2 (value), row 4 (population), row 5 (group) → units (1, 3) remain
    assert (r["n"], r["n_missing"]) == (2, 3)
    # mean (1 + 3)/2 = 2 (nothing imputed); G = 2·2 / (2·2²·2) = 1/4
    assert r["mean"] == 2 and r["gini"] == approx(0.25)
    assert r["note"].startswith("3 unit(s) with a missing value, population or group left out")


def test_one_unit_and_no_unit():
    one = gaps.disparity(pd.DataFrame({"y": [4.0, np.nan]}), value="y")
    assert (one["n"], one["n_missing"], one["min"], one["mean"]) == (1, 1, 4.0, 4.0)
    assert all(math.isnan(one[m]) for m in gaps.MEASURES)
    assert "only 1 unit" in one["note"]
    none = gaps.disparity(pd.DataFrame({"y": [np.nan]}), value="y")
    assert none["n"] == 0 and math.isnan(none["mean"]) and math.isnan(none["mean_weighted"])
    assert "no unit has data" in none["note"]


def test_no_group_means_no_decomposition(four):
    r = gaps.disparity(four, value="y")
    assert r["n_groups"] == 0
    assert all(math.isnan(r[m]) for m in gaps.MEASURES if "between" in m or "within" in m)
    assert r["theil_t"] == approx(LN2 / 4)
    assert r["note"] == "no group given: between/within parts not computed"


@pytest.mark.parametrize(
    "values, population, message",
    [
        ([1.0, -2.0], None, "negative value"),
        ([1.0, "abc"], None, "must be numbers"),
        ([1.0, np.inf], None, "must be finite"),
        ([1.0, 2.0], [5, 0], "population must be > 0"),
        ([1.0, 2.0], [5, -3], "population must be > 0"),
    ],
)
def test_bad_input_is_an_error_naming_the_column(values, population, message):
    df = pd.DataFrame({"y": pd.Series(values, dtype=object)})
    if population is not None:
        df["P"] = population
    with pytest.raises(DataValidationError, match=message) as err:
        gaps.disparity(df, value="y", population="P" if population is not None else None)
    assert err.value.column in ("y", "P")


def test_numeric_text_is_read_and_unknown_column_raises():
    r = gaps.disparity(pd.DataFrame({"y": ["1", "3"]}), value="y")
    assert r["gini"] == approx(0.25)
    with pytest.raises(KeyError, match="not in the frame"):
        gaps.disparity(pd.DataFrame({"y": [1.0]}), value="x")


# ---------------------------------------------------------------------------------------------
# disparity_table(): equals disparity() cell by cell
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def counties():
    rng = np.random.default_rng(7)
    n = 300
    df = pd.DataFrame(
        {
            "prov": rng.choice(["34", "32"], n),
            "pref": rng.integers(0, 40, n).astype(str),
            "P": rng.integers(20_000, 1_500_000, n).astype(float),
            "kind": rng.choice(["district", "county"], n),
        }
    )
    for k in range(4):
        v = rng.gamma(2.0, 5.0, n).round(1)
        v[rng.random(n) < 0.08] = 0.0
        v[rng.random(n) < 0.08] = np.nan
        df[f"x{k}"] = v
    df.loc[df["pref"] == "3", "x0"] = 0.0  # every value 0
    df.loc[df["pref"] == "4", "x1"] = 7.5  # all equal
    df.loc[(df["pref"] == "5") & (df["kind"] == "county"), "x2"] = 0.0  # a zero group
    df.loc[df["pref"] == "6", "x3"] = np.nan  # nothing observed
    df.loc[df.index[:4], "P"] = np.nan
    df.loc[df.index[4:6], "kind"] = None
    return df


def _assert_frames_match(table, reference):
    reference = reference.loc[table.index]
    np.testing.assert_allclose(
        table[NUMERIC].to_numpy(float), reference[NUMERIC].to_numpy(float), rtol=1e-12, atol=1e-13
    )
    assert table["note"].tolist() == reference["note"].tolist()


def test_table_equals_disparity_cell_by_cell(counties):
    cols = ["x0", "x1", "x2", "x3"]
    table = gaps.disparity_table(counties, value_cols=cols, by="pref", population="P", group="kind")
    assert table.index.names == ["indicator", "pref"] and len(table) == 4 * 40
    assert table["n"].dtype == "int64" and table["gini"].dtype == "float64"
    long = counties.melt(
        id_vars=["pref", "P", "kind"], value_vars=cols, var_name="indicator", value_name="value"
    )
    ref = long.groupby(["indicator", "pref"]).apply(
        lambda d: gaps.disparity(d, value="value", population="P", group="kind")
    )
    _assert_frames_match(table, ref)
    # the edge cells are really there
    assert table.loc[("x0", "3"), "note"].count("every value is 0") == 1
    assert table.loc[("x1", "4"), "gini_weighted"] == 0.0
    assert math.isnan(table.loc[("x2", "5"), "theil_l_between"])
    assert table.loc[("x3", "6"), "n"] == 0


def test_table_long_format_multi_by_and_no_by(counties):
    cols = ["x0", "x2"]
    long = counties.melt(
        id_vars=["prov", "pref", "P", "kind"],
        value_vars=cols,
        var_name="indicator",
        value_name="value",
    )
    wide_t = gaps.disparity_table(counties, value_cols=cols, by=["prov", "pref"])
    long_t = gaps.disparity_table(long, by=["prov", "pref"])
    assert long_t.index.names == ["indicator", "prov", "pref"]
    _assert_frames_match(long_t, wide_t)
    ref = long.groupby(["indicator", "prov", "pref"]).apply(
        lambda d: gaps.disparity(d, value="value")
    )
    _assert_frames_match(long_t, ref)
    whole = gaps.disparity_table(counties, value_cols=cols, population="P", group="kind")
    assert list(whole.index) == cols
    one = gaps.disparity(counties, value="x2", population="P", group="kind")
    np.testing.assert_allclose(
        whole.loc["x2", NUMERIC].to_numpy(float),
        one[NUMERIC].to_numpy(float),
        rtol=1e-12,
        atol=1e-13,
    )


def test_table_rejects_missing_by_and_negative_values(counties):
    bad = counties.copy()
    bad.loc[bad.index[10], "pref"] = None
    with pytest.raises(DataValidationError, match="`by` value missing"):
        gaps.disparity_table(bad, value_cols=["x0"], by="pref")
    bad = counties.copy()
    bad.loc[bad.index[3], "x1"] = -1.0
    with pytest.raises(DataValidationError, match="negative value") as err:
        gaps.disparity_table(bad, value_cols=["x0", "x1"], by="pref")
    assert err.value.column == "x1"


# ---------------------------------------------------------------------------------------------
# urban-rural gap and σ-convergence
# ---------------------------------------------------------------------------------------------


def _obs(rows):
    return pd.DataFrame(rows, columns=["region_code", "year", "area", "indicator", "value"])


def test_urban_rural_ratio_difference_and_trend():
    obs = _obs(
        [
            ("340400", 2020, "urban", "inc", 40000.0),
            ("340400", 2020, "rural", "inc", 16000.0),
            ("340400", 2021, "urban", "inc", 42000.0),
            ("340400", 2021, "rural", "inc", 17500.0),
            ("340400", 2022, "urban", "inc", 45000.0),
            ("340400", 2022, "rural", "inc", 17000.0),
            ("340400", 2023, "urban", "inc", 46000.0),
            ("340421", 2020, "urban", "inc", 30000.0),
            ("340421", 2020, "rural", "inc", 0.0),
            ("340421", 2020, "total", "inc", 99.0),
            ("340421", 2020, "urban", "other", 5.0),
        ]
    )
    g = gaps.urban_rural_gap(obs, "inc")
    city = g[g["region_code"] == "340400"].set_index("year")
    # 2020: 40000/16000 = 2.5, 40000 − 16000 = 24000
    assert city.loc[2020, "ratio"] == 2.5 and city.loc[2020, "difference"] == 24000
    # 2021: 42000/17500 = 2.4 → |ln| fell: narrowing; change 2.4 − 2.5 = −0.1
    assert city.loc[2021, "ratio"] == approx(2.4)
    assert city.loc[2021, "ratio_change"] == approx(-0.1) and city.loc[2021, "trend"] == "narrowing"
    # 2022: 45000/17000 = 2.647… > 2.4 → widening
    assert city.loc[2022, "ratio"] == approx(45 / 17) and city.loc[2022, "trend"] == "widening"
    # 2023: no rural value → kept, NaN ratio, said in note
    assert math.isnan(city.loc[2023, "ratio"])
    assert city.loc[2023, "note"] == "rural value not observed"
    fengtai = g[g["region_code"] == "340421"].iloc[0]
    # rural 0: no ratio, difference 30000
    assert math.isnan(fengtai["ratio"]) and fengtai["difference"] == 30000
    assert "ratio not computed" in fengtai["note"]


def test_urban_rural_trend_is_symmetric_around_one():
    # ratio 0.5 → 1.5: |ln 0.5| = 0.693 > |ln 1.5| = 0.405 → narrowing although the ratio rose
    obs = _obs(
        [
            ("a", 2020, "urban", "x", 1.0),
            ("a", 2020, "rural", "x", 2.0),
            ("a", 2021, "urban", "x", 3.0),
            ("a", 2021, "rural", "x", 2.0),
        ]
    )
    assert gaps.urban_rural_gap(obs, "x")["trend"].tolist()[1] == "narrowing"


def test_urban_rural_duplicates_and_unknown_indicator_raise():
    obs = _obs(
        [
            ("a", 2020, "urban", "x", 1.0),
            ("a", 2020, "urban", "x", 1.1),
            ("a", 2020, "rural", "x", 2.0),
        ]
    )
    with pytest.raises(DataValidationError, match="share region, year and area"):
        gaps.urban_rural_gap(obs, "x")
    with pytest.raises(KeyError, match="no observations"):
        gaps.urban_rural_gap(obs, "y")


def test_urban_rural_carries_sources():
    obs = _obs([("a", 2020, "urban", "x", 3.0), ("a", 2020, "rural", "x", 2.0)])
    obs["source_title"] = ["公报A", "公报B"]
    assert gaps.urban_rural_gap(obs, "x")["sources"].iloc[0] == "公报A | 公报B"


def test_sigma_convergence_direction_over_huainan_units():
    codes = ["340402", "340403", "340404", "340405", "340406", "340421", "340422"]
    # 2019: (1,1,1,1,1,3,3) … 2020: all 2 (CV 0) … 2021: 340422 missing, (1,1,1,1,1,4)
    v19 = [1, 1, 1, 1, 1, 3, 3]
    v20 = [2] * 7
    v21 = [1, 1, 1, 1, 1, 4, None]
    rows = [
        (c, y, "total", "x", v)
        for y, vals in ((2019, v19), (2020, v20), (2021, v21))
        for c, v in zip(codes, vals, strict=True)
        if v is not None
    ]
    s = gaps.sigma_convergence(_obs(rows), "x").set_index("year")
    # 2019: mean 11/7; deviations −4/7 (×5), 10/7 (×2) → Σd² = (80 + 200)/49 = 280/49,
    # var = 280/343 = 40/49 → CV = (√40/7)/(11/7) = √40/11 = 2√10/11
    assert s.loc[2019, "cv"] == approx(2 * math.sqrt(10) / 11)
    assert s.loc[2020, "cv"] == 0 and s.loc[2020, "direction"] == "narrowing"
    # 2021: 6 units (340422 missing, counted, not filled): mean 9/6 = 3/2; deviations −1/2 (×5), 5/2
    # var = (5/4 + 25/4)/6 = 5/4 → CV = (√5/2)/(3/2) = √5/3
    assert (s.loc[2021, "n"], s.loc[2021, "n_missing"]) == (6, 1)
    assert s.loc[2021, "cv"] == approx(math.sqrt(5) / 3)
    assert s.loc[2021, "direction"] == "widening"
    assert s.loc[2021, "direction_since_first"] == "widening"  # √5/3 = 0.745 > 2√10/11 = 0.575
    assert pd.isna(s.loc[2019, "direction"])
    # districts vs counties (regions.groups()): 2019 all the gap is between the groups
    # districts all 1, counties all 3 → T_W = 0, T_B = T
    assert s.loc[2019, "theil_t_within"] == approx(0.0)
    assert s.loc[2019, "theil_t_between_share"] == approx(1.0)


# ---------------------------------------------------------------------------------------------
# need-based shortfall
# ---------------------------------------------------------------------------------------------


def test_standards_are_read_from_the_plan():
    s = gaps.need_standards().set_index("standard_id")
    p = plan.projects().set_index("project_id")
    assert s.loc["nursery_places", "rate"] == p.loc["child_nursery_places", "target_value"] == 4.6
    assert s.loc["nursery_places_new_areas", "rate"] == 10
    assert s.loc["nursery_places_old_areas", "rate"] == 8
    assert s.loc["elderly_care_space_new_areas", "rate"] == 30
    assert s.loc["elderly_care_space_old_areas", "rate"] == 20
    assert s.loc["elderly_care_beds", "rate"] == 45
    assert s.loc["elderly_care_beds", "denominator"] == "pop_age_60plus"
    assert (s.loc["community_service_space", "rate"], s.loc["community_service_space", "op"]) == (
        30,
        ">",
    )
    assert set(s["denominator"]) <= set(gaps.DENOMINATORS)


def test_requirement_arithmetic():
    d = pd.DataFrame(
        {
            "region_code": ["u1", "u2", "u3"],
            "name_zh": ["甲", "乙", "丙"],
            "population": [165671.0, 730078.0, np.nan],
            "pop_age_60plus": [30000.0, 100000.0, 5.0],
            "households_family": [50000.0, 230000.0, 10.0],
        }
    )
    r = gaps.requirement(d, "nursery_places")
    # 4.6 × 165671 / 1000 = 762.0866; 4.6 × 730078 / 1000 = 3358.3588
    assert r["requirement"].tolist()[:2] == [approx(762.0866), approx(3358.3588)]
    assert math.isnan(r["requirement"].iloc[2]) and "population missing" in r["note"].iloc[2]
    beds = gaps.requirement(d, "elderly_care_beds")
    # 45 per 1,000 aged 60+: 45 × 30 = 1350 beds; 45 × 100 = 4500
    assert beds["requirement"].tolist()[:2] == [approx(1350.0), approx(4500.0)]
    space = gaps.requirement(d, "elderly_care_space_old_areas")
    # 20 m² per 100 households: 20 × 500 = 10,000 m²; 20 × 2300 = 46,000 m²
    assert space["requirement"].tolist()[:2] == [approx(10000.0), approx(46000.0)]
    assert space["unit"].iloc[0] == "平方米"
    explicit = gaps.requirement(d, rate=2.0, per=100.0, denominator="households_family")
    assert explicit["requirement"].iloc[1] == approx(4600.0)
    with pytest.raises(ValueError):
        gaps.requirement(d, "nursery_places", rate=1.0)
    with pytest.raises(KeyError, match="unknown standard"):
        gaps.requirement(d, "hospital_beds")


def test_shortfall_ranked_with_city_total():
    d = pd.DataFrame(
        {"region_code": ["a", "b", "c"], "households_family": [1000.0, 3000.0, 2000.0]}
    )
    req = gaps.requirement(d, "community_service_space")  # > 30 m² per 100 households
    # requirement: 30 × 10 = 300; 30 × 30 = 900; 30 × 20 = 600 m²
    sup = pd.DataFrame({"region_code": ["a", "b", "c"], "value": [300.0, 500.0, 800.0]})
    out = gaps.shortfall(req, sup)
    # shortfall: a 0 (borderline: the standard asks for MORE than 30), b 400, c −200 (surplus)
    assert out["region_code"].tolist() == ["b", "a", "c", "340400"]
    assert out["shortfall"].tolist() == [400.0, 0.0, -200.0, 200.0]
    assert out["status"].tolist()[:3] == ["short", "borderline", "met"]
    assert out["rank"].tolist()[:3] == [1, 2, 3] and pd.isna(out["rank"].iloc[3])
    total = out.iloc[-1]
    # total: requirement 1800, supply 1600, net shortfall 200, unmet (400 + 0 + 0) = 400
    assert (total["requirement"], total["supply"], total["unmet"]) == (1800.0, 1600.0, 400.0)
    assert total["shortfall_pct"] == approx(200 / 1800 * 100)
    assert out.loc[0, "shortfall_pct"] == approx(400 / 900 * 100)
    assert "more than" in out.loc[1, "note"]


def test_shortfall_without_supply_reports_requirement_alone():
    d = pd.DataFrame({"region_code": ["a", "b"], "population": [2000.0, 5000.0]})
    out = gaps.shortfall(gaps.requirement(d, "nursery_places"))
    # 4.6 × 2 = 9.2; 4.6 × 5 = 23 → ranked by requirement: b, a
    assert out["region_code"].tolist() == ["b", "a", "340400"]
    assert out["requirement"].tolist() == [approx(23.0), approx(9.2), approx(32.2)]
    assert out["rank_by"].iloc[0] == "requirement"
    assert (out["status"].iloc[:2] == "no supply data").all()
    assert out["supply"].isna().all() and out["shortfall"].isna().all()
    assert "requirement only" in out["note"].iloc[0]
    assert "supply missing for b, a" in out["note"].iloc[-1]


def test_shortfall_rejects_duplicate_supply():
    d = pd.DataFrame({"region_code": ["a"], "population": [1000.0]})
    sup = pd.DataFrame({"region_code": ["a", "a"], "value": [1.0, 2.0]})
    with pytest.raises(DataValidationError, match="twice"):
        gaps.shortfall(gaps.requirement(d, "nursery_places"), sup)


# ---------------------------------------------------------------------------------------------
# on the shipped statistics (data/stats)
# ---------------------------------------------------------------------------------------------


def test_census_requirement_for_the_seven_units():
    from huainan.evidence import stats

    req = gaps.census_requirement("nursery_places").set_index("region_code")
    assert len(req) == 7 and (req["denominator_year"] == 2020).all()
    # 大通区 165,671 residents × 4.6 / 1,000 = 762.0866 托位
    assert req.at["340402", "requirement"] == approx(762.0866)
    # the seven units sum to the city's census total 3,033,528 → 4.6 × 3,033.528 = 13,954.2288
    assert req["requirement"].sum() == approx(13954.2288)
    out = gaps.shortfall(gaps.census_requirement("elderly_care_beds"))
    aged = stats.census_denominators("pop_age_60plus")
    # 45 beds per 1,000 aged 60+, city total = 45 × (Σ aged 60+ of the seven units) / 1,000
    city = sum(aged[c] for c in req.index)
    assert out.iloc[-1]["requirement"] == approx(45 * city / 1000)
    assert out.iloc[-1]["region_code"] == "340400"


def test_urban_rural_gap_on_shipped_observations():
    from huainan.evidence import stats

    g = gaps.urban_rural_gap(stats.observations(), "disposable_income_per_capita")
    anhui = g[g["region_code"] == "340000"].set_index("year")
    # 2023: 47,446 / 21,144 = 2.2439; 2025: 51,737 / 23,828 = 2.1713 → narrowing
    assert anhui.loc[2023, "ratio"] == approx(47446 / 21144)
    assert anhui.loc[2025, "difference"] == 51737 - 23828
    assert anhui.loc[2025, "trend"] == "narrowing"
    # 2020: an urban figure only — the row stays, with the reason
    assert anhui.loc[2020, "note"] == "rural value not observed"
    assert anhui.loc[2023, "name_zh"] == "安徽省" and anhui.loc[2025, "sources"]


def test_disparity_table_on_anhui_counties_equals_disparity():
    from huainan.evidence import stats

    nc = stats.national_counties()
    anhui = nc[nc["province_code"] == "340000"].copy()
    anhui["group"] = np.where(anhui["unit_kind"] == "district", "district", "other")
    cols = [
        "avg_years_schooling",
        "illiteracy_rate",
        "share_age_60plus",
        "floor_area_per_person",
        "share_hh_tap_water",
        "share_senior_high_plus",
    ]
    table = gaps.disparity_table(
        anhui, value_cols=cols, by="prefecture_code", population="population", group="group"
    )
    assert len(table) == len(cols) * 16  # Anhui's 16 prefecture-level cities
    long = anhui.melt(
        id_vars=["prefecture_code", "population", "group"],
        value_vars=cols,
        var_name="indicator",
        value_name="value",
    )
    ref = long.groupby(["indicator", "prefecture_code"]).apply(
        lambda d: gaps.disparity(d, value="value", population="population", group="group")
    )
    _assert_frames_match(table, ref)
    # Huainan's seven units (prefecture 340400): schooling from 8.01 (寿县) to 10.78 (田家庵区)
    h = table.loc[("avg_years_schooling", "340400")]
    assert (h["n"], h["min"], h["max"]) == (7, 8.01, 10.78)
    assert h["range"] == approx(10.78 - 8.01) and h["max_min_ratio"] == approx(10.78 / 8.01)


def test_shortfall_converts_supply_units_exactly_or_refuses():
    from huainan.errors import UnitError

    d = pd.DataFrame({"region_code": ["a", "b"], "population": [100_000.0, 50_000.0]})
    req = gaps.requirement(d, "nursery_places")  # 460 and 230 托位 (个)
    sup = pd.DataFrame({"region_code": ["a", "b"], "value": [0.04, 250.0], "unit": ["万个", "个"]})
    out = gaps.shortfall(req, sup).set_index("region_code")
    # 0.04 万个 = 400 个 → shortfall 460 − 400 = 60; b: 230 − 250 = −20 (met)
    assert out.loc["a", "supply"] == 400.0 and out.loc["a", "shortfall"] == approx(60.0)
    assert out.loc["b", "status"] == "met"
    with pytest.raises(UnitError):
        gaps.shortfall(req, sup.assign(unit=["张", "个"]))
