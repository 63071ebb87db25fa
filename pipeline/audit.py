"""Audit report: one static HTML page on which a curator can trace every number to its text.

Per source and table: a coverage summary, then each arm (data row) with every column
(cells filled from a spanning cell above are marked), its outcome text with every measure's
evidence highlighted and labelled, numbers the extractor deliberately left out (narrative)
marked with the rule that left them out, and numbers nobody explained underlined.

Every measure with evidence gets exactly one `<mark class="measure">`: in its cell's text when
that text is known and the offsets match the evidence, otherwise in the row's list of
unplaced measures. Overlapping spans never nest across each other: measures win, a later
measure overlapping an earlier one keeps only its uncovered part (possibly just its label),
narrative spans keep only the parts no measure covers.

`render_audit` is pure; `audit_main` is the `python -m pipeline audit` command.
"""
from __future__ import annotations

import argparse
import html
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.diff import DEFAULT_DATA, Record, load_dataset, parse_args, plain_records, run_command

NUMBER = re.compile(r"\d+(?:\.\d+)?")
OUTCOMES = "outcomes_text"
ARM_KEY = ("source", "table", "row")
HEADING_COLUMNS = ("source", "table", "title")   # shown in the section heading, not per row
FILLED_TITLE = "filled from the row above"
PRIORITY = {"measure": 0, "narrative": 1, "unexplained": 2}   # lower wins an overlap

CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#111827;background:#fff}
h1{font-size:22px;margin:0 0 8px} h2{font-size:18px;margin:28px 0 6px}
h3{font-size:16px;margin:18px 0 6px} .muted{color:#6b7280}
table.summary{border-collapse:collapse;margin:6px 0 14px}
table.summary td,table.summary th{border:1px solid #d1d5db;padding:2px 8px;text-align:right}
table.summary th{background:#f3f4f6}
.legend span{margin-right:14px}
article.arm{border:1px solid #d1d5db;border-radius:6px;padding:8px 12px;margin:10px 0}
article.arm h4{margin:0 0 6px;font-size:14px}
dl.fields{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));
  gap:2px 14px;margin:0 0 8px}
dl.fields div{display:flex;gap:6px;min-width:0}
dl.fields dt{color:#6b7280;flex:none} dl.fields dd{margin:0;overflow-wrap:anywhere}
dd.filled{background:#e5e7eb;font-style:italic;padding:0 3px;border-radius:3px}
dd.filled::before{content:"\\2193 ";color:#6b7280}
.null{color:#9ca3af}
p.outcomes{margin:4px 0;line-height:2.1}
mark{padding:1px 2px;border-radius:3px;color:#111827}
mark.measure,.key-measure{background:#fde68a;border-bottom:2px solid #b45309}
mark.narrative,.key-narrative{background:#dbeafe;border-bottom:2px dashed #1d4ed8}
.key-filled{background:#e5e7eb;font-style:italic;padding:0 3px}
mark .label{font-size:10px;line-height:1;margin-left:3px;padding:1px 3px;
  border-radius:3px;vertical-align:super;white-space:nowrap}
mark.measure .label{background:#92400e;color:#fff}
mark.narrative .label{background:#1d4ed8;color:#fff}
span.unexplained{text-decoration:underline wavy #dc2626;text-underline-offset:3px}
ul.unplaced{margin:4px 0;padding-left:20px;line-height:2.1}
"""


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
    label = measure_label(m)
    return Span(int(m["start"]), int(m["end"]), "measure", attrs, label,
                f"{label} (as reported: {format_value(m.get('value_as_reported'))}"
                f" {format_value(m.get('unit_as_reported'))})")


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


def _group(records: Iterable[Record], columns: Sequence[str]) -> dict[tuple, list[Record]]:
    groups: dict[tuple, list[Record]] = {}
    for r in records:
        groups.setdefault(tuple(r.get(c) for c in columns), []).append(r)
    return groups


@dataclass(frozen=True)
class ArmView:
    """One arm with its spans placed per text column and what could not be placed."""
    arm: Record
    spans: dict[str, list[Span]]       # column -> spans over that cell's text
    unplaced: list[Record]             # measures whose cell text or offsets were not found
    narrative_unplaced: list[Record]
    coverage: Coverage

    @property
    def placed(self) -> int:
        """Measures highlighted in their cell."""
        return sum(s.kind == "measure" for spans in self.spans.values() for s in spans)

    @property
    def with_evidence(self) -> int:
        """Measures with evidence: each has one `<mark class="measure">`, placed or listed."""
        return self.placed + sum(m.get("evidence") is not None for m in self.unplaced)


def arm_view(arm: Record, measures: Sequence[Record], narrative: Sequence[Record]) -> ArmView:
    """Place the measures and narrative numbers of one arm on its cell texts."""
    spans: dict[str, list[Span]] = {}
    unplaced, narrative_unplaced = [], []
    for m in measures:
        if locates(arm.get(m.get("column")), m.get("start"), m.get("end"), m.get("evidence")):
            spans.setdefault(m["column"], []).append(measure_span(m))
        else:
            unplaced.append(m)
    for n in narrative:
        if locates(arm.get(n.get("column")), n.get("start"), n.get("end"), n.get("text")):
            spans.setdefault(n["column"], []).append(narrative_span(n))
        else:
            narrative_unplaced.append(n)
    coverage = Coverage()
    text = arm.get(OUTCOMES)
    if isinstance(text, str):
        mine = spans.get(OUTCOMES, [])
        coverage, unexplained = number_coverage(
            text, [s for s in mine if s.kind == "measure"],
            [s for s in mine if s.kind == "narrative"])
        spans[OUTCOMES] = mine + unexplained
    return ArmView(arm, spans, unplaced, narrative_unplaced, coverage)


def _field_html(view: ArmView, column: str) -> str:
    value = view.arm.get(column)
    filled = column in (view.arm.get("filled") or [])
    attrs = f' class="filled" title="{FILLED_TITLE}"' if filled else ""
    if isinstance(value, str) and column in view.spans:
        inner = highlight(value, view.spans[column])
    elif value is None or value == []:
        inner = f'<span class="null">{esc(format_value(value) if value is None else "[]")}</span>'
    else:
        inner = esc(format_value(value))
    return f"<div><dt>{esc(column)}</dt><dd{attrs}>{inner}</dd></div>"


def _list_item(shown: str, note: str) -> str:
    return f'<li>{shown} <span class="muted">({esc(note)})</span></li>'


def _unplaced_html(view: ArmView) -> str:
    """Measures and narrative numbers that could not be highlighted in their cell."""
    items = []
    for m in view.unplaced:
        where = f"{m.get('column')} [{m.get('start')}:{m.get('end')}]"
        if m.get("evidence") is None:
            items.append(_list_item(esc(measure_label(m)), f"no evidence, {where}"))
        else:
            items.append(_list_item(span_html(measure_span(m), esc(m["evidence"])),
                                    f"cell text not found or offsets do not match: {where}"))
    items += [_list_item(span_html(narrative_span(n), esc(n.get("text"))),
                         f"narrative not placed: {n.get('column')} [{n.get('start')}:"
                         f"{n.get('end')}]") for n in view.narrative_unplaced]
    return f'<ul class="unplaced">{"".join(items)}</ul>' if items else ""


def arm_html(view: ArmView) -> str:
    """One arm: heading, every column, the highlighted outcome text, unplaced measures."""
    arm = view.arm
    columns = [c for c in arm if c not in HEADING_COLUMNS and c != OUTCOMES]
    text = arm.get(OUTCOMES)
    outcomes = (f'<p class="outcomes"><b>{OUTCOMES}</b>: '
                f'{highlight(text, view.spans.get(OUTCOMES, []))}</p>'
                if isinstance(text, str) else "")
    heading = " · ".join(esc(format_value(arm.get(c))) for c in ("agent", "treatment")
                         if arm.get(c) is not None)
    return (f'<article class="arm" id="{esc(_anchor(arm))}-r{esc(arm.get("row"))}">'
            f'<h4>Row {esc(arm.get("row"))} <span class="muted">{heading}</span></h4>'
            f'<dl class="fields">{"".join(_field_html(view, c) for c in columns)}</dl>'
            f"{outcomes}{_unplaced_html(view)}</article>")


def _anchor(arm: Record) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", f"{arm.get('source')}-{arm.get('table')}")


def coverage_html(coverage: Coverage, marks: int, placed: int) -> str:
    """The coverage table of one section."""
    cells = (coverage.attributed, coverage.narrative, coverage.unexplained, marks, placed)
    return ('<table class="summary"><tr><th>numbers in outcome cells: attributed</th>'
            "<th>narrative</th><th>unexplained</th><th>measures with evidence</th>"
            "<th>placed in their cell</th></tr>"
            f'<tr>{"".join(f"<td>{n}</td>" for n in cells)}</tr></table>')


def table_html(arms: Sequence[Record], measures: dict[tuple, list[Record]],
               narrative: dict[tuple, list[Record]]) -> tuple[str, Coverage]:
    """One table's section and its coverage."""
    views = [arm_view(a, measures.get(tuple(a.get(c) for c in ARM_KEY), []),
                      narrative.get(tuple(a.get(c) for c in ARM_KEY), [])) for a in arms]
    coverage = sum((v.coverage for v in views), Coverage())
    with_evidence, placed = sum(v.with_evidence for v in views), sum(v.placed for v in views)
    first = arms[0]
    title = esc(first.get("title") or "")
    section = (f'<section class="table" id="{esc(_anchor(first))}" '
               f'data-source="{esc(first.get("source"))}" '
               f'data-table="{esc(first.get("table") or "")}">'
               f'<h3>{esc(format_value(first.get("table")))} <span class="muted">{title}</span>'
               f"</h3>{coverage_html(coverage, with_evidence, placed)}"
               f'{"".join(arm_html(v) for v in views)}</section>')
    return section, coverage


def abbreviations_html(rows: Sequence[Record]) -> str:
    """A source's abbreviations as one line of `short = long (origin)`."""
    if not rows:
        return ""
    items = "; ".join(f"<b>{esc(r.get('short'))}</b> = {esc(r.get('long'))}"
                      f' <span class="muted">({esc(r.get("origin"))})</span>' for r in rows)
    return f'<p class="abbreviations"><b>Abbreviations</b>: {items}</p>'


def _with_table(frame: pd.DataFrame | None, arms: pd.DataFrame) -> list[Record]:
    """Plain records of `frame`, taking `table` from the arm (source, row) when absent."""
    if frame is None or frame.empty:
        return []
    if "table" not in frame.columns:
        tables = arms[["source", "row", "table"]].drop_duplicates(["source", "row"])
        frame = frame.merge(tables, on=["source", "row"], how="left")
    return plain_records(frame)


def render_audit(arms: pd.DataFrame, measures: pd.DataFrame, narrative: pd.DataFrame | None,
                 abbreviations: pd.DataFrame | None) -> str:
    """The whole audit page as one self-contained HTML document."""
    arm_groups = _group(plain_records(arms), ("source", "table"))
    measure_groups = _group(_with_table(measures, arms), ARM_KEY)
    narrative_groups = _group(_with_table(narrative, arms), ARM_KEY)
    abbreviation_groups = _group(plain_records(abbreviations)
                                 if abbreviations is not None else [], ("source",))
    body, total, index = [], Coverage(), []
    for source, keys in _group(({"source": s, "table": t} for s, t in arm_groups),
                               ("source",)).items():
        body.append(f"<h2>{esc(source[0])}</h2>")
        for k in keys:
            section, coverage = table_html(arm_groups[(k["source"], k["table"])],
                                           measure_groups, narrative_groups)
            body.append(section)
            total += coverage
            index.append(f'<li><a href="#{esc(_anchor(k))}">{esc(source[0])} · '
                         f'{esc(format_value(k["table"]))}</a>: {coverage.attributed} '
                         f"attributed, {coverage.narrative} narrative, "
                         f"{coverage.unexplained} unexplained</li>")
        body.append(abbreviations_html(abbreviation_groups.get(source, [])))
    legend = ('<p class="legend"><span class="key-measure">measure evidence, labelled '
              'measure · population · value</span> <span class="key-narrative">narrative '
              'number, labelled with its rule</span> <span class="unexplained">unexplained '
              f'number</span> <span class="key-filled">↓ {FILLED_TITLE}</span></p>')
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            "<title>trialtables audit</title>"
            f"<style>{CSS}</style></head><body><h1>trialtables audit</h1>"
            f'<p class="muted">Numbers in outcome cells: {total.attributed} attributed, '
            f"{total.narrative} narrative, {total.unexplained} unexplained.</p>"
            f"{legend}<ul>{''.join(index)}</ul>{''.join(body)}</body></html>\n")


# ---------------------------------------------------------------- command line

def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temp file in the same folder and os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def audit_from_folder(folder: str | Path) -> str:
    """The audit page of an output folder (narrative.parquet optional)."""
    frames = load_dataset(folder)
    return render_audit(frames["arms"], frames["measures"], frames.get("narrative"),
                        frames["abbreviations"])


def _audit_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline audit",
                                     description="Write the static HTML audit report.")
    parser.add_argument("--data", default=DEFAULT_DATA,
                        help="output folder to audit (default: extracted/)")
    parser.add_argument("--out", help="HTML file to write (default: DATA/audit.html)")
    return parser


def audit_main(argv: Sequence[str]) -> int:
    """`python -m pipeline audit [--data extracted/] [--out extracted/audit.html]`."""
    args = parse_args(_audit_parser(), argv)
    if isinstance(args, int):
        return args

    def body() -> int:
        out = Path(args.out) if args.out else Path(args.data) / "audit.html"
        write_atomic(out, audit_from_folder(args.data))
        print(f"audit: wrote {out}")
        return 0
    return run_command("audit", body)
