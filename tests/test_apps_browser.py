"""The Voila apps in a real browser: headless Debian Chromium driven by Playwright.

One Voila server for the session (started as ``huainan serve`` starts it, on a free port, stopped
by its PID), one Chromium with a fresh profile. Each app must load — several times, because the
Output-widget hang seen on these machines was intermittent (``../shared/STACK.md``) — show no
error text, and redraw its chart or table when its main control changes. The root address
must open the landing page 首页, and no page may fetch anything from another host (offline use).
Screenshots go to ``test-artifacts/`` for a person to look at (Chinese text, map, charts).
"""

from __future__ import annotations

import re

import pytest

from huainan.apps import browser, server
from huainan.paths import REPO_ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = REPO_ROOT / "test-artifacts"
APPS = ("monitor.ipynb", "regions.ipynb", "whatif.ipynb")
LOADS = 4  # loads of each app (the hang seen here hit 30–50 % of loads: 4 clean loads ≈ 1 %)


@pytest.fixture(scope="session")
def voila(tmp_path_factory):
    """A Voila server on a free port, as ``huainan serve`` runs it; stopped by its PID."""
    if not browser.CHROMIUM.exists():
        pytest.skip(f"{browser.CHROMIUM} is not installed (.ci/run installs it)")
    log = tmp_path_factory.mktemp("voila") / "voila.log"
    port = server.free_port()
    # a chart cache of its own: the test neither reads nor leaves charts in outputs/
    cache = tmp_path_factory.mktemp("chart-cache")
    proc = server.start(port, log=log, env={"HUAINAN_CACHE_DIR": str(cache)})
    try:
        server.wait_ready(port, proc, log=log, timeout=180)
        yield {"port": port, "proc": proc, "log": log}
    finally:
        code = server.stop(proc)
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "voila.log").write_bytes(log.read_bytes())
        assert code is not None


