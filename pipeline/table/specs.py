"""A grid's column kinds: what its header says, settled by what its cells hold.

Shared by the stages that read a grid's columns (arms, the screen, the realigner of shifted
markdown rows), so a column has one kind everywhere.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ..model import Grid
from .align.shapes import MISSING_RX
from .fields import NCT_RX
from .header import ColumnSpec, table_specs

# a cell that states a count: it opens with a number, or names one ("n = 54", "120 patients")
_COUNT_CELL = re.compile(r"^\W{0,2}\d|\b[nN]\s*=\s*\d|\d+\s*(?:patients|pts|subjects|participants)\b")
# prose: three words or more and no count (an eligibility text under "Patients")
MIN_PROSE_WORDS = 3


def _cells(grid: Grid, j: int) -> list[str]:
    return [r.cells[j].text for r in grid.rows if not r.section and j < len(r.cells) and r.cells[j]
            and r.cells[j].text.strip()]


def _prose_counts(cells: list[str]) -> bool:
    """Cells of a count column that are prose, not counts: two thirds of them, three or more
    ("Aged >=18 years; any line; 45% ABD" under "Patients" beside a "No." column)."""
    prose = [c for c in cells if len(c.split()) >= MIN_PROSE_WORDS and not _COUNT_CELL.search(c)
             and not MISSING_RX.match(c.strip())]
    return len(prose) >= 3 and len(prose) * 3 >= len(cells) * 2


def resolve_specs(grid: Grid) -> list[ColumnSpec]:
    """Classify headers; 'trial' becomes trial_id when its cells are NCT ids, else study;
    a count column whose cells are prose is kept as extra (see _prose_counts), and so is a
    second column of the same canonical name."""
    specs = table_specs(grid.header)
    out: list[ColumnSpec] = []
    seen: set[str] = set()
    for j, sp in enumerate(specs):
        canon = sp.canonical
        if canon == "trial":
            cells = _cells(grid, j)
            nct = sum(1 for c in cells if NCT_RX.search(c))
            canon = "trial_id" if cells and nct * 2 >= len(cells) and "trial_id" not in seen else "study"
        elif canon in ("extra", "ref") and "trial_id" not in seen and "trial_id" not in (s.canonical for s in specs):
            # a column of ClinicalTrials.gov ids under another name ("Reference number")
            cells = _cells(grid, j)
            if cells and all(NCT_RX.fullmatch(c.strip()) for c in cells):
                canon = "trial_id"
        elif canon == "n_total" and _prose_counts(_cells(grid, j)):
            canon = "extra"
        key = f"{canon}@{sp.timepoint_months}" if canon in ("pfs_rate", "os_rate") else canon
        if key in seen and canon not in ("extra", "other") and sp.arm is None:
            canon = "extra"
        seen.add(key)
        out.append(replace(sp, canonical=canon))
    return out
