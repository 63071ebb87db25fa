"""Rows of a table whose cells sit in the vertical middle (or at the bottom) of their rows.

A browser sets table cells in the vertical middle of their row by default, and some journals
set them at the bottom. A one-line cell then sits beside the middle (or the last) line of a
three-line neighbour, so lines with the same baseline are not one row, and a row label can
sit below the first line of its own row. Such a table is read by cell blocks instead:

    column_blocks     body lines -> per column, blocks of lines one line pitch apart
                      (one cell each: a wider gap or a drawn rule ends a block)
    block_alignment   "top", "middle" or "bottom": which edge of blocks of different
                      heights side by side agree (the edge the table aligns its cells on)
    aligned_rows      blocks -> rows: blocks whose aligned edges agree are one row; a
                      group of blocks centred on a run of two or more rows whose columns it
                      leaves empty is a spanned cell, given to the first row of the run

A spanned cell set at the bottom of its rows is given to the first of the empty cells above
it; a span cut by a page break (what is left of it set from its top, above its row's bottom)
goes on over the next page's empty cells. A table ruled into rows (a grid, shaded rows) is
read here only when its cells are centred throughout; the shading's edges do not cut a
cell's lines into blocks (a span runs across the rows it spans). Nothing here knows about
a particular table.
"""
from __future__ import annotations

from dataclasses import dataclass

from .pdf_grid import Row, _section_text, column_of
from .pdf_parts import TablePart
from .pdf_words import PdfSettings, TextLine, Word

EDGE_TOLERANCE = 0.25        # x size: two blocks' edges closer than this agree
MIN_AGREEING = 3             # pairs of blocks of different heights needed to read the alignment


@dataclass
class Block:
    col: int
    lines: list[TextLine]

    @property
    def page(self) -> int:
        return self.lines[0].page

    @property
    def top(self) -> float:
        return self.lines[0].top

    @property
    def bottom(self) -> float:
        return self.lines[-1].bottom

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def size(self) -> float:
        return self.lines[0].size


def column_blocks(body: list[TextLine], part_of: dict[int, TablePart], bounds: list[float],
                  settings: PdfSettings) -> list[Block]:
    """Each column's lines (a body line cut at the column bounds) in blocks: a line joins
    the block above when its baseline is at most the table's line pitch (the smallest
    baseline step inside a column) plus `row_gap` x size under the block's last line and
    no drawn rule lies between them (the edge of a shaded row is none)."""
    per_col: dict[tuple[int, int], list[TextLine]] = {}
    for line in body:
        by_col: dict[int, list[Word]] = {}
        for w in line.words:
            by_col.setdefault(column_of(w.x0, bounds), []).append(w)
        for col, words in by_col.items():
            per_col.setdefault((line.page, col), []).append(TextLine(tuple(words), line.number))
    steps = [b.base - a.base for lines in per_col.values() for a, b in zip(lines, lines[1:])
             if b.base - a.base > 0.5 * b.size]
    leading = min(steps, default=0.0)
    blocks: list[Block] = []
    for (_, col), lines in sorted(per_col.items()):
        lines.sort(key=lambda ln: ln.top)
        block = Block(col, [lines[0]])
        for ln in lines[1:]:
            last = block.lines[-1]
            if (ln.base - last.base > leading + settings.row_gap * ln.size
                    or _drawn_rule_between(part_of[ln.number], last, ln)):
                blocks.append(block)
                block = Block(col, [ln])
            else:
                block.lines.append(ln)
        blocks.append(block)
    return blocks


def _drawn_rule_between(part: TablePart, a: TextLine, b: TextLine) -> bool:
    """A drawn rule between lines a and b (one column's words) that crosses their column:
    the edge of a shaded row is none, nor a grid border where it leaves the column open (a
    spanned cell centred on its rows runs across the rows it spans)."""
    x0 = min(w.x0 for w in a.words + b.words)
    x1 = max(w.x1 for w in a.words + b.words)
    return any(a.bottom <= r <= b.top and not any(g0 <= x0 and x1 <= g1 for g0, g1 in part.rule_gaps.get(r, ()))
               for r in part.rules if r not in part.band_edges)


