"""Huainan's census observations: the long table's rows read from the census county tables.

For the seven county-level units, the city, Anhui and China, every census measure of
:data:`huainan.evidence.census_measures.MEASURES` is read from the 2020 and 2010 yearbook county
tables (or, for the 2020 employment ratio, the county tabulation), with the city on its 2020
boundaries (寿县 included) and China as sums of published counts. Each row keeps its source, the exact rows it was
read from, and how it was computed. Called by :func:`huainan.evidence.build.build`; the bulletin
rows are mapped by :mod:`huainan.evidence.bulletin_rows`, cross-checked by
:mod:`huainan.evidence.crosschecks`.
"""

from __future__ import annotations

import math

import pandas as pd

from huainan.errors import DataValidationError
from huainan.evidence.catalog import INDICATORS_BY_ID
from huainan.evidence.census import SRC_CITY, SRC_T2020, Y2010_SHEET, Y2020_SHEET, Source, Yearbook
from huainan.evidence.census_measures import MEASURES, Col, Ratio, Recipe, Sum, Tud, evaluate
from huainan.plan.regions import CITY_CODE, COUNTRY_CODE, PROVINCE_CODE, UNIT_CODES

#: What the census tables' unit covers (from the city's census bulletin No. 2 and the county
#: bulletin of 凤台县), added to the note of every census row of the unit.
REGION_SCOPE = {
    "340402": "includes 淮南经济技术开发区",
    "340403": "includes 安徽淮南高新技术产业开发区",
    "340421": "凤台县 INCLUDING 毛集实验区 (as in all census tables and the city bulletin)",
}

#: Ranks of the sources in the choice of a key's primary row (lower wins; each raw file adds one).
_RANK_CENSUS, _RANK_CITY_TABLE, _RANK_RAW = 0, 1, 2


def _obs(
    region: str,
    year: int,
    area: str,
    indicator: str,
    value: float,
    source: Source | str,
    ref: str,
    note: str,
    rank: int,
    *,
    primary_ok: bool = True,
    precision: float = 0.0,
) -> dict:
    title = source.title if isinstance(source, Source) else source
    return {
        "region_code": region,
        "year": int(year),
        "area": area,
        "indicator": indicator,
        "unit": INDICATORS_BY_ID[indicator].unit,
        "value": float(value),
        "source": title,
        "source_ref": ref,
        "note": note,
        "_rank": rank,
        "_primary_ok": primary_ok,
        "_precision": precision,
    }


def _precision(recipe: Recipe, indicator: str) -> float:
    """Half a unit of the last printed digit of a census value (0 for exact counts and for
    ratios computed from counts): averages and percentages are printed with two decimals, the
    tabulation's fractions with four (= two decimals of a percentage)."""
    if isinstance(recipe, Col | Tud) and INDICATORS_BY_ID[indicator].kind != "count":
        return 0.005
    return 0.0


def _round(recipe: Recipe, value: float) -> float:
    if isinstance(recipe, Sum):
        return float(round(value))
    if isinstance(recipe, Ratio | Tud):
        return round(value, 6)
    return value


def _yb_ref(yb: Yearbook, excel_row: int | list[int]) -> str:
    sheet = Y2020_SHEET if yb.year == 2020 else Y2010_SHEET
    rows = excel_row if isinstance(excel_row, list) else [excel_row]
    where = "rows " + " + ".join(str(r) for r in rows) if len(rows) > 1 else f"row {rows[0]}"
    return f"{yb.source.file} (sheet {sheet}, {where}); {yb.source.url}"


def _scope(region: str) -> str:
    return f"; {REGION_SCOPE[region]}" if region in REGION_SCOPE else ""


def _yearbook_row(yb: Yearbook, code: str) -> pd.DataFrame:
    f = yb.frame
    hit = f[f["code"] == code]
    if len(hit) != 1:
        raise DataValidationError(
            f"expected one row with code {code}, found {len(hit)}",
            path=yb.source.file,
            column="区划代码",
        )
    return hit


