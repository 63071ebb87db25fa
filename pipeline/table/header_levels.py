"""A header printed over several rows, rebuilt into one name per column.

PMC's page renderings print a two- or three-level header as rows of their own, each packed to
the left: the spanned cells are left out, so a row's k-th cell is not the table's k-th
column. Only the total width is known (the alignment row, the body rows). For example

    Test agent | Comparator | Progression-free survival | Overall survival | | | | | |
    Median (months) | HR (95% CI) | p-value | Median (months) | HR (95% CI) | p-value | | | |
    Test | Comparator | Test | Comparator | | | | | |

is 10 columns: PFS and OS span three each, each median two. Which cells of a row are the
headings of the next one, and how many sub-cells each takes, is chosen for the whole header:
the width must come out right, a heading's words say what it takes ("survival" takes medians
and rates, "adverse effects" no outcome), sub-cells that repeat once per heading are shared
out evenly, and a column that names a leaf (a trial, a phase, a count) heads nothing.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import combinations
from math import comb

from .header import VALUE_KINDS, classify_header, group_of

# the columns that are never headings over others: the row's own fields and a count
_LEAF_KINDS = frozenset({"trial", "trial_id", "study", "phase", "line", "agent", "target", "treatment",
                         "ref", "n_total", "primary_sites", "year", "design"})
_OUTCOME_KINDS = VALUE_KINDS - {"other", "n_total"}
MAX_LEVEL_CELLS = 16
MAX_CHOICES = 50_000     # choices of headings and their sub-cells weighed for one header row


@lru_cache(maxsize=4096)
def _kind(text: str) -> str:
    return classify_header(text).canonical


# sub-columns that say how a heading's value is tested, not what it is ('P', 'HR', '95% CI')
TEST_SUBCELL = re.compile(r"^(?:p|p\s*values?|p-values?|hr|hr\s*\(95\s*%\s*ci\)|95\s*%\s*ci|ci"
                          r"|hr\s+(?:for|of)\b.*)$", re.I)     # ("HR for PFS [95% CI]")


def named_under(group: str, sub: str) -> str:
    """A sub-column's name: its heading's words, then its own, the heading's unit last
    ("Median (months)" over "Test" -> "Median Test (months)"); a test's sub-column names its
    heading in parentheses ("HR (Overall survival)"), no measure of it."""
    if TEST_SUBCELL.match(sub.strip()):
        return f"{sub} ({group})"
    g = group.rstrip()
    if g.endswith(")") and "(" in g:
        k = g.rindex("(")
        return f"{g[:k].rstrip()} {sub} {g[k:]}"
    return f"{g} {sub}"


# a column: its name so far (its headings' words and its own) and its own words
_Col = tuple[str, str]


def _heading_score(col: _Col) -> int:
    """How well a column reads as a heading over others: by its own words, its kind by its
    whole name ("Median (months)" under "Overall survival" is a median)."""
    name, own = col
    if group_of(own) is not None:
        return 3
    kind = _kind(name)
    if kind in _LEAF_KINDS:
        return -4
    return 1 if kind in _OUTCOME_KINDS else 0


def _fit(col: _Col, sub: str) -> int:
    """How well a sub-cell fits under a heading: the kinds the heading's words take, a column
    of no outcome under a heading of none, arm names (no outcome) under a measure."""
    name, own = col
    takes = group_of(own)
    kind = _kind(sub)
    if takes is None:
        return 1 if kind not in _OUTCOME_KINDS else -1
    if not takes:
        return -3 if kind in _OUTCOME_KINDS else 1
    return 2 if kind in takes or _kind(named_under(name, sub)) in takes else 0


def _chunks(n: int, g: int):
    """Every split of n sub-cells into g runs of at least one, in order."""
    for cuts in combinations(range(1, n), g - 1):
        edges = (0, *cuts, n)
        yield [(edges[k], edges[k + 1]) for k in range(g)]


def _one_level(cells: list[_Col], subs: list[str], g: int) -> tuple[int, list[_Col]] | None:
    """The best choice of g headings among `cells` over `subs` (score, the new cells); None
    when there are more choices than MAX_CHOICES to weigh (a header of that many cells is
    left as printed)."""
    if comb(len(cells), g) * comb(len(subs) - 1, g - 1) > MAX_CHOICES:
        return None
    best: tuple[int, list[_Col]] | None = None
    for heads in combinations(range(len(cells)), g):
        base = sum(_heading_score(cells[h]) for h in heads)
        if base < 0:
            continue
        for runs in _chunks(len(subs), g):
            score = base + sum(_fit(cells[h], subs[k]) for h, (a, b) in zip(heads, runs) for k in range(a, b))
            pieces = [tuple(subs[a:b]) for a, b in runs]
            if g > 1 and len(set(pieces)) == 1:
                score += 2 * g               # the same sub-cells under each heading
            if best is None or score > best[0]:
                out: list[_Col] = []
                for k, c in enumerate(cells):
                    if k in heads:
                        a, b = runs[heads.index(k)]
                        out += [(named_under(c[0], s), s) for s in subs[a:b]]
                    else:
                        out.append(c)
                best = (score, out)
    return best


def spread_levels(top: list[str], levels: list[list[str]], width: int) -> list[str] | None:
    """The column names of a header whose top row's cells are `top` and whose rows under it,
    packed to the left, hold `levels` (each row's cells, no empty ones), for a table of
    `width` columns. None when no choice of headings gives `width` columns."""
    if not levels or len(top) + sum(len(s) for s in levels) > MAX_LEVEL_CELLS * 3:
        return None
    if len(levels) == 1 and len(levels[0]) == width:
        over = _groups_over_row(top, levels[0])
        if over is not None:
            return over
    return _spread(tuple(top), tuple(tuple(s) for s in levels), width)


def _groups_over_row(groups: list[str], row: list[str]) -> list[str] | None:
    """A top row of group headings only, over a row that names every column: the columns the
    groups do not span (spanning both rows, printed in the lower one) come first, and each
    group starts at a sub-cell its groups repeat ("Median PFS | Median OS | SAE" over "Study |
    Register | Intervention | Comparison | Intervention | Comparison | HR for PFS |
    Intervention | Comparison | HR for OS | Intervention | Comparison"): the last of those
    repeats start the groups, one each, and each runs up to the next. None unless a sub-cell
    repeats under every group and before them, and the groups are headings."""
    g = len(groups)
    if g < 2 or any(_heading_score((c, c)) < 0 for c in groups):
        return None
    counts: dict[str, int] = {}
    for c in row:
        counts[c] = counts.get(c, 0) + 1
    first = max(counts, key=lambda c: (counts[c], -row.index(c)))
    starts = [k for k, c in enumerate(row) if c == first]
    if counts[first] <= g or _kind(first) in _OUTCOME_KINDS:
        return None
    starts = starts[-g:]
    out = list(row[:starts[0]])
    for k, (a, b) in enumerate(zip(starts, [*starts[1:], len(row)])):
        out += [named_under(groups[k], c) for c in row[a:b]]
    return out


@lru_cache(maxsize=256)
def _spread(top: tuple[str, ...], levels: tuple[tuple[str, ...], ...], width: int) -> list[str] | None:
    best: tuple[int, list[_Col]] | None = None

    def walk(cells: list[_Col], k: int, score: int) -> None:
        nonlocal best
        if k == len(levels):
            if len(cells) == width and (best is None or score > best[0]):
                best = (score, cells)
            return
        subs = list(levels[k])
        last = k == len(levels) - 1
        options = [len(cells) + len(subs) - width] if last else range(1, min(len(cells), len(subs)) + 1)
        for g in options:
            if 1 <= g <= min(len(cells), len(subs), 4):
                got = _one_level(cells, subs, g)
                if got is not None:
                    walk(got[1], k + 1, score + got[0])

    walk([(c, c) for c in top], 0, 0)
    return [name for name, _ in best[1]] if best is not None else None
