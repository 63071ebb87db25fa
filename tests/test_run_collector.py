"""The collector setting of a run (pipeline/run.py, GC_YOUNG_THRESHOLD): young collections are
rarer while `extract` runs, and the caller's threshold is back afterwards, also when the run
fails. Its effect on speed is measured in `make bench`, not here."""
from __future__ import annotations

import gc

import pytest

import pipeline.run as run
from pipeline.errors import InputError

@pytest.fixture
def caller_threshold():
    before = gc.get_threshold()
    gc.set_threshold(500, 7, 9)
    yield (500, 7, 9)
    gc.set_threshold(*before)

@pytest.mark.parametrize("fails", [False, True])
def test_threshold_during_and_after_a_run(monkeypatch, tmp_path, caller_threshold, fails):
    seen = []

    def stub(*args, **kwargs):
        seen.append(gc.get_threshold())
        if fails:
            raise InputError("stub failure", file="x.txt")
        return "report"

    monkeypatch.setattr(run, "_extract", stub)
    if fails:
        with pytest.raises(InputError):
            run.extract([tmp_path], tmp_path / "out")
    else:
        assert run.extract([tmp_path], tmp_path / "out") == "report"
    assert seen == [(run.GC_YOUNG_THRESHOLD, 7, 9)]
    assert gc.get_threshold() == caller_threshold
