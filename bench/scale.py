"""Cost per row of ONE long table (`make bench-scale`, also run by `make bench`).

A table's cost must be linear in its rows: every row's work may not grow with the rows
before it (issue 17 found a rescan of all measures so far per row, and the aligner's seen-value
index rebuilt per row: 4,000 -> 16,000 rows cost 23x). For each form and size, one table of
N rows (bench/make_corpus.py's rows, the same rows for every form) goes through
`python -m pipeline extract FILE` in a fresh process; the process's CPU seconds, less those of
the same run on a 10-row table (start-up: imports, spaCy), give the table's cost. Printed:
rows/s per size and the cost per row at the largest size over the smallest (target: at most
TARGET_PER_ROW_GROWTH). No test asserts on it (timings are not tests).

Forms are a registry, FORMS = {name: render(GenTable) -> (suffix, text)}: another reader's
long-input check (HTML: one file of 100 and 1,000 tables) registers its own renderer and
sizes in FORMS / SIZES and is reported the same way.

    .venv/bin/python bench/scale.py                      # text and markdown, 1k / 4k / 16k rows
    .venv/bin/python bench/scale.py --sizes 500 2000 --forms markdown
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import make_corpus  # noqa: E402

DEFAULT_SIZES = (1_000, 4_000, 16_000)
BASELINE_ROWS = 10
TARGET_PER_ROW_GROWTH = 1.3
RESULTS = ROOT / "bench" / "SCALE.md"


def render_text(t: make_corpus.GenTable) -> tuple[str, str]:
    return ".txt", t.render()


def render_markdown(t: make_corpus.GenTable) -> tuple[str, str]:
    """The same rows as a markdown pipe table (spanned cells left empty, as copies do)."""
    head = ["Trials", "Target", "Agent", "Line", "Phase", "Treatment", "Primary sites", "Key outcomes", "Ref"]
    assert len(head) == len(make_corpus.COLUMNS)
    lines = [f"**{t.label}.** {t.title}", "", "| " + " | ".join(head) + " |",
             "|" + "---|" * len(head)]
    for r in t.rows:
        cells = [r.cell(c) if c in r.printed else "" for c in make_corpus.COLUMNS]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines += ["", f"Abbreviations: {t.legend}"]
    return ".md", "\n".join(lines) + "\n"


def render_html(t: make_corpus.GenTable) -> tuple[str, str]:
    """One HTML page holding one small table per row (caption, header, the row, a legend
    paragraph): for the html form a "row" of this report is a table of the page."""
    from html import escape
    head = ["Trials", "Target", "Agent", "Line", "Phase", "Treatment", "Primary sites", "Key outcomes", "Ref"]
    parts = ["<html><body>"]
    for k, r in enumerate(t.rows, start=1):
        cells = [r.cell(c) for c in make_corpus.COLUMNS]
        parts.append(f"<table><caption>Table {k}. {escape(t.title)}</caption>"
                     "<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr></thead>"
                     "<tbody><tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr></tbody></table>"
                     f"<p>Abbreviations: {escape(t.legend)}</p>")
    parts.append("</body></html>")
    return ".html", "\n".join(parts)


# name -> renderer; sizes per form (another reader registers its own here)
FORMS = {"text": render_text, "markdown": render_markdown, "html": render_html}
# html: one page of 100 and of 1,000 tables (issue 17: the legend search once walked the
# whole page per table)
SIZES: dict[str, tuple[int, ...]] = {"html": (100, 1_000)}


def cpu_of_run(path: Path, out: Path) -> float:
    """CPU seconds (user + system) of one `extract` of `path` in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(path), "--out", str(out), "-q"],
                       cwd=ROOT, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        raise SystemExit(f"extract failed on {path}: {p.stderr.strip()}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(form: str, sizes: tuple[int, ...], work: Path) -> list[dict]:
    render = FORMS[form]
    rows = []
    suffix, text = render(make_corpus.make_table(0, rows=BASELINE_ROWS))
    base_file = work / f"{form}_base{suffix}"
    base_file.write_text(text, "utf-8")
    base = min(cpu_of_run(base_file, work / "out") for _ in range(2))
    for n in sizes:
        suffix, text = render(make_corpus.make_table(0, rows=n))
        f = work / f"{form}_{n}{suffix}"
        f.write_text(text, "utf-8")
        t0 = time.perf_counter()
        cpu = cpu_of_run(f, work / "out")
        wall = time.perf_counter() - t0
        table_cpu = max(cpu - base, 1e-6)
        rows.append(dict(form=form, rows=n, cpu=cpu, wall=wall, base=base, table_cpu=table_cpu,
                         rows_per_s=n / table_cpu, ms_per_row=1000 * table_cpu / n))
    return rows


def report(results: list[dict]) -> str:
    out = ["| form | rows | CPU s (run) | CPU s (start-up) | rows/s | ms per row |",
           "|---|---:|---:|---:|---:|---:|"]
    for r in results:
        out.append(f"| {r['form']} | {r['rows']:,} | {r['cpu']:.2f} | {r['base']:.2f} | {r['rows_per_s']:,.0f} "
                   f"| {r['ms_per_row']:.3f} |")
    out.append("")
    for form in dict.fromkeys(r["form"] for r in results):
        rs = [r for r in results if r["form"] == form]
        growth = rs[-1]["ms_per_row"] / rs[0]["ms_per_row"]
        ok = "met" if growth <= TARGET_PER_ROW_GROWTH else "NOT met"
        out.append(f"- {form}: cost per row at {rs[-1]['rows']:,} rows / at {rs[0]['rows']:,} rows = "
                   f"{growth:.2f} (target <= {TARGET_PER_ROW_GROWTH}: {ok})")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    ap.add_argument("--forms", nargs="+", default=list(FORMS), choices=list(FORMS))
    ap.add_argument("--no-write", action="store_true", help=f"do not write {RESULTS.name}")
    a = ap.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="trialtables-scale-") as tmp:
        for form in a.forms:
            results += measure(form, tuple(SIZES.get(form, a.sizes)), Path(tmp))
    text = report(results)
    print(text)
    if not a.no_write:
        import datetime as dt
        import platform
        head = (f"# One long table: cost per row\n\n`bench/scale.py` at {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} "
                f"UTC, {platform.processor() or platform.machine()}, {os.cpu_count()} CPU(s), "
                f"Python {platform.python_version()}.\n\n")
        RESULTS.write_text(head + text + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
