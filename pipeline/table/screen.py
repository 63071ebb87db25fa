"""Which tables hold trial results, and tables that hold them sideways.

`why_not_trial_table(grid, result)`: None for a table of trials or trial results, else the
reason it is not one (baseline characteristics, adverse events, a list of agents or
mechanisms): a table with no trial id, no phase, no outcome value and no outcome column
with text in it. Such a table is reported (rejects.parquet, level "table"), never an error.

`transpose_arms_in_columns(grid)`: a randomised trial's results table has the arms as columns
("Sunitinib (N = 238)", "Capecitabine (N = 244)") and the measures as rows ("Median, months"
under "Progression-free survival", "Objective response rate, %"). It is turned into one row
per arm, with n from the arm's "(N = 238)", so the arms stage reads it like any other table.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ..model import Cell, Grid, GridRow
from .arms import TableResult
from .header import MEASURE_COLUMNS, classify_header, header_lexicon
from .specs import resolve_specs

# columns whose text makes a table one of trial results even when no value was read from it
OUTCOME_COLUMNS = frozenset(MEASURE_COLUMNS) - {"n_total"} | {"outcomes_text", "endpoint_result",
                                                               "primary_endpoint"}
# columns naming the trials or regimens a table is about
DESCRIPTIVE_COLUMNS = frozenset({"trial", "trial_id", "study", "treatment", "agent"})
# what the table is, when it is not one of trials (words of its title and header)
_KINDS = (("baseline characteristics", re.compile(r"(?i)baseline|characteristic|demograph")),
          ("adverse events", re.compile(r"(?i)adverse|toxicit|safety|\bAEs?\b|side effect")))


def why_not_trial_table(grid: Grid, result: TableResult) -> str | None:
    if not result.arms:
        return "table has no data rows"
    if any(a.get("trial_id") or a.get("phase") for a in result.arms):
        return None
    if any(m["measure"] != "n" for m in result.measures):
        return None
    kinds = [s.canonical for s in resolve_specs(grid)]
    described = any(k in DESCRIPTIVE_COLUMNS for k in kinds)
    for j, kind in enumerate(kinds):
        if kind not in OUTCOME_COLUMNS:
            continue
        texts = [r.cells[j].text for r in grid.rows
                 if r.section is None and j < len(r.cells) and r.cells[j] is not None and r.cells[j].text.strip()]
        # a column named for a survival or response outcome counts with words in it ("No
        # difference"); a free-text outcomes column only beside a column naming the trials or
        # regimens ("Modification outcomes" of a list of proteins does not)
        if texts and (kind in MEASURE_COLUMNS or described):
            return None
    words = " ".join([grid.title or "", *grid.header])
    what = next((name for name, rx in _KINDS if rx.search(words)), "a list")
    return f"no trial results ({what}): no trial id, phase, outcome value or outcome column"


# ------------------------------------------------------------------ arms as columns
# "(N = 238)", "(n=48)", "(68 cases)", "(N = 120 patients)"
ARM_SIZE = re.compile(r"\(\s*(?:[Nn]\s*[=:]\s*(\d[\d,]*)(?:\s*(?:patients|pts))?|(\d[\d,]*)\s*(?:patients|pts|cases))\s*\)")
_INTERVAL = re.compile(r"(?i)\bCI\b|\brange\b|\bIQR\b|^\s*p(?:\s*value)?\s*$")
# "Median, months" -> ("Median", "months"); "Objective response rate, %" -> (..., "%")
_UNIT_TAIL = re.compile(r"^(.*?)[\s,;]*(?:\(\s*)?\b(months?|mo|weeks?|wk|days?|years?|%)(?:\s*\))?\s*$", re.I)
_UNIT_PCT = re.compile(r"^(.*?)[\s,;]*(?:\(\s*)?(%)(?:\s*\))?\s*$")


# the words of a measure row that only make sense with its section ("Median, months" under
# "Progression-free survival")
_STAT_WORDS = re.compile(r"(?i)^(?:median|mean|median time|median duration|rate|%|months?)?$")


def _candidates(label: str, section: str | None) -> list[str]:
    """Header texts a measure row's label could stand for, alone or under its section row."""
    label = " ".join(label.split())
    m = _UNIT_TAIL.match(label) or _UNIT_PCT.match(label)
    words, unit = (m.group(1).strip(" ,"), m.group(2)) if m else (label, None)
    suffix = f" ({unit})" if unit else ""
    if section and _STAT_WORDS.match(words):
        return [f"{words} {section}{suffix}".strip(), f"{section}{suffix}"]
    return [f"{words}{suffix}"]