def block_alignment(blocks: list[Block], rules: int = 0) -> str:
    """The edge a table aligns its cells on: over the pairs of blocks in different columns
    side by side, of different line counts, each the only block of its column beside the
    other (so a column of lines set without row gaps, one block beside many, says nothing),
    the edge (top, middle, bottom) that agrees most often. "top" (the other reader) unless
    another edge agrees on `MIN_AGREEING` pairs and more than twice as often. A table with
    `rules` rules between its rows (a grid, shaded rows) is read by its rules unless its
    cells are centred throughout: the other edge must agree on at least as many pairs as
    there are such rules (a few centred cells, a count centred on its group's rows, do not
    make a ruled table centred). Always "top" for a table with a column set without row
    gaps (a block holding more lines than the two or more blocks of another column beside
    it: the blocks are not cells)."""
    counts = {"top": 0, "middle": 0, "bottom": 0}
    ordered = sorted(blocks, key=lambda b: (b.page, b.top))
    beside: dict[int, dict[int, int]] = {}          # block -> column -> blocks beside it there
    pairs = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.page != a.page or b.top >= a.bottom:
                break
            if b.col != a.col:
                beside.setdefault(id(a), {}).setdefault(b.col, 0)
                beside.setdefault(id(b), {}).setdefault(a.col, 0)
                beside[id(a)][b.col] += 1
                beside[id(b)][a.col] += 1
                pairs.append((a, b))
    lines_beside: dict[tuple[int, int], int] = {}
    for a, b in pairs:
        lines_beside[id(a), b.col] = lines_beside.get((id(a), b.col), 0) + len(b.lines)
        lines_beside[id(b), a.col] = lines_beside.get((id(b), a.col), 0) + len(a.lines)
    if any(beside[id(a)][b.col] >= 2 and len(a.lines) > lines_beside[id(a), b.col]
           for x, y in pairs for a, b in ((x, y), (y, x))):
        return "top"        # a column set without row gaps (one block beside several cells)
    for a, b in pairs:
        if len(a.lines) == len(b.lines) or beside[id(a)][b.col] > 1 or beside[id(b)][a.col] > 1:
            continue
        tol = EDGE_TOLERANCE * min(a.size, b.size)
        counts["top"] += abs(a.top - b.top) <= tol
        counts["middle"] += abs(a.middle - b.middle) <= tol
        counts["bottom"] += abs(a.bottom - b.bottom) <= tol
    best = max(("middle", "bottom"), key=lambda k: counts[k])
    enough = counts[best] >= max(MIN_AGREEING, rules) and counts[best] > 2 * counts["top"]
    return best if enough else "top"


def _edge(block: Block, alignment: str) -> float:
    return block.middle if alignment == "middle" else block.bottom


def _groups(blocks: list[Block], alignment: str) -> list[list[Block]]:
    """Blocks whose aligned edges agree (within `EDGE_TOLERANCE` x size of the group's
    first block), in page and edge order."""
    groups: list[list[Block]] = []
    for b in sorted(blocks, key=lambda b: (b.page, _edge(b, alignment))):
        first = groups[-1][0] if groups else None
        if (first is not None and first.page == b.page
                and _edge(b, alignment) - _edge(first, alignment) <= EDGE_TOLERANCE * b.size):
            groups[-1].append(b)
        else:
            groups.append([b])
    return groups


def _span_run(groups: list[list[Block]], s: int) -> int | None:
    """The first group of the run of two or more groups on either side of group s that
    group s is centred on (its middle at the middle of the run's extent), the run leaving
    its columns empty; None when it is centred on no such run (it is a row)."""
    span = groups[s]
    cols = {b.col for b in span}
    middle = sum(b.middle for b in span) / len(span)
    tol = EDGE_TOLERANCE * span[0].size

    def fits(g: list[Block]) -> bool:
        return g[0].page == span[0].page and not cols & {b.col for b in g}

    best = None
    a = s - 1
    while a >= 0 and fits(groups[a]):
        b = s + 1
        while b < len(groups) and fits(groups[b]):
            run = [blk for g in groups[a:b + 1] if g is not span for blk in g]
            miss = abs((min(x.top for x in run) + max(x.bottom for x in run)) / 2 - middle)
            if miss <= tol and (best is None or miss < best[0]):
                best = (miss, a)
            b += 1
        a -= 1
    return best[1] if best else None


def aligned_rows(blocks: list[Block], alignment: str, bounds: list[float],
                 settings: PdfSettings) -> list[Row]:
    """Rows of a table aligned on the middle or bottom of its cells: one row per group of
    blocks whose aligned edges agree. In a centred table a group centred on a run of two
    or more groups (`_span_run`) is a spanned cell, placed on the rows by `_place_spans`;
    rows beside a fuller row are joined to it (`_join_overlapping`), and a cell centred on
    the empty stretch of its column around it is moved to the stretch's first row
    (`_spread_centred`)."""
    groups = _groups(blocks, alignment)
    ncols = len(bounds) + 1
    spans = [g for s, g in enumerate(groups) if alignment == "middle" and _span_run(groups, s) is not None]
    rows = [_row(g, ncols) for g in groups if not any(g is x for x in spans)]
    if alignment == "middle":
        rows = _join_overlapping(rows)
        covered: list[set[int]] = [set() for _ in rows]
        _place_spans(rows, spans, covered, ncols)
        _spread_centred(rows, covered)
    elif alignment == "bottom":
        rows = _join_overlapping(rows)
        _spread_up(rows)
    for row in rows:
        row.section = _section_text(row, bounds, settings)
    return rows


