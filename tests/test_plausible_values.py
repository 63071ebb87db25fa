"""Values no trial reports are dropped from their row and reported (rejects, level "value"),
never written as measures: here a year read into a median column."""
import pandas as pd

from pipeline.cli import main
from schemas.models import MAX_MEDIAN_MONTHS, measure_problem


def _m(value, measure="os_median", unit="months"):
    return dict(measure=measure, unit=unit, value=value, value_as_reported=str(value), not_reached=False,
                start=0, end=4, population="all")


def test_a_median_beyond_twenty_years_is_no_median():
    assert measure_problem(_m(MAX_MEDIAN_MONTHS)) is None
    assert "implausible median" in measure_problem(_m(2016.0))
    assert measure_problem(_m(None) | {"not_reached": True}) is None


def test_year_in_a_median_column_goes_to_rejects(tmp_path):
    """PMC5842271 Tab2 (plain copy): dropped '–' cells shift the 'Year of publication' value
    under the OS column."""
    src = tmp_path / "t.txt"
    src.write_text("Study Phase N ORR (%) mPFS (months) mOS (months)\n"
                   "ALPHA-1 II 40 12.5 3.1 2016\n"
                   "BETA-2 II 35 8.6 2.2 7.9\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(src), "--out", str(out), "-q"]) == 0
    m = pd.read_parquet(out / "measures.parquet")
    assert not (m["value"] == 2016).any()
    assert sorted(m.loc[m["measure"] == "os_median", "value"]) == [7.9]
    rej = pd.read_parquet(out / "rejects.parquet")
    assert list(rej["level"]) == ["value"] and "implausible median" in rej["reason"].iloc[0]
    assert list(rej["text"]) == ["2016"]
