"""huainan — the Huainan (淮南市) 14th Five-Year Public Services Plan as data, measures and briefs.

Modules (one job each):

- :mod:`huainan.domains`  the plan's nine service domains
- :mod:`huainan.regions`  the seven county-level units, the city, Anhui and China
- :mod:`huainan.targets`  reading the plan's target cells (``≥55``, ``[430]``, ``应保尽保`` …)
- :mod:`huainan.plan`     the plan's tables (专栏1–13) as validated DataFrames
- :mod:`huainan.progress` attainment of 十三五 targets, progress towards 2025 targets
- :mod:`huainan.charts`   seaborn/matplotlib figures with a bundled CJK font
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("huainan")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"
