"""Blocks (:mod:`huainan.briefs.document`) → a PDF to forward, made offline with Typst.

The ``typst`` wheel from PyPI compiles the document in-process (no system package, no network);
the fonts are the free Noto Serif SC / Noto Sans SC (SIL OFL 1.1) the project installs with
``pylopdf-fonts-zh-cn`` — embedded as subsets, so the text stays selectable and searchable. The
layout follows the Word file (:mod:`huainan.briefs.docx_writer`, GB/T 9704-2012): A4, margins
37/35/28/26 mm, title 22 pt serif centred, body 16 pt with a two-character indent, 一、 headings in
the sans (黑体-like) face, page numbers "— 1 —" outside on odd and even pages, tables whose header
row repeats on every page, real footnotes for sources. The free fonts stand in for 方正小标宋 /
仿宋 / 楷体, which are not free to ship: the Word file names those for officials' PCs.

Every piece of text goes into the Typst source as a string literal (``#"…"``), never as markup,
so no character of the content (``#``, ``*``, ``$``, ``@`` …) can change the layout or run code.
"""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path

from huainan.atomic import write_bytes
from huainan.briefs.document import Block, Run

SERIF = "Noto Serif SC"
SANS = "Noto Sans SC"


def font_dir() -> Path:
    """The folder of the bundled Noto SC fonts (``pylopdf-fonts-zh-cn``)."""
    from pylopdf_fonts_zh_cn import sans_path

    return Path(sans_path()).parent


def _s(text: str) -> str:
    """A Typst string literal holding ``text`` exactly (one line)."""
    clean = "".join(ch if ch >= " " or ch == "\t" else " " for ch in str(text))
    return '"' + clean.replace("\\", "\\\\").replace('"', '\\"') + '"'


_PREAMBLE = """
#set document(title: {title})
#set page(
  paper: "a4",
  margin: (top: 37mm, bottom: 35mm, left: 28mm, right: 26mm),
  footer-descent: 7mm,
  footer: context {{
    let n = counter(page).get().first()
    set text(font: "{serif}", size: 14pt)
    if calc.odd(n) {{ align(right)[— #n —#h(1em)] }} else {{ align(left)[#h(1em)— #n —] }}
  }},
)
#set text(font: ("{serif}",), size: 16pt, lang: "zh", region: "cn")
#set par(leading: 12.95pt, spacing: 12.95pt, first-line-indent: (amount: 2em, all: true),
  justify: true)
#show heading: set block(above: 12.95pt, below: 12.95pt, sticky: true)
#show heading.where(level: 1): it => align(center, block(above: 12pt, below: 24pt,
  text(font: "{serif}", size: 22pt, weight: "regular", it.body)))
#show heading.where(level: 2): it => block(text(font: "{sans}", size: 16pt, weight: "regular",
  [#h(2em)#it.body]))
#show heading.where(level: 3): it => block(text(font: "{serif}", size: 16pt, weight: "regular",
  [#h(2em)#it.body]))
#show heading.where(level: 4): it => block(text(font: "{serif}", size: 16pt, weight: "regular",
  [#h(2em)#it.body]))
#show footnote.entry: set text(size: 9pt)
#show footnote.entry: set par(first-line-indent: 0em, leading: 0.4em)
"""


class _Notes:
    def __init__(self):
        self.seen: dict[str, int] = {}

    def mark(self, note: str) -> str:
        if note in self.seen:
            return f"#footnote(<hnfn{self.seen[note]}>)"
        n = len(self.seen) + 1
        self.seen[note] = n
        return f"#footnote[#{_s(note)}] <hnfn{n}>"


def _runs(runs: list[Run], notes: _Notes) -> str:
    out = []
    for r in runs:
        if r.get("text"):
            lit = f"#{_s(r['text'])}"
            out.append(f"#strong[{lit}]" if r.get("bold") else lit)
        if r.get("note"):
            out.append(notes.mark(r["note"]))
    return "".join(out)


