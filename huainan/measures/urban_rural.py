r"""Urban-rural gaps: the ratio urban/rural and the difference urban − rural of area-split values
(METHODS.md §4), on the plan's own indicators over the plan period.

- :func:`urban_rural_gap` — any area-split indicator of a long table (census population, income);
- :func:`urban_rural_indicators` — the 专栏2 indicators for which the plan or national statistics
  distinguish urban and rural provision, with the reason (``data/plan/urban_rural_indicators.csv``:
  the monitoring template asks for their 城镇 and 乡村 values);
- :func:`urban_rural_panel` — for every 专栏2 indicator, region and year with both parts reported:
  urban, rural, ratio and difference, each part the value that counts
  (:func:`huainan.evidence.observed.select` with ``area`` urban / rural);
- :func:`urban_rural_changes` — per indicator and region the change from the first to the last
  year as 缩小 / 扩大 / 基本持平 (:func:`huainan.measures.regional.change_class` of
  :math:`|\ln(\text{urban}/\text{rural})|`, so a ratio moving towards 1 from either side is a
  narrowing gap) with one Chinese sentence each;
- :func:`missing_sentence` — where nothing is reported, one sentence naming the indicators that
  would need it.

Sources: METHODS.md §4; 韩增林, 李彬, 张坤领 (2015) 《中国城乡基本公共服务均等化及其空间格局分析》,
地理研究 34(11): 2035–2048 (urban-rural ratios of provision); the 城乡收入比 of the statistical
bulletins.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from huainan import plan
from huainan.formats import decimals_for, fixed
from huainan.measures.convergence import _direction, _observations_of
from huainan.measures.regional import CHANGE_ZH, STABLE_BAND, change_class
from huainan.plan import regions


def urban_rural_gap(
    obs: pd.DataFrame, indicator: str, *, urban: str = "urban", rural: str = "rural"
) -> pd.DataFrame:
    r"""Urban-rural ratio and difference of an area-split indicator, per region and year.

    Parameters
    ----------
    obs : pandas.DataFrame
        Long observations as :func:`huainan.evidence.stats.observations` returns them: ``region_code``
        (str), ``year`` (int), ``area`` (``total`` | ``urban`` | ``rural`` …), ``indicator`` (str),
        ``value`` (float); optional ``unit`` and ``source`` (publication title; ``source_title``
        is accepted too).
    indicator : str
        The indicator id (e.g. ``disposable_income_per_capita``).
    urban, rural : str
        The ``area`` labels of the two sides.

    Returns
    -------
    pandas.DataFrame
        One row per region × year with an urban or a rural value, sorted by region and year:
        ``region_code``, ``name_zh`` (from ``regions.csv``; NA for other codes), ``year``
        (int64), ``indicator``, ``unit`` (if
        given), ``urban``, ``rural`` (float64, the indicator's unit; NaN when that side was not
        observed — the row is kept so the gap in the data stays visible), ``ratio`` (urban/rural,
        float64), ``difference`` (urban − rural, in the indicator's unit), ``ratio_change`` (vs the
        region's previous year with a ratio), ``trend`` (``narrowing`` | ``widening`` |
        ``unchanged`` | NA: whether :math:`|\ln(\text{ratio})|` fell or rose since that year, so a
        ratio moving towards 1 from either side is narrowing), ``note`` (str) and ``sources``
        (str: the distinct sources of the two values, ``" | "``-joined, if given).

    Raises
    ------
    KeyError
        A required column is missing, or the indicator has no observations.
    DataValidationError
        Two rows share region, year and area (no source is picked silently), or a value is not a
        number.

    Notes
    -----
    :math:`\text{ratio} = y_{urban} / y_{rural}` and :math:`\text{difference} = y_{urban} -
    y_{rural}` (METHODS §4; the 城乡收入比 of the statistical bulletins). The ratio is computed only
    when both values are > 0 (growth rates and other signed quantities get the difference only);
    the reason is in ``note``.

    Examples
    --------
    Anhui's urban and rural per-capita disposable income, 2023 and 2025 (元; provincial
    bulletins, see ``shared/data/raw/anhui_province.csv``): 47446/21144 = 2.244 and
    51737/23828 = 2.171, so the gap narrowed.

    >>> obs = pd.DataFrame({"region_code": "340000", "year": [2023, 2023, 2025, 2025],
    ...                     "area": ["urban", "rural"] * 2, "indicator": "income",
    ...                     "value": [47446.0, 21144.0, 51737.0, 23828.0]})
    >>> g = urban_rural_gap(obs, "income")
    >>> g[["year", "ratio", "difference", "trend"]].round(3)
       year  ratio  difference      trend
    0  2023  2.244     26302.0       <NA>
    1  2025  2.171     27909.0  narrowing
    """
    sel = _observations_of(obs, indicator)
    sel = sel[sel["area"].isin([urban, rural])]
    keys = ["region_code", "year"]
    wide = sel.pivot(index=keys, columns="area", values="value")
    wide = wide.reindex(columns=[urban, rural]).rename(columns={urban: "urban", rural: "rural"})
    wide.columns.name = None
    out = wide.reset_index()
    firsts = sel.groupby(keys, sort=False)
    if "unit" in sel.columns:
        out = out.merge(firsts["unit"].first().reset_index(), on=keys, how="left")
    from huainan.plan import regions as _regions

    names = _regions.regions().set_index("code")["name_zh"]
    out.insert(1, "name_zh", out["region_code"].map(names))
    out.insert(3, "indicator", indicator)
    u, r = out["urban"].to_numpy(), out["rural"].to_numpy()
    both = (u > 0) & (r > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = np.where(both, u / np.where(both, r, 1.0), np.nan)
    out["difference"] = u - r
    out = out.sort_values(keys, kind="stable").reset_index(drop=True)
    log_gap = np.log(out["ratio"]).abs()
    code = out["region_code"]
    prev_log = log_gap.groupby(code).ffill().groupby(code).shift()
    prev_ratio = out["ratio"].groupby(code).ffill().groupby(code).shift()
    out["ratio_change"] = out["ratio"] - prev_ratio
    out["trend"] = _direction(log_gap - prev_log, falling="narrowing", rising="widening")
    notes = np.full(len(out), "", dtype=object)
    notes = np.where(out["urban"].isna(), "urban value not observed", notes)
    notes = np.where(out["rural"].isna(), "rural value not observed", notes)
    signed = out["urban"].notna() & out["rural"].notna() & ~both
    notes = np.where(signed, "a value is ≤ 0: ratio not computed, difference only", notes)
    out["note"] = pd.Series(notes, dtype="string")
    src_col = next((c for c in ("source", "source_title") if c in sel.columns), None)
    if src_col is not None:
        src = (
            sel.dropna(subset=[src_col])
            .groupby(keys)[src_col]
            .agg(lambda s: " | ".join(dict.fromkeys(s.astype(str))))
            .rename("sources")
        )
        out = out.merge(src.reset_index(), on=keys, how="left")
    return out


# ---------------------------------------------------------------------------------------------
# the plan's indicators
# ---------------------------------------------------------------------------------------------

#: Columns of :func:`urban_rural_panel` (the first seven are ``huainan gaps --urban-rural``'s).
PANEL_COLUMNS = (
    "indicator_id",
    "region_code",
    "year",
    "urban",
    "rural",
    "ratio",
    "difference",
    "name_zh",
    "indicator_zh",
    "unit",
    "urban_source",
    "rural_source",
)
CSV_COLUMNS = PANEL_COLUMNS[:7]


def urban_rural_indicators() -> pd.DataFrame:
    """The 专栏2 indicators reported for 城镇 and 乡村 too, with the reason for each.

    Returns
    -------
    pandas.DataFrame
        ``data/plan/urban_rural_indicators.csv``: ``indicator_id``, ``reason`` (why the plan or
        national statistics distinguish urban and rural provision), ``source`` (where that
        distinction is published), plus ``name_zh`` and ``domain`` from the plan.

    Raises
    ------
    DataValidationError
        If the file lacks a column or names an indicator that is not in 专栏2.

    Examples
    --------
    >>> urban_rural_indicators()["indicator_id"].tolist()
    ['physicians_per_1000', 'nurses_per_1000', 'working_age_avg_years_schooling']
    """
    table = plan.urban_rural_indicators().copy()
    info = plan.indicators().set_index("indicator_id")
    table["name_zh"] = table["indicator_id"].map(info["name_zh"])
    table["domain"] = table["indicator_id"].map(info["domain"])
    return table


def urban_rural_panel(
    observations: pd.DataFrame | None = None,
    *,
    year_from: int = 2021,
    year_to: int = 2025,
    indicators: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Urban and rural values of the 专栏2 indicators, per region and year with both reported.

    Parameters
    ----------
    observations : pandas.DataFrame, optional
        Long table (default :func:`huainan.evidence.observed.all_observations`); urban and rural
        values are its rows with ``area`` ``urban`` / ``rural`` (the 城乡 column of a return).
    year_from, year_to : int
    indicators : sequence of str, optional
        专栏2 ids (default all of them: any indicator reported for both parts is shown).
    codes : sequence of str, optional
        Regions (default the city and the seven units).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PANEL_COLUMNS`: ``indicator_id``, ``region_code``, ``year`` (int64),
        ``urban``, ``rural`` (float64, the indicator's unit), ``ratio`` (urban/rural; NaN unless
        both > 0), ``difference`` (urban − rural), ``name_zh`` (region), ``indicator_zh``,
        ``unit``, ``urban_source``, ``rural_source``. Only rows with both parts (a lone part is
        not a gap); sorted by indicator (plan order), region (city first) and year.

    Examples
    --------
    >>> obs = pd.DataFrame({"region_code": "340400", "year": 2025, "area": ["urban", "rural"],
    ...     "indicator": "physicians_per_1000", "unit": "人", "value": [3.8, 1.6],
    ...     "source": "报送", "source_ref": "t.csv", "note": "", "origin": "monitoring"})
    >>> p = urban_rural_panel(obs)
    >>> p[["year", "urban", "rural", "difference"]].to_dict("records")
    [{'year': 2025, 'urban': 3.8, 'rural': 1.6, 'difference': 2.1999999999999997}]
    >>> round(float(p["ratio"].iloc[0]), 4)
    2.375
    """
    from huainan.evidence.observed import all_observations, select, with_quality

    obs = all_observations() if observations is None else observations
    table = plan.indicators().set_index("indicator_id", drop=False)
    ids = list(table.index if indicators is None else indicators)
    codes = list((regions.CITY_CODE, *regions.UNIT_CODES) if codes is None else codes)
    sel = obs[
        obs["indicator"].isin(ids)
        & obs["region_code"].isin(codes)
        & obs["area"].isin(["urban", "rural"])
        & obs["year"].between(year_from, year_to)
        & obs["value"].notna()
    ]
    names = regions.regions().set_index("code")["name_zh"]
    rows = []
    sel = with_quality(sel)
    for (ind_id, code, year), part in sel.groupby(["indicator", "region_code", "year"]):
        if set(part["area"]) != {"urban", "rural"}:
            continue  # a lone part is not a gap
        if len(part) == 2:  # one candidate each: the values that count
            u, r = (part[part["area"] == a].iloc[0] for a in ("urban", "rural"))
        else:
            kw = dict(year_from=int(year), year_to=int(year))
            u = select(part, str(ind_id), str(code), area="urban", **kw).row
            r = select(part, str(ind_id), str(code), area="rural", **kw).row
        assert u is not None and r is not None  # both parts hold values
        uv, rv = float(u["value"]), float(r["value"])
        rows.append(
            {
                "indicator_id": ind_id,
                "region_code": str(code),
                "year": int(year),
                "urban": uv,
                "rural": rv,
                "ratio": uv / rv if uv > 0 and rv > 0 else np.nan,
                "difference": uv - rv,
                "name_zh": names.get(str(code), pd.NA),
                "indicator_zh": table.at[ind_id, "name_zh"],
                "unit": table.at[ind_id, "unit"],
                "urban_source": str(u["source"]),
                "rural_source": str(r["source"]),
            }
        )
    out = pd.DataFrame(rows, columns=list(PANEL_COLUMNS))
    out = out.astype(
        {
            "year": "int64",
            "urban": "float64",
            "rural": "float64",
            "ratio": "float64",
            "difference": "float64",
        }
    )
    order = {i: k for k, i in enumerate(ids)}
    place = {c: k for k, c in enumerate(codes)}
    out = out.assign(_i=out["indicator_id"].map(order), _c=out["region_code"].map(place))
    return out.sort_values(["_i", "_c", "year"]).drop(columns=["_i", "_c"]).reset_index(drop=True)


