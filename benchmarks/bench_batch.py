"""Benchmark: a batch of briefs as a plain papermill loop vs ``huainan briefs --jobs 2``.

Inputs: the briefs a batch lists (default ``parameters/batches/annual.yaml``, the issue's
10 briefs once the domain and city templates exist; ``--batch`` takes another name or path).
``--proxy`` instead runs 10 briefs made from the 十三五 review template (one per domain + all
domains), a stand-in while the domain/city templates are being written.

Three ways over the same briefs, each producing executed notebooks and code-free HTML, each timed
as a fresh process (interpreter start and imports included):

1. **loop** — what one would write without the runner: a Python process that, for each brief in
   turn, calls ``papermill.execute_notebook`` (kernel ``huainan``) then nbconvert's
   ``HTMLExporter`` with ``exclude_input``;
2. **batch** — ``huainan briefs BATCH --jobs 2 --force`` (validation, hashing, worker processes,
   manifest and index included);
3. **rerun** — the same command again without ``--force``: nothing changed, every brief is reused.

Prints the seconds of each and the ratios to the loop with the goals (batch ≤ 0.6×, rerun ≤ 0.05×),
and the machine's parallel ceiling at that moment (``jobs`` processes of pure arithmetic vs the same
work in turn): briefs are CPU-bound (kernel start, imports, pandas, matplotlib), so on 2 shared
cores the batch ratio cannot go below 1 / ceiling.
All three run on a snapshot: ``huainan/``, ``notebooks/``, ``parameters/`` and ``data/`` are copied
to a temporary folder first and put first on ``PYTHONPATH`` (the kernel inherits it), so edits
made in the working tree meanwhile (which change the package hash and defeat reuse) do not disturb
the measurement. If the rerun still reused nothing, it says which hash changed and tries again.
Outputs go to the temporary folder, not ``outputs/``.

Run: ``.venv/bin/python benchmarks/bench_batch.py [--batch annual | --proxy] [--jobs 2]``
(``make bench`` runs it with the defaults). A measurement, not a test: nothing fails on time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from huainan.paths import REPO_ROOT

GOAL_BATCH = 0.6
GOAL_RERUN = 0.05

PROXY_BATCH = """\
title: benchmark stand-in (十三五 review × 10)
briefs:
  - review_13th
  - brief: review_13th
    output: review_13th-{domain}
    grid:
      domain: [childcare, education, employment, health, elderly_care, housing,
               social_assistance, veterans, culture_sports]
"""


def loop(batch: str, out: Path) -> None:
    """The plain loop (runs in its own process): papermill + HTMLExporter, brief after brief."""
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    from huainan.briefs.parameters import load_batch
    from huainan.paths import KERNEL_NAME

    exporter = HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    for run in load_batch(batch).runs:
        nb_path = out / f"{run.name}.ipynb"
        try:
            papermill.execute_notebook(
                str(run.notebook),
                str(nb_path),
                parameters=run.parameters,
                kernel_name=KERNEL_NAME,
                cwd=str(run.notebook.parent),
                progress_bar=False,
            )
        except papermill.PapermillExecutionError as exc:
            print(f"  loop: {run.name} failed in cell {exc.cell_index}: {exc.ename}")
        body, _ = exporter.from_notebook_node(nbformat.read(nb_path, as_version=4))
        (out / f"{run.name}.html").write_text(body, encoding="utf-8")


def snapshot(dest: Path) -> dict[str, str]:
    """Copy the project's code, notebooks, parameters and data to ``dest``; return the
    environment that makes Python (and the kernels) import ``huainan`` from the copy."""
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
    for part in ("huainan", "notebooks", "parameters", "data"):
        shutil.copytree(REPO_ROOT / part, dest / part, ignore=ignore)
    path = os.pathsep.join(p for p in (str(dest), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path, "HUAINAN_BENCH_SNAPSHOT": str(dest)}


def _spin(n: int) -> float:
    t0 = time.perf_counter()
    total = 0
    for i in range(n):
        total += i * i
    return time.perf_counter() - t0


def parallel_ceiling(jobs: int, n: int = 20_000_000) -> float:
    """Speed-up of ``jobs`` processes of pure arithmetic over running them in turn, now.

    On a shared or hyper-threaded machine this is well below ``jobs``: no batch of CPU-bound
    notebooks can beat it, so it is printed next to the batch's ratio.
    """
    import multiprocessing

    t0 = time.perf_counter()
    for _ in range(jobs):
        _spin(n)
    sequential = time.perf_counter() - t0
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        pool.map(_spin, [n] * jobs)  # warm-up: start the workers
        t0 = time.perf_counter()
        pool.map(_spin, [n] * jobs)
        parallel = time.perf_counter() - t0
    return sequential / parallel


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    """Run ``cmd`` in the snapshot (its folder is the working directory: ``python -c`` puts the
    working directory first on ``sys.path``); return seconds and the finished process."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=env["HUAINAN_BENCH_SNAPSHOT"],
    )
    return time.perf_counter() - t0, proc


