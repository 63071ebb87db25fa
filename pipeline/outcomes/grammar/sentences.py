"""One sentence of an outcome cell: who it is about, then its clauses.

- "The primary endpoint, X, was (not) met" (`primary_endpoint`);
- a sentence opening "Among/Of/In N <who>," sets the cohort count (or a subgroup count when
  the cohort is already known); "In <who>," sets the population for the sentence (`opener`);
- a sentence naming no measure is read for patient counts (grammar/counts.py);
- each clause (cut at ";") may be headed by a label naming its population ("Cohort 1 (n =
  30): ORR 10%", `clause_label`); its values are read by grammar/clauses.py.
"""
from __future__ import annotations

import re

from ...normalize.units import time_unit
from .clauses import clause
from .counts import counts, emit_count
from .populations import ALL_POPULATION, GENERIC_LABEL, NOT_POPULATION, clean_population
from .records import OutcomeParse
from .tokens import MEASURES, Cell, depth, depth0_split, n_equals, unit_after

# words opening a sentence with the population it is about: "Among 29 patients with G3 NEN,"
_OPENERS = ("among", "of", "in", "across", "for")
_ARTICLES = ("the", "a", "an")


class State:
    """What a cell's sentences share: whether the cohort count is known, and the row's arms."""

    def __init__(self, arms: list[str] | None = None):
        self.cohort = False
        self.arms = arms          # the row's arm labels ("A vs. B" in its treatment cell)


def sentence(cell: Cell, a: int, b: int, state: State, res: OutcomeParse, used: set[int]) -> None:
    while a < b and cell.words[a] in ("(", ")", ".", ";"):
        a += 1
    if a >= b:
        return
    pe = [(s, e) for (s, e) in cell.pe_spans if a <= s < b]
    if pe:
        primary_endpoint(cell, pe[0][1], b, res)
    body_start, context = a, "all"
    if cell.lower[a] in _OPENERS:
        body_start, context = opener(cell, a, b, state, res, used)
    if not any(m.label in MEASURES for m in cell.mentions if body_start <= m.start < b):
        counts(cell, body_start, b, res, used)
    label_context = None
    for (c0, c1) in labelled_parts(cell, depth0_split(cell, body_start, b, ";")):
        lab = clause_label(cell, c0, c1, res, used)
        if lab is not None:
            label_context, c0 = lab
        clause(cell, c0, c1, label_context or context, res, used, state.arms)


