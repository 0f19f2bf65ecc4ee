"""The census county tables: reading them, the national county tables, their cross-check.

Two digitisations of the census are read (see ``<shared>/README.md``):

* the 2020 county tabulation, 中国人口普查分县资料2020 (NBS, China Statistics Press 2022) as
  digitised by thebamboogrove/tudigong (``census2020_county/*.csv``, fractions 0–1): the master
  list of the 2,990 county-level units, the 2020 employment ratio, and an independent check;
* the 6th and 7th census yearbook county tables compiled by leiii/census
  (``census_county_2010_2020/census_county_20x0.xlsx``): counts and published averages.

Every census measure (:data:`huainan.evidence.census_measures.MEASURES`) is read from a yearbook
row by a recipe (:mod:`huainan.evidence.census_measures`). The same recipes give the long table's
census rows (:mod:`huainan.evidence.census_rows`) and the national county tables built here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from huainan.errors import DataValidationError
from huainan.evidence.catalog import INDICATORS_BY_ID
from huainan.evidence.census_measures import (
    MEASURES,
    YEARBOOK_COLUMNS,
    Col,
    Measure,
    Tud,
    evaluate,
)
from huainan.evidence.discrepancies import discrepancy, fmt_value
from huainan.text import match_key

# --------------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A publication and the local file that holds it."""

    title: str
    file: str  # path relative to the shared data folder
    url: str


SRC_T2020 = Source(
    "中国人口普查分县资料2020（国家统计局，中国统计出版社2022，ISBN 978-7-5037-9772-9；"
    "thebamboogrove/tudigong 数字化）",
    "census2020_county/{file}",
    "https://github.com/thebamboogrove/tudigong/tree/main/input",
)
SRC_Y2020 = Source(
    "第七次全国人口普查 分县资料（年鉴县级表，Lei Dong et al. leiii/census 整理）",
    "census_county_2010_2020/census_county_2020.xlsx",
    "https://github.com/leiii/census",
)
SRC_Y2010 = Source(
    "第六次全国人口普查 分县资料（年鉴县级表，Lei Dong et al. leiii/census 整理）",
    "census_county_2010_2020/census_county_2010.xlsx",
    "https://github.com/leiii/census",
)
SRC_CITY = Source(
    "第六次、第七次全国人口普查 地级市汇总（leiii/census 整理）",
    "census_county_2010_2020/census_city_2010_2020.csv",
    "https://github.com/leiii/census",
)
CENSUS_TITLES = (SRC_T2020.title, SRC_Y2020.title, SRC_Y2010.title, SRC_CITY.title)

Y2020_SHEET = "七普（年鉴）"
Y2010_SHEET = "Sheet1"


# --------------------------------------------------------------------------------------------
# Reading the inputs
# --------------------------------------------------------------------------------------------

#: Canonical columns that hold counts: a blank cell there means zero (the yearbook prints no
#: number for an empty category; e.g. every 2010 row with a blank 乡村人口 has 城镇人口 = 合计).
_COUNT_PREFIXES = ("age_", "edu_", "ind_")
_COUNT_KEYS = {
    "urban",
    "rural",
    "hh65",
    "hh65_2",
    "hh65_3p",
    "illit",
    "occ_total",
    "pop16",
    "hh_long",
    "water",
    "kitchen",
    "toilet",
    "bath",
    "lift",
    "rent",
    "self",
    "buy",
    "hh_1p",
}


def _is_count(key: str) -> bool:
    return key.startswith(_COUNT_PREFIXES) or key in _COUNT_KEYS


def _norm_header(text: object) -> str:
    return str(text).replace("\n", "").replace("(", "（").replace(")", "）").strip()


def _place_key(text: object) -> str:
    """Matching key of a place name (:func:`huainan.text.match_key`, stray full stops dropped)."""
    return match_key(text).rstrip(".")


@dataclass
class Yearbook:
    """A census yearbook county table with canonical numeric columns."""

    year: int
    frame: pd.DataFrame  # code, name, province_name, prefecture_name, excel_row + canonical
    names: dict[str, str]  # canonical -> printed column name
    source: Source
    unreadable: list[dict] = field(default_factory=list)


