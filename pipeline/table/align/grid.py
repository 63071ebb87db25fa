"""A pasted text table -> Grid: two passes of the row programme (the second knowing which
values each column held on other rows and how long its cells usually are), then each row's
cells and review flags."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from ...errors import InputError
from ...model import Cell, Grid, GridRow, TextTable
from ...outcomes.cells import endpoint_may_hold_results
from ..header import ColumnSpec, classify_header, split_header_line, table_specs
from .context import TableContext
from .doubts import row_doubts
from .endpoints import place_lone_values
from .kinds import kind_of
from .lines import Row, lines_to_rows
from .results import MIN_LABELLED_CLAUSES, labelled_clauses, result_column
from .row import Lengths, RowScorer, Vocab, alignment_margin, stacked_alignment
from .settings import DEFAULT_SETTINGS, AlignSettings
from .tokens import Tok

_YEAR_HEADER = re.compile(r"(?i)^(?:year|publication year|year of publication|published|publish year|pub\.? year)$")


def align_kind(spec: ColumnSpec, labelled: bool = False) -> str:
    """The column kind the aligner scores spans with: a column the lexicon does not know but
    whose header gives a unit ("1 year-RFS (%)", "TTP (months)") holds values; one headed
    "Year" or "Year of publication" holds years; in a table whose cells name their arms and
    measures (`labelled`, see results.py) a response or survival column holds such clauses."""
    if labelled and result_column(spec.canonical):
        return result_column(spec.canonical)
    if spec.canonical == "extra" and _YEAR_HEADER.search(spec.header):
        return "year"
    if spec.canonical == "control":
        return "treatment"    # a control arm's cell is a regimen
    return "other" if spec.canonical == "extra" and spec.unit else spec.canonical


def _cell_text(toks: list[Tok], lines: dict[int, str]) -> str:
    parts: list[str] = []
    cur_line, cur_start, cur_end = None, 0, 0
    for t in toks:
        if t.line != cur_line:
            if cur_line is not None:
                parts.append(lines[cur_line][cur_start:cur_end])
            cur_line, cur_start = t.line, t.start
        cur_end = t.end
    if cur_line is not None:
        parts.append(lines[cur_line][cur_start:cur_end])
    return " ".join(parts)


def _usual_lengths(sizes: list[list[int]], kinds: list[str], st: AlignSettings) -> Lengths:
    """Per value column, the cell length (in tokens) beyond which a cell is unusually long for
    this table: most rows agree on what a column holds ("4.1", "5.4 (HR 1.11; P = 0.35)"), so a
    much longer cell is more likely text of another column or row run into it. None for
    descriptive columns (their cells vary) and columns with fewer than three cells."""
    out: Lengths = []
    for sz, kind in zip(sizes, kinds):
        if len(sz) < 3 or not kind_of(kind).numeric:
            out.append(None)
            continue
        usual = sorted(sz)[(3 * len(sz)) // 4]
        out.append(max(2 * usual, usual + st.long_value_slack))
    return out


def _seen_twice(vocab: list[Counter]) -> Vocab:
    """Only values seen on at least two rows count as 'seen in this column on another row':
    each such value with the columns it was seen in."""
    cols: dict[str, set[int]] = {}
    for j, c in enumerate(vocab):
        for k, v in c.items():
            if v >= 2:
                cols.setdefault(k, set()).add(j)
    return Vocab({k: frozenset(v) for k, v in cols.items()})


def _what_rows_hold(rows: list[Row], specs: list[ColumnSpec], kinds: list[str],
                    ctx: TableContext) -> tuple[Vocab, Lengths]:
    """What the first pass's rows say about each column: the values seen in it on two rows
    or more, and how long its cells usually are."""
    vocab = [Counter() for _ in specs]
    sizes: list[list[int]] = [[] for _ in specs]
    for lines, al, sec, _ in rows:
        if al is None:
            continue
        toks = ctx.tokens(lines)
        for j, sp in enumerate(al.spans):
            if sp is not None and specs[j].canonical not in ("outcomes_text",):
                vocab[j][" ".join(t.low for t in toks[sp[0]:sp[1]])] += 1
                sizes[j].append(sp[1] - sp[0])
    return _seen_twice(vocab), _usual_lengths(sizes, kinds, ctx.st)


def _grid_row(table: TextTable, row: Row, kinds: list[str], ctx: TableContext, seen: Vocab,
              lengths: Lengths, index: dict[int, int], line_text: dict[int, str]) -> GridRow:
    lines, al, sec, joined_margin = row
    if sec is not None:
        return GridRow(cells=tuple(None for _ in kinds), line=lines[0].number, section=sec, page=table.page)
    toks = ctx.tokens(lines)
    a = index[lines[0].number]
    scorer = ctx.scorers.get((a, a + len(lines))) or RowScorer(toks, ctx)
    doubts = row_doubts(lines, toks, kinds, al, ctx, seen, scorer, joined_margin)
    cells = []
    for j, sp in enumerate(al.spans):
        if sp is None:
            cells.append(None)
        else:
            ct = toks[sp[0]:sp[1]]
            cells.append(Cell(_cell_text(ct, line_text), ct[0].line, False, table.page, doubts.cells.get(j, ())))
    margin = alignment_margin(toks, kinds, al, ctx, scorer, seen, lengths, spanned_prefix=a > 0)
    flags = doubts.row
    lone = [bool(_LONE_VALUE_LINE.fullmatch(ln.text.strip())) for ln in lines]
    if any(x and y for x, y in zip(lone, lone[1:])) and "values_one_a_line" not in flags \
            and stacked_alignment(toks, kinds, ctx) is None:
        # (a treatment cell of k regimens a line over k values a column reads whole: no guess)
        flags = (*flags, "values_one_a_line")
    return GridRow(cells=tuple(cells), line=lines[0].number, line_end=lines[-1].number,
                   page=table.page, flags=flags,
                   alignment_margin=None if margin is None else round(margin, 3),
                   joined_lines=len(lines))


def _shared_doubts(rows: list[GridRow], kinds: list[str]) -> list[GridRow]:
    """An arm row that starts mid-row under its trial's row (its leading cells span down) and
    fills the same value columns was placed as that row was: a value cell doubtful there
    (close_alignment) is as doubtful here ("Drug B 70.5" under "TRIAL-9 RFS Drug A 60.8", where
    60.8 could be an ORR or an RFS rate)."""
    out = list(rows)
    values = [j for j, k in enumerate(kinds) if kind_of(k).measure]
    for k in range(1, len(out)):
        above, row = out[k - 1], out[k]
        if row.section is not None or above.section is not None or not row.cells or row.cells[0] is not None:
            continue
        filled = [j for j in values if row.cells[j] is not None]
        if not filled or filled != [j for j in values if above.cells[j] is not None]:
            continue
        cells = list(row.cells)
        for j in filled:
            if "close_alignment" in above.cells[j].flags and "close_alignment" not in cells[j].flags:
                cells[j] = replace(cells[j], flags=cells[j].flags + ("close_alignment",))
        out[k] = replace(row, cells=tuple(cells))
    return out


def _packed_left(rows: list[GridRow], kinds: list[str]) -> list[GridRow]:
    """A row of values that leaves empty a column of values other rows of the table fill,
    after its first value ("A 31 14 NR 37" under OS PFS ORR Discontinuation Any grade Grade
    3/4), had its empty cells dropped by the copy, which packed the rest to the left; which
    cells were dropped, the aligner guessed: cells_missing, as for a markdown row with fewer
    cells than the header. So is a row that leaves empty, between two of its values, a column
    of values as few as two rows fill ("18.7 24 10.8 82 35" under the same header, read with
    the discontinuation rates empty where the trial gave no PFS)."""
    data = [r for r in rows if r.section is None and r.cells]
    if len(data) < 3:
        return rows
    values = [j for j, k in enumerate(kinds) if kind_of(k).measure]
    if not values:
        return rows
    # the columns of values a third of the rows fill (a reference or notes column left empty
    # is no sign)
    held = [j for j in range(len(kinds)) if _mostly_numbers([r.cells[j] for r in data], len(data))]
    # a column of values two rows fill, left empty between two values of the row: a copy with
    # no cell boundaries cannot show where between its values the empty cell was
    some = [j for j in range(len(kinds)) if _mostly_numbers([r.cells[j] for r in data], 6)]
    out = []
    for r in rows:
        filled = [j for j in values if r.section is None and r.cells[j] is not None]
        numbers = [j for j in some if r.section is None and r.cells[j] is not None] + filled
        gaps = [j for j in some if numbers and min(numbers) < j < max(numbers) and r.cells[j] is None]
        if filled and "cells_missing" not in r.flags and (
                gaps or any(j > filled[0] and r.cells[j] is None for j in held)):
            r = replace(r, flags=(*r.flags, "cells_missing"))
        out.append(r)
    return out


def _mostly_numbers(cells: list[Cell | None], n: int) -> bool:
    """Do a third of the rows or more fill this column, mostly with numbers?"""
    texts = [c.text for c in cells if c is not None]
    return len(texts) * 3 >= n and sum(bool(_NUMBER_CELL.match(t)) for t in texts) * 2 > len(texts)


_NUMBER_CELL = re.compile(r"^\s*[<>≤≥~]?\d")
# a line holding one value and nothing else ("38", "12.3", "0.04*"): two such lines in a row
# are cells stacked one value a line, placed in their column and arm by order only
_LONE_VALUE_LINE = re.compile(r"[<>≤≥~]?\d+(?:\.\d+)?\s*%?[*†‡§¶#a-e]?")


def text_table_to_grid(table: TextTable, st: AlignSettings = DEFAULT_SETTINGS) -> Grid:
    """A pasted table's header and body lines -> a Grid of cells, aligned with settings `st`."""
    header = list(table.header_cells) if table.header_cells else split_header_line(table.header.text)
    specs = table_specs(header)
    body_text = " ".join(ln.text for ln in table.body)
    ctx = TableContext.of_table(table.legend, body_text, st,
                                results_in_endpoint=endpoint_may_hold_results(s.canonical for s in specs))
    if not table.body:
        raise InputError("table has a header but no data rows", line=table.header.number)
    labelled = labelled_clauses(ctx.tokens(list(table.body)), MIN_LABELLED_CLAUSES) >= MIN_LABELLED_CLAUSES
    kinds = [align_kind(s, labelled) for s in specs]
    rows = lines_to_rows(table, kinds, ctx)
    # second pass: values seen in the same column on other rows
    # and how long each value column's cells are on the other rows
    seen, lengths = _what_rows_hold(rows, specs, kinds, ctx)
    rows = lines_to_rows(table, kinds, ctx, vocab=seen, lengths=lengths)
    line_text = {ln.number: ln.text for ln in table.body}
    index = {ln.number: i for i, ln in enumerate(table.body)}
    grid_rows = [_grid_row(table, row, kinds, ctx, seen, lengths, index, line_text) for row in rows]
    grid_rows = _packed_left(_shared_doubts(place_lone_values(grid_rows, tuple(header), kinds, st), kinds), kinds)
    return Grid(source=table.source, label=table.label, title=table.title, header=tuple(header),
                rows=tuple(grid_rows), legend=table.legend, notes=table.notes,
                header_line=table.header.number)


