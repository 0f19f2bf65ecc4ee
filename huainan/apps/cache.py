"""Rendered charts on disk, shared by every kernel of the app server (:class:`PngCache`).

Keyed by a fingerprint of everything a chart depends on (:func:`inputs_fingerprint`): any ingest
or code change gives a new folder, so a stale chart is never shown. Each folder the cache creates
carries a marker file (:attr:`PngCache.MARKER`); clearing old folders (:meth:`PngCache.prune`,
at each ``huainan serve``) deletes only folders with that marker, never anything else under
``HUAINAN_CACHE_DIR``.
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
    at once are harmless. The folder gets the marker file :attr:`MARKER` when the cache creates
    it; :meth:`prune` deletes only marked folders. A cache that cannot be written (read-only disk) is skipped with one
    warning in the server log: charts are then drawn every time, nothing else changes.
    """

    COMPLETE = "COMPLETE"
    #: Marks a folder this cache created (the only folders :meth:`prune` deletes).
    MARKER = ".huainan-chart-cache"

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
            self._make_folder()
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

        self._make_folder()
        write_text(self.folder / self.COMPLETE, summary)

    def _make_folder(self) -> None:
        """Create this fingerprint's folder (and the root) with the marker file."""
        self.folder.mkdir(parents=True, exist_ok=True)
        marker = self.folder / self.MARKER
        if not marker.exists():
            marker.write_text(
                "Rendered charts of the Huainan apps (huainan.apps.cache); safe to delete.\n",
                encoding="utf-8",
            )

    def prune(self) -> int:
        """Delete the cache folders of other fingerprints; return how many were deleted.

        Only real folders (not symbolic links) directly under the root that carry the marker
        file :attr:`MARKER` are deleted: anything else under ``HUAINAN_CACHE_DIR`` — other
        files and folders, including cache folders written before the marker existed — is left
        alone.
        """
        if not self.root.is_dir():
            return 0
        old = [
            p
            for p in self.root.iterdir()
            if p.name != self.fingerprint
            and p.is_dir()
            and not p.is_symlink()
            and (p / self.MARKER).is_file()
        ]
        for p in old:
            shutil.rmtree(p, ignore_errors=True)
        return len(old)
