"""Grid -> arms: map columns to the contract, fill spanned cells down, derive fields.

Pure functions: `grid_to_arms(grid)` returns the arm records (dicts with the contract's
arms columns) and the measures read from numeric cells and free-text outcome cells.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace

from ..model import Grid
from ..normalize.abbreviations import inline_definitions, parse_legend
from ..normalize.drugs import lexicon_abbreviations, regimen_drugs
from ..normalize.refs import split_citation
from ..normalize.text import clean
from ..normalize.units import to_months
from ..outcomes.cells import endpoint_may_hold_results, parse_value_cell, states_results
from ..outcomes.freetext import OutcomeParse, named_measure, parse_outcomes
from ..outcomes.review import (MISFIT_FLAGS, UNNAMED_ARM, NrMeaning, cell_flags, consistency_flags, is_nr_abbreviation, nr_meaning,
                               same_clause,
                               ordered, repeat_flags, value_flags)
from .counts import count_cell, counts_in_text, label_n_equals
from .header import MEASURE_COLUMNS, ColumnSpec, classify_header, table_specs

# descriptive columns whose empty cells are filled from the row above (a cell spanning down)
FILLABLE = ("trial_id", "study", "target", "agent", "line", "phase",
            "primary_sites", "ref", "population", "primary_endpoint", "extra")
# The treatment is filled only on a row that names no arm of its own (its trial and agent cells
# span down too: "2L | 120 | 22.5%" under the row of its regimen); a row with an agent or a
# trial of its own and no regimen is not the arm above ("CT1" must not become "Avelumab"). A
# treatment cell the reader marks as spanned (HTML rowspan) is always copied.
_ARM_NAMING = ("trial_id", "study", "trial", "agent", "target")
NCT_RX = re.compile(r"\bNCT\s?\d{8}(?!\d)")
PHASE_MAP = {"1": "I", "2": "II", "3": "III", "4": "IV", "i": "I", "ii": "II", "iii": "III",
             "iv": "IV", "0": "0"}
ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3,
           "4th": 4, "5th": 5, "1l": 1, "2l": 2, "3l": 3, "later": None}
MEASURE_OF_COLUMN = {"n_total": "n", "orr_pct": "orr", "dcr_pct": "dcr", "pfs_median": "pfs_median",
                     "os_median": "os_median", "pfs_rate": "pfs_rate", "os_rate": "os_rate"}
ARM_VALUE_COLUMN = {"n": "n_total", "orr": "orr_pct", "dcr": "dcr_pct",
                    "pfs_median": "pfs_median_months", "os_median": "os_median_months"}


@dataclass
class TableResult:
    arms: list[dict] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)
    narrative: list[dict] = field(default_factory=list)
    abbreviations: list[dict] = field(default_factory=list)


def resolve_specs(grid: Grid) -> list[ColumnSpec]:
    """Classify headers; 'trial' becomes trial_id when its cells are NCT ids, else study;
    a second column of the same canonical name is kept as extra."""
    specs = table_specs(grid.header)
    out: list[ColumnSpec] = []
    seen: set[str] = set()
    for j, sp in enumerate(specs):
        canon = sp.canonical
        if canon == "trial":
            cells = [r.cells[j].text for r in grid.rows if not r.section and j < len(r.cells) and r.cells[j]]
            nct = sum(1 for c in cells if NCT_RX.search(c))
            canon = "trial_id" if cells and nct * 2 >= len(cells) and "trial_id" not in seen else "study"
        elif canon in ("extra", "ref") and "trial_id" not in seen and "trial_id" not in (s.canonical for s in specs):
            # a column of ClinicalTrials.gov ids under another name ("Reference number")
            cells = [r.cells[j].text for r in grid.rows if not r.section and j < len(r.cells) and r.cells[j]]
            if cells and all(NCT_RX.fullmatch(c.strip()) for c in cells):
                canon = "trial_id"
        key = f"{canon}@{sp.timepoint_months}" if canon in ("pfs_rate", "os_rate") else canon
        if key in seen and canon not in ("extra", "other"):
            canon = "extra"
        seen.add(key)
        out.append(replace(sp, canonical=canon))
    return out


def parse_line(text: str | None) -> int | None:
    if not text:
        return None
    t = clean(text).lower()
    m = re.search(r"\b(first|second|third|fourth|later|1st|2nd|3rd|[4-9]th|1l|2l|3l)\b", t)
    if m:
        return ORDINAL.get(m.group(1))
    m = re.match(r"^(?:>=?\s*)?(\d)(?:st|nd|rd|th)?\b", t)
    return int(m.group(1)) if m else None


_PHASE_NUM = r"(?:iv|i{1,3}|[0-4])[ab]?"
# "Phase II", "Ib/II", "I-II", "Phase Ib/phase II", "III/ ≥3L" (a phase then the line), "II randomized"
_PHASE_CELL = re.compile(rf"^(?:phase\s*)?({_PHASE_NUM}(?:\s*(?:/|-|–|to)\s*(?:phase\s*)?{_PHASE_NUM})?)"
                         rf"(?![\w])\s*(.*)$", re.I)


def parse_phase(text: str | None) -> tuple[str | None, str | None]:
    """'II (randomized parallel arms)' -> ('II', 'randomized parallel arms'); 'I-II' -> ('I/II',
    None); 'Ib' -> ('I', None) (the fixed phase set has no sub-phases); 'II randomized' -> ('II', 'randomized'); '–' -> (None, None)."""
    if not text:
        return None, None
    t = clean(text)
    m = _PHASE_CELL.match(t)
    if not m or (m.group(2) and not re.match(r"^[,;]?\s*(?:\(.*\)|[A-Za-z][A-Za-z ,;-]*|/.*)$", m.group(2).strip())):
        # "Retrospective", "Real-world" in a Phase column: no phase, the text is the design
        return (None, t) if re.fullmatch(r"(?i)[a-z][a-z -]+\.?", t) and t not in ("NA", "N/A") else (None, None)
    parts = []
    for p in re.split(r"\s*(?:/|-|–|to)\s*(?:phase\s*)?", m.group(1), flags=re.I):
        core = re.sub(r"[ab]$", "", p, flags=re.I)
        parts.append(PHASE_MAP.get(core.lower(), core.upper()))
    rest = m.group(2).strip().lstrip(",;").strip()
    if rest.startswith("/"):
        rest = ""                      # "III/ ≥3L": the line, read by parse_line
    rest = rest[1:-1].strip() if rest.startswith("(") and rest.endswith(")") else rest
    design = rest or None
    return "/".join(dict.fromkeys(parts)), design


def split_sites(text: str | None) -> list[str]:
    if not text:
        return []
    return [p for p in (s.strip() for s in re.split(r"\s*(?:,|/|;|\bor\b|\band\b)\s*", clean(text))) if p]


_DOSE_UNITS = r"mg/kg|mg/m2|mg/m²|mg|g|µg|mcg|gy|iu"
_DOSE_ONLY = re.compile(rf"^(\d[\d,.]*)\s*({_DOSE_UNITS})$", re.I)
_SCHEDULE = r"(?:every|q)\s*\d+\s*(?:weeks?|days?|wks?|w|d)|q\d+w|weekly|daily"
_SCHEDULE_TAIL = re.compile(rf"(?:\s+(\d[\d,.]*\s*(?:{_DOSE_UNITS})))?\s+({_SCHEDULE})$", re.I)
_ARM_TAIL = re.compile(rf"\s+(?:\d[\d,.]*\s*(?:{_DOSE_UNITS})\s+(?:{_SCHEDULE})|phase\s+(?:iv|i{{1,3}}|[1-4])(?:/(?:iv|i{{1,3}}|[1-4]))?)$", re.I)


def arm_labels(treatment: str | None) -> list[str] | None:
    """'Sintilimab + CAPOX vs. placebo + CAPOX' -> the two arm labels; None for one arm."""
    if not treatment:
        return None
    parts = re.split(r"\s+(?:vs\.?|versus|VS\.?)\s+", clean(treatment))
    if len(parts) < 2:
        return None
    letters = [re.search(r"\(([A-Z]|[0-9])\)$", p) for p in parts]
    if all(letters):
        # "Drug 3 mg/kg (A) vs drug + vaccine (B) vs vaccine (C)": the arms are named A, B, C
        return [m.group(1) for m in letters]
    first = parts[0]
    if all(_DOSE_ONLY.match(p) for p in parts[1:]):
        # "Drug 2 vs 10 mg/kg", "Drug 15 mg/kg vs. 1,200 mg": arms of one drug, named by dose
        m = re.search(r"(\d[\d,.]*)\s*(" + _DOSE_UNITS + r")?$", first)
        unit = _DOSE_ONLY.match(parts[-1]).group(2)
        if m:
            return [f"{m.group(1)} {m.group(2) or unit}"] + parts[1:]
    m = _SCHEDULE_TAIL.search(first)
    if m and any(p.lower().startswith(("every", "q")) and _SCHEDULE_TAIL.fullmatch(" " + p) for p in parts[1:]):
        # "Drug 10 mg/kg every 2 weeks vs every 3 weeks": arms of one drug, named by schedule
        drug = first[:m.start()].strip()
        sched = m.group(2)
        return [f"{drug} {sched}".strip()] + [f"{drug} {p}" if _SCHEDULE_TAIL.fullmatch(" " + p) else p
                                              for p in parts[1:]]
    # a dose and schedule, or the trial's phase, written after an arm's name are no part of it
    # ("Octreotide LAR 30 mg every 28 days", "gemcitabine-docetaxel phase III")
    return [_ARM_TAIL.sub("", p).strip() or p for p in parts]


_ARM_LABEL = re.compile(r"(?<![\w-])((?:Part|Arm|Cohort|Group)\s+[A-Z0-9]{1,2})\s*:")


def labelled_arms(treatment: str | None) -> list[str] | None:
    """'Part A: Pembro Part B: Pembro + CT' -> ['Part A', 'Part B'] (arms named by a label)."""
    found = _ARM_LABEL.findall(clean(treatment or ""))
    return found if len(found) > 1 else None


def _measure_row(source, table, row, column, measure, population, value, unit, not_reached,
                 as_reported, unit_rep, tp, start, end, text, flags=()) -> dict:
    return dict(source=source, table=table, row=row, measure=measure, population=population,
                value=value, unit=unit, not_reached=not_reached, value_as_reported=as_reported,
                unit_as_reported=unit_rep, timepoint_months=tp, column=column, start=start, end=end,
                evidence=text[start:end], flags=list(flags), corrected=False)


_NAMED_IN_PARENS = re.compile(r"\((?=[^)]*\b(?:PFS|OS|ORR|DCR|RR)\b)[^)]*\d[^)]*\)")
# "21% (G3 30%)", "7.0 mo (NEC 4.7 mo, G3 NET NR)": a subgroup's own value in parentheses
_LABELLED_IN_PARENS = re.compile(r"\([^()]*?\b(?!(?:CI|IQR|HR|range|n|N|to|vs)\b)[A-Za-z][\w-]*\s+"
                                 r"(?:\d+(?:\.\d+)?\s*(?:%|mo\b|mos\b|months?\b|m\b|wk\b|weeks?\b)|NR\b)")


def _found_rows(grid: Grid, row: int, column: str, text: str, p: OutcomeParse, nr: NrMeaning,
                row_flags=()) -> list[dict]:
    """Measures rows for what the outcome grammar found in one cell of `column`, with their
    review flags; 'NR' the table defines as not reported is left out (see _nr_narrative)."""
    return [_measure_row(grid.source, grid.label, row, column, f.measure, f.population, f.value, f.unit,
                         f.not_reached, f.value_as_reported, f.unit_as_reported, f.timepoint_months,
                         f.start, f.end, text, (*row_flags, *found_flags(f, p, nr, text)))
            for f in p.measures if not (f.not_reached and nr.meaning == "not_reported")]


def _count_rows(counts, labels: list[str] | None = None) -> list[dict]:
    out = []
    for c in counts:
        pop = c.label or "all"
        if labels and c.label and len(c.label) <= 2:
            # "14 (A) 22 (B)" with arms "Part A: ..." / "Part B: ...": the arm's own label
            pop = next((lab for lab in labels if lab.split()[-1] == c.label), pop)
        out.append(dict(measure="n", population=pop, value=float(c.value), unit="patients", not_reached=False,
                        as_reported=str(c.value), unit_rep=None, tp=None, start=c.start, end=c.end))
    return out
# "454 (64)" under "n (SS)", "142 (109 BRAF wild-type)": a cohort's count and, in parentheses,
# the count of a subgroup the header or the parenthesis names
_COUNT_AND_SUBGROUP = re.compile(r"^\s*(\d+)\s*\(\s*(\d+)\s*([A-Za-z][^()%]*?)?\s*\)\s*$")


def subgroup_count_measures(text: str, qualifier: str | None) -> list[dict] | None:
    """The total and the subgroup's count of a count cell written 'total (subgroup count)',
    or None when the cell is not written so (or no label says who the subgroup is)."""
    m = _COUNT_AND_SUBGROUP.match(text)
    if m is None:
        return None
    label = (m.group(3) or "").strip() or qualifier
    total, sub = int(m.group(1)), int(m.group(2))
    if not label or not 0 < sub <= total:
        return None
    return [dict(measure="n", population=pop, value=float(v), unit="patients", not_reached=False,
                 as_reported=str(v), unit_rep=None, tp=None, start=m.start(g), end=m.end(g))
            for pop, v, g in (("all", total, 1), (label, sub, 2))]


_N_EQUALS = re.compile(r"(?<![\w.])[Nn]\s*=\s*(\d+)(?![\d.])")


def population_count(text: str) -> list[dict]:
    """'Advanced BTC, second line, N = 54': the one count a population cell states is the
    cohort's (two or more counts are subgroups no label names: none is taken)."""
    found = list(_N_EQUALS.finditer(text))
    if len(found) != 1 or int(found[0].group(1)) < 1:
        return []
    m = found[0]
    return [dict(measure="n", population="all", value=float(m.group(1)), unit="patients", not_reached=False,
                 as_reported=m.group(1), unit_rep=None, tp=None, start=m.start(1), end=m.end(1))]


