"""Benchmark: reading and ingesting officials' tables of realistic and large sizes.

Cases (synthetic files in a temporary folder; nothing is written to ``data/``):

1. ``read_table`` on a GBK yearbook-style CSV (title, unit row, footnote) of 5,000 rows × 12
   numeric columns with thousands separators and placeholders;
2. ``ingest --dry-run`` of a long monitoring CSV with 5,000 rows (random distinct keys over the
   8 regions × every catalogue indicator × 2010–2025; far more than one real return);
3. ``ingest`` of the same file into an empty store, then again (all unchanged);
4. ``write_template`` and ``ingest --dry-run`` of a fully filled template (194 rows × 5 = 970
   values);
5. a large workbook: ``check`` of a 50,000-row × 7-column .xlsx (the row limit,
   :data:`huainan.intake.excel.MAX_ROWS`), run in a child process to measure its peak memory;
   and the refusal of a 1,000,000-row workbook (≈14 MB, above the 8 MiB file limit) and of one
   with 50,001 rows.

Goals (seconds on the 2-core team machine): cases 1–3 under 5 s, the filled template under 2 s,
the 50,000-row workbook under 60 s and 600 MB peak, the oversized file refused under 1 s (a
sheet above the row limit is refused once its rows are counted: the streaming parse).
Prints the time of each case. A measurement, not a test: nothing fails on time.

Run: ``.venv/bin/python benchmarks/bench_ingest.py``.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

import openpyxl

from huainan.intake.ingest import catalogue, check, ingest
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
    ok = {"*": "benchmark: synthetic values"}  # random values: confirm the plausibility flags
    _timed(
        "ingest: same file into an empty store",
        5,
        lambda: ingest(long_csv, store=store, confirmations=ok),
    )
    rep = _timed(
        "ingest: same file again (all unchanged)",
        5,
        lambda: ingest(long_csv, store=store, confirmations=ok),
    )
    assert rep.rows_unchanged == 5000

    empty = tmp / "empty-store"
    empty.mkdir()
    tpl = _timed("write_template", 2, lambda: write_template(tmp / "t.xlsx", store=empty))
    wb = openpyxl.load_workbook(tpl)
    for ws in wb.worksheets[2:-1]:  # the domain sheets (not 填表说明, 封面, 已入库数值)
        for r in range(3, ws.max_row + 1):
            ident = ws.cell(row=r, column=14).value  # hidden 指标ID column N
            lo, hi = span[ident]
            for c in range(7, 12):  # 2021年 … 2025年 (G:K)
                ws.cell(row=r, column=c, value=round(rng.uniform(lo, hi), 1))
    wb.save(tpl)
    rep = _timed(
        "check: filled template (970 values)",
        2,
        lambda: check(tpl, store=store),
    )
    assert rep.rows_read == 970 and not rep.problems  # 194 rows x 5 years
    large_workbooks(tmp)


def _big_xlsx(path: Path, rows: int) -> Path:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    ws.append(["区划代码", "地区", "指标", "年份", "数值", "单位", "备注"])
    for i in range(rows):
        ws.append(["340400", "淮南市", "人均预期寿命", 2010 + i % 16, 78.1, "岁", f"第{i}行"])
    wb.save(path)
    return path


_CHILD = """
import resource, sys, time
from huainan.intake.ingest import check
t0 = time.perf_counter()
rep = check(sys.argv[1], store=sys.argv[2])
dt = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{dt:.2f} {peak:.0f} {rep.rows_read} {len(rep.problems)}")
"""


def large_workbooks(tmp: Path) -> None:
    import subprocess
    import sys

    from huainan.errors import IngestError
    from huainan.intake import excel

    big = _big_xlsx(tmp / "rows50k.xlsx", excel.MAX_ROWS - 1)  # + header = the limit
    store = tmp / "empty-store"
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(big), str(store)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    print(
        f"{'check: 50,000-row workbook (' + f'{big.stat().st_size / 1e6:.1f} MB)':<58} "
        f"{float(out[0]):6.2f} s   (goal < 60 s); peak memory {out[1]} MB (goal < 600 MB); "
        f"{out[2]} values read, {out[3]} problems (2,000 duplicate keys)"
    )
    for label, path in (
        ("refuse: 1,000,000-row workbook (file size)", _big_xlsx(tmp / "rows1m.xlsx", 1_000_000)),
        (
            "refuse: 50,001-row workbook (row limit)",
            _big_xlsx(tmp / "rows50k1.xlsx", excel.MAX_ROWS),
        ),
    ):
        t0 = time.perf_counter()
        try:  # a file too large is refused outright; a sheet too long is one problem listed
            why = check(path, store=store).problems[0].message_zh
        except IngestError as exc:
            why = exc.reason
        dt = time.perf_counter() - t0
        why = why.split(" / ")[0]
        print(f"{label:<58} {dt:6.2f} s   ({path.stat().st_size / 1e6:.1f} MB) {why}")


if __name__ == "__main__":
    main()
