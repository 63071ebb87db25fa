"""XHTML-model tables -> Grid: the one grid builder of the HTML and JATS readers.

Both formats hold a table as `<table>` with `thead` / `tbody` / `tr` / `th` / `td`, rowspan and
colspan; the readers find the tables, their labels, captions and footnotes, and hand each
`<table>` element here. lxml parses; this module only reads cells and lays them out:

- `cell_content`: a cell's text with line breaks (`<br>`, `<break/>`, paragraphs) as spaces and
  its lines kept apart (`Cell.lines`: arms or values stacked one a line), footnote marks
  (`<sup>a</sup>`, `<xref ref-type="table-fn">`, a superscript digit glued to a value:
  "10.5<sup>1</sup>") set apart from the text, citations (`<xref ref-type="bibr">`) set apart
  as the row's references;
- `layout`: rowspan / colspan expanded, every copy of a spanning cell marked `spanned` (so the
  arms stage lists it in `filled`);
- `table_to_grid`: header rows joined per column, section rows, repeated header rows rejected,
  the row's citations in the table's reference column (added when it has none).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from lxml import etree

from ..errors import InputError, Reject, reject_text
from ..model import Cell, Grid, GridRow
from ..normalize.abbreviations import is_unlabelled_legend, legend_and_notes, legend_label

# widest table read: a colspan (or a row) past this is an error, not an allocation
MAX_COLUMNS = 1_000
# header of the reference column added when citations sit inside other cells
REF_HEADER = "Ref."

_CITATION_TYPES = {"bibr"}
_MARK_TYPES = {"table-fn", "fn"}
_SKIP = {"script", "style", "template", "noscript", "alt-text", "object-id"}
_LINE_BREAKS = {"br", "break"}
_BLOCK_ENDS = {"p", "div", "li", "list-item", "title", "disp-quote", "def-item", "term"}
# a footnote mark: letters a-z (one or two, or a list "a,b"), or the usual symbols
_MARK = re.compile(r"^(?:[a-z]{1,2}(?:\s*,\s*[a-z]{1,2})*|[*†‡§¶#‖]+|\d{1,2}(?:\s*,\s*\d{1,2})*)$")
# a superscript after "×10" / "x 10" is an exponent, not a mark
_EXPONENT_BASE = re.compile(r"(?:[×xX*]\s*10|10\s*[×xX*]?\s*e?)$")
_WS = re.compile(r"[ \t\r\n\u00a0\u2028\u2029]+")
# what a line break or the end of a block leaves in a cell's raw text: white space to `_WS`
# (the text reads as before), the place the cell's lines are split at
_BREAK = "\u2028"
# placeholders for citations taken out of a cell's text (private-use characters)
_PH0 = 0xE000
_CITE_RUN = r"[\uE000-\uF8FF](?:\s*(?:[,;]|[–—-])\s*[\uE000-\uF8FF])*"
_CITE_BRACKETED = re.compile(r"[\[(]\s*" + _CITE_RUN + r"\s*[\])]")
_CITE_BARE = re.compile(_CITE_RUN)


def tag_of(el) -> str:
    """Local tag name, lower case ('' for comments and processing instructions)."""
    if not isinstance(el.tag, str):
        return ""
    return etree.QName(el).localname.lower() if el.tag.startswith("{") else el.tag.lower()


@dataclass(frozen=True)
class CellContent:
    text: str                        # the cell's text, marks and citations taken out
    marks: tuple[str, ...] = ()      # footnote marks, in order ("a", "†")
    refs: str | None = None          # citations as written ("12, 14–16"), None if none
    refs_only: bool = False          # the cell held nothing but citations: `text` is them
    lines: tuple[str, ...] = ()      # the text's lines when line breaks set it over several


def _flat(el) -> str:
    return "".join(t for t in el.itertext() if isinstance(t, str))


def _is_mark(before: str, sup: str) -> bool:
    s = sup.strip()
    if not s or not _MARK.match(s):
        return False
    if s[0].isdigit():
        # a digit superscript is a mark only glued to a value ("10.5¹", "38%²"), not an
        # exponent ("×10⁹") and not a chemical or statistical symbol ("χ²", "m²")
        b = before.rstrip()
        return bool(b) and (b[-1].isdigit() or b[-1] in "%)") and not _EXPONENT_BASE.search(b)
    return True


def cell_content(el) -> CellContent:
    """The text of a table cell with footnote marks and citations set apart."""
    parts: list[str] = []
    marks: list[str] = []
    cites: list[str] = []
    walker = etree.iterwalk(el, events=("start", "end"))
    for event, node in walker:
        if node is el:
            if event == "start":
                parts.append(el.text or "")
            continue
        tag = tag_of(node)
        if event == "start":
            if _start_tag(node, tag, parts, marks, cites):
                walker.skip_subtree()
            continue
        if tag in _BLOCK_ENDS:
            parts.append(_BREAK)
        parts.append(node.tail or "")
    raw = "".join(parts)
    if not cites:
        return CellContent(_WS.sub(" ", raw).strip(), tuple(marks), None, lines=_lines(raw, _one_line))
    raw, refs = _citations_apart(raw, cites)
    text = _cited_line(raw)
    if not re.search(r"\w", text):
        return CellContent(refs or "", tuple(marks), refs, refs_only=True)
    return CellContent(text, tuple(marks), refs, lines=_lines(raw, _cited_line))


def _one_line(raw: str) -> str:
    return _WS.sub(" ", raw).strip()


def _cited_line(raw: str) -> str:
    return re.sub(r"\s+([,.;:)\]])", r"\1", _WS.sub(" ", raw).strip())


def _lines(raw: str, line) -> tuple[str, ...]:
    """The cell's lines, blank ones left out; () when it has one."""
    out = tuple(t for t in map(line, raw.split(_BREAK)) if t)
    return out if len(out) > 1 else ()


