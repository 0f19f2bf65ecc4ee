"""Charts of 全省16市比较: Huainan among Anhui's 16 cities (《中国城市统计年鉴》 2018–2023).

Same conventions as :mod:`huainan.briefs.charts` (bundled CJK font, a title, units on the axes, a
source line): bars of the 16 cities with Huainan marked and the Anhui median, a map of the 16
cities (outlines dissolved from the county polygons, :func:`huainan.evidence.boundaries.anhui_prefectures`),
a rank grid (measures × years) and a trend of Huainan against the Anhui median and middle half.
Years computed on registered population (户籍人口) are marked as such in every chart: their
per-capita values are not on the same footing as the resident-population years (2020, 2023).
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from huainan.briefs.charts import finish, set_unit_label, use_cjk_font
from huainan.formats import fixed
from huainan.plan.regions import CITY_CODE

HUAINAN_COLOUR = "#c44e52"
OTHER_COLOUR = "#8da0cb"
MEDIAN_COLOUR = "#333333"


def _label(x: float, decimals: int) -> str:
    return fixed(x, decimals)


def peer_bars(
    values: pd.DataFrame,
    *,
    title: str,
    unit: str,
    source: str,
    decimals: int = 2,
    direction: int = 1,
    lang: str = "zh",
):
    """Horizontal bars of one measure for Anhui's cities, Huainan in red, the median dashed.

    Parameters
    ----------
    values : pandas.DataFrame
        :func:`huainan.briefs.briefing.peer_city_values`: ``city_code``, ``city_name``,
        ``value`` (NaN = 无数据), ``highlight`` (bool); ``attrs["median"]``.
    title, unit, source : str
    decimals : int
        Decimals of the value labels.
    direction : int
        +1 / −1 / 0: the best city is put on top (lowest first for −1).
    lang : {"zh", "en"}

    Returns
    -------
    matplotlib.figure.Figure
    """
    use_cjk_font()
    zh = lang == "zh"
    data = values.sort_values("value", ascending=direction != -1, na_position="first")
    data = data.reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(7.5, 5.2))
    colours = np.where(data["highlight"], HUAINAN_COLOUR, OTHER_COLOUR)
    ax.barh(data.index, data["value"].fillna(0), color=colours)
    ax.set_yticks(data.index, data["city_name"])
    for tick, hl in zip(ax.get_yticklabels(), data["highlight"], strict=True):
        if hl:
            tick.set_color(HUAINAN_COLOUR)
    finite = data["value"].dropna()
    span = float(finite.max()) if len(finite) else 1.0
    for i, v in data["value"].items():
        ax.text(
            (0 if pd.isna(v) else v) + span * 0.01,
            i,
            ("无数据" if zh else "no data") if pd.isna(v) else _label(v, decimals),
            va="center",
            fontsize=8,
        )
    median = values.attrs.get("median", float(finite.median()) if len(finite) else np.nan)
    if not pd.isna(median):
        ax.axvline(
            median,
            color=MEDIAN_COLOUR,
            linestyle="--",
            linewidth=1.1,
            label=("全省中位数 " if zh else "Anhui median ") + _label(median, decimals),
        )
        # the longest bars are at the top (or at the bottom when lower is better)
        ax.legend(fontsize=8, loc="upper right" if direction == -1 else "lower right")
    ax.set_xlim(0, span * 1.15)
    ax.set_xlabel(unit)
    ax.set_title(title, loc="left")
    finish(fig, source)
    return fig


def anhui_map(
    values: pd.DataFrame,
    *,
    title: str,
    unit: str,
    source: str,
    decimals: int = 2,
    direction: int = 1,
    lang: str = "zh",
):
    """Map of Anhui's 16 cities coloured by one measure; Huainan outlined in red.

    Parameters
    ----------
    values : pandas.DataFrame
        ``city_code`` and ``value`` (NaN cities are hatched and labelled 无数据, never coloured
        as zero).
    direction : int
        −1 reverses the colour map (darker = better stays true for lower-is-better measures).

    Returns
    -------
    matplotlib.figure.Figure
        Polygons of :func:`huainan.evidence.boundaries.anhui_prefectures` (2021 county
        boundaries dissolved by city, Albers equal-area, simplified), each labelled with the
        city's name and value.
    """
    from huainan.evidence import boundaries

    use_cjk_font()
    zh = lang == "zh"
    gdf = boundaries.anhui_prefectures().merge(
        values[["city_code", "value"]], left_on="code", right_on="city_code", how="left"
    )
    fig, ax = plt.subplots(figsize=(6.4, 6.4))
    have = gdf[gdf["value"].notna()]
    cmap = mpl.colormaps["YlGnBu" + ("_r" if direction == -1 else "")]
    if not have.empty:
        vmin, vmax = float(have["value"].min()), float(have["value"].max())
        if vmin == vmax:
            vmin, vmax = vmin - 1, vmax + 1
        norm = mpl.colors.Normalize(vmin=vmin, vmax=vmax)
        have.plot(
            ax=ax, color=[cmap(norm(v)) for v in have["value"]], edgecolor="#555555", linewidth=0.6
        )
        bar = fig.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.5, pad=0.02)
        bar.ax.set_title(unit, fontsize=9, loc="left")  # CJK units are not rotated
        bar.ax.yaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda x, _: _label(x, decimals)))
    missing = gdf[gdf["value"].isna()]
    if not missing.empty:
        missing.plot(ax=ax, color="#ffffff", edgecolor="#555555", linewidth=0.6, hatch="///")
    gdf[gdf["code"] == CITY_CODE].boundary.plot(ax=ax, color=HUAINAN_COLOUR, linewidth=2.2)
    box = dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.75)
    for _, row in gdf.iterrows():
        p = row.geometry.representative_point()
        text = f"{row['name_zh']}\n" + (
            ("无数据" if zh else "no data")
            if pd.isna(row["value"])
            else _label(row["value"], decimals)
        )
        ax.annotate(
            text,
            (p.x, p.y),
            ha="center",
            va="center",
            fontsize=7.5,
            color=HUAINAN_COLOUR if row["code"] == CITY_CODE else "#111111",
            bbox=box,
        )
    ax.set_axis_off()
    ax.set_aspect("equal")
    ax.set_title(title, loc="left")
    finish(
        fig,
        source
        + (
            "；边界：CTAmap 2021（tudigong 整理）县级界线按地级市合并，已简化"
            if zh
            else "; boundaries: CTAmap 2021 counties (tudigong) dissolved by city, simplified"
        ),
    )
    return fig


def rank_grid(summary: pd.DataFrame, *, source: str, lang: str = "zh"):
    """Huainan's rank among Anhui's cities, every measure × year (2018–2023).

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`huainan.measures.peers.peer_summary` (``measure_zh``, ``data_year``,
        ``anhui_rank``, ``anhui_n``, ``anhui_percentile``, ``direction``, ``base``).

    Returns
    -------
    matplotlib.figure.Figure
        A grid: cell text ``7/16``, colour = percentile (red worst → green best; grey for a
        measure without a better/worse direction); years on registered population (户籍人口)
        carry a ``户`` mark.
    """
    use_cjk_font()
    zh = lang == "zh"
    names = list(dict.fromkeys(summary["measure_zh"]))
    years = sorted(summary["data_year"].unique())
    fig, ax = plt.subplots(figsize=(8.2, 0.45 * len(names) + 1.6))
    cmap = mpl.colormaps["RdYlGn"]
    for i, name in enumerate(names):
        rows = summary[summary["measure_zh"] == name].set_index("data_year")
        for j, y in enumerate(years):
            if y not in rows.index:
                ax.add_patch(plt.Rectangle((j, i), 1, 1, color="#f4f4f4"))
                ax.text(j + 0.5, i + 0.5, "—", ha="center", va="center", fontsize=8, color="#999")
                continue
            r = rows.loc[y]
            colour = cmap(float(r["anhui_percentile"]) / 100) if r["direction"] else "#d9d9d9"
            ax.add_patch(plt.Rectangle((j, i), 1, 1, color=colour, ec="white", lw=1.5))
            mark = "户" if str(r["base"]).startswith("registered") else ""
            ax.text(
                j + 0.5,
                i + 0.5,
                f"{int(r['anhui_rank'])}/{int(r['anhui_n'])}" + (f" {mark}" if mark else ""),
                ha="center",
                va="center",
                fontsize=8.5,
            )
    ax.set_xlim(0, len(years))
    ax.set_ylim(len(names), 0)
    ax.set_xticks(np.arange(len(years)) + 0.5, [str(y) for y in years])
    ax.set_yticks(np.arange(len(names)) + 0.5, names)
    ax.tick_params(length=0)
    ax.xaxis.tick_top()
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.grid(False)
    ax.set_title(
        "淮南市在全省16市中的排名（1 = 最好）" if zh else "Huainan's rank among Anhui's 16 cities",
        loc="left",
        pad=24,
    )
    neutral = bool((summary["direction"] == 0).any())
    registered = bool(summary["base"].astype(str).str.startswith("registered").any())
    note = (
        "颜色：红 = 靠后，绿 = 靠前"
        + ("（灰色指标无优劣之分）" if neutral else "")
        + "。"
        + (
            "“户”= 该年以户籍人口计算（年鉴仅2020、2023年有常住人口），不同口径年份的排名不宜直接比较。"
            if registered
            else ""
        )
        if zh
        else "Red = near the bottom, green = near the top; 户 = computed on registered population."
    )
    finish(fig, note + source)
    return fig


def peer_trend(
    pc: pd.DataFrame,
    measure: str,
    *,
    title: str,
    unit: str,
    source: str,
    city: str = CITY_CODE,
    lang: str = "zh",
):
    """Huainan's value by year against the Anhui median and middle half (25th–75th percentile).

    Points on resident population (常住人口) are filled, points on registered population (户籍人口)
    hollow; lines and bands join only consecutive years on the same base (the base is the same
    for every city in a year), so a change of base never looks like growth or decline.

    Parameters
    ----------
    pc : pandas.DataFrame
        :func:`huainan.measures.peers.per_capita`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from huainan.plan.regions import PROVINCE_CODE

    use_cjk_font()
    zh = lang == "zh"
    sel = pc[(pc["measure"] == measure) & (pc["province_code"] == PROVINCE_CODE)]
    stats = sel.groupby("data_year")["value"].describe()[["25%", "50%", "75%"]]
    mine = sel[sel["city_code"] == city].set_index("data_year").sort_index()
    fig, ax = plt.subplots(figsize=(7.5, 4.0))
    base_of_year = sel.groupby("data_year")["base"].first().astype(str).str.startswith("registered")
    runs: list[list[int]] = []
    for y in stats.index:
        if runs and y == runs[-1][-1] + 1 and base_of_year[y] == base_of_year[runs[-1][-1]]:
            runs[-1].append(y)
        else:
            runs.append([y])
    for k, run in enumerate(runs):
        st = stats.loc[run]
        first = k == 0
        if len(run) > 1:
            ax.fill_between(
                run,
                st["25%"],
                st["75%"],
                color="#cccccc",
                alpha=0.5,
                label=("全省16市中间一半" if zh else "Anhui middle half")
                if first
                else "_nolegend_",
            )
        else:
            ax.vlines(
                run,
                st["25%"],
                st["75%"],
                color="#bbbbbb",
                linewidth=8,
                alpha=0.6,
                label=("全省16市中间一半" if zh else "Anhui middle half")
                if first
                else "_nolegend_",
            )
        ax.plot(
            run,
            st["50%"],
            color=MEDIAN_COLOUR,
            linestyle="--",
            marker=".",
            label=("全省中位数" if zh else "Anhui median") if first else "_nolegend_",
        )
    years = list(mine.index)
    registered = mine["base"].astype(str).str.startswith("registered")
    for a, b in zip(years[:-1], years[1:], strict=True):
        if b == a + 1 and registered[a] == registered[b]:
            ax.plot([a, b], mine.loc[[a, b], "value"], color=HUAINAN_COLOUR, linewidth=2)
    for reg, label in ((False, "常住人口口径"), (True, "户籍人口口径")):
        pts = mine[registered == reg]
        if pts.empty:
            continue
        ax.scatter(
            pts.index,
            pts["value"],
            s=45,
            zorder=3,
            facecolors="white" if reg else HUAINAN_COLOUR,
            edgecolors=HUAINAN_COLOUR,
            linewidths=1.8,
            label=("淮南市（" + label + "）")
            if zh
            else f"Huainan ({'registered' if reg else 'resident'})",
        )
    ax.set_xticks(sorted(sel["data_year"].unique()))
    set_unit_label(ax, unit)
    ax.set_title(title, loc="left")
    ax.legend(fontsize=8, loc="best")
    finish(fig, source)
    return fig


