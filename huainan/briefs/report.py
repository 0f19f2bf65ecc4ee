"""Tables and sentences for briefs: Chinese (default) or English labels, status colours.

The notebooks stay thin: they call these functions to turn analysis DataFrames into what an official
reads — a styled table and a headline — so the wording is the same in every brief and is tested.
"""

from __future__ import annotations

import pandas as pd

from huainan.briefs.charts import STATUS_COLOURS
from huainan.formats import number
from huainan.measures.progress import ATTAINMENT_ZH, PROGRESS_ZH, STATUS_ORDER, note_zh

LANGS = ("zh", "en")

_ATTAINMENT_EN = {
    "met": "met",
    "not_met": "not met",
    "borderline": "borderline (equals a strict bound)",
    "qualitative": "qualitative target",
    "no_data": "no data",
}

_REVIEW_COLUMNS = {
    "zh": {
        "domain_13th": "领域（十三五）",
        "name_zh": "指标",
        "unit": "单位",
        "target_text": "2020年目标",
        "actual_text": "2020年实绩",
        "status": "完成情况",
        "reason": "判断依据",
    },
    "en": {
        "domain_13th": "Domain (13th FYP)",
        "name_zh": "Indicator",
        "unit": "Unit",
        "target_text": "2020 target",
        "actual_text": "2020 actual",
        "status": "Attainment",
        "reason": "Reason",
    },
}


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")


