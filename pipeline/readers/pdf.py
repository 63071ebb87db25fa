"""PDF -> Grid(s) through pdfplumber: words with positions, table regions, columns, rows.

A table is found from its caption and the rules drawn next to it (pdf_layout.py: every
shape that draws a horizontal line is a rule; without rules, the lines under the caption
in its text column). Each table region is cut out of its page by x-range, so a two-column
page's other column and a table printed beside it never enter. The reader works in small
stages, each a function of the previous one's output:

    page_to_words      chars -> words (split at ASCII spaces or gaps; superscripts apart)
    words_to_lines     words -> lines (same baseline; a superscript joins its line)
    page_layout        a page's words, lines, rules and running-text font
    layout_to_parts    captions -> table regions -> TableParts (caption, header, body, notes)
    continued_part     a page continuing the table left open at the end of the page before
    header_to_columns  header lines -> columns (x-ranges of the header cells)
    column_bounds      columns + body words -> x boundaries between columns
    split_floating     body lines -> row lines + "floating" lines (a spanned cell printed in
                       the vertical middle of its rows, between two row lines)
    lines_to_rows      row lines -> rows (new row at a rule, a wider vertical gap or a new
                       row label)
    place_floating     floating cells -> the first row of the span they are centred on
    rows_to_grid       rows -> Grid (cell text: a cell's lines joined with single spaces;
                       superscript reference numbers to the reference column)

Cells missing on a row (spanning down from a row above) are None; the table stage fills
them down. A table that cannot be read is a Reject naming its page; the file's other
tables are still read. Nothing here knows about a particular table or journal.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from statistics import median

from ..errors import InputError, Reject
from ..model import Cell, Grid, GridRow
from ..normalize.abbreviations import is_unlabelled_legend, legend_label
from .pdf_layout import (DEFAULT_FULL_RULE, Caption, HRule, Region, body_font, caption_region,
                         NOTES_START_RE, continuation_region, find_captions, page_rules,
                         unruled_region)

# Tunables, in units of the body font size unless noted.
DEFAULT_LINE_TOLERANCE = 0.3     # words whose tops differ by less are on one line
DEFAULT_WORD_GAP = 0.2           # a wider gap between two glyphs (no space glyph) splits words
DEFAULT_COLUMN_GAP = 0.45        # header words further apart may be separate columns
DEFAULT_ROW_GAP = 0.25           # extra vertical space (beyond the leading) that starts a row
DEFAULT_OVERLAP = 1.05           # lines closer than this (less than a line pitch): one floats
DEFAULT_CONTACT = 1.4            # a line this close under a cell's line continues the cell
DEFAULT_AFTER_GAP = 2.5          # a vertical gap this large (x leading) ends the table's notes
DEFAULT_SUP_SIZE = 0.85          # a raised character smaller than this x its line's is superscript

# pdfminer's stand-in for a glyph its font cannot map to a character
GLYPH_CODE_RE = re.compile(r"\(cid:\d+\)")
# the label at the start of a caption line, with the punctuation journals put after it
TITLE_LABEL_RE = re.compile(r"^\s*table\s*\d+[A-Z]?\s*[.:|]?\s*", re.I)
CONTINUED_TITLE_RE = re.compile(r"\(\s*cont(?:inued|'d|\.)?\s*\)", re.I)
LEGEND_RE = re.compile(r"^\s*(?:Abbreviations?|Abbr\.)\s*[:.]\s*(.*)$", re.I)


@dataclass(frozen=True)
class PdfSettings:
    line_tolerance: float = DEFAULT_LINE_TOLERANCE
    word_gap: float = DEFAULT_WORD_GAP
    column_gap: float = DEFAULT_COLUMN_GAP
    row_gap: float = DEFAULT_ROW_GAP
    overlap: float = DEFAULT_OVERLAP
    contact: float = DEFAULT_CONTACT
    after_gap: float = DEFAULT_AFTER_GAP
    sup_size: float = DEFAULT_SUP_SIZE

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"PdfSettings.{name} must be a positive number, got {value!r}")


EXPONENT_RE = re.compile(r"^[-\u2212]?\d{1,2}$")
SUPERSCRIPT_DIGITS = str.maketrans("0123456789-\u2212", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207b\u207b")
UNIT_END_RE = re.compile(r"/[^\W\d_]+$")       # "mg/m", "kg/m": a unit the exponent ends
SUPERSCRIPT_CHARS = set("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207b")


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    font: str = ""
    sup: bool = False       # set smaller and raised: a reference number or footnote mark


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
    def base(self) -> float:
        """Where the line's body text sits: the median bottom of its words, superscripts
        left out (a tall glyph or a raised mark does not move it)."""
        return median(w.bottom for w in self.words if not w.sup) if any(
            not w.sup for w in self.words) else self.bottom

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def page(self) -> int:
        return self.words[0].page

    @property
    def size(self) -> float:
        return median(w.size for w in self.words if not w.sup) if any(
            not w.sup for w in self.words) else self.words[0].size

    @property
    def text(self) -> str:
        """The line's text without its superscripts, except the exponent of a power of ten
        ("× 10⁹/L") or of a unit ("mg/m²"), written in superscript digits onto its word."""
        out: list[str] = []
        for prev, w in zip((None,) + self.words[:-1], self.words):
            if w.sup:
                if prev is not None and not prev.sup and out and EXPONENT_RE.match(w.text) \
                        and (out[-1].endswith("10") or UNIT_END_RE.search(out[-1])):
                    out[-1] += w.text.translate(SUPERSCRIPT_DIGITS)
                continue
            if prev is not None and prev.sup and out and out[-1][-1] in SUPERSCRIPT_CHARS \
                    and w.x0 - prev.x1 < 0.1 * w.size:
                out[-1] += w.text          # "10⁹/L": the unit right after the exponent
                continue
            out.append(w.text)
        return " ".join(out)


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
    continued: bool = False                                # caption says "(continued)"
    x0: float = 0.0                                        # the table region's x-range
    x1: float = 0.0
    open_end: bool = False     # nothing under the table in its column: it may go on overleaf


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
    """Glue characters into words. A word ends at an ASCII space glyph, at a gap wider than
    `word_gap` x font size, or where superscript starts or stops; other spaces (thin,
    no-break) are kept inside the word. Rotated characters (a running head set up the
    margin) are left out. A character is superscript when it is set smaller than
    `sup_size` x the body size of its stretch of the line (`_stretches`) and its baseline
    is raised above the stretch's."""
    words: list[Word] = []
    lines = _char_lines([c for c in chars if c.get("upright", True)], settings)
    for line in (seg for ln in lines for seg in _stretches(ln)):
        body = max(c["size"] for c in line)
        base = max(c["bottom"] for c in line if c["size"] >= 0.95 * body)
        run: list[dict] = []
        run_sup = False

        def flush() -> None:
            if run:
                text = "".join(c["text"] for c in run).strip()
                if text:
                    words.append(Word(text=text, x0=run[0]["x0"], x1=run[-1]["x1"],
                                      top=min(c["top"] for c in run),
                                      bottom=max(c["bottom"] for c in run),
                                      size=run[0]["size"], page=page,
                                      font=run[0].get("fontname", ""), sup=run_sup))
                run.clear()

        for c in line:
            if c["text"] == " " or (c["text"].isspace() and not run):
                flush()
                continue
            sup = (c["size"] < settings.sup_size * body
                   and c["bottom"] < base - 0.15 * body)
            if run:
                prev = run[-1]
                gap = c["x0"] - prev["x1"]
                if gap > settings.word_gap * prev["size"] or gap < -prev["size"] or sup != run_sup:
                    flush()
            if not run:
                run_sup = sup
            run.append(c)
        flush()
    return words


