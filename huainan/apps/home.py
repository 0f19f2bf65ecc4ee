"""首页 (landing page): how current the data are."""

from __future__ import annotations

import ipywidgets as W
import pandas as pd

from huainan.apps.base import (
    fresh_screen,
    html_table,
    tag,
)
from huainan.formats import NO_DATA_ZH

# ---------------------------------------------------------------------------------------------
# landing page
# ---------------------------------------------------------------------------------------------


def data_status(observations: pd.DataFrame | None = None) -> W.Widget:
    """How current the data are: census year, latest published statistic, monitoring returns."""

    def build():
        from huainan.evidence import monitoring, stats

        obs = stats.observations()
        store = monitoring.observations()
        census = sorted(set(obs.loc[obs["source"].str.contains("人口普查", na=False), "year"]))
        # the latest Huainan figure (city or county), not an Anhui or national comparison value
        bulletin = obs[
            ~obs["source"].str.contains("人口普查", na=False)
            & obs["region_code"].astype(str).str.startswith("3404")
        ]
        latest = int(bulletin["year"].max()) if not bulletin.empty else None
        lines = [
            (
                "规划目标",
                "《淮南市“十四五”公共服务规划（征求意见稿）》专栏2：23项主要指标，"
                "2020年基期值、2025年目标值",
            ),
            (
                "人口普查",
                "、".join(f"{y}年" for y in census) + "（第六次、第七次全国人口普查分县资料）"
                if census
                else NO_DATA_ZH,
            ),
            (
                "统计公报等",
                f"淮南市及县区 {len(bulletin)} 个数值，最新为{latest}年" if latest else NO_DATA_ZH,
            ),
            (
                "部门监测报送",
                (f"{len(store)} 个数值，年份 {int(store['year'].min())}—{int(store['year'].max())}")
                if not store.empty
                else "尚未导入（导入后“规划监测”等页面自动使用）",
            ),
        ]
        rows = pd.DataFrame(lines, columns=["数据", "现状"])
        return tag(W.HTML(html_table(rows)), "hn-data-status")

    return fresh_screen("数据更新情况", build)
