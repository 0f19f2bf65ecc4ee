"""The China City Statistical Yearbook table (huainan.evidence.yearbook, _xlsx, _build).

Spot values were read by hand from the shared workbooks with openpyxl; the comment next to each
names the file's edition and the cell (``<shared>`` = ``/work/shared/data/city_yearbook``). The
committed table is tested without the shared folder; tests that read the workbooks themselves
skip, with the reason, where the folder is absent.
"""

from __future__ import annotations

import math
import shutil

import numpy as np
import pandas as pd
import pytest

from huainan.errors import DataValidationError
from huainan.evidence import yearbook
from huainan.evidence.yearbook import SCOPES, SPECS_BY_ID
from huainan.paths import REPO_ROOT

DATA = REPO_ROOT / "data"
SHARED = REPO_ROOT.parent / "shared" / "data"
needs_shared = pytest.mark.skipif(
    not (SHARED / "city_yearbook").exists(),
    reason=f"shared city yearbook not found at {SHARED / 'city_yearbook'} (cannot read workbooks)",
)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return yearbook.city_yearbook()


def _cell(t: pd.DataFrame, city: str, edition: int, indicator: str, scope: str = "全市"):
    hit = t[
        (t.city_code == city)
        & (t.edition == edition)
        & (t.indicator == indicator)
        & (t.scope == scope)
    ]
    assert len(hit) == 1, (city, edition, indicator, scope, len(hit))
    return hit.iloc[0]


# ------------------------------------------------------------------------------------------
# the committed table: values checked by hand against the workbooks
# ------------------------------------------------------------------------------------------

# (city, edition, scope, indicator, value in the table's unit, cell of the workbook)
HAND_READ = [
    # 淮南市
    ("340400", 2024, "全市", "hospital_beds", 17291, "CM111"),  # 2024 CM111 '17291'
    ("340400", 2024, "全市", "physicians", 9480, "CO111"),  # 2024 CO111 '9480' (text cell)
    ("340400", 2024, "全市", "elderly_institution_beds", 21922, "DC111"),  # 2024 DC111
    ("340400", 2024, "全市", "students_primary_stage", 23, "CC111"),  # 2024 CC111 '23' 万人
    ("340400", 2024, "全市", "students_junior_stage", 12, "CA111"),  # 2024 CA111 '12'
    ("340400", 2024, "全市", "students_senior_high", 6, "BY111"),  # 2024 BY111 '6'
    ("340400", 2024, "全市", "education_expenditure", 546601, "AG111"),  # 2024 AG111 万元
    ("340400", 2024, "全市", "library_books", 134, "CG111"),  # 2024 CG111 万册
    ("340400", 2021, "全市", "physicians", 7864, "DA111"),  # 2021 DA111
    ("340400", 2021, "全市", "population_resident", 303, "C111"),  # 2021 C111 常住
    ("340400", 2020, "全市", "physicians", 6494, "GO110"),  # 2020 GO110
    ("340400", 2019, "全市", "hospital_beds", 14470, "GM111"),  # 2019 GM111 (data 2018)
    # 合肥市
    ("340100", 2019, "全市", "population_registered", 758, "C108"),  # 2019 C108 户籍 万人
    ("340100", 2019, "全市", "hospital_beds", 48042, "GM108"),  # 2019 GM108
    ("340100", 2019, "全市", "physicians", 22320, "GO108"),  # 2019 GO108
    ("340100", 2019, "全市", "students_primary", 53, "GC108"),  # 2019 GC108: 53 (万人)
    ("340100", 2019, "全市", "teachers_primary", 28260, "FV108"),  # 2019 FV108
    ("340100", 2020, "全市", "hospital_beds", 52285, "GM107"),  # 2020 GM107
    ("340100", 2020, "全市", "students_primary", 55, "GC107"),  # 2020 GC107 (header says 人)
    ("340100", 2021, "全市", "population_resident", 937, "C108"),  # 2021 C108 常住
    ("340100", 2021, "市辖区", "population_resident", 512, "D108"),  # 2021 D108
    ("340100", 2021, "全市", "physicians", 29045, "DA108"),  # 2021 DA108
    ("340100", 2022, "全市", "population_registered", 793, "C108"),  # 2022 C108 户籍
    ("340100", 2022, "全市", "elderly_institution_beds", 32099, "DO108"),  # 2022 DO108
    ("340100", 2023, "全市", "elderly_institution_beds", 32151, "DN108"),  # 2023 DN108
    ("340100", 2024, "全市", "population_resident", 985, "C108"),  # 2024 C108 '985'
    ("340100", 2024, "全市", "hospital_beds", 70165, "CM108"),  # 2024 CM108 '70165'
    ("340100", 2024, "全市", "physicians", 36104, "CO108"),  # 2024 CO108 '36104'
    # 苏州市 (江苏省)
    ("320500", 2019, "全市", "hospital_beds", 58022, "GM86"),  # 2019 GM86
    ("320500", 2019, "全市", "population_registered", 704, "C86"),  # 2019 C86
    ("320500", 2020, "全市", "budget_expenditure", 21414500, "AT85"),  # 2020 AT85 万元
    ("320500", 2020, "全市", "education_expenditure", 3491874, "AV85"),  # 2020 AV85 万元
    ("320500", 2021, "全市", "population_resident", 1275, "C86"),  # 2021 C86 常住
    ("320500", 2021, "全市", "hospital_beds", 63611, "CY86"),  # 2021 CY86
    ("320500", 2022, "全市", "elderly_institution_beds", 52464, "DO86"),  # 2022 DO86
    ("320500", 2024, "全市", "population_resident", 1296, "C86"),  # 2024 C86 '1296'
    ("320500", 2024, "全市", "hospital_beds", 72811, "CM86"),  # 2024 CM86 '72811'
]