# patients per site written in a primary-site cell: "GEP (14)/L (1)/U(3)", "93 lung LC-NEC
# 92 GEP NECs", "NENs any site (13 G3, 10 GEP)"; a share ("GEP (70%)") or "NR" is no count
_SITE_THEN_COUNT = re.compile(r"([A-Za-z][\w+-]*(?: [A-Za-z][\w+-]*){0,2})\s*\(\s*(\d+)\s*\)")
_COUNT_THEN_SITE = re.compile(r"(?<![\w.%-])(\d+)\s+([A-Za-z][\w+-]*(?: [A-Za-z][\w+-]*){0,2})")


def site_counts(text: str) -> list[dict]:
    """The n of each site a primary-site cell counts, with the site as the population."""
    found = [(m.group(1), m.start(2), m.end(2)) for m in _SITE_THEN_COUNT.finditer(text)]
    if not found:
        found = [(m.group(2), m.start(1), m.end(1)) for m in _COUNT_THEN_SITE.finditer(text)
                 if not re.match(r"(?i)(?:patients?|pts|cases|of|and|or|months?|weeks?|mg|%)\b", m.group(2))]
    out = []
    for label, st, en in found:
        label = label.strip()
        value = int(text[st:en])
        if value < 1 or not label or label.upper() in ("NR", "NA", "N"):
            continue
        out.append(dict(measure="n", population=label, value=float(value), unit="patients", not_reached=False,
                        as_reported=text[st:en], unit_rep=None, tp=None, start=st, end=en))
    return out if len({f["population"] for f in out}) == len(out) else []


