"""County and urban-rural gaps on the plan's indicators (huainan.measures.regional, .urban_rural)
and the need-based shortfall in persons (huainan.measures.shortfall): hand-worked values on FAKE
panels made here, and the ``huainan gaps`` command end to end on an ingested FAKE return."""

from __future__ import annotations

import csv
import math
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from huainan.cli import app
from huainan.evidence import observed
from huainan.measures import regional, shortfall, urban_rural
from huainan.paths import REPO_ROOT

COLUMNS = ["region_code", "year", "area", "indicator", "unit", "value", "source", "source_ref",
           "note", "origin"]  # fmt: skip

大通, 田家庵, 潘集, 凤台, 寿县 = "340402", "340403", "340406", "340421", "340422"


def fake(*rows, origin="monitoring", source="县区监测报送（FAKE 测试数据）") -> pd.DataFrame:
    """Long observations from (region, year, indicator, value, unit[, area]) tuples."""
    recs = []
    for r in rows:
        code, year, ind, value, unit = r[:5]
        area = r[5] if len(r) > 5 else "total"
        recs.append([code, year, area, ind, unit, float(value), source, "fake.csv", "", origin])
    out = pd.DataFrame(recs, columns=COLUMNS).astype({"year": "int64", "value": "float64"})
    return observed.with_quality(out)


# A FAKE county panel of 每千人口托位数 (target 4.6, read as "at least"):
#   2021: 大通区 1.0, 田家庵区 3.0, 凤台县 2.0, 寿县 2.0
#   2025: 大通区 3.0, 田家庵区 5.0, 凤台县 4.0, 潘集区 4.6
# Units with values in both years: 大通区, 田家庵区, 凤台县 (寿县 only 2021, 潘集区 only 2025).
NURSERY = [
    (大通, 2021, "nursery_places_per_1000", 1.0, "个"),
    (田家庵, 2021, "nursery_places_per_1000", 3.0, "个"),
    (凤台, 2021, "nursery_places_per_1000", 2.0, "个"),
    (寿县, 2021, "nursery_places_per_1000", 2.0, "个"),
    (大通, 2025, "nursery_places_per_1000", 3.0, "个"),
    (田家庵, 2025, "nursery_places_per_1000", 5.0, "个"),
    (凤台, 2025, "nursery_places_per_1000", 4.0, "个"),
    (潘集, 2025, "nursery_places_per_1000", 4.6, "个"),
]
# 每千人口执业(助理)医师数 (target 2.55): 2021 (2.0, 2.2, 2.4) → 2025 (2.1, 2.3, 2.5)
DOCTORS = [
    (u, y, "physicians_per_1000", v, "人")
    for y, vals in ((2021, (2.0, 2.2, 2.4)), (2025, (2.1, 2.3, 2.5)))
    for u, v in zip((大通, 田家庵, 凤台), vals, strict=True)
]
# 养老机构护理型床位占比 (target ≥55): 2023 (40, 44) → 2025 (50, 60)
NURSING = [
    (大通, 2023, "nursing_bed_share", 40, "%"),
    (寿县, 2023, "nursing_bed_share", 44, "%"),
    (大通, 2025, "nursing_bed_share", 50, "%"),
    (寿县, 2025, "nursing_bed_share", 60, "%"),
]
# equal population weights, so the hand arithmetic of Theil need not carry census figures
DENS = pd.DataFrame(
    {
        "region_code": [大通, 田家庵, 潘集, 凤台, 寿县],
        "name_zh": ["大通区", "田家庵区", "潘集区", "凤台县", "寿县"],
        "population": 100000.0,
        "population_year": 2020,
        "population_source": "FAKE",
        "pop_age_60plus": 40000.0,
        "households_family": 30000.0,
    }
)


@pytest.fixture(scope="module")
def gaps_table():
    obs = fake(*NURSERY, *DOCTORS, *NURSING)
    panel = regional.county_panel(obs, denominators=DENS)
    return regional.regional_gaps(obs, panel=panel).set_index("indicator_id"), panel


