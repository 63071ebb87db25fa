"""PDF reader on real journal articles: ../shared/samples/pdf (see INDEX.md there).

Every table INDEX.md lists is found with its label, pages, rows and columns, and three of its
rows hold the cells printed there (tests/data/pdf_samples.json). For pmc4709619 the JATS twin
of the same article (../shared/samples/jats) gives every body cell. The samples are not part of
the repository: without ../shared/samples these tests skip.
"""
from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pytest

from pipeline.readers.pdf import read_pdf_document

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
SPEC = json.loads((ROOT / "tests" / "data" / "pdf_samples.json").read_text(encoding="utf-8"))
TABLES = [(name, t) for name, tables in SPEC["files"].items() for t in tables]
JATS_TWIN = ("pmc4709619_gastric_mucinous_cancer_hindawi.pdf",
             "pmc4709619_gastric_mucinous_cancer_hindawi.xml")

pytestmark = pytest.mark.skipif(not (SAMPLES / "pdf").is_dir(), reason="../shared/samples absent")


@lru_cache(maxsize=None)
def read(name: str):
    grids, rejects = read_pdf_document(SAMPLES / "pdf" / name)
    return {g.label: g for g in grids}, rejects


def cells(row) -> list[str | None]:
    return [c.text if c else None for c in row.cells]


def _id(item) -> str:
    name, t = item
    return f"{name.split('_')[0]}-{t['label'].replace(' ', '')}"


@pytest.mark.parametrize("item", TABLES, ids=[_id(x) for x in TABLES])
def test_sample_table(item, request):
    name, want = item
    if want.get("known_miss"):
        request.applymarker(pytest.mark.xfail(strict=True, reason=want["known_miss"]))
    grids, rejects = read(name)
    if want.get("rejected_because"):
        assert want["label"] not in grids
        where = f"page {want['pages'][0]}: {want['label']}: {want['rejected_because']}"
        assert [r.reason for r in rejects if r.reason.startswith(where)], [r.reason for r in rejects]
        return
    assert want["label"] in grids, sorted(grids)
    grid = grids[want["label"]]
    assert sorted({r.page for r in grid.rows}) == want["pages"]
    assert len(grid.header) == want["columns"]
    if want.get("rows") is not None:
        assert len(grid.rows) == want["rows"]
        assert list(grid.header) == want["header"]
    for check in want["check"]:
        row = grid.rows[check["row"]]
        if "section" in check:
            assert row.section == check["section"], check["row"]
        elif "col" in check:
            assert row.section is None and cells(row)[check["col"]] == check["text"], check["row"]
        else:
            assert row.section is None and cells(row) == check["cells"], check["row"]


def test_every_sample_table_is_read_or_one_reject():
    """Every listed table is a grid or (glyph codes) one reject; nothing else is rejected."""
    for name, tables in SPEC["files"].items():
        grids, rejects = read(name)
        assert sorted(grids) == sorted(t["label"] for t in tables if not t.get("rejected_because"))
        assert len(rejects) == sum(1 for t in tables if t.get("rejected_because")), name


# --- pmc4709619: the JATS twin gives every cell ----------------------------------------------

def _norm(text: str | None) -> str:
    """Cell text compared across the PDF and the XML: math italic letters folded ("𝑃" = "P"),
    spaces left out (this PDF has no space glyphs: a space is only a gap, and "≤5 cm" is
    set as tight as "≤5cm")."""
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"\s+", "", text)


def jats_tables(path: Path) -> dict[str, list[list[str]]]:
    from lxml import etree

    out = {}
    for wrap in etree.parse(str(path)).iter("table-wrap"):
        label = (wrap.findtext("label") or "").strip()
        out[label] = [[_norm("".join(td.itertext())) for td in tr]
                      for tr in wrap.iterfind(".//tbody/tr")]
    return out


@pytest.mark.parametrize("label", ["Table 1", "Table 2", "Table 3", "Table 4", "Table 5", "Table 6"])
def test_pmc4709619_cells_equal_jats_twin(label):
    pdf_name, xml_name = JATS_TWIN
    xml = SAMPLES / "jats" / xml_name
    if not xml.is_file():
        pytest.skip("JATS twin absent")
    want = jats_tables(xml)[label]
    grid = read(pdf_name)[0][label]
    got = []
    for row in grid.rows:
        if row.section is not None:
            got.append([_norm(row.section)] + [""] * (len(want[0]) - 1))
        else:
            got.append([_norm(c.text) if c else "" for c in row.cells])
    assert got == want


def test_side_by_side_tables_keep_their_own_column():
    """p8 of pmc4709619 prints Tables 3 and 4 in the left column and Table 5 in the right one:
    no cell of one holds text of the other."""
    grids, _ = read(JATS_TWIN[0])
    assert {r.page for label in ("Table 3", "Table 4", "Table 5") for r in grids[label].rows} == {8}
    assert grids["Table 5"].rows[0].cells[0].text == "Age ≤ 60 years"
    assert all("Age ≤ 60" not in (c.text if c else "") for r in grids["Table 3"].rows for c in r.cells)


def test_cox_relative_risks_are_no_response_rates(tmp_path):
    """Table 6 of pmc4709619 is a Cox model: its "RR" columns are relative risks, not ORR."""
    from pipeline.run import extract_file

    res = extract_file(SAMPLES / "pdf" / JATS_TWIN[0])
    assert res.tables == 6
    assert [m for m in res.measures if m["measure"] == "orr"] == []
    # with no response rate, the Cox model holds no trial results: listed, not read as arms
    assert not [a for a in res.arms if a["table"] == "Table 6"]
    assert [r["level"] for r in res.rejects if "Table 6" in (r["text"] or "")] == ["table"]
