r"""Regional gaps on the plan's own indicators over the plan period, from reported county values.

The plan asks for narrower gaps between districts and counties (均等化). This module measures them
on the 专栏2 indicators themselves, as officials report them for the seven county-level units
(monitoring returns) — not on census demographics, which only describe the setting:

- :func:`county_panel` — the value that counts for each indicator, unit and year (the precedence
  rule of :mod:`huainan.evidence.observed`: officials' returns > official publications >
  third-party reposts), nothing filled;
- :func:`spread_by_year` — per indicator and year: lowest and highest unit by name, max/min ratio,
  CV (unweighted, population sd, ddof = 0), Theil T with its district/county split
  (:func:`huainan.measures.disparity.disparity`, METHODS.md §3);
- :func:`regional_gaps` — per indicator the change of the spread from the first to the last year
  with values (2021→2025 where reported) as 缩小 / 扩大 / 基本持平 (:func:`change_class`, band
  :data:`STABLE_BAND`), the units below the plan's 2025 target, and the findings in plain words
  (one Chinese sentence each) before any index;
- σ-convergence of any long table (the CV across units, year by year) is
  :func:`huainan.measures.convergence.sigma_convergence`.

Which indicators are compared how (:data:`COUNTY_BASIS`): rates, shares, years and per-capita
levels as reported; the stock 养老服务床位总量 per 1,000 residents aged 60+ (a county's total
beds reflect its size, not its provision); the five-year totals (城镇老旧小区改造, 补贴性职业技能
培训人数) are city-wide project counts whose yearly county amounts say nothing about equal
provision, so they are left out and named (:data:`NOT_COMPARED`).

Sources: METHODS.md §3 (indices) and §4 (σ-convergence: Barro & Sala-i-Martin 1992, "Convergence",
*Journal of Political Economy* 100(2)); the targets: 专栏2 of the plan, read by
:func:`huainan.plan.targets.parse_target` and judged by :func:`huainan.measures.progress.final_verdict`
(the one rule for "below target").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from huainan import plan
from huainan.formats import decimals_for, fixed, number
from huainan.measures.disparity import disparity, disparity_table
from huainan.plan import regions

#: A change of the spread (CV across units, or the urban-rural gap :math:`|\ln r|`) smaller than
#: this fraction of its starting value is 基本持平 (stable); a fall of at least this much is 缩小
#: (narrowed), a rise 扩大 (widened). With seven units and values reported to one decimal, the
#: rounding or revision of one county's value moves a CV of 0.2 by about 3 % of itself
#: (0.05 / (3·√7) ≈ 0.006 for a mean of 3), so smaller changes are not read as a trend.
STABLE_BAND = 0.05

#: Words of :func:`change_class`.
CHANGE_ZH = {"narrowed": "缩小", "widened": "扩大", "stable": "基本持平"}

#: Indicators compared per capita across units: id → (denominator, per, unit shown, label).
COUNTY_BASIS: dict[str, tuple[str, float, str, str]] = {
    "elderly_care_beds_total": (
        "pop_age_60plus",
        1000.0,
        "张",
        "每千名60岁及以上老人养老服务床位数",
    ),
}

#: Indicators not compared across units, with the reason (Chinese, for briefs).
NOT_COMPARED: dict[str, str] = {
    "old_residential_renovation": "五年累计的全市工程量，各县区年度完成量不反映服务均等程度",
    "subsidised_vocational_training": "五年累计的全市培训人次，各县区年度完成量不反映服务均等程度",
}

_PANEL_COLUMNS = [
    "indicator_id",
    "indicator_zh",
    "unit",
    "region_code",
    "name_zh",
    "group",
    "year",
    "value",
    "reported",
    "reported_unit",
    "source",
    "quality",
]


def change_class(before: float, after: float, *, band: float = STABLE_BAND) -> str | None:
    r"""缩小 / 扩大 / 基本持平 of a gap measure between two years.

    Parameters
    ----------
    before, after : float
        The gap measure (a CV, or :math:`|\ln(\text{urban}/\text{rural})|`) in the first and the
        last year; ≥ 0.
    band : float
        Relative band of "stable" (:data:`STABLE_BAND`).

    Returns
    -------
    str or None
        ``narrowed`` when :math:`(after - before)/before \le -band`, ``widened`` when it is
        :math:`\ge band`, ``stable`` in between; from a starting gap of 0: ``stable`` if it stays 0,
        else ``widened``. None when either value is missing.

    Examples
    --------
    >>> change_class(0.20, 0.19), change_class(0.20, 0.1901), change_class(0.20, 0.21)
    ('narrowed', 'stable', 'widened')
    >>> change_class(0.0, 0.0), change_class(0.0, 0.01), change_class(float("nan"), 0.1)
    ('stable', 'widened', None)
    """
    if before is None or after is None or math.isnan(before) or math.isnan(after):
        return None
    if before == 0:
        return "stable" if after == 0 else "widened"
    rel = (after - before) / before
    # rounded to 12 places so that 0.19/0.20 − 1 = −0.05 is exactly on the band
    rel = round(rel, 12)
    if rel <= -band:
        return "narrowed"
    if rel >= band:
        return "widened"
    return "stable"


def _indicator_rows(indicators: Sequence[str] | None) -> pd.DataFrame:
    table = plan.indicators().set_index("indicator_id", drop=False)
    if indicators is None:
        return table
    unknown = [i for i in indicators if i not in table.index]
    if unknown:
        raise KeyError(f"not 专栏2 indicators: {unknown}")
    return table.loc[list(indicators)]


def county_panel(
    observations: pd.DataFrame | None = None,
    *,
    year_from: int = 2021,
    year_to: int = 2025,
    indicators: Sequence[str] | None = None,
    codes: Sequence[str] = regions.UNIT_CODES,
    area: str = "total",
    denominators: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The value that counts for each 专栏2 indicator, unit and year with a report.

    Parameters
    ----------
    observations : pandas.DataFrame, optional
        Long table (default :func:`huainan.evidence.observed.all_observations`).
    year_from, year_to : int
        Years wanted (the plan period 2021–2025 by default).
    indicators : sequence of str, optional
        专栏2 ids (default all but :data:`NOT_COMPARED`).
    codes : sequence of str
        Units (default the seven).
    area : {"total", "urban", "rural"}
    denominators : pandas.DataFrame, optional
        :func:`huainan.measures.shortfall.denominators_wide` for the per-capita basis of
        :data:`COUNTY_BASIS` (default: the latest population that counts up to ``year_to``).

    Returns
    -------
    pandas.DataFrame
        One row per indicator × unit × year with a value: ``indicator_id``, ``indicator_zh``,
        ``unit`` (the unit compared: the indicator's, or per 1,000 for :data:`COUNTY_BASIS`),
        ``region_code``, ``name_zh``, ``group`` (district/county), ``year`` (int64), ``value``
        (float64, compared), ``reported`` (float64, as reported), ``reported_unit``, ``source``,
        ``quality``. Years and units without a value have no row (never filled).
    """
    from huainan.evidence.observed import all_observations, select, with_quality

    obs = all_observations() if observations is None else observations
    wanted = _indicator_rows(indicators)
    if indicators is None:
        wanted = wanted[~wanted["indicator_id"].isin(list(NOT_COMPARED))]
    sel = obs[
        obs["indicator"].isin(list(wanted["indicator_id"]))
        & obs["region_code"].isin(list(codes))
        & (obs["area"] == area)
        & obs["year"].between(year_from, year_to)
        & obs["value"].notna()
    ]
    sel = with_quality(sel)
    names = regions.regions().set_index("code")["name_zh"]
    group = regions.groups()
    rows = []
    for (ind_id, code, year), part in sel.groupby(["indicator", "region_code", "year"]):
        # one candidate is the value that counts; several go through the precedence rule
        if len(part) == 1:
            r = part.iloc[0]
        else:
            y = int(year)
            r = select(part, str(ind_id), str(code), year_from=y, year_to=y, area=area).row
        assert r is not None  # part holds values
        rows.append(
            {
                "indicator_id": ind_id,
                "region_code": str(code),
                "name_zh": names.get(str(code), pd.NA),
                "group": group.get(str(code), pd.NA),
                "year": int(year),
                "reported": float(r["value"]),
                "reported_unit": str(r.get("unit", "")),
                "source": str(r["source"]),
                "quality": str(r["quality"]),
            }
        )
    out = pd.DataFrame(rows, columns=[c for c in _PANEL_COLUMNS if c not in ("indicator_zh",)])
    info = wanted.set_index("indicator_id")
    out["indicator_zh"] = out["indicator_id"].map(info["name_zh"])
    out["unit"] = out["indicator_id"].map(info["unit"])
    out["value"] = out["reported"].astype("float64")
    if out["indicator_id"].isin(list(COUNTY_BASIS)).any():
        out = _per_capita(out, obs, codes, year_to, denominators)
    out = out.astype({"year": "int64", "value": "float64", "reported": "float64"})
    order = {c: i for i, c in enumerate(codes)}
    ind_order = {c: i for i, c in enumerate(wanted["indicator_id"])}
    out = out.sort_values(
        ["indicator_id", "year", "region_code"],
        key=lambda s: (
            s.map(ind_order)
            if s.name == "indicator_id"
            else (s.map(order) if s.name == "region_code" else s)
        ),
        kind="stable",
    )
    return out[_PANEL_COLUMNS].reset_index(drop=True)


