"""Strict pandera models: the contract between the pipeline and its users.

Validation is lazy (every failure reported at once) and runs before anything is written.
"""
from __future__ import annotations

import functools
import sys
import types

import pandas as pd

# pandera's model machinery imports dask.dataframe whenever Dask is installed (the '.[dask]'
# extra): about a second at every start, only to register Dask frame types these pandas models
# never use. Register none (unless the process already uses pandera with Dask).
if "pandera.typing.dask" not in sys.modules:
    _no_dask = types.ModuleType("pandera.typing.dask")
    _no_dask.DASK_INSTALLED = False
    sys.modules["pandera.typing.dask"] = _no_dask

import pandera.pandas as pa  # noqa: E402
from pandera.typing import Series  # noqa: E402

from pipeline.vocab import FLAGS, MAX_MEDIAN_MONTHS, MEASURE_UNIT, NARRATIVE_RULES

PHASES = ["0", "I", "II", "III", "IV", "I/II", "II/III", "I/III", "0/I", "III/IV"]
MEASURES = list(MEASURE_UNIT)
UNITS = list(dict.fromkeys(MEASURE_UNIT.values()))
ORIGINS = ["legend", "inline", "lexicon"]

ARM_COLUMNS = ["source", "table", "title", "row", "section", "trial_id", "study", "target", "agent",
               "line", "phase", "design", "treatment", "drugs", "primary_sites", "outcomes_text", "ref",
               "filled", "n_total", "orr_pct", "dcr_pct", "pfs_median_months", "os_median_months",
               "primary_endpoint", "primary_endpoint_met", "page", "line_no", "line_end", "cells", "extra",
               "flags", "corrected"]
MEASURE_COLUMNS = ["source", "table", "row", "measure", "population", "value", "unit", "not_reached",
                   "value_as_reported", "unit_as_reported", "timepoint_months", "column", "start", "end",
                   "evidence", "flags", "corrected"]
ABBREVIATION_COLUMNS = ["source", "short", "long", "origin"]
NARRATIVE_COLUMNS = ["source", "table", "row", "column", "start", "end", "text", "rule"]
REJECT_COLUMNS = ["source", "line", "text", "reason", "level"]
DOCUMENT_COLUMNS = ["source", "path", "format", "sha256", "tables", "pmcid", "pmid", "doi", "title",
                    "journal", "year", "article_type", "license"]
FORMATS = ["text", "markdown", "html", "pdf", "jats"]


def arrow_schemas() -> dict:
    """The Parquet (Arrow) schema of each output file, fixed so that files written batch by
    batch have one schema whatever a batch holds (a batch with no trial ids is still string).
    Types follow the models (column_dtypes): integers, floats, booleans, lists of strings
    (the models' object columns) and text."""
    import pyarrow as pa

    def typ(dtype: str):
        if dtype in ("int64", "Int64"):
            return pa.int64()
        if dtype == "float64":
            return pa.float64()
        if dtype in ("bool", "boolean"):
            return pa.bool_()
        if dtype == "object":
            return pa.list_(pa.string())
        return pa.large_string()

    return {name: pa.schema([(c, typ(t)) for c, t in column_dtypes(name).items()]) for name in COLUMNS}


# level of a reject: a source line left out of every table; a whole file skipped (--keep-going);
# a value (measure or arm field) dropped from a row that is kept; a table that holds no trial
# results (baseline characteristics, adverse events, a list without outcomes or trial ids)
REJECT_LEVELS = ["line", "file", "value", "table"]


def _is_str_list(s: pd.Series) -> pd.Series:
    return s.map(lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v))


def _flag_codes(s: pd.Series) -> pd.Series:
    """Every review flag is one of vocab.FLAGS (the list check itself is list_of_strings)."""
    known = frozenset(FLAGS)
    return s.map(lambda v: not isinstance(v, list) or known.issuperset(v))