def _text_colour(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#ffffff" if (0.299 * r + 0.587 * g + 0.114 * b) < 140 else "#111111"


def status_css(status: str) -> str:
    """CSS for a table cell showing ``status`` (background = status colour, readable text)."""
    colour = STATUS_COLOURS.get(status, "#ffffff")
    return f"background-color: {colour}; color: {_text_colour(colour)}"


def review_13th_headline(assessed: pd.DataFrame, lang: str = "zh") -> str:
    """One-paragraph summary of the 十三五 review, as Markdown.

    Parameters
    ----------
    assessed : pandas.DataFrame
        Output of :func:`huainan.measures.progress.assess_13th` (possibly filtered to some domains).
    lang : {"zh", "en"}

    Returns
    -------
    str
        Counts by attainment class and the names of every indicator not met or borderline.

    Raises
    ------
    ValueError
        If ``lang`` is not ``zh`` or ``en``.

    Examples
    --------
    >>> from huainan.measures.progress import assess_13th
    >>> print(review_13th_headline(assess_13th()).splitlines()[0])
    **26 项指标中，24 项已完成，2 项未完成（其中 2 项为临界：实绩恰好等于“高于/低于”的界限值）。**
    """
    _check_lang(lang)
    counts = assessed["attainment"].value_counts()
    n = len(assessed)
    met, border, not_met = (int(counts.get(k, 0)) for k in ("met", "borderline", "not_met"))
    other = n - met - border - not_met
    lines = []
    short = border + not_met  # a borderline target is not met (METHODS.md §1)
    if lang == "zh":
        head = f"**{n} 项指标中，{met} 项已完成，{short} 项未完成"
        if border:
            head += f"（其中 {border} 项为临界：实绩恰好等于“高于/低于”的界限值）"
        head += f"，{other} 项无法按数值判断。**" if other else "。**"
        lines.append(head)
        for _, r in assessed[assessed["attainment"].isin(["borderline", "not_met"])].iterrows():
            lines.append(f"- {r['name_zh']}：{r['reason']}")
    else:
        head = f"**Of {n} indicators: {met} met the 2020 target, {short} not met"
        if border:
            head += f" ({border} borderline: exactly at a strict bound)"
        head += f"; {other} cannot be scored numerically.**" if other else ".**"
        lines.append(head)
        for _, r in assessed[assessed["attainment"].isin(["borderline", "not_met"])].iterrows():
            lines.append(f"- {r['name_zh']}: {r['reason_en']}")
    return "\n".join(lines)


def review_13th_table(assessed: pd.DataFrame, lang: str = "zh"):
    """The 十三五 review as a styled table (status column coloured), for briefs.

    Parameters
    ----------
    assessed : pandas.DataFrame
        Output of :func:`huainan.measures.progress.assess_13th`.
    lang : {"zh", "en"}

    Returns
    -------
    pandas.io.formats.style.Styler
        Columns: domain (十三五 heading), indicator, unit, 2020 target and actual as printed
        (``[…]`` = five-year totals), attainment, reason. No index.
    """
    _check_lang(lang)
    labels = ATTAINMENT_ZH if lang == "zh" else _ATTAINMENT_EN
    out = pd.DataFrame(
        {
            "domain_13th": assessed["domain_13th"],
            "name_zh": assessed["name_zh"],
            "unit": assessed["unit"],
            "target_text": assessed["target_text"],
            "actual_text": assessed["actual_text"],
            "status": assessed["attainment"].map(labels),
            "reason": assessed["reason" if lang == "zh" else "reason_en"],
        }
    )
    colours = assessed["attainment"].map(status_css).tolist()
    names = _REVIEW_COLUMNS[lang]
    styled = out.rename(columns=names).style.hide(axis="index")
    styled = styled.apply(lambda col: colours, subset=[names["status"]], axis=0)
    styled = _left_header(styled.set_properties(**{"text-align": "left", "font-size": "0.9em"}))
    return styled


def review_13th_notes(lang: str = "zh") -> str:
    """Data notes for the 十三五 review (sources, reading rules, inconsistencies), as Markdown.

    Raises
    ------
    ValueError
        If ``lang`` is not ``zh`` or ``en``.
    """
    _check_lang(lang)
    if lang == "zh":
        return "\n".join(
            [
                "- 资料来源：《淮南市“十四五”公共服务规划（征求意见稿）》专栏1，2020年目标与实绩均为规划原文数字。",
                "- “[ ]”内为五年累计数（2016—2020年），与累计目标比较，不与单一年份比较。",
                "- 未标注限定词的目标：数值越大越好的指标按“不低于”理解，越小越好的指标（死亡率、失业率）按“不高于”理解。",
                "- 目标为“高于/低于”（严格不等式）而实绩恰好相等时，记为“临界”，按未完成计，以便读者看清原因。",
                "- 基本社会保险分属两个“十四五”领域：养老保险 → 老有所养，医疗保险 → 病有所医；"
                "基本社会服务中特困人员供养 → 弱有所扶，养老床位 → 老有所养。",
                "- 原文不一致之处：基本养老保险参保率2020年实绩在专栏1为 95，在专栏2“2020年”一栏印作“>95”；"
                "基本医疗保险参保率“十三五”目标为 >99，“十四五”目标为 95（低于2020年的 99）。",
            ]
        )
    return "\n".join(
        [
            "- Source: 专栏1 of the draft Huainan 14th Five-Year Public Services Plan; 2020 targets "
            "and actuals are the plan's own figures.",
            "- Values in [ ] are five-year totals (2016–2020) and are compared with five-year targets.",
            "- A plain-number target means 'at least' for higher-is-better indicators and 'at most' "
            "for lower-is-better ones (mortality, unemployment).",
            "- A strict target (> or <) met only with equality is 'borderline' and counted as not met.",
            "- 基本社会保险 is split: pensions → elderly care, medical insurance → health care; "
            "基本社会服务: 特困 support → vulnerable groups, elderly-care beds → elderly care.",
            "- Inconsistencies in the text: the 2020 pension-insurance coverage is 95 in 专栏1 but "
            "printed as '>95' in 专栏2; medical-insurance coverage had a >99 target for 2020 and a "
            "95 target for 2025 (below the 2020 value of 99).",
        ]
    )


# ---------------------------------------------------------------------------------------------
# Progress towards the 2025 targets (domain and city briefs)
# ---------------------------------------------------------------------------------------------

_PROGRESS_EN = {
    "achieved": "achieved",
    "on_track": "on track",
    "needs_acceleration": "needs acceleration",
    "limited_progress": "limited progress",
    "deterioration": "deterioration",
    "insufficient_data": "insufficient data",
    "qualitative": "qualitative target",
    "needs_reference": "needs Anhui reference value",
}


def status_label(status: str, lang: str = "zh") -> str:
    """Chinese (or English) label of a progress status."""
    _check_lang(lang)
    return (PROGRESS_ZH if lang == "zh" else _PROGRESS_EN).get(status, status)


def _fmt_value(x, unit: str = "") -> str:
    """Numbers for tables: :func:`huainan.formats.number`, "—" when missing, optional unit."""
    if x is None or pd.isna(x):
        return "—"
    return number(x) + (f" {unit}" if unit else "")


def progress_headline(table: pd.DataFrame, lang: str = "zh") -> str:
    """Markdown headline for a progress table: counts by status, binding indicators named first.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`huainan.measures.progress.progress_table` (possibly filtered to one domain).
    lang : {"zh", "en"}

    Returns
    -------
    str
        A bold sentence with the counts, then one bullet per binding (约束性) indicator with its
        status, then the other indicators that need attention (needs acceleration, limited
        progress, deterioration).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"name_zh": ["甲", "乙"], "attribute": ["binding", "expected"],
    ...                   "status": ["on_track", "insufficient_data"], "unit": ["%", "%"],
    ...                   "observed": [5.0, float("nan")], "observed_year": [2023, pd.NA],
    ...                   "target_text": ["≥6", "8"]})
    >>> print(progress_headline(t).splitlines()[0])
    **2 项指标：进度正常 1 项，数据不足 1 项。**
    """
    _check_lang(lang)
    counts = table["status"].value_counts()
    parts = [
        f"{status_label(s, lang)} {int(counts[s])} 项"
        if lang == "zh"
        else f"{int(counts[s])} {status_label(s, lang)}"
        for s in STATUS_ORDER
        if s in counts
    ]
    if lang == "zh":
        lines = [f"**{len(table)} 项指标：" + "，".join(parts) + "。**"]
    else:
        lines = [f"**{len(table)} indicators: " + ", ".join(parts) + ".**"]
    binding = table[table["attribute"] == "binding"]
    if not binding.empty:
        lines.append("")
        lines.append("约束性指标：" if lang == "zh" else "Binding indicators:")
        for _, r in binding.iterrows():
            lines.append(_bullet(r, lang))
    attention = table[
        (table["attribute"] != "binding")
        & table["status"].isin(["needs_acceleration", "limited_progress", "deterioration"])
    ]
    if not attention.empty:
        lines.append("")
        lines.append(
            "需要关注的预期性指标：" if lang == "zh" else "Expected indicators needing attention:"
        )
        for _, r in attention.iterrows():
            lines.append(_bullet(r, lang))
    return "\n".join(lines)


def _bullet(r, lang):
    if pd.isna(r.get("observed")):
        obs = "暂无观测值" if lang == "zh" else "no observed value"
    else:
        obs = (
            f"{int(r['observed_year'])}年 {_fmt_value(r['observed'], r['unit'])}"
            if lang == "zh"
            else f"{_fmt_value(r['observed'], r['unit'])} in {int(r['observed_year'])}"
        )
    tgt = f"目标 {r['target_text']}" if lang == "zh" else f"target {r['target_text']}"
    return (
        f"- {r['name_zh']}：{status_label(r['status'], lang)}（{obs}；{tgt}）"
        if lang == "zh"
        else f"- {r['name_zh']}: {status_label(r['status'], lang)} ({obs}; {tgt})"
    )


_PROGRESS_COLUMNS = {
    "zh": {
        "attribute": "属性",
        "name_zh": "指标",
        "unit": "单位",
        "baseline_text": "2020年基期值",
        "target_text": "2025年目标值",
        "observed": "最新观测值",
        "observed_year": "观测年份",
        "ratio": "进度比 R",
        "status": "状态",
        "note": "说明",
    },
    "en": {
        "attribute": "Attribute",
        "name_zh": "Indicator",
        "unit": "Unit",
        "baseline_text": "2020 baseline",
        "target_text": "2025 target",
        "observed": "Latest",
        "observed_year": "Year",
        "ratio": "Progress ratio R",
        "status": "Status",
        "note": "Note",
    },
}


def progress_table_styled(table: pd.DataFrame, lang: str = "zh"):
    """A progress table as a styled HTML table: binding (约束性) first, status cells coloured.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`huainan.measures.progress.progress_table` (or ``evaluation_table``); needs the
        plan's ``baseline_text`` — it is added from :func:`huainan.plan.indicators` if absent.
    lang : {"zh", "en"}

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    from huainan import plan

    _check_lang(lang)
    t = table.copy()
    if "baseline_text" not in t:
        t = t.merge(
            plan.indicators()[["indicator_id", "baseline_text"]], on="indicator_id", how="left"
        )
    t["_b"] = (t["attribute"] != "binding").astype(int)
    t = t.sort_values("_b", kind="stable").reset_index(drop=True)
    attr = (
        {"binding": "约束性", "expected": "预期性"}
        if lang == "zh"
        else {"binding": "binding", "expected": "expected"}
    )
    out = pd.DataFrame(
        {
            "attribute": t["attribute"].map(attr),
            "name_zh": t["name_zh"],
            "unit": t["unit"],
            "baseline_text": t["baseline_text"],
            "target_text": t["target_text"],
            "observed": [_fmt_value(v) for v in t["observed"]],
            "observed_year": [("—" if pd.isna(y) else str(int(y))) for y in t["observed_year"]],
            "ratio": [("—" if pd.isna(v) else f"{v:.2f}".replace("-", "−")) for v in t["ratio"]],
            "status": [status_label(s, lang) for s in t["status"]],
            "note": [(note_zh(n) if lang == "zh" else n) for n in t["note"].fillna("")],
        }
    )
    names = _PROGRESS_COLUMNS[lang]
    colours = t["status"].map(status_css).tolist()
    styled = out.rename(columns=names).style.hide(axis="index")
    styled = styled.apply(lambda col: colours, subset=[names["status"]], axis=0)
    return _left_header(styled.set_properties(**{"text-align": "left", "font-size": "0.9em"}))


_DISPARITY_COLUMNS = {
    "zh": [
        "指标",
        "单位",
        "年份",
        "最低",
        "最高",
        "最高/最低",
        "变异系数",
        "加权变异系数",
        "基尼系数（加权）",
        "泰尔T",
        "组间占比",
        "较2010年",
        "淮南市",
        "安徽省",
        "全国",
    ],
    "en": [
        "Indicator",
        "Unit",
        "Year",
        "Lowest",
        "Highest",
        "Max/min",
        "CV",
        "Weighted CV",
        "Gini (weighted)",
        "Theil T",
        "Between share",
        "Since 2010",
        "Huainan",
        "Anhui",
        "China",
    ],
}
_SIGMA = {
    "zh": {"narrowing": "差距缩小", "widening": "差距扩大", "unchanged": "持平"},
    "en": {"narrowing": "narrowing", "widening": "widening", "unchanged": "unchanged"},
}


def disparity_styled(summary: pd.DataFrame, lang: str = "zh"):
    """The regional-disparity summary (:func:`huainan.briefs.briefing.disparity_summary`) as a table.

    Lowest/highest columns name the unit and its value; "较2010年" says whether the coefficient
    of variation fell (σ-convergence, 差距缩小) or rose since the 2010 census.
    """
    _check_lang(lang)

    def f(x, digits=3):
        return "—" if pd.isna(x) else f"{x:.{digits}f}".replace("-", "−")

    rows = []
    for _, r in summary.iterrows():
        sigma = _SIGMA[lang].get(r["sigma"], "—") if pd.notna(r["sigma"]) else "—"
        rows.append(
            [
                r["name_zh"],
                r["unit"],
                int(r["year"]),
                f"{r['min_unit']} {_fmt_value(r['min'])}",
                f"{r['max_unit']} {_fmt_value(r['max'])}",
                f(r["max_min_ratio"], 2),
                f(r["cv"]),
                f(r["cv_weighted"]),
                f(r["gini_weighted"]),
                f(r["theil_t"], 4),
                "—"
                if pd.isna(r["theil_t_between_share"])
                else f"{r['theil_t_between_share'] * 100:.0f}%",
                sigma,
                _fmt_value(r["city"]),
                _fmt_value(r["anhui"]),
                _fmt_value(r["china"]),
            ]
        )
    out = pd.DataFrame(rows, columns=_DISPARITY_COLUMNS[lang])
    return plain_table(out)


def percentile_styled(wide: pd.DataFrame, comparison: str, lang: str = "zh"):
    """Percentile table (units × indicators, :func:`huainan.briefs.briefing.percentile_summary`).

    Columns with a better/worse direction are shaded red (worst) to green (best); neutral ones
    (e.g. the share aged 60+, where high is neither good nor bad) in a single blue scale, so that
    colour never suggests a judgement the data do not carry.
    """
    _check_lang(lang)
    scope = {"anhui": ("安徽省", "Anhui's"), "china": ("全国", "China's")}[comparison]
    n = wide.attrs.get("n")
    directions = wide.attrs.get("directions", {})
    wide = wide.rename_axis(index=None)
    styled = wide.round(0).style.format("{:.0f}", na_rep="—")
    judged = [c for c in wide.columns if directions.get(c, "neutral") != "neutral"]
    neutral = [c for c in wide.columns if c not in judged]
    if judged:
        styled = styled.background_gradient(cmap="RdYlGn", vmin=0, vmax=100, subset=judged)
    if neutral:
        styled = styled.background_gradient(cmap="Blues", vmin=0, vmax=130, subset=neutral)
    base = f"{n}个" if n else ""
    if lang == "zh":
        caption = (
            f"在{scope[0]}{base}县级单位（区、县、县级市，不含开发区）中的百分位（0—100）。"
            "红绿色的指标有优劣之分：100 = 最好；蓝色的指标无优劣之分：数值越大位置越高。"
        )
    else:
        caption = (
            f"Percentile among {scope[1]} {n or ''} county-level units (districts, counties, "
            "county-level cities; zones excluded). Red–green columns: 100 = best; blue "
            "columns have no better/worse direction: 100 = highest."
        )
    return _left_header(styled.set_caption(caption))


def _left_header(styled):
    """Left-align the header cells too (nbconvert's default right-aligns them)."""
    return styled.set_table_styles(
        [{"selector": "th", "props": [("text-align", "left")]}], overwrite=False
    )


def plain_table(df: pd.DataFrame):
    """A DataFrame as a left-aligned table without index, for briefs."""
    return _left_header(
        df.style.hide(axis="index").set_properties(**{"text-align": "left", "font-size": "0.9em"})
    )


def urbanization_styled(table: pd.DataFrame, lang: str = "zh"):
    """:func:`huainan.briefs.briefing.urbanization_table` with Chinese (or English) headers."""
    _check_lang(lang)
    cols = (
        [
            "县区",
            "2010年城镇人口",
            "2010年乡村人口",
            "2010年城镇化率（%）",
            "2020年城镇人口",
            "2020年乡村人口",
            "2020年城镇化率（%）",
            "变化（百分点）",
            "城乡人口比（2020）",
        ]
        if lang == "zh"
        else [
            "Unit",
            "Urban 2010",
            "Rural 2010",
            "Urbanisation 2010 (%)",
            "Urban 2020",
            "Rural 2020",
            "Urbanisation 2020 (%)",
            "Change (points)",
            "Urban/rural 2020",
        ]
    )
    out = pd.DataFrame(
        {
            cols[0]: table["name_zh"],
            cols[1]: [_fmt_value(v) for v in table["urban_2010"]],
            cols[2]: [_fmt_value(v) for v in table["rural_2010"]],
            cols[3]: [f"{v:.1f}" for v in table["rate_2010"]],
            cols[4]: [_fmt_value(v) for v in table["urban_2020"]],
            cols[5]: [_fmt_value(v) for v in table["rural_2020"]],
            cols[6]: [f"{v:.1f}" for v in table["rate_2020"]],
            cols[7]: [f"{v:+.1f}".replace("-", "−") for v in table["change"]],
            cols[8]: [f"{v:.2f}" for v in table["urban_rural_ratio_2020"]],
        }
    )
    return plain_table(out)


def shortfall_styled(table: pd.DataFrame, lang: str = "zh"):
    """A need-based shortfall table (:func:`huainan.measures.scenarios.capacity_needed`) for briefs.

    Requirement, reported supply and shortfall are rounded to whole units; where no supply was
    reported the supply and shortfall cells read "未报送" and the note says what the table shows.
    """
    _check_lang(lang)
    zh = lang == "zh"
    none = "未报送" if zh else "not reported"

    def whole(v):
        return none if pd.isna(v) else f"{v:,.0f}".replace("-", "−")

    out = pd.DataFrame(
        {
            ("县区" if zh else "Unit"): table["name_zh"],
            ("测算基数（2020年普查）" if zh else "Denominator (2020 census)"): [
                f"{v:,.0f}" for v in table["denominator_value"]
            ],
            (
                f"需求（{table['unit'].iloc[0]}）"
                if zh
                else f"Requirement ({table['unit'].iloc[0]})"
            ): [f"{v:,.0f}" for v in table["requirement"]],
            ("已报送供给" if zh else "Reported supply"): [whole(v) for v in table["supply"]],
            ("缺口" if zh else "Shortfall"): [whole(v) for v in table["shortfall"]],
            ("说明" if zh else "Note"): table["note_zh"] if zh else table["note"],
        }
    )
    return plain_table(out)


def status_counts_styled(table: pd.DataFrame, lang: str = "zh"):
    """Counts of indicators by domain × progress status (domains in plan order, totals row)."""
    from huainan.plan import domains

    _check_lang(lang)
    counts = table.groupby(["domain", "status"]).size().unstack(fill_value=0)
    counts = counts.reindex(index=list(domains.DOMAIN_IDS), fill_value=0)
    cols = [s for s in STATUS_ORDER if s in counts.columns]
    counts = counts[cols]
    counts.loc["total"] = counts.sum()
    counts.index = [
        ("合计" if lang == "zh" else "Total")
        if d == "total"
        else (domains.get(d).zh if lang == "zh" else domains.get(d).en)
        for d in counts.index
    ]
    counts.columns = [status_label(c, lang) for c in cols]
    counts.insert(0, "指标数" if lang == "zh" else "Indicators", counts.sum(axis=1))
    return counts.style.set_properties(**{"text-align": "center"})


def city_notes(table: pd.DataFrame, lang: str = "zh") -> str:
    """Data notes for the city overview: counts of indicators with and without observations."""
    _check_lang(lang)
    with_obs = int(table["observed"].notna().sum())
    n = len(table)
    if lang == "zh":
        return "\n".join(
            [
                "- 目标与基期值：《淮南市“十四五”公共服务规划（征求意见稿）》专栏1、专栏2。",
                f"- {n} 项主要指标中，{with_obs} 项有 2021 年以来的观测值；其余为“数据不足”或定性目标，"
                "不作推断。年度监测数据可用 `huainan template` 生成的表格填报，经 `huainan ingest` 入库后重新运行简报。",
                "- 相对目标（高于/达到全省平均水平）需同年安徽省平均值；缺少时状态为“待全省参照值”。",
                "- 县区差距：第六、七次全国人口普查分县资料；凤台县含毛集实验区。",
                "- 规划文本第八章第三节“完善监测评估”在征求意见稿中无正文；中期（2023）与终期（2025）评估表按规划期设定。",
            ]
        )
    return "\n".join(
        [
            "- Targets and baselines: 专栏1 and 专栏2 of the draft plan.",
            f"- {with_obs} of {n} main indicators have an observation since 2021; the others are "
            "'insufficient data' or qualitative, and nothing is inferred for them.",
            "- Relative targets need the Anhui average of the same year.",
            "- Regional gaps: 2010 and 2020 census county tables; Fengtai includes Maoji.",
            "- The draft's section on monitoring and evaluation (第八章第三节) has no text; the "
            "mid-term (2023) and final (2025) tables follow the plan period.",
        ]
    )


def reported_gap_text(indicator: pd.Series, values: pd.DataFrame, lang: str = "zh") -> str:
    """One sentence on the spread of a 专栏2 indicator reported by the county-level units.

    Parameters
    ----------
    indicator : pandas.Series
        A row of :func:`huainan.briefs.briefing.reported_unit_values` (``name_zh``, ``unit``, ``year``).
    values : pandas.DataFrame
        Its unit table (``name_zh``, ``value``, ``population``, ``group``).
    lang : {"zh", "en"}

    Returns
    -------
    str
        Markdown: how many units reported, highest and lowest, max/min ratio and the coefficient of
        variation (:func:`huainan.measures.gaps.disparity`, unweighted) of the units that reported.
    """
    from huainan.measures import gaps

    _check_lang(lang)
    have = values.dropna(subset=["value"])
    d = gaps.disparity(have, value="value")
    hi, lo = have.loc[have["value"].idxmax()], have.loc[have["value"].idxmin()]
    missing = values.loc[values["value"].isna(), "name_zh"].tolist()
    unit = indicator["unit"]
    if lang == "zh":
        text = (
            f"{int(indicator['year'])} 年，{len(values)} 个县区中 {len(have)} 个报送了"
            f"“{indicator['name_zh']}”：最高 {hi['name_zh']} {_fmt_value(hi['value'], unit)}，"
            f"最低 {lo['name_zh']} {_fmt_value(lo['value'], unit)}"
        )
        if pd.notna(d["max_min_ratio"]):
            text += f"，最高/最低 {d['max_min_ratio']:.2f}"
        text += f"，变异系数 {d['cv']:.3f}。"
        if missing:
            text += "未报送：" + "、".join(missing) + "（不作推断）。"
        return text
    text = (
        f"{int(indicator['year'])}: {len(have)} of {len(values)} units reported "
        f"{indicator['name_zh']}; highest {hi['name_zh']} {_fmt_value(hi['value'], unit)}, "
        f"lowest {lo['name_zh']} {_fmt_value(lo['value'], unit)}; CV {d['cv']:.3f}."
    )
    if missing:
        text += " Not reported: " + ", ".join(missing) + "."
    return text
