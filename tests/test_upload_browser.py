"""The 报送 page and fresh data in a real browser (headless Debian Chromium, Playwright).

Its own Voila server on a copy of ``data/`` (``HUAINAN_DATA_DIR``) with an upload secret
(``HUAINAN_UPLOAD_TOKEN_FILE``, as ``huainan serve --upload-token-file`` passes it), stopped by
its PID. The officer's path: choose a file → the dry-run report in Chinese → confirm without the
secret (refused) → with the secret and a reason (stored). Then the monitor page, whose kernel
was preheated before the ingest, must show the new value and the store's new time stamp.
Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import shutil

import pytest

from huainan.apps import browser, server
from huainan.evidence import monitoring
from huainan.paths import REPO_ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = REPO_ROOT / "test-artifacts"
SECRET = "upload-secret-for-the-browser-test"
RETURN = (
    "区划代码,地区,指标,年份,数值,单位,数据来源\n"
    "340400,淮南市,人均预期寿命,2025,79.35,岁,淮南市卫生健康委员会（浏览器测试值）\n"
    "340400,淮南市,每千人口执业(助理)医师数,2025,412,人,浏览器测试值\n"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not browser.CHROMIUM.exists():
        pytest.skip(f"{browser.CHROMIUM} is not installed (.ci/run installs it)")
    root = tmp_path_factory.mktemp("upload-site")
    data = root / "data"
    shutil.copytree(REPO_ROOT / "data", data)
    token = root / "token"
    token.write_text(SECRET, encoding="utf-8")
    token.chmod(0o600)
    log = root / "voila.log"
    port = server.free_port()
    env = {
        "HUAINAN_DATA_DIR": str(data),
        "HUAINAN_CACHE_DIR": str(root / "cache"),
        server.UPLOAD_TOKEN_ENV: str(token),
    }
    proc = server.start(port, log=log, env=env)
    try:
        server.wait_ready(port, proc, log=log, timeout=180)
        yield {"port": port, "data": data, "root": root}
    finally:
        code = server.stop(proc)
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "voila-upload.log").write_bytes(log.read_bytes())
        assert code is not None


@pytest.fixture(scope="module")
def chromium(site, playwright_session, tmp_path_factory):
    context = browser.launch(playwright_session, tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield context
    finally:
        context.close()


def test_upload_check_confirm_and_fresh_monitor_page(chromium, site):
    store = site["data"] / "monitoring"
    # preheat the monitor page's kernel before the ingest (the pool holds one executed kernel)
    page, _ = browser.open_app(chromium, server.url(site["port"], "monitor.ipynb"), "monitor.ipynb")
    assert "部门监测数据：尚未导入" in page.inner_text("body")
    page.close()

    src = site["root"] / "县区报表.csv"
    src.write_text(RETURN, encoding="utf-8")
    page, _ = browser.open_app(chromium, server.url(site["port"], "upload.ipynb"), "upload.ipynb")
    try:
        assert browser.errors_on(page) == []
        page.fill(".hn-who input", "市卫健委 测试员")
        # ipywidgets' FileUpload opens the browser's file chooser from a detached <input>
        with page.expect_file_chooser() as chooser:
            page.click(".hn-upload")
        chooser.value.set_files(str(src))
        browser.wait_text(page, "hn-report", "需确认的数值", timeout=60)
        report = page.inner_text(".hn-report")
        assert "读取数值 2 个：新增 2" in report and "每千人口执业(助理)医师数" in report
        assert "像是总人数" in report
        browser.full_screenshot(page, ARTIFACTS / "upload-report.png")
        # confirm without the secret: refused, nothing written
        page.click(".hn-confirm-button")
        browser.wait_text(page, "hn-result", "入库口令不正确", timeout=30)
        assert not (store / monitoring.STORE_FILE).exists()
        # with the secret and a reason: stored
        page.fill(".hn-reason input", "核实：测试数据")
        page.fill(".hn-secret input", SECRET)
        page.click(".hn-confirm-button")
        browser.wait_text(page, "hn-result", "已入库", timeout=60)
        browser.full_screenshot(page, ARTIFACTS / "upload-done.png")
        assert "新增 2 个" in page.inner_text(".hn-result")
    finally:
        page.close()
    obs = monitoring.observations(store=store, provenance=True).set_index("indicator")
    assert obs.at["physicians_per_1000", "confirmation"] == "核实：测试数据"
    assert obs.at["life_expectancy", "ingested_by"] == "市卫健委 测试员（报送页面）"

    # the monitor page right after the ingest (its kernel was preheated before it)
    page, _ = browser.open_app(chromium, server.url(site["port"], "monitor.ipynb"), "monitor.ipynb")
    try:
        text = page.inner_text("body")
        assert "部门监测数据更新于" in text
        browser.wait_text(page, "hn-progress-table", "79.35", timeout=60)
        browser.full_screenshot(page, ARTIFACTS / "monitor-after-ingest.png")
    finally:
        page.close()
