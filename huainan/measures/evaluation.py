"""The evaluation table: one row per 专栏2 indicator, the value used, its source and the verdict.

This is the one table that briefs, apps, documents and the ``huainan evaluate`` command read: a
verdict is computed here and nowhere else. Stages (``huainan/measures/METHODS.md`` gives the rules
with their sources):

- ``final`` (终期评估; the evaluation year has reached the target year 2025): ``verdict`` is
  ``met`` / ``not_met`` / ``no_data`` (完成 / 未完成 / 数据暂缺) for the target year's value,
  with the gap in the indicator's own unit (:func:`huainan.measures.progress.final_verdict`);
- ``midterm`` (中期评估, 2023) and ``annual`` (年度监测): the progress ratio R against the required
  path (:func:`huainan.measures.progress.assess`), labelled 提前实现 / 快于预期 / 基本符合预期 /
  滞后于预期 / 数据暂缺 (:func:`huainan.measures.progress.progress_verdict`); the Open SDG class
  stays beside it (``progress_class``).

Which observed value is used is decided by :mod:`huainan.evidence.observed` (officials' returns >
official publications > third-party reposts; five-year totals from annual values and running
totals).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from huainan import plan
from huainan.atomic import write_bytes
from huainan.evidence import monitoring
from huainan.evidence import observed as ev
from huainan.formats import number
from huainan.measures import progress
from huainan.plan import domains, regions
from huainan.plan.targets import Target, parse_target
from huainan.text import formula_safe_frame

STAGES = ("final", "midterm", "annual")
STAGE_ZH = {"final": "终期评估", "midterm": "中期评估", "annual": "年度监测"}
#: The plan's evaluation years (the plan asks for a mid-term and a final evaluation).
EVALUATION_YEARS = {"midterm": 2023, "final": 2025}
#: First and last year of the plan period.
PLAN_START, PLAN_END = 2021, 2025

ATTRIBUTE_ZH = plan.ATTRIBUTE_ZH

#: The columns of :func:`evaluate`, in order (the first 13 are the CLI's contract).
COLUMNS = (
    "indicator_id",
    "name_zh",
    "attribute",
    "unit",
    "target_text",
    "value",
    "value_year",
    "verdict",
    "gap",
    "source_title",
    "source_url",
    "source_quality",
    "note",
    # then, for briefs, apps and researchers
    "verdict_zh",
    "gap_text",
    "attribute_zh",
    "domain",
    "domain_zh",
    "direction",
    "baseline",
    "baseline_text",
    "baseline_year",
    "target_year",
    "target_kind",
    "target_op",
    "target_value",
    "cumulative",
    "target_below_baseline",
    "stage",
    "stage_zh",
    "evaluation_year",
    "year_from",
    "year_to",
    "reference_value",
    "reference_year",
    "progress_class",
    "progress_class_zh",
    "csi",
    "ratio",
    "cagr_observed",
    "cagr_required",
    "expected",
    "source_ref",
    "source_quality_zh",
    "third_party",
    "revised",
    "note_en",
)

#: The CLI's columns (``huainan evaluate --out``).
CSV_COLUMNS = COLUMNS[:13]


def stage_for(year: int) -> str:
    """The stage an evaluation year calls for: ``final`` from the target year 2025 on,
    ``midterm`` in 2023, ``annual`` otherwise.

    Examples
    --------
    >>> stage_for(2026), stage_for(2025), stage_for(2023), stage_for(2022)
    ('final', 'final', 'midterm', 'annual')
    """
    if year >= PLAN_END:
        return "final"
    return "midterm" if year == EVALUATION_YEARS["midterm"] else "annual"


def binding_first(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of a table of plan indicators with binding (约束性) indicators first, otherwise in
    the order given (the plan's order). The one ordering every screen and document uses.

    Examples
    --------
    >>> t = pd.DataFrame({"indicator_id": ["a", "b", "c"],
    ...                   "attribute": ["expected", "binding", "expected"]})
    >>> binding_first(t)["indicator_id"].tolist()
    ['b', 'a', 'c']
    """
    key = (table["attribute"] != "binding").astype(int)
    return table.iloc[key.argsort(kind="stable")].reset_index(drop=True)


