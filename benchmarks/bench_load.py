"""Load benchmark: N officials opening the apps at the same moment and changing controls.

One Voila server as ``huainan serve`` runs it (the checked-in ``voila.json``: preheated pool of
one kernel per page, the kernel ceiling ``--max-kernels``), on a free port of 127.0.0.1, with an
empty chart cache of its own (every chart is drawn on demand: the worst case; ``huainan serve``
normally fills the cache in the background), stopped by its PID at the end. The viewers are
scripted (:mod:`huainan.apps.viewer`), all in this process, over loopback only:

1. **below the ceiling**: ``--viewers`` N viewers start together, spread over the three apps
   (规划监测, 区域差距, 情景推演). Each opens its page — *first paint* is the time from the
   request to the page's HTML and the state of every widget (the chart PNG included) received
   over the kernel websocket, i.e. everything the browser needs to draw the screen; the browser's
   own layout adds ~0.3 s (``bench_apps.py``) — then makes ``--changes`` control changes, each to
   a value it has not shown (indicator dropdowns, the population slider); *redraw* is the time
   from sending the change to receiving the new chart. Every page must be served (HTTP 200, no
   error text): this is checked and reported.
2. **beyond the ceiling**: with those N kernels still open (the server now holds N + 4 kernels,
   its ceiling), ``--extra`` more viewers ask for pages (default 6, two per app). A viewer whose
   page has a preheated kernel ready still gets it (the pool is then not refilled); the others
   get the Chinese 503 page 系统繁忙，请稍后再试. Counted.

Memory: the proportional set size (PSS, so shared pages are not counted twice) and the resident
set size (RSS) of the server and all its kernel processes, sampled every 0.5 s; the peak, and
the median per kernel. The figures depend on the machine's other load (printed: the load
average before and after).

The ceiling given to the server is ``N + 4`` (the N viewers' kernels plus the four preheated
ones) unless ``--max-kernels`` says otherwise. Bounded: at most 16 viewers and 8 changes each,
and the whole run is abandoned after ``--timeout`` seconds (default 900). A measurement, not a
test. Run: ``.venv/bin/python benchmarks/bench_load.py [--viewers 6 --changes 4 --extra 3]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import psutil

from huainan.apps import server, viewer

APPS = {
    # page: (control model, control class, chart panel class, how to change it)
    "monitor.ipynb": ("DropdownModel", "hn-indicator", "hn-chart-trajectory", "index"),
    "regions.ipynb": ("DropdownModel", "hn-indicator", "hn-chart-bars", "index"),
    "whatif.ipynb": ("FloatSliderModel", "hn-population", "hn-chart-capacity", "value"),
}
ERROR_TEXTS = ("系统繁忙", "暂时无法显示", "hn-cell-error", "Traceback")
MAX_VIEWERS, MAX_CHANGES = 16, 8


def memory_mb(pid: int) -> tuple[float, float]:
    """PSS and RSS of one process in MB (0 if it is gone)."""
    try:
        info = psutil.Process(pid).memory_full_info()
    except psutil.Error:  # gone meanwhile
        return 0.0, 0.0
    return getattr(info, "pss", 0.0) / 2**20, info.rss / 2**20


def children(pid: int) -> list[int]:
    """The direct children of ``pid`` (the server's kernels)."""
    try:
        return [c.pid for c in psutil.Process(pid).children()]
    except psutil.NoSuchProcess:
        return []


class MemorySampler(threading.Thread):
    """Samples the server's and its kernels' PSS every 0.5 s until stopped."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_total, self.kernel_sizes = pid, 0.0, []
        self.peak_rss, self.kernel_rss = 0.0, []
        self.peak_kernels = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(0.5):
            kids = children(self.pid)
            sizes = [memory_mb(k) for k in kids]
            own_pss, own_rss = memory_mb(self.pid)
            total = own_pss + sum(p for p, _ in sizes)
            if total > self.peak_total:
                self.peak_total = total
                self.kernel_sizes = [p for p, _ in sizes if p > 0]
                self.kernel_rss = [r for _, r in sizes if r > 0]
                self.peak_rss = own_rss + sum(self.kernel_rss)
            self.peak_kernels = max(self.peak_kernels, len(kids))

    def stop(self) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(5)


def built_apps(log: Path, timeout: float = 300.0) -> None:
    """Wait until every preheated kernel has built its screen (its log line ``… built in``)."""
    names = ("数据更新情况", "规划监测", "区域差距", "情景推演")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8", errors="replace")
        if all(f"{n} built in" in text for n in names):
            time.sleep(2.0)  # and Voila has rendered the page
            return
        time.sleep(0.5)
    raise TimeoutError("the preheated kernels did not build their screens")


async def one_viewer(port: int, page: str, number: int, changes: int) -> dict:
    """Open ``page``, then make ``changes`` changes; the figures of this viewer."""
    start = time.perf_counter()
    load = await viewer.fetch_page(port, page, timeout=600)
    out: dict = {"page": page, "status": load.status, "paint": None, "redraws": [], "ks": None}
    if load.status != 200 or not load.kernel_id:
        out["error"] = f"HTTP {load.status}"
        return out
    bad = [t for t in ERROR_TEXTS if t in load.html]
    if bad:
        out["error"] = f"error text {bad}"
    ks = await viewer.KernelSocket.open(port, load.kernel_id, timeout=120)
    await ks.widget_states(timeout=300)
    out["paint"] = time.perf_counter() - start
    out["ks"] = ks
    model, css, panel, key = APPS[page]
    control = ks.find(model, css)
    image = ks.image_in(panel)
    state = ks.states[control]["state"]
    # values this viewer has not shown, none equal to the current one; viewers of the same
    # page start at different places, so most charts are new to the shared cache too
    if key == "index":
        grid: list = list(range(len(state["_options_labels"])))
    else:  # the population slider: 0.1 steps from −3 to 3
        grid = [round(-3.0 + 0.1 * k, 1) for k in range(61)]
    grid = [v for v in grid if v != state[key]]
    shift = (number * changes) % len(grid)
    values = (grid[shift:] + grid[:shift])[:changes]
    for value in values:
        t = time.perf_counter()
        await ks.update(control, {key: value})
        await ks.wait_update(image, "value", timeout=300)
        out["redraws"].append(time.perf_counter() - t)
    return out


async def scenario(port: int, viewers: int, changes: int, extra: int) -> dict:
    pages = list(APPS)
    below = await asyncio.gather(
        *(one_viewer(port, pages[i % len(pages)], i, changes) for i in range(viewers)),
        return_exceptions=True,
    )
    beyond = await asyncio.gather(
        *(viewer.fetch_page(port, pages[i % len(pages)], timeout=120) for i in range(extra)),
        return_exceptions=True,
    )
    for r in below:
        if isinstance(r, dict) and r.get("ks") is not None:
            r["ks"].close()
    return {"below": below, "beyond": beyond}


def pct(values: list[float]) -> str:
    if not values:
        return "—"
    p50, p95 = np.percentile(values, [50, 95])
    return f"p50 {p50:.2f} s, p95 {p95:.2f} s (n={len(values)}, max {max(values):.2f})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--viewers", type=int, default=6)
    ap.add_argument("--changes", type=int, default=4)
    ap.add_argument("--extra", type=int, default=6)
    ap.add_argument("--max-kernels", type=int, default=None)
    ap.add_argument("--timeout", type=float, default=900.0)
    args = ap.parse_args(argv)
    if not 1 <= args.viewers <= MAX_VIEWERS or not 1 <= args.changes <= MAX_CHANGES:
        ap.error(f"--viewers 1…{MAX_VIEWERS}, --changes 1…{MAX_CHANGES}")
    if not 0 <= args.extra <= MAX_VIEWERS:
        ap.error(f"--extra 0…{MAX_VIEWERS}")
    cap = args.max_kernels or args.viewers + len(server.PAGES)
    # SIGTERM (e.g. from `timeout`) unwinds like Ctrl-C, so the server is stopped by its PID
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        log, port = tmp / "voila.log", server.free_port()
        proc = server.start(
            port, log=log, env={"HUAINAN_CACHE_DIR": str(tmp / "cache")}, max_kernels=cap
        )
        sampler = MemorySampler(proc.pid)
        try:
            ready = server.wait_ready(port, proc, log=log, timeout=300, pages=server.PAGES)
            built_apps(log)  # the pool kernels have executed their notebooks
            load_before = os.getloadavg()[0]
            sampler.start()
            start = time.perf_counter()
            result = asyncio.run(
                asyncio.wait_for(
                    scenario(port, args.viewers, args.changes, args.extra), args.timeout
                )
            )
            wall = time.perf_counter() - start
            load_after = os.getloadavg()[0]
        finally:
            code = server.stop(proc)  # by its PID, whatever happened
            sampler.stop()
        refused_lines = log.read_text(encoding="utf-8", errors="replace").count("refused a change")

    below, beyond = result["below"], result["beyond"]
    failures = [r for r in below if not isinstance(r, dict) or r.get("error")]
    paints = [r["paint"] for r in below if isinstance(r, dict) and r.get("paint") is not None]
    print(
        f"Load test: {args.viewers} viewers at once, {args.changes} changes each; ceiling {cap} kernels"
    )
    print(f"server ready in {ready:.1f} s; scenario {wall:.1f} s; server exit code {code}")
    print(
        f"machine load average (2 cores, shared): {load_before:.1f} before, {load_after:.1f} after"
    )
    print(f"first paint (page + widget states): {pct(paints)}")
    print("  each viewer (s): " + ", ".join(f"{x:.1f}" for x in sorted(paints)))
    for page in APPS:
        times = [
            t for r in below if isinstance(r, dict) and r["page"] == page for t in r["redraws"]
        ]
        firsts = [
            r["paint"] for r in below if isinstance(r, dict) and r["page"] == page and r["paint"]
        ]
        print(f"  {page:<15} first paint {pct(firsts)}")
        print(f"  {'':<15} redraw      {pct(times)}")
    redraws = [t for r in below if isinstance(r, dict) for t in r["redraws"]]
    print(f"redraw, all apps: {pct(redraws)}")
    print(
        f"below the ceiling: {len(below) - len(failures)} of {len(below)} pages served "
        f"without an error page"
        + (
            ""
            if not failures
            else f"; FAILED: {[str(f.get('error', f)) if isinstance(f, dict) else repr(f) for f in failures]}"
        )
    )
    served = sum(1 for b in beyond if isinstance(b, viewer.PageLoad) and b.status == 200)
    busy = sum(1 for b in beyond if isinstance(b, viewer.PageLoad) and b.busy)
    other = len(beyond) - served - busy
    print(
        f"beyond the ceiling: {args.extra} more viewers → {served} served from the preheated "
        f"pool, {busy} got 系统繁忙，请稍后再试 (503), {other} other"
    )
    kernel_sizes = sampler.kernel_sizes
    print(
        f"memory at the peak: PSS {sampler.peak_total:.0f} MB (RSS {sampler.peak_rss:.0f} MB) "
        f"for the server and {len(kernel_sizes)} kernels (most kernels at once: "
        f"{sampler.peak_kernels}); per kernel PSS median "
        f"{statistics.median(kernel_sizes) if kernel_sizes else 0:.0f} MB, max "
        f"{max(kernel_sizes, default=0):.0f} MB; RSS median "
        f"{statistics.median(sampler.kernel_rss) if sampler.kernel_rss else 0:.0f} MB"
    )
    print(f"widget changes refused by the server: {refused_lines} (expected 0)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
