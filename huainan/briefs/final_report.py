"""终期评估报告: the document the city submits, built from the evaluation table.

The skeleton follows Chinese plan-evaluation reports (national 十四五 mid-term evaluation 2023;
provincial and municipal 中期/终期评估报告): 评估工作开展情况 → 总体评价 → 主要指标完成情况 →
任务与重点工程落实情况 → 区域与城乡差距 → 存在问题 → 建议 → 附表. Every sentence is generated
from a number or a source in :func:`huainan.measures.evaluation.evaluate` /
:func:`~huainan.measures.evaluation.evaluate_projects` and the plan's tables; a figure taken from a
publication carries its source as a footnote (title and web address). Nothing is claimed without
evidence: indicators without data are listed as such, grouped by the department that would report
them (:func:`huainan.plan.lead_departments`, the workbook's assumption).

:func:`build` returns :mod:`huainan.briefs.document` blocks; the notebook
``notebooks/briefs/final_report.ipynb`` shows them, and the batch writes the same blocks as HTML,
Word (.docx) and PDF.
"""

from __future__ import annotations

import math
import re
from datetime import datetime

import pandas as pd

from huainan import plan
from huainan.briefs import document as D
from huainan.briefs.peer_report import peer_evidence_block
from huainan.briefs.report import evaluation_method
from huainan.evidence import monitoring
from huainan.evidence import observed as ev
from huainan.formats import date_zh, number
from huainan.intake.refs import source_ref_zh
from huainan.measures import evaluation, progress
from huainan.plan import domains

TITLE = "淮南市“十四五”公共服务规划\n实施情况终期评估报告"
PLAN = "《淮南市“十四五”公共服务规划》"
_NUMERALS = "一二三四五六七八九十"


def _with_unit(value: float, unit: str) -> str:
    """``51.89%``, ``4.1个``, ``3.62万张`` — a value with its unit, as Chinese reports write it."""
    return f"{number(value)}{unit}"


def _source_note(row) -> str | None:
    """The footnote of a value: source title(s), evidence class, web address or file reference."""
    if not row.source_title:
        return None
    where = row.source_url or source_ref_zh(row.source_ref)
    note = f"{row.source_title}（{row.source_quality_zh}）"
    return note + (f"，{where}" if where else "")


def _cutoff(obs: pd.DataFrame) -> tuple[str, str]:
    """(the date the data run to, one sentence on the monitoring store), from
    :func:`huainan.evidence.monitoring.data_stamp` — the same stamp the apps print."""
    stamp = monitoring.data_stamp()
    published = obs[obs["origin"] == "stats"]
    latest_pub = f"公开统计数据收录至{int(published['year'].max())}年。" if len(published) else ""
    if stamp.updated_at is None:
        when = date_zh()
        return f"报告生成之日（{when}）", "监测数据库尚无部门报送数据；" + latest_pub
    t = datetime.strptime(stamp.updated_at, "%Y-%m-%d %H:%M")  # already Beijing time
    day = f"{t.year}年{t.month}月{t.day}日"
    when = f"{day} {t:%H:%M}"
    return day, (
        f"监测数据库共有部门报送数据{stamp.lines}条，最近一次入库为{when}（北京时间）；"
        + latest_pub
    )


def _counts(table: pd.DataFrame) -> str:
    """``完成3项、未完成1项、数据暂缺19项`` — or ``均为数据暂缺`` when one verdict covers all.

    Examples
    --------
    >>> _counts(pd.DataFrame({"verdict": ["met", "no_data", "no_data"]}))
    '完成1项、数据暂缺2项'
    >>> _counts(pd.DataFrame({"verdict": ["no_data", "no_data"]}))
    '均为数据暂缺'
    """
    counts = table["verdict"].value_counts()
    order = [v for v in progress.FINAL_VERDICTS if counts.get(v, 0)]
    if len(order) == 1 and len(table) > 1:
        return f"均为{progress.FINAL_ZH[order[0]]}"
    return "、".join(f"{progress.FINAL_ZH[v]}{int(counts[v])}项" for v in order)


