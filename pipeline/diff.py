"""Field-level diff of two extracted datasets, rows matched by content (git cannot show a
Parquet diff).

Arms are matched by what they are, not where they sit (CONTRACT.md "Keys"): within a source
and table, by trial id (or study, or agent when neither is given) and treatment. Measures
and narrative numbers are matched within their arm, by measure, population, timepoint and
column (narrative: column, text and rule); rejects by level, reason and text; abbreviations
by short form. So a row inserted in the middle of a table reads as one row added, not as
every later row changed.

Rows with the same identity pair up identical ones first, then the rest in order. Rows left
over in a table then pair up when they share half of their identity (the same trial with an
edited treatment, the same treatment under a corrected trial id), so an edit reads as a
change. Position columns (`row`, `line_no`, `line_end`, `page`, a reject's `line`) are not
compared: a row that only moved is counted as moved, never as changed.

Values compare as plain Python values: NaN equals NaN, list cells compare as lists. A field
whose new row is `corrected` (a curator's correction) is shown as such.
`diff_datasets`, `render_text` and `render_json` are pure; `run` is the command's body.
"""
from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pipeline.dataset import (DEFAULT_DATA, REQUIRED, Record, load_dataset, load_git_dataset,
                              plain_records)
from pipeline.errors import InputError

# Shown as the key of a row in reports, in this order (those present in the file).
SHOWN_KEY: dict[str, tuple[str, ...]] = {
    "arms": ("source", "table", "row"),
    "measures": ("source", "table", "row", "measure", "population", "timepoint_months",
                 "column"),
    "abbreviations": ("source", "short"),
    "narrative": ("source", "table", "row", "column", "start", "end"),
    "rejects": ("source", "line", "level"),
    "documents": ("source",),
}
KEYS = SHOWN_KEY    # the key shown for each file (kept under its old name for callers)
# What identifies a row within its arm (measures, narrative) or its source (the others).
IDENTITY: dict[str, tuple[str, ...]] = {
    "measures": ("measure", "population", "timepoint_months", "column"),
    "narrative": ("column", "text", "rule"),
    "abbreviations": ("short",),
    "rejects": ("level", "reason", "text"),
    "documents": (),
}
# Position columns: where a row sits, not what it says; never compared field by field.
POSITION: dict[str, tuple[str, ...]] = {
    "arms": ("row", "line_no", "line_end", "page"),
    "measures": ("row",),
    "narrative": ("row", "start", "end"),
    "rejects": ("line",),
}
# Files whose own position columns count a row as moved (a measure moves with its arm).
MOVES = ("arms", "rejects")
ARM_OF = ("source", "table", "row")     # how measures and narrative name their arm
ARM = "\0arm"                             # the matched arm of a measure (not a column)
# Fields shown after the key of an added or removed row in the text report.
BRIEF: dict[str, tuple[str, ...]] = {
    "arms": ("trial_id", "study", "agent", "treatment", "flags"),
    "measures": ("value", "evidence", "flags"),
    "abbreviations": ("long", "origin"),
    "narrative": ("text", "rule"),
    "rejects": ("reason", "text"),
    "documents": ("path", "sha256"),
}
ORDER = ("arms", "measures", "abbreviations", "narrative", "rejects", "documents")

Pair = tuple[int | None, int | None]    # (index in old, index in new); None: absent there


@dataclass(frozen=True)
class FrameDiff:
    """Differences between two versions of one file."""
    key: tuple[str, ...]
    added: list[Record] = field(default_factory=list)
    removed: list[Record] = field(default_factory=list)
    changed: list[tuple[Record, dict[str, tuple[Any, Any]]]] = field(default_factory=list)
    moved: int = 0
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not (self.added or self.removed or self.changed or self.moved
                    or self.columns_added or self.columns_removed)


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


# ---------------------------------------------------------------- matching (pure)

def arm_identity(arm: Record) -> tuple[Any, Any]:
    """What an arm is: (trial id, else study, else agent; treatment)."""
    who = arm.get("trial_id") or arm.get("study") or arm.get("agent")
    return who, arm.get("treatment")


def _content(record: Record, skip: Sequence[str]) -> str:
    return json.dumps({k: v for k, v in record.items() if k not in skip}, sort_keys=True,
                      default=str)


def _pair_group(old: list[int], new: list[int], content: Callable[[bool, int], str]
                ) -> tuple[list[Pair], list[int], list[int]]:
    """Pair rows of one identity: identical ones first, then the rest in order."""
    by_content: dict[str, list[int]] = defaultdict(list)
    for i in old:
        by_content[content(False, i)].append(i)
    pairs, rest_new = [], []
    for j in new:
        same = by_content.get(content(True, j))
        if same:
            pairs.append((same.pop(0), j))
        else:
            rest_new.append(j)
    taken = {i for i, _ in pairs}
    rest_old = [i for i in old if i not in taken]
    n = min(len(rest_old), len(rest_new))
    pairs += list(zip(rest_old[:n], rest_new[:n], strict=True))
    return pairs, rest_old[n:], rest_new[n:]


