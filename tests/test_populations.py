"""Whom a value is for (its `population`), one construction per case, with invented words and
numbers: arms a results cell names ("A vs B: ..."), subgroup comparisons of the arms, subgroups
each heading its value, regimens stacked with their counts, unlabelled value pairs beside a
labelled cell."""
from __future__ import annotations

import pytest

from pipeline.model import Cell, Grid, GridRow
from pipeline.outcomes.freetext import parse_outcomes
from pipeline.outcomes.grammar.populations import arms_header
from pipeline.table.arms import grid_to_arms
from pipeline.table.cell_measures import numeric_cell_measures
from pipeline.table.header import classify_header


def _grid(header, rows):
    return Grid(source="t", label="Table 1", title=None, header=tuple(header),
                rows=tuple(GridRow(tuple(Cell(c) if c is not None else None for c in r), line=k + 2)
                           for k, r in enumerate(rows)))


def _row_measures(header, rows):
    res = grid_to_arms(_grid(header, rows))
    return sorted((m["row"], m["measure"], m["population"], m["value"]) for m in res.measures)


def _cell(header, text, labels=None):
    return [(m.population, m.value, m.not_reached) for m in numeric_cell_measures(text, classify_header(header), labels)]


@pytest.mark.parametrize("text, names", [
    ("Zeta vs Zeta-Mab: Liver: 3.1% vs 9.9%", ["Zeta", "Zeta-Mab"]),     # PMC10335166 T2 (rewritten)
    ("Drug K versus placebo: 12 vs 4", ["Drug K", "placebo"]),
    ("6 wk Zeta vs Zeta-Mab: Liver: 3.1% vs 9.9%", ["Zeta", "Zeta-Mab"]),  # a landmark run into the cell
    # not arm names: a label of one group, a measure with arms in parentheses, values, a dose
    ("OCT: 14.3 m vs. placebo: 6.0 m", None),
    ("mPFS(drug vs. placebo): 7.2 vs 5.7", None),
    ("ORR 12% vs 10%: later", None),
    ("Arm 1 vs Arm 2: 3 vs 4", None),
    ("Drugumab 2 vs 10 mg/kg: 3", None),
])
def test_arms_header(text, names):
    assert arms_header(text) == names


@pytest.mark.parametrize("header, text, labels, want", [
    # each subgroup compares the arms the cell names first (PMC10335166 T2, rewritten)
    ("ORR (%)", "Zeta vs Zeta-Mab: Liver: 3.1% vs 9.9% Bone: 4.4% vs 12.0%", ["Zetumab", "zetumab + mabumab"],
     [("Zeta, Liver", 3.1, False), ("Zeta-Mab, Liver", 9.9, False), ("Zeta, Bone", 4.4, False),
      ("Zeta-Mab, Bone", 12.0, False)]),
    # no names in the cell: the row's arms, else numbered arms
    ("ORR (%)", "Liver: 3.1% vs 9.9%", ["Zetumab", "placebo"], [("Zetumab, Liver", 3.1, False),
                                                                ("placebo, Liver", 9.9, False)]),
    ("ORR (%)", "Liver: 3.1% vs 9.9%", None, [("arm 1, Liver", 3.1, False), ("arm 2, Liver", 9.9, False)]),
    # subgroups each heading their value (PMC10335166 T2 Lu et al., rewritten)
    ("ORR (%)", "All patients 31% Colon NET 12% Rare sites 40% Ki-67 < 5 18% MSI-H 60%", None,
     [("all", 31.0, False), ("Colon NET", 12.0, False), ("Rare sites", 40.0, False), ("Ki-67 < 5", 18.0, False),
      ("MSI-H", 60.0, False)]),
    ("mOS (months)", "Alpha 3.1 mo Beta NR", None, [("Alpha", 3.1, False), ("Beta", None, True)]),
])
def test_cell_populations(header, text, labels, want):
    assert _cell(header, text, labels) == want


@pytest.mark.parametrize("text", [
    "ORR 20% DCR 60%",           # measures are no subgroups
    "Alpha 20% Beta 30",         # values written unlike each other
    "Alpha 20% Alpha 30%",       # one subgroup twice
    "median 4.1 mo Beta 3.0 mo",
    "Gamma 20%",                 # one pair is the single-subgroup reader's
])
def test_no_subgroup_list(text):
    from pipeline.table.cell_measures import labelled_values

    assert labelled_values(text) is None


def test_subgroup_comparison_flags_unnamed_arms():
    got = numeric_cell_measures("Liver: 3.1% vs 9.9%", classify_header("ORR (%)"), None)
    assert [m.flags for m in got] == [("arm_unnamed",), ("arm_unnamed",)]


