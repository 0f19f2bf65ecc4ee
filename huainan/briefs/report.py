"""Tables and sentences for briefs: Chinese (default) or English labels, status colours.

The notebooks stay thin: they call these functions to turn analysis DataFrames into what an official
reads — a styled table and a headline — so the wording is the same in every brief and is tested.
"""

from __future__ import annotations

import pandas as pd

from huainan.briefs.charts import STATUS_COLOURS
from huainan.formats import number
from huainan.measures.progress import (
    ATTAINMENT_ZH,
    FINAL_EN,
    PROGRESS_VERDICT_EN,
    VERDICT_ORDER,
    VERDICT_ZH,
)
from huainan.text import md_escape

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


def heading(zh: str, en: str, lang: str = "zh", level: int = 2) -> str:
    """A Markdown heading in the brief's one language (Chinese-only briefs carry no English).

    Examples
    --------
    >>> heading("一、总体评价", "Overall assessment"), heading("一、总体评价", "Overall", "en", 3)
    ('## 一、总体评价', '### Overall')
    """
    _check_lang(lang)
    return "#" * level + " " + (zh if lang == "zh" else en)


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
    styled = table_style(out.rename(columns=names))
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
# The evaluation table (domain and city briefs): huainan.measures.evaluation.evaluate
# ---------------------------------------------------------------------------------------------


def verdict_label(verdict: str, lang: str = "zh") -> str:
    """Chinese (or English) label of a verdict (:data:`huainan.measures.progress.VERDICT_ZH`)."""
    _check_lang(lang)
    en = {**PROGRESS_VERDICT_EN, **FINAL_EN}
    return (VERDICT_ZH if lang == "zh" else en).get(verdict, verdict)


def _fmt_value(x, unit: str = "") -> str:
    """Numbers for tables: :func:`huainan.formats.number`, "—" when missing, optional unit."""
    if x is None or pd.isna(x):
        return "—"
    return number(x) + (f" {unit}" if unit else "")


def verdict_counts_text(table: pd.DataFrame, lang: str = "zh") -> str:
    """Counts by verdict in one phrase: ``完成 3 项，未完成 1 项，数据暂缺 19 项``."""
    counts = table["verdict"].value_counts()
    if lang == "zh":
        return "，".join(
            f"{verdict_label(v, lang)} {int(counts[v])} 项" for v in VERDICT_ORDER if v in counts
        )
    return ", ".join(
        f"{int(counts[v])} {verdict_label(v, lang)}" for v in VERDICT_ORDER if v in counts
    )


def evaluation_headline(table: pd.DataFrame, lang: str = "zh") -> str:
    """Markdown headline of an evaluation table: counts by verdict (binding first), one bullet
    per binding (约束性) indicator, then the expected indicators missed or behind.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`huainan.measures.evaluation.evaluate` (possibly one domain's rows).
    lang : {"zh", "en"}

    Returns
    -------
    str

    Examples
    --------
    >>> t = pd.DataFrame({"name_zh": ["甲", "乙"], "attribute": ["binding", "expected"],
    ...     "verdict": ["not_met", "no_data"], "unit": ["%", "%"], "value": [51.89, float("nan")],
    ...     "value_year": ["2025", ""], "target_text": ["≥55", "8"], "gap_text": ["差 3.11 个百分点", ""],
    ...     "note": ["", "无2025年数据"]})
    >>> print(evaluation_headline(t).splitlines()[0])
    **2 项主要指标：未完成 1 项，数据暂缺 1 项；其中约束性指标 1 项：未完成 1 项。**
    >>> print(evaluation_headline(t).splitlines()[3])
    - 甲：未完成（2025年 51.89 %，目标 ≥55，差 3.11 个百分点）
    """
    _check_lang(lang)
    zh = lang == "zh"
    binding = table[table["attribute"] == "binding"]
    if zh:
        head = f"**{len(table)} 项主要指标：{verdict_counts_text(table, lang)}"
        if len(binding):
            head += f"；其中约束性指标 {len(binding)} 项：{verdict_counts_text(binding, lang)}"
        lines = [head + "。**"]
    else:
        head = f"**{len(table)} main indicators: {verdict_counts_text(table, lang)}"
        if len(binding):
            head += f"; of the {len(binding)} binding ones: {verdict_counts_text(binding, lang)}"
        lines = [head + ".**"]
    if not binding.empty:
        lines += ["", "约束性指标：" if zh else "Binding indicators:"]
        lines += [_bullet(r, lang) for _, r in binding.iterrows()]
    attention = table[
        (table["attribute"] != "binding") & table["verdict"].isin(["not_met", "lagging"])
    ]
    if not attention.empty:
        lines += [
            "",
            "未完成或滞后的预期性指标：" if zh else "Expected indicators missed or behind:",
        ]
        lines += [_bullet(r, lang) for _, r in attention.iterrows()]
    return "\n".join(lines)