def census_rows(
    yb20: Yearbook, yb10: Yearbook, tab: pd.DataFrame, city: pd.DataFrame
) -> list[dict]:
    """Census observations for the seven units, the city, Anhui and China (2020 and 2010)."""
    rows: list[dict] = []
    f20 = yb20.frame
    national = f20[(f20["name"] == "全国") & (f20["province_name"] == "全国")]
    targets20 = [(c, _yearbook_row(yb20, c)) for c in (*UNIT_CODES, CITY_CODE, PROVINCE_CODE)]
    targets20.append((COUNTRY_CODE, national))
    tab_by_code = tab.set_index("CODE")
    for region, row in targets20:
        excel_row = int(row["excel_row"].iloc[0])
        for m in MEASURES:
            recipe = m.recipes.get(2020)
            if recipe is None:
                continue
            if isinstance(recipe, Tud):
                ref = (
                    f"{SRC_T2020.file.format(file=recipe.file)} (CODE {region}, column "
                    f"{recipe.col}); {SRC_T2020.url}"
                )
                if region in UNIT_CODES:
                    value = round(float(tab_by_code.at[region, recipe.col]) * recipe.scale, 6)
                    note = recipe.describe(yb20.names) + _scope(region)
                else:
                    value = math.nan
                    ref = (
                        f"{SRC_T2020.file.format(file=recipe.file)} (county-level units "
                        f"only); {SRC_T2020.url}"
                    )
                    note = (
                        "MISSING: published for county-level units only; the 2020 yearbook "
                        "table has no 16+ sample count to compute it, and a share is not "
                        "computed from county values"
                    )
                rows.append(
                    _obs(
                        region,
                        2020,
                        m.area,
                        m.indicator,
                        value,
                        SRC_T2020,
                        ref,
                        note,
                        _RANK_CENSUS,
                        precision=_precision(recipe, m.indicator),
                    )
                )
                continue
            value = _round(recipe, float(evaluate(recipe, row).iloc[0]))
            rows.append(
                _obs(
                    region,
                    2020,
                    m.area,
                    m.indicator,
                    value,
                    yb20.source,
                    _yb_ref(yb20, excel_row),
                    recipe.describe(yb20.names) + _scope(region),
                    _RANK_CENSUS,
                    precision=_precision(recipe, m.indicator),
                )
            )
    rows.extend(_census_rows_2010(yb10, city))
    return rows


#: The city's 2010 values on 2020 boundaries published in the prefecture table
#: (``census_city_2010_2020.csv``): (indicator, area) → its column.
_CITY_PUBLISHED_2010 = {
    ("population", "total"): "popu_2010",
    ("population", "urban"): "popu_urban_2010",
    ("population", "rural"): "popu_rural_2010",
    ("share_age_0_14", "total"): "age_0_14_2010",
    ("share_age_15_59", "total"): "age_15_59_2010",
    ("share_age_60plus", "total"): "age_60_2010",
    ("share_age_65plus", "total"): "age_65_2010",
}


def _census_rows_2010(yb10: Yearbook, city: pd.DataFrame) -> list[dict]:
    """The 2010 census rows: the units, 寿县 and Anhui as printed in the 2010 county table; the
    city on 2020 boundaries and China as sums of published rows (counts only)."""
    shou = _yearbook_row(yb10, "341521")
    old_city = _yearbook_row(yb10, CITY_CODE)
    provinces = _province_rows_2010(yb10)
    singles = [(c, _yearbook_row(yb10, c), "") for c in UNIT_CODES[:-1]]
    singles.append(
        (
            "340422",
            shou,
            "; the 2010 table lists 寿县 under 六安市 (code 341521); it moved to 淮南市 in 2015",
        )
    )
    singles.append((PROVINCE_CODE, _yearbook_row(yb10, PROVINCE_CODE), ""))
    rows: list[dict] = []
    for region, row, extra in singles:
        rows.extend(_single_rows_2010(yb10, region, row, extra))
    # the city on 2020 boundaries and China: counts only, as sums of published rows
    city_2010 = city.set_index("city_code").loc[int(CITY_CODE)]
    city_how = (
        f"sum of the 2010 rows 淮南市 (340400, 2010 boundaries, row "
        f"{int(old_city['excel_row'].iloc[0])}) and 寿县 (341521, then in 六安市, row "
        f"{int(shou['excel_row'].iloc[0])}): the city on its 2020 boundaries"
    )
    city_parts = pd.concat([old_city, shou])
    city_ref = _yb_ref(yb10, [int(r) for r in city_parts["excel_row"]])
    rows.extend(_summed_rows_2010(yb10, CITY_CODE, city_parts, city_ref, city_how, city_2010))
    country_how = (
        "sum of the 31 province rows (the 2010 table has no national row); 31 provinces, "
        "without 现役军人"
    )
    country_ref = (
        f"{yb10.source.file} (sheet {Y2010_SHEET}, the 31 rows with codes xx0000); "
        f"{yb10.source.url}"
    )
    rows.extend(_summed_rows_2010(yb10, COUNTRY_CODE, provinces, country_ref, country_how, None))
    return rows


