"""Producing one brief on a Dask worker: a warm Jupyter kernel per worker, papermill, HTML.

:func:`produce_brief` is the task the batch (:mod:`huainan.briefs.batch`) submits to Dask, one per
brief. It runs on a worker process with one thread (``--nthreads 1``) and:

1. checks that the worker reads the same input data as the batch (the sha256 of
   :func:`huainan.paths.data_dir`; a worker with another ``HUAINAN_DATA_DIR`` fails the brief with
   a message saying so, instead of producing a brief whose reuse key would lie);
2. takes the worker's **warm kernel** (started when the worker joined, with the modules the
   briefs import already imported: :data:`PRELOAD`), or starts one — up to
   :data:`KERNEL_START_ATTEMPTS` times, since starting many kernels at once can lose a port
   race (papermill's known ``zmq`` "address in use" failure) —, and resets it to a fresh state:
   empty namespace, execution counter at 1 (``InteractiveShell.reset(new_session=True)``),
   matplotlib settings, warnings filters, pandas options and environment as they were after
   start-up, working folder = the notebook's folder. Imported modules and their caches stay
   (the data caches are keyed on file modification times, so new data are read);
3. runs the notebook with papermill on that kernel, with the brief's deadline counted from the
   moment the worker took it up (nbclient asks for the time left before each cell);
4. writes the code-free HTML and the Word and PDF forms (:mod:`huainan.briefs.publish`) and
   returns every product as bytes — workers need no shared file system; the batch process
   writes the run folder.

A kernel that timed out, died or was stopped is discarded (killed with its process group) and
the next brief starts a new one; a kernel whose brief raised an exception in a cell is reset and
kept, as after a success. Kernels live as long as their worker: :class:`BriefWorkerPlugin`
starts one when a worker joins and kills it when the worker closes; a kernel whose worker dies
outright exits by itself (ipykernel's parent poller, armed by ``JPY_PARENT_PID``).

Stopping: :func:`stop_run` (run on every worker with ``Client.run`` when the batch gets SIGTERM
or SIGINT) marks the run stopped — its briefs not yet taken up return at once with status
``interrupted`` — and kills the kernel of the brief being run, whose task then returns
``interrupted`` with the partial notebook papermill saved.
"""

from __future__ import annotations

import logging
import math
import os
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from huainan.briefs import publish
from huainan.briefs.fingerprints import data_sha256

#: Seconds allowed for a kernel to start (each attempt).
KERNEL_START_TIMEOUT = 60
#: Attempts to start a kernel before the brief fails (papermill issue: ports chosen by one
#: kernel can be taken by another starting at the same time; a second attempt succeeds).
KERNEL_START_ATTEMPTS = 3
#: Modules imported into a warm kernel when it starts (what the brief notebooks import), so that
#: each brief does not pay for them again.
PRELOAD = (
    "pandas",
    "matplotlib.pyplot",
    "seaborn",
    "IPython.display",
    "huainan.briefs.charts",
    "huainan.briefs.report",
    "huainan.briefs.briefing",
    "huainan.briefs.prefecture",
    "huainan.evidence.observed",
    "huainan.measures.progress",
)

_LOG = logging.getLogger("huainan.briefs.execute")

#: Code run in a new kernel once: preload modules, register the CJK font, remember the state
#: that :data:`_RESET` puts back before each brief.
_WARM_UP = """\
def __huainan_warm_up(modules):
    import copy, importlib, os, warnings
    import matplotlib, pandas
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:
            pass
    if modules:  # a warm kernel also registers the CJK font once
        try:
            from huainan.briefs import charts
            charts._font_family()
        except Exception:
            pass
    import huainan.briefs.kernel_state as kernel_state
    kernel_state.BASELINE.update(
        rc=copy.deepcopy(dict(matplotlib.rcParams)),
        warnings=list(warnings.filters),
        environ=dict(os.environ),
    )
__huainan_warm_up({modules!r})
del __huainan_warm_up
"""

#: Code run before each brief (the working folder is filled in).
_RESET = "__import__('huainan.briefs.kernel_state', fromlist=['x']).reset({cwd!r})"


class KernelStartError(RuntimeError):
    """A Jupyter kernel did not start after :data:`KERNEL_START_ATTEMPTS` attempts."""


class _Stopped(Exception):
    """The brief's run was stopped (:func:`stop_run`)."""


