"""全省16市比较: tables and sentences of Huainan among Anhui's 16 cities, for briefs and the final
report.

The evidence comes from :func:`huainan.briefs.briefing.peer_evidence` (《中国城市统计年鉴》,
:mod:`huainan.measures.peers`) and :func:`huainan.briefs.briefing.budget_context` (2025 budget
execution). A separate module from :mod:`huainan.briefs.report` only to keep each under ~900
lines; the same conventions apply (Chinese by default, ``lang="en"`` for researchers, one number
format from :mod:`huainan.formats`).
"""

from __future__ import annotations

import pandas as pd

from huainan.briefs.report import _check_lang, _left_header, plain_table, table_style
from huainan.evidence.yearbook import SPECS_BY_ID
from huainan.formats import number

# ---------------------------------------------------------------------------------------------
# 全省16市比较 (《中国城市统计年鉴》; huainan.measures.peers, huainan.briefs.briefing.peer_evidence)
# ---------------------------------------------------------------------------------------------

#: How the yearbook is cited in briefs (editions 2019–2024 = data years 2018–2023).
YEARBOOK_SOURCE_ZH = (
    "《中国城市统计年鉴》2019—2024年版（国家统计局城市社会经济调查司编，中国统计出版社；"
    "2018—2023年数据，地级以上城市全市口径）"
)
BUDGET_SOURCE_ZH = (
    "淮南市财政局《关于淮南市2025年预算执行情况和2026年预算草案的报告》（2026年2月13日）"
)
#: The measures a final-report paragraph names, in order.
HEADLINE_MEASURES = (
    "hospital_beds_per_1000",
    "physicians_per_1000",
    "elderly_beds_per_1000_60plus",
    "education_spending_per_pupil",
    "library_books_per_resident",
)


def _measure(mid: str):
    from huainan.measures.peers import MEASURES_BY_ID

    return MEASURES_BY_ID[mid]


def _fx(x, mid: str, *, sign: bool = False) -> str:
    from huainan.formats import fixed

    text = fixed(x, _measure(mid).decimals)
    return ("+" + text) if sign and not text.startswith(("−", "无")) and float(x) > 0 else text


def _change(x, mid: str, unit: str) -> str:
    """An absolute change with its unit; a change of a percentage is in 个百分点."""
    text = _fx(x, mid, sign=True)
    return f"{text}个百分点" if unit == "%" else f"{text}{unit}"


def _delta(x, mid: str, unit: str) -> str:
    """增加 0.59张 / 减少 0.4人/师 / 提高 0.5个百分点."""
    from huainan.formats import is_missing

    if is_missing(x):
        return "—"
    size = _fx(abs(float(x)), mid)
    if float(size.replace(",", "")) == 0:
        return "基本持平"
    if unit == "%":
        return f"{'提高' if x > 0 else '降低'}{size}个百分点"
    return f"{'增加' if x > 0 else '减少'}{size}{unit}"


def _growth(p) -> str:
    """增长 11.5% / 下降 6.5% / 持平."""
    from huainan.formats import fixed, is_missing

    if is_missing(p):
        return "—"
    if round(float(p), 1) == 0:
        return "持平"
    return f"{'增长' if p > 0 else '下降'}{fixed(abs(float(p)), 1)}%"


def _extreme(direction: int) -> str:
    return "最低" if direction == -1 else "最高"


def _pct(x) -> str:
    from huainan.formats import fixed, is_missing

    if is_missing(x):
        return "—"
    text = fixed(x, 1)
    return f"+{text}%" if float(x) > 0 else f"{text}%"


#: Column headers of :func:`peer_table_styled` by language.
_PEER_COLUMNS = {
    "zh": (
        "指标",
        "年份",
        "淮南市",
        "分母口径",
        "全省排名",
        "全省百分位",
        "全省中位数",
        "全国排名",
        "全国百分位",
        "规划期变化（淮南 vs 全省中位）",
    ),
    "en": (
        "Measure",
        "Year",
        "Huainan",
        "Base",
        "Rank in Anhui",
        "Anhui percentile",
        "Anhui median",
        "Rank in China",
        "China percentile",
        "Change over the plan period (Huainan vs Anhui median)",
    ),
}


