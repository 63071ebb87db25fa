"""Pasted rows -> cells: recover column boundaries lost when a table is pasted as text.

In pasted text every cell is separated by a single space, wrapped cells continue on the
next line, and a cell spanning down appears only on its first row. Each body line is split
into tokens; a dynamic programme chooses, for the whole row, which tokens form which column
(or that a column is absent), maximising the sum of per-column scores: how much a token
span looks like that column's values (an NCT id, "1st", a phase, a regimen, free text, a
reference number ...) plus, in a second pass, whether the same value was seen in that column
on other rows. A second dynamic programme groups physical lines into rows.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from ..errors import InputError
from ..model import Cell, Grid, GridRow, Line, TextTable
from ..normalize.abbreviations import inline_definitions, parse_legend
from ..normalize.drugs import NOT_DRUGS, is_drug_word, site_words
from ..normalize.text import clean
from ..normalize.units import time_unit
from ..outcomes.cells import endpoint_may_hold_results, parse_value_cell, states_results
from ..vocab import MAX_MEDIAN_MONTHS
from .header import MEASURE_COLUMNS, ColumnSpec, classify_header, split_header_line, table_specs

NEG = -math.inf


@dataclass(frozen=True)
class AlignSettings:
    skip_identity: float = -1.5      # a descriptive column absent (spanned from above)
    skip_measure: float = -4.0       # a numeric column absent (cell dropped by the copy)
    skip_outcomes: float = -8.0      # the free-text column absent
    # a landmark rate column absent ("3-month PFS (%)"): reviews give a rate for fewer trials
    # than a response rate or a median, so of two readings alike its cell is the dropped one
    skip_rate: float = -3.5
    row_bonus: float = 2.0           # each row formed (favours rows over merged lines)
    vocab_bonus: float = 1.5         # value seen in the same column on another row
    vocab_malus: float = 1.5         # value seen only in another column
    long_value: float = -3.0         # a value cell longer than the column's cells on other rows
    long_value_slack: int = 2        # ... by more than this many tokens (and twice as long)
    stacked_value: float = 3.0       # each value of a cell stacked per arm, one value a line
    max_cell_tokens: int = 16        # longest non free-text cell, in tokens
    max_lines_per_row: int = 16
    lowercase_start: float = -6.0    # a row whose first line starts with a lower-case word
    leading_skip: float = -1.0       # each column a row leaves out before its first cell
    orphan_start: float = -5.0       # such a row right after a line missing its last column
    section_hint: float = 2.0        # a section line naming a setting, line or drug class
    section_weak: float = -4.0       # a short capitalised line that may also start a data row
    unbalanced: float = -3.0         # a cell whose parentheses do not pair up
    # review flags: a second reading of a row whose score is within this of the chosen one
    # makes the row's cell boundaries doubtful (flag close_alignment)
    close_margin: float = 0.25
    # a row joined from several lines whose split into two rows scores within this of it
    # was joined by guess (flag lines_joined_by_guess)
    join_margin: float = 4.0
    skip_spanned: float = -1.0       # at most this for a column absent before a row's first cell:
                                     # in a one-row-per-arm table the trial's cells span down
                                     # over its arm rows, its counts and endpoints too


DEFAULT_SETTINGS = AlignSettings()


class Tok:
    """One token of a body line, with what the column scorers ask of it (worked out once per
    token, not once per span it is in). Read-only by convention."""
    __slots__ = ("text", "low", "norm", "line", "start", "end", "tab_before", "first",
                 "nct", "caps", "colon", "paren", "open_end", "nct_text", "site_digits")

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
        self.nct = bool(NCT.match(norm))    # an NCT id
        self.nct_text = bool(NCT.match(text))   # the same, as printed
        self.caps = norm in _SENTENCE_CAPS  # a capitalised sentence word ("Among", "In")
        self.colon = norm.endswith(":")     # a label ("placebo:")
        self.paren = "(" in norm or ")" in norm
        self.open_end = bool(CONT_END.search(low))      # no cell ends on it ("vs.", "and", "+", "(")
        self.site_digits = bool(_SITE_DIGITS.match(text))   # digits no site cell holds

    def __repr__(self) -> str:
        return f"Tok({self.text!r}, line {self.line}, {self.start}-{self.end})"


# ---------------------------------------------------------------- value shapes
NCT = re.compile(r"^NCT\d{8}[,;]?$")
LINE_RX = re.compile(r"^(?:>=?\s*)?(?:1st|2nd|3rd|[4-9]th|first|second|third|fourth|later|1l|2l|3l|"
                     r"\d(?:st|nd|rd|th)?\+?)(?:[-/ ]?(?:line|l|and|or|1st|2nd|3rd|[4-9]th|\+|beyond|later))*\+?$", re.I)
PHASE_RX = re.compile(r"^(?:phase\s*)?(?:0|i{1,3}|iv|[1-4])(?:[ab])?(?:\s*/\s*(?:i{1,3}|iv|[1-4])[ab]?)?$", re.I)
REF_RX = re.compile(r"^[\[(]?\d{1,4}(?:\s*[,–-]\s*\d{1,4})*[\])]?[,;]?$")
TARGET_TOK = re.compile(r"^(?:anti-)?[A-Z0-9][A-Za-z0-9-]*(?:/[A-Z0-9][A-Za-z0-9-]*)*$")
SENTENCE_START = {"among", "in", "of", "the", "a", "an", "all", "for", "with", "overall", "median",
                  "orr", "dcr", "mpfs", "mos", "pfs", "os", "after", "at", "this", "patients",
                  "across", "compared", "no", "only", "both", "two", "three", "results", "when",
                  "by", "from", "there", "responses", "response", "objective", "because", "although",
                  "however", "while", "since", "during", "moreover", "additionally", "notably", "thus",
                  "therefore", "these", "those", "it", "its", "they", "one", "enrollment", "enrolment"}
_ABBREV_DOTS = {"al.", "vs.", "no.", "inc.", "co.", "ltd.", "retro.", "approx.", "mo.", "pts."}
OUTCOME_WORDS = {"orr", "dcr", "os", "pfs", "mos", "mpfs", "rr", "cr", "pr", "sd", "hr", "ci", "n", "nr", "dor",
                 "mdor", "ttp", "cbr", "efs", "rfs", "dfs"}
_SENTENCE_CAPS = {w.capitalize() for w in SENTENCE_START if len(w) > 1 and w not in ("orr", "dcr", "mpfs", "mos", "pfs", "os", "all", "median", "objective", "overall")}
CONT_END = re.compile(r"(?:(?<=\w)-|[,+/(&=<>≤≥:]|\b(?:or|and|with|plus|of|vs\.?|versus|in|the|et|every|per))$", re.I)
LINE_WORDS = re.compile(r"(?i)any|all|mixed|pretreated|pre-treated|previously treated|refractory|"
                        r"treatment-na[iï]ve|na[iï]ve|untreated|adjuvant|neoadjuvant|maintenance|salvage|"
                        r"(?:>=|≥)?\s*\d(?:st|nd|rd|th)?\s*-\s*\d?(?:st|nd|rd|th)|\d(?:st|nd|rd|th)\s*(?:or|/)\s*\d(?:st|nd|rd|th)")
DESIGN_WORDS = re.compile(r"(?i)retro(?:spective)?\.?|prospective|observational|real-world|case series|pooled(?: analysis)?|"
                          r"registry|cohort|expanded access|single-arm|randomi[sz]ed")
MISSING_RX = re.compile(r"^(?:-+|—|na|n/a|nr|nd|ne|not reported|not available|ongoing)$", re.I)


def _is_target_like(tokens: list[Tok]) -> bool:
    for t in tokens:
        w = clean(t.text)
        if not TARGET_TOK.match(w):
            return False
        letters = re.sub(r"[^A-Za-z]", "", w)
        if not letters or sum(c.isupper() for c in letters) < max(2, len(letters) * 0.6):
            return False
    return True


class Knowledge:
    """What the table itself says about words: drugs and sites from its legend and cells."""

    def __init__(self, legend: dict[str, str], inline: dict[str, str]):
        self.abbrev = {**legend, **inline}
        sites = site_words()
        self.site_abbrev = {k.lower() for k, v in legend.items()
                            if any(w in sites or w in ("cancer", "carcinoma", "tumor", "tumour",
                                                        "neoplasm", "junction", "sarcoma", "cholangiocarcinoma")
                                   for w in re.findall(r"[a-z]+", v.lower()))
                            and not is_drug_word(v.split()[-1])}

        self.scores: dict[tuple[str, tuple[str, ...]], float] = {}   # (kind, words) -> cell score
        self.regimen_scores: dict[str, float] = {}                    # text -> _regimen_score
        self.results_in_endpoint = False      # set for tables with no results column of their own
        self._drug: dict[str, bool] = {}
        self._site: dict[str, bool] = {}

    @classmethod
    def of_table(cls, legend: str | None, cell_text: str) -> "Knowledge":
        """What a table's legend and its cells' inline definitions ("Avelumab (Avel)") say."""
        return cls(parse_legend(legend), inline_definitions(cell_text))

    def is_drug(self, word: str) -> bool:
        got = self._drug.get(word)
        if got is None:
            got = self._drug[word] = is_drug_word(word, self.abbrev)
        return got

    def is_site(self, word: str) -> bool:
        got = self._site.get(word)
        if got is None:
            w = word.strip("(),;").lower()
            got = self._site[word] = w in site_words() or w in self.site_abbrev
        return got


_PARTS_SPLIT = re.compile(r"\s*(?:\+|\bplus\b|\bvs\.?|\bversus\b|/|,|\(|\)|\bor\b|\band\b)\s*")
_HEAD_REST = re.compile(r"^(\S+)(.*)$")
_MONO_RX = re.compile(r"(?i)mono(?:therapy)?|monotherapy|alone|single agent")
_INLINE_ABBR = re.compile(r"\w \([A-Z][A-Za-z0-9-]+\)")
_NUMBER = re.compile(r"[\d.]+")


def _parts(text: str) -> list[str]:
    return [p for p in _PARTS_SPLIT.split(text) if p]


# ---------------------------------------------------------------- column scorers
FALLBACK_KINDS = {"trial", "study", "target", "agent", "line", "phase", "treatment", "primary_sites",
                  "population", "extra", "primary_endpoint"}
_ENDPOINT_RX = re.compile(r"(?i)\b(orr|rr|dcr|cbr|pfs|os|ttp|ttf|efs|dfs|rfs|dor|response|survival|"
                          r"\d+-?(?:mo|month|year|yr|wk|week)s?-?(?:os|pfs)?)\b")


def score_cell(kind: str, toks: list[Tok], kb: Knowledge) -> float:
    """How much tokens `toks` read like a cell of column `kind` (NEG: cannot be one).

    A descriptive column whose value fits none of the shapes still takes a short span at a
    cost, so an unusual cell ('Midgut or unknown origin NET' under 'Setting') never makes a
    whole row unreadable; value columns take value-like text they cannot read the same way."""
    sc = _shape_score(kind, toks, kb)
    if sc != NEG and _unbalanced(toks):
        sc += DEFAULT_SETTINGS.unbalanced     # "(13 G3, 10 GEP, 4" | "GEP NECs)": cut inside a parenthesis
    return sc


def _unbalanced(toks: list[Tok]) -> bool:
    if not any(t.paren for t in toks):
        return False
    depth = 0
    for t in toks:
        for ch in t.norm:
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth < 0:
                    return True
    return depth != 0


def _shape_score(kind: str, toks: list[Tok], kb: Knowledge) -> float:
    n = len(toks)
    if toks[0].low in ("al.", "al.,") or (toks[0].low == "et" and n > 1 and toks[1].low.startswith("al")):
        return NEG            # "et al." and its rest: never the start of a cell
    if (toks[0].low in _JOINING_START and not toks[0].first or toks[0].norm[:1] == "/") \
            and kind != "outcomes_text":
        return NEG
    if kind == "primary_endpoint" and n <= 5 and any(kb.is_drug(t.norm) or t.low in NOT_DRUGS for t in toks):
        return NEG            # "RFS Placebo": the endpoint and the next column's regimen
    sc = _typed_score(kind, toks, kb) if n <= _TYPED_MAX.get(kind, n) else NEG
    if sc != NEG:
        return sc
    if toks[-1].open_end or toks[0].norm.startswith("("):
        return NEG
    if any(t.nct or t.caps for t in toks):
        return NEG
    if kind in FALLBACK_KINDS and n <= 12:
        return -2.5 - 0.1 * n
    if (kind in MEASURE_COLUMNS or kind in ("other", "endpoint_result")) and n <= 16 and \
            _VALUE_START.match(toks[0].norm) and _value_like(toks, kb):
        return -1.0
    return NEG


_VALUE_WORDS = {"vs", "vs.", "versus", "nr", "na", "not", "reached", "reported", "hr", "ci", "p", "or",
                "and", "in", "at", "all", "median", "mfu", "fu", "range", "iqr", "n", "pts", "patients"}
_WORDISH = re.compile(r"[A-Za-z]{2,}")


def _labels_value(toks: list[Tok], i: int) -> bool:
    """Does token i start a label of the values after it ("Nivo vs Nivo-Ipi: 7% vs 18%",
    "OCT: 14.3 m")? A colon ends the label before any number."""
    for t in toks[i:i + 3]:
        if t.colon:
            return True
        if t.norm[:1].isdigit():
            return False
    return False


def _value_like(toks: list[Tok], kb: Knowledge) -> bool:
    """Can a value-like span a value column cannot parse still be one of its cells ("SS: 3",
    "26.5 vs. 14.7 (HR 0.47 LMS, 0.56 other)", "A: 7% B: 5%")? Not when it ends on a word (a
    value cell ends on its value, a unit or a parenthesis: "60.8 Nivolumab" is a value and the
    next arm's regimen) or holds, outside parentheses, more words than numbers and one."""
    end = toks[-1].low.strip(".,;:")
    if not (_DIGIT.search(end) or end.endswith(")") or end in _VALUE_WORDS or time_unit(end)
            or not _WORDISH.search(end)):
        return False
    depth = numbers = words = 0
    for i, t in enumerate(toks):
        outside = depth == 0 and not t.norm.startswith("(")
        depth += t.norm.count("(") - t.norm.count(")")
        if not outside:
            continue
        if kb.is_drug(t.norm.strip(",;")) and not _labels_value(toks, i):
            return False      # a regimen: the next arm's row run into this value
        if t.norm[:1].isdigit() or t.norm[:2] in ("<1", ">1", "≥1", "≤1") or t.norm[1:2].isdigit():
            numbers += 1
        elif _WORDISH.search(t.norm) and t.low.strip(".,;:") not in _VALUE_WORDS \
                and not time_unit(t.low.strip(".,;:")):
            words += 1
    return words <= numbers + 1


# longest span, in tokens, that each column's typed shapes below can accept (every longer
# span gets NEG from _typed_score; kept in step with it, checked by tests/test_align.py)
_TYPED_MAX = {"target": 3, "line": 8, "ref": 3, "primary_endpoint": 60, "primary_sites": 12,
              "population": 8, "extra": 8, "treatment": 16, "agent": 16, "endpoint_result": 25,
              **{k: 10 for k in (*MEASURE_COLUMNS, "other")}}


# a study cell ends with its authors, perhaps with the year: "Walter et al", "Lu et al. (2020)"
# and its reference numbers: "Rinke A et al. (5,15)", "Yao et al. [12]"
_ET_AL = re.compile(r"\bet al\.?,?(?:\s*\(?(?:19|20)\d\d[a-z]?\)?|\s*[(\[]\d{1,3}(?:\s*[,–-]\s*\d{1,3})*[)\]])?$")
# digits a site cell may hold: a grade ("G3 GEP NENs") and counts of patients per site
# ("93 lung LC-NEC 92 GEP NECs", "(13 G3, 10 GEP)"); any other number is not a site's
_SITE_DIGITS = re.compile(r"^(?!\(?G\d(?:-\d)?\b|\(?\d+[,;)]?$)\S*\d")


_P_VALUE = re.compile(r"[,;]?\s*\(?\b[Pp]\s*(?:[<>=≤≥]|&lt;)\s*0?\.\d+\)?\s*$")
_PERCENT_KINDS = {"orr_pct", "dcr_pct", "pfs_rate", "os_rate"}
_NO_COUNT_KINDS = {"trial", "trial_id", "study", "target", "agent", "line", "phase", "treatment",
                   "primary_sites", "primary_endpoint", "ref"}
_DISEASE_STATE = re.compile(r"(?i)(?:progressive|metastatic|advanced|unresectable|recurrent|relapsed|"
                            r"locally advanced|refractory|resected|inoperable)\b")
_N_EQUALS = re.compile(r"(?:^|\s)[Nn]\s*=")
_VALUE_START = re.compile(r"(?i)(?:\d|nr\b|not\b|n\s*=|na\b)")
_PARENTHESISED = re.compile(r"\([^()]+\)")
_PARENTHESISED_OR_EMPTY = re.compile(r"\([^()]*\)")
_NAME_WITH_NCT = re.compile(r"[^()]+\(NCT\d{8}\)")
_TRIAL_NAME = re.compile(r"[A-Z][A-Za-z]*[-‐ ]?\d+[A-Za-z]?(\s*\([^()]*\))?")
_NUMBERISH = re.compile(r"[\d.,%]+")
_LINE_PHRASE = re.compile(r"(?:first|second|third|later)[- ]line(?: and beyond)?", re.I)
_PERCENT_VALUE = re.compile(r"[\d.]+%?$")
_DIGIT = re.compile(r"\d")
_NOT_REACHED = re.compile(r"(?i)\bNR\b|not reached")


_SLASH_VALUE = r"(?:\d+(?:\.\d+)?%?|NR|NA)"
_SLASH_PAIR = re.compile(rf"{_SLASH_VALUE}\s*/\s*{_SLASH_VALUE}")
_YEAR = re.compile(r"(?:19|20)\d\d[a-z*†‡]?")
# a cell never starts on the operator that joins it to the words before it on its line ("GEM +
# tipifarnib vs. GEM + placebo"); at the start of a line it may ("vs. placebo 10.1 2.7": an arm row)
_JOINING_START = {"+", "vs", "vs.", "versus", "plus", "/", "+/−", "+/-", "±", "and", "or", "with"}


def _trailing_ref(toks: list[Tok]) -> int:
    """Index of the first token of a bracketed reference ending the span ("[45, 46]"), else 0."""
    if not toks[-1].norm.endswith("]"):
        return 0
    for k in range(len(toks) - 1, max(-1, len(toks) - 4), -1):
        if toks[k].norm.startswith("["):
            return k if _BRACKET_REF.fullmatch(" ".join(t.norm for t in toks[k:])) else 0
    return 0


_BRACKET_REF = re.compile(r"\[\d{1,4}(?:\s*[,–-]\s*\d{1,4})*\]")


# largest median a survival column holds: vocab.MAX_MEDIAN_MONTHS (beyond it, a year or a
# misplaced value, as the schema reads it)
_MAX_MEDIAN = MAX_MEDIAN_MONTHS


def _impossible_for(kind: str, values) -> bool:
    """Is the first value of a cell one the column cannot hold: a rate over 100, a median
    beyond any follow-up (a year, a count)?"""
    v = next((x.value for x in values if x.value is not None), None)
    if v is None:
        return False
    return (kind in _PERCENT_KINDS and v > 100) or (kind in ("pfs_median", "os_median") and v > _MAX_MEDIAN)


def _typed_score(kind: str, toks: list[Tok], kb: Knowledge) -> float:
    n = len(toks)
    if kind == "outcomes_text":
        return _outcome_score(toks[0], n, any(t.nct for t in toks))
    last = toks[-1].low
    if toks[-1].open_end or toks[0].norm.startswith("(") or (toks[0].norm.startswith("[") and kind != "ref"):
        return NEG            # a cell does not end on "vs.", a label ("placebo:"), an open parenthesis,
                              # nor start on a bracketed reference (it ends the cell before)
    if "=" in last or (toks[0].norm in ("N", "n") and n > 1 and kind not in MEASURE_COLUMNS):
        return NEG
    if kind not in MEASURE_COLUMNS and kind not in ("ref", "endpoint_result", "other", "primary_endpoint") and (
            any(t.colon for t in toks)
            or (last.endswith(".") and last not in _ABBREV_DOTS and len(last) > 2 and not last[:-1].isdigit())):
        return NEG            # "Chemotherapy:" or a sentence end is free text, not a cell
                              # (results name their arms: "OCT: 14.3 m vs. placebo: 6.0 m")
    if kind in ("treatment", "agent", "primary_sites", "target", "line", "phase") and any(
            t.caps for t in toks):
        return NEG
    text = " ".join(t.norm for t in toks)
    if "=" in text and kind in _NO_COUNT_KINDS and _N_EQUALS.search(text):
        return NEG            # "N = 85" counts patients: a count or population column's
    if kind in ("trial_id", "trial"):
        if toks[0].nct_text:
            if n == 1:
                return 6.0
            rest = " ".join(t.text for t in toks[1:])
            return 5.0 if _PARENTHESISED.fullmatch(rest) else NEG
        if n <= 5 and _NAME_WITH_NCT.fullmatch(text):
            return 5.0        # "TRIAL-1 (NCT + 8 digits)"
        if kind == "trial_id":
            return 1.5 if MISSING_RX.match(text) else NEG
        kind = "study"
    if kind == "study":
        k = _trailing_ref(toks)
        if 0 < k < n:         # "KEYNOTE-006 [45, 46]", "OPTiM [51]": a name and its reference
            sc = _typed_score("study", toks[:k], kb)
            return 0.5 if sc == NEG and toks[0].norm[:1].isupper() and k <= 3 else sc
        if n <= 5 and _NAME_WITH_NCT.fullmatch(text):
            return 5.0
        if any(t.nct_text for t in toks):
            return NEG
        if n > 6 and not (n <= 10 and _ET_AL.search(text) and toks[0].norm[:1].isalpha()
                          and not any(t.low in ("vs.", "vs", "versus") for t in toks)):
            return NEG        # longer only as "<trial name> <basket/cohort> <author> et al"
        if _ET_AL.search(text) or _TRIAL_NAME.fullmatch(text):
            return 3.0
        if toks[0].text[:1].isupper() and n <= 3 and not any(x.low in SENTENCE_START for x in toks[:1]) \
                and not kb.is_drug(toks[0].norm):
            return 0.5        # (a short name; one starting on a drug name is an arm's regimen)
        return NEG
    if kind == "target":
        if any(t.low in OUTCOME_WORDS for t in toks):
            return NEG        # "ORR" starting a wrapped outcome line is not a drug target
        if n <= 3 and _is_target_like(toks):
            pen = sum(2.0 for t in toks if kb.is_site(t.text)) + sum(3.0 for t in toks if LINE_RX.match(t.low) or PHASE_RX.match(t.low))
            return 3.0 + 0.5 * (n - 1) - pen
        if MISSING_RX.match(text):
            return 1.0
        if n <= 3 and toks[0].norm[:1].isupper() and not any(kb.is_drug(t.norm) or kb.is_site(t.norm)
                                                             or _NUMBERISH.fullmatch(t.norm) for t in toks):
            return 0.3        # a descriptive target ("Multi-TKI", "Somatostatin receptor")
        return NEG
    if kind == "line":
        if n <= 3 and LINE_RX.match(text.replace(" ", "-").lower().replace("--", "-")):
            return 2.0 if text.isdigit() else 5.0
        if n <= 3 and _LINE_PHRASE.fullmatch(text):
            return 5.0
        if n <= 3 and LINE_WORDS.fullmatch(text):
            return 3.0
        if n <= 8 and _DISEASE_STATE.match(text) and not any(kb.is_drug(t.norm) for t in toks):
            return 1.0        # a setting column: "Progressive disease pancreatic NET"
        return 1.0 if MISSING_RX.match(text) else NEG
    if kind == "phase":
        m = _HEAD_REST.match(text)
        if m is None:
            return NEG
        head, rest = m.group(1), m.group(2).strip()
        if PHASE_RX.match(head) or (head.lower() == "phase" and rest and PHASE_RX.match(rest.split()[0])):
            if not rest or _PARENTHESISED_OR_EMPTY.fullmatch(rest) or (head.lower() == "phase" and len(rest.split()) == 1):
                return 5.0
            return NEG
        if n <= 3 and DESIGN_WORDS.fullmatch(text):
            return 2.5        # "Retrospective" in a Phase column
        return 1.5 if MISSING_RX.match(text) else NEG
    if kind == "ref":
        if n <= 3 and all(REF_RX.match(t.text) for t in toks):
            return 4.0
        return NEG
    if kind == "year":
        if n == 1 and _YEAR.fullmatch(toks[0].norm):
            return 4.0
        return 1.0 if MISSING_RX.match(text) else NEG
    if kind in MEASURE_COLUMNS or kind == "other":
        if n > 10:
            return NEG
        if _SLASH_PAIR.fullmatch(text):
            pct = "%" in text
            if (pct and kind in ("pfs_median", "os_median", "n_total")) or (not pct and kind in _PERCENT_KINDS
                                                                              and "NR" not in text):
                return NEG
            return 3.0      # one value per cohort: "48/214", "15% /20%", "NR /4"
        p = parse_value_cell(text)
        if p is None and ("P" in text or "p" in text):
            p = parse_value_cell(_P_VALUE.sub("", text).strip())    # "0.34 (0.20–0.59) P < 0.001"
        if p is None:
            return NEG      # value-like text of another shape gets score_cell's fallback
        units = {v.unit for v in p.values if v.unit}
        if (kind in ("pfs_median", "os_median") and "%" in units) or (
                kind in _PERCENT_KINDS and units - {"%"}):
            return NEG      # "10%" under a median, "4.9 mo" under a rate: another column's value
        if _impossible_for(kind, p.values):
            return NEG      # "454 (64)" under a rate, "2014" under a median: a count, a year
        return 2.5 if p.missing else 3.0 + (0.5 if n <= 2 else 0.0)
    if kind == "primary_endpoint":
        if n <= 5 and _ENDPOINT_RX.search(text) and not _PERCENT_VALUE.match(toks[0].norm) \
                and not any(t.low in ("vs.", "vs", "versus") for t in toks):
            return 3.0
        if kb.results_in_endpoint and n <= 60 and states_results(text):
            return 0.5 + 0.02 * n     # the column holds the row's results ("Safety and efficacy: ...")
        if n <= 5 and any(t.colon for t in toks):
            return NEG
        return 1.0 if MISSING_RX.match(text) else NEG
    if kind == "endpoint_result":
        if n <= 25 and (_DIGIT.search(text) or _NOT_REACHED.search(text)):
            return 1.0 + 0.02 * n
        return 1.0 if MISSING_RX.match(text) else NEG
    if kind == "primary_sites":
        if n > (12 if "(" in text else 7) or any(t.site_digits for t in toks) \
                or toks[0].low in SENTENCE_START:
            return NEG
        parts = _parts(text)
        if not parts:
            return NEG
        s = 0.0
        for p in parts:
            words = p.split()
            if any(kb.is_site(w) for w in words):
                s += 1.5
            elif any(kb.is_drug(w) for w in words):
                s -= 2.5
            elif len(words) <= 2 and words[0][:1].isupper():
                s += 0.2
            else:
                s -= 0.5
        return s
    if kind in ("treatment", "agent"):
        if n > DEFAULT_SETTINGS.max_cell_tokens:
            return NEG
        if _NUMBER.fullmatch(toks[0].norm):
            return NEG      # "61 Pembrolizumab": a value and the next arm's regimen (doses follow drugs)
        if _MONO_RX.fullmatch(text):
            return 4.0 if kind == "treatment" else NEG
        bonus = 1.0 if kind == "agent" and _INLINE_ABBR.search(text) else 0.0
        reg = kb.regimen_scores.get(text)
        if reg is None:     # the Treatment and Agent columns score the same spans
            reg = kb.regimen_scores[text] = _regimen_score(text, kb)
        if toks[0].norm[:1].islower() and toks[0].norm.isalpha() and not kb.is_drug(toks[0].norm):
            bonus -= 1.0    # "inhibitor GEM + ...": the end of the cell before ("MMP inhibitor")
        return reg + bonus
    # population, extra: anything short
    if n > 8:
        return NEG
    return 0.6 - 0.2 * max(0, n - 5) - (1.0 if toks[0].norm[:1].islower() else 0.0)


_DOSE = re.compile(r"(?i)^(?:[\d.]+\s*(?:mg|mg/kg|mg/m2|mg/m²|g|µg|mcg|gy|iu|mbq|gbq)(?:/\S+)?|mg|mg/kg|mg/m2|q\dw|qw)$")


def _regimen_score(text: str, kb: Knowledge) -> float:
    """How much a span reads like a regimen: drug names joined by "+", "plus", "vs." ..."""
    s = 0.0
    seen_drug = False
    for p in _parts(text):
        words = p.split()
        if not words:
            continue
        drug_words = [w for w in words if kb.is_drug(w)]
        if drug_words or kb.is_drug(p):
            s += 2.0
            seen_drug = True
            heads = len(drug_words) + sum(1 for w in words if w.lower() in NOT_DRUGS)
            s -= 2.0 * max(0, heads - 1)    # "Placebo 61 Pembrolizumab": two regimens, no operator
            for i, w in enumerate(words):
                if _NUMBER.fullmatch(w) and not (i + 1 < len(words) and _DOSE_UNIT.match(words[i + 1].lower())):
                    s -= 1.5        # a number with no unit after it: a value, not a dose
                    continue
                if w in drug_words or _DOSE.match(w) or _NUMBER.fullmatch(w):
                    continue
                s -= 1.0 if kb.is_site(w) else 0.8 if w[:1].isupper() and not kb.abbrev.get(w) else 0.2
        elif p.lower() in NOT_DRUGS or any(w.lower() in NOT_DRUGS for w in words):
            s += 0.8
        elif any(kb.is_site(w) for w in words):
            s -= 2.0
        elif _DOSE.match(p):
            s += 0.0
        elif _NUMBER.fullmatch(p):
            s -= 1.5
        else:
            s -= 0.3 * len(words)
    return s if seen_drug or s > 0 else s - 1.0


def _skip_cost(kind: str, st: AlignSettings) -> float:
    if kind == "outcomes_text":
        return st.skip_outcomes
    if kind in ("pfs_rate", "os_rate"):
        return st.skip_rate
    if kind in MEASURE_COLUMNS or kind == "endpoint_result":
        return st.skip_measure
    return st.skip_identity


def _outcome_score(first: Tok, n: int, has_nct: bool) -> float:
    if n < 2 or has_nct:
        return NEG
    s = 1.0 + 0.02 * n
    if first.low in SENTENCE_START:
        s += 2.0
    elif first.norm[:1].isupper() and first.norm[1:2].islower():
        s += 0.5
    elif first.norm[:1].islower():
        s -= 4.0
    return s


# longest cell, in tokens, per column kind (free text: the whole row)
MAX_TOKENS = {"trial": 12, "trial_id": 6, "study": 12, "target": 12, "line": 12, "phase": 12, "ref": 3,
              "primary_sites": 12, "population": 12, "extra": 12, "other": 16, "primary_endpoint": 60,
              "endpoint_result": 25}
_DOSE_UNIT = re.compile(r"^(?:mg|mg/kg|mg/m2|mg/m²|g|µg|mcg|gy|iu|mbq|gbq|ml)(?:/\S+)?$")
_NO_SENTENCE_WORDS = ("treatment", "agent", "primary_sites", "target", "line", "phase")


class RowScorer:
    """Cell scores of one row's token spans, memoised (both aligner passes share them), with
    how far a span starting at each token can reach before it becomes impossible for good
    (a tab, an NCT id, a capitalised sentence word)."""

    def __init__(self, toks: list[Tok], kb: Knowledge):
        self.toks, self.kb = toks, kb
        T = len(toks)
        self.keys = [t.low for t in toks]
        self.texts = [t.text for t in toks]
        # reach_*[i]: the largest k such that span [i, k) holds no such token (after its first)
        self.reach_tab = [T] * (T + 1)
        self.reach_nct = [T] * (T + 1)
        self.reach_caps = [T] * (T + 1)
        nxt_tab = nxt_nct = nxt_caps = T
        for i in range(T - 1, -1, -1):
            t = toks[i]
            self.reach_tab[i] = nxt_tab
            if t.tab_before:
                nxt_tab = i
            if t.nct:
                nxt_nct = i
            if t.caps:
                nxt_caps = i
            self.reach_nct[i] = nxt_nct
            self.reach_caps[i] = nxt_caps
        self.width = T + 1
        self.memo: dict[str, dict[int, float]] = {}    # kind -> {i * width + k: score of [i, k)}

    def memo_of(self, kind: str) -> dict[int, float]:
        got = self.memo.get(kind)
        if got is None:
            got = self.memo[kind] = {}
        return got

    def reach(self, kind: str, i: int) -> int:
        """Largest k for which span [i, k) may still be a `kind` cell (every longer span from i
        crosses a tab, or holds an NCT id or a sentence word the column cannot hold)."""
        k = self.reach_tab[i]
        if kind not in ("trial", "trial_id", "study"):
            k = min(k, self.reach_nct[i])
        if kind in _NO_SENTENCE_WORDS:
            k = min(k, self.reach_caps[i])
        return k

    def score(self, kind: str, i: int, k: int) -> float:
        memo = self.memo_of(kind)
        key = i * self.width + k
        sc = memo.get(key)
        if sc is None:
            if kind == "outcomes_text":
                sc = _outcome_score(self.toks[i], k - i, self.reach_nct[i] < k)
            elif (kind in MEASURE_COLUMNS or kind == "other") and (
                    (k < len(self.toks) and _DOSE_UNIT.match(self.toks[k].low))
                    or (kind != "n_total" and self.toks[i].low in ("n", "n="))):
                sc = NEG        # "30 | mg every 28 days" is a dose; "N = 85" only counts patients
            else:
                # the same words score the same in every row of the table ("Mono", "2nd", "II")
                tkey = (kind, tuple(self.texts[i:k]))
                sc = self.kb.scores.get(tkey)
                if sc is None:
                    sc = self.kb.scores[tkey] = score_cell(kind, self.toks[i:k], self.kb)
            memo[key] = sc
        return sc


# values seen on at least two rows, and the columns they were seen in
class Vocab(dict):
    """Seen value -> the columns it was seen in, with what align_tokens needs to skip most
    lookups (the values' first words, the longest value's word count) worked out once per
    table: computing them per row made a table cost quadratic in its rows."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.firsts = frozenset(v.split(" ", 1)[0] for v in self)
        self.longest = max((v.count(" ") + 1 for v in self), default=0)


# per column: the longest usual cell, in tokens (None: no limit learned)
Lengths = list[int | None]


# ---------------------------------------------------------------- one row
@dataclass
class Alignment:
    score: float
    spans: list[tuple[int, int] | None]   # per column: token [i, k) or None when absent


def align_tokens(toks: list[Tok], kinds: list[str], kb: Knowledge, st: AlignSettings,
                 vocab: Vocab | None = None, scorer: RowScorer | None = None,
                 spanned_prefix: bool = False, lengths: Lengths | None = None) -> Alignment:
    """`spanned_prefix`: columns before the row's first cell may be spanned from the row
    above whatever they hold (they cost at most `st.skip_spanned`)."""
    scorer = scorer or RowScorer(toks, kb)
    T, C = len(toks), len(kinds)
    best = [[NEG] * (C + 1) for _ in range(T + 1)]
    back: list[list[tuple[int, bool] | None]] = [[None] * (C + 1) for _ in range(T + 1)]
    best[0][0] = 0.0
    keys = scorer.keys
    caps = [T if k == "outcomes_text" else MAX_TOKENS.get(k, st.max_cell_tokens) for k in kinds]
    rest = [0] * (C + 1)          # most tokens the columns from j on can take
    for j in range(C - 1, -1, -1):
        rest[j] = min(T, rest[j + 1] + caps[j])
    score = scorer.score
    if vocab:
        # a span can be a seen value only when its first word starts one and it is no longer
        # than the longest one (a token is at least one word): most spans need no lookup
        if not isinstance(vocab, Vocab):
            vocab = Vocab(vocab)
        firsts, longest = vocab.firsts, vocab.longest
        heads = [key.split(" ", 1)[0] in firsts for key in keys]
    for j in range(C):
        kind = kinds[j]
        skip = _skip_cost(kind, st)
        lead_skip = max(skip, st.skip_spanned) if spanned_prefix else skip
        maxlen = caps[j]
        k_min = T - rest[j + 1]       # the columns after this one must be able to take the rest
        use_vocab = bool(vocab) and kind != "outcomes_text"
        long_from = lengths[j] if lengths else None
        free_text = kind == "outcomes_text"
        memo, W = scorer.memo_of(kind), T + 1
        for i in range(T + 1):
            b = best[i][j]
            if b == NEG:
                continue
            sk = lead_skip if i == 0 else skip
            if b + sk > best[i][j + 1] and i >= k_min:
                best[i][j + 1] = b + sk
                back[i][j + 1] = (i, True)
            if i == T:
                continue
            k_hi = min(T, i + maxlen, scorer.reach(kind, i))
            if free_text:
                # free text scores by its first word and its length only (_outcome_score)
                first = toks[i]
                for k in range(max(i + 2, k_min), k_hi + 1):
                    sc = _outcome_score(first, k - i, False)
                    if b + sc > best[k][j + 1]:
                        best[k][j + 1] = b + sc
                        back[k][j + 1] = (i, False)
                continue
            for k in range(max(i + 1, k_min), k_hi + 1):
                sc = memo.get(i * W + k)
                if sc is None:
                    sc = score(kind, i, k)
                if sc == NEG:
                    continue
                if use_vocab and heads[i] and k - i <= longest:
                    cols = vocab.get(" ".join(keys[i:k]))
                    if cols:
                        sc += st.vocab_bonus if j in cols else -st.vocab_malus
                if long_from is not None and k - i > long_from:
                    sc += st.long_value
                if b + sc > best[k][j + 1]:
                    best[k][j + 1] = b + sc
                    back[k][j + 1] = (i, False)
    if best[T][C] == NEG:
        return Alignment(NEG, [None] * C)
    spans: list[tuple[int, int] | None] = [None] * C
    i = T
    for j in range(C, 0, -1):
        pi, skipped = back[i][j]
        spans[j - 1] = None if skipped else (pi, i)
        i = pi
    return Alignment(best[T][C], spans)


def _moves(toks: list[Tok], kinds: list[str], j: int, i: int, k_min: int, st: AlignSettings,
           scorer: RowScorer, vocab: Vocab | None, lengths: Lengths | None, spanned_prefix: bool):
    """align_tokens' moves into column j from token i, (k, score), k == i a skip, scored and
    pruned as align_tokens scores and prunes them."""
    T, kind = len(toks), kinds[j]
    skip = _skip_cost(kind, st)
    if i >= k_min:
        yield i, max(skip, st.skip_spanned) if spanned_prefix and i == 0 else skip
    if i == T:
        return
    maxlen = T if kind == "outcomes_text" else MAX_TOKENS.get(kind, st.max_cell_tokens)
    k_hi = min(T, i + maxlen, scorer.reach(kind, i))
    if kind == "outcomes_text":
        for k in range(max(i + 2, k_min), k_hi + 1):
            yield k, _outcome_score(toks[i], k - i, False)
        return
    for k in range(max(i + 1, k_min), k_hi + 1):
        sc = scorer.score(kind, i, k)
        if sc == NEG:
            continue
        if vocab:
            cols = vocab.get(" ".join(scorer.keys[i:k]))
            if cols:
                sc += st.vocab_bonus if j in cols else -st.vocab_malus
        if lengths and lengths[j] is not None and k - i > lengths[j]:
            sc += st.long_value
        yield k, sc


def alignment_margin(toks: list[Tok], kinds: list[str], al: Alignment, st: AlignSettings,
                     scorer: RowScorer, vocab: Vocab | None = None, lengths: Lengths | None = None,
                     spanned_prefix: bool = False) -> float | None:
    """How much better a row's alignment scores than its closest other reading (other cell
    boundaries, or another column left empty): small means the row could as well be read
    another way. None when there is no other reading. The best path through each move not on
    the chosen path is its score before plus after the move (a forward and a backward pass)."""
    T, C = len(toks), len(kinds)
    if al.score == NEG:
        return None
    caps = [T if k == "outcomes_text" else MAX_TOKENS.get(k, st.max_cell_tokens) for k in kinds]
    rest = [0] * (C + 1)
    for j in range(C - 1, -1, -1):
        rest[j] = min(T, rest[j + 1] + caps[j])
    fwd = [[NEG] * (T + 1) for _ in range(C + 1)]
    fwd[0][0] = 0.0
    moves: list[list[tuple[int, int, float]]] = []
    for j in range(C):
        mj = [(i, k, sc) for i in range(T + 1) if fwd[j][i] != NEG
              for k, sc in _moves(toks, kinds, j, i, T - rest[j + 1], st, scorer, vocab, lengths, spanned_prefix)]
        for i, k, sc in mj:
            if fwd[j][i] + sc > fwd[j + 1][k]:
                fwd[j + 1][k] = fwd[j][i] + sc
        moves.append(mj)
    if al.score > fwd[C][T] + 1e-9:
        return al.score - fwd[C][T]     # a reading no move of the programme gives (stacked cells)
    bwd = [[NEG] * (T + 1) for _ in range(C + 1)]
    bwd[C][T] = 0.0
    for j in range(C - 1, -1, -1):
        for i, k, sc in moves[j]:
            if bwd[j + 1][k] != NEG and bwd[j + 1][k] + sc > bwd[j][i]:
                bwd[j][i] = bwd[j + 1][k] + sc
    chosen, pos = set(), 0
    for j, sp in enumerate(al.spans):
        nxt = pos if sp is None else sp[1]
        chosen.add((j, pos, nxt))
        pos = nxt
    second = max((fwd[j][i] + sc + bwd[j + 1][k] for j in range(C) for i, k, sc in moves[j]
                  if (j, i, k) not in chosen and bwd[j + 1][k] != NEG), default=NEG)
    return None if second == NEG else max(0.0, al.score - second)


# columns whose cells become numbers: a reading that moves their cells changes measures
VALUE_KINDS = frozenset({*MEASURE_COLUMNS, "outcomes_text", "endpoint_result"})


@dataclass(frozen=True)
class SecondReading:
    """The best reading of a row's tokens that changes one of the chosen alignment's value
    cells: how much less it scores (`margin`: inf when there is none, negative when it scores
    higher, as a first-pass alignment kept through the second pass may) and which chosen
    value columns it changes."""
    margin: float
    changed: tuple[int, ...] = ()


def second_reading(toks: list[Tok], kinds: list[str], kb: Knowledge, st: AlignSettings,
                   chosen: Alignment, vocab: Vocab | None = None, scorer: RowScorer | None = None,
                   only: int | None = None) -> SecondReading:
    """The dynamic programme of align_tokens with one more state: whether the path has changed
    a chosen value cell (a measure column, the free text; with `only`, that column's) yet. A
    reading that only fills a value column the chosen one leaves empty changes no value read
    and does not count."""
    scorer = scorer or RowScorer(toks, kb)
    T, C = len(toks), len(kinds)
    # best[d][i][j]: best score of columns [0, j) over tokens [0, i); d = 1 once a chosen value
    # cell was changed; back[d][i][j] = (previous d, previous i, skipped)
    best = [[[NEG] * (C + 1) for _ in range(T + 1)] for _ in range(2)]
    back: list[list[list[tuple[int, int, bool] | None]]] = [[[None] * (C + 1) for _ in range(T + 1)] for _ in range(2)]
    best[0][0][0] = 0.0
    caps = [T if k == "outcomes_text" else MAX_TOKENS.get(k, st.max_cell_tokens) for k in kinds]
    rest = [0] * (C + 1)
    for j in range(C - 1, -1, -1):
        rest[j] = min(T, rest[j + 1] + caps[j])
    keys = scorer.keys
    value_cols = _value_columns(kinds)
    for j in range(C):
        kind = kinds[j]
        mine = chosen.spans[j] if j in value_cols and only in (None, j) else None
        skip = _skip_cost(kind, st)
        k_min = T - rest[j + 1]
        for d in (0, 1):
            row_b = best[d]
            for i in range(T + 1):
                b = row_b[i][j]
                if b == NEG:
                    continue
                if i >= k_min:
                    d2 = 1 if d or mine is not None else 0
                    if b + skip > best[d2][i][j + 1]:
                        best[d2][i][j + 1] = b + skip
                        back[d2][i][j + 1] = (d, i, True)
                if i == T:
                    continue
                k_hi = min(T, i + caps[j], scorer.reach(kind, i))
                for k in range(max(i + (2 if kind == "outcomes_text" else 1), k_min), k_hi + 1):
                    sc = (_outcome_score(toks[i], k - i, False) if kind == "outcomes_text"
                          else scorer.score(kind, i, k))
                    if sc == NEG:
                        continue
                    if vocab and kind != "outcomes_text":
                        cols = vocab.get(" ".join(keys[i:k]))
                        if cols:
                            sc += st.vocab_bonus if j in cols else -st.vocab_malus
                    d2 = 1 if d or (mine is not None and mine != (i, k)) else 0
                    if b + sc > best[d2][k][j + 1]:
                        best[d2][k][j + 1] = b + sc
                        back[d2][k][j + 1] = (d, i, False)
    other = best[1][T][C]
    if other == NEG:
        return SecondReading(math.inf)
    changed, d, i = [], 1, T
    for j in range(C, 0, -1):
        pd_, pi, skipped = back[d][i][j]
        span = None if skipped else (pi, i)
        if j - 1 in value_cols and chosen.spans[j - 1] is not None and span != chosen.spans[j - 1]:
            changed.append(j - 1)
        d, i = pd_, pi
    return SecondReading(chosen.score - other, tuple(sorted(changed)))


def second_best_margin(toks: list[Tok], kinds: list[str], kb: Knowledge, st: AlignSettings,
                       chosen: Alignment, vocab: Vocab | None = None, scorer: RowScorer | None = None) -> float:
    """How much better the chosen alignment scores than the best reading that changes one of
    its value cells (see second_reading)."""
    return second_reading(toks, kinds, kb, st, chosen, vocab, scorer).margin


def _value_columns(kinds: list[str]) -> set[int]:
    """Columns whose cells become measures: the first column of each value kind (a second
    column of a kind is kept as extra by the table stage, resolve_specs)."""
    firsts = {k: kinds.index(k) for k in set(kinds)}
    return {j for j, k in enumerate(kinds) if k in VALUE_KINDS and firsts[k] == j}


_BARE_NUMBER = re.compile(r"^\(?\d+(?:\.\d+)?[a-e†‡*]?%?[,;)]?$")


def fallback_columns(toks: list[Tok], kinds: list[str], al: Alignment, kb: Knowledge) -> list[int]:
    """Columns of an alignment whose tokens fit none of the column's shapes (the column took
    them at score_cell's fallback cost) and that may hold a value: a value column whose cell
    is no value even with its parentheses (HR, CI, subgroups) left out, or another column
    whose cell holds a bare number (not a group's size after its name)."""
    out = []
    for j, sp in enumerate(al.spans):
        if sp is None or kinds[j] == "outcomes_text":
            continue
        span = toks[sp[0]:sp[1]]
        typed = _typed_score(kinds[j], span, kb) if len(span) <= _TYPED_MAX.get(kinds[j], len(span)) else NEG
        if typed != NEG:
            if kinds[j] in ("extra", "population") and _crammed_numbers(span):
                out.append(j)       # "35a 65" under 'Year of publication': values with no column
            continue
        if kinds[j] in MEASURE_COLUMNS:
            text = " ".join(t.norm for t in span)
            if parse_value_cell(text) is None and parse_value_cell(_PARENTHESES.sub("", text)) is None:
                out.append(j)
        elif kinds[j] in VALUE_KINDS or any(_BARE_NUMBER.match(t.norm) and not _group_count(span, k)
                                            for k, t in enumerate(span)):
            out.append(j)
    return out


_GROUP_SIZE = re.compile(r"^\(\d+(?:\.\d+)?%?\)[,;/]?$")


def _group_count(span: list[Tok], k: int) -> bool:
    """Is token k of a descriptive cell the size of the group named just before it ('GEP (15)',
    'U (16%)')? It belongs to its cell, no value slid in."""
    return k > 0 and bool(_GROUP_SIZE.match(span[k].norm)) and not _BARE_NUMBER.match(span[k - 1].norm)


def misfit_neighbourhood(al: Alignment, misfits: list[int]) -> list[int]:
    """Columns whose cells a misfit cell puts in doubt: the misfit itself and the filled cells
    next to it on each side, one more for every empty column of the row. A cell boundary the
    aligner drew wrongly moves tokens between neighbouring cells; every empty column lets the
    cells slide one column further (a row whose first columns are empty may sit wholly a
    column or two off). Cells further away kept their own tokens, so their values stand."""
    filled = [j for j, sp in enumerate(al.spans) if sp is not None]
    reach = 1 + len(al.spans) - len(filled)
    out: set[int] = set()
    for j in misfits:
        k = filled.index(j)
        out.update(filled[max(0, k - reach):k + reach + 1])
    return sorted(out)


_JOINS = {"vs.", "vs", "versus", "to", "-", "–", "±", "and", "or", "+", "/"}


def _crammed_numbers(span: list[Tok]) -> bool:
    """Several bare numbers side by side in one cell of a column that holds no values ('38a 62
    1 3.7'): values whose columns the header did not give, or that slid into this one."""
    nums = [k for k, t in enumerate(span) if _BARE_NUMBER.match(t.norm)]
    return len(nums) >= 2 and not any(t.low in _JOINS for t in span[nums[0]:nums[-1]])


_PARENTHESES = re.compile(r"\s*\([^()]*\)?")


def guessed_value_lines(lines: list[Line], toks: list[Tok], kinds: list[str], al: Alignment) -> bool:
    """Does a line joined to the row above it without a visible continuation (it neither
    ends an open cell nor starts as one) hold part of a value cell?"""
    guessed = {b.number for a, b in zip(lines, lines[1:])
               if not (_ends_continuation(a.text) or _starts_continuation(b.text))}
    if not guessed:
        return False
    for j, sp in enumerate(al.spans):
        if sp is not None and kinds[j] in VALUE_KINDS and any(t.line in guessed for t in toks[sp[0]:sp[1]]):
            return True
    return False


@dataclass(frozen=True)
class RowDoubts:
    """Review flags of one aligned row: those of the whole row, and those of single cells
    (column index -> flags), which only the measures read from that cell carry."""
    row: tuple[str, ...] = ()
    cells: dict[int, tuple[str, ...]] = field(default_factory=dict)


def row_doubts(lines: list[Line], toks: list[Tok], kinds: list[str], al: Alignment, kb: Knowledge,
               st: AlignSettings, vocab: Vocab | None, scorer: RowScorer | None,
               joined_margin: float = math.inf) -> RowDoubts:
    """Review flags (codes from vocab.FLAGS) of one aligned row of pasted text.
    `joined_margin`: how much better its lines score as one row than split in two.

    close_alignment goes on the value cells a close second reading changes; unfit_tokens on the
    cells a misfit cell (a value cell that is no value, or a descriptive cell that took a bare
    number) can have traded tokens with: itself and its nearest filled cell on each side (see
    misfit_neighbourhood); on the whole row when a descriptive misfit cell states results ('Drug
    A: ORR 13.9%' under a name column: no cell of the row can be trusted to sit in its column)."""
    row: list[str] = []
    cells: dict[int, list[str]] = {}
    value_cols = _value_columns(kinds)
    second = second_reading(toks, kinds, kb, st, al, vocab, scorer)
    if second.margin < st.close_margin:
        # every value cell some close reading changes (one reading may change some, another
        # reading others)
        for j in sorted(value_cols):
            if al.spans[j] is not None and (j in second.changed or second_reading(
                    toks, kinds, kb, st, al, vocab, scorer, only=j).margin < st.close_margin):
                cells.setdefault(j, []).append("close_alignment")
    misfits = fallback_columns(toks, kinds, al, kb)
    if any(kinds[j] not in VALUE_KINDS and states_results(" ".join(t.norm for t in toks[al.spans[j][0]:al.spans[j][1]]))
           for j in misfits):
        row.append("unfit_tokens")      # results in a column of names: the row's layout is lost
    else:
        for j in misfit_neighbourhood(al, misfits):
            cells.setdefault(j, []).append("unfit_tokens")
    if joined_margin < st.join_margin and guessed_value_lines(lines, toks, kinds, al):
        row.append("lines_joined_by_guess")
    return RowDoubts(tuple(row), {j: tuple(f) for j, f in cells.items()})


# ---------------------------------------------------------------- rows from lines
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
        for m in re.finditer(r"[^ \t]+", ln.text):
            c = clean(m.group(0))
            if not c:
                continue            # a lone typographic space between two spaces
            tab = "\t" in ln.text[prev_end:m.start()]
            out.append(Tok(m.group(0), c.lower(), c, ln.number, m.start(), m.end(), tab, prev_end == 0))
            prev_end = m.end()
    return out


SECTION_HINT = re.compile(r"(?i)\b(line|setting|therapy|treatment|chemotherapy|naive|naïve|"
                          r"pretreated|refractory|relapsed|adjuvant|neoadjuvant|maintenance|"
                          r"antibod(?:y|ies)|inhibitors?|agents|analogs?|analogues?|trials|studies|first|second|"
                          r"third|beyond|immunotherapy|chemotherapy|targeted|combinations?|monotherapy|single-agent)\b")


def _section_like(text: str) -> bool:
    t = clean(text)
    toks = t.split()
    if not toks or len(toks) > 8 or NCT.match(toks[0]):
        return False
    if any(re.fullmatch(r"[\d.,%]+", w) for w in toks):
        return False
    if CONT_END.search(toks[-1].lower()) or not toks[0][:1].isupper():
        return False
    if re.search(r"\bet al\b|\b(?:trial|study)$", t, re.I):
        return False          # "Patel et al", "AVENEC trial" name one study; sections name groups
    return bool(SECTION_HINT.search(t)) or len(toks) <= 3


def _starts_continuation(text: str) -> bool:
    s = text.lstrip()
    return bool(s) and (s[0].islower() or s[0] in "(+,;/")


def _ends_continuation(text: str) -> bool:
    toks = clean(text).split()
    return bool(toks) and bool(CONT_END.search(toks[-1].lower()))


# columns every data row fills (others may be spanned from the row above)
_PER_ROW = {*MEASURE_COLUMNS, "outcomes_text", "primary_endpoint", "endpoint_result", "other"}


_YEAR_HEADER = re.compile(r"(?i)^(?:year|publication year|year of publication|published|publish year|pub\.? year)$")


def align_kind(spec: ColumnSpec) -> str:
    """The column kind the aligner scores spans with: a column the lexicon does not know but
    whose header gives a unit ("1 year-RFS (%)", "TTP (months)") holds values; one headed
    "Year" or "Year of publication" holds years."""
    if spec.canonical == "extra" and _YEAR_HEADER.search(spec.header):
        return "year"
    return "other" if spec.canonical == "extra" and spec.unit else spec.canonical


def lines_to_rows(table: TextTable, specs: list[ColumnSpec], kb: Knowledge,
                  st: AlignSettings = DEFAULT_SETTINGS,
                  vocab: Vocab | None = None,
                  lengths: Lengths | None = None,
                  scorers: dict[tuple[int, int], RowScorer] | None = None,
                  first_pass: dict[tuple[int, int], Alignment] | None = None,
                  cache_out: dict[tuple[int, int], Alignment] | None = None,
                  line_tokens: dict[int, list[Tok]] | None = None,
                  ) -> list[tuple[list[Line], Alignment | None, str | None, float]]:
    """Group body lines into rows (or section rows) and align each row's tokens to columns.

    `first_pass` (with `vocab`): alignments of the pass without vocabulary; a span group that
    filled every column then is kept (only rescored), the others are aligned again."""
    kinds = [align_kind(s) for s in specs]
    lines = list(table.body)
    L = len(lines)
    cache: dict[tuple[int, int], Alignment] = {}

    scorers = {} if scorers is None else scorers
    line_tokens = {} if line_tokens is None else line_tokens

    def row_align(a: int, b: int) -> Alignment:
        if (a, b) not in cache:
            if (a, b) not in scorers:
                scorers[(a, b)] = RowScorer(tokenize_lines(lines[a:b], line_tokens), kb)
            sc = scorers[(a, b)]
            prior = first_pass.get((a, b)) if first_pass and vocab is not None else None
            if prior is not None and prior.score != NEG and all(sp is not None for sp in prior.spans) \
                    and not _too_long(prior, lengths):
                cache[(a, b)] = _rescore(prior, sc.toks, vocab, st)
            else:
                al = align_tokens(sc.toks, kinds, kb, st, vocab, sc, spanned_prefix=a > 0, lengths=lengths)
                if b - a > 2:
                    stacked = stacked_alignment(sc.toks, kinds, kb, st)
                    if stacked is not None and stacked.score > al.score:
                        al = stacked
                cache[(a, b)] = al
        return cache[(a, b)]

    def incomplete(a: int) -> bool:
        al = row_align(a, a + 1)
        if al.score == NEG:
            return True
        # a value or text column missing, or the last column (usually the reference) missing:
        # the row may go on on the next line
        return any(sp is None and (k in MEASURE_COLUMNS or k == "outcomes_text")
                   for sp, k in zip(al.spans, kinds)) or al.spans[-1] is None

    def open_row(a: int, b: int) -> bool:
        """Does the row of lines [a, b) leave a per-row value column empty (a count, a
        result, an endpoint, the free text)? Then line b may still belong to it."""
        al = row_align(a, b)
        return al.score == NEG or any(sp is None and k in _PER_ROW for sp, k in zip(al.spans, kinds))

    def may_join(a: int) -> bool:
        """May line a+1 continue the row that line a is in?"""
        return (_ends_continuation(lines[a].text) or _starts_continuation(lines[a + 1].text)
                or incomplete(a))

    # a line may be a section row; a strong one (naming a line of therapy, a drug class ...)
    # always is, a weak one (a short capitalised line such as a trial name that wraps) is one
    # only when that scores better than reading it as the first line of a data row
    section: list[float | None] = [None] * L
    strong = [False] * L
    for a in range(L):
        if _section_like(lines[a].text) and (a == 0 or not _ends_continuation(lines[a - 1].text)):
            if SECTION_HINT.search(lines[a].text) and "," not in lines[a].text:
                strong[a] = True
                section[a] = st.row_bonus + st.section_hint
                continue
            al = row_align(a, a + 1)
            filled = sum(1 for sp in al.spans if sp is not None)
            if al.score == NEG or filled <= max(2, len(kinds) // 3):
                section[a] = st.row_bonus + st.section_weak
    def row_score(a: int, b: int) -> float:
        """What lines [a, b) add to the grouping as one data row (the DP below adds the same)."""
        al = row_align(a, b)
        if al.score == NEG:
            return NEG
        lead = next((j for j, sp in enumerate(al.spans) if sp is not None), len(kinds))
        sc = st.row_bonus + al.score + st.leading_skip * lead
        if lines[a].text.lstrip()[:1].islower() and not _fills_values(row_align(a, a + 1), kinds):
            sc += st.lowercase_start
        if a > 0 and section[a - 1] is None:
            sc += _same_gaps_refund(al, row_align(a - 1, a), kinds, lead, st)
        if lead and a > 0 and section[a - 1] is None and incomplete(a - 1) \
                and _last_filled(row_align(a - 1, a)) < lead:
            sc += st.orphan_start
        return sc

    def split_margin(a: int, b: int) -> float:
        """How much better lines [a, b) score as one row than split in two (inf: no split
        reads as two rows)."""
        whole = row_score(a, b)
        alts = [row_score(a, c) + row_score(c, b) for c in range(a + 1, b)]
        alt = max(alts, default=NEG)
        return math.inf if alt == NEG or whole == NEG else whole - alt

    # DP over lines: best[b] = best score of rows covering lines[0:b]
    best = [NEG] * (L + 1)
    back: list[tuple[int, bool] | None] = [None] * (L + 1)
    best[0] = 0.0
    for a in range(L):
        if best[a] == NEG:
            continue
        if section[a] is not None:
            if best[a] + section[a] > best[a + 1]:
                best[a + 1], back[a + 1] = best[a] + section[a], (a, True)
            if strong[a]:
                continue
        start_pen = st.lowercase_start if lines[a].text.lstrip()[:1].islower() \
            and not _fills_values(row_align(a, a + 1), kinds) else 0.0
        for b in range(a + 1, min(L, a + st.max_lines_per_row) + 1):
            if b > a + 1 and (strong[b - 1] or not (may_join(b - 2) or open_row(a, b - 1))):
                break
            al = row_align(a, b)
            if al.score == NEG:
                continue
            lead = next((j for j, sp in enumerate(al.spans) if sp is not None), len(kinds))
            sc = best[a] + st.row_bonus + al.score + start_pen + st.leading_skip * lead
            if a > 0 and section[a - 1] is None:
                sc += _same_gaps_refund(al, row_align(a - 1, a), kinds, lead, st)
            if lead and a > 0 and section[a - 1] is None and incomplete(a - 1) \
                    and _last_filled(row_align(a - 1, a)) < lead:
                sc += st.orphan_start   # starts mid-row where the line before left off: its end
            if sc > best[b]:
                best[b], back[b] = sc, (a, False)
    if best[L] == NEG:
        # report the first line that cannot be placed
        reach = max(i for i in range(L + 1) if best[i] != NEG)
        bad = lines[reach] if reach < L else lines[-1]
        raise InputError(f"row cannot be aligned to the header's {len(kinds)} columns: "
                         f"{clean(bad.text)[:80]!r}", line=bad.number)
    if cache_out is not None:
        cache_out.update(cache)
    out = []
    b = L
    while b > 0:
        a, is_section = back[b]
        if is_section:
            out.append((lines[a:b], None, clean(lines[a].text), math.inf))
        else:
            out.append((lines[a:b], row_align(a, b), None, split_margin(a, b) if b - a > 1 else math.inf))
        b = a
    return out[::-1]


_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?%?")


def stacked_alignment(toks: list[Tok], kinds: list[str], kb: Knowledge,
                      st: AlignSettings) -> Alignment | None:
    """A row whose cells are stacked per arm over lines of their own, the values column by
    column: a Treatment cell of k lines (one regimen each), then the value columns' numbers one
    per line, k for the first column, k for the next ... ("31.0 / 30.0 / 44.0 / 4.0 / 4.0 / 4.0").
    None when the row's tokens do not end that way."""
    values = []
    for j in range(len(kinds) - 1, -1, -1):
        if kinds[j] in MEASURE_COLUMNS or kinds[j] == "other":
            values.append(j)
        else:
            break
    values.reverse()
    if len(values) < 2 or "treatment" not in kinds[:values[0]]:
        return None
    start = len(toks)
    while start > 0 and _PLAIN_NUMBER.fullmatch(toks[start - 1].norm) and \
            (start == 1 or toks[start - 2].line != toks[start - 1].line) and \
            (start == len(toks) or toks[start].line != toks[start - 1].line):
        start -= 1
    n = len(toks) - start
    k, rest = divmod(n, len(values))
    if k < 2 or rest or start == 0:
        return None
    head = align_tokens(toks[:start], kinds[:values[0]], kb, st, spanned_prefix=False)
    t = kinds.index("treatment")
    sp = head.spans[t]
    if head.score == NEG or sp is None or len({x.line for x in toks[sp[0]:sp[1]]}) != k:
        return None
    spans = list(head.spans) + [(start + v * k, start + (v + 1) * k) for v in range(len(values))]
    return Alignment(head.score + st.stacked_value * n, spans)


def _same_gaps_refund(al: Alignment, above: Alignment, kinds: list[str], lead: int,
                      st: AlignSettings) -> float:
    """A value column that a row starting mid-row (an arm row under its trial's row) leaves
    empty, as the line above does, is empty for the whole trial, not a cell the copy dropped:
    it costs what an absent descriptive column costs."""
    if not lead or above.score == NEG:
        return 0.0
    refund = 0.0
    for j in range(lead, len(kinds)):
        if al.spans[j] is None and above.spans[j] is None:
            refund += st.skip_identity - _skip_cost(kinds[j], st)
    return refund


def _fills_values(al: Alignment, kinds: list[str]) -> bool:
    """Does a line alone start mid-row and fill every value column: an arm row ("gp100 vaccine
    6.4 2.8 1.5"), whatever case its first word is in?"""
    if al.score == NEG or al.spans[0] is not None:
        return False
    vals = [sp for sp, k in zip(al.spans, kinds) if k in MEASURE_COLUMNS]
    return bool(vals) and all(sp is not None for sp in vals)


def _last_filled(al: Alignment) -> int:
    """Index of an alignment's last filled column (-1: none, or the line cannot be a row)."""
    if al.score == NEG:
        return -1
    return max((j for j, sp in enumerate(al.spans) if sp is not None), default=-1)


def _cell_text(toks: list[Tok], lines: dict[int, str]) -> str:
    parts: list[str] = []
    cur_line, cur_start, cur_end = None, 0, 0
    for t in toks:
        if t.line != cur_line:
            if cur_line is not None:
                parts.append(lines[cur_line][cur_start:cur_end])
            cur_line, cur_start = t.line, t.start
        cur_end = t.end
    if cur_line is not None:
        parts.append(lines[cur_line][cur_start:cur_end])
    return " ".join(parts)


def text_table_to_grid(table: TextTable, st: AlignSettings = DEFAULT_SETTINGS) -> Grid:
    header = list(table.header_cells) if table.header_cells else split_header_line(table.header.text)
    specs = table_specs(header)
    body_text = " ".join(ln.text for ln in table.body)
    kb = Knowledge.of_table(table.legend, body_text)
    kb.results_in_endpoint = endpoint_may_hold_results(s.canonical for s in specs)
    if not table.body:
        raise InputError("table has a header but no data rows", line=table.header.number)
    scorers: dict[tuple[int, int], RowScorer] = {}
    first: dict[tuple[int, int], Alignment] = {}
    line_tokens: dict[int, list[Tok]] = {}      # line number -> tokens, for both passes
    rows = lines_to_rows(table, specs, kb, st, scorers=scorers, cache_out=first, line_tokens=line_tokens)
    # second pass: values seen in the same column on other rows
    # and how long each value column's cells are on the other rows
    vocab = [Counter() for _ in specs]
    sizes: list[list[int]] = [[] for _ in specs]
    for lines, al, sec, _ in rows:
        if al is None:
            continue
        toks = tokenize_lines(lines, line_tokens)
        for j, sp in enumerate(al.spans):
            if sp is not None and specs[j].canonical not in ("outcomes_text",):
                vocab[j][" ".join(t.low for t in toks[sp[0]:sp[1]])] += 1
                sizes[j].append(sp[1] - sp[0])
    kinds = [align_kind(s) for s in specs]
    seen, lengths = _seen_twice(vocab), _usual_lengths(sizes, kinds, st)
    rows = lines_to_rows(table, specs, kb, st, vocab=seen, scorers=scorers, first_pass=first,
                         line_tokens=line_tokens, lengths=lengths)
    line_text = {ln.number: ln.text for ln in table.body}
    index = {ln.number: i for i, ln in enumerate(table.body)}
    grid_rows = []
    for lines, al, sec, joined_margin in rows:
        if sec is not None:
            grid_rows.append(GridRow(cells=tuple(None for _ in specs), line=lines[0].number, section=sec,
                                     page=table.page))
            continue
        toks = tokenize_lines(lines, line_tokens)
        a = index[lines[0].number]
        scorer = scorers.get((a, a + len(lines))) or RowScorer(toks, kb)
        doubts = row_doubts(lines, toks, kinds, al, kb, st, seen, scorer, joined_margin)
        cells = []
        for j, sp in enumerate(al.spans):
            if sp is None:
                cells.append(None)
            else:
                ct = toks[sp[0]:sp[1]]
                cells.append(Cell(_cell_text(ct, line_text), ct[0].line, False, table.page,
                                  doubts.cells.get(j, ())))
        margin = alignment_margin(toks, kinds, al, st, scorer, seen, lengths, spanned_prefix=a > 0)
        grid_rows.append(GridRow(cells=tuple(cells), line=lines[0].number, line_end=lines[-1].number,
                                 page=table.page, flags=doubts.row,
                                 alignment_margin=None if margin is None else round(margin, 3),
                                 joined_lines=len(lines)))
    return Grid(source=table.source, label=table.label, title=table.title, header=tuple(header),
                rows=tuple(grid_rows), legend=table.legend, notes=table.notes,
                header_line=table.header.number)


def _too_long(al: Alignment, lengths: Lengths | None) -> bool:
    """Does an alignment hold a value cell longer than its column's usual cells?"""
    return bool(lengths) and any(sp is not None and n is not None and sp[1] - sp[0] > n
                                 for sp, n in zip(al.spans, lengths))


def _rescore(al: Alignment, toks: list[Tok], vocab: Vocab, st: AlignSettings) -> Alignment:
    """The same alignment, with the second pass's vocabulary bonuses added to its score."""
    score = al.score
    for j, sp in enumerate(al.spans):
        if sp is None:
            continue
        cols = vocab.get(" ".join(t.low for t in toks[sp[0]:sp[1]]))
        if cols:
            score += st.vocab_bonus if j in cols else -st.vocab_malus
    return Alignment(score, al.spans)


def _usual_lengths(sizes: list[list[int]], kinds: list[str], st: AlignSettings) -> Lengths:
    """Per value column, the cell length (in tokens) beyond which a cell is unusually long for
    this table: most rows agree on what a column holds ("4.1", "5.4 (HR 1.11; P = 0.35)"), so a
    much longer cell is more likely text of another column or row run into it. None for
    descriptive columns (their cells vary) and columns with fewer than three cells."""
    out: Lengths = []
    for sz, kind in zip(sizes, kinds):
        if len(sz) < 3 or not (kind in MEASURE_COLUMNS or kind == "other"):
            out.append(None)
            continue
        usual = sorted(sz)[(3 * len(sz)) // 4]
        out.append(max(2 * usual, usual + st.long_value_slack))
    return out


def _seen_twice(vocab: list[Counter]) -> Vocab:
    """Only values seen on at least two rows count as 'seen in this column on another row':
    each such value with the columns it was seen in."""
    cols: dict[str, set[int]] = {}
    for j, c in enumerate(vocab):
        for k, v in c.items():
            if v >= 2:
                cols.setdefault(k, set()).add(j)
    return Vocab({k: frozenset(v) for k, v in cols.items()})


# ---------------------------------------------------------------- two rows on one line
# A copy that loses a line break joins a row onto the line before it; when the joined row's
# leading cells span down from above (so are missing), the line no longer has too many cells
# and would align as ONE row whose free text holds both rows' numbers. In a table whose last
# column is the reference and which has line and phase columns, the tell is a reference
# number followed, a few words on, by a line of therapy and a phase ("... 209 2nd II Mono
# Any Among 14 ..."), or by a trial id: the end of one row and the start of the next.
_JOINED_ROW = re.compile(
    r"(?<=[A-Za-z%.)])\s+[\[(]?\d{1,4}[\])]?\s+(?:NCT\d{8}\s+)?(?:(?![\[(]?\d+[\])]?\s)\S+\s+){0,6}?"
    r"(?:1st|2nd|3rd|[4-9]th|first|second|third)(?:[- ]line)?\s+(?:phase\s*)?(?:I{1,3}|IV|[1-4])(?:/(?:I{1,3}|IV|[1-4]))?"
    r"(?:\s|$)"
    r"|(?<=\S)\s+[\[(]?\d{1,4}[\])]?\s+NCT\d{8}\s")     # or a trial id right after the reference


def joined_row_at(text: str, header: list[str]) -> int | None:
    """Where a second row starts inside a pasted line (the offset of its first word), when
    the table's columns make that readable (see _JOINED_ROW); None otherwise."""
    kinds = [classify_header(h).canonical for h in header]
    if not kinds or kinds[-1] != "ref" or "line" not in kinds or "phase" not in kinds:
        return None
    m = _JOINED_ROW.search(text)
    if m is None:
        return None
    ref = re.match(r"\s+\S+\s+", text[m.start():])
    return m.start() + ref.end()
