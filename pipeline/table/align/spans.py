"""What the column scorers ask of a token span whatever its column, worked out once per span.

A row's spans are scored for several column kinds (a span may be the Line, the Phase, the
Treatment, the Agent or the sites cell); the tests that do not depend on the kind (does it
end on "vs.", start on a dose, hold a sentence word, leave a parenthesis open ...) are made
once here, as Tok makes its tests once per token. The kinds combine them with their own
flags (kinds.py)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .shapes import _ABBREV_DOTS, _N_EQUALS, _row_break, _starts_on_dose, _value_ends_line
from .tokens import Tok

if TYPE_CHECKING:
    from .context import TableContext

# capitalised words that head a group's name, its letter or number after them ("Part A", "Cohort 2")
NAMING_WORDS = ("Part", "Arm", "Cohort", "Group")
_NAMING_END = re.compile(rf"(?:^|/)(?:{'|'.join(NAMING_WORDS)})$")


class SpanFacts:
    """The kind-independent tests of one span of tokens. Read-only by convention.

    `extended` makes the facts of the span one token longer from these (the row programmes
    score the spans from a token in order of length) in constant time, not by a pass over
    its tokens; both ways give the same facts (tests/test_span_facts.py)."""
    __slots__ = ("text", "et_al", "open_end", "bracket_start", "paren_start", "starts_on_dose", "equals_end",
                 "n_first", "colon", "caps", "nct", "sentence_end", "n_equals", "value_ends_line",
                 "naming_end", "unbalanced", "_n", "_last", "_depth", "_below")

    def __init__(self, toks: list[Tok], ctx: TableContext):
        first, last, n = toks[0], toks[-1], len(toks)
        self.text = text = first.norm if n == 1 else " ".join([t.norm for t in toks])
        self.et_al = first.low == "et" and n > 1 and toks[1].low.startswith("al")   # "et al."
        self.open_end = last.open_end               # ends on "vs.", "and", "+", "("
        self.bracket_start = first.norm.startswith(("(", "["))
        self.paren_start = first.norm.startswith("(")
        self.starts_on_dose = n > 1 and _starts_on_dose(toks)     # "10 mg/kg ..." (two tokens at least)
        self.equals_end = "=" in last.low
        self.n_first = first.norm in ("N", "n") and n > 1
        if n == 1:
            colon, caps, nct = first.colon, first.caps, first.nct
        else:
            colon = caps = nct = False
            for t in toks:
                colon, caps, nct = colon or t.colon, caps or t.caps, nct or t.nct
        self.colon, self.caps, self.nct = colon, caps, nct
        low = last.low      # a sentence's end (not "et al.", "vs.", nor a number's point)
        self.sentence_end = low.endswith(".") and low not in _ABBREV_DOTS and len(low) > 2 and not low[:-1].isdigit()
        self.n_equals = "=" in text and bool(_N_EQUALS.search(text))     # "N = 85" counts patients
        self.value_ends_line = n > 1 and _value_ends_line(toks, ctx)
        self.naming_end = n > 1 and last.norm.endswith(NAMING_WORDS) and bool(_NAMING_END.search(last.norm))
        # cut inside a parenthesis ("(13 G3, 10 GEP, 4" | "GEP NECs)"): one closes before it
        # opens, or one is left open; `extended` carries on the length, the last token, the
        # depth at the end and whether it went below zero on the way
        self._n, self._last = n, last
        depth, below = 0, False
        for t in toks:
            if t.paren:         # (_paren_walk of a token without parentheses: 0, 0)
                d, low = _paren_walk(t)
                below = below or depth + low < 0
                depth += d
        self._depth, self._below = depth, below
        self.unbalanced = bool(below) or depth != 0

    def extended(self, toks: list[Tok], ctx: TableContext) -> "SpanFacts":
        """The facts of `toks`: this span and one token more."""
        t, n = toks[-1], self._n + 1
        f = object.__new__(SpanFacts)
        f.text = text = self.text + " " + t.norm
        f.et_al = self.et_al if n > 2 else toks[0].low == "et" and t.low.startswith("al")
        f.open_end = t.open_end
        f.bracket_start, f.paren_start = self.bracket_start, self.paren_start
        f.starts_on_dose = self.starts_on_dose if n > 3 else _starts_on_dose(toks)
        f.equals_end = "=" in t.low
        f.n_first = toks[0].norm in ("N", "n")
        f.colon, f.caps, f.nct = self.colon or t.colon, self.caps or t.caps, self.nct or t.nct
        low = t.low
        f.sentence_end = low.endswith(".") and low not in _ABBREV_DOTS and len(low) > 2 and not low[:-1].isdigit()
        f.n_equals = (bool(_N_EQUALS.search(text)) if "=" in t.norm else self.n_equals)
        f.value_ends_line = self.value_ends_line or _row_break(self._last, t, ctx)
        f.naming_end = t.norm.endswith(NAMING_WORDS) and bool(_NAMING_END.search(t.norm))
        if t.paren:
            d, lo = _paren_walk(t)
            f._below = self._below or self._depth + lo < 0
            f._depth = self._depth + d
        else:                   # (_paren_walk: 0, 0)
            f._below, f._depth = self._below, self._depth
        f.unbalanced = f._below or f._depth != 0
        f._n, f._last = n, t
        return f


def _paren_walk(t: Tok) -> tuple[int, int]:
    """A token's parentheses: the depth they leave (opened less closed) and the lowest depth
    reached inside the token (0 or below)."""
    if not t.paren:
        return 0, 0
    depth = low = 0
    for ch in t.norm:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            low = min(low, depth)
    return depth, low
