"""PDF layout stages on small PDFs drawn here with reportlab: captions as journals write them,
rules drawn as segments and bars, superscripts, two tables side by side, a table that cannot
be read (one reject naming its page, the other tables still read)."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.readers.pdf import read_pdf, read_pdf_document
from pipeline.readers.pdf_layout import HRule, page_rules

pytest.importorskip("reportlab")
from reportlab.pdfgen import canvas  # noqa: E402

BODY = "Helvetica"
BOLD = "Helvetica-Bold"


def _table(c, x: float, y: float, caption: str, header: list[str], rows: list[list[str]],
           widths: list[float], *, segments: bool = False, bar: float = 0.0,
           sup: dict[tuple[int, int], str] | None = None) -> None:
    """Draw a booktabs table whose top-left is (x, y) (reportlab y grows upwards)."""
    width = sum(widths)
    c.setFont(BOLD, 8)
    c.drawString(x, y, caption)
    y -= 6

    def rule(yy: float) -> None:
        if bar:
            c.rect(x, yy - bar / 2, width, bar, stroke=0, fill=1)
        elif segments:
            xx = x
            for w in widths:
                c.line(xx, yy, xx + w, yy)
                xx += w
        else:
            c.line(x, yy, x + width, yy)

    rule(y)
    y -= 10
    c.setFont(BODY, 7)
    xx = x
    for h, w in zip(header, widths):
        c.drawString(xx + 1, y, h)
        xx += w
    y -= 4
    rule(y)
    for i, row in enumerate(rows):
        y -= 10
        xx = x
        for j, (cell, w) in enumerate(zip(row, widths)):
            c.setFont(BODY, 7)
            c.drawString(xx + 1, y, cell)
            mark = (sup or {}).get((i, j))
            if mark:
                c.setFont(BODY, 4.5)
                c.drawString(xx + 1 + c.stringWidth(cell, BODY, 7), y + 3, mark)
            xx += w
    y -= 4
    rule(y)


def _prose(c, x: float, y: float, lines: int) -> None:
    c.setFont(BODY, 9)
    for k in range(lines):
        c.drawString(x, y - 11 * k, "the cohort was followed for several years and the results are given")


def _pdf(tmp_path: Path, draw) -> Path:
    path = tmp_path / "t.pdf"
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    draw(c)
    c.save()
    return path


HEADER = ["Study", "Arm", "N", "ORR (%)"]
ROWS = [["ALPHA-3", "Drug A", "41", "22.0"], ["BETA-9", "Drug B", "37", "18.5"]]
WIDTHS = [60, 60, 30, 40]


def test_lowercase_pipe_caption_and_segment_rules(tmp_path):
    def draw(c):
        _prose(c, 40, 800, 3)
        _table(c, 40, 740, "table 2 | Response by arm", HEADER, ROWS, WIDTHS, segments=True)

    (grid,) = read_pdf(_pdf(tmp_path, draw))
    assert (grid.label, grid.title) == ("table 2", "Response by arm")
    assert grid.header == tuple(HEADER)
    assert [[c.text for c in r.cells] for r in grid.rows] == ROWS


def test_thick_bar_rules_and_colon_caption(tmp_path):
    def draw(c):
        _table(c, 40, 780, "Table 4: Response by arm", HEADER, ROWS, WIDTHS, bar=4.0)

    (grid,) = read_pdf(_pdf(tmp_path, draw))
    assert grid.title == "Response by arm"          # no leading ": "
    assert [r.cells[3].text for r in grid.rows] == ["22.0", "18.5"]


def test_tables_side_by_side_and_prose_of_the_other_column(tmp_path):
    """Two narrow tables at one height in the two columns of a page, running text under
    them in both columns: each table holds only its own column's words."""
    def draw(c):
        _table(c, 40, 780, "Table 1. Left", HEADER, ROWS, WIDTHS)
        _table(c, 320, 780, "Table 2. Right", ["Trial", "Arm", "N", "DCR (%)"],
               [["GAMMA-1", "Drug C", "12", "50.0"]], WIDTHS)
        _prose(c, 40, 700, 4)
        _prose(c, 320, 700, 4)

    grids = read_pdf(_pdf(tmp_path, draw))
    assert [g.label for g in grids] == ["Table 1", "Table 2"]
    assert [[c.text for c in r.cells] for r in grids[0].rows] == ROWS
    assert [[c.text for c in r.cells] for r in grids[1].rows] == [["GAMMA-1", "Drug C", "12", "50.0"]]
    assert grids[0].notes == () and grids[1].notes == ()


def test_superscripts_reference_to_ref_footnote_letter_dropped(tmp_path):
    def draw(c):
        _table(c, 40, 780, "Table 3. Trials", HEADER, ROWS, WIDTHS,
               sup={(0, 0): "108", (1, 3): "a"})

    (grid,) = read_pdf(_pdf(tmp_path, draw))
    assert grid.header == tuple(HEADER) + ("Ref",)
    assert [c.text if c else None for c in grid.rows[0].cells] == ["ALPHA-3", "Drug A", "41", "22.0", "108"]
    assert [c.text if c else None for c in grid.rows[1].cells] == ["BETA-9", "Drug B", "37", "18.5", None]