def test_spread_and_its_change_on_a_fake_county_panel(gaps_table):
    t, _ = gaps_table
    row = t.loc["nursery_places_per_1000"]
    assert (row["year_from"], row["year_to"], row["n_units"]) == (2021, 2025, 3)
    # common units only: 2021 (1, 3, 2): mean 2, sd √(2/3) = 0.816497, CV 0.408248;
    # 2025 (3, 5, 4): mean 4, same sd, CV 0.204124 — halved, so 缩小
    assert row["cv_from"] == pytest.approx(math.sqrt(2 / 3) / 2)
    assert row["cv_to"] == pytest.approx(math.sqrt(2 / 3) / 4)
    assert row["cv_change_pct"] == pytest.approx(-50.0)
    assert row["max_min_ratio_from"] == pytest.approx(3.0)
    assert row["max_min_ratio_to"] == pytest.approx(5 / 3)
    assert (row["change"], row["change_zh"]) == ("narrowed", "缩小")
    # below 4.6 in 2025 among all four reporting units: 大通区 3.0 and 凤台县 4.0 (潘集区's 4.6
    # meets "at least 4.6"; 田家庵区's 5.0 too)
    assert row["below_target"] == "大通区；凤台县"
    assert (row["n_compared"], row["n_below"]) == (4, 2)
    assert (row["min_unit"], row["min"], row["max_unit"], row["max"]) == (
        "大通区",
        3.0,
        "田家庵区",
        5.0,
    )
    # plain words first: 3.0 / 5.0 = 60 %, 4.6 − 3.0 = 1.6; one decimal for all (4.6 has one)
    assert row["sentence_zh"] == (
        "2025年，大通区每千人口拥有3岁以下婴幼儿托位数 3.0 个，为田家庵区（5.0 个）的 60%，"
        "低于目标 4.6 个（差 1.6 个）；报送的4个县区中2个低于目标：大通区、凤台县。"
    )
    assert row["change_sentence_zh"].startswith(
        "2021—2025年，3个县区之间每千人口拥有3岁以下婴幼儿托位数的差距缩小：变异系数由 0.408 降至 0.204"
    )


def test_a_change_within_the_band_is_stable_and_a_rise_from_two_units_widens(gaps_table):
    t, _ = gaps_table
    doc = t.loc["physicians_per_1000"]
    # 2021: mean 2.2, sd √(0.08/3) = 0.163299, CV 0.074227; 2025: mean 2.3, CV 0.071000:
    # −4.35 %, inside the 5 % band
    assert doc["cv_from"] == pytest.approx(math.sqrt(0.08 / 3) / 2.2)
    assert doc["cv_to"] == pytest.approx(math.sqrt(0.08 / 3) / 2.3)
    assert doc["change"] == "stable" and "基本持平" in doc["change_sentence_zh"]
    # 2.1, 2.3 and 2.5 are all below 2.55
    assert doc["below_target"] == "大通区；田家庵区；凤台县"
    assert doc["sentence_zh"].endswith("；报送的3个县区均低于目标。")
    nursing = t.loc["nursing_bed_share"]
    # first and last year with two common units: 2023 (40, 44): CV 2/42 = 0.047619;
    # 2025 (50, 60): CV 5/55 = 0.090909 → +90.9 %, 扩大
    assert (nursing["year_from"], nursing["year_to"]) == (2023, 2025)
    assert nursing["cv_from"] == pytest.approx(2 / 42)
    assert nursing["cv_to"] == pytest.approx(5 / 55)
    assert nursing["change"] == "widened"
    assert nursing["below_target"] == "大通区"
    # a share: the gap is said in percentage points, 60 − 50 = 10
    assert "比寿县（60%）低 10 个百分点，低于目标 ≥55%（差 5 个百分点）" in nursing["sentence_zh"]


def test_change_class_band_edges():
    # 0.20 → 0.19 is exactly −5 %: narrowed; 0.20 → 0.1901 is −4.95 %: stable
    assert regional.change_class(0.20, 0.19) == "narrowed"
    assert regional.change_class(0.20, 0.1901) == "stable"
    assert regional.change_class(0.20, 0.21) == "widened"
    assert regional.change_class(0.0, 0.0) == "stable"
    assert regional.change_class(0.0, 0.001) == "widened"
    assert regional.change_class(float("nan"), 0.1) is None


def test_spread_by_year_names_the_lowest_and_highest_units(gaps_table):
    _, panel = gaps_table
    s = regional.spread_by_year(panel).set_index(["indicator_id", "year"])
    r = s.loc[("nursery_places_per_1000", 2021)]
    # all four 2021 units: (1, 3, 2, 2): mean 2, sd √(2/4) = 0.707107, CV 0.353553
    assert r["n"] == 4 and r["cv"] == pytest.approx(math.sqrt(0.5) / 2)
    assert (r["min_unit"], r["max_unit"]) == ("大通区", "田家庵区")


