"""Serving the Voila apps for officials (``huainan serve``, ``make app``).

Voila serves ``notebooks/apps/`` (index, monitor, regions, whatif) on 127.0.0.1. It is started
*inside* that folder so that it reads the checked-in ``notebooks/apps/voila.json`` (Voila looks for
``voila.json`` in the current directory and in the Jupyter config path). That file sets what
officials see and how kernels are managed:

- ``strip_sources`` (no code on the page) and ``show_tracebacks`` false (an error shows Voila's
  short notice; the apps themselves catch errors and show a Chinese message — details in this
  server's log);
- preheated kernels (``preheat_kernel``, one per notebook, ``default_pool_size`` 1): each app is
  executed before anyone asks for it, so a page appears in about a second;
- idle kernels culled (``MappingKernelManager.cull_idle_timeout`` / ``cull_interval``): a kernel
  whose page was closed is shut down after 10 minutes; kernels of open pages and the preheated
  pool are kept.

The command line adds the port, ``--Voila.port_retries=0`` (a busy port is an error, not a silent
move to the next one) and, with ``preheat=False``, turns preheating off (for measuring cold
starts in ``benchmarks/bench_apps.py``). Next to Voila, :func:`serve` fills the shared chart cache
in the background (:func:`huainan.widgets.prerender`), so control changes are answered from it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from huainan.paths import NOTEBOOKS_DIR

#: The folder Voila serves.
APPS_DIR: Path = NOTEBOOKS_DIR / "apps"
#: Voila's configuration, read because Voila is started in :data:`APPS_DIR`.
CONFIG_FILE: Path = APPS_DIR / "voila.json"
#: The four pages, in the order of the landing page.
PAGES: tuple[str, ...] = ("index.ipynb", "monitor.ipynb", "regions.ipynb", "whatif.ipynb")
HOST = "127.0.0.1"
DEFAULT_PORT = 8866


def voila_command(port: int = DEFAULT_PORT, *, preheat: bool = True) -> list[str]:
    """The command that serves the apps (run it with ``cwd=APPS_DIR``).

    Parameters
    ----------
    port : int
        TCP port on 127.0.0.1.
    preheat : bool
        Keep the preheated kernel pool of ``voila.json`` (True) or start every kernel when its
        page is requested (False).

    Returns
    -------
    list of str
        ``[python, -m, voila, ., --port=…, …]`` using the running interpreter (the venv's).

    Examples
    --------
    >>> cmd = voila_command(9000, preheat=False)
    >>> cmd[1:4], "--port=9000" in cmd, "--preheat_kernel=False" in cmd
    (['-m', 'voila', '.'], True, True)
    """
    cmd = [sys.executable, "-m", "voila", ".", f"--port={int(port)}", f"--Voila.ip={HOST}",
           "--no-browser", "--Voila.port_retries=0"]
    if not preheat:
        cmd.append("--preheat_kernel=False")
    return cmd


def url(port: int = DEFAULT_PORT, page: str = "index.ipynb") -> str:
    """Address of one page: ``http://127.0.0.1:<port>/voila/render/<page>``.

    Examples
    --------
    >>> url(8866, "monitor.ipynb")
    'http://127.0.0.1:8866/voila/render/monitor.ipynb'
    """
    return f"http://{HOST}:{int(port)}/voila/render/{page}"


def port_free(port: int) -> bool:
    """True if nothing listens on 127.0.0.1:``port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((HOST, int(port)))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port on 127.0.0.1 that is free now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def prerender_command() -> list[str]:
    """The command that fills the chart cache (:func:`huainan.widgets.prerender`)."""
    return [sys.executable, "-c", "from huainan.widgets import prerender; prerender()"]


def serve(port: int = DEFAULT_PORT, *, preheat: bool = True, prerender: bool = True) -> int:
    """Serve the apps until Ctrl-C (or SIGTERM); return Voila's exit code.

    Voila runs as a child process in :data:`APPS_DIR`; with ``prerender`` a second child,
    at low priority (``nice`` 10), fills the chart cache (:func:`huainan.widgets.prerender`:
    minutes of CPU the first time after the data or code changed, nothing afterwards) and is
    stopped, by its PID, when Voila stops. SIGTERM sent to this process is passed on to Voila.

    Raises
    ------
    FileNotFoundError
        If the apps folder or ``voila.json`` is missing.
    OSError
        If ``port`` is already in use.
    """
    for needed in (APPS_DIR, CONFIG_FILE):
        if not needed.exists():
            raise FileNotFoundError(f"{needed} is missing")
    if not port_free(port):
        raise OSError(f"port {port} on {HOST} is already in use; choose another with --port")
    print(f"淮南市公共服务规划应用：{url(port)}  (Ctrl-C 停止 / to stop)", flush=True)
    voila = subprocess.Popen(voila_command(port, preheat=preheat), cwd=APPS_DIR)
    warm = (subprocess.Popen(prerender_command(), stdin=subprocess.DEVNULL,
                             preexec_fn=lambda: os.nice(10))
            if prerender else None)
    previous = signal.signal(signal.SIGTERM, lambda *_: voila.terminate())
    try:
        while True:
            try:
                return voila.wait()
            except KeyboardInterrupt:  # Ctrl-C reached Voila too (same process group)
                continue
    finally:
        signal.signal(signal.SIGTERM, previous)
        if voila.poll() is None:
            stop(voila)
        if warm is not None and warm.poll() is None:
            warm.terminate()
            warm.wait(30)


# ---------------------------------------------------------------------------------------------
# running the server in the background (browser tests, benchmarks)
# ---------------------------------------------------------------------------------------------

def start(port: int, *, preheat: bool = True, log: Path | None = None,
          env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start Voila serving the apps in the background, in its own process group.

    Parameters
    ----------
    port : int
    preheat : bool
        As in :func:`voila_command`.
    log : pathlib.Path, optional
        File that receives the server's stdout and stderr (its log, including the
        ``huainan.apps`` lines of the kernels); default: discarded.
    env : dict, optional
        Extra environment variables for the server and its kernels (e.g. ``HUAINAN_CACHE_DIR``).

    Returns
    -------
    subprocess.Popen
        Stop it with :func:`stop` — by this PID, never by name.
    """
    out = open(log, "ab") if log is not None else subprocess.DEVNULL  # noqa: SIM115
    try:
        return subprocess.Popen(voila_command(port, preheat=preheat), cwd=APPS_DIR,
                                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, env={**os.environ, **(env or {})})
    finally:
        if log is not None:
            out.close()  # the child keeps its own descriptor


def wait_ready(port: int, proc: subprocess.Popen, *, timeout: float = 120.0,
               log: Path | None = None, pages: tuple[str, ...] = ()) -> float:
    """Wait until the server answers on ``port`` (and, with ``pages``, until the preheated
    kernel pool of every page is filled, as its log says).

    Returns
    -------
    float
        Seconds waited.

    Raises
    ------
    RuntimeError
        If the server exits or is not ready in time (the end of its log is in the message).
    """
    start_t = time.monotonic()
    answered = False
    while time.monotonic() - start_t < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"voila exited with code {proc.returncode}:\n{_tail(log)}")
        if not answered:
            try:
                with urllib.request.urlopen(f"http://{HOST}:{port}/", timeout=5) as r:
                    answered = r.status == 200
            except OSError:
                pass
        if answered and (not pages or pools_filled(log, pages)):
            return time.monotonic() - start_t
        time.sleep(0.25)
    raise RuntimeError(f"voila not ready on port {port} after {timeout:.0f} s:\n{_tail(log)}")


def pools_filled(log: Path | None, pages: tuple[str, ...]) -> bool:
    """True when the server log says the kernel pool of every page in ``pages`` is filled."""
    if log is None or not Path(log).exists():
        return False
    text = Path(log).read_text(encoding="utf-8", errors="replace")
    return all(f"Kernel pool of {p} is filled" in text for p in pages)


def stop(proc: subprocess.Popen, *, timeout: float = 30.0) -> int:
    """Stop a server started by :func:`start`: SIGTERM to its PID (Voila then shuts its kernels
    down), and if it is still running after ``timeout`` seconds, SIGKILL to the process group it
    leads (the group created for it by :func:`start`, id = its PID).

    Returns
    -------
    int
        The server's exit code.
    """
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout)
    return proc.returncode


def _tail(log: Path | None, lines: int = 40) -> str:
    if log is None or not Path(log).exists():
        return "(no log)"
    return "\n".join(Path(log).read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
