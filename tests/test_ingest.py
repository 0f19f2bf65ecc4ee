"""ingest → monitoring store: fixtures with exact values, units, revisions, atomicity, CLI."""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from huainan.cli import app
from huainan.errors import DataValidationError, IngestError
from huainan.evidence import monitoring
from huainan.intake.ingest import (
    catalogue,
    ingest,
    resolve_indicator,
    resolve_region,
    validate_store,
)

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = "区划代码,地区,指标,年份,数值,单位\n"


def _csv(path: Path, body: str, header: str = HEADER, encoding: str = "utf-8") -> Path:
    path.write_bytes((header + body).encode(encoding))
    return path


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# ---------------------------------------------------------------- the fixtures


def test_monitoring_gbk_fixture_is_stored_exactly(tmp_path):
    store = tmp_path / "store"
    report = ingest(FIXTURES / "monitoring_gbk.csv", store=store, create_store=True)
    assert (report.rows_read, report.rows_new, report.rows_superseding) == (4, 4, 0)
    assert report.encoding == "gbk" and report.rows_written == 4
    obs = monitoring.observations(store=store)
    assert obs[["region_code", "indicator", "year", "area", "unit", "value"]].values.tolist() == [
        ["340402", "nursery_places_per_1000", 2023, "total", "个", 2.1],
        ["340406", "nursing_bed_share", 2023, "total", "%", 41.5],
        ["340421", "nursery_places_per_1000", 2023, "total", "个", 1.7],
        ["340422", "nursery_places_per_1000", 2023, "total", "个", 1.9],
    ]
    assert obs["source_ref"].tolist() == [f"monitoring_gbk.csv line {n}" for n in (2, 5, 3, 4)]
    full = monitoring.observations(provenance=True, store=store)
    assert set(full["source_file"]) == {"monitoring_gbk.csv"}
    assert set(full["source_sha256"]) == {report.sha256} and set(full["revision"]) == {1}
    assert obs["note"].isna().all()
    assert validate_store(store).ok


def test_mixed_units_fixture_converts_into_the_plan_unit(tmp_path):
    # new_urban_jobs (城镇新增就业) is stored in 万人 (plan.projects(), 第三章第二节)
    report = ingest(FIXTURES / "mixed_units.csv", store=tmp_path, year=2023)
    got = dict(zip(report.rows["region_code"], report.rows["value"], strict=True))
    assert got == {
        "340400": 3.6,  # 3.6万人
        "340421": 0.512,  # 5120人 = 5120 / 10^4 万人
        "340422": 0.61,  # 0.61万 = 0.61 万人 (bare 万 of the indicator's base, 人)
    }
    assert set(report.rows["unit"]) == {"万人"} and set(report.rows["year"]) == {2023}


def test_mixed_units_fixture_without_a_year_is_refused(tmp_path):
    with pytest.raises(IngestError, match="no 年份"):
        ingest(FIXTURES / "mixed_units.csv", store=tmp_path)
    assert _files(tmp_path) == []  # not even a lock file: nothing was touched


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("placeholders.csv", "no 指标"),
        ("fullwidth_values.csv", "no 区划代码 or 地区"),
        ("target_cells.csv", "no 区划代码 or 地区"),
        ("yearbook_merged_header.xlsx", "no 指标"),
    ],
)
def test_fixtures_that_are_not_monitoring_returns_are_refused(tmp_path, name, message):
    with pytest.raises(IngestError, match=message):
        ingest(FIXTURES / name, store=tmp_path)


# ---------------------------------------------------------------- names, regions, units


def test_resolve_indicator_is_tolerant_but_never_guesses():
    assert resolve_indicator("城镇新增就业（万人）") == ("new_urban_jobs", "万人")
    assert resolve_indicator("每千人口执业 (助理) 医师数 (人)") == ("physicians_per_1000", "人")
    assert resolve_indicator("ＮＵＲＳＩＮＧ_BED_SHARE") == ("nursing_bed_share", None)
    assert resolve_indicator("每千人口托位数") == ("nursery_places_per_1000", None)  # 专栏8 name
    with pytest.raises(IngestError) as err:
        resolve_indicator("每千人口托位")
    assert "unknown indicator" in str(err.value) and "每千人口托位数" in str(err.value)
    assert "nursery_places_per_1000" in str(err.value)


def test_catalogue_holds_plan_indicators_and_project_metrics():
    cat = catalogue().set_index("indicator")
    assert cat.at["elderly_care_beds_total", "unit"] == "万张"
    assert cat.at["new_urban_jobs", "unit"] == "万人"
    assert cat.at["subsidised_vocational_training", "domain"] == "employment"
    assert cat.index.is_unique


