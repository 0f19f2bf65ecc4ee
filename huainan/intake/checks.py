"""Values that must make sense: bounds, plausibility against the plan, city/county consistency.

Three kinds of check run on every value a file brings (:mod:`huainan.intake.ingest`); every
threshold is a named constant here, and the README of ``data/monitoring`` lists them:

1. **Bounds** (:func:`bound_problem`, refused, no override): the indicator's limits from
   :func:`huainan.intake.catalogue.catalogue` — a rate above 100 %, a count below 0, a life
   expectancy outside 40–100, a count above its unit's magnitude (:data:`~huainan.intake.
   catalogue.MAGNITUDE`) — and a fraction typed for a percentage (0.956 for 95.6 where the 2020
   baseline is above :data:`~huainan.intake.catalogue.FRACTION_BASELINE` %).
2. **Plausibility** (:func:`plausibility`, refused unless the officer confirms with a reason,
   which is stored): a value more than :data:`RATIO` (10) times or below 1/:data:`RATIO` of its
   reference — the plan's 2020 baseline for the city and for rates at any level, the baseline
   divided by :data:`COUNTY_UNITS` (7) for a county's count; a per-1,000-residents value above
   :data:`PER_1000_COUNT` (50: no service ratio the plan tracks comes near it — 2.5 physicians,
   4.6 nursery places, 6 hospital beds per 1,000 — so such a value is a head count typed in the
   wrong row, e.g. 412 physicians for 每千人口执业(助理)医师数).
3. **Consistency of the city and its counties** (:func:`consistency`, warnings shown in the
   report and stored with the values): for a count, the seven units must add up to the city
   within :data:`SUM_TOLERANCE` (2 %); for a rate, the city's value must lie within its units'
   range, widened by :data:`RANGE_TOLERANCE` (0.5 % of the value, for rounding).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from huainan.intake.catalogue import FRACTION_BASELINE, TO_DATE_SUFFIX
from huainan.intake.units import BASES, parse_unit
from huainan.plan import regions

#: A value above RATIO × its reference, or below reference / RATIO, must be confirmed.
RATIO = 10.0
#: A county's count is compared with the city's baseline divided by the number of units.
COUNTY_UNITS = 7
#: A per-1,000-residents value above this looks like a count.
PER_1000_COUNT = 50.0
#: Counties' counts may differ from the city's count by this share (rounding, late reports).
SUM_TOLERANCE = 0.02
#: A city rate may lie outside its counties' range by this share of its value (rounding).
RANGE_TOLERANCE = 0.005

_NOT_COUNTS = ("每", "人均", "率", "占比", "比重", "比例", "年限", "寿命")


def bound_problem(value: float, original: str, text: str, info) -> tuple[str, bool] | None:
    """Return (message, is_error) when ``value`` (stored unit) breaks the indicator's bounds.

    Also catches a fraction typed for a percentage (0.956 for 95.6): an error when the
    indicator's 2020 baseline is above :data:`~huainan.intake.catalogue.FRACTION_BASELINE` %,
    otherwise a warning. ``info`` is the indicator's :func:`~huainan.intake.catalogue.catalogue`
    row.
    """
    unit = info["unit"]
    low, high = info["min_value"], info["max_value"]
    if not low <= value <= high:
        side = f"below {low:g}" if value < low else f"above {high:g}"
        side_zh = f"低于{low:g}" if value < low else f"高于{high:g}"
        return (
            f"超出合理范围：{value:g} {unit}{side_zh}{unit}（{info['bound_reason']}）"
            f" / out of bounds: {value:g} {unit} is {side} {unit}",
            True,
        )
    if unit == "%" and 0 < value <= 1:
        baseline = info["baseline_2020"]
        if baseline > FRACTION_BASELINE:  # False for NaN
            return (
                f"疑似把百分数填成了小数：{info['name_zh']}2020年为{baseline:g}%，{original!r}"
                f"应填{value * 100:g} / a fraction typed for a percentage: {info['name_zh']} "
                f"was {baseline:g} % in 2020, so {original!r} must be {value * 100:g} %; type "
                f"the percent figure ({value * 100:g}, not {value:g})",
                True,
            )
        if "%" not in text:
            return (
                f"请核对：百分数应填 95.6 而不是 0.956 / {original!r} for a % indicator looks "
                "like a fraction; percent figures are stored (95.6, not 0.956)",
                False,
            )
    return None


def is_count(info) -> bool:
    """Does the indicator count things that add up over regions (persons, beds, estates …)?

    True when its unit is a plain count (a base of :data:`huainan.intake.units.BASES` other
    than 岁/年, nothing per something) and its name is not a rate or a per-capita figure.

    Examples
    --------
    >>> is_count({"unit": "万张", "name_zh": "养老服务床位总量"})
    True
    >>> is_count({"unit": "平方米", "name_zh": "人均体育场地面积"}), is_count({"unit": "%", "name_zh": "x"})
    (False, False)
    """
    u = parse_unit(str(info["unit"]))
    if u.base not in BASES or u.base in ("岁", "年") or u.per:
        return False
    return not any(w in str(info["name_zh"]) for w in _NOT_COUNTS)


def is_per_1000(indicator: str, info) -> bool:
    """Is the indicator a rate per 1,000 residents (每千人口…, ``*_per_1000``, ``个/千人``)?"""
    unit = parse_unit(str(info["unit"]))
    return (
        "per_1000" in indicator
        or unit.per in ("千人", "千人口")
        or str(info["name_zh"]).startswith("每千")
    )


def plausibility(
    indicator: str, region_code: str, value: float, info
) -> tuple[str, str, str] | None:
    """Return (rule, message_zh, message_en) when a value needs the officer's confirmation.

    Parameters
    ----------
    indicator : str
        Indicator id.
    region_code : str
        6-digit code of the value's region.
    value : float
        In the indicator's stored unit.
    info : mapping
        The indicator's :func:`~huainan.intake.catalogue.catalogue` row (``baseline_2020``,
        ``unit``, ``name_zh``).

    Returns
    -------
    tuple or None
        ``rule`` is ``per_1000_count``, ``ratio_high`` or ``ratio_low`` (module docstring).

    Examples
    --------
    >>> info = {"unit": "人", "name_zh": "每千人口执业(助理)医师数", "baseline_2020": 2.5}
    >>> plausibility("physicians_per_1000", "340400", 412, info)[0]
    'per_1000_count'
    >>> plausibility("physicians_per_1000", "340400", 2.6, info) is None
    True
    >>> plausibility("physicians_per_1000", "340400", 0.2, info)[0]
    'ratio_low'
    """
    name, unit = info["name_zh"], info["unit"]
    if is_per_1000(indicator, info) and value > PER_1000_COUNT:
        return (
            "per_1000_count",
            f"{name}是每千人口的比率，{value:g}{unit}大于{PER_1000_COUNT:g}，像是总人数（如医师总数）"
            "填进了每千人口一栏，请核对",
            f"{name} is a rate per 1,000 residents; {value:g} is above {PER_1000_COUNT:g} and "
            "looks like a head count typed into the per-1,000 row",
        )
    baseline = info["baseline_2020"]
    if indicator.endswith(TO_DATE_SUFFIX) or not baseline or math.isnan(baseline):
        return None
    reference, what_zh, what_en = baseline, "2020年基期值", "the 2020 baseline"
    if region_code not in (regions.CITY_CODE, "340000") and is_count(info):
        reference = baseline / COUNTY_UNITS
        what_zh = f"全市2020年基期值的1/{COUNTY_UNITS}"
        what_en = f"1/{COUNTY_UNITS} of the city's 2020 baseline"
    if reference <= 0:
        return None
    ratio = value / reference
    if ratio > RATIO:
        rule, zh, en = "ratio_high", f"是{what_zh}（{reference:g}）的{ratio:.3g}倍", "times"
    elif ratio < 1 / RATIO:
        rule, zh, en = "ratio_low", f"不到{what_zh}（{reference:g}）的1/{RATIO:g}", "below 1/10 of"
    else:
        return None
    return (
        rule,
        f"{name} {value:g}{unit}{zh}，超出常见范围（{RATIO:g}倍），请核对单位和数值",
        f"{name} {value:g} {unit} is {ratio:.3g} times {what_en} ({reference:g})"
        if en == "times"
        else f"{name} {value:g} {unit} is {en} {what_en} ({reference:g})",
    )


def consistency(values: pd.DataFrame, cat: pd.DataFrame, changed: Iterable[tuple]) -> list[dict]:
    """City/county consistency warnings for the groups a file touches.

    Parameters
    ----------
    values : pandas.DataFrame
        The current values after the file would be stored (store + file): columns
        ``region_code``, ``indicator``, ``year``, ``area``, ``value``.
    cat : pandas.DataFrame
        :func:`~huainan.intake.catalogue.catalogue` indexed by ``indicator``.
    changed : iterable of tuple
        ``(indicator, year, area)`` groups the file brings values for (only these are checked).

    Returns
    -------
    list of dict
        ``indicator``, ``year``, ``area``, ``message_zh``, ``message_en`` — one per group whose
        counties' sum misses the city's count by more than :data:`SUM_TOLERANCE`, or whose city
        rate lies outside the counties' range by more than :data:`RANGE_TOLERANCE`.

    Examples
    --------
    >>> import pandas as pd
    >>> from huainan.intake.catalogue import catalogue
    >>> cat = catalogue().set_index("indicator")
    >>> units = list(regions.units()["code"])
    >>> df = pd.DataFrame({"region_code": units + ["340400"], "indicator": "elderly_care_beds_total",
    ...                    "year": 2023, "area": "total", "value": [0.4] * 7 + [3.6]})
    >>> w = consistency(df, cat, [("elderly_care_beds_total", 2023, "total")])
    >>> w[0]["message_zh"]
    '养老服务床位总量 2023年：7个县区合计2.8万张，淮南市填报3.6万张，相差22.2%（允许2%），请核对'
    """
    units = list(regions.units()["code"])
    wanted = set(changed)
    groups: dict[tuple, dict[str, float]] = {}
    for r in values.itertuples(index=False):
        key = (r.indicator, int(r.year), r.area)
        if key in wanted:
            groups.setdefault(key, {})[r.region_code] = float(r.value)
    out = []
    for ind, year, area in sorted(wanted):
        by = groups.get((ind, int(year), area), {})
        if ind not in cat.index or regions.CITY_CODE not in by:
            continue
        city = float(by[regions.CITY_CODE])
        parts = [float(by[c]) for c in units if c in by]
        info = cat.loc[ind]
        name, unit = info["name_zh"], info["unit"]
        area_zh = {"urban": "（城镇）", "rural": "（乡村）"}.get(area, "")
        head = f"{name}{area_zh} {year}年"
        if is_count(info):
            if len(parts) < len(units):
                continue
            total = sum(parts)
            gap = abs(total - city) / city if city else math.inf if total else 0.0
            if gap > SUM_TOLERANCE:
                out.append(
                    {
                        "indicator": ind,
                        "year": year,
                        "area": area,
                        "message_zh": f"{head}：7个县区合计{total:g}{unit}，淮南市填报{city:g}{unit}，"
                        f"相差{gap:.1%}（允许{SUM_TOLERANCE:.0%}），请核对",
                        "message_en": f"{ind} {year} {area}: the seven units add up to {total:g} "
                        f"{unit} but the city reports {city:g} ({gap:.1%} apart, tolerance "
                        f"{SUM_TOLERANCE:.0%})",
                    }
                )
        elif len(parts) >= 2:
            low, high = min(parts), max(parts)
            slack = RANGE_TOLERANCE * abs(city)
            if city < low - slack or city > high + slack:
                out.append(
                    {
                        "indicator": ind,
                        "year": year,
                        "area": area,
                        "message_zh": f"{head}：淮南市{city:g}{unit}不在各县区{low:g}—{high:g}"
                        f"{unit}之间（全市比率应介于各县区之间），请核对",
                        "message_en": f"{ind} {year} {area}: the city's {city:g} {unit} lies "
                        f"outside its units' range {low:g}–{high:g}",
                    }
                )
    return out
