"""The evaluation table (huainan.measures.evaluation) and the evidence rules under it
(huainan.evidence.observed), against values worked out by hand in the comments.

Every observation here is FAKE, made by the test for the case it checks.
"""

from __future__ import annotations

import csv
import math
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from huainan.cli import app
from huainan.evidence import observed as ev
from huainan.measures import evaluation, progress
from huainan.paths import REPO_ROOT
from huainan.plan.targets import parse_target

CITY, ANHUI = "340400", "340000"


def _obs(*rows):
    """Rows (indicator, year, value[, region, origin, source, source_ref]) → a long table."""
    out = []
    for r in rows:
        ind, year, value, *rest = r
        region = rest[0] if len(rest) > 0 else CITY
        origin = rest[1] if len(rest) > 1 else "monitoring"
        source = rest[2] if len(rest) > 2 else "测试报表（FAKE）"
        ref = rest[3] if len(rest) > 3 else "fake.xlsx"
        out.append(
            dict(
                region_code=region,
                year=year,
                area="total",
                indicator=ind,
                unit="",
                value=float(value),
                source=source,
                source_ref=ref,
                note="",
                origin=origin,
            )
        )
    cols = ["region_code", "year", "area", "indicator", "unit", "value", "source", "source_ref"]
    return pd.DataFrame(out, columns=[*cols, "note", "origin"])


def _final(obs):
    return evaluation.evaluate(2025, stage="final", observations=obs).set_index("indicator_id")


# ------------------------------------------------------------------------------------------
# final verdicts on every target form of 专栏2
# ------------------------------------------------------------------------------------------

FINAL_CASES = [
    # floor "≥55", 51.89: short by 55 − 51.89 = 3.11 percentage points
    ("nursing_bed_share", 51.89, "not_met", -3.11, "差 3.11 个百分点"),
    # plain floor "99" (at least, higher is better), observed == target: met exactly
    ("compulsory_education_retention", 99.0, "met", 0.0, "恰好达到目标"),
    # strict floor ">95", observed == 95: not met, gap 0
    ("preschool_gross_enrolment", 95.0, "not_met", 0.0, "恰等于界限值，未达到“高于”的要求"),
    # strict floor ">95", 95.3: met by 0.3 points
    ("pension_insurance_coverage", 95.3, "met", 0.3, "超出目标 0.3 个百分点"),
    # plain floor 4.6 places per 1,000; 4.1: short by 0.5 个
    ("nursery_places_per_1000", 4.1, "not_met", -0.5, "差 0.5 个"),
    # target 100 (%): 100 meets it; 99.8 falls short by 0.2 points
    ("veteran_placement_rate", 100.0, "met", 0.0, "恰好达到目标"),
    ("disability_subsidy_coverage", 99.8, "not_met", -0.2, "差 0.2 个百分点"),
    # 应保尽保 = full coverage: 100 met, 99.5 not met by 0.5 points
    ("orphan_support_coverage", 100.0, "met", 0.0, "恰好达到目标"),
    ("public_rental_housing_coverage", 99.5, "not_met", -0.5, "差 0.5 个百分点"),
    # the plan's target 95 is below its 2020 baseline 99: evaluated as printed, 96 ≥ 95
    ("medical_insurance_coverage", 96.0, "met", 1.0, "超出目标 1 个百分点"),
    # 万张: 3.62 against 3.5
    ("elderly_care_beds_total", 3.62, "met", 0.12, "超出目标 0.12 万张"),
]


@pytest.mark.parametrize("ind, value, verdict, gap, words", FINAL_CASES)
def test_final_verdicts_by_target_form(ind, value, verdict, gap, words):
    row = _final(_obs((ind, 2025, value))).loc[ind]
    assert row["verdict"] == verdict
    assert row["gap"] == pytest.approx(gap, abs=1e-9)
    assert row["gap_text"] == words
    assert row["value_year"] == "2025" and row["source_quality"] == "official_return"