def test_resolve_region():
    assert resolve_region(None, "凤台") == "340421"
    assert resolve_region("340400", "全市") == "340400"
    with pytest.raises(IngestError, match="340421 is 凤台县"):
        resolve_region("340421", "寿县")
    with pytest.raises(IngestError, match="未知地区 / unknown region name"):
        resolve_region(None, "毛集实验区")
    assert resolve_region("340000", "安徽省（参照值）") == "340000"  # the template's Anhui row
    with pytest.raises(IngestError, match="unknown region name"):
        resolve_region(None, "淮南市（备注）")


def test_every_problem_is_listed_and_nothing_written(tmp_path):
    src = _csv(
        tmp_path / "bad.csv",
        "340402,大通区,养老机构护理型床位占比,2023,41.5,%\n"  # fine
        "340421,寿县,养老机构护理型床位占比,2023,40,%\n"  # code says 凤台县
        "340422,寿县,养老机构护理床位占比,2023,40,%\n"  # unknown name
        "340422,寿县,城镇新增就业,2023,3.6万人,人\n"  # cell and column disagree
        "340422,寿县,人均预期寿命,2023,78.1,%\n"  # 岁 cannot become %
        "340406,潘集区,人均预期寿命,2023,一,岁\n"  # typo
        "340406,潘集区,养老服务床位总量,2023,-2,万张\n"  # negative
        "340406,潘集区,养老服务床位总量,1999,2,万张\n",
    )  # year out of range
    store = tmp_path / "store"
    with pytest.raises(IngestError) as err:
        ingest(src, store=store, create_store=True)
    text = str(err.value)
    assert (
        "7 problem(s)" in text
        and "发现 7 处问题，未写入任何数据" in text
        and "nothing was written" in text
    )
    assert [e.row for e in err.value.problems] == [3, 4, 5, 6, 7, 8, 9]
    assert "340421 is 凤台县" in text and "未知指标 / unknown indicator" in text
    assert err.value.problems[1].column == "指标"
    assert "最接近的指标 closest known names: 养老机构护理型床位占比" in text
    assert "the cell says '万人'" in text and "cannot be converted to '岁'" in text
    assert "Chinese numeral one" in text and "不是数字 / not a number" in text
    assert "-2 万张 is below 0 万张" in text and "year outside" in text
    assert not (store / monitoring.STORE_FILE).exists()


def test_units_in_headers_names_and_cells(tmp_path):
    src = _csv(
        tmp_path / "u.csv",
        "340400,淮南市,养老服务床位总量,2023,32000\n340422,寿县,养老服务床位总量,2023,5600\n",
        header="区划代码,地区,指标,年份,数值(张)\n",
    )
    rows = ingest(src, store=tmp_path, dry_run=True).rows
    assert rows["value"].tolist() == [3.2, 0.56]  # 32000 张 = 3.2 万张; 5600 张 = 0.56 万张
    src = _csv(
        tmp_path / "n.csv", "340400,淮南市,参加各类补贴性职业技能培训人数（人）,2022,52000,\n"
    )
    assert ingest(src, store=tmp_path, dry_run=True).rows["value"].tolist() == [5.2]
    # nursing_bed_share was 32 % in 2020 (专栏2): 0.35 may be a fraction, so only a warning
    src = _csv(tmp_path / "p.csv", "340400,淮南市,养老机构护理型床位占比,2023,0.35,%\n")
    report = ingest(src, store=tmp_path, dry_run=True)
    assert report.rows["value"].tolist() == [0.35]
    assert report.warnings == [
        "row 2, column '数值': 请核对：百分数应填 95.6 而不是 0.956 / '0.35' for a % indicator "
        "looks like a fraction; percent figures are stored (95.6, not 0.956)"
    ]
    # 0.35 % is also below 1/10 of the 2020 baseline (32 %): the officer must confirm it
    assert [c.rule for c in report.confirmations] == ["ratio_low"]


def test_a_unit_is_required(tmp_path):
    src = _csv(tmp_path / "x.csv", "340400,淮南市,城镇新增就业,2023,3.6,\n")
    with pytest.raises(IngestError, match="no unit"):
        ingest(src, store=tmp_path / "s", create_store=True)


def test_placeholders_are_reported_not_stored(tmp_path):
    src = _csv(
        tmp_path / "p.csv",
        "340400,淮南市,人均预期寿命,2023,—,岁\n"
        "340422,寿县,人均预期寿命,2023,78.1,岁\n"
        "340421,凤台县,人均预期寿命,2023,…,岁\n",
    )
    report = ingest(src, store=tmp_path / "s", create_store=True)
    assert report.rows_written == 1 and report.rows_read == 1
    assert report.skipped == [
        "row 2, column '数值': '—' （not published / no such item (无该项数据)）未入库 / not stored",
        "row 4, column '数值': '…' （below the table's smallest unit or not known "
        "(数字不足最小单位或不详)）未入库 / not stored",
    ]


