"""Pasted rows -> cells: the aligner on tables it was not tuned on, section rows, wrapped rows."""
from pathlib import Path

import pytest

from conftest import DATA
from pipeline.model import Line, TextTable
from pipeline.readers.text import text_to_tables
from pipeline.table.align import text_table_to_grid
from pipeline.table.arms import grid_to_arms

INVENTED = DATA / "invented"


def grid_of(text: str):
    return text_table_to_grid(text_to_tables("t", text)[0])


def cells(grid):
    return [None if r.section else [c.text if c else None for c in r.cells] for r in grid.rows]


def test_year_column_and_ci_ranges():
    g = grid_of((INVENTED / "biliary_numeric_year.txt").read_text())
    assert g.header == ("Study", "Year", "Phase", "N", "Regimen", "Setting", "ORR (%)",
                        "Median PFS (months)", "Median OS (months)", "Ref.")
    rows = cells(g)
    assert rows[0] == ["KEYNOTE-158", "2020", "II", "104", "Pembrolizumab", "Second-line", "5.8",
                       "2.0 (1.9-2.1)", "7.4 (5.5-9.6)", "31"]
    # the comparator arm drops Study, Year, Phase and Ref (spanned)
    assert rows[5] == [None, None, None, "170", "Placebo + Gem/Cis", "First-line", "18.7", "5.7", "11.5", None]


def test_continuation_rows_drop_several_cells():
    g = grid_of((INVENTED / "hcc_units_in_cells.txt").read_text())
    assert g.header[:2] == ("Trial", "Phase")
    rows = cells(g)
    assert rows[3] == [None, None, "2L", None, "120", "22.5%", "5.5 months", "21.8 months"]
    assert rows[5] == [None, None, None, "Sorafenib", "191", "4%", "2.8 months", "10.4 months"]
    arms = grid_to_arms(g).arms
    assert arms[3]["study"] == "RESCUE" and arms[3]["line"] == 2 and arms[3]["filled"] == ["study", "phase", "treatment"]
    assert arms[5]["line"] == 1 and arms[5]["drugs"] == ["sorafenib"]


def test_section_rows_set_section_and_line():
    text = ("Study Regimen N ORR (%) mPFS (months)\n"
            "Previously untreated\n"
            "ALPHA-1 Gemcitabine 40 12.5 3.1\n"
            "Second-line and beyond\n"
            "BETA-2 Irinotecan 35 8.6 2.2\n")
    g = grid_of(text)
    assert [r.section for r in g.rows] == ["Previously untreated", None, "Second-line and beyond", None]
    arms = grid_to_arms(g).arms
    assert [(a["section"], a["line"]) for a in arms] == [("Previously untreated", None), ("Second-line and beyond", 2)]


def test_wrapped_cells_join_into_one_row():
    text = ("Trial ID Phase Agent Population No. ORR mPFS mOS\n"
            "NCT00000001 II Gemcitabine +\n"
            "docetaxel Uterine\n"
            "leiomyosarcoma 48 27% 5.6 months 14.7 months\n"
            "NCT00000002 II Pazopanib Synovial sarcoma 30 10% 16.1 weeks NR\n")
    g = grid_of(text)
    assert cells(g) == [["NCT00000001", "II", "Gemcitabine + docetaxel", "Uterine leiomyosarcoma", "48", "27%",
                         "5.6 months", "14.7 months"],
                        ["NCT00000002", "II", "Pazopanib", "Synovial sarcoma", "30", "10%", "16.1 weeks", "NR"]]
    assert [r.line for r in g.rows] == [2, 5]


def test_free_text_results_column():
    g = grid_of((INVENTED / "btc_main_results.txt").read_text())
    res = grid_to_arms(g)
    got = sorted((m["row"], m["measure"], m["population"], m["value"]) for m in res.measures)
    # the count a population cell states ("Advanced BTC, n = 42") is the cohort's
    assert got == [(1, "n", "all", 42.0), (1, "orr", "all", 4.8), (1, "os_median", "all", 8.1),
                   (1, "pfs_median", "all", 1.5), (2, "dcr", "all", 32.3), (2, "n", "all", 65.0),
                   (2, "orr", "all", 10.8), (2, "os_median", "all", 10.1),
                   (3, "pfs_median", "arm 1", 3.65), (3, "pfs_median", "arm 2", 1.87)]
    assert [a["drugs"] for a in res.arms][1] == ["durvalumab", "tremelimumab"]


def test_unalignable_row_names_the_line():
    from pipeline.errors import InputError
    text = "Study Phase ORR (%)\nALPHA-1 II 12.5\nBETA-2 II 9.1 + + +\n"
    with pytest.raises(InputError) as e:
        grid_of(text)
    assert e.value.line == 3


