"""The records stages hand each other after the Grid (pipeline/model.py) are the contract's
rows: each keyed by exactly the columns its output file has, so no stage renames a key."""
import dataclasses
import typing

from pipeline.model import Abbreviation, Arm, Cell, CellMeasure, CellNarrative, Grid, GridRow, Measure, Narrative
from pipeline.table.arms import grid_to_arms
from schemas.models import ABBREVIATION_COLUMNS, ARM_COLUMNS, MEASURE_COLUMNS, NARRATIVE_COLUMNS


def test_record_keys_are_the_schema_columns():
    assert list(Arm.__annotations__) == ARM_COLUMNS
    assert list(Measure.__annotations__) == MEASURE_COLUMNS
    assert list(Narrative.__annotations__) == NARRATIVE_COLUMNS
    assert list(Abbreviation.__annotations__) == ABBREVIATION_COLUMNS
    # a cell's measure (narrative number) is a measure (narrative row) less where it was read
    assert [f.name for f in dataclasses.fields(CellMeasure)] == [
        c for c in MEASURE_COLUMNS if c not in ("source", "table", "row", "column", "evidence", "corrected")]
    assert [f.name for f in dataclasses.fields(CellNarrative)] == [
        c for c in NARRATIVE_COLUMNS if c not in ("source", "table", "row", "column")]
    assert typing.is_typeddict(Arm) and typing.is_typeddict(Measure)


def _grid(header, rows, legend=None):
    return Grid(source="t", label="Table 2", title=None, header=tuple(header), legend=legend,
                rows=tuple(GridRow(tuple(Cell(c) for c in r), line=k + 2) for k, r in enumerate(rows)))


def test_table_stage_returns_records_with_the_contract_keys():
    # the shapes of one review table: a count with a subgroup, a median with "NR" the legend
    # defines as not reported, free text with a number left as narrative
    g = _grid(("Trial", "Regimen (Rg)", "N (SS)", "mPFS (months)", "Outcomes"),
              [("DELTA-4", "Rg + drugumab", "120 (31)", "NR", "ORR 18% at week 12")],
              legend="NR, not reported; Rg, regimenib.")
    res = grid_to_arms(g)
    assert [set(a) for a in res.arms] == [set(ARM_COLUMNS)]
    assert [(m["measure"], m["population"], m["value"], m["column"], m["evidence"]) for m in res.measures] == [
        ("n", "all", 120.0, "n_total", "120"), ("n", "SS", 31.0, "n_total", "31"),
        ("orr", "all", 18.0, "outcomes_text", "18%")]
    assert all(set(m) == set(MEASURE_COLUMNS) for m in res.measures)
    assert [(n["column"], n["text"], n["rule"]) for n in res.narrative] == [
        ("pfs_median", "NR", "nr_not_reported"), ("outcomes_text", "12", "assessment_time")]
    assert all(set(n) == set(NARRATIVE_COLUMNS) for n in res.narrative)
    assert {(a["short"], a["origin"]) for a in res.abbreviations} >= {("NR", "legend"), ("Rg", "legend")}
    assert all(set(a) == set(ABBREVIATION_COLUMNS) for a in res.abbreviations)
    assert res.arms[0]["n_total"] == 120.0
