"""China City Statistical Yearbook (《中国城市统计年鉴》): prefecture cross-sections → a tidy table.

Source
------
《中国城市统计年鉴》 (National Bureau of Statistics, 城市社会经济调查司; China Statistics Press),
editions 2019–2024: the 地级以上城市 cross-section of each edition, one row per prefecture-level
city and municipality, most indicators twice — 全市 (the whole city, counties included) and 市辖区
(the districts only). **Data year = edition − 1.** The workbooks in ``../shared/data/city_yearbook/``
are a third-party compilation (sheet 2 names 马克数据网), mirrored in the public repository
chenfei2008c/china-local-debt-atlas (``raw/macro_fiscal/city_yearbook/``, commit
:data:`MIRROR_COMMIT`) with no licence stated: every value cites the printed yearbook (edition,
table, cell of the compilation); the workbooks themselves are never committed.

What this module does
---------------------
:func:`read_edition` reads one workbook. Columns are found by the **text of their headers**, never by
their letter (letters change in every edition): each column's header path (table title, indicator,
sub-indicator, scope 全市/市辖区, printed unit) is read from the header rows with merged cells
expanded, and every :data:`SPECS` entry must match exactly one column per scope in the editions it
names. Units are read from the header and checked per edition against the plausible per-resident
range of the indicator (:data:`PLAUSIBLE`); a printed unit contradicted by the values is corrected
only where :data:`UNIT_CORRECTIONS` names it (the 在校学生数 table of the 2019 and 2020 editions
prints （人） over values in 万人) and the correction is then checked to be needed. City names are
matched to GB/T 2260 prefecture codes through the 2020 census county table (typos of the compilation
in :data:`NAME_FIXES`, each listed as a discrepancy). Registered (户籍) and resident (常住)
population are two indicators, never one.

The committed result, built by ``huainan build-stats`` (:mod:`huainan.evidence.yearbook_build`), is
``data/stats/city_yearbook.csv`` (:func:`city_yearbook`) and ``city_yearbook_sources.csv``
(:func:`yearbook_sources`: one row per edition with the printed title, the mirror path and the
workbook's SHA-256).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from huainan.errors import DataValidationError
from huainan.paths import data_dir

EDITIONS = (2019, 2020, 2021, 2022, 2023, 2024)
SCOPES = ("全市", "市辖区")
FOLDER = "city_yearbook"
FILE = "china_city_statistical_yearbook_{edition}_prefecture.xlsx"
MIRROR_REPO = "chenfei2008c/china-local-debt-atlas"
MIRROR_COMMIT = "1dce311a9ab55b0ff528b60ad6f4202e9790051e"
#: The compilation's second mirror (2020–2024 editions), as cited by the hand-read raw file.
MIRROR_2 = (
    "Zeeny-lin/vibe-coding-gis- yearbook_data/ (commit 2bed2267198b5f6673480730bc82c9b35b5953cb)"
)
MUNICIPALITIES = {"北京市": "110000", "天津市": "120000", "上海市": "310000", "重庆市": "500000"}

#: Columns of ``city_yearbook.csv``.
TABLE_COLUMNS = (
    "city_code",
    "city_name",
    "province_code",
    "data_year",
    "edition",
    "scope",
    "indicator",
    "indicator_zh",
    "unit",
    "value",
    "table",
    "cell",
    "note",
)
SOURCE_COLUMNS = (
    "edition",
    "data_year",
    "source",
    "file",
    "mirror",
    "sha256",
    "sheet",
    "header_rows",
    "first_data_row",
    "cities",
    "note",
)

#: Columns of ``city_yearbook_checks.csv`` (every comparison with another source).
CHECK_COLUMNS = (
    "check",
    "city_code",
    "data_year",
    "edition",
    "scope",
    "indicator",
    "yearbook_value",
    "yearbook_cell",
    "other_source",
    "other_ref",
    "other_value",
    "difference",
    "tolerance",
    "status",
    "reason",
)
#: Columns of ``budget_2025.csv`` (淮南's 2025 budget execution).
BUDGET_COLUMNS = (
    "region_code",
    "year",
    "indicator",
    "indicator_zh",
    "unit",
    "value",
    "source",
    "source_url",
    "note",
)


def source_title(edition: int) -> str:
    """The printed publication a value of ``edition`` comes from (Chinese, as it is cited).

    >>> source_title(2024)
    '《中国城市统计年鉴2024》（国家统计局城市社会经济调查司编，中国统计出版社），2023年地级以上城市数据'
    """
    return (
        f"《中国城市统计年鉴{edition}》（国家统计局城市社会经济调查司编，中国统计出版社），"
        f"{edition - 1}年地级以上城市数据"
    )


# --------------------------------------------------------------------------------------------
# What is taken: one spec per indicator
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One indicator of the yearbook and how its columns are recognised.

    ``labels`` are the accepted texts of the column's own header (whitespace removed, NFKC, the
    printed unit taken off); ``table`` is a word the table title or the parent header must
    contain (e.g. ``专任教师`` tells 普通小学 teachers from 普通小学 pupils); ``editions`` are the
    editions that print it (a missing column there is an error).
    """

    id: str
    name_zh: str
    unit: str
    domain: str
    labels: tuple[str, ...]
    editions: tuple[int, ...] = EDITIONS
    table: str = ""
    definition: str = ""