@pytest.mark.parametrize("keep_empty", [False, True], ids=["spanned-cells-dropped", "empty-cells-kept"])
def test_tab_separated_paste_matches_gold(tmp_path, keep_empty):
    """A browser copy of an HTML table separates cells with tabs: tabs are hard cell boundaries."""
    import json

    import pandas as pd

    from gold import compare
    from pipeline.run import extract

    spec = json.loads((Path(__file__).parent / "fixtures" / "pmc10584733_table6.table.json").read_text("utf-8"))
    lines = ["Table 6.", "", spec["title"], "", "\t".join(spec["header"])]
    for r in spec["rows"]:
        lines.append("\t".join((c or "") for c in r["cells"] if keep_empty or c is not None))
    (tmp_path / "pmc10584733_table6.txt").write_text("\n".join(lines + ["", "Abbreviations: UK, unknown"]))
    extract([tmp_path / "pmc10584733_table6.txt"], tmp_path / "out")
    gold = json.loads((DATA / "gold" / "pmc10584733_table6.json").read_text("utf-8"))
    arms = pd.read_parquet(tmp_path / "out" / "arms.parquet")
    meas = pd.read_parquet(tmp_path / "out" / "measures.parquet")
    assert compare(gold, arms, meas) == []


def _rewrap(text: str, split) -> str:
    out, body = [], False
    for line in text.split("\n"):
        if line.startswith("Trials Target"):
            body = True
            out.append(line)
        elif body and line.strip() and not line.startswith("Abbreviations"):
            out.extend(split(line))
        else:
            out.append(line)
    return "\n".join(out)


def _reference_compare(tmp_path, text):
    import json

    import pandas as pd

    from gold import compare
    from pipeline.run import extract

    (tmp_path / "pmc10584733_table6.txt").write_text(text)
    extract([tmp_path / "pmc10584733_table6.txt"], tmp_path / "out")
    gold = json.loads((DATA / "gold" / "pmc10584733_table6.json").read_text("utf-8"))
    return compare(gold, pd.read_parquet(tmp_path / "out" / "arms.parquet"),
                   pd.read_parquet(tmp_path / "out" / "measures.parquet"))


def test_outcome_cells_wrapped_at_sentence_ends(tmp_path):
    """Free-text cells whose sentences start new lines are joined back into their row."""
    import re
    text = (DATA / "raw" / "pmc10584733_table6.txt").read_text("utf-8")
    wrapped = _rewrap(text, lambda l: re.split(r"(?<=\.) (?=[A-Z])", l) if len(l) > 200 else [l])
    assert wrapped.count("\n") > text.count("\n") + 20
    assert _reference_compare(tmp_path, wrapped) == []


@pytest.mark.parametrize("width", [
    90, 120,
    pytest.param(60, marks=pytest.mark.xfail(strict=True, reason="at 60 characters a wrapped line can start "
                                                               "with a word that looks like a target ('NENs,')")),
])
def test_rows_hard_wrapped_at_fixed_width(tmp_path, width):
    """Rows hard-wrapped at a fixed width (text taken from a PDF) are joined back."""
    import textwrap
    text = (DATA / "raw" / "pmc10584733_table6.txt").read_text("utf-8")
    wrapped = _rewrap(text, lambda l: textwrap.wrap(l, width, break_long_words=False, break_on_hyphens=False))
    assert _reference_compare(tmp_path, wrapped) == []


def test_html_in_pmc_layout():
    """PMC pages put 'Table 3.' in a heading before the table's wrapper, the caption in a
    div, line breaks inside cells and the legend in a footnote block after the wrapper."""
    from pipeline.readers.html import html_to_grids

    (g,) = html_to_grids("pmc_style", (INVENTED / "pmc_style_table.html").read_text("utf-8"))
    assert g.label == "Table 3"
    assert g.title == "Selected trials of ICIs in invented neuroendocrine carcinoma cohorts"
    assert g.rows[0].cells[2].text == "Nivolumab + ipilimumab"
    assert g.legend == "ORR, objective response rate; NR, not reached"
    res = grid_to_arms(g)
    assert [a["drugs"] for a in res.arms] == [["ipilimumab", "nivolumab"], ["pembrolizumab"]]
    assert sorted((m["row"], m["measure"], m["value"], m["not_reached"]) for m in res.measures) == [
        (1, "n", 30, False), (1, "orr", 20.0, False), (1, "pfs_median", 3.1, False),
        (2, "n", 25, False), (2, "orr", 8.0, False), (2, "pfs_median", None, True)]


