"""Benchmark: every disparity measure for all China's county-level units grouped by prefecture.

Inputs: :func:`huainan.evidence.stats.national_counties` (2020 census, 2,990 units) — every census
measure column of the table (58: counts, shares, averages; all ≥ 0), weighted by the unit's
resident population, decomposed into districts (市辖区) vs the other units of each prefecture.

Two ways over the same inputs:

1. ``gaps.disparity_table`` (vectorised: one sort and ``numpy.bincount`` sums);
2. a plain loop: ``long.groupby([indicator, prefecture]).apply(gaps.disparity)``.

Both must give the same numbers (relative 1e-12, absolute 1e-13, same NaNs, same notes). Prints the
sizes, both times (vectorised: best of 5 runs; loop: one run), their ratio and the goal
(vectorised ≤ 0.5 s). Run: ``.venv/bin/python benchmarks/bench_gaps.py`` (or ``make bench``).
This is a measurement, not a test: nothing here fails on time.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from huainan.evidence import stats
from huainan.measures import gaps

GOAL_SECONDS = 0.5
BY = "prefecture_code"


def inputs() -> tuple[pd.DataFrame, list[str]]:
    """The national county table with a decomposition group, and the indicator columns."""
    counties = stats.national_counties(2020).copy()
    cols = [c for c in counties.columns if c not in stats.NATIONAL_ID_COLUMNS]
    counties["group"] = np.where(counties["unit_kind"] == "district", "district", "other")
    counties["weight"] = counties["population"].astype("float64")
    return counties, cols


def vectorised(counties: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    return gaps.disparity_table(
        counties, value_cols=cols, by=BY, population="weight", group="group"
    )


def loop(long: pd.DataFrame) -> pd.DataFrame:
    return long.groupby(["indicator", BY], sort=True).apply(
        lambda d: gaps.disparity(d, value="value", population="weight", group="group")
    )


def main() -> int:
    counties, cols = inputs()
    print(
        f"units: {len(counties):,}  prefectures ({BY}): {counties[BY].nunique():,}  "
        f"indicators: {len(cols)}  cells: {len(cols) * counties[BY].nunique():,}"
    )

    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        table = vectorised(counties, cols)
        times.append(time.perf_counter() - t0)
    t_vec = min(times)

    t0 = time.perf_counter()
    long = counties.melt(
        id_vars=[BY, "weight", "group"], value_vars=cols, var_name="indicator", value_name="value"
    )
    t_melt = time.perf_counter() - t0
    t0 = time.perf_counter()
    reference = loop(long)
    t_loop = time.perf_counter() - t0

    reference = reference.loc[table.index]
    numeric = [c for c in gaps.FIELDS if c != "note"]
    a = table[numeric].to_numpy(float)
    b = reference[numeric].to_numpy(float)
    same_nan = bool((np.isnan(a) == np.isnan(b)).all())
    close = bool(np.allclose(a, b, rtol=1e-12, atol=1e-13, equal_nan=True))
    notes = bool((table["note"].to_numpy() == reference["note"].to_numpy()).all())
    finite = ~np.isnan(a)
    # difference relative to the value, or absolute for values below 1 (indices, shares)
    scaled = np.abs(a[finite] - b[finite]) / np.maximum(np.abs(b[finite]), 1.0)
    print(
        f"same numbers: {close} (same NaNs: {same_nan}, max |diff|/max(|value|, 1) "
        f"{scaled.max():.1e}); same notes: {notes}"
    )
    print(
        f"vectorised disparity_table: {t_vec:.3f} s (best of 5; runs "
        f"{', '.join(f'{t:.3f}' for t in times)})"
    )
    print(f"groupby.apply(disparity) loop: {t_loop:.2f} s (+ melt to long {t_melt:.3f} s)")
    print(
        f"ratio loop / vectorised: {t_loop / t_vec:.0f}x; goal vectorised <= {GOAL_SECONDS} s: "
        f"{'met' if t_vec <= GOAL_SECONDS else 'NOT met'}"
    )
    return 0 if (close and notes) else 1


if __name__ == "__main__":
    sys.exit(main())
