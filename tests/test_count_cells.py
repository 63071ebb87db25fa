"""Patient counts written outside a plain count column: a subgroup's count in parentheses, a
population cell's "N = 54", patients per primary site. Each case names the real table page
whose construction it copies (values and labels changed)."""
import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.table.counts import count_cell, count_measures, population_count, site_counts
from pipeline.table.header import classify_header


def _pairs(counts, text):
    return [(m.population, m.value) for m in count_measures(counts, text)]


@pytest.mark.parametrize("text,qualifier,want", [
    ("310 (41)", "SS", [("all", 310.0), ("SS", 41.0)]),                      # PMC5842271 Tab2, header 'n (SS)'
    ("120 (88 BRAF wild-type)", None, [("all", 120.0), ("BRAF wild-type", 88.0)]),   # PMC6094685 T1
    ("4120 (88BRAF wild-type)", None, [("all", 4120.0), ("BRAF wild-type", 88.0)]),   # no space before the label
    ("310 (41)", None, None),           # no header label, no label in the cell: who the 41 are is unknown
    ("18 (60%)", None, None),           # a share, not a count
    ("4120 (5088BRAF)", None, None),    # a "subgroup" above its cohort is no subgroup
    # a header's subgroup above the cohort is read, then rejected by the run (test below)
    ("40 (50)", "SS", [("all", 40.0), ("SS", 50.0)]),
])
def test_count_and_subgroup_count(text, qualifier, want):
    got = count_cell(text, qualifier)
    assert (got if got is None else _pairs(got, text)) == want


def test_count_header_with_a_subgroup_in_parentheses():
    spec = classify_header("n (SS)")
    assert (spec.canonical, spec.qualifier) == ("n_total", "SS")
    assert classify_header("N (range)").qualifier is None
    assert classify_header("No. of pts (%)").unit == "%"


@pytest.mark.parametrize("text,want", [
    ("Advanced BTC Second or third line N = 61", [("all", 61.0)]),            # PMC9600578 t001
    ("Advanced MSS BTC N = 90 Advanced MSI-H BTC N = 12", []),               # two unnamed counts: none taken
    ("Unresectable HCC", []),
])
def test_population_cell_count(text, want):
    assert _pairs(population_count(text), text) == want


@pytest.mark.parametrize("text,want", [
    ("GEP (12)/L (2)/U(5)", [("GEP", 12.0), ("L", 2.0), ("U", 5.0)]),        # PMC8346445 Tab3
    ("GEP (11)/L (6)/U (40)/ other (9)", [("GEP", 11.0), ("L", 6.0), ("U", 40.0), ("other", 9.0)]),
    ("81 lung LC-NEC 77 GEP NECs", [("lung LC-NEC", 81.0), ("GEP NECs", 77.0)]),   # PMC10335166 T2
    ("NENs any site (12 G3, 8 GEP, 4 GEP NECs)", [("G3", 12.0), ("GEP", 8.0), ("GEP NECs", 4.0)]),
    ("NEC (NR)", []),                   # NR: not reported
    ("GEP (70%)", []),                  # a share
    ("G3 NENs", []),                    # a grade, not a count
    ("GEP or UKP", []),
    ("EP-NECs (4 + 19 GEP)", []),       # PMC10335166 T2: a term of a sum is no site's count
])
def test_site_counts(text, want):
    assert _pairs(site_counts(text), text) == want


def test_subgroup_count_above_its_cohort_is_dropped_and_reported(tmp_path):
    src = tmp_path / "t.md"
    src.write_text("| Study | N | Primary site | ORR (%) |\n|---|---|---|---|\n"
                   "| ALPHA | 20 | GEP (14)/L (31) | 12 |\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(src), "--out", str(out), "-q"]) == 0
    m = pd.read_parquet(out / "measures.parquet")
    assert sorted(zip(m["measure"], m["population"], m["value"])) == [
        ("n", "GEP", 14.0), ("n", "all", 20.0), ("orr", "all", 12.0)]
    rej = pd.read_parquet(out / "rejects.parquet")
    assert list(rej["level"]) == ["value"] and "above the cohort" in rej["reason"].iloc[0]
