"""Review flags, one mechanism at a time: case tables with where each case comes from.
Invented inputs keep the construction of the real table that showed the mechanism."""
from dataclasses import replace

import pytest

from pipeline.model import Cell, Grid, GridRow, Line, TextTable
from pipeline.outcomes.review import (cell_flags, clash_flags, consistency_flags, is_nr_abbreviation, nr_meaning,
                                     value_flags)
from pipeline.table.arms import grid_to_arms
from pipeline.table.header import classify_header


# (measure, value, as reported, unit written, column measure) -> flags; provenance in the id
VALUE_CASES = [
    ("pfs_median", 6.8, "6.8", "months", "pfs_median", [], "plain-median"),
    ("os_median", 2016.0, "2016", None, "os_median", ["value_kind_mismatch"], "real-year-shifted-into-OS"),
    ("n", 1991.0, "1991", None, "n", ["value_kind_mismatch"], "real-year-under-n"),
    ("n", 206.0, "206", None, "n", [], "plain-count"),
    ("pfs_median", 257.0, "257", None, "pfs_median", ["value_kind_mismatch"], "real-count-under-median"),
    ("pfs_median", 12.0, "12", "%", "pfs_median", ["value_kind_mismatch"], "percent-under-median"),
    ("orr", 4.9, "4.9", "months", "orr", ["value_kind_mismatch"], "duration-under-rate"),
    ("orr", 19.4, "19.4", "%", "orr", [], "percent-under-rate"),
    # wild round 4 (PMC11707515 Table 3, PMC6424488 Table 1, plain copies): hazard ratios read
    # as a response rate and a median when the stacked arms' cells were misplaced
    ("orr", 0.58, "0.58", None, "orr", ["value_kind_mismatch"], "real-hazard-ratio-under-rate"),
    ("pfs_median", 0.897, "0.897", None, "pfs_median", ["value_kind_mismatch"], "real-hazard-ratio-under-median"),
    ("pfs_median", 1.45, "1.45", "months", "pfs_median", [], "real-short-median-PMC8016392"),
    ("orr", 0.5, "0.5", "%", "orr", [], "invented-small-rate"),
]


@pytest.mark.parametrize("measure,value,rep,unit,col,want", [c[:6] for c in VALUE_CASES],
                         ids=[c[6] for c in VALUE_CASES])
def test_value_flags(measure, value, rep, unit, col, want):
    assert value_flags(measure, value, rep, unit, col) == want


@pytest.mark.parametrize("legend,notes,meaning", [
    ({"NR": "not reported"}, (), "not_reported"),
    ({"NR": "not reached"}, (), "not_reached"),
    ({"NE": "not evaluable"}, (), None),
    ({}, ("NR, not evaluable; OS, overall survival.",), "not_reported"),
    ({}, ("NR = not reached",), "not_reached"),
    ({}, (), None),
], ids=["legend-reported", "legend-reached", "other-abbreviation", "note-evaluable", "note-reached", "nothing"])
def test_nr_meaning(legend, notes, meaning):
    assert nr_meaning(legend, notes).meaning == meaning


@pytest.mark.parametrize("text,abbrev", [("NR", True), ("nr", True), ("NE", True), ("not reached", False),
                                         ("Not reached", False), ("12.1", False)])
def test_nr_abbreviation(text, abbrev):
    assert is_nr_abbreviation(text) is abbrev


def test_clash_flags():
    """Two different values of one measure, population and timepoint: both in doubt; the
    same value twice (repeat_flags' business), other populations and timepoints are not."""
    ms = [dict(measure="orr", population="all", value=14.0, not_reached=False),
          dict(measure="orr", population="all", value=21.0, not_reached=False),
          dict(measure="orr", population="HER2-", value=9.0, not_reached=False),
          dict(measure="os_rate", population="all", value=40.0, timepoint_months=12.0, not_reached=False),
          dict(measure="os_rate", population="all", value=22.0, timepoint_months=24.0, not_reached=False),
          dict(measure="pfs_median", population="all", value=3.1, not_reached=False),
          dict(measure="pfs_median", population="all", value=3.1, not_reached=False),
          dict(measure="os_median", population="all", value=None, not_reached=True),
          dict(measure="os_median", population="all", value=8.0, not_reached=False)]
    assert clash_flags(ms) == {0: ["values_clash"], 1: ["values_clash"]}


