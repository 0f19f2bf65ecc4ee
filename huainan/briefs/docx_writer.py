"""Blocks (:mod:`huainan.briefs.document`) → a Word file in the layout of Chinese official documents.

Layout after GB/T 9704-2012 《党政机关公文格式》 (the layout 评估报告 drafts circulate in): A4;
margins 37 mm top, 35 mm bottom, 28 mm left (binding side), 26 mm right; title 2号 (22 pt)
方正小标宋简体, centred; body 3号 (16 pt) 仿宋_GB2312 with a two-character first-line indent and a
fixed 28.95 pt line pitch (22 lines a page); 一、 headings 3号黑体, （一） headings 3号楷体_GB2312,
1. headings 3号仿宋 bold; page numbers 4号 (14 pt) "— 1 —", right on odd pages and left on even
pages, one character in from the edge. The East-Asian font names are written into the styles
(``w:eastAsia``), so the fonts an official's PC has (Windows, WPS) are used; on a machine without
them Word and WPS substitute. Tables are real Word tables whose header row repeats on every page;
charts are pictures; every sourced figure has a real Word footnote with its source and address.

python-docx (1.2) writes everything except footnotes, which it does not support
(python-openxml/python-docx#1): :class:`_Footnotes` adds the ``word/footnotes.xml`` part
(ECMA-376 Part 1, §17.11) with its relationship, and references from the runs.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt

from huainan.atomic import write_bytes
from huainan.briefs.document import Block, Run

#: Fonts of the styles (the names on officials' PCs; GB/T 9704-2012 §7).
FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_LATIN = "Times New Roman"

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
TABLE_PT = 10.5  # 五号
NOTE_PT = 9  # 小五
LINE_PT = 28.95  # 22 lines in the 225 mm type area

FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _fonts(element, east_asia: str, latin: str = FONT_LATIN) -> None:
    """Set the Latin and East-Asian fonts of a style's or run's ``rPr``."""
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr, value in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east_asia)):
        rfonts.set(qn(f"w:{attr}"), value)


def _style(doc, name: str, *, font: str, size: float, base: str | None = None, bold=False):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        from docx.enum.style import WD_STYLE_TYPE

        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base:
        style.base_style = styles[base]
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.name = FONT_LATIN
    _fonts(style.element, font)
    return style


def _setup_styles(doc) -> None:
    normal = _style(doc, "Normal", font=FONT_BODY, size=BODY_PT)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(LINE_PT)
    pf.first_line_indent = Pt(2 * BODY_PT)
    pf.space_before = pf.space_after = Pt(0)
    pf.widow_control = True
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for name, font, bold in (
        ("Title", FONT_TITLE, False),
        ("Heading 1", FONT_H1, False),
        ("Heading 2", FONT_H2, False),
        ("Heading 3", FONT_BODY, True),
    ):
        size = TITLE_PT if name == "Title" else BODY_PT
        st = _style(doc, name, font=font, size=size, base="Normal", bold=bold)
        st.font.italic = False
        pf = st.paragraph_format
        pf.keep_with_next = True
        pf.first_line_indent = Pt(0) if name == "Title" else Pt(2 * BODY_PT)
        pf.alignment = WD_ALIGN_PARAGRAPH.CENTER if name == "Title" else WD_ALIGN_PARAGRAPH.LEFT
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(36 if name == "Title" else LINE_PT)
        pf.space_before = Pt(12 if name == "Title" else 0)
        pf.space_after = Pt(12 if name == "Title" else 0)
        # python-docx's template makes headings blue (a theme colour) and underlines the title
        # with a border: black and plain, as in 公文
        rpr = st.element.get_or_add_rPr()
        for el in rpr.findall(qn("w:color")):
            rpr.remove(el)
        ppr = st.element.get_or_add_pPr()
        for el in ppr.findall(qn("w:pBdr")):
            ppr.remove(el)
    table_text = _style(doc, "Table Text", font=FONT_BODY, size=TABLE_PT, base="Normal")
    pf = table_text.paragraph_format
    pf.first_line_indent = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.alignment = WD_ALIGN_PARAGRAPH.LEFT
    caption = _style(doc, "Caption Text", font=FONT_H1, size=14, base="Normal")
    caption.paragraph_format.first_line_indent = Pt(0)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.keep_with_next = True
    note = _style(doc, "Footnote Text", font=FONT_BODY, size=NOTE_PT, base="Normal")
    note.paragraph_format.first_line_indent = Pt(0)
    note.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    note.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    from docx.enum.style import WD_STYLE_TYPE

    try:
        ref = doc.styles["Footnote Reference"]
    except KeyError:
        ref = doc.styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
    ref.font.superscript = True


def _page_setup(doc) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(28 - 7)  # 页码 below the type area, 7 mm under its edge
    settings = doc.settings.element
    if settings.find(qn("w:evenAndOddHeaders")) is None:
        settings.append(OxmlElement("w:evenAndOddHeaders"))
    section = doc.sections[0]
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(par, align) -> None:
    """``— PAGE —`` in 4号 (14 pt), one character in from the edge (GB/T 9704 §7.5)."""
    par.alignment = align
    pf = par.paragraph_format
    pf.first_line_indent = Pt(0)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        pf.right_indent = Pt(14)
    else:
        pf.left_indent = Pt(14)

    def text(t):
        r = par.add_run(t)
        r.font.size = Pt(14)
        _fonts(r._r, "宋体")

    text("— ")
    r = par.add_run()
    r.font.size = Pt(14)
    for kind, content in (("begin", None), ("instr", " PAGE "), ("separate", None), ("end", None)):
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = content
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        r._r.append(el)
    text(" —")


class _Footnotes:
    """Real Word footnotes: the ``word/footnotes.xml`` part and references from runs."""

    def __init__(self, doc):
        self.doc = doc
        self.notes: list[str] = []

    def reference(self, paragraph, note: str) -> None:
        """A footnote reference after the paragraph's last run; a note already given once is
        referred to by its number (a plain superscript), not repeated."""
        if note in self.notes:
            r = paragraph.add_run(str(self.notes.index(note) + 1))
            r.font.superscript = True
            return
        self.notes.append(note)
        r = paragraph.add_run()
        rpr = r._r.get_or_add_rPr()
        style = OxmlElement("w:rStyle")
        style.set(qn("w:val"), self.doc.styles["Footnote Reference"].style_id)
        rpr.append(style)
        vert = OxmlElement("w:vertAlign")
        vert.set(qn("w:val"), "superscript")
        rpr.append(vert)
        ref = OxmlElement("w:footnoteReference")
        ref.set(qn("w:id"), str(len(self.notes)))
        r._r.append(ref)

    def attach(self) -> None:
        if not self.notes:
            return
        style_id = self.doc.styles["Footnote Text"].style_id
        ref_id = self.doc.styles["Footnote Reference"].style_id
        body = [
            f"<w:footnotes {nsdecls('w')}>",
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
            "</w:footnote>",
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
            "<w:continuationSeparator/></w:r></w:p></w:footnote>",
        ]
        for i, note in enumerate(self.notes, start=1):
            body.append(
                f'<w:footnote w:id="{i}"><w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>'
                f'<w:r><w:rPr><w:rStyle w:val="{ref_id}"/><w:vertAlign w:val="superscript"/>'
                f'</w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {_xml(note)}'
                "</w:t></w:r></w:p></w:footnote>"
            )
        body.append("</w:footnotes>")
        part = Part(
            PackURI("/word/footnotes.xml"),
            FOOTNOTES_CT,
            "".join(body).encode("utf-8"),
            self.doc.part.package,
        )
        self.doc.part.relate_to(part, RT.FOOTNOTES)


def _xml(text: str) -> str:
    from xml.sax.saxutils import escape

    # characters XML 1.0 cannot hold are dropped
    clean = "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)
    return escape(clean)


def _add_runs(par, runs: list[Run], notes: _Footnotes, *, size: float | None = None) -> None:
    for r in runs:
        if r.get("text"):
            run = par.add_run(r["text"])
            run.bold = bool(r.get("bold"))
            if size:
                run.font.size = Pt(size)
        if r.get("note"):
            notes.reference(par, r["note"])


def _set_repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)
    cant = OxmlElement("w:cantSplit")
    trpr.append(cant)


def _no_split(row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _table(doc, b: Block, notes: _Footnotes) -> None:
    if b.get("caption"):
        doc.add_paragraph(b["caption"], style="Caption Text")
    header, rows = b["header"], b["rows"]
    t = doc.add_table(rows=1 + len(rows), cols=len(header))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    sec = doc.sections[-1]
    usable = sec.page_width - sec.left_margin - sec.right_margin
    widths = b.get("widths") or [1.0] * len(header)
    total = float(sum(widths))
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    t._tbl.tblPr.append(layout)
    for j, w in enumerate(widths):
        width = int(usable * w / total)
        t.columns[j].width = width
        for cell in t.columns[j].cells:
            cell.width = width
    for j, h in enumerate(header):
        cell = t.rows[0].cells[j]
        par = cell.paragraphs[0]
        par.style = doc.styles["Table Text"]
        run = par.add_run(h)
        _fonts(run._r, FONT_H1)
    _set_repeat_header(t.rows[0])
    for i, r in enumerate(rows, start=1):
        _no_split(t.rows[i])
        for j, c in enumerate(r):
            par = t.rows[i].cells[j].paragraphs[0]
            par.style = doc.styles["Table Text"]
            _add_runs(par, [c] if isinstance(c, dict) else [{"text": c}], notes)
    if b.get("note"):
        p = doc.add_paragraph(style="Table Text")
        p.add_run(b["note"])


def _figure(doc, b: Block) -> None:
    png = base64.b64decode(b["png"])
    par = doc.add_paragraph()
    par.paragraph_format.first_line_indent = Pt(0)
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    par.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    par.paragraph_format.keep_with_next = bool(b.get("caption"))
    par.add_run().add_picture(io.BytesIO(png), width=Cm(15.0))
    if b.get("caption"):
        doc.add_paragraph(b["caption"], style="Caption Text")


_HEADING_STYLE = {1: "Title", 2: "Heading 1", 3: "Heading 2", 4: "Heading 3"}


def _line_breaks(par) -> None:
    """Put a line break between the runs of a heading written line by line."""
    for r in list(par.runs)[1:]:
        r._r.addprevious(OxmlElement("w:br"))


def _new_section(doc, *, landscape: bool) -> None:
    """A new page in portrait or landscape (the margins turn with the page)."""
    from docx.enum.section import WD_ORIENT, WD_SECTION

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long, short = Mm(297), Mm(210)
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    top, bottom, left, right = Mm(37), Mm(35), Mm(28), Mm(26)
    if landscape:  # the binding edge stays at the top of the turned page
        top, bottom, left, right = Mm(28), Mm(26), Mm(37), Mm(35)
    section.top_margin, section.bottom_margin = top, bottom
    section.left_margin, section.right_margin = left, right


def render(blocks: list[Block], *, title: str | None = None, meta: dict | None = None) -> bytes:
    """The Word document of ``blocks`` as bytes (.docx).

    Parameters
    ----------
    blocks : list of dict
        :mod:`huainan.briefs.document` blocks.
    title : str, optional
        Document title (core properties); default the first level-1 heading.
    meta : dict, optional
        ``author`` / ``subject`` / ``keywords`` core properties.

    Returns
    -------
    bytes
    """
    doc = Document()
    _setup_styles(doc)
    _page_setup(doc)
    notes = _Footnotes(doc)
    first_title = None
    for b in blocks:
        kind = b["kind"]
        if kind == "heading":
            style = _HEADING_STYLE[b["level"]]
            par = doc.add_paragraph(style=style)
            for line in b["text"].split("\n"):
                par.add_run(line)
            _line_breaks(par)
            if b["level"] == 1 and first_title is None:
                first_title = b["text"]
        elif kind == "paragraph":
            par = doc.add_paragraph()
            _add_runs(par, b["runs"], notes)
        elif kind == "bullets":
            for item in b["items"]:
                par = doc.add_paragraph()
                _add_runs(par, item, notes)
        elif kind == "table":
            _table(doc, b, notes)
        elif kind == "figure":
            _figure(doc, b)
        elif kind == "pagebreak":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif kind == "section":
            _new_section(doc, landscape=b["orientation"] == "landscape")
    notes.attach()
    props = doc.core_properties
    props.title = title or first_title or ""
    props.language = "zh-CN"
    for key, value in (meta or {}).items():
        setattr(props, key, value)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def write(blocks: list[Block], path: str | Path, **kwargs) -> Path:
    """Write :func:`render` to ``path`` atomically."""
    return write_bytes(path, render(blocks, **kwargs))
