"""A real review table of the fifth wild round (tests/fixtures/wild/wild5/SOURCES):
PMC9546183 Table 1, as its page renders to markdown. Its "Patients" column holds eligibility
text beside the "No." count column, its "Other" column landmark rates, and its last row is an
arm whose spanned cells the copy left out at the start ("10 (TM) | 0 | NS | 2-year PFS, 36% |
NS | ||||"). Before, that row lost its ORR of 0 % (read as the Patients cell), its landmark
rates were in no column read, and no flag said so."""
from __future__ import annotations

import pytest

from conftest import DATA, extract_frames
from pipeline.model import Cell, Grid, GridRow
from pipeline.table.specs import resolve_specs
from pipeline.table.shifted import _number

TABLE = DATA.parent / "fixtures" / "wild" / "wild5" / "PMC9546183_cncr34332-tbl-0001_md.md"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return extract_frames([TABLE], tmp_path_factory.mktemp("wild5e"))


def _row(m, row):
    got = m[m["row"] == row]
    return sorted((r.measure, r.population, r.value, None if r.timepoint_months != r.timepoint_months
                   else r.timepoint_months) for r in got.itertuples())


def test_arm_row_with_its_leading_cells_left_out(dataset):
    arms, m = dataset
    last = arms.sort_values("row").iloc[-1]
    assert last["study"].startswith("Miano") and list(last["filled"]) == ["study", "phase"]
    assert _row(m, int(last["row"])) == [("n", "TM", 10.0, None), ("orr", "all", 0.0, None),
                                         ("pfs_rate", "all", 36.0, 24.0)]


def test_landmark_rates_of_the_other_column(dataset):
    """'FNCLCC/FSG (Penel 2011 76 ) | 2 | OL, single-arm | 40 | ... | 11 | 91 | 1-year PFS, 67%;
    2-year PFS, 55%; 2-year OS, 95% | ...'"""
    arms, m = dataset
    row = int(arms[arms["study"].str.startswith("FNCLCC")]["row"].item())
    assert _row(m, row) == [("dcr", "all", 91.0, None), ("n", "all", 40.0, None), ("orr", "all", 11.0, None),
                            ("os_rate", "all", 95.0, 24.0), ("pfs_rate", "all", 55.0, 24.0),
                            ("pfs_rate", "all", 67.0, 12.0)]


def _pasted(tmp_path, name: str, text: str):
    """arms and measures of `text` pasted into a file `name` and extracted."""
    src = tmp_path / name
    src.write_text(text)
    return extract_frames([src], tmp_path / "out")


def _grid(header, rows):
    return Grid(source="t", label=None, title=None, header=tuple(header),
                rows=tuple(GridRow(cells=tuple(Cell(c) for c in r)) for r in rows))


@pytest.mark.parametrize("cells, kind", [
    # eligibility text under "Patients" (PMC9546183, other words): not a count
    (["Adults; any line; 20% FAP", "Aged >=12 years; not resectable", "Progressive disease; second line"], "extra"),
    # counts written with who the patients are, or "n =": a count column
    (["120 patients with untreated disease", "Untreated, n = 45", "88"], "n_total"),
    # too few cells to tell: the header's word stands
    (["Adults; any line", "Aged >=12 years; not resectable"], "n_total"),
])
def test_a_count_column_of_prose_is_no_count(cells, kind):
    grid = _grid(["Study", "Patients", "ORR (%)"], [[f"S{k}", c, "12"] for k, c in enumerate(cells)])
    assert [sp.canonical for sp in resolve_specs(grid)] == ["study", kind, "orr_pct"]


def test_a_zero_is_sized_below_the_columns_ranges():
    """A zero has no logarithm: it is sized small, not left unsized (an unsized number fitted
    any numeric column's shape, so '0' read as a count as well as a rate)."""
    assert _number("0") == 0.5 and _number("0%") == 0.5 and _number("12") == 12.0


CONTROL = DATA.parent / "fixtures" / "wild" / "wild5" / "PMC6961440_T1_md.md"


