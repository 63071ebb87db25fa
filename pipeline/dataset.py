"""Reading an extracted dataset back (for `diff` and `audit`): load its Parquet files, from a
folder or from a git commit, and check that the columns the commands rely on have their types.

A dataset is the output folder of `extract`: one DataFrame per Parquet file. `REQUIRED` files
must be there; `OPTIONAL` ones are read when present. `check_types` refuses a file whose
column has the wrong type (a list where a key is expected, text where offsets are) with one
line naming the file, the column and the first bad row, so neither command ever works on a
frame it cannot read (a TypeError, or an audit page claiming 0 values).

`sources_of` splits a dataset by source (the review has one page per source), and
`source_files` / `read_lines` find and read the input file a source came from, so a row can
be shown with its source lines.
"""
from __future__ import annotations

import io
import os
import re
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.errors import InputError

DEFAULT_DATA = "extracted"
REQUIRED = ("arms", "measures", "abbreviations")
OPTIONAL = ("narrative", "rejects", "documents")

# Column types the commands rely on: "str", "int", "float", "bool", "list"; a trailing "?"
# allows nulls. Columns missing from a file are the caller's business (keys are checked
# when the diff keys the file; the audit shows what is there).
TYPES: dict[str, dict[str, str]] = {
    "arms": {"source": "str", "table": "str?", "row": "int", "trial_id": "str?",
             "study": "str?", "treatment": "str?", "agent": "str?", "outcomes_text": "str?",
             "line_no": "int?", "line_end": "int?", "cells": "str?", "filled": "list?",
             "drugs": "list?", "flags": "list?", "corrected": "bool?"},
    "measures": {"source": "str", "table": "str?", "row": "int", "measure": "str",
                 "population": "str?", "value": "float?", "timepoint_months": "float?",
                 "column": "str?", "start": "int?", "end": "int?", "evidence": "str?",
                 "flags": "list?", "corrected": "bool?"},
    "abbreviations": {"source": "str", "short": "str", "long": "str?", "origin": "str?"},
    "narrative": {"source": "str", "table": "str?", "row": "int", "column": "str?",
                  "start": "int?", "end": "int?", "text": "str?", "rule": "str?"},
    "rejects": {"source": "str?", "line": "int?", "text": "str?", "reason": "str?",
                "level": "str?"},
    "documents": {"source": "str", "path": "str?"},
}
Record = dict[str, Any]
TEXT_INPUTS = {".txt", ".md", ".html", ".htm", ".xml", ".nxml"}   # inputs shown line by line


# ---------------------------------------------------------------- plain values (pure)

def plain(value: Any) -> Any:
    """A cell as a plain, comparable, JSON-ready value: NaN/NA -> None, arrays -> lists."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(v) for v in value]
    if value is None or (np.ndim(value) == 0 and pd.isna(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def plain_records(frame: pd.DataFrame) -> list[Record]:
    """Rows of `frame` as dicts of plain values (see `plain`), in frame order."""
    return [{str(col): plain(val) for col, val in raw.items()}
            for raw in frame.to_dict("records")]


# ---------------------------------------------------------------- type checks (pure)

def _fits(value: Any, kind: str) -> bool:
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return (isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
                or isinstance(value, (float, np.floating)) and float(value).is_integer())
    if kind == "float":
        return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
            value, (bool, np.bool_))
    if kind == "bool":
        return isinstance(value, (bool, np.bool_))
    if kind == "list":
        return isinstance(value, (list, tuple, np.ndarray)) and all(
            isinstance(v, str) for v in value)
    raise ValueError(kind)


def _missing(value: Any) -> bool:
    return value is None or (np.ndim(value) == 0 and bool(pd.isna(value)))


def _described(value: Any) -> str:
    kind = "list" if isinstance(value, (list, tuple, np.ndarray)) else type(value).__name__
    shown = repr(plain(value))
    return f"{kind} {shown[:40]}{'...' if len(shown) > 40 else ''}"


def type_errors(name: str, frame: pd.DataFrame,
                columns: Iterable[str] | None = None) -> list[str]:
    """One message per column of `frame` whose values do not have the type `TYPES` names."""
    errors = []
    for column, spec in TYPES.get(name, {}).items():
        if column not in frame.columns or (columns is not None and column not in columns):
            continue
        kind, nullable = spec.rstrip("?"), spec.endswith("?")
        for i, value in enumerate(frame[column].tolist()):
            if not isinstance(value, (list, tuple, np.ndarray)) and _missing(value):
                if nullable:
                    continue
                errors.append(f"column {column}: missing value in row {i + 1}")
                break
            if not _fits(value, kind):
                errors.append(f"column {column}: expected {kind}, found {_described(value)} "
                              f"in row {i + 1}")
                break
    return errors


def check_types(frames: dict[str, pd.DataFrame], where: str) -> dict[str, pd.DataFrame]:
    """`frames` unchanged, or an InputError naming the first file and column of a wrong type."""
    for name, frame in frames.items():
        errors = type_errors(name, frame)
        if errors:
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            raise InputError(f"{name}.parquet: {errors[0]}{more}", file=where)
    return frames


# ---------------------------------------------------------------- reading (I/O)

def _read_parquet(data: bytes | Path, where: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(io.BytesIO(data) if isinstance(data, bytes) else data)
    except Exception as err:  # pyarrow raises several unrelated types for a bad file
        raise InputError(f"cannot read as Parquet: {' '.join(str(err).split())}",
                         file=where) from None


def load_dataset(folder: str | Path) -> dict[str, pd.DataFrame]:
    """Read and type-check the dataset files of an output folder."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("not a folder", file=str(folder))
    frames: dict[str, pd.DataFrame] = {}
    for name in (*REQUIRED, *OPTIONAL):
        path = folder / f"{name}.parquet"
        if path.is_file():
            frames[name] = _read_parquet(path, str(path))
        elif name in REQUIRED:
            raise InputError(f"missing {name}.parquet", file=str(folder))
    return check_types(frames, str(folder))


