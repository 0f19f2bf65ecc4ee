"""Charts: Chinese text renders with the bundled font (no missing glyphs), titles, units, sources."""

import warnings

import matplotlib
import pandas as pd
import pytest

from huainan.briefs import charts
from huainan.measures.progress import assess_13th

matplotlib.use("Agg")


def _texts(fig):
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def _render_without_missing_glyphs(fig):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    missing = [str(w.message) for w in caught if "Glyph" in str(w.message)]
    assert missing == []


def test_font_is_noto_sans_sc_and_covers_place_names():
    assert charts.use_cjk_font() == "Noto Sans SC"
    fig = matplotlib.pyplot.figure()
    fig.text(0.1, 0.5, "田家庵区 谢家集区 八公山区 潘集区 凤台县 寿县 毛集实验区 ≥ ≤ ‰ −3.5 ㎡")
    _render_without_missing_glyphs(fig)


def test_review_chart():
    fig = charts.review_13th_chart(assess_13th())
    _render_without_missing_glyphs(fig)
    texts = _texts(fig)
    assert any(t.startswith("“十三五”基本公共服务均等化指标完成情况") for t in texts)
    assert any(t.startswith("资料来源") for t in texts)
    assert "实绩 [28.16] / 目标 [20]" in texts
    # 农村危房改造 [1.3555] vs [0.6868]: (1.3555 − 0.6868)/0.6868 = 97.4 % (not clipped)
    assert not any("已截断" in t for t in texts)


def _obs(rows):
    base = dict(area="total", unit="", source="测试来源", source_ref="", note="")
    return pd.DataFrame([{**base, **r} for r in rows])


def test_trajectory_draws_required_path_and_says_when_data_are_missing():
    obs = _obs(
        [dict(region_code="340400", year=2023, indicator="nursery_places_per_1000", value=2.0)]
    )
    fig = charts.trajectory_chart("nursery_places_per_1000", obs)
    _render_without_missing_glyphs(fig)
    ax = fig.axes[0]
    path = next(line for line in ax.get_lines() if line.get_linestyle() == "--")
    years, values = path.get_data()
    # required path in 2023: 0.9·(4.6/0.9)^(3/5) = 2.4015
    assert values[list(years).index(2023)] == pytest.approx(0.9 * (4.6 / 0.9) ** 0.6)
    assert "观测值：测试来源" in " ".join(_texts(fig))
    empty = charts.trajectory_chart("life_expectancy", obs.iloc[0:0])
    assert "2021—2025年无观测值" in _texts(empty)


def _dashed(ax):
    return [line for line in ax.get_lines() if line.get_linestyle() == "--"]


def test_no_required_path_without_an_observation_after_the_baseline():
    # nothing observed since 2020: the baseline point and the target star only, no path
    base = _obs([dict(region_code="340400", year=2020, indicator="nurses_per_1000", value=3.1)])
    ax = charts.trajectory_chart("nurses_per_1000", base.iloc[0:0]).axes[0]
    assert len(ax.get_lines()) == 0
    points = [c.get_offsets().tolist() for c in ax.collections]
    assert [[2020.0, 3.1]] in points and [[2025.0, 3.15]] in points
    assert "2021—2025年无观测值" in _texts(ax.figure)
    # a 2020 value is the baseline year, not an observation after it: still no path
    assert _dashed(charts.trajectory_chart("nurses_per_1000", base).axes[0]) == []


def test_observed_values_are_joined_only_across_consecutive_years():
    # 2021, 2022 and 2024: one line (2021–2022); 2024 is a point of its own
    rows = [
        dict(region_code="340400", year=y, indicator="nursery_places_per_1000", value=v)
        for y, v in [(2021, 1.2), (2022, 1.5), (2024, 2.6)]
    ]
    ax = charts.trajectory_chart("nursery_places_per_1000", _obs(rows)).axes[0]
    solid = [line for line in ax.get_lines() if line.get_linestyle() == "-"]
    assert len(solid) == 1 and list(solid[0].get_data()[0]) == [2021, 2022]
    assert len(_dashed(ax)) == 1  # an observation after the baseline: the path is drawn
    drawn = [p for c in ax.collections for p in c.get_offsets().tolist()]
    assert [2024.0, 2.6] in drawn