@pytest.fixture(scope="module")
def with_control(tmp_path_factory):
    return extract_frames([CONTROL], tmp_path_factory.mktemp("wild5c"))


def test_a_comparison_column_names_the_second_arm(with_control):
    """'PREVAIL Beer TM et al., 2014 | Enzalutamide | Placebo | ... |' / '32.4 versus 30.2 |
    20.0 versus 5.4 | ...': the values of 'Drug used' and of 'Comparison', not 'arm 1' and 'arm 2'."""
    arms, m = with_control
    row = int(arms[arms["treatment"] == "Enzalutamide"]["row"].item())
    assert _row(m, row) == [("os_median", "Enzalutamide", 32.4, None), ("os_median", "Placebo", 30.2, None),
                            ("pfs_median", "Enzalutamide", 20.0, None), ("pfs_median", "Placebo", 5.4, None)]
    assert not any("arm_unnamed" in f for f in m["flags"])


def test_a_control_column_in_pasted_text(tmp_path):
    """The same construction pasted as text, invented names: the control's cell is a regimen,
    the count after it its own column's."""
    text = ("Table 1.\nPhase III trials\nTrial Treatment Control N OS (months) rPFS (months)\n"
            "ALPHA-1 Exampamide Placebo 1195 15.8 vs 11.2 5.6 vs 3.6\n"
            "BETA-2 Samplitaxel + prednisone Mitoxantrone + prednisone 755 15.1 vs 12.7 2.8 vs 1.4\n")
    arms, m = _pasted(tmp_path, "control_plain.txt", text)
    assert list(arms["treatment"]) == ["Exampamide", "Samplitaxel + prednisone"]
    assert _row(m, 2) == [("n", "all", 755.0, None), ("os_median", "Mitoxantrone + prednisone", 12.7, None),
                          ("os_median", "Samplitaxel + prednisone", 15.1, None)]


def test_a_design_cell_that_names_the_arms(tmp_path):
    """PMC6354678 Table 5 (wild round 5, pasted text) has no regimen column: its 'Study design'
    cells give the phase, then the regimens compared ('Phase III: Two investigational schedules
    of ifosfamide versus doxorubicin'); invented names and numbers. Before, such a cell was
    dropped with no trace (phase and treatment empty, 'arm 1'/'arm 2'), and a row whose cell
    had a capitalised word after the colon could not be aligned at all (rejected)."""
    text = ("Table 5.\nRandomized trials\nTrial Study design N Objective response rate Overall Survival\n"
            "Oak 2007 [12] Phase II: Exampinib + samplitaxel versus samplitaxel 122 16% versus 8% 18 versus 12 mo\n"
            "Elm 2009 [13] Phase III: Two schedules of samplitaxel versus exampinib 326 30% versus 20% 9 versus 11 mo\n")
    arms, m = _pasted(tmp_path, "design_plain.txt", text)
    assert list(arms["phase"]) == ["II", "III"]
    assert list(arms["treatment"]) == ["Exampinib + samplitaxel versus samplitaxel",
                                       "Two schedules of samplitaxel versus exampinib"]
    assert _row(m, 1) == [("n", "all", 122.0, None), ("orr", "Exampinib + samplitaxel", 16.0, None),
                          ("orr", "samplitaxel", 8.0, None), ("os_median", "Exampinib + samplitaxel", 18.0, None),
                          ("os_median", "samplitaxel", 12.0, None)]
    assert _row(m, 2)[0] == ("n", "all", 326.0, None)


# PMC7739522 Table III (wild round 5, pasted text), invented names and numbers: AE grades on a
# sub-header line under the last adverse-events heading, and arm rows whose empty outcome
# cells the copy dropped, so their values sit packed to the left
PACKED = """Table 3.
Invented trials of checkpoint inhibitors
Study name Phase Arms OS (months) PFS (months) ORR (%) Discontinuation rate because of drug-related AEs (%) Treatment-related AEs (%)
Any grade Grade 3 or 4
OAK-1 III Exampumab 13.1 3.2 18 30 61 19
vs. placebo 10.2 2.7 4 16 48 7
ELM-2 II Samplumab 17.9 9.8 22 82 35
Samplumab + exampumab 12.4 7.1 10 69 23
PINE-3 II Exampumab 19.0 5.5 20 12 74 28"""


