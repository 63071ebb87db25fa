"""JATS articles: the reader on invented snippets (tests/data/jats), documents.parquet for
every format, archives streamed, same-stem inputs, the Dask path; and, when ../shared/samples
is beside the repository, every real sample article."""
from __future__ import annotations

import functools
import hashlib
import shutil
import tarfile
from pathlib import Path

import pandas as pd
import pytest

from pipeline.errors import InputError
from pipeline.readers.jats import read_jats
from pipeline.run import extract, extract_file, read_input

ROOT = Path(__file__).resolve().parents[1]
JATS = ROOT / "tests" / "data" / "jats"
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
OUTPUTS = ("arms", "measures", "abbreviations", "narrative", "rejects", "documents")


def dataset(folder: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(folder / f"{name}.parquet") for name in OUTPUTS}


def same_dataset(a: Path, b: Path, ignore_path: bool = False) -> None:
    da, db = dataset(a), dataset(b)
    for name in OUTPUTS:
        x, y = da[name], db[name]
        if name == "documents" and ignore_path:
            x, y = x.drop(columns="path"), y.drop(columns="path")
        pd.testing.assert_frame_equal(x, y, obj=name)


# ------------------------------------------------------------------ invented articles
@pytest.fixture(scope="module")
def review():
    return read_jats("invented_trials_review", (JATS / "invented_trials_review.xml").read_bytes())


def test_table_wraps_labels_captions_footnotes(review):
    grids, rejects, meta, skipped = review
    assert [(g.label, g.title) for g in grids] == [
        ("Table 1", "Selected invented trials of checkpoint inhibitors"),
        ("Table 2", "Baseline characteristics of the invented cohorts")]
    assert skipped == [("Table 3", "table given as an image only (no <table> markup)")]
    g = grids[0]
    assert g.legend == "ORR, objective response rate; mPFS, median progression-free survival; NR, not reached."
    assert g.notes == ("a Investigator assessed.",)
    assert [r.reason for r in rejects] == ["repeated header row"]


def test_cells_spans_refs_and_marks(review):
    g = review[0][0]
    assert g.header == ("Trial", "Phase", "Treatment", "N", "ORR (%)", "mPFS (months)", "Ref.")
    assert [r.section for r in g.rows] == ["First line", None, None, None, None]
    texts = [[c.text if c else None for c in r.cells] for r in g.rows[1:]]
    assert texts == [
        ["NCT09000001", "II", "Nivolumab + ipilimumab", "41", "38", "5.2", "2"],
        ["NCT09000001", "II", "Nivolumab", "40", "12.5", "3.1", None],
        ["NCT09000002", "I/II", "Pembrolizumab", "25", "NR", "NR", "3,4"],
        ["NCT09000003", "II", "Avelumab", "18", "10.5", "2.9", None]]
    r1, r2, r3 = g.rows[1], g.rows[2], g.rows[3]
    assert r1.cells[4].marks == ("a",) and r2.cells[4].marks == ("b",)
    assert [c.spanned for c in r2.cells[:3]] == [True, True, False]
    assert r3.cells[5].spanned and not r3.cells[4].spanned     # colspan copy