def test_unreadable_table_is_one_reject_with_its_page(tmp_path):
    """Page 1 holds a good table; page 2 a caption with no table drawn next to it: the file is
    read, and the reject says which page and why."""
    def draw(c):
        _table(c, 40, 780, "Table 1. Good", HEADER, ROWS, WIDTHS)
        c.showPage()
        c.setFont(BOLD, 8)
        c.drawString(40, 780, "Table 2. Only a caption")
        _prose(c, 40, 700, 2)

    grids, rejects = read_pdf_document(_pdf(tmp_path, draw))
    assert [g.label for g in grids] == ["Table 1"]
    assert [r.reason for r in rejects] == ["page 2: Table 2: no table next to its caption"]
    assert rejects[0].text == "Table 2. Only a caption"


def test_no_table_at_all_is_one_line_error(tmp_path):
    def draw(c):
        c.setFont(BOLD, 8)
        c.drawString(40, 780, "Table 2. Only a caption")
        _prose(c, 40, 700, 2)

    with pytest.raises(InputError) as e:
        read_pdf(_pdf(tmp_path, draw))
    assert str(e.value).endswith("no table found: page 1: Table 2: no table next to its caption")


def test_page_rules_merge_segments_and_band_edges():
    objs = [dict(object_type="line", x0=10, x1=50, top=100, bottom=100),
            dict(object_type="line", x0=50.5, x1=90, top=100.3, bottom=100.3),
            dict(object_type="rect", x0=10, x1=90, top=120, bottom=140),     # a shaded band
            dict(object_type="rect", x0=10, x1=90, top=160, bottom=164)]     # a 4 pt bar
    assert page_rules(objs, 842) == [HRule(100.15, 10, 90), HRule(120, 10, 90),
                                     HRule(140, 10, 90), HRule(162, 10, 90)]


def test_list_cells_join_their_labelled_row(tmp_path):
    """An eligibility-style table: every cell is a list of items set apart like rows, so only
    the row label (second column) says where a row starts; a group label wrapped in the first
    column has its second line nearer the next row than a line pitch, and that row's cells
    carry footnote marks raised into the group label's line."""
    header = ["", "Criterion", "Study A", "Study B"]
    xs = [40, 100, 170, 280]
    lines = [  # (y drop from the header rule, column, text, footnote mark)
        (12, 0, "Tumour", ""), (12, 1, "Stage", ""), (12, 2, "Stage II or III", ""), (12, 3, "Any stage", ""),
        (21, 0, "features", ""), (21, 2, "or IVa", ""),
        (35, 2, "No nodal spread", ""),
        (49, 1, "Grade", ""), (49, 2, "Not stated", ""), (49, 3, "Grade 1 or 2 on", ""),
        (58, 3, "central review", ""),
        (72, 3, "No grade 3", ""),
        (86, 0, "Host", ""), (86, 1, "Age", ""), (86, 2, "18 or older", ""), (86, 3, "18 to 70", ""),
        (95, 0, "factors", ""),
        (101, 1, "Fitness", ""), (101, 2, "ECOG 0 to 1", "a"), (101, 3, "ECOG 0 to 2", "a"),
        (115, 1, "Organ function", ""), (115, 2, "Creatinine normal", ""), (115, 3, "Not stated", ""),
        (129, 2, "Bilirubin normal", ""),
    ]

    def draw(c):
        c.setFont(BOLD, 8)
        c.drawString(40, 790, "Table 1. Entry criteria of two studies")
        c.line(40, 784, 400, 784)
        c.setFont(BODY, 7)
        for x, h in zip(xs, header):
            c.drawString(x, 775, h)
        c.line(40, 771, 400, 771)
        for drop, col, text, mark in lines:
            c.setFont(BODY, 7)
            c.drawString(xs[col], 771 - drop, text)
            if mark:
                c.setFont(BODY, 4.5)
                c.drawString(xs[col] + c.stringWidth(text, BODY, 7), 771 - drop + 3, mark)
        c.line(40, 632, 400, 632)
        c.setFont(BODY, 6)
        c.drawString(40, 624, "a Assessed at entry.")

    (grid,) = read_pdf(_pdf(tmp_path, draw))
    assert grid.header == tuple(header)
    assert [[c.text if c else None for c in r.cells] for r in grid.rows] == [
        ["Tumour features", "Stage", "Stage II or III or IVa No nodal spread", "Any stage"],
        [None, "Grade", "Not stated", "Grade 1 or 2 on central review No grade 3"],
        ["Host factors", "Age", "18 or older", "18 to 70"],
        [None, "Fitness", "ECOG 0 to 1", "ECOG 0 to 2"],
        [None, "Organ function", "Creatinine normal Bilirubin normal", "Not stated"],
    ]


def test_grid_row_borders_broken_by_spans_are_rules_across_the_table():
    from pipeline.readers.pdf_layout import _join_grid_segments
    top, head = HRule(50, 10, 210), HRule(70, 10, 210)
    # under the header: group-heading rules stay segments (only one full rule above them)
    groups = [HRule(60, 60, 130), HRule(60, 140, 210)]
    # a row border broken where a spanned cell goes on in the column 40..80: one rule
    border = [HRule(90, 10, 40), HRule(90, 80, 210)]
    # a short cell border (a fifth of the width): left as it is
    short = [HRule(110, 10, 50)]
    stack = [top] + groups + [head] + border + short
    assert _join_grid_segments(stack, 10, 210) == [top] + groups + [head, HRule(90, 10, 210)] + short
    # the joined border keeps where it is open, so a cell's lines across it stay one cell
    joined = _join_grid_segments(stack, 10, 210)[4]
    assert joined.gaps == ((40, 80),)
    assert _join_grid_segments([top, head, HRule(100, 30, 150), HRule(100, 150, 200)], 10, 210)[2].gaps == (
        (10, 30), (200, 210))
