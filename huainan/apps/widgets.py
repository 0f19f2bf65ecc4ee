"""ipywidgets builders for the Voila apps for officials (``notebooks/apps/``).

The apps are thin notebooks: each calls one builder here and displays what it returns —
:func:`monitor_app` (规划监测), :func:`regions_app` (区域差距), :func:`whatif_app` (情景推演) and
:func:`data_status` (the landing page's "how current are the data" box). The analysis stays in
:mod:`huainan.measures.progress`, :mod:`huainan.measures.gaps`, :mod:`huainan.measures.comparators`,
:mod:`huainan.measures.scenarios` and the figures in :mod:`huainan.briefs.charts`; this module only selects the
data a control asks for, lays the results out with Chinese labels, units and sources, and says
plainly what is missing ("无数据").

Two rules learnt on these machines (``../shared/STACK.md``):

- charts are shown as ``ipywidgets.Image(format="png")`` filled with :func:`huainan.briefs.charts.to_png`
  bytes — never drawn into an ``Output`` widget during the first render (that hung Voila page
  loads at random, voila-dashboards/voila#1428);
- a failure never shows a traceback to an official: the part that failed is replaced by a plain
  Chinese message (:data:`FAILURE_ZH`) and the details go to the server log (the logger
  ``huainan.apps`` writes to the kernel process's own stderr, which Voila's console shows).

Each app is a class with its controls as attributes (``MonitorApp.indicator`` …) and the whole
screen as ``.widget``, so tests and ``benchmarks/bench_apps.py`` can drive them without a browser.
Rendered charts are cached by their inputs: in memory per app (going back to an indicator already
shown costs nothing) and, for apps reading the shipped data stores, on disk (:class:`PngCache`,
shared by every kernel of the server, invalidated when any data file or module changes).
:func:`prerender` fills the disk cache with every chart the apps can show; ``huainan serve`` runs it
in the background at low priority, so officials' control changes are answered from the cache.
"""

from __future__ import annotations

import hashlib
import html
import logging
import math
import os
import shutil
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import ipywidgets as W
import numpy as np
import pandas as pd

from huainan import plan
from huainan.briefs import charts
from huainan.measures import progress, scenarios
from huainan.plan import domains, regions

LOG = logging.getLogger("huainan.apps")

#: What an official sees when a part of a screen cannot be shown.
FAILURE_ZH = "抱歉，这部分内容暂时无法显示。技术细节已记录在服务器日志中，请联系数据管理员处理。"

NO_DATA_ZH = "无数据"

_CSS = """<style>
.hn-table {border-collapse: collapse; font-size: 13px; margin: 4px 0 8px 0;}
.hn-table th {background: #eef1f5; text-align: left; padding: 4px 8px;
  border-bottom: 1px solid #b8c0cc; white-space: nowrap;}
.hn-table td {padding: 3px 8px; border-bottom: 1px solid #e3e6ea; vertical-align: top;
  line-height: 1.45;}
.hn-table td.nw {white-space: nowrap;}
.hn-table td.num {text-align: right; white-space: nowrap;}
.hn-table tr.hn-total td {font-weight: bold; border-top: 1px solid #b8c0cc;}
.hn-note {color: #555; font-size: 12px; line-height: 1.5;}
.hn-msg {padding: 6px 10px; border-radius: 3px; margin: 4px 0; font-size: 13px;}
.hn-info {background: #eef5fb; border-left: 4px solid #4c72b0;}
.hn-warn {background: #fff6e5; border-left: 4px solid #f0a202;}
.hn-error {background: #fdecea; border-left: 4px solid #d73027;}
</style>"""


# ---------------------------------------------------------------------------------------------
# logging, messages and failure handling
# ---------------------------------------------------------------------------------------------


def server_log() -> logging.Logger:
    """Return the ``huainan.apps`` logger, writing to the server's console.

    In a Voila kernel ``sys.stderr`` is redirected to the page; ``sys.__stderr__`` is the kernel
    process's own stderr, inherited from the Voila server, so log lines land in the server log.
    Python warnings are routed there too (``logging.captureWarnings``) so they never appear on
    an official's screen.
    """
    if not any(getattr(h, "_huainan", False) for h in LOG.handlers):
        handler = logging.StreamHandler(sys.__stderr__ or sys.stderr)
        handler.setFormatter(
            logging.Formatter("[huainan.apps %(asctime)s %(levelname)s] %(message)s", "%H:%M:%S")
        )
        handler._huainan = True
        LOG.addHandler(handler)
        LOG.setLevel(logging.INFO)
        LOG.propagate = False
        logging.captureWarnings(True)
        warnings_log = logging.getLogger("py.warnings")
        warnings_log.addHandler(handler)
        warnings_log.propagate = False
    return LOG


def message(text: str, kind: str = "info") -> W.HTML:
    """A short boxed message: ``kind`` ``info`` (blue), ``warn`` (amber) or ``error`` (red).

    ``text`` is plain text (escaped).
    """
    return W.HTML(message_html(text, kind))


def message_html(text: str, kind: str = "info") -> str:
    """HTML of :func:`message` (for composing several parts into one widget)."""
    if kind not in ("info", "warn", "error"):
        raise ValueError(f"kind must be info, warn or error, not {kind!r}")
    return f'{_CSS}<div class="hn-msg hn-{kind}">{html.escape(text)}</div>'


def failure_html(what: str) -> str:
    """The friendly message shown in place of a part (``what``) that failed."""
    return message_html(f"{what}：{FAILURE_ZH}", "error")


