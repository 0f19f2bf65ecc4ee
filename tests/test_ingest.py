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

from huainan import monitoring
from huainan.cli import app
from huainan.errors import DataValidationError, IngestError
from huainan.ingest import catalogue, ingest, resolve_indicator, resolve_region, validate_store

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
    report = ingest(FIXTURES / "monitoring_gbk.csv", store=store)
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
        "340400": 3.6,    # 3.6万人
        "340421": 0.512,  # 5120人 = 5120 / 10^4 万人
        "340422": 0.61,   # 0.61万 = 0.61 万人 (bare 万 of the indicator's base, 人)
    }
    assert set(report.rows["unit"]) == {"万人"} and set(report.rows["year"]) == {2023}


def test_mixed_units_fixture_without_a_year_is_refused(tmp_path):
    with pytest.raises(IngestError, match="no 年份"):
        ingest(FIXTURES / "mixed_units.csv", store=tmp_path)
    assert _files(tmp_path) == []  # not even a lock file: nothing was touched


@pytest.mark.parametrize(("name", "message"), [
    ("placeholders.csv", "no 指标"),
    ("fullwidth_values.csv", "no 区划代码 or 地区"),
    ("target_cells.csv", "no 区划代码 or 地区"),
    ("yearbook_merged_header.xlsx", "no 指标"),
])
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
    with pytest.raises(IngestError, match="unknown region name"):
        resolve_region(None, "毛集实验区")


def test_every_problem_is_listed_and_nothing_written(tmp_path):
    src = _csv(tmp_path / "bad.csv",
               "340402,大通区,养老机构护理型床位占比,2023,41.5,%\n"     # fine
               "340421,寿县,养老机构护理型床位占比,2023,40,%\n"        # code says 凤台县
               "340422,寿县,养老机构护理床位占比,2023,40,%\n"          # unknown name
               "340422,寿县,城镇新增就业,2023,3.6万人,人\n"            # cell and column disagree
               "340422,寿县,人均预期寿命,2023,78.1,%\n"               # 岁 cannot become %
               "340406,潘集区,人均预期寿命,2023,一,岁\n"               # typo
               "340406,潘集区,养老服务床位总量,2023,-2,万张\n"          # negative
               "340406,潘集区,养老服务床位总量,1999,2,万张\n")          # year out of range
    store = tmp_path / "store"
    with pytest.raises(IngestError) as err:
        ingest(src, store=store)
    text = str(err.value)
    assert "7 problem(s)" in text and "nothing was written" in text
    assert [e.row for e in err.value.problems] == [3, 4, 5, 6, 7, 8, 9]
    assert "340421 is 凤台县" in text and "closest known names: 养老机构护理型床位占比" in text
    assert "the cell says '万人'" in text and "cannot be converted to '岁'" in text
    assert "Chinese numeral one" in text and "negative" in text and "year outside" in text
    assert not (store / monitoring.STORE_FILE).exists()


def test_units_in_headers_names_and_cells(tmp_path):
    src = _csv(tmp_path / "u.csv",
               "340400,淮南市,养老服务床位总量,2023,32000\n"
               "340422,寿县,养老服务床位总量,2023,5600\n",
               header="区划代码,地区,指标,年份,数值(张)\n")
    rows = ingest(src, store=tmp_path / "s", dry_run=True).rows
    assert rows["value"].tolist() == [3.2, 0.56]  # 32000 张 = 3.2 万张; 5600 张 = 0.56 万张
    src = _csv(tmp_path / "n.csv", "340400,淮南市,参加各类补贴性职业技能培训人数（人）,2022,52000,\n")
    assert ingest(src, store=tmp_path / "s", dry_run=True).rows["value"].tolist() == [5.2]
    src = _csv(tmp_path / "p.csv", "340400,淮南市,学前教育毛入园率,2023,0.956,%\n")
    report = ingest(src, store=tmp_path / "s", dry_run=True)
    assert "looks like a fraction" in report.warnings[0]


def test_a_unit_is_required(tmp_path):
    src = _csv(tmp_path / "x.csv", "340400,淮南市,城镇新增就业,2023,3.6,\n")
    with pytest.raises(IngestError, match="no unit"):
        ingest(src, store=tmp_path / "s")


