"""The plan's tables as tidy, validated DataFrames.

Source: 《淮南市"十四五"公共服务规划（征求意见稿）》 (draft for comment), full text in
``../shared/source/huainan_14th_fyp_public_services_plan_draft.zh.txt``. The tables were transcribed by
hand into ``data/plan/`` (see ``data/plan/README.md`` for the transcription rules and the
inconsistencies found in the text):

- ``indicators.csv``   专栏2 "十四五"社会发展与公共服务主要指标 (23 indicators)
- ``outcomes_13th.csv`` 专栏1 "十三五"时期基本公共服务均等化指标完成情况 (26 indicators)
- ``services.csv``     专栏3 基本公共服务项目清单 (79 services in nine domains)
- ``projects.csv``     dated quantitative targets of 专栏4–13 and the chapter text

The CSVs keep the printed text; numbers and qualifiers are parsed on load by
:func:`huainan.plan.targets.parse_target`, so the text stays the single source of truth. Every load is
validated (pandera schemas + target parsing): a malformed row raises
:class:`~huainan.errors.DataValidationError` naming the file, the line and the column.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from huainan.errors import DataValidationError, TargetParseError
from huainan.paths import plan_dir
from huainan.plan import domains
from huainan.plan.targets import parse_target

ATTRIBUTES = {"约束性": "binding", "预期性": "expected"}
#: The attribute of an indicator in Chinese (the one label table for 约束性/预期性).
ATTRIBUTE_ZH = {v: k for k, v in ATTRIBUTES.items()}
DIRECTIONS = ("higher_better", "lower_better")
OPS = (">", ">=", "<", "<=")
PERIODS = ("level", "cumulative", "annual", "standard")

_ID = r"^[a-z][a-z0-9_]*$"
_YEAR = pa.Check.in_range(2015, 2035)


def _text(**kw) -> pa.Column:
    return pa.Column(str, nullable=False, **kw)


def _opt_text() -> pa.Column:
    return pa.Column(str, nullable=True)


_INDICATORS_SCHEMA = pa.DataFrameSchema(
    {
        "indicator_id": _text(checks=pa.Check.str_matches(_ID), unique=True),
        "domain": _text(checks=pa.Check.isin(domains.DOMAIN_IDS)),
        "category_printed": _text(checks=pa.Check.isin([d.zh for d in domains.DOMAINS])),
        "name_printed": _text(),
        "name_zh": _text(unique=True),
        "unit": _text(),
        "baseline_year": pa.Column(int, _YEAR),
        "baseline_text": _text(),
        "target_year": pa.Column(int, _YEAR),
        "target_text": _text(),
        "attribute_printed": _text(checks=pa.Check.isin(list(ATTRIBUTES))),
        "direction": _text(checks=pa.Check.isin(DIRECTIONS)),
        "source": _text(),
        "note": _opt_text(),
    },
    strict=True,
    ordered=True,
)

_OUTCOMES_SCHEMA = pa.DataFrameSchema(
    {
        "outcome_id": _text(checks=pa.Check.str_matches(_ID), unique=True),
        "domain_13th": _text(),
        "domain": _text(checks=pa.Check.isin(domains.DOMAIN_IDS)),
        "name_printed": _text(),
        "name_zh": _text(unique=True),
        "unit": _text(),
        "target_year": pa.Column(int, _YEAR),
        "target_text": _text(),
        "actual_text": _text(),
        "direction": _text(checks=pa.Check.isin(DIRECTIONS)),
        "source": _text(),
        "note": _opt_text(),
    },
    strict=True,
    ordered=True,
)

_SERVICES_SCHEMA = pa.DataFrameSchema(
    {
        "service_id": _text(checks=pa.Check.str_matches(_ID), unique=True),
        "domain": _text(checks=pa.Check.isin(domains.DOMAIN_IDS)),
        "domain_zh": _text(checks=pa.Check.isin([d.zh for d in domains.DOMAINS])),
        "item_no": pa.Column(int, pa.Check.ge(1)),
        "service_zh": _text(),
        "domain_total_printed": pa.Column(int, pa.Check.ge(1)),
        "source": _text(),
    },
    strict=True,
    ordered=True,
)

_PROJECTS_SCHEMA = pa.DataFrameSchema(
    {
        "project_id": _text(checks=pa.Check.str_matches(_ID), unique=True),
        "metric_id": _text(checks=pa.Check.str_matches(_ID)),
        "indicator_id": pa.Column(str, pa.Check.str_matches(_ID), nullable=True),
        "section": _text(),
        "domain": _text(checks=pa.Check.isin(domains.DOMAIN_IDS)),
        "metric_zh": _text(),
        "scope": _text(),
        "unit": _text(),
        "baseline_year": pa.Column(float, _YEAR, nullable=True),
        "baseline_value": pa.Column(float, nullable=True),
        "target_text": _text(),
        "target_op": pa.Column(str, pa.Check.isin(OPS), nullable=True),
        "target_value": pa.Column(float, nullable=False),
        "target_value_max": pa.Column(float, nullable=True),
        "period": _text(checks=pa.Check.isin(PERIODS)),
        "period_start": pa.Column(float, _YEAR, nullable=True),
        "target_year": pa.Column(int, _YEAR),
        "year_printed": pa.Column(bool),
        "note": _opt_text(),
    },
    strict=True,
    ordered=True,
)

_CACHE: dict[tuple[str, int], pd.DataFrame] = {}


def _line(index_label) -> int:
    """File line of a DataFrame row read with the default RangeIndex (header = line 1)."""
    return int(index_label) + 2


def _coerce(df: pd.DataFrame, schema: pa.DataFrameSchema, path: Path) -> pd.DataFrame:
    """Convert text cells to the schema's int/float/bool dtypes, naming the cell that fails."""
    for col, spec in schema.columns.items():
        if col not in df.columns:
            continue
        kind = str(spec.dtype)
        converter: Callable[[str], object]
        if kind.startswith(("int", "float")):
            converter = float
        elif kind == "bool":
            converter = _to_bool
        else:
            continue
        values = []
        for idx, cell in df[col].items():
            if pd.isna(cell):
                values.append(float("nan") if converter is float else pd.NA)
                continue
            try:
                values.append(converter(cell))
            except ValueError as exc:
                raise DataValidationError(
                    f"expected {kind}", path=path, row=_line(idx), column=col, value=cell
                ) from exc
        series = pd.Series(
            values, index=df.index, dtype="float64" if converter is float else "object"
        )
        if kind.startswith("int"):
            if series.isna().any():
                idx = series.index[series.isna()][0]
                raise DataValidationError(
                    "a value is required", path=path, row=_line(idx), column=col
                )
            if (series != series.round()).any():
                idx = series.index[series != series.round()][0]
                raise DataValidationError(
                    "expected a whole number",
                    path=path,
                    row=_line(idx),
                    column=col,
                    value=df.at[idx, col],
                )
            series = series.astype("int64")
        elif kind == "bool":
            series = series.astype("bool") if series.notna().all() else series
        df[col] = series
    return df


