"""A scripted viewer of the apps: opens a page and drives its widgets through the page's kernel
websocket, as the browser's widget manager does (server tests and ``benchmarks/bench_load.py``).

A browser loads a Voila page in two steps: the HTML (the notebook executed in a new kernel, or
a preheated one) and then the kernel websocket, over which the widget manager asks the kernel
for the state of every widget (the ``jupyter.widget.control`` comm) and sends the user's changes
(``comm_msg`` ``update`` to the control's comm). :class:`KernelSocket` does the same with the
kernel-websocket protocol ``v1.kernel.websocket.jupyter.org`` that JupyterLab's front end (and so
Voila's) speaks; frames are built and read with jupyter_server's own
``serialize_msg_to_ws_v1`` / ``deserialize_msg_from_ws_v1`` and messages with
``jupyter_client.session.Session`` — no protocol code of our own beyond choosing the fields.

Everything is asyncio (tornado's HTTP and websocket clients), so one process can play many
viewers at once. Only for talking to a server on 127.0.0.1 that the caller started.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from jupyter_client.session import Session
from jupyter_server.services.kernels.connection.base import (
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

from huainan.apps.server import HOST

#: The kernel-websocket subprotocol of JupyterLab 4 / Voila 0.5 front ends.
V1 = "v1.kernel.websocket.jupyter.org"
#: What the client accepts from the server in one message (chart PNGs are ~50–200 KB).
CLIENT_MAX_MESSAGE = 64 * 2**20


@dataclass
class PageLoad:
    """One page request: HTTP status, the HTML, its kernel and how long it took."""

    status: int
    html: str
    seconds: float
    kernel_id: str | None = None

    @property
    def busy(self) -> bool:
        """True for the server's "too many viewers" page (HTTP 503, 系统繁忙)."""
        return self.status == 503


def page_url(port: int, page: str, query: str = "") -> str:
    """``http://127.0.0.1:<port>/voila/render/<page>[?query]``."""
    return f"http://{HOST}:{int(port)}/voila/render/{page}" + (f"?{query}" if query else "")


async def fetch_page(port: int, page: str, *, query: str = "", timeout: float = 180.0) -> PageLoad:
    """GET one app page (the notebook is executed for it) and find its kernel id.

    Returns
    -------
    PageLoad
        ``kernel_id`` from the page's ``jupyter-config-data`` (``None`` on an error page).
    """
    start = time.perf_counter()
    request = HTTPRequest(page_url(port, page, query), request_timeout=timeout)
    try:
        response = await AsyncHTTPClient().fetch(request, raise_error=False)
    except HTTPClientError as exc:  # pragma: no cover - raise_error=False returns errors
        return PageLoad(exc.code, "", time.perf_counter() - start)
    html = (response.body or b"").decode("utf-8", errors="replace")
    found = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', html)
    return PageLoad(
        response.code, html, time.perf_counter() - start, found.group(1) if found else None
    )


@dataclass
class Message:
    """One kernel message as the front end receives it."""

    channel: str
    header: dict
    parent_header: dict
    metadata: dict
    content: dict
    buffers: list[bytes] = field(default_factory=list)

    @property
    def msg_type(self) -> str:
        return str(self.header.get("msg_type", ""))


