"""Comparators: Huainan's units against the county distributions of Anhui and China, and the
national (and Anhui) plan targets beside Huainan's.

METHODS.md §6. Two jobs:

- :func:`percentile_ranks`: each of the seven units' percentile rank among Anhui's and among
  China's county-level units, for every census indicator of
  :func:`huainan.evidence.stats.national_counties` (2020 census), with the indicator's direction;
- :func:`plan_targets_side_by_side`: 专栏2's 2025 targets next to the national 十四五 public-services
  plan's targets (and Anhui's, where published), from ``data/comparators/peer_plan_targets.csv``
  (:func:`peer_targets`).

In the census county tables 凤台县 (340421) includes 毛集实验区 (its own census bulletin does not);
see ``data/regions.csv``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from huainan.errors import DataValidationError, TargetParseError
from huainan.paths import data_dir
from huainan.plan.regions import PROVINCE_CODE, UNIT_CODES
from huainan.plan.targets import parse_target

PEER_PLANS: dict[str, str] = {
    "national_14fyp_public_services": "国家“十四五”公共服务规划",
    "anhui_13fyp_basic_public_services": "安徽省“十三五”推进基本公共服务均等化规划",
}

_PEER_COLUMNS = (
    "plan",
    "plan_title",
    "region_code",
    "target_year",
    "category",
    "indicator_zh",
    "unit",
    "target_text",
    "approximate",
    "indicator_id",
    "unit_factor",
    "comparable",
    "comparability_note",
    "source_url",
    "source_note",
    "copied_from",
)


# ---------------------------------------------------------------------------------------------
# percentile ranks
# ---------------------------------------------------------------------------------------------

#: Kinds of county-level unit in the comparison base: districts, counties, county-level cities and
#: prefecture-level cities without counties (东莞市 …). Functional zones (开发区/新区, codes
#: ``xxxx7x``) are left out: they are statistical carve-outs of their parent units, not
#: administrative areas with a full population and services.
COMPARISON_KINDS = ("district", "county", "county_level_city", "prefecture_city")


def comparison_base(counties: pd.DataFrame | None = None) -> pd.DataFrame:
    """The national county table restricted to :data:`COMPARISON_KINDS` (needs ``unit_kind``).

    Examples
    --------
    >>> base = comparison_base()
    >>> int((base["province_code"] == "340000").sum())  # Anhui: 120 units less 15 zones
    105
    """
    if counties is None:
        from huainan.evidence import stats

        counties = stats.national_counties()
    return counties[counties["unit_kind"].isin(COMPARISON_KINDS)]


def percentile_ranks(
    counties: pd.DataFrame | None = None,
    *,
    indicators: Sequence[str] | None = None,
    directions: Mapping[str, int] | None = None,
    units: Sequence[str] = UNIT_CODES,
    code: str = "code",
    province: str = "province_code",
    province_code: str = PROVINCE_CODE,
) -> pd.DataFrame:
    r"""Percentile rank of each unit within Anhui's and China's county-level units.

    Parameters
    ----------
    counties : pandas.DataFrame, optional
        Wide national county table: one row per county-level unit with ``code`` (str, 6 digits),
        ``province`` (str, the province's code) and one float column per indicator. Default
        :func:`huainan.evidence.stats.national_counties` (2020 census).
    indicators : sequence of str, optional
        Indicator columns to rank; default every numeric column of the table except the identity
        columns (:data:`huainan.evidence.stats.NATIONAL_ID_COLUMNS`), i.e. every census measure.
    directions : mapping, optional
        Indicator → +1 (higher is better), −1 (lower is better) or 0 (no better/worse: shares of
        age groups, household size …). Default: the catalogue's ``direction`` of the indicator
        whose ``national_column`` this is (``neutral`` → 0); 0 when unknown.
    units : sequence of str
        The units to report (default the seven units of Huainan).
    code, province : str
        Column names of the unit code and its province code.
    province_code : str
        The province of the "anhui" scope (340000).

    Returns
    -------
    pandas.DataFrame
        One row per unit × indicator × scope (``anhui`` then ``china``): ``region_code`` (str),
        ``indicator`` (str), ``scope`` (str), ``value`` (float64), ``n`` (int64, counties in the
        scope with a value), ``n_lower``, ``n_equal`` (int64, counties with a lower / equal
        value, the unit itself included in ``n_equal``), ``percentile`` (float64, 0–100),
        ``direction`` (int64), ``percentile_favourable`` (float64: the percentile turned so that
        100 is best; NaN when the direction is 0), ``note`` (str).

    Raises
    ------
    KeyError
        A named column is missing, or a unit code is not in the table.

    Notes
    -----
    Mid-rank percentile (the "share below plus half the ties"):

    .. math::

        PR_i = 100 \cdot \frac{\#\{j : y_j < y_i\} + \tfrac12 \#\{j : y_j = y_i\}}{N}

    over the :math:`N` counties of the scope with a value (the unit itself counts among the
    ties, so a unique maximum of 4 counties gets :math:`100 · 3.5/4 = 87.5`, never 100). For
    lower-is-better indicators ``percentile_favourable`` is :math:`100 - PR_i` (= share above
    plus half the ties). A unit without a value gets NaN and a note; counties without a value
    are left out of :math:`N` (not filled). Source: METHODS.md §6; the mid-rank definition is
    that of ``scipy.stats.percentileofscore(kind="mean")``.

    Examples
    --------
    >>> t = pd.DataFrame({"code": ["a", "b", "c", "d"], "province_code": ["P", "P", "P", "Q"],
    ...                   "x": [1.0, 2.0, 2.0, 5.0]})
    >>> r = percentile_ranks(t, units=["b"], directions={"x": -1}, province_code="P")
    >>> r[["scope", "n", "n_lower", "n_equal", "percentile", "percentile_favourable"]]
       scope  n  n_lower  n_equal  percentile  percentile_favourable
    0  anhui  3        1        2   66.666667              33.333333
    1  china  4        1        2   50.000000              50.000000
    """
    if counties is None:
        counties = comparison_base()
    for col in (code, province):
        if col not in counties.columns:
            raise KeyError(f"column {col!r} not in the county table")
    indicators = _indicator_columns(counties, indicators, skip={code, province})
    if directions is None:
        directions = _catalogue_directions()
    codes = counties[code].astype(str)
    units = [str(u) for u in units]
    absent = [u for u in units if u not in set(codes)]
    if absent:
        raise KeyError(f"unit(s) {absent} not in the county table")
    values = counties[indicators].apply(pd.to_numeric, errors="raise").astype("float64")
    scopes = {
        "anhui": (counties[province].astype(str) == province_code).to_numpy(),
        "china": np.ones(len(counties), dtype=bool),
    }
    unit_pos = pd.Index(codes).get_indexer(units)
    frames = [
        _scope_counts(values, indicators, units, unit_pos, scope, mask)
        for scope, mask in scopes.items()
    ]
    out = pd.concat(frames, ignore_index=True)
    out["percentile"] = 100.0 * (out["n_lower"] + 0.5 * out["n_equal"]) / out["n"]
    d = out["indicator"].map(lambda i: int(directions.get(i, 0))).astype("int64")
    out["direction"] = d
    out["percentile_favourable"] = np.where(
        d == 1, out["percentile"], np.where(d == -1, 100.0 - out["percentile"], np.nan)
    )
    note = np.where(
        ~out["_in_scope"],
        "unit outside this scope",
        np.where(out["value"].isna(), "no value for this unit: not ranked", ""),
    )
    note = np.where(
        (note == "") & (d == 0).to_numpy(),
        "no better/worse direction: percentile shows position only",
        note,
    )
    out["note"] = pd.Series(note, dtype="string")
    for c in ("n_lower", "n_equal"):
        out[c] = out[c].astype("Int64")
    out = out.drop(columns="_in_scope")
    order = {u: i for i, u in enumerate(units)}
    out["_u"] = out["region_code"].map(order)
    out["_i"] = out["indicator"].map({ind: i for i, ind in enumerate(indicators)})
    out["_s"] = out["scope"].map({"anhui": 0, "china": 1})
    out = out.sort_values(["_u", "_i", "_s"], kind="stable").drop(columns=["_u", "_i", "_s"])
    return out.reset_index(drop=True)


def _indicator_columns(
    counties: pd.DataFrame, indicators: Sequence[str] | None, *, skip: set[str]
) -> list[str]:
    """The indicator columns :func:`percentile_ranks` ranks: those named (each must exist), or
    every numeric, non-boolean column but ``skip`` and the identity columns."""
    if indicators is None:
        from huainan.evidence.stats import NATIONAL_ID_COLUMNS

        skip = {*skip, *NATIONAL_ID_COLUMNS}
        indicators = [
            c
            for c in counties.columns
            if c not in skip
            and pd.api.types.is_numeric_dtype(counties[c])
            and not pd.api.types.is_bool_dtype(counties[c])
        ]
    indicators = list(indicators)
    missing = [c for c in indicators if c not in counties.columns]
    if missing:
        raise KeyError(f"indicator column(s) {missing} not in the county table")
    return indicators


def _scope_counts(
    values: pd.DataFrame,
    indicators: list[str],
    units: list[str],
    unit_pos: np.ndarray,
    scope: str,
    mask: np.ndarray,
) -> pd.DataFrame:
    """For every unit and indicator, the counties of one scope (``mask`` over the rows of
    ``values``) with a value (``n``), a lower value (``n_lower``) and an equal value
    (``n_equal``, the unit included); NaN counts for a unit outside the scope or without a
    value. ``unit_pos``: the units' rows in ``values``."""
    frames = []
    sub = values[mask]
    low = sub.rank(method="min")  # = n_lower + 1
    high = sub.rank(method="max")  # = n_lower + n_equal
    n = sub.count()
    in_scope = mask[unit_pos]
    # positions of the units inside `sub` (−1 when a unit is outside the scope)
    sub_pos = np.full(len(units), -1)
    sub_pos[in_scope] = np.cumsum(mask)[unit_pos[in_scope]] - 1
    for k, ind in enumerate(indicators):
        col_low = low[ind].to_numpy()
        col_high = high[ind].to_numpy()
        v = values[ind].to_numpy()[unit_pos]
        ok = in_scope & ~np.isnan(v)
        n_lower = np.where(ok, col_low[np.maximum(sub_pos, 0)] - 1, np.nan)
        n_equal = np.where(ok, col_high[np.maximum(sub_pos, 0)] - n_lower, np.nan)
        frames.append(
            pd.DataFrame(
                {
                    "region_code": units,
                    "indicator": ind,
                    "scope": scope,
                    "value": v,
                    "n": int(n.iloc[k]),
                    "n_lower": n_lower,
                    "n_equal": n_equal,
                    "_in_scope": in_scope,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _catalogue_directions() -> dict[str, int]:
    """National-table column → direction (+1/−1/0) from :func:`huainan.evidence.stats.indicator_catalog`.

    The catalogue's ``national_column`` lists the column(s) of an indicator, e.g.
    ``population; population_urban (area=urban)``; each column takes the indicator's direction.
    """
    from huainan.evidence import stats

    sign = {"higher_better": 1, "lower_better": -1}
    out: dict[str, int] = {}
    for _, row in stats.indicator_catalog().iterrows():
        for part in str(row["national_column"]).split(";"):
            column = part.strip().split(" ")[0]
            if column:
                out[column] = sign.get(row["direction"], 0)
    return out


# ---------------------------------------------------------------------------------------------
# peer plans' targets
# ---------------------------------------------------------------------------------------------

_APPROX = re.compile(r"^约|左右$")


def peer_targets() -> pd.DataFrame:
    """The national (and Anhui 十三五) plan targets of ``data/comparators/peer_plan_targets.csv``.

    Returns
    -------
    pandas.DataFrame
        The file's columns (see ``data/comparators/README.md``; ``target_year`` int64,
        ``approximate``/``comparable`` bool, ``unit_factor`` float64, ``indicator_id`` str or NA)
        plus the parsed target: ``target_kind`` (``numeric`` | ``qualitative`` | ``relative`` |
        ``missing``), ``target_op`` (``>``, ``>=`` … or None), ``target_value`` (float64, in the
        peer plan's unit; ``约1000`` → 1000 with ``approximate`` true).

    Raises
    ------
    DataValidationError
        The file is missing, a column is missing, or a row is malformed (file, line and column
        named): unknown plan, unknown Huainan indicator id, non-positive unit factor, a target
        cell :func:`huainan.plan.targets.parse_target` cannot read.

    Examples
    --------
    >>> p = peer_targets()
    >>> row = p[p["indicator_id"] == "nursery_places_per_1000"].iloc[0]
    >>> row["plan"], float(row["target_value"]), int(row["target_year"])
    ('national_14fyp_public_services', 4.5, 2025)
    """
    from huainan import plan

    path = data_dir() / "comparators" / "peer_plan_targets.csv"
    if not path.is_file():
        raise DataValidationError("peer plan targets not found", path=path)
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    absent = [c for c in _PEER_COLUMNS if c not in df.columns]
    if absent:
        raise DataValidationError(f"missing column(s) {absent}", path=path)
    known_ids = set(plan.indicators()["indicator_id"])
    parsed = []
    for idx, row in df.iterrows():
        line = int(idx) + 2
        if row["plan"] not in PEER_PLANS:
            raise DataValidationError(
                f"unknown plan (known: {sorted(PEER_PLANS)})",
                path=path,
                row=line,
                column="plan",
                value=row["plan"],
            )
        if row["indicator_id"] and row["indicator_id"] not in known_ids:
            raise DataValidationError(
                "not a 专栏2 indicator id",
                path=path,
                row=line,
                column="indicator_id",
                value=row["indicator_id"],
            )
        for col in ("approximate", "comparable"):
            if row[col] not in ("true", "false"):
                raise DataValidationError(
                    "expected true or false", path=path, row=line, column=col, value=row[col]
                )
        try:
            factor = float(row["unit_factor"])
        except ValueError:
            factor = float("nan")
        if not factor > 0:
            raise DataValidationError(
                "unit_factor must be a number > 0",
                path=path,
                row=line,
                column="unit_factor",
                value=row["unit_factor"],
            )
        if not row["target_year"].isdigit():
            raise DataValidationError(
                "target_year must be a year",
                path=path,
                row=line,
                column="target_year",
                value=row["target_year"],
            )
        text = _APPROX.sub("", row["target_text"].strip())
        if (text != row["target_text"].strip()) != (row["approximate"] == "true"):
            raise DataValidationError(
                "approximate must be true exactly when the text says 约/左右",
                path=path,
                row=line,
                column="approximate",
                value=row["approximate"],
            )
        try:
            t = parse_target(text)
        except TargetParseError as exc:
            raise DataValidationError(
                str(exc), path=path, row=line, column="target_text", value=row["target_text"]
            ) from exc
        parsed.append((t.kind, t.op, np.nan if t.value is None else float(t.value)))
    out = df.copy()
    out["target_year"] = out["target_year"].astype("int64")
    out["approximate"] = out["approximate"] == "true"
    out["comparable"] = out["comparable"] == "true"
    out["unit_factor"] = out["unit_factor"].astype("float64")
    out["indicator_id"] = out["indicator_id"].replace("", pd.NA)
    out["target_kind"] = [p[0] for p in parsed]
    out["target_op"] = [p[1] for p in parsed]
    out["target_value"] = np.array([p[2] for p in parsed], dtype="float64")
    return out


def plan_targets_side_by_side() -> pd.DataFrame:
    """Huainan's 2025 targets (专栏2) next to the national plan's, and Anhui's where published.

    Returns
    -------
    pandas.DataFrame
        One row per 专栏2 indicator, in the plan's order: ``indicator_id``, ``name_zh``, ``unit``
        (Huainan's), ``direction``, ``huainan_baseline_text`` (2020), ``huainan_target_text``
        (2025), ``huainan_target_value`` (float64); ``national_target_text`` (as published, its
        own unit), ``national_unit``, ``national_target_value`` (float64, converted to Huainan's
        unit with ``unit_factor``; NaN when not numeric or not comparable), ``comparable``
        (bool or NA when the national plan has no such indicator), ``huainan_vs_national``
        (``higher`` | ``lower`` | ``same``: Huainan's target value against the national one in
        the direction of improvement — ``higher`` = more ambitious — NA when not comparable or not
        numeric), ``anhui_14th_target_text`` (always NA: 《安徽省"十四五"公共服务规划》 was not
        found), ``anhui_13th_target_2020_text`` (Anhui's 十三五 target for 2020, where
        published), ``note`` (str: comparability notes, qualifier differences such as ``95``
        vs ``>95``), ``national_source_url``.

    Notes
    -----
    Sources: ``data/comparators/peer_plan_targets.csv`` (copied from
    ``shared/data/raw/peer_plans_indicators.csv``; the national targets come from a Xinhua summary
    of the national plan's indicator table — the table itself, its 2020 bases and attributes were
    not seen) and :func:`huainan.plan.indicators`. METHODS.md §6.

    Examples
    --------
    >>> s = plan_targets_side_by_side().set_index("indicator_id")
    >>> s.loc["nursery_places_per_1000", ["huainan_target_text", "national_target_text",
    ...                                   "huainan_vs_national"]].tolist()
    ['4.6', '4.5', 'higher']
    >>> float(s.loc["public_culture_visits_per_10k", "national_target_value"])
    34000.0
    """
    from huainan import plan

    ind = plan.indicators()
    peers = peer_targets()
    nat = peers[peers["plan"] == "national_14fyp_public_services"].dropna(subset=["indicator_id"])
    ah13 = peers[peers["plan"] == "anhui_13fyp_basic_public_services"].dropna(
        subset=["indicator_id"]
    )
    for frame, label in ((nat, "national"), (ah13, "Anhui 十三五")):
        dup = frame["indicator_id"].duplicated()
        if dup.any():
            raise DataValidationError(
                f"two {label} rows for one indicator",
                column="indicator_id",
                value=frame.loc[dup, "indicator_id"].iloc[0],
            )
    nat = nat.set_index("indicator_id")
    ah13 = ah13.set_index("indicator_id")
    rows = []
    for _, r in ind.iterrows():
        iid = r["indicator_id"]
        notes = []
        row = {
            "indicator_id": iid,
            "name_zh": r["name_zh"],
            "unit": r["unit"],
            "direction": r["direction"],
            "huainan_baseline_text": r["baseline_text"],
            "huainan_target_text": r["target_text"],
            "huainan_target_value": r["target_value"],
            "national_target_text": pd.NA,
            "national_unit": pd.NA,
            "national_target_value": np.nan,
            "comparable": pd.NA,
            "huainan_vs_national": pd.NA,
            "anhui_14th_target_text": pd.NA,
            "anhui_13th_target_2020_text": pd.NA,
            "national_source_url": pd.NA,
        }
        if iid in nat.index:
            n = nat.loc[iid]
            row.update(
                national_target_text=n["target_text"],
                national_unit=n["unit"],
                comparable=bool(n["comparable"]),
                national_source_url=n["source_url"],
            )
            if n["comparability_note"]:
                notes.append(n["comparability_note"])
            if n["approximate"]:
                notes.append("national target is approximate (约/左右)")
            numeric = n["target_kind"] == "numeric" and r["target_kind"] == "numeric"
            if n["comparable"] and numeric:
                nv = float(n["target_value"]) * float(n["unit_factor"])
                row["national_target_value"] = nv
                sign = 1.0 if r["direction"] == "higher_better" else -1.0
                diff = sign * (float(r["target_value"]) - nv)
                row["huainan_vs_national"] = (
                    "higher" if diff > 0 else "lower" if diff < 0 else "same"
                )
                plain = ">=" if sign > 0 else "<="  # METHODS §1: a plain number = at least/most
                if (_op(n["target_op"]) or plain) != (_op(r["target_op"]) or plain):
                    notes.append(
                        f"qualifiers differ: Huainan {r['target_text']!s} vs national "
                        f"{n['target_text']!s}"
                    )
        else:
            notes.append("no such indicator in the national plan's summary")
        if r["target_kind"] == "relative":
            notes.append("Huainan's target is relative to the Anhui average of the same year")
        if iid in ah13.index:
            row["anhui_13th_target_2020_text"] = ah13.loc[iid, "target_text"]
        row["note"] = "; ".join(notes)
        rows.append(row)
    out = pd.DataFrame(rows)
    out["national_target_value"] = out["national_target_value"].astype("float64")
    out["huainan_vs_national"] = out["huainan_vs_national"].astype("string")
    return out


def _op(op) -> str | None:
    """A target operator with every missing form (None, NaN, NA) as None."""
    return None if op is None or pd.isna(op) else str(op)
