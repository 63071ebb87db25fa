"""Curators' corrections (corrections.tsv): fixes that survive every regeneration.

`parse_corrections(text, name)` reads the file's text into Correction records (a bad line is an
InputError naming the file and line); `apply_corrections(arms, measures, corrections)` applies
those of the sources in hand to the extracted records, after extraction and before validation,
and sets `corrected`. A correction whose `old` no longer matches what was extracted is stale:
an InputError, so a rule change can never silently undo a curator's fix. Pure functions: run.py
reads the file.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .errors import InputError
from .table.arms import ARM_VALUE_COLUMN as _ARM_VALUE_COLUMN, summarise
from .vocab import MEASURE_UNIT

COLUMNS = ("source", "table", "row", "field", "old", "new", "note")
# arms columns a correction may set, with how their text is read
_TEXT_FIELDS = {"title", "section", "trial_id", "study", "target", "agent", "phase", "design", "treatment",
                "outcomes_text", "ref", "primary_endpoint", "extra"}
_LIST_FIELDS = {"drugs", "primary_sites", "filled"}
_INT_FIELDS = {"line", "n_total", "page", "line_no"}
_FLOAT_FIELDS = {"orr_pct", "dcr_pct", "pfs_median_months", "os_median_months"}
_BOOL_FIELDS = {"primary_endpoint_met"}
ARM_FIELDS = _TEXT_FIELDS | _LIST_FIELDS | _INT_FIELDS | _FLOAT_FIELDS | _BOOL_FIELDS
# measure -> unit of its normalised value (the unit `new` is written in)
MEASURE_UNITS = MEASURE_UNIT
_MEASURE_FIELD = re.compile(r"^([a-z_]+)/(.+?)(?:@(\d+(?:\.\d+)?))?$")
_NR = {"nr", "not reached"}
# values compare equal within this (a value printed with fewer decimals than stored)
TOLERANCE = 0.005
# where an added measure says it came from (measures.column)
ADDED_COLUMN = "correction"


@dataclass(frozen=True)
class Correction:
    line: int                  # line of the corrections file (for messages)
    source: str
    table: str | None
    row: int
    field: str                 # an arms column, or "measure/population[@T]"
    old: str
    new: str
    note: str
    measure: str | None = None           # set for a measure field
    population: str | None = None
    timepoint: float | None = None

    def where(self) -> str:
        return f"{self.source} {self.table or '(no label)'} row {self.row} {self.field}"


def parse_corrections(text: str, name: str = "corrections.tsv") -> list[Correction]:
    """The file's text -> corrections, in file order; InputError (file, line) for a bad line."""
    out: list[Correction] = []
    lines = text.splitlines()
    if not lines or [c.strip().lower() for c in lines[0].split("\t")] != list(COLUMNS):
        raise InputError(f"the first line must be the header {chr(9).join(COLUMNS)!r} (tab-separated)",
                         file=name, line=1)
    for k, ln in enumerate(lines[1:], start=2):
        if not ln.strip() or ln.startswith("#"):
            continue
        cells = ln.split("\t")
        if len(cells) != len(COLUMNS):
            raise InputError(f"{len(cells)} tab-separated columns, expected {len(COLUMNS)} ({', '.join(COLUMNS)})",
                             file=name, line=k)
        source, table, row, field, old, new, note = (c.strip() for c in cells)
        if not source:
            raise InputError("empty source", file=name, line=k)
        if not row.isdigit() or int(row) < 1:
            raise InputError(f"row must be a whole number >= 1, not {row!r}", file=name, line=k)
        measure = population = timepoint = None
        m = _MEASURE_FIELD.match(field)
        if "/" in field:
            if not m or m.group(1) not in MEASURE_UNITS:
                raise InputError(f"unknown field {field!r}: a measure is written measure/population[@months] "
                                 f"with measure one of {', '.join(MEASURE_UNITS)}", file=name, line=k)
            measure, population = m.group(1), m.group(2)
            timepoint = float(m.group(3)) if m.group(3) else None
            for v in (old, new):
                if v and _number(v) is None and v.lower() not in _NR:
                    raise InputError(f"{field}: {v!r} is not a number or NR", file=name, line=k)
            if not old and not new:
                raise InputError(f"{field}: old and new both empty", file=name, line=k)
        elif field not in ARM_FIELDS:
            raise InputError(f"unknown field {field!r}: an arms column ({', '.join(sorted(ARM_FIELDS))}) "
                             f"or measure/population[@months]", file=name, line=k)
        else:
            _arm_value(field, new, name, k)       # a value of the column's type
        out.append(Correction(k, source, table or None, int(row), field, old, new, note,
                              measure, population, timepoint))
    return out


