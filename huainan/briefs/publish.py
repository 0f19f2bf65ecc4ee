"""Turn executed brief notebooks into code-free HTML, and write the run's ``index.html``.

Officials read the HTML; researchers open the executed ``.ipynb`` next to it. The HTML is made by
nbconvert's ``HTMLExporter`` (the package's ``brief`` template: ``lab`` without any CDN script,
so a brief opens offline; images embedded; ``lang="zh"``) with input cells and prompts excluded,
and, on a copy of the notebook:

- error outputs (tracebacks) are replaced by a plain Chinese note, and papermill's English error
  banners are dropped; a failed brief gets a banner at the top saying the page is incomplete;
- ``stderr`` streams (warnings, logging) are dropped: they stay in the executed notebook.

nbformat/nbconvert are imported inside the functions that need them (they take 1–2 s to import):
the run index and a batch that only reuses earlier briefs do without them.
"""

from __future__ import annotations

import html
import json
import os
import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from huainan.atomic import write_text
from huainan.formats import BEIJING

if TYPE_CHECKING:
    from nbformat import NotebookNode

#: Cells papermill adds around a failure (English HTML with a link); not for officials.
PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"

#: What replaces an error output in the HTML.
ERROR_NOTE = "（此处计算出错，结果未能生成。技术细节记录在本次运行的 manifest.json 中。）"

STATUS_ZH = {
    "succeeded": "成功",
    "reused": "沿用（输入未变）",
    "failed": "失败",
    "interrupted": "中断（未完成）",
}

#: Chinese names of brief parameters on ``index.html`` (the wording of the brief notebooks'
#: parameters cells), in the order they are listed; an unknown name is shown as it is, last.
PARAMETER_NAMES_ZH = {
    "domain": "领域",
    "domains": "领域",
    "year": "评估年份",
    "region": "地区",
    "regions": "参与比较的县区",
    "comparison": "百分位比较范围",
    "lang": "文字语言",
    "city": "地级市",
}
#: Chinese names of coded values, per parameter (from the same comments: ``comparison``
#: "安徽省各县区 / 全国各县区", ``lang`` "中文 / English"); domain ids and region codes are named
#: by :mod:`huainan.plan.domains` and :mod:`huainan.plan.regions`.
VALUE_NAMES_ZH = {
    "comparison": {"anhui": "安徽省各县区", "china": "全国各县区"},
    "lang": {"zh": "中文", "en": "English"},
}
#: What ``None`` means for a parameter, where the notebooks say (None = all).
NONE_NAMES_ZH = {"domain": "全部领域", "domains": "全部领域", "regions": "全部七个县区"}


_NOTE_STYLE = (
    "border-left:4px solid #d55e00;background:#fff4ec;padding:0.6em 1em;"
    "margin:0.5em 0;color:#5a2a00"
)


def failure_banner(error: dict[str, Any] | None) -> str:
    """Return the Chinese note shown at the top of a failed brief (HTML).

    Examples
    --------
    >>> "运行中途出错" in failure_banner({"cell_index": 4, "ename": "ValueError"})
    True
    >>> "运行超时" in failure_banner({"cell_index": 2, "ename": "CellTimeoutError"})
    True
    """
    why = "运行超时" if error and error.get("ename") == "CellTimeoutError" else "运行中途出错"
    return (
        f'<div style="{_NOTE_STYLE}"><strong>本简报未能完整生成。</strong>{why}，'
        "出错位置之后的内容缺失；已生成的部分可以阅读。技术细节记录在本次运行的 "
        "manifest.json 中，请联系数据维护人员。</div>"
    )


def notebook_title(nb: NotebookNode) -> str | None:
    """Return the first level-1 heading of a notebook: a markdown cell or a markdown/HTML output.

    Examples
    --------
    >>> from nbformat.v4 import new_markdown_cell, new_notebook
    >>> notebook_title(new_notebook(cells=[new_markdown_cell("# 病有所医 **简报**")]))
    '病有所医 简报'
    """
    for cell in nb.cells:
        texts = []
        if cell.cell_type == "markdown":
            texts.append(cell.source)
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            texts.append(data.get("text/markdown", ""))
            h1 = re.search(r"<h1[^>]*>(.*?)</h1>", data.get("text/html", ""), re.S | re.I)
            if h1:
                texts.append("# " + re.sub(r"<[^>]+>", "", h1.group(1)))
        for text in texts:
            m = re.search(
                r"^#\s+(.+?)\s*#*\s*$", text if isinstance(text, str) else "".join(text), re.M
            )
            if m:
                return re.sub(r"[*_`]", "", m.group(1)).strip()
    return None