def huainan_briefs(
    batch: str, out: Path, jobs: int, force: bool, env: dict[str, str]
) -> tuple[float, dict]:
    """Time ``huainan briefs`` in a subprocess; return seconds and the run's manifest."""
    cmd = [
        sys.executable,
        "-c",
        "from huainan.cli import app; app()",
        "briefs",
        batch,
        "--jobs",
        str(jobs),
        "--output-dir",
        str(out),
    ] + (["--force"] if force else [])
    seconds, proc = timed(cmd, env)
    if proc.returncode == 2:
        sys.exit(f"huainan briefs refused the batch:\n{proc.stderr}")
    manifest = json.loads((out / "latest" / "manifest.json").read_text(encoding="utf-8"))
    return seconds, manifest


def changed_hashes(before: dict, after: dict) -> list[str]:
    old = {b["name"]: b["hashes"] for b in before["briefs"]}
    return sorted(
        {
            part
            for b in after["briefs"]
            for part, h in b["hashes"].items()
            if old.get(b["name"], {}).get(part) != h
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", default="annual", help="batch name or path (default annual)")
    parser.add_argument(
        "--proxy",
        action="store_true",
        help="run 10 briefs made from the 十三五 review template instead",
    )
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument(
        "--retries",
        type=int,
        default=3,
        help="rerun attempts if inputs changed meanwhile (default 3)",
    )
    parser.add_argument("--loop-into", type=Path, help=argparse.SUPPRESS)  # the loop's process
    args = parser.parse_args()
    if args.loop_into:
        loop(args.batch, args.loop_into)
        return

    with tempfile.TemporaryDirectory(prefix="bench_batch_") as tmp:
        tmp = Path(tmp)
        env = snapshot(tmp / "project")
        batch = args.batch
        if args.proxy:
            batch = str(tmp / "proxy.yaml")
            Path(batch).write_text(PROXY_BATCH, encoding="utf-8")
        from huainan.briefs.parameters import load_batch

        spec = load_batch(batch)
        print(
            f"batch {spec.name} ({spec.path}): {len(spec.runs)} brief(s): "
            f"{', '.join(r.name for r in spec.runs)}"
        )
        (tmp / "loop").mkdir()
        ceiling_before = parallel_ceiling(args.jobs)
        t_loop, proc = timed(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--batch",
                batch,
                "--loop-into",
                str(tmp / "loop"),
            ],
            env,
        )
        if proc.returncode:
            sys.exit(f"the loop failed:\n{proc.stderr[-2000:]}")
        print(proc.stdout, end="")
        print(f"loop   (papermill + HTMLExporter, sequential): {t_loop:7.2f} s")

        t_batch, forced = huainan_briefs(batch, tmp / "runs", args.jobs, True, env)
        print(
            f"batch  (huainan briefs --jobs {args.jobs} --force):    {t_batch:7.2f} s  "
            f"{t_batch / t_loop:5.2f}× loop (goal ≤ {GOAL_BATCH}×)  {forced['counts']}"
        )

        ceiling = (ceiling_before + parallel_ceiling(args.jobs)) / 2
        print(
            f"         parallel ceiling (before loop, after batch): {args.jobs} processes of pure "
            f"arithmetic run {ceiling:.2f}× faster than in turn → no batch beats "
            f"{1 / ceiling:.2f}× loop here"
        )

        last = forced
        for attempt in range(1, args.retries + 1):
            t_rerun, again = huainan_briefs(batch, tmp / "runs", args.jobs, False, env)
            if again["counts"]["reused"] == len(again["briefs"]):
                break
            print(
                f"  rerun {attempt}: not all reused ({again['counts']}); hashes changed "
                f"since the run before: {', '.join(changed_hashes(last, again)) or 'none'}"
            )
            last = again
        print(
            f"rerun  (unchanged inputs, all reused):        {t_rerun:7.2f} s  "
            f"{t_rerun / t_loop:5.2f}× loop (goal ≤ {GOAL_RERUN}×)  {again['counts']}"
        )
        print(
            "seconds per brief in the batch run: "
            + ", ".join(
                f"{b['name']} {b['seconds']:.1f}"
                for b in forced["briefs"]
                if b["seconds"] is not None
            )
        )


if __name__ == "__main__":  # worker processes are spawned: keep the guard
    main()
