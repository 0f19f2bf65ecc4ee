"""The exception hierarchy of the workbook.

Every error raised on purpose by :mod:`huainan` derives from :class:`HuainanError`. Errors about
bad input also derive from :class:`ValueError`, so callers that only know the standard library can
still catch them.
"""

from __future__ import annotations


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
    """

    def __init__(self, message, *, path=None, row=None, column=None, value=None):
        self.path = None if path is None else str(path)
        self.row = row
        self.column = column
        self.value = value
        self.reason = message
        where = []
        if self.path is not None:
            where.append(self.path)
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        prefix = ", ".join(where)
        text = f"{prefix}: {message}" if prefix else message
        if value is not None:
            text += f" (cell text: {value!r})"
        super().__init__(text)


class IngestError(DataValidationError):
    """An officials' table (CSV/Excel) could not be taken in; nothing was written."""


class UnitError(DataValidationError):
    """A unit text is unknown or cannot be converted to the unit asked for (``万人`` → ``%``)."""


class ParameterError(HuainanError, ValueError):
    """Notebook parameters do not match the notebook's ``parameters`` cell."""


class BatchError(HuainanError):
    """A batch of briefs cannot start (kernel not registered, output folder unusable)."""
