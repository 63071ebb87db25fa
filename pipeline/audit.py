"""Review pages: static HTML on which a curator traces every number to its text and finds
every doubtful row.

`extracted/review/index.html` lists the run's sources with their counts (arms, flagged arms,
measures, flagged measures, numbers nobody explained, rejected lines) and links to one page
per source (`<source>.html`). A source page shows, per table, each row with the source lines
it came from (line numbers, and the lines themselves when the input file is at hand), its
cells with every measure's evidence highlighted and labelled (numeric cells too, from
`arms.cells`), numbers the extractor deliberately left out (narrative) with their rule,
numbers nobody explained underlined, and its review flags. Flagged rows stand out, and the
page's "flagged rows only" link (a CSS `:target` rule, no script, works offline) hides the
others. Rejected lines and the source's abbreviations close the page.

Every measure with evidence gets exactly one `<mark class="measure">` (pipeline/highlight.py
places them): in its cell when that cell's text is known and spells the evidence at its
offsets; otherwise in the row's list of unplaced measures, which says which of the two it is
(no cell text stored, or offsets that do not match: the only real alarm).

The `flags` (list) and `corrected` (bool) columns of arms and measures are read when present.
Rendering is pure (`render_source_page`, `render_index`); `write_review` reads the dataset
and the input files and writes the pages (mode 0666 less the umask, each page atomically).
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.dataset import (Record, SourceData, group, load_dataset, read_lines,
                              source_files, sources_of)
from pipeline.highlight import (Coverage, Span, esc, format_value, highlight, locates,
                                measure_label, measure_span, narrative_span, number_coverage,
                                resolve, span_html)

__all__ = ["Coverage", "Span", "highlight", "resolve", "render_source_page", "render_index",
           "write_review"]

OUTCOMES = "outcomes_text"
ARM_KEY = ("source", "table", "row")
# shown in the section heading or the row heading, not among a row's fields
NOT_FIELDS = {"source", "table", "title", "row", "line_no", "line_end", "page", "cells",
              "flags", "corrected"}
FILLED_TITLE = "filled from the row above"
GENERATOR = "trialtables review"      # marks the pages this module wrote (stale ones go)
MAX_SOURCE_LINES = 40                 # of one row: a longer span shows its first lines
FLAGGED_ID = "flagged"                # #flagged: the :target that lists flagged rows alone
MAX_INDEX_FLAGGED = 5000              # flagged rows linked from the index (pages list all)

CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#111827;background:#fff}
h1{font-size:22px;margin:0 0 8px} h2{font-size:18px;margin:28px 0 6px}
h3{font-size:16px;margin:18px 0 6px} .muted{color:#6b7280}
a{color:#1d4ed8} table.summary{border-collapse:collapse;margin:6px 0 14px}
table.summary td,table.summary th{border:1px solid #d1d5db;padding:2px 8px;text-align:right}
table.summary th{background:#f3f4f6} table.summary td.name{text-align:left}
table.summary tr.has-flagged td.name{border-left:4px solid #dc2626}
.legend span{margin-right:14px;white-space:nowrap;display:inline-block}
nav.filter{margin:8px 0;padding:6px 10px;background:#f3f4f6;border-radius:6px}
nav.filter a{margin-right:16px} #flagged:target ~ nav.filter .all-note{display:none}
nav.filter .flagged-note{display:none}
#flagged:target ~ nav.filter .flagged-note{display:inline}
#flagged:target ~ main article.arm:not(.flagged){display:none}
#flagged:target ~ main section.table:not(.has-flagged){display:none}
article.arm{border:1px solid #d1d5db;border-radius:6px;padding:8px 12px;margin:10px 0}
article.arm.flagged{border:2px solid #dc2626;background:#fef2f2}
article.arm h4{margin:0 0 6px;font-size:14px}
span.flag{display:inline-block;font-size:11px;background:#dc2626;color:#fff;
  border-radius:3px;padding:0 5px;margin-left:6px;font-weight:600}
span.corrected{display:inline-block;font-size:11px;background:#047857;color:#fff;
  border-radius:3px;padding:0 5px;margin-left:6px}
pre.source{background:#f9fafb;border:1px solid #e5e7eb;border-radius:4px;padding:4px 8px;
  margin:4px 0 8px;white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px}
pre.source .ln{color:#9ca3af;user-select:none;display:inline-block;min-width:3.5em}
dl.fields{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));
  gap:2px 14px;margin:0 0 8px}
dl.fields div{display:flex;gap:6px;min-width:0}
dl.fields dt{color:#6b7280;flex:none} dl.fields dd{margin:0;overflow-wrap:anywhere}
dl.cells{margin:4px 0;line-height:2.1} dl.cells div{display:flex;gap:8px} dl.cells dd{margin:0}
dl.cells dt{color:#6b7280;flex:none;min-width:9em}
dd.filled{background:#e5e7eb;font-style:italic;padding:0 3px;border-radius:3px}
dd.filled::before{content:"\\2193 ";color:#6b7280}
.null{color:#9ca3af} mark{padding:1px 2px;border-radius:3px;color:#111827}
mark.measure,.key-measure{background:#fde68a;border-bottom:2px solid #b45309}
mark.measure[data-flags]{outline:2px solid #dc2626}
mark.narrative,.key-narrative{background:#dbeafe;border-bottom:2px dashed #1d4ed8}
.key-filled{background:#e5e7eb;font-style:italic;padding:0 3px}
.key-flagged{border:2px solid #dc2626;background:#fef2f2;padding:0 3px}
mark .label{font-size:10px;line-height:1;margin-left:3px;padding:1px 3px;
  border-radius:3px;vertical-align:super;white-space:nowrap}
mark.measure .label{background:#92400e;color:#fff} mark.narrative .label{background:#1d4ed8;color:#fff}
span.unexplained{text-decoration:underline wavy #dc2626;text-underline-offset:3px}
ul.unplaced{margin:4px 0;padding-left:20px;line-height:2.1}
table.rejects{border-collapse:collapse} table.rejects td{border:1px solid #e5e7eb;
  padding:2px 6px;vertical-align:top;font-size:12px}
"""