@dataclass
class _Evidence:
    """The value used for one indicator and where it came from."""

    value: float = math.nan
    year_from: int | None = None
    year_to: int | None = None
    rows: pd.DataFrame | None = None
    quality: str | None = None
    notes: list[str] | None = None
    notes_en: list[str] | None = None
    missing: tuple[int, ...] = ()

    @property
    def years(self) -> str:
        """The years the value covers: ``2025``, ``2021—2025``, or for a five-year total with
        missing years only the years found (``2021—2022``, ``2021—2022、2024``)."""
        if self.year_to is None or not self.missing:
            return _span(self.year_from, self.year_to)
        start = self.year_from if self.year_from is not None else self.year_to
        covered = [y for y in range(start, self.year_to + 1) if y not in self.missing]
        runs: list[list[int]] = []
        for y in covered:
            if runs and y == runs[-1][-1] + 1:
                runs[-1].append(y)
            else:
                runs.append([y])
        return "、".join(_span(r[0], r[-1]) for r in runs)

    def add(self, zh: str, en: str) -> None:
        if self.notes is None or self.notes_en is None:
            self.notes, self.notes_en = [], []
        if zh:
            self.notes.append(zh)
        if en:
            self.notes_en.append(en)


def _span(year_from: int | None, year_to: int | None) -> str:
    if year_to is None:
        return ""
    if year_from is None or year_from == year_to:
        return str(int(year_to))
    return f"{int(year_from)}—{int(year_to)}"


def _is_url(ref: object) -> bool:
    return isinstance(ref, str) and ref.startswith(("http://", "https://"))


def _level_evidence(obs, ind, region, year_from, year_to) -> _Evidence:
    sel = ev.select(obs, ind.indicator_id, region, year_from=year_from, year_to=year_to)
    e = _Evidence()
    if sel.row is None:
        return e
    r = sel.row
    e.value, e.year_from, e.year_to = float(r["value"]), int(r["year"]), int(r["year"])
    e.rows, e.quality = r.to_frame().T.reset_index(drop=True), str(r["quality"])
    e.add(sel.disagreement_zh(number), "")
    return e


def _cumulative_evidence(obs, ind, region, end, *, final) -> tuple[_Evidence, ev.RunningTotal]:
    """The five-year total: for ``final`` the total 2021–``end`` (possibly incomplete: a lower
    bound); otherwise the latest complete running total up to ``end`` (none → no evidence, the
    partial sum only named in the note)."""
    whole = ev.running_total(obs, ind.indicator_id, region, start=PLAN_START, end=end)
    t = (
        whole
        if final
        else ev.latest_running_total(obs, ind.indicator_id, region, start=PLAN_START, end=end)
    )
    e = _Evidence()
    if t is None:
        if not whole.parts.empty:
            missing = "、".join(str(y) for y in whole.missing)
            e.add(
                f"缺{missing}年数据，无法累计；已知部分：{whole.describe_zh(number)}",
                f"annual values missing for {list(whole.missing)}: no running total",
            )
        return e, whole
    if t.parts.empty:
        return e, t
    e.value, e.year_from, e.year_to, e.missing = t.value, t.start, t.end, t.missing
    e.rows, e.quality = t.parts, t.quality
    e.add(
        f"五年累计值 = {t.describe_zh(number)}", f"5-year total built from {len(t.parts)} part(s)"
    )
    for alt in t.alternatives:
        e.add(alt, "another combination of sources gives a different total (not used)")
    return e, t


def _sources(e: _Evidence) -> dict:
    if e.rows is None or e.rows.empty:
        return dict(
            source_title="",
            source_url="",
            source_ref="",
            source_quality="",
            source_quality_zh="",
            third_party=False,
        )
    rows = e.rows.drop_duplicates(["source", "source_ref"])
    titles = "；".join(dict.fromkeys(str(s) for s in rows["source"]))
    refs = [str(r) for r in rows["source_ref"] if isinstance(r, str)]
    urls = "；".join(dict.fromkeys(r.split(";")[0].strip() for r in refs if _is_url(r)))
    others = "；".join(dict.fromkeys(r for r in refs if not _is_url(r)))
    quality = e.quality or ""
    return dict(
        source_title=titles,
        source_url=urls,
        source_ref=others,
        source_quality=quality,
        source_quality_zh=ev.QUALITY_ZH.get(quality, ""),
        third_party=bool((e.rows["quality"] == "third_party").any()),
    )


