"""From the records of the stages to validated frames: the last step before the store.

- `screen_values`: one file's impossible values (ORR 140%, n = 0, -3 months) dropped from
  their rows and reported as rejects, by the schema's own record checks
  (`schemas.models.measure_problem`, `arm_problems`), so one bad number never fails a batch;
- `frames`: records -> DataFrames typed as the models declare (`schemas.models.cast_frame`);
- `validated`: the batch's frames through the pandera models; with --keep-going a file whose
  rows still fail is left out like a bad file;
- `schema_error`: a failure as the one-line `FILE:LINE: reason` the CLI prints.

Pure: records in, frames out; nothing here reads or writes a file.
"""
from __future__ import annotations

import re
from pathlib import Path

from .errors import InputError, printable, reject_text

# the dataset's files, in the order of schemas.models.COLUMNS and of every tuple of frames here
OUTPUT_FILES = ("arms", "measures", "abbreviations", "narrative", "rejects", "documents")
INT64_MAX = 2 ** 63 - 1


def screen_values(res) -> None:
    """Drop values that break the schema (ORR 140%, n = 0, -3 months) from the rows of `res`
    (a run.FileResult) and report each in its rejects (level "value"): the row stays, the
    impossible number does not, and the row's summary columns are made again without it."""
    from schemas.models import arm_problems, measure_problem

    from .table import arms as arms_stage

    line_of = {(a["table"], a["row"]): a.get("line_no") for a in res.arms}
    totals: dict = {}
    for m in res.measures:
        if m["measure"] == "n" and m["population"] == "all" and m.get("value") is not None:
            key = (m["table"], m["row"])
            totals[key] = max(totals.get(key, 0), m["value"])
    keep, touched = [], set()
    for m in res.measures:
        why = measure_problem(m) or _overflow(m) or _above_total(m, totals.get((m["table"], m["row"])))
        if why is None:
            keep.append(m)
            continue
        touched.add((m["table"], m["row"]))
        res.rejects.append(dict(source=res.source, line=line_of.get((m["table"], m["row"])),
                                text=m.get("evidence"), level="value",
                                reason=f"{why}; measure dropped from row {m['row']}"))
    if touched:
        res.measures = keep
        by_row: dict = {}
        for m in keep:
            by_row.setdefault((m["table"], m["row"]), []).append(m)
        for a in res.arms:
            key = (a["table"], a["row"])
            if key in touched:
                for col in arms_stage.ARM_VALUE_COLUMN.values():
                    a[col] = None
                arms_stage.summarise(a, by_row.get(key, []))
    for a in res.arms:
        for col, why in arm_problems(a).items():
            res.rejects.append(dict(source=res.source, line=a.get("line_no"), text=str(a[col]), level="value",
                                    reason=f"{why}; value dropped from row {a['row']}"))
            a[col] = None


def _above_total(m: dict, total) -> str | None:
    """A subgroup's count above its cohort's (the schema's subgroup_not_above_total)."""
    if m["measure"] == "n" and m["population"] != "all" and total is not None \
            and m.get("value") is not None and m["value"] > total:
        return f"subgroup count {m['population']} = {m['value']:g} above the cohort's {total:g}"
    return None


def _overflow(m: dict) -> str | None:
    """A count the dataset's Int64 columns cannot hold (n = 10^20): a value to reject, not a
    crash of the whole batch."""
    v = m.get("value")
    if m.get("measure") == "n" and v is not None and v > INT64_MAX:
        return f"count {m.get('value_as_reported')} does not fit a 64-bit integer"
    return None


def frames(results: list, file_errors: list[InputError] = ()):
    """The records of `results` (run.FileResults) and the files skipped under --keep-going
    as one DataFrame per output file (OUTPUT_FILES order), typed as the models declare."""
    import pandas as pd

    from schemas.models import COLUMNS, cast_frame

    def df(name, rows):
        cols = COLUMNS[name]
        return cast_frame(name, pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols))

    arms = df("arms", [a for r in results for a in r.arms])
    meas = df("measures", [m for r in results for m in r.measures])
    for f in (arms, meas):
        f["flags"] = f["flags"].map(lambda v: list(v) if isinstance(v, (list, tuple)) else [])
    return (arms, meas, df("abbreviations", [a for r in results for a in r.abbreviations]),
            df("narrative", [n for r in results for n in r.narrative]),
            df("rejects", [j for r in results for j in r.rejects] + [file_reject(e) for e in file_errors]),
            df("documents", [r.document for r in results]))


def to_arrow(tables) -> tuple:
    """Validated frames (OUTPUT_FILES order) -> Arrow tables with the contract's types."""
    import pyarrow as pa

    from schemas.models import arrow_schemas
    schemas = arrow_schemas()
    return tuple(pa.Table.from_pandas(df, schema=schemas[name], preserve_index=False)
                 for name, df in zip(OUTPUT_FILES, tables))


def file_reject(e: InputError) -> dict:
    """A file skipped under --keep-going, as a rejects row."""
    src = Path(e.file).stem if e.file and "," not in e.file else (e.file or "<input>")
    src = printable(src) if not src.isprintable() else src     # a name that is not UTF-8
    return dict(source=src, line=e.line, text=reject_text(e.text), reason=e.reason, level="file")


def validated(results: list, bad: list[InputError], keep_going: bool, paths: dict[str, str] | None = None):
    """Validated frames of one batch. With keep_going, a file whose rows break the schema is
    left out like a bad file (moved from `results` to `bad`)."""
    from schemas.models import SchemaFailure, failure_lines, validate_all

    while True:
        tables = frames(results, bad)
        try:
            return validate_all(*tables)
        except SchemaFailure as e:
            failing = set(e.table["source"].dropna()) if "source" in e.table else set()
            failing &= {r.source for r in results}
            if not keep_going or not failing:
                raise
            msgs = failure_lines(e.table, tables[0])
            for r in [r for r in results if r.source in failing]:
                first = next((m for m in msgs if m.startswith(r.source)), "schema validation failed")
                bad.append(InputError(f"output failed schema validation: {first.split(': ', 1)[-1]}",
                                      file=(paths or {}).get(r.source, r.source), line=_line_of(first)))
                results.remove(r)


def schema_error(e, results: list, files: list) -> InputError:
    """A schema failure as the one-line `FILE:LINE: reason` error of its first problem (the
    input path, the source line of the failing row), with the number of other problems.
    `files`: the batch's inputs.Input records."""
    import pandas as pd

    table = e.table
    if not len(table):
        return InputError("output failed schema validation", file=", ".join(f.path for f in files))
    rec = table.iloc[0].to_dict()
    src, row = rec.get("source"), rec.get("row")
    path = next((f.path for f in files if f.source == src), src if isinstance(src, str) else "<dataset>")
    line = None
    if isinstance(src, str) and row is not None and not pd.isna(row):
        r = next((r for r in results if r.source == src), None)
        line = next((a.get("line_no") for a in (r.arms if r else []) if a["row"] == int(row)), None)
    col = rec.get("column")
    what = f"{rec.get('table')}.{col}" if isinstance(col, str) else str(rec.get("table"))
    where = f"row {int(row)}: " if row is not None and not pd.isna(row) else ""
    more = f" (and {len(table) - 1} more problem(s))" if len(table) > 1 else ""
    return InputError(f"output failed schema validation: {where}{what} fails {rec.get('check')}: "
                      f"{rec.get('failure_case')!s}{more}", file=path, line=line)


def _line_of(msg: str) -> int | None:
    m = re.match(r"^[^:\s]+:(\d+)", msg)
    return int(m.group(1)) if m else None
