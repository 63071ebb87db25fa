"""Pasted rows -> cells: recover column boundaries lost when a table is pasted as text.

In pasted text every cell is separated by a single space, wrapped cells continue on the
next line, and a cell spanning down appears only on its first row. Each body line is split
into tokens; a dynamic programme chooses, for the whole row, which tokens form which column
(or that a column is absent), maximising the sum of per-column scores: how much a token
span looks like that column's values (an NCT id, "1st", a phase, a regimen, free text, a
reference number ...) plus, in a second pass, whether the same value was seen in that column
on other rows. A second dynamic programme groups physical lines into rows.

  settings.py   AlignSettings and CellWeights: every weight a named field, passed in
  tokens.py     body lines -> tokens (Tok)
  context.py    Knowledge (the table's words) and TableContext (settings + caches, one per table)
  shapes.py     value shapes and the regimen and free-text scores
  kinds.py      KINDS: column kind -> scorer, longest span, absence cost ...; score_cell
  row.py        one row's tokens -> cells (align_tokens), the margin of a row's reading
  doubts.py     review flags of an aligned row
  lines.py      body lines -> rows (lines_to_rows)
  grid.py       TextTable -> Grid (text_table_to_grid), two rows pasted on one line
"""
from ..header import split_header_line
from .context import Knowledge, TableContext
from .doubts import (RowDoubts, SecondReading, _crammed_numbers, _group_count, fallback_columns,
                     guessed_value_lines, misfit_neighbourhood, row_doubts, second_best_margin, second_reading)
from .grid import _usual_lengths, align_kind, joined_row_at, text_table_to_grid
from .kinds import (_TYPED_MAX, KINDS, MAX_TOKENS, VALUE_KINDS, ColumnKind, _skip_cost, _typed_score, kind_of,
                    score_cell, skip_cost, typed_score)
from .lines import _section_like, lines_to_rows
from .row import Alignment, RowScorer, Vocab, align_tokens, alignment_margin, stacked_alignment
from .settings import DEFAULT_SETTINGS, NEG, AlignSettings, CellWeights
from .shapes import MISSING_RX, PHASE_RX, _value_like, regimen_score
from .tokens import NCT, Tok, tokenize_lines

__all__ = [
    "DEFAULT_SETTINGS", "KINDS", "MAX_TOKENS", "MISSING_RX", "NCT", "NEG", "PHASE_RX", "VALUE_KINDS",
    "AlignSettings", "Alignment", "CellWeights", "ColumnKind", "Knowledge", "RowDoubts", "RowScorer",
    "SecondReading", "TableContext", "Tok", "Vocab", "_TYPED_MAX", "_crammed_numbers", "_group_count",
    "_section_like",
    "_skip_cost", "_typed_score", "_usual_lengths", "_value_like", "align_kind", "align_tokens",
    "alignment_margin", "fallback_columns", "guessed_value_lines", "joined_row_at", "kind_of",
    "lines_to_rows", "misfit_neighbourhood", "regimen_score", "row_doubts", "score_cell", "second_best_margin", "second_reading",
    "skip_cost", "split_header_line", "stacked_alignment", "text_table_to_grid", "tokenize_lines",
    "typed_score",
]
