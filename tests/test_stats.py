"""Tests of huainan.evidence.stats (observed statistics) and the build script huainan.evidence.build.

Spot values are copied by hand from the source files; the comment next to each says where
(``<shared>`` = ``/work/shared/data``; xlsx rows are spreadsheet rows, header = row 1).
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from huainan import plan
from huainan.errors import DataValidationError
from huainan.evidence import stats
from huainan.evidence.census import CENSUS_TITLES
from huainan.paths import REPO_ROOT
from huainan.plan.domains import DOMAIN_IDS
from huainan.plan.regions import CITY_CODE, UNIT_CODES

DATA = REPO_ROOT / "data"
SHARED = REPO_ROOT.parent / "shared" / "data"
needs_shared = pytest.mark.skipif(
    not (SHARED / "README.md").exists(),
    reason=f"shared reference data not found at {SHARED} (CI without it cannot rebuild)",
)


def _one(df: pd.DataFrame, **where) -> pd.Series:
    hit = df
    for col, val in where.items():
        hit = hit[hit[col] == val]
    assert len(hit) == 1, f"{len(hit)} rows for {where}"
    return hit.iloc[0]


@pytest.fixture(scope="module")
def obs() -> pd.DataFrame:
    return stats.observations()


@pytest.fixture(scope="module")
def obs_all() -> pd.DataFrame:
    return stats.observations(all_sources=True)


# ------------------------------------------------------------------------------------------
# cross-source checks required by the issue
# ------------------------------------------------------------------------------------------


def test_seven_units_sum_to_the_city_census_total(obs):
    pop = obs[(obs.indicator == "population") & (obs.year == 2020) & (obs.area == "total")]
    units = pop[pop.region_code.isin(UNIT_CODES)]
    assert len(units) == 7
    # 165671 + 730078 + 221589 + 118221 + 326077 + 633385 + 838507 = 3,033,528
    assert int(units["value"].sum()) == 3_033_528
    assert stats.value("population", CITY_CODE) == 3_033_528


def test_urban_and_rural_add_up_for_every_region_and_census(obs):
    pop = obs[obs.indicator == "population"].pivot_table(
        index=["region_code", "year"], columns="area", values="value"
    )
    pop = pop.dropna()
    assert len(pop) >= 18  # 10 regions in 2020, 9 in 2010 (China 2010 from province sums)
    assert (pop["urban"] + pop["rural"] == pop["total"]).all()


def test_anhui_units_sum_in_the_national_table():
    nc = stats.national_counties()
    anhui = nc[nc.province_code == "340000"]
    assert int(anhui["population"].sum()) == 61_027_171
    assert anhui["prefecture_code"].nunique() == 16  # Anhui's 16 prefecture-level cities
    # the 31 provinces of the 2020 census, without 现役军人: 1,411,778,724 − 2,000,000
    assert int(nc["population"].sum()) == 1_409_778_724


def test_every_row_has_a_source_and_a_reference(obs_all):
    for col in ("source", "source_ref"):
        assert obs_all[col].str.strip().ne("").all()
    census = obs_all[obs_all.source.isin(CENSUS_TITLES)]
    # census rows point at a file and row (or CODE) of the shared tables
    where = r"\.(?:xlsx|csv) \((?:sheet|CODE|city_code|county)"
    assert census.source_ref.str.contains(where).all()
    bulletins = obs_all[~obs_all.source.isin(CENSUS_TITLES)]
    assert bulletins.source_ref.str.match(r"https?://").all()
    assert bulletins.note.str.contains(r"transcribed in raw/\w+\.csv line \d+").all()


def test_missing_values_are_visible_not_dropped(obs):
    row = _one(obs, indicator="employment_ratio", region_code=CITY_CODE, year=2020)
    assert math.isnan(row["value"]) and row["note"].startswith("MISSING")
    assert obs.loc[obs["value"].isna(), "note"].str.startswith("MISSING").all()


def test_bulletin_values_agree_with_the_census_or_the_difference_is_explained(obs_all):
    checks = pd.read_csv(DATA / "stats" / "crosschecks.csv", dtype=str, keep_default_na=False)
    disc = pd.read_csv(DATA / "stats" / "discrepancies.csv", dtype=str, keep_default_na=False)
    key = ["region_code", "year", "area", "indicator"]
    census = obs_all[obs_all.source.isin(CENSUS_TITLES) & obs_all.value.notna()]
    others = obs_all[~obs_all.source.isin(CENSUS_TITLES) & obs_all.value.notna()]
    paired = others.merge(census[key], on=key)
    assert len(paired) >= 60
    # every bulletin value that has a census counterpart was compared …
    checks["year"] = checks["year"].astype(int)
    compared = checks.merge(
        paired[key + ["source"]].rename(columns={"source": "source_b"}), on=key + ["source_b"]
    )
    assert len(compared) == len(paired)
    # … the verdict follows from the two values and the tolerance …
    a, b = checks["value_a"].astype(float), checks["value_b"].astype(float)
    tol = checks["tolerance"].astype(float)
    assert ((b - a).abs() <= tol).eq(checks["status"] == "agree").all()
    # … tolerances are at most half a unit of the last published digit (+ the census rounding)
    units = checks.merge(
        stats.indicator_catalog()[["id", "unit"]], left_on="indicator", right_on="id"
    )
    assert (units.loc[units.unit == "%", "tolerance"].astype(float) <= 0.0100001).all()
    assert (units.loc[units.unit == "人", "tolerance"].astype(float) <= 5000).all()  # 0.5万
    # … and every disagreement is listed in discrepancies.csv with a reason
    differ = checks[checks.status == "differ"]
    assert len(differ) >= 10 and differ["reason"].str.len().gt(20).all()
    listed = disc[disc.kind == "value"].merge(
        differ[key + ["value_b"]].astype(str), on=key + ["value_b"]
    )
    assert len(listed) == len(differ)


def test_fengtai_bulletin_without_maoji_is_kept_but_never_primary(obs_all):
    ft = obs_all[(obs_all.region_code == "340421") & obs_all.note.str.contains("WITHOUT 毛集")]
    assert set(ft.indicator) >= {
        "population",
        "urbanization_rate",
        "illiterate_15plus",
        "avg_years_schooling_15plus",
    }
    assert not ft["primary"].any()
    # bulletin 192,678 urban + 346,037 rural = 538,715; census (with 毛集) 633,385
    bulletin = ft[ft.indicator == "population"].set_index("area")["value"]
    assert bulletin["urban"] + bulletin["rural"] == 538_715
    census = _one(
        obs_all, indicator="population", region_code="340421", year=2020, area="total", primary=True
    )
    assert census["value"] - 538_715 == 94_670


def test_bulletin_illiteracy_rate_is_over_the_total_population(obs_all):
    # 凤台县 bulletin: 30,897 illiterates; 192,678 + 346,037 = 538,715 residents → 5.735% ≈ 5.74
    ft = obs_all[
        (obs_all.region_code == "340421")
        & (obs_all.year == 2020)
        & ~obs_all.source.isin(CENSUS_TITLES)
    ].set_index(["indicator", "area"])
    assert ft.at[("illiteracy_rate_total_pop", "total"), "value"] == 5.74
    assert round(30_897 / 538_715 * 100, 2) == 5.74
    # China: the census table's 15+ rate is 3.26 (<shared>/census_county_2010_2020/
    # census_county_2020.xlsx row 2), the bulletin's total-population rate 2.67
    china = obs_all[(obs_all.region_code == "100000") & (obs_all.year == 2020)]
    assert _one(china, indicator="illiteracy_rate", primary=True)["value"] == 3.26
    bull = _one(china, indicator="illiteracy_rate_total_pop", primary=False)
    assert bull["value"] == 2.67
    census = _one(china, indicator="illiteracy_rate_total_pop", primary=True)
    assert abs(census["value"] - 37_704_017 / 1_409_778_724 * 100) < 1e-6  # = 2.6744


# ------------------------------------------------------------------------------------------
# spot values against the source files
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "year", "area", "indicator", "expected"),
    [
        # <shared>/census2020_county/population.csv line 993: 340402,大通区,165671
        ("340402", 2020, "total", "population", 165_671),
        # census_county_2020.xlsx row 1113 (寿县): 城镇人口 359700, 乡村人口 478807
        ("340422", 2020, "urban", "population", 359_700),
        ("340422", 2020, "rural", "population", 478_807),
        # census_county_2020.xlsx row 1112 (凤台县): 文盲占15岁及以上人口比重 7.32
        ("340421", 2020, "total", "illiteracy_rate", 7.32),
        # census_county_2020.xlsx row 1071 (安徽省): 平均受教育年限_合计 9.01; row 2 (全国): 9.5
        ("340000", 2020, "total", "avg_years_schooling", 9.01),
        ("100000", 2020, "total", "avg_years_schooling", 9.5),
        # census2020_county/employment.csv line 997: 340406,潘集区,0.5107 (EMPL_OCCU) → 51.07%
        ("340406", 2020, "total", "employment_ratio", 51.07),
        # census_county_2020.xlsx row 1108 (田家庵区): 住房內有管道自来水 23926 / 家庭户户数_长表
        # 24646 × 100 = 97.078633
        ("340403", 2020, "total", "share_hh_tap_water", 97.078633),
        # census_county_2020.xlsx row 1107 (大通区): 60+ bands, men 4629+4966+3406+2506+1401+1101 =
        # 18009, women 4447+5525+3152+2284+1483+1541 = 18432 → 36,441 (the district bulletin:
        # raw/census2020_huainan.csv line 45 gives the same 36441)
        ("340402", 2020, "total", "pop_age_60plus", 36_441),
        # census_county_2020.xlsx row 1104 (淮南市): 家庭户数 1137336
        ("340400", 2020, "total", "households_family", 1_137_336),
        # census_county_2010.xlsx row 1156 (寿县, then 341521 in 六安市): 合计 1008116
        ("340422", 2010, "total", "population", 1_008_116),
        # census_city_2010_2020.csv (淮南市): popu_2010 3342012 = 2333896 (2010 xlsx row 1081,
        # 淮南市 on 2010 boundaries) + 1008116 (寿县)
        ("340400", 2010, "total", "population", 3_342_012),
        # 2010 xlsx rows 1081 + 1156: 户数 760678 + 379721 = 1,140,399
        ("340400", 2010, "total", "households_family", 1_140_399),
        # raw/anhui_province.csv line 2: 340000 2020 avg_years_schooling_15plus 9.35
        ("340000", 2020, "total", "avg_years_schooling_15plus", 9.35),
    ],
)
def test_spot_values(obs, region, year, area, indicator, expected):
    assert stats.value(indicator, region, year, area) == pytest.approx(expected, abs=1e-9)


def test_share_of_60plus_agrees_with_the_district_bulletin(obs_all):
    # raw/census2020_huainan.csv line 47: 大通区 60岁及以上人口比重 22.00;
    # census: 36,441 / 165,671 × 100 = 21.996
    rows = obs_all[
        (obs_all.region_code == "340402")
        & (obs_all.indicator == "share_age_60plus")
        & (obs_all.year == 2020)
    ]
    assert sorted(rows["value"].round(3)) == [21.996, 22.0]
    assert rows.loc[rows.primary, "source"].isin(CENSUS_TITLES).all()


def test_shares_are_percent_on_one_scale(obs_all):
    cat = stats.indicator_catalog().set_index("id")
    shares = obs_all[obs_all.indicator.map(cat["kind"]) == "share"]
    assert (shares["unit"] == "%").all()
    assert shares["value"].dropna().between(0, 100).all()
    # fractions of the tabulation were converted: 潘集区's EMPL_OCCU 0.5107 is stored as 51.07
    assert shares["value"].dropna().gt(1).mean() > 0.8


def test_under_three_is_not_invented(obs):
    cat = stats.indicator_catalog().set_index("id")
    assert not any("under_3" in i or "0_2" in i for i in cat.index)
    assert "under 3" in cat.at["pop_age_0_4", "definition"]
    # census_county_2020.xlsx row 1107 (大通区): 0岁 692 + 630; 1到4岁 4143 + 3752 → 9,217
    assert stats.value("pop_age_0_4", "340402") == 9_217
    assert stats.value("pop_age_0", "340402") == 1_322


# ------------------------------------------------------------------------------------------
# catalogue
# ------------------------------------------------------------------------------------------


def test_catalogue_fixed_ids_domains_and_units():
    cat = stats.indicator_catalog().set_index("id")
    fixed = [
        "population",
        "urbanization_rate",
        "share_age_0_14",
        "share_age_60plus",
        "share_age_65plus",
        "avg_years_schooling",
        "illiteracy_rate",
        "share_senior_high_plus",
        "pop_age_0_4",
        "pop_age_60plus",
        "households_family",
        "households_with_65plus",
        "share_hh_tap_water",
        "share_hh_kitchen",
        "share_hh_toilet",
        "share_hh_bath",
        "floor_area_per_person",
        "employment_ratio",
        "agri_employment_share",
    ]
    assert set(fixed) <= set(cat.index)
    assert set(cat["domain"]) <= {*DOMAIN_IDS, "context"}
    # context holds only counts and averages used as denominators or base populations
    context = cat[cat.domain == "context"]
    assert set(context.index) == {
        "population",
        "population_yearend",
        "households_family",
        "population_family_households",
        "avg_household_size",
        "pop_age_6plus",
        "pop_age_15plus",
    }
    assert "aged 15+" in cat.at["illiteracy_rate", "definition"]
    assert "aged 6+" in cat.at["avg_years_schooling", "definition"]
    assert (cat.loc[cat.kind == "share", "max_value"] == 100).all()


def test_catalogue_ids_shared_with_the_plan_keep_the_plan_unit():
    cat = stats.indicator_catalog().set_index("id")
    ind = plan.indicators().set_index("indicator_id")
    shared = cat.index.intersection(ind.index)
    assert {
        "life_expectancy",
        "physicians_per_1000",
        "nursery_places_per_1000",
        "preschool_gross_enrolment",
    } <= set(shared)
    # five-year totals are published as running totals under <plan id>_to_date
    assert "old_residential_renovation_to_date" in cat.index
    for i in shared:
        assert cat.at[i, "unit"] == ind.at[i, "unit"], i
        assert cat.at[i, "domain"] == ind.at[i, "domain"], i


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("urbanization_rate", "urbanization_rate"),
        ("城镇化率", "urbanization_rate"),
        ("常住人口（人）", "population"),
        ("６０岁及以上人口比重", "share_age_60plus"),
        ("每千人口执业(助理)医师数", "physicians_per_1000"),
        ("文盲率", "illiteracy_rate_total_pop"),
        ("文盲占15岁及以上人口比重", "illiteracy_rate"),
    ],
)
def test_resolve_indicator(text, expected):
    assert stats.resolve_indicator(text)["id"] == expected


def test_resolve_indicator_unknown_lists_close_names():
    with pytest.raises(KeyError, match="closest: .*城镇化率"):
        stats.resolve_indicator("城镇化")


# ------------------------------------------------------------------------------------------
# national county tables
# ------------------------------------------------------------------------------------------


def test_national_table_columns_and_dtypes():
    nc = stats.national_counties()
    assert tuple(nc.columns[:9]) == stats.NATIONAL_ID_COLUMNS
    measures = nc.columns[9:]
    assert len(measures) >= 40
    cat = stats.indicator_catalog()
    listed = {
        p.strip().split(" ")[0] for v in cat["national_column"] for p in v.split(";") if p.strip()
    }
    assert set(measures) == listed
    assert nc["population"].dtype == "Int64" and nc["share_age_60plus"].dtype == "float64"
    assert nc["code"].is_unique and nc["code"].str.fullmatch(r"\d{6}").all()
    assert nc["prefecture_name"].notna().all()


@pytest.mark.parametrize(
    ("code", "prefecture", "kind"),
    [
        ("340422", "340400", "county"),  # 寿县
        ("340172", "340100", "functional_zone"),  # 合肥经济技术开发区
        ("110105", "110000", "district"),  # 北京 朝阳区: municipality
        ("500229", "500000", "county"),  # 重庆 城口县: municipality
        ("419001", "419001", "county_level_city"),  # 济源市: province-administered
        ("441900", "441900", "prefecture_city"),  # 东莞市
    ],
)
def test_prefecture_rules(code, prefecture, kind):
    nc = stats.national_counties().set_index("code")
    assert nc.at[code, "prefecture_code"] == prefecture
    assert nc.at[code, "unit_kind"] == kind


def test_national_table_fixes_known_errors_of_the_tabulation():
    nc = stats.national_counties().set_index("code")
    # census2020_county/population.csv: 150703,扎赉诺尔区,184424 — the yearbook's 84,424 is used
    assert nc.at["150703", "population"] == 84_424
    # tabulation names 荣阳市 / 都善县 / 653022 阿图什市 are typos of 荥阳市 / 鄯善县 / 阿克陶县
    assert nc.loc[["410182", "650421", "653022"], "name"].tolist() == [
        "荥阳市",
        "鄯善县",
        "阿克陶县",
    ]
    disc = pd.read_csv(DATA / "stats" / "discrepancies.csv", dtype=str, keep_default_na=False)
    assert {"150703", "410182", "650421", "653022"} <= set(disc.region_code)


def test_base_populations_of_the_education_measures():
    nc = stats.national_counties()
    ok = nc["pop_age_15plus"].gt(0) & nc["illiteracy_rate"].notna()
    # illiteracy_rate is over people aged 15+: illiterate_15plus / pop_age_15plus × 100 gives the
    # printed rate (2 decimals) for every county …
    rate = nc["illiterate_15plus"] / nc["pop_age_15plus"] * 100
    assert ((rate - nc["illiteracy_rate"]).abs()[ok] <= 0.0051).all()
    # (over the total population it would match none: the bulletins' definition differs)
    total = nc["illiterate_15plus"] / nc["population"] * 100
    assert not ((total - nc["illiteracy_rate"]).abs()[ok] <= 0.0051).any()
    # … and the education counts cover people aged 6+: everyone except the under-5s and part of
    # the 5–9 band (大通区: 165,671 − 9,217 aged 0–4 = 156,454 ≥ 154,379 ≥ 156,454 − 10,337
    # aged 5–9, census_county_2020.xlsx row 1107: 5599 + 4738)
    assert (nc["pop_age_6plus"] <= nc["population"] - nc["pop_age_0_4"])[ok].all()
    row = nc.set_index("code").loc["340402"]
    assert (
        row["population"] - row["pop_age_0_4"] - 10_337
        <= row["pop_age_6plus"]
        <= row["population"] - row["pop_age_0_4"]
    )


def test_national_table_2010_has_2010_codes():
    nc = stats.national_counties(2010).set_index("code")
    assert nc.at["341521", "name"] == "寿县" and nc.at["341521", "prefecture_code"] == "341500"
    assert "340422" not in nc.index
    with pytest.raises(ValueError, match="census years"):
        stats.national_counties(2015)


def test_national_table_agrees_with_the_long_table(obs):
    nc = stats.national_counties().set_index("code")
    for code in UNIT_CODES:
        for col in (
            "population",
            "share_age_60plus",
            "avg_years_schooling",
            "share_hh_tap_water",
            "employment_ratio",
        ):
            assert nc.at[code, col] == pytest.approx(stats.value(col, code), abs=1e-6)


# ------------------------------------------------------------------------------------------
# per-capita helpers
# ------------------------------------------------------------------------------------------


def test_per_capita_helpers_use_census_denominators():
    supply = pd.DataFrame(
        {
            "region_code": ["340402", "340422", "340400"],
            "value": [1000.0, 2000.0, np.nan],
            "year": [2023, 2023, 2023],
        }
    )
    out = stats.per_1000_residents(supply)
    # 1000 / 165,671 × 1000 = 6.036060; 2000 / 838,507 × 1000 = 2.385189
    assert out["rate"].round(5).tolist()[:2] == [6.03606, 2.38519]
    assert math.isnan(out["rate"].iloc[2]) and out["year"].tolist() == [2023] * 3
    assert set(out["denominator_year"]) == {2020}
    old = stats.per_1000_aged_60plus(supply.iloc[:1])
    assert old["rate"].round(4).item() == round(1000 / 36_441 * 1000, 4)  # 27.4416
    hh = stats.per_100_households(supply.iloc[:1])
    assert hh["rate"].round(4).item() == round(1000 / 61_734 * 100, 4)  # 1.6199


def test_per_capita_2010_uses_2020_boundaries_for_the_city():
    supply = pd.DataFrame({"region_code": ["340400", "340422"], "value": [3_342_012.0, 1.0]})
    out = stats.per_1000_residents(supply, year=2010)
    # 2010 city on 2020 boundaries = 3,342,012; 寿县 2010 (as 341521) = 1,008,116
    assert out["denominator"].tolist() == [3_342_012.0, 1_008_116.0]
    assert out["rate"].iloc[0] == 1000.0


def test_per_capita_reaches_every_county_and_names_unknown_regions():
    supply = pd.DataFrame({"region_code": ["110105"], "value": [3_452.46]})
    # 北京 朝阳区 3,452,460 residents (census_county_2020.xlsx row 7)
    assert stats.per_1000_residents(supply)["rate"].round(6).item() == 1.0
    with pytest.raises(DataValidationError, match="999999"):
        stats.per_1000_residents(pd.DataFrame({"region_code": ["999999"], "value": [1.0]}))
    with pytest.raises(DataValidationError, match="value"):
        stats.per_1000_residents(pd.DataFrame({"region_code": ["340402"]}))


# ------------------------------------------------------------------------------------------
# validation on load (temporary copy of data/ via $HUAINAN_DATA_DIR)
# ------------------------------------------------------------------------------------------


@pytest.fixture()
def data_copy(tmp_path, monkeypatch):
    dst = tmp_path / "data"
    (dst / "stats").mkdir(parents=True)
    shutil.copy(DATA / "regions.csv", dst / "regions.csv")
    for name in ("observations.csv", "indicators.csv"):
        shutil.copy(DATA / "stats" / name, dst / "stats" / name)
    monkeypatch.setenv("HUAINAN_DATA_DIR", str(dst))
    return dst / "stats"


def _edit_obs(stats_dir: Path, line: int, column: str, value: str) -> None:
    path = stats_dir / "observations.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[line - 2, column] = value
    df.to_csv(path, index=False, lineterminator="\n")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("region_code", "340499", "unknown region code"),
        ("year", "2031", "year must be"),
        ("year", "20x0", "year must be"),
        ("area", "town", "area must be"),
        ("indicator", "population_total", "not in the catalogue"),
        ("unit", "万人", "unit of population"),
        ("value", "abc", "not a number"),
        ("value", "-1", "≥ 0"),
        ("source", " ", "empty source"),
        ("primary", "yes", "true or false"),
    ],
)
def test_malformed_rows_name_file_row_and_column(data_copy, column, value, message):
    _edit_obs(data_copy, 5, column, value)
    with pytest.raises(DataValidationError, match=message) as err:
        stats.observations()
    assert err.value.path.endswith("observations.csv")
    assert (err.value.row, err.value.column) == (5, column)


def test_share_above_100_is_rejected(data_copy):
    df = pd.read_csv(data_copy / "observations.csv", dtype=str, keep_default_na=False)
    line = int(df.index[df.indicator == "urbanization_rate"][0]) + 2
    _edit_obs(data_copy, line, "value", "100.5")
    with pytest.raises(DataValidationError, match="share") as err:
        stats.observations()
    assert (err.value.row, err.value.column) == (line, "value")


def test_empty_value_needs_a_note(data_copy):
    _edit_obs(data_copy, 3, "value", "")
    _edit_obs(data_copy, 3, "note", "")
    with pytest.raises(DataValidationError, match="without a note") as err:
        stats.observations()
    assert (err.value.row, err.value.column) == (3, "value")


def test_duplicate_key_and_second_primary_are_rejected(data_copy):
    path = data_copy / "observations.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    twice = pd.concat([df, df.iloc[[0]]], ignore_index=True)
    twice.to_csv(path, index=False, lineterminator="\n")
    with pytest.raises(DataValidationError, match="duplicate key") as err:
        stats.observations()
    assert err.value.row == len(twice) + 1
    other = df.iloc[[0]].assign(source="another publication", primary="true")
    pd.concat([df, other], ignore_index=True).to_csv(path, index=False, lineterminator="\n")
    with pytest.raises(DataValidationError, match="second primary") as err:
        stats.observations()
    assert err.value.column == "primary"


def test_missing_column_is_named(data_copy):
    path = data_copy / "observations.csv"
    pd.read_csv(path, dtype=str).drop(columns="source_ref").to_csv(path, index=False)
    with pytest.raises(DataValidationError, match="missing column") as err:
        stats.observations()
    assert err.value.column == "source_ref"


def test_malformed_catalogue_is_rejected(data_copy):
    path = data_copy / "indicators.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[3, "domain"] = "demography"
    df.to_csv(path, index=False, lineterminator="\n")
    with pytest.raises(DataValidationError, match="domain") as err:
        stats.indicator_catalog()
    assert (err.value.row, err.value.column) == (5, "domain")


# ------------------------------------------------------------------------------------------
# the build script
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from huainan.evidence.build import build

    if not (SHARED / "README.md").exists():
        pytest.skip(f"shared reference data not found at {SHARED}")
    out = tmp_path_factory.mktemp("built")
    return out, build(SHARED, out, log=lambda _: None)


@needs_shared
def test_build_is_deterministic_and_matches_the_committed_files(built):
    from huainan.evidence.build import build, write_files

    out, files = built
    # the committed data/ is exactly what the script produces …
    for path, data in files.items():
        committed = DATA / path.relative_to(out)
        assert committed.read_bytes() == data, f"{committed} is not what the build produces"
    # … and a second run, written to disk, gives the same bytes
    again = build(SHARED, out, log=lambda _: None)
    assert again == files
    assert sorted(write_files(again)) == sorted(files)
    assert write_files(again) == []  # nothing changed: nothing rewritten


@needs_shared
def test_failed_build_writes_nothing(tmp_path):
    from huainan.evidence.build import main

    shared = tmp_path / "shared"
    shutil.copytree(SHARED, shared)
    raw = shared / "raw" / "anhui_province.csv"
    raw.chmod(0o644)
    text = raw.read_text(encoding="utf-8").replace("life_expectancy", "lifespan_guess", 1)
    raw.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(DataValidationError, match="lifespan_guess") as err:
        main(["--shared", str(shared), "--out", str(out)])
    assert err.value.column == "indicator"
    assert not out.exists()
