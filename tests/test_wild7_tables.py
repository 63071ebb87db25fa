"""Real review tables of the seventh wild round (tests/fixtures/wild/wild7/SOURCES), and
invented cases of their constructions.

PMC9358349 Table 1, as its page renders to markdown, has no alignment row, and its top row
holds only the group headings ("Median PFS | Median OS | SAE | Response | CR | |||...") over
the row that names every column ("Study | Study register | Intervention | Comparison |
Intervention | Comparison | HR for PFS [95% CI] | ..."). Before, the group row was taken
as the whole header: every trial's name, register id and comparator sat under PFS, OS and ORR,
no measure came out of 66 numbers, and no flag said so."""
from __future__ import annotations

import pytest

from conftest import DATA, extract_frames
from pipeline.table.header_levels import spread_levels

WILD7 = DATA.parent / "fixtures" / "wild" / "wild7"


@pytest.fixture(scope="module")
def myeloma(tmp_path_factory):
    return extract_frames([WILD7 / "PMC9358349_T1_md.md"], tmp_path_factory.mktemp("wild7"))


def _row(m, row):
    got = m[m["row"] == row]
    return sorted((r.measure, r.population, None if r.value != r.value else r.value, r.not_reached)
                  for r in got.itertuples())


def test_group_row_over_the_row_that_names_every_column(myeloma):
    arms, m = myeloma
    assert len(arms) == 11
    first = arms.sort_values("row").iloc[0]
    assert (first["study"], first["trial_id"], first["treatment"]) == ("ALCYONE (e1, e2)", "NCT02195479", "Dara VMP")
    # the medians and responses of each arm, named by the row's Intervention and Comparison
    # cells; the hazard ratios, serious adverse events and complete responses are no measures
    assert _row(m, 3) == [("orr", "Rd", 72.0, False), ("orr", "VRd", 82.0, False),
                          ("os_median", "Rd", 64.0, False), ("os_median", "VRd", 75.0, False),
                          ("pfs_median", "Rd", 30.0, False), ("pfs_median", "VRd", 43.0, False)]
    assert sorted(set(arms["section"].dropna())) == ["First line, transplant-ineligible", "Relapse"]


@pytest.mark.parametrize("top, row, want", [
    # invented headings: the columns the groups do not span first, then a group at each of
    # the last repeats of the sub-cell every group starts with
    (["ORR", "Median OS"], ["Trial", "Drug", "Control", "Drug", "Control", "Drug", "Control", "HR"],
     ["Trial", "Drug", "Control", "ORR Drug", "ORR Control", "Median OS Drug", "Median OS Control",
      "HR (Median OS)"]),
    # a sub-cell that repeats under every group but not before them: the groups span the row
    (["ORR", "Median OS"], ["Drug", "Control", "Drug", "Control"],
     ["ORR Drug", "ORR Control", "Median OS Drug", "Median OS Control"]),
])
def test_groups_over_a_full_row(top, row, want):
    assert spread_levels(top, [row], len(row)) == want


@pytest.mark.parametrize("treatment, k, want", [
    # PMC6699593 Table 2 (wild round 7, markdown whose cells lost their line breaks); invented
    # doses and names where the table's would do as well
    ("Nivolumab Docetaxel", 2, ["Nivolumab", "Docetaxel"]),
    ("Pembrolizumab (2 mg/kg) Pembrolizumab (10 mg/kg) Docetaxel", 3,
     ["Pembrolizumab (2 mg/kg)", "Pembrolizumab (10 mg/kg)", "Docetaxel"]),
    ("Atezolizumab Placebo", 2, ["Atezolizumab", "Placebo"]),
    ("Lenvatinib Everolimus Lenvatinib + Everolimus", 3, ["Lenvatinib", "Everolimus", "Lenvatinib + Everolimus"]),
    # a joining word makes one regimen; names as many as the values, or none
    ("Nivolumab + Ipilimumab", 2, None),
    ("Nivolumab Docetaxel", 3, None),
    # a name that names no drug and no control arm ("PC") is not guessed at
    ("Pembrolizumab+PC PC", 2, None),
])
def test_arm_names_joined_by_spaces(treatment, k, want):
    from pipeline.table.fields import spaced_arms
    assert spaced_arms(treatment, k) == want


