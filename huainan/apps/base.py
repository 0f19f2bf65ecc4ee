"""What every app screen shares: messages, failure handling, layout helpers, chart panels.

What a browser sends to a screen's widgets is checked by :mod:`huainan.apps.controls`
(installed by :func:`guard`). A failure never shows a traceback to an official: the part that
failed is replaced by a plain Chinese message (:data:`FAILURE_ZH`) and the details go to the
server log (:func:`huainan.apps.logs.server_log`). Charts are shown as ``ipywidgets.Image(format="png")``
filled with :func:`huainan.briefs.charts.to_png` bytes — never drawn into an ``Output`` widget
during the first render (that hung Voila page loads at random, voila-dashboards/voila#1428).
"""

from __future__ import annotations

import html
import math
import time
from collections.abc import Callable
from contextlib import contextmanager

import ipywidgets as W
import pandas as pd

from huainan.apps.cache import PngCache
from huainan.apps.controls import protect
from huainan.apps.logs import LOG, server_log
from huainan.briefs import charts

#: What an official sees when a part of a screen cannot be shown.
FAILURE_ZH = "抱歉，这部分内容暂时无法显示。技术细节已记录在服务器日志中，请联系数据管理员处理。"


CSS = """<style>
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


def message(text: str, kind: str = "info") -> W.HTML:
    """A short boxed message: ``kind`` ``info`` (blue), ``warn`` (amber) or ``error`` (red).

    ``text`` is plain text (escaped).
    """
    return W.HTML(message_html(text, kind))


def message_html(text: str, kind: str = "info") -> str:
    """HTML of :func:`message` (for composing several parts into one widget)."""
    if kind not in ("info", "warn", "error"):
        raise ValueError(f"kind must be info, warn or error, not {kind!r}")
    return f'{CSS}<div class="hn-msg hn-{kind}">{html.escape(text)}</div>'


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
    """Build a screen; if that fails return the friendly message instead (details logged).

    Every widget of the screen is then protected (:func:`huainan.apps.controls.protect`): the
    browser can change a control only to a value it offers, and never sees a traceback.
    """
    server_log()
    result: list[W.Widget] = []
    with reported(what, lambda h: result.append(W.HTML(h))):
        start = time.perf_counter()
        result.append(build())
        LOG.info("%s built in %.2f s", what, time.perf_counter() - start)
    return protect(result[-1])


# ---------------------------------------------------------------------------------------------
# small layout helpers
# ---------------------------------------------------------------------------------------------


def heading(title: str, subtitle: str = "") -> W.HTML:
    """A screen heading with an optional one-line explanation under it."""
    sub = f'<div class="hn-note">{html.escape(subtitle)}</div>' if subtitle else ""
    return W.HTML(f"{CSS}<h3 style='margin:6px 0 2px 0'>{html.escape(title)}</h3>{sub}")


def note(text: str) -> W.HTML:
    """Small grey explanatory text (plain text, escaped)."""
    return W.HTML(f'{CSS}<div class="hn-note">{html.escape(text)}</div>')


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
        f'{CSS}<table class="hn-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


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
        self.error = protect(W.HTML())  # shown later, outside the tree guard() protects
        self.widget = W.VBox([self.image], layout=W.Layout(width=width, max_width=max_width))
        if css_class:
            tag(self.widget, css_class)
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


def tag(widget: W.DOMWidget, css_class: str) -> W.DOMWidget:
    """Give a widget a CSS class (browser tests and benchmarks find controls by it)."""
    widget.add_class(css_class)
    return widget


def status_css(status: str) -> str:
    """Inline CSS colouring a status cell (:data:`huainan.briefs.charts.STATUS_COLOURS`)."""
    from huainan.briefs import report

    return report.status_css(status) if status in charts.STATUS_COLOURS else ""


def app_observations(observations: pd.DataFrame | None) -> tuple[pd.DataFrame, PngCache | None]:
    """The observations an app shows, and the disk cache — only for the shipped data stores
    (charts of a caller's own table are not keyed by it, so they are never cached on disk)."""
    from huainan.evidence.observed import all_observations

    if observations is not None:
        return observations, None
    return all_observations(), PngCache()


# ---------------------------------------------------------------------------------------------
# fresh data: never older than the store
# ---------------------------------------------------------------------------------------------


def stamp_html(store=None) -> str:
    """``部门监测数据更新于 …（北京时间），链尾 …`` for the top of a page
    (:func:`huainan.evidence.monitoring.data_stamp` of ``store``, default the shipped store)."""
    from huainan.evidence.monitoring import data_stamp

    try:
        text = data_stamp(store).text_zh
    except Exception:  # an unreadable store: say so, details in the log
        server_log().exception("data stamp failed")
        text = "部门监测数据：暂时无法读取（请联系数据管理员运行 huainan validate）"
    return f'{CSS}<div class="hn-note hn-stamp">{html.escape(text)}</div>'


def fresh_screen(what: str, build: Callable[[], W.Widget]) -> W.Widget:
    """Build a screen with its data stamp; never show data older than the store.

    Voila's preheated kernels run the page before anyone asks for it, so an ingest in between
    would leave the first viewer with old numbers. The screen is built (the slow part) during
    preheating; then :func:`voila.utils.wait_for_request` pauses until the viewer's request
    arrives (a no-op outside preheating), the store's chain head is compared with the one the
    screen was built from, and the screen is rebuilt when they differ.
    """
    from huainan.evidence.monitoring import data_stamp

    def head() -> str:
        try:
            return data_stamp().chain_head
        except Exception:
            return ""

    before = head()
    box = W.VBox([W.HTML(stamp_html()), guard(what, build)])
    try:
        from voila.utils import wait_for_request

        wait_for_request()
    except Exception:  # not under Voila, or the query socket is gone: build as is
        LOG.info("wait_for_request unavailable")
    if head() != before:
        LOG.info("%s: the store changed since preheating; rebuilt", what)
        box.children = (W.HTML(stamp_html()), guard(what, build))
    return protect(box)  # the box and its stamp too (guard() protected the screen)
