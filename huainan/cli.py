"""The ``huainan`` command line (typer). One command per job; the work is done in the modules."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="huainan",
    help="淮南市“十四五”公共服务规划监测评估工作簿：规划数据、数据报送入库、分析简报、应用页面。 / The Huainan public services plan workbook: plan data, ingest, briefs and apps.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def main() -> None:
    """淮南市“十四五”公共服务规划监测评估工作簿 / plan data, ingest, briefs and apps."""


@app.command()
def briefs(
    batch: Annotated[
        str,
        typer.Argument(
            help="批次名称（annual、midterm-2023、final-2025）或 YAML 文件路径 / batch name in parameters/batches/ or a YAML path."
        ),
    ] = "annual",
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="本地 Dask 集群的并行进程数（默认：CPU 核数）/ worker processes of the local Dask cluster (default: cores).",
        ),
    ] = None,
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output-dir",
            "-o",
            help="输出文件夹（默认 outputs/）/ where run folders go (default: outputs/).",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="全部重新生成（即使输入未变）/ run every brief, even those whose inputs did not change.",
        ),
    ] = False,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            min=1,
            help="每份简报的时限（秒，默认 600）/ deadline per brief in seconds (default: 600).",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="在已有的 Dask 集群上运行（调度器地址）/ run on an existing Dask cluster: its scheduler address, e.g. tcp://HOST:8786 "
            "(workers need the package, the kernel and HUAINAN_DATA_DIR; see README).",
        ),
    ] = None,
    fresh_kernels: Annotated[
        bool,
        typer.Option(
            "--fresh-kernels",
            help="每份简报启动新内核（较慢）/ a new kernel for every brief (slower; default: one "
            "warm kernel per worker).",
        ),
    ] = False,
) -> None:
    """生成一批分析简报 / run a batch of briefs: executed notebooks, code-free HTML, index.html, manifest.json.

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
    when written; 1 if the data cannot be read (e.g. a damaged monitoring store) or the file
    cannot be written; 2 for a bad year or stage (nothing written).
    """
    from huainan.errors import HuainanError
    from huainan.formats import number
    from huainan.measures import evaluation

    if not 2021 <= year <= 2100:
        typer.echo(f"错误 / error: 评估年份须在 2021—2100 之间，不是 {year}", err=True)
        raise typer.Exit(2)
    if out is not None and out.is_dir():
        typer.echo(
            f"错误 / error: --out {out} 是文件夹，请给出文件名（如 evaluation.csv）", err=True
        )
        raise typer.Exit(2)
    if stage is not None and stage not in evaluation.STAGES:
        typer.echo(
            f"错误 / error: --stage 只能是 {' / '.join(evaluation.STAGES)}，不是 {stage!r}",
            err=True,
        )
        raise typer.Exit(2)
    try:
        table = evaluation.evaluate(year, stage=stage)
    except HuainanError as exc:  # the data (first: DataValidationError is also a ValueError)
        typer.echo(f"错误 / error: {exc}", err=True)
        raise typer.Exit(1) from exc
    except ValueError as exc:
        typer.echo(f"错误 / error: {exc}", err=True)
        raise typer.Exit(2) from exc
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
        shown = table[list(evaluation.CSV_COLUMNS[:8])].copy()
        shown["value"] = ["—" if v != v else number(v) for v in shown["value"]]
        shown["value_year"] = [y or "—" for y in shown["value_year"]]
        typer.echo(shown.to_string(index=False))


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
    if urban_rural is not None and urban_rural.resolve() == out.resolve():
        typer.echo("错误 / error: --out 与 --urban-rural 是同一个文件，请分别给出文件名", err=True)
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
    out: Annotated[
        Path,
        typer.Argument(
            help="输出的 .xlsx 文件（文件夹须已存在）/ output .xlsx file (its folder must exist)."
        ),
    ],
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="覆盖已有文件（可能是已填写的模板）/ overwrite OUT if it exists (it may be a filled template).",
        ),
    ] = False,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            help="预填数值所用的存储（默认 data/monitoring）/ store whose values pre-fill the form.",
        ),
    ] = None,
) -> None:
    """生成监测数据填报模板（按已入库数值预填）/ write the Excel template officials fill, pre-filled with the stored values."""
    from huainan.errors import HuainanError
    from huainan.intake.template import write_template

    try:
        path = write_template(out, overwrite=force, store=store)
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
    file: Annotated[
        Path,
        typer.Argument(
            help="报送文件：.csv/.txt 或 .xlsx / monitoring return: .csv/.txt or .xlsx."
        ),
    ],
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="只检查并报告，不写入 / validate and report; write nothing."
        ),
    ] = False,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            help="存储文件夹（默认 data/monitoring）/ store folder (default: data/monitoring).",
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            help="文件没有“年份”列时，所有数值的年份 / year of every value, for a file without a 年份 column.",
        ),
    ] = None,
    create_store: Annotated[
        bool,
        typer.Option(
            "--create-store",
            help="--store 文件夹不存在时新建存储 / start a new store if the --store folder does not exist "
            "(without it a mistyped folder is refused).",
        ),
    ] = False,
    confirm: Annotated[
        list[str] | None,
        typer.Option(
            "--confirm",
            help="确认一个需确认的数值：键=理由（键见试运行报告）/ confirm a flagged value: "
            "KEY=REASON, KEY as in the dry-run report (340400/physicians_per_1000/2023/total).",
        ),
    ] = None,
    confirm_all: Annotated[
        str | None,
        typer.Option(
            "--confirm-all",
            help="以同一理由确认全部需确认的数值 / confirm every flagged value with one reason.",
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="入库人（默认：登录名）/ who ingests (default: the login name)."),
    ] = None,
) -> None:
    """检查报送文件并入库（全部入库或全部不入库）/ validate a monitoring return and append it to the store (all or nothing).

    Exit code 0 on success; 1 if the file has problems (all are listed; nothing is written), a
    value the plausibility checks flag was not confirmed (--confirm KEY=REASON), or the store
    folder does not exist (add --create-store to start a new one). --dry-run prints the full
    report (problems, values to confirm, revisions old → new, warnings) and exits 1 if it lists
    a problem.
    """
    from huainan.errors import HuainanError
    from huainan.evidence.monitoring import store_dir
    from huainan.intake.ingest import check
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
    given = {}
    for item in confirm or []:
        token, _, reason = item.partition("=")
        if not reason.strip():
            typer.echo(
                f"错误 / error: --confirm 须写成 键=理由 / --confirm needs KEY=REASON: {item!r}",
                err=True,
            )
            raise typer.Exit(2)
        given[token.strip()] = reason.strip()
    if confirm_all:
        given["*"] = confirm_all
    try:
        if dry_run:  # the same report object the upload page shows, problems listed in it
            report = check(file, store=store, year=year, confirmations=given, by=by)
        else:
            report = run_ingest(
                file, store=store, year=year, create_store=create_store, confirmations=given, by=by
            )
    except HuainanError as exc:
        typer.echo(f"错误 / error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(report.summary())
    if report.problems:
        raise typer.Exit(1)


@app.command()
def validate(
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            help="存储文件夹（默认 data/monitoring）/ store folder (default: data/monitoring).",
        ),
    ] = None,
    head: Annotated[
        str | None,
        typer.Option(
            "--head",
            help="以前记录的链尾值：核对该行及之前各行未被改动 / a chain_sha256 recorded after an earlier ingest: check that the store "
            "still holds that line, unchanged, with everything before it.",
        ),
    ] = None,
) -> None:
    """复核全部已存数据 / re-check everything stored: the monitoring store and the statistics tables.

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
    if check.leftovers:
        typer.echo(
            f"遗留的临时文件 / temporary files left by a killed write ({len(check.leftovers)}; 存储完好，"
            "可删除 / the store is intact, they can be deleted):",
            err=True,
        )
        for p in check.leftovers:
            typer.echo(f"  - {p}", err=True)
    if check.problems:
        typer.echo(f"发现问题 / problems ({len(check.problems)}):", err=True)
        for p in check.problems:
            typer.echo(f"  - {p}", err=True)
        raise typer.Exit(1)
    if check.leftovers:
        raise typer.Exit(1)
    typer.echo("通过 / OK")


