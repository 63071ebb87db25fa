"""Review flags of measures: why a number read from a cell needs a human look.

Pure functions over what the cell readers returned (codes from vocab.FLAGS); the row's own
flags (how its cells were found) come from the readers and the aligner, and table/arms.py
puts both on each measure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..vocab import DOUBTFUL_MEDIAN_MONTHS, FLAGS

# a whole number in this range printed alone in a count or duration cell reads like a year
YEAR_RANGE = (1950, 2100)

_NR_ABBREV = re.compile(r"^(?:NR|NE)\W*$", re.I)
_REACHED = re.compile(r"(?i)\bnot\s+reached\b")
_NOT_REPORTED = re.compile(r"(?i)\bnot\s+(?:reported|evaluable|evaluated|available|assessed|estimable|done)\b|"
                           r"\bno\s+data\b|\bunknown\b")
# "NR, not reported" / "NR = not reached" / "NR: not evaluable" written in a note or footnote
_NR_IN_NOTE = re.compile(r"\bNR\b\s*(?:[,:=]|-|–|\bis\b|\bmeans\b)?\s*([^;.]{3,40})")
# a bare number in parentheses after a value: "454 (64)", a subgroup whose label is missing
_BARE_COUNT = re.compile(r"\d\s*\(\s*\d+\s*\)")
_BARE_PERCENT = re.compile(r"\d\s*%?\s*\(\s*\d+(?:\.\d+)?\s*%\s*\)")
UNNAMED_ARM = re.compile(r"arm \d+(?:, .+)?")      # "arm 2", "arm 2, <subgroup>"
# measure flags that put every value of their row in doubt (flag row_values_misfit)
MISFIT_FLAGS = frozenset({"value_kind_mismatch", "inconsistent_values"})


@dataclass(frozen=True)
class NrMeaning:
    """What 'NR' means in one table: 'not_reached', 'not_reported' or None (nothing says)."""
    meaning: str | None

    @property
    def settled(self) -> bool:
        return self.meaning is not None


def nr_meaning(legend: dict[str, str], notes: tuple[str, ...] = ()) -> NrMeaning:
    """What the table's legend (short -> long) or its footnotes say 'NR' means."""
    candidates = [v for k, v in legend.items() if k.strip().upper() == "NR"]
    for note in notes:
        candidates += [m.group(1) for m in _NR_IN_NOTE.finditer(note)]
    for long in candidates:
        if _REACHED.search(long):
            return NrMeaning("not_reached")
        if _NOT_REPORTED.search(long):
            return NrMeaning("not_reported")
    return NrMeaning(None)


def is_nr_abbreviation(as_reported: str | None) -> bool:
    """'NR' (or 'NE') as printed, the abbreviation whose meaning a table has to settle;
    'not reached' written out settles itself."""
    return bool(as_reported) and bool(_NR_ABBREV.match(as_reported.strip()))


# below 1 with two decimals or more: how hazard ratios are written, never a response rate in %
# or a median in months ("0.58", "0.897"); "1.45" months and "0.5" % stay plain values
_HR_SHAPE = re.compile(r"0\.\d{2,}")


def value_flags(measure: str, value: float | None, as_reported: str, unit: str | None,
                column_measure: str | None = None) -> list[str]:
    """Flags of one value from its own shape. `unit`: the unit written with the value in the
    cell (canonical: '%', 'months', 'weeks' ...), None when none; `column_measure`: the measure
    of the column it sits in, when read from a value column."""
    out = []
    kind = column_measure or measure
    rate = kind in ("orr", "dcr", "pfs_rate", "os_rate")
    if unit is not None and ((kind == "n") or (rate and unit != "%") or (kind.endswith("_median") and unit == "%")):
        out.append("value_kind_mismatch")
    elif (rate or kind.endswith("_median")) and _HR_SHAPE.fullmatch(as_reported.strip()):
        out.append("value_kind_mismatch")              # "0.58" under ORR, "0.897" under PFS: a hazard ratio's shape
    elif measure in ("n",) or measure.endswith("_median"):
        digits = as_reported.strip()
        if digits.isdigit() and YEAR_RANGE[0] <= int(digits) <= YEAR_RANGE[1]:
            out.append("value_kind_mismatch")          # "2016" under OS (months): a year
        elif measure.endswith("_median") and value is not None and value > DOUBTFUL_MEDIAN_MONTHS:
            out.append("value_kind_mismatch")
    return out