def test_reference_series_is_points_joined_only_between_consecutive_years():
    # Anhui's 高中阶段教育毛入学率 in 2019 and 2024 (nothing between): two points, no line
    rows = [
        dict(region_code="340000", year=y, indicator="senior_secondary_gross_enrolment", value=v)
        for y, v in [(2019, 91.0), (2024, 93.5)]
    ] + [dict(region_code="340400", year=2024, indicator="senior_secondary_gross_enrolment",
              value=94.0)]  # fmt: skip
    ax = charts.trajectory_chart("senior_secondary_gross_enrolment", _obs(rows)).axes[0]
    assert [line for line in ax.get_lines() if line.get_linestyle() == ":"] == []
    anhui = [c for c in ax.collections if c.get_label() == "安徽省（参照值）"]
    assert anhui[0].get_offsets().tolist() == [[2019.0, 91.0], [2024.0, 93.5]]
    # a third year next to 2024 is joined to it, and only to it
    rows.append(dict(region_code="340000", year=2025, indicator="senior_secondary_gross_enrolment",
                     value=94.2))  # fmt: skip
    ax = charts.trajectory_chart("senior_secondary_gross_enrolment", _obs(rows)).axes[0]
    dotted = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert len(dotted) == 1 and list(dotted[0].get_data()[0]) == [2024, 2025]


def test_series_segments():
    assert charts.series_segments([2021, 2023, 2024], [1, 2, 3]) == [([2023, 2024], [2, 3])]
    assert charts.series_segments([2025], [1]) == []


def test_trajectory_of_a_five_year_total_uses_the_linear_path():
    obs = _obs(
        [
            dict(
                region_code="340400",
                year=2022,
                indicator="old_residential_renovation_to_date",
                value=274.0,
            )
        ]
    )
    ax = charts.trajectory_chart("old_residential_renovation", obs).axes[0]
    path = next(line for line in ax.get_lines() if line.get_linestyle() == "--")
    assert list(path.get_data()[1]) == pytest.approx([0, 86, 172, 258, 344, 430])


def test_unit_bars_mark_missing_units_and_references():
    values = pd.DataFrame({"region_code": ["340402", "340421"], "value": [22.0, -1.5]})
    fig = charts.unit_bars(
        values,
        title="测试",
        unit="%",
        source="资料来源：测试",
        references={"淮南市": 21.6, "全国": float("nan")},
    )
    _render_without_missing_glyphs(fig)
    texts = _texts(fig)
    assert texts.count("无数据") == 5  # seven units, two with values
    assert "−1.5" in texts and "22.0" in texts  # true minus sign; one format for all labels
    assert any("无参照值：全国" in t for t in texts)
    legend = fig.axes[0].get_legend()
    # the legend is under the axes, never over the bars or their labels
    assert legend.get_bbox_to_anchor().y1 < fig.axes[0].get_window_extent().y0


def test_rates_near_100_are_dots_on_an_axis_that_shows_the_differences():
    values = pd.DataFrame(
        {"region_code": ["340402", "340403", "340421"], "value": [92.0, 99.5, 96.25]}
    )
    fig = charts.unit_bars(values, title="测试", unit="%", source="资料来源：测试")
    ax = fig.axes[0]
    assert len(ax.patches) == 0  # no bars from 0
    lo, hi = ax.get_xlim()
    assert 80 < lo < 92 and 99.5 < hi < 105
    assert {"92.0", "99.5", "96.3"} <= set(_texts(fig))  # 3 significant digits, half up
    assert any("横轴未从0开始" in t for t in _texts(fig))


def test_choropleth_labels_every_unit_and_says_which_have_no_data():
    values = pd.DataFrame(
        {"region_code": ["340402", "340422", "340421"], "value": [22.0, 25.31, 18.0]}
    )
    fig = charts.choropleth(
        values, title="60岁及以上人口占比（2020年）", unit="%", source="资料来源：测试"
    )
    _render_without_missing_glyphs(fig)
    texts = _texts(fig)
    assert "寿县\n25.31" in texts and "大通区\n22" in texts
    assert sum(t.endswith("\n无数据") for t in texts) == 4
    assert any("边界：CTAmap 2021" in t for t in texts)