def _per_capita(out, obs, codes, year, denominators) -> pd.DataFrame:
    """Values of :data:`COUNTY_BASIS` indicators per ``per`` of their denominator."""
    from huainan.intake.units import convert

    if denominators is None:
        denominators = _denominators(obs, year, codes)
    den = denominators.set_index("region_code")
    out = out.copy()
    for ind_id, (key, per, unit, label) in COUNTY_BASIS.items():
        m = out["indicator_id"] == ind_id
        if not m.any():
            continue
        counts = [
            convert(v, u, unit)
            for v, u in zip(out.loc[m, "reported"], out.loc[m, "reported_unit"], strict=True)
        ]
        d = out.loc[m, "region_code"].map(den[key]).astype("float64")
        out.loc[m, "value"] = np.asarray(counts, dtype="float64") / d.to_numpy() * per
        out.loc[m, "indicator_zh"] = label
        out.loc[m, "unit"] = unit
    return out


def _denominators(observations, year: int, codes: Sequence[str]) -> pd.DataFrame:
    from huainan.measures.shortfall import denominators_wide, latest_denominators

    return denominators_wide(latest_denominators(observations, year=year, codes=codes))


#: The columns of the county spread table (:func:`huainan.measures.disparity.disparity_table`'s
#: fields with the lowest and highest unit named).
SPREAD_COLUMNS = [
    "indicator_id",
    "year",
    "n",
    "min_unit",
    "min",
    "max_unit",
    "max",
    "max_min_ratio",
    "cv",
    "cv_weighted",
    "gini",
    "theil_t",
    "theil_t_between_share",
    "theil_t_within_share",
    "note",
]


