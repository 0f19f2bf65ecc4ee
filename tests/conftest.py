"""Shared fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from huainan.paths import REPO_ROOT

ASSETS = Path(__file__).parent / "assets"


def copy_briefs_project(dest: Path) -> Path:
    """Copy the tiny batch project (``tests/assets/briefs_project``) to ``dest``.

    It has ``parameters/`` (briefs and batches), ``notebooks/`` and ``data/``; the repository's
    ``data/regions.csv`` is added so region codes validate as in the real project.
    """
    shutil.copytree(ASSETS / "briefs_project", dest)
    shutil.copy2(REPO_ROOT / "data" / "regions.csv", dest / "data" / "regions.csv")
    return dest


@pytest.fixture(scope="session")
def make_briefs_project():
    """The function :func:`copy_briefs_project`, for fixtures of a wider scope."""
    return copy_briefs_project


@pytest.fixture
def briefs_project(tmp_path, monkeypatch) -> Path:
    """A fresh copy of the tiny batch project, with ``$HUAINAN_DATA_DIR`` pointing at its data."""
    root = copy_briefs_project(tmp_path / "project")
    monkeypatch.setenv("HUAINAN_DATA_DIR", str(root / "data"))
    return root


@pytest.fixture(scope="session")
def playwright_session():
    """One Playwright for every browser test of the session (a second sync_playwright() inside
    the first one's event loop is refused by Playwright)."""
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p
