"""Render the reference table to PDF with reportlab's platypus Table (its own layout engine:
row heights, spans, splitting; not the project's canvas renderer) in a serif font, in the
styles journals use (tests/fixtures/platypus_*.pdf). A second tool and font beside the
Chromium renderings (tools/make_chromium_fixtures.py), since the held-back renderings were
made by other tools.

    python tools/make_platypus_fixtures.py [--font DIR]

The table comes from tests/fixtures/pmc10584733_table6.table.json (cells as printed, null =
a cell spanning down from above, printed once as a platypus SPAN). Styles:

    booktabs   thick rule above the header and under the table, thin rule under the header;
               spans at the top of their rows
    norules    no rules at all, bold header; spans in the vertical middle of their rows
    band       header on a shaded band, alternate body rows shaded, no rules
    twocol     booktabs in the left column of a two-column page, running text beside it
    continued  booktabs split by platypus over two pages, the header repeated and no
               "(continued)" caption
    centred    booktabs with every cell in the vertical middle of its row
    bandcentred  band with every cell in the vertical middle of its row
    gridcentred  every cell boxed (platypus GRID: the borders stop where a spanned cell
               goes on) and in the vertical middle of its row

    python tools/make_platypus_fixtures.py --only centred    (render some styles only)

Needs reportlab (dev dependency) and DejaVu Serif Condensed (Debian: fonts-dejavu-extra), or
give its folder with --font. Tests read the committed PDFs and never render.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SPEC = FIXTURES / "pmc10584733_table6.table.json"
STYLES = ("booktabs", "norules", "band", "twocol", "continued", "centred", "bandcentred", "gridcentred")
CENTRED = {"centred": "booktabs", "bandcentred": "band", "gridcentred": "grid"}   # style -> the style it centres
VALIGN = "TOP"
FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/TTF", "/Library/Fonts"]
FONT_FILES = {"Serif": "DejaVuSerifCondensed.ttf", "Serif-Bold": "DejaVuSerifCondensed-Bold.ttf",
              "Serif-Italic": "DejaVuSerifCondensed-Italic.ttf"}   # has the thin space, "≥", "–"
SIZE = 6.0                       # type size of the table (4.5 in the narrow column of a two-column page)
PAD = 2.5                        # cell padding, left and right (1.2 in the narrow column)
PROSE = ("Checkpoint inhibitors were given to patients with poorly differentiated "
         "neuroendocrine carcinoma after platinum chemotherapy; the studies differ in design, "
         "line of treatment and primary site, so that their response rates cannot be pooled. ") * 5


def register_fonts(font_dir: str | None) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    dirs = ([font_dir] if font_dir else []) + FONT_DIRS
    for name, file in FONT_FILES.items():
        path = next((Path(d) / file for d in dirs if (Path(d) / file).exists()), None)
        if path is None:
            sys.exit(f"no {file} in {dirs}; pass --font DIR")
        pdfmetrics.registerFont(TTFont(name, str(path)))


def wrap(text: str, font: str, width: float) -> str:
    """Greedy wrap at ASCII spaces only (thin and non-breaking spaces stay inside a line),
    lines joined with newlines (platypus draws a plain-string cell line by line)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, current = [], ""
    for word in text.split(" "):
        trial = f"{current} {word}" if current else word
        if current and stringWidth(trial, font, SIZE) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    return "\n".join(lines + [current])