def test_cells_wrapped_over_many_lines_with_trial_names():
    """A PMC page whose cells hold line breaks: a trial name on its own line starts a row, a
    line naming a setting is a section."""
    g = grid_of((INVENTED / "wrapped_cells_trial_names.txt").read_text())
    assert [r.section for r in g.rows] == ["First-line therapy", None, "Second-line therapy and beyond", None, None]
    res = grid_to_arms(g)
    got = [(a["study"], a["treatment"], a["primary_sites"], a["line"]) for a in res.arms]
    assert got == [("ALPHA trial Smith et al", "Nivolumab + carboplatin", ["GEP", "lung"], 1),
                   ("BETA trial Jones et al", "Pembrolizumab", ["Any"], 2),
                   ("GAMMA-2 Lee et al", "Cabozantinib + atezolizumab", ["Pancreas"], 2)]
    ms = sorted((m["row"], m["measure"], m["value"], m["timepoint_months"], m["not_reached"]) for m in res.measures)
    assert ms == [(1, "n", 40, None, False), (1, "orr", 30.0, None, False), (1, "os_median", 12.0, None, False),
                  (1, "pfs_median", 5.1, None, False), (2, "n", 25, None, False), (2, "orr", 8.0, None, False),
                  (2, "os_median", 6.1, None, False), (2, "pfs_median", 2.0, None, False),
                  (3, "n", 31, None, False), (3, "orr", 16.0, None, False), (3, "os_median", None, None, True),
                  (3, "pfs_median", 4.4, None, False), (3, "pfs_rate", 38.0, 6.0, False)]


def test_markdown_rows_shifted_by_the_copy_are_placed_by_content():
    """'| 52 | CBDCA + ETP | 33 | 4.2 | 9.8 | |||' under an 8-column header: the spanned Study,
    Primary sites and Ref were dropped, so the values moved left; they go back by what they are."""
    from pipeline.readers.markdown import markdown_to_grids
    from pipeline.table.shifted import realign_shifted_rows

    (g,) = markdown_to_grids("t", (INVENTED / "markdown_shifted_rows.md").read_text("utf-8"))
    res = grid_to_arms(realign_shifted_rows(g))
    got = [(a["study"], a["primary_sites"], a["n_total"], a["treatment"], a["orr_pct"], a["pfs_median_months"],
            a["os_median_months"], a["ref"], a["filled"]) for a in res.arms]
    assert got == [
        ("Retro", ["Any"], 35, "CDDP + ETP", 40.0, 6.1, 12.0, "[7]", []),
        ("Retro", ["GEP"], 120, "CDDP + CPT-11", 45.0, 5.0, 12.2, "[8]", []),
        ("Retro", ["GEP"], 52, "CBDCA + ETP", 33.0, 4.2, 9.8, "[8]", ["study", "primary_sites", "ref"]),
        ("Phase II", ["Pancreas"], 24, "FOLFIRI", 21.0, 3.3, None, "[9]", []),
    ]
    assert {a["section"] for a in res.arms} == {"First-line chemotherapy"}


def test_markdown_rows_broken_over_lines():
    """A page rendering that breaks each row after some of its cells (no leading '|'): the
    lines add up to one row when they reach the header's cell count; the primary-endpoint
    result is read as the measure its endpoint names."""
    from pipeline.readers.markdown import markdown_to_grids

    (g,) = markdown_to_grids("t", (INVENTED / "markdown_rows_broken_over_lines.md").read_text("utf-8"))
    assert [r.section for r in g.rows] == ["Somatostatin analogues", None, "Targeted agents", None]
    res = grid_to_arms(g)
    # the reference glued after the authors is the row's ref (the table has no Ref column)
    assert [(a["study"], a["ref"], a["phase"], a["treatment"], a["primary_endpoint"]) for a in res.arms] == [
        ("OSPREY-1 Smith A et al.", "(12)", "III", "Lanreotide vs. placebo", "PFS"),
        ("HERON-2 Diaz B et al.", "(14)", "II", "Sunitinib", "ORR")]
    got = sorted((m["row"], m["measure"], m["population"], m["value"]) for m in res.measures)
    assert got == [(1, "n", "Lanreotide", 45), (1, "n", "all", 90), (1, "n", "placebo", 45),
                   (1, "os_median", "Lanreotide", 48.2), (1, "os_median", "placebo", 47.0),
                   (1, "pfs_median", "Lanreotide", 20.1), (1, "pfs_median", "placebo", 10.4),
                   (2, "n", "all", 60), (2, "orr", "all", 12.0)]