@pytest.fixture(scope="session")
def chromium(voila, playwright_session, tmp_path_factory):
    context = browser.launch(playwright_session, tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield context
    finally:
        context.close()


def load(chromium, voila, name):
    page, seconds = browser.open_app(chromium, server.url(voila["port"], name), name)
    return page, seconds


def assert_clean(page):
    assert browser.errors_on(page) == []


def test_the_root_address_opens_the_landing_page(chromium, voila):
    # officials are told http://127.0.0.1:8866/ — it must be 首页, not Voila's file list
    page, _ = browser.open_app(chromium, server.root_url(voila["port"]), "index.ipynb")
    try:
        assert page.url == server.url(voila["port"], "index.ipynb")
        text = page.inner_text("body")
        assert "淮南市“十四五”公共服务规划 监测与分析" in text and "Voilà Home" not in text
        assert_clean(page)
    finally:
        page.close()


def test_no_request_leaves_the_machine(chromium, voila):
    # offline use (an intranet): every request of every page goes to this server
    outside = []

    def watch(request):
        if not request.url.startswith((f"http://127.0.0.1:{voila['port']}/", "data:", "blob:")):
            outside.append(request.url)

    chromium.on("request", watch)
    try:
        for name in ("index.ipynb", *APPS):
            page, _ = load(chromium, voila, name)
            page.wait_for_load_state("networkidle")
            page.close()
    finally:
        chromium.remove_listener("request", watch)
    assert outside == []


def test_landing_page_links_the_three_apps(chromium, voila):
    page, _ = load(chromium, voila, "index.ipynb")
    try:
        assert_clean(page)
        text = page.inner_text("body")
        for words in ("规划监测", "区域差距", "情景推演", "人口普查", "部门监测报送"):
            assert words in text
        hrefs = page.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href'))")
        for app in APPS:
            assert app in hrefs
        browser.full_screenshot(page, ARTIFACTS / "index.png")
        # the link leads to the app
        page.click("a[href='monitor.ipynb']")
        page.wait_for_selector(browser.READY["monitor.ipynb"], state="visible", timeout=90_000)
        assert_clean(page)
    finally:
        page.close()


@pytest.mark.parametrize("name", APPS)
def test_app_loads_every_time_without_errors(chromium, voila, name):
    for i in range(LOADS):
        page, seconds = load(chromium, voila, name)
        try:
            assert_clean(page)
            # no code on the page (strip_sources) and Chinese labels
            assert page.locator(".jp-CodeCell .jp-InputArea, .jp-Editor").count() == 0
            assert "from huainan" not in page.inner_text("body")
            if i == 0:
                browser.full_screenshot(page, ARTIFACTS / name.replace(".ipynb", ".png"))
        finally:
            page.close()


def test_monitor_indicator_and_domain_redraw(chromium, voila):
    page, _ = load(chromium, voila, "monitor.ipynb")
    try:
        src, png = (
            browser.image_src(page, "hn-chart-trajectory"),
            browser.image_png(page, "hn-chart-trajectory"),
        )
        browser.select(page, "hn-indicator", "人均预期寿命（预期性，岁）")
        browser.wait_image_change(page, "hn-chart-trajectory", src)
        assert browser.image_png(page, "hn-chart-trajectory") != png
        table = browser.html_of(page, "hn-progress-table")
        browser.select(page, "hn-domain", "老有所养")
        browser.wait_html_change(page, "hn-progress-table", table)
        rows = page.locator(".hn-progress-table tbody tr")
        assert rows.count() == 4  # 专栏2 has four 老有所养 indicators
        assert "养老服务床位总量" in browser.html_of(page, "hn-progress-table")
        page.click(".hn-stage button:has-text('2023年中期评估')")
        browser.wait_text(page, "hn-progress-status", "使用截至2023年的数值")
        assert_clean(page)
        browser.full_screenshot(page, ARTIFACTS / "monitor-elderly-midterm.png")
    finally:
        page.close()


def test_monitor_explains_the_running_total_and_its_source(chromium, voila):
    page, _ = load(chromium, voila, "monitor.ipynb")
    try:
        browser.select(page, "hn-domain", "住有所居")
        page.click(".hn-stage button:has-text('年度监测')")
        browser.wait_text(page, "hn-progress-status", "使用截至2025年的数值")
        browser.select(page, "hn-indicator", "城镇老旧小区改造（预期性，个）")
        # 274 renovated 2021–2022 against the linear path 430 × 2/5 = 172: R = 1.59
        browser.wait_text(page, "hn-indicator-detail", "274 ÷ 172 = 1.59")
        detail = page.inner_text(".hn-indicator-detail")
        assert "2021—2022年合计 274（第三方转载或报道）" in detail
        assert "第三方转载页" in detail
        link = page.locator(".hn-indicator-detail a")
        assert link.get_attribute("href") == "http://guoou168.cn/index/huainanshenghuo/28859.html"
        row = page.locator(".hn-progress-table tr", has_text="城镇老旧小区改造").inner_text()
        assert "2021—2022" in row and "R = 1.59" in row and "快于预期" in row
        assert_clean(page)
        browser.full_screenshot(page, ARTIFACTS / "monitor-renovation.png")
    finally:
        page.close()


def test_regions_indicator_and_basis_redraw(chromium, voila):
    page, _ = load(chromium, voila, "regions.ipynb")
    try:
        srcs = {p: browser.image_src(page, p) for p in ("hn-chart-map", "hn-chart-bars")}
        pngs = {p: browser.image_png(page, p) for p in srcs}
        disparity = browser.html_of(page, "hn-disparity")
        browser.select(page, "hn-indicator", "老有所养 · 60岁及以上人口（人）")
        for panel, src in srcs.items():
            browser.wait_image_change(page, panel, src)
            assert browser.image_png(page, panel) != pngs[panel]
        browser.wait_html_change(page, "hn-disparity", disparity)
        # a count: the per-capita toggle is enabled; per 1,000 residents redraws the bars
        src = browser.image_src(page, "hn-chart-bars")
        page.click(".hn-basis button:has-text('每千常住人口')")
        browser.wait_image_change(page, "hn-chart-bars", src)
        assert "在全国" in browser.html_of(page, "hn-percentiles")
        assert_clean(page)
        browser.full_screenshot(page, ARTIFACTS / "regions-60plus-per-1000.png")
    finally:
        page.close()


def test_whatif_sliders_redraw(chromium, voila):
    page, _ = load(chromium, voila, "whatif.ipynb")
    try:
        table = browser.html_of(page, "hn-projections")
        browser.nudge_slider(page, "hn-supply", times=4)  # 5.0 % + 4 steps of 0.5 = 7.0 %
        browser.wait_text(page, "hn-projections", "按供给年增长 7.0%")
        assert browser.html_of(page, "hn-projections") != table
        src, png = (
            browser.image_src(page, "hn-chart-capacity"),
            browser.image_png(page, "hn-chart-capacity"),
        )
        browser.nudge_slider(page, "hn-population", "ArrowLeft")  # −1.0 % → −1.1 %
        # 寿县: 838,507 residents (2020) × 0.989^10 = 838,507 × 0.895289 = 750,705.5 → 750,706 in 2030
        browser.wait_text(page, "hn-capacity", "750,706")
        browser.wait_image_change(page, "hn-chart-capacity", src)
        assert browser.image_png(page, "hn-chart-capacity") != png
        # whole places (no "969.353 个"); a growth rate only where growth is needed
        assert not re.search(r"\d\.\d{3}", page.inner_text(".hn-capacity"))
        assert "不增长也可达到" in page.inner_text(".hn-projections")
        assert "已成定局" in page.inner_text("body")
        assert_clean(page)
        browser.full_screenshot(page, ARTIFACTS / "whatif-moved.png")
    finally:
        page.close()
