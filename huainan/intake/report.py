"""The dry-run report of an ingest: one object the command line and the upload page both render.

:func:`huainan.intake.ingest.check` returns an :class:`IngestReport`; ``huainan ingest
--dry-run`` prints :meth:`IngestReport.summary`, the upload page (:mod:`huainan.apps.upload`)
shows the same fields as tables. It holds

- ``problems`` (:class:`Problem`): what stops the file being stored, each with its sheet, row,
  column and Excel cell, the cell text, and the message in Chinese and English;
- ``warnings``: what to check that does not stop it (incl. city/county consistency,
  :mod:`huainan.intake.checks`);
- ``revisions`` (:class:`Revision`): each stored value the file would replace, old → new, with
  both sources;
- ``confirmations`` (:class:`Confirmation`): values the plausibility checks want the officer to
  confirm with a reason before they are stored (:mod:`huainan.intake.checks`);
- ``cover``: the cover sheet's 填报单位/填报人/审核人/报送日期.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from huainan.errors import DataValidationError, IngestError
from huainan.evidence import monitoring

_CJK = re.compile(r"[\u3400-\u9fff]")


def split_message(text: str) -> tuple[str, str]:
    """Split a bilingual message ``中文 / English`` into (Chinese, English).

    A message without `` / `` is Chinese when it holds Chinese characters outside brackets and
    quotes, English otherwise (its Chinese part is then the text in the last ``(…)`` holding
    Chinese, if any).

    Examples
    --------
    >>> split_message("不是数字 / not a number")
    ('不是数字', 'not a number')
    >>> split_message("the units disagree (单位不一致)")
    ('单位不一致', 'the units disagree (单位不一致)')
    """
    if " / " in text:
        zh, en = text.split(" / ", 1)
        if _CJK.search(zh):
            return zh.strip(), en.strip()
    inner = [m for m in re.findall(r"[(（]([^()（）]*)[)）]", text) if _CJK.search(m)]
    if inner and not _CJK.search(re.sub(r"[(（][^()（）]*[)）]|'[^']*'|“[^”]*”", "", text)):
        return inner[-1], text
    if _CJK.search(re.sub(r"'[^']*'|\"[^\"]*\"|“[^”]*”|[(（][^()（）]*[)）]", "", text)):
        return text, text
    return "", text


@dataclass(frozen=True)
class Problem:
    """One thing that stops a file being stored.

    Attributes
    ----------
    sheet : str or None
        Worksheet (workbooks).
    row : int or None
        Row as Excel or a text editor shows it.
    column : str or None
        Column header.
    cell : str or None
        Excel cell (``H5``).
    value : str or None
        The cell's text as typed.
    message_zh, message_en : str
        What is wrong (``message_zh`` may be ``""`` for a rare message only written in English).
    """

    sheet: str | None
    row: int | None
    column: str | None
    cell: str | None
    value: str | None
    message_zh: str
    message_en: str

    @classmethod
    def from_error(cls, exc: DataValidationError) -> Problem:
        """The problem an :class:`~huainan.errors.IngestError` describes."""
        zh, en = split_message(exc.reason)
        value = None if exc.value is None else str(exc.value)
        return cls(exc.sheet, exc.row, exc.column, exc.cell, value, zh, en)

    @property
    def where_zh(self) -> str:
        """``病有所医!H5（“2023年”列）``, ``第5行，“数值”列`` or ``""``."""
        parts = []
        if self.sheet is not None and self.cell:
            parts.append(f"{self.sheet}!{self.cell}")
        elif self.sheet is not None:
            parts.append(f"工作表“{self.sheet}”")
        if self.row is not None and not (self.sheet is not None and self.cell):
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(f"“{self.column}”列")
        return "，".join(parts)

    def line(self) -> str:
        """One line: place, Chinese message, English message, cell text."""
        where = IngestError("", sheet=self.sheet, cell=self.cell, row=self.row, column=self.column)
        zh = self.message_zh or "（见英文说明）"
        text = f"{self.where_zh or '文件'}：{zh}"
        if self.message_en and self.message_en != self.message_zh:
            text += f" / {where.location + ': ' if where.location else ''}{self.message_en}"
        if self.value is not None:
            text += f"（单元格内容 cell text: {self.value!r}）"
        return text


@dataclass
class Problems:
    """Collects every problem of a file; :meth:`raise_if_any` raises them as one IngestError.

    ``sheet`` and ``letters`` (column name → Excel column letter) are set while a worksheet is
    read, so each problem names its place as an Excel reference (``病有所医!H5``).
    """

    path: str
    items: list[IngestError] = field(default_factory=list)
    sheet: str | None = None
    letters: dict[str, str] = field(default_factory=dict)

    def add(self, message, *, row=None, column=None, value=None, cause=None, place=None):
        """Record a problem; ``place`` = (sheet, cell) overrides the current sheet."""
        if isinstance(cause, DataValidationError):
            message = f"{message}: {cause.reason}" if message else cause.reason
            value = cause.value if value is None else value
        if place is not None:
            sheet, cell = place
        else:
            sheet, cell = self.sheet, self.cell(column, row)
        self.items.append(
            IngestError(
                message, path=self.path, row=row, column=column, value=value, sheet=sheet, cell=cell
            )
        )

    def cell(self, column, row) -> str | None:
        """The Excel cell (``H5``) of a column and row in the current sheet, else None."""
        if self.sheet is not None and row is not None and column in self.letters:
            return f"{self.letters[column]}{row}"
        return None

    def place(self, column, row) -> str:
        """A place for a warning line: ``病有所医!H5`` in a workbook, ``row 5, column 'x'``."""
        cell = self.cell(column, row)
        if cell is not None:
            return IngestError("", sheet=self.sheet, cell=cell).location
        return f"row {row}, column {column!r}"

    def add_error(self, exc: DataValidationError):
        """Keep an error raised while reading the file's layout (it names its own place)."""
        self.items.append(
            exc
            if isinstance(exc, IngestError)
            else IngestError(
                exc.reason,
                path=exc.path,
                row=exc.row,
                column=exc.column,
                value=exc.value,
                sheet=exc.sheet,
                cell=exc.cell,
            )
        )

    def as_problems(self) -> list[Problem]:
        """The problems as :class:`Problem` records, in the order found."""
        return [Problem.from_error(e) for e in self.items]

    def raise_if_any(self):
        """Raise one :class:`IngestError` listing every problem (the first one's place on it)."""
        if self.items:
            raise problems_error(self.path, self.items)