_RANGE = re.compile(r"^\s*\d+(?:\.\d+)?\s*%?\s*(?:[-\u2013\u2014]|to)\s*\d+(?:\.\d+)?\s*(?:%|months?|mo)?\s*$")
_COUNT_AND_PERCENT = re.compile(r"^\s*\d+\s*\(\s*(\d+(?:\.\d+)?)\s*%\s*\)\s*$")
# "SS 21.1", "G3 44%": a value in a numeric column headed by the subgroup it is for
_LABEL_THEN_VALUE = re.compile(r"^\s*([A-Za-z][\w+/-]*(?: [A-Za-z][\w+/-]*){0,2})\s+(\d+(?:\.\d+)?\s*\S*)\s*$")
_NOT_A_LABEL = {"median", "mean", "approximately", "about", "ca", "n", "nr", "na", "vs", "versus", "total",
                "overall", "all", "not", "reached", "and", "or"}


def labelled_value(text: str) -> tuple[str, int] | None:
    """('SS', offset of the value) for 'SS 21.1'; None when the words before the value are no
    subgroup's name (a measure's name, 'median', 'NR')."""
    m = _LABEL_THEN_VALUE.match(text)
    if m is None or any(w.lower().rstrip(".") in _NOT_A_LABEL for w in m.group(1).split()) \
            or named_measure(m.group(1)) is not None:
        return None
    return m.group(1), m.start(2)