def column_widths(spec: dict, total: float) -> list[float]:
    """The spec's width fractions of `total`, each widened to its longest word; the widest
    column gives up the difference."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    widths = [f * total for f in spec["layout"]["widths"]]
    for col, head in enumerate(spec["header"]):
        texts = [(head, "Serif-Bold")] + [(r["cells"][col], "Serif") for r in spec["rows"]
                                          if "cells" in r and r["cells"][col] is not None]
        need = max(stringWidth(w, f, SIZE) for t, f in texts for w in t.split(" ")) + 2 * PAD + 0.5
        widths[col] = max(widths[col], need)
    widest = widths.index(max(widths))
    widths[widest] -= sum(widths) - total
    return widths


def table(spec: dict, style: str, total: float):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    widths = column_widths(spec, total)
    header = [wrap(h, "Serif-Bold", w - 2 * PAD) for h, w in zip(spec["header"], widths)]
    body = [[wrap(c, "Serif", w - 2 * PAD) if c is not None else "" for c, w in zip(r["cells"], widths)]
            for r in spec["rows"]]
    commands = [("FONT", (0, 0), (-1, 0), "Serif-Bold", SIZE), ("FONT", (0, 1), (-1, -1), "Serif", SIZE),
                ("LEADING", (0, 0), (-1, -1), SIZE * 1.18), ("VALIGN", (0, 0), (-1, -1), VALIGN),
                ("LEFTPADDING", (0, 0), (-1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]
    for col in range(len(widths)):
        r = 0
        while r < len(body):
            end = r
            while end + 1 < len(body) and spec["rows"][end + 1]["cells"][col] is None:
                end += 1
            if end > r:
                commands.append(("SPAN", (col, r + 1), (col, end + 1)))
                if style == "norules":
                    commands.append(("VALIGN", (col, r + 1), (col, end + 1), "MIDDLE"))
            r = end + 1
    if style == "band":
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.78, 0.84, 0.9)))
        commands += [("BACKGROUND", (0, r), (-1, r), colors.Color(0.93, 0.95, 0.97))
                     for r in range(2, len(body) + 1, 2)]
    elif style == "grid":
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    elif style != "norules":
        commands += [("LINEABOVE", (0, 0), (-1, 0), 1.2, colors.black),
                     ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                     ("LINEBELOW", (0, -1), (-1, -1), 1.2, colors.black)]
    t = Table([header] + body, colWidths=widths, repeatRows=1, splitInRow=0)
    t.setStyle(TableStyle(commands))
    return t


def story(spec: dict, style: str, width: float) -> list:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Spacer

    cap = ParagraphStyle("cap", fontName="Serif", fontSize=SIZE + 1.5, leading=(SIZE + 1.5) * 1.2)
    legend = ParagraphStyle("legend", fontName="Serif", fontSize=SIZE - 0.5, leading=(SIZE - 0.5) * 1.2)
    prose = ParagraphStyle("prose", fontName="Serif", fontSize=9, leading=11)
    label = spec["label"]
    parts = [Paragraph(f"<font name='Serif-Bold'>{label}</font> {spec['title']}", cap), Spacer(1, 3),
             table(spec, style, width), Spacer(1, 3), Paragraph(spec["legend"], legend)]
    if style == "continued":
        parts.insert(0, Spacer(1, 430))       # the table starts low on page 1 and runs over
    if style == "twocol":
        parts += [Spacer(1, 8)] + [Paragraph(PROSE, prose) for _ in range(6)]
    return parts


def render(spec: dict, style: str, out: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    page_w, page_h = A4
    margin, gap = 48.0, 16.0

    def furniture(canvas, doc):
        canvas.setFont("Serif-Italic", 7)
        canvas.drawRightString(page_w - margin, page_h - 30, spec["layout"]["running_head"])
        canvas.setFont("Serif", 7)
        canvas.drawCentredString(page_w / 2, 28, str(doc.page))

    doc = BaseDocTemplate(str(out), pagesize=A4, invariant=1, title=spec["source"])
    full = page_w - 2 * margin
    global SIZE, PAD
    SIZE, PAD = (4.5, 1.2) if style == "twocol" else (6.0, 2.5)
    if style == "twocol":           # the table's column is the wider one, as journals set it
        left = 0.72 * (full - gap)
        frames = [Frame(margin, margin, left, page_h - 2 * margin, id="left"),
                  Frame(margin + left + gap, margin, full - gap - left, page_h - 2 * margin, id="right")]
        width = left
    else:
        frames = [Frame(margin, margin, full, page_h - 2 * margin, id="body")]
        width = full
    doc.addPageTemplates([PageTemplate(id="page", frames=frames, onPage=furniture)])
    doc.build(story(spec, style, width - 12))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--font", help="folder holding DejaVuSerifCondensed*.ttf")
    ap.add_argument("--out-dir", type=Path, help="write here instead of tests/fixtures")
    ap.add_argument("--only", nargs="+", choices=STYLES, help="render these styles only")
    args = ap.parse_args()
    register_fonts(args.font)
    global VALIGN
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    for style in args.only or STYLES:
        out = (args.out_dir or FIXTURES) / f"platypus_{style}.pdf"
        VALIGN = "MIDDLE" if style in CENTRED else "TOP"
        render(spec, CENTRED.get(style, style), out)
        print(f"wrote {out} ({out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
