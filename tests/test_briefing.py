"""briefing and gaps_report: the sections of the domain and city briefs besides the evaluation
table, on shipped data (nothing reported by the units: the briefs say so) and on a FAKE return."""

import pandas as pd
import pytest

from huainan.briefs import briefing, gaps_report, report
from huainan.evidence import observed
from huainan.measures.evaluation import evaluate
from huainan.plan import domains


def test_every_domain_has_a_population_context_entry():
    assert set(gaps_report.CONTEXT_INDICATORS) == set(domains.DOMAIN_IDS)


def test_select_units():
    assert briefing.select_units(None) == [
        "340402",
        "340403",
        "340404",
        "340405",
        "340406",
        "340421",
        "340422",
    ]
    with pytest.raises(ValueError, match="not county-level units"):
        briefing.select_units(["340400", "340421"])
    with pytest.raises(ValueError, match="at least two"):
        briefing.select_units(["340421"])


def test_population_context_is_census_values_without_indices():
    t = gaps_report.population_context("education").set_index("indicator")
    # 2020 census, average years of schooling (aged 6+): 大通 8.73, 田家庵 10.78, 寿县 8.01,
    # the city 8.88 — one format per row (two decimals here)
    row = t.loc["avg_years_schooling"]
    assert (row["大通区"], row["田家庵区"], row["寿县"], row["淮南市"]) == (
        "8.73", "10.78", "8.01", "8.88",
    )  # fmt: skip
    assert not {"cv", "变异系数", "sigma"} & set(t.columns)  # context, no indices or verdicts
    assert gaps_report.population_context("veterans").empty
    sub = gaps_report.population_context("education", ["340421", "340422"])
    assert list(sub.columns) == ["indicator", "name_zh", "unit", "凤台县", "寿县", "淮南市"]


def test_population_context_percentiles_follow_the_comparison_parameter():
    t = gaps_report.population_context("elderly_care", comparison="anhui")
    rows = t[t["indicator"] == "share_age_80plus"].set_index("name_zh")
    pct = rows.loc["　在安徽省105个县级单位中的百分位"]
    # 2020 census: 谢家集区 has Anhui's highest share aged 80+ (4.59 %) among its 105
    # county-level units: 100 · (104 lower + ½ · 1 tie) / 105 = 99.52 → "99.5" (never 100)
    assert rows.loc["80岁及以上人口占比", "谢家集区"] == "4.59"
    assert pct["谢家集区"] == "99.5" and pct["淮南市"] == "—"
    china = gaps_report.population_context("elderly_care", comparison="china")
    assert "　在全国2855个县级单位中的百分位" in set(china["name_zh"])
    assert "百分位" not in "".join(gaps_report.population_context("elderly_care")["name_zh"])
    assert "安徽省县级单位" in gaps_report.population_context_text("elderly_care", "anhui")
    with pytest.raises(ValueError, match="comparison must be one of"):
        gaps_report.population_context("elderly_care", comparison="world")


@pytest.fixture(scope="module")
def shipped():
    return gaps_report.gap_evidence(observed.all_observations())


def test_on_the_shipped_data_the_gap_sections_say_what_is_missing(shipped):
    # no unit has reported any plan indicator: said in words, nothing computed or filled
    assert shipped.gaps.empty and shipped.panel.empty
    text = gaps_report.regional_markdown(shipped, "health")
    assert text.startswith("**本领域主要指标尚无各县区报送的数值，无法比较县区差距。**")
    assert "每千人口执业(助理)医师数、每千人口拥有注册护士数" in text
    assert gaps_report.urban_rural_markdown(shipped, "health").startswith(
        "城乡差距：尚无分城镇、乡村的报送数值。本领域需要分城乡比较的指标为每千人口执业(助理)医师数"
    )
    assert "不分城镇、乡村监测" in gaps_report.urban_rural_markdown(shipped, "veterans")
    # the requirement of each standard is computed from the census; no supply, no gap
    short = shipped.shortfalls.set_index(["standard_id", "region_code"])
    assert short.at[("nursery_places", "340402"), "requirement"] == pytest.approx(
        165671 * 4.6 / 1000
    )  # 762.09 places
    assert short.at[("physicians", "340400"), "requirement"] == pytest.approx(3033528 * 2.55 / 1000)
    assert shipped.shortfalls["supply"].isna().all()
    text = gaps_report.shortfall_markdown(shipped, "health")
    # 3,033,528 × 2.55 / 1,000 = 7,735.4964 → 7,735
    assert "按每千人口 2.55 人的标准，7个县区共需执业（助理）医师约 7,735 人" in text
    assert "现有执业（助理）医师未报送，缺口无法计算" in text
    assert gaps_report.shortfall_markdown(shipped, "veterans").startswith("**规划未给优军服务保障")


