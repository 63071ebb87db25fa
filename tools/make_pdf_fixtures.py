"""Render test tables to journal-style PDFs (tests/fixtures/*.pdf).

    python tools/make_pdf_fixtures.py                 # render every tests/fixtures/*.table.json
    python tools/make_pdf_fixtures.py --import-shared ../shared   # (re)build the .table.json specs

A spec (`<source>.table.json`) holds the table as printed: label, title, header cells, rows
(`{"cells": [text | null, ...]}` with null for a cell spanning down from above, or
`{"section": "First line"}`), legend, plus a `layout` block. The specs are committed, so a
fresh clone renders the PDFs without ../shared; `--import-shared` rebuilds them from the raw
tables and their gold annotations (the gold rows say which cells are spanned and what the
fixed cells hold, which is how a raw line is cut into cells).

Journal style: no vertical rules; horizontal rules above and below the header and below the
table; small fonts (7-8 pt); cells wrapped in narrow columns (at ASCII spaces only, so
non-breaking and thin spaces stay inside a line); spanned cells printed once, either on the
first row of the span (`span_valign: top`) or in the vertical middle of the span
(`middle`); a running head and page number outside the table; a table split over two pages
with or without a repeated header (`split_before_row`, `repeat_header`).

Needs reportlab and a TrueType font with the table's characters (thin space, "≥", "–");
DejaVu Sans Condensed is looked for in the usual places or given with --font.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"

FONT_CANDIDATES = {
    "regular": ["/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf",
                "/usr/share/fonts/TTF/DejaVuSansCondensed.ttf",
                "/Library/Fonts/DejaVuSansCondensed.ttf"],
    "bold": ["/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
             "/usr/share/fonts/TTF/DejaVuSansCondensed-Bold.ttf",
             "/Library/Fonts/DejaVuSansCondensed-Bold.ttf"],
    "italic": ["/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Oblique.ttf",
               "/usr/share/fonts/TTF/DejaVuSansCondensed-Oblique.ttf",
               "/Library/Fonts/DejaVuSansCondensed-Oblique.ttf"],
}

# --------------------------------------------------------------------------------------------
# Importing specs from ../shared (raw table + gold annotation)
# --------------------------------------------------------------------------------------------

# How each raw plain-text table's header splits into cells and which gold field each column
# holds. "*" = a one-token cell not in gold (numbers), "**" = the free-text cell (the rest).
PLAIN_COLUMNS = {
    "pmc10584733_table6": [
        ("Trials", "trial_id"), ("Target", "target"), ("Agent", "agent"), ("Line", "line"),
        ("Phase", "phase"), ("Treatment", "treatment"), ("Primary sites", "primary_sites"),
        ("Key outcomes", "**"), ("Ref", "ref")],
    "dev_plain_numeric": [
        ("Study", "study"), ("Primary sites", "primary_sites"), ("No. of pts", "*"),
        ("Regimen", "treatment"), ("ORR (%)", "*"), ("mPFS (months)", "*"),
        ("mOS (months)", "*"), ("Ref", "ref")],
}

LAYOUTS = {
    "pmc10584733_table6": {
        "font_size": 7, "widths": [0.1, 0.09, 0.115, 0.035, 0.085, 0.15, 0.065, 0.325, 0.035],
        "span_valign": "top", "split_before_row": 9, "repeat_header": True,
        "running_head": "Cancer Metastasis Rev (2023) 42:1021–1054"},
    "dev_plain_numeric": {
        "font_size": 8, "widths": [0.15, 0.13, 0.1, 0.17, 0.1, 0.13, 0.12, 0.1],
        "span_valign": "top", "split_before_row": 4, "repeat_header": False,
        "running_head": "Synthetic Rev (2024) 11:88–104"},
    "dev_html_spans": {
        "font_size": 7, "widths": [0.14, 0.1, 0.07, 0.2, 0.07, 0.08, 0.08, 0.09, 0.09, 0.08],
        "span_valign": "middle", "split_before_row": None, "repeat_header": True,
        "running_head": "Synthetic Lung Rev (2024) 3:1–20"},
}

LINE_WORDS = {1: "1st", 2: "2nd", 3: "3rd"}


def _flex(text: str) -> str:
    """Regex for `text` where any run of whitespace matches any whitespace (thin, NBSP)."""
    return r"\s+".join(re.escape(part) for part in text.split())


def _gold_pattern(field: str, row: dict) -> str:
    value = row[field]
    if field == "line":
        return re.escape(LINE_WORDS[value])
    if field == "phase" and row.get("design"):
        return _flex(f"{value} ({row['design']})")
    if field == "primary_sites":
        return r"(?:\s*,\s*|\s+or\s+|\s*/\s*)".join(_flex(s) for s in value)
    return _flex(str(value))


def _cut_line(text: str, columns: list[tuple[str, str]], row: dict) -> list[str | None]:
    """Cut one raw data line into cells, guided by the gold row (spanned cells are None)."""
    cells: list[str | None] = [None] * len(columns)
    free = next((i for i, (_, f) in enumerate(columns) if f == "**"), len(columns))
    rest = text
    for i in range(free):
        rest, cells[i] = _take(rest, columns[i][1], row, at_end=False)
    for i in range(len(columns) - 1, free, -1):
        rest, cells[i] = _take(rest, columns[i][1], row, at_end=True)
    if free < len(columns):
        cells[free] = rest.strip(" ") or None
    elif rest.strip():
        raise ValueError(f"left over {rest!r} in {text!r}")
    return cells


def _take(rest: str, field: str, row: dict, *, at_end: bool) -> tuple[str, str | None]:
    if field not in ("*", "**") and (field in row.get("filled", []) or row.get(field) in (None, [])):
        return rest, None
    pattern = r"\S+" if field == "*" else _gold_pattern(field, row)
    if at_end:
        m = re.search(rf"(?:^| )({pattern})$", rest)
        if not m:
            raise ValueError(f"{field}: {pattern!r} not at the end of {rest!r}")
        return rest[:m.start(1)].rstrip(" "), m.group(1)
    m = re.match(rf"({pattern})(?: |$)", rest)
    if not m:
        raise ValueError(f"{field}: {pattern!r} not at the start of {rest!r}")
    return rest[m.end():], m.group(1)


def import_plain(raw: Path, gold: dict) -> dict:
    columns = PLAIN_COLUMNS[gold["source"]]
    lines = raw.read_text(encoding="utf-8").splitlines()
    header = " ".join(name for name, _ in columns)
    h = lines.index(header)
    label_at = next(i for i, s in enumerate(lines) if re.match(r"^Table\s+\d+", s))
    title = next(s for s in lines[label_at + 1:h] if s.strip())
    sections = {r.get("section") for r in gold["rows"]} - {None}
    rows, gold_rows = [], iter(gold["rows"])
    legend = None
    for text in lines[h + 1:]:
        if not text.strip():
            continue
        if text.startswith("Abbreviations:"):
            legend = text
            break
        if text in sections:
            rows.append({"section": text})
            continue
        rows.append({"cells": _cut_line(text, columns, next(gold_rows))})
    return {"source": gold["source"], "label": lines[label_at].strip(), "title": title,
            "header": [name for name, _ in columns], "rows": rows, "legend": legend,
            "notes": []}


def import_html(raw: Path, gold: dict) -> dict:
    from lxml import html as lxml_html

    doc = lxml_html.fromstring(raw.read_bytes())
    caption = doc.find(".//caption")
    label = caption.find("strong").text_content().strip()
    title = caption.text_content().strip()[len(label):].strip()
    header = [th.text_content().strip() for th in doc.findall(".//thead//th")]
    rows, pending = [], {}  # column -> rows still covered by a rowspan
    for tr in doc.findall(".//tbody/tr"):
        tds = tr.findall("td")
        if len(tds) == 1 and int(tds[0].get("colspan", 1)) == len(header):
            rows.append({"section": tds[0].text_content().strip()})
            continue
        cells, it = [], iter(tds)
        for col in range(len(header)):
            if pending.get(col, 0) > 0:
                pending[col] -= 1
                cells.append(None)
                continue
            td = next(it)
            pending[col] = int(td.get("rowspan", 1)) - 1
            cells.append(td.text_content().strip())
        rows.append({"cells": cells})
    legend = next((p.text_content().strip() for p in doc.findall(".//p")
                   if p.text_content().strip().startswith("Abbreviations:")), None)
    return {"source": gold["source"], "label": label, "title": title, "header": header,
            "rows": rows, "legend": legend, "notes": []}


def import_shared(shared: Path) -> list[Path]:
    written = []
    for source, layout in LAYOUTS.items():
        gold = json.loads((shared / "gold" / f"{source}.json").read_text(encoding="utf-8"))
        raw = next((shared / "raw").glob(f"{source}.*"))
        spec = import_html(raw, gold) if raw.suffix == ".html" else import_plain(raw, gold)
        spec["layout"] = layout
        out = FIXTURES / f"{source}.table.json"
        out.write_text(json.dumps(spec, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(out)
    return written


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------

PAGE_W, PAGE_H = 595.28, 841.89        # A4 portrait, points
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 42.0, 48.0, 56.0
CELL_PAD_X = 6.0                        # space between columns
ROW_PAD = 2.2                           # space above and below the text of a row
LEADING = 1.2                           # line height / font size


@dataclass
class Fonts:
    regular: str = "TT"
    bold: str = "TT-Bold"
    italic: str = "TT-Italic"


def register_fonts(font_dir: str | None) -> Fonts:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    fonts = Fonts()
    for style, name in (("regular", fonts.regular), ("bold", fonts.bold), ("italic", fonts.italic)):
        candidates = FONT_CANDIDATES[style]
        if font_dir:
            candidates = [str(Path(font_dir) / Path(c).name) for c in candidates[:1]] + candidates
        path = next((c for c in candidates if Path(c).exists()), None)
        if path is None:
            sys.exit(f"no TrueType font for {style}: tried {candidates}; pass --font DIR")
        pdfmetrics.registerFont(TTFont(name, path))
    return fonts


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy wrap at ASCII spaces only (NBSP and thin spaces never break a line)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, current = [], ""
    for word in text.split(" "):
        if stringWidth(word, font, size) > width:
            raise ValueError(f"{word!r} is wider than its column ({width:.0f} pt)")
        trial = f"{current} {word}" if current else word
        if current and stringWidth(trial, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


class Renderer:
    def __init__(self, spec: dict, out: Path, fonts: Fonts):
        self.spec, self.fonts = spec, fonts
        self.layout = spec["layout"]
        self.size = float(self.layout["font_size"])
        self.lead = self.size * LEADING
        self.canvas = BufferedCanvas(str(out), pagesize=(PAGE_W, PAGE_H), invariant=1)
        self.canvas.setTitle(spec["source"])
        self.col_x, x = [], MARGIN_X
        for width in self.column_widths():
            self.col_x.append((x, x + width))
            x += width
        self.page_no = 0

    def column_widths(self) -> list[float]:
        """The layout's width fractions, widened where a word would not fit; the widest
        column gives up the difference."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        table_w = PAGE_W - 2 * MARGIN_X
        widths = [frac * table_w for frac in self.layout["widths"]]
        texts = [[(h, self.fonts.bold)] for h in self.spec["header"]]
        for row in self.spec["rows"]:
            for col, text in enumerate(row.get("cells", [])):
                if text is not None:
                    texts[col].append((text, self.fonts.regular))
        for col, cells in enumerate(texts):
            need = max(stringWidth(word, font, self.size) for text, font in cells
                       for word in text.split(" ")) + CELL_PAD_X + 0.5
            widths[col] = max(widths[col], need)
        widest = widths.index(max(widths))
        widths[widest] -= sum(widths) - table_w
        return widths

    # -- page furniture -------------------------------------------------------------------
    def new_page(self) -> float:
        if self.page_no:
            self.canvas.showPage()
        self.page_no += 1
        c = self.canvas
        c.setFont(self.fonts.italic, 7)
        c.drawString(MARGIN_X, PAGE_H - 28, self.layout.get("running_head", ""))
        c.setFont(self.fonts.regular, 7)
        c.drawRightString(PAGE_W - MARGIN_X, 30, str(self.page_no))
        return PAGE_H - MARGIN_TOP

    def rule(self, y: float, width: float = 0.6) -> None:
        self.canvas.setLineWidth(width)
        self.canvas.line(MARGIN_X, y, PAGE_W - MARGIN_X, y)

    def paragraph(self, y: float, text: str, font: str, size: float,
                  lead_in: tuple[str, str] | None = None) -> float:
        """Full-width wrapped text (an optional bold lead-in such as "Table 6."); returns y."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        c, width = self.canvas, PAGE_W - 2 * MARGIN_X
        first_indent = 0.0
        if lead_in:
            first_indent = stringWidth(lead_in[0] + " ", lead_in[1], size)
        lines = wrap(text, font, size, width - first_indent)
        for i, line in enumerate(lines):
            y -= size * LEADING
            x = MARGIN_X
            if i == 0 and lead_in:
                c.setFont(lead_in[1], size)
                c.drawString(x, y, lead_in[0])
                x += first_indent
            c.setFont(font, size)
            c.drawString(x, y, line)
        return y

    # -- table ----------------------------------------------------------------------------
    def cell_lines(self, text: str | None, col: int, font: str) -> list[str]:
        if text is None:
            return []
        x0, x1 = self.col_x[col]
        return wrap(text, font, self.size, x1 - x0 - CELL_PAD_X)

    def draw_lines(self, lines: list[str], col: int, top: float, font: str) -> None:
        c = self.canvas
        c.setFont(font, self.size)
        for i, line in enumerate(lines):
            c.drawString(self.col_x[col][0], top - self.size - i * self.lead, line)

    def header(self, y: float) -> float:
        self.rule(y)
        cells = [self.cell_lines(h, i, self.fonts.bold) for i, h in enumerate(self.spec["header"])]
        top = y - ROW_PAD
        for i, lines in enumerate(cells):
            self.draw_lines(lines, i, top, self.fonts.bold)
        y = top - max(len(lines) for lines in cells) * self.lead - ROW_PAD
        self.rule(y, 0.4)
        return y

    def caption(self, y: float, continued: bool) -> float:
        label = self.spec["label"]
        title = "(continued)" if continued else self.spec["title"]
        y = self.paragraph(y, title, self.fonts.regular, self.size + 1,
                           lead_in=(label, self.fonts.bold))
        return y - 4

    def row_heights(self, rows: list[dict]) -> list[float]:
        """Height of each row; a middle-aligned span does not stretch its first row."""
        middle = self.layout["span_valign"] == "middle"
        heights = []
        for r, row in enumerate(rows):
            if "section" in row:
                heights.append(self.lead + 2 * ROW_PAD)
                continue
            n = 1
            for col, text in enumerate(row["cells"]):
                if middle and text is not None and span_length(rows, r, col) > 1:
                    continue
                n = max(n, len(self.cell_lines(text, col, self.fonts.regular)))
            heights.append(n * self.lead + 2 * ROW_PAD)
        return heights

    def render(self) -> None:
        spec, layout = self.spec, self.layout
        rows = spec["rows"]
        heights = self.row_heights(rows)
        y = self.new_page()
        y = self.caption(y, continued=False)
        y = self.header(y)
        tops: list[float] = []
        for r, row in enumerate(rows):
            if r == layout.get("split_before_row") or y - heights[r] < MARGIN_BOTTOM + 20:
                self.rule(y)
                y = self.new_page()
                if layout.get("repeat_header", True):
                    y = self.caption(y, continued=True)
                    y = self.header(y)
                else:
                    self.rule(y)
            tops.append(y)
            y -= heights[r]
        self.rule(y)
        bottom = y
        # cell text is drawn once the row positions are known (middle spans need them)
        page_of = self._pages_of(tops)
        for r, row in enumerate(rows):
            self._goto_page(page_of[r])
            if "section" in row:
                self.canvas.setFont(self.fonts.italic, self.size)
                self.canvas.drawString(MARGIN_X, tops[r] - ROW_PAD - self.size, row["section"])
                continue
            for col, text in enumerate(row["cells"]):
                lines = self.cell_lines(text, col, self.fonts.regular)
                top = tops[r] - ROW_PAD
                n = span_length(rows, r, col) if text is not None else 1
                while n > 1 and page_of[r + n - 1] != page_of[r]:
                    n -= 1                      # a span is centred on its rows on this page
                if layout["span_valign"] == "middle" and n > 1:
                    end = tops[r + n] if r + n < len(rows) else bottom
                    middle = (tops[r] + end) / 2
                    top = middle + len(lines) * self.lead / 2 - (self.lead - self.size) / 2
                self.draw_lines(lines, col, top, self.fonts.regular)
        self._goto_page(self.page_no)
        y = bottom - 4
        for note in spec.get("notes", []):
            y = self.paragraph(y, note, self.fonts.regular, self.size)
        if spec.get("legend"):
            y = self.paragraph(y - 2, spec["legend"], self.fonts.regular, self.size)
        self._finish()

    # Rows are laid out first and drawn afterwards, so pages are buffered as draw calls.
    def _pages_of(self, tops: list[float]) -> list[int]:
        pages, page, prev = [], 1, None
        for top in tops:
            if prev is not None and top > prev:
                page += 1
            pages.append(page)
            prev = top
        return pages

    def _goto_page(self, page: int) -> None:
        self.canvas.current_page_target = page

    def _finish(self) -> None:
        self.canvas.save()


def span_length(rows: list[dict], r: int, col: int) -> int:
    """Rows covered by the cell at (r, col): itself plus the None cells below it."""
    n = 1
    while r + n < len(rows) and "cells" in rows[r + n] and rows[r + n]["cells"][col] is None:
        n += 1
    return n


class BufferedCanvas:
    """A canvas stand-in that records draw calls per page and replays them on save()."""

    def __init__(self, path: str, **kwargs):
        from reportlab.pdfgen import canvas

        self._real = canvas.Canvas(path, **kwargs)
        self._pages: list[list[tuple]] = [[]]
        self.current_page_target = 1

    def setTitle(self, title: str) -> None:
        self._real.setTitle(title)

    def showPage(self) -> None:
        self._pages.append([])
        self.current_page_target = len(self._pages)

    def __getattr__(self, name):
        def record(*args, **kwargs):
            self._pages[self.current_page_target - 1].append((name, args, kwargs))
        return record

    def save(self) -> None:
        for i, calls in enumerate(self._pages):
            if i:
                self._real.showPage()
            for name, args, kwargs in calls:
                getattr(self._real, name)(*args, **kwargs)
        self._real.save()


def render(spec: dict, out: Path, fonts: Fonts) -> None:
    Renderer(spec, out, fonts).render()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--import-shared", metavar="SHARED", type=Path,
                    help="rebuild the .table.json specs from SHARED/raw and SHARED/gold first")
    ap.add_argument("--font", metavar="DIR", help="folder holding DejaVuSansCondensed*.ttf")
    ap.add_argument("--out", type=Path, default=FIXTURES)
    args = ap.parse_args(argv)
    if args.import_shared:
        for path in import_shared(args.import_shared):
            print(f"wrote {path.relative_to(ROOT)}")
    fonts = register_fonts(args.font)
    for spec_path in sorted(FIXTURES.glob("*.table.json")):
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        out = args.out / f"{spec['source']}.pdf"
        render(spec, out, fonts)
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
