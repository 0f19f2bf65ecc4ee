"""Charts of the gaps on the plan's indicators: county values over the plan period, the change of
the spread, urban and rural values, and the shortfall to the plan's standards.

Every chart follows :mod:`huainan.briefs.charts`: the bundled CJK font, a title, labelled axes
with units, a source line, the legend outside the data, series drawn as points joined only
between consecutive observed years (:func:`huainan.briefs.charts.plot_series`), and nothing
drawn that was not observed (a missing value is said, never plotted as 0).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import FuncFormatter

from huainan.briefs.charts import finish, plot_series, set_unit_label, use_cjk_font
from huainan.formats import decimals_for, fixed, whole
from huainan.plan import regions

#: One colour per unit: the five districts in blues and greens, the two counties in oranges.
UNIT_COLOURS = {
    "340402": "#1f77b4",
    "340403": "#17becf",
    "340404": "#2ca02c",
    "340405": "#9467bd",
    "340406": "#8c564b",
    "340421": "#ff7f0e",
    "340422": "#d62728",
}
#: Colours of the change of a spread (缩小 green, 扩大 red, 基本持平 grey).
CHANGE_COLOURS = {"narrowed": "#1a9850", "widened": "#d73027", "stable": "#777777"}

SOURCE_RETURNS = "资料来源：各县区监测报送"


def county_trend_chart(
    panel: pd.DataFrame,
    indicator_id: str,
    *,
    target: float | None = None,
    target_label: str = "",
    source: str = SOURCE_RETURNS,
):
    """The value of one indicator in each unit, year by year.

    Parameters
    ----------
    panel : pandas.DataFrame
        :func:`huainan.measures.regional.county_panel` output.
    indicator_id : str
    target : float, optional
        Drawn as a horizontal dashed line (the 2025 target of a numeric target).
    target_label : str
        Its legend label (e.g. ``2025年目标 4.6``).
    source : str

    Returns
    -------
    matplotlib.figure.Figure
        One colour per unit (:data:`UNIT_COLOURS`), points joined only between consecutive years;
        the legend to the right of the axes; units without a value in any year are named in the
        source line.
    """
    use_cjk_font()
    part = panel[panel["indicator_id"] == indicator_id]
    if part.empty:
        raise ValueError(f"no county values of {indicator_id!r} in the panel")
    fig, ax = plt.subplots(figsize=(8.2, 4.3))
    for code in regions.UNIT_CODES:
        rows = part[part["region_code"] == code].sort_values("year")
        if rows.empty:
            continue
        plot_series(ax, rows["year"], rows["value"], colour=UNIT_COLOURS[code],
                    label=str(rows["name_zh"].iloc[0]), linewidth=1.6)  # fmt: skip
    if target is not None and pd.notna(target):
        ax.axhline(target, color="#333333", linestyle="--", linewidth=1.1, label=target_label)
    years = sorted(set(part["year"]))
    ax.set_xticks(range(years[0], years[-1] + 1), [str(y) for y in range(years[0], years[-1] + 1)])
    ax.set_xlim(years[0] - 0.4, years[-1] + 0.4)
    unit = str(part["unit"].iloc[0])
    set_unit_label(ax, unit)
    ax.set_title(f"{part['indicator_zh'].iloc[0]}：各县区历年数值", loc="left")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    absent = [regions.name(c) for c in regions.UNIT_CODES if c not in set(part["region_code"])]
    note = source + (f"；无数据：{'、'.join(absent)}" if absent else "")
    finish(fig, note + "；相邻年份均有数值时才连线")
    return fig


def spread_change_chart(table: pd.DataFrame):
    """How the spread across the units changed: CV in the first year (grey) → the last year
    (green 缩小, red 扩大, grey 基本持平), one row per indicator.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`huainan.measures.regional.regional_gaps` output (``name_zh``, ``cv_from``,
        ``cv_to``, ``year_from``, ``year_to``, ``change``, ``change_zh``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    use_cjk_font()
    df = table.reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8.2, 0.45 * len(df) + 1.9))
    decimals = 3  # as in the sentences and tables (regional.change_sentence)
    for i, r in df.iterrows():
        colour = CHANGE_COLOURS.get(str(r["change"]), "#777777")
        ax.annotate("", xy=(r["cv_to"], i), xytext=(r["cv_from"], i),
                    arrowprops=dict(arrowstyle="->", color="#bbbbbb", lw=1.6))  # fmt: skip
        ax.scatter([r["cv_from"]], [i], color="#999999", s=30, zorder=2)
        ax.scatter([r["cv_to"]], [i], color=colour, s=46, zorder=3)
        ax.annotate(
            f"{fixed(r['cv_from'], decimals)} → {fixed(r['cv_to'], decimals)}（{r['change_zh']}，"
            f"{int(r['year_from'])}→{int(r['year_to'])}年）",
            (max(r["cv_from"], r["cv_to"]), i), textcoords="offset points", xytext=(8, 0),
            va="center", fontsize=8,
        )  # fmt: skip
    ax.set_yticks(range(len(df)), df["name_zh"], fontsize=9)
    ax.invert_yaxis()
    hi = float(max(df["cv_from"].max(), df["cv_to"].max()))
    ax.set_xlim(0, hi * 1.9 if hi > 0 else 1)
    ax.set_xlabel("变异系数（各县区数值的标准差 ÷ 平均值，未加权；越小越均衡）")
    ax.set_title("县区之间的差距：起始年（灰）→ 最近一年（绿 = 缩小，红 = 扩大，灰 = 基本持平）",
                 loc="left", fontsize=11)  # fmt: skip
    finish(fig, SOURCE_RETURNS + "；只比较两年都有数值的县区；变化不足5%视为基本持平")
    return fig


