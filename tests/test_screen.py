"""Which tables hold trial results (table/screen.py), arms-as-columns tables, and the run's
streaming of batches (invented tables)."""
from __future__ import annotations

import pandas as pd
import pytest

from pipeline.readers.html import html_to_grids
from pipeline.pool import windowed as _windowed
from pipeline.run import extract
from pipeline.table.arms import grid_to_arms
from pipeline.table.screen import row_measure, transpose_arms_in_columns, why_not_trial_table


def grid(header: list[str], rows: list[list[str]], caption: str = "Table 1. Invented"):
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    (g,) = html_to_grids("t", f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    return g


def screen(g):
    g = transpose_arms_in_columns(g)
    return why_not_trial_table(g, grid_to_arms(g))


def test_ongoing_trials_without_results_are_trials():
    g = grid(["Agent", "NCT number", "Phase", "Status"],
             [["Drug A", "NCT09200001", "Phase 2", "Recruiting"], ["Drug B", "NCT09200002", "Phase 1", "Completed"]])
    assert screen(g) is None
    assert [(a["trial_id"], a["phase"]) for a in grid_to_arms(g).arms] == [("NCT09200001", "II"), ("NCT09200002", "I")]


@pytest.mark.parametrize("header, rows, caption, kind", [
    (["Agent", "Target", "Mechanism", "Year approved"], [["Drug A", "PD-1", "Blocks PD-1", "2015"]],
     "Table 2. Approved agents", "a list"),
    (["Characteristic", "Arm A (N = 40)", "Arm B (N = 41)"], [["Age, years", "61", "60"], ["Female, n (%)", "20 (50)", "19 (46)"]],
     "Table 1. Baseline characteristics", "baseline characteristics"),
    (["Event", "Arm A (N = 40)", "Arm B (N = 41)"], [["Nausea", "10 (25)", "8 (20)"], ["Rash", "4 (10)", "6 (15)"]],
     "Table 4. Adverse events", "adverse events"),
    # a free-text "outcomes" column of a list of molecules is no trial result
    (["Protein", "Sites", "Modification outcomes"], [["P1", "K63", "Promotes degradation"]],
     "Table 3. Modifications", "a list"),
])
def test_tables_without_trial_results(header, rows, caption, kind):
    why = screen(grid(header, rows, caption))
    assert why == f"no trial results ({kind}): no trial id, phase, outcome value or outcome column"


def test_outcomes_in_words_beside_regimens_are_trial_results():
    g = grid(["Reference", "Treatment", "Overall survival"],
             [["Study A (1)", "20 Gy vs 16 Gy", "No difference"], ["Study B (2)", "30 Gy vs 10 Gy", "Longer with 30 Gy"]])
    assert screen(g) is None


def test_arms_as_columns_without_sizes_need_two_measure_rows():
    one = grid(["", "Group A", "Group B", "P value"], [["Median age", "61", "60", "0.4"], ["1-year OS rate", "80%", "70%", "0.1"]])
    assert transpose_arms_in_columns(one) is one
    two = grid(["", "Group A", "Group B", "P value"],
               [["1-year OS rate", "80.5%", "70.1%", ""], ["3-year OS rate", "50.2%", "40.3%", "0.02"]])
    t = transpose_arms_in_columns(two)
    assert t.header == ("Treatment", "1-year OS rate", "3-year OS rate")
    measures = [(m["row"], m["measure"], m["timepoint_months"], m["value"]) for m in grid_to_arms(t).measures]
    assert measures == [(1, "os_rate", 12.0, 80.5), (1, "os_rate", 36.0, 50.2),
                        (2, "os_rate", 12.0, 70.1), (2, "os_rate", 36.0, 40.3)]


@pytest.mark.parametrize("label, section, header", [
    ("Median, months", "Progression-free survival", "Median Progression-free survival (months)"),
    ("Objective response rate, %", None, "Objective response rate (%)"),
    ("95% CI", "Overall survival", None),
    ("Events, n (%)", "Overall survival", None),
])
def test_row_measure(label, section, header):
    assert row_measure(label, section) == header


def test_non_trial_text_table_is_no_failed_run(tmp_path):
    src = tmp_path / "baseline.md"
    src.write_text("**Table 1.** Baseline characteristics\n\n| Characteristic | Arm A | Arm B |\n|---|---|---|\n"
                   "| Age, years | 61 | 60 |\n| Female | 20 | 19 |\n", encoding="utf-8")
    report = extract([src], tmp_path / "out")
    rej = pd.read_parquet(tmp_path / "out" / "rejects.parquet")
    assert (report.arms, report.non_trial_tables) == (0, 1)
    assert rej[["source", "level"]].values.tolist() == [["baseline", "table"]]
    assert "(1 without trial results)" in report.summary()


class _Future:
    def __init__(self, log, value):
        self.log, self.value = log, value

    def result(self):
        self.log.append(("result", self.value))
        return self.value

    def cancel(self):
        pass


def test_batches_in_flight_are_bounded():
    """Memory flat in the corpus: no more than `window` batches submitted ahead of the writer."""
    log = []

    def submit(fn, batch):
        log.append(("submit", batch))
        return _Future(log, fn(batch))

    out = list(_windowed(submit, lambda b: b * 10, iter(range(6)), window=2))
    assert out == [0, 10, 20, 30, 40, 50]
    in_flight, most = 0, 0
    for what, _ in log:
        in_flight += 1 if what == "submit" else -1
        most = max(most, in_flight)
    assert most == 2