class KernelSocket:
    """The kernel websocket of one page, spoken like the front end (protocol :data:`V1`).

    Open it with :meth:`open`; close it with :meth:`close`.
    """

    def __init__(self, conn: WebSocketClientConnection):
        self.conn = conn
        self.session = Session(key=uuid.uuid4().hex.encode(), username="viewer")
        self.states: dict[str, dict] = {}
        self._pending: list[Message] = []

    @classmethod
    async def open(
        cls,
        port: int,
        kernel_id: str,
        *,
        subprotocols: tuple[str, ...] = (V1,),
        timeout: float = 30.0,
    ) -> KernelSocket:
        """Connect to ``/api/kernels/<kernel_id>/channels`` offering ``subprotocols``.

        Raises
        ------
        tornado.httpclient.HTTPClientError
            If the server refuses the handshake (e.g. 400 without :data:`V1`).
        """
        url = (
            f"ws://{HOST}:{int(port)}/api/kernels/{kernel_id}/channels"
            f"?session_id={uuid.uuid4().hex}"
        )
        conn = await asyncio.wait_for(
            websocket_connect(
                HTTPRequest(url, connect_timeout=timeout, request_timeout=timeout),
                subprotocols=list(subprotocols) or None,
                max_message_size=CLIENT_MAX_MESSAGE,
            ),
            timeout,
        )
        return cls(conn)

    @property
    def subprotocol(self) -> str | None:
        return self.conn.selected_subprotocol

    def close(self) -> None:
        self.conn.close()

    # -- sending
    def frame(
        self,
        msg_type: str,
        content: dict,
        *,
        channel: str = "shell",
        buffers: list[bytes] | tuple[bytes, ...] = (),
        metadata: dict | None = None,
    ) -> tuple[str, bytes]:
        """A v1 frame carrying one message, and the message id."""
        msg = self.session.msg(msg_type, content, metadata=metadata or {})
        parts = [
            self.session.pack(msg["header"]),
            self.session.pack(msg["parent_header"]),
            self.session.pack(msg["metadata"]),
            self.session.pack(msg["content"]),
            *[bytes(b) for b in buffers],
        ]
        return msg["header"]["msg_id"], serialize_msg_to_ws_v1(parts, channel)

    async def send(self, msg_type: str, content: dict, **kwargs: Any) -> str:
        """Send one message; return its id."""
        msg_id, frame = self.frame(msg_type, content, **kwargs)
        await self.conn.write_message(frame, binary=True)
        return msg_id

    async def send_frame(self, frame: bytes | str) -> None:
        """Send a raw frame as it is (binary for bytes, text for str)."""
        await self.conn.write_message(frame, binary=isinstance(frame, bytes))

    # -- receiving
    async def recv(self, timeout: float = 30.0) -> Message | None:
        """The next message, or ``None`` if the server closed the socket.

        Raises
        ------
        TimeoutError
            If nothing arrives within ``timeout`` seconds.
        """
        if self._pending:
            return self._pending.pop(0)
        frame = await asyncio.wait_for(self.conn.read_message(), timeout)
        if frame is None:
            return None
        if isinstance(frame, str):  # the legacy JSON protocol
            raw = json.loads(frame)
            return Message(
                raw.get("channel", ""),
                raw.get("header", {}),
                raw.get("parent_header", {}),
                raw.get("metadata", {}),
                raw.get("content", {}),
            )
        channel, parts = deserialize_msg_from_ws_v1(frame)
        header, parent, metadata, content = (json.loads(p) for p in parts[:4])
        return Message(channel, header, parent, metadata, content, [bytes(b) for b in parts[4:]])

    async def collect(self, seconds: float) -> list[Message]:
        """Every message arriving within ``seconds`` (stops early if the socket closes)."""
        out: list[Message] = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                msg = await self.recv(left)
            except TimeoutError:
                break
            if msg is None:
                break
            out.append(msg)
        return out

    async def closed(self, timeout: float = 10.0) -> bool:
        """True if the server closes the socket within ``timeout`` seconds (messages dropped)."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                if await self.recv(left) is None:
                    return True
            except TimeoutError:
                return False
        return False

    # -- widgets
    async def widget_states(self, timeout: float = 60.0) -> dict[str, dict]:
        """Ask the kernel for every widget's state (as the widget manager does on page load).

        Returns
        -------
        dict
            model id → ``{"model_name": …, "state": {…}}``; also kept in :attr:`states`.
        """
        comm_id = uuid.uuid4().hex
        await self.send(
            "comm_open",
            {"comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}},
            metadata={"version": "1.0.0"},
        )
        await self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}})
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            msg = await self.recv(left)
            if msg is None:
                raise ConnectionError("the server closed the kernel websocket")
            data = msg.content.get("data", {}) if msg.msg_type == "comm_msg" else {}
            if data.get("method") == "update_states":
                self.states = data["states"]
                return self.states
        raise TimeoutError("no widget states")

    def find(self, model_name: str, css_class: str) -> str:
        """Model id of the widget of ``model_name`` carrying ``css_class`` (``hn-indicator`` …)."""
        for model_id, entry in self.states.items():
            state = entry.get("state", {})
            if entry.get("model_name") == model_name and css_class in state.get("_dom_classes", []):
                return model_id
        raise KeyError(f"no {model_name} with class {css_class}")

    def image_in(self, css_class: str) -> str:
        """Model id of the chart image inside the panel with ``css_class`` (a ChartPanel)."""
        box = self.find("VBoxModel", css_class)
        for child in self.states[box]["state"]["children"]:
            model_id = child.removeprefix("IPY_MODEL_")
            if self.states.get(model_id, {}).get("model_name") == "ImageModel":
                return model_id
        raise KeyError(f"no image in {css_class}")

    async def update(
        self,
        model_id: str,
        state: dict,
        *,
        buffer_paths: list | None = None,
        buffers: list[bytes] | tuple[bytes, ...] = (),
    ) -> str:
        """Send a widget state change, as the front end does when a control is used."""
        data: dict[str, Any] = {"method": "update", "state": state}
        if buffer_paths is not None:
            data["buffer_paths"] = buffer_paths
        return await self.send(
            "comm_msg", {"comm_id": model_id, "data": data}, buffers=list(buffers)
        )

    async def wait_update(
        self, model_id: str, key: str, *, timeout: float = 60.0, keep: bool = False
    ) -> Message:
        """Wait for the kernel to send a new ``key`` of widget ``model_id`` (echoes ignored).

        Other messages are dropped, unless ``keep`` (then they are returned by later
        :meth:`recv` calls).
        """
        skipped: list[Message] = []
        deadline = time.monotonic() + timeout
        try:
            while (left := deadline - time.monotonic()) > 0:
                msg = await self.recv(left)
                if msg is None:
                    raise ConnectionError("the server closed the kernel websocket")
                data = msg.content.get("data", {}) if msg.msg_type == "comm_msg" else {}
                # a binary value (an image) travels as a buffer, named in buffer_paths
                paths = [p[0] for p in data.get("buffer_paths", []) if p]
                if (
                    msg.content.get("comm_id") == model_id
                    and data.get("method") == "update"
                    and (key in data.get("state", {}) or key in paths)
                ):
                    return msg
                skipped.append(msg)
            raise TimeoutError(f"no update of {key} for {model_id}")
        finally:
            if keep:
                self._pending.extend(skipped)
