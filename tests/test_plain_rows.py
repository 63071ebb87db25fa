"""Row and cell assignment in pasted plain text: invented tables, each keeping one construction
of a real review table (row boundaries, cells as written) with other words and numbers."""
from pipeline.normalize.text import as_written
from pipeline.readers.text import text_to_tables
from pipeline.table.align import text_table_to_grid
from pipeline.table.arms import grid_to_arms


def grid_of(text: str):
    return text_table_to_grid(text_to_tables("t", text)[0])


def cells(grid):
    return [None if r.section else [c.text if c else None for c in r.cells] for r in grid.rows]


def test_as_written_folds_spaces_and_keeps_visible_characters():
    assert as_written("Zeta\u2009+/\u2212\u00a0omega\u200b  2\u20134 mg \u2265 3") == "Zeta +/\u2212 omega 2\u20134 mg \u2265 3"


def test_treatment_keeps_its_minus_sign_as_written():
    text = ("Table 1.\n"
            "Regimen Phase N ORR (%) Ref.\n"
            "Zetamab +/\u2212 omegacin II 41 12 vs. 18 [7]\n"
            "Zetamab III 88 22 [8]\n")
    arms = grid_to_arms(grid_of(text)).arms
    assert arms[0]["treatment"] == "Zetamab +/\u2212 omegacin"


# a table whose last column is the year: rows with dropped value cells ("–" cells the copy lost)
_YEAR_TABLE = ("Table 2.\n"
               "Regimen Population Line Phase n (SS) RR (%) PFS (months) OS (months) Year\n"
               "Topotecan [12] STS 2nd II 140 (21) 0 2009\n"
               "Cisplatin-docetaxel vs. docetaxel[13] STS \u2265 2 II 97 (12) 10 vs. 5 3.1 vs. 2.2 11.4 vs. 7.9 2010\n"
               "Irinotecan [14] STS 1, 2 II 66 (8) 12 5.5 9.7 2004\n")


def test_a_count_with_its_subset_and_a_zero_are_no_medians():
    rows = cells(grid_of(_YEAR_TABLE))
    assert len(rows) == 3
    assert rows[0][:5] == ["Topotecan [12]", "STS", "2nd", "II", "140 (21)"] and rows[0][-1] == "2009"


def test_glued_reference_and_digit_lines_keep_the_regimen_in_its_column():
    rows = cells(grid_of(_YEAR_TABLE))
    assert rows[1] == ["Cisplatin-docetaxel vs. docetaxel[13]", "STS", "\u2265 2", "II", "97 (12)", "10 vs. 5",
                       "3.1 vs. 2.2", "11.4 vs. 7.9", "2010"]
    assert rows[2] == ["Irinotecan [14]", "STS", "1, 2", "II", "66 (8)", "12", "5.5", "9.7", "2004"]


def test_value_cells_of_subgroup_labels():
    from pipeline.table.align.shapes import labelled_values
    assert labelled_values("QX 21.1") == ["21.1"]
    assert labelled_values("All: 16 QX: 37") == ["16", "37"]
    assert labelled_values("QX 6.4 weeks") == ["6.4 weeks"]
    # a statistic, a footnote's letter, an arm's regimen: no subgroup
    assert labelled_values("HR 0.32") is None
    assert labelled_values("b 5.0") is None
    assert labelled_values("Zetacin 7.5") is None


def test_a_subgroup_value_cell_sits_under_its_rate_column():
    text = ("Table 3.\n"
            "Regimen Phase n RR (%) 3 months PFS (%) Year\n"
            "Zetacin [4] II 41 12 QX 21.1 2011\n"
            "Omegacin [5] II 37 9 30 2012\n"
            "Ifocin [6] II 52 17 44 2013\n")
    rows = cells(grid_of(text))
    assert rows[0] == ["Zetacin [4]", "II", "41", "12", "QX 21.1", "2011"]


