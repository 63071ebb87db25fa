"""Changing one rule and running the diff shows exactly the values it changes (issue 5).

On a copy of the project, the days-to-months factor is changed; the regenerated dataset is
diffed against the committed extracted/ and must differ in exactly the fields that depend on
a duration written in days."""
import shutil
import subprocess
import sys

from conftest import ROOT


def test_changed_rule_shows_field_by_field(tmp_path):
    copy = tmp_path / "repo"
    for part in ("pipeline", "schemas", "raw", "extracted"):
        shutil.copytree(ROOT / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    units = copy / "pipeline" / "normalize" / "units.py"
    src = units.read_text()
    assert '"days": 1.0 / DAYS_PER_MONTH' in src
    units.write_text(src.replace('"days": 1.0 / DAYS_PER_MONTH', '"days": 1.0 / 30.0'))
    env = {"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-m", "pipeline", "extract", "raw", "--out", "fresh", "-q"],
                         cwd=copy, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    diff = subprocess.run([sys.executable, "-m", "pipeline", "diff", "extracted", "fresh"],
                          cwd=copy, env=env, capture_output=True, text=True)
    assert diff.returncode == 1, diff.stdout + diff.stderr
    out = diff.stdout
    # "mPFS, 58 days" (row 4): the measure and the arm's whole-cohort median, nothing else
    assert "value: 1.9055 → 1.9333" in out
    assert "pfs_median_months: 1.9055 → 1.9333" in out
    assert out.count("→") == 2, out
    assert "0 added, 0 removed, 2 changed" in out


def test_unchanged_rules_diff_equal(tmp_path):
    diff = subprocess.run([sys.executable, "-m", "pipeline", "diff", str(ROOT / "extracted"), str(ROOT / "extracted")],
                          cwd=ROOT, capture_output=True, text=True)
    assert diff.returncode == 0
