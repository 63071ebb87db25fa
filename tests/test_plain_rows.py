"""Row and cell assignment in pasted plain text: invented tables, each keeping one construction
of a real review table (row boundaries, cells as written) with other words and numbers."""
from pipeline.normalize.text import as_written
from pipeline.readers.text import text_to_tables
from pipeline.table.align import text_table_to_grid
from pipeline.table.arms import grid_to_arms


def grid_of(text: str):
    return text_table_to_grid(text_to_tables("t", text)[0])


def cells(grid):
    return [None if r.section else [c.text if c else None for c in r.cells] for r in grid.rows]


def test_as_written_folds_spaces_and_keeps_visible_characters():
    assert as_written("Zeta\u2009+/\u2212\u00a0omega\u200b  2\u20134 mg \u2265 3") == "Zeta +/\u2212 omega 2\u20134 mg \u2265 3"


def test_treatment_keeps_its_minus_sign_as_written():
    text = ("Table 1.\n"
            "Regimen Phase N ORR (%) Ref.\n"
            "Zetamab +/\u2212 omegacin II 41 12 vs. 18 [7]\n"
            "Zetamab III 88 22 [8]\n")
    arms = grid_to_arms(grid_of(text)).arms
    assert arms[0]["treatment"] == "Zetamab +/\u2212 omegacin"
