"""Re-checking everything stored (``huainan validate``): the store, its files, the statistics."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pandas as pd

from huainan.errors import DataValidationError
from huainan.evidence import monitoring, stats
from huainan.intake.catalogue import catalogue
from huainan.plan import regions

#: Years a stored value may carry (:data:`huainan.evidence.stats.YEAR_RANGE`).
YEAR_RANGE: tuple[int, int] = stats.YEAR_RANGE


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
    leftovers : list of str
        Temporary files a killed write left in the store folder (path, size, time): the store
        is intact, the files can be deleted (:func:`huainan.evidence.monitoring.leftover_files`).
        They make :attr:`ok` false, so a scheduled ``huainan validate`` reports them.
    """

    path: str
    lines: int
    keys: int
    superseded: int
    problems: list[str]
    stats_rows: int | None
    chain_head: str | None = None
    leftovers: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem was found and no temporary file was left behind."""
        return not self.problems and not self.leftovers


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
    order, ingest times never going backwards; no temporary file of a killed write left in the
    store folder; with ``head``, that some line still carries that
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
                f"{path}：记录的链尾值 {head.strip()} 不在文件中，文件末尾的行被删除或文件被改写，"
                "请从 git 或备份恢复 / "
                f"no line has the recorded chain value {head.strip()} — lines were removed "
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
    leftovers = [
        f"{p}（{size:,} 字节 bytes，{when}）" for p, size, when in monitoring.leftover_files(store)
    ]
    stats_rows = None
    try:
        stats_rows = len(stats.observations())
    except DataValidationError as exc:
        problems.append(f"statistics: {exc}")
    return StoreCheck(
        str(path), lines, keys, superseded, problems, stats_rows, chain_head, leftovers
    )