def _lead(counts: str) -> str:
    """``中，完成3项…`` or ``均为…`` after a noun phrase."""
    return counts if counts.startswith("均") else f"中，{counts}"


# ---------------------------------------------------------------------------------------------
# 一、评估工作开展情况
# ---------------------------------------------------------------------------------------------


def work_and_data(table: pd.DataFrame, projects: pd.DataFrame, obs: pd.DataFrame) -> list:
    n_binding = int((table["attribute"] == "binding").sum())
    services = plan.services()
    cutoff, store_text = _cutoff(obs)
    judged = table[table["verdict"] != "no_data"]
    quality = judged["source_quality"].value_counts()
    parts = [f"{ev.QUALITY_ZH[q]}{int(quality[q])}项" for q in ev.QUALITIES if quality.get(q, 0)]
    unjudged = table[table["verdict"] == "no_data"]
    partial = int((unjudged["source_quality"] != "").sum())
    none = int((unjudged["source_quality"] == "").sum())
    rest = "、".join(
        x
        for x in (
            f"{partial}项仅有部分年份数值" if partial else "",
            f"{none}项无可用数值" if none else "",
        )
        if x
    )
    if len(judged):
        used = f"作出判断的{len(judged)}项主要指标所用数值中，" + "、".join(parts)
        used += f"；另有{rest}，均为数据暂缺。" if rest else "。"
    else:
        used = f"{len(table)}项主要指标均无可用于判断的2025年数值" + (
            f"，其中{rest}。" if rest else "。"
        )
    blocks = [
        D.heading("一、评估工作开展情况", 2),
        D.paragraph(
            f"根据{PLAN}（以下简称《规划》）关于开展中期评估和总结评估的要求，对《规划》"
            "实施情况开展终期评估。评估范围包括《规划》专栏2确定的"
            f"{len(table)}项主要指标（约束性指标{n_binding}项、预期性指标"
            f"{len(table) - n_binding}项）、专栏3所列{services['domain'].nunique()}个领域"
            f"{len(services)}项基本公共服务项目，以及专栏4至专栏13和正文中"
            f"{len(projects)}项带有完成时限的重点工程量化目标。评估期为2021—2025年，"
            "以2025年为目标年。"
        ),
        D.heading("（一）数据来源与截止时间", 3),
        D.paragraph(
            f"评估数据截至{cutoff}。{store_text}同一指标有多个来源时，按部门监测报送、"
            f"政府网站和统计年鉴等官方发布、第三方网站转载或报道的顺序采用。{used}"
            "第三方来源的数值在附表中逐项注明，正式引用前应与原始发布核对。"
        ),
        D.heading("（二）评估方法", 3),
        D.paragraph(evaluation_method("final", standalone=False)),
    ]
    return blocks


# ---------------------------------------------------------------------------------------------
# 二、总体评价
# ---------------------------------------------------------------------------------------------


def overall(table: pd.DataFrame, projects: pd.DataFrame) -> list:
    binding = table[table["attribute"] == "binding"]
    missing = int((table["verdict"] == "no_data").sum())
    not_met = table[table["verdict"] == "not_met"]
    text = (
        f"从主要指标看，{len(table)}项主要指标{_lead(_counts(table))}；其中约束性指标"
        f"{len(binding)}项，{_counts(binding)}。"
    )
    if missing == 0:
        share = (len(table) - len(not_met)) / len(table)
        text += (
            "《规划》主要目标基本实现。"
            if share >= 0.9
            else f"《规划》主要目标部分实现，{len(not_met)}项指标未完成。"
        )
    else:
        text += (
            f"由于{missing}项指标尚缺2025年数据，本报告对这些指标不作判断，对《规划》目标的"
            "总体完成情况暂不作结论，待各牵头部门报送数据（见附表2）后更新。"
        )
    blocks = [D.heading("二、总体评价", 2), D.paragraph(text)]
    blocks.append(
        D.paragraph(
            f"从重点工程看，{len(projects)}项带完成时限的量化目标{_lead(_counts(projects))}。"
        )
    )
    blocks.append(D.paragraph("从全省比较看（参考）："))
    blocks.append(peer_evidence_block())
    if len(not_met[not_met["attribute"] == "binding"]):
        names = "、".join(not_met.loc[not_met["attribute"] == "binding", "name_zh"])
        blocks.append(
            D.paragraph(f"需要重点说明的是，约束性指标{names}未完成，原因分析和整改措施见下文。")
        )
    return blocks


