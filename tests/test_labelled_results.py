"""Pasted tables whose response and survival cells name their arm and measure ("Arm X: ORR
12%", "Arm X: median OS: 9 months" then "41% at 1 year" on a line of its own): the clause
reader, the column kinds it scores, counts that describe their patients, labelled regimens,
and a whole invented table of the construction (PMC4295550 Table 1's layout with other drugs,
labels and numbers; the real table is in tests/test_real_tables.py)."""
import pandas as pd
import pytest

from conftest import DATA
from pipeline.model import Line
from pipeline.readers.text import text_to_tables
from pipeline.table.align import NEG, TableContext, score_cell, text_table_to_grid, tokenize_lines, typed_score
from pipeline.table.align.context import Knowledge
from pipeline.table.align.results import labelled_clauses, read_clauses
from pipeline.table.counts import described_count

INVENTED = DATA / "invented"


def toks(text):
    return tokenize_lines([Line(1, text)])


def clauses(text):
    """Each clause as (its words, its label's words or None, the column its measure names)."""
    t = toks(text)
    got = read_clauses(t)
    if got is None:
        return None
    words = lambda a, b: " ".join(x.text for x in t[a:b])
    return [(words(c.start, c.end), words(*c.label) if c.label else None, c.named) for c in got]


@pytest.mark.parametrize("text, want", [
    ("Arm K alone: ORR 14.2%", [("Arm K alone: ORR 14.2%", "Arm K alone:", "orr_pct")]),
    ("Arm K: median OS: 9.3 months 44.0% at 1 year 20.5% at 2 years",
     [("Arm K: median OS: 9.3 months", "Arm K:", "os_median"), ("44.0% at 1 year", None, None),
      ("20.5% at 2 years", None, None)]),
    ("5 mg/kg dose: 49% at 1 year 15 mg/kg dose: 55% at 1 year",
     [("5 mg/kg dose: 49% at 1 year", "5 mg/kg dose:", None), ("15 mg/kg dose: 55% at 1 year", "15 mg/kg dose:", None)]),
    ("Across all cohorts: ORR: 29% (18–41%)", [("Across all cohorts: ORR: 29% (18–41%)", "Across all cohorts:", "orr_pct")]),
    ("Zeta: median OS: NR", [("Zeta: median OS: NR", "Zeta:", "os_median")]),
    ("2-year OS 27%", [("2-year OS 27%", None, "os_rate")]),
    ("12.1", [("12.1", None, None)]),
    ("Arm K vs. Arm L: ORR 12% vs. 8%", [("Arm K vs. Arm L: ORR 12% vs. 8%", "Arm K vs. Arm L:", "orr_pct")]),
    ("median OS: 10.4 vs. NR", [("median OS: 10.4 vs. NR", None, "os_median")]),
    ("ORR 12% vs.", None),
    # not clauses: words after a value, a lower-case label, a duration that starts a "label"
    ("ORR 14.2% in responders", None),
    ("combination Arm K: ORR 14.2%", None),
    ("1 year Arm K: ORR 14.2%", [("1 year", None, None), ("Arm K: ORR 14.2%", "Arm K:", "orr_pct")]),
    ("patients with disease", None),
    ("24 mg daily Drug K: ORR 36%", None),        # a dose of the regimen before, then the label
])
def test_read_clauses(text, want):
    assert clauses(text) == want


def test_a_table_is_labelled_by_two_clauses_naming_arm_and_measure():
    assert labelled_clauses(toks("Drug A 40 Arm K: ORR 14.2% Arm K: median OS: 9.3 months")) == 2
    assert labelled_clauses(toks("Drug A 40 14.2% 9.3 months Efficacy ORR 12%")) == 0
    assert labelled_clauses(toks("ORR: 12% mPFS: 3.1 months")) == 0      # measures named, no arm


@pytest.mark.parametrize("kind, text, fits", [
    ("response_text", "Arm K: ORR 14.2%", True),
    ("response_text", "Arm K: median OS: 9.3 months", False),      # a survival under a response rate
    ("response_text", "44.0% at 1 year", False),                    # a rate at a landmark no name calls a response
    ("response_text", "1 year", False),                             # a duration under a response rate
    ("survival_text", "Arm K: median OS: 9.3 months 44.0% at 1 year", True),
    ("survival_text", "Arm K: ORR 14.2%", False),
    ("survival_text", "9.3 months 44.0% 1", False),                 # a bare number after other clauses
    ("survival_text", "NA", True),
    ("n_total", "312 patients with previously treated metastatic sarcoma", True),
    ("n_total", "312 patients with sarcoma Durvalumab 10 mg/kg", False),   # the next cell's regimen
    ("n_total", "64 patients with sarcoma (cohorts A, B) Dose cohorts:", False),   # the next cell's label
    ("n_total", "44.0%", False),                                    # a count is never a percentage
    ("n_total", "1 year", False),                                   # nor a duration
    ("n_total", "3 mg/kg every 3 weeks", False),                    # nor a dose
    ("treatment", "Escalating cohorts: durvalumab 10 mg/kg + tremelimumab 1 mg/kg", True),
    ("treatment", "cohorts: durvalumab 10 mg/kg", False),           # its label began in the cell before
    ("treatment", "Chemotherapy: 9 cycles", False),                 # a label naming no regimen
    ("treatment", "44.0% at", False),                               # a regimen never starts on a rate
    ("agent", "Drug dosed at 40 mg daily ×", False),                # no cell ends on "×"
])
def test_cells_of_labelled_tables(kind, text, fits):
    """The column's own shapes (a cell they refuse may still be taken at a cost and flagged)."""
    ctx = TableContext(Knowledge({}, {}))
    assert (typed_score(kind, toks(text), ctx) != NEG) is fits