def test_article_extracts_to_arms_documents_and_table_rejects():
    res = extract_file(JATS / "invented_trials_review.xml")
    arms = [(a["table"], a["row"], a["trial_id"], a["treatment"], a["orr_pct"], a["pfs_median_months"],
             a["ref"], a["filled"]) for a in res.arms]
    assert arms == [
        ("Table 1", 1, "NCT09000001", "Nivolumab + ipilimumab", 38.0, 5.2, "2", []),
        ("Table 1", 2, "NCT09000001", "Nivolumab", 12.5, 3.1, None, ["trial_id", "phase"]),
        ("Table 1", 3, "NCT09000002", "Pembrolizumab", None, None, "3,4", ["pfs_median"]),
        ("Table 1", 4, "NCT09000003", "Avelumab", 10.5, 2.9, None, [])]
    table_rejects = [(r["text"], r["reason"].split(":")[0]) for r in res.rejects if r["level"] == "table"]
    assert table_rejects == [("Table 3", "table given as an image only (no <table> markup)"),
                             ("Table 2 Baseline characteristics of the invented cohorts",
                              "no trial results (baseline characteristics)")]
    data = (JATS / "invented_trials_review.xml").read_bytes()
    assert res.document == dict(
        source="invented_trials_review", path=str(JATS / "invented_trials_review.xml"), format="jats",
        sha256=hashlib.sha256(data).hexdigest(), tables=3, pmcid="PMC9990001", pmid="99900001",
        doi="10.9999/inv.2024.001", title="Checkpoint inhibitors in invented carcinoid cohorts: a review",
        journal="Invented Oncology Reviews", year=2024, article_type="review-article",
        license="https://creativecommons.org/licenses/by/4.0/")


def test_arms_as_columns_give_one_arm_per_column():
    res = extract_file(JATS / "invented_two_arm_rct.nxml")
    got = [(a["treatment"], a["n_total"], a["pfs_median_months"], a["os_median_months"], a["orr_pct"])
           for a in res.arms]
    assert got == [("Everolimus", 120, 6.1, 17.9, 14.0), ("Sorafenib", 118, 4.4, 15.2, 9.0)]
    assert res.document["pmcid"] == "PMC9990002" and res.document["pmid"] is None
    assert res.document["license"] == "http://creativecommons.org/licenses/by-nc/4.0/"


def test_cals_table_is_read_like_xhtml():
    res = extract_file(JATS / "invented_cals_table.xml")
    got = [(a["trial_id"], a["phase"], a["treatment"], a["orr_pct"], a["filled"]) for a in res.arms]
    assert got == [("NCT09300001", "II", "Drug P", 22.0, []),
                   ("NCT09300001", "II", "Drug Q", 17.0, ["trial_id"]),      # morerows
                   ("NCT09300002", "III", "III", 30.0, ["treatment"])]      # namest..nameend


def test_article_without_tables_is_no_error(tmp_path):
    report = extract([JATS / "invented_no_tables.xml"], tmp_path / "out")
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    assert (report.files, report.tables, report.arms) == (1, 0, 0)
    assert docs[["source", "format", "tables", "article_type"]].values.tolist() == [
        ["invented_no_tables", "jats", 0, "editorial"]]


def test_entities_of_the_dtd_are_read_without_it(tmp_path):
    art = tmp_path / "ent.xml"
    art.write_bytes(b'<?xml version="1.0"?><article><front><article-meta><title-group><article-title>'
                    b'Drug&nbsp;A &mdash; a trial &amp; more</article-title></title-group></article-meta></front></article>')
    assert read_input(art).meta["title"] == "Drug A — a trial & more"


def test_not_xml_is_a_one_line_error(tmp_path):
    bad = tmp_path / "broken.xml"
    bad.write_bytes(b"this is <not xml")
    with pytest.raises(InputError, match="not well-formed XML"):
        read_input(bad)


def test_documents_for_every_format(tmp_path):
    raw = ROOT / "tests" / "data" / "raw"
    inputs = [raw / "dev_plain_numeric.txt", raw / "dev_markdown_arms.md", raw / "dev_html_spans.html",
              ROOT / "tests" / "fixtures" / "dev_plain_numeric.pdf", JATS / "invented_two_arm_rct.nxml"]
    folder = tmp_path / "in"
    folder.mkdir()
    for p in inputs:      # the PDF twin has the text's stem: give it its own
        shutil.copy(p, folder / (p.stem + "_pdf" + p.suffix if p.suffix == ".pdf" else p.name))
    extract([folder], tmp_path / "out")
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    assert docs[["source", "format"]].values.tolist() == [
        ["dev_html_spans", "html"], ["dev_markdown_arms", "markdown"], ["dev_plain_numeric", "text"],
        ["dev_plain_numeric_pdf", "pdf"], ["invented_two_arm_rct", "jats"]]
    assert docs["tables"].tolist() == [1, 1, 1, 1, 1]
    assert docs["sha256"].tolist() == [hashlib.sha256((folder / Path(p).name).read_bytes()).hexdigest()
                                       for p in docs["path"]]