class Arms(pa.DataFrameModel):
    source: Series[str] = pa.Field(str_length={"min_value": 1})
    table: Series[str] = pa.Field(nullable=True)
    title: Series[str] = pa.Field(nullable=True)
    row: Series[int] = pa.Field(ge=1)
    section: Series[str] = pa.Field(nullable=True)
    trial_id: Series[str] = pa.Field(nullable=True, str_matches=r"^NCT\d{8}$")
    study: Series[str] = pa.Field(nullable=True)
    target: Series[str] = pa.Field(nullable=True)
    agent: Series[str] = pa.Field(nullable=True)
    line: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1, le=10)
    phase: Series[str] = pa.Field(nullable=True, isin=PHASES)
    design: Series[str] = pa.Field(nullable=True)
    treatment: Series[str] = pa.Field(nullable=True)
    drugs: Series[object]
    primary_sites: Series[object]
    outcomes_text: Series[str] = pa.Field(nullable=True)
    ref: Series[str] = pa.Field(nullable=True)
    filled: Series[object]
    n_total: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1)
    orr_pct: Series[float] = pa.Field(nullable=True, ge=0, le=100)
    dcr_pct: Series[float] = pa.Field(nullable=True, ge=0, le=100)
    pfs_median_months: Series[float] = pa.Field(nullable=True, ge=0, le=MAX_MEDIAN_MONTHS)
    os_median_months: Series[float] = pa.Field(nullable=True, ge=0, le=MAX_MEDIAN_MONTHS)
    primary_endpoint: Series[str] = pa.Field(nullable=True)
    primary_endpoint_met: Series[pd.BooleanDtype] = pa.Field(nullable=True)
    page: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1)
    line_no: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1)
    line_end: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1)   # last source line of the row
    cells: Series[str] = pa.Field(nullable=True)    # JSON: numeric cells as written, by column
    extra: Series[str] = pa.Field(nullable=True)
    flags: Series[object]
    corrected: Series[bool]

    class Config:
        strict = True
        coerce = True

    @pa.check("drugs", "primary_sites", "filled", "flags", name="list_of_strings")
    def lists(cls, s: pd.Series) -> pd.Series:
        return _is_str_list(s)

    @pa.check("flags", name="known_review_flags")
    def known_flags(cls, s: pd.Series) -> pd.Series:
        return _flag_codes(s)

    @pa.dataframe_check(name="unique_row_per_table")
    def unique_rows(cls, df: pd.DataFrame) -> pd.Series:
        return ~df.duplicated(subset=["source", "table", "row"], keep=False)


class Measures(pa.DataFrameModel):
    source: Series[str] = pa.Field(str_length={"min_value": 1})
    table: Series[str] = pa.Field(nullable=True)
    row: Series[int] = pa.Field(ge=1)
    measure: Series[str] = pa.Field(isin=MEASURES)
    population: Series[str] = pa.Field(str_length={"min_value": 1})
    value: Series[float] = pa.Field(nullable=True, ge=0)
    unit: Series[str] = pa.Field(isin=UNITS)
    not_reached: Series[bool]
    value_as_reported: Series[str]
    unit_as_reported: Series[str] = pa.Field(nullable=True)
    timepoint_months: Series[float] = pa.Field(nullable=True, ge=0)
    column: Series[str]
    start: Series[int] = pa.Field(ge=0)
    end: Series[int] = pa.Field(ge=0)
    evidence: Series[str]
    flags: Series[object]
    corrected: Series[bool]

    class Config:
        strict = True
        coerce = True

    @pa.check("flags", name="list_of_strings")
    def lists(cls, s: pd.Series) -> pd.Series:
        return _is_str_list(s)

    @pa.check("flags", name="known_review_flags")
    def known_flags(cls, s: pd.Series) -> pd.Series:
        return _flag_codes(s)

    @pa.dataframe_check(name="percent_in_0_100")
    def percent_range(cls, df: pd.DataFrame) -> pd.Series:
        return (df["unit"] != "%") | df["value"].isna() | ((df["value"] >= 0) & (df["value"] <= 100))

    @pa.dataframe_check(name="median_plausible")
    def median_range(cls, df: pd.DataFrame) -> pd.Series:
        return (df["unit"] != "months") | df["value"].isna() | (df["value"] <= MAX_MEDIAN_MONTHS)

    @pa.dataframe_check(name="count_positive_integer")
    def counts(cls, df: pd.DataFrame) -> pd.Series:
        v = df["value"]
        return (df["measure"] != "n") | (v.notna() & (v >= 1) & (v == v.round()))

    @pa.dataframe_check(name="value_or_not_reached")
    def value_present(cls, df: pd.DataFrame) -> pd.Series:
        return df["value"].notna() | df["not_reached"]

    @pa.dataframe_check(name="unit_matches_measure")
    def unit_fits(cls, df: pd.DataFrame) -> pd.Series:
        return df["unit"] == df["measure"].map(MEASURE_UNIT)

    @pa.dataframe_check(name="span_ordered")
    def span(cls, df: pd.DataFrame) -> pd.Series:
        return df["end"] > df["start"]