def test_duplicate_keys_in_one_file_are_refused(tmp_path):
    src = _csv(
        tmp_path / "d.csv",
        "340422,寿县,人均预期寿命,2023,78.1,岁\n,寿县,人均预期寿命,2023,78.2,岁\n",
    )
    with pytest.raises(IngestError, match="a second value for 寿县 life_expectancy 2023") as err:
        ingest(src, store=tmp_path / "s", create_store=True)
    assert err.value.row == 3


def test_area_column_and_long_format_with_ids(tmp_path):
    src = _csv(
        tmp_path / "a.csv",
        "340422,城镇,pension_insurance_coverage,2022年,96.5,%\n"
        "340422,乡村,pension_insurance_coverage,2022年,93,%\n",
        header="区划代码,城乡,指标ID,年份,数值,单位\n",
    )
    rows = ingest(src, store=tmp_path, dry_run=True).rows
    assert rows[["area", "year", "value"]].values.tolist() == [
        ["urban", 2022, 96.5],
        ["rural", 2022, 93.0],
    ]


# ---------------------------------------------------------------- the store: revisions, atomicity


def test_revisions_supersede_and_nothing_is_deleted(tmp_path):
    store = tmp_path / "store"
    first = _csv(
        tmp_path / "a.csv",
        "340402,大通区,人均预期寿命,2022,78.0,岁\n340422,寿县,人均预期寿命,2022,77.5,岁\n",
    )
    ingest(first, store=store, create_store=True)
    before = (store / monitoring.STORE_FILE).read_bytes()
    second = _csv(
        tmp_path / "b.csv",
        "340402,大通区,人均预期寿命,2022,78.3,岁\n"  # corrected
        "340422,寿县,人均预期寿命,2022,77.5,岁\n"  # unchanged
        "340421,凤台县,人均预期寿命,2022,77.9,岁\n",
    )  # new
    report = ingest(second, store=store)
    assert (report.rows_new, report.rows_superseding, report.rows_unchanged) == (1, 1, 1)
    after = (store / monitoring.STORE_FILE).read_bytes()
    assert after.startswith(before)  # append-only: the old bytes are a prefix
    assert after.count(b"\n") == before.count(b"\n") + 2

    now = monitoring.observations(store=store).set_index("region_code")["value"].to_dict()
    assert now == {"340402": 78.3, "340421": 77.9, "340422": 77.5}
    hist = monitoring.observations(current_only=False, provenance=True, store=store)
    datong = hist[hist["region_code"] == "340402"]
    assert datong[["value", "revision", "source_file"]].values.tolist() == [
        [78.0, 1, "a.csv"],
        [78.3, 2, "b.csv"],
    ]
    check = validate_store(store)
    assert check.ok and (check.lines, check.keys, check.superseded) == (4, 3, 1)

    third = ingest(second, store=store)  # the same file again: idempotent
    assert third.rows_unchanged == 3 and (store / monitoring.STORE_FILE).read_bytes() == after


def test_failed_ingest_leaves_the_store_byte_identical(tmp_path):
    store = tmp_path / "store"
    ingest(FIXTURES / "monitoring_gbk.csv", store=store, create_store=True)
    before = (store / monitoring.STORE_FILE).read_bytes()
    listing = _files(store)
    bad = _csv(
        tmp_path / "bad.csv",
        "340402,大通区,人均预期寿命,2024,78.5,岁\n340402,大通区,人均预期寿命,2025,七十八,岁\n",
    )
    with pytest.raises(IngestError):
        ingest(bad, store=store)
    assert (store / monitoring.STORE_FILE).read_bytes() == before
    assert _files(store) == listing


def test_a_crash_while_writing_leaves_the_store_unchanged(tmp_path, monkeypatch):
    store = tmp_path / "store"
    ingest(FIXTURES / "monitoring_gbk.csv", store=store, create_store=True)
    before = (store / monitoring.STORE_FILE).read_bytes()
    listing = _files(store)

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    good = _csv(tmp_path / "g.csv", "340402,大通区,人均预期寿命,2024,78.5,岁\n")
    with pytest.raises(OSError, match="disk full"):
        ingest(good, store=store)
    assert (store / monitoring.STORE_FILE).read_bytes() == before
    assert _files(store) == listing  # the temporary file was removed


def test_dry_run_writes_nothing(tmp_path):
    store = tmp_path / "store"
    report = ingest(FIXTURES / "monitoring_gbk.csv", store=store, dry_run=True, create_store=True)
    assert report.dry_run and report.rows_new == 4 and report.rows_written == 0
    assert not store.exists()  # not even the folder or a lock file
    assert "dry run" in report.summary()


