"""Charts for briefs and apps: seaborn/matplotlib with a bundled CJK font.

Every chart is titled, has labelled axes with units and a source line under it, and uses the domain
colours of :mod:`huainan.plan.domains` and the status colours below. Chinese text is drawn with Noto Sans SC
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
import unicodedata
from functools import lru_cache

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib import font_manager

from huainan.evidence import observed
from huainan.formats import number
from huainan.plan import domains

#: Source line for figures that come from the plan text alone.
SOURCE_PLAN = "资料来源：《淮南市“十四五”公共服务规划（征求意见稿）》"

#: Colours of attainment and progress classes (green = good … red = bad, grey = cannot say).
STATUS_COLOURS = {
    "met": "#1a9850",
    "achieved": "#1a9850",
    "faster": "#66bd63",
    "as_expected": "#a6d96a",
    "lagging": "#fdae61",
    "on_track": "#66bd63",
    "borderline": "#fdae61",
    "needs_acceleration": "#fdae61",
    "limited_progress": "#f46d43",
    "not_met": "#d73027",
    "deterioration": "#d73027",
    "qualitative": "#b3a2c7",
    "needs_reference": "#9ecae1",
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
    sns.set_theme(
        style="whitegrid",
        font=family,
        rc={
            "axes.unicode_minus": True,
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "axes.titleweight": "normal",  # the bundled font has one weight (Regular)
            "figure.titleweight": "normal",
            "axes.titlesize": 13,
            "axes.labelsize": 11,
        },
    )
    plt.rcParams["font.sans-serif"] = [family, "DejaVu Sans"]
    return family


def _wrap(text: str, budget: int) -> list[str]:
    """Split ``text`` into lines of at most ``budget`` columns (CJK characters count two)."""
    lines, line, width = [], "", 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        if width + w > budget and line:
            lines.append(line)
            line, width = "", 0
        line += ch
        width += w
    if line:
        lines.append(line)
    return lines


def add_source(fig, text: str = SOURCE_PLAN) -> int:
    """Write a source line under the figure (bottom left, small grey text), wrapped to the
    figure's width; return the number of lines written."""
    budget = int(fig.get_figwidth() * 72 / 8 * 2 * 0.92)  # 8-pt text: columns per line
    lines = _wrap(text, budget)
    fig.text(0.01, 0.005, "\n".join(lines), ha="left", va="bottom", fontsize=8, color="#555555")
    return len(lines)


def finish(fig, source: str) -> None:
    """Add the source line and lay the figure out with room for it."""
    n = add_source(fig, source)
    line = 8 * 1.5 / 72 / fig.get_figheight()  # height of one 8-pt line, in figure fraction
    fig.tight_layout(rect=(0, 0.01 + n * line, 1, 1))


def set_unit_label(ax, unit: str, axis: str = "y") -> None:
    """Label an axis with its unit, written horizontally (CJK text is not rotated)."""
    if axis == "y":
        ax.set_ylabel(unit, rotation=0, ha="right", va="center")
    else:
        ax.set_xlabel(unit)


def to_png(fig, *, dpi: int = 110) -> bytes:
    """Render ``fig`` to PNG bytes and close it (for ``ipywidgets.Image`` in Voila apps)."""
    buf = io.BytesIO()
    # The chart functions lay themselves out (finish → tight_layout), so bbox_inches="tight"
    # (which draws everything twice) is not needed; light compression keeps app redraws fast.
    fig.savefig(buf, format="png", dpi=dpi, pil_kwargs={"compress_level": 3})
    plt.close(fig)
    return buf.getvalue()


