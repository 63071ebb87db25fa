"""Pasted PMC headers whose cells wrap onto lines of their own: a unit or interval under the
last heading ("(95% CI)", "(%)"), a short reference heading after the value columns ("Ref"),
a first heading wrapped over lines above the header line ("Study Name" / "[Reference]"), and
a header broken inside its cells, its words going on over the next lines ("No. of" /
"patients", from a header cell's line break). Invented tables that keep the construction of
real pages."""
import pytest

from conftest import extract_frames
from pipeline.readers.text import read_text, text_to_tables
from pipeline.table.align import text_table_to_grid
from pipeline.table.arms import grid_to_arms


def _measures(text: str) -> list[tuple]:
    grid = text_table_to_grid(text_to_tables("t", text)[0])
    res = grid_to_arms(grid)
    return grid.header, sorted((m["row"], m["measure"], m["value"]) for m in res.measures)


UNIT_AND_REF = """Table 4.

Invented immunotherapy trials

Trial Design Treatment Patients Median PFS months (95% CI) Median OS months
(95% CI)
Ref
ALPHA-7 Phase II Trial
2nd line
drugamab 31 3.3 (2.0–4.1) 8.8 (6.1–10.2) 12
BETA-12 Phase III Trial
3rd line
otherumab 140 1.9 (1.7–2.3) 6.2 (5.0–7.4) 27"""

LEAD_AND_PERCENT = """Table 2.

Invented completed trials.

Trial Name
[Reference]
Agents (Target) Country Phase N Primary Endpoints OS PFS RR
(%)
SIGMA-4 [12] Exampumab (PD-1) Global III 210 OS 9.9 2.2 14
OMEGA-2 [31] Samplimab (PD-L1) Asian II 88 PFS 7.1 3.4 21"""


WORDS_GO_ON = """Table 3.

Invented kinase inhibitor trials

Trial Phase No. of
patients Treatment Objective
response rate Progression-free
survival, months Overall survival,
months
DELTA-301 III 612 Examplinib + samplumab 24.2 7.9 19.8
KAPPA-22 II 57 Examplinib 11.0 3.1 10.4"""


@pytest.mark.parametrize("text, first, last, want", [
    (WORDS_GO_ON, "Trial", "Overall survival, months",
     [(1, "n", 612), (1, "orr", 24.2), (1, "os_median", 19.8), (1, "pfs_median", 7.9),
      (2, "n", 57), (2, "orr", 11.0), (2, "os_median", 10.4), (2, "pfs_median", 3.1)]),
    (UNIT_AND_REF, "Trial", "Ref",
     [(1, "n", 31), (1, "os_median", 8.8), (1, "pfs_median", 3.3),
      (2, "n", 140), (2, "os_median", 6.2), (2, "pfs_median", 1.9)]),
    (LEAD_AND_PERCENT, "Trial Name [Reference]", "RR (%)",
     [(1, "n", 210), (1, "orr", 14.0), (1, "os_median", 9.9), (1, "pfs_median", 2.2),
      (2, "n", 88), (2, "orr", 21.0), (2, "os_median", 7.1), (2, "pfs_median", 3.4)]),
])
def test_wrapped_header_cells_join_the_header(text, first, last, want):
    header, got = _measures(text)
    assert (header[0], header[-1]) == (first, last)
    assert got == want


def test_header_words_going_on_are_header_lines():
    roles = read_text("t", WORDS_GO_ON).roles
    assert [roles[n] for n in range(5, 11)] == ["header"] * 5 + ["body"]


def test_lower_case_line_that_names_no_column_is_no_header_words():
    # a lower-case line after the header that makes the joined header name fewer known
    # columns goes on as the table's (here a section row, read as one)
    text = "Trial Phase N ORR (%)\nmonotherapy cohorts\nGAMMA-1 II 40 25\n"
    table = text_to_tables("t", text)[0]
    assert table.header_cells is None
    assert [ln.text for ln in table.body][0] == "monotherapy cohorts"