# ---------------------------------------------------------------------------------------------
# One call per chart for the notebooks (titles and sources said once, here)
# ---------------------------------------------------------------------------------------------


def _latest_year(measure: str) -> int:
    from huainan.briefs import briefing

    s = briefing.peer_evidence()["summary"]
    return int(s.loc[s["measure"] == measure, "data_year"].max())


def _title(measure: str, year: int, lang: str) -> tuple[str, str, object]:
    from huainan.briefs import briefing
    from huainan.measures.peers import MEASURES_BY_ID

    m = MEASURES_BY_ID[measure]
    values = briefing.peer_city_values(measure, year)
    base = values.attrs.get("base_zh", "")
    from huainan.measures.peers import BASES_ZH, POPULATION_BASES

    population = {BASES_ZH[b] for b in POPULATION_BASES}
    short = "户籍人口" if base.startswith("户籍") else "常住人口"  # the 60+ estimate is in the note
    note = f"，{short}口径" if base in population else ""
    if m.direction == -1:
        note += "，越低越好"
    title = f"{m.name_zh}（{year}年{note}）" if lang == "zh" else f"{m.id} ({year})"
    return title, m.unit + _per(m), values


def _per(m) -> str:
    return {
        1000.0: "/千人" if "60" not in m.id else "/千名老人",
        1e6: "/百万人",
    }.get(m.per, "")


