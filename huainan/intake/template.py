"""The Excel template officials fill with yearly monitoring values (``huainan template OUT.xlsx``).

One sheet per domain (named in Chinese as in the plan: 幼有所育 … 文体服务保障) lists every 专栏2
indicator of that domain, each with its id and unit, for the seven county-level units and the
city (rows) and the years 2021–2025 (columns), plus 数据来源 and 备注. Indicators whose 2025 target
is relative to the Anhui average (高于/达到全省平均水平, 专栏2) get one more row, 安徽省（参照值）
(code 340000), for the province's value of the same year: without it such a target cannot be
assessed (:func:`huainan.measures.evaluation.evaluate` looks the value up under 340000). Value cells
accept only numbers within the indicator's bounds (:data:`huainan.intake.ingest.BOUNDS`; Excel data
validation with Chinese prompts and error messages); label columns are locked; the sheet
structure is protected against renaming (no password: it prevents accidents, not edits). A first
sheet, 填表说明, explains how to fill it. :func:`huainan.intake.ingest.ingest` reads a filled template
directly (one row per indicator × region, one column per year).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from huainan import plan
from huainan.atomic import write_bytes
from huainan.intake.ingest import catalogue
from huainan.plan import domains, regions

#: Years the template asks for (the plan period).
YEARS: tuple[int, ...] = (2021, 2022, 2023, 2024, 2025)
README_SHEET = "填表说明"
LABEL_COLUMNS: tuple[str, ...] = ("指标ID", "指标", "单位", "区划代码", "地区")
TAIL_COLUMNS: tuple[str, ...] = ("数据来源", "备注")
HEADER_ROW = 2
#: The 地区 label of the Anhui row (code :data:`PROVINCE_CODE`) under relative-target indicators.
PROVINCE_LABEL = "安徽省（参照值）"
PROVINCE_CODE = "340000"

_GREY = PatternFill("solid", fgColor="E7E6E6")
_REFERENCE = PatternFill("solid", fgColor="FFF2CC")  # the 安徽省（参照值） rows
_HEAD = PatternFill("solid", fgColor="BDD7EE")
_WIDTHS = {
    "指标ID": 30,
    "指标": 40,
    "单位": 8,
    "区划代码": 10,
    "地区": 9,
    "数据来源": 28,
    "备注": 24,
}

_README = [
    ("淮南市“十四五”公共服务规划 监测数据填报模板（2021–2025年）", True),
    ("", False),
    ("一、表的结构", True),
    (
        "1. 除本说明外，每个工作表对应规划的一个领域（幼有所育、学有所教……文体服务保障），列出该领域"
        "《规划》专栏2的全部主要指标。",
        False,
    ),
    (
        "2. 每行是一个指标在一个地区的数值：7个县区（大通区、田家庵区、谢家集区、八公山区、潘集区、"
        "凤台县、寿县）和淮南市全市；年份（2021年—2025年）为列。",
        False,
    ),
    (
        "3. 灰色列（指标ID、指标、单位、区划代码、地区）已锁定，请勿修改；只在白色单元格填写。",
        False,
    ),
    (
        "4. 目标为“全省平均水平”的指标（{relative}），在淮南市行之后另有一行黄色的“安徽省（参照值）”"
        "（区划代码340000）：请填写同年安徽省全省的数值，并在“数据来源”注明出处（如安徽省统计公报、"
        "省教育厅统计）。这一行是判断“高于/达到全省平均水平”所需的对比值，不是淮南市的数据；"
        "没有它，这类目标无法评估。",
        False,
    ),
    ("", False),
    ("二、怎样填写", True),
    (
        "1. 按“单位”列的单位填写数字，单元格中不要写单位或文字。例如单位为“万张”时，3.2万张填 3.2，"
        "不要填 32000 或“3.2万张”。",
        False,
    ),
    ("2. 单位为 % 的指标填百分数：95.6% 填 95.6（也可直接输入 95.6%），不要填 0.956。", False),
    (
        "3. 标有“五年累计”的指标（如参加补贴性职业技能培训人数、城镇老旧小区改造），每年填写当年"
        "完成数，不要填写累计数。",
        False,
    ),
    ("4. 暂无数据的单元格请留空，不要填“—”“无”“/”；0 表示数值确实为零。", False),
    (
        "5. 数值须在合理范围内：比率、覆盖率、占比不超过100，每千人口指标不超过1000，人均预期寿命在"
        "40–100岁之间（毛入园率、毛入学率可超过100）。超出范围的数值无法输入，入库时也会被拒绝。",
        False,
    ),
    ("6. “数据来源”请注明出处（如《淮南统计年鉴2023》、某局年报）；“备注”填写口径说明。", False),
    ("", False),
    ("三、请勿", True),
    ("1. 不要重命名、删除、移动或新增工作表（工作簿结构已保护，无密码）。", False),
    ("2. 不要插入、删除或调换行列，不要合并单元格。", False),
    ("", False),
    ("四、提交前检查", True),
    (
        "在工作簿所在目录运行：huainan ingest 文件名.xlsx --dry-run 检查（不写入）；无错误后去掉 "
        "--dry-run 正式入库。出错时会提示工作表和单元格（如 病有所医!H5）、列名和单元格内容。",
        False,
    ),
]


def _prompt(unit: str, cumulative: bool) -> str:
    text = f"单位：{unit}。只填数字；暂无数据请留空。"
    if unit == "%":
        text += "填百分数，如 95.6 表示 95.6%。"
    if cumulative:
        text += "五年累计指标：填当年完成数，不填累计数。"
    return text


def _range_zh(low: float, high: float) -> str:
    """``0–100`` or ``不小于0`` for an Excel message."""
    return f"{low:g}–{high:g}之间" if high != float("inf") else f"不小于{low:g}"


def _regions_for(relative: bool) -> list[tuple[str, str]]:
    """(code, 地区 label) rows of one indicator: the seven units, the city, and for a target
    relative to the Anhui average the 安徽省（参照值） row."""
    units = regions.units()
    rows = [
        *zip(units["code"], units["name_zh"], strict=True),
        (regions.CITY_CODE, regions.name(regions.CITY_CODE)),
    ]
    return rows + [(PROVINCE_CODE, PROVINCE_LABEL)] if relative else rows


def write_template(path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write the monitoring template workbook to ``path`` (atomically) and return the path.

    Parameters
    ----------
    path : path
        Output ``.xlsx`` file; its folder must exist.
    overwrite : bool, default False
        Replace an existing file. Off by default: the file may be a template someone filled.

    Returns
    -------
    Path

    Raises
    ------
    FileExistsError
        If ``path`` exists and ``overwrite`` is False.
    FileNotFoundError
        If the folder of ``path`` does not exist (the message names the folder).
    ValueError
        If ``path`` does not end in ``.xlsx`` (the file is an .xlsx workbook whatever its name;
        an ``.xls`` name would make Excel warn and other readers refuse it).

    Notes
    -----
    Sheets: 填表说明, then one per domain in plan order (:data:`huainan.plan.domains.DOMAINS`).
    Each domain sheet: row 1 a title, row 2 the header ``指标ID, 指标, 单位, 区划代码, 地区,
    2021年 … 2025年, 数据来源, 备注``, then 8 rows per indicator (the seven units in
    :func:`huainan.plan.regions.units` order, then 淮南市 340400) and a ninth, 安徽省（参照值）
    340000, under an indicator whose target is relative to the Anhui average (``target_kind ==
    "relative"``: 高中阶段教育毛入学率, 劳动年龄人口平均受教育年限). Indicators, names and units come
    from :func:`huainan.plan.indicators` (专栏2); the data validation of each indicator's value
    cells uses its bounds from :func:`huainan.intake.ingest.catalogue`.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> p = write_template(pathlib.Path(tempfile.mkdtemp()) / "t.xlsx")
    >>> wb = openpyxl.load_workbook(p)
    >>> wb.sheetnames[:3], wb["幼有所育"]["A3"].value, wb["幼有所育"].max_row
    (['填表说明', '幼有所育', '学有所教'], 'nursery_places_per_1000', 18)
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValueError(
            f"模板是 .xlsx 工作簿，文件名请以 .xlsx 结尾 / the template is an .xlsx "
            f"workbook: name the file *.xlsx (not {path.name!r})"
        )
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"文件夹不存在 / the folder {path.parent} does not exist: create "
            "it first or write the template somewhere else"
        )
    if path.exists() and not overwrite:
        raise FileExistsError(
            f"{path} exists (it may be a filled template); choose another name "
            "or pass overwrite=True"
        )
    ind = plan.indicators()
    bounds = catalogue().set_index("indicator")
    relative = ind[ind["target_kind"] == "relative"]
    header = [*LABEL_COLUMNS, *(f"{y}年" for y in YEARS), *TAIL_COLUMNS]
    first_year_col = len(LABEL_COLUMNS) + 1
    last_input_col = len(header)

    wb = Workbook()
    readme = wb.active
    readme.title = README_SHEET
    relative_zh = "、".join(f"{r.name_zh}“{r.target_text}”" for r in relative.itertuples())
    for i, (text, bold) in enumerate(_README, start=1):
        c = readme.cell(row=i, column=1, value=text.format(relative=relative_zh) or None)
        c.font = Font(bold=bold, size=14 if i == 1 else 11)
        c.alignment = Alignment(wrap_text=True, vertical="top")
    readme.column_dimensions["A"].width = 110
    start = len(_README) + 2
    readme.cell(row=start, column=1, value="工作表与指标数").font = Font(bold=True)
    for k, d in enumerate(domains.DOMAINS, start=1):
        n = int((ind["domain"] == d.id).sum())
        readme.cell(row=start + k, column=1, value=f"{d.zh}（{d.en}）：{n} 个指标")

    for d in domains.DOMAINS:
        ws = wb.create_sheet(d.zh)
        ws.cell(
            row=1, column=1, value=f"{d.zh}（{d.en}）监测数据填报，{YEARS[0]}–{YEARS[-1]}年"
        ).font = Font(bold=True, size=13)
        for j, name in enumerate(header, start=1):
            c = ws.cell(row=HEADER_ROW, column=j, value=name)
            c.font = Font(bold=True)
            c.fill = _HEAD
            c.alignment = Alignment(horizontal="center", vertical="center")
            ws.column_dimensions[get_column_letter(j)].width = _WIDTHS.get(name, 10)
        row = HEADER_ROW + 1
        for r in ind[ind["domain"] == d.id].itertuples():
            first = row
            for code, region in _regions_for(r.target_kind == "relative"):
                for j, value in enumerate(
                    (r.indicator_id, r.name_zh, r.unit, code, region), start=1
                ):
                    c = ws.cell(row=row, column=j, value=value)
                    c.fill = _REFERENCE if code == PROVINCE_CODE else _GREY
                    c.number_format = "@"
                for j in range(first_year_col, last_input_col + 1):
                    c = ws.cell(row=row, column=j)
                    c.protection = Protection(locked=False)
                    if j < first_year_col + len(YEARS):
                        c.number_format = "General"
                row += 1
            low, high = (float(bounds.at[r.indicator_id, k]) for k in ("min_value", "max_value"))
            limits = (
                {"operator": "between", "formula1": f"{low:g}", "formula2": f"{high:g}"}
                if high != float("inf")
                else {"operator": "greaterThanOrEqual", "formula1": f"{low:g}"}
            )
            dv = DataValidation(
                type="decimal",
                **limits,
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="stop",
                errorTitle="请输入合理范围内的数字",
                error=f"请填写{_range_zh(low, high)}的数字（单位：{r.unit}），不要填写单位、文字"
                "或“—”；暂无数据请留空。",
                showInputMessage=True,
                promptTitle=r.name_zh[:32],
                prompt=_prompt(r.unit, bool(r.cumulative)),
            )
            dv.add(
                f"{get_column_letter(first_year_col)}{first}:"
                f"{get_column_letter(first_year_col + len(YEARS) - 1)}{row - 1}"
            )
            ws.add_data_validation(dv)
        ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=first_year_col)
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        ws.protection.formatCells = False
    wb.security = WorkbookProtection(lockStructure=True)
    wb.active = 0
    buf = io.BytesIO()
    wb.save(buf)
    write_bytes(path, buf.getvalue())
    return path
