"""Rows of ``data/stats/discrepancies.csv``: every disagreement between two sources, with its
reason and the action taken (written by :func:`huainan.evidence.build.build`)."""

from __future__ import annotations

import math

DISCREPANCY_COLUMNS = (
    "kind",
    "region_code",
    "year",
    "area",
    "indicator",
    "source_a",
    "ref_a",
    "value_a",
    "source_b",
    "ref_b",
    "value_b",
    "reason",
    "action",
)


def fmt_value(value: float) -> str:
    return (
        "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.12g}"
    )


def discrepancy(
    kind: str,
    *,
    region_code="",
    year="",
    area="",
    indicator="",
    source_a="",
    ref_a="",
    value_a="",
    source_b="",
    ref_b="",
    value_b="",
    reason="",
    action="",
) -> dict:
    return {
        "kind": kind,
        "region_code": region_code,
        "year": year,
        "area": area,
        "indicator": indicator,
        "source_a": source_a,
        "ref_a": ref_a,
        "value_a": value_a,
        "source_b": source_b,
        "ref_b": ref_b,
        "value_b": value_b,
        "reason": reason,
        "action": action,
    }
