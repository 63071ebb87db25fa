"""Pasted text -> TextTable: where the header, the legend and the body lines are.

Cases are invented (other trials, words and numbers) after layouts seen on real PMC table
pages; the provenance of each construction is in its docstring."""
from pipeline.readers.text import read_text


def test_legend_right_under_the_header_is_the_legend_and_rows_follow():
    """PMC7072020 Table 1 (plain copy): the 'Abbreviations' row a page prints right under the
    header ends nothing: it is the legend, and the section and data rows after it are the body."""
    text = ("Study Phase Agent No. ORR (%) Median OS (month)\n"
            "NSCLC, non-small cell lung cancer; ORR, objective response rate; OS, overall survival.\n"
            "First-line\n"
            "ALPHA-3 III Drugumab vs. placebo 120 vs. 118 41.0 vs. 30.2 13.1 vs. 10.0\n"
            "BETA-9 II Drugumab 64 22.5 9.9\n")
    read = read_text("t", text)
    (t,) = read.tables
    assert t.legend == "NSCLC, non-small cell lung cancer; ORR, objective response rate; OS, overall survival."
    assert [ln.number for ln in t.body] == [3, 4, 5]
    assert [read.roles[n] for n in range(1, 6)] == ["header", "legend", "body", "body", "body"]


def test_legend_after_the_body_still_ends_the_table():
    text = ("Study Phase Agent No. ORR (%)\n"
            "ALPHA-3 III Drugumab 120 41.0\n"
            "ORR, objective response rate; OS, overall survival; NA, not available.\n"
            "a Data cut-off in a later report.\n")
    (t,) = read_text("t", text).tables
    assert [ln.number for ln in t.body] == [2]
    assert t.legend.startswith("ORR, objective response rate")


def test_header_over_three_lines_with_a_sub_header_under_a_share_heading():
    """PMC4059864 Table 3 (plain copy): the header wraps onto a second line of value columns,
    and a third line names the two sub-columns of "Percentage of patients (%)" (settings,
    no outcome): ten columns for rows of ten values."""
    text = ("Authors and reference Year Agent Arm Phase No. of patients Proportion of patients (%)\n"
            "Response rate (%) Median overall survival (months)\n"
            "Resectable gastric cancer Unresectable gastric cancer\n"
            "Kinase inhibitor\n"
            "Lee et al.[12] 2009 VEGF inhibitor Drugib vs. placebo III 210 41a 59 7 5.1\n")
    (t,) = read_text("t", text).tables
    # the sub-columns keep their heading's words and unit: shares of patients, in %, no outcome
    assert t.header_cells == ("Authors and reference", "Year", "Agent", "Arm", "Phase", "No. of patients",
                              "Proportion of patients Resectable gastric cancer (%)",
                              "Proportion of patients Unresectable gastric cancer (%)", "Response rate (%)",
                              "Median overall survival (months)")
    assert [ln.number for ln in t.body] == [4, 5]


def test_sub_header_of_value_columns_still_replaces_the_group_headings():
    """PMC7001551 (plain copy): "Response rate" and "Median survival" over ORR DCR / OS PFS."""
    text = ("Agent Trial Phase Patients Response rate Median survival\n"
            "ORR DCR OS PFS\n"
            "Drugumab GAMMA-1 II 48 15% 60% 12.1 4.0\n")
    (t,) = read_text("t", text).tables
    assert t.header_cells == ("Agent", "Trial", "Phase", "Patients", "ORR", "DCR", "OS", "PFS")


def test_a_section_row_after_the_header_is_no_sub_header():
    text = ("Authors Year Agent Phase No. of patients Proportion of patients (%) ORR (%)\n"
            "Monoclonal antibody\n"
            "Kim et al. 2011 EGFR III 99 40 60 12\n")
    (t,) = read_text("t", text).tables
    assert t.header_cells is None
    assert [ln.number for ln in t.body] == [2, 3]


def test_arm_names_repeated_under_each_value_heading_split_it_per_arm():
    """PMC4189714 Table 5 (plain copy): a second header line names the arms once under each
    value heading; each heading becomes one column per arm, the unit kept last."""
    from pipeline.table.header import table_specs
    text = ("Study Patients ORR PFS (months)\n"
            "Drugumab Comparator Drugumab Comparator\n"
            "KAPPA-1 210 44.0% 20.5% 8.8 5.1\n"
            "P<0.01 HR 0.61 (0.44-0.80) P<0.01\n"
            "LAMBDA-2 96 31.3% 18.0% 6.0 4.9\n")
    from pipeline.readers.text import read as read_any
    grid = read_any("t", text.encode(), None).grids[0]
    assert list(grid.header) == ["Study", "Patients", "ORR Drugumab", "ORR Comparator",
                                 "PFS Drugumab (months)", "PFS Comparator (months)"]
    assert [(sp.canonical, sp.arm, sp.unit) for sp in table_specs(grid.header)][2:] == [
        ("orr_pct", "Drugumab", None), ("orr_pct", "Comparator", None),
        ("pfs_median", "Drugumab", "months"), ("pfs_median", "Comparator", "months")]
    assert len(grid.rows) == 2     # the line of P values and a hazard ratio is the first row's


def test_names_not_repeated_per_heading_are_no_arm_sub_header():
    from pipeline.readers.text import read as read_any
    text = ("Study Patients ORR PFS (months)\n"
            "Drugumab Comparator Other\n"
            "KAPPA-1 210 44.0% 8.8\n")
    grid = read_any("t", text.encode(), None).grids[0]
    assert list(grid.header) == ["Study", "Patients", "ORR", "PFS (months)"]


# invented, in the construction of PMC11707515 Table 3 (wild round 4): each cell stacked on
# lines of its own, trials separated by blank lines, a trial's last value ("4") alone after one
_STACKED = """Table 3.

Trial Treatment mOS (months) ORR (%)
ALPHA-1 [10]
Drugumab
9.1
12

4

BETA-2 [11]
Drugib
7.7
"""


def test_a_lone_number_after_a_blank_line_is_the_tables_when_rows_follow():
    from pipeline.readers.text import read_text
    roles = read_text("t", _STACKED).roles
    assert "notes" not in roles.values()
    assert roles[11] == "body" and roles[12] == "body"       # "BETA-2 [11]" and "Drugib"


def test_a_lone_number_before_a_sentence_is_a_footnote():
    from pipeline.readers.text import read_text
    text = _STACKED.split("\n\n4\n\n")[0] + "\n\n1\nThe trial was stopped early for futility.\n"
    roles = read_text("t", text).roles
    assert [roles[n] for n in (9, 10)] == ["notes", "notes"]
