"""The plan layer: what the 《淮南市“十四五”公共服务规划》 says, as data.

- :mod:`huainan.plan.domains` the nine service domains (ids, names, order, colours);
- :mod:`huainan.plan.regions` the seven county-level units, the city, Anhui, China;
- :mod:`huainan.plan.targets` reading target cells (``≥55``, ``[430]``, ``应保尽保`` …);
- :mod:`huainan.plan.tables` 专栏1/2/3 and the dated project targets as validated DataFrames.

The table loaders are re-exported here, so ``import huainan.plan as plan; plan.indicators()`` reads
as the plan itself. This layer imports nothing from the layers above it.
"""

from huainan.plan.tables import (
    ATTRIBUTE_ZH,
    ATTRIBUTES,
    DIRECTIONS,
    OPS,
    PERIODS,
    indicator,
    indicators,
    lead_departments,
    outcomes_13th,
    projects,
    services,
    urban_rural_indicators,
)

__all__ = [
    "ATTRIBUTE_ZH",
    "ATTRIBUTES",
    "DIRECTIONS",
    "OPS",
    "PERIODS",
    "indicator",
    "indicators",
    "lead_departments",
    "outcomes_13th",
    "projects",
    "services",
    "urban_rural_indicators",
]