def test_typed_length_caps_never_drop_a_typed_score():
    """score_cell skips the typed shapes of a column for spans longer than _TYPED_MAX says they
    can accept; every longer window of words from every fixture table must indeed get NEG."""
    from pipeline.table.align import _TYPED_MAX, NEG, Knowledge, TableContext, _typed_score, tokenize_lines

    kb = TableContext(Knowledge({}, {}))
    tried = 0
    for path in sorted((DATA / "raw").glob("*.txt")) + sorted(INVENTED.glob("*.txt")):
        lines = [Line(i, t) for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)]
        toks = tokenize_lines(lines)
        for kind, cap in _TYPED_MAX.items():
            for i in range(0, len(toks) - cap - 4, 3):
                for n in range(cap + 1, cap + 5):
                    assert _typed_score(kind, toks[i:i + n], kb) == NEG, (kind, [t.text for t in toks[i:i + n]])
                    tried += 1
    assert tried > 10_000


@pytest.mark.parametrize("line, section", [
    ("Second-line therapy and beyond", True),
    ("Phase III trials", True),
    ("Somatostatin analogues", True),
    ("Patel et al", False),            # an author citation: the first lines of a study cell
    ("Riesco-Martinez et al.", False),
    ("AVENEC trial", False),           # one named trial, wrapped over its own line
    ("Basket study", False),
    # PMC2962713 Table 5: a labelled group heading with its count, longer than most headings
    ("Group B: ORR above the median but PFS below it (n=4)", True),
    ("Group B ORR above the median but PFS below it in trials", False),
])
def test_section_lines(line, section):
    from pipeline.table.align import _section_like

    assert _section_like(line) is section


def test_study_cells_over_three_lines_and_site_cells_with_counts():
    """A PMC page whose study cells wrap over up to three lines (trial name, "Basket trial",
    authors) and whose site cells count patients ("70 lung LC-NEC 80 GEP NECs",
    "(11 G3, 9 GEP, 5 GEP NECs)"): author lines are not sections, a row may run to 11 lines,
    and a cell never stops inside a parenthesis."""
    g = grid_of((INVENTED / "wrapped_study_cells_site_counts.txt").read_text())
    assert [r.section for r in g.rows] == ["Second-line therapy and beyond"] + [None] * 5
    assert cells(g)[1:] == [
        ["OMEGA trial Garcia et al", "150", "70 lung LC-NEC 80 GEP NECs", "Nivolumab + ipilimumab", "ORR",
         "12.5%", "2.1 mo", "6.6 mo"],
        ["KX-101 Basket trial Novak et al", "27", "NENs any site (11 G3, 9 GEP, 5 GEP NECs)",
         "Nivolumab + ipilimumab", "DCR", "21% (G3 30%)", "3.9 mo", "12.2 mo"],
        ["SIGMA SWOG 2207 Basket trial Brown et al", "35", "NENs any site (17 G3, 12 GEP, 6 GEP NECs)",
         "Durvalumab + tremelimumab", "ORR", "19% (G3 31%)", "3 mo (G3 6-mo PFS 40%)", "10 mo"],
        ["Okafor et al", "33", "G3 EP-NENs (20 NECs, 13 GEP)", "Pembrolizumab", "ORR", "6.1%", "2.3 mo", "5.4 mo"],
        ["Ito et al", "98", "24 GEP-NECs", "Spartalizumab", "ORR", "4.2%", "1.7 mo", "6.1 mo"],
    ]
    ms = {(m["row"], m["measure"]): m["value"] for m in grid_to_arms(g).measures if m["population"] == "all"
          and m["timepoint_months"] is None}
    assert [ms[(r, "n")] for r in range(1, 6)] == [150, 27, 35, 33, 98]
    assert [ms[(r, "os_median")] for r in range(1, 6)] == [6.6, 12.2, 10.0, 5.4, 6.1]
    # "21% (G3 30%)" in the ORR column: the subgroup's value is a measure of its own
    g3 = sorted((m["row"], m["value"]) for m in grid_to_arms(g).measures
                if m["measure"] == "orr" and m["population"] == "G3")
    assert g3 == [(2, 30.0), (3, 31.0)]