def flags_of(record: Record) -> list[str]:
    """A row's review flags (none when the dataset has no `flags` column)."""
    return [str(f) for f in record.get("flags") or []]


def cell_texts(arm: Record) -> dict[str, str]:
    """Every text of an arm a measure can be read from: its text columns and, from `cells`,
    the numeric cells as written (key: the column, `@T` when two share a name)."""
    texts = {c: v for c, v in arm.items() if isinstance(v, str) and c not in NOT_FIELDS}
    stored = arm.get("cells")
    if isinstance(stored, str):
        try:
            cells = json.loads(stored)
        except ValueError:
            cells = {}
        if isinstance(cells, dict):
            texts.update({str(k): v for k, v in cells.items() if isinstance(v, str)})
    return texts


def _keys_for(column: Any, texts: dict[str, str]) -> list[str]:
    """The cell keys that may hold a number read from `column` ("pfs_rate", "pfs_rate@6")."""
    if not isinstance(column, str):
        return []
    return [k for k in texts if k == column or re.fullmatch(re.escape(column) + r"(@.*|'+)", k)]


def place(texts: dict[str, str], column: Any, start: Any, end: Any,
          evidence: Any) -> tuple[str | None, bool]:
    """(the key of the cell that spells `evidence` at [start, end), whether the row holds a
    cell of that column at all); a known cell that does not spell it is a real mismatch."""
    keys = _keys_for(column, texts)
    hit = next((k for k in keys if locates(texts[k], start, end, evidence)), None)
    return hit, bool(keys)


@dataclass(frozen=True)
class ArmView:
    """One arm with its spans placed per cell, what could not be placed, and its flags."""
    arm: Record
    texts: dict[str, str]                  # cell key -> text
    spans: dict[str, list[Span]]           # cell key -> spans over that cell's text
    unplaced: list[tuple[Record, bool]]    # measures not placed; True: offsets do not match
    narrative_unplaced: list[Record]
    coverage: Coverage
    flags: list[str] = field(default_factory=list)          # the arm's own flags
    measure_flags: list[str] = field(default_factory=list)  # its measures' flags

    @property
    def flagged(self) -> bool:
        return bool(self.flags or self.measure_flags)

    @property
    def placed(self) -> int:
        """Measures highlighted in their cell."""
        return sum(s.kind == "measure" for spans in self.spans.values() for s in spans)

    @property
    def with_evidence(self) -> int:
        """Measures with evidence: each has one `<mark class="measure">`, placed or listed."""
        return self.placed + sum(m.get("evidence") is not None for m, _ in self.unplaced)

    @property
    def mismatched(self) -> int:
        """Measures whose cell is known but does not spell their evidence (a real alarm)."""
        return sum(bad for _, bad in self.unplaced)