@pytest.mark.parametrize("kind, text", [
    ("n_total", "44.0%"), ("n_total", "44.0% at 1 year"), ("treatment", "44.0% at"), ("agent", "44.0% at"),
])
def test_a_rate_is_no_unusual_count_or_regimen_either(kind, text):
    """Not even at a cost: a count or a regimen never starts on a stray rate."""
    assert score_cell(kind, toks(text), TableContext(Knowledge({}, {}))) == NEG


def test_a_result_cell_of_no_clauses_is_taken_only_at_a_cost():
    """Value-like text that is no run of clauses ("44.0% 12": a number of the next clause)
    fills a result column only as a misfit, at the value columns' cost (and is flagged); no
    cell ends on "at" ("44.0% at": the cell goes on to its landmark on the next line)."""
    ctx = TableContext(Knowledge({}, {}))
    assert score_cell("survival_text", toks("44.0% 12"), ctx) == ctx.w.fallback_value
    assert score_cell("survival_text", toks("44.0% at"), ctx) == NEG
    assert score_cell("survival_text", toks("44.0% at 1 year"), ctx) == ctx.w.results_cell


@pytest.mark.parametrize("text, want", [
    ("312 patients with previously treated metastatic sarcoma", 312),
    ("204 Chemotherapy naive patients with sarcoma", 204),
    ("64 pts (cohorts A, B, C)", 64),
    ("12 cycles of therapy", None),
    ("40 mg daily", None),
    ("patients with 3 prior lines", None),
])
def test_described_count(text, want):
    got = described_count(text)
    assert (got.value if got else None) == want


def test_an_invented_table_of_labelled_result_cells():
    grid = text_table_to_grid(text_to_tables("t", (INVENTED / "labelled_result_cells.txt").read_text())[0])
    rows = [r.section if r.section else [c.text if c else None for c in r.cells] for r in grid.rows]
    assert rows == [
        "VEGFR BLOCKADE",
        ["Cabozantinib (14)", "312 patients with previously treated metastatic sarcoma",
         "Cabozantinib vs. placebo vs. sequence", "Cabozantinib alone: ORR 17.4%",
         "Cabozantinib alone: median OS: 13.2 months 52.7% at 1 year 28.1% at 2 years"],
        [None, None, "Cabozantinib dosed at 40 mg daily × 8 cycles", "Placebo group: ORR 3.2%",
         "Placebo group: Median OS: 8.1 months 33.4% at 1 year 11.9% at 2 years"],
        "PD-L1 BLOCKADE",
        ["Durvalumab (27)", "96 patients with sarcoma whose disease had progressed after sunitinib",
         "Durvalumab 10 mg/kg every 2 weeks vs. durvalumab 20 mg/kg every 4 weeks",
         "For total study population: ORR 21%", "10 mg/kg dose: 61% at 1 year 20 mg/kg dose: 57% at 1 year"],
        ["Atezolizumab (33)", "204 Chemotherapy naive patients with undifferentiated pleomorphic sarcoma",
         "Atezolizumab 1200 mg every 3 weeks vs. doxorubicin", "Atezolizumab: ORR: 33%",
         "Atezolizumab: median OS: NR 68.4% at 1 year"],
        [None, None, None, "Doxorubicin: ORR: 15.2%", "Doxorubicin: median OS: 12.7 months 49.0% at 1 year"],
        "COMBINATION",
        ["Durvalumab + tremelimumab (41, 42)", "64 patients with metastatic sarcoma (cohorts A, B, C)",
         "Escalating dose cohorts: durvalumab 10–20 mg/kg + tremelimumab 1–3 mg/kg",
         "Across all dose levels: ORR: 29% (18–41%)", "Across all dose levels: median OS: NR 81% at 1 year 66% at 2 years"],
    ]
    # the lines of a result cell after its first are its visible rest: no row is joined by guess
    assert all("lines_joined_by_guess" not in r.flags for r in grid.rows)