SPECS: tuple[Spec, ...] = (
    Spec(
        "population_registered",
        "户籍人口",
        "万人",
        "context",
        ("年末户籍人口", "户籍人口"),
        (2019, 2020, 2022, 2023),
        "人口",
        "年末户籍人口 (registered population at year-end). The only population of editions 2019, "
        "2020, 2022, 2023: never mixed with 常住人口.",
    ),
    Spec(
        "population_resident",
        "常住人口",
        "万人",
        "context",
        ("常住人口",),
        (2021, 2024),
        "人口",
        "常住人口 (resident population), printed for data years 2020 and 2023 only.",
    ),
    Spec(
        "teachers_primary",
        "普通小学专任教师数",
        "人",
        "education",
        ("普通小学",),
        (2019, 2020, 2021, 2022, 2023),
        "专任教师",
    ),
    Spec(
        "teachers_secondary",
        "普通中学专任教师数",
        "人",
        "education",
        ("普通中学",),
        (2019, 2020, 2021, 2022, 2023),
        "专任教师",
        "普通中学 = junior (初中) + general senior (普通高中) secondary schools.",
    ),
    Spec(
        "students_primary",
        "普通小学在校学生数",
        "万人",
        "education",
        ("普通小学",),
        (2019, 2020, 2021, 2022, 2023),
        "在校学生数",
        "Printed in whole 万人 (±0.5万).",
    ),
    Spec(
        "students_secondary",
        "普通中学在校学生数",
        "万人",
        "education",
        ("普通中学",),
        (2019, 2020, 2021, 2022, 2023),
        "在校学生数",
        "Printed in whole 万人 (±0.5万).",
    ),
    Spec(
        "students_primary_stage",
        "小学阶段在校学生数",
        "万人",
        "education",
        ("小学阶段",),
        (2024,),
        "学生数",
        "2024 edition only (replaces 普通小学在校学生数); whole 万人.",
    ),
    Spec(
        "students_junior_stage",
        "初中阶段在校学生数",
        "万人",
        "education",
        ("初中阶段",),
        (2024,),
        "学生数",
        "2024 edition only; whole 万人.",
    ),
    Spec(
        "students_senior_high",
        "普通高中在校学生数",
        "万人",
        "education",
        ("普通高中",),
        (2024,),
        "学生数",
        "2024 edition only; whole 万人.",
    ),
    Spec(
        "children_preschool",
        "学前教育在园幼儿数",
        "人",
        "education",
        ("学前教育",),
        (2024,),
        "学生数",
        "2024 edition only.",
    ),
    Spec(
        "hospital_beds",
        "医院床位数",
        "张",
        "health",
        ("医院床位数",),
        table="医院",
        definition="Beds of hospitals only (not all health institutions).",
    ),
    Spec(
        "physicians",
        "执业(助理)医师数",
        "人",
        "health",
        ("执业(助理)医师数",),
        table="医院",
        definition="In the table 医院、床位和医生数.",
    ),
    Spec(
        "elderly_institution_beds",
        "养老机构床位数",
        "张",
        "elderly_care",
        ("养老机构床位数",),
        (2022, 2023, 2024),
        "社会保障",
        "Beds of elderly-care institutions (not community or home-care beds).",
    ),
    Spec(
        "library_books",
        "公共图书馆图书藏量",
        "万册",
        "culture_sports",
        ("公共图书馆图书藏量",),
        table="文化",
    ),
    Spec("museums", "博物馆数", "个", "culture_sports", ("博物馆数",), table="文化"),
    Spec(
        "budget_expenditure",
        "地方一般公共预算支出",
        "万元",
        "context",
        ("地方一般公共预算支出",),
        table="预算",
    ),
    Spec(
        "education_expenditure",
        "一般公共预算教育支出",
        "万元",
        "education",
        ("教育支出",),
        table="预算",
        definition="教育支出 of the general public budget (地方一般公共预算支出 table).",
    ),
)
SPECS_BY_ID = {s.id: s for s in SPECS}

