"""What the column scorers ask of a token span whatever its column, worked out once per span.

A row's spans are scored for several column kinds (a span may be the Line, the Phase, the
Treatment, the Agent or the sites cell); the tests that do not depend on the kind (does it
end on "vs.", start on a dose, hold a sentence word, leave a parenthesis open ...) are made
once here, as Tok makes its tests once per token. The kinds combine them with their own
flags (kinds.py)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .shapes import _ABBREV_DOTS, _N_EQUALS, _starts_on_dose, _unbalanced, _value_ends_line
from .tokens import Tok

if TYPE_CHECKING:
    from .context import TableContext

# capitalised words that head a group's name, its letter or number after them ("Part A", "Cohort 2")
NAMING_WORDS = ("Part", "Arm", "Cohort", "Group")
_NAMING_END = re.compile(rf"(?:^|/)(?:{'|'.join(NAMING_WORDS)})$")


class SpanFacts:
    """The kind-independent tests of one span of tokens. Read-only by convention."""
    __slots__ = ("text", "et_al", "open_end", "bracket_start", "paren_start", "starts_on_dose", "equals_end",
                 "n_first", "colon", "caps", "nct", "sentence_end", "n_equals", "value_ends_line",
                 "naming_end", "unbalanced")

    def __init__(self, toks: list[Tok], ctx: TableContext):
        first, last, n = toks[0], toks[-1], len(toks)
        self.text = text = " ".join([t.norm for t in toks])
        self.et_al = first.low == "et" and n > 1 and toks[1].low.startswith("al")   # "et al."
        self.open_end = last.open_end               # ends on "vs.", "and", "+", "("
        self.bracket_start = first.norm.startswith(("(", "["))
        self.paren_start = first.norm.startswith("(")
        self.starts_on_dose = _starts_on_dose(toks)     # "10 mg/kg ..."
        self.equals_end = "=" in last.low
        self.n_first = first.norm in ("N", "n") and n > 1
        colon = caps = nct = False
        for t in toks:
            colon, caps, nct = colon or t.colon, caps or t.caps, nct or t.nct
        self.colon, self.caps, self.nct = colon, caps, nct
        low = last.low      # a sentence's end (not "et al.", "vs.", nor a number's point)
        self.sentence_end = low.endswith(".") and low not in _ABBREV_DOTS and len(low) > 2 and not low[:-1].isdigit()
        self.n_equals = "=" in text and bool(_N_EQUALS.search(text))     # "N = 85" counts patients
        self.value_ends_line = n > 1 and _value_ends_line(toks, ctx)
        self.naming_end = n > 1 and last.norm.endswith(NAMING_WORDS) and bool(_NAMING_END.search(last.norm))
        self.unbalanced = _unbalanced(toks)