def arm_view(arm: Record, measures: Sequence[Record], narrative: Sequence[Record]) -> ArmView:
    """Place the measures and narrative numbers of one arm on its cell texts."""
    texts = cell_texts(arm)
    spans: dict[str, list[Span]] = {}
    unplaced, narrative_unplaced = [], []
    for m in measures:
        key, known = place(texts, m.get("column"), m.get("start"), m.get("end"),
                           m.get("evidence"))
        if key is not None:
            spans.setdefault(key, []).append(measure_span(m))
        else:
            unplaced.append((m, known and m.get("evidence") is not None))
    for n in narrative:
        key, _ = place(texts, n.get("column"), n.get("start"), n.get("end"), n.get("text"))
        if key is not None:
            spans.setdefault(key, []).append(narrative_span(n))
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
    measure_flags = sorted({f for m in measures for f in flags_of(m)})
    return ArmView(arm, texts, spans, unplaced, narrative_unplaced, coverage,
                   flags_of(arm), measure_flags)


def _value_html(value: Any) -> str:
    if value is None or value == []:
        return f'<span class="null">{"—" if value is None else "[]"}</span>'
    return esc(format_value(value))


def _field_html(view: ArmView, column: str) -> str:
    value = view.arm.get(column)
    filled = column in (view.arm.get("filled") or [])
    attrs = f' class="filled" title="{FILLED_TITLE}"' if filled else ""
    if isinstance(value, str) and column in view.spans:
        inner = highlight(value, view.spans[column])
    else:
        inner = _value_html(value)
    return f"<div><dt>{esc(column)}</dt><dd{attrs}>{inner}</dd></div>"


def _cells_html(view: ArmView) -> str:
    """The cells measures were read from, as written, evidence highlighted (outcomes last)."""
    stored = [k for k in view.texts if not isinstance(view.arm.get(k), str)]
    shown = stored + ([OUTCOMES] if isinstance(view.arm.get(OUTCOMES), str) else [])
    rows = [f'<div><dt>{esc(k)}</dt><dd data-cell="{esc(k)}">'
            f"{highlight(view.texts[k], view.spans.get(k, []))}</dd></div>" for k in shown]
    return f'<dl class="cells">{"".join(rows)}</dl>' if rows else ""


def _list_item(shown: str, note: str) -> str:
    return f'<li>{shown} <span class="muted">({esc(note)})</span></li>'


def _unplaced_html(view: ArmView) -> str:
    """Measures and narrative numbers that could not be highlighted in their cell."""
    items = []
    for m, mismatch in view.unplaced:
        where = f"{m.get('column')} [{m.get('start')}:{m.get('end')}]"
        if m.get("evidence") is None:
            items.append(_list_item(esc(measure_label(m)), f"no evidence, {where}"))
        else:
            note = ("offsets do not match the cell text" if mismatch
                    else "cell text not stored in this dataset")
            items.append(_list_item(span_html(measure_span(m), esc(m["evidence"])),
                                    f"{note}: {where}"))
    items += [_list_item(span_html(narrative_span(n), esc(n.get("text"))),
                         f"narrative not placed: {n.get('column')} [{n.get('start')}:"
                         f"{n.get('end')}]") for n in view.narrative_unplaced]
    return f'<ul class="unplaced">{"".join(items)}</ul>' if items else ""


def line_span(arm: Record) -> tuple[int, int] | None:
    """The first and last source line of a row (None when the dataset does not say)."""
    first = arm.get("line_no")
    if not isinstance(first, int):
        return None
    last = arm.get("line_end")
    return first, last if isinstance(last, int) and last >= first else first


def _lines_html(arm: Record, lines: Sequence[str] | None) -> tuple[str, str]:
    """(`lines 12–14` for the heading, the lines themselves when the input is at hand)."""
    span = line_span(arm)
    if span is None:
        return "", ""
    first, last = span
    page = f"page {arm['page']}, " if arm.get("page") is not None else ""
    where = f"{page}line {first}" if first == last else f"{page}lines {first}–{last}"
    if not lines or first > len(lines):
        return where, ""
    shown = range(first, min(last, first + MAX_SOURCE_LINES - 1, len(lines)) + 1)
    body = "\n".join(f'<span class="ln">{n}</span>{esc(lines[n - 1])}' for n in shown)
    more = last - shown[-1]
    tail = f'\n<span class="muted">… {more} more line(s)</span>' if more > 0 else ""
    return where, (f'<pre class="source" data-lines="{first}-{last}">{body}{tail}</pre>')


