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

import getpass
import hashlib
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from huainan.errors import IngestError
from huainan.evidence import monitoring
from huainan.intake import checks
from huainan.intake.catalogue import (
    BOUNDS,
    Bound,
    catalogue,
    resolve_indicator,
    resolve_region,
)
from huainan.intake.reader import read_table
from huainan.intake.report import Confirmation, IngestReport, Problems, Revision, problems_error
from huainan.intake.returns import (
    COVER_COLUMNS,
    COVER_FIELDS,
    COVER_SHEET,
    YEAR_RANGE,
    check_duplicates,
    read_cover,
    read_return,
)
from huainan.plan import regions

__all__ = [
    "BOUNDS",
    "COVER_FIELDS",
    "COVER_SHEET",
    "YEAR_RANGE",
    "Bound",
    "IngestReport",
    "StoreCheck",
    "catalogue",
    "check",
    "ingest",
    "read_cover",
    "read_table",
    "resolve_indicator",
    "resolve_region",
    "validate_store",
]

# --------------------------------------------------------------------------------------------
# Checking a file against the store: revisions, confirmations, consistency
# --------------------------------------------------------------------------------------------


def _confirmations(candidates, by_id, path, given: Mapping[str, str]) -> list[Confirmation]:
    """Values the plausibility checks flag, with the reason given for each (``*``: for all)."""
    out = []
    for c in candidates:
        hit = checks.plausibility(c.indicator, c.region_code, c.value, by_id[c.indicator])
        if hit is None:
            continue
        token = "/".join(str(k) for k in c.key)
        reason = str(given.get(token) or given.get("*") or "").strip()[:500]
        c.confirmation = reason
        out.append(Confirmation(c.key, c.where(path), c.value, hit[0], hit[1], hit[2], reason))
    return out


def _compare(candidates, rows: pd.DataFrame, every: pd.DataFrame, by_id) -> list[Revision]:
    """Set each row's ``status`` and ``revision`` against the store; return the revisions."""
    stored = monitoring.current(every, withdrawn=True)
    latest = {(r.region_code, r.indicator, r.year, r.area): r for r in stored.itertuples()}
    names = dict(zip(regions.regions()["code"], regions.regions()["name_zh"], strict=True))
    status, revision = list(rows["status"]), list(rows["revision"])
    revisions = []
    for i, c in enumerate(candidates):
        prev = latest.get(c.key)
        if prev is None:
            continue
        revision[i] = prev.revision + 1
        if prev.action == "withdraw":
            continue  # reported again after a withdrawal: new
        if prev.value == c.value:
            status[i] = "unchanged"
            continue
        status[i] = "superseding"
        revisions.append(
            Revision(
                c.region_code,
                names[c.region_code],
                c.indicator,
                str(by_id[c.indicator]["name_zh"]),
                c.unit,
                c.year,
                c.area,
                float(prev.value),
                c.value,
                str(prev.source),
                str(rows.at[i, "source"]),
                str(prev.source_ref),
                c.source_ref,
                int(prev.revision),
            )
        )
    rows["status"] = status
    rows["revision"] = pd.Series(revision, index=rows.index, dtype="int64")
    return revisions


def _consistency(candidates, every, cat, warnings) -> None:
    """City/county consistency of the groups the file touches: warnings, recorded per value."""
    stored = monitoring.current(every)[["region_code", "indicator", "year", "area", "value"]]
    mine = pd.DataFrame(
        [(c.region_code, c.indicator, c.year, c.area, c.value) for c in candidates],
        columns=["region_code", "indicator", "year", "area", "value"],
    )
    merged = pd.concat([stored, mine]).drop_duplicates(list(monitoring.KEY), keep="last")
    groups: dict[tuple, list] = {}
    for c in candidates:
        groups.setdefault((c.indicator, c.year, c.area), []).append(c)
    for w in checks.consistency(merged, cat.set_index("indicator"), groups):
        warnings.append(f"{w['message_zh']} / {w['message_en']}")
        for c in groups[(w["indicator"], w["year"], w["area"])]:
            c.checks.append(w["message_zh"])