def _bullet(r, lang: str) -> str:
    zh = lang == "zh"
    if pd.isna(r.get("value")):
        why = r.get("note") or ""
        obs = (md_escape(why.split("；")[0]) if why else "暂无数据") if zh else "no data"
    else:
        obs = (
            f"{r['value_year']}年 {_fmt_value(r['value'], r['unit'])}"
            if zh
            else f"{_fmt_value(r['value'], r['unit'])} in {r['value_year']}"
        )
    tgt = f"目标 {r['target_text']}" if zh else f"target {r['target_text']}"
    gap = r.get("gap_text") or ""
    tail = f"，{gap}" if zh and gap else ""
    if zh:
        return f"- {r['name_zh']}：{verdict_label(r['verdict'], lang)}（{obs}，{tgt}{tail}）"
    return f"- {r['name_zh']}: {verdict_label(r['verdict'], lang)} ({obs}; {tgt})"


_EVALUATION_COLUMNS = {
    "zh": {
        "attribute": "属性",
        "name_zh": "指标",
        "unit": "单位",
        "baseline_text": "2020年基期值",
        "target_text": "2025年目标值",
        "value": "采用数值",
        "value_year": "数值年份",
        "verdict": "结论",
        "gap": "差距或进度",
        "source": "来源",
        "note": "说明",
    },
    "en": {
        "attribute": "Attribute",
        "name_zh": "Indicator",
        "unit": "Unit",
        "baseline_text": "2020 baseline",
        "target_text": "2025 target",
        "value": "Value used",
        "value_year": "Year",
        "verdict": "Verdict",
        "gap": "Gap or progress",
        "source": "Source",
        "note": "Note",
    },
}


def evaluation_method(stage: str, lang: str = "zh", *, standalone: bool = True) -> str:
    """One paragraph saying how the verdicts of a stage were reached (for the reader of a brief).

    The wording follows ``huainan/measures/METHODS.md``; the thresholds are the module
    constants of :mod:`huainan.measures.progress`, never retyped here.

    Parameters
    ----------
    stage : {"final", "midterm", "annual"}
    lang : {"zh", "en"}
    standalone : bool
        True (a brief): the paragraph opens with "评估方法：" and ends with the order of
        sources. False (the final report, under its own heading "评估方法" after a paragraph
        on the sources): neither, so nothing is said twice.

    Returns
    -------
    str
    """
    from huainan.measures import progress

    _check_lang(lang)
    if lang == "zh":
        if stage == "final":
            text = (
                "评估方法：以2025年数值与规划目标值比较，达到为“完成”，未达到为“未完成”并给出差距；"
                "五年累计指标以2021—2025年逐年数值（或部门报送的累计数）之和比较；“高于/达到全省平均"
                "水平”与同年安徽省平均值比较；“应保尽保”以覆盖率100%为完成；无2025年数值为“数据暂缺”，"
                "不作推断。"
            )
            if standalone:
                text += "同一指标有多个来源时，部门报送优先，其次为官方发布，第三方转载或报道最后。"
                return text
            return text.removeprefix("评估方法：")
        return (
            "评估方法：比较实际年均增速与达到2025年目标所需年均增速（进度比R；五年累计指标比较累计"
            f"完成量与线性进度）。已达到目标为“提前实现”；R≥{progress.FASTER:g}为“快于预期”，"
            f"{progress.AS_EXPECTED:g}≤R<{progress.FASTER:g}为“基本符合预期”，"
            f"R<{progress.AS_EXPECTED:g}为“滞后于预期”；无规划期内数值为“数据暂缺”。"
        )
    if stage == "final":
        return (
            "Method: the 2025 value against the target (met / not met, with the gap); five-year "
            "totals as the sum of 2021–2025; relative targets against Anhui's value of the same "
            "year; no 2025 value = no data. Officials' returns take precedence over official "
            "publications, and those over third-party reposts."
        )
    return (
        "Method: observed vs required annual growth (progress ratio R; five-year totals against "
        f"the linear path). Achieved early; R ≥ {progress.FASTER:g} ahead of schedule; "
        f"{progress.AS_EXPECTED:g}–{progress.FASTER:g} broadly on schedule; below "
        f"{progress.AS_EXPECTED:g} behind schedule."
    )