def found_flags(f, p: OutcomeParse, nr: NrMeaning, text: str) -> list[str]:
    """Review flags of one value the outcome grammar found in cell `text`, parsed as `p`."""
    out = [*f.flags, *value_flags(f.measure, f.value, f.value_as_reported, None)]
    if any(n.rule == "no_rule" and same_clause(text, n.start, f.start) for n in p.narrative):
        out.append("no_rule_in_cell")
    if f.not_reached and not nr.settled and is_nr_abbreviation(f.value_as_reported):
        out.append("nr_unsettled")
    if UNNAMED_ARM.fullmatch(f.population):
        out.append("arm_unnamed")
    return out


_NR_TOKEN = re.compile(r"\bNR\b")


def _nr_narrative(grid: Grid, row: int, column: str, text: str, measures: list[dict]) -> list[dict]:
    """'NR' the legend defines as not reported: no measure, a narrative row with that reason."""
    taken = [(m["start"], m["end"]) for m in measures if m["column"] == column]
    return [dict(source=grid.source, table=grid.label, row=row, column=column, start=m.start(), end=m.end(),
                 text=m.group(0), rule="nr_not_reported")
            for m in _NR_TOKEN.finditer(text) if not any(s <= m.start() < e for s, e in taken)]


def numeric_cell_measures(text: str, spec: ColumnSpec, labels: list[str] | None,
                          nr: NrMeaning = NrMeaning(None)) -> list[dict]:
    """Measures of one numeric cell, each with its review flags (`flags`); `labels` are the
    row's arm labels (two-arm rows); `nr`: what the table says 'NR' means."""
    measure = MEASURE_OF_COLUMN[spec.canonical]
    out = _numeric_cell_values(text, spec, labels, nr)
    # a count in parentheses the cell reader could give a subgroup is read, not doubtful
    shared = cell_flags(text, measure) if len(out) == 1 else []
    for m in out:
        m["flags"] = [*m.get("flags", ()), *shared]
        if UNNAMED_ARM.fullmatch(m["population"]):
            m["flags"].append("arm_unnamed")
        if m["not_reached"] and not nr.settled and is_nr_abbreviation(m["as_reported"]) and measure.endswith("_median"):
            m["flags"].append("nr_unsettled")
    return out


