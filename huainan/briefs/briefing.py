"""What a domain brief shows besides the plan's indicators: regional gaps across the seven units,
urban-rural structure, need-based shortfall, the domain's basic services and dated projects.

The functions assemble results of :mod:`huainan.measures.gaps`, :mod:`huainan.measures.comparators`,
:mod:`huainan.measures.scenarios` and :mod:`huainan.plan` for one domain, so that the brief notebooks stay thin.
Which published indicators stand for a domain's regional gaps is a choice made here
(:data:`GAP_INDICATORS`), from what the census county tables publish for all seven units; domains
with no such indicator (优军服务保障, 文体服务保障) say so rather than borrow unrelated figures.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pandas as pd

from huainan import plan
from huainan.evidence import stats
from huainan.measures import comparators, gaps
from huainan.plan import domains, regions

#: Census indicators (``huainan.evidence.stats`` catalogue ids) that describe each domain's situation across
#: the seven units — published for every unit in 2010 and 2020 (``share_hh_lift`` only 2020).
GAP_INDICATORS: dict[str, tuple[str, ...]] = {
    "childcare": ("share_age_0_4", "children_ever_born_per_woman"),
    "education": (
        "avg_years_schooling",
        "share_senior_high_plus",
        "share_college_plus",
        "illiteracy_rate",
    ),
    "employment": ("employment_ratio", "agri_employment_share", "industry_employment_share"),
    "health": ("share_age_65plus", "health_social_work_employment_share"),
    "elderly_care": (
        "share_age_60plus",
        "share_age_65plus",
        "share_households_65plus",
        "old_age_dependency_ratio",
    ),
    "housing": (
        "floor_area_per_person",
        "share_hh_tap_water",
        "share_hh_toilet",
        "share_hh_bath",
        "share_hh_kitchen",
    ),
    "social_assistance": ("share_one_person_households", "share_age_80plus"),
    "veterans": (),
    "culture_sports": (),
}

#: The plan's per-capita standards (``huainan.measures.gaps.need_standards`` ids) that apply to a domain.
NEED_STANDARDS: dict[str, tuple[str, ...]] = {
    "childcare": ("nursery_places",),
    "elderly_care": ("elderly_care_beds",),
    "culture_sports": ("community_service_space",),
}

REFERENCE_CODES = {"340400": "淮南市", "340000": "安徽省", "100000": "全国"}


def select_units(codes: list[str] | None = None) -> list[str]:
    """Return the unit codes a brief analyses: ``codes`` checked, or all seven when None.

    Raises
    ------
    ValueError
        If a code is not one of the seven county-level units, or fewer than two are given
        (disparity needs at least two units).

    Examples
    --------
    >>> select_units(["340422", "340421"])
    ['340421', '340422']
    """
    if codes is None:
        return list(regions.UNIT_CODES)
    unknown = [c for c in codes if str(c) not in regions.UNIT_CODES]
    if unknown:
        raise ValueError(
            f"not county-level units of Huainan: {unknown}; valid: {', '.join(regions.UNIT_CODES)}"
        )
    if len(set(codes)) < 2:
        raise ValueError("choose at least two units for a regional comparison")
    return [c for c in regions.UNIT_CODES if c in {str(x) for x in codes}]


def _check_domain(domain: str) -> str:
    return domains.get(domain).id


def _catalog_row(indicator: str) -> pd.Series:
    return stats.indicator_catalog().set_index("id").loc[indicator]


def regional_values(
    indicator: str, year: int = 2020, *, observations: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Values of one indicator for the seven units, with census population and group.

    Parameters
    ----------
    indicator : str
        A statistics-catalogue id (e.g. ``share_age_60plus``) or a plan indicator id present in
        the observations.
    year : int
        Observation year (2020 = census).
    observations : pandas.DataFrame, optional
        Long table; default :func:`huainan.evidence.stats.observations`.

    Returns
    -------
    pandas.DataFrame
        Seven rows in unit order: ``region_code``, ``name_zh``, ``group`` (district/county),
        ``value`` (float64, NaN when not published), ``population`` (2020 census residents,
        float64), ``source`` (str or NA). ``attrs["references"]`` maps 淮南市/安徽省/全国 to
        their values of the same indicator and year (NaN if not published).
    """
    obs = stats.observations() if observations is None else observations
    sel = obs[(obs["indicator"] == indicator) & (obs["year"] == year) & (obs["area"] == "total")]
    sel = sel.drop_duplicates("region_code", keep="first").set_index("region_code")
    u = regions.units()
    out = pd.DataFrame(
        {
            "region_code": u["code"],
            "name_zh": u["name_zh"],
            "group": u["group"],
            "value": u["code"].map(sel["value"]).astype("float64"),
            "population": u["code"].map(stats.census_denominators("population")).astype("float64"),
            "source": u["code"].map(sel["source"]),
        }
    )
    out.attrs["references"] = {
        name: float(sel.at[code, "value"]) if code in sel.index else float("nan")
        for code, name in REFERENCE_CODES.items()
    }
    return out


