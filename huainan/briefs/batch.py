"""Run a batch of briefs with papermill: worker processes, manifest, index, incremental reuse.

``huainan briefs annual`` (see :func:`run_batch`) does, in order:

1. read and validate the batch (:func:`huainan.briefs.parameters.load_batch`) — a bad parameter stops
   everything before any notebook runs;
2. fingerprint the inputs of every brief: sha256 of the template notebook, of its parameters
   (canonical JSON), of the input data (the whole ``data/`` tree, or ``$HUAINAN_DATA_DIR``) and of
   the ``huainan`` package source; together they make the brief's ``key``;
3. reuse: a brief whose key equals that of a brief that succeeded in an earlier run in the same
   output folder is not run again; its products are copied into the new run (status ``reused``).
   ``force=True`` runs everything;
4. run the others with papermill in separate worker **processes** (papermill changes the working
   directory, so threads would clash), each on the Jupyter kernel ``huainan``, with a deadline per
   brief, under one tqdm progress bar; a failing brief never stops the others and its executed
   notebook is kept;
5. write ``outputs/<run-id>/``: ``<name>.ipynb`` (executed), ``<name>.html`` (code-free, see
   :mod:`huainan.briefs.publish`), ``logs/<name>.log`` (kernel and papermill messages), ``index.html`` and
   ``manifest.json``; then point ``outputs/latest`` at the run.

The batch owns its processes and stops them itself. Workers are ``spawn`` processes it starts
and joins (not a ``ProcessPoolExecutor``, whose workers cannot be stopped mid-task); each worker
kills its brief's kernel (by the kernel manager's process handle) before it exits. SIGTERM
(``systemctl stop``, ``timeout``) or SIGINT (Ctrl-C) stops the workers and their kernels within
:data:`STOP_GRACE` seconds, writes ``manifest.json``/``index.html`` with status ``interrupted`` for
the unfinished briefs, leaves ``latest`` on the last complete run and raises
:class:`~huainan.errors.BatchInterrupted` (the command line exits with 128 + the signal number:
143, 130). On Linux a worker also stops if the batch process is killed outright.

The run id is ``<UTC time>-<8 hex digits>``, e.g. ``20250414T083012Z-3f2a9c1d``: it sorts by time,
and the suffix (from the keys of all briefs) is equal for runs on equal inputs.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import multiprocessing
import os
import pickle
import platform
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from multiprocessing.connection import wait
from pathlib import Path, PurePosixPath
from typing import Any

from huainan import __version__
from huainan.atomic import write_text
from huainan.briefs import publish
from huainan.briefs.parameters import Batch, BriefRun, load_batch
from huainan.errors import BatchError, BatchInterrupted
from huainan.paths import KERNEL_NAME, data_dir

#: Default deadline for one brief, in seconds, counted from the moment a worker takes it up
#: (kernel start-up included; the kernel must also start within KERNEL_START_TIMEOUT).
DEFAULT_TIMEOUT = 600.0
#: Seconds allowed for a kernel to start.
KERNEL_START_TIMEOUT = 60
MANIFEST = "manifest.json"
INDEX = "index.html"
LATEST = "latest"
#: Version of the manifest layout; bump when fields change meaning. 2: status ``interrupted``
#: (run and brief), ``interrupted_by`` and ``counts["interrupted"]``.
MANIFEST_SCHEMA = 2
#: Statuses of a brief in the manifest, in the order ``counts`` lists them.
STATUSES = ("succeeded", "reused", "failed", "interrupted")

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_REUSABLE = ("succeeded", "reused")


# --------------------------------------------------------------------------------------------
# Fingerprints
# --------------------------------------------------------------------------------------------


def file_sha256(path: str | os.PathLike) -> str:
    """Return the hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


#: File names that are never content: editor backups, swap and lock files (``x.py~``, ``#x.py#``,
#: ``.x.py.swp``, ``.#x.py``, ``flycheck_x.py``), patch leftovers and compiled Python.
_JUNK_SUFFIXES = ("~", ".swp", ".swo", ".bak", ".orig", ".rej", ".pyc", ".pyo")
_JUNK_PREFIXES = (".", "#", "flycheck_")
#: The nbconvert template of the briefs' HTML, part of the package fingerprint.
_BRIEF_TEMPLATE = ("briefs", "templates", "brief")