def test_grades_under_the_last_adverse_events_heading():
    from pipeline.readers.text import text_to_tables
    t = text_to_tables("t", PACKED)[0]
    assert t.header_cells[-3:] == ("Discontinuation rate because of drug-related AEs (%)",
                                   "Treatment-related AEs Any grade (%)", "Treatment-related AEs Grade 3 or 4 (%)")


def test_rows_packed_to_the_left_are_flagged(tmp_path):
    """ELM-2 gives no PFS: its five values fill the first five value columns by guess. Rows
    that fill every column of values are not flagged."""
    arms, m = _pasted(tmp_path, "packed_plain.txt", PACKED)
    flagged = {r.row: "cells_missing" in r.flags for r in arms.itertuples()}
    assert flagged == {1: False, 2: False, 3: True, 4: True, 5: False}
    assert all("cells_missing" in f for f in m[m["row"].isin([3, 4])]["flags"])


def test_ns_is_no_empty_cell_in_pasted_text():
    """'NS' is a missing value only where a grid gives it a cell of its own (the row above);
    in pasted text it is as often the test written under a value ('8.4% versus 5.5%' / 'NS'),
    and read as an empty cell it shifted the values after it a column (PMC6354678, PMC6111731)."""
    from pipeline.outcomes.cells import MISSING, NOT_STATED, parse_value_cell
    assert NOT_STATED.match("NS") and not MISSING.match("NS")
    assert parse_value_cell("NS") is None and parse_value_cell("not stated").missing


@pytest.mark.parametrize("cell, measures, rules", [
    # PMC8505556 Table 1 (wild round 6, markdown): an ongoing trial's planned enrolment
    ("29 (Est)", [], [("29", "sample_size")]),
    ("340 (planned)", [], [("340", "sample_size")]),
    # a subgroup in parentheses is still its count's population
    ("24 (evaluable)", [("evaluable", 24.0)], []),
])
def test_a_planned_enrolment_is_no_count_of_patients(cell, measures, rules):
    from pipeline.table.cell_measures import numeric_cell_measures, unread_numbers
    from pipeline.table.header import classify_header
    spec = classify_header("Number")
    found = numeric_cell_measures(cell, spec, None)
    assert [(m.population, m.value) for m in found] == measures
    assert [(n.text, n.rule) for n in unread_numbers(cell, found, spec, None)] == rules


def test_the_count_cell_names_the_arms():
    """PMC9832370 Table 2 (wild round 6, markdown): 'Cemiplimab = 304; Chemotherapy = 304' counts
    each arm by its name, and names the arms of the row's 'x vs. y' values (invented numbers)."""
    from pipeline.readers.markdown import read_markdown
    from pipeline.table.arms import grid_to_arms
    text = ("| Trial | Phase | N | Treatment regimens | OS (months) |\n|---|---|---|---|---|\n"
            "| EMPOWER-9 | III | Exampumab = 210; Chemotherapy = 205 | Exampumab 350 mg q3w | 11.5 vs. 8.0 |\n"
            "| ELM-4 | II | N = 85 | Samplumab | 9.9 |\n")
    res = grid_to_arms(read_markdown("m", text)[0][0])
    got = sorted((m["row"], m["measure"], m["population"], m["value"]) for m in res.measures)
    assert got == [(1, "n", "Chemotherapy", 205.0), (1, "n", "Exampumab", 210.0),
                   (1, "os_median", "Chemotherapy", 8.0), (1, "os_median", "Exampumab", 11.5),
                   (2, "n", "all", 85.0), (2, "os_median", "all", 9.9)]


