"""报送 (upload page): a data officer chooses a file, reads the check in Chinese, confirms, ingests.

1. **选择文件** — an ipywidgets ``FileUpload`` (``.xlsx``/``.xls``/``.csv``, at most
   :data:`MAX_UPLOAD_BYTES`); the file is saved to a private temporary folder and checked with
   :func:`huainan.intake.ingest.check` — the same :class:`~huainan.intake.report.IngestReport`
   the command line prints (``huainan ingest --dry-run``), shown here as tables: every problem
   with its sheet, row, column and cell; the values to confirm (each with a box for the
   reason); the revisions old → new with both sources; the warnings; the cover sheet.
2. **确认入库** — needs the administrator's secret: ``huainan serve --upload-token-file F``
   passes the file to the server (:data:`huainan.apps.server.UPLOAD_TOKEN_ENV`); without it the
   page only checks (read-only). The secret typed is compared in constant time
   (:func:`hmac.compare_digest`). The ingest then stores the values with the reasons, who
   uploaded (the 报送人 box) and the file itself (kept by its SHA-256 in the store folder).

Nothing in a file or a widget message is trusted: the size is checked before the bytes are
written, the type by content (:func:`huainan.intake.excel.file_kind`), every text shown is
HTML-escaped, and a failure shows a Chinese message (details in the server log).
"""

from __future__ import annotations

import hmac
import html
import os
import shutil
import stat
import tempfile
from pathlib import Path

import ipywidgets as W

from huainan.apps.base import CSS, failure_html, message_html, note, server_log, stamp_html, tag
from huainan.apps.controls import protect
from huainan.errors import HuainanError
from huainan.intake.excel import MAX_FILE_BYTES
from huainan.intake.report import IngestReport

#: The largest file the page accepts (the ingest's own limit).
MAX_UPLOAD_BYTES = MAX_FILE_BYTES
ALLOWED_SUFFIXES = (".xlsx", ".xls", ".csv")
TOKEN_ENV = "HUAINAN_UPLOAD_TOKEN_FILE"


def read_token(path: str | os.PathLike) -> str:
    """The upload secret in ``path`` (first line, stripped).

    Raises
    ------
    ValueError
        The file is missing or empty, the secret is shorter than 12 characters, or the file is
        readable by other users (it must be ``chmod 600``).
    """
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"口令文件不存在 / the upload token file {p} does not exist")
    if p.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ValueError(
            f"口令文件只能由本人读取，请运行 chmod 600 {p} / the upload token file {p} must not be "
            "readable by others (chmod 600)"
        )
    token = (
        p.read_text(encoding="utf-8").strip().splitlines()[0].strip() if p.stat().st_size else ""
    )
    if len(token) < 12:
        raise ValueError(
            f"口令太短（至少12个字符）/ the upload secret in {p} is shorter than 12 characters"
        )
    return token


def configured_token() -> str | None:
    """The server's upload secret, None when the page is read-only (or the file is unusable)."""
    path = os.environ.get(TOKEN_ENV)
    if not path:
        return None
    try:
        return read_token(path)
    except ValueError:
        server_log().exception("upload token file unusable")
        return None


def _table(head: list[str], rows: list[list[str]], css: str = "") -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows
    )
    return (
        f'<table class="hn-table {css}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'
    )


