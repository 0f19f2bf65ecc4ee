"""The content of a brief or report as plain blocks, shared by its HTML, Word and PDF forms.

A notebook shows a block with :func:`show`: the cell output carries the block twice — as HTML for
the notebook, Voila and the HTML brief, and as JSON under :data:`MIME` — so the Word (.docx) and
PDF writers (:mod:`huainan.briefs.docx_writer`, :mod:`huainan.briefs.pdf_writer`) read exactly
what the HTML shows (:func:`blocks_from_notebook`). Outputs of other kinds are read too: Markdown
(headings, paragraphs, bullet lists, bold, links), PNG charts and HTML tables.

Blocks are dicts (JSON-ready):

============  ===============================================================================
kind          fields
============  ===============================================================================
heading       ``level`` (1 title, 2 一、, 3 （一）, 4 1.), ``text``
paragraph     ``runs``: list of runs ``{"text", "bold"?, "note"?}`` — ``note`` is a footnote
              (a source with its web address) attached after the run
bullets       ``items``: list of run lists
table         ``caption``, ``header`` (list of str), ``rows`` (list of lists of cells: a str or
              a run ``{"text", "note"?}``), ``note`` (str, under the table), ``widths``
              (relative column widths, optional)
figure        ``png`` (base64), ``caption``
pagebreak     —
section       ``orientation`` (``portrait`` | ``landscape``): a new page in that orientation (wide
              annex tables are printed landscape, as Chinese reports do)
============  ===============================================================================

A heading's text may hold ``\n`` where a long title should break (公文 titles are set in lines of
meaning, not cut at the margin).
"""

from __future__ import annotations

import base64
import html
import re
from html.parser import HTMLParser
from typing import Any

#: MIME type of a block in a notebook output.
MIME = "application/vnd.huainan.block+json"

Block = dict[str, Any]
Run = dict[str, Any]


# ---------------------------------------------------------------------------------------------
# constructors
# ---------------------------------------------------------------------------------------------


def heading(text: str, level: int = 2) -> Block:
    """A heading (level 1 = the document title)."""
    if level not in (1, 2, 3, 4):
        raise ValueError(f"heading level must be 1–4, not {level}")
    return {"kind": "heading", "level": level, "text": str(text)}


def run(text: str, *, bold: bool = False, note: str | None = None) -> Run:
    """A piece of text, optionally bold, optionally followed by a footnote ``note``."""
    out: Run = {"text": str(text)}
    if bold:
        out["bold"] = True
    if note:
        out["note"] = str(note)
    return out


def paragraph(*parts: str | Run) -> Block:
    """A paragraph of runs (plain strings are runs without formatting)."""
    return {"kind": "paragraph", "runs": [run(p) if isinstance(p, str) else p for p in parts]}


def bullets(items: list[list[str | Run]] | list[str]) -> Block:
    """A bullet list; each item a string or a list of runs."""
    out = []
    for item in items:
        parts = [item] if isinstance(item, str) else item
        out.append([run(p) if isinstance(p, str) else p for p in parts])
    return {"kind": "bullets", "items": out}


def table(
    header: list[str],
    rows: list[list[Any]],
    *,
    caption: str = "",
    note: str = "",
    widths: list[float] | None = None,
) -> Block:
    """A table: ``header`` strings, ``rows`` of cells (str, number or run). Numbers are written
    as they are given: format them first (:mod:`huainan.formats`)."""
    cells = [[c if isinstance(c, dict) else ("" if c is None else str(c)) for c in r] for r in rows]
    for i, r in enumerate(cells):
        if len(r) != len(header):
            raise ValueError(f"table row {i} has {len(r)} cells, the header {len(header)}")
    return {
        "kind": "table",
        "caption": caption,
        "header": [str(h) for h in header],
        "rows": cells,
        "note": note,
        "widths": widths,
    }


def figure(png: bytes, caption: str = "") -> Block:
    """A chart (PNG bytes) with its caption."""
    return {"kind": "figure", "png": base64.b64encode(png).decode("ascii"), "caption": caption}


def pagebreak() -> Block:
    return {"kind": "pagebreak"}


def section(orientation: str = "portrait") -> Block:
    """Start a new page in ``orientation`` (``portrait`` or ``landscape``)."""
    if orientation not in ("portrait", "landscape"):
        raise ValueError(f"orientation must be portrait or landscape, not {orientation!r}")
    return {"kind": "section", "orientation": orientation}


# ---------------------------------------------------------------------------------------------
# HTML (notebooks, Voila, the HTML brief)
# ---------------------------------------------------------------------------------------------


def _runs_html(runs: list[Run], notes: list[str]) -> str:
    out = []
    for r in runs:
        text = html.escape(r["text"])
        out.append(f"<strong>{text}</strong>" if r.get("bold") else text)
        if r.get("note"):
            notes.append(r["note"])
            n = len(notes)
            out.append(f'<sup class="hn-fn"><a href="#hn-fn-{n}" id="hn-fnref-{n}">{n}</a></sup>')
    return "".join(out)


