"""区域差距 app, first part: the gaps on the plan's own indicators from the units' reported values —
the county gap of one indicator 2021→2025 in plain words, its chart and technical table; the
urban-rural gaps; the shortfall to the plan's standards, counties ranked. Where nothing was
reported each part says so in one sentence naming what is needed.

Everything shown is computed by :mod:`huainan.briefs.gaps_report` (and the measures behind it),
the same functions the briefs use.
"""

from __future__ import annotations

import html

import ipywidgets as W
import pandas as pd

from huainan.apps.base import ChartPanel, heading, html_table, message_html, reported, tag
from huainan.briefs import gap_charts, gaps_report
from huainan.formats import column, fixed, percent
from huainan.measures import regional, shortfall, urban_rural


def _bullets(lines: list[str]) -> str:
    items = "".join(f"<li>{html.escape(t)}</li>" for t in lines if t)
    return f'<ul style="margin:4px 0 8px 18px;padding:0;line-height:1.6">{items}</ul>'


def spread_rows(ev: gaps_report.GapEvidence, indicator_id: str) -> pd.DataFrame:
    """The technical table of one indicator: its spread across the units, year by year, as
    display strings (one format per column)."""
    from huainan.formats import decimals_for

    s = ev.spread[ev.spread["indicator_id"] == indicator_id]
    d = decimals_for([*s["min"], *s["max"]])
    return pd.DataFrame(
        {
            "年份": s["year"].astype(str),
            "报送县区数": s["n"].astype(str),
            "最低": [f"{u} {fixed(v, d)}" for u, v in zip(s["min_unit"], s["min"], strict=True)],
            "最高": [f"{u} {fixed(v, d)}" for u, v in zip(s["max_unit"], s["max"], strict=True)],
            "最高/最低": [fixed(v, 2, missing="—") for v in s["max_min_ratio"]],
            "变异系数": [fixed(v, 3, missing="—") for v in s["cv"]],
            "泰尔指数T": [fixed(v, 3, missing="—") for v in s["theil_t"]],
            "其中市辖区与县之间": [percent(v, 0, missing="—") for v in s["theil_t_between_share"]],
        }
    )


def indicator_sentences(ev: gaps_report.GapEvidence, indicator_id: str) -> list[str]:
    """The plain-words findings of one indicator (level and change, or the single year)."""
    row = ev.gaps[ev.gaps["indicator_id"] == indicator_id]
    if len(row):
        r = row.iloc[0]
        lines = [r["sentence_zh"], r["change_sentence_zh"]]
        return lines + ([f"说明：{r['note']}。"] if r["note"] else [])
    single = ev.panel[ev.panel["indicator_id"] == indicator_id]
    name = str(single["indicator_zh"].iloc[0]) if len(single) else ""
    return [t for t in gaps_report.single_year_sentences(ev) if name and name in t]


