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
    ``axes.unicode_minus`` stays True: the font has U+2212. ``text.parse_math`` is False: no
    text is read as a formula, so a source title with ``$`` signs is drawn as typed.

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
            # text from returns (source titles) is drawn as typed: "$x^2$" or "费用 $5 与 $6"
            # never becomes a formula (which also failed on unknown commands, and drew
            # Chinese between two "$" in a font without it)
            "text.parse_math": False,
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
    ax.set_title("“十三五”基本公共服务均等化指标完成情况（2020年实绩与目标对比）", loc="left")
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


def series_segments(years, values) -> list[tuple[list[int], list[float]]]:
    """Runs of consecutive years of a series: the only stretches a line may join.

    A line between two observations must not cross a year without one (2019 → 2024 would draw
    values nobody observed); each run of two or more consecutive years is one line, a lone year
    is a point only.

    Examples
    --------
    >>> series_segments([2019, 2020, 2021, 2024, 2025, 2027], [1, 2, 3, 4, 5, 6])
    [([2019, 2020, 2021], [1, 2, 3]), ([2024, 2025], [4, 5])]
    """
    pairs = sorted(zip((int(y) for y in years), values, strict=True))
    runs: list[tuple[list[int], list[float]]] = []
    for y, v in pairs:
        if runs and runs[-1][0][-1] == y - 1:
            runs[-1][0].append(y)
            runs[-1][1].append(v)
        else:
            runs.append(([y], [v]))
    return [r for r in runs if len(r[0]) > 1]


def plot_series(ax, years, values, *, colour: str, label: str | None = None, **line) -> None:
    """Points for every observation, joined only between consecutive years
    (:func:`series_segments`); ``line`` goes to the joining lines (linestyle, linewidth, zorder).
    The points carry the legend entry."""
    marker = line.pop("marker", "o")
    zorder = line.get("zorder", 5)
    ax.scatter(list(years), list(values), color=colour, marker=marker, s=30, zorder=zorder,
               label=label)  # fmt: skip
    for ys, vs in series_segments(years, values):
        ax.plot(ys, vs, color=colour, **line)


class _Trajectory:
    """What every step of :func:`trajectory_chart` needs to know about the indicator."""

    def __init__(self, ind: pd.Series, lang: str, year: int | None):
        self.ind, self.zh = ind, lang == "zh"
        self.t0, self.horizon = int(ind["baseline_year"]), int(ind["target_year"])
        self.last = self.horizon if year is None else min(int(year), self.horizon)
        self.op = None if pd.isna(ind["target_op"]) else ind["target_op"]
        self.colour = domains.get(ind["domain"]).colour
        self.cumulative = bool(ind["cumulative"])

    def t(self, zh: str, en: str) -> str:
        return zh if self.zh else en


def _trajectory_points(c: _Trajectory, observations: pd.DataFrame, region_code: str):
    """The values drawn (per year the value that counts) and the rows shown as sources."""
    ind_id = c.ind["indicator_id"]
    obs = observations[
        (observations["region_code"] == region_code)
        & (observations["area"] == "total")
        & observations["year"].between(c.t0 + 1, c.last)
        & observations["value"].notna()
    ]
    if c.cumulative:
        # the running totals the evaluation uses (huainan.evidence.observed.running_series)
        points = observed.running_series(
            observations, ind_id, region_code, start=c.t0 + 1, end=c.last
        )[["year", "value"]]
        shown = obs[obs["indicator"].isin([ind_id, ind_id + observed.TO_DATE_SUFFIX])]
        return points, shown
    # per year the value that counts (huainan.evidence.observed.select)
    shown = obs[obs["indicator"] == ind_id].sort_values("year")
    best = [
        observed.select(observations, ind_id, region_code, year_from=y, year_to=y).row
        for y in sorted(set(shown["year"]))
    ]
    points = pd.DataFrame(
        [(int(b["year"]), float(b["value"])) for b in best if b is not None],
        columns=["year", "value"],
    )
    return points, shown


