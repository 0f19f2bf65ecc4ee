"""区域差距 (regions app): first the plan's indicators across the seven units from their reported
values (:class:`huainan.apps.plan_gaps.PlanGapView`: county gaps 2021→2025, urban-rural gaps,
shortfall to the plan's standards), then one census or statistics indicator across the units as
population background — map, bars, disparity indices, percentiles among Anhui's and China's
counties — and the peer view (:class:`PeerView`): Huainan among Anhui's 16 cities in the China
City Statistical Yearbook."""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np
import pandas as pd

from huainan import plan
from huainan.apps.base import (
    ChartPanel,
    app_observations,
    fresh_screen,
    heading,
    html_table,
    message_html,
    reported,
    tag,
)
from huainan.apps.plan_gaps import PlanGapView
from huainan.briefs import charts
from huainan.formats import NO_DATA_ZH, number, percent
from huainan.plan import domains, regions

# ---------------------------------------------------------------------------------------------
# 区域差距: the seven units compared
# ---------------------------------------------------------------------------------------------

#: Per-capita bases of the regional view: key → (label, census denominator, per, unit suffix).
BASES: dict[str, tuple[str, str | None, float, str]] = {
    "raw": ("原值", None, 1.0, ""),
    "per_1000": ("每千常住人口", "population", 1000.0, "/千人"),
    "per_1000_60plus": ("每千名60岁及以上老人", "pop_age_60plus", 1000.0, "/千名60岁及以上老人"),
    "per_100hh": ("每百户", "households_family", 100.0, "/百户"),
}

_REFERENCE_CODES = {
    "淮南市": regions.CITY_CODE,
    "安徽省": regions.PROVINCE_CODE,
    "全国": regions.COUNTRY_CODE,
}


def indicator_choices(observations: pd.DataFrame) -> pd.DataFrame:
    """Indicators with a value for at least one of the seven units: what the regional view offers.

    Parameters
    ----------
    observations : pandas.DataFrame
        Long table (statistics + monitoring).

    Returns
    -------
    pandas.DataFrame
        One row per indicator: ``indicator``, ``name_zh``, ``unit``, ``domain`` (a domain id or
        ``context``), ``domain_zh``, ``direction``, ``kind`` (``count`` | ``share`` | ``level``),
        ``national_column`` (str, "" when there is no national county column), ``years`` (list
        of int, newest first), ``origin`` (``普查``/``统计`` or ``监测报送``), ``label`` (for the
        dropdown). Sorted by domain (plan order, context last) then catalogue order.
    """
    from huainan.evidence import stats

    unit_rows = observations[
        observations["region_code"].isin(regions.UNIT_CODES)
        & (observations["area"] == "total")
        & observations["value"].notna()
    ]
    cat = stats.indicator_catalog().set_index("id")
    ind = plan.indicators().set_index("indicator_id")
    order = {d.id: d.order for d in domains.DOMAINS}
    rows = []
    for pos, (indicator, grp) in enumerate(unit_rows.groupby("indicator", sort=False)):
        if indicator in cat.index:
            c = cat.loc[indicator]
            name, unit, dom, direction, kind = (
                c["name_zh"],
                c["unit"],
                c["domain"],
                c["direction"],
                c["kind"],
            )
            national = str(c["national_column"]).split(";")[0].split("(")[0].strip()
        elif indicator in ind.index:
            c = ind.loc[indicator]
            name, unit, dom, direction, kind = (
                c["name_zh"],
                c["unit"],
                c["domain"],
                c["direction"],
                "level",
            )
            national = ""
        else:
            continue
        origin = (
            "监测报送"
            if ("origin" in grp and (grp["origin"] == "monitoring").any())
            else "普查/统计"
        )
        dom_zh = "人口与户（基础数据）" if dom == "context" else domains.get(dom).zh
        years = sorted(set(grp["year"].astype(int)), reverse=True)
        rows.append(
            {
                "indicator": indicator,
                "name_zh": name,
                "unit": unit,
                "domain": dom,
                "domain_zh": dom_zh,
                "direction": direction,
                "kind": kind,
                "national_column": national,
                "years": years,
                "origin": origin,
                "label": f"{dom_zh} · {name}（{unit}）",
                "_order": order.get(dom, 99),
                "_pos": pos,
            }
        )
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    catpos = {i: k for k, i in enumerate(cat.index)}
    out["_cat"] = out["indicator"].map(catpos).fillna(len(catpos))
    out = out.sort_values(["_order", "_cat", "_pos"]).drop(columns=["_order", "_cat", "_pos"])
    return out.reset_index(drop=True)


