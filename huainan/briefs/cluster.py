"""Where a batch's briefs run: Dask distributed, on an embedded ``LocalCluster`` or a cluster.

By default a batch starts its own ``LocalCluster``: ``jobs`` worker **processes** with one thread
each (papermill changes the working folder, so briefs must not share a process), bound to
127.0.0.1, no dashboard. ``huainan briefs BATCH --scheduler tcp://HOST:8786`` sends the same
tasks to an existing cluster instead. Either way each brief is one task,
:func:`huainan.briefs.execute.produce_brief`, handed out in the batch's order, one per worker thread; its
products come back as bytes, so workers need no shared file system.

What a cluster worker needs (also in ``README.md``):

- the ``huainan`` package installed (the same version and source as the batch: the tasks refer
  to its functions by name), with its dependencies — ``pip install -e .`` of the same checkout,
  or the same wheel;
- the Jupyter kernel the batch names (default ``huainan``) registered in the worker's
  environment (``python -m ipykernel install --sys-prefix --name huainan``);
- the input data: ``HUAINAN_DATA_DIR`` pointing at a copy of the batch's ``data/`` folder (a
  worker whose data differ from the batch's refuses its briefs with a message saying so);
- the CJK font comes with the package's dependency ``pylopdf-fonts-zh-cn``: nothing to install;
- one thread per worker process: ``dask worker tcp://HOST:8786 --nworkers N --nthreads 1``.

Stopping (:func:`stop`): :func:`huainan.briefs.execute.stop_run` runs on every worker (no brief of
the run starts any more, running kernels are killed), the batch waits up to
:data:`STOP_GRACE` seconds for the stopped briefs to report, then cancels what is left. A
``LocalCluster`` is then closed; a shared cluster keeps running (its other clients are not
touched).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from huainan.briefs import execute
from huainan.errors import BatchError

#: Seconds the stopped briefs get to report after SIGTERM/SIGINT; then they are cancelled.
STOP_GRACE = 5.0
#: How often (seconds) the batch looks for a stop request while it waits for briefs.
POLL = 0.2
#: Seconds allowed to reach a scheduler given with ``--scheduler``.
CONNECT_TIMEOUT = 20


class StopSignals:
    """While a batch runs, SIGTERM and SIGINT only note that the batch must stop.

    The run loop looks at :attr:`signum` and stops in order (briefs, kernels, manifest).
    Handlers are installed from the main thread only (elsewhere Python cannot; the signals keep
    their usual effect) and the previous ones are put back on exit.
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

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                self._saved[signum] = signal.signal(signum, self._note)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._saved.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)


def signal_name(signum: int) -> str:
    """``SIGTERM`` for 15 (``signal 99`` for an unknown number)."""
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


@dataclass
class Cluster:
    """A Dask client and what it is connected to.

    Attributes
    ----------
    client : distributed.Client
    scheduler : str
        ``"local"`` for the batch's own LocalCluster, else the scheduler address.
    workers : int
        Worker threads available (the batch's ``jobs``).
    """

    client: Any
    scheduler: str
    workers: int
    local: Any = None
    closers: list[Callable[[], None]] = field(default_factory=list)


def _dask_config() -> dict[str, Any]:
    return {
        # A worker that dies while running a brief fails that brief (it is not retried on
        # another worker, where it would likely kill that one too).
        "distributed.scheduler.allowed-failures": 0,
        # One brief per worker thread at a time; the others wait on the scheduler (so a worker
        # that dies takes no queued brief down with it, and a free worker takes the next one).
        "distributed.scheduler.worker-saturation": 1.0,
        # Worker processes may start kernels (subprocesses) — not daemonic.
        "distributed.worker.daemon": False,
        "distributed.admin.tick.limit": "1h",  # a brief holds its thread; that is normal
        "distributed.worker.memory.target": False,
        "distributed.worker.memory.spill": False,
        "distributed.worker.memory.pause": False,
        "distributed.worker.memory.terminate": False,
    }