def test_arms_a_results_cell_names_are_the_rows_arms():
    """PMC10335166 T2 (rewritten): the ORR cell names the arms 'Zeta vs Zeta-Mab'; the row's
    other cells compare the same arms and take those names, not the treatment's long ones."""
    got = _row_measures(["Trial", "Treatment", "ORR (%)", "PFS (median)"],
                        [["OMEGA", "Zetumab vs zetumab + mabumab", "Zeta vs Zeta-Mab: Liver: 3.1% vs 9.9%",
                          "2.2 vs 2.9 mo"]])
    assert got == [(1, "orr", "Zeta, Liver", 3.1), (1, "orr", "Zeta-Mab, Liver", 9.9),
                   (1, "pfs_median", "Zeta", 2.2), (1, "pfs_median", "Zeta-Mab", 2.9)]


def test_free_text_arms_header():
    res = parse_outcomes("Zeta vs Zeta-Mab: mPFS 3.1 vs 4.2 months")
    assert [(m.measure, m.population, m.value) for m in res.measures] == [
        ("pfs_median", "Zeta", 3.1), ("pfs_median", "Zeta-Mab", 4.2)]


@pytest.mark.parametrize("text, want", [
    ("Drugin + VX-2 (141) Platin + VX-2 (58) Platin + VX-2 + VINO(19)",       # PMC8346445 Tab3 (rewritten)
     [("Drugin + VX-2", 141), ("Platin + VX-2", 58), ("Platin + VX-2 + VINO", 19)]),
    ("Alpha (n = 12) Beta (n = 9)", [("Alpha", 12), ("Beta", 9)]),
    ("Drugin (9)", []),                          # one regimen: its parenthesis may be a citation
    ("Drugin (10) vs placebo (12)", []),         # arms compared are named by their own rule
    ("Smith (2016) Drugin (3)", []),             # a year is no count
    ("Drugin + VX-2 (41) then Platin", []),      # text after the list
])
def test_regimen_counts(text, want):
    from pipeline.table.counts import regimen_counts

    assert [(c.label, c.value) for c in regimen_counts(text)] == want


@pytest.mark.parametrize("cell, rest, cite", [
    ("Drugin + VX-2 (141) Platin + VX-2 (58)", "Drugin + VX-2 (141) Platin + VX-2 (58)", None),  # counts
    ("Drugin (2016) et al. (12)", "Drugin (2016) et al.", "(12)"),    # a year before the citation
    ("Drugin (7)", "Drugin", "(7)"),
])
def test_last_count_of_a_list_is_no_citation(cell, rest, cite):
    from pipeline.normalize.refs import split_citation

    assert split_citation(cell) == (rest, cite)


def test_stacked_regimens_and_their_values():
    """PMC8346445 Tab3 (rewritten): a treatment cell stacks regimens with their counts, each
    outcome cell stacks one value per regimen; a single value is the whole cohort's."""
    got = _row_measures(["Author", "N", "Treatment", "ORR (%)", "mPFS (months)"],
                        [["Nemo et al. 2019", "230", "Drugin + VX-2 (141) Platin + VX-2 (89)", "33.0 21.0", "5.1"]])
    assert got == [(1, "n", "Drugin + VX-2", 141.0), (1, "n", "Platin + VX-2", 89.0), (1, "n", "all", 230.0),
                   (1, "orr", "Drugin + VX-2", 33.0), (1, "orr", "Platin + VX-2", 21.0),
                   (1, "pfs_median", "all", 5.1)]


def test_listed_values_take_the_subgroups_a_sibling_cell_names():
    """PMC9600578 t001 (rewritten): 'AA: 6.1% BB: 38.0%' names the subgroups; '3 months 5.5
    months' beside it lists their medians in the same order."""
    got = _row_measures(["Trial", "Treatment", "ORR", "Median PFS"],
                        [["ZETA-7", "Drugumab", "AA: 6.1% BB: 38.0%", "3 months 5.5 months"]])
    assert got == [(1, "orr", "AA", 6.1), (1, "orr", "BB", 38.0), (1, "pfs_median", "AA", 3.0),
                   (1, "pfs_median", "BB", 5.5)]


@pytest.mark.parametrize("text, labels, want", [
    ("12.0 9.5", ["Alpha", "Beta"], [("Alpha", 12.0, False), ("Beta", 9.5, False)]),
    ("4.4 mo NR", ["Alpha", "Beta"], [("Alpha", 4.4, False), ("Beta", None, True)]),
])
def test_listed_values_one_per_arm(text, labels, want):
    assert _cell("mOS (months)", text, labels) == want


