"""Text from officials' returns never becomes markup in a brief (stored XSS).

A return's 数据来源 cell reaches the evaluation table (a pandas Styler), the brief's Markdown
(观测值来源) and the notes; each must show the characters, not run them.
"""

import csv
import re
import shutil

import pandas as pd
import papermill as pm
from nbconvert.filters.markdown import markdown2html
from typer.testing import CliRunner

from huainan.briefs import briefing, publish, report
from huainan.cli import app
from huainan.measures import evaluation
from huainan.paths import NOTEBOOKS_DIR, REPO_ROOT

HOSTILE = "<img src=x onerror=alert(1)> *粗体* [链接](javascript:alert(2))"


def _tags(html: str) -> list[str]:
    """Every element with an event handler or a javascript: link (what must never appear)."""
    return re.findall(r"<[^>]*(?:\bon\w+\s*=|javascript:)[^>]*>", html, flags=re.I)


def _hostile_table() -> pd.DataFrame:
    t = evaluation.evaluate(2025, stage="final")
    t = t[t["domain"] == "health"].copy()
    t["source_title"] = HOSTILE
    t["source_quality_zh"] = "部门报送"
    t["note"] = HOSTILE
    return t


def test_evaluation_table_escapes_cells():
    html = report.evaluation_table_styled(_hostile_table()).to_html()
    assert _tags(html) == []
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_every_styled_table_escapes_its_cells_and_headers():
    df = pd.DataFrame({HOSTILE: [HOSTILE]}, index=[HOSTILE])
    for styled in (report.plain_table(df), report.table_style(df, index=True)):
        html = styled.to_html()
        assert _tags(html) == [] and html.count("&lt;img") >= 2


def test_data_notes_and_headline_escape_markdown():
    t = _hostile_table()
    t.loc[t.index[0], "value"] = float("nan")
    text = briefing.data_notes("health", t, pd.DataFrame()) + report.evaluation_headline(t)
    html = markdown2html(text)
    assert _tags(html) == []
    assert "&lt;img src=x onerror=alert(1)&gt; *粗体*" in html  # shown as typed
    assert "<em>" not in html


def test_a_hostile_return_does_not_script_the_domain_brief(tmp_path, monkeypatch):
    """The newcomer's reproduction: ingest a return whose 数据来源 is markup, run the health
    brief, write its HTML."""
    data = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data", data)
    monkeypatch.setenv("HUAINAN_DATA_DIR", str(data))
    ret = tmp_path / "return.csv"
    with ret.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["区划代码", "地区", "指标", "年份", "数值", "单位", "数据来源"])
        w.writerow(["340400", "淮南市", "人均预期寿命", 2025, 79.0, "岁", HOSTILE])
    result = CliRunner().invoke(app, ["ingest", str(ret)])
    assert result.exit_code == 0, result.output
    executed = tmp_path / "health.ipynb"
    pm.execute_notebook(
        str(NOTEBOOKS_DIR / "briefs" / "domain.ipynb"),
        str(executed),
        parameters={"domain": "health", "year": 2025},
        kernel_name="huainan",
        progress_bar=False,
        cwd=str(REPO_ROOT),
    )
    html_path = tmp_path / "health.html"
    publish.brief_html(executed, html_path, title="病有所医")
    html = html_path.read_text(encoding="utf-8")
    # the value is used (人均预期寿命 79 ≥ 78.8: 完成) …
    row = re.search(r"<tr>(?:(?!</tr>).)*人均预期寿命(?:(?!</tr>).)*</tr>", html, flags=re.S)
    assert row is not None and ">79<" in row.group(0) and "完成" in row.group(0)
    assert _tags(html) == []  # … and its source is text
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_dollar_signs_in_a_source_are_drawn_as_typed():
    import matplotlib.pyplot as plt

    from huainan.briefs import charts

    charts.use_cjk_font()
    fig, ax = plt.subplots()
    ax.plot([2020, 2025], [77.7, 78.8])
    charts.add_source(fig, "《统计年鉴》表3-1 $\\undefinedcmd$ 费用 $5 与 $6")
    png = charts.to_png(fig)  # mathtext would raise "Unknown symbol: \undefinedcmd"
    assert png.startswith(b"\x89PNG")
    assert fig.texts and not any(t.get_parse_math() for t in fig.texts)
    plt.close(fig)


def test_line_breaks_in_a_source_do_not_make_a_code_block():
    text = briefing.data_notes(
        "health",
        _hostile_table().assign(source_title="《卫生健康统计年报》\n\n        <b>表2</b> *第3页*"),
        pd.DataFrame(),
    )
    html = markdown2html(text)
    assert "<pre>" not in html and "<code>" not in html
    assert "《卫生健康统计年报》 &lt;b&gt;表2&lt;/b&gt; *第3页*" in html