def labelled_parts(cell: Cell, clauses: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Clauses cut again where a new label starts without a ";" before it ("Arm A: ORR 12%
    Arm B: ORR 9%", "Arm A: median OS 9 months 41% at 1 year Arm B: median OS 6 months"):
    so each label's results keep their own population."""
    # a label needs a named measure right after its colon, at most _MAX_LABEL + 1 tokens
    # on: only the tokens 2..7 before a measure's start are asked (the others cannot be one)
    measure_starts = sorted({m.start for m in cell.mentions if m.label in MEASURES})
    out = []
    for c0, c1 in clauses:
        near = {p for s in measure_starts if c0 + 3 <= s <= c1
                for p in range(max(c0 + 1, s - _MAX_LABEL - 1), s - 1)}
        starts = [p for p in sorted(near) if _label_starts(cell, p, c1)]
        for p0, p1 in zip([c0, *starts], [*starts, c1]):
            out.append((p0, p1))
    return out


def _label_starts(cell: Cell, p: int, b: int) -> bool:
    """Does a label start at token p, right after a value ("12.4% Arm B: ORR 2.2%")? A few
    words with no measure named in them, a colon, and a measure named right after it."""
    prev = p - 1
    ends_value = (cell.is_num(prev) and prev not in cell.role) or cell.words[prev] in ("%", ")") \
        or time_unit(cell.lower[prev]) is not None or any(e == p for _s, e in cell.nr_spans)
    if not ends_value or not cell.words[p][:1].isalnum():
        return False
    colon = next((i for i in range(p + 1, min(b, p + _MAX_LABEL + 1)) if cell.words[i] in (":", ",", ";", "(", ")")), None)
    if colon is None or cell.words[colon] != ":" or depth(cell, p, colon) != 0:
        return False
    if any(p <= m.start < colon for m in cell.mentions) or _label_numbers(cell, p, colon) is None:
        return False
    return any(m.start == colon + 1 and m.label in MEASURES for m in cell.mentions)


_MAX_LABEL = 6


def opener(cell: Cell, a: int, b: int, state: State, res: OutcomeParse, used: set[int]) -> tuple[int, str]:
    """'Among 29 patients with G3 NEN, ...', 'In the MiNENs the mPFS and mOS were ...': where
    the sentence's body starts and the population it is about."""
    comma = next((i for i in range(a, b) if cell.words[i] == "," and depth(cell, a, i) == 0), None)
    # "In the MiNENs the mPFS and mOS were ...": without a comma the context ends where
    # the first named measure (and its article) starts
    named = next((m.start for m in cell.mentions if a + 1 < m.start < b and m.label in MEASURES
                  and not any(cell.is_num(i) for i in range(a + 1, m.start))), None)
    if named is not None and (comma is None or named < comma):
        p1 = named - 1 if cell.lower[named - 1] in _ARTICLES else named
        if p1 > a + 1:
            return p1, prefix(cell, a + 1, p1, state, res, used)
    elif comma is not None:        # (an unclosed parenthesis can hide every comma)
        return comma + 1, prefix(cell, a + 1, comma, state, res, used)
    return a, "all"


def prefix(cell: Cell, p0: int, p1: int, state: State, res: OutcomeParse, used: set[int]) -> str:
    """'Among 29 patients with G3 NEN' / 'In the HCC cohort (n = 30)' / 'In GEP-NEC'.
    Returns the population context for the rest of the sentence."""
    n_tok = None
    if p0 + 1 < p1 and cell.lower[p0] in ("the", "a", "these") and cell.is_num(p0 + 1):
        p0 += 1                      # "Of the 24 evaluable patients"
    desc = (p0, p1)
    if cell.is_num(p0) and p0 not in cell.role and unit_after(cell, p0)[0] is None:
        n_tok, desc = p0, (p0 + 1, p1)
    else:
        for i in range(p0, p1 - 3):
            if n_equals(cell, i):
                n_tok, desc = i + 3, (p0, i)
                break
    desc_text = clean_population(cell.text_of(*desc)) if desc[1] > desc[0] else ""
    if n_tok is not None:
        if not state.cohort:
            state.cohort = True
            emit_count(cell, n_tok, "all", res, used)
            return "all"
        pop = desc_text or "all"
        emit_count(cell, n_tok, pop, res, used)
        return pop
    if not desc_text or ALL_POPULATION.match(desc_text) or NOT_POPULATION.search(desc_text):
        return "all"
    if any(m.label in MEASURES for m in cell.mentions if p0 <= m.start < p1):
        return "all"
    return desc_text


def clause_label(cell: Cell, a: int, b: int, res: OutcomeParse, used: set[int]) -> tuple[str, int] | None:
    """A clause headed by who its results are for: "Part A: ORR 12%, mPFS 3.1 months",
    "Cohort 1 (n = 30): ORR 10%", "G3 NEC: mOS 8.2 mo". Returns the population and where the
    results start; the label holds the clause's population until the sentence ends or another
    label starts. Not a label: a measure name ("ORR: 12%"), a generic heading ("Efficacy:"),
    text with values in it, or a label followed by no named measure (counts, arms' values)."""
    colon = next((i for i in range(a, min(b, a + 12)) if cell.words[i] == ":" and depth(cell, a, i) == 0), None)
    if colon is None or colon == a:
        return None
    if not any(m.label in MEASURES for m in cell.mentions if colon < m.start < b):
        return None
    if any(a <= m.start < colon for m in cell.mentions):
        return None
    desc_end, n_tok = colon, None
    # "(n = 30)" before the colon: the label's own count
    if colon - a >= 5 and cell.words[colon - 1] == ")" and n_equals(cell, colon - 5):
        desc_end, n_tok = colon - 5, colon - 2
    if desc_end - a < 1 or desc_end - a > 6:
        return None
    label_nums = _label_numbers(cell, a, desc_end)
    label = clean_population(cell.text_of(a, desc_end)) if label_nums is not None else None
    if not label:
        return None
    pop = "all" if ALL_POPULATION.match(label) or GENERIC_LABEL.search(label) else label
    for i in label_nums:
        cell.role[i] = "label"
    if n_tok is not None and "." not in cell.words[n_tok]:
        emit_count(cell, n_tok, pop, res, used)
    return pop, colon + 1


def _label_numbers(cell: Cell, a: int, end: int) -> list[int] | None:
    """The numbers of a label's words [a, end): only a cohort's or an arm's number ("Cohort 1",
    "Arm 2"); None when the words are not a label (a value, a unit, a parenthesis in them)."""
    nums = []
    for i in range(a, end):
        if cell.words[i] in ("(", ")", "%", "=") or (time_unit(cell.lower[i]) and i > a and cell.is_num(i - 1)):
            return None       # a value, a parenthesis, a duration ("12 months"; "Arm Y" is a label)
        if cell.is_num(i) and i not in cell.role:
            if i == a or not cell.words[i - 1][:1].isalpha() or "." in cell.words[i]:
                return None
            nums.append(i)
    return nums


_MET = ("met", "achieved", "reached")
_NEGATIONS = ("not", "n't", "never")
_BEFORE_MET = ("was", "were", "not", "is", "has", "been", "n't", ",", ")", "successfully")


def primary_endpoint(cell: Cell, after: int, b: int, res: OutcomeParse) -> None:
    """'The primary endpoint, ORR at 8 weeks, was not met' / 'The primary endpoint (ORR) was met'."""
    words, low = cell.words, cell.lower
    met_at = next((i for i in range(after, b) if low[i] in _MET), None)
    if met_at is None:
        return
    negated = any(low[i] in _NEGATIONS for i in range(max(after, met_at - 3), met_at))
    i = after
    while i < met_at and words[i] in (",", "(", ":"):
        i += 1
    j = met_at
    while j > i and low[j - 1] in _BEFORE_MET:
        j -= 1
    if j > i:
        name = cell.text_of(i, j)
        name = re.sub(r"^(?:the|of|was|is)\s+", "", name.strip(" ,()"), flags=re.I)
        res.primary_endpoint = name or None
    res.primary_endpoint_met = not negated