def _to_bool(cell: str) -> bool:
    text = str(cell).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise ValueError(cell)


def _read(name: str, schema: pa.DataFrameSchema) -> tuple[pd.DataFrame, Path]:
    """Read ``data/plan/<name>`` (UTF-8), convert types and validate it against ``schema``."""
    path = plan_dir() / name
    if not path.is_file():
        raise DataValidationError("plan table not found", path=path)
    try:
        df = pd.read_csv(path, encoding="utf-8", dtype=str, keep_default_na=False, index_col=False)
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError) as exc:
        raise DataValidationError(f"cannot read CSV ({exc})", path=path) from exc
    df = df.replace("", pd.NA)
    df = _coerce(df, schema, path)
    try:
        df = schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        first = fc.iloc[0]
        idx = first["index"]
        column = first["column"] if pd.notna(first["column"]) else None
        row = _line(idx) if pd.notna(idx) else None
        raise DataValidationError(
            f"fails check {first['check']}",
            path=path,
            row=row,
            column=column,
            value=first["failure_case"],
        ) from exc
    return df, path


def _cached(name: str, build) -> pd.DataFrame:
    path = plan_dir() / name
    key = (str(path), path.stat().st_mtime_ns if path.exists() else -1)
    if key not in _CACHE:
        _CACHE[key] = build()
    return _CACHE[key].copy()


