"""What the patterns found, read into a Cell: `read_cell(text)`.

Each label of patterns.json has one rule (`SPAN_RULES`): a narrative label gives its numbers
that rule; a measure (or a look-alike: "other", "follow_up") becomes a Mention, with the
landmark written inside it ("12-month OS"); a landmark, a "not reached" and a "primary
endpoint" are kept as spans. Then the rules that look at what is around the spans: ranges in
parentheses after a value, arms named after a measure, landmarks after a value or a measure,
and dates.
"""
from __future__ import annotations

import re

from ...normalize.units import time_unit, to_months
from .nlp import cell_matcher, nlp_and_matcher
from .tokens import MEASURES, RATE_MEASURES, VS_WORDS, Cell, Mention, number

# pattern labels whose numbers are narrative, under the label's own name (vocab.NARRATIVE_RULES)
NARRATIVE_LABELS = {"threshold", "assessment_time", "criteria_version", "non_responder_count", "responder_count", "dose",
                    "confidence_interval", "sample_size", "grade"}
# single-token look-alikes that are a prefix of a name when a hyphen follows ("PD-L1", "PR-104")
_HYPHEN_PREFIXES = {"pd", "pr", "cr", "sd"}

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

_ANY_YEAR = re.compile(_YEAR)


def read_cell(text: str) -> Cell:
    """One outcome cell tokenised, with what the patterns and the span rules found."""
    nlp, _all_patterns = nlp_and_matcher()
    cell = Cell(text, nlp)
    for sp in matched_spans(cell, cell_matcher(set(cell.lower), set(cell.words))):
        if not _hyphen_prefix(cell, sp):
            SPAN_RULES.get(sp.label_, _ignore)(cell, sp)
    mark_intervals(cell)
    _not_reached_bound(cell)
    for m in cell.mentions:
        m.arms = arms_named_after(cell, m.end)
    _landmark_after_percentage(cell)
    _duration_after_rate(cell)
    _landmark_after_measure(cell)
    _landmark_headings(cell)
    mark_dates(cell)
    return cell


def matched_spans(cell: Cell, matcher) -> list:
    """The longest non-overlapping matches, in text order (none without a matcher: no
    pattern can match the cell)."""
    from spacy.util import filter_spans

    if matcher is None:
        return []
    spans = filter_spans(matcher(cell.doc, as_spans=True))
    return sorted(spans, key=lambda s: s.start)


def _hyphen_prefix(cell: Cell, sp) -> bool:
    """'PD' of 'PD-L1': a one-token look-alike that is the start of a name."""
    return (sp.label_ == "other" and sp.end - sp.start == 1 and cell.lower[sp.start] in _HYPHEN_PREFIXES
            and sp.end < len(cell.words) and cell.words[sp.end] == "-")


# ------------------------------------------------------------------ one rule per pattern label
def _ignore(cell: Cell, sp) -> None:
    """A label the grammar reads through other rules (or not at all)."""


def _narrative_span(cell: Cell, sp) -> None:
    """'Ki-67 >= 10%', 'RECIST 1.1': the span's numbers are narrative under its label."""
    cell.mark(sp.start, sp.end, sp.label_)


def _confidence_interval(cell: Cell, sp) -> None:
    """'95% CI' and the bounds that follow, up to the closing parenthesis: '(95% CI, 4.1-7.0)'."""
    _narrative_span(cell, sp)
    k = sp.end
    while k < len(cell.words) and cell.words[k] not in (")", ";", "]") and k < sp.end + 8:
        if cell.is_num(k):
            cell.role[k] = sp.label_
        k += 1


def _measure_span(cell: Cell, sp) -> None:
    """A measure or a look-alike named; a number inside a rate's name is its landmark ('6-mo PFS',
    '12-week DCR')."""
    m = Mention(sp.label_, sp.start, sp.end)
    nums = cell.nums_in(sp.start, sp.end)
    if nums and sp.label_ in ("pfs_rate", "os_rate") and nums[0] > 0 and cell.lower[nums[0] - 1] in VS_WORDS:
        # "PFS 12.2 vs. 8.1 weeks OS 6.4 vs. 3.9 months": the number after "vs." is the
        # comparison's second value, no landmark of the measure named after its unit
        head = next((i for i in range(nums[0] + 1, sp.end) if not time_unit(cell.lower[i])), sp.end)
        if head < sp.end:
            cell.mentions.append(Mention(_MEDIAN_OF[sp.label_], head, sp.end))
        return
    if nums and sp.label_ in RATE_MEASURES:
        unit = next((time_unit(cell.lower[i]) for i in range(nums[0] + 1, sp.end)
                     if time_unit(cell.lower[i])), "months")
        m.tp_months = round(to_months(number(cell.words[nums[0]]), unit), 4)
        for i in nums:
            cell.role[i] = "timepoint_of_measure"
    cell.mentions.append(m)


