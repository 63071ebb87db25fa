"""Markdown pipe tables as page renderings write them (invented tables keeping the constructions
of the real ones in tests/data/real: other trials, words and numbers)."""
from __future__ import annotations

import pytest

from pipeline.errors import InputError
from pipeline.readers.markdown import read_markdown
from pipeline.normalize.refs import split_citation
from pipeline.table.arms import grid_to_arms
from pipeline.table.fields import arm_labels, parse_phase
from pipeline.table.counts import count_cell, counts_in_text
from pipeline.table.shifted import realign_shifted_rows


def rows(grid):
    return [r.section if r.section else [c.text if c else None for c in r.cells] for r in grid.rows]


def test_no_alignment_row_and_an_abbreviations_row_under_the_header():
    """'| Trial | ... |' with no '|---|' row, then a row of abbreviations, then a row whose
    cells wrap onto lines that do not start with a pipe (real: PMC7072020's construction)."""
    text = ("2. Finished trials of checkpoint blockers in mesothelioma.\n"
            "| Trial | Phase | Agent | No. | ORR (%) | Median PFS (month) | Median OS (month) | Reference |\n"
            "| MPM, mesothelioma; ORR, objective response rate; PFS, progression-free survival; OS, overall survival. | |||||||\n"
            "| Front line | |||||||\n"
            "| PLEURA-7 | III | Drugumab vs.\n"
            "observation |\n"
            "150 vs. 148 | 21.4 vs. 8.0 | 3.1 vs. 2.9 | 14.2 vs. 11.8 | (31) |\n"
            "| ZX-101 | Ib | Otherumab | 28 | 14.3 | 2.2 | 8.8 | (32) |\n")
    (g,), rejects = read_markdown("t", text)
    assert rejects == [] and g.header[0] == "Trial" and len(g.header) == 8
    assert g.legend.startswith("MPM, mesothelioma; ORR, objective response rate")
    assert g.title == "Finished trials of checkpoint blockers in mesothelioma."
    assert rows(g) == ["Front line",
                       ["PLEURA-7", "III", "Drugumab vs. observation", "150 vs. 148", "21.4 vs. 8.0", "3.1 vs. 2.9",
                        "14.2 vs. 11.8", "(31)"],
                       ["ZX-101", "Ib", "Otherumab", "28", "14.3", "2.2", "8.8", "(32)"]]
    arms = grid_to_arms(g).arms
    # no Treatment column: the agent cell names the arm
    assert [(a["treatment"], a["phase"], a["ref"]) for a in arms] == [
        ("Drugumab vs. observation", "III", "(31)"), ("Otherumab", "I", "(32)")]


def test_no_alignment_row_and_long_distractor_headings():
    """A header without its '|---|' row where long distractor headings (response categories)
    outnumber the known columns: still the header, and the categories are no ORR
    (construction of a PMC review table of first-line trials)."""
    text = ("Table 1. Invented first-line trials.\n"
            "Lead author [ref.] | Mutation class | Patients n | Drug | Stable disease as best overall response % |"
            " Progression or stable disease as best overall response % | Median PFS months |\n"
            "Alder [3] | Common | 140 | Exampinib | 9 | 31 | 8.7 |\n"
            "Birch [4] | Rare | 66 | Exampinib | 12# | 40¶ | 7.9 |\n")
    (g,), rejects = read_markdown("t", text)
    assert rejects == [] and len(g.header) == 7
    got = sorted((m["row"], m["measure"], m["value"]) for m in grid_to_arms(g).measures)
    assert got == [(1, "n", 140), (1, "pfs_median", 8.7), (2, "n", 66), (2, "pfs_median", 7.9)]


