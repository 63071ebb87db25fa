"""Cells of subgroups each heading its value ("All patients 20% Site A 13% ..."): where a
pasted row's aligner puts the whole cohort's label, and how a value cell whose first label
was dropped is read. Invented tables and cells keeping the construction of PMC10335166 T2
(the Lu et al. row) with other words and numbers."""
import pytest

from pipeline.readers.text import text_to_tables
from pipeline.table.align import text_table_to_grid
from pipeline.table.cell_measures import labelled_values, numeric_cell_measures
from pipeline.table.header import classify_header

_HEADER = "Trial and author N Treatment Primary endpoint ORR (%) PFS (median) OS (median)\n"
_ROWS = ("Omega trial Ito et al 61 Zetumab ORR 14% 3.1 mo 8.2 mo\n"
         "Kappa trial Abe et al 27 Mabucin DCR 41% 4.0 mo 9.9 mo\n")


def _cells(last_row: str) -> list[str | None]:
    grid = text_table_to_grid(text_to_tables("t", "Table 1.\n" + _HEADER + _ROWS + last_row)[0])
    row = [r for r in grid.rows if not r.section][-1]
    return [c.text if c else None for c in row.cells]


@pytest.mark.parametrize("row, endpoint, rate", [
    # the whole cohort's label heads the first value: the rate cell's, not the endpoint's
    ("Sigma trial Oda et al 52 Tetramab ORR All patients 31%\nColon NET 12%\nRare sites 40%\n"
     "Ki-67 < 5 18%\n2.9 mo 6.6 mo\n",
     "ORR", "All patients 31% Colon NET 12% Rare sites 40% Ki-67 < 5 18%"),
    ("Sigma trial Oda et al 52 Tetramab DCR Overall 55%\nColon NET 47%\nRare sites 70%\n2.9 mo 6.6 mo\n",
     "DCR", "Overall 55% Colon NET 47% Rare sites 70%"),
    # an endpoint ending on its own words keeps them ("ORR 8 wk" is no cohort)
    ("Sigma trial Oda et al 52 Tetramab PFS 18%\n2.9 mo 6.6 mo\n", "PFS", "18%"),
])
def test_a_cohort_label_goes_with_its_value_not_with_the_endpoint(row, endpoint, rate):
    cells = _cells(row)
    assert cells[3:5] == [endpoint, rate]


@pytest.mark.parametrize("text, want", [
    # the first label dropped: the first value is the whole cohort's, each label heads the value after it
    ("31% Colon NET 12% Rare sites 40% Ki-67 < 5 18% MSI-H 60%",
     [("all", 31.0), ("Colon NET", 12.0), ("Rare sites", 40.0), ("Ki-67 < 5", 18.0), ("MSI-H", 60.0)]),
    ("6.1 mo Colon NET 4.4 mo", [("all", 6.1), ("Colon NET", 4.4)]),
    # as with the label written
    ("All patients 31% Colon NET 12%", [("all", 31.0), ("Colon NET", 12.0)]),
])
def test_a_first_value_without_its_label_is_the_whole_cohorts(text, want):
    header = "OS (median)" if "mo" in text else "ORR (%)"
    got = numeric_cell_measures(text, classify_header(header), None)
    assert [(m.population, m.value) for m in got] == want


@pytest.mark.parametrize("text", [
    "45% at 12 mo",          # a rate and its landmark: no subgroup after it
    "31% Colon NET 12",      # values written unlike each other
    "31 Colon NET 12",       # bare numbers: counts, arms' values ... no cohort's rate
    "31% All 12%",           # the whole cohort twice
    "31% ORR 12%",           # a measure is no subgroup
    "31% (Colon NET 12%)",
])
def test_no_cohort_value_before_subgroups(text):
    assert labelled_values(text) is None


@pytest.mark.parametrize("text, endpoint", [
    ("ORR", True), ("12-mo OS", True), ("ORR 8 wk", True), ("PFS, OS", True),
    ("ORR All patients", False), ("DCR overall", False), ("ORR All patients 31%", False), ("OS all", False),
])
def test_an_endpoint_cell_ends_on_the_endpoints_words(text, endpoint):
    from pipeline.model import Line
    from pipeline.table.align import NEG, TableContext, tokenize_lines, typed_score

    ctx = TableContext.of_table(None, "Zetumab")
    got = typed_score("primary_endpoint", tokenize_lines([Line(1, text)], {}), ctx)
    assert (got != NEG) is endpoint, got
