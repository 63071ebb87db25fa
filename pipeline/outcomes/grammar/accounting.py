"""Every number of an outcome cell is accounted for: a measure, or a narrative item with the
rule that left it out (the role the grammar gave its token, else a rule read off the
characters around it, else 'no_rule')."""
from __future__ import annotations

import re

from ...model import CellNarrative
from .records import OutcomeParse
from .tokens import Cell

DIGITS = re.compile(r"\d+(?:\.\d+)?")
_P_BEFORE = re.compile(r"\b[Pp]\s*(?:[=<>≤≥]|&lt;)\s*\.?$")     # ".0029" after "P =" too
# what every match of _P_BEFORE holds: a cell without it has no p-value to find before a number
_P_SIGN = re.compile(r"[Pp]\s*(?:[=<>≤≥]|&lt;)")
_INTERVAL = re.compile(r"\(\s*\d+(?:\.\d+)?\s*%?\s*(?:[–—-]|to)\s*\d+(?:\.\d+)?\s*%?\s*\)")


def account_numbers(cell: Cell, res: OutcomeParse) -> None:
    """Every number in the cell is a measure or a narrative item with the rule that left it out."""
    covered = [(f.start, f.end) for f in res.measures]
    text = cell.original
    intervals = [m.span() for m in _INTERVAL.finditer(text)]
    tok_rule: dict[tuple[int, int], str] = {}
    for i, rule in cell.role.items():
        tok_rule[cell.span(i, i + 1)] = rule
    p_values = _P_SIGN.search(text) is not None     # (else _P_BEFORE is searched in vain per number)
    for m in DIGITS.finditer(text):
        s, e = m.start(), m.end()
        if any(cs <= s and e <= ce for cs, ce in covered):
            continue
        if p_values and _P_BEFORE.search(text, 0, s):
            rule = "p_value"          # "P = 0.0238", whatever its clause
        else:
            rule = next((r for (ts, te), r in tok_rule.items() if ts <= s and e <= te), None) \
                or rule_by_characters(text, s, e, intervals)
        res.narrative.append(CellNarrative(s, e, text[s:e], rule))


def _fraction(text: str, s: int, e: int) -> bool:
    """'(12/30)': responders over evaluable patients."""
    return (s > 1 and text[s - 1] == "/" and text[s - 2].isdigit()) or (
        e + 1 < len(text) and text[e] == "/" and text[e + 1].isdigit())


def _in_name(text: str, s: int, e: int) -> bool:
    """'CPT-11', 'G3', 'stage-1', 'NET001': a letter (or a hyphen and a letter) touches the number."""
    before = text[s - 1] if s > 0 else " "
    after = text[e] if e < len(text) else " "
    return (before.isalpha() or after.isalpha() or (before == "-" and s > 1 and text[s - 2].isalpha())
            or (after == "-" and e + 1 < len(text) and text[e + 1].isalpha()))


def rule_by_characters(text: str, s: int, e: int, intervals: list[tuple[int, int]]) -> str:
    """The rule of a number text[s:e] no grammar rule gave a role, from the characters around it."""
    if _fraction(text, s, e):
        return "fraction_count"
    if any(ps <= s and e <= pe for ps, pe in intervals):
        return "interval"             # "13.2 months (6.3-21.1)": a value's CI or range
    if _in_name(text, s, e):
        return "part_of_name"
    return "no_rule"
