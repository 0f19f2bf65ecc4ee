"""Benchmark: reading and ingesting officials' tables of realistic and large sizes.

Cases (synthetic files in a temporary folder; nothing is written to ``data/``):

1. ``read_table`` on a GBK yearbook-style CSV (title, unit row, footnote) of 5,000 rows × 12
   numeric columns with thousands separators and placeholders;
2. ``ingest --dry-run`` of a long monitoring CSV with 5,000 rows (random distinct keys over the
   8 regions × every catalogue indicator × 2010–2025; far more than one real return);
3. ``ingest`` of the same file into an empty store, then again (all unchanged);
4. ``write_template`` and ``ingest --dry-run`` of a fully filled template ((23 × 8 + 2) × 5 = 930
   values).

Goals (seconds on the 2-core team machine): each case under 5 s, the filled template under 2 s.
Prints the time of each case. A measurement, not a test: nothing fails on time.

Run: ``.venv/bin/python benchmarks/bench_ingest.py``.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

import openpyxl

from huainan.intake.ingest import catalogue, ingest
from huainan.intake.reader import read_table
from huainan.intake.template import write_template
from huainan.plan.regions import CITY_CODE, UNIT_CODES

CODES = [*UNIT_CODES, CITY_CODE]


def _timed(label: str, goal: float, fn):
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    print(f"{label:<58} {dt:6.2f} s   (goal < {goal:g} s)")
    return out


def main() -> None:
    rng = random.Random(20210101)
    tmp = Path(tempfile.mkdtemp(prefix="bench_ingest_"))

    lines = [
        "表 各乡镇主要指标,,",
        ",,单位：人、张",
        "地区," + ",".join(f"指标{i}" for i in range(12)),
    ]
    for i in range(5000):
        cells = [f'"{rng.randrange(10**7):,}"' if rng.random() > 0.05 else "—" for _ in range(12)]
        lines.append(f"乡镇{i}," + ",".join(cells))
    lines.append("注：合成数据。")
    yearbook = tmp / "yearbook.csv"
    yearbook.write_bytes("\r\n".join(lines).encode("gbk"))
    df = _timed(
        "read_table: GBK CSV, 5,000 rows x 12 numeric columns", 5, lambda: read_table(yearbook)
    )
    assert len(df) == 5000

    cat = catalogue()
    # values within each indicator's bounds (huainan.intake.ingest.BOUNDS), never a %-fraction (≤ 1)
    span = {r.indicator: (max(r.min_value, 2.0), min(r.max_value, 100.0)) for r in cat.itertuples()}
    keys = [
        (code, ind, unit, year)
        for code in CODES
        for ind, unit in zip(cat["indicator"], cat["unit"], strict=True)
        for year in range(2010, 2026)
    ]
    rows = ["区划代码,指标,年份,数值,单位"] + [
        f"{code},{ind},{year},{rng.uniform(*span[ind]):.2f},{unit}"
        for code, ind, unit, year in rng.sample(keys, 5000)
    ]
    long_csv = tmp / "long.csv"
    long_csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    store = tmp / "store"
    store.mkdir()
    _timed(
        "ingest --dry-run: long CSV, 5,000 rows",
        5,
        lambda: ingest(long_csv, store=store, dry_run=True),
    )
    _timed("ingest: same file into an empty store", 5, lambda: ingest(long_csv, store=store))
    rep = _timed(
        "ingest: same file again (all unchanged)", 5, lambda: ingest(long_csv, store=store)
    )
    assert rep.rows_unchanged == 5000

    tpl = _timed("write_template", 2, lambda: write_template(tmp / "t.xlsx"))
    wb = openpyxl.load_workbook(tpl)
    for ws in wb.worksheets[1:]:
        for r in range(3, ws.max_row + 1):
            lo, hi = span[ws.cell(row=r, column=1).value]
            for c in range(6, 11):
                ws.cell(row=r, column=c, value=round(rng.uniform(lo, hi), 1))
    wb.save(tpl)
    rep = _timed(
        "ingest --dry-run: filled template (930 values)",
        2,
        lambda: ingest(tpl, store=store, dry_run=True),
    )
    assert rep.rows_read == 930  # 23 indicators x 8 regions + 2 Anhui rows, x 5 years


if __name__ == "__main__":
    main()
