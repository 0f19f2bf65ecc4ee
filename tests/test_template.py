"""The officials' Excel template: structure, print setup, pre-filled values, the ingest round trip."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from huainan import plan
from huainan.cli import app
from huainan.errors import IngestError
from huainan.evidence import monitoring
from huainan.intake.ingest import ingest
from huainan.intake.template import (
    PROVINCE_LABEL,
    README_SHEET,
    STORED_SHEET,
    write_template,
)

HEADER = [
    "指标",
    "单位",
    "地区",
    "城乡",
    "全市基期值(2020年)",
    "全市目标(2025年)",
    "2021年",
    "2022年",
    "2023年",
    "2024年",
    "2025年",
    "数据来源",
    "备注",
    "指标ID",
    "区划代码",
]
YEAR_COL = {2021: "G", 2022: "H", 2023: "I", 2024: "J", 2025: "K"}
# 专栏2 targets relative to the Anhui average get a 安徽省（参照值） row; three indicators have
# 城镇/乡村 rows (data/plan/urban_rural_indicators.csv); two five-year cumulative indicators a
# running-total row.
RELATIVE = {"senior_secondary_gross_enrolment", "working_age_avg_years_schooling"}
URBAN_RURAL = {"physicians_per_1000", "nurses_per_1000", "working_age_avg_years_schooling"}
CUMULATIVE = {"subsidised_vocational_training", "old_residential_renovation"}


def _row(ws, ident: str, code: str, area: str = "合计") -> int:
    """The sheet row of an indicator id (hidden column N), region code (O) and 城乡 (D)."""
    for r in range(3, ws.max_row + 1):
        if (ws[f"N{r}"].value, ws[f"O{r}"].value, ws[f"D{r}"].value) == (ident, code, area):
            return r
    raise KeyError((ident, code, area))


@pytest.fixture(scope="module")
def template_path(tmp_path_factory) -> Path:
    empty = tmp_path_factory.mktemp("empty-store")
    return write_template(tmp_path_factory.mktemp("tpl") / "t.xlsx", store=empty)


def test_sheets_cover_and_hidden_stored_copy(template_path):
    wb = openpyxl.load_workbook(template_path)
    assert wb.sheetnames == [
        README_SHEET,
        "封面",
        "幼有所育",
        "学有所教",
        "劳有所得",
        "病有所医",
        "老有所养",
        "住有所居",
        "弱有所扶",
        "优军服务保障",
        "文体服务保障",
        STORED_SHEET,
    ]
    assert wb[STORED_SHEET].sheet_state == "hidden"
    cover = wb["封面"]
    assert [cover[f"A{r}"].value for r in range(3, 7)] == [
        "填报单位",
        "填报人",
        "审核人",
        "报送日期",
    ]
    assert wb.security.lockStructure


def test_rows_chinese_names_first_ids_hidden_units_officials_count_in(template_path):
    wb = openpyxl.load_workbook(template_path)
    total = 0
    for name in wb.sheetnames[2:-1]:
        ws = wb[name]
        assert [c.value for c in ws[2]] == HEADER, name
        assert ws.column_dimensions["N"].hidden and ws.column_dimensions["O"].hidden
        total += ws.max_row - 2
    # 23 indicators × 8 regions + 3 × (城镇, 乡村) + 2 Anhui rows + 2 running totals, by hand
    assert total == 23 * 8 + 3 * 2 + 2 + 2 == 194
    ws = wb["老有所养"]
    r = _row(ws, "elderly_care_beds_total", "340400")
    # counted in 张 on the form; the plan's 3.2 and 3.5 万张 shown beside the input cells
    assert [ws[f"{c}{r}"].value for c in "ABCDEF"] == [
        "养老服务床位总量",
        "张",
        "淮南市",
        "合计",
        "3.2万张",
        "3.5万张",
    ]
    ws = wb["住有所居"]
    r = _row(ws, "old_residential_renovation_to_date", "340400")
    assert ws[f"A{r}"].value == "城镇老旧小区改造：2021年起累计（截至当年）"
    ws = wb["病有所医"]
    assert ws[f"C{_row(ws, 'nurses_per_1000', '340400', '乡村')}"].value == "淮南市"
    ws = wb["学有所教"]
    assert ws[f"C{_row(ws, 'senior_secondary_gross_enrolment', '340000')}"].value == PROVINCE_LABEL
    for ident in plan.indicators()["indicator_id"]:
        sheets = [n for n in wb.sheetnames[2:-1] if any(c.value == ident for c in wb[n]["N"])]
        assert len(sheets) == 1, ident


def test_print_setup_a4_landscape_one_page_wide(template_path):
    wb = openpyxl.load_workbook(template_path)
    for name in wb.sheetnames[2:-1]:
        ws = wb[name]
        ps = ws.page_setup
        assert (ps.orientation, str(ps.paperSize), ps.fitToWidth, ps.fitToHeight) == (
            "landscape",
            "9",
            1,
            0,
        ), name
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$2"


def test_an_empty_template_ingests_to_nothing(template_path, tmp_path):
    report = ingest(template_path, store=tmp_path, dry_run=True)
    assert report.rows_read == 0 and report.rows.empty and report.problems == []
    assert "封面" in report.skipped_sheets and report.warnings == []


def _store_with_values(tmp_path: Path) -> Path:
    store = tmp_path / "store"
    src = tmp_path / "first.csv"
    src.write_text(
        "区划代码,地区,指标,年份,数值,单位,数据来源\n"
        "340400,淮南市,养老服务床位总量,2022,3.3,万张,市民政局年报2022\n"
        "340400,淮南市,人均预期寿命,2022,78.1,岁,市卫健委\n",
        encoding="utf-8",
    )
    ingest(src, store=store, create_store=True)
    return store


def test_prefilled_template_round_trip(tmp_path):
    store = _store_with_values(tmp_path)
    out = write_template(tmp_path / "t.xlsx", store=store)
    wb = openpyxl.load_workbook(out)
    ws = wb["老有所养"]
    r = _row(ws, "elderly_care_beds_total", "340400")
    assert ws[f"H{r}"].value == 33000  # 3.3 万张 shown in 张, grey
    assert ws[f"H{r}"].font.color.rgb.endswith("7F7F7F")
    assert wb[STORED_SHEET][f"H{r}"].value == 33000
    # the same file back: nothing changes
    report = ingest(out, store=store, dry_run=True)
    assert (report.rows_read, report.rows_unchanged, report.rows_new) == (2, 2, 0)
    # the officer corrects one value, adds a running total, a rural value and the cover
    ws[f"H{r}"] = 34000
    ws[f"L{r}"] = "市民政局年报2022（修订）"
    ws2 = wb["住有所居"]
    ws2[f"I{_row(ws2, 'old_residential_renovation_to_date', '340400')}"] = 274
    ws3 = wb["病有所医"]
    ws3[f"I{_row(ws3, 'nurses_per_1000', '340400', '乡村')}"] = 1.9
    cover = wb["封面"]
    cover["B3"], cover["B4"], cover["B5"], cover["B6"] = (
        "淮南市民政局",
        "张三",
        "李四",
        "2026-12-01",
    )
    wb.save(out)
    report = ingest(out, store=store)
    assert (report.rows_superseding, report.rows_new) == (1, 2)
    [rev] = report.revisions
    assert (rev.indicator, rev.year, rev.old, rev.new, rev.unit) == (
        "elderly_care_beds_total",
        2022,
        3.3,
        3.4,
        "万张",
    )
    assert (rev.old_source, rev.new_source) == ("市民政局年报2022", "市民政局年报2022（修订）")
    assert "养老服务床位总量 2022年：3.3 → 3.4 万张" in rev.line()
    obs = monitoring.observations(store=store, provenance=True)
    got = {(r.indicator, r.area, r.year): r.value for r in obs.itertuples()}
    assert got[("old_residential_renovation_to_date", "total", 2023)] == 274
    assert got[("nurses_per_1000", "rural", 2023)] == 1.9
    assert got[("elderly_care_beds_total", "total", 2022)] == 3.4
    new = obs[obs["indicator"] == "nurses_per_1000"].iloc[0]
    assert (new["filed_by_unit"], new["filed_by"], new["reviewed_by"], new["filed_on"]) == (
        "淮南市民政局",
        "张三",
        "李四",
        "2026-12-01",
    )
    kept = monitoring.kept_file(new["source_sha256"], store)
    assert kept is not None and kept.read_bytes() == out.read_bytes()


def test_text_typed_past_validation_is_refused_with_sheet_and_cell(tmp_path):
    out = write_template(tmp_path / "t.xlsx", store=tmp_path / "none")
    wb = openpyxl.load_workbook(out)
    ws = wb["病有所医"]
    r1 = _row(ws, "life_expectancy", "340403")
    r2 = _row(ws, "life_expectancy", "340404")
    ws[f"J{r1}"] = "七十八"  # data validation does not stop pasted text
    ws[f"I{r2}"] = 7.8  # 77.8 with a lost digit
    wb.save(out)
    with pytest.raises(IngestError) as err:
        ingest(out, store=tmp_path)
    text = str(err.value)
    assert "2 problem(s)" in text
    assert (
        f"  - 病有所医!J{r1}, column '2024年': 不是数字 / not a number (cell text: '七十八')"
        in text
    )
    assert f"  - 病有所医!I{r2}, column '2023年': 超出合理范围：7.8 岁低于40岁" in text


def test_the_anhui_row_resolves_a_relative_target(tmp_path):
    # The documented workflow (template → ingest → evaluation) can assess 高于全省平均水平.
    from huainan.measures.evaluation import evaluate

    out = write_template(tmp_path / "t.xlsx", store=tmp_path / "none")
    wb = openpyxl.load_workbook(out)
    ws = wb["学有所教"]
    city = _row(ws, "senior_secondary_gross_enrolment", "340400")
    prov = _row(ws, "senior_secondary_gross_enrolment", "340000")
    ws[f"I{city}"], ws[f"I{prov}"], ws[f"L{prov}"] = 96.4, 95.9, "安徽省教育事业统计公报（测试值）"
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


@pytest.mark.slow
def test_printed_page_count_with_libreoffice(tmp_path):
    # 12 A4 landscape pages: 填表说明 2, 封面 1, each domain sheet 1 (one page wide, fits tall)
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    out = write_template(tmp_path / "t.xlsx", store=tmp_path / "none")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = (tmp_path / "t.pdf").read_bytes()
    import re

    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 12