class Abbreviations(pa.DataFrameModel):
    source: Series[str] = pa.Field(str_length={"min_value": 1})
    short: Series[str] = pa.Field(str_length={"min_value": 1})
    long: Series[str] = pa.Field(str_length={"min_value": 1})
    origin: Series[str] = pa.Field(isin=ORIGINS)

    class Config:
        strict = True
        coerce = True


class Narrative(pa.DataFrameModel):
    source: Series[str]
    table: Series[str] = pa.Field(nullable=True)
    row: Series[int] = pa.Field(ge=1)
    column: Series[str]
    start: Series[int] = pa.Field(ge=0)
    end: Series[int] = pa.Field(ge=0)
    text: Series[str]
    rule: Series[str] = pa.Field(isin=list(NARRATIVE_RULES))

    class Config:
        strict = True
        coerce = True


class Rejects(pa.DataFrameModel):
    """rejects.parquet: every line, file or value left out of the dataset, and why."""
    source: Series[str] = pa.Field(str_length={"min_value": 1})
    line: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1)
    text: Series[str] = pa.Field(nullable=True)
    reason: Series[str] = pa.Field(str_length={"min_value": 1})
    level: Series[str] = pa.Field(isin=REJECT_LEVELS)

    class Config:
        strict = True
        coerce = True


class Documents(pa.DataFrameModel):
    """documents.parquet: one row per input document, with its metadata when it states it."""
    source: Series[str] = pa.Field(str_length={"min_value": 1}, unique=True)
    path: Series[str] = pa.Field(str_length={"min_value": 1})
    format: Series[str] = pa.Field(isin=FORMATS)
    sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    tables: Series[int] = pa.Field(ge=0)
    pmcid: Series[str] = pa.Field(nullable=True, str_matches=r"^PMC\d+$")
    pmid: Series[str] = pa.Field(nullable=True, str_matches=r"^\d+$")
    doi: Series[str] = pa.Field(nullable=True, str_matches=r"^10\.\S+/\S+$")
    title: Series[str] = pa.Field(nullable=True)
    journal: Series[str] = pa.Field(nullable=True)
    year: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1600, le=2200)
    article_type: Series[str] = pa.Field(nullable=True)
    license: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True


MODELS = {"arms": Arms, "measures": Measures, "abbreviations": Abbreviations, "narrative": Narrative,
          "rejects": Rejects, "documents": Documents}
COLUMNS = {"arms": ARM_COLUMNS, "measures": MEASURE_COLUMNS, "abbreviations": ABBREVIATION_COLUMNS,
           "narrative": NARRATIVE_COLUMNS, "rejects": REJECT_COLUMNS, "documents": DOCUMENT_COLUMNS}


@functools.cache
def column_dtypes(name: str) -> dict[str, str]:
    """Column -> its dtype in the model of output `name` ("Int64", "float64", "boolean",
    "bool", "int64", "object" for lists, "string[pyarrow]" for text): read from the model,
    so that the frames, the Parquet types and the checks below follow it."""
    cols = MODELS[name].to_schema().columns
    return {c: str(cols[c].dtype) for c in COLUMNS[name]}