def row_measure(label: str, section: str | None) -> str | None:
    """The header text of a measure row ("Median Progression-free survival (months)"), or None
    when the row names no outcome measure (a count only when the label is one: "N")."""
    for cand in _candidates(label, section):
        spec = classify_header(cand)
        if spec.canonical == "n_total" and header_lexicon().get(" ".join(label.lower().split())) != "n_total":
            continue
        if spec.canonical in MEASURE_COLUMNS:
            return cand
    return None


_STAT = re.compile(r"(?i)\bCI\b|^\s*p\b|p[- ]?value|χ|\bchi\b|\bHR\b|hazard|\bRR\b|\bOR\b|odds|ratio|"
                   r"log-rank|statistic|difference|\bvalue\b")
# "29 (60.4)": a count and its percentage, in a rate row
_COUNT_PCT = re.compile(r"^\s*(\d+)\s*\(\s*(\d+(?:\.\d+)?)\s*%?\s*\)\s*$")
_RATES = {"orr_pct", "dcr_pct", "pfs_rate", "os_rate"}


def _group_columns(header: tuple[str, ...]) -> list[tuple[int, str, int | None]]:
    """Columns headed by a group name alone ("WMDC", "MC"): not a statistic, not a known column."""
    return [(j, " ".join(h.split()), None) for j, h in enumerate(header)
            if j > 0 and h.strip() and not _STAT.search(h) and classify_header(h).canonical == "extra"]


def _arm_columns(header: tuple[str, ...]) -> list[tuple[int, str, int]]:
    """(column, arm name, n) of each arm: a header with a size "(N = 238)"; of the columns of
    one arm (a value and its CI), the value's."""
    arms: dict[str, tuple[int, str, int]] = {}
    for j, h in enumerate(header):
        if j == 0:
            continue
        m = ARM_SIZE.search(h)
        if not m:
            continue
        key = h[:m.end()]
        sub = h[m.end():]
        if key in arms or _INTERVAL.search(sub):
            continue
        name = " ".join((h[:m.start()]).split()).strip(" ,")
        arms[key] = (j, name, int((m.group(1) or m.group(2)).replace(",", "")))
    return list(arms.values())


def transpose_arms_in_columns(grid: Grid) -> Grid:
    """One row per arm when the arms are columns and the measures rows; else `grid` itself."""
    arms = _arm_columns(grid.header)
    sized = len(arms) >= 2
    if not sized:
        arms = _group_columns(grid.header)     # then two measure rows at least must say so
    if len(arms) < 2 or any(classify_header(grid.header[j]).canonical in MEASURE_COLUMNS for j, _, _ in arms):
        return grid
    heads, sources, found = measure_rows(grid, [j for j, _, _ in arms])
    if found < (1 if sized else 2):
        return grid
    rate = [head is not None and classify_header(head).canonical in _RATES for head in heads]
    header = ("Treatment", *(("N",) if sized else ()), *heads)
    rows = tuple(_arm_row(grid, j, name, n if sized else None, sources, rate) for j, name, n in arms)
    return replace(grid, header=header, rows=rows)


def measure_rows(grid: Grid, arm_cols: list[int]) -> tuple[list[str], list[GridRow], int]:
    """The rows holding the arms' values: each one's measure header ("Median Progression-free
    survival (months)", or its label under its section when it names no measure), the rows,
    and how many name a measure. A row with a first cell alone is a section."""
    heads: list[str] = []
    sources: list[GridRow] = []
    section = None
    found = 0
    for r in grid.rows:
        if r.section is not None:
            section = r.section
            continue
        first = r.cells[0].text if r.cells and r.cells[0] is not None else ""
        if not first or all(j >= len(r.cells) or r.cells[j] is None for j in arm_cols):
            if first and not any(c is not None for c in r.cells[1:]):
                section = first
            continue
        head = row_measure(first, section)
        found += head is not None
        heads.append(head or " ".join(x for x in (section, first) if x))
        sources.append(r)
    return heads, sources, found


def _arm_row(grid: Grid, j: int, name: str, n: int | None, sources: list[GridRow], rate: list[bool]) -> GridRow:
    """The row of the arm in column j: its name, its size when the header gives one, then its
    value in each measure row."""
    cells = [Cell(name, grid.header_line)] + ([Cell(str(n), grid.header_line)] if n is not None else [])
    for r, is_rate in zip(sources, rate):
        c = r.cells[j] if j < len(r.cells) else None
        if c is not None:
            m = _COUNT_PCT.match(c.text) if is_rate else None
            # "29 (60.4)" in a response-rate row: the rate is the percentage
            c = replace(c, spanned=False, text=f"{m.group(2)}% ({m.group(1)})" if m else c.text)
        cells.append(c)
    return GridRow(cells=tuple(cells), line=grid.header_line)