def test_consistency_flags():
    ms = [dict(measure="pfs_median", population="all", value=32.9, not_reached=False),
          dict(measure="os_median", population="all", value=4.1, not_reached=False),
          dict(measure="orr", population="all", value=20.0, not_reached=False),
          dict(measure="dcr", population="all", value=60.0, not_reached=False),
          dict(measure="pfs_median", population="NET", value=3.0, not_reached=False)]
    assert consistency_flags(ms) == {0: ["inconsistent_values"], 1: ["inconsistent_values"]}


@pytest.mark.parametrize("text,measure,want", [
    ("454 (64)", "n", ["subgroup_unlabelled"]),               # real: 'n (SS)' column, the SS count unlabelled
    ("21% (30%)", "orr", ["subgroup_unlabelled"]),
    ("12.3 vs. 10.3 (15)", "os_median", []),                  # real: a reference number glued to the cell
    ("5.4 (HR 1.11; P = 0.35)", "pfs_median", []),
    ("1.8 (95% CI, 0.9-2.4)", "pfs_median", []),
    ("37", "n", []),
], ids=["count-beside-count", "percent-beside-percent", "reference-after-median", "hr", "ci", "plain"])
def test_cell_flags(text, measure, want):
    assert cell_flags(text, measure) == want


@pytest.mark.parametrize("text,a,b,same", [
    ("mOS 7.1 m (95% CI: 5.2-9.0); ORR 12%", 4, 30, False),
    ("mOS 7.1 m (95% CI: 5.2-9.0); ORR 12%", 4, 19, True),
    ("ORR 12%. mPFS 3.1 months", 4, 15, False),
    ("ORR 12.5% and DCR 40%", 4, 18, True),
], ids=["semicolon", "same-clause", "sentence", "decimal-point-is-no-end"])
def test_same_clause(text, a, b, same):
    from pipeline.outcomes.review import same_clause
    assert same_clause(text, a, b) is same


def test_repeated_value():
    """Real: an endpoint-result column and an OS column both holding '2.2 vs. 1.5 years'."""
    from pipeline.outcomes.review import repeat_flags
    ms = [dict(measure="os_median", population="A", timepoint_months=None, value=26.4, column="endpoint_result"),
          dict(measure="os_median", population="B", timepoint_months=None, value=18.0, column="endpoint_result"),
          dict(measure="os_median", population="A", timepoint_months=None, value=26.4, column="os_median"),
          dict(measure="os_median", population="B", timepoint_months=None, value=18.1, column="os_median")]
    assert repeat_flags(ms) == {2: ["repeated_value"]}


def test_value_between_two_measures():
    """A value right after one named measure and right before another with no value of its
    own: the grammar gives it to the second, and flags it (real: merged cells of landmark rates).
    When the second has its own value, the grammar's rule settles it and nothing is flagged."""
    from pipeline.outcomes.freetext import parse_outcomes
    p = parse_outcomes("DCR 44% 6-mo PFS")
    assert [(f.measure, f.value, f.flags) for f in p.measures] == [("pfs_rate", 44.0, ("measure_ambiguous",))]
    p = parse_outcomes("1 year PFS 17% 1 year OS 58%")
    assert [(f.measure, f.value, f.flags) for f in p.measures] == [("pfs_rate", 17.0, ()), ("os_rate", 58.0, ())]
    p = parse_outcomes("ORR 21%, median PFS 3.3 months")
    assert all(f.flags == () for f in p.measures)


