"""Header text -> canonical contract column, with the unit and timepoint the header implies.

`classify_header("mPFS (months)")` -> ColumnSpec(canonical="pfs_median", unit="months", ...).
`split_header_line("Study Primary sites No. of pts Regimen ORR (%) ...")` splits a pasted
header line (cells joined by single spaces) into header cells using the same lexicon.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from ..lexicon import tsv_rows, user_dir, user_rows
from ..normalize.text import clean
from ..normalize.units import time_unit, to_months

MEASURE_COLUMNS = ("n_total", "orr_pct", "dcr_pct", "pfs_median", "os_median", "pfs_rate", "os_rate")

# words that never stand alone as a header: they join the word after them
_JOINERS = {"median", "mean", "key", "primary", "overall", "objective", "disease", "no.", "no",
            "number", "duration", "time", "progression-free", "clinical", "main", "hazard", "95%",
            "grade", "sample", "molecular", "best", "complete", "partial", "#"}


@dataclass(frozen=True)
class ColumnSpec:
    header: str                     # header text as printed
    canonical: str                  # contract column, "trial", "population", "other" or "extra"
    unit: str | None = None         # canonical time unit or "%" implied by the header
    unit_as_reported: str | None = None
    timepoint_months: float | None = None
    # a parenthesis that is no unit ("n (SS)", "Agent (mechanism)"): what it qualifies; for a
    # count column it names the subgroup of a parenthesised count in its cells ("454 (64)")
    qualifier: str | None = None
    # other columns the cells also hold ("Trial name/Phase": the trial's phase; "Phase/line")
    also: tuple[str, ...] = ()
    # the arm whose values the column holds, when columns of one measure side by side differ
    # only by an arm's name after their common heading ("PFS Drug | PFS Placebo")
    arm: str | None = None
    # a count column that follows one arm's regimen column ("Intervention | n | Control | n"):
    # which of the row's arms (0: the treatment's, 1: the control's) the count is of
    arm_index: int | None = None

    @property
    def is_measure(self) -> bool:
        return self.canonical in MEASURE_COLUMNS


def header_lexicon() -> dict[str, str]:
    """Header synonym -> column: the package's headers.tsv extended by the user lexicon."""
    return _header_lexicon(user_dir())


@lru_cache(maxsize=4)
def _header_lexicon(user: str | None) -> dict[str, str]:
    text = resources.files("pipeline.table").joinpath("data/headers.tsv").read_text("utf-8")
    lex = dict(tsv_rows(text, "header", "pipeline/table/data/headers.tsv"))
    lex.update(user_rows(user, "headers.tsv", "header", set(lex.values())))
    return lex


_UNIT_PAREN = re.compile(r"\s*[\(\[]\s*([^()\[\]]*?)\s*[\)\]]\s*$")
_FOOTMARK = re.compile(r"[*†‡§¶#]+$")
# a unit written after a comma instead of in parentheses: "mOS, month", "ORR, %"
UNIT_WORD = r"%|percent|months?|mo|mos|weeks?|wks?|days?|years?|yrs?"
_UNIT_COMMA = re.compile(rf"\s*,\s*({UNIT_WORD})\s*$")
_CONJUNCTIONS = {"and", "&", "or", "of", "/", "+", "with", "per", "at", "by", "in"}
# the time words a landmark is written with ("6-month", "3 mo", "1 year", "12 wks")
_TIME_WORDS = r"months?|mo|years?|yrs?|weeks?|wks?"
_LANDMARK_WORD = re.compile(rf"^\d+(?:\.\d+)?-?(?:{_TIME_WORDS}|m|y|w)$", re.I)
# landmark rates: "6-mo PFS (%)", "PFS-6m (%)", "1-year OS (%)", "PFS rate at 6 months", "12-mo OS rate"
_RATE_BEFORE = re.compile(r"^(\d+(?:\.\d+)?)\s*-?\s*(months?|mo|mos|m|years?|yrs?|y|weeks?|wks?|w)\b\.?\s*-?\s*(pfs|os)\b(?:\s*rates?)?$")
_RATE_AFTER = re.compile(r"^(pfs|os)\s*(?:rates?)?\s*(?:-|at)?\s*(\d+(?:\.\d+)?)\s*-?\s*(months?|mo|mos|m|years?|yrs?|y|weeks?|wks?|w)\b\.?$")