def _base_unit(unit: str) -> tuple[str, float]:
    """Base unit and factor of a count unit (万个 → (个, 10000))."""
    from huainan.intake.units import parse_unit

    u = parse_unit(unit)
    if u.base in ("", "ratio"):
        return unit, 1.0
    return u.base, float(u.factor)


def unit_values(
    observations: pd.DataFrame,
    indicator: str,
    year: int,
    *,
    basis: str = "raw",
    unit: str = "",
    codes: tuple[str, ...] = regions.UNIT_CODES,
) -> pd.DataFrame:
    """Values of one indicator for some regions in one year, raw or per capita.

    Parameters
    ----------
    observations : pandas.DataFrame
        Long table.
    indicator : str
    year : int
    basis : str
        A key of :data:`BASES`. Per-capita bases divide a count by the census denominator (2010
        census for 2010 values, 2020 census for every later year: say so) via
        :func:`huainan.evidence.stats.per_capita`, after converting 万-units to their base unit.
    unit : str
        The indicator's unit (for the conversion and the returned ``unit``).
    codes : tuple of str
        Regions wanted (default the seven units).

    Returns
    -------
    pandas.DataFrame
        One row per code (in ``codes`` order): ``region_code``, ``name_zh``, ``value`` (float64,
        NaN = 无数据), ``raw`` (float64, the published value), ``denominator`` (float64, NaN for
        ``raw``), ``source`` (str or NA), ``unit`` (str, e.g. ``人/千人``).

    Examples
    --------
    >>> obs = pd.DataFrame({"region_code": ["340402"], "year": [2020], "area": ["total"],
    ...                     "indicator": ["x"], "value": [4.5], "source": ["s"]})
    >>> unit_values(obs, "x", 2020, unit="%")[["region_code", "value", "unit"]].iloc[:2]
      region_code  value unit
    0      340402    4.5    %
    1      340403    NaN    %
    """
    from huainan.evidence import stats

    label, den, per, suffix = BASES[basis]
    sel = observations[
        (observations["indicator"] == indicator)
        & (observations["year"] == int(year))
        & (observations["area"] == "total")
        & observations["region_code"].isin(codes)
    ]
    if "origin" in sel:
        sel = sel.assign(_r=sel["origin"].map({"monitoring": 0, "stats": 1}).fillna(1))
        sel = sel.sort_values("_r")
    sel = sel.drop_duplicates("region_code", keep="first").set_index("region_code")
    out = pd.DataFrame({"region_code": list(codes)})
    names = regions.regions().set_index("code")["name_zh"]
    out["name_zh"] = out["region_code"].map(names)
    out["raw"] = out["region_code"].map(sel["value"]).astype("float64")
    out["source"] = out["region_code"].map(sel["source"]).astype("string")
    if den is None:
        out["value"] = out["raw"]
        out["denominator"] = np.nan
        out["unit"] = unit
        return out
    base_unit, factor = _base_unit(unit)
    census_year = 2010 if int(year) < 2020 else 2020
    counts = out[["region_code"]].assign(value=out["raw"] * factor)
    has_den = stats.census_denominators(den, census_year)
    known = counts["region_code"].isin(has_den.index)
    rated = stats.per_capita(counts[known], denominator=den, per=per, year=census_year)
    out["value"] = out["region_code"].map(rated.set_index("region_code")["rate"]).astype("float64")
    out["denominator"] = out["region_code"].map(rated.set_index("region_code")["denominator"])
    out["unit"] = base_unit + suffix
    return out


