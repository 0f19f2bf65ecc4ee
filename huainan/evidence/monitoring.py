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
source_sha256      SHA-256 of the ingested file's bytes (the file itself is kept as
                   ``files/<sha256><suffix>`` in the store folder: every value traces back to it)
action             ``report`` (a value) or ``withdraw`` (the key's value is withdrawn from this
                   revision on; ``value`` repeats the withdrawn value, ``note`` the reason)
ingested_by        who ran the ingest or withdrawal (the upload page's user, or the login name)
filed_by_unit      填报单位 from the return's cover sheet (may be empty)
filed_by           填报人
reviewed_by        审核人
filed_on           报送日期 (ISO date as written on the cover sheet)
confirmation       the officer's reason for a value the plausibility checks asked to confirm
checks             warnings recorded with the value (city/county consistency …), ``; ``-separated
chain_sha256       hash chain: SHA-256 of the previous line's ``chain_sha256`` and this line's
                   other fields (:func:`chain_hash`); the first line chains from
                   :data:`GENESIS` (64 zeros)
=================  ========================================================================

Text fields are written formula-safe (:func:`huainan.text.formula_safe`: a note starting with
``=``, ``+``, ``-`` or ``@`` gets a leading ``'``, so Excel/WPS show it as text) and read back
byte for byte (:func:`huainan.text.formula_restore`).

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

Format history:

- format 1 (14 columns, up to ``chain_sha256``): read and verified as before, but not appended
  to: an ingest refuses it with a message naming ``huainan migrate-store``, which rewrites it
  as format 2 (:func:`migrate`; the old file is kept beside it, and its old and new chain heads
  are printed) — the new columns are empty for the old lines, ``action`` is ``report``;
- stores written before the ``chain_sha256`` column are refused with a message that says so:
  their lines cannot be verified, so re-ingest the original returns into a new store.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import io
import json
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from huainan.atomic import write_bytes
from huainan.errors import DataValidationError
from huainan.formats import BEIJING
from huainan.paths import data_dir
from huainan.text import formula_restore, formula_safe

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
#: Columns added by store format 2: what happened, who filed and checked the value, and why.
RECORD_COLUMNS: tuple[str, ...] = (
    "action",
    "ingested_by",
    "filed_by_unit",
    "filed_by",
    "reviewed_by",
    "filed_on",
    "confirmation",
    "checks",
)
#: The hash-chain column, last on every line (see the module docstring).
CHAIN_COLUMN = "chain_sha256"
COLUMNS: tuple[str, ...] = (
    OBSERVATION_COLUMNS + PROVENANCE_COLUMNS + RECORD_COLUMNS + (CHAIN_COLUMN,)
)
#: The fields a line's chain value covers: every column but the chain itself, in file order.
CHAINED_COLUMNS: tuple[str, ...] = COLUMNS[:-1]
#: Store format 1 (before :data:`RECORD_COLUMNS`): still read, not appended to.
COLUMNS_V1: tuple[str, ...] = OBSERVATION_COLUMNS + PROVENANCE_COLUMNS + (CHAIN_COLUMN,)
ACTIONS: tuple[str, ...] = ("report", "withdraw")
#: Text columns written with :func:`huainan.text.formula_safe`.
TEXT_COLUMNS: tuple[str, ...] = (
    "indicator",
    "unit",
    "source",
    "source_ref",
    "note",
    "source_file",
    *RECORD_COLUMNS,
)
#: Folder (inside the store folder) keeping every ingested file as ``<sha256><suffix>``.
FILES_DIR = "files"
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
    (the fields of :data:`CHAINED_COLUMNS` — 13 in format 1 — exactly as written in the file,
    compact separators, non-ASCII kept), so any change to any field of any earlier line changes every later value.

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
    >>> chain_hash(GENESIS, ["340400"] * 21) == chain_hash(GENESIS, ["340400"] * 21)
    True
    >>> chain_hash(GENESIS, ["340400"] * 21) == chain_hash("1" * 64, ["340400"] * 21)
    False
    """
    if len(fields) not in (len(CHAINED_COLUMNS), len(COLUMNS_V1) - 1):
        raise ValueError(f"{len(fields)} fields instead of {len(CHAINED_COLUMNS)}")
    payload = json.dumps([previous, *fields], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _empty() -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype="str") for c in COLUMNS})
    return out.astype({"year": "int64", "value": "float64", "revision": "int64"})


def store_format(store: str | os.PathLike | None = None) -> int | None:
    """Return the store file's format (1 or 2; see the module docstring), None if there is none.

    Raises
    ------
    DataValidationError
        If the header is neither format (a pre-chain store is named as such).
    """
    path = store_file(store)
    if not path.exists():
        return None
    with path.open("rb") as fh:
        first = fh.readline().decode("utf-8", errors="replace").rstrip("\r\n")
    return _format_of(path, first.split(","))


def _format_of(path: Path, header: list[str]) -> int:
    if tuple(header) == COLUMNS:
        return 2
    if tuple(header) == COLUMNS_V1:
        return 1
    if tuple(header) == COLUMNS_V1[:-1]:
        raise DataValidationError(
            "this store was written before huainan added the chain_sha256 column, so its lines "
            "cannot be verified; ingest the original returns again into a new, empty store "
            "(huainan ingest FILE --store NEW --create-store)",
            path=path,
            row=1,
        )
    raise DataValidationError(
        f"the header must be {','.join(COLUMNS)}", path=path, row=1, value=",".join(header)
    )


def read_store(store: str | os.PathLike | None = None) -> pd.DataFrame:
    """Return every line of the store (all revisions and withdrawals), checked line by line.

    Parameters
    ----------
    store : path, optional
        The store folder (default ``<data>/monitoring``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`: ``year`` and ``revision`` int64, ``value`` float64, the rest str
        (an empty ``note`` is NaN; the :data:`RECORD_COLUMNS` of a format-1 store are ``""``
        and ``action`` ``report``). Index: the line number in the file (``line``, header = 1).
        Empty (with these columns) when the store file does not exist yet.

    Raises
    ------
    DataValidationError
        Wrong header (including a store written before the ``chain_sha256`` column), a line with
        the wrong number of fields, a malformed code, year, area, value, revision, timestamp,
        action or checksum, or the first line whose ``chain_sha256`` does not match (file, line,
        column named).
    """
    path = store_file(store)
    if not path.exists():
        return _empty()
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataValidationError(
            f"监测数据文件不是 UTF-8 编码，请从 git 或备份恢复 / the store is not UTF-8: {exc}",
            path=path,
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise DataValidationError("the store file is empty (no header)", path=path) from None
    fmt = _format_of(path, header)
    columns = COLUMNS if fmt == 2 else COLUMNS_V1
    records, lines = [], []
    previous = GENESIS
    for record in reader:
        line = reader.line_num
        if len(record) != len(columns):
            raise DataValidationError(
                f"此行有 {len(record)} 列，应为 {len(columns)} 列（文件被改动过）/ "
                f"{len(record)} fields instead of {len(columns)}",
                path=path,
                row=line,
            )
        expected = chain_hash(previous, record[:-1])
        rec = dict(zip(columns, record, strict=True))
        if fmt == 2:  # format 1 wrote text verbatim; format 2 writes it formula-safe
            rec.update({c: formula_restore(rec[c]) for c in TEXT_COLUMNS})
        else:
            rec.update({c: "" for c in RECORD_COLUMNS}, action="report")
        rec = _check_line(path, line, rec)
        if rec[CHAIN_COLUMN] != expected:
            raise DataValidationError(
                "监测数据文件在此行被改动过（在本工具之外编辑、插入、复制或移动，或其前一行被删除），"
                "请从 git 或备份恢复该文件；如需更正数值，请报送含更正值的文件 / "
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
    if rec["action"] not in ACTIONS:
        raise bad("action", f"action must be one of {ACTIONS}")
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


def current(rows: pd.DataFrame, *, withdrawn: bool = False) -> pd.DataFrame:
    """Keep, for each key ``(region_code, indicator, year, area)``, the line of highest revision.

    A key whose last line is a withdrawal (``action == "withdraw"``) is left out, unless
    ``withdrawn`` (then its withdrawal line is returned).
    """
    if rows.empty:
        return rows
    last = rows.groupby(list(KEY), sort=False)["revision"].transform("max")
    out = rows[rows["revision"] == last]
    if not withdrawn and "action" in out:
        out = out[out["action"] != "withdraw"]
    return out


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
        Only the latest revision of each key, withdrawn values left out; False returns every
        line ever stored (withdrawal lines included: see ``action``).
    provenance : bool, default False
        Also return ``revision``, ``ingested_at``, ``source_file``, ``source_sha256``, the
        :data:`RECORD_COLUMNS` and ``chain_sha256``.
    store : path, optional
        The store folder (default ``<data>/monitoring``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`OBSERVATION_COLUMNS` (+ :data:`PROVENANCE_COLUMNS`,
        :data:`RECORD_COLUMNS` and ``chain_sha256``): ``region_code`` str,
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

    Values are written with ``repr`` (shortest text that reads back as the same float); text
    fields with :func:`huainan.text.formula_safe`. Missing :data:`RECORD_COLUMNS` are written
    empty (``action`` ``report``).
    """
    rows = rows.copy()
    for col in RECORD_COLUMNS:
        if col not in rows:
            rows[col] = "report" if col == "action" else ""
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
                text = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
                fields.append(formula_safe(text) if col in TEXT_COLUMNS else text)
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
    if store_format(store) == 1:
        raise DataValidationError(
            "存储为旧格式（第1版），不能追加 / this store is in format 1 (no action, filed_by, "
            "confirmation … columns) and cannot be appended to: run `huainan migrate-store"
            + (f" --store {store_dir(store)}" if store is not None else "")
            + "` once (the old file is kept beside it), then ingest again",
            path=path,
        )
    old = path.read_bytes() if path.exists() else header_line()
    if old and not old.endswith(b"\n"):
        raise DataValidationError(
            "监测数据文件末尾缺少换行，曾在本工具之外被编辑，请从 git 或备份恢复 / "
            "the store file does not end with a newline; it was edited "
            "outside huainan — restore it from git",
            path=path,
        )
    new = format_lines(rows, _last_chain(old))
    write_bytes(path, old + new)
    return _last_chain(header_line() + new) if new else _last_chain(old)


# --------------------------------------------------------------------------------------------
# The ingested files, format migration, leftovers
# --------------------------------------------------------------------------------------------


def keep_file(data: bytes, suffix: str, store: str | os.PathLike | None = None) -> Path:
    """Keep an ingested file's bytes as ``<store>/files/<sha256><suffix>`` (atomically; once).

    The caller holds :func:`locked`. ``suffix`` is reduced to a safe ``.xlsx``/``.csv``-like
    extension (letters and digits only). Returns the kept file's path.
    """
    sha = hashlib.sha256(data).hexdigest()
    ext = suffix.lower() if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix.lower()) else ".bin"
    folder = store_dir(store) / FILES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{sha}{ext}"
    if not target.exists():
        write_bytes(target, data)
    return target


def kept_file(sha256: str, store: str | os.PathLike | None = None) -> Path | None:
    """The kept copy of the ingested file with this SHA-256 (None if it was not kept)."""
    if not _SHA256.match(sha256):
        return None
    hits = sorted((store_dir(store) / FILES_DIR).glob(f"{sha256}.*"))
    return hits[0] if hits else None


def migrate(store: str | os.PathLike | None = None) -> tuple[str, str, Path]:
    """Rewrite a format-1 store as format 2 (``huainan migrate-store``).

    Every line is verified first (:func:`read_store`); the lines are rewritten with the new
    columns empty and ``action`` ``report``, and chained anew. The old file is kept beside the
    store as ``observations.v1-<old head, 12 digits>.csv``.

    Returns
    -------
    (str, str, Path)
        The old chain head, the new chain head (record both: ``huainan validate --head`` accepts
        only the new one), and the kept old file.

    Raises
    ------
    DataValidationError
        If the store is not format 1 or fails :func:`read_store`.
    """
    with locked(store):
        fmt = store_format(store)
        if fmt != 1:
            raise DataValidationError(
                f"nothing to migrate: the store is {'missing' if fmt is None else 'format 2'}",
                path=store_file(store),
            )
        rows = read_store(store)
        path = store_file(store)
        old = path.read_bytes()
        old_head = _last_chain(old)
        backup = path.with_name(f"observations.v1-{old_head[:12]}.csv")
        write_bytes(backup, old)
        new = header_line() + format_lines(rows)
        write_bytes(path, new)
    return old_head, _last_chain(new), backup


#: Temporary files :func:`huainan.atomic.write_bytes` leaves when a write is killed (kill -9,
#: power loss) between creating and renaming them: ``.<target name>.<random>.tmp``.
_TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]+\.tmp$")