def test_a_county_stock_is_compared_per_1000_older_people():
    # 大通区 reports 0.1 万张 = 1,000 beds for 40,000 people aged 60+: 25 per 1,000
    obs = fake((大通, 2025, "elderly_care_beds_total", 0.1, "万张"))
    panel = regional.county_panel(obs, denominators=DENS)
    row = panel.iloc[0]
    assert row["value"] == pytest.approx(25.0) and row["reported"] == pytest.approx(0.1)
    assert row["unit"] == "张" and row["indicator_zh"] == "每千名60岁及以上老人养老服务床位数"
    # its plan target is a city-wide total: no county is judged against it
    assert regional.units_below_target(panel, "elderly_care_beds_total", 2025).empty


def test_officials_return_wins_over_a_repost_in_the_panel():
    ret = fake((大通, 2025, "nursery_places_per_1000", 3.0, "个"))
    repost = fake(
        (大通, 2025, "nursery_places_per_1000", 9.9, "个"),
        origin="stats",
        source="某网站转载",
    )
    panel = regional.county_panel(pd.concat([repost, ret], ignore_index=True), denominators=DENS)
    assert panel["value"].tolist() == [3.0]


def test_nothing_reported_says_what_is_missing():
    panel = regional.county_panel(fake(), denominators=DENS)
    assert regional.regional_gaps(fake(), panel=panel).empty
    text = regional.missing_sentence(regional.coverage(panel))
    assert text.startswith("尚无县区报送值：每千人口拥有3岁以下婴幼儿托位数")
    assert "城镇老旧小区改造" not in text  # a five-year city total, not compared by design


# ------------------------------------------------------------------------------------------
# urban-rural
# ------------------------------------------------------------------------------------------


def test_urban_rural_ratio_difference_and_change():
    obs = fake(
        ("340400", 2021, "physicians_per_1000", 3.9, "人", "urban"),
        ("340400", 2021, "physicians_per_1000", 1.5, "人", "rural"),
        ("340400", 2025, "physicians_per_1000", 3.8, "人", "urban"),
        ("340400", 2025, "physicians_per_1000", 1.6, "人", "rural"),
        ("340400", 2023, "physicians_per_1000", 3.85, "人", "urban"),  # a lone part: no row
    )
    p = urban_rural.urban_rural_panel(obs)
    assert p["year"].tolist() == [2021, 2025]
    # 3.9 / 1.5 = 2.6, 3.9 − 1.5 = 2.4; 3.8 / 1.6 = 2.375, 3.8 − 1.6 = 2.2
    assert p["ratio"].tolist() == pytest.approx([2.6, 2.375])
    assert p["difference"].tolist() == pytest.approx([2.4, 2.2])
    c = urban_rural.urban_rural_changes(p).iloc[0]
    # |ln 2.6| = 0.955511 → |ln 2.375| = 0.865000: −9.5 %, beyond the 5 % band
    assert c["change"] == "narrowed"
    assert c["sentence_zh"] == (
        "淮南市每千人口执业(助理)医师数：2025年城镇 3.8 人、乡村 1.6 人，城镇为乡村的 2.38 倍"
        "（相差 2.2 人）；2021—2025年城乡之比由 2.60 降至 2.38，差距缩小。"
    )
    # nurses and schooling are on the list but not reported: named, one sentence
    assert urban_rural.missing_sentence(p) == (
        "城乡差距：规划需要分城乡比较的指标中尚未报送的为每千人口拥有注册护士数、"
        "劳动年龄人口平均受教育年限，须在监测填报表的“城镇”“乡村”行填报后才能计算城乡之比和差值。"
    )


def test_a_rural_value_above_the_urban_one_is_a_gap_too():
    # ratio 0.5 is as far from parity as 2: |ln 0.5| = |ln 2|; 0.5 → 0.8 narrows
    obs = fake(
        (寿县, 2021, "nurses_per_1000", 1.0, "人", "urban"),
        (寿县, 2021, "nurses_per_1000", 2.0, "人", "rural"),
        (寿县, 2025, "nurses_per_1000", 1.6, "人", "urban"),
        (寿县, 2025, "nurses_per_1000", 2.0, "人", "rural"),
    )
    c = urban_rural.urban_rural_changes(urban_rural.urban_rural_panel(obs)).iloc[0]
    assert (c["ratio_from"], c["ratio_to"], c["change"]) == (0.5, 0.8, "narrowed")
    assert c["difference_to"] == pytest.approx(-0.4)