def cast_frame(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """The model's numbers and booleans given their dtype before validation, text as objects:
    a batch whose column holds only None still validates and writes with the one type."""
    for col, dtype in column_dtypes(name).items():
        if dtype in ("Int64", "boolean", "float64", "bool"):
            df[col] = df[col].astype(dtype)
        elif dtype.startswith("string"):
            df[col] = df[col].astype(object)
    return df


@functools.cache
def field_bounds(name: str) -> dict[str, tuple]:
    """Column -> (lowest, highest) allowed by the `ge` / `le` of its Field in the model of
    output `name` (None: no bound); columns without either are left out."""
    out = {}
    for col, spec in MODELS[name].to_schema().columns.items():
        lo = next((c.statistics["min_value"] for c in spec.checks if c.name == "greater_than_or_equal_to"), None)
        hi = next((c.statistics["max_value"] for c in spec.checks if c.name == "less_than_or_equal_to"), None)
        if lo is not None or hi is not None:
            out[col] = (lo, hi)
    return out


# ------------------------------------------------------------------ row-level screening
# The constraints of the Measures / Arms models, one record at a time, so the run can drop one
# impossible value (and report it) instead of failing the whole dataset. The bounds and units
# are the models' own (field_bounds, MEASURE_UNIT, MAX_MEDIAN_MONTHS); tests/test_screen_rules.py
# checks that a record passes here exactly when it passes the model.


def _num(v) -> float | None:
    return None if v is None or (isinstance(v, float) and v != v) else float(v)


def measure_problem(m: dict) -> str | None:
    """Why a measure record breaks the Measures model, or None when it fits."""
    v = _num(m.get("value"))
    what = f"{m.get('measure')} {m.get('value_as_reported')!s}"
    if m.get("measure") not in MEASURES:
        return f"unknown measure {m.get('measure')!r}"
    if m.get("unit") != MEASURE_UNIT[m["measure"]]:
        return f"{what}: unit {m.get('unit')!r} does not fit the measure"
    if v is None and not m.get("not_reached"):
        return f"{what}: no value"
    if v is not None and v < 0:
        return f"{what}: negative value ({v:g})"
    if m["unit"] == "%" and v is not None and v > 100:
        return f"{what}: impossible percentage ({v:g}% > 100%)"
    if m["unit"] == "months" and v is not None and v > MAX_MEDIAN_MONTHS:
        return f"{what}: implausible median ({v:g} months > {MAX_MEDIAN_MONTHS}; a year or a misplaced value?)"
    if m["measure"] == "n" and (v is None or v < 1 or v != round(v)):
        return f"{what}: patient count must be a whole number >= 1"
    tp = _num(m.get("timepoint_months"))
    if tp is not None and tp < 0:
        return f"{what}: negative timepoint ({tp:g} months)"
    if not (isinstance(m.get("start"), int) and isinstance(m.get("end"), int) and 0 <= m["start"] < m["end"]):
        return f"{what}: empty evidence span"
    if not m.get("population"):
        return f"{what}: no population"
    return None


# the arm columns holding values read from the table's cells (the others are positions and text)
SCREENED_ARM_COLUMNS = ("n_total", "orr_pct", "dcr_pct", "pfs_median_months", "os_median_months", "line")


def arm_problems(arm: dict) -> dict[str, str]:
    """Column -> why an arm record's value breaks the Arms model (empty when it fits)."""
    out = {}
    bounds = field_bounds("arms")
    for col in SCREENED_ARM_COLUMNS:
        lo, hi = bounds[col]
        v = _num(arm.get(col))
        if v is not None and ((lo is not None and v < lo) or (hi is not None and v > hi)):
            out[col] = f"{col} {v:g} outside {lo}..{hi if hi is not None else ''}".rstrip(".") + \
                ("" if hi is not None else " (no upper bound)")
    if arm.get("phase") is not None and arm["phase"] not in PHASES:
        out["phase"] = f"phase {arm['phase']!r} is not a trial phase ({', '.join(PHASES)})"
    return out


def _column(df: pd.DataFrame, col: str) -> list:
    """A column's values as iterating it gives them (pd.NA for a missing one); a text column
    through its `tolist` (one conversion, not a Python step per value of the Arrow array)."""
    s = df[col]
    return s.tolist() if isinstance(s.dtype, pd.StringDtype) else list(s)


_NO_ARM = object()


def check_cross(arms: pd.DataFrame, measures: pd.DataFrame) -> pd.DataFrame:
    """Checks across tables: evidence equals the cell text at [start, end); a subgroup count
    is never above its cohort total. Returns a failure table (empty when all is well)."""
    fails = []
    cell_text = dict(zip(zip(*(_column(arms, c) for c in ("source", "table", "row"))), _column(arms, "outcomes_text")))
    cols = [_column(measures, c) for c in ("source", "table", "row", "column", "start", "end", "evidence")]
    for source, table, row, column, start, end, evidence in zip(*cols):
        arm_text = cell_text.get((source, table, row), _NO_ARM)
        if arm_text is _NO_ARM:
            fails.append(dict(table="measures", row=row, source=source, check="arm_exists",
                              failure_case=f"no arm row {row}"))
            continue
        if column == "outcomes_text":
            text = arm_text or ""
            if text[start:end] != evidence:
                fails.append(dict(table="measures", row=row, source=source, check="evidence_in_cell",
                                  failure_case=f"{evidence!r} != cell[{start}:{end}]"))
    if len(measures):
        n = measures[measures["measure"] == "n"]
        totals = n[n["population"] == "all"].groupby(["source", "table", "row"], dropna=False)["value"].max()
        totals = dict(zip(totals.index, totals.tolist()))     # (a dict: no MultiIndex lookup per count)
        subs = n[n["population"] != "all"]
        for m in subs[["source", "table", "row", "population", "value"]].itertuples(index=False):
            tot = totals.get((m.source, m.table, m.row))
            if tot is not None and not pd.isna(tot) and m.value > tot:
                fails.append(dict(table="measures", row=m.row, source=m.source, check="subgroup_not_above_total",
                                  failure_case=f"{m.population}={m.value} > total {tot}"))
    return pd.DataFrame(fails, columns=["table", "source", "row", "check", "failure_case"])


class SchemaFailure(Exception):
    def __init__(self, table: pd.DataFrame):
        super().__init__("schema validation failed")
        self.table = table

    def __reduce__(self):      # crosses from a worker process to the parent intact
        return (SchemaFailure, (self.table,))


def failure_lines(table: pd.DataFrame, arms: pd.DataFrame | None = None, limit: int = 20) -> list[str]:
    """A failure table as one line per problem: `source:line (row N): table.column: check: case`."""
    lines = {}
    if arms is not None and len(arms) and "line_no" in arms:
        for rec in arms[["source", "row", "line_no"]].itertuples(index=False):
            lines.setdefault((rec.source, rec.row), rec.line_no)
    out = []
    for rec in table.head(limit).to_dict("records"):
        src = rec.get("source")
        row = rec.get("row")
        where = str(src) if isinstance(src, str) else "<dataset>"
        ln = lines.get((src, row))
        if ln is not None and not pd.isna(ln):
            where += f":{int(ln)}"
        if row is not None and not pd.isna(row):
            where += f" (row {int(row)})"
        col = rec.get("column")
        col = f".{col}" if isinstance(col, str) else ""
        out.append(f"{where}: {rec.get('table')}{col} fails {rec.get('check')}: {rec.get('failure_case')!s}")
    if len(table) > limit:
        out.append(f"... and {len(table) - limit} more schema failure(s)")
    return out


def validate_all(arms: pd.DataFrame, measures: pd.DataFrame, abbreviations: pd.DataFrame,
                 narrative: pd.DataFrame, rejects: pd.DataFrame | None = None,
                 documents: pd.DataFrame | None = None) -> tuple[pd.DataFrame, ...]:
    """Validate lazily; raise SchemaFailure with one failure table listing every problem.
    Returns the validated frames: four, plus `rejects` and `documents` when given."""
    out, fails = [], []
    models = [("arms", Arms, arms), ("measures", Measures, measures),
              ("abbreviations", Abbreviations, abbreviations), ("narrative", Narrative, narrative)]
    if rejects is not None:
        models.append(("rejects", Rejects, rejects))
    if documents is not None:
        models.append(("documents", Documents, documents))
    for name, model, df in models:
        try:
            out.append(model.validate(df, lazy=True))
        except pa.errors.SchemaErrors as e:
            fc = e.failure_cases.copy()
            fc.insert(0, "table", name)
            if "index" in fc and len(df):
                fc["source"] = fc["index"].map(lambda i: df["source"].iloc[i] if isinstance(i, (int,)) and 0 <= i < len(df) else None)
                fc["row"] = fc["index"].map(lambda i: df["row"].iloc[i] if "row" in df and isinstance(i, int) and 0 <= i < len(df) else None)
            fails.append(fc)
            out.append(df)
    cross = check_cross(out[0], out[1]) if not fails else pd.DataFrame()
    if len(cross):
        fails.append(cross)
    if fails:
        raise SchemaFailure(pd.concat(fails, ignore_index=True))
    return tuple(out)
