"""The plan's per-population provision standards, read from the plan tables (METHODS.md §5).

:func:`need_standards` lists every standard the plan sets per resident, per 1,000 residents, per
1,000 older people or per 100 households — rates, operators (at least / more than), units, years
and wording come from ``data/plan/*.csv`` (checked against the plan text), never typed here.
What a county needs and lacks by these standards is :mod:`huainan.measures.shortfall`.
"""

from __future__ import annotations

import pandas as pd

#: Denominators a standard can be expressed against (columns of the ``denominators`` frame given
#: to :func:`requirement`).
DENOMINATORS: dict[str, str] = {
    "population": "常住人口（人）",
    "pop_age_60plus": "60岁及以上常住人口（人）",
    "households_family": "家庭户户数（户）",
}

#: What each standard counts, in the words of a sentence (托位, 执业（助理）医师 …).
PROVISION_ZH: dict[str, str] = {
    "nursery_places": "托位",
    "nursery_places_new_areas": "托位",
    "nursery_places_old_areas": "托位",
    "physicians": "执业（助理）医师",
    "nurses": "注册护士",
    "elderly_care_beds": "养老床位",
    "elderly_care_space_new_areas": "社区养老服务用房",
    "elderly_care_space_old_areas": "社区养老服务设施",
    "community_service_space": "社区综合服务设施面积",
    "sports_area": "体育场地面积",
}

#: How each denominator is said in a sentence ("每千人口", "每千名60岁及以上老人", "每百户").
_PER_ZH = {
    ("population", 1000.0): "每千人口",
    ("population", 1.0): "人均",
    ("pop_age_60plus", 1000.0): "每千名60岁及以上老人",
    ("households_family", 100.0): "每百户",
}

# Which plan row holds each standard, and what it is "per": the rates, operators, units, years and
# wording are read from the plan tables (huainan.plan), never typed here.
_STANDARD_SOURCES: tuple[tuple[str, str, str, str, float, str, str], ...] = (
    (
        "nursery_places",
        "projects",
        "child_nursery_places",
        "population",
        1000.0,
        "all",
        "city-wide 2025 level (= 专栏2 nursery_places_per_1000)",
    ),
    (
        "nursery_places_new_areas",
        "projects",
        "child_places_new_areas",
        "population",
        1000.0,
        "new",
        "applies to residents of new/under-construction urban estates only; against the "
        "whole population it is an upper bound",
    ),
    (
        "nursery_places_old_areas",
        "projects",
        "child_places_old_areas",
        "population",
        1000.0,
        "old",
        "applies to residents of old areas/estates without childcare only; against the "
        "whole population it is an upper bound",
    ),
    (
        "physicians",
        "indicators",
        "physicians_per_1000",
        "population",
        1000.0,
        "all",
        "专栏2 target for 2025 (2.5 in 2020)",
    ),
    (
        "nurses",
        "indicators",
        "nurses_per_1000",
        "population",
        1000.0,
        "all",
        "专栏2 target for 2025 (3.1 in 2020)",
    ),
    (
        "elderly_care_beds",
        "outcomes_13th",
        "elderly_beds_per_1000_older",
        "pop_age_60plus",
        1000.0,
        "all",
        "十三五 level attained in 2020 (专栏1 actual), not a 十四五 target; 老年人 "
        "read as aged 60+ (civil-affairs usage)",
    ),
    (
        "elderly_care_space_new_areas",
        "projects",
        "care_space_new_areas",
        "households_family",
        100.0,
        "new",
        "applies to new urban estates only; against all households it is an upper bound",
    ),
    (
        "elderly_care_space_old_areas",
        "projects",
        "care_space_old_areas",
        "households_family",
        100.0,
        "old",
        "applies to old areas/existing estates only; against all households it is an upper bound",
    ),
    (
        "community_service_space",
        "indicators",
        "community_service_space_per_100hh",
        "households_family",
        100.0,
        "all",
        "专栏2 target '>30': more than the requirement is needed; no 2020 value published",
    ),
    (
        "sports_area",
        "indicators",
        "sports_area_per_capita",
        "population",
        1.0,
        "all",
        "专栏2 target '>2.6' m² per resident: more than the requirement is needed",
    ),
)


