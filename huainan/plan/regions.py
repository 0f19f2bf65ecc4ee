"""The seven county-level units of Huainan, the city, Anhui and China.

Reads ``data/regions.csv``. Huainan has five districts (市辖区: 大通区, 田家庵区, 谢家集区, 八公山区,
潘集区) and two counties (凤台县, 寿县); ``group`` is the default split for between/within
decompositions (districts vs counties). Codes are GB/T 2260 (2020). ``100000`` stands for China.

Areas are the ``area`` attribute of the shipped county boundary file (simplified polygons in an
Albers equal-area projection), so they are approximate (their sum is 5,538.7 km²).
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from huainan.errors import DataValidationError
from huainan.paths import data_dir

#: The seven county-level units in the city's usual order.
UNIT_CODES: tuple[str, ...] = (
    "340402",
    "340403",
    "340404",
    "340405",
    "340406",
    "340421",
    "340422",
)
CITY_CODE = "340400"
PROVINCE_CODE = "340000"
COUNTRY_CODE = "100000"

_TYPES = {"district", "county", "city", "province", "country"}


@lru_cache(maxsize=4)
def _load(path_str: str) -> pd.DataFrame:
    df = pd.read_csv(path_str, dtype={"code": str, "parent_code": str}, encoding="utf-8")
    for i, row in df.iterrows():
        line = i + 2
        if not (isinstance(row["code"], str) and row["code"].isdigit() and len(row["code"]) == 6):
            raise DataValidationError(
                "region code must be 6 digits",
                path=path_str,
                row=line,
                column="code",
                value=row["code"],
            )
        if row["type"] not in _TYPES:
            raise DataValidationError(
                f"type must be one of {sorted(_TYPES)}",
                path=path_str,
                row=line,
                column="type",
                value=row["type"],
            )
    dup = df["code"].duplicated()
    if dup.any():
        line = int(dup.idxmax()) + 2
        raise DataValidationError(
            "duplicate region code",
            path=path_str,
            row=line,
            column="code",
            value=df.loc[dup.idxmax(), "code"],
        )
    df["order"] = df["order"].astype("int64")
    df["area_km2"] = df["area_km2"].astype("float64")
    return df


def regions() -> pd.DataFrame:
    """Return all regions known to the workbook.

    Returns
    -------
    pandas.DataFrame
        One row per region: ``code`` (str, 6 digits), ``name_zh``, ``name_en``, ``type``
        (``district`` | ``county`` | ``city`` | ``province`` | ``country``), ``parent_code`` (str or
        NaN), ``group`` (``district`` | ``county`` for the seven units, NaN otherwise), ``order``
        (int64), ``area_km2`` (float64, NaN above county level), ``area_source``, ``note``.

    Raises
    ------
    DataValidationError
        If ``data/regions.csv`` has a malformed code, an unknown type or a duplicate code.

    Examples
    --------
    >>> r = regions()
    >>> r.loc[r["code"] == "340421", "name_zh"].item()
    '凤台县'
    """
    return _load(str(data_dir() / "regions.csv")).copy()


def units() -> pd.DataFrame:
    """Return the seven county-level units only (same columns as :func:`regions`), in order.

    Examples
    --------
    >>> units()["name_zh"].tolist()
    ['大通区', '田家庵区', '谢家集区', '八公山区', '潘集区', '凤台县', '寿县']
    """
    r = regions()
    return r[r["code"].isin(UNIT_CODES)].sort_values("order").reset_index(drop=True)


def name(code: str, lang: str = "zh") -> str:
    """Return the name of region ``code`` in ``lang`` (``"zh"`` or ``"en"``).

    Raises
    ------
    KeyError
        If the code is unknown.

    Examples
    --------
    >>> name("340422"), name("340422", "en")
    ('寿县', 'Shou County')
    """
    r = regions().set_index("code")
    if str(code) not in r.index:
        raise KeyError(f"unknown region code {code!r}")
    return r.at[str(code), "name_en" if lang == "en" else "name_zh"]


def code_for(name_zh: str) -> str:
    """Return the code of the region whose Chinese name is ``name_zh``.

    Raises
    ------
    KeyError
        If no region has this name.

    Examples
    --------
    >>> code_for("潘集区")
    '340406'
    """
    r = regions()
    hit = r.loc[r["name_zh"] == name_zh.strip(), "code"]
    if hit.empty:
        raise KeyError(f"unknown region name {name_zh!r}")
    return hit.item()


def groups() -> pd.Series:
    """Return the default decomposition group of the seven units: ``code`` → ``district``/``county``.

    Examples
    --------
    >>> groups().value_counts().to_dict()
    {'district': 5, 'county': 2}
    """
    u = units()
    return pd.Series(u["group"].to_numpy(), index=u["code"], name="group")
