"""Ingest hardening (issue 15, item 5) and the data officers' checks (issue 14).

Each test here failed before its fix: footnote markers became digits, hidden rows passed
unnoticed, one formula cell hid the rest of a sheet's problems, an HTML page saved as .xls got
"no header row found", 1e308 was a valid count, a note starting with "=" was stored as a live
formula, a leftover temporary file went unreported, a head count passed as a per-1,000 rate.
"""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from huainan.cli import app
from huainan.errors import IngestError
from huainan.evidence import monitoring
from huainan.intake import excel
from huainan.intake.ingest import check, ingest, validate_store
from huainan.intake.reader import read_table
from huainan.intake.withdraw import withdraw

HEAD = "区划代码,地区,指标,年份,数值,单位,备注\n"


def _csv(path: Path, body: str, head: str = HEAD) -> Path:
    path.write_text(head + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("cell", "marker"),
    [
        ("12³", "³"),
        ("95.6¹", "¹"),
        ("93.5①", "①"),
        ("1²", "²"),
        ("95.6*", "*"),
        ("78.1†", "†"),
        ("78.1a", "a"),
    ],
)
def test_footnote_markers_are_refused_naming_the_marker(tmp_path, cell, marker):
    src = _csv(tmp_path / "f.csv", f"340400,淮南市,人均预期寿命,2023,{cell},岁,\n")
    with pytest.raises(IngestError) as err:
        ingest(src, store=tmp_path, dry_run=True)
    assert f"脚注标记“{marker}”" in str(err.value) and "row 2, column '数值'" in str(err.value)


def test_a_marker_explained_by_a_footnote_row_is_stripped_and_recorded(tmp_path):
    src = _csv(
        tmp_path / "f.csv",
        "340400,淮南市,人均预期寿命,2023,78.1①,岁,\n①为快报数。\n",
    )
    report = ingest(src, store=tmp_path / "s", create_store=True)
    obs = monitoring.observations(store=tmp_path / "s")
    assert obs["value"].tolist() == [78.1]  # not 78.11
    assert obs["note"].tolist() == ["脚注①：①为快报数。"]
    assert any("去除脚注标记“①”" in w for w in report.warnings)
    # read_table refuses an unexplained marker in a number column too (12³ is not 123)
    t = _csv(tmp_path / "t.csv", "大通区,12³\n", head="地区,床位数\n")
    with pytest.raises(IngestError, match="脚注标记“³”"):
        read_table(t)


def _book(path: Path, rows, **cells) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "报表"
    for r in rows:
        ws.append(r)
    for ref, value in cells.items():
        ws[ref] = value
    return path if wb.save(path) is None else path


def test_hidden_rows_and_columns_are_reported(tmp_path):
    p = tmp_path / "h.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in (
        ["区划代码", "地区", "指标", "年份", "数值", "单位", "备注"],
        ["340400", "淮南市", "人均预期寿命", 2023, 78.1, "岁", ""],
        ["340422", "寿县", "人均预期寿命", 2023, 77.9, "岁", "隐藏"],
    ):
        ws.append(r)
    ws.row_dimensions[3].hidden = True
    ws.column_dimensions["G"].hidden = True
    wb.save(p)
    report = check(p, store=tmp_path)
    assert report.rows_read == 2
    text = "\n".join(report.warnings)
    assert "1 个隐藏行（第3行）" in text and "隐藏列 ['备注']" in text


def test_every_formula_without_a_value_is_listed_with_the_other_problems(tmp_path):
    p = tmp_path / "f.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in (
        ["区划代码", "地区", "指标", "年份", "数值", "单位"],
        ["340400", "淮南市", "人均预期寿命", 2023, "=1+1", "岁"],
        ["340422", "寿县", "人均预期寿命", 2023, "=2+2", "岁"],
        ["340421", "凤台县", "人均预期寿命", 2023, "七十八", "岁"],
    ):
        ws.append(r)
    wb.save(p)  # openpyxl saves formulas without computed values
    report = check(p, store=tmp_path)
    cells = [(p_.cell, p_.message_zh[:6]) for p_ in report.problems]
    assert ("E2", "单元格是公式") in cells and ("E3", "单元格是公式") in cells
    assert any(c == "E4" for c, _ in cells)  # the rest of the sheet was still checked


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (b"<html><body><table><tr><td>x</td></tr></table></body></html>", "网页（HTML）"),
        (
            b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
            "XML 电子表格",
        ),
    ],
)
def test_html_or_xml_saved_as_xls_is_named(tmp_path, content, named):
    p = tmp_path / "export.xls"
    p.write_bytes(content)
    with pytest.raises(IngestError, match=named):
        check(p, store=tmp_path)


