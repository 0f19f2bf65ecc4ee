"""The app server under hostile clients (issue 15): it stays responsive, refuses what a browser
never sends, prints nothing from a request unescaped, and keeps a ceiling on kernels.

Each server is started as ``huainan serve`` starts Voila (:func:`huainan.apps.server.start`, a
process group of its own), on a free port of 127.0.0.1, serving a temporary folder with the
project's ``voila.json`` and a few notebooks, and stopped by its PID. A client plays the
browser through the kernel websocket (:mod:`huainan.apps.viewer`). "Responsive" means the
server answers ``GET /`` within :data:`ANSWER_S` seconds — before the fixes the first two
reproductions froze its event loop, so the probe times out (the test fails instead of hanging)
and the server is then killed by its process group.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest
from tornado.httpclient import HTTPClientError
from tornado.websocket import WebSocketClosedError

from huainan.apps import server, viewer

pytestmark = pytest.mark.slow

#: Seconds a responsive server takes at most to answer GET / (a redirect, no kernel).
ANSWER_S = 15.0

UPLOAD_NB = """\
import ipywidgets as W
from huainan.apps.base import guard


def build():
    upload = W.FileUpload(accept=".xlsx", multiple=False, description="上传")
    upload.add_class("hn-upload")
    got = W.HTML("尚未上传")
    got.add_class("hn-received")

    def show(change):
        got.value = "; ".join(f"{f['name']} {len(f['content'])}" for f in change["new"])

    upload.observe(show, names="value")
    return W.VBox([upload, got])


guard("上传测试", build)
"""


def notebook(source: str) -> dict:
    return {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": source,
            }
        ],
        "metadata": {
            "kernelspec": {"name": "huainan", "display_name": "huainan", "language": "python"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def make_folder(folder: Path, *, preheat: bool, apps: bool) -> Path:
    """A folder served like notebooks/apps: its voila.json, ``tiny.ipynb``, and with ``apps``
    copies of the three apps and ``upload.ipynb`` (a FileUpload built through ``guard``)."""
    folder.mkdir(parents=True, exist_ok=True)
    cfg = json.loads(server.CONFIG_FILE.read_text(encoding="utf-8"))
    cfg["VoilaConfiguration"]["preheat_kernel"] = preheat
    (folder / "voila.json").write_text(json.dumps(cfg), encoding="utf-8")
    (folder / "tiny.ipynb").write_text(json.dumps(notebook("1 + 1")), encoding="utf-8")
    if apps:
        for page in ("monitor.ipynb", "regions.ipynb", "whatif.ipynb"):
            shutil.copy(server.APPS_DIR / page, folder / page)
        (folder / "upload.ipynb").write_text(json.dumps(notebook(UPLOAD_NB)), encoding="utf-8")
    return folder


def answers(port: int) -> bool:
    """True if the server answers GET / (a redirect: no kernel is started) in time."""
    return server.root_status(port, timeout=ANSWER_S) is not None


def kernels(pid: int) -> list[int]:
    """PIDs of the kernel processes the server ``pid`` started."""
    out = []
    try:
        children = psutil.Process(pid).children()
    except psutil.NoSuchProcess:
        return out
    for child in children:
        try:
            if any("ipykernel" in part for part in child.cmdline()):
                out.append(child.pid)
        except psutil.Error:  # gone meanwhile, or not ours to read
            continue
    return out


def get(port: int, path: str, timeout: float = 120.0) -> tuple[int, str, dict]:
    """Status, body and headers of ``GET path`` (errors included, redirects followed)."""
    try:
        with urllib.request.urlopen(server.root_url(port) + path, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", errors="replace"), dict(r.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", errors="replace"), dict(exc.headers)


def run(coro, timeout: float = 300.0):
    """Run a client coroutine to its end, in a thread of its own (with an event loop of its
    own: the session's Playwright browser, if the browser tests ran first, keeps one running in
    this thread)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, asyncio.wait_for(coro, timeout)).result()