def test_listed_values_without_as_many_arms_are_not_placed():
    from pipeline.table.cell_measures import _listed_values

    spec = classify_header("mOS (months)")
    assert _listed_values("12.0 9.5 7.0", spec, ["Alpha", "Beta"], None) is None
    # with no arms named at all, each value is an unnamed arm's (flagged arm_unnamed by the
    # caller) rather than two values of the one cohort, or none ("196 199" under N)
    from pipeline.outcomes.review import NrMeaning
    assert [m.population for m in _listed_values("12.0 9.5", spec, None, NrMeaning(None))] == ["arm 1", "arm 2"]
    assert _listed_values("12.0 (9.5)", spec, ["Alpha", "Beta"], None) is None


def test_a_median_of_no_time_is_no_value():
    """PMC8326384 TB1 (rewritten): 'NR vs. 14 0.0 m' - a stray '0.0' after the comparison is no
    median (nothing lasts no time); the comparison keeps its arms."""
    res = parse_outcomes("NR vs. 14 0.0 m", ["Alpha", "Beta"], default="pfs_median")
    assert [(m.population, m.value, m.not_reached) for m in res.measures] == [("Alpha", None, True),
                                                                             ("Beta", 14.0, False)]
    assert [(n.text, n.rule) for n in res.narrative] == [("0.0", "no_rule")]


@pytest.mark.parametrize("kind, text, fits", [
    ("pfs_median", "X: 2.9 mo Y: 3.3 mo", True),       # PMC10335166 T2 (rewritten): each arm labels its value
    ("os_median", "X: NR Y: 6.1 mo", True),
    ("orr_pct", "X: 9% Y: 4%", True),
    ("orr_pct", "X: 2.9 mo Y: 3.3 mo", False),          # a median's values are no rate's
    # values without their unit are subgroup-labelled values ("All" or capitals label them):
    # they fit a value column, which one is left to the row (tests/test_plain_rows.py)
    ("os_median", "All: 12 SS: 40", True),
])
def test_pasted_cell_of_labelled_values_fits_its_column(kind, text, fits):
    from pipeline.model import Line
    from pipeline.table.align import NEG, TableContext, score_cell, tokenize_lines

    ctx = TableContext.of_table(None, "Drugumab")
    got = score_cell(kind, tokenize_lines([Line(1, text)], {}), ctx)
    assert (got > 0) is fits, got
    assert got != NEG or not fits


@pytest.mark.parametrize("text, want", [
    ("Cohort 1 (dose finding)/Cohort 2 (expansion)", ["Cohort 1", "Cohort 2"]),     # PMC7001551 t0010 (rewritten)
    ("Arm A/ Arm B/Arm C", ["Arm A", "Arm B", "Arm C"]),
    ("Cohort 1", None),                  # one group
    ("Cohort 1/2", None),                # the second is no group's name
    ("Non-randomised, single arm", None),
])
def test_slashed_groups(text, want):
    from pipeline.table.fields import slashed_groups

    assert slashed_groups(text) == want


def test_values_split_by_a_slash_go_to_the_groups_a_cell_names():
    """PMC7001551 t0010 (rewritten): 'Cohort 1 (...)/Cohort 2 (...)' in the design cell, each
    value cell 'x /y' one value per cohort, the count cell '31/190' too."""
    got = _row_measures(["Agent", "Design", "n", "ORR", "OS"],
                        [["Drugumab", "Cohort 1 (dose finding)/Cohort 2 (expansion)", "31/190", "12% /18%",
                          "11.5 /9.0"]])
    assert got == [(1, "n", "Cohort 1", 31.0), (1, "n", "Cohort 2", 190.0), (1, "orr", "Cohort 1", 12.0),
                   (1, "orr", "Cohort 2", 18.0), (1, "os_median", "Cohort 1", 11.5), (1, "os_median", "Cohort 2", 9.0)]


@pytest.mark.parametrize("kind, text", [
    ("primary_sites", "EP-NETs (4 + 19 GEP) Part"),       # PMC10335166 T2: "Part | A: Drugumab"
    ("phase", "Cohort 1 (dose finding)/Cohort"),            # PMC7001551 t0010: "/Cohort | 2 (expansion)"
])
def test_a_pasted_cell_does_not_end_on_a_groups_naming_word(kind, text):
    from pipeline.model import Line
    from pipeline.table.align import NEG, TableContext, score_cell, tokenize_lines

    ctx = TableContext.of_table(None, "Drugumab")
    assert score_cell(kind, tokenize_lines([Line(1, text)], {}), ctx) == NEG