def disparity_summary(
    domain: str, *, years: tuple[int, ...] = (2010, 2020), units: list[str] | None = None
) -> pd.DataFrame:
    """Regional disparity of the domain's census indicators across the seven units.

    Parameters
    ----------
    domain : str
        Domain id or Chinese name.
    units : list of str, optional
        Unit codes to compare (default all seven; see :func:`select_units`).
    years : tuple of int
        Census years to compare (σ-convergence: did the coefficient of variation fall?).

    Returns
    -------
    pandas.DataFrame
        One row per indicator of :data:`GAP_INDICATORS` (empty for domains without one):
        ``indicator``, ``name_zh``, ``unit``, ``direction``, ``year`` (the latest of ``years``
        with data), ``n``, ``min_unit``/``max_unit`` (names), ``min``, ``max``,
        ``max_min_ratio``, ``cv``, ``cv_weighted``, ``gini``, ``gini_weighted``, ``theil_t``,
        ``theil_t_between_share`` (share of Theil T between districts and counties),
        ``theil_l``, ``cv_first`` (CV in the first year), ``sigma`` (``narrowing``/``widening``
        between the years), ``city``, ``anhui``, ``china`` (references), ``note``.
        Weighted measures use 2020 census residents; groups are districts vs counties
        (:func:`huainan.plan.regions.groups`). Formulas: :func:`huainan.measures.gaps.disparity`.
    """
    domain = _check_domain(domain)
    obs = stats.observations()
    rows = []
    for ind in GAP_INDICATORS[domain]:
        cat = _catalog_row(ind)
        by_year = {}
        for y in years:
            vals = regional_values(ind, y, observations=obs)
            vals = vals[vals["region_code"].isin(select_units(units))].reset_index(drop=True)
            if vals["value"].notna().any():
                by_year[y] = vals
        if not by_year:
            continue
        last = max(by_year)
        vals = by_year[last]
        d = gaps.disparity(vals, value="value", population="population", group="group")
        have = vals.dropna(subset=["value"])
        lo = have.loc[have["value"].idxmin()]
        hi = have.loc[have["value"].idxmax()]
        first = min(by_year)
        cv_first = (
            gaps.disparity(by_year[first], value="value")["cv"] if first != last else float("nan")
        )
        sigma = pd.NA
        if first != last and pd.notna(cv_first) and pd.notna(d["cv"]):
            sigma = (
                "narrowing"
                if d["cv"] < cv_first
                else "widening"
                if d["cv"] > cv_first
                else "unchanged"
            )
        refs = vals.attrs["references"]
        rows.append(
            {
                "indicator": ind,
                "name_zh": cat["name_zh"],
                "unit": cat["unit"],
                "direction": cat["direction"],
                "year": last,
                "n": int(d["n"]),
                "min_unit": lo["name_zh"],
                "min": float(lo["value"]),
                "max_unit": hi["name_zh"],
                "max": float(hi["value"]),
                "max_min_ratio": d["max_min_ratio"],
                "cv": d["cv"],
                "cv_weighted": d["cv_weighted"],
                "gini": d["gini"],
                "gini_weighted": d["gini_weighted"],
                "theil_t": d["theil_t"],
                "theil_t_between_share": d["theil_t_between_share"],
                "theil_l": d["theil_l"],
                "cv_first": cv_first,
                "first_year": first,
                "sigma": sigma,
                "city": refs["淮南市"],
                "anhui": refs["安徽省"],
                "china": refs["全国"],
                "note": d["note"],
            }
        )
    return pd.DataFrame(rows)