def test_magnitude_bounds_refuse_1e308_for_a_count(tmp_path):
    src = _csv(tmp_path / "m.csv", "340400,淮南市,养老服务床位总量,2023,1e308,张,\n")
    with pytest.raises(IngestError, match="超出合理范围") as err:
        ingest(src, store=tmp_path, dry_run=True)
    assert "全国人口" in str(err.value)


def test_text_starting_with_a_formula_character_is_stored_safely_and_read_back(tmp_path):
    note = '=HYPERLINK("http://evil","点击")'
    src = _csv(
        tmp_path / "n.csv",
        f'340400,淮南市,人均预期寿命,2023,78.1,岁,"{note.replace(chr(34), chr(34) * 2)}"\n',
    )
    ingest(src, store=tmp_path / "s", create_store=True)
    raw = (tmp_path / "s" / monitoring.STORE_FILE).read_text(encoding="utf-8")
    assert ",\"'=HYPERLINK(" in raw and ',"=HYPERLINK(' not in raw  # Excel/WPS show it as text
    assert monitoring.observations(store=tmp_path / "s")["note"].tolist() == [note]  # byte for byte
    assert validate_store(tmp_path / "s").ok


def test_leftover_temporary_files_are_reported_by_validate(tmp_path):
    src = _csv(tmp_path / "a.csv", "340400,淮南市,人均预期寿命,2023,78.1,岁,\n")
    store = tmp_path / "s"
    ingest(src, store=store, create_store=True)
    leftover = store / ".observations.csv.k1ll3d.tmp"  # what a kill -9 mid-write leaves
    leftover.write_bytes(b"x" * 1000)
    check_ = validate_store(store)
    assert not check_.ok and check_.problems == [] and str(leftover) in check_.leftovers[0]
    res = CliRunner().invoke(app, ["validate", "--store", str(store)])
    assert res.exit_code == 1 and "遗留的临时文件" in res.output


def test_a_large_file_is_refused_before_it_is_parsed(tmp_path):
    p = tmp_path / "big.csv"
    with p.open("wb") as fh:
        fh.write(HEAD.encode())
        fh.truncate(excel.MAX_FILE_BYTES + 1)
    with pytest.raises(IngestError, match="文件过大"):
        check(p, store=tmp_path)


def test_too_many_rows_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(excel, "MAX_ROWS", 3)
    p = tmp_path / "rows.xlsx"
    wb = openpyxl.Workbook()
    for i in range(5):
        wb.active.append(["地区", i])
    wb.save(p)
    with pytest.raises(IngestError, match="超过 3 行"):
        read_table(p)


# --------------------------------------------------------------------- plausibility, consistency


def test_a_head_count_in_a_per_1000_row_needs_a_reason(tmp_path):
    src = _csv(tmp_path / "d.csv", "340400,淮南市,每千人口执业(助理)医师数,2023,412,人,\n")
    report = check(src, store=tmp_path)
    [c] = report.confirmations
    assert c.rule == "per_1000_count" and not report.ok
    with pytest.raises(IngestError, match="需确认"):
        ingest(src, store=tmp_path / "s", create_store=True)
    assert not (tmp_path / "s" / monitoring.STORE_FILE).exists()
    ingest(src, store=tmp_path / "s", create_store=True, confirmations={c.token: "测试：确为412"})
    stored = monitoring.observations(store=tmp_path / "s", provenance=True)
    assert stored["confirmation"].tolist() == ["测试：确为412"]


