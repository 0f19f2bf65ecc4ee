"""规划监测 (monitor app): the evaluation table of the 专栏2 indicators and one indicator's trajectory.

Every verdict, value, year and source shown here is a cell of
:func:`huainan.measures.evaluation.evaluate` — the same table the briefs, the documents and
``huainan evaluate`` read; this module only lays it out.
"""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np
import pandas as pd

from huainan.apps.base import (
    CSS,
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
from huainan.briefs import charts, report
from huainan.evidence import observed as ev
from huainan.formats import NO_DATA_ZH, number, percent
from huainan.intake.refs import source_ref_zh
from huainan.measures import evaluation, progress
from huainan.plan import domains

#: Choices of the evaluation selector: key → (label, stage, evaluation year). The plan period is
#: over, so the final evaluation is shown first.
STAGES: dict[str, tuple[str, str, int]] = {
    "final": ("2025年终期评估", "final", evaluation.EVALUATION_YEARS["final"]),
    "midterm": ("2023年中期评估", "midterm", evaluation.EVALUATION_YEARS["midterm"]),
    "annual": ("年度监测（最新数据）", "annual", evaluation.PLAN_END),
}

PLAN_SOURCE_ZH = "《淮南市“十四五”公共服务规划（征求意见稿）》专栏2"


def _gap_or_progress(r) -> str:
    """The 差距或进度 cell: the gap in the final stage, the progress ratio otherwise."""
    if r.stage == "final":
        return r.gap_text or "—"
    if pd.notna(r.ratio):
        return f"R = {number(r.ratio, 3)}"
    return r.gap_text or "—"


def evaluation_rows(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Display rows (Chinese headers, formatted strings) and cell CSS of an evaluation table.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`huainan.measures.evaluation.evaluate` (possibly filtered to one domain).

    Returns
    -------
    (rows, css) : tuple of DataFrames
        ``rows`` columns 属性, 指标, 单位, 2020年基期值, 2025年目标值, 采用数值, 数值年份 (a span
        such as 2021—2025 for a five-year total), 结论, 差距或进度, 证据 (the evidence class),
        说明; binding (约束性) indicators first. ``css`` colours the verdict cell
        (:data:`huainan.briefs.charts.STATUS_COLOURS`) and bolds 约束性.
    """
    t = evaluation.binding_first(table)
    rows = pd.DataFrame(
        {
            "属性": t["attribute_zh"],
            "指标": t["name_zh"],
            "单位": t["unit"],
            "2020年基期值": t["baseline_text"].fillna("—"),
            "2025年目标值": t["target_text"],
            "采用数值": [number(v, missing="—") for v in t["value"]],
            "数值年份": [y or "—" for y in t["value_year"]],
            "结论": t["verdict_zh"],
            "差距或进度": [_gap_or_progress(r) for r in t.itertuples(index=False)],
            "证据": [q or "—" for q in t["source_quality_zh"]],
            "说明": t["note"],
        }
    )
    css = pd.DataFrame("", index=rows.index, columns=rows.columns)
    css["结论"] = [status_css(v) for v in t["verdict"]]
    css.loc[t["attribute"] == "binding", "属性"] = "font-weight: bold"
    css.loc[t["third_party"].astype(bool), "证据"] = "color: #b35806; font-weight: bold"
    return rows, css


def _link(ref) -> str:
    """A source reference as HTML: a link when it is a web address, else escaped text."""
    text = html.escape(str(ref))
    if str(ref).startswith(("http://", "https://")):
        return f'<a href="{text}" target="_blank" rel="noopener noreferrer">{text}</a>'
    return text


def observation_note_zh(note) -> str:
    """An observation's ``note`` for officials: its ``; ``-separated parts joined with ``；``,
    the transcription reference in Chinese; other parts kept as written (never dropped).

    Examples
    --------
    >>> observation_note_zh("2021-2022两年合计; 第三方转载页(淮南生活频道); "
    ...                     "transcribed in raw/city_bulletins_huainan.csv line 49")
    '2021-2022两年合计；第三方转载页(淮南生活频道)；转录位置：raw/city_bulletins_huainan.csv 第49行'
    """
    import re

    if note is None or pd.isna(note):
        return ""
    parts = []
    for part in str(note).split("; "):
        m = re.fullmatch(r"transcribed in (\S+) line (\d+)", part.strip())
        parts.append(f"转录位置：{m.group(1)} 第{m.group(2)}行" if m else part.strip())
    return "；".join(p for p in parts if p)


def _arithmetic(row) -> str:
    """The progress arithmetic of a row, in words (mid-term and annual stages)."""
    unit = html.escape(row.unit)
    if row.cumulative and pd.notna(row.expected):
        years_done = int(row.year_to) - int(row.baseline_year)
        span = int(row.target_year) - int(row.baseline_year)
        return (
            f"进度：五年累计目标 {number(row.target_value)} {unit}，按线性进度到{int(row.year_to)}年"
            f"应完成 {number(row.expected)} {unit}（{number(row.target_value)} × {years_done}/{span}）；"
            f"实际累计 {number(row.value)} {unit}，进度比 R = {number(row.value)} ÷ "
            f"{number(row.expected)} = {number(row.ratio, 3)}。"
        )
    if pd.notna(row.ratio):
        return (
            f"进度：{int(row.baseline_year)}—{int(row.year_to)}年实际年均增速 "
            f"{percent(row.cagr_observed)}，达到目标所需年均增速 {percent(row.cagr_required)}，"
            f"进度比 R = {number(row.ratio, 3)}（R ≥ {progress.FASTER:g} 快于预期，"
            f"{progress.AS_EXPECTED:g}—{progress.FASTER:g} 基本符合预期，"
            f"低于 {progress.AS_EXPECTED:g} 滞后于预期）。"
        )
    return ""


def indicator_detail_html(row, observations: pd.DataFrame) -> str:
    """What the monitor says under the indicator selector: the verdict and why, the value used
    and what it covers, the progress arithmetic, and every source used (title, evidence class,
    web address, notes).

    Parameters
    ----------
    row : namedtuple or pandas.Series
        One row of :func:`huainan.measures.evaluation.evaluate`.
    observations : pandas.DataFrame
        The long table the evaluation was computed from.

    Returns
    -------
    str
        HTML (all text escaped).
    """
    unit = html.escape(row.unit)
    lines = [
        f"<b>{html.escape(row.name_zh)}</b>（{html.escape(row.attribute_zh)}，{unit}）："
        f"2025年目标值 {html.escape(str(row.target_text))}；{html.escape(row.stage_zh)}结论："
        f"<b>{html.escape(row.verdict_zh)}</b>"
        + (f"（{html.escape(row.gap_text)}）" if row.gap_text else "")
        + "。"
    ]
    if pd.isna(row.value):
        lines.append(f"采用数值：{NO_DATA_ZH}。")
    else:
        lines.append(f"采用数值：{number(row.value)} {unit}（{html.escape(row.value_year)}年）。")
    if row.note:
        lines.append(f"说明：{html.escape(row.note)}。")
    if row.stage != "final":
        arithmetic = _arithmetic(row)
        if arithmetic:
            lines.append(arithmetic)
    used = evaluation.evidence_rows(row, observations)
    if used.empty:
        lines.append(f"资料来源：{PLAN_SOURCE_ZH}（基期值、目标值）；规划期内尚无可用数值。")
    else:
        for src in used.drop_duplicates(["source", "source_ref"]).itertuples(index=False):
            years = "、".join(str(int(y)) for y in used.loc[used["source"] == src.source, "year"])
            text = (
                f"数值来源（{years}年，{html.escape(ev.QUALITY_ZH.get(src.quality, ''))}）："
                f"{html.escape(str(src.source))}"
                + (
                    f"，网址或位置：{_link(source_ref_zh(src.source_ref))}"
                    if pd.notna(src.source_ref)
                    else ""
                )
            )
            extra = observation_note_zh(getattr(src, "note", None))
            lines.append(text + (f"；来源备注：{html.escape(extra)}" if extra else "") + "。")
        lines.append(f"基期值、目标值来源：{PLAN_SOURCE_ZH}。")
    box = "".join(f"<div>{line}</div>" for line in lines)
    warn = ""
    if bool(row.third_party):
        warn = message_html(
            "该数值引自第三方网站的转载或报道，并非政府网站原文或部门报送；"
            "正式引用前请核对原始发布或向主管部门核实。",
            "warn",
        )
    return f'{CSS}<div class="hn-msg hn-info" style="line-height:1.7">{box}</div>{warn}'


class MonitorApp:
    """规划监测: domain and evaluation stage → evaluation table with verdict colours → one
    indicator's verdict, sources and trajectory.

    Parameters
    ----------
    observations : pandas.DataFrame, optional
        Long table (default :func:`huainan.evidence.observed.all_observations`: statistics + the
        monitoring returns officials ingested).

    Attributes
    ----------
    domain, stage, indicator : ipywidgets controls
        Domain (全部领域 or one of nine), evaluation (2025年终期评估 / 2023年中期评估 / 年度监测)
        and the indicator whose detail and trajectory are shown.
    table : ipywidgets.HTML
        The evaluation table (约束性 first, verdict colours).
    detail : ipywidgets.HTML
        The selected indicator's verdict, value, arithmetic and sources
        (:func:`indicator_detail_html`).
    chart : ChartPanel
        The trajectory chart (:func:`huainan.briefs.charts.trajectory_chart`).
    widget : ipywidgets.VBox
        The whole screen.
    """

    def __init__(self, observations: pd.DataFrame | None = None):
        self.observations, cache = app_observations(observations)
        self._tables: dict[str, pd.DataFrame] = {}
        self._quiet = False
        self.domain = W.Dropdown(
            options=[("全部领域", "all")] + [(d.zh, d.id) for d in domains.DOMAINS],
            value="all",
            description="领域",
            layout=W.Layout(width="260px"),
        )
        self.stage = W.ToggleButtons(
            options=[(v[0], k) for k, v in STAGES.items()],
            value="final",
            description="评估",
            style={"button_width": "150px"},
        )
        self.indicator = W.Dropdown(description="指标", layout=W.Layout(width="520px"))
        self.status = W.HTML()
        self.table = W.HTML()
        self.detail = W.HTML()
        self.chart = ChartPanel("指标趋势图", css_class="hn-chart-trajectory", cache=cache)
        tag(self.domain, "hn-domain")
        tag(self.stage, "hn-stage")
        tag(self.indicator, "hn-indicator")
        tag(self.table, "hn-progress-table")
        tag(self.status, "hn-progress-status")
        tag(self.detail, "hn-indicator-detail")
        self._set_indicator_options()
        self._refresh_table()
        self._refresh_chart()
        self.domain.observe(self._on_domain, names="value")
        self.stage.observe(self._on_stage, names="value")
        self.indicator.observe(self._on_indicator, names="value")
        self.widget = W.VBox(
            [
                heading(
                    "规划监测：“十四五”主要指标完成情况",
                    "选择领域和评估，查看《规划》专栏2各项指标的结论、采用的数值和来源；"
                    "约束性指标排在前面。点选指标可查看判断依据、全部来源和2020年以来的走势。",
                ),
                W.HBox([self.domain, self.stage], layout=W.Layout(flex_flow="row wrap")),
                self.status,
                self.table,
                heading(
                    "指标详情与走势",
                    "圆点为2020年基期值和历年数值，五角星为2025年目标值，"
                    "虚线为达到目标所需的路径（五年累计指标按线性进度，其他指标按不变年均增速）。",
                ),
                self.indicator,
                self.detail,
                self.chart.widget,
                note(
                    "资料来源：《淮南市“十四五”公共服务规划（征求意见稿）》专栏2（基期值、目标值）；"
                    "数值来自各部门报送的监测数据、官方发布和其他公开来源（每个数值的来源和证据类别见表中"
                    "“证据”“说明”及指标详情）。终期评估：2025年数值达到目标为“完成”，否则为“未完成”，"
                    "无2025年数值为“数据暂缺”。中期和年度评估：进度比R为实际与达标所需年均增速之比"
                    "（五年累计指标为累计完成量与线性进度之比），R≥1.05快于预期，0.95—1.05基本符合"
                    "预期，低于0.95滞后于预期；已达到目标为“提前实现”。"
                ),
            ]
        )

    # -- data
    def table_for(self, stage: str) -> pd.DataFrame:
        """The evaluation table of a choice of :data:`STAGES` (cached)."""
        if stage not in self._tables:
            _, kind, year = STAGES[stage]
            self._tables[stage] = evaluation.evaluate(
                year, stage=kind, observations=self.observations
            )
        return self._tables[stage]

    def _current(self) -> pd.DataFrame:
        t = self.table_for(self.stage.value)
        if self.domain.value != "all":
            t = t[t["domain"] == self.domain.value]
        return t

    # -- callbacks
    def _set_indicator_options(self) -> None:
        t = evaluation.binding_first(self._current())
        options = [
            (f"{r.name_zh}（{r.attribute_zh}，{r.unit}）", r.indicator_id)
            for r in t.itertuples(index=False)
        ]
        keep = self.indicator.value if self.indicator.value in [v for _, v in options] else None
        # first shown: an indicator with a value, else one with a number to aim at
        ranked = t.assign(
            _r=np.where(
                t["value"].notna(),
                0,
                np.where(t["baseline"].notna() & (t["target_kind"] == "numeric"), 1, 2),
            )
        )
        first = (
            ranked.sort_values("_r", kind="stable")["indicator_id"].iloc[0] if len(ranked) else None
        )
        self._quiet = True  # setting options resets the value: draw once, afterwards
        try:
            self.indicator.options = options
            self.indicator.value = keep or first
        finally:
            self._quiet = False

    def _on_domain(self, _change) -> None:
        self._refresh_table()
        self._set_indicator_options()
        self._refresh_chart()

    def _on_indicator(self, _change) -> None:
        if not self._quiet:
            self._refresh_chart()

    def _on_stage(self, _change) -> None:
        self._refresh_table()
        self._refresh_chart()

    def _refresh_table(self) -> None:
        def fail(text):
            self.table.value = text

        with reported("指标评估表", fail):
            t = self._current()
            rows, css = evaluation_rows(t)
            self.table.value = html_table(
                rows,
                numeric=("采用数值",),
                css=css,
                nowrap=("属性", "单位", "数值年份", "结论", "证据"),
            )
            label, kind, year = STAGES[self.stage.value]
            scope = (
                f"{label}：使用{year}年（五年累计指标为2021—2025年）的数值"
                if kind == "final"
                else f"{label}：使用截至{year}年的数值"
            )
            msgs = [
                message_html(
                    f"{scope}。共 {len(t)} 项指标：{report.verdict_counts_text(t)}。", "info"
                )
            ]
            missing = int(t["value"].isna().sum())
            unjudged = (t["verdict"] == "no_data") & t["value"].notna()
            partial = int((unjudged & t["cumulative"]).sum())
            unreferenced = int((unjudged & ~t["cumulative"]).sum())
            if missing:
                msgs.append(
                    message_html(
                        f"{missing} 项指标没有可用于评估的数值（相关部门尚未报送或尚未公开），"
                        "结论为“数据暂缺”。数据管理员导入各部门报送的监测数据后，本页自动更新。",
                        "warn",
                    )
                )
            if partial:
                msgs.append(
                    message_html(
                        f"另有 {partial} 项五年累计指标只有部分年份的数值（见“数值年份”列），"
                        "累计数不完整，不足以判断，结论也是“数据暂缺”。",
                        "warn",
                    )
                )
            if unreferenced:
                msgs.append(
                    message_html(
                        f"另有 {unreferenced} 项指标有数值，但缺少判断所需的比较值（如同年全省平均值，"
                        "见“说明”列），结论也是“数据暂缺”。",
                        "warn",
                    )
                )
            third = int(t["third_party"].sum())
            if third:
                msgs.append(
                    message_html(
                        f"{third} 项指标的数值来自第三方网站转载或报道（“证据”列标橙色），"
                        "正式引用前请核对原始发布。",
                        "warn",
                    )
                )
            self.status.value = "".join(msgs)

    def _refresh_chart(self) -> None:
        ind = self.indicator.value
        if ind is None:
            return
        _, kind, year = STAGES[self.stage.value]
        shown_to = None if kind == "annual" else year

        def fail(text):
            self.detail.value = text

        with reported("指标说明", fail):
            row = self.table_for(self.stage.value).set_index("indicator_id", drop=False).loc[ind]
            self.detail.value = indicator_detail_html(row, self.observations)
        self.chart.show(
            ("trajectory", ind, shown_to),
            lambda: charts.trajectory_chart(ind, self.observations, year=shown_to),
        )


def monitor_app(observations: pd.DataFrame | None = None) -> W.Widget:
    """The 规划监测 screen (or a friendly message if it cannot be built)."""
    return fresh_screen("规划监测", lambda: MonitorApp(observations).widget)