def _stretches(line: list[dict]) -> list[list[dict]]:
    """A line's characters cut at gaps wider than the font size (cell or column gaps), so
    that a superscript is judged against its own words, not a column of larger type."""
    out: list[list[dict]] = []
    for c in line:
        if out and c["x0"] - out[-1][-1]["x1"] <= max(c["size"], out[-1][-1]["size"]):
            out[-1].append(c)
        else:
            out.append([c])
    return out


def _char_lines(chars: list[dict], settings: PdfSettings) -> list[list[dict]]:
    """Characters grouped into lines, each sorted by x. Taken top-down, a character joins
    the current line when it overlaps the line's first character vertically by 70% of the
    smaller height (a glyph of a math font with a taller box, "×", still joins), when its
    top agrees within `line_tolerance` x size, or when it is smaller and its middle lies
    inside the line (a superscript)."""
    lines: list[list[dict]] = []
    anchors: list[dict] = []            # each line's lowest character of its largest size
    for c in sorted(chars, key=lambda c: c["top"]):
        if lines and _same_line(anchors[-1], c, settings, lines[-1]):
            lines[-1].append(c)
            if c["size"] >= anchors[-1]["size"]:
                anchors[-1] = c
        else:
            lines.append([c])
            anchors.append(c)
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def _same_line(first, c, settings: PdfSettings, line: list | None = None) -> bool:
    if abs(c["top"] - first["top"]) <= settings.line_tolerance * c["size"]:
        return True
    overlap = min(first["bottom"], c["bottom"]) - max(first["top"], c["top"])
    heights = min(first["bottom"] - first["top"], c["bottom"] - c["top"])
    similar = min(c["size"], first["size"]) >= settings.sup_size * max(c["size"], first["size"])
    if similar and heights > 0 and overlap >= 0.7 * heights:
        return True
    middle = (c["top"] + c["bottom"]) / 2
    if not (c["size"] < settings.sup_size * first["size"] and first["top"] < middle < first["bottom"]):
        return False
    # a superscript sits beside a larger character of the line, not a column away
    return line is None or any(abs(c["x0"] - o["x1"]) <= o["size"] or abs(o["x0"] - c["x1"]) <= o["size"]
                               for o in line if o["size"] >= settings.sup_size * first["size"])