def match_rows(old: list[Record], new: list[Record], scope: Callable[[Record], Any],
               identity: Callable[[Record], tuple], skip: Sequence[str],
               halves: bool = False) -> list[Pair]:
    """Pair the rows of two versions of a file by (scope, identity) and content.

    With `halves`, rows left over in one scope pair when one part of their identity agrees.
    """
    groups: dict[tuple, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for i, r in enumerate(old):
        groups[(scope(r), identity(r))][0].append(i)
    for j, r in enumerate(new):
        groups[(scope(r), identity(r))][1].append(j)

    def content(is_new: bool, k: int) -> str:
        return _content((new if is_new else old)[k], skip)

    pairs: list[Pair] = []
    left_old: dict[Any, list[int]] = defaultdict(list)
    left_new: dict[Any, list[int]] = defaultdict(list)
    for (where, _), (o, n) in groups.items():
        got, rest_old, rest_new = _pair_group(o, n, content)
        pairs += got
        left_old[where] += rest_old
        left_new[where] += rest_new
    for where in set(left_old) | set(left_new):
        rest_old, rest_new = sorted(left_old[where]), sorted(left_new[where])
        if halves:
            for j in list(rest_new):
                ident = identity(new[j])
                i = next((i for i in rest_old if any(
                    a is not None and a == b for a, b in zip(identity(old[i]), ident,
                                                             strict=True))), None)
                if i is not None:
                    pairs.append((i, j))
                    rest_old.remove(i)
                    rest_new.remove(j)
        pairs += [(i, None) for i in rest_old] + [(None, j) for j in rest_new]
    return sorted(pairs, key=lambda p: (p[1] is None, p[1] if p[1] is not None else p[0]))


def _fields(before: Record, after: Record, shared: Sequence[str],
            skip: Sequence[str]) -> dict[str, tuple[Any, Any]]:
    return {c: (before.get(c), after.get(c)) for c in shared
            if c not in skip and before.get(c) != after.get(c)}


def diff_records(name: str, old: list[Record], new: list[Record], old_columns: Sequence[str],
                 new_columns: Sequence[str], pairs: list[Pair]) -> FrameDiff:
    """The FrameDiff of one file from its matched row pairs."""
    skip = POSITION.get(name, ())
    shared = [c for c in new_columns if c in set(old_columns)]
    changed, moved = [], 0
    for i, j in pairs:
        if i is None or j is None:
            continue
        fields = _fields(old[i], new[j], shared, skip)
        if fields:
            changed.append((new[j], fields))
        elif name in MOVES and any(old[i].get(c) != new[j].get(c) for c in skip
                                   if c in shared):
            moved += 1
    return FrameDiff(
        key=tuple(c for c in SHOWN_KEY[name] if c in new_columns or c in old_columns),
        added=[new[j] for i, j in pairs if i is None and j is not None],
        removed=[old[i] for i, j in pairs if j is None and i is not None],
        changed=changed, moved=moved,
        columns_added=[c for c in new_columns if c not in set(old_columns)],
        columns_removed=[c for c in old_columns if c not in set(new_columns)])


def _require(name: str, frame: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"key column(s) missing: {', '.join(missing)}",
                         file=f"{name}.parquet")


def _arm_ids(old: list[Record], new: list[Record], pairs: list[Pair]
             ) -> tuple[dict[tuple, int], dict[tuple, int]]:
    """(source, table, row) -> a number naming the arm, the same on both sides when paired."""
    old_ids, new_ids = {}, {}
    for n, (i, j) in enumerate(pairs):
        if i is not None:
            old_ids[tuple(old[i].get(c) for c in ARM_OF)] = n
        if j is not None:
            new_ids[tuple(new[j].get(c) for c in ARM_OF)] = n
    return old_ids, new_ids


def _with_arm(records: list[Record], ids: dict[tuple, int]) -> list[Record]:
    """Records with the number of their arm (an arm-less record keeps its own row key)."""
    out = []
    for r in records:
        k = tuple(r.get(c) for c in ARM_OF)
        out.append({**r, ARM: ids.get(k, ("no arm", *k))})
    return out


def diff_datasets(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]) -> DatasetDiff:
    """Diff every known file present on both sides; list files present on one side only."""
    frames: dict[str, FrameDiff] = {}
    old_ids: dict[tuple, int] = {}
    new_ids: dict[tuple, int] = {}
    names = [n for n in ORDER if n in old and n in new]
    for name in names:
        a, b = old[name], new[name]
        for frame in (a, b):
            _require(name, frame, ("source", *((
                "table", "row") if name in ("arms", "measures", "narrative") else ()),
                *IDENTITY.get(name, ())))
        ra, rb = plain_records(a), plain_records(b)
        skip = POSITION.get(name, ())
        if name == "arms":
            pairs = match_rows(ra, rb, lambda r: (r.get("source"), r.get("table")),
                               arm_identity, skip, halves=True)
            old_ids, new_ids = _arm_ids(ra, rb, pairs)
        elif name in ("measures", "narrative"):
            ident = IDENTITY[name]
            pairs = match_rows(_with_arm(ra, old_ids), _with_arm(rb, new_ids),
                               lambda r: r[ARM], lambda r: tuple(r.get(c) for c in ident),
                               (*skip, ARM))
        else:
            ident = IDENTITY[name]
            pairs = match_rows(ra, rb, lambda r: r.get("source"),
                               lambda r: tuple(r.get(c) for c in ident), skip)
        frames[name] = diff_records(name, ra, rb, [str(c) for c in a.columns],
                                    [str(c) for c in b.columns], pairs)
    return DatasetDiff(frames=frames,
                       only_old=[n for n in ORDER if n in old and n not in new],
                       only_new=[n for n in ORDER if n in new and n not in old])