def percentile_summary(domain: str, comparison: str = "anhui") -> pd.DataFrame:
    """Each unit's percentile among Anhui's (or China's) counties for the domain's indicators.

    Parameters
    ----------
    domain : str
    comparison : {"anhui", "china"}

    Returns
    -------
    pandas.DataFrame
        Index: unit names (seven rows); columns: indicator names (``name_zh``); values: the
        percentile (0–100, mid-rank; :func:`huainan.measures.comparators.percentile_ranks`) of the 2020
        census value among county-level units (:func:`huainan.measures.comparators.comparison_base`:
        functional zones such as 合肥高新区 are left out).
        For indicators with a better/worse direction the value is the favourable percentile (100
        = best); for neutral ones (e.g. the share aged 60+) the plain position (100 = highest).
        ``attrs["directions"]`` maps each column to ``higher_better``/``lower_better``/``neutral``
        and ``attrs["n"]`` gives the size of the comparison base. Empty if the domain has no
        census indicator.

    Raises
    ------
    ValueError
        If ``comparison`` is not ``anhui`` or ``china``.
    """
    if comparison not in ("anhui", "china"):
        raise ValueError(f"comparison must be 'anhui' or 'china', not {comparison!r}")
    domain = _check_domain(domain)
    inds = list(GAP_INDICATORS[domain])
    if not inds:
        return pd.DataFrame()
    ranks = comparators.percentile_ranks(comparators.comparison_base(), indicators=inds)
    ranks = ranks[ranks["scope"] == comparison].copy()
    ranks["shown"] = ranks["percentile_favourable"].fillna(ranks["percentile"])
    cat = stats.indicator_catalog().set_index("id")
    unit_names = regions.units().set_index("code")["name_zh"]
    wide = ranks.pivot(index="region_code", columns="indicator", values="shown")
    wide = wide.reindex(index=list(regions.UNIT_CODES), columns=inds)
    wide.index = wide.index.map(unit_names)
    wide.columns = [cat.at[c, "name_zh"] for c in inds]
    wide.attrs["directions"] = {cat.at[c, "name_zh"]: cat.at[c, "direction"] for c in inds}
    wide.attrs["n"] = int(ranks["n"].max())
    return wide