def words_to_lines(words: list[Word], settings: PdfSettings) -> list[TextLine]:
    """Group words into lines top-down, by the rule `_char_lines` uses for characters
    (tops agree, boxes overlap by 70%, or a superscript inside the line)."""
    groups: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        if groups:
            g = groups[-1]
            first = max(g, key=lambda x: (not x.sup, x.size, x.top))
            if _same_line({"top": first.top, "bottom": first.bottom, "size": first.size},
                          {"top": w.top, "bottom": w.bottom, "size": w.size}, settings):
                g.append(w)
                continue
        groups.append([w])
    return [TextLine(tuple(sorted(g, key=lambda w: w.x0))) for g in groups]


# --------------------------------------------------------------------------------------------
# Stage 2: find the table parts on the pages
# --------------------------------------------------------------------------------------------

@dataclass
class PageLayout:
    number: int
    width: float
    height: float
    words: list[Word]
    lines: list[TextLine]            # whole-width lines (for captions and running text)
    rules: list[HRule]
    font: tuple[str, float] = ("", 0.0)   # the running text's (font, size)
    glyph_fonts: dict[str, set[str]] = field(default_factory=dict)   # "(cid:3)" -> fonts it is of


@dataclass
class PartProblem:
    """A caption whose table cannot be read on its page, and why."""
    page: int
    label: str
    text: str
    reason: str


def page_layout(page, page_no: int, settings: PdfSettings) -> PageLayout:
    words = page_to_words(page.chars, page_no, settings)
    lines = words_to_lines(words, settings)
    rules = page_rules(list(page.lines) + list(page.rects) + list(page.curves), page.height)
    glyph_fonts: dict[str, set[str]] = {}
    for c in page.chars:
        if GLYPH_CODE_RE.fullmatch(c["text"]):
            glyph_fonts.setdefault(c["text"], set()).add(c.get("fontname", "").split("+")[-1])
    return PageLayout(page_no, page.width, page.height, words, lines, rules, body_font(lines), glyph_fonts)


def layout_to_parts(layout: PageLayout, counter: list[int],
                    settings: PdfSettings) -> tuple[list[TablePart], list[PartProblem]]:
    """Every captioned table of a page as a TablePart cropped to its region, in caption
    order; captions with no table next to them are problems."""
    parts, problems = [], []
    for cap in find_captions(layout.lines, layout.font):
        line = layout.lines[cap.line_index]
        cap_text = " ".join(w.text for w in line.words[cap.word_index:] if w.x0 <= cap.x1)
        region = caption_region(cap, layout.lines, layout.rules, layout.width)
        if region is None and not cap.plain:
            region = unruled_region(cap, layout.lines, layout.rules, layout.width, layout.font)
        if region is None:
            if cap.plain:
                continue        # a reference to a table in the running text
            problems.append(PartProblem(layout.number, cap.label, cap_text,
                                        "no table next to its caption"))
            continue
        part = region_to_part(layout, cap, region, counter, settings)
        if part is None:
            problems.append(PartProblem(layout.number, cap.label, cap_text,
                                        "its ruled region holds no body lines"))
            continue
        part.continued = cap.continued
        parts.append(part)
    return parts, problems


def continued_part(layout: PageLayout, table: list[TablePart], parts: list[TablePart],
                   counter: list[int], settings: PdfSettings) -> TablePart | None:
    """The part of `table` (open at the end of the previous page: no notes under it) that
    this page continues before its first caption, without a caption of its own."""
    last = table[-1]
    before = min((p.title_lines[0].top for p in parts if p.title_lines), default=1e9)
    region = continuation_region(layout.lines, layout.rules, last.x0, last.x1, before)
    if region is None:
        region = _repeated_header_region(layout, table[0], before)
    if region is None:
        return None
    cap = Caption(label=table[0].label or "", line_index=0, word_index=0, x0=region.x0,
                  x1=region.x0, top=-1.0, bottom=-1.0, size=0.0, continued=True)
    return region_to_part(layout, cap, region, counter, settings, caption=False,
                          header_of=table[0])


