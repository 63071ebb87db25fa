"""Data passed between stages. Plain frozen dataclasses, no behaviour beyond small helpers.

file --reader--> TextTable (plain text / PDF lines) or Grid (markdown, HTML, PDF)
TextTable --table.align--> Grid
Grid --table.arms--> list[Arm]
Arm --outcomes--> list[Measure]
"""
from __future__ import annotations

from dataclasses import dataclass, field


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
    spanned: bool = False      # True when copied from a cell spanning down from above (rowspan)
    page: int | None = None
    flags: tuple[str, ...] = ()   # review flags (vocab.FLAGS) of this cell alone: its measures carry them


@dataclass(frozen=True)
class GridRow:
    cells: tuple[Cell | None, ...]   # one per header column; None = not given on this row
    line: int | None = None          # first source line of the row
    line_end: int | None = None      # last source line of the row (None: same as `line`)
    section: str | None = None       # set for a section-header row ("First line"); cells ignored
    page: int | None = None
    flags: tuple[str, ...] = ()      # review flags (vocab.FLAGS) the reader or aligner found


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


@dataclass
class Arm:
    """One data row after column mapping and fill-down. `cells` keyed by canonical column."""
    source: str
    table: str | None
    title: str | None
    row: int
    line: int | None
    section: str | None
    cells: dict[str, str]                 # canonical column -> cell text (original characters)
    filled: list[str] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)   # unmapped columns: header -> text
    page: int | None = None
