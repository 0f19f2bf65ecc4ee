"""Polygons of the seven county-level units (and their neighbours) for maps.

The polygons come from ``china_counties_2021_aea.topojson.gz`` (2,990 county-level units, 2021
boundaries; thebamboogrove/tudigong ``src/boundaries/``, MIT, built on CTAmap administrative
boundaries). :func:`extract` cuts the seven units and the units that touch the city out of it
once, when ``python -m huainan.evidence.build`` runs; the result is the small committed file
``data/boundaries/huainan_units.geojson``, read by :func:`units` and :func:`neighbours`.

Coordinates stay in the source's Albers equal-area projection for China (:data:`AEA_CRS`,
metres); they are not longitudes/latitudes, so the GeoJSON file carries the projection in its
``metadata`` member and the loaders attach it. The polygons are simplified: fine for
choropleths, not for measuring (``regions.csv`` areas are the source's ``area`` attribute).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from huainan.errors import DataValidationError
from huainan.paths import data_dir
from huainan.plan.regions import UNIT_CODES, regions

#: The projection of the source file (README of the shared data: lat_1=24, lat_2=48, lat_0=36,
#: lon_0=104.5, metres). The ellipsoid is not stated there; WGS 84 is assumed, which only
#: matters if the polygons are reprojected (an error of metres, irrelevant for choropleths).
AEA_CRS = (
    "+proj=aea +lat_1=24 +lat_2=48 +lat_0=36 +lon_0=104.5 +x_0=0 +y_0=0 "
    "+ellps=WGS84 +units=m +no_defs"
)
FILE_NAME = "huainan_units.geojson"
SOURCE = (
    "china_counties_2021_aea.topojson.gz, object 'county' (thebamboogrove/tudigong "
    "src/boundaries/, MIT; CTAmap 2021 boundaries)"
)

#: Anhui's prefecture-level cities, dissolved from the county polygons (the peer map).
PREFECTURES_FILE = "anhui_prefectures.geojson"
ANHUI_CODE = "340000"
#: Prefecture outlines are simplified after the dissolve (metres of tolerance).
PREFECTURE_TOLERANCE_M = 500.0
#: Neighbours are simplified further (metres of tolerance) to keep the file light.
NEIGHBOUR_TOLERANCE_M = 400.0
#: Coordinates are snapped to this grid (metres).
GRID_M = 1.0


def path() -> Path:
    """Return ``<data>/boundaries/huainan_units.geojson``."""
    return data_dir() / "boundaries" / FILE_NAME


def extract(topojson: str | Path) -> bytes:
    """Cut the seven units and their neighbours out of the national TopoJSON file.

    Parameters
    ----------
    topojson : str or pathlib.Path
        ``china_counties_2021_aea.topojson.gz`` (gzip-compressed TopoJSON, object ``county``).

    Returns
    -------
    bytes
        A GeoJSON FeatureCollection (UTF-8): one feature per unit (``role`` = ``unit``) and per
        county-level unit that touches the city (``role`` = ``neighbour``), with properties
        ``code``, ``name_zh``, ``role``, ``province_code`` and ``area_km2`` (the source's
        ``area`` attribute / 10⁶). Deterministic for the same input.

    Raises
    ------
    DataValidationError
        If one of the seven codes is missing from the source.
    """
    src = gpd.read_file(f"/vsigzip/{Path(topojson)}", layer="county")
    return cut(src, source=str(topojson))


def extract_all(topojson: str | Path, census: pd.DataFrame) -> tuple[bytes, bytes]:
    """Read the national TopoJSON once and return (:func:`cut`, :func:`dissolve_prefectures`).

    ``census`` is the 2020 national county table (``code``, ``prefecture_code``,
    ``prefecture_name``, ``province_code``) that assigns counties to prefectures.
    """
    src = gpd.read_file(f"/vsigzip/{Path(topojson)}", layer="county")
    return cut(src, source=str(topojson)), dissolve_prefectures(src, census, source=str(topojson))


def dissolve_prefectures(
    counties: gpd.GeoDataFrame, census: pd.DataFrame, *, source: str = "counties"
) -> bytes:
    """Anhui's 16 prefecture-level cities as the union of their county-level units.

    Parameters
    ----------
    counties : geopandas.GeoDataFrame
        The source's counties (``CODE``, ``PROV_CODE``, ``area`` m², polygons in :data:`AEA_CRS`).
    census : pandas.DataFrame
        2020 national county table: ``code`` → ``prefecture_code``/``prefecture_name`` (functional
        zones go to their parent city, as in the census).

    Returns
    -------
    bytes
        GeoJSON FeatureCollection (UTF-8), one feature per city sorted by code: properties
        ``code``, ``name_zh``, ``counties`` (number of county-level units dissolved),
        ``area_km2`` (sum of the source's ``area`` / 10⁶); outlines simplified at
        :data:`PREFECTURE_TOLERANCE_M`. Deterministic.

    Raises
    ------
    DataValidationError
        If an Anhui county has no prefecture in ``census`` or the cities are not 16.
    """
    src = counties.copy()
    src["code"] = src["CODE"].astype("int64").astype(str).str.zfill(6)
    anhui = src[src["PROV_CODE"].astype("int64").astype(str) == ANHUI_CODE].copy()
    pref = census.set_index("code")["prefecture_code"]
    names = census.drop_duplicates("prefecture_code").set_index("prefecture_code")[
        "prefecture_name"
    ]
    anhui["prefecture"] = anhui["code"].map(pref)
    if anhui["prefecture"].isna().any():
        bad = anhui.loc[anhui["prefecture"].isna(), "code"].tolist()
        raise DataValidationError(
            f"Anhui counties without a prefecture in the census table: {bad}",
            path=source,
            column="CODE",
        )
    if anhui["prefecture"].nunique() != 16:
        raise DataValidationError(
            f"expected 16 prefecture-level cities in Anhui, found {anhui['prefecture'].nunique()}",
            path=source,
            column="CODE",
        )
    features = []
    for code, grp in anhui.groupby("prefecture", sort=True):
        geom = shapely.union_all(grp.geometry.to_numpy())
        geom = geom.simplify(PREFECTURE_TOLERANCE_M, preserve_topology=True)
        geom = shapely.set_precision(geom, GRID_M)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": code,
                    "name_zh": names[code],
                    "counties": len(grp),
                    "area_km2": round(float(grp["area"].sum()) / 1e6, 1),
                },
                "geometry": json.loads(shapely.to_geojson(geom)),
            }
        )
    doc = {
        "type": "FeatureCollection",
        "name": "anhui_prefectures",
        "metadata": {
            "source": SOURCE + "; dissolved by prefecture (2020 census county table codes)",
            "crs_proj4": AEA_CRS,
            "note": "coordinates in metres (Albers equal-area), not lon/lat; union of the "
            f"county polygons of each city, simplified at {PREFECTURE_TOLERANCE_M:g} m",
        },
        "features": features,
    }
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def anhui_prefectures(crs: str | None = None) -> gpd.GeoDataFrame:
    """Return the outlines of Anhui's 16 prefecture-level cities (``anhui_prefectures.geojson``).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``code`` (str, GB/T 2260), ``name_zh``, ``counties`` (int), ``area_km2``
        (float), ``geometry``; sorted by code; CRS :data:`AEA_CRS` unless ``crs`` is given.

    Raises
    ------
    FileNotFoundError
        If the file has not been built (``huainan build-stats``).

    Examples
    --------
    >>> p = anhui_prefectures()
    >>> len(p), p.loc[p.code == "340400", "counties"].item()
    (16, 7)
    """
    file = data_dir() / "boundaries" / PREFECTURES_FILE
    if not file.exists():
        raise FileNotFoundError(f"{file} is missing: run `huainan build-stats`")
    gdf = gpd.read_file(file).set_crs(AEA_CRS, allow_override=True)
    gdf["code"] = gdf["code"].astype(str)
    gdf = gdf.sort_values("code").reset_index(drop=True)
    return gdf.to_crs(crs) if crs else gdf


def cut(counties: gpd.GeoDataFrame, *, source: str = "counties") -> bytes:
    """The work of :func:`extract` on the counties already read.

    ``counties`` has the source's columns ``CODE`` (int), ``NAME``, ``PROV_CODE`` and ``area``
    (m²) and polygons in :data:`AEA_CRS`.
    """
    src = counties.copy()
    src["code"] = src["CODE"].astype("int64").astype(str).str.zfill(6)
    missing = sorted(set(UNIT_CODES) - set(src["code"]))
    if missing:
        raise DataValidationError(
            f"units missing from the boundary file: {missing}", path=source, column="CODE"
        )
    units = src[src["code"].isin(UNIT_CODES)]
    city = shapely.union_all(units.geometry.to_numpy())
    near = src[~src["code"].isin(UNIT_CODES) & src.geometry.intersects(city.buffer(1_000.0))].copy()
    near["geometry"] = near.geometry.simplify(NEIGHBOUR_TOLERANCE_M, preserve_topology=True)
    names = regions().set_index("code")["name_zh"]
    features = []
    for role, frame in (("unit", units), ("neighbour", near)):
        for _, r in frame.sort_values("code").iterrows():
            geom = shapely.set_precision(r.geometry, GRID_M)
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "code": r["code"],
                        "name_zh": names.get(r["code"], r["NAME"]) if role == "unit" else r["NAME"],
                        "role": role,
                        "province_code": str(int(r["PROV_CODE"])),
                        "area_km2": round(float(r["area"]) / 1e6, 1),
                    },
                    "geometry": json.loads(shapely.to_geojson(geom)),
                }
            )
    doc = {
        "type": "FeatureCollection",
        "name": "huainan_units",
        "metadata": {
            "source": SOURCE,
            "crs_proj4": AEA_CRS,
            "note": "coordinates in metres (Albers equal-area), not lon/lat; "
            f"neighbours simplified at {NEIGHBOUR_TOLERANCE_M:g} m",
        },
        "features": features,
    }
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


#: Every county-level unit of China, simplified for small maps of one prefecture.
COUNTIES_FILE = "china_counties_simplified.parquet"
#: Simplification of :data:`COUNTIES_FILE` (metres; Douglas–Peucker, topology preserved) and
#: the grid its coordinates are rounded to (metres).
COUNTIES_TOLERANCE_M = 800.0
COUNTIES_GRID_M = 100.0


def extract_counties(topojson: str | Path) -> gpd.GeoDataFrame:
    """Every county-level unit of the national TopoJSON, simplified (for prefecture maps).

    Parameters
    ----------
    topojson : str or pathlib.Path
        ``china_counties_2021_aea.topojson.gz`` (object ``county``).

    Returns
    -------
    geopandas.GeoDataFrame
        ``code`` (str, 6 digits), ``geometry`` (simplified at :data:`COUNTIES_TOLERANCE_M`,
        coordinates rounded to :data:`COUNTIES_GRID_M`; Albers equal-area, :data:`AEA_CRS`),
        sorted by code; the source is recorded in the file's metadata by :func:`write_counties`.
    """
    src = gpd.read_file(f"/vsigzip/{Path(topojson)}", layer="county")
    out = gpd.GeoDataFrame(
        {"code": src["CODE"].astype("int64").astype(str).str.zfill(6)},
        geometry=src.geometry.simplify(COUNTIES_TOLERANCE_M, preserve_topology=True),
        crs=AEA_CRS,
    )
    out["geometry"] = shapely.set_precision(out.geometry.values, COUNTIES_GRID_M, mode="pointwise")
    return out.sort_values("code").reset_index(drop=True)


def write_counties(topojson: str | Path, folder: str | Path | None = None) -> Path:
    """Write :func:`extract_counties` to ``<data>/boundaries/`` (GeoParquet, zstd); return the
    path. Source and simplification are described in ``data/boundaries/README.md``."""
    gdf = extract_counties(topojson)
    target = Path(folder or data_dir() / "boundaries") / COUNTIES_FILE
    tmp = target.with_suffix(".tmp")
    gdf.to_parquet(tmp, index=False, compression="zstd", compression_level=19)
    tmp.replace(target)
    return target


def counties(codes: list[str] | None = None) -> gpd.GeoDataFrame:
    """County-level polygons from :data:`COUNTIES_FILE` (``code``, ``geometry``; AEA metres).

    Parameters
    ----------
    codes : list of str, optional
        Only these units (default all 2,990).

    Raises
    ------
    FileNotFoundError
        If the file has not been built (``huainan build-stats``).
    """
    file = data_dir() / "boundaries" / COUNTIES_FILE
    if not file.exists():
        raise FileNotFoundError(f"{file} is missing: run `huainan build-stats`")
    gdf = _counties_cached(str(file), file.stat().st_mtime_ns)
    if codes is not None:
        gdf = gdf[gdf["code"].isin([str(c) for c in codes])]
    return gdf.copy()


@lru_cache(maxsize=1)
def _counties_cached(file: str, mtime: int) -> gpd.GeoDataFrame:
    gdf = gpd.read_parquet(file)
    gdf["code"] = gdf["code"].astype(str)
    return gdf.set_crs(AEA_CRS, allow_override=True)


def _read(file: Path | None = None) -> gpd.GeoDataFrame:
    file = path() if file is None else Path(file)
    if not file.exists():
        raise FileNotFoundError(f"{file} is missing: run `python -m huainan.evidence.build`")
    gdf = gpd.read_file(file)
    gdf = gdf.set_crs(AEA_CRS, allow_override=True)
    need = {"code", "name_zh", "role", "province_code", "area_km2"}
    if not need <= set(gdf.columns):
        raise DataValidationError(
            f"missing properties {sorted(need - set(gdf.columns))}", path=file
        )
    gdf["code"] = gdf["code"].astype(str)
    return gdf


def units(crs: str | None = None) -> gpd.GeoDataFrame:
    """Return the seven units' polygons in the city's usual order.

    Parameters
    ----------
    crs : str, optional
        Reproject to this CRS (e.g. ``"EPSG:4326"`` for web maps); default: the source's
        Albers equal-area projection (:data:`AEA_CRS`, metres).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``code`` (str), ``name_zh``, ``name_en``, ``group`` (district/county),
        ``area_km2`` (float, source attribute), ``geometry`` (Polygon/MultiPolygon).

    Raises
    ------
    FileNotFoundError
        If ``data/boundaries/huainan_units.geojson`` has not been built.
    DataValidationError
        If a unit is missing from the file.

    Examples
    --------
    >>> u = units()
    >>> u["code"].tolist() == list(UNIT_CODES), u.crs.is_projected
    (True, True)
    """
    gdf = _read()
    gdf = gdf[gdf["role"] == "unit"]
    missing = sorted(set(UNIT_CODES) - set(gdf["code"]))
    if missing:
        raise DataValidationError(f"units missing: {missing}", path=path(), column="code")
    meta = regions().set_index("code")[["name_en", "group", "order"]]
    gdf = gdf.join(meta, on="code").sort_values("order")
    gdf = gdf[["code", "name_zh", "name_en", "group", "area_km2", "geometry"]]
    gdf = gdf.reset_index(drop=True)
    return gdf.to_crs(crs) if crs else gdf


def neighbours(crs: str | None = None) -> gpd.GeoDataFrame:
    """Return the county-level units that touch Huainan (context for maps), simplified.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``code``, ``name_zh``, ``province_code``, ``area_km2``, ``geometry``.
    """
    gdf = _read()
    gdf = gdf[gdf["role"] == "neighbour"].sort_values("code")
    gdf = gdf[["code", "name_zh", "province_code", "area_km2", "geometry"]]
    gdf = gdf.reset_index(drop=True)
    return gdf.to_crs(crs) if crs else gdf


def city_outline(crs: str | None = None) -> gpd.GeoSeries:
    """Return the city's outline (union of the seven units) as a one-element GeoSeries."""
    u = units()
    out = gpd.GeoSeries(
        [shapely.union_all(u.geometry.to_numpy())],
        crs=u.crs,
        index=pd.Index(["340400"], name="code"),
    )
    return out.to_crs(crs) if crs else out
