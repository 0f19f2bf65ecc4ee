"""Inside a warm kernel: the state a fresh kernel has, and putting it back before each brief.

Imported by the code :mod:`huainan.briefs.execute` runs in a worker's kernel (kept light: no Dask,
no papermill). ``BASELINE`` is filled once after the kernel started and preloaded its modules;
:func:`reset` runs before every brief.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

#: In a kernel: the state after warm-up (matplotlib rcParams, warnings filters, environment).
BASELINE: dict[str, Any] = {}


def reset(cwd: str) -> None:
    """Put a warm kernel back into the state a fresh one has (runs inside the kernel)."""
    import matplotlib
    import matplotlib.pyplot as plt
    import pandas as pd
    from IPython import get_ipython

    plt.close("all")
    base = BASELINE
    if base:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            matplotlib.rcParams.update(base["rc"])
        warnings.resetwarnings()
        for entry in reversed(base["warnings"]):  # filters are kept newest first
            warnings.filters.insert(0, entry)  # type: ignore[attr-defined]
        getattr(warnings, "_filters_mutated", lambda: None)()
        os.environ.clear()
        os.environ.update(base["environ"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pd.reset_option("all")
    os.chdir(cwd)
    get_ipython().reset(new_session=True)  # namespace cleared, execution count back to 1
