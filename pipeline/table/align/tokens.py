"""Body lines -> tokens: each token with what the column scorers ask of it, worked out once."""
from __future__ import annotations

import re

from ...model import Line
from ...normalize.text import clean

NCT = re.compile(r"^NCT\d{8}[,;]?$")
# words that start a sentence of free text, not a cell
SENTENCE_START = {"among", "in", "of", "the", "a", "an", "all", "for", "with", "overall", "median",
                  "orr", "dcr", "mpfs", "mos", "pfs", "os", "after", "at", "this", "patients",
                  "across", "compared", "no", "only", "both", "two", "three", "results", "when",
                  "by", "from", "there", "responses", "response", "objective", "because", "although",
                  "however", "while", "since", "during", "moreover", "additionally", "notably", "thus",
                  "therefore", "these", "those", "it", "its", "they", "one", "enrollment", "enrolment"}
_SENTENCE_CAPS = {w.capitalize() for w in SENTENCE_START if len(w) > 1 and w not in ("orr", "dcr", "mpfs", "mos", "pfs", "os", "all", "median", "objective", "overall")}
# no cell ends on these: the cell goes on after them ("vs.", "and", "+", "(")
CONT_END = re.compile(r"(?:(?<=\w)-|[,+/(&=<>≤≥:×]|\b(?:or|and|with|plus|of|vs\.?|versus|in|the|et|every|per|at|hr))$", re.I)
# digits a site cell may hold: a grade ("G3 GEP NENs") and counts of patients per site
# ("93 lung LC-NEC 92 GEP NECs", "(13 G3, 10 GEP)"); any other number is not a site's
_SITE_DIGITS = re.compile(r"^(?!\(?G\d(?:-\d)?\b|\(?\d+[,;)]?$)\S*\d")


class Tok:
    """One token of a body line, with what the column scorers ask of it (worked out once per
    token, not once per span it is in). Read-only by convention."""
    __slots__ = ("text", "low", "norm", "line", "start", "end", "tab_before", "first",
                 "nct", "caps", "colon", "paren", "open_end", "nct_text", "site_digits", "bare", "starts")

    def __init__(self, text: str, low: str, norm: str, line: int, start: int, end: int,
                 tab_before: bool = False, first: bool = False):
        self.text = text            # original characters
        self.low = low              # clean, lower case
        self.norm = norm            # clean
        self.line = line
        self.start = start          # offset in its line
        self.end = end
        self.tab_before = tab_before        # a tab separates it from the token before: a cell boundary
        self.first = first                  # the first token of its line
        self.nct = norm[:3] == "NCT" and bool(NCT.match(norm))    # an NCT id
        self.nct_text = text[:3] == "NCT" and bool(NCT.match(text))   # the same, as printed
        self.caps = norm in _SENTENCE_CAPS  # a capitalised sentence word ("Among", "In")
        self.colon = norm.endswith(":")     # a label ("placebo:")
        self.paren = "(" in norm or ")" in norm
        self.open_end = bool(CONT_END.search(low))      # no cell ends on it ("vs.", "and", "+", "(")
        self.site_digits = bool(_SITE_DIGITS.match(text))   # digits no site cell holds
        self.bare = bool(_BARE_NUMBER.fullmatch(norm))      # a number alone ("44", "68.2")
        self.starts: tuple[bool, bool, bool] | None = None  # kinds.dead_start's token tests, once

    def __repr__(self) -> str:
        return f"Tok({self.text!r}, line {self.line}, {self.start}-{self.end})"


_TOKEN = re.compile(r"[^ \t]+")
_BARE_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def tokenize_lines(lines: list[Line], cache: dict[int, list[Tok]] | None = None) -> list[Tok]:
    """Tokens of lines, in order; `cache` (line number -> tokens) keeps one table's lines
    from being split again for every grouping of lines the row DP tries."""
    if cache is not None:
        out = []
        for ln in lines:
            got = cache.get(ln.number)
            if got is None:
                got = cache[ln.number] = tokenize_lines([ln])
            out += got
        return out
    out = []
    for ln in lines:
        prev_end = 0
        for m in _TOKEN.finditer(ln.text):
            c = clean(m.group(0))
            if not c:
                continue            # a lone typographic space between two spaces
            tab = "\t" in ln.text[prev_end:m.start()]
            out.append(Tok(m.group(0), c.lower(), c, ln.number, m.start(), m.end(), tab, prev_end == 0))
            prev_end = m.end()
    return out


# a test statistic: the line under a row giving its comparisons ("P=0.002 HR 0.57 (0.41-0.79)")
_STATISTIC_START = re.compile(r"(?:p\s*[<=>≤≥]|hr\s*[:=]?\s*\d)", re.I)


def starts_continuation(text: str) -> bool:
    """Does a line start as the rest of a cell of the line before ("and placebo", "(n = 12)"),
    or with a test statistic, which no row's first cell is ("P=0.002 HR 0.57 (0.41-0.79)")?"""
    s = text.lstrip()
    return bool(s) and (s[0].islower() or s[0] in "(+,;/" or starts_statistic(s))


def starts_statistic(text: str) -> bool:
    """A test statistic ("P<0.001", "HR 0.57") or a list bullet ("• Median OS: 11.4 months"):
    the next item of a cell's list, which no row's first cell starts with."""
    return bool(_STATISTIC_START.match(text)) or text[:1] in _BULLETS


_BULLETS = "•▪◦●"


def ends_continuation(text: str) -> bool:
    """Does a line end inside a cell ("Gemcitabine +", "... vs.")?"""
    toks = clean(text).split()
    return bool(toks) and bool(CONT_END.search(toks[-1].lower()))
