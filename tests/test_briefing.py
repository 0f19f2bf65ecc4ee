"""briefing: the regional, urban-rural and shortfall evidence of the domain briefs, on shipped data."""

import pandas as pd
import pytest

from huainan.briefs import briefing, report
from huainan.measures.evaluation import evaluate
from huainan.plan import domains


def test_every_domain_has_an_entry():
    assert set(briefing.GAP_INDICATORS) == set(domains.DOMAIN_IDS)


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


def test_disparity_of_schooling_matches_hand_arithmetic():
    s = briefing.disparity_summary("education").set_index("indicator")
    r = s.loc["avg_years_schooling"]
    # 2020 census, average years of schooling (aged 6+): 大通 8.73, 田家庵 10.78, 谢家集 8.73,
    # 八公山 9.20, 潘集 8.02, 凤台 8.27, 寿县 8.01. Mean = 61.74/7 = 8.82;
    # Σy² = 550.1476 → var = 550.1476/7 − 8.82² = 0.800114 → sd = 0.894491 → CV = 0.101416
    assert (r["min_unit"], r["min"], r["max_unit"], r["max"]) == ("寿县", 8.01, "田家庵区", 10.78)
    assert r["max_min_ratio"] == pytest.approx(10.78 / 8.01)
    assert r["cv"] == pytest.approx(0.101416, abs=1e-6)
    assert r["year"] == 2020 and r["first_year"] == 2010
    assert r["city"] == 8.88 and r["anhui"] == 9.01 and r["china"] == 9.5
    assert briefing.disparity_summary("veterans").empty


def test_disparity_over_a_subset_of_units():
    s = briefing.disparity_summary("education", units=["340421", "340422"]).set_index("indicator")
    # 凤台 8.27 and 寿县 8.01: mean 8.14, sd = 0.13, CV = 0.13/8.14
    assert s.at["avg_years_schooling", "cv"] == pytest.approx(0.13 / 8.14)
    assert s.at["avg_years_schooling", "n"] == 2


def test_urbanization_table():
    t = briefing.urbanization_table().set_index("region_code")
    # 2020 census: 大通区 urban 120,733 of 165,671 = 72.875 %; 淮南市 1,852,729 of 3,033,528
    assert t.at["340402", "rate_2020"] == pytest.approx(120733 / 165671 * 100)
    assert t.at["340400", "rate_2020"] == pytest.approx(1852729 / 3033528 * 100)
    assert t.at["340400", "urban_2020"] + t.at["340400", "rural_2020"] == 3033528


def test_shortfall_requirement_from_census():
    [(standard, table)] = briefing.shortfall_tables("childcare")
    assert standard["rate"] == 4.6
    t = table.set_index("region_code")
    assert t.at["340402", "requirement"] == pytest.approx(165671 * 4.6 / 1000)  # 762.09 places
    assert t.at["340400", "requirement"] == pytest.approx(3033528 * 4.6 / 1000)
    assert t["supply"].isna().all()  # nothing reported: requirement only, never invented
    assert briefing.shortfall_tables("health") == []


def test_projects_and_services_tables():
    p = briefing.projects_table("employment")
    row = p[p["事项"] == "城镇新增就业"].iloc[0]
    assert (row["目标"], row["期限"]) == ("不少于18 万人", "2021—2025年")
    assert len(briefing.services_table("health")) == 16


def test_percentiles_are_within_0_100():
    w = briefing.percentile_summary("education", "china")
    assert w.shape == (7, 4)
    assert ((w >= 0) & (w <= 100)).all().all()
    with pytest.raises(ValueError):
        briefing.percentile_summary("education", "world")


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
    notes = briefing.data_notes("health", table, briefing.disparity_summary("health"))
    assert "暂无观测值的指标（4 项）" in notes and "人均预期寿命" in notes
    assert "huainan" not in notes  # no command-line jargon for officials
    html = report.evaluation_table_styled(table).to_html()
    assert "数据暂缺" in html and "约束性" not in html  # health has no binding indicator


def test_reported_unit_values_and_their_spread():
    obs = pd.DataFrame(
        [
            dict(
                region_code=c,
                year=2023,
                area="total",
                indicator="nursery_places_per_1000",
                unit="个",
                value=v,
                source="测试报送",
                source_ref="",
                note="",
                origin="monitoring",
            )
            for c, v in [("340400", 2.8), ("340421", 1.7), ("340422", 1.9), ("340402", 2.1)]
        ]
    )
    [(ind, values)] = briefing.reported_unit_values("childcare", 2025, observations=obs)
    assert ind["indicator_id"] == "nursery_places_per_1000" and ind["year"] == 2023
    assert values["value"].notna().sum() == 3  # four others did not report: NaN, not filled
    assert values.attrs["references"] == {"淮南市（2023年）": 2.8, "2025年目标": 4.6}
    text = report.reported_gap_text(ind, values)
    # 2.1, 1.7, 1.9: mean 1.9, sd = sqrt(((0.2)² + (0.2)² + 0)/3) = 0.163299, CV = 0.085947
    assert "7 个县区中 3 个报送" in text and "最高/最低 1.24" in text and "变异系数 0.086" in text
    assert "未报送：田家庵区、谢家集区、八公山区、潘集区" in text
    assert briefing.reported_unit_values("health", 2025, observations=obs) == []