@pytest.mark.parametrize(("city", "edition", "scope", "indicator", "value", "cell"), HAND_READ)
def test_values_read_by_hand_from_the_workbooks(
    table, city, edition, scope, indicator, value, cell
):
    row = _cell(table, city, edition, indicator, scope)
    assert row["value"] == value
    assert row["cell"] == cell
    assert row["unit"] == SPECS_BY_ID[indicator].unit
    assert row["data_year"] == edition - 1


def test_city_count_per_edition_and_anhui_has_16(table):
    cities = table.groupby("edition")["city_code"].nunique()
    # 4 municipalities + 294 prefecture-level cities in the 2019 edition (莱芜市 still listed),
    # 293 later (莱芜 merged into 济南 in January 2019)
    assert cities.to_dict() == {2019: 298, 2020: 297, 2021: 297, 2022: 297, 2023: 297, 2024: 297}
    assert "371200" in set(table.loc[table.edition == 2019, "city_code"])
    assert "371200" not in set(table.loc[table.edition == 2020, "city_code"])
    anhui = table[table.province_code == "340000"].groupby("edition")["city_code"].nunique()
    assert (anhui == 16).all() and len(anhui) == 6
    assert set(table.loc[table.province_code == "340000", "city_code"]) == {
        "340100", "340200", "340300", "340400", "340500", "340600", "340700", "340800",
        "341000", "341100", "341200", "341300", "341500", "341600", "341700", "341800",
    }  # fmt: skip
    # municipalities carry their province code, every other city a prefecture code
    assert _cell(table, "110000", 2024, "hospital_beds")["city_name"] == "北京市"
    assert table["city_code"].str.fullmatch(r"\d{4}00").all()


