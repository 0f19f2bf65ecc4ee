r"""What-if projections to 2025: where would an indicator land at a given growth of supply and
population, would that meet the plan's target, and how much must each county add?

Two questions from the 情景推演 app (``notebooks/apps/whatif.ipynb``):

1. **Projected 2025 value** (:func:`project_indicators`). From the latest observed value of a
   专栏2 indicator — or its 2020 baseline (基期值) when nothing newer has been reported, which the
   result says — and two assumptions, an annual growth rate of supply ``g`` and an annual change
   of population ``p``, project the value in the target year and compare it with the target using
   the same reading of targets as :mod:`huainan.measures.progress` (qualifier, direction, five-year totals).
2. **Capacity to add** (:func:`capacity_needed`). For the plan's per-capita provision standards
   (托位 4.6 per 1,000 residents, …) the requirement of each county-level unit in the target year,
   from its 2020 census denominator carried forward at ``p``, minus the supply officials have
   reported; when no supply has been reported the requirement is given alone and the table says
   "supply not reported" — a supply figure is never invented.

How each indicator is projected (:data:`PROJECTION_BASES`):

- ``per_capita`` (provision per 1,000 residents, per 10,000, per capita, per 100 households):
  supply grows at ``g``, the denominator at ``p``, so the ratio grows at
  :math:`(1+g)/(1+p) - 1` a year: :math:`x_T = x_t \left(\frac{1+g}{1+p}\right)^{T-t}`;
- ``total`` (a stock such as 养老服务床位总量): :math:`x_T = x_t (1+g)^{T-t}`;
- ``cumulative`` (five-year totals ``[…]``): the running total to year ``t`` plus the amounts of
  the remaining years, each growing at ``g`` from the latest annual amount ``a``:
  :math:`C_T = C_t + a \sum_{k=1}^{T-t} (1+g)^k`. When only a running total is reported, ``a``
  is the average annual amount so far, :math:`C_t / (t - t_0)` (said in the note);
- ``not_modelled``: coverage rates, enrolment and retention rates, life expectancy, years of
  schooling — a supply total and the population do not determine them, so they are not
  projected; their latest status is shown instead.

The supply growth that would just reach the target is given too (``required_growth``): for
per-capita indicators :math:`g^* = (1+p)(X^*/x_t)^{1/(T-t)} - 1`, for totals
:math:`g^* = (X^*/x_t)^{1/(T-t)} - 1` (the required CAGR of METHODS.md §2, with the population
term), for five-year totals the ``g`` solving :math:`C_t + a \sum_k (1+g)^k = X^*` (bisection).

Sources: ``../shared/METHODS.md`` §1 (reading targets), §2 (compound growth, linear path for
five-year totals) and §5 (need-based shortfall); the plan's 专栏2 and its provision standards
(:func:`huainan.measures.gaps.need_standards`); the 2020 census for the denominators
(:func:`huainan.evidence.stats.census_denominators`).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from huainan import plan
from huainan.errors import DataValidationError
from huainan.intake import units
from huainan.measures import gaps, progress
from huainan.plan import regions
from huainan.plan.targets import parse_target

#: How each 专栏2 indicator is projected: id → (basis, denominator, per). The denominator is a
#: census count of :func:`huainan.evidence.stats.census_denominators` (``None`` for totals).
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
    "cumulative": "五年累计指标：已完成量加此后各年完成量（按供给增速递增）",
    "not_modelled": "比率/覆盖率/结果类指标：不由供给总量与人口直接决定，不作推算",
}

#: Chinese labels of the projection outcome.
OUTCOME_ZH: dict[str, str] = {
    "met": "预计达标",
    "not_met": "预计未达标",
    "borderline": "临界（恰等于严格界限，按未达标计）",
    "qualitative": "定性目标，不作推算",
    "needs_reference": "需安徽省平均值",
    "no_data": "无数据，无法推算",
    "not_modelled": "不作推算",
}

#: Standards of :func:`huainan.measures.gaps.need_standards` used by :func:`capacity_needed` (those that
#: apply to all residents or households: the new/old-estate standards need estate populations,
#: which are not published) and the indicator holding each one's reported supply per unit, if any.
CAPACITY_STANDARDS: dict[str, str | None] = {
    "nursery_places": "nursery_places",
    "elderly_care_beds": "elderly_care_beds_total",
    "community_service_space": None,
}

#: Per-capita indicators from which a count of supply can be derived where the count itself was
#: not reported: standard → (rate indicator, per, denominator). The monitoring template asks for
#: the 专栏2 rates (每千人口托位数, 每百户社区综合服务设施面积), so supply usually arrives as a rate.
RATE_SUPPLY: dict[str, tuple[str, float, str]] = {
    "nursery_places": ("nursery_places_per_1000", 1000.0, "population"),
    "community_service_space": ("community_service_space_per_100hh", 100.0, "households_family"),
}

#: Target year of the plan (专栏2 targets are for 2025).
HORIZON = 2025
#: First year of the plan period 2021–2025: five-year totals (``[…]``) count from here.
PLAN_START = HORIZON - 4


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

    >>> round(project_value(0.9, 2020, supply_growth=0.40, population_change=-0.01), 4)
    5.0899

    Elderly-care beds, 3.2 万张 in 2020, +2 % a year: 1.02^5 = 1.1040808, × 3.2 = 3.533059.

    >>> round(project_value(3.2, 2020, supply_growth=0.02, basis="total"), 6)
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
) -> float:
    r"""Project a five-year total: the running total plus the remaining years' amounts.

    .. math:: C_T = C_t + a \sum_{k=1}^{T-t} (1+g)^k

    Parameters
    ----------
    total_to_date : float
        Running total :math:`C_t` from the start of the plan period to ``from_year``.
    annual : float
        The amount of one year, :math:`a` (the latest year's, or the average so far).
    from_year, horizon : int
    supply_growth : float
        Annual growth of the yearly amount, as a fraction.

    Examples
    --------
    Old estates renovated: 274 by 2022, 120 in 2022, amounts growing 10 % a year:
    274 + 120 × (1.1 + 1.21 + 1.331) = 274 + 436.92 = 710.92.

    >>> round(project_cumulative(274, 120, 2022, supply_growth=0.10), 2)
    710.92
    """
    if from_year > horizon:
        raise ValueError(f"start year {from_year} is after the target year {horizon}")
    _check_rate(supply_growth, "supply growth")
    years = np.arange(1, horizon - from_year + 1)
    return float(total_to_date) + float(annual) * float(((1.0 + supply_growth) ** years).sum())


def required_growth(
    value: float,
    from_year: int,
    target: float,
    *,
    population_change: float = 0.0,
    basis: str = "per_capita",
    horizon: int = HORIZON,
    annual: float | None = None,
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

    Returns
    -------
    float
        ``per_capita``: :math:`(1+p)(X^*/x_t)^{1/(T-t)} - 1`; ``total``:
        :math:`(X^*/x_t)^{1/(T-t)} - 1`; ``cumulative``: the ``g`` with :math:`C_t + a
        \sum_{k=1}^{T-t}(1+g)^k = X^*` (bisection to 1e-10; −1 < g ≤ 100). NaN when there is
        no year left, a value is ≤ 0, or (cumulative) the target cannot be reached with
        ``g`` ≤ 100 (10,000 % a year). 0 or a negative rate means no growth (or even a fall)
        would still reach it.

    Examples
    --------
    Nursery places 0.9 → 4.6 per 1,000 over 2020–2025 with population −1 % a year:
    4.6 / 0.9 = 5.111111, ^(1/5) = 1.385808, × 0.99 = 1.371950: supply must grow 37.2 % a year.

    >>> round(required_growth(0.9, 2020, 4.6, population_change=-0.01), 5)
    0.37195

    Old estates: 274 by 2022, 120 in 2022, target 430: 120·(q + q² + q³) = 430 − 274 = 156, so
    q + q² + q³ = 1.3, which q = 1 + g = 0.63664 solves (0.63664 + 0.40531 + 0.25804 = 1.3):
    the yearly amount may fall by about 36 % a year and the target is still reached.

    >>> round(required_growth(274, 2022, 430, basis="cumulative", annual=120), 4)
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
    years = np.arange(1, n + 1)

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
        Target year (2025).
    """

    supply_growth: float
    population_change: float
    horizon: int = HORIZON

    def __post_init__(self):
        _check_rate(self.supply_growth, "supply growth")
        _check_rate(self.population_change, "population change")


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
    "target_value",
    "reference_value",
    "projected",
    "outcome",
    "outcome_zh",
    "margin",
    "required_growth",
    "progress_status",
    "progress_status_zh",
    "note",
]


