"""The plan's tables: counts, values checked against the source text, validation on load."""

import shutil

import pandas as pd
import pytest

from huainan import plan
from huainan.errors import DataValidationError
from huainan.paths import REPO_ROOT
from huainan.plan import domains
from huainan.text import squeeze as normalise

SOURCE = REPO_ROOT / "data" / "plan" / "huainan_14th_fyp_public_services_plan_draft.zh.txt"


def _source_lines():
    return SOURCE.read_text(encoding="utf-8").splitlines()


def _table_rows(first_line, last_line):
    """Tab-separated rows of the source between two 1-based line numbers (inclusive)."""
    rows = []
    for line in _source_lines()[first_line - 1 : last_line]:
        if "\t" in line and not line.startswith(("领域\t", "类别\t", "服务领域\t")):
            rows.append(line.split("\t"))
    return rows


def test_counts():
    assert (len(plan.indicators()), len(plan.outcomes_13th()), len(plan.services())) == (23, 26, 79)
    assert plan.services().groupby("domain", sort=False).size().tolist() == [
        9,
        9,
        12,
        16,
        4,
        3,
        14,
        4,
        8,
    ]
    assert plan.services()["domain"].unique().tolist() == list(domains.DOMAIN_IDS)
    assert len(plan.projects()) >= 30


def test_source_copy_is_the_shared_original():
    # sha256 of ../shared/source/huainan_14th_fyp_public_services_plan_draft.zh.txt
    import hashlib

    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()
    assert digest == "53c67554c32b01118fc7585f886cd1fe5864ee6d36ec9ae025b898bc1066d68b"


def test_indicators_match_every_row_of_table_2_in_the_source():
    # 专栏2 sits on lines 163-188 of the source text: 类别, 指标, 2020 年, 2025 年, 属性
    rows = _table_rows(163, 188)
    assert len(rows) == 23
    ind = plan.indicators()
    category = None
    for (cat, name, base, target, attr), (_, r) in zip(rows, ind.iterrows(), strict=True):
        category = cat or category
        assert r["category_printed"] == category
        assert r["name_printed"] == name
        assert r["baseline_text"] == base
        assert r["target_text"] == target
        assert r["attribute_printed"] == attr
        # name_zh = printed name without spaces and the trailing unit in brackets
        assert normalise(name).startswith(r["name_zh"])
        assert normalise(name)[len(r["name_zh"]) :] in (f"({r['unit']})", f"({r['unit']})")


def test_outcomes_match_every_row_of_table_1_in_the_source():
    # 专栏1 sits on lines 77-105: 领域, 指标, 2020年目标, 2020年实绩
    rows = _table_rows(77, 105)
    assert len(rows) == 26
    out = plan.outcomes_13th()
    heading = None
    for (dom, name, target, actual), (_, r) in zip(rows, out.iterrows(), strict=True):
        heading = dom or heading
        assert (r["domain_13th"], r["name_printed"], r["target_text"], r["actual_text"]) == (
            heading,
            name,
            target,
            actual,
        )


def test_services_match_table_3_in_the_source():
    rows = _table_rows(208, 217)
    s = plan.services()
    for dom_zh, items in rows:
        listed = s.loc[s["domain_zh"] == dom_zh, "service_zh"].tolist()
        joiner = "，" if dom_zh == "劳有所得" else "、"
        assert items == joiner.join(listed) + f"（共计{len(listed)}项）"