def _gap_cell(r) -> str:
    if r["stage"] == "final":
        return r["gap_text"] or "—"
    if pd.notna(r["ratio"]):
        return f"进度比R {number(r['ratio'], 3)}"
    return r["gap_text"] or "—"


def _source_cell(r, lang: str) -> str:
    if not r["source_title"]:
        return "—"
    quality = r["source_quality_zh"] if lang == "zh" else r["source_quality"]
    text = f"{r['source_title']}（{quality}）"
    if r["source_url"]:
        text += f" {r['source_url']}"
    return text


def evaluation_table_styled(table: pd.DataFrame, lang: str = "zh"):
    """An evaluation table as a styled HTML table: binding (约束性) first, verdict cells coloured,
    each value with its source, evidence class and web address.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`huainan.measures.evaluation.evaluate` (possibly one domain's rows).
    lang : {"zh", "en"}

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    from huainan.measures.evaluation import binding_first

    _check_lang(lang)
    t = binding_first(table)
    out = pd.DataFrame(
        {
            "attribute": t["attribute_zh"] if lang == "zh" else t["attribute"],
            "name_zh": t["name_zh"],
            "unit": t["unit"],
            "baseline_text": t["baseline_text"],
            "target_text": t["target_text"],
            "value": [_fmt_value(v) for v in t["value"]],
            "value_year": [y or "—" for y in t["value_year"]],
            "verdict": [verdict_label(v, lang) for v in t["verdict"]],
            "gap": [_gap_cell(r) for _, r in t.iterrows()],
            "source": [_source_cell(r, lang) for _, r in t.iterrows()],
            "note": t["note"] if lang == "zh" else t["note_en"],
        }
    )
    names = _EVALUATION_COLUMNS[lang]
    colours = t["verdict"].map(status_css).tolist()
    styled = table_style(out.rename(columns=names))
    styled = styled.apply(lambda col: colours, subset=[names["verdict"]], axis=0)
    short = [names[k] for k in ("attribute", "unit", "value", "value_year", "verdict")]
    styled = styled.set_properties(subset=short, **{"white-space": "nowrap"})
    # indicator names stay readable next to long source cells (the city brief's wide table):
    # names at least 10em, sources and notes at most 22em (a long web address wraps), headers
    # on one line
    styled = styled.set_properties(subset=[names["name_zh"]], **{"min-width": "10em"})
    styled = styled.set_properties(
        subset=[names["source"], names["note"]],
        **{"max-width": "22em", "overflow-wrap": "anywhere"},
    )
    styled = styled.set_table_styles(
        [{"selector": "th", "props": [("white-space", "nowrap")]}], overwrite=False
    )
    return _left_header(styled.set_properties(**{"text-align": "left", "font-size": "0.9em"}))


def table_style(df: pd.DataFrame, *, index: bool = False):
    """``df.style`` with every cell, header and index label HTML-escaped (``<`` → ``&lt;``).

    The one way briefs turn a DataFrame into a Styler: cells may hold text from officials'
    returns (source titles, notes), which must never become markup in a brief.

    Parameters
    ----------
    df : pandas.DataFrame
    index : bool, default False
        Show the index.

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    styled = df.style.format(escape="html").format_index(escape="html", axis=1)
    if index:
        return styled.format_index(escape="html", axis=0)
    return styled.hide(axis="index")


