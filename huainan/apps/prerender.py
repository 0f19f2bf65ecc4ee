"""Filling the disk chart cache ahead of the officials (``huainan serve`` runs :func:`prerender`
in the background at low priority)."""

from __future__ import annotations

import time
from collections.abc import Callable

from huainan import plan
from huainan.apps.cache import PngCache
from huainan.apps.logs import server_log
from huainan.apps.monitor import STAGES, MonitorApp
from huainan.apps.regional import BASES, RegionsApp
from huainan.apps.whatif import _CAPACITY_LABELS, WhatIfApp

# ---------------------------------------------------------------------------------------------
# filling the disk cache ahead of the officials
# ---------------------------------------------------------------------------------------------


def _around(values: list, centre) -> list:
    """``values`` ordered by distance from ``centre`` (the likeliest next choices first)."""
    return sorted(values, key=lambda v: (abs(v - centre), v))


def prerender(*, force: bool = False, deadline: float | None = None) -> dict[str, int]:
    """Draw every chart the three apps can show into the disk cache (:class:`PngCache`).

    Monitor: every indicator × evaluation stage; regions: every plan indicator reported by the
    units, every shortfall standard, every census indicator × year × per-capita basis, and every
    yearbook measure × year of the 16-city peer view; what-if: every population step of the
    slider (−3.0 … 3.0 %) × standard, nearest to the
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

    def late() -> bool:
        return deadline is not None and time.perf_counter() - start > deadline

    counts = {
        "monitor": _draw_monitor(late),
        "regions": _draw_regions(late),
        "whatif": _draw_whatif(late),
    }
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


def _drawn(*panels) -> int:
    """Charts now in the memory caches of ``panels`` (each drawn once, so also on disk)."""
    return sum(len(p._cache) for p in panels)


def _draw_monitor(late: Callable[[], bool]) -> int:
    """Monitor: every indicator × evaluation stage; returns the charts drawn."""
    monitor = MonitorApp()
    for stage in STAGES:
        if late():
            break
        monitor.stage.value = stage
        for ind in plan.indicators()["indicator_id"]:
            if late():
                break
            monitor.indicator.value = ind
    return _drawn(monitor.chart)


def _draw_regions(late: Callable[[], bool]) -> int:
    """Regions: the plan gaps and shortfalls, the census maps, the 16-city peer view."""
    regional = RegionsApp()
    gaps = regional.plan_gaps
    for _, plan_ind in gaps.indicator.options:
        if late():
            break
        gaps.indicator.value = plan_ind
    for standard in [v for _, v in gaps.standard.options]:
        if late():
            break
        gaps.standard.value = standard
    _draw_census(regional, late)
    peers = regional.peers  # 全省16市比较: every yearbook measure × year
    for measure in peers.choices["measure"]:
        if late():
            break
        peers.measure.value = measure
        for year in list(peers.choices.loc[measure, "years"]):
            if late():
                break
            peers.year.value = year
    return _drawn(
        regional.choropleth, regional.bars, gaps.chart, gaps.shortfall_chart, peers.map, peers.bars
    )


def _draw_census(regional: RegionsApp, late: Callable[[], bool]) -> None:
    """Every census indicator × year × per-capita basis of the regions app."""
    for ind in regional.choices["indicator"]:
        if late():
            break
        regional.indicator.value = ind
        bases = [b for b in BASES if not regional.basis.disabled or b == "raw"]
        for year in list(regional.choices.loc[ind, "years"]):
            regional.year.value = year
            for basis in bases:
                regional.basis.value = basis


def _draw_whatif(late: Callable[[], bool]) -> int:
    """What-if: every population step (−3.0 … 3.0 %) × standard, nearest to the default first."""
    whatif = WhatIfApp()
    steps = _around([round(x / 10, 1) for x in range(-30, 31)], whatif.population.value)
    for std in _CAPACITY_LABELS:
        if late():
            break
        whatif.standard.value = std
        for p in steps:
            if late():
                break
            whatif.population.value = p
    return _drawn(whatif.chart)