def test_two_arm_phase3_rows_wrapped_over_lines():
    """A PMC page of two-arm phase III trials: authors with reference numbers ("Keller B et
    al. (7,12)"), 'N = 90' over '44 vs. 46', results naming their arms ('OCT: 12.1 m vs.
    placebo: 5.2 m'), an HR with its P value on the next line, a setting cell wrapped before
    the regimen. No cell ends on 'vs.', ':' or '<', and a row runs on while a per-row value
    column is still empty."""
    g = grid_of((INVENTED / "phase3_two_arm_wrapped.txt").read_text())
    assert [r.section for r in g.rows] == ["Somatostatin analogs", None, "Molecularly targeted agents", None, None]
    assert cells(g)[1] == ["ORION Keller B et al. (7,12)", "Phase III",
                           "Midgut or unknown origin NET (Functional and non-functional)",
                           "Octreotide LAR 20 mg every 21 days vs. placebo", "N = 90 44 vs. 46", "TTP",
                           "OCT: 12.1 m vs. placebo: 5.2 m", "0.41 (0.25–0.66) P < 0.001", "80.2 vs. 78.9 m"]
    assert cells(g)[3:] == [
        ["VEGA-3 Tanaka H et al. (21,24)", "Phase III", "Progressive disease pancreatic NET", "Sunitinib vs. placebo",
         "N = 160 81 vs. 79", "PFS", "10.9 m vs. 5.1 m", "0.45 (0.30–0.68) P = 0.0002", "35.2 vs. 28.4 m"],
        ["LYRA Moreau P et al. (33,34)", "Phase III", "Progressive disease pancreatic NET", "Everolimus vs. placebo",
         "198 vs. 201", "PFS", "10.8 vs. 4.9 m", "0.37 (0.28–0.48) P < 0.0001", "41.5 vs. 36.0 m"]]
    res = grid_to_arms(g)
    assert [(a["phase"], a["n_total"]) for a in res.arms] == [("III", 90), ("III", 160), ("III", None)]
    os_ = sorted((m["row"], m["population"], m["value"]) for m in res.measures if m["measure"] == "os_median")
    # the arm is named without its dose and schedule
    assert os_ == [(1, "Octreotide LAR", 80.2), (1, "placebo", 78.9),
                   (2, "Sunitinib", 35.2), (2, "placebo", 28.4), (3, "Everolimus", 41.5), (3, "placebo", 36.0)]


def test_rows_grouped_by_blank_lines_footnote_marker_and_unlabelled_legend():
    """A page that spaces out groups of rows with blank lines: the body goes on past a blank
    line when a data row follows; a lone footnote marker ("a") and a note end it; a legend
    without its "Abbreviations:" label ("OS = overall survival; ...") is still the legend; a
    header with four known columns among long unknown ones is still the header."""
    from pipeline.normalize.abbreviations import parse_legend
    from pipeline.readers.text import read_text

    text = (INVENTED / "grouped_rows_blank_lines.txt").read_text()
    t = text_to_tables("t", text)[0]
    assert t.notes == ("a", "Not statistically significant.")
    assert parse_legend(t.legend) == {"OS": "overall survival", "PFS": "progression free survival",
                                      "ORR": "objective response rate"}
    g = text_table_to_grid(t)
    assert cells(g) == [["LUMEN-1", "II", "Nivolumab", "14", "2.5", "16", "4"],
                        ["LUMEN-2", "III", "Pembrolizumab", "12.8", "3.1", "17", "6"],
                        [None, None, "vs. placebo", "10.1a", "2.7a", "3", "2"],
                        ["ASTER-9", "II", "Durvalumab + tremelimumab", "17.5", "2.2", "21", "9"],
                        [None, None, "Durvalumab", "12.9", "2.0", "8", "5"]]
    roles = read_text("t", text).roles
    assert [roles[n] for n in (7, 10, 13, 17)] == ["blank", "blank", "notes", "legend"]


def test_two_level_header_with_wrapped_group_headings():
    """A PMC page whose header runs over four lines: group headings wrapped onto lines of their
    own ("Median survival", "Grade 3/4 AEs") and a sub-header row ("ORR DCR OS PFS") that
    replaces the headings it sits under, each taking the columns its words name."""
    from pipeline.readers.text import read_text

    text = (INVENTED / "two_level_header.txt").read_text()
    g = grid_of(text)
    assert g.header == ("Agent", "Trial", "Phase", "n", "Target population", "ORR", "DCR", "OS", "PFS",
                        "Grade 3/4 AEs")
    assert [r.section for r in g.rows] == ["Monotherapy", None, None, "Combination", None]
    assert cells(g)[4] == ["Atezolizumab + bevacizumab", "NCT03456543", "Ib", "64", "Unresectable HCC", "31%",
                           "84%", "NR", "7.1", "30%"]
    ms = sorted((m["row"], m["measure"], m["value"]) for m in grid_to_arms(g).measures if m["row"] == 1)
    assert ms == [(1, "dcr", 55.0), (1, "n", 52), (1, "orr", 14.0), (1, "os_median", 13.1), (1, "pfs_median", 3.9)]
    roles = read_text("t", text).roles
    assert [roles[n] for n in range(5, 10)] == ["header", "header", "header", "header", "body"]


def test_section_line_after_header_is_not_a_wrapped_heading():
    text = ("Trial Phase Treatment ORR (%) mPFS (months)\nFirst-line therapy\n"
            "NCT01234567 II Nivolumab 20 4.1\n")
    g = grid_of(text)
    assert g.header == ("Trial", "Phase", "Treatment", "ORR (%)", "mPFS (months)")
    assert [r.section for r in g.rows] == ["First-line therapy", None]


