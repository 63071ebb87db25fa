"""Value shapes the column scorers test a token span against (an NCT id, "1st", a phase, a
reference number, a dose ...), and the two scores shared by several column kinds: a regimen's
and free text's."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from ...normalize.drugs import NOT_DRUGS
from ...outcomes.cells import MISSING as MISSING_RX
from ...normalize.text import clean
from ...normalize.units import time_unit
from .settings import NEG
from .tokens import NUMBER, SENTENCE_START, Tok

if TYPE_CHECKING:
    from .context import Knowledge, TableContext

LINE_RX = re.compile(r"^(?:>=?\s*)?(?:1st|2nd|3rd|[4-9]th|first|second|third|fourth|later|1l|2l|3l|"
                     r"\d(?:st|nd|rd|th)?\+?)(?:[-/ ]?(?:line|l|and|or|1st|2nd|3rd|[4-9]th|\+|beyond|later))*\+?$", re.I)
PHASE_RX = re.compile(r"^(?:phase\s*)?(?:0|i{1,3}|iv|[1-4])(?:[ab])?(?:\s*[/–-]\s*(?:i{1,3}|iv|[1-4])[ab]?)?$", re.I)
REF_RX = re.compile(r"^[\[(]?\d{1,4}(?:\s*[,–-]\s*\d{1,4})*[\])]?[,;]?$")
TARGET_TOK = re.compile(r"^(?:anti-)?[A-Z0-9][A-Za-z0-9-]*(?:/[A-Z0-9][A-Za-z0-9-]*)*$")
_ABBREV_DOTS = {"al.", "vs.", "no.", "inc.", "co.", "ltd.", "retro.", "approx.", "mo.", "pts."}
OUTCOME_WORDS = {"orr", "dcr", "os", "pfs", "mos", "mpfs", "rr", "cr", "pr", "sd", "hr", "ci", "n", "nr", "dor",
                 "mdor", "ttp", "cbr", "efs", "rfs", "dfs"}
LINE_WORDS = re.compile(r"(?i)any|all|mixed|pretreated|pre-treated|previously treated|refractory|"
                        r"treatment-na[iï]ve|na[iï]ve|untreated|adjuvant|neoadjuvant|maintenance|salvage|"
                        r"(?:>=|≥)?\s*\d(?:st|nd|rd|th)?\s*-\s*\d?(?:st|nd|rd|th)|\d(?:st|nd|rd|th)\s*(?:or|/)\s*\d(?:st|nd|rd|th)")
DESIGN_WORDS = re.compile(r"(?i)retro(?:spective)?\.?|prospective|observational|real-world|case series|pooled(?: analysis)?|"
                          r"registry|cohort|expanded access|single-arm|randomi[sz]ed")


# (the operators' characters in one class and their words behind one \b: the same splits as
# "\+|\bplus\b|\bvs\.?|\bversus\b|/|,|\(|\)|\bor\b|\band\b", twice as fast)
_PARTS_SPLIT = re.compile(r"\s*(?:[+/,()]|\b(?:plus\b|vs\.?|versus\b|or\b|and\b))\s*")
_HEAD_REST = re.compile(r"^(\S+)(.*)$")
_MONO_RX = re.compile(r"(?i)mono(?:therapy)?|monotherapy|alone|single agent")
_INLINE_ABBR = re.compile(r"\w \([A-Z][A-Za-z0-9-]+\)")
_NUMBER = NUMBER         # (Tok.number: a token's norm is one)
_ENDPOINT_RX = re.compile(r"(?i)\b(orr|rr|dcr|cbr|pfs|os|ttp|ttf|efs|dfs|rfs|dor|response|survival|safety|"
                          r"tolerability|toxicity|dlt|mtd|"
                          r"\d+-?(?:mo|month|year|yr|wk|week)s?-?(?:os|pfs)?)\b")
# a study cell ends with its authors, perhaps with the year: "Walter et al", "Lu et al. (2020)"
# and its reference numbers: "Rinke A et al. (5,15)", "Yao et al. [12]"
_ET_AL = re.compile(r"\bet al\.?,?(?:\s*\(?(?:19|20)\d\d[a-z]?\)?|\s*[(\[]\d{1,3}(?:\s*[,–-]\s*\d{1,3})*[)\]])?$")
_P_VALUE = re.compile(r"[,;]?\s*\(?\b[Pp]\s*(?:[<>=≤≥]|&lt;)\s*0?\.\d+\)?\s*$")
_DISEASE_STATE = re.compile(r"(?i)(?:progressive|metastatic|advanced|unresectable|recurrent|relapsed|"
                            r"locally advanced|refractory|resected|inoperable)\b")
_N_EQUALS = re.compile(r"(?:^|\s)[Nn]\s*=")
# how a value cell may start: a number, "NR", "not reached", "n =", or a subgroup's label in
# capitals with a colon ("LS: 4", "All: 14 LS: 31")
_VALUE_START = re.compile(r"(?i)(?:\d|nr\b|not\b|n\s*=|na\b)|(?-i:All|[A-Z][A-Z0-9+/-]{0,7}):$")
# "LS 19.4", "All: 14 LS: 31", "G3 6.4 weeks": values each after the subgroup they are for
# (a subgroup's label is in capitals, "SS", "G3", "MSI-H", or "All"; "b 5.0" is a footnote's
# letter, "Nivolumab 7.5" an arm's regimen and its value)
_LABELLED_VALUE = re.compile(r"(All|[A-Z][A-Z0-9+/-]{1,7}):?\s+(\d+(?:\.\d+)?(?:\s*(?:%|weeks?|months?|mo|wk|m|w)\b)?%?)")
_NOT_SUBGROUP = OUTCOME_WORDS | {"vs", "or", "p"}


# counts of the arms or parts a row's regimen cell names, each with its label: "11 (A) 19 (B)"
_PART_COUNT = r"\d+ \([A-Z][\w-]{0,3}\)"
COUNTS_PER_ARM = re.compile(rf"{_PART_COUNT}(?: {_PART_COUNT})+")
# the counts of a trial's parts, joined, and of its subgroups, each after its label and the
# parts' sentence: "20 (I) + 90 (II). AB: 6"
COUNTS_OF_PARTS = re.compile(rf"{_PART_COUNT}(?:(?: [+/,]| and)? {_PART_COUNT})*(?:[.;,]? [A-Z][\w-]{{0,7}}:? \d+)+"
                             rf"|{_PART_COUNT}(?:(?: [+/,]| and) {_PART_COUNT})+")


def labelled_values(text: str) -> list[str] | None:
    """The values of a cell that is only subgroup labels each followed by its value ("LS 19.4",
    "All: 14 LS: 31"); None for any other cell (a label that names a measure or a statistic,
    "HR 0.61", "OS 14", is no subgroup)."""
    pos, values = 0, []
    for m in _LABELLED_VALUE.finditer(text):
        if text[pos:m.start()].strip() or m.group(1).lower() in _NOT_SUBGROUP:
            return None
        values.append(m.group(2))
        pos = m.end()
    return values if values and not text[pos:].strip() else None


# a whole count and a smaller subset of it in parentheses ("140 (21)" under "n (SS)"): the
# shape of a count cell, never of a median (a median's parenthesis holds a range or a CI)
_COUNT_AND_SUBSET = re.compile(r"\d+\s*\(\d+\)")
_PARENTHESISED = re.compile(r"\([^()]+\)")
_PARENTHESISED_OR_EMPTY = re.compile(r"\([^()]*\)")
_NAME_WITH_NCT = re.compile(r"[^()]+\(NCT\d{8}\)")
_TRIAL_NAME = re.compile(r"[A-Z][A-Za-z]*[-‐ ]?\d+[A-Za-z]?(\s*\([^()]*\))?")
_NUMBERISH = re.compile(r"[\d.,%]+")
# lines of therapy as digits: a list or a range ("1, 2", "1-5", "2/3"), or a bound (">= 2")
_LINE_DIGITS = re.compile(r"(?:>=?\s*)?\d(?:\s*(?:,|-|/|or|and)\s*\d)*\+?")
_LINE_PHRASE = re.compile(r"(?:first|second|third|later)[- ]line(?: and beyond)?", re.I)
_PERCENT_VALUE = re.compile(r"[\d.]+%?$")
_DIGIT = re.compile(r"\d")
_NOT_REACHED = re.compile(r"(?i)\bNR\b|not reached")
_SLASH_VALUE = r"(?:\d+(?:\.\d+)?%?|NR|NA)"
_SLASH_PAIR = re.compile(rf"{_SLASH_VALUE}\s*/\s*{_SLASH_VALUE}")
_YEAR = re.compile(r"(?:19|20)\d\d[a-z*†‡]?")
_BRACKET_REF = re.compile(r"\[\d{1,4}(?:\s*[,–-]\s*\d{1,4})*\]")
_DOSE = re.compile(r"(?i)^(?:[\d.]+\s*(?:mg|mg/kg|mg/m2|mg/m²|g|µg|mcg|gy|iu|mbq|gbq)(?:/\S+)?|mg|mg/kg|mg/m2|q\dw|qw)$")
_DOSE_UNIT = re.compile(r"^(?:mg|mg/kg|mg/m2|mg/m²|g|µg|mcg|gy|iu|mbq|gbq|ml)(?:/\S+)?$")
# a cell never starts on the operator that joins it to the words before it on its line ("GEM +
# tipifarnib vs. GEM + placebo"); at the start of a line it may ("vs. placebo 10.1 2.7": an arm row)
_JOINING_START = {"+", "vs", "vs.", "versus", "plus", "/", "+/−", "+/-", "±", "and", "or", "with", "×"}
_VALUE_WORDS = {"vs", "vs.", "versus", "nr", "na", "not", "reached", "reported", "hr", "ci", "p", "or",
                "and", "in", "at", "all", "median", "mfu", "fu", "range", "iqr", "n", "pts", "patients"}
_WORDISH = re.compile(r"[A-Za-z]{2,}")
_VERSUS = ("vs.", "vs", "versus")


@lru_cache(maxsize=4096)
def _parts(text: str) -> tuple[str, ...]:
    """The parts of a regimen or sites cell between its operators ("+", "plus", "/", ",",
    parentheses ...); the Treatment, Agent and sites columns ask it of the same spans."""
    return tuple(p for p in _PARTS_SPLIT.split(text) if p)


_NOT_LETTER = re.compile(r"[^A-Za-z]")


def _is_target_like(tokens: list[Tok]) -> bool:
    for t in tokens:
        w = clean(t.text)
        if not TARGET_TOK.match(w):
            return False
        letters = _NOT_LETTER.sub("", w)
        if not letters or sum(c.isupper() for c in letters) < max(2, len(letters) * 0.6):
            return False
    return True


def _labels_value(toks: list[Tok], i: int) -> bool:
    """Does token i start a label of the values after it ("Nivo vs Nivo-Ipi: 7% vs 18%",
    "OCT: 14.3 m")? A colon ends the label before any number."""
    for t in toks[i:i + 3]:
        if t.colon:
            return True
        if t.norm[:1].isdigit():
            return False
    return False


def _ends_like_value(toks: list[Tok]) -> bool:
    end = toks[-1].low.strip(".,;:")
    return bool(_DIGIT.search(end) or end.endswith(")") or end in _VALUE_WORDS or time_unit(end)
                or not _WORDISH.search(end))


def _value_like(toks: list[Tok], kb: Knowledge) -> bool:
    """Can a value-like span a value column cannot parse still be one of its cells ("LS: 4",
    "26.5 vs. 14.7 (HR 0.47 LMS, 0.56 other)", "A: 7% B: 5%")? Not when it ends on a word (a
    value cell ends on its value, a unit or a parenthesis: "60.8 Nivolumab" is a value and the
    next arm's regimen) or holds, outside parentheses, more words than numbers and one."""
    if not _ends_like_value(toks):
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


def _trailing_ref(toks: list[Tok]) -> int:
    """Index of the first token of a bracketed reference ending the span ("[45, 46]"), else 0."""
    if not toks[-1].norm.endswith("]"):
        return 0
    for k in range(len(toks) - 1, max(-1, len(toks) - 4), -1):
        if toks[k].norm.startswith("["):
            return k if _BRACKET_REF.fullmatch(" ".join(t.norm for t in toks[k:])) else 0
    return 0


def _drug_part_terms(words: list[str], drug_words: list[str], ctx: TableContext) -> list[float]:
    """What a regimen part naming a drug adds to its regimen's score, term by term in the order
    they are summed: the drug, less its other words ("Placebo 44 Pembrolizumab" holds two
    regimens with no operator; a bare number is a value)."""
    kb, w = ctx.kb, ctx.w
    heads = len(drug_words) + sum(1 for x in words if x.lower() in NOT_DRUGS)
    terms = [w.regimen_drug, w.regimen_two_heads * max(0, heads - 1)]
    for i, x in enumerate(words):
        if _NUMBER.fullmatch(x) and not (i + 1 < len(words) and _DOSE_UNIT.match(words[i + 1].lower())):
            terms.append(w.regimen_bare_number)
            continue
        if x in drug_words or _DOSE.match(x) or _NUMBER.fullmatch(x):
            continue
        terms.append(w.regimen_site_word if kb.is_site(x) else w.regimen_capitalised
                     if x[:1].isupper() and not kb.abbrev.get(x) else w.regimen_word)
    return terms


def _other_part_score(p: str, words: list[str], ctx: TableContext) -> float:
    kb, w = ctx.kb, ctx.w
    if p.lower() in NOT_DRUGS or any(x.lower() in NOT_DRUGS for x in words):
        return w.regimen_not_drug
    if any(kb.is_site(x) for x in words):
        return w.regimen_site_part
    if _DOSE.match(p):
        return w.regimen_dose_part
    if _NUMBER.fullmatch(p):
        return w.regimen_number_part
    return w.regimen_other_word * len(words)


# a reference glued to the word before it ("dacarbazine[32]"): read apart from the drug name
_GLUED_REF = re.compile(r"(?<=[A-Za-z])(\[\d{1,4}[^\[\]]{0,8}\])")


def regimen_score(text: str, ctx: TableContext) -> float:
    """How much a span reads like a regimen: drug names joined by "+", "plus", "vs." ..."""
    if "[" in text:           # (the only texts _GLUED_REF can change)
        text = _GLUED_REF.sub(r" \1", text)
    s = 0.0
    seen_drug = False
    cache = ctx.regimen_parts
    for p in _parts(text):
        got = cache.get(p)
        if got is None:
            got = cache[p] = _part_terms(p, ctx)
        for term in got[0]:       # summed term by term, in order: the same float whatever is cached
            s += term
        seen_drug = seen_drug or got[1]
    return s if seen_drug or s > 0 else s + ctx.w.regimen_no_drug


def _part_terms(p: str, ctx: TableContext) -> tuple[tuple[float, ...], bool]:
    """What one part of a regimen adds to its score (the terms, in order) and whether it names
    a drug. A span's parts are mostly those of the span one token shorter: each part is
    worked out once per table (TableContext.regimen_parts)."""
    words = p.split()
    if not words:
        return (), False
    drug_words = [x for x in words if ctx.kb.is_drug(x)]
    if drug_words or ctx.kb.is_drug(p):
        return tuple(_drug_part_terms(words, drug_words, ctx)), True
    return (_other_part_score(p, words, ctx),), False


def outcome_score(first: Tok, n: int, has_nct: bool, ctx: TableContext) -> float:
    """Free text of n tokens starting on `first`: it scores by its first word and its length."""
    if n < 2 or has_nct:
        return NEG
    w = ctx.w
    s = w.text + w.text_per_token * n
    if first.low in SENTENCE_START:
        s += w.text_sentence_start
    elif first.norm[:1].isupper() and first.norm[1:2].islower():
        s += w.text_capitalised
    elif first.norm[:1].islower():
        s += w.text_lowercase
    return s
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?%?")


# ---------------------------------------------------------------- span predicates the kinds share
def _hazard_ratio_first(toks: list[Tok]) -> bool:
    """Is the span's first number a hazard ratio ("HR 0.61", "HR: 0.5")?"""
    k = next((i for i, t in enumerate(toks) if _DIGIT.search(t.norm)), None)
    return k is not None and k > 0 and toks[k - 1].norm.strip("(:") in ("HR", "hr")


def _reference_inside(toks: list[Tok]) -> bool:
    """A bracketed reference before the span's end ("BSC [14] Leiomyosarcoma subtype"):
    the reference ends the cell before (a regimen's, a trial's), no short cell holds one."""
    return any(t.norm.endswith("]") for t in toks[:-1])


def _value_ends_line(toks: list[Tok], ctx: TableContext) -> bool:
    """A line ending on a bare number (a value) with the next line starting on a capitalised
    drug or a name in capitals ("Placebo 44 | Drugumab 68.2", "Drug B 66.9 | TRIAL-4
    [8]"): the end of one row and the start of the next, no one cell (a label, "All: 16 |
    SS: 37", or a word, "37 | Median follow-up ...", may go on in the cell or the row)."""
    return any(_row_break(toks[k - 1], toks[k], ctx) for k in range(1, len(toks)))


def _row_break(before: Tok, t: Tok, ctx: TableContext) -> bool:
    """_value_ends_line's test of one pair of tokens: a bare number, then a line starting on a
    capitalised drug or a name in capitals."""
    return t.first and before.bare and t.norm[:1].isupper() and not t.colon \
        and (_capitals_name(t) or ctx.kb.is_drug(t.norm))


def _capitals_name(t: Tok) -> bool:
    """A name in capitals ("TRIAL-4", "KEYNOTE-006"): two letters or more, none lower case; not
    a statistic, which goes on under the value it is about ("P<0.001", "HR 0.57")."""
    return t.norm.upper() == t.norm and sum(ch.isalpha() for ch in t.norm) >= 2 and t.low not in OUTCOME_WORDS


_DOSE_NUMBER = re.compile(r"[\d.]+(?:[–-][\d.]+)?")   # a dose or a range of doses ("50–200")


def _starts_on_dose(toks: list[Tok]) -> bool:
    """Does the span start on a number and its dose unit ("3 mg/kg", "50 Gy"), not as the
    label of a dose cohort ("5 mg/kg dose: 36%"; "10 mg/kg ORR: 17%" is a dose, then a result)?"""
    if len(toks) < 2 or _DOSE_NUMBER.fullmatch(toks[0].norm) is None or _DOSE_UNIT.match(toks[1].low) is None:
        return False
    label = next((t for t in toks[1:3] if t.colon), None)
    return label is None or label.low.rstrip(":") in OUTCOME_WORDS


_COMPARISON = {"≥", "≤", ">", "<", ">=", "<="}
_GLUED_PLUS = re.compile(r"\+[A-Za-z]")    # "+pembrolizumab": the operator glued to the drug it adds


def _mid_line_tail(first: Tok) -> bool:
    """Is a token inside a line the tail of the cell before it: the unit of a dose or of a
    value ("... 100-200 | mg Safety", "1.7 | m 2019") or an operator glued to the drug it
    adds ("radiotherapy | +pembrolizumab")?"""
    return bool(_GLUED_PLUS.match(first.norm) or _DOSE_UNIT.match(first.low)
                or time_unit(first.low.strip(".,;")))