def problems_error(path: str, items: list[IngestError]) -> IngestError:
    """One :class:`IngestError` listing ``items`` (at most 30 lines), carrying them all."""
    first = items[0]
    lines = "\n".join(f"  - {_where(e)}" for e in items[:30])
    more = f"\n  … and {len(items) - 30} more" if len(items) > 30 else ""
    err = IngestError(
        f"发现 {len(items)} 处问题，未写入任何数据 / {len(items)} problem(s) found, "
        f"nothing was written:\n{lines}{more}",
        path=path,
    )
    err.row, err.column, err.value = first.row, first.column, first.value
    err.sheet, err.cell = first.sheet, first.cell
    err.problems = list(items)  # type: ignore[attr-defined]
    return err


def _where(e: IngestError) -> str:
    """One problem as a line: ``病有所医!H5, column '2023年': not a number … (cell text: '…')``."""
    where = e.location
    text = (f"{where}: " if where else "") + e.reason
    return text + (f" (cell text: {e.value!r})" if e.value is not None else "")


@dataclass(frozen=True)
class Revision:
    """A stored value the file replaces (a new revision of its key), or one it withdraws.

    ``old_source``/``new_source`` are the publications or returns named for each value;
    ``old_ref``/``new_ref`` the file, sheet and cell (``source_ref``).
    """

    region_code: str
    region_zh: str
    indicator: str
    name_zh: str
    unit: str
    year: int
    area: str
    old: float
    new: float
    old_source: str
    new_source: str
    old_ref: str
    new_ref: str
    old_revision: int

    def line(self) -> str:
        """``淮南市 人均预期寿命 2023年：77.9 → 78.1 岁（原：…；新：…）``."""
        from huainan.formats import number

        area = {"urban": "（城镇）", "rural": "（乡村）"}.get(self.area, "")
        return (
            f"{self.region_zh}{area} {self.name_zh} {self.year}年：{number(self.old)} → "
            f"{number(self.new)} {self.unit}（原值来源：{self.old_source}，{self.old_ref}；"
            f"新值来源：{self.new_source}，{self.new_ref}）"
        )


@dataclass(frozen=True)
class Confirmation:
    """A value the plausibility checks want confirmed with a reason before it is stored.

    Attributes
    ----------
    key : tuple
        ``(region_code, indicator, year, area)``, the value's store key.
    place : str
        Sheet and cell (``病有所医!H5``) or ``row 5, column '数值'``.
    value : float
        The value in the indicator's stored unit.
    rule : str
        ``ratio_high`` | ``ratio_low`` | ``per_1000_count`` (:mod:`huainan.intake.checks`).
    message_zh, message_en : str
        Why it looks wrong (names the baseline or limit and the threshold).
    reason : str
        The officer's reason, ``""`` until confirmed (:func:`huainan.intake.ingest.ingest`'s
        ``confirmations``); stored with the value (``confirmation`` column).
    """

    key: tuple
    place: str
    value: float
    rule: str
    message_zh: str
    message_en: str
    reason: str = ""

    @property
    def token(self) -> str:
        """The key as ``region_code/indicator/year/area``: how a confirmation names its value."""
        return "/".join(str(k) for k in self.key)

    def line(self) -> str:
        """``病有所医!H5：…（需确认）``."""
        state = f"已确认：{self.reason}" if self.reason else "需确认并说明理由"
        return f"{self.place}：{self.message_zh}（{state}）/ {self.message_en}"


