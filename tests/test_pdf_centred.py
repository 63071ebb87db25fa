"""Rows of a PDF table whose cells sit in the vertical middle (or at the bottom) of their rows
(pipeline/readers/pdf_centred.py), on invented tables of words placed by hand: three columns,
body size 7 pt, line pitch 8.5 pt, 4 pt between rows. The rendered fixtures are in
test_pdf_other_renderer.py (chromium_centred, chromium_zebra, ...)."""
from __future__ import annotations

from pipeline.readers.pdf_centred import aligned_rows, block_alignment, column_blocks
from pipeline.readers.pdf_parts import TablePart
from pipeline.readers.pdf_words import PdfSettings, TextLine, Word, cell_text

SIZE, PITCH = 7.0, 8.5
BOUNDS = [50.0, 100.0]
X = (10.0, 60.0, 110.0)
SETTINGS = PdfSettings()


def _lines(cells: list[tuple]) -> list[TextLine]:
    """(column, top of the first line, the cell's lines[, page]) -> body lines, one per
    visual line."""
    by_top: dict[tuple[int, float], list[Word]] = {}
    for col, top, texts, *page in cells:
        for k, text in enumerate(texts):
            t = round(top + k * PITCH, 2)
            pg = page[0] if page else 1
            by_top.setdefault((pg, t), []).append(Word(text, X[col], X[col] + 30, t, t + SIZE, SIZE, pg))
    return [TextLine(tuple(sorted(ws, key=lambda w: w.x0)), n)
            for n, (t, ws) in enumerate(sorted(by_top.items()), start=1)]


def _blocks(cells):
    body = _lines(cells)
    part = TablePart(page=1, body=body, body_top=95.0, body_bottom=180.0)
    return column_blocks(body, {ln.number: part for ln in body}, BOUNDS, SETTINGS)


def _read(cells):
    blocks = _blocks(cells)
    alignment = block_alignment(blocks)
    rows = aligned_rows(blocks, alignment, BOUNDS, SETTINGS) if alignment != "top" else []
    return alignment, [[cell_text(c) or None for c in r.cells] for r in rows]


def _middle_of(top: float, n_lines: int, lines: int = 1) -> float:
    """Top of a `lines`-line cell centred on an n_lines-line cell starting at `top`."""
    return top + (n_lines - lines) * PITCH / 2


# row one: a three-line cell at 100; row two at 100 + 3 x 8.5 + 4 = 129.5; row three at 159
CENTRED = [
    (2, 100.0, ["first wrapped", "cell of the", "first row"]),
    (0, _middle_of(100.0, 3), ["Alpha"]),
    (2, 129.5, ["second wrapped", "cell of the", "second row"]),
    (0, _middle_of(129.5, 3), ["Beta"]),
    (1, (100.0 + 129.5 + 3 * PITCH - 1.5) / 2 - SIZE / 2, ["Omega"]),    # centred on rows one and two
    (2, 159.0, ["third row", "in two lines"]),
    (0, _middle_of(159.0, 2), ["Gamma"]),
    (1, _middle_of(159.0, 2), ["Delta"]),
]


def test_cells_centred_on_their_rows_are_read_by_their_middles():
    alignment, rows = _read(CENTRED)
    assert alignment == "middle"
    assert rows == [
        ["Alpha", "Omega", "first wrapped cell of the first row"],
        ["Beta", None, "second wrapped cell of the second row"],
        ["Gamma", "Delta", "third row in two lines"],
    ]


def test_cells_at_the_top_of_their_rows_are_left_to_the_line_reader():
    top_aligned = [(2, 100.0, CENTRED[0][2]), (0, 100.0, ["Alpha"]), (1, 100.0, ["Omega"]),
                   (2, 129.5, CENTRED[2][2]), (0, 129.5, ["Beta"]),
                   (2, 159.0, CENTRED[5][2]), (0, 159.0, ["Gamma"]), (1, 159.0, ["Delta"])]
    assert _read(top_aligned)[0] == "top"


def test_a_column_set_without_row_gaps_is_left_to_the_line_reader():
    # the labels run down column 0 at the line pitch (no row gaps), so its one block stands
    # beside several cells of column 2: blocks are not cells, whatever their middles say
    labels = (0, 100.0, [f"label {k}" for k in range(9)])
    cells = [labels] + [(2, 100.0 + 3 * k * PITCH + PITCH, [f"{k}.5"]) for k in range(3)] + [
        (1, 100.0 + 3 * k * PITCH, ["x", "y", "z"]) for k in range(3)]
    assert _read(cells)[0] == "top"


def test_cells_at_the_bottom_of_their_rows_take_the_empty_cells_above_them():
    # column 1 holds one cell set at the bottom of rows one and two (a span): it reads as the
    # span's first row, so filling down gives it to both rows
    bottom = [
        (2, 100.0, ["first wrapped", "cell of the", "first row"]), (0, 100.0 + 2 * PITCH, ["Alpha"]),
        (2, 129.5, ["second wrapped", "cell of the", "second row"]), (0, 129.5 + 2 * PITCH, ["Beta"]),
        (1, 129.5 + 2 * PITCH, ["Omega"]),
        (2, 159.0, ["third row", "in two lines"]), (0, 159.0 + PITCH, ["Gamma"]), (1, 159.0 + PITCH, ["Delta"]),
    ]
    alignment, rows = _read(bottom)
    assert alignment == "bottom"
    assert [r[:2] for r in rows] == [["Alpha", "Omega"], ["Beta", None], ["Gamma", "Delta"]]


def test_a_table_ruled_into_rows_is_read_by_its_middles_only_when_centred_throughout():
    # the same centred cells: with a rule under every row of a short table they still read as
    # centred; a long ruled table where only these few cells agree on their middles is read
    # by its rules (a count centred on its group's rows does not make the table centred)
    blocks = _blocks(CENTRED)
    assert block_alignment(blocks, rules=2) == "middle"
    assert block_alignment(blocks, rules=40) == "top"


def test_a_bottom_aligned_span_cut_by_the_page_break_goes_on_overleaf():
    # "Omega" starts on the last row of page 1 and is set at the top of what is left of it
    # there (it does not reach the row's bottom): it goes on over the first row of page 2,
    # and "Delta", at the bottom of page 2's second row, stays there
    cells = [
        (2, 100.0, ["first wrapped", "cell of the", "first row"]), (0, 100.0 + 2 * PITCH, ["Alpha"]),
        (1, 100.0, ["Omega"]),
        (2, 60.0, ["second row", "in two lines"], 2), (0, 60.0 + PITCH, ["Beta"], 2),
        (2, 81.0, ["third row", "in two lines"], 2), (0, 81.0 + PITCH, ["Gamma"], 2),
        (1, 81.0 + PITCH, ["Delta"], 2),
    ]
    alignment, rows = _read(cells)
    assert alignment == "bottom"
    assert [r[:2] for r in rows] == [["Alpha", "Omega"], ["Beta", None], ["Gamma", "Delta"]]