def _repeated_header_region(layout: PageLayout, first: TablePart, before: float) -> Region | None:
    """An unruled table continued without a caption but with its header repeated (as HTML
    renderers print a <thead> on every page): from that header line down to the first wide
    gap or the page's running text."""
    if not first.header:
        return None
    want = _norm(first.header[0].text)
    for i, line in enumerate(layout.lines):
        if line.top >= before:
            return None
        words = [w for w in line.words if w.x0 >= first.x0 - 2 and w.x1 <= first.x1 + 2]
        if not words or _norm(" ".join(w.text for w in words if not w.sup)) != want:
            continue
        last = max(w.bottom for w in words)
        for nxt in layout.lines[i + 1:]:
            inside = [w for w in nxt.words if w.x0 >= first.x0 - 2 and w.x1 <= first.x1 + 2]
            if not inside:
                continue
            if (inside[0].top - last > 1.5 * inside[0].size or nxt.top >= before
                    or NOTES_START_RE.match(" ".join(w.text for w in inside))):
                break
            last = max(w.bottom for w in inside)
        top = min(w.top for w in words) - 0.5
        return Region(x0=first.x0, x1=first.x1, top=top, bottom=last + 0.5,
                      rules=[HRule(top, first.x0, first.x1), HRule(last + 0.5, first.x0, first.x1)],
                      title_x=(0.0, 0.0), title_y=(-1.0, -1.0))
    return None


def region_to_part(layout: PageLayout, cap: Caption, region: Region, counter: list[int],
                   settings: PdfSettings, caption: bool = True,
                   header_of: TablePart | None = None) -> TablePart | None:
    """Cut a table region into caption, header, body and notes. Only words inside the
    region's x-range count (the other column of the page never enters). Rules with no text
    between them are one (a thick bar over a thin rule); the header runs from the top rule
    to the first rule across most of the table's width (rules over column groups are inside
    the header); without one, the header is the first line."""
    x0, x1 = region.x0 - 2, region.x1 + 2
    inside = [w for w in layout.words if w.x0 >= x0 and w.x1 <= x1]
    side = region.x0 >= region.title_x[1] - 2          # a caption set beside the table
    below = region.title_y[1] if region.top >= region.title_y[0] - 1 and not side else -1.0
    width = region.x1 - region.x0
    full_ys = sorted(r.y for r in region.rules if r.width >= DEFAULT_FULL_RULE * width)
    distinct = [y for k, y in enumerate(full_ys) if k == 0 or y - full_ys[k - 1] > 3.0]
    band = words_to_lines([w for w in inside if distinct[0] < w.top < distinct[-1]], settings)
    repeats = header_of is not None and header_of.header and _same_header(band, header_of.header)
    if (caption or repeats) and region.top > region.title_y[0] and len(distinct) <= 2 and len(band) <= 3:
        region = _open_bottom(region, inside, layout, settings)
    table_words = [w for w in inside if region.top - 1 < (w.top + w.bottom) / 2 < region.bottom + 1
                   and w.top > below - 0.5]
    lines = _numbered(words_to_lines(table_words, settings), counter)
    if not lines:
        return None
    rules = _collapse_rules([r for r in region.rules], lines)
    full = [r for r in rules if r.width >= DEFAULT_FULL_RULE * width]
    part = TablePart(page=layout.number, label=cap.label, x0=region.x0, x1=region.x1)
    if caption:
        part.title_lines = _title_lines(layout, cap, region)
    top, bottom = full[0].y, full[-1].y
    header_bottom = next((r.y for r in full[1:-1] if any(top < ln.middle < r.y for ln in lines)), None)
    if header_bottom is None:
        header_bottom = _unruled_header_bottom([ln for ln in lines if top < ln.middle < bottom])
        if header_bottom is None:
            return None
    part.header = [ln for ln in lines if top < ln.middle < header_bottom]
    part.body_top, part.body_bottom = header_bottom, bottom
    part.rules = [r.y for r in full if header_bottom < r.y < bottom]
    part.body = [ln for ln in lines if header_bottom < ln.middle < bottom]
    part.title_lines = part.title_lines if caption else []
    if region.top > region.title_y[0]:      # caption above or beside: notes follow the table
        rest = [w for w in inside if w.top > bottom and not (
            region.title_x[0] - 2 <= w.x0 <= region.title_x[1] and w.top <= region.title_y[1])]
        after = []
        cells_font = body_font(part.body or lines)
        for ln in _after_lines(words_to_lines(rest, settings), bottom, settings):
            font = (ln.words[0].font, round(ln.words[0].size, 1))
            if (font == layout.font and font != cells_font) or TITLE_LABEL_RE.match(ln.text):
                break       # the page's running text, or the next caption, starts
            after.append(ln)
        part.after = _numbered(after, counter)
    tail = [w for w in inside if w.top > bottom + 1 and w.top < 0.92 * layout.height]
    part.open_end = region.top > region.title_y[0] and not tail
    if not part.body:
        return None
    return part