def test_urban_rural_indicator_list_is_one_file_of_plan_indicators():
    t = urban_rural.urban_rural_indicators()
    assert list(t.columns[:2]) == ["indicator_id", "reason"]
    assert t["reason"].str.len().min() > 20  # every choice says why
    assert set(t["domain"]) == {"health", "education"}


# ------------------------------------------------------------------------------------------
# shortfall in persons
# ------------------------------------------------------------------------------------------


def test_shortfall_of_doctors_and_nurses_in_persons():
    dens = pd.DataFrame(
        {
            "region_code": [田家庵, 寿县],
            "name_zh": ["田家庵区", "寿县"],
            "population": [730078.0, 838507.0],
            "population_year": 2020,
            "population_source": "第七次全国人口普查",
        }
    )
    obs = fake(
        (寿县, 2025, "physicians_per_1000", 2.05, "人"),  # a rate: × population / 1,000
        (田家庵, 2025, "physicians_per_1000", 2.8, "人"),
        (寿县, 2025, "nurses", 0.2, "万人"),  # a count: 0.2 万人 = 2,000 persons
    )
    t = shortfall.plan_shortfalls(
        obs, standards=["physicians", "nurses"], codes=[田家庵, 寿县], denominators=dens
    )
    doc = t[t["standard_id"] == "physicians"].set_index("region_code")
    # 寿县: requirement 2.55 × 838.507 = 2,138.19285; supply 2.05 × 838.507 = 1,718.93935;
    # gap 0.50 × 838.507 = 419.2535 persons
    assert doc.loc[寿县, "requirement"] == pytest.approx(2138.19285)
    assert doc.loc[寿县, "supply"] == pytest.approx(1718.93935)
    assert doc.loc[寿县, "gap"] == pytest.approx(419.2535)
    assert doc.loc[寿县, "rank"] == 1 and doc.loc[寿县, "supply_basis"] == "rate"
    # 田家庵区: (2.55 − 2.8) × 730.078 = −182.5195: above the standard
    assert doc.loc[田家庵, "gap"] == pytest.approx(-182.5195)
    assert doc.loc[田家庵, "status"] == "met"
    # the city row nets the surplus (419.2535 − 182.5195 = 236.734); unmet does not (419.2535)
    assert doc.loc["340400", "gap"] == pytest.approx(236.734)
    assert doc.loc["340400", "unmet"] == pytest.approx(419.2535)
    assert doc.loc[寿县, "sentence_zh"] == (
        "寿县按每千人口 2.55 人的标准需执业（助理）医师约 2,138 人，现有约 1,719 人"
        "（2025年，每千人口 2.05 人），缺 419 人。"
    )
    nurse = t[t["standard_id"] == "nurses"].set_index("region_code")
    # 寿县: 3.15 × 838.507 = 2,641.29705 required, 2,000 reported: 641.29705 short
    assert nurse.loc[寿县, "gap"] == pytest.approx(641.29705)
    assert nurse.loc[寿县, "supply_basis"] == "count"
    assert nurse.loc[寿县, "supply_rate"] == pytest.approx(2000 / 838.507)
    # 田家庵区 reported no nurses: no supply, no gap, said so
    assert pd.isna(nurse.loc[田家庵, "supply"]) and pd.isna(nurse.loc[田家庵, "gap"])
    assert nurse.loc[田家庵, "sentence_zh"].endswith("现有数量未报送，缺口无法计算。")
    f = shortfall.shortfall_findings(t).set_index("standard_id")
    assert f.loc["physicians", "sentence_zh"] == (
        "按每千人口 2.55 人的标准，报送的2个县区中1个执业（助理）医师不足，缺口合计约 419 人；"
        "缺口最大的是寿县（419 人）。"
    )
    assert f.loc["nurses", "largest"] == "寿县"


def test_every_per_population_standard_of_the_plan_is_listed():
    s = shortfall.need_standards().set_index("standard_id")
    # 专栏2: 2.55 doctors and 3.15 nurses per 1,000 residents, sports grounds > 2.6 m² each
    assert float(s.at["physicians", "rate"]) == 2.55 and s.at["physicians", "unit"] == "人"
    assert float(s.at["nurses", "rate"]) == 3.15
    assert (float(s.at["sports_area", "rate"]), s.at["sports_area", "op"]) == (2.6, ">")
    assert set(shortfall.COUNTY_STANDARDS) == {
        "nursery_places", "physicians", "nurses", "elderly_care_beds",
        "community_service_space", "sports_area",
    }  # fmt: skip


