"""Markdown pipe tables -> Grid(s).

Pipes are the cell boundaries, with or without an alignment row under the header. A row may
be broken over several lines (a page rendering that wraps long cells): the lines add up to
one row by cell count, a line without a pipe continuing the cell it sits in. A row of
abbreviations right under the header goes to the legend; a sub-header row (units, column
names under a group heading) is merged into the header names.
"""
from __future__ import annotations

import re

from ..errors import InputError, Reject, reject_text
from ..model import Cell, Grid, GridRow, Line
from ..normalize.abbreviations import is_unlabelled_legend, legend_and_notes, legend_label, parse_legend
from ..table.header import classify_header
from .text import LABEL, MAX_LINE_CHARS, long_lines, split_lines

_ALIGN_ROW = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_EMPH = re.compile(r"^[*_]+|[*_]+$")
_PIPE = re.compile(r"(?<!\\)\|")
# a header without an alignment row must name this many known columns
MIN_KNOWN_HEADER_CELLS = 2
# a sub-header cell: a unit, a landmark or a short column name, no value
_SUBHEADER_CELL = re.compile(r"^\(?\s*(?:%|n|months?|mo|weeks?|years?|95% CI|range)\s*\)?$", re.I)


def split_pipe_row(line: str) -> list[tuple[str, int]]:
    """'| a | b |' -> [('a', col_offset), ('b', ...)], honouring '\\|' escapes."""
    s = line.rstrip()
    cells: list[tuple[str, int]] = []
    start = 0
    if s.lstrip().startswith("|"):
        start = s.index("|") + 1
    pieces = _pieces(s[start:])
    pos = start
    for k, raw in enumerate(pieces):
        lead = len(raw) - len(raw.lstrip())
        cells.append((raw.strip().replace("\\|", "|"), pos + lead))
        pos += len(raw) + 1
    if s.endswith("|") and cells and cells[-1][0] == "":
        cells.pop()
    return cells


def _pieces(s: str) -> list[str]:
    return _PIPE.split(s)


def _strip_emphasis(s: str) -> str:
    return _EMPH.sub("", s.strip()).strip()


def _same_cells(texts: list[str], header: list[str]) -> bool:
    """A body row that repeats the header's cells (emphasis and case aside)."""
    norm = lambda cs: [" ".join(_strip_emphasis(c).lower().split()) for c in cs]  # noqa: E731
    a, b = norm(texts), norm(header)
    while a and not a[-1]:
        a.pop()
    return len(a) >= 2 and a == b[:len(a)] and len(a) >= len([c for c in b if c]) - 1


def markdown_to_grids(source: str, text: str) -> list[Grid]:
    return read_markdown(source, text)[0]


def _header_cells(text: str) -> list[str]:
    return [_strip_emphasis(c) for c, _ in split_pipe_row(text)]


def _is_header(lines: list[Line], i: int) -> bool:
    """A pipe line followed by an alignment row, or one whose cells name known columns."""
    t = lines[i].text
    if "|" not in t or LABEL.match(t):
        return False
    if i + 1 < len(lines) and _ALIGN_ROW.match(lines[i + 1].text) and "-" in lines[i + 1].text:
        return True
    cells = [c for c in _header_cells(t) if c]
    known = sum(1 for c in cells if classify_header(c).canonical != "extra")
    return len(cells) >= 3 and known >= MIN_KNOWN_HEADER_CELLS and known * 2 >= len(cells)


def _ends_table(lines: list[Line], k: int) -> bool:
    """Line k has no pipe and no row is open: is it the first line of a row broken over lines
    (a later line before a blank one holds a pipe), or the end of the table?"""
    t = lines[k].text
    if not t.strip() or LABEL.match(t) or legend_label(t) is not None or is_unlabelled_legend(t):
        return True
    for m in range(k + 1, min(k + 16, len(lines))):
        u = lines[m].text
        if not u.strip() or LABEL.match(u) or legend_label(u) is not None:
            return True
        if "|" in u:
            return _starts_table(lines, m)
    return True


def _starts_table(lines: list[Line], m: int) -> bool:
    """Line m is a header over an alignment row (the next table)."""
    return m + 1 < len(lines) and bool(_ALIGN_ROW.match(lines[m + 1].text)) and "-" in lines[m + 1].text


