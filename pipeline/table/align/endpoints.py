"""A lone value placed under the column its row's endpoint names.

Pasted text drops empty cells ("–"), so a trial's arm row that states one value ("Drug B
70.5") leaves the aligner no telling which value column it sits in: every column reads a
bare number alike and the row's readings tie. Where the row's primary-endpoint cell (its
own, or its trial's spanning down from the row above) names one of the value columns by its
abbreviation ("RFS" and "1 year-RFS (%)", "ORR" and "ORR (%)"), that column is the value's:
a review table gives a trial's primary endpoint when it gives one value of it. The value is
moved only when its placement was a close call, and stays flagged close_alignment.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ...model import GridRow
from ...outcomes.cells import parse_value_cell
from .kinds import kind_of
from .value_cells import impossible_for
from .settings import AlignSettings
from .shapes import _PLAIN_NUMBER

_ACRONYM = re.compile(r"(?<![A-Za-z])[A-Z]{2,6}(?![A-Za-z])")   # "RFS" in "1 year-RFS (%)"
_FLAG = "close_alignment"


def _acronyms(text: str) -> set[str]:
    return set(_ACRONYM.findall(text))


def _named_column(endpoint: str | None, header: tuple[str, ...], values: list[int]) -> int | None:
    """The one value column whose header shares an abbreviation with the endpoint (None:
    none, or several: "PFS, OS" names two columns)."""
    words = _acronyms(endpoint or "")
    named = [j for j in values if words & _acronyms(header[j])]
    return named[0] if len(named) == 1 else None


def _fits(kind: str, text: str) -> bool:
    """A bare number the column may hold (no rate over 100, no median beyond the longest)."""
    if not _PLAIN_NUMBER.fullmatch(text) or "%" in text:
        return False
    p = parse_value_cell(text)
    return p is not None and bool(p.values) and not impossible_for(kind_of(kind), p.values)


def _moved(row: GridRow, endpoint: str | None, header: tuple[str, ...], kinds: list[str],
           values: list[int], st: AlignSettings) -> GridRow:
    filled = [j for j in values if row.cells[j] is not None]
    if len(filled) != 1 or row.alignment_margin is None or row.alignment_margin >= st.close_margin:
        return row
    j, to = filled[0], _named_column(endpoint, header, values)
    cell = row.cells[j]
    if to is None or to == j or not _fits(kinds[to], cell.text):
        return row
    cells = list(row.cells)
    cells[j] = None
    cells[to] = cell if _FLAG in cell.flags else replace(cell, flags=cell.flags + (_FLAG,))
    return replace(row, cells=tuple(cells))


def place_lone_values(rows: list[GridRow], header: tuple[str, ...], kinds: list[str],
                      st: AlignSettings) -> list[GridRow]:
    """Each row that states one value, in a close reading, under the value column its
    endpoint names (module docstring); other rows as they are."""
    if "primary_endpoint" not in kinds:
        return rows
    e = kinds.index("primary_endpoint")
    values = [j for j, k in enumerate(kinds) if kind_of(k).numeric and k != "n_total"]
    out, endpoint = [], None
    for row in rows:
        if row.section is not None:
            endpoint = None
        elif row.cells[e] is not None:
            endpoint = row.cells[e].text
        elif row.cells[0] is not None:
            endpoint = None       # a row of its own trial that gives no endpoint
        out.append(row if row.section is not None else _moved(row, endpoint, header, kinds, values, st))
    return out
