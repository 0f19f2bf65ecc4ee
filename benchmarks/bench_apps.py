"""Benchmark: how fast the Voila apps appear and redraw, in headless Chromium.

Measured (each with its own Voila server on a free port, stopped by its PID):

1. **First meaningful paint, cold** (``huainan serve --no-preheat``): from the start of navigation
   to the app's main chart (the landing page's data table) being visible — the kernel is started
   and the notebook executed on request. Two loads per page.
2. **First meaningful paint, preheated** (``huainan serve``, the checked-in ``voila.json``): the
   same, with the page's kernel already executed; before each load the benchmark waits until the
   pool has been refilled (the server log says so), so every load meets a warm kernel. Three loads
   per page.
3. **Control change → redraw**: time from the user's action (a dropdown choice, a slider key
   press) to the new chart image (or table) shown in the browser; ≥ 10 changes per control,
   every one to a value not shown before, median reported. Twice: with an empty chart cache
   (every chart drawn by matplotlib on demand; going back to five indicators already drawn is
   reported separately) and, after :func:`huainan.apps.prerender.prerender` has filled the shared cache
   (what ``huainan serve`` does in the background), in a new page with a new kernel.

Goals (issue 6): preheated first paint ≤ 2 s; median redraw ≤ 250 ms. Prints the figures; a
measurement, not a test (nothing fails on time). Run: ``.venv/bin/python benchmarks/bench_apps.py``
(or ``make bench``); needs ``/usr/bin/chromium``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from huainan.apps import browser, server

GOAL_PAINT_S = 2.0
GOAL_REDRAW_S = 0.250
PAGES = server.PAGES
CHANGES = 12


#: The name each page's builder logs ("<name> built in … s") when its app is ready in a kernel.
BUILT = {
    "index.ipynb": "数据更新情况",
    "monitor.ipynb": "规划监测",
    "regions.ipynb": "区域差距",
    "whatif.ipynb": "情景推演",
}


def _serve(tmp: Path, *, preheat: bool, cache: Path):
    log = tmp / f"voila-{'preheat' if preheat else 'cold'}.log"
    port = server.free_port()
    proc = server.start(port, preheat=preheat, log=log, env={"HUAINAN_CACHE_DIR": str(cache)})
    server.wait_ready(port, proc, log=log, timeout=240, pages=PAGES if preheat else ())
    if preheat:  # every pool kernel has built its app
        deadline = time.monotonic() + 240
        while any(_builds(log, p) < 1 for p in PAGES) and time.monotonic() < deadline:
            time.sleep(0.2)
    return port, proc, log


def _builds(log: Path, page: str) -> int:
    return log.read_text(encoding="utf-8", errors="replace").count(f"{BUILT[page]} built in")


def first_paint(context, port: int, *, loads: int, log: Path | None = None) -> dict:
    """Seconds to first meaningful paint per page (list of ``loads`` values)."""
    out = {}
    for page_name in PAGES:
        times = []
        for _ in range(loads):
            built = _builds(log, page_name) if log else 0
            page, seconds = browser.open_app(context, server.url(port, page_name), page_name)
            bad = browser.errors_on(page)
            page.close()
            if bad:
                raise RuntimeError(f"{page_name}: error text on the page: {bad}")
            times.append(seconds)
            if log is not None:  # wait until the refilled pool kernel has built the app again
                deadline = time.monotonic() + 120
                while _builds(log, page_name) <= built and time.monotonic() < deadline:
                    time.sleep(0.2)
                time.sleep(1.0)  # and Voila has finished rendering it
        out[page_name] = times
    return out


def _timed(action, wait) -> float:
    start = time.perf_counter()
    action()
    wait()
    return time.perf_counter() - start


def redraws(context, port: int) -> dict[str, list[float]]:
    """Seconds from a control change to the redrawn chart/table, per control."""
    results: dict[str, list[float]] = {}

    # 规划监测: the indicator dropdown (trajectory chart)
    page, _ = browser.open_app(context, server.url(port, "monitor.ipynb"), "monitor.ipynb")
    labels = page.eval_on_selector_all(
        ".hn-indicator select option", "els => els.map(e => e.textContent)"
    )
    current = page.eval_on_selector(".hn-indicator select", "e => e.selectedOptions[0].text")
    todo = [lab for lab in labels if lab != current][:CHANGES]
    times = []
    for lab in todo:
        src = browser.image_src(page, "hn-chart-trajectory")
        times.append(
            _timed(
                lambda lab=lab: browser.select(page, "hn-indicator", lab),
                lambda src=src: browser.wait_image_change(page, "hn-chart-trajectory", src),
            )
        )
    results["规划监测 指标 → 走势图"] = times
    cached = []
    for lab in todo[:5]:  # back to indicators already drawn: cached PNGs
        src = browser.image_src(page, "hn-chart-trajectory")
        cached.append(
            _timed(
                lambda lab=lab: browser.select(page, "hn-indicator", lab),
                lambda src=src: browser.wait_image_change(page, "hn-chart-trajectory", src),
            )
        )
    results["规划监测 指标（已画过，缓存）"] = cached
    page.close()

    # 区域差距: the indicator dropdown (map + bars + tables)
    page, _ = browser.open_app(context, server.url(port, "regions.ipynb"), "regions.ipynb")
    labels = page.eval_on_selector_all(
        ".hn-indicator select option", "els => els.map(e => e.textContent)"
    )
    current = page.eval_on_selector(".hn-indicator select", "e => e.selectedOptions[0].text")
    todo = [lab for lab in labels if lab != current][:CHANGES]
    both = []
    for lab in todo:
        srcs = {p: browser.image_src(page, p) for p in ("hn-chart-map", "hn-chart-bars")}

        def wait(srcs=srcs):
            for panel, src in srcs.items():
                browser.wait_image_change(page, panel, src)

        both.append(_timed(lambda lab=lab: browser.select(page, "hn-indicator", lab), wait))
    results["区域差距 指标 → 地图+条形图"] = both
    page.close()

    # 情景推演: supply slider (projection table) and population slider (capacity chart)
    page, _ = browser.open_app(context, server.url(port, "whatif.ipynb"), "whatif.ipynb")
    supply, population = [], []
    for _ in range(CHANGES):
        html = browser.html_of(page, "hn-projections")
        supply.append(
            _timed(
                lambda: browser.nudge_slider(page, "hn-supply"),
                lambda html=html: browser.wait_html_change(page, "hn-projections", html),
            )
        )
    for _ in range(CHANGES):
        src = browser.image_src(page, "hn-chart-capacity")
        population.append(
            _timed(
                lambda: browser.nudge_slider(page, "hn-population", "ArrowLeft"),
                lambda src=src: browser.wait_image_change(page, "hn-chart-capacity", src),
            )
        )
    results["情景推演 供给增速 → 推算表"] = supply
    results["情景推演 人口变化 → 推算表+需求图"] = population
    page.close()
    return results


def main() -> int:
    from playwright.sync_api import sync_playwright

    if not browser.CHROMIUM.exists():
        print(f"skipped: {browser.CHROMIUM} is not installed")
        return 0
    with tempfile.TemporaryDirectory() as tmp_name, sync_playwright() as p:
        tmp = Path(tmp_name)
        context = browser.launch(p, tmp / "profile")
        cache = tmp / "chart-cache"
        try:
            port, proc, log = _serve(tmp, preheat=False, cache=tmp / "cold-cache")
            try:
                cold = first_paint(context, port, loads=2)
            finally:
                server.stop(proc)
            port, proc, log = _serve(tmp, preheat=True, cache=cache)
            try:
                warm = first_paint(context, port, loads=3, log=log)
                changes = redraws(context, port)  # every chart drawn for the first time
                start = time.perf_counter()
                subprocess.run(
                    server.prerender_command(),
                    check=True,
                    capture_output=True,
                    env={**os.environ, "HUAINAN_CACHE_DIR": str(cache)},
                )
                prerender_s = time.perf_counter() - start
                cached = redraws(context, port)  # a new page (kernel): charts from the cache
            finally:
                server.stop(proc)
        finally:
            context.close()

    print("First meaningful paint (s): navigation start → main chart visible")
    print(f"{'page':<16}{'cold (no preheat)':>22}{'preheated':>22}")
    for page_name in PAGES:
        c = ", ".join(f"{x:.2f}" for x in cold[page_name])
        w = ", ".join(f"{x:.2f}" for x in warm[page_name])
        print(f"{page_name:<16}{c:>22}{w:>22}")
    worst = max(statistics.median(v) for v in warm.values())
    print(
        f"preheated, worst page median: {worst:.2f} s (goal ≤ {GOAL_PAINT_S:.1f} s: "
        f"{'met' if worst <= GOAL_PAINT_S else 'MISSED'})"
    )
    for title, results in (
        ("charts drawn on demand (empty chart cache)", changes),
        (
            f"after prerender ({prerender_s:.0f} s, as `huainan serve` does in "
            "the background): charts from the shared cache",
            cached,
        ),
    ):
        print()
        print(f"Control change → redraw shown in the browser (s), {title}")
        for name, times in results.items():
            med = statistics.median(times)
            flag = "met" if med <= GOAL_REDRAW_S else "MISSED"
            print(
                f"  {name}: n={len(times)}, median {med:.3f}, min {min(times):.3f}, "
                f"max {max(times):.3f} (goal median ≤ {GOAL_REDRAW_S:.3f}: {flag})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