# ---------------------------------------------------------------------------------------------
# 三、主要指标完成情况
# ---------------------------------------------------------------------------------------------


def _sentence(r, departments: pd.DataFrame) -> list:
    """One sentence on one indicator, with its source as a footnote."""
    note = _source_note(r)
    years = r.value_year or "2025"
    cumulative = bool(r.cumulative)
    if r.verdict == "no_data":
        lead = departments.at[r.indicator_id, "lead_department"]
        parts = str(r.note).split("；") if r.note else ["无2025年数据"]
        why = "尚无2025年数据" if parts[0] == "无2025年数据" else parts[0]
        known = [p for p in parts[1:] if p.startswith("五年累计值 = ")]
        if cumulative and known:
            why += f"；已知{known[0].removeprefix('五年累计值 = ')}"
        return [D.run(f"{r.name_zh}：", bold=True), f"{why}，待{lead}报送后判断。"]
    what = f"{years}年累计" if cumulative else f"{years}年为"
    value = D.run(f"{what}{_with_unit(r.value, r.unit)}", note=note)
    if r.verdict == "met":
        tail = f"，达到“{r.target_text}”的目标（{r.gap_text}），完成。"
    else:
        tail = f"，未达到“{r.target_text}”的目标，{r.gap_text}，未完成。"
    if pd.notna(r.reference_value):
        tail = tail.replace(
            "的目标", f"的目标（同年全省平均值为{_with_unit(r.reference_value, r.unit)}）", 1
        )
    return [D.run(f"{r.name_zh}：", bold=True), value, tail]


def main_indicators(table: pd.DataFrame) -> list:
    departments = plan.lead_departments().set_index("indicator_id")
    blocks = [D.heading("三、主要指标完成情况", 2)]
    for attr, title in (("binding", "（一）约束性指标"), ("expected", "（二）预期性指标")):
        part = table[table["attribute"] == attr]
        blocks.append(D.heading(title, 3))
        blocks.append(
            D.paragraph(f"{len(part)}项{plan.ATTRIBUTE_ZH[attr]}指标{_lead(_counts(part))}。")
        )
        for r in part[part["verdict"] != "no_data"].itertuples(index=False):
            blocks.append(D.paragraph(*_sentence(r, departments)))
        missing = part[part["verdict"] == "no_data"]
        if len(missing):
            blocks.append(D.bullets([_sentence(r, departments) for r in missing.itertuples()]))
    return blocks


# ---------------------------------------------------------------------------------------------
# 四、九大领域任务落实情况
# ---------------------------------------------------------------------------------------------


