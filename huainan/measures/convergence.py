"""σ-convergence of any long table (METHODS.md §4): the dispersion of an indicator across units,
year by year, measured by :func:`huainan.measures.disparity.disparity_table`.

Also the two helpers the urban-rural trends share (:mod:`huainan.measures.urban_rural`): one
indicator's observations checked (:func:`_observations_of`) and the direction of a change
(:func:`_direction`).

Source: Barro & Sala-i-Martin (1992), "Convergence", *Journal of Political Economy* 100(2).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from huainan.errors import DataValidationError
from huainan.measures.disparity import _numeric, _require_columns, disparity_table

_OBS_COLUMNS = ("region_code", "year", "area", "indicator", "value")


def _observations_of(obs: pd.DataFrame, indicator: str) -> pd.DataFrame:
    _require_columns(obs, list(_OBS_COLUMNS))
    sel = obs[obs["indicator"] == indicator].copy()
    if sel.empty:
        known = sorted(obs["indicator"].dropna().unique().tolist())
        raise KeyError(f"no observations of indicator {indicator!r}; known: {known}")
    sel["region_code"] = sel["region_code"].astype(str)
    sel["year"] = _numeric(sel["year"], "year", what="years").astype("int64")
    sel["value"] = _numeric(sel["value"], "value", what="values")
    dup = sel.duplicated(["region_code", "year", "area"], keep=False)
    if dup.any():
        first = sel[dup].iloc[0]
        raise DataValidationError(
            f"{int(dup.sum())} rows share region, year and area for indicator {indicator!r}; "
            "resolve the duplicate sources first (none is picked silently)",
            column="value",
            value=f"{first['region_code']} {first['year']} {first['area']}",
        )
    return sel


def _direction(change: pd.Series, *, falling: str, rising: str) -> pd.Series:
    out = pd.Series(pd.NA, index=change.index, dtype="string")
    out[change < 0] = falling
    out[change > 0] = rising
    out[change == 0] = "unchanged"
    return out


def sigma_convergence(
    obs: pd.DataFrame,
    indicator: str,
    *,
    area: str = "total",
    units: Sequence[str] | None = None,
    population: Mapping[str, float] | pd.Series | None = None,
    groups: Mapping[str, str] | pd.Series | None = None,
) -> pd.DataFrame:
    r"""σ-convergence: the dispersion of an indicator across units, year by year.

    Parameters
    ----------
    obs : pandas.DataFrame
        Long observations (columns as in :func:`urban_rural_gap`).
    indicator : str
        The indicator id.
    area : str
        Which ``area`` rows to use (``total`` by default; ``urban``/``rural`` for one side).
    units : sequence of str, optional
        Region codes across which dispersion is measured; default the seven units of Huainan
        (:data:`huainan.plan.regions.UNIT_CODES`). A unit without a value in a year counts in that year's
        ``n_missing`` (never filled).
    population : mapping or Series, optional
        Region code → population (persons) for the weighted measures; ``None`` = equal weights
        (σ-convergence is conventionally unweighted).
    groups : mapping or Series, optional
        Region code → group for the Theil decomposition; default :func:`huainan.plan.regions.groups`
        (districts vs counties) when ``units`` is the default, else none.

    Returns
    -------
    pandas.DataFrame
        One row per year with data (int64 ``year`` column), with every column of
        :func:`disparity_table` (``n``, ``n_missing``, ``mean``, ``cv``, ``gini``, ``theil_t``,
        ``theil_t_between`` …, ``note``) plus ``cv_change`` (vs the previous year with a CV),
        ``direction`` (``narrowing`` when the CV fell — σ-convergence —, ``widening`` when it
        rose, ``unchanged``, NA for the first year), ``cv_change_since_first`` and
        ``direction_since_first`` (vs the first year with a CV: the period's verdict is the last
        row).

    Notes
    -----
    :math:`\sigma_t = CV_t = \mathrm{sd}_t(y_i)/\bar y_t` (population sd, ddof = 0) across the
    units in year :math:`t`; σ-convergence means :math:`CV_t` falls over time (Barro &
    Sala-i-Martin 1992, "Convergence", *Journal of Political Economy* 100(2); METHODS §4). Units
    missing in some years change the set being compared; ``n`` shows it.

    Examples
    --------
    >>> obs = pd.DataFrame({"region_code": ["a", "b", "a", "b"], "year": [2020, 2020, 2021, 2021],
    ...                     "area": "total", "indicator": "x", "value": [1.0, 3.0, 2.0, 3.0]})
    >>> s = sigma_convergence(obs, "x", units=["a", "b"])
    >>> s[["year", "cv", "direction"]]
       year   cv  direction
    0  2020  0.5       <NA>
    1  2021  0.2  narrowing
    """
    from huainan.plan import regions as _regions

    sel = _observations_of(obs, indicator)
    sel = sel[sel["area"] == area]
    default_units = units is None
    unit_list = list(_regions.UNIT_CODES if units is None else units)
    if groups is None and default_units:
        groups = _regions.groups()
    years = sorted(sel["year"].unique().tolist())
    grid = pd.MultiIndex.from_product([years, unit_list], names=["year", "region_code"])
    frame = sel.set_index(["year", "region_code"])["value"].reindex(grid).reset_index()
    if population is not None:
        frame["population"] = frame["region_code"].map(pd.Series(population, dtype="float64"))
    if groups is not None:
        frame["group"] = frame["region_code"].map(pd.Series(groups, dtype="object"))
    frame["indicator"] = indicator
    table = disparity_table(
        frame,
        by="year",
        population="population" if population is not None else None,
        group="group" if groups is not None else None,
    )
    out = table.reset_index(level="year").reset_index(drop=True)
    out["year"] = out["year"].astype("int64")
    cv = out["cv"]
    prev = cv.ffill().shift()
    out["cv_change"] = cv - prev
    out["direction"] = _direction(out["cv_change"], falling="narrowing", rising="widening")
    first = cv.dropna().iloc[0] if cv.notna().any() else np.nan
    since = cv - first
    since[cv.index <= (cv.first_valid_index() if cv.notna().any() else -1)] = np.nan
    out["cv_change_since_first"] = since
    out["direction_since_first"] = _direction(since, falling="narrowing", rising="widening")
    return out
