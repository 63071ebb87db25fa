"""HTML tables -> Grid(s), rowspan and colspan honoured (lxml parses, we only lay out)."""
from __future__ import annotations

import re

from lxml import html as lxml_html

from ..errors import InputError, Reject, reject_text
from ..model import Cell, Grid, GridRow
from ..normalize.abbreviations import is_unlabelled_legend, legend_and_notes, legend_label
from .text import LABEL, MAX_LINE_CHARS


def _text(el) -> str:
    for br in el.iter("br"):          # "Nivolumab +<br>CBDCA": a line break is a space
        br.tail = " " + (br.tail or "")
    return re.sub(r"[ \t\r\n]+", " ", el.text_content()).strip()


_BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "span", "strong", "b", "caption", "header",
           "figcaption", "li", "dt", "dd", "label"}


def _blocks_around(t, levels: int = 4) -> tuple[list, list]:
    """Text blocks before and after table `t` within its nearest ancestors (PMC puts the
    "Table 6." heading and the caption before the table's wrapper, the footnotes after it)."""
    anc = t
    for _ in range(levels):
        if anc.getparent() is None:
            break
        anc = anc.getparent()
    before, after, seen = [], [], False
    inside = set(t.iter())
    for el in anc.iter():
        if el is t:
            seen = True
            continue
        if el in inside or not isinstance(el.tag, str) or el.tag not in _BLOCKS:
            continue
        if any(child.tag in _BLOCKS or child.tag == "table" for child in el if isinstance(child.tag, str)):
            continue                     # only the innermost blocks carry their own text
        (after if seen else before).append(el)
    return before, after


def _rows(el) -> list:
    return [tr for tr in el.iter("tr")]


def html_to_grids(source: str, text: str) -> list[Grid]:
    return read_html(source, text)[0]


def read_html(source: str, text: str) -> tuple[list[Grid], list[Reject]]:
    """HTML tables -> (grids, rejected rows): a row with a cell longer than MAX_LINE_CHARS is
    rejected (reported with its source line), not parsed."""
    if not text.strip():
        raise InputError("empty file: no text", line=1)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)   # lxml refuses a str with an encoding declaration
    try:
        doc = lxml_html.fromstring(text)
    except Exception as e:  # lxml raises several types for garbage input
        raise InputError(f"cannot parse HTML: {e}", line=1) from None
    tables = doc.xpath("//table")
    if not tables:
        raise InputError("no <table> element found", line=1)
    grids, rejects = [], []
    for t in tables:
        g = _table_to_grid(source, t)
        rows = []
        for r in g.rows:
            long = [c for c in r.cells if c is not None and len(c.text) > MAX_LINE_CHARS]
            if long:
                rejects.append(Reject(r.line, reject_text(long[0].text),
                                      f"cell too long to be a table cell ({len(long[0].text):,} characters, "
                                      f"limit {MAX_LINE_CHARS:,})"))
            else:
                rows.append(r)
        grids.append(g if len(rows) == len(g.rows) else _with_rows(g, rows))
    return grids, rejects


def _with_rows(g: Grid, rows: list[GridRow]) -> Grid:
    from dataclasses import replace
    return replace(g, rows=tuple(rows))


