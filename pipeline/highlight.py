"""Highlights over a cell's text: measures' evidence, narrative numbers and numbers nobody
explained, placed without overlaps and rendered as HTML (pure; used by the review pages).

Every measure span yields exactly one `<mark class="measure">`. Overlapping spans never nest
across each other: measures win, a later measure overlapping an earlier one keeps only its
uncovered part (possibly just its label), narrative spans keep only the parts no measure
covers.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

Record = dict[str, Any]
NUMBER = re.compile(r"\d+(?:\.\d+)?")
PRIORITY = {"measure": 0, "narrative": 1, "unexplained": 2}   # lower wins an overlap


@dataclass(frozen=True)
class Span:
    """A highlight over text[start:end]: its kind, data-* attributes, label and tooltip."""
    start: int
    end: int
    kind: str                          # "measure" | "narrative" | "unexplained"
    attrs: tuple[tuple[str, str], ...] = ()
    label: str = ""
    title: str = ""


@dataclass(frozen=True)
class Coverage:
    """Numbers in outcome cells: attributed to a measure, narrative, or unexplained."""
    attributed: int = 0
    narrative: int = 0
    unexplained: int = 0

    def __add__(self, other: Coverage) -> Coverage:
        return Coverage(self.attributed + other.attributed, self.narrative + other.narrative,
                        self.unexplained + other.unexplained)


# ---------------------------------------------------------------- spans (pure)

def format_value(value: Any) -> str:
    """A cell value as short text: `—` for missing, lists joined, floats in short form."""
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(format_value(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def measure_label(m: Record) -> str:
    """`measure · population · value unit` (+ `@ N mo` for a timepoint)."""
    value = "NR" if m.get("not_reached") else format_value(m.get("value"))
    unit = m.get("unit") or ""
    label = f"{m.get('measure')} · {m.get('population')} · {value}{' ' + unit if unit else ''}"
    timepoint = m.get("timepoint_months")
    return label + (f" @ {format_value(timepoint)} mo" if timepoint is not None else "")


def measure_span(m: Record) -> Span:
    """The highlight for a measure's evidence."""
    attrs = (("measure", str(m.get("measure"))), ("population", str(m.get("population"))),
             ("value", format_value(m.get("value"))), ("column", str(m.get("column"))))
    flags = [str(f) for f in m.get("flags") or []]
    attrs += (("flags", " ".join(flags)),) if flags else ()
    attrs += (("corrected", "yes"),) if m.get("corrected") else ()
    label = measure_label(m)
    note = f"; flags: {', '.join(flags)}" if flags else ""
    return Span(int(m["start"] or 0), int(m["end"] or 0), "measure", attrs, label,
                f"{label} (as reported: {format_value(m.get('value_as_reported'))}"
                f" {format_value(m.get('unit_as_reported'))}{note})")


def narrative_span(n: Record) -> Span:
    """The highlight for a number left out as narrative by a named rule."""
    rule = str(n.get("rule"))
    return Span(int(n["start"]), int(n["end"]), "narrative", (("rule", rule),), rule,
                f"not a measure: {rule}")


def locates(text: str | None, start: Any, end: Any, evidence: Any) -> bool:
    """Whether [start, end) lies in `text` and spells `evidence` there."""
    if not (isinstance(text, str) and isinstance(evidence, str)) or start is None or end is None:
        return False
    return 0 <= start < end <= len(text) and text[start:end] == evidence


def overlaps(start: int, end: int, spans: Iterable[Span]) -> bool:
    return any(s.start < end and start < s.end for s in spans)


def number_coverage(text: str, measures: Sequence[Span],
                    narrative: Sequence[Span]) -> tuple[Coverage, list[Span]]:
    """Classify every number in `text`; return the counts and spans for unexplained ones."""
    counts, unexplained = Coverage(), []
    for match in NUMBER.finditer(text):
        start, end = match.span()
        if overlaps(start, end, measures):
            counts += Coverage(attributed=1)
        elif overlaps(start, end, narrative):
            counts += Coverage(narrative=1)
        else:
            counts += Coverage(unexplained=1)
            unexplained.append(Span(start, end, "unexplained",
                                    title="number not attributed to a measure or rule"))
    return counts, unexplained


def _gaps(start: int, end: int, taken: Sequence[Span]) -> list[tuple[int, int]]:
    """Parts of [start, end) not covered by `taken` (sorted by start)."""
    parts, cursor = [], start
    for s in taken:
        if s.end <= cursor or s.start >= end:
            continue
        if s.start > cursor:
            parts.append((cursor, s.start))
        cursor = max(cursor, s.end)
    return parts + ([(cursor, end)] if cursor < end else [])


def _anchor_after(end: int, placed: Sequence[Span]) -> int:
    """Where a fully covered span ending at `end` goes: after the span that covers it."""
    return next((p.end for p in placed if p.start < end <= p.end), end)


def resolve(spans: Iterable[Span], length: int) -> list[Span]:
    """Non-overlapping spans in text order; measures win overlaps and are never dropped.

    A measure keeps the first part of its range no earlier measure covers, or, when fully
    covered, becomes a zero-width mark (label only) right after the span covering it. Other
    spans, by `PRIORITY`, keep every part not yet covered.
    """
    clamped = [replace(s, start=max(0, min(s.start, length)), end=max(0, min(s.end, length)))
               for s in spans]
    placed: list[Span] = []
    for s in sorted(clamped, key=lambda s: (PRIORITY.get(s.kind, 9), s.start, -s.end)):
        gaps = _gaps(s.start, s.end, sorted(placed, key=lambda p: p.start))
        if s.kind != "measure":
            placed += [replace(s, start=a, end=b) for a, b in gaps]
        elif gaps:
            placed.append(replace(s, start=gaps[0][0], end=gaps[0][1]))
        else:
            anchor = _anchor_after(s.end, placed)
            placed.append(replace(s, start=anchor, end=anchor))
    return sorted(placed, key=lambda s: (s.start, s.end))


# ---------------------------------------------------------------- HTML (pure)

def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def span_html(span: Span, inner: str) -> str:
    """One highlight element around already-escaped `inner` text."""
    data = "".join(f' data-{k}="{esc(v)}"' for k, v in span.attrs)
    title = f' title="{esc(span.title)}"' if span.title else ""
    if span.kind == "unexplained":
        return f'<span class="unexplained"{title}>{inner}</span>'
    label = f'<span class="label">{esc(span.label)}</span>' if span.label else ""
    return f'<mark class="{span.kind}"{data}{title}>{inner}{label}</mark>'


def highlight(text: str, spans: Iterable[Span]) -> str:
    """`text` as HTML with `spans` highlighted (overlaps resolved by `resolve`)."""
    out, pos = [], 0
    for span in resolve(spans, len(text)):
        out += [esc(text[pos:span.start]), span_html(span, esc(text[span.start:span.end]))]
        pos = span.end
    return "".join([*out, esc(text[pos:])])
