"""The prefecture brief (``notebooks/briefs/prefecture.ipynb``): one city's district/county gaps.

For a prefecture-level city (parameter ``city``, a GB/T 2260 code such as ``340400``) the brief
shows its county-level units on a map, their values on the census indicators that describe
public-service need (:data:`huainan.measures.prefectures.NEED_INDICATORS`), the disparity of each
indicator with the district/county decomposition, the city's rank among all prefectures with two
or more units, and the city's trajectory 2018–2023 in the China City Statistical Yearbook table
``data/stats/city_yearbook.csv`` (a note says so where that table is absent or has no row). The
numbers come from :mod:`huainan.measures.prefectures`; this module only lays them out (tables,
sentences, two charts) so that the notebook stays thin.

Charts are drawn once, at the size they are shown (100 dpi, no ``bbox_inches="tight"`` second
pass), and embedded as PNG (:func:`show_png`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from huainan.evidence import stats
from huainan.formats import number
from huainan.measures import prefectures as pf
from huainan.paths import data_dir

#: Years of the yearbook trajectory (data years).
YEARBOOK_YEARS = (2018, 2023)
#: File of the yearbook table (``huainan.evidence.yearbook``, built by ``huainan build-stats``).
YEARBOOK_FILE = "city_yearbook.csv"
#: Indicator coloured on the map.
MAP_INDICATOR = "share_age_60plus"
_GROUP_ZH = {"district": "市辖区", "county": "县（市）"}


def indicator_names() -> dict[str, tuple[str, str]]:
    """National-table column → (Chinese name, unit), from the statistics catalogue."""
    cat = stats.indicator_catalog()
    cat = cat[cat["national_column"].isin(pf.NEED_INDICATORS)]
    return {r.national_column: (r.name_zh, r.unit) for r in cat.itertuples()}


def title(city: str) -> str:
    """``淮南市（安徽省）区县差距简报``."""
    row = pf.check_city(city)
    return f"{row['prefecture_name']}（{row['province_name']}）区县差距简报"


def overview(city: str) -> str:
    """A Markdown paragraph: how many units, districts and counties, residents, scope."""
    row = pf.check_city(city)
    units = pf.city_units(city)
    names = {g: "、".join(units.loc[units["group"] == g, "name"]) for g in _GROUP_ZH}
    parts = [
        f"{row['prefecture_name']}共有县级单位 **{int(row['n_units'])}** 个"
        f"（市辖区 {int(row['n_districts'])} 个、县和县级市 {int(row['n_counties'])} 个；"
        "不含开发区等功能区），2020 年常住人口 "
        f"{number(row['population'])} 人。"
    ]
    for g, label in _GROUP_ZH.items():
        if names[g]:
            parts.append(f"{label}：{names[g]}。")
    parts.append(
        f"下文用第七次全国人口普查分县数据，衡量这些县级单位在 {len(pf.NEED_INDICATORS)} 项"
        "反映公共服务需求的指标（老龄化、少儿人口、受教育程度、城镇化、住房条件与设施、"
        "家庭结构）上的差距，并与全国所有含两个及以上县级单位的地级单位比较。"
    )
    return "".join(parts)


def units_table(city: str):
    """The units' values on every need indicator, as a styled table: one row per indicator,
    one column per unit (districts first, then counties and county-level cities)."""
    names = indicator_names()
    units = pf.city_units(city)
    columns = [
        f"{n}（{'区' if g == 'district' else '县'}）"
        for n, g in zip(units["name"], units["group"], strict=True)
    ]
    rows = [["常住人口", "人", *units["population"].map(number)]]
    for ind in pf.NEED_INDICATORS:
        name, unit = names[ind]
        rows.append([name, unit, *units[ind].map(lambda v: "无数据" if pd.isna(v) else number(v))])
    return _plain(pd.DataFrame(rows, columns=["指标", "单位", *columns]))


def gaps_table(city: str):
    """Per indicator: lowest/highest unit, ratio, CV, weighted CV and Gini, Theil T, the share
    of Theil T between districts and counties, and the national rank of the CV."""
    names = indicator_names()
    g = pf.city_gaps(city)
    rows = []
    for r in g.itertuples():
        name, unit = names[r.indicator]
        rows.append(
            {
                "主题": pf.THEMES[r.indicator],
                "指标": name,
                "单位": unit,
                "最低": f"{r.min_unit} {number(r.min)}",
                "最高": f"{r.max_unit} {number(r.max)}",
                "极值比": _f(r.max_min_ratio, 2),
                "变异系数": _f(r.cv),
                "人口加权变异系数": _f(r.cv_weighted),
                "人口加权基尼系数": _f(r.gini_weighted),
                "泰尔指数T": _f(r.theil_t, 4),
                "区县间占比": _share(r.theil_t_between_share),
                "全国位次": _rank(r.rank, r.n_cities),
                "全国中位数": _f(r.national_median_cv),
            }
        )
    return _plain(pd.DataFrame(rows))


def gaps_text(city: str) -> str:
    """Markdown: the widest and narrowest gaps relative to the country, and the decomposition."""
    names = indicator_names()
    g = pf.city_gaps(city).dropna(subset=["percentile"])
    row = pf.check_city(city)
    wide = g.sort_values("percentile", ascending=False).head(3)
    narrow = g.sort_values("percentile").head(2)
    lines = [
        f"按变异系数，{row['prefecture_name']}区县差距在全国 {int(g['n_cities'].max())} 个地级单位中"
        "相对较大的指标是："
        + "、".join(
            f"{names[r.indicator][0]}（第 {int(r.rank)} 位，变异系数 {_f(r.cv)}）"
            for r in wide.itertuples()
        )
        + "；相对较小的是："
        + "、".join(f"{names[r.indicator][0]}（第 {int(r.rank)} 位）" for r in narrow.itertuples())
        + "。位次 1 表示差距最大。"
    ]
    if int(row["n_districts"]) and int(row["n_counties"]):
        between = g.dropna(subset=["theil_t_between_share"])
        if len(between):
            top = between.sort_values("theil_t_between_share", ascending=False).iloc[0]
            lines.append(
                f"泰尔指数分解：市辖区与县（市）之间的差距在总差距中占比最高的是"
                f"{names[top['indicator']][0]}（{_share(top['theil_t_between_share'])}），"
                "其余部分来自市辖区内部或县（市）之间。"
            )
    else:
        lines.append("该市县级单位均为同一类型（全部为市辖区或全部为县），不作区与县的分解。")
    return "\n\n".join(lines)


def show_png(fig: Any, dpi: int = 100) -> None:
    """Display a figure as PNG drawn once at its shown size, and close it."""
    from IPython.display import Image, display

    from huainan.briefs import charts

    display(Image(data=charts.to_png(fig, dpi=dpi)))


def unit_map(city: str, indicator: str = MAP_INDICATOR):
    """Map of the city's county-level units coloured by one need indicator, neighbours grey.

    Returns
    -------
    matplotlib.figure.Figure
        Polygons from :func:`huainan.evidence.boundaries.counties` (2021 boundaries, simplified
        at 800 m; Albers equal-area). Each unit is labelled with its name and value; units
        without a value are hatched.
    """
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    from huainan.briefs import charts
    from huainan.evidence import boundaries

    charts.use_cjk_font()
    name, unit = indicator_names()[indicator]
    units = pf.city_units(city)
    every = boundaries.counties()
    gdf = every.merge(units[["code", "name", indicator]], on="code")
    x0, y0, x1, y1 = gdf.total_bounds
    pad = max(x1 - x0, y1 - y0) * 0.08
    near = every.cx[x0 - pad : x1 + pad, y0 - pad : y1 + pad]
    near = near[~near["code"].isin(gdf["code"])]
    fig, ax = plt.subplots(figsize=(6.4, 5.2))
    near.plot(ax=ax, color="#f2f2f2", edgecolor="#cccccc", linewidth=0.4)
    have = gdf[gdf[indicator].notna()]
    if len(have):
        lo, hi = float(have[indicator].min()), float(have[indicator].max())
        norm = mpl.colors.Normalize(vmin=lo, vmax=hi if hi > lo else lo + 1)
        cmap = mpl.colormaps["YlOrBr"]
        have.plot(
            ax=ax,
            color=[cmap(norm(v)) for v in have[indicator]],
            edgecolor="#333333",
            linewidth=0.7,
        )
        bar = fig.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.6, pad=0.02)
        bar.set_label(unit)
    missing = gdf[gdf[indicator].isna()]
    if len(missing):
        missing.plot(ax=ax, color="white", edgecolor="#333333", linewidth=0.7, hatch="///")
    box = dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8)
    # Units smaller than 4 % of the city's extent get call-outs in a column on the right, so
    # that the labels of small urban districts never overlap.
    extent = (x1 - x0) * (y1 - y0)
    small = gdf[gdf.geometry.area < 0.04 * extent]
    small = small.assign(_y=small.geometry.representative_point().y).sort_values(
        "_y", ascending=False
    )
    label_x = x1 + (x1 - x0) * 0.06
    step = (y1 - y0) / max(len(small) + 1, 6)
    slot = {code: y1 - (i + 0.5) * step for i, code in enumerate(small["code"])}
    for r in gdf.itertuples():
        p = r.geometry.representative_point()
        value = getattr(r, indicator)
        text = f"{r.name}\n{'无数据' if pd.isna(value) else number(value)}"
        if r.code in slot:
            ax.annotate(
                text,
                (p.x, p.y),
                xytext=(label_x, slot[r.code]),
                ha="left",
                va="center",
                fontsize=7,
                bbox=dict(box, ec="#999999", lw=0.5),
                arrowprops=dict(arrowstyle="-", color="#555555", lw=0.6),
            )
        else:
            ax.annotate(text, (p.x, p.y), ha="center", va="center", fontsize=7, bbox=box)
    right = x1 + pad + ((x1 - x0) * 0.3 if slot else 0)
    ax.set_xlim(x0 - pad, right)
    ax.set_ylim(y0 - pad, y1 + pad)
    ax.set_aspect("equal")
    ax.set_axis_off()
    fig.text(
        0.02,
        0.96,
        f"{pf.check_city(city)['prefecture_name']}各县级单位{name}（2020年）",
        fontsize=13,
        va="top",
    )
    # fixed layout (no tight_layout pass): the map has no tick labels to make room for
    charts.add_source(fig, pf.SOURCE_ZH + "；边界：CTAmap 2021（tudigong 整理），已简化")
    return fig


def _polygons(ax: Any, geoms: Any, facecolor: Any, **kwargs: Any) -> None:
    """Draw shapely (Multi)Polygons as one matplotlib collection (holes kept): one draw for
    all, instead of geopandas' plot, which redraws the whole figure after each call."""
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    patches = []
    for geom in geoms:
        parts = getattr(geom, "geoms", [geom])
        rings = [r for poly in parts for r in (poly.exterior, *poly.interiors)]
        patches.append(
            PathPatch(
                MplPath.make_compound_path(*[MplPath(list(r.coords), closed=True) for r in rings])
            )
        )
    ax.add_collection(PatchCollection(patches, facecolor=facecolor, **kwargs))


