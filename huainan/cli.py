"""The ``huainan`` command line (typer). One command per job; the work is done in the modules."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="huainan",
    help="淮南市“十四五”公共服务规划 workbook: plan data, ingest, briefs and apps.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def main() -> None:
    """淮南市“十四五”公共服务规划 workbook: plan data, ingest, briefs and apps."""


@app.command()
def briefs(
    batch: Annotated[
        str,
        typer.Argument(
            help="Batch name in parameters/batches/ (annual, midterm-2023, final-2025) or a YAML path."
        ),
    ] = "annual",
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Worker processes (default: number of cores)."),
    ] = None,
    output_dir: Annotated[
        Path | None,
        typer.Option("--output-dir", "-o", help="Where run folders go (default: outputs/)."),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Run every brief, even those whose inputs did not change."),
    ] = False,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", min=1, help="Deadline per brief in seconds (default: 600)."),
    ] = None,
) -> None:
    """Run a batch of briefs: executed notebooks, code-free HTML, index.html, manifest.json.

    Exit code 0 if every brief succeeded or was reused; 1 if any failed (the others are still
    produced); 2 if the batch or its parameters are invalid (then nothing ran); 128 + the signal
    number (143 for SIGTERM, 130 for Ctrl-C) if a signal stopped it: workers and kernels are
    stopped, unfinished briefs are marked interrupted, outputs/latest is left unchanged.
    """
    from huainan.briefs.batch import run_batch
    from huainan.errors import BatchError, BatchInterrupted, ParameterError

    try:
        result = run_batch(batch, jobs=jobs, output_dir=output_dir, force=force, timeout=timeout)
    except (ParameterError, BatchError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    except BatchInterrupted as exc:
        if exc.result is not None:
            typer.echo(exc.result.summary())
        typer.echo(f"stopped: {exc}", err=True)
        raise typer.Exit(128 + exc.signum) from exc
    typer.echo(result.summary())
    raise typer.Exit(0 if result.ok else 1)


@app.command()
def evaluate(
    year: Annotated[int, typer.Argument(help="评估年份 / evaluation year (2021 or later).")],
    stage: Annotated[
        str | None,
        typer.Option(
            "--stage",
            help="final（终期，2025年起）| midterm（中期）| annual（年度）；默认按年份 / default "
            "from the year: final from 2025, midterm in 2023, annual otherwise.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="写出 UTF-8 CSV / write the table as a UTF-8 CSV file."),
    ] = None,
) -> None:
    """评估表：专栏2每项指标的采用数值、年份、结论、差距和来源 / the evaluation table.

    Columns: indicator_id, name_zh, attribute, unit, target_text, value, value_year, verdict,
    gap, source_title, source_url, source_quality, note. Honours HUAINAN_DATA_DIR. Exit code 0
    when written; 2 for a bad year or stage (nothing written).
    """
    from huainan.errors import HuainanError
    from huainan.measures import evaluation

    if stage is not None and stage not in evaluation.STAGES:
        typer.echo(
            f"错误 / error: --stage 只能是 {' / '.join(evaluation.STAGES)}，不是 {stage!r}",
            err=True,
        )
        raise typer.Exit(2)
    try:
        table = evaluation.evaluate(year, stage=stage)
    except ValueError as exc:
        typer.echo(f"错误 / error: {exc}", err=True)
        raise typer.Exit(2) from exc
    except HuainanError as exc:
        typer.echo(f"错误 / error: {exc}", err=True)
        raise typer.Exit(1) from exc
    if out is not None:
        try:
            path = evaluation.write_csv(table, out)
        except OSError as exc:
            typer.echo(f"错误 / error: 无法写入 {out}: {exc}", err=True)
            raise typer.Exit(1) from exc
        typer.echo(f"已写出 / written: {path}（{len(table)} 项指标）")
    counts = table["verdict_zh"].value_counts()
    stage_zh = evaluation.STAGE_ZH[str(table["stage"].iloc[0])]
    typer.echo(f"{stage_zh}（{year}年）：" + "，".join(f"{k} {v} 项" for k, v in counts.items()))
    if out is None:
        typer.echo(table[list(evaluation.CSV_COLUMNS[:8])].to_string(index=False))


@app.command()
def gaps(
    year_from: Annotated[int, typer.Argument(help="起始年份 / first year (e.g. 2021).")],
    year_to: Annotated[int, typer.Argument(help="截止年份 / last year (e.g. 2025).")],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="县区差距表 / regional gaps, UTF-8 CSV (regional.csv)."),
    ],
    urban_rural: Annotated[
        Path | None,
        typer.Option(
            "--urban-rural", help="城乡差距表 / urban-rural gaps, UTF-8 CSV (urban_rural.csv)."
        ),
    ] = None,
) -> None:
    """县区差距与城乡差距：规划指标在起止年份间的变化 / county and urban-rural gaps of the plan's
    indicators between two years, from reported values.

    regional.csv: indicator_id, year_from, year_to, n_units, cv_from, cv_to, max_min_ratio_from,
    max_min_ratio_to, change (narrowed/widened/stable), below_target (units below the 2025
    target in the last year, ；-joined). urban_rural.csv: indicator_id, region_code, year, urban,
    rural, ratio, difference. Honours HUAINAN_DATA_DIR. Exit code 0 when written (also when no
    indicator has county values: the files then hold the header only and the reason is
    printed); 2 for bad years; 1 if a store fails validation or a file cannot be written.
    """
    from huainan.errors import HuainanError
    from huainan.measures import regional
    from huainan.measures import urban_rural as ur

    if year_to <= year_from or year_from < 2000 or year_to > 2100:
        typer.echo(
            f"错误 / error: 年份须满足 2000 ≤ 起始年份 < 截止年份 ≤ 2100，不是 {year_from} {year_to}",
            err=True,
        )
        raise typer.Exit(2)
    try:
        panel = regional.county_panel(year_from=year_from, year_to=year_to)
        table = regional.regional_gaps(year_from=year_from, year_to=year_to, panel=panel)
        urban = ur.urban_rural_panel(year_from=year_from, year_to=year_to)
    except HuainanError as exc:
        typer.echo(f"错误 / error: {exc}", err=True)
        raise typer.Exit(1) from exc
    try:
        regional.write_csv(table, out)
        if urban_rural is not None:
            ur.write_csv(urban, urban_rural)
    except OSError as exc:
        typer.echo(f"错误 / error: 无法写入 / cannot write: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"已写出 / written: {out}（{len(table)} 项指标 / indicators）")
    for row in table.itertuples(index=False):
        typer.echo(f"- {row.change_sentence_zh}")
    missing = regional.missing_sentence(regional.coverage(panel), year_from, year_to)
    if missing:
        typer.echo(missing)
    if urban_rural is not None:
        typer.echo(f"已写出 / written: {urban_rural}（{len(urban)} 行 / rows）")
        if urban.empty:
            typer.echo(ur.missing_sentence(urban))


@app.command()
def template(
    out: Annotated[Path, typer.Argument(help="Output .xlsx file (its folder must exist).")],
    force: Annotated[
        bool,
        typer.Option("--force", help="Overwrite OUT if it exists (it may be a filled template)."),
    ] = False,
) -> None:
    """Write the Excel template officials fill: 填表说明 + one sheet per domain, 2021–2025."""
    from huainan.errors import HuainanError
    from huainan.intake.template import write_template

    try:
        path = write_template(out, overwrite=force)
    except FileExistsError as exc:
        typer.echo(
            f"错误 / error: 文件已存在（可能是已填写的模板）：{out}；请换一个文件名，或加 --force "
            f"覆盖 / {out} exists (it may be a filled template): choose another name, or "
            "add --force to overwrite it",
            err=True,
        )
        raise typer.Exit(1) from exc
    except (HuainanError, OSError, ValueError) as exc:  # bad name, missing folder, unwritable
        typer.echo(f"错误 / error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"已生成填报模板 / template written: {path}")


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(help="Monitoring return: .csv/.txt or .xlsx.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and report; write nothing.")
    ] = False,
    store: Annotated[
        Path | None, typer.Option("--store", help="Store folder (default: data/monitoring).")
    ] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", help="Year of every value, for a file without a 年份 column."),
    ] = None,
    create_store: Annotated[
        bool,
        typer.Option(
            "--create-store",
            help="Start a new store if the --store folder does not exist "
            "(without it a mistyped folder is refused).",
        ),
    ] = False,
) -> None:
    """Validate a monitoring return and append it to the store (all or nothing).

    Exit code 0 on success; 1 if the file has problems (all are listed; nothing is written) or
    the store folder does not exist (add --create-store to start a new one).
    """
    from huainan.errors import HuainanError
    from huainan.evidence.monitoring import store_dir
    from huainan.intake.ingest import ingest as run_ingest

    folder = store_dir(store)
    if not folder.is_dir() and not create_store:
        typer.echo(
            f"错误 / error: 存储文件夹不存在：{folder}。请检查 --store 的路径；确需新建存储时加 "
            f"--create-store / the store folder {folder} does not exist: check --store (a "
            "typo would start a second, empty store), or add --create-store to start a "
            "new store",
            err=True,
        )
        raise typer.Exit(1)
    try:
        report = run_ingest(
            file, store=store, dry_run=dry_run, year=year, create_store=create_store
        )
    except HuainanError as exc:
        typer.echo(f"错误 / error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(report.summary())


@app.command()
def validate(
    store: Annotated[
        Path | None, typer.Option("--store", help="Store folder (default: data/monitoring).")
    ] = None,
    head: Annotated[
        str | None,
        typer.Option(
            "--head",
            help="A chain_sha256 recorded after an earlier ingest: check that the store "
            "still holds that line, unchanged, with everything before it.",
        ),
    ] = None,
) -> None:
    """Re-check everything stored: the monitoring store and the statistics tables.

    The store's hash chain is recomputed (a line edited, inserted, moved or removed by hand is
    found); lines cut off at the end are only found with --head. Exit code 0 when sound, 1 when
    a problem was found (each is listed).
    """
    from huainan.intake.ingest import validate_store

    check = validate_store(store, head=head)
    if check.chain_head is None:
        typer.echo(f"监测数据 / monitoring store: {check.path}: 无法读取 / could not be read")
    else:
        typer.echo(
            f"监测数据 / monitoring store: {check.path}: {check.lines} 行 lines, "
            f"{check.keys} 个键 keys, {check.superseded} 行已被更新 superseded"
        )
        typer.echo(f"链尾 / chain head: {check.chain_head}")
    if check.stats_rows is not None:
        typer.echo(f"统计数据 / statistics: {check.stats_rows} 行 rows loaded and validated")
    if check.problems:
        typer.echo(f"发现问题 / problems ({len(check.problems)}):", err=True)
        for p in check.problems:
            typer.echo(f"  - {p}", err=True)
        raise typer.Exit(1)
    typer.echo("通过 / OK")


@app.command("build-stats")
def build_stats(
    shared: Annotated[
        Path | None,
        typer.Option("--shared", help="Shared data folder (default: <repo>/../shared/data)."),
    ] = None,
) -> None:
    """Rebuild data/stats/ and data/boundaries/ from the census tables and bulletins.

    Deterministic; validates everything before writing (each file atomically). Exit code 0 on
    success, 1 if an input breaks a check (nothing is written).
    """
    from huainan.errors import HuainanError
    from huainan.evidence.build import DEFAULT_SHARED, build, write_files

    try:
        files = build(shared or DEFAULT_SHARED, log=typer.echo)
    except (HuainanError, FileNotFoundError) as exc:
        typer.echo(f"错误 / error: {exc}", err=True)
        raise typer.Exit(1) from exc
    written = write_files(files)
    for path in sorted(files):
        typer.echo(f"{'wrote    ' if path in written else 'unchanged'} {path}")


@app.command()
def serve(
    port: Annotated[
        int,
        typer.Option("--port", "-p", min=1, max=65535, help="Port on 127.0.0.1 (default 8866)."),
    ] = 8866,
    preheat: Annotated[
        bool,
        typer.Option(
            "--preheat/--no-preheat", help="Keep one executed kernel ready per app (default on)."
        ),
    ] = True,
    prerender: Annotated[
        bool,
        typer.Option(
            "--prerender/--no-prerender",
            help="Fill the chart cache in the background at low priority (default on).",
        ),
    ] = True,
) -> None:
    """Serve the Voila apps for officials (notebooks/apps/) on http://127.0.0.1:PORT/.

    Prints the address of the landing page 首页 (http://127.0.0.1:PORT/voila/render/index.ipynb);
    the root address redirects there. Uses notebooks/apps/voila.json (no source code, no
    tracebacks, preheated kernels, idle kernels culled, the huainan page template: nothing from
    a CDN, Chinese error messages). Runs until Ctrl-C. Exit code 1 if the port is busy, else
    Voila's.
    """
    from huainan.apps.server import serve as run

    try:
        code = run(port, preheat=preheat, prerender=prerender)
    except (OSError, FileNotFoundError) as exc:
        typer.echo(f"错误 / error: {exc}", err=True)
        raise typer.Exit(1) from exc
    raise typer.Exit(code)