def _stored(tmp_path) -> tuple[Path, list[str]]:
    """A store holding the GBK fixture's four values: (store folder, its lines)."""
    store = tmp_path / "store"
    ingest(FIXTURES / "monitoring_gbk.csv", store=store, create_store=True)
    path = store / monitoring.STORE_FILE
    return store, path.read_text(encoding="utf-8").splitlines(keepends=True)


def _write_lines(store: Path, lines: list[str]) -> None:
    (store / monitoring.STORE_FILE).write_text("".join(lines), encoding="utf-8")


def _chain_problem(store: Path) -> str:
    check = validate_store(store)
    assert not check.ok and len(check.problems) == 1
    return check.problems[0]


def test_the_stored_chain_is_the_documented_recipe(tmp_path):
    import csv
    import hashlib
    import json

    store, lines = _stored(tmp_path)
    records = list(csv.reader(lines[1:]))
    previous = "0" * 64
    for rec in records:  # sha256 of the JSON array [previous chain, the 13 other fields]
        payload = json.dumps([previous, *rec[:-1]], ensure_ascii=False, separators=(",", ":"))
        previous = hashlib.sha256(payload.encode("utf-8")).hexdigest()
        assert rec[-1] == previous
    assert (
        lines[0]
        .rstrip("\n")
        .endswith(
            ",source_sha256,action,ingested_by,filed_by_unit,filed_by,reviewed_by,filed_on,confirmation,checks,chain_sha256"
        )
    )
    check = validate_store(store)
    assert check.ok and check.chain_head == previous == monitoring.head(store)


def test_an_edited_value_breaks_the_chain_at_its_line(tmp_path):
    # the review's repro: sed -i 's/,2.8,/,3.8,/' — here the fixture's 2.1 on line 2
    store, lines = _stored(tmp_path)
    assert ",2.1," in lines[1]
    _write_lines(store, [lines[0], lines[1].replace(",2.1,", ",3.1,"), *lines[2:]])
    problem = _chain_problem(store)
    assert "row 2, column 'chain_sha256'" in problem and "hash chain breaks" in problem
    with pytest.raises(DataValidationError, match="hash chain breaks"):
        monitoring.observations(store=store)  # readers refuse it too
    with pytest.raises(DataValidationError, match="hash chain breaks"):
        ingest(FIXTURES / "mixed_units.csv", store=store, year=2023)  # and so does ingest
    assert "3.1" in (store / monitoring.STORE_FILE).read_text(encoding="utf-8")  # not repaired


def test_a_fabricated_appended_line_is_found(tmp_path):
    # revision 2, a later time, any 64-hex checksum: well-formed, but its chain value is a guess
    store, lines = _stored(tmp_path)
    fields = lines[1].rstrip("\n").split(",")
    fields[5], fields[9], fields[10] = "4.6", "2", "2030-01-01T00:00:00+00:00"
    fields[12], fields[-1] = "a" * 64, "b" * 64
    _write_lines(store, [*lines, ",".join(fields) + "\n"])
    assert "row 6, column 'chain_sha256'" in _chain_problem(store)


@pytest.mark.parametrize(
    ("edit", "line"),
    [
        (lambda ls: [ls[0], ls[1], ls[3], ls[4]], 3),  # line 3 removed → line after gap
        (lambda ls: [ls[0], ls[2], ls[1], ls[3], ls[4]], 2),  # two lines swapped
        (lambda ls: [ls[0], ls[1], ls[1], ls[2], ls[3], ls[4]], 3),  # a line copied
        (lambda ls: [ls[0], ls[1], ls[2].replace("340421", "340422"), ls[3], ls[4]], 3),  # region
        (lambda ls: [ls[0], ls[1], ls[2], ls[3], ls[4].replace(",%,", ",‰,")], 5),  # unit
    ],
)
def test_moved_removed_copied_or_edited_lines_are_found(tmp_path, edit, line):
    store, lines = _stored(tmp_path)
    _write_lines(store, edit(lines))
    assert f"row {line}, column 'chain_sha256'" in _chain_problem(store)


def test_malformed_fields_are_named_before_the_chain(tmp_path):
    store, lines = _stored(tmp_path)
    _write_lines(store, [lines[0], lines[1].replace("340402", "34040")])
    assert "6 digits" in _chain_problem(store)
    with pytest.raises(DataValidationError, match="6 digits"):
        monitoring.observations(store=store)