def _province_rows_2010(yb10: Yearbook) -> pd.DataFrame:
    """The 31 province rows of the 2010 county table (codes ``xx0000``)."""
    f = yb10.frame
    provinces = f[f["code"].notna() & f["code"].str.fullmatch(r"\d{2}0000")]
    if len(provinces) != 31:
        raise DataValidationError(
            f"expected 31 province rows, found {len(provinces)}",
            path=yb10.source.file,
            column="区划代码",
        )
    return provinces


def _single_rows_2010(yb10: Yearbook, region: str, row: pd.DataFrame, extra: str) -> list[dict]:
    """Every 2010 measure of one region printed as one row of the 2010 county table."""
    rows: list[dict] = []
    excel_row = int(row["excel_row"].iloc[0])
    for m in MEASURES:
        recipe = m.recipes.get(2010)
        if recipe is None:
            continue
        value = _round(recipe, float(evaluate(recipe, row).iloc[0]))
        rows.append(
            _obs(
                region,
                2010,
                m.area,
                m.indicator,
                value,
                yb10.source,
                _yb_ref(yb10, excel_row),
                recipe.describe(yb10.names) + _scope(region) + extra,
                _RANK_CENSUS,
                precision=_precision(recipe, m.indicator),
            )
        )
    return rows


def _summed_rows_2010(
    yb10: Yearbook,
    region: str,
    parts: pd.DataFrame,
    ref: str,
    how: str,
    city_2010: pd.Series | None,
) -> list[dict]:
    """Every 2010 measure of a territory the 2010 table has no row for (the city on 2020
    boundaries, China): the city's published values where the prefecture table has them
    (``city_2010``), counts summed over ``parts``, and shares/averages left missing."""
    rows: list[dict] = []
    for m in MEASURES:
        recipe = m.recipes.get(2010)
        if recipe is None:
            continue
        pub = _CITY_PUBLISHED_2010.get((m.indicator, m.area))
        if city_2010 is not None and pub is not None:
            rows.append(
                _obs(
                    region,
                    2010,
                    m.area,
                    m.indicator,
                    float(city_2010[pub]),
                    SRC_CITY,
                    f"{SRC_CITY.file} (city_code 340400, column {pub}); {SRC_CITY.url}",
                    "as published, 2020 boundaries (寿县 included)",
                    _RANK_CITY_TABLE,
                    precision=0.0 if m.indicator == "population" else 0.005,
                )
            )
        elif INDICATORS_BY_ID[m.indicator].kind == "count" and isinstance(recipe, Col | Sum):
            value = _round(Sum(recipe.cols()), float(evaluate(recipe, parts).sum()))
            rows.append(
                _obs(
                    region,
                    2010,
                    m.area,
                    m.indicator,
                    value,
                    yb10.source,
                    ref,
                    recipe.describe(yb10.names) + "; " + how,
                    _RANK_CENSUS,
                )
            )
        else:
            rows.append(
                _obs(
                    region,
                    2010,
                    m.area,
                    m.indicator,
                    math.nan,
                    yb10.source,
                    ref,
                    "MISSING: not published for this territory in 2010 "
                    + ("(寿县 was then in 六安市)" if region == CITY_CODE else "(no national row)")
                    + "; shares and averages are not computed from the parts",
                    _RANK_CENSUS,
                )
            )
    return rows
