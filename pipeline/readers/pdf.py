"""PDF -> Grid(s) through pdfplumber: words with positions, rules, columns, rows.

Journal tables are drawn with horizontal rules only: one above the header, one below it and
one below the table (a table continued on the next page repeats the pattern, with or without
the header). The reader works in small stages, each a function of the previous one's output:

    page_to_words      chars -> words (split at ASCII spaces; thin spaces stay in the word)
    words_to_lines     words -> lines (same baseline)
    page_rules         drawn horizontal lines/thin rectangles -> rule y positions
    pages_to_parts     lines + rules of every page -> table parts (caption, header, body, after)
    header_to_columns  header lines -> columns (x-ranges of the header cells)
    column_bounds      columns + body words -> x boundaries between columns
    split_floating     body lines -> row lines + "floating" lines (a spanned cell printed in
                       the vertical middle of its rows, between two row lines)
    lines_to_rows      row lines -> rows (new row at a rule or at a wider vertical gap)
    place_floating     floating cells -> the first row of the span they are centred on
    rows_to_grid       rows -> Grid (cell text: a cell's lines joined with single spaces)

Cells missing on a row (spanning down from a row above) are None; the table stage fills
them down. Nothing here knows about a particular table.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

from ..errors import InputError
from ..model import Cell, Grid, GridRow
from ..normalize.abbreviations import is_unlabelled_legend, legend_label

# Tunables, in units of the body font size unless noted.
DEFAULT_LINE_TOLERANCE = 0.3     # words whose tops differ by less are on one line
DEFAULT_WORD_GAP = 0.2           # a wider gap between two glyphs (no space glyph) splits words
DEFAULT_COLUMN_GAP = 0.45        # header words further apart may be separate columns
DEFAULT_ROW_GAP = 0.25           # extra vertical space (beyond the leading) that starts a row
DEFAULT_OVERLAP = 1.05           # lines closer than this (less than a line pitch): one floats
DEFAULT_CONTACT = 1.4            # a line this close under a cell's line continues the cell
DEFAULT_AFTER_GAP = 2.5          # a vertical gap this large (x leading) ends the table's notes
DEFAULT_RULE_MIN_WIDTH = 0.4     # a rule spans at least this fraction of the text width
DEFAULT_RULE_MAX_HEIGHT = 2.0    # points: a filled rectangle thinner than this is a rule

LABEL_RE = re.compile(r"^\s*(Table\s+\d+[A-Z]?)\.?\s*(.*)$")
CONTINUED_RE = re.compile(r"^\(?\s*(continued|cont(?:'d|inued)?\.?)\s*\)?\.?$", re.I)


@dataclass(frozen=True)
class PdfSettings:
    line_tolerance: float = DEFAULT_LINE_TOLERANCE
    word_gap: float = DEFAULT_WORD_GAP
    column_gap: float = DEFAULT_COLUMN_GAP
    row_gap: float = DEFAULT_ROW_GAP
    overlap: float = DEFAULT_OVERLAP
    contact: float = DEFAULT_CONTACT
    after_gap: float = DEFAULT_AFTER_GAP
    rule_min_width: float = DEFAULT_RULE_MIN_WIDTH
    rule_max_height: float = DEFAULT_RULE_MAX_HEIGHT

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"PdfSettings.{name} must be a positive number, got {value!r}")
        if self.rule_min_width > 1:
            raise ValueError("PdfSettings.rule_min_width is a fraction of the text width (<= 1)")


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int


@dataclass(frozen=True)
class TextLine:
    words: tuple[Word, ...]
    number: int = 0                      # 1-based line index in the document (reading order)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def page(self) -> int:
        return self.words[0].page

    @property
    def size(self) -> float:
        return median(w.size for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass(frozen=True)
class Column:
    x0: float
    x1: float
    text: str


@dataclass
class TablePart:
    """The lines of one table on one page."""
    page: int
    label: str | None = None
    title_lines: list[TextLine] = field(default_factory=list)
    header: list[TextLine] = field(default_factory=list)
    body: list[TextLine] = field(default_factory=list)
    rules: list[float] = field(default_factory=list)      # rule y positions inside the body
    body_top: float = 0.0                                  # rule above the body
    body_bottom: float = 0.0                               # rule below the body
    after: list[TextLine] = field(default_factory=list)    # notes and legend lines


@dataclass
class Row:
    lines: list[TextLine]
    cells: list[list[TextLine]]        # per column: the column's words, one TextLine per line
    top: float
    bottom: float
    page: int
    section: str | None = None


# --------------------------------------------------------------------------------------------
# Stage 0: open
# --------------------------------------------------------------------------------------------

def open_pdf(path: Path):
    """Open with pdfplumber, turning every way it can fail into a one-line InputError."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    with open(path, "rb") as fh:
        magic = fh.read(1024)
    if b"%PDF-" not in magic:
        raise InputError("not a PDF file (no %PDF- header)", file=str(path))
    try:
        pdf = pdfplumber.open(path)
        _ = pdf.pages  # parses the page tree; encryption errors surface here
    except Exception as e:  # pdfplumber wraps pdfminer's many error types
        cause = e.args[0] if e.args and isinstance(e.args[0], Exception) else e
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise InputError("encrypted PDF: cannot read it without the password",
                             file=str(path)) from None
        if isinstance(cause, PDFSyntaxError):
            raise InputError(f"damaged PDF: {cause}", file=str(path)) from None
        raise InputError(f"unreadable PDF: {type(cause).__name__}: {cause}",
                         file=str(path)) from None
    return pdf