def test_what_the_chain_cannot_see_and_head_can(tmp_path):
    # Documented limits (data/monitoring/README.md): lines cut off at the end, and a store
    # rewritten by someone who recomputes the chain. A chain value recorded earlier catches both.
    store, lines = _stored(tmp_path)
    recorded = validate_store(store).chain_head
    _write_lines(store, lines[:3])  # the last two lines cut off
    assert validate_store(store).ok
    problems = validate_store(store, head=recorded).problems
    assert len(problems) == 1 and "no line has the recorded chain value" in problems[0]

    import csv
    import io

    records = list(csv.reader(lines[1:]))
    records[0][5] = "3.1"  # a forger edits the value and recomputes every chain value
    previous = monitoring.GENESIS
    for rec in records:
        rec[-1] = previous = monitoring.chain_hash(previous, rec[:-1])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(records)
    _write_lines(store, [lines[0], buf.getvalue()])
    assert validate_store(store).ok  # undetectable from the file alone
    assert not validate_store(store, head=recorded).ok
    assert validate_store(store, head=previous).ok


def test_a_store_without_the_chain_column_is_refused_with_a_reason(tmp_path):
    store, lines = _stored(tmp_path)
    old_header = ",".join(monitoring.COLUMNS_V1[:-1]) + "\n"
    _write_lines(store, [old_header, *(",".join(ln.split(",")[:13]) + "\n" for ln in lines[1:])])
    assert "written before huainan added the chain_sha256 column" in _chain_problem(store)


def test_a_mistyped_store_folder_is_refused(tmp_path):
    src = FIXTURES / "monitoring_gbk.csv"
    with pytest.raises(IngestError, match="store folder .*stroe does not exist") as err:
        ingest(src, store=tmp_path / "stroe")
    assert "create_store=True" in str(err.value)
    with pytest.raises(IngestError, match="does not exist"):
        ingest(src, store=tmp_path / "stroe", dry_run=True)  # a dry run would say "all new"
    assert _files(tmp_path) == []
    assert ingest(src, store=tmp_path / "new", create_store=True).rows_written == 4
    check = validate_store(tmp_path / "stroe")
    assert not check.ok and "does not exist" in check.problems[0]


def test_empty_store_reads_as_an_empty_long_table(tmp_path):
    obs = monitoring.observations(store=tmp_path)
    assert obs.empty and obs.columns.tolist() == list(monitoring.OBSERVATION_COLUMNS)
    assert str(obs["year"].dtype) == "int64" and str(obs["value"].dtype) == "float64"
    assert validate_store(tmp_path).lines == 0


# ---------------------------------------------------------------- property: write, read back

# (id, unit, smallest, largest value allowed by the catalogue's bounds: BOUNDS, then MAGNITUDE)
_INDICATORS = [
    ("life_expectancy", "岁", 40, 100),
    ("nursing_bed_share", "%", 0, 100),
    ("elderly_care_beds_total", "万张", 0, 1.5e5),  # 1.5e9 beds
    ("new_urban_jobs", "万人", 0, 1.5e5),  # 1.5e9 people
    ("sports_area_per_capita", "平方米", 0, 1e12),
]
_CODES = ["340402", "340403", "340404", "340405", "340406", "340421", "340422", "340400"]
_rows = st.lists(
    st.sampled_from(_INDICATORS).flatmap(
        lambda ind: st.tuples(
            st.sampled_from(_CODES),
            st.just(ind[:2]),
            st.integers(2016, 2025),
            st.floats(min_value=ind[2], max_value=ind[3], allow_nan=False, allow_infinity=False),
        )
    ),
    min_size=1,
    max_size=25,
    unique_by=lambda r: (r[0], r[1][0], r[2]),
)


@settings(max_examples=40, deadline=None)
@given(_rows)
def test_property_valid_rows_read_back_identical(rows):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        body = "".join(f"{c},,{ind},{y},{v!r},{unit}\n" for c, (ind, unit), y, v in rows)
        report = ingest(
            _csv(tmp / "r.csv", body),
            store=tmp / "store",
            create_store=True,
            confirmations={"*": "property test: any value within bounds"},
        )
        assert report.rows_new == len(rows)
        obs = monitoring.observations(store=tmp / "store")
        got = {(r.region_code, r.indicator, r.year): (r.value, r.unit) for r in obs.itertuples()}
        want = {(c, ind, y): (float(v), unit) for c, (ind, unit), y, v in rows}
        assert got == want
        assert all(math.copysign(1, v) == 1 for v, _ in got.values())  # no -0.0 sneaks in


# ---------------------------------------------------------------- command line