def test_results_in_the_primary_endpoint_column_are_outcome_text():
    """An endpoint column that holds the row's results ("Safety and efficacy: median OS ...")
    is read as the row's outcome text; a short endpoint ("ORR") stays an endpoint."""
    from pipeline.readers.markdown import markdown_to_grids
    from pipeline.table.shifted import realign_shifted_rows

    grid = markdown_to_grids("t", (INVENTED / "results_in_endpoint_column.md").read_text())[0]
    res = grid_to_arms(realign_shifted_rows(grid))
    assert [a["primary_endpoint"] for a in res.arms] == ["Safety and efficacy", "OS", "ORR", "Efficacy"]
    got = sorted((m["row"], m["measure"], m["population"], m["value"]) for m in res.measures if m["measure"] != "n")
    assert got == [(1, "orr", "all", 8.3), (1, "os_median", "all", 11.4),
                   (2, "os_median", "nivolumab", 12.6), (2, "os_median", "placebo", 9.9),
                   (4, "orr", "all", 6.0), (4, "os_median", "all", 9.1)]
    # the last row lost its spanned Trial cell in the copy: placed by content, trial filled
    assert (res.arms[3]["study"], res.arms[3]["n_total"], res.arms[3]["filled"]) == ("SOLE-1", 52, ["study"])
    assert {n["text"]: n["rule"] for n in res.narrative if n["row"] == 2} == {"0.77": "other_outcome", "0.02": "p_value"}


def test_markdown_row_that_dropped_a_middle_value_is_placed_by_units():
    """'| 13.2 mo | 10% | |' under OS | PFS | ORR: the copy dropped the empty PFS cell. A % is
    no median, so the 10% moves to ORR, and of two equal readings the one that moves fewer
    cells keeps 13.2 mo under OS. 'Child–Pugh A' is no sentence start."""
    from pipeline.readers.markdown import markdown_to_grids
    from pipeline.table.shifted import realign_shifted_rows

    text = ("Study | Phase | n | Population | Drug | Median OS | Median PFS | ORR |\n"
            "---|---|---|---|---|---|---|---|\n"
            "ALPHA-2 (2019) [3] | II | 60 | Advanced HCC, Child–Pugh A after sorafenib | Agentumab | 11.0 mo | 3.1 mo | 12% |\n"
            "Doe et al. (2017) [8] | I/II | 44 | Advanced HCC, Child–Pugh A after sorafenib | Durvalumab | 12.4 mo | 9% | |\n")
    g = realign_shifted_rows(markdown_to_grids("t", text)[0])
    assert cells(g)[1] == ["Doe et al. (2017) [8]", "I/II", "44", "Advanced HCC, Child–Pugh A after sorafenib",
                           "Durvalumab", "12.4 mo", None, "9%"]


# ---------------------------------------------------------------- real-table constructions (issue 13)
def test_arm_rows_with_only_regimen_and_values():
    """One row per arm: the comparator's row is its regimen and its values; Trial, Phase, N,
    Endpoint and Result span down (a leading run of absent columns is a spanned run, whatever
    the columns hold), and the row is not merged into the trial's row."""
    g = grid_of((INVENTED / "arm_rows_numbers_only.txt").read_text())
    assert cells(g) == [
        None,
        ["HORIZON-7", "III", "412", "Gem + Ribolatinib + Cisplatin", "PFS", "41.2", "6.3 (HR 0.88; P = 0.21)",
         "12.9 (HR 0.97, P = 0.64)", "Negative"],
        [None, None, None, "Gem + Cisplatin + Placebo", None, "38.5", "6.1", "12.4", None],
        ["NCT09876543", "II", "64", "Maroxitinib + Pemulizumab", "ORR", "17.5", "3.9 (95% CI, 2.8–5.0)",
         "9.6 (95% CI, 7.1–12.2)", "Positive"],
        [None, None, None, "Pemulizumab", None, "9.4", "2.2", "7.7", None]]
    assert [r.joined_lines for r in g.rows if r.section is None] == [1, 1, 1, 1]


def test_dropped_value_cells_and_their_doubt():
    """Value cells the copy dropped: the arm rows keep their own values, an arm row under a
    trial whose row also lacks OS and PFS is not merged into the next trial, a bracketed
    reference stays with the trial name; where a value fits two columns equally (the first
    row's 4.6: OS or PFS?) the row's alignment margin is 0, so it can be flagged; the EFS
    trial's lone values sit under the column its endpoint names (endpoints.py)."""
    g = grid_of((INVENTED / "dropped_value_cells.txt").read_text())
    rows = [r for r in g.rows if r.section is None]
    assert cells(g) == [
        ["ARBOR-301 [12, 13]", "PFS, OS", "Avelumab q2w", None, "4.6", "38.4", None],
        [None, None, "Avelumab q4w", "28.2", "5.9", "31.2", None],
        [None, None, "Sunitinib", "21.5", "4.2", "14.8", None],
        ["LINDEN 44 [14]", "EFS", "Nivolumab", None, None, None, "57.3"],
        [None, None, "Placebo", None, None, None, "48.9"]]
    assert rows[0].alignment_margin == 0.0
    assert rows[1].alignment_margin > 2.0     # three values for three value columns: no doubt


