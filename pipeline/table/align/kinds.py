"""Column kinds: what a token span scores as a cell of each kind of column.

`KINDS` is the registry: one `ColumnKind` per kind, with its scorer (a small function over
the span's tokens and text), the longest span its typed shapes accept, the longest cell it
holds, what its absence costs and how the row programmes treat it. Adding a column kind is
one scorer and one registry entry; the weights are the named fields of `CellWeights`."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from ...normalize.drugs import NOT_DRUGS
from ...normalize.units import time_unit
from ...outcomes.cells import parse_value_cell, states_results
from ...outcomes.grammar.populations import ALL_POPULATION
from ..counts import described_count
from ..header import MEASURE_COLUMNS
from .results import RESPONSE_COLUMNS, SURVIVAL_COLUMNS, noted_results, read_clauses
from .settings import NEG, AlignSettings
from .shapes import (COUNTS_OF_PARTS, COUNTS_PER_ARM,
                     _DIGIT, _DISEASE_STATE, _ENDPOINT_RX, _ET_AL, _HEAD_REST, _INLINE_ABBR,
                     _COUNT_AND_SUBSET, _DOSE_UNIT, _JOINING_START, _LINE_DIGITS, _LINE_PHRASE, _MONO_RX,
                     _NAME_WITH_NCT, _NOT_REACHED,
                     _NUMBERISH, _PARENTHESISED, _PARENTHESISED_OR_EMPTY, _PERCENT_VALUE, _SLASH_PAIR,
                     _TRIAL_NAME, _VALUE_START, _VERSUS, _YEAR, DESIGN_WORDS, LINE_RX, LINE_WORDS, MISSING_RX,
                     OUTCOME_WORDS, PHASE_RX, REF_RX, _is_target_like, _parts, _trailing_ref,
                     _value_like, outcome_score, regimen_score, _COMPARISON, _hazard_ratio_first, _mid_line_tail,
                     _reference_inside, _starts_on_dose)
from .spans import SpanFacts
from .tokens import SENTENCE_START, Tok
from .value_cells import impossible_for, read_value, subgroups_cell

if TYPE_CHECKING:
    from .context import TableContext

Scorer = Callable[["ColumnKind", list[Tok], str, "TableContext"], float]

_SHORT_MAX = 8          # longest population / extra cell the short shape accepts
_VALUE_MAX = 10         # longest value cell a value column's parser is asked to read
_SUBGROUPS_MAX = 24     # longest cell of subgroups each heading its value ("All patients 20% Site A 13% ...")
_FALLBACK_MAX = 12      # longest descriptive cell of an unusual shape
_VALUE_FALLBACK_MAX = 16    # longest value-like cell a value column cannot parse
_COUNT_MAX = 20         # longest count cell: a count and who the patients are
_REGIMEN_LABEL_MAX = 4  # longest label naming a regimen ("Escalating dose cohorts:")
_RESULTS_MAX = 40       # longest labelled result cell (several clauses over several lines)


@dataclass(frozen=True)
class ColumnKind:
    """One kind of column and how the aligner treats it."""
    name: str
    score: Scorer                       # typed shapes (after the guards every kind shares)
    typed_max: int | None = None        # longest span `score` accepts (None: no limit) ...
    typed_max_setting: str | None = None    # ... or the AlignSettings field that gives it
    max_tokens: int | None = None       # longest cell (None: AlignSettings.max_cell_tokens)
    skip: str = "skip_identity"         # AlignSettings field: what the column's absence costs
    fallback: str | None = None         # "descriptive" or "value": takes an unusual span at a cost
    free_text: bool = False             # the free-text column: its cell may run for the whole row
    measure: bool = False               # a contract measure column (a count, a rate, a median)
    numeric: bool = False               # holds numbers parsed as values (measures, unknown with unit)
    value: bool = False                 # its cells become measures
    per_row: bool = False               # every data row fills it (others may span from above)
    labels: bool = False                # may hold "label:" and sentence ends ("OCT: 14.3 m vs. ...")
    bracket_start: bool = False         # may start on "[" (a reference)
    labelled_regimen: bool = False      # may hold labels that name a regimen ("Arm A: drug X")
    sentence_words: bool = True         # may hold a capitalised sentence word ("Among")
    counts: bool = True                 # may hold "N = 85"
    holds_nct: bool = False             # may hold an NCT id
    percent: bool = False               # its values are percentages
    median: bool = False                # its values are medians (never percentages)
    no_percent: bool = False            # its values are never percentages (a count, a median; "36/190")
    refuse: Callable[[list[Tok], "TableContext"], bool] | None = None   # spans it never takes
    results: tuple[str, ...] = ()       # labelled result cells: the value columns its clauses may name
    doses: bool = False                 # a regimen's column: may start on a dose ("50 Gy radiotherapy")


# ---------------------------------------------------------------- scorers, one per kind
def _score_trial_id(spec, toks, text, ctx):
    w, n = ctx.w, len(toks)
    if toks[0].nct_text:
        if n == 1:
            return w.nct_alone
        rest = " ".join(t.text for t in toks[1:])
        return w.nct_named if _PARENTHESISED.fullmatch(rest) else NEG
    if n <= 5 and "(NCT" in text and _NAME_WITH_NCT.fullmatch(text):
        return w.nct_named        # "TRIAL-1 (NCT + 8 digits)"
    return w.trial_id_missing if MISSING_RX.match(text) else NEG


def _score_trial(spec, toks, text, ctx):
    """A trial id, as a trial-id column reads it, or else a study name; the trial's phase may
    come first ("Phase 3, NCT0XXXXXXX (TRIAL-1)" under "Trial, ID")."""
    if toks[0].nct_text or (len(toks) <= 5 and "(NCT" in text and _NAME_WITH_NCT.fullmatch(text)):
        return _score_trial_id(spec, toks, text, ctx)
    k = next((k for k, t in enumerate(toks) if t.nct_text), None)
    lead = " ".join(t.text for t in toks[:k or 0]).rstrip(" ,")
    if k is not None and 0 < k <= 3 and lead[:5].lower() == "phase" and PHASE_RX.match(lead):
        return _score_trial_id(spec, toks[k:], " ".join(t.text for t in toks[k:]), ctx)
    return _score_study(spec, toks, text, ctx)


# a trial's name and its size: "TRIAL-9 (n = 412)", "Euro-North (n = 138)"
_NAME_WITH_COUNT = re.compile(r"[A-Z][\w-]*(?: [\w-]+){0,2} \([nN] ?= ?\d+\)")


def _score_study(spec, toks, text, ctx):
    w, n = ctx.w, len(toks)
    k = _trailing_ref(toks)
    if 0 < k < n:         # "ALPHA-006 [15, 16]", "STELLA [37]": a name and its reference
        sc = typed_score("study", toks[:k], ctx)
        return w.study_short if sc == NEG and toks[0].norm[:1].isupper() and k <= 3 else sc
    if n <= 5 and "(NCT" in text and _NAME_WITH_NCT.fullmatch(text):
        return w.nct_named
    if any(t.nct_text for t in toks) or _reference_inside(toks):
        return NEG        # (a bracketed reference ends the name: "STELLA [37] | Sustained response")
    if n > 6 and not (n <= 10 and _ET_AL.search(text) and toks[0].norm[:1].isalpha()
                      and not any(t.low in _VERSUS for t in toks)):
        return NEG        # longer only as "<trial name> <basket/cohort> <author> et al"
    if _ET_AL.search(text) or _TRIAL_NAME.fullmatch(text) \
            or (_NAME_WITH_COUNT.fullmatch(text) and not ctx.kb.is_drug(toks[0].norm)):
        return w.study_named
    if toks[0].text[:1].isupper() and n <= 3 and toks[0].low not in SENTENCE_START \
            and not ctx.kb.is_drug(toks[0].norm):
        return w.study_short  # (a short name; one starting on a drug name is an arm's regimen)
    return NEG


def _score_target(spec, toks, text, ctx):
    w, kb, n = ctx.w, ctx.kb, len(toks)
    if any(t.low in OUTCOME_WORDS for t in toks):
        return NEG        # "ORR" starting a wrapped outcome line is not a drug target
    if n <= 3 and _is_target_like(toks):
        sites = sum(1 for t in toks if kb.is_site(t.text))
        steps = sum(1 for t in toks if LINE_RX.match(t.low) or PHASE_RX.match(t.low))
        return w.target + w.target_per_token * (n - 1) + w.target_site_word * sites \
            + w.target_line_or_phase * steps
    if MISSING_RX.match(text):
        return w.target_missing
    if n <= 3 and toks[0].norm[:1].isupper() and not any(kb.is_drug(t.norm) or kb.is_site(t.norm)
                                                         or _NUMBERISH.fullmatch(t.norm) for t in toks):
        return w.target_descriptive   # "Multi-TKI", "Somatostatin receptor"
    return NEG


def _score_line(spec, toks, text, ctx):
    w, n = ctx.w, len(toks)
    if n <= 3 and LINE_RX.match(text.replace(" ", "-").lower().replace("--", "-")):
        return w.line_digit if text.isdigit() else w.line
    if n <= 3 and _LINE_PHRASE.fullmatch(text):
        return w.line
    if n <= 3 and _LINE_DIGITS.fullmatch(text):
        return w.line_digit   # "1, 2", "1-5", ">= 2"
    if n <= 3 and LINE_WORDS.fullmatch(text):
        return w.line_words
    if n <= 8 and _DISEASE_STATE.match(text) and not any(ctx.kb.is_drug(t.norm) for t in toks):
        return w.line_disease_state   # a setting column: "Progressive disease pancreatic NET"
    return w.line_missing if MISSING_RX.match(text) else NEG


# the ASCII characters a phase ("II", "Phase 1b"), a design word ("Retrospective") or a missing
# mark ("-", "NA", "ongoing") may start with, in either case: a text starting on another ASCII
# character (a drug's name, a number past 4) is none of them
_PHASE_FIRST = frozenset("pP01234iIrRoOcCeEsS-nN")


# a phase and the trial's count after a comma ("Phase III, 309" under "Study type, no. of patients")
_PHASE_COUNT = re.compile(r"[^\s,]+,\s*(?:[5-9]|\d{2,})")


def _score_phase(spec, toks, text, ctx):
    w = ctx.w
    c = text[:1]
    if c.isascii() and c not in _PHASE_FIRST:
        return NEG
    m = _HEAD_REST.match(text)
    if m is None:
        return NEG
    head, rest = m.group(1), m.group(2).strip()
    named = head.lower() == "phase"
    if named and rest and rest.split()[0].endswith(":") and PHASE_RX.match(rest.split()[0][:-1]) \
            and len(rest.split()) > 1:
        return w.phase            # "Phase III: A versus B": the phase, and the regimens it compares
    if named and _PHASE_COUNT.fullmatch(rest) and PHASE_RX.match(rest.split(",")[0]):
        return w.phase
    if PHASE_RX.match(head) or (named and rest and PHASE_RX.match(rest.split()[0])):
        if not rest or _PARENTHESISED_OR_EMPTY.fullmatch(rest) or (named and len(rest.split()) == 1):
            return w.phase
        return NEG
    if len(toks) <= 3 and DESIGN_WORDS.fullmatch(text):
        return w.phase_design         # "Retrospective" in a Phase column
    return w.phase_missing if MISSING_RX.match(text) else NEG


def _score_ref(spec, toks, text, ctx):
    return ctx.w.ref if len(toks) <= 3 and all(REF_RX.match(t.text) for t in toks) else NEG


def _score_year(spec, toks, text, ctx):
    if len(toks) == 1 and _YEAR.fullmatch(toks[0].norm):
        return ctx.w.year
    return ctx.w.year_missing if MISSING_RX.match(text) else NEG


def _score_value(spec, toks, text, ctx):
    """A count, rate or median (or an unknown column's value with a unit)."""
    w, n = ctx.w, len(toks)
    if n > _VALUE_MAX:
        return _subgroups_score(spec, n, text, ctx)
    if _SLASH_PAIR.fullmatch(text):
        pct = "%" in text
        if (pct and spec.no_percent) or (not pct and spec.percent and "NR" not in text):
            return NEG
        return w.value_pair   # one value per cohort: "36/190", "12% /18%", "NR /4"
    if "HR" in text and _hazard_ratio_first(toks):
        return NEG            # "AB: HR 0.61 (...)": a hazard ratio, no count, rate or median
    p, labelled = read_value(text)
    if p is None:
        if (sub := _subgroups_score(spec, n, text, ctx)) != NEG:
            return sub        # "All patients 20% Site A 13%": the values of the subgroups heading them
        if noted_results(spec.name, toks):
            return w.results_cell     # "Median follow-up 2 years: 1-year OS 60%": the row's results
        return NEG            # value-like text of another shape gets shape_score's fallback
    units = {v.unit for v in p.values if v.unit}
    if (spec.no_percent and "%" in units) or (
            spec.percent and units - {"%"}):
        return NEG            # "10%" under a median, "4.9 mo" under a rate: another column's value
    if impossible_for(spec, p.values) or (spec.median and _COUNT_AND_SUBSET.fullmatch(text)):
        return NEG            # "454 (64)" under a rate, "2014" under a median: a count, a year
    if labelled:
        return w.value        # values of the subgroups the labels name
    return w.value_missing if p.missing else w.value + (w.value_short if n <= 2 else 0.0)


def _subgroups_score(spec, n, text, ctx):
    """A cell of subgroups each heading its value, as long as the column's typed shapes go
    (value_cells.subgroups_cell): scored as any value cell; NEG for any other."""
    return ctx.w.value if n <= spec.typed_max and subgroups_cell(spec, text, ctx) else NEG


def _score_count(spec, toks, text, ctx):
    """A count, or a count and who the patients are ("512 patients with untreated disease";
    a capitalised drug name after it starts the next column's regimen), or the counts of the
    row's arms ("11 (A) 19 (B)"), or of its parts and subgroups, each with its label and no
    other number ("20 (I) + 90 (II). AB: 6")."""
    if COUNTS_PER_ARM.fullmatch(text) or COUNTS_OF_PARTS.fullmatch(text):
        return ctx.w.value + ctx.w.value_short   # (as short as each count alone)
    if described_count(text) is not None and len(toks) <= _COUNT_MAX:
        if any(t.colon or (t.norm[:1].isupper() and ctx.kb.is_drug(t.norm.strip(",;()"))) for t in toks[1:]):
            return NEG        # a label ("Cohort A:") or a capitalised drug starts the next cell
        return ctx.w.count_described
    if len(toks) > _VALUE_MAX or any(time_unit(t.low.strip(".,;")) for t in toks):
        return NEG            # "1 year": a count has no time unit
    return _score_value(spec, toks, text, ctx)


def _score_results(spec, toks, text, ctx):
    """A labelled result cell ("Arm X: ORR 12%", "Arm X: median OS: 9.1 months 41% at 1
    year"): clauses naming only measures of the column's family; "–" or "NA" as in any value
    column."""
    w = ctx.w
    if MISSING_RX.match(text):
        return w.value_missing
    if len(toks) > _RESULTS_MAX:
        return NEG
    clauses = read_clauses(toks)
    if clauses is None and parse_value_cell(text) is not None:
        return _score_value(spec, toks, text, ctx)     # a plain value cell ("12.1", "9 vs. 7")
    if clauses is None or any(c.named is not None and c.named not in spec.results for c in clauses):
        return NEG
    if (len(clauses) > 1 and any(c.bare for c in clauses)) or (spec.percent and any(
            c.unit not in (None, "%") or (c.landmark and c.named is None) for c in clauses)):
        return NEG            # "12% 1": a number of the next line; a duration, or a rate at a
                              # landmark no name calls a response ("41% at 1 year"), under a response rate
    return w.results_cell + w.results_clause * (len(clauses) - 1)


# an endpoint's threshold ending it: "Sustained response lasting ≥ 9 months"
_THRESHOLD_END = re.compile(r"(?:≥|>=|>|≤|<=|<)\s*\d+(?:\.\d+)?\s*(?:months?|weeks?|years?|%)$")


def _score_endpoint(spec, toks, text, ctx):
    w, n = ctx.w, len(toks)
    if n > 5 and n <= 8 and _THRESHOLD_END.search(text):
        n -= 3                # (the threshold's words do not make the endpoint longer)
    if n <= 5 and _ENDPOINT_RX.search(text) and not _PERCENT_VALUE.match(toks[0].norm) \
            and not any(t.low in _VERSUS for t in toks):
        return NEG if _cohort_tail(toks) else w.endpoint
    if ctx.kb.results_in_endpoint and n <= spec.typed_max and states_results(text):
        return w.endpoint_results + w.endpoint_results_per_token * n   # "Safety and efficacy: ..."
    if n <= 5 and any(t.colon for t in toks):
        return NEG
    return w.endpoint_missing if MISSING_RX.match(text) else NEG


def _cohort_tail(toks: list[Tok]) -> bool:
    """Do words naming the whole cohort follow an endpoint's name ("ORR All patients", "PFS
    overall 4.1 mo")? They head the value after them, in the next column's cell: an endpoint
    cell ends on the endpoint's own words."""
    named = [k for k, t in enumerate(toks) if _ENDPOINT_RX.search(t.norm)]
    tail = [t.norm for t in toks[named[-1] + 1:]] if named else []
    return any(ALL_POPULATION.match(" ".join(tail[:k])) for k in range(1, min(len(tail), 3) + 1))


def _score_endpoint_result(spec, toks, text, ctx):
    w, n = ctx.w, len(toks)
    if n <= spec.typed_max and (_DIGIT.search(text) or _NOT_REACHED.search(text)):
        return w.endpoint_result + w.endpoint_result_per_token * n
    return w.endpoint_result_missing if MISSING_RX.match(text) else NEG


def _score_sites(spec, toks, text, ctx):
    if len(toks) > (spec.typed_max if "(" in text else 7) or any(t.site_digits for t in toks) or _reference_inside(toks) \
            or toks[0].low in SENTENCE_START:
        return NEG
    parts = _parts(text)
    if not parts:
        return NEG
    s, cache = 0.0, ctx.site_parts
    for p in parts:
        term = cache.get(p)
        if term is None:
            term = cache[p] = _site_part(p, ctx)
        s += term
    return s


def _site_part(p: str, ctx: TableContext) -> float:
    """What one part of a sites cell adds to its score (once per part and table: a span's parts
    are mostly those of the span one token shorter)."""
    w, kb, words = ctx.w, ctx.kb, p.split()
    if any(kb.is_site(x) for x in words):
        return w.site_part
    if any(kb.is_drug(x) for x in words):
        return w.site_drug_part
    if len(words) <= 2 and words[0][:1].isupper():
        return w.site_short_part
    return w.site_other_part


def _score_regimen_cell(spec, toks, text, ctx, mono: float, bonus: float):
    if len(toks) > ctx.st.max_cell_tokens:
        return NEG
    if (toks[0].number and not _starts_on_dose(toks)) or toks[0].percent:
        return NEG            # "44 Drugumab": a value and the next arm's regimen (doses follow
                              # drugs, but a dose of radiation may lead: "50 Gy radiotherapy + drug A")
    if _MONO_RX.fullmatch(text):
        return mono
    reg = ctx.regimen_scores.get(text)
    if reg is None:           # the Treatment and Agent columns score the same spans
        reg = ctx.regimen_scores[text] = regimen_score(text, ctx)
    first = toks[0].norm
    if first[:1].islower() and first.isalpha() and not ctx.kb.is_drug(first):
        bonus += ctx.w.lowercase_regimen    # "inhibitor GEM + ...": the end of the cell before
    return reg + bonus


def _score_treatment(spec, toks, text, ctx):
    return _score_regimen_cell(spec, toks, text, ctx, ctx.w.monotherapy, 0.0)


def _score_agent(spec, toks, text, ctx):
    bonus = ctx.w.inline_abbreviation if " (" in text and _INLINE_ABBR.search(text) else 0.0
    return _score_regimen_cell(spec, toks, text, ctx, NEG, bonus)


def _score_short(spec, toks, text, ctx):
    """Population, extra and columns of unknown kind: anything short."""
    w, n = ctx.w, len(toks)
    if n > _SHORT_MAX or _reference_inside(toks):
        return NEG
    return w.short + w.short_long_token * max(0, n - w.short_tokens) \
        + (w.short_lowercase if toks[0].norm[:1].islower() else 0.0)


def _score_outcomes(spec, toks, text, ctx):
    return outcome_score(toks[0], len(toks), any(t.nct for t in toks), ctx)


def _endpoint_and_regimen(toks: list[Tok], ctx: TableContext) -> bool:
    """"RFS Placebo": the endpoint and the next column's regimen."""
    return len(toks) <= 5 and any(ctx.kb.is_drug(t.norm) or t.low in NOT_DRUGS for t in toks)


def _no_regimen(toks: list[Tok], ctx: TableContext) -> bool:
    """Spans no regimen cell is: one starting on a comparison ("≥ 9 months drug B": the end of
    an endpoint's threshold)."""
    return toks[0].norm in _COMPARISON


# ---------------------------------------------------------------- the registry
_IDENTITY = dict(counts=False, fallback="descriptive")
_REGIMEN = dict(typed_max_setting="max_cell_tokens", sentence_words=False, doses=True,
                refuse=_no_regimen, **_IDENTITY)
_MEASURE = dict(typed_max=_SUBGROUPS_MAX, max_tokens=_SUBGROUPS_MAX, measure=True, numeric=True, value=True,
                per_row=True, labels=True, skip="skip_measure", fallback="value")
_PERCENT = ("orr_pct", "dcr_pct", "pfs_rate", "os_rate")
_MEDIAN = ("pfs_median", "os_median")
_LANDMARK_RATES = ("pfs_rate", "os_rate")     # absent at AlignSettings.skip_rate

KINDS: dict[str, ColumnKind] = {k.name: k for k in [
    ColumnKind("trial", _score_trial, max_tokens=12, holds_nct=True, **_IDENTITY),
    ColumnKind("trial_id", _score_trial_id, max_tokens=6, holds_nct=True, counts=False),
    ColumnKind("study", _score_study, max_tokens=12, holds_nct=True, **_IDENTITY),
    ColumnKind("target", _score_target, typed_max=3, max_tokens=12, sentence_words=False, **_IDENTITY),
    ColumnKind("line", _score_line, typed_max=8, max_tokens=12, sentence_words=False, **_IDENTITY),
    # (a phase cell may say what it compares after a colon: "Phase III: Two schedules of A versus B")
    ColumnKind("phase", _score_phase, max_tokens=12, labels=True, **_IDENTITY),
    ColumnKind("treatment", _score_treatment, labelled_regimen=True, **_REGIMEN),
    ColumnKind("agent", _score_agent, **_REGIMEN),
    ColumnKind("primary_sites", _score_sites, typed_max=12, max_tokens=12, sentence_words=False, **_IDENTITY),
    ColumnKind("population", _score_short, typed_max=_SHORT_MAX, max_tokens=12, fallback="descriptive"),
    ColumnKind("extra", _score_short, typed_max=_SHORT_MAX, max_tokens=12, fallback="descriptive"),
    ColumnKind("ref", _score_ref, typed_max=3, max_tokens=3, labels=True, bracket_start=True, counts=False),
    ColumnKind("year", _score_year),
    ColumnKind("primary_endpoint", _score_endpoint, typed_max=60, max_tokens=60, labels=True, per_row=True,
               refuse=_endpoint_and_regimen, **_IDENTITY),
    ColumnKind("endpoint_result", _score_endpoint_result, typed_max=25, max_tokens=25, labels=True,
               value=True, per_row=True, skip="skip_measure", fallback="value"),
    *(ColumnKind(k, _score_value, percent=k in _PERCENT, median=k in _MEDIAN, no_percent=k in _MEDIAN,
                 **{**_MEASURE, "skip": "skip_rate" if k in _LANDMARK_RATES else "skip_measure"})
      for k in MEASURE_COLUMNS if k != "n_total"),
    ColumnKind("n_total", _score_count, no_percent=True,
               **{**_MEASURE, "typed_max": _COUNT_MAX, "max_tokens": _COUNT_MAX}),
    ColumnKind("other", _score_value, typed_max=_VALUE_MAX, max_tokens=16, numeric=True, per_row=True,
               labels=True, fallback="value"),
    *(ColumnKind(name, _score_results, results=cols, percent=name == "response_text",
                 **{**_MEASURE, "typed_max": _RESULTS_MAX, "max_tokens": _RESULTS_MAX, "numeric": False})
      for name, cols in (("response_text", RESPONSE_COLUMNS), ("survival_text", SURVIVAL_COLUMNS))),
    ColumnKind("outcomes_text", _score_outcomes, free_text=True, value=True, per_row=True,
               skip="skip_outcomes"),
]}
# a kind the registry does not know (a header the lexicon reads as another contract column)
UNKNOWN_KIND = ColumnKind("unknown", _score_short)


def kind_of(kind: str) -> ColumnKind:
    return KINDS.get(kind, UNKNOWN_KIND)


def typed_caps(st: AlignSettings) -> dict[str, int]:
    """Longest span, in tokens, that each kind's typed shapes accept (every longer span gets
    NEG from typed_score; tests/test_align.py checks it on every fixture)."""
    return {k.name: getattr(st, k.typed_max_setting) if k.typed_max_setting else k.typed_max
            for k in KINDS.values() if k.typed_max is not None or k.typed_max_setting}


_TYPED_MAX = typed_caps(AlignSettings())
# longest cell, in tokens, per column kind (others: AlignSettings.max_cell_tokens; free text: the row)
MAX_TOKENS = {k.name: k.max_tokens for k in KINDS.values() if k.max_tokens is not None}
VALUE_KINDS = frozenset(k.name for k in KINDS.values() if k.value)
FALLBACK_KINDS = frozenset(k.name for k in KINDS.values() if k.fallback == "descriptive")


def cell_cap(kind: str, T: int, st: AlignSettings) -> int:
    """Most tokens a cell of `kind` takes in a row of T tokens."""
    spec = kind_of(kind)
    if spec.free_text:
        return T
    return spec.max_tokens if spec.max_tokens is not None else st.max_cell_tokens


def skip_cost(kind: str, st: AlignSettings) -> float:
    """What leaving a column of `kind` empty costs."""
    return getattr(st, kind_of(kind).skip)


_skip_cost = skip_cost


# ---------------------------------------------------------------- one span, one kind
def _guards_refuse(spec: ColumnKind, toks: list[Tok], ctx: TableContext, f: SpanFacts) -> bool:
    """The shapes no cell of `spec` takes, whatever its kind's own shapes say."""
    if f.open_end or (f.bracket_start and not spec.bracket_start):
        return True       # a cell does not end on "vs.", a label ("placebo:"), an open parenthesis,
                          # nor start on a parenthesis or a bracketed reference (it ends the cell
                          # before), but a reference cell: "[45]", "(21,22)"
    if not spec.doses and f.starts_on_dose:
        return True       # "10 mg/kg ORR: 17%": the dose ends the regimen before, no other cell starts on it
    if f.equals_end or (f.n_first and not spec.measure):
        return True
    if not spec.labels and ((f.colon and _label_in_cell(spec, toks, ctx)) or f.sentence_end):
        return True       # "Chemotherapy:" or a sentence end is free text, not a cell
                          # (results name their arms: "OCT: 14.3 m vs. placebo: 6.0 m"; a
                          # treatment may name its arm's regimen: "Cohort A: drug X")
    return not spec.sentence_words and f.caps


def _label_in_cell(spec: ColumnKind, toks: list[Tok], ctx: TableContext) -> bool:
    """Does a span with a colon hold a label its column does not take (every label but one
    naming the regimen after it, in a column that may hold those)?"""
    return not spec.labelled_regimen or any(t.colon and not _labels_regimen(toks, k, ctx) for k, t in enumerate(toks))


def _labels_regimen(toks: list[Tok], k: int, ctx: TableContext) -> bool:
    """Is token k the end of a label that names the regimen after it ("Cohort A: drug X"):
    a colon, then a drug, in a cell that starts on a capitalised label ("Cohort A:", not
    "A: drug X", whose label began in the cell before)?"""
    first = next(j for j, t in enumerate(toks) if t.colon)
    return k + 1 < len(toks) and ctx.kb.is_drug(toks[k + 1].norm.strip(",;()")) \
        and first < _REGIMEN_LABEL_MAX and toks[0].norm[:1].isupper()


def typed_score(kind: str, toks: list[Tok], ctx: TableContext, facts: SpanFacts | None = None,
                spec: ColumnKind | None = None) -> float:
    """How much tokens read like one of the typed shapes of column `kind` (NEG: none);
    `facts`: the span's SpanFacts, `spec`: kind_of(kind), when the caller has them."""
    spec = spec or kind_of(kind)
    if spec.free_text:
        return spec.score(spec, toks, "", ctx)
    f = facts or SpanFacts(toks, ctx)
    if _guards_refuse(spec, toks, ctx, f):
        return NEG
    if f.n_equals and not spec.counts:
        return NEG            # "N = 85" counts patients: a count or population column's
    return spec.score(spec, toks, f.text, ctx)


_typed_score = typed_score


def dead_start(spec: ColumnKind, first: Tok) -> bool:
    """Does no cell of `spec` start on token `first`, however long: the rest of "et al.", a
    word that joins on to the cell before ("and", "/ ..."), the tail of the cell before inside
    a line (_mid_line_tail), an opening parenthesis but in a reference column (shape_score,
    the guards and the fallback refuse these whatever follows; the row programmes skip such
    starts)."""
    starts = first.starts
    if starts is None:
        starts = first.starts = _start_tests(first)
    return starts[0] or (not spec.free_text and (starts[1] or (starts[2] and not spec.bracket_start)))


def _start_tests(first: Tok) -> tuple[bool, bool, bool]:
    """dead_start's tests of the token alone, worked out once per token: (no cell of any
    column starts on it, none but a free-text cell, none but one that may start on "(")."""
    return (first.low in ("al.", "al.,"),
            first.norm[:1] == "/" or (not first.first and (first.low in _JOINING_START or _mid_line_tail(first))),
            first.norm[:1] == "(")


def shape_score(kind: str, toks: list[Tok], ctx: TableContext, facts: SpanFacts | None = None,
                spec: ColumnKind | None = None) -> float:
    n = len(toks)
    spec = spec or kind_of(kind)
    if dead_start(spec, toks[0]):
        return NEG
    f = facts or SpanFacts(toks, ctx)
    if f.et_al:
        return NEG            # "et al." and its rest: never the start of a cell
    if spec.refuse is not None and spec.refuse(toks, ctx):
        return NEG
    if not spec.free_text and (f.value_ends_line or f.naming_end):
        return NEG            # "... Part" | "A: Pembro": a group's name is not cut from its letter
    sc = typed_score(kind, toks, ctx, f, spec) if n <= ctx.typed_max.get(kind, n) else NEG
    if sc != NEG:
        return sc
    return _fallback_score(spec, toks, ctx, f)


def _fallback_score(spec: ColumnKind, toks: list[Tok], ctx: TableContext, f: SpanFacts) -> float:
    """A span no typed shape of the column accepts: a descriptive column still takes a short
    one at a cost, a value column value-like text it cannot read."""
    n = len(toks)
    if f.open_end or f.paren_start or f.nct or f.caps:
        return NEG
    if spec.fallback == "descriptive" and n <= _FALLBACK_MAX and not toks[0].percent:
        return ctx.w.fallback_descriptive + ctx.w.fallback_per_token * n
    if spec.fallback == "value" and n <= _VALUE_FALLBACK_MAX and _VALUE_START.match(toks[0].norm) \
            and not (spec.no_percent and toks[0].percent) \
            and _value_like(toks, ctx.kb) and not any(_DOSE_UNIT.match(t.low) for t in toks) \
            and not _hazard_ratio_first(toks):
        return ctx.w.fallback_value
    return NEG


def score_cell(kind: str, toks: list[Tok], ctx: TableContext, facts: SpanFacts | None = None,
               spec: ColumnKind | None = None) -> float:
    """How much tokens `toks` read like a cell of column `kind` (NEG: cannot be one).

    A descriptive column whose value fits none of the shapes still takes a short span at a
    cost, so an unusual cell ('Midgut or unknown origin NET' under 'Setting') never makes a
    whole row unreadable; value columns take value-like text they cannot read the same way."""
    f = facts or SpanFacts(toks, ctx)
    sc = shape_score(kind, toks, ctx, f, spec)
    if sc != NEG and f.unbalanced:
        sc += ctx.st.unbalanced   # "(13 G3, 10 GEP, 4" | "GEP NECs)": cut inside a parenthesis
    return sc
