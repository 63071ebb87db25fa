"""The aligner's tunables: what a reading gains or loses, as named fields (pdfplumber's habit:
one settings object per extractor, passed in, no hidden module globals read instead)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

NEG = -math.inf


@dataclass(frozen=True)
class CellWeights:
    """What a token span scores as a cell of each column kind (kinds.py): the weight of each
    shape the column's values take. Only their order matters within one column; across
    columns they decide which column a span goes to."""
    # fallback: a span no typed shape of the column accepts
    fallback_descriptive: float = -2.5       # a descriptive cell of an unusual shape ...
    fallback_per_token: float = -0.1         # ... less this per token
    fallback_value: float = -1.0             # value-like text a value column cannot parse
    # trial / trial id / study
    nct_alone: float = 6.0                   # an NCT id alone (NCT + 8 digits)
    nct_named: float = 5.0                   # "NCT + 8 digits (TRIAL-1)", "TRIAL-1 (NCT + 8 digits)"
    trial_id_missing: float = 1.5            # "NR" under a trial id
    study_named: float = 3.0                 # "Lu et al. (2020)", "KEYNOTE-006"
    study_short: float = 0.5                 # a short capitalised name ("STELLA [37]" too)
    # target
    target: float = 3.0                      # "PD-1", "VEGFR/PDGFR" ...
    target_per_token: float = 0.5            # ... plus this per token after the first
    target_site_word: float = -2.0           # a site word in a target-like span
    target_line_or_phase: float = -3.0       # "2nd", "II" in a target-like span
    target_missing: float = 1.0
    target_descriptive: float = 0.3          # "Multi-TKI", "Somatostatin receptor"
    # line of therapy (or setting)
    line: float = 5.0                        # "2nd", "first-line", "1L"
    line_digit: float = 2.0                  # a bare digit ("2")
    line_words: float = 3.0                  # "pretreated", "any", "adjuvant"
    line_disease_state: float = 1.0          # "Progressive disease pancreatic NET"
    line_missing: float = 1.0
    # phase
    phase: float = 5.0                       # "II", "Phase 1b", "II (randomised)"
    phase_design: float = 2.5                # "Retrospective" in a Phase column
    phase_missing: float = 1.5
    # reference, year
    ref: float = 4.0
    year: float = 4.0
    year_missing: float = 1.0
    # value columns (counts, rates, medians) and unknown columns with a unit
    value_pair: float = 3.0                  # one value per cohort: "36/190", "12% /18%"
    value_missing: float = 2.5               # "NR", "—"
    value: float = 3.0                       # a value the cell parser reads ...
    value_short: float = 0.5                 # ... plus this when it is one or two tokens
    count_described: float = 3.0             # a count and who the patients are ("512 patients with ...")
    # labelled result cells ("Arm X: ORR 12%", "Arm X: median OS: 9.1 months 41% at 1 year")
    results_cell: float = 3.0                # a cell of labelled result clauses ...
    results_clause: float = 0.5              # ... plus this per clause after the first
    # primary endpoint, endpoint result
    endpoint: float = 3.0                    # "ORR", "PFS, OS"
    endpoint_results: float = 0.5            # the column holds the row's results ...
    endpoint_results_per_token: float = 0.02  # ... plus this per token
    endpoint_missing: float = 1.0
    endpoint_result: float = 1.0             # a result with a number ...
    endpoint_result_per_token: float = 0.02  # ... plus this per token
    endpoint_result_missing: float = 1.0
    # primary sites: per part of the cell ("GEP-NET, lung NET")
    site_part: float = 1.5                   # a part naming a site
    site_drug_part: float = -2.5             # a part naming a drug
    site_short_part: float = 0.2             # a short capitalised part
    site_other_part: float = -0.5
    # treatment, agent (see regimen_* for the regimen itself)
    monotherapy: float = 4.0                 # "Mono", "alone" under Treatment
    inline_abbreviation: float = 1.0         # "Avelumab (Avel)" under Agent
    lowercase_regimen: float = -1.0          # "inhibitor GEM + ...": the end of the cell before
    # a regimen (_regimen_score): drug names joined by "+", "plus", "vs." ...
    regimen_drug: float = 2.0                # each part naming a drug
    regimen_two_heads: float = -2.0          # each further drug or placebo in one part
    regimen_bare_number: float = -1.5        # a number with no unit after it (a value)
    regimen_site_word: float = -1.0          # other words of a drug part: a site ...
    regimen_capitalised: float = -0.8        # ... a capitalised word no legend defines ...
    regimen_word: float = -0.2               # ... any other word
    regimen_not_drug: float = 0.8            # a part naming placebo, chemotherapy ...
    regimen_site_part: float = -2.0          # a part naming a site
    regimen_dose_part: float = 0.0           # a part that is a dose
    regimen_number_part: float = -1.5        # a part that is a bare number
    regimen_other_word: float = -0.3         # each word of any other part
    regimen_no_drug: float = -1.0            # no drug and nothing positive at all
    # population, extra and columns of unknown kind: anything short
    short: float = 0.6
    short_long_token: float = -0.2           # each token past short_tokens
    short_tokens: int = 5
    short_lowercase: float = -1.0
    # free text (outcomes)
    text: float = 1.0
    text_per_token: float = 0.02
    text_sentence_start: float = 2.0         # starts on "Among", "ORR", "Patients" ...
    text_capitalised: float = 0.5
    text_lowercase: float = -4.0


@dataclass(frozen=True)
class AlignSettings:
    skip_identity: float = -1.5      # a descriptive column absent (spanned from above)
    skip_measure: float = -4.0       # a numeric column absent (cell dropped by the copy)
    skip_outcomes: float = -8.0      # the free-text column absent
    # a landmark rate column absent ("3-month PFS (%)"): reviews give a rate for fewer trials
    # than a response rate or a median, so of two readings alike its cell is the dropped one
    skip_rate: float = -3.5
    row_bonus: float = 2.0           # each row formed (favours rows over merged lines)
    vocab_bonus: float = 1.5         # value seen in the same column on another row
    vocab_malus: float = 1.5         # value seen only in another column
    long_value: float = -3.0         # a value cell longer than the column's cells on other rows
    long_value_slack: int = 2        # ... by more than this many tokens (and twice as long)
    stacked_value: float = 3.0       # each value of a cell stacked per arm, one value a line
    max_cell_tokens: int = 16        # longest non free-text cell, in tokens
    max_lines_per_row: int = 16
    lowercase_start: float = -6.0    # a row whose first line starts with a lower-case word
    leading_skip: float = -1.0       # each column a row leaves out before its first cell
    orphan_start: float = -5.0       # such a row right after a line missing its last column
    section_hint: float = 2.0        # a section line naming a setting, line or drug class
    section_weak: float = -4.0       # a short capitalised line that may also start a data row
    unbalanced: float = -3.0         # a cell whose parentheses do not pair up
    # review flags: a second reading of a row whose score is within this of the chosen one
    # makes the row's cell boundaries doubtful (flag close_alignment)
    close_margin: float = 0.25
    # a row joined from several lines whose split into two rows scores within this of it
    # was joined by guess (flag lines_joined_by_guess)
    join_margin: float = 4.0
    skip_spanned: float = -1.0       # at most this for a column absent before a row's first cell:
                                     # in a one-row-per-arm table the trial's cells span down
                                     # over its arm rows, its counts and endpoints too
    cells: CellWeights = field(default_factory=CellWeights)   # per column kind (kinds.py)

    def __post_init__(self):
        if self.max_cell_tokens < 1 or self.max_lines_per_row < 1:
            raise ValueError("max_cell_tokens and max_lines_per_row must be at least 1")


DEFAULT_SETTINGS = AlignSettings()
