"""Gold-driven end-to-end tests: every input in tests/data/raw against its annotation."""
import json
import subprocess
import sys

import pandas as pd
import pytest

from conftest import DATA, ROOT
from gold import compare

GOLDS = sorted((DATA / "gold").glob("*.json"))


@pytest.mark.parametrize("gold_file", GOLDS, ids=[g.stem for g in GOLDS])
def test_source_matches_gold(shared_dataset, gold_file):
    gold = json.loads(gold_file.read_text("utf-8"))
    arms = pd.read_parquet(shared_dataset / "arms.parquet")
    measures = pd.read_parquet(shared_dataset / "measures.parquet")
    assert compare(gold, arms, measures) == []


def test_reference_via_cli(tmp_path):
    """The command line of the contract on the reference input."""
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(ROOT / "raw" / "pmc10584733_table6.txt"),
                        "--out", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "17 arms" in r.stdout
    for name in ("arms", "measures", "abbreviations"):
        assert (out / f"{name}.parquet").exists()
    gold = json.loads((DATA / "gold" / "pmc10584733_table6.json").read_text("utf-8"))
    arms = pd.read_parquet(out / "arms.parquet")
    meas = pd.read_parquet(out / "measures.parquet")
    assert compare(gold, arms, meas) == []
    # the table's own facts
    assert set(arms["table"]) == {"Table 6"}
    assert arms["title"].iloc[0] == "Clinical trials of immune checkpoint inhibitors in NEC"
    row2 = arms[arms["row"] == 2].iloc[0]
    assert list(row2["filled"]) == ["target", "agent"] and row2["agent"] == "Avelumab (Avel)"
    abbr = pd.read_parquet(out / "abbreviations.parquet")
    got = {(r.short, r.long, r.origin) for r in abbr.itertuples()}
    assert ("UK", "unknown", "legend") in got
    assert ("Avel", "Avelumab", "inline") in got
    assert ("CBDCA", "carboplatin", "lexicon") in got


def test_evidence_points_into_cell(shared_dataset):
    arms = pd.read_parquet(shared_dataset / "arms.parquet")
    meas = pd.read_parquet(shared_dataset / "measures.parquet")
    text = {(r.source, r.row): r.outcomes_text for r in arms.itertuples()}
    ft = meas[meas["column"] == "outcomes_text"]
    assert len(ft) > 100
    for m in ft.itertuples():
        assert text[(m.source, m.row)][m.start:m.end] == m.evidence
    # evidence keeps the original characters: the NBSP before the unit is still there
    wk = ft[(ft["source"] == "pmc10584733_table6") & (ft["row"] == 3) & (ft["measure"] == "pfs_median")].iloc[0]
    assert wk["evidence"] == "8.9\u00a0weeks" and wk["unit_as_reported"] == "weeks"
    assert wk["value"] == pytest.approx(8.9 * 7 / 30.4375, abs=1e-4)


def test_contract_columns(shared_dataset):
    arms = pd.read_parquet(shared_dataset / "arms.parquet")
    meas = pd.read_parquet(shared_dataset / "measures.parquet")
    abbr = pd.read_parquet(shared_dataset / "abbreviations.parquet")
    for col in ["source", "table", "title", "row", "section", "trial_id", "study", "target", "agent", "line",
                "phase", "design", "treatment", "drugs", "primary_sites", "outcomes_text", "ref", "filled",
                "n_total", "orr_pct", "dcr_pct", "pfs_median_months", "os_median_months", "primary_endpoint",
                "primary_endpoint_met"]:
        assert col in arms.columns
    for col in ["source", "row", "measure", "population", "value", "unit", "not_reached", "value_as_reported",
                "unit_as_reported", "timepoint_months", "column", "start", "end", "evidence"]:
        assert col in meas.columns
    assert list(abbr.columns) == ["source", "short", "long", "origin"]
    assert set(meas["unit"]) <= {"patients", "%", "months"}
    assert set(abbr["origin"]) <= {"legend", "inline", "lexicon"}