def no_traceback_in(messages: list[viewer.Message]) -> None:
    """Nothing the browser received names a traceback or a file on the server."""
    text = json.dumps([[m.msg_type, m.content] for m in messages], ensure_ascii=False)
    for forbidden in ("Traceback", "site-packages", str(server.APPS_DIR.parent.parent), ".py"):
        assert forbidden not in text, (forbidden, text[:2000])


@pytest.fixture(scope="module")
def apps(tmp_path_factory):
    """A server of the three apps and an upload page, kernels started on request."""
    tmp = tmp_path_factory.mktemp("hardening")
    folder = make_folder(tmp / "apps", preheat=False, apps=True)
    log, cache = tmp / "voila.log", tmp / "chart-cache"
    port = server.free_port()
    proc = server.start(
        port, preheat=False, log=log, env={"HUAINAN_CACHE_DIR": str(cache)}, folder=folder
    )
    try:
        server.wait_ready(port, proc, log=log, timeout=120)
        yield {"port": port, "proc": proc, "log": log, "cache": cache}
    finally:
        server.stop(proc, timeout=10)  # by its PID; a frozen server gets SIGKILL (its group)


# ---------------------------------------------------------------------------------------------
# 1. no client freezes the server
# ---------------------------------------------------------------------------------------------


def test_legacy_protocol_client_cannot_freeze_the_server(apps):
    # reproduction (a): a kernel websocket without the v1 subprotocol, then a control change
    # (the kernel answers with a chart: a binary message Voila misread and looped on)
    port = apps["port"]

    async def scenario():
        page = await viewer.fetch_page(port, "monitor.ipynb")
        assert page.status == 200 and page.kernel_id
        try:
            ks = await viewer.KernelSocket.open(port, page.kernel_id, subprotocols=())
        except HTTPClientError as exc:
            return exc.code, page.kernel_id
        session = ks.session

        def legacy(msg_type, content, metadata=None):
            msg = session.msg(msg_type, content, metadata=metadata or {})
            return json.dumps({**msg, "channel": "shell", "buffers": []}, default=str)

        await ks.send_frame(
            legacy(
                "comm_open",
                {"comm_id": "c1", "target_name": "jupyter.widget.control", "data": {}},
                {"version": "1.0.0"},
            )
        )
        await ks.send_frame(
            legacy("comm_msg", {"comm_id": "c1", "data": {"method": "request_states"}})
        )
        await ks.collect(5)
        return 101, page.kernel_id

    code, kernel_id = run(scenario())
    assert answers(port), "the server stopped answering"
    assert code == 400  # the handshake is refused: a browser always offers v1

    async def browser_like():  # the page's kernel still serves a v1 client
        ks = await viewer.KernelSocket.open(port, kernel_id)
        assert ks.subprotocol == viewer.V1
        await ks.widget_states()
        image = ks.image_in("hn-chart-trajectory")
        await ks.update(ks.find("DropdownModel", "hn-indicator"), {"index": 3})
        msg = await ks.wait_update(image, "value")
        ks.close()
        return msg

    assert run(browser_like()).buffers[0][:4] == b"\x89PNG"


