"""Where the workbook's files live.

The committed data sit in ``data/`` at the top of the repository (next to ``huainan/``). Set the
environment variable ``HUAINAN_DATA_DIR`` to read them from somewhere else (tests use this to work
on a temporary copy). Outputs of batch runs go to ``outputs/`` unless a caller says otherwise.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Top of the repository (the folder that holds ``huainan/``, ``data/``, ``notebooks/`` …).
REPO_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Return the data folder: ``$HUAINAN_DATA_DIR`` if set, else ``<repo>/data``."""
    env = os.environ.get("HUAINAN_DATA_DIR")
    return Path(env).expanduser().resolve() if env else REPO_ROOT / "data"


def plan_dir() -> Path:
    """Return ``<data>/plan``: the plan's tables transcribed from the source text."""
    return data_dir() / "plan"


NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
PARAMETERS_DIR = REPO_ROOT / "parameters"
OUTPUTS_DIR = REPO_ROOT / "outputs"

#: Name of the Jupyter kernel the notebooks and batch runs use (registered by ``make venv``).
KERNEL_NAME = "huainan"
