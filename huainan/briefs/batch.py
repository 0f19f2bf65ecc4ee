"""Run a batch of briefs: Dask distributed, papermill, manifest, index, incremental reuse.

``huainan briefs annual`` (see :func:`run_batch`) does, in order:

1. read and validate the batch (:func:`huainan.briefs.parameters.load_batch`) — a bad parameter stops
   everything before any notebook runs;
2. fingerprint the inputs of every brief (:mod:`huainan.briefs.fingerprints`): sha256 of the
   template notebook, of its parameters (canonical JSON), of the input data (the whole ``data/``
   tree, or ``$HUAINAN_DATA_DIR``) and of the ``huainan`` package source; together they make the
   brief's ``key``;
3. reuse: a brief whose key equals that of a brief that succeeded in an earlier run in the same
   output folder is not run again; its products are copied into the new run (status ``reused``).
   ``force=True`` runs everything;
4. run the others on Dask (:mod:`huainan.briefs.cluster`): by default an embedded
   ``LocalCluster`` of ``jobs`` worker processes with one thread each, or an existing cluster
   (``scheduler="tcp://HOST:8786"``). Each brief is one task
   (:func:`huainan.briefs.execute.produce_brief`): papermill on the worker's warm Jupyter kernel
   ``huainan``, with a deadline per brief, under one tqdm progress bar; a failing brief never
   stops the others and its executed notebook is kept; a worker that dies fails only its brief;
5. write ``outputs/<run-id>/`` (the products come back from the workers as bytes):
   ``<name>.ipynb`` (executed), ``<name>.html`` (code-free, see :mod:`huainan.briefs.publish`),
   ``logs/<name>.log`` (papermill and kernel messages), ``index.html``, ``manifest.json`` and,
   for a batch of prefecture briefs, ``ranking.html``; then point ``outputs/latest`` at the run.

SIGTERM (``systemctl stop``, ``timeout``) or SIGINT (Ctrl-C) stops the run in order: briefs not
started are cancelled, the kernels of running ones are killed (:func:`huainan.briefs.cluster.stop`),
``manifest.json``/``index.html`` are written with status ``interrupted`` for the unfinished briefs,
``latest`` stays on the last complete run and :class:`~huainan.errors.BatchInterrupted` is raised
(the command line exits with 128 + the signal number: 143, 130). The worker processes of the
embedded cluster ignore those signals (the batch process stops them) and end with the batch
process even if it is killed outright; their kernels then exit by themselves.

The run id is ``<UTC time>-<8 hex digits>``, e.g. ``20250414T083012Z-3f2a9c1d``: it sorts by time,
and the suffix (from the keys of all briefs) is equal for runs on equal inputs.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from huainan import __version__
from huainan.atomic import write_bytes, write_text
from huainan.briefs import cluster, publish
from huainan.briefs.cluster import STOP_GRACE, StopSignals, signal_name
from huainan.briefs.fingerprints import (
    brief_key,
    data_sha256,
    file_sha256,
    is_junk,
    package_sha256,
    parameters_sha256,
    tree_sha256,
)
from huainan.briefs.parameters import Batch, BriefRun, load_batch
from huainan.errors import BatchError, BatchInterrupted
from huainan.paths import KERNEL_NAME, check_data_dir, data_dir

__all__ = [
    "DEFAULT_TIMEOUT",
    "STOP_GRACE",
    "RunResult",
    "brief_key",
    "data_sha256",
    "default_jobs",
    "file_sha256",
    "is_junk",
    "package_sha256",
    "parameters_sha256",
    "run_batch",
    "tree_sha256",
]

#: Default deadline for one brief, in seconds, counted from the moment a worker takes it up
#: (kernel start-up included, when the worker has no warm kernel).
DEFAULT_TIMEOUT = 600.0
MANIFEST = "manifest.json"
INDEX = "index.html"
LATEST = "latest"
#: Version of the manifest layout; bump when fields change meaning. 2: status ``interrupted``
#: (run and brief), ``interrupted_by`` and ``counts["interrupted"]``. 3: ``scheduler``, and per
#: brief ``worker`` (host, pid) and ``timings`` (kernel start, reset, execution, HTML).
MANIFEST_SCHEMA = 3
#: Statuses of a brief in the manifest, in the order ``counts`` lists them.
STATUSES = ("succeeded", "reused", "failed", "interrupted")

_REUSABLE = ("succeeded", "reused")
#: A brief's products, in the order the manifest lists them.
_PRODUCT_ORDER = ("html", "docx", "pdf", "notebook", "log")


@dataclass(frozen=True)
class RunResult:
    """What one batch run produced.

    Attributes
    ----------
    run_id : str
    run_dir : pathlib.Path
        ``<output_dir>/<run_id>``.
    manifest : dict
        The content of ``manifest.json``.
    """

    run_id: str
    run_dir: Path
    manifest: dict[str, Any]

    @property
    def briefs(self) -> list[dict[str, Any]]:
        """The per-brief records of the manifest, in batch order."""
        return self.manifest["briefs"]

    @property
    def failed(self) -> list[dict[str, Any]]:
        """The records of the briefs that failed."""
        return [b for b in self.briefs if b["status"] == "failed"]

    @property
    def interrupted(self) -> list[dict[str, Any]]:
        """The records of the briefs a signal stopped before they finished (or started)."""
        return [b for b in self.briefs if b["status"] == "interrupted"]

    @property
    def ok(self) -> bool:
        """True if every brief succeeded or was reused."""
        return not self.failed and not self.interrupted

    def summary(self) -> str:
        """Return a plain-text summary: counts, each failure (brief, cell, error) and, for a run
        stopped by a signal, the briefs it did not finish."""
        m = self.manifest
        counts = ", ".join(f"{n} {status}" for status, n in m["counts"].items() if n)
        n = len(self.briefs)
        lines = [
            f"batch {m['batch']['name']}: {n} brief{'s' if n != 1 else ''} — {counts} "
            f"in {m['seconds']:.1f} s (jobs={m['jobs']})"
        ]
        for b in self.failed:
            lines.append(
                f"FAILED {b['name']} ({b['defined_in']}): {publish.error_text(b.get('error'))}"
            )
            if b.get("products", {}).get("notebook"):
                lines.append(
                    f"  executed notebook kept: {self.run_dir / b['products']['notebook']}"
                )
        if self.interrupted:
            lines.append(
                f"INTERRUPTED by {m.get('interrupted_by') or 'a signal'}, not finished: "
                + ", ".join(b["name"] for b in self.interrupted)
            )
            lines.append(f"{LATEST} left unchanged (it names complete runs only)")
        lines.append(f"index: {self.run_dir / INDEX}")
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------


def default_jobs() -> int:
    """Return the number of CPU cores this process may use (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_batch(
    batch: str | os.PathLike,
    *,
    jobs: int | None = None,
    output_dir: str | os.PathLike | None = None,
    force: bool = False,
    timeout: float | None = None,
    parameters_dir: str | os.PathLike | None = None,
    kernel_name: str = KERNEL_NAME,
    progress: bool = True,
    scheduler: str | None = None,
    warm_kernels: bool = True,
) -> RunResult:
    """Run a batch of briefs; return what happened (a failed brief does not raise).

    While it runs (called from the main thread), SIGTERM and SIGINT (Ctrl-C) stop the batch in
    order instead of killing it: briefs not started are cancelled, running ones have their
    kernels killed (they get :data:`STOP_GRACE` seconds to report), briefs not finished get the
    status ``interrupted``, ``manifest.json`` and ``index.html`` are written for what finished,
    ``latest`` is left pointing at the last complete run, and :class:`BatchInterrupted` is
    raised. A signal that arrives once every brief has finished changes nothing.

    Parameters
    ----------
    batch : str or os.PathLike
        Batch name in ``parameters/batches/`` (``"annual"``) or path of a batch file.
    jobs : int, optional
        Worker processes of the embedded Dask ``LocalCluster``; default :func:`default_jobs`
        (never more than briefs to run). Ignored with ``scheduler`` (the cluster has its workers).
    output_dir : str or os.PathLike, optional
        Where run folders go; default ``<project root>/outputs``. Any UTF-8 path (``输出/``).
    force : bool
        Run every brief even if an earlier run has one with equal inputs.
    timeout : float, optional
        Deadline per brief in seconds, from the moment a worker takes it up; default
        :data:`DEFAULT_TIMEOUT`.
    parameters_dir : str or os.PathLike, optional
        The ``parameters/`` folder; see :func:`huainan.briefs.parameters.load_batch`.
    kernel_name : str
        Jupyter kernel every notebook runs on (default ``huainan``).
    progress : bool
        Show the tqdm progress bar (on stderr).
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://10.0.0.5:8786``); default: an embedded
        ``LocalCluster``. See :mod:`huainan.briefs.cluster` for what its workers need.
    warm_kernels : bool
        Each worker keeps one kernel, with the briefs' modules imported, for all its briefs
        (reset between briefs, see :mod:`huainan.briefs.execute`). False: a new kernel for every
        brief (slower; for full isolation or to measure the difference).

    Returns
    -------
    RunResult

    Raises
    ------
    ParameterError
        If the batch or any parameter is invalid (nothing has run, no folder was made).
    BatchError
        If the kernel is not registered, the output folder cannot be created or the Dask
        cluster cannot be started or reached.
    DataDirError
        If the data folder (``data/`` or ``$HUAINAN_DATA_DIR``) is missing or incomplete.
    BatchInterrupted
        If SIGTERM or SIGINT stopped the batch; ``.result`` is the partial run (or None if the
        signal came before the run folder was made), ``.signum`` the signal.
    """
    if jobs is not None and jobs < 1:
        raise BatchError(f"jobs must be at least 1, got {jobs}")
    started, t0 = _now(), time.monotonic()
    timeout = DEFAULT_TIMEOUT if timeout is None else float(timeout)
    if not timeout > 0:
        raise BatchError(f"timeout must be positive, got {timeout}")
    check_data_dir()
    spec = load_batch(batch, parameters_dir)
    _check_kernel(kernel_name)

    shared = {"data": data_sha256(), "package": package_sha256()}
    records = [_record(run, spec, shared, kernel_name) for run in spec.runs]

    out = Path(output_dir) if output_dir is not None else spec.root / "outputs"
    n_jobs = 0
    with StopSignals() as stop:
        try:
            out.mkdir(parents=True, exist_ok=True)
            previous = {} if force else _previous_products(out)
            run_id, run_dir = _make_run_dir(out, started, records)
            (run_dir / "logs").mkdir()
        except OSError as exc:
            raise BatchError(f"cannot use output folder {out}: {exc}") from exc

        tasks = []
        for rec, run in zip(records, spec.runs, strict=True):
            if stop.signum:
                break
            if rec["key"] in previous and _reuse(rec, previous[rec["key"]], run_dir):
                continue
            tasks.append(
                _task(run_id, rec["name"], run, kernel_name, timeout, shared["data"], warm_kernels)
            )
        by_name = {rec["name"]: rec for rec in records}
        n_jobs = _run_tasks(
            tasks,
            by_name,
            run_dir,
            scheduler=scheduler,
            jobs=jobs,
            stop=stop,
            total=len(records),
            label=spec.name,
            progress=progress,
        )
        # Every brief is finished (or reused) unless a signal stopped the run first.
        signum = _close_records(records, run_dir, stop.signum)

        finished = _now()
        manifest = _manifest(
            spec,
            run_id,
            records,
            started,
            finished,
            time.monotonic() - t0,
            n_jobs,
            timeout,
            kernel_name,
            force,
            shared,
            interrupted_by=signal_name(signum) if signum else None,
            scheduler=scheduler or "local",
            warm_kernels=warm_kernels,
        )
        manifest["ranking"] = _write_ranking(run_dir, manifest)
        write_text(run_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        write_text(run_dir / INDEX, publish.index_html(manifest))
        if signum is None:
            _point_latest(out, run_id, spec.name)
    result = RunResult(run_id=run_id, run_dir=run_dir, manifest=manifest)
    if signum is not None:
        raise BatchInterrupted(
            f"batch {spec.name} stopped by {signal_name(signum)}: "
            f"{len(result.interrupted)} of {len(records)} briefs not finished; "
            f"{LATEST} left unchanged",
            signum=signum,
            result=result,
        )
    return result


def _task(
    run_id: str,
    name: str,
    run: BriefRun,
    kernel_name: str,
    timeout: float,
    data_sha256: str,
    warm: bool,
) -> dict[str, Any]:
    """What a worker needs to run one brief: plain values only, so that it travels to a Dask
    worker."""
    return {
        "run_id": run_id,
        "name": name,
        "notebook": str(run.notebook),
        "notebook_json": run.notebook.read_text(encoding="utf-8"),
        "parameters": run.parameters,
        "title": run.title,
        "kernel_name": kernel_name,
        "timeout": timeout,
        "data_sha256": data_sha256,
        "warm": warm,
    }


def _close_records(records: list[dict[str, Any]], run_dir: Path, signum: int | None) -> int | None:
    """After the tasks: mark the briefs not finished as interrupted, checksum the products of
    those run; return the signal that stopped the batch (``None`` when every brief finished,
    even if a signal came afterwards)."""
    unfinished = [rec for rec in records if rec["status"] in (None, "interrupted")]
    for rec in records:
        if rec in unfinished:
            _mark_interrupted(rec, run_dir)
        elif rec["status"] != "reused":
            rec["product_sha256"] = {
                k: file_sha256(run_dir / p) for k, p in rec["products"].items()
            }
    return signum if unfinished else None


def _run_tasks(
    tasks: list[dict[str, Any]],
    by_name: dict[str, dict[str, Any]],
    run_dir: Path,
    *,
    scheduler: str | None,
    jobs: int | None,
    stop: StopSignals,
    total: int,
    label: str,
    progress: bool,
) -> int:
    """Run the tasks on Dask under one progress bar; fill the records; return the workers used.

    Without tasks (every brief reused) no cluster is started or reached.
    """
    from tqdm.auto import tqdm

    with tqdm(
        total=total,
        initial=total - len(tasks),
        desc=f"briefs {label}",
        unit="brief",
        disable=not progress,
        file=sys.stderr,
        dynamic_ncols=True,
    ) as bar:
        if not tasks or stop.signum:
            return 0
        n_jobs = min(jobs or default_jobs(), len(tasks))
        with cluster.open_cluster(
            scheduler, n_jobs, tasks[0]["kernel_name"], warm=tasks[0]["warm"]
        ) as c:

            def on_result(result: dict[str, Any]) -> None:
                rec = by_name[result["name"]]
                if rec["status"] is not None:
                    return
                if stop.signum and result["status"] == "failed":
                    result = {**result, "status": "interrupted", "error": None}
                _store(rec, result, run_dir)
                bar.set_postfix_str(f"{result['name']}: {result['status']}")
                bar.update(1)

            left = cluster.run(c, tasks, stop, on_result)
            if stop.signum:
                bar.set_postfix_str(f"stopping ({signal_name(stop.signum)})")
                cluster.stop(c, tasks[0]["run_id"], left, on_result)
            return c.workers


def _store(rec: dict[str, Any], result: dict[str, Any], run_dir: Path) -> None:
    """Write a brief's products (bytes from the worker) into the run folder; fill its record."""
    products = {}
    kinds = {".html": "html", ".docx": "docx", ".pdf": "pdf", ".ipynb": "notebook", ".log": "log"}
    for rel, data in result.get("files", {}).items():
        kind = kinds.get(Path(rel).suffix)
        if kind is None or Path(rel).name != f"{rec['name']}{Path(rel).suffix}":
            continue  # only the brief's own products, under their own names
        write_bytes(run_dir / rel, data)
        products[kind] = rel
    rec.update(
        status=result["status"],
        title=result.get("title") or rec["title"] or rec["name"],
        started=result.get("started"),
        finished=result.get("finished"),
        seconds=result.get("seconds"),
        products={k: products[k] for k in _PRODUCT_ORDER if k in products},
        error=result.get("error"),
        worker=result.get("worker"),
        timings=result.get("timings"),
    )


def _write_ranking(run_dir: Path, manifest: dict[str, Any]) -> str | None:
    """A batch of prefecture briefs also gets ``ranking.html`` (:mod:`huainan.briefs.ranking`);
    return its name, or None."""
    from huainan.briefs import ranking

    return ranking.write_for_run(run_dir, manifest)


def _record(run: BriefRun, spec: Batch, shared: dict[str, str], kernel_name: str) -> dict[str, Any]:
    hashes = {
        "notebook": file_sha256(run.notebook),
        "parameters": parameters_sha256(run.parameters),
        # the title is written into the HTML: a new title makes a new brief, not a reused one
        "title": parameters_sha256({"title": run.title}),
        **shared,
    }
    return {
        "name": run.name,
        "brief": run.brief,
        "title": run.title,
        "notebook": _rel(run.notebook, spec.root),
        "parameters": run.parameters,
        "defined_in": run.defined_in,
        "hashes": hashes,
        "key": brief_key(hashes, kernel_name),
        "status": None,
        "started": None,
        "finished": None,
        "seconds": None,
        "products": {},
        "product_sha256": {},
        "reused_from": None,
        "error": None,
        "worker": None,
        "timings": None,
    }


def _check_kernel(kernel_name: str) -> None:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel as exc:
        raise BatchError(
            f"Jupyter kernel {kernel_name!r} is not registered; run `make venv` "
            f"(python -m ipykernel install --sys-prefix --name {kernel_name})"
        ) from exc


def _make_run_dir(out: Path, started: str, records: list[dict]) -> tuple[str, Path]:
    stamp = datetime.fromisoformat(started).strftime("%Y%m%dT%H%M%SZ")
    digest = hashlib.sha256("".join(r["key"] for r in records).encode("ascii")).hexdigest()[:8]
    for n in range(100):
        run_id = f"{stamp}-{digest}" + (f"-{n}" if n else "")
        try:
            (out / run_id).mkdir()
            return run_id, out / run_id
        except FileExistsError:
            continue
    raise BatchError(f"cannot create a run folder in {out}: 100 names taken")


def _mark_interrupted(rec: dict, run_dir: Path) -> None:
    """Record a brief a signal stopped: keep its log and a readable partial notebook, nothing
    else (an HTML page whose completeness is unknown is removed, so officials never see it).
    ``started`` is when it was handed to a worker (None if it never was), ``finished`` when the
    batch stopped (None if it never started)."""
    name = rec["name"]
    for leftover in run_dir.glob(f".{name}.*.tmp"):  # atomic writes cut short by SIGKILL
        leftover.unlink(missing_ok=True)
    (run_dir / f"{name}.html").unlink(missing_ok=True)
    notebook = run_dir / f"{name}.ipynb"
    if notebook.exists():
        try:
            json.loads(notebook.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            notebook.unlink(missing_ok=True)  # cut off in the middle of a write
    products = _existing_products(run_dir, name)
    rec.update(
        status="interrupted",
        finished=_now() if rec["started"] else None,
        products=products,
        product_sha256={k: file_sha256(run_dir / p) for k, p in products.items()},
    )


def _existing_products(run_dir: Path, name: str) -> dict[str, str]:
    candidates = {
        "html": f"{name}.html",
        "docx": f"{name}.docx",
        "pdf": f"{name}.pdf",
        "notebook": f"{name}.ipynb",
        "log": f"logs/{name}.log",
    }
    return {k: v for k, v in candidates.items() if (run_dir / v).exists()}


# --------------------------------------------------------------------------------------------
# Reuse, manifest, latest
# --------------------------------------------------------------------------------------------


def _previous_products(out: Path) -> dict[str, tuple[Path, dict]]:
    """Map brief key → (run folder, record) over earlier runs, newest first wins."""
    runs = []
    for d in out.iterdir():
        if d.is_symlink() or not d.is_dir() or not (d / MANIFEST).is_file():
            continue
        try:
            m = json.loads((d / MANIFEST).read_text(encoding="utf-8"))
            runs.append((m["started"], d, m["briefs"]))
        except (ValueError, KeyError, OSError):
            continue  # a damaged manifest only means nothing there is reused
    found: dict[str, tuple[Path, dict]] = {}
    for _, d, briefs in sorted(runs, key=lambda r: r[0], reverse=True):
        for b in briefs:
            if b.get("status") in _REUSABLE and b.get("key") and b["key"] not in found:
                found[b["key"]] = (d, b)
    return found


def _reuse(rec: dict, previous: tuple[Path, dict], run_dir: Path) -> bool:
    """Copy an earlier brief's products into this run if they are intact; say if it did."""
    old_dir, old = previous
    t0 = time.monotonic()
    products, digests = old.get("products", {}), old.get("product_sha256", {})
    if not products.get("html") or not products.get("notebook"):
        return False
    for kind, rel in products.items():
        src = old_dir / rel
        if not src.is_file() or file_sha256(src) != digests.get(kind):
            return False  # edited or removed since: run the brief again
    new_products = {}
    try:
        for kind, rel in products.items():
            suffix = {
                "html": ".html",
                "docx": ".docx",
                "pdf": ".pdf",
                "notebook": ".ipynb",
                "log": ".log",
            }[kind]
            new_rel = f"logs/{rec['name']}{suffix}" if kind == "log" else f"{rec['name']}{suffix}"
            shutil.copy2(old_dir / rel, run_dir / new_rel)
            new_products[kind] = new_rel
    except (OSError, KeyError):  # cannot copy (or unknown product): run the brief instead
        for rel in new_products.values():
            (run_dir / rel).unlink(missing_ok=True)
        return False
    now = _now()
    rec.update(
        status="reused",
        title=rec["title"] or old.get("title") or rec["name"],
        started=now,
        finished=now,
        seconds=round(time.monotonic() - t0, 3),
        products=new_products,
        product_sha256=dict(digests),
        reused_from=old.get("reused_from") or old_dir.name,
        original_seconds=old.get("original_seconds", old.get("seconds")),
    )
    return True


def _manifest(
    spec: Batch,
    run_id: str,
    records: list[dict],
    started: str,
    finished: str,
    seconds: float,
    jobs: int,
    timeout: float,
    kernel_name: str,
    force: bool,
    shared: dict[str, str],
    interrupted_by: str | None = None,
    scheduler: str = "local",
    warm_kernels: bool = True,
) -> dict[str, Any]:
    counts = {s: sum(r["status"] == s for r in records) for s in STATUSES}
    status = (
        "interrupted" if counts["interrupted"] else "failed" if counts["failed"] else "succeeded"
    )
    return {
        "schema": MANIFEST_SCHEMA,
        "run_id": run_id,
        "status": status,
        "interrupted_by": interrupted_by,
        "batch": {
            "name": spec.name,
            "title": spec.title,
            "description": spec.description,
            "file": _rel(spec.path, spec.root),
            "sha256": file_sha256(spec.path),
        },
        "started": started,
        "finished": finished,
        "seconds": round(seconds, 3),
        "jobs": jobs,
        "scheduler": scheduler,
        "warm_kernels": warm_kernels,
        "timeout_seconds": timeout,
        "kernel": kernel_name,
        "force": force,
        "huainan_version": __version__,
        "papermill_version": version("papermill"),
        "dask_version": version("distributed"),
        "python": platform.python_version(),
        "data_dir": str(data_dir()),
        "hashes": dict(shared),
        "counts": counts,
        "briefs": records,
    }


#: The batch whose runs ``outputs/latest`` names (what ``make briefs`` runs).
DEFAULT_BATCH = "annual"


def latest_name(batch_name: str) -> str:
    """The link naming a batch's latest complete run: ``latest-<batch>``; the default batch
    (``annual``) also keeps ``latest``. A bookmark never changes meaning between batches.

    Examples
    --------
    >>> latest_name("final-2025"), latest_name("annual")
    ('latest-final-2025', 'latest-annual')
    """
    return f"{LATEST}-{batch_name}"


def _point_latest(out: Path, run_id: str, batch_name: str) -> None:
    """Point ``out/latest-<batch>`` (and ``out/latest`` for the default batch) at the run: a
    relative symlink, else a text file ``<name>.txt``."""
    names = [latest_name(batch_name)] + ([LATEST] if batch_name == DEFAULT_BATCH else [])
    for name in names:
        link, tmp = out / name, out / f".{name}-{os.getpid()}"
        try:
            if tmp.is_symlink() or tmp.exists():
                tmp.unlink()
            os.symlink(run_id, tmp, target_is_directory=True)
            os.replace(tmp, link)
        except OSError:
            tmp.unlink(missing_ok=True)
            write_text(out / f"{name}.txt", run_id + "\n")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _rel(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