def _left_header(styled):
    """Left-align the header cells too (nbconvert's default right-aligns them)."""
    return styled.set_table_styles(
        [{"selector": "th", "props": [("text-align", "left")]}], overwrite=False
    )


def plain_table(df: pd.DataFrame):
    """A DataFrame as a left-aligned table without index, for briefs."""
    return _left_header(
        table_style(df).set_properties(**{"text-align": "left", "font-size": "0.9em"})
    )


def verdict_counts_styled(table: pd.DataFrame, lang: str = "zh"):
    """Counts of indicators by domain × verdict (domains in plan order, a total row)."""
    from huainan.plan import domains

    _check_lang(lang)
    counts = table.groupby(["domain", "verdict"]).size().unstack(fill_value=0)
    counts = counts.reindex(index=list(domains.DOMAIN_IDS), fill_value=0)
    cols = [v for v in VERDICT_ORDER if v in counts.columns]
    counts = counts[cols]
    counts.loc["total"] = counts.sum()
    counts.index = [
        ("合计" if lang == "zh" else "Total")
        if d == "total"
        else (domains.get(d).zh if lang == "zh" else domains.get(d).en)
        for d in counts.index
    ]
    counts.columns = [verdict_label(c, lang) for c in cols]
    counts.insert(0, "指标数" if lang == "zh" else "Indicators", counts.sum(axis=1))
    return table_style(counts, index=True).set_properties(**{"text-align": "center"})


def city_notes(table: pd.DataFrame, lang: str = "zh") -> str:
    """Data notes for the city overview: what the evaluation rests on and what is missing."""
    _check_lang(lang)
    with_value = int(table["value"].notna().sum())
    third = int(table["third_party"].sum())
    n = len(table)
    from huainan.evidence.monitoring import data_stamp

    stamp = data_stamp()
    if lang == "zh":
        lines = [
            f"- {stamp.text_zh}。",
            "- 目标值与基期值：《淮南市“十四五”公共服务规划（征求意见稿）》专栏1、专栏2。",
            f"- {n} 项主要指标中，{with_value} 项有可用于评估的数值；其余为“数据暂缺”，不作推断，"
            "需由牵头部门报送年度监测数据后重新评估。",
            "- 证据优先次序：部门报送数据优先，其次为政府网站和统计年鉴等官方发布，第三方网站转载或"
            "报道的数值仅在无其他来源时采用，并在表中注明。",
        ]
        if third:
            lines.append(
                f"- 有 {third} 项指标的数值来自第三方转载或报道，正式引用前请与原始发布核对。"
            )
        lines += [
            "- 相对目标（高于/达到全省平均水平）与同年安徽省平均值比较；缺少同年全省数值时为“数据暂缺”。",
            "- 县区差距：各县区报送的规划指标数值；人口背景：第七次全国人口普查分县资料"
            "（凤台县含毛集实验区），只作背景。",
        ]
        return "\n".join(lines)
    return "\n".join(
        [
            "- Targets and baselines: 专栏1 and 专栏2 of the draft plan.",
            f"- {with_value} of {n} main indicators have a value to evaluate; the others are "
            "'no data' and nothing is inferred for them.",
            "- Evidence precedence: officials' returns, then official publications, then "
            "third-party reposts (flagged).",
            "- Relative targets are compared with the Anhui average of the same year.",
            "- County gaps: the units' reported values; population background: 2020 census "
            "(Fengtai includes Maoji).",
        ]
    )
