"""Fingerprints of a brief's inputs: files, folder trees, the package source, parameters.

A brief's reuse key (:func:`brief_key`) is the sha256 over the hashes of its template notebook,
its parameters (canonical JSON), the input data (the whole ``data/`` tree or
``$HUAINAN_DATA_DIR``) and the ``huainan`` package source, and the kernel name. Workers use
:func:`data_sha256` to check that they read the same data as the batch.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from huainan.paths import data_dir

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def file_sha256(path: str | os.PathLike) -> str:
    """Return the hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


#: File names that are never content: editor backups, swap and lock files (``x.py~``, ``#x.py#``,
#: ``.x.py.swp``, ``.#x.py``, ``flycheck_x.py``), patch leftovers and compiled Python.
_JUNK_SUFFIXES = ("~", ".swp", ".swo", ".bak", ".orig", ".rej", ".pyc", ".pyo")
_JUNK_PREFIXES = (".", "#", "flycheck_")
#: The nbconvert template of the briefs' HTML, part of the package fingerprint.
_BRIEF_TEMPLATE = ("briefs", "templates", "brief")


def is_junk(name: str) -> bool:
    """Say if a file name is an editor/tool leftover that no fingerprint should see.

    Examples
    --------
    >>> [is_junk(n) for n in ("batch.py", "batch.py~", "#batch.py#", ".batch.py.swp",
    ...                       "batch.pyc", "flycheck_batch.py", "regions.csv")]
    [False, True, True, True, True, True, False]
    """
    return name.startswith(_JUNK_PREFIXES) or name.endswith(_JUNK_SUFFIXES)


def tree_sha256(
    root: str | os.PathLike,
    suffixes: tuple[str, ...] | None = None,
    *,
    include: Callable[[PurePosixPath], bool] | None = None,
) -> str:
    """Return one sha256 for a folder tree: every file's relative path and content.

    Hidden files and folders (``.name``), ``__pycache__`` folders and editor/tool leftovers
    (:func:`is_junk`) are skipped. Renaming, adding, removing or editing any other file changes
    the result; timestamps do not.

    Parameters
    ----------
    root : str or os.PathLike
        The folder (a missing folder hashes like an empty one).
    suffixes : tuple of str, optional
        Only files ending so (``(".py",)``); default all files.
    include : callable, optional
        Only files for which ``include(relative path)`` is true (a ``PurePosixPath``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.csv").write_text("x")
    >>> before = tree_sha256(d)
    >>> _ = (d / "a.csv~").write_text("an editor's backup")
    >>> before == tree_sha256(d)
    True
    >>> _ = (d / "a.csv").write_text("y")
    >>> before == tree_sha256(d)
    False
    """
    root = Path(root)
    h = hashlib.sha256()
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        for name in filenames:
            if is_junk(name) or (suffixes and not name.endswith(suffixes)):
                continue
            rel = PurePosixPath((Path(dirpath) / name).relative_to(root).as_posix())
            if include is None or include(rel):
                files.append(rel)
    for rel in sorted(files, key=str):
        h.update(str(rel).encode("utf-8") + b"\0")
        h.update(file_sha256(root / rel).encode("ascii") + b"\n")
    return h.hexdigest()


def data_sha256() -> str:
    """Return the fingerprint of the input data: :func:`tree_sha256` of the data folder.

    The folder is :func:`huainan.paths.data_dir` (``data/`` or ``$HUAINAN_DATA_DIR``).
    """
    return tree_sha256(data_dir())


def _is_package_source(rel: PurePosixPath) -> bool:
    """A module Python can import (``batch.py``, not ``batch copy.py``) or a file of the briefs'
    HTML template."""
    if rel.parts[:3] == _BRIEF_TEMPLATE:
        return True
    return rel.suffix == ".py" and all(
        part.isidentifier() for part in (*rel.parent.parts, rel.stem)
    )


def package_sha256(root: str | os.PathLike | None = None) -> str:
    """Return the fingerprint of the ``huainan`` package source.

    It covers every importable module (``*.py`` whose name is a Python identifier, in
    sub-packages too) and the nbconvert template that shapes the briefs' HTML
    (``briefs/templates/brief/``) — never ``__pycache__``, ``*.pyc`` or editor leftovers
    (:func:`is_junk`): a brief is rerun when code that makes it changed, not when a cache did.

    Parameters
    ----------
    root : str or os.PathLike, optional
        The package folder; default the installed ``huainan`` package.
    """
    return tree_sha256(_PACKAGE_DIR if root is None else root, include=_is_package_source)


def parameters_sha256(parameters: dict[str, Any]) -> str:
    """Return the sha256 of parameters as canonical JSON (sorted keys, UTF-8).

    Examples
    --------
    >>> parameters_sha256({"b": 1, "a": "淮南"}) == parameters_sha256({"a": "淮南", "b": 1})
    True
    """
    text = json.dumps(parameters, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def brief_key(hashes: dict[str, str], kernel_name: str) -> str:
    """Return the reuse key of a brief: sha256 over its input hashes and the kernel name."""
    text = json.dumps({**hashes, "kernel": kernel_name}, sort_keys=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()