def _body_rows(lines: list[Line], j: int, header: list[str],
               leading: bool) -> tuple[list[tuple[list[str], Line, Line]], int]:
    """Logical rows from line j on: (cells, first line, last line) each, and the index after the table.

    Every pipe ends a cell (after the leading pipe of a row, in a table written with them);
    text after the last pipe of a line is an open cell that the next line continues. A row is
    complete when it has the header's number of cells and no cell is open; a line that would
    take it past that number, or (leading-pipe style) one starting with '|', starts a new row.
    """
    ncols = len(header)
    rows: list[tuple[list[str], Line]] = []
    cur: list[str] = []
    open_cell: list[str] = []
    first: Line | None = None
    last: Line | None = None

    def flush():
        nonlocal cur, open_cell, first
        if first is not None:
            cells = cur + ([" ".join(open_cell)] if open_cell else [])
            rows.append((cells, first, last or first))
        cur, open_cell, first = [], [], None

    while j < len(lines):
        ln = lines[j]
        t = ln.text.rstrip()
        if _ALIGN_ROW.match(t) and "-" in t and not open_cell:
            flush()
            rows.append(([p.strip() for p in _pieces(t.strip().strip("|"))], ln, ln))
            j += 1
            continue
        if "|" not in t:
            if first is None or (not open_cell and len(cur) >= ncols):
                flush()
                if _ends_table(lines, j):
                    break
                first = ln
            if t.strip():
                open_cell.append(t.strip())
                last = ln
            elif not open_cell and _ends_table(lines, j):
                break
            j += 1
            continue
        if LABEL.match(t) or (not open_cell and _starts_table(lines, j)
                              and not _same_cells([c for c, _ in split_pipe_row(t)], header)):
            break
        body = t
        starts_row = leading and t.lstrip().startswith("|")
        if starts_row:
            body = t.lstrip()[1:]
        pieces = [p.strip().replace("\\|", "|") for p in _pieces(body)]
        closed, tail = pieces[:-1], pieces[-1]
        if first is not None and not open_cell and (starts_row or len(cur) >= ncols
                                                    or (cur and len(cur) + len(closed) > ncols)):
            flush()
        if first is None:
            first = ln
        last = ln
        if closed:
            head = " ".join(open_cell + ([closed[0]] if closed[0] else []))
            cur.append(head)
            cur.extend(closed[1:])
            open_cell = []
        open_cell += [tail] if tail else []
        j += 1
    flush()
    return rows, j


def _is_legend_row(cells: list[str]) -> bool:
    """A row of abbreviations ("SCLC, small cell lung cancer; ORR, objective response rate")."""
    nonempty = [c for c in cells if c.strip()]
    return len(nonempty) == 1 and (legend_label(nonempty[0]) is not None or is_unlabelled_legend(nonempty[0])
                                   or len(parse_legend(nonempty[0])) >= 3)


def _is_subheader_row(cells: list[str], header: list[str]) -> bool:
    """A row under the header holding only units or column names: no value in it, and every
    cell a unit or a name the lexicon knows (alone or joined to its header cell)."""
    nonempty = [(j, c) for j, c in enumerate(cells) if c.strip()]
    if len(nonempty) < 2:
        return False
    for j, c in nonempty:
        if _SUBHEADER_CELL.match(c):
            continue
        if re.search(r"\d", re.sub(r"\d+\s*-?\s*(?:months?|mo|years?|y)\b", "", c)):
            return False
        if classify_header(c).canonical == "extra":
            return False
    return True


