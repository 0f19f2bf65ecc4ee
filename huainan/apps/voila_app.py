"""The Voila application that serves the apps for officials (run by ``huainan serve``).

Voila 0.5 serving a folder shows its own English file list ("Voilà Home") at the root URL and
has no option to open a notebook there instead (voila-dashboards/voila#540 is still open). The
documented alternative — Voila as a Jupyter-server extension with ``ServerApp.default_url`` —
would also expose Jupyter server's REST API (kernels that run any code, file writes) on the
officials' port. So this module keeps the standalone Voila server, which lets a page's kernel
receive widget messages only, and changes four things in it (:class:`AppsVoila`):

- **the root URL** ``/`` is a temporary redirect (302) to the landing page 首页
  (``/voila/render/index.ipynb``); the file list stays at ``/voila/tree``. An address that
  matches no route gets the template's Chinese 404 page (:class:`PageNotFound`) instead of
  tornado's bare English one;
- **the kernel websocket** (:class:`AppsKernelWebsocketHandler`) speaks only the
  ``v1.kernel.websocket.jupyter.org`` protocol of the JupyterLab/Voila front end and checks
  every frame's layout (:func:`check_v1_frame`) before jupyter_server parses it; no frame may
  exceed :data:`MAX_MESSAGE_BYTES` (tornado's ``websocket_max_message_size``). Two upstream
  parsers otherwise freeze the whole server (its event loop) on one hostile client:
  jupyter_server's ``deserialize_msg_from_ws_v1`` trusts the offset count of an incoming
  frame, and Voila's ``read_header_from_binary_message`` reads every outgoing binary frame of a
  legacy-protocol connection with the v1 layout — both then build a list of 10^17 or more
  offsets;
- **the page handler** (:class:`AppsVoilaHandler`) answers a ``template`` or ``theme`` URL
  parameter other than the configured one with the Chinese 404 page (no kernel is started),
  and a request beyond the kernel ceiling with the Chinese 503 page 系统繁忙，请稍后再试;
- **the kernel manager** (:class:`AppsKernelManager`) keeps at most ``max_kernels`` kernels
  alive (viewers' kernels and the preheated pool together), also culls kernels whose
  websocket is still held but idle for ``cull_connected_timeout`` seconds, and starts kernels
  that keep the server log to the server (:data:`KERNEL_ARGUMENTS`).

:data:`TEMPLATE_ROOT` goes first on ``JUPYTER_PATH``: there Voila finds the page template
``huainan`` (``huainan/apps/templates/voila/templates/huainan``, chosen in
``notebooks/apps/voila.json``), which extends Voila's ``lab`` template: no stylesheet or script
from a CDN (Voila's bundle already carries Font Awesome), a Chinese message in place of Voila's
English notice when a cell fails (the details stay in the server log), and Chinese HTTP error
pages (404, 503 …).

The subclassed handlers and the kernel manager were written against voila 0.5.13,
jupyter_server 2.21.1 and tornado 6.6.1 (what ``pyproject.toml`` allows: voila <0.6); each
overrides one or two methods and calls the original for everything else.

Run it in ``notebooks/apps`` (Voila reads ``voila.json`` from the current folder)::

    cd notebooks/apps && python -m huainan.apps.voila_app . --port=8866

:func:`huainan.apps.server.voila_command` builds that command line.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

from jupyter_core.utils import ensure_async
from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import url_path_join
from tornado.web import HTTPError, RedirectHandler
from traitlets import Integer
from voila.app import Voila
from voila.handler import BaseVoilaHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

#: A Jupyter data folder holding ``voila/templates/huainan``.
TEMPLATE_ROOT: Path = Path(__file__).resolve().parent / "templates"
#: The page template (``VoilaConfiguration.template`` in ``voila.json``).
TEMPLATE = "huainan"
#: The landing page 首页, where the root URL leads.
HOME_PAGE = "index.ipynb"

#: The only kernel-websocket protocol accepted (JupyterLab 4 / Voila 0.5 front ends use it).
V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
#: Largest websocket message accepted, in bytes. A file of up to 8 MiB sent through an
#: ``ipywidgets.FileUpload`` travels as one comm message with the file as a binary buffer, plus
#: a few hundred bytes of header and JSON: 16 MiB lets it through with room to spare.
MAX_MESSAGE_BYTES = 16 * 2**20
#: Most binary buffers in one message (an upload of several files has one buffer per file).
MAX_BUFFERS = 32
#: Largest JSON header part of a message (a real one is ~300 bytes).
MAX_HEADER_BYTES = 64 * 2**10
#: Channels a front end sends on.
CLIENT_CHANNELS = ("shell", "control", "stdin")

#: Default ceiling on live kernels (viewers' and preheated ones), for the server these apps are
#: sized for: 2 cores, 24 GB. A page's kernel was measured at ~310 MB resident (~205 MB
#: proportional, shared libraries split) after building its screen and a few redraws
#: (``benchmarks/bench_load.py``, 2026-12); counting ~400 MB for one that an official used for
#: a while (``../shared/PERF.md``), 40 kernels take at most ~16 GB, leaving ~8 GB for the Voila
#: process, the chart prerender, a batch of briefs and the system. The ceiling bounds memory,
#: not waiting: on 2 cores, pages that need a new kernel at the same moment queue for the CPU.
DEFAULT_MAX_KERNELS = 40
#: Default idle time (s) after which a kernel is culled although its websocket is still open.
DEFAULT_CULL_CONNECTED = 1800
#: Added to every app kernel's command line. ipykernel forwards whatever the kernel process
#: writes to its file descriptors 1 and 2 to the browser (``capture_fd_output``, on by
#: default) — including the server log (:func:`huainan.apps.logs.server_log` writes to
#: ``sys.__stderr__``), tracebacks and server paths with it. Off, that output goes to the
#: server's console only; what Python code prints to ``sys.stdout``/``sys.stderr`` still
#: reaches the page as before.
KERNEL_ARGUMENTS: tuple[str, ...] = ("--IPKernelApp.capture_fd_output=False",)


def home_path(server_url: str = "/") -> str:
    """URL path of the landing page under Voila's ``server_url``.

    Examples
    --------
    >>> home_path(), home_path("/apps/")
    ('/voila/render/index.ipynb', '/apps/voila/render/index.ipynb')
    """
    return url_path_join(server_url, "voila", "render", HOME_PAGE)


# ---------------------------------------------------------------------------------------------
# the kernel websocket
# ---------------------------------------------------------------------------------------------


def check_v1_frame(
    frame: bytes | str,
    *,
    max_bytes: int = MAX_MESSAGE_BYTES,
    max_buffers: int = MAX_BUFFERS,
) -> str | None:
    """Check that a client's websocket frame is a well-formed v1 kernel message.

    The v1 layout (``jupyter_server.services.kernels.connection.base.serialize_msg_to_ws_v1``):
    8 bytes little-endian *n*, then *n* little-endian 8-byte offsets; offset 0 is where the
    channel name starts (``8·(n+1)``), offsets 1 … n−1 end the channel name and the message
    parts (header, parent header, metadata, content, then the binary buffers), the last one at
    the frame's end. Only the header is parsed here (JSON, at most :data:`MAX_HEADER_BYTES`):
    jupyter_server reads its ``msg_type`` for the message-type allowlist.

    Parameters
    ----------
    frame : bytes or str
        The websocket message as tornado delivers it (str for a text frame).
    max_bytes, max_buffers : int
        Size and buffer-count limits (:data:`MAX_MESSAGE_BYTES`, :data:`MAX_BUFFERS`).

    Returns
    -------
    str or None
        ``None`` for a well-formed frame, else why it is refused (English, for the server log).

    Examples
    --------
    >>> from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1
    >>> parts = [b'{"msg_type": "comm_msg"}', b"{}", b"{}", b"{}"]
    >>> check_v1_frame(serialize_msg_to_ws_v1(parts, "shell")) is None
    True
    >>> check_v1_frame(b"\\xff" * 8)
    'declares 18446744073709551615 offsets (a message has 6 to 38)'
    >>> check_v1_frame('{"channel": "shell"}')
    'text frame (the v1 protocol sends binary frames)'
    """
    if not isinstance(frame, bytes):
        return "text frame (the v1 protocol sends binary frames)"
    size = len(frame)
    if size > max_bytes:
        return f"{size} bytes (at most {max_bytes})"
    if size < 8:
        return f"{size} bytes: shorter than the offset count"
    n = int.from_bytes(frame[:8], "little")
    lo, hi = 2 + 4, 2 + 4 + max_buffers  # channel start/end + 4 JSON parts + buffers
    if not lo <= n <= hi:
        return f"declares {n} offsets (a message has {lo} to {hi})"
    start = 8 * (n + 1)
    if size < start:
        return f"{size} bytes: shorter than its {n} offsets"
    offsets = [int.from_bytes(frame[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(n)]
    if offsets[0] != start:
        return f"first offset {offsets[0]}, expected {start}"
    if any(b < a for a, b in zip(offsets, offsets[1:], strict=False)):
        return "offsets not in increasing order"
    if offsets[-1] != size:
        return f"last offset {offsets[-1]} is not the frame's end ({size})"
    try:
        channel = frame[offsets[0] : offsets[1]].decode("ascii")
    except UnicodeDecodeError:
        return "channel name is not ASCII"
    if channel not in CLIENT_CHANNELS:
        return f"channel {channel[:20]!r} (a client sends on {', '.join(CLIENT_CHANNELS)})"
    header = frame[offsets[1] : offsets[2]]
    if len(header) > MAX_HEADER_BYTES:
        return f"header of {len(header)} bytes (at most {MAX_HEADER_BYTES})"
    try:
        parsed = json.loads(header)
    except (ValueError, RecursionError):
        return "header is not JSON"
    if not isinstance(parsed, dict) or not isinstance(parsed.get("msg_type"), str):
        return "header has no msg_type"
    return None


class AppsKernelWebsocketHandler(VoilaKernelWebsocketHandler):
    """Voila's kernel websocket, protocol v1 only, every incoming frame checked first.

    Written against voila 0.5.13 / jupyter_server 2.21.1. Two methods are overridden:

    - ``get``: the websocket handshake is refused (HTTP 400) unless the client offers
      :data:`V1_PROTOCOL`. Without it jupyter_server falls back to the legacy protocol, whose
      binary frames Voila's ``write_message`` misreads (``read_header_from_binary_message``
      assumes the v1 layout) and loops on forever;
    - ``on_message``: a frame that :func:`check_v1_frame` refuses is dropped and the socket
      closed (code 1008, policy violation; 1009 when too big) before jupyter_server's
      ``deserialize_msg_from_ws_v1`` sees it. Tornado itself closes the socket on a message
      above ``websocket_max_message_size`` (set to :data:`MAX_MESSAGE_BYTES` by
      :class:`AppsVoila`) before reading it.
    """

    def _offered_protocols(self) -> list[str]:
        header = self.request.headers.get("Sec-WebSocket-Protocol", "")
        return [p.strip() for p in header.split(",") if p.strip()]

    async def get(self, kernel_id):
        if V1_PROTOCOL not in self._offered_protocols():
            self.log.warning(
                "Refused kernel websocket without the %s subprotocol from %s",
                V1_PROTOCOL,
                self.request.remote_ip,
            )
            raise HTTPError(400, "kernel websocket protocol %s required", V1_PROTOCOL)
        await super().get(kernel_id)

    def on_message(self, ws_message):
        problem = check_v1_frame(ws_message)
        if problem is not None:
            self.log.warning(
                "Dropped a kernel websocket message from %s (%s); closing the socket",
                self.request.remote_ip,
                problem,
            )
            too_big = isinstance(ws_message, bytes) and len(ws_message) > MAX_MESSAGE_BYTES
            self.close(1009 if too_big else 1008, "message refused")
            return None
        return super().on_message(ws_message)


# ---------------------------------------------------------------------------------------------
# pages
# ---------------------------------------------------------------------------------------------


class PageNotFound(BaseVoilaHandler):
    """Any address without a route: 404, rendered by Voila's template (``404.html``)."""

    def get(self, *args, **kwargs):
        raise HTTPError(404)