def urbanization_table() -> pd.DataFrame:
    """Urban and rural residents and the urbanisation rate of each unit, 2010 and 2020 censuses.

    Returns
    -------
    pandas.DataFrame
        One row per unit and the city: ``region_code``, ``name_zh``, ``urban_2010``,
        ``rural_2010``, ``rate_2010`` (%), ``urban_2020``, ``rural_2020``, ``rate_2020`` (%),
        ``change`` (percentage points), ``urban_rural_ratio_2020`` (urban/rural residents).
        Source: 6th/7th census county tables (``huainan.evidence.stats``). The census county tables
        publish no other indicator split by urban and rural area for the units.
    """
    obs = stats.observations()
    gap = gaps.urban_rural_gap(obs, "population")
    codes = list(regions.UNIT_CODES) + [regions.CITY_CODE]
    rows = []
    for code in codes:
        rec: dict[str, Any] = {"region_code": code, "name_zh": regions.name(code)}
        for y in (2010, 2020):
            g = gap[(gap["region_code"] == code) & (gap["year"] == y)]
            if g.empty:
                rec.update(
                    {
                        f"urban_{y}": float("nan"),
                        f"rural_{y}": float("nan"),
                        f"rate_{y}": float("nan"),
                    }
                )
                continue
            urban, rural = float(g["urban"].iloc[0]), float(g["rural"].iloc[0])
            rec.update(
                {
                    f"urban_{y}": urban,
                    f"rural_{y}": rural,
                    f"rate_{y}": urban / (urban + rural) * 100,
                }
            )
            if y == 2020:
                rec["urban_rural_ratio_2020"] = float(g["ratio"].iloc[0])
        rec["change"] = rec["rate_2020"] - rec["rate_2010"]
        rows.append(rec)
    return pd.DataFrame(rows)


def shortfall_tables(domain: str, year: int = 2025) -> list[tuple[pd.Series, pd.DataFrame]]:
    """Need-based requirement (and shortfall where supply was reported) for the domain's standards.

    Parameters
    ----------
    domain : str
    year : int
        Latest year of reported supply to use.

    Returns
    -------
    list of (pandas.Series, pandas.DataFrame)
        For each standard of :data:`NEED_STANDARDS`: its row of
        :func:`huainan.measures.gaps.need_standards` and the table of
        :func:`huainan.measures.scenarios.capacity_needed` with 2020 census denominators (no population
        change assumed): requirement per unit, the latest supply reported up to ``year`` and the
        shortfall (NaN + "未报送供给" where no
        supply was reported), ranked, with the city total. Empty list if the plan sets no
        per-capita standard for the domain.
    """
    from huainan.measures import scenarios

    domain = _check_domain(domain)
    standards = gaps.need_standards().set_index("standard_id")
    out = []
    for sid in NEED_STANDARDS.get(domain, ()):
        table = scenarios.capacity_needed(scenarios.Assumptions(0.0, 0.0, horizon=year), sid)
        out.append((standards.loc[sid], table))
    return out


def services_table(domain: str) -> pd.DataFrame:
    """The domain's basic public services (专栏3), numbered as in the plan."""
    domain = _check_domain(domain)
    s = plan.services()
    s = s[s["domain"] == domain]
    return pd.DataFrame({"序号": s["item_no"], "基本公共服务项目": s["service_zh"]})


def projects_table(domain: str) -> pd.DataFrame:
    """The domain's dated quantitative project targets (专栏4–13 and chapter text)."""
    domain = _check_domain(domain)
    p = plan.projects()
    p = p[p["domain"] == domain]
    op = {">": "超过", ">=": "不少于"}
    target = [
        f"{op.get(o, '') if isinstance(o, str) else ''}{v:g}"
        + (f"~{m:g}" if pd.notna(m) else "")
        + f" {u}"
        for o, v, m, u in zip(
            p["target_op"], p["target_value"], p["target_value_max"], p["unit"], strict=True
        )
    ]
    year = [
        f"{int(s)}—{t}年" if pd.notna(s) and per in ("cumulative", "annual") else f"{t}年"
        for s, t, per in zip(p["period_start"], p["target_year"], p["period"], strict=True)
    ]
    return pd.DataFrame(
        {
            "事项": p["metric_zh"],
            "范围": p["scope"],
            "目标": target,
            "期限": [
                y + ("（原文未写年份）" if not printed else "")
                for y, printed in zip(year, p["year_printed"], strict=True)
            ],
            "出处": p["section"],
        }
    )