def test_same_stem_twice_is_an_error_naming_both(tmp_path):
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        shutil.copy(JATS / "invented_two_arm_rct.nxml", tmp_path / d / "t.xml")
    with pytest.raises(InputError) as e:
        extract([tmp_path / "a", tmp_path / "b"], tmp_path / "out")
    msg = str(e.value)
    assert str(tmp_path / "a" / "t.xml") in msg and str(tmp_path / "b" / "t.xml") in msg and "\n" not in msg
    assert not (tmp_path / "out").exists()


def _tar(folder: Path, files: list[Path]) -> Path:
    pkg = folder / "oa_package.tar.gz"
    with tarfile.open(pkg, "w:gz") as tf:
        for f in files:
            tf.add(f, arcname=f"pkg/{f.name}")
    return pkg


def test_archive_streams_to_the_folder_dataset(tmp_path):
    files = sorted(JATS.iterdir())
    _tar(tmp_path, files)
    extract([JATS], tmp_path / "folder")
    extract([tmp_path / "oa_package.tar.gz"], tmp_path / "tar", jobs=2)
    same_dataset(tmp_path / "folder", tmp_path / "tar", ignore_path=True)
    paths = pd.read_parquet(tmp_path / "tar" / "documents.parquet")["path"].tolist()
    assert paths == [f"{tmp_path / 'oa_package.tar.gz'}/pkg/{f.name}" for f in files]


def test_dask_cluster_writes_the_jobs_dataset(tmp_path):
    distributed = pytest.importorskip("distributed")
    from pipeline.dask_run import extract_on

    inputs = [JATS, ROOT / "tests" / "data" / "raw"]
    extract(inputs, tmp_path / "jobs", jobs=2)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        report = extract_on(client, inputs, tmp_path / "dask")
    assert report.files == len(list(JATS.iterdir())) + len(list((ROOT / "tests" / "data" / "raw").iterdir()))
    same_dataset(tmp_path / "jobs", tmp_path / "dask")


# ------------------------------------------------------------------ real sample articles
def _samples() -> Path:
    folder = SAMPLES / "jats"
    if not folder.is_dir():
        pytest.skip("../shared/samples is not beside the repository")
    return folder


