"""Cell grids (markdown, HTML) whose rows lost cells in the copy -> cells back under their columns.

A page copy drops empty and spanned cells and shifts what follows to the left: "| CheckMate-9 |
Phase III | Second line | ... | 2018 | |" under a header that starts with Agent, or "| 4.1 |
32.9 | – | |" under OS | PFS | ORR | RFS when the OS cell was empty. Such a row has all its
cells at the start and empty ones at the end. Each of its cells is placed, in order, under
the column that suits it best, by two things:

- what the header says the column holds (the aligner's column scorers: a phase, an NCT id,
  a regimen of drug names, a count, a rate, a median with its unit);
- what the column's confident rows hold (rows that keep their last cell, so nothing moved):
  the shapes of their cells (a year, a phase, a "mOS:" label, a percentage, "vs." values)
  and, for numbers, their size (a 4.1 reads as a median PFS of 2.2-11.5 better than as an
  OS of 9-37, a 32.9 as an ORR of 11-58 better than as a PFS).

A dynamic programme over cells x columns chooses the placement; it replaces the positional
one only when it scores clearly better, and of equal readings the one that moves fewer cells
wins.
"""
from __future__ import annotations

import math
import re
from dataclasses import replace

from ..model import Grid, GridRow
from ..normalize.text import clean
from ..outcomes.cells import NOT_STATED, endpoint_may_hold_results
from .align.shapes import labelled_values
from .align import (DEFAULT_SETTINGS, MISSING_RX, NCT, NEG, PHASE_RX, AlignSettings, RowScorer, TableContext, Tok,
                    kind_of,
                    align_kind, skip_cost)
from .header import table_specs
from .specs import resolve_specs

SHIFT_MARGIN = 3.0      # how much better the content-based reading must be than the positional one
PROFILE_WEIGHT = 6.0    # weight of a cell's likeness to its column's confident cells (0..1)
PATTERN_WEIGHT = 3.0    # weight of where the table's other rows of as many cells put the same cell
KIND_WEIGHT = 1.0       # weight of the header's expectation where the column has a profile
MOVE_COST = 0.01        # each cell placed away from its written position (breaks ties)
FLOOR = -12.0           # a cell no column scorer accepts still has a place, at this cost
MIN_PROFILE = 2         # confident cells a column needs before its profile counts
RANGE_SLOPE = 2.0       # how fast a number's likeness falls per log unit outside its column's range
ZERO_AS = 0.5           # a zero is sized as this (no logarithm): below the range of most columns

_NUM = re.compile(r"(?<![\w.])(\d+(?:[.,·]\d+)?)")
_YEAR = re.compile(r"^(?:19|20)\d\d\W?$")
_LABEL = re.compile(r"^([A-Za-z][\w-]{0,12})\s*(?:\([^)]*\))?\s*:")
_UNIT_M = re.compile(r"\d\s*(?:m|mo|mos|months?)\b", re.I)
_UNIT_W = re.compile(r"\d\s*(?:w|wk|wks|weeks?)\b", re.I)
_UNIT_Y = re.compile(r"\d\s*(?:y|yrs?|years?)\b", re.I)


def _shape(text: str) -> frozenset[str]:
    """Features of a cell's text that a column's cells share. A cell of subgroup labels each
    with its value ("All: 12 AB: 40") is sized by its values, as the aligner reads it: one
    cell of two values, like "12 vs. 40", not four words of text."""
    t = clean(text)
    low = t.lower()
    words = t.split()
    values = labelled_values(t)
    size = len(values) if values else len(words)
    f = {"w1" if size == 1 else "w2-3" if size <= 3 else "w4+"}
    if values:
        f.add("num")
    if MISSING_RX.match(low):
        f.add("missing")
    if any(NCT.match(w.strip("()[],;")) for w in words):
        f.add("nct")
    if PHASE_RX.match(low) or low.startswith("phase"):
        f.add("phase")
    if _YEAR.match(t):
        f.add("year")
    if "%" in t:
        f.add("pct")
    if t[:1].isdigit():
        f.add("num")
    if re.search(r"\bvs\.?\b|\bversus\b", low):
        f.add("vs")
    if _UNIT_M.search(t):
        f.add("unit:m")
    if _UNIT_W.search(t):
        f.add("unit:w")
    if _UNIT_Y.search(t) and not _YEAR.match(t):
        f.add("unit:y")
    if "ci" in low.split() or "95%" in low:
        f.add("ci")
    m = _LABEL.match(t)
    if m:
        f.add("label:" + m.group(1).lower())
    if words and words[0][:1].isalpha():
        f.add("first:" + re.sub(r"[^a-z]", "", words[0].lower()))
    return frozenset(f)


