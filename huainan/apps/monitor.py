"""规划监测 (monitor app): the 专栏2 indicators' progress table and one indicator's trajectory."""

from __future__ import annotations

import html
import math

import ipywidgets as W
import numpy as np
import pandas as pd

from huainan import plan
from huainan.apps.base import (
    CSS,
    ChartPanel,
    app_observations,
    guard,
    heading,
    html_table,
    message_html,
    note,
    reported,
    status_css,
    tag,
)
from huainan.briefs import charts
from huainan.formats import NO_DATA_ZH, number, percent
from huainan.measures import progress, scenarios
from huainan.plan import domains, regions

# ---------------------------------------------------------------------------------------------
# 规划监测: progress of the 专栏2 indicators
# ---------------------------------------------------------------------------------------------

#: Choices of the monitor's evaluation selector: key → (label, evaluation year).
STAGES: dict[str, tuple[str, int]] = {
    "latest": ("最新数据", scenarios.HORIZON),
    "midterm": ("2023年中期评估", progress.EVALUATION_YEARS["midterm"]),
    "final": ("2025年终期评估", progress.EVALUATION_YEARS["final"]),
}

_ATTRIBUTE_ZH = {"binding": "约束性", "expected": "预期性"}


PLAN_SOURCE_ZH = "《淮南市“十四五”公共服务规划（征求意见稿）》专栏2"


def _observed_years(row) -> str:
    """The year(s) an observed value covers: ``2023``, or ``2021—2022`` for a running total."""
    if pd.isna(row.observed_year):
        return "—"
    y = int(row.observed_year)
    return (
        f"{int(row.baseline_year) + 1}—{y}"
        if row.cumulative and y > row.baseline_year + 1
        else str(y)
    )


def _progress_note_zh(row) -> str:
    """Plain Chinese explanation of one progress-table row: the table's own ``note_zh``
    (:func:`huainan.measures.progress.note_zh`: what is missing, running totals, references …), the linear
    path of a five-year total and the source of the observed value."""
    parts = [row.note_zh] if getattr(row, "note_zh", "") else []
    if row.cumulative:
        if pd.notna(row.observed) and pd.notna(row.expected):
            parts.append(
                f"五年累计目标，按线性进度{int(row.observed_year)}年应累计完成"
                f" {number(row.expected)}，进度比R = {number(row.ratio, 3)}"
            )
        else:
            parts.append("五年累计目标，按线性进度评估")
    if pd.notna(row.observed) and pd.notna(row.observed_source):
        parts.append(f"来源：{row.observed_source}")
    return "；".join(p for p in parts if p)