SPACED = """Table 2.
Trial | Line | Treatment | No. of pts | ORR (%) | Median OS (months) |
---|---|---|---|---|---|
NCT01234567 (OAK-2) | Second line | Exampinib Docetaxel |
120 118 |
21.0 9.1 |
10.2 8.0 |
NCT07654321 (ELM-3) | First line | Exampinib + docetaxel |
88 |
33.3 |
NR |"""


def test_stacked_values_under_arm_names_joined_by_spaces(tmp_path):
    src = tmp_path / "spaced_md.md"
    src.write_text(SPACED)
    arms, m = extract_frames([src], tmp_path / "out")
    assert _row(m, 1) == [("n", "Docetaxel", 118.0, False), ("n", "Exampinib", 120.0, False),
                          ("orr", "Docetaxel", 9.1, False), ("orr", "Exampinib", 21.0, False),
                          ("os_median", "Docetaxel", 8.0, False), ("os_median", "Exampinib", 10.2, False)]
    assert not any(len(f) for f in m[m["row"] == 1]["flags"])


# PMC6450209 Table 1 (wild round 7, pasted text), invented names and numbers: each trial's
# control arm on a line of its own, whose regimen the aligner put in the text columns before
# the Therapy column ("Platinum" under Histology, "Doublet (n = 151)" under PD-L1 staining)
ARM_LINES = """Table 1.
Invented phase 3 trials of checkpoint inhibitors
Trial Histology PD-L1 staining* Therapy ORR (95% CI) Median PFS (95% CI) Median OS (95% CI)
OAK-11 (5) Squamous and non-squamous ≥50% Exampumab (n = 150) 44.1% (36.2–52.0) 10.1 mo (6.5-NR) 29 mo (18.0-NR)
Platinum Doublet (n = 149) 28.9% (21.6–36.5) 6.1 mo (4.1–6.3) 14.0 mo (9.7–19.1)
ELM-12 (8) Squamous and non-squamous ≥50% Samplumab (n = 290) 38.2% 7.0 mo (5.8–9.1) 19 mo (15.0–24.0)
Platinum Doublet (n = 289) 31.1% 6.3 mo (6.0–6.8) 12.0 mo (10.1–14.0)"""


def test_an_arm_line_with_a_regimen_of_its_own_takes_no_treatment_from_above(tmp_path):
    """Its treatment is not the immunotherapy above it (which would credit the chemotherapy's
    ORR to it, unflagged); and a count written after the regimen ("Exampumab (n = 150)") is
    the arm's, not the trial's."""
    src = tmp_path / "arm_lines_plain.txt"
    src.write_text(ARM_LINES)
    arms, m = extract_frames([src], tmp_path / "out")
    by_row = {r.row: r for r in arms.itertuples()}
    assert "Samplumab" in by_row[3].treatment and "Exampumab" in by_row[1].treatment
    assert arms[arms["row"].isin([2, 4])]["treatment"].isna().all()
    assert sorted(zip(m[m["measure"] == "n"]["row"], m[m["measure"] == "n"]["population"])) == [
        (1, "all"), (3, "all")]


def test_a_count_after_the_regimen_is_the_arms():
    """"Drug (n = 154)" on a trial's first arm row, over an arm row whose count was not read:
    the count is still the first arm's, not the trial's total."""
    from pipeline.table.arms import _trial_totals, TableResult
    arms = [{"row": 1, "filled": [], "n_total": 154}, {"row": 2, "filled": ["study"], "n_total": None}]
    res = TableResult(arms=arms, measures=[{"row": 1, "measure": "n", "population": "all", "column": "treatment"}])
    _trial_totals(res)
    assert res.measures[0]["population"] == "all" and arms[0]["n_total"] == 154
    res.measures[0]["column"] = "n_total"       # a count column's count is the trial's
    _trial_totals(res)
    assert res.measures[0]["population"] == "trial total" and arms[0]["n_total"] is None