def _draw_target(ax, c: _Trajectory, with_path: bool) -> None:
    """The target star, and the required path — only when there is an observation after the
    baseline to compare with it (a path through empty years would show what nobody saw)."""
    ind, goal = c.ind, c.ind["target_value"]
    years = list(range(c.t0, c.horizon + 1))
    path = None
    if c.cumulative:
        path = [goal * (t - c.t0) / (c.horizon - c.t0) for t in years]
        label = c.t("按五年累计目标的线性进度", "linear path to the 5-year total")
    elif pd.notna(ind["baseline"]) and ind["baseline"] > 0 and goal > 0:
        x0 = float(ind["baseline"])
        path = [x0 * (goal / x0) ** ((t - c.t0) / (c.horizon - c.t0)) for t in years]
        label = c.t("达标所需路径（年均增速不变）", "required path (constant growth)")
    if path is not None and with_path:
        ax.plot(years, path, linestyle="--", color="#777777", linewidth=1.2, label=label)
    ax.scatter(
        [c.horizon], [goal], marker="*", s=220, color=c.colour, edgecolors="#333333", zorder=4,
        label=c.t("目标值", "target"),
    )  # fmt: skip
    qualifier = (_OP_TEXT if c.zh else _OP_TEXT_EN)[c.op]
    ax.annotate(
        f"{c.t('目标', 'target')} {qualifier}{goal:g}", (c.horizon, goal),
        textcoords="offset points", xytext=(-8, 10), ha="right", fontsize=9,
    )  # fmt: skip


def _draw_baseline(ax, c: _Trajectory) -> None:
    base = c.ind["baseline"]
    if pd.isna(base) or c.cumulative:
        return
    ax.scatter([c.t0], [base], color="#333333", s=40, zorder=4,
               label=c.t(f"{c.t0}年基期值", f"{c.t0} baseline"))  # fmt: skip
    ax.annotate(number(base), (c.t0, base), textcoords="offset points", xytext=(0, 8),
                ha="center", fontsize=8, color="#333333")  # fmt: skip


def _draw_observed(ax, c: _Trajectory, points: pd.DataFrame) -> None:
    if points.empty:
        ax.text(
            0.5, 0.06,
            c.t(f"{c.t0 + 1}—{c.last}年无观测值", f"no observation {c.t0 + 1}–{c.last}"),
            transform=ax.transAxes, ha="center", va="bottom", fontsize=11, color="#777777",
            bbox=dict(boxstyle="round,pad=0.3", fc="white", ec="#cccccc"),
        )  # fmt: skip
        return
    label = c.t("观测值（累计）" if c.cumulative else "观测值", "observed")
    plot_series(ax, points["year"], points["value"], colour=c.colour, label=label,
                linewidth=2, zorder=5)  # fmt: skip
    for _, p in points.iterrows():
        ax.annotate(number(p["value"]), (p["year"], p["value"]), textcoords="offset points",
                    xytext=(0, 8), ha="center", fontsize=8, color=c.colour)  # fmt: skip


