"""Run a batch of briefs with papermill: worker processes, manifest, index, incremental reuse.

``huainan briefs annual`` (see :func:`run_batch`) does, in order:

1. read and validate the batch (:func:`huainan.parameters.load_batch`) — a bad parameter stops
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
   :mod:`huainan.publish`), ``logs/<name>.log`` (kernel and papermill messages), ``index.html`` and
   ``manifest.json``; then point ``outputs/latest`` at the run.

The run id is ``<UTC time>-<8 hex digits>``, e.g. ``20250414T083012Z-3f2a9c1d``: it sorts by time,
and the suffix (from the keys of all briefs) is equal for runs on equal inputs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import multiprocessing
import os
import platform
import shutil
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from huainan import __version__, publish
from huainan.atomic import write_text
from huainan.errors import BatchError
from huainan.parameters import Batch, BriefRun, load_batch
from huainan.paths import KERNEL_NAME, data_dir

#: Default deadline for one brief, in seconds, counted from the moment a worker takes it up
#: (kernel start-up included; the kernel must also start within KERNEL_START_TIMEOUT).
DEFAULT_TIMEOUT = 600.0
#: Seconds allowed for a kernel to start.
KERNEL_START_TIMEOUT = 60
MANIFEST = "manifest.json"
INDEX = "index.html"
LATEST = "latest"
#: Version of the manifest layout; bump when fields change meaning.
MANIFEST_SCHEMA = 1

_PACKAGE_DIR = Path(__file__).resolve().parent
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


def tree_sha256(root: str | os.PathLike, suffixes: tuple[str, ...] | None = None) -> str:
    """Return one sha256 for a folder tree: every file's relative path and content.

    Hidden files and folders (``.name``) and ``__pycache__`` are skipped. Renaming, adding,
    removing or editing any file changes the result; timestamps do not.

    Parameters
    ----------
    root : str or os.PathLike
        The folder (a missing folder hashes like an empty one).
    suffixes : tuple of str, optional
        Only files ending so (``(".py",)``); default all files.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.csv").write_text("x")
    >>> before = tree_sha256(d)
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
            if name.startswith(".") or (suffixes and not name.endswith(suffixes)):
                continue
            files.append(Path(dirpath) / name)
    for path in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        h.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        h.update(file_sha256(path).encode("ascii") + b"\n")
    return h.hexdigest()


def data_sha256() -> str:
    """Return the fingerprint of the input data: :func:`tree_sha256` of the data folder.

    The folder is :func:`huainan.paths.data_dir` (``data/`` or ``$HUAINAN_DATA_DIR``).
    """
    return tree_sha256(data_dir())


def package_sha256() -> str:
    """Return the fingerprint of the ``huainan`` package source (its ``.py`` files)."""
    return tree_sha256(_PACKAGE_DIR, (".py",))


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
    def ok(self) -> bool:
        """True if no brief failed."""
        return not self.failed

    def summary(self) -> str:
        """Return a plain-text summary: counts, and for each failure the brief, cell and error."""
        m = self.manifest
        counts = ", ".join(f"{n} {status}" for status, n in m["counts"].items() if n)
        n = len(self.briefs)
        lines = [f"batch {m['batch']['name']}: {n} brief{'s' if n != 1 else ''} — {counts} "
                 f"in {m['seconds']:.1f} s (jobs={m['jobs']})"]
        for b in self.failed:
            lines.append(f"FAILED {b['name']} ({b['defined_in']}): "
                         f"{publish.error_text(b.get('error'))}")
            if b.get("products", {}).get("notebook"):
                lines.append(f"  executed notebook kept: "
                             f"{self.run_dir / b['products']['notebook']}")
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