def _gap(ratio: float) -> float:
    return abs(math.log(ratio)) if ratio > 0 else math.nan


def urban_rural_changes(panel: pd.DataFrame) -> pd.DataFrame:
    r"""Per indicator and region: the urban-rural gap in the last year and its change since the first.

    Parameters
    ----------
    panel : pandas.DataFrame
        :func:`urban_rural_panel` output.

    Returns
    -------
    pandas.DataFrame
        One row per indicator × region: ``indicator_id``, ``indicator_zh``, ``unit``,
        ``region_code``, ``name_zh``, ``year_from``, ``year_to`` (int64; equal when one year is
        reported), ``urban_to``, ``rural_to``, ``ratio_from``, ``ratio_to``, ``difference_from``,
        ``difference_to`` (float64), ``change`` (``narrowed``/``widened``/``stable``; None with one
        year or without a ratio), ``change_zh``, ``sentence_zh`` (one Chinese sentence).

    Notes
    -----
    The gap is :math:`|\ln(\text{urban}/\text{rural})|` (a ratio of 2 and of 0.5 are equally far
    from parity) and its change is :func:`huainan.measures.regional.change_class` (band
    :data:`huainan.measures.regional.STABLE_BAND`).

    Examples
    --------
    >>> p = pd.DataFrame({"indicator_id": "physicians_per_1000", "indicator_zh": "每千人口执业(助理)医师数",
    ...     "unit": "人", "region_code": "340400", "name_zh": "淮南市", "year": [2021, 2025],
    ...     "urban": [3.9, 3.8], "rural": [1.5, 1.6], "ratio": [2.6, 2.375],
    ...     "difference": [2.4, 2.2]})
    >>> urban_rural_changes(p)["sentence_zh"].iloc[0]
    '淮南市每千人口执业(助理)医师数：2025年城镇 3.8 人、乡村 1.6 人，城镇为乡村的 2.38 倍（相差 2.2 人）；2021—2025年城乡之比由 2.60 降至 2.38，差距缩小。'
    """  # noqa: E501
    rows = []
    for (ind_id, code), part in panel.groupby(["indicator_id", "region_code"], sort=False):
        part = part.sort_values("year")
        first, last = part.iloc[0], part.iloc[-1]
        change = None
        if len(part) > 1:
            change = change_class(_gap(first["ratio"]), _gap(last["ratio"]))
        row = {
            "indicator_id": ind_id,
            "indicator_zh": last["indicator_zh"],
            "unit": last["unit"],
            "region_code": code,
            "name_zh": last["name_zh"],
            "year_from": int(first["year"]),
            "year_to": int(last["year"]),
            "urban_to": float(last["urban"]),
            "rural_to": float(last["rural"]),
            "ratio_from": float(first["ratio"]),
            "ratio_to": float(last["ratio"]),
            "difference_from": float(first["difference"]),
            "difference_to": float(last["difference"]),
            "change": change,
            "change_zh": CHANGE_ZH.get(change or "", ""),
        }
        row["sentence_zh"] = _sentence(row)
        rows.append(row)
    columns = [
        "indicator_id",
        "indicator_zh",
        "unit",
        "region_code",
        "name_zh",
        "year_from",
        "year_to",
        "urban_to",
        "rural_to",
        "ratio_from",
        "ratio_to",
        "difference_from",
        "difference_to",
        "change",
        "change_zh",
        "sentence_zh",
    ]
    return pd.DataFrame(rows, columns=columns)