def leftover_files(store: str | os.PathLike | None = None) -> list[tuple[Path, int, str]]:
    """Temporary files that a killed write left in the store folder (and its ``files/``).

    A temporary file exists while an ingest writes; one seen while nobody holds the store's
    lock (checked without waiting) belongs to a write that was killed: the store itself is
    intact (the rename never happened) and the file can be deleted.

    Returns
    -------
    list of (Path, int, str)
        Path, size in bytes, modification time (UTC, ISO 8601); empty when the folder is clean
        or an ingest is running right now.
    """
    folder = store_dir(store)
    if not folder.is_dir():
        return []
    found = [p for d in (folder, folder / FILES_DIR) if d.is_dir() for p in d.iterdir()]
    found = sorted(p for p in found if p.is_file() and _TEMPORARY.match(p.name))
    if not found or _lock_busy(folder):
        return []
    out = []
    for p in found:
        st = p.stat()
        when = datetime.fromtimestamp(st.st_mtime, tz=UTC).isoformat(timespec="seconds")
        out.append((p, st.st_size, when))
    return out


def _lock_busy(folder: Path) -> bool:
    lock = folder / ".lock"
    if not lock.exists():
        return False
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return False
    with open(lock, "a+b") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    return False


# --------------------------------------------------------------------------------------------
# Questions briefs and apps ask: was a value revised or withdrawn? how current is the store?
# --------------------------------------------------------------------------------------------