def test_labelled_result_cells_end_to_end(tmp_path):
    from pipeline.run import extract

    extract([INVENTED / "labelled_result_cells.txt"], tmp_path / "out")
    arms = pd.read_parquet(tmp_path / "out" / "arms.parquet")
    m = pd.read_parquet(tmp_path / "out" / "measures.parquet")
    assert arms[["row", "section", "ref"]].values.tolist() == [
        [1, "VEGFR BLOCKADE", "(14)"], [2, "VEGFR BLOCKADE", "(14)"], [3, "PD-L1 BLOCKADE", "(27)"],
        [4, "PD-L1 BLOCKADE", "(33)"], [5, "PD-L1 BLOCKADE", "(33)"], [6, "COMBINATION", "(41, 42)"]]
    assert arms["filled"].map(list).tolist()[4] == ["agent", "treatment"]
    got = sorted((r.row, r.measure, r.population, None if pd.isna(r.value) else r.value,
                  None if pd.isna(r.timepoint_months) else r.timepoint_months) for r in m.itertuples())
    assert got == sorted([
        (1, "n", "all", 312.0, None), (1, "orr", "Cabozantinib alone", 17.4, None),
        (1, "os_median", "Cabozantinib alone", 13.2, None), (1, "os_rate", "Cabozantinib alone", 52.7, 12.0),
        (1, "os_rate", "Cabozantinib alone", 28.1, 24.0),
        (2, "orr", "Placebo group", 3.2, None), (2, "os_median", "Placebo group", 8.1, None),
        (2, "os_rate", "Placebo group", 33.4, 12.0), (2, "os_rate", "Placebo group", 11.9, 24.0),
        (3, "n", "all", 96.0, None), (3, "orr", "all", 21.0, None),
        (3, "os_rate", "10 mg/kg dose", 61.0, 12.0), (3, "os_rate", "20 mg/kg dose", 57.0, 12.0),
        (4, "n", "all", 204.0, None), (4, "orr", "Atezolizumab", 33.0, None),
        (4, "os_median", "Atezolizumab", None, None), (4, "os_rate", "Atezolizumab", 68.4, 12.0),
        (5, "orr", "Doxorubicin", 15.2, None), (5, "os_median", "Doxorubicin", 12.7, None),
        (5, "os_rate", "Doxorubicin", 49.0, 12.0),
        (6, "n", "all", 64.0, None), (6, "orr", "all", 29.0, None), (6, "os_median", "all", None, None),
        (6, "os_rate", "all", 81.0, 12.0), (6, "os_rate", "all", 66.0, 24.0),
    ])
    # every "NR" median is flagged: nothing in the table says it means not reached
    nr = m[m["not_reached"]]
    assert len(nr) == 2 and all("nr_unsettled" in f for f in nr["flags"])


def test_labelled_cells_after_a_dose_and_two_arms_in_one_cell():
    """The regimen's dose before a label stays the regimen's ("Drug 24 mg daily | Drug: ORR
    36%"); one cell may label two arms; an arm's own line (response and survival only) is a
    row of its own under the trial's row."""
    text = """Table 2.

Invented trials.

Study Phase N Treatment ORR Overall survival
ALPHA-1 (12) III 410 Sunitinib vs. everolimus Sunitinib: ORR 21% Everolimus: ORR 9% Sunitinib: median OS: 14.1 months
Everolimus: median OS: 11.0 months
BETA-2 (15) II 88 Lenvatinib 24 mg daily Lenvatinib: ORR 36% (25–47%) Lenvatinib: median OS: NR
72% at 1 year
GAMMA (19) II 120 Cabozantinib 60 mg vs. sorafenib 400 mg Cabozantinib: ORR 18% Cabozantinib: median OS: 9.9 months
Sorafenib: ORR 7% Sorafenib: median OS: 8.1 months
"""
    grid = text_table_to_grid(text_to_tables("t", text)[0])
    assert [[c.text if c else None for c in r.cells] for r in grid.rows] == [
        ["ALPHA-1 (12)", "III", "410", "Sunitinib vs. everolimus", "Sunitinib: ORR 21% Everolimus: ORR 9%",
         "Sunitinib: median OS: 14.1 months Everolimus: median OS: 11.0 months"],
        ["BETA-2 (15)", "II", "88", "Lenvatinib 24 mg daily", "Lenvatinib: ORR 36% (25–47%)",
         "Lenvatinib: median OS: NR 72% at 1 year"],
        ["GAMMA (19)", "II", "120", "Cabozantinib 60 mg vs. sorafenib 400 mg", "Cabozantinib: ORR 18%",
         "Cabozantinib: median OS: 9.9 months"],
        [None, None, None, None, "Sorafenib: ORR 7%", "Sorafenib: median OS: 8.1 months"],
    ]