def _open_bottom(region: Region, inside: list[Word], layout: PageLayout,
                 settings: PdfSettings) -> Region:
    """A table with rules above and under its header only (it runs on to the next page,
    or the journal draws no bottom rule): its body is the lines under the header rule, in
    its x-range, up to the first gap wider than a line and a half or the page's running
    text. The region gets a bottom rule just under them."""
    lines = words_to_lines([w for w in inside if w.top > region.bottom], settings)
    head = words_to_lines([w for w in inside if region.top < w.top < region.bottom], settings)
    cells_font = body_font(head) if head else ("", 0.0)
    last = region.bottom
    for ln in lines:
        font = (ln.words[0].font, round(ln.size, 1))
        if (ln.top - last > 1.5 * ln.size or (font == layout.font and font[1] != cells_font[1])
                or NOTES_START_RE.match(ln.text)):
            break
        last = ln.bottom
    if last == region.bottom:
        return region
    bottom = HRule(last + 0.5, region.x0, region.x1)
    return replace(region, bottom=bottom.y, rules=region.rules + [bottom])


def _unruled_header_bottom(lines: list[TextLine]) -> float | None:
    """Without a rule under the header: the header is the first line, with the lines under it
    while they are set in the same bold font (a header wrapped over two lines)."""
    if not lines:
        return None
    bold = _is_bold(lines[0])
    end = lines[0]
    for ln in lines[1:]:
        if not bold or not _is_bold(ln) or ln.top - end.bottom > ln.size:
            break
        end = ln
    return end.bottom + 0.5


def _is_bold(line: TextLine) -> bool:
    return all(re.search(r"bold|black|heavy|semibold", w.font, re.I) for w in line.words if not w.sup)


def _numbered(lines: list[TextLine], counter: list[int]) -> list[TextLine]:
    out = []
    for ln in lines:
        counter[0] += 1
        out.append(TextLine(ln.words, counter[0]))
    return out


def _collapse_rules(rules: list[HRule], lines: list[TextLine]) -> list[HRule]:
    """Rules with no line between them are one rule (the wider; the lower at the top of
    the table, the upper at its bottom does not matter for cutting)."""
    out: list[HRule] = []
    for r in sorted(rules, key=lambda r: r.y):
        if out and not any(out[-1].y < ln.middle < r.y for ln in lines):
            if r.width >= out[-1].width - 1:
                out[-1] = r
            continue
        out.append(r)
    return out