def code_free_copy(nb: NotebookNode, error: dict[str, Any] | None = None) -> NotebookNode:
    """Return a copy of an executed notebook fit for officials (the input is not changed).

    Drops papermill's error banners and ``stderr`` streams, numbers pandas Styler table ids in
    order (:func:`_stable_ids`; pandas draws them at random), gives papermill's injected-parameters
    cell a fixed id (papermill's is random: equal runs make equal HTML), replaces every error output by
    :data:`ERROR_NOTE`, and, if ``error`` is given (the brief failed), puts
    :func:`failure_banner` first. Inputs stay in the copy; the exporter hides them.
    """
    import nbformat

    nb = nbformat.from_dict(nb)  # deep copy
    cells = []
    styler_ids: dict[str, str] = {}
    for cell in nb.cells:
        if PAPERMILL_ERROR_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            # papermill gives the cell a random id; a fixed one keeps the HTML of equal runs equal
            cell["id"] = "injected-parameters"
        if cell.cell_type == "code":
            outputs = []
            for out in cell.outputs:
                if out.output_type == "error":
                    outputs.append(
                        nbformat.v4.new_output(
                            "display_data",
                            data={
                                "text/html": f'<div style="{_NOTE_STYLE}">{ERROR_NOTE}</div>',
                                "text/plain": ERROR_NOTE,
                            },
                        )
                    )
                elif out.output_type == "stream" and out.name == "stderr":
                    continue
                else:
                    if "text/html" in out.get("data", {}):
                        out.data["text/html"] = _stable_ids(out.data["text/html"], styler_ids)
                    outputs.append(out)
            cell.outputs = outputs
        cells.append(cell)
    if error is not None:
        banner = nbformat.v4.new_code_cell(
            outputs=[
                nbformat.v4.new_output(
                    "display_data",
                    data={"text/html": failure_banner(error), "text/plain": "本简报未能完整生成。"},
                )
            ]
        )
        banner["id"] = "failure-banner"  # a fixed id: equal runs make equal HTML
        cells.insert(0, banner)
    nb.cells = cells
    return nb


#: The ids pandas' Styler gives its tables (``T_`` + 5 random hex digits, ``uuid4().hex[:5]``).
_STYLER_ID = re.compile(r"(?<![\w-])T_([0-9a-f]{5})(?![0-9a-z])")


def _stable_ids(text: str, seen: dict[str, str]) -> str:
    """Replace pandas Styler's random table ids by ids numbered in order of appearance in the
    notebook (``T_s1``, ``T_s2`` …), so that equal briefs give byte-equal HTML.

    Examples
    --------
    >>> seen = {}
    >>> _stable_ids('<style>#T_4f2a1_row0_col0 {}</style><table id="T_4f2a1">', seen)
    '<style>#T_s1_row0_col0 {}</style><table id="T_s1">'
    >>> _stable_ids('<table id="T_09bcd"> T_4f2a1', seen)
    '<table id="T_s2"> T_s1'
    """

    def replace(m: re.Match[str]) -> str:
        return seen.setdefault(m.group(1), f"T_s{len(seen) + 1}")

    return _STYLER_ID.sub(replace, text)


#: nbconvert templates of the package: ``brief`` = JupyterLab's ``lab`` template without any
#: script from a CDN (briefs are opened offline).
TEMPLATES = Path(__file__).parent / "templates"