def source_line(lang: str = "zh") -> str:
    """The source line of every peer chart."""
    from huainan.briefs.peer_report import YEARBOOK_SOURCE_ZH

    return (
        "资料来源：" + YEARBOOK_SOURCE_ZH
        if lang == "zh"
        else "Source: China City Statistical Yearbook 2019–2024 (data 2018–2023)"
    )


def measure_bars(measure: str, year: int | None = None, *, lang: str = "zh"):
    """:func:`peer_bars` of one measure (default its latest year) with title, unit and source."""
    return _measure_figure(peer_bars, measure, year, lang)


def measure_map(measure: str, year: int | None = None, *, lang: str = "zh"):
    """:func:`anhui_map` of one measure (default its latest year) with title, unit and source."""
    return _measure_figure(anhui_map, measure, year, lang)


def _measure_figure(draw, measure: str, year: int | None, lang: str):
    from huainan.measures.peers import MEASURES_BY_ID

    year = _latest_year(measure) if year is None else int(year)
    title, unit, values = _title(measure, year, lang)
    m = MEASURES_BY_ID[measure]
    return draw(
        values,
        title=title,
        unit=unit,
        source=source_line(lang),
        decimals=m.decimals,
        direction=m.direction,
        lang=lang,
    )


def measure_trend(measure: str, *, lang: str = "zh"):
    """:func:`peer_trend` of one measure, 2018–2023, with title, unit and source."""
    from huainan.briefs import briefing
    from huainan.measures.peers import MEASURES_BY_ID

    m = MEASURES_BY_ID[measure]
    return peer_trend(
        briefing.peer_evidence()["pc"],
        measure,
        title=(f"{m.name_zh}：淮南市与全省16市" if lang == "zh" else m.id),
        unit=m.unit + _per(m),
        source=source_line(lang),
        lang=lang,
    )