# --------------------------------------------------------------------------------------------
# Stage 1: characters -> words -> lines; drawn rules
# --------------------------------------------------------------------------------------------

def page_to_words(chars: list[dict], page: int, settings: PdfSettings) -> list[Word]:
    """Glue characters into words. A word ends at an ASCII space glyph or at a gap wider than
    `word_gap` x font size; other spaces (thin, no-break) are kept inside the word."""
    words: list[Word] = []
    run: list[dict] = []

    def flush() -> None:
        if run:
            words.append(Word(text="".join(c["text"] for c in run).strip(),
                              x0=run[0]["x0"], x1=run[-1]["x1"],
                              top=min(c["top"] for c in run), bottom=max(c["bottom"] for c in run),
                              size=run[0]["size"], page=page))
            run.clear()

    for c in _line_sorted(chars, settings):
        if c["text"] == " " or (c["text"].isspace() and not run):
            flush()
            continue
        if run:
            prev = run[-1]
            same_line = abs(c["top"] - prev["top"]) <= settings.line_tolerance * prev["size"]
            gap = c["x0"] - prev["x1"]
            if not same_line or gap > settings.word_gap * prev["size"] or gap < -prev["size"]:
                flush()
        run.append(c)
    flush()
    return [w for w in words if w.text]


def _line_sorted(chars: list[dict], settings: PdfSettings) -> list[dict]:
    """Characters in reading order: by line (top within tolerance), then by x."""
    lines: list[list[dict]] = []
    for c in sorted(chars, key=lambda c: c["top"]):
        if lines and abs(c["top"] - lines[-1][0]["top"]) <= settings.line_tolerance * c["size"]:
            lines[-1].append(c)
        else:
            lines.append([c])
    return [c for line in lines for c in sorted(line, key=lambda c: c["x0"])]


def words_to_lines(words: list[Word], settings: PdfSettings) -> list[TextLine]:
    """Group words whose tops agree (within `line_tolerance` x size) into lines, top-down."""
    groups: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        if groups and abs(w.top - groups[-1][0].top) <= settings.line_tolerance * w.size:
            groups[-1].append(w)
        else:
            groups.append([w])
    return [TextLine(tuple(sorted(g, key=lambda w: w.x0))) for g in groups]


def page_rules(page, text_width: float, settings: PdfSettings) -> list[float]:
    """y (top) of every horizontal rule: stroked lines and thin filled rectangles that span at
    least `rule_min_width` of the text width. Rules closer than 1 pt are one rule."""
    ys = []
    for obj in list(page.lines) + list(page.rects):
        height = abs(obj["bottom"] - obj["top"])
        if height <= settings.rule_max_height and obj["x1"] - obj["x0"] >= settings.rule_min_width * text_width:
            ys.append((obj["top"] + obj["bottom"]) / 2)
    merged: list[float] = []
    for y in sorted(ys):
        if not merged or y - merged[-1] > 1.0:
            merged.append(y)
    return merged