def _filled(row: Row) -> set[int]:
    return {c for c, lines in enumerate(row.cells) if lines}


def _join_overlapping(rows: list[Row]) -> list[Row]:
    """Rows of a centred table do not overlap, so of two rows side by side vertically that
    fill different columns, the one filling fewer is the other's: a span cut by a page
    break (set at the top of what is left of it on the page) beside the row it starts on."""
    out = list(rows)
    for r in sorted(rows, key=lambda r: len(_filled(r))):
        q = _beside(out, r, _filled(r), r.top, r.bottom)
        if q is not None:
            for c, lines in enumerate(r.cells):
                q.cells[c].extend(lines)
            q.lines = sorted(q.lines + r.lines, key=lambda ln: ln.top)
            out.remove(r)
    return out


def _beside(rows: list[Row], r: Row | None, cols: set[int], top: float, bottom: float,
            page: int | None = None) -> Row | None:
    """The row (other than r) overlapping top..bottom most that leaves `cols` empty and
    fills more columns than there are in `cols`."""
    page = r.page if r is not None else page
    beside = [q for q in rows if q is not r and q.page == page and q.top < bottom and top < q.bottom
              and not _filled(q) & cols and len(_filled(q)) > len(cols)]
    return max(beside, key=lambda q: min(q.bottom, bottom) - max(q.top, top), default=None)


def _place_spans(rows: list[Row], spans: list[list[Block]], covered: list[set[int]], ncols: int) -> None:
    """Each spanned cell (in page and height order) goes to the first row of the run of rows
    it is centred on (`_span_target`); one centred on no run joins the row it overlaps most
    (a span cut by a page break). One beside no row either is a row of its own (a row
    that leaves its first columns to spans, centred by chance on a run of spans): those
    are made rows first, until every span left has a run or a row beside it."""
    spans = sorted(spans, key=lambda g: (g[0].page, _middle(g)))
    changed = True
    while changed:
        changed = False
        for n, span in enumerate(spans):
            run, target = _span_target(rows, spans, n, [set() for _ in rows])
            if run is None and target is None:
                at = sum(1 for r in rows if (r.page, (r.top + r.bottom) / 2) < (span[0].page, _middle(span)))
                rows.insert(at, _row(span, ncols))
                covered.insert(at, set())
                spans.pop(n)
                changed = True
                break
    for n, span in enumerate(spans):
        run, target = _span_target(rows, spans, n, covered)
        cols = {b.col for b in span}
        if run is not None:
            for i in range(run[0], run[1] + 1):
                covered[i] |= cols
        if target is None:          # its run taken by an earlier span's: left where it is, a row
            at = sum(1 for r in rows if (r.page, (r.top + r.bottom) / 2) < (span[0].page, _middle(span)))
            rows.insert(at, _row(span, ncols))
            covered.insert(at, set())
            continue
        for blk in span:
            target.cells[blk.col].extend(blk.lines)


def _span_target(rows: list[Row], spans: list[list[Block]], n: int,
                 covered: list[set[int]]) -> tuple[tuple[int, int] | None, Row | None]:
    """Where span n goes: (its run, the run's first row) for the run of rows it is centred
    on, the whole stretch of rows its columns leave empty (not covered by an earlier span,
    up to the next span in its columns) if it is centred on that, else the run whose middle
    is nearest its own; (None, the row it overlaps most) when it is centred on no run."""
    span = spans[n]
    cols = {b.col for b in span}
    page, middle = span[0].page, _middle(span)
    k = max((i for i, r in enumerate(rows) if r.page == page and (r.top + r.bottom) / 2 < middle), default=None)
    until = next((_middle(g) for g in spans[n + 1:] if g[0].page == page and cols & {b.col for b in g}),
                 float("inf"))

    def free(i: int) -> bool:
        return (rows[i].page == page and not (_filled(rows[i]) | covered[i]) & cols
                and (rows[i].top + rows[i].bottom) / 2 < until)

    run = None
    if k is not None and free(k):
        lo, hi = k, k + 1
        while lo > 0 and free(lo - 1):
            lo -= 1
        while hi + 1 < len(rows) and free(hi + 1):
            hi += 1
        if hi < len(rows) and free(hi):
            run = _centred_run(rows, lo, k, hi, middle, EDGE_TOLERANCE * span[0].size)
    if run is not None:
        return run, rows[run[0]]
    return None, _beside(rows, None, cols, min(b.top for b in span), max(b.bottom for b in span), page)


