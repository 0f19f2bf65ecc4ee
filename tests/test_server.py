"""`huainan serve`: Voila on 127.0.0.1 with the checked-in voila.json, stopped cleanly."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from huainan import server

HUAINAN = str(Path(sys.executable).with_name("huainan"))  # the console script of the venv


def test_voila_json_hides_code_and_tracebacks_preheats_and_culls():
    cfg = json.loads(server.CONFIG_FILE.read_text(encoding="utf-8"))
    v = cfg["VoilaConfiguration"]
    assert v["strip_sources"] is True and v["show_tracebacks"] is False
    assert v["preheat_kernel"] is True and v["default_pool_size"] == 1
    assert v["progressive_rendering"] is False  # incompatible with preheating
    k = cfg["MappingKernelManager"]
    assert k["cull_idle_timeout"] > 0 and k["cull_interval"] > 0
    assert cfg["Voila"]["ip"] == "127.0.0.1"


def test_the_four_pages_exist():
    for page in server.PAGES:
        assert (server.APPS_DIR / page).exists()


def test_busy_port_is_an_error_not_a_silent_move():
    with socket.socket() as s:
        s.bind((server.HOST, 0))
        s.listen()
        port = s.getsockname()[1]
        assert not server.port_free(port)
        r = subprocess.run([HUAINAN, "serve", "--port", str(port)],
                           capture_output=True, text=True, timeout=60)
    assert r.returncode == 1
    assert "already in use" in r.stderr


@pytest.mark.slow
def test_serve_command_serves_the_pages_and_stops_on_sigterm(tmp_path):
    port = server.free_port()
    proc = subprocess.Popen([HUAINAN, "serve", "--port", str(port), "--no-preheat",
                             "--no-prerender"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline and status != 200:
            assert proc.poll() is None, proc.stdout.read().decode()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    status = r.status
            except OSError:
                time.sleep(0.5)
        assert status == 200
        # the landing page is executed on request (no preheating here) and has no code in it
        with urllib.request.urlopen(server.url(port, "index.ipynb"), timeout=120) as r:
            page = r.read().decode("utf-8")
        assert "淮南市“十四五”公共服务规划 监测与分析" in page
        assert "from huainan" not in page
    finally:
        proc.send_signal(signal.SIGTERM)  # stopped by the PID we started
        out, _ = proc.communicate(timeout=60)
    log = out.decode("utf-8", errors="replace")
    assert proc.returncode is not None
    assert f"http://127.0.0.1:{port}/" in log
    assert "Kernel shutdown" in log  # Voila shut the page's kernel down on SIGTERM


def test_widget_front_end_speaks_the_kernel_widgets_protocol():
    # ipywidgets 8 (kernel side) writes model version 2.0.0 of @jupyter-widgets/controls, which
    # the JupyterLab widget manager of jupyterlab_widgets 3.0 (@jupyter-widgets/controls 5,
    # base 6) renders; Voila 0.5 loads that manager from the environment (it bundles only a
    # manager for ipywidgets 7). pyproject pins ipywidgets 8.1.x and jupyterlab_widgets 3.0.x.
    import ipywidgets

    manager = Path(sys.prefix, "share", "jupyter", "labextensions", "@jupyter-widgets",
                   "jupyterlab-manager", "package.json")
    deps = json.loads(manager.read_text(encoding="utf-8"))["dependencies"]
    assert deps["@jupyter-widgets/controls"].lstrip("^~").split(".")[0] == "5"
    assert deps["@jupyter-widgets/base"].lstrip("^~").split(".")[0] == "6"
    assert ipywidgets.IntSlider()._model_module_version == "2.0.0"
    assert ipywidgets.__version__.startswith("8.1.")