class PlanGapView:
    """The plan's indicators across the units: pick an indicator reported by the units.

    Attributes
    ----------
    evidence : huainan.briefs.gaps_report.GapEvidence
    indicator, standard : ipywidgets.Dropdown
    findings, table, urban, shortfalls : ipywidgets.HTML
    chart, shortfall_chart : ChartPanel
    widget : ipywidgets.VBox
    """

    def __init__(self, observations: pd.DataFrame, cache=None):
        self.evidence = gaps_report.gap_evidence(observations)
        ev = self.evidence
        ids = list(dict.fromkeys(ev.panel["indicator_id"]))
        names = ev.panel.drop_duplicates("indicator_id").set_index("indicator_id")["indicator_zh"]
        units = ev.panel.drop_duplicates("indicator_id").set_index("indicator_id")["unit"]
        self.indicator = W.Dropdown(
            options=[(f"{names[i]}（{units[i]}）", i) for i in ids],
            description="规划指标",
            layout=W.Layout(width="560px"),
            disabled=not ids,
        )
        self.standard = W.Dropdown(
            options=[
                (f"{r.provision_zh}（{shortfall.standard_words(r.denominator, r.per, r.rate, r.unit)[1:-3]}）", sid)
                for sid, r in ev.shortfalls.drop_duplicates("standard_id").set_index("standard_id").iterrows()
            ],
            description="配置标准",
            layout=W.Layout(width="560px"),
        )  # fmt: skip
        self.findings, self.table, self.urban, self.shortfalls = (W.HTML() for _ in range(4))
        self.chart = ChartPanel(
            "规划指标县区图", max_width="820px", css_class="hn-chart-plan-gap", cache=cache
        )
        self.shortfall_chart = ChartPanel(
            "缺口图", max_width="760px", css_class="hn-chart-shortfall", cache=cache
        )
        for control, name in (
            (self.indicator, "hn-plan-indicator"),
            (self.findings, "hn-plan-gap"),
            (self.urban, "hn-urban-rural"),
            (self.standard, "hn-shortfall-standard"),
            (self.shortfalls, "hn-shortfall"),
        ):
            tag(control, name)
        self._draw_indicator()
        self._draw_urban_rural()
        self._draw_shortfall()
        self.indicator.observe(lambda _: self._draw_indicator(), names="value")
        self.standard.observe(lambda _: self._draw_shortfall(), names="value")
        self.widget = W.VBox(
            [
                heading(
                    "规划指标的县区差距（2021—2025年）",
                    "各县区按监测填报表报送的规划主要指标：最低的县区比最高的县区低多少、与2025年目标"
                    "相比如何，2021年以来县区之间的差距是缩小、扩大还是基本持平（变异系数变化不足5%"
                    "为基本持平）。只比较两个年份都有数值的县区。",
                ),
                self.indicator,
                self.findings,
                self.chart.widget,
                self.table,
                heading("城乡差距", "城镇与乡村之比（城镇/乡村）和差值（城镇−乡村），按报送的分城镇、乡村数值计算。"),
                self.urban,
                heading(
                    "按规划标准测算的缺口",
                    "需求 = 规划人均标准 × 最新常住人口；缺口 = 需求 − 报送的现有数量，按缺口大小排序。"
                    "未报送现有数量的县区只列需求，不作推断。",
                ),
                self.standard,
                self.shortfalls,
                self.shortfall_chart.widget,
            ]
        )  # fmt: skip

    def _draw_indicator(self) -> None:
        def fail(text):
            self.findings.value = text

        ev = self.evidence
        if self.indicator.value is None:
            missing = regional.missing_sentence(ev.coverage, ev.year_from, ev.year_to)
            self.findings.value = message_html(
                "规划主要指标尚无各县区报送的数值，无法比较县区差距。" + missing, "warn"
            )
            self.chart.widget.layout.display = "none"
            self.table.value = ""
            return
        with reported("规划指标县区差距", fail):
            ind = self.indicator.value
            self.findings.value = _bullets(indicator_sentences(ev, ind))
            self.chart.show(
                ("plan-gap", ind, len(ev.panel)),
                lambda: next(gaps_report.regional_charts(ev, indicators=[ind])),
            )
            rows = spread_rows(ev, ind)
            self.table.value = (
                '<div class="hn-note">技术指标（变异系数为未加权的标准差与平均值之比；泰尔指数T以常住人口'
                "为权重）：</div>" + html_table(rows, numeric=tuple(rows.columns[4:7]))
            )

    def _draw_urban_rural(self) -> None:
        def fail(text):
            self.urban.value = text

        with reported("城乡差距", fail):
            ev = self.evidence
            lines = list(ev.urban_rural_changes["sentence_zh"])
            missing = urban_rural.missing_sentence(ev.urban_rural)
            text = _bullets(lines) if lines else ""
            if missing:
                text += message_html(missing, "warn" if not lines else "info")
            if len(ev.urban_rural):
                rows = gaps_report.urban_rural_rows(ev)  # the briefs' table, same formats
                text += html_table(rows, numeric=("城镇", "乡村", "城镇/乡村", "城镇−乡村"))
            self.urban.value = text

    def _draw_shortfall(self) -> None:
        def fail(text):
            self.shortfalls.value = text

        with reported("缺口表", fail):
            ev = self.evidence
            sid = self.standard.value
            rows = ev.shortfalls[ev.shortfalls["standard_id"] == sid]
            finding = ev.findings.loc[ev.findings["standard_id"] == sid, "sentence_zh"]
            unit = str(rows["unit"].iloc[0])
            years = ["" if pd.isna(y) else f"（{int(y)}年）" for y in rows["denominator_year"]]
            table = pd.DataFrame(
                {
                    "县区": rows["name_zh"],
                    "测算人口": [
                        f"{v}{y}" for v, y in zip(column(rows["denominator_value"], counts=True), years, strict=True)
                    ],
                    f"按标准需要（{unit}）": column(rows["requirement"], counts=True),
                    f"现有（{unit}）": column(rows["supply"], counts=True, missing="未报送"),
                    f"缺口（{unit}）": column(rows["gap"], counts=True, missing="—"),
                }
            )  # fmt: skip
            self.shortfalls.value = _bullets(list(finding)) + html_table(
                table, numeric=tuple(table.columns[1:]), total_last=True
            )
            self.shortfall_chart.show(
                ("shortfall", sid, len(ev.panel), float(rows["requirement"].sum())),
                lambda: gap_charts.shortfall_chart(rows, sid),
            )