def test_strict_bound_and_plan_quirks_are_said_in_the_note():
    t = _final(
        _obs(("preschool_gross_enrolment", 2025, 95.0), ("medical_insurance_coverage", 2025, 96))
    )
    assert "恰等于界限值按未完成计" in t.at["preschool_gross_enrolment", "note"]
    assert "规划目标值低于2020年基期值（原文如此）" in t.at["medical_insurance_coverage", "note"]


def test_final_needs_the_target_year_value():
    # a 2024 value does not decide a 2025 target: no verdict, the 2024 value named
    row = _final(_obs(("life_expectancy", 2024, 78.9))).loc["life_expectancy"]
    assert row["verdict"] == "no_data" and math.isnan(row["value"])
    assert "仅有2024年数值 78.9" in row["note"] and "缺2025年数据" in row["note"]


def test_relative_targets_use_anhui_of_the_same_year():
    obs = _obs(
        ("senior_secondary_gross_enrolment", 2025, 96.2),
        ("senior_secondary_gross_enrolment", 2025, 95.8, ANHUI),
        ("senior_secondary_gross_enrolment", 2024, 97.0, ANHUI),  # another year: never used
        ("working_age_avg_years_schooling", 2025, 10.9),
        ("working_age_avg_years_schooling", 2024, 10.8, ANHUI),  # 2024 only: no verdict
    )
    t = _final(obs)
    # 高于全省平均水平: 96.2 > 95.8 (Anhui 2025), by 0.4 points
    assert t.at["senior_secondary_gross_enrolment", "verdict"] == "met"
    assert t.at["senior_secondary_gross_enrolment", "reference_value"] == 95.8
    assert t.at["senior_secondary_gross_enrolment", "gap"] == pytest.approx(0.4)
    # 达到全省平均水平 without Anhui's 2025 value: no_data, never an older or assumed reference
    row = t.loc["working_age_avg_years_schooling"]
    assert row["verdict"] == "no_data" and pd.isna(row["reference_value"])
    assert "同年全省平均值" in row["note"]


def test_officials_return_wins_over_a_third_party_repost_of_the_same_key():
    obs = _obs(
        ("physicians_per_1000", 2025, 2.40, CITY, "stats", "某网站转载", "http://example.cn/a"),
        ("physicians_per_1000", 2025, 2.61, CITY, "monitoring"),
    )
    row = _final(obs).loc["physicians_per_1000"]
    # 2.61 ≥ 2.55: met by 0.06; the repost's 2.4 is named and not used
    assert row["value"] == 2.61 and row["verdict"] == "met"
    assert row["gap"] == pytest.approx(0.06)
    assert row["source_quality"] == "official_return" and not row["third_party"]
    assert "第三方转载或报道“某网站转载”报2025年为 2.4" in row["note"]


# ------------------------------------------------------------------------------------------
# five-year totals: [430] estates, [23] 万人 trained
# ------------------------------------------------------------------------------------------

REPOST = ("stats", "发布会转载页", "http://guoou168.cn/x.html")


def test_cumulative_complete_from_annual_returns_beats_a_reposted_running_total():
    obs = _obs(
        *[("old_residential_renovation", y, 134) for y in range(2021, 2026)],
        ("old_residential_renovation_to_date", 2022, 274, CITY, *REPOST),
    )
    row = _final(obs).loc["old_residential_renovation"]
    # 5 × 134 = 670 ≥ 430: met by 240 个; officials' annual returns, not the repost's 274
    assert row["value"] == 670 and row["value_year"] == "2021—2025"
    assert row["verdict"] == "met" and row["gap"] == 240 and row["gap_text"] == "超出目标 240 个"
    assert row["source_quality"] == "official_return"
    # the other combination, 274 + 3 × 134 = 676, is named as not used
    assert "计为 676" in row["note"]


def test_cumulative_with_a_missing_year_is_a_lower_bound():
    obs = _obs(*[("subsidised_vocational_training", y, 5.0) for y in (2021, 2022, 2024, 2025)])
    row = _final(obs).loc["subsidised_vocational_training"]
    # 2023 missing: 20 万人 known < [23]: cannot say, the missing year named
    assert row["verdict"] == "no_data"
    assert "缺2023年数据" in row["note"] and "20 万人（为下限）" in row["note"]