def _trend(r: pd.Series, c: pd.Series | None, *, zh: bool) -> str:
    """The plan-period change of one measure (row ``r`` of the summary, ``c`` of the change
    table or ``None``) against the Anhui median; counts only when the bases differ."""
    if c is None:
        trend = "—"
    elif c["comparable"]:
        trend = (
            f"{_change(c['change'], r['measure'], r['unit'])}；全省中位 "
            f"{_change(c['anhui_median_change'], r['measure'], r['unit'])}"
            if zh
            else f"{_fx(c['change'], r['measure'], sign=True)} ({_pct(c['change_pct'])}); "
            f"Anhui median {_fx(c['anhui_median_change'], r['measure'], sign=True)}"
        )
    else:
        trend = (
            f"人口口径不同，不比人均值；总量{_growth(c['count_change_pct'])}，全省中位"
            f"{_growth(c['anhui_median_count_change_pct'])}"
            if zh
            else f"bases differ; count {_pct(c['count_change_pct'])}, Anhui median "
            f"{_pct(c['anhui_median_count_change_pct'])}"
        )
    return trend


def peer_table_styled(summary: pd.DataFrame, change: pd.DataFrame, lang: str = "zh"):
    """The latest year of every measure: Huainan's value, base, rank and percentile among
    Anhui's 16 cities and all cities, and the 2020→2023 change against the Anhui median.

    Parameters
    ----------
    summary, change : pandas.DataFrame
        :func:`huainan.measures.peers.peer_summary` and
        :func:`~huainan.measures.peers.plan_period_change` (one domain or all).
    lang : {"zh", "en"}

    Returns
    -------
    pandas.io.formats.style.Styler
        One row per measure; the percentile columns shaded red (worst) to green (best) for
        measures with a better/worse direction, grey for neutral ones.
    """
    _check_lang(lang)
    zh = lang == "zh"
    latest = summary.sort_values("data_year").groupby("measure", sort=False).tail(1)
    order = {m: i for i, m in enumerate(summary["measure"].drop_duplicates())}
    latest = latest.assign(_o=latest["measure"].map(order)).sort_values("_o")
    ch = change.set_index("measure")
    rows = []
    for _, r in latest.iterrows():
        c = ch.loc[r["measure"]] if r["measure"] in ch.index else None
        trend = _trend(r, c, zh=zh)
        years = f"{int(c['start_year'])}—{int(c['end_year'])}" if c is not None else ""
        rows.append(
            [
                f"{r['measure_zh']}（{r['unit']}）",
                int(r["data_year"]),
                _fx(r["value"], r["measure"]),
                r["base_zh"],
                f"{int(r['anhui_rank'])}/{int(r['anhui_n'])}",
                round(float(r["anhui_percentile"])),
                _fx(r["anhui_median"], r["measure"]),
                f"{int(r['china_rank'])}/{int(r['china_n'])}",
                round(float(r["china_percentile"])),
                f"{years}：{trend}" if years else trend,
            ]
        )
    cols = list(_PEER_COLUMNS[lang])
    out = pd.DataFrame(rows, columns=cols)
    judged = latest["direction"].to_numpy() != 0
    styled = table_style(out).set_properties(
        subset=[cols[0], cols[3], cols[9]], **{"text-align": "left"}
    )
    styled = styled.set_properties(subset=cols[1:3] + cols[4:9], **{"text-align": "right"})
    pct_cols = [cols[5], cols[8]]
    if judged.any():
        styled = styled.background_gradient(
            cmap="RdYlGn", vmin=0, vmax=100, subset=pd.IndexSlice[out.index[judged], pct_cols]
        )
    extra = []
    if (latest["direction"] == -1).any():
        extra.append("生师比越低越好")
    if (latest["direction"] == 0).any():
        extra.append("教育支出比重无优劣之分，只表示位置，不着色")
    caption = (
        "百分位：比淮南市差的城市所占比例（并列记一半），100 = 最好；排名 1 = 最好"
        + (f"（{'；'.join(extra)}）" if extra else "")
        + "。全国为年鉴所列全部地级以上城市。"
        if zh
        else "Percentile: share of cities doing worse (ties count half), 100 = best; rank 1 = "
        "best. China = every city of the yearbook."
    )
    return _left_header(styled.set_caption(caption))