def _table_to_grid(source: str, t) -> Grid:
    label = title = None
    cap = t.find("caption")
    if cap is not None:
        ct = _text(cap)
        m = LABEL.match(ct)
        if m:
            label, title = m.group(1), m.group(2) or None
        else:
            title = ct or None
    if label is None:
        # no <caption>: a "Table N." heading and caption text just before the table
        before, _ = _blocks_around(t)
        texts = [x for x in (_text(b) for b in before[-6:]) if x]
        for k in range(len(texts) - 1, -1, -1):
            m = LABEL.match(texts[k])
            if m and len(texts[k]) < 400:
                label = m.group(1)
                title = title or (m.group(2) or " ".join(texts[k + 1:]) or None)
                break
    trs = _rows(t)
    head_trs = [tr for tr in trs if tr.getparent().tag == "thead"]
    if not head_trs:
        head_trs = [tr for tr in trs if tr.find("th") is not None and tr.find("td") is None][:1] or trs[:1]
    body_trs = [tr for tr in trs if tr not in head_trs]
    header_grid = _layout(head_trs)
    if not header_grid:
        raise InputError("table has no header row", line=t.sourceline)
    ncols = max(len(r) for r in header_grid)
    header = []
    for c in range(ncols):
        parts = []
        for r in header_grid:
            if c < len(r) and r[c] is not None and r[c][0] not in parts:
                parts.append(r[c][0])
        header.append(" ".join(p for p in parts if p))
    rows: list[GridRow] = []
    legend_rows: list[str] = []         # a legend printed as a row of the table (a <tfoot>)
    laid = _layout(body_trs, ncols)
    for tr, cells in zip(body_trs, laid):
        tds = tr.findall("td") + tr.findall("th")
        lone = _text(tds[0]) if len(tds) == 1 else ""
        if lone and (legend_label(lone) is not None or is_unlabelled_legend(lone)):
            legend_rows.append(lone)
            continue
        if len(tds) == 1 and int(tds[0].get("colspan", "1")) >= max(2, ncols - 1):
            rows.append(GridRow(cells=tuple(None for _ in range(ncols)), line=tr.sourceline,
                                section=_text(tds[0])))
            continue
        out = []
        for c in range(ncols):
            v = cells[c] if c < len(cells) else None
            if v is None or not v[0]:
                out.append(None)
            else:
                out.append(Cell(v[0], tr.sourceline, spanned=v[1]))
        last = max((e.sourceline for e in tr.iter() if e.sourceline), default=tr.sourceline)
        rows.append(GridRow(cells=tuple(out), line=tr.sourceline, line_end=last))
    legend, notes = _legend_after(t, legend_rows)
    return Grid(source=source, label=label, title=title, header=tuple(header), rows=tuple(rows),
                legend=legend, notes=tuple(notes), header_line=head_trs[0].sourceline if head_trs else None)


def _layout(trs, ncols: int | None = None) -> list[list[tuple[str, bool] | None]]:
    """Expand rowspan/colspan: each slot holds (text, spanned_from_above)."""
    grid: list[list[tuple[str, bool] | None]] = []
    carry: dict[int, tuple[str, int]] = {}   # column -> (text, rows still to fill)
    for tr in trs:
        row: list[tuple[str, bool] | None] = []
        col = 0
        cells = [c for c in tr if c.tag in ("td", "th")]

        def fill_carry():
            nonlocal col
            while col in carry:
                txt, left = carry[col]
                row.append((txt, True))
                if left <= 1:
                    del carry[col]
                else:
                    carry[col] = (txt, left - 1)
                col += 1

        for c in cells:
            fill_carry()
            txt = _text(c)
            try:
                rs = max(1, int(c.get("rowspan", "1")))
                cs = max(1, int(c.get("colspan", "1")))
            except ValueError:
                rs = cs = 1
            for k in range(cs):
                row.append((txt, False) if k == 0 else (txt, False))
                if rs > 1:
                    carry[col] = (txt, rs - 1)
                col += 1
        fill_carry()
        if ncols:
            row += [None] * (ncols - len(row))
        grid.append(row)
    return grid


def _legend_after(t, inside: list[str]) -> tuple[str | None, list[str]]:
    """The legend (labelled or not) and footnotes after the table, up to the next table;
    `inside`: legend rows of the table itself."""
    texts: list[str] = []
    _, after = _blocks_around(t, levels=3)
    for el in after:
        if any(a.tag == "table" for a in el.iterancestors()) or el.getprevious() is not None and \
                el.getprevious().tag == "table" and el.getprevious() is not t:
            break
        txt = _text(el)
        if LABEL.match(txt):
            break                    # the next table's heading
        texts.append(txt)
    # each block is a paragraph of its own: a legend does not run on into the next one
    return legend_and_notes([line for txt in [*inside, *texts] for line in (txt, "")])