def run_batch(batch: str | os.PathLike, *, jobs: int | None = None,
              output_dir: str | os.PathLike | None = None, force: bool = False,
              timeout: float | None = None, parameters_dir: str | os.PathLike | None = None,
              kernel_name: str = KERNEL_NAME, progress: bool = True) -> RunResult:
    """Run a batch of briefs; return what happened (a failed brief does not raise).

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
        The ``parameters/`` folder; see :func:`huainan.parameters.load_batch`.
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
    try:
        out.mkdir(parents=True, exist_ok=True)
        previous = {} if force else _previous_products(out)
        run_id, run_dir = _make_run_dir(out, started, records)
    except OSError as exc:
        raise BatchError(f"cannot use output folder {out}: {exc}") from exc
    (run_dir / "logs").mkdir()

    tasks = []
    for rec, run in zip(records, spec.runs, strict=True):
        if rec["key"] in previous and _reuse(rec, previous[rec["key"]], run_dir):
            continue
        tasks.append({"name": rec["name"], "notebook": str(run.notebook),
                      "parameters": run.parameters, "title": run.title,
                      "run_dir": str(run_dir), "kernel_name": kernel_name, "timeout": timeout})
    n_jobs = min(jobs or default_jobs(), len(tasks))  # 0 when every brief is reused
    results = _execute(tasks, n_jobs, total=len(records), label=spec.name, progress=progress)
    by_name = {r["name"]: r for r in results}
    for rec in records:
        if rec["name"] in by_name:
            rec.update(by_name[rec["name"]])
            rec["product_sha256"] = {k: file_sha256(run_dir / p)
                                     for k, p in rec["products"].items()}

    finished = _now()
    manifest = _manifest(spec, run_id, records, started, finished, time.monotonic() - t0,
                         n_jobs, timeout, kernel_name, force, shared)
    write_text(run_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    write_text(run_dir / INDEX, publish.index_html(manifest))
    _point_latest(out, run_id)
    return RunResult(run_id=run_id, run_dir=run_dir, manifest=manifest)


def _record(run: BriefRun, spec: Batch, shared: dict[str, str], kernel_name: str
            ) -> dict[str, Any]:
    hashes = {"notebook": file_sha256(run.notebook),
              "parameters": parameters_sha256(run.parameters), **shared}
    return {
        "name": run.name, "brief": run.brief, "title": run.title,
        "notebook": _rel(run.notebook, spec.root), "parameters": run.parameters,
        "defined_in": run.defined_in, "hashes": hashes, "key": brief_key(hashes, kernel_name),
        "status": None, "started": None, "finished": None, "seconds": None,
        "products": {}, "product_sha256": {}, "reused_from": None, "error": None,
    }


def _check_kernel(kernel_name: str) -> None:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel as exc:
        raise BatchError(f"Jupyter kernel {kernel_name!r} is not registered; run `make venv` "
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


def _execute(tasks: list[dict], jobs: int, *, total: int, label: str, progress: bool
             ) -> list[dict]:
    """Run tasks in worker processes under one progress bar; every task yields a result."""
    from tqdm.auto import tqdm

    results = []
    with tqdm(total=total, initial=total - len(tasks), desc=f"briefs {label}", unit="brief",
              disable=not progress, file=sys.stderr, dynamic_ncols=True) as bar:
        if not tasks:
            return results
        # spawn: a clean interpreter per worker (no inherited threads, state or working dir).
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = {pool.submit(produce_brief, task): task for task in tasks}
            try:
                for future in as_completed(futures):
                    task = futures[future]
                    try:
                        result = future.result()
                    except Exception as exc:  # the worker process itself died
                        result = _crashed(task, exc)
                    results.append(result)
                    bar.set_postfix_str(f"{result['name']}: {result['status']}")
                    bar.update(1)
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    return results


def _crashed(task: dict, exc: BaseException) -> dict:
    return {"name": task["name"], "status": "failed", "started": None, "finished": _now(),
            "seconds": None, "products": _existing_products(Path(task["run_dir"]), task["name"]),
            "error": {"cell_index": None, "execution_count": None,
                      "ename": type(exc).__name__, "evalue": str(exc)}}


# --------------------------------------------------------------------------------------------
# In the worker process
# --------------------------------------------------------------------------------------------

def produce_brief(task: dict[str, Any]) -> dict[str, Any]:
    """Execute one brief and write its HTML (runs in a worker process; never raises).

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
                    error = {"cell_index": None, "execution_count": None, "stage": "html",
                             "ename": type(exc).__name__, "evalue": str(exc)}
    return {"name": name, "status": "failed" if error else "succeeded", "title": title or name,
            "started": started, "finished": _now(), "seconds": round(time.monotonic() - t0, 3),
            "products": _existing_products(run_dir, name), "error": error}


