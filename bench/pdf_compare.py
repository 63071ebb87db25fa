"""Side-by-side count of what off-the-shelf table finders see on the real sample PDFs.

    python bench/pdf_compare.py [--out FILE]     # needs pdfplumber; camelot-py optional

For every page that ../shared/samples/INDEX.md lists a table on, prints the tables each tool
finds there as rows x columns: pdfplumber's `page.find_tables` with the "lines" strategy
(default settings) and the "text" strategy, camelot lattice and stream (pdfium backend, no
ghostscript), and this project's reader (grids per page). It is a measuring tool, not a test:
the figures it printed are in bench/PDF_TOOLS.md. A table over two pages is listed on each
page with its rows in all (so is the expectation); rows count section rows too.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "samples" / "pdf"
EXPECTED = ROOT / "tests" / "data" / "pdf_samples.json"


def plumber(path: Path, pages: list[int], strategy: str) -> dict[int, list[str]]:
    import pdfplumber
    settings = {"vertical_strategy": strategy, "horizontal_strategy": strategy}
    out = {}
    with pdfplumber.open(path) as pdf:
        for p in pages:
            tables = pdf.pages[p - 1].find_tables(settings)
            out[p] = [f"{len(t.rows)}x{max(len(r.cells) for r in t.rows)}" for t in tables]
    return out


def camelot_find(path: Path, pages: list[int], flavor: str) -> dict[int, list[str]]:
    try:
        import camelot
    except ImportError:
        return {p: ["(camelot not installed)"] for p in pages}
    out = {}
    for p in pages:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                kw = {"backend": "pdfium"} if flavor == "lattice" else {}
                tables = camelot.read_pdf(str(path), pages=str(p), flavor=flavor, **kw)
            out[p] = [f"{t.shape[0]}x{t.shape[1]}" for t in tables]
        except Exception as e:  # a tool failing on a page is a figure too
            out[p] = [f"error: {type(e).__name__}: {str(e)[:60]}"]
    return out


def ours(path: Path, pages: list[int]) -> dict[int, list[str]]:
    sys.path.insert(0, str(ROOT))
    from pipeline.errors import InputError
    from pipeline.readers.pdf import read_pdf
    try:
        grids = read_pdf(path)
    except InputError as e:
        return {p: [f"error: {e.reason[:50]}"] for p in pages}
    out: dict[int, list[str]] = {p: [] for p in pages}
    for g in grids:
        for page in sorted({r.page for r in g.rows if r.page}):
            out.setdefault(page, []).append(f"{g.label}: {len(g.rows)}x{len(g.header)}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path)
    ap.add_argument("--tools", default="ours,lines,text,lattice,stream")
    args = ap.parse_args()
    if not SAMPLES.is_dir():
        print(f"no samples at {SAMPLES}")
        return 0
    expected = json.loads(EXPECTED.read_text())
    tools = args.tools.split(",")
    lines = ["| file | page | expected | " + " | ".join(tools) + " |",
             "|---|---|---|" + "---|" * len(tools)]
    seconds = {t: 0.0 for t in tools}
    for name, tables in expected["files"].items():
        path = SAMPLES / name
        pages = sorted({p for t in tables for p in t["pages"]})
        found = {}
        for tool in tools:
            t0 = time.perf_counter()
            found[tool] = {"ours": lambda: ours(path, pages),
                           "lines": lambda: plumber(path, pages, "lines"),
                           "text": lambda: plumber(path, pages, "text"),
                           "lattice": lambda: camelot_find(path, pages, "lattice"),
                           "stream": lambda: camelot_find(path, pages, "stream")}[tool]()
            seconds[tool] += time.perf_counter() - t0
        for p in pages:
            exp = [f"{t['label']}: {t['rows'] if t['rows'] is not None else '?'}x{t['columns']}"
                   for t in tables if p in t["pages"]]
            cells = [", ".join(found[t].get(p, [])) or "none" for t in tools]
            lines.append(f"| {name.split('_')[0]} | {p} | {', '.join(exp)} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("seconds: " + ", ".join(f"{t} {s:.1f}" for t, s in seconds.items()))
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
