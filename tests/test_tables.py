"""read_table: every shared fixture with exact values, encodings, layouts, placeholders, typos."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huainan.errors import IngestError
from huainan.intake.reader import (
    decode_bytes,
    missing_cells,
    missing_summary,
    normalize_text,
    parse_cell,
    read_table,
)
from huainan.plan.targets import parse_target

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_FIXTURES = Path("/work/shared/fixtures")

# SHA-256 of /work/shared/fixtures/* when they were copied: the copies must stay byte-identical
# (GBK stays GBK, CRLF stays CRLF; .gitattributes marks them -text).
FIXTURE_SHA256 = {
    "fullwidth_values.csv": "f764ec1e8f0861e6cc68dafc333fc8762c9699a382ed8f49d0f105274c917f61",
    "mixed_units.csv": "49eb99ce761815d2166cdc9cf7d20f9f2e6da4659d49f2bf49ca3b97680fa425",
    "monitoring_gbk.csv": "db5c1764b6f85c0cf2fddd9fa66eabeb2a2a3740d5e112aff6543eb4049be227",
    "placeholders.csv": "d0dca2f30a72fe4a8400a0f4591383fcd8c7540da6adc56b6dfd655b94feef8e",
    "target_cells.csv": "a8b3cf7dc3f3a8a7729d6ab4e2b6a01896d6512f1f42d61b2f816a80741449dc",
    "yearbook_merged_header.xlsx": "6354d33a1338fb552be869bcab079e0ba310b9aaa718c6e16c2eb2d1b5fab42e",
}


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("name", sorted(FIXTURE_SHA256))
def test_fixture_copies_are_byte_identical(name):
    assert hashlib.sha256((FIXTURES / name).read_bytes()).hexdigest() == FIXTURE_SHA256[name]
    shared = SHARED_FIXTURES / name
    if shared.exists():  # on the team's machines: still the same bytes as the shared originals
        assert shared.read_bytes() == (FIXTURES / name).read_bytes()


def test_every_shared_fixture_has_a_copy():
    if not SHARED_FIXTURES.exists():
        pytest.skip("no /work/shared on this machine (CI)")
    assert {p.name for p in SHARED_FIXTURES.iterdir()} <= set(FIXTURE_SHA256)


# ---------------------------------------------------------------- the shared fixtures, one by one


def test_fullwidth_values_fixture():
    df = read_table(FIXTURES / "fullwidth_values.csv")
    assert df.columns.tolist() == ["指标", "2025年目标", "2023年实际(%)"]
    assert df.index.tolist() == [2, 3, 4, 5]  # editor lines; the header is line 1
    assert df["指标"].tolist() == [
        "学前教育毛入园率",
        "九年义务教育巩固率",
        "人均预期寿命(岁)",
        "城镇新增就业(万人)",
    ]
    # ９５．６ → 95.6; ７８.１ mixes a full-width 7/8/1 with an ASCII point → 78.1
    assert df["2023年实际(%)"].tolist() == [95.6, 98.7, 78.1, 3.6]
    assert str(df["2023年实际(%)"].dtype) == "float64"
    # ＞９５ and ［１８］ are plan notation: the column stays text for parse_target
    assert df["2025年目标"].tolist() == [">95", "99", "78.8", "[18]"]
    assert df.attrs["column_kinds"] == {
        "指标": "label",
        "2025年目标": "target",
        "2023年实际(%)": "number",
    }
    assert df.attrs["encoding"] == "utf-8"
    t = parse_target(df.at[5, "2025年目标"])
    assert (t.value, t.cumulative) == (18.0, True)


def test_monitoring_gbk_fixture():
    df = read_table(FIXTURES / "monitoring_gbk.csv")
    assert df.attrs["encoding"] == "gbk"
    assert df.columns.tolist() == ["区划代码", "地区", "指标", "年份", "数值", "单位"]
    assert df["区划代码"].tolist() == ["340402", "340421", "340422", "340406"]
    assert df["地区"].tolist() == ["大通区", "凤台县", "寿县", "潘集区"]
    assert df["指标"].tolist() == ["每千人口拥有3岁以下婴幼儿托位数"] * 3 + [
        "养老机构护理型床位占比"
    ]
    assert df["数值"].tolist() == [2.1, 1.7, 1.9, 41.5]
    assert df["单位"].tolist() == ["个", "个", "个", "%"]
    assert df["年份"].tolist() == ["2023"] * 4  # a label column: kept as text
    assert df.index.tolist() == [2, 3, 4, 5]  # CRLF line ends counted as one line each


def test_placeholders_fixture_refuses_the_numeral_one_with_a_hint():
    with pytest.raises(IngestError) as err:
        read_table(FIXTURES / "placeholders.csv")
    e = err.value
    assert (e.row, e.column, e.value) == (4, "床位数", "一")  # 谢家集区 is line 4
    assert "Chinese numeral one" in str(e) and "—" in str(e)
    assert str(FIXTURES / "placeholders.csv") in str(e)


def test_placeholders_fixture_once_the_sender_confirms_one_means_dash():
    df = read_table(FIXTURES / "placeholders.csv", placeholders={"一": "not_published"})
    assert df["地区"].tolist() == ["大通区", "田家庵区", "谢家集区", "八公山区"]
    assert df["床位数"].isna().all()
    # 512 and 0 are numbers (0 is not missing); '－' and two spaces are placeholders
    vals = df["执业医师数"].tolist()
    assert vals[0] == 512.0 and math.isnan(vals[1]) and vals[2] == 0.0 and math.isnan(vals[3])
    assert df["注册护士数"].isna().all()
    got = {(m["row"], m["column"], m["text"], m["reason"]) for m in df.attrs["missing"]}
    assert got == {
        (2, "床位数", "—", "not_published"),
        (3, "床位数", "…", "below_unit"),
        (4, "床位数", "一", "not_published"),
        (5, "床位数", "x", "suppressed"),
        (3, "执业医师数", "－", "not_published"),
        (5, "执业医师数", "  ", "blank"),
        (2, "注册护士数", "--", "not_published"),
        (3, "注册护士数", "", "blank"),
        (4, "注册护士数", "", "blank"),
        (5, "注册护士数", "NA", "not_available"),
    }
    summary = missing_summary(df).set_index("text")
    assert summary.at["", "cells"] == 3  # '', '' and '  '
    assert summary.at["", "sentence"] == "3 cells were blank"
    assert (
        summary.at["—", "sentence"] == "1 cell was '—' (not published / no such item (无该项数据))"
    )
    assert len(missing_cells(df)) == 10


def test_target_cells_fixture_keeps_plan_notation_as_text():
    df = read_table(FIXTURES / "target_cells.csv")
    assert df.attrs["column_kinds"] == {
        "指标": "label",
        "单位": "label",
        "2020年": "target",
        "2025年目标": "target",
        "属性": "label",
    }
    assert df["2020年"].tolist() == ["32", "93", "3.1", "——", "95.8", "10.25", "[209]", "—"]
    assert df["2025年目标"].tolist() == [
        "≥55",
        ">95",
        "<4.5",
        "应保尽保",
        "高于全省平均水平",
        "达到全省平均水平",
        "[430]",
        ">30",
    ]
    renov = df.set_index("指标").loc["城镇老旧小区改造"]
    assert parse_target(renov["2020年"]).cumulative and parse_target(renov["2020年"]).value == 209


def test_target_cells_forced_numeric_names_the_bracketed_cell():
    with pytest.raises(IngestError) as err:
        read_table(FIXTURES / "target_cells.csv", number_columns=["2020年"])
    assert (err.value.row, err.value.column, err.value.value) == (8, "2020年", "[209]")


def test_mixed_units_fixture_numbers_with_units_are_named():
    # read_table does not convert units (huainan.intake.ingest does): the first such cell is named
    with pytest.raises(IngestError) as err:
        read_table(FIXTURES / "mixed_units.csv")
    assert (err.value.row, err.value.column, err.value.value) == (2, "数值", "3.6万人")
    assert "carries a unit" in str(err.value) and "2 more such cell(s)" in str(err.value)
    df = read_table(FIXTURES / "mixed_units.csv", text_columns=["数值"])
    assert df["数值"].tolist() == ["3.6万人", "5120人", "0.61万"]
    assert df["地区"].tolist() == ["淮南市", "凤台县", "寿县"]


def test_yearbook_merged_header_fixture():
    df = read_table(FIXTURES / "yearbook_merged_header.xlsx")
    assert df.columns.tolist() == [
        "地区",
        "医疗卫生/床位数",
        "医疗卫生/执业(助理)医师",
        "养老服务/养老机构",
        "养老服务/养老床位",
    ]
    assert df.index.tolist() == [5, 6, 7]  # Excel rows; row 8 is blank, row 9 the footnote
    assert df["地区"].tolist() == ["全市", "大通区", "寿县"]
    assert df["医疗卫生/床位数"].tolist() == [19800.0, 1200.0, 5200.0]
    assert df["医疗卫生/执业(助理)医师"].tolist() == [7600.0, 480.0, 1900.0]
    assert df["养老服务/养老机构"].tolist() == [186.0, 14.0, 41.0]
    assert df["养老服务/养老床位"].tolist() == [23127.0, 1500.0, 5600.0]
    assert df.attrs["title"] == "各县区卫生和养老服务资源（示例表）"
    assert df.attrs["unit"] == "个、张、人"
    assert df.attrs["notes"] == ["注：本表为示例数据，仅用于测试读取。"]
    assert df.attrs["header_rows"] == [3, 4]
    assert df.attrs["sheet"] == "卫生"


# ---------------------------------------------------------------- encodings


def test_gb18030_rare_place_name_characters_round_trip(tmp_path):
    # 䢺 (U+48BA, Ext. A) and 𬌗 (U+2C317, Ext. E) are not in GBK: GB18030 four-byte sequences.
    text = "地区,人口\n䢺滩镇,1200\n𬌗村,35\n淮南市,3033528\n"
    df = read_table(_write(tmp_path / "rare.csv", text, "gb18030"))
    assert df.attrs["encoding"] == "gb18030"
    assert df["地区"].tolist() == ["䢺滩镇", "𬌗村", "淮南市"]
    assert df["人口"].tolist() == [1200.0, 35.0, 3033528.0]


def test_gbk_with_a_non_gb2312_character(tmp_path):
    df = read_table(_write(tmp_path / "gbk.csv", "地区,数值\n垚镇,1\n寿县,2\n", "gbk"))
    assert df.attrs["encoding"] == "gbk" and df["地区"].tolist() == ["垚镇", "寿县"]


def test_utf8_bom_and_utf16_tab_separated(tmp_path):
    df = read_table(_write(tmp_path / "bom.csv", "地区,数值\n寿县,2\n", "utf-8-sig"))
    assert df.attrs["encoding"] == "utf-8-sig" and df.columns.tolist() == ["地区", "数值"]
    # Excel's "Unicode text" export: UTF-16 with BOM, tab separated
    df = read_table(_write(tmp_path / "u16.txt", "地区\t数值\r\n寿县\t2.5\r\n", "utf-16"))
    assert df.attrs["encoding"] == "utf-16" and df["数值"].tolist() == [2.5]


def test_big5_bytes_are_refused_not_misread(tmp_path):
    big5 = "地區,指標,年份,數值\n淮南市,每千人口執業醫師數,2023,2.5\n壽縣,養老機構床位,2023,41.5\n"
    with pytest.raises(IngestError) as err:
        read_table(_write(tmp_path / "big5.csv", big5, "big5"))
    assert "cannot tell the text encoding" in str(err.value)
    assert "private-use" in str(err.value)


def test_latin1_bytes_are_refused(tmp_path):
    p = tmp_path / "x.csv"
    p.write_bytes("name,value\ncafé,1\n".encode("latin-1"))
    with pytest.raises(IngestError, match="not utf-8 .*line 2"):
        read_table(p)


def test_decode_prefers_utf8_when_both_decode():
    assert decode_bytes("淮南".encode())[1] == "utf-8"


# ---------------------------------------------------------------- numbers and layout


def test_thousands_separators_percent_and_signs(tmp_path):
    text = (
        "地区,人口,比例,变化\n"
        '淮南市,"3,033,528",95.6%,-1.5\n'
        "寿县,１，０２３，４５６,９５．６％,−2\n"
    )  # full-width comma is no CSV delimiter
    df = read_table(_write(tmp_path / "n.csv", text))
    assert df["人口"].tolist() == [3033528.0, 1023456.0]
    assert df["比例"].tolist() == [95.6, 95.6]
    assert df["变化"].tolist() == [-1.5, -2.0]  # U+2212 minus sign


def test_unquoted_thousands_separator_is_refused_with_a_hint(tmp_path):
    p = _write(tmp_path / "q.csv", "地区,人口\n寿县,1,023,456\n")
    with pytest.raises(IngestError) as err:
        read_table(p)
    assert (
        err.value.row == 2 and err.value.column == "C" and "thousands separator" in str(err.value)
    )


def test_bad_thousands_grouping_is_not_a_number(tmp_path):
    with pytest.raises(IngestError) as err:
        read_table(_write(tmp_path / "g.csv", '地区,人口\n寿县,"1,23"\n大通区,5\n凤台县,6\n'))
    assert (err.value.row, err.value.value) == (2, "1,23")


def test_title_unit_rows_and_footnotes_in_csv(tmp_path):
    text = (
        "表3-1 各县区常住人口,,\n"
        ",,单位：万人\n"
        "地　　区,常住人口,城镇人口\n"
        '寿　县,"101.2",32.1\n'
        "凤台县,62.1,…\n"
        "注：常住人口为年末数。,,\n"
        "资料来源：淮南统计年鉴。,,\n"
    )
    df = read_table(_write(tmp_path / "t.csv", text))
    assert df.columns.tolist() == ["地区", "常住人口", "城镇人口"]
    assert df["地区"].tolist() == ["寿县", "凤台县"]  # alignment spaces removed
    assert df.attrs["title"] == "表3-1 各县区常住人口" and df.attrs["unit"] == "万人"
    assert df.attrs["notes"] == ["注：常住人口为年末数。", "资料来源：淮南统计年鉴。"]
    assert df["常住人口"].tolist() == [101.2, 62.1]
    assert df.index.tolist() == [4, 5]
    assert missing_cells(df)[["row", "column", "text", "reason"]].values.tolist() == [
        [5, "城镇人口", "…", "below_unit"]
    ]


def test_csv_two_row_header_with_blank_group_cells(tmp_path):
    text = "地区,小学,,初中,\n,在校生,教师,在校生,教师\n大通区,1,2,3,4\n寿县,5,6,7,8\n"
    df = read_table(_write(tmp_path / "h.csv", text))
    assert df.columns.tolist() == ["地区", "小学/在校生", "小学/教师", "初中/在校生", "初中/教师"]
    assert df.loc[4].tolist() == ["寿县", 5.0, 6.0, 7.0, 8.0]  # two header lines, then 大通区


def test_csv_with_years_in_the_lower_header_row(tmp_path):
    text = "地区,常住人口,\n,2010,2020\n寿县,1,2\n"
    df = read_table(_write(tmp_path / "y.csv", text))
    assert df.columns.tolist() == ["地区", "常住人口/2010", "常住人口/2020"]


def test_excel_percent_cells_dates_and_uncached_formulas(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["地区", "参保率", "人口"])
    ws.append(["寿县", 0.956, 100])
    ws["B2"].number_format = "0.0%"
    ws.append(["凤台县", 0.99, "=C2*2"])  # formula never computed: openpyxl saves no value
    ws["B3"].number_format = "0%"
    p = tmp_path / "p.xlsx"
    wb.save(p)
    with pytest.raises(IngestError) as err:
        read_table(p)
    assert err.value.row == 3 and "no computed value" in str(err.value)

    ws["C3"] = 200
    wb.save(p)
    df = read_table(p)
    assert df["参保率"].tolist() == [95.6, 99.0]  # 0.956 shown as 95.6% → 95.6
    assert "percent" in df.attrs["transforms"][0]

    import datetime as dt

    ws["C3"] = dt.datetime(2023, 1, 5)
    wb.save(p)
    with pytest.raises(IngestError, match="stored this cell as a date"):
        read_table(p)


def test_ambiguous_column_and_overrides(tmp_path):
    p = _write(tmp_path / "a.csv", "地区,等级\n寿县,3\n凤台县,甲级\n")
    with pytest.raises(IngestError, match="cannot tell whether this column"):
        read_table(p)
    assert read_table(p, text_columns=["等级"])["等级"].tolist() == ["3", "甲级"]
    with pytest.raises(IngestError, match="no column"):
        read_table(p, text_columns=["级别"])


def test_duplicate_headers_and_unnamed_columns(tmp_path):
    with pytest.raises(IngestError, match="both named '人口'"):
        read_table(_write(tmp_path / "d.csv", "地区,人口,人口\n寿县,1,2\n"))
    df = read_table(_write(tmp_path / "u.csv", "地区,,人口\n寿县,1,2\n"))
    assert df.columns.tolist() == ["地区", "列B", "人口"] and df.attrs["warnings"]


def test_empty_and_headerless_files(tmp_path):
    with pytest.raises(IngestError, match="empty"):
        read_table(_write(tmp_path / "e.csv", "\n\n"))
    with pytest.raises(IngestError, match="no header"):
        read_table(_write(tmp_path / "t.csv", "只有标题\n"))
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(IngestError, match=r"\.xls"):
        read_table(tmp_path / "old.xls")


@pytest.mark.parametrize(
    ("line", "unit"),
    [
        ("单位：万人,,", "万人"),
        ("单位:万人,,", "万人"),
        ("计量单位：万人,,", "万人"),
        ("（单位：万人）,,", "万人"),
        ("(单位: 万人),,", "万人"),
        ("【单位：个/千人】,,", "个/千人"),
        ("表3-1 各县区常住人口（单位：万人）,,", "万人"),
    ],
)
def test_unit_line_spellings(tmp_path, line, unit):
    df = read_table(
        _write(tmp_path / "u.csv", f"{line}\n地区,常住人口,城镇人口\n寿县,101.2,32.1\n")
    )
    assert df.attrs["unit"] == unit and df.index.tolist() == [3]
    assert df.columns.tolist() == ["地区", "常住人口", "城镇人口"]
    if "表3-1" in line:  # a title that ends with the unit keeps its whole text
        assert df.attrs["title"] == "表3-1 各县区常住人口（单位：万人）"


def test_workbook_errors_name_the_sheet_and_cell(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "卫生"
    ws.append(["地区", "床位数", "床位数"])
    ws.append(["寿县", 1, 2])
    other = wb.create_sheet("养老 表")
    other.append(["地区", "床位数"])
    other.append(["寿县", "一"])
    other.append(["凤台县", 3, None, 4])
    p = tmp_path / "w.xlsx"
    wb.save(p)
    with pytest.raises(IngestError) as err:
        read_table(p)
    assert (err.value.sheet, err.value.cell) == ("卫生", "C1")
    assert "w.xlsx, 卫生!C1, column '床位数': 两列同名“床位数”" in str(err.value)
    with pytest.raises(IngestError) as err:  # beyond the last headed column: D3
        read_table(p, sheet="养老 表")
    assert "'养老 表'!D3" in str(err.value)
    other["D3"] = None
    wb.save(p)
    with pytest.raises(IngestError) as err:
        read_table(p, sheet="养老 表")
    assert "'养老 表'!B2, column '床位数': neither a number" in str(err.value)


def test_an_xlsx_workbook_with_an_xls_name_is_read_by_its_content(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["地区", "床位数"])
    wb.active.append(["寿县", 5200])
    wb.save(tmp_path / "w.xls")  # openpyxl writes xlsx whatever the name
    assert read_table(tmp_path / "w.xls")["床位数"].tolist() == [5200.0]
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(IngestError, match=r"save it as \.xlsx") as err:
        read_table(tmp_path / "bad.xlsx")
    assert "xlrd" not in str(err.value)


def test_parse_cell_and_normalize_text_edge_cases():
    assert parse_cell("1.5e3").value == 1500.0
    assert parse_cell(".5").value == 0.5
    assert parse_cell("12.").kind == "text"
    assert parse_cell("≥55").kind == "notation" and parse_cell("[430]").kind == "notation"
    assert normalize_text("\u200b 寿\u3000县 ") == "寿县"
    assert normalize_text("Datong  District") == "Datong District"


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**12), st.booleans(), st.booleans())
def test_property_formatted_integers_read_back(tmp_path_factory, n, grouped, fullwidth):
    text = f"{n:,}" if grouped else str(n)
    if fullwidth:  # ０-９ and ，
        text = text.translate(str.maketrans("0123456789,", "０１２３４５６７８９，"))
    p = tmp_path_factory.mktemp("prop") / "n.csv"
    _write(p, f'地区,数值\n寿县,"{text}"\n')
    assert read_table(p)["数值"].tolist() == [float(n)]


def test_hidden_sheets_are_not_the_default_and_not_listed(tmp_path):
    from huainan.intake.reader import sheet_names

    wb = openpyxl.Workbook()
    wb.active.title = "lists"
    wb.active.append(["代码", "名称"])
    wb.active.sheet_state = "hidden"
    data = wb.create_sheet("数据")
    data.append(["地区", "数值"])
    data.append(["寿县", 1.5])
    p = tmp_path / "h.xlsx"
    wb.save(p)
    assert sheet_names(p) == ["数据"] and sheet_names(p, include_hidden=True) == ["lists", "数据"]
    assert read_table(p).attrs["sheet"] == "数据"