def history(
    indicator: str | None = None,
    region: str | None = None,
    *,
    store: str | os.PathLike | None = None,
) -> pd.DataFrame:
    """Every line stored for an indicator and/or region: values, revisions and withdrawals.

    Parameters
    ----------
    indicator : str, optional
        Indicator id (exact).
    region : str, optional
        6-digit region code.
    store : path, optional
        The store folder.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`read_store` plus ``line`` (int64, the store line), sorted by key and
        revision; empty when nothing matches.
    """
    rows = read_store(store).reset_index()
    if indicator is not None:
        rows = rows[rows["indicator"] == indicator]
    if region is not None:
        rows = rows[rows["region_code"] == region]
    return rows.sort_values([*KEY, "revision"], kind="stable").reset_index(drop=True)


def revision_flags(store: str | os.PathLike | None = None) -> pd.DataFrame:
    """For each stored key: how many values were reported, and whether it is revised or withdrawn.

    Briefs, reports and apps read this (never the store lines themselves) to mark a value as
    修订 (revised: more than one value reported for the key) or 已撤回 (withdrawn: the key's last
    line is a withdrawal).

    Returns
    -------
    pandas.DataFrame
        Columns ``region_code``, ``indicator`` (str), ``year`` (int64), ``area`` (str),
        ``reports`` (int64: value lines), ``revised`` (bool), ``withdrawn`` (bool),
        ``first_value``, ``current_value`` (float64: the first and the current value, NaN
        current when withdrawn), ``last_change`` (str, ISO time of the last line),
        ``reason`` (str: the withdrawal reason or the last confirmation, may be ``""``).
    """
    rows = read_store(store)
    cols = [*KEY, "reports", "revised", "withdrawn", "first_value", "current_value"]
    if rows.empty:
        out = pd.DataFrame({c: pd.Series(dtype="str") for c in [*cols, "last_change", "reason"]})
        return out.astype(
            {
                "year": "int64",
                "reports": "int64",
                "revised": "bool",
                "withdrawn": "bool",
                "first_value": "float64",
                "current_value": "float64",
            }
        )
    records = []
    for key, g in rows.groupby(list(KEY), sort=True):
        g = g.sort_values("revision")
        reports = g[g["action"] == "report"]
        last = g.iloc[-1]
        withdrawn = last["action"] == "withdraw"
        reason = last["note"] if withdrawn else last["confirmation"]
        records.append(
            {
                **dict(zip(KEY, key, strict=True)),
                "reports": len(reports),
                "revised": len(reports) > 1,
                "withdrawn": bool(withdrawn),
                "first_value": float(reports["value"].iloc[0]) if len(reports) else math.nan,
                "current_value": math.nan if withdrawn else float(last["value"]),
                "last_change": str(last["ingested_at"]),
                "reason": "" if pd.isna(reason) else str(reason),
            }
        )
    return pd.DataFrame(records).astype({"year": "int64", "reports": "int64"})