@contextmanager
def reported(what: str, on_error: Callable[[str], None]):
    """Run a block; on any exception log it (with traceback) and call ``on_error(html)``.

    ``what`` names the part in Chinese (e.g. ``"指标趋势图"``); the HTML passed to ``on_error``
    is :func:`failure_html`.
    """
    try:
        yield
    except Exception:
        server_log().exception("%s failed", what)
        import matplotlib.pyplot as plt

        plt.close("all")  # a half-drawn figure must not be shown by the inline backend
        on_error(failure_html(what))


def guard(what: str, build: Callable[[], W.Widget]) -> W.Widget:
    """Build a screen; if that fails return the friendly message instead (details logged)."""
    server_log()
    result: list[W.Widget] = []
    with reported(what, lambda h: result.append(W.HTML(h))):
        start = time.perf_counter()
        result.append(build())
        LOG.info("%s built in %.2f s", what, time.perf_counter() - start)
    return result[-1]


# ---------------------------------------------------------------------------------------------
# small layout helpers
# ---------------------------------------------------------------------------------------------


def heading(title: str, subtitle: str = "") -> W.HTML:
    """A screen heading with an optional one-line explanation under it."""
    sub = f'<div class="hn-note">{html.escape(subtitle)}</div>' if subtitle else ""
    return W.HTML(f"{_CSS}<h3 style='margin:6px 0 2px 0'>{html.escape(title)}</h3>{sub}")


def note(text: str) -> W.HTML:
    """Small grey explanatory text (plain text, escaped)."""
    return W.HTML(f'{_CSS}<div class="hn-note">{html.escape(text)}</div>')


def fmt(x, digits: int = 4) -> str:
    """A number for a table cell: whole numbers with thousands separators from 1,000 up, else
    ``digits`` significant digits; a true minus sign; ``无数据`` when missing.

    Examples
    --------
    >>> fmt(3033528.0), fmt(12056.44), fmt(-0.0123), fmt(float("nan")), fmt(2.55)
    ('3,033,528', '12,056', '−0.0123', '无数据', '2.55')
    """
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return NO_DATA_ZH
    x = float(x)
    text = f"{x:,.0f}" if abs(x) >= 1000 else f"{x:,.{digits}g}"
    return text.replace("-", "\u2212")


def whole(x) -> str:
    """A count of whole things (places, beds, square metres) for a table cell: rounded to a whole
    number, thousands separators, a true minus sign; ``无数据`` when missing.

    Examples
    --------
    >>> whole(969.353), whole(13270.33), whole(-0.4), whole(float("nan"))
    ('969', '13,270', '0', '无数据')
    """
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return NO_DATA_ZH
    return f"{round(float(x)):,d}".replace("-", "\u2212")


def pct(x, digits: int = 1) -> str:
    """A fraction as a percentage for a table cell (``0.0372`` → ``3.7%``); ``无数据`` if missing."""
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return NO_DATA_ZH
    return f"{100 * float(x):.{digits}f}%".replace("-", "\u2212")