def test_registered_and_resident_population_are_never_one_indicator(table):
    pop = table[table.indicator.str.startswith("population_")]
    kinds = pop.groupby("edition")["indicator"].unique().map(sorted).to_dict()
    assert kinds == {
        2019: ["population_registered"],
        2020: ["population_registered"],
        2021: ["population_resident"],
        2022: ["population_registered"],
        2023: ["population_registered"],
        2024: ["population_resident"],
    }
    # 淮南: 390 万 registered (2022 edition, C111) vs 303 万 resident (2021 edition, C111)
    assert _cell(table, "340400", 2022, "population_registered")["value"] == 390
    assert _cell(table, "340400", 2021, "population_resident")["value"] == 303


def test_corrected_and_unprinted_units_are_noted_on_every_row(table):
    st = table[table.indicator.isin(["students_primary", "students_secondary"])]
    old = st[st.edition.isin([2019, 2020]) & st.value.notna()]
    assert old["note"].eq("表头单位印为（人），数值为万人").all() and len(old) > 1000
    assert st.loc[st.edition >= 2021, "note"].ne("表头单位印为（人），数值为万人").all()
    pop = table[(table.edition == 2022) & (table.indicator == "population_registered")]
    assert pop.loc[pop.value.notna(), "note"].eq("表头未印单位，按万人").all()


def test_missing_cells_stay_missing_with_a_note(table):
    missing = table[table.value.isna()]
    assert len(missing) > 100 and missing["note"].str.len().gt(0).all()
    # 2019 edition GG76 (七台河市 博物馆数) holds the OCR text 'I': not guessed as 1
    row = _cell(table, "230900", 2019, "museums")
    assert math.isnan(row["value"]) and "“I”" in row["note"] and row["cell"] == "GG76"


def test_suspected_outliers_are_kept_and_noted(table):
    # 西安市 public-library books: 1,444 万册 (2020 edition GE…), 8,215 (2021 edition), 863 (2022)
    row = _cell(table, "610100", 2021, "library_books")
    assert row["value"] == 8215 and row["note"].startswith("疑似异常")
    assert not _cell(table, "340400", 2021, "library_books")["note"]


