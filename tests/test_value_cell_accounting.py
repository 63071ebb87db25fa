"""Nothing of a value cell is left out silently (CONTRACT: every number of an outcome cell is
a measure or a narrative row with its rule): the numbers of a numeric column's cell that no
measure covers are narrative rows (pipeline/table/cell_measures.py, unread_numbers)."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import DATA, extract_frames
from pipeline.outcomes.grammar.accounting import DIGITS
from pipeline.table.cell_measures import numeric_cell_measures, unread_numbers
from pipeline.table.header import MEASURE_COLUMNS, classify_header

FIXTURES = DATA.parent / "fixtures"


@pytest.mark.parametrize("header,cell,expected", [
    # another outcome named in the value's parenthesis (wild round 4: PMC4644179 Table 1, "7.4 y (EFS)")
    ("Median PFS", "5.3 y (EFS)", [("5.3", "other_outcome")]),
    ("Median PFS", "19 m (TTF) vs 12 m* (TTF)", [("19", "other_outcome"), ("12", "other_outcome")]),
    # a landmark rate written in a median column, its landmark after it with no "at" (wild round 4:
    # PMC4644179 Table 1, "95% 3 y")
    ("Median OS", "91% 3 y", [("91", "no_rule"), ("3", "unknown_unit")]),
    # invented: a hazard ratio after the medians is another outcome, its interval a CI
    ("Median OS (months)", "9.1 vs. 6.0 (HR 0.66, 95% CI 0.51-0.86)",
     [("0.66", "other_outcome"), ("95", "confidence_interval"), ("0.51", "confidence_interval"),
      ("0.86", "confidence_interval")]),
    # invented: a p-value written without its leading zero
    ("Median OS (months)", "8.2 (HR 0.61, P =.0041)", [("0.61", "other_outcome"), ("0041", "p_value")]),
    # every number is a measure: nothing left
    ("ORR (%)", "22 vs. 10", []),
])
def test_numbers_no_measure_covers(header, cell, expected):
    spec = classify_header(header)
    found = numeric_cell_measures(cell, spec, None)
    assert [(n.text, n.rule) for n in unread_numbers(cell, found, spec, None)] == expected


def _unaccounted(out) -> list[tuple]:
    arms = pd.read_parquet(out / "arms.parquet")
    meas = pd.read_parquet(out / "measures.parquet")
    narr = pd.read_parquet(out / "narrative.parquet")
    spans = {}
    for t in (meas, narr):
        for r in t[["source", "row", "column", "start", "end"]].itertuples(index=False):
            spans.setdefault((r.source, r.row, r.column), []).append((r.start, r.end))
    missing = []
    for a in arms[arms["cells"].notna()].itertuples():
        for col, text in json.loads(a.cells).items():
            if col not in MEASURE_COLUMNS:        # (a second column of one name: "os_rate@12")
                continue
            have = spans.get((a.source, a.row, col), [])
            missing += [(a.source, a.row, col, text, m.group()) for m in DIGITS.finditer(text)
                        if not any(s <= m.start() and m.end() <= e for s, e in have)]
    return missing


@pytest.mark.parametrize("folder", ["real/raw", "raw"])
def test_every_number_of_a_value_cell_is_accounted_for(tmp_path, folder):
    from pipeline.run import extract
    extract([DATA / folder], tmp_path / "out", keep_going=True)
    assert _unaccounted(tmp_path / "out") == []


WILD4 = FIXTURES / "wild" / "wild4" / "PMC4644179_t1-tcrm-11-1663_md.md"


@pytest.fixture(scope="module")
def wild4(tmp_path_factory):
    _, measures, narrative = extract_frames([WILD4], tmp_path_factory.mktemp("wild4"), "narrative")
    return measures, narrative


def test_a_value_cell_none_of_whose_numbers_fits_puts_its_row_in_doubt(wild4):
    """PMC4644179 Table 1: the row 'Phase III13 | R-CHOP vs R-FC | 60–87 | 485 | 62% at 4 y vs
    47% at 4 y* | ...' lost its Consolidation cell, so the landmark rates sit under N and the
    response rates under Median PFS: every value of the row is flagged row_values_misfit. The
    first row's values fit their columns and are not."""
    m, _ = wild4
    (row,) = set(m[(m["evidence"] == "86") & (m["measure"] == "pfs_median")]["row"])    # its ORR under PFS
    shifted = m[m["row"] == row]
    assert {"86", "78", "34", "40"} <= set(shifted["evidence"])
    assert all("row_values_misfit" in f for f in shifted["flags"])
    first = m[m["row"] == 1]
    assert len(first) and not any("row_values_misfit" in f for f in first["flags"])
    # "83% at 3 y": the 3-year OS rates ("y" for years)
    assert sorted(first[first["measure"] == "os_rate"][["value", "timepoint_months"]].itertuples(index=False)) \
        == [(77.0, 36.0), (83.0, 36.0)]


def test_another_outcomes_value_in_a_median_column_is_no_median(wild4):
    """'7.4 y (EFS)' and '21 m (TTF) vs 14 m* (TTF)' under Median PFS: event-free survival and
    time to treatment failure, narrative other_outcome, not PFS."""
    m, narr = wild4
    assert not (m["evidence"].isin(["7.4", "21 m", "14 m", "21", "14"]) & (m["measure"] == "pfs_median")).any()
    assert {"7.4", "21", "14"} <= set(narr[narr["rule"] == "other_outcome"]["text"])