def _title_lines(layout: PageLayout, cap: Caption, region: Region) -> list[TextLine]:
    """The caption's lines: from the label on its line, then the lines under it inside
    the caption's x-range down to the end of the caption text."""
    side = region.x0 >= cap.x1 - 2
    right = region.x0 - 3 if side else max(cap.x1, region.x1)
    out = []
    for line in layout.lines[cap.line_index:]:
        if line.top > region.title_y[1]:
            break
        words = [w for w in line.words if w.x0 >= cap.x0 - 2 and w.x1 <= right + 2]
        if line is layout.lines[cap.line_index]:
            words = [w for w in line.words[cap.word_index:] if w.x1 <= cap.x1 + 0.5]
        if words:
            out.append(TextLine(tuple(words)))
    return out


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip().rstrip(".").lower()


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
    column runs under a multi-word header); a segment over two or more cells of the lines
    below is a group heading, put in front of each of their texts; other segments on
    different header lines that overlap horizontally are one (wrapped) header cell."""
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
    spanners = [s for s in segments if _is_spanner(s, segments)]
    segments = [s for s in segments if not any(s is x for x in spanners)]
    reach = [_spanner_reach(s, segments) for s in spanners]
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
        x0, x1 = _span(segs)
        over = [s for s, r in zip(spanners, reach) if _overlaps(r[0], r[1], (x0, x1))]
        segs = sorted(over, key=lambda s: s[0].top) + sorted(segs, key=lambda s: s[0].top)
        result.append(Column(x0, x1, " ".join(w.text for s in segs for w in s)))
    return sorted(result, key=lambda c: c.x0)


def _is_spanner(seg: list[Word], segments: list[list[Word]]) -> bool:
    """A group heading over several columns ("Univariate analysis" over "RR", "95% CI",
    "P value"): two or more header cells under it, on lines below, that do not overlap
    each other."""
    under = [s for s in segments if s[0].top > seg[-1].bottom - 1
             and _overlaps(s[0].x0, s[-1].x1, (seg[0].x0, seg[-1].x1))]
    under.sort(key=lambda s: s[0].x0)
    apart = [b for a, b in zip(under, under[1:]) if b[0].x0 >= a[-1].x1]
    return len(under) >= 2 and len(apart) >= 1


def _spanner_reach(seg: list[Word], segments: list[list[Word]]) -> tuple[float, float]:
    """How far a group heading reaches: it is centred over its group, so over the cells under
    its text and as far again on the other side of its centre ("Univariate analysis" set
    over "95% CI" and "P value" also heads the "RR" left of its text)."""
    lo, hi = seg[0].x0, seg[-1].x1
    under = [s for s in segments if s[0].top > seg[-1].bottom - 1 and _overlaps(s[0].x0, s[-1].x1, (lo, hi))]
    if not under:
        return lo, hi
    centre = (lo + hi) / 2
    half = max(centre - min(s[0].x0 for s in under), max(s[-1].x1 for s in under) - centre)
    return centre - half, centre + half


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
    pitches = [b.base - a.base for a, b in zip(lines, lines[1:])
               if a.page == b.page and not _rule_between(part_of[b.number], a, b)]
    leading = min(pitches) if pitches else 0.0
    all_alike = not pitches or max(pitches) - leading <= settings.row_gap * lines[0].size
    rows: list[Row] = []
    for i, line in enumerate(lines):
        prev = lines[i - 1] if i else None
        if prev is not None and prev.page != line.page:
            new_row = not _row_carried_over(line, rows[-1], bounds)
        else:
            new_row = (prev is None or all_alike
                       or _rule_between(part_of[line.number], prev, line)
                       or line.base - prev.base > leading + settings.row_gap * line.size
                       or _starts_row_label(line, bounds))
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


def _row_carried_over(line: TextLine, row: Row, bounds: list[float]) -> bool:
    """The first line of a page finishes the last row of the page before (a renderer split
    the row at the page break) when it leaves the first column empty and goes on only in
    one or two of the columns that row holds text in."""
    cols = line_columns(line, bounds)
    filled = {c for ln in row.lines for c in line_columns(ln, bounds)}
    return 0 not in cols and cols <= filled and len(cols) <= max(1, (len(bounds) + 1) // 4)


def _starts_row_label(line: TextLine, bounds: list[float]) -> bool:
    """A line whose first column holds a word starting with a capital, a digit or a sign
    ("≤60 years") begins a new row label even without extra space above it (tables set with
    even line spacing); a lower-case letter or a bracket there starts the label's wrapped
    second line ("(2009)")."""
    first = next((w for w in line.words if not w.sup and column_of(w.x0, bounds) == 0), None)
    return first is not None and not first.text[:1].islower() and first.text[:1] not in "([{,;:-–/&"


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

def _align_part(part: TablePart, first: TablePart) -> None:
    """Move a continued part printed in another column (or page margin) onto the first
    part's x positions, so its cells fall under the header's columns."""
    dx = first.x0 - part.x0
    if abs(dx) < 1 or abs((part.x1 - part.x0) - (first.x1 - first.x0)) > 0.05 * (first.x1 - first.x0):
        return

    def moved(lines: list[TextLine]) -> list[TextLine]:
        return [TextLine(tuple(replace(w, x0=w.x0 + dx, x1=w.x1 + dx) for w in ln.words), ln.number)
                for ln in lines]

    part.header, part.body, part.after = moved(part.header), moved(part.body), moved(part.after)
    part.x0, part.x1 = part.x0 + dx, part.x1 + dx


def _spanning_label(line: TextLine, left: float, settings: PdfSettings) -> bool:
    """A line that is one run of words from the table's left edge (a section or group
    label printed across the columns): it says nothing about where columns are."""
    words = [w for w in line.words if not w.sup]
    return bool(words) and words[0].x0 - left < words[0].size and all(
        b.x0 - a.x1 <= settings.column_gap * b.size for a, b in zip(words, words[1:]))


def _without_sups(line: TextLine, marks: frozenset[str] = frozenset()) -> TextLine:
    """The line without its footnote marks, each word stretched over the marks after it (so
    "χ value" keeps one gap, not two). An exponent (`_is_exponent`) is not a mark: it is
    written onto its word in superscript digits ("χ²", "m²")."""
    words: list[Word] = []
    for w in line.words:
        if w.sup and words and _is_exponent(words[-1], w, marks):
            words[-1] = replace(words[-1], text=words[-1].text + w.text.translate(SUPERSCRIPT_DIGITS),
                                x1=max(words[-1].x1, w.x1))
        elif w.sup and words:
            words[-1] = replace(words[-1], x1=max(words[-1].x1, w.x1))
        elif not w.sup:
            words.append(w)
    return TextLine(tuple(words), line.number)


def _is_exponent(prev: Word, sup: Word, marks: frozenset[str]) -> bool:
    """A raised number that is part of a header's text, not a footnote mark: one or two
    digits set tight against a letter or symbol ("χ²", "m²") or onto a "10" ("10⁹"), that
    the table's notes do not define as a mark."""
    return (not prev.sup and EXPONENT_RE.match(sup.text) is not None and sup.text not in marks
            and sup.x0 - prev.x1 < 0.1 * prev.size
            and (not prev.text[-1].isdigit() or prev.text.endswith("10")))


