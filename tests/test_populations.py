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
