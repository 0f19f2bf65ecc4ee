"""Tests of huainan.plan.regions (data/regions.csv)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from huainan.errors import DataValidationError
from huainan.paths import REPO_ROOT
from huainan.plan import regions

DATA = REPO_ROOT / "data"


def test_the_seven_units_in_order_with_their_groups():
    u = regions.units()
    assert u["code"].tolist() == list(regions.UNIT_CODES)
    assert u["type"].tolist() == ["district"] * 5 + ["county"] * 2
    assert (u["parent_code"] == regions.CITY_CODE).all()
    assert regions.groups().to_dict() == {
        c: ("district" if c < "340420" else "county") for c in regions.UNIT_CODES
    }


def test_city_province_country_rows():
    r = regions.regions().set_index("code")
    assert r.loc[
        [regions.CITY_CODE, regions.PROVINCE_CODE, regions.COUNTRY_CODE], "type"
    ].tolist() == ["city", "province", "country"]
    assert r.at[regions.CITY_CODE, "parent_code"] == regions.PROVINCE_CODE
    assert r["order"].is_unique


def test_areas_sum_as_documented():
    # regions.py docstring: the seven areas sum to 5,538.7 km²
    # 304.9 + 251.9 + 271.0 + 67.1 + 599.0 + 1094.6 + 2950.2 = 5538.7
    assert round(regions.units()["area_km2"].sum(), 1) == 5538.7


def test_areas_are_those_of_the_boundary_file():
    from huainan.evidence import boundaries

    b = boundaries.units().set_index("code")["area_km2"]
    r = regions.units().set_index("code")["area_km2"]
    pd.testing.assert_series_equal(b, r, check_names=False)


def test_names_match_the_census_tables():
    from huainan.evidence import stats

    nc = stats.national_counties().set_index("code")
    r = regions.units().set_index("code")
    assert nc.loc[r.index, "name"].tolist() == r["name_zh"].tolist()


def test_name_and_code_for():
    assert regions.name("340405") == "八公山区"
    assert regions.name("340403", "en") == "Tianjia'an District"
    assert regions.code_for(" 寿县 ") == "340422"
    with pytest.raises(KeyError, match="341521"):
        regions.name("341521")  # 寿县's 2010 code is not a region of the workbook
    with pytest.raises(KeyError, match="毛集实验区"):
        regions.code_for("毛集实验区")


@pytest.mark.parametrize(
    ("line", "column", "value", "message"),
    [
        (3, "code", "34040", "6 digits"),
        (4, "type", "town", "type must be"),
        (9, "code", "340402", "duplicate"),
    ],
)
def test_malformed_regions_csv_names_row_and_column(
    tmp_path, monkeypatch, line, column, value, message
):
    shutil.copy(DATA / "regions.csv", tmp_path / "regions.csv")
    df = pd.read_csv(tmp_path / "regions.csv", dtype=str, keep_default_na=False)
    df.loc[line - 2, column] = value
    df.to_csv(tmp_path / "regions.csv", index=False)
    monkeypatch.setenv("HUAINAN_DATA_DIR", str(tmp_path))
    with pytest.raises(DataValidationError, match=message) as err:
        regions.regions()
    assert (err.value.row, err.value.column) == (line, column)
    assert err.value.path.endswith("regions.csv")