# PMC12554671 Table 12 (wild round 7, pasted text), invented names and numbers: the header
# names its columns in words the lexicon did not know, the trial cell starts on the phase, and
# the Outcomes cell is one labelled result a line, the reference on the row's last line
OUTCOME_LINES = """Table 4.
Invented studies in head and neck cancer.
Patient group Treatment Participants (n) Trial, ID Outcomes Reference
Recurrent HNSCC Exampumab + samplumab 410 Phase 3, NCT01234567 (OAK-7) ORR: 22.1%
Median OS: 12.9 months
Median PFS: 3.1 months
12-month OS rate: 48%
Oak et al., 2022 (14)
Recurrent HNSCC (PD-L1 low) Exampumab 120 Phase 2, NCT07654321 (ELM-2) ORR: 8.2%
Median PFS: 2.1 months
Median OS: 7.9 months
Elm et al., 2019 (15)"""


def test_labelled_result_lines_continue_the_outcome_cell(tmp_path):
    src = tmp_path / "outcome_lines_plain.txt"
    src.write_text(OUTCOME_LINES)
    arms, m = extract_frames([src], tmp_path / "out")
    assert list(zip(arms["trial_id"], arms["phase"], arms["n_total"])) == [
        ("NCT01234567", "III", 410), ("NCT07654321", "II", 120)]
    got = sorted((r.row, r.measure, r.value, None if r.timepoint_months != r.timepoint_months else r.timepoint_months)
                 for r in m.itertuples() if r.measure != "n")
    assert got == [(1, "orr", 22.1, None), (1, "os_median", 12.9, None), (1, "os_rate", 48.0, 12.0),
                   (1, "pfs_median", 3.1, None), (2, "orr", 8.2, None), (2, "os_median", 7.9, None),
                   (2, "pfs_median", 2.1, None)]


# PMC7969864 Table 5 (wild round 7, pasted text), invented names and numbers: every header
# cell broken a line per line break, no line of them naming two known columns before
# "Treatment groups Response"; each trial's arms and values stacked one a line, column by column
STACKED = """Table 5.

Invented phase III trials in gastric cancer.

Trial name Published
year
No. of
patients
Line of
treatment
Treatment groups Response
rate (%)
MST
(months)
P-value
OAK-9 (58) 2009 704 1st Exampinib
Samplinib + cisplatin
S-2
9
38
28
10.8
12.3
11.4
0.0552*
ELM-4 (59) 2008 298 1st S-2
CS
31
54
11.0
13.0
0.04"""


def test_header_a_fragment_a_line_above_the_first_line_that_looks_like_one():
    from pipeline.readers.text import text_to_tables
    t = text_to_tables("t", STACKED)[0]
    assert t.header_cells == ("Trial name Published year", "No. of patients", "Line of treatment", "Treatment groups",
                              "Response rate (%)", "MST (months)", "P-value")
    assert t.title == "Invented phase III trials in gastric cancer." and t.body[0].text.startswith("OAK-9")


def test_values_one_a_line_are_flagged(tmp_path):
    """Which arm and column each lone value is, the aligner guessed from order: every measure
    of such a row is flagged, whatever it made of them."""
    src = tmp_path / "stacked_plain.txt"
    src.write_text(STACKED)
    arms, m = extract_frames([src], tmp_path / "out")
    outcomes = m[m["measure"] != "n"]
    assert len(outcomes) and all("values_one_a_line" in f for f in outcomes["flags"])