def _reference(obs, ind, year: int) -> tuple[float, int | None, pd.Series | None]:
    """Anhui's value of ``ind`` in exactly ``year`` (never another year)."""
    sel = ev.select(obs, ind.indicator_id, regions.PROVINCE_CODE, year_from=year, year_to=year)
    if sel.row is None:
        return math.nan, None, None
    return float(sel.row["value"]), year, sel.row


class _Evaluation:
    """The evaluation of one indicator, in named steps (:meth:`run` calls them in order)."""

    def __init__(
        self,
        ind,
        stage: str,
        year: int,
        obs: pd.DataFrame,
        region: str,
        flags: pd.DataFrame | None = None,
    ):
        self.ind, self.stage, self.year, self.obs, self.region = ind, stage, year, obs, region
        self.flags = flags
        self.target = parse_target(ind.target_text)
        self.final = stage == "final"
        self.t0, self.horizon = int(ind.baseline_year), int(ind.target_year)
        self.end = self.horizon if self.final else min(year, self.horizon)
        self.goal = float(ind.target_value) if self.target.kind == "numeric" else math.nan
        self.reference = math.nan
        self.total: ev.RunningTotal | None = None
        self.e = _Evidence()
        self.verdict, self.note_zh, self.note_en = "no_data", "", ""
        self.rec: dict = {
            "reference_value": math.nan,
            "reference_year": pd.NA,
            "progress_class": "insufficient_data",
            "csi": math.nan,
            "ratio": math.nan,
            "cagr_observed": math.nan,
            "cagr_required": math.nan,
            "expected": math.nan,
            "gap": math.nan,
            "gap_text": "",
        }

    def run(self) -> dict:
        self.gather()
        self.compare_with_anhui()
        if self.final:
            self.final_verdict()
        self.progress_measures()
        if not self.final:
            self.progress_verdict()
        self.plan_notes()
        return self.record()

    # -- steps
    def gather(self) -> None:
        """The value used: a five-year total, or the best value of the years in scope."""
        ind, obs, region = self.ind, self.obs, self.region
        if ind.cumulative:
            self.e, self.total = _cumulative_evidence(obs, ind, region, self.end, final=self.final)
            return
        first = self.horizon if self.final else self.t0 + 1
        self.e = _level_evidence(obs, ind, region, first, self.end)
        if self.final and self.e.rows is None:
            earlier = _level_evidence(obs, ind, region, self.t0 + 1, self.horizon - 1)
            if earlier.rows is not None:
                self.e.add(
                    f"仅有{earlier.year_to}年数值 {number(earlier.value)}"
                    f"（{ev.QUALITY_ZH[earlier.quality or '']}），缺{self.horizon}年数据，不作判断",
                    f"only a {earlier.year_to} value ({earlier.value:g}); no {self.horizon} value",
                )

    def compare_with_anhui(self) -> None:
        """Relative targets: Anhui's value of the same year becomes the goal (never another year)."""
        if self.target.kind != "relative" or self.e.year_to is None:
            return
        reference, ref_year, ref_row = _reference(self.obs, self.ind, int(self.e.year_to))
        if ref_row is None:
            self.e.add(
                f"缺少{self.e.year_to}年全省平均值，无法比较",
                f"no Anhui value for {self.e.year_to}",
            )
            return
        self.reference = self.goal = reference
        self.rec["reference_value"], self.rec["reference_year"] = reference, ref_year
        self.e.add(
            f"全省平均值：{ref_year}年 {number(reference)}（{ref_row['source']}，"
            f"{ev.QUALITY_ZH[str(ref_row['quality'])]}）",
            f"Anhui {ref_year} = {reference:g}",
        )

    def final_verdict(self) -> None:
        """完成 / 未完成 / 数据暂缺 (:func:`huainan.measures.progress.final_verdict`)."""
        ind, total = self.ind, self.total
        incomplete = bool(ind.cumulative and total is not None and total.missing)
        v = progress.final_verdict(
            math.nan if incomplete else self.e.value,
            self.target,
            ind.direction,
            unit=ind.unit,
            reference=self.reference,
            fmt=number,
        )
        self.verdict, self.note_zh, self.note_en = v.verdict, v.note_zh, v.note_en
        self.rec["gap"], self.rec["gap_text"] = v.gap, v.gap_zh
        if incomplete and total is not None and not total.parts.empty:
            self.verdict, self.note_zh, self.note_en = _partial_total(total, self.target, ind)
            if self.verdict == "met":
                self.rec["gap"] = total.value - self.goal
                self.rec["gap_text"] = (
                    f"已知部分即超出目标 {number(total.value - self.goal)} {ind.unit}"
                )
        elif self.e.rows is None and self.target.kind != "missing" and not ind.cumulative:
            self.note_zh, self.note_en = f"无{self.horizon}年数据", f"no {self.horizon} value"

    def progress_measures(self) -> None:
        """CSI, CAGRs, R and the Open SDG class (all stages: the researchers' view)."""
        e, ind, kind = self.e, self.ind, self.target.kind
        if e.rows is None:
            return
        if kind == "qualitative":
            self.rec["progress_class"] = "achieved" if e.value >= 100 else "limited_progress"
            return
        if kind not in ("numeric", "relative") or math.isnan(self.goal):
            return
        op = (
            self.target.op
            if kind == "relative"
            else (None if pd.isna(ind.target_op) else ind.target_op)
        )
        res = progress.assess(
            baseline=None if pd.isna(ind.baseline) else float(ind.baseline),
            baseline_year=self.t0,
            observed=e.value,
            observed_year=e.year_to,
            target=self.goal,
            target_year=self.horizon,
            direction=ind.direction,
            op=op,
            cumulative=bool(ind.cumulative),
        )
        for k in ("csi", "cagr_observed", "cagr_required", "ratio", "expected"):
            self.rec[k] = res[k]
        self.rec["progress_class"] = res["status"]
        if res["note"] and not self.final:
            self.note_en, self.note_zh = res["note"], _NOTE_ZH.get(res["note"], res["note"])

    def progress_verdict(self) -> None:
        """提前实现 / 快于预期 / 基本符合预期 / 滞后于预期 / 数据暂缺 and their notes."""
        e, rec = self.e, self.rec
        self.verdict = progress.progress_verdict(rec["progress_class"], rec["ratio"])
        if self.target.kind == "qualitative" and e.rows is not None:
            self.verdict = "achieved" if e.value >= 100 else "lagging"
            self.note_zh = (
                f"目标“{self.target.text}”即覆盖率100%，{e.year_to}年为 {number(e.value)}%"
            )
        if self.target.kind == "relative" and not math.isnan(self.reference):
            e.add(
                "以观测当年全省平均值为参照，假定至2025年不变（仅用于进度判断）",
                "reference assumed unchanged to 2025 (progress only)",
            )
        if rec["progress_class"] == "deterioration":
            self.note_zh = "；".join(
                x for x in (self.note_zh, "与目标方向相反变化（逆向变化）") if x
            )
        if e.rows is None:
            self.note_zh = self.note_zh or f"{self.t0}年以后暂无观测值"
            self.note_en = self.note_en or f"no observed value after {self.t0}"
        if self.ind.cumulative and e.rows is not None and not math.isnan(rec["expected"]):
            e.add(
                f"按线性进度{e.year_to}年应累计完成 {number(rec['expected'])}，进度比R = "
                f"{number(rec['ratio'], 3)}",
                "cumulative target: compared with the linear path",
            )

    def plan_notes(self) -> None:
        self.revised = False
        if self.e.rows is not None and self.flags is not None and not self.flags.empty:
            official = self.e.rows[self.e.rows["origin"] == "monitoring"]
            sentences = monitoring.revision_sentences(official, flags=self.flags)
            self.revised = bool(sentences)
            for text in sentences:
                self.e.add(text, "revised by a later return")
        if self.ind.target_below_baseline:
            self.e.add(
                "规划目标值低于2020年基期值（原文如此），按原文目标评估",
                "the plan's target is below its 2020 baseline (as printed); evaluated as printed",
            )

    def record(self) -> dict:
        ind, e = self.ind, self.e
        notes_zh = [n for n in [self.note_zh, *(e.notes or [])] if n]
        notes_en = [n for n in [self.note_en, *(e.notes_en or [])] if n]
        return {
            **self.rec,
            "indicator_id": ind.indicator_id,
            "name_zh": ind.name_zh,
            "attribute": ind.attribute,
            "attribute_zh": ATTRIBUTE_ZH[ind.attribute],
            "unit": ind.unit,
            "target_text": ind.target_text,
            "value": e.value,
            "value_year": e.years,
            "verdict": self.verdict,
            "verdict_zh": progress.VERDICT_ZH[self.verdict],
            "domain": ind.domain,
            "domain_zh": domains.get(ind.domain).zh,
            "direction": ind.direction,
            "baseline": ind.baseline,
            "baseline_text": ind.baseline_text,
            "baseline_year": self.t0,
            "target_year": self.horizon,
            "target_kind": ind.target_kind,
            "target_op": ind.target_op,
            "target_value": ind.target_value,
            "cumulative": bool(ind.cumulative),
            "target_below_baseline": bool(ind.target_below_baseline),
            "stage": self.stage,
            "stage_zh": STAGE_ZH[self.stage],
            "evaluation_year": self.year,
            "year_from": e.year_from,
            "year_to": e.year_to,
            "progress_class_zh": progress.PROGRESS_ZH.get(self.rec["progress_class"], ""),
            "note": "；".join(notes_zh),
            "revised": self.revised,
            "note_en": "; ".join(notes_en),
            **_sources(e),
        }