def brief_html(
    notebook: str | os.PathLike,
    html_path: str | os.PathLike,
    *,
    title: str | None = None,
    error: dict[str, Any] | None = None,
) -> str:
    """Write the code-free HTML of an executed notebook; return the title used.

    Parameters
    ----------
    notebook : str or os.PathLike
        The executed ``.ipynb`` (UTF-8).
    html_path : str or os.PathLike
        Where to write the HTML (UTF-8, written atomically; images embedded as data URIs).
    title : str, optional
        Page title; default: :func:`notebook_title`, else the file stem.
    error : dict, optional
        The failure record (``cell_index``, ``ename``, ``evalue``) when the brief failed.

    Returns
    -------
    str
        The page title.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(notebook, as_version=4)
    title = title or notebook_title(nb) or Path(notebook).stem
    exporter = HTMLExporter(
        template_name="brief",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code="zh",
    )
    page = code_free_copy(nb, error)
    page.metadata["title"] = title  # nbconvert prefers the notebook's own metadata title
    body, _ = exporter.from_notebook_node(page, resources={"metadata": {"name": title}})
    write_text(html_path, body)
    return title


def brief_documents(
    notebook: str | os.PathLike, stem: str | os.PathLike, *, title: str
) -> list[Path]:
    """Write the Word (.docx) and PDF forms of an executed brief next to its HTML.

    The content is the blocks the notebook displayed (:func:`huainan.briefs.document.
    blocks_from_notebook`: the report's own blocks, Markdown text, tables and charts) — the same
    content as the HTML. Wide tables (8 columns or more) are set on landscape pages.

    Parameters
    ----------
    notebook : str or os.PathLike
        The executed ``.ipynb``.
    stem : str or os.PathLike
        Output path without suffix (``<run>/domain-health`` → ``domain-health.docx`` / ``.pdf``).
    title : str
        Document title (properties of both files).

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    RuntimeError
        If the PDF engine fails (the Word file is still written).
    """
    import nbformat

    from huainan.briefs import document, docx_writer, pdf_writer

    nb = code_free_copy(nbformat.read(notebook, as_version=4))
    blocks = document.landscape_wide_tables(document.blocks_from_notebook(nb))
    stem = Path(stem)
    written = [docx_writer.write(blocks, stem.with_suffix(".docx"), title=title)]
    written.append(pdf_writer.write(blocks, stem.with_suffix(".pdf"), title=title))
    return written


def beijing_time(iso: str | None) -> str:
    """Return an ISO 8601 time (as in the manifest, UTC) as Beijing time for officials.

    Examples
    --------
    >>> beijing_time("2025-04-14T08:30:12.123456+00:00")
    '2025-04-14 16:30:12（北京时间）'
    >>> beijing_time(None)
    '—'
    """
    if not iso:
        return "—"
    t = datetime.fromisoformat(iso).astimezone(BEIJING)
    return t.strftime("%Y-%m-%d %H:%M:%S") + "（北京时间）"


def parameter_text(name: str, value: Any) -> str:
    """Return one brief parameter in Chinese for ``index.html`` (``领域：病有所医``).

    Examples
    --------
    >>> parameter_text("comparison", "anhui"), parameter_text("year", 2025)
    ('百分位比较范围：安徽省各县区', '评估年份：2025年')
    >>> parameter_text("regions", ["340421", "340422"]), parameter_text("regions", None)
    ('参与比较的县区：凤台县、寿县', '参与比较的县区：全部七个县区')
    >>> parameter_text("seconds", 60.0)
    'seconds：60.0'
    """
    label = PARAMETER_NAMES_ZH.get(name, name)
    values = value if isinstance(value, list) else [value]
    if value is None:
        shown = NONE_NAMES_ZH.get(name, "（无）")
    else:
        shown = "、".join(_value_zh(name, v) for v in values) or "（空）"
    return f"{label}：{shown}"


def _value_zh(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if name in VALUE_NAMES_ZH and value in VALUE_NAMES_ZH[name]:
        return VALUE_NAMES_ZH[name][value]
    if name == "year" and isinstance(value, int):
        return f"{value}年"
    try:
        if name in ("domain", "domains"):
            from huainan.plan import domains

            return domains.get(value).zh
        if name in ("region", "regions"):
            from huainan.plan import regions

            return regions.name(value)
        if name == "city":
            from huainan.measures import prefectures

            return f"{prefectures.check_city(value)['prefecture_name']}（{value}）"
    except (KeyError, ValueError, TypeError):
        pass  # not a known id/code: shown as it is
    return str(value)


def _params(parameters: dict[str, Any]) -> str:
    """The parameters in Chinese, known names first in the order of :data:`PARAMETER_NAMES_ZH`."""
    order = list(PARAMETER_NAMES_ZH)
    names = sorted(parameters, key=lambda k: order.index(k) if k in order else len(order))
    return "；".join(parameter_text(k, parameters[k]) for k in names) or "—"


def _params_raw(parameters: dict[str, Any]) -> str:
    """The parameters as the YAML gives them (a tooltip for researchers): ``domain = "health"``."""
    return "; ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in parameters.items())


def error_text(error: dict[str, Any] | None) -> str:
    """Return a one-line description of a failure (``cell 4 (In [4]): ValueError: …``).

    Examples
    --------
    >>> error_text({"cell_index": 4, "execution_count": 4, "ename": "ValueError", "evalue": "x"})
    'cell 4 (In [4]): ValueError: x'
    """
    if not error:
        return ""
    where = ""
    if error.get("cell_index") is not None:
        where = f"cell {error['cell_index']}"
        if error.get("execution_count") is not None:
            where += f" (In [{error['execution_count']}])"
        where += ": "
    value = str(error.get("evalue") or "")
    if len(value) > 200:
        value = value[:197] + "…"
    return f"{where}{error.get('ename', 'Error')}: {value}".rstrip(": ")


_INDEX_CSS = """
body { font-family: "Noto Sans SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei",
       "PingFang SC", sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } .sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.45em 0.6em; text-align: left;
         vertical-align: top; }
