"""Free-text outcome cells -> measures, each with its evidence span.

spaCy does the tokenising, sentence splitting and pattern matching (patterns are data, in
data/patterns.json); the grammar is plain functions over the matched spans, in the
outcomes/grammar package:

1. every number gets a role: part of a threshold ("Ki-67 >= 10%"), a non-responder count,
   an assessment week, a criteria version, a dose, a measure's landmark ("12-month OS"),
   a follow-up time, a patient count, or a value (grammar/matches.py);
2. a sentence opening "Among/Of/In N <who>," sets the cohort count (or a subgroup count
   when the cohort is already known), "In <who>," sets the population for the sentence
   (grammar/sentences.py);
3. counts: "24 and 19 were GEP-NENs and NECs, respectively", "9 were GEP-NECs",
   ", including 25 GEP-NECs", "17 CPT-11 and 5 PTX" (grammar/counts.py);
4. values go to the nearest preceding measure named in their clause, or pair up with a list
   of measures or populations when the clause says "respectively"; "x% in NEC and y% in
   NET" gives each value its own population (grammar/values.py, grammar/clauses.py);
5. "The primary endpoint, X, was (not) met" (grammar/sentences.py).
Numbers that get no measure are returned as narrative with the rule that left them out
(grammar/accounting.py).
"""
from __future__ import annotations

from .grammar.accounting import account_numbers
from .grammar.matches import read_cell
from .grammar.nlp import nlp_and_matcher
from .grammar.populations import arms_header
from ..model import CellMeasure, CellNarrative
from .grammar.records import OutcomeParse
from .grammar.sentences import State, sentence
from .grammar.tokens import MEASURES, RATE_MEASURES, Mention

__all__ = ["MEASURES", "RATE_MEASURES", "CellMeasure", "CellNarrative", "OutcomeParse", "cell_arm_names",
           "named_measure", "nlp_and_matcher", "parse_outcomes"]


def named_measure(text: str | None) -> tuple[str, float | None] | None:
    """The measure a short label names ('PFS' -> pfs_median, '12-mo OS' -> os_rate at 12),
    or None ('TTP', 'QoL': outcomes this dataset does not measure)."""
    if not text or not text.strip():
        return None
    cell = read_cell(text)
    for m in cell.mentions:
        if m.label in MEASURES:
            return m.label, m.tp_months
        return None            # a look-alike named first (TTP, DOR)
    return None


def names_other_outcome(text: str | None) -> bool:
    """Does a short label name first an outcome this dataset does not measure ('HR', 'TTP',
    'P'), so that a number after it is that outcome's value, not a subgroup's?"""
    if not text or not text.strip():
        return False
    mentions = read_cell(text).mentions
    return bool(mentions) and mentions[0].label not in MEASURES


def parse_outcomes(text: str | None, arms: list[str] | None = None, default: str | None = None,
                   default_unit: str | None = None, default_tp: float | None = None) -> OutcomeParse:
    """Parse one free-text outcome cell. Never raises on odd text: unparsed numbers come back
    as narrative (rule 'no_rule') so nothing is lost silently.

    `arms`: the row's arm labels, used to name the values of "x vs. y" comparisons.
    `default`: the measure of the column the text sits in ("11.4 m vs. 5.5 m" in a median PFS
    column, "5.7 mo (43.2% 6-mo PFS)"): values before any named measure are that measure, bare
    numbers in `default_unit` (the column header's unit)."""
    res = OutcomeParse()
    if not text or not text.strip():
        return res
    cell = read_cell(text)
    arms = _arms_of_header(cell) or arms
    if default:
        cell.default = Mention(default, 0, 0, default_tp)
        cell.default_unit = default_unit
    state = State(arms)
    used: set[int] = set()
    for start, end in cell.sentences:
        sentence(cell, start, end, state, res, used)
    account_numbers(cell, res)
    return res


def _arms_of_header(cell) -> list[str] | None:
    """'X vs X-Y: Liver: 6.1% vs 14.5%': the arms the cell names before its first colon,
    unless a measure is named there ('ORR vs DCR:')."""
    names = arms_header(cell.original)
    if names is None:
        return None
    colon = cell.words.index(":") if ":" in cell.words else 0
    return None if any(m.start < colon for m in cell.mentions) else names


def cell_arm_names(text: str | None) -> list[str] | None:
    """The arms a results cell names for the whole row ('A vs B: ...'), or None."""
    if not text or arms_header(text) is None:
        return None
    return _arms_of_header(read_cell(text))