def _numeric_cell_values(text: str, spec: ColumnSpec, labels: list[str] | None, nr: NrMeaning) -> list[dict]:
    measure = MEASURE_OF_COLUMN[spec.canonical]
    if measure == "n":
        counts = count_cell(text, spec.qualifier)
        if counts:
            return _count_rows(counts, labels)
        found = subgroup_count_measures(text, spec.qualifier)
        if found is not None:
            return found
    lv = labelled_value(text)
    if lv is not None:
        label, off = lv
        found = _numeric_cell_values(text[off:], spec, None, nr)
        if len(found) == 1 and found[0]["population"] == "all":
            return [{**found[0], "population": label, "start": found[0]["start"] + off,
                     "end": found[0]["end"] + off}]
    if measure == "n" and "[" in text:
        return []            # "2008 [86]": a year and a citation shifted into the count column
    if _RANGE.match(text):
        return []            # "0-23", "3.5-4.1": a range is no value of the column
    rate = measure in ("orr", "dcr", "pfs_rate", "os_rate")
    cp = _COUNT_AND_PERCENT.match(text) if rate else None
    if cp:
        # "9 (22.5%)" in a rate column: responders, then the rate
        return [dict(measure=measure, population="all", value=float(cp.group(1)), unit="%", not_reached=False,
                     as_reported=cp.group(1), unit_rep="%", tp=spec.timepoint_months,
                     start=cp.start(1), end=cp.end(1))]
    parsed = parse_value_cell(text, nr_means_missing=measure in ("n", "orr", "dcr", "pfs_rate", "os_rate")
                              or nr.meaning == "not_reported")
    if parsed is not None and (_NAMED_IN_PARENS.search(text) or _LABELLED_IN_PARENS.search(text)):
        parsed = None        # "4.4 mo (6-mo PFS 38%)", "21% (G3 30%)": the parenthesis states more
    if parsed is None and measure != "n":
        # not a plain value ("OCT: 14.3 m vs. placebo: 6.0 m", "5.7 mo (43.2% 6-mo PFS)"):
        # read it as text whose unnamed values are the column's measure
        unit = "%" if measure in ("orr", "dcr", "pfs_rate", "os_rate") else spec.unit
        p = parse_outcomes(text, labels, default=measure, default_unit=unit)
        return [dict(measure=f.measure, population=f.population, value=f.value, unit=f.unit,
                     not_reached=f.not_reached, as_reported=f.value_as_reported, unit_rep=f.unit_as_reported,
                     tp=f.timepoint_months if f.timepoint_months is not None else (
                         spec.timepoint_months if f.measure == measure else None),
                     start=f.start, end=f.end,
                     flags=[x for x in found_flags(f, p, nr, text) if x not in ("nr_unsettled", "arm_unnamed")])
                for f in p.measures if f.measure != "n" and not (f.not_reached and nr.meaning == "not_reported")]
    if parsed is None or parsed.missing:
        return []
    out = []
    vals = parsed.values
    if parsed.total is not None:
        t = parsed.total
        out.append(dict(measure=measure, population="all", value=t.value, unit="patients", not_reached=False,
                        as_reported=t.value_as_reported, unit_rep=None, tp=None, start=t.start, end=t.end))
    own = [v.label for v in vals]
    own = own if len(vals) > 1 and all(own) and len(set(own)) == len(own) else None
    for k, v in enumerate(vals):
        if v.missing:
            continue
        if own:
            pop = own[k]           # "10.9 (A) vs 5.7 (B) vs 1.5 (C)": each value names its arm
        elif v.subgroup:
            pop = v.subgroup       # "11.3 (PD-L1 >=1%)"
        elif len(vals) > 1 or parsed.total is not None:
            pop = labels[k] if labels and len(labels) == len(vals) else f"arm {k + 1}"
        else:
            pop = "all"
        if measure == "n":
            value, unit, rep = v.value, "patients", None
            if value is not None and value != int(value):
                continue
        elif measure in ("orr", "dcr", "pfs_rate", "os_rate"):
            value, unit, rep = v.value, "%", v.unit_as_reported or spec.unit_as_reported
        else:
            u = v.unit if v.unit and v.unit != "%" else (spec.unit if spec.unit and spec.unit != "%" else None)
            value = None if v.not_reached else round(to_months(v.value, u), 4)
            unit, rep = "months", v.unit_as_reported or spec.unit_as_reported
        out.append(dict(measure=measure, population=pop, value=value, unit=unit, not_reached=v.not_reached,
                        as_reported=v.value_as_reported, unit_rep=rep, tp=spec.timepoint_months,
                        start=v.start, end=v.end,
                        flags=value_flags(measure, value, v.value_as_reported, v.unit, measure)))
    return out


