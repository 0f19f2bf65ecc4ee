"""Take officials' monitoring tables into the append-only store, validating everything first.

:func:`ingest` reads a CSV or Excel file (via :func:`huainan.intake.reader.read_raw`, so every encoding,
layout and placeholder rule of :func:`read_table` applies), resolves each row to a key
``(region_code, indicator, year, area)`` and a value in the indicator's unit, checks all rows, and
only then appends them to the store (:mod:`huainan.evidence.monitoring`). Any problem → an
:class:`~huainan.errors.IngestError` listing every bad row and the store byte-identical to before.

Accepted layouts (column names after NFKC; a unit in brackets in a header applies to the column):

- **long**: ``区划代码`` and/or ``地区``, ``指标`` and/or ``指标ID``, ``年份`` (or ``year=`` for a
  file without one), ``数值``, optional ``单位``, ``城乡`` (合计/城镇/乡村), ``数据来源``, ``备注``;
- **wide**: the same label columns with one column per year (``2021`` … or ``2021年``, also
  under a merged ``年份`` heading: ``年份/2021``) instead of ``年份``/``数值`` — the layout of the
  Excel template (:func:`huainan.intake.template.write_template`), which is read sheet by sheet.

Indicators are looked up by id or Chinese name in the plan (专栏2 indicators and the project
metrics of 专栏4–13) and the statistics catalogue (:func:`huainan.evidence.stats.indicator_catalog`), after
NFKC, without spaces and with a trailing unit in brackets split off (``城镇新增就业（万人）``). A
name that matches nothing is an error that lists the closest names — never a silent guess. Units
may come from the ``单位`` column, the header, the indicator name or the cell (``3.6万人``,
``0.61万``) and, when none of these gives one, from the table's unit line (``单位：个/千人`` above
the header, :func:`huainan.intake.reader.read_raw`); they must agree where several are given, and the
value is converted exactly into the indicator's unit (:mod:`huainan.intake.units`). The converted value
must lie within the indicator's bounds (:data:`BOUNDS`: shares ≤ 100 %, rates per 1,000 ≤ 1,000,
counts ≥ 0, life expectancy 40–100 岁 …).

Every problem names the file and the place: ``row 5, column '数值'`` in a text file, the Excel
reference ``病有所医!H5`` (with the column name) in a workbook. The common messages are in
Chinese and English. The store folder must exist unless ``create_store=True``.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import math
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from huainan import plan
from huainan.errors import DataValidationError, IngestError, UnitError
from huainan.evidence import monitoring, stats
from huainan.intake.reader import (
    MISSING_REASONS,
    NotATableError,
    RawTable,
    parse_cell,
    read_raw,
    read_table,
    sheet_names,
    typo_hint,
)
from huainan.intake.units import BASES, conversion_factor, convert, parse_unit, split_quantity
from huainan.plan import regions
from huainan.text import match_key, normalize_text

__all__ = [
    "BOUNDS",
    "Bound",
    "IngestReport",
    "StoreCheck",
    "catalogue",
    "ingest",
    "read_table",
    "resolve_indicator",
    "resolve_region",
    "validate_store",
]

#: Years a monitoring value may carry: the same as the statistics (:data:`huainan.evidence.stats.YEAR_RANGE`,
#: the 2010 census to 2025, the plan's last year).
YEAR_RANGE: tuple[int, int] = stats.YEAR_RANGE

_ROLES: dict[str, tuple[str, ...]] = {
    "region_code": ("区划代码", "行政区划代码", "代码", "region_code"),
    "region_name": ("地区", "地区名称", "区县", "县区", "县(区)", "region"),
    "indicator": ("指标", "指标名称", "indicator"),
    "indicator_id": ("指标ID", "指标id", "指标编号", "indicator_id"),
    "year": ("年份", "年度", "year"),
    "value": ("数值", "值", "数据", "value"),
    "unit": ("单位", "计量单位", "unit"),
    "area": ("城乡", "area"),
    "source": ("数据来源", "来源", "资料来源", "source"),
    "note": ("备注", "说明", "note"),
}
_AREAS = {
    "合计": "total",
    "全部": "total",
    "总计": "total",
    "total": "total",
    "": "total",
    "城镇": "urban",
    "城市": "urban",
    "urban": "urban",
    "乡村": "rural",
    "农村": "rural",
    "rural": "rural",
}
# A year column: ``2023``, ``2023年``, ``2023年(万人)``, or under a merged 年份/年度/数值 heading
# (``年份/2023``: a two-row header joined by :func:`huainan.intake.reader.read_raw`).
_YEAR_HEADER = re.compile(
    r"^(?:(?:年份|年度|年|数值|值|数据)/)?(?P<year>(?:19|20)[0-9]{2})(?:年)?"
    r"(?:\((?P<unit>[^()]+)\))?$"
)
_TRAILING_BRACKET = re.compile(r"^(?P<name>.*\S)\((?P<inner>[^()]+)\)$")
_UNIT_LABEL = re.compile(r"^(?:计量)?单位\s*:\s*")  # 数值(单位:万人) → 万人


# --------------------------------------------------------------------------------------------
# Bounds: the values an indicator can take
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bound:
    """The smallest and largest value an indicator can take, in its stored unit, and why.

    Attributes
    ----------
    low, high : float
        Inclusive limits (``high`` may be ``inf``: no upper limit).
    kind : str
        ``logical`` (no other value is possible: a share above 100 %, a negative count) or
        ``plausible`` (other values are possible in principle but certainly a typo here).
    reason : str
        Why, in Chinese and English (shown to whoever typed the value).
    """

    low: float
    high: float
    kind: str
    reason: str


def _rate(zh: str, en: str) -> Bound:
    """A 0–100 % bound for a rate named ``zh`` / ``en``."""
    return Bound(0, 100, "logical", f"{zh}不能超过100% / {en} cannot exceed 100 %")


_SHARE = _rate("比率、占比", "a rate or share of a whole")
_COVERAGE = _rate("覆盖率、参保率、保障率", "a coverage rate")
_PER_1000 = Bound(
    0, 1000, "logical", "每千人口指标不能超过1000 / a rate per 1,000 residents cannot exceed 1,000"
)
_GROSS = Bound(
    0,
    math.inf,
    "logical",
    "毛入园（学）率可以超过100%（分子含超龄、低龄学生），"
    "只要求不为负 / a gross enrolment rate may exceed 100 % "
    "(over- and under-age pupils count): only ≥ 0",
)
_COUNT = Bound(
    0, math.inf, "logical", "数量、人均量不能为负 / a count or amount cannot be negative"
)
_SCHOOLING = Bound(
    0,
    16,
    "plausible",
    "平均受教育年限超过16年（人人大学本科毕业）必为录入错误 / an average above 16 "
    "years (every resident a university graduate) is certainly a typo, e.g. "
    "102.5 for 10.25",
)

#: Bounds of the plan's indicators (专栏2), the project metrics with a bounded unit (专栏4–13)
#: and the statistics whose catalogue gives no ``max_value`` but that have a natural limit. Every
#: other indicator gets the statistics catalogue's ``max_value`` (shares: 100) or, without one,
#: :data:`DEFAULT_BOUND` (≥ 0). Values outside are refused by :func:`ingest` and reported by
#: :func:`validate_store`; the template's Excel data validation uses the same limits.
BOUNDS: dict[str, Bound] = {
    # 专栏2
    "nursery_places_per_1000": _PER_1000,
    "orphan_support_coverage": _COVERAGE,
    "preschool_gross_enrolment": _GROSS,
    "compulsory_education_retention": _rate("巩固率", "a retention rate"),
    "senior_secondary_gross_enrolment": _GROSS,
    "working_age_avg_years_schooling": _SCHOOLING,
    "subsidised_vocational_training": _COUNT,
    "life_expectancy": Bound(
        40,
        100,
        "plausible",
        "人均预期寿命在40–100岁以外必为录入错误（如把77.8录成7.8）/ a life "
        "expectancy outside 40–100 years is certainly a typo (7.8 for 77.8)",
    ),
    "physicians_per_1000": _PER_1000,
    "nurses_per_1000": _PER_1000,
    "medical_insurance_coverage": _COVERAGE,
    "nursing_bed_share": _SHARE,
    "new_area_elderly_facility_compliance": _rate("达标率", "a compliance rate"),
    "pension_insurance_coverage": _COVERAGE,
    "elderly_care_beds_total": _COUNT,
    "public_rental_housing_coverage": _COVERAGE,
    "rural_housing_safety_coverage": _COVERAGE,
    "old_residential_renovation": _COUNT,
    "disability_subsidy_coverage": _COVERAGE,
    "veteran_placement_rate": _rate("安置率", "a placement rate"),
    "public_culture_visits_per_10k": Bound(
        0,
        math.inf,
        "logical",
        "每万人服务次数可以超过10000（次数，不是人数），只要求不为"
        "负 / visits per 10,000 residents may exceed 10,000 "
        "(visits, not people): only ≥ 0",
    ),
    "sports_area_per_capita": _COUNT,
    "community_service_space_per_100hh": _COUNT,
    # project metrics (专栏4–13, chapter text)
    "quality_balanced_counties_share": _SHARE,
    "three_km_employment_community_share": _SHARE,
    "community_childcare_coverage": _COVERAGE,
    "inclusive_kindergarten_coverage": _COVERAGE,
    "minor_protection_station_coverage": _COVERAGE,
    "village_sports_instructor_coverage": _rate("配备率", "a staffing rate"),
    "old_estates_pre2000_renovated_share": _SHARE,
    "nursery_places_per_1000_new_areas": _PER_1000,
    "nursery_places_per_1000_old_areas": _PER_1000,
    # statistics without a catalogue max_value
    "birth_rate": Bound(
        0, 1000, "logical", "千分率不能超过1000‰ / a rate per 1,000 cannot exceed 1,000 ‰"
    ),
    "hospital_beds_per_1000": _PER_1000,
    "avg_years_schooling": _SCHOOLING,
    "avg_years_schooling_15plus": _SCHOOLING,
    "old_age_dependency_ratio": Bound(
        0,
        math.inf,
        "logical",
        "抚养比是两个人口之比，可以超过100% / a ratio of two "
        "populations, may exceed 100 %: only ≥ 0",
    ),
}
#: The bound of an indicator that has neither a :data:`BOUNDS` row nor a catalogue ``max_value``.
DEFAULT_BOUND = _COUNT
_CATALOGUE_SHARE = (
    "统计指标目录：占比不能超过{high:g}% / statistics catalogue: a share cannot exceed {high:g} %"
)

#: A % value in (0, 1] is refused as a fraction typed for a percentage (0.956 for 95.6) when the
#: indicator's 2020 baseline is above this; for other % indicators it is a warning.
FRACTION_BASELINE = 50.0


# --------------------------------------------------------------------------------------------
# The indicator catalogue
# --------------------------------------------------------------------------------------------


def catalogue() -> pd.DataFrame:
    """Return every indicator a monitoring value may be stored under.

    Returns
    -------
    pandas.DataFrame
        One row per indicator id: ``indicator`` (id), ``name_zh``, ``unit`` (the unit values are
        stored in), ``domain``, ``origin`` (``专栏2``, the project's section, or ``stats``),
        ``names`` (tuple of accepted Chinese names), ``units`` (tuple of unit spellings that mean
        the stored unit, e.g. ``("个", "个/千人")`` for nursery places per 1,000 residents, which
        专栏2 prints as 个 and 专栏8 as 个/千人), ``ids`` (tuple: the id and ids that mean the
        same quantity, e.g. a project metric repeating a 专栏2 indicator); the bounds of its
        values in the stored unit: ``min_value``, ``max_value`` (float, ``inf`` when there is
        no upper limit), ``bound_kind`` (``logical`` | ``plausible``), ``bound_reason`` (str;
        from :data:`BOUNDS`, else the statistics catalogue's ``max_value``, else
        :data:`DEFAULT_BOUND`); ``baseline_2020`` (float, the plan's 2020 value from 专栏2 or
        the project tables; NaN when none is printed and for five-year cumulative indicators,
        whose baseline is a 2016–2020 total).

    Raises
    ------
    DataValidationError
        If two sources give one id different units that are not the same quantity, or if a
        :data:`BOUNDS` row disagrees with the statistics catalogue's ``max_value``.

    Examples
    --------
    >>> cat = catalogue().set_index("indicator")
    >>> cat.at["new_urban_jobs", "unit"], cat.at["nursery_places_per_1000", "units"]
    ('万人', ('个', '个/千人'))
    >>> life = cat.loc["life_expectancy"]
    >>> float(life["min_value"]), float(life["max_value"]), life["bound_kind"]
    (40.0, 100.0, 'plausible')
    >>> [float(cat.at[i, "max_value"]) for i in ("preschool_gross_enrolment", "share_age_60plus")]
    [inf, 100.0]
    """
    entries: dict[str, dict] = {}

    def add(ident, name, unit, domain, origin, *, alias_of=None):
        target = alias_of or ident
        if target not in entries:
            entries[target] = {
                "indicator": target,
                "name_zh": name,
                "unit": unit,
                "domain": domain,
                "origin": origin,
                "names": [],
                "units": [unit],
                "ids": [target],
            }
        e = entries[target]
        if name and name not in e["names"]:
            e["names"].append(name)
        if ident not in e["ids"]:
            e["ids"].append(ident)
        if unit not in e["units"]:
            if alias_of is None and origin == "stats":
                raise DataValidationError(
                    f"indicator {target!r} has unit {e['unit']!r} in {e['origin']} but "
                    f"{unit!r} in the statistics catalogue",
                    column="unit",
                    value=unit,
                )
            e["units"].append(unit)

    ind = plan.indicators()
    for r in ind.itertuples():
        add(r.indicator_id, r.name_zh, r.unit, r.domain, r.source)
        add(r.indicator_id, normalize_text(r.name_printed), r.unit, r.domain, r.source)
    proj = plan.projects()
    for r in proj.drop_duplicates("metric_id").itertuples():
        linked = r.indicator_id if isinstance(r.indicator_id, str) else None
        add(r.metric_id, normalize_text(r.metric_zh), r.unit, r.domain, r.section, alias_of=linked)
    for r in stats.indicator_catalog().itertuples():
        add(r.id, r.name_zh, r.unit, r.domain, "stats")
        for alias in (r.aliases if isinstance(r.aliases, str) else "").split(";"):
            if alias.strip():
                add(r.id, normalize_text(alias), r.unit, r.domain, "stats")
        entries[r.id]["max_value"] = pd.to_numeric(r.max_value, errors="coerce")
    baselines = {
        r.indicator_id: float(r.baseline)
        for r in ind.itertuples()
        if r.baseline_year == 2020 and pd.notna(r.baseline) and not r.cumulative
    }
    for r in proj.itertuples():
        if pd.notna(r.baseline_value) and r.baseline_year == 2020:
            baselines.setdefault(r.metric_id, float(r.baseline_value))
    records = []
    for e in entries.values():
        listed = e.get("max_value", math.nan)
        bound = BOUNDS.get(e["indicator"])
        if bound is not None and not math.isnan(listed) and listed != bound.high:
            raise DataValidationError(
                f"indicator {e['indicator']!r}: BOUNDS says at most {bound.high:g} but the "
                f"statistics catalogue's max_value is {listed:g}",
                column="max_value",
                value=listed,
            )
        if bound is None:
            bound = (
                DEFAULT_BOUND
                if math.isnan(listed)
                else Bound(0, float(listed), "logical", _CATALOGUE_SHARE.format(high=listed))
            )
        records.append(
            {
                **{k: e[k] for k in ("indicator", "name_zh", "unit", "domain", "origin")},
                "names": tuple(e["names"]),
                "units": tuple(e["units"]),
                "ids": tuple(e["ids"]),
                "min_value": float(bound.low),
                "max_value": float(bound.high),
                "bound_kind": bound.kind,
                "bound_reason": bound.reason,
                "baseline_2020": baselines.get(e["indicator"], math.nan),
            }
        )
    return pd.DataFrame(records)


class _IndicatorIndex:
    """Name/id → indicator lookup over a :func:`catalogue` (built once per ingest)."""

    def __init__(self, cat: pd.DataFrame):
        self.cat = cat
        self.table: dict[str, set[str]] = {}
        self.names: dict[str, tuple[str, str, str]] = {}
        self.units = {u for units in cat["units"] for u in units}
        for r in cat.itertuples():
            for text in (*r.ids, *r.names):
                self.table.setdefault(match_key(text), set()).add(r.indicator)
            for n in r.names:
                self.names.setdefault(match_key(n), (n, r.indicator, r.unit))

    def _is_unit(self, text: str) -> bool:
        text = text.replace(" ", "")
        if text in self.units:
            return True
        u = parse_unit(text)
        return u.base == "ratio" or u.factor != 1 or u.base in BASES

    def resolve(self, text: str) -> tuple[str, str | None]:
        norm = normalize_text(text)
        tries: list[tuple[str, str | None]] = [(norm, None)]
        m = _TRAILING_BRACKET.match(norm)
        if m and self._is_unit(m["inner"]):
            tries.insert(0, (m["name"], m["inner"].replace(" ", "")))
        for name, unit in tries:
            hit = self.table.get(match_key(name))
            if hit and len(hit) == 1:
                return next(iter(hit)), unit
            if hit:
                raise IngestError(
                    f"the name {text!r} fits several indicators {sorted(hit)}; "
                    "use the id (指标ID) instead",
                    value=text,
                )
        close = difflib.get_close_matches(match_key(tries[0][0]), list(self.names), n=4, cutoff=0.5)
        hint = "; ".join(
            f"{self.names[k][0]} ({self.names[k][1]}, {self.names[k][2]})" for k in close
        )
        raise IngestError(
            "未知指标 / unknown indicator"
            + (f"; closest known names (最接近的指标): {hint}" if hint else "")
            + ". Use a name or id from the plan or the statistics catalogue "
            "(huainan.intake.ingest.catalogue()); names are never guessed",
            value=text,
        )


def resolve_indicator(text: str, cat: pd.DataFrame | None = None) -> tuple[str, str | None]:
    """Return the indicator id a name or id stands for, and a unit written in brackets after it.

    Parameters
    ----------
    text : str
        An id (``new_urban_jobs``) or Chinese name (``城镇新增就业``, ``城镇新增就业（万人）``,
        ``每千人口执业 (助理) 医师数``).
    cat : DataFrame, optional
        :func:`catalogue` (default: built now).

    Returns
    -------
    (str, str or None)

    Raises
    ------
    IngestError
        Unknown name (the message lists the closest known names with their ids and units) or a
        name shared by several indicators.

    Examples
    --------
    >>> resolve_indicator("城镇新增就业（万人）")
    ('new_urban_jobs', '万人')
    >>> resolve_indicator(" 每千人口执业 (助理) 医师数 ")
    ('physicians_per_1000', None)
    """
    return _IndicatorIndex(catalogue() if cat is None else cat).resolve(text)


# --------------------------------------------------------------------------------------------
# Regions
# --------------------------------------------------------------------------------------------


# The template labels the Anhui row 安徽省（参照值）: a comparison value, still region 340000.
_REFERENCE_SUFFIX = re.compile(r"\((?:参照值|参考值|全省平均(?:值|水平)?)\)$")


class _RegionIndex:
    """Code/name → region code lookup over :func:`huainan.plan.regions.regions`."""

    def __init__(self):
        r = regions.regions()
        self.codes = dict(zip(r["code"], r["name_zh"], strict=True))
        self.by_name = {n: c for c, n in self.codes.items()}
        for n, c in list(self.by_name.items()):
            short = re.sub(r"(?:区|县|市|省)$", "", n)
            if len(short) >= 2 and short not in self.by_name:
                self.by_name[short] = c
        self.by_name["全市"] = regions.CITY_CODE

    def resolve(self, code: str | None, name: str | None) -> str:
        out = None
        if code:
            c = re.sub(r"\.0$", "", code.strip())
            if c not in self.codes:
                raise IngestError(
                    "未知地区代码 / unknown region code; known codes: "
                    + ", ".join(f"{k} {v}" for k, v in self.codes.items()),
                    value=code,
                )
            out = c
        if name:
            n = _REFERENCE_SUFFIX.sub("", normalize_text(name).replace(" ", ""))
            if n not in self.by_name:
                raise IngestError(
                    "未知地区 / unknown region name; known regions: "
                    + "、".join(self.codes.values()),
                    value=name,
                    column="region_name",
                )
            if out is not None and self.by_name[n] != out:
                raise IngestError(
                    f"region code {out} is {self.codes[out]}, but the name says "
                    f"{name!r} ({self.by_name[n]})",
                    value=name,
                )
            out = self.by_name[n]
        if out is None:
            raise IngestError("缺少地区 / no region given (区划代码 or 地区)")
        return out


def resolve_region(code: str | None, name: str | None) -> str:
    """Return the 6-digit code of a region given its code, its Chinese name, or both.

    Names may drop the 区/县/市 suffix (``凤台`` → 340421); ``全市`` means the city (340400); a
    trailing ``（参照值）`` (the template's 安徽省（参照值） row) is not part of the name. When both
    are given they must name the same region.

    Raises
    ------
    IngestError
        Unknown code or name, or code and name that disagree.

    Examples
    --------
    >>> resolve_region("340421", "凤台县"), resolve_region(None, "凤台")
    ('340421', '340421')
    >>> resolve_region("340400", None), resolve_region("340000", "安徽省（参照值）")
    ('340400', '340000')
    """
    return _RegionIndex().resolve(code, name)


# --------------------------------------------------------------------------------------------
# Reading a file into candidate observations
# --------------------------------------------------------------------------------------------


@dataclass
class _Problems:
    """Every problem found in a file; :meth:`raise_if_any` raises them as one IngestError.

    ``sheet`` and ``letters`` (column name → Excel column letter) are set while a worksheet is
    read, so each problem names its place as an Excel reference (``病有所医!H5``).
    """

    path: str
    items: list[IngestError] = field(default_factory=list)
    sheet: str | None = None
    letters: dict[str, str] = field(default_factory=dict)

    def add(self, message, *, row=None, column=None, value=None, cause=None, place=None):
        """Record a problem; ``place`` = (sheet, cell) overrides the current sheet."""
        if isinstance(cause, DataValidationError):
            message = f"{message}: {cause.reason}" if message else cause.reason
            value = cause.value if value is None else value
        if place is not None:
            sheet, cell = place
        else:
            sheet, cell = self.sheet, self.cell(column, row)
        self.items.append(
            IngestError(
                message, path=self.path, row=row, column=column, value=value, sheet=sheet, cell=cell
            )
        )

    def cell(self, column, row) -> str | None:
        """The Excel cell (``H5``) of a column and row in the current sheet, else None."""
        if self.sheet is not None and row is not None and column in self.letters:
            return f"{self.letters[column]}{row}"
        return None

    def place(self, column, row) -> str:
        """A place for a warning line: ``病有所医!H5`` in a workbook, ``row 5, column 'x'``."""
        cell = self.cell(column, row)
        if cell is not None:
            return IngestError("", sheet=self.sheet, cell=cell).location
        return f"row {row}, column {column!r}"

    def add_error(self, exc: DataValidationError):
        """Keep an error raised while reading the file's layout (it names its own place)."""
        self.items.append(
            exc
            if isinstance(exc, IngestError)
            else IngestError(
                exc.reason,
                path=exc.path,
                row=exc.row,
                column=exc.column,
                value=exc.value,
                sheet=exc.sheet,
                cell=exc.cell,
            )
        )

    def raise_if_any(self):
        if not self.items:
            return
        first = self.items[0]
        lines = "\n".join(f"  - {_where(e)}" for e in self.items[:30])
        more = f"\n  … and {len(self.items) - 30} more" if len(self.items) > 30 else ""
        err = IngestError(
            f"{len(self.items)} problem(s) found, nothing was written "
            f"(发现 {len(self.items)} 处问题，未写入任何数据):\n{lines}{more}",
            path=self.path,
        )
        err.row, err.column, err.value = first.row, first.column, first.value
        err.sheet, err.cell = first.sheet, first.cell
        err.problems = list(self.items)
        raise err


def _where(e: IngestError) -> str:
    """One problem as a line: ``病有所医!H5, column '2023年': not a number … (cell text: '…')``.

    The place is the Excel reference for a workbook and ``row 3, column '指标'`` for a CSV file.
    """
    where = e.location
    text = (f"{where}: " if where else "") + e.reason
    return text + (f" (cell text: {e.value!r})" if e.value is not None else "")


def _roles(columns: list[str]) -> tuple[dict[str, str], dict[str, str | None], dict[str, int]]:
    """Map roles to columns; return (role → column, role → unit in header, year col → year)."""
    found: dict[str, str] = {}
    header_units: dict[str, str | None] = {}
    years: dict[str, int] = {}
    for col in columns:
        m = _YEAR_HEADER.match(col.replace(" ", ""))
        if m:
            years[col] = int(m["year"])
            header_units[col] = m["unit"] and _UNIT_LABEL.sub("", m["unit"])
            continue
        base, unit = col, None
        b = _TRAILING_BRACKET.match(col)
        if b:
            base, unit = b["name"], _UNIT_LABEL.sub("", b["inner"])
        for role, names in _ROLES.items():
            if (base in names or col in names) and role not in found:
                found[role] = col
                header_units[col] = unit if base in names and col not in names else None
                break
    return found, header_units, years


@dataclass
class _Candidate:
    row: int
    column: str
    place: tuple[str | None, str | None]  # (sheet, Excel cell) in a workbook, else (None, None)
    region_code: str
    indicator: str
    year: int
    area: str
    value: float
    unit: str
    source: str | None
    note: str | None
    source_ref: str


def _cell_value(
    text: str,
    original: str,
    declared: str | None,
    canonical: str,
    accepted: tuple[str, ...],
    table_unit: str | None = None,
) -> float:
    """Parse a value cell (``3.6万人``, ``95.6%``, ``41.5``) into a float in ``canonical`` units.

    The unit is the cell's own (``3.6万人``), else ``declared`` (单位 column, header, indicator
    name), else ``table_unit`` (the table's ``单位：…`` line).
    """
    number, cell_unit = split_quantity(text)
    parsed = parse_cell(number)
    if parsed.kind != "number":
        hint = typo_hint(text)
        raise IngestError("不是数字 / not a number" + (f"; {hint}" if hint else ""), value=original)
    if cell_unit and declared and parse_unit(cell_unit).text != parse_unit(declared).text:
        raise IngestError(
            f"the cell says {cell_unit!r} but the unit given for it is "
            f"{declared!r}; keep one of them (单元格中的单位与单位列不一致)",
            value=original,
        )
    unit = cell_unit or declared or table_unit
    origin = (
        " (from the table's 单位 line)"
        if unit and unit == table_unit and not (cell_unit or declared)
        else ""
    )
    if not unit:
        raise IngestError(
            f"缺少单位 / no unit: add a 单位 column, put the unit in the header "
            f"or in a 单位：… line above the table, or write it in the cell (this "
            f"indicator is stored in {canonical!r})",
            value=original,
        )
    if parse_unit(unit).text in accepted:
        return parsed.value + 0.0  # -0 → 0
    try:
        conversion_factor(unit, canonical)
    except UnitError as exc:
        raise IngestError(
            f"unit {unit!r}{origin} cannot be converted to {canonical!r}, the unit "
            "this indicator is stored in (单位无法换算)",
            value=original,
        ) from exc
    if parse_unit(unit).base == "" and parse_unit(canonical).base not in ("", "ratio"):
        unit = parse_unit(unit).text + parse_unit(canonical).base
    return convert(parsed.value, unit, canonical) + 0.0


def _bound_problem(value: float, original: str, text: str, info) -> tuple[str, bool] | None:
    """Return (message, is_error) when ``value`` (stored unit) breaks the indicator's bounds.

    Also catches a fraction typed for a percentage (0.956 for 95.6): an error when the
    indicator's 2020 baseline is above :data:`FRACTION_BASELINE` %, otherwise a warning.
    """
    unit = info["unit"]
    low, high = info["min_value"], info["max_value"]
    if not low <= value <= high:
        side = f"below {low:g}" if value < low else f"above {high:g}"
        side_zh = f"低于{low:g}" if value < low else f"高于{high:g}"
        return (
            f"超出合理范围 / out of bounds: {value:g} {unit} is {side} {unit} "
            f"(数值{side_zh}{unit}; {info['bound_reason']})",
            True,
        )
    if unit == "%" and 0 < value <= 1:
        baseline = info["baseline_2020"]
        if baseline > FRACTION_BASELINE:  # False for NaN
            return (
                f"疑似把百分数填成了小数 / a fraction typed for a percentage: "
                f"{info['name_zh']} was {baseline:g} % in 2020, so {original!r} must be "
                f"{value * 100:g} %; type the percent figure ({value * 100:g}, not "
                f"{value:g})",
                True,
            )
        if "%" not in text:
            return (
                f"{original!r} for a % indicator looks like a fraction; percent figures are "
                "stored (95.6, not 0.956) (请核对：百分数应填 95.6 而不是 0.956)",
                False,
            )
    return None


def _read_sheet(
    raw: RawTable,
    path: Path,
    sheet: str | None,
    year: int | None,
    cat: pd.DataFrame,
    problems: _Problems,
    counts: dict,
    warnings: list[str],
    skipped: list[str],
) -> list[_Candidate]:
    roles, header_units, years = _roles(raw.columns)
    letters = raw.attrs["column_letters"]
    problems.sheet, problems.letters = sheet, letters
    where = f"sheet {sheet!r}: " if sheet else ""
    if "indicator" not in roles and "indicator_id" not in roles:
        problems.add(f"缺少指标列 / no 指标 (indicator) column; the columns are {raw.columns}")
        return []
    if "region_code" not in roles and "region_name" not in roles:
        problems.add(
            f"缺少地区列 / no 区划代码 or 地区 (region) column; the columns are {raw.columns}"
        )
        return []
    if "value" in roles:
        if "year" not in roles and year is None:
            problems.add(
                "缺少年份列 / no 年份 (year) column: add one, or pass year= "
                "(huainan ingest --year) when the whole file is one year"
            )
            return []
        if "year" in roles and year is not None:
            problems.add(f"the file has a 年份 column and year={year} was given too; drop one")
            return []
        value_cols = [roles["value"]]
    elif years:
        value_cols = list(years)
        if year is not None:
            problems.add(f"year={year} was given but the file has a column per year")
            return []
    else:
        problems.add(
            f"缺少数值列 / no 数值 (value) column and no year columns (2021, 2022年, "
            f"年份/2022 …); the columns are {raw.columns}"
        )
        return []
    ignored = [c for c in raw.columns if c not in {*roles.values(), *value_cols}]
    if ignored:
        warnings.append(f"{where}columns not read (not a known column name): {ignored}")
    table_units = list(
        dict.fromkeys(u.strip() for u in (raw.attrs.get("unit") or "").split(";") if u.strip())
    )
    table_unit = table_units[0] if len(table_units) == 1 else None
    if len(table_units) > 1:
        warnings.append(
            f"{where}the table names several units {table_units} in 单位 lines; "
            "none of them is used (give a 单位 column instead)"
        )
    idx = {c: i for i, c in enumerate(raw.columns)}
    by_id = cat.set_index("indicator")
    indicators, places = _IndicatorIndex(cat), _RegionIndex()
    name = path.name
    out: list[_Candidate] = []
    for rnum, cells in raw.rows:

        def cell(role, cells=cells):
            return cells[idx[roles[role]]] if role in roles else ""

        if not any(cells[idx[c]] for c in value_cols) and not any(
            cells[idx[roles[r]]] for r in ("indicator", "indicator_id") if r in roles
        ):
            continue  # an empty line of a template or a section label
        try:
            region = places.resolve(cell("region_code") or None, cell("region_name") or None)
        except IngestError as exc:
            role = exc.column if exc.column in roles else "region_code"  # the cell at fault
            problems.add("", row=rnum, column=roles.get(role, roles.get("region_name")), cause=exc)
            continue
        try:
            ids = set()
            name_unit = None
            if cell("indicator_id"):
                ids.add(indicators.resolve(cell("indicator_id"))[0])
            if cell("indicator"):
                ident, name_unit = indicators.resolve(cell("indicator"))
                ids.add(ident)
            if not ids:
                raise IngestError("缺少指标 / no indicator given")
            if len(ids) > 1:
                raise IngestError(f"指标ID and 指标 name different indicators {sorted(ids)}")
        except IngestError as exc:
            problems.add(
                "", row=rnum, column=roles.get("indicator", roles.get("indicator_id")), cause=exc
            )
            continue
        ident = ids.pop()
        info = by_id.loc[ident]
        area_text = normalize_text(cell("area")).replace(" ", "")
        if area_text not in _AREAS:
            problems.add(
                "城乡须为 合计、城镇 或 乡村 / area must be 合计, 城镇 or 乡村",
                row=rnum,
                column=roles.get("area"),
                value=cell("area"),
            )
            continue
        declared = [u for u in (cell("unit"), name_unit) if u]
        for value_col in value_cols:
            text = cells[idx[value_col]]
            original = raw.originals[rnum][idx[value_col]]
            col_year = years.get(value_col)
            if "year" in roles:
                ytext = re.sub(r"(?:\.0|年)$", "", cell("year"))
                if not re.fullmatch(r"[0-9]{4}", ytext):
                    problems.add(
                        "year must be a 4-digit year",
                        row=rnum,
                        column=roles["year"],
                        value=cell("year"),
                    )
                    break
                col_year = int(ytext)
            the_year = col_year if col_year is not None else year
            assert the_year is not None  # a year column or year= was required above
            if not YEAR_RANGE[0] <= the_year <= YEAR_RANGE[1]:
                problems.add(
                    f"year outside {YEAR_RANGE[0]}–{YEAR_RANGE[1]}",
                    row=rnum,
                    column=roles.get("year", value_col),
                    value=str(the_year),
                )
                break
            parsed = parse_cell(text)
            if parsed.kind == "placeholder":
                counts["blank" if parsed.reason == "blank" else "placeholder"] += 1
                if parsed.reason != "blank":
                    skipped.append(
                        f"{problems.place(value_col, rnum)}: {original!r} "
                        f"({MISSING_REASONS.get(parsed.reason or '', parsed.reason)}) — not stored"
                    )
                continue
            units = declared + ([header_units[value_col]] if header_units.get(value_col) else [])
            if len({parse_unit(u).text for u in units}) > 1:
                problems.add(
                    f"the units given disagree: {units}", row=rnum, column=value_col, value=original
                )
                continue
            try:
                value = _cell_value(
                    text,
                    original,
                    units[0] if units else None,
                    info["unit"],
                    info["units"],
                    table_unit,
                )
            except (IngestError, UnitError) as exc:
                problems.add("", row=rnum, column=value_col, cause=exc)
                continue
            bad = _bound_problem(value, original, text, info)
            if bad is not None and bad[1]:
                problems.add(bad[0], row=rnum, column=value_col, value=original)
                continue
            if bad is not None:
                warnings.append(f"{problems.place(value_col, rnum)}: {bad[0]}")
            counts["read"] += 1
            ref = f"{name} [{sheet}] {letters[value_col]}{rnum}" if sheet else f"{name} line {rnum}"
            out.append(
                _Candidate(
                    rnum,
                    value_col,
                    (sheet, problems.cell(value_col, rnum)),
                    region,
                    ident,
                    the_year,
                    _AREAS[area_text],
                    value,
                    info["unit"],
                    cell("source") or None,
                    cell("note") or None,
                    ref,
                )
            )
    return out


# --------------------------------------------------------------------------------------------
# Ingest
# --------------------------------------------------------------------------------------------


@dataclass
class IngestReport:
    """What :func:`ingest` read and did.

    Attributes
    ----------
    path, sha256, store : str
        The file, its SHA-256 and the store folder.
    dry_run : bool
        True when nothing was written on purpose.
    sheets : list of str
        Sheets read (Excel); ``skipped_sheets`` those without data columns (e.g. 填表说明).
    encoding : str or None
        Detected text encoding (CSV).
    rows_read : int
        Values read (non-blank value cells).
    rows_new, rows_superseding, rows_unchanged : int
        Keys not in the store yet; keys whose stored value this file changes (a new revision);
        values equal to what is stored (not written again).
    blank_cells : int
        Empty value cells (normal in a template).
    skipped : list of str
        Placeholder cells (``—`` …) that were read and not stored, one line each.
    warnings : list of str
        Things to check that did not stop the ingest.
    rows : pandas.DataFrame
        The validated values: the store columns plus ``status`` (``new`` | ``superseding`` |
        ``unchanged``) and ``file_row``.
    chain_head : str
        The store's last ``chain_sha256`` after the ingest (before it, for a dry run): record
        it to check later with ``huainan validate --head`` that nothing stored was changed.
    """

    path: str
    sha256: str
    store: str
    dry_run: bool
    sheets: list[str]
    skipped_sheets: list[str]
    encoding: str | None
    rows_read: int
    rows_new: int
    rows_superseding: int
    rows_unchanged: int
    blank_cells: int
    skipped: list[str]
    warnings: list[str]
    rows: pd.DataFrame
    chain_head: str = monitoring.GENESIS

    @property
    def rows_written(self) -> int:
        """Lines appended to the store (0 for a dry run)."""
        return 0 if self.dry_run else self.rows_new + self.rows_superseding

    def summary(self) -> str:
        """A short Chinese + English account for the command line."""
        head = (
            "试运行（未写入）/ dry run, nothing written"
            if self.dry_run
            else f"已写入 / written: {self.rows_written} 行 → {self.store}"
        )
        lines = [
            f"文件 / file: {self.path} (sha256 {self.sha256[:12]}…"
            + (f", {self.encoding}" if self.encoding else "")
            + ")",
            f"读取数值 / values read: {self.rows_read}  "
            f"新增 / new: {self.rows_new}  更新 / superseding: {self.rows_superseding}  "
            f"未变 / unchanged: {self.rows_unchanged}  空白 / blank cells: {self.blank_cells}",
            head,
        ]
        if not self.dry_run:
            lines.append(
                f"链尾 / chain head: {self.chain_head} (记录此值，日后可用 huainan "
                "validate --head 核对 / record it to check the store later)"
            )
        if self.sheets:
            lines.insert(
                1,
                f"工作表 / sheets: {', '.join(self.sheets)}"
                + (
                    f" (跳过 / skipped: {', '.join(self.skipped_sheets)})"
                    if self.skipped_sheets
                    else ""
                ),
            )
        for title, items in (
            ("未入库的占位符 / placeholders not stored", self.skipped),
            ("提示 / warnings", self.warnings),
        ):
            if items:
                lines.append(f"{title} ({len(items)}):")
                lines.extend(f"  - {s}" for s in items[:20])
                if len(items) > 20:
                    lines.append(f"  … {len(items) - 20} more")
        return "\n".join(lines)


def ingest(
    path: str | os.PathLike,
    *,
    store: str | os.PathLike | None = None,
    dry_run: bool = False,
    year: int | None = None,
    create_store: bool = False,
) -> IngestReport:
    """Validate a monitoring file and append its values to the store.

    Parameters
    ----------
    path : path
        CSV/TXT (any encoding :func:`huainan.intake.reader.decode_bytes` accepts) or XLSX (every visible
        sheet with 指标 and region columns is read; other sheets, such as the template's 填表说明,
        are skipped and listed in the report; hidden sheets are not read). Layouts: module
        docstring.
    store : path, optional
        Store folder; default ``<data>/monitoring`` (:func:`huainan.evidence.monitoring.store_dir`).
    dry_run : bool, default False
        Validate and report without writing.
    year : int, optional
        The year of every value, for long files without a 年份 column.
    create_store : bool, default False
        Start a new store when the store folder does not exist. Off by default, so that a
        mistyped ``store`` is refused instead of silently becoming a second, empty store.

    Returns
    -------
    IngestReport

    Raises
    ------
    IngestError
        The store folder does not exist (and ``create_store`` is False), or anything wrong in
        the file: the message lists every problem (row, column, cell text; the Excel reference
        such as ``病有所医!H5`` in a workbook) and the store is left byte-identical. Placeholder
        cells (``—``, ``…``, ``x`` …) are not errors: they are listed in ``report.skipped`` and
        not stored.
    DataValidationError
        If the existing store is malformed (fix that first: ``huainan validate``).

    Notes
    -----
    Every value is checked before the first byte is written; the store is then extended in one
    atomic replace (temporary file, fsync, :func:`os.replace`) under a lock. A value for a key
    already stored is appended as the next revision when it differs, and skipped when equal; no
    line is ever removed.
    """
    path = Path(path)
    folder = monitoring.store_dir(store)
    if not folder.is_dir() and not create_store:
        raise IngestError(
            f"存储文件夹不存在 / the store folder {folder} does not exist. Check the path (a typo "
            "would start a second, empty store); to start a new store on purpose, pass "
            "create_store=True (huainan ingest --create-store)"
        )
    data = path.read_bytes() if path.is_file() else None
    if data is None:
        raise IngestError("找不到文件 / file not found", path=path)
    sha = hashlib.sha256(data).hexdigest()
    cat = catalogue()
    problems = _Problems(str(path))
    counts = {"read": 0, "blank": 0, "placeholder": 0}
    warnings: list[str] = []
    skipped: list[str] = []
    sheets = sheet_names(path)
    used, skipped_sheets, encoding = [], [], None
    candidates: list[_Candidate] = []
    sheet_list: list[str | None] = [*sheets] or [None]  # None = a CSV (no sheets)
    for sheet in sheet_list:
        try:
            raw = read_raw(path, sheet=sheet)
        except NotATableError:
            if sheet is not None and len(sheets) > 1:
                skipped_sheets.append(sheet)
                continue
            raise
        except IngestError as exc:
            if sheet is None:
                raise
            problems.add_error(exc)  # one broken sheet: keep listing the others' problems
            continue
        roles, _, _ = _roles(raw.columns)
        if (
            sheet is not None
            and len(sheets) > 1
            and not ({"indicator", "indicator_id"} & set(roles))
        ):
            skipped_sheets.append(sheet)
            continue
        encoding = raw.attrs["encoding"]
        warnings.extend(f"sheet {sheet!r}: {w}" if sheet else w for w in raw.attrs["warnings"])
        if sheet is not None:
            used.append(sheet)
        candidates += _read_sheet(raw, path, sheet, year, cat, problems, counts, warnings, skipped)
    problems.sheet, problems.letters = None, {}
    if sheets and not used and not problems.items:
        problems.add(f"no sheet has 指标 and 地区/区划代码 columns (sheets: {sheets})")
    seen: dict[tuple, _Candidate] = {}
    for c in candidates:
        key = (c.region_code, c.indicator, c.year, c.area)
        if key in seen:
            first = seen[key]
            problems.add(
                f"重复数值 / a second value for {regions.name(c.region_code)} "
                f"{c.indicator} {c.year} (first at {first.source_ref})",
                row=c.row,
                column=c.column,
                place=c.place if c.place[0] else None,
            )
        else:
            seen[key] = c
    problems.raise_if_any()

    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    rows = pd.DataFrame(
        {
            "region_code": [c.region_code for c in candidates],
            "year": pd.Series([c.year for c in candidates], dtype="int64"),
            "area": [c.area for c in candidates],
            "indicator": [c.indicator for c in candidates],
            "unit": [c.unit for c in candidates],
            "value": pd.Series([c.value for c in candidates], dtype="float64"),
            "source": [c.source or f"监测填报 monitoring return: {path.name}" for c in candidates],
            "source_ref": [c.source_ref for c in candidates],
            "note": [c.note for c in candidates],
            "revision": pd.Series([1] * len(candidates), dtype="int64"),
            "ingested_at": stamp,
            "source_file": path.name,
            "source_sha256": sha,
            "status": "new",
            "file_row": pd.Series([c.row for c in candidates], dtype="int64"),
        }
    )
    # A dry run only reads (the store is replaced atomically, so an unlocked read is consistent)
    # and creates nothing, not even the lock file.
    with contextlib.nullcontext() if dry_run else monitoring.locked(store):
        every = monitoring.read_store(store)
        chain_head = (
            monitoring.GENESIS if every.empty else str(every[monitoring.CHAIN_COLUMN].iloc[-1])
        )
        stored = monitoring.current(every)
        latest = {
            (r.region_code, r.indicator, r.year, r.area): (r.revision, r.value)
            for r in stored.itertuples()
        }
        for i, c in enumerate(candidates):
            prev = latest.get((c.region_code, c.indicator, c.year, c.area))
            if prev is None:
                continue
            if prev[1] == c.value:
                rows.loc[i, "status"] = "unchanged"
            else:
                rows.loc[i, "status"] = "superseding"
                rows.loc[i, "revision"] = prev[0] + 1
        to_write = rows[rows["status"] != "unchanged"]
        if not dry_run and not to_write.empty:
            chain_head = monitoring.append(to_write, store)
    status = rows["status"].value_counts()
    return IngestReport(
        path=str(path),
        sha256=sha,
        store=str(monitoring.store_dir(store)),
        dry_run=dry_run,
        sheets=used,
        skipped_sheets=skipped_sheets,
        encoding=encoding,
        rows_read=counts["read"],
        rows_new=int(status.get("new", 0)),
        rows_superseding=int(status.get("superseding", 0)),
        rows_unchanged=int(status.get("unchanged", 0)),
        blank_cells=counts["blank"],
        skipped=skipped,
        warnings=warnings,
        rows=rows,
        chain_head=chain_head,
    )


# --------------------------------------------------------------------------------------------
# Re-checking the store
# --------------------------------------------------------------------------------------------


@dataclass
class StoreCheck:
    """Result of :func:`validate_store`.

    Attributes
    ----------
    path : str
        The store file.
    lines : int
        Value lines stored (all revisions); ``keys`` distinct keys; ``superseded`` lines that a
        later revision replaced.
    problems : list of str
        Everything wrong (empty when the store is sound).
    stats_rows : int or None
        Rows of :func:`huainan.evidence.stats.observations` loaded and validated (None when they failed
        validation; the error is then one of ``problems``).
    chain_head : str or None
        The last line's ``chain_sha256`` (:data:`huainan.evidence.monitoring.GENESIS` for an empty store;
        None when the store could not be read).
    """

    path: str
    lines: int
    keys: int
    superseded: int
    problems: list[str]
    stats_rows: int | None
    chain_head: str | None = None

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems


def validate_store(
    store: str | os.PathLike | None = None, *, head: str | None = None
) -> StoreCheck:
    """Re-check everything stored: the monitoring store, then the statistics tables.

    Checks: the store folder exists; the file's format and hash chain
    (:func:`huainan.evidence.monitoring.read_store`: header, every field well-formed, every line's
    ``chain_sha256`` recomputed — an edited, inserted, copied, reordered or removed line breaks
    it and the first bad line is named); then line by line: region codes known, indicator ids in
    :func:`catalogue`, each value in its indicator's stored unit and within its bounds
    (:data:`BOUNDS`), years in :data:`YEAR_RANGE`, revisions of each key numbered 1, 2, … in file
    order, ingest times never going backwards; with ``head``, that some line still carries that
    chain value. Then loads :func:`huainan.evidence.stats.observations`, which validates the statistics
    on load.

    What it cannot see: lines cut off at the end of the file (the rest is still a valid chain)
    and a store rewritten by someone who recomputes the chain — pass a ``head`` recorded
    elsewhere (or compare with git) to catch those.

    Parameters
    ----------
    store : path, optional
        Store folder (default ``<data>/monitoring``).
    head : str, optional
        A ``chain_sha256`` recorded earlier (``huainan ingest`` prints it).

    Returns
    -------
    StoreCheck
        With every problem found (the function does not stop at the first, except that a broken
        file or chain stops the line checks).
    """
    path = monitoring.store_file(store)
    problems: list[str] = []
    rows = None
    if not monitoring.store_dir(store).is_dir():
        problems.append(
            f"存储文件夹不存在 / the store folder {monitoring.store_dir(store)} does "
            "not exist (check --store)"
        )
    else:
        try:
            rows = monitoring.read_store(store)
        except DataValidationError as exc:
            problems.append(str(exc))
    lines = keys = superseded = 0
    chain_head = None
    if rows is not None:
        chain_head = (
            monitoring.GENESIS if rows.empty else str(rows[monitoring.CHAIN_COLUMN].iloc[-1])
        )
        if head is not None and head.strip().lower() not in (
            {monitoring.GENESIS} | set(rows[monitoring.CHAIN_COLUMN])
        ):
            problems.append(
                f"{path}: no line has the recorded chain value {head.strip()} — lines were removed "
                "from the end, or the store was rewritten (restore it from git or a backup)"
            )
    if rows is not None and not rows.empty:
        lines = len(rows)
        codes = set(regions.regions()["code"])
        cat = catalogue().set_index("indicator")
        for line, r in rows.iterrows():
            where = f"{path}, line {line}"
            if r["region_code"] not in codes:
                problems.append(f"{where}: unknown region code {r['region_code']!r}")
            if r["indicator"] not in cat.index:
                problems.append(f"{where}: unknown indicator {r['indicator']!r}")
            else:
                info = cat.loc[r["indicator"]]
                if r["unit"] != info["unit"]:
                    problems.append(
                        f"{where}: unit {r['unit']!r} but {r['indicator']} is stored "
                        f"in {info['unit']!r}"
                    )
                if not info["min_value"] <= r["value"] <= info["max_value"]:
                    problems.append(
                        f"{where}: value {r['value']!r} outside "
                        f"{info['min_value']:g}–{info['max_value']:g} "
                        f"({info['bound_reason']})"
                    )
            if not YEAR_RANGE[0] <= r["year"] <= YEAR_RANGE[1]:
                problems.append(
                    f"{where}: year {r['year']} outside {YEAR_RANGE[0]}–{YEAR_RANGE[1]}"
                )
        for key, g in rows.groupby(list(monitoring.KEY), sort=False):
            revs = g["revision"].tolist()
            if revs != list(range(1, len(revs) + 1)):
                problems.append(
                    f"{path}: key {key} has revisions {revs} in file order (expected 1, 2, …)"
                )
        keys = rows.groupby(list(monitoring.KEY)).ngroups
        superseded = lines - keys
        stamps = pd.to_datetime(rows["ingested_at"], utc=True, format="ISO8601")
        back = stamps.diff() < pd.Timedelta(0)
        if back.any():
            problems.append(
                f"{path}, line {back.idxmax()}: ingest time earlier than the line before"
            )
    stats_rows = None
    try:
        stats_rows = len(stats.observations())
    except DataValidationError as exc:
        problems.append(f"statistics: {exc}")
    return StoreCheck(str(path), lines, keys, superseded, problems, stats_rows, chain_head)
