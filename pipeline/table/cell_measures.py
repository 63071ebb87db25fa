"""One cell of an arm's row -> its measures (model.CellMeasure), each with its review flags.

A numeric column's cell is read by the first of `_NUMERIC_READERS` that knows its shape
(counts with labels, a subgroup's labelled value, a range, responders and their rate, a
plain value cell, else the outcome grammar); `measure_row` places a cell's measure in its
table, row and column (model.Measure). Pure functions of the cell text and its column.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from ..lexicon import user_dir
from ..model import CellMeasure, CellNarrative, Grid, Measure, Narrative
from ..normalize.units import to_months
from ..outcomes.cells import CellParse, CellValue, parse_value_cell
from ..outcomes.grammar.accounting import DIGITS
from ..outcomes.freetext import RATE_MEASURES, OutcomeParse, named_measure, names_other_outcome, parse_outcomes
from ..outcomes.grammar.populations import ALL_POPULATION, clean_population
from ..outcomes.review import UNNAMED_ARM, NrMeaning, cell_flags, is_nr_abbreviation, same_clause, value_flags
from .counts import count_cell, count_measures
from .header import ColumnSpec

MEASURE_OF_COLUMN = {"n_total": "n", "orr_pct": "orr", "dcr_pct": "dcr", "pfs_median": "pfs_median",
                     "os_median": "os_median", "pfs_rate": "pfs_rate", "os_rate": "os_rate"}


def measure_row(grid: Grid, row: int, column: str, m: CellMeasure, text: str, flags=()) -> Measure:
    """The measure `m` read from cell `text` of `column` on data row `row`, carrying `flags`
    (the row's and the cell's) before its own."""
    # Measure is a TypedDict: the dict written out (calling the class builds the same dict,
    # through keyword arguments, for every value of every cell)
    out: Measure = {"source": grid.source, "table": grid.label, "row": row, "measure": m.measure,
                    "population": m.population, "value": m.value, "unit": m.unit, "not_reached": m.not_reached,
                    "value_as_reported": m.value_as_reported, "unit_as_reported": m.unit_as_reported,
                    "timepoint_months": m.timepoint_months, "column": column, "start": m.start, "end": m.end,
                    "evidence": text[m.start:m.end], "flags": [*flags, *m.flags], "corrected": False}
    return out


def _listed_after(text: str, f: CellMeasure, n) -> bool:
    """Is narrative number `n` a value listed after the cohort's value `f` on its line, that no
    measure was named for ('ORR: A1, 24%; B2, 8%': the 8% of an arm whose label the grammar
    did not read, so the 24% may be an arm's too)?"""
    return n.rule == "no_measure_named" and n.start > f.end and "\n" not in text[f.end:n.start] \
        and bool(_ARM_ITEM.search(text, f.end, n.start))


# '; A1, ' before a number: the label of an item of a list of arms, written 'label, value'
_ARM_ITEM = re.compile(r"[;:]\s*[A-Z][\w+−/-]{0,15}(?:\s+[\w+−/-]{1,15})?\s*,\s*$")


def found_flags(f: CellMeasure, p: OutcomeParse, nr: NrMeaning, text: str) -> list[str]:
    """Review flags of one value the outcome grammar found in cell `text`, parsed as `p`."""
    out = [*f.flags, *value_flags(f.measure, f.value, f.value_as_reported, None)]
    if any(n.rule == "no_rule" and same_clause(text, n.start, f.start) for n in p.narrative) \
            or (f.population == "all" and any(_listed_after(text, f, n) for n in p.narrative)):
        out.append("no_rule_in_cell")
    if f.not_reached and not nr.settled and is_nr_abbreviation(f.value_as_reported):
        out.append("nr_unsettled")
    if UNNAMED_ARM.fullmatch(f.population):
        out.append("arm_unnamed")
    return out


def outcome_measures(p: OutcomeParse, nr: NrMeaning, text: str) -> list[CellMeasure]:
    """What the outcome grammar found in cell `text`, with review flags; 'NR' the table
    defines as not reported is left out (see nr_narrative)."""
    return [_with_flags(f, tuple(found_flags(f, p, nr, text))) for f in p.measures
            if not _nr_not_reported(f, nr)]


def _with_flags(f: CellMeasure, flags: tuple[str, ...]) -> CellMeasure:
    """`dataclasses.replace(f, flags=flags)` for the plain dataclass CellMeasure (no
    __post_init__, no init=False field), as a copy of its attributes: replace walks the
    dataclass fields in Python for every value of every outcome cell."""
    out = object.__new__(type(f))
    out.__dict__.update(f.__dict__)
    out.flags = flags
    return out


def _nr_not_reported(f: CellMeasure, nr: NrMeaning) -> bool:
    """An 'NR' the legend defines as not reported: no measure. 'Not reached' written out means
    what it says whatever the legend's NR is."""
    return f.not_reached and nr.meaning == "not_reported" and is_nr_abbreviation(f.value_as_reported)


_NR_TOKEN = re.compile(r"\bNR\b")


def nr_narrative(grid: Grid, row: int, column: str, text: str, measures: list[Measure]) -> list[Narrative]:
    """'NR' the legend defines as not reported: no measure, a narrative row with that reason."""
    taken = [(m["start"], m["end"]) for m in measures if m["column"] == column]
    return [Narrative(source=grid.source, table=grid.label, row=row, column=column, start=m.start(), end=m.end(),
                      text=m.group(0), rule="nr_not_reported")
            for m in _NR_TOKEN.finditer(text) if not any(s <= m.start() < e for s, e in taken)]


# ------------------------------------------------------------------ numeric cells
_NAMED_IN_PARENS = re.compile(r"\((?=[^)]*\b(?:PFS|OS|ORR|DCR|RR)\b)[^)]*\d[^)]*\)")
# "21% (G3 30%)", "7.0 mo (NEC 4.7 mo, G3 NET NR)": a subgroup's own value in parentheses
_LABELLED_IN_PARENS = re.compile(r"\([^()]*?\b(?!(?:CI|IQR|HR|range|n|N|to|vs)\b)[A-Za-z][\w-]*\s+"
                                 r"(?:\d+(?:\.\d+)?\s*(?:%|mo\b|mos\b|months?\b|m\b|wk\b|weeks?\b)|NR\b)")
_RANGE = re.compile(r"^\s*\d+(?:\.\d+)?\s*%?\s*(?:[-\u2013\u2014]|to)\s*\d+(?:\.\d+)?\s*(?:%|months?|mo)?\s*$")
_COUNT_AND_PERCENT = re.compile(r"^\s*\d+\s*\(\s*(\d+(?:\.\d+)?)\s*%\s*\)\s*$")
# "LS 19.4", "G3 44%": a value in a numeric column headed by the subgroup it is for
_LABEL_THEN_VALUE = re.compile(r"^\s*([A-Za-z][\w+/-]*(?: [A-Za-z][\w+/-]*){0,2})\s+(\d+(?:\.\d+)?\s*\S*)\s*$")
_NOT_A_LABEL = {"median", "mean", "approximately", "about", "ca", "n", "nr", "na", "vs", "versus", "total",
                "overall", "all", "not", "reached", "and", "or"}


# a value's own parenthesis after it, past its unit and footnote mark, holding one word:
# "7.4 y (EFS)", "14 m* (TTF)" (not "(CI not reported)", "(HR 0.7)")
_OWN_PAREN = re.compile(r"\s*(?:[A-Za-z]{1,6}\.?)?\s*[*†‡§¶#]*\s*\(\s*([A-Za-z][\w-]{1,10})\s*\)")
# short words of statistics, not of an outcome
_STATISTICS = frozenset({"CI", "HR", "OR", "P", "IQR", "SD", "SE", "range"})


def _other_outcome_label(label: str | None) -> bool:
    """Does a one-word label name an outcome not measured here ('EFS', 'TTF'; not 'CI', 'HR')?"""
    return bool(label) and " " not in label and label not in _STATISTICS and names_other_outcome(label)


def other_outcome_after(text: str, end: int) -> bool:
    """Does the value ending at `end` name another outcome in its own parenthesis ('7.4 y (EFS)'
    in a median PFS column, '21 m (TTF)')? Then it is that outcome's value, not the column's."""
    m = _OWN_PAREN.match(text, end)
    return m is not None and _other_outcome_label(m.group(1))


def unread_numbers(text: str, found: list[CellMeasure], spec: ColumnSpec,
                   labels: list[str] | None) -> list[CellNarrative]:
    """The numbers of value cell `text` that no measure of `found` covers ('17,6%', '83% at 3 y',
    the '0.70' of '7.3 vs. 5.9 (HR 0.70)'), each with the rule the outcome grammar gives it
    when the cell is read as text ('no_rule' where that reading makes it a measure the cell
    reader did not keep): nothing of a value cell is left out silently."""
    covered = [(f.start, f.end) for f in found]
    loose = [m.span() for m in DIGITS.finditer(text)
             if not any(cs <= m.start() and m.end() <= ce for cs, ce in covered)]
    if not loose:
        return []
    p = _text_reading(text, tuple(labels) if labels else None, MEASURE_OF_COLUMN[spec.canonical], spec.unit,
                      user_dir())
    rules = {(nv.start, nv.end): nv.rule for nv in p.narrative}
    return [CellNarrative(s, e, text[s:e], "other_outcome" if other_outcome_after(text, e)
                          else rules.get((s, e), "no_rule")) for s, e in loose]


def labelled_value(text: str) -> tuple[str, int] | None:
    """('LS', offset of the value) for 'LS 19.4'; None when the words before the value are no
    subgroup's name (a measure's name, 'median', 'NR', or an outcome not measured here: 'HR 0.72'
    is a hazard ratio, not the value of a subgroup called HR)."""
    m = _LABEL_THEN_VALUE.match(text)
    if m is None or any(w.lower().rstrip(".") in _NOT_A_LABEL for w in m.group(1).split()) \
            or named_measure(m.group(1)) is not None or names_other_outcome(m.group(1)):
        return None
    return m.group(1), m.start(2)


# "Site A 11% Site B 19% PD-L1 > 1 44%": subgroups each heading its value, one after another
_SEQ_LABEL = r"[A-Za-z][\w+/-]*(?: [A-Za-z][\w+/-]*){0,2}(?:\s*(?:>=|<=|[><≥≤])\s*\d+(?:\.\d+)?\s*%?)?"
_SEQ_VALUE = r"(?:\d+(?:\.\d+)?(?:\s*(?:%|mo\b|mos\b|months?\b|wks?\b|weeks?\b))?|NR\b)"
_SEQ_PAIR = re.compile(rf"\s*[,;]?\s*({_SEQ_LABEL})\s+({_SEQ_VALUE})")
# "All: 14 AB: 31": each subgroup's label with a colon and a bare number, the next label or the end after it
_SEQ_COLON_PAIR = re.compile(rf"\s*[,;]?\s*({_SEQ_LABEL}):\s+(\d+(?:\.\d+)?)(?=\s+[A-Z]|\s*$)")


# "17% Site A 11%": the whole cohort's value first, without a label, a subgroup's label after it
_LEAD_VALUE = re.compile(rf"\s*({_SEQ_VALUE})(?=\s+[A-Za-z])")
_VALUE_UNIT = re.compile(r"^[\d.\s]*")


def labelled_values(text: str) -> list[tuple[str, int, int]] | None:
    """'All patients 17% Site A 11% PD-L1 > 1 44%' -> (population, start, end) of each value,
    'all' for a label naming the whole cohort; None unless the cell is two or more such pairs
    and nothing else, each label a subgroup's name (no measure, no 'median'), every value
    written alike (all with a unit or none). A cell that opens on a value without a label
    ('17% Site A 11% Site B 19%': the label of the whole cohort dropped) gives that value to
    'all' when every value is written with the same unit: the cell ends on a value, so each
    label heads the value after it."""
    out, pos, units = [], 0, set()
    lead = _LEAD_VALUE.match(text)
    if lead is not None:
        out.append(("all", lead.start(1), lead.end(1)))
        pos = lead.end()
    while pos < len(text.rstrip()):
        m = _SEQ_PAIR.match(text, pos) or _SEQ_COLON_PAIR.match(text, pos)
        if m is None:
            return None
        label = clean_population(m.group(1))
        if ALL_POPULATION.match(label):
            label = "all"
        elif any(w.lower().rstrip(".") in _NOT_A_LABEL for w in label.split()) or named_measure(label) is not None:
            return None
        units.add(m.group(2)[-1].isdigit())
        out.append((label, m.start(2), m.end(2)))
        pos = m.end()
    if len(out) < 2 or len(units) > 1 or len({lab for lab, _, _ in out}) < len(out):
        return None
    if lead is not None and not _one_unit([text[st:en] for _, st, en in out]):
        return None           # "45% at 12 mo", "12 B 15": no subgroups after the cohort's value
    return out


def _one_unit(values: list[str]) -> bool:
    """Are values all written with one and the same unit ("20%", "13%"; "2.5 mo", "3 mo")?"""
    units = {_VALUE_UNIT.sub("", v) for v in values}
    return len(units) == 1 and "" not in units


def numeric_cell_measures(text: str, spec: ColumnSpec, labels: list[str] | None,
                          nr: NrMeaning = NrMeaning(None), listed: list[str] | None = None) -> list[CellMeasure]:
    """Measures of one numeric cell, each with its review flags (`flags`); `labels` are the
    row's arm labels (two-arm rows); `nr`: what the table says 'NR' means; `listed`: whom
    values listed without labels are for when the row has no arms (the subgroups another cell
    of the row names, in order)."""
    measure = MEASURE_OF_COLUMN[spec.canonical]
    out = _listed_values(text, spec, labels or listed, nr) or _numeric_cell_values(text, spec, labels, nr)
    # a count in parentheses the cell reader could give a subgroup is read, not doubtful
    shared = cell_flags(text, measure) if len(out) == 1 else []
    for m in out:
        flags = [*m.flags, *shared]
        if UNNAMED_ARM.fullmatch(m.population):
            flags.append("arm_unnamed")
        if m.not_reached and not nr.settled and is_nr_abbreviation(m.value_as_reported) and measure.endswith("_median"):
            flags.append("nr_unsettled")
        m.flags = tuple(flags)
    return out


_LISTED = re.compile(rf"\s*({_SEQ_VALUE})(?:\s*\((?=[^()]*\d)[^()]*\))?")    # a value, maybe its interval
_SLASH = re.compile(r"\s*/")


def listed_spans(text: str) -> list[tuple[int, int]] | None:
    """The spans of the values a cell lists with nothing but spaces or a slash between them
    ("27.0 33.0 41.0", "12% /18%"); None when the cell holds anything else."""
    spans, pos, slashes = [], 0, 0
    while pos < len(text.rstrip()):
        if spans and _SLASH.match(text, pos):
            pos, slashes = _SLASH.match(text, pos).end(), slashes + 1     # "12% /18%": one per cohort
        m = _LISTED.match(text, pos)
        if m is None:
            return None
        spans.append(m.span(1))
        pos = m.end()
    return spans if slashes in (0, len(spans) - 1) else None


def _listed_values(text: str, spec: ColumnSpec, labels: list[str] | None, nr: NrMeaning) -> list[CellMeasure] | None:
    """'27.0 33.0 41.0', '2 months 4.2 months', '12% /18%': values listed with nothing but a
    slash between them (cells stacked one per arm, a copy that kept only the line breaks), one
    per arm of the row in the order the arms are named; None unless there are as many values as
    arms."""
    spans = listed_spans(text)
    if spans is None:
        return None
    if len(spans) >= 2 and not labels:
        # "188 203", "1.7 (1.2-2.4) 3.6 (2.9-4.4)" in a row that names no arms: one value per
        # arm all the same, for a curator to name (flag arm_unnamed)
        labels = [f"arm {k + 1}" for k in range(len(spans))]
    if len(spans) < 2 or len(spans) != len(labels):
        return None
    out = []
    for (st, en), label in zip(spans, labels):
        found = _numeric_cell_values(text[st:en], spec, None, nr)
        if not found and nr.meaning == "not_reported" and is_nr_abbreviation(text[st:en]):
            continue          # "15 /NR": this arm's value is not reported; the others keep their arms
        if len(found) != 1 or found[0].population != "all":
            return None
        out.append(replace(found[0], population=label, start=found[0].start + st, end=found[0].end + st))
    return out


def _numeric_cell_values(text: str, spec: ColumnSpec, labels: list[str] | None, nr: NrMeaning) -> list[CellMeasure]:
    measure = MEASURE_OF_COLUMN[spec.canonical]
    for read in _NUMERIC_READERS:
        found = read(text, spec, measure, labels, nr)
        if found is not None:
            return found
    return []


def _labelled_counts(text, spec, measure, labels, nr) -> list[CellMeasure] | None:
    """'15 (Ib) + 133 (II)', '454 (64)' under 'n (SS)': counts with who they are."""
    counts = count_cell(text, spec.qualifier) if measure == "n" else None
    return count_measures(counts, text, labels) if counts else None


def _subgroup_value(text, spec, measure, labels, nr) -> list[CellMeasure] | None:
    """'LS 19.4': the one value of the subgroup its label names."""
    lv = labelled_value(text)
    if lv is None:
        return None
    label, off = lv
    found = _numeric_cell_values(text[off:], spec, None, nr)
    if len(found) == 1 and found[0].population == "all":
        f = found[0]
        return [replace(f, population=label, start=f.start + off, end=f.end + off)]
    return None


def _subgroup_values(text, spec, measure, labels, nr) -> list[CellMeasure] | None:
    """'All patients 17% Site A 11% Site B 19%': each value of the subgroup heading it."""
    pairs = labelled_values(text)
    return None if pairs is None else _each_groups(text, pairs, spec, nr)


def _each_groups(text: str, parts, spec: ColumnSpec, nr: NrMeaning) -> list[CellMeasure] | None:
    """The one value of each (group, start, end) span of the cell, as that group's; None
    unless each span holds exactly one value for the whole cohort."""
    out = []
    for label, st, en in parts:
        found = _numeric_cell_values(text[st:en], spec, None, nr)
        if len(found) != 1 or found[0].population != "all":
            return None
        f = found[0]
        out.append(replace(f, population=label, start=f.start + st, end=f.end + st))
    return out


def _no_value(text, spec, measure, labels, nr) -> list[CellMeasure] | None:
    """Shapes that hold no value of the column: "2008 [86]" in a count column (a year and a
    citation shifted into it), a range ("0-23", "3.5-4.1")."""
    return [] if (measure == "n" and "[" in text) or _RANGE.match(text) else None


def _responders_and_rate(text, spec, measure, labels, nr) -> list[CellMeasure] | None:
    """'9 (22.5%)' in a rate column: responders, then the rate."""
    cp = _COUNT_AND_PERCENT.match(text) if measure in RATE_MEASURES else None
    if cp is None:
        return None
    return [CellMeasure(measure=measure, population="all", value=float(cp.group(1)), unit="%", not_reached=False,
                        value_as_reported=cp.group(1), unit_as_reported="%", timepoint_months=spec.timepoint_months,
                        start=cp.start(1), end=cp.end(1))]


def _value_cell(text, spec, measure, labels, nr) -> list[CellMeasure]:
    """A plain value cell ("19.4", "7.3 vs. 5.9 (HR 0.70)", "N = 132 (66 vs. 66)"), else the
    cell read as outcome text."""
    parsed = parse_value_cell(text, nr_means_missing=measure in ("n", *RATE_MEASURES)
                              or nr.meaning == "not_reported")
    if parsed is not None and (_NAMED_IN_PARENS.search(text) or _LABELLED_IN_PARENS.search(text)):
        parsed = None        # "4.4 mo (6-mo PFS 38%)", "21% (G3 30%)": the parenthesis states more
    if parsed is None and measure != "n":
        return _as_outcome_text(text, spec, measure, labels, nr)
    if parsed is None or parsed.missing:
        return []
    return _parsed_values(parsed, spec, measure, labels)


@lru_cache(maxsize=256)
def _text_reading(text: str, labels: tuple[str, ...] | None, measure: str, unit: str | None,
                  user: str | None) -> OutcomeParse:
    """A value cell read as outcome text, its unnamed values the column's measure; asked twice
    of a cell that is no plain value (its measures, then the rules of its other numbers), so
    remembered per (cell, user lexicon folder). Read only by its callers."""
    return parse_outcomes(text, list(labels) if labels else None, default=measure,
                          default_unit="%" if measure in RATE_MEASURES else unit)


def _as_outcome_text(text, spec, measure, labels, nr) -> list[CellMeasure]:
    """Not a plain value ("OCT: 14.3 m vs. placebo: 6.0 m", "5.7 mo (43.2% 6-mo PFS)"): the
    cell read as text whose unnamed values are the column's measure."""
    p = _text_reading(text, tuple(labels) if labels else None, measure, spec.unit, user_dir())
    return [replace(f, flags=tuple(x for x in found_flags(f, p, nr, text) if x not in ("nr_unsettled", "arm_unnamed")),
                    timepoint_months=f.timepoint_months if f.timepoint_months is not None else (
                        spec.timepoint_months if f.measure == measure else None))
            for f in p.measures if f.measure != "n" and not _nr_not_reported(f, nr)
            and not other_outcome_after(text, f.end)]


# "3.1 interferon, 5.5 temsirolimus, (4.7 combination)": each value, then the arm or group it
# is, in lower case (a unit or a time word is no group's name)
_VALUE_THEN_NAME = re.compile(r"\s*\(?\s*(\d+(?:\.\d+)?\s*%?)\s+([a-z][a-z-]{2,}(?: [a-z][a-z-]{2,}){0,2})\s*\)?\s*$")
_NOT_NAMES = re.compile(r"(?i)^(?:months?|mo|mos|weeks?|wks?|days?|years?|yrs?|patients?|pts|vs|versus|and|or)\b")


def _values_then_names(text, spec, measure, labels, nr) -> list[CellMeasure] | None:
    """Values listed with the name of whose each is after it, two or more, one name each
    (see _VALUE_THEN_NAME): each value is that group's."""
    parts, pos = [], 0
    for piece in re.split(r"[,;]", text):
        m = _VALUE_THEN_NAME.fullmatch(piece)
        if m is None or _NOT_NAMES.match(m.group(2)):
            return None
        parts.append((m.group(2), pos + m.start(1), pos + m.end(1)))
        pos += len(piece) + 1
    if len(parts) < 2 or len({p[0] for p in parts}) < len(parts):
        return None
    return _each_groups(text, parts, spec, nr)


_NUMERIC_READERS = (_labelled_counts, _subgroup_value, _subgroup_values, _no_value, _responders_and_rate,
                    _values_then_names, _value_cell)


def _as_count(v: CellValue, spec: ColumnSpec):
    if v.value is not None and v.value != int(v.value):
        return None                  # a decimal is no count
    return v.value, "patients", None


def _as_rate(v: CellValue, spec: ColumnSpec):
    return v.value, "%", v.unit_as_reported or spec.unit_as_reported


def _as_median(v: CellValue, spec: ColumnSpec):
    u = v.unit if v.unit and v.unit != "%" else (spec.unit if spec.unit and spec.unit != "%" else None)
    value = None if v.not_reached else round(to_months(v.value, u), 4)
    return value, "months", v.unit_as_reported or spec.unit_as_reported


# measure of a value column -> its value, unit and unit as reported (None: not a value of it)
_NORMALISE = {"n": _as_count, "orr": _as_rate, "dcr": _as_rate, "pfs_rate": _as_rate, "os_rate": _as_rate,
              "pfs_median": _as_median, "os_median": _as_median}


def _populations(parsed: CellParse, labels: list[str] | None) -> list[str]:
    """Whom each value of a value cell is for."""
    vals = parsed.values
    own = [v.label for v in vals]
    if len(vals) > 1 and all(own) and len(set(own)) == len(own):
        return own                   # "10.9 (A) vs 5.7 (B) vs 1.5 (C)": each value names its arm
    several = len(vals) > 1 or parsed.total is not None
    return [v.subgroup if v.subgroup                     # "11.3 (PD-L1 >=1%)"
            else (labels[k] if labels and len(labels) == len(vals) else f"arm {k + 1}") if several
            else "all" for k, v in enumerate(vals)]


def _parsed_values(parsed: CellParse, spec: ColumnSpec, measure: str, labels: list[str] | None) -> list[CellMeasure]:
    out = []
    if parsed.total is not None:
        t = parsed.total
        out.append(CellMeasure(measure=measure, population="all", value=t.value, unit="patients", not_reached=False,
                               value_as_reported=t.value_as_reported, unit_as_reported=None, timepoint_months=None,
                               start=t.start, end=t.end))
    for v, pop in zip(parsed.values, _populations(parsed, labels)):
        if v.missing or (v.not_reached and not measure.endswith("_median")):
            continue             # only a median can be not reached: a count or a rate is missing
        if _other_outcome_label(v.label):
            continue             # "7.4 y (EFS)": another outcome's value (narrative other_outcome)
        normalised = _NORMALISE[measure](v, spec)
        if normalised is None:
            continue
        value, unit, rep = normalised
        out.append(CellMeasure(measure=measure, population=pop, value=value, unit=unit, not_reached=v.not_reached,
                               value_as_reported=v.value_as_reported, unit_as_reported=rep,
                               timepoint_months=spec.timepoint_months, start=v.start, end=v.end,
                               flags=tuple(value_flags(measure, value, v.value_as_reported, v.unit, measure))))
    return out
