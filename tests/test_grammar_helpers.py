"""The outcome grammar's helpers one by one (pipeline/outcomes/grammar), without going through
parse_outcomes: each returns (or marks) what it found in one invented cell."""
from __future__ import annotations

import pytest

from pipeline.outcomes.grammar.accounting import DIGITS, rule_by_characters
from pipeline.outcomes.grammar.clauses import measures_then_values
from pipeline.outcomes.grammar.counts import count_list, counts
from pipeline.outcomes.grammar.matches import SPAN_RULES, read_cell
from pipeline.outcomes.grammar.nlp import pattern_data
from pipeline.outcomes.grammar.populations import clean_population, split_list
from pipeline.outcomes.grammar.records import OutcomeParse
from pipeline.outcomes.grammar.sentences import clause_label, primary_endpoint
from pipeline.outcomes.grammar.values import values
from pipeline.vocab import NARRATIVE_RULES


def test_every_pattern_label_has_a_span_rule():
    labels = {e["label"] for e in pattern_data()["patterns"]}
    assert labels == set(SPAN_RULES)


def test_narrative_span_rules_are_vocabulary_rules():
    from pipeline.outcomes.grammar.matches import NARRATIVE_LABELS
    assert NARRATIVE_LABELS <= NARRATIVE_RULES.keys()


@pytest.mark.parametrize("text,expected", [
    ("KRAS-mutant and BRAF-mutant tumours", ["KRAS-mutant", "BRAF-mutant"]),   # shared head noun
    ("arm X, arm Y and arm Z", ["arm X", "arm Y", "arm Z"]),
    ("patients with stage IV disease", ["stage IV disease"]),
])
def test_split_list(text, expected):
    assert split_list(text) == expected


def test_clean_population_drops_count_and_lead_words():
    assert clean_population("patients with stage IV disease (n = 41)") == "stage IV disease"


def test_arms_named_after_a_measure():
    cell = read_cell("DCR (cohort P vs. cohort Q) 44% vs. 31%")
    dcr = next(m for m in cell.mentions if m.label == "dcr")
    assert dcr.arms == ("cohort P", "cohort Q")


def test_interval_and_landmark_roles():
    cell = read_cell("median OS 7.7 months (5.9-9.4); 24-week PFS rate 38%")
    roles = {cell.words[i]: r for i, r in cell.role.items()}
    assert roles == {"5.9": "interval", "9.4": "interval", "24": "timepoint_of_measure"}
    assert [(m.label, m.tp_months) for m in cell.mentions] == [("os_median", None),
                                                               ("pfs_rate", round(24 * 7 / 30.4375, 4))]


def test_count_list_and_counts_respectively():
    cell = read_cell("33, 21 and 6 had colorectal, biliary and other cancers, respectively")
    assert count_list(cell, 0, len(cell.words), set()) == ([0, 2, 4], 5)
    res = OutcomeParse()
    used: set[int] = set()
    counts(cell, 0, len(cell.words), res, used)
    assert [(f.measure, f.population, f.value) for f in res.measures] == [
        ("n", "colorectal", 33), ("n", "biliary", 21), ("n", "other cancers", 6)]
    assert used == {0, 2, 4}


def test_values_share_the_unit_after_a_list_and_pair_with_listed_measures():
    cell = read_cell("median PFS and OS were 4.4 and 9.8 months")
    vals = values(cell, 0, len(cell.words), set())
    assert [(v.value, v.unit) for v in vals] == [(4.4, "months"), (9.8, "months")]
    pairs = measures_then_values(cell, cell.mentions, vals, resp=False)
    assert [(m.label, v.value) for m, v in pairs] == [("pfs_median", 4.4), ("os_median", 9.8)]


def test_values_take_the_population_written_after_them():
    cell = read_cell("ORR 27% in MSI-high and 4% in MSS")
    assert [(v.value, v.pop) for v in values(cell, 0, len(cell.words), set())] == [(27, "MSI-high"), (4, "MSS")]


def test_clause_label_with_its_own_count():
    cell = read_cell("Arm 2 (n = 37): ORR 19%")
    res = OutcomeParse()
    assert clause_label(cell, 0, len(cell.words), res, set()) == ("Arm 2", cell.words.index(":") + 1)
    assert [(f.measure, f.population, f.value) for f in res.measures] == [("n", "Arm 2", 37)]
    assert cell.role[cell.words.index("2")] == "label"


@pytest.mark.parametrize("text,population", [
    ("Efficacy: ORR 19%", "all"),             # a generic heading names no population
    ("ORR: 19%", None),                       # a measure's name before the colon
    ("Arm 2 (n = 37): 19 of 37", None),       # no measure named after the colon
    ("Arm 2.5: ORR 19%", None),               # a decimal is a value, not a group's number
])
def test_clause_label_that_names_no_population(text, population):
    cell = read_cell(text)
    lab = clause_label(cell, 0, len(cell.words), OutcomeParse(), set())
    assert (lab[0] if lab else None) == population


def test_primary_endpoint_not_met():
    cell = read_cell("The primary endpoint, DCR at 12 weeks, was not met")
    res = OutcomeParse()
    primary_endpoint(cell, cell.pe_spans[0][1], len(cell.words), res)
    assert (res.primary_endpoint, res.primary_endpoint_met) == ("DCR at 12 weeks", False)


def test_rule_by_characters():
    text = "(18/40) TAS-102 G2 7"
    found = {m.group(): rule_by_characters(text, m.start(), m.end(), []) for m in DIGITS.finditer(text)}
    assert found == {"18": "fraction_count", "40": "fraction_count", "102": "part_of_name",
                     "2": "part_of_name", "7": "no_rule"}
    s = text.index("7")
    assert rule_by_characters(text, s, s + 1, [(s - 1, s + 2)]) == "interval"