def test_forged_v1_frames_are_dropped_and_the_server_stays_responsive(apps):
    # reproduction (b): one binary frame of eight 0xff bytes (offset count 2**64 - 1)
    port = apps["port"]
    page = run(viewer.fetch_page(port, "tiny.ipynb"))
    assert page.status == 200
    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    good = [b'{"msg_type": "kernel_info_request"}', b"{}", b"{}", b"{}"]
    frame = serialize_msg_to_ws_v1(good, "shell")
    forged = {
        "eight 0xff": b"\xff" * 8,
        "huge count": (10**12).to_bytes(8, "little") + b"\x00" * 64,
        "text frame": '{"channel": "shell"}',
        "too short": b"\x06\x00",
        "offset past the end": frame[:-1],
        "offsets backwards": frame[:16] + (1).to_bytes(8, "little") + frame[24:],
        "too many buffers": serialize_msg_to_ws_v1(good + [b"x"] * 40, "shell"),
        "iopub channel": serialize_msg_to_ws_v1(good, "iopub"),
        "header not JSON": serialize_msg_to_ws_v1([b"\xff"] + good[1:], "shell"),
        "header without msg_type": serialize_msg_to_ws_v1([b"[1]"] + good[1:], "shell"),
    }

    async def one(name, data):
        ks = await viewer.KernelSocket.open(port, page.kernel_id)
        await ks.send_frame(data)
        closed = await ks.closed(ANSWER_S)
        return name, closed

    for name, data in forged.items():
        name, closed = run(one(name, data))
        assert answers(port), f"{name}: the server stopped answering"
        assert closed, f"{name}: the server kept the socket open"
    log = apps["log"].read_text(encoding="utf-8", errors="replace")
    assert "Dropped a kernel websocket message" in log and "declares 18446744073709551615" in log


def test_an_8_mib_upload_passes_and_bigger_messages_are_dropped(apps):
    port = apps["port"]
    page = run(viewer.fetch_page(port, "upload.ipynb"))
    assert page.status == 200 and page.kernel_id

    def files(name: str, size: int):
        content = bytes(size)
        value = [{"name": name, "type": "", "size": size, "last_modified": 1.7e12}]
        return value, content

    async def scenario():
        ks = await viewer.KernelSocket.open(port, page.kernel_id)
        await ks.widget_states()
        upload = ks.find("FileUploadModel", "hn-upload")
        got = ks.find("HTMLModel", "hn-received")
        # 8 MiB, as the browser sends a chosen file: accepted and seen by the page's code
        value, content = files("报表.xlsx", 8 * 2**20)
        await ks.update(upload, {"value": value}, buffer_paths=[["value", 0, "content"]],
                        buffers=[content])  # fmt: skip
        msg = await ks.wait_update(got, "value", timeout=60)
        received = msg.content["data"]["state"]["value"]
        # 9 MiB fits in a websocket message but not in an upload: refused by the upload rule
        value, content = files("大.xlsx", 9 * 2**20)
        await ks.update(upload, {"value": value}, buffer_paths=[["value", 0, "content"]],
                        buffers=[content])  # fmt: skip
        later = await ks.collect(5)
        refused = not any(
            m.content.get("comm_id") == got and m.msg_type == "comm_msg" for m in later
        )
        # 17 MiB: more than a websocket message may carry; tornado closes the socket unread
        value, content = files("巨.xlsx", 17 * 2**20)
        try:
            await ks.update(
                upload,
                {"value": value},
                buffer_paths=[["value", 0, "content"]],
                buffers=[content],
            )
        except WebSocketClosedError:  # closed while the client was still sending
            closed = True
        else:
            closed = await ks.closed(ANSWER_S)
        return received, refused, closed, later

    received, refused, closed, later = run(scenario())
    assert received == f"报表.xlsx {8 * 2**20}"
    assert refused
    no_traceback_in(later)
    assert closed
    assert answers(port)


# ---------------------------------------------------------------------------------------------
# 2. no URL parameter changes the template or theme; nothing printed unescaped
# ---------------------------------------------------------------------------------------------


