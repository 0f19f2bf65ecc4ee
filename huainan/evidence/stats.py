"""Observed statistics: the long table, the indicator catalogue, national county tables.

Everything here reads ``data/stats/`` (built by ``python -m huainan.evidence.build`` from the
shared census tables and bulletins; ``data/stats/README.md`` and that module describe the sources,
the base populations and the choices made).

The long table (:func:`observations`)
------------------------------------
One row per value: ``region_code`` (6-digit str, a code of ``regions.csv``), ``year`` (int),
``area`` (``total`` | ``urban`` | ``rural``), ``indicator`` (catalogue id), ``unit``, ``value``
(float; NaN only with a ``note`` saying why it is missing), ``source`` (publication title),
``source_ref`` (file and row of the census table, or the URL of the bulletin), ``note`` (how the
value was read or computed, caveats) and ``primary`` (bool).

The key of a row is ``(region_code, year, area, indicator, source)``: two publications may give
the same quantity (the census table and a bulletin), and both are kept so that they can be
compared (``crosschecks.csv``, ``discrepancies.csv``). For every ``(region_code, year, area,
indicator)`` at most one row is ``primary``: the value to use, chosen as census tables first,
then the prefecture census table, then bulletins; rows describing another territory (凤台县's
own bulletin excludes 毛集实验区) are never primary. :func:`observations` returns the primary
rows unless ``all_sources=True``.

Shares are on one scale: percent, 0–100 (unit ``%``); the census fractions (0–1) of the county
tabulation were multiplied by 100 when the table was built.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from huainan.errors import DataValidationError
from huainan.evidence.catalog import CONTEXT_DOMAIN
from huainan.paths import data_dir
from huainan.plan.domains import DOMAIN_IDS
from huainan.plan.regions import regions
from huainan.text import NameIndex

OBS_COLUMNS = (
    "region_code",
    "year",
    "area",
    "indicator",
    "unit",
    "value",
    "source",
    "source_ref",
    "note",
    "primary",
)
#: The key of a row of the long table (see the module docstring).
KEY = ("region_code", "year", "area", "indicator", "source")
AREAS = ("total", "urban", "rural")
#: Years accepted: the 2010 census is the earliest figure kept, 2025 the plan's last year.
YEAR_RANGE = (2010, 2025)
DIRECTIONS = ("higher_better", "lower_better", "neutral")
KINDS = ("count", "share", "level")
CATALOG_COLUMNS = (
    "id",
    "name_zh",
    "name_en",
    "unit",
    "domain",
    "direction",
    "kind",
    "max_value",
    "definition",
    "source",
    "national_column",
    "aliases",
)
#: First columns of the national county tables (the measure columns follow).
NATIONAL_ID_COLUMNS = (
    "code",
    "name",
    "province_code",
    "province_name",
    "prefecture_code",
    "prefecture_name",
    "unit_kind",
    "province_administered",
    "yearbook_row",
)
UNIT_KINDS = ("district", "county", "county_level_city", "functional_zone", "prefecture_city")
#: Census years with a national county table and census denominators.
CENSUS_YEARS = (2010, 2020)


def stats_dir() -> Path:
    """Return ``<data>/stats`` (honours ``$HUAINAN_DATA_DIR``)."""
    return data_dir() / "stats"


def _mtime_key(path: Path) -> tuple[str, int]:
    return str(path), os.stat(path).st_mtime_ns


# --------------------------------------------------------------------------------------------
# Catalogue
# --------------------------------------------------------------------------------------------


def validate_catalog(df: pd.DataFrame, *, path: str | os.PathLike = "indicators.csv") -> None:
    """Check an indicator catalogue frame (as read from CSV, all columns str).

    Raises
    ------
    DataValidationError
        Naming the file, line and column: missing column, empty or duplicate ``id``, id not
        snake_case, unknown ``domain`` (the nine domains or ``context``), ``direction`` or
        ``kind``, empty ``unit``, or a share whose ``max_value`` is not 100.
    """
    for col in CATALOG_COLUMNS:
        if col not in df.columns:
            raise DataValidationError("missing column", path=path, column=col)
    domains = (*DOMAIN_IDS, CONTEXT_DOMAIN)
    seen: set[str] = set()
    for i, r in enumerate(df.itertuples(index=False)):
        line = i + 2
        ident = str(r.id)
        if not re.fullmatch(r"[a-z][a-z0-9_]*", ident):
            raise DataValidationError(
                "id must be snake_case", path=path, row=line, column="id", value=r.id
            )
        if ident in seen:
            raise DataValidationError("duplicate id", path=path, row=line, column="id", value=r.id)
        seen.add(ident)
        for col, allowed in (("domain", domains), ("direction", DIRECTIONS), ("kind", KINDS)):
            if str(getattr(r, col)) not in allowed:
                raise DataValidationError(
                    f"must be one of {', '.join(allowed)}",
                    path=path,
                    row=line,
                    column=col,
                    value=getattr(r, col),
                )
        if not str(r.unit).strip():
            raise DataValidationError("empty unit", path=path, row=line, column="unit")
        if r.kind == "share" and (str(r.unit) != "%" or _num(r.max_value) != 100):
            raise DataValidationError(
                "a share has unit % and max_value 100",
                path=path,
                row=line,
                column="max_value",
                value=r.max_value,
            )


def _num(text: object) -> float:
    try:
        return float(text)  # type: ignore[arg-type]  # any cell; failures become NaN
    except (TypeError, ValueError):
        return float("nan")


@lru_cache(maxsize=4)
def _catalog(key: tuple[str, int]) -> pd.DataFrame:
    path = key[0]
    df = read_csv_text(path)
    validate_catalog(df, path=path)
    df["max_value"] = pd.to_numeric(df["max_value"].replace("", np.nan)).astype("float64")
    return df


def indicator_catalog() -> pd.DataFrame:
    """Return the indicator catalogue (``data/stats/indicators.csv``).

    Returns
    -------
    pandas.DataFrame
        One row per indicator: ``id`` (snake_case), ``name_zh``, ``name_en``, ``unit`` (as
        printed: 人, 户, %, 年 …), ``domain`` (one of the nine plan domains, or ``context`` for
        the denominators population/households/base populations), ``direction``
        (``higher_better`` | ``lower_better`` | ``neutral``), ``kind`` (``count`` — may be summed
        over units; ``share`` — percent 0–100 of a base; ``level`` — averages, rates, ratios),
        ``max_value`` (float64, 100 for shares, NaN otherwise), ``definition`` (incl. the base
        population), ``source``, ``national_column`` (column(s) of :func:`national_counties`,
        empty for bulletin-only indicators) and ``aliases`` (``;``-separated Chinese names).
        All text columns are str.

    Raises
    ------
    DataValidationError
        If the file breaks :func:`validate_catalog`.

    Examples
    --------
    >>> cat = indicator_catalog().set_index("id")
    >>> cat.loc["illiteracy_rate", ["unit", "domain", "direction"]].tolist()
    ['%', 'education', 'lower_better']
    >>> cat.loc["population", "domain"], cat.loc["share_hh_tap_water", "kind"]
    ('context', 'share')
    """
    return _catalog(_mtime_key(stats_dir() / "indicators.csv")).copy()


def resolve_indicator(name_or_id: str) -> pd.Series:
    """Find the catalogue row for an indicator id or a Chinese name.

    Matching: the rule of :class:`huainan.text.NameIndex` (shared with ingest): the ``id``,
    ``name_zh`` or one of the ``aliases`` compared by :func:`huainan.text.match_key` (NFKC,
    full-width brackets and digits, spaces, dashes); then the text without a trailing part in
    brackets (``常住人口（人）`` → ``常住人口``).
    Brackets that are part of a catalogue name are kept (``文盲率（占15岁及以上人口）`` is
    ``illiteracy_rate``, ``文盲率`` the bulletins' ``illiteracy_rate_total_pop``).

    Parameters
    ----------
    name_or_id : str
        ``"urbanization_rate"``, ``"城镇化率"``, ``"常住人口（人）"`` …

    Returns
    -------
    pandas.Series
        The catalogue row (index = the columns of :func:`indicator_catalog`).

    Raises
    ------
    KeyError
        If nothing matches; the message lists the closest names.

    Examples
    --------
    >>> resolve_indicator("城镇化率")["id"]
    'urbanization_rate'
    >>> resolve_indicator("６０岁及以上人口比重（%）")["id"]
    'share_age_60plus'
    >>> resolve_indicator("pop_age_0_4")["name_zh"]
    '0-4岁人口（不满5周岁）'
    """
    cat = indicator_catalog()
    ids, _ = _name_index(_mtime_key(stats_dir() / "indicators.csv")).lookup(str(name_or_id))
    if ids:  # a name two catalogue rows share: the first row (catalogue order) wins
        return cat.set_index("id", drop=False).loc[ids[0]]
    close = _name_index(_mtime_key(stats_dir() / "indicators.csv")).closest(str(name_or_id), 5)
    raise KeyError(f"unknown indicator {name_or_id!r}; closest: {', '.join(close) or 'none'}")


@lru_cache(maxsize=4)
def _name_index(key) -> NameIndex:
    """The catalogue's names, aliases and ids in one :class:`huainan.text.NameIndex`."""
    cat = indicator_catalog()
    pairs = []
    for r in cat.itertuples(index=False):
        for n in [r.id, r.name_zh, *[a for a in str(r.aliases).split(";") if a]]:
            pairs.append((n, r.id))
    return NameIndex(pairs)


# --------------------------------------------------------------------------------------------
# Observations
# --------------------------------------------------------------------------------------------


def parse_observations(
    text: pd.DataFrame, catalog: pd.DataFrame, *, path: str | os.PathLike = "observations.csv"
) -> pd.DataFrame:
    """Validate the long table as read from CSV (all cells str) and return it typed.

    Checks, row by row: every column present; ``region_code`` a code of ``regions.csv``;
    ``year`` an integer in :data:`YEAR_RANGE`; ``area`` in :data:`AREAS`; ``indicator`` in the
    catalogue and ``unit`` equal to its catalogue unit; ``value`` a number ≥ 0 and ≤
    ``max_value`` (100 for shares), or empty with a ``note``; ``source`` and ``source_ref``
    non-empty; ``primary`` ``true``/``false``. Then: no duplicate :data:`KEY`, at most one
    primary row per (region_code, year, area, indicator).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`OBS_COLUMNS`: region_code/area/indicator/unit/source/source_ref/note str,
        year int64, value float64, primary bool.

    Raises
    ------
    DataValidationError
        For the first bad cell, naming the file, the line (header = line 1) and the column.
    """
    for col in OBS_COLUMNS:
        if col not in text.columns:
            raise DataValidationError("missing column", path=path, column=col)
    known = set(regions()["code"])
    units = dict(zip(catalog["id"], catalog["unit"], strict=True))
    maxima = dict(zip(catalog["id"], catalog["max_value"].map(_num), strict=True))
    years = np.empty(len(text), dtype="int64")
    values = np.empty(len(text), dtype="float64")
    primary = np.empty(len(text), dtype=bool)
    for i, r in enumerate(text[list(OBS_COLUMNS)].itertuples(index=False)):
        line = i + 2

        def bad(col: str, why: str, value: object, line: int = line) -> DataValidationError:
            return DataValidationError(why, path=path, row=line, column=col, value=value)

        if r.region_code not in known:
            raise bad("region_code", "unknown region code (not in regions.csv)", r.region_code)
        if not re.fullmatch(r"\d{4}", str(r.year)) or not (
            YEAR_RANGE[0] <= int(r.year) <= YEAR_RANGE[1]
        ):
            raise bad("year", f"year must be an integer in {YEAR_RANGE[0]}–{YEAR_RANGE[1]}", r.year)
        years[i] = int(r.year)
        if r.area not in AREAS:
            raise bad("area", f"area must be one of {', '.join(AREAS)}", r.area)
        if r.indicator not in units:
            raise bad("indicator", "indicator not in the catalogue (indicators.csv)", r.indicator)
        if r.unit != units[r.indicator]:
            raise bad("unit", f"unit of {r.indicator} is {units[r.indicator]!r}", r.unit)
        values[i] = _observed_value(r.value, r.note, r.indicator, maxima[r.indicator], bad)
        for col in ("source", "source_ref"):
            if not str(getattr(r, col)).strip():
                raise bad(col, f"empty {col}", getattr(r, col))
        if r.primary not in ("true", "false"):
            raise bad("primary", "must be true or false", r.primary)
        primary[i] = r.primary == "true"
    df = pd.DataFrame(
        {
            "region_code": text["region_code"].astype(str).to_numpy(),
            "year": years,
            "area": text["area"].astype(str).to_numpy(),
            "indicator": text["indicator"].astype(str).to_numpy(),
            "unit": text["unit"].astype(str).to_numpy(),
            "value": values,
            "source": text["source"].astype(str).to_numpy(),
            "source_ref": text["source_ref"].astype(str).to_numpy(),
            "note": text["note"].astype(str).to_numpy(),
            "primary": primary,
        }
    )
    _check_keys(df, path=path)
    return df


def _observed_value(
    value: str,
    note: str,
    indicator: str,
    top: float,
    bad: Callable[[str, str, object], DataValidationError],
) -> float:
    """The ``value`` cell of an observation: a number ≥ 0 and ≤ ``top`` (the indicator's
    ``max_value``; NaN = none), or NaN when empty with a ``note``; ``bad`` makes the error."""
    if str(value).strip() == "":
        if not str(note).strip():
            raise bad("value", "empty value without a note saying why", value)
        return np.nan
    try:
        v = float(value)
    except ValueError:
        raise bad("value", "not a number", value) from None
    if not np.isfinite(v) or v < 0:
        raise bad("value", "must be a finite number ≥ 0", value)
    if np.isfinite(top) and v > top:
        raise bad("value", f"{indicator} is a share: must be within 0–{top:g}", value)
    return v


def _check_keys(df: pd.DataFrame, *, path: str | os.PathLike) -> None:
    """No duplicate :data:`KEY` and at most one primary row per (region_code, year, area,
    indicator); the error names the line of the second row."""
    dup = df.duplicated(list(KEY), keep="first")
    if dup.any():
        line = int(np.flatnonzero(dup.to_numpy())[0]) + 2
        raise DataValidationError(
            "duplicate key (region_code, year, area, indicator, source)",
            path=path,
            row=line,
            column="source",
            value=df.loc[dup.idxmax(), "source"],
        )
    key4 = ["region_code", "year", "area", "indicator"]
    two = df[df["primary"]].duplicated(key4, keep="first")
    if two.any():
        line = int(two[two].index[0]) + 2
        raise DataValidationError(
            "a second primary row for the same region, year, area and indicator",
            path=path,
            row=line,
            column="primary",
            value="true",
        )


@lru_cache(maxsize=4)
def _observations(key: tuple[str, int], cat_key: tuple[str, int]) -> pd.DataFrame:
    text = read_csv_text(key[0])
    return parse_observations(text, _catalog(cat_key), path=key[0])


def observations(*, all_sources: bool = False) -> pd.DataFrame:
    """Return the observed statistics for the seven units, the city, Anhui and China.

    Parameters
    ----------
    all_sources : bool, default False
        False: the primary row of every (region_code, year, area, indicator), i.e. the value to
        use. True: every source's row, including bulletin values that repeat or contradict the
        census and values for a different territory (``primary`` False; see ``note``).

    Returns
    -------
    pandas.DataFrame
        Columns ``region_code`` (str), ``year`` (int64), ``area`` (str), ``indicator`` (str),
        ``unit`` (str), ``value`` (float64, NaN = not published, ``note`` says why),
        ``source`` (str, publication title), ``source_ref`` (str, file and row, or URL),
        ``note`` (str), ``primary`` (bool). Sorted by region (regions.csv order), catalogue
        order, year, area.

    Raises
    ------
    DataValidationError
        If ``data/stats/observations.csv`` is malformed (file, line and column named).

    Examples
    --------
    >>> obs = observations()
    >>> pop = obs[(obs.indicator == "population") & (obs.year == 2020) & (obs.area == "total")]
    >>> int(pop.loc[pop.region_code.str.match(r"3404(0[2-6]|2[12])"), "value"].sum())
    3033528
    """
    d = stats_dir()
    df = _observations(_mtime_key(d / "observations.csv"), _mtime_key(d / "indicators.csv"))
    if not all_sources:
        df = df[df["primary"]].reset_index(drop=True)
    return df.copy()


def value(indicator: str, region_code: str, year: int = 2020, area: str = "total") -> float:
    """Return the primary value of one indicator for one region and year.

    Parameters
    ----------
    indicator : str
        Catalogue id (or a name :func:`resolve_indicator` knows).
    region_code : str
        A code of ``regions.csv``.
    year : int, default 2020
    area : {"total", "urban", "rural"}

    Returns
    -------
    float
        The value in the catalogue unit; NaN if the census does not publish it for this
        region (the row's ``note`` says why).

    Raises
    ------
    KeyError
        If there is no primary row for this combination.

    Examples
    --------
    >>> value("population", "340400")
    3033528.0
    >>> value("population", "340421", 2020, "urban")
    237410.0
    """
    ind = resolve_indicator(indicator)["id"]
    obs = observations()
    hit = obs[
        (obs["indicator"] == ind)
        & (obs["region_code"] == str(region_code))
        & (obs["year"] == int(year))
        & (obs["area"] == area)
    ]
    if hit.empty:
        raise KeyError(f"no observation of {ind} for {region_code}, {year}, {area}")
    return float(hit["value"].iloc[0])


# --------------------------------------------------------------------------------------------
# National county tables
# --------------------------------------------------------------------------------------------


def validate_national(
    df: pd.DataFrame, year: int, *, path: str | os.PathLike = "counties.parquet"
) -> None:
    """Check a national county table: identity columns first, unique 6-digit codes, known unit
    kinds, and every measure column listed in the catalogue's ``national_column``.

    Raises
    ------
    DataValidationError
        Naming the file, the row (1-based) and the column.
    """
    for col in NATIONAL_ID_COLUMNS:
        if col not in df.columns:
            raise DataValidationError("missing column", path=path, column=col)
    codes = df["code"].astype(str)
    bad = ~codes.str.fullmatch(r"\d{6}")
    if bad.any():
        raise DataValidationError(
            "code must be 6 digits",
            path=path,
            row=int(np.flatnonzero(bad.to_numpy())[0]) + 1,
            column="code",
            value=codes[bad].iloc[0],
        )
    dup = codes.duplicated()
    if dup.any():
        raise DataValidationError(
            "duplicate code",
            path=path,
            row=int(np.flatnonzero(dup.to_numpy())[0]) + 1,
            column="code",
            value=codes[dup].iloc[0],
        )
    kinds = ~df["unit_kind"].isin(UNIT_KINDS)
    if kinds.any():
        raise DataValidationError(
            f"unit_kind must be one of {', '.join(UNIT_KINDS)}",
            path=path,
            row=int(np.flatnonzero(kinds.to_numpy())[0]) + 1,
            column="unit_kind",
            value=df.loc[kinds, "unit_kind"].iloc[0],
        )
    shares = [c for c in df.columns if c.startswith("share_")]
    for col in shares:
        out = df[col].notna() & ~df[col].between(0, 100)
        if out.any():
            raise DataValidationError(
                "share outside 0–100",
                path=path,
                row=int(np.flatnonzero(out.to_numpy())[0]) + 1,
                column=col,
                value=df.loc[out, col].iloc[0],
            )


@lru_cache(maxsize=4)
def _national(key: tuple[str, int], year: int) -> pd.DataFrame:
    df = pd.read_parquet(key[0])
    validate_national(df, year, path=key[0])
    return df


def national_counties(year: int = 2020) -> pd.DataFrame:
    """Return the national county table of a census year (wide: one row per unit).

    Parameters
    ----------
    year : {2020, 2010}
        2020: the 2,990 county-level units of the 2020 county tabulation (code GB/T 2260, plus
        codes ending 71–79 for development zones and other functional areas). 2010: the 2,861
        coded county-level units of the 2010 yearbook table, with 2010 codes (寿县 = 341521 in
        六安市). The 2010 table lists 10 units without a code (大兴安岭's 加格达奇, 松岭区, 新林区,
        呼中区; 平桂管理区; 西沙群岛; Qinghai's 芒崖, 柴旦 and 冷湖行委: 723,407 people), left out.

    Returns
    -------
    pandas.DataFrame
        Identity columns (str unless said): ``code``, ``name`` (the yearbook's name; typos of
        the tabulation corrected, see ``discrepancies.csv``), ``province_code``,
        ``province_name``, ``prefecture_code``, ``prefecture_name`` (municipalities' units
        belong to the municipality, e.g. ``110000``; province-administered units ``xx90xx``
        such as 济源市 or 仙桃市 are their own prefecture-level group, as in the yearbook's 市
        column; development zones ``xxxx7x`` belong to ``code[:4] + "00"``), ``unit_kind``
        (``district`` | ``county`` | ``county_level_city`` | ``functional_zone`` |
        ``prefecture_city``), ``province_administered`` (bool), ``yearbook_row`` (Int64, row of
        the census yearbook table, <NA> if the unit is not in it — only 金门县 in 2020).
        Then one column per census measure, named in the catalogue's ``national_column``
        (e.g. ``population``, ``population_urban``, ``share_age_60plus``): counts as Int64,
        everything else float64; shares in percent (0–100). ``employment_ratio`` 2020 comes
        from the tabulation; every other 2020 value from the yearbook counts (the tabulation's
        values are a cross-check, see ``crosschecks``/``discrepancies``).

    Raises
    ------
    ValueError
        If ``year`` is not a census year with a table.
    DataValidationError
        If the Parquet file is malformed.

    Examples
    --------
    >>> nc = national_counties()
    >>> len(nc), int(nc.loc[nc.province_code == "340000", "population"].sum())
    (2990, 61027171)
    >>> nc.loc[nc.code == "340422", ["prefecture_name", "unit_kind"]].values.tolist()
    [['淮南市', 'county']]
    """
    if year not in CENSUS_YEARS:
        raise ValueError(f"no national county table for {year}; census years: {CENSUS_YEARS}")
    return _national(_mtime_key(stats_dir() / f"counties_{year}.parquet"), year).copy()


# --------------------------------------------------------------------------------------------
# Per-capita normalisation
# --------------------------------------------------------------------------------------------

#: Denominators of the per-capita helpers: catalogue id → national table column.
DENOMINATORS = {
    "population": "population",
    "pop_age_60plus": "pop_age_60plus",
    "households_family": "households_family",
    "pop_age_0_4": "pop_age_0_4",
    "pop_age_65plus": "pop_age_65plus",
    "pop_age_0_14": "pop_age_0_14",
}


def census_denominators(denominator: str = "population", year: int = 2020) -> pd.Series:
    """Return a census denominator for every region the workbook knows.

    The seven units, the city, Anhui and China come from :func:`observations` (primary rows;
    the city's 2010 value is on 2020 boundaries); every other county-level code from
    :func:`national_counties`.

    Returns
    -------
    pandas.Series
        Index region code (str) → float64 count.

    Examples
    --------
    >>> d = census_denominators("households_family")
    >>> int(d["340400"]), int(d["340402"])
    (1137336, 61734)
    """
    if denominator not in DENOMINATORS:
        raise ValueError(f"unknown denominator {denominator!r}; one of {sorted(DENOMINATORS)}")
    if year not in CENSUS_YEARS:
        raise ValueError(f"census denominators exist for {CENSUS_YEARS}, not {year}")
    nat = national_counties(year).set_index("code")[DENOMINATORS[denominator]]
    obs = observations()
    own = obs[
        (obs["indicator"] == denominator) & (obs["year"] == year) & (obs["area"] == "total")
    ].set_index("region_code")["value"]
    out = nat.astype("float64")
    out = pd.concat([out[~out.index.isin(own.index)], own.astype("float64")])
    out.name = denominator
    return out


def per_capita(
    values: pd.DataFrame,
    *,
    denominator: str = "population",
    per: float = 1000,
    year: int = 2020,
    value: str = "value",
    region: str = "region_code",
) -> pd.DataFrame:
    """Divide supply values by a census denominator: ``rate = value / denominator × per``.

    Parameters
    ----------
    values : pandas.DataFrame
        One row per region (and any other columns, e.g. year, indicator): ``region`` (str code)
        and ``value`` (numeric: nursery places, beds, m² …).
    denominator : str, default "population"
        ``population`` (residents), ``pop_age_60plus``, ``households_family``, ``pop_age_0_4``,
        ``pop_age_65plus`` or ``pop_age_0_14`` — census counts of ``year``.
    per : float, default 1000
        Scale: 1000 for "per 1,000 residents", 100 for "per 100 households".
    year : {2020, 2010}, default 2020
        The census year of the denominator, whatever the year of the values (supply in 2023
        divided by the 2020 census population: say so when you report it).

    Returns
    -------
    pandas.DataFrame
        A copy of ``values`` with ``denominator`` (float64), ``denominator_indicator`` (str),
        ``denominator_year`` (int64) and ``rate`` (float64; NaN where ``value`` is NaN).

    Raises
    ------
    DataValidationError
        If a column is missing or a region has no census denominator (the message lists them).

    Examples
    --------
    >>> supply = pd.DataFrame({"region_code": ["340402", "340400"], "value": [500.0, 9100.0]})
    >>> out = per_capita(supply)
    >>> out["rate"].round(3).tolist()  # 500 / 165,671 × 1000; 9,100 / 3,033,528 × 1000
    [3.018, 3.0]
    """
    for col in (region, value):
        if col not in values.columns:
            raise DataValidationError("missing column", path="values", column=col)
    den = census_denominators(denominator, year)
    codes = values[region].astype(str)
    d = codes.map(den)
    missing = sorted(set(codes[d.isna()]))
    if missing:
        raise DataValidationError(
            f"no {year} census {denominator} for regions {missing}", path="values", column=region
        )
    out = values.copy()
    out["denominator"] = d.astype("float64").to_numpy()
    out["denominator_indicator"] = denominator
    out["denominator_year"] = np.int64(year)
    out["rate"] = (
        pd.to_numeric(out[value], errors="raise").astype("float64") / out["denominator"] * per
    )
    return out


def per_1000_residents(values: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """``value`` per 1,000 residents (census population; see :func:`per_capita`).

    Examples
    --------
    >>> beds = pd.DataFrame({"region_code": ["340422"], "value": [838.507]})
    >>> per_1000_residents(beds)["rate"].round(6).tolist()  # 838.507 / 838,507 × 1000
    [1.0]
    """
    return per_capita(values, denominator="population", per=1000, **kwargs)


def per_1000_aged_60plus(values: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """``value`` per 1,000 people aged 60+ (census; see :func:`per_capita`).

    Examples
    --------
    >>> beds = pd.DataFrame({"region_code": ["340402"], "value": [364.41]})
    >>> per_1000_aged_60plus(beds)["rate"].round(6).tolist()  # 364.41 / 36,441 × 1000
    [10.0]
    """
    return per_capita(values, denominator="pop_age_60plus", per=1000, **kwargs)


def per_100_households(values: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """``value`` per 100 family households (census; see :func:`per_capita`).

    Examples
    --------
    >>> space = pd.DataFrame({"region_code": ["340402"], "value": [18520.2]})
    >>> per_100_households(space)["rate"].round(6).tolist()  # 18,520.2 / 61,734 × 100
    [30.0]
    """
    return per_capita(values, denominator="households_family", per=100, **kwargs)


def read_csv_text(data: bytes | str | os.PathLike) -> pd.DataFrame:
    """Read a UTF-8 CSV (bytes or a path) with every cell as str and no NA guessing.

    This is how the validators expect their input (an empty cell stays ``""``).
    """
    src = io.BytesIO(data) if isinstance(data, bytes) else data
    return pd.read_csv(src, dtype=str, keep_default_na=False, encoding="utf-8")
