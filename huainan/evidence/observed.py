"""All observed values in one long table, and the one rule that says which value counts.

:func:`all_observations` unions :func:`huainan.evidence.stats.observations` (census and bulletin
figures shipped in ``data/stats/``) and :func:`huainan.evidence.monitoring.observations` (values
officials ingested into ``data/monitoring/``). Nothing is merged or overwritten: every row keeps
its source, and a ``quality`` column says what kind of evidence it is.

Evidence precedence (used by every table, brief, app and document — never re-implemented):

1. ``official_return`` — 部门报送: officials' monitoring returns (the monitoring store; its latest
   revision of each value);
2. ``official_publication`` — 官方发布: publications read from a government site or an official
   printed publication (census tabulations and yearbooks, statistical yearbooks);
3. ``third_party`` — 第三方转载或报道: the same figures as reposted or reported on other web sites
   (news portals, aggregators, encyclopaedias, reposts of bulletins).

Among candidate values the best class wins; within a class the latest year (and, in the store,
the latest revision). A value that was not used but disagrees with the one used is named, so a
reader sees which source was used and why (:func:`select`).

Five-year cumulative targets (``[430]``) are compared with the sum of annual values 2021–2025. A
multi-year total reported as a running total since the start of the plan period is stored under
``<indicator>_to_date`` with ``year`` = the last year it covers (e.g. 274 for 2021–2022 under
``old_residential_renovation_to_date``, 2022) and counts for its years: :func:`running_total`
combines such totals with annual values (never the 2020 value), choosing the combination whose
weakest piece is the best evidence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pandas as pd

from huainan.evidence import monitoring

COLUMNS = (
    "region_code",
    "year",
    "area",
    "indicator",
    "unit",
    "value",
    "source",
    "source_ref",
    "note",
    "origin",
    "quality",
)

#: Evidence classes, best first.
QUALITIES = ("official_return", "official_publication", "third_party")
QUALITY_RANK = {q: i for i, q in enumerate(QUALITIES)}
QUALITY_ZH = {
    "official_return": "部门报送",
    "official_publication": "官方发布",
    "third_party": "第三方转载或报道",
}

#: Suffix of indicator ids holding running totals since the start of the plan period.
TO_DATE_SUFFIX = "_to_date"

#: Words in a source title or note that mark a repost or a report by a third party.
_THIRD_PARTY_WORDS = ("第三方", "转载", "镜像", "百科", "repost", "mirror")
#: Printed official publications seen through a digitisation (not a web repost).
_PRINTED_OFFICIAL = ("人口普查", "统计年鉴", "census")


def source_quality(origin: str, source: object, source_ref: object, note: object) -> str:
    """Classify one observation as evidence (:data:`QUALITIES`).

    Parameters
    ----------
    origin : {"monitoring", "stats"}
        Which store the row came from.
    source, source_ref, note : str or missing
        The row's source title, reference (URL or file/cell) and note.

    Returns
    -------
    str
        ``official_return`` for the monitoring store; ``official_publication`` for a page on a
        government site (host ending ``.gov.cn``) or a printed official publication (census,
        statistical yearbook) read from a file; ``third_party`` for any other web page and for
        rows whose source or note says it is a repost (转载, 第三方, 镜像, 百科).

    Examples
    --------
    >>> source_quality("monitoring", "市住建局报送", "t.xlsx [住有所居] G34", None)
    'official_return'
    >>> source_quality("stats", "第七次全国人口普查 分县资料", "census_county_2020.xlsx (row 3)", "")
    'official_publication'
    >>> source_quality("stats", "淮南市政府新闻办发布会", "http://guoou168.cn/x.html", "第三方转载页")
    'third_party'
    >>> source_quality("stats", "统计公报", "https://tjj.huainan.gov.cn/x.html", "")
    'official_publication'
    """
    if origin == "monitoring":
        return "official_return"
    text = " ".join(str(x) for x in (source, note) if isinstance(x, str))
    ref = str(source_ref) if isinstance(source_ref, str) else ""
    url = ref.split(";")[0].strip()
    host = (urlparse(url).hostname or "") if url.startswith(("http://", "https://")) else ""
    if host and (host == "gov.cn" or host.endswith(".gov.cn")) and not _says_repost(text):
        return "official_publication"
    if host or _says_repost(text):
        return "third_party"
    if any(w in text for w in _PRINTED_OFFICIAL):
        return "official_publication"
    return "third_party"


def _says_repost(text: str) -> bool:
    low = text.lower()
    return any(w in low for w in _THIRD_PARTY_WORDS)


def with_quality(obs: pd.DataFrame) -> pd.DataFrame:
    """``obs`` with ``origin`` (default ``stats``) and ``quality`` columns filled in."""
    out = obs if "origin" in obs else obs.assign(origin="stats")
    if "quality" in out and out["quality"].notna().all():
        return out
    get = out.get
    notes = get("note", pd.Series(pd.NA, index=out.index))
    refs = get("source_ref", pd.Series(pd.NA, index=out.index))
    quality = [
        source_quality(o, s, r, n)
        for o, s, r, n in zip(out["origin"], out["source"], refs, notes, strict=True)
    ]
    return out.assign(quality=pd.Series(quality, index=out.index, dtype="string"))


def all_observations() -> pd.DataFrame:
    """Return published statistics and monitoring values together.

    Returns
    -------
    pandas.DataFrame
        Columns ``region_code`` (str), ``year`` (int64), ``area`` (``total``/``urban``/``rural``),
        ``indicator`` (str), ``unit`` (str), ``value`` (float64), ``source``, ``source_ref``,
        ``note`` (str or NA), ``origin`` (``stats`` | ``monitoring``), ``quality`` (one of
        :data:`QUALITIES`, :func:`source_quality`).

    Raises
    ------
    DataValidationError
        If either store fails its validation on load.
    """
    from huainan.evidence import stats

    frames = []
    for origin, frame in (
        ("stats", stats.observations()),
        ("monitoring", monitoring.observations()),
    ):
        part = frame[list(COLUMNS[:-2])].copy()
        part["origin"] = origin
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    out["year"] = out["year"].astype("int64")
    out["value"] = out["value"].astype("float64")
    return with_quality(out)


def _rank(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` in order of precedence: best evidence class, then the latest year."""
    rows = with_quality(rows)
    return (
        rows.assign(_q=rows["quality"].map(QUALITY_RANK).fillna(len(QUALITIES)))
        .sort_values(["_q", "year"], ascending=[True, False], kind="stable")
        .drop(columns="_q")
    )