# file -> [(label, data rows, section rows)] of every table read, the tables giving arms
# (label -> arms), and documents metadata (pmcid, pmid, doi, journal, year, article_type, licence)
SAMPLE_TABLES = {
    "advs.202513567_tme_nanomedicine_review": (
        [("Table 1", 22, 0), ("Table 2", 8, 0)], {"Table 2": 8},
        ("PMC12561478", "40940640", "10.1002/advs.202513567", "Advanced Science", 2025, "review-article",
         "https://creativecommons.org/licenses/by/4.0/")),
    "apsb.2025.07.017_metallic_nanomedicine_review": (
        [("Table 1", 28, 0), ("Table 2", 21, 0)], {"Table 2": 21},
        ("PMC12491691", None, "10.1016/j.apsb.2025.07.017", "Acta Pharmaceutica Sinica. B", 2025,
         "review-article", "https://creativecommons.org/licenses/by/4.0/")),
    "cac2.70067_cgas_sting_review": (
        [("TABLE 1", 18, 0), ("TABLE 2", 15, 0), ("TABLE 3", 15, 0), ("TABLE 4", 17, 0)],
        {"TABLE 3": 15, "TABLE 4": 17},
        ("PMC12629869", "41077675", "10.1002/cac2.70067", "Cancer Communications", 2025, "review-article",
         "https://creativecommons.org/licenses/by-nc-nd/4.0/")),
    "or.2025.071708_cd47_review": (
        [("Table 1", 21, 0)], {"Table 1": 21},
        ("PMC12573215", None, "10.32604/or.2025.071708", "Oncology Research", 2025, "other",
         "https://creativecommons.org/licenses/by/4.0/")),
    "pmc12311175_immune_evasion_cancer_review": (
        [("Table 1", 19, 0), ("Table 2", 14, 0), ("Table 3", 29, 0), ("Table 4", 120, 0), ("Table 5", 10, 0),
         ("Table 6", 16, 0), ("Table 7", 12, 0)], {"Table 4": 120},
        ("PMC12311175", "40739089", "10.1038/s41392-025-02280-1", "Signal Transduction and Targeted Therapy",
         2025, "review-article", "https://creativecommons.org/licenses/by/4.0/")),
    "pmc12634591_correction_crc_neoantigen_trials": (
        [("Table 7", 19, 0)], {"Table 7": 19},
        ("PMC12634591", None, "10.3389/fimmu.2025.1727580", "Frontiers in Immunology", 2025, "correction",
         "https://creativecommons.org/licenses/by/4.0/")),
    "pmc2361948_palliative_lung_radiotherapy_rct": (
        [("Table 1", 18, 5), ("Table 2", 23, 6), ("Table 3", 6, 0), ("Table 4", 9, 2), ("Table 5", 27, 9),
         ("Table 6", 14, 0)], {"Table 5": 27, "Table 6": 14},
        ("PMC2361948", "15770205", "10.1038/sj.bjc.6602477", "British Journal of Cancer", 2005, "other", None)),
    "pmc2855860_sunitinib_vs_capecitabine_breast_rct": (
        [("Table 1", 25, 10), ("Table 2", 8, 0), ("Table 3", 13, 3), ("Table 4", 19, 0)], {"Table 3": 2},
        ("PMC2855860", "20339913", "10.1007/s10549-010-0788-0", "Breast Cancer Research and Treatment", 2010,
         "research-article", None)),
    "pmc4709619_gastric_mucinous_cancer_hindawi": (
        [("Table 1", 42, 0), ("Table 2", 42, 0), ("Table 3", 12, 0), ("Table 4", 12, 0), ("Table 5", 12, 0),
         ("Table 6", 11, 0)], {"Table 3": 2, "Table 4": 2, "Table 5": 2},    # Table 6: a Cox model, no arms
        ("PMC4709619", None, "10.1155/2016/8947505", "Gastroenterology Research and Practice", 2016,
         "research-article", "open-access")),
    "pmc5830087_bth1677_bevacizumab_nsclc_rct": (
        [("Table 1", 16, 9), ("Table 2", 17, 3), ("Table 3", 3, 0), ("Table 4", 6, 1), ("Table 5", 41, 13),
         ("Table 6", 10, 0)], {"Table 2": 2},
        ("PMC5830087", "29486797", "10.1186/s40425-018-0324-z", "Journal for Immunotherapy of Cancer", 2018,
         "research-article", "http://creativecommons.org/licenses/by/4.0/")),
    "s12943-025-02460-1_immunometabolism_review": (
        [("Table 1", 31, 0), ("Table 2", 71, 0)], {"Table 2": 71},
        ("PMC12505609", None, "10.1186/s12943-025-02460-1", "Molecular Cancer", 2025, "review-article",
         "https://creativecommons.org/licenses/by-nc-nd/4.0/")),
    "s40164-025-00691-y_collagen_immunotherapy_review": (
        [("Table 1", 6, 0), ("Table 2", 8, 0), ("Table 3", 42, 0)], {"Table 3": 42},
        ("PMC12306033", "40721833", "10.1186/s40164-025-00691-y", "Experimental Hematology & Oncology", 2025,
         "review-article", "https://creativecommons.org/licenses/by/4.0/")),
}


