"""The ``huainan`` command line (typer). One command per job; the work is done in the modules."""

from __future__ import annotations

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