def test_placeholders_are_reported_not_stored(tmp_path):
    src = _csv(tmp_path / "p.csv",
               "340400,淮南市,人均预期寿命,2023,—,岁\n"
               "340422,寿县,人均预期寿命,2023,78.1,岁\n"
               "340421,凤台县,人均预期寿命,2023,…,岁\n")
    report = ingest(src, store=tmp_path / "s")
    assert report.rows_written == 1 and report.rows_read == 1
    assert report.skipped == [
        "row 2, column '数值': '—' (not published / no such item (无该项数据)) — not stored",
        "row 4, column '数值': '…' (below the table's smallest unit or not known "
        "(数字不足最小单位或不详)) — not stored",
    ]


def test_duplicate_keys_in_one_file_are_refused(tmp_path):
    src = _csv(tmp_path / "d.csv",
               "340422,寿县,人均预期寿命,2023,78.1,岁\n"
               ",寿县,人均预期寿命,2023,78.2,岁\n")
    with pytest.raises(IngestError, match="a second value for 寿县 life_expectancy 2023") as err:
        ingest(src, store=tmp_path / "s")
    assert err.value.row == 3


def test_area_column_and_long_format_with_ids(tmp_path):
    src = _csv(tmp_path / "a.csv",
               "340422,城镇,pension_insurance_coverage,2022年,96.5,%\n"
               "340422,乡村,pension_insurance_coverage,2022年,93,%\n",
               header="区划代码,城乡,指标ID,年份,数值,单位\n")
    rows = ingest(src, store=tmp_path / "s", dry_run=True).rows
    assert rows[["area", "year", "value"]].values.tolist() == [["urban", 2022, 96.5],
                                                              ["rural", 2022, 93.0]]


# ---------------------------------------------------------------- the store: revisions, atomicity

def test_revisions_supersede_and_nothing_is_deleted(tmp_path):
    store = tmp_path / "store"
    first = _csv(tmp_path / "a.csv", "340402,大通区,人均预期寿命,2022,78.0,岁\n"
                                     "340422,寿县,人均预期寿命,2022,77.5,岁\n")
    ingest(first, store=store)
    before = (store / monitoring.STORE_FILE).read_bytes()
    second = _csv(tmp_path / "b.csv", "340402,大通区,人均预期寿命,2022,78.3,岁\n"   # corrected
                                      "340422,寿县,人均预期寿命,2022,77.5,岁\n"    # unchanged
                                      "340421,凤台县,人均预期寿命,2022,77.9,岁\n")  # new
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
        [78.0, 1, "a.csv"], [78.3, 2, "b.csv"]]
    check = validate_store(store)
    assert check.ok and (check.lines, check.keys, check.superseded) == (4, 3, 1)

    third = ingest(second, store=store)  # the same file again: idempotent
    assert third.rows_unchanged == 3 and (store / monitoring.STORE_FILE).read_bytes() == after


def test_failed_ingest_leaves_the_store_byte_identical(tmp_path):
    store = tmp_path / "store"
    ingest(FIXTURES / "monitoring_gbk.csv", store=store)
    before = (store / monitoring.STORE_FILE).read_bytes()
    listing = _files(store)
    bad = _csv(tmp_path / "bad.csv", "340402,大通区,人均预期寿命,2024,78.5,岁\n"
                                     "340402,大通区,人均预期寿命,2025,七十八,岁\n")
    with pytest.raises(IngestError):
        ingest(bad, store=store)
    assert (store / monitoring.STORE_FILE).read_bytes() == before
    assert _files(store) == listing


def test_a_crash_while_writing_leaves_the_store_unchanged(tmp_path, monkeypatch):
    store = tmp_path / "store"
    ingest(FIXTURES / "monitoring_gbk.csv", store=store)
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
    report = ingest(FIXTURES / "monitoring_gbk.csv", store=store, dry_run=True)
    assert report.dry_run and report.rows_new == 4 and report.rows_written == 0
    assert not store.exists()  # not even the folder or a lock file
    assert "dry run" in report.summary()