def _cell_html(cell: Any, notes: list[str]) -> str:
    return _runs_html([cell] if isinstance(cell, dict) else [run(cell)], notes)


def _td(cell: Any, notes: list[str]) -> str:
    """A table cell; short labels (约束性, 数据暂缺, 2021—2025) are never broken inside."""
    text = cell["text"] if isinstance(cell, dict) else str(cell)
    cls = ' class="nw"' if len(text) <= 9 and " " not in text else ""
    return f"<td{cls}>{_cell_html(cell, notes)}</td>"


def to_html(blocks: list[Block], *, footnotes: bool = True) -> str:
    """HTML of blocks; footnotes are numbered and listed at the end (with links)."""
    notes: list[str] = []
    parts = []
    for b in blocks:
        kind = b["kind"]
        if kind == "heading":
            level = min(b["level"], 4)
            text = html.escape(b["text"]).replace("\n", "<br/>")
            parts.append(f"<h{level}>{text}</h{level}>")
        elif kind == "paragraph":
            parts.append(f"<p>{_runs_html(b['runs'], notes)}</p>")
        elif kind == "bullets":
            items = "".join(f"<li>{_runs_html(i, notes)}</li>" for i in b["items"])
            parts.append(f"<ul>{items}</ul>")
        elif kind == "table":
            cap = f"<caption>{html.escape(b['caption'])}</caption>" if b["caption"] else ""
            head = "".join(f"<th>{html.escape(h)}</th>" for h in b["header"])
            body = "".join("<tr>" + "".join(_td(c, notes) for c in r) + "</tr>" for r in b["rows"])
            note = f'<p class="hn-table-note">{html.escape(b["note"])}</p>' if b["note"] else ""
            parts.append(
                f'<table class="hn-doc-table">{cap}<thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table>{note}"
            )
        elif kind == "figure":
            cap = f"<figcaption>{html.escape(b['caption'])}</figcaption>" if b["caption"] else ""
            parts.append(
                f'<figure><img src="data:image/png;base64,{b["png"]}" alt="'
                f'{html.escape(b["caption"])}" style="max-width:100%"/>{cap}</figure>'
            )
        elif kind in ("pagebreak", "section"):
            wide = " hn-landscape" if b.get("orientation") == "landscape" else ""
            parts.append(f'<div class="hn-pagebreak{wide}"></div>')
    if footnotes and notes:
        items = "".join(
            f'<li id="hn-fn-{i}">{_linkify(n)}</li>' for i, n in enumerate(notes, start=1)
        )
        parts.append(f'<ol class="hn-footnotes">{items}</ol>')
    return "\n".join(parts)


_URL = re.compile(r"https?://[^\s；;，,）)]+")


def _linkify(text: str) -> str:
    out, last = [], 0
    for m in _URL.finditer(text):
        out.append(html.escape(text[last : m.start()]))
        url = html.escape(m.group(0))
        out.append(f'<a href="{url}" rel="noopener noreferrer">{url}</a>')
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def show(*blocks: Block) -> None:
    """Display blocks in a notebook as one output: HTML for readers (footnotes numbered and
    listed under it), the blocks as JSON (:data:`MIME`) for the Word and PDF writers."""
    from IPython.display import display

    display({"text/html": to_html(list(blocks)), MIME: list(blocks)}, raw=True)


# ---------------------------------------------------------------------------------------------
# reading an executed notebook back into blocks
# ---------------------------------------------------------------------------------------------


def blocks_from_notebook(nb) -> list[Block]:
    """The blocks of an executed notebook, in order: :data:`MIME` outputs as they are, Markdown
    cells and Markdown outputs parsed, PNG outputs as figures, HTML tables as tables. Code,
    stream text and the injected parameters are left out.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook (cells tagged ``parameters``/``injected-parameters`` are skipped).
    """
    blocks: list[Block] = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & {"parameters", "injected-parameters", "hide-from-documents"}:
            continue
        if cell.cell_type == "markdown":
            blocks += from_markdown(cell.source)
            continue
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if MIME in data:
                payload = data[MIME]
                blocks += [dict(b) for b in (payload if isinstance(payload, list) else [payload])]
            elif "image/png" in data:
                png = data["image/png"]
                blocks.append({"kind": "figure", "png": "".join(png).strip(), "caption": ""})
            elif "text/markdown" in data:
                blocks += from_markdown("".join(data["text/markdown"]))
            elif "text/html" in data:
                blocks += tables_from_html("".join(data["text/html"]))
    return blocks


