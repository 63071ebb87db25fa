"""Numeric cells: values, not-reached, missing, footnote marks, arms, CI and HR parentheses."""
import pytest

from pipeline.outcomes.cells import parse_value_cell
from pipeline.table.cell_measures import numeric_cell_measures
from pipeline.table.header import classify_header

CASES = [
    ("19.4", [(19.4, False, None)]),
    ("8.4a", [(8.4, False, None)]),
    ("61†", [(61.0, False, None)]),
    ("NR", [(None, True, None)]),
    ("Not reached", [(None, True, None)]),
    ("–", "missing"), ("-", "missing"), ("NA", "missing"), ("Not reported", "missing"), ("Ongoing", "missing"),
    ("not stated", "missing"),
    ("5.4 (HR 1.11; P = 0.35)", [(5.4, False, None)]),
    ("1.8 (95% CI, 0.9–2.4)", [(1.8, False, None)]),
    ("62.7 vs. 65.4", [(62.7, False, None), (65.4, False, None)]),
    ("19.4 vs. 9.7 months", [(19.4, False, "months"), (9.7, False, "months")]),
    ("NR vs. 18.7 (HR 0.82; 95% CI, 0.66–1.02)", [(None, True, None), (18.7, False, None)]),
    ("47.6 weeks", [(47.6, False, "weeks")]),
    ("37%", [(37.0, False, "%")]),
    ("130 d", [(130.0, False, "days")]), ("14.3 m", [(14.3, False, "months")]), ("2.1 y", [(2.1, False, "years")]),
    # wild round 4 (markdown pages): PMC7824026 Table 1 writes a decimal comma ("17,6%"),
    # PMC4644179 Table 1 a footnote mark after a unit or an NR ("6.8 y vs NR*"); invented values
    ("23,4%", [(23.4, False, "%")]),
    ("11% vs 4,5%", [(11.0, False, "%"), (4.5, False, "%")]),
    ("1,234", [(1234.0, False, None)]),                  # thousands, not a decimal comma
    ("2,5 months", None),                                # a comma before a duration: not read as a decimal
    ("5.9 y vs NR*", [(5.9, False, "years"), (None, True, None)]),
    ("4.2 y vs 3.6 y*", [(4.2, False, "years"), (3.6, False, "years")]),
    ("18 m* vs 11 m", [(18.0, False, "months"), (11.0, False, "months")]),
    # PMC6450209 Table 1 (wild round 7, pasted text): a footnote letter after the percent sign;
    # invented values. After a word unit a letter goes on the word: no unit, no value read
    ("41.5%a", [(41.5, False, "%")]), ("12%b vs 10%", [(12.0, False, "%"), (10.0, False, "%")]),
    ("15%all", None),
    ("Gem + Cis", None),
    ("[12]", None),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0] for c in CASES])
def test_parse_value_cell(text, expected):
    p = parse_value_cell(text)
    if expected is None:
        assert p is None
    elif expected == "missing":
        assert p is not None and p.missing and p.values == []
    else:
        assert [(v.value, v.not_reached, v.unit) for v in p.values] == expected
        for v in p.values:
            assert text[v.start:v.end] == v.value_as_reported


def test_total_and_arms():
    p = parse_value_cell("N = 204 (103 vs. 101)")
    assert p.total.value == 204 and [v.value for v in p.values] == [103, 101]


def _measures(header, text, labels=None):
    return [(m.measure, m.population, m.value, m.not_reached)
            for m in numeric_cell_measures(text, classify_header(header), labels)]


def test_arm_measures_named_after_treatment_arms():
    assert _measures("mOS (months)", "16.1 vs. 12.8 (HR 0.79)", ["Sintilimab + CAPOX", "placebo + CAPOX"]) == [
        ("os_median", "Sintilimab + CAPOX", 16.1, False), ("os_median", "placebo + CAPOX", 12.8, False)]


def test_unnamed_arms_are_numbered():
    assert _measures("ORR (%)", "55.8 vs. 46.3") == [("orr", "arm 1", 55.8, False), ("orr", "arm 2", 46.3, False)]


def test_cell_unit_beats_header_unit():
    assert _measures("Median OS (months)", "3.1 years") == [("os_median", "all", 37.2, False)]
    assert _measures("mPFS (weeks)", "8.9") == [("pfs_median", "all", round(8.9 * 7 / 30.4375, 4), False)]


def test_nr_in_a_rate_column_is_not_a_value():
    assert _measures("ORR (%)", "NR") == []
    assert _measures("mOS (mo)", "NR") == [("os_median", "all", None, True)]


