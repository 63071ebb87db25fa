"""Body lines -> tokens: each token with what the column scorers ask of it, worked out once."""
from __future__ import annotations

import re
from functools import lru_cache

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
                 "nct", "caps", "colon", "paren", "open_end", "nct_text", "site_digits", "bare", "number",
                 "percent", "starts")

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
        (self.nct, self.nct_text, self.caps, self.colon, self.paren, self.open_end, self.site_digits,
         self.bare, self.number, self.percent) = _text_tests(text, low, norm)
        self.starts: tuple[bool, bool, bool] | None = None  # kinds.dead_start's token tests, once

    @classmethod
    def _at(cls, word: tuple, line: int, start: int, end: int, tab_before: bool, first: bool) -> "Tok":
        """The token of a word (_word: its clean forms and tests) at a place in a line: as
        Tok(text, low, norm, ...) makes it, without working the word's tests out again."""
        t = object.__new__(cls)
        (t.text, t.low, t.norm, t.nct, t.nct_text, t.caps, t.colon, t.paren, t.open_end, t.site_digits,
         t.bare, t.number, t.percent) = word
        t.line, t.start, t.end, t.tab_before, t.first, t.starts = line, start, end, tab_before, first, None
        return t

    def __repr__(self) -> str:
        return f"Tok({self.text!r}, line {self.line}, {self.start}-{self.end})"


_BARE_NUMBER = re.compile(r"\d+(?:\.\d+)?")
NUMBER = re.compile(r"[\d.]+")                      # (shapes._NUMBER)
PERCENT_START = re.compile(r"\d+(?:\.\d+)?%$")     # a rate: no descriptive cell starts on one (kinds)


def _text_tests(text: str, low: str, norm: str) -> tuple[bool, ...]:
    """A token's tests that depend on its characters only (see Tok)."""
    return (norm[:3] == "NCT" and bool(NCT.match(norm)),     # an NCT id
            text[:3] == "NCT" and bool(NCT.match(text)),     # the same, as printed
            norm in _SENTENCE_CAPS,                          # a capitalised sentence word ("Among", "In")
            norm.endswith(":"),                              # a label ("placebo:")
            "(" in norm or ")" in norm,
            bool(CONT_END.search(low)),                      # no cell ends on it ("vs.", "and", "+", "(")
            bool(_SITE_DIGITS.match(text)),                  # digits no site cell holds
            bool(_BARE_NUMBER.fullmatch(norm)),              # a number alone ("44", "68.2")
            bool(NUMBER.fullmatch(norm)),                    # digits and points only ("44", "1.2.")
            bool(PERCENT_START.match(norm)))                 # a rate ("12%", "4.5%")


# raw token text -> (text, low, norm, then _text_tests), None for a token that cleans to
# nothing: most words of a table (numbers, drug names, operators) come again and again, in
# its rows and in every table after it; bounded, as it lives as long as the process
@lru_cache(maxsize=50_000)
def _word(text: str) -> tuple | None:
    c = clean(text)
    if not c:
        return None              # a lone typographic space between two spaces
    low = c.lower()
    return (text, low, c, *_text_tests(text, low, c))


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
    at = Tok._at
    for ln in lines:
        # the runs of characters other than space and tab and their offsets, from str.split (a tab is a space of
        # the same length); prev_end: the end of the last token kept
        text, number, tabs = ln.text, ln.number, "\t" in ln.text
        prev_end = pos = 0
        for piece in (text.replace("\t", " ") if tabs else text).split(" "):
            if piece:
                word = _word(piece)
                end = pos + len(piece)
                if word is not None:
                    out.append(at(word, number, pos, end, tabs and "\t" in text[prev_end:pos], prev_end == 0))
                    prev_end = end
                pos = end + 1
            else:
                pos += 1
    return out


# a test statistic: the line under a row giving its comparisons ("P=0.002 HR 0.57 (0.41-0.79)")
# ("NS" alone: the comparison above was not significant)
_STATISTIC_START = re.compile(r"(?:p\s*[<=>≤≥]|hr\s*[:=]?\s*\d|n\.?s\.?\s*$)", re.I)


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
    toks = (text if text.isascii() else clean(text)).rsplit(None, 1)     # (the last word of clean(text))
    return bool(toks) and bool(CONT_END.search(toks[-1].lower()))