def test_cli_ingest_dry_run_validate_and_errors(tmp_path):
    runner = CliRunner()
    store = str(tmp_path / "store")
    res = runner.invoke(
        app, ["ingest", str(FIXTURES / "monitoring_gbk.csv"), "--dry-run", "--store", store]
    )
    assert res.exit_code == 1 and "--create-store" in res.output  # a new folder: say so
    assert "create_store=True" not in res.output and not (tmp_path / "store").exists()
    res = runner.invoke(
        app,
        [
            "ingest",
            str(FIXTURES / "monitoring_gbk.csv"),
            "--dry-run",
            "--store",
            store,
            "--create-store",
        ],
    )
    assert res.exit_code == 0 and "dry run" in res.output and "新增 / new: 4" in res.output
    assert not (tmp_path / "store").exists()  # a dry run creates nothing
    res = runner.invoke(
        app,
        [
            "ingest",
            str(FIXTURES / "mixed_units.csv"),
            "--year",
            "2023",
            "--store",
            store,
            "--create-store",
        ],
    )
    assert res.exit_code == 0 and "已写入 / written: 3" in res.output
    head = monitoring.head(store)
    assert f"链尾 / chain head: {head}" in res.output
    res = runner.invoke(app, ["validate", "--store", store, "--head", head])
    assert res.exit_code == 0 and "3 行 lines" in res.output and "通过 / OK" in res.output
    res = runner.invoke(app, ["validate", "--store", store, "--head", "c" * 64])
    assert res.exit_code == 1 and "no line has the recorded chain value" in res.output
    res = runner.invoke(app, ["ingest", str(FIXTURES / "placeholders.csv"), "--store", store])
    assert res.exit_code == 1 and "错误 / error" in res.output and "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)


def test_observations_union_with_stats_columns(tmp_path):
    ingest(FIXTURES / "monitoring_gbk.csv", store=tmp_path)
    obs = monitoring.observations(store=tmp_path)
    assert obs.columns.tolist() == [
        "region_code",
        "year",
        "area",
        "indicator",
        "unit",
        "value",
        "source",
        "source_ref",
        "note",
    ]
    assert pd.api.types.is_string_dtype(obs["region_code"])
    assert obs["source"].unique().tolist() == ["监测填报 monitoring return: monitoring_gbk.csv"]


def test_negative_zero_is_stored_as_zero(tmp_path):
    src = _csv(tmp_path / "z.csv", "340400,淮南市,城镇老旧小区改造,2023,-0,个\n")
    value = ingest(src, store=tmp_path, dry_run=True).rows["value"].iloc[0]
    assert value == 0.0 and math.copysign(1, value) == 1.0


def _slow_ingest(path: str, store: str) -> None:
    """Child process: ingest with a pause between reading the store and writing it."""
    import time

    real = monitoring.read_store

    def slow(*args, **kwargs):
        out = real(*args, **kwargs)
        time.sleep(0.5)  # widen the read-modify-write window
        return out

    monitoring.read_store = slow
    ingest(path, store=store)


def test_concurrent_ingests_lose_nothing(tmp_path):
    import multiprocessing

    # Two returns for the same key at once: without the lock both would read an empty store and
    # both write revision 1; with it the second sees the first and writes revision 2.
    a = _csv(tmp_path / "a.csv", "340402,大通区,人均预期寿命,2022,78.0,岁\n")
    b = _csv(tmp_path / "b.csv", "340402,大通区,人均预期寿命,2022,78.3,岁\n")
    (tmp_path / "s").mkdir()
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_slow_ingest, args=(str(p), str(tmp_path / "s"))) for p in (a, b)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    hist = monitoring.observations(current_only=False, provenance=True, store=tmp_path / "s")
    assert sorted(hist["revision"]) == [1, 2]  # the lock serialised them
    assert validate_store(tmp_path / "s").ok


def test_catalogue_refuses_one_id_with_two_units(monkeypatch):
    from huainan.evidence import stats

    real = stats.indicator_catalog()
    clash = real[real["id"] == "life_expectancy"].assign(unit="年")
    monkeypatch.setattr(stats, "indicator_catalog", lambda: clash)
    with pytest.raises(DataValidationError, match="'岁' in 专栏2 but '年' in the statistics"):
        catalogue()


# ---------------------------------------------------------------- bounds


