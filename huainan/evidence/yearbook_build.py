"""Build the yearbook files of ``data/stats/`` (called by :func:`huainan.evidence.build.build`).

From the six workbooks (:func:`huainan.evidence.yearbook_xlsx.read_editions`) and
``raw/city_yearbook_budget_2019_2025.csv``:

``city_yearbook.csv``          the tidy table (:func:`huainan.evidence.yearbook.city_yearbook`);
``city_yearbook_sources.csv``  one row per edition: printed title, mirror path, SHA-256;
``city_yearbook_checks.csv``   every comparison: the hand-read 淮南 cells of the raw file (same cell,
                               same value expected) and census 2020 population (all cities);
``budget_2025.csv``            淮南's 2025 budget-execution figures with their source
                               (:func:`huainan.evidence.yearbook.budget_2025`).

Disagreements go to ``discrepancies.csv`` (with the names, units and unreadable cells found while
reading), raw rows not used to ``raw_skipped.csv`` — both shared with the census build.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from huainan.errors import DataValidationError
from huainan.evidence.discrepancies import discrepancy, fmt_value
from huainan.evidence.yearbook import (
    BUDGET_COLUMNS,
    CHECK_COLUMNS,
    SCOPES,
    SOURCE_COLUMNS,
    SPECS,
    SPECS_BY_ID,
    TABLE_COLUMNS,
    source_title,
)

RAW_FILE = "city_yearbook_budget_2019_2025.csv"
#: Indicator of the hand-read raw file → yearbook indicator (the others are not extracted).
RAW_TO_SPEC = {
    "population_hukou": "population_registered",
    "population_resident": "population_resident",
    "teachers_primary": "teachers_primary",
    "teachers_regular_secondary": "teachers_secondary",
    "students_primary": "students_primary",
    "students_regular_secondary": "students_secondary",
    "students_primary_stage": "students_primary_stage",
    "students_junior_secondary": "students_junior_stage",
    "students_senior_high": "students_senior_high",
    "children_preschool": "children_preschool",
    "beds_hospitals": "hospital_beds",
    "licensed_doctors": "physicians",
    "elderly_care_institution_beds": "elderly_institution_beds",
    "library_collections": "library_books",
    "museums": "museums",
    "budget_expenditure_general": "budget_expenditure",
    "budget_expenditure_education": "education_expenditure",
}
#: Raw region codes of the hand-read rows → (city, scope).
RAW_REGIONS = {"340400": ("340400", "全市"), "340401": ("340400", "市辖区")}
#: Source of the 2025 budget figures (raw ``source_title`` starts with this).
BUDGET_SOURCE = "关于淮南市2025年预算执行情况和2026年预算草案的报告"
#: A yearbook value this many times above or below the median of the city's other years is
#: flagged as a suspected outlier (kept as printed, listed as a discrepancy).
OUTLIER_FACTOR = 4.0
#: ... and one of the values compared is at least this (small counts are left alone).
OUTLIER_MIN = 20.0
#: Counts checked for outliers (levels such as population change slowly; all are counts).
_OUTLIER_SKIP = {"population_registered", "population_resident"}
#: Census 2020 population vs the 2021 edition's 常住人口: differences explained by territory.
CENSUS_TERRITORY = {
    "220500": "the difference (51.2万) is 梅河口市's census population (509,336) within 0.3万: "
    "梅河口 is administered by Jilin province directly (省直管), so the yearbook's 通化市 "
    "probably leaves it out (not verified in the printed yearbook)",
}


def assemble(editions: list) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Stack the editions into the table, flag outliers; return (table, sources, issues)."""
    table = pd.concat([e.rows for e in editions], ignore_index=True)
    order = {s.id: i for i, s in enumerate(SPECS)}
    table = table.assign(
        _i=table["indicator"].map(order),
        _s=table["scope"].map({s: i for i, s in enumerate(SCOPES)}),
    )
    # editions in order, cities in the yearbook's order (cell row), then indicator and scope
    table["_row"] = table["cell"].str.extract(r"(\d+)$")[0].astype(int)
    table = table.sort_values(["edition", "_row", "_i", "_s"], kind="stable")
    table = table.drop(columns=["_i", "_s", "_row"]).reset_index(drop=True)
    issues = [i for e in editions for i in e.issues]
    table, flagged = flag_outliers(table)
    issues += flagged
    sources = pd.DataFrame([e.source for e in editions], columns=list(SOURCE_COLUMNS))
    return table, sources, issues