def tasks(table: pd.DataFrame, projects: pd.DataFrame) -> list:
    services = plan.services()
    rows = []
    for d in domains.DOMAINS:
        ind = table[table["domain"] == d.id]
        pro = projects[projects["domain"] == d.id]
        rows.append(
            [
                d.zh,
                str(len(ind)),
                str(int((ind["verdict"] == "met").sum())),
                str(int((ind["verdict"] == "not_met").sum())),
                str(int((ind["verdict"] == "no_data").sum())),
                str(int((services["domain"] == d.id).sum())),
                str(len(pro)),
                str(int((pro["verdict"] == "met").sum())),
            ]
        )
    blocks = [
        D.heading("四、九大领域任务落实情况", 2),
        D.table(
            [
                "领域",
                "主要指标",
                "完成",
                "未完成",
                "数据暂缺",
                "基本公共服务项目",
                "重点工程目标",
                "其中完成",
            ],
            rows,
            caption="表1  各领域主要指标、基本公共服务项目和重点工程目标",
            widths=[2.2, 1.1, 0.9, 1.1, 1.2, 1.6, 1.6, 1.2],
        ),
        D.heading("（一）基本公共服务项目", 3),
        D.paragraph(
            f"《规划》专栏3所列{len(services)}项基本公共服务项目为持续提供的服务，清单未设年度"
            "量化目标。本次评估未获得逐项落实情况报告，建议各牵头部门对照清单报送服务对象覆盖"
            "和服务标准落实情况，作为评估的补充。"
        ),
        D.heading("（二）重点工程", 3),
    ]
    done = projects[projects["verdict"] == "met"]
    short = projects[projects["verdict"] == "not_met"]
    missing = projects[projects["verdict"] == "no_data"]
    blocks.append(
        D.paragraph(
            f"{len(projects)}项重点工程量化目标{_lead(_counts(projects))}（逐项情况见附表3）。"
            + (f"未完成的有：{'、'.join(short['metric_zh'])}。" if len(short) else "")
            + (f"已完成的有：{'、'.join(done['metric_zh'])}。" if len(done) else "")
            + (
                f"{len(missing)}项缺少完成情况数据，需相关部门报送。"
                if 0 < len(missing) < len(projects)
                else "完成情况需相关部门报送。"
                if len(missing)
                else ""
            )
        )
    )
    return blocks


# ---------------------------------------------------------------------------------------------
# 五、区域与城乡差距变化
# ---------------------------------------------------------------------------------------------


def regional(findings: pd.DataFrame) -> list:
    """Section 五 from :func:`huainan.briefs.gaps_report.report_findings`: one sentence per county
    and urban-rural finding (level, change 2021→2025), or what is missing."""
    part = findings[findings["section"] == "区域与城乡差距变化"]
    county = part[part["kind"] == "regional"]["sentence_zh"].tolist()
    urban = part[part["kind"] == "urban_rural"]["sentence_zh"].tolist()
    missing = part[part["kind"] == "missing"]["sentence_zh"].tolist()
    blocks = [D.heading("五、区域与城乡差距变化", 2)]
    if county:
        blocks.append(D.bullets(county))
    else:
        blocks.append(
            D.paragraph(
                "各县区尚未报送《规划》主要指标的分县数据，无法评价2021—2025年县区之间差距的变化。"
            )
        )
    if urban:
        blocks.append(D.bullets(urban))
    notes = [m for m in missing if not m.startswith("尚无县区报送值") or county]
    if notes:
        blocks.append(D.paragraph(" ".join(notes)))
    return blocks


# ---------------------------------------------------------------------------------------------
# 六、存在问题；七、“十五五”时期建议
# ---------------------------------------------------------------------------------------------


def problems(table: pd.DataFrame) -> list:
    items: list = []
    binding_missed = table[(table["attribute"] == "binding") & (table["verdict"] == "not_met")]
    for r in binding_missed.itertuples(index=False):
        items.append(
            f"约束性指标{r.name_zh}未完成：{r.value_year}年为{_with_unit(r.value, r.unit)}，"
            f"目标{r.target_text}，{r.gap_text}。"
        )
    expected_missed = table[(table["attribute"] != "binding") & (table["verdict"] == "not_met")]
    if len(expected_missed):
        items.append(
            "预期性指标未完成："
            + "；".join(f"{r.name_zh}（{r.gap_text}）" for r in expected_missed.itertuples())
            + "。"
        )
    missing = table[table["verdict"] == "no_data"]
    if len(missing):
        nb = int((missing["attribute"] == "binding").sum())
        items.append(
            f"监测数据不完整：{len(table)}项主要指标中{len(missing)}项缺少可用于终期评估的数据"
            + (f"，其中约束性指标{nb}项" if nb else "")
            + "，难以对《规划》目标完成情况作出全面判断。"
        )
    third = int(table["third_party"].sum())
    if third:
        items.append(f"{third}项指标的数值仅见于第三方网站转载或报道，缺少官方原始发布。")
    return [D.heading("六、存在问题", 2), D.bullets(items or ["未发现需要说明的问题。"])]