def percentile_table(indicator_row: pd.Series, year: int, basis: str) -> pd.DataFrame | None:
    """Each unit's percentile among Anhui's and China's county-level units (2020 census).

    Returns ``None`` when the indicator has no national county column or the year is not 2020.
    Otherwise :func:`huainan.measures.comparators.percentile_ranks` for the column (turned into the
    per-capita rate first when ``basis`` asks for it).
    """
    from huainan.evidence import stats
    from huainan.measures import comparators

    col = indicator_row["national_column"]
    if not col or int(year) != 2020:
        return None
    nat = comparators.comparison_base(stats.national_counties(2020))
    if col not in nat.columns:
        return None
    label, den, per, _ = BASES[basis]
    frame = nat[["code", "province_code"]].copy()
    values = nat[col].astype("float64")
    if den is not None:
        _, factor = _base_unit(indicator_row["unit"])
        values = values * factor / nat[den].astype("float64") * per
    frame["v"] = values
    d = {"higher_better": 1, "lower_better": -1}.get(indicator_row["direction"], 0)
    return comparators.percentile_ranks(frame, indicators=["v"], directions={"v": d})


def disparity_rows(values: pd.DataFrame, weights: pd.Series) -> tuple[pd.DataFrame, str]:
    """Disparity indices of the seven units' values as a two-column display table.

    Parameters
    ----------
    values : pandas.DataFrame
        :func:`unit_values` output.
    weights : pandas.Series
        Population weights by region code (census).

    Returns
    -------
    (rows, note) : DataFrame with columns 指标, 数值, 含义; and a Chinese note on what was left
    out or undefined.
    """
    from huainan.measures import gaps

    df = values.assign(
        pop=values["region_code"].map(weights).astype("float64"),
        group=values["region_code"].map(regions.groups()),
    )
    r = gaps.disparity(df, value="value", population="pop", group="group")
    lines = [
        ("单元数（有数据）", f"{int(r['n'])} / 7", ""),
        ("最小值 / 最大值", f"{number(r['min'])} / {number(r['max'])}", "七个区县中的最低和最高"),
        ("极值比（最大/最小）", number(r["max_min_ratio"], 3), "越接近1越均衡"),
        ("变异系数（人口加权）", number(r["cv_weighted"], 3), "标准差/均值；0表示完全均衡"),
        ("基尼系数（人口加权）", number(r["gini_weighted"], 3), "0–1，越大越不均衡"),
        ("泰尔指数T", number(r["theil_t"], 3), "0表示完全均衡"),
        (
            "其中：区县组间（市辖区 vs 县）",
            percent(r["theil_t_between_share"]),
            "组间差距占泰尔指数T的比重",
        ),
        (
            "其中：组内（市辖区之间、两县之间）",
            percent(r["theil_t_within_share"]),
            "组内差距占泰尔指数T的比重",
        ),
        ("泰尔指数L（平均对数偏差）", number(r["theil_l"], 3), "对低值单元更敏感"),
    ]
    rows = pd.DataFrame(lines, columns=["指标", "数值", "含义"])
    notes = []
    if r["n_missing"]:
        notes.append(f"{int(r['n_missing'])} 个区县无数据，未参与计算")
    if r["n_zero"]:
        notes.append(
            "有区县数值为0：极值比和泰尔指数L无定义（显示为无数据），泰尔指数T按0·ln0=0计算"
        )
    if int(r["n"]) < 2:
        notes.append("少于两个区县有数据，无法衡量差距")
    return rows, "；".join(notes)