def _start_tag(node, tag: str, parts: list[str], marks: list[str], cites: list[str]) -> bool:
    """An element of a cell opens: what it adds to the text, the marks or the citations.
    True when its content is read here (or skipped) and the walk skips its subtree."""
    if not tag or tag in _SKIP:
        return True
    if tag in _LINE_BREAKS:
        parts.append(_BREAK)
    elif tag == "xref" and node.get("ref-type") in _CITATION_TYPES:
        cites.append(_WS.sub(" ", _flat(node)).strip() or node.get("rid") or "?")
        parts.append(chr(_PH0 + min(len(cites) - 1, 0x18FF)))
        return True
    elif tag == "xref" and node.get("ref-type") in _MARK_TYPES:
        m = _WS.sub("", _flat(node))
        if m:
            marks.append(m)
        return True
    elif tag == "sup" and not any(tag_of(c) == "xref" for c in node.iter()) \
            and _is_mark("".join(parts), _flat(node)):
        marks.append(_WS.sub("", _flat(node)))
        return True
    else:
        parts.append(node.text or "")
    return False


def _citations_apart(raw: str, cites: list[str]) -> tuple[str, str]:
    """The citation placeholders of a cell's text (with their brackets) taken out: the text
    left, and the citations as written, joined by commas."""
    found: list[str] = []

    def take(m: re.Match) -> str:
        found.append(re.sub(r"[\uE000-\uF8FF]", lambda p: cites[ord(p.group()) - _PH0], m.group()).strip("[]() "))
        return " "
    raw = _CITE_BRACKETED.sub(take, raw)
    raw = _CITE_BARE.sub(take, raw)
    return raw, ", ".join(found)


# ------------------------------------------------------------------ layout
@dataclass(frozen=True)
class Slot:
    """One grid position after spans are expanded."""
    content: CellContent
    spanned: bool        # a copy of a cell spanning from the left or from above
    origin: bool = True  # False for the copies (the cell's own position is the origin)


def _span(c, name: str) -> int:
    try:
        return max(1, int(str(c.get(name, "1")).strip() or 1))
    except ValueError:
        return 1


def own_rows(table) -> list:
    """The table's rows (thead, tbody, tfoot or bare tr), not those of tables nested in it."""
    rows = []
    for child in table:
        t = tag_of(child)
        if t == "tr":
            rows.append(child)
        elif t in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if tag_of(r) == "tr")
        elif t == "tgroup":           # CALS tables (see cals_to_xhtml)
            rows.extend(own_rows(child))
    return rows