def candidates(
    obs: pd.DataFrame,
    indicator: str,
    region_code: str,
    *,
    year_from: int,
    year_to: int,
    area: str = "total",
) -> pd.DataFrame:
    """Every value of one indicator for one region in ``year_from..year_to``, best first.

    Returns
    -------
    pandas.DataFrame
        Rows of ``obs`` (with ``quality``), ordered by :data:`QUALITIES` then latest year.
    """
    sel = obs[
        (obs["indicator"] == indicator)
        & (obs["region_code"] == region_code)
        & (obs["area"] == area)
        & obs["year"].between(year_from, year_to)
        & obs["value"].notna()
    ]
    return _rank(sel)


@dataclass(frozen=True)
class Selection:
    """The value used for one indicator, and the ones passed over.

    Attributes
    ----------
    row : pandas.Series or None
        The observation used (None: nothing observed).
    others : pandas.DataFrame
        The candidates not used, best first.
    """

    row: pd.Series | None
    others: pd.DataFrame

    @property
    def value(self) -> float:
        return math.nan if self.row is None else float(self.row["value"])

    def disagreement_zh(self, fmt=None) -> str:
        """One Chinese sentence naming a candidate of the same year that disagrees, or ""."""
        if self.row is None or self.others.empty:
            return ""
        same = self.others[
            (self.others["year"] == self.row["year"])
            & ~self.others["value"].sub(float(self.row["value"])).abs().le(1e-9)
        ]
        if same.empty:
            return ""
        o = same.iloc[0]
        show = fmt or (lambda v: f"{v:g}")
        return (
            f"另有{QUALITY_ZH[o['quality']]}“{o['source']}”报{int(o['year'])}年为 "
            f"{show(float(o['value']))}，与所用数值不一致；按证据优先次序（部门报送 > 官方发布 > "
            f"第三方转载或报道）采用{QUALITY_ZH[self.row['quality']]}数值"
        )


def select(
    obs: pd.DataFrame,
    indicator: str,
    region_code: str,
    *,
    year_from: int,
    year_to: int,
    area: str = "total",
) -> Selection:
    """The value that counts for one indicator and region in ``year_from..year_to``.

    The precedence of this module's docstring: best evidence class, then the latest year.

    Examples
    --------
    >>> obs = pd.DataFrame({"region_code": ["340400"] * 3, "year": [2024, 2025, 2025],
    ...     "area": "total", "indicator": "x", "value": [1.0, 2.0, 3.0],
    ...     "source": ["a", "b", "c"], "source_ref": ["f", "http://x.cn/1", "f"],
    ...     "note": "", "origin": ["monitoring", "stats", "monitoring"]})
    >>> s = select(obs, "x", "340400", year_from=2021, year_to=2025)
    >>> s.value, s.row["quality"], len(s.others)
    (3.0, 'official_return', 2)
    """
    rows = candidates(obs, indicator, region_code, year_from=year_from, year_to=year_to, area=area)
    if rows.empty:
        return Selection(None, rows)
    return Selection(rows.iloc[0], rows.iloc[1:])