def test_cells_stacked_over_blank_separated_lines():
    """A study whose cells are stacked over blank-separated lines: two regimens one a line,
    then the values column by column, two a column; the body goes on past the blank lines."""
    g = grid_of((INVENTED / "stacked_cells_blank_lines.txt").read_text())
    assert cells(g) == [
        None,
        ["Okafor et al. 2015 [31]", "II", "24", "GEP (16)/U (8)", "CDDP + VP-16", "55.0", "5.1", "12.2"],
        ["Lindqvist et al. 2016 [32]", "NTR (SWEDEN)", "188", "GEP (120)/ U (68)",
         "CDDP + VP-16 (101) CBDCA + VP-16 (87)", "35.0 29.0", "4.5 3.8", "13.1 10.4"],
        ["Haruki et al. 2018 [33]", "Retrospective", "31", "P (12)/ HB (19)", "CDDP + IRI", "38.0", "4.9", "9.8"]]
    assert [r.joined_lines for r in g.rows if r.section is None] == [1, 12, 1]


def test_cohort_pairs_year_column_and_mid_line_vs():
    """Values per cohort joined by a slash are one cell ("36/120", "58% /61%"); a Year column
    holds the year; a cell does not start on "vs." or "+" in the middle of a line."""
    g = grid_of((INVENTED / "cohort_pairs_year.txt").read_text())
    assert cells(g) == [
        ["Ferreira et al.[41]", "2012", "VEGFR2 inhibitor", "Pac + ramoxinib vs. Pac + placebo", "III", "330",
         "36/120", "58% /61%", "9.6"],
        ["Ito et al.[42]", "2014", "EGFR", "Cetuximab + Cape/oxaliplatin", "II", "58", "12% /18%", "55%", "7.9"]]


@pytest.mark.parametrize("text, ok", [
    ("26.5 vs. 14.7 (HR 0.47 LMS, 0.56 other)", True),     # a value with its aside
    ("A: 7% B: 5%", True),                                 # labelled arms
    ("Nivo vs Nivo-Ipi: Lung: 7.3% vs 18.2%", True),       # drug names as labels
    ("60.8 Nivolumab", False),                             # a value and the next arm's regimen
    ("490 First-line CE + Atezolizumab PFS, OS", False),   # other columns run into the count
    ("11 gp100 vaccine 6.4", True),                        # shape alone allows it; see lengths
])
def test_value_like_fallback(text, ok):
    from pipeline.table.align import Knowledge, _value_like, tokenize_lines
    toks = tokenize_lines([Line(1, text)])
    assert _value_like(toks, Knowledge({}, {})) is ok


def test_usual_lengths_learned_per_value_column():
    """A value column whose cells are one token on most rows: a cell of more than 3 tokens is
    unusually long there; descriptive columns and columns with under three cells learn none."""
    from pipeline.table.align import DEFAULT_SETTINGS, _usual_lengths
    got = _usual_lengths([[1, 1, 1, 1, 2], [3, 5, 2, 9], [1, 1]], ["orr_pct", "treatment", "os_median"],
                         DEFAULT_SETTINGS)
    assert got == [3, None, None]


def test_a_count_or_a_year_never_fills_a_rate_or_a_median():
    """PMC5842271 Table 2 (plain copy): the copy dropped the empty landmark-rate cells, so a
    row has fewer values than columns; "454 (64)" is no response rate (over 100) and "2014" no
    median OS (over 240 months): the count stays under n and the year under Year."""
    from pipeline.readers.text import read_text
    from pipeline.table.align import text_table_to_grid

    text = ("Regimen Setting Phase n (SS) RR (%) 3 months PFS (%) 6 months PFS (%) OS (months) Year of publication\n"
            "Drugumab vs. placebo NSCLC II 312 (40) 22 vs. 18 14.1 vs. 12.0 2015\n")
    (t,) = read_text("t", text).tables
    g = text_table_to_grid(t)
    got = {h: c.text for h, c in zip(g.header, g.rows[0].cells) if c is not None}
    assert (got["n (SS)"], got["OS (months)"], got["Year of publication"]) == ("312 (40)", "14.1 vs. 12.0", "2015")


