"""情景推演 (what-if app) for the 十五五 (2026–2030): the 2025 results as settled facts, then from
the latest observed values, supply growth and population change → projected 2030 values against
the 2030 targets the user types in, and the capacity each county must add by 2030."""

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
from huainan.formats import column, number, percent
from huainan.measures import evaluation, scenarios, shortfall
from huainan.plan import regions

# ---------------------------------------------------------------------------------------------
# 情景推演: the 十五五 (2026–2030)
# ---------------------------------------------------------------------------------------------

#: The standards the capacity table offers (every county-wide standard of the plan).
_CAPACITY_LABELS = {
    "nursery_places": "托位（每千常住人口4.6个）",
    "physicians": "执业（助理）医师（每千常住人口2.55人）",
    "nurses": "注册护士（每千常住人口3.15人）",
    "elderly_care_beds": "养老床位（每千名60岁及以上老人45张）",
    "community_service_space": "社区综合服务设施面积（每百户30平方米以上）",
    "sports_area": "体育场地面积（人均2.6平方米以上）",
}

#: Colour of each projection outcome (``indicative``: a projection of the 2020 baseline, grey —
#: never the green of a verdict).
_OUTCOME_COLOUR = {
    "met": "met",
    "not_met": "not_met",
    "borderline": "borderline",
    "indicative": "no_data",
    "no_data": "no_data",
    "qualitative": "qualitative",
    "needs_reference": "needs_reference",
}


def required_growth_text(required: float) -> str:
    """The 达标所需供给年增速 cell: the annual supply growth that just reaches the 2030 target,
    shown only when growth is needed; ``不增长也可达到`` when even unchanged or shrinking supply
    reaches it (required growth ≤ 0); ``—`` when it cannot be computed.

    Examples
    --------
    >>> required_growth_text(0.372), required_growth_text(-0.411), required_growth_text(0.0)
    ('37.2%', '不增长也可达到', '不增长也可达到')
    >>> required_growth_text(float("nan"))
    '—'
    """
    if pd.isna(required):
        return "—"
    return percent(required) if required > 0 else "不增长也可达到"


def _start_text(r) -> str:
    """The 起点 cell: the start value and what it is (the 2020 baseline, an observation, or the
    十四五 total so far of a five-year target)."""
    if pd.isna(r.start_year):
        return "—"
    y = int(r.start_year)
    if r.start_kind == "baseline":
        what = f"{y}年基期值，仅供参考"
    elif r.basis == "cumulative":
        first = scenarios.PLAN_START
        what = f"“十四五”{first}—{y}年累计" if y > first else f"{y}年"
    else:
        what = f"{y}年"
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
    projected indicators (per-capita, totals, five-year totals)."""
    modelled = proj[proj["basis"] != "not_modelled"]
    basis_zh = {"per_capita": "人均", "total": "总量", "cumulative": "五年累计"}
    rows = pd.DataFrame(
        {
            "指标": modelled["name_zh"],
            "单位": modelled["unit"],
            "类型": modelled["basis"].map(basis_zh),
            "起点": [_start_text(r) for r in modelled.itertuples(index=False)],
            "2030年推算值": [number(v) for v in modelled["projected"]],
            "2030年目标": [
                "—" if pd.isna(v) else f"{number(v)}（{s}）"
                for v, s in zip(modelled["target_value"], modelled["target_source"], strict=True)
            ],
            "推算结果": modelled["outcome_zh"],
            "达到目标所需供给年增速": [
                required_growth_text(v) for v in modelled["required_growth"]
            ],
            "说明": modelled["note"],
        }
    ).reset_index(drop=True)
    css = pd.DataFrame("", index=rows.index, columns=rows.columns)
    css["推算结果"] = [status_css(_OUTCOME_COLOUR.get(o, "")) for o in modelled["outcome"]]
    return rows, css


def settled_rows(final: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 2025 results (:func:`huainan.measures.evaluation.evaluate`, stage ``final``) as display
    rows and CSS: binding first, the verdict cell coloured."""
    t = evaluation.binding_first(final)
    rows = pd.DataFrame(
        {
            "属性": t["attribute_zh"],
            "指标": t["name_zh"],
            "单位": t["unit"],
            "2025年目标": t["target_text"],
            "采用数值": [number(v, missing="—") for v in t["value"]],
            "数值年份": [y or "—" for y in t["value_year"]],
            "结论": t["verdict_zh"],
            "差距": [g or "—" for g in t["gap_text"]],
        }
    ).reset_index(drop=True)
    css = pd.DataFrame("", index=rows.index, columns=rows.columns)
    css["结论"] = [status_css(v) for v in t["verdict"]]
    return rows, css


