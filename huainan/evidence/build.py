"""Build ``data/stats/`` and ``data/boundaries/`` from the shared reference data.

Run ``python -m huainan.evidence.build [--shared PATH]`` (or ``huainan build-stats``). ``PATH`` is the
folder described by ``<repo>/../shared/data/README.md`` (default ``<repo>/../shared/data``). The
script is deterministic: two runs on the same inputs give byte-identical files. It validates
everything first and writes each file atomically; when a check fails nothing is written.

The census tables are read by :mod:`huainan.evidence.census` (recipes of every census measure, national
county tables); the indicator catalogue is defined in :mod:`huainan.evidence.catalog`. The long
table's rows come from :mod:`huainan.evidence.census_rows` (census) and
:mod:`huainan.evidence.bulletin_rows` (bulletins), its sources are compared by
:mod:`huainan.evidence.crosschecks`; this module assembles them, validates and writes the files.

Inputs and what is taken from them
----------------------------------
``census2020_county/*.csv``
    *Tabulation on the 2020 China Population Census by County* (中国人口普查分县资料2020, NBS,
    China Statistics Press 2022) as digitised by thebamboogrove/tudigong: the master list of the
    2,990 county-level units, the 2020 employment ratio (16+, long-form sample; not in the yearbook
    table) and, for every other measure, an independent cross-check of the yearbook table.
``census_county_2010_2020/census_county_2020.xlsx`` / ``census_county_2010.xlsx``
    The 7th and 6th census yearbook county tables (leiii/census): counts (population, urban,
    rural, households, age bands, education levels, housing amenities, industries) and published
    averages/percentages. Every census value in ``data/stats`` comes from these counts, either as
    published or as a sum/ratio of counts *of the same table row* (the ``note`` says which).
``census_county_2010_2020/census_city_2010_2020.csv``
    Prefecture-level 2010/2020 values; used for Huainan's 2010 population and age shares on 2020
    boundaries (寿县 included), and as a cross-check of the 2020 city row.
``raw/*.csv``
    Figures transcribed from bulletins and press reports. Each row is mapped to a catalogue
    indicator (:data:`huainan.evidence.bulletin_rows.RAW_MAP`) or skipped with a reason
    (``data/stats/raw_skipped.csv``).
``city_yearbook/*.xlsx`` and ``raw/city_yearbook_budget_2019_2025.csv``
    《中国城市统计年鉴》 editions 2019–2024, every prefecture-level city, and 淮南's hand-read
    cells and 2025 budget-execution figures: :mod:`huainan.evidence.yearbook_build`.

Outputs (``data/stats/``)
-------------------------
``observations.csv``  the long table read by :func:`huainan.evidence.stats.observations`.
``indicators.csv``    the indicator catalogue (:func:`huainan.evidence.stats.indicator_catalog`).
``counties_2020.parquet`` / ``counties_2010.parquet``  national county tables
(:func:`huainan.evidence.stats.national_counties`).
``crosschecks.csv``   every comparison of two sources for the same value (agree or not).
``discrepancies.csv`` the disagreements and data errors found, each with its reason and action.
``raw_skipped.csv``   raw rows not imported, with the reason.
``city_yearbook.csv``, ``city_yearbook_sources.csv``, ``city_yearbook_checks.csv``,
``budget_2025.csv``   the yearbook table, its editions, its cross-checks; 2025 budget execution.
``../boundaries/huainan_units.geojson``  polygons of the seven units and their neighbours.
``../boundaries/anhui_prefectures.geojson``  Anhui's 16 cities, dissolved from the counties.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from huainan.atomic import write_bytes
from huainan.evidence.bulletin_rows import _dedupe_raw, raw_rows
from huainan.evidence.catalog import INDICATORS
from huainan.evidence.census import (
    SRC_CITY,
    SRC_Y2010,
    Yearbook,
    check_tabulation,
    match_tabulation,
    national_counties_2010,
    national_counties_2020,
    read_tabulation,
    read_yearbook,
)
from huainan.evidence.census_measures import MEASURES
from huainan.evidence.census_rows import census_rows
from huainan.evidence.crosschecks import (
    CROSSCHECK_COLUMNS,
    OTHER_DISCREPANCIES,
    check_city_table,
    finalize,
)
from huainan.evidence.discrepancies import DISCREPANCY_COLUMNS, discrepancy, fmt_value
from huainan.evidence.stats import AREAS, CATALOG_COLUMNS, OBS_COLUMNS
from huainan.paths import REPO_ROOT, data_dir
from huainan.plan.regions import PROVINCE_CODE

DEFAULT_SHARED = REPO_ROOT.parent / "shared" / "data"


# --------------------------------------------------------------------------------------------
# Catalogue frame
# --------------------------------------------------------------------------------------------


def catalog_frame() -> pd.DataFrame:
    """The catalogue as written to ``indicators.csv`` (one row per indicator, file order)."""
    wide: dict[str, list] = {}
    for m in MEASURES:
        wide.setdefault(m.indicator, []).append(
            m.column if m.area == "total" else f"{m.column} (area={m.area})"
        )
    rows = []
    for ind in INDICATORS:
        rows.append(
            {
                "id": ind.id,
                "name_zh": ind.name_zh,
                "name_en": ind.name_en,
                "unit": ind.unit,
                "domain": ind.domain,
                "direction": ind.direction,
                "kind": ind.kind,
                "max_value": ind.max_value,
                "definition": ind.definition,
                "source": ind.source,
                "national_column": "; ".join(wide.get(ind.id, [])),
                "aliases": ";".join(ind.aliases),
            }
        )
    return pd.DataFrame(rows, columns=list(CATALOG_COLUMNS))


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV with ``\\n`` line ends, no index (deterministic for the same frame).

    Written verbatim, not formula-safe: these files are the program's own inputs, read back by
    :mod:`huainan.evidence` (an apostrophe would change the notes readers show); a few notes
    start with ``+0.05% of the census…``, which Excel shows as ``#NAME?`` — open them with
    pandas or import them as text.
    """
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")


