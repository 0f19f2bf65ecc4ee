"""`huainan serve`: Voila on 127.0.0.1 with the checked-in voila.json, stopped cleanly."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from huainan.apps import cache as app_cache
from huainan.apps import server, voila_app

HUAINAN = str(Path(sys.executable).with_name("huainan"))  # the console script of the venv


def test_voila_json_hides_code_and_tracebacks_preheats_and_culls():
    cfg = json.loads(server.CONFIG_FILE.read_text(encoding="utf-8"))
    v = cfg["VoilaConfiguration"]
    assert v["template"] == voila_app.TEMPLATE  # Chinese error messages, nothing from a CDN
    assert cfg["VoilaExporter"]["language_code"] == "zh"  # <html lang="zh">
    assert v["strip_sources"] is True and v["show_tracebacks"] is False
    assert v["preheat_kernel"] is True and v["default_pool_size"] == 1
    assert v["progressive_rendering"] is False  # incompatible with preheating
    k = cfg["MappingKernelManager"]
    assert k["cull_idle_timeout"] > 0 and k["cull_interval"] > 0
    assert cfg["Voila"]["ip"] == "127.0.0.1"
    # no URL parameter picks another template or theme; no traceback reaches a browser
    assert v["allow_template_override"] == "NO" and v["allow_theme_override"] == "NO"
    assert k["allow_tracebacks"] is False
    # a ceiling on kernels (~400 MB each on a 24 GB server) and culling of held websockets
    a = cfg["AppsKernelManager"]
    assert 0 < a["max_kernels"] * 0.4 <= 24 * 0.75
    assert a["cull_connected_timeout"] >= k["cull_idle_timeout"]


def test_the_four_pages_exist():
    for page in server.PAGES:
        assert (server.APPS_DIR / page).exists()


def test_busy_port_is_an_error_not_a_silent_move():
    with socket.socket() as s:
        s.bind((server.HOST, 0))
        s.listen()
        port = s.getsockname()[1]
        assert not server.port_free(port)
        r = subprocess.run(
            [HUAINAN, "serve", "--port", str(port)], capture_output=True, text=True, timeout=60
        )
    assert r.returncode == 1
    assert "already in use" in r.stderr


def _children(pid: int) -> dict[int, str]:
    """Child processes of ``pid`` and their state letter (``Z`` = zombie, ``<defunct>``)."""
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        state, ppid = text.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid:
            out[int(stat.parent.name)] = state
    return out


def test_the_template_is_found_where_the_voila_app_puts_it():
    from voila.paths import collect_template_paths

    env = voila_app.with_template_path({"JUPYTER_PATH": ""})
    folder = voila_app.TEMPLATE_ROOT / "voila" / "templates" / voila_app.TEMPLATE
    for name in ("conf.json", "index.html.j2", "error.html", "404.html"):
        assert (folder / name).is_file()
    assert env["JUPYTER_PATH"] == str(voila_app.TEMPLATE_ROOT)
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = env["JUPYTER_PATH"]
    try:
        paths = collect_template_paths(["voila", "nbconvert"], voila_app.TEMPLATE, prune=True)
    finally:
        if old is None:
            del os.environ["JUPYTER_PATH"]
        else:
            os.environ["JUPYTER_PATH"] = old
    # ours first, then Voila's lab template it extends
    assert paths[0] == str(folder)
    assert any(p.endswith(os.path.join("voila", "templates", "lab")) for p in paths)


@pytest.mark.slow
def test_serve_opens_at_the_landing_page_reaps_prerender_and_stops_on_sigterm(tmp_path):
    # a chart cache already complete for the current data and code: prerender has nothing to
    # draw and ends within seconds, while Voila goes on serving
    cache = tmp_path / "cache"
    (cache / app_cache.inputs_fingerprint()).mkdir(parents=True)
    (cache / app_cache.inputs_fingerprint() / app_cache.PngCache.COMPLETE).write_text("test")
    port = server.free_port()
    proc = subprocess.Popen(
        [HUAINAN, "serve", "--port", str(port), "--no-preheat"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, "HUAINAN_CACHE_DIR": str(cache)},
    )
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline and status is None:
            assert proc.poll() is None, proc.stdout.read().decode()
            status = server.root_status(port)
            time.sleep(0.5)
        # the root is not Voila's English file list but a redirect to 首页
        assert status == (302, "/voila/render/index.ipynb")
        # followed, it gives the landing page, executed on request and without code
        with urllib.request.urlopen(server.root_url(port), timeout=120) as r:
            assert r.url == server.url(port, "index.ipynb")
            page = r.read().decode("utf-8")
        assert "淮南市“十四五”公共服务规划 监测与分析" in page
        assert "from huainan" not in page
        assert '<html lang="zh">' in page
        # nothing on the page is fetched from a CDN (Font Awesome comes with Voila's bundle)
        assert "cdn.jsdelivr.net" not in page and "cdnjs" not in page
        # the prerender child ends and is reaped at once: no <defunct> child while serving
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(_children(proc.pid)) > 1:
            time.sleep(0.5)
        kids = _children(proc.pid)
        assert len(kids) == 1 and "Z" not in kids.values(), kids  # Voila alone, running
    finally:
        proc.send_signal(signal.SIGTERM)  # stopped by the PID we started
        out, _ = proc.communicate(timeout=60)
    log = out.decode("utf-8", errors="replace")
    assert proc.returncode is not None
    assert f"首页：{server.url(port, 'index.ipynb')}" in log  # the address officials open
    assert "chart cache" in log and "complete: nothing to draw" in log  # prerender ran
    assert "chart prerender exited" not in log
    assert "Kernel shutdown" in log  # Voila shut the page's kernel down on SIGTERM


@pytest.mark.slow
def test_failing_cell_and_missing_page_say_so_in_chinese(tmp_path):
    # a folder served like notebooks/apps (its voila.json, the huainan template) with a notebook
    # whose cell fails: Voila's English notice is replaced, the traceback goes to the log only
    cfg = json.loads(server.CONFIG_FILE.read_text(encoding="utf-8"))
    cfg["VoilaConfiguration"]["preheat_kernel"] = False
    (tmp_path / "voila.json").write_text(json.dumps(cfg), encoding="utf-8")
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": "1 / 0",
            }
        ],
        "metadata": {
            "kernelspec": {"name": "huainan", "display_name": "huainan", "language": "python"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (tmp_path / "broken.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    log = tmp_path / "voila.log"
    port = server.free_port()
    cmd = server.voila_command(port, preheat=False)
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        server.wait_ready(port, proc, log=log, timeout=90)
        with urllib.request.urlopen(server.url(port, "broken.ipynb"), timeout=120) as r:
            page = r.read().decode("utf-8")
        assert "生成页面时出错" in page and "技术细节已记录在服务器日志中" in page
        assert "There was an error" not in page and "ZeroDivisionError" not in page
        # a notebook that is not there, and an address no route matches: the same Chinese page
        for address in (
            server.url(port, "no-such-page.ipynb"),
            server.root_url(port) + "no/such/address",
        ):
            try:
                urllib.request.urlopen(address, timeout=30)
                raise AssertionError(f"{address} must answer 404")
            except urllib.error.HTTPError as exc:
                assert exc.code == 404
                missing = exc.read().decode("utf-8")
            assert "页面不存在（404）" in missing and "返回首页" in missing
            assert "cdn.jsdelivr.net" not in missing
    finally:
        server.stop(proc)  # by the PID we started
    assert "ZeroDivisionError" in log.read_text(encoding="utf-8", errors="replace")


def test_widget_front_end_speaks_the_kernel_widgets_protocol():
    # ipywidgets 8 (kernel side) writes model version 2.0.0 of @jupyter-widgets/controls, which
    # the JupyterLab widget manager of jupyterlab_widgets 3.0 (@jupyter-widgets/controls 5,
    # base 6) renders; Voila 0.5 loads that manager from the environment (it bundles only a
    # manager for ipywidgets 7). pyproject pins ipywidgets 8.1.x and jupyterlab_widgets 3.0.x.
    import ipywidgets

    manager = Path(
        sys.prefix,
        "share",
        "jupyter",
        "labextensions",
        "@jupyter-widgets",
        "jupyterlab-manager",
        "package.json",
    )
    deps = json.loads(manager.read_text(encoding="utf-8"))["dependencies"]
    assert deps["@jupyter-widgets/controls"].lstrip("^~").split(".")[0] == "5"
    assert deps["@jupyter-widgets/base"].lstrip("^~").split(".")[0] == "6"
    assert ipywidgets.IntSlider()._model_module_version == "2.0.0"
    assert ipywidgets.__version__.startswith("8.1.")


# ---------------------------------------------------------------------------------------------
# restarting at once; the chart cache's own folders only
# ---------------------------------------------------------------------------------------------


def _time_wait_on(port: int) -> None:
    """Leave a connection of a stopped server on ``port`` in TIME-WAIT, as a server that
    closed its clients' connections at shutdown does (the side that closes first waits)."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((server.HOST, port))
        listener.listen()
        client = socket.create_connection((server.HOST, port))
        conn, _ = listener.accept()
        conn.close()  # the server closes first ...
        client.recv(1)  # ... the client sees the end and closes too
        client.close()
    time.sleep(0.2)