def _chips(flags: Sequence[str], css: str = "flag") -> str:
    return "".join(f'<span class="{css}">{esc(f)}</span>' for f in flags)


def row_anchor(arm: Record) -> str:
    return f"{_anchor(arm)}-r{arm.get('row')}"


def arm_html(view: ArmView, lines: Sequence[str] | None = None) -> str:
    """One arm: heading with its lines and flags, the source lines, fields, cells, unplaced."""
    arm = view.arm
    columns = [c for c in arm if c not in NOT_FIELDS and c != OUTCOMES]
    heading = " · ".join(esc(format_value(arm.get(c))) for c in ("agent", "treatment")
                         if arm.get(c) is not None)
    where, source = _lines_html(arm, lines)
    flags = list(dict.fromkeys([*view.flags, *view.measure_flags]))
    corrected = _chips(["corrected"], "corrected") if arm.get("corrected") else ""
    css = "arm flagged" if view.flagged else "arm"
    data = f' data-flags="{esc(" ".join(flags))}"' if flags else ""
    data += f' data-lines="{esc(where)}"' if where else ""
    return (f'<article class="{css}" id="{esc(row_anchor(arm))}"{data}>'
            f'<h4>Row {esc(arm.get("row"))} <span class="muted">{esc(where)}'
            f'{" · " if where and heading else ""}{heading}</span>{_chips(flags)}{corrected}'
            f"</h4>{source}"
            f'<dl class="fields">{"".join(_field_html(view, c) for c in columns)}</dl>'
            f"{_cells_html(view)}{_unplaced_html(view)}</article>")


def _anchor(arm: Record) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", f"{arm.get('source')}-{arm.get('table')}")


@dataclass(frozen=True)
class Counts:
    """What the index says about one source (or the whole run)."""
    arms: int = 0
    flagged_arms: int = 0
    measures: int = 0
    flagged_measures: int = 0
    mismatched: int = 0
    rejects: int = 0
    coverage: Coverage = Coverage()

    def __add__(self, o: Counts) -> Counts:
        return Counts(self.arms + o.arms, self.flagged_arms + o.flagged_arms,
                      self.measures + o.measures, self.flagged_measures + o.flagged_measures,
                      self.mismatched + o.mismatched, self.rejects + o.rejects,
                      self.coverage + o.coverage)


def coverage_html(coverage: Coverage, marks: int, placed: int) -> str:
    """The coverage table of one section."""
    cells = (coverage.attributed, coverage.narrative, coverage.unexplained, marks, placed)
    return ('<table class="summary"><tr><th>numbers in outcome cells: attributed</th>'
            "<th>narrative</th><th>unexplained</th><th>measures with evidence</th>"
            "<th>placed in their cell</th></tr>"
            f'<tr>{"".join(f"<td>{n}</td>" for n in cells)}</tr></table>')


def table_html(arms: Sequence[Record], measures: dict[tuple, list[Record]],
               narrative: dict[tuple, list[Record]],
               lines: Sequence[str] | None = None) -> tuple[str, Counts]:
    """One table's section and its counts."""
    views = [arm_view(a, measures.get(tuple(a.get(c) for c in ARM_KEY), []),
                      narrative.get(tuple(a.get(c) for c in ARM_KEY), [])) for a in arms]
    coverage = sum((v.coverage for v in views), Coverage())
    with_evidence, placed = sum(v.with_evidence for v in views), sum(v.placed for v in views)
    mine = [m for a in arms for m in measures.get(tuple(a.get(c) for c in ARM_KEY), [])]
    counts = Counts(arms=len(views), flagged_arms=sum(v.flagged for v in views),
                    measures=len(mine), flagged_measures=sum(bool(flags_of(m)) for m in mine),
                    mismatched=sum(v.mismatched for v in views), coverage=coverage)
    first = arms[0]
    css = "table has-flagged" if counts.flagged_arms else "table"
    section = (f'<section class="{css}" id="{esc(_anchor(first))}" '
               f'data-source="{esc(first.get("source"))}" '
               f'data-table="{esc(first.get("table") or "")}">'
               f'<h3>{esc(format_value(first.get("table")))} <span class="muted">'
               f'{esc(first.get("title") or "")}</span></h3>'
               f"{coverage_html(coverage, with_evidence, placed)}"
               f'{"".join(arm_html(v, lines) for v in views)}</section>')
    return section, counts


