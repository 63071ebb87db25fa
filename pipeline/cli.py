"""Command line: `python -m pipeline extract|diff|audit ...` (thin: parse, call, print, exit)."""
from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from .errors import InputError, printable

USAGE = """usage: python -m pipeline COMMAND ...

commands:
  extract [INPUT ...] [--out DIR] [--jobs N] [--keep-going] [--corrections FILE] [--lexicon DIR]
                                                               tables -> Parquet dataset
  diff OLD NEW | diff --against REF [NEW] [--json]             field-level dataset diff
  audit [--data DIR] [--out FILE]                              static HTML audit report
"""


# exit statuses: 0 done; 1 bad input, schema failure or an output that cannot be written
# (one `error:` line each); 2 a bug (internal error) or bad usage; 130 interrupted (Ctrl-C);
# 143 terminated (SIGTERM). Either interruption removes the staging folder and writes nothing.
EXIT_OK, EXIT_BAD, EXIT_BUG, EXIT_INT, EXIT_TERM = 0, 1, 2, 130, 143


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the run is so that it unwinds like Ctrl-C (workers stopped,
    staging folder removed) instead of dying with both left behind."""


def _on_sigterm(signum, frame):
    raise Terminated()


def _say(stream, text: str) -> None:
    """Print, surviving a closed pipe (`... | head -0`): the dataset is written by then, so
    a reader that went away is not a failure; further output goes nowhere."""
    try:
        print(text, file=stream, flush=True)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


def extract_main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline extract",
                                 description="Extract arms, measures and abbreviations from review tables.")
    ap.add_argument("inputs", nargs="*", type=Path, help="files or folders (default: raw/)")
    ap.add_argument("--out", type=Path, default=Path("extracted"), help="output folder (default: extracted/)")
    ap.add_argument("--jobs", type=int, default=1, help="files processed in N processes (default 1)")
    ap.add_argument("--keep-going", action="store_true",
                    help="write the good files' rows and exit 0 even if some files are bad")
    ap.add_argument("--corrections", type=Path, default=None,
                    help="curators' corrections (default: corrections.tsv when present)")
    ap.add_argument("--lexicon", type=Path, default=None,
                    help="user lexicon folder with headers.tsv / drugs.tsv (default: lexicon/ when present)")
    ap.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    a = ap.parse_args(argv)
    from . import run

    inputs = a.inputs or [Path("raw")]
    out = printable(str(a.out))
    err = sys.stderr
    corrections = a.corrections or (Path("corrections.tsv") if Path("corrections.tsv").is_file() else None)
    lexicon = a.lexicon or (Path("lexicon") if Path("lexicon").is_dir() else None)
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:          # not the main thread (cli.main called from a thread)
        previous = None
    try:
        report = run.extract(inputs, a.out, jobs=max(1, a.jobs), keep_going=a.keep_going,
                             progress=None if a.quiet else run.eprint,
                             notice=lambda msg: _say(err, msg), corrections=corrections,
                             lexicon=lexicon)
    except InputError as e:
        _say(err, f"error: {e}")
        _say(err, f"nothing written to {out}")
        return EXIT_BAD
    except Terminated:
        _say(err, f"terminated: nothing written to {out}")
        return EXIT_TERM
    except KeyboardInterrupt:
        _say(err, f"interrupted: nothing written to {out}")
        return EXIT_INT
    except OSError as e:  # a file system fault outside what the stages report themselves
        where = printable(e.filename) if isinstance(e.filename, str) else out
        _say(err, f"error: {where}: {e.strerror or e}")
        _say(err, f"nothing written to {out}")
        return EXIT_BAD
    except Exception as e:  # schema failures carry a table: one line per failure
        from schemas.models import SchemaFailure, failure_lines
        if isinstance(e, SchemaFailure):
            lines = failure_lines(e.table)
            _say(err, f"error: output failed schema validation: {lines[0] if lines else e}")
            for ln in lines[1:]:
                _say(err, f"error: {ln}")
            _say(err, f"nothing written to {out}")
            return EXIT_BAD
        if os.environ.get("TRIALTABLES_DEBUG"):
            raise
        _say(err, f"error: internal error: {type(e).__name__}: {' '.join(str(e).split())} "
                  f"(set TRIALTABLES_DEBUG=1 for the traceback)")
        _say(err, f"nothing written to {out}")
        return EXIT_BUG
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    for e in report.errors:
        _say(err, f"skipped: {e}")
    if not a.quiet:
        _say(sys.stdout, report.summary())
    return EXIT_OK


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