_MEDIAN_OF = {"pfs_rate": "pfs_median", "os_rate": "os_median"}


def _timepoint_span(cell: Cell, sp) -> None:
    """'at 12 weeks', '1 year': a landmark, in months."""
    nums = cell.nums_in(sp.start, sp.end)
    unit = time_unit(cell.lower[sp.end - 1]) or "months"
    if nums:
        cell.timepoints.append((sp.start, sp.end, round(to_months(number(cell.words[nums[0]]), unit), 4)))


def _not_reached_span(cell: Cell, sp) -> None:
    cell.nr_spans.append((sp.start, sp.end))


def _endpoint_span(cell: Cell, sp) -> None:
    cell.pe_spans.append((sp.start, sp.end))


SPAN_RULES = {
    **{label: _narrative_span for label in NARRATIVE_LABELS},
    "confidence_interval": _confidence_interval,
    **{label: _measure_span for label in (*sorted(MEASURES), "other", "follow_up")},
    "timepoint": _timepoint_span,
    "not_reached": _not_reached_span,
    "primary_endpoint": _endpoint_span,
}


# ------------------------------------------------------------------ rules around the spans
def arms_named_after(cell: Cell, i: int) -> tuple[str, ...] | None:
    """'(durva vs. placebo)' right after a measure's name: the arms its values are for."""
    w = cell.words
    if i >= len(w) or w[i] != "(":
        return None
    close = next((x for x in range(i + 1, min(len(w), i + 14)) if w[x] == ")"), None)
    if close is None or any(cell.is_num(x) for x in range(i + 1, close)):
        return None
    cuts = [x for x in range(i + 1, close) if cell.lower[x] in VS_WORDS]
    if not cuts:
        return None
    bounds = [i + 1, *cuts, close]
    names = [cell.text_of(bounds[k] + (k > 0), bounds[k + 1]) for k in range(len(bounds) - 1)
             if bounds[k + 1] > bounds[k] + (k > 0)]
    return tuple(names) if len(names) == len(cuts) + 1 else None


def _range_bound(cell: Cell, k: int, nr_end: dict[int, int]) -> int | None:
    """End of a range bound starting at token k ('12.4', '53 %', 'NR', 'not reached')."""
    if cell.is_num(k):
        return k + 1 + (k + 1 < len(cell.words) and cell.words[k + 1] == "%")
    return nr_end.get(k)


def _after_value(cell: Cell, i: int, nr_last: set[int]) -> bool:
    """Token i-1 ends a value: a number, a '%', a duration unit or a 'not reached'."""
    return cell.is_num(i - 1) or cell.words[i - 1] == "%" or bool(time_unit(cell.lower[i - 1])) or (i - 1) in nr_last


def mark_intervals(cell: Cell) -> None:
    """'40% (21-53%)', '4.1 mo (3.2-5.0)', '(10.1 to 14.2)': the bounds of a range in
    parentheses right after a value are its interval, not values of their own."""
    w = cell.words
    nr_end = dict(cell.nr_spans)
    for i in range(1, len(w) - 3):
        if w[i] not in ("(", "[") or not _after_value(cell, i, {e - 1 for e in nr_end.values()}):
            continue
        k = _range_bound(cell, i + 1, nr_end)
        if k is None or k >= len(w) or cell.lower[k] not in ("-", "to"):
            continue
        end = _range_bound(cell, k + 1, nr_end)
        if end is not None and end < len(w) and w[end] in (")", "]"):
            for x in cell.nums_in(i + 1, end):
                cell.role.setdefault(x, "interval")
            cell.nr_spans = [(a, b) for (a, b) in cell.nr_spans if not i < a < end]


def _not_reached_bound(cell: Cell) -> None:
    """'(95% CI: 4.1- not reached)': a 'not reached' closing the parentheses of a confidence
    interval is the interval's upper bound, not a median of its own."""
    keep = []
    for (a, b) in cell.nr_spans:
        opened = next((x for x in range(a - 1, -1, -1) if cell.words[x] in ("(", ")", ";")), None)
        inside_ci = opened is not None and cell.words[opened] == "(" and \
            any(cell.role.get(x) == "confidence_interval" for x in range(opened, a))
        if not (inside_ci and b < len(cell.words) and cell.words[b] in (")", "]")):
            keep.append((a, b))
    cell.nr_spans = keep


