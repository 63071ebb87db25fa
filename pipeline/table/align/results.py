"""Labelled result cells: value columns of a pasted table whose cells say what they hold.

Some reviews write their response and survival columns as short text that names the arm
and the measure before each value ("Arm X: ORR 12%", "Arm X: median OS: 9.1 months",
"41% at 1 year", "Low dose: 58% at 1 year"). Pasted, such a cell runs on over several lines
and into the next column with nothing between them; what marks its boundaries is the shape
of its clauses:

    clause := [LABEL ":"] [MEASURE [":"]] VALUE [UNIT] [(...)] ["at" N TIME-UNIT]

LABEL is a few words ending on a colon; MEASURE is a measure's name as the header lexicon
knows it ("ORR", "median OS", "1-year OS"). `read_clauses` reads a span as such clauses;
`labelled_clauses` counts, in a table's tokens, the clauses that name both an arm and a
measure: a table with two or more of them writes its value columns this way, and the
aligner scores those columns with the clause reader (kinds.py "response_text",
"survival_text").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ...normalize.units import time_unit
from ..header import classify_header
from .tokens import Tok

# the value columns each family of labelled result cells stands for, and their measures' names
RESPONSE_COLUMNS = ("orr_pct", "dcr_pct")
SURVIVAL_COLUMNS = ("pfs_median", "os_median", "pfs_rate", "os_rate")
# how many words a label or a measure's name has at most
MAX_LABEL_TOKENS = 5
MAX_NAME_TOKENS = 3
MAX_PAREN_TOKENS = 8
# a table writes its value columns as labelled clauses when it has at least this many
MIN_LABELLED_CLAUSES = 2

_VALUE = re.compile(r"^(?:\d+(?:\.\d+)?%?|NR)[,;]?$")
_PERCENT = re.compile(r"^\d+(?:\.\d+)?%[,;]?$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_VERSUS = ("vs.", "vs", "versus")


@dataclass(frozen=True)
class Clause:
    start: int                      # token span [start, end) of the clause
    end: int
    label: tuple[int, int] | None   # token span of "Arm X:" (None: no label)
    named: str | None               # the column kind of the measure it names (None: none)
    unit: str | None = None         # the value's unit: "%", a time unit ("months"), None
    bare: bool = False              # a number and nothing else: no label, name, unit or landmark
    landmark: bool = False          # "... at 2 years"


@lru_cache(maxsize=4096)
def _measure_column(words: str) -> str | None:
    """The value column a measure's name stands for ("median OS" -> os_median), else None."""
    kind = classify_header(words).canonical
    return kind if kind in RESPONSE_COLUMNS or kind in SURVIVAL_COLUMNS else None


def _name_at(toks: list[Tok], i: int) -> tuple[str, int] | None:
    """The measure named from token i ("median OS:", "ORR", "1-year OS"): its column and
    the index after it."""
    for n in range(min(MAX_NAME_TOKENS, len(toks) - i), 0, -1):
        span = toks[i:i + n]
        # (a landmark may lead the name: "2 year OS", "6 months PFS")
        lead = 2 if n > 2 and _NUMBER.match(span[0].norm) and time_unit(span[1].low.strip(".,;")) else 0
        if any(t.colon for t in span[:-1]) or any(_VALUE.match(t.norm) for t in span[lead:]):
            continue
        kind = _measure_column(" ".join(t.norm for t in span).rstrip(":"))
        if kind is not None:
            return kind, i + n
    return None


def _label_at(toks: list[Tok], i: int) -> int | None:
    """The index after a label starting at token i ("Arm X:", "For the whole cohort:",
    "10 mg dose:"), else None. A label starts on a capital or a digit and holds no rate and
    no duration ("1 year": the landmark of the value before); one starting on a number holds
    no capitalised word ("24 mg daily Drug:" is a dose of the cell before, then "Drug:")."""
    first = toks[i].norm
    if not (first[:1].isupper() or first[:1].isdigit()):
        return None
    for j in range(i, min(len(toks), i + MAX_LABEL_TOKENS)):
        t = toks[j]
        if _PERCENT.match(t.norm) or t.paren or (time_unit(t.low.strip(".,;:")) and j > i
                                                 and _NUMBER.match(toks[j - 1].norm)) \
                or (j > i and first[:1].isdigit() and t.norm[:1].isupper()):
            return None
        if t.colon:
            return j + 1
    return None


