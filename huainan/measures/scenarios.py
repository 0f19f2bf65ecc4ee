r"""What-if for the 十五五 (2026–2030): from where the 十四五 ended, where would each indicator be
in 2030 at a given growth of supply and population, against the 2030 targets a user types in, and
how much must each county add?

Today (December 2026) the 2025 question is settled: whether the 十四五 targets were met is the
final evaluation (:func:`huainan.measures.evaluation.evaluate` with ``stage="final"``), never a
projection. This module looks forward, for the 情景推演 app (``notebooks/apps/whatif.ipynb``) and
the 十五五 suggestions of the final report:

1. **Projected 2030 value** (:func:`project_indicators`). The start is the latest observed value
   up to 2025 (the value that counts, :mod:`huainan.evidence.observed`); when nothing after the
   2020 baseline (基期值) was reported, the baseline is the start, the result says so and its
   outcome is ``indicative`` (仅供参考) — never a green verdict. Two assumptions, an annual growth
   rate of supply ``g`` and an annual change of population ``p``, carry it to 2030; the 2030
   target is the user's (default: the plan's 2025 target, :func:`default_targets`), read with
   the 2025 target's qualifier and direction (:func:`huainan.measures.progress.attainment`).
2. **Capacity to add by 2030** (:func:`capacity_needed`). For each of the plan's county-wide
   standards (托位 4.6 per 1,000 residents, 执业（助理）医师 2.55 and 注册护士 3.15 per 1,000, …;
   :data:`huainan.measures.shortfall.COUNTY_STANDARDS`), or the 2030 level typed in for the
   matching indicator, the requirement of each unit in 2030 from its latest population carried
   forward at ``p``, minus the supply reported (:func:`huainan.measures.shortfall.unit_supply`);
   without a report the requirement is given alone ("未报送供给") — a supply is never invented.

How each indicator is projected (:data:`PROJECTION_BASES`):

- ``per_capita`` (provision per 1,000 residents, per 10,000, per capita, per 100 households):
  supply grows at ``g``, the denominator at ``p``, so the ratio grows at
  :math:`(1+g)/(1+p) - 1` a year: :math:`x_T = x_t \left(\frac{1+g}{1+p}\right)^{T-t}`;
- ``total`` (a stock such as 养老服务床位总量): :math:`x_T = x_t (1+g)^{T-t}`;
- ``cumulative`` (five-year totals ``[…]``): the 十五五 total 2026–2030 from the latest annual
  amount ``a`` of year ``t``, each year growing at ``g``:
  :math:`C = a \sum_{y=2026}^{2030} (1+g)^{y-t}` (when only a running total since 2021 was
  reported, ``a`` is its yearly average, said in the note);
- ``not_modelled``: coverage rates, enrolment and retention rates, life expectancy, years of
  schooling — a supply total and the population do not determine them, so they are not
  projected; their 2025 result is shown instead.

The supply growth that would just reach the 2030 target is given too (``required_growth``): for
per-capita indicators :math:`g^* = (1+p)(X^*/x_t)^{1/(T-t)} - 1`, for totals
:math:`g^* = (X^*/x_t)^{1/(T-t)} - 1` (the required CAGR of METHODS.md §2, with the population
term), for five-year totals the ``g`` solving the sum above = :math:`X^*` (bisection).

Sources: ``../shared/METHODS.md`` §1 (reading targets), §2 (compound growth) and §5 (need-based
shortfall); the plan's 专栏2 and its provision standards (:mod:`huainan.measures.standards`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from huainan import plan
from huainan.measures import progress, shortfall
from huainan.plan import regions
from huainan.plan.targets import parse_target

#: How each 专栏2 indicator is projected: id → (denominator, per) for per-capita indicators.
PER_CAPITA: dict[str, tuple[str, float]] = {
    "nursery_places_per_1000": ("population", 1000.0),
    "physicians_per_1000": ("population", 1000.0),
    "nurses_per_1000": ("population", 1000.0),
    "public_culture_visits_per_10k": ("population", 10000.0),
    "sports_area_per_capita": ("population", 1.0),
    "community_service_space_per_100hh": ("households_family", 100.0),
}
#: Stocks that grow with supply alone.
TOTALS: frozenset[str] = frozenset({"elderly_care_beds_total"})

PROJECTION_BASES: dict[str, str] = {
    "per_capita": "人均指标：按（1+供给增速）/（1+人口变化率）逐年推算",
    "total": "总量指标：按供给增速逐年推算",
    "cumulative": "五年累计指标：2026—2030年各年完成量（以最新年度完成量为基数，按供给增速递增）之和",
    "not_modelled": "比率/覆盖率/结果类指标：不由供给总量与人口直接决定，不作推算",
}

#: Chinese labels of the projection outcome.
OUTCOME_ZH: dict[str, str] = {
    "met": "预计达到",
    "not_met": "预计达不到",
    "borderline": "临界（恰等于严格界限，按达不到计）",
    "indicative": "仅有2020年基期值，推算仅供参考",
    "qualitative": "定性目标，不作推算",
    "needs_reference": "需安徽省平均值",
    "no_data": "无数据，无法推算",
    "not_modelled": "不作推算",
}

#: The 专栏2 indicator whose 2030 level sets each county-wide standard in :func:`capacity_needed`
#: (a 2030 target typed in for the indicator becomes the standard; the elderly-care beds per
#: 1,000 older people have no 专栏2 indicator and keep the plan's 45).
STANDARD_INDICATOR: dict[str, str] = {
    "nursery_places": "nursery_places_per_1000",
    "physicians": "physicians_per_1000",
    "nurses": "nurses_per_1000",
    "community_service_space": "community_service_space_per_100hh",
    "sports_area": "sports_area_per_capita",
}

#: The last year of the 十四五 (the start of every projection is observed up to it).
START_YEAR = 2025
#: The 十五五: first year and target year.
PERIOD_START, HORIZON = 2026, 2030
#: First year of the 十四五 (its five-year totals count from here).
PLAN_START = 2021


def ratio_growth(supply_growth: float, population_change: float) -> float:
    r"""Annual growth of a per-capita ratio when supply grows at ``g`` and population at ``p``.

    .. math:: r = \frac{1+g}{1+p} - 1

    Parameters
    ----------
    supply_growth, population_change : float
        Annual rates as fractions (0.05 = 5 %); both must exceed −1.

    Raises
    ------
    ValueError
        If a rate is −100 % or less.

    Examples
    --------
    Supply +10 %, population −2 %: 1.10 / 0.98 − 1 = 0.12245 (12.2 % a year).

    >>> round(ratio_growth(0.10, -0.02), 5)
    0.12245
    """
    _check_rate(supply_growth, "supply growth")
    _check_rate(population_change, "population change")
    return (1.0 + supply_growth) / (1.0 + population_change) - 1.0


def _check_rate(rate: float, what: str) -> None:
    if not math.isfinite(rate) or rate <= -1.0:
        raise ValueError(f"{what} must be a finite annual rate above −100 %, not {rate!r}")


def project_value(
    value: float,
    from_year: int,
    *,
    supply_growth: float,
    population_change: float = 0.0,
    basis: str = "per_capita",
    horizon: int = HORIZON,
) -> float:
    r"""Project a per-capita ratio or a stock from ``from_year`` to ``horizon``.

    Parameters
    ----------
    value : float
        Value in ``from_year`` (in the indicator's unit).
    from_year, horizon : int
        Start and end year (``from_year`` ≤ ``horizon``).
    supply_growth, population_change : float
        Annual rates as fractions.
    basis : {"per_capita", "total"}
        ``per_capita``: :math:`x_T = x_t ((1+g)/(1+p))^{T-t}`; ``total``: :math:`x_T = x_t
        (1+g)^{T-t}` (population ignored).

    Returns
    -------
    float
        The projected value (NaN when ``value`` is missing).

    Raises
    ------
    ValueError
        Unknown basis, a rate of −100 % or less, or ``from_year`` after ``horizon``.

    Examples
    --------
    Nursery places per 1,000: 0.9 in 2020, supply +40 % a year, population −1 % a year:
    1.4 / 0.99 = 1.414141, ^5 = 5.655411, × 0.9 = 5.0899.

    >>> round(project_value(0.9, 2020, supply_growth=0.40, population_change=-0.01, horizon=2025), 4)
    5.0899

    Elderly-care beds, 3.2 万张 in 2020, +2 % a year: 1.02^5 = 1.1040808, × 3.2 = 3.533059.

    >>> round(project_value(3.2, 2020, supply_growth=0.02, basis="total", horizon=2025), 6)
    3.533059
    """
    if from_year > horizon:
        raise ValueError(f"start year {from_year} is after the target year {horizon}")
    if basis == "per_capita":
        growth = ratio_growth(supply_growth, population_change)
    elif basis == "total":
        _check_rate(supply_growth, "supply growth")
        growth = supply_growth
    else:
        raise ValueError(f"basis must be per_capita or total, not {basis!r}")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return math.nan
    return float(value) * (1.0 + growth) ** (horizon - from_year)


def project_cumulative(
    total_to_date: float,
    annual: float,
    from_year: int,
    *,
    supply_growth: float,
    horizon: int = HORIZON,
    period_start: int | None = None,
) -> float:
    r"""Project a five-year total: the total so far plus the amounts of the years still to come.

    .. math:: C_T = C_t + a \sum_{y=s}^{T} (1+g)^{y-t}

    Parameters
    ----------
    total_to_date : float
        Total :math:`C_t` of the period up to ``from_year`` (0 for a period not yet begun).
    annual : float
        The amount of year ``from_year``, :math:`a` (the latest year's, or the average so far).
    from_year, horizon : int
        :math:`t` and :math:`T`.
    supply_growth : float
        Annual growth of the yearly amount, as a fraction.
    period_start : int, optional
        First year :math:`s` counted (default ``from_year + 1``); for the 十五五 total
        2026–2030 from a 2023 amount, 2026 (2024 and 2025 belong to the 十四五).

    Examples
    --------
    Old estates renovated: 274 by 2022, 120 in 2022, amounts growing 10 % a year:
    274 + 120 × (1.1 + 1.21 + 1.331) = 274 + 436.92 = 710.92.

    >>> round(project_cumulative(274, 120, 2022, supply_growth=0.10, horizon=2025), 2)
    710.92

    The 十五五 total from 134 renovated in 2025, flat: 5 × 134 = 670; from 2023, +10 %:
    134 × (1.331 + 1.4641 + 1.61051 + 1.771561 + 1.9487171) = 134 × 8.1259881 = 1,088.87.

    >>> project_cumulative(0, 134, 2025, supply_growth=0.0, horizon=2030)
    670.0
    >>> round(project_cumulative(0, 134, 2023, supply_growth=0.1, horizon=2030, period_start=2026), 2)
    1088.87
    """  # noqa: E501
    if from_year > horizon:
        raise ValueError(f"start year {from_year} is after the target year {horizon}")
    _check_rate(supply_growth, "supply growth")
    years = _counted(from_year, horizon, period_start)
    return float(total_to_date) + float(annual) * float(((1.0 + supply_growth) ** years).sum())


def _counted(from_year: int, horizon: int, period_start: int | None) -> np.ndarray:
    """Exponents :math:`y - t` of the years counted, ``max(s, t + 1) .. T``."""
    first = from_year + 1 if period_start is None else max(int(period_start), from_year + 1)
    return np.arange(first - from_year, horizon - from_year + 1)


def required_growth(
    value: float,
    from_year: int,
    target: float,
    *,
    population_change: float = 0.0,
    basis: str = "per_capita",
    horizon: int = HORIZON,
    annual: float | None = None,
    period_start: int | None = None,
) -> float:
    r"""Annual supply growth that brings ``value`` exactly to ``target`` in ``horizon``.

    Parameters
    ----------
    value : float
        Start value (a ratio, a stock, or for ``cumulative`` the running total :math:`C_t`).
    from_year, horizon : int
    target : float
        The target value :math:`X^*`.
    population_change : float
        Annual change of the denominator (``per_capita`` only).
    basis : {"per_capita", "total", "cumulative"}
    annual : float, optional
        ``cumulative`` only: the latest annual amount :math:`a`.
    period_start : int, optional
        ``cumulative`` only: the first year counted (:func:`project_cumulative`).

    Returns
    -------
    float
        ``per_capita``: :math:`(1+p)(X^*/x_t)^{1/(T-t)} - 1`; ``total``:
        :math:`(X^*/x_t)^{1/(T-t)} - 1`; ``cumulative``: the ``g`` with :math:`C_t + a
        \sum_{y=s}^{T}(1+g)^{y-t} = X^*` (bisection to 1e-10; −1 < g ≤ 100). NaN when there is
        no year left, a value is ≤ 0, or (cumulative) the target cannot be reached with
        ``g`` ≤ 100 (10,000 % a year). 0 or a negative rate means no growth (or even a fall)
        would still reach it.

    Examples
    --------
    Nursery places 0.9 → 4.6 per 1,000 over 2020–2025 with population −1 % a year:
    4.6 / 0.9 = 5.111111, ^(1/5) = 1.385808, × 0.99 = 1.371950: supply must grow 37.2 % a year.

    >>> round(required_growth(0.9, 2020, 4.6, population_change=-0.01, horizon=2025), 5)
    0.37195

    Old estates: 274 by 2022, 120 in 2022, target 430: 120·(q + q² + q³) = 430 − 274 = 156, so
    q + q² + q³ = 1.3, which q = 1 + g = 0.63664 solves (0.63664 + 0.40531 + 0.25804 = 1.3):
    the yearly amount may fall by about 36 % a year and the target is still reached.

    >>> round(required_growth(274, 2022, 430, basis="cumulative", annual=120, horizon=2025), 4)
    -0.3634
    """
    n = horizon - from_year
    if n <= 0 or _missing(value) or _missing(target):
        return math.nan
    if basis in ("per_capita", "total"):
        if value <= 0 or target <= 0:
            return math.nan
        r = (float(target) / float(value)) ** (1.0 / n) - 1.0
        if basis == "total":
            return r
        _check_rate(population_change, "population change")
        return (1.0 + r) * (1.0 + population_change) - 1.0
    if basis != "cumulative":
        raise ValueError(f"basis must be per_capita, total or cumulative, not {basis!r}")
    if annual is None or _missing(annual) or annual <= 0:
        return math.nan
    need = float(target) - float(value)
    if need <= 0:
        return -1.0  # already reached: nothing more is needed
    years = _counted(from_year, horizon, period_start)

    def reached(g: float) -> float:
        return float(annual) * float(((1.0 + g) ** years).sum()) - need

    low, high = -1.0 + 1e-12, 100.0
    if reached(high) < 0:
        return math.nan
    for _ in range(200):
        mid = (low + high) / 2
        if reached(mid) < 0:
            low = mid
        else:
            high = mid
        if high - low < 1e-10:
            break
    return (low + high) / 2


def _missing(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def projection_basis(indicator_id: str) -> str:
    """Return how a 专栏2 indicator is projected: a key of :data:`PROJECTION_BASES`.

    Raises
    ------
    KeyError
        If the id is not a 专栏2 indicator.

    Examples
    --------
    >>> [projection_basis(i) for i in ("nurses_per_1000", "elderly_care_beds_total",
    ...                                "old_residential_renovation", "life_expectancy")]
    ['per_capita', 'total', 'cumulative', 'not_modelled']
    """
    return _basis(indicator_id, bool(plan.indicator(indicator_id)["cumulative"]))


def _basis(indicator_id: str, cumulative: bool) -> str:
    if indicator_id in PER_CAPITA:
        return "per_capita"
    if indicator_id in TOTALS:
        return "total"
    return "cumulative" if cumulative else "not_modelled"


@dataclass(frozen=True)
class Assumptions:
    """The two sliders of the what-if app.

    Attributes
    ----------
    supply_growth : float
        Annual growth of supply (places, beds, staff, floor area, yearly amounts), a fraction.
    population_change : float
        Annual change of the resident population (and households, people aged 60+), a fraction.
    horizon : int
        Target year (2030, the end of the 十五五).
    """

    supply_growth: float
    population_change: float
    horizon: int = HORIZON

    def __post_init__(self):
        _check_rate(self.supply_growth, "supply growth")
        _check_rate(self.population_change, "population change")


def default_targets(table: pd.DataFrame | None = None) -> dict[str, float]:
    """The 2030 targets a user starts from: the plan's 2025 target value of every 专栏2 indicator
    with a numeric target (five-year totals: the 十四五 total, for the 十五五 total).

    Parameters
    ----------
    table : pandas.DataFrame, optional
        :func:`huainan.plan.indicators` (default) or an evaluation table with ``indicator_id``,
        ``target_kind``, ``target_value``.

    Returns
    -------
    dict
        indicator id → target value (float), in the indicator's unit.

    Examples
    --------
    >>> t = default_targets()
    >>> t["nursery_places_per_1000"], t["old_residential_renovation"], "life_expectancy" in t
    (4.6, 430.0, True)
    """
    t = plan.indicators() if table is None else table
    num = t[t["target_kind"] == "numeric"]
    return {str(i): float(v) for i, v in zip(num["indicator_id"], num["target_value"], strict=True)}


_PROJECTION_COLUMNS = [
    "indicator_id",
    "domain",
    "domain_zh",
    "name_zh",
    "unit",
    "attribute",
    "direction",
    "basis",
    "start_kind",
    "start_year",
    "start_value",
    "start_source",
    "annual_amount",
    "target_year",
    "target_text",
    "target_2025",
    "target_value",
    "target_source",
    "reference_value",
    "projected",
    "outcome",
    "outcome_zh",
    "margin",
    "required_growth",
    "verdict_2025",
    "verdict_2025_zh",
    "note",
]


def project_indicators(
    assumptions: Assumptions,
    *,
    observations: pd.DataFrame | None = None,
    targets: Mapping[str, float] | None = None,
    region_code: str = regions.CITY_CODE,
    table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Project every 专栏2 indicator from its latest observed value to ``assumptions.horizon``.

    Parameters
    ----------
    assumptions : Assumptions
        Annual supply growth and population change (and the horizon, 2030).
    observations : pandas.DataFrame, optional
        Long table (default :func:`huainan.evidence.observed.all_observations`).
    targets : mapping, optional
        Indicator id → the 2030 target value typed in by the user (in the indicator's unit; for a
        five-year total the 十五五 total 2026–2030). Missing ids take :func:`default_targets`
        (the plan's 2025 target); a relative target (高于全省平均水平) without one takes Anhui's
        value of the start year, assumed unchanged (said in the note).
    region_code : str, default 淮南市
    table : pandas.DataFrame, optional
        :func:`huainan.measures.evaluation.evaluate` ``(2025, stage="annual")`` of the same
        observations (the latest value of each indicator up to 2025; the apps pass it to avoid
        recomputing on every slider move).

    Returns
    -------
    pandas.DataFrame
        One row per 专栏2 indicator (binding first, then plan order): ``indicator_id``, ``domain``,
        ``domain_zh``, ``name_zh``, ``unit``, ``attribute``, ``direction``; ``basis`` (key of
        :data:`PROJECTION_BASES`); ``start_kind`` (``observed`` | ``baseline`` — only the 2020
        基期值, nothing newer reported | ``none``), ``start_year`` (Int64), ``start_value``
        (float64; for five-year totals the 十四五 total so far), ``start_source``,
        ``annual_amount`` (float64, five-year totals: the yearly amount projected);
        ``target_year`` (the horizon), ``target_text`` (the plan's 2025 cell), ``target_2025``,
        ``target_value`` (float64, the 2030 target used), ``target_source`` (``用户设定`` |
        ``沿用2025年目标`` | ``安徽省平均值（假定不变）``), ``reference_value``; ``projected``
        (float64); ``outcome`` (key of :data:`OUTCOME_ZH`; ``indicative`` when the start is the
        2020 baseline: never ``met``) and ``outcome_zh``; ``margin`` (float64,
        ``d·(projected − target)``); ``required_growth`` (float64, the annual supply growth that
        just reaches the 2030 target); ``verdict_2025`` / ``verdict_2025_zh`` (the progress
        verdict up to 2025 of the evaluation table); ``note`` (str, Chinese).
    """
    a = assumptions
    if table is None:
        from huainan.measures import evaluation

        table = evaluation.evaluate(
            START_YEAR, stage="annual", region_code=region_code, observations=observations
        )
    chosen = {**default_targets(table), **dict(targets or {})}
    user = set(targets or {})
    rows = [_project_one(r, a, chosen, user, observations, region_code) for r in table.itertuples()]
    out = pd.DataFrame(rows, columns=_PROJECTION_COLUMNS)
    out["outcome_zh"] = out["outcome"].map(OUTCOME_ZH)
    out["verdict_2025_zh"] = out["verdict_2025"].map(progress.VERDICT_ZH)
    out["start_year"] = out["start_year"].astype("Int64")
    for col in (
        "start_value",
        "annual_amount",
        "target_2025",
        "target_value",
        "reference_value",
        "projected",
        "margin",
        "required_growth",
    ):
        out[col] = out[col].astype("float64")
    return out


def _start(r, basis: str, notes: list[str]) -> dict:
    """Where a projection starts: the latest observed value up to 2025, else the baseline."""
    if pd.notna(r.value):
        y = int(r.year_to)
        if basis == "cumulative":
            notes.append(f"“十四五”累计完成量（{PLAN_START}—{y}年）{r.value:g}")
        elif y < START_YEAR:
            notes.append(f"起点为{y}年观测值（无{START_YEAR}年数值）")
        else:
            notes.append(f"起点为{y}年观测值")
        return dict(
            start_kind="observed", start_year=y, start_value=float(r.value),
            start_source=r.source_title,
        )  # fmt: skip
    if pd.notna(r.baseline) and basis != "cumulative":
        y0 = int(r.baseline_year)
        notes.append(f"{y0}年以后尚无报送值，以{y0}年基期值为起点，推算仅供参考")
        return dict(
            start_kind="baseline", start_year=y0, start_value=float(r.baseline),
            start_source=f"规划专栏2（{y0}年基期值）",
        )  # fmt: skip
    notes.append(
        "无基期值，也无报送值" if basis != "cumulative" else "“十四五”期间尚无年度完成量报送"
    )
    return dict(start_kind="none", start_year=pd.NA, start_value=math.nan, start_source=pd.NA)


def _target_2030(r, chosen, user, notes) -> tuple[float, str]:
    if r.indicator_id in chosen:
        source = "用户设定" if r.indicator_id in user else f"沿用{int(r.target_year)}年目标"
        return float(chosen[r.indicator_id]), source
    if r.target_kind == "relative" and not _missing(r.reference_value):
        notes.append(f"参照：安徽省平均 {r.reference_value:g}，假定到{HORIZON}年不变")
        return float(r.reference_value), "安徽省平均值（假定不变）"
    return math.nan, ""


def _project_one(r, a: Assumptions, chosen, user, obs, region_code) -> dict:
    basis = _basis(r.indicator_id, bool(r.cumulative))
    notes: list[str] = []
    rec = {
        c: getattr(r, c)
        for c in (
            "indicator_id",
            "domain",
            "domain_zh",
            "name_zh",
            "unit",
            "attribute",
            "direction",
            "target_text",
            "reference_value",
        )
    }
    rec.update(
        basis=basis, target_year=a.horizon, annual_amount=math.nan, projected=math.nan,
        margin=math.nan, required_growth=math.nan, verdict_2025=r.verdict,
        target_2025=r.target_value,
    )  # fmt: skip
    rec.update(_start(r, basis, notes))
    goal, rec["target_source"] = _target_2030(r, chosen, user, notes)
    rec["target_value"] = goal
    outcome = _not_projected(r, basis, rec, goal, notes)
    if outcome is None:
        outcome = _projected(r, basis, rec, goal, a, obs, region_code, notes)
    if bool(r.target_below_baseline):
        notes.append("规划2025年目标低于2020年基期值")
    rec["outcome"] = outcome
    rec["note"] = "；".join(notes)
    return rec


def _not_projected(r, basis, rec, goal, notes) -> str | None:
    """The outcome of an indicator that is not projected, or None to project it."""
    if r.target_kind == "qualitative":
        return "qualitative"
    if basis == "not_modelled":
        return "not_modelled"
    if math.isnan(goal):
        if r.target_kind == "relative":
            notes.append("目标为相对全省平均水平，暂无安徽省同年数值，可在上方填入2030年目标值")
            return "needs_reference"
        return "no_data"
    if rec["start_kind"] == "none":
        return "no_data"
    return None


def _projected(r, basis, rec, goal, a: Assumptions, obs, region_code, notes) -> str:
    t, x, horizon = int(rec["start_year"]), float(rec["start_value"]), a.horizon
    if basis == "cumulative":
        annual, how = _annual_amount(obs, r.indicator_id, region_code, t, int(r.baseline_year), x)
        rec["annual_amount"] = annual
        notes.append(how)
        kw = dict(horizon=horizon, period_start=PERIOD_START)
        projected = project_cumulative(0.0, annual, t, supply_growth=a.supply_growth, **kw)
        need = required_growth(0.0, t, goal, basis="cumulative", annual=annual, **kw)
    else:
        kw2 = dict(population_change=a.population_change, basis=basis, horizon=horizon)
        projected = project_value(x, t, supply_growth=a.supply_growth, **kw2)
        need = required_growth(x, t, goal, **kw2)
    rec["projected"], rec["required_growth"] = projected, need
    target = parse_target(r.target_text)
    target = dataclasses.replace(
        target, kind="numeric", value=float(goal), reference=None, cumulative=basis == "cumulative"
    )
    att = progress.attainment(projected, target, r.direction)
    rec["margin"] = att.margin
    if rec["start_kind"] == "baseline":
        return "indicative"  # a projection of the 2020 baseline is never a verdict
    return att.status


def _annual_amount(obs, indicator_id, region_code, year, baseline_year, total):
    """The yearly amount a five-year total grows by: the latest annual value, else the average."""
    from huainan.evidence.observed import all_observations, latest

    obs = all_observations() if obs is None else obs
    row = latest(obs, indicator_id, region_code, year=year, after=year - 1)
    if row is not None:
        value = float(row["value"])
        return value, f"此后各年完成量以{year}年完成量 {value:g} 为基数"
    avg = float(total) / (year - baseline_year)
    return avg, f"无{year}年单年完成量，以{baseline_year + 1}—{year}年年均完成量 {avg:g} 为基数"


# ---------------------------------------------------------------------------------------------
# capacity each county must add by 2030
# ---------------------------------------------------------------------------------------------


def census_population_change(
    region_code: str = regions.CITY_CODE,
    *,
    first: int = 2010,
    last: int = 2020,
    observations: pd.DataFrame | None = None,
) -> float:
    r"""Average annual change of the resident population between two censuses.

    .. math:: p = (P_{last} / P_{first})^{1/(last - first)} - 1

    Parameters
    ----------
    region_code : str, default 淮南市 (on 2020 boundaries, 寿县 included)
    first, last : int
        Census years (2010, 2020).
    observations : pandas.DataFrame, optional
        Long table with ``population`` rows (default :func:`huainan.evidence.stats.observations`).

    Returns
    -------
    float
        The annual rate as a fraction; NaN if either census value is missing.

    Examples
    --------
    >>> obs = pd.DataFrame({"region_code": ["x", "x"], "year": [2010, 2020], "area": "total",
    ...                     "indicator": "population", "value": [1000.0, 900.0]})
    >>> round(census_population_change("x", observations=obs), 6)  # 0.9^(1/10) − 1
    -0.010481
    """
    if observations is None:
        from huainan.evidence import stats

        observations = stats.observations()
    pop = observations[
        (observations["indicator"] == "population")
        & (observations["region_code"] == str(region_code))
        & (observations["area"] == "total")
    ].set_index("year")["value"]
    if first not in pop.index or last not in pop.index:
        return math.nan
    p0, p1 = float(pop.loc[first]), float(pop.loc[last])
    if not (p0 > 0 and p1 > 0):
        return math.nan
    return (p1 / p0) ** (1.0 / (last - first)) - 1.0


def capacity_needed(
    assumptions: Assumptions,
    standard: str = "nursery_places",
    *,
    rate: float | None = None,
    denominators: pd.DataFrame | None = None,
    observations: pd.DataFrame | None = None,
    year: int = START_YEAR,
) -> pd.DataFrame:
    r"""Provision each unit needs in the target year by a standard, and what it must add.

    Parameters
    ----------
    assumptions : Assumptions
        ``population_change`` carries each unit's latest denominator (residents, residents aged
        60+, households) from its year to ``assumptions.horizon``.
    standard : str
        A key of :data:`huainan.measures.shortfall.SUPPLY` (a ``standard_id`` of
        :func:`huainan.measures.standards.need_standards`).
    rate : float, optional
        The level wanted in the target year, per ``per`` of the denominator (a 2030 target typed
        in for the matching indicator, :data:`STANDARD_INDICATOR`); default the plan's standard.
    denominators : pandas.DataFrame, optional
        :func:`huainan.measures.shortfall.denominators_wide` (``region_code``, ``name_zh``, the
        denominator column and ``<key>_year``); default the latest population that counts
        (:func:`huainan.measures.shortfall.latest_denominators`).
    observations : pandas.DataFrame, optional
        Where reported supply is looked up (default
        :func:`huainan.evidence.observed.all_observations`).
    year : int
        Latest year of reported supply and population accepted.

    Returns
    -------
    pandas.DataFrame
        :func:`huainan.measures.shortfall.shortfall` columns (one row per unit ranked, then the
        city total): ``region_code``, ``name_zh``, ``standard_id``, ``denominator``,
        ``denominator_value`` (the denominator projected to the target year), ``rate``, ``op``,
        ``per``, ``requirement``, ``unit``, ``supply`` (latest reported, NaN if none),
        ``shortfall`` (requirement − supply: the capacity to add; negative = more than needed),
        ``unmet``, ``shortfall_pct``, ``status``, ``rank``, ``rank_by``, ``note``; plus
        ``base_value`` (the latest denominator), ``base_year`` (Int64), ``growth_factor``
        (:math:`(1+p)^{T - t_D}`), ``supply_year`` (Int64), ``supply_source`` and ``note_zh``
        (Chinese: "未报送供给" when no supply was reported).

    Raises
    ------
    KeyError
        Unknown standard.

    Notes
    -----
    :math:`R_i = r \cdot D_i (1+p)^{T-t_D} / k` (METHODS §5 with the denominator carried
    forward), :math:`S_i = R_i - Q_i` with :math:`Q_i` the latest reported supply
    (:func:`huainan.measures.shortfall.unit_supply`). Applying the same ``p`` to people aged 60+
    understates their growth in an ageing population: the note says so.

    Examples
    --------
    大通区, 165,671 residents (2020 census), population −1 % a year to 2030, 托位 4.6 per 1,000:
    0.99^10 = 0.904382, × 165,671 = 149,830.04 residents; × 4.6 / 1,000 = 689.22 places.

    >>> d = pd.DataFrame({"region_code": ["340402"], "name_zh": ["大通区"],
    ...                   "population": [165671.0], "population_year": [2020]})
    >>> obs = pd.DataFrame(columns=["region_code", "year", "area", "indicator", "unit", "value",
    ...                             "source", "source_ref", "note", "origin"])
    >>> t = capacity_needed(Assumptions(0.0, -0.01), denominators=d, observations=obs)
    >>> round(float(t["requirement"].iloc[0]), 2), t["note_zh"].iloc[0][:5]
    (689.22, '未报送供给')
    """
    from huainan.evidence.observed import all_observations

    if standard not in shortfall.SUPPLY:
        raise KeyError(f"unknown standard {standard!r}; one of {', '.join(shortfall.SUPPLY)}")
    std = shortfall.need_standards().set_index("standard_id").loc[standard]
    obs = all_observations() if observations is None else observations
    key = std["denominator"]
    d = (
        shortfall.denominators_wide(shortfall.latest_denominators(obs, year=year))
        if denominators is None
        else denominators.copy()
    )
    base = d[key].astype("float64")
    base_year = d.get(f"{key}_year", pd.Series(2020, index=d.index)).astype("Int64")
    factor = (1.0 + assumptions.population_change) ** (
        assumptions.horizon - base_year.astype("float64")
    )
    projected = d[["region_code", "name_zh"]].assign(**{key: base * factor})
    level = float(std["rate"]) if rate is None else float(rate)
    req = shortfall.requirement(projected, rate=level, per=float(std["per"]), denominator=key)
    req["standard_id"], req["op"], req["unit"] = standard, std["op"], std["unit"]
    req["note"] = std["note"]
    sup = shortfall.unit_supply(standard, d, obs, year=year)
    out = shortfall.shortfall(
        req,
        None if sup.empty else sup.rename(columns={"supply": "value"})[["region_code", "value"]],
    )
    out["base_value"] = out["region_code"].map(base.set_axis(d["region_code"])).astype("float64")
    out["base_year"] = out["region_code"].map(base_year.set_axis(d["region_code"])).astype("Int64")
    out["growth_factor"] = out["region_code"].map(factor.set_axis(d["region_code"]))
    total = out["region_code"] == regions.CITY_CODE
    out.loc[total, "base_value"] = base.sum(min_count=1, skipna=False)
    s = sup.set_index("region_code")
    out["supply_year"] = out["region_code"].map(s["supply_year"]).astype("Int64")
    out["supply_source"] = out["region_code"].map(s["supply_source"]).astype("string")
    basis = out["region_code"].map(s["supply_basis"])
    out["note_zh"] = pd.Series(
        [
            _capacity_note(r, b, std, key, level)
            for r, b in zip(out.itertuples(), basis, strict=True)
        ],
        index=out.index,
        dtype="string",
    )
    return out


def _capacity_note(row, basis, std, key: str, level: float) -> str:
    parts = []
    if row.region_code == regions.CITY_CODE:
        pass  # the total row: the notes on the standard only
    elif pd.isna(row.supply):
        parts.append("未报送供给：表中为需求总量")
    elif basis == "rate":
        parts.append(f"供给由{int(row.supply_year)}年报送的人均水平按最新人口折算")
    else:
        parts.append(f"供给为{int(row.supply_year)}年报送值")
    if key == "pop_age_60plus":
        parts.append("60岁及以上人口按同一人口变化率推算，老龄化加快时会低估需求")
    if std.name == "elderly_care_beds" and level == float(std["rate"]):
        parts.append("标准取“十三五”末实绩（每千名老年人45张），非规划目标")
    if level != float(std["rate"]):
        parts.append(f"按设定的{HORIZON}年水平 {level:g}（规划标准 {float(std['rate']):g}）测算")
    if std["op"] == ">":
        parts.append("规划要求“高于”该标准")
    return "；".join(parts)