def spread_by_year(
    panel: pd.DataFrame, population: Mapping[str, float] | pd.Series | None = None
) -> pd.DataFrame:
    """The spread of every indicator across the units, year by year.

    Parameters
    ----------
    panel : pandas.DataFrame
        :func:`county_panel` output.
    population : mapping or Series, optional
        Region code → residents, the weights of Theil T and the weighted CV (METHODS §3); None =
        equal weights.

    Returns
    -------
    pandas.DataFrame
        One row per indicator × year with at least one value: ``indicator_id``, ``year``, ``n``
        (units with a value), ``min_unit``, ``min``, ``max_unit``, ``max`` (names and values; ties
        name the first unit in the city's order), ``max_min_ratio``, ``cv`` (unweighted, ddof =
        0), ``cv_weighted``, ``gini``, ``theil_t``, ``theil_t_between_share``,
        ``theil_t_within_share`` (districts vs counties), ``note`` — the fields of
        :func:`huainan.measures.disparity.disparity_table`.
    """
    if panel.empty:
        return pd.DataFrame(columns=SPREAD_COLUMNS)
    frame = panel[["indicator_id", "year", "region_code", "name_zh", "group", "value"]].copy()
    if population is not None:
        frame["population"] = frame["region_code"].map(pd.Series(population, dtype="float64"))
    table = disparity_table(
        frame,
        indicator="indicator_id",
        by="year",
        population="population" if population is not None else None,
        group="group",
    ).reset_index()
    lo = frame.loc[frame.groupby(["indicator_id", "year"])["value"].idxmin()]
    hi = frame.loc[frame.groupby(["indicator_id", "year"])["value"].idxmax()]
    key = ["indicator_id", "year"]
    table = table.merge(lo[key + ["name_zh"]].rename(columns={"name_zh": "min_unit"}), on=key)
    table = table.merge(hi[key + ["name_zh"]].rename(columns={"name_zh": "max_unit"}), on=key)
    out = table[SPREAD_COLUMNS].copy()
    out["year"] = out["year"].astype("int64")
    return out