def test_header_row_broken_over_lines_with_a_left_pushed_sub_header():
    """A header row broken over lines before its '|---|' row, and a sub-header row the copy
    pushed to the left ('Median | P | Median | P' belongs under PFS and OS): each group takes
    its share, the P columns are no medians (construction of a PMC review table)."""
    text = ("Table 3.\n"
            "Trial | Year | Regimen | No. of Patients | PFS |\n"
            "OS |\n"
            "||\n"
            "---|---|---|---|---|---|---|---|\n"
            "Median | P | Median | P | ||||\n"
            "Oak et al12 | 2004 | Drug A × 4 cycles | 120 | 4 months | .3 | 9 months | .5 |\n"
            "Drug A × 8 cycles | 118 | 5 months | 11 months | ||||\n"
            "Elm et al14 | 2009 | Drug B × 3 cycles | 90 | 14 weeks | .02 | 30 weeks | .61 |\n")
    (g,), rejects = read_markdown("t", text)
    assert rejects == []
    assert g.header == ("Trial", "Year", "Regimen", "No. of Patients", "PFS Median", "P (PFS)", "OS Median", "P (OS)")
    got = sorted((m["row"], m["measure"], round(m["value"], 2)) for m in grid_to_arms(realign_shifted_rows(g)).measures)
    assert got == [(1, "n", 120), (1, "os_median", 9.0), (1, "pfs_median", 4.0),
                   (2, "n", 118), (2, "os_median", 11.0), (2, "pfs_median", 5.0),
                   (3, "n", 90), (3, "os_median", round(30 * 7 / 30.4375, 2)), (3, "pfs_median", round(14 * 7 / 30.4375, 2))]


def test_three_level_header_pushed_to_the_left():
    """One heading over all outcome columns, a row of outcome headings, and a row of
    sub-columns for the first two of them, both rows pushed to the left by the copy: each
    heading takes its share (construction of a PMC review table of liver-cancer trials)."""
    text = ("Table 2.\n"
            "Trial | Regimen | Main Efficacy Results | |||||\n"
            "---|---|---|---|---|---|---|---|\n"
            "OS | PFS | ORR | Grade ≥3 AEs | ||||\n"
            "Median (Months) | HR (95% CI) | Median (Months) | HR (95% CI) | ||||\n"
            "First-line | |||||||\n"
            "OAK-9 | Exampinib vs placebo | 11.2 vs 8.4 | 0.71 (0.58–0.86) | 4.9 vs 2.6 | 0.55 (0.44–0.69) | 7% vs 2% | 61% vs 40% |\n")
    (g,), rejects = read_markdown("t", text)
    assert rejects == []
    assert g.header == ("Trial", "Regimen", "OS Median (Months)", "HR (95% CI) (OS)", "PFS Median (Months)",
                        "HR (95% CI) (PFS)", "ORR", "Grade ≥3 AEs")
    got = sorted((m["measure"], m["population"], m["value"]) for m in grid_to_arms(g).measures)
    assert got == [("orr", "Exampinib", 7.0), ("orr", "placebo", 2.0), ("os_median", "Exampinib", 11.2),
                   ("os_median", "placebo", 8.4), ("pfs_median", "Exampinib", 4.9), ("pfs_median", "placebo", 2.6)]


def test_heading_above_the_alignment_row_and_the_column_names_under_it():
    """'After first line | ||||' over the '|---|' row and the column names on the row under
    it: the names are the header, the heading a section whose line is the one after the first
    (construction of a PMC review table of biliary-cancer trials)."""
    text = ("Table 3.\n"
            "After First-Line | ||||\n"
            "---|---|---|---|---|\n"
            "Study | Number and Type of Patients | Study Arms | PFS | OS |\n"
            "Birch et al. [4] Phase II trial | 31 advanced BTC previously treated | Drug Z 20 mg/day |"
            " 2.9 months (95% CI, 1.8 to 4.0 months) | 7.2 months (95% CI, 5.1 to 9.9 months) |\n")
    (g,), rejects = read_markdown("t", text)
    assert rejects == [] and g.header == ("Study", "Number and Type of Patients", "Study Arms", "PFS", "OS")
    res = grid_to_arms(g)
    assert [(a["section"], a["line"]) for a in res.arms] == [("After First-Line", 2)]
    assert sorted((m["measure"], m["value"]) for m in res.measures if m["measure"] != "n") == [
        ("os_median", 7.2), ("pfs_median", 2.9)]


@pytest.mark.parametrize("text, line", [
    ("After first-line", 2), ("Beyond second line", 3), ("Progression on first-line therapy", 2),
    ("First-line", 1), ("Second-line and beyond", 2), ("Third or later line", 3),
    # PMC11149099 Table 1 (wild round 4): section rows naming a drug's generation, no line
    ("1st generation", None), ("2nd-generation ALK inhibitors", None),
    ("Third-generation EGFR TKI, first line", 1),
])
def test_line_after_a_named_line(text, line):
    from pipeline.table.fields import parse_line
    assert parse_line(text) == line