def _partial_total(total: ev.RunningTotal, target, ind) -> tuple[str, str, str]:
    """Final verdict of a five-year total with years missing: the known sum is a lower bound."""
    missing = "、".join(str(y) for y in total.missing)
    assert target.value is not None
    goal = float(target.value)
    op = target.bound(ind.direction) or ">="
    known = total.value
    if op in (">=", ">") and (known > goal or (op == ">=" and known >= goal)):
        return (
            "met",
            f"缺{missing}年数据，但已知部分合计 {number(known)} {ind.unit} 已达到五年累计目标"
            f" {target.text}",
            f"years {list(total.missing)} missing, but the known sum {known:g} already meets it",
        )
    if op in ("<=", "<") and (known > goal or (op == "<" and known >= goal)):
        return (
            "not_met",
            f"缺{missing}年数据，但已知部分合计 {number(known)} 已超过上限 {target.text}",
            f"years {list(total.missing)} missing, but the known sum {known:g} exceeds the bound",
        )
    return (
        "no_data",
        f"缺{missing}年数据；已知部分合计 {number(known)} {ind.unit}（为下限），不足以判断",
        f"years {list(total.missing)} missing; known sum {known:g} is a lower bound",
    )


#: Chinese wording of the notes :func:`huainan.measures.progress.assess` writes.
_NOTE_ZH = {
    "no observed value": "暂无观测值",
    "no baseline value": "无基期值，无法计算增速",
    "the plan period has not started (t = t0)": "规划期尚未开始",
    "observed in the base year: no growth to measure yet": "仅有基期年数值，尚无增速可算",
    "growth rates need positive values (zero or sign change)": "数值为零或变号，无法计算增速",
    "target equals the baseline and is not met": "目标值等于基期值，当前未达到",
}


