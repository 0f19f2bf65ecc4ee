"""The Excel template officials fill with yearly monitoring values (``huainan template OUT.xlsx``).

Sheets: 填表说明 (how to fill it), 封面 (the cover: 填报单位, 填报人, 审核人, 报送日期 — stored
with every value), then one sheet per domain (named as in the plan: 幼有所育 … 文体服务保障) and a
hidden sheet 已入库数值 (the values already stored, for the colour rule below).

A domain sheet lists each 专栏2 indicator of the domain, Chinese name first:

============  ================================================================================
column        content
============  ================================================================================
指标          the indicator's Chinese name (a running-total row: ``…：2021年起累计（截至当年）``)
单位          the unit officials count in (张 and 人, not 万张 and 万人: converted on ingest)
地区, 城乡     the region and 合计/城镇/乡村
基期值、目标   the plan's 2020 baseline and 2025 target for the city, beside the input cells
2021年…2025年 the input cells, pre-filled with the values already stored (grey); a value typed
              that differs from the stored one turns blue and bold (conditional formatting
              against 已入库数值), so the officer sees what the return changes
数据来源, 备注 free text
指标ID, 区划代码 hidden (ingest checks them against the visible name and region)
============  ================================================================================

Rows per indicator: the seven county-level units and 淮南市; 淮南市 城镇 and 乡村 for the indicators
listed in ``data/plan/urban_rural_indicators.csv`` (:func:`urban_rural_indicators`); 安徽省（参照值）
(code 340000) for a target relative to the Anhui average; and for a five-year cumulative
indicator (专栏2 ``[23]``, ``[430]``) a row ``2021年起累计（截至当年）`` for the city, stored as
``<id>_to_date`` with the year of its column (:data:`huainan.intake.catalogue.TO_DATE_SUFFIX`).
Value cells accept only numbers within the indicator's bounds (Excel data validation with Chinese
prompts); label columns are locked; the structure is protected (no password: it prevents
accidents, not edits). Each sheet prints on A4 landscape, one page wide, the header repeated.
"""

from __future__ import annotations

import io
import math
import os
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from huainan import plan
from huainan.atomic import write_bytes
from huainan.evidence import monitoring
from huainan.intake.catalogue import TO_DATE_LABEL, TO_DATE_SUFFIX, catalogue
from huainan.intake.ingest import COVER_FIELDS, COVER_SHEET
from huainan.intake.units import convert
from huainan.plan import domains, regions
from huainan.text import formula_safe

#: Years the template asks for (the plan period).
YEARS: tuple[int, ...] = (2021, 2022, 2023, 2024, 2025)
README_SHEET = "填表说明"
STORED_SHEET = "已入库数值"
LABEL_COLUMNS: tuple[str, ...] = (
    "指标",
    "单位",
    "地区",
    "城乡",
    "全市基期值(2020年)",
    "全市目标(2025年)",
)
TAIL_COLUMNS: tuple[str, ...] = ("数据来源", "备注", "指标ID", "区划代码")
HIDDEN_COLUMNS: tuple[str, ...] = ("指标ID", "区划代码")
HEADER_ROW = 2
#: The 地区 label of the Anhui row (code :data:`PROVINCE_CODE`) under relative-target indicators.
PROVINCE_LABEL = "安徽省（参照值）"
PROVINCE_CODE = "340000"
#: Units officials count in, for indicators the plan states in 万: values are shown and typed
#: in these and converted exactly on ingest (:mod:`huainan.intake.units`).
FORM_UNITS: dict[str, str] = {"万人": "人", "万张": "张"}
AREA_ZH = {"total": "合计", "urban": "城镇", "rural": "乡村"}