@pytest.mark.parametrize("stem", sorted(SAMPLE_TABLES))
def test_sample_article(stem):
    path = _samples() / f"{stem}.xml"
    tables, kept, meta = SAMPLE_TABLES[stem]
    read = read_input(path)
    got = [(g.label, sum(r.section is None for r in g.rows), sum(r.section is not None for r in g.rows))
           for g in read.grids]
    assert got == tables
    assert all(g.title for g in read.grids)
    res = extract_file(path)
    arms = {}
    for a in res.arms:
        arms[a["table"]] = arms.get(a["table"], 0) + 1
    assert arms == kept
    d = res.document
    assert (d["pmcid"], d["pmid"], d["doi"], d["journal"], d["year"], d["article_type"], d["license"]) == meta
    assert d["tables"] == len(tables) and d["format"] == "jats" and d["title"]
    # every table read is either in arms or listed as a table-level reject
    rejected = [r for r in res.rejects if r["level"] == "table"]
    assert len(rejected) + len(kept) == len(tables)


def test_sample_spans_filled_and_listed():
    res = extract_file(_samples() / "pmc12311175_immune_evasion_cancer_review.xml")
    rows = [(a["row"], a["agent"], a["trial_id"], a["phase"], a["filled"]) for a in res.arms[:3]]
    assert rows == [(1, "ABBV-181", "NCT02988960", "I", []),
                    (2, "ABBV-181", "NCT03000257", "I", ["agent"]),
                    (3, "ABBV-181", "NCT03035279", "I", ["agent"])]
    g = read_input(_samples() / "cac2.70067_cgas_sting_review.xml").grids[2]
    assert g.title == "Clinical trials involving cyclic dinucleotides."
    assert [(c.text, c.spanned) for c in g.rows[1].cells[:3]] == [("ADU‐S100", True), ("IT", False), ("Ipilimumab", False)]


def test_sample_marks_and_refs_apart():
    g = read_input(_samples() / "pmc2855860_sunitinib_vs_capecitabine_breast_rct.xml").grids[2]
    median = g.rows[2]
    assert [(c.text, c.marks) for c in median.cells] == [
        ("Median, months", ()), ("2.8", ()), ("4.2", ()), ("1.47", ()), ("1.16–1.87", ()), ("0.999 0.002", ("a", "b"))]
    g = read_input(_samples() / "pmc5830087_bth1677_bevacizumab_nsclc_rct.xml").grids[1]
    assert (g.rows[0].cells[0].text, g.rows[0].cells[0].marks) == ("Objective Response Rate", ("a,b",))
    g = read_input(_samples() / "pmc12311175_immune_evasion_cancer_review.xml").grids[6]
    assert g.header[-1] == "Ref."
    assert [c.text for c in g.rows[0].cells] == [
        "Blinatumomab (Blincyto)", "CD19 and CD3", "Acute lymphoblastic leukemia (ALL)",
        "Directs T cells to CD19-expressing cancer cells, leading to T cell-mediated cytotoxicity.", "620"]


def test_sample_transposed_rct():
    res = extract_file(_samples() / "pmc2855860_sunitinib_vs_capecitabine_breast_rct.xml")
    got = [(a["treatment"], a["n_total"], a["pfs_median_months"], a["os_median_months"], a["orr_pct"])
           for a in res.arms]
    assert got == [("Sunitinib", 238, 2.8, 15.3, 11.0), ("Capecitabine", 244, 4.2, 24.6, 16.0)]
    res = extract_file(_samples() / "pmc5830087_bth1677_bevacizumab_nsclc_rct.xml")
    got = [(a["n_total"], a["orr_pct"], a["dcr_pct"]) for a in res.arms]
    assert got == [(48, 60.4, 93.8), (23, 43.5, 91.3)]


