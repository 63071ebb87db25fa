"""Review flags of an aligned row: a close second reading of its value cells, cells that fit
none of their column's shapes, lines joined into the row by guess."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ...model import Line
from ...outcomes.cells import parse_value_cell, states_results
from .context import TableContext
from .kinds import VALUE_KINDS, kind_of, skip_cost, typed_score
from .results import read_clauses
from .row import Alignment, RowScorer, Vocab, column_caps
from .settings import NEG
from .tokens import Tok, ends_continuation, starts_continuation


@dataclass(frozen=True)
class SecondReading:
    """The best reading of a row's tokens that changes one of the chosen alignment's value
    cells: how much less it scores (`margin`: inf when there is none, negative when it scores
    higher, as a first-pass alignment kept through the second pass may) and which chosen
    value columns it changes."""
    margin: float
    changed: tuple[int, ...] = ()


def second_reading(toks: list[Tok], kinds: list[str], ctx: TableContext, chosen: Alignment,
                   vocab: Vocab | None = None, scorer: RowScorer | None = None,
                   only: int | None = None) -> SecondReading:
    """The dynamic programme of align_tokens with one more state: whether the path has changed
    a chosen value cell (a measure column, the free text; with `only`, that column's) yet. A
    reading that only fills a value column the chosen one leaves empty changes no value read
    and does not count."""
    scorer = scorer or RowScorer(toks, ctx)
    T, C = len(toks), len(kinds)
    # best[d][j][i]: best score of columns [0, j) over tokens [0, i); d = 1 once a chosen value
    # cell was changed; back[d][j][i] = (previous d, previous i, skipped)
    best = [[[NEG] * (T + 1) for _ in range(C + 1)] for _ in range(2)]
    back: list[list[list[tuple[int, int, bool] | None]]] = [[[None] * (T + 1) for _ in range(C + 1)] for _ in range(2)]
    best[0][0][0] = 0.0
    _, rest = column_caps(kinds, T, ctx.st)
    value_cols = _value_columns(kinds)
    for j in range(C):
        mine = chosen.spans[j] if j in value_cols and only in (None, j) else None
        for d in (0, 1):
            _relax_two_state(j, d, mine, kinds, ctx, scorer, vocab, best, back, T - rest[j + 1])
    other = best[1][C][T]
    if other == NEG:
        return SecondReading(math.inf)
    changed, d, i = [], 1, T
    for j in range(C, 0, -1):
        pd_, pi, skipped = back[d][j][i]
        span = None if skipped else (pi, i)
        if j - 1 in value_cols and chosen.spans[j - 1] is not None and span != chosen.spans[j - 1]:
            changed.append(j - 1)
        d, i = pd_, pi
    return SecondReading(chosen.score - other, tuple(sorted(changed)))


def _relax_two_state(j, d, mine, kinds, ctx, scorer, vocab, best, back, k_min) -> None:
    """second_reading's moves into column j from the paths in state d (the row's cell
    moves, RowScorer.moves, shared with every other programme over the row)."""
    T = len(scorer.toks)
    skip = skip_cost(kinds[j], ctx.st)
    cur = best[d][j]
    nxt, nxt_back = (best[0][j + 1], best[1][j + 1]), (back[0][j + 1], back[1][j + 1])
    for i in range(T + 1):
        b = cur[i]
        if b == NEG:
            continue
        if i >= k_min:
            d2 = 1 if d or mine is not None else 0
            if b + skip > nxt[d2][i]:
                nxt[d2][i] = b + skip
                nxt_back[d2][i] = (d, i, True)
        if i == T:
            continue
        for k, sc in scorer.moves(kinds, j, i, vocab):
            d2 = 1 if d or (mine is not None and mine != (i, k)) else 0
            if b + sc > nxt[d2][k]:
                nxt[d2][k] = b + sc
                nxt_back[d2][k] = (d, i, False)


# how near st.close_margin a margin summed in another order than second_reading sums it (a
# forward plus a backward pass, not one left-to-right pass) may come before only
# second_reading's own sums decide (their rounding differs by far less)
_SUM_SLACK = 1e-6


def close_value_columns(toks: list[Tok], kinds: list[str], ctx: TableContext, chosen: Alignment,
                        vocab: Vocab | None, scorer: RowScorer) -> list[int] | None:
    """The filled value columns that some reading scoring less than st.close_margin below the
    chosen alignment changes: those for which second_reading(only=j) gives a margin below
    close_margin (row_doubts' close_alignment). The best reading changing column j is the best
    path through a move of column j other than the chosen one: its score before plus after
    the move, from ONE forward and ONE backward pass over second_reading's moves, for every
    column at once, where second_reading takes a two-state pass per column. None when a
    margin falls within _SUM_SLACK of close_margin (or the chosen score is not finite): the
    caller then asks second_reading."""
    if not math.isfinite(chosen.score):
        return None
    # the value columns a reading may change
    mine_of = {j: chosen.spans[j] for j in _value_columns(kinds) if chosen.spans[j] is not None}
    if not mine_of:
        return []
    T, C, st = len(toks), len(kinds), ctx.st
    _, rest = column_caps(kinds, T, st)
    skips = [skip_cost(k, st) for k in kinds]
    table = scorer.moves_table(kinds, vocab)
    fwd = [[NEG] * (T + 1) for _ in range(C + 1)]
    fwd[0][0] = 0.0
    for j in range(C):
        _plain_forward(j, fwd, T - rest[j + 1], skips[j], scorer, kinds, vocab)
    bwd = [[NEG] * (T + 1) for _ in range(C + 1)]
    bwd[C][T] = 0.0
    out = []
    # the backward pass need not go further left than the first value column
    for j in range(C - 1, min(mine_of) - 1, -1):
        dev = _plain_backward(fwd[j], bwd[j], bwd[j + 1], T - rest[j + 1], skips[j], table, j * scorer.width,
                              mine_of.get(j))
        if j in mine_of:
            margin = chosen.score - dev
            if abs(margin - st.close_margin) < _SUM_SLACK:
                return None
            if margin < st.close_margin:
                out.append(j)
    return sorted(out)


def _plain_forward(j, fwd, k_min, skip, scorer, kinds, vocab) -> None:
    """close_value_columns' forward moves into column j (second_reading's: no long-value cost,
    no spanned-prefix skip)."""
    cur, nxt, T = fwd[j], fwd[j + 1], len(scorer.toks)
    table, at = scorer.moves_table(kinds, vocab), j * scorer.width
    for i in range(T + 1):
        b = cur[i]
        if b == NEG:
            continue
        if i >= k_min and b + skip > nxt[i]:
            nxt[i] = b + skip
        if i == T:
            continue
        mv = table.get(at + i)
        for k, sc in (scorer.moves(kinds, j, i, vocab) if mv is None else mv):
            if (v := b + sc) > nxt[k]:
                nxt[k] = v


def _plain_backward(before, here, after, k_min, skip, table, at, mine) -> float:
    """close_value_columns' backward moves out of a column (the moves table at j * width + i:
    the forward pass worked them out for every token i it reaches); with `mine`, the column's
    chosen cell, also the best score of a path through any other move of the column."""
    lo, hi = mine if mine is not None else (-1, -1)
    dev, T = NEG, len(before) - 1
    for i in range(T + 1):
        b = before[i]
        if b == NEG:
            continue
        if i >= k_min and after[i] != NEG:
            if (v := after[i] + skip) > here[i]:
                here[i] = v
            if mine is not None and b + v > dev:
                dev = b + v
        if i == T:
            continue
        for k, sc in table[at + i]:
            a = after[k]
            if a == NEG:
                continue
            if (v := a + sc) > here[i]:
                here[i] = v
            if mine is not None and (i != lo or k != hi) and b + v > dev:
                dev = b + v
    return dev


def second_best_margin(toks: list[Tok], kinds: list[str], ctx: TableContext, chosen: Alignment,
                       vocab: Vocab | None = None, scorer: RowScorer | None = None) -> float:
    """How much better the chosen alignment scores than the best reading that changes one of
    its value cells (see second_reading)."""
    return second_reading(toks, kinds, ctx, chosen, vocab, scorer).margin


def _value_columns(kinds: list[str]) -> set[int]:
    """Columns whose cells become measures: the first column of each value kind (a second
    column of a kind is kept as extra by the table stage, resolve_specs)."""
    firsts = {k: kinds.index(k) for k in set(kinds)}
    return {j for j, k in enumerate(kinds) if k in VALUE_KINDS and firsts[k] == j}


_BARE_NUMBER = re.compile(r"^\(?\d+(?:\.\d+)?[a-e†‡*]?%?[,;)]?$")
_PARENTHESES = re.compile(r"\s*\([^()]*\)?")


def fallback_columns(toks: list[Tok], kinds: list[str], al: Alignment, ctx: TableContext) -> list[int]:
    """Columns of an alignment whose tokens fit none of the column's shapes (the column took
    them at score_cell's fallback cost) and that may hold a value: a value column whose cell
    is no value even with its parentheses (HR, CI, subgroups) left out, or another column
    whose cell holds a bare number (not a group's size after its name)."""
    out = []
    for j, sp in enumerate(al.spans):
        if sp is None or kind_of(kinds[j]).free_text:
            continue
        span = toks[sp[0]:sp[1]]
        spec = kind_of(kinds[j])
        typed = typed_score(kinds[j], span, ctx) if len(span) <= ctx.typed_max.get(kinds[j], len(span)) else NEG
        if typed != NEG:
            if kinds[j] in ("extra", "population") and _crammed_numbers(span):
                out.append(j)       # "35a 65" under 'Year of publication': values with no column
            continue
        if spec.measure:
            text = " ".join(t.norm for t in span)
            if parse_value_cell(text) is None and parse_value_cell(_PARENTHESES.sub("", text)) is None:
                out.append(j)
        elif spec.value or any(_BARE_NUMBER.match(t.norm) and not _group_count(span, k)
                               for k, t in enumerate(span)):
            out.append(j)
    return out


_GROUP_SIZE = re.compile(r"^\(\d+(?:\.\d+)?%?\)[,;/]?$")


def _group_count(span: list[Tok], k: int) -> bool:
    """Is token k of a descriptive cell the size of the group named just before it ('GEP (15)',
    'U (16%)')? It belongs to its cell, no value slid in."""
    return k > 0 and bool(_GROUP_SIZE.match(span[k].norm)) and not _BARE_NUMBER.match(span[k - 1].norm)


def misfit_neighbourhood(al: Alignment, misfits: list[int]) -> list[int]:
    """Columns whose cells a misfit cell puts in doubt: the misfit itself and the filled cells
    next to it on each side, one more for every empty column of the row. A cell boundary the
    aligner drew wrongly moves tokens between neighbouring cells; every empty column lets the
    cells slide one column further (a row whose first columns are empty may sit wholly a
    column or two off). Cells further away kept their own tokens, so their values stand."""
    filled = [j for j, sp in enumerate(al.spans) if sp is not None]
    reach = 1 + len(al.spans) - len(filled)
    out: set[int] = set()
    for j in misfits:
        k = filled.index(j)
        out.update(filled[max(0, k - reach):k + reach + 1])
    return sorted(out)


_JOINS = {"vs.", "vs", "versus", "to", "-", "–", "±", "and", "or", "+", "/"}


def _crammed_numbers(span: list[Tok]) -> bool:
    """Several bare numbers side by side in one cell of a column that holds no values ('38a 62
    1 3.7'): values whose columns the header did not give, or that slid into this one."""
    nums = [k for k, t in enumerate(span) if _BARE_NUMBER.match(t.norm)]
    return len(nums) >= 2 and not any(t.low in _JOINS for t in span[nums[0]:nums[-1]])


def _unnamed_results(line: Line, toks: list[Tok], kinds: list[str]) -> bool:
    """In a table of labelled result cells (results.py), is the line only result clauses that
    name no measure ("41% at 1 year", "Low dose: 58% at 1 year")? Such a line says nothing
    of its own: it is visibly the rest of the result cell above it."""
    if not any(kind_of(k).results for k in kinds):
        return False
    clauses = read_clauses([t for t in toks if t.line == line.number])
    return clauses is not None and all(c.named is None for c in clauses)


def guessed_value_lines(lines: list[Line], toks: list[Tok], kinds: list[str], al: Alignment) -> bool:
    """Does a line joined to the row above it without a visible continuation (it neither
    ends an open cell nor starts as one, nor is the rest of a labelled result cell) hold part
    of a value cell?"""
    guessed = {b.number for a, b in zip(lines, lines[1:])
               if not (ends_continuation(a.text) or starts_continuation(b.text) or _unnamed_results(b, toks, kinds))}
    if not guessed:
        return False
    for j, sp in enumerate(al.spans):
        if sp is not None and kinds[j] in VALUE_KINDS and any(t.line in guessed for t in toks[sp[0]:sp[1]]):
            return True
    return False


def stacked_remainder(lines: list[Line], toks: list[Tok], kinds: list[str], al: Alignment) -> bool:
    """A row of numbers only (no word in a column of names) whose lines run across a blank
    line: the rest of cells stacked per arm over blank-separated lines ('1.4 (...)', '',
    '2.7 (...)'), cut from the row that names them; which arm and which column each value is
    for is a guess."""
    gap = any(b.number - a.number > 1 for a, b in zip(lines, lines[1:]))
    named = any(sp is not None and kinds[j] not in VALUE_KINDS and kinds[j] != "ref"
                and any(re.search(r"[A-Za-z]", t.norm) for t in toks[sp[0]:sp[1]])
                for j, sp in enumerate(al.spans))
    return gap and not named


@dataclass(frozen=True)
class RowDoubts:
    """Review flags of one aligned row: those of the whole row, and those of single cells
    (column index -> flags), which only the measures read from that cell carry."""
    row: tuple[str, ...] = ()
    cells: dict[int, tuple[str, ...]] = field(default_factory=dict)


def row_doubts(lines: list[Line], toks: list[Tok], kinds: list[str], al: Alignment, ctx: TableContext,
               vocab: Vocab | None, scorer: RowScorer | None, joined_margin: float = math.inf) -> RowDoubts:
    """Review flags (codes from vocab.FLAGS) of one aligned row of pasted text.
    `joined_margin`: how much better its lines score as one row than split in two.

    close_alignment goes on the value cells a close second reading changes; unfit_tokens on the
    cells a misfit cell (a value cell that is no value, or a descriptive cell that took a bare
    number) can have traded tokens with: itself and its nearest filled cell on each side (see
    misfit_neighbourhood); on the whole row when a descriptive misfit cell states results ('Drug
    A: ORR 13.9%' under a name column: no cell of the row can be trusted to sit in its column)."""
    st = ctx.st
    row: list[str] = []
    cells: dict[int, list[str]] = {}
    value_cols = _value_columns(kinds)
    close = close_value_columns(toks, kinds, ctx, al, vocab, scorer) if scorer is not None else None
    if close is not None:
        for j in close:
            cells.setdefault(j, []).append("close_alignment")
    elif (second := second_reading(toks, kinds, ctx, al, vocab, scorer)).margin < st.close_margin:
        # every value cell some close reading changes (one reading may change some, another
        # reading others)
        for j in sorted(value_cols):
            if al.spans[j] is not None and (j in second.changed or second_reading(
                    toks, kinds, ctx, al, vocab, scorer, only=j).margin < st.close_margin):
                cells.setdefault(j, []).append("close_alignment")
    misfits = fallback_columns(toks, kinds, al, ctx)
    if any(kinds[j] not in VALUE_KINDS and states_results(" ".join(t.norm for t in toks[al.spans[j][0]:al.spans[j][1]]))
           for j in misfits):
        row.append("unfit_tokens")      # results in a column of names: the row's layout is lost
    else:
        for j in misfit_neighbourhood(al, misfits):
            cells.setdefault(j, []).append("unfit_tokens")
    if (joined_margin < st.join_margin and guessed_value_lines(lines, toks, kinds, al)) \
            or stacked_remainder(lines, toks, kinds, al):
        row.append("lines_joined_by_guess")
    return RowDoubts(tuple(row), {j: tuple(f) for j, f in cells.items()})