def _sentence(r: dict) -> str:
    unit = str(r["unit"])
    sep = "" if unit in ("%", "‰") else " "
    diff_unit = "个百分点" if unit == "%" else unit
    # urban, rural and their difference with one number of decimals (3.0 and 2.5, not 3 and 2.5)
    d = decimals_for([r["urban_to"], r["rural_to"]])
    text = (
        f"{r['name_zh']}{r['indicator_zh']}：{r['year_to']}年城镇 {fixed(r['urban_to'], d)}{sep}"
        f"{unit}、乡村 {fixed(r['rural_to'], d)}{sep}{unit}"
    )
    if not math.isnan(r["ratio_to"]):
        text += f"，城镇为乡村的 {fixed(r['ratio_to'], 2)} 倍"
    text += f"（相差 {fixed(abs(r['difference_to']), d)} {diff_unit}）"
    if r["year_from"] == r["year_to"]:
        return text + f"；仅有{r['year_to']}年数值，无法判断变化。"
    if r["change"] is None:
        return text + "；城乡之比无法计算（有数值为0或负），不判断变化。"
    verb = (
        "降至"
        if r["ratio_to"] < r["ratio_from"]
        else "升至"
        if r["ratio_to"] > r["ratio_from"]
        else "保持"
    )
    text += (
        f"；{r['year_from']}—{r['year_to']}年城乡之比由 {fixed(r['ratio_from'], 2)} {verb} "
        f"{fixed(r['ratio_to'], 2)}，差距{r['change_zh']}"
    )
    if r["change"] == "stable":
        text += f"（变化不足{STABLE_BAND:.0%}）"
    return text + "。"


