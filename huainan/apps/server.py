"""Serving the Voila apps for officials (``huainan serve``, ``make app``).

Voila serves ``notebooks/apps/`` (index, monitor, regions, whatif) on 127.0.0.1, through
:mod:`huainan.apps.voila_app` (Voila with the root URL ``/`` redirected to the landing page 首页 and
the page template ``huainan``: nothing fetched from a CDN, Chinese error messages). It is started
*inside* that folder so that it reads the checked-in ``notebooks/apps/voila.json`` (Voila looks
for ``voila.json`` in the current directory and in the Jupyter config path). That file sets what
officials see and how kernels are managed:

- ``template`` ``huainan`` and ``VoilaExporter.language_code`` ``zh`` (``<html lang="zh">``);
- ``strip_sources`` (no code on the page) and ``show_tracebacks`` false (a cell that fails shows
  the template's Chinese message; the apps themselves catch errors and show a Chinese message
  too — details in this server's log);
- preheated kernels (``preheat_kernel``, one per notebook, ``default_pool_size`` 1): each app is
  executed before anyone asks for it, so a page appears in about a second;
- idle kernels culled (``MappingKernelManager.cull_idle_timeout`` / ``cull_interval``): a kernel
  whose page was closed is shut down after 10 minutes; a kernel whose page (or a script) keeps
  its websocket open after 30 minutes without activity (``AppsKernelManager.cull_connected_timeout``);
  the preheated pool is kept;
- at most ``AppsKernelManager.max_kernels`` (40) kernels at once, beyond which pages answer
  系统繁忙，请稍后再试 (503);
- no ``template``/``theme`` override from the URL (``allow_*_override`` ``NO``) and no
  traceback in kernel messages to a browser (``MappingKernelManager.allow_tracebacks`` false).

The command line adds the port, ``--Voila.port_retries=0`` (a busy port is an error, not a silent
move to the next one) and, with ``preheat=False``, turns preheating off (for measuring cold
starts in ``benchmarks/bench_apps.py``). Next to Voila, :func:`serve` fills the shared chart cache
in the background (:func:`huainan.apps.prerender.prerender`), so control changes are answered from it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from huainan.paths import NOTEBOOKS_DIR

#: The folder Voila serves.
APPS_DIR: Path = NOTEBOOKS_DIR / "apps"
#: Voila's configuration, read because Voila is started in :data:`APPS_DIR`.
CONFIG_FILE: Path = APPS_DIR / "voila.json"
#: The pages, in the order of the landing page.
PAGES: tuple[str, ...] = (
    "index.ipynb",
    "monitor.ipynb",
    "regions.ipynb",
    "whatif.ipynb",
    "upload.ipynb",
)
#: Environment variable naming the upload page's token file (set by ``serve``; the page is
#: read-only without it).
UPLOAD_TOKEN_ENV = "HUAINAN_UPLOAD_TOKEN_FILE"
HOST = "127.0.0.1"
DEFAULT_PORT = 8866


def voila_command(
    port: int = DEFAULT_PORT, *, preheat: bool = True, max_kernels: int | None = None
) -> list[str]:
    """The command that serves the apps (run it with ``cwd=APPS_DIR``).

    Parameters
    ----------
    port : int
        TCP port on 127.0.0.1.
    preheat : bool
        Keep the preheated kernel pool of ``voila.json`` (True) or start every kernel when its
        page is requested (False).
    max_kernels : int, optional
        Ceiling on live kernels instead of ``voila.json``'s ``AppsKernelManager.max_kernels``
        (beyond it pages answer 系统繁忙，请稍后再试; :mod:`huainan.apps.voila_app`).

    Returns
    -------
    list of str
        ``[python, -m, huainan.apps.voila_app, ., --port=…, …]`` using the running interpreter (the
        venv's): Voila with the root URL leading to the landing page (:mod:`huainan.apps.voila_app`).

    Examples
    --------
    >>> cmd = voila_command(9000, preheat=False, max_kernels=8)
    >>> cmd[1:4], "--port=9000" in cmd, "--preheat_kernel=False" in cmd
    (['-m', 'huainan.apps.voila_app', '.'], True, True)
    >>> cmd[-1]
    '--AppsKernelManager.max_kernels=8'
    """
    cmd = [
        sys.executable,
        "-m",
        "huainan.apps.voila_app",
        ".",
        f"--port={int(port)}",
        f"--Voila.ip={HOST}",
        "--no-browser",
        "--Voila.port_retries=0",
    ]
    if not preheat:
        cmd.append("--preheat_kernel=False")
    if max_kernels is not None:
        if int(max_kernels) < 1:
            raise ValueError(f"max_kernels must be at least 1, not {max_kernels}")
        cmd.append(f"--AppsKernelManager.max_kernels={int(max_kernels)}")
    return cmd


def url(port: int = DEFAULT_PORT, page: str = "index.ipynb") -> str:
    """Address of one page: ``http://127.0.0.1:<port>/voila/render/<page>``.

    Examples
    --------
    >>> url(8866, "monitor.ipynb")
    'http://127.0.0.1:8866/voila/render/monitor.ipynb'
    """
    return f"http://{HOST}:{int(port)}/voila/render/{page}"


def root_url(port: int = DEFAULT_PORT) -> str:
    """The server's root, ``http://127.0.0.1:<port>/``: it redirects to the landing page.

    Examples
    --------
    >>> root_url(8866)
    'http://127.0.0.1:8866/'
    """
    return f"http://{HOST}:{int(port)}/"


def port_free(port: int) -> bool:
    """True if the server could listen on 127.0.0.1:``port`` now.

    Binds as the server does: tornado's ``bind_sockets`` sets ``SO_REUSEADDR`` (on POSIX), so
    connections of a stopped server still in TIME-WAIT (up to a minute after it closed them)
    do not make the port busy; a socket listening there does.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        if os.name != "nt":  # on Windows the option would let two servers share the port
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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
    """The command that fills the chart cache (:func:`huainan.apps.prerender.prerender`)."""
    return [sys.executable, "-c", "from huainan.apps.prerender import prerender; prerender()"]


def serve(
    port: int = DEFAULT_PORT,
    *,
    preheat: bool = True,
    prerender: bool = True,
    upload_token_file: str | os.PathLike | None = None,
    max_kernels: int | None = None,
) -> int:
    """Serve the apps until Ctrl-C (or SIGTERM); return Voila's exit code.

    Prints the address of the landing page 首页 (the root URL redirects there too). Voila runs
    as a child process in :data:`APPS_DIR`; with ``prerender`` a second child, at low priority
    (``nice`` 10) and in a session of its own (Ctrl-C does not reach it), fills the chart cache
    (:func:`huainan.apps.prerender.prerender`: minutes of CPU the first time after the data or code
    changed, nothing afterwards). A thread waits on it, so it is reaped as soon as it ends (no
    ``<defunct>`` process while Voila keeps serving) and a failure is reported on stderr; if it
    is still running when Voila stops, it is stopped by its PID. SIGTERM sent to this process
    is passed on to Voila. ``max_kernels`` as in :func:`voila_command`.

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
    env = dict(os.environ)
    env.pop(UPLOAD_TOKEN_ENV, None)
    if upload_token_file is not None:
        from huainan.apps.upload import read_token

        read_token(upload_token_file)  # refuse a missing, empty or world-readable file now
        env[UPLOAD_TOKEN_ENV] = str(Path(upload_token_file).resolve())
    print(  # only once every check passed: no address is printed for a server that won't start
        f"淮南市公共服务规划应用 首页：{url(port)}\n"
        f"（也可打开 {root_url(port)}，自动转到首页；Ctrl-C 停止 / to stop）",
        flush=True,
    )
    voila = subprocess.Popen(
        voila_command(port, preheat=preheat, max_kernels=max_kernels), cwd=APPS_DIR, env=env
    )
    stopping = threading.Event()
    warm: subprocess.Popen | None = None
    reaper: threading.Thread | None = None
    if prerender:
        warm = subprocess.Popen(
            prerender_command(),
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=lambda: os.nice(10),
        )
        reaper = threading.Thread(
            target=_reap, args=(warm, stopping), daemon=True, name="reap-prerender"
        )
        reaper.start()
    previous = signal.signal(signal.SIGTERM, lambda *_: voila.terminate())
    try:
        while True:
            try:
                return voila.wait()
            except KeyboardInterrupt:  # Ctrl-C reached Voila too (same process group)
                continue
    finally:
        stopping.set()
        signal.signal(signal.SIGTERM, previous)
        if voila.poll() is None:
            stop(voila)
        if warm is not None:
            if warm.returncode is None:
                warm.terminate()
            if reaper is not None:
                reaper.join(30)
            if warm.returncode is None:
                warm.kill()
                warm.wait()


def _reap(proc: subprocess.Popen, stopping: threading.Event) -> None:
    """Wait for a background child (so it does not linger as a zombie); report a failure."""
    code = proc.wait()
    if code != 0 and not stopping.is_set():
        print(
            f"图表预渲染未完成（退出码 {code}）：应用照常可用，图表在首次查看时绘制。"
            f" / chart prerender exited with code {code}",
            file=sys.stderr,
            flush=True,
        )


# ---------------------------------------------------------------------------------------------
# running the server in the background (browser tests, benchmarks)
# ---------------------------------------------------------------------------------------------


def start(
    port: int,
    *,
    preheat: bool = True,
    log: Path | None = None,
    env: dict[str, str] | None = None,
    max_kernels: int | None = None,
    args: tuple[str, ...] = (),
    folder: Path | None = None,
) -> subprocess.Popen:
    """Start Voila serving the apps in the background, in its own process group.

    Parameters
    ----------
    port : int
    preheat, max_kernels : bool, int
        As in :func:`voila_command`.
    log : pathlib.Path, optional
        File that receives the server's stdout and stderr (its log, including the
        ``huainan.apps`` lines of the kernels); default: discarded.
    env : dict, optional
        Extra environment variables for the server and its kernels (e.g. ``HUAINAN_CACHE_DIR``).
    args : tuple of str
        More Voila options (e.g. ``--AppsKernelManager.cull_connected_timeout=5``).
    folder : pathlib.Path, optional
        Serve this folder (with its own ``voila.json``) instead of :data:`APPS_DIR`.

    Returns
    -------
    subprocess.Popen
        Stop it with :func:`stop` — by this PID, never by name.
    """
    out: Any = open(log, "ab") if log is not None else subprocess.DEVNULL  # noqa: SIM115
    try:
        return subprocess.Popen(
            [*voila_command(port, preheat=preheat, max_kernels=max_kernels), *args],
            cwd=APPS_DIR if folder is None else folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, **(env or {})},
        )
    finally:
        if log is not None:
            out.close()  # the child keeps its own descriptor


def wait_ready(
    port: int,
    proc: subprocess.Popen,
    *,
    timeout: float = 120.0,
    log: Path | None = None,
    pages: tuple[str, ...] = (),
) -> float:
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
            answered = root_status(port) is not None
        if answered and (not pages or pools_filled(log, pages)):
            return time.monotonic() - start_t
        time.sleep(0.25)
    raise RuntimeError(f"voila not ready on port {port} after {timeout:.0f} s:\n{_tail(log)}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def root_status(port: int, *, timeout: float = 5.0) -> tuple[int, str] | None:
    """HTTP status and ``Location`` of ``GET /`` on the server, the redirect not followed.

    Returns
    -------
    (int, str) or None
        ``(302, "/voila/render/index.ipynb")`` from :mod:`huainan.apps.voila_app`; ``None`` when
        nothing answers on the port.
    """
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(root_url(port), timeout=timeout) as r:
            return r.status, r.headers.get("Location", "")
    except urllib.error.HTTPError as exc:  # 3xx not followed, 4xx, 5xx: the server answered
        return exc.code, exc.headers.get("Location", "")
    except OSError:
        return None


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