# PMC8317793 Table 2 (wild round 7, markdown), invented names and numbers: a row whose
# regimen cell the copy dropped ("| Samplinib | Not addressed | 82% vs 84% | ...", the
# comparator under the regimen's heading); placed by content, its comparator column is left
# empty and takes the row above's
SHIFTED = """Table 2.
| Generic name | Comparator | Risk group favourable % | mPFS (mo) | ORR (%) | mOS (mo) |
|---|---|---|---|---|---|
| Exampinib | placebo | 52% vs 50% | 5.5 vs 2.8 | 10% vs 2% | 17.8 vs 15.2 |
| Samplinib | Placebo | 39% | 9.2 vs 4.2 | 30% vs 3% | 22.9 vs 20.5 |
| Samplinib | 82% vs 84% | 8.4 vs 9.5 | 31% vs 25% | 28.4 vs 29.3 |"""


def test_a_row_placed_by_content_without_its_regimen_cell_is_flagged(tmp_path):
    src = tmp_path / "shifted_md.md"
    src.write_text(SHIFTED)
    arms, m = extract_frames([src], tmp_path / "out")
    flags = {r.row: list(r.flags) for r in arms.itertuples()}
    assert flags[1] == [] and flags[2] == [] and "cells_shifted" in flags[3]
    assert all("cells_shifted" in f for f in m[m["row"] == 3]["flags"])


def test_a_column_of_nct_ids_with_their_references_is_the_trial_id(tmp_path):
    """PMC8317793 Table 2: "Trial number, references" holds "NCT00073307 [2], [3], [4]"."""
    text = ("Table 2.\n| Generic name | Comparator | ORR (%) | Trial number, references |\n|---|---|---|---|\n"
            "| Exampinib | placebo | 10% vs 2% | NCT01234567 [2], [3] |\n"
            "| Samplinib | Placebo | 30% vs 3% | NCT07654321 [35] |\n")
    src = tmp_path / "ids_md.md"
    src.write_text(text)
    arms, _ = extract_frames([src], tmp_path / "out")
    assert list(zip(arms["trial_id"], arms["ref"])) == [("NCT01234567", "[2], [3]"), ("NCT07654321", "[35]")]


# PMC10277149 Table 3 (wild round 7, markdown), invented names and numbers: "Primary
# endpoint(s)" over PFS and OS on the row under the header, packed to the left; further down,
# a row of other outcome names for the trials under it
RENAMED = """Table 3.
| Trial info | Patients (n) | Agent(s) investigated | Primary endpoint(s) | |
| PFS | OS | |||
| OAK-5 (NCT01234567) | 600 | Exampinib | Median PFS: 6.1 months | Median OS: 17.0 months |
| ORR | DOR | |||
| ELM-2 (NCT07654321) | 70 | Samplinib | 41.2% (95% CI 30.1% to 52.0%) | Median DOR: NR |"""


def test_an_endpoints_heading_spans_its_outcomes_and_a_row_of_outcome_names_flags_the_rows_under_it(tmp_path):
    src = tmp_path / "renamed_md.md"
    src.write_text(RENAMED)
    arms, m = extract_frames([src], tmp_path / "out")
    assert list(arms["trial_id"]) == ["NCT01234567", "NCT07654321"]
    first = sorted((r.measure, r.value) for r in m[m["row"] == 1].itertuples())
    assert first == [("n", 600.0), ("os_median", 17.0), ("pfs_median", 6.1)]
    assert all("columns_renamed" in f for f in m[m["row"] == 2]["flags"])
    assert "columns_renamed" in arms[arms["row"] == 2]["flags"].iloc[0]


def test_a_study_named_by_the_regimens_it_compares_is_the_rows_treatment(tmp_path):
    """PMC4956059 Table 1 (wild round 7, pasted text), invented numbers: a table with no
    regimen column names each trial by what it compares ("Docetaxel vs mitoxantrone" under
    Study): those are the row's arms."""
    text = ("Table 1.\nInvented phase III trials\nStudy Patients, n Median PFS (months) Median OS (months)\n"
            "Exampinib vs placebo26 700 5.6 vs 3.6 14.8 vs 10.9\nOAK-3 420 4.1 12.0\n")
    src = tmp_path / "study_plain.txt"
    src.write_text(text)
    arms, m = extract_frames([src], tmp_path / "out")
    assert list(arms["treatment"].fillna("-")) == ["Exampinib vs placebo", "-"]
    assert sorted(set(m[m["row"] == 1]["population"])) == ["Exampinib", "all", "placebo"]