def _unit_of(paren: str) -> tuple[str | None, str | None]:
    p = paren.strip().lower()
    if p in ("%", "percent", "% (95% ci)"):
        return "%", "%"
    tu = time_unit(p)
    if tu:
        return tu, paren.strip()
    return None, None


# parentheses after a count's header that say how it is written, not who is counted
_NOT_SUBGROUP = {"range", "iqr", "ci", "sd", "n", "no", "no.", "total", "patients", "pts", "%"}


# a median's header that also announces the hazard ratio its cells hold ("Median OS HR (95% CI)");
# a header of the HR alone ("PFS HR") names no median
_MEDIAN_THEN_HR = re.compile(r"^((?:median\s+|m)\S.*?)[\s,;/]+\(?\s*(?:hr|hazard ratio)\b[^()]*(?:\([^()]*\))?\s*\)?$")


def _special_form(header: str, text: str, key: str) -> ColumnSpec | None:
    return _semicolon_first(header, text) or _median_with_hr(header, key) or _comma_unit(header, key)


def _comma_unit(header: str, key: str) -> ColumnSpec | None:
    """'mOS, month', 'ORR, %': a measure with its unit written after a comma (only a measure:
    'First author(s), year' is no study in years)."""
    m = _UNIT_COMMA.search(key)
    if m is None or m.start() == 0:
        return None
    u, rep = _unit_of(m.group(1))
    head = key[:m.start()].strip()
    inner = _by_lexicon(header, head, u, rep) or _composed(header, head, u, rep)
    return inner if inner is not None and inner.is_measure else None


def _semicolon_first(header: str, text: str) -> ColumnSpec | None:
    """'Median PFS (months); % survival (year)': the column is its first part's, in that part's
    unit (what follows the semicolon the cells add after the value)."""
    first = classify_header(text.split(";", 1)[0]) if ";" in text else None
    return replace(first, header=header) if first is not None and first.is_measure else None


def _median_with_hr(header: str, key: str) -> ColumnSpec | None:
    """'Median PFS HR (95% CI)': the median, with the hazard ratio written under it."""
    m = _MEDIAN_THEN_HR.match(key)
    inner = classify_header(m.group(1)) if m else None
    if inner is not None and inner.canonical in ("pfs_median", "os_median"):
        return replace(inner, header=header, qualifier="HR")
    return None


def classify_header(header: str) -> ColumnSpec:
    """Header text -> column: the lexicon first, then landmark rates, then the header's parts
    (a non-unit parenthesis, 'A/B' compositions, leading group words), then its head noun and
    qualifiers ("Median survival" is OS; "PFS (%)" a rate).

    The reader asks this of the same strings many times over (every header line, sub-header
    and candidate cell): the answer (a frozen ColumnSpec) depends only on the text and the
    lexicon, so it is remembered per (text, user lexicon folder), a bounded cache."""
    return _classified(header, user_dir())


@lru_cache(maxsize=8192)
def _classified(header: str, user: str | None) -> ColumnSpec:
    return _classify(header)