def note_marks(after: list[TextLine]) -> frozenset[str]:
    """The marks a table's notes define: the superscript each note line starts with."""
    return frozenset(ln.words[0].text for ln in after if ln.words and ln.words[0].sup)


def _stub_column(columns: list[Column], body: list[TextLine]) -> list[Column]:
    """A first column whose header cell is blank (the row labels): body words on two or
    more lines that end left of the first header cell make a column headed ""."""
    if not columns:
        return columns
    left = [w for ln in body for w in ln.words if w.x1 < columns[0].x0 - 0.5 * w.size]
    if len({w.top for w in left}) < 2:
        return columns
    return [Column(min(w.x0 for w in left), max(w.x1 for w in left), "")] + columns


def _same_header(a: list[TextLine], b: list[TextLine]) -> bool:
    """A continued part's first band repeats the table's header: the same words, mostly."""
    wa = set(_norm(" ".join(ln.text for ln in a)).split())
    wb = set(_norm(" ".join(ln.text for ln in b)).split())
    return bool(wa and wb) and len(wa & wb) >= 0.6 * len(wa | wb)


def cell_text(lines: list[TextLine]) -> str:
    """A cell's lines joined with single spaces, top to bottom (superscripts left out); a
    line broken after a hyphen inside a word ("PD-" / "1/CTLA-4") joins without one."""
    out = ""
    for t in (ln.text for ln in sorted(lines, key=lambda ln: (ln.page, ln.top))):
        if not t:
            continue
        if re.search(r"\w-$", out) and t[:1].isalnum():
            out += t
        else:
            out = f"{out} {t}" if out else t
    return out


REF_SUP_RE = re.compile(r"^\d+(?:[,\u2013-]\d+)*,?$")
REF_HEADER_RE = re.compile(r"^(?:refs?\.?|references?)$", re.I)


def cell_refs(lines: list[TextLine]) -> list[str]:
    """Reference numbers printed as superscripts after a word of a cell ("HERACLES108"):
    digits (and lists or ranges of them) raised after a word holding letters. Superscript
    letters and marks (footnotes) are only left out of the text."""
    refs = []
    for ln in lines:
        for prev, w, nxt in zip(ln.words, ln.words[1:], ln.words[2:] + (None,)):
            glued = nxt is not None and nxt.x0 - w.x1 < 0.1 * w.size    # "(kg/m²)": a unit
            if (w.sup and not prev.sup and not glued and REF_SUP_RE.match(w.text)
                    and re.search(r"[A-Za-z]", prev.text) and "/" not in prev.text):
                refs.append(w.text.rstrip(","))
    return refs


def rows_to_grid(source: str, parts: list[TablePart], columns: list[Column],
                 rows: list[Row]) -> Grid:
    """Rows -> Grid. Superscript reference numbers go to the table's reference column, or
    to a "Ref" column added at the right when the table has none."""
    header = [c.text for c in columns]
    refs = [cell_refs([ln for lines in row.cells for ln in lines]) for row in rows]
    ref_col = next((i for i, h in enumerate(header) if REF_HEADER_RE.match(h.strip())), None)
    if ref_col is None and any(r for r, row in zip(refs, rows) if not row.section):
        header.append("Ref")
        ref_col = len(header) - 1
    grid_rows = []
    for row, row_refs in zip(rows, refs):
        first = row.lines[0]
        if row.section:
            grid_rows.append(GridRow(cells=(None,) * len(header), line=first.number,
                                     section=row.section, page=row.page))
            continue
        cells = [
            Cell(text=cell_text(lines), line=min(ln.number for ln in lines), page=lines[0].page)
            if lines and cell_text(lines) else None
            for lines in row.cells]
        cells += [None] * (len(header) - len(cells))
        if row_refs and cells[ref_col] is None:
            cells[ref_col] = Cell(text=", ".join(row_refs), line=first.number, page=row.page)
        grid_rows.append(GridRow(cells=tuple(cells), line=first.number, line_end=max(ln.number for ln in row.lines),
                                 page=row.page))
    head = parts[0]
    return Grid(source=source, label=head.label, title=_title(head), header=tuple(header),
                rows=tuple(grid_rows), legend=_legend(parts[-1].after),
                notes=_notes(parts[-1].after), header_line=head.header[0].number)


def _title(part: TablePart) -> str | None:
    if not part.title_lines:
        return None
    first = part.title_lines[0].text
    m = TITLE_LABEL_RE.match(first)
    rest = first[m.end():] if m else first
    text = " ".join([rest] + [ln.text for ln in part.title_lines[1:]])
    text = CONTINUED_TITLE_RE.sub("", text)
    text = re.sub(r"\s+", " ", text).strip().lstrip(".:|").strip()
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
    grids, _ = read_pdf_document(path, settings)
    return grids