def test_a_statistic_under_an_outcome_heading_is_that_outcomes():
    """PMC4956059 Table 1: "Median (months) HR P-value" under "Overall survival", the last
    heading of the line above: the median is the OS median (alone it names no column)."""
    from pipeline.readers.text import text_to_tables
    text = ("Table 1.\nInvented trials\nStudy Year N mPFS (months) Overall survival\nMedian (months) HR P-value\n"
            "Exampinib vs placebo 2010 755 2.8 vs 1.4 15.1 vs 12.7 0.70 <0.001\n")
    t = text_to_tables("t", text)[0]
    assert t.header_cells == ("Study", "Year", "N", "mPFS (months)", "Overall survival Median (months)", "HR", "P-value")


def test_an_arm_row_states_no_whole_cohort_value_the_row_gives_twice():
    """PMC8317793 Table 2 row 3 (wild round 7): "4.8% interferon, 8.6% temsirolimus, 8.1%
    combination" gives three ORRs for the whole cohort (values_clash, flagged); the arm row's
    orr_pct took the first, unflagged. Invented values."""
    from pipeline.table.arms import summarise
    arm = {"n_total": None, "orr_pct": None, "dcr_pct": None, "pfs_median_months": None, "os_median_months": None}
    ms = [{"measure": "orr", "population": "all", "value": 4.8, "flags": ["values_clash"]},
          {"measure": "orr", "population": "all", "value": 8.6, "flags": ["values_clash"]},
          {"measure": "os_median", "population": "all", "value": 7.3, "flags": []},
          {"measure": "n", "population": "all", "value": 626.0, "flags": []}]
    summarise(arm, ms)
    assert arm["orr_pct"] is None and arm["os_median_months"] == 7.3 and arm["n_total"] == 626


@pytest.mark.parametrize("cell, header, want", [
    # PMC8317793 Table 2 row 3 (wild round 7): each value, then whose it is; invented values
    ("3.2 exampinib, 5.1 samplinib, 4.4 combination", "mPFS (mo)",
     [("exampinib", 3.2), ("samplinib", 5.1), ("combination", 4.4)]),
    ("4.1% exampinib, 9.0% combination", "ORR (%)", [("exampinib", 4.1), ("combination", 9.0)]),
    # a unit or a count's noun after the value names no group
    ("5.5 months", "mPFS (mo)", [("all", 5.5)]),
])
def test_values_each_followed_by_whose_it_is(cell, header, want):
    from pipeline.table.cell_measures import numeric_cell_measures
    from pipeline.table.header import classify_header
    got = numeric_cell_measures(cell, classify_header(header), None)
    assert [(m.population, m.value) for m in got] == want
    assert all(float(cell[m.start:m.end]) == m.value for m in got)


def test_a_group_named_as_an_arm_is_that_arm_not_the_arm_ending_on_its_name(tmp_path):
    """'temsirolimus' beside arms 'Temsirolimus' and 'Interferon-alpha + temsirolimus' is the
    first arm; it was read as the second (whose last word it is), unflagged."""
    text = ("Table 2.\n| Generic name | Comparator | mPFS (mo) |\n|---|---|---|\n"
            "| Samplinib | Exampinib + samplinib | 3.1 exampinib, 5.5 samplinib, 4.7 combination |\n")
    src = tmp_path / "named_md.md"
    src.write_text(text)
    _, m = extract_frames([src], tmp_path / "out")
    assert sorted(zip(m["population"], m["value"])) == [("combination", 4.7), ("exampinib", 3.1), ("samplinib", 5.5)]
