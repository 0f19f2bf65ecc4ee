"""The officials' Excel template: structure, validation, protection, and the ingest round trip."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from huainan import plan
from huainan.cli import app
from huainan.errors import IngestError
from huainan.evidence import monitoring
from huainan.intake.ingest import catalogue, ingest
from huainan.intake.template import PROVINCE_LABEL, README_SHEET, YEARS, write_template
from huainan.plan import domains, regions

HEADER = [
    "指标ID",
    "指标",
    "单位",
    "区划代码",
    "地区",
    "2021年",
    "2022年",
    "2023年",
    "2024年",
    "2025年",
    "数据来源",
    "备注",
]
REGION_ROWS = [*regions.UNIT_CODES, regions.CITY_CODE]
# 专栏2 targets relative to the Anhui average: these get a ninth row, 安徽省（参照值） 340000
RELATIVE = {"senior_secondary_gross_enrolment", "working_age_avg_years_schooling"}


def _rows_of(indicator_id: str) -> list[tuple[str, str]]:
    rows = [(code, regions.name(code)) for code in REGION_ROWS]
    return rows + [("340000", "安徽省（参照值）")] if indicator_id in RELATIVE else rows


@pytest.fixture(scope="module")
def template_path(tmp_path_factory) -> Path:
    return write_template(tmp_path_factory.mktemp("tpl") / "t.xlsx")


def test_sheets_are_the_readme_then_the_nine_domains(template_path):
    wb = openpyxl.load_workbook(template_path)
    assert wb.sheetnames == [
        README_SHEET,
        "幼有所育",
        "学有所教",
        "劳有所得",
        "病有所医",
        "老有所养",
        "住有所居",
        "弱有所扶",
        "优军服务保障",
        "文体服务保障",
    ]
    assert wb.security.lockStructure  # no renaming/deleting sheets (no password)
    readme = "\n".join(str(c.value) for c in wb[README_SHEET]["A"] if c.value)
    for phrase in (
        "不要重命名",
        "留空",
        "95.6",
        "huainan ingest",
        "当年完成数",
        "病有所医!H5",
        "安徽省（参照值）",
        "高中阶段教育毛入学率“高于全省平均水平”",
        "劳动年龄人口平均受教育年限“达到全省平均水平”",
        "不是淮南市的数据",
    ):
        assert phrase in readme


@pytest.mark.parametrize("domain", domains.DOMAIN_IDS)
def test_each_domain_sheet_lists_its_plan_indicators_by_region(template_path, domain):
    ws = openpyxl.load_workbook(template_path)[domains.get(domain).zh]
    assert [c.value for c in ws[2]] == HEADER
    ind = plan.indicators()
    ind = ind[ind["domain"] == domain]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    # seven units + the city per indicator, + Anhui under a relative target
    assert len(rows) == sum(9 if i in RELATIVE else 8 for i in ind["indicator_id"])
    expected = [
        (r.indicator_id, r.name_zh, r.unit, code, name)
        for r in ind.itertuples()
        for code, name in _rows_of(r.indicator_id)
    ]
    assert [row[:5] for row in rows] == expected
    assert all(v is None for row in rows for v in row[5:])  # no numbers shipped in the template
    assert ws.freeze_panes == "F3"
    assert ws.protection.sheet
    assert ws["F3"].protection.locked is False and ws["A3"].protection.locked is True
    dvs = ws.data_validations.dataValidation
    assert len(dvs) == len(ind)
    bounds = catalogue().set_index("indicator")
    first = 3
    for dv, r in zip(dvs, ind.itertuples(), strict=True):
        low, high = bounds.loc[r.indicator_id, ["min_value", "max_value"]]
        if high == float("inf"):  # e.g. 学前教育毛入园率: a gross rate may exceed 100
            assert (dv.operator, dv.formula1, dv.formula2) == (
                "greaterThanOrEqual",
                f"{low:g}",
                None,
            )
            assert f"不小于{low:g}" in dv.error
        else:
            assert (dv.operator, dv.formula1, dv.formula2) == ("between", f"{low:g}", f"{high:g}")
            assert f"{low:g}–{high:g}之间" in dv.error
        assert (dv.type, dv.allow_blank) == ("decimal", True)
        assert dv.showErrorMessage and dv.errorStyle == "stop"
        assert f"单位：{r.unit}" in dv.prompt and "留空" in dv.error
        assert len(dv.prompt) <= 255 and len(dv.error) <= 255 and len(dv.promptTitle) <= 32
        last = first + len(_rows_of(r.indicator_id)) - 1
        assert str(dv.sqref) == f"F{first}:J{last}"
        first = last + 1


def test_the_counts_match_the_plan(template_path):
    wb = openpyxl.load_workbook(template_path)
    ids = [
        ws.cell(row=r, column=1).value for ws in wb.worksheets[1:] for r in range(3, ws.max_row + 1)
    ]
    assert list(dict.fromkeys(ids)) == plan.indicators()["indicator_id"].tolist()  # 23, in order
    assert len(ids) == 23 * 8 + 2  # two Anhui reference rows


def test_an_empty_template_ingests_to_nothing(template_path, tmp_path):
    report = ingest(template_path, store=tmp_path, dry_run=True)
    assert report.rows_read == 0
    assert report.blank_cells == (23 * 8 + 2) * len(YEARS)  # 930 empty year cells
    assert report.skipped_sheets == [README_SHEET] and len(report.sheets) == 9


def test_cli_template_then_fill_then_ingest_round_trip(tmp_path):
    runner = CliRunner()
    out = tmp_path / "t.xlsx"
    res = runner.invoke(app, ["template", str(out)])
    assert res.exit_code == 0 and out.exists()

    wb = openpyxl.load_workbook(out)
    ws = wb["老有所养"]  # rows 3-10 nursing_bed_share, 11-18 facility compliance, …, 27-34 beds
    ws["F3"] = 35.2  # 大通区 2021 nursing_bed_share, %
    ws["H10"] = 0.41  # 淮南市 2023, typed as 41% in Excel
    ws["H10"].number_format = "0%"
    ws["G34"] = 3.3  # 淮南市 2022 elderly_care_beds_total, 万张
    ws["K34"] = "淮南市民政局年报"  # 数据来源
    ws["L34"] = "含社区养老服务床位"  # 备注
    edu = wb["学有所教"]
    edu["J4"] = 0  # 田家庵区 2025 preschool enrolment: a real zero
    wb.save(out)

    res = runner.invoke(
        app, ["ingest", str(out), "--dry-run", "--store", str(tmp_path / "s"), "--create-store"]
    )
    assert res.exit_code == 0, res.output
    assert "读取数值 / values read: 4" in res.output and "新增 / new: 4" in res.output
    assert not (tmp_path / "s" / monitoring.STORE_FILE).exists()

    report = ingest(out, store=tmp_path / "s", create_store=True)
    obs = monitoring.observations(store=tmp_path / "s")
    got = {(r.region_code, r.indicator, r.year): r.value for r in obs.itertuples()}
    assert got == {
        ("340402", "nursing_bed_share", 2021): 35.2,
        ("340400", "nursing_bed_share", 2023): 41.0,  # 0.41 shown as 41% → 41
        ("340400", "elderly_care_beds_total", 2022): 3.3,
        ("340403", "preschool_gross_enrolment", 2025): 0.0,
    }
    beds = obs[obs["indicator"] == "elderly_care_beds_total"].iloc[0]
    assert (beds["source"], beds["note"], beds["unit"]) == (
        "淮南市民政局年报",
        "含社区养老服务床位",
        "万张",
    )
    assert beds["source_ref"] == "t.xlsx [老有所养] G34"
    assert report.blank_cells == 930 - 4


def test_a_changed_unit_cell_is_converted(tmp_path):
    out = write_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(out)
    ws = wb["老有所养"]
    ws["C34"] = "张"  # the official reports beds in 张 instead of 万张
    ws["H34"] = 35000
    wb.save(out)
    rows = ingest(out, store=tmp_path, dry_run=True).rows
    assert rows["value"].tolist() == [3.5]  # 35000 张 = 3.5 万张


def test_text_typed_past_validation_is_refused_with_sheet_and_cell(tmp_path):
    out = write_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(out)
    wb["病有所医"]["I5"] = "七十八"  # data validation does not stop pasted text
    wb["病有所医"]["H6"] = 7.8  # 谢家集区 life expectancy 2023: 77.8 with a lost digit
    wb["老有所养"]["G9"] = 0.956  # 寿县 nursing_bed_share 2022 (2020: 32 %): only a warning
    wb["老有所养"]["G19"] = 0.9  # 大通区 pension_insurance_coverage 2022 (2020: >95 %)
    wb.save(out)
    with pytest.raises(IngestError) as err:
        ingest(out, store=tmp_path)
    text = str(err.value)
    assert "3 problem(s)" in text
    assert "  - 病有所医!I5, column '2024年': 不是数字 / not a number (cell text: '七十八')" in text
    assert (
        "  - 病有所医!H6, column '2023年': 超出合理范围：7.8 岁低于40岁" in text
    )
    assert "  - 老有所养!G19, column '2022年': 疑似把百分数填成了小数" in text
    assert [(e.sheet, e.cell, e.row) for e in err.value.problems] == [
        ("病有所医", "I5", 5),
        ("病有所医", "H6", 6),
        ("老有所养", "G19", 19),
    ]
    assert (err.value.sheet, err.value.cell) == ("病有所医", "I5")


def test_a_sheet_that_cannot_be_read_is_named_and_the_others_still_checked(tmp_path):
    out = write_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(out)
    wb["学有所教"]["L2"] = "数据来源"  # two columns named 数据来源 (K2 and L2)
    wb["病有所医"]["I5"] = "七十八"
    wb.save(out)
    with pytest.raises(IngestError) as err:
        ingest(out, store=tmp_path)
    assert [(e.sheet, e.cell) for e in err.value.problems] == [
        ("学有所教", "L2"),
        ("病有所医", "I5"),
    ]
    assert "学有所教!L2, column '数据来源': 两列同名“数据来源”" in str(err.value)


def test_the_anhui_row_resolves_a_relative_target(tmp_path):
    # The documented workflow (template → ingest → evaluation) can assess 高于全省平均水平.
    from huainan.measures.evaluation import evaluate

    out = write_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(out)
    ws = wb["学有所教"]  # rows 19-27 senior_secondary_gross_enrolment; 26 淮南市, 27 安徽省
    assert (ws["D27"].value, ws["E27"].value) == ("340000", PROVINCE_LABEL)
    ws["H26"], ws["H27"], ws["K27"] = 96.4, 95.9, "安徽省教育事业统计公报（测试值）"
    wb.save(out)
    ingest(out, store=tmp_path)
    obs = monitoring.observations(store=tmp_path)
    assert obs[["region_code", "indicator", "year", "value"]].values.tolist() == [
        ["340000", "senior_secondary_gross_enrolment", 2023, 95.9],
        ["340400", "senior_secondary_gross_enrolment", 2023, 96.4],
    ]
    row = (
        evaluate(2023, observations=obs)
        .set_index("indicator_id")
        .loc["senior_secondary_gross_enrolment"]
    )
    # 96.4 above Anhui's 95.9 of the same year: the relative target is already met
    assert row["reference_value"] == 95.9 and row["reference_year"] == 2023
    assert row["verdict"] == "achieved"


def test_cli_template_messages_for_officials(tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["template", str(tmp_path / "t.xls")])
    assert res.exit_code == 1 and ".xlsx" in res.output and "xlrd" not in res.output
    assert not (tmp_path / "t.xls").exists()
    res = runner.invoke(app, ["template", str(tmp_path / "missing" / "t.xlsx")])
    assert res.exit_code == 1 and f"the folder {tmp_path / 'missing'} does not exist" in res.output
    assert ".tmp" not in res.output and "文件夹不存在" in res.output


def test_an_existing_file_is_not_overwritten_without_force(tmp_path):
    out = tmp_path / "filled.xlsx"
    out.write_bytes(b"a filled template")
    runner = CliRunner()
    res = runner.invoke(app, ["template", str(out)])
    assert res.exit_code == 1 and "exists" in res.output and "--force" in res.output
    assert "overwrite=True" not in res.output and "文件已存在" in res.output
    assert out.read_bytes() == b"a filled template"
    res = runner.invoke(app, ["template", str(out), "--force"])
    assert res.exit_code == 0 and openpyxl.load_workbook(out).sheetnames[0] == README_SHEET