_GREY = PatternFill("solid", fgColor="E7E6E6")
_REFERENCE = PatternFill("solid", fgColor="FFF2CC")  # the 安徽省（参照值） rows
_HEAD = PatternFill("solid", fgColor="BDD7EE")
_CHANGED = PatternFill("solid", fgColor="DDEBF7")
_STORED_FONT = Font(color="7F7F7F")
_THIN = Side(style="thin", color="A6A6A6")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WIDTHS = {
    "指标": 30,
    "单位": 6,
    "地区": 11,
    "城乡": 5,
    "全市基期值(2020年)": 9,
    "全市目标(2025年)": 9,
    "数据来源": 20,
    "备注": 16,
    "指标ID": 4,
    "区划代码": 4,
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
        "凤台县、寿县）和淮南市全市；年份（2021年—2025年）为列。部分指标另有淮南市“城镇”“乡村”两行。"
        "每行左侧列出全市2020年基期值和2025年目标，供对照。",
        False,
    ),
    (
        "3. 灰色列（指标、单位、地区、城乡、基期值、目标）已锁定，请勿修改；只在白色单元格填写。"
        "已入库的数值以灰色字显示；改动或新填的数值自动变为蓝色粗体，便于核对本次报送改了哪些数。",
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
        "1. 按“单位”列的单位填写数字，单元格中不要写单位或文字。例如养老服务床位单位为“张”，"
        "3.2万张填 32000，不要填 3.2 或“3.2万张”（入库时自动换算为规划的单位“万张”）。",
        False,
    ),
    ("2. 单位为 % 的指标填百分数：95.6% 填 95.6（也可直接输入 95.6%），不要填 0.956。", False),
    (
        "3. 五年累计指标（参加补贴性职业技能培训人数、城镇老旧小区改造）：指标行填写当年完成数；"
        "其下“2021年起累计（截至当年）”一行填写2021年至该年的累计数（如2023年列填2021—2023年合计）。",
        False,
    ),
    ("4. 暂无数据的单元格请留空，不要填“—”“无”“/”；0 表示数值确实为零。", False),
    (
        "5. 数值须在合理范围内：比率、覆盖率、占比不超过100，每千人口指标不超过1000，人均预期寿命在"
        "40–100岁之间（毛入园率、毛入学率可超过100）。超出范围的数值无法输入，入库时也会被拒绝。",
        False,
    ),
    ("6. “数据来源”请注明出处（如《淮南统计年鉴2023》、某局年报）；“备注”填写口径说明。", False),
    (
        "7. 请在“封面”工作表填写填报单位、填报人、审核人和报送日期，这些信息随数据一并入库。",
        False,
    ),
    (
        "8. 数值明显偏离基期值（高于10倍或低于1/10）、每千人口指标大于50等情况，入库时需要说明理由"
        "后才能确认；全市数值与各县区合计或区间不一致时会给出提示。",
        False,
    ),
    ("", False),
    ("三、请勿", True),
    ("1. 不要重命名、删除、移动或新增工作表（工作簿结构已保护，无密码）。", False),
    ("2. 不要插入、删除或调换行列，不要合并单元格。", False),
    ("", False),
    ("四、提交前检查", True),
    (
        "在“报送”页面上传本文件，先查看检查结果（不写入）；无问题后确认入库。也可由数据管理员运行 "
        "huainan ingest 文件名.xlsx --dry-run 检查。出错时会提示工作表和单元格（如 病有所医!H5）、"
        "列名和单元格内容。",
        False,
    ),
]


def urban_rural_indicators() -> pd.DataFrame:
    """The indicators reported for 城镇 and 乡村 too (:func:`huainan.plan.urban_rural_indicators`)."""
    return plan.urban_rural_indicators()


def _prompt(unit: str, cumulative: bool, to_date: bool) -> str:
    text = f"单位：{unit}。只填数字；暂无数据请留空。"
    if unit == "%":
        text += "填百分数，如 95.6 表示 95.6%。"
    if to_date:
        text += "本行填2021年至当年的累计数。"
    elif cumulative:
        text += "五年累计指标：本行填当年完成数。"
    return text


def _range_zh(low: float, high: float) -> str:
    """``0–100之间`` or ``不小于0`` for an Excel message."""
    return f"{low:g}–{high:g}之间" if high != float("inf") else f"不小于{low:g}"


def _rows_for(r, urban_rural: set[str]) -> list[tuple[str, str, str, str, str]]:
    """(indicator id, 指标 label, region code, 地区 label, area) rows of one indicator."""
    units = regions.units()
    city = (regions.CITY_CODE, regions.name(regions.CITY_CODE))
    out = [
        (r.indicator_id, r.name_zh, c, n, "total")
        for c, n in zip(units["code"], units["name_zh"], strict=True)
    ]
    out.append((r.indicator_id, r.name_zh, *city, "total"))
    if r.indicator_id in urban_rural:
        out += [(r.indicator_id, r.name_zh, *city, a) for a in ("urban", "rural")]
    if r.target_kind == "relative":
        out.append((r.indicator_id, r.name_zh, PROVINCE_CODE, PROVINCE_LABEL, "total"))
    if r.cumulative:
        out.append(
            (r.indicator_id + TO_DATE_SUFFIX, f"{r.name_zh}：{TO_DATE_LABEL}", *city, "total")
        )
    return out


def _plan_figure(text: str, unit: str, form_unit: str) -> str:
    """A baseline or target as printed, with the plan's unit when the form counts in another."""
    text = str(text).strip()
    if not text or text in ("nan", "——"):
        return "—"
    return f"{text}{unit}" if unit != form_unit else text


