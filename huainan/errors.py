"""The exception hierarchy of the workbook.

Every error raised on purpose by :mod:`huainan` derives from :class:`HuainanError`. Errors about
bad input also derive from :class:`ValueError`, so callers that only know the standard library can
still catch them.
"""

from __future__ import annotations

import re


class HuainanError(Exception):
    """Base class of the errors the workbook raises on purpose."""


class TargetParseError(HuainanError, ValueError):
    """A plan target cell could not be read (the message names the text)."""


class DataValidationError(HuainanError, ValueError):
    """A data file holds a value that breaks its schema.

    Parameters
    ----------
    message : str
        What is wrong, in plain words.
    path : str or os.PathLike, optional
        The file.
    row : int, optional
        1-based line number in the file as a text editor shows it (the header is line 1), or the
        spreadsheet row number for Excel files.
    column : str, optional
        The column name.
    value : object, optional
        The offending cell text.
    sheet : str, optional
        The worksheet (Excel workbooks). With ``cell`` the place is written as an Excel reference
        (``病有所医!H5``), otherwise as ``sheet '病有所医', row 5``.
    cell : str, optional
        The cell's column letter and row (``H5``), for a workbook.

    Examples
    --------
    >>> str(DataValidationError("not a number", path="t.xlsx", sheet="病有所医", cell="H5", row=5,
    ...                         column="2023年", value="七十八"))
    "t.xlsx, 病有所医!H5, column '2023年': not a number (cell text: '七十八')"
    >>> DataValidationError("x", sheet="Sheet 1", cell="A2").location
    "'Sheet 1'!A2"
    """

    def __init__(
        self, message, *, path=None, row=None, column=None, value=None, sheet=None, cell=None
    ):
        self.path = None if path is None else str(path)
        self.row = row
        self.column = column
        self.value = value
        self.sheet = sheet
        self.cell = cell
        self.reason = message
        prefix = ", ".join(p for p in (self.path, self.location) if p)
        text = f"{prefix}: {message}" if prefix else message
        if value is not None:
            text += f" (cell text: {value!r})"
        super().__init__(text)

    @property
    def location(self) -> str:
        """Where in the file, without the file: ``病有所医!H5, column '2023年'``, ``row 3`` or ''."""
        where = []
        if self.sheet is not None:
            quoted = (
                self.sheet
                if re.fullmatch(r"\w+", self.sheet)
                else "'" + self.sheet.replace("'", "''") + "'"
            )
            where.append(f"{quoted}!{self.cell}" if self.cell else f"sheet {self.sheet!r}")
        if self.row is not None and not (self.sheet is not None and self.cell):
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return ", ".join(where)


class IngestError(DataValidationError):
    """An officials' table (CSV/Excel) could not be taken in; nothing was written."""


class UnitError(DataValidationError):
    """A unit text is unknown or cannot be converted to the unit asked for (``万人`` → ``%``)."""


class ParameterError(HuainanError, ValueError):
    """Notebook parameters do not match the notebook's ``parameters`` cell."""


class DataDirError(HuainanError):
    """The data folder (``data/`` or ``$HUAINAN_DATA_DIR``) is missing or incomplete."""


class BatchError(HuainanError):
    """A batch of briefs cannot start (kernel not registered, output folder unusable)."""


class BatchInterrupted(HuainanError):
    """A batch of briefs was stopped by a signal (SIGTERM, SIGINT) before every brief finished.

    Raised after the workers and their kernels were stopped and, if the run folder existed, after
    its ``manifest.json``/``index.html`` were written (unfinished briefs: status ``interrupted``).

    Parameters
    ----------
    message : str
    signum : int
        The signal that stopped the batch; a command line exits with ``128 + signum``.
    result : huainan.briefs.batch.RunResult, optional
        What the run produced (None if it was stopped before its folder was made).
    """

    def __init__(self, message, *, signum, result=None):
        super().__init__(message)
        self.signum = signum
        self.result = result