# --------------------------------------------------------------------------------------------
# Stage 2: find the table parts on the pages
# --------------------------------------------------------------------------------------------

def pages_to_parts(pages: list[tuple[list[TextLine], list[float]]],
                   settings: PdfSettings) -> list[list[TablePart]]:
    """Walk the pages in order and cut each table into per-page parts.

    A caption ("Table 6. Title") opens a table; the first rule after it starts the header, the
    next rule ends it, and the body runs to the last rule before the next caption (or the page
    end). A page whose first rules come before any caption continues the open table (a
    "Table 6 (continued)" caption with the same label does too). Lines after the body's last
    rule, up to a wide vertical gap, are the table's notes and legend.
    """
    tables: list[list[TablePart]] = []
    open_table = False
    for page_no, (lines, rules) in enumerate(pages, start=1):
        captions = [i for i, ln in enumerate(lines) if LABEL_RE.match(ln.text)]
        segments = []   # (caption index or None, start line, end line)
        first = captions[0] if captions else len(lines)
        if open_table and _rules_between(rules, -1, lines[first].top if first < len(lines) else 1e9) >= 2:
            segments.append((None, 0, first))
        for k, ci in enumerate(captions):
            end = captions[k + 1] if k + 1 < len(captions) else len(lines)
            segments.append((ci, ci, end))
        for ci, start, end in segments:
            label = LABEL_RE.match(lines[ci].text).group(1) if ci is not None else None
            continued = ci is None or (tables and open_table and _norm(label) == _norm(tables[-1][0].label))
            lo = lines[start].top if ci is not None else -1.0
            hi = lines[end].top if end < len(lines) else 1e9
            part = _cut_part(page_no, lines[start:end], [r for r in rules if lo < r < hi],
                             caption=ci is not None, header_of=tables[-1][0] if continued else None,
                             settings=settings)
            if part is None:
                continue
            part.label = label
            if continued and tables:
                tables[-1].append(part)
            else:
                tables.append([part])
            open_table = not any(_is_legend(ln.text) for ln in part.after) and not part.after
    return tables


def _rules_between(rules: list[float], lo: float, hi: float) -> int:
    return sum(1 for r in rules if lo < r < hi)


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip().rstrip(".").lower()


def _cut_part(page: int, lines: list[TextLine], rules: list[float], *, caption: bool,
              header_of: TablePart | None, settings: PdfSettings) -> TablePart | None:
    if len(rules) < 2:
        return None
    part = TablePart(page=page)
    if caption:
        part.title_lines = [ln for ln in lines if ln.bottom <= rules[0]]
    bands = _bands(lines, rules)
    first_band = bands[0]
    repeated = header_of is not None and _norm(" ".join(ln.text for ln in first_band)) == \
        _norm(" ".join(ln.text for ln in header_of.header))
    if header_of is None or repeated:
        if len(rules) < 3 and header_of is None:
            return None
        part.header = first_band
        body_rules = rules[1:]
    else:
        body_rules = rules
    part.body_top, part.body_bottom = body_rules[0], body_rules[-1]
    part.rules = body_rules[1:-1]
    part.body = [ln for ln in lines if part.body_top < ln.top < part.body_bottom]
    part.after = _after_lines([ln for ln in lines if ln.top > part.body_bottom],
                              part.body_bottom, settings)
    if not part.body:
        return None
    return part


def _bands(lines: list[TextLine], rules: list[float]) -> list[list[TextLine]]:
    return [[ln for ln in lines if lo < ln.top < hi] for lo, hi in zip(rules, rules[1:])]


