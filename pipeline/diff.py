"""Keyed, field-level diff of two extracted datasets (git cannot show a Parquet diff).

A dataset is the output folder of `extract`: one DataFrame per Parquet file. Rows are matched
by a key per file (`KEYS`); a key that repeats within a file gets an occurrence number, so
duplicates still pair up in order. The diff lists added rows, removed rows and, for a row
present on both sides, every field whose value differs (`old -> new`). Values compare as
plain Python values: NaN equals NaN (both become None), list cells compare as lists.

`load_dataset` / `load_git_dataset` read; `diff_frames`, `diff_datasets`, `render_text` and
`render_json` are pure; `diff_main` is the `python -m pipeline diff` command.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.errors import InputError

# File name (without .parquet) -> key columns. Required files of a dataset, in report order.
KEYS: dict[str, tuple[str, ...]] = {
    "arms": ("source", "table", "row"),
    "measures": ("source", "table", "row", "measure", "population", "timepoint_months",
                 "column"),
    "abbreviations": ("source", "short"),
}
# Files read and diffed when present (the narrative numbers the extractor left out).
OPTIONAL_KEYS: dict[str, tuple[str, ...]] = {
    "narrative": ("source", "table", "row", "column", "start", "end"),
}
# Fields shown after the key of an added or removed row in the text report.
BRIEF: dict[str, tuple[str, ...]] = {
    "arms": ("agent", "treatment"),
    "measures": ("value", "evidence"),
    "abbreviations": ("long", "origin"),
    "narrative": ("text", "rule"),
}
DEFAULT_DATA = "extracted"
OCCURRENCE = "occurrence"   # name of the appended key part in reports (shown when > 0)

Key = tuple[Any, ...]       # key column values, then the occurrence number
Record = dict[str, Any]


@dataclass(frozen=True)
class FrameDiff:
    """Differences between two versions of one file, matched on `key`."""
    key: tuple[str, ...]
    added: list[tuple[Key, Record]] = field(default_factory=list)
    removed: list[tuple[Key, Record]] = field(default_factory=list)
    changed: list[tuple[Key, dict[str, tuple[Any, Any]]]] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    order_changed: bool = False

    @property
    def equal(self) -> bool:
        return not (self.added or self.removed or self.changed or self.columns_added
                    or self.columns_removed or self.order_changed)


@dataclass(frozen=True)
class DatasetDiff:
    """One `FrameDiff` per file present on both sides, plus files present on one side only."""
    frames: dict[str, FrameDiff]
    only_old: list[str] = field(default_factory=list)
    only_new: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not (self.only_old or self.only_new) and all(
            f.equal for f in self.frames.values())


# ---------------------------------------------------------------- reading (I/O)

def _read_parquet(data: bytes | Path, where: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(io.BytesIO(data) if isinstance(data, bytes) else data)
    except Exception as err:  # pyarrow raises several unrelated types for a bad file
        raise InputError(f"cannot read as Parquet: {err}", file=where) from None


def load_dataset(folder: str | Path) -> dict[str, pd.DataFrame]:
    """Read the dataset files of an output folder; the `KEYS` files are required."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("not a folder", file=str(folder))
    frames: dict[str, pd.DataFrame] = {}
    for name in (*KEYS, *OPTIONAL_KEYS):
        path = folder / f"{name}.parquet"
        if path.is_file():
            frames[name] = _read_parquet(path, str(path))
        elif name in KEYS:
            raise InputError(f"missing {name}.parquet", file=str(folder))
    return frames


def _git_blob(ref: str, path: str) -> bytes | None:
    """The committed bytes of `path` (relative to the current folder) at `ref`, or None."""
    done = subprocess.run(["git", "cat-file", "blob", f"{ref}:./{path}"],
                          capture_output=True, check=False)
    return done.stdout if done.returncode == 0 else None


def load_git_dataset(ref: str, path: str | Path = DEFAULT_DATA) -> dict[str, pd.DataFrame]:
    """Read the dataset committed at git `ref` in folder `path` (no checkout, no temp files)."""
    rel = os.path.relpath(path)
    frames: dict[str, pd.DataFrame] = {}
    for name in (*KEYS, *OPTIONAL_KEYS):
        where = f"{ref}:{Path(rel, name).as_posix()}.parquet"
        blob = _git_blob(ref, f"{Path(rel, name).as_posix()}.parquet")
        if blob is not None:
            frames[name] = _read_parquet(blob, where)
        elif name in KEYS:
            raise InputError("not in git (unknown ref, or file not committed)", file=where)
    return frames