def evaluate(
    year: int,
    *,
    stage: str | None = None,
    region_code: str = regions.CITY_CODE,
    observations: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The evaluation of every 专栏2 indicator as of ``year``.

    Parameters
    ----------
    year : int
        Evaluation year (2021 or later). ``final`` uses the target year's (2025) values whatever
        the year; other stages the best value up to ``min(year, 2025)``.
    stage : {"final", "midterm", "annual"}, optional
        Default :func:`stage_for` ``(year)``.
    region_code : str, default ``"340400"`` (淮南市)
        Whose values to evaluate (the plan's targets are city-wide).
    observations : pandas.DataFrame, optional
        Long table (:func:`huainan.evidence.observed.all_observations`, the default).

    Returns
    -------
    pandas.DataFrame
        One row per indicator, binding (约束性) first, then the plan's order; columns
        :data:`COLUMNS`: ``indicator_id``, ``name_zh``, ``attribute`` (binding/expected),
        ``unit``, ``target_text`` (as printed), ``value`` (float64, the value used; for a
        five-year total the total), ``value_year`` (str: ``2025`` or ``2021—2025``; a five-year total with missing years names only the years found, e.g. ``2021—2022``),
        ``verdict`` (final: met/not_met/no_data; else achieved/faster/as_expected/lagging/
        no_data), ``gap`` (float64, ``d·(value − target)`` in the unit: ≥ 0 met, < 0 short),
        ``source_title``, ``source_url`` (``；``-joined), ``source_quality``
        (official_return/official_publication/third_party or ""), ``note`` (Chinese: why, with
        the numbers; sources that disagree; plan quirks), then ``verdict_zh``, ``gap_text``,
        ``attribute_zh``, ``domain``, ``domain_zh``, ``direction``, ``baseline``,
        ``baseline_text``, ``baseline_year``, ``target_year``, ``target_kind``, ``target_op``, ``target_value``,
        ``cumulative`` (bool), ``target_below_baseline`` (bool), ``stage``, ``stage_zh``,
        ``evaluation_year``, ``year_from``/``year_to`` (Int64), ``reference_value`` (float64,
        Anhui's value for relative targets), ``reference_year`` (Int64), ``progress_class``
        (Open SDG), ``progress_class_zh``, ``csi``, ``ratio``, ``cagr_observed``,
        ``cagr_required``, ``expected`` (float64), ``source_ref`` (file/cell references),
        ``source_quality_zh``, ``third_party`` (bool: a part of the value comes from a
        third-party repost), ``revised`` (bool: an officials' value was revised — the note says
        from what), ``note_en``.

    Raises
    ------
    ValueError
        If ``stage`` is unknown, ``final`` is asked before the target year, or ``year`` is
        before the plan period.
    DataValidationError
        If a data store fails validation on load.
    """
    stage = stage_for(year) if stage is None else stage
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {', '.join(STAGES)}, not {stage!r}")
    if year < PLAN_START:
        raise ValueError(f"year {year} is before the plan period {PLAN_START}–{PLAN_END}")
    if stage == "final" and year < PLAN_END:
        raise ValueError(f"the final evaluation needs year ≥ {PLAN_END} (the target year)")
    obs = ev.all_observations() if observations is None else ev.with_quality(observations)
    flags = monitoring.revision_flags() if (obs["origin"] == "monitoring").any() else None
    rows = [
        _Evaluation(ind, stage, year, obs, region_code, flags).run()
        for ind in plan.indicators().itertuples()
    ]
    out = binding_first(pd.DataFrame(rows, columns=list(COLUMNS)))
    for col in ("value", "gap", "reference_value", "csi", "ratio", "cagr_observed"):
        out[col] = out[col].astype("float64")
    for col in ("cagr_required", "expected", "baseline", "target_value"):
        out[col] = out[col].astype("float64")
    for col in ("year_from", "year_to", "reference_year"):
        out[col] = out[col].astype("Int64")
    return out


def evidence_rows(
    row, observations: pd.DataFrame, *, region_code: str = regions.CITY_CODE
) -> pd.DataFrame:
    """The observation(s) behind the value of one row of :func:`evaluate` (for a source list).

    The same selection :func:`evaluate` made (the functions of :mod:`huainan.evidence.observed`):
    one row for a level, the running totals and annual values of a five-year total.

    Parameters
    ----------
    row : pandas.Series or namedtuple
        One row of :func:`evaluate`.
    observations : pandas.DataFrame
        The long table the evaluation was computed from.

    Returns
    -------
    pandas.DataFrame
        Rows of ``observations`` with ``quality``, oldest first; empty when nothing was used.
    """
    obs = ev.with_quality(observations)
    if pd.isna(row.value) or pd.isna(row.year_to):
        return obs.iloc[0:0]
    ind = plan.indicator(row.indicator_id)
    if bool(row.cumulative):
        t = ev.running_total(
            obs, row.indicator_id, region_code, start=int(row.year_from), end=int(row.year_to)
        )
        return t.parts.sort_values("year").reset_index(drop=True)
    sel = ev.select(
        obs, ind["indicator_id"], region_code, year_from=int(row.year_to), year_to=int(row.year_to)
    )
    return obs.iloc[0:0] if sel.row is None else sel.row.to_frame().T.reset_index(drop=True)


def write_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """Write the CLI's columns (:data:`CSV_COLUMNS`) of an evaluation table as UTF-8 CSV
    (no byte-order mark: the header starts with ``indicator_id``), atomically.

    Text cells that a spreadsheet would read as a formula (starting ``=``, ``+``, ``-``, ``@``)
    are prefixed with an apostrophe (:func:`huainan.text.formula_safe_frame`).
    """
    out = formula_safe_frame(table.loc[:, list(CSV_COLUMNS)])  # the one rule: huainan.text
    data = out.to_csv(index=False, lineterminator="\n").encode("utf-8")
    return write_bytes(path, data)


# ---------------------------------------------------------------------------------------------
# the dated quantitative targets of the key projects (专栏4–13 and the chapter text)
# ---------------------------------------------------------------------------------------------

PROJECT_COLUMNS = (
    "project_id",
    "metric_id",
    "domain",
    "domain_zh",
    "section",
    "metric_zh",
    "unit",
    "target_text",
    "target_year",
    "period",
    "value",
    "value_year",
    "verdict",
    "verdict_zh",
    "gap",
    "gap_text",
    "source_title",
    "source_url",
    "source_quality",
    "third_party",
    "note",
)


def _project_target(p) -> Target:
    op = None if pd.isna(p.target_op) else str(p.target_op)
    return Target(text=str(p.target_text), kind="numeric", op=op, value=float(p.target_value))


def _project_annual(obs, p, region, target) -> tuple[_Evidence, str, str]:
    """每年不少于 N: every year of the period must reach it."""
    start, end = int(p.period_start), int(p.target_year)
    years = range(start, end + 1)
    found = {y: ev.select(obs, p.metric_id, region, year_from=y, year_to=y).row for y in years}
    have = {y: r for y, r in found.items() if r is not None}
    e = _Evidence()
    if have:
        rows = pd.DataFrame(list(have.values())).sort_values("year")
        e.rows, e.value = rows.reset_index(drop=True), float(rows["value"].min())
        e.year_from, e.year_to = int(rows["year"].min()), int(rows["year"].max())
        ranks = [ev.QUALITY_RANK[str(q)] for q in rows["quality"]]
        e.quality = ev.QUALITIES[max(ranks)]
    goal = float(target.value or 0)
    short = [y for y, r in have.items() if float(r["value"]) < goal]
    missing = [y for y in years if y not in have]
    if short:
        return e, "not_met", f"{'、'.join(map(str, short))}年低于每年 {number(goal)} 的要求"
    if missing:
        return e, "no_data", f"缺{'、'.join(map(str, missing))}年数据"
    return e, "met", f"{start}—{end}年每年均达到 {number(goal)}"


#: Project targets that apply to each county-level unit rather than to the city as a whole
#: (``scope`` printed as 各县区 / 寿县、凤台县各).
_PER_UNIT_SCOPES = {"各县区": regions.UNIT_CODES, "寿县、凤台县各": ("340422", "340421")}


def _project_row(p, obs: pd.DataFrame, region: str) -> dict:
    units = _PER_UNIT_SCOPES.get(str(p.scope))
    if units is None:
        return _project_row_for(p, obs, region)
    parts = [_project_row_for(p, obs, code) for code in units]
    verdicts = [r["verdict"] for r in parts]
    verdict = "not_met" if "not_met" in verdicts else "no_data" if "no_data" in verdicts else "met"
    by_unit = "；".join(
        f"{regions.name(code)}：{progress.FINAL_ZH[r['verdict']]}"
        + (f"（{number(r['value'])}）" if not math.isnan(r["value"]) else "")
        for code, r in zip(units, parts, strict=True)
    )
    rec = dict(parts[0])
    rec.update(
        value=math.nan,
        value_year="",
        verdict=verdict,
        verdict_zh=progress.FINAL_ZH[verdict],
        gap=math.nan,
        gap_text="",
        note=f"按县区分别判断：{by_unit}",
        source_title="；".join(
            dict.fromkeys(r["source_title"] for r in parts if r["source_title"])
        ),
        source_url="；".join(dict.fromkeys(r["source_url"] for r in parts if r["source_url"])),
        third_party=any(r["third_party"] for r in parts),
    )
    return rec


def _project_row_for(p, obs: pd.DataFrame, region: str) -> dict:
    target = _project_target(p)
    rec: dict = {c: getattr(p, c) for c in PROJECT_COLUMNS[:10]}
    gap, gap_text, note = math.nan, "", ""
    if p.period == "standard":
        e, verdict = _Evidence(), "no_data"
        note = "配置标准（按小区或机构逐一执行），需主管部门提供达标情况，不作总量判断"
    elif p.period == "annual":
        e, verdict, note = _project_annual(obs, p, region, target)
    elif p.period == "cumulative":
        start = int(p.period_start) if pd.notna(p.period_start) else PLAN_START
        t = ev.running_total(obs, p.metric_id, region, start=start, end=int(p.target_year))
        e = _Evidence()
        if not t.parts.empty:
            e.value, e.year_from, e.year_to, e.missing = t.value, t.start, t.end, t.missing
            e.rows, e.quality = t.parts, t.quality
        if t.missing and not t.parts.empty:
            verdict, note, _ = _partial_total(t, target, p)
        else:
            v = progress.final_verdict(e.value, target, "higher_better", unit=p.unit, fmt=number)
            verdict, gap, gap_text, note = v.verdict, v.gap, v.gap_zh, v.note_zh
            if t.parts.empty:
                note = f"{_span(start, int(p.target_year))}年无数据"
    else:  # a level in the target year
        y = int(p.target_year)
        e = _level_evidence(obs, _MetricRow(p.metric_id), region, y, y)
        v = progress.final_verdict(e.value, target, "higher_better", unit=p.unit, fmt=number)
        verdict, gap, gap_text, note = v.verdict, v.gap, v.gap_zh, v.note_zh
        if e.rows is None:
            note = f"无{y}年数据"
    rec.update(
        value=e.value,
        value_year=e.years,
        verdict=verdict,
        verdict_zh=progress.FINAL_ZH[verdict],
        gap=gap,
        gap_text=gap_text,
        note=note,
        **{
            k: v
            for k, v in _sources(e).items()
            if k in ("source_title", "source_url", "source_quality", "third_party")
        },
    )
    return rec


@dataclass(frozen=True)
class _MetricRow:
    indicator_id: str


def evaluate_projects(
    *, region_code: str = regions.CITY_CODE, observations: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The final verdict of every dated quantitative target of the key projects.

    Each target is judged in its own target year (2022, 2023 or 2025), with the rules of
    :func:`evaluate`: a level on that year's value; a cumulative target on the total over its
    period (:func:`huainan.evidence.observed.running_total`; a partial total is a lower bound);
    "每年不少于 N" on every year of the period; per-population or per-household construction
    standards (``period`` = ``standard``) are not totals and are left to the departments.

    Parameters
    ----------
    region_code : str, default 淮南市
    observations : pandas.DataFrame, optional
        Long table (default :func:`huainan.evidence.observed.all_observations`).

    Returns
    -------
    pandas.DataFrame
        One row per project target (plan order), columns :data:`PROJECT_COLUMNS`: ids, domain,
        section (专栏), ``metric_zh``, ``unit``, ``target_text`` (quoting the plan),
        ``target_year``, ``period``; ``value`` (float64), ``value_year`` (str), ``verdict``
        (met/not_met/no_data), ``verdict_zh``, ``gap`` (float64), ``gap_text``, the source
        columns and ``note``.
    """
    obs = ev.all_observations() if observations is None else ev.with_quality(observations)
    rows = [_project_row(p, obs, region_code) for p in plan.projects().itertuples(index=False)]
    out = pd.DataFrame(rows, columns=list(PROJECT_COLUMNS))
    out["value"] = out["value"].astype("float64")
    out["gap"] = out["gap"].astype("float64")
    return out