def test_latest_population_follows_the_precedence_rule():
    base = observed.all_observations()
    # the shipped store has a third-party 2024 year-end figure for 寿县 (83.50 万人): the 2020
    # census (an official publication) still counts
    d = shortfall.latest_denominators(base, codes=[寿县]).set_index("denominator")
    assert (d.at["population", "value"], d.at["population", "year"]) == (838507.0, 2020)
    # an officials' return of 2025 counts before the census: 83.0 万人 = 830,000
    ret = fake((寿县, 2025, "population_yearend", 83.0, "万人"))
    d = shortfall.latest_denominators(
        pd.concat([base, ret], ignore_index=True), codes=[寿县]
    ).set_index("denominator")
    assert (d.at["population", "value"], d.at["population", "year"]) == (830000.0, 2025)


# ------------------------------------------------------------------------------------------
# the command line, end to end on a scratch data folder with an ingested FAKE return
# ------------------------------------------------------------------------------------------


def _write_return(path, rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["区划代码", "指标", "年份", "数值", "单位", "城乡", "数据来源"])
        for code, name, year, value, unit, area in rows:
            w.writerow([code, name, year, value, unit, area, "县区监测报送（FAKE 测试数据）"])


def test_cli_gaps_contract_from_an_ingested_return(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data", data)
    monkeypatch.setenv("HUAINAN_DATA_DIR", str(data))
    name = "每千人口拥有3岁以下婴幼儿托位数"
    rows = [(c, name, y, v, "个", "合计") for c, y, _, v, _ in NURSERY]
    rows += [
        ("340400", "每千人口执业(助理)医师数", 2021, 3.9, "人", "城镇"),
        ("340400", "每千人口执业(助理)医师数", 2021, 1.5, "人", "乡村"),
        ("340400", "每千人口执业(助理)医师数", 2025, 3.8, "人", "城镇"),
        ("340400", "每千人口执业(助理)医师数", 2025, 1.6, "人", "乡村"),
    ]
    ret = tmp_path / "return.csv"
    _write_return(ret, rows)
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", str(ret)])
    assert res.exit_code == 0, res.output
    out, ur = tmp_path / "regional.csv", tmp_path / "urban_rural.csv"
    res = runner.invoke(app, ["gaps", "2021", "2025", "--out", str(out), "--urban-rural", str(ur)])
    assert res.exit_code == 0, res.output
    with out.open(encoding="utf-8") as f:
        got = list(csv.DictReader(f))
    assert list(got[0]) == [
        "indicator_id", "year_from", "year_to", "n_units", "cv_from", "cv_to",
        "max_min_ratio_from", "max_min_ratio_to", "change", "below_target",
    ]  # fmt: skip
    assert len(got) == 1
    r = got[0]
    assert (r["indicator_id"], r["year_from"], r["year_to"], r["n_units"]) == (
        "nursery_places_per_1000", "2021", "2025", "3",
    )  # fmt: skip
    assert float(r["cv_from"]) == pytest.approx(0.408248, abs=1e-6)
    assert float(r["cv_to"]) == pytest.approx(0.204124, abs=1e-6)
    assert float(r["max_min_ratio_from"]) == pytest.approx(3.0)
    assert float(r["max_min_ratio_to"]) == pytest.approx(5 / 3)
    assert (r["change"], r["below_target"]) == ("narrowed", "大通区；凤台县")
    with ur.open(encoding="utf-8") as f:
        urban = list(csv.DictReader(f))
    assert list(urban[0]) == [
        "indicator_id", "region_code", "year", "urban", "rural", "ratio", "difference"
    ]  # fmt: skip
    assert [(u["year"], float(u["ratio"])) for u in urban] == [
        ("2021", pytest.approx(2.6)),
        ("2025", pytest.approx(2.375)),
    ]
    assert float(urban[1]["difference"]) == pytest.approx(2.2)
    assert "差距缩小" in res.output
    # bad years: exit 2, nothing written
    assert (
        runner.invoke(app, ["gaps", "2025", "2021", "--out", str(tmp_path / "x.csv")]).exit_code
        == 2
    )
    assert not (tmp_path / "x.csv").exists()


def test_cli_gaps_on_the_shipped_data_says_what_is_missing(tmp_path):
    out = tmp_path / "regional.csv"
    res = CliRunner().invoke(app, ["gaps", "2021", "2025", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8").splitlines() == [",".join(regional.CSV_COLUMNS)]
    assert "尚无县区报送值" in res.output