def _git_blob(ref: str, path: str) -> bytes | None:
    """The committed bytes of `path` (relative to the current folder) at `ref`, or None."""
    done = subprocess.run(["git", "cat-file", "blob", f"{ref}:./{path}"],
                          capture_output=True, check=False)
    return done.stdout if done.returncode == 0 else None


def load_git_dataset(ref: str, path: str | Path = DEFAULT_DATA) -> dict[str, pd.DataFrame]:
    """Read the dataset committed at git `ref` in folder `path` (no checkout, no temp files)."""
    rel = Path(os.path.relpath(path)).as_posix()
    frames: dict[str, pd.DataFrame] = {}
    for name in (*REQUIRED, *OPTIONAL):
        where = f"{ref}:{rel}/{name}.parquet"
        blob = _git_blob(ref, f"{rel}/{name}.parquet")
        if blob is not None:
            frames[name] = _read_parquet(blob, where)
        elif name in REQUIRED:
            raise InputError("not in git (unknown ref, or file not committed)", file=where)
    return check_types(frames, f"{ref}:{rel}")


# ---------------------------------------------------------------- by source, with its input

def group(records: Iterable[Record], columns: Sequence[str]) -> dict[tuple, list[Record]]:
    """`records` grouped by the values of `columns`, in first-seen order."""
    groups: dict[tuple, list[Record]] = {}
    for r in records:
        groups.setdefault(tuple(r.get(c) for c in columns), []).append(r)
    return groups


@dataclass(frozen=True)
class SourceData:
    """One source's rows of every file, as plain records."""
    source: str
    arms: list[Record]
    measures: list[Record] = field(default_factory=list)
    narrative: list[Record] = field(default_factory=list)
    abbreviations: list[Record] = field(default_factory=list)
    rejects: list[Record] = field(default_factory=list)


def source_files(frames: dict[str, pd.DataFrame], inputs: Sequence[Path]) -> dict[str, Path]:
    """Where each source's input file is: documents.parquet's path, else a file of that stem
    in `inputs` (only text forms: a PDF's lines are not shown)."""
    wanted = set(frames["arms"]["source"].dropna().astype(str))
    found: dict[str, Path] = {}
    docs = frames.get("documents")
    if docs is not None and "path" in docs.columns:
        for r in plain_records(docs[["source", "path"]]):
            path = Path(str(r["path"])) if r.get("path") else None
            if path and path.suffix.lower() in TEXT_INPUTS and path.is_file():
                found.setdefault(str(r["source"]), path)
    for folder in inputs:
        candidates = [folder] if folder.is_file() else (
            sorted(folder.rglob("*")) if folder.is_dir() else [])
        for path in candidates:
            if (path.stem in wanted and path.stem not in found
                    and path.suffix.lower() in TEXT_INPUTS and path.is_file()):
                found[path.stem] = path
    return found


def read_lines(path: Path | None) -> list[str] | None:
    """An input file's lines, numbered as the readers number them (None when unreadable)."""
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    from pipeline.readers.decode import decode_text
    try:
        text = decode_text(data)
    except Exception:  # a file the readers refuse still shows what it can
        text = data.decode("utf-8", "replace")
    return re.split(r"\r\n|\r|\n", text)


def _by_source(frame: pd.DataFrame | None) -> dict[str, list[Record]]:
    if frame is None or frame.empty or "source" not in frame.columns:
        return {}
    return {str(k[0]): rows for k, rows in group(plain_records(frame), ("source",)).items()}


def _with_table(frame: pd.DataFrame | None, arms: pd.DataFrame) -> pd.DataFrame | None:
    """`frame` with `table` taken from the arm (source, row) when it has none."""
    if frame is None or frame.empty or "table" in frame.columns:
        return frame
    tables = arms[["source", "row", "table"]].drop_duplicates(["source", "row"])
    return frame.merge(tables, on=["source", "row"], how="left")


def sources_of(frames: dict[str, pd.DataFrame]) -> Iterator[SourceData]:
    """The dataset split by source, in the order of arms.parquet."""
    arms = frames["arms"]
    parts = {name: _by_source(_with_table(frames.get(name), arms)
                              if name in ("measures", "narrative") else frames.get(name))
             for name in ("measures", "narrative", "abbreviations", "rejects")}
    by_arm = _by_source(arms)
    for source in [*by_arm, *(s for s in parts["rejects"] if s not in by_arm)]:
        yield SourceData(source, by_arm.get(source, []), *(
            parts[n].get(source, []) for n in ("measures", "narrative", "abbreviations",
                                               "rejects")))
