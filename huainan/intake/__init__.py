"""The intake layer: officials' tables in, validated rows into the monitoring store.

- :mod:`huainan.intake.excel` what a file really is, size limits, streamed Excel reading, decoding;
- :mod:`huainan.intake.reader` reading officials' CSV/Excel (title rows, merged headers, cells);
- :mod:`huainan.intake.markers` footnote markers, recognised before normalisation;
- :mod:`huainan.intake.units` exact unit conversion (万人 ↔ 人 …);
- :mod:`huainan.intake.catalogue` indicators, bounds, names → ids (one matching rule), regions;
- :mod:`huainan.intake.returns` a return's tables → candidate values, every problem collected;
- :mod:`huainan.intake.checks` plausibility and city/county consistency (thresholds named);
- :mod:`huainan.intake.report` the dry-run report (CLI and upload page render the same object);
- :mod:`huainan.intake.ingest` ``check`` (dry run) and ``ingest`` (validate-then-append);
- :mod:`huainan.intake.withdraw` withdrawals (append-only); :mod:`huainan.intake.validate`
  ``huainan validate``;
- :mod:`huainan.intake.template` the Excel template officials fill.

Imports :mod:`huainan.plan`, :mod:`huainan.evidence` and the support modules.
"""