def is_junk(name: str) -> bool:
    """Say if a file name is an editor/tool leftover that no fingerprint should see.

    Examples
    --------
    >>> [is_junk(n) for n in ("batch.py", "batch.py~", "#batch.py#", ".batch.py.swp",
    ...                       "batch.pyc", "flycheck_batch.py", "regions.csv")]
    [False, True, True, True, True, True, False]
    """
    return name.startswith(_JUNK_PREFIXES) or name.endswith(_JUNK_SUFFIXES)


def tree_sha256(
    root: str | os.PathLike,
    suffixes: tuple[str, ...] | None = None,
    *,
    include: Callable[[PurePosixPath], bool] | None = None,
) -> str:
    """Return one sha256 for a folder tree: every file's relative path and content.

    Hidden files and folders (``.name``), ``__pycache__`` folders and editor/tool leftovers
    (:func:`is_junk`) are skipped. Renaming, adding, removing or editing any other file changes
    the result; timestamps do not.

    Parameters
    ----------
    root : str or os.PathLike
        The folder (a missing folder hashes like an empty one).
    suffixes : tuple of str, optional
        Only files ending so (``(".py",)``); default all files.
    include : callable, optional
        Only files for which ``include(relative path)`` is true (a ``PurePosixPath``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.csv").write_text("x")
    >>> before = tree_sha256(d)
    >>> _ = (d / "a.csv~").write_text("an editor's backup")
    >>> before == tree_sha256(d)
    True
    >>> _ = (d / "a.csv").write_text("y")
    >>> before == tree_sha256(d)
    False
    """
    root = Path(root)
    h = hashlib.sha256()
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        for name in filenames:
            if is_junk(name) or (suffixes and not name.endswith(suffixes)):
                continue
            rel = PurePosixPath((Path(dirpath) / name).relative_to(root).as_posix())
            if include is None or include(rel):
                files.append(rel)
    for rel in sorted(files, key=str):
        h.update(str(rel).encode("utf-8") + b"\0")
        h.update(file_sha256(root / rel).encode("ascii") + b"\n")
    return h.hexdigest()


def data_sha256() -> str:
    """Return the fingerprint of the input data: :func:`tree_sha256` of the data folder.

    The folder is :func:`huainan.paths.data_dir` (``data/`` or ``$HUAINAN_DATA_DIR``).
    """
    return tree_sha256(data_dir())


def _is_package_source(rel: PurePosixPath) -> bool:
    """A module Python can import (``batch.py``, not ``batch copy.py``) or a file of the briefs'
    HTML template."""
    if rel.parts[:3] == _BRIEF_TEMPLATE:
        return True
    return rel.suffix == ".py" and all(
        part.isidentifier() for part in (*rel.parent.parts, rel.stem)
    )


def package_sha256(root: str | os.PathLike | None = None) -> str:
    """Return the fingerprint of the ``huainan`` package source.

    It covers every importable module (``*.py`` whose name is a Python identifier, in
    sub-packages too) and the nbconvert template that shapes the briefs' HTML
    (``briefs/templates/brief/``) — never ``__pycache__``, ``*.pyc`` or editor leftovers
    (:func:`is_junk`): a brief is rerun when code that makes it changed, not when a cache did.

    Parameters
    ----------
    root : str or os.PathLike, optional
        The package folder; default the installed ``huainan`` package.
    """
    return tree_sha256(_PACKAGE_DIR if root is None else root, include=_is_package_source)