def cell_flags(text: str, measure: str) -> list[str]:
    """Flags every value of a numeric cell of `measure` shares: a second value of the same
    kind in parentheses that names no subgroup ("454 (64)" patients, "21% (30%)"); a bare
    number after a median is as often a reference or a range's end and is not flagged."""
    if measure == "n":
        return ["subgroup_unlabelled"] if _BARE_COUNT.search(text) else []
    if measure in ("orr", "dcr", "pfs_rate", "os_rate"):
        return ["subgroup_unlabelled"] if _BARE_PERCENT.search(text) else []
    return []


def consistency_flags(measures: list[dict]) -> dict[int, list[str]]:
    """Index (in `measures`) -> flags for values of one row that contradict each other: a
    median PFS above the median OS of the same population, an ORR above the DCR."""
    out: dict[int, list[str]] = {}
    by = {}
    for k, m in enumerate(measures):
        if m.get("value") is not None and not m.get("not_reached"):
            by.setdefault((m["measure"], m["population"], m.get("timepoint_months")), []).append(k)
    for lo, hi in (("pfs_median", "os_median"), ("orr", "dcr")):
        for (meas, pop, tp), ks in by.items():
            if meas != lo:
                continue
            for j in by.get((hi, pop, tp), []):
                for k in ks:
                    if measures[k]["value"] > measures[j]["value"]:
                        out.setdefault(k, []).append("inconsistent_values")
                        out.setdefault(j, []).append("inconsistent_values")
    return out


def clash_flags(measures: list[dict]) -> dict[int, list[str]]:
    """Index (in `measures`, one row's) -> ['values_clash'] for values of one measure,
    population and timepoint that differ ('ORR: 12% (PD-L1 16%)' read as two ORRs of the
    whole cohort): at most one of them is the cohort's, and the text does not say which."""
    by: dict[tuple, list[int]] = {}
    for k, m in enumerate(measures):
        if m.get("value") is not None and not m.get("not_reached"):
            by.setdefault((m["measure"], m["population"], m.get("timepoint_months")), []).append(k)
    out: dict[int, list[str]] = {}
    for ks in by.values():
        if len({measures[k]["value"] for k in ks}) > 1:
            for k in ks:
                out[k] = ["values_clash"]
    return out


_CLAUSE_END = re.compile(r";|\.(?=\s|$)")


def same_clause(text: str, a: int, b: int) -> bool:
    """Do offsets a and b of a cell's text sit in one clause (between ';' or sentence ends)?
    The outcome grammar gives a value to a measure of its own clause, so a number it could not
    place puts in doubt only the values of that clause."""
    lo, hi = min(a, b), max(a, b)
    return not _CLAUSE_END.search(text, lo, hi)


def repeat_flags(measures: list[dict]) -> dict[int, list[str]]:
    """Index (in `measures`, one row's, in reading order) -> ['repeated_value'] for a value
    already read from another cell of the row with the same measure, population, timepoint
    and value ('2.2 vs. 1.5 years' both in an endpoint-result column and an OS column)."""
    seen: dict[tuple, str] = {}
    out: dict[int, list[str]] = {}
    for k, m in enumerate(measures):
        key = (m["measure"], m["population"], m.get("timepoint_months"), m.get("value"), bool(m.get("not_reached")))
        col = seen.setdefault(key, m["column"])
        if col != m["column"]:
            out[k] = ["repeated_value"]
    return out


def ordered(flags) -> list[str]:
    """Flags without repeats, in vocab order (the same row always lists them the same way)."""
    got = set(flags)
    unknown = got - FLAGS.keys()
    if unknown:
        raise ValueError(f"unknown review flag(s): {sorted(unknown)}")
    return [f for f in FLAGS if f in got]