class AppsVoilaHandler(TornadoVoilaHandler):
    """Voila's page handler, with two checks before a kernel is taken or started.

    Written against voila 0.5.13 (``get`` is overridden, then Voila's ``get`` runs):

    - a ``template`` or ``theme`` URL parameter other than the configured one answers 404
      (Voila would start a kernel and, for a template that does not exist, stream heartbeats
      forever; ``voila.json`` already turns the overrides off, so the parameter could only
      bypass the preheated pool);
    - when the kernel manager has no room (:meth:`AppsKernelManager.has_room`) the answer is
      503 with the template's Chinese page 系统繁忙，请稍后再试 and a ``Retry-After`` header.
    """

    RETRY_AFTER_SECONDS = 60

    async def get(self, path=None):
        conf = self.voila_configuration
        for arg, configured in (("template", conf.template), ("theme", conf.theme)):
            values = self.get_arguments(arg)
            if values and any(v != configured for v in values):
                self.log.warning("Refused %s=%.40r for %s", arg, values[0], path)
                raise HTTPError(404)
        notebook = self.notebook_path or path
        has_room = getattr(self.kernel_manager, "has_room", None)
        if notebook and has_room is not None and not has_room(notebook):
            self.log.warning("Refused a page of %s: the kernel ceiling is reached", notebook)
            raise HTTPError(503)
        await super().get(path)

    def write_error(self, status_code: int, **kwargs):
        if status_code == 503:
            self.set_header("Retry-After", str(self.RETRY_AFTER_SECONDS))
        super().write_error(status_code, **kwargs)