@dataclass
class IngestReport:
    """What :func:`huainan.intake.ingest.check` found and :func:`~huainan.intake.ingest.ingest` did.

    Attributes
    ----------
    path, sha256, store : str
        The file, its SHA-256 and the store folder.
    dry_run : bool
        True when nothing was written on purpose.
    sheets : list of str
        Sheets read (Excel); ``skipped_sheets`` those without data columns (e.g. 填表说明).
    encoding : str or None
        Detected text encoding (CSV).
    rows_read : int
        Values read (non-blank value cells).
    rows_new, rows_superseding, rows_unchanged : int
        Keys not in the store yet; keys whose stored value this file changes (a new revision);
        values equal to what is stored (not written again).
    blank_cells : int
        Empty value cells (normal in a template).
    skipped : list of str
        Placeholder cells (``—`` …) that were read and not stored, one line each.
    warnings : list of str
        Things to check that did not stop the ingest (consistency of city and counties,
        footnote markers removed, hidden rows …), Chinese first.
    rows : pandas.DataFrame
        The validated values: the store columns plus ``status`` (``new`` | ``superseding`` |
        ``unchanged``) and ``file_row``.
    chain_head : str
        The store's last ``chain_sha256`` after the ingest (before it, for a dry run).
    problems : list of Problem
        Everything that stops the file being stored (empty when it can be stored).
    revisions : list of Revision
        Stored values the file replaces, old → new.
    confirmations : list of Confirmation
        Values to confirm with a reason (``reason`` filled once confirmed).
    cover : dict
        ``填报单位``, ``填报人``, ``审核人``, ``报送日期`` from the cover sheet (``""`` when absent).
    """

    path: str
    sha256: str
    store: str
    dry_run: bool
    sheets: list[str]
    skipped_sheets: list[str]
    encoding: str | None
    rows_read: int
    rows_new: int
    rows_superseding: int
    rows_unchanged: int
    blank_cells: int
    skipped: list[str]
    warnings: list[str]
    rows: pd.DataFrame
    chain_head: str = monitoring.GENESIS
    problems: list[Problem] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)
    confirmations: list[Confirmation] = field(default_factory=list)
    cover: dict = field(default_factory=dict)

    @property
    def rows_written(self) -> int:
        """Lines appended to the store (0 for a dry run)."""
        return 0 if self.dry_run else self.rows_new + self.rows_superseding

    @property
    def unconfirmed(self) -> list[Confirmation]:
        """Confirmations still without a reason."""
        return [c for c in self.confirmations if not c.reason]

    @property
    def ok(self) -> bool:
        """True when the file can be stored: no problem, every flagged value confirmed."""
        return not self.problems and not self.unconfirmed

    def summary(self) -> str:
        """The report as text, Chinese first (``huainan ingest`` prints it)."""
        if self.dry_run:
            head = "试运行（未写入）/ dry run, nothing written"
        else:
            head = f"已写入 / written: {self.rows_written} 行 → {self.store}"
        lines = [
            f"文件 / file: {self.path} (sha256 {self.sha256[:12]}…"
            + (f", {self.encoding}" if self.encoding else "")
            + ")",
            f"读取数值 / values read: {self.rows_read}  "
            f"新增 / new: {self.rows_new}  更新 / superseding: {self.rows_superseding}  "
            f"未变 / unchanged: {self.rows_unchanged}  空白 / blank cells: {self.blank_cells}",
            head,
        ]
        if self.sheets:
            lines.insert(
                1,
                f"工作表 / sheets: {', '.join(self.sheets)}"
                + (
                    f" (跳过 / skipped: {', '.join(self.skipped_sheets)})"
                    if self.skipped_sheets
                    else ""
                ),
            )
        cover = {k: v for k, v in self.cover.items() if v}
        if cover:
            lines.insert(1, "封面 / cover: " + "，".join(f"{k}：{v}" for k, v in cover.items()))
        if not self.dry_run:
            lines.append(
                f"链尾 / chain head: {self.chain_head} (记录此值，日后可用 huainan "
                "validate --head 核对 / record it to check the store later)"
            )
        for title, items in (
            ("问题（须改正后重新报送）/ problems", [p.line() for p in self.problems]),
            ("需确认的数值 / values to confirm", [c.line() for c in self.confirmations]),
            ("将修订的数值 / revisions (old → new)", [r.line() for r in self.revisions]),
            ("未入库的占位符 / placeholders not stored", self.skipped),
            ("提示 / warnings", self.warnings),
        ):
            if items:
                lines.append(f"{title} ({len(items)}):")
                lines.extend(f"  - {s}" for s in items[:40])
                if len(items) > 40:
                    lines.append(f"  … 另有 {len(items) - 40} 条 / {len(items) - 40} more")
        return "\n".join(lines)