def test_sample_archive_equals_folder(tmp_path):
    folder = _samples()
    _tar(tmp_path, sorted(folder.glob("*.xml")))
    extract([folder], tmp_path / "folder")
    extract([tmp_path / "oa_package.tar.gz"], tmp_path / "tar")
    same_dataset(tmp_path / "folder", tmp_path / "tar", ignore_path=True)


def test_sample_html_pages():
    folder = SAMPLES / "html"
    if not folder.is_dir():
        pytest.skip("../shared/samples is not beside the repository")
    mdpi = read_input(folder / "mdpi_metabolites_2014_4_932_volatile_wheat.html").grids
    assert [(g.label, len(g.rows)) for g in mdpi] == [("Table 1", 29)]       # no search form, no stub
    f1000 = read_input(folder / "f1000research_3-190_shark_longevity.html")
    assert [(g.label, len(g.rows)) for g in f1000.grids] == [("Table 1", 8), ("Table 2", 8)]   # no thumbnails
    assert (f1000.meta["doi"], f1000.meta["journal"], f1000.meta["year"]) == ("10.12688/f1000research.4767.2",
                                                                           "F1000Research", 2015)


def _cells_of(g) -> list[list[str]]:
    import unicodedata

    def norm(t: str | None) -> str:
        return "".join(unicodedata.normalize("NFKC", t or "").split())
    return [[norm(h) for h in g.header]] + [[norm(c.text if c else None) for c in r.cells]
                                            for r in g.rows if r.section is None]


@functools.lru_cache(maxsize=2)
def _grids_by_label(path: Path) -> dict:
    return {g.label: g for g in read_input(path).grids}


# the header "χ² value" keeps its exponent, and the group heading "Univariate regression
# analysis" heads the "RR" left of its text
@pytest.mark.parametrize("label", [f"Table {k}" for k in range(1, 7)])
def test_sample_xml_tables_equal_the_pdf_ones(label):
    pdf = SAMPLES / "pdf" / "pmc4709619_gastric_mucinous_cancer_hindawi.pdf"
    xml = _samples() / "pmc4709619_gastric_mucinous_cancer_hindawi.xml"
    if not pdf.exists():
        pytest.skip("../shared/samples is not beside the repository")
    x = _grids_by_label(xml)[label]
    p = _grids_by_label(pdf).get(label)
    assert p is not None, f"{label} not found in the PDF"
    assert _cells_of(p) == _cells_of(x)


def test_damaged_or_empty_archive_is_a_one_line_error(tmp_path):
    pkg = _tar(tmp_path, sorted(JATS.iterdir()))
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(pkg.read_bytes()[: pkg.stat().st_size // 2])
    with pytest.raises(InputError, match="cannot read the archive") as e:
        extract([cut], tmp_path / "out")
    assert str(cut) in str(e.value) and "\n" not in str(e.value)
    empty = tmp_path / "empty.tar.gz"
    with tarfile.open(empty, "w:gz") as tf:
        tf.add(ROOT / "raw" / "pmc10584733_table6.txt", arcname="pkg/readme.txt")
    with pytest.raises(InputError, match="no .xml or .nxml member"):
        extract([empty], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_bad_member_with_keep_going_is_a_file_reject(tmp_path):
    bad = tmp_path / "broken.xml"
    bad.write_bytes(b"<article><body><table-wrap>")
    pkg = tmp_path / "oa.tar.gz"
    with tarfile.open(pkg, "w:gz") as tf:
        tf.add(JATS / "invented_two_arm_rct.nxml", arcname="oa/invented_two_arm_rct.nxml")
        tf.add(bad, arcname="oa/broken.xml")
    report = extract([pkg], tmp_path / "out", keep_going=True)
    (err,) = report.errors
    assert err.startswith(f"{pkg}/oa/broken.xml:1: not well-formed XML: Premature end of data in tag table-wrap")
    rej = pd.read_parquet(tmp_path / "out" / "rejects.parquet")
    assert rej[rej.level == "file"][["source", "level"]].values.tolist() == [["broken", "file"]]