class WarmKernel:
    """A Jupyter kernel that runs several briefs one after the other on one worker.

    Parameters
    ----------
    kernel_name : str
        The registered kernel spec (``huainan``).
    log_path : pathlib.Path
        Where the kernel process's own stdout/stderr go (the briefs' outputs go to their
        notebooks; what the kernel writes outside a cell, e.g. a crash, is appended to the log of
        the brief running then).
    """

    def __init__(self, kernel_name: str, log_path: Path) -> None:
        self.kernel_name = kernel_name
        self.log_path = log_path
        self.km: Any = None
        self.kc: Any = None  # async client, handed to papermill
        self.control: Any = None  # blocking client for warm-up and reset
        self.briefs = 0
        self.start_seconds = 0.0
        self.attempts = 0

    def start(self, deadline: float | None = None, *, preload: bool = True) -> None:
        """Start the kernel, retrying a failed start; preload :data:`PRELOAD` (if ``preload``).

        Raises
        ------
        KernelStartError
            After :data:`KERNEL_START_ATTEMPTS` failed attempts (the last error in the message).
        """
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        t0 = time.monotonic()
        last: Exception | None = None
        for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
            self.attempts = attempt
            km = AsyncKernelManager(kernel_name=self.kernel_name)
            left = KERNEL_START_TIMEOUT if deadline is None else deadline - time.monotonic()
            try:
                with open(self.log_path, "ab") as log:

                    async def launch(km: Any = km, log: Any = log, left: float = left) -> Any:
                        await km.start_kernel(stdout=log, stderr=log, cwd=os.getcwd())
                        kc = km.client()
                        kc.start_channels()
                        await kc.wait_for_ready(timeout=max(1.0, min(KERNEL_START_TIMEOUT, left)))
                        return kc

                    kc = run_sync(launch)()
                control = km.blocking_client()
                control.start_channels()
                control.wait_for_ready(timeout=KERNEL_START_TIMEOUT)
            except Exception as exc:  # noqa: BLE001 - retried, then reported
                last = exc
                _kill_manager(km)
                _LOG.warning("kernel start attempt %d failed: %r", attempt, exc)
                if deadline is not None and time.monotonic() > deadline:
                    break
                time.sleep(0.5 * attempt)
                continue
            self.km, self.kc, self.control = km, kc, control
            self._run(
                _WARM_UP.format(modules=PRELOAD if preload else ()), timeout=KERNEL_START_TIMEOUT
            )
            self.start_seconds = time.monotonic() - t0
            return
        raise KernelStartError(
            f"kernel {self.kernel_name!r} did not start after {self.attempts} attempt(s): {last!r}"
        )

    def _run(self, code: str, *, timeout: float) -> None:
        reply = self.control.execute_interactive(
            code, silent=True, store_history=False, timeout=timeout, output_hook=lambda m: None
        )
        if reply["content"]["status"] != "ok":
            content = reply["content"]
            raise RuntimeError(
                f"kernel set-up failed: {content.get('ename')}: {content.get('evalue')}"
            )

    def reset(self, cwd: str) -> None:
        """Reset the kernel before a brief (see the module docstring)."""
        self._run(_RESET.format(cwd=cwd), timeout=30)

    def alive(self) -> bool:
        """Whether the kernel process is running."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return process is not None and process.poll() is None

    def kill(self) -> None:
        """Kill the kernel's process group (it leads its own session) and close the clients."""
        for client in (self.control, self.kc):
            try:
                if client is not None:
                    client.stop_channels()
            except Exception:  # noqa: BLE001 - best effort
                pass
        if self.km is not None:
            _kill_manager(self.km)
        self.km = self.kc = self.control = None

    def pid(self) -> int | None:
        """The kernel's process id, if it runs."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return None if process is None else process.pid


def _kill_manager(km: Any) -> None:
    provisioner = getattr(km, "provisioner", None)
    process = getattr(provisioner, "process", None)
    if process is not None and process.poll() is None:
        pgid = getattr(provisioner, "pgid", None)
        try:
            if pgid and pgid == process.pid and pgid != os.getpgid(0):
                os.killpg(pgid, signal.SIGKILL)
            else:
                process.kill()
            process.wait(timeout=5)
        except Exception:  # noqa: BLE001 - already gone
            pass
    try:
        km.cleanup_connection_file()
    except Exception:  # noqa: BLE001 - a file in a temp folder
        pass


# --------------------------------------------------------------------------------------------
# Per-worker state
# --------------------------------------------------------------------------------------------

_LOCK = threading.RLock()
#: The warm kernel of this worker process, by kernel name.
_KERNELS: dict[str, WarmKernel] = {}
#: The brief this worker runs now: run id → (brief name, kernel or None).
_RUNNING: dict[str, tuple[str, WarmKernel | None]] = {}
#: Runs stopped by :func:`stop_run`.
_STOPPED: set[str] = set()
#: Every kernel operation happens in this one thread (its event loop owns the kernel clients).
_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="huainan-kernel")
_WORK_DIR: list[Path] = []


def _work_dir() -> Path:
    if not _WORK_DIR:
        _WORK_DIR.append(Path(tempfile.mkdtemp(prefix="huainan-worker-")))
    return _WORK_DIR[0]


def _kernel(
    kernel_name: str, deadline: float | None, *, warm: bool = True
) -> tuple[WarmKernel, bool]:
    """This worker's warm kernel (started if needed); True if it was started now.

    ``warm=False``: always a new kernel, without preloaded modules (each brief pays for its
    kernel start and imports, as before warm kernels; for comparisons and full isolation)."""
    with _LOCK:
        k = _KERNELS.get(kernel_name)
    if warm and k is not None and k.alive():
        return k, False
    if k is not None:
        _discard(k)
    k = WarmKernel(kernel_name, _work_dir() / f"kernel-{os.getpid()}.log")
    k.start(deadline, preload=warm)
    with _LOCK:
        _KERNELS[kernel_name] = k
    return k, True


def _discard(k: WarmKernel) -> None:
    with _LOCK:
        if _KERNELS.get(k.kernel_name) is k:
            del _KERNELS[k.kernel_name]
    k.kill()


def warm_up(kernel_name: str) -> None:
    """Start this worker's kernel in the background (called when a worker joins)."""

    def start() -> None:
        try:
            _kernel(kernel_name, None)
        except Exception as exc:  # noqa: BLE001 - the first brief retries and reports
            _LOG.warning("warm-up of kernel %r failed: %r", kernel_name, exc)

    _THREAD.submit(start)