# ---------------------------------------------------------------- through the table stage
def grid(header, rows, legend=None, notes=()):
    return Grid(source="t", label="Table 1", title=None, header=tuple(header),
                rows=tuple(GridRow(cells=tuple(Cell(c, 10 + k) if c else None for c in r), line=10 + k, flags=f)
                           for k, (r, f) in enumerate(rows)), legend=legend, notes=notes, header_line=9)


HEADER = ["Study", "Regimen", "N", "ORR (%)", "mPFS (months)", "mOS (months)"]


def flags_of(res, measure, population="all"):
    return [m["flags"] for m in res.measures if m["measure"] == measure and m["population"] == population]


def test_nr_unsettled_in_a_median_column():
    res = grid_to_arms(grid(HEADER, [(["Alpha-2", "Gem", "40", "15", "3.1", "NR"], ())]))
    assert flags_of(res, "os_median") == [["nr_unsettled"]]
    assert flags_of(res, "pfs_median") == [[]]


def test_nr_settled_by_the_legend_as_not_reached():
    res = grid_to_arms(grid(HEADER, [(["Alpha-2", "Gem", "40", "15", "3.1", "NR"], ())],
                            legend="NR, not reached; ORR, objective response rate"))
    m = [m for m in res.measures if m["measure"] == "os_median"][0]
    assert m["not_reached"] and m["flags"] == []


def test_nr_the_legend_defines_as_not_reported_is_narrative():
    res = grid_to_arms(grid(HEADER, [(["Alpha-2", "Gem", "40", "15", "3.1", "NR"], ())],
                            legend="NR, not reported"))
    assert [m["measure"] for m in res.measures] == ["n", "orr", "pfs_median"]
    assert [(n["column"], n["text"], n["rule"]) for n in res.narrative] == [("os_median", "NR", "nr_not_reported")]


def test_nr_in_a_rate_column_settles_nr_as_not_reported():
    """A response rate is never 'not reached': an 'NR' cell under ORR says what the table's NR
    means, for its survival columns too; a per-cohort '/NR' keeps the other cohort's value."""
    rows = [(["Alpha-2", "Gem", "40", "NR", "3.1", "NR"], ()),
            (["Beta-7", "Cis", "22/30", "18%/25%", "NR/2.6", "7.9"], ())]
    res = grid_to_arms(grid(HEADER, rows))
    got = sorted((m["row"], m["measure"], m["population"], m["value"], m["not_reached"]) for m in res.measures
                 if m["measure"] != "n")
    assert [g for g in got if g[0] == 1] == [(1, "pfs_median", "all", 3.1, False)]
    assert all(not g[4] for g in got)
    assert (2, "pfs_median", "arm 2", 2.6, False) in got and not any(g[:3] == (2, "pfs_median", "arm 1") for g in got)
    assert [(n["row"], n["column"], n["text"]) for n in res.narrative if n["rule"] == "nr_not_reported"] == \
        [(1, "orr_pct", "NR"), (1, "os_median", "NR"), (2, "pfs_median", "NR")]


def test_nr_unsettled_when_no_rate_column_says_it():
    res = grid_to_arms(grid(HEADER, [(["Alpha-2", "Gem", "40", "15", "NR", "NR"], ())]))
    assert flags_of(res, "os_median") == [["nr_unsettled"]] and flags_of(res, "pfs_median") == [["nr_unsettled"]]


def test_row_flags_reach_every_measure_and_misfit_spreads():
    res = grid_to_arms(grid(HEADER, [(["Alpha-2", "Gem", "40", "15", "3.1", "6.2"], ("cells_missing",)),
                                     (["Beta-3", "Cis", "31", "12", "2.2", "2011"], ())]))
    assert res.arms[0]["flags"] == ["cells_missing"]
    assert all(m["flags"] == ["cells_missing"] for m in res.measures if m["row"] == 1)
    assert res.arms[1]["flags"] == ["row_values_misfit"]
    assert {tuple(m["flags"]) for m in res.measures if m["row"] == 2} == {
        ("row_values_misfit",), ("row_values_misfit", "value_kind_mismatch")}


