"""Attainment of targets and progress towards them.

- :func:`attainment` / :func:`assess_13th`: was a target met? (十三五 review, 专栏1; and any observed
  value against a target cell). Direction-aware, cumulative-aware; a strict inequality met only with
  equality is ``borderline`` (``METHODS.md`` §1).

Sources: ``../shared/METHODS.md`` §1 (reading targets, borderline rule); the plan's note
"[]内数据为五年累计数" for five-year totals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from huainan import plan
from huainan.targets import Target, parse_target

ATTAINMENT_CLASSES = ("met", "not_met", "borderline", "qualitative", "no_data")

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


def attainment(actual: float | None, target: Target, direction: str, *,
               actual_cumulative: bool | None = None) -> Attainment:
    """Decide whether ``actual`` meets ``target``.

    Parameters
    ----------
    actual : float or None
        Observed value in the indicator's unit (NaN/None = no data). For a cumulative target it
        must be the total over the same period.
    target : Target
        Parsed target cell (:func:`huainan.targets.parse_target`).
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
    if actual_cumulative is not None and target.kind == "numeric" \
            and bool(actual_cumulative) != target.cumulative:
        raise ValueError("cannot compare a five-year total with a single-year value "
                         f"(target {target.text!r})")
    if target.kind == "qualitative":
        return Attainment("qualitative", f"定性目标“{target.text}”，不作数值比较",
                          f"qualitative target {target.text!r}: not scored numerically")
    if target.kind == "missing":
        return Attainment("no_data", "目标值缺失", "no target value published")
    if target.kind == "relative":
        return Attainment("no_data", f"相对目标“{target.text}”，需全省平均值才能判断",
                          f"relative target {target.text!r}: needs the Anhui average")
    if actual is None or (isinstance(actual, float) and math.isnan(actual)):
        return Attainment("no_data", "无实绩数据", "no observed value")

    value = float(target.value)
    actual = float(actual)
    op = target.bound(direction)
    sign = 1.0 if direction == "higher_better" else -1.0
    margin = sign * (actual - value)
    scope = "五年累计" if target.cumulative else ""
    implied = "" if target.op else "（未标注限定词，按" + _OP_ZH[op] + "理解）"
    implied_en = "" if target.op else f" (plain number read as {op})"
    holds = {">": actual > value, ">=": actual >= value,
             "<": actual < value, "<=": actual <= value}[op]
    text = f"{scope}实绩 {_fmt(actual)}，目标{_OP_ZH[op]} {_fmt(value)}{implied}"
    text_en = f"{'5-year total ' if scope else ''}actual {_fmt(actual)} vs target {op} " \
              f"{_fmt(value)}{implied_en}"
    if holds:
        return Attainment("met", text + "：已完成", text_en + ": met", margin)
    if op in (">", "<") and actual == value:
        return Attainment("borderline", text + "：恰等于严格界限，按未完成计",
                          text_en + ": equals a strict bound, so not met", margin)
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
        attainment(row.actual_value, parse_target(row.target_text), row.direction,
                   actual_cumulative=parse_target(row.actual_text).cumulative)
        for row in df.itertuples(index=False)
    ]
    df["attainment"] = [r.status for r in results]
    df["attainment_zh"] = df["attainment"].map(ATTAINMENT_ZH)
    df["reason"] = [r.reason for r in results]
    df["reason_en"] = [r.reason_en for r in results]
    df["margin"] = pd.Series([r.margin for r in results], index=df.index, dtype="float64")
    return df