def _number(text: str) -> float | None:
    """The cell's first value: its leading number, or the first subgroup's ("AB: 40"); a zero
    as ZERO_AS, so it fits no column's range better than its other numbers do."""
    values = labelled_values(clean(text))
    if values:
        text = values[0]
    m = _NUM.search(clean(text))
    if not m or not clean(text)[:1].isdigit():
        return None
    try:
        v = float(m.group(1).replace(",", ".").replace("·", "."))
    except ValueError:
        return None
    return v if v > 0 else ZERO_AS


class Profile:
    """What the confident cells of one column look like."""

    def __init__(self, texts: list[str]):
        self.shapes = [_shape(t) for t in texts]
        self.logs = [math.log(v) for v in (_number(t) for t in texts) if v is not None]

    def likeness(self, text: str) -> float | None:
        """0..1, or None when the column has too few confident cells to say."""
        if len(self.shapes) < MIN_PROFILE:
            return None
        s = _shape(text)
        jac = sum(len(s & p) / len(s | p) for p in self.shapes) / len(self.shapes)
        v = _number(text)
        if v is None or len(self.logs) < MIN_PROFILE:
            return jac
        # inside the range of the column's numbers fits; outside, the less the farther
        lv = math.log(v)
        near = math.exp(-RANGE_SLOPE * max(0.0, min(self.logs) - lv, lv - max(self.logs)))
        return 0.5 * jac + 0.5 * near


def _movable(r: GridRow) -> bool:
    """A row whose present cells all sit at the start, with empty ones after them."""
    present = [c for c in r.cells if c is not None]
    last = max((j for j, c in enumerate(r.cells) if c is not None), default=-1)
    return (r.section is None and bool(present) and len(present) < len(r.cells)
            and last == len(present) - 1 and not any(c.spanned for c in present))


def column_profiles(grid: Grid) -> list[Profile]:
    """Profiles from the rows that keep their last cell (nothing of them moved)."""
    n = len(grid.header)
    texts: list[list[str]] = [[] for _ in range(n)]
    for r in grid.rows:
        if r.section is not None or _movable(r) or not r.cells or r.cells[-1] is None:
            continue
        for j, c in enumerate(r.cells[:n]):
            if c is not None and c.text.strip():
                texts[j].append(c.text)
    return [Profile(t) for t in texts]


def _row_tokens(present) -> tuple[list[Tok], list[tuple[int, int]]]:
    toks: list[Tok] = []
    spans = []
    for c in present:
        k0 = len(toks)
        for k, m in enumerate(re.finditer(r"\S+", c.text)):
            w = clean(m.group(0))
            if w:
                toks.append(Tok(m.group(0), w.lower(), w, c.line or 0, m.start(), m.end(), k == 0 and bool(toks)))
        spans.append((k0, len(toks)))
    return toks, spans


def _kind_score(scorer: RowScorer, kind: str, span: tuple[int, int], text: str, ctx: TableContext) -> float:
    """How well a cell's tokens fit a column of `kind` by the aligner's scorers; FLOOR for a
    cell none accepts; "NS", a cell of its own, as an empty value cell ("NA" is one)."""
    k0, k1 = span
    sc = scorer.score(kind, k0, k1) if k1 > k0 else 0.0
    if sc == NEG and NOT_STATED.match(text.strip()) and kind_of(kind).numeric:
        sc = ctx.w.value_missing
    return max(sc, FLOOR) if sc != NEG else FLOOR


