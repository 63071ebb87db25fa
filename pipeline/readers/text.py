"""Pasted plain text -> TextTable(s): label, title, header line, body lines, legend.

The body lines still hold whole rows with cells joined by single spaces; splitting them into
columns is `pipeline.table.align`'s job.
"""
from __future__ import annotations

import re

from dataclasses import dataclass, field

from ..errors import InputError, Reject, reject_text
from ..model import Line, TextTable
from ..normalize.abbreviations import LEGEND_LABEL as LEGEND
from ..normalize.abbreviations import is_unlabelled_legend as unlabelled_legend
from ..normalize.text import clean
from ..table.header import split_header_line
from .text_header import LABEL, find_header, header_above, header_continued, header_lead

# Lines a browser copy of a PMC page adds around a table.
CHROME_PATTERNS = [
    re.compile(r"^\s*skip to main content\s*$", re.I),
    re.compile(r"^\s*\.?\s*\d{4}\s+[A-Z][a-z]{2}\b.*(doi|\d+\(\d+\))", re.I),  # ". 2023 Jul 8;42(3):1021–1054. doi: …"
    re.compile(r"^\s*doi:\s*\S+\s*$", re.I),
    re.compile(r"^\s*(open in a new tab|copy|download|view|share|cite)\s*$", re.I),
]

# A pasted table row is a few hundred characters; the row aligner's cost grows with the square
# of a line's tokens, so a line longer than this is rejected (reported), not aligned.
MAX_LINE_CHARS = 10_000

# roles of source lines (see TextRead.roles)
ROLES = ("blank", "chrome", "preamble", "title", "header", "body", "notes", "legend", "rejected")


@dataclass
class TextRead:
    """What the text reader made of a file: its tables, the lines it rejected, and the role
    of every line (so a test can check that no line is silently lost)."""
    tables: list[TextTable] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    roles: dict[int, str] = field(default_factory=dict)


def split_lines(text: str) -> list[Line]:
    return [Line(i + 1, t) for i, t in enumerate(re.split(r"\r\n|\r|\n", text))]


def is_chrome(line: str) -> bool:
    return any(p.search(line) for p in CHROME_PATTERNS)


# a footnote's marker on a line of its own ends the body; after a blank line, so does a note
_FOOTNOTE_MARK = re.compile(r"^\s*(?!n\s*$)[a-z*†‡§¶#⁎]\s*$")   # ("n" alone: a count's heading)
_LONE_NUMBER = re.compile(r"^\s*\d{1,2}\s*$")     # a footnote's number, or a stacked cell's value
_FOOTNOTE = re.compile(rf"{_LONE_NUMBER.pattern}|^\s*[*†‡§¶#⁎]|^\s*[a-z]\s|^\s*(?:Note|Notes|Source|Data)\b")


# words that open a sentence of notes, not a cell
_SENTENCE_OPENERS = {"The", "This", "These", "In", "All", "Data", "Values", "Results", "Patients", "Note", "Notes"}


def _row_after_blank(lines: list[Line], j: int) -> bool:
    """After the blank line j inside a table body: is the next non-blank line another data row
    (several words, a number, not a footnote, a legend or a sentence of notes)?"""
    k = j
    while k < len(lines) and not lines[k].text.strip():
        k += 1
    if k >= len(lines):
        return False
    t = lines[k].text.strip()
    if _LONE_NUMBER.match(t):
        # "4": a footnote's number, or one value of a cell stacked over blank-separated lines;
        # a value when what follows it is more of the table, not the footnote's sentence
        return _row_after_blank(lines, k + 1) if k + 1 < len(lines) else False
    if LEGEND.match(t) or unlabelled_legend(t) or _FOOTNOTE_MARK.match(t) or _FOOTNOTE.match(t) \
            or is_chrome(t):
        return False
    if t.endswith(".") or t.split()[0] in _SENTENCE_OPENERS:
        return False
    # a row, or one line of a cell stacked over blank-separated lines ("31.0", "(NORDIC)")
    return (len(t.split()) >= 4 and bool(re.search(r"\d", t)) and t[:1].isupper()) \
        or len(t.split()) <= 6


