"""Reference citations inside name cells, and the regimen of tables without a regimen column.

Each case names the real table page whose construction it copies (values and names changed
where the case is about the mechanism, not the table)."""
import pytest

from pipeline.model import Cell, Grid, GridRow
from pipeline.normalize.refs import split_citation
from pipeline.table.arms import grid_to_arms

CASES = [
    # (cell, cell without the citation, citation, provenance)
    ("ALPHA-006 [41, 42]", "ALPHA-006", "[41, 42]", "PMC8484371 Tab1: trial name + refs in brackets"),
    ("NCT01234567 [2], [3], [4]", "NCT01234567", "[2], [3], [4]",
     "PMC8317793 Table 2 (wild round 7): an NCT id and its references, each in brackets"),
    # wild round 7 (PMC4956059 Table 1, PMC5896860 Table 2): superscript references glued to
    # the drug or control arm that ends a name cell, after a footnote letter maybe
    ("Exampinib vs placebo26", "Exampinib vs placebo", "26", "reference glued to a control arm"),
    ("Docetaxel vs mitoxantroneb,23", "Docetaxel vs mitoxantrone", "23", "footnote letter, then references"),
    ("Sorafenib28,29", "Sorafenib", "28,29", "the name's own last letter stays"),
    ("FOLFOX6", "FOLFOX6", None, "a regimen's code in capitals keeps its digit"),
    ("gemcitabine + cisplatin (biweekly)19", "gemcitabine + cisplatin (biweekly)19", None,
     "no drug right before the digits: kept"),
    ("Drugarubicin vs. drugarubicin-ifosfamide [12••]", "Drugarubicin vs. drugarubicin-ifosfamide", "[12••]",
     "PMC5842271 Tab2: key-reference bullets"),
    ("Drugarubicin-evofosfamide vs. drugarubicin[13]", "Drugarubicin-evofosfamide vs. drugarubicin", "[13]",
     "PMC5842271 Tab2: citation glued to the regimen"),
    ("PROSTUDY Smith A et al. (4,17)", "PROSTUDY Smith A et al.", "(4,17)", "PMC8326384 TB1: author + refs"),
    ("Jones et al.[61]", "Jones et al.", "[61]", "PMC4059864 t03: ref glued to authors"),
    ("NCT02345678117", "NCT02345678", "117", "PMC7001551 t0010: superscript ref glued to an NCT id"),
    ("NCT03456789⁎,98", "NCT03456789", "98", "PMC7001551 t0010: footnote mark and ref after an NCT id"),
    ("NCT04567890", "NCT04567890", None, "an NCT id alone: eight digits, no citation"),
    ("Drugumab (9)", "Drugumab", "(9)", "PMC4295550 T1: ref in parentheses after the agent"),
    ("Lee et al. (44) (NCT01234567)", "Lee et al. (NCT01234567)", "(44)", "PMC8016392 T2: ref before the NCT id"),
    ("BETA-158 [21,26] (NCT01234567) Phase II", "BETA-158 (NCT01234567) Phase II", "[21,26]",
     "PMC9600578 t001: refs then the NCT id"),
    # not citations
    ("Robert et al. (2015)", "Robert et al. (2015)", None, "a year"),
    ("Cohort 1 (n = 30)", "Cohort 1 (n = 30)", None, "a count"),
    ("Drugumab (3 mg/kg)", "Drugumab (3 mg/kg)", None, "a dose"),
    ("Evorpacept (ALX-148)", "Evorpacept (ALX-148)", None, "a drug code"),
    ("[12]", "[12]", None, "a cell that is only a citation belongs to a ref column"),
]


@pytest.mark.parametrize("cell,rest,cite,why", CASES, ids=[c[3] for c in CASES])
def test_split_citation(cell, rest, cite, why):
    assert split_citation(cell) == (rest, cite)


def _grid(header, rows):
    return Grid(source="t", label="Table 1", title=None, header=tuple(header),
                rows=tuple(GridRow(tuple(Cell(c) if c is not None else None for c in r), line=k + 2)
                           for k, r in enumerate(rows)))


def test_citation_leaves_the_name_and_becomes_ref():
    arms = grid_to_arms(_grid(["Trial name", "Treatment arms", "ORR (%)"],
                              [["GAMMA-01 [31, 32]", "Drugumab vs. placebo[33]", "30 vs. 10"]])).arms
    (a,) = arms
    assert (a["study"], a["treatment"], a["ref"]) == ("GAMMA-01", "Drugumab vs. placebo", "[31, 32]")


def test_a_ref_column_wins_over_a_citation_in_a_name():
    (a,) = grid_to_arms(_grid(["Study", "Treatment", "ORR (%)", "Ref."],
                              [["DELTA-2 [5]", "Drugumab", "30", "7"]])).arms
    assert (a["study"], a["ref"]) == ("DELTA-2", "7")


def test_agent_column_is_the_regimen_when_the_table_has_no_treatment_column():
    """PMC7072020 Table 1 and PMC7001551 Table 2 write the regimen in an 'Agent' column."""
    arms = grid_to_arms(_grid(["Clinical trial", "Phase", "Agent", "No.", "ORR (%)"],
                              [["OMEGA-1", "III", "Drugumab vs. placebo", "200 vs. 201", "60.1 vs. 61.0"],
                               ["OMEGA-2", "II", "Drugumab + tremelimumab", "30", "13.3"]])).arms
    assert [a["treatment"] for a in arms] == ["Drugumab vs. placebo", "Drugumab + tremelimumab"]


def test_agent_does_not_replace_an_empty_treatment_cell_of_a_treatment_column():
    arms = grid_to_arms(_grid(["Study", "Agent", "Treatment", "ORR (%)"],
                              [["EPS-1", "Drugumab", None, "20"]])).arms
    assert arms[0]["treatment"] is None
