"""The officials' Excel template: structure, validation, protection, and the ingest round trip."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from huainan import domains, monitoring, plan, regions
from huainan.cli import app
from huainan.ingest import ingest
from huainan.template import README_SHEET, YEARS, write_template

HEADER = ["指标ID", "指标", "单位", "区划代码", "地区", "2021年", "2022年", "2023年", "2024年",
          "2025年", "数据来源", "备注"]
REGION_ROWS = [*regions.UNIT_CODES, regions.CITY_CODE]


@pytest.fixture(scope="module")
def template_path(tmp_path_factory) -> Path:
    return write_template(tmp_path_factory.mktemp("tpl") / "t.xlsx")


def test_sheets_are_the_readme_then_the_nine_domains(template_path):
    wb = openpyxl.load_workbook(template_path)
    assert wb.sheetnames == [README_SHEET, "幼有所育", "学有所教", "劳有所得", "病有所医",
                             "老有所养", "住有所居", "弱有所扶", "优军服务保障", "文体服务保障"]
    assert wb.security.lockStructure  # no renaming/deleting sheets (no password)
    readme = "\n".join(str(c.value) for c in wb[README_SHEET]["A"] if c.value)
    for phrase in ("不要重命名", "留空", "95.6", "huainan ingest", "当年完成数"):
        assert phrase in readme


@pytest.mark.parametrize("domain", domains.DOMAIN_IDS)
def test_each_domain_sheet_lists_its_plan_indicators_by_region(template_path, domain):
    ws = openpyxl.load_workbook(template_path)[domains.get(domain).zh]
    assert [c.value for c in ws[2]] == HEADER
    ind = plan.indicators()
    ind = ind[ind["domain"] == domain]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 8 * len(ind)  # seven units + the city per indicator
    expected = [(r.indicator_id, r.name_zh, r.unit, code, regions.name(code))
                for r in ind.itertuples() for code in REGION_ROWS]
    assert [row[:5] for row in rows] == expected
    assert all(v is None for row in rows for v in row[5:])  # no numbers shipped in the template
    assert ws.freeze_panes == "F3"
    assert ws.protection.sheet
    assert ws["F3"].protection.locked is False and ws["A3"].protection.locked is True
    dvs = ws.data_validations.dataValidation
    assert len(dvs) == len(ind)
    for dv, r in zip(dvs, ind.itertuples(), strict=True):
        assert (dv.type, dv.operator, dv.formula1, dv.allow_blank) == (
            "decimal", "greaterThanOrEqual", "0", True)
        assert dv.showErrorMessage and dv.errorStyle == "stop"
        assert f"单位：{r.unit}" in dv.prompt and "留空" in dv.error
        assert len(dv.prompt) <= 255 and len(dv.error) <= 255 and len(dv.promptTitle) <= 32
    first = 3 + 8 * 0
    assert str(dvs[0].sqref) == f"F{first}:J{first + 7}"


def test_the_counts_match_the_plan(template_path):
    wb = openpyxl.load_workbook(template_path)
    ids = [ws.cell(row=r, column=1).value for ws in wb.worksheets[1:]
           for r in range(3, ws.max_row + 1, 8)]
    assert ids == plan.indicators()["indicator_id"].tolist()  # all 23, in plan order


def test_an_empty_template_ingests_to_nothing(template_path, tmp_path):
    report = ingest(template_path, store=tmp_path, dry_run=True)
    assert report.rows_read == 0
    assert report.blank_cells == 23 * 8 * len(YEARS)  # 920 empty year cells
    assert report.skipped_sheets == [README_SHEET] and len(report.sheets) == 9


def test_cli_template_then_fill_then_ingest_round_trip(tmp_path):
    runner = CliRunner()
    out = tmp_path / "t.xlsx"
    res = runner.invoke(app, ["template", str(out)])
    assert res.exit_code == 0 and out.exists()

    wb = openpyxl.load_workbook(out)
    ws = wb["老有所养"]  # rows 3-10 nursing_bed_share, 11-18 facility compliance, …, 27-34 beds
    ws["F3"] = 35.2                              # 大通区 2021 nursing_bed_share, %
    ws["H10"] = 0.41                             # 淮南市 2023, typed as 41% in Excel
    ws["H10"].number_format = "0%"
    ws["G34"] = 3.3                              # 淮南市 2022 elderly_care_beds_total, 万张
    ws["K34"] = "淮南市民政局年报"                  # 数据来源
    ws["L34"] = "含社区养老服务床位"                 # 备注
    edu = wb["学有所教"]
    edu["J4"] = 0                                # 田家庵区 2025 preschool enrolment: a real zero
    wb.save(out)

    res = runner.invoke(app, ["ingest", str(out), "--dry-run", "--store", str(tmp_path / "s")])
    assert res.exit_code == 0, res.output
    assert "读取数值 / values read: 4" in res.output and "新增 / new: 4" in res.output
    assert not (tmp_path / "s" / monitoring.STORE_FILE).exists()

    report = ingest(out, store=tmp_path / "s")
    obs = monitoring.observations(store=tmp_path / "s")
    got = {(r.region_code, r.indicator, r.year): r.value for r in obs.itertuples()}
    assert got == {
        ("340402", "nursing_bed_share", 2021): 35.2,
        ("340400", "nursing_bed_share", 2023): 41.0,   # 0.41 shown as 41% → 41
        ("340400", "elderly_care_beds_total", 2022): 3.3,
        ("340403", "preschool_gross_enrolment", 2025): 0.0,
    }
    beds = obs[obs["indicator"] == "elderly_care_beds_total"].iloc[0]
    assert (beds["source"], beds["note"], beds["unit"]) == ("淮南市民政局年报", "含社区养老服务床位",
                                                           "万张")
    assert beds["source_ref"] == "t.xlsx [老有所养] G34"
    assert report.blank_cells == 920 - 4


def test_a_changed_unit_cell_is_converted(tmp_path):
    out = write_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(out)
    ws = wb["老有所养"]
    ws["C34"] = "张"       # the official reports beds in 张 instead of 万张
    ws["H34"] = 35000
    wb.save(out)
    rows = ingest(out, store=tmp_path / "s", dry_run=True).rows
    assert rows["value"].tolist() == [3.5]  # 35000 张 = 3.5 万张


def test_text_typed_past_validation_is_refused_with_sheet_and_cell(tmp_path):
    out = write_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(out)
    wb["病有所医"]["I5"] = "七十八"  # data validation does not stop pasted text
    wb.save(out)
    with pytest.raises(Exception, match="row 5, column '2024年'"):
        ingest(out, store=tmp_path / "s")


def test_an_existing_file_is_not_overwritten_without_force(tmp_path):
    out = tmp_path / "filled.xlsx"
    out.write_bytes(b"a filled template")
    runner = CliRunner()
    res = runner.invoke(app, ["template", str(out)])
    assert res.exit_code == 1 and "exists" in res.output
    assert out.read_bytes() == b"a filled template"
    res = runner.invoke(app, ["template", str(out), "--force"])
    assert res.exit_code == 0 and openpyxl.load_workbook(out).sheetnames[0] == README_SHEET
