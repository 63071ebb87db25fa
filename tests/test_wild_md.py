"""Real review tables never seen before, as their PubMed Central pages render to markdown
(tests/fixtures/wild/mdhtml, SOURCES gives each table's address), read against the table by eye:
each test pins what a silent error got wrong, plus unit cases with invented words and numbers
for the rule that fixed it."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

WILD = Path(__file__).parent / "fixtures" / "wild" / "mdhtml"


@pytest.fixture(scope="module")
def wild(tmp_path_factory):
    from pipeline.run import extract
    out = tmp_path_factory.mktemp("wildmd")
    extract([WILD], out, keep_going=True)
    return pd.read_parquet(out / "arms.parquet"), pd.read_parquet(out / "measures.parquet")


def _measures(wild, source, row, measure=None):
    m = wild[1]
    m = m[(m.source == source) & (m.row == row)]
    if measure is not None:
        m = m[m.measure == measure]
    return [(r.measure, r.population, r.value, None if pd.isna(r.timepoint_months) else r.timepoint_months)
            for r in m.itertuples()]


def _arm(wild, source, row):
    a = wild[0]
    return a[(a.source == source) & (a.row == row)].iloc[0]


# ------------------------------------------------------------------ landmark headings
HN = "PMC9842704_Tab1_md"


def test_landmark_heading_in_a_median_column_is_the_survival_rate(wild):
    # "2-year: 68% vs. 78%" under "OS (months)": the 2-year OS rate of each arm, not a median of 2
    assert _measures(wild, HN, 2, "os_rate") == [("os_rate", "RT + cetuximab", 68.0, 24.0),
                                                 ("os_rate", "RT + cisplatin", 78.0, 24.0)]
    assert _measures(wild, HN, 2, "os_median") == []
    # "400-day: 78.5% vs. 86.1%": a landmark in days
    assert [x[3] for x in _measures(wild, HN, 7, "os_rate")] == [13.1417, 13.1417]


def test_landmark_of_another_outcome_gives_nothing(wild):
    # "2-year MFS: 97% vs. 90%" under "PFS (months)": metastasis-free survival, no PFS at all
    assert [x for x in _measures(wild, HN, 2) if x[0].startswith("pfs")] == []
    # "3-year local control: 47% vs. 34%" under "Local control or response rate": no ORR of 3
    assert _measures(wild, HN, 1, "orr") == []
    assert _measures(wild, HN, 3, "orr") == []        # "3-year LRF: 23% vs. 9%"
    assert _measures(wild, HN, 4, "orr") == []        # "Locoregional recurrences: 12% vs 3%"


def test_named_measure_under_its_own_column_is_one_measure_of_two_arms(wild):
    # "ORR: 26% vs. 10%" under a response column: the two arms', not two values of the cohort;
    # the arms are the regimens of "a. Cisplatin + cetuximab; b. cisplatin + placebo"
    assert _measures(wild, HN, 8, "orr") == [("orr", "Cisplatin + cetuximab", 26.0, None),
                                             ("orr", "cisplatin + placebo", 10.0, None)]


@pytest.mark.parametrize("cell,want", [
    ("a. Drug X + RT; b. RT", ["Drug X + RT", "RT"]),
    ("a) Alpha; b) Beta; c) Gamma", ["Alpha", "Beta", "Gamma"]),
    ("b. Alpha; a. Beta", None),                 # letters out of order: no list
    ("Alpha, Beta + Gamma", None),
])
def test_lettered_regimens_are_the_arms_invented(cell, want):
    from pipeline.table.fields import lettered_arms
    assert lettered_arms(cell) == want


def test_enrollment_column_is_the_cohort_count(wild):
    assert _measures(wild, HN, 1, "n") == [("n", "all", 424.0, None)]
    assert _arm(wild, HN, 11)["n_total"] == 541


@pytest.mark.parametrize("column,text,want", [
    ("os_median", "3-year: 61% vs. 70%", [("os_rate", "A", 61.0, 36.0), ("os_rate", "B", 70.0, 36.0)]),
    ("pfs_median", "18-month: 44%", [("pfs_rate", "all", 44.0, 18.0)]),
    ("pfs_median", "2-year DFS: 81% vs. 77%", []),
    ("orr", "5-year local control: 90%", []),
    ("orr", "ORR 31% vs. 12%", [("orr", "A", 31.0, None), ("orr", "B", 12.0, None)]),
    # a duration with a hyphen before "vs." is a value, not a landmark
    ("os_median", "14-months vs. 11-months", [("os_median", "A", 14.0, None), ("os_median", "B", 11.0, None)]),
])
def test_landmark_headings_invented(column, text, want):
    from pipeline.outcomes.freetext import parse_outcomes
    p = parse_outcomes(text, ["A", "B"] if "vs" in text else None, default=column,
                       default_unit="%" if column == "orr" else "months")
    assert [(f.measure, f.population, f.value, f.timepoint_months) for f in p.measures] == want


# ------------------------------------------------------------------ counts and names
SS = "PMC9548621_T2_md"


def test_count_in_a_phase_and_size_cell(wild):
    # "III (N=1434)" under "Phase/Size"
    assert _measures(wild, SS, 2, "n") == [("n", "all", 1434.0, None)]
    assert _arm(wild, SS, 2)["phase"] == "III"


def test_registry_code_in_brackets_keeps_its_bracket(wild):
    # "The Safe Stop trial (NL7293) (3)": the study keeps its closing parenthesis, (3) is the ref
    a = _arm(wild, SS, 1)
    assert (a["study"], a["ref"]) == ("The Safe Stop trial (NL7293)", "(3)")


@pytest.mark.parametrize("cell,want", [
    ("Hope study (AB1234)", (None, "Hope study (AB1234)")),
    ("Hope-2 (NCT12345678)", ("NCT12345678", "Hope-2")),
    ("Hope-2 (ABC-9; NCT12345678)", ("NCT12345678", "Hope-2 (ABC-9)")),
    ("NCT12345678 ( Hope-3 )", ("NCT12345678", "Hope-3")),
])
def test_study_less_its_trial_id_invented(cell, want):
    from pipeline.table.fields import _trial_and_study
    assert _trial_and_study({"trial_id": cell}) == want


# ------------------------------------------------------------------ headers
def test_columns_of_each_arm_under_a_spanning_header(wild):
    # "OS (Months)" spanning "CT + ICIs" and "CT": each column is its arm's median, the second
    # no longer dropped as a duplicate column
    src = "PMC11048475_t001_html"
    assert _measures(wild, src, 1, "os_median") == [("os_median", "CT + ICIs", 12.3, None),
                                                    ("os_median", "CT", 10.3, None)]


def test_unnamed_first_column_is_the_study_with_its_count(wild):
    # "SHARP[7] (n = 602)" under an empty header: the study, its ref and the cohort's count
    a = _arm(wild, "wjcc_5754_t1_md", 1)
    assert (a["study"], a["ref"], a["n_total"], a["section"]) == ("SHARP (n = 602)", "[7]", 602, "First-line setting")


def test_median_header_that_announces_its_hazard_ratio(wild):
    # "Median PFS<br>HR (95% CI)": the medians of the two arms are read, the HR is no median
    src = "err_sclc_t2_html"
    assert _measures(wild, src, 1, "pfs_median") == [("pfs_median", "Atezolizumab+CT", 5.2, None),
                                                     ("pfs_median", "Placebo+CT", 4.3, None)]
    assert [x[2] for x in _measures(wild, src, 1, "os_median")] == [12.3, 10.3]
    # "NR" under ORR where the legend says NR is not reported: no measure
    assert _measures(wild, src, 3, "orr") == []


@pytest.mark.parametrize("headers,want", [
    (["Trial", "PFS (months) Drug X", "PFS (months) Placebo"], [None, "Drug X", "Placebo"]),
    (["Trial", "ORR (%) ITT", "ORR (%) evaluable"], [None, "ITT", "evaluable"]),
    # a statistic, a unit or a measure after the shared words is no arm
    (["Trial", "OS median", "OS HR"], [None, None, None]),
    (["Trial", "PFS (months) median", "PFS (months) 95% CI"], [None, None, None]),
])
def test_arm_columns_invented(headers, want):
    from pipeline.table.header import table_specs
    assert [sp.arm for sp in table_specs(headers)] == want


@pytest.mark.parametrize("header,want", [
    ("Median OS\nHR (95% CI)", ("os_median", "HR")),
    ("mPFS, HR", ("pfs_median", "HR")),
    ("PFS HR (95% CI)", ("other", None)),      # the HR alone: no median
])
def test_median_then_hazard_ratio_header_invented(header, want):
    from pipeline.table.header import classify_header
    sp = classify_header(header)
    assert (sp.canonical, sp.qualifier) == want


def test_markdown_sub_header_row_splits_the_one_outcome_heading(wild):
    # '| OS (Months) | HR | |' then '| CT + ICIs | CT | ||||': no junk arm "CT + ICIs", and
    # the two columns under OS are the two arms' medians as in the HTML form
    src = "PMC11048475_t001_md"
    assert _arm(wild, src, 1)["study"] == "IMpower133"
    assert _measures(wild, src, 1, "os_median") == [("os_median", "CT + ICIs", 12.3, None),
                                                    ("os_median", "CT", 10.3, None)]
    assert len(wild[0][wild[0].source == src]) == 6


# ------------------------------------------------------------------ subgroups
GC = "PMC8505606_Tab1_md"


def test_landmark_with_a_colon_and_no_hyphen(wild):
    # "12 month: 8% vs 17% vs 10%" under PFS: the 12-month PFS rates of the three arms
    assert [(x[0], x[2], x[3]) for x in _measures(wild, GC, 3) if x[0].startswith("pfs")] == [
        ("pfs_rate", 8.0, 12.0), ("pfs_rate", 17.0, 12.0), ("pfs_rate", 10.0, 12.0)]
    assert [x[2] for x in _measures(wild, GC, 3, "os_rate")] == [39.0, 35.0, 24.0]


def test_counts_each_named_right_before_them(wild):
    # "GOJ (n = 111) or GC (n = 260)": two subgroups' counts, not two clashing cohort counts
    assert _measures(wild, GC, 4, "n") == [("n", "GOJ", 111.0, None), ("n", "GC", 260.0, None)]
    assert pd.isna(_arm(wild, GC, 4)["n_total"])


@pytest.mark.parametrize("text,want", [
    ("Lung (n = 40) or liver (n = 12)", [("Lung", 40), ("liver", 12)]),
    ("Advanced XY (n = 7) and ZW (n = 9)", [("Advanced XY", 7), ("ZW", 9)]),
    # the same name twice, or none, labels nothing
    ("XY (n = 7) or XY (n = 9)", [(None, 7), (None, 9)]),
    ("(n = 7) or (n = 9)", [(None, 7), (None, 9)]),
])
def test_counts_named_before_invented(text, want):
    from pipeline.table.counts import counts_in_text, label_n_equals
    assert [(c.label, c.value) for c in label_n_equals(text, counts_in_text(text), [])] == want


@pytest.mark.parametrize("text,want", [
    ("6 month: 41% vs 30%", [("pfs_rate", "A", 41.0, 6.0), ("pfs_rate", "B", 30.0, 6.0)]),
    ("12 months vs 9 months", [("pfs_median", "A", 12.0, None), ("pfs_median", "B", 9.0, None)]),
])
def test_landmark_with_a_colon_invented(text, want):
    from pipeline.outcomes.freetext import parse_outcomes
    p = parse_outcomes(text, ["A", "B"], default="pfs_median", default_unit="months")
    assert [(f.measure, f.population, f.value, f.timepoint_months) for f in p.measures] == want


def test_subgroup_comparisons_after_the_cohorts(wild):
    # "CPS ≥ 1: 16% vs 14% CPS ≥ 10: 24.5% v 9.1% ...": each subgroup's value of each arm
    pops = [(p, v) for _m, p, v, _t in _measures(wild, GC, 5, "orr")]
    assert pops[:4] == [("Pembrolizumab (n = 296), CPS ≥ 1", 16.0), ("paclitaxel (n = 296), CPS ≥ 1", 14.0),
                        ("Pembrolizumab (n = 296), CPS ≥ 10", 24.5), ("paclitaxel (n = 296), CPS ≥ 10", 9.1)]
    # "9.1 m vs 8.3 m (HR ..) CPS ≥ 10: 10.4 m v 8.0 m ...": the cohort's comparison first
    assert [(p, v) for _m, p, v, _t in _measures(wild, GC, 5, "os_median")][:3] == [
        ("Pembrolizumab (n = 296)", 9.1), ("paclitaxel (n = 296)", 8.3), ("Pembrolizumab (n = 296), CPS ≥ 10", 10.4)]
    assert [p for _m, p, _v, _t in _measures(wild, GC, 6, "os_median")] == [
        "Pembrolizumab, ITT", "TPC, ITT", "Pembrolizumab, SCC", "TPC, SCC", "Pembrolizumab, CPS > 10", "TPC, CPS > 10"]


@pytest.mark.parametrize("text,want", [
    ("Score > 5: 12 vs 9 months", [("A, Score > 5", 12.0), ("B, Score > 5", 9.0)]),
    ("8 vs 6 months (HR 0.7) Score > 5: 12 v 9 months",
     [("A", 8.0), ("B", 6.0), ("A, Score > 5", 12.0), ("B, Score > 5", 9.0)]),
])
def test_threshold_labels_and_cohort_runs_invented(text, want):
    from pipeline.outcomes.freetext import parse_outcomes
    p = parse_outcomes(text, ["A", "B"], default="os_median", default_unit="months")
    assert [(f.population, f.value) for f in p.measures if f.measure == "os_median"] == want
    assert not [f for f in p.measures if f.measure == "n"]       # "12 vs" is no count of "vs"


# ------------------------------------------------------------------ stacked arms, phase cells
GT = "PMC8417143_T1_html"


def test_values_with_intervals_one_per_arm(wild):
    # "1.61 (1.54–2.30) 1.45 (1.45–1.54)" beside "nivolumab vs placebo": each arm's median
    assert _measures(wild, GT, 1, "pfs_median") == [("pfs_median", "nivolumab", 1.61, None),
                                                    ("pfs_median", "placebo", 1.45, None)]


def test_values_one_per_arm_stacked_one_a_line(wild):
    # "pembrolizumab<br>paclitaxel" (one arm a line) beside "196<br>199": each count its arm's
    # (the cell's lines are kept: Cell.lines), as the three arms of the row below
    m = wild[1]
    got = m[(m.source == GT) & (m.row == 5) & (m.measure == "n")]
    assert [(r.population, r.value, "arm_unnamed" in r.flags) for r in got.itertuples()] == [
        ("pembrolizumab", 196.0, False), ("paclitaxel", 199.0, False)]
    got = m[(m.source == GT) & (m.row == 6) & (m.measure == "os_median")]
    assert [(r.population, r.value) for r in got.itertuples()] == [
        ("pembrolizumab", 10.6), ("chemotherapy", 11.1), ("pembro/chemo", 12.5)]


def test_phase_cell_with_the_line_of_therapy(wild):
    # "Phase III Trial 3rd line" under "Trial Design"
    a = _arm(wild, GT, 1)
    assert (a["phase"], a["line"]) == ("III", 3)
    assert (_arm(wild, GT, 6)["phase"], _arm(wild, GT, 6)["line"]) == ("III", 1)


@pytest.mark.parametrize("cell,want", [
    ("Phase II study 2nd line", ("II", "study")),
    ("III, first-line, PD-L1+", ("III", "PD-L1+")),
    ("Phase II", ("II", None)),
])
def test_phase_then_line_invented(cell, want):
    from pipeline.table.fields import parse_phase
    assert parse_phase(cell) == want


# ------------------------------------------------------------------ "median; % survival (year)"
MEL = "molcancer_t1_md"


def test_semicolon_header_keeps_the_median_unit(wild):
    # "Median PFS (months); % survival (year)" over "6.9; 14% (1.5 years)": 6.9 months (not
    # 6.9 years), and the 18-month PFS rate
    assert _measures(wild, MEL, 1, "pfs_median") == [("pfs_median", "all", 6.9, None)]
    assert _measures(wild, MEL, 1, "pfs_rate") == [("pfs_rate", "all", 14.0, 18.0)]
    assert [(x[2], x[3]) for x in _measures(wild, MEL, 4, "os_rate")] == [(73.0, 12.0), (52.0, 24.0), (44.0, 36.0)]
    assert _arm(wild, MEL, 1)["n_total"] == 337          # "Vemurafenib1 (n = 337)"


def test_not_reached_written_out_beside_a_legend_nr_not_reported(wild):
    # "Not reached; 73% (1 year)" with "NR, not reported" in the legend: the median is not reached
    got = wild[1]
    got = got[(got.source == MEL) & (got.row == 8) & (got.measure == "os_median")]
    assert [(r.not_reached, r.value_as_reported) for r in got.itertuples()] == [(True, "Not reached")]
    # "4.8; NR": that NR is not reported, no measure
    assert _measures(wild, MEL, 3, "pfs_median") == [("pfs_median", "all", 4.8, None)]


@pytest.mark.parametrize("text,want", [
    ("31% (2 years)", [("os_rate", 31.0, 24.0)]),
    ("9.0; 40% (18 months)", [("os_median", 9.0, None), ("os_rate", 40.0, 18.0)]),
])
def test_landmark_in_parentheses_after_a_percentage_invented(text, want):
    from pipeline.outcomes.freetext import parse_outcomes
    p = parse_outcomes(text, None, default="os_median", default_unit="months")
    assert [(f.measure, f.value, f.timepoint_months) for f in p.measures] == want


def test_column_of_the_measure_or_another_outcome_is_flagged(wild):
    # "Median PFS/RFS": an adjuvant trial's value there is an RFS, so every value is flagged
    m = wild[1]
    got = m[(m.source == "nature_sttt_t3_md") & (m.row == 2) & (m.measure == "pfs_median")]
    assert [(r.population, r.value, list(r.flags)) for r in got.itertuples()] == [
        ("A", 27.6, ["column_mixes_outcomes"]), ("B", 17.1, ["column_mixes_outcomes"])]
    # "A: 11.2 months B: 9.1 months" under "Median OS": the labelled arms, no flag
    got = m[(m.source == "nature_sttt_t3_md") & (m.row == 1) & (m.measure == "os_median")]
    assert [(r.population, r.value, list(r.flags)) for r in got.itertuples()] == [("A", 11.2, []), ("B", 9.1, [])]


@pytest.mark.parametrize("headers,canonical,groups", [
    # the bounds of a hazard ratio's interval are no medians, nor one per arm
    (["Trial", "PFS HR", "PFS CI lower limit", "PFS CI upper limit"], ["trial", "other", "extra", "extra"],
     [None, None, None, None]),
    (["Trial", "Total number", "ORR (%)"], ["trial", "n_total", "orr_pct"], [None, None, None]),
])
def test_interval_bound_columns_invented(headers, canonical, groups):
    # PMC9174611 T1 has 'PFS CI lower limit | PFS CI upper limit': both were read as medians
    from pipeline.table.header import table_specs
    specs = table_specs(headers)
    assert [sp.canonical for sp in specs] == canonical
    assert [sp.arm for sp in specs] == groups