class RegionsApp:
    """区域差距: one indicator across the seven units — map, bars with references, disparity
    indices with the district/county decomposition, and percentiles among Anhui's and China's
    counties.

    Attributes
    ----------
    indicator, year, basis : ipywidgets controls
    choropleth, bars : ChartPanel
    disparity, percentiles : ipywidgets.HTML
    widget : ipywidgets.VBox
    """

    def __init__(self, observations: pd.DataFrame | None = None):
        self.observations, cache = app_observations(observations)
        self._quiet = False
        self.choices = indicator_choices(self.observations).set_index("indicator", drop=False)
        default = (
            "share_age_60plus"
            if "share_age_60plus" in self.choices.index
            else self.choices.index[0]
        )
        self.indicator = W.Dropdown(
            options=list(zip(self.choices["label"], self.choices["indicator"], strict=True)),
            value=default,
            description="指标",
            layout=W.Layout(width="560px"),
        )
        self.year = W.Dropdown(description="年份", layout=W.Layout(width="160px"))
        self.basis = W.ToggleButtons(
            options=[(v[0], k) for k, v in BASES.items()],
            value="raw",
            description="口径",
            style={"button_width": "185px"},
        )
        self.info = W.HTML()
        self.choropleth = ChartPanel(
            "区县分布图", width="49%", max_width="640px", css_class="hn-chart-map", cache=cache
        )
        self.bars = ChartPanel(
            "区县对比图", width="49%", max_width="640px", css_class="hn-chart-bars", cache=cache
        )
        self.disparity = W.HTML()
        self.percentiles = W.HTML()
        for control, name in (
            (self.indicator, "hn-indicator"),
            (self.year, "hn-year"),
            (self.basis, "hn-basis"),
            (self.disparity, "hn-disparity"),
            (self.percentiles, "hn-percentiles"),
        ):
            tag(control, name)
        self.plan_gaps = PlanGapView(self.observations, cache)
        self._sync_controls()
        self._refresh()
        self.peers = PeerView(cache)
        self.indicator.observe(self._on_indicator, names="value")
        self.year.observe(self._on_option, names="value")
        self.basis.observe(self._on_option, names="value")
        self.widget = self._layout()

    def _layout(self) -> W.VBox:
        """The page: the plan's county gaps first, then the census/statistics indicator with its
        map, bars, disparity indices, percentiles and the comparison among Anhui's cities."""
        return W.VBox(
            [
                heading(
                    "区域差距：七个区县比一比",
                    "先看规划主要指标在各县区的差距、城乡差距和按规划标准测算的缺口；再看人口普查等"
                    "统计指标描述的各县区人口背景。",
                ),
                self.plan_gaps.widget,
                heading(
                    "人口背景与统计指标",
                    "选择一个普查或统计指标，查看五区两县的分布、与全市/全省/全国的对比、差距有多大"
                    "（区县之间、市辖区与县之间），以及各区县在全省和全国县级单位中的位置。"
                    "这些指标描述服务对象的构成，是理解差距的背景。",
                ),
                W.HBox([self.indicator, self.year], layout=W.Layout(flex_flow="row wrap")),
                self.basis,
                self.info,
                W.HBox(
                    [self.choropleth.widget, self.bars.widget],
                    layout=W.Layout(flex_flow="row wrap", justify_content="space-between"),
                ),
                heading(
                    "差距有多大",
                    "人口加权的离散程度指标；泰尔指数T分解为市辖区与县之间（组间）"
                    "和各组内部（组内）两部分。七个单元的指数容易受单个区县影响，"
                    "请结合上面的数值一起看。",
                ),
                self.disparity,
                heading(
                    "在全省、全国县级单位中的位置",
                    "百分位：比该区县数值低的县级单位所占比例（并列记一半）。"
                    "对“越高越好/越低越好”的指标已换算为“越大越好”。",
                ),
                self.percentiles,
                self.peers.widget,
            ]
        )

    def _row(self) -> pd.Series:
        return self.choices.loc[self.indicator.value]

    def _sync_controls(self) -> None:
        row = self._row()
        years = list(row["years"])
        count = row["kind"] == "count" and row["domain"] != "context"
        self._quiet = True  # one redraw after all controls are set
        try:
            self.year.options = [(str(y), y) for y in years]
            self.year.value = years[0]
            if not count and self.basis.value != "raw":
                self.basis.value = "raw"
            self.basis.disabled = not count
        finally:
            self._quiet = False

    def _on_indicator(self, _change) -> None:
        self._sync_controls()
        self._refresh()

    def _on_option(self, _change) -> None:
        if not self._quiet:
            self._refresh()

    def _refresh(self) -> None:
        def fail(text):
            self.info.value = text

        with reported("区域差距数据", fail):
            self._draw()

    def _draw(self) -> None:
        from huainan.evidence import stats

        row = self._row()
        ind, year, basis = row["indicator"], int(self.year.value), self.basis.value
        values = unit_values(self.observations, ind, year, basis=basis, unit=row["unit"])
        refs = unit_values(
            self.observations,
            ind,
            year,
            basis=basis,
            unit=row["unit"],
            codes=tuple(_REFERENCE_CODES.values()),
        )
        unit = values["unit"].iloc[0] or row["unit"]
        label = BASES[basis][0]
        title = f"{row['name_zh']}（{year}年{'' if basis == 'raw' else '，' + label}）"
        sources = [s for s in dict.fromkeys(values["source"].dropna().astype(str)) if s]
        source = "资料来源：" + (
            "；".join(sources[:2]) + (f" 等{len(sources)}项" if len(sources) > 2 else "")
            if sources
            else "无"
        )
        if basis != "raw":
            census = 2010 if year < 2020 else 2020
            source += f"；分母为{census}年人口普查数"
        n_missing = int(values["value"].isna().sum())
        msgs = []
        if n_missing == len(values):
            msgs.append(message_html(f"{year}年七个区县均无该指标数据（{NO_DATA_ZH}）。", "warn"))
        elif n_missing:
            names = "、".join(values.loc[values["value"].isna(), "name_zh"])
            msgs.append(message_html(f"{names} {year}年无数据，图中标为“{NO_DATA_ZH}”。", "warn"))
        if basis != "raw" and year > 2020:
            msgs.append(
                message_html(
                    f"人均口径以2020年普查人口为分母，{year}年的实际人口可能不同。", "info"
                )
            )
        if row["kind"] == "count" and basis == "raw" and row["domain"] != "context":
            msgs.append(
                message_html(
                    "这是总量指标，区县之间的差别主要反映人口规模；比较服务水平请选择人均口径。",
                    "info",
                )
            )
        msgs.append(message_html(f"数据来源：{row['origin']}；单位：{unit}。", "info"))
        self.info.value = "".join(msgs)

        key = (ind, year, basis)
        vals = values[["region_code", "value"]]
        self.choropleth.show(
            ("map",) + key, lambda: charts.choropleth(vals, title=title, unit=unit, source=source)
        )
        references = dict(zip(_REFERENCE_CODES, refs["value"], strict=True))
        self.bars.show(
            ("bars",) + key,
            lambda: charts.unit_bars(
                vals, title=title, unit=unit, source=source, references=references
            ),
        )

        weights = stats.census_denominators(
            BASES[basis][1] or "population", 2010 if year < 2020 else 2020
        )
        rows, dnote = disparity_rows(values, weights)
        wname = {
            "raw": "常住人口",
            "per_1000": "常住人口",
            "per_1000_60plus": "60岁及以上人口",
            "per_100hh": "家庭户数",
        }[basis]
        self.disparity.value = html_table(rows, numeric=("数值",)) + (
            f'<div class="hn-note">权重：{2010 if year < 2020 else 2020}年普查{wname}。'
            f"{html.escape(dnote)}</div>"
        )
        self._percentiles(row, year, basis, values)

    def _percentiles(self, row, year, basis, values) -> None:
        pr = percentile_table(row, year, basis)
        if pr is None:
            why = (
                "该指标没有全国县级可比数据（来自统计公报或部门报送）"
                if not row["national_column"]
                else "全省、全国县级对比仅提供2020年普查数据"
            )
            self.percentiles.value = message_html(f"{why}，{NO_DATA_ZH}。", "info")
            return
        wide = pr.pivot(
            index="region_code",
            columns="scope",
            values="percentile_favourable" if row["direction"] != "neutral" else "percentile",
        )
        n = pr.groupby("scope")["n"].first()
        out = pd.DataFrame(
            {
                "区县": values["name_zh"],
                "数值": [number(v) for v in values["value"]],
                f"在安徽省{int(n.get('anhui', 0))}个县级单位中的百分位": [
                    number(wide.at[c, "anhui"], 3) if c in wide.index else NO_DATA_ZH
                    for c in values["region_code"]
                ],
                f"在全国{int(n.get('china', 0))}个县级单位中的百分位": [
                    number(wide.at[c, "china"], 3) if c in wide.index else NO_DATA_ZH
                    for c in values["region_code"]
                ],
            }
        )
        direction = {
            "higher_better": "越高越好：百分位越大表示在全省/全国越靠前",
            "lower_better": "越低越好：百分位已换算，越大表示越好",
        }.get(row["direction"], "该指标无好坏之分：百分位只表示位置高低")
        self.percentiles.value = (
            html_table(out, numeric=tuple(out.columns[1:]))
            + f'<div class="hn-note">{html.escape(direction)}。资料来源：第七次全国人口普查分县资料。</div>'
        )


