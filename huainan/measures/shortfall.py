r"""Need-based shortfall to the plan's per-population standards (METHODS.md §5).

The plan sets provision standards per resident, per 1,000 residents, per 1,000 older people or per
100 households: 托位 4.6 per 1,000 residents, 执业（助理）医师 2.55 and 注册护士 3.15 per 1,000, sports
grounds of more than 2.6 m² per resident, more than 30 m² of community service space per 100
households, and (as the 十三五 level it keeps) 45 elderly-care beds per 1,000 older people
(:func:`need_standards` reads every one of them from the plan tables). For each county-level unit:

- **requirement** :math:`R_i = r \cdot D_i / k` — the standard's rate :math:`r` per :math:`k` of the
  denominator :math:`D_i` (residents, residents aged 60+ or family households) from the latest
  population that counts (:func:`latest_denominators`: officials' returns before the census);
- **supply** :math:`Q_i` — the latest reported count (托位总量, 执业（助理）医师, 养老服务床位总量 …) or,
  where only the per-capita rate was reported (the monitoring template asks for the 专栏2 rates),
  the rate times the same denominator (:func:`unit_supply`); never invented: a unit without a
  report has no supply and no gap;
- **gap** :math:`S_i = R_i - Q_i` in places, persons, beds or square metres (negative = above the
  standard), ranked (:func:`plan_shortfalls`), with one Chinese sentence per unit and one per
  standard (:func:`shortfall_findings`: the counties where the gap is largest, for the
  suggestions of a report).

Which observed value counts (officials' returns > official publications > third-party reposts,
then the latest year) is :mod:`huainan.evidence.observed`'s rule, used here through
:func:`huainan.evidence.observed.latest`; nothing here picks a value another way.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from huainan.errors import DataValidationError
from huainan.formats import number, whole
from huainan.measures.disparity import _check_values, _require_columns
from huainan.measures.standards import DENOMINATORS, PROVISION_ZH, need_standards, per_words
from huainan.plan import regions

__all__ = [
    "COUNTY_STANDARDS",
    "DENOMINATORS",
    "PROVISION_ZH",
    "SUPPLY",
    "census_requirement",
    "denominators_wide",
    "latest_denominators",
    "need_standards",
    "per_words",
    "plan_shortfalls",
    "requirement",
    "shortfall",
    "shortfall_findings",
    "standard_words",
    "unit_supply",
]


def requirement(
    denominators: pd.DataFrame,
    standard: str | None = None,
    *,
    rate: float | None = None,
    per: float | None = None,
    denominator: str | None = None,
    code: str = "region_code",
) -> pd.DataFrame:
    r"""Provision required in each unit by a per-capita standard: ``rate × denominator / per``.

    Parameters
    ----------
    denominators : pandas.DataFrame
        One row per unit: ``code`` (str) and the census denominator column(s) (persons or
        households; see :data:`DENOMINATORS`); optional ``name_zh``.
    standard : str, optional
        A ``standard_id`` of :func:`need_standards` (rate, operator, unit and source come from the
        plan). Give either this or ``rate``, ``per`` and ``denominator``.
    rate, per : float, optional
        Explicit standard: ``rate`` units of provision per ``per`` denominator units.
    denominator : str, optional
        Explicit standard: the denominator column of ``denominators``.
    code : str
        The region-code column.

    Returns
    -------
    pandas.DataFrame
        One row per unit (input order): ``region_code``, ``name_zh`` (if given), ``standard_id``,
        ``denominator`` (column name), ``denominator_value`` (float64), ``rate``, ``op``, ``per``,
        ``requirement`` (float64, in ``unit``), ``unit``, ``note`` (str). A missing denominator
        gives a NaN requirement and a note.

    Raises
    ------
    ValueError
        Neither or both of ``standard`` and the explicit arguments are given.
    KeyError
        Unknown standard or a missing column.
    DataValidationError
        A denominator is negative or not a number.

    Notes
    -----
    :math:`R_i = r \cdot D_i / k` with :math:`r` the standard's rate, :math:`D_i` the unit's
    census denominator and :math:`k` the "per" (1,000 residents, 100 households) — METHODS §5.

    Examples
    --------
    4.6 托位 per 1,000 residents in 大通区 (165,671 residents, 2020 census): 4.6 × 165.671 = 762.09.

    >>> d = pd.DataFrame({"region_code": ["340402"], "population": [165671]})
    >>> round(float(requirement(d, "nursery_places")["requirement"].iloc[0]), 2)
    762.09
    """
    explicit = (rate, per, denominator)
    if standard is not None and any(x is not None for x in explicit):
        raise ValueError("give either a standard id or rate/per/denominator, not both")
    if standard is not None:
        std = need_standards().set_index("standard_id")
        if standard not in std.index:
            raise KeyError(f"unknown standard {standard!r}; known: {', '.join(std.index)}")
        s = std.loc[standard]
        rate, per, denominator = float(s["rate"]), float(s["per"]), s["denominator"]
        op, unit, note = s["op"], s["unit"], s["note"]
    elif rate is not None and per is not None and denominator is not None:
        op, unit, note = ">=", "", ""
        standard = f"{rate:g} per {per:g} {denominator}"
    else:
        raise ValueError("give a standard id, or all of rate, per and denominator")
    _require_columns(denominators, [code, denominator])
    d = _check_values(denominators[denominator], denominator)
    out = pd.DataFrame({"region_code": denominators[code].astype(str).to_numpy()})
    if "name_zh" in denominators.columns:
        out["name_zh"] = denominators["name_zh"].to_numpy()
    out["standard_id"] = standard
    out["denominator"] = denominator
    out["denominator_value"] = d
    out["rate"], out["op"], out["per"] = float(rate), op, float(per)
    out["requirement"] = float(rate) * d / float(per)
    out["unit"] = unit
    out["note"] = np.where(np.isnan(d), f"{denominator} missing: requirement not computed", note)
    out["note"] = out["note"].astype("string")
    return out


def census_requirement(
    standard: str, *, codes: Sequence[str] | None = None, year: int = 2020
) -> pd.DataFrame:
    """:func:`requirement` for Huainan's units with the census denominators of :mod:`huainan.evidence.stats`.

    Parameters
    ----------
    standard : str
        A ``standard_id`` of :func:`need_standards`.
    codes : sequence of str, optional
        Region codes (default the seven units, :data:`huainan.plan.regions.UNIT_CODES`); any code of
        :func:`huainan.evidence.stats.census_denominators` works (other counties too).
    year : {2020, 2010}
        Census year of the denominators (the requirement applies that population to the plan's
        2025 standard: say so when reporting).

    Returns
    -------
    pandas.DataFrame
        As :func:`requirement` (with ``name_zh`` for the regions of ``regions.csv``), plus
        ``denominator_year`` (int64) and ``denominator_source`` (str).

    Raises
    ------
    KeyError
        Unknown standard.
    DataValidationError
        A ``data/stats`` file is malformed.

    Examples
    --------
    大通区: 165,671 residents (2020 census) × 4.6 / 1,000 = 762.09 托位.

    >>> r = census_requirement("nursery_places").set_index("region_code")
    >>> len(r), round(float(r.at["340402", "requirement"]), 2)
    (7, 762.09)
    """
    from huainan.evidence import stats
    from huainan.plan import regions

    std = need_standards().set_index("standard_id")
    if standard not in std.index:
        raise KeyError(f"unknown standard {standard!r}; known: {', '.join(std.index)}")
    denominator = std.at[standard, "denominator"]
    codes = [str(c) for c in (regions.UNIT_CODES if codes is None else codes)]
    den = stats.census_denominators(denominator, year)
    names = regions.regions().set_index("code")["name_zh"]
    frame = pd.DataFrame(
        {
            "region_code": codes,
            "name_zh": [names.get(c, pd.NA) for c in codes],
            denominator: den.reindex(codes).to_numpy(dtype="float64"),
        }
    )
    out = requirement(frame, standard)
    out["denominator_year"] = np.int64(year)
    out["denominator_source"] = (
        f"{year} census: huainan.evidence.stats.census_denominators({denominator!r})"
    )
    return out


def shortfall(
    req: pd.DataFrame,
    supply: pd.DataFrame | None = None,
    *,
    value: str = "value",
    code: str = "region_code",
    total_code: str = "340400",
    total_name: str = "合计",
) -> pd.DataFrame:
    r"""Shortfall to the standard (requirement − supply) per unit, ranked, with a total row.

    Parameters
    ----------
    req : pandas.DataFrame
        Output of :func:`requirement`.
    supply : pandas.DataFrame, optional
        Supply per unit as ingested from officials' tables: ``code`` and ``value``; with a
        ``unit`` column (e.g. ``万个``) each value is converted exactly to the requirement's unit
        (:func:`huainan.intake.units.convert`), without one it must already be in that unit (托位 个, 张,
        平方米). ``None``: no supply has been ingested, so the table gives the requirement alone
        and says so in ``note``.
    value, code : str
        Column names in ``supply``.
    total_code, total_name : str
        Code and name of the total row (default the city, 340400; the total is the sum over the
        rows of ``req``).

    Returns
    -------
    pandas.DataFrame
        The columns of ``req`` plus ``supply`` (float64), ``shortfall`` (= requirement − supply,
        float64; negative = surplus), ``unmet`` (= max(shortfall, 0): the gap a unit's own
        surplus cannot fill elsewhere), ``shortfall_pct`` (shortfall / requirement × 100),
        ``status`` (``short`` | ``met`` | ``borderline`` (supply equals a "more than" standard) |
        ``no supply data``), ``rank`` (Int64, 1 = largest shortfall; by requirement when there is
        no supply data; NA on the total row), ``rank_by``. Units are sorted by rank; the last row
        is the total: sums of ``denominator_value``, ``requirement``, ``supply`` (NaN if any unit
        lacks supply), ``unmet``, and ``shortfall`` = total requirement − total supply.

    Raises
    ------
    KeyError
        Missing column in ``supply``.
    DataValidationError
        Duplicate units in ``supply``, or a negative / non-numeric supply value.
    UnitError
        A supply ``unit`` cannot be converted to the requirement's unit (e.g. 张 to 平方米).

    Notes
    -----
    :math:`S_i = R_i - Q_i` (METHODS §5), :math:`R_i` from :func:`requirement`, :math:`Q_i` the
    supply. The total row's shortfall nets surpluses against gaps; ``unmet`` does not.

    Examples
    --------
    >>> req = requirement(pd.DataFrame({"region_code": ["a", "b"], "population": [2000, 1000]}),
    ...                   rate=5, per=1000, denominator="population")
    >>> sup = pd.DataFrame({"region_code": ["a", "b"], "value": [4.0, 8.0]})
    >>> shortfall(req, sup)[["region_code", "requirement", "supply", "shortfall", "unmet",
    ...                      "status", "rank"]]
      region_code  requirement  supply  shortfall  unmet status  rank
    0           a         10.0     4.0        6.0    6.0  short     1
    1           b          5.0     8.0       -3.0    0.0    met     2
    2      340400         15.0    12.0        3.0    6.0   <NA>  <NA>
    """
    out = req.copy()
    if supply is not None:
        _require_columns(supply, [code, value])
        keys = supply[code].astype(str)
        dup = keys.duplicated()
        if dup.any():
            raise DataValidationError(
                "supply lists a unit twice", column=code, value=keys[dup].iloc[0]
            )
        q = pd.Series(_check_values(supply[value], value), index=keys.to_numpy())
        target_unit = str(out["unit"].iloc[0]) if len(out) else ""
        if "unit" in supply.columns and target_unit:
            from huainan.intake.units import convert

            q = pd.Series(
                [
                    v if np.isnan(v) else convert(v, str(u), target_unit)
                    for v, u in zip(q.to_numpy(), supply["unit"], strict=True)
                ],
                index=q.index,
                dtype="float64",
            )
        out["supply"] = out["region_code"].map(q).astype("float64")
    else:
        out["supply"] = np.nan
    out["shortfall"] = out["requirement"] - out["supply"]
    out["unmet"] = out["shortfall"].clip(lower=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["shortfall_pct"] = out["shortfall"] / out["requirement"] * 100
    strict = out["op"] == ">"
    status = np.select(
        [out["supply"].isna(), out["shortfall"] > 0, strict & (out["shortfall"] == 0)],
        ["no supply data", "short", "borderline"],
        "met",
    )
    out["status"] = pd.Series(status, index=out.index, dtype="string")
    has_supply = out["supply"].notna().any()
    key = "shortfall" if has_supply else "requirement"
    out["rank"] = out[key].rank(ascending=False, method="min").astype("Int64")
    out["rank_by"] = key
    note = out["note"].fillna("").astype(str)
    extra = np.where(
        out["supply"].isna(),
        "no supply ingested: requirement only",
        np.where(
            out["status"] == "borderline",
            "supply equals the standard, which asks for more than",
            "",
        ),
    )
    joined = [f"{a}; {b}" if a and b else (a or b) for a, b in zip(note, extra, strict=True)]
    out["note"] = pd.Series(joined, index=out.index, dtype="string")
    out = out.sort_values(["rank", "region_code"], kind="stable", na_position="last")
    return _with_total(out, total_code=total_code, total_name=total_name)


def _with_total(out: pd.DataFrame, *, total_code: str, total_name: str) -> pd.DataFrame:
    """The ranked units of :func:`shortfall` followed by their total row."""
    # the total row: sums where they mean something, shared descriptive values carried over
    total: dict = {}
    for c in out.columns:
        values = out[c].dropna().unique()
        total[c] = values[0] if len(values) == 1 and out[c].notna().all() else pd.NA
    total.update(region_code=total_code, rank=pd.NA)
    if "name_zh" in out.columns:
        total["name_zh"] = total_name
    for c in ("denominator_value", "requirement", "supply", "unmet"):
        total[c] = out[c].sum(min_count=1, skipna=False)
    total["shortfall"] = total["requirement"] - total["supply"]
    total["shortfall_pct"] = total["shortfall"] / total["requirement"] * 100
    total["status"] = pd.NA
    missing_units = out.loc[out["supply"].isna(), "region_code"].tolist()
    total["note"] = f"total of {len(out)} units" + (
        f"; supply missing for {', '.join(missing_units)}: totals of supply and shortfall "
        "not computed"
        if missing_units
        else ""
    )
    total_row = pd.DataFrame([total], columns=out.columns)
    for c in out.columns:
        dtype = out[c].dtype
        if pd.api.types.is_integer_dtype(dtype) and total_row[c].isna().any():
            dtype = "Int64"
        total_row[c] = total_row[c].astype(dtype)
        if str(dtype) == "Int64":
            out[c] = out[c].astype("Int64")
    return pd.concat([out, total_row], ignore_index=True)


# ---------------------------------------------------------------------------------------------
# the county-level shortfall from reported values (what briefs, apps and the report show)
# ---------------------------------------------------------------------------------------------

#: Where the supply of each county-wide standard is reported: (count indicator, rate indicator).
#: A count (托位总量 万个, 执业（助理）医师 万人 …) is converted exactly to the standard's unit; a rate
#: (the 专栏2 indicator the monitoring template asks for) is turned into a count with the same
#: denominator as the requirement. ``None``: no such indicator is collected.
SUPPLY: dict[str, tuple[str | None, str | None]] = {
    "nursery_places": ("nursery_places", "nursery_places_per_1000"),
    "physicians": ("physicians", "physicians_per_1000"),
    "nurses": ("nurses", "nurses_per_1000"),
    "elderly_care_beds": ("elderly_care_beds_total", None),
    "community_service_space": (None, "community_service_space_per_100hh"),
    "sports_area": (None, "sports_area_per_capita"),
}

#: The standards that apply to every resident (or household) of a county, in the order briefs
#: show them. The estate standards (新建/老旧小区: 10 and 8 托位 per 1,000, 30 and 20 m² per 100
#: households) apply to the residents of some estates only, whose numbers are not published: they
#: are listed by :func:`need_standards` but not computed per county.
COUNTY_STANDARDS: tuple[str, ...] = tuple(SUPPLY)

#: Indicators holding a county's population, best first when of the same year and evidence class:
#: census residents (人) and year-end residents (万人, converted).
_POPULATION_IDS = ("population", "population_yearend")

_SHORTFALL_COLUMNS = (
    "standard_id",
    "provision_zh",
    "region_code",
    "name_zh",
    "denominator",
    "denominator_value",
    "denominator_year",
    "denominator_source",
    "rate",
    "op",
    "per",
    "unit",
    "requirement",
    "supply",
    "supply_rate",
    "supply_year",
    "supply_basis",
    "supply_source",
    "gap",
    "unmet",
    "status",
    "rank",
    "rank_by",
    "sentence_zh",
)


def _as_count_rows(rows: pd.DataFrame, indicator: str, unit: str) -> pd.DataFrame:
    """``rows`` renamed to ``indicator`` with values converted to ``unit`` (万人 → 人 …)."""
    from huainan.intake.units import convert

    if rows.empty:
        return rows.assign(indicator=indicator)
    values = [
        float(v) if str(u) == unit else convert(float(v), str(u), unit)
        for v, u in zip(rows["value"], rows["unit"], strict=True)
    ]
    return rows.assign(indicator=indicator, value=values, unit=unit)


def _latest_by_code(frame: pd.DataFrame, key: str, codes: Sequence[str], year: int) -> dict:
    """For each code the row that counts up to ``year`` (:func:`huainan.evidence.observed.latest`;
    a code with a single candidate row has that row — there is nothing to choose)."""
    from huainan.evidence.observed import latest, with_quality

    frame = with_quality(frame[frame["year"] <= year]) if len(frame) else frame
    groups = {str(c): g for c, g in frame.groupby("region_code")} if len(frame) else {}
    out: dict[str, pd.Series | None] = {}
    for code in codes:
        rows = groups.get(str(code))
        if rows is None or rows.empty:
            out[str(code)] = None
        elif len(rows) == 1:
            out[str(code)] = rows.iloc[0]
        else:
            out[str(code)] = latest(rows, key, str(code), year=year)
    return out


def latest_denominators(
    observations: pd.DataFrame | None = None,
    *,
    year: int = 2025,
    codes: Sequence[str] = regions.UNIT_CODES,
) -> pd.DataFrame:
    """The latest population of each unit that counts: residents, residents aged 60+, households.

    Parameters
    ----------
    observations : pandas.DataFrame, optional
        Long table (:func:`huainan.evidence.observed.all_observations`, the default).
    year : int
        Latest year accepted.
    codes : sequence of str
        Region codes (default the seven units).

    Returns
    -------
    pandas.DataFrame
        One row per code × denominator (``population``, ``pop_age_60plus``,
        ``households_family``): ``region_code``, ``name_zh``, ``denominator``, ``value``
        (float64, persons or households; NaN when nothing was observed), ``year`` (Int64),
        ``source`` (str), ``quality`` (evidence class).

    Notes
    -----
    Residents: the census count (``population``, 人) and year-end residents (``population_yearend``,
    万人, converted to 人) are candidates of one series, and :func:`huainan.evidence.observed.latest`
    picks the value that counts (officials' returns > official publications > third-party
    reposts, then the latest year): a county's 2025 return beats the 2020 census, a third-party
    repost of a 2024 figure does not. Residents aged 60+ and family households are census
    counts (2020).

    Examples
    --------
    >>> d = latest_denominators(year=2025).set_index(["region_code", "denominator"])
    >>> int(d.at[("340402", "population"), "value"]), int(d.at[("340402", "population"), "year"])
    (165671, 2020)
    """
    from huainan.evidence.observed import all_observations

    obs = all_observations() if observations is None else observations
    names = regions.regions().set_index("code")["name_zh"]
    total = obs[(obs["area"] == "total") & obs["region_code"].isin(list(codes))]
    series = {
        "population": pd.concat(
            [
                _as_count_rows(total[total["indicator"] == ind], "population", "人")
                for ind in _POPULATION_IDS
            ],
            ignore_index=True,
        ),
        "pop_age_60plus": total[total["indicator"] == "pop_age_60plus"],
        "households_family": total[total["indicator"] == "households_family"],
    }
    picked = {key: _latest_by_code(frame, key, codes, year) for key, frame in series.items()}
    rows = []
    for code in codes:
        for key in series:
            row = picked[key][str(code)]
            rows.append(
                {
                    "region_code": str(code),
                    "name_zh": names.get(str(code), pd.NA),
                    "denominator": key,
                    "value": np.nan if row is None else float(row["value"]),
                    "year": pd.NA if row is None else int(row["year"]),
                    "source": pd.NA if row is None else str(row["source"]),
                    "quality": pd.NA if row is None else str(row["quality"]),
                }
            )
    out = pd.DataFrame(rows)
    out["value"] = out["value"].astype("float64")
    out["year"] = out["year"].astype("Int64")
    return out


def denominators_wide(dens: pd.DataFrame) -> pd.DataFrame:
    """:func:`latest_denominators` as one row per unit with one column per denominator (the
    frame :func:`requirement` takes), plus ``<key>_year`` and ``<key>_source`` columns."""
    wide = dens.pivot(index="region_code", columns="denominator", values="value")
    order = list(dict.fromkeys(dens["region_code"]))
    out = pd.DataFrame({"region_code": order})
    out["name_zh"] = out["region_code"].map(
        dens.drop_duplicates("region_code").set_index("region_code")["name_zh"]
    )
    for key in DENOMINATORS:
        part = dens[dens["denominator"] == key].set_index("region_code")
        out[key] = out["region_code"].map(wide[key] if key in wide else pd.Series(dtype=float))
        out[f"{key}_year"] = out["region_code"].map(part["year"]).astype("Int64")
        out[f"{key}_source"] = out["region_code"].map(part["source"])
    return out


def unit_supply(
    standard: str,
    denominators: pd.DataFrame,
    observations: pd.DataFrame | None = None,
    *,
    year: int = 2025,
) -> pd.DataFrame:
    """The latest reported supply of each unit for one standard, in the standard's unit.

    Parameters
    ----------
    standard : str
        A key of :data:`SUPPLY`.
    denominators : pandas.DataFrame
        One row per unit: ``region_code`` and the standard's denominator column (the same
        denominator the requirement uses; :func:`denominators_wide`).
    observations : pandas.DataFrame, optional
        Long table (default :func:`huainan.evidence.observed.all_observations`).
    year : int
        Latest year accepted.

    Returns
    -------
    pandas.DataFrame
        Units with a reported value only: ``region_code``, ``supply`` (float64, in the standard's
        unit: 个, 人, 张, 平方米), ``supply_rate`` (float64, per ``per`` of the denominator),
        ``supply_year`` (int64), ``supply_basis`` (``count`` | ``rate``), ``supply_source`` (str),
        ``supply_quality``. Empty when nothing was reported.

    Raises
    ------
    KeyError
        Unknown standard.
    UnitError
        A reported unit cannot be converted to the standard's unit.

    Notes
    -----
    Counts and rates are candidates of one series: a rate :math:`q` becomes the count
    :math:`q \\cdot D_i / k` (the requirement's denominator :math:`D_i` and per :math:`k`), and
    :func:`huainan.evidence.observed.latest` picks the value that counts; within the same year
    and evidence class the count (reported as such) comes first.

    Examples
    --------
    凤台县 reported 1.7 托位 per 1,000 residents; with 633,385 residents: 1.7 × 633.385 = 1,076.75.

    >>> obs = pd.DataFrame({"region_code": ["340421"], "year": [2025], "area": ["total"],
    ...     "indicator": ["nursery_places_per_1000"], "unit": ["个"], "value": [1.7],
    ...     "source": ["报送"], "source_ref": ["t.csv"], "note": [""], "origin": ["monitoring"]})
    >>> d = pd.DataFrame({"region_code": ["340421"], "population": [633385.0]})
    >>> s = unit_supply("nursery_places", d, obs)
    >>> round(float(s["supply"].iloc[0]), 2), s["supply_basis"].iloc[0]
    (1076.75, 'rate')
    """
    from huainan.evidence.observed import all_observations

    if standard not in SUPPLY:
        raise KeyError(f"unknown standard {standard!r}; one of {', '.join(SUPPLY)}")
    std = need_standards().set_index("standard_id").loc[standard]
    count_id, rate_id = SUPPLY[standard]
    obs = all_observations() if observations is None else observations
    den = pd.Series(
        denominators[std["denominator"]].to_numpy(dtype="float64"),
        index=denominators["region_code"].astype(str),
    )
    per = float(std["per"])
    total = obs[(obs["area"] == "total") & obs["region_code"].isin(list(den.index))]
    parts = []
    if count_id is not None:
        counts = total[total["indicator"] == count_id]
        parts.append(_as_count_rows(counts, "_supply", str(std["unit"])).assign(_basis="count"))
    rates = total[total["indicator"] == rate_id] if rate_id is not None else total.iloc[0:0]
    if len(rates):
        d_of = rates["region_code"].map(den).astype("float64")
        as_count = rates["value"].astype("float64") * d_of / per
        parts.append(
            rates.assign(
                indicator="_supply", value=as_count, unit=std["unit"], _basis="rate"
            ).dropna(subset=["value"])
        )
    frame = pd.concat(parts, ignore_index=True) if parts else total.iloc[0:0]
    picked = _latest_by_code(frame, "_supply", list(den.index), year)
    rows = []
    for code in den.index:
        row = picked[code]
        if row is None:
            continue
        d = float(den[code])
        rows.append(
            {
                "region_code": code,
                "supply": float(row["value"]),
                "supply_rate": float(row["value"]) * per / d if d > 0 else np.nan,
                "supply_year": int(row["year"]),
                "supply_basis": str(row["_basis"]),
                "supply_source": str(row["source"]),
                "supply_quality": str(row["quality"]),
            }
        )
    columns = [
        "region_code",
        "supply",
        "supply_rate",
        "supply_year",
        "supply_basis",
        "supply_source",
        "supply_quality",
    ]
    return pd.DataFrame(rows, columns=columns).astype(
        {"supply": "float64", "supply_rate": "float64", "supply_year": "int64"}
    )


def _named(rows: pd.DataFrame, column: str, unit: str) -> str:
    """``寿县（500 人）、凤台县（300 人）``: names with a whole-number value each."""
    return "、".join(
        f"{n}（{whole(v)} {unit}）" for n, v in zip(rows["name_zh"], rows[column], strict=True)
    )


def standard_words(denominator: str, per: float, rate: float, unit: str) -> str:
    """``按每千人口 2.55 人的标准``.

    Examples
    --------
    >>> standard_words("pop_age_60plus", 1000, 45, "张")
    '按每千名60岁及以上老人 45 张的标准'
    """
    return f"按{per_words(denominator, per)} {number(rate)} {unit}的标准"


def _unit_sentence(r, std) -> str:
    """One Chinese sentence on one unit's requirement, supply and gap."""
    what, unit = std["provision_zh"], std["unit"]
    per = per_words(std["denominator"], std["per"])
    basis = standard_words(std["denominator"], std["per"], std["rate"], unit)
    need = f"{r['name_zh']}{basis}需{what}约 {whole(r['requirement'])} {unit}"
    if pd.isna(r["requirement"]):
        return f"{r['name_zh']}缺少人口数据，无法测算{what}需求。"
    if pd.isna(r["supply"]):
        return need + "；现有数量未报送，缺口无法计算。"
    have = (
        f"，现有约 {whole(r['supply'])} {unit}（{int(r['supply_year'])}年，"
        f"{per} {number(r['supply_rate'], 3)} {unit}）"
    )
    if r["gap"] > 0:
        return need + have + f"，缺 {whole(r['gap'])} {unit}。"
    if std["op"] == ">" and r["gap"] == 0:
        return need + have + "，恰等于标准，未达到“高于”的要求。"
    return need + have + f"，已达到标准（多 {whole(-r['gap'])} {unit}）。"


def _total_sentence(r, std, n_units: int) -> str:
    what, unit = std["provision_zh"], std["unit"]
    text = f"{n_units}个县区合计需{what}约 {whole(r['requirement'])} {unit}"
    if pd.isna(r["supply"]):
        return text + "；部分县区未报送现有数量，合计缺口无法计算。"
    text += f"，现有约 {whole(r['supply'])} {unit}"
    if r["gap"] > 0:
        text += f"，净缺 {whole(r['gap'])} {unit}"
    else:
        text += f"，总量已达到标准（多 {whole(-r['gap'])} {unit}）"
    if r["unmet"] > 0:
        text += f"；不足县区的缺口合计 {whole(r['unmet'])} {unit}（一地多出的不能补另一地）"
    return text + "。"


def plan_shortfalls(
    observations: pd.DataFrame | None = None,
    *,
    year: int = 2025,
    standards: Sequence[str] | None = None,
    codes: Sequence[str] = regions.UNIT_CODES,
    denominators: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Requirement, reported supply and gap of every county-wide standard, per unit, ranked.

    Parameters
    ----------
    observations : pandas.DataFrame, optional
        Long table (default :func:`huainan.evidence.observed.all_observations`).
    year : int
        Latest year of population and supply accepted.
    standards : sequence of str, optional
        Keys of :data:`SUPPLY` (default :data:`COUNTY_STANDARDS`: all of them).
    codes : sequence of str
        Units (default the seven).
    denominators : pandas.DataFrame, optional
        :func:`denominators_wide` of the units (default from :func:`latest_denominators`).

    Returns
    -------
    pandas.DataFrame
        Per standard: one row per unit, ranked by gap (by requirement when no unit reported its
        supply), then a total row (``region_code`` 340400, ``name_zh`` 合计). Columns:
        ``standard_id``, ``provision_zh`` (托位, 执业（助理）医师 …), ``region_code``, ``name_zh``,
        ``denominator`` (key of :data:`DENOMINATORS`), ``denominator_value`` (float64),
        ``denominator_year`` (Int64), ``denominator_source`` (str), ``rate``, ``op``, ``per`` (the
        standard), ``unit`` (个, 人, 张, 平方米), ``requirement`` (float64, in ``unit``),
        ``supply`` (float64; NaN = not reported), ``supply_rate`` (float64, the reported or
        derived rate), ``supply_year`` (Int64), ``supply_basis`` (``count``/``rate``/NA),
        ``supply_source``, ``gap`` (float64, requirement − supply; negative = above the
        standard; on the total row the net gap), ``unmet`` (float64, max(gap, 0); on the total
        row the sum over units), ``status`` (``short``/``met``/``borderline``/``no supply
        data``), ``rank`` (Int64, 1 = largest gap), ``rank_by`` (``shortfall``/
        ``requirement``), ``sentence_zh`` (one Chinese sentence per row).

    Notes
    -----
    :math:`R_i = r D_i / k`, :math:`S_i = R_i - Q_i` (METHODS §5, :func:`requirement`,
    :func:`shortfall`); :math:`D_i` from :func:`latest_denominators`, :math:`Q_i` from
    :func:`unit_supply`.

    Examples
    --------
    寿县 reports 2.05 doctors per 1,000 residents; with the census population of 1,000,000 (made
    up here): requirement 2.55 × 1,000 = 2,550, supply 2.05 × 1,000 = 2,050, gap 500 persons.

    >>> d = pd.DataFrame({"region_code": ["340422"], "name_zh": ["寿县"], "population": [1e6],
    ...     "population_year": [2020], "population_source": ["普查"]})
    >>> obs = pd.DataFrame({"region_code": ["340422"], "year": [2025], "area": ["total"],
    ...     "indicator": ["physicians_per_1000"], "unit": ["人"], "value": [2.05],
    ...     "source": ["报送"], "source_ref": ["t.csv"], "note": [""], "origin": ["monitoring"]})
    >>> t = plan_shortfalls(obs, standards=["physicians"], codes=["340422"], denominators=d)
    >>> round(float(t["gap"].iloc[0]), 6), t["sentence_zh"].iloc[0]
    (500.0, '寿县按每千人口 2.55 人的标准需执业（助理）医师约 2,550 人，现有约 2,050 人（2025年，每千人口 2.05 人），缺 500 人。')
    """  # noqa: E501
    from huainan.evidence.observed import all_observations

    obs = all_observations() if observations is None else observations
    wanted = list(COUNTY_STANDARDS if standards is None else standards)
    unknown = [s for s in wanted if s not in SUPPLY]
    if unknown:
        raise KeyError(f"unknown standard(s) {unknown}; known: {', '.join(SUPPLY)}")
    if denominators is None:
        denominators = denominators_wide(latest_denominators(obs, year=year, codes=codes))
    std_table = need_standards().set_index("standard_id")
    frames = [_one_shortfall(sid, std_table.loc[sid], denominators, obs, year) for sid in wanted]
    if not frames:
        return pd.DataFrame(columns=list(_SHORTFALL_COLUMNS))
    return pd.concat(frames, ignore_index=True)


def _one_shortfall(sid, std, denominators, obs, year) -> pd.DataFrame:
    key = std["denominator"]
    frame = denominators[["region_code", "name_zh", key]].copy()
    req = requirement(frame, sid)
    sup = unit_supply(sid, denominators, obs, year=year)
    out = shortfall(req, sup.rename(columns={"supply": "value"})[["region_code", "value"]])
    by_code = sup.set_index("region_code")
    out["supply_rate"] = out["region_code"].map(by_code["supply_rate"]).astype("float64")
    out["supply_year"] = out["region_code"].map(by_code["supply_year"]).astype("Int64")
    out["supply_basis"] = out["region_code"].map(by_code["supply_basis"])
    out["supply_source"] = out["region_code"].map(by_code["supply_source"])
    den = denominators.set_index("region_code")
    out["denominator_year"] = out["region_code"].map(den.get(f"{key}_year")).astype("Int64")
    out["denominator_source"] = out["region_code"].map(den.get(f"{key}_source"))
    out["provision_zh"] = std["provision_zh"]
    out["standard_id"] = sid
    out = out.rename(columns={"shortfall": "gap"})
    total = out["region_code"] == regions.CITY_CODE
    out.loc[total, "supply_rate"] = (
        out.loc[total, "supply"] * std["per"] / out.loc[total, "denominator_value"]
    )
    n_units = int((~total).sum())
    out["sentence_zh"] = [
        _total_sentence(r, std, n_units)
        if r["region_code"] == regions.CITY_CODE
        else _unit_sentence(r, std)
        for _, r in out.iterrows()
    ]
    out["unit"] = std["unit"]
    return out[list(_SHORTFALL_COLUMNS)]


def shortfall_findings(table: pd.DataFrame, *, top: int = 3) -> pd.DataFrame:
    """One finding per standard from :func:`plan_shortfalls`: where the gap is largest.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`plan_shortfalls` output.
    top : int
        How many units to name.

    Returns
    -------
    pandas.DataFrame
        One row per standard (the order of ``table``): ``standard_id``, ``provision_zh``,
        ``unit``, ``n_units``, ``n_reported`` (units with supply), ``n_short`` (units below the
        standard), ``unmet`` (float64, the sum of the units' gaps; NaN when no unit reported),
        ``largest`` (str, the units with the largest gaps — or the largest requirements when
        nothing was reported —, ``、``-joined in rank order), ``sentence_zh`` (one Chinese
        sentence for a report's findings and suggestions).

    Examples
    --------
    >>> t = pd.DataFrame({"standard_id": "nurses", "provision_zh": "注册护士", "unit": "人",
    ...     "region_code": ["340422", "340421", "340400"], "name_zh": ["寿县", "凤台县", "合计"],
    ...     "rate": 3.15, "per": 1000.0, "denominator": "population",
    ...     "requirement": [3150.0, 1900.0, 5050.0], "supply": [2650.0, 2000.0, 4650.0],
    ...     "gap": [500.0, -100.0, 400.0], "unmet": [500.0, 0.0, 500.0],
    ...     "status": ["short", "met", None], "rank": [1, 2, None]})
    >>> shortfall_findings(t)["sentence_zh"].iloc[0]
    '按每千人口 3.15 人的标准，报送的2个县区中1个注册护士不足，缺口合计约 500 人；缺口最大的是寿县（500 人）。'
    """
    rows = []
    for sid, grp in table.groupby("standard_id", sort=False):
        units = grp[grp["region_code"] != regions.CITY_CODE]
        first = grp.iloc[0]
        what, unit = first["provision_zh"], first["unit"]
        basis = standard_words(first["denominator"], first["per"], first["rate"], unit)
        reported = units[units["supply"].notna()]
        short = reported[reported["gap"] > 0].sort_values("gap", ascending=False)
        if reported.empty:
            big = units.sort_values("requirement", ascending=False).head(top)
            sentence = (
                f"{basis}，{len(units)}个县区共需{what}约 {whole(units['requirement'].sum())} "
                f"{unit}，需求最大的是{_named(big, 'requirement', unit)}；各县区现有{what}未报送，"
                "缺口无法计算。"
            )
        elif short.empty:
            big = short
            sentence = f"{basis}，报送的{len(reported)}个县区{what}均已达到标准"
        else:
            big = short.head(top)
            count = (
                f"{what}均不足" if len(short) == len(reported) else f"中{len(short)}个{what}不足"
            )
            sentence = (
                f"{basis}，报送的{len(reported)}个县区{count}，缺口合计约 "
                f"{whole(short['gap'].sum())} {unit}；缺口最大的是{_named(big, 'gap', unit)}"
            )
        missing = len(units) - len(reported)
        if len(reported) and missing:
            sentence += f"；另有{missing}个县区未报送"
        if len(reported):
            sentence += "。"
        rows.append(
            {
                "standard_id": sid,
                "provision_zh": what,
                "unit": unit,
                "n_units": len(units),
                "n_reported": len(reported),
                "n_short": len(short),
                "unmet": float(short["gap"].sum()) if len(reported) else np.nan,
                "largest": "、".join(big["name_zh"]),
                "sentence_zh": sentence,
            }
        )
    columns = ["standard_id", "provision_zh", "unit", "n_units", "n_reported", "n_short",
               "unmet", "largest", "sentence_zh"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)
