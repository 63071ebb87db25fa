"""Data passed between stages: frozen dataclasses up to the Grid, then the output records.

file --reader--> TextTable (plain text / PDF lines) or Grid (markdown, HTML, PDF)
TextTable --table.align--> Grid
Grid --table.arms--> Arm, Measure, Narrative, Abbreviation records (one per output row)

The output records are TypedDicts: each is one row of its output file, keyed by the
contract's column names (schemas/models.py lists the same columns; a test keeps them equal),
so run.py turns a list of them into a frame without renaming anything. A `CellMeasure` (a
`CellNarrative`) is a measure (a narrative number) as one cell's reader finds it, with the
same field names, before it is placed in its table, row and column.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict


@dataclass(frozen=True)
class Line:
    """One physical line of the source, 1-based `number`, text exactly as in the file."""
    number: int
    text: str


@dataclass(frozen=True)
class TextTable:
    """A table whose body lines still have to be split into cells (pasted plain text)."""
    source: str
    label: str | None          # "Table 6"
    title: str | None
    header: Line               # the header line
    body: tuple[Line, ...]     # data and section lines, blank lines removed
    legend: str | None         # text after "Abbreviations:"
    notes: tuple[str, ...] = ()  # footnote lines between the body and the legend
    page: int | None = None
    # header cells when the header runs over several lines (wrapped cells, a sub-header row);
    # None: split the header line
    header_cells: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Cell:
    text: str                  # the cell text as printed (original characters)
    line: int | None = None    # source line (or PDF line index) where the cell starts
    spanned: bool = False      # True when copied from a spanning cell (rowspan, colspan)
    page: int | None = None
    flags: tuple[str, ...] = ()   # review flags (vocab.FLAGS) of this cell alone: its measures carry them
    marks: tuple[str, ...] = ()  # footnote marks set apart from the text ("38<sup>a</sup>" -> "a")
    # the text's lines when the source breaks the cell over several (HTML <br>, JATS <break/>,
    # paragraphs, a markdown cell's literal <br>): arms or values stacked one a line; () for one
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class GridRow:
    cells: tuple[Cell | None, ...]   # one per header column; None = not given on this row
    line: int | None = None          # first source line of the row
    line_end: int | None = None      # last source line of the row (None: same as `line`)
    section: str | None = None       # set for a section-header row ("First line"); cells ignored
    page: int | None = None
    flags: tuple[str, ...] = ()      # review flags (vocab.FLAGS) the reader or aligner found
    # pasted text only (None / 1 elsewhere): how much better the aligner's reading of the row
    # scored than its closest other reading (small: the cell boundaries are doubtful), and how
    # many physical lines the row was joined from
    alignment_margin: float | None = None
    joined_lines: int = 1


@dataclass(frozen=True)
class Grid:
    """A table split into cells, one column per header cell."""
    source: str
    label: str | None
    title: str | None
    header: tuple[str, ...]
    rows: tuple[GridRow, ...]
    legend: str | None = None
    notes: tuple[str, ...] = ()
    header_line: int | None = None
    # spans are explicit in the source (HTML, JATS rowspan): an empty cell is empty, not a
    # cell spanning down from the row above
    explicit_spans: bool = False


@dataclass
class CellMeasure:
    """One number a cell states about an outcome; offsets in that cell's text."""
    measure: str                      # vocab measure: n, orr, dcr, pfs_median, ...
    population: str                   # "all" or the subgroup / arm as written
    value: float | None               # normalised: patients, %, months; None when not reached
    unit: str                         # patients, %, months
    not_reached: bool
    value_as_reported: str            # the number as written ("8.9", "NR")
    unit_as_reported: str | None      # the unit as written ("weeks", "mo")
    timepoint_months: float | None    # landmark of a rate or an assessment
    start: int
    end: int
    flags: tuple[str, ...] = ()       # review flags (vocab.FLAGS) of this value


@dataclass
class CellNarrative:
    """A number of a cell that is no measure, and the rule (vocab.NARRATIVE_RULES) why."""
    start: int
    end: int
    text: str
    rule: str


class Measure(TypedDict):
    """A row of measures.parquet."""
    source: str
    table: str | None
    row: int
    measure: str
    population: str
    value: float | None
    unit: str
    not_reached: bool
    value_as_reported: str
    unit_as_reported: str | None
    timepoint_months: float | None
    column: str                       # canonical column the number was read from
    start: int
    end: int
    evidence: str                     # the cell's text[start:end]
    flags: list[str]
    corrected: bool


class Arm(TypedDict):
    """A row of arms.parquet: one data row of a table after column mapping and fill-down."""
    source: str
    table: str | None
    title: str | None
    row: int
    section: str | None
    trial_id: str | None
    study: str | None
    target: str | None
    agent: str | None
    line: int | None
    phase: str | None
    design: str | None
    treatment: str | None
    drugs: list[str]
    primary_sites: list[str]
    outcomes_text: str | None
    ref: str | None
    filled: list[str]
    n_total: float | None
    orr_pct: float | None
    dcr_pct: float | None
    pfs_median_months: float | None
    os_median_months: float | None
    primary_endpoint: str | None
    primary_endpoint_met: bool | None
    page: int | None
    line_no: int | None
    line_end: int | None
    cells: str | None                 # JSON: the cells measures were read from, by column
    extra: str | None                 # JSON: unmapped columns, header -> text
    flags: list[str]
    corrected: bool


class Narrative(TypedDict):
    """A row of narrative.parquet: a number of a cell that is no measure, and the rule why."""
    source: str
    table: str | None
    row: int
    column: str
    start: int
    end: int
    text: str
    rule: str                         # vocab.NARRATIVE_RULES


class Abbreviation(TypedDict):
    """A row of abbreviations.parquet."""
    source: str
    short: str
    long: str
    origin: str                       # legend, inline, lexicon