def grid_to_arms(grid: Grid) -> TableResult:
    specs = resolve_specs(grid)
    canon = [s.canonical for s in specs]
    results_in_endpoint = endpoint_may_hold_results(canon)
    legend = parse_legend(grid.legend)
    nr = nr_meaning(legend, grid.notes)
    all_text = " ".join(c.text for r in grid.rows for c in r.cells if c is not None)
    inline = inline_definitions(all_text)
    abbrev = {**legend, **inline}
    res = TableResult()
    for short, long in legend.items():
        res.abbreviations.append(dict(source=grid.source, short=short, long=long, origin="legend"))
    for short, long in inline.items():
        if short not in legend:
            res.abbreviations.append(dict(source=grid.source, short=short, long=long, origin="inline"))
    also = frozenset(k for sp in specs for k in sp.also)
    prev: dict[int, str] = {}
    section: str | None = None
    section_line: int | None = None
    n = 0
    for r in grid.rows:
        if r.section is not None:
            section = r.section
            section_line = parse_line(section)
            prev = {}
            continue
        n += 1
        cells: dict[str, str] = {}
        texts: dict[int, str] = {}
        doubts: dict[str, tuple[str, ...]] = {}     # column -> review flags of its cell alone
        extra: dict[str, str] = {}
        filled: list[str] = []
        names_arm = any(r.cells[j] is not None and r.cells[j].text.strip() and not r.cells[j].spanned
                        for j, k in enumerate(canon) if k in _ARM_NAMING and j < len(r.cells))
        for j, sp in enumerate(specs):
            c = r.cells[j] if j < len(r.cells) else None
            kind = canon[j]
            fillable = kind in FILLABLE or kind in ("trial", "other") or (kind == "treatment" and not names_arm)
            if c is None or not c.text.strip():
                if fillable and j in prev and kind not in MEASURE_COLUMNS and kind != "outcomes_text" \
                        and not grid.explicit_spans:
                    text = prev[j]
                    if kind not in ("extra", "other", "population"):
                        filled.append(kind)
                else:
                    continue
            else:
                text = c.text
                if c.spanned and kind not in ("extra", "other", "population"):
                    filled.append(kind)
                prev[j] = text
                if c.flags:
                    doubts.setdefault(kind, c.flags)
            texts[j] = text
            if kind in ("extra", "other", "population"):
                extra[sp.header] = text
            else:
                cells[kind] = text
        for h in list(extra):
            if "outcomes_text" not in cells and _SECONDARY.match(clean(h)) and states_results(extra[h]):
                # "Secondary end points: mPFS: 1.45 m (95% CI ...); ORR: 13.7%": the row's results
                cells["outcomes_text"] = extra.pop(h)
        cells = _citations_apart(cells)
        pe = cells.get("primary_endpoint")
        pe_results = None
        if pe and _LABELLED_RESULT.match(clean(pe)):
            # "ORR: 11.9% (95% CI: 6.5-19.5)" beside a results column: the endpoint and its result
            pe_results = pe
            cells["primary_endpoint"] = clean(pe).split(":", 1)[0].strip()
        elif pe and results_in_endpoint and states_results(pe):
            # "Safety and efficacy: median OS 13.2 months (6.3-21.1); ORR 10.3%": the endpoint
            # column holds the row's results; they are its outcome text
            cells["outcomes_text"] = pe
            doubts["outcomes_text"] = doubts.get("primary_endpoint", ())
            label = pe.split(":", 1)[0].strip() if ":" in pe else None
            cells["primary_endpoint"] = label if label and len(label.split()) <= 5 else None
        res.arms.append(_arm_record(grid, r, n, section, section_line, cells, extra, filled, abbrev,
                                    has_treatment_column="treatment" in canon, also=also))
        arm = res.arms[-1]
        for short, long in lexicon_abbreviations(cells.get("treatment") or cells.get("agent"), abbrev).items():
            abbrev[short] = long
            res.abbreviations.append(dict(source=grid.source, short=short, long=long, origin="lexicon"))
        labels = arm_labels(arm["treatment"] or arm["agent"]) or labelled_arms(arm["treatment"])
        first_measure = len(res.measures)   # this row's measures are appended from here on
        source_cells: dict[str, str] = {}      # the cells measures are read from, as written
        # (numeric columns, and the others whose counts are measures: sites, population)
        for j, sp in enumerate(specs):
            if sp.canonical in MEASURE_COLUMNS and j in texts:
                text = texts[j]
                source_cells[_cell_key(sp, source_cells)] = text
                cell_ms = []
                for m in numeric_cell_measures(text, sp, labels, nr):
                    cell_ms.append(_measure_row(grid.source, grid.label, n, sp.canonical, m["measure"],
                                                m["population"], m["value"], m["unit"], m["not_reached"],
                                                m["as_reported"], m["unit_rep"], m["tp"], m["start"],
                                                m["end"], text, (*r.flags, *doubts.get(sp.canonical, ()),
                                                                 *m["flags"])))
                res.measures += cell_ms
                if nr.meaning == "not_reported":
                    res.narrative += _nr_narrative(grid, n, sp.canonical, text, cell_ms)
        for j in (j for j, k in enumerate(canon) if k == "primary_sites" and j in texts):
            found = [_measure_row(grid.source, grid.label, n, "primary_sites", **f, text=texts[j],
                                  flags=(*r.flags, *doubts.get("primary_sites", ())))
                     for f in site_counts(texts[j])]
            source_cells.update({_cell_key(specs[j], source_cells): texts[j]} if found else {})
            res.measures += found
        for j in (j for j, k in enumerate(canon) if k == "population" and j in texts):
            if not any(m["measure"] == "n" and m["population"] == "all" for m in res.measures[first_measure:]):
                found = [_measure_row(grid.source, grid.label, n, "population", **f, text=texts[j], flags=r.flags)
                         for f in population_count(texts[j])]
                source_cells.update({_cell_key(specs[j], source_cells): texts[j]} if found else {})
                res.measures += found
        counted = _subgroup_counts(grid, n, specs, texts, labels, res.measures)
        for m in counted:
            j = next(j for j, sp in enumerate(specs) if sp.canonical == m["column"] and j in texts)
            if texts[j] not in source_cells.values():
                source_cells[_cell_key(specs[j], source_cells)] = texts[j]
        res.measures += counted
        if cells.get("primary_endpoint"):
            arm["primary_endpoint"] = _clean_cell(cells["primary_endpoint"])
        if cells.get("endpoint_result"):
            # "Outcome of primary endpoint": values of the measure the row's endpoint names
            text = cells["endpoint_result"]
            named = named_measure(cells.get("primary_endpoint"))
            source_cells["endpoint_result"] = text
            if named is not None:
                measure, tp = named
                unit = "%" if measure in ("orr", "dcr", "pfs_rate", "os_rate") else None
                p = parse_outcomes(text, labels, default=measure, default_unit=unit, default_tp=tp)
                found = _found_rows(grid, n, "endpoint_result", text, p, nr,
                                    (*r.flags, *doubts.get("endpoint_result", ())))
                # a value the table also gives in the measure's own column ("OS | 2.2 vs. 1.5
                # years" beside an OS column saying the same) is one measure, not two
                seen = {(m["measure"], m["population"], m["value"]) for m in res.measures[first_measure:]}
                found = [m for m in found if (m["measure"], m["population"], m["value"]) not in seen]
                res.measures += found
                if nr.meaning == "not_reported":
                    res.narrative += _nr_narrative(grid, n, "endpoint_result", text, found)
        if pe_results:
            source_cells["primary_endpoint"] = pe_results
            p = parse_outcomes(pe_results, labels)
            found = _found_rows(grid, n, "primary_endpoint", pe_results, p, nr,
                                (*r.flags, *doubts.get("primary_endpoint", ())))
            res.measures += found
            for nv in p.narrative:
                res.narrative.append(dict(source=grid.source, table=grid.label, row=n, column="primary_endpoint",
                                          start=nv.start, end=nv.end, text=nv.text, rule=nv.rule))
        if cells.get("outcomes_text"):
            text = cells["outcomes_text"]
            p: OutcomeParse = parse_outcomes(text, labels)
            found = _found_rows(grid, n, "outcomes_text", text, p, nr, (*r.flags, *doubts.get("outcomes_text", ())))
            res.measures += found
            if nr.meaning == "not_reported":
                res.narrative += _nr_narrative(grid, n, "outcomes_text", text, found)
            for nv in p.narrative:
                res.narrative.append(dict(source=grid.source, table=grid.label, row=n, column="outcomes_text",
                                          start=nv.start, end=nv.end, text=nv.text, rule=nv.rule))
            arm["primary_endpoint"] = p.primary_endpoint or arm["primary_endpoint"]
            arm["primary_endpoint_met"] = p.primary_endpoint_met
        if labels:
            # "A: 7% B: 5%" on a row of arms "Part A" and "Part B": the arms' own names
            short = {lab.split()[-1]: lab for lab in labels if len(lab.split()) > 1}
            for m in res.measures[first_measure:]:
                if m["population"] in short:
                    m["population"] = short[m["population"]]
        row_ms = res.measures[first_measure:]
        for k, fl in consistency_flags(row_ms).items():
            row_ms[k]["flags"] += fl
        for k, fl in repeat_flags(row_ms).items():
            row_ms[k]["flags"] += fl
        if any(f in MISFIT_FLAGS for m in row_ms for f in m["flags"]):
            # a value that does not fit its column, or two that contradict each other: the
            # row's cells may sit a column off, every value of the row is in doubt
            arm["flags"] = ordered([*arm["flags"], "row_values_misfit"])
            for m in row_ms:
                m["flags"].append("row_values_misfit")
        for m in row_ms:
            m["flags"] = ordered(m["flags"])
        arm["cells"] = json.dumps(source_cells, ensure_ascii=False) if source_cells else None
        _summarise(arm, row_ms)
    _trial_totals(res)
    _one_row_per_arm(res)
    return res