def progress_rows(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Display rows (Chinese headers, formatted strings) and cell CSS of a progress table.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`huainan.measures.progress.progress_table` / ``evaluation_table`` (possibly filtered).

    Returns
    -------
    (rows, css) : tuple of DataFrames
        ``rows`` columns 属性, 指标, 单位, 2020年基期值, 2025年目标值, 最新观测值, 观测年份 (a
        range such as 2021—2022 for the running total of a five-year target), 完成度 (``csi``),
        进度比R (``ratio``), 进度状态, 说明 (:func:`_progress_note_zh`); binding (约束性)
        indicators first. ``css`` colours the status cell with
        :data:`huainan.briefs.charts.STATUS_COLOURS`.
    """
    t = table.assign(_b=(table["attribute"] != "binding").astype(int), _pos=range(len(table)))
    t = t.sort_values(["_b", "_pos"]).reset_index(drop=True)
    base = plan.indicators().set_index("indicator_id")["baseline_text"]
    rows = pd.DataFrame(
        {
            "属性": t["attribute"].map(_ATTRIBUTE_ZH),
            "指标": t["name_zh"],
            "单位": t["unit"],
            "2020年基期值": t["indicator_id"].map(base).fillna("—"),
            "2025年目标值": t["target_text"],
            "最新观测值": [number(v) for v in t["observed"]],
            "观测年份": [_observed_years(r) for r in t.itertuples(index=False)],
            "完成度": [percent(v, 0) if pd.notna(v) else "—" for v in t["csi"]],
            "进度比R": [number(v, 3) if pd.notna(v) else "—" for v in t["ratio"]],
            "进度状态": t["status"].map(progress.PROGRESS_ZH).fillna(t["status"]),
            "说明": [_progress_note_zh(r) for r in t.itertuples(index=False)],
        }
    )
    css = pd.DataFrame("", index=rows.index, columns=rows.columns)
    css["进度状态"] = [status_css(s) for s in t["status"]]
    css.loc[t["attribute"] == "binding", "属性"] = "font-weight: bold"
    return rows, css


def observation_rows(
    row, observations: pd.DataFrame, *, region_code: str = regions.CITY_CODE
) -> pd.DataFrame:
    """The observation(s) behind the observed value of one progress-table row.

    The same selection as :func:`huainan.measures.progress.progress_table`: the latest value of the
    indicator in ``observed_year``; for a five-year total the published running total
    (``<id>_to_date``) or else the annual values ``baseline_year + 1 … observed_year`` it summed.

    Parameters
    ----------
    row : namedtuple or pandas.Series
        One row of :func:`huainan.measures.progress.progress_table`.
    observations : pandas.DataFrame
        The long table the progress table was computed from.
    region_code : str
        The region of the progress table (default 淮南市).

    Returns
    -------
    pandas.DataFrame
        Rows of ``observations`` (``indicator``, ``year``, ``value``, ``source``,
        ``source_ref``, ``note`` …), oldest first; empty when nothing was observed.
    """
    from huainan.evidence.observed import latest

    if pd.isna(row.observed):
        return observations.iloc[0:0]
    year = int(row.observed_year)
    if row.cumulative:
        total = latest(
            observations,
            row.indicator_id + progress.TO_DATE_SUFFIX,
            region_code,
            year=year,
            after=year - 1,
        )
        if total is not None and math.isclose(float(total["value"]), float(row.observed)):
            return total.to_frame().T.reset_index(drop=True)
        annual = observations[
            (observations["indicator"] == row.indicator_id)
            & (observations["region_code"] == region_code)
            & (observations["area"] == "total")
            & observations["year"].between(int(row.baseline_year) + 1, year)
            & observations["value"].notna()
        ]
        return (
            annual.sort_values("year").drop_duplicates("year", keep="last").reset_index(drop=True)
        )
    one = latest(observations, row.indicator_id, region_code, year=year, after=year - 1)
    return observations.iloc[0:0] if one is None else one.to_frame().T.reset_index(drop=True)


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

    if note is None or note is pd.NA or (isinstance(note, float) and math.isnan(note)):
        return ""
    parts = []
    for part in str(note).split("; "):
        m = re.fullmatch(r"transcribed in (\S+) line (\d+)", part.strip())
        parts.append(f"转录位置：{m.group(1)} 第{m.group(2)}行" if m else part.strip())
    return "；".join(p for p in parts if p)


def _link(ref) -> str:
    """A source reference as HTML: a link when it is a web address, else escaped text."""
    text = html.escape(str(ref))
    if str(ref).startswith(("http://", "https://")):
        return f'<a href="{text}" target="_blank" rel="noopener noreferrer">{text}</a>'
    return text


def indicator_detail_html(row, observations: pd.DataFrame) -> str:
    """What the monitor says under the indicator selector: the observed value and what it
    covers, the progress measures with their arithmetic, and the source (title, web address and
    notes) of the observation.

    Parameters
    ----------
    row : namedtuple or pandas.Series
        One row of :func:`huainan.measures.progress.progress_table`.
    observations : pandas.DataFrame
        The long table the progress table was computed from.

    Returns
    -------
    str
        HTML (all text escaped). A five-year total is compared with the linear path
        (expected = target × years elapsed / 5, R = observed / expected); a level with its
        compound growth (R = observed CAGR / required CAGR), as in
        :func:`huainan.measures.progress.assess`.
    """
    unit = row.unit
    status = progress.PROGRESS_ZH.get(row.status, row.status)
    lines = [
        f"<b>{html.escape(row.name_zh)}</b>（{_ATTRIBUTE_ZH[row.attribute]}，"
        f"{html.escape(unit)}）：2025年目标值 {html.escape(str(row.target_text))}；"
        f"进度状态：{html.escape(status)}。"
    ]
    note = getattr(row, "note_zh", "")
    if pd.isna(row.observed):
        lines.append(f"观测值：{html.escape(note or NO_DATA_ZH)}。")
    else:
        when = "" if row.cumulative and note else f"（{_observed_years(row)}年）"
        lines.append(
            f"观测值：{number(row.observed)} {html.escape(unit)}{when}"
            + (f"；{html.escape(note)}" if note else "")
            + "。"
        )
        years_done = int(row.observed_year) - int(row.baseline_year)
        span = int(row.target_year) - int(row.baseline_year)
        if row.cumulative and pd.notna(row.expected):
            lines.append(
                f"进度：五年累计目标 {number(row.target_value)} {html.escape(unit)}，按线性进度到"
                f"{int(row.observed_year)}年应完成 {number(row.expected)} {html.escape(unit)}"
                f"（{number(row.target_value)} × {years_done}/{span}）；实际累计 {number(row.observed)} "
                f"{html.escape(unit)}，进度比 R = "
                f"{number(row.observed)} ÷ {number(row.expected)} = {number(row.ratio, 3)}；完成度 "
                f"{percent(row.csi, 0)}（{number(row.observed)} ÷ {number(row.target_value)}）。"
            )
        elif pd.notna(row.ratio):
            lines.append(
                f"进度：{int(row.baseline_year)}—{int(row.observed_year)}年实际年均增速 "
                f"{percent(row.cagr_observed)}，达到目标所需年均增速 {percent(row.cagr_required)}，"
                f"进度比 R = {number(row.ratio, 3)}；完成度 {percent(row.csi, 0)}。"
            )
    used = observation_rows(row, observations)
    if used.empty:
        lines.append(f"资料来源：{PLAN_SOURCE_ZH}（基期值、目标值）；2020年以后尚无观测值。")
    else:
        for src in used.drop_duplicates(["source", "source_ref"]).itertuples(index=False):
            years = "、".join(str(int(y)) for y in used.loc[used["source"] == src.source, "year"])
            text = (
                f"观测值来源{f'（{years}年）' if len(used) > 1 else ''}："
                f"{html.escape(str(src.source))}"
                + (f"，网址：{_link(src.source_ref)}" if pd.notna(src.source_ref) else "")
            )
            extra = observation_note_zh(getattr(src, "note", None))
            lines.append(text + (f"；来源备注：{html.escape(extra)}" if extra else "") + "。")
        lines.append(f"基期值、目标值来源：{PLAN_SOURCE_ZH}。")
    box = "".join(f"<div>{line}</div>" for line in lines)
    warn = ""
    notes = " ".join(str(n) for n in used.get("note", pd.Series(dtype=str)).dropna())
    if "第三方转载" in notes:
        warn = message_html(
            "该观测值引自第三方网站对新闻发布会内容的转载，并非政府网站原文；"
            "正式引用前请核对发布会原文或向主管部门核实。",
            "warn",
        )
    return f'{CSS}<div class="hn-msg hn-info" style="line-height:1.7">{box}</div>{warn}'


def progress_summary(table: pd.DataFrame) -> str:
    """One Chinese sentence counting indicators by status, e.g. ``共 23 项：进度正常 2 项 …``."""
    counts = table["status"].value_counts()
    order = [
        "achieved",
        "on_track",
        "needs_acceleration",
        "limited_progress",
        "deterioration",
        "needs_reference",
        "qualitative",
        "insufficient_data",
    ]
    parts = [f"{progress.PROGRESS_ZH[s]} {int(counts[s])} 项" for s in order if s in counts]
    return f"共 {len(table)} 项指标：" + "，".join(parts) + "。"


class MonitorApp:
    """规划监测: domain → indicator table with status colours → trajectory of one indicator.

    Parameters
    ----------
    observations : pandas.DataFrame, optional
        Long table (default :func:`huainan.evidence.observed.all_observations`: statistics + the
        monitoring returns officials ingested).

    Attributes
    ----------
    domain, stage, indicator : ipywidgets controls
        Domain (全部领域 or one of nine), evaluation (最新数据 / 2023年中期评估 / 2025年终期评估)
        and the indicator whose trajectory is drawn.
    table : ipywidgets.HTML
        The progress table (约束性 first, status colours).
    detail : ipywidgets.HTML
        The selected indicator's observed value, progress arithmetic and source
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
            value="latest",
            description="评估时点",
            style={"button_width": "130px"},
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
                    "规划监测：“十四五”主要指标进展",
                    "选择领域和评估时点，查看《规划》专栏2各项指标距2025年目标还有多远；"
                    "约束性指标排在前面。点选指标可查看其2020年以来的走势与达标所需路径。",
                ),
                W.HBox([self.domain, self.stage], layout=W.Layout(flex_flow="row wrap")),
                self.status,
                self.table,
                heading(
                    "指标走势",
                    "圆点为2020年基期值和历年观测值，五角星为2025年目标值，"
                    "虚线为达到目标所需的路径（五年累计指标按线性进度，"
                    "其他指标按不变年均增速）。",
                ),
                self.indicator,
                self.detail,
                self.chart.widget,
                note(
                    "资料来源：《淮南市“十四五”公共服务规划（征求意见稿）》专栏2（基期值、目标值）；"
                    "观测值来自统计公报、普查资料和各部门报送的监测数据（每个观测值的来源见表中说明）。"
                    "进度评估方法：完成度（现状指数）；进度比R为实际与所需年均增速之比，五年累计指标"
                    "为累计完成量与线性进度应完成量之比；R≥0.95为进度正常，0.60–0.95为需加快，"
                    "0–0.60为进展有限，R<0为倒退。"
                ),
            ]
        )

    # -- data
    def table_for(self, stage: str) -> pd.DataFrame:
        """The progress table of an evaluation stage (cached)."""
        if stage not in self._tables:
            if stage == "latest":
                t = progress.progress_table(STAGES["latest"][1], observations=self.observations)
            else:
                t = progress.evaluation_table(stage, observations=self.observations)
            self._tables[stage] = t
        return self._tables[stage]

    def _current(self) -> pd.DataFrame:
        t = self.table_for(self.stage.value)
        if self.domain.value != "all":
            t = t[t["domain"] == self.domain.value]
        return t

    # -- callbacks
    def _set_indicator_options(self) -> None:
        t = self._current()
        t = t.assign(_b=(t["attribute"] != "binding").astype(int)).sort_values("_b", kind="stable")
        options = [
            (f"{r.name_zh}（{_ATTRIBUTE_ZH[r.attribute]}，{r.unit}）", r.indicator_id)
            for r in t.itertuples(index=False)
        ]
        keep = self.indicator.value if self.indicator.value in [v for _, v in options] else None
        # first shown: an indicator with observations, else one with a number to aim at
        ranked = t.assign(
            _r=np.where(
                t["observed"].notna(),
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

        with reported("指标进展表", fail):
            t = self._current()
            rows, css = progress_rows(t)
            self.table.value = html_table(
                rows,
                numeric=("最新观测值", "完成度", "进度比R"),
                css=css,
                nowrap=("属性", "单位", "观测年份", "进度状态"),
            )
            year = STAGES[self.stage.value][1]
            scope = (
                "最新数据：使用目前已有的全部观测值"
                if self.stage.value == "latest"
                else f"{STAGES[self.stage.value][0]}：使用截至{year}年的观测值"
            )
            msgs = [message_html(f"{scope}。{progress_summary(t)}", "info")]
            missing = int(t["observed"].isna().sum())
            if missing:
                msgs.append(
                    message_html(
                        f"{missing} 项指标在2020年以后暂无观测值（相关部门尚未报送或尚未公开），"
                        "这些指标显示为“数据不足”。数据管理员导入各部门报送的监测数据后，本页自动更新。",
                        "warn",
                    )
                )
            if self.stage.value != "latest":
                late = t["observed_year"].notna() & (t["observed_year"] < year)
                if late.any():
                    msgs.append(
                        message_html(
                            f"{STAGES[self.stage.value][0]}应使用{year}年数据；{int(late.sum())} 项指标"
                            f"尚无{year}年数值，表中使用截至{year}年的最新值（见“观测年份”）。",
                            "warn",
                        )
                    )
            self.status.value = "".join(msgs)

    def _refresh_chart(self) -> None:
        ind = self.indicator.value
        if ind is None:
            return
        year = None if self.stage.value == "latest" else STAGES[self.stage.value][1]

        def fail(text):
            self.detail.value = text

        with reported("指标说明", fail):
            row = self.table_for(self.stage.value).set_index("indicator_id", drop=False).loc[ind]
            self.detail.value = indicator_detail_html(row, self.observations)
        self.chart.show(
            ("trajectory", ind, year),
            lambda: charts.trajectory_chart(ind, self.observations, year=year),
        )


def monitor_app(observations: pd.DataFrame | None = None) -> W.Widget:
    """The 规划监测 screen (or a friendly message if it cannot be built)."""
    return guard("规划监测", lambda: MonitorApp(observations).widget)
