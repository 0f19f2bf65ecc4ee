"""The 终期评估报告 and the Word/PDF forms of briefs (huainan.briefs.final_report, document,
docx_writer, pdf_writer). Observations here are FAKE, made by the test."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import textwrap

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from huainan.briefs import document, docx_writer, final_report, pdf_writer
from huainan.briefs.batch import run_batch
from huainan.evidence import stats
from huainan.paths import REPO_ROOT

URL = "https://mzj.example.gov.cn/2026/returns.html"


def _fake_observations() -> pd.DataFrame:
    """Shipped statistics plus FAKE officials' returns and one FAKE third-party figure."""
    rows = [
        # 养老机构护理型床位占比 51.89 against ≥55: not met by 3.11 points (binding)
        (
            "340400",
            2025,
            "nursing_bed_share",
            51.89,
            "市民政局监测报送（测试数据）",
            URL,
            "monitoring",
        ),
        # 九年义务教育巩固率 99 against 99: met exactly (binding)
        (
            "340400",
            2025,
            "compulsory_education_retention",
            99.0,
            "市教育局报送（测试数据）",
            "t.xlsx [教育] D7",
            "monitoring",
        ),
        # 每千人口执业(助理)医师数 2.61 against 2.55, from a third-party page only: met
        (
            "340400",
            2025,
            "physicians_per_1000",
            2.61,
            "某资讯网转载（测试数据）",
            "http://news.example.cn/a",
            "stats",
        ),
    ]
    fake = pd.DataFrame(
        [
            dict(
                region_code=r,
                year=y,
                area="total",
                indicator=i,
                unit="",
                value=v,
                source=s,
                source_ref=ref,
                note="",
                origin=o,
            )
            for r, y, i, v, s, ref, o in rows
        ]
    )
    shipped = stats.observations().drop(columns="primary").assign(origin="stats")
    return pd.concat([shipped, fake], ignore_index=True)


@pytest.fixture(scope="module")
def report_blocks():
    return final_report.build(2025, observations=_fake_observations())


def _text(blocks) -> str:
    """The report's text as a reader sees it (footnote marks left out)."""
    import html as html_lib

    body = re.sub(r"<sup[^>]*>.*?</sup>", "", document.to_html(blocks))
    return html_lib.unescape(re.sub(r"<[^>]+>", "", body))


# ------------------------------------------------------------------------------------------
# content
# ------------------------------------------------------------------------------------------


def test_report_sentences_come_from_the_numbers(report_blocks):
    text = _text(report_blocks)
    # 23 indicators: 2 met (巩固率, 医师), 1 not met (护理型床位), 20 no data; binding: 1 / 1 / 6
    assert "23项主要指标中，完成2项、未完成1项、数据暂缺20项" in text
    assert "其中约束性指标8项，完成1项、未完成1项、数据暂缺6项" in text
    assert (
        "养老机构护理型床位占比：2025年为51.89%，未达到“≥55”的目标，差 3.11 个百分点，未完成。"
        in text
    )
    assert "九年义务教育巩固率：2025年为99%，达到“99”的目标（恰好达到目标），完成。" in text
    assert "约束性指标养老机构护理型床位占比未完成" in text  # 存在问题
    assert "人均预期寿命：尚无2025年数据，待市卫生健康委报送后判断。" in text
    headings = [b["text"] for b in report_blocks if b["kind"] == "heading" and b["level"] == 2]
    assert headings[:7] == [
        "一、评估工作开展情况",
        "二、总体评价",
        "三、主要指标完成情况",
        "四、九大领域任务落实情况",
        "五、区域与城乡差距变化",
        "六、存在问题",
        "七、“十五五”时期建议",
    ]
    assert [h for h in headings if h.startswith("附表")] == [
        "附表1  主要指标完成情况",
        "附表2  缺数清单（按牵头部门）",
        "附表3  重点工程量化目标完成情况",
    ]


def test_the_order_of_sources_is_said_once(report_blocks):
    text = _text(report_blocks)
    # said in 数据来源与截止时间; the method paragraph under its own heading does not repeat it
    assert text.count("同一指标有多个来源时") == 1
    assert "评估方法：" not in text
    assert "无2025年数值为“数据暂缺”，不作推断。" in text
    # the counts: 3 judged (巩固率 and 护理型床位 from returns, 医师 from a third-party page);
    # 老旧小区改造 has only 2021—2022 (a lower bound, no verdict); 19 have nothing
    assert (
        "作出判断的3项主要指标所用数值中，部门报送2项、第三方转载或报道1项；"
        "另有1项仅有部分年份数值、19项无可用数值，均为数据暂缺。" in text
    )
    assert (
        "城镇老旧小区改造：缺2023、2024、2025年数据；已知2021—2022年合计 274（第三方转载或报道），"
        "待市住房和城乡建设局报送后判断。" in text
    )


