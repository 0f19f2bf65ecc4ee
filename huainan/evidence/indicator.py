"""One entry of the indicator catalogue (:class:`Indicator`) and the labels its rows share.

The catalogue itself is :data:`huainan.evidence.catalog.INDICATORS`.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Domain of the denominators (population, households …) that every domain divides by. It is not
#: a service domain of the plan; :mod:`huainan.evidence.stats` uses these as per-capita denominators.
CONTEXT_DOMAIN = "context"

_CENSUS = "第六次/第七次全国人口普查 分县资料（年鉴县级表）"
_CENSUS_T = "中国人口普查分县资料2020（2020 only, counties only）"
_BULLETIN = "统计公报、普查公报、新闻发布会（bulletin rows; see observations.source）"


@dataclass(frozen=True)
class Indicator:
    """One row of ``indicators.csv``."""

    id: str
    name_zh: str
    name_en: str
    unit: str
    domain: str
    direction: str
    definition: str
    source: str = _CENSUS
    max_value: float | None = None  # 100 for shares
    aliases: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """``count`` (人, 户 … summable), ``share`` (% of a base, 0–100) or ``level`` (rest).

        Rates ``*_per_1000`` / ``*_per_100k`` are levels although the plan prints their unit as
        a count (每千人口执业医师数: 人).
        """
        if self.unit in _COUNT_UNITS and not self.id.endswith(("_per_1000", "_per_100k")):
            return "count"
        if self.unit == "%" and self.max_value == 100:
            return "share"
        return "level"


_P = 100.0  # shares are on the 0–100 scale
#: Units of counts: only these may be summed over units (e.g. the city's 2010 values on 2020
#: boundaries); shares and averages are never computed from the parts.
_COUNT_UNITS = ("人", "户", "万人", "万户", "个", "万个", "张", "万张", "所", "家")
