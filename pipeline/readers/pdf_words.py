"""PDF characters -> words -> lines, and the superscripts among them.

    page_to_words      chars -> words (split at ASCII spaces or gaps; superscripts apart)
    words_to_lines     words -> lines (same baseline; a superscript joins its line)
    _without_sups      a header line without its footnote marks, exponents kept ("χ²")
    cell_text          a cell's lines -> its text (superscripts left out, exponents kept)
    cell_refs          superscript reference numbers after a name ("HERACLES108")

The settings every stage of the PDF reader takes live here, at the bottom of the chain.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from statistics import median

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
    _move_hanging_marks(groups)
    return [TextLine(tuple(sorted(g, key=lambda w: w.x0))) for g in groups if g]


def _move_hanging_marks(groups: list[list[Word]]) -> None:
    """A superscript taken into the line above (its middle lies inside both lines) that hangs
    below that line's baseline is raised on the line under it: moved there when it sits
    right after a word of that line (footnote marks after cells on a row printed close under
    a one-line label)."""
    for above, below in zip(groups, groups[1:]):
        body_above = [w for w in above if not w.sup]
        body_below = [w for w in below if not w.sup]
        if not body_above or not body_below:
            continue
        base_above = max(w.bottom for w in body_above)
        top_below, base_below = min(w.top for w in body_below), max(w.bottom for w in body_below)
        for w in [w for w in above if w.sup]:
            middle = (w.top + w.bottom) / 2
            if (w.bottom > base_above and top_below < middle and w.bottom <= base_below
                    and any(-0.2 * o.size <= w.x0 - o.x1 <= o.size for o in body_below)):
                above.remove(w)
                below.append(w)


# --------------------------------------------------------------------------------------------
# Superscripts: footnote marks, exponents, reference numbers
# --------------------------------------------------------------------------------------------

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
