"""Pasted plain text -> TextTable(s): label, title, header line, body lines, legend.

The body lines still hold whole rows with cells joined by single spaces; splitting them into
columns is `pipeline.table.align`'s job.
"""
from __future__ import annotations

import re

from ..errors import InputError
from ..model import Line, TextTable
from ..table.header import classify_header, split_header_line

# Lines a browser copy of a PMC page adds around a table.
CHROME_PATTERNS = [
    re.compile(r"^\s*skip to main content\s*$", re.I),
    re.compile(r"^\s*\.?\s*\d{4}\s+[A-Z][a-z]{2}\b.*(doi|\d+\(\d+\))", re.I),  # ". 2023 Jul 8;42(3):1021–1054. doi: …"
    re.compile(r"^\s*doi:\s*\S+\s*$", re.I),
    re.compile(r"^\s*(open in a new tab|copy|download|view|share|cite)\s*$", re.I),
]
LABEL = re.compile(r"^\s*(?:#+\s*)?\**\s*(Table\s+[A-Z]?\d+[A-Za-z]?)\s*[.:]?\**\s*(.*?)\s*$")
LEGEND = re.compile(r"^\s*(Abbreviations?|Abbr\.)\s*[:.]\s*(.*)$", re.I)

MIN_HEADER_CELLS = 2


def split_lines(text: str) -> list[Line]:
    return [Line(i + 1, t) for i, t in enumerate(re.split(r"\r\n|\r|\n", text))]


def is_chrome(line: str) -> bool:
    return any(p.search(line) for p in CHROME_PATTERNS)


def looks_like_header(line: str) -> bool:
    cells = split_header_line(line)
    if len(cells) < 2:
        return False
    known = [classify_header(c).canonical for c in cells]
    n_known = sum(1 for k in known if k != "extra")
    return n_known >= MIN_HEADER_CELLS and n_known * 2 >= len(cells) and not re.search(r"\bNCT\d{8}\b", line)


def find_header(lines: list[Line], start: int) -> int | None:
    for i in range(start, len(lines)):
        if lines[i].text.strip() and looks_like_header(lines[i].text):
            return i
    return None


def text_to_tables(source: str, text: str) -> list[TextTable]:
    """Split pasted text into its tables (one per "Table N" label with a header after it)."""
    lines = split_lines(text)
    if not any(ln.text.strip() for ln in lines):
        raise InputError("empty file: no text")
    label_idx = [i for i, ln in enumerate(lines) if LABEL.match(ln.text) and len(ln.text) < 400]
    starts = label_idx or [0]
    tables = []
    for k, s in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        t = _one_table(source, lines[s:end], labelled=bool(label_idx))
        if t is not None:
            tables.append(t)
    if not tables:
        raise InputError("no table header found (no line names at least two known columns "
                         "such as Trial, Phase, Treatment, ORR)", line=lines[0].number)
    return tables


def _one_table(source: str, lines: list[Line], labelled: bool) -> TextTable | None:
    label = title = None
    i = 0
    if labelled:
        m = LABEL.match(lines[0].text)
        label = m.group(1)
        rest = m.group(2).strip()
        if rest:
            title = rest
        i = 1
    h = find_header(lines, i)
    if h is None:
        return None
    if title is None:
        pre = [ln.text.strip() for ln in lines[i:h] if ln.text.strip() and not is_chrome(ln.text)]
        title = " ".join(pre) or None
    body: list[Line] = []
    notes: list[str] = []
    legend_parts: list[str] = []
    j = h + 1
    # body: non-blank lines up to the first blank line after at least one body line, or the legend
    while j < len(lines):
        t = lines[j].text
        if LEGEND.match(t):
            break
        if not t.strip():
            if body:
                break
            j += 1
            continue
        if not is_chrome(t):
            body.append(lines[j])
        j += 1
    in_legend = False
    while j < len(lines):
        t = lines[j].text
        m = LEGEND.match(t)
        if m:
            in_legend = True
            legend_parts.append(m.group(2).strip())
        elif t.strip() and not is_chrome(t):
            (legend_parts if in_legend else notes).append(t.strip())
        elif not t.strip():
            in_legend = False
        j += 1
    return TextTable(source=source, label=label, title=title, header=lines[h], body=tuple(body),
                     legend=" ".join(legend_parts) or None, notes=tuple(notes))
