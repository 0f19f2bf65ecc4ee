"""huainan — the Huainan (淮南市) 14th Five-Year Public Services Plan as data, measures and briefs.

Data flows one way: plan text → ``data/plan`` → :mod:`plan` → :mod:`progress`; statistics →
``data/stats`` (+ officials' returns in ``data/monitoring``) → :mod:`stats` / :mod:`monitoring` →
:mod:`observed` → :mod:`gaps`; both → notebooks → briefs (:mod:`batch`) and apps (Voila).
Nothing downstream writes upstream.

The plan
    :mod:`domains` the nine service domains · :mod:`regions` the seven county-level units, the city,
    Anhui, China · :mod:`targets` reading target cells (``≥55``, ``[430]``, ``应保尽保`` …) ·
    :mod:`plan` 专栏1/2/3 and the dated project targets as validated DataFrames
Observed data
    :mod:`stats` census and bulletin values with provenance, catalogue, per-capita helpers ·
    :mod:`stats_build` / :mod:`census` / :mod:`stats_catalog` rebuild ``data/stats`` from the sources ·
    :mod:`boundaries` the units' polygons · :mod:`tables` reading officials' CSV/Excel ·
    :mod:`units` exact unit conversion · :mod:`ingest` validate-then-append of monitoring returns ·
    :mod:`monitoring` the append-only store · :mod:`template` the Excel template ·
    :mod:`observed` statistics and monitoring values together
Measures
    :mod:`progress` attainment (十三五) and progress to 2025 (CSI, CAGR, ratio, status) ·
    :mod:`gaps` disparity (CV, Gini, Theil T/L with decomposition), urban-rural gap, σ-convergence,
    need-based shortfall · :mod:`comparators` percentiles among Anhui's and China's counties ·
    :mod:`scenarios` what-if projections to 2025
Outputs
    :mod:`charts` figures with a bundled CJK font · :mod:`report` tables and sentences for briefs ·
    :mod:`briefing` the evidence of a domain brief · :mod:`parameters` / :mod:`batch` /
    :mod:`publish` Papermill batches, code-free HTML, index and manifest · :mod:`widgets` /
    :mod:`server` / :mod:`browser` Voila apps, serving, browser driving · :mod:`cli` the command line
Support
    :mod:`paths` where files live · :mod:`errors` the exception hierarchy · :mod:`atomic` atomic writes
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("huainan")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"