def report_html(report) -> str:
    """The dry-run report (:class:`~huainan.intake.report.IngestReport`) as Chinese HTML."""
    from huainan.formats import number

    parts = [CSS]
    if report.problems:
        parts.append(
            message_html(
                f"发现 {len(report.problems)} 处问题，须改正后重新上传，本次不能入库。", "error"
            )
        )
    elif report.unconfirmed:
        parts.append(
            message_html(
                f"有 {len(report.unconfirmed)} 个数值需要确认：请逐项核对并填写理由。", "warn"
            )
        )
    else:
        parts.append(message_html("检查通过，可以确认入库。", "info"))
    parts.append(
        '<div class="hn-note">'
        + html.escape(
            f"读取数值 {report.rows_read} 个：新增 {report.rows_new}，修订 {report.rows_superseding}，"
            f"与已入库相同 {report.rows_unchanged}；空白单元格 {report.blank_cells} 个。"
        )
        + "</div>"
    )
    cover = [[k, v or "（未填写）"] for k, v in report.cover.items()]
    if cover:
        parts.append("<h4>封面信息</h4>" + _table(["项目", "内容"], cover))
    if report.problems:
        rows = [
            [p.where_zh or "文件", p.message_zh or p.message_en, p.value or ""]
            for p in report.problems
        ]
        parts.append("<h4>问题</h4>" + _table(["位置", "问题", "单元格内容"], rows, "hn-problems"))
    if report.confirmations:
        rows = [[c.place, number(c.value), c.message_zh] for c in report.confirmations]
        parts.append("<h4>需确认的数值</h4>" + _table(["位置", "数值", "原因"], rows, "hn-confirm"))
    if report.revisions:
        rows = [
            [
                f"{r.region_zh}{'' if r.area == 'total' else '（' + {'urban': '城镇', 'rural': '乡村'}[r.area] + '）'}",
                r.name_zh,
                f"{r.year}年",
                f"{number(r.old)} → {number(r.new)} {r.unit}",
                r.old_source,
                r.new_source,
            ]
            for r in report.revisions
        ]
        parts.append(
            "<h4>将修订的数值（原值 → 新值）</h4>"
            + _table(["地区", "指标", "年份", "数值", "原值来源", "新值来源"], rows, "hn-revisions")
        )
    if report.warnings:
        parts.append(
            "<h4>提示</h4>" + _table(["提示"], [[w.split(" / ")[0]] for w in report.warnings])
        )
    return "".join(parts)