def peer_headline(summary: pd.DataFrame, change: pd.DataFrame, lang: str = "zh") -> str:
    """Markdown bullets: for each measure, the latest value, rank in Anhui and the change over
    the plan period against the Anhui median (same base only)."""
    _check_lang(lang)
    zh = lang == "zh"
    latest = summary.sort_values("data_year").groupby("measure", sort=False).tail(1)
    order = {m: i for i, m in enumerate(summary["measure"].drop_duplicates())}
    latest = latest.assign(_o=latest["measure"].map(order)).sort_values("_o")
    ch = change.set_index("measure")
    lines = []
    for _, r in latest.iterrows():
        m = r["measure"]
        if zh:
            from huainan.measures.peers import POPULATION_BASES

            base = f"（{r['base_zh']}口径）" if r["base"] in POPULATION_BASES else ""
            text = (
                f"- **{r['measure_zh']}**：{int(r['data_year'])}年{base}"
                f"{_fx(r['value'], m)}{r['unit']}，居全省16市第{int(r['anhui_rank'])}位"
                f"（全省中位数{_fx(r['anhui_median'], m)}{r['unit']}，{_extreme(r['direction'])}"
                f"{r['anhui_best_city']}{_fx(r['anhui_best_value'], m)}{r['unit']}）"
            )
            if m in ch.index:
                c = ch.loc[m]
                span = f"{int(c['start_year'])}—{int(c['end_year'])}年"
                if c["comparable"]:
                    text += (
                        f"；{span}{_delta(c['change'], m, r['unit'])}（全省中位数"
                        f"{_delta(c['anhui_median_change'], m, r['unit'])}）"
                    )
                    gap = c["change"] - c["anhui_median_change"]
                    pupils = _measure(m).numerator.startswith("students") or (
                        _measure(m).denominator == "pupils"
                    )
                    if r["direction"] and pupils and abs(gap) <= c["uncertainty"]:
                        text += "，差别小于在校生按万人取整带来的误差"
                    elif r["direction"] and abs(gap) <= 0.1 * abs(c["anhui_median_change"]):
                        text += "，与全省中位水平相当"
                    elif r["direction"]:
                        text += (
                            "，改善快于全省中位水平"
                            if gap * r["direction"] > 0
                            else ("，改善慢于全省中位水平")
                        )
                else:
                    count = SPECS_BY_ID[_measure(m).numerator].name_zh
                    text += (
                        f"；{span}人口口径不同，不比较人均值；{count}{_growth(c['count_change_pct'])}"
                        f"（全省中位数{_growth(c['anhui_median_count_change_pct'])}）"
                    )
            lines.append(text + "。")
        else:
            lines.append(
                f"- **{r['measure_zh']}**: {int(r['data_year'])} ({r['base_zh']}) "
                f"{_fx(r['value'], m)} {r['unit']}, rank {int(r['anhui_rank'])} of "
                f"{int(r['anhui_n'])} in Anhui (median {_fx(r['anhui_median'], m)})."
            )
    return "\n".join(lines)


def _proxy_number(x) -> str:
    from huainan.formats import fixed, whole

    return whole(x) if abs(float(x)) >= 100 else fixed(x, 2)


def proxy_styled(proxy: pd.DataFrame, lang: str = "zh"):
    """参考指标: yearbook measures next to the plan figure they resemble, with the difference of
    basis and no verdict (:func:`huainan.measures.peers.proxy_progress`).

    Every row is a reference (``label`` 参考指标, ``verdict`` 不作达标判断): the caption says so
    once rather than in a column.
    """
    _check_lang(lang)
    rows = []
    for _, r in proxy.iterrows():
        seen: list[str] = []
        for y, v in (
            (r["proxy_first_year"], r["proxy_first"]),
            (r["proxy_latest_year"], r["proxy_latest"]),
        ):
            if pd.notna(y) and f"{int(y)}年" not in "".join(seen):
                seen.append(f"{int(y)}年 {_proxy_number(v)}")
        target = "—" if pd.isna(r["plan_target"]) else number(r["plan_target"])
        plan_values = f"2020年 {number(r['plan_baseline'])}" + (
            f"；2025年目标 {target}" if target != "—" else ""
        )
        rows.append(
            [
                f"{r['proxy_name']}（年鉴，{r['proxy_unit']}）",
                "；".join(seen) or "—",
                f"{r['plan_source']}：{r['plan_name']}",
                plan_values,
                r["basis_difference"],
            ]
        )
    cols = ["年鉴指标", "年鉴数值", "对应的规划数字", "规划数值", "口径差异"]
    if lang == "en":
        cols = ["Yearbook measure", "Yearbook values", "Plan figure", "Plan values", "Basis"]
    from huainan.measures.peers import PROXY_LABEL

    caption = (
        f"以下均为{PROXY_LABEL}：年鉴口径与规划口径不同，不据此判断规划指标是否达标。"
        if lang == "zh"
        else "References only: the yearbook's basis differs from the plan's; no verdict."
    )
    return plain_table(pd.DataFrame(rows, columns=cols)).set_caption(caption)