def test_a_reference_glued_to_a_drug_name_scores_as_one_apart():
    from pipeline.table.align import DEFAULT_SETTINGS, TableContext, regimen_score
    ctx = TableContext.of_table(None, "", DEFAULT_SETTINGS)
    apart = regimen_score("Cisplatin vs. docetaxel [13]", ctx)
    assert regimen_score("Cisplatin vs. docetaxel[13]", ctx) == apart > 0


def test_a_trial_result_column_is_not_the_trial_column():
    from pipeline.table.header import classify_header
    assert classify_header("Result of Trial").canonical == "extra"
    assert classify_header("Outcome of trial").canonical == "extra"
    assert classify_header("Trial").canonical == "trial"


def test_an_arm_row_shares_the_doubt_of_its_trial_row_placed_alike():
    text = ("Table 4.\n"
            "Trial name Primary outcome Treatment arms Median OS (months) Median PFS (months) ORR (%) 2 year-EFS (%)\n"
            "ZETA-31 [8] PFS Cisplatin 12.2 4.4 21.5\n"
            "Docetaxel 10.1 3.9 17.7\n"
            "OMEGA-12 [9] EFS Cisplatin 52.4\n"
            "Docetaxel 48.3\n")
    g = grid_of(text)
    flags = [[c.flags for c in r.cells if c is not None and c.text[:1].isdigit()] for r in g.rows]
    assert flags[2] == [("close_alignment",)]     # 52.4: an ORR or an EFS rate
    assert flags[3] == [("close_alignment",)]     # 48.3 was placed as 52.4 was
    assert flags[1] == [(), (), ()]


def test_a_p_value_alone_is_no_value_cell():
    from pipeline.table.align import DEFAULT_SETTINGS, NEG, TableContext, score_cell, tokenize_lines
    from pipeline.model import Line
    ctx = TableContext.of_table(None, "", DEFAULT_SETTINGS)

    def sc(kind, text):
        return score_cell(kind, tokenize_lines([Line(1, text)]), ctx)
    assert sc("os_median", "p = 0.017") == NEG
    assert sc("os_median", "7.9 (HR 0.61, P = 0.017)") > 0


def test_item_lines_of_a_last_text_cell_are_no_section_rows():
    """PMC5933620 Table 1 (plain copy): a last column of remarks one item a line; the table
    starts on a data row, so a heading-like line under a row ('Several prior lines of
    therapy') is that cell's next line, not a section over the rows after it."""
    text = ("Phase Study N ORR (%) Remarks\n"
            "I Orion-1 40 12.5 Small cohort\n"
            "Several prior lines of therapy\n"
            "II Orion-2 88 20.0 Early data\n"
            "Single-agent therapy\n"
            "Asian patients\n"
            "III Orion-3 301 31.0 Open label\n")
    grid = grid_of(text)
    assert cells(grid) == [
        ["I", "Orion-1", "40", "12.5", "Small cohort Several prior lines of therapy"],
        ["II", "Orion-2", "88", "20.0", "Early data Single-agent therapy Asian patients"],
        ["III", "Orion-3", "301", "31.0", "Open label"]]


def test_a_heading_line_over_the_first_row_still_makes_sections():
    text = ("Phase Study N ORR (%) Remarks\n"
            "Second-line therapy\n"
            "I Orion-1 40 12.5 Small cohort\n"
            "Third-line therapy\n"
            "II Orion-2 88 20.0 Early data\n")
    assert [r.section for r in grid_of(text).rows] == ["Second-line therapy", None, "Third-line therapy", None]