def data_notes(
    domain: str, progress: pd.DataFrame, disparity: pd.DataFrame, *, lang: str = "zh"
) -> str:
    """Markdown notes for a domain brief: where every figure comes from and what is missing.

    Parameters
    ----------
    domain : str
    progress : pandas.DataFrame
        The domain's rows of :func:`huainan.measures.evaluation.evaluate`.
    disparity : pandas.DataFrame
        :func:`disparity_summary` of the domain.
    lang : {"zh", "en"}

    Returns
    -------
    str
        Bullets: plan source; observation sources used; indicators without any observation since
        2020 (named); census source for regional gaps; methods; missing supply data.
    """
    from huainan.evidence import monitoring

    d = domains.get(domain)
    zh = lang == "zh"
    sources = sorted(
        {t for s in progress["source_title"].dropna().astype(str) for t in s.split("；") if t}
    )
    no_obs = progress.loc[progress["value"].isna(), "name_zh"].tolist()
    stored = len(monitoring.observations())
    lines = []
    if zh:
        lines.append(
            "- 目标值、基期值与属性：《淮南市“十四五”公共服务规划（征求意见稿）》专栏2；"
            "重点工程目标：专栏4—13 及正文。"
        )
        lines.append(
            "- 观测值来源："
            + (
                "；".join(sources)
                if sources
                else "无（本领域指标在 2021 年以后暂无公开或报送的数值）"
            )
            + "。"
        )
        if no_obs:
            lines.append(
                f"- **暂无观测值的指标（{len(no_obs)} 项）**："
                + "、".join(no_obs)
                + "。这些指标的结论为“数据暂缺”，不作推断；需由牵头部门按监测填报表报送年度数据。"
            )
        lines.append(f"- 监测数据库目前存有 {stored} 条报送数据。")
        if not disparity.empty:
            lines.append(
                "- 区域差距：第六、七次全国人口普查分县资料（2010、2020年），七个县区均有数据；"
                "人口加权指标以 2020 年普查常住人口为权重，区间分解按市辖区/县两组。"
            )
        else:
            lines.append(
                f"- 区域差距：{d.zh}领域暂无覆盖七个县区的公开统计指标，本简报不作区域比较。"
            )
        lines.append(
            "- 方法：终期评估以2025年数值与目标值比较；中期和年度评估比较实际与达标所需年均增速"
            "（进度比R，依据联合国亚太经社会/Open SDG方法）；"
            "差距指数为变异系数、基尼系数、泰尔指数（T、L）及其组间/组内分解。"
            "凤台县的普查数据含毛集实验区。"
        )
    else:
        lines.append(
            "- Targets, baselines and attributes: 专栏2 of the draft plan; project targets: "
            "专栏4–13 and the chapter text."
        )
        lines.append(
            "- Observed values: "
            + ("; ".join(sources) if sources else "none published or reported since 2021")
            + "."
        )
        if no_obs:
            lines.append(
                f"- **No observation for {len(no_obs)} indicators**: "
                + ", ".join(no_obs)
                + " — status 'insufficient data', nothing inferred."
            )
        lines.append(f"- The monitoring store holds {stored} reported values.")
        lines.append(
            "- Regional gaps: 2010 and 2020 census county tables; weights are 2020 "
            "residents; groups are districts vs counties."
            if not disparity.empty
            else "- Regional gaps: no published indicator covers all seven units for this domain."
        )
        lines.append(
            "- Methods: UN ESCAP / Open SDG progress measures; CV, Gini, Theil T and L "
            "with between/within decomposition. Fengtai's census figures include Maoji."
        )
    return "\n".join(lines)