def shutdown_kernels() -> None:
    """Kill every kernel of this worker (when the worker closes)."""
    with _LOCK:
        kernels = list(_KERNELS.values())
        _KERNELS.clear()
    for k in kernels:
        k.kill()


def stop_run(run_id: str) -> list[str]:
    """Stop a run on this worker: no further brief of it starts, the running one's kernel is
    killed. Returns the names of the briefs stopped while running (for ``Client.run``)."""
    with _LOCK:
        _STOPPED.add(run_id)
        running = _RUNNING.get(run_id)
    if running is None:
        return []
    name, k = running
    if k is not None:
        k.kill()
    return [name]


class BriefWorkerPlugin(WorkerPlugin):
    """Dask worker plugin: warm a kernel when a worker joins, kill it when the worker closes.

    Parameters
    ----------
    kernel_name : str
    own_signals : bool
        For the batch's own ``LocalCluster``: the worker processes ignore SIGINT and SIGTERM
        (Ctrl-C and ``systemctl stop`` reach every process of the group; the batch process
        decides what stops, and its workers end with it). False on a shared cluster.
    """

    name = "huainan-briefs"

    def __init__(self, kernel_name: str, own_signals: bool = False, warm: bool = True) -> None:
        self.kernel_name = kernel_name
        self.own_signals = own_signals
        self.warm = warm

    def setup(self, worker: Any = None) -> None:
        if self.own_signals and threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, _ignore)
        if self.warm:
            warm_up(self.kernel_name)

    def teardown(self, worker: Any = None) -> None:
        shutdown_kernels()


def _ignore(signum: int, frame: Any) -> None:
    """A Python-level no-op (unlike SIG_IGN, kernels started later do not inherit it)."""


# --------------------------------------------------------------------------------------------
# The task
# --------------------------------------------------------------------------------------------


