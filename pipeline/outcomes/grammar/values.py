"""The values of one clause (tokens [a, b)): every number with no role yet and every "not
reached", each with its unit and the population written beside it.

`values(cell, a, b, used)` returns them in text order:
- a bare number in a list takes the unit written after the list ("2.5 and 7.8 months");
- a short label and a colon before a value name its population ("OCT: 14.3 m vs. placebo:
  6.0 m"), and so does a label in parentheses ("(NEC 4.7 mo, G3 NET NR)");
- "x% in NEC", "in NETs and NECs, respectively": the population after the value.
"""
from __future__ import annotations

from ...normalize.units import time_unit
from .tokens import MEASURES, VS_WORDS, Cell, Value, depth, number, unit_after

# words between the values of a list that share the unit written after the last
_LIST_JOINS = (",", "and", "or", *VS_WORDS)
# words that make the text before a colon a sentence, not a label: "was met: 62.5%"
_NOT_LABEL = {"was", "were", "is", "are", "met", "not", "reached", "achieved", "of", "the", "and", "in", "with"}
_POPULATION_LEADS = ("in", "among", "for")
_POPULATION_ENDS = (",", ";", ".", "respectively", *VS_WORDS, "(")


def values(cell: Cell, a: int, b: int, used: set[int]) -> list[Value]:
    vals = numbers(cell, a, b, used)
    _unit_of_list(cell, vals)
    _labels_before(cell, a, b, vals)
    _populations_after(cell, b, vals)
    return vals


def numbers(cell: Cell, a: int, b: int, used: set[int]) -> list[Value]:
    """The values in tokens [a, b), each with the unit written right after it."""
    vals: list[Value] = []
    nr_starts = {s: e for s, e in cell.nr_spans}
    i = a
    while i < b:
        if i in nr_starts:
            vals.append(Value(i, nr_starts[i], None, True, None, None))
            i = nr_starts[i]
        elif cell.is_num(i) and i not in cell.role and i not in used:
            unit, rep, nxt = unit_after(cell, i)
            vals.append(Value(i, nxt, number(cell.words[i]), False, unit, rep))
            i = nxt
        else:
            i += 1
    return vals


def _unit_of_list(cell: Cell, vals: list[Value]) -> None:
    """A bare number in a list takes the unit written after the list: "2.5 and 7.8 months"."""
    for k in range(len(vals) - 2, -1, -1):
        v, w = vals[k], vals[k + 1]
        if v.unit is None and not v.nr and w.unit and all(
                cell.words[x] in _LIST_JOINS for x in range(v.end_tok, w.tok)):
            v.unit, v.unit_rep = w.unit, w.unit_rep


def _label_stop(cell: Cell, i: int) -> bool:
    w = cell.words[i]
    # a threshold's number is part of the label it ends ("TPS > 50: 8.1 m vs 5.2 m")
    return (w in (",", ";", ":", ".", "(", ")", "vs.", "vs", "%", "and")
            or (cell.is_num(i) and cell.role.get(i) != "threshold")
            or time_unit(w) is not None or any(s <= i < e for s, e in cell.nr_spans))


def _words_from(cell: Cell, k: int, end: int) -> int:
    """How many words (tokens apart by white space) tokens k..end-1 make: "PD-L1+" is one
    word of four tokens."""
    return sum(1 for j in range(k, end) if j == k or cell.doc[j - 1].whitespace_)


MAX_LABEL_WORDS = 3
MAX_LABEL_TOKENS = 8


# the words of a dose after its number ("2 mg/kg": mg, /, kg)
_DOSE_WORDS = {"mg", "kg", "m2", "m²", "g", "µg", "mcg", "iu", "mbq", "gbq", "gy", "/", "mg/kg", "mg/m2"}


def _dose_start(cell: Cell, end: int, a: int) -> int | None:
    """Where a dose ending at token `end` (exclusive) starts ("10 mg/kg" of "10 mg/kg dose:"),
    not before token a; None when the words before `end` are no dose."""
    k = end
    while k > a and cell.lower[k - 1] in _DOSE_WORDS:
        k -= 1
    if k < end and k > a and cell.role.get(k - 1) == "dose":
        return k - 1
    return None