def _after_lines(lines: list[TextLine], below: float, settings: PdfSettings) -> list[TextLine]:
    """Notes and legend under the table (whose last rule is at `below`): lines up to the
    first wide vertical gap, so a page number or footer further down is left out."""
    kept: list[TextLine] = []
    for ln in lines:
        above = kept[-1].bottom if kept else below
        if ln.top - above > settings.after_gap * ln.size:
            break
        kept.append(ln)
    return kept


# --------------------------------------------------------------------------------------------
# Stage 3: columns
# --------------------------------------------------------------------------------------------

def header_to_columns(header: list[TextLine], body_words: list[Word],
                      settings: PdfSettings) -> list[Column]:
    """Header cells: neighbouring words on a header line are one cell unless the gap between
    them is wider than `column_gap` x size and no body word crosses it (body text of a wide
    column runs under a multi-word header); segments on different header lines that overlap
    horizontally are one (wrapped) header cell."""
    segments: list[list[Word]] = []
    for line in header:
        current: list[Word] = []
        for w in line.words:
            if current and _is_column_gap(current[-1].x1, w.x0, w.size, body_words, settings):
                segments.append(current)
                current = []
            current.append(w)
        if current:
            segments.append(current)
    columns: list[list[list[Word]]] = []
    for seg in segments:
        x0, x1 = seg[0].x0, seg[-1].x1
        target = next((c for c in columns if _overlaps(x0, x1, _span(c))), None)
        if target is None:
            columns.append([seg])
        else:
            target.append(seg)
    result = []
    for segs in columns:
        segs.sort(key=lambda s: s[0].top)
        x0, x1 = _span(segs)
        result.append(Column(x0, x1, " ".join(w.text for s in segs for w in s)))
    return sorted(result, key=lambda c: c.x0)


def _is_column_gap(x0: float, x1: float, size: float, body_words: list[Word],
                   settings: PdfSettings) -> bool:
    if x1 - x0 <= settings.column_gap * size:
        return False
    return not any(w.x0 < x0 and w.x1 > x1 for w in body_words)


def _span(segs: list[list[Word]]) -> tuple[float, float]:
    return min(s[0].x0 for s in segs), max(s[-1].x1 for s in segs)


def _overlaps(a0: float, a1: float, b: tuple[float, float]) -> bool:
    return a0 < b[1] and b[0] < a1


def column_bounds(columns: list[Column], words: list[Word]) -> list[float]:
    """x boundary between each pair of neighbouring columns: the middle of the widest empty
    vertical strip (no header or body word crosses it) between the two header cells; if
    there is none, just left of the right-hand header cell."""
    bounds = []
    for left, right in zip(columns, columns[1:]):
        lo, hi = left.x0, right.x0
        covered = sorted((max(w.x0, lo), min(w.x1, hi)) for w in words
                         if w.x1 > lo and w.x0 < hi)
        covered.append((left.x0, min(left.x1, hi)))
        covered.sort()
        best, cursor = None, lo
        for a, b in covered:
            if a > cursor and (best is None or a - cursor > best[1] - best[0]):
                best = (cursor, a)
            cursor = max(cursor, b)
        if hi > cursor and (best is None or hi - cursor > best[1] - best[0]):
            best = (cursor, hi)
        bounds.append((best[0] + best[1]) / 2 if best else hi - 0.5)
    return bounds


def column_of(x0: float, bounds: list[float]) -> int:
    return sum(1 for b in bounds if x0 >= b)


# --------------------------------------------------------------------------------------------
# Stage 4: rows
# --------------------------------------------------------------------------------------------

def line_columns(line: TextLine, bounds: list[float]) -> set[int]:
    return {column_of(w.x0, bounds) for w in line.words}


def split_floating(lines: list[TextLine], bounds: list[float],
                   settings: PdfSettings) -> tuple[list[TextLine], list[TextLine]]:
    """Separate lines closer to a neighbouring line than a line pitch (`overlap` x size).
    Consecutive lines of one cell are a full pitch apart, so one of such a pair is a cell
    printed between rows (a span centred on its rows): the one that does not continue a
    column of the line above it, or, on a tie, the one filling fewer columns."""
    kept = list(lines)
    floating: list[TextLine] = []
    changed = True
    while changed:
        changed = False
        for i in range(len(kept) - 1):
            a, b = kept[i], kept[i + 1]
            if a.page == b.page and b.top - a.top < settings.overlap * min(a.size, b.size):
                above = kept[i - 1] if i and kept[i - 1].page == a.page else None
                loser = min((b, a), key=lambda ln: _anchoring(ln, above, bounds, settings))
                kept.remove(loser)
                floating.append(loser)
                changed = True
                break
    return kept, floating


