"""The intake layer: officials' tables in, validated rows into the monitoring store.

- :mod:`huainan.intake.reader` reading officials' CSV/Excel (encodings, title rows, merged headers);
- :mod:`huainan.intake.units` exact unit conversion (万人 ↔ 人 …);
- :mod:`huainan.intake.ingest` validate-then-append of monitoring returns;
- :mod:`huainan.intake.template` the Excel template officials fill.

Imports :mod:`huainan.plan`, :mod:`huainan.evidence` and the support modules.
"""