def test_wrapped_header_lines_are_header_lines():
    roles = read_text("t", LEAD_AND_PERCENT).roles
    assert [roles[n] for n in range(4, 10)] == ["blank", "header", "header", "header", "header", "body"]
    roles = read_text("t", UNIT_AND_REF).roles
    assert [roles[n] for n in range(5, 9)] == ["header", "header", "header", "body"]


@pytest.mark.parametrize("above", [
    "Selected trials",           # a short title right above the header: no column name
    "Phase 2 and 3",             # digits: not a wrapped heading
    "Phase III trials",          # names a column or two, right under the label: the title
    "Kinase inhibitor trials",
])
def test_short_title_above_the_header_stays_a_title(above):
    text = f"Table 1.\n\n{above}\nTrial Phase N ORR (%)\nGAMMA-1 II 40 25\n"
    table = text_to_tables("t", text)[0]
    assert table.header_cells is None or table.header_cells[0] == "Trial"
    assert table.title == above


def test_value_line_after_the_header_is_no_unit():
    text = "Trial Phase N ORR (%)\n(2019)\nGAMMA-1 II 40 25\n"
    assert text_to_tables("t", text)[0].header_cells is None


STACKED = """Trial Design Treatment Patients Median PFS months Median OS months Ref
DELTA-3 Phase III Trial
2nd line
drugumab
placebo
120
118
3.3 (2.1–4.0)

1.9 (1.5–2.2)
8.8 (7.0–10.1)

9.6 (8.2–11.3)
14
OMEGA-1 Phase II Trial
3rd line
otherumab 44 2.4 (1.9–3.0) 7.7 (5.5–9.9) 15"""


def test_numbers_cut_from_cells_stacked_over_blank_lines_are_flagged():
    """Cells stacked per arm over blank-separated lines (two counts, then each median column's
    two values apart by a blank line): the numbers after the blank are cut from the row that
    names them, so every value read from them is flagged; the plain row below is not."""
    res = grid_to_arms(text_table_to_grid(text_to_tables("t", STACKED)[0]))
    unflagged = sorted((m["row"], m["measure"], m["value"]) for m in res.measures if not m["flags"])
    assert unflagged == [(3, "n", 44), (3, "os_median", 7.7), (3, "pfs_median", 2.4)]
    assert any("lines_joined_by_guess" in a["flags"] for a in res.arms if a["row"] == 2)


# PMC6111731 Table 2 (wild round 5, pasted text) prints each header cell on lines of its own
# ("Author, Year" / "Trial Name", "Intervention" / "n", "Control" / "n"), right under the
# title, and a section row after the last heading; invented names and numbers. Before, the
# lone "n" ended the table as a footnote's letter and the file gave no row at all.
HEADINGS_ONE_A_LINE = """Table 2.
Invented randomised trials of kinase inhibitors.
Author, Year
Trial Name
Country Population Intervention
n
Control
n
Median Overall Survival (Months)
Response Rate
First line treatment
Oak, 2009 [3] ALPHA Asia Never-smokers Exampinib 409 Samplitaxel 408 18.2 vs. 17.1 41% vs. 30%
Elm, 2011 [4] BETA Europe EGFR mutation Exampinib 86 Samplitaxel 87 22.5 vs. 20.1 62% vs. 28%"""


def test_header_cells_one_a_line_under_the_title():
    table = text_to_tables("t", HEADINGS_ONE_A_LINE)[0]
    assert table.title == "Invented randomised trials of kinase inhibitors."
    assert table.header_cells == ("Author, Year Trial Name", "Country", "Population", "Intervention", "n",
                                  "Control", "n", "Median Overall Survival (Months)", "Response Rate")
    roles = read_text("t", HEADINGS_ONE_A_LINE).roles
    assert [roles[n] for n in range(3, 14)] == ["header"] * 8 + ["body"] * 3