def parquet_bytes(df: pd.DataFrame) -> bytes:
    """Parquet (pyarrow, zstd) of ``df`` without the index."""
    import io

    buf = io.BytesIO()
    df.to_parquet(buf, index=False, engine="pyarrow", compression="zstd", compression_level=19)
    return buf.getvalue()


def write_files(files: dict[Path, bytes]) -> list[Path]:
    """Write every file atomically (:func:`huainan.atomic.write_bytes`).

    All contents are prepared before this is called, so a validation error never leaves a
    half-built ``data/stats``. Files whose bytes are unchanged are not rewritten.
    """
    written = []
    for path, data in sorted(files.items()):
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.read_bytes() == data:
            continue
        write_bytes(path, data)
        written.append(path)
    return written


def order_observations(df: pd.DataFrame) -> pd.DataFrame:
    """Sort rows (regions.csv order, catalogue order, year, area, rank) and keep OBS_COLUMNS."""
    from huainan.plan.regions import regions

    region_order = {c: i for i, c in enumerate(regions().sort_values("order")["code"])}
    ind_order = {ind.id: i for i, ind in enumerate(INDICATORS)}
    area_order = {a: i for i, a in enumerate(AREAS)}
    df = df.assign(
        _r=df["region_code"].map(region_order),
        _i=df["indicator"].map(ind_order),
        _a=df["area"].map(area_order),
    )
    df = df.sort_values(["_r", "_i", "year", "_a", "_rank", "source", "source_ref"], kind="stable")
    return df[list(OBS_COLUMNS)].reset_index(drop=True)


def observations_csv(df: pd.DataFrame) -> bytes:
    out = df.copy()
    out["value"] = out["value"].map(fmt_value)
    out["primary"] = out["primary"].map({True: "true", False: "false"})
    return csv_bytes(out)


# --------------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------------

SKIPPED_COLUMNS = ("file", "line", "region_code", "year", "indicator", "value", "reason")