def test_unnamed_arms():
    res = grid_to_arms(grid(["Study", "N", "ORR (%)"], [(["Gamma-1", "80", "30 vs. 12"], ())]))
    assert [(m["population"], m["flags"]) for m in res.measures if m["measure"] == "orr"] == [
        ("arm 1", ["arm_unnamed"]), ("arm 2", ["arm_unnamed"])]


def test_no_rule_in_the_same_cell():
    # the construction of tests/test_outcome_grammar.py's bare-count-is-not-a-median case
    res = grid_to_arms(grid(["Study", "Outcomes"], [(["Delta-4", "mPFS in 35 patients with bone lesions was 4.4 months"], ())]))
    assert [(n["text"], n["rule"]) for n in res.narrative] == [("35", "no_rule")]
    assert [(m["measure"], m["value"], m["flags"]) for m in res.measures] == [("pfs_median", 4.4, ["no_rule_in_cell"])]


# ---------------------------------------------------------------- readers and aligner
def test_markdown_short_row_is_flagged():
    from pipeline.readers.markdown import read_markdown
    text = ("| Study | N | ORR (%) | mOS (months) |\n|---|---|---|---|\n"
            "| Eta-1 | 50 | 20 | 9.9 |\n| Theta-2 | 44 | 31 |\n")
    g = read_markdown("m", text)[0][0]
    assert [r.flags for r in g.rows] == [(), ("cells_missing",)]


@pytest.mark.parametrize("text", [
    # a group heading over two unheaded columns, one per arm, whose names sit on the row under it
    "| Study | DCR (%) | | mOS (months) | |\n|---|---|---|---|---|\n| | Rx | Control | Rx | Control |\n"
    "| Sigma-4 | 71.0 | 52.5 | 13.3 | 9.1 |\n",
])
def test_value_of_one_of_two_paired_columns_is_flagged(text):
    from pipeline.readers.markdown import read_markdown
    res = grid_to_arms(read_markdown("m", text)[0][0])
    got = [(m["measure"], m["population"], m["value"], m["flags"]) for m in res.measures if m["value"] is not None]
    assert got == [("dcr", "all", 71.0, ["column_paired"]), ("os_median", "all", 13.3, ["column_paired"])]


@pytest.mark.parametrize("text", [
    # the same measure again, under another arm's name: each column is that arm's
    "| Study | DCR (%) Rx | DCR (%) Control | OS (months) Rx | OS (months) Control |\n|---|---|---|---|---|\n"
    "| Sigma-4 | 71.0 | 52.5 | 13.3 | 9.1 |\n",
    "| Study | DCR Rx (%) | DCR Control (%) | OS Rx (months) | OS Control (months) |\n|---|---|---|---|---|\n"
    "| Sigma-4 | 71.0 | 52.5 | 13.3 | 9.1 |\n",
    "| Study | DCR (%) Rx | DCR (%) Control | mOS (months) Rx | mOS (months) Control |\n|---|---|---|---|---|\n"
    "| Sigma-4 | 71.0 | 52.5 | 13.3 | 9.1 |\n",
])
def test_columns_of_one_measure_named_by_arm_hold_each_arms_value(text):
    from pipeline.readers.markdown import read_markdown
    res = grid_to_arms(read_markdown("m", text)[0][0])
    got = [(m["measure"], m["population"], m["value"], m["unit"], m["flags"]) for m in res.measures]
    assert got == [("dcr", "Rx", 71.0, "%", []), ("dcr", "Control", 52.5, "%", []),
                   ("os_median", "Rx", 13.3, "months", []), ("os_median", "Control", 9.1, "months", [])]
    assert res.arms[0]["dcr_pct"] is None and res.arms[0]["os_median_months"] is None