def _classify(header: str) -> ColumnSpec:
    text = clean(header)
    key = _FOOTMARK.sub("", text.lower()).strip()
    key = re.sub(r"(?<=\w)\(s\)", "s", key)          # "Primary site(s)" -> "primary sites"
    unit = unit_rep = None
    qualifier = None
    # "PFS (months) (95% CI)", "Median OS, months (range)": the interval the cells add is no unit
    key = re.sub(r"\s*[(\[]\s*(?:95\s*%\s*ci|ci|range|iqr)\s*[)\]]\s*$", "", key) \
        if re.search(r"[(\[][^()\[\]]*[)\]]\s*[(\[]", key) else key
    m = _UNIT_PAREN.search(key)
    if m:
        u, rep = _unit_of(m.group(1))
        if u:
            unit, unit_rep = u, rep
            key = key[:m.start()].strip()
    if key not in header_lexicon() and _BROKEN_WORD.sub("", key) in header_lexicon():
        key = _BROKEN_WORD.sub("", key)       # "Inter- vention": a word broken at the line's end
    spec = _by_lexicon(header, key, unit, unit_rep) or _special_form(header, text, key)
    if spec is not None:
        return spec
    if key.endswith("?"):
        # "Correlation of marker and response?": a question heads yes/no answers, no measure
        return ColumnSpec(header, "extra", unit, unit_rep)
    m = _UNIT_PAREN.search(key)
    if m and m.start() > 0:
        # "n (SS)", "Agent (mechanism)", "Trial (phase)": the column is what stands outside
        qualifier = text[text.lower().rfind("(") + 1:].rstrip(")] *†‡§¶#").strip() or None
        inner = _by_lexicon(header, key[:m.start()].strip(), unit, unit_rep) \
            or _composed(header, key[:m.start()].strip(), unit, unit_rep)
        if inner is not None and inner.canonical == "other" and re.match(r"^rr$", key[:m.start()].strip()) \
                and re.search(r"\b(?:vs\.?|versus)\s", qualifier or ""):
            # "RR (drug vs. placebo)": a rate per arm; a relative risk is one number, no arms
            return ColumnSpec(header, "orr_pct", unit, unit_rep)
        if inner is not None:
            if inner.canonical == "n_total" and (qualifier or "").lower() in _NOT_SUBGROUP:
                qualifier = None        # "N (range)", "Patients (n)": how it is written, not who
            return replace(inner, qualifier=qualifier)
    spec = _composed(header, key, unit, unit_rep)
    if spec is not None:
        return spec
    return _without_extra_words(header, key) or ColumnSpec(header, "extra", unit, unit_rep)


# a word hyphenated over two lines, the line break a space ("Inter- vention")
_BROKEN_WORD = re.compile(r"(?<=[a-z])- (?=[a-z])")
# the kinds that name whose row it is: under an outcome's heading (an abbreviation, a group
# heading) they say whose outcome it is ("SAE Comparison": the comparison arm's serious
# adverse events, no control arm; "Metastatic treatment" is a treatment)
_IDENTITY_KINDS = frozenset({"treatment", "control", "agent", "study", "trial", "trial_id", "target"})


def _without_extra_words(header: str, key: str) -> ColumnSpec | None:
    """A header read without a group heading above it ("Efficacy ORR (%)", "Best ORR") or a
    participle after it ("Regimen or Drug(s) Evaluated"); None when neither is known."""
    words = header.split()
    if 1 < len(words) <= 4 and not header.lstrip().startswith("(") and not _CHANGES_MEASURE.match(key):
        inner = classify_header(" ".join(words[1:]))
        heading = words[0].isupper() and len(words[0]) > 1 or group_of(words[0]) is not None
        if inner.canonical != "extra" and not words[1].startswith("(") \
                and not (heading and inner.canonical in _IDENTITY_KINDS) \
                and not (inner.is_measure and _NOT_OUTCOME.search(key)):
            return ColumnSpec(header, inner.canonical, inner.unit, inner.unit_as_reported, inner.timepoint_months)
    tail = _AFTER_UNIT.match(header)
    if tail:
        inner = classify_header(tail.group(1))       # "mOS (months) Rx": the measure, then whose
        if inner.is_measure and classify_header(tail.group(2)).canonical in ("extra", "agent", "treatment", "control"):
            return replace(inner, header=header)
    if 1 < len(words) and _PARTICIPLE.match(words[-1].capitalize()):
        inner = classify_header(" ".join(words[:-1]))
        if inner.canonical != "extra":
            return replace(inner, header=header)
    return None