def test_an_endpoint_written_with_its_result_after_a_comma():
    """PMC9832370 Table 2 (wild round 6): 'ORR, 26.3%' in the primary endpoint column is the
    endpoint and its result, as 'ORR: 26.3%' is; the ORR was in no table (invented numbers)."""
    from pipeline.readers.markdown import read_markdown
    from pipeline.table.arms import grid_to_arms
    text = ("| Trial | N | Treatment | Primary endpoint |\n|---|---|---|---|\n"
            "| OAK-358 | 21 | Exampumab 240 mg | ORR, 23.8% |\n")
    res = grid_to_arms(read_markdown("m", text)[0][0])
    assert res.arms[0]["primary_endpoint"] == "ORR"
    assert sorted((m["measure"], m["value"]) for m in res.measures) == [("n", 21.0), ("orr", 23.8)]


@pytest.mark.parametrize("line, statistic", [
    ("NS", True), ("n.s.", True), ("P=0.009", True), ("HR 0.75 (0.65 to 0.85)", True),
    ("NSCLC cohort", False), ("Nivolumab", False),
])
def test_a_test_result_on_a_line_of_its_own_is_the_cell_above(line, statistic):
    """PMC6354678 Table 5 (wild round 5, pasted text): 'NS' on a line of its own under a value
    ('8.4% versus 5.5% versus 11.8%' / 'NS') is that comparison's test, no section row over
    the rows after it (they carried section 'NS', with no flag)."""
    from pipeline.table.align.lines import _section_like
    from pipeline.table.align.tokens import starts_continuation
    assert starts_continuation(line) is statistic
    assert _section_like(line) is (not statistic and line[0].isupper() and len(line.split()) <= 3)


@pytest.mark.parametrize("treatment, flagged", [
    # PMC3713630 Table 1 (wild round 6): a randomised row 'Gemcitabine +/- sorafenib ... 7% 2.9
    # months 9.4 months' gives single values: whose they are is a guess
    ("Exampinib +/− samplitaxel", True), ("Exampinib ± samplitaxel", True),
    ("Samplitaxel with or without exampinib", True), ("Exampinib + samplitaxel", False),
])
def test_single_values_of_a_regimen_of_two_arms_are_flagged(treatment, flagged):
    from pipeline.readers.markdown import read_markdown
    from pipeline.table.arms import grid_to_arms
    text = f"| Treatment | Phase | ORR | OS |\n|---|---|---|---|\n| {treatment} | II | 7% | 9.4 months |\n"
    res = grid_to_arms(read_markdown("m", text)[0][0])
    assert [("lone_value" in m["flags"]) for m in res.measures] == [flagged, flagged]


# PMC7739522 Table III again, invented names and numbers: the last trial's arms give no PFS,
# and the column of discontinuation rates that two rows fill is where the aligner put their
# empty cell; where between its values a dropped cell was, a copy without cell boundaries
# cannot show
GAP = PACKED.split("OAK-1")[0] + """OAK-1 II Exampumab
♦ Low dose 14 3 81 24
♦ High dose 21 5 NR 18
OAK-1 II Exampumab + samplumab 30 12 NR 36
BIRCH-2 III Samplumab 12.9 3.1 17 29 60 18
vs. placebo 10.4 2.6 5 15 47 8
ELM-3 II Samplumab 300 mg + exampumab 17.7 23 11.2 81 34
Samplumab 75 mg + exampumab 11.9 9.1 6.4 68 22
Single-agent exampumab 13.2 10.1 7.6 61 17
Single-agent samplumab 15.4 7.7 12 83 42"""


def test_an_empty_cell_between_values_is_flagged(tmp_path):
    arms, m = _pasted(tmp_path, "gap_plain.txt", GAP)
    flagged = {r.row: "cells_missing" in r.flags for r in arms.itertuples()}
    assert flagged == {1: True, 2: True, 3: True, 4: False, 5: False, 6: True, 7: True, 8: True, 9: True}
    assert all("cells_missing" in f for f in m[m["row"].isin([7, 8, 9])]["flags"])