def read_yearbook(shared: Path, year: int) -> Yearbook:
    """Read the 2010 or 2020 yearbook table; canonical columns become float64.

    Raises
    ------
    DataValidationError
        If a column named in :data:`YEARBOOK_COLUMNS` is absent.
    """
    source = SRC_Y2020 if year == 2020 else SRC_Y2010
    path = shared / source.file
    raw = pd.read_excel(
        path, sheet_name=Y2020_SHEET if year == 2020 else Y2010_SHEET, dtype={"区划代码": str}
    )
    raw.columns = [_norm_header(c) for c in raw.columns]
    names = YEARBOOK_COLUMNS[year]
    for key, col in names.items():
        if col not in raw.columns:
            raise DataValidationError(f"column for {key!r} missing", path=path, column=col)
    out = pd.DataFrame(
        {
            "code": raw["区划代码"].str.strip(),
            "name": (raw["区县"] if year == 2020 else raw["地区"]).map(_place_key),
            "excel_row": np.arange(len(raw), dtype="int64") + 2,
        }
    )
    if year == 2020:
        out["province_name"] = raw["省"].map(_place_key)
        out["prefecture_name"] = raw["市"].map(_place_key)
    unreadable = []
    for key, col in names.items():
        values = pd.to_numeric(raw[col], errors="coerce")
        bad = values.isna() & raw[col].notna()
        for i in np.flatnonzero(bad.to_numpy()):
            unreadable.append(
                {
                    "code": out.at[i, "code"],
                    "name": out.at[i, "name"],
                    "excel_row": int(out.at[i, "excel_row"]),
                    "column": col,
                    "text": str(raw[col].iloc[i]),
                }
            )
        if _is_count(key):
            values = values.where(values.notna() | raw[col].notna() | raw[names["pop"]].isna(), 0.0)
        out[key] = values.astype("float64")
    # drop trailing non-data rows (e.g. a forum watermark line in the 2010 table)
    out = out[raw[names["pop"]].notna().to_numpy()].reset_index(drop=True)
    return Yearbook(year, out, names, source, unreadable)


def read_tabulation(shared: Path) -> pd.DataFrame:
    """Read and merge the 2020 county tabulation files (tudigong) on ``CODE``.

    Returns one row per unit (2,990): ``CODE`` (str), ``NAME`` and the numeric (float64)
    columns of population, ages, education, households, housing, employment and family.csv.
    ``#DIV/0!`` cells (units without a base population) become NaN.

    Raises
    ------
    DataValidationError
        If a CODE repeats within a file or a cell is neither a number nor ``#DIV/0!``.
    """
    frames: list[pd.DataFrame] = []
    for name in (
        "population",
        "ages",
        "education",
        "households",
        "housing",
        "employment",
        "family",
    ):
        path = shared / SRC_T2020.file.format(file=f"{name}.csv")
        # '#DIV/0!' marks units without a base population (金门县, the 三沙 islands)
        df = pd.read_csv(
            path,
            dtype={"CODE": str},
            encoding="utf-8-sig",
            na_values=["#DIV/0!"],
            keep_default_na=True,
        )
        df = df[df["CODE"].notna()]  # housing.csv ends with an empty line of commas
        for col in df.columns[2:]:
            if not pd.api.types.is_numeric_dtype(df[col]):
                bad = pd.to_numeric(df[col], errors="coerce").isna() & df[col].notna()
                line = int(np.flatnonzero(bad.to_numpy())[0]) + 2
                raise DataValidationError(
                    "not a number", path=path, row=line, column=col, value=df.loc[bad, col].iloc[0]
                )
        if df["CODE"].duplicated().any():
            raise DataValidationError(
                "duplicate CODE",
                path=path,
                column="CODE",
                value=df.loc[df["CODE"].duplicated(), "CODE"].iloc[0],
            )
        if frames:
            df = df.drop(columns="NAME")
        frames.append(df.set_index("CODE"))
    out = frames[0].join(frames[1:], how="outer").copy().reset_index()
    out["NAME"] = out["NAME"].astype(str)
    return out


# --------------------------------------------------------------------------------------------
# National county tables
# --------------------------------------------------------------------------------------------

_MUNICIPALITIES = ("11", "12", "31", "50")


def prefecture_code(code: str) -> str:
    """Return the prefecture-level code a county-level ``code`` is grouped under.

    Rules (documented in :func:`huainan.evidence.stats.national_counties`): units of the four
    municipalities belong to the municipality (``110000`` …); units directly administered by a
    province (codes ``xx90xx``: 济源, 仙桃, Hainan's and Xinjiang's 省/自治区直辖 units) are their
    own prefecture-level group, as the yearbook's 市 column has them; every other unit, including
    development zones (codes ending ``7x``), belongs to ``code[:4] + "00"``.

    Examples
    --------
    >>> prefecture_code("340422"), prefecture_code("340172"), prefecture_code("110105")
    ('340400', '340100', '110000')
    >>> prefecture_code("429004"), prefecture_code("441900")
    ('429004', '441900')
    """
    if code[:2] in _MUNICIPALITIES:
        return code[:2] + "0000"
    if code[2:4] == "90":
        return code
    return code[:4] + "00"


