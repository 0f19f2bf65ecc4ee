"""Benchmark: prefecture briefs on Dask — briefs per minute, per-brief time split, local vs cluster.

Runs the prefecture brief (``notebooks/briefs/prefecture.ipynb``) for the first ``--cities``
Anhui cities (default all 16, the ``anhui-cities`` batch) with ``--force``, into a temporary
folder, and prints:

1. **one brief** alone (``--jobs 1``): seconds, cluster and kernel start included;
2. the batch with **1** and **2** local workers (embedded ``LocalCluster``): seconds and briefs
   per minute, and the ratio of the 1-worker batch to ``cities × one brief`` (what warm kernels
   and shared start-up save);
3. the batch on a **separately started** ``dask scheduler`` + ``dask worker --nworkers 2
   --nthreads 1`` on 127.0.0.1 (real TCP, as on a cluster): seconds and briefs per minute, and
   whether every HTML brief is byte-identical to the local 2-worker run's (sha256);
4. the **per-brief split** (means over the batch, from the manifest's ``timings`` and papermill's
   per-cell durations): kernel start, reset, imports + title cell, the map cell, the tables, the
   rank chart, HTML export, Word + PDF — for warm kernels (the default) and for ``--fresh-kernels`` (a new
   kernel per brief, as before warm kernels).

The scheduler and worker processes are started here on free loopback ports and stopped by the
process ids started (SIGTERM, then SIGKILL for any of their processes still running).

Run: ``.venv/bin/python benchmarks/bench_scale.py [--cities 16]`` (``make bench`` runs every
benchmark). A measurement, not a test: nothing fails on time. On a shared 2-core machine the
figures move with the other load; compare ratios taken in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from huainan.apps.server import free_port
from huainan.briefs import batch
from huainan.measures import prefectures
from huainan.paths import PARAMETERS_DIR

DASK = Path(sys.executable).parent / "dask"
CELLS = ("parameters", "imports + title", "map + units table", "gaps", "rank chart", "yearbook")


def batch_file(folder: Path, cities: list[str]) -> Path:
    path = folder / f"bench-{len(cities)}.yaml"
    quoted = ", ".join(f'"{c}"' for c in cities)
    path.write_text(
        f"briefs:\n  - brief: prefecture\n    grid: {{city: [{quoted}]}}\n", encoding="utf-8"
    )
    return path


def run(path: Path, out: Path, **kw) -> tuple[float, batch.RunResult]:
    t0 = time.monotonic()
    result = batch.run_batch(
        path, parameters_dir=PARAMETERS_DIR, output_dir=out, force=True, progress=False, **kw
    )
    seconds = time.monotonic() - t0
    assert result.ok, result.summary()
    return seconds, result


def split(result: batch.RunResult) -> dict[str, float]:
    """Mean seconds per brief of each step."""
    n = len(result.briefs)
    out = {k: 0.0 for k in ("kernel_start", "reset", *CELLS[1:], "html", "documents", "total")}
    for b in result.briefs:
        t = b["timings"]
        out["kernel_start"] += t.get("kernel_start", 0.0) / n
        out["reset"] += t.get("reset", 0.0) / n
        out["html"] += t.get("html", 0.0) / n
        out["documents"] += t.get("documents", 0.0) / n
        out["total"] += b["seconds"] / n
        nb = json.loads((result.run_dir / b["products"]["notebook"]).read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        code = [c for c in code if "injected-parameters" not in c["metadata"].get("tags", [])]
        for label, cell in zip(CELLS[1:], code[1:], strict=False):
            out[label] += cell["metadata"]["papermill"]["duration"] / n
    return out


def wait_for_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def tree(pid: int) -> set[int]:
    """Every process below ``pid``."""
    try:
        return {c.pid for c in psutil.Process(pid).children(recursive=True)}
    except psutil.NoSuchProcess:
        return set()


def stop(proc: subprocess.Popen) -> None:
    """Stop a process we started, by its pid; then any of its processes still running."""
    below = tree(proc.pid)
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    time.sleep(2)
    for pid in below:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def on_cluster(path: Path, out: Path, logs: Path) -> tuple[float, batch.RunResult]:
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    started: list[subprocess.Popen] = []
    try:
        started.append(
            subprocess.Popen(
                [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port)]
                + ["--dashboard-address", f"127.0.0.1:{free_port()}"],
                stdout=open(logs / "scheduler.log", "wb"),  # noqa: SIM115
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        wait_for_port(port)
        started.append(
            subprocess.Popen(
                [str(DASK), "worker", address, "--nworkers", "2", "--nthreads", "1"]
                + ["--host", "127.0.0.1", "--no-dashboard", "--local-directory", str(logs)],
                stdout=open(logs / "worker.log", "wb"),  # noqa: SIM115
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        from distributed import Client

        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=120)
            time.sleep(5)  # let the workers warm their kernels, as a running cluster has
        return run(path, out, scheduler=address)
    finally:
        for proc in reversed(started):
            stop(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cities", type=int, default=16, help="Anhui cities (1–16)")
    args = parser.parse_args()
    p = prefectures.prefectures()
    cities = p.loc[p["province_code"] == "340000", "prefecture_code"].tolist()[: args.cities]
    n = len(cities)
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        tmp_path = Path(tmp)
        one = batch_file(tmp_path, cities[:1])
        many = batch_file(tmp_path, cities)
        t1, _ = run(one, tmp_path / "one", jobs=1)
        print(f"one brief alone (jobs 1): {t1:.1f} s", flush=True)
        rows = []
        for label, kw in (
            ("local, 1 worker", {"jobs": 1}),
            ("local, 2 workers", {"jobs": 2}),
            ("local, 1 worker, fresh kernels", {"jobs": 1, "warm_kernels": False}),
        ):
            seconds, result = run(many, tmp_path / label.replace(" ", "_"), **kw)
            rows.append((label, seconds, result))
            print(f"  ({label}: {seconds:.1f} s)", flush=True)
        (tmp_path / "logs").mkdir()
        seconds, result = on_cluster(many, tmp_path / "cluster", tmp_path / "logs")
        rows.append(("scheduler + 2 workers (TCP)", seconds, result))
        print(f"\n{n} prefecture briefs, --force:")
        for label, seconds, _ in rows:
            print(f"  {label:32s} {seconds:7.1f} s  {60 * n / seconds:6.1f} briefs/min")
        print(
            f"  ratio {n}-brief batch (1 worker) / ({n} × one brief): {rows[0][1] / (n * t1):.2f}"
        )
        local2, cluster = rows[1][2], rows[3][2]
        same = all(
            a["product_sha256"]["html"] == b["product_sha256"]["html"]
            for a, b in zip(local2.briefs, cluster.briefs, strict=True)
        )
        print(f"  HTML identical (sha256), local 2 workers vs scheduler: {same}")
        print("\nper-brief split (mean seconds):")
        warm, fresh = split(rows[0][2]), split(rows[2][2])
        print(f"  {'step':22s} {'warm kernel':>12s} {'fresh kernel':>13s}")
        for key in warm:
            print(f"  {key:22s} {warm[key]:12.2f} {fresh[key]:13.2f}")


if __name__ == "__main__":
    main()