# ---------------------------------------------------------------------------------------------
# 全省16市比较: Huainan among Anhui's 16 cities (《中国城市统计年鉴》)
# ---------------------------------------------------------------------------------------------


def peer_choices() -> pd.DataFrame:
    """The yearbook measures the peer view offers: ``measure``, ``label`` (领域 · 名称（单位）),
    ``years`` (list of int, newest first) — :data:`huainan.measures.peers.MEASURES` order."""
    from huainan.briefs import briefing
    from huainan.measures.peers import MEASURES

    pc = briefing.peer_per_capita()
    rows = []
    for m in MEASURES:
        years = sorted(pc.loc[(pc["measure"] == m.id) & pc["value"].notna(), "data_year"].unique())
        if years:
            rows.append(
                {
                    "measure": m.id,
                    "label": f"{domains.get(m.domain).zh} · {m.name_zh}（{m.unit}）",
                    "years": [int(y) for y in reversed(years)],
                }
            )
    return pd.DataFrame(rows)


def peer_rank_rows(measure: str) -> pd.DataFrame:
    """Huainan's value, base, rank and percentile among Anhui's 16 cities and all cities, every
    year of one measure, as display strings (newest year first)."""
    from huainan.briefs import briefing
    from huainan.formats import fixed
    from huainan.measures import peers

    m = peers.MEASURES_BY_ID[measure]
    s = peers.peer_summary(briefing.peer_per_capita(), measures=[measure])
    rows = []
    for _, r in s.sort_values("data_year", ascending=False).iterrows():
        rows.append(
            {
                "年份": str(int(r["data_year"])),
                "淮南市": fixed(r["value"], m.decimals),
                "分母口径": r["base_zh"],
                "全省排名": f"{int(r['anhui_rank'])}/{int(r['anhui_n'])}",
                "全省百分位": fixed(r["anhui_percentile"], 0),
                "全省中位数": fixed(r["anhui_median"], m.decimals),
                "全国排名": f"{int(r['china_rank'])}/{int(r['china_n'])}",
                "全国百分位": fixed(r["china_percentile"], 0),
            }
        )
    return pd.DataFrame(rows)


