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
        return _assess_cumulative(result, xt, goal, t0, t, horizon, bound)
    return _assess_level(result, baseline, xt, goal, t0, t, horizon, bound, d)


def _assess_cumulative(result, xt, goal, t0, t, horizon, bound) -> dict:
    """A running total against the linear path ``X*·(t − t0)/(T − t0)`` (METHODS.md §2)."""
    if t == t0:
        result["note"] = "the plan period has not started (t = t0)"
        return result
    expected = goal * (t - t0) / (horizon - t0)
    result["expected"] = expected
    result["csi"] = min(1.0, xt / goal) if goal else math.nan
    result["ratio"] = xt / expected if expected else math.nan
    if _meets(xt, goal, bound):
        result["status"] = "achieved"
    elif not math.isnan(result["ratio"]):
        result["status"] = _classify(result["ratio"])
    return result


def _assess_level(result, baseline, xt, goal, t0, t, horizon, bound, d) -> dict:
    """A level: CSI, observed vs required CAGR and ``R`` (METHODS.md §2)."""
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
        result["ratio"] = d * cagr_obs / abs(cagr_req) if cagr_req else math.nan
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


# ---------------------------------------------------------------------------------------------
# verdicts: the words a plan evaluation uses
# ---------------------------------------------------------------------------------------------

#: Final-stage verdicts (终期评估: the target year has been reached).
FINAL_VERDICTS = ("met", "not_met", "no_data")
FINAL_ZH = {"met": "完成", "not_met": "未完成", "no_data": "数据暂缺"}
FINAL_EN = {"met": "met", "not_met": "not met", "no_data": "no data"}

#: Mid-term / annual verdicts, in the words of the national 十四五 mid-term evaluation (国家发展
#: 改革委《纲要》实施中期评估报告, 2023-12-26: "4项指标提前实现 … 5项指标快于预期 … 7项指标基本
#: 符合预期", the others "滞后"; reported by 新华社 and 财新,
#: https://finance.caixin.com/m/2023-12-28/102150686.html).
PROGRESS_VERDICTS = ("achieved", "faster", "as_expected", "lagging", "no_data")
PROGRESS_VERDICT_ZH = {
    "achieved": "提前实现",
    "faster": "快于预期",
    "as_expected": "基本符合预期",
    "lagging": "滞后于预期",
    "no_data": "数据暂缺",
}
PROGRESS_VERDICT_EN = {
    "achieved": "achieved early",
    "faster": "ahead of schedule",
    "as_expected": "broadly on schedule",
    "lagging": "behind schedule",
    "no_data": "no data",
}
#: Progress-ratio edges of the verdicts (the project's choice, documented in
#: ``huainan/measures/METHODS.md``): R ≥ 1.05 faster than the required path, 0.95 ≤ R < 1.05
#: broadly on it (Open SDG's "on track" edge 0.95), R < 0.95 behind it.
FASTER, AS_EXPECTED = 1.05, ON_TRACK

#: Every verdict key with its Chinese label (final and progress stages share ``no_data``).
VERDICT_ZH = {**PROGRESS_VERDICT_ZH, **FINAL_ZH}

#: Order of verdicts in tables and counts: best first, then what cannot be judged.
VERDICT_ORDER = ("met", "achieved", "faster", "as_expected", "lagging", "not_met", "no_data")


def progress_verdict(progress_class: str, ratio: float) -> str:
    """The mid-term / annual verdict of an Open SDG progress class and its progress ratio ``R``.

    ``achieved`` → 提前实现; otherwise R ≥ :data:`FASTER` → 快于预期, R ≥ :data:`AS_EXPECTED` →
    基本符合预期, any other R → 滞后于预期 (deterioration included: its note says so); no R and
    not achieved → 数据暂缺.

    Examples
    --------
    >>> [progress_verdict(c, r) for c, r in [("achieved", 0.8), ("on_track", 1.05),
    ...     ("on_track", 1.0499), ("on_track", 0.95), ("needs_acceleration", 0.9499),
    ...     ("deterioration", -0.2), ("insufficient_data", float("nan"))]]
    ['achieved', 'faster', 'as_expected', 'as_expected', 'lagging', 'lagging', 'no_data']
    """
    if progress_class == "achieved":
        return "achieved"
    if ratio is None or (isinstance(ratio, float) and math.isnan(ratio)):
        return "no_data"
    if ratio >= FASTER:
        return "faster"
    if ratio >= AS_EXPECTED:
        return "as_expected"
    return "lagging"


def unit_of_gap(unit: str) -> str:
    """The unit a difference is said in: percentage points for ``%`` (个百分点), else the unit.

    Examples
    --------
    >>> unit_of_gap("%"), unit_of_gap("个"), unit_of_gap("万张")
    ('个百分点', '个', '万张')
    """
    return "个百分点" if unit.strip() in ("%", "％") else unit


@dataclass(frozen=True)
class Verdict:
    """A final-stage verdict.

    Attributes
    ----------
    verdict : str
        One of :data:`FINAL_VERDICTS`.
    gap : float
        ``d·(value − target)`` in the indicator's unit (``d`` = +1 higher-is-better, −1
        lower-is-better): ≥ 0 when met (the margin beyond the bound), < 0 when not met (the
        shortfall); 0 for a value equal to a strict bound; NaN without data.
    gap_zh : str
        The gap in words: ``超出目标 3.5 个百分点`` / ``恰好达到目标`` / ``差 1.17 个``.
    note_zh, note_en : str
        Why, with the numbers (strict bounds and plan quirks said).
    """

    verdict: str
    gap: float
    gap_zh: str
    note_zh: str
    note_en: str