# ---------------------------------------------------------------- two rows on one line
# A copy that loses a line break joins a row onto the line before it; when the joined row's
# leading cells span down from above (so are missing), the line no longer has too many cells
# and would align as ONE row whose free text holds both rows' numbers. In a table whose last
# column is the reference and which has line and phase columns, the tell is a reference
# number followed, a few words on, by a line of therapy and a phase ("... 209 2nd II Mono
# Any Among 14 ..."), or by a trial id: the end of one row and the start of the next.
_JOINED_ROW = re.compile(
    r"(?<=[A-Za-z%.)])\s+[\[(]?\d{1,4}[\])]?\s+(?:NCT\d{8}\s+)?(?:(?![\[(]?\d+[\])]?\s)\S+\s+){0,6}?"
    r"(?:1st|2nd|3rd|[4-9]th|first|second|third)(?:[- ]line)?\s+(?:phase\s*)?(?:I{1,3}|IV|[1-4])(?:/(?:I{1,3}|IV|[1-4]))?"
    r"(?:\s|$)"
    r"|(?<=\S)\s+[\[(]?\d{1,4}[\])]?\s+NCT\d{8}\s")     # or a trial id right after the reference
_FIRST_WORD = re.compile(r"\s+\S+\s+")


def joined_row_at(text: str, header: list[str]) -> int | None:
    """Where a second row starts inside a pasted line (the offset of its first word), when
    the table's columns make that readable (see _JOINED_ROW); None otherwise."""
    kinds = [classify_header(h).canonical for h in header]
    if not kinds or kinds[-1] != "ref" or "line" not in kinds or "phase" not in kinds:
        return None
    m = _JOINED_ROW.search(text)
    if m is None:
        return None
    ref = _FIRST_WORD.match(text[m.start():])
    return m.start() + ref.end()