def _rows_follow(lines: list[Line], j: int) -> bool:
    """Do table rows (not a legend, notes or footnotes) follow from line j on? At least two
    non-blank lines, the first of them not a legend, a footnote or page chrome."""
    rest = [ln.text.strip() for ln in lines[j:] if ln.text.strip()]
    if len(rest) < 2:
        return False
    t = rest[0]
    return not (LEGEND.match(t) or unlabelled_legend(t) or _FOOTNOTE_MARK.match(t)
                or _FOOTNOTE.match(t) or is_chrome(t))


def text_to_tables(source: str, text: str) -> list[TextTable]:
    """Split pasted text into its tables (one per "Table N" label with a header after it)."""
    return read_text(source, text).tables


def long_lines(lines: list[Line], limit: int = MAX_LINE_CHARS) -> dict[int, str]:
    """Line number -> reason, for lines too long to be a table row."""
    return {ln.number: f"line too long to be a table row ({len(ln.text):,} characters, "
                       f"limit {limit:,})" for ln in lines if len(ln.text) > limit}


def read_text(source: str, text: str, skip: dict[int, str] | None = None) -> TextRead:
    """Split pasted text into its tables and account for every line.

    `skip`: line number -> reason for lines the caller already rejected (undecodable bytes);
    they are reported and otherwise ignored (neither blank nor part of a row). Lines longer
    than MAX_LINE_CHARS are rejected the same way. Raises InputError when no table is found.
    """
    lines = split_lines(text)
    skip = {**(skip or {}), **long_lines(lines)}
    read = TextRead()
    for ln in lines:
        if ln.number in skip:
            read.rejects.append(Reject(ln.number, reject_text(ln.text), skip[ln.number]))
            read.roles[ln.number] = "rejected"
    kept = [ln for ln in lines if ln.number not in skip]
    if not any(ln.text.strip() for ln in kept):
        if read.rejects:
            r = read.rejects[0]
            raise InputError(f"no usable text: {r.reason}", line=r.line)
        raise InputError("empty file: no text" if not text.strip() else "empty file: only white space",
                         line=1)
    label_idx = [i for i, ln in enumerate(kept) if LABEL.match(ln.text) and len(ln.text) < 400]
    starts = label_idx or [0]
    for ln in kept[:starts[0]]:
        read.roles[ln.number] = "blank" if not ln.text.strip() else "chrome" if is_chrome(ln.text) else "preamble"
    for k, s in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(kept)
        t = _one_table(source, kept[s:end], labelled=bool(label_idx), read=read)
        if t is not None:
            read.tables.append(t)
    if not read.tables:
        first = next(ln for ln in kept if ln.text.strip())
        raise InputError("no table header found (no line names at least two known columns "
                         "such as Trial, Phase, Treatment, ORR)", line=first.number)
    return read


def _same_header(a: str, b: str) -> bool:
    return " ".join(a.split()).lower() == " ".join(b.split()).lower()