#: Printed units that are wrong, by (edition, indicator): (printed, actual, why). Each is checked
#: against the values (the printed unit must give an implausible per-resident value).
UNIT_CORRECTIONS: dict[tuple[int, str], tuple[str, str, str]] = {
    (e, i): (
        "人",
        "万人",
        f"the {e} edition's 在校学生数 table header prints （人） but the 普通小学/普通中学 "
        "values are in 万人 (淮南 25 pupils for 13,835 primary teachers; the 2021–2023 editions "
        "print （万人） over the same magnitudes)",
    )
    for e in (2019, 2020)
    for i in ("students_primary", "students_secondary")
}

#: Units the header does not print, by (edition, indicator): why the spec's unit is assumed (then
#: checked against :data:`PLAUSIBLE`).
UNPRINTED_UNITS: dict[tuple[int, str], str] = {
    (2021, "population_resident"): "table 2-1 人口数 prints no unit over 常住人口 (the 2024 "
    "edition prints （万人） over the same magnitudes; its English label says Urban Resident "
    "Population, the Chinese 常住人口 is followed)",
    **{
        (e, "population_registered"): f"table 2-1 人口数 of the {e} edition prints no unit over "
        "户籍人口 (the 2019/2020 editions print （万人） over the same magnitudes; its English label "
        "says Household Resident Population, the Chinese 户籍人口 is followed)"
        for e in (2022, 2023)
    },
}

#: Plausible national median of value per person (canonical unit converted to its base: 万 × 10⁴),
#: per edition and scope 全市; a unit error of ×10⁴ (人 vs 万人) falls far outside.
PLAUSIBLE: dict[str, tuple[float, float]] = {
    "population_registered": (50.0, 2000.0),  # median city population in 万人 (not per person)
    "population_resident": (50.0, 2000.0),
    "teachers_primary": (1e-3, 1e-2),
    "teachers_secondary": (1e-3, 1e-2),
    "students_primary": (2e-2, 0.2),
    "students_secondary": (1e-2, 0.15),
    "students_primary_stage": (2e-2, 0.2),
    "students_junior_stage": (1e-2, 0.1),
    "students_senior_high": (5e-3, 0.08),
    "children_preschool": (5e-3, 0.1),
    "hospital_beds": (1e-3, 1.5e-2),
    "physicians": (5e-4, 6e-3),
    "elderly_institution_beds": (1e-3, 3e-2),
    "library_books": (5e-2, 5.0),
    "museums": (2e-7, 3e-5),
    "budget_expenditure": (1e3, 5e4),
    "education_expenditure": (2e2, 8e3),
}
#: Factor from a 万-unit to its base unit (persons, yuan, volumes).
UNIT_FACTOR = {"万人": 1e4, "万元": 1e4, "万册": 1e4}

#: Typos of the compilation's city and province names: printed → GB/T 2260 name.
NAME_FIXES = {
    "麥庄市": "枣庄市",
    "荷泽市": "菏泽市",
    "深河市": "漯河市",
    "常徳市": "常德市",
    "脩州市": "儋州市",
    "那曲冇": "那曲市",
    "西藏自冶区": "西藏自治区",
}
#: Cities of the yearbook that are not prefectures in the 2020 census: (province, name) → (code, why).
EXTRA_CITIES = {
    ("370000", "莱芜市"): (
        "371200",
        "莱芜市 (GB/T 2260 371200) was merged into 济南市 in January 2019; it is a city of the "
        "2019 edition (data 2018) only",
    ),
}