def project_indicators(
    assumptions: Assumptions,
    *,
    observations: pd.DataFrame | None = None,
    region_code: str = regions.CITY_CODE,
    year: int | None = None,
    table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Project every 专栏2 indicator to the target year under ``assumptions``.

    Parameters
    ----------
    assumptions : Assumptions
        Annual supply growth and population change.
    observations : pandas.DataFrame, optional
        Long table as for :func:`huainan.measures.evaluation.evaluate` (default
        :func:`huainan.evidence.observed.all_observations`).
    region_code : str, default 淮南市
        Whose values (the plan's targets are city-wide).
    year : int, optional
        Latest year of data to start from (default the target year: every value reported).
    table : pandas.DataFrame, optional
        A :func:`huainan.measures.evaluation.evaluate` (stage ``annual``) already computed for ``year`` from the same
        observations (the apps pass it to avoid recomputing on every slider move).

    Returns
    -------
    pandas.DataFrame
        One row per 专栏2 indicator (plan order): ``indicator_id``, ``domain``, ``domain_zh``,
        ``name_zh``, ``unit``, ``attribute``, ``direction``; ``basis`` (key of
        :data:`PROJECTION_BASES`); ``start_kind`` (``observed`` | ``baseline`` — the 2020
        基期值, nothing newer reported | ``none``), ``start_year`` (Int64), ``start_value``
        (float64; for five-year totals the running total), ``start_source`` (str or NA),
        ``annual_amount`` (float64, five-year totals only); ``target_year``, ``target_text``,
        ``target_value`` (float64), ``reference_value`` (float64, the Anhui value for relative
        targets); ``projected`` (float64, NaN when not projected); ``outcome`` (key of
        :data:`OUTCOME_ZH`) and ``outcome_zh``; ``margin`` (float64, ``d·(projected − target)``:
        positive = better than the target); ``required_growth`` (float64, annual supply growth
        that just reaches the target, a fraction); ``progress_status`` / ``progress_status_zh``
        (the current verdict of :func:`huainan.measures.evaluation.evaluate`, shown for indicators
        that are not projected); ``note`` (str, Chinese: where the start value comes from and
        what could not be done).

    Raises
    ------
    DataValidationError
        If a data store fails validation on load.
    """
    a = assumptions
    horizon = a.horizon
    start_year = horizon if year is None else int(year)
    if table is None:
        from huainan.measures import evaluation

        table = evaluation.evaluate(
            min(start_year, evaluation.PLAN_END),
            stage="annual",
            region_code=region_code,
            observations=observations,
        )
    obs = observations
    rows = []
    for r in table.itertuples(index=False):
        basis = _basis(r.indicator_id, bool(r.cumulative))
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
                "target_year",
                "target_text",
                "target_value",
                "reference_value",
            )
        }
        rec.update(
            basis=basis,
            start_kind="none",
            start_year=pd.NA,
            start_value=math.nan,
            start_source=pd.NA,
            annual_amount=math.nan,
            projected=math.nan,
            margin=math.nan,
            required_growth=math.nan,
        )
        notes = []
        if pd.notna(r.value):
            rec.update(
                start_kind="observed",
                start_year=int(r.year_to),
                start_value=float(r.value),
                start_source=r.source_title,
            )
            notes.append(
                f"起点：{int(r.baseline_year) + 1}—{int(r.year_to)}年累计完成量"
                if basis == "cumulative" and r.year_to > r.baseline_year + 1
                else f"起点：{int(r.year_to)}年观测值"
            )
        elif pd.notna(r.baseline) and basis != "cumulative":
            rec.update(
                start_kind="baseline",
                start_year=int(r.baseline_year),
                start_value=float(r.baseline),
                start_source="规划专栏2（2020年基期值）",
            )
            notes.append(
                f"{int(r.baseline_year)}年以后尚无报送值，以{int(r.baseline_year)}年基期值为起点"
            )
        else:
            notes.append(
                "无基期值，也无报送值"
                if basis != "cumulative"
                else "“十四五”期间尚无年度完成量报送"
            )
        kind = r.target_kind
        target = r.target_value if kind == "numeric" else r.reference_value
        if kind == "qualitative":
            outcome = "qualitative"
        elif basis == "not_modelled":
            outcome = "not_modelled"
        elif kind == "relative" and _missing(r.reference_value):
            outcome = "needs_reference"
            notes.append("目标为相对全省平均水平，暂无安徽省同年数值")
        elif rec["start_kind"] == "none":
            outcome = "no_data"
        else:
            outcome = None
        if outcome is None:
            t = int(rec["start_year"])
            x = rec["start_value"]
            if basis == "cumulative":
                annual, how = _annual_amount(
                    obs, r.indicator_id, region_code, t, int(r.baseline_year), x
                )
                rec["annual_amount"] = annual
                notes.append(how)
                projected = project_cumulative(
                    x, annual, t, supply_growth=a.supply_growth, horizon=horizon
                )
                need = required_growth(
                    x, t, target, basis="cumulative", annual=annual, horizon=horizon
                )
            else:
                projected = project_value(
                    x,
                    t,
                    supply_growth=a.supply_growth,
                    population_change=a.population_change,
                    basis=basis,
                    horizon=horizon,
                )
                need = required_growth(
                    x,
                    t,
                    target,
                    population_change=a.population_change,
                    basis=basis,
                    horizon=horizon,
                )
            rec["projected"], rec["required_growth"] = projected, need
            target_obj = parse_target(r.target_text)
            if kind == "relative":
                target_obj = dataclasses.replace(
                    target_obj, kind="numeric", value=float(target), reference=None
                )
                notes.append(f"参照：安徽省平均 {target:g}，假定到{horizon}年不变")
            att = progress.attainment(projected, target_obj, r.direction)
            outcome, rec["margin"] = att.status, att.margin
        if bool(r.target_below_baseline):
            notes.append("规划目标低于2020年基期值")
        rec["outcome"] = outcome
        rec["progress_status"] = r.verdict
        rec["note"] = "；".join(notes)
        rows.append(rec)
    out = pd.DataFrame(rows, columns=_PROJECTION_COLUMNS)
    out["outcome_zh"] = out["outcome"].map(OUTCOME_ZH)
    out["progress_status_zh"] = out["progress_status"].map(progress.VERDICT_ZH)
    out["start_year"] = out["start_year"].astype("Int64")
    for col in (
        "start_value",
        "annual_amount",
        "target_value",
        "reference_value",
        "projected",
        "margin",
        "required_growth",
    ):
        out[col] = out[col].astype("float64")
    return out


def _annual_amount(obs, indicator_id, region_code, year, baseline_year, total):
    """The yearly amount a five-year total grows by: the latest annual value, else the average."""
    from huainan.evidence.observed import all_observations, latest

    obs = all_observations() if obs is None else obs
    row = latest(obs, indicator_id, region_code, year=year, after=year - 1)
    if row is not None:
        return float(row["value"]), f"此后各年完成量以{year}年完成量 {float(row['value']):g} 为基数"
    done = year - baseline_year
    avg = float(total) / done
    return avg, (f"无{year}年单年完成量，以{baseline_year + 1}—{year}年年均完成量 {avg:g} 为基数")


# ---------------------------------------------------------------------------------------------
# capacity each county must add
# ---------------------------------------------------------------------------------------------


def census_denominators(year: int = 2020) -> pd.DataFrame:
    """Census denominators of the seven units, one column per key of
    :data:`huainan.measures.gaps.DENOMINATORS` (the names :func:`huainan.measures.gaps.requirement` wants).

    Returns
    -------
    pandas.DataFrame
        One row per unit (city order): ``region_code``, ``name_zh``, ``population``,
        ``pop_age_60plus``, ``households_family`` (float64; residents, residents aged 60+, family
        households of the ``year`` census, from :func:`huainan.evidence.stats.census_denominators`).
    """
    from huainan.evidence import stats

    u = regions.units()
    out = pd.DataFrame({"region_code": u["code"], "name_zh": u["name_zh"]})
    for key in gaps.DENOMINATORS:
        d = stats.census_denominators(key, year)
        out[key] = out["region_code"].map(d).astype("float64")
    return out


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


def reported_supply(
    indicator: str,
    unit: str,
    *,
    observations: pd.DataFrame | None = None,
    year: int = HORIZON,
    codes: tuple[str, ...] = regions.UNIT_CODES,
) -> pd.DataFrame:
    """Latest reported supply of each unit, converted to ``unit``.

    Parameters
    ----------
    indicator : str
        Indicator holding the supply count (e.g. ``nursery_places``, ``elderly_care_beds_total``).
    unit : str
        Unit wanted (the standard's: 个, 张, 平方米); values are converted with
        :func:`huainan.intake.units.convert` (万个 → 个 …).
    observations : pandas.DataFrame, optional
        Long table (default :func:`huainan.evidence.observed.all_observations`).
    year : int
        Latest year accepted.

    Returns
    -------
    pandas.DataFrame
        Only units with a reported value: ``region_code``, ``value`` (float64, in ``unit``),
        ``year`` (int64), ``source`` (str). Empty when nothing has been reported.

    Raises
    ------
    UnitError
        If a reported unit cannot be converted to ``unit``.
    """
    from huainan.evidence.observed import all_observations, latest

    obs = all_observations() if observations is None else observations
    rows = []
    for code in codes:
        row = latest(obs, indicator, code, year=year)
        if row is None:
            continue
        value = units.convert(float(row["value"]), str(row["unit"]), unit)
        rows.append(
            {
                "region_code": code,
                "value": value,
                "year": int(row["year"]),
                "source": str(row["source"]),
            }
        )
    return pd.DataFrame(rows, columns=["region_code", "value", "year", "source"]).astype(
        {"value": "float64", "year": "int64"}
    )


def _add_rate_supply(standard, supply, census, d, observations, assumptions, census_year):
    """Fill units without a reported count from a reported per-capita rate (see RATE_SUPPLY).

    supply count = rate × denominator in the rate's year / per, the denominator carried forward
    from the census year by the assumed population change. Returns the completed supply table
    and {region code: rate used}.
    """
    if standard not in RATE_SUPPLY:
        return supply, {}
    rate_id, per, den_col = RATE_SUPPLY[standard]
    if den_col not in d.columns:
        return supply, {}
    rates = reported_supply(
        rate_id, str(_rate_unit(rate_id)), observations=observations, year=assumptions.horizon
    )
    have = set() if supply is None or supply.empty else set(supply["region_code"])
    census_by_code = pd.Series(census.to_numpy(), index=d["region_code"].astype(str))
    rows, used = [], {}
    for r in rates.itertuples(index=False):
        if r.region_code in have or r.region_code not in census_by_code.index:
            continue
        factor = (1.0 + assumptions.population_change) ** (r.year - census_year)
        rows.append(
            {
                "region_code": r.region_code,
                "value": r.value * census_by_code[r.region_code] * factor / per,
                "year": r.year,
                "source": r.source,
            }
        )
        used[r.region_code] = float(r.value)
    if not rows:
        return supply, {}
    extra = pd.DataFrame(rows).astype({"value": "float64", "year": "int64"})
    frames = [f for f in (supply, extra) if f is not None and not f.empty]
    return pd.concat(frames, ignore_index=True), used


def _rate_unit(indicator_id: str) -> str:
    return plan.indicator(indicator_id)["unit"]


def capacity_needed(
    assumptions: Assumptions,
    standard: str = "nursery_places",
    *,
    denominators: pd.DataFrame | None = None,
    observations: pd.DataFrame | None = None,
    census_year: int = 2020,
) -> pd.DataFrame:
    r"""Provision each unit needs in the target year by a plan standard, and what it must add.

    Parameters
    ----------
    assumptions : Assumptions
        ``population_change`` carries every census denominator (residents, residents aged 60+,
        households) forward from ``census_year`` to ``assumptions.horizon``.
    standard : str
        A key of :data:`CAPACITY_STANDARDS` (a ``standard_id`` of
        :func:`huainan.measures.gaps.need_standards`).
    denominators : pandas.DataFrame, optional
        ``region_code``, ``name_zh`` and the standard's denominator column (``population``,
        ``pop_age_60plus`` or ``households_family``) in ``census_year``; default
        :func:`census_denominators`.
    observations : pandas.DataFrame, optional
        Where reported supply is looked up (default :func:`huainan.evidence.observed.all_observations`).
    census_year : int

    Returns
    -------
    pandas.DataFrame
        :func:`huainan.measures.gaps.shortfall` columns (one row per unit ranked, then the city total):
        ``region_code``, ``name_zh``, ``standard_id``, ``denominator``, ``denominator_value``
        (the projected denominator), ``rate``, ``op``, ``per``, ``requirement``, ``unit``,
        ``supply``, ``shortfall`` (requirement − supply: the capacity to add; negative =
        surplus), ``unmet``, ``shortfall_pct``, ``status``, ``rank``, ``rank_by``, ``note``;
        plus ``census_value`` (the ``census_year`` denominator), ``growth_factor``
        (:math:`(1+p)^{T - census\_year}`), ``supply_year`` (Int64), ``supply_source`` and
        ``note_zh`` (Chinese: "未报送供给" when no supply was reported).

    Raises
    ------
    KeyError
        Unknown standard.

    Notes
    -----
    :math:`R_i = r \cdot D_i (1+p)^{T-t_c} / k` (METHODS §5 with the denominator carried
    forward), :math:`S_i = R_i - Q_i` with :math:`Q_i` the latest reported supply. Applying the
    same ``p`` to people aged 60+ understates their growth in an ageing population (the 60+ share
    rose between the 2010 and 2020 censuses): the note says so.

    Examples
    --------
    大通区, 165,671 residents (2020 census), population −1 % a year, 托位 4.6 per 1,000:
    0.99^5 = 0.950990, × 165,671 = 157,551.47 residents in 2025; × 4.6 / 1,000 = 724.74 places.

    >>> d = pd.DataFrame({"region_code": ["340402"], "name_zh": ["大通区"],
    ...                   "population": [165671.0]})
    >>> obs = pd.DataFrame(columns=["region_code", "year", "area", "indicator", "unit", "value",
    ...                             "source"])
    >>> t = capacity_needed(Assumptions(0.0, -0.01), denominators=d, observations=obs)
    >>> round(float(t["requirement"].iloc[0]), 2), t["note_zh"].iloc[0][:5]
    (724.74, '未报送供给')
    """
    if standard not in CAPACITY_STANDARDS:
        raise KeyError(f"unknown standard {standard!r}; one of {', '.join(CAPACITY_STANDARDS)}")
    std = gaps.need_standards().set_index("standard_id").loc[standard]
    den_col = std["denominator"]
    d = census_denominators(census_year) if denominators is None else denominators.copy()
    if den_col not in d.columns:
        raise DataValidationError("missing denominator column", column=den_col)
    factor = (1.0 + assumptions.population_change) ** (assumptions.horizon - census_year)
    census = d[den_col].astype("float64")
    d[den_col] = census * factor
    req = gaps.requirement(d, standard)
    supply_id = CAPACITY_STANDARDS[standard]
    supply = (
        reported_supply(supply_id, std["unit"], observations=observations, year=assumptions.horizon)
        if supply_id is not None
        else None
    )
    supply, from_rate = _add_rate_supply(
        standard, supply, census, d, observations, assumptions, census_year
    )
    out = gaps.shortfall(
        req, None if supply is None or supply.empty else supply[["region_code", "value"]]
    )
    census_by_code = pd.Series(census.to_numpy(), index=d["region_code"].astype(str))
    out["census_value"] = out["region_code"].map(census_by_code).astype("float64")
    total = out["region_code"] == "340400"
    out.loc[total, "census_value"] = census.sum(min_count=1, skipna=False)
    out["growth_factor"] = factor
    if supply is not None and not supply.empty:
        s = supply.set_index("region_code")
        out["supply_year"] = out["region_code"].map(s["year"]).astype("Int64")
        out["supply_source"] = out["region_code"].map(s["source"]).astype("string")
    else:
        out["supply_year"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["supply_source"] = pd.array([pd.NA] * len(out), dtype="string")
    notes = []
    for row in out.itertuples(index=False):
        parts = []
        if pd.isna(row.supply):
            parts.append(
                "未报送供给：表中为需求总量"
                if supply_id is not None
                else "未报送供给（暂无该类设施面积的统计口径）：表中为需求总量"
            )
        elif row.region_code in from_rate:
            rate_id, per, _ = RATE_SUPPLY[standard]
            parts.append(
                f"供给由{int(row.supply_year)}年报送的{from_rate[row.region_code]:g}"
                f"（每{per:g}）折算，人口按假设推算至该年"
            )
        elif row.region_code != "340400":
            parts.append(f"供给为{int(row.supply_year)}年报送值")
        if den_col == "pop_age_60plus":
            parts.append("60岁及以上人口按同一人口变化率推算，老龄化加快时会低估需求")
        if standard == "elderly_care_beds":
            parts.append("标准取“十三五”末实绩（每千名老年人45张），非“十四五”目标")
        if std["op"] == ">":
            parts.append("规划要求“高于”该标准")
        notes.append("；".join(parts))
    out["note_zh"] = pd.Series(notes, index=out.index, dtype="string")
    return out