def test_ten_times_the_baseline_needs_a_reason_and_a_normal_value_does_not(tmp_path):
    # 每千人口注册护士数: 2020 baseline 3.1 (专栏2); 31.5 > 10 × 3.1, 3.3 is fine
    src = _csv(
        tmp_path / "n.csv",
        "340400,淮南市,每千人口拥有注册护士数,2023,31.5,人,\n"
        "340400,淮南市,每千人口拥有注册护士数,2022,3.3,人,\n",
    )
    report = check(src, store=tmp_path)
    assert [(c.key[2], c.rule) for c in report.confirmations] == [(2023, "ratio_high")]
    assert "3.1" in report.confirmations[0].message_zh


def test_counties_that_do_not_add_up_to_the_city_are_a_warning(tmp_path):
    # 养老服务床位总量 in 张 (converted to 万张): 7 × 4000 = 28,000 ≠ 36,000 reported for the city
    body = "".join(
        f"{code},,养老服务床位总量,2023,4000,张,\n"
        for code in ("340402", "340403", "340404", "340405", "340406", "340421", "340422")
    )
    src = _csv(tmp_path / "c.csv", body + "340400,淮南市,养老服务床位总量,2023,36000,张,\n")
    report = ingest(src, store=tmp_path / "s", create_store=True)
    [w] = [w for w in report.warnings if "合计" in w]
    assert "7个县区合计2.8万张，淮南市填报3.6万张，相差22.2%" in w
    stored = monitoring.observations(store=tmp_path / "s", provenance=True)
    assert stored["checks"].str.contains("相差22.2%").all()  # recorded with the values


def test_a_city_rate_outside_its_counties_range_is_a_warning(tmp_path):
    body = (
        "340402,,人均预期寿命,2023,78.0,岁,\n"
        "340422,,人均预期寿命,2023,77.5,岁,\n"
        "340400,淮南市,人均预期寿命,2023,79.2,岁,\n"
    )
    report = check(_csv(tmp_path / "r.csv", body), store=tmp_path)
    assert any("淮南市79.2岁不在各县区77.5—78岁之间" in w for w in report.warnings)


# --------------------------------------------------------------------- revisions, withdrawals


def test_revision_listing_withdrawal_history_and_validate(tmp_path):
    store = tmp_path / "s"
    a = _csv(tmp_path / "a.csv", "340400,淮南市,人均预期寿命,2023,78.1,岁,\n")
    ingest(a, store=store, create_store=True)
    b = _csv(tmp_path / "b.csv", "340400,淮南市,人均预期寿命,2023,78.3,岁,核实后更正\n")
    dry = check(b, store=store)
    [rev] = dry.revisions
    assert (rev.old, rev.new, rev.old_ref, rev.new_ref) == (
        78.1,
        78.3,
        "a.csv line 2",
        "b.csv line 2",
    )
    res = CliRunner().invoke(app, ["ingest", str(b), "--dry-run", "--store", str(store)])
    assert "将修订的数值" in res.output and "78.1 → 78.3 岁" in res.output
    ingest(b, store=store)
    head = withdraw("life_expectancy", "340400", 2023, "误报：为快报数", by="测试员", store=store)
    assert monitoring.head(store) == head
    assert monitoring.observations(store=store).empty  # withdrawn: no current value
    flags = monitoring.revision_flags(store).iloc[0]
    assert (flags["reports"], flags["revised"], flags["withdrawn"], flags["reason"]) == (
        2,
        True,
        True,
        "误报：为快报数",
    )
    assert (
        monitoring.value_status("340400", "life_expectancy", 2023, store=store)["label_zh"]
        == "已撤回"
    )
    res = CliRunner().invoke(app, ["history", "人均预期寿命", "淮南市", "--store", str(store)])
    lines = res.output.strip().splitlines()
    assert res.exit_code == 0 and len(lines) == 3
    assert "78.1 岁" in lines[0] and "78.3 岁" in lines[1] and "撤回 withdrawn" in lines[2]
    assert "误报：为快报数" in lines[2] and "测试员" in lines[2]
    # where each value was read (the return's line), and the store's own line
    assert "a.csv 第2行" in lines[0] and "b.csv 第2行" in lines[1] and "a.csv" not in lines[2]
    # (line 1 of the store file is its header)
    assert [ln.split("存储第")[1].split("行")[0] for ln in lines] == ["2", "3", "4"]
    res = CliRunner().invoke(app, ["validate", "--store", str(store)])
    assert res.exit_code == 0, res.output  # the chain stays valid
    with pytest.raises(IngestError, match="已撤回"):
        withdraw("life_expectancy", "340400", 2023, "again", store=store)


