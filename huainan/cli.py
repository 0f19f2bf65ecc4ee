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
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Worker processes of the local Dask cluster (default: cores).",
        ),
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
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Run on an existing Dask cluster: its scheduler address, e.g. tcp://HOST:8786 "
            "(workers need the package, the kernel and HUAINAN_DATA_DIR; see README).",
        ),
    ] = None,
    fresh_kernels: Annotated[
        bool,
        typer.Option(
            "--fresh-kernels",
            help="Start a new kernel for every brief (slower; default: one warm kernel per worker).",
        ),
    ] = False,
) -> None:
    """Run a batch of briefs: executed notebooks, code-free HTML, index.html, manifest.json.

    Exit code 0 if every brief succeeded or was reused; 1 if any failed (the others are still
    produced); 2 if the batch or its parameters are invalid (then nothing ran); 128 + the signal
    number (143 for SIGTERM, 130 for Ctrl-C) if a signal stopped it: workers and kernels are
    stopped, unfinished briefs are marked interrupted, outputs/latest is left unchanged.
    """
    from huainan.errors import BatchError, BatchInterrupted, DataDirError, ParameterError
    from huainan.paths import check_data_dir

    try:
        check_data_dir()
    except DataDirError as exc:
        typer.echo(f"错误 / error: {exc}", err=True)
        raise typer.Exit(2) from exc
    from huainan.briefs.batch import run_batch

    try:
        result = run_batch(
            batch,
            jobs=jobs,
            output_dir=output_dir,
            force=force,
            timeout=timeout,
            scheduler=scheduler,
            warm_kernels=not fresh_kernels,
        )
    except ParameterError as exc:
        typer.echo(f"错误：参数文件有误，未运行任何简报 / error: {exc}", err=True)
        raise typer.Exit(2) from exc
    except (BatchError, DataDirError) as exc:
        typer.echo(f"错误：批次无法开始 / error: {exc}", err=True)
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
    from huainan.evidence import boundaries

    topojson = (shared or DEFAULT_SHARED) / "boundaries" / "china_counties_2021_aea.topojson.gz"
    typer.echo(f"wrote     {boundaries.write_counties(topojson)}")


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