def html_table(
    rows: pd.DataFrame,
    *,
    numeric: tuple[str, ...] = (),
    nowrap: tuple[str, ...] = (),
    css: pd.DataFrame | None = None,
    total_last: bool = False,
) -> str:
    """Render a small DataFrame of display strings as an HTML table.

    Parameters
    ----------
    rows : pandas.DataFrame
        Column names are the (Chinese) headers; cells are shown as text (escaped).
    numeric : tuple of str
        Columns to right-align (never wrapped).
    nowrap : tuple of str
        Other columns whose cells are not wrapped (short labels such as 约束性).
    css : pandas.DataFrame, optional
        Same shape as ``rows``: inline CSS per cell (e.g. a status colour), "" for none.
    total_last : bool
        Show the last row as a total (bold, rule above).
    """
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in rows.columns)
    body = []
    for i in range(len(rows)):
        cells = []
        for j, col in enumerate(rows.columns):
            style = "" if css is None else str(css.iat[i, j] or "")
            cls = ' class="num"' if col in numeric else ' class="nw"' if col in nowrap else ""
            attr = f' style="{html.escape(style)}"' if style else ""
            cells.append(f"<td{cls}{attr}>{html.escape(str(rows.iat[i, j]))}</td>")
        tr = ' class="hn-total"' if total_last and i == len(rows) - 1 else ""
        body.append(f"<tr{tr}>{''.join(cells)}</tr>")
    return (
        f'{_CSS}<table class="hn-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def cache_dir() -> Path:
    """Root of the chart cache: ``$HUAINAN_CACHE_DIR`` or ``<repo>/outputs/cache/app-charts``."""
    from huainan.paths import OUTPUTS_DIR

    env = os.environ.get("HUAINAN_CACHE_DIR")
    return Path(env).expanduser().resolve() if env else OUTPUTS_DIR / "cache" / "app-charts"


def inputs_fingerprint() -> str:
    """A short hash of everything a chart depends on: the data files (plan, statistics,
    monitoring store, boundaries …), the package's modules and the matplotlib version (name,
    size and modification time of each file — any ingest or code change gives a new value).

    Examples
    --------
    >>> len(inputs_fingerprint())
    16
    """
    import matplotlib

    from huainan.paths import data_dir

    h = hashlib.sha256(matplotlib.__version__.encode())
    for root in (data_dir(), Path(__file__).resolve().parent):
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                st = path.stat()
                h.update(f"{path.relative_to(root)}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


class PngCache:
    """Rendered charts on disk, shared by all kernels: ``<root>/<fingerprint>/<key hash>.png``.

    Parameters
    ----------
    root : pathlib.Path, optional
        Default :func:`cache_dir`.
    fingerprint : str, optional
        Default :func:`inputs_fingerprint` (entries of older data/code live in other folders and
        are never read; :meth:`prune` deletes them).

    Notes
    -----
    Writes are atomic (:func:`huainan.atomic.write_bytes`), so two kernels drawing the same chart
    at once are harmless. A cache that cannot be written (read-only disk) is skipped with one
    warning in the server log: charts are then drawn every time, nothing else changes.
    """

    COMPLETE = "COMPLETE"

    def __init__(self, root: Path | None = None, fingerprint: str | None = None):
        self.root = cache_dir() if root is None else Path(root)
        self.fingerprint = inputs_fingerprint() if fingerprint is None else fingerprint
        self.folder = self.root / self.fingerprint
        self._writable = True

    def path(self, key) -> Path:
        digest = hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:32]
        return self.folder / f"{digest}.png"

    def get(self, key) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except OSError:
            return None

    def put(self, key, png: bytes) -> None:
        if not self._writable:
            return
        from huainan.atomic import write_bytes

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_bytes(self.path(key), png)
        except OSError as exc:
            self._writable = False
            server_log().warning(
                "chart cache %s not writable (%s): drawing every time", self.folder, exc
            )

    @property
    def complete(self) -> bool:
        """True once :func:`prerender` has drawn every chart for this fingerprint."""
        return (self.folder / self.COMPLETE).exists()

    def mark_complete(self, summary: str) -> None:
        from huainan.atomic import write_text

        self.folder.mkdir(parents=True, exist_ok=True)
        write_text(self.folder / self.COMPLETE, summary)

    def prune(self) -> int:
        """Delete the folders of other fingerprints; return how many were deleted."""
        if not self.root.exists():
            return 0
        old = [p for p in self.root.iterdir() if p.is_dir() and p.name != self.fingerprint]
        for p in old:
            shutil.rmtree(p, ignore_errors=True)
        return len(old)


class ChartPanel:
    """One chart on a screen: an ``Image`` widget filled with PNG bytes, with caches.

    ``show(key, draw)`` displays the PNG cached under ``key`` (in memory, then in ``cache`` on
    disk) or calls ``draw()`` (returning a matplotlib Figure), renders it with
    :func:`huainan.briefs.charts.to_png` and caches it. If drawing fails the image is replaced by the
    friendly message (and the error logged).
    """

    def __init__(
        self,
        what: str,
        *,
        width: str = "100%",
        max_width: str = "820px",
        css_class: str = "",
        cache: PngCache | None = None,
    ):
        self.what = what
        self.disk = cache
        self.image = W.Image(format="png", layout=W.Layout(width="100%", height="auto"))
        self.error = W.HTML()
        self.widget = W.VBox([self.image], layout=W.Layout(width=width, max_width=max_width))
        if css_class:
            _tag(self.widget, css_class)
        self._cache: dict = {}
        self.last_draw_seconds = math.nan

    def show(self, key, draw: Callable[[], object]) -> None:
        png = self._cache.get(key)
        if png is None and self.disk is not None:
            png = self.disk.get(key)
        if png is None:
            start = time.perf_counter()
            ok: list[bool] = []
            with reported(self.what, self._fail):
                png = charts.to_png(draw())
                ok.append(True)
            if not ok:
                return
            self.last_draw_seconds = time.perf_counter() - start
            if self.disk is not None:
                self.disk.put(key, png)
        self._cache[key] = png
        self.image.value = png
        if self.widget.children != (self.image,):
            self.widget.children = (self.image,)

    def _fail(self, text: str) -> None:
        self.error.value = text
        self.widget.children = (self.error,)


def _tag(widget: W.DOMWidget, css_class: str) -> W.DOMWidget:
    """Give a widget a CSS class (browser tests and benchmarks find controls by it)."""
    widget.add_class(css_class)
    return widget


def _status_css(status: str) -> str:
    from huainan.briefs.report import status_css

    return status_css(status) if status in charts.STATUS_COLOURS else ""


def _observations(observations: pd.DataFrame | None) -> tuple[pd.DataFrame, PngCache | None]:
    """The observations an app shows, and the disk cache — only for the shipped data stores
    (charts of a caller's own table are not keyed by it, so they are never cached on disk)."""
    from huainan.evidence.observed import all_observations

    if observations is not None:
        return observations, None
    return all_observations(), PngCache()


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
                f" {fmt(row.expected)}，进度比R = {fmt(row.ratio, 3)}"
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
            "最新观测值": [fmt(v) for v in t["observed"]],
            "观测年份": [_observed_years(r) for r in t.itertuples(index=False)],
            "完成度": [pct(v, 0) if pd.notna(v) else "—" for v in t["csi"]],
            "进度比R": [fmt(v, 3) if pd.notna(v) else "—" for v in t["ratio"]],
            "进度状态": t["status"].map(progress.PROGRESS_ZH).fillna(t["status"]),
            "说明": [_progress_note_zh(r) for r in t.itertuples(index=False)],
        }
    )
    css = pd.DataFrame("", index=rows.index, columns=rows.columns)
    css["进度状态"] = [_status_css(s) for s in t["status"]]
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
            f"观测值：{fmt(row.observed)} {html.escape(unit)}{when}"
            + (f"；{html.escape(note)}" if note else "")
            + "。"
        )
        years_done = int(row.observed_year) - int(row.baseline_year)
        span = int(row.target_year) - int(row.baseline_year)
        if row.cumulative and pd.notna(row.expected):
            lines.append(
                f"进度：五年累计目标 {fmt(row.target_value)} {html.escape(unit)}，按线性进度到"
                f"{int(row.observed_year)}年应完成 {fmt(row.expected)} {html.escape(unit)}"
                f"（{fmt(row.target_value)} × {years_done}/{span}）；实际累计 {fmt(row.observed)} "
                f"{html.escape(unit)}，进度比 R = "
                f"{fmt(row.observed)} ÷ {fmt(row.expected)} = {fmt(row.ratio, 3)}；完成度 "
                f"{pct(row.csi, 0)}（{fmt(row.observed)} ÷ {fmt(row.target_value)}）。"
            )
        elif pd.notna(row.ratio):
            lines.append(
                f"进度：{int(row.baseline_year)}—{int(row.observed_year)}年实际年均增速 "
                f"{pct(row.cagr_observed)}，达到目标所需年均增速 {pct(row.cagr_required)}，"
                f"进度比 R = {fmt(row.ratio, 3)}；完成度 {pct(row.csi, 0)}。"
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
    return f'{_CSS}<div class="hn-msg hn-info" style="line-height:1.7">{box}</div>{warn}'


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
        self.observations, cache = _observations(observations)
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
        _tag(self.domain, "hn-domain")
        _tag(self.stage, "hn-stage")
        _tag(self.indicator, "hn-indicator")
        _tag(self.table, "hn-progress-table")
        _tag(self.status, "hn-progress-status")
        _tag(self.detail, "hn-indicator-detail")
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


# ---------------------------------------------------------------------------------------------
# 区域差距: the seven units compared
# ---------------------------------------------------------------------------------------------

#: Per-capita bases of the regional view: key → (label, census denominator, per, unit suffix).
BASES: dict[str, tuple[str, str | None, float, str]] = {
    "raw": ("原值", None, 1.0, ""),
    "per_1000": ("每千常住人口", "population", 1000.0, "/千人"),
    "per_1000_60plus": ("每千名60岁及以上老人", "pop_age_60plus", 1000.0, "/千名60岁及以上老人"),
    "per_100hh": ("每百户", "households_family", 100.0, "/百户"),
}

_REFERENCE_CODES = {
    "淮南市": regions.CITY_CODE,
    "安徽省": regions.PROVINCE_CODE,
    "全国": regions.COUNTRY_CODE,
}


def indicator_choices(observations: pd.DataFrame) -> pd.DataFrame:
    """Indicators with a value for at least one of the seven units: what the regional view offers.

    Parameters
    ----------
    observations : pandas.DataFrame
        Long table (statistics + monitoring).

    Returns
    -------
    pandas.DataFrame
        One row per indicator: ``indicator``, ``name_zh``, ``unit``, ``domain`` (a domain id or
        ``context``), ``domain_zh``, ``direction``, ``kind`` (``count`` | ``share`` | ``level``),
        ``national_column`` (str, "" when there is no national county column), ``years`` (list
        of int, newest first), ``origin`` (``普查``/``统计`` or ``监测报送``), ``label`` (for the
        dropdown). Sorted by domain (plan order, context last) then catalogue order.
    """
    from huainan.evidence import stats

    unit_rows = observations[
        observations["region_code"].isin(regions.UNIT_CODES)
        & (observations["area"] == "total")
        & observations["value"].notna()
    ]
    cat = stats.indicator_catalog().set_index("id")
    ind = plan.indicators().set_index("indicator_id")
    order = {d.id: d.order for d in domains.DOMAINS}
    rows = []
    for pos, (indicator, grp) in enumerate(unit_rows.groupby("indicator", sort=False)):
        if indicator in cat.index:
            c = cat.loc[indicator]
            name, unit, dom, direction, kind = (
                c["name_zh"],
                c["unit"],
                c["domain"],
                c["direction"],
                c["kind"],
            )
            national = str(c["national_column"]).split(";")[0].split("(")[0].strip()
        elif indicator in ind.index:
            c = ind.loc[indicator]
            name, unit, dom, direction, kind = (
                c["name_zh"],
                c["unit"],
                c["domain"],
                c["direction"],
                "level",
            )
            national = ""
        else:
            continue
        origin = (
            "监测报送"
            if ("origin" in grp and (grp["origin"] == "monitoring").any())
            else "普查/统计"
        )
        dom_zh = "人口与户（基础数据）" if dom == "context" else domains.get(dom).zh
        years = sorted(set(grp["year"].astype(int)), reverse=True)
        rows.append(
            {
                "indicator": indicator,
                "name_zh": name,
                "unit": unit,
                "domain": dom,
                "domain_zh": dom_zh,
                "direction": direction,
                "kind": kind,
                "national_column": national,
                "years": years,
                "origin": origin,
                "label": f"{dom_zh} · {name}（{unit}）",
                "_order": order.get(dom, 99),
                "_pos": pos,
            }
        )
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    catpos = {i: k for k, i in enumerate(cat.index)}
    out["_cat"] = out["indicator"].map(catpos).fillna(len(catpos))
    out = out.sort_values(["_order", "_cat", "_pos"]).drop(columns=["_order", "_cat", "_pos"])
    return out.reset_index(drop=True)


def _base_unit(unit: str) -> tuple[str, float]:
    """Base unit and factor of a count unit (万个 → (个, 10000))."""
    from huainan.intake.units import parse_unit

    u = parse_unit(unit)
    if u.base in ("", "ratio"):
        return unit, 1.0
    return u.base, float(u.factor)


def unit_values(
    observations: pd.DataFrame,
    indicator: str,
    year: int,
    *,
    basis: str = "raw",
    unit: str = "",
    codes: tuple[str, ...] = regions.UNIT_CODES,
) -> pd.DataFrame:
    """Values of one indicator for some regions in one year, raw or per capita.

    Parameters
    ----------
    observations : pandas.DataFrame
        Long table.
    indicator : str
    year : int
    basis : str
        A key of :data:`BASES`. Per-capita bases divide a count by the census denominator (2010
        census for 2010 values, 2020 census for every later year: say so) via
        :func:`huainan.evidence.stats.per_capita`, after converting 万-units to their base unit.
    unit : str
        The indicator's unit (for the conversion and the returned ``unit``).
    codes : tuple of str
        Regions wanted (default the seven units).

    Returns
    -------
    pandas.DataFrame
        One row per code (in ``codes`` order): ``region_code``, ``name_zh``, ``value`` (float64,
        NaN = 无数据), ``raw`` (float64, the published value), ``denominator`` (float64, NaN for
        ``raw``), ``source`` (str or NA), ``unit`` (str, e.g. ``人/千人``).

    Examples
    --------
    >>> obs = pd.DataFrame({"region_code": ["340402"], "year": [2020], "area": ["total"],
    ...                     "indicator": ["x"], "value": [4.5], "source": ["s"]})
    >>> unit_values(obs, "x", 2020, unit="%")[["region_code", "value", "unit"]].iloc[:2]
      region_code  value unit
    0      340402    4.5    %
    1      340403    NaN    %
    """
    from huainan.evidence import stats

    label, den, per, suffix = BASES[basis]
    sel = observations[
        (observations["indicator"] == indicator)
        & (observations["year"] == int(year))
        & (observations["area"] == "total")
        & observations["region_code"].isin(codes)
    ]
    if "origin" in sel:
        sel = sel.assign(_r=sel["origin"].map({"monitoring": 0, "stats": 1}).fillna(1))
        sel = sel.sort_values("_r")
    sel = sel.drop_duplicates("region_code", keep="first").set_index("region_code")
    out = pd.DataFrame({"region_code": list(codes)})
    names = regions.regions().set_index("code")["name_zh"]
    out["name_zh"] = out["region_code"].map(names)
    out["raw"] = out["region_code"].map(sel["value"]).astype("float64")
    out["source"] = out["region_code"].map(sel["source"]).astype("string")
    if den is None:
        out["value"] = out["raw"]
        out["denominator"] = np.nan
        out["unit"] = unit
        return out
    base_unit, factor = _base_unit(unit)
    census_year = 2010 if int(year) < 2020 else 2020
    counts = out[["region_code"]].assign(value=out["raw"] * factor)
    has_den = stats.census_denominators(den, census_year)
    known = counts["region_code"].isin(has_den.index)
    rated = stats.per_capita(counts[known], denominator=den, per=per, year=census_year)
    out["value"] = out["region_code"].map(rated.set_index("region_code")["rate"]).astype("float64")
    out["denominator"] = out["region_code"].map(rated.set_index("region_code")["denominator"])
    out["unit"] = base_unit + suffix
    return out


def percentile_table(indicator_row: pd.Series, year: int, basis: str) -> pd.DataFrame | None:
    """Each unit's percentile among Anhui's and China's county-level units (2020 census).

    Returns ``None`` when the indicator has no national county column or the year is not 2020.
    Otherwise :func:`huainan.measures.comparators.percentile_ranks` for the column (turned into the
    per-capita rate first when ``basis`` asks for it).
    """
    from huainan.evidence import stats
    from huainan.measures import comparators

    col = indicator_row["national_column"]
    if not col or int(year) != 2020:
        return None
    nat = comparators.comparison_base(stats.national_counties(2020))
    if col not in nat.columns:
        return None
    label, den, per, _ = BASES[basis]
    frame = nat[["code", "province_code"]].copy()
    values = nat[col].astype("float64")
    if den is not None:
        _, factor = _base_unit(indicator_row["unit"])
        values = values * factor / nat[den].astype("float64") * per
    frame["v"] = values
    d = {"higher_better": 1, "lower_better": -1}.get(indicator_row["direction"], 0)
    return comparators.percentile_ranks(frame, indicators=["v"], directions={"v": d})


def disparity_rows(values: pd.DataFrame, weights: pd.Series) -> tuple[pd.DataFrame, str]:
    """Disparity indices of the seven units' values as a two-column display table.

    Parameters
    ----------
    values : pandas.DataFrame
        :func:`unit_values` output.
    weights : pandas.Series
        Population weights by region code (census).

    Returns
    -------
    (rows, note) : DataFrame with columns 指标, 数值, 含义; and a Chinese note on what was left
    out or undefined.
    """
    from huainan.measures import gaps

    df = values.assign(
        pop=values["region_code"].map(weights).astype("float64"),
        group=values["region_code"].map(regions.groups()),
    )
    r = gaps.disparity(df, value="value", population="pop", group="group")
    lines = [
        ("单元数（有数据）", f"{int(r['n'])} / 7", ""),
        ("最小值 / 最大值", f"{fmt(r['min'])} / {fmt(r['max'])}", "七个区县中的最低和最高"),
        ("极值比（最大/最小）", fmt(r["max_min_ratio"], 3), "越接近1越均衡"),
        ("变异系数（人口加权）", fmt(r["cv_weighted"], 3), "标准差/均值；0表示完全均衡"),
        ("基尼系数（人口加权）", fmt(r["gini_weighted"], 3), "0–1，越大越不均衡"),
        ("泰尔指数T", fmt(r["theil_t"], 3), "0表示完全均衡"),
        (
            "其中：区县组间（市辖区 vs 县）",
            pct(r["theil_t_between_share"]),
            "组间差距占泰尔指数T的比重",
        ),
        (
            "其中：组内（市辖区之间、两县之间）",
            pct(r["theil_t_within_share"]),
            "组内差距占泰尔指数T的比重",
        ),
        ("泰尔指数L（平均对数偏差）", fmt(r["theil_l"], 3), "对低值单元更敏感"),
    ]
    rows = pd.DataFrame(lines, columns=["指标", "数值", "含义"])
    notes = []
    if r["n_missing"]:
        notes.append(f"{int(r['n_missing'])} 个区县无数据，未参与计算")
    if r["n_zero"]:
        notes.append(
            "有区县数值为0：极值比和泰尔指数L无定义（显示为无数据），泰尔指数T按0·ln0=0计算"
        )
    if int(r["n"]) < 2:
        notes.append("少于两个区县有数据，无法衡量差距")
    return rows, "；".join(notes)


class RegionsApp:
    """区域差距: one indicator across the seven units — map, bars with references, disparity
    indices with the district/county decomposition, and percentiles among Anhui's and China's
    counties.

    Attributes
    ----------
    indicator, year, basis : ipywidgets controls
    choropleth, bars : ChartPanel
    disparity, percentiles : ipywidgets.HTML
    widget : ipywidgets.VBox
    """

    def __init__(self, observations: pd.DataFrame | None = None):
        self.observations, cache = _observations(observations)
        self._quiet = False
        self.choices = indicator_choices(self.observations).set_index("indicator", drop=False)
        default = (
            "share_age_60plus"
            if "share_age_60plus" in self.choices.index
            else self.choices.index[0]
        )
        self.indicator = W.Dropdown(
            options=list(zip(self.choices["label"], self.choices["indicator"], strict=True)),
            value=default,
            description="指标",
            layout=W.Layout(width="560px"),
        )
        self.year = W.Dropdown(description="年份", layout=W.Layout(width="160px"))
        self.basis = W.ToggleButtons(
            options=[(v[0], k) for k, v in BASES.items()],
            value="raw",
            description="口径",
            style={"button_width": "185px"},
        )
        self.info = W.HTML()
        self.choropleth = ChartPanel(
            "区县分布图", width="49%", max_width="640px", css_class="hn-chart-map", cache=cache
        )
        self.bars = ChartPanel(
            "区县对比图", width="49%", max_width="640px", css_class="hn-chart-bars", cache=cache
        )
        self.disparity = W.HTML()
        self.percentiles = W.HTML()
        for control, name in (
            (self.indicator, "hn-indicator"),
            (self.year, "hn-year"),
            (self.basis, "hn-basis"),
            (self.disparity, "hn-disparity"),
            (self.percentiles, "hn-percentiles"),
        ):
            _tag(control, name)
        self._sync_controls()
        self._refresh()
        self.indicator.observe(self._on_indicator, names="value")
        self.year.observe(self._on_option, names="value")
        self.basis.observe(self._on_option, names="value")
        self.widget = W.VBox(
            [
                heading(
                    "区域差距：七个区县比一比",
                    "选择一个指标，查看淮南市五区两县的分布、与全市/全省/全国的对比、差距有多大"
                    "（区县之间、市辖区与县之间），以及各区县在全省和全国县级单位中的位置。",
                ),
                W.HBox([self.indicator, self.year], layout=W.Layout(flex_flow="row wrap")),
                self.basis,
                self.info,
                W.HBox(
                    [self.choropleth.widget, self.bars.widget],
                    layout=W.Layout(flex_flow="row wrap", justify_content="space-between"),
                ),
                heading(
                    "差距有多大",
                    "人口加权的离散程度指标；泰尔指数T分解为市辖区与县之间（组间）"
                    "和各组内部（组内）两部分。七个单元的指数容易受单个区县影响，"
                    "请结合上面的数值一起看。",
                ),
                self.disparity,
                heading(
                    "在全省、全国县级单位中的位置",
                    "百分位：比该区县数值低的县级单位所占比例（并列记一半）。"
                    "对“越高越好/越低越好”的指标已换算为“越大越好”。",
                ),
                self.percentiles,
            ]
        )

    def _row(self) -> pd.Series:
        return self.choices.loc[self.indicator.value]

    def _sync_controls(self) -> None:
        row = self._row()
        years = list(row["years"])
        count = row["kind"] == "count" and row["domain"] != "context"
        self._quiet = True  # one redraw after all controls are set
        try:
            self.year.options = [(str(y), y) for y in years]
            self.year.value = years[0]
            if not count and self.basis.value != "raw":
                self.basis.value = "raw"
            self.basis.disabled = not count
        finally:
            self._quiet = False

    def _on_indicator(self, _change) -> None:
        self._sync_controls()
        self._refresh()

    def _on_option(self, _change) -> None:
        if not self._quiet:
            self._refresh()

    def _refresh(self) -> None:
        def fail(text):
            self.info.value = text

        with reported("区域差距数据", fail):
            self._draw()

    def _draw(self) -> None:
        from huainan.evidence import stats

        row = self._row()
        ind, year, basis = row["indicator"], int(self.year.value), self.basis.value
        values = unit_values(self.observations, ind, year, basis=basis, unit=row["unit"])
        refs = unit_values(
            self.observations,
            ind,
            year,
            basis=basis,
            unit=row["unit"],
            codes=tuple(_REFERENCE_CODES.values()),
        )
        unit = values["unit"].iloc[0] or row["unit"]
        label = BASES[basis][0]
        title = f"{row['name_zh']}（{year}年{'' if basis == 'raw' else '，' + label}）"
        sources = [s for s in dict.fromkeys(values["source"].dropna().astype(str)) if s]
        source = "资料来源：" + (
            "；".join(sources[:2]) + (f" 等{len(sources)}项" if len(sources) > 2 else "")
            if sources
            else "无"
        )
        if basis != "raw":
            census = 2010 if year < 2020 else 2020
            source += f"；分母为{census}年人口普查数"
        n_missing = int(values["value"].isna().sum())
        msgs = []
        if n_missing == len(values):
            msgs.append(message_html(f"{year}年七个区县均无该指标数据（{NO_DATA_ZH}）。", "warn"))
        elif n_missing:
            names = "、".join(values.loc[values["value"].isna(), "name_zh"])
            msgs.append(message_html(f"{names} {year}年无数据，图中标为“{NO_DATA_ZH}”。", "warn"))
        if basis != "raw" and year > 2020:
            msgs.append(
                message_html(
                    f"人均口径以2020年普查人口为分母，{year}年的实际人口可能不同。", "info"
                )
            )
        if row["kind"] == "count" and basis == "raw" and row["domain"] != "context":
            msgs.append(
                message_html(
                    "这是总量指标，区县之间的差别主要反映人口规模；比较服务水平请选择人均口径。",
                    "info",
                )
            )
        msgs.append(message_html(f"数据来源：{row['origin']}；单位：{unit}。", "info"))
        self.info.value = "".join(msgs)

        key = (ind, year, basis)
        vals = values[["region_code", "value"]]
        self.choropleth.show(
            ("map",) + key, lambda: charts.choropleth(vals, title=title, unit=unit, source=source)
        )
        references = dict(zip(_REFERENCE_CODES, refs["value"], strict=True))
        self.bars.show(
            ("bars",) + key,
            lambda: charts.unit_bars(
                vals, title=title, unit=unit, source=source, references=references
            ),
        )

        weights = stats.census_denominators(
            BASES[basis][1] or "population", 2010 if year < 2020 else 2020
        )
        rows, dnote = disparity_rows(values, weights)
        wname = {
            "raw": "常住人口",
            "per_1000": "常住人口",
            "per_1000_60plus": "60岁及以上人口",
            "per_100hh": "家庭户数",
        }[basis]
        self.disparity.value = html_table(rows, numeric=("数值",)) + (
            f'<div class="hn-note">权重：{2010 if year < 2020 else 2020}年普查{wname}。'
            f"{html.escape(dnote)}</div>"
        )
        self._percentiles(row, year, basis, values)

    def _percentiles(self, row, year, basis, values) -> None:
        pr = percentile_table(row, year, basis)
        if pr is None:
            why = (
                "该指标没有全国县级可比数据（来自统计公报或部门报送）"
                if not row["national_column"]
                else "全省、全国县级对比仅提供2020年普查数据"
            )
            self.percentiles.value = message_html(f"{why}，{NO_DATA_ZH}。", "info")
            return
        wide = pr.pivot(
            index="region_code",
            columns="scope",
            values="percentile_favourable" if row["direction"] != "neutral" else "percentile",
        )
        n = pr.groupby("scope")["n"].first()
        out = pd.DataFrame(
            {
                "区县": values["name_zh"],
                "数值": [fmt(v) for v in values["value"]],
                f"在安徽省{int(n.get('anhui', 0))}个县级单位中的百分位": [
                    fmt(wide.at[c, "anhui"], 3) if c in wide.index else NO_DATA_ZH
                    for c in values["region_code"]
                ],
                f"在全国{int(n.get('china', 0))}个县级单位中的百分位": [
                    fmt(wide.at[c, "china"], 3) if c in wide.index else NO_DATA_ZH
                    for c in values["region_code"]
                ],
            }
        )
        direction = {
            "higher_better": "越高越好：百分位越大表示在全省/全国越靠前",
            "lower_better": "越低越好：百分位已换算，越大表示越好",
        }.get(row["direction"], "该指标无好坏之分：百分位只表示位置高低")
        self.percentiles.value = (
            html_table(out, numeric=tuple(out.columns[1:]))
            + f'<div class="hn-note">{html.escape(direction)}。资料来源：第七次全国人口普查分县资料。</div>'
        )


def regions_app(observations: pd.DataFrame | None = None) -> W.Widget:
    """The 区域差距 screen (or a friendly message if it cannot be built)."""
    return guard("区域差距", lambda: RegionsApp(observations).widget)


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
    return pct(required) if required > 0 else "不增长也可达标"


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
    return f"{fmt(r.start_value)}（{what}）"


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
            "2025年推算值": [fmt(v) for v in modelled["projected"]],
            "2025年目标值": modelled["target_text"],
            "推算结果": modelled["outcome_zh"],
            "达标所需供给年增速": [required_growth_text(v) for v in modelled["required_growth"]],
            "说明": modelled["note"],
        }
    ).reset_index(drop=True)
    css = pd.DataFrame("", index=rows.index, columns=rows.columns)
    css["推算结果"] = [_status_css(outcome_colour.get(o, "")) for o in modelled["outcome"]]
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
        self.observations, cache = _observations(observations)
        self.table = progress.progress_table(scenarios.HORIZON, observations=self.observations)
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
            _tag(control, name)
        self.denominators = scenarios.census_denominators()
        self._refresh()
        # supply growth moves the projections only; population moves both
        self.supply.observe(lambda _: self._refresh_projections(), names="value")
        self.population.observe(lambda _: self._refresh(), names="value")
        self.standard.observe(lambda _: self._refresh_capacity(), names="value")
        p_text = (
            f"人口年变化率默认约 {self.population.value:.1f}%（2010—2020年两次人口普查间"
            f"全市常住人口年均变化 {pct(self.p_census, 2)}，滑块以0.1个百分点为一档）。"
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
                            else f"{fmt(r.start_value)}（{int(r.start_year)}年）"
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
    return guard("情景推演", lambda: WhatIfApp(observations).widget)


# ---------------------------------------------------------------------------------------------
# landing page
# ---------------------------------------------------------------------------------------------


def data_status(observations: pd.DataFrame | None = None) -> W.Widget:
    """How current the data are: census year, latest published statistic, monitoring returns."""

    def build():
        from huainan.evidence import monitoring, stats

        obs = stats.observations()
        store = monitoring.observations()
        census = sorted(set(obs.loc[obs["source"].str.contains("人口普查", na=False), "year"]))
        bulletin = obs[~obs["source"].str.contains("人口普查", na=False)]
        latest = int(bulletin["year"].max()) if not bulletin.empty else None
        lines = [
            (
                "规划目标",
                "《淮南市“十四五”公共服务规划（征求意见稿）》专栏2：23项主要指标，"
                "2020年基期值、2025年目标值",
            ),
            (
                "人口普查",
                "、".join(f"{y}年" for y in census) + "（第六次、第七次全国人口普查分县资料）"
                if census
                else NO_DATA_ZH,
            ),
            ("统计公报等", f"{len(bulletin)} 个数值，最新为{latest}年" if latest else NO_DATA_ZH),
            (
                "部门监测报送",
                (f"{len(store)} 个数值，年份 {int(store['year'].min())}—{int(store['year'].max())}")
                if not store.empty
                else "尚未导入（导入后“规划监测”等页面自动使用）",
            ),
        ]
        rows = pd.DataFrame(lines, columns=["数据", "现状"])
        return _tag(W.HTML(html_table(rows)), "hn-data-status")

    return guard("数据更新情况", build)


# ---------------------------------------------------------------------------------------------
# filling the disk cache ahead of the officials
# ---------------------------------------------------------------------------------------------


def _around(values: list, centre) -> list:
    """``values`` ordered by distance from ``centre`` (the likeliest next choices first)."""
    return sorted(values, key=lambda v: (abs(v - centre), v))


def prerender(*, force: bool = False, deadline: float | None = None) -> dict[str, int]:
    """Draw every chart the three apps can show into the disk cache (:class:`PngCache`).

    Monitor: every indicator × evaluation stage; regions: every indicator × year × per-capita
    basis; what-if: every population step of the slider (−3.0 … 3.0 %) × standard, nearest to the
    default first. Already cached charts are skipped; when the cache of the current data and code
    is complete (a marker file) nothing is done unless ``force``. Caches of older data or code
    are deleted. ``huainan serve`` runs this in a background process at low priority.

    Parameters
    ----------
    force : bool
        Walk through everything even if the cache is marked complete.
    deadline : float, optional
        Stop after this many seconds (the cache is then not marked complete).

    Returns
    -------
    dict
        Charts drawn per app and ``seconds``.
    """
    log = server_log()
    cache = PngCache()
    pruned = cache.prune()
    if cache.complete and not force:
        log.info("chart cache %s complete: nothing to draw", cache.folder)
        return {"monitor": 0, "regions": 0, "whatif": 0, "seconds": 0}
    start = time.perf_counter()
    counts = {"monitor": 0, "regions": 0, "whatif": 0}

    def late() -> bool:
        return deadline is not None and time.perf_counter() - start > deadline

    def drawn(*panels) -> int:
        return sum(len(p._cache) for p in panels)

    app = MonitorApp()
    for stage in STAGES:
        if late():
            break
        app.stage.value = stage
        for ind in plan.indicators()["indicator_id"]:
            if late():
                break
            app.indicator.value = ind
    counts["monitor"] = drawn(app.chart)
    app = RegionsApp()
    for ind in app.choices["indicator"]:
        if late():
            break
        app.indicator.value = ind
        bases = [b for b in BASES if not app.basis.disabled or b == "raw"]
        for year in list(app.choices.loc[ind, "years"]):
            app.year.value = year
            for basis in bases:
                app.basis.value = basis
    counts["regions"] = drawn(app.choropleth, app.bars)
    app = WhatIfApp()
    steps = _around([round(x / 10, 1) for x in range(-30, 31)], app.population.value)
    for std in _CAPACITY_LABELS:
        if late():
            break
        app.standard.value = std
        for p in steps:
            if late():
                break
            app.population.value = p
    counts["whatif"] = drawn(app.chart)
    seconds = time.perf_counter() - start
    summary = (
        f"charts: monitor {counts['monitor']}, regions {counts['regions']}, "
        f"whatif {counts['whatif']}; {seconds:.0f} s"
    )
    if not late():
        cache.mark_complete(summary)
    log.info(
        "prerendered into %s (%d old cache folder(s) removed): %s", cache.folder, pruned, summary
    )
    return {**counts, "seconds": int(seconds)}