def review_13th_chart(assessed: pd.DataFrame):
    """Bar chart of the 十三五 review: how far each 2020 actual was beyond (or short of) its target.

    Parameters
    ----------
    assessed : pandas.DataFrame
        Output of :func:`huainan.measures.progress.assess_13th` (columns used: ``name_zh``, ``unit``,
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
    ax.scatter(shown.fillna(0), y, c=colours, s=42, zorder=3, edgecolors="#333333", linewidths=0.5)
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
    handles = [
        plt.Rectangle((0, 0), 1, 1, color=STATUS_COLOURS[k])
        for k in ("met", "borderline", "not_met")
    ]
    ax.legend(
        handles,
        ["已完成", "临界：恰等于“高于/低于”界限（按未完成计）", "未完成"],
        loc="lower right",
        fontsize=8,
        frameon=True,
    )
    finish(fig, SOURCE_PLAN + " 专栏1；[ ]为五年累计数")
    return fig


_OP_TEXT = {">": "高于", ">=": "不低于", "<": "低于", "<=": "不高于", None: ""}
_OP_TEXT_EN = {">": "above", ">=": "at least", "<": "below", "<=": "at most", None: ""}


def _sources_line(rows: pd.DataFrame, lead: str = SOURCE_PLAN) -> str:
    titles = [t for t in dict.fromkeys(rows["source"].dropna().astype(str)) if t]
    if not titles:
        return lead
    more = f" 等{len(titles)}项" if len(titles) > 2 else ""
    return lead + "；观测值：" + "；".join(titles[:2]) + more


def trajectory_chart(
    indicator_id: str,
    observations: pd.DataFrame,
    *,
    region_code: str = "340400",
    year: int | None = None,
    lang: str = "zh",
):
    """Trajectory of one 专栏2 indicator: 2020 baseline → observed values → 2025 target.

    Parameters
    ----------
    indicator_id : str
        A ``huainan.plan.indicators()`` id.
    observations : pandas.DataFrame
        Long table (``region_code, year, area, indicator, value, source``), e.g.
        :func:`huainan.evidence.observed.all_observations`. Five-year totals are drawn from
        ``<id>_to_date`` running totals or from annual values (their running sum is drawn only over
        consecutive years).
    region_code : str, default 淮南市
    year : int, optional
        Last year to show observations for (default: all up to the target year).
    lang : {"zh", "en"}

    Returns
    -------
    matplotlib.figure.Figure
        Points for the baseline (基期值) and observations, a star for the target (目标值) with its
        qualifier, and the required path: compound growth from the baseline to the target for
        levels (``x0·(X*/x0)^((t−t0)/(T−t0))``, METHODS.md §2) or the linear path
        ``X*·(t−t0)/(T−t0)`` for five-year totals. Qualitative and relative targets are stated in
        words; missing observations are said in the plot ("暂无观测数据"), never drawn.

    Raises
    ------
    KeyError
        If ``indicator_id`` is unknown.
    """
    from huainan import plan

    use_cjk_font()
    ind = plan.indicator(indicator_id)
    zh = lang == "zh"
    t0, horizon = int(ind["baseline_year"]), int(ind["target_year"])
    last = horizon if year is None else min(int(year), horizon)
    op = None if pd.isna(ind["target_op"]) else ind["target_op"]
    colour = domains.get(ind["domain"]).colour
    obs = observations[
        (observations["region_code"] == region_code)
        & (observations["area"] == "total")
        & observations["year"].between(t0 + 1, last)
        & observations["value"].notna()
    ]
    cumulative = bool(ind["cumulative"])
    if cumulative:
        # the running totals the evaluation uses (huainan.evidence.observed.running_series)
        points = observed.running_series(
            observations, indicator_id, region_code, start=t0 + 1, end=last
        )[["year", "value"]]
        shown = obs[obs["indicator"].isin([indicator_id, indicator_id + observed.TO_DATE_SUFFIX])]
    else:
        # per year the value that counts (huainan.evidence.observed.select)
        shown = obs[obs["indicator"] == indicator_id].sort_values("year")
        best = [
            observed.select(observations, indicator_id, region_code, year_from=y, year_to=y).row
            for y in sorted(set(shown["year"]))
        ]
        points = pd.DataFrame(
            [(int(b["year"]), float(b["value"])) for b in best if b is not None],
            columns=["year", "value"],
        )

    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    years = list(range(t0, horizon + 1))
    goal = ind["target_value"]
    if ind["target_kind"] == "numeric":
        if cumulative:
            path = [goal * (t - t0) / (horizon - t0) for t in years]
            path_label = "按五年累计目标的线性进度" if zh else "linear path to the 5-year total"
        elif pd.notna(ind["baseline"]) and ind["baseline"] > 0 and goal > 0:
            x0 = float(ind["baseline"])
            path = [x0 * (goal / x0) ** ((t - t0) / (horizon - t0)) for t in years]
            path_label = "达标所需路径（年均增速不变）" if zh else "required path (constant growth)"
        else:
            path = None
        if path is not None:
            ax.plot(years, path, linestyle="--", color="#777777", linewidth=1.2, label=path_label)
        ax.scatter(
            [horizon],
            [goal],
            marker="*",
            s=220,
            color=colour,
            edgecolors="#333333",
            zorder=4,
            label=("目标值" if zh else "target"),
        )
        qualifier = (_OP_TEXT if zh else _OP_TEXT_EN)[op]
        ax.annotate(
            f"{'目标' if zh else 'target'} {qualifier}{goal:g}",
            (horizon, goal),
            textcoords="offset points",
            xytext=(-8, 10),
            ha="right",
            fontsize=9,
        )
    if pd.notna(ind["baseline"]) and not cumulative:
        ax.scatter(
            [t0],
            [ind["baseline"]],
            color="#333333",
            s=40,
            zorder=4,
            label=("2020年基期值" if zh else "2020 baseline"),
        )
        ax.annotate(
            number(ind["baseline"]),
            (t0, ind["baseline"]),
            textcoords="offset points",
            xytext=(0, 8),
            ha="center",
            fontsize=8,
            color="#333333",
        )
    if not points.empty:
        ax.plot(
            points["year"],
            points["value"],
            marker="o",
            color=colour,
            linewidth=2,
            zorder=5,
            label=("观测值（累计）" if cumulative and zh else "观测值" if zh else "observed"),
        )
        for _, p in points.iterrows():
            ax.annotate(
                number(p["value"]),
                (p["year"], p["value"]),
                textcoords="offset points",
                xytext=(0, 8),
                ha="center",
                fontsize=8,
                color=colour,
            )
    else:
        ax.text(
            0.5,
            0.06,
            f"{t0 + 1}年以来暂无观测数据" if zh else f"no observations since {t0 + 1}",
            transform=ax.transAxes,
            ha="center",
            va="bottom",
            fontsize=11,
            color="#777777",
            bbox=dict(boxstyle="round,pad=0.3", fc="white", ec="#cccccc"),
        )
    if ind["target_kind"] == "relative":
        ref = observations[
            (observations["region_code"] == "340000")
            & (observations["indicator"] == indicator_id)
            & (observations["area"] == "total")
            & observations["year"].between(t0 - 1, last)
            & observations["value"].notna()
        ].sort_values("year")
        ref = ref.drop_duplicates("year", keep="last")
        if not ref.empty:
            ax.plot(
                ref["year"],
                ref["value"],
                marker="s",
                linestyle=":",
                color="#777777",
                label=("安徽省（参照值）" if zh else "Anhui (reference)"),
            )
            for _, p in ref.iterrows():
                ax.annotate(
                    number(p["value"]),
                    (p["year"], p["value"]),
                    textcoords="offset points",
                    xytext=(0, -12),
                    ha="center",
                    fontsize=8,
                    color="#777777",
                )
            shown = pd.concat([shown, ref])
    if ind["target_kind"] in ("qualitative", "relative"):
        ax.text(
            0.98,
            0.92,
            ("目标：" if zh else "target: ") + str(ind["target_text"]),
            transform=ax.transAxes,
            ha="right",
            fontsize=10,
            color=colour,
        )
    first = int(min([t0, *shown["year"].tolist()]))
    ax.set_xticks(range(first, horizon + 1), [str(y) for y in range(first, horizon + 1)])
    ax.set_xlim(first - 0.4, horizon + 0.4)
    set_unit_label(ax, f"五年累计（{ind['unit']}）" if cumulative and zh else ind["unit"])
    attr = plan.ATTRIBUTE_ZH[ind["attribute"]] if zh else ind["attribute"]
    ax.set_title(f"{ind['name_zh']}（{attr}）", loc="left")
    if ax.get_legend_handles_labels()[0]:  # under the axes: never covers a data point
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=4, frameon=False)
    finish(fig, _sources_line(shown))
    return fig


def unit_bars(
    values: pd.DataFrame,
    *,
    title: str,
    unit: str,
    source: str,
    references: dict[str, float] | None = None,
    lang: str = "zh",
):
    """Horizontal bars of one value for the seven county-level units, with reference lines.

    Parameters
    ----------
    values : pandas.DataFrame
        Columns ``region_code`` (str) and ``value`` (float; NaN = no data); units not listed are
        shown as "无数据".
    title, unit, source : str
        Chart title, the value's unit (axis label) and the source line.
    references : dict, optional
        ``{label: value}`` drawn as vertical lines (e.g. ``{"淮南市": 22.1, "安徽省": 18.8}``);
        NaN references are skipped and named in the source line as missing.
    lang : {"zh", "en"}

    Returns
    -------
    matplotlib.figure.Figure
        Units sorted by value (largest on top), districts and counties in two shades of grey-blue,
        values written at the bar ends.
    """
    from huainan.plan import regions

    use_cjk_font()
    zh = lang == "zh"
    units = regions.units()
    data = units.merge(
        values[["region_code", "value"]], left_on="code", right_on="region_code", how="left"
    )
    data["label"] = data["name_zh"] if zh else data["name_en"]
    data = data.sort_values("value", ascending=True, na_position="first").reset_index(drop=True)
    palette = {"district": "#4c72b0", "county": "#dd8452"}
    fig, ax = plt.subplots(figsize=(7.5, 4.0))
    ax.barh(data.index, data["value"].fillna(0), color=data["group"].map(palette))
    ax.set_yticks(data.index, data["label"])
    finite = data["value"].dropna()
    span = float(finite.max()) if not finite.empty else 1.0
    for i, v in data["value"].items():
        ax.text(
            (0 if pd.isna(v) else v) + span * 0.01,
            i,
            "无数据" if pd.isna(v) and zh else "no data" if pd.isna(v) else number(v),
            va="center",
            fontsize=8,
        )
    missing_refs = []
    ref_colours = ["#222222", "#c44e52", "#55a868"]
    for (label, ref), c in zip((references or {}).items(), ref_colours * 3, strict=False):
        if ref is None or pd.isna(ref):
            missing_refs.append(label)
            continue
        ax.axvline(ref, color=c, linestyle="--", linewidth=1.2, label=f"{label} {number(ref)}")
    handles: list = [plt.Rectangle((0, 0), 1, 1, color=palette[g]) for g in ("district", "county")]
    names = ["市辖区", "县"] if zh else ["district", "county"]
    ref_handles, ref_labels = ax.get_legend_handles_labels()
    ax.legend(handles + ref_handles, names + ref_labels, fontsize=8, loc="lower right")
    ax.set_xlabel(unit)
    ax.set_title(title, loc="left")
    note = source
    if missing_refs:
        note += ("；无参照值：" if zh else "; no reference value: ") + "、".join(missing_refs)
    finish(fig, note)
    return fig


#: Units smaller than this (m², projected) are labelled with call-outs on maps (the four urban
#: districts: 八公山区 67 km², 田家庵区 252 km², 谢家集区 271 km², 大通区 305 km²).
SMALL_UNIT_M2 = 400e6


def choropleth(
    values: pd.DataFrame,
    *,
    title: str,
    unit: str,
    source: str,
    lang: str = "zh",
    cmap: str = "YlGnBu",
    reverse: bool = False,
):
    """Map of the seven county-level units coloured by one value, neighbours in light grey.

    Parameters
    ----------
    values : pandas.DataFrame
        Columns ``region_code`` (str) and ``value`` (float); units without a value are hatched
        and labelled "无数据" — never coloured as if zero.
    title, unit, source : str
        Map title, the value's unit (colour-bar label) and the source line (the boundary source is
        appended).
    lang : {"zh", "en"}
    cmap : str
        A sequential matplotlib colour map.
    reverse : bool
        Reverse the colour map (for lower-is-better values: darker = worse stays intuitive).

    Returns
    -------
    matplotlib.figure.Figure
        Polygons from :func:`huainan.evidence.boundaries.units` (2021 boundaries, Albers equal-area
        projection, simplified), each unit labelled with its name and value.
    """
    import matplotlib as mpl

    from huainan.evidence import boundaries

    use_cjk_font()
    zh = lang == "zh"
    gdf = boundaries.units().merge(
        values[["region_code", "value"]], left_on="code", right_on="region_code", how="left"
    )
    fig, ax = plt.subplots(figsize=(6.4, 6.0))
    try:
        boundaries.neighbours().plot(ax=ax, color="#f2f2f2", edgecolor="#cccccc", linewidth=0.5)
    except Exception:  # neighbours are context only; the map stands without them
        pass
    have = gdf[gdf["value"].notna()]
    colours = mpl.colormaps[cmap + ("_r" if reverse else "")]
    if not have.empty:
        vmin, vmax = float(have["value"].min()), float(have["value"].max())
        if vmin == vmax:
            vmin, vmax = vmin - 1, vmax + 1
        norm = mpl.colors.Normalize(vmin=vmin, vmax=vmax)
        have.plot(
            ax=ax,
            color=[colours(norm(v)) for v in have["value"]],
            edgecolor="#333333",
            linewidth=0.8,
        )
        bar = fig.colorbar(
            mpl.cm.ScalarMappable(norm=norm, cmap=colours), ax=ax, shrink=0.6, pad=0.02
        )
        bar.set_label(unit)
        bar.ax.yaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda x, _: number(x)))
    missing = gdf[gdf["value"].isna()]
    if not missing.empty:
        missing.plot(ax=ax, color="#ffffff", edgecolor="#333333", linewidth=0.8, hatch="///")
    names = gdf["name_zh"] if zh else gdf["name_en"] if "name_en" in gdf else gdf["code"]
    bounds = gdf.total_bounds
    width = bounds[2] - bounds[0]
    # Large units are labelled inside; small urban districts get call-outs in a column on the
    # right so that labels never overlap.
    small = gdf.geometry.area < SMALL_UNIT_M2
    callouts = gdf[small].assign(_y=gdf[small].geometry.representative_point().y)
    callouts = callouts.sort_values("_y", ascending=False)
    label_x = bounds[2] + width * 0.08
    top = bounds[3] - (bounds[3] - bounds[1]) * 0.25
    step = (bounds[3] - bounds[1]) * 0.12
    slot = {idx: top - i * step for i, idx in enumerate(callouts.index)}
    box = dict(boxstyle="round,pad=0.2", fc="white", ec="#999999", alpha=0.9, lw=0.5)
    for (idx, row), name in zip(gdf.iterrows(), names, strict=True):
        point = row.geometry.representative_point()
        text = f"{name}\n" + (
            ("无数据" if zh else "no data") if pd.isna(row["value"]) else number(row["value"])
        )
        if idx in slot:
            ax.annotate(
                text,
                (point.x, point.y),
                xytext=(label_x, slot[idx]),
                ha="left",
                va="center",
                fontsize=8,
                bbox=box,
                arrowprops=dict(arrowstyle="-", color="#555555", lw=0.6),
            )
        else:
            ax.annotate(text, (point.x, point.y), ha="center", va="center", fontsize=8, bbox=box)
    pad = width * 0.05
    ax.set_xlim(bounds[0] - pad, bounds[2] + width * 0.35)
    ax.set_ylim(bounds[1] - pad, bounds[3] + pad)
    ax.set_axis_off()
    ax.set_aspect("equal")
    ax.set_title(title, loc="left")
    finish(
        fig,
        source
        + (
            "；边界：CTAmap 2021（tudigong 整理），已简化"
            if zh
            else "; boundaries: CTAmap 2021 via tudigong, simplified"
        ),
    )
    return fig


def show(fig) -> None:
    """Display ``fig`` in a notebook once and close it (no second copy from the inline backend)."""
    from IPython.display import display

    display(fig)
    plt.close(fig)


def verdict_by_domain(table: pd.DataFrame, *, lang: str = "zh"):
    """Stacked bars: how many of each domain's 专栏2 indicators have each verdict.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`huainan.measures.evaluation.evaluate` output (columns ``domain``, ``verdict``,
        ``stage``, ``evaluation_year``).
    lang : {"zh", "en"}

    Returns
    -------
    matplotlib.figure.Figure
    """
    from huainan.measures.evaluation import STAGE_ZH
    from huainan.measures.progress import FINAL_EN, PROGRESS_VERDICT_EN, VERDICT_ORDER, VERDICT_ZH

    use_cjk_font()
    zh = lang == "zh"
    counts = table.groupby(["domain", "verdict"]).size().unstack(fill_value=0)
    counts = counts.reindex(index=list(domains.DOMAIN_IDS), fill_value=0)
    verdicts = [v for v in VERDICT_ORDER if v in counts.columns]
    fig, ax = plt.subplots(figsize=(8, 4.6))
    left = pd.Series(0, index=counts.index)
    labels = [domains.get(d).zh if zh else domains.get(d).en for d in counts.index]
    en = {**PROGRESS_VERDICT_EN, **FINAL_EN}
    for v in verdicts:
        ax.barh(
            labels,
            counts[v],
            left=left,
            color=STATUS_COLOURS[v],
            label=VERDICT_ZH[v] if zh else en[v],
            edgecolor="white",
        )
        left = left + counts[v]
    ax.invert_yaxis()
    ax.set_xlabel("指标数（项）" if zh else "indicators")
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    stage = str(table["stage"].iloc[0]) if len(table) else "annual"
    year = int(table["evaluation_year"].iloc[0]) if len(table) else 0
    ax.set_title(
        f"各领域主要指标{STAGE_ZH[stage]}结论（{year}年）"
        if zh
        else f"Verdicts on the main indicators by domain ({stage}, {year})",
        loc="left",
    )
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=5, frameon=False)
    finish(fig, SOURCE_PLAN + " 专栏2；采用数值及来源见评估表")
    return fig


def sigma_chart(summary: pd.DataFrame, *, lang: str = "zh"):
    """Coefficient of variation across the seven units, first vs last census year, by indicator.

    Parameters
    ----------
    summary : pandas.DataFrame
        Rows of :func:`huainan.briefs.briefing.disparity_summary` (``name_zh``, ``cv_first``, ``cv``,
        ``first_year``, ``year``), possibly of several domains, with a ``domain`` column.
    lang : {"zh", "en"}

    Returns
    -------
    matplotlib.figure.Figure
        A dumbbell per indicator (grey = 2010, coloured = 2020; green when the CV fell —
        σ-convergence —, red when it rose).
    """
    use_cjk_font()
    zh = lang == "zh"
    df = summary.reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8, 0.34 * len(df) + 1.6))
    for i, r in df.iterrows():
        colour = "#1a9850" if r["cv"] < r["cv_first"] else "#d73027"
        ax.plot([r["cv_first"], r["cv"]], [i, i], color="#bbbbbb", linewidth=2, zorder=1)
        ax.scatter([r["cv_first"]], [i], color="#999999", s=30, zorder=2)
        ax.scatter([r["cv"]], [i], color=colour, s=40, zorder=3)
    ax.set_yticks(range(len(df)), df["name_zh"], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("变异系数（七个县区，未加权）" if zh else "coefficient of variation (7 units)")
    first, last = int(df["first_year"].min()), int(df["year"].max())
    ax.set_title(
        f"县区差距的变化：{first}年（灰）→ {last}年（绿=缩小，红=扩大）"
        if zh
        else f"Regional dispersion {first} (grey) → {last} (green = narrower, red = wider)",
        loc="left",
    )
    finish(
        fig,
        "资料来源：第六、七次全国人口普查分县资料"
        if zh
        else "Source: 2010 and 2020 census county tables",
    )
    return fig