def _rows(candidates, filename, sha, stamp, by, cover) -> pd.DataFrame:
    meta = {col: cover.get(label, "") for label, col in COVER_COLUMNS.items()}
    return pd.DataFrame(
        {
            "region_code": [c.region_code for c in candidates],
            "year": pd.Series([c.year for c in candidates], dtype="int64"),
            "area": [c.area for c in candidates],
            "indicator": [c.indicator for c in candidates],
            "unit": [c.unit for c in candidates],
            "value": pd.Series([c.value for c in candidates], dtype="float64"),
            "source": [c.source or f"监测填报 monitoring return: {filename}" for c in candidates],
            "source_ref": [c.source_ref for c in candidates],
            "note": [c.note for c in candidates],
            "revision": pd.Series([1] * len(candidates), dtype="int64"),
            "ingested_at": stamp,
            "source_file": filename,
            "source_sha256": sha,
            "action": "report",
            "ingested_by": by,
            **meta,
            "confirmation": [c.confirmation for c in candidates],
            "checks": ["; ".join(c.checks) for c in candidates],
            "status": "new",
            "file_row": pd.Series([c.row for c in candidates], dtype="int64"),
        }
    )


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container without /etc/passwd entry)
        return "unknown"


def check(
    path: str | os.PathLike,
    *,
    store: str | os.PathLike | None = None,
    year: int | None = None,
    confirmations: Mapping[str, str] | None = None,
    by: str | None = None,
    filename: str | None = None,
) -> IngestReport:
    """Check a monitoring file against the catalogue and the store; write nothing (dry run).

    Parameters
    ----------
    path : path
        CSV/TXT or XLSX (see :func:`ingest`).
    store : path, optional
        Store folder (default ``<data>/monitoring``).
    year : int, optional
        The year of every value, for long files without a 年份 column.
    confirmations : mapping of str to str, optional
        Reasons confirming values the plausibility checks flag, by
        :attr:`~huainan.intake.report.Confirmation.token` (``340400/physicians_per_1000/2023/
        total``), or ``"*"`` for all of them.
    by : str, optional
        Who checks or ingests (stored as ``ingested_by``; default the login name).
    filename : str, optional
        The file's name as the officer knows it (an upload is stored under a temporary name).

    Returns
    -------
    IngestReport
        ``problems`` lists every problem (the file cannot be stored while there are any);
        ``confirmations``, ``revisions``, ``warnings``, ``cover`` as described there.

    Raises
    ------
    IngestError
        Only when the file cannot be read at all (missing, too large, not a table, a web page
        saved as .xls …); every problem inside a readable file is in the report instead.
    DataValidationError
        If the existing store is malformed (fix that first: ``huainan validate``).
    """
    return _analyse(Path(path), store, year, confirmations or {}, by or _user(), filename)


def _analyse(path: Path, store, year, given, by, filename) -> IngestReport:
    if path.is_dir():
        raise IngestError("这是文件夹，不是报送文件 / a folder, not a file", path=path)
    if path.exists() and not path.is_file():
        raise IngestError("不是普通文件（如设备或管道），无法导入 / not a regular file", path=path)
    if not path.is_file():
        raise IngestError("找不到文件 / file not found", path=path)
    filename = Path(filename or path.name).name
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    cat = catalogue()
    by_id = {r["indicator"]: r for r in cat.to_dict("records")}  # row access without pandas
    problems = Problems(str(path))
    counts = {"read": 0, "blank": 0, "placeholder": 0}
    warnings: list[str] = []
    skipped: list[str] = []
    candidates, used, skipped_sheets, encoding = read_return(
        path, year, cat, problems, warnings, skipped, counts, filename
    )
    check_duplicates(candidates, problems)
    cover = read_cover(path)
    every = monitoring.read_store(store)
    chain_head = monitoring.GENESIS if every.empty else str(every[monitoring.CHAIN_COLUMN].iloc[-1])
    asked = _confirmations(candidates, by_id, filename, given)
    _consistency(candidates, every, cat, warnings)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    rows = _rows(candidates, filename, sha, stamp, by, cover)
    revisions = _compare(candidates, rows, every, by_id)
    status = rows["status"].value_counts()
    report = IngestReport(
        path=str(path),
        sha256=sha,
        store=str(monitoring.store_dir(store)),
        dry_run=True,
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
        problems=problems.as_problems(),
        revisions=revisions,
        confirmations=asked,
        cover=cover,
    )
    report._errors = problems.items  # type: ignore[attr-defined]  # for ingest's IngestError
    return report