def budget_styled(budget: pd.DataFrame, lang: str = "zh"):
    """淮南市 2025 budget execution (:func:`huainan.briefs.briefing.budget_context`): figure,
    value, unit and, where useful, its share of total expenditure computed from the report."""
    _check_lang(lang)
    from huainan.formats import number

    b = budget.set_index("indicator")
    total = (
        b.at["budget_expenditure_general", "value"]
        if "budget_expenditure_general" in b.index
        else None
    )
    rows = []
    for ind, r in b.iterrows():
        share = ""
        if (
            total
            and r["unit"] == "亿元"
            and ind.startswith("budget_expenditure_")
            and not ind.endswith(("general", "cum_2021_2025"))
        ):
            share = f"{r['value'] / total * 100:.1f}%（按报告数计算）"
        rows.append([r["indicator_zh"], number(r["value"]), r["unit"], share])
    cols = (
        ["项目", "数值", "单位", "占一般公共预算支出"]
        if lang == "zh"
        else ["Item", "Value", "Unit", "Share of general budget expenditure"]
    )
    caption = (
        f"资料来源：{BUDGET_SOURCE_ZH}；2025年为执行数（快报），不是决算数。"
        if lang == "zh"
        else "Source: Huainan finance bureau, 2025 budget execution report (2026-02-13); "
        "preliminary figures, not final accounts."
    )
    return plain_table(pd.DataFrame(rows, columns=cols)).set_caption(caption)


def peer_notes(lang: str = "zh", measures: list[str] | None = None) -> str:
    """Data notes of the 全省16市比较 section: sources, bases and the known problems of the
    measures shown (all measures when ``measures`` is None). Huainan's populations and the
    rounding of its pupil counts are read from the data, not typed in."""
    _check_lang(lang)
    from huainan.briefs import briefing
    from huainan.evidence.yearbook import city_yearbook
    from huainan.measures.peers import MEASURES

    shown = [m for m in MEASURES if measures is None or m.id in measures]
    domains_shown = {m.domain for m in shown}
    if lang != "zh":
        return "\n".join(
            [
                "- Source: China City Statistical Yearbook, editions 2019–2024 (data 2018–2023), "
                "whole-city scope; every value cites edition, table and cell.",
                "- Resident population only for 2020 and 2023; other years use registered "
                "population and say so; changes are compared only between years on one base.",
                "- Yearbook measures are references, never the plan indicator's verdict.",
            ]
        )
    t = city_yearbook()
    hn = t[(t.city_code == "340400") & (t.scope == "全市") & t.value.notna()]

    def latest(indicator: str) -> tuple[int, float]:
        r = hn[hn.indicator == indicator].sort_values("data_year").iloc[-1]
        return int(r["data_year"]), float(r["value"])

    (yr, reg), (ys, res) = latest("population_registered"), latest("population_resident")
    lines = [
        f"- 资料来源：{YEARBOOK_SOURCE_ZH}，读自第三方整理的地级市截面表（马克数据网整理，"
        "镜像 https://github.com/chenfei2008c/china-local-debt-atlas ），逐值记有版次、表号和"
        "单元格；淮南市数值已与人工摘录逐格核对。",
        "- 人口口径：年鉴仅2020、2023年给出常住人口，2018、2019、2021、2022年只有户籍人口；"
        "各年人均值按当年所给人口计算并注明口径，同一年内各市口径一致，不同口径的年份之间不比较人均值的变化。"
        f"淮南市户籍人口（{yr}年{number(reg)}万人）多于常住人口（{ys}年{number(res)}万人），"
        "户籍口径年份的人均值因此偏低。",
    ]
    if "elderly_care" in domains_shown:
        lines.append(
            "- 60岁及以上人口按当年人口×2020年普查该市60岁及以上人口占比估算；"
            "养老机构床位不含社区和居家养老床位，年鉴自2022年版（2021年数据）起公布。"
        )
    if "health" in domains_shown:
        j = _physicians_jump()
        lines.append(
            "- 医院床位不含基层医疗卫生机构等床位；执业(助理)医师数取自“医院、床位和医生数”表，"
            f"2019→2020年安徽16市增长中位数{j['anhui_median']:.0f}%（全国各市中位数"
            f"{j['china_median']:.0f}%），疑有统计口径变化。"
        )
    if "education" in domains_shown:
        pc = briefing.peer_per_capita()
        mine = pc[(pc.city_code == "340400") & pc.measure.str.startswith(("pupils_", "education_"))]
        rounding = mine.loc[mine.measure != "education_share_of_budget", "rounding"].dropna()
        rounding = rounding[rounding > 0.01]
        lines.append(
            "- 在校学生数按万人取整印出，淮南市生师比和生均教育支出因此有约"
            f"±{rounding.min() * 100:.0f}%—{rounding.max() * 100:.0f}%的误差；"
            "2019、2020年版“在校学生数”表头单位印为“人”而数值为万人，已按万人读取；"
            "2024年版不再公布专任教师数。"
        )
    lines += [
        "- 个别城市的明显异常值（如西安市2020年图书藏量）原样保留，并在 `discrepancies.csv` 中列出。",
        "- 年鉴指标与规划指标口径不同，只作“参考指标”，不据此判断规划指标是否达标。",
    ]
    return "\n".join(lines)