def _parse(path: Path, df: pd.DataFrame, column: str) -> pd.DataFrame:
    """Parse every cell of ``column`` with :func:`parse_target`; return one row per cell."""
    out = []
    for idx, text in df[column].items():
        try:
            t = parse_target(text)
        except TargetParseError as exc:
            raise DataValidationError(
                str(exc), path=path, row=_line(idx), column=column, value=text
            ) from exc
        out.append(
            {
                "op": t.op,
                "value": t.value,
                "kind": t.kind,
                "cumulative": t.cumulative,
                "reference": t.reference,
            }
        )
    parsed = pd.DataFrame(out, index=df.index)
    parsed["value"] = parsed["value"].astype("float64")
    return parsed


def indicators() -> pd.DataFrame:
    """Return 专栏2: the plan's 23 main indicators with baselines (2020) and targets (2025).

    Returns
    -------
    pandas.DataFrame
        One row per indicator, in the plan's order. Columns:

        - ``indicator_id`` (str): stable snake_case id, e.g. ``nursery_places_per_1000``;
        - ``domain`` (str): one of :data:`huainan.plan.domains.DOMAIN_IDS`; ``domain_zh`` (str);
          ``category_printed`` (str, the 类别 cell as printed);
        - ``name_zh`` (str): name without spaces or unit; ``name_printed`` (str): the cell as printed;
        - ``unit`` (str): as printed (``%``, ``个``, ``万人`` …);
        - ``baseline_year`` (int64, 2020); ``baseline`` (float64, NaN when ``——``);
          ``baseline_text`` (str, as printed); ``baseline_op`` (``>`` for ``>95``, else None);
        - ``target_year`` (int64, 2025); ``target_text`` (str); ``target_op`` (``>``, ``>=``, ``<``,
          ``<=`` or None for a plain number); ``target_value`` (float64, NaN unless numeric);
          ``target_kind`` (``numeric`` | ``qualitative`` | ``relative``); ``target_reference``
          (``province_average`` or None);
        - ``cumulative`` (bool): five-year totals (``[…]``);
        - ``attribute`` (``binding`` 约束性 | ``expected`` 预期性); ``attribute_printed`` (str);
        - ``direction`` (``higher_better`` | ``lower_better``);
        - ``target_below_baseline`` (bool): the 2025 target asks for less than the 2020 value
          (e.g. 基本医疗保险参保率 99 → 95) — flagged, never silently scored;
        - ``source`` (str, ``专栏2``); ``note`` (str or NA).

    Raises
    ------
    DataValidationError
        If ``data/plan/indicators.csv`` is missing or a row is malformed (file, line, column named).

    Examples
    --------
    >>> ind = indicators()
    >>> len(ind), int((ind["attribute"] == "binding").sum())
    (23, 8)
    >>> row = ind.set_index("indicator_id").loc["nursing_bed_share"]
    >>> float(row["baseline"]), row["target_op"], float(row["target_value"]), row["attribute"]
    (32.0, '>=', 55.0, 'binding')
    """

    def build():
        df, path = _read("indicators.csv", _INDICATORS_SCHEMA)
        base = _parse(path, df, "baseline_text")
        tgt = _parse(path, df, "target_text")
        _check_cumulative_agrees(path, df, base, tgt, "baseline_text")
        if (base["kind"].isin(["qualitative", "relative"])).any():
            idx = base.index[base["kind"].isin(["qualitative", "relative"])][0]
            raise DataValidationError(
                "a baseline must be a number or —— (missing)",
                path=path,
                row=_line(idx),
                column="baseline_text",
                value=df.at[idx, "baseline_text"],
            )
        if (tgt["kind"] == "missing").any():
            idx = tgt.index[tgt["kind"] == "missing"][0]
            raise DataValidationError(
                "a 2025 target cannot be missing",
                path=path,
                row=_line(idx),
                column="target_text",
                value=df.at[idx, "target_text"],
            )
        out = pd.DataFrame(
            {
                "indicator_id": df["indicator_id"],
                "domain": df["domain"],
                "domain_zh": df["domain"].map(lambda d: domains.get(d).zh),
                "category_printed": df["category_printed"],
                "name_zh": df["name_zh"],
                "name_printed": df["name_printed"],
                "unit": df["unit"],
                "baseline_year": df["baseline_year"].astype("int64"),
                "baseline": base["value"],
                "baseline_text": df["baseline_text"],
                "baseline_op": base["op"],
                "target_year": df["target_year"].astype("int64"),
                "target_text": df["target_text"],
                "target_op": tgt["op"],
                "target_value": tgt["value"],
                "target_kind": tgt["kind"],
                "target_reference": tgt["reference"],
                "cumulative": tgt["cumulative"].astype(bool),
                "attribute": df["attribute_printed"].map(ATTRIBUTES),
                "attribute_printed": df["attribute_printed"],
                "direction": df["direction"],
                "source": df["source"],
                "note": df["note"],
            }
        )
        _check_domain_matches_category(path, df)
        sign = out["direction"].map({"higher_better": 1.0, "lower_better": -1.0})
        out["target_below_baseline"] = (
            (
                (out["target_kind"] == "numeric")
                & ((out["target_value"] - out["baseline"]) * sign < 0)
            )
            .fillna(False)
            .astype(bool)
        )
        return out

    return _cached("indicators.csv", build)


