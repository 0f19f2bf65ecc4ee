"""What a domain brief shows besides the evaluation table: the units it compares, census values
of the seven units (for the 人口背景 of :mod:`huainan.briefs.gaps_report`), the domain's basic
services and dated projects, and the data notes.

The gap sections themselves (county and urban-rural gaps on the plan's indicators, need-based
shortfall) are :mod:`huainan.briefs.gaps_report`.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from huainan import plan
from huainan.evidence import stats
from huainan.plan import domains, regions
from huainan.text import md_escape

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
        The domain's rows of :func:`huainan.measures.regional.regional_gaps` (indicators whose
        county values could be compared between two years; may be empty).
    lang : {"zh", "en"}

    Returns
    -------
    str
        Bullets: plan source; observation sources used; indicators without any observation since
        2020 (named); where the county values and the 人口背景 come from; methods.
    """
    from huainan.evidence import monitoring

    d = domains.get(domain)
    zh = lang == "zh"
    sources = sorted(
        {
            md_escape(t)
            for s in progress["source_title"].dropna().astype(str)
            for t in s.split("；")
            if t
        }
    )
    no_obs = progress.loc[progress["value"].isna(), "name_zh"].tolist()
    stored = len(monitoring.observations())
    n_compared = 0 if disparity.empty else len(disparity)
    if zh:
        lines = _data_notes_zh(d.zh, sources, no_obs, stored, n_compared=n_compared)
    else:
        lines = _data_notes_en(sources, no_obs, stored, n_compared=n_compared)
    return "\n".join(lines)


def _data_notes_zh(
    domain_zh: str, sources: list[str], no_obs: list[str], stored: int, *, n_compared: int
) -> list[str]:
    """The bullets of :func:`data_notes` in Chinese (``n_compared``: indicators whose county
    values can be compared between two years)."""
    from huainan.evidence import monitoring
    from huainan.measures.regional import STABLE_BAND

    lines = []
    lines.append(
        "- 目标值、基期值与属性：《淮南市“十四五”公共服务规划（征求意见稿）》专栏2；"
        "重点工程目标：专栏4—13 及正文。"
    )
    lines.append(
        "- 观测值来源："
        + ("；".join(sources) if sources else "无（本领域指标在 2021 年以后暂无公开或报送的数值）")
        + "。"
    )
    if no_obs:
        lines.append(
            f"- **暂无观测值的指标（{len(no_obs)} 项）**："
            + "、".join(no_obs)
            + "。这些指标的结论为“数据暂缺”，不作推断；需由牵头部门按监测填报表报送年度数据。"
        )
    lines.append(f"- 监测数据库目前存有 {stored} 条报送数据；{monitoring.data_stamp().text_zh}。")
    if n_compared:
        lines.append(
            f"- 县区差距：各县区按监测填报表报送的规划指标数值（{n_compared} 项指标有两个"
            "年份可比）；只比较两个年份都有数值的县区；变异系数变化不足"
            f"{STABLE_BAND:.0%}视为基本持平；泰尔指数以最新常住人口为权重，按市辖区/县两组分解。"
        )
    else:
        lines.append(
            f"- 县区差距：{domain_zh}领域主要指标尚无两个年份的县区报送数值，本简报不判断差距变化。"
        )
    lines.append(
        "- 人口背景：第七次全国人口普查分县资料（2020年），只作背景，不作好坏判断；"
        "凤台县的普查数据含毛集实验区。"
    )
    lines.append(
        "- 方法：终期评估以2025年数值与目标值比较；中期和年度评估比较实际与达标所需年均增速"
        "（进度比R，依据联合国亚太经社会/Open SDG方法）；县区差距用变异系数（未加权）、"
        "最高/最低之比和泰尔指数T；缺口 = 规划人均标准 × 最新常住人口 − 报送的现有数量。"
    )
    return lines


def _data_notes_en(
    sources: list[str], no_obs: list[str], stored: int, *, n_compared: int
) -> list[str]:
    """The bullets of :func:`data_notes` in English."""
    from huainan.measures.regional import STABLE_BAND

    lines = []
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
        "- County gaps: the units' reported values of the plan's indicators; only units "
        f"reported in both years are compared; a CV change below {STABLE_BAND:.0%} is stable."
        if n_compared
        else "- County gaps: no indicator of this domain has county values for two years."
    )
    lines.append(
        "- Population background: 2020 census county tables (context, no verdict); "
        "Fengtai includes Maoji."
    )
    lines.append(
        "- Methods: UN ESCAP / Open SDG progress measures; CV, max/min and Theil T across "
        "units; shortfall = the plan's standard × the latest population − reported supply."
    )
    return lines


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
