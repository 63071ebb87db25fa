"""PDF pages -> table parts: each captioned table cut out of its page into title, header,
body and notes lines (pdf_layout.py finds the rules, captions and regions).

    page_layout        a page's words, lines, rules and running-text font
    layout_to_parts    captions -> table regions -> TableParts (caption, header, body, notes)
    continued_part     a page continuing the table left open at the end of the page before
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .pdf_layout import (DEFAULT_FULL_RULE, Caption, HRule, Region, body_font, caption_region,
                         NOTES_START_RE, continuation_region, find_captions, page_rules,
                         unruled_region)
from .pdf_words import GLYPH_CODE_RE, PdfSettings, TextLine, Word, page_to_words, words_to_lines

# the label at the start of a caption line, with the punctuation journals put after it
TITLE_LABEL_RE = re.compile(r"^\s*table\s*\d+[A-Z]?\s*[.:|]?\s*", re.I)
CONTINUED_TITLE_RE = re.compile(r"\(\s*cont(?:inued|'d|\.)?\s*\)", re.I)


@dataclass
class TablePart:
    """The lines of one table on one page."""
    page: int
    label: str | None = None
    title_lines: list[TextLine] = field(default_factory=list)
    header: list[TextLine] = field(default_factory=list)
    body: list[TextLine] = field(default_factory=list)
    rules: list[float] = field(default_factory=list)      # rule y positions inside the body
    band_edges: list[float] = field(default_factory=list)  # those only the edge of a shaded row
    rule_gaps: dict[float, tuple[tuple[float, float], ...]] = field(default_factory=dict)  # y -> x-ranges
    # a grid border leaves open (a spanned cell goes on across it there)
    body_top: float = 0.0                                  # rule above the body
    body_bottom: float = 0.0                               # rule below the body
    after: list[TextLine] = field(default_factory=list)    # notes and legend lines
    continued: bool = False                                # caption says "(continued)"
    x0: float = 0.0                                        # the table region's x-range
    x1: float = 0.0
    open_end: bool = False     # nothing under the table in its column: it may go on overleaf


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
    inside = [w for w in layout.words if w.x0 >= region.x0 - 2 and w.x1 <= region.x1 + 2]
    region = _table_extent(layout, region, inside, settings, caption or _repeats_header(region, inside, header_of, settings))
    side = region.x0 >= region.title_x[1] - 2          # a caption set beside the table
    below = region.title_y[1] if region.top >= region.title_y[0] - 1 and not side else -1.0
    table_words = [w for w in inside if region.top - 1 < (w.top + w.bottom) / 2 < region.bottom + 1
                   and w.top > below - 0.5]
    lines = _numbered(words_to_lines(table_words, settings), counter)
    if not lines:
        return None
    width = region.x1 - region.x0
    full = [r for r in _collapse_rules(list(region.rules), lines) if r.width >= DEFAULT_FULL_RULE * width]
    top, bottom = full[0].y, full[-1].y
    header_bottom = _header_bottom(lines, full, top, bottom)
    if header_bottom is None:
        return None
    part = TablePart(page=layout.number, label=cap.label, x0=region.x0, x1=region.x1,
                     title_lines=_title_lines(layout, cap, region) if caption else [])
    part.header = [ln for ln in lines if top < ln.middle < header_bottom]
    part.body_top, part.body_bottom = header_bottom, bottom
    part.rules = [r.y for r in full if header_bottom < r.y < bottom]
    part.band_edges = [r.y for r in full if header_bottom < r.y < bottom and r.band_edge]
    part.rule_gaps = {r.y: r.gaps for r in full if header_bottom < r.y < bottom and r.gaps}
    part.body = [ln for ln in lines if header_bottom < ln.middle < bottom]
    notes_follow = region.top > region.title_y[0]      # caption above or beside
    if notes_follow:
        part.after = _numbered(_notes_under(layout, region, inside, bottom, part.body or lines, settings), counter)
    tail = [w for w in inside if w.top > bottom + 1 and w.top < 0.92 * layout.height]
    part.open_end = notes_follow and not tail
    return part if part.body else None


def _repeats_header(region: Region, inside: list[Word], header_of: TablePart | None,
                    settings: PdfSettings) -> bool:
    """The band between the region's outer rules repeats the header of the table it continues."""
    if header_of is None or not header_of.header:
        return False
    band = words_to_lines([w for w in inside if _between_outer_rules(region, w)], settings)
    return _same_header(band, header_of.header)


def _between_outer_rules(region: Region, w: Word) -> bool:
    ys = _distinct_full_rules(region)
    return ys[0] < w.top < ys[-1]


def _distinct_full_rules(region: Region) -> list[float]:
    """The heights of the rules across the table, a double rule counted once."""
    width = region.x1 - region.x0
    full_ys = sorted(r.y for r in region.rules if r.width >= DEFAULT_FULL_RULE * width)
    return [y for k, y in enumerate(full_ys) if k == 0 or y - full_ys[k - 1] > 3.0]


def _table_extent(layout: PageLayout, region: Region, inside: list[Word], settings: PdfSettings,
                  may_open: bool) -> Region:
    """The region, or (rules above and under a short header only, under its caption or a
    repeated header; or a last rule that is only the edge of a shaded row) the region
    opened down to the end of the table's text."""
    distinct = _distinct_full_rules(region)
    band = words_to_lines([w for w in inside if distinct[0] < w.top < distinct[-1]], settings)
    if may_open and region.top > region.title_y[0] and len(distinct) <= 2 and len(band) <= 3:
        return _open_bottom(region, inside, layout, settings)
    if region.top > region.title_y[0] and _last_rule(region).band_edge:
        return _open_bottom(region, inside, layout, settings)     # shaded rows, the last one plain
    return region


def _last_rule(region: Region):
    return max(region.rules, key=lambda r: (r.y, r.width))


def _header_bottom(lines: list[TextLine], full: list[HRule], top: float, bottom: float) -> float | None:
    """Where the header ends: the first full rule with text above it, inside the table;
    without one, under the header lines set apart by their bold type."""
    ruled = next((r.y for r in full[1:-1] if any(top < ln.middle < r.y for ln in lines)), None)
    if ruled is not None:
        return ruled
    return _unruled_header_bottom([ln for ln in lines if top < ln.middle < bottom])


def _notes_under(layout: PageLayout, region: Region, inside: list[Word], bottom: float,
                 cells: list[TextLine], settings: PdfSettings) -> list[TextLine]:
    """The notes and legend lines under the table, down to the page's running text or the
    next caption (a caption set beside the table is not a note)."""
    rest = [w for w in inside if w.top > bottom and not (
        region.title_x[0] - 2 <= w.x0 <= region.title_x[1] and w.top <= region.title_y[1])]
    after = []
    cells_font = body_font(cells)
    for ln in _after_lines(words_to_lines(rest, settings), bottom, settings):
        font = (ln.words[0].font, round(ln.words[0].size, 1))
        if (font == layout.font and font != cells_font) or TITLE_LABEL_RE.match(ln.text):
            break       # the page's running text, or the next caption, starts
        after.append(ln)
    return after


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


def _same_header(a: list[TextLine], b: list[TextLine]) -> bool:
    """A continued part's first band repeats the table's header: the same words, mostly."""
    wa = set(_norm(" ".join(ln.text for ln in a)).split())
    wb = set(_norm(" ".join(ln.text for ln in b)).split())
    return bool(wa and wb) and len(wa & wb) >= 0.6 * len(wa | wb)


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
