"""情景推演 (what-if app): supply growth and population change → projected values against the
targets, and the capacity each county must add."""

from __future__ import annotations

import math

import ipywidgets as W
import pandas as pd

from huainan.apps.base import (
    ChartPanel,
    app_observations,
    fresh_screen,
    heading,
    html_table,
    message_html,
    note,
    reported,
    status_css,
    tag,
)
from huainan.briefs import charts
from huainan.formats import number, percent, whole
from huainan.measures import evaluation, scenarios
from huainan.plan import regions

# ---------------------------------------------------------------------------------------------
# 情景推演: what-if to 2025
# ---------------------------------------------------------------------------------------------

_CAPACITY_LABELS = {
    "nursery_places": "托位（每千常住人口4.6个）",
    "elderly_care_beds": "养老床位（每千名60岁及以上老人45张）",
    "community_service_space": "社区综合服务设施面积（每百户30平方米以上）",
}


def required_growth_text(required: float) -> str:
    """The 达标所需供给年增速 cell: the annual supply growth that just reaches the target, shown
    only when growth is needed; ``不增长也可达标`` when even unchanged or shrinking supply reaches
    it (required growth ≤ 0); ``—`` when it cannot be computed.

    Examples
    --------
    >>> required_growth_text(0.372), required_growth_text(-0.411), required_growth_text(0.0)
    ('37.2%', '不增长也可达标', '不增长也可达标')
    >>> required_growth_text(float("nan"))
    '—'
    """
    if pd.isna(required):
        return "—"
    return percent(required) if required > 0 else "不增长也可达标"


def _start_text(r) -> str:
    """The 起点 cell: the start value and what it is (2020 baseline, an observation, or the
    running total of a five-year target since 2021)."""
    if pd.isna(r.start_year):
        return "—"
    y = int(r.start_year)
    if r.start_kind == "baseline":
        what = f"{y}年基期值"
    elif r.basis == "cumulative":
        what = f"{scenarios.PLAN_START}—{y}年累计" if y > scenarios.PLAN_START else f"{y}年"
    else:
        what = f"{y}年观测值"
    return f"{number(r.start_value)}（{what}）"


def capacity_chart_values(values: pd.DataFrame, unit: str) -> tuple[pd.DataFrame, str]:
    """Values for the capacity chart, as the table shows them: whole units (places, beds, m²);
    from 10,000 up in 万 of the unit, to one decimal, so bar labels stay short.

    Examples
    --------
    >>> v = pd.DataFrame({"region_code": ["340402", "340422"], "value": [969.353, 3668.09]})
    >>> capacity_chart_values(v, "个")[0]["value"].tolist()
    [969.0, 3668.0]
    >>> w, u = capacity_chart_values(v.assign(value=[13780.1, 92997.1]), "平方米")
    >>> w["value"].tolist(), u
    ([1.4, 9.3], '万平方米')
    """
    finite = values["value"].dropna()
    if not finite.empty and finite.abs().max() >= 10_000:
        return values.assign(value=(values["value"] / 10_000).round(1)), "万" + unit
    return values.assign(value=values["value"].round(0)), unit