def test_a_ci_beside_its_value_names_no_arm():
    from pipeline.table.header import table_specs
    assert [sp.arm for sp in table_specs(["Study", "ORR (%)", "ORR 95% CI", "PFS A", "PFS A"])] == [None] * 5


def test_measure_column_beside_another_measure_is_not_paired():
    from pipeline.readers.markdown import read_markdown
    text = "| Study | N | Patients | mOS (months) | mPFS (months) |\n|---|---|---|---|---|\n| Tau-9 | 64 | PX2 positive | 8.8 | 3.0 |\n"
    res = grid_to_arms(read_markdown("m", text)[0][0])
    assert [(m["measure"], m["value"], m["flags"]) for m in res.measures] == [
        ("n", 64.0, []), ("os_median", 8.8, []), ("pfs_median", 3.0, [])]


def text_table(body: list[str]) -> TextTable:
    return TextTable(source="p", label="Table 1", title=None,
                     header=Line(5, "Study Regimen N ORR (%) mPFS (months) mOS (months)"),
                     body=tuple(Line(6 + k, t) for k, t in enumerate(body)), legend=None)


def test_pasted_row_with_a_dropped_value_cell():
    """Real (PMC plain copies drop '–' cells): three numbers for ORR, mPFS and mOS; which cell
    the copy dropped is a guess, so the cells that another reading would change are flagged."""
    from pipeline.table.align import text_table_to_grid
    g = text_table_to_grid(text_table(["Kappa-1 Gem + Cis 120 22.5 5.5 11.0", "Lambda-2 Gem 60 14.0 8.1"]))
    assert g.rows[0].flags == () and all(c.flags == () for c in g.rows[0].cells if c)
    doubtful = [c.text for c in g.rows[1].cells if c and "close_alignment" in c.flags]
    assert doubtful == ["60", "14.0", "8.1"]      # "60" could as well be the ORR, N dropped


def test_numbers_crammed_into_an_unmapped_column():
    """Real: a header split wrongly left values under 'Year of publication' ('35a 65'): values
    with no column of their own (unfit_tokens); a year alone there is no doubt."""
    from pipeline.table.align import _crammed_numbers, tokenize_lines
    assert _crammed_numbers(tokenize_lines([Line(1, "41b 59")]))
    assert not _crammed_numbers(tokenize_lines([Line(1, "2011")]))
    assert not _crammed_numbers(tokenize_lines([Line(1, "4.2 vs. 3.1")]))


def test_row_with_a_value_column_holding_text():
    """Real: a dose ('15 mg/kg vs. 1,200 mg') taken by the N column: the row's values may sit a
    column off (unfit_tokens on the whole row)."""
    from pipeline.table.align import text_table_to_grid
    g = text_table_to_grid(text_table(["Kappa-1 Gem + Cis 120 22.5 5.5 11.0",
                                       "Lambda-2 Gem 60 14.0 8.1 9.9",
                                       "Mu-3 Gem 44 to 61 mostly 12.0 3.3 7.7"]))
    assert g.rows[0].flags == () and g.rows[1].flags == ()
    # the doubt is on the row (unfit_tokens) or on the value cells a close reading moves
    r = g.rows[2]
    assert "unfit_tokens" in r.flags or any(c is not None and "close_alignment" in c.flags for c in r.cells)


def test_second_best_margin_sees_a_tie():
    """Two readings of one row that differ only in which value column holds '7.5': a tie."""
    from pipeline.table.align import (DEFAULT_SETTINGS, RowScorer, TableContext, align_tokens, second_best_margin,
                                      tokenize_lines)
    kinds = [classify_header(h).canonical for h in ["Study", "mPFS (months)", "mOS (months)"]]
    toks = tokenize_lines([Line(1, "Mu-3 7.5")])
    ctx = TableContext.of_table(None, "Mu-3 7.5")
    sc = RowScorer(toks, ctx)
    al = align_tokens(toks, kinds, ctx, None, sc)
    assert second_best_margin(toks, kinds, ctx, al, None, sc) == 0.0
    toks2 = tokenize_lines([Line(1, "Mu-3 7.5 9.0")])
    sc2 = RowScorer(toks2, ctx)
    al2 = align_tokens(toks2, kinds, ctx, None, sc2)
    assert second_best_margin(toks2, kinds, ctx, al2, None, sc2) >= DEFAULT_SETTINGS.close_margin