def _pick_years(part: pd.DataFrame) -> tuple[int, int, list[str]] | None:
    """First and last year whose common units number at least two (the earliest first year,
    then the latest last year)."""
    by_year = {int(y): set(g["region_code"]) for y, g in part.groupby("year")}
    years = sorted(by_year)
    for y0 in years:
        for y1 in reversed(years):
            if y1 <= y0:
                break
            common = by_year[y0] & by_year[y1]
            if len(common) >= 2:
                return y0, y1, sorted(common)
    return None


# ---------------------------------------------------------------------------------------------
# below the target; the findings in plain words
# ---------------------------------------------------------------------------------------------


def target_words(ind: Mapping, reference: float = math.nan) -> str:
    """The 2025 target in words with its unit: ``4.6 个``, ``≥55%``, ``应保尽保（覆盖率100%）``,
    ``全省平均水平（92.5%）``.

    Examples
    --------
    >>> import huainan.plan as p
    >>> target_words(p.indicator("nursery_places_per_1000")), target_words(p.indicator("nursing_bed_share"))
    ('4.6 个', '≥55%')
    """  # noqa: E501
    unit = str(ind["unit"])
    sep = "" if unit in ("%", "‰") else " "
    kind = ind["target_kind"]
    if kind == "qualitative":
        return f"{ind['target_text']}（覆盖率100%）"
    if kind == "relative":
        ref = "" if math.isnan(reference) else f"（{number(reference)}{sep}{unit}）"
        return f"全省平均水平{ref}"
    return f"{ind['target_text']}{sep}{unit}"


