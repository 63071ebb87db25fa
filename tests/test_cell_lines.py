"""A cell printed over several lines (HTML <br>, JATS <break/>, paragraphs, a markdown cell's
literal <br>) keeps its lines (Cell.lines): regimens stacked one a line beside values stacked
one a line are the row's arms, as stacked lines are in pasted text. Invented tables."""
from pipeline.readers.html import read_html
from pipeline.readers.jats import read_jats
from pipeline.readers.markdown import read_markdown
from pipeline.table.arms import grid_to_arms

HEAD = "<tr><th>Study</th><th>Regimen</th><th>N</th><th>ORR (%)</th><th>mOS (months)</th></tr>"


def html(rows: str) -> str:
    return f"<html><body><p>Table 1. Trials</p><table><thead>{HEAD}</thead><tbody>{rows}</tbody></table></body></html>"


def measures(grid):
    return [(m["measure"], m["population"], m["value"], m["flags"]) for m in grid_to_arms(grid).measures]


def test_html_br_keeps_the_lines_and_the_text():
    grids, _ = read_html("t", html("<tr><td>Orion-4</td><td>Drugumab<br>placebo</td><td>120<br>118</td>"
                                   "<td>21<br/><br/>9</td><td>14.2<br>10.1</td></tr>"))
    cells = grids[0].rows[0].cells
    assert [(c.text, c.lines) for c in cells[1:3]] == [("Drugumab placebo", ("Drugumab", "placebo")),
                                                       ("120 118", ("120", "118"))]
    assert cells[3].lines == ("21", "9") and cells[0].lines == ()
    assert measures(grids[0]) == [
        ("n", "Drugumab", 120.0, []), ("n", "placebo", 118.0, []),
        ("orr", "Drugumab", 21.0, []), ("orr", "placebo", 9.0, []),
        ("os_median", "Drugumab", 14.2, []), ("os_median", "placebo", 10.1, [])]


def test_paragraphs_in_a_cell_are_its_lines():
    grids, _ = read_html("t", html("<tr><td>Orion-4</td><td><p>Drugumab</p><p>placebo</p></td><td>238</td>"
                                   "<td><p>21</p><p>9</p></td><td>14.2</td></tr>"))
    assert grids[0].rows[0].cells[1].lines == ("Drugumab", "placebo")
    assert measures(grids[0]) == [
        ("n", "all", 238.0, []), ("orr", "Drugumab", 21.0, []), ("orr", "placebo", 9.0, []),
        ("os_median", "all", 14.2, ["lone_value"])]


def test_a_regimen_broken_over_lines_is_one_arm():
    """'Drugumab +<br>cisplatin' is one regimen whose name runs on: no arms, values for all."""
    grids, _ = read_html("t", html("<tr><td>Orion-4</td><td>Drugumab +<br>cisplatin</td><td>60</td>"
                                   "<td>21</td><td>14.2</td></tr>"))
    assert [p for _, p, _, _ in measures(grids[0])] == ["all", "all", "all"]


def test_a_regimen_with_its_count_or_dose_on_the_next_line_is_one_arm():
    for regimen in ("Drugumab<br>(n = 30)", "Drugumab<br>10 mg/kg"):
        grids, _ = read_html("t", html(f"<tr><td>Orion-4</td><td>{regimen}</td><td>30</td>"
                                       "<td>21<br>9</td><td>14.2</td></tr>"))
        assert [p for _, p, _, _ in measures(grids[0])][:1] == ["all"], regimen


def test_lines_with_no_values_stacked_beside_them_name_no_arms():
    grids, _ = read_html("t", html("<tr><td>Orion-4</td><td>Drugumab<br>every 3 weeks</td><td>60</td>"
                                   "<td>21</td><td>14.2</td></tr>"))
    assert [p for _, p, _, _ in measures(grids[0])] == ["all", "all", "all"]


JATS = """<?xml version="1.0"?>
<article><front><article-meta><title-group><article-title>X</article-title></title-group></article-meta></front>
<body><table-wrap id="t1"><label>Table 1</label><caption><p>Trials</p></caption><table>
<thead><tr><th>Study</th><th>Regimen</th><th>N</th><th>mPFS (months)</th></tr></thead>
<tbody><tr><td>Vela-2</td><td>Drugumab<break/>Platinex</td><td>44<break/>41</td><td>6.1<break/>4.0</td></tr></tbody>
</table></table-wrap></body></article>"""


def test_jats_break_keeps_the_lines():
    grids = read_jats("j", JATS.encode())[0]
    assert grids[0].rows[0].cells[3].lines == ("6.1", "4.0")
    assert measures(grids[0]) == [
        ("n", "Drugumab", 44.0, []), ("n", "Platinex", 41.0, []),
        ("pfs_median", "Drugumab", 6.1, []), ("pfs_median", "Platinex", 4.0, [])]


def test_markdown_literal_br_is_a_line_break():
    text = ("Table 1. Trials\n\n| Study | Regimen | N | mPFS (months) |\n|---|---|---|---|\n"
            "| Vela-2 | Drugumab<br>Platinex | 44<br />41 | 6.1<br>4.0 |\n")
    grids, _ = read_markdown("m", text)
    c = grids[0].rows[0].cells
    assert (c[1].text, c[1].lines, c[0].lines) == ("Drugumab Platinex", ("Drugumab", "Platinex"), ())
    assert measures(grids[0]) == [
        ("n", "Drugumab", 44.0, []), ("n", "Platinex", 41.0, []),
        ("pfs_median", "Drugumab", 6.1, []), ("pfs_median", "Platinex", 4.0, [])]