def abbreviations_html(rows: Sequence[Record]) -> str:
    """A source's abbreviations as one line of `short = long (origin)`."""
    if not rows:
        return ""
    items = "; ".join(f"<b>{esc(r.get('short'))}</b> = {esc(r.get('long'))}"
                      f' <span class="muted">({esc(r.get("origin"))})</span>' for r in rows)
    return f'<p class="abbreviations"><b>Abbreviations</b>: {items}</p>'


def rejects_html(rows: Sequence[Record]) -> str:
    """A source's rejected lines and values, with their reasons."""
    if not rows:
        return ""
    body = "".join(f"<tr><td>{esc(format_value(r.get('line')))}</td><td>{esc(r.get('level'))}"
                   f"</td><td>{esc(r.get('reason'))}</td><td>{esc(r.get('text') or '')}</td>"
                   "</tr>" for r in rows)
    return (f'<h3>Rejected <span class="muted">({len(rows)})</span></h3>'
            f'<table class="rejects"><tr><th>line</th><th>level</th><th>reason</th>'
            f"<th>text</th></tr>{body}</table>")


LEGEND = ('<p class="legend"><span class="key-measure">measure evidence, labelled '
          'measure · population · value</span> <span class="key-narrative">narrative '
          'number, labelled with its rule</span> <span class="unexplained">unexplained '
          f'number</span> <span class="key-filled">↓ {FILLED_TITLE}</span> '
          '<span class="key-flagged">flagged row: needs a human look</span></p>')


def _page(title: str, body: str) -> str:
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="generator" content="{GENERATOR}"><title>{esc(title)}</title>'
            f"<style>{CSS}</style></head><body>{body}</body></html>\n")


def render_source_page(data: SourceData, lines: Sequence[str] | None = None,
                       index: str = "index.html") -> tuple[str, Counts]:
    """The page of one source, and its counts for the index."""
    measures = group(data.measures, ARM_KEY)
    narrative = group(data.narrative, ARM_KEY)
    sections, counts = [], Counts(rejects=len(data.rejects))
    for rows in group(data.arms, ("table",)).values():
        section, c = table_html(rows, measures, narrative, lines)
        sections.append(section)
        counts += c
    src = esc(data.source)
    nav = (f'<nav class="filter"><a href="{esc(index)}">all sources</a>'
           f'<a href="#{FLAGGED_ID}">flagged rows only ({counts.flagged_arms})</a>'
           f'<a href="#">all rows ({counts.arms})</a>'
           '<span class="muted all-note">showing all rows</span>'
           '<span class="muted flagged-note">showing flagged rows only</span></nav>')
    body = (f'<h1>{src}</h1><p class="muted">{counts.arms} arms ({counts.flagged_arms} '
            f"flagged), {counts.measures} measures ({counts.flagged_measures} flagged), "
            f"{counts.rejects} rejected; numbers in outcome cells: "
            f"{counts.coverage.attributed} attributed, {counts.coverage.narrative} narrative, "
            f"{counts.coverage.unexplained} unexplained.</p>{LEGEND}"
            f'<span id="{FLAGGED_ID}"></span>{nav}<main>{"".join(sections)}'
            f"{abbreviations_html(data.abbreviations)}{rejects_html(data.rejects)}</main>")
    return _page(f"{data.source} · trialtables review", body), counts


def flagged_rows(data: SourceData) -> list[tuple[Record, list[str]]]:
    """The source's flagged arms with their flags and their measures' flags."""
    measures = group(data.measures, ARM_KEY)
    out = []
    for arm in data.arms:
        mine = measures.get(tuple(arm.get(c) for c in ARM_KEY), [])
        flags = list(dict.fromkeys([*flags_of(arm), *(f for m in mine for f in flags_of(m))]))
        if flags:
            out.append((arm, flags))
    return out


def _flagged_html(flagged: Sequence[tuple[str, Record, list[str]]]) -> str:
    """The run's flagged rows, each linked to its place on its source's page."""
    items = [f'<li><a href="{esc(page)}#{esc(row_anchor(arm))}">{esc(arm.get("source"))} · '
             f'{esc(format_value(arm.get("table")))} · row {esc(arm.get("row"))}</a> '
             f'{_chips(flags)} <span class="muted">{esc(arm.get("treatment") or "")}</span></li>'
             for page, arm, flags in flagged[:MAX_INDEX_FLAGGED]]
    more = len(flagged) - MAX_INDEX_FLAGGED
    tail = (f'<li class="muted">… {more} more: each source\'s page lists its own</li>'
            if more > 0 else "")
    return (f'<h2 id="{FLAGGED_ID}">Flagged rows ({len(flagged)})</h2>'
            f'<ul class="flagged">{"".join(items)}{tail}</ul>') if flagged else ""