def apply_corrections(arms: list[dict], measures: list[dict], corrections: list[Correction],
                      name: str = "corrections.tsv") -> tuple[list[dict], list[dict]]:
    """Corrections of the sources in `arms` applied to copies of the records; the others are
    left for the files they name. InputError for the first stale correction."""
    sources = {a["source"] for a in arms}
    arms = [dict(a) for a in arms]
    measures = [dict(m) for m in measures]
    by_key = {(a["source"], a["table"], a["row"]): a for a in arms}
    touched = set()
    for c in corrections:
        if c.source not in sources:
            continue
        key = (c.source, c.table, c.row)
        arm = by_key.get(key)
        if arm is None:
            raise _stale(c, name, "no such row in the extraction")
        if c.measure is None:
            now = _format(arm.get(c.field))
            if not _same(now, c.old):
                raise _stale(c, name, f"old {c.old!r} but the extraction has {now!r}")
            arm[c.field] = _arm_value(c.field, c.new, name, c.line)
        else:
            measures = _apply_measure(c, measures, name)
            touched.add(key)
        arm["corrected"] = True
    for key in touched:
        _resummarise(by_key[key], [m for m in measures if (m["source"], m["table"], m["row"]) == key])
    return arms, measures


def _apply_measure(c: Correction, measures: list[dict], name: str) -> list[dict]:
    def is_it(m: dict) -> bool:
        tp = m.get("timepoint_months")
        tp = None if tp is None or (isinstance(tp, float) and math.isnan(tp)) else tp
        return ((m["source"], m["table"], m["row"], m["measure"], m["population"]) ==
                (c.source, c.table, c.row, c.measure, c.population)
                and (tp is None if c.timepoint is None else tp is not None and abs(tp - c.timepoint) < TOLERANCE))

    mine = [k for k, m in enumerate(measures) if is_it(m)]
    if not c.old:
        if mine:
            now = ", ".join(_measure_text(measures[k]) for k in mine)
            raise _stale(c, name, f"old is empty (a missing measure to add) but the extraction has {now}")
        row = [k for k, m in enumerate(measures) if (m["source"], m["table"], m["row"]) == (c.source, c.table, c.row)]
        at = row[-1] + 1 if row else len(measures)      # after the row's own measures
        return measures[:at] + [_new_measure(c)] + measures[at:]
    hit = next((k for k in mine if _same(_measure_text(measures[k]), c.old)), None)
    if hit is None:
        now = ", ".join(_measure_text(measures[k]) for k in mine) or "no such measure"
        raise _stale(c, name, f"old {c.old!r} but the extraction has {now}")
    if not c.new:
        return measures[:hit] + measures[hit + 1:]
    measures[hit] = {**measures[hit], **_value_fields(c), "corrected": True, "flags": []}   # a curator looked
    return measures


def _value_fields(c: Correction) -> dict:
    nr = c.new.lower() in _NR
    return dict(value=None if nr else _number(c.new), not_reached=nr, value_as_reported=c.new,
                unit_as_reported=None)


def _new_measure(c: Correction) -> dict:
    return dict(source=c.source, table=c.table, row=c.row, measure=c.measure, population=c.population,
                unit=MEASURE_UNITS[c.measure], timepoint_months=c.timepoint, column=ADDED_COLUMN,
                start=0, end=len(c.new), evidence=c.new, flags=[], corrected=True, **_value_fields(c))


def _resummarise(arm: dict, measures: list[dict]) -> None:
    """The arm's whole-cohort values again from its (corrected) measures."""
    for col in _ARM_VALUE_COLUMN.values():
        arm[col] = None
    summarise(arm, measures)


def _stale(c: Correction, name: str, why: str) -> InputError:
    return InputError(f"stale correction: {c.where()}: {why}", file=name, line=c.line)


def _measure_text(m: dict) -> str:
    return "NR" if m.get("not_reached") else _format(m.get("value"))


def _number(s: str) -> float | None:
    try:
        v = float(s)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def _format(v) -> str:
    """An extracted value as a corrections file writes it."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return ", ".join(str(x) for x in v)
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".") if v == round(v, 4) else repr(v)
    return str(v)


def _same(now: str, old: str) -> bool:
    if now == old.strip():
        return True
    a, b = _number(now), _number(old)
    if a is not None and b is not None:
        return abs(a - b) <= TOLERANCE
    return now.lower() in _NR and old.strip().lower() in _NR


def _arm_value(field: str, text: str, name: str, line: int):
    """`new` of an arms field as the column's type; InputError when it is not one."""
    if field in _LIST_FIELDS:
        return [p.strip() for p in text.split(",") if p.strip()]
    if not text:
        return None
    if field in _INT_FIELDS:
        if not text.isdigit():
            raise InputError(f"{field}: {text!r} is not a whole number", file=name, line=line)
        return int(text)
    if field in _FLOAT_FIELDS:
        v = _number(text)
        if v is None:
            raise InputError(f"{field}: {text!r} is not a number", file=name, line=line)
        return v
    if field in _BOOL_FIELDS:
        if text.lower() not in ("true", "false"):
            raise InputError(f"{field}: {text!r} is not true or false", file=name, line=line)
        return text.lower() == "true"
    return text
