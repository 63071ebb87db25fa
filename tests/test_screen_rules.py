"""The run's record screen (schemas.models.measure_problem / arm_problems, used by
pipeline/validate.screen_values) and the pandera models are one set of rules: a record passes
the screen exactly when a frame of it passes the model. Invented records."""
from __future__ import annotations

import pandas as pd
import pytest

from pipeline import vocab
from pipeline.errors import crashed_row_line
from pipeline.model import Cell, GridRow
from schemas.models import (ARM_COLUMNS, MEASURE_COLUMNS, MEASURE_UNIT, Arms, Measures,
                            arm_problems, cast_frame, measure_problem)


def _measure(**kw) -> dict:
    m = dict(source="s", table="Table 1", row=1, measure="orr", population="all", value=31.0, unit="%",
             not_reached=False, value_as_reported="31", unit_as_reported="%", timepoint_months=None,
             column="orr_pct", start=0, end=2, evidence="31", flags=[], corrected=False)
    return m | kw


MEASURE_CASES = [
    ("a rate", {}, True),
    ("a rate of 100%", dict(value=100.0), True),
    ("a rate above 100%", dict(value=100.5), False),
    ("a negative rate", dict(value=-2.0), False),
    ("the median limit itself", dict(measure="os_median", unit="months", value=float(vocab.MAX_MEDIAN_MONTHS)), True),
    ("a year as a median", dict(measure="os_median", unit="months", value=2016.0), False),
    ("a count", dict(measure="n", unit="patients", value=48.0), True),
    ("a count of zero", dict(measure="n", unit="patients", value=0.0), False),
    ("a fractional count", dict(measure="n", unit="patients", value=4.5), False),
    ("a median in %", dict(measure="pfs_median", unit="%", value=12.0), False),
    ("no value, not reached", dict(measure="os_median", unit="months", value=None, not_reached=True), True),
    ("no value at all", dict(value=None), False),
    ("a negative landmark", dict(measure="os_rate", timepoint_months=-12.0), False),
    ("an empty span", dict(start=2, end=2), False),
]


@pytest.mark.parametrize("what,change,fits", MEASURE_CASES, ids=[c[0] for c in MEASURE_CASES])
def test_measure_screen_agrees_with_the_model(what, change, fits):
    m = _measure(**change)
    frame = cast_frame("measures", pd.DataFrame([m], columns=MEASURE_COLUMNS))
    try:
        Measures.validate(frame, lazy=True)
        model_fits = True
    except Exception:
        model_fits = False
    assert (measure_problem(m) is None, model_fits) == (fits, fits)


def _arm(**kw) -> dict:
    a = {c: None for c in ARM_COLUMNS} | dict(source="s", table="Table 1", row=1, drugs=[], primary_sites=[],
                                              filled=[], flags=[], corrected=False)
    return a | kw


ARM_CASES = [
    ("plain values", dict(n_total=40, orr_pct=25.0, pfs_median_months=6.1, line=2, phase="II"), {}),
    ("ORR 140", dict(orr_pct=140.0), {"orr_pct": "orr_pct 140 outside 0..100"}),
    ("no patients", dict(n_total=0), {"n_total": "n_total 0 outside 1 (no upper bound)"}),
    ("a 300-month median", dict(os_median_months=300.0), {"os_median_months": "os_median_months 300 outside 0..240"}),
    ("line 11", dict(line=11), {"line": "line 11 outside 1..10"}),
    ("phase V", dict(phase="V"), {"phase": "phase 'V' is not a trial phase (0, I, II, III, IV, I/II, II/III, "
                                           "I/III, 0/I, III/IV)"}),
]


@pytest.mark.parametrize("what,change,problems", ARM_CASES, ids=[c[0] for c in ARM_CASES])
def test_arm_screen_agrees_with_the_model(what, change, problems):
    a = _arm(**change)
    assert arm_problems(a) == problems
    frame = cast_frame("arms", pd.DataFrame([a], columns=ARM_COLUMNS))
    if problems:
        with pytest.raises(Exception):
            Arms.validate(frame, lazy=True)
    else:
        Arms.validate(frame, lazy=True)


def test_each_measure_is_named_once_with_its_unit():
    from pipeline.corrections import MEASURE_UNITS
    from schemas.models import MEASURES, UNITS
    assert list(vocab.MEASURES) == list(vocab.MEASURE_UNIT) == MEASURES
    assert MEASURE_UNIT is vocab.MEASURE_UNIT is MEASURE_UNITS
    assert UNITS == ["patients", "%", "months"]


def test_the_two_median_limits_are_named_once_in_vocab():
    from pipeline.outcomes import review
    from schemas import models
    assert vocab.DOUBTFUL_MEDIAN_MONTHS < vocab.MAX_MEDIAN_MONTHS
    assert models.MAX_MEDIAN_MONTHS is vocab.MAX_MEDIAN_MONTHS
    assert not hasattr(review, "MAX_PLAUSIBLE_MEDIAN_MONTHS")


# ------------------------------------------------------------------ the row a crash names
def _walk(rows, bad_text):
    for r in rows:
        _cell(r, bad_text)


def _cell(row, bad_text):
    if row.cells[0].text == bad_text:
        raise ZeroDivisionError("invented bug")


def test_a_crash_names_the_row_it_was_working_on():
    rows = tuple(GridRow(cells=(Cell(t, n),), line=n) for n, t in ((4, "12"), (5, "x"), (7, "30")))
    with pytest.raises(ZeroDivisionError) as e:
        _walk(rows, "x")
    assert crashed_row_line(e.value, rows, default=3) == 5
    with pytest.raises(ZeroDivisionError) as e:
        _cell(GridRow(cells=(Cell("x", 9),), line=9), "x")     # a row of another grid
    assert crashed_row_line(e.value, rows, default=3) == 3


def test_a_crash_in_the_table_stage_names_its_row_line(tmp_path, monkeypatch):
    """A bug met on one row is one line naming that row's source line (found from where it
    was raised: the stage is not run again row by row)."""
    from pipeline import run
    from pipeline.errors import InputError
    from pipeline.table import arms

    real = arms.numeric_cell_measures

    def buggy(text, *a, **kw):
        if text.strip() == "27.5":
            raise KeyError("invented")
        return real(text, *a, **kw)
    monkeypatch.setattr(arms, "numeric_cell_measures", buggy)
    f = tmp_path / "t.md"
    f.write_text("| Study | N | ORR (%) |\n|---|---|---|\n| KAPPA-1 | 30 | 12.0 |\n| KAPPA-2 | 41 | 27.5 |\n",
                 encoding="utf-8")
    with pytest.raises(InputError) as e:
        run.extract_file(f)
    assert str(e.value) == (f"{f}:4: internal error in the table stage (KeyError: 'invented'); "
                            f"please report this row")