def render_index(rows: Sequence[tuple[str, str, Counts]], flag_counts: dict[str, int],
                 flagged: Sequence[tuple[str, Record, list[str]]] = ()) -> str:
    """The run's index: one line per source (name, page file, counts), the totals, the flag
    codes seen and the flagged rows (linked)."""
    total = sum((c for _, _, c in rows), Counts())
    head = ("<tr><th>source</th><th>arms</th><th>flagged arms</th><th>measures</th>"
            "<th>flagged measures</th><th>unexplained numbers</th><th>evidence not in cell"
            "</th><th>rejected</th></tr>")
    lines = []
    for source, page, c in rows:
        css = ' class="has-flagged"' if c.flagged_arms else ""
        link = (f'<a href="{esc(page)}#{FLAGGED_ID}">{c.flagged_arms}</a>'
                if c.flagged_arms else "0")
        lines.append(f'<tr{css}><td class="name"><a href="{esc(page)}">{esc(source)}</a></td>'
                     f"<td>{c.arms}</td><td>{link}</td><td>{c.measures}</td>"
                     f"<td>{c.flagged_measures}</td><td>{c.coverage.unexplained}</td>"
                     f"<td>{c.mismatched}</td><td>{c.rejects}</td></tr>")
    codes = "".join(f"<li><code>{esc(k)}</code>: {v}</li>" for k, v in sorted(flag_counts.items()))
    body = (f"<h1>trialtables review</h1><p class=\"muted\">{len(rows)} source(s): "
            f"{total.arms} arms ({total.flagged_arms} flagged), {total.measures} measures "
            f"({total.flagged_measures} flagged), {total.rejects} rejected; numbers in outcome "
            f"cells: {total.coverage.attributed} attributed, {total.coverage.narrative} "
            f"narrative, {total.coverage.unexplained} unexplained; {total.mismatched} "
            "measure(s) whose evidence is not in their cell.</p>"
            + (f'<p>Flags (<a href="#{FLAGGED_ID}">the flagged rows</a>):</p><ul>{codes}</ul>'
               if codes else "")
            + f'<table class="summary">{head}{"".join(lines)}</table>'
            + _flagged_html(flagged))
    return _page("trialtables review", body)


# ---------------------------------------------------------------- reading and writing (I/O)

def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str, mode: int | None = None) -> None:
    """Write `text` to `path` through a temp file in the same folder and os.replace; the file
    gets `mode` (default 0666 less the umask, as open() would give it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o666 & ~_umask() if mode is None else mode)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def page_names(sources: Iterable[str]) -> dict[str, str]:
    """A file name per source: its stem with unsafe characters replaced, made unique."""
    taken, names = {"index"}, {}
    for source in sources:
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", source).strip("._")[:120] or "source"
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name.lower())
        names[source] = f"{name}.html"
    return names


def _stale_pages(folder: Path, keep: set[str]) -> list[Path]:
    """Pages in `folder` this module wrote earlier for sources no longer in the run."""
    stale = []
    for path in folder.glob("*.html"):
        if path.name in keep:
            continue
        try:
            with path.open(encoding="utf-8", errors="replace") as handle:
                head = handle.read(400)
        except OSError:
            continue
        if f'content="{GENERATOR}"' in head:
            stale.append(path)
    return stale


def write_review(data: Path, out: Path, inputs: Sequence[Path] = ()) -> Path:
    """Write the review pages of the dataset in `data` into `out`; return the index path."""
    frames = load_dataset(data)
    files = source_files(frames, inputs)
    sources = list(sources_of(frames))
    names = page_names(s.source for s in sources)
    rows, flag_counts, flagged = [], {}, []
    for s in sources:
        flagged += [(names[s.source], arm, flags) for arm, flags in flagged_rows(s)]
        page, counts = render_source_page(s, read_lines(files.get(s.source)))
        write_atomic(out / names[s.source], page)
        rows.append((s.source, names[s.source], counts))
        for record in (*s.arms, *s.measures):
            for f in flags_of(record):
                flag_counts[f] = flag_counts.get(f, 0) + 1
    for path in _stale_pages(out, {*names.values(), "index.html"}):
        path.unlink()
    index = out / "index.html"
    write_atomic(index, render_index(rows, flag_counts, flagged))
    return index