def _by_lexicon(header: str, key: str, unit, unit_rep) -> ColumnSpec | None:
    lex = header_lexicon()
    if unit == "%" and f"{key} (%)" in lex:       # a synonym only when given in percent
        return ColumnSpec(header, lex[f"{key} (%)"], unit, unit_rep)
    if key in lex:
        canon = lex[key]
        if unit == "%" and canon in ("pfs_median", "os_median"):
            canon = canon.replace("_median", "_rate")      # "PFS (%)": a rate, not a median
        return ColumnSpec(header, canon, unit, unit_rep)
    for rx, order in ((_RATE_BEFORE, "before"), (_RATE_AFTER, "after")):
        r = rx.match(key)
        if r:
            if order == "before":
                num, u, what = r.group(1), r.group(2), r.group(3)
            else:
                what, num, u = r.group(1), r.group(2), r.group(3)
            months = to_months(float(num), time_unit(u))
            return ColumnSpec(header, f"{what}_rate", "%", "%", round(months, 4))
    return None


# head nouns of outcome headers, and what turns them into another measure or a look-alike
_SURVIVAL = re.compile(r"\b(?:(progression|pfs)\b.*)?surviv|\b(pfs|os)\b")
_RESPONSE = re.compile(r"\b(?:response|responses|rr|orr)\b")
_NOT_OUTCOME = re.compile(r"\b(?:duration|time to|dor|ttp|ttr|hazard|hr|ratio|relative|risk|event|events|"
                          r"lower limit|upper limit|lower bound|upper bound|"
                          r"disease-free|relapse-free|recurrence-free|free of|dfs|rfs|efs|metastasis-free)\b")
# a response category, not the response rate: "Complete response (%)", "pCR", "Progressive
# disease as best overall response %", "Stable disease or better as best response"
_RESPONSE_CATEGORY = re.compile(r"\b(?:complete|partial|pathologic|pathological|cr|pcr|progressive|"
                                r"progression|stable)\b")
_RATE_WORD = re.compile(r"\b(?:rate|rates|%|percent|proportion)\b")
_COMPOSE_SPLIT = re.compile(r"\s*/\s*|\s+and\s+|\s*&\s*")


def _parts(header: str, key: str, unit, unit_rep) -> list[str]:
    """A header's parts: split on '/', 'and', '&'; on commas after a known label ("Study, line
    (year)": the study, and more its cells say), never after a measure ("Median OS, months")."""
    parts = [p for p in _COMPOSE_SPLIT.split(key) if p]
    head = _by_lexicon(header, key.split(",")[0].strip(), unit, unit_rep) if "," in key else None
    if len(parts) == 1 and head is not None and head.canonical not in MEASURE_COLUMNS + ("extra", "other"):
        return [p.strip() for p in key.split(",") if p.strip()]
    return parts


def _composed(header: str, key: str, unit, unit_rep) -> ColumnSpec | None:
    """A header the lexicon does not hold, read from its parts."""
    parts = _parts(header, key, unit, unit_rep)
    if len(parts) > 1:
        # "Trial name/reference", "Phase/line", "Study/year": the first known part names the
        # column, the other known parts are held in its cells too
        specs = [_by_lexicon(header, p, unit, unit_rep) for p in parts]
        known = [sp for sp in specs if sp is not None and sp.canonical != "extra"]
        kinds = [sp.canonical for sp in known]
        if known and not any(k in MEASURE_COLUMNS for k in kinds[1:]):
            return replace(known[0], also=tuple(k for k in kinds[1:] if k != kinds[0]))
        if len(known) > 1:
            return known[0]
    if _NOT_OUTCOME.search(key):
        return None
    landmark = re.search(rf"\b(\d+(?:\.\d+)?)\s*-?\s*({_TIME_WORDS}|mos|y|w)\b", key)
    s = _SURVIVAL.search(key)
    if s:
        what = "pfs" if (s.group(1) or s.group(2) == "pfs") else "os"
        if landmark or unit == "%" or _RATE_WORD.search(key):
            tp = None
            if landmark:
                tp = round(to_months(float(landmark.group(1)), time_unit(landmark.group(2))), 4)
            return ColumnSpec(header, f"{what}_rate", "%", "%", tp)
        return ColumnSpec(header, f"{what}_median", unit, unit_rep)
    if _RESPONSE.search(key) and not _RESPONSE_CATEGORY.search(key):
        return ColumnSpec(header, "orr_pct", unit, unit_rep)
    if re.search(r"\bdisease control\b|\bdcr\b", key):
        return ColumnSpec(header, "dcr_pct", unit, unit_rep)
    return None