def test_lone_n_is_no_footnote_letter():
    from pipeline.readers.text import _FOOTNOTE_MARK
    assert not _FOOTNOTE_MARK.match("n") and _FOOTNOTE_MARK.match("a") and _FOOTNOTE_MARK.match("*")


def test_counts_after_the_treatment_and_the_control_are_the_arms(tmp_path):
    """'Intervention | n | Control | n': each count is its arm's (409 and 408), not the whole
    cohort's and a repeated column."""
    from conftest import extract_frames
    src = tmp_path / "one_a_line_plain.txt"
    src.write_text(HEADINGS_ONE_A_LINE)
    arms, m = extract_frames([src], tmp_path / "out")
    first = m[m["row"] == 1]
    assert sorted((r.measure, r.population, r.value) for r in first.itertuples()) == [
        ("n", "Exampinib", 409.0), ("n", "Samplitaxel", 408.0), ("orr", "Exampinib", 41.0),
        ("orr", "Samplitaxel", 30.0), ("os_median", "Exampinib", 18.2), ("os_median", "Samplitaxel", 17.1)]
    assert arms["n_total"].isna().all()


# PMC9302428 Table 2 (wild round 6, pasted text) prints its header a fragment of a cell a line,
# capitalised or not; invented names and numbers. Before, the header was the line
# "Study arms Study" alone and the table a list with no results.
FRAGMENTS = """Table 2:
Invented trials in untreated leukaemia
Study arms Study
type,
no. of
patients
Patient
characteristics
ORR OS* Comments
Oak 2018 [3] Exampinib vs placebo Phase III, 309 Age 60-75 yrs 38% vs 33% 9.5 vs 5.9 months Better with exampinib
Elm 2019 [4] Samplinib Phase II, 145 Age >=65 yrs 67% 17.5 months Effective in older adults"""


def test_header_a_fragment_a_line():
    table = text_to_tables("t", FRAGMENTS)[0]
    # (a cell's comma goes on with the lower-case words after it: one cell, as on the page)
    assert "OS*" in table.header_cells and "Study type, no. of patients" in table.header_cells
    assert [ln.text[:3] for ln in table.body] == ["Oak", "Elm"]
    roles = read_text("t", FRAGMENTS).roles
    assert [roles[n] for n in range(3, 12)] == ["header"] * 7 + ["body"] * 2


def test_section_and_name_lines_after_a_header_are_no_fragments():
    """Short lines without digits under a whole header that add no column of values (a section
    row, a trial's name over lines of its own) stay the body's."""
    text = ("Table 1.\nInvented trials\nTrial N Treatment ORR (%) OS (months)\nFirst-line therapy\nOAK trial\n"
            "Oak et al\n38 Exampinib 21 11.2\n")
    table = text_to_tables("t", text)[0]
    assert table.header_cells is None and [ln.text for ln in table.body][0] == "First-line therapy"


def test_first_cell_over_lines_above_a_header_a_fragment_a_line(tmp_path):
    """PMC9302428 Table 2 (wild round 6): "Author," / "year" above the fragments. Whether they
    are a cell the header lacks is judged by the whole header, not by its first fragment line
    ("Study arms Study", whose "Study" starts "Study type, no. of patients"); and a phase cell
    with the trial's count after it ("Phase III, 309") is the phase column's."""
    text = FRAGMENTS.replace("leukaemia\n", "leukaemia\nAuthor,\nyear\n")
    table = text_to_tables("t", text)[0]
    assert table.header_cells[:2] == ("Author, year", "Study arms")
    assert table.title == "Invented trials in untreated leukaemia"
    src = tmp_path / "fragments_plain.txt"
    src.write_text(text)
    arms, _ = extract_frames([src], tmp_path / "out")
    assert list(zip(arms["study"], arms["phase"], arms["treatment"])) == [
        ("Oak 2018", "III", "Exampinib vs placebo"), ("Elm 2019", "II", "Samplinib")]