@pytest.mark.parametrize(
    ("body", "bound"),
    [
        ("340400,淮南市,基本养老保险参保率,2023,960,%\n", "960 % is above 100 %"),
        ("340400,淮南市,人均预期寿命,2023,7.8,岁\n", "7.8 岁 is below 40 岁"),
        ("340400,淮南市,人均预期寿命,2023,177.8,岁\n", "177.8 岁 is above 100 岁"),
        ("340400,淮南市,每千人口托位数,2023,2800,个/千人\n", "2800 个 is above 1000 个"),
        ("340400,淮南市,每千人口执业(助理)医师数,2023,2500,人\n", "2500 人 is above 1000 人"),
        ("340400,淮南市,退伍军人安置率,2023,100.5,%\n", "100.5 % is above 100 %"),
        ("340400,淮南市,养老机构护理型床位占比,2023,1050‰,\n", "105 % is above 100 %"),  # 1050‰
        ("340400,淮南市,劳动年龄人口平均受教育年限,2023,102.5,年\n", "102.5 年 is above 16 年"),
        ("340400,淮南市,养老服务床位总量,2023,-2,万张\n", "-2 万张 is below 0 万张"),
    ],
)
def test_impossible_values_are_refused_naming_the_bound(tmp_path, body, bound):
    src = _csv(tmp_path / "b.csv", body)
    with pytest.raises(IngestError) as err:
        ingest(src, store=tmp_path)
    problem = err.value.problems[0]
    assert (problem.path, problem.row, problem.column) == (str(src), 2, "数值")
    assert problem.value == body.split(",")[4]
    assert problem.reason.startswith("超出合理范围：") and problem.reason.endswith(bound)
    assert "row 2, column '数值'" in str(err.value)
    assert _files(tmp_path) == ["b.csv"]


def test_gross_enrolment_may_exceed_100_and_bounds_are_inclusive(tmp_path):
    src = _csv(
        tmp_path / "g.csv",
        "340400,淮南市,学前教育毛入园率,2023,103.5,%\n"  # gross: no upper bound
        "340400,淮南市,高中阶段教育毛入学率,2023,101.2,%\n"
        "340400,淮南市,基本医疗保险参保率,2023,100,%\n"  # exactly 100: allowed
        "340400,淮南市,人均预期寿命,2023,40,岁\n"  # exactly 40: allowed
        "340400,淮南市,每万人接受公共文化设施服务次数,2023,14000,次\n",
    )  # 专栏2 target
    assert ingest(src, store=tmp_path, dry_run=True).rows["value"].tolist() == [
        103.5,
        101.2,
        100.0,
        40.0,
        14000.0,
    ]


def test_a_fraction_typed_for_a_percentage_is_an_error_when_the_baseline_is_high(tmp_path):
    # 基本养老保险参保率 was >95 % in 2020 (专栏2), so 0.956 cannot be 0.956 %
    src = _csv(tmp_path / "f.csv", "340400,淮南市,基本养老保险参保率,2023,0.956,%\n")
    with pytest.raises(IngestError) as err:
        ingest(src, store=tmp_path)
    assert "疑似把百分数填成了小数" in str(err.value)
    assert "type the percent figure (95.6, not 0.956)" in str(err.value)
    # 0 is the same in both readings, so it is not suspicious
    src = _csv(tmp_path / "z.csv", "340400,淮南市,基本养老保险参保率,2023,0,%\n")
    assert ingest(src, store=tmp_path, dry_run=True).warnings == []


def test_bounds_table_covers_every_share_and_names_only_known_indicators():
    from huainan.intake.ingest import BOUNDS

    cat = catalogue().set_index("indicator")
    assert set(BOUNDS) <= set(cat.index)
    assert cat["min_value"].le(cat["max_value"]).all() and cat["bound_reason"].str.len().gt(0).all()
    for ident, r in cat.iterrows():
        if r["unit"] == "%":  # a share, or a ratio whose row says why it may exceed 100
            assert r["max_value"] == 100 or ident in BOUNDS, ident
        if "/千人" in "".join(r["units"]) or ident.endswith("per_1000"):
            assert r["max_value"] <= 1000, ident
    assert cat.at["preschool_gross_enrolment", "max_value"] == 1000  # MAGNITUDE of a rate
    assert cat.at["pension_insurance_coverage", "max_value"] == 100
    assert cat.at["share_age_65plus", "max_value"] == 100  # the statistics catalogue's max_value
    assert cat.at["population", "min_value"] == 0 and cat.at["population", "max_value"] == 1.5e9


def test_readme_lists_the_bounds_of_the_plan_indicators():
    from huainan.intake.ingest import BOUNDS
    from huainan.paths import REPO_ROOT

    text = (REPO_ROOT / "data" / "monitoring" / "README.md").read_text(encoding="utf-8")
    listed = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) >= 4:
            listed[cells[0].strip("`")] = (cells[2], cells[3])
    from huainan import plan

    for ident in plan.indicators()["indicator_id"]:
        b = BOUNDS[ident]
        high = "—" if b.high == math.inf else f"{b.high:g}"
        assert listed[ident] == (f"{b.low:g}", high), ident


def test_validate_store_rechecks_bounds(tmp_path):
    # a value that got in without ingest (e.g. bounds tightened later) is still reported
    store, lines = _stored(tmp_path)
    rows = monitoring.observations(provenance=True, store=store).iloc[[0]]
    rows = rows.assign(value=1234.0, revision=2)
    monitoring.append(rows, store)
    check = validate_store(store)
    assert len(check.problems) == 1 and "value 1234.0 outside 0–1000" in check.problems[0]