def produce_brief(task: dict[str, Any]) -> dict[str, Any]:
    """Execute one brief and make its HTML; return the record and the products as bytes.

    Runs on a Dask worker (any failure is recorded, never raised).

    Parameters
    ----------
    task : dict
        ``run_id``, ``name``, ``notebook`` (the template's path on the batch's machine, for
        the working folder when it exists here), ``notebook_json`` (its text), ``parameters``
        (dict), ``title`` (str or None), ``kernel_name``, ``timeout`` (seconds), ``data_sha256``
        (the batch's data fingerprint).

    Returns
    -------
    dict
        ``name``, ``status`` (``succeeded`` | ``failed`` | ``interrupted``), ``title``,
        ``started``/``finished`` (ISO 8601, UTC; None if never started), ``seconds``,
        ``files`` (relative path in the run folder → bytes: ``<name>.ipynb``, ``<name>.html``,
        ``logs/<name>.log``; the HTML only when the brief was not interrupted), ``error`` (None,
        or ``cell_index`` — 0-based index in the parameterised notebook, the injected-parameters
        cell included —, ``execution_count``, ``ename``, ``evalue``), ``worker`` (host, pid) and
        ``timings`` (seconds: ``kernel_start``, ``reset``, ``execute``, ``html``).
    """
    return _THREAD.submit(_produce, task).result()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _produce(task: dict[str, Any]) -> dict[str, Any]:
    os.environ["PYTHONUTF8"] = "1"  # kernels inherit it: UTF-8 whatever the locale
    run_id, name = task["run_id"], task["name"]
    worker: dict[str, Any] = {"host": socket.gethostname(), "pid": os.getpid()}
    with _LOCK:
        stopped = run_id in _STOPPED
    if stopped:
        return {
            "name": name,
            "status": "interrupted",
            "started": None,
            "files": {},
            "worker": worker,
        }
    started, t0 = _now(), time.monotonic()
    out = _BriefFolder(Path(tempfile.mkdtemp(prefix=f"{name[:40]}-", dir=_work_dir())), name)
    out.template.write_text(task["notebook_json"], encoding="utf-8")
    template_dir = Path(task["notebook"]).parent
    cwd = str(template_dir if template_dir.is_dir() else out.folder)
    timings: dict[str, float] = {}
    title = task.get("title")
    with _log_to(out.log) as log:
        error, stopped = _execute(task, out, cwd, t0 + task["timeout"], worker, timings, log)
        if stopped:
            log.info("brief %s stopped: the batch was interrupted", name)
        elif out.notebook.exists():
            title, error = _publish(out, title, error, timings, log)
    files = {}
    for suffix in (".ipynb", ".html", ".docx", ".pdf"):
        path = out.folder / f"{name}{suffix}"
        if path.exists() and not (stopped and suffix != ".ipynb"):
            files[f"{name}{suffix}"] = path.read_bytes()
    files[f"logs/{name}.log"] = out.log.read_bytes()
    _remove(out.folder)
    return {
        "name": name,
        "status": "interrupted" if stopped else "failed" if error else "succeeded",
        "title": title or name,
        "started": started,
        "finished": _now(),
        "seconds": round(time.monotonic() - t0, 3),
        "files": files,
        "error": None if stopped else error,
        "worker": worker,
        "timings": timings,
    }


@dataclass(frozen=True)
class _BriefFolder:
    """The worker's temporary folder of one brief and the files made in it."""

    folder: Path
    name: str

    @property
    def template(self) -> Path:
        return self.folder / ".template.ipynb"

    @property
    def notebook(self) -> Path:
        return self.folder / f"{self.name}.ipynb"

    @property
    def html(self) -> Path:
        return self.folder / f"{self.name}.html"

    @property
    def log(self) -> Path:
        return self.folder / f"{self.name}.log"


def _execute(
    task: dict[str, Any],
    out: _BriefFolder,
    cwd: str,
    deadline: float,
    worker: dict[str, Any],
    timings: dict[str, float],
    log: logging.Logger,
) -> tuple[dict[str, Any] | None, bool]:
    """Execute the brief's notebook on a warm kernel of this worker.

    Returns ``(error, stopped)``: the failure as :func:`describe_failure` describes it (None if
    the notebook ran), and whether the batch was stopped meanwhile. Records the kernel's
    attempts in ``worker`` and the stages' seconds in ``timings``; never raises an Exception.
    """
    run_id, name = task["run_id"], task["name"]
    error: dict[str, Any] | None = None
    k: WarmKernel | None = None
    keep_kernel = False
    try:
        _check_data(task)
        t = time.monotonic()
        k, fresh = _kernel(task["kernel_name"], deadline, warm=task.get("warm", True))
        timings["kernel_start"] = round(time.monotonic() - t, 3) if fresh else 0.0
        worker["kernel_attempts"] = k.attempts
        if fresh and k.attempts > 1:
            log.info("kernel started at attempt %d", k.attempts)
        with _LOCK:
            if run_id in _STOPPED:
                raise _Stopped()
            _RUNNING[run_id] = (name, k)
        kernel_log = k.log_path.stat().st_size if k.log_path.exists() else 0
        t = time.monotonic()
        k.reset(cwd)
        timings["reset"] = round(time.monotonic() - t, 3)
        t = time.monotonic()
        try:
            _papermill(task, out.template, out.notebook, k, deadline, cwd)
            keep_kernel = True
        finally:
            timings["execute"] = round(time.monotonic() - t, 3)
            _copy_kernel_log(k, kernel_log, out.log)
    except _Stopped:
        pass
    except Exception as exc:  # noqa: BLE001 - every failure is recorded, none propagates
        from papermill.exceptions import PapermillExecutionError

        keep_kernel = isinstance(exc, PapermillExecutionError)
        error = describe_failure(exc, out.notebook, task["timeout"])
        log.error("brief %s failed: %s", name, error)
    finally:
        with _LOCK:
            _RUNNING.pop(run_id, None)
            stopped = run_id in _STOPPED
        if k is not None and (
            stopped or not keep_kernel or not k.alive() or not task.get("warm", True)
        ):
            _discard(k)
        elif k is not None:
            k.briefs += 1
    return error, stopped