def test_table_sources_and_edition_rows():
    src = yearbook.yearbook_sources().set_index("edition")
    assert list(src.index) == list(yearbook.EDITIONS)
    assert (src["data_year"] == src.index - 1).all()
    assert src.at[2024, "source"].startswith("《中国城市统计年鉴2024》")
    assert src["mirror"].str.contains("chenfei2008c/china-local-debt-atlas").all()
    assert src["sha256"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert src.at[2020, "first_data_row"] == 6 and src.at[2021, "first_data_row"] == 7
    t = yearbook.city_yearbook(with_source=True)
    assert t.loc[t.edition == 2021, "source"].str.contains("中国城市统计年鉴2021").all()


def test_hand_read_raw_cells_all_agree_and_census_disagreements_are_listed():
    checks = yearbook.yearbook_checks()
    hand = checks[checks.check == "hand_read"]
    # every 淮南 row of the raw file for an extracted indicator, 2020–2024 editions
    assert len(hand) == 116 and hand["status"].eq("agree").all()
    cen = checks[checks.check == "census_2020"]
    assert len(cen) == 296  # every city with a 2020 resident population and a census total
    disc = pd.read_csv(DATA / "stats" / "discrepancies.csv", dtype=str, keep_default_na=False)
    listed = disc[(disc.kind == "value") & (disc.indicator == "population_resident")]
    differ = cen[cen.status == "differ"]
    assert len(listed) == len(differ) > 50
    assert set(listed["region_code"]) == set(differ["city_code"])
    # 淮南: 303 万 (2021 edition C111) vs 3,033,528 census residents: agree within 0.5 万
    hn = cen.set_index("city_code").loc["340400"]
    assert hn["status"] == "agree" and float(hn["other_value"]) == 303.3528
    # 通化: the difference is 梅河口市's census population (province-administered)
    assert "梅河口" in listed.set_index("region_code").at["220500", "reason"]


def test_discrepancies_list_the_typos_and_unit_errors_of_the_compilation():
    disc = pd.read_csv(DATA / "stats" / "discrepancies.csv", dtype=str, keep_default_na=False)
    names = disc[disc.kind == "name"]
    assert {"麥庄市", "深河市", "常徳市", "脩州市", "那曲冇", "西藏自冶区"} <= set(names.value_a)
    assert len(names[names.value_a == "荷泽市"]) == 2  # 2019 and 2022 editions
    units = disc[(disc.kind == "unit")]
    assert set(zip(units.year, units.indicator, strict=True)) >= {
        ("2018", "students_primary"),
        ("2019", "students_secondary"),
        ("2020", "population_resident"),
        ("2021", "population_registered"),
    }
    yb = disc[(disc.kind == "unreadable") & disc.source_a.str.contains("中国城市统计年鉴")]
    assert len(yb) == 3  # 2019 edition GD16 "II", GG76 "I"; 2022 edition AI26 "413349’"


def test_budget_2025_figures_with_their_source():
    b = yearbook.budget_2025().set_index("indicator")
    # 关于淮南市2025年预算执行情况和2026年预算草案的报告 (raw/city_yearbook_budget_2019_2025.csv)
    assert b.at["livelihood_expenditure", "value"] == 288.4
    assert b.at["livelihood_expenditure_share", "value"] == 83.5
    assert b.at["budget_expenditure_general", "value"] == 345.4
    assert b.at["budget_expenditure_education", "value"] == 57.2
    assert b["source"].str.startswith("关于淮南市2025年预算执行情况").all()
    assert b["source_url"].str.startswith("https://cz.huainan.gov.cn/").all()
    assert (b["year"] == 2025).all() and (b["region_code"] == "340400").all()


# ------------------------------------------------------------------------------------------
# validation of the committed table
# ------------------------------------------------------------------------------------------


def _text_table() -> pd.DataFrame:
    from huainan.evidence.stats import read_csv_text

    return read_csv_text(DATA / "stats" / "city_yearbook.csv")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("city_code", "34040", "6-digit"),
        ("scope", "全县", "scope"),
        ("indicator", "hospital_bed", "unknown indicator"),
        ("data_year", "2024", "edition − 1"),
        ("unit", "万张", "unit must be"),
        ("value", "一万", "not a number"),
    ],
)
def test_malformed_table_rows_are_named(column, value, message):
    df = _text_table().head(50).copy()
    df.loc[7, column] = value
    with pytest.raises(DataValidationError, match=message) as err:
        yearbook.validate_table(df, path="city_yearbook.csv")
    assert (err.value.row, err.value.column) == (9, column)


def test_empty_value_needs_a_note_and_keys_are_unique():
    df = _text_table().head(50).copy()
    df.loc[3, "value"] = ""
    df.loc[3, "note"] = ""
    with pytest.raises(DataValidationError, match="needs a note"):
        yearbook.validate_table(df)
    df = _text_table().head(50).copy()
    df.loc[5] = df.loc[4]
    with pytest.raises(DataValidationError, match="duplicate"):
        yearbook.validate_table(df)


# ------------------------------------------------------------------------------------------
# the reader: headers by text, units, cells
# ------------------------------------------------------------------------------------------


