"""The measures layer: numbers about the plan computed from the evidence.

- :mod:`huainan.measures.progress` attainment (十三五) and progress to the 2025 targets;
- :mod:`huainan.measures.gaps` disparity (CV, Gini, Theil T/L with decomposition), urban-rural
  gap, σ-convergence, need-based shortfall;
- :mod:`huainan.measures.comparators` percentiles among Anhui's and China's counties;
- :mod:`huainan.measures.scenarios` what-if projections.

Imports the layers below (plan, evidence, intake) and the support modules; never briefs or apps.
"""