def _spike(values: np.ndarray) -> np.ndarray:
    """Ratio of each value to its reference pair where it is an isolated spike, else NaN.

    The reference pair is the nearest value on each side (two nearest on one side at the ends).
    A spike is ≥ :data:`OUTLIER_FACTOR` × (or ≤ 1/…) both references, the two references agree
    within a factor of 2 (a level shift is not a spike) and one of the three is at least
    :data:`OUTLIER_MIN` (small counts such as 1 → 5 museums are left alone).

    >>> _spike(np.array([1444.0, 8215.0, 1201.0, np.nan])).round(2).tolist()
    [nan, 6.24, nan, nan]
    """
    out = np.full(len(values), np.nan)
    have = np.flatnonzero(~np.isnan(values))
    for k, j in enumerate(have):
        before, after = have[:k], have[k + 1 :]
        if len(before) and len(after):
            refs = [before[-1], after[0]]
        elif len(before) >= 2:
            refs = [before[-1], before[-2]]
        elif len(after) >= 2:
            refs = [after[0], after[1]]
        else:
            continue
        v, r = values[j], values[refs]
        if v <= 0 or (r <= 0).any() or r.max() / r.min() > 2 or max(v, r.max()) < OUTLIER_MIN:
            continue
        ratio = v / np.sqrt(r[0] * r[1])
        if (v / r >= OUTLIER_FACTOR).all() or (v / r <= 1 / OUTLIER_FACTOR).all():
            out[j] = ratio
    return out