def test_annexes_list_every_indicator_and_group_missing_data_by_department(report_blocks):
    tables = [b for b in report_blocks if b["kind"] == "table"]
    annex1 = next(t for t in tables if t["header"][:2] == ["序号", "指标"])
    assert len(annex1["rows"]) == 23
    assert [r[2] for r in annex1["rows"][:8]] == ["约束性"] * 8  # binding first
    annex2 = next(t for t in tables if t["header"][0] == "牵头部门")
    assert len(annex2["rows"]) == 20
    departments = [r[0] for r in annex2["rows"]]
    # grouped: each department's rows are together
    assert departments == sorted(departments, key=departments.index)
    annex3 = next(t for t in tables if t["header"][2] == "目标（《规划》原文）")
    assert len(annex3["rows"]) == 38


def test_sources_are_footnotes_and_third_party_is_said(report_blocks):
    notes = [
        r["note"]
        for b in report_blocks
        for r in (b.get("runs") or [])
        if isinstance(r, dict) and r.get("note")
    ]
    assert any(URL in n and "部门报送" in n for n in notes)
    # a return's cell reference in Chinese (the store keeps "t.xlsx [教育] D7")
    assert any(n.endswith("t.xlsx 工作表“教育” D7单元格") for n in notes)
    assert any("news.example.cn" in n and "第三方转载或报道" in n for n in notes)
    # 医师 (the only source is a third-party page) and 老旧小区改造 (a reposted running total)
    assert "2项指标的数值仅见于第三方网站转载或报道" in _text(report_blocks)


ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z.]+")
ALLOWED = {"Word", "PDF"}  # names of the formats officials use


def _english(text: str) -> set[str]:
    """ASCII words outside web addresses and file references (a return's file and cell)."""
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"[A-Za-z0-9_\-]+\.(?:xlsx|xls|csv)(?![A-Za-z0-9])", " ", text)
    return {w for w in ASCII_WORD.findall(text)} - ALLOWED


def test_no_english_in_the_chinese_report(report_blocks):
    assert _english(_text(report_blocks)) == set()


# ------------------------------------------------------------------------------------------
# Word
# ------------------------------------------------------------------------------------------


def _east_asia(style) -> str:
    return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_docx_layout_styles_tables_and_footnotes(report_blocks):
    data = docx_writer.render(report_blocks)
    doc = Document(io.BytesIO(data))
    s = doc.sections[0]

    def mm(x):  # Word stores lengths in twentieths of a point
        return round(x / Mm(1), 1)

    assert (mm(s.page_width), mm(s.page_height)) == (210, 297)
    margins = (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)
    assert [mm(x) for x in margins] == [37, 35, 28, 26]
    styles = doc.styles
    assert _east_asia(styles["Normal"]) == "仿宋_GB2312" and styles["Normal"].font.size == Pt(16)
    assert _east_asia(styles["Title"]) == "方正小标宋简体" and styles["Title"].font.size == Pt(22)
    assert _east_asia(styles["Heading 1"]) == "黑体"
    assert _east_asia(styles["Heading 2"]) == "楷体_GB2312"
    order = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert order[0] == "一、评估工作开展情况" and order[6] == "七、“十五五”时期建议"
    assert doc.paragraphs[0].style.name == "Title"
    # the annexed indicator table: a header row that repeats, then one row per indicator
    annex = next(t for t in doc.tables if t.rows[0].cells[1].text == "指标")
    assert len(annex.rows) == 1 + 23
    assert annex.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    # landscape pages for the annexes
    assert any(mm(sec.page_width) == 297 for sec in doc.sections)
    # real footnotes with the source address; page numbers "— PAGE —"
    parts = {p.partname: p for p in doc.part.package.iter_parts()}
    footnotes = parts["/word/footnotes.xml"].blob.decode("utf-8")
    assert URL in footnotes and "news.example.cn" in footnotes
    assert doc.element.body.xpath(".//w:footnoteReference")
    footer = s.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "— " in footer


# ------------------------------------------------------------------------------------------
# PDF
# ------------------------------------------------------------------------------------------