def value_status(
    region_code: str,
    indicator: str,
    year: int,
    area: str = "total",
    *,
    store: str | os.PathLike | None = None,
) -> dict:
    """Was one stored value revised or withdrawn? ``{"stored", "revised", "withdrawn", "reports",
    "label_zh"}``; ``label_zh`` is ``""``, ``"已修订"`` or ``"已撤回"`` (what a brief or app shows
    next to the value).

    Examples
    --------
    >>> import tempfile
    >>> value_status("340400", "life_expectancy", 2023, store=tempfile.mkdtemp())["stored"]
    False
    """
    flags = revision_flags(store)
    hit = flags[
        (flags["region_code"] == region_code)
        & (flags["indicator"] == indicator)
        & (flags["year"] == int(year))
        & (flags["area"] == area)
    ]
    if hit.empty:
        return {"stored": False, "revised": False, "withdrawn": False, "reports": 0, "label_zh": ""}
    r = hit.iloc[0]
    label = "已撤回" if r["withdrawn"] else "已修订" if r["revised"] else ""
    return {
        "stored": True,
        "revised": bool(r["revised"]),
        "withdrawn": bool(r["withdrawn"]),
        "reports": int(r["reports"]),
        "label_zh": label,
    }


@dataclass(frozen=True)
class DataStamp:
    """How current the monitoring store is (:func:`data_stamp`).

    Attributes
    ----------
    updated_at : str or None
        Time of the store's last line in Beijing time (``2026-12-04 20:15``), None when empty.
    chain_head : str
        The store's last ``chain_sha256`` (:data:`GENESIS` when empty).
    lines : int
        Lines stored.
    text_zh : str
        The sentence every page, brief and report prints, e.g. ``数据更新于 2026-12-04 20:15
        （北京时间），监测数据链尾 3f2a9c1d0b7e`` or ``部门监测数据：尚未导入``.
    """

    updated_at: str | None
    chain_head: str
    lines: int
    text_zh: str