def flag_outliers(table: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Mark isolated spikes of a city's series (:func:`_spike`): kept as printed, noted in
    ``note`` and listed as discrepancies of kind ``outlier``.

    Example: 西安市 public-library books 1,444 万册 (2019), **8,215** (2020), 1,201 (2021).
    """
    t = table.copy()
    issues = []
    sel = t[~t["indicator"].isin(_OUTLIER_SKIP)]
    wide = sel.pivot_table(
        index=["city_code", "scope", "indicator"],
        columns="data_year",
        values="value",
        dropna=False,
    )
    pos = {
        k: i
        for i, k in enumerate(
            zip(sel["city_code"], sel["scope"], sel["indicator"], sel["data_year"], strict=True)
        )
    }
    index = dict(zip(pos, sel.index, strict=True))
    years = list(wide.columns)
    for key, row in zip(wide.index, wide.to_numpy(dtype="float64"), strict=True):
        ratios = _spike(row)
        for j in np.flatnonzero(~np.isnan(ratios)):
            idx = index[(*key, years[j])]
            r = t.loc[idx]
            t.at[idx, "note"] = f"疑似异常：约为相邻年份的{ratios[j]:.2g}倍，原样保留"
            issues.append(
                discrepancy(
                    "outlier",
                    region_code=r["city_code"],
                    year=int(r["data_year"]),
                    area=r["scope"],
                    indicator=r["indicator"],
                    source_a=source_title(int(r["edition"])),
                    ref_a=f"{r['table']} cell {r['cell']}",
                    value_a=fmt_value(r["value"]),
                    source_b="the same city's neighbouring years",
                    value_b=", ".join(
                        f"{y}: {fmt_value(v)}"
                        for y, v in zip(years, row, strict=True)
                        if not np.isnan(v)
                    ),
                    reason=f"{r['city_name']}: about {ratios[j]:.2g} times the neighbouring "
                    "years, which agree with each other — a unit or keying error of the "
                    "compilation is likely; not verified in the printed yearbook",
                    action="kept as printed with a note; shown, never corrected",
                )
            )
    return t, issues


def table_csv(table: pd.DataFrame) -> pd.DataFrame:
    """The table as written: values via :func:`fmt_value` ("" for NaN)."""
    out = table[list(TABLE_COLUMNS)].copy()
    out["value"] = out["value"].map(fmt_value)
    return out


# --------------------------------------------------------------------------------------------
# Cross-checks
# --------------------------------------------------------------------------------------------


def _read_raw(shared: Path) -> pd.DataFrame:
    path = shared / "raw" / RAW_FILE
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    need = {
        "region_code",
        "region_name",
        "year",
        "indicator",
        "unit",
        "value",
        "source_title",
        "note",
    }
    missing = need - set(df.columns)
    if missing:
        raise DataValidationError(f"missing columns {sorted(missing)}", path=path)
    df["_line"] = df.index + 2
    return df


def hand_read_checks(
    shared: Path, table: pd.DataFrame
) -> tuple[list[dict], list[dict], list[dict], pd.DataFrame]:
    """Compare the hand-read 淮南 cells of the raw file with the table.

    Returns
    -------
    (checks, issues, skipped, budget)
        One check per hand-read yearbook row of an extracted indicator (same cell and same value
        expected); discrepancies for every disagreement; raw rows not used, with the reason; and
        the 2025 budget-execution rows (:data:`BUDGET_COLUMNS`).

    Raises
    ------
    DataValidationError
        A yearbook row without an edition in its title or a cell in its note (line named).
    """
    raw = _read_raw(shared)
    where = f"raw/{RAW_FILE}"
    key = table.set_index(["city_code", "edition", "scope", "indicator"])
    checks, issues, skipped, budget = [], [], [], []
    for _, r in raw.iterrows():
        line = int(r["_line"])
        title = r["source_title"]
        m = re.match(r"中国城市统计年鉴(\d{4})", title)
        if title.startswith(BUDGET_SOURCE):
            budget.append(_budget_row(r, where, line))
            continue
        if not m:
            skipped.append(
                _skip(
                    where,
                    line,
                    r,
                    "not a yearbook cell nor the 2025 budget report "
                    "(Anhui/2024 context from other publications): not used by the yearbook "
                    "comparison",
                )
            )
            continue
        spec_id = RAW_TO_SPEC.get(r["indicator"])
        if spec_id is None or r["region_code"] not in RAW_REGIONS:
            skipped.append(
                _skip(
                    where,
                    line,
                    r,
                    "yearbook cell of an indicator not extracted (the plan's "
                    "per-capita comparisons do not need it)",
                )
            )
            continue
        check, issue = _hand_read_check(r, int(m.group(1)), spec_id, key, where=where, line=line)
        checks.append(check)
        if issue is not None:
            issues.append(issue)
    return checks, issues, skipped, pd.DataFrame(budget, columns=list(BUDGET_COLUMNS))


def _budget_row(r: pd.Series, where: str, line: int) -> dict:
    """A 2025 budget-execution row of the raw file, as a row of ``budget_2025.csv``."""
    return {
        "region_code": r["region_code"],
        "year": int(r["year"]),
        "indicator": r["indicator"],
        "indicator_zh": r["indicator_zh"],
        "unit": r["unit"],
        "value": r["value"],
        "source": r["source_title"],
        "source_url": r["source_url"],
        "note": f"{r['note']}; transcribed in {where} line {line}",
    }


def _hand_read_check(
    r: pd.Series, edition: int, spec_id: str, key: pd.DataFrame, *, where: str, line: int
) -> tuple[dict, dict | None]:
    """One hand-read yearbook cell against the table (``key``: the table indexed by city,
    edition, scope and indicator): the check row, and the discrepancy when they differ."""
    cell_m = re.search(r"Sheet1!([A-Z]+\d+)", r["note"])
    if not cell_m:
        raise DataValidationError(
            "no Sheet1!<cell> in the note", path=where, row=line, column="note"
        )
    if int(r["year"]) != edition - 1:
        raise DataValidationError(
            f"year is not edition {edition} − 1",
            path=where,
            row=line,
            column="year",
            value=r["year"],
        )
    city, scope = RAW_REGIONS[r["region_code"]]
    hand_cell, hand_value = cell_m.group(1), float(r["value"])
    factor = 1.0 if r["unit"] == SPECS_BY_ID[spec_id].unit else np.nan
    ours = key.loc[(city, edition, scope, spec_id)]
    same_value = bool(np.isclose(ours["value"], hand_value * factor, rtol=0, atol=1e-9))
    same_cell = ours["cell"] == hand_cell
    status = "agree" if same_value and same_cell else "differ"
    reason = (
        ""
        if status == "agree"
        else (
            ("cell differs; " if not same_cell else "")
            + ("value differs" if not same_value else "")
        )
    )
    check = {
        "check": "hand_read",
        "city_code": city,
        "data_year": edition - 1,
        "edition": edition,
        "scope": scope,
        "indicator": spec_id,
        "yearbook_value": fmt_value(ours["value"]),
        "yearbook_cell": ours["cell"],
        "other_source": f"{where} line {line} (hand-read)",
        "other_ref": f"Sheet1!{hand_cell}",
        "other_value": fmt_value(hand_value),
        "difference": fmt_value(round(float(ours["value"]) - hand_value * factor, 9)),
        "tolerance": "0",
        "status": status,
        "reason": reason,
    }
    issue = None
    if status == "differ":
        issue = discrepancy(
            "value",
            region_code=city,
            year=edition - 1,
            area=scope,
            indicator=spec_id,
            source_a=source_title(edition),
            ref_a=f"cell {ours['cell']}",
            value_a=check["yearbook_value"],
            source_b=f"{where} line {line} (hand-read)",
            ref_b=f"Sheet1!{hand_cell} ({r['unit']})",
            value_b=check["other_value"],
            reason=reason,
            action="the workbook value is kept",
        )
    return check, issue


def _skip(file: str, line: int, r: pd.Series, reason: str) -> dict:
    return {
        "file": file,
        "line": line,
        "region_code": r["region_code"],
        "year": r["year"],
        "indicator": r["indicator"],
        "value": r["value"],
        "reason": reason,
    }


def census_checks(table: pd.DataFrame, counties: pd.DataFrame) -> tuple[list[dict], list[dict]]:
    """Resident population 2020 (2021 edition, 全市, 万人) against the 2020 census of every city.

    The census side is the sum of the city's county-level units (functional zones included) in
    the 2020 census county table. Tolerance: 0.5万 (the yearbook prints whole 万人). The yearbook
    counts at 31 December, the census on 1 November: larger differences are listed with the share
    of the census value and, where known, the territory that explains them.
    """
    census = counties.groupby("prefecture_code")["population"].sum().astype("float64")
    yb = table[
        (table["edition"] == 2021)
        & (table["scope"] == "全市")
        & (table["indicator"] == "population_resident")
    ]
    checks, issues = [], []
    for _, r in yb.iterrows():
        if r["city_code"] not in census.index or np.isnan(r["value"]):
            continue
        c = float(census[r["city_code"]]) / 1e4
        diff = float(r["value"]) - c
        status = "agree" if abs(diff) <= 0.5 + 1e-9 else "differ"
        share = diff / c * 100
        if status == "agree":
            reason = ""
        elif r["city_code"] in CENSUS_TERRITORY:
            reason = CENSUS_TERRITORY[r["city_code"]]
        elif abs(share) <= 1.0:
            reason = (
                f"{share:+.2f}% of the census: within what the two dates (31 Dec vs 1 Nov 2020) "
                "and the yearbook's rounding to 万人 explain"
            )
        else:
            reason = (
                f"{share:+.2f}% of the census: more than the dates and rounding explain; cause "
                "not verified (territory or estimate differences)"
            )
        check = {
            "check": "census_2020",
            "city_code": r["city_code"],
            "data_year": 2020,
            "edition": 2021,
            "scope": "全市",
            "indicator": "population_resident",
            "yearbook_value": fmt_value(r["value"]),
            "yearbook_cell": r["cell"],
            "other_source": "第七次全国人口普查 分县资料（年鉴县级表），sum of the city's units",
            "other_ref": f"counties_2020.parquet prefecture_code {r['city_code']}",
            "other_value": fmt_value(round(c, 4)),
            "difference": fmt_value(round(diff, 4)),
            "tolerance": "0.5",
            "status": status,
            "reason": reason,
        }
        checks.append(check)
        if status == "differ":
            issues.append(
                discrepancy(
                    "value",
                    region_code=r["city_code"],
                    year=2020,
                    area="全市",
                    indicator="population_resident",
                    source_a=source_title(2021),
                    ref_a=f"{r['table']} cell {r['cell']} ({r['city_name']}, 万人)",
                    value_a=check["yearbook_value"],
                    source_b="第七次全国人口普查 分县资料（年鉴县级表）",
                    ref_b=check["other_ref"],
                    value_b=check["other_value"],
                    reason=reason,
                    action="both kept; per-resident rates of the yearbook use its own 常住人口",
                )
            )
    return checks, issues


def build_yearbook(
    shared: Path, counties: pd.DataFrame
) -> tuple[dict[str, pd.DataFrame], list[dict], list[dict]]:
    """Everything of the yearbook: ({file name: frame}, discrepancies, skipped raw rows).

    ``counties`` is the 2020 national county table as the census build makes it (codes, names,
    population).
    """
    from huainan.evidence.yearbook_xlsx import read_editions

    editions = read_editions(shared, counties)
    table, sources, issues = assemble(editions)
    hand, hand_issues, skipped, budget = hand_read_checks(Path(shared), table)
    cen, cen_issues = census_checks(table, counties)
    frames = {
        "city_yearbook.csv": table_csv(table),
        "city_yearbook_sources.csv": sources,
        "city_yearbook_checks.csv": pd.DataFrame(hand + cen, columns=list(CHECK_COLUMNS)),
        "budget_2025.csv": budget,
    }
    return frames, issues + hand_issues + cen_issues, skipped