def missing_sentence(panel: pd.DataFrame, domain: str | None = None) -> str:
    """Where no urban-rural values are reported: one sentence naming the indicators that would
    need them ("" when every listed indicator of the domain has some).

    Parameters
    ----------
    panel : pandas.DataFrame
        :func:`urban_rural_panel` output.
    domain : str, optional
        Only the indicators of one domain (a brief); None: all of them (the city brief, a report).

    Examples
    --------
    >>> empty = pd.DataFrame(columns=["indicator_id"])
    >>> missing_sentence(empty, "health")
    '城乡差距：尚无分城镇、乡村的报送数值。本领域需要分城乡比较的指标为每千人口执业(助理)医师数、每千人口拥有注册护士数，须在监测填报表的“城镇”“乡村”行填报后才能计算城乡之比和差值。'
    >>> missing_sentence(empty, "veterans")
    '城乡差距：本领域指标在规划和国家统计中不分城镇、乡村监测，不作城乡比较。'
    """  # noqa: E501
    wanted = urban_rural_indicators()
    if domain is not None:
        wanted = wanted[wanted["domain"] == domain]
    have = set(panel["indicator_id"]) if len(panel) else set()
    todo = wanted[~wanted["indicator_id"].isin(have)]
    scope = "本领域" if domain is not None else "规划"
    if wanted.empty:
        return f"城乡差距：{scope}指标在规划和国家统计中不分城镇、乡村监测，不作城乡比较。"
    if todo.empty:
        return ""
    lead = "城乡差距：尚无分城镇、乡村的报送数值。" if not have else "城乡差距："
    return (
        f"{lead}{scope}需要分城乡比较的指标"
        + ("为" if not have else "中尚未报送的为")
        + "、".join(todo["name_zh"])
        + "，须在监测填报表的“城镇”“乡村”行填报后才能计算城乡之比和差值。"
    )


def write_csv(panel: pd.DataFrame, path) -> object:
    """Write the command line's columns (:data:`CSV_COLUMNS`) as UTF-8 CSV, atomically (floats
    to 12 significant digits: 3.8 − 1.6 is written 2.2, not 2.1999999999999997)."""
    from huainan.atomic import write_bytes

    out = panel.loc[:, list(CSV_COLUMNS)]
    data = out.to_csv(index=False, lineterminator="\n", float_format="%.12g").encode("utf-8")
    return write_bytes(path, data)