def test_realigned_markdown_row_keeps_a_clear_placement_unflagged():
    from pipeline.table.shifted import realign_shifted_rows
    g = grid(["Study", "Regimen", "N", "ORR (%)", "mOS (months)"],
             [(["Nu-1", "Gem + Cis", "40", "15%", "9.1 months"], ()),
              (["Gem + Cis", "15%", "9.1 months", None, None], ("cells_missing",))])
    out = realign_shifted_rows(g)
    row = out.rows[1]
    assert [c.text if c else None for c in row.cells] == [None, "Gem + Cis", None, "15%", "9.1 months"]
    assert "cells_missing" not in row.flags


def test_misfit_cell_puts_its_neighbours_in_doubt():
    """unfit_tokens goes on the misfit cell and the filled cells next to it, one further for
    every empty column of the row (cells can slide into it); cells further away keep no flag."""
    from pipeline.table.align import Alignment, misfit_neighbourhood
    full = Alignment(spans=((0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)), score=0.0)
    assert misfit_neighbourhood(full, [2]) == [1, 2, 3]
    assert misfit_neighbourhood(full, [0]) == [0, 1]
    gap = Alignment(spans=(None, (0, 1), (1, 2), (2, 3), (3, 4), (4, 5)), score=0.0)
    assert misfit_neighbourhood(gap, [1]) == [1, 2, 3]


def test_group_size_in_a_name_cell_is_no_stray_value():
    """'Lung (12)/ Skin (30%)' under a sites column: each number is the size of the group named
    before it, no value that slid in; a lone '347' there is."""
    from pipeline.table.align import _group_count, tokenize_lines
    toks = tokenize_lines([Line(1, "Lung (12)/ Skin (30%) 347")])
    assert [_group_count(toks, k) for k in range(len(toks))] == [False, True, False, True, False]


@pytest.mark.parametrize("text, flagged", [
    # a list of arms written 'label, value': only the first value found a measure, and it
    # may be an arm's, not the cohort's (construction of a gastric-cancer review table)
    ("ORR: D2P1, 31%; D1P3, 12%; D2, 9%", True),
    # an outcome named after the value: no arm list
    ("ORR: 18.1% (95% CI: 12.0-24.3); DOR:64%", False),
    ("ORR 22%; median PFS 3.9 months", False),
])
def test_cohort_value_before_a_list_of_unlabelled_arm_values(text, flagged):
    res = grid_to_arms(grid(["Study", "Regimen", "Efficacy"], [(["Alpha-2", "Gem", text], ())]))
    got = flags_of(res, "orr")
    assert len(got) == 1 and ("no_rule_in_cell" in got[0]) is flagged


def test_comparator_named_like_the_last_word_of_the_experimental_arm():
    """'Drug + chemotherapy vs. chemotherapy': the comparator's values stay the comparator's
    (the short-name rule for 'Part A' arms gave them to the experimental arm)."""
    res = grid_to_arms(grid(["Trial", "Phase", "Treatment", "OS", "ORR (%)"],
                            [(["SIGMA-3", "III", "Exampumab + chemotherapy vs. chemotherapy",
                               "11.8 vs. 9.9 months (HR, 0.74; 95% CI: 0.61-0.90)", "61 vs. 55"], ())]))
    got = sorted((m["measure"], m["population"], m["value"]) for m in res.measures)
    assert got == [("orr", "Exampumab + chemotherapy", 61.0), ("orr", "chemotherapy", 55.0),
                   ("os_median", "Exampumab + chemotherapy", 11.8), ("os_median", "chemotherapy", 9.9)]