def _physicians_jump() -> dict[str, float]:
    from huainan.briefs import briefing
    from huainan.measures.peers import physicians_jump

    return physicians_jump(briefing.peer_per_capita())


def peer_evidence_sentences(year: int = 2023) -> list[tuple[str, str]]:
    """The sentences of the final report's evidence on Huainan among Anhui's cities, each with
    the source of its figures: ``[(sentence, source), …]``.

    Sentences: the headline measures of ``year`` (value, rank among the 16 cities, Anhui median;
    :data:`HEADLINE_MEASURES`), the 2020→2023 change of hospital beds and physicians against the
    Anhui median (same base only), and the 2025 budget execution. Sources: the printed yearbook
    edition(s) (values computed from its cells in ``data/stats/city_yearbook.csv``) and the
    finance bureau's report with its address (``data/stats/budget_2025.csv``). Figures come from
    :func:`huainan.briefs.briefing.peer_evidence` and :func:`~huainan.briefs.briefing.budget_context`;
    nothing is typed in by hand.
    """
    from huainan.briefs import briefing
    from huainan.evidence.yearbook import source_title

    ev = briefing.peer_evidence()
    s = ev["summary"]
    s = s[s["data_year"] == int(year)].set_index("measure")
    ch = ev["change"].set_index("measure")
    parts = []
    base = None
    for mid in HEADLINE_MEASURES:
        if mid not in s.index:
            continue
        r = s.loc[mid]
        base = base or r["base_zh"]
        parts.append(
            f"{r['measure_zh']}{_fx(r['value'], mid)}{r['unit']}，居第{int(r['anhui_rank'])}位"
            f"（全省中位数{_fx(r['anhui_median'], mid)}{r['unit']}）"
        )
    if not parts:
        raise ValueError(f"no yearbook values for {year}")
    edition = int(year) + 1
    computed = "；人均值、排名和中位数由本工作簿按年鉴各市数值计算"
    out = [
        (
            f"据《中国城市统计年鉴{edition}》（{year}年数据，{base or '常住人口'}口径；60岁及以上人口按"
            f"2020年普查占比估算），在安徽省16个地级市中，淮南市" + "；".join(parts) + "。",
            source_title(edition) + computed,
        )
    ]
    moves = []
    for mid in ("hospital_beds_per_1000", "physicians_per_1000"):
        if mid in ch.index and ch.at[mid, "comparable"]:
            c = ch.loc[mid]
            moves.append(
                f"{c['measure_zh']}{_growth(c['change_pct'])}"
                f"（全省中位数{_growth(c['anhui_median_change_pct'])}）"
            )
    if moves:
        c0 = ch.loc["hospital_beds_per_1000"]
        y0, y1 = int(c0["start_year"]), int(c0["end_year"])
        out.append(
            (
                f"{y0}—{y1}年（常住人口口径），"
                + "，".join(moves)
                + "。以上为年鉴口径的参考指标，与规划指标口径不同，不作达标判断。",
                f"{source_title(y0 + 1)}；{source_title(y1 + 1)}" + computed,
            )
        )
    budget = briefing.budget_context()
    b = budget.set_index("indicator")["value"]

    def bv(key: str) -> str:
        return number(b[key])

    url = budget["source_url"].iloc[0]
    out.append(
        (
            f"另据{BUDGET_SOURCE_ZH}，2025年全市一般公共预算支出{bv('budget_expenditure_general')}亿元，"
            f"其中十三大类民生支出{bv('livelihood_expenditure')}亿元，"
            f"占{bv('livelihood_expenditure_share')}%；教育支出{bv('budget_expenditure_education')}亿元，"
            f"社会保障和就业支出{bv('budget_expenditure_social_security_employment')}亿元，"
            f"卫生健康支出{bv('budget_expenditure_health')}亿元，"
            f"住房保障支出{bv('budget_expenditure_housing')}亿元，"
            f"文化旅游体育与传媒支出{bv('budget_expenditure_culture_sports_media')}亿元"
            "（执行数为快报数，非决算数）。",
            f"{BUDGET_SOURCE_ZH}，{url}",
        )
    )
    return out