def read_pdf_document(path: Path, settings: PdfSettings | None = None
                      ) -> tuple[list[Grid], list[Reject]]:
    """Every table of a PDF, and one Reject per table that cannot be read (its caption's
    line, text and "page N: why"); the other tables are still read. A PDF with no table
    at all is an InputError."""
    path = Path(path)
    settings = settings or PdfSettings()
    tables: list[list[TablePart]] = []
    problems: list[PartProblem] = []
    counter = [0]
    any_text = False
    glyph_fonts: dict[tuple[int, str], set[str]] = {}
    with open_pdf(path) as pdf:
        for page_no, page in enumerate(pdf.pages, start=1):
            layout = page_layout(page, page_no, settings)
            glyph_fonts.update({(page_no, k): v for k, v in layout.glyph_fonts.items()})
            any_text = any_text or bool(layout.words)
            parts, bad = layout_to_parts(layout, counter, settings)
            problems += bad
            if tables and tables[-1][-1].open_end and tables[-1][-1].page == page_no - 1:
                more = continued_part(layout, tables[-1], parts, counter, settings)
                if more is not None:
                    tables[-1].append(more)
            for part in parts:
                earlier = next((t for t in tables if _norm(t[0].label) == _norm(part.label)), None)
                if earlier is not None:
                    earlier.append(part)
                else:
                    tables.append([part])
    if not any_text:
        raise InputError("PDF has no text layer (scanned image?): run OCR first", file=str(path))
    grids, rejects = [], []
    for p in problems:
        rejects.append(Reject(None, p.text, f"page {p.page}: {p.label}: {p.reason}"))
    for parts in tables:
        try:
            grid = part_list_to_grid(path.stem, parts, settings)
            _check_glyph_codes(grid, glyph_fonts)
            grids.append(grid)
        except InputError as e:
            first = parts[0]
            line = first.header[0].number if first.header else None
            rejects.append(Reject(line, _title(first) or first.label,
                                  f"page {first.page}: {first.label}: {e.reason}"))
    if not grids:
        why = rejects[0].reason if rejects else "no table caption (\"Table N\") on any page"
        raise InputError(f"no table found: {why}", file=str(path))
    return grids, rejects


def _check_glyph_codes(grid: Grid, glyph_fonts: dict[tuple[int, str], set[str]]) -> None:
    """Cells holding glyph codes "(cid:N)" are an InputError. pdfminer writes a code when the
    font maps it to no character: no ToUnicode map, and glyph names that name no character
    (a foundry's own "C210") in its encoding and its embedded font program alike, so nothing
    in the file says which character the glyph draws."""
    cells = [c for r in grid.rows for c in r.cells if c is not None and GLYPH_CODE_RE.search(c.text)]
    if not cells:
        return
    code = GLYPH_CODE_RE.search(cells[0].text).group(0)
    fonts = sorted(glyph_fonts.get((cells[0].page, code), ()))
    where = f" (font{'s' if len(fonts) > 1 else ''} {', '.join(fonts)} on the page)" if fonts else ""
    raise InputError(f"text not readable: {len(cells)} cell(s) hold glyph codes such as {code!r}{where}: "
                     "no ToUnicode map and no glyph name that names a character, so they cannot be "
                     "decoded", line=grid.header_line)


def part_list_to_grid(source: str, parts: list[TablePart], settings: PdfSettings) -> Grid:
    for p in parts[1:]:
        _align_part(p, parts[0])
    for p in parts[1:]:
        if p.header and not _same_header(p.header, parts[0].header):
            p.body = p.header + p.body      # a continued part without a repeated header
            p.header = []
    body_lines = [ln for p in parts for ln in p.body]
    left = min((ln.x0 for ln in body_lines), default=0.0)
    body_words = [w for ln in body_lines if not _spanning_label(ln, left, settings)
                  for w in ln.words if not w.sup]
    marks = note_marks(parts[-1].after)
    header = [h for h in (_without_sups(ln, marks) for ln in parts[0].header) if h.words]
    columns = header_to_columns(header, body_words, settings)
    columns = _stub_column(columns, [ln for p in parts for ln in p.body])
    if len(columns) < 2:
        raise InputError("the ruled header has fewer than two columns",
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


def read(source: str, data: bytes, path: Path | None = None):
    """Registry entry (readers.READERS): the PDF at `path` -> ReadResult."""
    from . import ReadResult

    if b"%PDF-" not in data[:1024]:
        raise InputError("not a PDF file (no %PDF- header)", line=1)
    if path is None:
        raise InputError("a PDF is read from a file, not from an archive member")
    grids, rejects = read_pdf_document(path)      # a table it cannot read: one reject
    return ReadResult(grids, rejects)
