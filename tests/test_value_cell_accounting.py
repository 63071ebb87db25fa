"""Nothing of a value cell is left out silently (CONTRACT: every number of an outcome cell is
a measure or a narrative row with its rule): the numbers of a numeric column's cell that no
measure covers are narrative rows (pipeline/table/cell_measures.py, unread_numbers)."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import DATA
from pipeline.outcomes.grammar.accounting import DIGITS
from pipeline.table.cell_measures import numeric_cell_measures, unread_numbers
from pipeline.table.header import MEASURE_COLUMNS, classify_header

FIXTURES = DATA.parent / "fixtures"


@pytest.mark.parametrize("header,cell,expected", [
    # a decimal comma: no value the cell reader knows (wild round 4: PMC7824026 Table 1, "17,6%")
    ("ORR (%)", "23,4%", [("23", "no_rule"), ("4", "no_rule")]),
    # landmark rates written in a median column with "y" for years (wild round 4: PMC4644179 Table 1)
    ("Median OS", "71% at 2 y vs 64% at 2 y", [("71", "no_rule"), ("2", "unknown_unit"), ("64", "no_rule"),
                                               ("2", "unknown_unit")]),
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
