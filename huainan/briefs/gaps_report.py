"""The gap sections of briefs and documents: county gaps on the plan's indicators (2021→2025),
urban-rural gaps, need-based shortfall, and the census demographics as 人口背景.

Plain words first: every finding is one Chinese sentence a reader understands (寿县每千人口托位
2.9 个，为田家庵区的 66%，低于目标 4.6 个), written by :mod:`huainan.measures.regional`,
:mod:`huainan.measures.urban_rural` and :mod:`huainan.measures.shortfall`; the indices (CV, Theil
T and its district/county split, max/min) follow in a technical table, one number format per
column. Where nothing was reported a section says so in one sentence, naming what is needed.

For documents (the final report's 区域与城乡差距变化 and 十五五时期建议):
:func:`gap_evidence` (every table, computed once) and :func:`report_findings` (one sentence per
finding, with its section).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from huainan.briefs.report import plain_table
from huainan.formats import NO_DATA_ZH, column, fixed, number, percent
from huainan.measures import regional, shortfall, urban_rural
from huainan.plan import domains, regions
from huainan.text import md_escape

#: Census indicators that describe each domain's setting across the seven units (人口背景): the
#: people a domain serves, not its services — shown without verdicts.
CONTEXT_INDICATORS: dict[str, tuple[str, ...]] = {
    "childcare": ("share_age_0_4", "children_ever_born_per_woman"),
    "education": ("avg_years_schooling", "share_senior_high_plus", "illiteracy_rate"),
    "employment": ("employment_ratio", "agri_employment_share"),
    "health": ("share_age_65plus", "health_social_work_employment_share"),
    "elderly_care": ("share_age_60plus", "share_age_80plus", "share_households_65plus"),
    "housing": ("floor_area_per_person", "share_hh_tap_water", "share_hh_bath"),
    "social_assistance": ("share_one_person_households", "share_age_80plus"),
    "veterans": (),
    "culture_sports": (),
}


#: The city brief's 人口背景: a few census figures across every domain.
CITY_CONTEXT: tuple[str, ...] = (
    "share_age_0_4",
    "share_age_60plus",
    "avg_years_schooling",
    "floor_area_per_person",
    "share_one_person_households",
)


@dataclass
class GapEvidence:
    """Every gap table of one brief or document, computed once.

    Attributes
    ----------
    year_from, year_to : int
    panel : pandas.DataFrame
        :func:`huainan.measures.regional.county_panel` (the units' reported values).
    gaps : pandas.DataFrame
        :func:`huainan.measures.regional.regional_gaps` (indicators with two years).
    spread : pandas.DataFrame
        :func:`huainan.measures.regional.spread_by_year` (every indicator and year).
    coverage : pandas.DataFrame
        :func:`huainan.measures.regional.coverage`.
    urban_rural : pandas.DataFrame
        :func:`huainan.measures.urban_rural.urban_rural_panel`.
    urban_rural_changes : pandas.DataFrame
        :func:`huainan.measures.urban_rural.urban_rural_changes`.
    shortfalls : pandas.DataFrame
        :func:`huainan.measures.shortfall.plan_shortfalls` (all county-wide standards).
    findings : pandas.DataFrame
        :func:`huainan.measures.shortfall.shortfall_findings`.
    observations : pandas.DataFrame
        The long table they come from.
    """

    year_from: int
    year_to: int
    panel: pd.DataFrame
    gaps: pd.DataFrame
    spread: pd.DataFrame
    coverage: pd.DataFrame
    urban_rural: pd.DataFrame
    urban_rural_changes: pd.DataFrame
    shortfalls: pd.DataFrame
    findings: pd.DataFrame
    observations: pd.DataFrame

    def for_domain(self, domain: str | None) -> GapEvidence:
        """The same evidence restricted to one domain's indicators and standards (None: all)."""
        if domain is None:
            return self
        d = domains.get(domain).id
        from huainan import plan

        ids = set(plan.indicators().query("domain == @d")["indicator_id"])
        std = shortfall.need_standards()
        sids = set(std.loc[std["domain"] == d, "standard_id"])
        return GapEvidence(
            self.year_from,
            self.year_to,
            self.panel[self.panel["indicator_id"].isin(ids)],
            self.gaps[self.gaps["indicator_id"].isin(ids)],
            self.spread[self.spread["indicator_id"].isin(ids)],
            self.coverage[self.coverage["indicator_id"].isin(ids)],
            self.urban_rural[self.urban_rural["indicator_id"].isin(ids)],
            self.urban_rural_changes[self.urban_rural_changes["indicator_id"].isin(ids)],
            self.shortfalls[self.shortfalls["standard_id"].isin(sids)],
            self.findings[self.findings["standard_id"].isin(sids)],
            self.observations,
        )


def gap_evidence(
    observations: pd.DataFrame | None = None,
    *,
    year_from: int = 2021,
    year_to: int = 2025,
    units: list[str] | None = None,
    domain: str | None = None,
) -> GapEvidence:
    """Every gap table from one long table of observations.

    Parameters
    ----------
    observations : pandas.DataFrame, optional
        Default :func:`huainan.evidence.observed.all_observations`.
    year_from, year_to : int
        The span compared (the plan period 2021–2025).
    units : list of str, optional
        Units compared (default the seven).
    domain : str, optional
        Only this domain's indicators and standards (a domain brief: the others are not
        computed); None: all of them (the city brief, documents).

    Returns
    -------
    GapEvidence
    """
    from huainan.evidence.observed import all_observations

    obs = all_observations() if observations is None else observations
    codes = list(regions.UNIT_CODES if units is None else units)
    dens = shortfall.denominators_wide(
        shortfall.latest_denominators(obs, year=year_to, codes=codes)
    )
    ids = every = standards = None
    if domain is not None:
        from huainan import plan

        d = domains.get(domain).id
        every = list(plan.indicators().query("domain == @d")["indicator_id"])
        ids = [i for i in every if i not in regional.NOT_COMPARED]
        std = shortfall.need_standards().set_index("standard_id")["domain"]
        standards = [s for s in shortfall.COUNTY_STANDARDS if std[s] == d]
    panel = regional.county_panel(
        obs, year_from=year_from, year_to=year_to, indicators=ids, codes=codes, denominators=dens
    )
    gaps = regional.regional_gaps(
        obs, year_from=year_from, year_to=year_to, codes=codes, panel=panel, denominators=dens
    )
    pop = dens.set_index("region_code")["population"]
    spread = regional.spread_by_year(panel, pop if pop.notna().all() else None)
    ur = urban_rural.urban_rural_panel(obs, year_from=year_from, year_to=year_to, indicators=ids)
    short = shortfall.plan_shortfalls(
        obs, year=year_to, standards=standards, codes=codes, denominators=dens
    )
    return GapEvidence(
        year_from,
        year_to,
        panel,
        gaps,
        spread,
        regional.coverage(panel, every),
        ur,
        urban_rural.urban_rural_changes(ur),
        short,
        shortfall.shortfall_findings(short),
        obs,
    )


# ---------------------------------------------------------------------------------------------
# 区域差距: the plan's indicators across the units
# ---------------------------------------------------------------------------------------------


def single_year_sentences(ev: GapEvidence) -> list[str]:
    """The level finding of indicators reported in one year only (no change to compare)."""
    from huainan import plan

    out = []
    compared = set(ev.gaps["indicator_id"])
    for ind_id, part in ev.panel.groupby("indicator_id", sort=False):
        if ind_id in compared:
            continue
        year = int(part["year"].max())
        rows = part[part["year"] == year]
        verdicts = regional.units_below_target(ev.panel, str(ind_id), year, ev.observations)
        text = regional.level_sentence(plan.indicator(str(ind_id)), rows, verdicts, year)
        out.append(
            text
            + ("（仅一个县区报送）" if len(rows) == 1 else "（仅有一年县区数值，无法比较变化）")
        )
    return out


def regional_markdown(ev: GapEvidence, domain: str | None = None) -> str:
    """Section 区域差距 in plain words: per indicator the level finding and the change, then one
    sentence on what is missing.

    Returns
    -------
    str
        Markdown bullets (Chinese); when no unit reported any of the indicators, one paragraph
        naming them.
    """
    ev = ev.for_domain(domain)
    lines = []
    for r in ev.gaps.itertuples(index=False):
        lines.append(f"- {r.sentence_zh}{r.change_sentence_zh}")
        if r.note:
            lines.append(f"  （{md_escape(r.note)}）")
    lines += [f"- {t}" for t in single_year_sentences(ev)]
    missing = regional.missing_sentence(ev.coverage, ev.year_from, ev.year_to)
    not_compared = [
        f"{r.name_zh}不作县区比较：{r.reason}。"
        for r in ev.coverage[ev.coverage["reason"] != ""].itertuples(index=False)
    ]
    if not lines:
        scope = "本领域" if domain is not None else "规划"
        todo = ev.coverage[ev.coverage["reason"] == ""]
        head = (
            f"**{scope}主要指标尚无各县区报送的数值，无法比较县区差距。**"
            if len(todo)
            else f"**{scope}主要指标不作县区比较。**"
        )
        return "\n\n".join([head, *([missing] if missing else []), *not_compared])
    if missing:
        lines.append(f"- {missing}")
    lines += [f"- {t}" for t in not_compared]
    return "\n".join(lines)


_SPREAD_HEADERS = {
    "zh": ["指标", "年份", "报送县区数", "最低", "最高", "最高/最低", "变异系数", "泰尔指数T",
           "其中市辖区与县之间"],
    "en": ["Indicator", "Year", "Units", "Lowest", "Highest", "Max/min", "CV", "Theil T",
           "Between districts and counties"],
}  # fmt: skip


def spread_styled(ev: GapEvidence, domain: str | None = None, lang: str = "zh"):
    """The technical table after the sentences: the spread of each indicator, year by year.

    One format per column: each indicator's values in its own decimals
    (:func:`huainan.formats.decimals_for` over all its years), ratios to 2 decimals, CV and Theil
    T to 3, shares as whole per cent.
    """
    ev = ev.for_domain(domain)
    s = ev.spread.merge(
        ev.panel.drop_duplicates("indicator_id")[["indicator_id", "indicator_zh", "unit"]],
        on="indicator_id",
    )
    rows = []
    for _, grp in s.groupby("indicator_id", sort=False):
        d = regional_decimals(grp)
        for r in grp.itertuples(index=False):
            rows.append(
                [
                    f"{r.indicator_zh}（{r.unit}）",
                    str(r.year),
                    str(r.n),
                    f"{r.min_unit} {fixed(r.min, d)}",
                    f"{r.max_unit} {fixed(r.max, d)}",
                    fixed(r.max_min_ratio, 2, missing="—"),
                    fixed(r.cv, 3, missing="—"),
                    fixed(r.theil_t, 3, missing="—"),
                    percent(r.theil_t_between_share, 0, missing="—"),
                ]
            )
    return plain_table(pd.DataFrame(rows, columns=_SPREAD_HEADERS[lang]))


def regional_charts(
    ev: GapEvidence, domain: str | None = None, indicators: list[str] | None = None
):
    """The figures of section 区域差距: per indicator the units' values by year (with the 2025
    target where a county can be held to it), or the last year's bars when only one year was
    reported. Yields :class:`matplotlib.figure.Figure` (only for ``indicators`` when given)."""
    from huainan import plan
    from huainan.briefs import charts, gap_charts

    ev = ev.for_domain(domain)
    panel = ev.panel if indicators is None else ev.panel[ev.panel["indicator_id"].isin(indicators)]
    for ind_id, part in panel.groupby("indicator_id", sort=False):
        ind = plan.indicator(str(ind_id))
        judged = ind["target_kind"] == "numeric" and ind_id not in regional.COUNTY_BASIS
        target = float(ind["target_value"]) if judged else None
        label = f"{int(ind['target_year'])}年目标 {ind['target_text']}" if judged else ""
        if part["year"].nunique() > 1:
            yield gap_charts.county_trend_chart(ev.panel, str(ind_id), target=target,
                                                target_label=label)  # fmt: skip
            continue
        year = int(part["year"].iloc[0])
        refs = {label: float(ind["target_value"])} if judged else None
        yield charts.unit_bars(
            part[["region_code", "value"]],
            title=f"{part['indicator_zh'].iloc[0]}（{year}年，各县区报送）",
            unit=str(part["unit"].iloc[0]),
            source=gap_charts.SOURCE_RETURNS,
            references=refs,
        )


def urban_rural_charts(ev: GapEvidence, domain: str | None = None):
    """One urban-vs-rural figure per indicator and region reported for both parts."""
    from huainan.briefs import gap_charts

    ev = ev.for_domain(domain)
    pairs = ev.urban_rural[["indicator_id", "region_code"]].drop_duplicates()
    for r in pairs.itertuples(index=False):
        yield gap_charts.urban_rural_chart(ev.urban_rural, r.indicator_id, r.region_code)


def shortfall_sections(ev: GapEvidence, domain: str | None = None):
    """Per standard of the domain: (heading in Markdown, its rows of the shortfall table)."""
    ev = ev.for_domain(domain)
    std = shortfall.need_standards().set_index("standard_id")
    for sid, rows in ev.shortfalls.groupby("standard_id", sort=False):
        s = std.loc[sid]
        per = shortfall.per_words(s["denominator"], s["per"])
        more = "以上" if s["op"] == ">" else ""
        where = s["source"].split(": ")[-1].replace(" (actual)", "，“十三五”末实绩")
        head = (
            f"**{s['provision_zh']}**：规划标准为{per} {number(s['rate'])} {s['unit']}{more}"
            f"（{where}）"
        )
        yield head, rows


def regional_decimals(grp: pd.DataFrame) -> int:
    """Decimals of one indicator's values over all its years (one format per indicator)."""
    from huainan.formats import decimals_for

    return decimals_for([*grp["min"], *grp["max"]])


def gaps_overview_styled(ev: GapEvidence, lang: str = "zh"):
    """The city brief's overview: one row per indicator compared, first → last year."""
    zh = lang == "zh"
    t = ev.gaps
    out = pd.DataFrame(
        {
            ("指标" if zh else "Indicator"): t["name_zh"] + "（" + t["unit"] + "）",
            ("比较年份" if zh else "Years"): [f"{a}—{b}" for a, b in zip(t["year_from"], t["year_to"], strict=True)],
            ("县区数" if zh else "Units"): t["n_units"].astype(str),
            ("变异系数（起）" if zh else "CV (first)"): column(t["cv_from"].round(3)),
            ("变异系数（止）" if zh else "CV (last)"): column(t["cv_to"].round(3)),
            ("差距变化" if zh else "Change"): t["change_zh"] if zh else t["change"],
            ("低于2025年目标的县区" if zh else "Below the 2025 target"): t["below_target"].replace("", "—"),
        }
    )  # fmt: skip
    return plain_table(out)


# ---------------------------------------------------------------------------------------------
# 人口背景: census demographics, no verdicts
# ---------------------------------------------------------------------------------------------


#: The scopes of the percentile rows of :func:`population_context` (the ``comparison``
#: parameter of the domain brief).
COMPARISON_ZH: dict[str, str] = {"anhui": "安徽省", "china": "全国"}


def population_context(
    domain: str | None = None,
    units: list[str] | None = None,
    comparison: str | None = None,
) -> pd.DataFrame:
    """The census figures that describe a domain's setting across the units (2020), no indices.

    Parameters
    ----------
    domain : str, optional
        Domain id (None: the city brief's :data:`CITY_CONTEXT`).
    units : list of str, optional
    comparison : {"anhui", "china"}, optional
        When given, each indicator's row is followed by a row with each unit's percentile among
        the county-level units of Anhui or of China (2020 census; mid-rank percentile from
        :func:`huainan.measures.comparators.percentile_ranks`, 0–100 with one decimal, value
        from low to high — a unique maximum among 105 counties is 99.5, never 100; the city's
        cell is "—": it is not a county).

    Returns
    -------
    pandas.DataFrame
        One row per census indicator of :data:`CONTEXT_INDICATORS` (and per percentile row):
        ``indicator``, ``name_zh``, ``unit``, then one column per unit (Chinese name) and
        ``淮南市`` — the 2020 census values as display strings, one format per row
        (:func:`huainan.formats.column`). Empty for domains without one.

    Raises
    ------
    ValueError
        ``comparison`` is not one of :data:`COMPARISON_ZH`.
    """
    from huainan.briefs import briefing
    from huainan.evidence import stats
    from huainan.measures import comparators

    if comparison is not None and comparison not in COMPARISON_ZH:
        raise ValueError(f"comparison must be one of {sorted(COMPARISON_ZH)}, not {comparison!r}")
    ids = CONTEXT_INDICATORS[domains.get(domain).id] if domain is not None else CITY_CONTEXT
    codes = list(regions.UNIT_CODES if units is None else units)
    cat = stats.indicator_catalog().set_index("id")
    obs = stats.observations()
    base = comparators.comparison_base() if comparison is not None and ids else None
    rows = []
    for ind in ids:
        vals = briefing.regional_values(ind, 2020, observations=obs)
        vals = vals[vals["region_code"].isin(codes)]
        city = vals.attrs["references"]["淮南市"]
        shown = column([*vals["value"], city])
        row = {"indicator": ind, "name_zh": cat.at[ind, "name_zh"], "unit": cat.at[ind, "unit"]}
        row.update(dict(zip([*vals["name_zh"], "淮南市"], shown, strict=True)))
        rows.append(row)
        col = cat.at[ind, "national_column"]
        if comparison is None or base is None or not isinstance(col, str) or col not in base:
            continue
        ranks = comparators.percentile_ranks(
            base, indicators=[col], directions={col: 0}, units=list(vals["region_code"])
        )
        ranks = ranks[ranks["scope"] == comparison].set_index("region_code")
        n = int(ranks["n"].max())
        pct = {
            name: (
                NO_DATA_ZH
                if pd.isna(ranks.at[code, "percentile"])
                else f"{ranks.at[code, 'percentile']:.1f}"
            )
            for code, name in zip(vals["region_code"], vals["name_zh"], strict=True)
        }
        rows.append(
            {
                "indicator": ind,
                "name_zh": f"　在{COMPARISON_ZH[comparison]}{n}个县级单位中的百分位",
                "unit": "0—100，由低到高",
                **pct,
                "淮南市": "—",
            }
        )
    return pd.DataFrame(rows)


def population_context_text(domain: str | None = None, comparison: str | None = None) -> str:
    """One sentence introducing the 人口背景 table (and its percentile rows when ``comparison``
    is given, as for :func:`population_context`)."""
    if domain is not None and not CONTEXT_INDICATORS[domains.get(domain).id]:
        return "人口背景：本领域无与之直接相关的普查分县指标。"
    text = (
        "人口背景（第七次全国人口普查，2020年）：以下数字描述各县区服务对象的构成，"
        "是理解服务差距的背景，不是服务水平，不作好坏判断。凤台县含毛集实验区。"
    )
    if comparison is not None:
        text += (
            f"“百分位”为该县区的数值在{COMPARISON_ZH[comparison]}县级单位中由低到高的位置"
            "（50即居中，百分位越大表示数值越高），只说明相对位置。"
        )
    return text


def population_context_styled(table: pd.DataFrame, lang: str = "zh"):
    """:func:`population_context` as a table (indicator with its unit, then the units)."""
    out = table.drop(columns=["indicator"]).copy()
    out.insert(
        0,
        "指标" if lang == "zh" else "Indicator",
        out.pop("name_zh") + "（" + out.pop("unit") + "）",
    )
    return plain_table(out)


# ---------------------------------------------------------------------------------------------
# 城乡差距 and 缺口
# ---------------------------------------------------------------------------------------------


def urban_rural_markdown(ev: GapEvidence, domain: str | None = None) -> str:
    """Section 城乡差距: one sentence per indicator and region reported for both parts, then (or
    only) one sentence naming the indicators that still need urban and rural values."""
    ev = ev.for_domain(domain)
    lines = [f"- {s}" for s in ev.urban_rural_changes["sentence_zh"]]
    missing = urban_rural.missing_sentence(ev.urban_rural, domain)
    if missing:
        lines.append(missing if not lines else f"- {missing}")
    return "\n".join(lines)


def urban_rural_styled(ev: GapEvidence, domain: str | None = None, lang: str = "zh"):
    """The urban-rural values per indicator, region and year (one format per indicator)."""
    return plain_table(urban_rural_rows(ev, domain, lang))


def urban_rural_rows(ev: GapEvidence, domain: str | None = None, lang: str = "zh") -> pd.DataFrame:
    """The urban-rural table as display strings — the one table briefs and the 区域差距 app show.

    Returns
    -------
    pandas.DataFrame
        Columns 指标（单位）, 地区, 年份, 城镇, 乡村, 城镇/乡村, 城镇−乡村 (English headers for
        ``lang="en"``), all str: urban, rural and difference with one number of decimals per
        indicator (:func:`huainan.formats.decimals_for`, so ``3.0`` stands next to ``2.0``),
        the ratio with two, a missing ratio ``—``.
    """
    from huainan.formats import decimals_for

    ev = ev.for_domain(domain)
    rows = []
    for _, grp in ev.urban_rural.groupby("indicator_id", sort=False):
        d = decimals_for([*grp["urban"], *grp["rural"]])
        for r in grp.itertuples(index=False):
            rows.append(
                [f"{r.indicator_zh}（{r.unit}）", r.name_zh, str(r.year), fixed(r.urban, d),
                 fixed(r.rural, d), fixed(r.ratio, 2, missing="—"), fixed(r.difference, d)]
            )  # fmt: skip
    headers = (
        ["指标", "地区", "年份", "城镇", "乡村", "城镇/乡村", "城镇−乡村"]
        if lang == "zh"
        else ["Indicator", "Region", "Year", "Urban", "Rural", "Urban/rural", "Urban − rural"]
    )
    return pd.DataFrame(rows, columns=headers)


def shortfall_markdown(ev: GapEvidence, domain: str | None = None) -> str:
    """Section 缺口: one sentence per standard (where the gap is largest), or why there is none."""
    ev = ev.for_domain(domain)
    if ev.findings.empty:
        name = domains.get(domain).zh if domain is not None else "各领域"
        return f"**规划未给{name}设定按人口计算、适用于全体居民的配置标准，本节不作测算。**"
    return "\n".join(f"- {s}" for s in ev.findings["sentence_zh"])


def shortfall_styled(table: pd.DataFrame, lang: str = "zh"):
    """One standard's rows of :func:`huainan.measures.shortfall.plan_shortfalls` as a table:
    population used, requirement, reported supply, gap — whole numbers; "未报送" where no
    supply was reported."""
    zh = lang == "zh"
    unit = str(table["unit"].iloc[0])
    none = "未报送" if zh else "not reported"
    den = shortfall.DENOMINATORS[str(table["denominator"].iloc[0])]
    years = ["" if pd.isna(y) else f"（{int(y)}年）" for y in table["denominator_year"]]
    out = pd.DataFrame(
        {
            ("县区" if zh else "Unit"): table["name_zh"],
            (f"测算人口：{den}" if zh else "Population used"): [
                f"{v}{y}" for v, y in zip(column(table["denominator_value"], counts=True), years, strict=True)
            ],
            (f"按标准需要（{unit}）" if zh else f"Requirement ({unit})"): column(table["requirement"], counts=True),
            (f"现有（{unit}）" if zh else f"Supply ({unit})"): column(table["supply"], counts=True, missing=none),
            (f"缺口（{unit}）" if zh else f"Gap ({unit})"): column(table["gap"], counts=True, missing="—"),
            ("现有水平" if zh else "Current rate"): column(table["supply_rate"], missing="—"),
        }
    )  # fmt: skip
    return plain_table(out)


# ---------------------------------------------------------------------------------------------
# for documents: one sentence per finding
# ---------------------------------------------------------------------------------------------

REPORT_SECTIONS = ("区域与城乡差距变化", "十五五时期建议")


def report_findings(ev: GapEvidence) -> pd.DataFrame:
    """Every finding of the gap analysis as one Chinese sentence, by report section.

    Parameters
    ----------
    ev : GapEvidence
        :func:`gap_evidence` of the span reported (2021–2025).

    Returns
    -------
    pandas.DataFrame
        Columns ``section`` (one of :data:`REPORT_SECTIONS`), ``kind`` (``regional`` |
        ``urban_rural`` | ``shortfall`` | ``missing``), ``topic`` (indicator or standard id, ""
        for a general sentence), ``sentence_zh``. Section 区域与城乡差距变化: per indicator the
        level and the change of the county gap, the urban-rural findings, and what is missing;
        section 十五五时期建议: the counties to catch up first (largest gaps to the standards, units
        below the 2025 targets), and the data the 十五五 monitoring needs.
    """
    rows: list[tuple[str, str, str, str]] = []
    first, second = REPORT_SECTIONS
    for r in ev.gaps.itertuples(index=False):
        rows.append((first, "regional", r.indicator_id, r.sentence_zh + r.change_sentence_zh))
    for text in single_year_sentences(ev):
        rows.append((first, "regional", "", text))
    for r in ev.urban_rural_changes.itertuples(index=False):
        rows.append((first, "urban_rural", r.indicator_id, r.sentence_zh))
    missing = regional.missing_sentence(ev.coverage, ev.year_from, ev.year_to)
    if missing:
        rows.append((first, "missing", "", missing))
    ur_missing = urban_rural.missing_sentence(ev.urban_rural)
    if ur_missing:
        rows.append((first, "missing", "", ur_missing))
    for r in ev.findings.itertuples(index=False):
        rows.append((second, "shortfall", r.standard_id, _suggestion(r)))
    for r in ev.gaps.itertuples(index=False):
        if r.below_target and r.change in ("widened", "stable"):
            rows.append(
                (second, "regional", r.indicator_id,
                 f"{r.name_zh}：{r.below_target.replace('；', '、')}低于2025年目标，县区差距"
                 f"{r.change_zh}，“十五五”时期资源配置宜向这些县区倾斜。")
            )  # fmt: skip
    if missing or ur_missing or ev.findings["n_reported"].eq(0).any():
        rows.append(
            (second, "missing", "",
             "“十五五”监测应延续按县区、分城镇和乡村报送主要指标，并报送托位、医护人员、养老床位等"
             "现有数量，以便测算差距和缺口。")
        )  # fmt: skip
    return pd.DataFrame(rows, columns=["section", "kind", "topic", "sentence_zh"])


def _suggestion(r) -> str:
    if r.n_reported == 0:
        return (
            f"{r.provision_zh}：各县区现有数量未报送，无法测算缺口；按标准需求最大的是{r.largest}，"
            "应先摸清现有数量。"
        )
    if r.n_short == 0:
        return (
            f"{r.provision_zh}：报送的县区均已达到规划标准，“十五五”时期重在保持并随人口变化调整。"
        )
    return (
        f"{r.provision_zh}：“十五五”时期应优先补齐{r.largest}的缺口（报送县区合计缺约 "
        f"{number(round(r.unmet))} {r.unit}），{r.sentence_zh.split('，')[0]}配置。"
    )


__all__ = [
    "CONTEXT_INDICATORS",
    "GapEvidence",
    "NO_DATA_ZH",
    "REPORT_SECTIONS",
    "gap_evidence",
    "gaps_overview_styled",
    "population_context",
    "population_context_styled",
    "population_context_text",
    "regional_charts",
    "regional_markdown",
    "report_findings",
    "shortfall_sections",
    "shortfall_markdown",
    "shortfall_styled",
    "single_year_sentences",
    "spread_styled",
    "urban_rural_charts",
    "urban_rural_markdown",
    "urban_rural_styled",
]