def _publish(
    out: _BriefFolder,
    title: str | None,
    error: dict[str, Any] | None,
    timings: dict[str, float],
    log: logging.Logger,
) -> tuple[str | None, dict[str, Any] | None]:
    """Write the HTML of the executed notebook (also after a failure, with its banner) and, if
    nothing failed, its Word and PDF forms. Returns ``(title, error)``, the error now including
    a failure of these stages."""
    t = time.monotonic()
    try:
        title = publish.brief_html(out.notebook, out.html, title=title, error=error)
    except Exception as exc:  # noqa: BLE001
        log.exception("HTML for %s failed", out.name)
        if error is None:
            error = _stage_error("html", exc)
    timings["html"] = round(time.monotonic() - t, 3)
    if error is None:
        t = time.monotonic()
        try:
            publish.brief_documents(out.notebook, out.folder / out.name, title=title or out.name)
        except Exception as exc:  # noqa: BLE001
            log.exception("documents for %s failed", out.name)
            error = _stage_error("documents", exc)
        timings["documents"] = round(time.monotonic() - t, 3)
    return title, error


def _stage_error(stage: str, exc: Exception) -> dict[str, Any]:
    """A failure after the notebook ran (``stage`` = ``html`` | ``documents``)."""
    return {
        "cell_index": None,
        "execution_count": None,
        "stage": stage,
        "ename": type(exc).__name__,
        "evalue": str(exc),
    }


class DataMismatch(RuntimeError):
    """The worker's data folder is not the batch's (another ``HUAINAN_DATA_DIR`` or copy)."""


def _check_data(task: dict[str, Any]) -> None:
    from huainan.paths import data_dir

    expected = task.get("data_sha256")
    if expected and data_sha256() != expected:
        raise DataMismatch(
            f"this worker ({socket.gethostname()}) reads data from {data_dir()}, whose "
            "fingerprint differs from the batch's: set HUAINAN_DATA_DIR on the worker to a "
            "copy of the batch's data folder / 工作进程读取的数据与批次不一致，请设置 HUAINAN_DATA_DIR"
        )


def _papermill(
    task: dict, nb_in: Path, nb_out: Path, k: WarmKernel, deadline: float, cwd: str
) -> None:
    import papermill

    def remaining(cell: Any) -> int:
        # nbclient asks before each cell: what is left of the brief's deadline (at least 1 s).
        return max(1, math.ceil(deadline - time.monotonic()))

    papermill.execute_notebook(
        str(nb_in),
        str(nb_out),
        parameters=task["parameters"],
        kernel_name=task["kernel_name"],
        cwd=cwd,
        progress_bar=False,
        log_output=True,
        start_timeout=KERNEL_START_TIMEOUT,
        timeout_func=remaining,
        km=k.km,
        kc=k.kc,
    )


def describe_failure(exc: BaseException, nb_path: Path, timeout: float) -> dict[str, Any]:
    """The failure record of a brief: cell, execution count, error name and message."""
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
def _log_to(path: Path) -> Iterator[logging.Logger]:
    """Send the papermill log (each cell's outputs, errors) to ``path`` while a brief runs."""
    logger = logging.getLogger("papermill")
    with open(path, "a", encoding="utf-8") as log:
        handler = logging.StreamHandler(log)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        try:
            yield logger
        finally:
            logger.removeHandler(handler)


def _copy_kernel_log(k: WarmKernel, offset: int, log_path: Path) -> None:
    """Append what the kernel process wrote outside cells during the brief to its log."""
    try:
        with open(k.log_path, "rb") as src:
            src.seek(offset)
            extra = src.read()
    except OSError:
        return
    if extra.strip():
        with open(log_path, "ab") as log:
            log.write(b"\n--- kernel process output ---\n" + extra)


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
