"""Markdown pipe tables -> Grid(s)."""
from __future__ import annotations

import re

from ..errors import InputError, Reject, reject_text
from ..model import Cell, Grid, GridRow
from ..normalize.abbreviations import is_unlabelled_legend, legend_and_notes, legend_label
from .text import LABEL, MAX_LINE_CHARS, long_lines, split_lines

_ALIGN_ROW = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_EMPH = re.compile(r"^[*_]+|[*_]+$")


def split_pipe_row(line: str) -> list[tuple[str, int]]:
    """'| a | b |' -> [('a', col_offset), ('b', ...)], honouring '\\|' escapes."""
    s = line.rstrip()
    cells: list[tuple[str, int]] = []
    start = 0
    i = 0
    if s.lstrip().startswith("|"):
        start = s.index("|") + 1
        i = start
    buf_start = start
    while i <= len(s):
        if i == len(s) or (s[i] == "|" and (i == 0 or s[i - 1] != "\\")):
            raw = s[buf_start:i]
            lead = len(raw) - len(raw.lstrip())
            cells.append((raw.strip().replace("\\|", "|"), buf_start + lead))
            buf_start = i + 1
        i += 1
    if s.endswith("|") and cells and cells[-1][0] == "":
        cells.pop()
    return cells


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


def _logical_row(lines, j: int, ncols: int):
    """Cells of the row starting at line j, and the index after it. A line starting with "|"
    is a whole row; lines without the leading pipe (a page rendering that breaks a row after
    some of its cells) add up until the row has the header's number of cells."""
    first = lines[j]
    texts = [c for c, _ in split_pipe_row(first.text)]
    j += 1
    if first.text.lstrip().startswith("|"):
        return texts, first, j
    while len(texts) < ncols and j < len(lines) and "|" in lines[j].text \
            and not lines[j].text.lstrip().startswith("|") and not LABEL.match(lines[j].text):
        texts += [c for c, _ in split_pipe_row(lines[j].text)]
        j += 1
    return texts, first, j


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
        if "|" in t and i + 1 < len(lines) and _ALIGN_ROW.match(lines[i + 1].text) and "-" in lines[i + 1].text:
            header = [_strip_emphasis(c) for c, _ in split_pipe_row(t)]
            header_line = lines[i].number
            rows: list[GridRow] = []
            legend_rows: list[str] = []       # a legend printed as a row of the table
            j = i + 2
            while j < len(lines) and "|" in lines[j].text and not LABEL.match(lines[j].text):
                texts, first, j = _logical_row(lines, j, len(header))
                nonempty = [c for c in texts if c.strip()]
                if _ALIGN_ROW.match(first.text) or _same_cells(texts, header):
                    # the header (and its |---| row) printed again after a page break: not an arm
                    rejects.append(Reject(first.number, reject_text(first.text), "repeated header line"))
                    continue
                lone = nonempty[0].strip() if len(nonempty) == 1 else ""
                if lone and (legend_label(lone) is not None or is_unlabelled_legend(lone)):
                    legend_rows.append(lone)
                elif len(nonempty) == 1 and texts[0].strip() and len(header) > 2:
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
                                        line_end=lines[j - 1].number, flags=flags))
            k = j
            while k < len(lines) and not (LABEL.match(lines[k].text) or lines[k].text.strip().startswith("|")):
                k += 1
            legend, notes = legend_and_notes([*legend_rows, "", *(ln.text for ln in lines[j:k])])
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
        i += 1
    if not grids:
        first = rejects[0] if rejects else None
        raise InputError("no markdown table found (a '| ... |' header followed by a '|---|' row)"
                         + (f"; rejected: {first.reason}" if first else ""),
                         line=first.line if first else 1)
    return grids, rejects


def read(source: str, data: bytes, path=None):
    """Registry entry (readers.READERS): bytes -> ReadResult; rows the copy shifted left are
    placed by content."""
    from ..table.align import realign_shifted_rows
    from . import ReadResult
    from .decode import decode_text_lines

    text, bad = decode_text_lines(data)
    grids, rejects = read_markdown(source, text, skip=bad)
    return ReadResult([realign_shifted_rows(g) for g in grids], rejects)