def _synthetic_header(order: list[int]):
    """A worksheet with the 2021-edition header layout and four columns in ``order``."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "中国2020年地级以上城市数据"
    ws["A3"] = "城 市"
    blocks = [
        # (title row 2, label row 4, scope row 6)
        ("2-26 医院、床位和医生数", "医院床位数 (张)  Number of Beds", "全市  Total City"),
        ("2-26 医院、床位和医生数", None, "市辖区 Districts under City"),
        ("2-24 在校学生数(二)  （万人）", "普通小学  Regular Primary Schools", "全市 Total City"),
        ("2-22 专任教师数(二)", "普通小学  Regular Primary Schools", "全市 Total City"),
    ]
    for col, k in enumerate(order, start=3):
        title, label, scope = blocks[k]
        ws.cell(2, col, title)
        ws.cell(3, col, title)
        if label:
            ws.cell(4, col, label)
            ws.cell(5, col, label)
        ws.cell(6, col, scope)
    ws["A7"] = "北京市"
    return ws


def test_header_paths_are_read_by_text_in_any_column_order():
    from huainan.evidence.yearbook_xlsx import read_header

    def paths(order):
        cols = read_header(_synthetic_header(order), 7)
        return {(c.title, c.label, c.scope, c.unit, c.table) for c in cols}, cols

    first, cols = paths([0, 1, 2, 3])
    assert (
        "医院、床位和医生数",
        "医院床位数",
        "市辖区",
        "张",
        "表2-26",
    ) in first  # label inherited
    assert ("在校学生数(二)", "普通小学", "全市", "万人", "表2-24") in first  # unit from the title
    assert ("专任教师数(二)", "普通小学", "全市", "", "表2-22") in first
    moved, cols2 = paths([2, 3, 0, 1])  # the same columns, other letters
    assert moved == first
    assert {c.letter for c in cols if c.label == "医院床位数"} == {"C", "D"}
    assert {c.letter for c in cols2 if c.label == "医院床位数"} == {"E", "F"}


def test_a_missing_or_ambiguous_header_is_an_error():
    from huainan.evidence.yearbook_xlsx import map_columns, read_header

    cols = read_header(_synthetic_header([0, 1, 2, 3]), 7)
    with pytest.raises(DataValidationError, match="0 columns for 户籍人口"):
        map_columns(cols, 2022, path="x.xlsx")
    twice = cols + [c for c in cols if c.label == "医院床位数"]
    with pytest.raises(DataValidationError, match="2 columns for 医院床位数"):
        map_columns(twice, 2024, path="x.xlsx", specs=[SPECS_BY_ID["hospital_beds"]])
    found = map_columns(cols, 2024, path="x.xlsx", specs=[SPECS_BY_ID["hospital_beds"]])
    assert {k: c.letter for k, c in found.items()} == {
        ("hospital_beds", "全市"): "C",
        ("hospital_beds", "市辖区"): "D",
    }


@pytest.mark.parametrize(
    ("raw", "value", "note", "unreadable"),
    [
        ("  17291 ", 17291.0, "", False),
        (17291, 17291.0, "", False),
        ("1,296", 1296.0, "", False),
        (None, np.nan, "空白单元格", False),
        ("—", np.nan, "单元格为“—”", False),
        ("II", np.nan, "单元格文字“II”不是数字（未采用）", True),
        ("413349’", np.nan, "单元格文字“413349’”不是数字（未采用）", True),
        ("-3", np.nan, "单元格数值“-3”为负或无效（未采用）", True),
    ],
)
def test_cells_are_parsed_without_guessing(raw, value, note, unreadable):
    from huainan.evidence.yearbook_xlsx import parse_value

    v, n, u = parse_value(raw, path="x.xlsx", cell="C7")
    assert (math.isnan(v) and math.isnan(value)) or v == value
    assert (n, u) == (note, unreadable)


def test_implausible_units_are_refused():
    from huainan.evidence.yearbook_xlsx import check_units

    rows = yearbook.city_yearbook()
    rows = rows[rows.edition == 2024].copy()
    check_units(rows, 2024)  # as committed: plausible
    beds = rows.indicator == "hospital_beds"
    rows.loc[beds, "value"] = rows.loc[beds, "value"] * 1e4  # as if printed in 万张
    with pytest.raises(DataValidationError, match="hospital_beds: national median"):
        check_units(rows, 2024)


# ------------------------------------------------------------------------------------------
# from the workbooks (shared folder)
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def counties():
    from huainan.evidence import stats

    return stats.national_counties()


def _move_block(ws, first: str, last: str) -> str:
    """Move columns first..last (values and merged header cells) after the last used column."""
    from openpyxl.utils import column_index_from_string, get_column_letter

    a, b = column_index_from_string(first), column_index_from_string(last)
    shift = ws.max_column + 2 - a
    inside = [r for r in list(ws.merged_cells.ranges) if a <= r.min_col and r.max_col <= b]
    for r in inside:
        ws.unmerge_cells(str(r))
    ws.move_range(f"{first}1:{last}{ws.max_row}", cols=shift)
    for r in inside:
        ws.merge_cells(
            start_row=r.min_row,
            end_row=r.max_row,
            start_column=r.min_col + shift,
            end_column=r.max_col + shift,
        )
    return get_column_letter(a + shift)


@needs_shared
def test_header_drift_a_moved_table_still_maps_right(tmp_path, counties):
    """The 2024 edition with table 2-23 (医院、床位和医生数, CK:CP) moved to the far right."""
    import openpyxl

    from huainan.evidence.yearbook_xlsx import read_edition

    src = SHARED / "city_yearbook" / yearbook.FILE.format(edition=2024)
    original = read_edition(src, 2024, counties)
    copy = tmp_path / src.name
    shutil.copy(src, copy)
    wb = openpyxl.load_workbook(copy)
    new_first = _move_block(wb.worksheets[0], "CK", "CP")
    wb.save(copy)
    moved = read_edition(copy, 2024, counties)
    beds = moved.columns[("hospital_beds", "全市")]
    assert original.columns[("hospital_beds", "全市")].letter == "CM"
    assert beds.letter != "CM" and beds.table == "表2-23"
    from openpyxl.utils import column_index_from_string

    assert beds.index == column_index_from_string(new_first) + 2
    key = ["city_code", "scope", "indicator"]
    a = original.rows.set_index(key)["value"].sort_index()
    b = moved.rows.set_index(key)["value"].sort_index()
    pd.testing.assert_series_equal(a, b)
    hn = moved.rows.set_index(key)
    assert hn.at[("340400", "全市", "hospital_beds"), "value"] == 17291  # 2024 CM111


@needs_shared
def test_a_wrong_printed_unit_is_refused(tmp_path, counties):
    import openpyxl

    from huainan.evidence.yearbook_xlsx import read_edition

    src = SHARED / "city_yearbook" / yearbook.FILE.format(edition=2024)
    copy = tmp_path / src.name
    shutil.copy(src, copy)
    wb = openpyxl.load_workbook(copy)
    ws = wb.worksheets[0]
    for row in range(1, 7):  # the header of 医院床位数 (CM) says 万张 instead of 张
        v = ws[f"CM{row}"].value
        if isinstance(v, str) and "医院床位数" in v:
            ws[f"CM{row}"] = v.replace("(张)", "(万张)")
    wb.save(copy)
    with pytest.raises(DataValidationError, match="expected '张'") as err:
        read_edition(copy, 2024, counties)
    assert err.value.column == "CM"


@needs_shared
def test_an_unknown_city_name_names_the_cell(tmp_path, counties):
    import openpyxl

    from huainan.evidence.yearbook_xlsx import read_edition

    src = SHARED / "city_yearbook" / yearbook.FILE.format(edition=2024)
    copy = tmp_path / src.name
    shutil.copy(src, copy)
    wb = openpyxl.load_workbook(copy)
    wb.worksheets[0]["A111"] = "  淮安市"  # 淮南市's row, a city of 江苏 under 安徽
    wb.save(copy)
    with pytest.raises(DataValidationError, match="city name not found") as err:
        read_edition(copy, 2024, counties)
    assert err.value.cell == "A111" and err.value.value == "淮安市"


def test_every_scope_of_every_spec_is_in_the_table(table):
    for spec in yearbook.SPECS:
        for edition in spec.editions:
            have = table[(table.indicator == spec.id) & (table.edition == edition)]
            assert set(have["scope"]) == set(SCOPES), (spec.id, edition)
