"""The token view of one outcome cell and the small questions the grammar asks of it.

`Cell` holds the cell's text (as written and normalised), its spaCy tokens, and what the
patterns found in it (grammar/matches.py fills it in): the measures named (`Mention`), the
landmarks, the "not reached" spans, and a role for every number that is not a value (a
narrative rule of vocab.NARRATIVE_RULES). `Value` is a number the grammar reads as a value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from functools import lru_cache

from spacy.attrs import IDX, ORTH
from spacy.lang.lex_attrs import is_punct
from spacy.pipeline import Sentencizer

from ... import vocab
from ...normalize.text import normalize
from ...normalize.units import time_unit

# the measures free text is read for, and those of them that are rates (a % value)
MEASURES = {m for m in vocab.MEASURES if m != "n"}           # counts are read by their own rules
RATE_MEASURES = {m for m in MEASURES if vocab.MEASURE_UNIT[m] == "%"}
NUM_RX = re.compile(r"^(?:\d+(?:\.\d+)?|\d{1,3}(?:,\d{3})+)$")   # "1,234": thousands separators
VS_WORDS = ("vs.", "vs", "versus")
# between two values, "v" is "versus" too ("31.5% v 12.4%")
VS_BETWEEN = (*VS_WORDS, "v", "v.")


# what ends a sentence: spaCy's sentencizer's marks, and a list bullet, which ends an item as a
# full stop ends a sentence ("• ORR: 27% • Grade 3 AEs: 13%")
SENTENCE_ENDS = frozenset([*Sentencizer.default_punct_chars, "•", "▪", "●"])


def sentence_bounds(words: list[str]) -> list[tuple[int, int]]:
    """The sentences of a cell's tokens, [start, end) each: spaCy's sentencizer rule (a
    sentence starts at the first token after a sentence end that is no punctuation), worked
    out over the token texts instead of spaCy Token objects (a sentencizer pipe made the
    tokenizer's Doc cost twice as much)."""
    starts, seen_end = [0], False
    for i, w in enumerate(words):
        if w in SENTENCE_ENDS:
            seen_end = True
        elif seen_end and not _is_punct(w):
            if i:
                starts.append(i)
            seen_end = False
    return list(zip(starts, starts[1:] + [len(words)])) if words else []


_is_punct = lru_cache(maxsize=4096)(is_punct)     # spaCy's IS_PUNCT lexeme attribute


def number(word: str) -> float:
    """A number token (NUM_RX) as a float: "1,234" -> 1234."""
    return float(word.replace(",", ""))


@dataclass
class Mention:
    label: str          # measure name, "other", "follow_up", ...
    start: int          # token indices [start, end)
    end: int
    tp_months: float | None = None
    arms: tuple[str, ...] | None = None   # "ORR (durva vs. placebo) ...": the arms it names


@dataclass
class Value:
    tok: int            # token index of the number (or first token of "not reached")
    end_tok: int        # token index after the value (incl. its unit)
    value: float | None
    nr: bool
    unit: str | None    # "%", "months", "weeks", ... (canonical) or None
    unit_rep: str | None
    pop: str | None = None        # "in NEC" after the value
    pop_span: tuple[int, int] | None = None


# token id -> (text, lower case, is a number): the same words recur in every cell
_TOKEN_FACTS: dict[int, tuple[str, str, bool]] = {}
_MAX_TOKEN_FACTS = 50_000


def _token_facts(orths: list[int], strings) -> list[tuple[str, str, bool]]:
    """Each token's text (by its id: no Token objects made), lower case and NUM_RX test,
    remembered per id (an id is the hash of its text) up to _MAX_TOKEN_FACTS ids."""
    out = []
    for o in orths:
        f = _TOKEN_FACTS.get(o)
        if f is None:
            w = strings[o]
            f = (w, w.lower(), bool(NUM_RX.match(w)))
            if len(_TOKEN_FACTS) < _MAX_TOKEN_FACTS:
                _TOKEN_FACTS[o] = f
        out.append(f)
    return out


class Cell:
    """One outcome cell: the clean text, its tokens and what the patterns found."""

    def __init__(self, text: str, nlp):
        self.original = text
        self.norm = normalize(text)
        self.doc = nlp.make_doc(self.norm.text)
        orths, self._idx = self._orth_and_idx()
        facts = _token_facts(orths, self.doc.vocab.strings)
        self.words = [f[0] for f in facts]
        self.sentences = sentence_bounds(self.words)
        self.lower = [f[1] for f in facts]     # spaCy's LOWER is str.lower()
        self._num = [f[2] for f in facts]      # is_num, once per token
        self.role: dict[int, str] = {}          # token index -> rule for numbers not values
        self.mentions: list[Mention] = []
        self.timepoints: list[tuple[int, int, float]] = []
        self.landmarks: list[tuple[int, int, float]] = []   # '2-year:', '3-year EFS': a heading landmark
        self.nr_spans: list[tuple[int, int]] = []
        self.pe_spans: list[tuple[int, int]] = []
        self.default: Mention | None = None      # the column's own measure (numeric cells)
        self.default_unit: str | None = None

    def _orth_and_idx(self) -> tuple[list[int], list[int]]:
        """Each token's id and its character offset in the clean text, in one array (spans
        are asked of these, not of Token objects made per question)."""
        if not len(self.doc):
            return [], []
        arr = self.doc.to_array([ORTH, IDX])
        return arr[:, 0].tolist(), arr[:, 1].tolist()

    # char span in the ORIGINAL text of tokens [a, b)
    def span(self, a: int, b: int) -> tuple[int, int]:
        st = self._idx[a]
        en = self._idx[b - 1] + len(self.words[b - 1])
        return self.norm.span(st, en)

    def text_of(self, a: int, b: int) -> str:
        s, e = self.span(a, b)
        return self.original[s:e]

    def is_num(self, i: int) -> bool:
        return 0 <= i < len(self._num) and self._num[i]

    def nums_in(self, a: int, b: int) -> list[int]:
        """Token indices of the numbers in [a, b)."""
        return [i for i in range(a, b) if self.is_num(i)]

    def mark(self, a: int, b: int, rule: str) -> None:
        """Every number in tokens [a, b) gets `rule`."""
        for i in self.nums_in(a, b):
            self.role[i] = rule


def unit_after(cell: Cell, i: int) -> tuple[str | None, str | None, int]:
    """Unit right after token i: ('%', '%', next) or ('months', 'months', next) or (None, None, i+1)."""
    j = i + 1
    if j < len(cell.words):
        w = cell.words[j]
        if w == "%":
            return "%", "%", j + 1
        tu = time_unit(w) if len(w) > 1 or w == "m" else None   # "14.3 m" is months here
        if tu:
            return tu, w, j + 1
    return None, None, i + 1


def depth(cell: Cell, a: int, i: int) -> int:
    """How many parentheses opened in tokens [a, i) are still open at i."""
    d = 0
    for k in range(a, i):
        if cell.words[k] == "(":
            d += 1
        elif cell.words[k] == ")":
            d = max(0, d - 1)
    return d


def depth0_split(cell: Cell, a: int, b: int, sep: str) -> list[tuple[int, int]]:
    """Tokens [a, b) cut at every `sep` outside parentheses (empty pieces dropped)."""
    out, d, start = [], 0, a
    for i in range(a, b):
        w = cell.words[i]
        if w == "(":
            d += 1
        elif w == ")":
            d = max(0, d - 1)
        elif w == sep and d == 0:
            out.append((start, i))
            start = i + 1
    out.append((start, b))
    return [(x, y) for x, y in out if y > x]


def n_equals(cell: Cell, i: int) -> bool:
    """Tokens from i read "( n = <number>": a group's patient count."""
    return (i + 3 < len(cell.words) and cell.words[i] == "(" and cell.lower[i + 1] == "n"
            and cell.words[i + 2] == "=" and cell.is_num(i + 3))