def _requirements_sentence(standards: pd.DataFrame) -> str:
    """One sentence for the standards whose supply no county reported: what the standards
    require in all (numbers from :func:`huainan.briefs.gaps_report.gap_evidence`)."""
    parts = []
    for r in standards.itertuples(index=False):
        m = re.search(r"共需(.+?约 [0-9,]+ ?\S+?)，", str(r.sentence_zh))
        if m:
            parts.append(m.group(1).replace(" ", ""))
    largest = standards["largest"].mode().iloc[0] if len(standards) else ""
    return (
        "按《规划》人均配置标准和最新人口测算，七个县区共需"
        + "、".join(parts)
        + "；各县区均未报送现有数量，缺口无法计算。编制“十五五”规划前应先摸清现有供给，"
        + (f"需求最大的{largest}宜优先核查。" if largest else "")
    )


def suggestions(
    table: pd.DataFrame, findings: pd.DataFrame, standards: pd.DataFrame | None = None
) -> list:
    items: list = []
    missed = table[table["verdict"] == "not_met"]
    if len(missed):
        items.append(
            "对未完成的指标（"
            + "、".join(missed["name_zh"])
            + "）分析原因，在“十五五”规划中继续设定目标并明确年度推进安排。"
        )
    # the counties to catch up first, by the plan's per-population standards and targets
    # (huainan.briefs.gaps_report.report_findings); data needs are said once, below
    ahead = findings[(findings["section"] == "十五五时期建议") & (findings["kind"] != "missing")]
    unreported = standards[standards["n_reported"] == 0] if standards is not None else standards
    if unreported is not None and len(unreported):
        # standards nobody reported supply for: one sentence with the requirements, not one
        # repeated "not reported" per standard
        items.append(_requirements_sentence(unreported))
        ahead = ahead[~ahead["topic"].isin(set(unreported["standard_id"]))]
    items.extend(ahead["sentence_zh"])
    missing = table[table["verdict"] == "no_data"]
    if len(missing):
        depts = plan.lead_departments().set_index("indicator_id")
        by_dept = depts.loc[missing["indicator_id"], "lead_department"].value_counts()
        items.append(
            "健全规划监测制度：由"
            + "、".join(f"{d}（{n}项）" for d, n in by_dept.items())
            + "按年度报送主要指标数据，县区和城乡分项一并报送，为“十五五”规划中期和终期评估"
            "打好数据基础。"
        )
    return [D.heading("七、“十五五”时期建议", 2), D.bullets(items)]


# ---------------------------------------------------------------------------------------------
# 附表
# ---------------------------------------------------------------------------------------------


def annex_indicators(table: pd.DataFrame) -> list:
    rows = []
    for i, r in enumerate(table.itertuples(index=False), start=1):
        value = "—" if math.isnan(r.value) else number(r.value)
        note = _source_note(r)
        rows.append(
            [
                str(i),
                r.name_zh,
                r.attribute_zh,
                r.unit,
                r.baseline_text if isinstance(r.baseline_text, str) else "—",
                r.target_text,
                D.run(value, note=note) if note else value,
                r.value_year or "—",
                r.verdict_zh,
                r.gap_text or "—",
            ]
        )
    return [
        D.section("landscape"),
        D.heading("附表1  主要指标完成情况", 2),
        D.table(
            [
                "序号",
                "指标",
                "属性",
                "单位",
                "2020年基期值",
                "2025年目标值",
                "采用数值",
                "年份",
                "结论",
                "差距",
            ],
            rows,
            widths=[0.9, 3.9, 1.2, 1.0, 1.3, 1.6, 1.3, 1.3, 1.5, 2.0],
            note="注：[]内为五年累计数。约束性指标在前。数值来源见脚注；第三方来源已注明。",
        ),
    ]


