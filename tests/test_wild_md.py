"""Real review tables never seen before, as their PubMed Central pages render to markdown
(tests/fixtures/wild/md, SOURCES gives each table's address), read against the table by eye:
each test pins what a silent error got wrong, plus unit cases with invented words and numbers
for the rule that fixed it."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

WILD = Path(__file__).parent / "fixtures" / "wild" / "md"


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
    assert _measures(wild, HN, 2, "os_rate") == [("os_rate", "arm 1", 68.0, 24.0), ("os_rate", "arm 2", 78.0, 24.0)]
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
    # "ORR: 26% vs. 10%" under a response column: the two arms', not two values of the cohort
    assert _measures(wild, HN, 8, "orr") == [("orr", "arm 1", 26.0, None), ("orr", "arm 2", 10.0, None)]


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