def units_below_target(
    panel: pd.DataFrame, indicator_id: str, year: int, observations: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Each unit's value in ``year`` against the plan's 2025 target (the rule of
    :func:`huainan.measures.progress.final_verdict`).

    Parameters
    ----------
    panel : pandas.DataFrame
        :func:`county_panel` output.
    indicator_id : str
    year : int
        The year whose values are compared (the last year reported).
    observations : pandas.DataFrame, optional
        Where Anhui's value of ``year`` is looked up for a relative target (高于/达到全省平均水平).

    Returns
    -------
    pandas.DataFrame
        One row per unit with a value in ``year`` (city order): ``region_code``, ``name_zh``,
        ``value``, ``verdict`` (``met``/``not_met``/``no_data``), ``gap`` (float64, in the
        indicator's unit; < 0 = short), ``gap_zh``, ``reference`` (float64, Anhui's value for a
        relative target). Empty for indicators compared per capita or not compared
        (:data:`COUNTY_BASIS`, :data:`NOT_COMPARED`): their targets are city-wide totals.
    """
    from huainan.measures.progress import final_verdict
    from huainan.plan.targets import parse_target

    columns = ["region_code", "name_zh", "value", "verdict", "gap", "gap_zh", "reference"]
    if indicator_id in COUNTY_BASIS or indicator_id in NOT_COMPARED:
        return pd.DataFrame(columns=columns)
    ind = plan.indicator(indicator_id)
    target = parse_target(ind["target_text"])
    reference = math.nan
    if target.kind == "relative" and observations is not None:
        from huainan.evidence.observed import select

        ref = select(
            observations, indicator_id, regions.PROVINCE_CODE, year_from=year, year_to=year
        )
        reference = ref.value
    part = panel[(panel["indicator_id"] == indicator_id) & (panel["year"] == year)]
    rows = []
    for r in part.itertuples(index=False):
        v = final_verdict(
            r.value,
            target,
            ind["direction"],
            unit=ind["unit"],
            reference=None if math.isnan(reference) else reference,
        )
        rows.append([r.region_code, r.name_zh, r.value, v.verdict, v.gap, v.gap_zh, reference])
    return pd.DataFrame(rows, columns=columns).astype({"value": "float64", "gap": "float64"})


def _value_words(v: float, unit: str, decimals: int | None = None) -> str:
    shown = number(v) if decimals is None else fixed(v, decimals)
    return f"{shown}{'' if unit in ('%', '‰') else ' '}{unit}"


def level_sentence(ind: Mapping, rows: pd.DataFrame, verdicts: pd.DataFrame, year: int) -> str:
    """The plain-words finding of one indicator in one year: the lowest-provided unit against the
    best one and the target, then the units below the target.

    Parameters
    ----------
    ind : mapping
        The :func:`huainan.plan.indicator` row (``name_zh``, ``unit``, ``direction``, target).
    rows : pandas.DataFrame
        The :func:`county_panel` rows of the indicator and year (``name_zh``, ``value``,
        ``indicator_zh``, ``unit``).
    verdicts : pandas.DataFrame
        :func:`units_below_target` of the same year (may be empty).
    year : int

    Returns
    -------
    str
        E.g. ``2025年，寿县每千人口拥有3岁以下婴幼儿托位数 2.9 个，为田家庵区（4.4 个）的 66%，低于目标
        4.6 个（差 1.7 个）；报送的7个县区中3个低于目标：寿县、凤台县、潘集区。``

    Examples
    --------
    >>> import huainan.plan as p
    >>> rows = pd.DataFrame({"name_zh": ["田家庵区", "寿县"], "value": [4.4, 2.9],
    ...     "indicator_zh": "每千人口托位数", "unit": "个"})
    >>> v = pd.DataFrame({"name_zh": ["田家庵区", "寿县"], "verdict": ["not_met", "not_met"],
    ...     "gap_zh": ["差 0.2 个", "差 1.7 个"], "reference": float("nan")})
    >>> level_sentence(p.indicator("nursery_places_per_1000"), rows, v, 2025)
    '2025年，寿县每千人口托位数 2.9 个，为田家庵区（4.4 个）的 66%，低于目标 4.6 个（差 1.7 个）；报送的2个县区均低于目标。'
    """  # noqa: E501
    unit = str(rows["unit"].iloc[0])
    name = str(rows["indicator_zh"].iloc[0])
    lower_better = ind["direction"] == "lower_better"
    ordered = rows.sort_values("value", ascending=not lower_better, kind="stable")
    worst, best = ordered.iloc[0], ordered.iloc[-1]
    d = decimals_for(rows["value"])  # one format for the numbers of one sentence
    text = f"{year}年，{worst['name_zh']}{name} {_value_words(worst['value'], unit, d)}"
    if len(rows) >= 2 and worst["value"] != best["value"]:
        other = f"{best['name_zh']}（{_value_words(best['value'], unit, d)}）"
        if unit == "%":
            diff = abs(best["value"] - worst["value"])
            text += f"，比{other}{'高' if lower_better else '低'} {fixed(diff, d)} 个百分点"
        elif best["value"] > 0 and not lower_better:
            text += f"，为{other}的 {worst['value'] / best['value'] * 100:.0f}%"
        elif best["value"] > 0:
            text += f"，是{other}的 {worst['value'] / best['value']:.2f} 倍"
    elif len(rows) >= 2:
        text += "，各县区相同"
    if verdicts.empty:
        return text + "。"
    ref = float(verdicts["reference"].iloc[0])
    goal = target_words(ind, ref)
    mine = verdicts.set_index("name_zh")
    v = mine.loc[worst["name_zh"]]
    if v["verdict"] == "not_met":
        text += f"，低于目标 {goal}（{v['gap_zh']}）"
    elif v["verdict"] == "met":
        text += f"，已达到目标 {goal}"
    else:
        text += f"（目标 {goal}，暂无法判断）"
    below = verdicts[verdicts["verdict"] == "not_met"]
    n = len(verdicts)
    if v["verdict"] == "no_data":
        return text + "。"
    if below.empty:
        return text + f"；报送的{n}个县区均达到目标。"
    if len(below) == n:
        return text + f"；报送的{n}个县区均低于目标。"
    return text + f"；报送的{n}个县区中{len(below)}个低于目标：{'、'.join(below['name_zh'])}。"


def change_sentence(row: Mapping) -> str:
    """The change of the spread between two years in plain words (a row of :func:`regional_gaps`).

    Examples
    --------
    >>> change_sentence({"year_from": 2021, "year_to": 2025, "n_units": 7, "cv_from": 0.31,
    ...     "cv_to": 0.22, "max_min_ratio_from": 2.1, "max_min_ratio_to": 1.6,
    ...     "change": "narrowed", "name_zh": "每千人口托位数"})
    '2021—2025年，7个县区之间每千人口托位数的差距缩小：变异系数由 0.310 降至 0.220（−29%），最高与最低之比由 2.10 降至 1.60。'
    """  # noqa: E501
    from huainan.formats import percent

    change = row["change"]
    if change is None or (isinstance(change, float) and math.isnan(change)):
        what = f"{row['name_zh']}的" if row.get("name_zh") else ""
        return (
            f"{row['year_from']}—{row['year_to']}年，{row['n_units']}个县区{what}变异系数无法计算"
            "（数值全为0），不判断差距变化。"
        )

    def moved(a: float, b: float, decimals: int) -> str:
        verb = "降至" if b < a else "升至" if b > a else "保持"
        return f"由 {fixed(a, decimals)} {verb} {fixed(b, decimals)}"

    cv0, cv1 = float(row["cv_from"]), float(row["cv_to"])
    rel = f"（{percent((cv1 - cv0) / cv0, 0)}）" if cv0 > 0 else ""
    what = f"{row['name_zh']}的" if row.get("name_zh") else ""
    text = (
        f"{row['year_from']}—{row['year_to']}年，{row['n_units']}个县区之间{what}差距"
        f"{CHANGE_ZH[change]}：变异系数{moved(cv0, cv1, 3)}{rel}"
    )
    r0, r1 = row["max_min_ratio_from"], row["max_min_ratio_to"]
    if not (pd.isna(r0) or pd.isna(r1)):
        text += f"，最高与最低之比{moved(float(r0), float(r1), 2)}"
    if change == "stable":
        text += f"（变化不足{STABLE_BAND:.0%}，视为基本持平）"
    return text + "。"


# ---------------------------------------------------------------------------------------------
# the table a report reads
# ---------------------------------------------------------------------------------------------

#: Columns of :func:`regional_gaps`, in order (the first ten are ``huainan gaps``'s contract).
GAP_COLUMNS = (
    "indicator_id",
    "year_from",
    "year_to",
    "n_units",
    "cv_from",
    "cv_to",
    "max_min_ratio_from",
    "max_min_ratio_to",
    "change",
    "below_target",
    "name_zh",
    "unit",
    "domain",
    "direction",
    "units",
    "change_zh",
    "cv_change_pct",
    "theil_t_from",
    "theil_t_to",
    "theil_t_between_share_from",
    "theil_t_between_share_to",
    "min_unit",
    "min",
    "max_unit",
    "max",
    "n_compared",
    "n_below",
    "target_text",
    "sentence_zh",
    "change_sentence_zh",
    "note",
)
#: The command line's columns (``huainan gaps --out``).
CSV_COLUMNS = GAP_COLUMNS[:10]


def regional_gaps(
    observations: pd.DataFrame | None = None,
    *,
    year_from: int = 2021,
    year_to: int = 2025,
    indicators: Sequence[str] | None = None,
    codes: Sequence[str] = regions.UNIT_CODES,
    panel: pd.DataFrame | None = None,
    denominators: pd.DataFrame | None = None,
) -> pd.DataFrame:
    r"""County gaps of every 专栏2 indicator with reported unit values in two years, and their change.

    Parameters
    ----------
    observations : pandas.DataFrame, optional
        Long table (default :func:`huainan.evidence.observed.all_observations`).
    year_from, year_to : int
        The span looked at; per indicator the first and the last year within it whose values
        cover at least two common units are compared (2021→2025 where reported).
    indicators, codes
        As :func:`county_panel`.
    panel : pandas.DataFrame, optional
        A :func:`county_panel` already built from ``observations``.
    denominators : pandas.DataFrame, optional
        :func:`huainan.measures.shortfall.denominators_wide` of the units (the weights of Theil
        T; default the latest population that counts up to ``year_to``).

    Returns
    -------
    pandas.DataFrame
        One row per indicator (plan order), columns :data:`GAP_COLUMNS`: ``indicator_id``,
        ``year_from``, ``year_to`` (int64), ``n_units`` (units with values in both years: the
        measures of both years are over these units only, so a unit missing in one year does
        not fake a change), ``cv_from``, ``cv_to`` (CV, unweighted, ddof = 0),
        ``max_min_ratio_from``, ``max_min_ratio_to``, ``change`` (``narrowed``/``widened``/
        ``stable``, :func:`change_class` of the CVs), ``below_target`` (Chinese names of the
        units below the 2025 target in ``year_to``, ``；``-joined; "" when none or not
        comparable), ``name_zh``, ``unit`` (the unit compared), ``domain``, ``direction``,
        ``units`` (the common units' names, ``、``-joined), ``change_zh`` (缩小/扩大/基本持平),
        ``cv_change_pct`` (float64, % of ``cv_from``), ``theil_t_from``/``_to`` (population
        weighted), ``theil_t_between_share_from``/``_to`` (share of Theil T between districts and
        counties), ``min_unit``, ``min``, ``max_unit``, ``max`` (``year_to``, every unit that
        reported), ``n_compared`` (units compared with the target in ``year_to``), ``n_below``,
        ``target_text``, ``sentence_zh`` (:func:`level_sentence`), ``change_sentence_zh``
        (:func:`change_sentence`), ``note``. Empty (with these columns) when no indicator has
        unit values in two years — on the shipped data, which hold no county returns.

    Notes
    -----
    :math:`CV_t = \mathrm{sd}_t / \bar y_t` over the common units (population sd, ddof = 0,
    METHODS §3–§4); the change is :func:`change_class` with :data:`STABLE_BAND`. Theil T is
    weighted by the latest residents (:func:`huainan.measures.shortfall.latest_denominators`).

    Examples
    --------
    See ``tests/test_regional.py`` for a hand-worked panel.
    """
    from huainan.evidence.observed import all_observations

    obs = all_observations() if observations is None else observations
    dens = _denominators(obs, year_to, codes) if denominators is None else denominators
    if panel is None:
        panel = county_panel(
            obs,
            year_from=year_from,
            year_to=year_to,
            indicators=indicators,
            codes=codes,
            denominators=dens,
        )
    pop = dens.set_index("region_code")["population"]
    rows = []
    for ind_id, part in panel.groupby("indicator_id", sort=False):
        pick = _pick_years(part)
        if pick is None:
            continue
        rows.append(_gap_row(str(ind_id), part, pick, pop, panel, obs))
    out = pd.DataFrame(rows, columns=list(GAP_COLUMNS))
    for c in ("year_from", "year_to", "n_units", "n_compared", "n_below"):
        out[c] = out[c].astype("int64")
    return out


def _gap_row(ind_id, part, pick, pop, panel, obs) -> dict:
    y0, y1, common = pick
    ind = plan.indicator(ind_id)

    def measures(year: int) -> pd.Series:
        rows = part[(part["year"] == year) & part["region_code"].isin(common)]
        frame = rows.assign(population=rows["region_code"].map(pop))
        if frame["population"].isna().any():
            frame = frame.drop(columns="population")
            return disparity(frame, value="value", group="group")
        return disparity(frame, value="value", population="population", group="group")

    d0, d1 = measures(y0), measures(y1)
    last = part[part["year"] == y1]
    verdicts = units_below_target(panel, ind_id, y1, obs)
    below = verdicts[verdicts["verdict"] == "not_met"]
    cv0, cv1 = float(d0["cv"]), float(d1["cv"])
    change = change_class(cv0, cv1)
    lo = last.loc[last["value"].idxmin()]
    hi = last.loc[last["value"].idxmax()]
    names = part.drop_duplicates("region_code").set_index("region_code")["name_zh"]
    row = {
        "indicator_id": ind_id,
        "year_from": y0,
        "year_to": y1,
        "n_units": len(common),
        "cv_from": cv0,
        "cv_to": cv1,
        "max_min_ratio_from": float(d0["max_min_ratio"]),
        "max_min_ratio_to": float(d1["max_min_ratio"]),
        "change": change,
        "below_target": "；".join(below["name_zh"]),
        "name_zh": str(last["indicator_zh"].iloc[0]),
        "unit": str(last["unit"].iloc[0]),
        "domain": ind["domain"],
        "direction": ind["direction"],
        "units": "、".join(names[c] for c in regions.UNIT_CODES if c in common),
        "change_zh": CHANGE_ZH.get(change or "", ""),
        "cv_change_pct": (cv1 - cv0) / cv0 * 100 if cv0 > 0 else np.nan,
        "theil_t_from": float(d0["theil_t"]),
        "theil_t_to": float(d1["theil_t"]),
        "theil_t_between_share_from": float(d0["theil_t_between_share"]),
        "theil_t_between_share_to": float(d1["theil_t_between_share"]),
        "min_unit": lo["name_zh"],
        "min": float(lo["value"]),
        "max_unit": hi["name_zh"],
        "max": float(hi["value"]),
        "n_compared": len(verdicts),
        "n_below": len(below),
        "target_text": ind["target_text"],
        "note": "；".join(x for x in (NOT_COMPARED.get(ind_id, ""), _basis_note(ind_id)) if x),
    }
    row["sentence_zh"] = level_sentence(ind, last, verdicts, y1)
    row["change_sentence_zh"] = change_sentence(row)
    return row


def _basis_note(ind_id: str) -> str:
    if ind_id not in COUNTY_BASIS:
        return ""
    _, per, unit, label = COUNTY_BASIS[ind_id]
    return (
        f"按{label}比较（县区总量随人口规模不同，不宜直接比较）；规划目标为全市总量，不分县区判断"
    )


def coverage(panel: pd.DataFrame, indicators: Sequence[str] | None = None) -> pd.DataFrame:
    """Which 专栏2 indicators have unit values, in which years, for how many units.

    Returns
    -------
    pandas.DataFrame
        One row per indicator (plan order): ``indicator_id``, ``name_zh``, ``domain``, ``years``
        (list of int with values), ``n_units_max`` (most units reported in one year),
        ``compared`` (bool: two years with ≥ 2 common units), ``reason`` (str, :data:`NOT_COMPARED`
        or "" ).
    """
    table = _indicator_rows(indicators)
    rows = []
    for ind in table.itertuples(index=False):
        part = panel[panel["indicator_id"] == ind.indicator_id]
        counts = part.groupby("year")["region_code"].nunique()
        rows.append(
            {
                "indicator_id": ind.indicator_id,
                "name_zh": ind.name_zh,
                "domain": ind.domain,
                "years": sorted(int(y) for y in counts.index),
                "n_units_max": int(counts.max()) if len(counts) else 0,
                "compared": _pick_years(part) is not None if len(part) else False,
                "reason": NOT_COMPARED.get(ind.indicator_id, ""),
            }
        )
    return pd.DataFrame(rows)


def missing_sentence(cov: pd.DataFrame, year_from: int = 2021, year_to: int = 2025) -> str:
    """One sentence saying which indicators lack county values for a comparison ("" if none).

    Examples
    --------
    >>> cov = pd.DataFrame({"name_zh": ["甲", "乙"], "years": [[], [2025]], "n_units_max": [0, 3],
    ...     "compared": [False, False], "reason": ["", ""]})
    >>> missing_sentence(cov)
    '尚无县区报送值：甲；仅有一年县区数值、无法比较变化：乙（2025年）。县区数值需由各县区按监测填报表报送2021—2025年数据。'
    """  # noqa: E501
    todo = cov[~cov["compared"] & (cov["reason"] == "")]
    if todo.empty:
        return ""
    none = todo[todo["n_units_max"] == 0]
    one = todo[todo["n_units_max"] > 0]
    parts = []
    if len(none):
        parts.append("尚无县区报送值：" + "、".join(none["name_zh"]))
    if len(one):
        parts.append(
            "仅有一年县区数值、无法比较变化："
            + "、".join(
                f"{n}（{'、'.join(str(y) for y in ys)}年）"
                for n, ys in zip(one["name_zh"], one["years"], strict=True)
            )
        )
    return "；".join(parts) + f"。县区数值需由各县区按监测填报表报送{year_from}—{year_to}年数据。"


def write_csv(table: pd.DataFrame, path) -> object:
    """Write the command line's columns (:data:`CSV_COLUMNS`) as UTF-8 CSV, atomically.

    Floats are written to 12 significant digits; ``change`` and ``below_target`` as text.
    """
    from huainan.atomic import write_bytes

    out = table.loc[:, list(CSV_COLUMNS)]
    data = out.to_csv(index=False, lineterminator="\n", float_format="%.12g").encode("utf-8")
    return write_bytes(path, data)
