"""Free-text outcome cells -> measures, each with its evidence span.

spaCy does the tokenising, sentence splitting and pattern matching (patterns are data, in
data/patterns.json); the grammar below is plain functions over the matched spans:

1. every number gets a role: part of a threshold ("Ki-67 >= 10%"), a non-responder count,
   an assessment week, a criteria version, a dose, a measure's landmark ("12-month OS"),
   a follow-up time, a patient count, or a value;
2. a sentence opening "Among/Of/In N <who>," sets the cohort count (or a subgroup count
   when the cohort is already known), "In <who>," sets the population for the sentence;
3. counts: "24 and 19 were GEP-NENs and NECs, respectively", "9 were GEP-NECs",
   ", including 25 GEP-NECs", "17 CPT-11 and 5 PTX";
4. values go to the nearest preceding measure named in their clause, or pair up with a list
   of measures or populations when the clause says "respectively"; "x% in NEC and y% in
   NET" gives each value its own population;
5. "The primary endpoint, X, was (not) met".
Numbers that get no measure are returned as narrative with the rule that left them out.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ..model import CellMeasure, CellNarrative
from ..normalize.text import normalize
from ..normalize.units import time_unit, to_months

MEASURES = {"orr", "dcr", "pfs_median", "os_median", "pfs_rate", "os_rate"}
RATE_MEASURES = {"orr", "dcr", "pfs_rate", "os_rate"}
NARRATIVE_LABELS = {"threshold", "assessment_time", "criteria_version", "non_responder_count", "responder_count", "dose",
                    "confidence_interval", "sample_size", "grade"}
# single-token look-alikes that are a prefix of a name when a hyphen follows ("PD-L1", "PR-104")
_HYPHEN_PREFIXES = {"pd", "pr", "cr", "sd"}
NUM_RX = re.compile(r"^(?:\d+(?:\.\d+)?|\d{1,3}(?:,\d{3})+)$")   # "1,234": thousands separators
DIGITS = re.compile(r"\d+(?:\.\d+)?")


_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
# a date: ISO "2021-03-04", "04.03.2021", "4/3/2021", a month and year "03.2021", "03/2021",
# "March 2021", "4 March 2021", or a bare year after the words that date a data set
DATE_RX = re.compile(
    rf"(?<![\d.]){_YEAR}-\d{{1,2}}(?:-\d{{1,2}})?(?![\d.])"
    rf"|(?<![\d.])(?:\d{{1,2}}[./-])?\d{{1,2}}[./-]{_YEAR}(?![\d])"
    rf"|(?i:\b(?:\d{{1,2}}\s+)?{_MONTH}\s*,?\s*{_YEAR}\b)"
    rf"|(?i:\b(?:as of|cut-?\s?off(?: date)?:?|since|until|through)\s+(?:the end of\s+)?{_YEAR}\b(?![-./]\d))")


def _number(word: str) -> float:
    """A number token (NUM_RX) as a float: "1,234" -> 1234."""
    return float(word.replace(",", ""))
NOT_POPULATION = re.compile(r"(?i)\b(analysis|analyses|follow-up|study|trial|part|setting|update|"
                            r"report|cohort of the trial|overall|total|intention|itt|whole)\b")
ALL_POPULATION = re.compile(r"(?i)^(?:the\s+)?(?:all|all patients|all pts|all evaluable patients|overall|"
                            r"(?:across\s+)?all\s+(?:dose\s+levels|doses|cohorts|arms|groups|subgroups|parts)|"
                            r"(?:overall|whole|entire|total|full|study|intention-to-treat|itt)\s+"
                            r"(?:population|cohort|group|patients|analysis set))$")
HEAD_NOUNS = {"tumors", "tumours", "disease", "diseases", "cancer", "cancers", "patients", "cases"}


@dataclass
class OutcomeParse:
    measures: list[CellMeasure] = field(default_factory=list)
    narrative: list[CellNarrative] = field(default_factory=list)
    primary_endpoint: str | None = None
    primary_endpoint_met: bool | None = None


# ------------------------------------------------------------------ spaCy set-up
@lru_cache(maxsize=1)
def _pattern_data() -> dict:
    return json.loads(resources.files("pipeline.outcomes").joinpath("data/patterns.json").read_text("utf-8"))


def _expand_units(pattern: list[dict], units: list[str]) -> list[dict]:
    return json.loads(json.dumps(pattern).replace('"UNIT"', json.dumps(units)))


# spaCy reserves lexeme flag bits FLAG19..FLAG63 for users (spacy.attrs)
_FIRST_FLAG, _LAST_FLAG = 19, 63


def compile_patterns(patterns: list[list[dict]], vocab) -> list[list[dict]]:
    """The patterns with every word list (`{"LOWER": {"IN": [...]}}`, `{"TEXT": {"IN": [...]}}`)
    turned into a lexeme flag (`{"FLAG19": True}`): the same matches, but tested in spaCy's
    compiled matcher loop, once per distinct word, instead of by a Python set predicate on
    every token for every pattern (twice as fast over a table's outcome cells)."""
    flags: dict[tuple[str, frozenset[str]], int] = {}
    out = []
    for pattern in patterns:
        compiled = []
        for spec in pattern:
            tok: dict = {}
            for attr, value in spec.items():
                if attr in ("LOWER", "TEXT") and isinstance(value, dict) and set(value) == {"IN"}:
                    key = (attr, frozenset(value["IN"]))
                    if key not in flags:
                        flag = _FIRST_FLAG + len(flags)
                        if flag > _LAST_FLAG:
                            raise ValueError("more word lists in patterns.json than spaCy has lexeme flags")
                        words = key[1]
                        getter = (lambda s, w=words: s.lower() in w) if attr == "LOWER" else (lambda s, w=words: s in w)
                        vocab.add_flag(getter, flag_id=flag)
                        flags[key] = flag
                    tok[f"FLAG{flags[key]}"] = True
                else:
                    tok[attr] = value
            compiled.append(tok)
        out.append(compiled)
    return out


def _blank_english():
    """spaCy's blank English (what `spacy.blank("en")` builds) with three tokenizer rules for
    outcome cells: "):" closes a parenthesis before a colon ("Cohort 1 (n = 30): ORR 10%"), not
    the emoticon spaCy's exceptions make it; "=" or ":" between a letter and a number is a token
    of its own ("(n=12)" reads as "(n = 12)", "OS:26.3m" as "OS : 26.3 m"); a duration unit glued
    to its number is split from it ("5.7mo"). The rules go in a Defaults subclass, so the tokenizer is
    built once with them (setting `infix_finditer` afterwards rebuilds its special cases)."""
    from spacy.lang.en import English
    from spacy.symbols import ORTH

    class Defaults(English.Defaults):
        # "(n=12)" and "PFS:10.3" split like "n = 12" and "PFS: 10.3"
        # "ORR(durva vs. placebo)" like "ORR (durva vs. placebo)"
        infixes = [*English.Defaults.infixes, r"(?<=[A-Za-z])[=:](?=[\d.])", r"(?<=[A-Za-z]{2})\((?=[A-Za-z])"]
        # "5.7mo", "8wk", "12mos": a duration unit glued to its number is a token of its own
        suffixes = [*English.Defaults.suffixes,
                    r"(?<=[0-9])(?:months|month|mos|mo|weeks|week|wks|wk|days|day|years|year|yrs|yr)"]
        tokenizer_exceptions = {**English.Defaults.tokenizer_exceptions, "):": [{ORTH: ")"}, {ORTH: ":"}]}

    class OutcomeEnglish(English):
        pass

    OutcomeEnglish.Defaults = Defaults
    return OutcomeEnglish()


@lru_cache(maxsize=1)
def nlp_and_matcher():
    from spacy.matcher import Matcher
    from spacy.schemas import validate_token_pattern

    nlp = _blank_english()
    nlp.add_pipe("sentencizer")
    data = _pattern_data()
    patterns = [_expand_units(entry["pattern"], data["duration_words"]) for entry in data["patterns"]]
    for entry, pattern in zip(data["patterns"], patterns):
        errors = validate_token_pattern(pattern)    # the data as written, before compiling
        if errors:
            raise ValueError(f"patterns.json, rule {entry['label']!r} ({entry.get('comment', '')}): {errors}")
    # flags are not in spaCy's pattern schema: the compiled patterns skip its validation
    matcher = Matcher(nlp.vocab, validate=False)
    for entry, pattern in zip(data["patterns"], compile_patterns(patterns, nlp.vocab)):
        matcher.add(entry["label"], [pattern])
    return nlp, matcher


# ------------------------------------------------------------------ token view
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


class Cell:
    """One outcome cell: the clean text, its tokens and what the patterns found."""

    def __init__(self, text: str):
        self.original = text
        self.norm = normalize(text)
        nlp, matcher = nlp_and_matcher()
        self.doc = nlp(self.norm.text)
        self.words = [t.text for t in self.doc]
        self.lower = [w.lower() for w in self.words]     # spaCy's LOWER is str.lower()
        self.role: dict[int, str] = {}          # token index -> rule for numbers not values
        self.mentions: list[Mention] = []
        self.timepoints: list[tuple[int, int, float]] = []
        self.nr_spans: list[tuple[int, int]] = []
        self.pe_spans: list[tuple[int, int]] = []
        self.default: Mention | None = None      # the column's own measure (numeric cells)
        self.default_unit: str | None = None
        self._match(matcher)
        self._dates()

    # char span in the ORIGINAL text of tokens [a, b)
    def span(self, a: int, b: int) -> tuple[int, int]:
        st = self.doc[a].idx
        en = self.doc[b - 1].idx + len(self.doc[b - 1].text)
        return self.norm.span(st, en)

    def text_of(self, a: int, b: int) -> str:
        s, e = self.span(a, b)
        return self.original[s:e]

    def is_num(self, i: int) -> bool:
        return 0 <= i < len(self.words) and bool(NUM_RX.match(self.words[i]))

    def _dates(self) -> None:
        """Numbers inside a date ("Data cut-off: 2021-03-04", "(as of 03.2021)", "March
        2021") are never values: rule 'date'."""
        spans = [m.span() for m in DATE_RX.finditer(self.norm.text)]
        if not spans:
            return
        for i, t in enumerate(self.doc):
            if any(ch.isdigit() for ch in t.text) and any(a <= t.idx and t.idx + len(t.text) <= b
                                                          for a, b in spans):
                self.role[i] = "date"

    def _match(self, matcher) -> None:
        from spacy.tokens import Span
        from spacy.util import filter_spans

        doc = self.doc
        raw = matcher(doc)
        spans = filter_spans([Span(doc, s, e, label=m) for m, s, e in raw])
        for sp in sorted(spans, key=lambda s: s.start):
            label = sp.label_
            if (label == "other" and sp.end - sp.start == 1 and self.lower[sp.start] in _HYPHEN_PREFIXES
                    and sp.end < len(self.words) and self.words[sp.end] == "-"):
                continue
            if label in NARRATIVE_LABELS:
                for i in range(sp.start, sp.end):
                    if self.is_num(i):
                        self.role[i] = label
                if label == "confidence_interval":
                    # the bounds that follow, up to the closing parenthesis: "(95% CI, 4.1-7.0)"
                    k = sp.end
                    while k < len(self.words) and self.words[k] not in (")", ";", "]") and k < sp.end + 8:
                        if self.is_num(k):
                            self.role[k] = label
                        k += 1
            elif label in MEASURES or label in ("other", "follow_up"):
                m = Mention(label, sp.start, sp.end)
                nums = [i for i in range(sp.start, sp.end) if self.is_num(i)]
                if nums and label in ("pfs_rate", "os_rate"):
                    unit = next((time_unit(self.lower[i]) for i in range(nums[0] + 1, sp.end)
                                 if time_unit(self.lower[i])), "months")
                    m.tp_months = round(to_months(_number(self.words[nums[0]]), unit), 4)
                    for i in nums:
                        self.role[i] = "timepoint_of_measure"
                self.mentions.append(m)
            elif label == "timepoint":
                nums = [i for i in range(sp.start, sp.end) if self.is_num(i)]
                unit = time_unit(self.lower[sp.end - 1]) or "months"
                if nums:
                    self.timepoints.append((sp.start, sp.end, round(to_months(_number(self.words[nums[0]]), unit), 4)))
            elif label == "not_reached":
                self.nr_spans.append((sp.start, sp.end))
            elif label == "primary_endpoint":
                self.pe_spans.append((sp.start, sp.end))
        self._mark_intervals()
        for m in self.mentions:
            m.arms = self._arms_named_after(m.end)
        # "45.6% at 1 year": a landmark right after a percentage is the percentage's landmark,
        # never a duration of its own
        for (a, b, _tp) in self.timepoints:
            if a > 0 and self.words[a - 1] == "%":
                for i in range(a, b):
                    if self.is_num(i):
                        self.role[i] = "timepoint_of_measure"
        # "ORR 8 wk": a duration right after a rate is its landmark (a rate's value is a %)
        for m in self.mentions:
            j = m.end
            if (m.label in ("orr", "dcr") and m.tp_months is None and self.is_num(j) and j + 1 < len(self.words)
                    and time_unit(self.lower[j + 1]) and len(self.lower[j + 1]) > 1):
                m.tp_months = round(to_months(_number(self.words[j]), time_unit(self.lower[j + 1])), 4)
                self.role[j] = "timepoint_of_measure"
        # a landmark right after a measure belongs to it: "ORR at 8 weeks", "DCR after 8 weeks"
        for (a, b, tp) in self.timepoints:
            prev = [m for m in self.mentions if m.end == a or (m.end == a - 1 and self.lower[a - 1] == "rate")]
            if prev and prev[-1].label in MEASURES:
                prev[-1].tp_months = tp
                if prev[-1].label.endswith("_median") and self.lower[prev[-1].start] in ("pfs", "os"):
                    # "PFS at 6 months": a landmark rate, not a median
                    prev[-1].label = prev[-1].label.replace("_median", "_rate")
                for i in range(a, b):
                    if self.is_num(i):
                        self.role[i] = "timepoint_of_measure"


    def _arms_named_after(self, i: int) -> tuple[str, ...] | None:
        """'(durva vs. placebo)' right after a measure's name: the arms its values are for."""
        w = self.words
        if i >= len(w) or w[i] != "(":
            return None
        close = next((x for x in range(i + 1, min(len(w), i + 14)) if w[x] == ")"), None)
        if close is None or any(self.is_num(x) for x in range(i + 1, close)):
            return None
        cuts = [x for x in range(i + 1, close) if self.lower[x] in ("vs.", "vs", "versus")]
        if not cuts:
            return None
        bounds = [i + 1, *cuts, close]
        names = [self.text_of(bounds[k] + (k > 0), bounds[k + 1]) for k in range(len(bounds) - 1)
                 if bounds[k + 1] > bounds[k] + (k > 0)]
        return tuple(names) if len(names) == len(cuts) + 1 else None

    def _mark_intervals(self) -> None:
        """'40% (21-53%)', '4.1 mo (3.2-5.0)', '(10.1 to 14.2)': the bounds of a range in
        parentheses right after a value are its interval, not values of their own."""
        w = self.words
        nr_end = dict(self.nr_spans)

        def bound(k: int) -> int | None:
            """End of a range bound starting at token k ('12.4', '53 %', 'NR', 'not reached')."""
            if self.is_num(k):
                return k + 1 + (k + 1 < len(w) and w[k + 1] == "%")
            return nr_end.get(k)

        for i in range(1, len(w) - 3):
            if w[i] not in ("(", "[") or not (self.is_num(i - 1) or w[i - 1] == "%" or time_unit(self.lower[i - 1])
                                              or (i - 1) in {e - 1 for e in nr_end.values()}):
                continue
            k = bound(i + 1)
            if k is None or k >= len(w) or self.lower[k] not in ("-", "to"):
                continue
            end = bound(k + 1)
            if end is not None and end < len(w) and w[end] in (")", "]"):
                for x in range(i + 1, end):
                    if self.is_num(x):
                        self.role.setdefault(x, "interval")
                self.nr_spans = [(a, b) for (a, b) in self.nr_spans if not i < a < end]


# ------------------------------------------------------------------ helpers
def _clean_population(text: str) -> str:
    t = re.sub(r"\s+", " ", text).strip(" ,;:.")      # typographic spaces and tabs fold to one space
    t = re.sub(r"\s*\((?:n\s*=\s*\d+|\d+/\d+)\)\s*$", "", t)      # "PD-L1+ (n = 20)"
    t = re.sub(r"^(?:the|those|patients|pts)\s+(?:with\s+)?", "", t, flags=re.I)
    t = re.sub(r"^(?:patients|pts)\s+with\s+", "", t, flags=re.I)
    return t.strip(" ,;:.")


def _split_list(text: str) -> list[str]:
    parts = [p for p in re.split(r"\s*,\s*(?:and\s+|or\s+)?|\s+and\s+", text) if p.strip()]
    if len(parts) > 1:
        # a head noun shared by the list: "MSI-H and MSS tumors", "stage C and B disease"
        last = parts[-1].split()
        if len(last) > 1 and last[-1].lower() in HEAD_NOUNS:
            rest = " ".join(last[:-1])
            if not rest[:1].islower():
                parts[-1] = rest
    return [_clean_population(p) for p in parts]


def _unit_after(cell: Cell, i: int) -> tuple[str | None, str | None, int]:
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


def _depth0_split(cell: Cell, a: int, b: int, sep: str) -> list[tuple[int, int]]:
    out, depth, start = [], 0, a
    for i in range(a, b):
        w = cell.words[i]
        if w == "(":
            depth += 1
        elif w == ")":
            depth = max(0, depth - 1)
        elif w == sep and depth == 0:
            out.append((start, i))
            start = i + 1
    out.append((start, b))
    return [(x, y) for x, y in out if y > x]


# ------------------------------------------------------------------ the grammar
class _State:
    def __init__(self, arms: list[str] | None = None):
        self.cohort = False
        self.arms = arms          # the row's arm labels ("A vs. B" in its treatment cell)


def named_measure(text: str | None) -> tuple[str, float | None] | None:
    """The measure a short label names ('PFS' -> pfs_median, '12-mo OS' -> os_rate at 12),
    or None ('TTP', 'QoL': outcomes this dataset does not measure)."""
    if not text or not text.strip():
        return None
    cell = Cell(text)
    for m in cell.mentions:
        if m.label in MEASURES:
            return m.label, m.tp_months
        return None            # a look-alike named first (TTP, DOR)
    return None


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
    cell = Cell(text)
    if default:
        cell.default = Mention(default, 0, 0, default_tp)
        cell.default_unit = default_unit
    state = _State(arms)
    used: set[int] = set()
    for sent in cell.doc.sents:
        _sentence(cell, sent.start, sent.end, state, res, used)
    _account_numbers(cell, res, used)
    return res


def _sentence(cell: Cell, a: int, b: int, state: _State, res: OutcomeParse, used: set[int]) -> None:
    while a < b and cell.words[a] in ("(", ")", ".", ";"):
        a += 1
    if a >= b:
        return
    # primary endpoint
    pe = [(s, e) for (s, e) in cell.pe_spans if a <= s < b]
    if pe:
        _primary_endpoint(cell, pe[0][1], b, res)
    context = "all"
    body_start = a
    if cell.lower[a] in ("among", "of", "in", "across", "for"):
        comma = next((i for i in range(a, b) if cell.words[i] == "," and _depth(cell, a, i) == 0), None)
        # "In the MiNENs the mPFS and mOS were ...": without a comma the context ends where
        # the first named measure (and its article) starts
        named = next((m.start for m in cell.mentions if a + 1 < m.start < b and m.label in MEASURES
                      and not any(cell.is_num(i) for i in range(a + 1, m.start))), None)
        if named is not None and (comma is None or named < comma):
            p1 = named - 1 if cell.lower[named - 1] in ("the", "a", "an") else named
            if p1 > a + 1:
                body_start = p1
                context = _prefix(cell, a + 1, p1, state, res, used)
        elif comma is not None:        # (an unclosed parenthesis can hide every comma)
            p0, p1 = a + 1, comma
            body_start = comma + 1
            context = _prefix(cell, p0, p1, state, res, used)
    body_mentions = [m for m in cell.mentions if body_start <= m.start < b]
    if not [m for m in body_mentions if m.label in MEASURES]:
        _counts(cell, body_start, b, state, res, used, context)
    label_context = None
    for (c0, c1) in _depth0_split(cell, body_start, b, ";"):
        lab = _clause_label(cell, c0, c1, res, used)
        if lab is not None:
            label_context, c0 = lab
        _clause(cell, c0, c1, label_context or context, res, used, state.arms)


# labels that head results without naming who they are for: "Efficacy: ORR 12%"
_GENERIC_LABEL = re.compile(r"(?i)\b(analysis|analyses|follow-up|update|report|results?|efficacy|outcomes?|"
                            r"safety|overall|total|itt|intention|primary|secondary|endpoints?|notes?)\b")


def _clause_label(cell: Cell, a: int, b: int, res: OutcomeParse, used: set[int]) -> tuple[str, int] | None:
    """A clause headed by who its results are for: "Part A: ORR 12%, mPFS 3.1 months",
    "Cohort 1 (n = 30): ORR 10%", "G3 NEC: mOS 8.2 mo". Returns the population and where the
    results start; the label holds the clause's population until the sentence ends or another
    label starts. Not a label: a measure name ("ORR: 12%"), a generic heading ("Efficacy:"),
    text with values in it, or a label followed by no named measure (counts, arms' values)."""
    colon = next((i for i in range(a, min(b, a + 12)) if cell.words[i] == ":" and _depth(cell, a, i) == 0), None)
    if colon is None or colon == a:
        return None
    if not any(m.label in MEASURES for m in cell.mentions if colon < m.start < b):
        return None
    if any(a <= m.start < colon for m in cell.mentions):
        return None
    desc_end, n_tok = colon, None
    # "(n = 30)" before the colon: the label's own count
    if colon - a >= 5 and cell.words[colon - 1] == ")" and _n_equals(cell, colon - 5):
        desc_end, n_tok = colon - 5, colon - 2
    if desc_end - a < 1 or desc_end - a > 6:
        return None
    label_nums = []
    for i in range(a, desc_end):
        if cell.words[i] in ("(", ")", "%", "=") or time_unit(cell.lower[i]):
            return None
        if cell.is_num(i) and i not in cell.role:
            # only a cohort's or an arm's number: "Cohort 1", "Arm 2"
            if i == a or not cell.words[i - 1][:1].isalpha() or "." in cell.words[i]:
                return None
            label_nums.append(i)
    label = _clean_population(cell.text_of(a, desc_end))
    if not label:
        return None
    pop = "all" if ALL_POPULATION.match(label) or _GENERIC_LABEL.search(label) else label
    for i in label_nums:
        cell.role[i] = "label"
    if n_tok is not None and "." not in cell.words[n_tok]:
        _emit_count(cell, n_tok, pop, res, used)
    return pop, colon + 1


def _n_equals(cell: Cell, i: int) -> bool:
    """Tokens from i read "( n = <number>": a group's patient count."""
    return (i + 3 < len(cell.words) and cell.words[i] == "(" and cell.lower[i + 1] == "n"
            and cell.words[i + 2] == "=" and cell.is_num(i + 3))


def _depth(cell: Cell, a: int, i: int) -> int:
    d = 0
    for k in range(a, i):
        if cell.words[k] == "(":
            d += 1
        elif cell.words[k] == ")":
            d = max(0, d - 1)
    return d


def _prefix(cell: Cell, p0: int, p1: int, state: _State, res: OutcomeParse, used: set[int]) -> str:
    """'Among 29 patients with G3 NEN' / 'In the HCC cohort (n = 30)' / 'In GEP-NEC'.
    Returns the population context for the rest of the sentence."""
    n_tok = None
    if p0 + 1 < p1 and cell.lower[p0] in ("the", "a", "these") and cell.is_num(p0 + 1):
        p0 += 1                      # "Of the 24 evaluable patients"
    desc = (p0, p1)
    if cell.is_num(p0) and p0 not in cell.role and _unit_after(cell, p0)[0] is None:
        n_tok, desc = p0, (p0 + 1, p1)
    else:
        for i in range(p0, p1 - 3):
            if _n_equals(cell, i):
                n_tok, desc = i + 3, (p0, i)
                break
    desc_text = _clean_population(cell.text_of(*desc)) if desc[1] > desc[0] else ""
    if n_tok is not None:
        if not state.cohort:
            state.cohort = True
            _emit_count(cell, n_tok, "all", res, used)
            return "all"
        pop = desc_text or "all"
        _emit_count(cell, n_tok, pop, res, used)
        return pop
    if not desc_text or ALL_POPULATION.match(desc_text) or NOT_POPULATION.search(desc_text):
        return "all"
    if any(m.label in MEASURES for m in cell.mentions if p0 <= m.start < p1):
        return "all"
    return desc_text


def _emit_count(cell: Cell, i: int, pop: str, res: OutcomeParse, used: set[int]) -> None:
    v = _number(cell.words[i])
    if v != int(v):
        return
    s, e = cell.span(i, i + 1)
    res.measures.append(CellMeasure("n", pop, v, "patients", False, cell.words[i], None, None, s, e))
    used.add(i)


def _is_count_num(cell: Cell, i: int, used: set[int]) -> bool:
    return (cell.is_num(i) and i not in cell.role and i not in used and "." not in cell.words[i]
            and _unit_after(cell, i)[0] is None)


_COUNT_VERBS = {"were", "had", "was", "received", "with", "having", "are", "have"}
_POP_STOP = {",", ";", ".", "(", "respectively", "including", "of", "whereas", "while", "who", "which"}


def _counts(cell: Cell, a: int, b: int, state: _State, res: OutcomeParse, used: set[int], context: str) -> None:
    i = a
    while i < b:
        if not _is_count_num(cell, i, used):
            i += 1
            continue
        # a list of counts: "24 and 19", "38, 15 and 12"
        nums = [i]
        j = i + 1
        while j + 1 < b and cell.words[j] in (",", "and") and _is_count_num(cell, j + 1, used):
            nums.append(j + 1)
            j += 2
            if j < b and cell.words[j] == "and" and j + 1 < b and _is_count_num(cell, j + 1, used):
                continue
        if len(nums) == 1 and j < b and cell.words[j] == "(":
            # "18 (60%) had pancreatic primaries": the share in parentheses is the same count
            close = next((x for x in range(j, min(b, j + 6)) if cell.words[x] == ")"), None)
            if close is not None and close + 1 < b and cell.lower[close + 1] in _COUNT_VERBS:
                for x in range(j, close):
                    if cell.is_num(x):
                        cell.role.setdefault(x, "share_of_count")
                j = close + 1
        if j < b and cell.lower[j] in _COUNT_VERBS:
            k = j + 1
            end = k
            resp_at = next((x for x in range(k, b) if cell.lower[x] == "respectively"), None)
            if len(nums) > 1 and resp_at is not None:
                # "38, 15 and 12 had CRC, gastric cancer and other tumors, respectively"
                end = resp_at
                while end > k and cell.words[end - 1] in (",", ";"):
                    end -= 1
            while end < b and cell.words[end] not in _POP_STOP and not (
                    cell.words[end] == "and" and end + 1 < b and _is_count_num(cell, end + 1, used)):
                end += 1             # "20 had G3 NETs and 25 had NECs": the next count starts
            if end + 1 < b and cell.words[end] == "(":
                close = next((x for x in range(end, b) if cell.words[x] == ")"), end)
                end_text = end
                end = close + 1
            else:
                end_text = end
            if end_text > k:
                pops_text = cell.text_of(k, end_text)
                pops = _split_list(pops_text) if len(nums) > 1 else [_clean_population(pops_text)]
                if len(nums) > 1 and len(pops) == len(nums):
                    for t, p in zip(nums, pops):
                        _emit_count(cell, t, p, res, used)
                elif len(nums) == 1:
                    _emit_count(cell, nums[0], pops[0], res, used)
            i = end_text + 1 if end_text < b and cell.words[end_text] == "and" else end_text
            continue
        # "17 CPT-11 and 5 PTX", ", including 25 GEP-NECs": count followed by its population
        if len(nums) == 1:
            end = i + 1
            while end < b and cell.words[end] not in _POP_STOP and cell.words[end] != "and" and not cell.is_num(end):
                end += 1
            prev = cell.lower[i - 1] if i > a else ""
            if end > i + 1 and (prev in ("including", ":", "and", ",") or
                                (end < b and cell.words[end] == "and" and _is_count_num(cell, end + 1, used))):
                _emit_count(cell, i, _clean_population(cell.text_of(i + 1, end)), res, used)
            i = end
            continue
        i = j


def _values(cell: Cell, a: int, b: int, used: set[int]) -> list[Value]:
    vals: list[Value] = []
    nr_starts = {s: e for s, e in cell.nr_spans}
    i = a
    while i < b:
        if i in nr_starts:
            vals.append(Value(i, nr_starts[i], None, True, None, None))
            i = nr_starts[i]
            continue
        if cell.is_num(i) and i not in cell.role and i not in used:
            unit, rep, nxt = _unit_after(cell, i)
            vals.append(Value(i, nxt, _number(cell.words[i]), False, unit, rep))
            i = nxt
            continue
        i += 1
    # a bare number in a list takes the unit written after the list: "2.5 and 7.8 months"
    for k in range(len(vals) - 2, -1, -1):
        v, w = vals[k], vals[k + 1]
        if v.unit is None and not v.nr and w.unit and all(
                cell.words[x] in (",", "and", "or", "vs.", "vs", "versus") for x in range(v.end_tok, w.tok)):
            v.unit, v.unit_rep = w.unit, w.unit_rep
    # "OCT: 14.3 m vs. placebo: 6.0 m", "A: 1.9 mo": a short label and a colon before the value
    def label_before(end: int) -> int | None:
        """Start of a label of 1-3 words ending at token `end` (exclusive), or None."""
        k = end
        while k > a and end - k < 3 and not _label_stop(cell, k - 1):
            k -= 1
        if k == end or any(m.start < end and k < m.end for m in cell.mentions):
            return None
        if any(cell.lower[x] in _NOT_LABEL for x in range(k, end)):
            return None              # "was met: 62.5%" is a sentence, not a label
        return k

    for v in vals:
        if v.tok >= 2 and cell.words[v.tok - 1] == ":":
            k = label_before(v.tok - 1)
            if k is not None:
                v.pop, v.pop_span = cell.text_of(k, v.tok - 1), (k, v.tok - 1)
        elif v.tok >= 2 and v.end_tok < b and cell.words[v.end_tok] in (")", ",", ";") \
                and _depth(cell, a, v.tok) > 0:
            # "(G3 31%)", "(NEC 4.7 mo, G3 NET NR)", "(G3 6-mo PFS 44%)": subgroup labels in
            # parentheses, each before its value or before the value's own measure
            named = next((m for m in cell.mentions if m.end == v.tok and m.label in MEASURES), None)
            end = named.start if named is not None else v.tok
            k = label_before(end)
            if k is not None and k > 0 and (cell.words[k - 1] == "(" or (
                    cell.words[k - 1] in (",", ";") and _depth(cell, a, k - 1) > 0)):
                v.pop, v.pop_span = cell.text_of(k, end), (k, end)
    # "x% in NEC", "in NETs and NECs, respectively"
    value_toks = {v.tok for v in vals}
    for v in vals:
        j = v.end_tok
        if j < b and cell.words[j] == "(":      # "32% (PR of two)"
            close = next((x for x in range(j, b) if cell.words[x] == ")"), None)
            if close is not None and not any(x in value_toks for x in range(j, close)):
                j = close + 1
        if j < b and cell.lower[j] in ("in", "among", "for"):
            end = j + 1
            while end < b and cell.words[end] not in (",", ";", ".", "respectively", "vs.", "vs", "versus", "(") \
                    and end not in value_toks \
                    and not (cell.words[end] == "and" and end + 1 < b and (end + 1 in value_toks)):
                end += 1
            if end > j + 1:
                v.pop = cell.text_of(j + 1, end)
                v.pop_span = (j + 1, end)
    return vals


_NOT_LABEL = {"was", "were", "is", "are", "met", "not", "reached", "achieved", "of", "the", "and", "in", "with"}


def _label_stop(cell: Cell, i: int) -> bool:
    w = cell.words[i]
    return (w in (",", ";", ":", ".", "(", ")", "vs.", "vs", "%", "and") or cell.is_num(i)
            or time_unit(w) is not None or any(s <= i < e for s, e in cell.nr_spans))


def _clause(cell: Cell, a: int, b: int, context: str, res: OutcomeParse, used: set[int],
            arms: list[str] | None = None) -> None:
    mentions = [m for m in cell.mentions if a <= m.start < b]
    vals = _values(cell, a, b, used)
    if not vals:
        return
    if cell.default is not None:
        mentions = [Mention(cell.default.label, a, a, cell.default.tp_months)] + mentions
        for v in vals:
            if v.unit is None and not v.nr and cell.default_unit:
                v.unit, v.unit_rep = cell.default_unit, None
    measure_ms = [m for m in mentions if m.label in MEASURES]
    resp = any(cell.lower[i] == "respectively" for i in range(a, b))
    if not measure_ms:
        # "a PR that was ongoing for 13 months": a number no measure is named for
        for v in vals:
            if not v.nr:
                cell.role.setdefault(v.tok, "no_measure_named")
        return
    first_mention_start = min(m.start for m in mentions)
    vals = [v for v in vals if v.tok >= first_mention_start]
    assigned: list[tuple[Mention, Value, str]] = []
    between: set[int] = set()     # values that sit between two measures they could belong to
    # "the mPFS and mOS were 2.5 and 7.8 months, respectively"
    before = [m for m in measure_ms if vals and m.end <= vals[0].tok]
    listed = not any(m.start > vals[0].tok for m in mentions) if vals else False
    # "the median PFS and OS were 3.0 and 7.5 months": a list of measures, then as many values
    if (resp or listed) and len(before) > 1 and len(before) == len(vals) and all(
            _compatible([m], v, lambda m, v: _adjacent(cell, m, v)) is m for m, v in zip(before, vals)):
        for m, v in zip(before, vals):
            assigned.append((m, v, _pop_of(v, context)))
    else:
        owners: list[tuple[Value, Mention]] = []
        for v in vals:
            # "43.2% 6-mo PFS": a value written just before the measure it belongs to; not when
            # that measure has a value of its own ("2.0 months mOS: 5.6 months") or the value
            # ends a comparison begun before it ("ORR: 11.2% versus 0% DCR: 40.3%")
            nxt = [m for m in mentions if m.start == v.end_tok and m.end > m.start
                   and not _has_own_value(cell, m, b) and not _compared(cell, a, v)]
            if nxt and nxt[0].label not in MEASURES:
                owners.append((v, nxt[0]))          # "(1 CR, 4 PR)": a count of responses
                continue
            m = _compatible(nxt, v) if nxt else None
            if m is not None and m.label in MEASURES:
                # "1 year PFS 15% 1 year OS 50%": the 15% is as much PFS's (named right before
                # it) as OS's (named right after)
                before_v = [p for p in mentions if p.end == v.tok and p.end > p.start and p.label in MEASURES]
                other = _compatible(before_v, v) if before_v else None
                if other is not None and (other.label, other.tp_months) != (m.label, m.tp_months):
                    between.add(v.tok)
            if m is None:
                # a measure named outside a parenthesis the value stands after comes first:
                # "15% with nivolumab (14 patients with CR) vs. 7% with sorafenib"
                d = _depth(cell, a, v.tok)
                prev = [m for m in mentions if m.end <= v.tok]
                outer = [m for m in prev if m.end == m.start or _depth(cell, a, m.start) <= d]
                m = _compatible(outer, v, lambda m, v: _adjacent(cell, m, v)) if outer else None
                if m is None and prev:
                    m = _compatible(prev, v, lambda m, v: _adjacent(cell, m, v))
            if m is None:
                m = _landmark_rate(cell, v, [m for m in mentions if m.end <= v.tok])
            if m is not None:
                owners.append((v, m))
        for m in {id(m): m for _, m in owners}.values():
            group = [v for v, o in owners if o is m]
            pops = _group_populations(cell, group, resp, list(m.arms) if m.arms else arms) \
                if m.label in MEASURES else None
            for k, v in enumerate(group):
                assigned.append((m, v, pops[k] if pops else _pop_of(v, context)))
    for m, v, pop in assigned:
        if m.label not in MEASURES:
            if not v.nr:
                cell.role[v.tok] = "follow_up" if m.label == "follow_up" else "other_outcome"
            continue
        _emit(cell, m, v, pop, res, used, ("measure_ambiguous",) if v.tok in between else ())


def _group_populations(cell: Cell, group: list[Value], resp: bool,
                       arms: list[str] | None) -> list[str] | None:
    """Populations for the values of one measure when the text lists them together:
    "58.3% and 54.7% in NETs and NECs, respectively", "30% vs. 12% for A and B",
    "11.2 vs. 9.6 months" (the row's arms, else arm 1, arm 2)."""
    if len(group) < 2:
        return None
    labels = [_paren_label_after(cell, v) for v in group]
    if all(labels) and len(set(labels)) == len(labels):
        return labels            # "ORR: 57.1% (NS) 76.5% (NC)": each value names its group after it
    vs_joined = all(any(cell.lower[x] in ("vs.", "vs", "versus") for x in range(v.end_tok, w.tok))
                    for v, w in zip(group, group[1:]))
    if (resp or vs_joined) and group[-1].pop:
        lst = _split_list(group[-1].pop)
        if len(lst) == len(group):
            return lst
    if vs_joined and not resp and not any(v.pop for v in group):
        return list(arms) if arms and len(arms) == len(group) else [f"arm {k + 1}" for k in range(len(group))]
    return None


def _paren_label_after(cell: Cell, v: Value) -> str | None:
    """'57.1% (NS)', '9.7 months (arm A)': a short label of words in parentheses right after a
    value (no number, no measure, no unit), or None."""
    j = v.end_tok
    if j >= len(cell.words) or cell.words[j] != "(":
        return None
    close = next((x for x in range(j + 1, min(len(cell.words), j + 5)) if cell.words[x] == ")"), None)
    if close is None or close == j + 1:
        return None
    if any(cell.is_num(x) or time_unit(cell.lower[x]) or cell.words[x] in ("%", "=", ";", ",")
           for x in range(j + 1, close)):
        return None
    if any(j < m.start < close for m in cell.mentions):
        return None
    return cell.text_of(j + 1, close)


def _pop_of(v: Value, context: str) -> str:
    if v.pop:
        p = _clean_population(v.pop)
        if ALL_POPULATION.match(p):
            return "all"
        return p or context
    return context


def _compatible(prev: list[Mention], v: Value, adjacent=None) -> Mention | None:
    """Nearest preceding mention whose kind fits the value (rates take %, medians durations)."""
    for m in reversed(prev):
        if m.label not in MEASURES:
            return m          # a look-alike (DOR, follow-up) between the measure and the value
        if v.nr and m.label.endswith("_median"):
            return m
        if v.unit == "%" and m.label in RATE_MEASURES:
            return m
        if v.unit and v.unit != "%" and m.label.endswith("_median"):
            return m
        if v.unit is None and not v.nr and m.label.endswith("_median"):
            # "mPFS, 4.0; mOS, 9.1": a bare number right after a median is in months
            return m if adjacent is not None and adjacent(m, v) else None
    return None


def _has_own_value(cell: Cell, m: Mention, b: int) -> bool:
    """The mention is followed by its value: 'mPFS: 2.0', 'DCR 28%', 'mOS, NR'."""
    j = m.end
    while j < b and cell.words[j] in (":", ",", "=", "was", "were", "is", "of"):
        j += 1
    if j >= b or not (cell.is_num(j) and j not in cell.role or any(s == j for s, _ in cell.nr_spans)):
        return False
    if "," in cell.words[m.end:j]:
        # "43.2% 6-mo PFS, 17.5% 12-mo PFS": after a comma, a value written before a measure
        # of its own starts the next item of a list
        after = _unit_after(cell, j)[2]
        return not any(x.start == after for x in cell.mentions)
    return True


def _compared(cell: Cell, a: int, v: Value) -> bool:
    """The value is the second term of 'x vs. y' (so it belongs to the measure of x)."""
    k = v.tok - 1
    return k > a and cell.lower[k] in ("vs.", "vs", "versus") and (
        cell.is_num(k - 1) or cell.words[k - 1] == "%" or time_unit(cell.lower[k - 1]) is not None)


def _landmark_rate(cell: Cell, v: Value, prev: list[Mention]) -> Mention | None:
    """'median OS: 10.1 months, 45.6% at 1 year': a percentage with a landmark after it, where
    the last survival measure named is a median, is that survival's rate at the landmark."""
    if v.unit != "%" or not any(a == v.end_tok for (a, _b, _tp) in cell.timepoints):
        return None
    last = next((m for m in reversed(prev) if m.label in MEASURES), None)
    if last is None or last.label not in ("pfs_median", "os_median", "pfs_rate", "os_rate"):
        return None
    return Mention(last.label.split("_")[0] + "_rate", last.start, last.end)


_LINK_WORDS = {",", ":", "=", "was", "were", "is", "of"}


_COUNT_NOUNS = {"patients", "pts", "participants", "subjects", "cases", "responders", "evaluable", "eligible",
                "enrolled", "treated", "tumors", "tumours", "lesions", "of", "out"}
_AFTER_BARE = {",", ";", ".", ")", "and", "or", "vs.", "vs", "versus", "in", "for", "with", "respectively",
               "among", "per", "at", "by", "the", "of", "was", "were", "(", ":"}


def _adjacent(cell: Cell, m: Mention, v: Value) -> bool:
    """A bare number right after a median ('mPFS, 4.0;'), not followed by a word that could be
    a unit we do not know ('8.9 fortnights')."""
    nxt = cell.words[v.end_tok] if v.end_tok < len(cell.words) else ";"
    if nxt not in _AFTER_BARE and nxt.isalpha() and nxt.islower() and nxt not in _COUNT_NOUNS:
        cell.role.setdefault(v.tok, "unknown_unit")
        return False
    return v.tok - m.end <= 2 and all(cell.lower[x] in _LINK_WORDS for x in range(m.end, v.tok))


def _emit(cell: Cell, m: Mention, v: Value, pop: str, res: OutcomeParse, used: set[int],
          flags: tuple[str, ...] = ()) -> None:
    if v.nr:
        s, e = cell.span(v.tok, v.end_tok)
        res.measures.append(CellMeasure(m.label, pop, None, "months", True, cell.text_of(v.tok, v.end_tok),
                                        None, m.tp_months, s, e, flags))
        return
    if (m.label in RATE_MEASURES) != (v.unit == "%"):
        cell.role.setdefault(v.tok, "unit_does_not_fit")   # defensive: a % for a median or a duration for a rate
        return
    if m.label in RATE_MEASURES:
        value, unit, unit_rep = v.value, "%", "%"
    else:
        value = round(to_months(v.value, v.unit), 4)
        unit, unit_rep = "months", v.unit_rep
    tp = m.tp_months
    if tp is None and m.label in RATE_MEASURES:
        # "DCR was 60% at 12 weeks": the landmark written after the value
        after = next((t for (a, b, t) in cell.timepoints if a == v.end_tok), None)
        if after is not None:
            tp = after
            for i in range(v.end_tok, v.end_tok + 3):
                if cell.is_num(i):
                    cell.role[i] = "timepoint_of_measure"
                    break
    s, e = cell.span(v.tok, v.end_tok)
    res.measures.append(CellMeasure(m.label, pop, value, unit, False, cell.words[v.tok], unit_rep, tp, s, e, flags))
    used.add(v.tok)


def _primary_endpoint(cell: Cell, after: int, b: int, res: OutcomeParse) -> None:
    """'The primary endpoint, ORR at 8 weeks, was not met' / 'The primary endpoint (ORR) was met'."""
    words, low = cell.words, cell.lower
    met_at = next((i for i in range(after, b) if low[i] in ("met", "achieved", "reached")), None)
    if met_at is None:
        return
    negated = any(low[i] in ("not", "n't", "never") for i in range(max(after, met_at - 3), met_at))
    i = after
    while i < met_at and words[i] in (",", "(", ":"):
        i += 1
    j = met_at
    while j > i and low[j - 1] in ("was", "were", "not", "is", "has", "been", "n't", ",", ")", "successfully"):
        j -= 1
    if j > i:
        name = cell.text_of(i, j)
        name = re.sub(r"^(?:the|of|was|is)\s+", "", name.strip(" ,()"), flags=re.I)
        res.primary_endpoint = name or None
    res.primary_endpoint_met = not negated


_P_BEFORE = re.compile(r"\b[Pp]\s*(?:[=<>≤≥]|&lt;)\s*$")
_INTERVAL = re.compile(r"\(\s*\d+(?:\.\d+)?\s*%?\s*(?:[–—-]|to)\s*\d+(?:\.\d+)?\s*%?\s*\)")


def _account_numbers(cell: Cell, res: OutcomeParse, used: set[int]) -> None:
    """Every number in the cell is a measure or a narrative item with the rule that left it out."""
    covered = [(f.start, f.end) for f in res.measures]
    text = cell.original
    intervals = [m.span() for m in _INTERVAL.finditer(text)]
    tok_rule: dict[tuple[int, int], str] = {}
    for i, rule in cell.role.items():
        tok_rule[cell.span(i, i + 1)] = rule
    for m in DIGITS.finditer(text):
        s, e = m.start(), m.end()
        if any(cs <= s and e <= ce for cs, ce in covered):
            continue
        rule = "p_value" if _P_BEFORE.search(text, 0, s) else None     # "P = 0.0238", whatever its clause
        for (ts, te), r in tok_rule.items():
            if rule is None and ts <= s and e <= te:
                rule = r
                break
        if rule is None:
            before = text[s - 1] if s > 0 else " "
            after = text[e] if e < len(text) else " "
            if (before == "/" and s > 1 and text[s - 2].isdigit()) or (after == "/" and e + 1 < len(text)
                                                                          and text[e + 1].isdigit()):
                rule = "fraction_count"      # "(12/30)": responders over evaluable patients
            elif any(ps <= s and e <= pe for ps, pe in intervals):
                rule = "interval"             # "13.2 months (6.3-21.1)": a value's CI or range
            elif (before.isalpha() or after.isalpha() or (before == "-" and s > 1 and text[s - 2].isalpha())
                  or (after == "-" and e + 1 < len(text) and text[e + 1].isalpha())):
                rule = "part_of_name"         # "CPT-11", "G3", "stage-1", "NET001"
            else:
                rule = "no_rule"
        res.narrative.append(CellNarrative(s, e, text[s:e], rule))