def test_a_port_in_time_wait_is_free_for_the_server():
    port = server.free_port()
    _time_wait_on(port)
    states = Path("/proc/net/tcp").read_text()
    assert f":{port:04X} " in states  # the connection is still there, in TIME-WAIT (06)
    # tornado binds with SO_REUSEADDR and can listen here now: so may huainan serve
    assert server.port_free(port)
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((server.HOST, port))
        s.listen()
        assert not server.port_free(port)  # a listening server still makes it busy


@pytest.mark.slow
def test_serve_restarts_at_once_after_a_stop_with_clients(tmp_path):
    cache = tmp_path / "cache"
    (cache / app_cache.inputs_fingerprint()).mkdir(parents=True)
    (cache / app_cache.inputs_fingerprint() / app_cache.PngCache.COMPLETE).write_text("test")
    port = server.free_port()
    env = {**os.environ, "HUAINAN_CACHE_DIR": str(cache)}

    def serve():
        return subprocess.Popen(
            [HUAINAN, "serve", "--port", str(port), "--no-preheat", "--no-prerender"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
        )

    def up(proc) -> bool:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            if server.root_status(port) is not None:
                return True
            time.sleep(0.3)
        return False

    first = serve()
    try:
        assert up(first)
        # a client keeps a connection open (a browser does): the server closes it on stop
        client = socket.create_connection((server.HOST, port))
        client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        client.recv(1024)
    finally:
        first.send_signal(signal.SIGTERM)  # stopped by the PID we started
        first.communicate(timeout=60)
    client.close()
    second = serve()
    try:
        assert up(second), second.stdout.read().decode() if second.poll() is not None else ""
    finally:
        second.send_signal(signal.SIGTERM)
        out, _ = second.communicate(timeout=60)
    assert "already in use" not in out.decode("utf-8", errors="replace")


def test_cache_cleanup_deletes_only_its_own_folders(tmp_path):
    marker = ".huainan-chart-cache"  # app_cache.PngCache.MARKER
    root = tmp_path / "cache"
    old = app_cache.PngCache(root, fingerprint="0123456789abcdef")
    old.put(("k",), b"\x89PNG old")  # a folder the cache created: marked
    # what else an administrator keeps under HUAINAN_CACHE_DIR
    (root / "reports").mkdir()
    (root / "reports" / "2025.xlsx").write_bytes(b"data")
    (root / "fedcba9876543210").mkdir()  # looks like a cache folder, has no marker
    (root / "fedcba9876543210" / "chart.png").write_bytes(b"\x89PNG")
    (root / "notes.txt").write_text("keep", encoding="utf-8")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / marker).write_text("x", encoding="utf-8")
    (root / "link").symlink_to(outside, target_is_directory=True)
    current = app_cache.PngCache(root, fingerprint="ffffffffffffffff")
    current.put(("k",), b"\x89PNG new")
    deleted = current.prune()
    assert (root / "reports" / "2025.xlsx").read_bytes() == b"data"
    assert (root / "fedcba9876543210" / "chart.png").exists()
    assert (root / "notes.txt").exists() and (outside / marker).exists()
    assert deleted == 1 and not old.folder.exists()
    assert app_cache.PngCache.MARKER == marker and (current.folder / marker).is_file()
    assert current.get(("k",)) == b"\x89PNG new"
    assert app_cache.PngCache(tmp_path / "none", fingerprint="x").prune() == 0
