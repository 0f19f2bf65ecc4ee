"""The app builders (huainan.apps) without a browser: data selection, tables, redraws, and
failures shown as a plain Chinese message with the details in the server log."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from huainan.apps import base, logs, monitor, prerender, regional, whatif
from huainan.apps import cache as app_cache
from huainan.evidence import observed, stats
from huainan.measures import comparators, evaluation, scenarios

PNG = b"\x89PNG"


@pytest.fixture(scope="module")
def obs():
    return observed.all_observations()


def _monitoring(*rows):
    """Monitoring-store rows (region, year, indicator, value, unit) in the long format."""
    return pd.DataFrame(
        [
            {
                "region_code": r,
                "year": y,
                "area": "total",
                "indicator": i,
                "unit": u,
                "value": float(v),
                "source": "测试报表",
                "source_ref": "t",
                "note": "",
                "origin": "monitoring",
            }
            for r, y, i, v, u in rows
        ]
    )


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def server_log():
    logs.server_log()
    cap = _Capture()
    logs.LOG.addHandler(cap)
    yield cap
    logs.LOG.removeHandler(cap)


# ------------------------------------------------------------------------------------------
# failures: a friendly message on screen, the traceback in the log
# ------------------------------------------------------------------------------------------


def test_a_failing_chart_shows_the_friendly_message_and_logs_the_traceback(server_log):
    panel = base.ChartPanel("测试图")

    def broken():
        raise ZeroDivisionError("boom")

    panel.show("k", broken)
    assert panel.widget.children == (panel.error,)
    assert "测试图：" + base.FAILURE_ZH in panel.error.value
    assert "ZeroDivisionError" not in panel.error.value
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in server_log.records)


def test_a_failing_screen_is_replaced_by_the_message(server_log):
    def build():
        raise KeyError("no such indicator")

    w = base.guard("规划监测", build)
    assert base.FAILURE_ZH in w.value and "KeyError" not in w.value
    assert server_log.records[-1].levelno == logging.ERROR


def test_messages_escape_text():
    assert "&lt;b&gt;" in base.message_html("<b>", "warn")
    with pytest.raises(ValueError):
        base.message_html("x", "fatal")


# ------------------------------------------------------------------------------------------
# data for the regional view
# ------------------------------------------------------------------------------------------


def test_unit_values_per_1000_residents(obs):
    v = regional.unit_values(obs, "pop_age_60plus", 2020, basis="per_1000", unit="人")
    row = v.set_index("region_code").loc["340402"]
    # 大通区: 36,441 people aged 60+ / 165,671 residents × 1,000 = 219.96 (2020 census)
    assert row["raw"] == 36441 and row["denominator"] == 165671
    assert row["value"] == pytest.approx(219.96, abs=0.005)
    assert row["unit"] == "人/千人"
    assert len(v) == 7 and v["value"].notna().all()


def test_unit_values_convert_wan_units_before_dividing(obs):
    o = _monitoring(("340402", 2023, "nursery_places", 0.03, "万个"))
    v = regional.unit_values(o, "nursery_places", 2023, basis="per_1000", unit="万个")
    # 0.03 万个 = 300 places; / 165,671 residents (2020 census) × 1,000 = 1.8108
    assert v.set_index("region_code").loc["340402", "value"] == pytest.approx(1.8108, abs=1e-4)
    assert v["unit"].iloc[0] == "个/千人"
    assert v["value"].isna().sum() == 6  # the other six reported nothing: no data, not zero


def test_indicator_choices_offer_census_and_ingested_indicators(obs):
    both = pd.concat(
        [obs, _monitoring(("340421", 2023, "physicians_per_1000", 2.1, "人"))], ignore_index=True
    )
    c = regional.indicator_choices(both).set_index("indicator")
    assert c.loc["share_age_60plus", "years"] == [2020, 2010]
    assert c.loc["share_age_60plus", "national_column"] == "share_age_60plus"
    assert c.loc["physicians_per_1000", "origin"] == "监测报送"
    assert c.loc["physicians_per_1000", "national_column"] == ""
    # plan order of domains, the census denominators (context) last
    assert c["domain"].iloc[0] == "childcare" and c["domain"].iloc[-1] == "context"


def test_percentiles_turn_counts_into_rates_first(obs):
    c = regional.indicator_choices(obs).set_index("indicator", drop=False)
    pr = regional.percentile_table(c.loc["pop_age_60plus"], 2020, "per_1000")
    nat = comparators.comparison_base(stats.national_counties(2020))  # functional zones left out
    rate = nat["pop_age_60plus"] / nat["population"] * 1000
    dt = pr[(pr["region_code"] == "340402") & (pr["scope"] == "china")].iloc[0]
    mine = 36441 / 165671 * 1000
    # mid-rank percentile: share of counties below plus half the ties
    expected = (
        100
        * ((rate < mine - 1e-9).sum() + 0.5 * ((rate - mine).abs() <= 1e-9).sum())
        / rate.notna().sum()
    )
    assert dt["percentile"] == pytest.approx(expected)
    assert regional.percentile_table(c.loc["pop_age_60plus"], 2010, "raw") is None


def test_disparity_rows_say_what_was_left_out(obs):
    v = regional.unit_values(obs, "share_age_60plus", 2020, unit="%")
    v.loc[v["region_code"] == "340422", "value"] = float("nan")
    rows, note = regional.disparity_rows(v, stats.census_denominators("population", 2020))
    assert rows.set_index("指标").loc["单元数（有数据）", "数值"] == "6 / 7"
    assert "1 个区县无数据" in note


# ------------------------------------------------------------------------------------------
# the screens, driven in Python
# ------------------------------------------------------------------------------------------


def test_monitor_domain_and_stage(obs):
    app = monitor.MonitorApp(obs)
    assert bytes(app.chart.image.value).startswith(PNG)
    app.domain.value = "elderly_care"
    assert app.table.value.count("<tr>") == 1 + 4  # header + the four 老有所养 indicators
    assert {v for _, v in app.indicator.options} == {
        "nursing_bed_share",
        "new_area_elderly_facility_compliance",
        "pension_insurance_coverage",
        "elderly_care_beds_total",
    }
    # binding (约束性) first
    assert app.indicator.options[0][1] == "nursing_bed_share"
    assert "使用2025年" in app.status.value  # the final evaluation is shown first
    app.domain.value = "housing"
    # 城镇老旧小区改造: 274 for 2021—2022 only (shipped data) — said apart from the missing ones
    assert "另有 1 项五年累计指标只有部分年份的数值" in app.status.value
    assert "2 项指标没有可用于评估的数值" in app.status.value
    app.domain.value = "elderly_care"
    app.stage.value = "midterm"
    assert "使用截至2023年的数值" in app.status.value


def test_monitor_uses_reported_values(obs):
    both = pd.concat(
        [obs, _monitoring(("340400", 2023, "nursery_places_per_1000", 2.0, "个"))],
        ignore_index=True,
    )
    app = monitor.MonitorApp(both)
    app.domain.value = "childcare"
    assert "数据暂缺" in app.table.value  # final evaluation: no 2025 value
    app.stage.value = "annual"
    # 0.9 (2020) → 2.0 (2023), target 4.6: R = 0.79 < 0.95, behind schedule (progress.assess)
    assert "滞后于预期" in app.table.value and "R = 0.79" in app.table.value
    assert app.indicator.value == "nursery_places_per_1000"  # the one with data is shown first


def test_monitor_says_a_published_running_total_is_one_and_compares_it_with_the_linear_path(obs):
    app = monitor.MonitorApp(obs)
    app.stage.value = "annual"
    app.domain.value = "housing"
    app.indicator.value = "old_residential_renovation"
    rows, _ = monitor.evaluation_rows(app.table_for("annual"))
    row = rows.set_index("指标").loc["城镇老旧小区改造"]
    # 274 estates renovated in 2021–2022 (a published running total), five-year target [430]:
    # linear path to 2022 = 430 × 2/5 = 172; R = 274 / 172 = 1.593 ≥ 1.05: ahead of schedule
    assert row["数值年份"] == "2021—2022" and row["采用数值"] == "274"
    assert row["差距或进度"] == "R = 1.59" and row["结论"] == "快于预期"
    assert row["证据"] == "第三方转载或报道"
    assert "2022年应累计完成 172" in row["说明"]
    detail = app.detail.value
    assert "430 × 2/5" in detail and "274 ÷ 172 = 1.59" in detail
    # the source: title, address (a link) and the note saying it is a third-party repost
    assert "淮南市政府新闻办发布会" in detail
    assert 'href="http://guoou168.cn/index/huainanshenghuo/28859.html"' in detail
    assert "第三方转载页(淮南生活频道)" in detail and "并非政府网站原文" in detail
    # the final evaluation: 2023–2025 missing, 274 is only a lower bound of the five-year total
    app.stage.value = "final"
    final = app.table_for("final").set_index("indicator_id").loc["old_residential_renovation"]
    assert final["verdict"] == "no_data" and "缺2023、2024、2025年数据" in final["note"]


def test_indicator_detail_lists_the_annual_values_a_running_total_sums(obs):
    # a five-year total reported year by year (监测报送): the sum is the value used and
    # each year's return is named as a source
    both = pd.concat(
        [
            obs,
            _monitoring(
                ("340400", 2021, "subsidised_vocational_training", 4.0, "万人"),
                ("340400", 2022, "subsidised_vocational_training", 5.0, "万人"),
            ),
        ],
        ignore_index=True,
    )
    app = monitor.MonitorApp(both)
    app.stage.value = "annual"
    app.domain.value = "employment"
    app.indicator.value = "subsidised_vocational_training"
    row = (
        app.table_for("annual")
        .set_index("indicator_id", drop=False)
        .loc["subsidised_vocational_training"]
    )
    assert row["value"] == 9.0 and row["value_year"] == "2021—2022"  # 4.0 + 5.0 万人
    used = evaluation.evidence_rows(row, both)
    assert used["year"].tolist() == [2021, 2022]
    # linear path: [23] × 2/5 = 9.2 万人; R = 9 / 9.2 = 0.978: broadly on schedule
    assert row["verdict"] == "as_expected"
    assert "23 × 2/5" in app.detail.value and "9 ÷ 9.2 = 0.978" in app.detail.value
    assert "数值来源（2021、2022年，部门报送）：测试报表" in app.detail.value
    assert "第三方" not in app.detail.value


def test_indicator_detail_without_observations_names_the_plan(obs):
    app = monitor.MonitorApp(obs)
    app.indicator.value = "life_expectancy"
    assert "数据暂缺" in app.detail.value and "规划期内尚无可用数值" in app.detail.value
    assert "《淮南市“十四五”公共服务规划（征求意见稿）》专栏2" in app.detail.value


def test_regions_plan_gaps_say_what_is_missing_on_the_shipped_data(obs):
    app = regional.RegionsApp(obs)
    view = app.plan_gaps
    assert view.indicator.disabled
    assert "规划主要指标尚无各县区报送的数值" in view.findings.value
    assert "城乡差距：尚无分城镇、乡村的报送数值" in view.urban.value
    assert "各县区现有托位未报送，缺口无法计算" in view.shortfalls.value
    # 寿县: 838,507 × 4.6 / 1,000 = 3,857.13 places needed
    assert '<td class="num">3,857</td>' in view.shortfalls.value


def test_regions_plan_gaps_from_a_reported_panel(obs):
    rows = [
        (c, y, "nursery_places_per_1000", v, "个")
        for c, (a, b) in {"340402": (1.2, 3.9), "340422": (0.7, 2.9), "340403": (2.0, 4.4)}.items()
        for y, v in ((2021, a), (2025, b))
    ]
    data = pd.concat([obs, observed.with_quality(_monitoring(*rows))], ignore_index=True)
    view = regional.RegionsApp(data).plan_gaps
    assert view.indicator.value == "nursery_places_per_1000"
    assert "为田家庵区（4.4 个）的 66%" in view.findings.value
    assert "3个县区之间每千人口拥有3岁以下婴幼儿托位数的差距缩小" in view.findings.value
    assert bytes(view.chart.image.value).startswith(PNG)
    assert "寿县 0.7" in view.table.value  # the technical table after the sentences
    # supply from the reported rates: 寿县 (4.6 − 2.9) × 838.507 = 1,425.46 places short
    assert '<td class="num">1,425</td>' in view.shortfalls.value


def test_regions_basis_only_for_counts(obs):
    app = regional.RegionsApp(obs)
    assert app.indicator.value == "share_age_60plus" and app.basis.disabled
    before = app.bars.image.value
    app.indicator.value = "pop_age_60plus"
    assert not app.basis.disabled
    assert app.bars.image.value != before and bytes(app.choropleth.image.value).startswith(PNG)
    bars = app.bars.image.value
    app.basis.value = "per_1000"
    assert app.bars.image.value != bars
    assert "在全国" in app.percentiles.value


def test_regions_peer_view_16_cities(obs):
    app = regional.RegionsApp(obs)
    pv = app.peers
    assert pv.widget in app.widget.children
    assert (pv.measure.value, pv.year.value) == ("physicians_per_1000", 2023)
    # 2023: 9,480 / 302 万 = 3.14 per 1,000, rank 13 of 16 (see tests/test_peers.py)
    assert '<td class="num">3.14</td>' in pv.ranks.value and "13/16" in pv.ranks.value
    assert bytes(pv.map.image.value).startswith(PNG) and bytes(pv.bars.image.value).startswith(PNG)
    assert "户籍人口" not in pv.info.value  # 2023 is a resident-population year
    bars = pv.bars.image.value
    pv.measure.value = "elderly_beds_per_1000_60plus"
    assert [y for _, y in pv.year.options] == [2023, 2022, 2021]
    pv.year.value = 2021
    assert pv.bars.image.value != bars
    assert "2021年年鉴只有户籍人口" in pv.info.value and "60岁及以上" in pv.info.value
    assert "户籍人口×2020年普查60岁及以上占比" in pv.ranks.value


def test_whatif_sliders(obs):
    app = whatif.WhatIfApp(obs)
    table, chart = app.projections.value, app.chart.image.value
    app.supply.value = 12.0
    assert app.projections.value != table and "按供给年增长 12.0%" in app.projections.value
    assert "推算到2030年" in app.projections.value
    app.population.value = 0.5
    assert app.chart.image.value != chart
    app.standard.value = "community_service_space"
    assert "未报送供给" in app.capacity.value and "规划要求“高于”该标准" in app.capacity.value


def test_whatif_2025_is_a_settled_fact_and_2030_starts_from_the_latest_value(obs):
    import re

    app = whatif.WhatIfApp(obs)
    # the 2025 question is answered by the final evaluation table, not by a projection
    final = evaluation.evaluate(2025, stage="final", observations=obs)
    counts = final["verdict_zh"].value_counts()
    assert f"数据暂缺 {counts['数据暂缺']} 项" in app.settled.value
    assert "预计" not in app.settled.value
    # default population change: the census value −0.96 % a year, on the 0.1 slider as −1.0
    assert app.population.value == -1.0 and round(100 * app.p_census, 2) == -0.96
    intro = app.widget.children[0].value
    assert "默认约 −1.0%" in intro and "“十五五”时期（2026—2030年）" in intro
    # 谢家集区: 221,589 residents (2020 census) × 0.99^10 = 200,400.6 in 2030;
    # × 4.6 / 1,000 = 921.84 places → 922
    assert '<td class="num">922</td>' in app.capacity.value
    assert not re.search(r"\d\.\d{3}", app.capacity.value)
    rows, _ = whatif.projection_rows(
        scenarios.project_indicators(
            app.assumptions(), observations=obs, targets=app.targets_2030(), table=app.table
        )
    )
    by_name = rows.set_index("指标")
    # only the 2020 baseline is known: projected, but no verdict, said in grey words
    nursery = by_name.loc["每千人口拥有3岁以下婴幼儿托位数"]
    assert nursery["推算结果"] == "仅有2020年基期值，推算仅供参考"
    assert nursery["起点"] == "0.9（2020年基期值，仅供参考）"
    # (1 − 0.01) × (4.6 / 0.9)^(1/10) − 1 = 0.99 × 1.177209 − 1 = 0.165437
    assert nursery["达到目标所需供给年增速"] == "16.5%"
    assert "仅供参考" in app.projections.value and "预计达到 " in app.projections.value
    # 城镇老旧小区改造: 274 (2021–2022, a repost) → 137 a year; the 十五五 total
    # 137 × (1.05⁴ + … + 1.05⁸) = 137 × 6.716439 = 920.15 ≥ 430 (the 十四五 total kept)
    reno = by_name.loc["城镇老旧小区改造"]
    assert reno["起点"] == "274（“十四五”2021—2022年累计）"
    assert (reno["2030年推算值"], reno["推算结果"]) == ("920.2", "预计达到")


def test_whatif_2030_target_typed_in_moves_projection_and_capacity(obs):
    app = whatif.WhatIfApp(obs)
    before = app.capacity.value
    app.targets["nursery_places_per_1000"].value = 6.0
    assert "6（用户设定）" in app.projections.value
    # 谢家集区: 200,400.6 residents in 2030 × 6 / 1,000 = 1,202.4 places → 1,202
    assert app.capacity.value != before and '<td class="num">1,202</td>' in app.capacity.value
    assert "按设定的2030年水平 6（规划标准 4.6）测算" in app.capacity.value


def test_capacity_chart_values_keep_missing_values():
    v = pd.DataFrame({"region_code": ["340402", "340403"], "value": [12_345.0, float("nan")]})
    out, unit = whatif.capacity_chart_values(v, "张")
    assert unit == "万张" and out["value"].iloc[0] == 1.2 and pd.isna(out["value"].iloc[1])


# ------------------------------------------------------------------------------------------
# the chart cache shared by the server's kernels
# ------------------------------------------------------------------------------------------


def test_disk_cache_answers_without_drawing(tmp_path):
    cache = app_cache.PngCache(tmp_path, fingerprint="f1")
    first = base.ChartPanel("图", cache=cache)
    calls = []

    def draw():
        import matplotlib.pyplot as plt

        calls.append(1)
        fig, ax = plt.subplots()
        ax.plot([1, 2])
        return fig

    first.show(("k", 1), draw)
    assert len(calls) == 1 and cache.path(("k", 1)).exists()
    second = base.ChartPanel("图", cache=app_cache.PngCache(tmp_path, fingerprint="f1"))
    second.show(("k", 1), draw)  # another kernel: read from disk, not drawn again
    assert len(calls) == 1
    assert bytes(second.image.value) == bytes(first.image.value)
    # other data or code: another folder, and prune removes the old one
    other = app_cache.PngCache(tmp_path, fingerprint="f2")
    assert other.get(("k", 1)) is None
    assert other.prune() == 1 and not (tmp_path / "f1").exists()


def test_fingerprint_follows_the_data(tmp_path, monkeypatch):
    import shutil

    from huainan.paths import data_dir

    copy = tmp_path / "data"
    shutil.copytree(data_dir() / "plan", copy / "plan")
    monkeypatch.setenv("HUAINAN_DATA_DIR", str(copy))
    before = app_cache.inputs_fingerprint()
    assert app_cache.inputs_fingerprint() == before
    (copy / "monitoring").mkdir()
    (copy / "monitoring" / "observations.csv").write_text("region_code\n", encoding="utf-8")
    assert app_cache.inputs_fingerprint() != before


def test_prerender_fills_the_cache_and_stops_at_the_deadline(tmp_path, monkeypatch):
    monkeypatch.setenv("HUAINAN_CACHE_DIR", str(tmp_path))
    counts = prerender.prerender(deadline=0)  # only the charts each app draws when built
    cache = app_cache.PngCache()
    # regions: the map and bars of the seven units, the shortfall chart (no plan indicator was
    # reported: no county chart), and the map and bars of the 16-city peer view
    assert counts["monitor"] == 1 and counts["regions"] == 5 and counts["whatif"] == 1
    assert len(list(cache.folder.glob("*.png"))) == 7
    assert not cache.complete  # stopped early: not marked complete


def test_monitor_rows_and_brief_table_show_the_same_cells(obs):
    """The monitor's rows and the brief's styled table are two layouts of one evaluation."""
    from huainan.briefs import report

    both = pd.concat(
        [obs, _monitoring(("340400", 2025, "nursing_bed_share", 51.89, "%"))], ignore_index=True
    )
    table = evaluation.evaluate(2025, observations=both)
    rows, _ = monitor.evaluation_rows(table)
    brief = report.evaluation_table_styled(table).data
    assert rows["指标"].tolist() == brief["指标"].tolist()  # binding first in both
    assert rows["结论"].tolist() == brief["结论"].tolist()
    assert rows["数值年份"].tolist() == brief["数值年份"].tolist()
    row = rows.set_index("指标").loc["养老机构护理型床位占比"]
    assert (row["采用数值"], row["结论"], row["差距或进度"]) == (
        "51.89",
        "未完成",
        "差 3.11 个百分点",
    )
