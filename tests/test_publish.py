"""Code-free HTML briefs and the run index (no kernel needed)."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from huainan.briefs import publish


def executed_notebook():
    """A notebook as papermill leaves it after a failure in its third cell."""
    marker = new_markdown_cell("<span>An Exception was encountered at 'In [3]'.</span>")
    marker.metadata["tags"] = [publish.PAPERMILL_ERROR_TAG]
    ok = new_code_cell(
        "secret_source_line = 1\nprint('地区：大通区')",
        execution_count=1,
        outputs=[
            new_output("stream", name="stdout", text="地区：大通区\n"),
            new_output("stream", name="stderr", text="UserWarning: noisy\n"),
        ],
    )
    chart = new_code_cell(
        "display(...)",
        execution_count=2,
        outputs=[
            new_output("display_data", data={"text/markdown": "# 病有所医简报", "text/plain": "x"}),
        ],
    )
    bad = new_code_cell(
        "1/0",
        execution_count=3,
        outputs=[
            new_output(
                "error",
                ename="ZeroDivisionError",
                evalue="division by zero",
                traceback=["\x1b[31mTraceback (most recent call last)\x1b[0m", "ZeroDivisionError"],
            )
        ],
    )
    return new_notebook(cells=[marker, ok, chart, bad])


def test_code_free_copy_replaces_errors_and_drops_stderr_and_papermill_banners():
    nb = executed_notebook()
    clean = publish.code_free_copy(nb, error={"cell_index": 3, "ename": "ZeroDivisionError"})
    outputs = [o for c in clean.cells if c.cell_type == "code" for o in c.outputs]
    kinds = [o.output_type for o in outputs]
    assert "error" not in kinds
    assert not any(o.get("name") == "stderr" for o in outputs)
    assert all(publish.PAPERMILL_ERROR_TAG not in c.metadata.get("tags", []) for c in clean.cells)
    assert "本简报未能完整生成" in clean.cells[0].outputs[0].data["text/html"]  # banner first
    assert outputs[-1].data["text/plain"] == publish.ERROR_NOTE
    # the input notebook is untouched (4 cells, error output still there)
    assert len(nb.cells) == 4 and nb.cells[3].outputs[0].output_type == "error"


def test_brief_html_has_no_code_no_traceback_and_is_chinese(tmp_path):
    path = tmp_path / "brief.ipynb"
    nb = executed_notebook()
    nb.metadata["title"] = "领域简报"  # the template's generic title must not win
    nbformat.write(nb, path)
    title = publish.brief_html(
        path, tmp_path / "brief.html", error={"cell_index": 3, "ename": "ZeroDivisionError"}
    )
    html = (tmp_path / "brief.html").read_text(encoding="utf-8")
    assert title == "病有所医简报"  # from the markdown output
    assert "<title>病有所医简报</title>" in html and '<html lang="zh">' in html
    for absent in (
        "secret_source_line",
        "Traceback",
        "ZeroDivisionError",
        "noisy",
        "An Exception was encountered",
    ):
        assert absent not in html
    assert "地区：大通区" in html and publish.ERROR_NOTE in html


def test_index_when_every_brief_failed_names_them_in_chinese():
    manifest = {
        "run_id": "r",
        "batch": {"name": "annual", "title": "年度简报", "file": "parameters/batches/annual.yaml"},
        "started": "2025-04-14T08:30:12+00:00",
        "finished": "2025-04-14T08:31:00+00:00",
        "seconds": 48.0,
        "jobs": 2,
        "kernel": "huainan",
        "huainan_version": "0.1.0",
        "data_dir": "/srv/data",
        "briefs": [
            {
                "name": f"domain-{d}",
                "status": "failed",
                "parameters": {"domain": d},
                "error": {"ename": "DataValidationError", "evalue": "/srv/data/x.csv, row 5"},
                "products": {},
            }
            for d in ("childcare", "health")
        ],
    }
    officials, tech = publish.index_html(manifest).split("<details")
    assert "<h1>淮南市“十四五”公共服务规划 · 简报目录</h1>" in officials
    assert "本次运行的 2 份简报全部未能生成" in officials and "其余简报不受影响" not in officials
    assert "幼有所育领域简报" in officials and "病有所医领域简报" in officials
    assert "domain-childcare" not in officials and "/srv/data" not in officials
    assert "domain-childcare" in tech and "/srv/data/x.csv, row 5" in tech


def test_notebook_title_sources():
    nb = new_notebook(
        cells=[
            new_code_cell(
                "x",
                outputs=[
                    new_output(
                        "display_data", data={"text/html": "<h1 class='t'>城市<b>总览</b></h1>"}
                    )
                ],
            )
        ]
    )
    assert publish.notebook_title(nb) == "城市总览"
    assert publish.notebook_title(new_notebook(cells=[new_markdown_cell("## 小标题")])) is None


def test_index_lists_every_brief_with_status_link_and_escapes_text():
    manifest = {
        "run_id": "20250414T083012Z-3f2a9c1d",
        "batch": {
            "name": "annual",
            "title": "年度<简报>",
            "file": "parameters/batches/annual.yaml",
        },
        "started": "2025-04-14T08:30:12+00:00",
        "finished": "2025-04-14T08:31:00+00:00",
        "seconds": 48.0,
        "jobs": 2,
        "kernel": "huainan",
        "huainan_version": "0.1.0",
        "data_dir": "/srv/data",
        "hashes": {"data": "ab" * 32, "package": "cd" * 32},
        "briefs": [
            {
                "name": "domain-health",
                "title": "病有所医",
                "status": "succeeded",
                "seconds": 12.5,
                "parameters": {
                    "year": 2025,
                    "comparison": "anhui",
                    "lang": "zh",
                    "regions": ["340402", "340403"],
                    "domain": "health",
                },
                "products": {"html": "domain-health.html", "notebook": "domain-health.ipynb"},
            },
            {
                "name": "city",
                "title": "城市总览",
                "status": "reused",
                "seconds": 0.01,
                "reused_from": "20250401T000000Z-00000000",
                "parameters": {},
                "products": {"html": "city.html", "notebook": "city.ipynb"},
            },
            {
                "name": "domain-housing",
                "title": "住有所居",
                "status": "failed",
                "seconds": 3.0,
                "parameters": {"domain": "housing"},
                "error": {
                    "cell_index": 7,
                    "execution_count": 6,
                    "ename": "KeyError",
                    "evalue": "'x'",
                },
                "products": {"html": "domain-housing.html", "notebook": "domain-housing.ipynb"},
            },
        ],
    }
    html = publish.index_html(manifest)
    assert '<a href="domain-health.html">病有所医</a>' in html
    assert '<a href="city.ipynb">city.ipynb</a>' in html
    assert "成功" in html and "沿用（输入未变）" in html and "失败" in html
    assert "输入未变，沿用上次运行的结果" in html
    assert "（沿用 20250401T000000Z-00000000）" in html  # the run id: technical information only
    # officials see the briefs; the run block and notebooks are in a collapsed part
    officials, tech = html.split("<details")
    assert "manifest.json" not in officials and ".ipynb" not in officials
    assert "<summary>技术信息" in tech and "数据指纹" in tech
    # a failure: plain words for officials, the exception in the technical section only
    assert "未能生成：数据或程序出错，请联系数据管理员" in officials
    assert "KeyError" not in officials
    assert "出错 error: cell 7 (In [6]): KeyError: &#x27;x&#x27;" in tech
    assert "共 3 份简报，其中 1 份未能生成" in html
    assert "年度&lt;简报&gt;" in html and "年度<简报>" not in html
    # parameters in Chinese, domain first (codes kept in the tooltip for researchers)
    assert (
        "领域：病有所医；评估年份：2025年；参与比较的县区：大通区、田家庵区；"
        "百分位比较范围：安徽省各县区；文字语言：中文"
    ) in html
    assert 'title="year = 2025; comparison = &quot;anhui&quot;; lang = &quot;zh&quot;; ' in html
    assert "领域：住有所居" in html and "domain = housing" not in html
    # times in Beijing time (UTC+8), while the manifest keeps UTC: 08:30:12Z = 16:30:12 北京时间
    assert "<dt>开始时间</dt><dd>2025-04-14 16:30:12（北京时间）</dd>" in html
    assert "生成于 2025-04-14 16:31:00（北京时间）" in html
    assert "UTC" not in html


def test_index_of_an_interrupted_run_says_what_did_not_finish():
    manifest = {
        "run_id": "20250414T083012Z-3f2a9c1d",
        "status": "interrupted",
        "interrupted_by": "SIGTERM",
        "batch": {"name": "annual", "title": "年度简报", "file": "parameters/batches/annual.yaml"},
        "started": "2025-04-14T23:59:30+00:00",
        "finished": "2025-04-15T00:00:10+00:00",
        "seconds": 40.0,
        "jobs": 2,
        "hashes": {},
        "briefs": [
            {
                "name": "city",
                "title": "城市总览",
                "status": "succeeded",
                "seconds": 20.0,
                "started": "2025-04-14T23:59:31+00:00",
                "parameters": {"year": 2025, "lang": "zh"},
                "products": {"html": "city.html", "notebook": "city.ipynb"},
            },
            {
                "name": "domain-health",
                "status": "interrupted",
                "seconds": None,
                "started": "2025-04-14T23:59:51+00:00",
                "parameters": {"domain": "health"},
                "products": {"notebook": "domain-health.ipynb", "log": "logs/domain-health.log"},
            },
            {
                "name": "domain-housing",
                "status": "interrupted",
                "seconds": None,
                "started": None,
                "parameters": {"domain": "housing"},
                "products": {},
            },
        ],
    }
    html = publish.index_html(manifest)
    assert (
        "本次运行被中止（SIGTERM）：共 3 份简报，2 份未完成（状态“中断”）；已完成的简报可以阅读。"
        "本次运行不计为“最新”（latest）。"
    ) in html
    assert html.count("中断（未完成）") == 2
    assert "运行被中止，简报未生成；笔记本只执行了一部分" in html
    assert "运行被中止，简报未生成（尚未开始）" in html
    assert '<a href="domain-health.html">' not in html  # no page for an unfinished brief
    assert '<a href="city.html">城市总览</a>' in html
    # 2025-04-15T00:00:10Z is already the 15th, 08:00:10 in Beijing
    assert "生成于 2025-04-15 08:00:10（北京时间）" in html


def test_brief_html_fetches_nothing_from_the_network(tmp_path):
    # officials open briefs offline (intranets): no <script src="https://…"> (require.js,
    # MathJax, Mermaid) in the page
    import re

    import nbformat

    from huainan.briefs import publish

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 测试简报\n\n正文")]
    path = tmp_path / "t.ipynb"
    nbformat.write(nb, path)
    publish.brief_html(path, tmp_path / "t.html")
    html = (tmp_path / "t.html").read_text(encoding="utf-8")
    assert "测试简报" in html
    assert re.findall(r"<script[^>]+src=", html) == []


def test_a_prefecture_batch_index_is_not_headed_huainan():
    manifest = {
        "run_id": "r",
        "batch": {
            "name": "anhui-cities",
            "title": "安徽省16个地级市区县差距简报",
            "file": "x.yaml",
        },
        "briefs": [
            {
                "name": f"prefecture-{c}",
                "title": t,
                "status": "succeeded",
                "parameters": {"city": c},
                "products": {},
            }
            for c, t in (("340100", "合肥市"), ("340400", "淮南市"))
        ],
    }
    html = publish.index_html(manifest)
    assert "<h1>地级市区县差距简报 · 简报目录</h1>" in html and "十四五" not in html
