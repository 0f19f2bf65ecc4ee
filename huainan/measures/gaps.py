"""Gaps, by one name: the measures of regional disparity, urban-rural gaps and need-based
shortfall, re-exported from the modules that hold them (kept so that ``huainan.measures.gaps``
stays a stable import for notebooks and researchers).

- :mod:`huainan.measures.disparity` — range, max/min, CV, Gini, Theil T/L with the between/within
  decomposition (:func:`disparity`, :func:`disparity_table`; METHODS.md §3);
- :mod:`huainan.measures.convergence` — σ-convergence (:func:`sigma_convergence`; METHODS §4);
- :mod:`huainan.measures.regional` — county gaps on the plan's own indicators over the plan period
  (:func:`regional_gaps`, :func:`county_panel`, :func:`spread_by_year`);
- :mod:`huainan.measures.urban_rural` — urban/rural ratio and difference (:func:`urban_rural_gap`,
  :func:`urban_rural_panel`, :func:`urban_rural_changes`; METHODS §4);
- :mod:`huainan.measures.standards` and :mod:`huainan.measures.shortfall` — the plan's
  per-population standards and what each county lacks by them (:func:`need_standards`,
  :func:`requirement`, :func:`shortfall`, :func:`plan_shortfalls`; METHODS §5).
"""

from __future__ import annotations

from huainan.measures.convergence import sigma_convergence
from huainan.measures.disparity import (
    COUNTS,
    EQUAL_RTOL,
    FIELDS,
    LEVELS,
    MEASURES,
    disparity,
    disparity_table,
)
from huainan.measures.regional import (
    CHANGE_ZH,
    STABLE_BAND,
    change_class,
    county_panel,
    regional_gaps,
    spread_by_year,
)
from huainan.measures.shortfall import (
    COUNTY_STANDARDS,
    census_requirement,
    latest_denominators,
    plan_shortfalls,
    requirement,
    shortfall,
    shortfall_findings,
    unit_supply,
)
from huainan.measures.standards import DENOMINATORS, need_standards
from huainan.measures.urban_rural import (
    urban_rural_changes,
    urban_rural_gap,
    urban_rural_indicators,
    urban_rural_panel,
)

__all__ = [
    "CHANGE_ZH",
    "COUNTS",
    "COUNTY_STANDARDS",
    "DENOMINATORS",
    "EQUAL_RTOL",
    "FIELDS",
    "LEVELS",
    "MEASURES",
    "STABLE_BAND",
    "census_requirement",
    "change_class",
    "county_panel",
    "disparity",
    "disparity_table",
    "latest_denominators",
    "need_standards",
    "plan_shortfalls",
    "regional_gaps",
    "requirement",
    "shortfall",
    "shortfall_findings",
    "sigma_convergence",
    "spread_by_year",
    "unit_supply",
    "urban_rural_changes",
    "urban_rural_gap",
    "urban_rural_indicators",
    "urban_rural_panel",
]