def need_standards() -> pd.DataFrame:
    """The plan's per-capita provision standards, read from the plan tables.

    Returns
    -------
    pandas.DataFrame
        One row per standard: ``standard_id`` (str), ``name_zh`` (the plan's wording of the
        metric), ``rate`` (float64: provision per ``per`` denominator units), ``op`` (``>=`` or
        ``>``: at least / more than), ``per`` (float64: 1000 or 100), ``denominator`` (a key of
        :data:`DENOMINATORS`), ``unit`` (str, unit of the provision: 个 (托位), 张, 平方米),
        ``rate_unit`` (str, as printed), ``scope`` (``all`` | ``new`` | ``old`` residential areas),
        ``target_year`` (int64), ``plan_text`` (str, the plan's sentence or cell), ``source``
        (str: plan table and section/专栏), ``note`` (str), ``domain`` (str, the plan domain
        id), ``provision_zh`` (str, what is counted: 托位, 执业（助理）医师 …; :data:`PROVISION_ZH`).

    Raises
    ------
    DataValidationError
        Raised by :mod:`huainan.plan` when a plan table is malformed.
    KeyError
        A plan row this module relies on is gone (the message names it).

    Notes
    -----
    Sources (《淮南市"十四五"公共服务规划（征求意见稿）》): 托位 4.6 per 1,000 residents by 2025
    (第四章第一节, 专栏2); ≥ 10 / ≥ 8 托位 per 1,000 residents in new / old estates (专栏11);
    每千名老年人拥有养老床位数 45 (专栏1, 十三五 actual); ≥ 30 / ≥ 20 m² of community elderly-care
    space per 100 households in new / old estates (第三章第二节); 每百户居民拥有社区综合服务设施面积
    > 30 m² (专栏2); 每千人口执业（助理）医师数 2.55 and 每千人口拥有注册护士数 3.15 (专栏2);
    人均体育场地面积 > 2.6 m² (专栏2). METHODS.md §5. Left out, with the reason: 每万人接受公共文化设施
    服务次数 (专栏2, 14,000 visits per 10,000 residents) counts use of services, not a capacity to
    provide; 人均用地不少于0.1平方米 for elderly-care facilities (专栏2 note 2) is a land-use rule for
    new districts quoted from the State Council, with no reported supply; 每千常住人口医疗卫生机构床位数
    (专栏1) has a 2020 target only (6; the 十四五 plan sets none).

    Examples
    --------
    >>> s = need_standards().set_index("standard_id")
    >>> row = s.loc["nursery_places"]
    >>> float(row["rate"]), row["op"], float(row["per"]), row["denominator"], row["unit"]
    (4.6, '>=', 1000.0, 'population', '个')
    >>> row = s.loc["community_service_space"]
    >>> float(row["rate"]), row["op"], float(row["per"]), row["unit"]
    (30.0, '>', 100.0, '平方米')
    """
    from huainan import plan

    tables = {
        "projects": plan.projects().set_index("project_id"),
        "indicators": plan.indicators().set_index("indicator_id"),
        "outcomes_13th": plan.outcomes_13th().set_index("outcome_id"),
    }
    rows = []
    for sid, table, row_id, denominator, per, scope, note in _STANDARD_SOURCES:
        t = tables[table]
        if row_id not in t.index:
            raise KeyError(f"plan table {table} has no row {row_id!r} (standard {sid})")
        r = t.loc[row_id]
        if table == "projects":
            name, rate, text = r["metric_zh"], r["target_value"], r["target_text"]
            source = f"{table}: {r['section']}"
        elif table == "indicators":
            name, rate, text = r["name_zh"], r["target_value"], r["target_text"]
            source = f"{table}: {r['source']}"
        else:
            name, rate, text = r["name_zh"], r["actual_value"], r["actual_text"]
            source = f"{table}: {r['source']} (actual)"
        op = r["target_op"] if table != "outcomes_13th" else ">="
        op = ">=" if pd.isna(op) else op
        rows.append(
            {
                "standard_id": sid,
                "name_zh": name,
                "rate": float(rate),
                "op": op,
                "per": per,
                "denominator": denominator,
                "unit": str(r["unit"]).split("/")[0],
                "rate_unit": str(r["unit"]),
                "scope": scope,
                "target_year": int(r["target_year"]),
                "plan_text": text,
                "source": source,
                "note": note,
                "domain": str(r["domain"]),
                "provision_zh": PROVISION_ZH[sid],
            }
        )
    return pd.DataFrame(rows)


def per_words(denominator: str, per: float) -> str:
    """How a rate's denominator is said: ``每千人口``, ``人均``, ``每千名60岁及以上老人``, ``每百户``.

    Examples
    --------
    >>> per_words("population", 1000), per_words("households_family", 100)
    ('每千人口', '每百户')
    """
    return _PER_ZH.get((denominator, float(per)), f"每{per:g}{DENOMINATORS[denominator]}")
