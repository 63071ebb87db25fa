"""Command line: `python -m pipeline extract|diff|audit ...` (thin: parse, call, print, exit).

Arguments are parsed before anything heavy is imported, so `--help`, `--version` and usage
errors answer at once (pandas, spaCy and pyarrow load only once a command runs).

Exit status, the same for every command (`EXIT`):

| status | meaning |
|---|---|
| 0 | success (`diff`: the datasets are equal; `extract --keep-going`: at least one good file) |
| 1 | `extract`: one `error:` line: an input cannot be read as a table, the output fails its schema, or the dataset cannot be written (`error: OUT: cannot write the dataset: disk full` / `read-only file system` / `permission denied` / `a parent of the output path is not a folder`); a worker process that died (`--jobs`) names its batch's files; nothing written. `diff`: the datasets differ |
| 2 | usage error; `diff` / `audit`: a dataset that cannot be read (missing file, wrong column types); internal error (a bug: `TRIALTABLES_DEBUG=1` shows the traceback) |
| 130 | interrupted (Ctrl-C) |
| 143 | terminated (SIGTERM); either interruption stops the workers, removes the staging folder and writes nothing |
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .errors import InputError, printable

EXIT = {"ok": 0, "differ": 1, "bad_input": 1, "usage": 2, "unreadable": 2, "internal": 2,
        "interrupted": 130, "terminated": 143}
DEFAULT_DATA = "extracted"   # pipeline.dataset.DEFAULT_DATA (not imported: it loads pandas)

USAGE = f"""usage: python -m pipeline COMMAND ...    (trialtables {__version__})

commands:
  extract [INPUT ...] [--out DIR] [--jobs N | --dask SCHEDULER] [--keep-going]
          [--corrections FILE] [--lexicon DIR] [-q | -v]       tables -> Parquet dataset
  diff OLD NEW | diff --against REF [NEW] [--json]             field-level dataset diff
  audit [--data DIR] [--out DIR] [--inputs DIR ...]            static HTML review pages
  --version                                                    print the version

