"""Markdown pipe tables -> Grid(s).

Pipes are the cell boundaries, with or without an alignment row under the header. A row may
be broken over several lines (a page rendering that wraps long cells): the lines add up to
one row by cell count, a line without a pipe continuing the cell it sits in. A row of
abbreviations right under the header goes to the legend; a sub-header row (units, column
names under a group heading) is merged into the header names.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ..errors import InputError, Reject, reject_text
from ..model import Cell, Grid, GridRow, Line
from ..normalize.abbreviations import is_unlabelled_legend, legend_and_notes, legend_label, parse_legend
from ..table.header import VALUE_KINDS, classify_header
from ..table.header_levels import TEST_SUBCELL, spread_levels
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
    return _names_columns(t)


def _names_columns(t: str) -> bool:
    """Do the cells of pipe line t name known columns?"""
    cells = [c for c in _header_cells(t) if c]
    known = sum(1 for c in cells if classify_header(c).canonical != "extra")
    # half the cells known, or three known among long distractor headings ("Progressive
    # disease as best overall response %") when the copy lost the alignment row
    return len(cells) >= 3 and known >= MIN_KNOWN_HEADER_CELLS \
        and (known * 2 >= len(cells) or known >= 3 and known * 3 >= len(cells))


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
    acc = _RowJoiner(len(header), leading)
    while j < len(lines):
        ln = lines[j]
        t = ln.text.rstrip()
        if _ALIGN_ROW.match(t) and "-" in t and not acc.open_cell:
            acc.align_row(ln, t)
        elif "|" not in t:
            if not acc.text_line(lines, j):
                break
        elif LABEL.match(t) or (not acc.open_cell and _starts_table(lines, j)
                                and not _same_cells([c for c, _ in split_pipe_row(t)], header)):
            break
        else:
            acc.pipe_line(ln, t)
        j += 1
    acc.flush()
    return acc.rows, j


class _RowJoiner:
    """Lines of a table body added up into rows of `ncols` cells (see `_body_rows`)."""

    def __init__(self, ncols: int, leading: bool):
        self.ncols, self.leading = ncols, leading
        self.rows: list[tuple[list[str], Line, Line]] = []
        self.cur: list[str] = []          # the closed cells of the row being read
        self.open_cell: list[str] = []    # text of a cell the next line may continue
        self.first: Line | None = None
        self.last: Line | None = None     # (kept across rows: a row of blank lines ends at the last text)

    def flush(self) -> None:
        if self.first is not None:
            cells = self.cur + ([" ".join(self.open_cell)] if self.open_cell else [])
            self.rows.append((cells, self.first, self.last or self.first))
        self.cur, self.open_cell, self.first = [], [], None

    def align_row(self, ln: Line, t: str) -> None:
        """A '|---|' row (the header printed again): a row of its own."""
        self.flush()
        self.rows.append(([p.strip() for p in _pieces(t.strip().strip("|"))], ln, ln))

    def text_line(self, lines: list[Line], j: int) -> bool:
        """A line without a pipe: it continues the open cell or starts a row broken over lines.
        False when it ends the table."""
        ln = lines[j]
        t = ln.text.rstrip()
        if self.first is None or (not self.open_cell and len(self.cur) >= self.ncols):
            self.flush()
            if _ends_table(lines, j):
                return False
            self.first = ln
        if t.strip():
            self.open_cell.append(t.strip())
            self.last = ln
        elif not self.open_cell and _ends_table(lines, j):
            return False
        return True

    def pipe_line(self, ln: Line, t: str) -> None:
        """A line with pipes: its closed cells, and the open one after its last pipe."""
        body = t
        starts_row = self.leading and t.lstrip().startswith("|")
        if starts_row:
            body = t.lstrip()[1:]
        pieces = [p.strip().replace("\\|", "|") for p in _pieces(body)]
        closed, tail = pieces[:-1], pieces[-1]
        if self.first is not None and not self.open_cell and (
                starts_row or len(self.cur) >= self.ncols or (self.cur and len(self.cur) + len(closed) > self.ncols)):
            self.flush()
        if self.first is None:
            self.first = ln
        self.last = ln
        if closed:
            head = " ".join(self.open_cell + ([closed[0]] if closed[0] else []))
            self.cur.append(head)
            self.cur.extend(closed[1:])
            self.open_cell = []
        self.open_cell += [tail] if tail else []


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
    caption = _Caption()
    while i < len(lines):
        if _is_header(lines, i):
            grid, table_rejects, i = _table_at(source, lines, i, caption)
            grids.append(grid)
            rejects.extend(table_rejects)
            caption = _Caption()
            continue
        caption.add(lines[i].text, first_table=not grids)
        i += 1
    if not grids:
        first = rejects[0] if rejects else None
        raise InputError("no markdown table found (a '| ... |' header followed by a '|---|' row"
                         " or naming known columns)"
                         + (f"; rejected: {first.reason}" if first else ""),
                         line=first.line if first else 1)
    return grids, rejects


class _Caption:
    """The label and title read from the lines before a table ("Table 2. Outcomes of ...")."""

    def __init__(self):
        self.label: str | None = None
        self.title: str | None = None
        self.pending: list[str] = []     # title lines under a label, or a caption whose label was cut

    def add(self, t: str, first_table: bool) -> None:
        m = LABEL.match(_strip_emphasis(re.sub(r"^#+\s*", "", t)).replace("**", ""))
        if m and len(t) < 400:
            self.label = m.group(1)
            self.title = _strip_emphasis(m.group(2)) or None
            self.pending = []
        elif t.strip() and self.label is not None and self.title is None:
            self.pending.append(_strip_emphasis(t))
        elif t.strip() and self.label is None and self.title is None and first_table and len(t) < 400:
            # "1. Completed clinical trials of ..." : a caption whose label the copy cut
            self.pending = [_strip_emphasis(re.sub(r"^\d+\.\s*", "", t))]

    def full_title(self) -> str | None:
        if self.title is None and self.pending:
            return " ".join(self.pending)
        return self.title


def _table_at(source: str, lines: list[Line], i: int, caption: _Caption) -> tuple[Grid, list[Reject], int]:
    """The table whose header is line i: its grid, its rejected lines, and the index of the
    line after it (and after its legend and notes)."""
    t = lines[i].text
    d = _header_span(lines, i)
    if d > 1:
        # a header row broken over lines ('... | PFS |', 'OS |', '||', then '|---|')
        t = "".join(ln.text.strip() for ln in lines[i:i + d])
    else:
        t, d = _broken_header(lines, i)
    header = _header_cells(t)
    start = i + d + 1 if i + d < len(lines) and _ALIGN_ROW.match(lines[i + d].text) \
        and "-" in lines[i + d].text else i + d
    heading = None
    if sum(1 for c in header if c.strip()) == 1 and start < len(lines) and _names_columns(lines[start].text):
        # a heading over the whole table above its '|---|' row ('After first line | ||||'), the
        # column names on the row under it: the names are the header, the heading a section
        heading = GridRow(cells=(), line=lines[i].number, section=_strip_emphasis(next(c for c in header if c.strip())))
        t, i = lines[start].text, start
        header = _header_cells(t)
        start += 1
    body, j = _body_rows(lines, start, header, t.lstrip().startswith("|"))
    header, rows, legend_parts, rejects = _grid_rows(body, header)
    if heading is not None:
        rows = [replace(heading, cells=tuple(None for _ in header)), *rows]
    k = j
    while k < len(lines) and not (LABEL.match(lines[k].text) or _is_header(lines, k)):
        k += 1
    legend, notes = legend_and_notes([*legend_parts, "", *(ln.text for ln in lines[j:k])])
    grid = Grid(source=source, label=caption.label, title=caption.full_title(), header=tuple(header),
                rows=tuple(rows), legend=legend, notes=tuple(notes), header_line=lines[i].number)
    return grid, rejects, k


MAX_HEADER_LINES = 4


def _header_span(lines: list[Line], i: int) -> int:
    """How many lines the header row starting at line i takes: up to the alignment row when
    the lines before it all hold pipes (a header broken over lines), else 1."""
    for d in range(1, MAX_HEADER_LINES + 1):
        if i + d >= len(lines) or "|" not in lines[i + d - 1].text:
            return 1
        if _ALIGN_ROW.match(lines[i + d].text) and "-" in lines[i + d].text:
            return d
    return 1


def _broken_header(lines: list[Line], i: int) -> tuple[str, int]:
    """A header row with leading pipes broken inside a cell and no alignment row under it
    ('| ... | Beneficial', 'subgroup |', 'Adverse effects | Conclusions | ||||'): its lines up
    to the next that starts with a pipe, joined (a space where a line ends inside a cell),
    and how many lines it takes (1: the row is whole)."""
    t = lines[i].text.strip()
    if not t.startswith("|") or t.endswith("|"):
        return lines[i].text, 1
    d = 1
    while d < MAX_HEADER_LINES and i + d < len(lines):
        u = lines[i + d].text.strip()
        if not u or u.startswith("|") or "|" not in u and _ends_table(lines, i + d):
            break
        t = f"{t} {u}" if not t.endswith("|") else t + u
        d += 1
    return t, d


# the outcome headings a sub-header row splits into sub-columns (a count has none)
_GROUP_KINDS = {"orr_pct", "dcr_pct", "pfs_median", "os_median", "pfs_rate", "os_rate"}


def _sub_cells(texts: list[str], width: int) -> list[str] | None:
    """The cells of a sub-header row pushed to the left: at most `width` short cells without
    values, then only empty ones (None: no such row)."""
    subs = [c.strip() for c in texts]
    n = next((k for k, c in enumerate(subs) if not c), len(subs))
    if not n or n > width or any(subs[n:]) or any(re.search(r"\d", _NOT_VALUE.sub("", c))
                                                  or len(_NOT_VALUE.sub("", c).split()) > 3 for c in subs[:n]):
        return None
    return subs[:n]


# digits of a heading that are no value: '95% CI', 'Grade ≥3', '12-month'
_NOT_VALUE = re.compile(r"(?i)95\s*%\s*CI|[≥≤<>]\s*\d+|\bgrade\s*\d+|\d+\s*-?\s*(?:months?|mo|years?|y)\b")


def _named_under(group: str, sub: str) -> str:
    return f"{sub} ({group})" if TEST_SUBCELL.match(sub) else f"{group} {sub}"


def _one_heading_spread(named: list[str], first: list[str], width: int) -> list[str] | None:
    """The one outcome heading of the header spanning the sub-row's labels, the headings after
    it moved right ('OS (months) | HR | |' over 'Drug + chemo | Chemo': one column per arm);
    None unless the header has exactly one outcome heading and the labels are no outcomes."""
    one = [p for p, h in enumerate(named) if classify_header(h).canonical in _GROUP_KINDS]
    if len(one) != 1 or len(first) != width or any(classify_header(c).canonical in _GROUP_KINDS for c in first):
        return None
    p = one[0]
    return named[:p] + [_named_under(named[p], c) for c in first] + named[p + 1:]


def _spread_subheader(rows: list[list[str]], header: list[str]) -> tuple[list[str], int] | None:
    """The header completed by the sub-header rows the copy pushed to the left, and how many
    rows they are; None when the first rows are none. The header ends with group headings and
    e empty cells, W columns in all. Either one row of W cells, as many under each outcome
    heading ('Median | P | Median | P' under '... | PFS | OS | | |'); or, under one heading over
    all W ('Efficacy results'), a row of headings and a row of sub-columns for the first j of
    them, as many each ('OS | PFS | ORR', then 'Median | HR | P | Median | HR | P')."""
    e = next((k for k, h in enumerate(reversed(header)) if h.strip()), 0)     # empty cells at the end
    named = header[:len(header) - e]
    m = 0                                                                    # outcome headings before them
    while m < len(named) and classify_header(named[-m - 1]).canonical in _GROUP_KINDS:
        m += 1
    if not e or not rows:
        return None
    first = _sub_cells(rows[0], m + e if m else e + 1)
    if first is None:
        return None
    if m and len(first) == m + e and not (m + e) % m:
        per = (m + e) // m
        groups = named[len(named) - m:]
        return named[:len(named) - m] + [_named_under(groups[k // per], c) for k, c in enumerate(first)], 1
    width = e + 1
    if not m and _one_heading_spread(named, first, width) is not None:
        return _one_heading_spread(named, first, width), 1
    second = _sub_cells(rows[1], width) if len(rows) > 1 else None
    if m or second is None or not any(classify_header(c).canonical in _GROUP_KINDS for c in first):
        return None
    for j in range(1, len(first) + 1):
        if len(first) - j + len(second) == width and not len(second) % j:
            per = len(second) // j
            spread = [_named_under(first[k // per], c) for k, c in enumerate(second)] + first[j:]
            return named[:-1] + spread, 2
    return None


MAX_SUB_ROWS = 3


def _spread_levels(rows: list[list[str]], header: list[str]) -> tuple[list[str], int] | None:
    """The header completed by rows of sub-headings under it, each packed to the left (see
    table.header_levels), and how many rows they are; None when the header has no empty
    cells at its end or no such rows follow it."""
    e = next((k for k, h in enumerate(reversed(header)) if h.strip()), 0)
    named = [h.strip() for h in header[:len(header) - e]]
    if not e or not all(named):
        return None
    levels: list[list[str]] = []
    for texts in rows:
        width = max(len(header), len(texts))
        sub = _sub_cells(texts, width)
        if sub is None:
            break
        levels.append(sub)
        if len(sub) >= len(header):
            break       # a row that names every column has no row of sub-headings under it
    if not levels:
        return None
    width = len(header)
    spread = spread_levels(named, levels, width)
    return (spread, len(levels)) if spread is not None else None


def _completed_header(body: list[tuple[list[str], Line, Line]], header: list[str]
                      ) -> tuple[list[str], list[tuple[list[str], Line, Line]]]:
    """The header completed by the sub-header rows under it (pushed to the left by the copy),
    and the body rows after them."""
    spread = _spread_subheader([texts for texts, _, _ in body[:2]], header) \
        or _spread_levels([texts for texts, _, _ in body[:MAX_SUB_ROWS]], header)
    if spread is None:
        return header, body
    return spread[0], body[spread[1]:]


def _grid_rows(body: list[tuple[list[str], Line, Line]], header: list[str]
               ) -> tuple[list[str], list[GridRow], list[str], list[Reject]]:
    """The body's rows as grid rows (data and section rows), with the header as a sub-header
    row completes it, the legend rows and the rejected rows."""
    rows: list[GridRow] = []
    legend_parts: list[str] = []
    rejects: list[Reject] = []
    header, body = _completed_header(body, header)
    renamed = False
    for k, (texts, first, last_line) in enumerate(body):
        while len(texts) > len(header) and not texts[-1].strip():
            texts = texts[:-1]       # '| 2018 | |': a trailing empty cell past the header
        nonempty = [c for c in texts if c.strip()]
        if not nonempty:
            continue
        if not rows and _is_legend_row(texts):
            legend_parts.append(nonempty[0])
        elif _ALIGN_ROW.match(first.text) or _same_cells(texts, header):
            # the header (and its |---| row) printed again after a page break: not an arm
            rejects.append(Reject(first.number, reject_text(first.text), "repeated header line"))
        elif not rows and k <= 1 and _is_subheader_row(texts, header):
            header = [(h + " " + s).strip() if s.strip() else h
                      for h, s in zip(header, texts + [""] * (len(header) - len(texts)))]
        elif rows and _names_outcomes(texts):
            # '| ORR | DOR | |||' between trials: the value columns under it hold other outcomes
            # than the header names, which the grid cannot say: its rows are flagged
            rejects.append(Reject(first.number, reject_text(first.text),
                                  "column names inside the table: the rows under it hold other outcomes"))
            renamed = True
        elif len(nonempty) == 1 and texts[0].strip() and (len(header) > 2 or _continues(rows, texts[0])):
            if _continues(rows, texts[0]):
                # '| 2 patients died of pneumonitis | |||||': a sentence, no section's name: the
                # next line of the row's last cell, put there by guess
                rows[-1] = _cell_goes_on(rows[-1], texts[0].strip(), last_line)
            else:
                rows.append(GridRow(cells=tuple(None for _ in header), line=first.number,
                                    section=_strip_emphasis(texts[0])))
        elif len(texts) > len(header):
            rejects.append(Reject(first.number, reject_text(first.text),
                                  f"row has {len(texts)} cells but the header has {len(header)}"))
        else:
            row = _data_row(texts, header, first, last_line)
            rows.append(replace(row, flags=(*row.flags, "columns_renamed")) if renamed else row)
    return header, rows, legend_parts, rejects


def _names_outcomes(texts: list[str]) -> bool:
    """A row of outcome names packed to the left ('| ORR | DOR | |||'): short cells, no digits,
    each an outcome or a look-alike (DOR, HR), one a measure at least."""
    cells = [c.strip() for c in texts]
    n = next((k for k, c in enumerate(cells) if not c), len(cells))
    if not n or any(cells[n:]) or any(re.search(r"\d", c) or len(c.split()) > 3 for c in cells[:n]):
        return False
    kinds = [classify_header(c) for c in cells[:n]]
    return all(sp.canonical in VALUE_KINDS for sp in kinds) and any(sp.is_measure for sp in kinds)


# a verb of a sentence of results or toxicity, which no section's name has
_SENTENCE = re.compile(r"(?i)\b(?:was|were|is|are|had|has|have|died|experienced|reported|observed|occurred|"
                       r"showed|required|developed|discontinued)\b")
MIN_SENTENCE_WORDS = 4


def _continues(rows: list[GridRow], text: str) -> bool:
    """Is a row of one cell `text` right after a data row a sentence going on with its cell?"""
    return bool(rows) and rows[-1].section is None and bool(_SENTENCE.search(text)) \
        and len(text.split()) >= MIN_SENTENCE_WORDS


def _cell_goes_on(row: GridRow, text: str, last_line: Line) -> GridRow:
    """The row with `text` as the next line of its last cell, that cell (its measures)
    flagged lines_joined_by_guess."""
    k = max(j for j, c in enumerate(row.cells) if c is not None and c.text.strip())
    c = row.cells[k]
    cells = list(row.cells)
    cells[k] = replace(c, text=f"{c.text} {text}", lines=(*(c.lines or (c.text,)), text),
                       flags=tuple(dict.fromkeys((*c.flags, "lines_joined_by_guess"))))
    return replace(row, cells=tuple(cells), line_end=last_line.number)


def _data_row(texts: list[str], header: list[str], first: Line, last_line: Line) -> GridRow:
    # fewer cells than the header: the copy dropped some, which ones is a guess
    flags = ("cells_missing",) if len(texts) < len(header) else ()
    texts = texts + [""] * (len(header) - len(texts))
    return GridRow(cells=tuple(_cell(c, first.number) for c in texts),
                   line=first.number, line_end=last_line.number, flags=flags)


# a line break written into a markdown cell (tables converted from HTML keep '<br>')
_BR = re.compile(r"<br\s*/?>", re.I)


def _cell(text: str, line: int) -> Cell | None:
    """A cell's text; one with literal '<br>' is read as its lines (Cell.lines), joined by spaces."""
    if not _BR.search(text):
        return Cell(text, line) if text.strip() else None
    lines = tuple(t for t in (p.strip() for p in _BR.split(text)) if t)
    if not lines:
        return None
    return Cell(" ".join(lines), line, lines=lines if len(lines) > 1 else ())


def read(source: str, data: bytes, path=None):
    """Registry entry (readers.READERS): bytes -> ReadResult; rows the copy shifted left are
    placed by content."""
    from ..table.shifted import realign_shifted_rows
    from . import ReadResult
    from .decode import decode_text_lines

    text, bad = decode_text_lines(data)
    grids, rejects = read_markdown(source, text, skip=bad)
    return ReadResult([realign_shifted_rows(g) for g in grids], rejects)