def reported_unit_values(
    domain: str, year: int, *, observations: pd.DataFrame | None = None
) -> list[tuple[pd.Series, pd.DataFrame]]:
    """The domain's 专栏2 indicators as reported for the county-level units (monitoring returns).

    Parameters
    ----------
    domain : str
    year : int
        Latest year accepted; for each indicator the most recent year with values for at least
        two units is used.
    observations : pandas.DataFrame, optional
        Long table; default :func:`huainan.evidence.observed.all_observations`.

    Returns
    -------
    list of (pandas.Series, pandas.DataFrame)
        For each indicator with values for ≥ 2 units: its :func:`huainan.plan.indicators` row (with
        ``year`` added) and a table like :func:`regional_values` (``region_code``, ``name_zh``,
        ``group``, ``value``, ``population``, ``source``) whose ``attrs["references"]`` holds the
        city's value of the same year and the 2025 target where it is a number. Units that did
        not report stay NaN ("无数据"), never filled. Empty when no unit-level values exist (the
        shipped data hold none: they come from officials' returns via ``huainan ingest``).
    """
    from huainan.evidence.observed import all_observations

    domain = _check_domain(domain)
    obs = all_observations() if observations is None else observations
    units_ = regions.units()
    out = []
    for _, ind in plan.indicators().query("domain == @domain").iterrows():
        sel = obs[
            (obs["indicator"] == ind["indicator_id"])
            & (obs["area"] == "total")
            & (obs["year"] <= year)
            & obs["value"].notna()
        ]
        by_unit = sel[sel["region_code"].isin(regions.UNIT_CODES)]
        counts = by_unit.groupby("year")["region_code"].nunique()
        years = counts[counts >= 2].index
        if len(years) == 0:
            continue
        latest_year = int(max(years))
        rows = by_unit[by_unit["year"] == latest_year]
        if "origin" in rows:  # a monitoring return wins over a published figure of that year
            rows = rows.assign(_r=rows["origin"].map({"monitoring": 0, "stats": 1}))
            rows = rows.sort_values("_r")
        rows = rows.drop_duplicates("region_code").set_index("region_code")
        values = pd.DataFrame(
            {
                "region_code": units_["code"],
                "name_zh": units_["name_zh"],
                "group": units_["group"],
                "value": units_["code"].map(rows["value"]).astype("float64"),
                "population": units_["code"].map(stats.census_denominators("population")),
                "source": units_["code"].map(rows["source"]),
            }
        )
        city = sel[(sel["region_code"] == regions.CITY_CODE) & (sel["year"] == latest_year)]
        refs = {
            f"淮南市（{latest_year}年）": float(city["value"].iloc[0])
            if len(city)
            else float("nan")
        }
        if ind["target_kind"] == "numeric":
            refs[f"{int(ind['target_year'])}年目标"] = float(ind["target_value"])
        values.attrs["references"] = refs
        ind = ind.copy()
        ind["year"] = latest_year
        out.append((ind, values))
    return out


# ---------------------------------------------------------------------------------------------
# 全省16市比较: Huainan among Anhui's cities (《中国城市统计年鉴》, huainan.measures.peers)
# ---------------------------------------------------------------------------------------------

#: Domains whose briefs show the comparison (others have no yearbook measure).
PEER_DOMAINS = ("health", "education", "elderly_care", "culture_sports")


class PeerEvidence(dict):
    """What :func:`peer_evidence` returns: ``pc`` (:func:`huainan.measures.peers.per_capita`),
    ``summary`` (:func:`~huainan.measures.peers.peer_summary`), ``change``
    (:func:`~huainan.measures.peers.plan_period_change`) and ``proxy``
    (:func:`~huainan.measures.peers.proxy_progress`), filtered to a domain when one is asked."""


def _yearbook_key() -> tuple[str, int]:
    from huainan.evidence.yearbook import stats_dir

    path = stats_dir() / "city_yearbook.csv"
    return str(path), path.stat().st_mtime_ns


@lru_cache(maxsize=2)
def _peer_pc(key: tuple[str, int]) -> pd.DataFrame:
    from huainan.measures import peers

    return peers.per_capita()


def peer_per_capita() -> pd.DataFrame:
    """:func:`huainan.measures.peers.per_capita` of the committed table (全市), computed once per
    data file (a copy)."""
    return _peer_pc(_yearbook_key()).copy()