# ---------------------------------------------------------------- the table's unit line, headers


@pytest.mark.parametrize(
    "unit_line",
    [
        "单位：个/千人,,\n",
        "单位:个/千人,,\n",
        "计量单位：个/千人,,\n",
        "（单位：个/千人）,,\n",
        ",,单位：个/千人\n",
    ],
)
def test_the_unit_line_above_a_table_is_used(tmp_path, unit_line):
    src = _csv(
        tmp_path / "t.csv",
        "2023年各县区每千人口托位数,,\n"
        + unit_line
        + "地区,指标,2023年\n大通区,每千人口托位数,2.1\n寿县,每千人口托位数,1.9\n",
        header="",
    )
    rows = ingest(src, store=tmp_path, dry_run=True).rows
    assert rows[["region_code", "year", "unit", "value"]].values.tolist() == [
        ["340402", 2023, "个", 2.1],
        ["340422", 2023, "个", 1.9],
    ]


def test_a_unit_in_the_title_is_used_and_more_specific_units_win(tmp_path):
    src = _csv(
        tmp_path / "t.csv",
        "2023年城镇新增就业（单位：人）,,,\n地区,指标,单位,2023年\n"
        "寿县,城镇新增就业,,5120\n"  # the table's 人: 5120 人 = 0.512 万人
        "凤台县,城镇新增就业,万人,0.61\n"  # the 单位 column wins over the table's
        "大通区,城镇新增就业,,0.3万人\n",
        header="",
    )  # and so does the cell's own unit
    rows = ingest(src, store=tmp_path, dry_run=True).rows
    assert rows["value"].tolist() == [0.512, 0.61, 0.3]


def test_a_table_unit_that_does_not_fit_is_named(tmp_path):
    src = _csv(
        tmp_path / "t.csv", "单位：张,,\n地区,指标,2023年\n寿县,人均预期寿命,78.1\n", header=""
    )
    with pytest.raises(IngestError, match=r"unit '张' \(from the table's 单位 line\) cannot be "):
        ingest(src, store=tmp_path)


def test_years_under_a_merged_year_heading(tmp_path):
    src = _csv(
        tmp_path / "y.csv",
        "地区,指标,单位,年份,\n,,,2022,2023\n大通区,人均预期寿命,岁,78.1,78.3\n",
        header="",
    )
    rows = ingest(src, store=tmp_path, dry_run=True).rows
    assert rows[["year", "value"]].values.tolist() == [[2022, 78.1], [2023, 78.3]]

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "卫生"
    ws.append(["地区", "指标", "单位", "年份", None])
    ws.append([None, None, None, 2022, "2023年"])
    ws.append(["寿县", "人均预期寿命", "岁", 77.9, 78.2])
    for rng in ("A1:A2", "B1:B2", "C1:C2", "D1:E1"):
        ws.merge_cells(rng)
    wb.save(tmp_path / "y.xlsx")
    rows = ingest(tmp_path / "y.xlsx", store=tmp_path, dry_run=True).rows
    assert rows[["year", "value", "source_ref"]].values.tolist() == [
        [2022, 77.9, "y.xlsx [卫生] D3"],
        [2023, 78.2, "y.xlsx [卫生] E3"],
    ]


def test_an_xlsx_workbook_named_xls_is_read(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["地区", "指标", "单位", "2023年"])
    wb.active.append(["寿县", "人均预期寿命", "岁", 78.2])
    wb.save(tmp_path / "a.xlsx")
    (tmp_path / "a.xlsx").rename(tmp_path / "a.xls")  # openpyxl alone would ask for xlrd
    assert ingest(tmp_path / "a.xls", store=tmp_path, dry_run=True).rows["value"].tolist() == [78.2]
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(IngestError, match=r"save it as \.xlsx") as err:
        ingest(tmp_path / "old.xls", store=tmp_path)
    assert "xlrd" not in str(err.value)


def test_an_unknown_region_name_points_at_the_name_column(tmp_path):
    src = _csv(
        tmp_path / "r.csv",
        "340421,凤台郡,人均预期寿命,2023,78.1,岁\n340499,凤台县,人均预期寿命,2023,78.1,岁\n",
    )
    with pytest.raises(IngestError) as err:
        ingest(src, store=tmp_path)
    assert [(e.row, e.column) for e in err.value.problems] == [(2, "地区"), (3, "区划代码")]
    assert "未知地区 / unknown region name" in err.value.problems[0].reason
    assert "未知地区代码 / unknown region code" in err.value.problems[1].reason