# leading words that make another outcome of the one after them ("Complete response rate")
_CHANGES_MEASURE = re.compile(r"^(?:complete|partial|pathologic|pathological|major|time|duration|"
                              r"durable|intracranial|cns)\b")
_CI_OR_P = {"95% ci", "ci", "p", "p value", "p-value"}
# words of a header that counts patients ("N", "No. of pts", "Number of patients", "Sample size")
_COUNT_WORD = re.compile(r"^n\b|^no\b|\bnumber\b|\bsample size\b|\benrolled\b|^#")


def table_specs(headers) -> list[ColumnSpec]:
    """Every header of one table classified, with what the neighbours settle: 'RR' beside a
    95% CI or a P value (or holding its own CI) is a relative risk, not a response rate;
    'Patients' beside 'N' is the population, not a second count."""
    specs = [classify_header(h) for h in headers]
    keys = _without_group([_UNIT_PAREN.sub("", clean(h).lower()).strip() for h in headers])
    lows = _without_group([clean(sp.header).lower() for sp in specs])
    counts = [j for j, sp in enumerate(specs) if sp.canonical == "n_total"]
    if len(counts) > 1 and any(_COUNT_WORD.search(keys[j]) for j in counts):
        # "N | Patients": beside a column that counts, "Patients" says who the patients are
        for j in counts:
            if not _COUNT_WORD.search(keys[j]) and not specs[j].unit:
                specs[j] = replace(specs[j], canonical="population")
    if specs and not clean(specs[0].header).strip() and not any(
            sp.canonical in ("study", "trial_id") for sp in specs):
        # a first column with no header is the stub of row labels: in a trial table, the study
        specs[0] = replace(specs[0], canonical="study")
    out = []
    for j, sp in enumerate(specs):
        low = lows[j]
        if sp.canonical == "orr_pct" and re.match(r"^(?:adjusted\s+)?rr\b", low):
            nxt = keys[j + 1:j + 3]
            if "ci" in low or any(k in _CI_OR_P for k in nxt):
                sp = replace(sp, canonical="other")
        out.append(sp)
    return _with_arms(out)


# what a heading's last words say about how a value is written, never whose it is
_NOT_ARM = re.compile(r"(?i)^(?:\(?(?:95\s*%\s*)?ci\)?|p|p[- ]?values?|hr|range|iqr|sd|n|no\.?|%|total|overall)$")


def _with_arms(specs: list[ColumnSpec]) -> list[ColumnSpec]:
    """Columns of one measure side by side whose headings share their first words and differ in
    the rest ("RR TKI | RR Chemotherapy", "OS Drug (months) | OS Placebo (months)"): each holds
    one arm's values, the arm named by the rest."""
    out = list(specs)
    j = 0
    while j < len(out):
        k = j
        while k + 1 < len(out) and out[k + 1].is_measure and out[k + 1].canonical == out[j].canonical \
                and out[k + 1].timepoint_months == out[j].timepoint_months:
            k += 1
        arms = _arm_names([sp.header for sp in out[j:k + 1]]) if out[j].is_measure and k > j \
            and out[j].canonical != "n_total" else None
        for i, name in enumerate(arms or ()):
            sp = out[j + i]
            # "DCR (%) Rx": the unit is the shared heading's
            head = classify_header(clean(sp.header)[:clean(sp.header).rfind(name)]) if not sp.unit else sp
            out[j + i] = replace(sp, arm=name, unit=head.unit, unit_as_reported=head.unit_as_reported)
        j = k + 1
    return out