def _anchoring(line: TextLine, above: TextLine | None, bounds: list[float],
               settings: PdfSettings) -> tuple[int, int]:
    """(continues a cell of the line above, columns filled): a line continues a cell when
    its words in some column sit one line pitch under that column's words above."""
    cols = _column_tops(line, bounds)
    continues = False
    if above is not None:
        tops_above = _column_tops(above, bounds)
        continues = any(0 < top - tops_above[c] <= settings.contact * line.size
                        for c, top in cols.items() if c in tops_above)
    return int(continues), len(cols)


def _column_tops(line: TextLine, bounds: list[float]) -> dict[int, float]:
    tops: dict[int, float] = {}
    for w in line.words:
        c = column_of(w.x0, bounds)
        tops[c] = min(tops.get(c, w.top), w.top)
    return tops


def lines_to_rows(lines: list[TextLine], part_of: dict[int, TablePart], bounds: list[float],
                  settings: PdfSettings) -> list[Row]:
    """A line starts a new row when a rule or a page break lies between it and the line
    above, or when the gap to the line above is wider than the table's line spacing by more
    than `row_gap` x size. When all gaps are alike the table has no wrapped cells and every
    line is a row."""
    pitches = [b.top - a.top for a, b in zip(lines, lines[1:])
               if a.page == b.page and not _rule_between(part_of[b.number], a, b)]
    leading = min(pitches) if pitches else 0.0
    all_alike = not pitches or max(pitches) - leading <= settings.row_gap * lines[0].size
    rows: list[Row] = []
    for i, line in enumerate(lines):
        prev = lines[i - 1] if i else None
        new_row = (prev is None or prev.page != line.page or all_alike
                   or _rule_between(part_of[line.number], prev, line)
                   or line.top - prev.top > leading + settings.row_gap * line.size)
        if new_row:
            rows.append(Row(lines=[line], cells=[[] for _ in range(len(bounds) + 1)],
                            top=line.top, bottom=line.bottom, page=line.page))
        else:
            rows[-1].lines.append(line)
            rows[-1].bottom = line.bottom
    for row in rows:
        _fill_cells(row, row.lines, bounds)
        row.section = _section_text(row, bounds, settings)
    return rows


def _rule_between(part: TablePart, a: TextLine, b: TextLine) -> bool:
    return any(a.bottom <= r <= b.top for r in part.rules)


def _fill_cells(row: Row, lines: list[TextLine], bounds: list[float]) -> None:
    for line in lines:
        by_col: dict[int, list[Word]] = {}
        for w in line.words:
            by_col.setdefault(column_of(w.x0, bounds), []).append(w)
        for col, words in by_col.items():
            row.cells[col].append(TextLine(tuple(words), line.number))


def _section_text(row: Row, bounds: list[float], settings: PdfSettings) -> str | None:
    """A one-line row whose words form one run starting in the first column (a section
    heading printed across the table, "First line") is a section-header row."""
    if len(row.lines) != 1 or len(bounds) < 1:
        return None
    words = row.lines[0].words
    if column_of(words[0].x0, bounds) != 0:
        return None
    one_run = all(b.x0 - a.x1 <= settings.column_gap * b.size for a, b in zip(words, words[1:]))
    only_first = all(column_of(w.x0, bounds) == 0 for w in words)
    if one_run or only_first:
        return row.lines[0].text
    return None


def place_floating(rows: list[Row], floating: list[TextLine], parts: dict[int, TablePart],
                   bounds: list[float]) -> None:
    """Give each floating cell to the first row of the span it is centred on."""
    for col, block in _floating_blocks(floating, bounds):
        middle = (block[0].top + block[-1].bottom) / 2
        start = _span_start(rows, col, middle, block[0].page, parts)
        target = rows[start] if start is not None else _nearest_row(rows, middle, block[0].page)
        target.cells[col].extend(block)


