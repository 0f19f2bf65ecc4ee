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


#: What every data folder has (a folder without them is not the workbook's data).
DATA_DIR_MARKERS = ("regions.csv",)


def check_data_dir() -> Path:
    """Return :func:`data_dir` after checking that it is a data folder of the workbook.

    Raises
    ------
    huainan.errors.DataDirError
        In Chinese and English, naming the folder, where its path came from
        (``HUAINAN_DATA_DIR`` or the repository) and what is missing.
    """
    from huainan.errors import DataDirError

    folder = data_dir()
    env = os.environ.get("HUAINAN_DATA_DIR")
    origin = f"HUAINAN_DATA_DIR={env}" if env else "the repository's data/"
    hint_zh = "请检查环境变量 HUAINAN_DATA_DIR，或取消设置以使用仓库自带的 data/" if env else ""
    if not folder.is_dir():
        raise DataDirError(
            f"数据目录不存在：{folder}。{hint_zh} / the data folder {folder} ({origin}) does "
            "not exist" + ("; check HUAINAN_DATA_DIR, or unset it to use data/" if env else "")
        )
    missing = [m for m in DATA_DIR_MARKERS if not (folder / m).exists()]
    if missing:
        raise DataDirError(
            f"数据目录不完整：{folder} 缺少 {'、'.join(missing)}。{hint_zh} / the data folder "
            f"{folder} ({origin}) lacks {', '.join(missing)}: it is not a copy of data/"
        )
    return folder


def plan_dir() -> Path:
    """Return ``<data>/plan``: the plan's tables transcribed from the source text."""
    return data_dir() / "plan"


NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
PARAMETERS_DIR = REPO_ROOT / "parameters"
OUTPUTS_DIR = REPO_ROOT / "outputs"

#: Name of the Jupyter kernel the notebooks and batch runs use (registered by ``make venv``).
KERNEL_NAME = "huainan"
