"""The nine service domains of the plan (幼有所育 … 文体服务保障).

The plan (《淮南市"十四五"公共服务规划》, 序言 and 专栏2/专栏3) organises every indicator, basic
service and project under nine domains. Code uses the English ``id``; users see ``zh``.

The 十三五 review (专栏1) used older headings (基本公共教育, 基本社会保险 …). Where one 十三五 heading
maps to a single 十四五 domain it is listed in :data:`DOMAINS_13TH`; headings that span two domains
(基本社会保险: pensions → 老有所养, medical insurance → 病有所医; 基本社会服务: elderly care and
特困 support) are mapped per indicator in ``data/plan/outcomes_13th.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Domain:
    """One service domain.

    Attributes
    ----------
    id : str
        Stable snake_case identifier used in code, parameters and file names.
    zh : str
        Chinese name as printed in the plan.
    en : str
        English name.
    order : int
        Position in the plan (1–9).
    colour : str
        Hex colour used for this domain in every chart (colour-blind safe palette).
    """

    id: str
    zh: str
    en: str
    order: int
    colour: str


DOMAINS: tuple[Domain, ...] = (
    Domain("childcare", "幼有所育", "Early childhood care", 1, "#0173b2"),
    Domain("education", "学有所教", "Education", 2, "#de8f05"),
    Domain("employment", "劳有所得", "Employment", 3, "#029e73"),
    Domain("health", "病有所医", "Health care", 4, "#d55e00"),
    Domain("elderly_care", "老有所养", "Elderly care", 5, "#cc78bc"),
    Domain("housing", "住有所居", "Housing", 6, "#ca9161"),
    Domain("social_assistance", "弱有所扶", "Support for vulnerable groups", 7, "#6a3d9a"),
    Domain("veterans", "优军服务保障", "Services for veterans", 8, "#949494"),
    Domain("culture_sports", "文体服务保障", "Culture and sports", 9, "#56b4e9"),
)

DOMAIN_IDS: tuple[str, ...] = tuple(d.id for d in DOMAINS)
_BY_ID = {d.id: d for d in DOMAINS}
_BY_ZH = {d.zh: d for d in DOMAINS}

#: 十三五 headings of 专栏1 that map to exactly one 十四五 domain.
DOMAINS_13TH: dict[str, str] = {
    "基本公共教育": "education",
    "基本劳动就业创业": "employment",
    "基本医疗卫生": "health",
    "基本住房保障": "housing",
    "基本公共文化体育": "culture_sports",
    "残疾人基本公共服务": "social_assistance",
}


def get(key: str) -> Domain:
    """Return the domain with this id (``"health"``) or Chinese name (``"病有所医"``).

    Raises
    ------
    KeyError
        If ``key`` names no domain; the message lists the valid ids.

    Examples
    --------
    >>> get("health").zh
    '病有所医'
    >>> get("老有所养").id
    'elderly_care'
    """
    if key in _BY_ID:
        return _BY_ID[key]
    if key in _BY_ZH:
        return _BY_ZH[key]
    raise KeyError(f"unknown domain {key!r}; valid ids: {', '.join(DOMAIN_IDS)}")


def as_frame() -> pd.DataFrame:
    """Return the nine domains as a DataFrame.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``zh``, ``en`` (str), ``order`` (int64), ``colour`` (str, hex), in plan order.

    Examples
    --------
    >>> as_frame()["zh"].tolist()[:3]
    ['幼有所育', '学有所教', '劳有所得']
    """
    return pd.DataFrame(
        [(d.id, d.zh, d.en, d.order, d.colour) for d in DOMAINS],
        columns=["id", "zh", "en", "order", "colour"],
    )


def palette() -> dict[str, str]:
    """Return ``{domain id: hex colour}`` for charts."""
    return {d.id: d.colour for d in DOMAINS}