def annex_missing(table: pd.DataFrame) -> list:
    depts = plan.lead_departments().set_index("indicator_id")
    missing = table[table["verdict"] == "no_data"]
    rows = []
    for dept, grp in missing.groupby(
        missing["indicator_id"].map(depts["lead_department"]), sort=False
    ):
        for r in grp.itertuples(index=False):
            support = depts.at[r.indicator_id, "supporting"]
            rows.append(
                [
                    str(dept),
                    r.name_zh,
                    str(depts.at[r.indicator_id, "needs"]),
                    support if isinstance(support, str) else "—",
                ]
            )
    blocks = [D.heading("附表2  缺数清单（按牵头部门）", 2)]
    if not rows:
        return blocks + [D.paragraph("主要指标均有可用于评估的数据。")]
    blocks.append(
        D.table(
            ["牵头部门", "指标", "需报送内容", "配合部门"],
            rows,
            widths=[2.4, 4.6, 4.6, 2.6],
            note="注：牵头部门为按常规职责分工所作的假设，以市政府确定的分工为准，"
            "可由市发展改革委修改后重新生成本报告。",
        )
    )
    return blocks


def _project_target(r) -> str:
    """The target as printed, with its subject when the printed words are only a year and a
    figure (专栏5's yearly milestones read "2022年40%": the subject is in the column heading)."""
    text = str(r.target_text)
    if len(text) < 12 and str(r.metric_zh) not in text:
        return f"{r.metric_zh}：{text}"
    return text


def annex_projects(projects: pd.DataFrame) -> list:
    rows = []
    for i, r in enumerate(projects.itertuples(index=False), start=1):
        rows.append(
            [
                str(i),
                str(r.section).split(" ")[0],
                _project_target(r),
                str(r.target_year),
                r.verdict_zh,
                r.note or "—",
            ]
        )
    return [
        D.heading("附表3  重点工程量化目标完成情况", 2),
        D.table(
            ["序号", "出处", "目标（《规划》原文）", "目标年份", "结论", "说明"],
            rows,
            widths=[0.9, 1.6, 5.8, 1.3, 1.5, 3.7],
        ),
    ]


def build(year: int = evaluation.PLAN_END, *, observations: pd.DataFrame | None = None) -> list:
    """The 终期评估报告 as document blocks.

    Parameters
    ----------
    year : int, default 2025
        Evaluation year (≥ 2025: the final evaluation).
    observations : pandas.DataFrame, optional
        Long table (default :func:`huainan.evidence.observed.all_observations`).

    Returns
    -------
    list of dict
        :mod:`huainan.briefs.document` blocks: title, seven sections, three annexed tables.

    Raises
    ------
    ValueError
        If ``year`` is before the target year.
    """
    from huainan.briefs import gaps_report

    obs = ev.all_observations() if observations is None else ev.with_quality(observations)
    table = evaluation.evaluate(year, stage="final", observations=obs)
    projects = evaluation.evaluate_projects(observations=obs)
    gap_ev = gaps_report.gap_evidence(obs)
    findings = gaps_report.report_findings(gap_ev)
    return [
        D.heading(TITLE, 1),
        *work_and_data(table, projects, obs),
        *overall(table, projects),
        *main_indicators(table),
        *tasks(table, projects),
        *regional(findings),
        *problems(table),
        *suggestions(table, findings, gap_ev.findings),
        *annex_indicators(table),
        *annex_missing(table),
        *annex_projects(projects),
    ]