# what a column under a measure's shared heading may say that names no arm or subgroup
_NO_GROUP = re.compile(r"(?i)^\s*(?:\(.*|median|mean|range|rate|months?|mo|%|n|no\.?|value|events?|95\s*%.*)\s*$")
_STAT_WORD = re.compile(r"(?i)\bCI\b|^\s*p\b|p[- ]?value|\bHR\b|hazard|\bOR\b|odds|ratio|difference")


def _arm_names(headers: list[str]) -> list[str] | None:
    """The arm each heading names after the words all share (None: they share none, or a rest
    is empty, repeated, says how the value is written ("ORR | ORR 95% CI"), is a statistic
    ("HR", "P"), a measure or a unit, or the shared words are a statistic's)."""
    words = [_UNIT_PAREN.sub("", clean(h)).split() for h in headers]
    n = 0
    while all(len(w) > n + 1 for w in words) and len({w[n].lower() for w in words}) == 1:
        n += 1
    rests = [" ".join(w[n:]) for w in words]
    if n == 0 or len({r.lower() for r in rests}) < len(rests) or _STAT_WORD.search(" ".join(words[0][:n])):
        return None
    if any(_NOT_ARM.match(r) or _NO_GROUP.match(r) or _STAT_WORD.search(r)
           or classify_header(r).canonical in (*MEASURE_COLUMNS, "other") for r in rests):
        return None
    return rests


def _without_group(keys: list[str]) -> list[str]:
    """Each header without the group heading it shares with a neighbour ("univariate
    analysis rr" beside "univariate analysis 95% ci": "rr" and "95% ci")."""
    words = [k.split() for k in keys]
    out = []
    for j, w in enumerate(words):
        shared = 0
        for other in words[max(j - 1, 0):j] + words[j + 1:j + 2]:
            n = 0
            while n < min(len(w), len(other)) - 1 and w[n] == other[n]:
                n += 1
            shared = max(shared, n)
        out.append(" ".join(w[shared:]))
    return out


def _phrases() -> tuple[dict[str, list[tuple[str, ...]]], frozenset[tuple[str, ...]]]:
    return _phrases_of(user_dir())


