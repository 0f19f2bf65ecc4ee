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
    assert "2021年以来暂无观测数据" in _texts(empty)


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
    assert "−1.5" in texts  # true minus sign
    assert any("无参照值：全国" in t for t in texts)


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
