"""The committed extracted/ equals a fresh `make extract` (by content): rules land with data."""
import pandas as pd
import pytest

from conftest import ROOT
from pipeline.run import extract

NAMES = ("arms", "measures", "abbreviations", "narrative")


def test_committed_dataset_is_fresh(tmp_path):
    committed = ROOT / "extracted"
    if not (committed / "arms.parquet").exists():
        pytest.fail("extracted/ is missing: run `make extract` and commit it")
    extract([ROOT / "raw"], tmp_path)
    for name in NAMES:
        old = pd.read_parquet(committed / f"{name}.parquet")
        new = pd.read_parquet(tmp_path / f"{name}.parquet")
        pd.testing.assert_frame_equal(old, new, check_dtype=False, obj=f"{name}.parquet")


def test_same_input_same_output(tmp_path):
    extract([ROOT / "raw"], tmp_path / "a")
    extract([ROOT / "raw"], tmp_path / "b")
    for name in NAMES:
        assert (tmp_path / "a" / f"{name}.parquet").read_bytes() == (tmp_path / "b" / f"{name}.parquet").read_bytes()