# ---------------------------------------------------------------- comparing (pure)

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


def keyed_records(frame: pd.DataFrame, key: Sequence[str]) -> dict[Key, Record]:
    """Rows of `frame` as plain records by key (+ occurrence number), in frame order."""
    missing = [k for k in key if k not in frame.columns]
    if missing:
        raise InputError(f"key column(s) missing: {', '.join(missing)}")
    seen: Counter[Key] = Counter()
    rows: dict[Key, Record] = {}
    for record in plain_records(frame):
        base = tuple(record[k] for k in key)
        rows[(*base, seen[base])] = record
        seen[base] += 1
    return rows


def diff_frames(old: pd.DataFrame, new: pd.DataFrame, key: Sequence[str]) -> FrameDiff:
    """Added, removed and changed rows (field by field) between two versions of a file.

    Columns present on one side only are reported as a schema change and not compared.
    """
    old_rows, new_rows = keyed_records(old, key), keyed_records(new, key)
    shared = [str(c) for c in new.columns if c in set(old.columns)]
    changed = []
    for k, row in new_rows.items():
        before = old_rows.get(k)
        if before is not None:
            fields = {c: (before[c], row[c]) for c in shared if before[c] != row[c]}
            if fields:
                changed.append((k, fields))
    return FrameDiff(
        key=tuple(key),
        added=[(k, r) for k, r in new_rows.items() if k not in old_rows],
        removed=[(k, r) for k, r in old_rows.items() if k not in new_rows],
        changed=changed,
        columns_added=[str(c) for c in new.columns if c not in set(old.columns)],
        columns_removed=[str(c) for c in old.columns if c not in set(new.columns)],
        order_changed=[k for k in old_rows if k in new_rows]
        != [k for k in new_rows if k in old_rows],
    )


def diff_datasets(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]) -> DatasetDiff:
    """Diff every known file present on both sides; list files present on one side only."""
    keys = {**KEYS, **OPTIONAL_KEYS}
    frames = {}
    for name, key in keys.items():
        if name in old and name in new:
            try:
                frames[name] = diff_frames(old[name], new[name], key)
            except InputError as err:
                raise err.with_file(f"{name}.parquet") from None
    return DatasetDiff(
        frames=frames,
        only_old=[name for name in keys if name in old and name not in new],
        only_new=[name for name in keys if name in new and name not in old],
    )


# ---------------------------------------------------------------- rendering (pure)

def show(value: Any) -> str:
    """One value as JSON text: strings quoted, null for missing, shortest float form."""
    return json.dumps(value, ensure_ascii=False, default=str)


def key_fields(fd: FrameDiff, key: Key) -> Record:
    """The key as {column: value}, with the occurrence number only when it is not 0."""
    fields = dict(zip(fd.key, key[:-1], strict=True))
    return {**fields, OCCURRENCE: key[-1]} if key[-1] else fields


def _pairs(record: Record) -> str:
    return " ".join(f"{k}={show(v)}" for k, v in record.items())


def _counts(fd: FrameDiff) -> str:
    parts = [f"{len(rows)} {word}" for word, rows in
             (("added", fd.added), ("removed", fd.removed), ("changed", fd.changed)) if rows]
    parts += [f"column {c} added" for c in fd.columns_added]
    parts += [f"column {c} removed" for c in fd.columns_removed]
    parts += ["row order changed"] if fd.order_changed else []
    return ", ".join(parts) or "equal"


def totals(d: DatasetDiff) -> dict[str, int]:
    """Rows added, removed and changed over all files."""
    return {word: sum(len(getattr(fd, word)) for fd in d.frames.values())
            for word in ("added", "removed", "changed")}


def summary_line(d: DatasetDiff) -> str:
    """`summary: N added, N removed, N changed rows (per file ...)`, or that all is equal."""
    if d.equal:
        return "summary: no differences"
    files = [f"{name}: {_counts(fd)}" for name, fd in d.frames.items()]
    files += [f"{name}: only in OLD" for name in d.only_old]
    files += [f"{name}: only in NEW" for name in d.only_new]
    head = ", ".join(f"{n} {word}" for word, n in totals(d).items())
    return f"summary: {head} rows ({'; '.join(files)})"