class PeerView:
    """全省16市比较: one yearbook measure across Anhui's 16 cities — a city map of Anhui, bars
    with the median, and Huainan's rank and percentile every year 2018–2023.

    Attributes
    ----------
    measure, year : ipywidgets.Dropdown
    map, bars : ChartPanel
    info, ranks : ipywidgets.HTML
    widget : ipywidgets.VBox
    """

    def __init__(self, cache=None):
        self._quiet = False
        self.choices = peer_choices().set_index("measure", drop=False)
        self.measure = W.Dropdown(
            options=list(zip(self.choices["label"], self.choices["measure"], strict=True)),
            value="physicians_per_1000",
            description="指标",
            layout=W.Layout(width="560px"),
        )
        self.year = W.Dropdown(description="年份", layout=W.Layout(width="160px"))
        self.info = W.HTML()
        self.map = ChartPanel(
            "全省16市分布图", width="49%", max_width="640px", css_class="hn-peer-map", cache=cache
        )
        self.bars = ChartPanel(
            "全省16市对比图", width="49%", max_width="640px", css_class="hn-peer-bars", cache=cache
        )
        self.ranks = W.HTML()
        for control, name in (
            (self.measure, "hn-peer-measure"),
            (self.year, "hn-peer-year"),
            (self.ranks, "hn-peer-ranks"),
        ):
            tag(control, name)
        self._sync_years()
        self._refresh()
        self.measure.observe(self._on_measure, names="value")
        self.year.observe(self._on_year, names="value")
        self.widget = W.VBox(
            [
                heading(
                    "全省16市比较：淮南市在安徽省的位置",
                    "《中国城市统计年鉴》2019—2024年版（2018—2023年数据）中可按人均比较的指标。"
                    "年鉴只有2020、2023年给出常住人口，其余年份按户籍人口计算并注明；"
                    "年鉴指标与规划指标口径不同，只作参考，不作达标判断。",
                ),
                W.HBox([self.measure, self.year], layout=W.Layout(flex_flow="row wrap")),
                self.info,
                W.HBox(
                    [self.map.widget, self.bars.widget],
                    layout=W.Layout(flex_flow="row wrap", justify_content="space-between"),
                ),
                heading(
                    "淮南市历年排名",
                    "排名1为最好（生师比越低越好）；百分位为比淮南市差的城市所占比例（并列记一半），"
                    "100为最好；“全国”为年鉴所列全部地级以上城市。",
                ),
                self.ranks,
            ]
        )

    def _sync_years(self) -> None:
        years = list(self.choices.loc[self.measure.value, "years"])
        self._quiet = True
        try:
            self.year.options = [(str(y), y) for y in years]
            self.year.value = years[0]
        finally:
            self._quiet = False

    def _on_measure(self, _change) -> None:
        self._sync_years()
        self._refresh()

    def _on_year(self, _change) -> None:
        if not self._quiet:
            self._refresh()

    def _refresh(self) -> None:
        def fail(text):
            self.info.value = text

        with reported("全省16市比较数据", fail):
            self._draw()

    def _draw(self) -> None:
        from huainan.briefs import briefing, peer_charts
        from huainan.measures.peers import MEASURES_BY_ID

        measure, year = self.measure.value, int(self.year.value)
        m = MEASURES_BY_ID[measure]
        values = briefing.peer_city_values(measure, year)
        msgs = []
        base = values.attrs.get("base_zh", "")
        if base.startswith("户籍人口"):
            msgs.append(
                message_html(
                    f"{year}年年鉴只有户籍人口：人均值按户籍人口计算，与2020、2023年（常住人口）"
                    "不宜直接比较；同一年内16市口径一致，排名可比。",
                    "warn",
                )
            )
        if m.note_zh:
            msgs.append(message_html(m.note_zh + "。", "info"))
        missing = values.loc[values["value"].isna(), "city_name"].tolist()
        if missing:
            msgs.append(
                message_html(f"{'、'.join(missing)} {year}年无数据（{NO_DATA_ZH}）。", "warn")
            )
        msgs.append(message_html(peer_charts.source_line() + "。", "info"))
        self.info.value = "".join(msgs)
        key = ("peer", measure, year)
        self.map.show(("map",) + key, lambda: peer_charts.measure_map(measure, year))
        self.bars.show(("bars",) + key, lambda: peer_charts.measure_bars(measure, year))
        rows = peer_rank_rows(measure)
        self.ranks.value = html_table(
            rows, numeric=tuple(rows.columns[1:2]) + tuple(rows.columns[3:])
        )


def regions_app(observations: pd.DataFrame | None = None) -> W.Widget:
    """The 区域差距 screen (or a friendly message if it cannot be built)."""
    return fresh_screen("区域差距", lambda: RegionsApp(observations).widget)