def rank_chart(city: str):
    """Horizontal bars: the city's percentile among all prefectures on each indicator's CV
    (100 = the widest gap), with the median (50) marked.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from huainan.briefs import charts

    charts.use_cjk_font()
    names = indicator_names()
    g = pf.city_gaps(city)
    labels = [names[i][0] for i in g["indicator"]]
    values = g["percentile"].to_numpy()
    fig, ax = plt.subplots(figsize=(7.5, 0.3 * len(g) + 1.6))
    colours = ["#c44e52" if v >= 75 else "#4c72b0" if v <= 25 else "#8c8c8c" for v in values]
    ax.barh(range(len(g)), pd.Series(values).fillna(0), color=colours)
    for i, (v, r, n) in enumerate(zip(values, g["rank"], g["n_cities"], strict=True)):
        text = "无数据" if pd.isna(v) else f"第{int(r)}/{int(n)}位"
        ax.text((0 if pd.isna(v) else v) + 1, i, text, va="center", fontsize=7)
    ax.axvline(50, color="#333333", linestyle="--", linewidth=1)
    ax.set_yticks(range(len(g)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 118)
    ax.set_xlabel("在全国地级单位中的百分位（100 = 区县差距最大；按变异系数）")
    ax.set_title(
        f"{pf.check_city(city)['prefecture_name']}区县差距在全国地级单位中的位置", loc="left"
    )
    charts.finish(fig, pf.SOURCE_ZH + "；比较范围：含两个及以上县级单位的地级单位")
    return fig


def yearbook_trajectory(city: str) -> pd.DataFrame | None:
    """The city's China City Statistical Yearbook values 2018–2023, if the table is present.

    Reads ``<data>/stats/city_yearbook.csv`` (columns ``city_code``, ``city_name``,
    ``province_code``, ``data_year``, ``edition``, ``scope`` 全市/市辖区, ``indicator``,
    ``indicator_zh``, ``unit``, ``value``, ``table``, ``cell``).

    Returns
    -------
    pandas.DataFrame or None
        None when the file is absent. Otherwise one row per indicator × scope (``指标``,
        ``范围``, ``单位``) and one column per data year in :data:`YEARBOOK_YEARS` with the value
        (NaN where the yearbook has none — shown as missing, never filled); empty if the city
        has no row.
    """
    path = data_dir() / "stats" / YEARBOOK_FILE
    if not path.exists():
        return None
    df = pd.read_csv(path, dtype={"city_code": str, "province_code": str, "edition": str})
    df = df[(df["city_code"] == str(city)) & df["data_year"].between(*YEARBOOK_YEARS)]
    if df.empty:
        return pd.DataFrame(columns=["指标", "范围", "单位"])
    wide = df.pivot_table(
        index=["indicator_zh", "scope", "unit"],
        columns="data_year",
        values="value",
        aggfunc="first",
    )
    years = list(range(YEARBOOK_YEARS[0], YEARBOOK_YEARS[1] + 1))
    wide = wide.reindex(columns=years)
    wide.columns.name = None
    wide.index = wide.index.set_names(["指标", "范围", "单位"])
    return wide.reset_index()


def yearbook_section(city: str) -> Any:
    """The yearbook trajectory as a table, or a note saying the table is not yet available."""
    from IPython.display import Markdown

    t = yearbook_trajectory(city)
    if t is None:
        return Markdown(
            "**城市统计年鉴数据尚未收录**（`data/stats/city_yearbook.csv`）：本节待《中国城市统计年鉴》"
            "整理表并入后自动显示 2018—2023 年各项指标的变化。"
        )
    if t.empty:
        return Markdown("《中国城市统计年鉴》整理表中没有本市 2018—2023 年的数据。")
    from IPython.display import display

    display(
        Markdown(
            "下表为《中国城市统计年鉴》2019—2024 年版刊载的本市全市口径（含所辖县）数值，"
            "按数据年份（版次的前一年）排列；“—”表示该年版未刊载或未能识别，不作推算。"
            "资料来源：国家统计局城市社会经济调查司《中国城市统计年鉴》；各数值的表名与单元格见 "
            "`data/stats/city_yearbook.csv`。"
        )
    )
    shown = t[t["范围"] == "全市"].drop(columns="范围").reset_index(drop=True)
    if shown.empty:
        shown = t.copy()
    years = [c for c in shown.columns if isinstance(c, int)]
    for col in years:
        shown[col] = shown[col].map(lambda v: "—" if pd.isna(v) else number(v))
    return _plain(shown.rename(columns={c: f"{c}年" for c in years}))


def notes(city: str) -> str:
    """Markdown data notes: sources, unit scope, formulas, what rank means."""
    return "\n".join(
        [
            "- 数据：国家统计局《中国人口普查分县资料—2020》（第七次全国人口普查分县表），"
            "各指标定义与口径见 `data/stats/indicators.csv`；受教育年限为 6 岁及以上人口，"
            "文盲率为 15 岁及以上人口。",
            "- 县级单位：市辖区、县、县级市；开发区、新区等功能区不作为县级单位比较（它们是所在区县的"
            "统计分区，不是人口和公共服务完整的行政区），与全国比较的范围相同。",
            "- 差距指标：变异系数 = 标准差 / 均值（未加权）；人口加权变异系数、基尼系数与泰尔指数T以"
            "2020 年常住人口为权重；泰尔指数按“市辖区 / 县（市）”两组分解为组间与组内两部分。"
            "公式与出处见 `huainan.measures.gaps`。",
            "- 全国位次：在全国所有含两个及以上县级单位的地级单位（含直辖市）中，按变异系数从大到小"
            "排列，第 1 位差距最大；并列取最好位次。位次只说明差距的相对大小，不评价优劣。",
            "- 县级单位少时（如 2—4 个）各项指数对单个单位的数值很敏感，请结合上表的各单位数值阅读。",
        ]
    )


def _f(x: Any, digits: int = 3) -> str:
    return "—" if pd.isna(x) else f"{float(x):.{digits}f}".replace("-", "−")


def _share(x: Any) -> str:
    return "—" if pd.isna(x) else f"{float(x) * 100:.0f}%"


def _rank(rank: Any, n: Any) -> str:
    return "—" if pd.isna(rank) else f"{int(rank)}/{int(n)}"


def _plain(df: pd.DataFrame):
    from huainan.briefs import report

    return report.plain_table(df)