_TRIAL_KINDS = ("trial_id", "study", "trial")


def _trial_totals(res: TableResult) -> None:
    """A count on the first arm row of a trial whose next rows are its other arms (their trial
    cell spans down from it) and state no count of their own is the whole trial's: population
    'trial total', not the arm's ("SKYSCRAPER-9 | III | 490 | ... | arm A" over "| arm B |")."""
    counted = {m["row"] for m in res.measures if m["measure"] == "n"}
    arms = res.arms
    for k, arm in enumerate(arms[:-1]):
        if any(f in _TRIAL_KINDS for f in arm["filled"]):
            continue
        nxt = arms[k + 1]
        if not any(f in _TRIAL_KINDS for f in nxt["filled"]) or nxt["row"] in counted:
            continue
        totals = [m for m in res.measures if m["row"] == arm["row"] and m["measure"] == "n"]
        if len(totals) == 1 and totals[0]["population"] == "all":
            totals[0]["population"] = "trial total"
            arm["n_total"] = None            # the arm's own cohort is not stated


def _one_row_per_arm(res: TableResult) -> None:
    """A row whose treatment names k arms ("Drug A vs. placebo") followed by k-1 rows that
    take their treatment from it (the cell spans down) and hold one value per cell: one row
    per arm, in the order the treatment names them, so each row's values are its arm's
    ("... | Drug A vs. placebo | III | 138 | 1 | 3.7" over "| 139 | 5 | 6.6")."""
    arms = res.arms
    k = 0
    while k < len(arms):
        labels = arm_labels(arms[k]["treatment"]) if "treatment" not in arms[k]["filled"] else None
        run = arms[k:k + len(labels)] if labels else []
        if not labels or len(run) < len(labels) or any(
                "treatment" not in a["filled"] or a["treatment"] != arms[k]["treatment"] for a in run[1:]):
            k += 1
            continue
        rows = {a["row"]: lab for a, lab in zip(run, labels)}
        ms = [m for m in res.measures if m["row"] in rows]
        if ms and all(m["population"] == "all" for m in ms):
            for m in ms:
                m["population"] = rows[m["row"]]
        k += len(labels)


_ROW_LABEL = re.compile(r"(?<![\w-])([A-Za-z][\w-]{0,15})\s*:")


def _subgroup_counts(grid: Grid, n: int, specs, texts: dict[int, str], labels, measures) -> list[dict]:
    """Counts a site or population cell holds ("93 lung LC-NEC 92 GEP NECs", "... N = 54")."""
    have = {(m["population"], m["value"]) for m in measures
            if m["row"] == n and m["measure"] == "n" and m["source"] == grid.source and m["table"] == grid.label}
    has_total = any(p == "all" for p, _ in have)
    known = [m.group(1) for j, sp in enumerate(specs) if sp.is_measure and j in texts
             for m in _ROW_LABEL.finditer(texts[j])]
    out = []
    for j, sp in enumerate(specs):
        if sp.canonical not in ("primary_sites", "population") or j not in texts:
            continue
        text = texts[j]
        counts = label_n_equals(text, counts_in_text(text), known)
        if has_total:
            counts = [c for c in counts if c.label is not None]
        for m in _count_rows(counts, labels):
            if (m["population"], m["value"]) in have:
                continue
            have.add((m["population"], m["value"]))
            out.append(_measure_row(grid.source, grid.label, n, sp.canonical, "n", m["population"], m["value"],
                                    "patients", False, m["as_reported"], None, None, m["start"], m["end"], text))
    return out


