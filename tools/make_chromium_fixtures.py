"""Render the reference table to PDF with another tool than the project's own (Chromium's
print-to-PDF of an HTML page), in the styles journals use (tests/fixtures/chromium_*.pdf).

    python tools/make_chromium_fixtures.py [--chromium PATH]

The table comes from tests/fixtures/pmc10584733_table6.table.json (cells as printed, null =
a cell spanning down from above, printed once with rowspan). Styles:

    booktabs   thick rule above the header and under the table, thin rule under the header
    norules    no rules at all; header in bold
    band       header on a shaded band, no rules
    twocol     booktabs in the left column of a two-column page, running text beside it
    continued  booktabs over two pages: "Table 6 (continued)" and the header repeated
    centred    booktabs with every cell in the vertical middle of its row (the browser
               default): cells of one row have different baselines
    bottom     booktabs with every cell at the bottom of its row
    twocolcentred  twocol with every cell centred on its row
    headcentred    booktabs, the header cells centred on the header row (a one-line
               header cell beside a two-line one sits between its two lines)
    zebra      no rules, alternate body rows on a shaded ground, cells centred
    grid       every cell boxed (a border on each side): rules between rows stop where a
               spanned cell goes on
    gridcentred    grid with every cell centred on its row

    python tools/make_chromium_fixtures.py --only bottom zebra    (render some styles only)

Needs Chromium (Debian: apt-get install chromium). Tests read the committed PDFs and never
render, so CI needs no browser.
"""
from __future__ import annotations

import argparse
import html
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SPEC = FIXTURES / "pmc10584733_table6.table.json"
STYLES = ("booktabs", "norules", "band", "twocol", "continued", "centred", "bottom", "twocolcentred",
          "headcentred", "zebra", "grid", "gridcentred")
PROSE = ("Immune checkpoint inhibitors have been tried in poorly differentiated neuroendocrine "
         "carcinomas after platinum-based chemotherapy; the trials differ in design, line of "
         "therapy and the sites of the primary tumour, so their results are hard to compare. ") * 6

CSS = """
@page { size: A4; margin: 18mm 16mm; }
body { font-family: 'DejaVu Sans', sans-serif; font-size: 7pt; margin: 0; }
.head { font-style: italic; font-size: 7pt; margin-bottom: 10pt; }
.caption { font-size: 8pt; margin: 0 0 4pt 0; }
.caption b { font-weight: bold; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
td, th { vertical-align: top; text-align: left; padding: 2pt 3pt; }
th { font-weight: bold; }
.legend { font-size: 6.5pt; margin-top: 4pt; }
.centred td { vertical-align: middle; }
.bottom td { vertical-align: bottom; }
.headcentred th { vertical-align: middle; }
.zebra td { vertical-align: middle; }
.zebra tbody tr:nth-child(even) td { background: #e4e4e4; }
.zebra th { font-weight: bold; }
.grid td, .grid th { border: 0.5pt solid black; }
.booktabs thead tr:first-child th { border-top: 1.5pt solid black; }
.booktabs thead tr:last-child th { border-bottom: 0.6pt solid black; }
.booktabs tbody tr:last-child td { border-bottom: 1.5pt solid black; }
.band thead th { background: #c8d7e6; }
.cols { display: flex; gap: 14pt; align-items: flex-start; }
.cols > div { width: 40%; }
.cols > div.left { width: 60%; font-size: 5pt; }
.cols table { table-layout: fixed; }
.cols p { font-size: 8.5pt; margin: 0 0 6pt 0; text-align: justify; }
.cols .caption { font-size: 6.5pt; }
.cols table td, .cols table th { padding: 1pt 1.5pt; }
.break { break-before: page; }
"""