def test_template_and_theme_parameters_answer_404_without_a_kernel(apps):
    port, pid = apps["port"], apps["proc"].pid
    time.sleep(1.0)
    before = len(kernels(pid))
    script = "%22%3E%3Cscript%3Ealert(1)%3C/script%3E"
    for query in (
        f"theme={script}",
        "theme=dark",
        "template=lab",
        "template=reveal",
        "template=classic",
        "template=no-such-template",
        "template=huainan&template=lab",
    ):
        start = time.monotonic()
        status, body, _ = get(port, f"voila/render/tiny.ipynb?{query}", timeout=ANSWER_S)
        assert status == 404, query
        assert time.monotonic() - start < ANSWER_S
        assert "页面不存在（404）" in body and "返回首页" in body
        assert "<script>alert" not in body and "cdn.jsdelivr" not in body
    time.sleep(1.0)
    assert len(kernels(pid)) == before  # no kernel started for any of them
    # a hostile path is not printed back either
    status, body, _ = get(port, "voila/render/%3Cscript%3Ealert(1)%3C%2Fscript%3E.ipynb")
    assert status == 404 and "<script>alert" not in body
    status, body, _ = get(port, "no/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert status == 404 and "<script>alert" not in body
    # Voila's file list puts the query string into its page configuration and links
    status, body, _ = get(port, f"voila/tree?theme={script}&x={script}")
    assert status == 200 and "<script>alert" not in body and '"jupyterLabTheme": "light"' in body
    # the configured values themselves change nothing, and other parameters are not printed
    status, body, _ = get(port, f"voila/render/tiny.ipynb?template=huainan&theme=light&x={script}")
    assert status == 200 and "<script>alert" not in body


# ---------------------------------------------------------------------------------------------
# 4. widget values checked in the kernel, no traceback to the browser
# ---------------------------------------------------------------------------------------------


def test_widget_messages_are_checked_and_errors_carry_no_traceback(apps):
    port, cache = apps["port"], apps["cache"]

    async def whatif():
        page = await viewer.fetch_page(port, "whatif.ipynb")
        ks = await viewer.KernelSocket.open(port, page.kernel_id)
        await ks.widget_states()
        population = ks.find("FloatSliderModel", "hn-population")
        image = ks.image_in("hn-chart-capacity")
        start = ks.states[population]["state"]["value"]
        charts = len(list(cache.rglob("*.png")))
        for state in ({"value": 0.13}, {"value": 7.0}, {"max": 9.0, "value": 5.0}):
            await ks.update(population, state)
        # malformed messages that made ipywidgets and the comm package send tracebacks
        await ks.update(ks.find("DropdownModel", "hn-standard"), {"index": 99})
        await ks.send("comm_msg", {"comm_id": population, "data": {"nomethod": 1}})
        await ks.send("comm_msg", {"comm_id": population, "data": {"method": "update",
                      "state": {"value": 1.0}, "buffer_paths": [["value"]]}})  # fmt: skip
        await ks.send("comm_open", {"comm_id": "x", "target_name": "jupyter.widget.control",
                                    "data": {}}, metadata={"version": "9"})  # fmt: skip
        await ks.send("comm_msg", {"comm_id": "x", "data": {}})
        replies = await ks.collect(8)
        drawn_off_step = len(list(cache.rglob("*.png"))) - charts
        sent_back = [
            m.content["data"]["state"].get("value")
            for m in replies
            if m.content.get("comm_id") == population
            and m.content.get("data", {}).get("method") == "update"
        ]
        images = [m for m in replies if m.content.get("comm_id") == image]
        # a step of the slider as a browser sends it: redrawn and cached
        await ks.update(population, {"value": round(start - 0.1, 1)})
        await ks.wait_update(image, "value")
        drawn = len(list(cache.rglob("*.png"))) - charts
        ks.close()
        return replies, drawn_off_step, sent_back, images, start, drawn

    replies, drawn_off_step, sent_back, images, start, drawn = run(whatif())
    no_traceback_in(replies)
    assert not any(m.msg_type == "error" for m in replies)
    assert drawn_off_step == 0 and images == []
    assert sent_back and set(sent_back) == {start}  # the browser's slider goes back
    assert drawn == 1

    async def regions():  # the per-capita toggle is disabled for the default indicator
        page = await viewer.fetch_page(port, "regions.ipynb")
        ks = await viewer.KernelSocket.open(port, page.kernel_id)
        await ks.widget_states()
        basis = ks.find("ToggleButtonsModel", "hn-basis")
        assert ks.states[basis]["state"]["disabled"] is True
        bars = ks.image_in("hn-chart-bars")
        await ks.update(basis, {"index": 1})
        replies = await ks.collect(6)
        ks.close()
        return basis, bars, replies

    basis, bars, replies = run(regions())
    no_traceback_in(replies)
    assert not [m for m in replies if m.content.get("comm_id") == bars]
    back = [m.content["data"]["state"] for m in replies if m.content.get("comm_id") == basis]
    assert back and back[-1].get("index") == 0
    log = apps["log"].read_text(encoding="utf-8", errors="replace")
    assert "the control is disabled" in log and "is not on the 0.1 steps" in log


# ---------------------------------------------------------------------------------------------
# 3. a ceiling on kernels, culling of held websockets
# ---------------------------------------------------------------------------------------------


def test_kernel_ceiling_answers_busy_beyond_it(tmp_path):
    folder = make_folder(tmp_path / "tiny", preheat=False, apps=False)
    log, port = tmp_path / "voila.log", server.free_port()
    proc = server.start(port, preheat=False, log=log, folder=folder, max_kernels=2)
    try:
        server.wait_ready(port, proc, log=log, timeout=120)
        for _ in range(2):
            status, body, _ = get(port, "voila/render/tiny.ipynb")
            assert status == 200 and "系统繁忙" not in body
        status, body, headers = get(port, "voila/render/tiny.ipynb", timeout=ANSWER_S)
        assert status == 503
        assert "系统繁忙，请稍后再试" in body and "返回首页" in body
        assert headers.get("Retry-After") == "60"
        assert len(kernels(proc.pid)) == 2
    finally:
        server.stop(proc, timeout=10)


def test_kernel_ceiling_with_the_preheated_pool_and_culling_of_held_websockets(tmp_path):
    folder = make_folder(tmp_path / "tiny", preheat=True, apps=False)
    log, port = tmp_path / "voila.log", server.free_port()
    proc = server.start(
        port,
        log=log,
        folder=folder,
        max_kernels=2,
        args=(
            "--AppsKernelManager.cull_connected_timeout=4",
            "--MappingKernelManager.cull_interval=1",
        ),
    )

    def filled(n: int, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = log.read_text(encoding="utf-8", errors="replace")
            if text.count("Kernel pool of tiny.ipynb is filled") >= n:
                return
            time.sleep(0.3)
        raise AssertionError(f"pool not filled {n} times:\n{text[-3000:]}")

    try:
        server.wait_ready(port, proc, log=log, timeout=120, pages=("tiny.ipynb",))
        first = run(viewer.fetch_page(port, "tiny.ipynb"))  # takes the pool kernel
        assert first.status == 200
        filled(2)  # refilled: two kernels, the ceiling
        second = run(viewer.fetch_page(port, "tiny.ipynb"))  # takes the refilled one
        assert second.status == 200
        time.sleep(2.0)  # the refill waits for room instead of starting a third kernel
        assert len(kernels(proc.pid)) == 2
        third = run(viewer.fetch_page(port, "tiny.ipynb", timeout=ANSWER_S))
        assert third.busy and "系统繁忙，请稍后再试" in third.html

        # the first viewer holds its websocket and does nothing: culled after 4 s idle
        culled = f"Culling kernel {first.kernel_id} with 1 open websocket(s)"

        async def hold():
            ks = await viewer.KernelSocket.open(port, first.kernel_id)
            deadline = time.monotonic() + 40
            while time.monotonic() < deadline:
                if culled in log.read_text(encoding="utf-8", errors="replace"):
                    break
                await asyncio.sleep(0.5)
            ks.close()

        run(hold(), timeout=60)
        assert culled in log.read_text(encoding="utf-8", errors="replace")
        filled(3)  # room again: the pool is refilled
        fourth = run(viewer.fetch_page(port, "tiny.ipynb"))
        assert fourth.status == 200
        time.sleep(2.0)
        assert len(kernels(proc.pid)) == 2  # the ceiling holds: the next refill waits
    finally:
        server.stop(proc, timeout=10)