class _Writer:
    """Writes one domain sheet; keeps the stored values and the catalogue's bounds."""

    def __init__(self, wb: Workbook, stored: dict, bounds: pd.DataFrame, urban_rural: set[str]):
        self.wb, self.stored, self.bounds, self.urban_rural = wb, stored, bounds, urban_rural
        self.header = [*LABEL_COLUMNS, *(f"{y}年" for y in YEARS), *TAIL_COLUMNS]
        self.first_year = len(LABEL_COLUMNS) + 1
        self.copy = wb.create_sheet(STORED_SHEET)
        self.copy.sheet_state = "hidden"
        self.copy_row = 0

    def sheet(self, d, indicators: pd.DataFrame) -> None:
        ws = self.wb.create_sheet(d.zh)
        ws.cell(
            row=1, column=1, value=f"{d.zh}监测数据填报表（{YEARS[0]}—{YEARS[-1]}年）"
        ).font = Font(bold=True, size=13)
        for j, name in enumerate(self.header, start=1):
            c = ws.cell(row=HEADER_ROW, column=j, value=name)
            c.font = Font(bold=True)
            c.fill = _HEAD
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            c.border = _BOX
            ws.column_dimensions[get_column_letter(j)].width = _WIDTHS.get(name, 9)
        ws.row_dimensions[HEADER_ROW].height = 30
        for name in HIDDEN_COLUMNS:
            ws.column_dimensions[get_column_letter(self.header.index(name) + 1)].hidden = True
        row = HEADER_ROW + 1
        for r in indicators.itertuples():
            row = self._indicator(ws, r, row)
        self._finish(ws, row - 1)

    def _indicator(self, ws, r, row: int) -> int:
        form_unit = FORM_UNITS.get(r.unit, r.unit)
        base = _plan_figure(r.baseline_text, r.unit, form_unit)
        target = _plan_figure(r.target_text, r.unit, form_unit)
        for ident, label, code, region, area in _rows_for(r, self.urban_rural):
            labels = (label, form_unit, region, AREA_ZH[area], base, target)
            for j, value in enumerate(labels, start=1):
                c = ws.cell(row=row, column=j, value=formula_safe(value))
                c.fill = _REFERENCE if code == PROVINCE_CODE else _GREY
                c.alignment = Alignment(wrap_text=j == 1, vertical="center")
                c.border = _BOX
            for j, value in ((len(self.header) - 1, ident), (len(self.header), code)):
                ws.cell(row=row, column=j, value=value).number_format = "@"
            self._inputs(ws, row, (code, ident, area), r.unit, form_unit)
            self._validation(ws, row, ident, form_unit, r)
            row += 1
        return row

    def _inputs(self, ws, row: int, key: tuple, unit: str, form_unit: str) -> None:
        code, ident, area = key
        for k, year in enumerate(YEARS):
            c = ws.cell(row=row, column=self.first_year + k)
            c.protection = Protection(locked=False)
            c.number_format = "General"
            c.border = _BOX
            value = self.stored.get((code, ident, year, area))
            if value is not None:
                c.value = convert(value, unit, form_unit) if unit != form_unit else value
                c.font = _STORED_FONT
                self.copy.cell(row=row, column=self.first_year + k, value=c.value)
        for j in range(self.first_year + len(YEARS), self.first_year + len(YEARS) + 2):
            ws.cell(row=row, column=j).protection = Protection(locked=False)
            ws.cell(row=row, column=j).border = _BOX

    def _validation(self, ws, row: int, ident: str, form_unit: str, r) -> None:
        low, high = (float(self.bounds.at[ident, k]) for k in ("min_value", "max_value"))
        if form_unit != r.unit:
            high = convert(high, r.unit, form_unit)
        limits = (
            {"operator": "between", "formula1": f"{low:g}", "formula2": f"{high:.15g}"}
            if math.isfinite(high)
            else {"operator": "greaterThanOrEqual", "formula1": f"{low:g}"}
        )
        dv = DataValidation(
            type="decimal",
            **limits,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle="请输入合理范围内的数字",
            error=f"请填写{_range_zh(low, high)}的数字（单位：{form_unit}），不要填写单位、文字或“—”；暂无数据请留空。",
            showInputMessage=True,
            promptTitle=r.name_zh[:32],
            prompt=_prompt(form_unit, bool(r.cumulative), ident.endswith(TO_DATE_SUFFIX)),
        )
        first, last = (
            get_column_letter(self.first_year),
            get_column_letter(self.first_year + len(YEARS) - 1),
        )
        dv.add(f"{first}{row}:{last}{row}")
        ws.add_data_validation(dv)

    def _finish(self, ws, last_row: int) -> None:
        first, last = (
            get_column_letter(self.first_year),
            get_column_letter(self.first_year + len(YEARS) - 1),
        )
        cells = f"{first}{HEADER_ROW + 1}:{last}{last_row}"
        top = f"{first}{HEADER_ROW + 1}"
        ws.conditional_formatting.add(
            cells,
            FormulaRule(
                formula=[f"AND({top}<>\"\",{top}<>'{STORED_SHEET}'!{top})"],
                font=Font(color="1F4E79", bold=True),
                fill=_CHANGED,
            ),
        )
        ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=self.first_year)
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        ws.protection.formatCells = False
        _print_setup(ws, f"1:{HEADER_ROW}")