# --------------------------------------------------------------------------------------------
# The committed table
# --------------------------------------------------------------------------------------------


def stats_dir() -> Path:
    return data_dir() / "stats"


def _key(path: Path) -> tuple[str, int]:
    return str(path), os.stat(path).st_mtime_ns


def validate_table(
    df: pd.DataFrame, *, path: str | os.PathLike = "city_yearbook.csv"
) -> pd.DataFrame:
    """Check a ``city_yearbook.csv`` frame read as text and return it typed.

    Returns
    -------
    pandas.DataFrame
        :data:`TABLE_COLUMNS`; ``data_year``/``edition`` int64, ``value`` float64 (NaN only with
        a note), the rest str.

    Raises
    ------
    DataValidationError
        Missing column, bad code, edition/data year mismatch, unknown indicator or scope, unit
        not the indicator's, value not a number, empty value without a note, duplicate key
        (file, line and column named; line 1 is the header).
    """
    for col in TABLE_COLUMNS:
        if col not in df.columns:
            raise DataValidationError("missing column", path=path, column=col)
    checks = (
        ("city_code", ~df["city_code"].str.fullmatch(r"\d{6}"), "not a 6-digit code"),
        ("province_code", ~df["province_code"].str.fullmatch(r"\d{2}0000"), "not a province code"),
        ("scope", ~df["scope"].isin(SCOPES), "scope must be 全市 or 市辖区"),
        ("indicator", ~df["indicator"].isin(SPECS_BY_ID), "unknown indicator"),
        ("edition", ~df["edition"].isin([str(e) for e in EDITIONS]), "unknown edition"),
    )
    for col, bad, what in checks:
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataValidationError(what, path=path, row=i + 2, column=col, value=df[col].iloc[i])
    out = df[list(TABLE_COLUMNS)].copy()
    out["edition"] = out["edition"].astype("int64")
    year = pd.to_numeric(out["data_year"], errors="coerce")
    bad = year.ne(out["edition"] - 1)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataValidationError(
            "data_year must be edition − 1",
            path=path,
            row=i + 2,
            column="data_year",
            value=df["data_year"].iloc[i],
        )
    out["data_year"] = year.astype("int64")
    want = out["indicator"].map(lambda i: SPECS_BY_ID[i].unit)
    bad = out["unit"].ne(want)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataValidationError(
            f"unit must be {want.iloc[i]!r}",
            path=path,
            row=i + 2,
            column="unit",
            value=out["unit"].iloc[i],
        )
    value = pd.to_numeric(out["value"].replace("", np.nan), errors="coerce")
    bad = value.isna() & out["value"].ne("")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataValidationError(
            "not a number", path=path, row=i + 2, column="value", value=out["value"].iloc[i]
        )
    bad = value.isna() & out["note"].str.strip().eq("")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataValidationError("empty value needs a note", path=path, row=i + 2, column="note")
    bad = value < 0
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataValidationError(
            "negative value", path=path, row=i + 2, column="value", value=out["value"].iloc[i]
        )
    out["value"] = value.astype("float64")
    dup = out.duplicated(["city_code", "edition", "scope", "indicator"])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise DataValidationError(
            "duplicate (city_code, edition, scope, indicator)",
            path=path,
            row=i + 2,
            column="city_code",
            value=out["city_code"].iloc[i],
        )
    return out


@lru_cache(maxsize=2)
def _table(key: tuple[str, int]) -> pd.DataFrame:
    from huainan.evidence.stats import read_csv_text

    return validate_table(read_csv_text(key[0]), path=key[0])