def _landmark_after_percentage(cell: Cell) -> None:
    """'41.3% at 1 year', '19% (2.5 years)': a landmark right after a percentage is the
    percentage's landmark, never a duration of its own."""
    w = cell.words
    for i in range(1, len(w) - 3):
        if w[i - 1] == "%" and w[i] == "(" and cell.is_num(i + 1) and time_unit(cell.lower[i + 2]) \
                and len(cell.lower[i + 2]) > 1 and w[i + 3] == ")":
            tp = round(to_months(number(w[i + 1]), time_unit(cell.lower[i + 2])), 4)
            cell.timepoints.append((i, i + 4, tp))
    for (a, b, _tp) in cell.timepoints:
        if a > 0 and cell.words[a - 1] == "%":
            cell.mark(a, b, "timepoint_of_measure")


def _duration_after_rate(cell: Cell) -> None:
    """'ORR 8 wk': a duration right after a rate is its landmark (a rate's value is a %)."""
    for m in cell.mentions:
        j = m.end
        if (m.label in ("orr", "dcr") and m.tp_months is None and cell.is_num(j) and j + 1 < len(cell.words)
                and time_unit(cell.lower[j + 1]) and len(cell.lower[j + 1]) > 1):
            m.tp_months = round(to_months(number(cell.words[j]), time_unit(cell.lower[j + 1])), 4)
            cell.role[j] = "timepoint_of_measure"


def _landmark_after_measure(cell: Cell) -> None:
    """A landmark right after a measure belongs to it: 'ORR at 8 weeks', 'DCR after 8 weeks';
    'PFS at 6 months' is a landmark rate, not a median."""
    for (a, b, tp) in cell.timepoints:
        prev = [m for m in cell.mentions if m.end == a or (m.end == a - 1 and cell.lower[a - 1] == "rate")]
        if prev and prev[-1].label in MEASURES:
            prev[-1].tp_months = tp
            if prev[-1].label.endswith("_median") and cell.lower[prev[-1].start] in ("pfs", "os"):
                prev[-1].label = prev[-1].label.replace("_median", "_rate")
            cell.mark(a, b, "timepoint_of_measure")


# words after '12-months' that make it a value, not a landmark heading ('12-months vs. 9-months')
_VALUE_FOLLOWERS = {*VS_WORDS, "and", "or", "in", "for", "with", "respectively", "among", "per", "at", "by"}


def _landmark_headings(cell: Cell) -> None:
    """'3-year: 62% vs. 71%', '5-year EFS: 58%', '18 month: 6%': a whole number joined by a
    hyphen to a duration word before a colon or a word, or a duration before a colon, is a
    landmark heading what follows (kept in `cell.landmarks`), never a value of its own."""
    w = cell.words
    for i in range(len(w) - 2):
        if not cell.is_num(i) or i in cell.role or "." in w[i]:
            continue
        hyphen = w[i + 1] == "-" and bool(time_unit(cell.lower[i + 2]))
        u = i + 2 if hyphen else i + 1        # "18 month: 6% vs 21%": a landmark and its colon
        nxt = cell.lower[u + 1] if u + 1 < len(w) else ""
        if (hyphen and nxt[:1].isalpha() and nxt not in _VALUE_FOLLOWERS) or (
                nxt == ":" and len(cell.lower[u]) > 1 and time_unit(cell.lower[u])):
            cell.role[i] = "timepoint_of_measure"
            cell.landmarks.append((i, u + 1, round(to_months(number(w[i]), time_unit(cell.lower[u])), 4)))


def mark_dates(cell: Cell) -> None:
    """Numbers inside a date ("Data cut-off: 2021-03-04", "(as of 03.2021)", "March
    2021") are never values: rule 'date'."""
    text = cell.norm.text
    if not _ANY_YEAR.search(text):
        return            # every date form holds a year: most cells need no scan for dates
    spans = [m.span() for m in DATE_RX.finditer(text)]
    if not spans:
        return
    for i, t in enumerate(cell.doc):
        if any(ch.isdigit() for ch in t.text) and any(a <= t.idx and t.idx + len(t.text) <= b
                                                      for a, b in spans):
            cell.role[i] = "date"