def _check_domain_matches_category(path: Path, df: pd.DataFrame) -> None:
    for idx, row in df.iterrows():
        if domains.get(row["domain"]).zh != row["category_printed"]:
            raise DataValidationError(
                f"domain {row['domain']!r} does not match the printed category",
                path=path,
                row=_line(idx),
                column="domain",
                value=row["category_printed"],
            )


def _check_cumulative_agrees(path, df, first, second, first_col) -> None:
    both = (first["kind"] == "numeric") & (second["kind"] == "numeric")
    bad = both & (first["cumulative"] != second["cumulative"])
    if bad.any():
        idx = bad.idxmax()
        raise DataValidationError(
            "one cell is a five-year total [..] and the other is not",
            path=path,
            row=_line(idx),
            column=first_col,
            value=df.at[idx, first_col],
        )


def outcomes_13th() -> pd.DataFrame:
    """Return 专栏1: the 26 十三五 (2016–2020) indicators with their 2020 targets and actual values.

    Returns
    -------
    pandas.DataFrame
        One row per indicator, in the plan's order. Columns: ``outcome_id`` (str), ``domain_13th``
        (str, heading as printed, e.g. ``基本社会保险``), ``domain`` (str, mapped per indicator to the
        nine 十四五 domains), ``domain_zh``, ``name_zh``, ``name_printed``, ``unit`` (str),
        ``target_year`` (int64, 2020), ``target_text``, ``target_op``, ``target_value`` (float64),
        ``target_kind``, ``actual_text``, ``actual_value`` (float64), ``actual_kind``,
        ``cumulative`` (bool, five-year totals 2016–2020), ``direction``, ``source`` (``专栏1``),
        ``note``.

    Raises
    ------
    DataValidationError
        If ``data/plan/outcomes_13th.csv`` is missing or a row is malformed.

    Examples
    --------
    >>> o = outcomes_13th()
    >>> len(o), int(o["cumulative"].sum())
    (26, 3)
    >>> float(o.set_index("outcome_id").at["maternal_mortality", "actual_value"])
    3.84
    """

    def build():
        df, path = _read("outcomes_13th.csv", _OUTCOMES_SCHEMA)
        tgt = _parse(path, df, "target_text")
        act = _parse(path, df, "actual_text")
        _check_cumulative_agrees(path, df, tgt, act, "target_text")
        for idx, row in df.iterrows():
            mapped = domains.DOMAINS_13TH.get(row["domain_13th"])
            if mapped is not None and mapped != row["domain"]:
                raise DataValidationError(
                    f"十三五 heading {row['domain_13th']} maps to {mapped}",
                    path=path,
                    row=_line(idx),
                    column="domain",
                    value=row["domain"],
                )
        return pd.DataFrame(
            {
                "outcome_id": df["outcome_id"],
                "domain_13th": df["domain_13th"],
                "domain": df["domain"],
                "domain_zh": df["domain"].map(lambda d: domains.get(d).zh),
                "name_zh": df["name_zh"],
                "name_printed": df["name_printed"],
                "unit": df["unit"],
                "target_year": df["target_year"].astype("int64"),
                "target_text": df["target_text"],
                "target_op": tgt["op"],
                "target_value": tgt["value"],
                "target_kind": tgt["kind"],
                "actual_text": df["actual_text"],
                "actual_value": act["value"],
                "actual_kind": act["kind"],
                "cumulative": (tgt["cumulative"] | act["cumulative"]).astype(bool),
                "direction": df["direction"],
                "source": df["source"],
                "note": df["note"],
            }
        )

    return _cached("outcomes_13th.csv", build)