def _table(b: Block, notes: _Notes) -> str:
    widths = b.get("widths") or [1.0] * len(b["header"])
    cols = ", ".join(f"{w:g}fr" for w in widths)
    head = ", ".join(f"[#{_s(h)}]" for h in b["header"])
    cells = []
    for row in b["rows"]:
        for c in row:
            text = _runs([c] if isinstance(c, dict) else [{"text": c}], notes)
            # short labels (约束性, 数据暂缺, 2021—2025) are never broken inside
            plain = c["text"] if isinstance(c, dict) else c
            cells.append(f"[#box[{text}]]" if len(plain) <= 9 and " " not in plain else f"[{text}]")
    caption = (
        f'#align(center, block(sticky: true, text(font: "{SANS}", size: 14pt, '
        f"{_s(b['caption'])})))\n"
        if b.get("caption")
        else ""
    )
    note = f"#text(size: 10.5pt, {_s(b['note'])})\n" if b.get("note") else ""
    return (
        f"{caption}#block[\n#set text(size: 10.5pt)\n"
        "#set par(first-line-indent: 0em, justify: false, leading: 0.45em, spacing: 0.45em)\n"
        f"#table(columns: ({cols},), stroke: 0.5pt, inset: 3.5pt,\n"
        f"  table.header(repeat: true, {head}),\n  {', '.join(cells)},\n)\n]\n{note}"
    )


def source(blocks: list[Block], *, images: Path, title: str = "") -> str:
    """The Typst source of ``blocks``; figures are written as PNG files into ``images``."""
    notes = _Notes()
    first = next((b["text"] for b in blocks if b["kind"] == "heading" and b["level"] == 1), "")
    out = [_PREAMBLE.format(title=_s(title or first), serif=SERIF, sans=SANS)]
    n_fig = 0
    for b in blocks:
        kind = b["kind"]
        if kind == "heading":
            lines = " #linebreak() ".join(f"#{_s(t)}" for t in b["text"].split("\n"))
            out.append(f"#heading(level: {b['level']})[{lines}]\n")
        elif kind == "paragraph":
            out.append(_runs(b["runs"], notes) + "\n\n")
        elif kind == "bullets":
            for item in b["items"]:
                out.append(_runs(item, notes) + "\n\n")
        elif kind == "table":
            out.append(_table(b, notes))
        elif kind == "figure":
            n_fig += 1
            name = f"figure-{n_fig}.png"
            (images / name).write_bytes(base64.b64decode(b["png"]))
            out.append(f"#align(center, block(sticky: true, image({_s(name)}, width: 15cm)))\n")
            if b.get("caption"):
                out.append(
                    f'#align(center, text(font: "{SANS}", size: 14pt, {_s(b["caption"])}))\n'
                )
        elif kind == "pagebreak":
            out.append("#pagebreak()\n")
        elif kind == "section":
            flipped = "true" if b["orientation"] == "landscape" else "false"
            out.append(f"#set page(flipped: {flipped})\n")
    return "".join(out)


def render(blocks: list[Block], *, title: str = "") -> bytes:
    """The PDF of ``blocks`` as bytes (Typst, fonts embedded).

    Raises
    ------
    RuntimeError
        If Typst reports an error (the message names the line of the generated source).
    """
    import typst

    with tempfile.TemporaryDirectory(prefix="huainan-pdf-") as tmp:
        folder = Path(tmp)
        main = folder / "main.typ"
        main.write_text(source(blocks, images=folder, title=title), encoding="utf-8")
        try:
            return typst.compile(str(main), font_paths=[str(font_dir())], ignore_system_fonts=True)
        except Exception as exc:  # typst.TypstError: the message carries the source position
            raise RuntimeError(f"PDF (Typst) failed: {exc}") from exc


def write(blocks: list[Block], path: str | Path, **kwargs) -> Path:
    """Write :func:`render` to ``path`` atomically."""
    return write_bytes(path, render(blocks, **kwargs))