def projection_rows(proj: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Display rows and CSS of :func:`huainan.measures.scenarios.project_indicators` output: the
    projected indicators first (per-capita, totals, five-year totals), then the others.
    """
    modelled = proj[proj["basis"] != "not_modelled"]
    outcome_colour = {
        "met": "met",
        "not_met": "not_met",
        "borderline": "borderline",
        "no_data": "no_data",
        "qualitative": "qualitative",
        "needs_reference": "needs_reference",
    }
    basis_zh = {"per_capita": "人均", "total": "总量", "cumulative": "五年累计"}
    rows = pd.DataFrame(
        {
            "指标": modelled["name_zh"],
            "单位": modelled["unit"],
            "类型": modelled["basis"].map(basis_zh),
            "起点": [_start_text(r) for r in modelled.itertuples(index=False)],
            "2025年推算值": [number(v) for v in modelled["projected"]],
            "2025年目标值": modelled["target_text"],
            "推算结果": modelled["outcome_zh"],
            "达标所需供给年增速": [required_growth_text(v) for v in modelled["required_growth"]],
            "说明": modelled["note"],
        }
    ).reset_index(drop=True)
    css = pd.DataFrame("", index=rows.index, columns=rows.columns)
    css["推算结果"] = [status_css(outcome_colour.get(o, "")) for o in modelled["outcome"]]
    return rows, css


class WhatIfApp:
    """情景推演: supply growth and population change → projected 2025 values vs targets, and the
    capacity each county must add to reach the plan's per-capita standards.

    Attributes
    ----------
    supply, population : ipywidgets.FloatSlider
        Annual supply growth and population change, in per cent.
    standard : ipywidgets.Dropdown
        Which standard the capacity table and chart use.
    projections, capacity : ipywidgets.HTML
    chart : ChartPanel
        Capacity to add (or the requirement, when supply is not reported) per county.
    """

    def __init__(self, observations: pd.DataFrame | None = None):
        self.observations, cache = app_observations(observations)
        self.table = evaluation.evaluate(
            scenarios.HORIZON, stage="annual", observations=self.observations
        )
        self.p_census = scenarios.census_population_change()
        default_p = 0.0 if math.isnan(self.p_census) else round(100 * self.p_census, 1)
        self.supply = W.FloatSlider(
            value=5.0,
            min=-10.0,
            max=50.0,
            step=0.5,
            description="供给年增长率（%）",
            continuous_update=False,
            readout_format=".1f",
            style={"description_width": "150px"},
            layout=W.Layout(width="560px"),
        )
        self.population = W.FloatSlider(
            value=default_p,
            min=-3.0,
            max=3.0,
            step=0.1,
            description="人口年变化率（%）",
            continuous_update=False,
            readout_format=".1f",
            style={"description_width": "150px"},
            layout=W.Layout(width="560px"),
        )
        self.standard = W.Dropdown(
            options=[(v, k) for k, v in _CAPACITY_LABELS.items()],
            value="nursery_places",
            description="配置标准",
            layout=W.Layout(width="520px"),
        )
        self.projections = W.HTML()
        self.others = W.HTML()
        self.capacity = W.HTML()
        self.chart = ChartPanel("区县需新增能力图", css_class="hn-chart-capacity", cache=cache)
        for control, name in (
            (self.supply, "hn-supply"),
            (self.population, "hn-population"),
            (self.standard, "hn-standard"),
            (self.projections, "hn-projections"),
            (self.capacity, "hn-capacity"),
        ):
            tag(control, name)
        self.denominators = scenarios.census_denominators()
        self._refresh()
        # supply growth moves the projections only; population moves both
        self.supply.observe(lambda _: self._refresh_projections(), names="value")
        self.population.observe(lambda _: self._refresh(), names="value")
        self.standard.observe(lambda _: self._refresh_capacity(), names="value")
        p_text = (
            f"人口年变化率默认约 {self.population.value:.1f}%（2010—2020年两次人口普查间"
            f"全市常住人口年均变化 {percent(self.p_census, 2)}，滑块以0.1个百分点为一档）。"
            if not math.isnan(self.p_census)
            else ""
        ).replace("-", "\u2212")
        self.widget = W.VBox(
            [
                heading(
                    "情景推演：按现在的速度，2025年能否达标？",
                    "拖动滑块设定供给（托位、床位、医护人员、场地等）每年增长多少、常住人口每年"
                    "变化多少，查看各项指标2025年的推算值是否达到《规划》目标，以及各区县还需新增"
                    "多少服务能力。" + p_text,
                ),
                self.supply,
                self.population,
                self.projections,
                heading(
                    "各区县需新增的服务能力（2025年）",
                    "需求 = 配置标准 × 2025年推算人口；需新增 = 需求 − 已报送的现有供给。"
                    "未报送供给的区县只给出需求总量，不估算供给。",
                ),
                self.standard,
                self.capacity,
                self.chart.widget,
                self.others,
                note(
                    "推算方法：人均指标按（1+供给增速）/（1+人口变化率）逐年复合增长；总量指标按供给"
                    "增速增长；五年累计指标为已完成量加此后各年完成量。起点为最新观测值，没有2020年以后"
                    "观测值时用2020年基期值（表中注明）。人口以2020年第七次全国人口普查为基数。"
                    "资料来源：《淮南市“十四五”公共服务规划（征求意见稿）》专栏2及配置标准；"
                    "第七次全国人口普查分县资料。"
                ),
            ]
        )

    def assumptions(self) -> scenarios.Assumptions:
        return scenarios.Assumptions(self.supply.value / 100.0, self.population.value / 100.0)

    def _refresh(self) -> None:
        self._refresh_projections()
        self._refresh_capacity()

    def _refresh_projections(self) -> None:
        def fail(text):
            self.projections.value = text

        with reported("指标推算表", fail):
            proj = scenarios.project_indicators(
                self.assumptions(), observations=self.observations, table=self.table
            )
            rows, css = projection_rows(proj)
            counts = proj["outcome"].value_counts()
            summary = (
                f"按供给年增长 {self.supply.value:.1f}%、人口年变化 "
                f"{self.population.value:.1f}% 推算："
                f"预计达标 {int(counts.get('met', 0))} 项，"
                f"预计未达标 {int(counts.get('not_met', 0) + counts.get('borderline', 0))} 项，"
                f"无数据无法推算 {int(counts.get('no_data', 0))} 项。"
            )
            baseline_only = int(
                (proj["start_kind"] == "baseline").sum()
                - (proj[proj["basis"] == "not_modelled"]["start_kind"] == "baseline").sum()
            )
            msgs = [message_html(summary.replace("-", "−"), "info")]
            if baseline_only:
                msgs.append(
                    message_html(
                        f"{baseline_only} 项可推算指标尚无2020年以后的观测值，以2020年基期值为起点推算"
                        "（见“起点”列）。",
                        "warn",
                    )
                )
            self.projections.value = "".join(msgs) + html_table(
                rows,
                numeric=("2025年推算值", "达标所需供给年增速"),
                css=css,
                nowrap=("单位", "类型", "推算结果"),
            )
            rest = proj[proj["basis"] == "not_modelled"]
            other = pd.DataFrame(
                {
                    "指标": rest["name_zh"],
                    "单位": rest["unit"],
                    "最新值": [
                        (
                            "—"
                            if pd.isna(r.start_year)
                            else f"{number(r.start_value)}（{int(r.start_year)}年）"
                        )
                        for r in rest.itertuples(index=False)
                    ],
                    "2025年目标值": rest["target_text"],
                    "当前进度": rest["progress_status_zh"].fillna("—"),
                }
            )
            self.others.value = (
                "<h4 style='margin:10px 0 2px 0'>不作推算的指标</h4>"
                '<div class="hn-note">覆盖率、入学率、预期寿命等指标不由供给总量和人口直接决定，'
                "滑块不影响它们；此处列出最新值与当前进度（详见“规划监测”）。</div>"
                + html_table(other, numeric=("最新值",))
            )

    def _refresh_capacity(self) -> None:
        def fail(text):
            self.capacity.value = text

        with reported("区县需新增能力表", fail):
            std = self.standard.value
            cap = scenarios.capacity_needed(
                self.assumptions(),
                std,
                denominators=self.denominators,
                observations=self.observations,
            )
            unit = str(cap["unit"].iloc[0])
            den_zh = {
                "population": "常住人口（人）",
                "pop_age_60plus": "60岁及以上人口（人）",
                "households_family": "家庭户（户）",
            }[cap["denominator"].iloc[0]]
            # people, households, places, beds and square metres are shown as whole numbers
            rows = pd.DataFrame(
                {
                    "区县": cap["name_zh"],
                    f"2020年普查{den_zh}": [whole(v) for v in cap["census_value"]],
                    "2025年推算": [whole(v) for v in cap["denominator_value"]],
                    f"2025年需求（{unit}）": [whole(v) for v in cap["requirement"]],
                    f"现有供给（{unit}）": [
                        "未报送" if pd.isna(v) else whole(v) for v in cap["supply"]
                    ],
                    f"需新增（{unit}）": [
                        "—" if pd.isna(v) else whole(v) for v in cap["shortfall"]
                    ],
                    "说明": cap["note_zh"].fillna(""),
                }
            )
            self.capacity.value = html_table(
                rows, numeric=tuple(rows.columns[1:6]), total_last=True
            )
            units_only = cap[cap["region_code"] != regions.CITY_CODE]
            has_supply = units_only["supply"].notna().any()
            what = "需新增" if has_supply else "所需"
            value_col = "shortfall" if has_supply else "requirement"
            vals, unit = capacity_chart_values(
                units_only[["region_code", value_col]].rename(columns={value_col: "value"}), unit
            )
            title = f"2025年各区县{what}{_CAPACITY_LABELS[std].split('（')[0]}（{unit}）"
            source = (
                "资料来源：《规划》配置标准；第七次全国人口普查；人口按年变化"
                f"{self.population.value:.1f}%推算"
            ).replace("-", "−")
            key = ("capacity", std, round(self.population.value, 3))
            self.chart.show(
                key, lambda: charts.unit_bars(vals, title=title, unit=unit, source=source)
            )


def whatif_app(observations: pd.DataFrame | None = None) -> W.Widget:
    """The 情景推演 screen (or a friendly message if it cannot be built)."""
    return fresh_screen("情景推演", lambda: WhatIfApp(observations).widget)