def cals_to_xhtml(table) -> None:
    """A CALS / OASIS table (tgroup, colspec, row, entry with namest/nameend and morerows),
    as some JATS articles carry, relabelled in place as the XHTML model this module reads."""
    for tgroup in (c for c in table if tag_of(c) == "tgroup"):
        names = {cs.get("colname"): k for k, cs in enumerate(c for c in tgroup if tag_of(c) == "colspec")}
        for row in tgroup.iter():
            if tag_of(row) == "row":
                row.tag = "tr"
            elif tag_of(row) == "entry":
                row.tag = "td"
                a, b = names.get(row.get("namest")), names.get(row.get("nameend"))
                if a is not None and b is not None and b > a:
                    row.set("colspan", str(b - a + 1))
                more = (row.get("morerows") or "0").strip()
                if more.isdigit() and int(more) > 0:
                    row.set("rowspan", str(int(more) + 1))


def row_cells(tr) -> list:
    return [c for c in tr if tag_of(c) in ("td", "th")]


def layout(trs, read=cell_content) -> list[list[Slot | None]]:
    """Expand rowspan / colspan. A colspan wider than MAX_COLUMNS is an error naming its line."""
    grid: list[list[Slot | None]] = []
    carry: dict[int, tuple[CellContent, int]] = {}   # column -> (content, rows still to fill)
    for tr in trs:
        row: list[Slot | None] = []
        col = 0

        def fill_carry():
            nonlocal col
            while col in carry:
                content, left = carry[col]
                row.append(Slot(content, True, False))
                if left <= 1:
                    del carry[col]
                else:
                    carry[col] = (content, left - 1)
                col += 1

        for c in row_cells(tr):
            fill_carry()
            content = read(c)
            rs, cs = _span(c, "rowspan"), _span(c, "colspan")
            if col + cs > MAX_COLUMNS:
                raise InputError(f"table wider than {MAX_COLUMNS:,} columns (colspan={c.get('colspan')!s}); "
                                 f"the limit is {MAX_COLUMNS:,}", line=c.sourceline)
            for k in range(cs):
                row.append(Slot(content, k > 0, k == 0))
                if rs > 1:
                    carry[col] = (content, rs - 1)
                col += 1
        fill_carry()
        grid.append(row)
    return grid


# ------------------------------------------------------------------ grid
def _is_ref_header(h: str) -> bool:
    return bool(re.fullmatch(r"(?i)\s*(?:refs?|references?|citations?)\.?\s*", h))


def _norm(t: str) -> str:
    return re.sub(r"\W+", " ", t).strip().lower()


def header_rows(trs) -> list:
    """The header rows: thead's, else the first row made only of <th>, else the first row."""
    head = [tr for tr in trs if tag_of(tr.getparent()) == "thead"]
    if head:
        return head
    ths = [tr for tr in trs if row_cells(tr) and all(tag_of(c) == "th" for c in row_cells(tr))]
    return ths[:1] or trs[:1]


def table_to_grid(source: str, table, *, label: str | None, title: str | None,
                  legend: str | None = None, notes: tuple[str, ...] = (),
                  read=cell_content) -> tuple[Grid, list[Reject]]:
    """One `<table>` element -> (Grid, rejected rows). Rejected: a body row repeating the
    header (a table continued over pages)."""
    trs = own_rows(table)
    head_trs = header_rows(trs)
    body_trs = [tr for tr in trs if tr not in head_trs]
    header_grid = layout(head_trs, read)
    if not header_grid or not any(header_grid):
        raise InputError("table has no header row", line=table.sourceline)
    laid = layout(body_trs, read)
    ncols = max(len(r) for r in header_grid + laid)
    header = header_texts(header_grid, ncols)
    body = _Body(ncols, [_norm(h) for h in header],
                 ([_norm(s.content.text) if s else "" for s in header_grid[-1]] + [""] * ncols)[:ncols])
    for tr, slots in zip(body_trs, laid):
        body.add(tr, slots + [None] * (ncols - len(slots)), read)
    rows = body.rows
    if any(body.row_refs):
        rows, header = _place_refs(rows, body.row_refs, header, body.ref_only_cols)
    if body.legend_rows:
        inside, inside_notes = legend_and_notes([x for txt in body.legend_rows for x in (txt, "")])
        legend = " ".join(x for x in (inside, legend) if x) or None
        notes = (*inside_notes, *notes)
    return Grid(source=source, label=label, title=title, header=tuple(header), rows=tuple(rows),
                legend=legend, notes=tuple(notes), explicit_spans=True,
                header_line=head_trs[0].sourceline if head_trs else None), body.rejects