def test_cells_ended_by_pipes_over_lines_without_any():
    """Every cell ends with '|', a cell's first line may hold no pipe at all ('ALPHA trial'
    then 'Doe et al |'), and a section row is '| |||||' (real: PMC10335166's construction)."""
    text = ("Table 4.\n"
            "Trial and author | N | Primary site | Treatment | ORR (%) | OS (median) |\n"
            "---|---|---|---|---|---|\n"
            "Later lines | |||||\n"
            "ALPHA trial\n"
            "Doe et al |\n"
            "61 | 30 lung LC-NEC 31 GEP NECs |\n"
            "Drugumab | 12.5% |\n"
            "8.1 mo |\n"
            "Roe et al | 22 | G3 NENs (12 GEP, 10 NEC) | Otherumab | 4.5% | 6.0 mo |\n")
    (g,), _ = read_markdown("t", text)
    assert rows(g) == ["Later lines",
                       ["ALPHA trial Doe et al", "61", "30 lung LC-NEC 31 GEP NECs", "Drugumab", "12.5%", "8.1 mo"],
                       ["Roe et al", "22", "G3 NENs (12 GEP, 10 NEC)", "Otherumab", "4.5%", "6.0 mo"]]
    ns = sorted((m["row"], m["population"], m["value"]) for m in grid_to_arms(g).measures if m["measure"] == "n")
    assert ns == [(1, "GEP NECs", 31), (1, "all", 61), (1, "lung LC-NEC", 30),
                  (2, "GEP", 12), (2, "NEC", 10), (2, "all", 22)]


def test_sub_header_row_is_merged_into_the_header():
    text = ("| Study | Regimen | ORR | Median PFS | Median OS |\n"
            "|---|---|---|---|---|\n"
            "| | | (%) | (months) | (months) |\n"
            "| OMEGA-2 | Drugumab | 18 | 4.4 | 11.0 |\n")
    (g,), _ = read_markdown("t", text)
    assert g.header == ("Study", "Regimen", "ORR (%)", "Median PFS (months)", "Median OS (months)")
    assert rows(g) == [["OMEGA-2", "Drugumab", "18", "4.4", "11.0"]]


def test_a_file_with_pipes_but_no_table_is_an_error():
    with pytest.raises(InputError):
        read_markdown("t", "Some | text with a pipe\nand nothing else | here\n")


def test_rows_that_dropped_their_spanned_first_cell_are_placed_alike():
    """Rows that lost a spanned Agent cell end '| |' (real: PMC8016392's construction): all of
    them move one column right, by the shapes the table's full rows show, and the agent fills."""
    text = ("Agent | Trial | Phase | Line of therapy | Treatment arms | Primary end point | Publish year |\n"
            "---|---|---|---|---|---|---|\n"
            "Drugumab | ALPHA-1 (NCT01111111) | Phase II | Second line | Drugumab 3 mg/kg | ORR: 12.0% | 2019 |\n"
            "ALPHA-2 (NCT02222222) | Phase III | Second line | Drugumab 240 mg | mOS: 7.1 m | 2020 | |\n"
            "Otherumab | BETA-1 (NCT03333333) | Phase Ib | Third line | Otherumab 10 mg/kg | ORR: 30% | 2018 |\n"
            "BETA-2 (NCT04444444) | Phase Ib/phase II | Third line | Otherumab 200 mg | ORR: 19.0% | 2021 | |\n"
            "pooled analysis of BETA-1 and BETA-2 | Phase II | Third line | Otherumab 200 mg | ORR: 21.0% | 2022 | |\n")
    (g,), _ = read_markdown("t", text)
    g = realign_shifted_rows(g)
    assert [r.cells[0] is None and r.cells[1] is not None for r in g.rows] == [False, True, False, True, True]
    arms = grid_to_arms(g).arms
    assert [(a["agent"], a["trial_id"], a["phase"], a["line"], a["filled"]) for a in arms] == [
        ("Drugumab", "NCT01111111", "II", 2, []), ("Drugumab", "NCT02222222", "III", 2, ["agent"]),
        ("Otherumab", "NCT03333333", "I", 3, []), ("Otherumab", "NCT04444444", "I/II", 3, ["agent"]),
        ("Otherumab", None, "II", 3, ["agent"])]