def unit_kind(code: str, name: str) -> str:
    """Classify a county-level unit from its GB/T 2260 code and name.

    ``prefecture_city`` (code ends ``00``: a prefecture-level city without counties, e.g. 东莞),
    ``functional_zone`` (``71``–``79``: development zones, new areas, 管理区 with statistical
    codes), ``county`` (name ends 县/旗), ``county_level_city`` (name ends 市), ``district``
    (``01``–``20``) and ``county`` for the rest (林区, 特区 …).

    Examples
    --------
    >>> unit_kind("340402", "大通区"), unit_kind("340422", "寿县"), unit_kind("340172", "合肥经济技术开发区")
    ('district', 'county', 'functional_zone')
    """
    suffix = int(code[4:])
    if suffix == 0:
        return "prefecture_city"
    if 71 <= suffix <= 79:
        return "functional_zone"
    if name.endswith(("县", "旗")):
        return "county"
    if name.endswith("市"):
        return "county_level_city"
    if suffix <= 20:
        return "district"
    return "county"


def match_tabulation(tab: pd.DataFrame, yb: Yearbook) -> tuple[pd.Series, list[dict]]:
    """Match the 2,990 tabulation units to yearbook rows.

    A unit matches the yearbook row with the same code and the same (normalised) name; failing
    that, the row of the same province with the same name (the yearbook leaves some development
    zones without a code and shifts three Tibetan zone codes); failing that, the row with the
    same code (the names then differ: typos of the digitisation, listed as discrepancies).

    Returns
    -------
    pandas.Series
        Index ``CODE`` → integer position in ``yb.frame`` (no unit matched twice).
    list of dict
        Discrepancy rows (``kind`` = ``name`` | ``code`` | ``value`` | ``unmatched``).
    """
    f = yb.frame
    by_code = {c: i for i, c in enumerate(f["code"]) if isinstance(c, str)}
    ref_t = SRC_T2020.file.format(file="population.csv")
    units = list(zip(tab["CODE"], tab["NAME"].map(_place_key), tab["NAME"], strict=True))
    issues: list[dict] = []
    matched: dict[str, int] = {}
    # pass 1: same code, same name
    for code, tname, _ in units:
        i = by_code.get(code)
        if i is not None and f.at[i, "name"] == tname:
            matched[code] = i
    claimed = set(matched.values())
    # pass 2: same province, same name, among rows not claimed in pass 1
    issues += _match_by_province(units, yb, matched, claimed, ref=ref_t)
    # pass 3: same code, different name
    issues += _match_by_code(units, tab, yb, by_code, matched, claimed, ref=ref_t)
    out = pd.Series(matched, name="yearbook_pos", dtype="int64")
    if out.duplicated().any():
        dup = out[out.duplicated(keep=False)]
        raise DataValidationError(
            f"yearbook rows matched twice: {dup.to_dict()}", path=yb.source.file
        )
    return out, issues


def _match_by_province(
    units: list[tuple[str, str, str]],
    yb: Yearbook,
    matched: dict[str, int],
    claimed: set[int],
    *,
    ref: str,
) -> list[dict]:
    """Pass 2 of :func:`match_tabulation`: a unit not yet matched takes the only unclaimed
    yearbook row of its province with its name (``matched``/``claimed`` updated); one ``code``
    discrepancy per match."""
    f = yb.frame
    prov_names = dict(zip(f["code"], f["name"], strict=False))
    issues: list[dict] = []
    for code, tname, name in units:
        if code in matched:
            continue
        province = prov_names.get(code[:2] + "0000")
        same = [
            int(j)
            for j in f.index[(f["province_name"] == province) & (f["name"] == tname)]
            if int(j) not in claimed
        ]
        if len(same) == 1:
            j = same[0]
            matched[code] = j
            claimed.add(j)
            ycode = f.at[j, "code"]
            issues.append(
                discrepancy(
                    "code",
                    region_code=code,
                    year=2020,
                    source_a=SRC_T2020.title,
                    ref_a=ref,
                    value_a=f"{code} {name}",
                    source_b=yb.source.title,
                    ref_b=f"{yb.source.file} row {f.at[j, 'excel_row']}",
                    value_b=f"{ycode if isinstance(ycode, str) else '(no code)'} {f.at[j, 'name']}",
                    reason="the yearbook table gives this unit no code or another code",
                    action="matched by province and name; the tabulation code is kept",
                )
            )
    return issues


