"""Charts for briefs and apps: seaborn/matplotlib with a bundled CJK font.

Every chart is titled, has labelled axes with units and a source line under it, and uses the domain
colours of :mod:`huainan.domains` and the status colours below. Chinese text is drawn with Noto Sans SC
(SIL Open Font License 1.1), shipped by the PyPI package ``pylopdf-fonts-zh-cn`` that the project
depends on, so no system font is needed and no character is drawn as a box; U+2212 (minus) is in the
font, so negative numbers keep a true minus sign.

Call :func:`use_cjk_font` once (every chart function here does it for you) before drawing your own
figures. Functions return a :class:`matplotlib.figure.Figure`; :func:`to_png` turns one into PNG bytes
(Voila apps show charts as ``ipywidgets.Image`` — see ``../shared/STACK.md`` on the Output-widget hang).
"""

from __future__ import annotations

import io
import logging
from functools import lru_cache

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib import font_manager

from huainan import domains

#: Source line for figures that come from the plan text alone.
SOURCE_PLAN = "资料来源：《淮南市“十四五”公共服务规划（征求意见稿）》"

#: Colours of attainment and progress classes (green = good … red = bad, grey = cannot say).
STATUS_COLOURS = {
    "met": "#1a9850",
    "achieved": "#1a9850",
    "on_track": "#66bd63",
    "borderline": "#fdae61",
    "needs_acceleration": "#fdae61",
    "limited_progress": "#f46d43",
    "not_met": "#d73027",
    "deterioration": "#d73027",
    "qualitative": "#9e9e9e",
    "needs_reference": "#bdbdbd",
    "no_data": "#e0e0e0",
    "insufficient_data": "#e0e0e0",
}


@lru_cache(maxsize=1)
def _font_family() -> str:
    from pylopdf_fonts_zh_cn import sans_path

    path = str(sans_path())
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def use_cjk_font() -> str:
    """Register the bundled Noto Sans SC font and make it the default for seaborn and matplotlib.

    Returns
    -------
    str
        The font family name (``"Noto Sans SC"``).

    Notes
    -----
    ``seaborn.set_theme`` resets ``font.family``, so the family is passed to it (STACK.md).
    ``axes.unicode_minus`` stays True: the font has U+2212.

    Examples
    --------
    >>> use_cjk_font()
    'Noto Sans SC'
    """
    family = _font_family()
    # Bold text falls back to the Regular face; matplotlib would log a findfont line per label.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    sns.set_theme(style="whitegrid", font=family, rc={
        "axes.unicode_minus": True,
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "axes.titleweight": "normal",  # the bundled font has one weight (Regular)
        "figure.titleweight": "normal",
        "axes.titlesize": 13,
        "axes.labelsize": 11,
    })
    plt.rcParams["font.sans-serif"] = [family, "DejaVu Sans"]
    return family


def add_source(fig, text: str = SOURCE_PLAN) -> None:
    """Write a source line under the figure (bottom left, small grey text)."""
    fig.text(0.01, 0.005, text, ha="left", va="bottom", fontsize=8, color="#555555")


def to_png(fig, *, dpi: int = 110) -> bytes:
    """Render ``fig`` to PNG bytes and close it (for ``ipywidgets.Image`` in Voila apps)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def review_13th_chart(assessed: pd.DataFrame):
    """Bar chart of the 十三五 review: how far each 2020 actual was beyond (or short of) its target.

    Parameters
    ----------
    assessed : pandas.DataFrame
        Output of :func:`huainan.progress.assess_13th` (columns used: ``name_zh``, ``unit``,
        ``domain``, ``domain_zh``, ``target_text``, ``actual_text``, ``target_value``, ``margin``,
        ``attainment``).

    Returns
    -------
    matplotlib.figure.Figure
        One horizontal bar per indicator: ``margin / |target| × 100`` (per cent of the target
        value; positive = better than the target, direction-aware), coloured by attainment, grouped
        by domain, labelled with the printed actual and target. Bars beyond ±100 % are clipped and
        marked.

    Notes
    -----
    Relative margin = ``d·(actual − target)/|target|`` (``d`` = +1 higher-is-better, −1
    lower-is-better), the same normalisation as the current status index in METHODS.md §2, so
    indicators in different units share one axis. Source: plan 专栏1.
    """
    use_cjk_font()
    df = assessed.copy()
    order = {d.id: d.order for d in domains.DOMAINS}
    df["_order"] = df["domain"].map(order)
    df = df.sort_values(["_order"], kind="stable").reset_index(drop=True)
    rel = (df["margin"] / df["target_value"].abs() * 100).round(6)
    shown = rel.clip(-100, 100)
    labels = [f"{n}（{u}）" for n, u in zip(df["name_zh"], df["unit"], strict=True)]

    fig, ax = plt.subplots(figsize=(11, 0.38 * len(df) + 1.8))
    colours = df["attainment"].map(STATUS_COLOURS).fillna(STATUS_COLOURS["no_data"])
    y = range(len(df))
    ax.barh(y, shown.fillna(0), color=colours, alpha=0.55, height=0.6)
    # a marker at the end of every bar, so a zero margin (met exactly / borderline) stays visible
    ax.scatter(shown.fillna(0), y, c=colours, s=42, zorder=3, edgecolors="#333333",
               linewidths=0.5)
    ax.set_yticks(list(y), labels, fontsize=9)
    ax.invert_yaxis()
    ax.axvline(0, color="#333333", linewidth=0.8)
    low = min(-5.0, float(shown.min()) - 5)
    ax.set_xlim(low, 135)
    for i, row in df.iterrows():
        note = f"实绩 {row['actual_text']} / 目标 {row['target_text']}"
        if pd.notna(rel.iloc[i]) and rel.iloc[i] > 100:
            note += f"（超出 {rel.iloc[i]:.0f}%，已截断）"
        x = shown.iloc[i] if pd.notna(shown.iloc[i]) else 0
        ax.text(max(x, 0) + 2.5, i, note, va="center", fontsize=8, color="#222222")
    # domain groups: coloured band on the left edge and the domain name at the right edge
    for dom, grp in df.groupby("domain", sort=False):
        top, bottom = grp.index.min() - 0.5, grp.index.max() + 0.5
        d = domains.get(dom)
        ax.axhspan(top, bottom, xmin=0, xmax=0.008, color=d.colour)
        ax.text(133, top + 0.15, d.zh, ha="right", va="top", fontsize=9, color=d.colour)
        if top > 0:
            ax.axhline(top, color="#bbbbbb", linewidth=0.6)
    ax.set_xlabel("实绩优于目标的幅度（占目标值的百分比，%；越大越好，已考虑指标方向）")
    ax.set_title("“十三五”基本公共服务均等化指标完成情况（2020年实绩 vs 目标）", loc="left")
    handles = [plt.Rectangle((0, 0), 1, 1, color=STATUS_COLOURS[k]) for k in ("met", "borderline",
                                                                           "not_met")]
    ax.legend(handles, ["已完成", "临界：恰等于“高于/低于”界限（按未完成计）", "未完成"],
              loc="lower right", fontsize=8, frameon=True)
    add_source(fig, SOURCE_PLAN + " 专栏1；[ ]为五年累计数")
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    return fig
