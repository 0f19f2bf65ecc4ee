"""Withdrawing a stored value (``huainan withdraw``): append-only, the hash chain stays valid.

A withdrawal is a line like any other (:mod:`huainan.evidence.monitoring`): the key's next
revision with ``action`` ``withdraw``, the withdrawn value repeated in ``value``, the reason in
``note`` and who withdrew it in ``ingested_by``. Readers then leave the key out
(:func:`huainan.evidence.monitoring.current`); the history keeps every line
(:func:`huainan.evidence.monitoring.history`). Reporting the key again later is a new revision.
"""

from __future__ import annotations

import getpass
import os
from datetime import UTC, datetime

from huainan.errors import IngestError
from huainan.evidence import monitoring
from huainan.plan import regions


def withdraw(
    indicator: str,
    region_code: str,
    year: int,
    reason: str,
    *,
    area: str = "total",
    by: str | None = None,
    store: str | os.PathLike | None = None,
) -> str:
    """Withdraw the current value of one key; return the new chain head.

    Parameters
    ----------
    indicator, region_code, year, area
        The key (``area`` ``total``, ``urban`` or ``rural``).
    reason : str
        Why (required; stored in ``note``), e.g. ``误报：为2022年数据``.
    by : str, optional
        Who (default the login name).
    store : path, optional
        The store folder.

    Raises
    ------
    IngestError
        No reason, or no current value for the key (never stored, or already withdrawn).
    """
    reason = (reason or "").strip()
    if not reason:
        raise IngestError("撤回须说明理由 / a withdrawal needs a reason")
    with monitoring.locked(store):
        rows = monitoring.read_store(store)
        key = (region_code, indicator, int(year), area)
        mine = rows[
            (rows["region_code"] == key[0])
            & (rows["indicator"] == key[1])
            & (rows["year"] == key[2])
            & (rows["area"] == key[3])
        ]
        if mine.empty or mine.iloc[-1]["action"] == "withdraw":
            state = "从未入库" if mine.empty else "已撤回"
            raise IngestError(
                f"没有可撤回的数值（{state}）/ nothing to withdraw: {regions.name(region_code)} "
                f"{indicator} {year} {area} is {'not stored' if mine.empty else 'already withdrawn'}"
            )
        line = mine.iloc[[-1]].copy()
        who = by
        if not who:
            try:
                who = getpass.getuser()
            except Exception:
                who = "unknown"
        line = line.assign(
            revision=int(line["revision"].iloc[0]) + 1,
            action="withdraw",
            note=reason[:500],
            ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
            ingested_by=who,
            confirmation="",
            checks="",
        )
        return monitoring.append(line, store)