class UploadApp:
    """The 报送 screen: upload → check → confirm → ingest (module docstring)."""

    def __init__(self, store: str | os.PathLike | None = None):
        self.store = store
        self.token = configured_token()
        self.folder = Path(tempfile.mkdtemp(prefix="huainan-upload-"))
        self.path: Path | None = None
        self.name = ""
        self.report: IngestReport | None = None
        self.upload = W.FileUpload(
            accept=",".join(ALLOWED_SUFFIXES), multiple=False, description="选择文件"
        )
        self.who = W.Text(
            description="报送人", placeholder="姓名或单位", layout=W.Layout(width="320px")
        )
        self.secret = W.Password(description="入库口令", layout=W.Layout(width="320px"))
        self.confirm = W.Button(description="确认入库", button_style="primary", disabled=True)
        self.status = W.HTML()
        self.result = W.HTML()
        self.reasons = W.VBox()
        self.stamp = W.HTML(stamp_html(self.store))
        for w, css in (
            (self.upload, "hn-upload"),
            (self.who, "hn-who"),
            (self.secret, "hn-secret"),
            (self.confirm, "hn-confirm-button"),
            (self.result, "hn-result"),
            (self.status, "hn-report"),
        ):
            tag(w, css)
        self.upload.observe(self._on_upload, names="value")
        self.confirm.on_click(self._on_confirm)
        mode = (
            "入库需要数据管理员设定的口令。"
            if self.token
            else "本服务器未设置入库口令：本页面只能检查文件，不能入库（请联系数据管理员）。"
        )
        self.widget = W.VBox(
            [
                self.stamp,
                note(
                    f"上传填好的报送模板或本部门的统计表（.xlsx、.xls 或 .csv，不超过 "
                    f"{MAX_UPLOAD_BYTES // 1048576} MB）。先检查，不写入；检查通过并确认后才入库。{mode}"
                ),
                W.HBox([self.upload, self.who]),
                self.status,
                self.reasons,
                W.HBox([self.secret, self.confirm]),
                self.result,
            ]
        )

    # -- step 1: check ----------------------------------------------------------------------

    def _on_upload(self, change) -> None:
        try:
            files = list(change["new"] or [])
            if not files:
                return
            self.accept(files[0]["name"], bytes(files[0]["content"]))
        except Exception:
            server_log().exception("upload check failed")
            self.status.value = failure_html("文件检查")

    def accept(self, name: str, content: bytes) -> None:
        """Check one uploaded file (name as sent by the browser, its bytes) and show the report."""
        self.result.value = ""
        self.confirm.disabled = True
        self.reasons.children = ()
        self.report = None
        name = Path(str(name)).name[:120] or "upload"
        suffix = Path(name).suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            self.status.value = message_html("只接受 .xlsx、.xls 或 .csv 文件。", "error")
            return
        if len(content) > MAX_UPLOAD_BYTES:
            self.status.value = message_html(
                f"文件过大（{len(content) / 1048576:.1f} MB），上限 {MAX_UPLOAD_BYTES // 1048576} MB。",
                "error",
            )
            return
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path = self.folder / f"upload{suffix}"
        self.path.write_bytes(content)
        self.name = name
        from huainan.intake.ingest import check

        try:
            report = check(self.path, store=self.store, by=self._who(), filename=name)
        except HuainanError as exc:
            from huainan.intake.report import split_message

            zh, en = split_message(getattr(exc, "reason", str(exc)))
            self.status.value = message_html(f"无法读取此文件：{zh or en}", "error")
            return
        self.report = report
        self.status.value = report_html(report)
        self.reasons.children = tuple(
            protect(  # created after guard() protected the screen: checked the same way
                tag(
                    W.Text(
                        description=f"理由 {i + 1}",
                        placeholder=f"{c.place}：确认无误的理由",
                        layout=W.Layout(width="640px"),
                    ),
                    "hn-reason",
                )
            )
            for i, c in enumerate(report.confirmations)
        )
        self.confirm.disabled = bool(report.problems) or report.rows_read == 0

    def _who(self) -> str:
        who = (self.who.value or "").strip()[:60]
        return f"{who}（报送页面）" if who else "报送页面"

    # -- step 2: confirm and ingest ---------------------------------------------------------

    def _on_confirm(self, _button) -> None:
        try:
            self.ingest(self.secret.value)
        except Exception:
            server_log().exception("upload ingest failed")
            self.result.value = failure_html("入库")

    def ingest(self, secret: str) -> bool:
        """Store the checked file if ``secret`` is the server's upload secret; True when stored."""
        if self.report is None or self.path is None:
            self.result.value = message_html("请先选择文件并完成检查。", "warn")
            return False
        if self.token is None:
            self.result.value = message_html(
                "本服务器未设置入库口令，本页面只能检查、不能入库。请把文件交数据管理员入库。",
                "error",
            )
            return False
        if not hmac.compare_digest(str(secret or "").encode(), self.token.encode()):
            self.result.value = message_html("入库口令不正确，未写入任何数据。", "error")
            return False
        reasons = [(w.value or "").strip() for w in self.reasons.children]
        missing = [
            c.place for c, r in zip(self.report.confirmations, reasons, strict=True) if not r
        ]
        if missing:
            self.result.value = message_html(
                "以下数值需填写确认理由后才能入库：" + "、".join(missing), "warn"
            )
            return False
        given = {c.token: r for c, r in zip(self.report.confirmations, reasons, strict=True)}
        from huainan.intake.ingest import ingest

        try:
            done = ingest(
                self.path, store=self.store, confirmations=given, by=self._who(), filename=self.name
            )
        except HuainanError as exc:
            from huainan.intake.report import split_message

            zh, en = split_message(getattr(exc, "reason", str(exc)).split("\n")[0])
            self.result.value = message_html(f"未能入库：{zh or en}", "error")
            return False
        self.confirm.disabled = True
        self.stamp.value = stamp_html(self.store)
        self.result.value = message_html(
            f"已入库：新增 {done.rows_new} 个、修订 {done.rows_superseding} 个数值（与已入库相同的 "
            f"{done.rows_unchanged} 个未重复写入）。链尾 {done.chain_head[:16]}，请记录备查。",
            "info",
        )
        return True


def upload_app(store: str | os.PathLike | None = None) -> W.Widget:
    """The 报送 screen (or a friendly message if it cannot be built)."""
    from huainan.apps.base import guard

    return guard("数据报送", lambda: UploadApp(store).widget)