def label_before(cell: Cell, a: int, end: int) -> int | None:
    """Start of a label of 1-3 words ending at token `end` (exclusive), not before token a, or None.
    A dose-group label runs back over its dose: "10 mg/kg dose: 63%"."""
    k = end
    while k > a and end - k < MAX_LABEL_TOKENS and not _label_stop(cell, k - 1) \
            and _words_from(cell, k - 1, end) <= MAX_LABEL_WORDS:
        k -= 1
    if k == end or any(m.start < end and k < m.end for m in cell.mentions):
        return None
    if any(cell.lower[x] in _NOT_LABEL for x in range(k, end)):
        return None              # "was met: 62.5%" is a sentence, not a label
    dose = _dose_start(cell, k if cell.lower[k] not in _DOSE_WORDS else _dose_end(cell, k), a)
    return k if dose is None else dose


def _dose_end(cell: Cell, k: int) -> int:
    """The index after the dose words starting at token k ("kg" of "mg / kg dose")."""
    while k < len(cell.words) and cell.lower[k] in _DOSE_WORDS:
        k += 1
    return k


def _labels_before(cell: Cell, a: int, b: int, vals: list[Value]) -> None:
    """'OCT: 14.3 m vs. placebo: 6.0 m', 'A: 1.9 mo': a short label and a colon before the
    value; '(PD-L1+, 14.6%; PD-L1-, 0%)': one and a comma, inside parentheses; '(G3 31%)', '(NEC 4.7 mo, G3 NET NR)', '(G3 6-mo PFS 44%)': subgroup labels in
    parentheses, each before its value or before the value's own measure."""
    for v in vals:
        if v.tok >= 2 and cell.words[v.tok - 1] == ":":
            k = label_before(cell, a, v.tok - 1)
            if k is not None:
                v.pop, v.pop_span = cell.text_of(k, v.tok - 1), (k, v.tok - 1)
        elif v.tok >= 3 and cell.words[v.tok - 1] == "," and depth(cell, a, v.tok) > 0:
            # "(PD-L1+, 14.6%; PD-L1-, 0%)": a subgroup's label, a comma, its value, as a
            # subgroup opens the parenthesis or follows a semicolon
            k = label_before(cell, a, v.tok - 1)
            if k is not None and k > 0 and cell.words[k - 1] in ("(", ";"):
                v.pop, v.pop_span = cell.text_of(k, v.tok - 1), (k, v.tok - 1)
        elif v.tok >= 2 and v.end_tok < b and cell.words[v.end_tok] in (")", ",", ";") \
                and depth(cell, a, v.tok) > 0:
            named = next((m for m in cell.mentions if m.end == v.tok and m.label in MEASURES), None)
            end = named.start if named is not None else v.tok
            k = label_before(cell, a, end)
            if k is not None and k > 0 and (cell.words[k - 1] == "(" or (
                    cell.words[k - 1] in (",", ";") and depth(cell, a, k - 1) > 0)):
                v.pop, v.pop_span = cell.text_of(k, end), (k, end)


def _populations_after(cell: Cell, b: int, vals: list[Value]) -> None:
    """'x% in NEC', 'in NETs and NECs, respectively', '32% (PR of two) in NEC'."""
    value_toks = {v.tok for v in vals}
    for v in vals:
        j = v.end_tok
        if j < b and cell.words[j] == "(":      # "32% (PR of two)"
            close = next((x for x in range(j, b) if cell.words[x] == ")"), None)
            if close is not None and not any(x in value_toks for x in range(j, close)):
                j = close + 1
        if j < b and cell.lower[j] in _POPULATION_LEADS:
            end = _population_end(cell, j + 1, b, value_toks)
            if end > j + 1:
                v.pop = cell.text_of(j + 1, end)
                v.pop_span = (j + 1, end)


def _population_end(cell: Cell, end: int, b: int, value_toks: set[int]) -> int:
    """Where a population written after a value ends: at a comma, a 'vs.', the next value."""
    while end < b and cell.words[end] not in _POPULATION_ENDS and end not in value_toks \
            and not (cell.words[end] == "and" and end + 1 < b and (end + 1 in value_toks)):
        end += 1
    return end