def test_cumulative_already_met_by_a_partial_sum():
    obs = _obs(
        *[("subsidised_vocational_training", y, v) for y, v in ((2021, 10), (2022, 8), (2024, 6))]
    )
    row = _final(obs).loc["subsidised_vocational_training"]
    # 10 + 8 + 6 = 24 ≥ 23 although 2023 and 2025 are missing: met
    assert row["verdict"] == "met"
    assert "缺2023、2025年数据" in row["note"] and "已达到五年累计目标" in row["note"]
    # the year column names the years the value covers, not the whole period
    assert row["value_year"] == "2021—2022、2024"


def test_cumulative_with_a_reported_multi_year_total():
    obs = _obs(
        ("subsidised_vocational_training_to_date", 2023, 14.0),
        ("subsidised_vocational_training", 2024, 4.5),
        ("subsidised_vocational_training", 2025, 4.6),
    )
    row = _final(obs).loc["subsidised_vocational_training"]
    # 14.0 (2021–2023) + 4.5 + 4.6 = 23.1 ≥ 23: met by 0.1 万人
    assert row["value"] == pytest.approx(23.1) and row["verdict"] == "met"
    assert row["gap"] == pytest.approx(0.1)
    assert "2021—2023年合计 14" in row["note"]
    assert row["value_year"] == "2021—2025"


def test_the_2020_value_never_enters_the_total_and_a_gap_in_2021_is_missing():
    obs = _obs(
        ("old_residential_renovation", 2020, 999),  # the base year: not part of 2021–2025
        *[("old_residential_renovation", y, 100) for y in range(2022, 2026)],
    )
    t = ev.running_total(obs, "old_residential_renovation", CITY, start=2021, end=2025)
    assert t.value == 400 and t.missing == (2021,) and not t.complete
    row = _final(obs).loc["old_residential_renovation"]
    # 400 < 430 with 2021 missing: no verdict
    assert row["verdict"] == "no_data" and "缺2021年数据" in row["note"]


def test_running_total_prefers_the_best_evidence_then_fewest_pieces():
    obs = _obs(
        *[("x", y, 10) for y in range(2021, 2026)],
        ("x_to_date", 2025, 48.0),  # an officials' total that disagrees with the annual sum
    )
    t = ev.running_total(obs, "x", CITY, start=2021, end=2025)
    # both official returns: the published total (one piece) over the sum of five
    assert t.value == 48.0 and len(t.parts) == 1 and len(t.alternatives) == 1


# ------------------------------------------------------------------------------------------
# mid-term and annual stages: progress words
# ------------------------------------------------------------------------------------------


def test_midterm_progress_words():
    obs = _obs(
        ("nursery_places_per_1000", 2023, 2.0),  # 0.9 → 2.0, target 4.6: R = 0.790 → lagging
        ("life_expectancy", 2022, 78.2),  # 77.7 → 78.2: R = 1.4 → faster
        ("veteran_placement_rate", 2023, 100),  # target 100 already met
        *[("old_residential_renovation", y, 90) for y in (2021, 2022, 2023)],  # 270 vs 258
    )
    t = evaluation.evaluate(2023, observations=obs).set_index("indicator_id")
    assert t["stage"].unique().tolist() == ["midterm"]
    assert t.at["nursery_places_per_1000", "verdict"] == "lagging"
    assert t.at["nursery_places_per_1000", "ratio"] == pytest.approx(0.790434, abs=1e-6)
    # CAGR_obs = (78.2/77.7)^(1/2) − 1 = 0.0032123; CAGR_req = (78.8/77.7)^(1/5) − 1 = 0.0028155
    assert t.at["life_expectancy", "ratio"] == pytest.approx(0.0032123 / 0.0028155, rel=1e-4)
    assert t.at["life_expectancy", "verdict"] == "faster"
    assert t.at["veteran_placement_rate", "verdict"] == "achieved"
    # 270 against the linear path 430 × 3/5 = 258: R = 1.0465 → broadly on schedule
    assert t.at["old_residential_renovation", "ratio"] == pytest.approx(270 / 258)
    assert t.at["old_residential_renovation", "verdict"] == "as_expected"
    assert t.at["old_residential_renovation", "verdict_zh"] == "基本符合预期"
    assert t.at["compulsory_education_retention", "verdict_zh"] == "数据暂缺"