def test_a_format_1_store_is_read_refused_for_appending_and_migrated(tmp_path):
    store = tmp_path / "s"
    store.mkdir()
    rows = monitoring.observations(store=store, provenance=True)  # empty frame, v2 columns
    import pandas as pd

    line = {
        "region_code": "340400",
        "year": 2023,
        "area": "total",
        "indicator": "life_expectancy",
        "unit": "岁",
        "value": 78.1,
        "source": "s",
        "source_ref": "a.csv line 2",
        "note": None,
        "revision": 1,
        "ingested_at": "2026-01-01T00:00:00+00:00",
        "source_file": "a.csv",
        "source_sha256": "0" * 64,
    }
    v1 = pd.DataFrame([line])
    body = monitoring.format_lines(v1.assign(**{c: "" for c in monitoring.RECORD_COLUMNS}))
    # a format-1 file: 13 chained fields, chain recomputed over them
    import csv
    import io

    rec = next(csv.reader(io.StringIO(body.decode())))[:13]
    text = (
        ",".join(monitoring.COLUMNS_V1)
        + "\n"
        + ",".join([*rec, monitoring.chain_hash(monitoring.GENESIS, rec)])
        + "\n"
    )
    (store / monitoring.STORE_FILE).write_text(text, encoding="utf-8")
    assert monitoring.observations(store=store)["value"].tolist() == [78.1] and rows.empty
    src = _csv(tmp_path / "b.csv", "340400,淮南市,人均预期寿命,2022,78.0,岁,\n")
    with pytest.raises(Exception, match="migrate-store"):
        ingest(src, store=store)
    res = CliRunner().invoke(app, ["migrate-store", "--store", str(store)])
    assert res.exit_code == 0 and "新链尾" in res.output
    ingest(src, store=store)
    assert len(monitoring.observations(store=store)) == 2 and validate_store(store).ok
    assert list(store.glob("observations.v1-*.csv"))


def test_cli_help_is_chinese_first():
    res = CliRunner().invoke(app, ["--help"])
    assert res.exit_code == 0 and "淮南市“十四五”公共服务规划监测评估工作簿" in res.output
    for cmd in ("ingest", "validate", "template", "history", "withdraw", "serve"):
        out = CliRunner().invoke(app, [cmd, "--help"]).output
        first = next(ln for ln in out.splitlines() if ln.strip() and "Usage" not in ln)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in first), (cmd, first)


def test_os_env_is_untouched():
    assert "HUAINAN_UPLOAD_TOKEN_FILE" not in os.environ


def test_cli_dry_run_prints_the_report_with_every_problem(tmp_path):
    src = _csv(
        tmp_path / "p.csv",
        "340400,淮南市,人均预期寿命,2023,78.1³,岁,\n340422,寿县,人均预期寿命,2023,七十八,岁,\n",
    )
    res = CliRunner().invoke(app, ["ingest", str(src), "--dry-run", "--store", str(tmp_path)])
    assert res.exit_code == 1 and "试运行（未写入）" in res.output
    assert "问题（须改正后重新报送）/ problems (2):" in res.output
    assert "第2行，“数值”列：数值带有脚注标记“³”" in res.output
    assert "第3行，“数值”列：不是数字" in res.output


def test_cli_refuses_folders_devices_unknown_areas_and_one_file_for_two_tables(tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", str(tmp_path)])
    assert res.exit_code == 1 and "这是文件夹" in res.output
    res = runner.invoke(app, ["ingest", "/dev/null"])
    assert res.exit_code == 1 and "不是普通文件" in res.output
    res = runner.invoke(
        app,
        ["withdraw", "人均预期寿命", "淮南市", "2025", "--reason", "x"]
        + ["--area", "bogus", "--store", str(tmp_path / "s")],
    )
    assert res.exit_code == 2 and "--area 只能是 total、urban、rural" in res.output
    same = tmp_path / "g.csv"
    res = runner.invoke(app, ["gaps", "2021", "2025", "-o", str(same), "--urban-rural", str(same)])
    assert res.exit_code == 2 and "同一个文件" in res.output and not same.exists()
