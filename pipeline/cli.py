"""Command line: `python -m pipeline extract|diff|audit ...` (thin: parse, call, print, exit)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .errors import InputError

USAGE = """usage: python -m pipeline COMMAND ...

commands:
  extract [INPUT ...] [--out DIR] [--jobs N | --dask SCHEDULER] [--keep-going]
                                                              tables -> Parquet dataset
  diff OLD NEW | diff --against REF [NEW] [--json]             field-level dataset diff
  audit [--data DIR] [--out FILE]                              static HTML audit report
"""


def extract_main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline extract",
                                 description="Extract arms, measures and abbreviations from review tables.")
    ap.add_argument("inputs", nargs="*", type=Path, help="files or folders (default: raw/)")
    ap.add_argument("--out", type=Path, default=Path("extracted"), help="output folder (default: extracted/)")
    ap.add_argument("--jobs", type=int, default=1, help="files processed in N processes (default 1)")
    ap.add_argument("--keep-going", action="store_true",
                    help="write the good files' rows and exit 0 even if some files are bad")
    ap.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    ap.add_argument("--dask", metavar="SCHEDULER",
                    help="run the batches on a Dask cluster (address of its scheduler; needs '.[dask]')")
    a = ap.parse_args(argv)
    from . import run

    inputs = a.inputs or [Path("raw")]
    try:
        if a.dask:
            from .dask_run import extract_at
            report = extract_at(a.dask, inputs, a.out, keep_going=a.keep_going,
                                progress=None if a.quiet else run.eprint)
        else:
            report = run.extract(inputs, a.out, jobs=max(1, a.jobs), keep_going=a.keep_going,
                                 progress=None if a.quiet else run.eprint)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        print(f"nothing written to {a.out}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"interrupted: nothing written to {a.out}", file=sys.stderr)
        return 130
    except Exception as e:  # schema failures carry a table: one line per failure
        from schemas.models import SchemaFailure, failure_lines
        if isinstance(e, SchemaFailure):
            lines = failure_lines(e.table)
            print(f"error: output failed schema validation: {lines[0] if lines else e}", file=sys.stderr)
            for ln in lines[1:]:
                print(f"error: {ln}", file=sys.stderr)
            print(f"nothing written to {a.out}", file=sys.stderr)
            return 1
        if os.environ.get("TRIALTABLES_DEBUG"):
            raise
        print(f"error: internal error: {type(e).__name__}: {' '.join(str(e).split())} "
              f"(set TRIALTABLES_DEBUG=1 for the traceback)", file=sys.stderr)
        print(f"nothing written to {a.out}", file=sys.stderr)
        return 2
    for err in report.errors:
        print(f"skipped: {err}", file=sys.stderr)
    if not a.quiet:
        print(report.summary())
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if argv else 2
    cmd, rest = argv[0], argv[1:]
    if cmd == "extract":
        return extract_main(rest)
    if cmd == "diff":
        from .diff import diff_main
        return diff_main(rest)
    if cmd == "audit":
        from .audit import audit_main
        return audit_main(rest)
    print(f"error: unknown command {cmd!r}\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
