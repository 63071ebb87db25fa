"""The run summary's list of tables (pipeline/summary.py, printed by `extract` after its
one-line summary): every table of a PDF, HTML or JATS file with its label, page(s), rows x
cols and what came of it; text and markdown tables and runs of 100 files or more only with -v.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.summary import MANY_FILES, TableSummary, table_line, table_lines

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"   # as test_pdf_samples.py
SPEC = json.loads((ROOT / "tests" / "data" / "pdf_samples.json").read_text(encoding="utf-8"))


def extract(tmp_path: Path, *args: str) -> list[str]:
    """stdout of `extract ARGS --out TMP` as lines; stderr must stay empty."""
    proc = subprocess.run([sys.executable, "-m", "pipeline", "extract", *args, "--out", str(tmp_path / "out")],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "", proc.stderr
    return proc.stdout.splitlines()


def listed(lines: list[str]) -> list[str]:
    """The per-table lines (after "tables read:"), without their indent."""
    assert lines[1] == "tables read:", lines
    return [ln.strip() for ln in lines[2:]]


def _two_table_pdf(path: Path) -> None:
    """An invented two-page PDF: a ruled three-column table on page 1, and on page 2 a bold
    caption with no table under it (the reader rejects that one, naming its page)."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.setFont("Helvetica", 10)
    for i in range(6):
        c.drawString(60, 800 - 14 * i, "Running text of the article about several phase two trials of a new agent.")
    c.setFont("Helvetica-Bold", 9)
    c.drawString(60, 700, "Table 1 Response in the trials")
    c.setFont("Helvetica", 9)
    xs = (60, 200, 300)
    c.line(60, 692, 400, 692)
    for x, t in zip(xs, ("Trial", "Phase", "ORR (%)")):
        c.drawString(x, 682, t)
    c.line(60, 676, 400, 676)
    for k, row in enumerate((("WILLOW-3", "II", "24.5"), ("BIRCH-7", "III", "18.0"), ("CEDAR-1", "II", "40.2"))):
        for x, t in zip(xs, row):
            c.drawString(x, 664 - 14 * k, t)
    c.line(60, 630, 400, 630)
    c.setFont("Helvetica", 10)
    for i in range(4):
        c.drawString(60, 600 - 14 * i, "More running text follows the table and discusses the responses seen.")
    c.showPage()
    c.setFont("Helvetica", 10)
    for i in range(6):
        c.drawString(60, 800 - 14 * i, "Running text on the second page about the safety of the agent in trials.")
    c.setFont("Helvetica-Bold", 9)
    c.drawString(60, 60, "Table 2 Adverse events")
    c.save()


# (a) the project's PDF fixtures: every table, exactly -----------------------------------------

ONE_PAGE = ("platypus_band", "platypus_bandcentred", "platypus_booktabs", "platypus_centred",
            "platypus_gridcentred", "platypus_norules", "platypus_twocol")
TWO_PAGES = ("chromium_band", "chromium_booktabs", "chromium_bottom", "chromium_centred",
             "chromium_continued", "chromium_grid", "chromium_gridcentred", "chromium_headcentred",
             "chromium_norules", "chromium_twocol", "chromium_twocolcentred", "chromium_zebra",
             "platypus_continued", "pmc10584733_table6")


def test_pdf_fixtures_listed_with_label_pages_and_size(tmp_path):
    """Through --jobs workers: the records travel back with the batches."""
    pdfs = sorted(FIXTURES.glob("*.pdf"))
    assert len(pdfs) == len(ONE_PAGE) + len(TWO_PAGES) + 2
    lines = extract(tmp_path, *map(str, pdfs), "--jobs", "2")
    want = [f"{n}.pdf: Table 6 (page 1): 17 rows x 9 cols: 17 arms" for n in ONE_PAGE]
    want += [f"{n}.pdf: Table 6 (pages 1-2): 17 rows x 9 cols: 17 arms" for n in TWO_PAGES]
    want += ["dev_html_spans.pdf: Table 2 (page 1): 12 rows x 10 cols: 10 arms",
             "dev_plain_numeric.pdf: Table 3 (pages 1-2): 12 rows x 8 cols: 10 arms"]
    assert sorted(listed(lines)) == sorted(want)


def test_unreadable_pdf_table_is_one_line_with_its_page(tmp_path):
    pytest.importorskip("reportlab")
    pdf = tmp_path / "two_tables.pdf"
    _two_table_pdf(pdf)
    lines = extract(tmp_path, str(pdf))
    assert listed(lines) == [
        "two_tables.pdf: Table 1 (page 1): 3 rows x 3 cols: 3 arms",
        "two_tables.pdf: Table 2 (page 2): rejected: no table next to its caption"]
    # the count says of the tables listed that one was found but not read
    assert lines[0].startswith("1 file(s), 1 table(s) (1 more found but not readable): 3 arms"), lines[0]
    import pandas as pd
    rejects = pd.read_parquet(tmp_path / "out" / "rejects.parquet")
    assert rejects["reason"].tolist() == ["page 2: Table 2: no table next to its caption"]