@lru_cache(maxsize=4)
def _phrases_of(user: str | None) -> tuple[dict[str, list[tuple[str, ...]]], frozenset[tuple[str, ...]]]:
    """The lexicon's phrases by first word, longest first, and the set of them all."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for ph in sorted((tuple(k.split()) for k in _header_lexicon(user)), key=len, reverse=True):
        by_first.setdefault(ph[0], []).append(ph)
    return by_first, frozenset(ph for group in by_first.values() for ph in group)


def split_header_line(line: str) -> list[str]:
    """Split a pasted header line into header cells.

    Longest match against the lexicon first; a parenthesised unit joins the cell before it;
    an unknown word starts a new cell when capitalised (or a count's "#": "TKI # Pts", or an
    abbreviation with a lower-case prefix: "rPFS"), and
    joins the previous one when it is lower case or a Title Case participle ("Drug(s) Evaluated") or follows a joiner word ("Median", "No.") or a landmark ("3 months").
    A line whose cells the paste kept apart with tabs is split at its tabs: a tab is the
    table's own cell boundary, which no word rule second-guesses.

    Asked of the same lines many times by the text reader: remembered per (line, user lexicon
    folder), a bounded cache; each caller gets its own list.
    """
    return list(_split_cached(line, user_dir()))


@lru_cache(maxsize=4096)
def _split_cached(line: str, user: str | None) -> tuple[str, ...]:
    return tuple(_split_header_line(line))


def _split_header_line(line: str) -> list[str]:
    tabbed = [c.strip() for c in line.split("\t")]
    if len([c for c in tabbed if c]) > 1:
        return [" ".join(c.split()) for c in tabbed if c]
    return _hr_of_named(_split_words(line))


def _hr_of_named(cells: list[str]) -> list[str]:
    """'Median PFS (months) HR PFS (95% CI)': an HR cell before a second cell of a measure the
    line has named already is that measure's hazard ratio, one cell ("HR PFS (95% CI)"); a
    table has no two PFS columns ("HR | OS" stays two cells when no OS column came before)."""
    out: list[str] = []
    for c in cells:
        kind = classify_header(c).canonical if out and out[-1].lower() == "hr" else None
        if kind in MEASURE_COLUMNS and any(classify_header(x).canonical == kind for x in out[:-1]):
            out[-1] = f"{out[-1]} {c}"
        else:
            out.append(c)
    return out


def _split_words(line: str) -> list[str]:
    words = line.split()
    cells: list[str] = []
    i = 0
    last_joins = False
    while i < len(words):
        w = words[i]
        glued = _glued(cells, words, i)
        if glued:
            cells[-1] += " " + " ".join(words[i:i + glued])
            i += glued
            last_joins = False
            continue
        match = _lexicon_match(words, i)
        if match and _joins_unknown(cells, w):
            match = 0        # "Metastatic treatment": a known word in lower case ends an unknown cell
        if match and not last_joins:
            cells.append(" ".join(words[i:i + match]))
            i += match
            last_joins = False
            continue
        if cells and (last_joins or not w[:1].isupper() and not w[:1].isdigit() and w[:1] != "#"
                      and not _ABBREVIATION.match(w)
                      or _PARTICIPLE.match(w) and not match and not classify_header(cells[-1]).is_measure):
            cells[-1] += " " + w
        else:
            cells.append(w)
        last_joins = _joins_next(cells[-1], w) and not match
        i += 1
    return cells


def _glued(cells: list[str], words: list[str], i: int) -> int:
    """How many words from words[i] on belong to the cell before, whatever they are (0:
    none): a parenthesis ("(%)", "(months)", "(95% CI)"), a unit after a comma ("mOS, month
    mPFS, month": it ends its cell), a word after a qualifier ("drug-related AEs"), a word
    that names no column or is in lower case after a comma ("Trial, ID", "Study type, no. of
    patients": header cells start capitalised)."""
    if not cells:
        return 0
    w = words[i]
    if w[:1] in "([":
        return _paren_end(words, i) - i + 1
    if cells[-1].endswith(",") and re.fullmatch(UNIT_WORD, w, re.I) or _QUALIFIER_END.search(cells[-1]):
        return 1
    if cells[-1].endswith(",") and (w[:1].islower() or not _lexicon_match(words, i)):
        return 1        # "Trial, ID", "Study type, no. of patients": a comma goes on in its cell
        #                 with a word that names no column, or one in lower case
    return 0


# a heading with its unit, then words after it ("mOS (months) Rx", "PFS (mo) Control arm")
_AFTER_UNIT = re.compile(r"^(.*?\([^()]*\))\s+([A-Za-z][^()]*)$")

# an abbreviation with a lower-case prefix starts a cell as a capitalised word does ("rPFS",
# "iORR", "cORR")
_ABBREVIATION = re.compile(r"^[a-z]{1,2}[A-Z]{2,}")

# a Title Case participle qualifies the heading before it ("Regimen or Drug(s) Evaluated")
_PARTICIPLE = re.compile(r"^[A-Z][a-z]{2,}ed$")


def _paren_end(words: list[str], i: int) -> int:
    """Index of the word that closes the parenthesis opened at words[i] (the last word if none)."""
    j = i
    while j < len(words) - 1 and not words[j].endswith((")", "]")):
        j += 1
    return j


def _lexicon_match(words: list[str], i: int) -> int:
    """How many words from words[i] on make one header the lexicon knows (0: none)."""
    by_first, phrases = _phrases()
    low = [clean(x).lower() for x in words[i:i + 6]]
    if low[0].endswith(",") and i + 1 < len(words) and re.fullmatch(UNIT_WORD, words[i + 1], re.I):
        low[0] = low[0][:-1]        # "mOS, month": the heading before its unit
    match = next((len(ph) for ph in by_first.get(low[0], ())
                  if len(ph) <= len(low) and tuple(low[:len(ph)]) == ph), 0)
    if match == 2 and all((clean(w).lower(),) in phrases for w in words[i:i + match]) \
            and all(w[:1].isupper() for w in words[i + 1:i + match]) \
            and len({_lexicon_kind(w) for w in words[i:i + match]}) > 1:
        match = 1   # "Trial Phase": two known headers side by side, not one ("Treatment Arms" is one)
    return match


def _lexicon_kind(word: str) -> str | None:
    return header_lexicon().get(clean(word).lower())


def _joins_unknown(cells: list[str], w: str) -> bool:
    """A known header word printed in lower case after an unknown capitalised cell continues
    that cell ("Metastatic treatment", "Agent tested"), as header cells start capitalised."""
    return bool(cells) and w.isalpha() and w.islower() and len(w) > 2 \
        and classify_header(cells[-1]).canonical == "extra"


# a hyphenated qualifier qualifies the words after it, known or not ("drug-related AEs (%)",
# "Treatment-related AEs"): they go on in its cell
_QUALIFIER_END = re.compile(r"(?i)\w-(?:related|emergent|associated|induced|mediated)$")


_LANDMARK_CELL = re.compile(rf"^\d+(?:\.\d+)?\s*-?\s*(?:{_TIME_WORDS}|mos)$", re.I)


def _joins_next(cell: str, w: str) -> bool:
    """Does the word after w belong to the same cell? After a joiner word ("Median", "No."),
    a landmark ("6-month", "3 months"), or a conjunction inside a cell ("Trial and author").
    A joiner joins only as the cell's first word ("Time to progression", "Median OS")."""
    cw = clean(w).lower()
    if (cw in _JOINERS and len(cell.split()) == 1) or _LANDMARK_WORD.match(clean(w)) \
            or _LANDMARK_CELL.match(clean(cell)):
        return True          # a joiner opens a cell: "Median follow-up time" ends before "Publish year"
    return cw in _CONJUNCTIONS and len(cell.split()) > 1


# a heading over several columns ("Response rate" over ORR and DCR, "Median survival" over OS
# and PFS, "Efficacy", "Available data", "Safety", "Percentage of patients" over the patients'
# settings); the words say which sub-columns it takes (an empty set: columns that hold no
# outcome). Used by the readers that rebuild a header printed over several lines.
_ANY_OUTCOME = frozenset({"orr_pct", "dcr_pct", "pfs_median", "os_median", "pfs_rate", "os_rate", "n_total"})
GROUP_HEADINGS = (
    ("response", frozenset({"orr_pct", "dcr_pct"})),
    ("survival", frozenset({"pfs_median", "os_median", "pfs_rate", "os_rate"})),
    ("safety|toxicit|adverse|\\baes?\\b|^(?:percentage|proportion|distribution|share) of", frozenset()),
    ("efficacy|outcome|result|activity|\\b(?:available|clinical) data\\b|\\bend ?-?points?\\b", _ANY_OUTCOME),
)
VALUE_KINDS = frozenset({"n_total", "orr_pct", "dcr_pct", "pfs_median", "os_median", "pfs_rate", "os_rate", "other"})


def group_of(cell: str) -> frozenset[str] | None:
    """The sub-columns a group heading takes (see GROUP_HEADINGS); None: the cell is none."""
    low = cell.lower()
    for rx, kinds in GROUP_HEADINGS:
        if re.search(rx, low):
            return kinds
    return None