def _one_table(source: str, lines: list[Line], labelled: bool, read: TextRead) -> TextTable | None:
    """One table's lines (from its label, if any, to the next) read as a TextTable: title,
    header, body, legend and notes, each line's role recorded in `read.roles`."""
    roles = read.roles
    label, title, i = _label_line(lines[0].text) if labelled else (None, None, 0)
    h = find_header(lines, i, titled=title is not None or not labelled)
    if h is None:
        for ln in lines:
            roles[ln.number] = _quiet_role(ln.text, "preamble")
        return None
    header_cells, h_end = header_continued(lines, h)
    above = header_above(lines, i, h, h_end, header_cells)
    if above is not None:
        h, header_cells = above
    lead = 0 if above else header_lead(lines, i, h, titled_above=int(labelled and title is None), cells=header_cells)
    for ln in lines[:h - lead]:
        roles[ln.number] = _quiet_role(ln.text, "title")
    if lead:
        first = " ".join(clean(ln.text).strip() for ln in lines[h - lead:h])
        header_cells = (first, *(header_cells or split_header_line(lines[h].text)))
        for ln in lines[h - lead:h]:
            roles[ln.number] = "header"
    for ln in lines[h:h_end + 1]:
        roles[ln.number] = "header"
    if title is None:
        pre = [ln.text.strip() for ln in lines[i:h - lead] if ln.text.strip() and not is_chrome(ln.text)]
        title = " ".join(pre) or None
    legend_parts: list[str] = []
    body, j = _body_lines(lines, h, h_end + 1, read, legend_parts)
    notes = _notes_and_legend(lines[j:], roles, legend_parts)
    return TextTable(source=source, label=label, title=title, header=lines[h], body=tuple(body),
                     header_cells=header_cells,
                     legend=" ".join(legend_parts) or None, notes=tuple(notes))


def _label_line(text: str) -> tuple[str, str | None, int]:
    """The label of a table's first line ("Table 2"), the title after it on that line, and
    the index of the line after it."""
    m = LABEL.match(text)
    return m.group(1), m.group(2).strip() or None, 1


def _quiet_role(text: str, role: str) -> str:
    """The role of a line that is not the table's: blank, page chrome, or `role`."""
    return "blank" if not text.strip() else "chrome" if is_chrome(text) else role


def _body_lines(lines: list[Line], h: int, j: int, read: TextRead,
                legend_parts: list[str]) -> tuple[list[Line], int]:
    """The body: non-blank lines from `j` up to the legend, or to a blank line after at least
    one body line unless the next line reads as another data row (pages that space out
    groups of rows). Returns the body lines and the index where the body ends."""
    roles = read.roles
    body: list[Line] = []
    while j < len(lines):
        t = lines[j].text
        legend_line = LEGEND.match(t) or unlabelled_legend(t)
        if legend_line and not body and _rows_follow(lines, j + 1):
            # an abbreviations row printed right under the header (markdown copies put the
            # table's legend there): the legend, and the rows follow it
            m = LEGEND.match(t)
            legend_parts.append(m.group(2).strip() if m else t.strip())
            roles[lines[j].number] = "legend"
        elif legend_line or (body and _FOOTNOTE_MARK.match(t)):
            break             # the legend, or a footnote's marker ("a", "*") on its own line
        elif not t.strip():
            if body and not _row_after_blank(lines, j):
                break
            roles[lines[j].number] = "blank"
        elif is_chrome(t):
            roles[lines[j].number] = "chrome"
        elif _same_header(t, lines[h].text):
            roles[lines[j].number] = "rejected"
            read.rejects.append(Reject(lines[j].number, reject_text(t),
                                       f"repeated header line (the header is line {lines[h].number})"))
        else:
            roles[lines[j].number] = "body"
            body.append(lines[j])
        j += 1
    return body, j


def _notes_and_legend(lines: list[Line], roles: dict, legend_parts: list[str]) -> list[str]:
    """The lines after the body: legend paragraphs (added to `legend_parts`, a blank line ends
    one) and notes, which are returned."""
    notes: list[str] = []
    in_legend = False
    for ln in lines:
        t = ln.text
        m = LEGEND.match(t)
        if m or unlabelled_legend(t):
            in_legend = True
            legend_parts.append(m.group(2).strip() if m else t.strip())
            roles[ln.number] = "legend"
        elif t.strip() and not is_chrome(t):
            (legend_parts if in_legend else notes).append(t.strip())
            roles[ln.number] = "legend" if in_legend else "notes"
        elif not t.strip():
            in_legend = False
            roles[ln.number] = "blank"
        else:
            roles[ln.number] = "chrome"
    return notes