def services() -> pd.DataFrame:
    """Return 专栏3: the 79 basic public services (基本公共服务项目清单) by domain.

    Returns
    -------
    pandas.DataFrame
        Columns ``service_id`` (str, ``<domain>_<nn>``), ``domain`` (str), ``domain_zh`` (str),
        ``item_no`` (int64, position within the domain), ``service_zh`` (str, as printed),
        ``domain_total_printed`` (int64, the "共计N项" count printed for the domain), ``source``.

    Raises
    ------
    DataValidationError
        If the file is malformed or a domain's item count differs from its printed total.

    Examples
    --------
    >>> s = services()
    >>> s.groupby("domain", sort=False).size().tolist()
    [9, 9, 12, 16, 4, 3, 14, 4, 8]
    """

    def build():
        df, path = _read("services.csv", _SERVICES_SCHEMA)
        counts = df.groupby("domain")["service_id"].transform("size")
        bad = counts != df["domain_total_printed"]
        if bad.any():
            idx = bad.idxmax()
            raise DataValidationError(
                f"domain has {counts[idx]} services but the plan prints 共计"
                f"{df.at[idx, 'domain_total_printed']}项",
                path=path,
                row=_line(idx),
                column="domain_total_printed",
            )
        for col in ("item_no", "domain_total_printed"):
            df[col] = df[col].astype("int64")
        return df

    return _cached("services.csv", build)


def projects() -> pd.DataFrame:
    """Return the dated quantitative targets of the key projects (专栏4–13) and the chapter text.

    Returns
    -------
    pandas.DataFrame
        One row per target. Columns:

        - ``project_id`` (str, unique); ``metric_id`` (str; the same metric in several years shares
          it, e.g. ``three_km_employment_community_share`` 2022–2025); ``indicator_id`` (str or NA:
          the 专栏2 indicator this repeats);
        - ``section`` (str, e.g. ``专栏5 就业社保服务重点工程``); ``domain`` / ``domain_zh``;
        - ``metric_zh``, ``scope`` (who/where the target applies to), ``unit`` (str);
        - ``baseline_year`` (Int64) and ``baseline_value`` (float64) where the plan states one;
        - ``target_text`` (str, the plan's words; ``……`` marks omitted text);
        - ``target_op`` (``>``, ``>=`` or NA for a plain number), ``target_value`` (float64),
          ``target_value_max`` (float64, upper end of ranges such as ``2~3``, else NaN);
        - ``period`` (``level``: a level reached by ``target_year``; ``cumulative``: a total over
          ``period_start``–``target_year``; ``annual``: every year of that span; ``standard``: a
          provision standard for new/old areas); ``period_start`` (Int64); ``target_year`` (int64);
        - ``year_printed`` (bool): False when the plan prints no year and the end of the plan period
          (2025) is assumed — say so when reporting;
        - ``source`` (str, ``section`` again, for symmetry with the other tables); ``note``.

    Raises
    ------
    DataValidationError
        If ``data/plan/projects.csv`` is malformed (file, line, column named).

    Examples
    --------
    >>> p = projects()
    >>> p.loc[p["metric_id"] == "three_km_employment_community_share", "target_value"].tolist()
    [40.0, 50.0, 60.0, 70.0]
    """

    def build():
        df, path = _read("projects.csv", _PROJECTS_SCHEMA)
        for idx, row in df.iterrows():
            if row["period"] in ("cumulative", "annual") and pd.isna(row["period_start"]):
                raise DataValidationError(
                    "cumulative/annual targets need period_start",
                    path=path,
                    row=_line(idx),
                    column="period_start",
                )
            if pd.notna(row["target_value_max"]) and row["target_value_max"] < row["target_value"]:
                raise DataValidationError(
                    "range upper end below lower end",
                    path=path,
                    row=_line(idx),
                    column="target_value_max",
                    value=row["target_value_max"],
                )
        ids = set(indicators()["indicator_id"])
        linked = df["indicator_id"].dropna()
        unknown = linked[~linked.isin(ids)]
        if not unknown.empty:
            raise DataValidationError(
                "unknown 专栏2 indicator_id",
                path=path,
                row=_line(unknown.index[0]),
                column="indicator_id",
                value=unknown.iloc[0],
            )
        df.insert(5, "domain_zh", df["domain"].map(lambda d: domains.get(d).zh))
        df["baseline_year"] = df["baseline_year"].astype("Int64")
        df["period_start"] = df["period_start"].astype("Int64")
        df["target_year"] = df["target_year"].astype("int64")
        df["source"] = df["section"]
        return df

    return _cached("projects.csv", build)


