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