def peer_evidence_paragraph(year: int = 2023) -> str:
    """A short Chinese evidence paragraph for the final report: Huainan among Anhui's 16 cities
    (yearbook, latest year) and the 2025 budget-execution context, each figure with its source
    named in the text (:func:`peer_evidence_sentences` joined).

    Parameters
    ----------
    year : int
        The yearbook data year named (default 2023, the latest; a year with only registered
        population says 户籍人口口径).

    Returns
    -------
    str
        Plain Chinese text (no Markdown), e.g. “据《中国城市统计年鉴2024》（2023年数据，常住人口
        口径……），在安徽省16个地级市中，淮南市每千人口医院床位数5.73张，居第7位……”.

    Examples
    --------
    >>> text = peer_evidence_paragraph()
    >>> "288.4亿元" in text and "83.5%" in text and "第7位" in text
    True
    """
    return "".join(sentence for sentence, _ in peer_evidence_sentences(year))


def peer_evidence_block(year: int = 2023) -> dict:
    """The same paragraph as a :mod:`huainan.briefs.document` block for the final report (HTML,
    Word, PDF): one run per sentence, its source as a footnote.

    >>> block = peer_evidence_block()
    >>> block["kind"], len(block["runs"]), block["runs"][-1]["note"].startswith("淮南市财政局")
    ('paragraph', 3, True)
    """
    from huainan.briefs import document

    return document.paragraph(
        *[document.run(text, note=src) for text, src in peer_evidence_sentences(year)]
    )


def no_peer_text(domain: str, lang: str = "zh") -> str:
    """One line for a domain without yearbook measures (the brief says so, nothing more)."""
    from huainan.plan import domains

    d = domains.get(domain)
    if lang == "zh":
        return f"《中国城市统计年鉴》没有可按人均比较的{d.zh}领域指标，本节不作全省16市比较。"
    return (
        f"The city yearbook has no per-capita measure of {d.en}: no comparison of Anhui's cities."
    )


def peer_intro(lang: str = "zh", *, domain: str | None = None) -> str:
    """The paragraph under the 全省16市比较 heading (city brief, or a domain brief)."""
    _check_lang(lang)
    if lang != "zh":
        return (
            "Per-capita measures of the China City Statistical Yearbook (editions 2019–2024, data "
            "2018–2023): Huainan among Anhui's 16 prefecture-level cities and all cities, and its "
            "change 2020–2023 against the Anhui median. The population base of each year is "
            "stated; yearbook measures are references, not the plan indicators' verdicts."
        )
    what = (
        "本领域可按人均比较的指标中，淮南市在安徽省16个地级市中的位置"
        if domain
        else "可按人均比较的卫生、养老、教育、文化指标：淮南市在安徽省16个地级市和全国地级以上城市中的位置，"
        "以及“十四五”前三年（2020—2023年）的变化与全省中位水平的比较"
    )
    return (
        f"《中国城市统计年鉴》2019—2024年版（2018—2023年数据）{what}。"
        "年鉴仅2020、2023年给出常住人口，其余年份以户籍人口计算并逐项注明；"
        "年鉴指标与规划指标口径不同，只作参考，不作达标判断。"
    )