def _arm_record(grid: Grid, r, n: int, section, section_line, cells: dict[str, str],
                extra: dict[str, str], filled: list[str], abbrev: dict[str, str],
                has_treatment_column: bool = True, also: frozenset[str] = frozenset()) -> dict:
    """`also`: columns the headers say other cells hold too ("Trial name/Phase")."""
    trial_cell = cells.get("trial_id")
    trial_id = None
    study = cells.get("study")
    if not trial_cell and study and NCT_RX.search(study):
        # "TRIAL-1 (NCT + 8 digits)" in a Study column
        trial_cell, study = study, None
    if trial_cell:
        m = NCT_RX.search(trial_cell)
        trial_id = m.group(0).replace(" ", "") if m else None
        rest = clean(re.sub(r"\(\s*\)|\[\s*\]", "", NCT_RX.sub("", trial_cell))).strip(" ()[],;")
        rest = re.sub(r"\s{2,}", " ", rest)
        if rest and not study:
            study = rest
    ref = cells.get("ref")
    agent = cells.get("agent")
    # a table without a regimen column writes the regimen in its agent column
    # ("Atezolizumab vs. placebo", "Lenvatinib + pembrolizumab"): that cell is the treatment too
    treatment = cells.get("treatment") if has_treatment_column else agent
    phase_cell = cells.get("phase")
    if phase_cell is None and "phase" in also:
        # "NCT0XXXXXXX [12] Phase 2" in a "Trial name/Phase" column
        m = _PHASE_IN_TEXT.search(clean(cells.get("trial_id") or cells.get("study") or ""))
        phase_cell = m.group(1) if m else None
        if m and study:
            study = clean(_PHASE_IN_TEXT.sub("", clean(study))).strip(" ,;") or None
    phase, design = parse_phase(phase_cell)
    line = parse_line(cells.get("line")) if cells.get("line") else None
    if line is None and phase_cell and "/" in phase_cell and "line" not in cells:
        line = parse_line(phase_cell.split("/", 1)[1].replace("≥", ""))   # "III/ ≥3L"
    if line is None and not cells.get("line"):
        line = section_line
    drugs = [] if arm_labels(treatment or agent) else regimen_drugs(treatment, agent, abbrev)
    return dict(
        source=grid.source, table=grid.label, title=grid.title, row=n, section=section,
        trial_id=trial_id, study=study, target=_clean_cell(cells.get("target")),
        agent=_clean_cell(agent), line=line, phase=phase, design=design,
        treatment=_clean_cell(treatment), drugs=drugs, primary_sites=split_sites(cells.get("primary_sites")),
        outcomes_text=cells.get("outcomes_text"), ref=_clean_cell(ref), filled=filled,
        n_total=None, orr_pct=None, dcr_pct=None, pfs_median_months=None, os_median_months=None,
        primary_endpoint=None, primary_endpoint_met=None,
        page=r.page, line_no=r.line, line_end=r.line_end if r.line_end is not None else r.line,
        cells=None, extra=json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None,
        flags=ordered(r.flags), corrected=False,
    )


_PHASE_IN_TEXT = re.compile(r"\b(phase\s*(?:iv|i{1,3}|[1-4])[ab]?(?:\s*/\s*(?:iv|i{1,3}|[1-4])[ab]?)?)\b", re.I)
_SECONDARY = re.compile(r"(?i)^(?:other\s+|key\s+)?secondary\s+(?:end\s*-?\s*points?|outcomes?)\b")
_LABELLED_RESULT = re.compile(r"^m?(?:ORR|DCR|PFS|OS|RR|CBR)\b\s*:\s*\d", re.I)


# name cells that may carry the row's reference citation ("KEYNOTE-006 [45, 46]", "Moore et al.[65]")
_CITING_COLUMNS = ("trial_id", "study", "agent", "treatment")


def _citations_apart(cells: dict[str, str]) -> dict[str, str]:
    """Reference citations written inside name cells taken out of them; the first becomes the
    row's `ref` when the table gives none in a column of its own."""
    out = dict(cells)
    for col in _CITING_COLUMNS:
        rest, cite = split_citation(out.get(col))
        if cite is not None:
            out[col] = rest
            if not (out.get("ref") or "").strip():
                out["ref"] = cite
    return out


def _cell_key(spec: ColumnSpec, taken: dict[str, str]) -> str:
    """The key of a numeric cell in an arm's `cells`: its canonical column, with `@T` (the
    timepoint in months) when the table has two columns of that name ("3-mo PFS", "6-mo PFS")."""
    key = spec.canonical
    if key in taken and spec.timepoint_months is not None:
        key = f"{key}@{spec.timepoint_months:g}"
    while key in taken:
        key += "'"
    return key


def _clean_cell(text: str | None) -> str | None:
    """Cell as written, with typographic spaces folded (so 'Nivo\u2009+\u2009Ipi' reads 'Nivo + Ipi')."""
    if text is None:
        return None
    t = clean(text)
    return t or None


def _summarise(arm: dict, measures: list[dict]) -> None:
    """Whole-cohort values on the arm row (first one stated)."""
    for m in measures:
        col = ARM_VALUE_COLUMN.get(m["measure"])
        if col and m["population"] == "all" and arm[col] is None and m["value"] is not None:
            arm[col] = m["value"]