def test_individual_values_from_the_source_text():
    ind = plan.indicators().set_index("indicator_id")
    out = plan.outcomes_13th().set_index("outcome_id")
    prj = plan.projects().set_index("project_id")
    # 专栏2 (line 164): 每千人口拥有 3 岁以下婴幼儿托位数 (个) 0.9 → 4.6 预期性
    assert ind.at["nursery_places_per_1000", "baseline"] == 0.9
    assert ind.at["nursery_places_per_1000", "target_value"] == 4.6
    assert ind.at["nursery_places_per_1000", "attribute"] == "expected"
    # line 177: 养老机构护理型床位占比 32 → ≥55 约束性
    assert ind.loc["nursing_bed_share", ["target_op", "target_value", "attribute"]].tolist() == [
        ">=",
        55.0,
        "binding",
    ]
    # line 170: 参加各类补贴性职业技能培训人数 [25.4] → [23], five-year totals
    assert ind.at["subsidised_vocational_training", "cumulative"]
    assert ind.at["subsidised_vocational_training", "target_value"] == 23.0
    # line 174: 基本医疗保险参保率 99 → 95: flagged as below baseline
    assert ind.at["medical_insurance_coverage", "target_below_baseline"]
    assert not ind.at["life_expectancy", "target_below_baseline"]
    # line 186: 每万人接受公共文化设施服务次数 9000 → 14000
    assert ind.at["public_culture_visits_per_10k", "target_value"] == 14000.0
    # line 188: 每百户居民拥有社区综合服务设施面积 — → >30
    assert pd.isna(ind.at["community_service_space_per_100hh", "baseline"])
    assert ind.at["community_service_space_per_100hh", "target_op"] == ">"
    # line 168/169: relative targets
    assert ind.at["senior_secondary_gross_enrolment", "target_kind"] == "relative"
    assert ind.at["working_age_avg_years_schooling", "target_reference"] == "province_average"
    # line 179: 基本养老保险参保率 >95 → >95
    assert ind.at["pension_insurance_coverage", "baseline_op"] == ">"
    # 专栏1 line 83: 城镇新增就业人数 [20] / [28.16]
    assert (
        out.at["new_urban_jobs", "actual_value"] == 28.16 and out.at["new_urban_jobs", "cumulative"]
    )
    # line 86: 孕产妇死亡率 <18 / 3.84, lower is better
    assert out.loc[
        "maternal_mortality", ["target_op", "target_value", "actual_value", "direction"]
    ].tolist() == ["<", 18.0, 3.84, "lower_better"]
    # line 96: 城镇棚户区住房改造 [2.217] / [2.3209] 万套
    assert out.at["shantytown_renovation", "target_value"] == 2.217
    # 专栏5 line 235: 三公里 2022 40%, 2023 50%, 2024 60%, 2025 70%以上
    assert prj.at["emp_3km_2025", "target_op"] == ">="
    assert prj.at["emp_3km_2023", "target_value"] == 50.0
    # line 231: 城镇新增就业不低于18万人 over the 十四五 period
    assert prj.loc[
        "emp_new_urban_jobs", ["target_value", "period", "period_start", "target_year"]
    ].tolist() == [18.0, "cumulative", 2021, 2025]
    # 专栏8 line 261: 551 built by 2022, at least 171 more by 2023
    assert prj.loc[
        "care_meal_points_2023", ["baseline_value", "target_value", "target_year"]
    ].tolist() == [551.0, 171.0, 2023]
    # 专栏11 line 329: ≥10 托位 per 1,000 (new areas), ≥8 (old areas)
    assert prj.at["child_places_new_areas", "target_value"] == 10.0
    assert prj.at["child_places_old_areas", "target_value"] == 8.0
    # 专栏9 line 273: 60 km trails, ≥100 km greenways, >1万 instructors
    assert prj.at["sport_fitness_trails", "target_value"] == 60.0
    assert prj.at["sport_instructors", "target_op"] == ">"
    # 专栏10 line 285: 6096 households barrier-free
    assert prj.at["soc_barrier_free_homes", "target_value"] == 6096.0
    # line 323: 2~3 grade-3A hospitals
    assert prj.loc["health_grade3a_hospitals", ["target_value", "target_value_max"]].tolist() == [
        2.0,
        3.0,
    ]


def test_every_project_quote_is_in_the_source():
    text = normalise(SOURCE.read_text(encoding="utf-8"))
    for _, r in plan.projects().iterrows():
        for part in r["target_text"].split("……"):
            assert normalise(part) in text, (r["project_id"], part)


def test_domains_have_ids_names_and_order():
    df = domains.as_frame()
    assert df["order"].tolist() == list(range(1, 10))
    assert df["zh"].tolist() == [
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
    with pytest.raises(KeyError, match="valid ids"):
        domains.get("nope")


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    shutil.copytree(REPO_ROOT / "data" / "plan", tmp_path / "plan")
    shutil.copy(REPO_ROOT / "data" / "regions.csv", tmp_path / "regions.csv")
    monkeypatch.setenv("HUAINAN_DATA_DIR", str(tmp_path))
    return tmp_path


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    "file,old,new,row,column",
    [
        # line 5 of indicators.csv is compulsory_education_retention (header = line 1)
        (
            "indicators.csv",
            "2020,95.6,2025,99,约束性",
            "2020,95.6,2025,99,必须性",
            5,
            "attribute_printed",
        ),
        ("indicators.csv", "2020,95.6,2025,99,", "2020,95.6,2025,9９.x,", 5, "target_text"),
        ("indicators.csv", "life_expectancy,health,", "life_expectancy,healthcare,", 9, "domain"),
        ("indicators.csv", "2020,77.7,2025", "20x0,77.7,2025", 9, "baseline_year"),
        ("outcomes_13th.csv", "2020,<18,3.84", "2020,<18,[3.84]", 10, "target_text"),
        ("projects.csv", "2023年50%,,50,", "2023年50%,,fifty,", 6, "target_value"),
    ],
)
def test_malformed_rows_fail_loudly_with_file_row_and_column(
    data_copy, file, old, new, row, column
):
    _edit(data_copy / "plan" / file, old, new)
    loader = {
        "indicators.csv": plan.indicators,
        "outcomes_13th.csv": plan.outcomes_13th,
        "projects.csv": plan.projects,
    }[file]
    with pytest.raises(DataValidationError) as err:
        loader()
    assert err.value.path.endswith(file)
    assert (err.value.row, err.value.column) == (row, column)
    assert file in str(err.value) and f"row {row}" in str(err.value)


def test_service_count_must_match_the_printed_total(data_copy):
    path = data_copy / "plan" / "services.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[3]  # drop one 幼有所育 service: 8 left, plan prints 共计9项
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataValidationError, match="共计9项"):
        plan.services()


def test_duplicate_indicator_id_is_rejected(data_copy):
    _edit(
        data_copy / "plan" / "indicators.csv",
        "nurses_per_1000,health",
        "physicians_per_1000,health",
    )
    with pytest.raises(DataValidationError, match="indicator_id"):
        plan.indicators()
