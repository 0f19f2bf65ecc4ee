"""Attainment of targets and progress towards them.

- :func:`attainment` / :func:`assess_13th`: was a target met? (十三五 review, 专栏1; and any observed
  value against a target cell). Direction-aware, cumulative-aware; a strict inequality met only with
  equality is ``borderline`` (``METHODS.md`` §1).
- :func:`assess`: how far along the way to a 2025 target is an indicator, and is it moving fast
  enough? Current status index, observed vs required CAGR, progress ratio and status class
  (``METHODS.md`` §2: UN ESCAP progress assessment; Open SDG ``sdg-build`` ProgressMeasure
  thresholds; SDSN trend arrows).

Sources: ``../shared/METHODS.md`` §1–§2; the plan's note "[]内数据为五年累计数" for five-year totals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from huainan import plan
from huainan.plan.targets import Target, parse_target

ATTAINMENT_CLASSES = ("met", "not_met", "borderline", "qualitative", "no_data")
PROGRESS_CLASSES = (
    "achieved",
    "on_track",
    "needs_acceleration",
    "limited_progress",
    "deterioration",
    "insufficient_data",
)

#: Lower edges of the progress-ratio classes (Open SDG ProgressMeasure; METHODS.md §2).
ON_TRACK, NEEDS_ACCELERATION, LIMITED_PROGRESS = 0.95, 0.60, 0.0

#: Order in which statuses are listed in tables and charts: best first, then what cannot be scored.
STATUS_ORDER = (
    "achieved",
    "on_track",
    "needs_acceleration",
    "limited_progress",
    "deterioration",
    "needs_reference",
    "qualitative",
    "insufficient_data",
)

#: Chinese labels of the progress classes.
PROGRESS_ZH = {
    "achieved": "已达目标",
    "on_track": "进度正常",
    "needs_acceleration": "需加快",
    "limited_progress": "进展有限",
    "deterioration": "倒退",
    "insufficient_data": "数据不足",
    "qualitative": "定性目标",
    "needs_reference": "待全省参照值",
}

#: Chinese labels of the attainment classes, for tables and charts.
ATTAINMENT_ZH = {
    "met": "已完成",
    "not_met": "未完成",
    "borderline": "临界（恰等于严格界限）",
    "qualitative": "定性目标",
    "no_data": "无数据",
}

_OP_ZH = {">": "高于", ">=": "不低于", "<": "低于", "<=": "不高于"}


@dataclass(frozen=True)
class Attainment:
    """Result of comparing one value with one target.

    Attributes
    ----------
    status : str
        One of :data:`ATTAINMENT_CLASSES`.
    reason : str
        One line in Chinese saying why, with the numbers.
    reason_en : str
        The same in English.
    margin : float
        ``d·(actual − target)`` in the indicator's unit (``d`` = +1 higher-is-better, −1
        lower-is-better): positive means better than the target. NaN unless both are numbers.
    """

    status: str
    reason: str
    reason_en: str
    margin: float = math.nan


def _fmt(x: float) -> str:
    return f"{x:g}"


def attainment(
    actual: float | None, target: Target, direction: str, *, actual_cumulative: bool | None = None
) -> Attainment:
    """Decide whether ``actual`` meets ``target``.

    Parameters
    ----------
    actual : float or None
        Observed value in the indicator's unit (NaN/None = no data). For a cumulative target it
        must be the total over the same period.
    target : Target
        Parsed target cell (:func:`huainan.plan.targets.parse_target`).
    direction : {"higher_better", "lower_better"}
        Which way is better; decides how a plain number is read (at least / at most).
    actual_cumulative : bool, optional
        Whether ``actual`` is a five-year total. If given and different from ``target.cumulative``
        a ``ValueError`` is raised — a single year is never compared with a five-year total.

    Returns
    -------
    Attainment
        ``met`` when the bound holds; ``borderline`` when the target is a strict inequality
        (``>``/``<``) and ``actual`` equals its value; ``not_met`` otherwise; ``qualitative`` for
        应保尽保-type targets; ``no_data`` when ``actual`` is missing or the target has no value
        (relative targets without a reference value, missing cells).

    Raises
    ------
    ValueError
        If ``direction`` is invalid or cumulative and single-year values are mixed.

    Notes
    -----
    METHODS.md §1: a plain number is "at least" for higher-is-better and "at most" for
    lower-is-better indicators; a strict inequality met only with equality is not met and is
    reported as ``borderline`` so a reader sees why.

    Examples
    --------
    >>> attainment(95.0, parse_target(">95"), "higher_better").status
    'borderline'
    >>> attainment(3.1, parse_target("<4.5"), "lower_better").status
    'met'
    >>> attainment(95.6, parse_target("95.5"), "higher_better").margin  # doctest: +ELLIPSIS
    0.0999...
    """
    if direction not in ("higher_better", "lower_better"):
        raise ValueError(f"direction must be higher_better or lower_better, not {direction!r}")
    if (
        actual_cumulative is not None
        and target.kind == "numeric"
        and bool(actual_cumulative) != target.cumulative
    ):
        raise ValueError(
            f"cannot compare a five-year total with a single-year value (target {target.text!r})"
        )
    if target.kind == "qualitative":
        return Attainment(
            "qualitative",
            f"定性目标“{target.text}”，不作数值比较",
            f"qualitative target {target.text!r}: not scored numerically",
        )
    if target.kind == "missing":
        return Attainment("no_data", "目标值缺失", "no target value published")
    if target.kind == "relative":
        return Attainment(
            "no_data",
            f"相对目标“{target.text}”，需全省平均值才能判断",
            f"relative target {target.text!r}: needs the Anhui average",
        )
    if actual is None or (isinstance(actual, float) and math.isnan(actual)):
        return Attainment("no_data", "无实绩数据", "no observed value")

    assert target.value is not None  # numeric targets always carry a value (parse_target)
    value = float(target.value)
    actual = float(actual)
    op = target.bound(direction) or ">="  # numeric: never None
    sign = 1.0 if direction == "higher_better" else -1.0
    margin = sign * (actual - value)
    scope = "五年累计" if target.cumulative else ""
    implied = "" if target.op else "（未标注限定词，按" + _OP_ZH[op] + "理解）"
    implied_en = "" if target.op else f" (plain number read as {op})"
    holds = {
        ">": actual > value,
        ">=": actual >= value,
        "<": actual < value,
        "<=": actual <= value,
    }[op]
    text = f"{scope}实绩 {_fmt(actual)}，目标{_OP_ZH[op]} {_fmt(value)}{implied}"
    text_en = (
        f"{'5-year total ' if scope else ''}actual {_fmt(actual)} vs target {op} "
        f"{_fmt(value)}{implied_en}"
    )
    if holds:
        return Attainment("met", text + "：已完成", text_en + ": met", margin)
    if op in (">", "<") and actual == value:
        return Attainment(
            "borderline",
            text + "：恰等于严格界限，按未完成计",
            text_en + ": equals a strict bound, so not met",
            margin,
        )
    return Attainment("not_met", text + "：未完成", text_en + ": not met", margin)


def assess_13th() -> pd.DataFrame:
    """Assess every 十三五 indicator of 专栏1: was its 2020 target met?

    Returns
    -------
    pandas.DataFrame
        :func:`huainan.plan.outcomes_13th` plus ``attainment`` (str, one of
        :data:`ATTAINMENT_CLASSES`), ``attainment_zh`` (str), ``reason`` (str, one line in
        Chinese with the numbers), ``reason_en`` (str) and ``margin`` (float64,
        ``d·(actual − target)`` in the indicator's unit).

    Raises
    ------
    DataValidationError
        If the plan tables are malformed (from :func:`huainan.plan.outcomes_13th`).

    Examples
    --------
    >>> a = assess_13th()
    >>> a["attainment"].value_counts().to_dict()
    {'met': 24, 'borderline': 2}
    >>> a.loc[a["attainment"] == "borderline", "outcome_id"].tolist()
    ['pension_insurance_coverage', 'medical_insurance_coverage']
    """
    df = plan.outcomes_13th()
    results = [
        attainment(
            row.actual_value,
            parse_target(row.target_text),
            row.direction,
            actual_cumulative=parse_target(row.actual_text).cumulative,
        )
        for row in df.itertuples(index=False)
    ]
    df["attainment"] = [r.status for r in results]
    df["attainment_zh"] = df["attainment"].map(ATTAINMENT_ZH)
    df["reason"] = [r.reason for r in results]
    df["reason_en"] = [r.reason_en for r in results]
    df["margin"] = pd.Series([r.margin for r in results], index=df.index, dtype="float64")
    return df


def _classify(ratio: float) -> str:
    if ratio >= ON_TRACK:
        return "on_track"
    if ratio >= NEEDS_ACCELERATION:
        return "needs_acceleration"
    if ratio >= LIMITED_PROGRESS:
        return "limited_progress"
    return "deterioration"


def _num(x: float | None) -> float:
    """``x`` as a float (callers have checked it is not missing)."""
    return math.nan if x is None else float(x)


def _is_missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _meets(observed: float, target: float, op: str) -> bool:
    return {
        ">": observed > target,
        ">=": observed >= target,
        "<": observed < target,
        "<=": observed <= target,
    }[op]


def assess(
    *,
    baseline: float | None,
    baseline_year: int,
    observed: float | None,
    observed_year: int | None,
    target: float,
    target_year: int,
    direction: str,
    op: str | None = None,
    cumulative: bool = False,
) -> dict:
    """Assess progress of one indicator towards its target.

    Parameters
    ----------
    baseline : float or None
        Base value ``x0`` in year ``baseline_year`` (基期值, the plan's 2020 column). Not used for
        cumulative targets (the five-year total starts from zero).
    baseline_year : int
        ``t0`` (2020 for the plan's indicators; the plan period of a cumulative target starts the
        year after).
    observed : float or None
        Latest value ``xt``; for cumulative targets the running total since ``baseline_year + 1``.
        ``None``/NaN → ``insufficient_data``.
    observed_year : int or None
        ``t``.
    target : float
        Target value ``X*`` (目标值) for ``target_year`` ``T``.
    direction : {"higher_better", "lower_better"}
        ``d = +1`` or ``−1``.
    op : {">", ">=", "<", "<=", None}
        The target's qualifier; ``None`` for a plain number (read as at least / at most by
        direction, METHODS.md §1).
    cumulative : bool
        True for five-year totals (``[…]``): progress is measured against the linear path.

    Returns
    -------
    dict
        ``status`` (one of :data:`PROGRESS_CLASSES`), ``csi`` (current status index, capped at 1),
        ``cagr_observed``, ``cagr_required`` (per year, as fractions), ``ratio`` (progress ratio
        ``R``), ``expected`` (value the required path reaches in ``observed_year``: compound growth
        for levels, linear for cumulative totals), ``target_below_baseline`` (bool: the target asks
        for less than the baseline already gives) and ``note`` (str, why a status could not be given).
        Measures that cannot be computed are NaN.

    Raises
    ------
    ValueError
        If ``direction`` or ``op`` is invalid, or ``observed_year`` is before ``baseline_year``
        or after ``target_year``.

    Notes
    -----
    Levels (METHODS.md §2; UN ESCAP; Open SDG ProgressMeasure):

    .. math::

        CSI = \\min\\left(1, \\frac{d (x_t - x_0)}{|X^* - x_0|}\\right), \\quad
        CAGR_{obs} = (x_t/x_0)^{1/(t - t_0)} - 1, \\quad
        CAGR_{req} = (X^*/x_0)^{1/(T - t_0)} - 1, \\quad
        R = \\frac{d \\cdot CAGR_{obs}}{|CAGR_{req}|}

    Status: ``achieved`` if ``xt`` already meets the target (strict bounds need strict
    inequality); else ``on_track`` if R ≥ 0.95, ``needs_acceleration`` if 0.60 ≤ R < 0.95,
    ``limited_progress`` if 0 ≤ R < 0.60, ``deterioration`` if R < 0. ``insufficient_data`` when a
    point is missing, ``t = t0``, a value is ≤ 0 (no growth rate across a sign change or from
    zero). When the target equals the baseline and is not met (no required growth to divide
    by): ``deterioration`` if the value moved the wrong way, else ``limited_progress`` (R = 0 when
    it stood still).

    Cumulative totals: ``CSI = xt/X*`` and ``R = xt / (X*·(t − t0)/(T − t0))`` — the running total
    against the linear path (METHODS.md §2), with the same class thresholds.

    Examples
    --------
    Nursery places per 1,000: 0.9 (2020) → 2.0 (2023), target 4.6 (2025):

    >>> r = assess(baseline=0.9, baseline_year=2020, observed=2.0, observed_year=2023,
    ...            target=4.6, target_year=2025, direction="higher_better")
    >>> r["status"], round(r["ratio"], 3)
    ('needs_acceleration', 0.79)

    Old residential estates, five-year total [430]; 274 done in 2021–2022:

    >>> r = assess(baseline=None, baseline_year=2020, observed=274, observed_year=2022,
    ...            target=430, target_year=2025, direction="higher_better", cumulative=True)
    >>> r["status"], round(r["ratio"], 4), r["expected"]
    ('on_track', 1.593, 172.0)
    """
    if direction not in ("higher_better", "lower_better"):
        raise ValueError(f"direction must be higher_better or lower_better, not {direction!r}")
    if op is not None and op not in (">", ">=", "<", "<="):
        raise ValueError(f"op must be one of >, >=, <, <= or None, not {op!r}")
    d = 1.0 if direction == "higher_better" else -1.0
    bound = op or (">=" if d > 0 else "<=")
    nan = math.nan
    result: dict[str, Any] = {
        "status": "insufficient_data",
        "csi": nan,
        "cagr_observed": nan,
        "cagr_required": nan,
        "ratio": nan,
        "expected": nan,
        "target_below_baseline": False,
        "note": "",
    }
    if not cumulative and not _is_missing(baseline):
        result["target_below_baseline"] = bool(d * (float(target) - _num(baseline)) < 0)
    if _is_missing(observed) or observed_year is None:
        result["note"] = "no observed value"
        return result
    t0, t, horizon = int(baseline_year), int(observed_year), int(target_year)
    if not t0 <= t <= horizon:
        raise ValueError(f"observed_year {t} must lie within {t0}–{horizon}")
    xt, goal = _num(observed), float(target)

    if cumulative:
        if t == t0:
            result["note"] = "the plan period has not started (t = t0)"
            return result
        expected = goal * (t - t0) / (horizon - t0)
        result["expected"] = expected
        result["csi"] = min(1.0, xt / goal) if goal else nan
        result["ratio"] = xt / expected if expected else nan
        if _meets(xt, goal, bound):
            result["status"] = "achieved"
        elif not math.isnan(result["ratio"]):
            result["status"] = _classify(result["ratio"])
        return result

    if _meets(xt, goal, bound):
        result["status"] = "achieved"
    if _is_missing(baseline):
        result["note"] = "no baseline value"
        return result
    x0 = _num(baseline)
    gap = abs(goal - x0)
    if gap > 0:
        result["csi"] = min(1.0, d * (xt - x0) / gap)
    if t == t0:
        result["note"] = result["note"] or "observed in the base year: no growth to measure yet"
        return result
    if x0 <= 0 or xt <= 0 or goal <= 0:
        result["note"] = "growth rates need positive values (zero or sign change)"
        return result
    cagr_obs = (xt / x0) ** (1 / (t - t0)) - 1
    cagr_req = (goal / x0) ** (1 / (horizon - t0)) - 1
    result["cagr_observed"], result["cagr_required"] = cagr_obs, cagr_req
    result["expected"] = x0 * (1 + cagr_req) ** (t - t0)
    if result["status"] == "achieved":
        result["ratio"] = d * cagr_obs / abs(cagr_req) if cagr_req else nan
        return result
    if cagr_req == 0:
        # The target asks to hold the baseline level, which is not met now (e.g. 95 against
        # ">95" with a 2020 value printed as ">95"): no required growth to divide by. Moving away
        # is deterioration; standing still is no progress (R = 0, limited progress).
        result["status"] = "deterioration" if d * (xt - x0) < 0 else "limited_progress"
        if d * (xt - x0) == 0:
            result["ratio"] = 0.0
        result["note"] = "target equals the baseline and is not met"
        return result
    result["ratio"] = d * cagr_obs / abs(cagr_req)
    result["status"] = _classify(result["ratio"])
    return result


#: Suffix of indicator ids holding running totals since the start of the plan period
#: (e.g. ``old_residential_renovation_to_date`` = estates renovated 2021..year).
TO_DATE_SUFFIX = "_to_date"

#: Chinese wording of every note :func:`assess` and :func:`progress_table` write.
_NOTE_PATTERNS = [
    (r"no observed value after (\d+)", "{0}年以后暂无观测值"),
    (r"no observed value", "暂无观测值"),
    (r"qualitative target (.+): not scored", "定性目标“{0}”，不作数值评估"),
    (
        r"relative target: no Anhui value for the observed year",
        "相对目标：缺少观测年份的全省平均值",
    ),
    (
        r"relative target: no Huainan value to compare with the Anhui average",
        "相对目标：暂无本市观测值可与全省平均值比较",
    ),
    (
        r"reference: Anhui (\d+) = (.+), assumed unchanged to the target year",
        "参照值：安徽省{0}年为 {1}（假定至目标年不变）",
    ),
    (r"annual values missing for \[(.+)\]: no running total", "缺少 {0} 年的年度值，无法累计"),
    (r"running total = sum of annual values (\d+)–(\d+)", "累计值为 {0}—{1} 年年度值之和"),
    (r"published running total (\d+)–(\d+)", "观测值为公布的 {0}—{1} 年累计数"),
    (r"target is below the 2020 baseline \(plan text\)", "规划目标低于2020年基期值（原文如此）"),
    (r"no baseline value", "无基期值，无法计算增速"),
    (r"the plan period has not started \(t = t0\)", "规划期尚未开始"),
    (r"observed in the base year: no growth to measure yet", "仅有基期年数值，尚无增速可算"),
    (r"growth rates need positive values \(zero or sign change\)", "数值为零或变号，无法计算增速"),
    (r"target equals the baseline and is not met", "目标值等于基期值，当前未达到"),
]


def note_zh(note: str) -> str:
    """Translate a ``; ``-separated note of :func:`progress_table` into Chinese.

    Parts that match none of the known forms are kept as they are (never dropped).

    Examples
    --------
    >>> note_zh("no observed value after 2020; target is below the 2020 baseline (plan text)")
    '2020年以后暂无观测值；规划目标低于2020年基期值（原文如此）'
    >>> note_zh("annual values missing for [2022]: no running total")
    '缺少 2022 年的年度值，无法累计'
    """
    import re

    out = []
    for part in str(note).split("; ") if note else []:
        for pattern, zh in _NOTE_PATTERNS:
            m = re.fullmatch(pattern, part)
            if m:
                out.append(zh.format(*m.groups()))
                break
        else:
            out.append(part)
    return "；".join(out)


_TABLE_COLUMNS = [
    "indicator_id",
    "domain",
    "domain_zh",
    "name_zh",
    "unit",
    "attribute",
    "direction",
    "baseline_year",
    "baseline",
    "target_year",
    "target_text",
    "target_op",
    "target_value",
    "target_kind",
    "cumulative",
    "observed_year",
    "observed",
    "observed_source",
    "observed_source_ref",
    "reference_value",
    "status",
    "status_zh",
    "csi",
    "cagr_observed",
    "cagr_required",
    "ratio",
    "expected",
    "target_below_baseline",
    "note",
]


def _cumulative_to_date(obs, ind_id, region, year, t0):
    """Running total of a five-year target over t0+1..year: a *_to_date row or the annual sum."""
    from huainan.evidence.observed import latest

    row = latest(obs, ind_id + TO_DATE_SUFFIX, region, year=year, after=t0)
    if row is not None:
        return (
            float(row["value"]),
            int(row["year"]),
            row,
            f"published running total {t0 + 1}–{int(row['year'])}",
        )
    annual = obs[
        (obs["indicator"] == ind_id)
        & (obs["region_code"] == region)
        & (obs["area"] == "total")
        & obs["year"].between(t0 + 1, year)
        & obs["value"].notna()
    ]
    if annual.empty:
        return None, None, None, "no observed value"
    years = sorted(set(annual["year"]))
    last = years[-1]
    missing = [y for y in range(t0 + 1, last + 1) if y not in years]
    if missing:
        return None, None, None, f"annual values missing for {missing}: no running total"
    by_year = annual.sort_values("year").drop_duplicates("year", keep="last")
    return (
        float(by_year["value"].sum()),
        last,
        by_year.iloc[-1],
        f"running total = sum of annual values {t0 + 1}–{last}",
    )


def progress_table(
    year: int, *, region_code: str = "340400", observations: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Progress of every 专栏2 indicator towards its 2025 target, as of ``year``.

    Parameters
    ----------
    year : int
        Evaluation year: the latest observation up to this year is used (2023 = mid-term, 2025 =
        final evaluation).
    region_code : str, default ``"340400"`` (淮南市)
        Whose values to assess (the plan's targets are city-wide).
    observations : pandas.DataFrame, optional
        Long table (``region_code, year, area, indicator, unit, value, source, source_ref``,
        optionally ``origin``); default :func:`huainan.evidence.observed.all_observations` (published
        statistics + monitoring returns). Indicator ids are the plan's ``indicator_id``; for
        five-year totals either annual values (summed, every year needed) or a running total under
        ``<indicator_id>_to_date``. Relative targets look up the Anhui (``340000``) value of the
        same indicator and year.

    Returns
    -------
    pandas.DataFrame
        One row per indicator (plan order) with the plan columns (``indicator_id``, ``domain``,
        ``domain_zh``, ``name_zh``, ``unit``, ``attribute``, ``direction``, ``baseline_year``,
        ``baseline``, ``target_year``, ``target_text``, ``target_op``, ``target_value``,
        ``target_kind``, ``cumulative``), the observation used (``observed_year`` Int64,
        ``observed`` float64, ``observed_source``, ``observed_source_ref``), ``reference_value``
        (Anhui average for relative targets, float64), the :func:`assess` measures (``csi``,
        ``cagr_observed``, ``cagr_required``, ``ratio``, ``expected`` float64),
        ``target_below_baseline`` (bool), ``status`` — one of :data:`PROGRESS_CLASSES` or
        ``qualitative`` (应保尽保-type targets, not scored) or ``needs_reference`` (a relative target
        without an Anhui value) — ``status_zh``, ``note`` (plain words on what is missing) and
        ``note_zh`` (the same in Chinese, :func:`note_zh`).

    Raises
    ------
    DataValidationError
        If a data store fails validation on load.
    """
    from huainan.evidence.observed import all_observations, latest

    obs = all_observations() if observations is None else observations
    if "origin" not in obs:
        obs = obs.assign(origin="stats")
    rows = []
    for ind in plan.indicators().itertuples(index=False):
        rec = {c: getattr(ind, c) for c in _TABLE_COLUMNS[:15]}
        rec.update(
            observed_year=pd.NA,
            observed=math.nan,
            observed_source=pd.NA,
            observed_source_ref=pd.NA,
            reference_value=math.nan,
            csi=math.nan,
            cagr_observed=math.nan,
            cagr_required=math.nan,
            ratio=math.nan,
            expected=math.nan,
            target_below_baseline=bool(ind.target_below_baseline),
            note="",
        )
        t0, horizon = int(ind.baseline_year), int(ind.target_year)
        op = None if pd.isna(ind.target_op) else ind.target_op
        notes = []
        if ind.cumulative:
            value, obs_year, row, how = _cumulative_to_date(
                obs, ind.indicator_id, region_code, min(year, horizon), t0
            )
            notes.append(how)
        else:
            row = latest(obs, ind.indicator_id, region_code, year=min(year, horizon), after=t0)
            value, obs_year = (
                (None, None) if row is None else (float(row["value"]), int(row["year"]))
            )
            if row is None:
                notes.append(f"no observed value after {t0}")
        if row is not None:
            rec.update(
                observed_year=obs_year,
                observed=value,
                observed_source=row["source"],
                observed_source_ref=row["source_ref"],
            )
        if ind.target_kind == "qualitative":
            rec["status"] = "qualitative"
            notes.append(f"qualitative target {ind.target_text}: not scored")
        elif ind.target_kind == "relative":
            ref = (
                None
                if obs_year is None
                else latest(obs, ind.indicator_id, "340000", year=obs_year, after=obs_year - 1)
            )
            if obs_year is None:
                rec["status"] = "insufficient_data"
                notes.append("relative target: no Huainan value to compare with the Anhui average")
            elif ref is None:
                rec["status"] = "needs_reference"
                notes.append("relative target: no Anhui value for the observed year")
            else:
                rec["reference_value"] = float(ref["value"])
                res = assess(
                    baseline=ind.baseline,
                    baseline_year=t0,
                    observed=value,
                    observed_year=obs_year,
                    target=float(ref["value"]),
                    target_year=horizon,
                    direction=ind.direction,
                    op=op,
                )
                rec.update(
                    {
                        k: res[k]
                        for k in (
                            "csi",
                            "cagr_observed",
                            "cagr_required",
                            "ratio",
                            "expected",
                            "status",
                        )
                    }
                )
                notes.append(
                    f"reference: Anhui {obs_year} = {float(ref['value']):g}, assumed "
                    "unchanged to the target year"
                )
        else:
            res = assess(
                baseline=ind.baseline,
                baseline_year=t0,
                observed=value,
                observed_year=obs_year,
                target=float(ind.target_value),
                target_year=horizon,
                direction=ind.direction,
                op=op,
                cumulative=bool(ind.cumulative),
            )
            rec.update(
                {
                    k: res[k]
                    for k in (
                        "csi",
                        "cagr_observed",
                        "cagr_required",
                        "ratio",
                        "expected",
                        "status",
                    )
                }
            )
            if res["note"] and row is not None:
                notes.append(res["note"])
        if ind.target_below_baseline:
            notes.append("target is below the 2020 baseline (plan text)")
        rec["note"] = "; ".join(n for n in notes if n)
        rows.append(rec)
    out = pd.DataFrame(rows, columns=_TABLE_COLUMNS)
    out["status_zh"] = out["status"].map(PROGRESS_ZH)
    out["note_zh"] = out["note"].map(note_zh)
    out["observed_year"] = out["observed_year"].astype("Int64")
    for col in (
        "observed",
        "reference_value",
        "csi",
        "cagr_observed",
        "cagr_required",
        "ratio",
        "expected",
    ):
        out[col] = out[col].astype("float64")
    return out


EVALUATION_YEARS = {"midterm": 2023, "final": 2025}


def evaluation_table(stage: str, *, observations: pd.DataFrame | None = None) -> pd.DataFrame:
    """The plan's mid-term (2023) or final (2025) evaluation: :func:`progress_table` for that year,
    binding (约束性) indicators first, then by domain in plan order.

    Parameters
    ----------
    stage : {"midterm", "final"}
    observations : pandas.DataFrame, optional
        As in :func:`progress_table`.

    Returns
    -------
    pandas.DataFrame
        Same columns as :func:`progress_table` plus ``stage`` and ``evaluation_year``.

    Raises
    ------
    ValueError
        If ``stage`` is not ``midterm`` or ``final``.
    """
    if stage not in EVALUATION_YEARS:
        raise ValueError(f"stage must be one of {sorted(EVALUATION_YEARS)}, not {stage!r}")
    year = EVALUATION_YEARS[stage]
    table = progress_table(year, observations=observations)
    table["_binding"] = (table["attribute"] != "binding").astype(int)
    table["_pos"] = range(len(table))
    table = table.sort_values(["_binding", "_pos"]).drop(columns=["_binding", "_pos"])
    table.insert(0, "evaluation_year", year)
    table.insert(0, "stage", stage)
    return table.reset_index(drop=True)