def header_texts(header_grid: list[list[Slot | None]], ncols: int) -> list[str]:
    """Each column's header: the texts of its header rows, top down, each once."""
    header = []
    for c in range(ncols):
        parts: list[str] = []
        for r in header_grid:
            if c < len(r) and r[c] is not None and r[c].content.text not in parts:
                parts.append(r[c].content.text)
        header.append(" ".join(p for p in parts if p))
    return header


class _Body:
    """The body rows of one table read one by one: data and section rows, rejected repeats of
    the header, legend rows, and each row's citations."""

    def __init__(self, ncols: int, head_key: list[str], last_head: list[str]):
        self.ncols, self.head_key, self.last_head = ncols, head_key, last_head
        self.rows: list[GridRow] = []
        self.rejects: list[Reject] = []
        self.legend_rows: list[str] = []
        self.row_refs: list[str | None] = []
        self.ref_only_cols = [True] * ncols

    def add(self, tr, slots: list[Slot | None], read) -> None:
        texts = [s.content.text if s else "" for s in slots]
        tds = row_cells(tr)
        lone = read(tds[0]).text if len(tds) == 1 else ""
        if lone and (legend_label(lone) is not None or is_unlabelled_legend(lone)):
            self.legend_rows.append(lone)         # a legend printed as a row of the table (a <tfoot>)
        elif len(tds) == 1 and _span(tds[0], "colspan") >= max(2, self.ncols - 1):
            self._section(tr, read(tds[0]).text)
        elif self.ncols >= 3 and texts[0] and not any(texts[1:]) and slots[0] is not None and slots[0].origin \
                and not re.fullmatch(r"[\d\s.,%()–-]+", texts[0]):
            self._section(tr, texts[0])           # only the first cell written: a heading over the rows below it
        elif any(key := [_norm(t) for t in texts]) and (key == self.head_key or key == self.last_head):
            self.rejects.append(Reject(tr.sourceline, reject_text(" | ".join(texts)), "repeated header row"))
        else:
            self._data_row(tr, slots)

    def _section(self, tr, text: str) -> None:
        self.rows.append(GridRow(cells=tuple(None for _ in range(self.ncols)), line=tr.sourceline, section=text))
        self.row_refs.append(None)

    def _data_row(self, tr, slots: list[Slot | None]) -> None:
        cells: list[Cell | None] = []
        refs: list[str] = []
        for j, s in enumerate(slots):
            if s is None or not s.content.text:
                cells.append(None)
                continue
            cc = s.content
            if not cc.refs_only:
                self.ref_only_cols[j] = False
            if cc.refs and not cc.refs_only and s.origin:
                refs.append(cc.refs)
            cells.append(Cell(cc.text, tr.sourceline, spanned=s.spanned, marks=cc.marks, lines=cc.lines))
        last = max((e.sourceline for e in tr.iter() if isinstance(e.tag, str) and e.sourceline),
                   default=tr.sourceline)
        self.rows.append(GridRow(cells=tuple(cells), line=tr.sourceline, line_end=last))
        self.row_refs.append(", ".join(refs) or None)


def _place_refs(rows: list[GridRow], row_refs: list[str | None], header: list[str],
                ref_only_cols: list[bool]) -> tuple[list[GridRow], list[str]]:
    """Citations read out of cells go to the table's reference column: the one headed as
    such or holding nothing but citations; a "Ref." column is added when there is none."""
    data = [r for r in rows if r.section is None]
    col = next((j for j, h in enumerate(header) if _is_ref_header(h)), None)
    if col is None:
        col = next((j for j in range(len(header)) if ref_only_cols[j]
                    and any(r.cells[j] is not None for r in data)), None)
    if col is None:
        header = header + [REF_HEADER]
        col = len(header) - 1
        rows = [replace(r, cells=r.cells + (None,)) for r in rows]
    out = []
    for r, refs in zip(rows, row_refs):
        if refs and r.section is None:
            cells = list(r.cells)
            old = cells[col]
            text = f"{old.text}, {refs}" if old is not None and not old.spanned else refs
            cells[col] = Cell(text, r.line)
            r = replace(r, cells=tuple(cells))
        out.append(r)
    return out, header