def indicator(indicator_id: str) -> pd.Series:
    """Return one row of :func:`indicators` by id.

    Raises
    ------
    KeyError
        If the id is unknown (the message lists the valid ids).

    Examples
    --------
    >>> float(indicator("life_expectancy")["target_value"])
    78.8
    """
    ind = indicators().set_index("indicator_id", drop=False)
    if indicator_id not in ind.index:
        raise KeyError(f"unknown indicator {indicator_id!r}; valid: {', '.join(ind.index)}")
    return ind.loc[indicator_id]


_DEPARTMENTS_SCHEMA = pa.DataFrameSchema(
    {
        "indicator_id": _text(unique=True),
        "name_zh": _text(),
        "lead_department": _text(),
        "supporting": _opt_text(),
        "needs": _text(),
    },
    strict=True,
    ordered=True,
)


def lead_departments() -> pd.DataFrame:
    """Return who would report each 专栏2 indicator (``data/plan/lead_departments.csv``).

    The plan assigns no department to its indicators: this table is **the workbook's
    assumption** (the usual division of work of municipal departments), kept in a CSV the city
    edits. The final evaluation report groups its list of missing data by it.

    Returns
    -------
    pandas.DataFrame
        One row per 专栏2 indicator, in the plan's order: ``indicator_id``, ``name_zh``,
        ``lead_department``, ``supporting`` (str or NA), ``needs`` (what would be reported).

    Raises
    ------
    DataValidationError
        If the file is malformed, names an indicator 专栏2 does not have, or leaves one out.
    """

    def build():
        df, path = _read("lead_departments.csv", _DEPARTMENTS_SCHEMA)
        ids = indicators()["indicator_id"].tolist()
        unknown = df.loc[~df["indicator_id"].isin(ids)]
        if len(unknown):
            raise DataValidationError(
                "not an indicator of 专栏2",
                path=path,
                row=_line(unknown.index[0]),
                column="indicator_id",
                value=unknown["indicator_id"].iloc[0],
            )
        missing = [i for i in ids if i not in set(df["indicator_id"])]
        if missing:
            raise DataValidationError(f"indicators without a department: {missing}", path=path)
        return df.set_index("indicator_id").loc[ids].reset_index()

    return _cached("lead_departments.csv", build)


_URBAN_RURAL_SCHEMA = pa.DataFrameSchema(
    {"indicator_id": _text(unique=True), "reason": _text(), "source": _text()},
    strict=True,
    ordered=True,
)


def urban_rural_indicators() -> pd.DataFrame:
    """Return the 专栏2 indicators reported for 城镇 and 乡村 too
    (``data/plan/urban_rural_indicators.csv``: the workbook's judgement, with the reason).

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator_id``, ``reason`` (why the plan or national statistics distinguish
        town and country for it), ``source`` (where that distinction is published).

    Raises
    ------
    DataValidationError
        If the file is malformed or names an indicator that is not in 专栏2.
    """

    def build():
        df, path = _read("urban_rural_indicators.csv", _URBAN_RURAL_SCHEMA)
        known = set(indicators()["indicator_id"])
        bad = df.loc[~df["indicator_id"].isin(known)]
        if len(bad):
            raise DataValidationError(
                "not a 专栏2 indicator",
                path=path,
                row=_line(bad.index[0]),
                column="indicator_id",
                value=bad["indicator_id"].iloc[0],
            )
        return df

    return _cached("urban_rural_indicators.csv", build)
