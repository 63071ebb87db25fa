"""Value cells as the value columns' scorer reads them: plain value cells, values each after
its subgroup's label ("LS 19.4", "All: 14 LS: 31", "All patients 20% Site A 13%"), and
whether a cell's values are ones its column can hold (kinds.py scores them)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from ...outcomes.cells import parse_value_cell
from ...vocab import MAX_MEDIAN_MONTHS
from ..cell_measures import labelled_values as labelled_values_cell
from .shapes import _P_VALUE, labelled_values

if TYPE_CHECKING:
    from .context import TableContext
    from .kinds import ColumnKind

_MAX_PERCENT = 100      # largest rate


# "A: 2.4 mo B: 2.7 mo", "MSS: 4.4% MSI-H: 35.0%": each value after the short label of its arm
_LABEL_WORD = r"(?!(?:mo|mos|months?|m|wks?|weeks?|w|days?|d|years?|yrs?|y|NR)\b)[A-Za-z][\w+-]{0,12}"
_LABEL_COLON = re.compile(rf"(?:^|\s+){_LABEL_WORD}(?: {_LABEL_WORD}){{0,2}}\s*:\s*")


def _labelled_values(text: str):
    """The values of a cell of labelled values (each piece a value cell), None for any other."""
    pieces = _LABEL_COLON.split(text)
    if pieces[0].strip() or len(pieces) < 3:
        return None
    parsed = [parse_value_cell(x) for x in pieces[1:]]
    if any(x is None or x.missing or not x.values for x in parsed) or not all(
            v.unit or v.not_reached for x in parsed for v in x.values):
        return None           # each value with its unit: "All: 14 LS: 31" may be any column's
    return type(parsed[0])(values=[v for x in parsed for v in x.values])


def read_value(text: str):
    """A value cell's parse (None: no value cell) and whether it is read as values of
    labelled subgroups ("LS 19.4", "All: 14 LS: 31")."""
    p = parse_value_cell(text) if not _LABEL_COLON.match(text) else _labelled_values(text)
    if p is None and ("P" in text or "p" in text):
        rest = _P_VALUE.sub("", text).strip()
        # "0.34 (0.20–0.59) P < 0.001"; a p-value alone ("p = 0.004") is no value of any column
        p = parse_value_cell(rest) if rest else None
    if p is not None:
        return p, False
    labelled = labelled_values(text)
    return (parse_value_cell(labelled[0]), True) if labelled else (None, False)   # the first fits or none


@lru_cache(maxsize=4096)
def _subgroup_pairs(text: str):
    """cell_measures.labelled_values, once per text (every value column asks)."""
    return labelled_values_cell(text)


def subgroups_cell(spec: ColumnKind, text: str, ctx: TableContext) -> bool:
    """Is a cell two or more subgroups each heading its value ("All patients 20% Site A 13%
    PD-L1 > 1 50%", cell_measures.labelled_values), every value one the column holds and no
    label a drug (a drug heading a value is an arm's regimen, the cell before)?"""
    pairs = _subgroup_pairs(text) if text[:1].isupper() and text[-1:] != ")" else None
    if pairs is None:
        return False
    start = 0
    for _, st, en in pairs:
        if any(ctx.kb.is_drug(x.strip(",;()")) for x in text[start:st].split()):
            return False
        p, start = parse_value_cell(text[st:en]), en
        units = {v.unit for v in p.values if v.unit} if p is not None else set()
        if p is None or p.missing or not p.values or (spec.no_percent and "%" in units) \
                or (spec.percent and units - {"%"}) or impossible_for(spec, p.values):
            return False
    return True


def impossible_for(spec: ColumnKind, values) -> bool:
    """Is the first value of a cell one the column cannot hold: a rate over 100, a median
    beyond vocab.MAX_MEDIAN_MONTHS (a year, a count: the schema rejects it too) or of 0?"""
    v = next((x.value for x in values if x.value is not None), None)
    if v is None:
        return False
    # (a median of 0 months is no median either: "0" is a rate or a count)
    return (spec.percent and v > _MAX_PERCENT) or (spec.median and not 0 < v <= MAX_MEDIAN_MONTHS)
