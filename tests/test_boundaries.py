"""Tests of huainan.evidence.boundaries (data/boundaries/huainan_units.geojson)."""

from __future__ import annotations

import itertools

import pytest
import shapely

from huainan.evidence import boundaries
from huainan.paths import REPO_ROOT
from huainan.plan.regions import UNIT_CODES

SHARED = REPO_ROOT.parent / "shared" / "data"
TOPOJSON = SHARED / "boundaries" / "china_counties_2021_aea.topojson.gz"


@pytest.fixture(scope="module")
def units():
    return boundaries.units()


def test_seven_valid_units_in_a_projected_crs(units):
    assert units["code"].tolist() == list(UNIT_CODES)
    assert units.crs.is_projected and units.crs.axis_info[0].unit_name == "metre"
    assert units.is_valid.all()
    assert units["group"].tolist() == ["district"] * 5 + ["county"] * 2


def test_polygon_areas_match_the_source_attribute(units):
    # simplified polygons: within 3% of the source's area attribute (田家庵区 is off by 2.5%)
    ratio = units.area / 1e6 / units["area_km2"]
    assert ratio.between(0.97, 1.03).all()


def test_units_do_not_overlap(units):
    for a, b in itertools.combinations(units.geometry, 2):
        assert a.intersection(b).area < 1e4  # < 0.01 km²


def test_projection_puts_huainan_where_it_is(units):
    lonlat = boundaries.units("EPSG:4326")
    minx, miny, maxx, maxy = lonlat.total_bounds
    # Huainan lies around 116.4–117.3°E, 31.9–33.1°N
    assert 116.2 < minx < maxx < 117.5 and 31.8 < miny < maxy < 33.2


def test_neighbours_touch_the_city_and_exclude_it():
    near = boundaries.neighbours()
    outline = boundaries.city_outline().iloc[0]
    assert not set(near["code"]) & set(UNIT_CODES)
    assert {"340321", "341226", "341522"} <= set(near["code"])  # 怀远县, 颍上县, 霍邱县
    assert near.geometry.distance(outline).max() < 1_000


def test_city_outline_is_the_union_of_the_units(units):
    outline = boundaries.city_outline()
    assert outline.index.tolist() == ["340400"]
    assert outline.area.iloc[0] == pytest.approx(units.area.sum(), rel=1e-6)


def test_missing_file_says_how_to_build_it(tmp_path, monkeypatch):
    monkeypatch.setenv("HUAINAN_DATA_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="huainan.evidence.build"):
        boundaries.units()


@pytest.mark.skipif(not TOPOJSON.exists(), reason=f"shared boundary file absent: {TOPOJSON}")
def test_extract_is_deterministic_and_matches_the_committed_file():
    data = boundaries.extract(TOPOJSON)
    assert data == boundaries.extract(TOPOJSON)
    assert data == (REPO_ROOT / "data" / "boundaries" / boundaries.FILE_NAME).read_bytes()
    assert len(data) < 100_000  # light enough to commit


def test_cut_rejects_a_file_without_the_units():
    import geopandas as gpd

    from huainan.errors import DataValidationError

    other = gpd.GeoDataFrame(
        {
            "CODE": [110101, 340402],
            "NAME": ["东城区", "大通区"],
            "PROV_CODE": [110000, 340000],
            "area": [1.0, 1.0],
        },
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(2, 0, 3, 1)],
    )
    with pytest.raises(DataValidationError, match="340403") as err:
        boundaries.cut(other)
    assert err.value.column == "CODE"


# ------------------------------------------------------------------------------------------
# Anhui's 16 prefecture-level cities (data/boundaries/anhui_prefectures.geojson)
# ------------------------------------------------------------------------------------------


def test_anhui_prefectures_are_the_16_cities_dissolved_from_their_counties(units):
    p = boundaries.anhui_prefectures()
    assert len(p) == 16 and p["code"].str.match(r"34\d{2}00").all()
    assert p.is_valid.all() and p.crs.is_projected
    hn = p.set_index("code").loc["340400"]
    assert hn["name_zh"] == "淮南市" and hn["counties"] == 7
    # the same source areas: 淮南市 = the seven units' area attribute summed
    assert hn["area_km2"] == pytest.approx(units["area_km2"].sum(), abs=0.2)
    # simplified at 500 m: the outline is within 1 % of the seven units' union
    assert hn.geometry.area == pytest.approx(units.area.sum(), rel=0.01)
    for a, b in itertools.combinations(p.geometry, 2):
        assert a.intersection(b).area < 5e6  # simplification slivers < 5 km²
    # 合肥市 is the largest city in population but not in area; 六安市 is among the largest
    assert p.set_index("code")["area_km2"].idxmax() in {"341500", "341100", "340800"}


@pytest.mark.skipif(not TOPOJSON.exists(), reason=f"shared boundary file absent: {TOPOJSON}")
def test_prefectures_file_is_what_the_build_makes_and_light():
    from huainan.evidence import stats

    _, data = boundaries.extract_all(TOPOJSON, stats.national_counties())
    assert data == (REPO_ROOT / "data" / "boundaries" / boundaries.PREFECTURES_FILE).read_bytes()
    assert len(data) < 100_000