# most rows (body lines of pasted text, rows of a grid) one table may have: more is an error
MAX_TABLE_ROWS = 100_000


def check_rows(n: int, header_line: int | None) -> None:
    if n > MAX_TABLE_ROWS:
        raise InputError(f"table too long: {n:,} rows (the limit is {MAX_TABLE_ROWS:,} per table)",
                         line=header_line)


# ------------------------------------------------------------------ registry entry
# each rejected row costs one more alignment of the whole table; past this many, the file is bad
MAX_ALIGN_REJECTS = 50


def read(source: str, data: bytes, path=None):
    """Registry entry (readers.READERS): bytes -> ReadResult, rows split into cells by the aligner."""
    from . import ReadResult
    from .decode import decode_text_lines

    text, bad = decode_text_lines(data)
    try:
        rd = read_text(source, text, skip=bad)
        res = ReadResult([], list(rd.rejects), dict(rd.roles))
        for t in rd.tables:
            check_rows(len(t.body), t.header.number)
            grid, rejects = align_with_rejects(t)
            res.grids.append(grid)
            res.rejects += rejects
            for r in rejects:
                res.roles[r.line] = "rejected"
        return res
    except (InputError, RecursionError):
        raise
    except Exception as e:  # a bug in the aligner: one line naming the row, not a traceback
        line = _crashing_line(source, text, bad)
        raise InputError(f"internal error while reading the table ({type(e).__name__}: {e}); "
                         f"please report this {'row' if line else 'file'}", line=line) from None


def _crashing_line(source: str, text: str, bad: dict[int, str]) -> int | None:
    """The first body line the aligner crashes on when aligned alone (None if none does)."""
    from dataclasses import replace

    from ..table.align import text_table_to_grid

    try:
        tables = read_text(source, text, skip=bad).tables
    except Exception:
        return None
    for t in tables:
        for ln in t.body:
            try:
                text_table_to_grid(replace(t, body=(ln,)))
            except InputError:
                continue
            except Exception:
                return ln.number
    return None


def align_with_rejects(table):
    """TextTable -> (Grid, rejected lines). A body line the aligner cannot place under the
    header is rejected (with the aligner's reason) and the rest of the table aligned again."""
    from dataclasses import replace

    from ..table.align import text_table_to_grid

    from ..table.align import joined_row_at, split_header_line

    rejects: list[Reject] = []
    # a line holding two rows (the copy lost a line break): rejected, never merged into one arm
    header = list(table.header_cells) if table.header_cells else split_header_line(table.header.text)
    joined = {}
    for ln in table.body:
        at = joined_row_at(ln.text, header)
        if at is not None:
            joined[ln.number] = at
            rejects.append(Reject(ln.number, reject_text(ln.text),
                                  f"two rows on one line (a new row starts at character {at + 1}: "
                                  f"{ln.text[at:at + 30]!r}...): left out rather than merged into one arm"))
    if joined and len(joined) < len(table.body):
        table = replace(table, body=tuple(ln for ln in table.body if ln.number not in joined))
    elif joined:
        rejects = []
    while True:
        try:
            return text_table_to_grid(table), rejects
        except InputError as e:
            body = {ln.number: ln for ln in table.body}
            if e.line not in body:
                raise
            rejects.append(Reject(e.line, reject_text(body[e.line].text), e.reason))
            if len(body) <= 1 or len(rejects) >= MAX_ALIGN_REJECTS:
                first = rejects[0]
                what = ("no row of the table fits the header" if len(body) <= 1
                        else f"more than {MAX_ALIGN_REJECTS} rows do not fit the header")
                raise InputError(f"{what} ({len(rejects)} line(s) tried), the first because: {first.reason}",
                                 line=first.line, text=first.text) from None
            table = replace(table, body=tuple(ln for ln in table.body if ln.number != e.line))
