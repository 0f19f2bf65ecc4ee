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
    batch: Annotated[str, typer.Argument(
        help="Batch name in parameters/batches/ (annual, midterm-2023, final-2025) or a YAML path."
    )] = "annual",
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, help="Worker processes (default: number of cores).")] = None,
    output_dir: Annotated[Path | None, typer.Option(
        "--output-dir", "-o", help="Where run folders go (default: outputs/).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Run every brief, even those whose inputs did not change.")] = False,
    timeout: Annotated[float | None, typer.Option(
        "--timeout", min=1, help="Deadline per brief in seconds (default: 600).")] = None,
) -> None:
    """Run a batch of briefs: executed notebooks, code-free HTML, index.html, manifest.json.

    Exit code 0 if every brief succeeded or was reused; 1 if any failed (the others are still
    produced); 2 if the batch or its parameters are invalid (then nothing ran).
    """
    from huainan.batch import run_batch
    from huainan.errors import BatchError, ParameterError

    try:
        result = run_batch(batch, jobs=jobs, output_dir=output_dir, force=force, timeout=timeout)
    except (ParameterError, BatchError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(result.summary())
    raise typer.Exit(0 if result.ok else 1)