def city_yearbook(*, with_source: bool = False) -> pd.DataFrame:
    """The yearbook table for every prefecture-level city, data years 2018–2023.

    Parameters
    ----------
    with_source : bool
        Add ``source`` (the printed yearbook and edition, :func:`source_title`) to every row.

    Returns
    -------
    pandas.DataFrame
        One row per city × edition × scope × indicator: ``city_code`` (str, GB/T 2260; the
        municipalities 110000/120000/310000/500000), ``city_name``, ``province_code`` (str),
        ``data_year`` (int64, edition − 1), ``edition`` (int64), ``scope`` (全市 | 市辖区),
        ``indicator`` (a :data:`SPECS` id), ``indicator_zh``, ``unit``, ``value`` (float64; NaN
        when the cell is blank, ``note`` says so), ``table`` (表2-x, or the title in the 2019
        edition), ``cell`` (the compilation's cell, e.g. ``CM111``), ``note`` (str).

    Raises
    ------
    FileNotFoundError
        If ``data/stats/city_yearbook.csv`` is missing (run ``huainan build-stats``).
    DataValidationError
        If the file is malformed (see :func:`validate_table`).

    Examples
    --------
    >>> t = city_yearbook()
    >>> row = t[(t.city_code == "340400") & (t.edition == 2024) & (t.scope == "全市")
    ...         & (t.indicator == "hospital_beds")].iloc[0]
    >>> int(row["value"]), row["table"], row["cell"]
    (17291, '表2-23', 'CM111')
    """
    path = stats_dir() / "city_yearbook.csv"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `huainan build-stats`")
    out = _table(_key(path)).copy()
    if with_source:
        out["source"] = out["edition"].map(source_title)
    return out


def yearbook_sources() -> pd.DataFrame:
    """One row per edition: :data:`SOURCE_COLUMNS` (``city_yearbook_sources.csv``)."""
    from huainan.evidence.stats import read_csv_text

    path = stats_dir() / "city_yearbook_sources.csv"
    df = read_csv_text(path)
    for col in SOURCE_COLUMNS:
        if col not in df.columns:
            raise DataValidationError("missing column", path=path, column=col)
    for col in ("edition", "data_year", "first_data_row", "cities"):
        df[col] = df[col].astype("int64")
    return df


def yearbook_checks() -> pd.DataFrame:
    """Every comparison of a yearbook value with another source (``city_yearbook_checks.csv``):
    :data:`CHECK_COLUMNS`, all str (``status`` = agree | differ)."""
    from huainan.evidence.stats import read_csv_text

    df = read_csv_text(stats_dir() / "city_yearbook_checks.csv")
    for col in CHECK_COLUMNS:
        if col not in df.columns:
            raise DataValidationError("missing column", path="city_yearbook_checks.csv", column=col)
    return df


def budget_2025() -> pd.DataFrame:
    """淮南市's 2025 budget execution (``budget_2025.csv``), each figure with its source.

    Returns
    -------
    pandas.DataFrame
        :data:`BUDGET_COLUMNS`: ``region_code`` (str), ``year`` (int64), ``indicator`` (str, e.g.
        ``livelihood_expenditure``), ``indicator_zh``, ``unit`` (亿元, %, 万人), ``value``
        (float64), ``source`` (《关于淮南市2025年预算执行情况和2026年预算草案的报告》, 淮南市财政局,
        2026-02-13), ``source_url``, ``note`` (执行数 = 快报, not the final accounts; where it was
        transcribed).

    Raises
    ------
    DataValidationError
        A missing column, a value that is not a number, a row without a source.

    Examples
    --------
    >>> b = budget_2025().set_index("indicator")
    >>> float(b.at["livelihood_expenditure", "value"]), float(
    ...     b.at["livelihood_expenditure_share", "value"])
    (288.4, 83.5)
    """
    from huainan.evidence.stats import read_csv_text

    path = stats_dir() / "budget_2025.csv"
    df = read_csv_text(path)
    for col in BUDGET_COLUMNS:
        if col not in df.columns:
            raise DataValidationError("missing column", path=path, column=col)
    value = pd.to_numeric(df["value"], errors="coerce")
    for col, bad, what in (
        ("value", value.isna(), "not a number"),
        ("source", df["source"].str.strip().eq(""), "a figure needs its source"),
        ("source_url", ~df["source_url"].str.match(r"https?://"), "a figure needs a URL"),
    ):
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataValidationError(what, path=path, row=i + 2, column=col, value=df[col].iloc[i])
    out = df[list(BUDGET_COLUMNS)].copy()
    out["value"] = value.astype("float64")
    out["year"] = out["year"].astype("int64")
    return out
