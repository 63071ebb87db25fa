"""PDF reader: fixture PDFs (tools/make_pdf_fixtures.py) read back into the tables they print.

Each fixture `tests/fixtures/<source>.pdf` is rendered from `<source>.table.json`, which holds
the cells as printed (null = a cell spanning down from above). The reader's Grid must give
back that spec; the end-to-end tests check that the PDF and its text form
(`tests/data/raw/`) give the same dataset once `python -m pipeline extract`
exists.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.model import Grid
from pipeline.readers.pdf import PdfSettings, read_pdf
from pipeline.readers.pdf_grid import header_to_columns
from pipeline.readers.pdf_words import TextLine, Word, _without_sups, note_marks, words_to_lines

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
TEXT_FORMS = ROOT / "tests" / "data" / "raw"   # the same tables as pasted text / HTML
SHARED = Path(os.environ.get("TRIALTABLES_SHARED", ROOT.parent / "shared"))
SPECS = sorted(FIXTURES.glob("*.table.json"))
NBSP = "\u00a0"
THIN = "\u2009"


def load_spec(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def printed(text: str | None) -> str | None:
    """What a PDF gives back for a cell: reportlab writes a no-break space as a space glyph."""
    return None if text is None else text.replace(NBSP, " ")


@pytest.fixture(scope="module")
def grids() -> dict[str, Grid]:
    out = {}
    for spec_path in SPECS:
        source = load_spec(spec_path)["source"]
        (grid,) = read_pdf(FIXTURES / f"{source}.pdf")
        out[source] = grid
    return out


def test_fixtures_present():
    assert {p.name for p in FIXTURES.glob("*.pdf")} >= {
        "pmc10584733_table6.pdf", "dev_plain_numeric.pdf", "dev_html_spans.pdf"}


# --- the Grid of each fixture equals its spec --------------------------------------------------

@pytest.mark.parametrize("spec_path", SPECS, ids=lambda p: p.name.split(".")[0])
def test_grid_matches_spec(spec_path: Path, grids):
    spec = load_spec(spec_path)
    grid = grids[spec["source"]]
    assert grid.source == spec["source"]
    assert grid.label == spec["label"].rstrip(".")
    assert grid.title == spec["title"]
    assert grid.header == tuple(spec["header"])
    assert len(grid.rows) == len(spec["rows"])
    for i, (row, want) in enumerate(zip(grid.rows, spec["rows"]), start=1):
        if "section" in want:
            assert row.section == want["section"], f"row {i}"
            continue
        assert row.section is None, f"row {i}"
        got = [c.text if c else None for c in row.cells]
        assert got == [printed(c) for c in want["cells"]], f"row {i}"
        assert row.page is not None and all(c.page == row.page for c in row.cells if c)
    assert grid.legend == re.sub(r"^Abbreviations:\s*", "", spec["legend"])


def test_reference_table_cells(grids):
    g = grids["pmc10584733_table6"]
    assert g.label == "Table 6"
    assert g.title == "Clinical trials of immune checkpoint inhibitors in NEC"
    assert g.header == ("Trials", "Target", "Agent", "Line", "Phase", "Treatment",
                        "Primary sites", "Key outcomes", "Ref")
    assert len(g.rows) == 17
    first = [c.text for c in g.rows[0].cells]
    assert first[:7] == ["NCT03278405", "PD-L1", "Avelumab (Avel)", "1st", "II", "Mono", "GEP or lung"]
    assert first[7].startswith("Among 10 GEP and pulmonary NECs in NET001 cohort, 9 were GEP-NECs.")
    assert first[7].endswith("mPFS, 2.0 months; mOS, 5.7 months")
    assert first[8] == "210"
    # a wrapped agent cell is one cell; spanned Trials/Phase/Primary sites are None
    r13 = g.rows[12].cells
    assert r13[0] is None and r13[4] is None and r13[6] is None
    assert r13[1].text == "PD-1/CTLA-4"
    assert r13[2].text == f"Nivolumab (Nivo){THIN}+{THIN}ipilimumab (Ipi)"
    assert r13[7].text.endswith("The primary endpoint, ORR at 8 weeks, was met")
    # thin spaces and "≥" come through as printed
    assert g.rows[5].cells[7].text.startswith(f"Among 40 NENs (Ki-67{THIN}≥{THIN}10%)")
    # split over two pages with the header repeated: one table, pages recorded
    assert [r.page for r in g.rows] == [1] * 9 + [2] * 8
    assert g.legend.startswith("NCT number, ClinicalTrials.gov Identifier; GEP,")
    assert g.legend.endswith("Ref, reference; Mono, monotherapy")


def test_sections_and_split_without_repeated_header(grids):
    g = grids["dev_plain_numeric"]
    assert [r.section for r in g.rows if r.section] == ["First-line chemotherapy", "Second-line"]
    assert g.header[2] == "No. of pts" and g.header[5] == "mPFS (months)"
    horizon2 = [c.text if c else None for c in g.rows[2].cells]
    assert horizon2 == [None, None, "208", f"Gem{THIN}+{THIN}Cis{THIN}+{THIN}Durva", "27.4", "7.9", "13.4", None]
    assert g.rows[1].cells[1].text == "ICC, ECC or GBC"          # wrapped over two lines
    assert g.rows[4].page == 2 and g.rows[4].cells[0].text == "TANAGER-2"


def test_spans_centred_go_to_first_row_of_span(grids):
    g = grids["dev_html_spans"]
    col = {name: i for i, name in enumerate(g.header)}
    rows = [r for r in g.rows if not r.section]
    target = [r.cells[col["Target"]].text if r.cells[col["Target"]] else None for r in rows]
    assert target == ["KRAS G12C", None, None, "EGFR/MET", None, "HER2", None, "RET", "MET", None]
    trial = [r.cells[col["Trial ID"]].text if r.cells[col["Trial ID"]] else None for r in rows]
    assert trial[:3] == ["NCT09731508", None, "NCT09768243"]
    ref = [r.cells[col["Ref"]].text if r.cells[col["Ref"]] else None for r in rows]
    assert ref == ["31", None, "32", "33", "34", "35", None, "36", "37", "38"]
    assert rows[1].cells[col["Treatment"]].text == "Sotorasib + carboplatin + pemetrexed"
    assert rows[7].cells[col["DCR (%)"]].text == "–"


# --- stages ---------------------------------------------------------------------------------

def _w(text: str, x0: float, top: float, size: float = 7.0) -> Word:
    return Word(text, x0, x0 + len(text) * size * 0.5, top, top + size, size, 1)


def test_words_to_lines_groups_by_top():
    words = [_w("b", 50, 10.5), _w("a", 10, 10), _w("c", 10, 20)]
    lines = words_to_lines(words, PdfSettings())
    assert [ln.text for ln in lines] == ["a b", "c"]


def test_header_columns_wrapped_and_multiword():
    header = words_to_lines([_w("Primary", 10, 0), _w("Key", 60, 0), _w("outcomes", 74, 0),
                             _w("sites", 10, 8.4)], PdfSettings())
    body = [_w("Among-a-long-word", 58, 30)]      # crosses the Key|outcomes gap
    cols = header_to_columns(header, body, PdfSettings())
    assert [c.text for c in cols] == ["Primary sites", "Key outcomes"]


def _sup(text: str, x0: float, top: float, size: float = 4.5) -> Word:
    return replace(_w(text, x0, top, size), sup=True)


def test_header_exponent_kept_footnote_mark_dropped():
    """A raised digit set tight against a letter or a "10" is part of the header ("λ²",
    "10⁶"); a letter, a digit after a space, or a digit the notes define is a mark."""
    lam, ten = _w("λ", 10, 2), _w("10", 40, 2)
    line = TextLine((lam, _sup("2", lam.x1, 0), _w("test", lam.x1 + 6, 2),
                     ten, _sup("6", ten.x1, 0), _w("rate", 60, 2), _sup("b", 74, 0),
                     _w("gain", 90, 2), _sup("3", 90 + 14 + 2, 0)))
    assert _without_sups(line).text == "λ² test 10⁶ rate gain"
    assert _without_sups(line, note_marks([TextLine((_sup("2", 0, 50), _w("weighted", 5, 52)))])).text \
        == "λ test 10⁶ rate gain"


def test_body_unit_exponent_kept():
    unit = _w("g/cm", 20, 2)
    line = TextLine((_w("dose", 0, 2), unit, _sup("3", unit.x1, 0), _w("Trialname", 60, 2), _sup("12", 95, 0)))
    assert line.text == "dose g/cm³ Trialname"


def test_settings_validate():
    with pytest.raises(ValueError, match="row_gap"):
        PdfSettings(row_gap=0)


# --- errors ---------------------------------------------------------------------------------

def _one_line(err: InputError) -> str:
    msg = str(err)
    assert "\n" not in msg
    return msg


def test_text_file_renamed_pdf(tmp_path):
    path = tmp_path / "table.pdf"
    path.write_text("Table 6.\nTrials Target Agent\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_pdf(path)
    assert "not a PDF file" in _one_line(e.value) and "table.pdf" in str(e.value)


def test_encrypted_pdf(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(path), encrypt="secret")
    c.drawString(72, 720, "Table 1. Secret trials")
    c.save()
    with pytest.raises(InputError) as e:
        read_pdf(path)
    assert "encrypted PDF" in _one_line(e.value)


def test_image_only_pdf(tmp_path):
    from PIL import Image
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    c.drawInlineImage(Image.new("RGB", (300, 200), "white"), 72, 400)
    c.line(72, 380, 500, 380)
    c.save()
    with pytest.raises(InputError) as e:
        read_pdf(path)
    assert "no text layer" in _one_line(e.value)


def test_pdf_without_table(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "prose.pdf"
    c = canvas.Canvas(str(path))
    c.drawString(72, 720, "Immune checkpoint inhibitors were studied in several trials.")
    c.drawString(72, 706, "Table 6 summarises them, but this page has no table.")
    c.save()
    with pytest.raises(InputError) as e:
        read_pdf(path)
    assert "no table found" in _one_line(e.value)


# --- fixtures are up to date with their specs -------------------------------------------------

def test_rerendered_fixtures_read_the_same(tmp_path, grids):
    pytest.importorskip("reportlab")
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import make_pdf_fixtures as maker
    finally:
        sys.path.pop(0)
    try:
        fonts = maker.register_fonts(None)
    except SystemExit:
        pytest.skip("DejaVu Sans Condensed not installed")
    for spec_path in SPECS:
        spec = load_spec(spec_path)
        out = tmp_path / f"{spec['source']}.pdf"
        maker.render(spec, out, fonts)
        (fresh,) = read_pdf(out)
        assert fresh == grids[spec["source"]], spec["source"]


# --- end to end: the PDF gives the dataset of its text form ----------------------------------

def _extract(inp: Path, out: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(inp), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


MEASURE_COLS = ["row", "measure", "population", "value", "unit", "not_reached", "value_as_reported",
                "unit_as_reported", "timepoint_months", "column", "start", "end", "evidence"]


@pytest.mark.parametrize("spec_path", SPECS, ids=lambda p: p.name.split(".")[0])
def test_pdf_measures_equal_text_form(spec_path: Path, tmp_path):
    import pandas as pd

    source = load_spec(spec_path)["source"]
    text_form = next(TEXT_FORMS.glob(f"{source}.*"))
    _extract(FIXTURES / f"{source}.pdf", tmp_path / "pdf")
    _extract(text_form, tmp_path / "text")

    def measures(d: Path) -> pd.DataFrame:
        m = pd.read_parquet(d / "measures.parquet")
        cols = [c for c in MEASURE_COLS if c in m.columns]
        m = m[cols].copy()
        if "evidence" in m:
            m["evidence"] = m["evidence"].str.replace(NBSP, " ")
        return m.sort_values(cols[:4]).reset_index(drop=True)

    pd.testing.assert_frame_equal(measures(tmp_path / "pdf"), measures(tmp_path / "text"))
    arms_pdf = pd.read_parquet(tmp_path / "pdf" / "arms.parquet")
    arms_txt = pd.read_parquet(tmp_path / "text" / "arms.parquet")
    assert len(arms_pdf) == len(arms_txt)
    if "page" in arms_pdf:
        assert arms_pdf["page"].notna().all()


def test_reference_pdf_matches_gold(tmp_path):
    """Self-contained: the reference PDF against the annotation copied into tests/data/gold."""
    import json

    import pandas as pd

    sys.path.insert(0, str(ROOT / "tests"))
    from gold import compare

    _extract(FIXTURES / "pmc10584733_table6.pdf", tmp_path)
    gold = json.loads((ROOT / "tests" / "data" / "gold" / "pmc10584733_table6.json").read_text("utf-8"))
    arms = pd.read_parquet(tmp_path / "arms.parquet")
    assert compare(gold, arms, pd.read_parquet(tmp_path / "measures.parquet")) == []
    assert arms["page"].tolist()[0] == 1 and arms["page"].max() == 2


@pytest.mark.skipif(not (SHARED / "tools" / "score.py").exists(), reason="../shared not available")
def test_reference_pdf_scores_perfectly(tmp_path):
    _extract(FIXTURES / "pmc10584733_table6.pdf", tmp_path)
    proc = subprocess.run([sys.executable, str(SHARED / "tools" / "score.py"),
                           str(SHARED / "gold" / "pmc10584733_table6.json"), "--out", str(tmp_path)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"\bF1 1\.0\b", proc.stdout) and re.search(r"\bcells 1\.0\b", proc.stdout), proc.stdout