def landscape_wide_tables(blocks: list[Block], *, columns: int = 8) -> list[Block]:
    """Put tables of ``columns`` columns or more on landscape pages (a heading right before such
    a table goes with it) and turn back to portrait for what follows. Blocks that already hold
    ``section`` blocks are returned as they are."""

    if any(b["kind"] == "section" for b in blocks):
        return blocks  # the author has laid out the pages

    def wide(b: Block) -> bool:
        return b["kind"] == "table" and len(b["header"]) >= columns

    out: list[Block] = []
    landscape = False
    for i, b in enumerate(blocks):
        if b["kind"] == "section":
            landscape = b["orientation"] == "landscape"
            out.append(b)
            continue
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        goes_wide = wide(b) or (b["kind"] == "heading" and nxt is not None and wide(nxt))
        if goes_wide and not landscape:
            out.append(section("landscape"))
            landscape = True
        elif not goes_wide and landscape:
            out.append(section("portrait"))
            landscape = False
        out.append(b)
    return out


def content_widths(header: list[str], rows: list[list[Any]]) -> list[float]:
    """Relative column widths from the longest text in each column (2–14 characters).

    Examples
    --------
    >>> content_widths(["序号", "指标"], [["1", "养老机构护理型床位占比"]])
    [2.0, 11.0]
    """
    widths = []
    for j, h in enumerate(header):
        texts = [h] + [
            (r[j]["text"] if isinstance(r[j], dict) else str(r[j])) for r in rows if j < len(r)
        ]
        longest = max((len(t) for t in texts), default=2)
        widths.append(float(min(14, max(2, longest))))
    return widths


def from_markdown(text: str) -> list[Block]:
    """Blocks of a Markdown text (headings, paragraphs, bullet lists, **bold**, links; a link's
    address becomes a footnote). Parsed with markdown-it-py (CommonMark)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(text)
    blocks: list[Block] = []
    i = 0
    items: list[list[Run]] | None = None
    while i < len(tokens):
        t = tokens[i]
        if t.type == "heading_open":
            level = min(int(t.tag[1]), 4)
            blocks.append(heading(_plain(tokens[i + 1]), level))
            i += 3
            continue
        if t.type == "bullet_list_open":
            items = []
        elif t.type == "bullet_list_close" and items is not None:
            blocks.append({"kind": "bullets", "items": items})
            items = None
        elif t.type == "inline":
            runs = _inline_runs(t)
            if items is not None:
                items.append(runs)
            elif runs:
                blocks.append({"kind": "paragraph", "runs": runs})
        i += 1
    return blocks


def _plain(token) -> str:
    return "".join(c.content for c in (token.children or []) if c.type in ("text", "code_inline"))


def _inline_runs(token) -> list[Run]:
    runs: list[Run] = []
    bold = False
    href = None
    for c in token.children or []:
        if c.type == "strong_open":
            bold = True
        elif c.type == "strong_close":
            bold = False
        elif c.type == "link_open":
            href = c.attrs.get("href")
        elif c.type == "link_close":
            if href and runs:
                runs[-1]["note"] = str(href)
            href = None
        elif c.type in ("text", "code_inline"):
            runs.append(run(c.content, bold=bold))
        elif c.type in ("softbreak", "hardbreak"):
            runs.append(run(""))
    # merge neighbours with the same formatting and no note
    merged: list[Run] = []
    for r in runs:
        if (
            merged
            and not merged[-1].get("note")
            and merged[-1].get("bold") == r.get("bold")
            and not r.get("note")
        ):
            merged[-1]["text"] += r["text"]
        else:
            merged.append(dict(r))
    return [r for r in merged if r["text"] or r.get("note")]


class _TableParser(HTMLParser):
    """Collects the tables of an HTML fragment: caption, header row, body rows (cell text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_head = False
        self._in_caption = False
        self._is_header = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "header": [], "rows": []})
        elif not self.tables:
            return
        elif tag == "thead":
            self._in_head = True
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self._row = []
            self._is_header = self._in_head
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if not self.tables:
            return
        t = self.tables[-1]
        if tag == "thead":
            self._in_head = False
        elif tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._is_header and not t["header"]:
                t["header"] = self._row
            elif self._row:
                t["rows"].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_caption and self.tables:
            self.tables[-1]["caption"] += data


def tables_from_html(text: str) -> list[Block]:
    """The tables in an HTML fragment (e.g. a pandas Styler) as table blocks; the first row is
    the header when there is no ``<thead>``; rows are padded to the header's width."""
    parser = _TableParser()
    parser.feed(text)
    out = []
    for t in parser.tables:
        header, rows = t["header"], t["rows"]
        if not header and rows:
            header, rows = rows[0], rows[1:]
        if not header:
            continue
        width = max([len(header), *(len(r) for r in rows)])
        header = header + [""] * (width - len(header))
        rows = [r + [""] * (width - len(r)) for r in rows]
        out.append(
            table(header, rows, caption=t["caption"].strip(), widths=content_widths(header, rows))
        )
    return out