def recentre_spans(rows: list[Row], parts: dict[int, TablePart]) -> None:
    """In a table that centres its spanned cells, a span's text can also land on a row line
    (a span over three rows sits on the middle one). Move such a cell up to the first row of
    the run of empty cells it is centred on."""
    for i, row in enumerate(rows):
        for col, lines in enumerate(row.cells):
            if not lines or row.section or i == 0 or rows[i - 1].cells[col]:
                continue
            middle = (min(ln.top for ln in lines) + max(ln.bottom for ln in lines)) / 2
            start = _span_start(rows, col, middle, row.page, parts, include=i)
            if start is not None and start < i:
                rows[start].cells[col] = lines
                row.cells[col] = []


def _span_start(rows: list[Row], col: int, middle: float, page: int,
                parts: dict[int, TablePart], include: int | None = None) -> int | None:
    """First row of the run of rows whose vertical middle is nearest `middle` (within a
    point, the longer run wins). Rows of the run are on `page`, not sections, and empty in
    `col` (except row `include`, the cell's own row, which the run must contain)."""
    band = [_row_band(rows, i, parts) for i in range(len(rows))]

    def free(i: int) -> bool:
        r = rows[i]
        return r.page == page and not r.section and (i == include or not r.cells[col])

    best = None
    for a in range(len(rows)):
        if not free(a) or (include is not None and a > include):
            continue
        for b in range(a, len(rows)):
            if not free(b):
                break
            if include is not None and b < include:
                continue
            top, bottom = band[a][0], band[b][1]
            if not top <= middle <= bottom:
                continue
            key = (round(abs((top + bottom) / 2 - middle)), -(b - a))
            if best is None or key < best[0]:
                best = (key, a)
    return best[1] if best else None


def _floating_blocks(floating: list[TextLine], bounds: list[float]):
    """Floating words per column, consecutive lines of one column forming one block."""
    per_col: dict[int, list[TextLine]] = {}
    for line in sorted(floating, key=lambda ln: (ln.page, ln.top)):
        by_col: dict[int, list[Word]] = {}
        for w in line.words:
            by_col.setdefault(column_of(w.x0, bounds), []).append(w)
        for col, words in by_col.items():
            per_col.setdefault(col, []).append(TextLine(tuple(words), line.number))
    for col, lines in sorted(per_col.items()):
        block = [lines[0]]
        for ln in lines[1:]:
            if ln.page == block[-1].page and ln.top - block[-1].bottom < ln.size:
                block.append(ln)
            else:
                yield col, block
                block = [ln]
        yield col, block


def _row_band(rows: list[Row], i: int, parts: dict[int, TablePart]) -> tuple[float, float]:
    """Vertical extent of row i including its padding: halfway to the neighbouring rows, or
    the table rule at either end."""
    row = rows[i]
    part = parts[row.lines[0].number]
    prev = rows[i - 1] if i and rows[i - 1].page == row.page else None
    nxt = rows[i + 1] if i + 1 < len(rows) and rows[i + 1].page == row.page else None
    top = (prev.bottom + row.top) / 2 if prev else part.body_top
    bottom = (row.bottom + nxt.top) / 2 if nxt else part.body_bottom
    return top, bottom


def _nearest_row(rows: list[Row], y: float, page: int) -> Row:
    same = [r for r in rows if r.page == page and not r.section] or rows
    return min(same, key=lambda r: abs(r.top - y))


# --------------------------------------------------------------------------------------------
# Stage 5: grid
# --------------------------------------------------------------------------------------------

def cell_text(lines: list[TextLine]) -> str:
    """A cell's lines joined with single spaces, top to bottom."""
    return " ".join(ln.text for ln in sorted(lines, key=lambda ln: (ln.page, ln.top)))


