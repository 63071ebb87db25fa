"""PDF reader throughput on real journal articles: pages/s over ../shared/samples/pdf.

    python bench/pdf_bench.py [--out bench/PDF_RESULTS.md]

Reads every sample PDF once with `read_pdf_document` (every page of each is read: captions
are looked for everywhere) and prints pages, tables found, seconds and pages/s per file and in
all. Skips (exit 0) when ../shared/samples is absent. `make bench` runs it after the main
benchmark; `make bench-pdf` runs it alone.
"""
from __future__ import annotations

import argparse
import platform
import sys
import time
import warnings
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "samples" / "pdf"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if not SAMPLES.is_dir():
        print(f"PDF bench skipped: no samples at {SAMPLES}")
        return 0
    sys.path.insert(0, str(ROOT))
    import pdfplumber

    from pipeline.readers.pdf import read_pdf_document

    rows, total_pages, total_tables, total_s = [], 0, 0, 0.0
    read_pdf_document(ROOT / "tests" / "fixtures" / "pmc10584733_table6.pdf")   # imports
    for path in sorted(SAMPLES.glob("*.pdf")):
        with pdfplumber.open(path) as pdf:
            pages = len(pdf.pages)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            grids, rejects = read_pdf_document(path)
            seconds = time.perf_counter() - start
        rows.append(f"| {path.stem.split('_')[0]} | {pages} | {len(grids)} | {len(rejects)} | "
                    f"{seconds:.2f} | {pages / seconds:.2f} |")
        total_pages += pages
        total_tables += len(grids)
        total_s += seconds
    lines = [f"# PDF reader on the real sample PDFs ({date.today()}, {platform.machine()}, "
             f"Python {platform.python_version()})", "",
             "| file | pages | tables | rejects | seconds | pages/s |", "|---|---|---|---|---|---|",
             *rows,
             f"| **all** | {total_pages} | {total_tables} | | {total_s:.2f} | {total_pages / total_s:.2f} |"]
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