def test_progress_verdict_edges():
    edges = [(1.05, "faster"), (1.0499, "as_expected"), (0.95, "as_expected"), (0.9499, "lagging")]
    for r, word in edges:
        assert progress.progress_verdict("on_track", r) == word
    assert progress.progress_verdict("deterioration", -0.1) == "lagging"
    assert progress.progress_verdict("insufficient_data", math.nan) == "no_data"


def test_binding_first_and_the_cli_columns():
    t = evaluation.evaluate(2025, observations=_obs())
    assert len(t) == 23
    assert (t["attribute"].iloc[:8] == "binding").all() and (
        t["attribute"].iloc[8:] == "expected"
    ).all()
    assert list(t.columns[:13]) == list(evaluation.CSV_COLUMNS)
    with pytest.raises(ValueError):
        evaluation.evaluate(2024, stage="final")
    with pytest.raises(ValueError):
        evaluation.evaluate(2025, stage="interim")


# ------------------------------------------------------------------------------------------
# assess(): the rules mutation testing found untested
# ------------------------------------------------------------------------------------------

LEVEL = dict(baseline_year=2020, target_year=2025)


def test_assess_equality_and_class_edges():
    # observed == target meets "at least"; a lower-is-better plain target is met exactly too
    assert (
        progress.assess(
            baseline=1, observed=3, observed_year=2023, target=3, direction="higher_better", **LEVEL
        )["status"]
        == "achieved"
    )
    assert (
        progress.assess(
            baseline=9, observed=6, observed_year=2023, target=6, direction="lower_better", **LEVEL
        )["status"]
        == "achieved"
    )
    assert (
        progress.assess(
            baseline=9,
            observed=6,
            observed_year=2023,
            target=6,
            op="<",
            direction="lower_better",
            **LEVEL,
        )["status"]
        != "achieved"
    )
    # cumulative paths with R exactly at the class edges: path to 2023 = 100 × 3/5 = 60
    for done, status in (
        (57.0, "on_track"),
        (36.0, "needs_acceleration"),
        (0.0, "limited_progress"),
    ):
        r = progress.assess(
            baseline=None,
            observed=done,
            observed_year=2023,
            target=100,
            direction="higher_better",
            cumulative=True,
            **LEVEL,
        )
        assert r["ratio"] == pytest.approx(done / 60) and r["status"] == status
    r = progress.assess(
        baseline=10, observed=9, observed_year=2023, target=12, direction="higher_better", **LEVEL
    )
    assert r["ratio"] < 0 and r["status"] == "deterioration"


def test_final_verdict_ceilings():
    # at most: "≤6" met at 6, "<6" not met at 6, plain 6 for lower-is-better met at 6
    assert progress.final_verdict(6, parse_target("≤6"), "lower_better", unit="‰").verdict == "met"
    v = progress.final_verdict(6, parse_target("<6"), "lower_better", unit="‰")
    assert v.verdict == "not_met" and v.gap == 0
    v = progress.final_verdict(6.5, parse_target("6"), "lower_better", unit="‰")
    assert v.verdict == "not_met" and v.gap == pytest.approx(-0.5) and v.gap_zh == "差 0.5 ‰"
    v = progress.final_verdict(5.2, parse_target("6"), "lower_better", unit="‰")
    assert v.verdict == "met" and v.gap == pytest.approx(0.8)


# ------------------------------------------------------------------------------------------
# the command line against a scratch data folder with a FAKE officials' return
# ------------------------------------------------------------------------------------------