def _match_by_code(
    units: list[tuple[str, str, str]],
    tab: pd.DataFrame,
    yb: Yearbook,
    by_code: dict[str, int],
    matched: dict[str, int],
    claimed: set[int],
    *,
    ref: str,
) -> list[dict]:
    """Pass 3 of :func:`match_tabulation`: a unit still not matched takes the unclaimed row with
    its code (a ``name`` discrepancy: the names differ), else stays unmatched (an
    ``unmatched`` discrepancy)."""
    f = yb.frame
    issues: list[dict] = []
    for code, _, name in units:
        if code in matched:
            continue
        i = by_code.get(code)
        if i is not None and i not in claimed:
            matched[code] = i
            claimed.add(i)
            issues.append(
                discrepancy(
                    "name",
                    region_code=code,
                    year=2020,
                    source_a=SRC_T2020.title,
                    ref_a=ref,
                    value_a=name,
                    source_b=yb.source.title,
                    ref_b=f"{yb.source.file} row {f.at[i, 'excel_row']}",
                    value_b=f.at[i, "name"],
                    reason="different names for the same code (same population in both tables)"
                    if tab.loc[tab["CODE"] == code, "POPU"].item() == f.at[i, "pop"]
                    else "different names for the same code",
                    action="matched by code; the yearbook name is used",
                )
            )
            continue
        issues.append(
            discrepancy(
                "unmatched",
                region_code=code,
                year=2020,
                source_a=SRC_T2020.title,
                ref_a=ref,
                value_a=name,
                source_b=yb.source.title,
                reason="no yearbook row for this unit",
                action="yearbook measures left NaN for this unit",
            )
        )
    return issues


def _measure_values(
    measure: Measure, year: int, rows: pd.DataFrame, tab: pd.DataFrame | None = None
) -> pd.Series:
    recipe = measure.recipes.get(year)
    if recipe is None:
        return pd.Series(np.nan, index=rows.index, dtype="float64")
    if isinstance(recipe, Tud):
        if tab is None:
            return pd.Series(np.nan, index=rows.index, dtype="float64")
        values = tab.set_index("CODE")[recipe.col].astype("float64") * recipe.scale
        return rows["code"].map(values).astype("float64")
    return evaluate(recipe, rows)


def _cast_measures(df: pd.DataFrame) -> pd.DataFrame:
    """Counts → nullable Int64, everything else float64 rounded to 6 decimals."""
    for m in MEASURES:
        col = df[m.column]
        if INDICATORS_BY_ID[m.indicator].kind == "count":
            df[m.column] = col.round().astype("Int64")
        else:
            df[m.column] = col.astype("float64").round(6)
    return df


def national_counties_2020(tab: pd.DataFrame, yb: Yearbook, match: pd.Series) -> pd.DataFrame:
    """The wide 2020 table: one row per tabulation unit (2,990) with every measure."""
    f = yb.frame
    pos = tab["CODE"].map(match)
    rows = f.reindex(pos.fillna(-1).astype("int64").to_numpy()).reset_index(drop=True)
    rows["code"] = tab["CODE"].to_numpy()
    names_by_code = {c: n for c, n in zip(f["code"], f["name"], strict=False) if isinstance(c, str)}
    out = pd.DataFrame({"code": tab["CODE"].astype(str).to_numpy()})
    out["name"] = np.where(pos.notna(), rows["name"], tab["NAME"].map(_place_key))
    out["province_code"] = out["code"].str[:2] + "0000"
    out["province_name"] = out["province_code"].map(names_by_code)
    out["prefecture_code"] = out["code"].map(prefecture_code)
    pref = out["prefecture_code"].map(names_by_code)
    out["prefecture_name"] = pref.fillna(rows["prefecture_name"])
    out["unit_kind"] = [unit_kind(c, n) for c, n in zip(out["code"], out["name"], strict=True)]
    out["province_administered"] = out["code"].str[2:4].eq("90")
    out["yearbook_row"] = rows["excel_row"].astype("Int64")
    for m in MEASURES:
        out[m.column] = _measure_values(m, 2020, rows, tab).to_numpy()
    return _cast_measures(out.sort_values("code", kind="stable").reset_index(drop=True))


