"""The one exception type the pipeline raises for bad input.

Every stage raises `InputError` with the file, the line (or row) and the reason; the CLI
prints `str(err)` as one line and exits non-zero. Anything else escaping is a bug.
"""
from __future__ import annotations


class InputError(Exception):
    def __init__(self, reason: str, *, file: str | None = None, line: int | None = None,
                 row: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.file = file
        self.line = line
        self.row = row

    def with_file(self, file: str) -> "InputError":
        if self.file is None:
            self.file = file
        return self

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        if self.row is not None:
            where += f" (row {self.row})"
        return f"{where}: {self.reason}"