def final_verdict(
    value: float | None,
    target: Target,
    direction: str,
    *,
    unit: str,
    reference: float | None = None,
    fmt=None,
) -> Verdict:
    """Decide 完成 / 未完成 / 数据暂缺 for a target whose year has been reached.

    Parameters
    ----------
    value : float or None
        The value of the target year in the indicator's unit (for a five-year total, the total
        2021–2025). None/NaN → ``no_data``.
    target : Target
        The parsed target (:func:`huainan.plan.targets.parse_target`).
    direction : {"higher_better", "lower_better"}
    unit : str
        The indicator's unit (the gap is said in it; ``%`` as 个百分点).
    reference : float, optional
        For a relative target (高于/达到全省平均水平): Anhui's value of the same year. Without
        it the verdict is ``no_data`` (never an assumed or older reference).
    fmt : callable, optional
        Number format for the text (default :func:`huainan.formats.number`).

    Returns
    -------
    Verdict

    Notes
    -----
    - A plain number is "at least" for higher-is-better and "at most" for lower-is-better
      indicators (METHODS §1); ``≥``/``≤`` are met at equality; a strict bound (``>95``) needs a
      strictly better value: 95 against ``>95`` is ``not_met`` with gap 0, and the note says so.
    - 应保尽保-type full-coverage targets: ``met`` when the reported coverage is 100 (%),
      ``not_met`` below 100, ``no_data`` without a value.
    - Missing target value (a ``—`` cell): ``no_data``.

    Examples
    --------
    >>> from huainan.plan.targets import parse_target as p
    >>> v = final_verdict(51.89, p("≥55"), "higher_better", unit="%")
    >>> v.verdict, round(v.gap, 2), v.gap_zh
    ('not_met', -3.11, '差 3.11 个百分点')
    >>> final_verdict(95.0, p(">95"), "higher_better", unit="%").verdict
    'not_met'
    >>> final_verdict(99.0, p("99"), "higher_better", unit="%").gap_zh
    '恰好达到目标'
    >>> final_verdict(100.0, p("应保尽保"), "higher_better", unit="%").verdict
    'met'
    >>> final_verdict(93.0, p("高于全省平均水平"), "higher_better", unit="%").verdict
    'no_data'
    >>> final_verdict(93.0, p("高于全省平均水平"), "higher_better", unit="%", reference=92.0).gap_zh
    '超出目标 1 个百分点'
    """
    from huainan.formats import number

    show = fmt or number
    gap_unit = unit_of_gap(unit)
    nan = math.nan
    if direction not in ("higher_better", "lower_better"):
        raise ValueError(f"direction must be higher_better or lower_better, not {direction!r}")
    if target.kind == "missing":
        return Verdict("no_data", nan, "", "规划未给出目标值", "no target value in the plan")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        period = "2021—2025年无数据" if target.cumulative else "无目标年份数据"
        return Verdict("no_data", nan, "", period, "no value for the target year")
    value = float(value)
    if target.kind == "qualitative":
        # 应保尽保 / 应护尽护: full coverage of everyone eligible
        gap = value - 100.0
        if value >= 100.0:
            return Verdict(
                "met",
                gap,
                "恰好达到目标",
                f"目标“{target.text}”即覆盖率100%，实际 {show(value)}%",
                f"target {target.text!r} means 100 % coverage; actual {value:g} %",
            )
        return Verdict(
            "not_met",
            gap,
            f"差 {show(-gap)} 个百分点",
            f"目标“{target.text}”即覆盖率100%，实际 {show(value)}%",
            f"target {target.text!r} means 100 % coverage; actual {value:g} %",
        )
    if target.kind == "relative":
        if reference is None or (isinstance(reference, float) and math.isnan(reference)):
            return Verdict(
                "no_data",
                nan,
                "",
                f"相对目标“{target.text}”需要同年全省平均值，暂缺",
                f"relative target {target.text!r}: no Anhui value of the same year",
            )
        goal = float(reference)
        op = target.op or (">=" if direction == "higher_better" else "<=")
        what = f"同年全省平均值 {show(goal)}"
    else:
        assert target.value is not None  # numeric targets carry a value (parse_target)
        goal = float(target.value)
        op = target.bound(direction) or ">="
        what = f"目标值 {target.text}"
    d = 1.0 if direction == "higher_better" else -1.0
    gap = d * (value - goal)
    holds = {">": value > goal, ">=": value >= goal, "<": value < goal, "<=": value <= goal}[op]
    implied = (
        "" if target.op or target.kind == "relative" else (f"（未标注限定词，按{_OP_ZH[op]}理解）")
    )
    base_zh = f"实际 {show(value)}，{what}{implied}"
    base_en = f"actual {value:g} vs {op} {goal:g}"
    if holds:
        words = "恰好达到目标" if gap == 0 else f"超出目标 {show(gap)} {gap_unit}"
        return Verdict("met", gap, words, base_zh, base_en)
    if gap == 0:  # equal to a strict bound
        return Verdict(
            "not_met",
            0.0,
            f"恰等于界限值，未达到“{_OP_ZH[op]}”的要求",
            base_zh + f"；目标为严格界限（{_OP_ZH[op]} {show(goal)}），恰等于界限值按未完成计",
            base_en + "; equals a strict bound, so not met",
        )
    return Verdict("not_met", gap, f"差 {show(-gap)} {gap_unit}", base_zh, base_en)