def test_validate_store_finds_hand_edits(tmp_path):
    store = tmp_path / "store"
    ingest(FIXTURES / "monitoring_gbk.csv", store=store)
    path = store / monitoring.STORE_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0] + lines[1].replace(",个,2.1,", ",万个,2.1,") + "".join(lines[2:]),
                    encoding="utf-8")
    check = validate_store(store)
    assert not check.ok and "is stored in '个'" in check.problems[0]
    path.write_text(lines[0] + lines[1] + lines[1], encoding="utf-8")  # a duplicated line
    assert any("revisions [1, 1]" in p for p in validate_store(store).problems)
    path.write_text(lines[0] + lines[1].replace("340402", "34040"), encoding="utf-8")
    assert "6 digits" in validate_store(store).problems[0]
    with pytest.raises(DataValidationError, match="6 digits"):
        monitoring.observations(store=store)


def test_empty_store_reads_as_an_empty_long_table(tmp_path):
    obs = monitoring.observations(store=tmp_path)
    assert obs.empty and obs.columns.tolist() == list(monitoring.OBSERVATION_COLUMNS)
    assert str(obs["year"].dtype) == "int64" and str(obs["value"].dtype) == "float64"
    assert validate_store(tmp_path).lines == 0


# ---------------------------------------------------------------- property: write, read back

_INDICATORS = [("life_expectancy", "岁"), ("nursing_bed_share", "%"),
               ("elderly_care_beds_total", "万张"), ("new_urban_jobs", "万人"),
               ("sports_area_per_capita", "平方米")]
_CODES = ["340402", "340403", "340404", "340405", "340406", "340421", "340422", "340400"]
_rows = st.lists(
    st.tuples(st.sampled_from(_CODES), st.sampled_from(_INDICATORS),
              st.integers(2016, 2025),
              st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False)),
    min_size=1, max_size=25, unique_by=lambda r: (r[0], r[1][0], r[2]),
)


@settings(max_examples=40, deadline=None)
@given(_rows)
def test_property_valid_rows_read_back_identical(rows):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        body = "".join(f"{c},,{ind},{y},{v!r},{unit}\n" for c, (ind, unit), y, v in rows)
        report = ingest(_csv(tmp / "r.csv", body), store=tmp / "store")
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
    res = runner.invoke(app, ["ingest", str(FIXTURES / "monitoring_gbk.csv"), "--dry-run",
                              "--store", store])
    assert res.exit_code == 0 and "dry run" in res.output and "新增 / new: 4" in res.output
    res = runner.invoke(app, ["ingest", str(FIXTURES / "mixed_units.csv"), "--year", "2023",
                              "--store", store])
    assert res.exit_code == 0 and "已写入 / written: 3" in res.output
    res = runner.invoke(app, ["validate", "--store", store])
    assert res.exit_code == 0 and "3 行 lines" in res.output and "通过 / OK" in res.output
    res = runner.invoke(app, ["ingest", str(FIXTURES / "placeholders.csv"), "--store", store])
    assert res.exit_code == 1 and "错误 / error" in res.output and "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)


def test_observations_union_with_stats_columns(tmp_path):
    ingest(FIXTURES / "monitoring_gbk.csv", store=tmp_path)
    obs = monitoring.observations(store=tmp_path)
    assert obs.columns.tolist() == ["region_code", "year", "area", "indicator", "unit", "value",
                                    "source", "source_ref", "note"]
    assert pd.api.types.is_string_dtype(obs["region_code"])
    assert obs["source"].unique().tolist() == ["监测填报 monitoring return: monitoring_gbk.csv"]


def test_negative_zero_is_stored_as_zero(tmp_path):
    src = _csv(tmp_path / "z.csv", "340400,淮南市,城镇老旧小区改造,2023,-0,个\n")
    value = ingest(src, store=tmp_path / "s", dry_run=True).rows["value"].iloc[0]
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
    from huainan import stats

    real = stats.indicator_catalog()
    clash = real[real["id"] == "life_expectancy"].assign(unit="年")
    monkeypatch.setattr(stats, "indicator_catalog", lambda: clash)
    with pytest.raises(DataValidationError, match="'岁' in 专栏2 but '年' in the statistics"):
        catalogue()