class WhatIfApp:
    """情景推演: the 2025 results, then supply growth, population change and 2030 targets →
    projected 2030 values, and the capacity each county must add by 2030.

    Attributes
    ----------
    supply, population : ipywidgets.FloatSlider
        Annual supply growth and population change, in per cent.
    targets : dict of ipywidgets.BoundedFloatText
        The 2030 target of each projectable indicator (default the 2025 target).
    standard : ipywidgets.Dropdown
        Which standard the capacity table and chart use.
    settled, projections, capacity, others : ipywidgets.HTML
    chart : ChartPanel
        Capacity to add (or the requirement, when supply is not reported) per county.
    """

    def __init__(self, observations: pd.DataFrame | None = None):
        self.observations, cache = app_observations(observations)
        obs = self.observations
        self.table = evaluation.evaluate(scenarios.START_YEAR, stage="annual", observations=obs)
        self.final = evaluation.evaluate(scenarios.START_YEAR, stage="final", observations=obs)
        self.p_census = scenarios.census_population_change()
        default_p = 0.0 if math.isnan(self.p_census) else round(100 * self.p_census, 1)
        self.supply = self._slider("供给年增长率（%）", 5.0, -10.0, 50.0, 0.5)
        self.population = self._slider("人口年变化率（%）", default_p, -3.0, 3.0, 0.1)
        self.targets = self._target_inputs()
        self.standard = W.Dropdown(
            options=[(v, k) for k, v in _CAPACITY_LABELS.items()],
            value="nursery_places",
            description="配置标准",
            layout=W.Layout(width="520px"),
        )
        self.settled, self.projections, self.others, self.capacity = (W.HTML() for _ in range(4))
        self.chart = ChartPanel("区县需新增能力图", css_class="hn-chart-capacity", cache=cache)
        for control, name in (
            (self.supply, "hn-supply"),
            (self.population, "hn-population"),
            (self.standard, "hn-standard"),
            (self.settled, "hn-settled"),
            (self.projections, "hn-projections"),
            (self.capacity, "hn-capacity"),
        ):
            tag(control, name)
        self.denominators = shortfall.denominators_wide(
            shortfall.latest_denominators(obs, year=scenarios.START_YEAR)
        )
        self._show_settled()
        self._refresh()
        # supply growth moves the projections only; population moves both
        self.supply.observe(lambda _: self._refresh_projections(), names="value")
        self.population.observe(lambda _: self._refresh(), names="value")
        self.standard.observe(lambda _: self._refresh_capacity(), names="value")
        for box in self.targets.values():
            box.observe(lambda _: self._refresh(), names="value")
        self.widget = self._layout()

    # -- controls
    @staticmethod
    def _slider(label: str, value: float, lo: float, hi: float, step: float) -> W.FloatSlider:
        return W.FloatSlider(
            value=value,
            min=lo,
            max=hi,
            step=step,
            description=label,
            continuous_update=False,
            readout_format=".1f",
            style={"description_width": "150px"},
            layout=W.Layout(width="560px"),
        )

    def _target_inputs(self) -> dict[str, W.BoundedFloatText]:
        """One box per projectable indicator with a numeric target, preset to the 2025 target."""
        boxes = {}
        defaults = scenarios.default_targets(self.table)
        for r in self.table.itertuples(index=False):
            basis = scenarios.projection_basis(r.indicator_id)
            if basis == "not_modelled" or r.indicator_id not in defaults:
                continue
            label = f"{r.name_zh}（{r.unit}{'，2026—2030年累计' if basis == 'cumulative' else ''}）"
            box = W.BoundedFloatText(
                value=defaults[r.indicator_id],
                min=0.0,
                max=1e9,
                description=label,
                style={"description_width": "420px"},
                layout=W.Layout(width="560px"),
            )
            tag(box, f"hn-target-{r.indicator_id}")
            boxes[r.indicator_id] = box
        return boxes

    def targets_2030(self) -> dict[str, float]:
        """The 2030 targets the user changed (indicator id → value); the others keep the 2025
        target (:func:`huainan.measures.scenarios.default_targets`)."""
        defaults = scenarios.default_targets(self.table)
        return {
            k: float(b.value) for k, b in self.targets.items() if float(b.value) != defaults.get(k)
        }

    def assumptions(self) -> scenarios.Assumptions:
        return scenarios.Assumptions(self.supply.value / 100.0, self.population.value / 100.0)

    def _layout(self) -> W.VBox:
        p_text = (
            f"人口年变化率默认约 {self.population.value:.1f}%（2010—2020年两次人口普查间"
            f"全市常住人口年均变化 {percent(self.p_census, 2)}，滑块以0.1个百分点为一档）。"
            if not math.isnan(self.p_census)
            else ""
        ).replace("-", "\u2212")
        return W.VBox(
            [
                heading(
                    "情景推演：“十五五”时期（2026—2030年）",
                    "“十四五”规划目标是否完成已由2025年终期评估确定（第一部分）。下面从各指标最新的实际"
                    "数值出发，按设定的供给年增长率、常住人口年变化率和2030年目标，推算2030年能否达到，"
                    "以及各区县到2030年还需新增多少服务能力。" + p_text,
                ),
                heading("一、2025年目标完成情况（终期评估，已成定局）"),
                self.settled,
                heading("二、假设条件"),
                self.supply,
                self.population,
                heading(
                    "三、2030年目标",
                    "默认沿用《规划》2025年目标值，可直接修改；五年累计指标填2026—2030年的累计目标。",
                ),
                W.VBox(list(self.targets.values())),
                heading("四、2030年推算结果"),
                self.projections,
                heading(
                    "五、各区县到2030年需新增的服务能力",
                    "需求 = 配置标准（或上面设定的2030年水平）× 2030年推算人口；需新增 = 需求 − 已报送的"
                    "现有供给。未报送供给的区县只给出需求总量，不估算供给。",
                ),
                self.standard,
                self.capacity,
                self.chart.widget,
                self.others,
                note(
                    "推算方法：人均指标按（1+供给增速）/（1+人口变化率）逐年复合增长；总量指标按供给"
                    "增速增长；五年累计指标为2026—2030年各年完成量之和（以最新年度完成量为基数）。起点为"
                    "截至2025年的最新实际数值；只有2020年基期值的指标，推算仅供参考，不作能否达到的判断。"
                    "人口以各区县最新常住人口（部门报送优先，其次为2020年第七次全国人口普查）为基数。"
                    "资料来源：《淮南市“十四五”公共服务规划（征求意见稿）》专栏2及配置标准；"
                    "第七次全国人口普查分县资料；各部门、各县区监测报送。"
                ),
            ]
        )

    # -- parts
    def _show_settled(self) -> None:
        def fail(text):
            self.settled.value = text

        with reported("2025年终期评估表", fail):
            counts = self.final["verdict_zh"].value_counts()
            summary = "2025年终期评估：" + "，".join(f"{k} {v} 项" for k, v in counts.items())
            rows, css = settled_rows(self.final)
            self.settled.value = message_html(summary + "。", "info") + html_table(
                rows, numeric=("采用数值",), css=css, nowrap=("属性", "结论")
            )

    def _refresh(self) -> None:
        self._refresh_projections()
        self._refresh_capacity()

    def _refresh_projections(self) -> None:
        def fail(text):
            self.projections.value = text

        with reported("指标推算表", fail):
            proj = scenarios.project_indicators(
                self.assumptions(),
                observations=self.observations,
                targets=self.targets_2030(),
                table=self.table,
            )
            rows, css = projection_rows(proj)
            modelled = proj[proj["basis"] != "not_modelled"]
            counts = modelled["outcome"].value_counts()
            summary = (
                f"按供给年增长 {self.supply.value:.1f}%、人口年变化 "
                f"{self.population.value:.1f}% 推算到2030年："
                f"预计达到 {int(counts.get('met', 0))} 项，"
                f"预计达不到 {int(counts.get('not_met', 0) + counts.get('borderline', 0))} 项，"
                f"仅有基期值、仅供参考 {int(counts.get('indicative', 0))} 项，"
                f"无数据无法推算 {int(counts.get('no_data', 0))} 项。"
            )
            msgs = [message_html(summary.replace("-", "−"), "info")]
            indicative = modelled.loc[modelled["outcome"] == "indicative", "name_zh"]
            if len(indicative):
                msgs.append(
                    message_html(
                        f"{'、'.join(indicative)}：2020年以后尚无实际数值，只能以2020年基期值为起点，"
                        "推算结果仅供参考，不作能否达到的判断；请先报送这些指标的年度数值。",
                        "warn",
                    )
                )
            self.projections.value = "".join(msgs) + html_table(
                rows,
                numeric=("2030年推算值", "达到目标所需供给年增速"),
                css=css,
                nowrap=("单位", "类型", "推算结果"),
            )
            self._show_others(proj)

    def _show_others(self, proj: pd.DataFrame) -> None:
        rest = proj[proj["basis"] == "not_modelled"]
        other = pd.DataFrame(
            {
                "指标": rest["name_zh"],
                "单位": rest["unit"],
                "最新值": [
                    "—"
                    if pd.isna(r.start_year)
                    else f"{number(r.start_value)}（{int(r.start_year)}年）"
                    for r in rest.itertuples(index=False)
                ],
                "2025年目标": rest["target_text"],
                "截至2025年的进度": rest["verdict_2025_zh"].fillna("—"),
            }
        )
        self.others.value = (
            "<h4 style='margin:10px 0 2px 0'>不作推算的指标</h4>"
            '<div class="hn-note">覆盖率、入学率、预期寿命等指标不由供给总量和人口直接决定，'
            "滑块不影响它们；此处列出最新值与截至2025年的进度（详见“规划监测”）。</div>"
            + html_table(other, numeric=("最新值",))
        )

    def _capacity_rate(self, std: str) -> float | None:
        """The 2030 level typed in for the indicator that sets the standard, if changed."""
        return self.targets_2030().get(scenarios.STANDARD_INDICATOR.get(std, ""))

    def _refresh_capacity(self) -> None:
        def fail(text):
            self.capacity.value = text

        with reported("区县需新增能力表", fail):
            std = self.standard.value
            cap = scenarios.capacity_needed(
                self.assumptions(),
                std,
                rate=self._capacity_rate(std),
                denominators=self.denominators,
                observations=self.observations,
            )
            self.capacity.value = self._capacity_table(cap)
            self._capacity_chart(cap, std)

    def _capacity_table(self, cap: pd.DataFrame) -> str:
        unit = str(cap["unit"].iloc[0])
        den_zh = shortfall.DENOMINATORS[str(cap["denominator"].iloc[0])].split("（")[0]
        years = ["" if pd.isna(y) else f"（{int(y)}年）" for y in cap["base_year"]]
        # people, households, places, beds and square metres are shown as whole numbers
        rows = pd.DataFrame(
            {
                "区县": cap["name_zh"],
                f"最新{den_zh}": [
                    f"{v}{y}"
                    for v, y in zip(column(cap["base_value"], counts=True), years, strict=True)
                ],
                "2030年推算": column(cap["denominator_value"], counts=True),
                f"2030年需求（{unit}）": column(cap["requirement"], counts=True),
                f"现有供给（{unit}）": column(cap["supply"], counts=True, missing="未报送"),
                f"需新增（{unit}）": column(cap["shortfall"], counts=True, missing="—"),
                "说明": cap["note_zh"].fillna(""),
            }
        )
        return html_table(rows, numeric=tuple(rows.columns[1:6]), total_last=True)

    def _capacity_chart(self, cap: pd.DataFrame, std: str) -> None:
        unit = str(cap["unit"].iloc[0])
        units_only = cap[cap["region_code"] != regions.CITY_CODE]
        has_supply = units_only["supply"].notna().any()
        what = "需新增" if has_supply else "所需"
        value_col = "shortfall" if has_supply else "requirement"
        vals, shown_unit = capacity_chart_values(
            units_only[["region_code", value_col]].rename(columns={value_col: "value"}), unit
        )
        title = f"2030年各区县{what}{_CAPACITY_LABELS[std].split('（')[0]}（{shown_unit}）"
        source = (
            "资料来源：《规划》配置标准；最新常住人口（部门报送优先，其次人口普查）；人口按年变化"
            f"{self.population.value:.1f}%推算至2030年"
        ).replace("-", "−")
        rate = self._capacity_rate(std)
        key = ("capacity2030", std, round(self.population.value, 3), rate)
        self.chart.show(
            key, lambda: charts.unit_bars(vals, title=title, unit=shown_unit, source=source)
        )


def whatif_app(observations: pd.DataFrame | None = None) -> W.Widget:
    """The 情景推演 screen (or a friendly message if it cannot be built)."""
    return fresh_screen("情景推演", lambda: WhatIfApp(observations).widget)