def national_counties_2010(yb: Yearbook) -> pd.DataFrame:
    """The wide 2010 table: one row per coded county-level unit of the 2010 yearbook.

    Prefecture rows (code ``xxxx00``) are aggregates and dropped unless no unit is coded under
    them (then they are county-level units, e.g. 东莞市). Units the 2010 table lists without a
    code (10 units: 大兴安岭's 加格达奇 …, 723,407 people) cannot be keyed and are left out.
    """
    f = yb.frame
    coded = f[f["code"].notna() & f["code"].str.fullmatch(r"\d{6}")].copy()
    blocks = coded.loc[~coded["code"].str.endswith("00"), "code"].str[:4]
    keep = ~coded["code"].str.endswith("00") | (
        ~coded["code"].str.endswith("0000") & ~coded["code"].str[:4].isin(set(blocks))
    )
    rows = coded[keep].reset_index(drop=True)
    names_by_code = dict(zip(coded["code"], coded["name"], strict=True))
    out = pd.DataFrame({"code": rows["code"].astype(str), "name": rows["name"].astype(str)})
    out["province_code"] = out["code"].str[:2] + "0000"
    out["province_name"] = out["province_code"].map(names_by_code)
    out["prefecture_code"] = out["code"].map(prefecture_code)
    out["prefecture_name"] = out["prefecture_code"].map(names_by_code)
    out["unit_kind"] = [unit_kind(c, n) for c, n in zip(out["code"], out["name"], strict=True)]
    out["province_administered"] = out["code"].str[2:4].eq("90")
    out["yearbook_row"] = rows["excel_row"].astype("Int64")
    for m in MEASURES:
        out[m.column] = _measure_values(m, 2010, rows).to_numpy()
    return _cast_measures(out.sort_values("code", kind="stable").reset_index(drop=True))


# --------------------------------------------------------------------------------------------
# Cross-check of the two digitisations
# --------------------------------------------------------------------------------------------


def check_tabulation(tab: pd.DataFrame, nat: pd.DataFrame) -> tuple[dict, list[dict]]:
    """Compare every county's yearbook-based measure with the tabulation's published value.

    Returns a summary ``{measure column: (units compared, units differing)}`` and one
    discrepancy row per differing (unit, measure). The tolerance is half a unit of the
    tabulation's last digit plus 0.005 for values the yearbook prints with two decimals.
    """
    merged = nat.merge(tab, left_on="code", right_on="CODE", how="inner")
    summary: dict[str, tuple[int, int]] = {}
    issues: list[dict] = []
    for m in MEASURES:
        if m.check is None:
            continue
        file, col, scale, decimals = m.check
        tud = merged[col].astype("float64") * scale
        ours = merged[m.column].astype("float64")
        recipe = m.recipes[2020]
        tol = (
            0.5 * 10**-decimals * scale
            + (
                0.005
                if isinstance(recipe, Col) and INDICATORS_BY_ID[m.indicator].kind != "count"
                else 0.0
            )
            + 1e-9
        )
        both = tud.notna() & ours.notna()
        bad = both & ((tud - ours).abs() > tol)
        summary[m.column] = (int(both.sum()), int(bad.sum()))
        for _, r in merged[bad].iterrows():
            issues.append(
                discrepancy(
                    "value",
                    region_code=r["code"],
                    year=2020,
                    area=m.area,
                    indicator=m.indicator,
                    source_a=SRC_Y2020.title,
                    ref_a=f"{SRC_Y2020.file} row {r['yearbook_row']}",
                    value_a=fmt_value(float(r[m.column])),
                    source_b=SRC_T2020.title,
                    ref_b=f"{SRC_T2020.file.format(file=file)} CODE {r['code']} column {col}",
                    value_b=fmt_value(float(r[col])),
                    reason=_TABULATION_REASONS.get(
                        (r["code"], col),
                        _TABULATION_REASONS.get(
                            (r["code"], None),
                            "the two digitisations of the census disagree; "
                            "cause unknown (not a Huainan unit)",
                        ),
                    ),
                    action="the yearbook value is used",
                )
            )
    return summary, issues


#: Known causes of tabulation-vs-yearbook differences, found while building.
_TABULATION_REASONS = {
    ("150703", "POPU"): (
        "digitisation error in the tabulation file: 184,424 vs 84,424 (one extra leading "
        "digit); the yearbook figure is right: the tabulation's national sum exceeds the "
        "census total of the 31 provinces (1,409,778,724) by exactly 100,000"
    ),
    ("150703", None): (
        "the tabulation's row for 扎赉诺尔区 is corrupt (population 184,424 instead of 84,424; "
        "3.8% aged 0–14 and 7.6% aged 65+ against the yearbook's 8.30% and 16.67%)"
    ),
    ("130203", "HHLD_S"): "decimal point lost in the tabulation file (225 for 2.25)",
}
