"""Closed vocabularies the dataset is written in, each word defined once with its meaning.

The schema (`schemas/models.py`) checks every output value against these sets, and the README
tables of review flags and narrative rules are compared with them by tests/test_vocab.py.
"""
from __future__ import annotations

# ------------------------------------------------------------------ measures
# measures.parquet `measure`: what each number is, and the one unit its value is given in
# (CONTRACT.md). Adding a measure: an entry here, its header words (table/data/headers.tsv,
# table/header.py MEASURE_COLUMNS) and its grammar (outcomes/data/patterns.json).
MEASURES: dict[str, str] = {
    "n": "patients in the arm or subgroup (a count)",
    "orr": "objective response rate",
    "dcr": "disease control rate",
    "pfs_rate": "progression-free survival rate at a landmark (timepoint_months)",
    "os_rate": "overall survival rate at a landmark (timepoint_months)",
    "pfs_median": "median progression-free survival",
    "os_median": "median overall survival",
}
MEASURE_UNIT: dict[str, str] = {"n": "patients", "orr": "%", "dcr": "%", "pfs_rate": "%", "os_rate": "%",
                                "pfs_median": "months", "os_median": "months"}

# ------------------------------------------------------------------ review flags
# Why a row (arms.flags) or a number (measures.flags) needs a human look. A measure carries
# its row's flags and its own. Row flags come from the readers and the aligner (what they
# know about how the row's cells were found); a measure's own from the aligner's doubts about
# the cell it was read from and from the cell and outcome readers.
FLAGS: dict[str, str] = {
    # row: how the cells were found
    "close_alignment": "the cell the value was read from changes in a second reading of the row's "
                       "cell boundaries that scores almost as well as the one chosen, or the value sits in an "
                       "arm row placed as its trial's row was, whose cell there had such a reading (pasted text)",
    "unfit_tokens": "some tokens of the row fit the shape of no column and a cell took them at a cost: "
                    "the value's cell or one beside it (the whole row when a name cell states results)",
    "lines_joined_by_guess": "a line holding part of a value cell was joined to the row without a "
                             "visible continuation, and reading the lines as two rows scores almost as well",
    "cells_shifted": "the copy shifted the row's cells; placing them by what they look like left a second "
                     "placement of its values almost as good, or left the arm's regimen cell empty, taken from the "
                     "row above (markdown)",
    "cells_missing": "the row has fewer cells than the header (markdown), or leaves empty a column of "
                     "values other rows fill, after its first value or between two of its values (pasted "
                     "text): which cells the copy dropped is a guess, a value may sit one column off",
    "values_one_a_line": "the row's values are printed one a line, two lines in a row holding one value "
                         "only (cells stacked one value per arm, the arms' values column by column): "
                         "which column and arm each is was read from their order alone (pasted text)",
    "columns_renamed": "a row of outcome names inside the table, above this row ('| ORR | DOR |'), says "
                       "the value columns hold other outcomes here than the header names: which outcome "
                       "each value is was not read (markdown)",
    "row_values_misfit": "a value of the row does not fit its column or contradicts another: the "
                         "row's cells may sit a column off, so all its values are in doubt",
    # measure: how the number was read
    "value_kind_mismatch": "the value's shape does not fit its column (a % in a median column, a "
                           "duration in a rate column, a count with a unit)",
    "nr_unsettled": "'NR' read as not reached, but nothing in the table says whether it means not "
                    "reached or not reported",
    "no_rule_in_cell": "another number in the same cell was left with no rule: the cell was only "
                       "partly understood",
    "measure_ambiguous": "the value sits between two named measures it could belong to ('1 year PFS "
                         "15% 1 year OS 50%')",
    "repeated_value": "the same value of the same measure and population was already read from "
                      "another cell of the row (counted once it is right, twice it is not)",
    "arm_unnamed": "one value per arm, but the arms' names were not found (population 'arm 1', "
                   "'arm 2', ...)",
    "inconsistent_values": "values of the row contradict each other (a median PFS above the median "
                           "OS of the same population, an ORR above the DCR)",
    "subgroup_unlabelled": "a second count or percentage in parentheses beside the value names no "
                           "subgroup ('454 (64)'): it was not read",
    "column_paired": "the value's column is followed by another of the same measure, or by one "
                     "with no heading, holding a value: the two are likely one per arm, and the arm "
                     "this one belongs to was not read (population 'all')",
    "values_clash": "the row gives two different values of the same measure, population and "
                    "timepoint: one of them belongs to an arm or subgroup the text did not name",
    "lone_value": "a single value read for the whole cohort in a row of several arms while the table "
                  "gives values per arm, or whose regimen is two arms ('A +/- B'): whose value it is, or "
                  "which column it belongs to, is a guess",
    "column_mixes_outcomes": "the column's header names the measure or another outcome ('Median "
                             "PFS/RFS'): the value may be the other outcome's",
}

# ------------------------------------------------------------------ narrative rules
# Why a number of an outcome cell is not a measure (narrative.parquet `rule`).
NARRATIVE_RULES: dict[str, str] = {
    "threshold": "an eligibility or grading threshold ('Ki-67 >= 10%')",
    "non_responder_count": "a count of patients who did not respond ('2 of 14 did not respond')",
    "responder_count": "a count of responders ('14 patients with CR')",
    "assessment_time": "when the response was assessed ('at week 8')",
    "criteria_version": "a criteria version ('RECIST 1.1')",
    "confidence_interval": "a bound of a confidence interval ('95% CI, 4.1-7.0')",
    "sample_size": "a sample size stated apart from the cohort count",
    "grade": "a tumour grade ('grade 3')",
    "dose": "a dose ('10 mg/kg')",
    "timepoint_of_measure": "the landmark of a rate or an assessment ('12-month OS')",
    "share_of_count": "the share written beside a count ('24 (55%) were NECs')",
    "label": "the number of a group's label ('Cohort 2:')",
    "follow_up": "a follow-up time",
    "other_outcome": "the value of an outcome that is not a measure here (HR, DOR, TTP)",
    "no_measure_named": "a value no measure is named for",
    "unknown_unit": "a value followed by a word that may be a unit the grammar does not know",
    "unit_does_not_fit": "a value whose unit does not fit the measure named for it",
    "p_value": "a P value ('P = 0.02')",
    "date": "a date ('Data cut-off: 2021-03-04', '(as of 03.2021)', 'March 2021'): never a count",
    "fraction_count": "a count in a fraction ('(12/30)')",
    "interval": "a bare range after a value ('13.2 months (6.3-21.1)')",
    "part_of_name": "a digit that is part of a name ('CPT-11', 'G3')",
    "nr_not_reported": "'NR' where the table's legend defines it as not reported or not evaluable",
    "no_rule": "a number the grammar could not place (counted in the run summary)",
}

# ------------------------------------------------------------------ plausible medians
# Two limits on a median survival or response duration, in months; both are general rules
# about oncology trial results, not about any one table.
# Above this a median is doubtful (a year, a count or a percentage read as a duration): the
# measure is kept and flagged value_kind_mismatch for review (outcomes/review.py).
DOUBTFUL_MEDIAN_MONTHS = 120.0
# Above this (20 years) a median is no trial's result: the value is rejected (rejects.parquet,
# level "value"), and the schema (schemas/models.py) fails any that is left.
MAX_MEDIAN_MONTHS = 240
