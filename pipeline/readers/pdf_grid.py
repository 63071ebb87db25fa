"""PDF table parts -> Grid: columns from the header, rows from the body lines.

    header_to_columns  header lines -> columns (x-ranges of the header cells)
    column_bounds      columns + body words -> x boundaries between columns
    split_floating     body lines -> row lines + "floating" lines (a spanned cell printed in
                       the vertical middle of its rows, between two row lines)
    lines_to_rows      row lines -> rows (new row at a rule, a wider vertical gap or a new
                       row label)
    place_floating     floating cells -> the row whose cell they continue, or the first row
                       of the span they are centred on
    rows_to_grid       rows -> Grid (cell text: a cell's lines joined with single spaces;
                       superscript reference numbers to the reference column)
    part_list_to_grid  the parts of one table (page breaks joined) -> Grid
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from statistics import median

from ..errors import InputError
from ..model import Cell, Grid, GridRow
from ..normalize.abbreviations import is_unlabelled_legend, legend_label
from .pdf_parts import TablePart, _same_header, _title
from .pdf_words import (REF_HEADER_RE, PdfSettings, TextLine, Word, _without_sups, cell_refs, cell_text,
                        note_marks)


@dataclass(frozen=True)
class Column:
    x0: float
    x1: float
    text: str


@dataclass
class Row:
    lines: list[TextLine]
    cells: list[list[TextLine]]        # per column: the column's words, one TextLine per line
    top: float
    bottom: float
    page: int
    section: str | None = None


# --------------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------------

def header_to_columns(header: list[TextLine], body_words: list[Word],
                      settings: PdfSettings) -> list[Column]:
    """Header cells: neighbouring words on a header line are one cell unless the gap between
    them is wider than `column_gap` x size and no body word crosses it (body text of a wide
    column runs under a multi-word header); a segment over two or more cells of the lines
    below is a group heading, put in front of each of their texts; other segments on
    different header lines that overlap horizontally are one (wrapped) header cell."""
    segments: list[list[Word]] = []
    for line in header:
        current: list[Word] = []
        for w in line.words:
            if current and _is_column_gap(current[-1].x1, w.x0, w.size, body_words, settings):
                segments.append(current)
                current = []
            current.append(w)
        if current:
            segments.append(current)
    spanners = [s for s in segments if _is_spanner(s, segments)]
    segments = [s for s in segments if not any(s is x for x in spanners)]
    reach = [_spanner_reach(s, segments) for s in spanners]
    columns: list[list[list[Word]]] = []
    for seg in segments:
        x0, x1 = seg[0].x0, seg[-1].x1
        target = next((c for c in columns if _overlaps(x0, x1, _span(c))), None)
        if target is None:
            columns.append([seg])
        else:
            target.append(seg)
    result = []
    for segs in columns:
        x0, x1 = _span(segs)
        over = [s for s, r in zip(spanners, reach) if _overlaps(r[0], r[1], (x0, x1))]
        segs = sorted(over, key=lambda s: s[0].top) + sorted(segs, key=lambda s: s[0].top)
        result.append(Column(x0, x1, " ".join(w.text for s in segs for w in s)))
    return sorted(result, key=lambda c: c.x0)


def _is_spanner(seg: list[Word], segments: list[list[Word]]) -> bool:
    """A group heading over several columns ("Univariate analysis" over "RR", "95% CI",
    "P value"): two or more header cells under it, on lines below, that do not overlap
    each other."""
    under = [s for s in segments if s[0].top > seg[-1].bottom - 1
             and _overlaps(s[0].x0, s[-1].x1, (seg[0].x0, seg[-1].x1))]
    under.sort(key=lambda s: s[0].x0)
    apart = [b for a, b in zip(under, under[1:]) if b[0].x0 >= a[-1].x1]
    return len(under) >= 2 and len(apart) >= 1


def _spanner_reach(seg: list[Word], segments: list[list[Word]]) -> tuple[float, float]:
    """How far a group heading reaches: it is centred over its group, so over the cells under
    its text and as far again on the other side of its centre ("Univariate analysis" set
    over "95% CI" and "P value" also heads the "RR" left of its text)."""
    lo, hi = seg[0].x0, seg[-1].x1
    under = [s for s in segments if s[0].top > seg[-1].bottom - 1 and _overlaps(s[0].x0, s[-1].x1, (lo, hi))]
    if not under:
        return lo, hi
    centre = (lo + hi) / 2
    half = max(centre - min(s[0].x0 for s in under), max(s[-1].x1 for s in under) - centre)
    return centre - half, centre + half


def _is_column_gap(x0: float, x1: float, size: float, body_words: list[Word],
                   settings: PdfSettings) -> bool:
    if x1 - x0 <= settings.column_gap * size:
        return False
    return not any(w.x0 < x0 and w.x1 > x1 for w in body_words)


def _span(segs: list[list[Word]]) -> tuple[float, float]:
    return min(s[0].x0 for s in segs), max(s[-1].x1 for s in segs)


def _overlaps(a0: float, a1: float, b: tuple[float, float]) -> bool:
    return a0 < b[1] and b[0] < a1


def column_bounds(columns: list[Column], words: list[Word]) -> list[float]:
    """x boundary between each pair of neighbouring columns: the middle of the widest empty
    vertical strip (no header or body word crosses it) between the two header cells; if
    there is none, just left of the right-hand header cell."""
    bounds = []
    for left, right in zip(columns, columns[1:]):
        lo, hi = left.x0, right.x0
        covered = sorted((max(w.x0, lo), min(w.x1, hi)) for w in words
                         if w.x1 > lo and w.x0 < hi)
        covered.append((left.x0, min(left.x1, hi)))
        covered.sort()
        best, cursor = None, lo
        for a, b in covered:
            if a > cursor and (best is None or a - cursor > best[1] - best[0]):
                best = (cursor, a)
            cursor = max(cursor, b)
        if hi > cursor and (best is None or hi - cursor > best[1] - best[0]):
            best = (cursor, hi)
        bounds.append((best[0] + best[1]) / 2 if best else hi - 0.5)
    return bounds


def column_of(x0: float, bounds: list[float]) -> int:
    return sum(1 for b in bounds if x0 >= b)


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------

def line_columns(line: TextLine, bounds: list[float]) -> set[int]:
    return {column_of(w.x0, bounds) for w in line.words}


def split_floating(lines: list[TextLine], bounds: list[float],
                   settings: PdfSettings) -> tuple[list[TextLine], list[TextLine]]:
    """Separate lines closer to a neighbouring line than a line pitch (`overlap` x size).
    Consecutive lines of one cell are a full pitch apart, so one of such a pair is a cell
    printed between rows (a span centred on its rows): the one that does not continue a
    column of the line above it, or, on a tie, the one filling fewer columns."""
    kept = list(lines)
    floating: list[TextLine] = []
    changed = True
    while changed:
        changed = False
        for i in range(len(kept) - 1):
            a, b = kept[i], kept[i + 1]
            if a.page == b.page and _closer_than_pitch(a, b, settings):
                above = kept[i - 1] if i and kept[i - 1].page == a.page else None
                loser = min((b, a), key=lambda ln: _anchoring(ln, above, bounds, settings))
                kept.remove(loser)
                floating.append(loser)
                changed = True
                break
    return kept, floating


def _closer_than_pitch(a: TextLine, b: TextLine, settings: PdfSettings) -> bool:
    """Line b is less than a line pitch under line a, top to top and baseline to baseline: a
    tall glyph ("≥", a raised mark) lifts a line's top but not its baseline, and such a
    line a full pitch under the one above is its next line, not a cell between rows. A line
    of small glyphs (a mark set on its own) is judged by the larger size."""
    return (b.top - a.top < settings.overlap * min(a.size, b.size)
            and b.base - a.base < settings.overlap * max(a.size, b.size))


def _anchoring(line: TextLine, above: TextLine | None, bounds: list[float],
               settings: PdfSettings) -> tuple[int, int, int]:
    """(fills most columns, continues a cell of the line above, columns filled): a line
    continues a cell when its words in some column sit one line pitch under that column's
    words above. A line filling more than half the columns is a row line: a cell printed
    between rows (a span, a group label set apart) fills fewer."""
    cols = _column_tops(line, bounds)
    continues = False
    if above is not None:
        tops_above = _column_tops(above, bounds)
        continues = any(0 < top - tops_above[c] <= settings.contact * line.size
                        for c, top in cols.items() if c in tops_above)
    return int(2 * len(cols) > len(bounds) + 1), int(continues), len(cols)


def _column_tops(line: TextLine, bounds: list[float]) -> dict[int, float]:
    tops: dict[int, float] = {}
    for w in line.words:
        c = column_of(w.x0, bounds)
        tops[c] = min(tops.get(c, w.top), w.top)
    return tops


def lines_to_rows(lines: list[TextLine], part_of: dict[int, TablePart], bounds: list[float],
                  settings: PdfSettings) -> list[Row]:
    """A line starts a new row when a rule or a page break lies between it and the line
    above, or when the gap to the line above is wider than the table's line spacing by more
    than `row_gap` x size. When all gaps are alike the table has no wrapped cells and every
    line is a row, unless rules part the body into rows (a grid, shaded rows): then a line
    under a rule or with a new row label starts a row, and the others wrap their row."""
    pitches = [b.base - a.base for a, b in zip(lines, lines[1:])
               if a.page == b.page and not _rule_between(part_of[b.number], a, b)]
    ruled = sum(1 for a, b in zip(lines, lines[1:])
                if a.page == b.page and _rule_between(part_of[b.number], a, b))
    leading = min(pitches) if pitches else 0.0
    all_alike = not pitches or max(pitches) - leading <= settings.row_gap * lines[0].size
    if all_alike and ruled >= 2:
        all_alike = False       # rows ruled off (grid, shaded rows): a band's lines are one row
    rows: list[Row] = []
    for i, line in enumerate(lines):
        prev = lines[i - 1] if i else None
        if prev is not None and prev.page != line.page:
            new_row = not _row_carried_over(line, rows[-1], bounds)
        else:
            new_row = (prev is None or all_alike
                       or _rule_between(part_of[line.number], prev, line)
                       or line.base - prev.base > leading + settings.row_gap * line.size
                       or _starts_row_label(line, bounds))
        if new_row:
            rows.append(Row(lines=[line], cells=[[] for _ in range(len(bounds) + 1)],
                            top=line.top, bottom=line.bottom, page=line.page))
        else:
            rows[-1].lines.append(line)
            rows[-1].bottom = line.bottom
    for row in rows:
        _fill_cells(row, row.lines, bounds)
        row.section = _section_text(row, bounds, settings)
    return rows if all_alike else _join_unlabelled(rows)


def _join_unlabelled(rows: list[Row]) -> list[Row]:
    """In a table where no column is filled on every row, cells are lists of items set apart
    like rows (eligibility criteria, one per paragraph) and only the row label says where a
    row starts. The label columns are the leading columns up to the first one filled on at
    least half the rows; a row blank in all of them continues the row above. A table with a
    column filled on every row (spans left blank under their first row) is left as it is."""
    body = [r for r in rows if not r.section]
    if not body:
        return rows
    width = len(body[0].cells)
    filled = [sum(1 for r in body if r.cells[c]) for c in range(width)]
    if max(filled) == len(body):
        return rows
    last_label = next(c for c in range(width) if 2 * filled[c] >= len(body))
    out: list[Row] = []
    for row in rows:
        prev = out[-1] if out else None
        if (prev is not None and not row.section and not prev.section
                and not any(row.cells[c] for c in range(last_label + 1))):
            prev.lines += row.lines
            prev.bottom = row.bottom if row.page == prev.page else prev.bottom
            for c, lines in enumerate(row.cells):
                prev.cells[c] += lines
        else:
            out.append(row)
    return out


def _row_carried_over(line: TextLine, row: Row, bounds: list[float]) -> bool:
    """The first line of a page finishes the last row of the page before (a renderer split
    the row at the page break) when it leaves the first column empty and goes on only in
    one or two of the columns that row holds text in."""
    cols = line_columns(line, bounds)
    filled = {c for ln in row.lines for c in line_columns(ln, bounds)}
    return 0 not in cols and cols <= filled and len(cols) <= max(1, (len(bounds) + 1) // 4)


def _starts_row_label(line: TextLine, bounds: list[float]) -> bool:
    """A line whose first column holds a word starting with a capital, a digit or a sign
    ("≤60 years") begins a new row label even without extra space above it (tables set with
    even line spacing); a lower-case letter or a bracket there starts the label's wrapped
    second line ("(2009)"). A label off the baseline of the line's other cells is a span
    centred on rows that merely crosses this line: it starts nothing."""
    first = next((w for w in line.words if not w.sup and column_of(w.x0, bounds) == 0), None)
    if first is None or first.text[:1].islower() or first.text[:1] in "([{,;:-–/&":
        return False
    rest = [w.bottom for w in line.words if not w.sup and column_of(w.x0, bounds) > 0]
    return not rest or abs(first.bottom - median(rest)) <= 0.15 * first.size


def _rule_between(part: TablePart, a: TextLine, b: TextLine) -> bool:
    return any(a.bottom <= r <= b.top for r in part.rules)


def _fill_cells(row: Row, lines: list[TextLine], bounds: list[float]) -> None:
    for line in lines:
        by_col: dict[int, list[Word]] = {}
        for w in line.words:
            by_col.setdefault(column_of(w.x0, bounds), []).append(w)
        for col, words in by_col.items():
            row.cells[col].append(TextLine(tuple(words), line.number))


def _section_text(row: Row, bounds: list[float], settings: PdfSettings) -> str | None:
    """A one-line row whose words form one run starting in the first column (a section
    heading printed across the table, "First line") is a section-header row."""
    if len(row.lines) != 1 or len(bounds) < 1:
        return None
    words = row.lines[0].words
    if column_of(words[0].x0, bounds) != 0:
        return None
    one_run = all(b.x0 - a.x1 <= settings.column_gap * b.size for a, b in zip(words, words[1:]))
    only_first = all(column_of(w.x0, bounds) == 0 for w in words)
    if one_run or only_first:
        return row.lines[0].text
    return None


def place_floating(rows: list[Row], floating: list[TextLine], parts: dict[int, TablePart],
                   bounds: list[float], settings: PdfSettings) -> bool:
    """Give each floating cell to the row whose cell it continues (its first line one line
    pitch under that cell's last line: a wrapped label set apart from the row lines), else
    to the first row of the span it is centred on. True when some cell was a centred span."""
    centred = False
    for col, block in _floating_blocks(floating, bounds):
        target = _continued_row(rows, col, block[0], settings)
        if target is None:
            centred = True
            middle = (block[0].top + block[-1].bottom) / 2
            start = _span_start(rows, col, middle, block[0].page, parts)
            target = rows[start] if start is not None else _nearest_row(rows, middle, block[0].page)
        target.cells[col].extend(block)
    return centred


def _continued_row(rows: list[Row], col: int, line: TextLine, settings: PdfSettings) -> Row | None:
    """The row whose cell in `col` ends one line pitch above `line` (within `contact`)."""
    for row in rows:
        last = max((ln for ln in row.cells[col] if ln.page == line.page), key=lambda ln: ln.top, default=None)
        if last is not None and 0 < line.top - last.top <= settings.contact * line.size:
            return row
    return None


def recentre_spans(rows: list[Row], parts: dict[int, TablePart]) -> None:
    """In a table that centres its spanned cells, a span's text can also land on a row line
    (a span over three rows sits on the middle one). Move such a cell up to the first row of
    the run of empty cells it is centred on. A cell set exactly on its own row's first
    line (the same top as most of the row's other cells there), the row going on below it, is
    that row's own: a centred span lands on a row line only by chance, a little off it."""
    for i, row in enumerate(rows):
        for col, lines in enumerate(row.cells):
            if not lines or row.section or i == 0 or rows[i - 1].cells[col]:
                continue
            if _on_first_line(lines, row, col):
                continue
            middle = (min(ln.top for ln in lines) + max(ln.bottom for ln in lines)) / 2
            start = _span_start(rows, col, middle, row.page, parts, include=i)
            if start is not None and start < i:
                rows[start].cells[col] = lines
                row.cells[col] = []


def _on_first_line(lines: list[TextLine], row: Row, col: int) -> bool:
    first = row.lines[0]
    others = [w.top for c, cell in enumerate(row.cells) if c != col
              for ln in cell if ln.number == first.number for w in ln.words if not w.sup]
    tops = [w.top for w in lines[0].words if not w.sup]
    return (lines[0].number == first.number and len(row.lines) > len(lines) and bool(others)
            and bool(tops) and abs(min(tops) - median(others)) < 0.1)


def _span_start(rows: list[Row], col: int, middle: float, page: int,
                parts: dict[int, TablePart], include: int | None = None) -> int | None:
    """First row of the run of rows whose vertical middle is nearest `middle` (within a
    point, the longer run wins). Rows of the run are on `page`, not sections, and empty in
    `col` (except row `include`, the cell's own row, which the run must contain)."""
    band = [_row_band(rows, i, parts) for i in range(len(rows))]

    def free(i: int) -> bool:
        r = rows[i]
        return r.page == page and not r.section and (i == include or not r.cells[col])

    best = None
    for a in range(len(rows)):
        if not free(a) or (include is not None and a > include):
            continue
        for b in range(a, len(rows)):
            if not free(b):
                break
            if include is not None and b < include:
                continue
            top, bottom = band[a][0], band[b][1]
            if not top <= middle <= bottom:
                continue
            key = (round(abs((top + bottom) / 2 - middle)), -(b - a))
            if best is None or key < best[0]:
                best = (key, a)
    return best[1] if best else None


def _floating_blocks(floating: list[TextLine], bounds: list[float]):
    """Floating words per column, consecutive lines of one column forming one block."""
    per_col: dict[int, list[TextLine]] = {}
    for line in sorted(floating, key=lambda ln: (ln.page, ln.top)):
        by_col: dict[int, list[Word]] = {}
        for w in line.words:
            by_col.setdefault(column_of(w.x0, bounds), []).append(w)
        for col, words in by_col.items():
            per_col.setdefault(col, []).append(TextLine(tuple(words), line.number))
    for col, lines in sorted(per_col.items()):
        block = [lines[0]]
        for ln in lines[1:]:
            if ln.page == block[-1].page and ln.top - block[-1].bottom < ln.size:
                block.append(ln)
            else:
                yield col, block
                block = [ln]
        yield col, block


def _row_band(rows: list[Row], i: int, parts: dict[int, TablePart]) -> tuple[float, float]:
    """Vertical extent of row i including its padding: halfway to the neighbouring rows, or
    the table rule at either end."""
    row = rows[i]
    part = parts[row.lines[0].number]
    prev = rows[i - 1] if i and rows[i - 1].page == row.page else None
    nxt = rows[i + 1] if i + 1 < len(rows) and rows[i + 1].page == row.page else None
    top = (prev.bottom + row.top) / 2 if prev else part.body_top
    bottom = (row.bottom + nxt.top) / 2 if nxt else part.body_bottom
    return top, bottom


def _nearest_row(rows: list[Row], y: float, page: int) -> Row:
    same = [r for r in rows if r.page == page and not r.section] or rows
    return min(same, key=lambda r: abs(r.top - y))


# --------------------------------------------------------------------------------------------
# Grid
# --------------------------------------------------------------------------------------------

def part_list_to_grid(source: str, parts: list[TablePart], settings: PdfSettings) -> Grid:
    """The parts of one table (one per page) -> one Grid: later parts aligned on the first,
    columns from the first part's header, rows from every part's body."""
    _join_parts(parts)
    body = [ln for p in parts for ln in p.body]
    columns = parts_to_columns(parts, body, settings)
    bounds = column_bounds(columns, [w for ln in body for w in ln.words]
                           + [w for p in parts for ln in p.header for w in ln.words])
    part_of = {ln.number: p for p in parts for ln in p.body}
    from .pdf_centred import aligned_rows, block_alignment, column_blocks   # it builds on this module
    blocks = column_blocks(body, part_of, bounds, settings)
    alignment = block_alignment(blocks, rules=sum(len(p.rules) for p in parts))
    if alignment != "top":
        return rows_to_grid(source, parts, columns, aligned_rows(blocks, alignment, bounds, settings))
    row_lines, floating = split_floating(body, bounds, settings)
    rows = lines_to_rows(row_lines, part_of, bounds, settings)
    if floating and place_floating(rows, floating, part_of, bounds, settings):
        recentre_spans(rows, part_of)
    return rows_to_grid(source, parts, columns, rows)


def _join_parts(parts: list[TablePart]) -> None:
    """Later parts shifted onto the first's x-positions; a continued part whose first band
    does not repeat the header is all body."""
    for p in parts[1:]:
        _align_part(p, parts[0])
    for p in parts[1:]:
        if p.header and not _same_header(p.header, parts[0].header):
            p.body = p.header + p.body      # a continued part without a repeated header
            p.header = []


def parts_to_columns(parts: list[TablePart], body: list[TextLine], settings: PdfSettings) -> list[Column]:
    """The table's columns: its header cells (footnote marks out, exponents kept), judged
    against the body words that are not spanning labels, and a blank stub column."""
    left = min((ln.x0 for ln in body), default=0.0)
    body_words = [w for ln in body if not _spanning_label(ln, left, settings)
                  for w in ln.words if not w.sup]
    marks = note_marks(parts[-1].after)
    header = [h for h in (_without_sups(ln, marks) for ln in parts[0].header) if h.words]
    columns = _stub_column(header_to_columns(header, body_words, settings), body)
    if len(columns) < 2:
        raise InputError("the ruled header has fewer than two columns",
                         line=parts[0].header[0].number if parts[0].header else None)
    return columns


def _align_part(part: TablePart, first: TablePart) -> None:
    """Move a continued part printed in another column (or page margin) onto the first
    part's x positions, so its cells fall under the header's columns."""
    dx = first.x0 - part.x0
    if abs(dx) < 1 or abs((part.x1 - part.x0) - (first.x1 - first.x0)) > 0.05 * (first.x1 - first.x0):
        return

    def moved(lines: list[TextLine]) -> list[TextLine]:
        return [TextLine(tuple(replace(w, x0=w.x0 + dx, x1=w.x1 + dx) for w in ln.words), ln.number)
                for ln in lines]

    part.header, part.body, part.after = moved(part.header), moved(part.body), moved(part.after)
    part.x0, part.x1 = part.x0 + dx, part.x1 + dx


def _spanning_label(line: TextLine, left: float, settings: PdfSettings) -> bool:
    """A line that is one run of words from the table's left edge (a section or group
    label printed across the columns): it says nothing about where columns are."""
    words = [w for w in line.words if not w.sup]
    return bool(words) and words[0].x0 - left < words[0].size and all(
        b.x0 - a.x1 <= settings.column_gap * b.size for a, b in zip(words, words[1:]))


def _stub_column(columns: list[Column], body: list[TextLine]) -> list[Column]:
    """A first column whose header cell is blank (the row labels): body words on two or
    more lines that end left of the first header cell make a column headed ""."""
    if not columns:
        return columns
    left = [w for ln in body for w in ln.words if w.x1 < columns[0].x0 - 0.5 * w.size]
    if len({w.top for w in left}) < 2:
        return columns
    return [Column(min(w.x0 for w in left), max(w.x1 for w in left), "")] + columns


def rows_to_grid(source: str, parts: list[TablePart], columns: list[Column],
                 rows: list[Row]) -> Grid:
    """Rows -> Grid. Superscript reference numbers go to the table's reference column, or
    to a "Ref" column added at the right when the table has none."""
    header = [c.text for c in columns]
    refs = [cell_refs([ln for lines in row.cells for ln in lines]) for row in rows]
    ref_col = next((i for i, h in enumerate(header) if REF_HEADER_RE.match(h.strip())), None)
    if ref_col is None and any(r for r, row in zip(refs, rows) if not row.section):
        header.append("Ref")
        ref_col = len(header) - 1
    grid_rows = []
    for row, row_refs in zip(rows, refs):
        first = row.lines[0]
        if row.section:
            grid_rows.append(GridRow(cells=(None,) * len(header), line=first.number,
                                     section=row.section, page=row.page))
            continue
        cells = [
            Cell(text=cell_text(lines), line=min(ln.number for ln in lines), page=lines[0].page)
            if lines and cell_text(lines) else None
            for lines in row.cells]
        cells += [None] * (len(header) - len(cells))
        if row_refs and cells[ref_col] is None:
            cells[ref_col] = Cell(text=", ".join(row_refs), line=first.number, page=row.page)
        grid_rows.append(GridRow(cells=tuple(cells), line=first.number, line_end=max(ln.number for ln in row.lines),
                                 page=row.page))
    head = parts[0]
    return Grid(source=source, label=head.label, title=_title(head), header=tuple(header),
                rows=tuple(grid_rows), legend=_legend(parts[-1].after),
                notes=_notes(parts[-1].after), header_line=head.header[0].number)


def _is_legend(text: str) -> bool:
    """A line that starts the legend: labelled ("Abbreviations:") or a list of definitions."""
    return legend_label(text) is not None or is_unlabelled_legend(text)


def _legend(after: list[TextLine]) -> str | None:
    """The legend under a table: from its first line to the end of the notes."""
    for i, ln in enumerate(after):
        if _is_legend(ln.text):
            rest = legend_label(ln.text)
            first = ln.text if rest is None else rest
            return " ".join([first] + [x.text for x in after[i + 1:]]).strip() or None
    return None


def _notes(after: list[TextLine]) -> tuple[str, ...]:
    notes = []
    for ln in after:
        if _is_legend(ln.text):
            break
        notes.append(ln.text)
    return tuple(notes)