def build(
    shared: Path = DEFAULT_SHARED, out: Path | None = None, *, log: Callable[[str], None] = print
) -> dict[Path, bytes]:
    """Build every output in memory, validate it and return ``{path: bytes}`` (not written).

    Parameters
    ----------
    shared : pathlib.Path
        The shared data folder (``census2020_county/``, ``census_county_2010_2020/``,
        ``raw/``, ``boundaries/``).
    out : pathlib.Path, optional
        The data folder to write to (default :func:`huainan.paths.data_dir`).

    Raises
    ------
    FileNotFoundError
        If ``shared`` lacks an input file.
    DataValidationError
        If an input breaks an assumption (unknown raw indicator, duplicate key, a difference
        between sources that no known cause explains …).
    """
    from huainan.evidence import boundaries
    from huainan.evidence.yearbook_build import build_yearbook

    shared = Path(shared)
    out = data_dir() if out is None else Path(out)
    if not (shared / "README.md").exists():
        raise FileNotFoundError(
            f"{shared} does not look like the shared data folder (README.md missing)"
        )
    log(f"reading census tables from {shared}")
    tab = read_tabulation(shared)
    yb20 = read_yearbook(shared, 2020)
    yb10 = read_yearbook(shared, 2010)
    city = pd.read_csv(shared / SRC_CITY.file, usecols=lambda c: c != "coord")

    match, discrepancies = match_tabulation(tab, yb20)
    nat20 = national_counties_2020(tab, yb20, match)
    nat10 = national_counties_2010(yb10)
    anhui = int(nat20.loc[nat20["province_code"] == PROVINCE_CODE, "population"].sum())
    total = int(nat20["population"].sum())
    log(f"national 2020: {len(nat20)} units, China {total:,}, Anhui {anhui:,}")
    summary, tab_issues = check_tabulation(tab, nat20)
    discrepancies += tab_issues
    discrepancies += _unreadable_2010(yb10)

    rows = census_rows(yb20, yb10, tab, city)
    raw, skipped = raw_rows(shared)
    log(f"reading the city statistical yearbook ({shared / 'city_yearbook'})")
    yb_frames, yb_issues, yb_skipped = build_yearbook(shared, nat20)
    skipped += yb_skipped
    obs, checks, value_issues = finalize(rows + _dedupe_raw(raw))
    city_checks, city_issues = check_city_table(city, yb20, yb10)
    checks += city_checks
    discrepancies += value_issues + city_issues + list(OTHER_DISCREPANCIES) + yb_issues
    obs = order_observations(obs)

    catalog_bytes = csv_bytes(catalog_frame())
    obs_bytes = observations_csv(obs)
    yb_bytes = {name: csv_bytes(frame) for name, frame in yb_frames.items()}
    _validate_outputs(catalog_bytes, obs_bytes, nat20, nat10, yb_bytes)
    log(
        f"city yearbook: {len(yb_frames['city_yearbook.csv'])} rows, "
        f"{yb_frames['city_yearbook_checks.csv']['status'].eq('differ').sum()} of "
        f"{len(yb_frames['city_yearbook_checks.csv'])} cross-checks differ, "
        f"{len(yb_issues)} discrepancies"
    )
    log(
        f"observations: {len(obs)} rows ({int(obs['primary'].sum())} primary); "
        f"{len(skipped)} raw rows skipped; {len(checks)} cross-checks, "
        f"{sum(c['status'] == 'differ' for c in checks)} differ (all explained); "
        f"{len(discrepancies)} discrepancies"
    )
    for col, (n, bad) in summary.items():
        if bad:
            log(f"  tabulation vs yearbook, {col}: {bad} of {n} units differ")

    unit_polygons, prefecture_polygons = boundaries.extract_all(
        shared / "boundaries" / "china_counties_2021_aea.topojson.gz", nat20
    )
    stats_dir = out / "stats"
    files = {
        stats_dir / "observations.csv": obs_bytes,
        stats_dir / "indicators.csv": catalog_bytes,
        stats_dir / "counties_2020.parquet": parquet_bytes(nat20),
        stats_dir / "counties_2010.parquet": parquet_bytes(nat10),
        stats_dir / "crosschecks.csv": csv_bytes(
            pd.DataFrame(checks, columns=list(CROSSCHECK_COLUMNS))
        ),
        stats_dir / "discrepancies.csv": csv_bytes(
            pd.DataFrame(discrepancies, columns=list(DISCREPANCY_COLUMNS))
        ),
        stats_dir / "raw_skipped.csv": csv_bytes(
            pd.DataFrame(skipped, columns=list(SKIPPED_COLUMNS))
        ),
        out / "boundaries" / boundaries.FILE_NAME: unit_polygons,
        out / "boundaries" / boundaries.PREFECTURES_FILE: prefecture_polygons,
    }
    files.update({stats_dir / name: data for name, data in yb_bytes.items()})
    return files


def _unreadable_2010(yb10: Yearbook) -> list[dict]:
    """A discrepancy for every unreadable cell of the 2010 county table."""
    return [
        discrepancy(
            "unreadable",
            region_code=u["code"],
            year=2010,
            source_a=SRC_Y2010.title,
            ref_a=f"{SRC_Y2010.file} row {u['excel_row']} column {u['column']}",
            value_a=u["text"],
            reason="cell holds two numbers run together (digitisation)",
            action="left NaN in counties_2010.parquet (not a Huainan unit)",
        )
        for u in yb10.unreadable
    ]


def _validate_outputs(
    catalog_bytes: bytes,
    obs_bytes: bytes,
    nat20: pd.DataFrame,
    nat10: pd.DataFrame,
    yb_bytes: dict[str, bytes],
) -> None:
    """Validate what will be written, read back exactly as :mod:`huainan.evidence.stats` reads
    it (raises :class:`~huainan.errors.DataValidationError`; nothing is written then)."""
    from huainan.evidence import stats, yearbook

    catalog_text = stats.read_csv_text(catalog_bytes)
    stats.validate_catalog(catalog_text, path="indicators.csv")
    stats.parse_observations(stats.read_csv_text(obs_bytes), catalog_text, path="observations.csv")
    for year, nat in ((2020, nat20), (2010, nat10)):
        stats.validate_national(nat, year, path=f"counties_{year}.parquet")
    yearbook.validate_table(
        stats.read_csv_text(yb_bytes["city_yearbook.csv"]), path="city_yearbook.csv"
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``python -m huainan.evidence.build [--shared PATH] [--out PATH]``."""
    parser = argparse.ArgumentParser(
        prog="python -m huainan.evidence.build", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help="shared data folder (default: <repo>/../shared/data)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="data folder to write (default: <repo>/data or $HUAINAN_DATA_DIR)",
    )
    args = parser.parse_args(argv)
    files = build(args.shared, args.out)
    written = write_files(files)
    for path in sorted(files):
        print(f"{'wrote    ' if path in written else 'unchanged'} {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