def _middle(group: list[Block]) -> float:
    return sum(b.middle for b in group) / len(group)


def _centred_run(rows: list[Row], lo: int, k: int, hi: int, middle: float,
                 tol: float) -> tuple[int, int] | None:
    """Of the runs a..b of rows lo..hi around the gap under row k (a <= k < b), the whole
    stretch if its middle is within `tol` of `middle`, else the one whose middle is
    nearest (within `tol`)."""
    def miss(a: int, b: int) -> float:
        return abs((rows[a].top + rows[b].bottom) / 2 - middle)

    if miss(lo, hi) <= tol:
        return lo, hi
    best = min(((miss(a, b), a, b) for a in range(lo, k + 1) for b in range(k + 1, hi + 1)), default=None)
    return (best[1], best[2]) if best and best[0] <= tol else None


def _spread_centred(rows: list[Row], covered: list[set[int]]) -> None:
    """In a column that holds spanned cells, a cell whose column is empty in the rows around
    it, and that is centred on the whole empty stretch (three rows or more, between the
    column's cells above and below it on its page), is a span that only happens to sit on
    the middle row's line: it moves to the stretch's first row."""
    spanning = set().union(*covered) if covered else set()

    def empty(i: int, col: int, page: int) -> bool:
        return rows[i].page == page and not rows[i].cells[col] and col not in covered[i]

    for i, row in enumerate(rows):
        for col in sorted(_filled(row) & spanning - covered[i]):
            a, b = i, i
            while a > 0 and empty(a - 1, col, row.page):
                a -= 1
            while b + 1 < len(rows) and empty(b + 1, col, row.page):
                b += 1
            lines = row.cells[col]
            middle = (min(ln.top for ln in lines) + max(ln.bottom for ln in lines)) / 2
            if a < i and b - a >= 2 and abs((rows[a].top + rows[b].bottom) / 2 - middle) \
                    <= EDGE_TOLERANCE * lines[0].size:
                rows[a].cells[col], row.cells[col] = lines, []
                for j in range(a, b + 1):
                    covered[j].add(col)


def _spread_up(rows: list[Row]) -> None:
    """In a table that sets its cells at the bottom of their rows, a spanned cell sits at the
    bottom of its last row, so an empty cell stands for the cell under it (not the one above,
    as where cells sit at the top): each cell moves up to the first of the empty cells above
    it on its page, where the table stage's filling down gives it to every row it spans.
    A cell of a page's last row that does not reach down to its row's bottom is a span cut
    by the page break (a renderer sets what is left of a cut cell from its top): the empty
    cells at the top of the next page go on with it, and the cell under them keeps its row."""
    for col in range(len(rows[0].cells) if rows else 0):
        start: int | None = 0                   # the first row after the column's last cell
        for i, row in enumerate(rows):
            if i and row.page != rows[i - 1].page:
                start = None if _cut_by_break(rows[i - 1], col) else i
            if row.cells[col]:
                if start is not None and start < i:
                    rows[start].cells[col], row.cells[col] = row.cells[col], []
                start = i + 1


def _cut_by_break(row: Row, col: int) -> bool:
    """The cell of a page's last row in `col` ends more than a line above the row's bottom:
    in a table that sets its cells at the bottom of their rows, it goes on overleaf."""
    lines = row.cells[col]
    return bool(lines) and row.bottom - max(ln.bottom for ln in lines) > lines[-1].size


def _row(group: list[Block], ncols: int) -> Row:
    """A row from its blocks; its lines are the body lines' words in the row, line by line."""
    cells: list[list[TextLine]] = [[] for _ in range(ncols)]
    by_number: dict[int, list[Word]] = {}
    for blk in group:
        cells[blk.col].extend(blk.lines)
        for ln in blk.lines:
            by_number.setdefault(ln.number, []).extend(ln.words)
    lines = [TextLine(tuple(sorted(ws, key=lambda w: w.x0)), n) for n, ws in sorted(by_number.items())]
    lines.sort(key=lambda ln: ln.top)
    return Row(lines=lines, cells=cells, top=min(b.top for b in group),
               bottom=max(b.bottom for b in group), page=group[0].page)
