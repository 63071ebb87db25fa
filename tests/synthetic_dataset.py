"""A small invented dataset in the shape of `extract`'s output, for the diff and audit tests.

Values and wording are made up (no real trial). Offsets are computed from the texts, so the
evidence always spells text[start:end].
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

SOURCE = "synth"
ROW1 = "Among 20 patients (Ki-67 ≥ 10%), ORR, 25%; mPFS, 8.9 weeks; mOS, 5 months"
ROW2 = "ORR 30% in CPS < 5 & 2 of 14 patients did not respond; mPFS and mOS were 2.5 and 7.8 months"
ROW3 = "DCR at 8 weeks, 40%"
T2_ROW1 = "ORR, 12%; mOS, NR"


def _span(text: str, evidence: str, after: int = 0) -> tuple[int, int, str]:
    start = text.index(evidence, after)
    return start, start + len(evidence), evidence


def _measure(row: int, table: str, measure: str, value: float | None, unit: str,
             text: str, evidence: str, column: str = "outcomes_text",
             population: str = "all", timepoint: float | None = None) -> dict:
    start, end, evidence = _span(text, evidence)
    return dict(source=SOURCE, table=table, row=row, measure=measure, population=population,
                value=value, unit=unit, not_reached=value is None,
                value_as_reported=evidence, unit_as_reported=None,
                timepoint_months=timepoint, column=column, start=start, end=end,
                evidence=evidence)


def _narrative(row: int, table: str, text: str, number: str, rule: str) -> dict:
    start, end, number = _span(text, number)
    return dict(source=SOURCE, table=table, row=row, column="outcomes_text", start=start,
                end=end, text=number, rule=rule)


def arms() -> pd.DataFrame:
    base = dict(source=SOURCE, title="Invented trials of drug X", section=None, study=None,
                design=None, primary_sites=["Any"], primary_endpoint=None,
                primary_endpoint_met=None, dcr_pct=None)
    rows = [
        dict(base, table="Table 1", row=1, trial_id="NCT09000001", target="PD-1",
             agent="Drugumab (Drug)", line=1, phase="II", treatment="Mono", drugs=["drugumab"],
             outcomes_text=ROW1, ref="12", filled=[], n_total=20, n_text="N = 20",
             orr_pct=25.0, pfs_median_months=2.0468, os_median_months=5.0),
        dict(base, table="Table 1", row=2, trial_id="NCT09000002", target="PD-1",
             agent="Drugumab (Drug)", line=2, phase="II", treatment="Drug + chemo",
             drugs=["carboplatin", "drugumab"], outcomes_text=ROW2, ref="13",
             filled=["target", "agent"], n_total=None, n_text=None, orr_pct=30.0,
             pfs_median_months=2.5, os_median_months=7.8, cells='{"orr_pct": "30%"}'),
        dict(base, table="Table 1", row=3, trial_id=None, target="PD-L1", agent="Otherumab",
             line=2, phase="I", treatment="Mono", drugs=["otherumab"], outcomes_text=ROW3,
             ref="14", filled=["trial_id"], n_total=None, n_text=None, orr_pct=None,
             pfs_median_months=None, os_median_months=None, dcr_pct=40.0),
        dict(base, table="Table 2", row=1, trial_id="NCT09000003", target="CTLA-4",
             agent="Thirdumab", line=1, phase="III", treatment="Mono", drugs=["thirdumab"],
             outcomes_text=T2_ROW1, ref="15", filled=[], n_total=None, n_text=None,
             orr_pct=12.0, pfs_median_months=None, os_median_months=None),
    ]
    return pd.DataFrame(rows)


def measures() -> pd.DataFrame:
    t1, t2 = "Table 1", "Table 2"
    rows = [
        _measure(1, t1, "n", 20, "patients", "N = 20", "20", column="n_text"),
        _measure(1, t1, "n", 20, "patients", ROW1, "20 patients"),
        _measure(1, t1, "orr", 25.0, "%", ROW1, "ORR, 25%"),
        _measure(1, t1, "pfs_median", 2.0468, "months", ROW1, "mPFS, 8.9 weeks"),
        _measure(1, t1, "os_median", 5.0, "months", ROW1, "mOS, 5 months"),
        _measure(2, t1, "orr", 30.0, "%", ROW2, "ORR 30%"),
        _measure(2, t1, "n", 14, "patients", ROW2, "14 patients"),
        # two measures whose evidence overlaps (a "respectively"-style pairing)
        _measure(2, t1, "pfs_median", 2.5, "months", ROW2, "mPFS and mOS were 2.5"),
        _measure(2, t1, "os_median", 7.8, "months", ROW2, "mOS were 2.5 and 7.8 months"),
        # a value read from a numeric column: its cell text is in arms.cells
        _measure(2, t1, "orr", 30.0, "%", "30%", "30", column="orr_pct"),
        _measure(3, t1, "dcr", 40.0, "%", ROW3, "DCR at 8 weeks, 40%", timepoint=1.8398),
        _measure(1, t2, "orr", 12.0, "%", T2_ROW1, "ORR, 12%"),
        _measure(1, t2, "os_median", None, "months", T2_ROW1, "mOS, NR"),
    ]
    return pd.DataFrame(rows)


def narrative() -> pd.DataFrame:
    return pd.DataFrame([
        _narrative(1, "Table 1", ROW1, "10%", "threshold"),
        # overlaps the measure "14 patients": the measure wins, the narrative keeps "2 of "
        _narrative(2, "Table 1", ROW2, "2 of 14", "non_responder_count"),
        _narrative(3, "Table 1", ROW3, "8 weeks", "follow_up"),
    ])


def abbreviations() -> pd.DataFrame:
    return pd.DataFrame([dict(source=SOURCE, short="Drug", long="Drugumab", origin="inline"),
                         dict(source=SOURCE, short="CPS", long="combined positive score",
                              origin="legend")])


def dataset() -> dict[str, pd.DataFrame]:
    return {"arms": arms(), "measures": measures(), "abbreviations": abbreviations(),
            "narrative": narrative()}


def write(folder: Path, frames: dict[str, pd.DataFrame]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    return folder