def render_text(d: DatasetDiff) -> str:
    """Human report: a line per added/removed row, changed rows with `field: old → new`."""
    lines = []
    for name, fd in d.frames.items():
        for word, rows in (("added", fd.added), ("removed", fd.removed)):
            for k, record in rows:
                brief = {c: record[c] for c in BRIEF.get(name, ()) if c in record}
                extra = f" | {_pairs(brief)}" if brief else ""
                lines.append(f"{word} {name} {_pairs(key_fields(fd, k))}{extra}")
        for k, fields in fd.changed:
            lines.append(f"changed {name} {_pairs(key_fields(fd, k))}")
            lines += [f"    {c}: {show(a)} → {show(b)}" for c, (a, b) in fields.items()]
    return "\n".join([*lines, summary_line(d)]) + "\n"


def to_jsonable(d: DatasetDiff) -> dict[str, Any]:
    """The diff as plain dicts and lists (the `--json` shape)."""
    def frame(fd: FrameDiff) -> dict[str, Any]:
        return {
            "key": list(fd.key),
            "added": [{"key": key_fields(fd, k), "row": r} for k, r in fd.added],
            "removed": [{"key": key_fields(fd, k), "row": r} for k, r in fd.removed],
            "changed": [{"key": key_fields(fd, k),
                         "fields": {c: {"old": a, "new": b} for c, (a, b) in f.items()}}
                        for k, f in fd.changed],
            "columns_added": fd.columns_added,
            "columns_removed": fd.columns_removed,
            "order_changed": fd.order_changed,
        }
    return {
        "equal": d.equal,
        "counts": totals(d),
        "summary": summary_line(d),
        "files": {name: frame(fd) for name, fd in d.frames.items()},
        "only_old": d.only_old,
        "only_new": d.only_new,
    }


def render_json(d: DatasetDiff) -> str:
    """The diff as indented JSON text (see `to_jsonable`)."""
    return json.dumps(to_jsonable(d), ensure_ascii=False, indent=2, default=str) + "\n"


# ---------------------------------------------------------------- command line

def parse_args(parser: argparse.ArgumentParser,
               argv: Sequence[str]) -> argparse.Namespace | int:
    """Parsed arguments, or the exit status argparse chose (2 on a usage error, 0 on -h)."""
    try:
        return parser.parse_args(list(argv))
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 2


def run_command(name: str, body: Callable[[], int]) -> int:
    """Run a command body; a known failure is one line on stderr and exit status 2."""
    try:
        return body()
    except (InputError, OSError) as err:
        print(f"{name}: {err}", file=sys.stderr)
        return 2


def _diff_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline diff",
        description="Field-level diff of two extracted datasets. "
                    "Exit 0 when equal, 1 when different, 2 on error.")
    parser.add_argument("folders", nargs="*", metavar="FOLDER",
                        help="OLD NEW; with --against, only NEW (default extracted/)")
    parser.add_argument("--against", metavar="REF",
                        help="compare the dataset committed at REF (e.g. HEAD) with NEW")
    parser.add_argument("--path", default=DEFAULT_DATA,
                        help="dataset folder inside the repository for --against "
                             "(default: extracted)")
    parser.add_argument("--json", action="store_true", help="print the diff as JSON")
    return parser


def _load_sides(args: argparse.Namespace) -> tuple[dict[str, pd.DataFrame],
                                                  dict[str, pd.DataFrame]]:
    if args.against is not None:
        if len(args.folders) > 1:
            raise InputError("with --against give at most one folder (NEW)")
        new = args.folders[0] if args.folders else DEFAULT_DATA
        return load_git_dataset(args.against, args.path), load_dataset(new)
    if len(args.folders) != 2:
        raise InputError("give two folders, OLD NEW (or --against REF [NEW])")
    return load_dataset(args.folders[0]), load_dataset(args.folders[1])


def diff_main(argv: Sequence[str]) -> int:
    """`python -m pipeline diff OLD NEW [--json]` / `diff --against REF [NEW] [--json]`."""
    args = parse_args(_diff_parser(), argv)
    if isinstance(args, int):
        return args

    def body() -> int:
        d = diff_datasets(*_load_sides(args))
        sys.stdout.write(render_json(d) if args.json else render_text(d))
        return 0 if d.equal else 1
    return run_command("diff", body)