def rows_to_grid(source: str, parts: list[TablePart], columns: list[Column],
                 rows: list[Row]) -> Grid:
    grid_rows = []
    for row in rows:
        first = row.lines[0]
        if row.section:
            grid_rows.append(GridRow(cells=(None,) * len(columns), line=first.number,
                                     section=row.section, page=row.page))
            continue
        cells = tuple(
            Cell(text=cell_text(lines), line=min(ln.number for ln in lines), page=lines[0].page)
            if lines else None
            for lines in row.cells)
        grid_rows.append(GridRow(cells=cells, line=first.number, line_end=max(ln.number for ln in row.lines),
                                 page=row.page))
    head = parts[0]
    return Grid(source=source, label=head.label, title=_title(head), header=tuple(c.text for c in columns),
                rows=tuple(grid_rows), legend=_legend(parts[-1].after),
                notes=_notes(parts[-1].after), header_line=head.header[0].number)


def _title(part: TablePart) -> str | None:
    if not part.title_lines:
        return None
    m = LABEL_RE.match(part.title_lines[0].text)
    text = " ".join([m.group(2)] + [ln.text for ln in part.title_lines[1:]]).strip()
    return text or None


def _is_legend(text: str) -> bool:
    """A line that starts the legend: labelled ("Abbreviations:") or a list of definitions."""
    return legend_label(text) is not None or is_unlabelled_legend(text)


def _legend(after: list[TextLine]) -> str | None:
    """The legend under a table: from its first line to the end of the notes."""
    for i, ln in enumerate(after):
        if _is_legend(ln.text):
            rest = legend_label(ln.text)
            first = ln.text if rest is None else rest
            return " ".join([first] + [x.text for x in after[i + 1:]]).strip() or None
    return None


def _notes(after: list[TextLine]) -> tuple[str, ...]:
    notes = []
    for ln in after:
        if _is_legend(ln.text):
            break
        notes.append(ln.text)
    return tuple(notes)


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------

def read_pdf(path: Path, settings: PdfSettings | None = None) -> list[Grid]:
    """Read every table of a PDF (one Grid per table, page breaks joined)."""
    path = Path(path)
    settings = settings or PdfSettings()
    with open_pdf(path) as pdf:
        pages = _read_pages(pdf, path, settings)
    tables = pages_to_parts(pages, settings)
    if not tables:
        raise InputError("no table found: no ruled table (rule above the header, under it and "
                         "under the body) on any page", file=str(path))
    return [part_list_to_grid(path.stem, parts, settings) for parts in tables]


def _read_pages(pdf, path: Path, settings: PdfSettings) -> list[tuple[list[TextLine], list[float]]]:
    pages, number = [], 0
    any_text = False
    for page_no, page in enumerate(pdf.pages, start=1):
        words = page_to_words(page.chars, page_no, settings)
        any_text = any_text or bool(words)
        lines = words_to_lines(words, settings)
        numbered = []
        for ln in lines:
            number += 1
            numbered.append(TextLine(ln.words, number))
        text_width = (max(w.x1 for w in words) - min(w.x0 for w in words)) if words else page.width
        pages.append((numbered, page_rules(page, text_width, settings)))
    if not any_text:
        raise InputError("PDF has no text layer (scanned image?): run OCR first",
                         file=str(path))
    return pages


def part_list_to_grid(source: str, parts: list[TablePart], settings: PdfSettings) -> Grid:
    body_words = [w for p in parts for ln in p.body for w in ln.words]
    columns = header_to_columns(parts[0].header, body_words, settings)
    if len(columns) < 2:
        raise InputError("no table found: the ruled header has fewer than two columns",
                         line=parts[0].header[0].number if parts[0].header else None)
    body = [ln for p in parts for ln in p.body]
    bounds = column_bounds(columns, [w for ln in body for w in ln.words]
                           + [w for p in parts for ln in p.header for w in ln.words])
    part_of = {ln.number: p for p in parts for ln in p.body}
    row_lines, floating = split_floating(body, bounds, settings)
    rows = lines_to_rows(row_lines, part_of, bounds, settings)
    if floating:
        place_floating(rows, floating, part_of, bounds)
        recentre_spans(rows, part_of)
    return rows_to_grid(source, parts, columns, rows)
