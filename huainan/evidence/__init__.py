"""The evidence layer: every observed value with its source, and which one counts.

- :mod:`huainan.evidence.stats` published statistics (census, bulletins) with provenance,
  the indicator catalogue, per-capita helpers;
- :mod:`huainan.evidence.catalog` the catalogue of published indicators (ids, names, units);
- :mod:`huainan.evidence.census` (+ ``census_measures``, ``census_rows``, ``bulletin_rows``,
  ``crosschecks``, ``discrepancies``) / :mod:`huainan.evidence.build` rebuild ``data/stats`` from
  the published sources (``huainan build-stats``);
- :mod:`huainan.evidence.boundaries` the units' polygons;
- :mod:`huainan.evidence.monitoring` officials' returns: the append-only, hash-chained store;
- :mod:`huainan.evidence.observed` all values together and the precedence rule between them.

Imports only :mod:`huainan.plan` and the support modules.
"""
