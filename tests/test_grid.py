"""The grid builder shared by the HTML and JATS readers, and the HTML reader's page rules
(invented snippets: no shared files needed)."""
from __future__ import annotations

import pytest
from lxml import etree

from pipeline.errors import InputError
from pipeline.readers.grid import MAX_COLUMNS, cell_content, layout, table_to_grid
from pipeline.readers.html import html_to_grids, read_html
from pipeline.table.arms import grid_to_arms

HEAD = "<tr><th>Trial</th><th>Phase</th><th>Treatment</th><th>N</th><th>ORR (%)</th></tr>"


def cell(xml: str):
    return cell_content(etree.fromstring(xml))


@pytest.mark.parametrize("xml, text, marks, refs", [
    # footnote marks apart from the value
    ("<td>38<xref ref-type='table-fn' rid='t1'>a</xref></td>", "38", ("a",), None),
    ("<td>10.5<sup>1</sup></td>", "10.5", ("1",), None),
    ("<td>61<sup>†</sup></td>", "61", ("†",), None),
    ("<td>Objective response rate<sup>a,b</sup></td>", "Objective response rate", ("a,b",), None),
    # superscripts that are part of the text
    ("<td>2.1 ×10<sup>9</sup>/L</td>", "2.1 ×109/L", (), None),
    ("<td>χ<sup>2</sup> value</td>", "χ2 value", (), None),
    ("<td>Fe<sup>3+</sup></td>", "Fe3+", (), None),
    # line breaks are spaces
    ("<td>Nivolumab<break/>+ ipilimumab</td>", "Nivolumab + ipilimumab", (), None),
    ("<td>A<br/>B</td>", "A B", (), None),
    # citations go to the row's references, brackets and separators with them
    ("<td>Smith et al. [<xref ref-type='bibr' rid='b1'>12</xref>, <xref ref-type='bibr' rid='b2'>14</xref>]</td>",
     "Smith et al.", (), "12, 14"),
    ("<td>Pembrolizumab <sup><xref ref-type='bibr' rid='b3'>3</xref>–<xref ref-type='bibr' rid='b5'>5</xref></sup></td>",
     "Pembrolizumab", (), "3–5"),
])
def test_cell_content(xml, text, marks, refs):
    c = cell(xml)
    assert (c.text, c.marks, c.refs) == (text, marks, refs)


def test_a_cell_of_citations_only_keeps_them_as_its_text():
    c = cell("<td>[<xref ref-type='bibr' rid='b1'>60</xref>]</td>")
    assert (c.text, c.refs_only) == ("60", True)


def test_colspan_copies_are_marked_spanned():
    # before: colspan copies were (text, False), so the arms stage never listed them in filled
    t = etree.fromstring("<table><tr><td colspan='3'>x</td><td rowspan='2'>y</td></tr><tr><td>a</td><td>b</td><td>c</td></tr></table>")
    slots = layout(t.findall("tr"))
    assert [(s.content.text, s.spanned) for s in slots[0]] == [("x", False), ("x", True), ("x", True), ("y", False)]
    assert [(s.content.text, s.spanned) for s in slots[1]] == [("a", False), ("b", False), ("c", False), ("y", True)]


def test_colspan_copy_listed_in_filled():
    html = (f"<table><thead>{HEAD}</thead><tbody>"
            "<tr><td>NCT09100001</td><td colspan='2'>II</td><td>20</td><td>15</td></tr></tbody></table>")
    (g,) = html_to_grids("t", html)
    assert [c.text for c in g.rows[0].cells] == ["NCT09100001", "II", "II", "20", "15"]
    assert [c.spanned for c in g.rows[0].cells] == [False, False, True, False, False]
    (arm,) = grid_to_arms(g).arms
    assert arm["filled"] == ["treatment"]


def test_empty_cells_are_not_filled_down_when_spans_are_explicit():
    html = (f"<table><thead>{HEAD}</thead><tbody>"
            "<tr><td>NCT09100001</td><td>II</td><td>Drug A</td><td>20</td><td>15</td></tr>"
            "<tr><td>NCT09100002</td><td>II</td><td></td><td>22</td><td>9</td></tr></tbody></table>")
    (g,) = html_to_grids("t", html)
    arms = grid_to_arms(g).arms
    assert [(a["treatment"], a["filled"]) for a in arms] == [("Drug A", []), (None, [])]


def test_sup_digit_after_value_is_no_part_of_the_number():
    html = f"<table><thead>{HEAD}</thead><tbody><tr><td>NCT09100001</td><td>II</td><td>Drug A</td><td>20</td><td>10.5<sup>1</sup></td></tr></tbody></table>"
    (g,) = html_to_grids("t", html)
    assert grid_to_arms(g).arms[0]["orr_pct"] == 10.5


