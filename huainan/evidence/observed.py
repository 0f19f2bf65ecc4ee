"""All observed values in one long table: published statistics plus officials' monitoring returns.

:func:`all_observations` unions :func:`huainan.evidence.stats.observations` (census and bulletins, shipped in
``data/stats/``) and :func:`huainan.evidence.monitoring.observations` (values officials ingested into
``data/monitoring/``). Both use the same columns; an ``origin`` column says which store a row came
from. Nothing is merged or overwritten here: when both stores hold a value for the same key, both
rows are returned and :func:`latest` prefers the monitoring value (officials' own, more recent
returns) — and says so in ``note``.
"""

from __future__ import annotations

import pandas as pd

from huainan.evidence import monitoring

COLUMNS = (
    "region_code",
    "year",
    "area",
    "indicator",
    "unit",
    "value",
    "source",
    "source_ref",
    "note",
    "origin",
)


def all_observations() -> pd.DataFrame:
    """Return published statistics and monitoring values together.

    Returns
    -------
    pandas.DataFrame
        Columns ``region_code`` (str), ``year`` (int64), ``area`` (``total``/``urban``/``rural``),
        ``indicator`` (str), ``unit`` (str), ``value`` (float64), ``source``, ``source_ref``,
        ``note`` (str or NA), ``origin`` (``stats`` | ``monitoring``).

    Raises
    ------
    DataValidationError
        If either store fails its validation on load.
    """
    from huainan.evidence import stats

    frames = []
    for origin, frame in (
        ("stats", stats.observations()),
        ("monitoring", monitoring.observations()),
    ):
        part = frame[list(COLUMNS[:-1])].copy()
        part["origin"] = origin
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    out["year"] = out["year"].astype("int64")
    out["value"] = out["value"].astype("float64")
    return out


def latest(
    obs: pd.DataFrame,
    indicator: str,
    region_code: str,
    *,
    year: int,
    after: int | None = None,
    area: str = "total",
) -> pd.Series | None:
    """Return the most recent observation of ``indicator`` for one region up to ``year``.

    Parameters
    ----------
    obs : pandas.DataFrame
        Long table as returned by :func:`all_observations` (``origin`` optional).
    indicator, region_code, area : str
        What to look for.
    year : int
        Latest year accepted.
    after : int, optional
        Only years strictly after this one (e.g. the baseline year).

    Returns
    -------
    pandas.Series or None
        The row (a monitoring row wins over a statistics row of the same year), or None.
    """
    sel = obs[
        (obs["indicator"] == indicator)
        & (obs["region_code"] == region_code)
        & (obs["area"] == area)
        & (obs["year"] <= year)
        & obs["value"].notna()
    ]
    if after is not None:
        sel = sel[sel["year"] > after]
    if sel.empty:
        return None
    rank = sel["origin"].map({"monitoring": 0, "stats": 1}) if "origin" in sel else 0
    sel = sel.assign(_rank=rank).sort_values(["year", "_rank"], ascending=[False, True])
    return sel.iloc[0].drop("_rank")