def latest(
    obs: pd.DataFrame,
    indicator: str,
    region_code: str,
    *,
    year: int,
    after: int | None = None,
    area: str = "total",
) -> pd.Series | None:
    """The value that counts up to ``year`` (:func:`select` over ``after+1..year``), or None.

    Parameters
    ----------
    obs : pandas.DataFrame
        Long table as returned by :func:`all_observations` (``origin``/``quality`` optional).
    indicator, region_code, area : str
    year : int
        Latest year accepted.
    after : int, optional
        Only years strictly after this one (e.g. the baseline year).
    """
    lo = -10_000 if after is None else int(after) + 1
    return select(obs, indicator, region_code, year_from=lo, year_to=int(year), area=area).row


# ---------------------------------------------------------------------------------------------
# five-year totals
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunningTotal:
    """A total over ``start..end`` built from annual values and running totals.

    Attributes
    ----------
    value : float
        The total of the pieces found (NaN when there is none). With ``missing`` years it is a
        lower bound of the true total (the missing years are not counted as zero).
    start, end : int
        The span asked for.
    missing : tuple of int
        Years of the span covered by no piece.
    parts : pandas.DataFrame
        The observations used (``<id>_to_date`` running totals and annual values), oldest first.
    quality : str or None
        The weakest evidence class among the parts (None when there is none).
    alternatives : tuple of str
        Chinese sentences naming other complete combinations that give a different total.
    """

    value: float
    start: int
    end: int
    missing: tuple[int, ...]
    parts: pd.DataFrame
    quality: str | None
    alternatives: tuple[str, ...] = field(default_factory=tuple)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.parts.empty

    def describe_zh(self, fmt=None) -> str:
        """How the total was formed, in Chinese (e.g. ``2021—2022年合计274（第三方转载或报道）+
        2023年 134（部门报送）``)."""
        show = fmt or (lambda v: f"{v:g}")
        bits = []
        for p in self.parts.itertuples(index=False):
            if str(p.indicator).endswith(TO_DATE_SUFFIX):
                span = (
                    f"{self.start}—{int(p.year)}年合计"
                    if int(p.year) > self.start
                    else (f"{self.start}年")
                )
            else:
                span = f"{int(p.year)}年"
            bits.append(f"{span} {show(float(p.value))}（{QUALITY_ZH.get(p.quality, p.quality)}）")
        return " + ".join(bits)


def _best_by_year(rows: pd.DataFrame) -> dict[int, pd.Series]:
    ranked = _rank(rows)
    out: dict[int, pd.Series] = {}
    for _, r in ranked.iterrows():
        out.setdefault(int(r["year"]), r)
    return out


