"""Reading the plan's target cells: ``≥55``, ``>95``, ``[430]``, ``应保尽保``, ``高于全省平均水平`` ….

A cell of the plan's indicator tables (专栏1, 专栏2) is a value plus a qualifier plus a scope, never just
a number (``../shared/METHODS.md`` §1):

==========================  ==============  =======  ======  ==========  ==================
cell text                   kind            op       value   cumulative  reference
==========================  ==============  =======  ======  ==========  ==================
``95.5``                    numeric         None     95.5    False       None
``>95`` / ``＞９５``           numeric         ``>``    95.0    False       None
``≥55``                     numeric         ``>=``   55.0    False       None
``<4.5``                    numeric         ``<``    4.5     False       None
``≤18``                     numeric         ``<=``   18.0    False       None
``[430]``                   numeric         None     430.0   True        None
``应保尽保`` / ``应护尽护``      qualitative     None     None    False       None
``高于全省平均水平``              relative        ``>``    None    False       province_average
``达到全省平均水平``              relative        ``>=``   None    False       province_average
``——`` / ``—`` / blank        missing         None     None    False       None
==========================  ==============  =======  ======  ==========  ==================

``[…]`` marks five-year cumulative totals (the plan's note: "[]内数据为五年累计数"). A plain number
carries no qualifier: :meth:`Target.bound` turns it into "at least" for higher-is-better indicators
and "at most" for lower-is-better ones (METHODS §1). Text is NFKC-normalised first, so full-width
forms (``＞９５``, ``［１８］``) and stray spaces are accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from huainan.errors import TargetParseError
from huainan.text import squeeze

KINDS = ("numeric", "qualitative", "relative", "missing")
OPS = (">", ">=", "<", "<=")

#: Cells meaning "no value published" in the plan's tables.
MISSING_TEXTS = frozenset({"", "—", "——", "-", "--", "–"})

#: Qualitative full-coverage targets ("cover everyone entitled").
QUALITATIVE_TEXTS = frozenset({"应保尽保", "应护尽护", "应享尽享", "应培尽培", "应救尽救"})

# Relative targets: wording → comparison operator. Only the province average is used by the plan.
_RELATIVE_PREFIXES = (
    ("不低于", ">="),
    ("不高于", "<="),
    ("高于", ">"),
    ("超过", ">"),
    ("达到", ">="),
    ("低于", "<"),
)
_REFERENCES = {"全省平均水平": "province_average", "全省平均": "province_average"}

_OP_SYMBOLS = {
    ">=": ">=",
    "≥": ">=",
    "≧": ">=",
    "⩾": ">=",
    "<=": "<=",
    "≤": "<=",
    "≦": "<=",
    "⩽": "<=",
    ">": ">",
    "<": "<",
}
_NUMBER = r"(\d+(?:\.\d+)?)"
_NUMERIC_RE = re.compile(
    r"^(?P<op>>=|<=|≥|≤|≧|≦|⩾|⩽|>|<)?"
    r"(?:(?P<bracketed>\[" + _NUMBER + r"\])|" + _NUMBER + r")"
    r"%?$"
)


@dataclass(frozen=True)
class Target:
    """A parsed target (or baseline) cell.

    Attributes
    ----------
    text : str
        The cell text exactly as given (before normalisation).
    kind : {"numeric", "qualitative", "relative", "missing"}
        What sort of target this is.
    op : {">", ">=", "<", "<=", None}
        The printed qualifier; ``None`` for a plain number (and for non-numeric kinds, except
        ``relative`` where it is the comparison with the reference).
    value : float or None
        The number, in the indicator's unit; ``None`` unless ``kind == "numeric"``.
    cumulative : bool
        True for ``[…]`` cells: five-year cumulative totals.
    reference : {"province_average", None}
        For relative targets, what the value is compared with.
    """

    text: str
    kind: str
    op: str | None = None
    value: float | None = None
    cumulative: bool = False
    reference: str | None = None

    def bound(self, direction: str) -> str | None:
        """Return the comparison an observed value must satisfy to meet this target.

        A printed qualifier is returned as is. A plain number means "at least" (``>=``) for a
        ``higher_better`` indicator and "at most" (``<=``) for a ``lower_better`` one (METHODS §1).
        Returns ``None`` for qualitative and missing targets.

        Raises
        ------
        ValueError
            If ``direction`` is not ``higher_better`` or ``lower_better``.

        Examples
        --------
        >>> parse_target("95.5").bound("higher_better")
        '>='
        >>> parse_target("6").bound("lower_better")
        '<='
        >>> parse_target("<4.5").bound("lower_better")
        '<'
        """
        if direction not in ("higher_better", "lower_better"):
            raise ValueError(f"direction must be higher_better or lower_better, not {direction!r}")
        if self.kind in ("qualitative", "missing"):
            return None
        if self.op is not None:
            return self.op
        return ">=" if direction == "higher_better" else "<="


def parse_target(text: str | float | int | None) -> Target:
    """Parse one target or baseline cell of the plan's tables.

    Parameters
    ----------
    text : str, float, int or None
        The cell as printed, e.g. ``"≥55"``, ``"[430]"``, ``"应保尽保"``, ``"高于全省平均水平"``,
        ``"——"``. Numbers (from a spreadsheet) are accepted as plain numeric targets; ``None`` and NaN
        mean missing.

    Returns
    -------
    Target
        Immutable value object (see :class:`Target`).

    Raises
    ------
    TargetParseError
        If the text is none of the known forms; the message quotes the text. (A ``ValueError``.)

    Notes
    -----
    Forms and their meaning follow the plan's own notes (专栏1/专栏2: "[]内数据为五年累计数") and
    ``METHODS.md`` §1. A ``%`` sign after the number is accepted and dropped (the unit is a column
    of its own).

    Examples
    --------
    >>> parse_target("≥55")
    Target(text='≥55', kind='numeric', op='>=', value=55.0, cumulative=False, reference=None)
    >>> t = parse_target("［１８］")
    >>> t.value, t.cumulative
    (18.0, True)
    >>> parse_target("高于全省平均水平").reference
    'province_average'
    >>> parse_target("——").kind
    'missing'
    >>> parse_target("应保尽保").kind
    'qualitative'
    """
    if text is None or (isinstance(text, float) and text != text):
        return Target(text="" if text is None else str(text), kind="missing")
    if isinstance(text, bool):
        raise TargetParseError(f"cannot read target {text!r}: a boolean is not a target")
    if isinstance(text, (int, float)):
        return Target(text=str(text), kind="numeric", value=float(text))
    if not isinstance(text, str):
        raise TargetParseError(f"cannot read target {text!r}: expected text, got {type(text)}")

    norm = squeeze(text)
    if norm in MISSING_TEXTS:
        return Target(text=text, kind="missing")
    if norm in QUALITATIVE_TEXTS:
        return Target(text=text, kind="qualitative")

    for prefix, op in _RELATIVE_PREFIXES:
        if norm.startswith(prefix):
            ref = _REFERENCES.get(norm[len(prefix) :])
            if ref is not None:
                return Target(text=text, kind="relative", op=op, reference=ref)
            break

    m = _NUMERIC_RE.match(norm)
    if m:
        num_op: str | None = _OP_SYMBOLS[m["op"]] if m["op"] else None
        number = m.group(3) if m["bracketed"] else m.group(4)
        return Target(
            text=text,
            kind="numeric",
            op=num_op,
            value=float(number),
            cumulative=m["bracketed"] is not None,
        )
    raise TargetParseError(
        f"cannot read target {text!r}: expected a number with an optional qualifier "
        "(>, ≥, <, ≤), a [five-year total], 应保尽保, 高于/达到全省平均水平, or —— for no value"
    )