def test_a_trial_name_with_its_size_is_the_study_cell_and_its_count():
    """PMC9220769 Table 1 (plain copy): 'Study (n)' cells such as 'ZENITH (n = 412)' hold the
    trial's name and size; the name is the study, not the start of the regimen cell, and the
    size is the row's count; a row whose study spans down from above has no count of its own."""
    text = ("Study (n) Regimen or Drug(s) Evaluated ORR (%) mPFS (months)\n"
            "ZENITH (n = 412) Drugumab 300 mg daily compared to placebo 12 4.4\n"
            "NADIR (n = 97) Otherumab 10 mg/kg compared to placebo 7 2.9\n")
    res = grid_to_arms(grid_of(text))
    assert [(a["study"], a["treatment"]) for a in res.arms] == [
        ("ZENITH (n = 412)", "Drugumab 300 mg daily compared to placebo"),
        ("NADIR (n = 97)", "Otherumab 10 mg/kg compared to placebo")]
    assert [(m["row"], m["measure"], m["value"], m["column"]) for m in res.measures if m["measure"] == "n"] == [
        (1, "n", 412.0, "study"), (2, "n", 97.0, "study")]


def test_bulleted_item_lines_continue_the_row_above():
    """PMC4539882 Table 1 (plain copy): a results cell listed one bullet a line; no row starts
    on a bullet, so each bulleted line is the next item of the row above, not an arm row."""
    text = ("Study N Regimen Efficacy\n"
            "Orion-1 40 Zetamab 3 mg/kg \u2022 ORR: 31 %\n"
            "\u2022 Median PFS: 2.2 months\n"
            "\u2022 Median OS: 8.0 months\n"
            "Orion-2 52 Zetamab 10 mg/kg \u2022 ORR: 25 %\n"
            "\u2022 Median OS: 7.1 months\n")
    res = grid_to_arms(grid_of(text))
    assert [a["study"] for a in res.arms] == ["Orion-1", "Orion-2"]
    assert [(m["row"], m["measure"], m["value"]) for m in res.measures if m["measure"] != "n"] == [
        (1, "orr", 31.0), (1, "pfs_median", 2.2), (1, "os_median", 8.0), (2, "orr", 25.0), (2, "os_median", 7.1)]


def test_a_lone_value_sits_under_the_column_its_trial_endpoint_names():
    """'OMEGA-12 [9] EFS Cisplatin 52.4' / 'Docetaxel 48.3': the copy dropped the empty cells,
    every value column reads a bare number alike; the trial's endpoint EFS names the
    '2 year-EFS (%)' column, so its values are EFS rates (no ORR, no OS), still flagged as a
    close call, and they do not span down into the next trial's rows."""
    text = ("Table 4.\n"
            "Trial name Primary outcome Treatment arms Median OS (months) Median PFS (months) ORR (%) 2 year-EFS (%)\n"
            "ZETA-31 [8] PFS Cisplatin 12.2 4.4 21.5\n"
            "Docetaxel 10.1 3.9 17.7\n"
            "OMEGA-12 [9] EFS Cisplatin 52.4\n"
            "Docetaxel 48.3\n"
            "SIGMA-7 [10] OS Carboplatin 9.6 2.7 13.0\n"
            "Pemetrexed 8.8 2.9 11.4\n")
    g = grid_of(text)
    assert [[(j, c.text, c.flags) for j, c in enumerate(r.cells) if c is not None and c.text[:1].isdigit()]
            for r in g.rows[2:4]] == [[(6, "52.4", ("close_alignment",))], [(6, "48.3", ("close_alignment",))]]
    res = grid_to_arms(g)
    assert sorted({m["row"] for m in res.measures}) == [1, 2, 5, 6]
    assert [a["extra"] for a in res.arms] == [None, None, '{"2 year-EFS (%)": "52.4"}',
                                              '{"2 year-EFS (%)": "48.3"}', None, None]


def test_a_lone_value_stays_where_an_endpoint_naming_two_columns_leaves_it():
    """'PFS, OS' names two value columns: no telling which of them a lone value is."""
    from pipeline.table.align.endpoints import _named_column
    header = ("Trial", "Primary outcome", "Arm", "Median OS (months)", "Median PFS (months)", "ORR (%)")
    assert _named_column("PFS, OS", header, [3, 4, 5]) is None
    assert _named_column("OS", header, [3, 4, 5]) == 3
    assert _named_column("Durable response", header, [3, 4, 5]) is None
