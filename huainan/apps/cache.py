"""Rendered charts on disk, shared by every kernel of the app server (:class:`PngCache`).

Keyed by a fingerprint of everything a chart depends on (:func:`inputs_fingerprint`): any ingest
or code change gives a new folder, so a stale chart is never shown.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from huainan.apps.logs import server_log


def cache_dir() -> Path:
    """Root of the chart cache: ``$HUAINAN_CACHE_DIR`` or ``<repo>/outputs/cache/app-charts``."""
    from huainan.paths import OUTPUTS_DIR

    env = os.environ.get("HUAINAN_CACHE_DIR")
    return Path(env).expanduser().resolve() if env else OUTPUTS_DIR / "cache" / "app-charts"


def inputs_fingerprint() -> str:
    """A short hash of everything a chart depends on: the data files (plan, statistics,
    monitoring store, boundaries …), the package's modules and the matplotlib version (name,
    size and modification time of each file — any ingest or code change gives a new value).

    Examples
    --------
    >>> len(inputs_fingerprint())
    16
    """
    import matplotlib

    from huainan.paths import data_dir

    h = hashlib.sha256(matplotlib.__version__.encode())
    # the data folder and the whole huainan package (this file is huainan/apps/cache.py)
    for root in (data_dir(), Path(__file__).resolve().parent.parent):
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                st = path.stat()
                h.update(f"{path.relative_to(root)}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


class PngCache:
    """Rendered charts on disk, shared by all kernels: ``<root>/<fingerprint>/<key hash>.png``.

    Parameters
    ----------
    root : pathlib.Path, optional
        Default :func:`cache_dir`.
    fingerprint : str, optional
        Default :func:`inputs_fingerprint` (entries of older data/code live in other folders and
        are never read; :meth:`prune` deletes them).

    Notes
    -----
    Writes are atomic (:func:`huainan.atomic.write_bytes`), so two kernels drawing the same chart
    at once are harmless. A cache that cannot be written (read-only disk) is skipped with one
    warning in the server log: charts are then drawn every time, nothing else changes.
    """

    COMPLETE = "COMPLETE"

    def __init__(self, root: Path | None = None, fingerprint: str | None = None):
        self.root = cache_dir() if root is None else Path(root)
        self.fingerprint = inputs_fingerprint() if fingerprint is None else fingerprint
        self.folder = self.root / self.fingerprint
        self._writable = True

    def path(self, key) -> Path:
        digest = hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:32]
        return self.folder / f"{digest}.png"

    def get(self, key) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except OSError:
            return None

    def put(self, key, png: bytes) -> None:
        if not self._writable:
            return
        from huainan.atomic import write_bytes

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_bytes(self.path(key), png)
        except OSError as exc:
            self._writable = False
            server_log().warning(
                "chart cache %s not writable (%s): drawing every time", self.folder, exc
            )

    @property
    def complete(self) -> bool:
        """True once :func:`prerender` has drawn every chart for this fingerprint."""
        return (self.folder / self.COMPLETE).exists()

    def mark_complete(self, summary: str) -> None:
        from huainan.atomic import write_text

        self.folder.mkdir(parents=True, exist_ok=True)
        write_text(self.folder / self.COMPLETE, summary)

    def prune(self) -> int:
        """Delete the folders of other fingerprints; return how many were deleted."""
        if not self.root.exists():
            return 0
        old = [p for p in self.root.iterdir() if p.is_dir() and p.name != self.fingerprint]
        for p in old:
            shutil.rmtree(p, ignore_errors=True)
        return len(old)
