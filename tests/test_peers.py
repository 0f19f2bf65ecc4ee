"""Huainan among Anhui's 16 cities (huainan.measures.peers and the brief/report functions on it).

Per-capita values are worked by hand from the yearbook cells named in the comments (2024 edition =
data year 2023, etc.; see tests/test_yearbook.py for the cells themselves) and the 2020 census.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from huainan.measures import peers


@pytest.fixture(scope="module")
def pc() -> pd.DataFrame:
    return peers.per_capita()


def _pc(pc, measure, year, city="340400") -> pd.Series:
    hit = pc[(pc.measure == measure) & (pc.data_year == year) & (pc.city_code == city)]
    assert len(hit) == 1
    return hit.iloc[0]


# (measure, year, expected value by hand, base)
HAND = [
    # 17,291 hospital beds (2024 CM111) / 302 万 residents (2024 C111) × 1,000
    ("hospital_beds_per_1000", 2023, 17291 / 3020, "resident"),
    # 15,559 beds (2021 edition CY111) / 303 万 residents (2021 C111) × 1,000 = 5.135
    ("hospital_beds_per_1000", 2020, 15559 / 3030, "resident"),
    # 15,398 beds (2022 edition CY111) / 390 万 registered (2022 C111) × 1,000 = 3.948
    ("hospital_beds_per_1000", 2021, 15398 / 3900, "registered"),
    # 7,864 physicians (2021 DA111) / 303 万 × 1,000 = 2.595
    ("physicians_per_1000", 2020, 7864 / 3030, "resident"),
    # 9,480 (2024 CO111) / 302 万 × 1,000 = 3.139
    ("physicians_per_1000", 2023, 9480 / 3020, "resident"),
    # 21,922 beds (2024 DC111) / (3,020,000 × 636,472 / 3,033,528 aged 60+ in the census) × 1,000
    (
        "elderly_beds_per_1000_60plus",
        2023,
        21922 / (3_020_000 * 636472 / 3033528) * 1000,
        "resident_60plus",
    ),  # fmt: skip
    # 23,446 beds (2022 DO111) / (3,900,000 registered × the census share) × 1,000
    (
        "elderly_beds_per_1000_60plus",
        2021,
        23446 / (3_900_000 * 636472 / 3033528) * 1000,
        "registered_60plus",
    ),  # fmt: skip
    # 24 万 primary pupils (2023 CP111) / 13,500 primary teachers (2023 CI111) = 17.78
    ("pupils_per_teacher_primary", 2022, 240000 / 13500, "teachers"),
    # 18 万 secondary pupils (2023 CN111) / 13,157 teachers (2023 CG111) = 13.68
    ("pupils_per_teacher_secondary", 2022, 180000 / 13157, "teachers"),
    # 546,601 万元 education (2024 AG111) / (23 + 12 + 6) 万 pupils (CC111, CA111, BY111)
    ("education_spending_per_pupil", 2023, 546601 / 41, "pupils"),
    # 510,961 万元 (2023 edition AI111) / (24 + 18) 万 pupils (CP111 + CN111) = 12,165.7 元
    ("education_spending_per_pupil", 2022, 510961 / 42, "pupils"),
    # 490,938 万元 (2022 edition AI111) / 390 万 registered = 1,258.8 元 per person
    ("education_spending_per_resident", 2021, 490938 / 390, "registered"),
    # 546,601 / 3,160,411 万元 (2024 AG111 / AE111) × 100 = 17.30 %
    ("education_share_of_budget", 2023, 546601 / 3160411 * 100, "budget"),
    # 134 万册 (2024 CG111) / 302 万 = 0.4437 volumes per resident
    ("library_books_per_resident", 2023, 134 / 302, "resident"),
    # 10 museums (2024 CI111) / 3,020,000 × 1,000,000 = 3.311
    ("museums_per_million", 2023, 10 / 3.02, "resident"),
]


@pytest.mark.parametrize(("measure", "year", "expected", "base"), HAND)
def test_per_capita_values_worked_by_hand(pc, measure, year, expected, base):
    row = _pc(pc, measure, year)
    assert row["value"] == pytest.approx(expected, rel=1e-12)
    assert row["base"] == base
    assert row["base_zh"] == peers.BASES_ZH[base]


def test_population_base_follows_what_the_yearbook_prints(pc):
    pop = pc[pc.measure == "hospital_beds_per_1000"]
    bases = pop.groupby("data_year")["base"].unique().map(list).to_dict()
    assert bases == {
        2018: ["registered"],
        2019: ["registered"],
        2020: ["resident"],
        2021: ["registered"],
        2022: ["registered"],
        2023: ["resident"],
    }
    # the elderly measure is never computed without the census share; teachers end in 2022
    assert set(pc.loc[pc.measure == "elderly_beds_per_1000_60plus", "data_year"]) == {
        2021,
        2022,
        2023,
    }
    assert pc.loc[pc.measure == "pupils_per_teacher_primary", "data_year"].max() == 2022


def test_rounding_of_pupils_is_said(pc):
    # 24 万 pupils ± 0.5 万 → 2.08 %; 13,500 teachers exact
    r = _pc(pc, "pupils_per_teacher_primary", 2022)
    assert r["rounding"] == pytest.approx(0.5 / 24)
    # 41 万 pupils as a sum of three whole 万 → ±1.5 万; 3.66 %
    r = _pc(pc, "education_spending_per_pupil", 2023)
    assert r["rounding"] == pytest.approx(1.5 / 41)
    assert _pc(pc, "physicians_per_1000", 2023)["rounding"] == pytest.approx(0.5 / 302)


def test_missing_inputs_give_missing_values_not_zero():
    t = pd.DataFrame(
        {
            "city_code": ["340400", "340400", "340100", "340100"],
            "city_name": ["淮南市", "淮南市", "合肥市", "合肥市"],
            "province_code": "340000",
            "data_year": 2023,
            "edition": 2024,
            "scope": "全市",
            "indicator": ["population_resident", "hospital_beds"] * 2,
            "indicator_zh": "",
            "unit": ["万人", "张"] * 2,
            "value": [302.0, np.nan, 985.0, 70165.0],
            "table": "",
            "cell": "",
            "note": "",
        }
    )
    out = peers.per_capita(t, share_60plus=pd.Series({"340400": 0.2, "340100": 0.2}))
    beds = out[out.measure == "hospital_beds_per_1000"].set_index("city_code")["value"]
    assert math.isnan(beds["340400"])
    assert beds["340100"] == pytest.approx(70165 / 9850)  # 2024 CM108 / C108


def test_rank_and_percentile_among_anhui_and_china(pc):
    r = peers.rank_table(pc, "physicians_per_1000", 2023).set_index("scope")
    # Anhui 2023 (per 1,000 residents): 亳州 2.72, 宣城 3.07, 六安 3.12 below 淮南 3.139;
    # twelve above → rank 13 of 16, percentile (3 + ½) / 16 × 100 = 21.875
    assert r.at["anhui", "n"] == 16 and r.at["anhui", "rank"] == 13
    assert r.at["anhui", "percentile"] == pytest.approx(21.875)
    assert r.at["anhui", "best_city"] == "合肥市"  # 36,104 / 985 万 = 3.665
    assert r.at["anhui", "best_value"] == pytest.approx(36104 / 9850)
    anhui = pc[(pc.measure == "physicians_per_1000") & (pc.data_year == 2023)]
    anhui = anhui[anhui.province_code == "340000"]
    assert r.at["anhui", "median"] == pytest.approx(anhui["value"].median())
    # China: every city with a value; rank = cities strictly higher + 1
    allc = pc[(pc.measure == "physicians_per_1000") & (pc.data_year == 2023)].dropna(
        subset=["value"]
    )
    mine = _pc(pc, "physicians_per_1000", 2023)["value"]
    assert r.at["china", "n"] == len(allc)
    assert r.at["china", "rank"] == int((allc["value"] > mine).sum()) + 1


def test_lower_is_better_ranks_from_the_bottom():
    pc = pd.DataFrame(
        {
            "city_code": ["340100", "340400", "340200", "340300", "110000"],
            "city_name": ["合肥市", "淮南市", "芜湖市", "蚌埠市", "北京市"],
            "province_code": ["340000"] * 4 + ["110000"],
            "data_year": 2022,
            "measure": "pupils_per_teacher_primary",
            "value": [15.0, 17.0, 17.0, 19.0, 12.0],
        }
    )
    r = peers.rank_table(pc, "pupils_per_teacher_primary", 2022).set_index("scope")
    # one Anhui city lower (better), one tie: rank 2 of 4, favourable percentile 100 − 50 = 50
    assert r.at["anhui", "rank"] == 2 and r.at["anhui", "percentile"] == pytest.approx(50.0)
    assert r.at["anhui", "best_city"] == "合肥市" and r.at["anhui", "worst_city"] == "蚌埠市"
    assert r.at["china", "rank"] == 3  # 北京 12 and 合肥 15 lower


def test_neutral_measure_has_a_position_not_a_judgement(pc):
    r = peers.rank_table(pc, "education_share_of_budget", 2023).set_index("scope")
    v = pc[(pc.measure == "education_share_of_budget") & (pc.data_year == 2023)]
    v = v[v.province_code == "340000"].set_index("city_code")["value"]
    lower = int((v < v["340400"]).sum())
    assert r.at["anhui", "percentile"] == pytest.approx((lower + 0.5) / 16 * 100)


def test_plan_period_change_against_the_anhui_median(pc):
    ch = peers.plan_period_change(pc).set_index("measure")
    beds = ch.loc["hospital_beds_per_1000"]
    assert (beds["start_year"], beds["end_year"], bool(beds["comparable"])) == (2020, 2023, True)
    # 17,291 / 3,020 − 15,559 / 3,030 = 0.5905 beds per 1,000 (both years 常住人口)
    assert beds["change"] == pytest.approx(17291 / 3020 - 15559 / 3030)
    w = pc[(pc.measure == "hospital_beds_per_1000") & (pc.province_code == "340000")]
    w = w.pivot_table(index="city_code", columns="data_year", values="value")
    assert beds["anhui_median_change"] == pytest.approx((w[2023] - w[2020]).median())
    assert beds["anhui_n"] == 16
    better = int(((w[2023] - w[2020]) > beds["change"]).sum())
    assert beds["rank_of_change"] == better + 1
    # elderly beds: 2021 (户籍) to 2023 (常住) are on different bases: no rate change, the count
    # change instead: 21,922 / 23,446 − 1 = −6.50 %
    eld = ch.loc["elderly_beds_per_1000_60plus"]
    assert not eld["comparable"] and math.isnan(eld["change"])
    assert eld["count_change_pct"] == pytest.approx((21922 / 23446 - 1) * 100)
    assert eld["base_zh"] == "户籍人口×2020年普查60岁及以上占比→常住人口×2020年普查60岁及以上占比"
    # teachers are not published for 2023: the change ends in 2022
    assert ch.at["pupils_per_teacher_primary", "end_year"] == 2022


def test_proxy_progress_is_labelled_and_never_a_verdict(pc):
    p = peers.proxy_progress(pc).set_index("plan_indicator")
    assert (p["label"] == "参考指标").all() and (p["verdict"] == "不作达标判断").all()
    doc = p.loc["physicians_per_1000"]
    # plan 专栏2: 2.5 (2020) → 2.55 (2025); yearbook 2020: 7,864 / 3,030 = 2.595 → "2.60"
    assert (doc["plan_baseline"], doc["plan_target"]) == (2.5, 2.55)
    assert doc["proxy_2020"] == pytest.approx(7864 / 3030)
    assert "2020年年鉴值2.60，规划基期值2.5" in doc["basis_difference"]
    assert doc["proxy_first_year"] == 2020  # resident-population years only
    beds = p.loc["elderly_care_beds_total"]
    # plan chapter 1: 全市养老机构总数 186 家，床位 23127 张 (end of 2020)
    assert beds["plan_baseline"] == 23127 and math.isnan(beds["plan_target"])
    assert (beds["proxy_first_year"], beds["proxy_first"]) == (2021, 23446)  # 2022 DO111
    assert (beds["proxy_latest_year"], beds["proxy_latest"]) == (2023, 21922)  # 2024 DC111
    assert "养老服务床位总量" in beds["basis_difference"]


def test_physicians_jump_of_2020(pc):
    j = peers.physicians_jump(pc)
    # 淮南 7,864 / 6,494 − 1 = +21.1 % lies inside Anhui's range, far above the national median
    assert j["anhui_min"] < 7864 / 6494 * 100 - 100 < j["anhui_max"]
    assert j["anhui_median"] > 3 * j["china_median"]


def test_peer_summary_one_row_per_measure_and_year(pc):
    s = peers.peer_summary(pc, domain="health")
    assert set(s["measure"]) == {"hospital_beds_per_1000", "physicians_per_1000"}
    assert len(s) == 12 and (s["anhui_n"] == 16).all()
    assert s["anhui_rank"].between(1, 16).all()
    assert s["china_n"].between(285, 298).all()


# ------------------------------------------------------------------------------------------
# briefs and the final report
# ------------------------------------------------------------------------------------------


def test_final_report_paragraph_names_each_figure_with_its_source():
    from huainan.briefs import peer_report

    text = peer_report.peer_evidence_paragraph()
    assert text.startswith("据《中国城市统计年鉴2024》（2023年数据，常住人口口径")
    # 17,291 / 3,020 = 5.73 beds, rank 7 of 16 (see test_rank_and_percentile…)
    assert "每千人口医院床位数5.73张，居第7位" in text
    assert "每千人口执业(助理)医师数3.14人，居第13位" in text
    assert "不作达标判断" in text
    assert "淮南市财政局《关于淮南市2025年预算执行情况和2026年预算草案的报告》" in text
    assert "十三大类民生支出288.4亿元，占83.5%" in text
    assert "教育支出57.2亿元" in text and "快报" in text


def test_headline_and_tables_read_as_official_chinese():
    from huainan.briefs import briefing, peer_report

    ev = briefing.peer_evidence()
    text = peer_report.peer_headline(ev["summary"], ev["change"])
    assert "居全省16市第7位" in text and "常住人口口径" in text
    assert "人口口径不同，不比较人均值" in text  # elderly beds 2021 → 2023
    assert "个百分点" in text  # the budget share changes in percentage points
    assert "nan" not in text and "None" not in text
    table = peer_report.peer_table_styled(ev["summary"], ev["change"]).data
    row = table.set_index("指标").loc["每千人口医院床位数（张）"]
    assert (row["淮南市"], row["全省排名"], row["分母口径"]) == ("5.73", "7/16", "常住人口")
    proxy = peer_report.proxy_styled(ev["proxy"]).data
    assert proxy.iloc[0]["年鉴数值"] == "2020年 2.60；2023年 3.14"
    budget = peer_report.budget_styled(briefing.budget_context()).data.set_index("项目")
    # 57.2 / 345.4 = 16.6 % of general budget expenditure
    assert budget.at["全市一般公共预算教育支出", "占一般公共预算支出"] == "16.6%（按报告数计算）"


def test_domain_evidence_and_domains_without_measures():
    from huainan.briefs import briefing, peer_report

    health = briefing.peer_evidence("health")
    assert set(health["proxy"]["plan_indicator"]) == {
        "physicians_per_1000",
        "hospital_beds_per_1000",
    }
    child = briefing.peer_evidence("childcare")
    assert child["summary"].empty and child["proxy"].empty
    assert peer_report.no_peer_text("childcare") == (
        "《中国城市统计年鉴》没有可按人均比较的幼有所育领域指标，本节不作全省16市比较。"
    )


def test_peer_charts_draw(tmp_path):
    from huainan.briefs import briefing, charts, peer_charts

    png = charts.to_png(peer_charts.measure_map("physicians_per_1000", 2023))
    assert png.startswith(b"\x89PNG")
    fig = peer_charts.measure_bars("pupils_per_teacher_primary")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[-1] == "黄山市" and labels[0] == "阜阳市"  # lowest ratio (best) on top
    assert fig.axes[0].get_title(loc="left") == "普通小学生师比（2022年，越低越好）"
    charts.to_png(fig)
    grid = peer_charts.rank_grid(briefing.peer_evidence()["summary"], source="s")
    texts = {t.get_text() for t in grid.axes[0].texts}
    assert "7/16" in texts and "12/16 户" in texts  # 2023 beds; 2021 beds on registered pop.
    charts.to_png(grid)


def test_final_report_block_carries_each_source_as_a_footnote():
    from huainan.briefs import document, peer_report

    block = peer_report.peer_evidence_block()
    notes = [r["note"] for r in block["runs"]]
    assert notes[0].startswith("《中国城市统计年鉴2024》")
    assert "《中国城市统计年鉴2021》" in notes[1]  # the 2020 values of the change
    assert notes[2].endswith(".pdf") and "淮南市财政局" in notes[2]
    assert "".join(r["text"] for r in block["runs"]) == peer_report.peer_evidence_paragraph()
    assert document.to_html([block]).count('class="hn-fn"') == 3