th { background: #f3f5f7; white-space: nowrap; } td.status { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.succeeded { color: #027a55; } .reused { color: #0a5a9c; } .failed { color: #b42318;
  font-weight: bold; } .interrupted { color: #8a5a00; font-weight: bold; }
.banner { padding: 0.6em 1em; border-left: 4px solid; margin: 1em 0; }
.banner.ok { border-color: #029e73; background: #eefaf5; }
.banner.bad { border-color: #d55e00; background: #fff4ec; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.3em 1.2em; }
dt { color: #555; } dd { margin: 0; } code { font-size: 0.92em; }
small { color: #666; }
details.tech { margin-top: 2em; color: #444; } details.tech summary { cursor: pointer; }
"""


def index_html(manifest: dict[str, Any]) -> str:
    """Return the run's ``index.html`` (Chinese): every brief with status and links, run metadata.

    Parameters
    ----------
    manifest : dict
        The run manifest as written to ``manifest.json`` (see :mod:`huainan.briefs.batch`).
    """
    e = html.escape
    briefs = manifest["briefs"]
    rows = [_brief_row(i, b) for i, b in enumerate(briefs, 1)]
    tech_rows = [_tech_row(i, b) for i, b in enumerate(briefs, 1)]
    banner = _banner(manifest)
    ranking = (
        f'<p>本批次各城市的区县差距排序（可按列排序）：<a href="{e(manifest["ranking"])}">'
        "各地级市区县差距排序</a></p>"
        if manifest.get("ranking")
        else ""
    )
    batch_title = manifest["batch"]["title"] or manifest["batch"]["name"]
    meta = _run_meta(manifest, batch_title)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>简报目录 · {e(batch_title)} · {e(manifest["run_id"])}</title>
<style>{_INDEX_CSS}</style>
</head>
<body>
<h1>{e(_index_heading(manifest))}</h1>
<p class="sub">{e(batch_title)} · 生成于 {beijing_time(manifest.get("finished"))}</p>
{banner}{ranking}
<table>
<thead><tr><th>#</th><th>简报</th><th>下载</th><th>状态</th><th>说明</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<details class="tech"><summary>技术信息（供数据管理员和研究人员使用）</summary>
<table>
<thead><tr><th>#</th><th>名称</th><th>参数</th><th>用时（秒）</th><th>笔记本（含代码）</th></tr></thead>
<tbody>
{chr(10).join(tech_rows)}
</tbody>
</table>
<dl>
{chr(10).join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in meta)}
</dl>
</details>
</body>
</html>
"""


def _brief_row(i: int, b: dict[str, Any]) -> str:
    """The row of brief number ``i`` in the index's main table: link, downloads, status, note."""
    e = html.escape
    products = b.get("products", {})
    title = e(b.get("title") or _fallback_title(b))
    link = f'<a href="{e(products["html"])}">{title}</a>' if products.get("html") else title
    downloads = "　".join(
        f'<a href="{e(products[k])}">{label}</a>'
        for k, label in (("docx", "Word"), ("pdf", "PDF"))
        if products.get(k)
    )
    return (
        f"<tr><td class=num>{i}</td><td>{link}</td><td>{downloads or '—'}</td>"
        f'<td class="status {e(b["status"])}">{e(STATUS_ZH.get(b["status"], b["status"]))}</td>'
        f"<td>{_brief_note(b)}</td></tr>"
    )


def _fallback_title(b: dict[str, Any]) -> str:
    """A Chinese name for a brief that has no title (it failed before its heading was written):
    ``病有所医领域简报`` from its ``domain`` parameter, else its product name."""
    from huainan.plan import domains

    domain = b.get("parameters", {}).get("domain")
    if isinstance(domain, str) and domain in domains.DOMAIN_IDS:
        return f"{domains.get(domain).zh}领域简报"
    return str(b["name"])


def _brief_note(b: dict[str, Any]) -> str:
    """The 说明 cell of a brief: why it failed (in words an official can act on; the error
    itself is in the technical section), why a brief was reused or stopped."""
    if b["status"] == "failed":
        return "未能生成：数据或程序出错，请联系数据管理员（出错信息见页面下方“技术信息”）"
    if b["status"] == "reused":
        return "输入未变，沿用上次运行的结果"
    if b["status"] == "interrupted":
        note = "运行被中止，简报未生成"
        if b.get("products", {}).get("notebook"):
            note += "；笔记本只执行了一部分"
        elif not b.get("started"):
            note += "（尚未开始）"
        return note
    return ""


def _tech_row(i: int, b: dict[str, Any]) -> str:
    """The row of brief number ``i`` in the technical table: name, parameters, time, notebook."""
    e = html.escape
    products = b.get("products", {})
    seconds = b.get("seconds")
    parameters = b.get("parameters", {})
    nb_link = (
        f'<a href="{e(products["notebook"])}">{e(products["notebook"])}</a>'
        if products.get("notebook")
        else "—"
    )
    reused = f"（沿用 {e(b.get('reused_from', ''))}）" if b["status"] == "reused" else ""
    if b["status"] == "failed":
        reused += f"<br><small>出错 error: {e(error_text(b.get('error')))}</small>"
    return (
        f"<tr><td class=num>{i}</td><td><code>{e(b['name'])}</code>{reused}</td>"
        f'<td title="{e(_params_raw(parameters))}">{e(_params(parameters))}</td>'
        f"<td class=num>{'' if seconds is None else f'{seconds:.1f}'}</td>"
        f"<td>{nb_link}</td></tr>"
    )


def _index_heading(manifest: dict[str, Any]) -> str:
    """The index's heading: the Huainan plan's, or — for a batch of prefecture briefs (each
    with a ``city`` parameter: every city of Anhui or of China) — one naming no single city."""
    briefs = manifest.get("briefs") or []
    if briefs and all("city" in b.get("parameters", {}) for b in briefs):
        return "地级市区县差距简报 · 简报目录"
    return "淮南市“十四五”公共服务规划 · 简报目录"


def _banner(manifest: dict[str, Any]) -> str:
    """The line above the table: all briefs made, some failed, or the run was stopped."""
    briefs = manifest["briefs"]
    n_failed = sum(b["status"] == "failed" for b in briefs)
    n_stopped = sum(b["status"] == "interrupted" for b in briefs)
    if n_stopped:
        why = html.escape(manifest.get("interrupted_by") or "")
        return (
            f'<p class="banner bad">本次运行被中止{f"（{why}）" if why else ""}：共 '
            f"{len(briefs)} 份简报，{n_stopped} 份未完成（状态“中断”）"
            + (f"，{n_failed} 份运行失败" if n_failed else "")
            + "；已完成的简报可以阅读。本次运行不计为“最新”（latest）。</p>"
        )
    if n_failed == len(briefs):
        return (
            f'<p class="banner bad">本次运行的 {len(briefs)} 份简报全部未能生成，'
            "多为数据出错（如监测数据文件被改动）；请联系数据管理员，出错信息见页面下方“技术信息”。</p>"
        )
    if n_failed:
        return (
            f'<p class="banner bad">本次运行共 {len(briefs)} 份简报，其中 {n_failed} 份'
            "未能生成（见下表“说明”一栏）；其余简报不受影响。</p>"
        )
    return f'<p class="banner ok">本次运行的 {len(briefs)} 份简报全部生成。</p>'


def _run_meta(manifest: dict[str, Any], batch_title: str) -> list[tuple[str, str]]:
    """(label, HTML) pairs of the run's metadata in the technical section."""
    e = html.escape
    h = manifest.get("hashes", {})
    meta = [
        ("批次", f"{e(batch_title)}（<code>{e(manifest['batch']['file'])}</code>）"),
        ("运行编号", f"<code>{e(manifest['run_id'])}</code>"),
        ("开始时间", beijing_time(manifest.get("started"))),
        ("结束时间", beijing_time(manifest.get("finished"))),
        ("总用时", f"{manifest.get('seconds', 0):.1f} 秒"),
        ("并行进程数", str(manifest.get("jobs", ""))),
        ("Jupyter 内核", f"<code>{e(manifest.get('kernel', ''))}</code>"),
        ("huainan 版本", f"<code>{e(manifest.get('huainan_version', ''))}</code>"),
        ("数据目录", f"<code>{e(manifest.get('data_dir', ''))}</code>"),
        ("数据指纹（sha256）", f"<code>{e(h.get('data', '')[:16])}</code>"),
        ("代码指纹（sha256）", f"<code>{e(h.get('package', '')[:16])}</code>"),
        ("完整记录", '<a href="manifest.json">manifest.json</a>（参数、指纹、用时、错误）'),
    ]
    if manifest.get("ranking"):
        meta.insert(0, ("城市排序", f'<a href="{e(manifest["ranking"])}">各地级市区县差距排序</a>'))
    if manifest.get("scheduler") and manifest["scheduler"] != "local":
        meta.insert(6, ("Dask 调度器", f"<code>{e(manifest['scheduler'])}</code>"))
    return meta
