"""Driving the Voila apps in headless Chromium (browser tests and ``benchmarks/bench_apps.py``).

Uses Playwright's Python driver with the system's Chromium (``/usr/bin/chromium``, installed by
``.ci/run`` from Debian); Playwright's own browser download (``playwright install``) is never
used. Playwright is a test extra (``pip install -e '.[test]'``); it is imported only inside the
functions that need it.

Each page is "ready" — its first meaningful paint — when the element named in :data:`READY` is
visible: the app's main chart with an image in it (or, on the landing page, the data-status
table). Widgets are found by the CSS classes :mod:`huainan.apps` gives them (``hn-indicator``
…).
"""

from __future__ import annotations

import time
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

#: What must be visible before a page counts as usable (its first meaningful paint).
READY: dict[str, str] = {
    "index.ipynb": ".hn-data-status table",
    "monitor.ipynb": ".hn-chart-trajectory img.widget-image[src^='blob:']",
    "regions.ipynb": ".hn-chart-bars img.widget-image[src^='blob:']",
    "whatif.ipynb": ".hn-chart-capacity img.widget-image[src^='blob:']",
    "upload.ipynb": ".hn-upload",
}

#: Text that must never appear on a page: tracebacks, Voila's error notice, our failure message.
ERROR_TEXTS: tuple[str, ...] = (
    "Traceback",
    "Error:",
    "There was an error when executing cell",
    "Kernel error",
    "暂时无法显示",
    "Failed to",
    "is not defined",
)


def launch(playwright, user_data_dir: Path, *, width: int = 1280, height: int = 1000):
    """A Chromium browser context with a fresh profile in ``user_data_dir``."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(
            f"{CHROMIUM} is missing: apt-get install chromium (never `playwright install`)"
        )
    return playwright.chromium.launch_persistent_context(
        str(user_data_dir),
        executable_path=str(CHROMIUM),
        headless=True,
        args=list(CHROMIUM_FLAGS),
        viewport={"width": width, "height": height},
    )


def open_app(context, url: str, page_name: str, *, timeout: float = 90.0):
    """Open ``url`` in a new tab and wait until the page is ready.

    Returns
    -------
    (page, seconds) : the Playwright page and the time from the start of navigation to the
    first meaningful paint (the ready element visible), measured in the browser
    (``performance.now()``).
    """
    page = context.new_page()
    page.goto(url, wait_until="commit", timeout=timeout * 1000)
    page.wait_for_selector(READY[page_name], state="visible", timeout=timeout * 1000)
    seconds = page.evaluate("() => performance.now()") / 1000.0
    return page, seconds


def errors_on(page) -> list[str]:
    """The forbidden texts of :data:`ERROR_TEXTS` found in the page's visible text."""
    text = page.inner_text("body")
    return [t for t in ERROR_TEXTS if t in text]


def image_src(page, panel: str) -> str:
    """``src`` of the chart image inside the panel with CSS class ``panel``."""
    return page.get_attribute(f".{panel} img.widget-image", "src") or ""


def image_png(page, panel: str) -> bytes:
    """Screenshot (PNG bytes) of the chart image inside ``panel``: what the official sees."""
    return page.locator(f".{panel} img.widget-image").screenshot()


def wait_image_change(page, panel: str, old_src: str, *, timeout: float = 30.0) -> float:
    """Wait until the chart in ``panel`` shows a new image; return the seconds waited."""
    start = time.perf_counter()
    page.wait_for_function(
        "([sel, old]) => { const i = document.querySelector(sel);"
        " return i && i.src && i.src !== old && i.complete && i.naturalWidth > 0; }",
        arg=[f".{panel} img.widget-image", old_src],
        timeout=timeout * 1000,
    )
    return time.perf_counter() - start


def html_of(page, css_class: str) -> str:
    """Inner HTML of the widget with CSS class ``css_class``."""
    return page.inner_html(f".{css_class}")


def wait_html_change(page, css_class: str, old_html: str, *, timeout: float = 30.0) -> float:
    """Wait until the HTML widget with ``css_class`` shows something else; seconds waited."""
    start = time.perf_counter()
    page.wait_for_function(
        "([sel, old]) => { const e = document.querySelector(sel);"
        " return e && e.innerHTML !== old; }",
        arg=[f".{css_class}", old_html],
        timeout=timeout * 1000,
    )
    return time.perf_counter() - start


def select(page, css_class: str, label: str) -> None:
    """Choose the option ``label`` of the dropdown with ``css_class``."""
    page.select_option(f".{css_class} select", label=label)


def nudge_slider(page, css_class: str, key: str = "ArrowRight", times: int = 1) -> None:
    """Move a slider by keyboard (one step per key press), as a user with the keyboard would."""
    handle = page.locator(f".{css_class} .noUi-handle")
    handle.focus()
    for _ in range(times):
        handle.press(key)


def full_screenshot(page, path: Path) -> Path:
    """Screenshot of the whole app, not just the window (Voila scrolls inside ``#rendered_cells``)."""
    height = page.evaluate(
        "() => { const e = document.querySelector('#rendered_cells');"
        " return e ? e.scrollHeight : document.body.scrollHeight; }"
    )
    size = page.viewport_size or {"width": 1280, "height": 1000}
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 80, 9000)})
    page.wait_for_timeout(300)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


def wait_text(page, css_class: str, text: str, *, timeout: float = 30.0) -> float:
    """Wait until the widget with ``css_class`` contains ``text``; seconds waited."""
    start = time.perf_counter()
    page.wait_for_function(
        "([sel, t]) => { const e = document.querySelector(sel);"
        " return e && e.textContent.includes(t); }",
        arg=[f".{css_class}", text],
        timeout=timeout * 1000,
    )
    return time.perf_counter() - start