def test_cli_evaluate_final_from_an_ingested_return(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data", data)
    monkeypatch.setenv("HUAINAN_DATA_DIR", str(data))
    ret = tmp_path / "return.csv"
    rows = [
        ("340400", "养老机构护理型床位占比", 2025, 51.89, "%"),
        ("340400", "九年义务教育巩固率", 2025, 99, "%"),
        ("340400", "学前教育毛入园率", 2025, 95, "%"),
    ] + [("340400", "城镇老旧小区改造", y, 134, "个") for y in range(2021, 2026)]
    with ret.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["区划代码", "指标", "年份", "数值", "单位", "数据来源"])
        for code, name, year, value, unit in rows:
            w.writerow([code, name, year, value, unit, "市直部门监测报送（FAKE 测试数据）"])
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", str(ret)])
    assert res.exit_code == 0, res.output
    out = tmp_path / "e.csv"
    res = runner.invoke(app, ["evaluate", "2025", "--stage", "final", "--out", str(out)])
    assert res.exit_code == 0, res.output
    with out.open(encoding="utf-8") as f:
        got = {r["indicator_id"]: r for r in csv.DictReader(f)}
    assert len(got) == 23 and all(r["verdict"] for r in got.values())
    assert list(next(iter(got.values()))) == list(evaluation.CSV_COLUMNS)
    assert got["nursing_bed_share"]["verdict"] == "not_met"
    assert float(got["nursing_bed_share"]["gap"]) == pytest.approx(-3.11)
    assert got["compulsory_education_retention"]["verdict"] == "met"
    assert got["preschool_gross_enrolment"]["verdict"] == "not_met"
    # 5 × 134 = 670 from the officials' returns, not the shipped 2022 repost of 274
    assert got["old_residential_renovation"]["value"] == "670.0"
    assert got["old_residential_renovation"]["value_year"] == "2021—2025"
    assert got["old_residential_renovation"]["source_quality"] == "official_return"
    assert got["life_expectancy"]["verdict"] == "no_data" and got["life_expectancy"]["note"]
    # a corrected return: the table uses the new value and says it was revised
    fix = tmp_path / "fix.csv"
    fix.write_text(
        "区划代码,指标,年份,数值,单位,数据来源\n"
        "340400,养老机构护理型床位占比,2025,55.2,%,市民政局更正报送（测试数据）\n",
        encoding="utf-8",
    )
    assert runner.invoke(app, ["ingest", str(fix)]).exit_code == 0
    row = evaluation.evaluate(2025).set_index("indicator_id").loc["nursing_bed_share"]
    assert row["verdict"] == "met" and row["revised"]
    assert "已修订：2025年数值共报送2次，首次报送为51.89，现为55.2" in row["note"]
    # bad stage and bad year: exit 2, nothing written
    assert runner.invoke(app, ["evaluate", "2024", "--stage", "final"]).exit_code == 2
    assert runner.invoke(app, ["evaluate", "2025", "--stage", "whenever"]).exit_code == 2


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["evaluate", "99999999999999999999"], 2, "2021—2100"),
        (["evaluate", "2020"], 2, "2021—2100"),
        (["evaluate", "2025", "--stage", "yearly"], 2, "--stage"),
    ],
)
def test_cli_evaluate_refuses_bad_arguments(args, code, message):
    res = CliRunner().invoke(app, args)
    assert res.exit_code == code and message in res.output


def test_cli_evaluate_refuses_a_folder_and_prints_no_nan(tmp_path):
    res = CliRunner().invoke(app, ["evaluate", "2025", "--out", str(tmp_path)])
    assert res.exit_code == 2 and "是文件夹" in res.output
    assert list(tmp_path.iterdir()) == []  # nothing written, no temp file left
    res = CliRunner().invoke(app, ["evaluate", "2025"])
    assert res.exit_code == 0 and "NaN" not in res.output and "nan" not in res.output


def test_cli_evaluate_damaged_store_exits_1(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data", data)
    monkeypatch.setenv("HUAINAN_DATA_DIR", str(data))
    ret = tmp_path / "r.csv"
    ret.write_text(
        "区划代码,指标,年份,数值,单位,数据来源\n340400,人均预期寿命,2025,79,岁,测试\n",
        encoding="utf-8",
    )
    assert CliRunner().invoke(app, ["ingest", str(ret)]).exit_code == 0
    store = data / "monitoring" / "observations.csv"
    store.write_text(store.read_text(encoding="utf-8").replace(",79", ",97"), encoding="utf-8")
    res = CliRunner().invoke(app, ["evaluate", "2025"])
    assert res.exit_code == 1, res.output