def ingest(
    path: str | os.PathLike,
    *,
    store: str | os.PathLike | None = None,
    dry_run: bool = False,
    year: int | None = None,
    create_store: bool = False,
    confirmations: Mapping[str, str] | None = None,
    by: str | None = None,
    filename: str | None = None,
) -> IngestReport:
    """Validate a monitoring file and append its values to the store.

    Parameters
    ----------
    path : path
        CSV/TXT (any encoding :func:`huainan.intake.reader.decode_bytes` accepts) or XLSX (every
        visible sheet with 指标 and region columns is read; other sheets, such as the template's
        填表说明 and 封面, are skipped and listed in the report; hidden sheets are not read).
        Files above :data:`huainan.intake.excel.MAX_FILE_BYTES` are refused. Layouts: module
        docstring.
    store : path, optional
        Store folder; default ``<data>/monitoring`` (:func:`huainan.evidence.monitoring.store_dir`).
    dry_run : bool, default False
        Validate and report without writing (:func:`check`, but problems raise as here).
    year : int, optional
        The year of every value, for long files without a 年份 column.
    create_store : bool, default False
        Start a new store when the store folder does not exist. Off by default, so that a
        mistyped ``store`` is refused instead of silently becoming a second, empty store.
    confirmations, by, filename
        As for :func:`check`: reasons for flagged values (stored in ``confirmation``), who
        ingests (``ingested_by``), the file's name as the officer knows it (``source_file``).

    Returns
    -------
    IngestReport

    Raises
    ------
    IngestError
        The store folder does not exist (and ``create_store`` is False); anything wrong in the
        file (the message lists every problem: row, column, cell text, the Excel reference such
        as ``病有所医!H5``); or (not for a dry run) a value the plausibility checks flag that was
        not confirmed with a reason. The store is then left byte-identical. Placeholder cells
        (``—``, ``…``, ``x`` …) are not errors: they are listed in ``report.skipped``.
    DataValidationError
        If the existing store is malformed (``huainan validate``) or in store format 1
        (``huainan migrate-store``).

    Notes
    -----
    Every value is checked before the first byte is written; the store is then extended in one
    atomic replace (temporary file, fsync, :func:`os.replace`) under a lock, and the file itself
    is kept as ``files/<sha256><suffix>`` in the store folder. A value for a key already stored
    is appended as the next revision when it differs, and skipped when equal; no line is ever
    removed.
    """
    path = Path(path)
    folder = monitoring.store_dir(store)
    if not folder.is_dir() and not create_store:
        raise IngestError(
            f"存储文件夹不存在 / the store folder {folder} does not exist. Check the path (a typo "
            "would start a second, empty store); to start a new store on purpose, pass "
            "create_store=True (huainan ingest --create-store)"
        )
    given, who = confirmations or {}, by or _user()
    # Everything is checked before the lock is taken: a refused file creates nothing, not even
    # the lock file. Under the lock the store is compared again if it changed in between.
    report = _analyse(path, store, year, given, who, filename)
    _refuse(path, report, confirmed=dry_run)
    if dry_run:
        return report
    with monitoring.locked(store):
        if monitoring.head(store) != report.chain_head:  # another ingest came first
            report = _analyse(path, store, year, given, who, filename)
            _refuse(path, report, confirmed=False)
        to_write = report.rows[report.rows["status"] != "unchanged"]
        if not to_write.empty:
            monitoring.keep_file(path.read_bytes(), Path(filename or path.name).suffix, store)
            report.chain_head = monitoring.append(to_write, store)
    report.dry_run = False
    return report


def _refuse(path: Path, report: IngestReport, *, confirmed: bool) -> None:
    """Raise the file's problems, then (unless ``confirmed``) its unconfirmed values."""
    if report.problems:
        raise problems_error(str(path), report._errors)  # type: ignore[attr-defined]
    if not confirmed and report.unconfirmed:
        raise _unconfirmed_error(path, report)


def _unconfirmed_error(path: Path, report: IngestReport) -> IngestError:
    items = [
        IngestError(
            f"需确认：{c.message_zh}。确认无误请说明理由（huainan ingest --confirm {c.token}=理由，"
            f"或在报送页面填写）/ to confirm: {c.message_en}",
            path=path,
        )
        for c in report.unconfirmed
    ]
    return problems_error(str(path), items)


from huainan.intake.validate import StoreCheck, validate_store  # noqa: E402  (re-exported)
