"""Where the tables are on a PDF page: drawn rules, captions and table regions.

Journals draw a table's rules in many ways: stroked lines, thin filled rectangles, bars
several points thick, curves, one short segment per cell, or the edges of shaded bands
(a header band, alternately shaded rows, cell backgrounds). All of them become horizontal
rules here; segments that touch at one height are one rule. A table is found from its
caption ("Table 2.", "table 2 |", "Table 2:", a caption set beside the table or under it):
the stack of rules next to the caption gives its region, cropped in x to the rules' width
so that text of the other column of a two-column page never enters. Stages:

    page_rules        lines, rects, curves -> merged horizontal rules (y, x0, x1)
    find_captions     lines -> captions (label, where, continued or not)
    caption_region    caption + rules + lines -> Region (x-range, top/bottom rule, inner rules)

Nothing here knows about a particular journal or table.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# Tunables, in points unless noted.
DEFAULT_RULE_Y_TOLERANCE = 1.0     # edges closer in y are one rule
DEFAULT_RULE_X_GAP = 3.0           # segments at one height this close in x are one rule
DEFAULT_RULE_MIN_LENGTH = 4.0      # shorter edges (glyph decorations) are no rules
DEFAULT_BAR_MAX_HEIGHT = 9.0       # a filled shape up to this tall is one (thick) rule
DEFAULT_FULL_RULE = 0.9            # a rule over this fraction of the table width is full
DEFAULT_CAPTION_REACH = 4.0        # x caption size: how far below/above a caption rules start
DEFAULT_GUTTER = 1.5               # x size: a wider gap on a line separates two text columns

# "Table 3", "table 3 |", "TABLE 3:", "Table 3 (continued)", "Table3" (no space glyph)
LABEL_WORD_RE = re.compile(r"^(table)(\d+[A-Z]?)?([.:|])?$", re.I)
NUMBER_RE = re.compile(r"^(\d+[A-Z]?)([.:|])?$")
# a table's notes start here: where an unruled table's body ends
NOTES_START_RE = re.compile(r"^\s*(?:Abbreviations?|Abbr\.|Notes?)\s*[:.]", re.I)
CONTINUED_RE = re.compile(r"\(\s*cont(?:inued|'d|\.)?\s*\)|\bcontinued\b", re.I)


@dataclass(frozen=True)
class HRule:
    y: float
    x0: float
    x1: float
    band_edge: bool = field(default=False, compare=False)   # the edge of a shaded band only
    gaps: tuple[tuple[float, float], ...] = field(default=(), compare=False)  # x-ranges a grid
    # border joined from segments leaves open (where a spanned cell goes on across it)

    @property
    def width(self) -> float:
        return self.x1 - self.x0


@dataclass(frozen=True)
class Caption:
    label: str                  # "Table 3" (as printed, without punctuation)
    line_index: int             # index of the caption's line in the page's lines
    word_index: int             # index of the label's first word in that line
    x0: float
    x1: float                   # right end of the caption's text segment on its line
    top: float
    bottom: float
    size: float
    continued: bool
    plain: bool = False         # set in the running text's font: a caption only if a table follows


@dataclass
class Region:
    x0: float
    x1: float
    top: float                  # y of the rule above the table (header top)
    bottom: float               # y of the rule under the table
    rules: list[HRule] = field(default_factory=list)     # every rule inside, top to bottom
    title_x: tuple[float, float] = (0.0, 0.0)            # x-range of the caption's text
    title_y: tuple[float, float] = (0.0, 0.0)            # y-range of the caption's text


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------

def page_rules(objects: list[dict], page_height: float,
               y_tol: float = DEFAULT_RULE_Y_TOLERANCE, x_gap: float = DEFAULT_RULE_X_GAP,
               min_length: float = DEFAULT_RULE_MIN_LENGTH,
               bar_height: float = DEFAULT_BAR_MAX_HEIGHT) -> list[HRule]:
    """Every horizontal rule of a page: a flat line, rect or curve is a rule at its middle;
    a taller shape (a shaded band, a cell background) gives a rule at its top and bottom
    edge, unless it is as tall as half the page (a frame). Edges at one height whose x
    ranges touch are merged, so per-cell segments make one rule. A rule that is only the
    edge of shaded shapes is marked (`band_edge`): a shaded row need not be the last."""
    edges: list[tuple[float, float, float, bool]] = []
    for o in objects:
        x0, x1, top, bottom = o["x0"], o["x1"], o["top"], o["bottom"]
        if x1 - x0 < min_length:
            continue
        height = bottom - top
        if height <= bar_height:
            edges.append(((top + bottom) / 2, x0, x1, False))
        elif height < page_height / 2 and o.get("object_type") != "line":
            edges.append((top, x0, x1, True))
            edges.append((bottom, x0, x1, True))
    edges.sort()
    rows: list[list[tuple[float, float, float, bool]]] = []
    for e in edges:
        if rows and e[0] - rows[-1][0][0] <= y_tol:
            rows[-1].append(e)
        else:
            rows.append([e])
    rules: list[HRule] = []
    for row in rows:
        y = sum(e[0] for e in row) / len(row)
        spans = sorted((e[1], e[2], e[3]) for e in row)
        cur = list(spans[0])
        for a, b, edge in spans[1:]:
            if a <= cur[1] + x_gap:
                cur[1], cur[2] = max(cur[1], b), cur[2] and edge
            else:
                rules.append(HRule(y, cur[0], cur[1], cur[2]))
                cur = [a, b, edge]
        rules.append(HRule(y, cur[0], cur[1], cur[2]))
    return sorted(rules, key=lambda r: (r.y, r.x0))


# --------------------------------------------------------------------------------------------
# Captions
# --------------------------------------------------------------------------------------------

def find_captions(lines, body_font: tuple[str, float], gutter: float = DEFAULT_GUTTER) -> list[Caption]:
    """Table captions among a page's lines. A caption is "Table"/"table"/"TABLE" with a number,
    at the start of a text segment of its line (first word, or after a gap wider than
    `gutter` x size: the other column), set in another font than the page's running text
    (`body_font`: the commonest (font name, size)), or followed by ".", ":" or "|" (then it
    is `plain`: a caption only if a table is found next to it, since "... listed in
    Table 1. Most of ..." can wrap to the start of a line)."""
    found = []
    for li, line in enumerate(lines):
        words = line.words
        for wi, w in enumerate(words):
            m = LABEL_WORD_RE.match(w.text)
            if not m:
                continue
            if wi and w.x0 - words[wi - 1].x1 <= gutter * w.size:
                continue
            number, mark = m.group(2), m.group(3)
            if number is None:
                if wi + 1 >= len(words):
                    continue
                n = NUMBER_RE.match(words[wi + 1].text)
                if not n:
                    continue
                number, mark = n.group(1), n.group(2)
            plain = (w.font, round(w.size, 1)) == body_font
            if plain and not mark:
                continue
            label = f"{m.group(1)} {number}"
            end = wi + 1
            while end < len(words) and words[end].x0 - words[end - 1].x1 <= gutter * w.size:
                end += 1
            seg_text = " ".join(x.text for x in words[wi:end])
            found.append(Caption(label=label, line_index=li, word_index=wi, x0=w.x0,
                                 x1=words[end - 1].x1, top=line.top, bottom=line.bottom,
                                 size=w.size, continued=bool(CONTINUED_RE.search(seg_text)),
                                 plain=plain))
    return found


def body_font(lines, gutter: float = DEFAULT_GUTTER) -> tuple[str, float]:
    """The (font, size) of the page's running text: the commonest, by characters, among
    stretches of six or more words with no gap wider than a space (table cells have wider
    gaps); the commonest of all words when the page has no such stretch."""
    count: dict[tuple[str, float], int] = {}
    every: dict[tuple[str, float], int] = {}
    for line in lines:
        seg: list = []
        for w in list(line.words) + [None]:
            if w is not None:
                key = (w.font, round(w.size, 1))
                every[key] = every.get(key, 0) + len(w.text)
            if w is None or (seg and w.x0 - seg[-1].x1 > 0.6 * seg[-1].size):
                if len(seg) >= 6:
                    for x in seg:
                        key = (x.font, round(x.size, 1))
                        count[key] = count.get(key, 0) + len(x.text)
                seg = []
            if w is not None:
                seg.append(w)
    pool = count or every
    return max(pool, key=pool.get) if pool else ("", 0.0)


# --------------------------------------------------------------------------------------------
# Regions
# --------------------------------------------------------------------------------------------

def caption_region(cap: Caption, lines, rules: list[HRule], page_width: float,
                   reach: float = DEFAULT_CAPTION_REACH,
                   full: float = DEFAULT_FULL_RULE) -> Region | None:
    """The table a caption names: the stack of rules starting just under the caption's
    text (or at its top, right of it: a side caption; or just above it: a caption printed
    under the table). The first rule fixes the x-range; the stack goes on through rules
    inside that range until running text, another caption or the page end."""
    title_bottom = _title_bottom(cap, lines, rules)
    size = cap.size
    below = [r for r in rules if title_bottom - 1 <= r.y <= title_bottom + reach * size
             and r.x1 > cap.x0 + 2 * size and r.x0 < cap.x1]
    side = [r for r in rules if abs(r.y - cap.top) <= 1.5 * size and r.x0 >= cap.x1 - 2
            and r.x0 - cap.x1 < 6 * size]
    above = [r for r in rules if cap.top - reach * size <= r.y <= cap.top + 1
             and r.x1 > cap.x0 + 2 * size and r.x0 < cap.x1]
    for starts, direction in ((below, 1), (side, 1), (above, -1)):
        if not starts:
            continue
        first = min(starts, key=lambda r: (r.y * direction, -r.width))
        x0, x1 = _stack_extent(first, rules)
        stack = _stack(first, x0, x1, rules, lines, direction, full)
        if len(stack) < 2:
            continue
        stack.sort(key=lambda r: r.y)
        title_x = (cap.x0, cap.x1)
        return Region(x0=x0, x1=x1, top=stack[0].y, bottom=stack[-1].y, rules=stack,
                      title_x=title_x, title_y=(cap.top, title_bottom))
    return None


def _title_bottom(cap: Caption, lines, rules: list[HRule]) -> float:
    """Bottom of the caption's text: its line and the lines right under it (same size,
    starting at the caption's left edge, a line pitch apart, no rule between)."""
    bottom = cap.bottom
    for line in lines[cap.line_index + 1:]:
        words = [w for w in line.words if w.x0 >= cap.x0 - 2 and w.x0 <= cap.x1]
        if not words:
            if line.top - bottom > 0.8 * cap.size:
                break
            continue        # a line of the table beside a side caption
        if line.top - bottom > 0.8 * cap.size:
            break
        if any(bottom - 1 <= r.y <= (line.top + line.bottom) / 2 and r.x1 > words[0].x0 and r.x0 < words[-1].x1
               for r in rules):
            break
        if abs(words[0].size - cap.size) > 0.6 or abs(words[0].x0 - cap.x0) > cap.size * 12:
            break
        bottom = line.bottom
    return bottom


def _stack_extent(first: HRule, rules: list[HRule]) -> tuple[float, float]:
    """x-range of the rules at the first rule's height that continue it (a rule broken into
    column-group segments with small gaps)."""
    x0, x1 = first.x0, first.x1
    for r in rules:
        if abs(r.y - first.y) <= 1.0 and r.x0 <= x1 + 12 and r.x1 >= x0 - 12:
            x0, x1 = min(x0, r.x0), max(x1, r.x1)
    return x0, x1


def _stack(first: HRule, x0: float, x1: float, rules: list[HRule], lines, direction: int,
           full: float) -> list[HRule]:
    """Rules from `first` on (down or up) that lie inside [x0, x1], until the text between
    two of them is running text or a rule crosses the range's edge."""
    width = x1 - x0
    tol = max(4.0, 0.02 * width)
    ordered = sorted((r for r in rules if (r.y - first.y) * direction >= 0),
                     key=lambda r: r.y * direction)
    stack = [first]
    last_full = first
    for r in ordered:
        if r is first or abs(r.y - stack[-1].y) < 0.5 and r in stack:
            continue
        overlaps = r.x1 > x0 + tol and r.x0 < x1 - tol
        if not overlaps:
            continue
        if r.x0 < x0 - tol or r.x1 > x1 + tol:
            break           # a rule wider than the table: page furniture or another table
        lo, hi = sorted((last_full.y, r.y))
        if _running_text_between(lines, x0, x1, lo, hi):
            break
        stack.append(r)
        if r.width >= full * width:
            last_full = r
    stack = _join_grid_segments(stack, x0, x1, full)
    # the stack ends at its last full-width rule (partial rules under it are cell borders
    # of the last row at most)
    while len(stack) > 1 and stack[-1].width < full * width:
        stack.pop()
    return stack


def _join_grid_segments(stack: list[HRule], x0: float, x1: float,
                        full: float = DEFAULT_FULL_RULE) -> list[HRule]:
    """Segments at one height that together cover more than half the table's width are one
    rule across the table: a grid's row border, broken where spanned cells go on below it.
    Only under two full rules (the top rule and the header's), so that the rules under a
    header's group headings stay segments."""
    out: list[HRule] = []
    full_above = 0
    for r in sorted(stack, key=lambda r: r.y):        # top down, whichever way the stack grew
        same = [q for q in stack if abs(q.y - r.y) < 0.5]
        full_above += r.width >= full * (x1 - x0)
        if full_above >= 2 and len(same) > 1 and sum(q.width for q in same) > 0.5 * (x1 - x0):
            if r is same[0]:
                out.append(HRule(r.y, min(x0, *(q.x0 for q in same)), max(x1, *(q.x1 for q in same)),
                                 r.band_edge, _open_stretches(same, x0, x1)))
        else:
            out.append(r)
    return out if stack[0].y <= stack[-1].y else out[::-1]


def _open_stretches(segments: list[HRule], x0: float, x1: float,
                    x_gap: float = DEFAULT_RULE_X_GAP) -> tuple[tuple[float, float], ...]:
    """The x-ranges of x0..x1 that none of the segments covers (wider than `x_gap`)."""
    gaps, cursor = [], x0
    for q in sorted(segments, key=lambda q: q.x0):
        if q.x0 - cursor > x_gap:
            gaps.append((cursor, q.x0))
        cursor = max(cursor, q.x1)
    if x1 - cursor > x_gap:
        gaps.append((cursor, x1))
    return tuple(gaps)


def _running_text_between(lines, x0: float, x1: float, lo: float, hi: float) -> bool:
    """A paragraph line of the page's running text lies between y=lo and y=hi in the
    x-range: at least eight words, spread over most of the range, none of the gaps
    between them wider than a space (a table row has cell gaps)."""
    for line in lines:
        words = [w for w in line.words if w.x0 >= x0 - 2 and w.x1 <= x1 + 2]
        if len(words) < 8 or not lo < sum(w.top + w.bottom for w in words) / (2 * len(words)) < hi:
            continue
        if words[-1].x1 - words[0].x0 < 0.8 * (x1 - x0):
            continue
        if all(b.x0 - a.x1 < 0.6 * a.size for a, b in zip(words, words[1:])):
            return True
    return False


def continuation_region(lines, rules: list[HRule], x0: float, x1: float, before: float,
                        full: float = DEFAULT_FULL_RULE) -> Region | None:
    """A table continued from the previous page without a caption: a stack of rules as
    wide as the table (x0..x1) starting above the page's first caption (`before`)."""
    tol = max(4.0, 0.03 * (x1 - x0))
    starts = [r for r in rules if r.y < before and abs(r.x0 - x0) <= tol and abs(r.x1 - x1) <= tol]
    if not starts:
        return None
    first = min(starts, key=lambda r: r.y)
    stack = sorted(_stack(first, first.x0, first.x1, rules, lines, 1, full), key=lambda r: r.y)
    if len(stack) < 2:
        return None
    return Region(x0=first.x0, x1=first.x1, top=stack[0].y, bottom=stack[-1].y, rules=stack,
                  title_x=(0.0, 0.0), title_y=(-1.0, -1.0))


def unruled_region(cap: Caption, lines, rules: list[HRule], page_width: float,
                   running_font: tuple[str, float]) -> Region | None:
    """A table printed without rules: the lines under the caption, in the caption's text
    column (up to the page's gutter right of it), down to the first gap wider than a line and
    a half or a paragraph of running text."""
    title_bottom = _title_bottom(cap, lines, rules)
    left = cap.x0 - 2
    right = _gutter_right(cap, lines, page_width)
    kept = []
    last = title_bottom
    for line in lines[cap.line_index + 1:]:
        words = [w for w in line.words if w.x0 >= left and w.x1 <= right + 2]
        if not words or (words[0].top + words[-1].bottom) / 2 <= title_bottom:
            continue
        size = words[0].size
        if words[0].top - last > (3.0 if not kept else 1.5) * size:
            break
        if (_is_paragraph(words, right - left) or LABEL_WORD_RE.match(words[0].text)
                or NOTES_START_RE.match(" ".join(w.text for w in words))):
            break
        kept.append(words)
        last = max(w.bottom for w in words)
    if len(kept) < 2:
        return None
    x1 = max(w.x1 for ws in kept for w in ws)
    top, bottom = title_bottom + 0.5, last + 0.5
    return Region(x0=cap.x0, x1=x1, top=top, bottom=bottom,
                  rules=[HRule(top, cap.x0, x1), HRule(bottom, cap.x0, x1)],
                  title_x=(cap.x0, cap.x1), title_y=(cap.top, title_bottom))


def _is_paragraph(words, width: float) -> bool:
    return (len(words) >= 8 and words[-1].x1 - words[0].x0 >= 0.8 * width
            and all(b.x0 - a.x1 < 0.6 * a.size for a, b in zip(words, words[1:])))


def _gutter_right(cap: Caption, lines, page_width: float) -> float:
    """Right edge of the text column the caption starts in: the first vertical strip right
    of it that almost no line of the page crosses while text lies on both sides of it
    (the gutter of a two-column page); else the right end of the page's text."""
    texty = [ln for ln in lines if ln.words]
    if not texty:
        return page_width
    end = max(w.x1 for ln in texty for w in ln.words)
    # judge the strip on the page's other lines: the table's own column gaps are free too
    block_end = cap.line_index
    while block_end + 1 < len(lines) and \
            lines[block_end + 1].top - lines[block_end].bottom <= 2 * cap.size:
        block_end += 1
    texty = [ln for ln in lines[:cap.line_index] + lines[block_end + 1:] if ln.words]
    if len(texty) < 5:
        return end
    x = cap.x0 + 6 * cap.size
    while x < end:
        crossing = sum(1 for ln in texty if any(w.x0 < x < w.x1 for w in ln.words))
        both = sum(1 for ln in texty if any(w.x1 < x for w in ln.words) and any(w.x0 > x for w in ln.words))
        if crossing <= 0.05 * len(texty) and both >= 0.3 * len(texty):
            return x
        x += 2.0
    return end