@pytest.mark.parametrize("text, results", [
    ("Safety and efficacy: median OS 13.2 months (6.3-21.1); ORR 10.3%", True),
    ("Efficacy: median OS 9.1 months; ORR 6.0%", True),
    ("PFS at 6 months", False),            # a landmark names the endpoint
    ("PFS rate at 6 months (%)", False),
    ("ORR", False),
    ("12-mo OS", False),
])
def test_endpoint_cell_states_results(text, results):
    from pipeline.outcomes.cells import states_results

    assert states_results(text) is results


@pytest.mark.parametrize("kinds, may", [
    (["study", "n_total", "treatment", "primary_endpoint"], True),
    (["study", "treatment", "primary_endpoint", "orr_pct", "pfs_median"], False),   # results have columns
    (["trial", "primary_endpoint", "endpoint_result"], False),
    (["trial", "primary_endpoint", "outcomes_text"], False),
])
def test_endpoint_may_hold_results_only_without_results_columns(kinds, may):
    from pipeline.outcomes.cells import endpoint_may_hold_results

    assert endpoint_may_hold_results(kinds) is may


def test_values_that_name_their_arms_in_parentheses():
    """PMC6094685 Table 1: '10.9 (A) vs 5.7 (B) vs 1.5 (C)' names each value's arm; the arms of
    the Treatment cell are used only when the values name none."""
    spec = classify_header("ORR (%)")
    got = [(m.population, m.value) for m in
           numeric_cell_measures("12.1 (A) vs 6.0 (B) vs 2.5 (C)", spec, ["Drug 3 mg/kg (A)", "Drug + vaccine (B)",
                                                                          "vaccine (C)"])]
    assert got == [("A", 12.1), ("B", 6.0), ("C", 2.5)]
    got = [(m.population, m.value) for m in numeric_cell_measures("12.1 vs 6.0", spec, ["Drug", "Placebo"])]
    assert got == [("Drug", 12.1), ("Placebo", 6.0)]
    # a single value's parenthesis is no arm; a reference number in parentheses is no label
    assert [m.population for m in numeric_cell_measures("12.3 vs. 10.3 (15)", spec, None)] == ["arm 1", "arm 2"]


@pytest.mark.parametrize("text,header,want", [
    ("SS 19.5", "3 months PFS (%)", [("SS", 19.5)]),          # PMC5842271 Tab2: a subgroup's rate
    ("G3 41%", "ORR (%)", [("G3", 41.0)]),
    ("Arm A 11.0 months", "mOS (months)", [("Arm A", 11.0)]),
    ("median 5.1", "mPFS (months)", [("all", 5.1)]),         # a measure word is no subgroup
    ("PFS 4.1", "mPFS (months)", [("all", 4.1)]),
    ("NR vs 9.8", "mOS (months)", [("arm 1", None), ("arm 2", 9.8)]),  # PMC6094685 T1: NR is no label
])
def test_value_headed_by_its_subgroup(text, header, want):
    got = numeric_cell_measures(text, classify_header(header), None)
    assert [(m.population, m.value) for m in got] == want
    assert all(text[m.start:m.end] == m.value_as_reported for m in got)


@pytest.mark.parametrize("text,header", [
    ("HR 1.27 P=0.61", "OS (months)"),          # a hazard ratio under a median column, on a row of its own
    ("HR 0.58", "PFS (months)"),
    ("TTP 3.3", "mPFS (months)"),               # an outcome not measured here
])
def test_value_after_an_other_outcome_is_no_subgroup_value(text, header):
    assert numeric_cell_measures(text, classify_header(header), None) == []


@pytest.mark.parametrize("text,header,want", [
    # intervals after a value are no values, whatever their brackets or bounds
    ("15.1 (9.8 to NR)", "Median PFS", [("all", 15.1, False)]),      # PMC8667550 T2
    ("6.2 mo (3.0–NR)", "mPFS", [("all", 6.2, False)]),
    ("5.1 [4.0–6.6]", "mPFS (months)", [("all", 5.1, False)]),
    ("Not reached (11.0–not reached)", "OS (months)", [("all", None, True)]),   # PMC5933620 T1
    # a range alone is no value; responders then the rate in a rate column
    ("0–21", "ORR (%)", []),
    ("3.2–4.4", "mPFS (months)", []),
    ("7 (21.9%)", "ORR", [("all", 21.9, False)]),
    # a threshold in parentheses names the subgroup
    ("10.8 (PD-L1 ≥1%)", "mOS (months)", [("PD-L1 ≥1%", 10.8, False)]),      # J Yeungnam Med Sci 2021 T
])
def test_intervals_ranges_shares_and_threshold_subgroups(text, header, want):
    got = numeric_cell_measures(text, classify_header(header), None)
    assert [(m.population, m.value, m.not_reached) for m in got] == want