def urban_rural_chart(panel: pd.DataFrame, indicator_id: str, region_code: str):
    """Urban and rural values of one indicator in one region, year by year, with the ratio.

    Parameters
    ----------
    panel : pandas.DataFrame
        :func:`huainan.measures.urban_rural.urban_rural_panel` output.
    indicator_id, region_code : str

    Returns
    -------
    matplotlib.figure.Figure
        城镇 and 乡村 as two series (points joined only between consecutive years), the ratio
        written above each year; the legend to the right of the axes.
    """
    use_cjk_font()
    rows = panel[
        (panel["indicator_id"] == indicator_id) & (panel["region_code"] == region_code)
    ].sort_values("year")
    if rows.empty:
        raise ValueError(f"no urban and rural values of {indicator_id!r} for {region_code}")
    fig, ax = plt.subplots(figsize=(7.6, 4.0))
    plot_series(ax, rows["year"], rows["urban"], colour="#4c72b0", label="城镇", linewidth=1.8)
    plot_series(ax, rows["year"], rows["rural"], colour="#55a868", label="乡村", linewidth=1.8)
    decimals = decimals_for([*rows["urban"], *rows["rural"]])
    for r in rows.itertuples(index=False):
        if pd.notna(r.ratio):
            ax.annotate(f"城乡比 {fixed(r.ratio, 2)}", (r.year, max(r.urban, r.rural)),
                        textcoords="offset points", xytext=(0, 9), ha="center", fontsize=8)  # fmt: skip
        for v, c in ((r.urban, "#4c72b0"), (r.rural, "#55a868")):
            ax.annotate(fixed(v, decimals), (r.year, v), textcoords="offset points",
                        xytext=(8, -3), fontsize=8, color=c)  # fmt: skip
    years = list(range(int(rows["year"].min()), int(rows["year"].max()) + 1))
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlim(years[0] - 0.5, years[-1] + 0.6)
    low = float(rows["rural"].min())
    ax.set_ylim(0 if low >= 0 else low * 1.2, float(rows[["urban", "rural"]].max().max()) * 1.2)
    set_unit_label(ax, str(rows["unit"].iloc[0]))
    ax.set_title(f"{rows['name_zh'].iloc[0]}{rows['indicator_zh'].iloc[0]}：城镇与乡村", loc="left")
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    sources = "；".join(dict.fromkeys([*rows["urban_source"], *rows["rural_source"]]))
    finish(fig, f"资料来源：{sources}；相邻年份均有数值时才连线")
    return fig


def shortfall_chart(table: pd.DataFrame, standard_id: str):
    """The gap of each unit to one standard: bars to the right for a shortfall, to the left for
    more than the standard; units without a reported supply are named "未报送", not drawn.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`huainan.measures.shortfall.plan_shortfalls` output.
    standard_id : str

    Returns
    -------
    matplotlib.figure.Figure
        Units ranked by gap (largest on top); when no unit reported its supply, the
        requirement per unit instead (grey bars, said in the title).
    """
    use_cjk_font()
    rows = table[
        (table["standard_id"] == standard_id) & (table["region_code"] != regions.CITY_CODE)
    ]
    if rows.empty:
        raise ValueError(f"no rows of standard {standard_id!r}")
    first = rows.iloc[0]
    what, unit = first["provision_zh"], first["unit"]
    reported = rows["supply"].notna().any()
    column = "gap" if reported else "requirement"
    data = rows.sort_values(column, ascending=True, na_position="first").reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(7.6, 4.0))
    values = data[column]
    colours = [
        "#bbbbbb" if not reported else ("#d73027" if v > 0 else "#1a9850") for v in values.fillna(0)
    ]
    ax.barh(data.index, values.fillna(0), color=colours)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(data.index, data["name_zh"])
    span = float(values.abs().max()) if values.notna().any() else 1.0
    for i, v in values.items():
        text = "未报送" if pd.isna(v) else whole(v)
        x = 0 if pd.isna(v) else v
        ax.text(x + (span * 0.015 if x >= 0 else -span * 0.015), i, text, va="center",
                ha="left" if x >= 0 else "right", fontsize=8)  # fmt: skip
    lo = float(values.min()) if values.notna().any() else 0.0
    hi = float(values.max()) if values.notna().any() else 0.0
    ax.set_xlim(min(0.0, lo) - (0.15 * span if lo < 0 else 0.0), max(0.0, hi) + 0.18 * span)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: whole(x)))  # 2,000,000, not 2e6
    ax.set_xlabel(unit)
    if reported:
        title = f"各县区{what}缺口（{unit}；右 = 不足，左 = 多于标准）"
    else:
        title = f"各县区按标准需要的{what}（{unit}；现有数量未报送，缺口无法计算）"
    ax.set_title(title, loc="left", fontsize=11)
    finish(
        fig,
        "资料来源：《规划》配置标准；各县区监测报送；最新常住人口（部门报送优先，其次人口普查）",
    )
    return fig