def test_five_year_total_from_annual_values_sums_consecutive_years_only():
    # 2021: 100, 2022: 120, 2024: 90 (2023 missing): the running total is drawn for 2021–2022
    # only (100, 220); 2024 cannot be added without 2023
    obs = _obs(
        [
            dict(region_code="340400", year=y, indicator="old_residential_renovation", value=v)
            for y, v in [(2021, 100.0), (2022, 120.0), (2024, 90.0)]
        ]
    )
    ax = charts.trajectory_chart("old_residential_renovation", obs).axes[0]
    solid = [line for line in ax.get_lines() if line.get_linestyle() == "-"]
    years, values = solid[0].get_data()
    assert list(years) == [2021, 2022] and list(values) == [100.0, 220.0]


# ------------------------------------------------------------------------------------------
# gap charts (huainan.briefs.gap_charts)
# ------------------------------------------------------------------------------------------


def _panel(rows):
    from huainan.plan import regions

    names = regions.regions().set_index("code")["name_zh"]
    return pd.DataFrame(
        [
            dict(indicator_id="nursery_places_per_1000", indicator_zh="每千人口托位数", unit="个",
                 region_code=c, name_zh=names[c], year=y, value=v)
            for c, y, v in rows
        ]
    )  # fmt: skip


def test_county_trend_draws_no_segment_across_a_missing_year():
    from huainan.briefs import gap_charts

    # 大通区 2021–2025 every year: one line; 寿县 2021, 2022, 2024, 2025: two lines
    # (2021–2022, 2024–2025), none across 2023; 凤台县 2021 and 2025 only: points, no line
    rows = [("340402", y, 1.0 + 0.5 * (y - 2021)) for y in range(2021, 2026)]
    rows += [("340422", y, 0.7 + 0.5 * (y - 2021)) for y in (2021, 2022, 2024, 2025)]
    rows += [("340421", 2021, 0.8), ("340421", 2025, 3.0)]
    fig = gap_charts.county_trend_chart(_panel(rows), "nursery_places_per_1000", target=4.6,
                                        target_label="2025年目标 4.6")  # fmt: skip
    _render_without_missing_glyphs(fig)
    ax = fig.axes[0]
    solid = [line for line in ax.get_lines() if line.get_linestyle() == "-"]
    spans = sorted(tuple(int(y) for y in line.get_xdata()) for line in solid)
    assert spans == [(2021, 2022), (2021, 2022, 2023, 2024, 2025), (2024, 2025)]
    assert len([line for line in ax.get_lines() if line.get_linestyle() == "--"]) == 1  # target
    legend = ax.get_legend()
    assert legend.get_bbox_to_anchor().x0 >= ax.get_window_extent().x1  # right of the data
    source = "".join(_texts(fig)).replace("\n", "")
    assert "无数据：田家庵区、谢家集区、八公山区、潘集区" in source  # never reported: named


def test_shortfall_chart_names_units_without_supply():
    from huainan.briefs import gap_charts

    t = pd.DataFrame({
        "standard_id": "physicians", "provision_zh": "执业（助理）医师", "unit": "人",
        "region_code": ["340422", "340403", "340402", "340400"],
        "name_zh": ["寿县", "田家庵区", "大通区", "合计"],
        "requirement": [2138.2, 1861.7, 422.5, 4422.4],
        "supply": [1718.9, 2044.2, float("nan"), float("nan")],
        "gap": [419.3, -182.5, float("nan"), float("nan")],
    })  # fmt: skip
    fig = gap_charts.shortfall_chart(t, "physicians")
    _render_without_missing_glyphs(fig)
    texts = _texts(fig)
    assert {"419", "−182", "未报送"} <= set(texts)
    assert len(fig.axes[0].patches) == 3  # the city total is not a bar