# ---------------------------------------------------------------- rendering (pure)

def show(value: Any) -> str:
    """One value as JSON text: strings quoted, null for missing, shortest float form."""
    return json.dumps(value, ensure_ascii=False, default=str)


def key_fields(fd: FrameDiff, record: Record) -> Record:
    """The key of a row as {column: value}."""
    return {c: record.get(c) for c in fd.key}


def _pairs(record: Record) -> str:
    return " ".join(f"{k}={show(v)}" for k, v in record.items())


def _counts(fd: FrameDiff) -> str:
    parts = [f"{len(rows)} {word}" for word, rows in
             (("added", fd.added), ("removed", fd.removed), ("changed", fd.changed)) if rows]
    parts += [f"{fd.moved} moved"] if fd.moved else []
    parts += [f"column {c} added" for c in fd.columns_added]
    parts += [f"column {c} removed" for c in fd.columns_removed]
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


def _brief(name: str, record: Record) -> str:
    brief = {c: record[c] for c in BRIEF.get(name, ())
             if c in record and record[c] not in (None, [])}
    return f" | {_pairs(brief)}" if brief else ""


def render_text(d: DatasetDiff) -> str:
    """Human report: a line per added/removed row, changed rows with `field: old → new`."""
    lines = []
    for name, fd in d.frames.items():
        for word, rows in (("added", fd.added), ("removed", fd.removed)):
            lines += [f"{word} {name} {_pairs(key_fields(fd, r))}{_brief(name, r)}"
                      for r in rows]
        for record, fields in fd.changed:
            note = " (corrected)" if record.get("corrected") else ""
            lines.append(f"changed {name} {_pairs(key_fields(fd, record))}{note}")
            lines += [f"    {c}: {show(a)} → {show(b)}" for c, (a, b) in fields.items()]
    return "\n".join([*lines, summary_line(d)]) + "\n"


def to_jsonable(d: DatasetDiff) -> dict[str, Any]:
    """The diff as plain dicts and lists (the `--json` shape)."""
    def frame(fd: FrameDiff) -> dict[str, Any]:
        return {
            "key": list(fd.key),
            "added": [{"key": key_fields(fd, r), "row": r} for r in fd.added],
            "removed": [{"key": key_fields(fd, r), "row": r} for r in fd.removed],
            "changed": [{"key": key_fields(fd, r), "corrected": bool(r.get("corrected")),
                         "fields": {c: {"old": a, "new": b} for c, (a, b) in f.items()}}
                        for r, f in fd.changed],
            "moved": fd.moved,
            "columns_added": fd.columns_added,
            "columns_removed": fd.columns_removed,
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


# ---------------------------------------------------------------- the command's body

def load_sides(folders: Sequence[str], against: str | None,
               path: str = DEFAULT_DATA) -> tuple[dict[str, pd.DataFrame],
                                                  dict[str, pd.DataFrame]]:
    """The OLD and NEW datasets: two folders, or a git ref's committed dataset and a folder."""
    if against is not None:
        if len(folders) > 1:
            raise InputError("with --against give at most one folder (NEW)")
        return load_git_dataset(against, path), load_dataset(folders[0] if folders
                                                             else DEFAULT_DATA)
    if len(folders) != 2:
        raise InputError("give two folders, OLD NEW (or --against REF [NEW])")
    return load_dataset(folders[0]), load_dataset(folders[1])


def run(folders: Sequence[str], against: str | None, path: str, as_json: bool) -> bool:
    """Print the diff; whether the datasets are equal."""
    d = diff_datasets(*load_sides(folders, against, path))
    sys.stdout.write(render_json(d) if as_json else render_text(d))
    return d.equal


__all__ = ["REQUIRED", "DatasetDiff", "FrameDiff", "diff_datasets", "render_text",
           "render_json", "run"]