def place_row(r: GridRow, kinds: list[str], ctx: TableContext, profiles: list[Profile],
              votes: dict[tuple[int, int], float] | None = None) -> GridRow:
    """The row with its cells under the columns that suit them (the row itself when the
    written placement is as good). `votes`: (cell, column) -> share of the table's other rows
    of as many cells that placed that cell there."""
    present = [c for c in r.cells if c is not None]
    n, m = len(r.cells), len(present)
    toks, spans = _row_tokens(present)
    st = ctx.st
    scorer = RowScorer(toks, ctx)

    def fit(i: int, j: int) -> float:
        sc = _kind_score(scorer, kinds[j], spans[i], present[i].text, ctx)
        like = profiles[j].likeness(present[i].text)
        if like is not None:
            sc = KIND_WEIGHT * sc + PROFILE_WEIGHT * like
        if votes:
            sc += PATTERN_WEIGHT * votes.get((i, j), 0.0)
        return sc - (MOVE_COST if i != j else 0.0)

    positional = sum(fit(i, i) for i in range(m)) + sum(skip_cost(kinds[j], st) for j in range(m, n))
    # best[i][j]: first i cells placed in the first j columns
    best = [[NEG] * (n + 1) for _ in range(m + 1)]
    back: dict[tuple[int, int], bool] = {}       # True: column j-1 holds cell i-1
    best[0][0] = 0.0
    for j in range(1, n + 1):
        for i in range(0, min(m, j) + 1):
            skip = best[i][j - 1] + skip_cost(kinds[j - 1], st) if best[i][j - 1] != NEG else NEG
            take = best[i - 1][j - 1] + fit(i - 1, j - 1) if i and best[i - 1][j - 1] != NEG else NEG
            if take != NEG and take >= skip:
                best[i][j], back[(i, j)] = take, True
            elif skip != NEG:
                best[i][j], back[(i, j)] = skip, False
    if best[m][n] == NEG or best[m][n] < positional + SHIFT_MARGIN:
        return r
    cells = [None] * n
    i, j = m, n
    while j > 0:
        if back[(i, j)]:
            cells[j - 1] = present[i - 1]
            i -= 1
        j -= 1
    return replace(r, cells=tuple(cells), flags=_placed_flags(r.flags, cells, kinds,
                                                              best[m][n] < positional + SHIFT_MARGIN + st.close_margin))


def _placed_flags(flags: tuple[str, ...], cells: list, kinds: list[str], close: bool) -> tuple[str, ...]:
    """A row placed by content: no longer a row with cells missing, and doubtful (cells_shifted)
    when its placement is barely better than the written one (`close`), or when it leaves the
    arm's regimen column empty (a treatment or control one, else the agent's): the arm it
    names is then the row above's, taken down, and which regimen cell the copy dropped is a
    guess (an agent over a treatment column spans down by design)."""
    flags = tuple(f for f in flags if f != "cells_missing")
    arm_kind = "treatment" if "treatment" in kinds else "agent"
    if close or any(c is None and kinds[j] == arm_kind for j, c in enumerate(cells)):
        flags += ("cells_shifted",)
    return flags


def _placement(r: GridRow) -> tuple[int, ...]:
    return tuple(j for j, c in enumerate(r.cells) if c is not None)


def realign_shifted_rows(grid: Grid, st: AlignSettings = DEFAULT_SETTINGS) -> Grid:
    """The grid with every shifted row placed by content (the grid itself when none moves)."""
    # as the text aligner reads the header (a column of unknown kind with a unit holds
    # values); a column the table stage keeps as extra (a count column of prose, a second
    # column of a kind: resolve_specs) is read as one here too
    kinds = [align_kind(sp if sp.canonical == "extra" else head)
             for head, sp in zip(table_specs(grid.header), resolve_specs(grid))]
    cells_text = " ".join(c.text for r in grid.rows for c in r.cells if c is not None)
    ctx = TableContext.of_table(grid.legend, cells_text, st, results_in_endpoint=endpoint_may_hold_results(kinds))
    profiles = column_profiles(grid)
    first = [place_row(r, kinds, ctx, profiles) if _movable(r) else r for r in grid.rows]
    # second pass: rows that dropped the same cells are placed alike (most continuation rows
    # of a table lose the same spanned cells), so each row hears where the others went
    by_count: dict[int, list[tuple[int, ...]]] = {}
    for r, p in zip(grid.rows, first):
        if _movable(r):
            by_count.setdefault(sum(c is not None for c in r.cells), []).append(_placement(p))
    rows = []
    for r, p in zip(grid.rows, first):
        if not _movable(r):
            rows.append(r)
            continue
        others = list(by_count[sum(c is not None for c in r.cells)])
        others.remove(_placement(p))
        if len(others) < MIN_PROFILE:
            rows.append(p)
            continue
        votes: dict[tuple[int, int], float] = {}
        for pl in others:
            for i, j in enumerate(pl):
                votes[(i, j)] = votes.get((i, j), 0.0) + 1.0 / len(others)
        rows.append(place_row(r, kinds, ctx, profiles, votes))
    if all(a is b for a, b in zip(rows, grid.rows)):
        return grid
    return replace(grid, rows=tuple(rows))