def rows_html(spec: dict, rows: list[dict]) -> str:
    """Body rows; a null cell is covered by a rowspan from the row above."""
    ncols = len(spec["header"])
    spans = [[1] * ncols for _ in rows]
    for j in range(ncols):
        for i in range(len(rows) - 1, -1, -1):
            r = rows[i]
            if "section" in r or r["cells"][j] is not None:
                continue
            k = i - 1
            while k >= 0 and "section" not in rows[k] and rows[k]["cells"][j] is None:
                k -= 1
            if k >= 0 and "section" not in rows[k]:
                spans[k][j] += 1
            else:
                spans[i][j] = 0          # a span cut by the page break: an empty cell
    out = []
    for i, r in enumerate(rows):
        if "section" in r:
            out.append(f'<tr><td colspan="{ncols}"><i>{html.escape(r["section"])}</i></td></tr>')
            continue
        tds = ["<td></td>" if c is None and spans[i][j] == 0
               else f'<td rowspan="{spans[i][j]}">{html.escape(c)}</td>' if spans[i][j] > 1
               else f"<td>{html.escape(c)}</td>"
               for j, c in enumerate(r["cells"]) if c is not None or spans[i][j] == 0]
        out.append("<tr>" + "".join(tds) + "</tr>")
    return "\n".join(out)


# column widths (fractions of the table width), wide enough that no cell touches the next:
# the full page, and the narrow column of a two-column page
WIDTHS = [0.115, 0.09, 0.115, 0.04, 0.095, 0.13, 0.075, 0.30, 0.04]
NARROW_WIDTHS = [0.13, 0.08, 0.135, 0.05, 0.11, 0.11, 0.09, 0.245, 0.05]


def table_html(spec: dict, rows: list[dict], style: str, caption: str, narrow: bool = False) -> str:
    widths = NARROW_WIDTHS if narrow else WIDTHS
    cols = "".join(f'<col style="width:{w * 100:.1f}%">' for w in widths)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in spec["header"])
    label, title = caption.split(" ", 2)[:2], caption.split(" ", 2)[2:]
    cap = f'<p class="caption"><b>{" ".join(label)}</b> {" ".join(title)}</p>'
    return (f'{cap}<table class="{style}"><colgroup>{cols}</colgroup>'
            f"<thead><tr>{head}</tr></thead><tbody>{rows_html(spec, rows)}</tbody></table>")


def page_html(spec: dict, style: str) -> str:
    caption = f'{spec["label"]} {spec["title"]}'
    legend = f'<p class="legend">{html.escape(spec["legend"])}</p>'
    kind = "booktabs" if style in ("booktabs", "twocol", "continued") else style
    kind = {"centred": "booktabs centred", "twocolcentred": "booktabs centred", "bottom": "booktabs bottom",
            "headcentred": "booktabs headcentred", "gridcentred": "grid centred"}.get(style, kind)
    if style == "continued":
        cut = spec["layout"]["split_before_row"]
        first = table_html(spec, spec["rows"][:cut], kind, caption)
        label = spec["label"].rstrip(".")
        second = table_html(spec, spec["rows"][cut:], kind, f"{label} (continued)")
        body = f'{first}<div class="break"></div>{second}{legend}'
    elif style in ("twocol", "twocolcentred"):
        body = (f'<div class="cols"><div class="left">{table_html(spec, spec["rows"], kind, caption, True)}'
                f'{legend}</div><div><p>{PROSE}</p><p>{PROSE}</p><p>{PROSE}</p></div></div>')
    else:
        body = table_html(spec, spec["rows"], kind, caption) + legend
    head = f'<div class="head">{html.escape(spec["layout"]["running_head"])}</div>'
    return f"<!doctype html><html><head><meta charset='utf-8'><style>{CSS}</style></head><body>{head}{body}</body></html>"


def render(chromium: str, page: str, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "page.html"
        src.write_text(page, encoding="utf-8")
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--print-to-pdf={out}", src.as_uri()],
                       check=True, capture_output=True, timeout=120)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    ap.add_argument("--out-dir", type=Path, help="write here instead of tests/fixtures")
    ap.add_argument("--only", nargs="+", choices=STYLES, help="render these styles only")
    args = ap.parse_args()
    if not args.chromium:
        print("chromium not found (apt-get install chromium)", file=sys.stderr)
        return 1
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    for style in args.only or STYLES:
        out = (args.out_dir or FIXTURES) / f"chromium_{style}.pdf"
        render(args.chromium, page_html(spec, style), out)
        print(f"wrote {out} ({out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