def _print_setup(ws, title_rows: str | None = None) -> None:
    """A4 landscape, one page wide (as many pages tall as needed), header rows repeated."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "&A 第 &P 页，共 &N 页"
    if title_rows:
        ws.print_title_rows = title_rows


def _stored_values(store) -> dict:
    try:
        obs = monitoring.observations(store=store)
    except Exception:  # an unreadable store: a blank form (validate reports the store)
        return {}
    return {(r.region_code, r.indicator, r.year, r.area): r.value for r in obs.itertuples()}


def _readme(wb: Workbook, ind: pd.DataFrame) -> None:
    readme = wb.active
    readme.title = README_SHEET
    relative = ind[ind["target_kind"] == "relative"]
    relative_zh = "、".join(f"{r.name_zh}“{r.target_text}”" for r in relative.itertuples())
    for i, (text, bold) in enumerate(_README, start=1):
        c = readme.cell(row=i, column=1, value=text.format(relative=relative_zh) or None)
        c.font = Font(bold=bold, size=14 if i == 1 else 11)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        # explicit heights: LibreOffice and WPS do not grow rows for wrapped text on opening
        lines = max(1, math.ceil(_display_width(str(c.value or "")) / 104))
        readme.row_dimensions[i].height = (20 if i == 1 else 15) * lines + 2
    readme.column_dimensions["A"].width = 110
    start = len(_README) + 2
    readme.cell(row=start, column=1, value="工作表与指标数").font = Font(bold=True)
    for k, d in enumerate(domains.DOMAINS, start=1):
        n = int((ind["domain"] == d.id).sum())
        readme.cell(row=start + k, column=1, value=f"{d.zh}：{n} 项指标")
    _print_setup(readme)


def _display_width(text: str) -> int:
    """Width in Excel character units: a Chinese character counts two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _cover(wb: Workbook) -> None:
    ws = wb.create_sheet(COVER_SHEET)
    ws.cell(row=1, column=1, value="淮南市“十四五”公共服务规划监测数据报送表").font = Font(
        bold=True, size=16
    )
    for i, label in enumerate(COVER_FIELDS, start=3):
        ws.cell(row=i, column=1, value=label).font = Font(bold=True)
        c = ws.cell(row=i, column=2)
        c.protection = Protection(locked=False)
        c.border = Border(bottom=_THIN)
        ws.row_dimensions[i].height = 24
        c.number_format = "@" if label != "报送日期" else "yyyy-mm-dd"
    ws.cell(
        row=8,
        column=1,
        value="填报人、审核人请填写姓名；报送日期如 2026-01-15。以上信息随数据一并入库。",
    )
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 50
    ws.protection.sheet = True
    _print_setup(ws)


def write_template(
    path: str | os.PathLike, *, overwrite: bool = False, store: str | os.PathLike | None = None
) -> Path:
    """Write the monitoring template workbook to ``path`` (atomically) and return the path.

    Parameters
    ----------
    path : path
        Output ``.xlsx`` file; its folder must exist.
    overwrite : bool, default False
        Replace an existing file. Off by default: the file may be a template someone filled.
    store : path, optional
        The store whose current values pre-fill the form (default ``<data>/monitoring``); an
        empty or missing store gives a blank form.

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
        If ``path`` does not end in ``.xlsx``.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> p = write_template(pathlib.Path(tempfile.mkdtemp()) / "t.xlsx", store=tempfile.mkdtemp())
    >>> wb = openpyxl.load_workbook(p)
    >>> wb.sheetnames[:3], wb["幼有所育"]["A3"].value, wb["幼有所育"]["B3"].value
    (['填表说明', '封面', '幼有所育'], '每千人口拥有3岁以下婴幼儿托位数', '个')
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
    wb = Workbook()
    _readme(wb, ind)
    _cover(wb)
    writer = _Writer(
        wb,
        _stored_values(store),
        catalogue().set_index("indicator"),
        set(urban_rural_indicators()["indicator_id"]),
    )
    for d in domains.DOMAINS:
        writer.sheet(d, ind[ind["domain"] == d.id])
    wb.move_sheet(STORED_SHEET, offset=len(wb.sheetnames))
    wb.security = WorkbookProtection(lockStructure=True)
    wb.active = 0
    buf = io.BytesIO()
    wb.save(buf)
    write_bytes(path, buf.getvalue())
    return path