def running_total(
    obs: pd.DataFrame,
    indicator: str,
    region_code: str,
    *,
    start: int,
    end: int,
    area: str = "total",
) -> RunningTotal:
    """The total of ``indicator`` over the years ``start..end`` (e.g. 2021–2025).

    Pieces: annual values of ``indicator`` and running totals ``<indicator>_to_date`` (a total
    for ``start..y``), each the best-evidence value of its year. The candidate combinations are
    "a running total to year c, plus annual values c+1..end" for every c with a running total,
    and "annual values start..end". The combination used is, in order: complete (every year
    covered) before incomplete; then the one whose weakest piece is the best evidence
    (:data:`QUALITIES`); then the fewest pieces (an officials' published total over a sum);
    then the most years covered. Values of years before ``start`` (the 2020 baseline) are never
    used.

    Parameters
    ----------
    obs : pandas.DataFrame
        Long table (:func:`all_observations`).
    indicator, region_code, area : str
    start, end : int
        First and last year of the total (``end >= start``).

    Returns
    -------
    RunningTotal

    Raises
    ------
    ValueError
        If ``end < start``.

    Examples
    --------
    Officials report 134 renovated estates a year; a third-party repost says 274 for 2021–2022:

    >>> rows = [("old", y, 134.0, "monitoring", "返回表", "t.xlsx") for y in range(2021, 2026)]
    >>> rows.append(("old_to_date", 2022, 274.0, "stats", "转载页", "http://x.cn/1"))
    >>> obs = pd.DataFrame(rows, columns=["indicator", "year", "value", "origin", "source",
    ...                                   "source_ref"]).assign(region_code="340400", area="total",
    ...                                                         note="")
    >>> t = running_total(obs, "old", "340400", start=2021, end=2025)
    >>> t.value, t.complete, t.quality
    (670.0, True, 'official_return')
    >>> len(t.alternatives)
    1
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    base = obs[
        (obs["region_code"] == region_code)
        & (obs["area"] == area)
        & obs["year"].between(start, end)
        & obs["value"].notna()
    ]
    annual = _best_by_year(base[base["indicator"] == indicator])
    to_date = _best_by_year(base[base["indicator"] == indicator + TO_DATE_SUFFIX])
    options: list[tuple[tuple[int, int, int, int], list[pd.Series], tuple[int, ...]]] = []
    for cut in [start - 1, *sorted(to_date)]:
        parts = [to_date[cut]] if cut >= start else []
        missing: list[int] = []
        for y in range(cut + 1, end + 1):
            if y in annual:
                parts.append(annual[y])
            else:
                missing.append(y)
        if not parts:
            continue
        worst = max(QUALITY_RANK.get(str(p["quality"]), len(QUALITIES) - 1) for p in parts)
        covered = (end - start + 1) - len(missing)
        # complete combinations first, by evidence; incomplete ones by the years they cover
        key = (0, worst, len(parts), 0) if not missing else (1, -covered, worst, len(parts))
        options.append((key, parts, tuple(missing)))
    if not options:
        return RunningTotal(
            math.nan, start, end, tuple(range(start, end + 1)), base.iloc[0:0], None
        )
    options.sort(key=lambda o: o[0])
    _, parts, gaps = options[0]
    value = float(sum(float(p["value"]) for p in parts))
    frame = pd.DataFrame(parts).reset_index(drop=True)
    worst = max(QUALITY_RANK.get(str(p["quality"]), len(QUALITIES) - 1) for p in parts)
    alternatives = []
    for _key, oparts, omissing in options[1:]:
        if omissing:
            continue
        ovalue = float(sum(float(p["value"]) for p in oparts))
        if abs(ovalue - value) <= 1e-9 * max(1.0, abs(value)):
            continue
        other = RunningTotal(ovalue, start, end, omissing, pd.DataFrame(oparts), None)
        alternatives.append(
            f"另按 {other.describe_zh()} 计为 {ovalue:g}，证据等级较低或构成更零散，未采用"
        )
    return RunningTotal(value, start, end, gaps, frame, QUALITIES[worst], tuple(alternatives))


def latest_running_total(
    obs: pd.DataFrame,
    indicator: str,
    region_code: str,
    *,
    start: int,
    end: int,
    area: str = "total",
) -> RunningTotal | None:
    """The complete running total ``start..y`` for the latest year ``y <= end`` that has one,
    preferring the best evidence (:func:`running_total` per year; class first, then the latest
    year). None when no year is complete.

    Examples
    --------
    >>> obs = pd.DataFrame({"indicator": ["old_to_date"], "year": [2022], "value": [274.0],
    ...     "origin": "stats", "source": "转载页", "source_ref": "http://x.cn/1", "note": "",
    ...     "region_code": "340400", "area": "total"})
    >>> t = latest_running_total(obs, "old", "340400", start=2021, end=2023)
    >>> t.value, t.end
    (274.0, 2022)
    """
    found = []
    for y in range(end, start - 1, -1):
        t = running_total(obs, indicator, region_code, start=start, end=y, area=area)
        if t.complete:
            found.append(t)
    if not found:
        return None
    return min(found, key=lambda t: (QUALITY_RANK.get(t.quality or "", 9), -t.end))


def running_series(
    obs: pd.DataFrame,
    indicator: str,
    region_code: str,
    *,
    start: int,
    end: int,
    area: str = "total",
) -> pd.DataFrame:
    """The running totals ``start..y`` for every year ``y`` in ``start..end`` that has a complete
    one (for charts of five-year totals).

    Returns
    -------
    pandas.DataFrame
        Columns ``year`` (int64), ``value`` (float64), ``quality`` (str); years without a
        complete total are absent (never interpolated).
    """
    rows = []
    for y in range(start, end + 1):
        t = running_total(obs, indicator, region_code, start=start, end=y, area=area)
        if t.complete:
            rows.append({"year": y, "value": t.value, "quality": t.quality})
    return pd.DataFrame(rows, columns=["year", "value", "quality"]).astype(
        {"year": "int64", "value": "float64"}
    )