def test_report_findings_by_section(shipped):
    f = gaps_report.report_findings(shipped)
    assert set(f["section"]) == set(gaps_report.REPORT_SECTIONS)
    assert (f["kind"] == "missing").any()
    assert f["sentence_zh"].str.endswith("。").all()


FAKE = [
    ("340402", 2021, "nursery_places_per_1000", 1.2), ("340402", 2025, "nursery_places_per_1000", 3.9),
    ("340422", 2021, "nursery_places_per_1000", 0.7), ("340422", 2025, "nursery_places_per_1000", 2.9),
    ("340403", 2021, "nursery_places_per_1000", 2.0), ("340403", 2025, "nursery_places_per_1000", 4.4),
]  # fmt: skip


def test_with_a_fake_return_the_sections_show_county_gaps(shipped):
    rows = pd.DataFrame(
        [dict(region_code=c, year=y, area="total", indicator=i, unit="个", value=v,
              source="县区监测报送（FAKE 测试数据）", source_ref="t.csv", note="",
              origin="monitoring") for c, y, i, v in FAKE]
    )  # fmt: skip
    obs = pd.concat([shipped.observations, rows], ignore_index=True)
    ev = gaps_report.gap_evidence(obs)
    text = gaps_report.regional_markdown(ev, "childcare")
    # 2025: 寿县 2.9 is 66 % of 田家庵区's 4.4 (2.9 / 4.4 = 0.659)
    assert "寿县每千人口拥有3岁以下婴幼儿托位数 2.9 个，为田家庵区（4.4 个）的 66%" in text
    assert "3个县区之间每千人口拥有3岁以下婴幼儿托位数的差距缩小" in text
    html = gaps_report.spread_styled(ev, "childcare").to_html()
    assert "寿县 0.7" in html and "田家庵区 4.4" in html  # one decimal throughout
    # supply from the reported rate: 寿县 2.9 × 838.507 = 2,431.67 places, 4.6 × 838.507 = 3,857.13
    rows = ev.shortfalls[ev.shortfalls["standard_id"] == "nursery_places"].set_index("region_code")
    assert rows.at["340422", "gap"] == pytest.approx((4.6 - 2.9) * 838.507)
    assert rows.at["340422", "rank"] == 1
    figures = list(gaps_report.regional_charts(ev, "childcare"))
    assert len(figures) == 1


def test_urban_rural_table_is_one_table_with_one_format_per_indicator(shipped):
    rows = pd.DataFrame(
        [dict(region_code="340400", year=2025, area=a, indicator="physicians_per_1000", unit="人",
              value=v, source="市卫生健康委报送（FAKE 测试数据）", source_ref="t.csv", note="",
              origin="monitoring") for a, v in (("urban", 3.0), ("rural", 2.5))]
    )  # fmt: skip
    ev = gaps_report.gap_evidence(pd.concat([shipped.observations, rows], ignore_index=True))
    table = gaps_report.urban_rural_rows(ev, "health")
    row = table.iloc[0]
    # 3.0 / 2.5 = 1.20; 3.0 − 2.5 = 0.5 — one decimal for urban, rural and difference alike
    # (the app wrote "3" next to "2.5" before: a format per column, not per indicator)
    assert (row["城镇"], row["乡村"], row["城镇/乡村"], row["城镇−乡村"]) == (
        "3.0",
        "2.5",
        "1.20",
        "0.5",
    )
    # the 区域差距 app shows the same strings
    from huainan.apps.plan_gaps import PlanGapView

    view = PlanGapView(ev.observations)
    assert all(f">{x}<" in view.urban.value for x in ("3.0", "2.5", "1.20", "0.5"))
    assert "2025年城镇 3.0 人、乡村 2.5 人，城镇为乡村的 1.20 倍（相差 0.5 人）" in view.urban.value


def test_projects_and_services_tables():
    p = briefing.projects_table("employment")
    row = p[p["事项"] == "城镇新增就业"].iloc[0]
    assert (row["目标"], row["期限"]) == ("不少于18 万人", "2021—2025年")
    assert len(briefing.services_table("health")) == 16


def test_data_notes_name_the_missing_indicators():
    obs = pd.DataFrame(
        columns=[
            "region_code",
            "year",
            "area",
            "indicator",
            "unit",
            "value",
            "source",
            "source_ref",
            "note",
        ]
    )
    table = evaluate(2025, observations=obs)
    table = table[table["domain"] == "health"]
    notes = briefing.data_notes("health", table, pd.DataFrame())
    assert "暂无观测值的指标（4 项）" in notes and "人均预期寿命" in notes
    assert "huainan" not in notes  # no command-line jargon for officials
    assert "尚无两个年份的县区报送数值" in notes and "人口背景：第七次全国人口普查" in notes
    html = report.evaluation_table_styled(table).to_html()
    assert "数据暂缺" in html and "约束性" not in html  # health has no binding indicator