# ---------------------------------------------------------------------------------------------
# kernels: a ceiling, and culling of idle kernels with a held websocket
# ---------------------------------------------------------------------------------------------


class AppsKernelManager(AsyncMappingKernelManager):
    """jupyter_server's kernel manager with a ceiling on live kernels and a second cull rule.

    Voila builds its pooling manager (``VoilaKernelManager``) on top of this class (it is
    ``VoilaConfiguration.multi_kernel_manager_class``; :class:`AppsVoila` sets it). Written
    against voila 0.5.13 / jupyter_server 2.21.1.

    - ``max_kernels``: kernels alive plus kernels starting never exceed it. A viewer's kernel
      that would go beyond it is refused (``HTTPError(503)``; :class:`AppsVoilaHandler` asks
      :meth:`has_room` first, so the page is refused before any work); a preheated pool kernel
      waits until a kernel is shut down (a pool refill never takes a viewer's place).
    - every kernel is started with :data:`KERNEL_ARGUMENTS` (its log stays on the server);
    - ``cull_connected_timeout``: jupyter_server culls only kernels without a websocket
      (``cull_connected`` false). A page left open, or a script holding the websocket, would
      keep its kernel forever; such a kernel is culled once idle (no message from the kernel)
      for this many seconds (0: never). Checked every ``cull_interval`` seconds.

    Both are set in ``notebooks/apps/voila.json`` (section ``AppsKernelManager``);
    ``huainan serve --max-kernels N`` overrides the ceiling.
    """

    max_kernels = Integer(
        DEFAULT_MAX_KERNELS,
        config=True,
        help="Most kernels alive at once (viewers' and preheated); beyond it pages answer 503.",
    )
    cull_connected_timeout = Integer(
        DEFAULT_CULL_CONNECTED,
        config=True,
        help="Cull a kernel idle this many seconds even with its websocket open (0: never).",
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._starting = 0

    def kernel_load(self) -> int:
        """Kernels alive plus kernels being started."""
        return len(self._kernels) + self._starting

    def _pool_ready(self, notebook: str) -> bool:
        """True if Voila's pool holds an executed kernel for ``notebook`` that the next page
        request would take (``VoilaKernelManager._pools``: first task done without error)."""
        pool = getattr(self, "_pools", {}).get(notebook) or []
        first = pool[0] if pool else None
        return bool(
            first is not None
            and first.done()
            and not first.cancelled()
            and first.exception() is None
        )

    def has_room(self, notebook: str) -> bool:
        """True if a page of ``notebook`` can be served now: a preheated kernel is ready for
        it, or one more kernel stays within ``max_kernels``."""
        return self._pool_ready(notebook) or self.kernel_load() < self.max_kernels

    async def start_kernel(self, *args, **kwargs):
        env = kwargs.get("env") or {}
        if env.get("VOILA_PREHEAT") == "True":  # a pool refill (voila_kernel_manager.py)
            while self.kernel_load() >= self.max_kernels:
                await asyncio.sleep(1.0)
        elif self.kernel_load() >= self.max_kernels:
            self.log.warning("Kernel ceiling of %d reached: page refused", self.max_kernels)
            raise HTTPError(503)
        kwargs["extra_arguments"] = [*kwargs.get("extra_arguments", []), *KERNEL_ARGUMENTS]
        self._starting += 1
        try:
            return await super().start_kernel(*args, **kwargs)
        finally:
            self._starting -= 1

    async def cull_kernel_if_idle(self, kernel_id):
        kernel = self._kernels.get(kernel_id)
        connections = self._kernel_connections.get(kernel_id, 0)
        timeout = self.cull_connected_timeout
        if kernel is not None and connections and timeout > 0 and hasattr(kernel, "last_activity"):
            idle = (utcnow() - kernel.last_activity).total_seconds()
            busy = getattr(kernel, "execution_state", None) == "busy"
            if idle > timeout and (self.cull_busy or not busy):
                self.log.warning(
                    "Culling kernel %s with %d open websocket(s) after %d s of inactivity",
                    kernel_id,
                    connections,
                    idle,
                )
                await ensure_async(self.shutdown_kernel(kernel_id))
                return
        await super().cull_kernel_if_idle(kernel_id)


# ---------------------------------------------------------------------------------------------
# the application
# ---------------------------------------------------------------------------------------------


class AppsVoila(Voila):
    """Voila serving a folder: the root URL redirected to the landing page, the hardened
    kernel websocket, page handler and kernel manager of this module.

    Everything else — configuration (``voila.json``, command-line options), kernels, handlers —
    is Voila's own. The redirect is temporary (302) so that browsers do not remember it.
    """

    description = "Voila serving the Huainan apps; / opens the landing page (首页)."

    def init_settings(self) -> dict:
        configured = self.voila_configuration.multi_kernel_manager_class
        if not issubclass(configured, AppsKernelManager):
            if configured is not AsyncMappingKernelManager:
                self.log.warning(
                    "multi_kernel_manager_class %s replaced by AppsKernelManager", configured
                )
            self.voila_configuration.multi_kernel_manager_class = AppsKernelManager
        settings = super().init_settings()
        # tornado consults these when no rule matches a request
        settings["default_handler_class"] = PageNotFound
        settings["default_handler_args"] = {"voila_configuration": self.voila_configuration}
        # tornado closes a websocket whose message is larger, before reading it
        settings["websocket_max_message_size"] = MAX_MESSAGE_BYTES
        return settings

    def init_handlers(self) -> list:
        replace = {
            VoilaKernelWebsocketHandler: AppsKernelWebsocketHandler,
            TornadoVoilaHandler: AppsVoilaHandler,
        }
        handlers = []
        for rule in super().init_handlers():
            if rule[1] in replace:
                rule = (rule[0], replace[rule[1]], *rule[2:])
            handlers.append(rule)
        if self.notebook_path:  # one notebook: Voila already renders it at /
            return handlers
        root = url_path_join(self.server_url, "/")
        # tornado tries rules in order: this one comes before Voila's file list at the root
        return [
            (root, RedirectHandler, {"url": home_path(self.server_url), "permanent": False}),
            *handlers,
        ]


def with_template_path(environ: dict[str, str]) -> dict[str, str]:
    """``environ`` with :data:`TEMPLATE_ROOT` first on ``JUPYTER_PATH`` (Jupyter's search path
    for data files: Voila looks for templates in ``<each entry>/voila/templates``).

    Examples
    --------
    >>> env = with_template_path({"JUPYTER_PATH": "/x"})
    >>> env["JUPYTER_PATH"] == os.pathsep.join([str(TEMPLATE_ROOT), "/x"])
    True
    """
    rest = [
        p
        for p in environ.get("JUPYTER_PATH", "").split(os.pathsep)
        if p and p != str(TEMPLATE_ROOT)
    ]
    return {**environ, "JUPYTER_PATH": os.pathsep.join([str(TEMPLATE_ROOT), *rest])}


def main(argv: list[str] | None = None) -> None:
    """Start :class:`AppsVoila` (arguments as for ``voila``; default ``sys.argv[1:]``)."""
    os.environ.update(with_template_path(dict(os.environ)))
    AppsVoila.launch_instance(argv)


if __name__ == "__main__":
    main()