def data_stamp(store: str | os.PathLike | None = None) -> DataStamp:
    """Return how current the store is: last update (Beijing time) and chain head.

    Cheap enough to call on every render: the store is read and verified once per change of
    its file (size and modification time).

    Examples
    --------
    >>> import tempfile
    >>> data_stamp(tempfile.mkdtemp()).text_zh
    '部门监测数据：尚未导入'
    """
    path = store_file(store)
    try:
        st = path.stat()
    except FileNotFoundError:
        return DataStamp(None, GENESIS, 0, "部门监测数据：尚未导入")
    return _stamp(str(path.resolve()), st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _stamp(path: str, size: int, mtime_ns: int) -> DataStamp:
    rows = read_store(Path(path).parent)
    if rows.empty:
        return DataStamp(None, GENESIS, 0, "部门监测数据：尚未导入")
    last = datetime.fromisoformat(str(rows["ingested_at"].max()))
    beijing = last.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    head_ = str(rows[CHAIN_COLUMN].iloc[-1])
    text = f"部门监测数据更新于 {beijing}（北京时间），共 {len(rows)} 行，链尾 {head_[:12]}"
    return DataStamp(beijing, head_, len(rows), text)


def revision_sentences(
    used: pd.DataFrame,
    *,
    flags: pd.DataFrame | None = None,
    store: str | os.PathLike | None = None,
) -> list[str]:
    """Chinese sentences marking the officials' values among ``used`` that were revised
    (已修订: first and current value, date of the last change).

    Parameters
    ----------
    used : pandas.DataFrame
        Observation rows (``region_code``, ``indicator``, ``year``, ``area``), e.g. the rows an
        evaluation used.
    flags : pandas.DataFrame, optional
        :func:`revision_flags`, when the caller has it already (one read of the store).
    store : path, optional
        The store folder (default ``<data>/monitoring``).

    Returns
    -------
    list of str
        One sentence per revised (not withdrawn) key; empty when none was revised.
    """
    from huainan.formats import number

    if (
        used is None
        or used.empty
        or not {"region_code", "indicator", "year", "area"} <= set(used.columns)
    ):
        return []
    flags = revision_flags(store) if flags is None else flags
    if flags.empty:
        return []
    keys = used[["region_code", "indicator", "year", "area"]].astype({"year": "int64"})
    hit = flags.merge(keys.drop_duplicates(), on=["region_code", "indicator", "year", "area"])
    return [
        f"已修订：{int(r.year)}年数值共报送{int(r.reports)}次，首次报送为{number(r.first_value)}，"
        f"现为{number(r.current_value)}（最近一次更新 {str(r.last_change)[:10]}）"
        for r in hit[hit["revised"] & ~hit["withdrawn"]].itertuples()
    ]
