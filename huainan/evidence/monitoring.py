"""The monitoring store: yearly values reported by officials, append-only with revisions.

The store is one UTF-8 CSV file, ``<data>/monitoring/observations.csv`` (``huainan ingest`` writes
it; see :func:`huainan.intake.ingest.ingest`). Each line is one value for one key ``(region_code,
indicator, year, area)`` at one revision:

=================  ========================================================================
column             meaning
=================  ========================================================================
region_code        6-digit code (:mod:`huainan.plan.regions`), str
year               calendar year, int
area               ``total`` | ``urban`` | ``rural``
indicator          id from the plan (专栏2 / project metrics) or the statistics catalogue
unit               the indicator's unit (values are converted into it on ingest)
value              float, written with ``repr`` so it reads back bit-for-bit
source             publication or return the value comes from (from the file, or the file name)
source_ref         file name, sheet and row of the value
note               free text (e.g. the 备注 cell), may be empty
revision           1 for the first value of a key, 2 for the value that superseded it, …
ingested_at        UTC time of the ingest, ISO 8601
source_file        name of the ingested file
source_sha256      SHA-256 of the ingested file's bytes
chain_sha256       hash chain: SHA-256 of the previous line's ``chain_sha256`` and this line's
                   other 13 fields (:func:`chain_hash`); the first line chains from
                   :data:`GENESIS` (64 zeros)
=================  ========================================================================

Nothing is ever deleted or rewritten: an ingest appends lines (the old bytes stay a prefix of the
new file) by writing a temporary file in the same folder, flushing it to disk and moving it over the
store with :func:`os.replace` (:func:`huainan.atomic.write_bytes`), under an exclusive lock.
Readers see the old store or the new one.

**Tamper evidence.** :func:`read_store` recomputes the chain and refuses a store whose line does
not match (a value, a name, a time or a checksum edited by hand; a line inserted, removed from the
middle, reordered or duplicated), naming the first line that breaks it. The chain cannot reveal
lines cut off at the end (the rest is still a valid chain) or a store rewritten by someone who
recomputes the chain (the recipe is public); to catch those, compare the last ``chain_sha256``
(:func:`head`, printed by ``huainan ingest`` and ``huainan validate``) with one recorded
elsewhere (``huainan validate --head``), or with the file's git history.

Format history: stores written before the ``chain_sha256`` column (first released with this
column in the same week; the shipped store was empty) are refused with a message that says so:
their lines cannot be verified, so re-ingest the original returns into a new store.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import math
import os
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pandas as pd

from huainan.atomic import write_bytes
from huainan.errors import DataValidationError
from huainan.paths import data_dir

STORE_FILE = "observations.csv"
#: Columns shared with :func:`huainan.evidence.stats.observations`.
OBSERVATION_COLUMNS: tuple[str, ...] = (
    "region_code",
    "year",
    "area",
    "indicator",
    "unit",
    "value",
    "source",
    "source_ref",
    "note",
)
PROVENANCE_COLUMNS: tuple[str, ...] = ("revision", "ingested_at", "source_file", "source_sha256")
#: The hash-chain column, last on every line (see the module docstring).
CHAIN_COLUMN = "chain_sha256"
COLUMNS: tuple[str, ...] = OBSERVATION_COLUMNS + PROVENANCE_COLUMNS + (CHAIN_COLUMN,)
#: The fields a line's chain value covers: every column but the chain itself, in file order.
CHAINED_COLUMNS: tuple[str, ...] = COLUMNS[:-1]
#: The chain value the first line links to.
GENESIS = "0" * 64
KEY: tuple[str, ...] = ("region_code", "indicator", "year", "area")
AREAS: tuple[str, ...] = ("total", "urban", "rural")

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CODE = re.compile(r"^[0-9]{6}$")


def store_dir(store: str | os.PathLike | None = None) -> Path:
    """Return the store folder: ``store`` if given, else ``<data>/monitoring``."""
    return Path(store) if store is not None else data_dir() / "monitoring"


def store_file(store: str | os.PathLike | None = None) -> Path:
    """Return the store file ``<store>/observations.csv`` (it may not exist yet)."""
    return store_dir(store) / STORE_FILE


def chain_hash(previous: str, fields: list[str] | tuple[str, ...]) -> str:
    """Return a line's ``chain_sha256``: SHA-256 of the previous chain value and the line's fields.

    The hashed bytes are the UTF-8 JSON array ``[previous, region_code, year, …, source_sha256]``
    (the 13 fields of :data:`CHAINED_COLUMNS` exactly as written in the file, compact separators,
    non-ASCII kept), so any change to any field of any earlier line changes every later value.

    Parameters
    ----------
    previous : str
        The previous line's ``chain_sha256`` (:data:`GENESIS` for the first line).
    fields : sequence of str
        The line's fields in :data:`CHAINED_COLUMNS` order, as text.

    Returns
    -------
    str
        64 lower-case hex digits.

    Examples
    --------
    >>> chain_hash(GENESIS, ["340400"] * 13) == chain_hash(GENESIS, ["340400"] * 13)
    True
    >>> chain_hash(GENESIS, ["340400"] * 13) == chain_hash("1" * 64, ["340400"] * 13)
    False
    """
    if len(fields) != len(CHAINED_COLUMNS):
        raise ValueError(f"{len(fields)} fields instead of {len(CHAINED_COLUMNS)}")
    payload = json.dumps([previous, *fields], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _empty() -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype="str") for c in COLUMNS})
    return out.astype({"year": "int64", "value": "float64", "revision": "int64"})


def read_store(store: str | os.PathLike | None = None) -> pd.DataFrame:
    """Return every line of the store (all revisions), checked line by line.

    Parameters
    ----------
    store : path, optional
        The store folder (default ``<data>/monitoring``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`: ``year`` and ``revision`` int64, ``value`` float64, the rest str
        (an empty ``note`` is NaN). Index: the line number in the file (``line``, header = 1).
        Empty (with these columns) when the store file does not exist yet.

    Raises
    ------
    DataValidationError
        Wrong header (including a store written before the ``chain_sha256`` column), a line with
        the wrong number of fields, a malformed code, year, area, value, revision, timestamp or
        checksum, or the first line whose ``chain_sha256`` does not match (file, line, column
        named).
    """
    path = store_file(store)
    if not path.exists():
        return _empty()
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataValidationError(f"the store is not UTF-8: {exc}", path=path) from exc
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise DataValidationError("the store file is empty (no header)", path=path) from None
    if tuple(header) == CHAINED_COLUMNS:
        raise DataValidationError(
            "this store was written before huainan added the chain_sha256 column, so its lines "
            "cannot be verified; ingest the original returns again into a new, empty store "
            "(huainan ingest FILE --store NEW --create-store)",
            path=path,
            row=1,
        )
    if tuple(header) != COLUMNS:
        raise DataValidationError(
            f"the header must be {','.join(COLUMNS)}", path=path, row=1, value=",".join(header)
        )
    records, lines = [], []
    previous = GENESIS
    for record in reader:
        line = reader.line_num
        if len(record) != len(COLUMNS):
            raise DataValidationError(
                f"{len(record)} fields instead of {len(COLUMNS)}", path=path, row=line
            )
        rec = _check_line(path, line, dict(zip(COLUMNS, record, strict=True)))
        expected = chain_hash(previous, record[:-1])
        if rec[CHAIN_COLUMN] != expected:
            raise DataValidationError(
                "the hash chain breaks at this line: it was edited, inserted, copied or moved "
                "outside huainan, or a line just before it was removed. Restore the file from git "
                "or a backup; to correct a value, ingest a file with the corrected value",
                path=path,
                row=line,
                column=CHAIN_COLUMN,
            )
        previous = expected
        records.append(rec)
        lines.append(line)
    if not records:
        return _empty()
    out = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    out.index = pd.Index(lines, name="line", dtype="int64")
    out = out.astype({"year": "int64", "value": "float64", "revision": "int64"})
    for col in COLUMNS:
        if col not in ("year", "value", "revision"):
            out[col] = out[col].astype("str")
    out["note"] = out["note"].where(out["note"] != "")
    return out


def _check_line(path: Path, line: int, rec: dict) -> dict:
    def bad(column, message):
        return DataValidationError(message, path=path, row=line, column=column, value=rec[column])

    if not _CODE.match(rec["region_code"]):
        raise bad("region_code", "region code must be 6 digits")
    if not re.fullmatch(r"[0-9]{4}", rec["year"]):
        raise bad("year", "year must be 4 digits")
    if rec["area"] not in AREAS:
        raise bad("area", f"area must be one of {AREAS}")
    for col in ("indicator", "unit", "source", "source_ref", "source_file"):
        if not rec[col].strip():
            raise bad(col, "must not be empty")
    try:
        value = float(rec["value"])
    except ValueError:
        raise bad("value", "not a number") from None
    if not math.isfinite(value):
        raise bad("value", "must be a finite number")
    if not re.fullmatch(r"[1-9][0-9]*", rec["revision"]):
        raise bad("revision", "revision must be a whole number >= 1")
    try:
        stamp = datetime.fromisoformat(rec["ingested_at"])
    except ValueError:
        raise bad("ingested_at", "not an ISO 8601 time") from None
    if stamp.tzinfo is None:
        raise bad("ingested_at", "time without a time zone")
    if not _SHA256.match(rec["source_sha256"]):
        raise bad("source_sha256", "not a SHA-256 hex digest")
    if not _SHA256.match(rec[CHAIN_COLUMN]):
        raise bad(CHAIN_COLUMN, "not a SHA-256 hex digest")
    return {**rec, "year": int(rec["year"]), "value": value, "revision": int(rec["revision"])}


def current(rows: pd.DataFrame) -> pd.DataFrame:
    """Keep, for each key ``(region_code, indicator, year, area)``, the line of highest revision."""
    if rows.empty:
        return rows
    last = rows.groupby(list(KEY), sort=False)["revision"].transform("max")
    return rows[rows["revision"] == last]


def observations(
    current_only: bool = True,
    *,
    provenance: bool = False,
    store: str | os.PathLike | None = None,
) -> pd.DataFrame:
    """Return the stored monitoring values in the long format of :func:`huainan.evidence.stats.observations`.

    Parameters
    ----------
    current_only : bool, default True
        Only the latest revision of each key; False returns every line ever stored.
    provenance : bool, default False
        Also return ``revision``, ``ingested_at``, ``source_file``, ``source_sha256`` and
        ``chain_sha256``.
    store : path, optional
        The store folder (default ``<data>/monitoring``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`OBSERVATION_COLUMNS` (+ :data:`PROVENANCE_COLUMNS` and
        ``chain_sha256``): ``region_code`` str,
        ``year`` int64, ``area`` str, ``indicator`` str, ``unit`` str, ``value`` float64,
        ``source``, ``source_ref`` str, ``note`` str or NaN; sorted by region, indicator, year,
        area (and revision); a fresh RangeIndex. Empty when nothing has been ingested (the
        shipped store holds no values).

    Raises
    ------
    DataValidationError
        If the store file is malformed (see :func:`read_store`).

    Examples
    --------
    >>> import tempfile
    >>> observations(store=tempfile.mkdtemp()).columns.tolist()[:6]
    ['region_code', 'year', 'area', 'indicator', 'unit', 'value']
    """
    rows = read_store(store)
    if current_only:
        rows = current(rows)
    cols = list(COLUMNS if provenance else OBSERVATION_COLUMNS)
    order = [*KEY, "revision"]
    return rows.sort_values(order, kind="stable")[cols].reset_index(drop=True)


def format_lines(rows: pd.DataFrame, previous: str = GENESIS) -> bytes:
    """Return ``rows`` as store lines, UTF-8, ``\\n``-terminated, with their chain values.

    Parameters
    ----------
    rows : pandas.DataFrame
        Columns :data:`CHAINED_COLUMNS` (any ``chain_sha256`` column is ignored and recomputed).
    previous : str
        ``chain_sha256`` of the store's last line (:data:`GENESIS` for an empty store).

    Values are written with ``repr`` (shortest text that reads back as the same float).
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for rec in rows[list(CHAINED_COLUMNS)].itertuples(index=False):
        fields = []
        for col, v in zip(CHAINED_COLUMNS, rec, strict=True):
            if col == "value":
                fields.append(repr(float(v)))
            elif col in ("year", "revision"):
                fields.append(str(int(v)))
            else:
                fields.append(
                    "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
                )
        previous = chain_hash(previous, fields)
        writer.writerow([*fields, previous])
    return buf.getvalue().encode("utf-8")


def header_line() -> bytes:
    """The store's header line (UTF-8, ``\\n``-terminated)."""
    return (",".join(COLUMNS) + "\n").encode("utf-8")


@contextlib.contextmanager
def locked(store: str | os.PathLike | None = None) -> Iterator[Path]:
    """Hold an exclusive lock on the store folder (``.lock`` file) while the block runs.

    Two ingests at once then run one after the other instead of losing one's lines. Uses
    ``fcntl.flock`` (POSIX); on systems without it the block runs unlocked.
    """
    folder = store_dir(store)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield folder
        return
    with open(folder / ".lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def head(store: str | os.PathLike | None = None) -> str:
    """Return the store's last ``chain_sha256`` (:data:`GENESIS` when nothing is stored).

    Record it somewhere else (a log, an e-mail, a commit message) after an ingest:
    ``huainan validate --head VALUE`` later proves that every line up to that one is unchanged
    and still there.

    Raises
    ------
    DataValidationError
        If the store fails :func:`read_store`.
    """
    rows = read_store(store)
    return GENESIS if rows.empty else str(rows[CHAIN_COLUMN].iloc[-1])


def _last_chain(data: bytes) -> str:
    """The ``chain_sha256`` of the last line of store bytes (:data:`GENESIS` if only a header)."""
    records = list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), strict=True))
    return GENESIS if len(records) < 2 else records[-1][-1]


def append(rows: pd.DataFrame, store: str | os.PathLike | None = None) -> str:
    """Append ``rows`` (columns :data:`CHAINED_COLUMNS`, already validated) to the store atomically.

    The caller holds :func:`locked` and has read the store with :func:`read_store` under that
    lock (which verified the chain). The current bytes of the store are kept verbatim as the
    prefix of the new file; the new lines continue the hash chain from its last line.

    Returns
    -------
    str
        The new last ``chain_sha256`` (:func:`head`).

    Raises
    ------
    DataValidationError
        If the store file does not end with a newline (edited by hand).
    OSError
        If the folder is not writable (the store is then unchanged).
    """
    path = store_file(store)
    old = path.read_bytes() if path.exists() else header_line()
    if old and not old.endswith(b"\n"):
        raise DataValidationError(
            "the store file does not end with a newline; it was edited "
            "outside huainan — restore it from git",
            path=path,
        )
    new = format_lines(rows, _last_chain(old))
    write_bytes(path, old + new)
    return _last_chain(header_line() + new) if new else _last_chain(old)