@app.command("build-stats")
def build_stats(
    shared: Annotated[
        Path | None,
        typer.Option(
            "--shared", help="共享数据文件夹 / shared data folder (default: <repo>/../shared/data)."
        ),
    ] = None,
) -> None:
    """由普查表和统计公报重建 data/stats/ / rebuild data/stats/ and data/boundaries/ from the census tables and bulletins.

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
        typer.Option(
            "--port",
            "-p",
            min=1,
            max=65535,
            help="端口（默认 8866）/ port on 127.0.0.1 (default 8866).",
        ),
    ] = 8866,
    preheat: Annotated[
        bool,
        typer.Option(
            "--preheat/--no-preheat",
            help="每个页面预热一个内核（默认开）/ keep one executed kernel ready per app (default on).",
        ),
    ] = True,
    prerender: Annotated[
        bool,
        typer.Option(
            "--prerender/--no-prerender",
            help="后台预先生成图表缓存（默认开）/ fill the chart cache in the background at low priority (default on).",
        ),
    ] = True,
    upload_token_file: Annotated[
        Path | None,
        typer.Option(
            "--upload-token-file",
            help="报送页面写入口令所在文件（不给则报送页面只能检查、不能入库）/ file holding the secret "
            "that lets the upload page write (without it the page is read-only).",
        ),
    ] = None,
    max_kernels: Annotated[
        int | None,
        typer.Option(
            "--max-kernels",
            min=1,
            help="同时运行的页面内核上限（每个约400 MB；默认见 voila.json：40），超出时页面提示"
            "“系统繁忙，请稍后再试” / most app kernels at once (default: voila.json, 40).",
        ),
    ] = None,
) -> None:
    """启动供各部门使用的应用页面 / serve the Voila apps for officials (notebooks/apps/) on http://127.0.0.1:PORT/.

    Prints the address of the landing page 首页 (http://127.0.0.1:PORT/voila/render/index.ipynb);
    the root address redirects there. Uses notebooks/apps/voila.json (no source code, no
    tracebacks, preheated kernels, idle kernels culled, the huainan page template: nothing from
    a CDN, Chinese error messages). Runs until Ctrl-C. Exit code 1 if the port is busy, else
    Voila's.
    """
    from huainan.apps.server import serve as run

    try:
        code = run(
            port,
            preheat=preheat,
            prerender=prerender,
            upload_token_file=upload_token_file,
            max_kernels=max_kernels,
        )
    except (OSError, FileNotFoundError, ValueError) as exc:
        typer.echo(f"错误 / error: {exc}", err=True)
        raise typer.Exit(1) from exc
    raise typer.Exit(code)


@app.command()
def history(
    indicator: Annotated[
        str | None, typer.Argument(help="指标ID或名称 / indicator id or name.")
    ] = None,
    region: Annotated[
        str | None, typer.Argument(help="地区名称或代码 / region name or code.")
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="存储文件夹 / store folder (default: data/monitoring)."),
    ] = None,
) -> None:
    """查看数值的修订和撤回记录 / print every value, revision and withdrawal stored for an indicator and region.

    Exit code 0; 1 if the indicator or region is unknown or the store cannot be read.
    """
    from huainan.errors import HuainanError
    from huainan.evidence import monitoring
    from huainan.formats import number
    from huainan.intake.catalogue import resolve_indicator, resolve_region
    from huainan.intake.refs import source_ref_zh

    try:
        ident = resolve_indicator(indicator)[0] if indicator else None
        code = (
            (resolve_region(region, None) if region.isdigit() else resolve_region(None, region))
            if region
            else None
        )
        rows = monitoring.history(ident, code, store=store)
    except HuainanError as exc:
        typer.echo(f"错误 / error: {exc}", err=True)
        raise typer.Exit(1) from exc
    if rows.empty:
        typer.echo("没有记录 / nothing stored")
        return
    for r in rows.itertuples():
        what = "撤回 withdrawn" if r.action == "withdraw" else f"{number(r.value)} {r.unit}"
        area = "" if r.area == "total" else f" ({r.area})"
        extra = (
            f"；理由 reason: {r.note}" if r.action == "withdraw" else f"；来源 source: {r.source}"
        )
        if r.confirmation:
            extra += f"；确认 confirmed: {r.confirmation}"
        origin = "" if r.action == "withdraw" else f"{source_ref_zh(r.source_ref)}, "
        typer.echo(
            f"{r.region_code} {r.indicator}{area} {r.year} 第{r.revision}版 rev {r.revision}: {what}"
            f"  [{r.ingested_at}, {r.ingested_by or '?'}, {origin}"
            f"存储第{r.line}行 store line {r.line}]{extra}"
        )


@app.command()
def withdraw(
    indicator: Annotated[str, typer.Argument(help="指标ID或名称 / indicator id or name.")],
    region: Annotated[str, typer.Argument(help="地区名称或代码 / region name or code.")],
    year: Annotated[int, typer.Argument(help="年份 / year.")],
    reason: Annotated[str, typer.Option("--reason", help="撤回理由（必填）/ why (required).")],
    area: Annotated[str, typer.Option("--area", help="total | urban | rural")] = "total",
    by: Annotated[
        str | None, typer.Option("--by", help="撤回人 / who (default: the login name).")
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="存储文件夹 / store folder (default: data/monitoring)."),
    ] = None,
) -> None:
    """撤回一个误报的数值（追加记录，不删除）/ withdraw a value reported by mistake (append-only).

    Exit code 0 and the new chain head; 1 if there is nothing to withdraw or no reason; 2 for
    an unknown --area.
    """
    from huainan.errors import HuainanError
    from huainan.evidence.monitoring import AREAS
    from huainan.intake.catalogue import resolve_indicator, resolve_region
    from huainan.intake.withdraw import withdraw as run_withdraw

    if area not in AREAS:
        typer.echo(f"错误 / error: --area 只能是 {'、'.join(AREAS)}，不是 {area!r}", err=True)
        raise typer.Exit(2)
    try:
        ident = resolve_indicator(indicator)[0]
        code = resolve_region(region, None) if region.isdigit() else resolve_region(None, region)
        head = run_withdraw(ident, code, year, reason, area=area, by=by, store=store)
    except HuainanError as exc:
        typer.echo(f"错误 / error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"已撤回 / withdrawn: {code} {ident} {year} {area}\n链尾 / chain head: {head}")


@app.command("migrate-store")
def migrate_store(
    store: Annotated[
        Path | None,
        typer.Option("--store", help="存储文件夹 / store folder (default: data/monitoring)."),
    ] = None,
) -> None:
    """把第1版存储转换为第2版（旧文件保留）/ rewrite a format-1 store as format 2 (the old file is kept).

    Exit code 0; 1 if the store is not format 1 or fails its checks.
    """
    from huainan.errors import HuainanError
    from huainan.evidence.monitoring import migrate

    try:
        old, new, backup = migrate(store)
    except HuainanError as exc:
        typer.echo(f"错误 / error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(
        f"已转换 / migrated. 旧文件 old file kept: {backup}\n旧链尾 old chain head: {old}\n"
        f"新链尾 new chain head: {new}（请记录 / record it）"
    )