@contextmanager
def open_cluster(
    scheduler: str | None, jobs: int, kernel_name: str, *, warm: bool = True
) -> Iterator[Cluster]:
    """Start a LocalCluster of ``jobs`` processes, or connect to ``scheduler``; close on exit.

    Raises
    ------
    BatchError
        If the scheduler cannot be reached, has no worker, or the LocalCluster cannot start.
    """
    import dask
    from distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.ERROR)
    with dask.config.set(_dask_config()):
        if scheduler is None:
            try:
                local = LocalCluster(
                    n_workers=jobs,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                    memory_limit=0,
                )
                client = Client(local)
            except Exception as exc:  # noqa: BLE001 - startup problems become a BatchError
                raise BatchError(f"cannot start the local Dask cluster: {exc!r}") from exc
            cluster = Cluster(client, "local", jobs, local)
            own_signals = True
        else:
            try:
                client = Client(scheduler, timeout=CONNECT_TIMEOUT)
            except Exception as exc:  # noqa: BLE001
                raise BatchError(
                    f"cannot reach the Dask scheduler at {scheduler}: {exc}; start one with "
                    "`dask scheduler` and workers with `dask worker ADDRESS --nthreads 1`"
                ) from exc
            threads = sum(client.nthreads().values())
            if not threads:
                client.close()
                raise BatchError(f"the Dask scheduler at {scheduler} has no worker")
            cluster = Cluster(client, scheduler, threads)
            own_signals = False
        try:
            client.register_plugin(
                execute.BriefWorkerPlugin(kernel_name, own_signals=own_signals, warm=warm),
                name=execute.BriefWorkerPlugin.name,
            )
            yield cluster
        finally:
            _close(cluster)


def _close(cluster: Cluster) -> None:
    try:
        cluster.client.close(timeout=10)
    except Exception:  # noqa: BLE001 - closing is best effort
        pass
    if cluster.local is not None:
        try:
            cluster.local.close(timeout=10)
        except Exception:  # noqa: BLE001
            pass


def run(
    cluster: Cluster,
    tasks: list[dict[str, Any]],
    stop: StopSignals,
    on_result: Callable[[dict[str, Any]], None],
) -> list[Any]:
    """Run one :func:`~huainan.briefs.execute.produce_brief` task per brief, in batch order.

    At most one brief per worker thread is handed to Dask at a time (the next when one
    finishes): a worker that dies then takes only its own brief down, and briefs start in the
    order of the batch. Each result goes to ``on_result`` as it comes; a task that raised (a
    worker died under it: ``KilledWorker``; the package missing on a worker) gives a ``failed``
    result naming the problem.

    Returns the futures still running when ``stop`` noted a signal (empty when all finished);
    briefs not handed out by then are never started.
    """
    pending = list(tasks)
    running: dict[Any, dict[str, Any]] = {}
    while (pending or running) and not stop.signum:
        while pending and len(running) < max(1, cluster.workers):
            task = pending.pop(0)
            future = cluster.client.submit(
                execute.produce_brief,
                task,
                key=f"brief-{task['run_id']}-{task['name']}",
                pure=False,
                retries=0,
            )
            running[future] = task
        for future in _wait_some(set(running), POLL):
            on_result(_result(future, running.pop(future)))
    return list(running)


def _wait_some(futures: set[Any], timeout: float) -> list[Any]:
    """The futures of ``futures`` that are done, waiting up to ``timeout`` seconds for one."""
    from distributed import wait

    try:
        wait(list(futures), timeout=timeout, return_when="FIRST_COMPLETED")
    except TimeoutError:
        pass
    return [f for f in futures if f.done()]


def _result(future: Any, task: dict[str, Any]) -> dict[str, Any]:
    try:
        return future.result()
    except BaseException as exc:  # noqa: BLE001 - one brief's problem, never the batch's
        from distributed import KilledWorker

        if isinstance(exc, KilledWorker):
            ename = "WorkerDied"
            evalue = (
                "the worker process running this brief ended unexpectedly (it was killed or "
                f"ran out of memory; Dask: {exc})"
            )
        else:
            ename, evalue = type(exc).__name__, str(exc)
        now = execute._now()
        return {
            "name": task["name"],
            "status": "failed",
            "started": None,
            "finished": now,
            "seconds": None,
            "files": {},
            "error": {
                "cell_index": None,
                "execution_count": None,
                "ename": ename,
                "evalue": evalue,
            },
        }


def stop(
    cluster: Cluster,
    run_id: str,
    left: list[Any],
    on_result: Callable[[dict[str, Any]], None],
) -> None:
    """Stop the run's briefs (see the module docstring); results that still come in within
    :data:`STOP_GRACE` seconds go to ``on_result``, the rest are cancelled."""
    try:
        cluster.client.run(execute.stop_run, run_id, wait=True, on_error="ignore")
    except Exception:  # noqa: BLE001 - a worker that cannot be reached is stopped by closing
        pass
    deadline = time.monotonic() + STOP_GRACE
    pending = set(left)
    while pending and (remaining := deadline - time.monotonic()) > 0:
        for future in _wait_some(pending, min(POLL, remaining)):
            pending.discard(future)
            try:
                on_result(future.result())
            except BaseException:  # noqa: BLE001 - a stopped brief that broke: interrupted
                pass
    if pending:
        cluster.client.cancel(list(pending), force=True)