def _papermill(task: dict, nb_path: Path, deadline: float) -> None:
    import papermill

    def remaining(cell: Any) -> int:
        # nbclient asks before each cell: what is left of the brief's deadline (at least 1 s).
        return max(1, math.ceil(deadline - time.monotonic()))

    papermill.execute_notebook(
        task["notebook"], str(nb_path), parameters=task["parameters"],
        kernel_name=task["kernel_name"], cwd=str(Path(task["notebook"]).parent),
        progress_bar=False, log_output=True, start_timeout=KERNEL_START_TIMEOUT,
        timeout_func=remaining)


def _describe_failure(exc: Exception, nb_path: Path, timeout: float) -> dict[str, Any]:
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return {"cell_index": exc.cell_index, "execution_count": exc.exec_count,
                "ename": exc.ename, "evalue": exc.evalue}
    if isinstance(exc, CellTimeoutError):
        index, count = _running_cell(nb_path)
        return {"cell_index": index, "execution_count": count, "ename": "CellTimeoutError",
                "evalue": f"the brief ran longer than its {timeout:g} s timeout"}
    return {"cell_index": None, "execution_count": None, "ename": type(exc).__name__,
            "evalue": str(exc)}


def _running_cell(nb_path: Path) -> tuple[int | None, int | None]:
    """Find the cell a timed-out run stopped in: the last one papermill started."""
    import nbformat

    if not nb_path.exists():
        return None, None
    nb = nbformat.read(nb_path, as_version=4)
    last = (None, None)
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
    candidates = {"html": f"{name}.html", "notebook": f"{name}.ipynb", "log": f"logs/{name}.log"}
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
            suffix = {"html": ".html", "notebook": ".ipynb", "log": ".log"}[kind]
            new_rel = (f"logs/{rec['name']}{suffix}" if kind == "log"
                       else f"{rec['name']}{suffix}")
            shutil.copy2(old_dir / rel, run_dir / new_rel)
            new_products[kind] = new_rel
    except (OSError, KeyError):  # cannot copy (or unknown product): run the brief instead
        for rel in new_products.values():
            (run_dir / rel).unlink(missing_ok=True)
        return False
    now = _now()
    rec.update(status="reused", title=old.get("title") or rec["name"], started=now, finished=now,
               seconds=round(time.monotonic() - t0, 3), products=new_products,
               product_sha256=dict(digests), reused_from=old.get("reused_from") or
               old_dir.name, original_seconds=old.get("original_seconds", old.get("seconds")))
    return True


def _manifest(spec: Batch, run_id: str, records: list[dict], started: str, finished: str,
              seconds: float, jobs: int, timeout: float, kernel_name: str, force: bool,
              shared: dict[str, str]) -> dict[str, Any]:
    counts = {s: sum(r["status"] == s for r in records) for s in ("succeeded", "reused",
                                                                  "failed")}
    return {
        "schema": MANIFEST_SCHEMA,
        "run_id": run_id,
        "status": "failed" if counts["failed"] else "succeeded",
        "batch": {"name": spec.name, "title": spec.title, "description": spec.description,
                  "file": _rel(spec.path, spec.root), "sha256": file_sha256(spec.path)},
        "started": started, "finished": finished, "seconds": round(seconds, 3),
        "jobs": jobs, "timeout_seconds": timeout, "kernel": kernel_name, "force": force,
        "huainan_version": __version__, "papermill_version": version("papermill"),
        "python": platform.python_version(), "data_dir": str(data_dir()),
        "hashes": dict(shared), "counts": counts, "briefs": records,
    }


def _point_latest(out: Path, run_id: str) -> None:
    """Point ``out/latest`` at the run: a relative symlink, else a text file ``latest.txt``."""
    link, tmp = out / LATEST, out / f".{LATEST}-{os.getpid()}"
    try:
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(run_id, tmp, target_is_directory=True)
        os.replace(tmp, link)
    except OSError:
        tmp.unlink(missing_ok=True)
        write_text(out / f"{LATEST}.txt", run_id + "\n")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _rel(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