def test_control_arm_row_does_not_inherit_the_study_regimen():
    """A row naming its own agent but no regimen is not the arm above (issue 13: 'CT1')."""
    text = ("| Trial | Agent | Treatment | N | ORR (%) |\n|---|---|---|---|---|\n"
            "| GAMMA-3 | Drugumab | Drugumab + chemo | 120 | 31 |\n"
            "| | CT1 | | 118 | 20 |\n")
    (g,), _ = read_markdown("t", text)
    arms = grid_to_arms(g).arms
    assert [(a["agent"], a["treatment"], a["drugs"]) for a in arms][1] == ("CT1", None, [])


@pytest.mark.parametrize("cell,phase,design", [
    ("I-II", "I/II", None), ("Ib-II", "I/II", None), ("Phase Ib/phase II", "I/II", None),
    ("III/ ≥3L", "III", None), ("Phaseiii", "III", None), ("II randomized", "II", "randomized"),
    ("III, randomized", "III", "randomized"), ("Retrospective", None, "Retrospective"), ("NA", None, None),
])
def test_phase_cells(cell, phase, design):
    assert parse_phase(cell) == (phase, design)


@pytest.mark.parametrize("cell,rest,ref", [
    ("Drugumab vs. drugumab-otherine [14••]", "Drugumab vs. drugumab-otherine", "[14••]"),
    ("Drugumab-otherine vs. drugumab[9]", "Drugumab-otherine vs. drugumab", "[9]"),
    ("OMEGA Smith B et al. (4,11)", "OMEGA Smith B et al.", "(4,11)"),
    ("ZETA-12 [31, 32]", "ZETA-12", "[31, 32]"),
    ("Drugumab (3 mg/kg)", "Drugumab (3 mg/kg)", None),
    ("(12)", "(12)", None),
])
def test_refs_glued_to_names(cell, rest, ref):
    assert split_citation(cell) == (rest, ref)


@pytest.mark.parametrize("treatment,labels", [
    ("Drugumab 1 vs 5 mg/kg", ["1 mg/kg", "5 mg/kg"]),
    ("Drugumab 20 mg/kg vs. 900 mg", ["20 mg/kg", "900 mg"]),
    ("Drugumab 5 mg/kg every 3 weeks vs every 6 weeks", ["Drugumab every 3 weeks", "Drugumab every 6 weeks"]),
    ("Lanreotide 120 mg every 28 days vs. placebo", ["Lanreotide", "placebo"]),
    ("Drug A (A) vs drug A + vaccine (B) vs vaccine (C)", ["A", "B", "C"]),
    ("Drugumab vs. otherine-docetaxel phase III", ["Drugumab", "otherine-docetaxel"]),
])
def test_arm_labels(treatment, labels):
    assert arm_labels(treatment) == labels


@pytest.mark.parametrize("cell,qualifier,counts", [
    ("312 (40)", "SS", [(None, 312), ("SS", 40)]),
    ("150 (98 KRAS wild-type)", None, [(None, 150), ("KRAS wild-type", 98)]),
    ("12 (Ia) + 90 (II). SS: 4", None, [("Ia", 12), ("II", 90), ("SS", 4)]),
    ("201 vs. 202", None, None),
    ("48", None, None),
])
def test_count_cells(cell, qualifier, counts):
    got = count_cell(cell, qualifier)
    assert (None if got is None else [(c.label, c.value) for c in got]) == counts


@pytest.mark.parametrize("cell,counts", [
    ("70 lung LC-NEC 80 GEP NECs", [("lung LC-NEC", 70), ("GEP NECs", 80)]),
    ("NENs any site (11 G3, 9 GEP, 5 GEP NECs)", [("G3", 11), ("GEP", 9), ("GEP NECs", 5)]),
    ("G2-3 NENs (Ki67 > 20%) (15 GEP, 12 NEC)", [("GEP", 15), ("NEC", 12)]),
    ("Stage 4 NSCLC", []), ("3 cohorts STS including SS", []), ("C2: G3 GEP NENs", []),
    ("Advanced HCC, first line N = 61", [(None, 61)]),
    # arm counts run into the population text after them: the next phrase is no label
    # (construction of a PMC review table; lower-case arm names give no label at all)
    ("all: 88 drugumab, 90 placebo Advanced gastric cancer after two lines", []),
    ("31 pulmonary LCNEC", [("pulmonary LCNEC", 31)]),
    # 'label: count' pairs: a count's label is the one before it, never the next pair's
    ("GC (PD-L1 any): D1P3: 40 D3P1: 45 D3: 51", []),
    ("61 Drugumab, 60 Placebo Advanced gastric cancer after two lines", [("Drugumab", 61)]),
])
def test_counts_in_site_cells(cell, counts):
    assert [(c.label, c.value) for c in counts_in_text(cell)] == counts