@pytest.mark.parametrize("text,expected", [
    # PMC4059864 Table 3 (plain copy): the first arm row names both arms ("X vs. Y"), the second
    # holds only numbers; each row's values are its own arm's
    ("Authors Year Agent Arm Phase No. of patients RR (%) Median OS (months)\n"
     "Park et al.[3] 2012 PARP inhibitor Drugparib vs. FOLFOX III 150 9 7.2\n"
     "151 4 6.1\n",
     {(1, "n"): "Drugparib", (1, "orr"): "Drugparib", (1, "os_median"): "Drugparib",
      (2, "n"): "FOLFOX", (2, "orr"): "FOLFOX", (2, "os_median"): "FOLFOX"}),
    # the same treatment on one row only, its cells "x vs. y": the labels come from the cells
    ("Authors Year Agent Arm Phase No. of patients RR (%) Median OS (months)\n"
     "Park et al.[3] 2012 PARP inhibitor Drugparib vs. FOLFOX III 301 9 vs. 4 7.2 vs. 6.1\n",
     {(1, "n"): "all", (1, "orr"): "FOLFOX", (1, "os_median"): "FOLFOX"}),
])
def test_one_row_per_arm_under_a_vs_treatment(text, expected):
    ms = grid_to_arms(grid_of(text)).measures
    got = {(m["row"], m["measure"]): m["population"] for m in ms}
    assert got == expected


def test_a_dropped_cell_is_the_landmark_rate_before_the_response_rate():
    """PMC5842271 Table 2 (plain copy): the copy dropped the empty 3- and 6-month PFS rate
    cells; "21 vs. 30" could be the response rate or the 3-month rate, and reviews give a rate
    for fewer trials than a response rate, so the rate columns are the empty ones."""
    from pipeline.readers.text import read_text
    from pipeline.table.align import text_table_to_grid

    text = ("Regimen Phase RR (%) 3 months PFS (%) 6 months PFS (%) PFS (months) OS (months)\n"
            "Drugumab vs. placebo II 21 vs. 30 5.1 vs. 3.3 11.2 vs. 10.0\n")
    (t,) = read_text("t", text).tables
    g = text_table_to_grid(t)
    got = {h: c.text for h, c in zip(g.header, g.rows[0].cells) if c is not None}
    assert got == {"Regimen": "Drugumab vs. placebo", "Phase": "II", "RR (%)": "21 vs. 30",
                   "PFS (months)": "5.1 vs. 3.3", "OS (months)": "11.2 vs. 10.0"}


# invented: three trials whose regimen cells hold parentheses
_PARENTHESES_TABLE = """Table 2. Trials of regimens
Study Regimen N ORR (%) mOS (months)
Nu-1 Gem + Cis (GC) 40 15% 9.1
Ka-2 Cape + Oxali (CapOx) 52 22% 11.4
Lo-3 FOLFOX (mFOLFOX6, 2 cycles) 33 18% 8.7
"""


def test_caller_settings_reach_the_cell_scorers():
    """A caller's AlignSettings is used, not the module defaults: with a reward instead of a
    cost for a cell whose parentheses do not pair up, the third row's study cell takes the
    regimen's opening parenthesis (the defaults keep the parenthesis in one cell)."""
    from pipeline.readers.text import text_to_tables
    from pipeline.table.align import AlignSettings

    (table,) = text_to_tables("t.txt", _PARENTHESES_TABLE)

    def third_row(st):
        return [c.text for c in text_table_to_grid(table, st).rows[2].cells]

    assert third_row(AlignSettings()) == ["Lo-3", "FOLFOX (mFOLFOX6, 2 cycles)", "33", "18%", "8.7"]
    assert third_row(AlignSettings(unbalanced=10.0)) == ["Lo-3 FOLFOX (mFOLFOX6, 2", "cycles)", "33", "18%", "8.7"]


def test_column_kind_registry_gives_the_length_caps():
    """_TYPED_MAX and MAX_TOKENS are read off the registry; a regimen column's typed cap is the
    caller's max_cell_tokens."""
    from pipeline.table.align import _TYPED_MAX, KINDS, MAX_TOKENS, AlignSettings, Knowledge, TableContext

    assert _TYPED_MAX == {k.name: k.typed_max or 16 for k in KINDS.values()
                          if k.typed_max is not None or k.typed_max_setting}
    assert _TYPED_MAX["treatment"] == 16 and _TYPED_MAX["target"] == 3 and "study" not in _TYPED_MAX
    assert MAX_TOKENS["ref"] == 3 and "treatment" not in MAX_TOKENS
    ctx = TableContext(Knowledge({}, {}), AlignSettings(max_cell_tokens=20))
    assert ctx.typed_max["treatment"] == 20 and ctx.typed_max["agent"] == 20