def _after_value(toks: list[Tok], j: int) -> tuple[int, str | None, bool]:
    """The index after what may follow a value: its unit, a parenthesis ("(21-53%)") and a
    landmark ("at 2 years"); the unit, and whether there is a landmark."""
    unit, landmark = None, False
    if j < len(toks) and (time_unit(toks[j].low.strip(".,;")) or toks[j].norm == "%"):
        unit = time_unit(toks[j].low.strip(".,;")) or "%"
        j += 1
    if j < len(toks) and toks[j].norm.startswith("("):
        for k in range(j, min(len(toks), j + MAX_PAREN_TOKENS)):
            if toks[k].norm.rstrip(".,;").endswith(")"):
                j = k + 1
                break
    if j + 2 < len(toks) and toks[j].low == "at" and _NUMBER.match(toks[j + 1].norm) \
            and time_unit(toks[j + 2].low.strip(".,;")):
        j, landmark = j + 3, True
    return j, unit, landmark


def _value_end(toks: list[Tok], j: int) -> int | None:
    """The index after a value starting at token j ("12.5%", "9.1", "NR", "not reached")."""
    if j >= len(toks):
        return None
    if _VALUE.match(toks[j].norm):
        return j + 1
    if toks[j].low == "not" and j + 1 < len(toks) and toks[j + 1].low.startswith("reached"):
        return j + 2
    return None


def read_clause(toks: list[Tok], i: int) -> Clause | None:
    """The clause starting at token i, or None when none does."""
    label = None
    name = _name_at(toks, i)
    j = i
    if name is None:
        end = _label_at(toks, i)
        if end is not None:
            label, j = (i, end), end
            name = _name_at(toks, j)
    if name is not None:
        j = name[1]
    if j >= len(toks):
        return None
    value = toks[j].norm
    j = _value_end(toks, j)
    if j is None:
        return None
    end, unit, landmark = _after_value(toks, j)
    while end + 1 < len(toks) and toks[end].low in _VERSUS and _value_end(toks, end + 1) is not None:
        end, unit, landmark = _after_value(toks, _value_end(toks, end + 1))    # "12% vs. 8%"
    if _PERCENT.match(value):
        unit = "%"
    bare = label is None and name is None and end == j and _NUMBER.match(value) is not None
    return Clause(i, end, label, name[0] if name else None, unit, bare, landmark)


def read_clauses(toks: list[Tok]) -> list[Clause] | None:
    """A span read as labelled result clauses, one after the other to its end (None: it is
    not only such clauses)."""
    out: list[Clause] = []
    i = 0
    while i < len(toks):
        c = read_clause(toks, i)
        if c is None:
            return None
        out.append(c)
        i = c.end
    return out or None


_NOTE_MAX = 8           # longest note before a value cell's named results


def noted_results(kind: str, toks: list[Tok]) -> bool:
    """A note ending on a colon, then results that each name their measure, of the column's
    own family ("Median follow-up 2 years (range 1-4): 1-year OS 60% Median OS 30 weeks"
    under a survival column): a cell the copy merged over several value columns, which says
    what each value is."""
    lead = next((k for k, t in enumerate(toks[:_NOTE_MAX]) if t.colon), None)
    family = next((f for f in (RESPONSE_COLUMNS, SURVIVAL_COLUMNS) if kind in f), None)
    if lead is None or family is None or lead + 1 >= len(toks):
        return False
    clauses = read_clauses(toks[lead + 1:])
    return clauses is not None and all(c.named in family and c.label is None for c in clauses)


def labelled_clauses(toks: list[Tok], at_most: int | None = None) -> int:
    """How many clauses in a table's tokens name both an arm and a measure ("Arm X: ORR
    12%"), counting up to `at_most`. Such a clause opens with a label, which ends on a colon
    within MAX_LABEL_TOKENS: only where one is that near is a clause read (reading one at
    every token cost a fifth of a whole run on tables that have none)."""
    colon_at = [len(toks)] * (len(toks) + 1)    # the first token at or after i that ends on ':'
    for i in range(len(toks) - 1, -1, -1):
        colon_at[i] = i if toks[i].colon else colon_at[i + 1]
    n, i = 0, 0
    while i < len(toks) and (at_most is None or n < at_most):
        c = read_clause(toks, i) if (colon_at[i] - i < MAX_LABEL_TOKENS
                                     and (i == 0 or not toks[i - 1].colon)) else None
        if c is not None and c.label is not None and c.named is not None:
            n += 1
            i = c.end
        else:
            i += 1
    return n


def result_column(canonical: str) -> str | None:
    """The aligner's kind for a value column of a table with labelled result cells
    ("response_text", "survival_text"), None for a column of another kind (a count)."""
    if canonical in RESPONSE_COLUMNS:
        return "response_text"
    if canonical in SURVIVAL_COLUMNS:
        return "survival_text"
    return None