exit status: 0 ok (diff: equal); 1 extract: bad input or schema failure, diff: datasets
differ; 2 usage error, unreadable dataset (diff, audit) or internal error; 130 interrupted;
143 terminated
"""


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str]) -> argparse.Namespace | int:
    """Parsed arguments, or the exit status argparse chose (2 on a usage error, 0 on -h)."""
    try:
        return parser.parse_args(list(argv))
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else EXIT["usage"]


def _internal(name: str, err: BaseException) -> int:
    if os.environ.get("TRIALTABLES_DEBUG"):
        raise err
    print(f"{name}: error: internal error: {type(err).__name__}: {' '.join(str(err).split())} "
          f"(set TRIALTABLES_DEBUG=1 for the traceback)", file=sys.stderr)
    return EXIT["internal"]


def _run_reader(name: str, body: Callable[[], int]) -> int:
    """Run `diff` / `audit`: a dataset they cannot read is one line on stderr and exit 2."""
    try:
        return body()
    except BrokenPipeError:
        raise                        # the reader of stdout went away: main() ends quietly
    except (InputError, OSError) as err:
        print(f"{name}: {err}", file=sys.stderr)
        return EXIT["unreadable"]
    except KeyboardInterrupt:
        return EXIT["interrupted"]
    except Exception as err:  # a bug: one line unless debugging
        return _internal(name, err)


# ---------------------------------------------------------------- extract

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


def extract_main(argv: Sequence[str]) -> int:
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
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="list the tables of text and markdown files too, and of runs of 100 files or more")
    ap.add_argument("--dask", metavar="SCHEDULER",
                    help="run the batches on a Dask cluster (address of its scheduler; needs '.[dask]')")
    a = _parse(ap, argv)
    if isinstance(a, int):
        return a
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
        kw = dict(keep_going=a.keep_going, progress=None if a.quiet else run.eprint,
                  notice=lambda msg: _say(err, msg), corrections=corrections, lexicon=lexicon)
        if a.dask:
            from .dask_run import extract_at
            report = extract_at(a.dask, inputs, a.out, **kw)
        else:
            report = run.extract(inputs, a.out, jobs=max(1, a.jobs), **kw)
    except InputError as e:
        _say(err, f"error: {e}")
        _say(err, f"nothing written to {out}")
        return EXIT["bad_input"]
    except Terminated:
        _say(err, f"terminated: nothing written to {out}")
        return EXIT["terminated"]
    except KeyboardInterrupt:
        _say(err, f"interrupted: nothing written to {out}")
        return EXIT["interrupted"]
    except OSError as e:  # a file system fault outside what the stages report themselves
        where = printable(e.filename) if isinstance(e.filename, str) else out
        _say(err, f"error: {where}: {e.strerror or e}")
        _say(err, f"nothing written to {out}")
        return EXIT["bad_input"]
    except Exception as e:  # schema failures carry a table: one line per failure
        from schemas.models import SchemaFailure, failure_lines
        if isinstance(e, SchemaFailure):
            lines = failure_lines(e.table)
            _say(err, f"error: output failed schema validation: {lines[0] if lines else e}")
            for ln in lines[1:]:
                _say(err, f"error: {ln}")
            _say(err, f"nothing written to {out}")
            return EXIT["bad_input"]
        if os.environ.get("TRIALTABLES_DEBUG"):
            raise
        _say(err, f"error: internal error: {type(e).__name__}: {' '.join(str(e).split())} "
                  f"(set TRIALTABLES_DEBUG=1 for the traceback)")
        _say(err, f"nothing written to {out}")
        return EXIT["internal"]
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    _report(report, a.quiet, a.verbose)
    return EXIT["ok"]


def _report(report, quiet: bool, verbose: bool) -> None:
    """The bad files skipped (stderr), then, unless quiet, the one-line summary and the tables
    read (stdout: summary.table_lines)."""
    from .summary import table_lines

    for e in report.errors:
        _say(sys.stderr, f"skipped: {e}")
    if quiet:
        return
    _say(sys.stdout, report.summary())
    for line in table_lines(report.table_list, report.files, verbose):
        _say(sys.stdout, line)



# ---------------------------------------------------------------- diff

def diff_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline diff",
        description="Field-level diff of two extracted datasets, rows matched by content. "
                    "Exit 0 when equal, 1 when different, 2 on error.")
    parser.add_argument("folders", nargs="*", metavar="FOLDER",
                        help="OLD NEW; with --against, only NEW (default extracted/)")
    parser.add_argument("--against", metavar="REF",
                        help="compare the dataset committed at git REF (e.g. HEAD) with NEW")
    parser.add_argument("--path", default=DEFAULT_DATA,
                        help="dataset folder inside the repository for --against "
                             "(default: extracted)")
    parser.add_argument("--json", action="store_true", help="print the diff as JSON")
    return parser


def diff_main(argv: Sequence[str]) -> int:
    """`diff OLD NEW [--json]` / `diff --against REF [NEW] [--json]`."""
    args = _parse(diff_parser(), argv)
    if isinstance(args, int):
        return args

    def body() -> int:
        from . import diff
        equal = diff.run(args.folders, args.against, args.path, args.json)
        return EXIT["ok"] if equal else EXIT["differ"]
    return _run_reader("diff", body)


# ---------------------------------------------------------------- audit

def audit_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline audit",
        description="Write the static HTML review pages: an index and one page per source.")
    parser.add_argument("--data", default=DEFAULT_DATA,
                        help="output folder to review (default: extracted/)")
    parser.add_argument("--out", help="folder for the pages (default: DATA/review)")
    parser.add_argument("--inputs", nargs="*", default=None, metavar="DIR",
                        help="folders holding the input files, to show each row's source lines "
                             "(default: raw/ when it exists; documents.parquet paths first)")
    return parser


def audit_main(argv: Sequence[str]) -> int:
    """`audit [--data extracted/] [--out extracted/review] [--inputs raw/]`."""
    args = _parse(audit_parser(), argv)
    if isinstance(args, int):
        return args

    if args.out and args.out.endswith(".html"):
        print(f"audit: --out names a folder (it gets index.html and a page per source), "
              f"not a file: {args.out}", file=sys.stderr)
        return EXIT["usage"]

    def body() -> int:
        from . import audit
        out = Path(args.out) if args.out else Path(args.data) / "review"
        inputs = [Path(p) for p in args.inputs] if args.inputs is not None else [Path("raw")]
        index = audit.write_review(Path(args.data), out, inputs)
        print(f"audit: wrote {index}")
        return EXIT["ok"]
    return _run_reader("audit", body)


# ---------------------------------------------------------------- entry point

COMMANDS = {"extract": extract_main, "diff": diff_main, "audit": audit_main}


def _dispatch(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE, end="")
        return EXIT["ok"] if argv else EXIT["usage"]
    if argv[0] == "--version":
        print(f"trialtables {__version__}")
        return EXIT["ok"]
    command = COMMANDS.get(argv[0])
    if command is None:
        print(f"error: unknown command {argv[0]!r}\n{USAGE}", file=sys.stderr, end="")
        return EXIT["usage"]
    return command(argv[1:])


def main(argv: list[str] | None = None) -> int:
    """Run one command; a closed stdout (`| head -1`) ends it quietly."""
    try:
        code = _dispatch(list(sys.argv[1:] if argv is None else argv))
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader went away: stop writing, and keep Python from complaining at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT["ok"]
    return code


if __name__ == "__main__":
    sys.exit(main())
