"""The indicator catalogue of the observed statistics (written to ``data/stats/indicators.csv``).

Each :class:`Indicator` has an id used in code, Chinese and English names, the unit in which
values are stored, the plan domain it informs (one of the nine ids of :mod:`huainan.plan.domains`, or
:data:`CONTEXT_DOMAIN` for the denominators), a direction, a definition that states the base
population, and the source. Ids shared with the plan (专栏2 and the project metrics) keep the
plan's id and unit, so observed values line up with targets.

The China City Statistical Yearbook (prefecture cross-sections of every city, 2018–2023) is a
separate source with its own indicator list, :data:`huainan.evidence.yearbook.SPECS`: its values
describe whole cities for peer comparisons (:mod:`huainan.measures.peers`) and are never plan
observations here (their basis differs from the plan's; they are shown as 参考指标).
"""

from __future__ import annotations

from huainan.evidence.catalog_care_housing import ELDERLY_HOUSING_ASSISTANCE
from huainan.evidence.catalog_education import CHILDCARE_EDUCATION
from huainan.evidence.catalog_work_health import EMPLOYMENT_HEALTH
from huainan.evidence.indicator import _BULLETIN, CONTEXT_DOMAIN, Indicator

__all__ = ["CONTEXT_DOMAIN", "INDICATORS", "INDICATORS_BY_ID", "Indicator"]

#: Denominators used by every domain (population, households …; domain :data:`CONTEXT_DOMAIN`).
CONTEXT: tuple[Indicator, ...] = (
    Indicator(
        "population",
        "常住人口",
        "Resident population",
        "人",
        CONTEXT_DOMAIN,
        "neutral",
        "Resident population at the census reference time (2020-11-01 / 2010-11-01); "
        "area=urban/rural rows are 城镇人口/乡村人口 by the census urban-rural "
        "classification. Denominator of every per-1,000-residents rate.",
        aliases=(
            "常住人口数",
            "人口",
            "总人口（常住）",
            "居住在城镇的人口",
            "居住在乡村的人口",
            "城镇人口",
            "乡村人口",
        ),
    ),
    Indicator(
        "population_yearend",
        "年末常住人口",
        "Year-end resident population",
        "万人",
        CONTEXT_DOMAIN,
        "neutral",
        "Resident population at 31 December as published in annual statistical "
        "bulletins (sample-survey estimate; not a census count).",
        _BULLETIN,
        aliases=("年末常住人口", "常住人口（年末）"),
    ),
    Indicator(
        "households_family",
        "家庭户户数",
        "Family households",
        "户",
        CONTEXT_DOMAIN,
        "neutral",
        "Number of family households (家庭户; collective households excluded), "
        "full census count. Denominator of per-100-households rates.",
        aliases=("家庭户", "家庭户数", "户数"),
    ),
    Indicator(
        "population_family_households",
        "家庭户人口",
        "Population in family households",
        "人",
        CONTEXT_DOMAIN,
        "neutral",
        "Persons living in family households.",
        aliases=("家庭户人口数",),
    ),
    Indicator(
        "avg_household_size",
        "平均每个家庭户的人口",
        "Average family household size",
        "人/户",
        CONTEXT_DOMAIN,
        "neutral",
        "Population in family households / family households (户规模).",
        aliases=("户规模", "平均家庭户规模"),
    ),
    Indicator(
        "pop_age_6plus",
        "6岁及以上人口",
        "Population aged 6+",
        "人",
        CONTEXT_DOMAIN,
        "neutral",
        "Sum of the education-level counts of the census table; base population "
        "of the education shares and of avg_years_schooling (2020 counts ≈ total − aged "
        "0–4 − one fifth of aged 5–9, checked for every county).",
    ),
    Indicator(
        "pop_age_15plus",
        "15岁及以上人口",
        "Population aged 15+",
        "人",
        CONTEXT_DOMAIN,
        "neutral",
        "Sum of the age bands 15–19 … 85+; base of illiteracy_rate.",
    ),
)

#: The catalogue, in file order: the denominators, then the service domains in the plan's order.
INDICATORS: tuple[Indicator, ...] = (
    CONTEXT + CHILDCARE_EDUCATION + EMPLOYMENT_HEALTH + ELDERLY_HOUSING_ASSISTANCE
)
INDICATORS_BY_ID = {i.id: i for i in INDICATORS}