def read_markdown(source: str, text: str, skip: dict[int, str] | None = None) -> tuple[list[Grid], list[Reject]]:
    """Markdown pipe tables -> (grids, rejected lines). `skip`: line number -> reason for lines
    already rejected (undecodable); lines over MAX_LINE_CHARS and rows with more cells than
    the header are rejected too, and the table goes on."""
    all_lines = split_lines(text)
    skip = {**(skip or {}), **long_lines(all_lines, MAX_LINE_CHARS)}
    rejects = [Reject(ln.number, reject_text(ln.text), skip[ln.number]) for ln in all_lines if ln.number in skip]
    lines = [ln for ln in all_lines if ln.number not in skip]
    grids: list[Grid] = []
    i = 0
    label = title = None
    pending_title: list[str] = []
    while i < len(lines):
        t = lines[i].text
        if _is_header(lines, i):
            header = _header_cells(t)
            header_line = lines[i].number
            leading = t.lstrip().startswith("|")
            start = i + 2 if i + 1 < len(lines) and _ALIGN_ROW.match(lines[i + 1].text) \
                and "-" in lines[i + 1].text else i + 1
            body, j = _body_rows(lines, start, header, leading)
            rows: list[GridRow] = []
            legend_parts: list[str] = []
            for k, (texts, first, last_line) in enumerate(body):
                while len(texts) > len(header) and not texts[-1].strip():
                    texts = texts[:-1]       # '| 2018 | |': a trailing empty cell past the header
                nonempty = [c for c in texts if c.strip()]
                if not nonempty:
                    continue
                if not rows and _is_legend_row(texts):
                    legend_parts.append(nonempty[0])
                    continue
                if _ALIGN_ROW.match(first.text) or _same_cells(texts, header):
                    # the header (and its |---| row) printed again after a page break: not an arm
                    rejects.append(Reject(first.number, reject_text(first.text), "repeated header line"))
                    continue
                if not rows and k <= 1 and _is_subheader_row(texts, header):
                    header = [(h + " " + s).strip() if s.strip() else h
                              for h, s in zip(header, texts + [""] * (len(header) - len(texts)))]
                    continue
                if len(nonempty) == 1 and texts[0].strip() and len(header) > 2:
                    rows.append(GridRow(cells=tuple(None for _ in header), line=first.number,
                                        section=_strip_emphasis(texts[0])))
                elif len(texts) > len(header):
                    rejects.append(Reject(first.number, reject_text(first.text),
                                          f"row has {len(texts)} cells but the header has {len(header)}"))
                else:
                    # fewer cells than the header: the copy dropped some, which ones is a guess
                    flags = ("cells_missing",) if len(texts) < len(header) else ()
                    texts = texts + [""] * (len(header) - len(texts))
                    rows.append(GridRow(cells=tuple(Cell(c, first.number) if c.strip() else None
                                                    for c in texts), line=first.number,
                                        line_end=last_line.number, flags=flags))
            k = j
            while k < len(lines) and not (LABEL.match(lines[k].text) or _is_header(lines, k)):
                k += 1
            legend, notes = legend_and_notes([*legend_parts, "", *(ln.text for ln in lines[j:k])])
            if title is None and pending_title:
                title = " ".join(pending_title)
            grids.append(Grid(source=source, label=label, title=title, header=tuple(header),
                              rows=tuple(rows), legend=legend,
                              notes=tuple(notes), header_line=header_line))
            label = title = None
            pending_title = []
            i = k
            continue
        m = LABEL.match(_strip_emphasis(re.sub(r"^#+\s*", "", t)).replace("**", ""))
        if m and len(t) < 400:
            label = m.group(1)
            title = _strip_emphasis(m.group(2)) or None
            pending_title = []
        elif t.strip() and label is not None and title is None:
            pending_title.append(_strip_emphasis(t))
        elif t.strip() and label is None and title is None and not grids and len(t) < 400:
            # "1. Completed clinical trials of ..." : a caption whose label the copy cut
            pending_title = [_strip_emphasis(re.sub(r"^\d+\.\s*", "", t))]
        i += 1
    if not grids:
        first = rejects[0] if rejects else None
        raise InputError("no markdown table found (a '| ... |' header followed by a '|---|' row"
                         " or naming known columns)"
                         + (f"; rejected: {first.reason}" if first else ""),
                         line=first.line if first else 1)
    return grids, rejects


def read(source: str, data: bytes, path=None):
    """Registry entry (readers.READERS): bytes -> ReadResult; rows the copy shifted left are
    placed by content."""
    from ..table.shifted import realign_shifted_rows
    from . import ReadResult
    from .decode import decode_text_lines

    text, bad = decode_text_lines(data)
    grids, rejects = read_markdown(source, text, skip=bad)
    return ReadResult([realign_shifted_rows(g) for g in grids], rejects)
