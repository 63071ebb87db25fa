"""Header text -> canonical column (lexicon + landmark patterns), and pasted header lines."""
import pytest

from pipeline.table.header import classify_header, split_header_line

CASES = [
    ("Trials", "trial", None, None), ("Trial ID", "trial_id", None, None), ("NCT number", "trial_id", None, None),
    ("Study", "study", None, None), ("Author", "study", None, None), ("Clinical trial", "trial", None, None),
    ("No. of pts", "n_total", None, None), ("N", "n_total", None, None), ("Patients", "n_total", None, None),
    ("Regimen", "treatment", None, None), ("Treatment arms", "treatment", None, None),
    ("Agent", "agent", None, None), ("Inhibitor", "agent", None, None), ("Line", "line", None, None),
    ("Phase", "phase", None, None),
    ("Primary site(s)", "primary_sites", None, None), ("Primary sites", "primary_sites", None, None),
    ("ORR (%)", "orr_pct", "%", None), ("RR (%)", "orr_pct", "%", None), ("RR", "other", None, None), ("Response rate", "orr_pct", None, None),
    ("DCR (%)", "dcr_pct", "%", None), ("mPFS (months)", "pfs_median", "months", None),
    ("Median PFS (month)", "pfs_median", "months", None), ("PFS (median)", "pfs_median", None, None),
    ("mOS (mo)", "os_median", "months", None), ("Median OS (weeks)", "os_median", "weeks", None),
    ("6-mo PFS (%)", "pfs_rate", "%", 6.0), ("PFS-3m (%)", "pfs_rate", "%", 3.0),
    ("1-year OS (%)", "os_rate", "%", 12.0), ("OS rate at 24 months", "os_rate", "%", 24.0),
    ("12-week PFS rate", "pfs_rate", "%", 2.7598),
    ("DOR (months)", "other", "months", None), ("Median TTP", "other", None, None), ("HR", "other", None, None),
    ("95% CI", "other", None, None), ("Key outcomes", "outcomes_text", None, None), ("Ref.", "ref", None, None),
    ("Grade 3 AEs", "extra", None, None), ("Efficacy ORR (%)", "orr_pct", "%", None),
    ("Best ORR", "orr_pct", None, None), ("Survival mOS (months)", "os_median", "months", None),
    ("Study design", "phase", None, None), ("Design", "phase", None, None),   # "Phase III", "Retrospective"
]


@pytest.mark.parametrize("header,canonical,unit,tp", CASES, ids=[c[0] for c in CASES])
def test_classify(header, canonical, unit, tp):
    spec = classify_header(header)
    assert spec.canonical == canonical
    assert spec.unit == unit
    assert spec.timepoint_months == tp


LINES = [
    ("Trials Target Agent Line Phase Treatment Primary sites Key outcomes Ref",
     ["Trials", "Target", "Agent", "Line", "Phase", "Treatment", "Primary sites", "Key outcomes", "Ref"]),
    ("Study Primary sites No. of pts Regimen ORR (%) mPFS (months) mOS (months) Ref",
     ["Study", "Primary sites", "No. of pts", "Regimen", "ORR (%)", "mPFS (months)", "mOS (months)", "Ref"]),
    ("Study Phase Regimen N ORR (%) Median TTP Median PFS Median OS Ref",
     ["Study", "Phase", "Regimen", "N", "ORR (%)", "Median TTP", "Median PFS", "Median OS", "Ref"]),
    ("Author Year Regimen Patients 6-mo PFS (%) 1-year OS (%) Median DOR (months)",
     ["Author", "Year", "Regimen", "Patients", "6-mo PFS (%)", "1-year OS (%)", "Median DOR (months)"]),
]


@pytest.mark.parametrize("line,cells", LINES, ids=[l[0][:30] for l in LINES])
def test_split_header_line(line, cells):
    assert split_header_line(line) == cells
