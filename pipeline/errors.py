"""The one exception type the pipeline raises for bad input, and the record of a rejected line.

Every stage raises `InputError` with the file, the line (or row) and the reason; the CLI
prints `str(err)` as one line and exits non-zero. Anything else escaping is a bug.

A `Reject` is a line the readers could not use although the file as a whole could be read
(an undecodable line, an absurdly long line, a row that fits no column of the header, a
measure outside its schema range). Rejects are not errors: the run goes on and
`rejects.parquet` lists each one with its reason, so no line vanishes silently.
"""
from __future__ import annotations

from dataclasses import dataclass


class InputError(Exception):
    def __init__(self, reason: str, *, file: str | None = None, line: int | None = None,
                 row: int | None = None, text: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.file = file
        self.line = line
        self.row = row
        self.text = text           # the offending line's text, when known

    def with_file(self, file: str) -> "InputError":
        if self.file is None:
            self.file = file
        return self

    def __str__(self) -> str:
        where = printable(self.file) if self.file else "<input>"
        if self.line is not None:
            where += f":{self.line}"
        if self.row is not None:
            where += f" (row {self.row})"
        return f"{where}: {' '.join(self.reason.split())}"


def printable(name: str) -> str:
    """A file name on one line: control characters (a newline in a name) and bytes that are
    not UTF-8 (kept by Python as surrogates) written as escapes, so an error stays one line."""
    if name.isprintable():
        return name
    out = []
    for ch in name:
        if "\udc80" <= ch <= "\udcff":
            out.append(f"\\x{ord(ch) - 0xdc00:02x}")
        elif ch.isprintable():
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)


@dataclass(frozen=True)
class Reject:
    """One source line left out of the dataset, and why. `table` / `page`: set when the line is
    the caption of a whole table the reader could not read (a PDF table: its label and the
    page it starts on), so the run summary lists that table with the others."""
    line: int | None
    text: str | None
    reason: str
    table: str | None = None
    page: int | None = None


# a rejected line's text is kept in full up to this many characters (a 5 MB line is not)
REJECT_TEXT_MAX = 2000


def reject_text(text: str | None) -> str | None:
    if text is None or len(text) <= REJECT_TEXT_MAX:
        return text
    return text[:REJECT_TEXT_MAX] + f"… [{len(text):,} characters in all]"


def crashed_row_line(exc: BaseException, rows, default: int | None = None) -> int | None:
    """The source line of the row a stage was working on when it raised `exc` (a bug): the
    innermost frame of the traceback that holds one of `rows` (by identity) in a local names
    it, so no stage is run again to find the row. `default` when no frame holds one."""
    ids = {id(r): r for r in rows}
    tb, found = exc.__traceback__, None
    while tb is not None:
        for v in tb.tb_frame.f_locals.values():
            if id(v) in ids:
                found = ids[id(v)]
                break
        tb = tb.tb_next
    return found.line if found is not None and found.line is not None else default