@lru_cache(maxsize=2)
def _peer_all(key: tuple[str, int]) -> PeerEvidence:
    from huainan.measures import peers

    pc = _peer_pc(key)
    return PeerEvidence(
        pc=pc,
        summary=peers.peer_summary(pc),
        change=peers.plan_period_change(pc),
        proxy=peers.proxy_progress(pc),
    )


def peer_evidence(domain: str | None = None) -> PeerEvidence:
    """Huainan among Anhui's 16 cities and all cities, 2018–2023, for the city or one domain.

    Parameters
    ----------
    domain : str, optional
        A plan domain id; the measures of :data:`huainan.measures.peers.MEASURES` of that domain
        (none for the domains outside :data:`PEER_DOMAINS`: the frames are then empty).

    Returns
    -------
    PeerEvidence
        A dict of DataFrames (copies; computed once per data file): ``pc``, ``summary``,
        ``change``, ``proxy`` (see :class:`PeerEvidence`). The proxy rows of a domain are those
        whose plan indicator belongs to it.
    """
    from huainan.measures import peers

    full = _peer_all(_yearbook_key())
    if domain is None:
        return PeerEvidence({k: v.copy() for k, v in full.items()})
    domain = _check_domain(domain)
    ids = [m.id for m in peers.MEASURES if m.domain == domain]
    plan_domain = {
        "physicians_per_1000": "health",
        "hospital_beds_per_1000": "health",
        "elderly_care_beds_total": "elderly_care",
    }
    proxy = full["proxy"]
    return PeerEvidence(
        pc=full["pc"][full["pc"]["measure"].isin(ids)].copy(),
        summary=full["summary"][full["summary"]["measure"].isin(ids)].copy(),
        change=full["change"][full["change"]["measure"].isin(ids)].copy(),
        proxy=proxy[proxy["plan_indicator"].map(plan_domain) == domain].copy(),
    )


def peer_city_values(measure: str, year: int, *, province: str = regions.PROVINCE_CODE):
    """One measure for the cities of a province in one year (bars and maps of the 16 cities).

    Returns
    -------
    pandas.DataFrame
        ``city_code``, ``city_name``, ``value`` (float64, NaN = 无数据), ``base_zh``,
        ``highlight`` (bool: 淮南市), sorted by code; ``attrs["median"]`` the province median,
        ``attrs["base_zh"]`` the population base of the year.
    """
    pc = _peer_pc(_yearbook_key())
    sel = pc[
        (pc["measure"] == measure)
        & (pc["data_year"] == int(year))
        & (pc["province_code"] == province)
    ]
    out = sel[["city_code", "city_name", "value", "base_zh"]].sort_values("city_code")
    out = out.assign(highlight=out["city_code"] == regions.CITY_CODE).reset_index(drop=True)
    out.attrs["median"] = float(out["value"].median())
    out.attrs["base_zh"] = out["base_zh"].iloc[0] if len(out) else ""
    return out


def budget_context() -> pd.DataFrame:
    """淮南市's 2025 budget execution (:func:`huainan.evidence.yearbook.budget_2025`), in the
    order a reader wants it: total, 民生 (amount and share), by function, five-year totals."""
    from huainan.evidence.yearbook import budget_2025

    order = [
        "budget_expenditure_general",
        "livelihood_expenditure",
        "livelihood_expenditure_share",
        "budget_expenditure_education",
        "budget_expenditure_social_security_employment",
        "budget_expenditure_health",
        "budget_expenditure_housing",
        "budget_expenditure_culture_sports_media",
        "childcare_subsidy_paid",
        "urban_new_jobs",
        "budget_expenditure_general_cum_2021_2025",
        "livelihood_expenditure_cum_2021_2025",
        "livelihood_expenditure_share_min_2021_2025",
    ]
    b = budget_2025()
    b = b.assign(_o=b["indicator"].map({k: i for i, k in enumerate(order)}).fillna(len(order)))
    return b.sort_values(["_o", "indicator"]).drop(columns="_o").reset_index(drop=True)