# (b) the journal PDFs of ../shared/samples: every table of tests/data/pdf_samples.json --------

@pytest.mark.skipif(not (SAMPLES / "pdf").is_dir(), reason="../shared/samples absent")
def test_every_sample_pdf_table_is_listed_with_its_page(tmp_path):
    """Also: nothing on stderr (pdfminer's warnings about one sample's colours are silenced)."""
    lines = extract(tmp_path, str(SAMPLES / "pdf"))
    got = listed(lines)
    want_count = sum(len(tables) for tables in SPEC["files"].values())
    assert len(got) == want_count
    unread = sum(1 for tables in SPEC["files"].values() for t in tables if t.get("rejected_because"))
    read = want_count - unread
    assert f" {read} table(s) (" in lines[0] and f"{unread} more found but not readable)" in lines[0], lines[0]
    for name, tables in SPEC["files"].items():
        for t in tables:
            pages = t["pages"]
            where = f"page {pages[0]}" if len(pages) == 1 else f"pages {pages[0]}-{pages[-1]}"
            head = f"{name}: {t['label']} ({where}): "
            if t.get("rejected_because"):
                tail = f"rejected: {t['rejected_because']}"
            else:
                tail = f"{t['rows']} rows x {t['columns']} cols: "
            assert [ln for ln in got if ln.startswith(head + tail)], (head + tail, got)


# (c) text and markdown tables only with -v ------------------------------------------------------

def test_text_tables_listed_only_with_verbose(tmp_path):
    txt = ROOT / "tests" / "data" / "raw" / "dev_plain_numeric.txt"
    html = ROOT / "tests" / "data" / "raw" / "dev_html_spans.html"
    assert len(extract(tmp_path, str(txt))) == 1               # the one-line summary alone
    assert listed(extract(tmp_path, str(txt), "-v")) == [
        "dev_plain_numeric.txt: Table 3: 12 rows x 8 cols: 10 arms"]
    assert listed(extract(tmp_path, str(txt), str(html))) == [
        "dev_html_spans.html: Table 2: 12 rows x 10 cols: 10 arms",
        "(1 table(s) of text or markdown files not listed: -v lists them)"]
    assert extract(tmp_path, str(txt), "-q") == []


# (d) runs of 100 files or more, and the lines themselves -----------------------------------------

def _pdf_tables(n: int) -> list[TableSummary]:
    return [TableSummary(file=f"article{k}.pdf", format="pdf", label="Table 1", pages=(2,), rows=4, cols=3,
                         arms=4) for k in range(n)]


def test_many_files_list_tables_only_with_verbose():
    many = _pdf_tables(MANY_FILES)
    assert table_lines(many, files=MANY_FILES) == [
        f"tables read: {MANY_FILES} in {MANY_FILES} files, not listed one by one "
        f"({MANY_FILES} files or more): -v lists them"]
    verbose = table_lines(many, files=MANY_FILES, verbose=True)
    assert len(verbose) == MANY_FILES + 1 and verbose[1] == "  article0.pdf: Table 1 (page 2): 4 rows x 3 cols: 4 arms"
    fewer = table_lines(many[:-1], files=MANY_FILES - 1)
    assert len(fewer) == MANY_FILES and fewer[0] == "tables read:"


def test_many_text_files_print_nothing_more():
    text = [TableSummary(file=f"t{k}.txt", format="text", label="Table 1", rows=3, cols=5, arms=3)
            for k in range(MANY_FILES)]
    assert table_lines(text, files=MANY_FILES) == []


def test_table_line_forms():
    base = dict(file="a.pdf", format="pdf", rows=1, cols=2)
    assert table_line(TableSummary(label="Table 4", pages=(3, 5), arms=1, **base)) == \
        "a.pdf: Table 4 (pages 3, 5): 1 row x 2 cols: 1 arm"
    assert table_line(TableSummary(label=None, title="Outcomes of the randomised\n cohorts treated with X",
                                   outcome="no trial results (a list): why", **base)) == \
        "a.pdf: Outcomes of the randomised cohorts treat…: 1 row x 2 cols: no trial results (a list): why"
    assert table_line(TableSummary(file="b.xml", format="jats", label=None, outcome="not read: image only")) == \
        "b.xml: (no label): not read: image only"


def test_dask_and_jobs_runs_give_the_same_table_records(tmp_path):
    """The records travel back with the batches from --jobs workers and from a cluster alike."""
    distributed = pytest.importorskip("distributed")
    from pipeline.dask_run import extract_on
    from pipeline.run import extract as run_extract

    inputs = [ROOT / "tests" / "data" / "jats", ROOT / "tests" / "data" / "raw"]
    one = run_extract(inputs, tmp_path / "one").table_list
    jobs = run_extract(inputs, tmp_path / "jobs", jobs=2).table_list
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        dask = extract_on(client, inputs, tmp_path / "dask").table_list
    assert {t.format for t in one} >= {"jats", "html", "text", "markdown"}
    assert one == jobs == dask