def _draw_reference(ax, c: _Trajectory, observations: pd.DataFrame) -> pd.DataFrame:
    """Anhui's values for a relative target: points, joined only across consecutive years."""
    ref = observations[
        (observations["region_code"] == "340000")
        & (observations["indicator"] == c.ind["indicator_id"])
        & (observations["area"] == "total")
        & observations["year"].between(c.t0 - 1, c.last)
        & observations["value"].notna()
    ].sort_values("year")
    ref = ref.drop_duplicates("year", keep="last")
    if ref.empty:
        return ref
    plot_series(ax, ref["year"], ref["value"], colour="#777777", marker="s", linestyle=":",
                label=c.t("安徽省（参照值）", "Anhui (reference)"))  # fmt: skip
    for _, p in ref.iterrows():
        ax.annotate(number(p["value"]), (p["year"], p["value"]), textcoords="offset points",
                    xytext=(0, -12), ha="center", fontsize=8, color="#777777")  # fmt: skip
    return ref


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
        Points for the baseline (基期值) and the observations (joined only between consecutive
        years), a star for the target (目标值) with its qualifier and — only when a value was
        observed after the baseline — the required path: compound growth from the baseline to
        the target for levels (``x0·(X*/x0)^((t−t0)/(T−t0))``, METHODS.md §2) or the linear path
        ``X*·(t−t0)/(T−t0)`` for five-year totals. Without an observation the chart shows the
        baseline and the target and says "无观测值". Anhui's reference values of a relative target
        are points joined only between consecutive years. Qualitative and relative targets are
        stated in words. The legend sits under the axes, outside the data.

    Raises
    ------
    KeyError
        If ``indicator_id`` is unknown.
    """
    from huainan import plan

    use_cjk_font()
    c = _Trajectory(plan.indicator(indicator_id), lang, year)
    points, shown = _trajectory_points(c, observations, region_code)
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    if c.ind["target_kind"] == "numeric":
        _draw_target(ax, c, with_path=not points.empty)
    _draw_baseline(ax, c)
    _draw_observed(ax, c, points)
    if c.ind["target_kind"] == "relative":
        shown = pd.concat([shown, _draw_reference(ax, c, observations)])
    if c.ind["target_kind"] in ("qualitative", "relative"):
        ax.text(0.98, 0.92, c.t("目标：", "target: ") + str(c.ind["target_text"]),
                transform=ax.transAxes, ha="right", fontsize=10, color=c.colour)  # fmt: skip
    first = int(min([c.t0, *shown["year"].tolist()]))
    ax.set_xticks(range(first, c.horizon + 1), [str(y) for y in range(first, c.horizon + 1)])
    ax.set_xlim(first - 0.4, c.horizon + 0.4)
    unit = c.ind["unit"]
    set_unit_label(ax, f"五年累计（{unit}）" if c.cumulative and c.zh else unit)
    attr = plan.ATTRIBUTE_ZH[c.ind["attribute"]] if c.zh else c.ind["attribute"]
    ax.set_title(f"{c.ind['name_zh']}（{attr}）", loc="left")
    if ax.get_legend_handles_labels()[0]:  # under the axes: never covers a data point
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=4, frameon=False)
    finish(fig, _sources_line(shown))
    return fig


def dot_plot_wanted(values, unit: str) -> bool:
    """Whether bars from zero would hide the differences: rates near 100 % (every value ≥ 80 %)
    or values within 15 % of each other. A dot plot on a narrow axis shows them instead.

    Examples
    --------
    >>> dot_plot_wanted([92.0, 99.5], "%"), dot_plot_wanted([3.0, 4.4], "个")
    (True, False)
    >>> dot_plot_wanted([10.2, 10.9], "岁"), dot_plot_wanted([], "%")
    (True, False)
    """
    finite = [float(v) for v in values if pd.notna(v)]
    if len(finite) < 2 or min(finite) <= 0:
        return False
    lo, hi = min(finite), max(finite)
    return (unit == "%" and lo >= 80) or (hi - lo) <= 0.15 * hi


def _unit_dots(ax, data: pd.DataFrame, colours, shown: list[float], unit: str) -> float:
    """Dots on an axis spanning the values and references (a share never past 100 %); returns
    where a "无数据" label goes."""
    ax.scatter(data["value"], data.index, color=colours, s=60, zorder=3)
    ax.hlines(data.index, xmin=0, xmax=1, transform=ax.get_yaxis_transform(),
              color="#eeeeee", linewidth=0.8, zorder=1)  # fmt: skip
    lo, hi = (min(shown), max(shown)) if shown else (0.0, 1.0)
    pad = max((hi - lo) * 0.15, abs(hi) * 0.005, 1e-9)
    right = hi + pad * 2.5
    if unit == "%" and hi <= 100:
        right = min(right, 100 + pad)
    ax.set_xlim(lo - pad, right)
    return ax.get_xlim()[0] + pad * 0.3


def _unit_bars(ax, data: pd.DataFrame, colours, shown: list[float], unit: str) -> float:
    """Bars from 0, the axis reaching a little past the largest value or reference."""
    ax.barh(data.index, data["value"].fillna(0), color=colours)
    reach = [*shown, 0.0]
    width = max(reach) - min(reach) or 1.0
    ax.set_xlim(min(reach) - (0.1 * width if min(reach) < 0 else 0), max(reach) + 0.1 * width)
    return 0.0


def unit_bars(
    values: pd.DataFrame,
    *,
    title: str,
    unit: str,
    source: str,
    references: dict[str, float] | None = None,
    lang: str = "zh",
):
    """One value for the seven county-level units: bars, or dots where bars would hide the
    differences (:func:`dot_plot_wanted`), with reference lines.

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
        Units sorted by value (largest on top), districts and counties in two colours, every value
        written in one number format (:func:`huainan.formats.decimals_for`). Bars start at 0; a
        dot plot's axis spans the values and references with a margin. The legend sits under the
        axes, outside the data.
    """
    from huainan.formats import decimals_for, fixed
    from huainan.plan import regions

    use_cjk_font()
    zh = lang == "zh"
    data = regions.units().merge(
        values[["region_code", "value"]], left_on="code", right_on="region_code", how="left"
    )
    data["label"] = data["name_zh"] if zh else data["name_en"]
    data = data.sort_values("value", ascending=True, na_position="first").reset_index(drop=True)
    palette = {"district": "#4c72b0", "county": "#dd8452"}
    colours = data["group"].map(palette)
    refs = {k: v for k, v in (references or {}).items() if v is not None and pd.notna(v)}
    missing_refs = [k for k in (references or {}) if k not in refs]
    dots = dot_plot_wanted(list(data["value"]) + list(refs.values()), unit)
    fig, ax = plt.subplots(figsize=(7.5, 4.3))
    finite = data["value"].dropna()
    draw = _unit_dots if dots else _unit_bars
    anchor = draw(ax, data, colours, [*finite, *refs.values()], unit)
    ax.set_yticks(data.index, data["label"])
    decimals = decimals_for(finite)
    span = ax.get_xlim()[1] - ax.get_xlim()[0]
    for i, v in data["value"].items():
        text = fixed(v, decimals) if pd.notna(v) else ("无数据" if zh else "no data")
        x = anchor if pd.isna(v) else v
        ax.text(x + span * 0.012, i, text, va="center", fontsize=8)
    ref_colours = ["#222222", "#c44e52", "#55a868"]
    for (label, ref), c in zip(refs.items(), ref_colours * 3, strict=False):
        ax.axvline(
            ref, color=c, linestyle="--", linewidth=1.2, label=f"{label} {fixed(ref, decimals)}"
        )
    handles: list = [plt.Rectangle((0, 0), 1, 1, color=palette[g]) for g in ("district", "county")]
    names = ["市辖区", "县"] if zh else ["district", "county"]
    ref_handles, ref_labels = ax.get_legend_handles_labels()
    ax.legend(handles + ref_handles, names + ref_labels, fontsize=8, loc="upper center",
              bbox_to_anchor=(0.5, -0.17), ncol=5, frameon=False)  # fmt: skip
    ax.set_xlabel(unit)
    ax.set_title(title, loc="left")
    note = source
    if dots:
        note += "；横轴未从0开始，以便看清差别" if zh else "; the axis does not start at 0"
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
    bounds = gdf.total_bounds
    width = bounds[2] - bounds[0]
    _label_units(ax, gdf, zh=zh)
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


def _label_units(ax, gdf, *, zh: bool) -> None:
    """Label every unit of a :func:`choropleth` with its name and value ("无数据" without one).

    Large units are labelled inside; small urban districts (:data:`SMALL_UNIT_M2`) get call-outs
    in a column on the right so that labels never overlap.
    """
    names = gdf["name_zh"] if zh else gdf["name_en"] if "name_en" in gdf else gdf["code"]
    bounds = gdf.total_bounds
    width = bounds[2] - bounds[0]
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
