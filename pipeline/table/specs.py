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
# a cell of a ClinicalTrials.gov id, maybe with its references ("NCT0XXXXXXX [2], [3]")
_NCT_CELL = re.compile(r"NCT\s?\d{8}(?:\s*(?:\[\d+(?:[,–-]\s*\d+)*\],?\s*)+)?")
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
            if cells and all(_NCT_CELL.fullmatch(c.strip()) for c in cells):
                canon = "trial_id"
        elif canon == "n_total" and _prose_counts(_cells(grid, j)):
            canon = "extra"
        key = f"{canon}@{sp.timepoint_months}" if canon in ("pfs_rate", "os_rate") else canon
        if key in seen and canon not in ("extra", "other") and sp.arm is None:
            canon = "extra"
        seen.add(key)
        out.append(replace(sp, canonical=canon))
    return _arms_of_columns(_counts_per_arm(specs, out))


def _name_key(text: str) -> str:
    return " ".join(re.sub(r"(?<=[a-z])- (?=[a-z])", "", text.lower()).split())


def _arms_of_columns(out: list[ColumnSpec]) -> list[ColumnSpec]:
    """Columns of one measure per arm named as the table's regimen columns are ("Intervention |
    Comparison | Median PFS: Intervention | Comparison"): each holds the values of the arm its
    row names in that column, the treatment's first, the control's second."""
    names = {}
    for sp in out:
        if sp.canonical in REGIMEN_KINDS + ("control",):
            key = _name_key(sp.header)
            for k in (key, _REGIMEN_NOUN.sub("", key)):       # "Test agent": the test arm
                names.setdefault(k, 1 if sp.canonical == "control" else 0)
    if len(set(names.values())) < 2:
        return out
    return [replace(sp, arm=None, arm_index=names[_name_key(sp.arm)])
            if sp.arm is not None and _name_key(sp.arm) in names else sp for sp in out]


# the noun after an arm's name in its regimen column's heading ("Test agent", "Control arm")
_REGIMEN_NOUN = re.compile(r"\s+(?:agents?|drugs?|arms?|regimens?|treatments?|therapy|group)$")


# the columns that name an arm's regimen
REGIMEN_KINDS = ("treatment", "agent")


def _counts_per_arm(heads: list[ColumnSpec], out: list[ColumnSpec]) -> list[ColumnSpec]:
    """A count column right after the treatment's column and another right after the
    control's ("Intervention | n | Control | n"): each counts its arm's patients, not the
    whole cohort; the second is a count too, not a repeated column."""
    j = next((j for j, sp in enumerate(out) if sp.canonical == "control"), None)
    i = next((i for i, sp in enumerate(out) if sp.canonical in REGIMEN_KINDS), None)
    if j is None or i is None or i > j or j + 1 >= len(out) or out[i + 1].canonical != "n_total" \
            or heads[j + 1].canonical != "n_total":
        return out
    out = list(out)
    out[i + 1] = replace(out[i + 1], arm_index=0)
    out[j + 1] = replace(out[j + 1], canonical="n_total", arm_index=1)
    return out
