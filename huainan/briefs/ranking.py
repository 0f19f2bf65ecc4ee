"""``ranking.html``: the cities of a batch of prefecture briefs, ranked by their district/county gaps.

Written by the batch (:func:`write_for_run`) next to ``index.html`` when the run has prefecture
briefs (``notebooks/briefs/prefecture.ipynb``, parameter ``city``). One row per city of the
batch: its overall position among all prefectures with two or more county-level units, and its
rank on each need indicator's coefficient of variation
(:func:`huainan.measures.prefectures.ranking_table`), with a link to its brief. The table sorts
by any column when its header is clicked (a few lines of inline script: the page works offline;
without script it stays sorted by the overall position).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd

from huainan.atomic import write_text

RANKING = "ranking.html"
#: The brief template whose runs are ranked.
NOTEBOOK_NAME = "prefecture.ipynb"

_CSS = """
body { font-family: "Noto Sans SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei",
       "PingFang SC", sans-serif; margin: 2em auto; max-width: 110em; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } .sub { color: #555; margin-top: 0; }
.wrap { overflow-x: auto; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.35em 0.5em; text-align: right;
         white-space: nowrap; font-variant-numeric: tabular-nums; }
th { background: #f3f5f7; cursor: pointer; position: sticky; top: 0; }
th.text, td.text { text-align: left; }
th[aria-sort="ascending"]::after { content: " ▲"; } th[aria-sort="descending"]::after { content: " ▼"; }
td.wide { background: #fde0dd; } td.narrow { background: #e0ecf4; }
small { color: #666; }
"""

_SCRIPT = """
document.querySelectorAll("th").forEach(function (th, col) {
  th.addEventListener("click", function () {
    var table = th.closest("table"), body = table.tBodies[0];
    var asc = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].getAttribute("data-v"), y = b.cells[col].getAttribute("data-v");
      var nx = parseFloat(x), ny = parseFloat(y);
      var r = (isNaN(nx) || isNaN(ny)) ? String(x).localeCompare(String(y), "zh") : nx - ny;
      if (x === "" && y !== "") return 1;
      if (y === "" && x !== "") return -1;
      return asc ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"""


def cities_of_run(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The manifest records of the run's prefecture briefs (those with a ``city`` parameter)."""
    return [
        b
        for b in manifest.get("briefs", [])
        if str(b.get("notebook", "")).endswith(NOTEBOOK_NAME) and "city" in b.get("parameters", {})
    ]


def ranking_html(manifest: dict[str, Any], table: pd.DataFrame | None = None) -> str:
    """Return the ranking page for a run's prefecture briefs (Chinese).

    Parameters
    ----------
    manifest : dict
        The run manifest (:mod:`huainan.briefs.batch`).
    table : pandas.DataFrame, optional
        :func:`huainan.measures.prefectures.ranking_table` (default: computed).
    """
    from huainan.briefs.prefecture import indicator_names
    from huainan.measures import prefectures as pf

    e = html.escape
    table = pf.ranking_table() if table is None else table
    n_all = len(table)
    records = {str(b["parameters"]["city"]): b for b in cities_of_run(manifest)}
    rows = table[table["prefecture_code"].isin(records)]
    names = indicator_names()
    head = [
        ("综合位次", ""),
        ("城市", "text"),
        ("省份", "text"),
        ("县级单位（区/县）", ""),
        ("平均百分位", ""),
    ] + [(names[i][0], "") for i in pf.NEED_INDICATORS]
    body = []
    for r in rows.itertuples():
        rec = records[r.prefecture_code]
        products = rec.get("products", {})
        label = e(str(r.prefecture_name))
        link = f'<a href="{e(products["html"])}">{label}</a>' if products.get("html") else label
        if rec.get("status") not in ("succeeded", "reused"):
            link += " <small>（简报未生成）</small>"
        cells = [
            _num(r.overall_rank),
            f'<td class="text" data-v="{e(r.prefecture_code)}">{link}</td>',
            f'<td class="text" data-v="{e(str(r.province_name))}">{e(str(r.province_name))}</td>',
            f'<td data-v="{int(r.n_units)}">{int(r.n_units)}（{int(r.n_districts)}/'
            f"{int(r.n_counties)}）</td>",
            _num(r.mean_percentile, digits=1),
        ]
        for ind in pf.NEED_INDICATORS:
            rank = getattr(r, f"rank_{ind}")
            cls = ""
            if pd.notna(rank):
                share = int(rank) / n_all
                cls = " class=wide" if share <= 0.25 else " class=narrow" if share > 0.75 else ""
            cells.append(_num(rank, cls=cls))
        body.append("<tr>" + "".join(cells) + "</tr>")
    header = "".join(
        f'<th class="{cls}" scope="col">{e(label)}</th>'
        if cls
        else f'<th scope="col">{e(label)}</th>'
        for label, cls in head
    )
    batch_title = manifest["batch"]["title"] or manifest["batch"]["name"]
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>区县差距排序 · {e(batch_title)}</title>
<style>{_CSS}</style>
</head>
<body>
<h1>各地级市区县差距排序</h1>
<p class="sub">{e(batch_title)} · 本批 {len(rows)} 个城市；位次为在全国 {n_all} 个含两个及以上县级单位的
地级单位中的位次（按各指标县级单位间的变异系数，第 1 位差距最大）。<a href="index.html">返回简报目录</a></p>
<p><small>点击表头可按该列排序。“平均百分位”是各指标变异系数百分位的平均值（100 = 各项差距均为全国最大），
只作排序参考，不是加权指数；红色 = 位于全国差距最大的四分之一，蓝色 = 最小的四分之一。
资料来源：《中国人口普查分县资料—2020》；不含开发区等功能区。</small></p>
<div class="wrap"><table>
<thead><tr>{header}</tr></thead>
<tbody>
{chr(10).join(body)}
</tbody>
</table></div>
<script>{_SCRIPT}</script>
</body>
</html>
"""


def _num(value: Any, *, digits: int = 0, cls: str = "") -> str:
    if value is None or pd.isna(value):
        return f'<td{cls} data-v="">—</td>'
    v = float(value)
    return f'<td{cls} data-v="{v:.6g}">{v:.{digits}f}</td>'


def write_for_run(run_dir: Path, manifest: dict[str, Any]) -> str | None:
    """Write ``ranking.html`` into the run folder if the run has prefecture briefs.

    Returns
    -------
    str or None
        The file name written (``ranking.html``), or None (no prefecture brief in the run).
    """
    if not cities_of_run(manifest):
        return None
    write_text(Path(run_dir) / RANKING, ranking_html(manifest))
    return RANKING