def test_pdf_embeds_fonts_and_has_searchable_chinese(report_blocks, tmp_path):
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(pdf_writer.render(report_blocks))
    if not shutil.which("pdffonts"):
        pytest.skip("poppler-utils (pdffonts, pdftotext) not installed (.ci/run installs it)")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in r for r in rows)  # every font embedded
    assert any("NotoSerifSC" in r for r in rows)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "实施情况终期评估报告" in text and re.search(r"附表\s*1", text)
    assert "养老机构护理型床位占比" in text
    assert URL in text  # the footnote
    subprocess.run(
        ["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "p")]
    )
    page = next(tmp_path.glob("p*.png"))
    from PIL import Image

    im = Image.open(page).convert("L")
    dark = sum(im.histogram()[:128]) / (im.width * im.height)
    assert dark > 0.01  # the page has text on it


def test_no_text_can_change_the_pdf_layout(tmp_path):
    hostile = '#set page(paper: "a5") ] #eval("1+1") $x$ *bold* <label> @ref \\ "quote"'
    pdf = pdf_writer.render([document.heading(hostile, 2), document.paragraph(hostile)])
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not installed (.ci/run installs poppler-utils)")
    (tmp_path / "h.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "h.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert text.count('#set page(paper: "a5")') == 2 and '#eval("1+1")' in text


# ------------------------------------------------------------------------------------------
# reading notebooks back into blocks
# ------------------------------------------------------------------------------------------


def test_markdown_and_html_tables_become_blocks():
    blocks = document.from_markdown(
        "## 一、要点\n\n**3 项**指标完成，见[公报](http://x.gov.cn/a)。\n\n- 甲\n- 乙\n"
    )
    assert blocks[0] == document.heading("一、要点", 2)
    runs = blocks[1]["runs"]
    assert runs[0] == {"text": "3 项", "bold": True}
    assert any(r.get("note") == "http://x.gov.cn/a" for r in runs)
    assert blocks[2] == {"kind": "bullets", "items": [[{"text": "甲"}], [{"text": "乙"}]]}
    html = (
        "<table><caption>表1</caption><thead><tr><th>县区</th><th>值</th></tr></thead>"
        "<tbody><tr><td>寿县</td><td>2.9</td></tr><tr><td>潘集区</td></tr></tbody></table>"
    )
    (t,) = document.tables_from_html(html)
    assert t["caption"] == "表1" and t["header"] == ["县区", "值"]
    assert t["rows"] == [["寿县", "2.9"], ["潘集区", ""]]


def test_wide_tables_go_landscape_with_their_heading():
    wide = document.table([str(i) for i in range(9)], [["x"] * 9])
    blocks = [document.paragraph("a"), document.heading("表", 3), wide, document.paragraph("b")]
    out = document.landscape_wide_tables(blocks)
    assert [b["kind"] for b in out] == [
        "paragraph",
        "section",
        "heading",
        "table",
        "section",
        "paragraph",
    ]
    assert [b["orientation"] for b in out if b["kind"] == "section"] == ["landscape", "portrait"]


# ------------------------------------------------------------------------------------------
# the final batch: report and a domain brief, each in three forms
# ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_final_batch_writes_html_docx_and_pdf(tmp_path):
    batch = tmp_path / "final-small.yaml"
    batch.write_text(
        textwrap.dedent(
            """\
            title: 终期评估（测试）
            briefs:
              - final_report
              - brief: domain
                parameters: {year: 2025}
                grid: {domain: [health]}
                output: domain-{domain}-2025
            """
        ),
        encoding="utf-8",
    )
    result = run_batch(
        batch,
        parameters_dir=REPO_ROOT / "parameters",
        output_dir=tmp_path / "out",
        jobs=2,
        progress=False,
    )
    assert result.ok, result.summary()
    for b in result.briefs:
        assert {"html", "docx", "pdf", "notebook"} <= set(b["products"])
        assert (result.run_dir / b["products"]["pdf"]).read_bytes().startswith(b"%PDF")
    assert (tmp_path / "out" / "latest-final-small").resolve() == result.run_dir.resolve()
    index = (result.run_dir / "index.html").read_text(encoding="utf-8")
    assert '<a href="final-report.docx">Word</a>' in index and "final-report.pdf" in index
    report_html = (result.run_dir / "final-report.html").read_text(encoding="utf-8")
    assert "淮南市“十四五”公共服务规划<br/>实施情况终期评估报告" in report_html
    brief = Document(str(result.run_dir / "domain-health-2025.docx"))
    assert any("病有所医" in p.text for p in brief.paragraphs)
    import html as html_lib

    body = report_html.split("<body", 1)[1].split(">", 1)[1]
    body = re.sub(r"<(style|script)[^>]*>.*?</\1>", "", body, flags=re.S)
    visible = html_lib.unescape(re.sub(r"<[^>]+>", " ", body))
    assert _english(visible) == set()


def test_cut_off_sentence_in_beijing_time_without_the_chain_hash(monkeypatch):
    from huainan.briefs import final_report as fr
    from huainan.evidence import monitoring

    obs = _fake_observations()
    stamp = monitoring.DataStamp("2026-12-05 06:36", "6b63365c9919" * 5, 7, "（页面用语）")
    monkeypatch.setattr(monitoring, "data_stamp", lambda: stamp)
    day, text = fr._cutoff(obs)
    assert day == "2026年12月5日"
    assert text.startswith(
        "监测数据库共有部门报送数据7条，最近一次入库为2026年12月5日 06:36（北京时间）；"
    )
    assert "6b63" not in text and "共7行" not in text