def test_repeated_header_row_is_rejected_not_an_arm():
    rows = "".join(f"<tr><td>NCT0910000{i}</td><td>II</td><td>Drug {i}</td><td>2{i}</td><td>1{i}</td></tr>" for i in range(4))
    html = f"<table><thead>{HEAD}</thead><tbody>{rows[:len(rows)//2]}{HEAD.replace('th', 'td')}{rows[len(rows)//2:]}</tbody></table>"
    (g,), rejects = read_html("t", html)
    assert [r.cells[2].text for r in g.rows] == ["Drug 0", "Drug 1", "Drug 2", "Drug 3"]
    assert [r.reason for r in rejects] == ["repeated header row"]


def test_colspan_past_the_limit_is_a_one_line_error():
    html = "<table><tr><th>Trial</th><th>ORR</th></tr><tr><td colspan='1000000000'>x</td></tr></table>"
    with pytest.raises(InputError, match=f"wider than {MAX_COLUMNS:,} columns"):
        html_to_grids("t", html)


def _table(i: int) -> str:
    return (f"<table><caption>Table {i}. Trials</caption><thead>{HEAD}</thead><tbody><tr><td>NCT091{i:05d}</td>"
            f"<td>II</td><td>Drug {i}</td><td>20</td><td>15</td></tr></tbody></table>")


def test_deep_nesting_between_tables_keeps_both():
    grids = html_to_grids("t", "<html><body>" + _table(1) + "<span>" * 300 + _table(2) + "</body></html>")
    assert [g.label for g in grids] == ["Table 1", "Table 2"]


def test_nesting_past_the_parser_limit_is_an_error_not_a_lost_table():
    with pytest.raises(InputError, match="nested deeper"):
        html_to_grids("t", "<html><body>" + _table(1) + "<span>" * 3000 + _table(2) + "</body></html>")


def test_template_and_form_tables_are_not_data():
    form = "<table><tr><td>Title / Keyword</td><td><input name='q'/></td></tr><tr><td>Journal</td><td><select></select></td></tr></table>"
    grids = html_to_grids("t", "<html><body>" + form + _table(1) + "<template>" + _table(2) + "</template></body></html>")
    assert [g.label for g in grids] == ["Table 1"]


def test_thumbnail_copy_with_cut_cells_is_dropped():
    thumb = ("<div class='thumb'><table><thead><tr><th>Tri…</th><th colspan='4'>Pha…</th></tr></thead>"
             "<tbody><tr><td>NCT…</td><td colspan='4'>II…</td></tr></tbody></table></div>")
    grids = html_to_grids("t", "<html><body>" + thumb + _table(1) + "</body></html>")
    assert [(g.label, len(g.rows)) for g in grids] == [("Table 1", 1)]


def test_legend_is_the_one_after_each_table():
    page = "".join(f"<div>{_table(i)}<p>Abbreviations: D{i}, drug {i}</p></div>" for i in range(1, 4))
    grids = html_to_grids("t", "<html><body>" + page + "</body></html>")
    assert [(g.label, g.legend) for g in grids] == [(f"Table {i}", f"D{i}, drug {i}") for i in range(1, 4)]


def test_citations_in_cells_fill_an_added_ref_column():
    t = etree.fromstring(
        f"<table><thead>{HEAD}</thead><tbody><tr><td>NCT09100001</td><td>II</td>"
        "<td>Drug A <xref ref-type='bibr' rid='b7'>7</xref></td><td>20</td><td>15</td></tr></tbody></table>")
    g, _ = table_to_grid("t", t, label="Table 1", title=None)
    assert g.header[-1] == "Ref."
    assert [c.text if c else None for c in g.rows[0].cells] == ["NCT09100001", "II", "Drug A", "20", "15", "7"]
    arm = grid_to_arms(g).arms[0]
    assert (arm["treatment"], arm["ref"]) == ("Drug A", "7")


def test_page_meta_tags_give_document_metadata():
    from pipeline.readers.html import page_meta, parse_html
    doc = parse_html("<html><head><meta name='citation_title' content='An &lt;i&gt;invented&lt;/i&gt; page'>"
                     "<meta name='citation_doi' content='doi: 10.9999/page.5'><meta name='dc.date' content='2021-06-30'>"
                     "<meta name='citation_pmid' content='not a number'><meta name='DC.rights' content='http://example.org/lic'>"
                     f"</head><body>{_table(1)}</body></html>")
    assert page_meta(doc) == dict(title="An invented page", doi="10.9999/page.5", year=2021, pmid=None,
                                  license="http://example.org/lic")