def test_headers_with_a_unit_and_an_interval():
    """'OS (months) (95% CI)': the unit holds although the interval follows it."""
    from conftest import DATA
    (g,), _ = read_markdown("t", (DATA / "invented" / "markdown_phase_author_ci_headers.md").read_text("utf-8"))
    res = grid_to_arms(g)
    assert [(a["phase"], a["line"], a["n_total"], a["pfs_median_months"], a["os_median_months"]) for a in res.arms] == [
        ("I", 2, 48, None, 8.8), ("II", 3, 121, 2.1, 7.9), ("II", 2, 41, 4.0, None), ("III", 2, 290, 3.3, 9.9)]
    os_ = [(m["row"], m["value"], m["not_reached"], m["unit_as_reported"]) for m in res.measures if m["measure"] == "os_median"]
    assert os_ == [(1, 8.8, False, "months"), (2, 7.9, False, "months"), (3, None, True, "months"),
                   (4, 9.9, False, "months")]


def test_row_that_lost_its_first_value_cell_is_placed_by_the_value_ranges():
    """'| 5.2 | 28.4 | – | |' under OS | PFS | ORR | EFS (%) when the OS cell was empty: the
    5.2 is a median PFS (the column's other rows hold 2-9), the 28.4 an ORR (12-47), the '–'
    the EFS cell, which the other rows all fill (construction of a PMC review table)."""
    text = ("Table 1.\n"
            "Trial name | Primary outcome | Treatment arms | Median OS (months) | Median PFS (months) | ORR (%) "
            "| 2 year-EFS (%) |\n"
            "---|---|---|---|---|---|---|\n"
            "SPRUCE-3 [7] | PFS | Drugumab q4w | 5.2 | 28.4 | – | |\n"
            "Drugumab q8w | 27.1 | 4.8 | 30.2 | – | ||\n"
            "ALDER-2 [8] | EFS | Placebo | – | – | – | 48.3 |\n"
            "Otherumab | – | – | – | 57.6 | ||\n"
            "BIRCH-5 [9] | OS | Otherumab + chemo | 13.4 | 3.1 | 17.5 | – |\n"
            "Chemo | 8.7 | 2.6 | 12.2 | – | ||\n"
            "CEDAR-1 | OS | Drugumab | 12.8 | 2.4 | 13.1 | – |\n"
            "MAPLE-9 [10] | PFS, OS | Drugumab + otherumab | 21.6 | 8.9 | 46.8 | – |\n")
    (g,), rejects = read_markdown("t", text)
    assert rejects == []
    got = sorted((m["measure"], m["value"]) for m in grid_to_arms(realign_shifted_rows(g)).measures if m["row"] == 1)
    assert got == [("orr", 28.4), ("pfs_median", 5.2)]


def test_a_sentence_on_a_line_of_its_own_goes_on_with_the_cell_above():
    """PMC5422557 Table 5 (wild round 5): the next lines of a row's toxicity cell, each a row of
    one cell ('| 2 patients died due to TRAE ... | |||||||'), are no section rows; a short
    name on such a row still is (invented names and numbers)."""
    text = ("Table 1.\n"
            "| Trial | N | Drug | ORR, % | Toxicity findings |\n"
            "|---|---|---|---|---|\n"
            "| OAK-1 | 120 | Exampumab | 14 | 12% of patients had grade 3-4 TRAEs |\n"
            "| 2 patients died of TRAEs (1 colitis and 1 hepatitis) | ||||\n"
            "| Second line | ||||\n"
            "| ELM-2 | 80 | Samplumab | 9 | No deaths were reported |\n")
    (g,), rejects = read_markdown("t", text)
    assert [r.section for r in g.rows] == [None, "Second line", None]
    tox = g.rows[0].cells[4]
    assert tox.text == "12% of patients had grade 3-4 TRAEs 2 patients died of TRAEs (1 colitis and 1 hepatitis)"
    assert tox.flags == ("lines_joined_by_guess",)
    got = sorted((m["row"], m["measure"], m["population"], m["value"]) for m in grid_to_arms(g).measures)
    assert got == [(1, "n", "all", 120), (1, "orr", "all", 14.0), (2, "n", "all", 80), (2, "orr", "all", 9.0)]