def parameters_sha256(parameters: dict[str, Any]) -> str:
    """Return the sha256 of parameters as canonical JSON (sorted keys, UTF-8).

    Examples
    --------
    >>> parameters_sha256({"b": 1, "a": "淮南"}) == parameters_sha256({"a": "淮南", "b": 1})
    True
    """
    text = json.dumps(parameters, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def brief_key(hashes: dict[str, str], kernel_name: str) -> str:
    """Return the reuse key of a brief: sha256 over its input hashes and the kernel name."""
    text = json.dumps({**hashes, "kernel": kernel_name}, sort_keys=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


# --------------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------------


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
) -> RunResult:
    """Run a batch of briefs; return what happened (a failed brief does not raise).

    While it runs (called from the main thread), SIGTERM and SIGINT (Ctrl-C) stop the batch in
    order instead of killing it: the worker processes stop their kernels and exit (a worker
    that does not within :data:`STOP_GRACE` seconds is killed), briefs not finished get the
    status ``interrupted``, ``manifest.json`` and ``index.html`` are written for what finished,
    ``latest`` is left pointing at the last complete run, and :class:`BatchInterrupted` is
    raised. A signal that arrives once every brief has finished changes nothing.

    Parameters
    ----------
    batch : str or os.PathLike
        Batch name in ``parameters/batches/`` (``"annual"``) or path of a batch file.
    jobs : int, optional
        Worker processes; default :func:`default_jobs` (never more than briefs to run).
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

    Returns
    -------
    RunResult

    Raises
    ------
    ParameterError
        If the batch or any parameter is invalid (nothing has run, no folder was made).
    BatchError
        If the kernel is not registered or the output folder cannot be created.
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
    spec = load_batch(batch, parameters_dir)
    _check_kernel(kernel_name)

    shared = {"data": data_sha256(), "package": package_sha256()}
    records = [_record(run, spec, shared, kernel_name) for run in spec.runs]

    out = Path(output_dir) if output_dir is not None else spec.root / "outputs"
    with _StopSignals() as stop:
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
                {
                    "name": rec["name"],
                    "notebook": str(run.notebook),
                    "parameters": run.parameters,
                    "title": run.title,
                    "run_dir": str(run_dir),
                    "kernel_name": kernel_name,
                    "timeout": timeout,
                }
            )
        n_jobs = min(jobs or default_jobs(), len(tasks))  # 0 when every brief is reused
        results = _execute(
            tasks, n_jobs, total=len(records), label=spec.name, progress=progress, stop=stop
        )
        by_name = {r["name"]: r for r in results}
        for rec in records:
            if rec["name"] in by_name:
                rec.update(by_name[rec["name"]])
        # Every brief is finished (or reused) unless a signal stopped the run first.
        unfinished = [rec for rec in records if rec["status"] in (None, "interrupted")]
        signum = stop.signum if unfinished else None
        for rec in records:
            if rec in unfinished:
                _mark_interrupted(rec, run_dir)
            elif rec["status"] != "reused":
                rec["product_sha256"] = {
                    k: file_sha256(run_dir / p) for k, p in rec["products"].items()
                }

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
            interrupted_by=_signal_name(signum) if signum else None,
        )
        write_text(run_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        write_text(run_dir / INDEX, publish.index_html(manifest))
        if signum is None:
            _point_latest(out, run_id, spec.name)
    result = RunResult(run_id=run_id, run_dir=run_dir, manifest=manifest)
    if signum is not None:
        raise BatchInterrupted(
            f"batch {spec.name} stopped by {_signal_name(signum)}: "
            f"{len(result.interrupted)} of {len(records)} briefs not finished; "
            f"{LATEST} left unchanged",
            signum=signum,
            result=result,
        )
    return result


def _record(run: BriefRun, spec: Batch, shared: dict[str, str], kernel_name: str) -> dict[str, Any]:
    hashes = {
        "notebook": file_sha256(run.notebook),
        "parameters": parameters_sha256(run.parameters),
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


# --------------------------------------------------------------------------------------------
# Worker processes, and stopping them on SIGTERM / SIGINT
# --------------------------------------------------------------------------------------------

#: Seconds worker processes get to stop their kernels and exit after SIGTERM; then SIGKILL.
STOP_GRACE = 5.0
#: How often (seconds) the batch process looks for a stop request while it waits for workers.
_POLL = 0.2


class _StopSignals:
    """While a batch runs, SIGTERM and SIGINT only note that the batch must stop.

    The run loop looks at :attr:`signum` and stops in order (workers, kernels, manifest). Handlers
    are installed from the main thread only (elsewhere Python cannot; the signals keep their
    usual effect) and the previous ones are put back on exit.
    """

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self) -> None:
        self.signum: int | None = None
        self._saved: dict[int, Any] = {}

    def request(self, signum: int) -> None:
        """Note that the batch must stop because of ``signum`` (the first signal counts)."""
        if self.signum is None:
            self.signum = signum

    def _note(self, signum: int, frame: Any) -> None:
        self.request(signum)

    def __enter__(self) -> _StopSignals:
        if threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                self._saved[signum] = signal.signal(signum, self._note)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._saved.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)


@dataclass
class _Worker:
    """A worker process of this batch and the brief it is running (None when idle)."""

    process: Any  # multiprocessing.context.SpawnProcess
    conn: Any  # multiprocessing.connection.Connection
    task: dict | None = None
    since: str | None = None


def _start_worker(context: Any) -> _Worker:
    ours, theirs = context.Pipe()
    process = context.Process(
        target=_worker_main, args=(theirs, os.getpid()), daemon=True, name="huainan-brief-worker"
    )
    process.start()
    theirs.close()  # so that our end reads EOF when the worker dies
    return _Worker(process, ours)


def _execute(
    tasks: list[dict], jobs: int, *, total: int, label: str, progress: bool, stop: _StopSignals
) -> list[dict]:
    """Run tasks in ``jobs`` worker processes under one progress bar.

    Returns the result of every task that finished: all of them, unless ``stop`` noted a signal.
    Then the workers were stopped, a task that was running gives only ``name``, ``status``
    (``interrupted``) and ``started``, and a task still waiting gives nothing. A worker that
    dies mid-brief yields a ``failed`` result and is replaced.
    """
    from tqdm.auto import tqdm

    results: list[dict] = []
    with tqdm(
        total=total,
        initial=total - len(tasks),
        desc=f"briefs {label}",
        unit="brief",
        disable=not progress,
        file=sys.stderr,
        dynamic_ncols=True,
    ) as bar:
        if not tasks:
            return results
        # spawn: a clean interpreter per worker (no inherited threads, state or working dir).
        context = multiprocessing.get_context("spawn")
        pending = list(reversed(tasks))
        workers: list[_Worker] = []

        def finish(worker: _Worker, result: dict) -> None:
            worker.task = worker.since = None
            results.append(result)
            bar.set_postfix_str(f"{result['name']}: {result['status']}")
            bar.update(1)

        broken = True  # until the loop below ends normally
        try:
            while not stop.signum:
                for worker in workers:
                    if worker.task is None and pending:
                        _give(worker, pending.pop())
                while pending and len(workers) < jobs:
                    workers.append(_start_worker(context))
                    _give(workers[-1], pending.pop())
                busy = [w for w in workers if w.task is not None]
                if not busy:
                    break
                ready = wait([w.conn for w in busy], timeout=_POLL)
                for worker in busy:
                    if worker.conn not in ready:
                        continue
                    try:
                        result = worker.conn.recv()
                    except (EOFError, OSError, pickle.UnpicklingError):  # the worker died
                        _reap(worker)
                        workers.remove(worker)
                        assert worker.task is not None  # only busy workers are polled
                        signum = _stop_signal(worker.process.exitcode)
                        if signum is None:
                            finish(worker, _crashed(worker.task, worker.process.exitcode))
                            continue
                        # SIGTERM reached the worker from outside (systemd signals the whole
                        # control group; an operator): the batch is being stopped, so stop.
                        stop.request(signum)
                        results.append(
                            {
                                "name": worker.task["name"],
                                "status": "interrupted",
                                "started": worker.since,
                            }
                        )
                        continue
                    finish(worker, result)
            if stop.signum:
                bar.set_postfix_str(f"stopping ({_signal_name(stop.signum)})")
                for worker in workers:
                    if worker.task is None:
                        continue
                    try:  # a brief that finished just before the signal counts
                        if worker.conn.poll():
                            finish(worker, worker.conn.recv())
                            continue
                    except (EOFError, OSError, pickle.UnpicklingError):
                        pass
                    results.append(
                        {
                            "name": worker.task["name"],
                            "status": "interrupted",
                            "started": worker.since,
                        }
                    )
            broken = False
        finally:
            _stop_workers(workers, now=broken or bool(stop.signum))
    return results


def _reap(worker: _Worker) -> None:
    """Wait for a worker whose connection broke; kill it if it does not end by itself."""
    worker.process.join(timeout=STOP_GRACE)
    if worker.process.exitcode is None:
        worker.process.kill()
        worker.process.join(timeout=STOP_GRACE)
    worker.conn.close()


def _give(worker: _Worker, task: dict) -> None:
    worker.task, worker.since = task, _now()
    try:
        worker.conn.send(task)
    except OSError:  # died while idle: the next wait() sees EOF and records the brief as failed
        pass


def _stop_workers(workers: list[_Worker], *, now: bool) -> None:
    """Stop the batch's worker processes (by their handles) and wait for them.

    ``now=False`` (all briefs done): ask each idle worker to leave. ``now=True`` (a signal, or an
    error in the batch process): SIGTERM each worker — it kills its kernel's process group and
    exits — then SIGKILL whichever is still alive after :data:`STOP_GRACE` seconds (a kernel
    left behind by a killed worker notices its parent is gone and exits within a second:
    ipykernel's parent poller, armed by ``JPY_PARENT_PID``).
    """
    alive = [w for w in workers if w.process.exitcode is None]
    for worker in alive:
        if now:
            worker.process.terminate()
        else:
            try:
                worker.conn.send(None)
            except OSError:
                pass
    deadline = time.monotonic() + STOP_GRACE
    while alive and (left := deadline - time.monotonic()) > 0:
        wait([w.process.sentinel for w in alive], timeout=left)
        alive = [w for w in alive if w.process.exitcode is None]
    for worker in alive:
        worker.process.kill()
    for worker in workers:
        worker.process.join(timeout=STOP_GRACE)
        worker.conn.close()


def _crashed(task: dict, exitcode: int | None) -> dict:
    return {
        "name": task["name"],
        "status": "failed",
        "started": None,
        "finished": _now(),
        "seconds": None,
        "products": _existing_products(Path(task["run_dir"]), task["name"]),
        "error": {
            "cell_index": None,
            "execution_count": None,
            "ename": "WorkerDied",
            "evalue": f"the worker process running this brief ended unexpectedly "
            f"(exit code {exitcode})",
        },
    }


def _stop_signal(exitcode: int | None) -> int | None:
    """The signal that stopped a worker in order (exit code 143 from its SIGTERM handler, or
    killed by SIGTERM/SIGINT before the handler was set), else None.

    Examples
    --------
    >>> _stop_signal(143), _stop_signal(-15), _stop_signal(-9), _stop_signal(1)
    (15, 15, None, None)
    """
    if exitcode is None:
        return None
    signum = exitcode - 128 if exitcode > 128 else -exitcode
    return signum if signum in _StopSignals.SIGNALS else None


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


# --------------------------------------------------------------------------------------------
# In the worker process
# --------------------------------------------------------------------------------------------

#: Linux ``prctl`` option: the signal a process gets when its parent dies.
_PR_SET_PDEATHSIG = 1
#: The kernel managers of the brief this worker is running (worker processes only).
_KERNELS: list[Any] = []
_RUNNING: list[str] = []  # name of the brief this worker is running, if any
_STOPPING = False


class _Stopped(BaseException):
    """Raised in a worker by SIGTERM (after its kernel was killed) to leave whatever it does;
    a BaseException so that ``except Exception`` on the way (papermill, ours) lets it pass."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _worker_main(conn: Any, parent_pid: int) -> None:
    """Body of a worker process: run the briefs the batch process sends, one at a time.

    ``None`` (or the batch process gone) ends it. SIGTERM kills the running brief's kernel and
    ends it with exit code 143; SIGINT is ignored (Ctrl-C reaches the whole process group, and
    the batch process decides what to stop). Linux also sends SIGTERM if the batch process
    dies without stopping its workers (``PR_SET_PDEATHSIG``), even by SIGKILL.
    """
    signal.signal(signal.SIGINT, _ignore)
    signal.signal(signal.SIGTERM, _on_sigterm)
    _die_with_parent(parent_pid)
    try:
        while True:
            try:
                task = conn.recv()
            except EOFError:
                return
            if task is None:
                return
            result = produce_brief(task)
            # SIGTERM waits until the result is sent whole (the batch process reads it).
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
            try:
                conn.send(result)
            finally:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    except _Stopped as stop:
        sys.stdout.flush()
        sys.stderr.flush()
        # No interpreter teardown: papermill's event loop has tasks the signal cut short.
        os._exit(128 + stop.signum)


def _ignore(signum: int, frame: Any) -> None:
    """A Python-level no-op handler (unlike SIG_IGN, kernels started later do not inherit it)."""


def _on_sigterm(signum: int, frame: Any) -> None:
    global _STOPPING
    if _STOPPING:
        return
    _STOPPING = True
    _kill_kernels()
    if _RUNNING:  # fd 2 is the brief's log while it runs
        os.write(2, f"\n{_now()} brief {_RUNNING[0]} stopped by {_signal_name(signum)}\n".encode())
    raise _Stopped(signum)


def _kill_kernels() -> None:
    """Kill the kernels this worker started for the running brief, by their process handles.

    jupyter_client starts each kernel in a new session, so the kernel leads its own process
    group: killing that group (as ``KernelManager.shutdown_kernel(now=True)`` does) also ends
    whatever the kernel started. The kernel's connection file is removed.
    """
    for km in _KERNELS:
        provisioner = getattr(km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        if process is not None and process.poll() is None:
            pgid = getattr(provisioner, "pgid", None)
            try:
                if pgid and pgid == process.pid and pgid != os.getpgid(0):
                    os.killpg(pgid, signal.SIGKILL)
                else:
                    process.kill()
                process.wait(timeout=STOP_GRACE)
            except (OSError, subprocess.TimeoutExpired):
                pass
        try:
            km.cleanup_connection_file()
        except Exception:  # noqa: BLE001 - best effort: the file is in a temp folder
            pass


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to send this process SIGTERM when its parent (the batch process) dies."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os.kill(os.getpid(), signal.SIGTERM)


@functools.cache
def _tracked_kernel_manager() -> type:
    """nbclient's default kernel manager class, remembering each instance in :data:`_KERNELS`
    so that SIGTERM can kill the kernel this worker started (papermill passes the class on to
    nbclient's ``kernel_manager_class``)."""
    from jupyter_client.manager import AsyncKernelManager

    class TrackedKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            _KERNELS.append(self)

    return TrackedKernelManager


def produce_brief(task: dict[str, Any]) -> dict[str, Any]:
    """Execute one brief and write its HTML (runs in a worker process; a failure never raises,
    only the worker's SIGTERM handler interrupts it).

    Parameters
    ----------
    task : dict
        ``name``, ``notebook`` (path), ``parameters`` (dict), ``title`` (str or None),
        ``run_dir``, ``kernel_name``, ``timeout`` (seconds).

    Returns
    -------
    dict
        ``name``, ``status`` (``succeeded``/``failed``), ``title``, ``started``/``finished``
        (ISO 8601, UTC), ``seconds``, ``products`` (file names relative to the run folder) and
        ``error`` (None, or ``cell_index`` — 0-based index in the parameterised notebook, as
        papermill counts, the injected-parameters cell included —, ``execution_count``,
        ``ename``, ``evalue``).
    """
    # Kernels inherit this: UTF-8 mode whatever the locale a scheduler starts us with.
    os.environ["PYTHONUTF8"] = "1"
    run_dir, name = Path(task["run_dir"]), task["name"]
    nb_path, html_path = run_dir / f"{name}.ipynb", run_dir / f"{name}.html"
    started, t0 = _now(), time.monotonic()
    error = None
    title = task.get("title")
    _KERNELS.clear()
    _RUNNING[:] = [name]
    try:
        with _log_to(run_dir / "logs" / f"{name}.log"):
            try:
                _papermill(task, nb_path, t0 + task["timeout"])
            except Exception as exc:  # noqa: BLE001 - every failure is recorded, none propagates
                error = _describe_failure(exc, nb_path, task["timeout"])
                logging.getLogger("papermill").error("brief %s failed: %s", name, error)
            if nb_path.exists():
                try:
                    title = publish.brief_html(nb_path, html_path, title=title, error=error)
                except Exception as exc:  # noqa: BLE001
                    logging.getLogger("papermill").exception("HTML for %s failed", name)
                    if error is None:
                        error = {
                            "cell_index": None,
                            "execution_count": None,
                            "stage": "html",
                            "ename": type(exc).__name__,
                            "evalue": str(exc),
                        }
            if nb_path.exists() and error is None:
                try:
                    publish.brief_documents(nb_path, run_dir / name, title=title or name)
                except Exception as exc:  # noqa: BLE001
                    logging.getLogger("papermill").exception("documents for %s failed", name)
                    error = {
                        "cell_index": None,
                        "execution_count": None,
                        "stage": "documents",
                        "ename": type(exc).__name__,
                        "evalue": str(exc),
                    }
    finally:
        _RUNNING.clear()
    return {
        "name": name,
        "status": "failed" if error else "succeeded",
        "title": title or name,
        "started": started,
        "finished": _now(),
        "seconds": round(time.monotonic() - t0, 3),
        "products": _existing_products(run_dir, name),
        "error": error,
    }


def _papermill(task: dict, nb_path: Path, deadline: float) -> None:
    import papermill

    def remaining(cell: Any) -> int:
        # nbclient asks before each cell: what is left of the brief's deadline (at least 1 s).
        return max(1, math.ceil(deadline - time.monotonic()))

    papermill.execute_notebook(
        task["notebook"],
        str(nb_path),
        parameters=task["parameters"],
        kernel_name=task["kernel_name"],
        cwd=str(Path(task["notebook"]).parent),
        progress_bar=False,
        log_output=True,
        start_timeout=KERNEL_START_TIMEOUT,
        timeout_func=remaining,
        kernel_manager_class=_tracked_kernel_manager(),
    )


def _describe_failure(exc: Exception, nb_path: Path, timeout: float) -> dict[str, Any]:
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return {
            "cell_index": exc.cell_index,
            "execution_count": exc.exec_count,
            "ename": exc.ename,
            "evalue": exc.evalue,
        }
    if isinstance(exc, CellTimeoutError):
        index, count = _running_cell(nb_path)
        return {
            "cell_index": index,
            "execution_count": count,
            "ename": "CellTimeoutError",
            "evalue": f"the brief ran longer than its {timeout:g} s timeout",
        }
    return {
        "cell_index": None,
        "execution_count": None,
        "ename": type(exc).__name__,
        "evalue": str(exc),
    }


def _running_cell(nb_path: Path) -> tuple[int | None, int | None]:
    """Find the cell a timed-out run stopped in: the last one papermill started."""
    import nbformat

    if not nb_path.exists():
        return None, None
    nb = nbformat.read(nb_path, as_version=4)
    last: tuple[int | None, int | None] = (None, None)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.metadata.get("papermill", {}).get("start_time"):
            last = (i, cell.get("execution_count"))
    return last


@contextmanager
def _log_to(path: Path) -> Iterator[None]:
    """Send this process's stdout/stderr (and the kernel's, which inherits them) and the
    papermill log to ``path`` while a brief runs, so the terminal keeps only the progress bar."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    handler = None
    with open(path, "a", encoding="utf-8") as log:
        try:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            handler = logging.StreamHandler(log)
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
            logger = logging.getLogger("papermill")
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
            yield
        finally:
            if handler is not None:
                logging.getLogger("papermill").removeHandler(handler)
            log.flush()
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


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
        title=old.get("title") or rec["name"],
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
        "timeout_seconds": timeout,
        "kernel": kernel_name,
        "force": force,
        "huainan_version": __version__,
        "papermill_version": version("papermill"),
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
