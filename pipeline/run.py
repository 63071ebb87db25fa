"""Wires the stages together; the only module that reads inputs and writes outputs.

file -> reader -> Grid -> arms + measures -> validated frames -> Parquet (store.py puts the
dataset in place all or nothing)
"""
from __future__ import annotations

import errno
import os
import re
import stat
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import InputError, Reject, printable, reject_text
from .store import DatasetWriter

SUPPORTED = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
             ".html": "html", ".htm": "html", ".pdf": "pdf"}
OUTPUT_FILES = ("arms", "measures", "abbreviations", "narrative", "rejects")


@dataclass
class FileResult:
    source: str
    arms: list[dict] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)
    abbreviations: list[dict] = field(default_factory=list)
    narrative: list[dict] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)
    tables: int = 0
    # accounting (not written): source line of every section-header row, and the reader's role
    # of every line (text inputs only: blank, chrome, title, header, body, notes, legend ...)
    section_lines: list[int] = field(default_factory=list)
    roles: dict[int, str] = field(default_factory=dict)


@dataclass
class ReadResult:
    grids: list
    rejects: list[Reject] = field(default_factory=list)
    roles: dict[int, str] = field(default_factory=dict)


@dataclass
class RunReport:
    files: int = 0
    tables: int = 0
    arms: int = 0
    measures: int = 0
    narrative: int = 0
    rejects: int = 0
    unexplained: int = 0
    flagged_arms: int = 0
    flagged_measures: int = 0
    corrections: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    out: Path | None = None

    def summary(self) -> str:
        fixed = f", {self.corrections} correction(s) applied" if self.corrections else ""
        return (f"{self.files} file(s), {self.tables} table(s): {self.arms} arms, {self.measures} measures, "
                f"{self.narrative} numbers left as narrative ({self.unexplained} by no rule), "
                f"flagged for review: {self.flagged_arms} arms, {self.flagged_measures} measures{fixed}, "
                f"{self.rejects} rejected (rejects.parquet) -> {self.out} in {self.seconds:.2f}s")


# ------------------------------------------------------------------ inputs
def discover(inputs: list[Path], notice=None) -> list[Path]:
    """Files named, and every supported file in folders named, in a stable order.

    In a folder, an entry with a supported suffix that is not a readable file (a symbolic
    link loop, a dangling link, a FIFO, a device, a sub-folder) is left out and reported
    through `notice` as one `skipped:` line; named on the command line, it is an error."""
    files: list[Path] = []
    for p in inputs:
        if p.is_dir():
            try:
                entries = sorted(p.iterdir())
            except OSError as e:
                raise InputError(f"cannot read the folder: {e.strerror}", file=str(p)) from None
            for f in entries:
                if f.suffix.lower() not in SUPPORTED:
                    continue
                why = not_a_file(f)
                if why is None:
                    files.append(f)
                elif notice is not None:
                    notice(f"skipped: {printable(str(f))}: {why}")
        elif p.exists():
            files.append(p)
        else:
            raise InputError(not_a_file(p) or "no such file or folder", file=str(p))
    seen, out = set(), []
    for f in files:
        key = os.path.realpath(f)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def not_a_file(p: Path) -> str | None:
    """Why `p` cannot be read as an input file (None when it can be)."""
    try:
        st = os.stat(p)
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "symbolic link loop"
        if p.is_symlink():
            return f"dangling symbolic link (to {printable(os.readlink(p))})"
        if e.errno == errno.ENOENT:
            return "no such file or folder"
        return f"cannot read: {e.strerror}"
    if stat.S_ISREG(st.st_mode):
        return None
    if stat.S_ISFIFO(st.st_mode):
        return "a FIFO (named pipe), not a file"
    if stat.S_ISDIR(st.st_mode):
        return "a folder, not a file"
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        return "a device, not a file"
    return "not a regular file"


# largest input file read, in bytes: a bigger one (or /dev/zero) is an error, not read
MAX_INPUT_BYTES = 64 * 1024 * 1024


def read_bytes(path: Path) -> bytes:
    """The file's bytes, never blocking on a FIFO and never more than MAX_INPUT_BYTES."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(not_a_file(path) or "not a regular file", line=None)
        if st.st_size > MAX_INPUT_BYTES:
            raise InputError(f"file too large: {st.st_size:,} bytes (the limit is {MAX_INPUT_BYTES:,})")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(MAX_INPUT_BYTES + 1)
        if len(data) > MAX_INPUT_BYTES:
            raise InputError(f"file too large: over {MAX_INPUT_BYTES:,} bytes")
        return data
    finally:
        os.close(fd)


def read_input(path: Path) -> ReadResult:
    """Read one input file into Grids, with the lines the readers rejected."""
    kind = SUPPORTED.get(path.suffix.lower())
    source = path.stem
    if kind is None:
        raise InputError(f"unsupported file type {path.suffix or '(none)'!r}; "
                         f"supported: {', '.join(sorted(SUPPORTED))}", file=str(path))
    try:
        data = read_bytes(path)
        if kind == "pdf":
            if b"%PDF-" not in data[:1024]:
                raise InputError("not a PDF file (no %PDF- header)", line=1)
            from .readers.pdf import read_pdf
            return ReadResult(_glyph_codes_checked(read_pdf(path)))
        from .readers.decode import decode_text_lines
        text, bad = decode_text_lines(data)
        if kind == "markdown":
            from .readers.markdown import read_markdown
            from .table.shifted import realign_shifted_rows
            grids, rejects = read_markdown(source, text, skip=bad)
            for g in grids:
                _check_rows(len(g.rows), g.header_line)
            return ReadResult([realign_shifted_rows(g) for g in grids], rejects)
        if kind == "html":
            if bad:
                from .readers.decode import decode_text
                decode_text(data)   # raises for the first undecodable line
            from .readers.html import read_html
            return ReadResult(*read_html(source, text))
        from .readers.text import read_text
        rd = read_text(source, text, skip=bad)
        res = ReadResult([], list(rd.rejects), dict(rd.roles))
        for t in rd.tables:
            _check_rows(len(t.body), t.header.number)
            grid, rejects = align_with_rejects(t)
            res.grids.append(grid)
            res.rejects += rejects
            for r in rejects:
                res.roles[r.line] = "rejected"
        return res
    except InputError as e:
        raise e.with_file(str(path))
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", file=str(path)) from None
    except RecursionError:
        raise InputError("input too deeply nested to parse", file=str(path)) from None
    except Exception as e:  # a bug in a reader or the aligner: one line, not a traceback
        line = _crashing_text_line(path) if kind == "text" else None
        raise InputError(f"internal error while reading the table ({type(e).__name__}: {e}); "
                         f"please report this {'row' if line else 'file'}", file=str(path), line=line) from None


# most rows (body lines of pasted text) one table may have: a larger one is an error
MAX_TABLE_ROWS = 100_000


def _check_rows(n: int, header_line: int | None) -> None:
    if n > MAX_TABLE_ROWS:
        raise InputError(f"table too long: {n:,} rows (the limit is {MAX_TABLE_ROWS:,} per table)",
                         line=header_line)


_CID = re.compile(r"\(cid:\d+\)")   # pdfminer's text for a glyph it cannot map to a character


def _glyph_codes_checked(grids: list) -> list:
    """A PDF whose fonts lack a usable ToUnicode map reads as '(cid:12)' glyph codes: that is
    no text to extract from, so the file is an error (one line), never junk cells."""
    bad = [(r, c) for g in grids for r in g.rows for c in r.cells if c is not None and _CID.search(c.text)]
    if bad:
        r, c = bad[0]
        raise InputError(f"the PDF's text is not readable: {len(bad)} cell(s) hold glyph codes such as "
                         f"{_CID.search(c.text).group(0)!r} (its fonts have no usable ToUnicode map)",
                         line=c.line if c.line is not None else r.line)
    return grids


def _crashing_text_line(path: Path) -> int | None:
    """The first body line the aligner crashes on when aligned alone (None if none does)."""
    from .readers.decode import decode_text_lines
    from .readers.text import read_text
    from .table.align import text_table_to_grid

    try:
        text, bad = decode_text_lines(path.read_bytes())
        tables = read_text(path.stem, text, skip=bad).tables
    except Exception:
        return None
    for t in tables:
        for ln in t.body:
            try:
                text_table_to_grid(replace(t, body=(ln,)))
            except InputError:
                continue
            except Exception:
                return ln.number
    return None


# each rejected row costs one more alignment of the whole table; past this many, the file is bad
MAX_ALIGN_REJECTS = 50


def align_with_rejects(table):
    """TextTable -> (Grid, rejected lines). A body line the aligner cannot place under the
    header is rejected (with the aligner's reason) and the rest of the table aligned again."""
    from .table.align import joined_row_at, split_header_line, text_table_to_grid

    rejects: list[Reject] = []
    # a line holding two rows (the copy lost a line break): rejected, never merged into one arm
    header = list(table.header_cells) if table.header_cells else split_header_line(table.header.text)
    joined = {}
    for ln in table.body:
        at = joined_row_at(ln.text, header)
        if at is not None:
            joined[ln.number] = at
            rejects.append(Reject(ln.number, reject_text(ln.text),
                                  f"two rows on one line (a new row starts at character {at + 1}: "
                                  f"{ln.text[at:at + 30]!r}...): left out rather than merged into one arm"))
    if joined and len(joined) < len(table.body):
        table = replace(table, body=tuple(ln for ln in table.body if ln.number not in joined))
    elif joined:
        rejects = []
    while True:
        try:
            return text_table_to_grid(table), rejects
        except InputError as e:
            body = {ln.number: ln for ln in table.body}
            if e.line not in body:
                raise
            rejects.append(Reject(e.line, reject_text(body[e.line].text), e.reason))
            if len(body) <= 1 or len(rejects) >= MAX_ALIGN_REJECTS:
                first = rejects[0]
                what = ("no row of the table fits the header" if len(body) <= 1
                        else f"more than {MAX_ALIGN_REJECTS} rows do not fit the header")
                raise InputError(f"{what} ({len(rejects)} line(s) tried), the first because: {first.reason}",
                                 line=first.line, text=first.text) from None
            table = replace(table, body=tuple(ln for ln in table.body if ln.number != e.line))


def extract_file(path: Path) -> FileResult:
    """One input file -> its rows (pure apart from reading the file)."""
    try:
        path.stem.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("file name is not valid UTF-8 (its stem is the dataset's `source`): rename the file",
                         file=str(path)) from None
    read = read_input(path)
    grids = read.grids
    res = FileResult(source=path.stem, tables=len(grids), roles=read.roles)
    res.rejects = [dict(source=res.source, line=r.line, text=r.text, reason=r.reason, level="line")
                   for r in read.rejects]
    labels = [g.label for g in grids]
    for k, g in enumerate(grids):
        if labels.count(g.label) > 1:
            # two tables with the same (or no) label in one file: keep rows keyed apart
            g = replace(g, label=f"{g.label or 'Table'} ({k + 1})")
        t = _grid_to_arms_safe(g, path)
        res.arms += t.arms
        res.measures += t.measures
        res.narrative += t.narrative
        res.abbreviations += t.abbreviations
        res.section_lines += [r.line for r in g.rows if r.section is not None]
    if not res.arms:
        line_rejects = [r for r in read.rejects if r.line is not None]
        if line_rejects:
            r = line_rejects[0]
            raise InputError(f"table has no data rows: {len(line_rejects)} line(s) rejected, "
                             f"the first because: {r.reason}", file=str(path), line=r.line, text=r.text)
        hl = next((g.header_line for g in grids if g.header_line), None)
        raise InputError("table has a header but no data rows", file=str(path), line=hl)
    screen_values(res)
    return res


def _grid_to_arms_safe(g, path: Path):
    """grid_to_arms, with a crash in it turned into a one-line InputError naming the row's line."""
    from .table.arms import grid_to_arms

    try:
        return grid_to_arms(g)
    except InputError as e:
        raise e.with_file(str(path))
    except Exception as e:
        line = _crashing_line(g)
        raise InputError(f"internal error in the table stage ({type(e).__name__}: {e}); "
                         f"please report this row", file=str(path), line=line) from None


def _crashing_line(g) -> int | None:
    """The source line of the first row that makes grid_to_arms crash on its own."""
    from .table.arms import grid_to_arms

    for k, r in enumerate(g.rows):
        if r.section is not None:
            continue
        try:
            grid_to_arms(replace(g, rows=g.rows[:k + 1]))
        except Exception:
            return r.line
    return g.header_line


def screen_values(res: FileResult) -> None:
    """Drop values that break the schema (ORR 140%, n = 0, -3 months) from their rows and
    report each in rejects (level "value"): the row stays, the impossible number does not."""
    from schemas.models import arm_problems, measure_problem
    from .table import arms as arms_stage

    line_of = {(a["table"], a["row"]): a.get("line_no") for a in res.arms}
    totals: dict = {}
    for m in res.measures:
        if m["measure"] == "n" and m["population"] == "all" and m.get("value") is not None:
            key = (m["table"], m["row"])
            totals[key] = max(totals.get(key, 0), m["value"])
    keep, touched = [], set()
    for m in res.measures:
        why = measure_problem(m) or _overflow(m)
        tot = totals.get((m["table"], m["row"]))
        if why is None and m["measure"] == "n" and m["population"] != "all" and tot is not None \
                and m.get("value") is not None and m["value"] > tot:
            why = f"subgroup count {m['population']} = {m['value']:g} above the cohort's {tot:g}"
        if why is None:
            keep.append(m)
            continue
        touched.add((m["table"], m["row"]))
        res.rejects.append(dict(source=res.source, line=line_of.get((m["table"], m["row"])),
                                text=m.get("evidence"), level="value",
                                reason=f"{why}; measure dropped from row {m['row']}"))
    if touched:
        res.measures = keep
        by_row: dict = {}
        for m in keep:
            by_row.setdefault((m["table"], m["row"]), []).append(m)
        for a in res.arms:
            key = (a["table"], a["row"])
            if key in touched:
                for col in arms_stage.ARM_VALUE_COLUMN.values():
                    a[col] = None
                arms_stage._summarise(a, by_row.get(key, []))
    for a in res.arms:
        for col, why in arm_problems(a).items():
            res.rejects.append(dict(source=res.source, line=a.get("line_no"), text=str(a[col]), level="value",
                                    reason=f"{why}; value dropped from row {a['row']}"))
            a[col] = None


INT64_MAX = 2 ** 63 - 1


def _overflow(m: dict) -> str | None:
    """A count the dataset's Int64 columns cannot hold (n = 10^20): a value to reject, not a
    crash of the whole batch."""
    v = m.get("value")
    if m.get("measure") == "n" and v is not None and v > INT64_MAX:
        return f"count {m.get('value_as_reported')} does not fit a 64-bit integer"
    return None


def _extract_safe(path: Path) -> FileResult | InputError:
    try:
        return extract_file(path)
    except InputError as e:
        return e
    except RecursionError:
        return InputError("input too deeply nested to parse", file=str(path))
    except Exception as e:  # never let one file's bug take the batch down with a traceback
        return InputError(f"internal error ({type(e).__name__}: {e}); please report this file",
                          file=str(path))


# ------------------------------------------------------------------ outputs
def frames(results: list[FileResult], file_errors: list[InputError] = ()):
    import pandas as pd

    from schemas.models import (ABBREVIATION_COLUMNS, ARM_COLUMNS, MEASURE_COLUMNS, NARRATIVE_COLUMNS,
                                REJECT_COLUMNS)

    def df(rows, cols):
        return pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)

    arms = df([a for r in results for a in r.arms], ARM_COLUMNS)
    meas = df([m for r in results for m in r.measures], MEASURE_COLUMNS)
    abbr = df([a for r in results for a in r.abbreviations], ABBREVIATION_COLUMNS)
    narr = df([n for r in results for n in r.narrative], NARRATIVE_COLUMNS)
    rej = df([j for r in results for j in r.rejects] + [file_reject(e) for e in file_errors], REJECT_COLUMNS)
    for col in ("line", "n_total", "page", "line_no", "line_end"):
        arms[col] = arms[col].astype("Int64")
    arms["primary_endpoint_met"] = arms["primary_endpoint_met"].astype("boolean")
    for col in ("orr_pct", "dcr_pct", "pfs_median_months", "os_median_months"):
        arms[col] = arms[col].astype("float64")
    meas["value"] = meas["value"].astype("float64")
    meas["timepoint_months"] = meas["timepoint_months"].astype("float64")
    meas["not_reached"] = meas["not_reached"].astype(bool)
    for f in (arms, meas):
        f["flags"] = f["flags"].map(lambda v: list(v) if isinstance(v, (list, tuple)) else [])
        f["corrected"] = f["corrected"].map(bool).astype(bool)
    rej["line"] = rej["line"].astype("Int64")
    for col in ("source", "text", "reason", "level"):
        rej[col] = rej[col].astype(object)
    return arms, meas, abbr, narr, rej


def to_arrow(tables) -> tuple:
    """Validated frames (OUTPUT_FILES order) -> Arrow tables with the contract's types."""
    import pyarrow as pa

    from schemas.models import arrow_schemas
    schemas = arrow_schemas()
    return tuple(pa.Table.from_pandas(df, schema=schemas[name], preserve_index=False)
                 for name, df in zip(OUTPUT_FILES, tables))


def file_reject(e: InputError) -> dict:
    """A file skipped under --keep-going, as a rejects row."""
    from .errors import reject_text
    src = Path(e.file).stem if e.file and "," not in e.file else (e.file or "<input>")
    src = printable(src) if not src.isprintable() else src     # a name that is not UTF-8
    return dict(source=src, line=e.line, text=reject_text(e.text), reason=e.reason, level="file")


def read_corrections(path: Path | None) -> list:
    """The curators' corrections file, parsed (none when `path` is None)."""
    from .corrections import parse_corrections
    if path is None:
        return []
    try:
        text = Path(path).read_text("utf-8")
    except OSError as e:
        raise InputError(f"cannot read the corrections: {e.strerror}", file=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("the corrections file is not UTF-8 text", file=str(path)) from None
    return parse_corrections(text, str(path))


def extract(inputs: list[Path], out: Path, jobs: int = 1, keep_going: bool = False,
            progress=None, notice=None, corrections: Path | None = None,
            lexicon: Path | None = None) -> RunReport:
    """Run the pipeline over inputs and write the dataset to `out`.

    `corrections`: a curators' corrections file (corrections.tsv), applied after extraction;
    a stale one stops the run (InputError, nothing written). `lexicon`: a user lexicon folder
    (headers.tsv, drugs.tsv) extending the built-in ones for this run.

    Raises InputError (bad input, nothing written unless keep_going) or
    schemas.models.SchemaFailure (nothing written). With keep_going, bad files are left out,
    listed in report.errors and in rejects.parquet (level "file"), and the rest is written."""
    from .lexicon import USER_LEXICON_ENV

    before = os.environ.get(USER_LEXICON_ENV)
    if lexicon is not None:
        if not Path(lexicon).is_dir():
            raise InputError("the user lexicon is not a folder", file=str(lexicon))
        os.environ[USER_LEXICON_ENV] = os.path.abspath(lexicon)
    try:
        return _extract(inputs, out, jobs, keep_going, progress, notice, read_corrections(corrections),
                        str(corrections) if corrections else "corrections.tsv")
    finally:
        if before is None:
            os.environ.pop(USER_LEXICON_ENV, None)
        else:
            os.environ[USER_LEXICON_ENV] = before


def _extract(inputs, out, jobs, keep_going, progress, notice, corrections: list,
             corrections_name: str) -> RunReport:
    t0 = time.perf_counter()
    files = discover(inputs, notice)
    if not files:
        raise InputError("no supported input files (.txt, .md, .html, .htm, .pdf)",
                         file=", ".join(str(p) for p in inputs))
    report = RunReport(files=len(files), out=out)
    all_bad: list[InputError] = []
    good_files = 0
    done = 0
    writer: DatasetWriter | None = None
    batches = _batch_results(files, jobs, keep_going, corrections, corrections_name)
    try:
        for batch in batches:
            if batch.failure is not None:
                raise batch.failure
            if batch.bad and not keep_going:
                raise _first_error(batch.bad)
            all_bad += batch.bad
            good_files += batch.good_files
            if writer is None:
                writer = DatasetWriter(out, OUTPUT_FILES)
            writer.append(dict(zip(OUTPUT_FILES, batch.tables)))
            arms, meas, _, narr, rej = batch.tables
            report.tables += batch.n_tables
            report.arms += arms.num_rows
            report.measures += meas.num_rows
            report.narrative += narr.num_rows
            report.rejects += rej.num_rows
            report.unexplained += batch.unexplained
            report.flagged_arms += batch.flagged_arms
            report.flagged_measures += batch.flagged_measures
            report.corrections += batch.corrections
            done += batch.files
            if progress is not None and len(files) >= 100:
                progress(f"  {done}/{len(files)} files")
        report.errors = [str(e) for e in all_bad]
        if not good_files and all_bad:
            raise _first_error(all_bad)
        writer.commit()
    finally:
        batches.close()
        if writer is not None:
            writer.discard()
    report.seconds = time.perf_counter() - t0
    return report


# files read, validated and written together: memory stays bounded by a batch
BATCH_FILES = 50


@dataclass
class BatchResult:
    """One batch of input files, read, parsed and validated (in a worker when --jobs > 1)."""
    files: int
    good_files: int = 0
    n_tables: int = 0
    tables: tuple = ()                    # validated frames as Arrow tables, in OUTPUT_FILES order
    unexplained: int = 0                  # outcome numbers left as narrative by no rule
    flagged_arms: int = 0                 # rows and measures with a review flag
    flagged_measures: int = 0
    corrections: int = 0                  # curators' corrections applied
    bad: list[InputError] = field(default_factory=list)
    failure: Exception | None = None      # a schema failure that stops the run


def extract_batch(files: list[Path], keep_going: bool, corrections: list = (),
                  corrections_name: str = "corrections.tsv") -> BatchResult:
    """Files -> validated frames of one batch (pure apart from reading the files), with the
    curators' corrections of its sources applied before validation."""
    from schemas.models import SchemaFailure

    from .corrections import apply_corrections

    out = BatchResult(files=len(files))
    results = []
    for f in files:
        r = _extract_safe(f)
        if isinstance(r, InputError):
            out.bad.append(r.with_file(str(f)))
        else:
            results.append(r)
    if out.bad and not keep_going:
        return out
    if corrections:
        try:
            for r in results:
                r.arms, r.measures = apply_corrections(r.arms, r.measures, corrections, corrections_name)
        except InputError as e:
            out.failure = e
            return out
        mine = {r.source for r in results}
        out.corrections = sum(1 for c in corrections if c.source in mine)
    try:
        validated = _validated(results, out.bad, keep_going, {f.stem: str(f) for f in files})
    except SchemaFailure as e:
        out.failure = schema_error(e, results, files)
        return out
    # converted here, in the worker that made them: the parent only writes
    out.tables = to_arrow(validated)
    narr = validated[OUTPUT_FILES.index("narrative")]
    out.unexplained = int((narr["rule"] == "no_rule").sum()) if len(narr) else 0
    arms, meas = validated[0], validated[1]
    out.flagged_arms = int(arms["flags"].map(len).astype(bool).sum()) if len(arms) else 0
    out.flagged_measures = int(meas["flags"].map(len).astype(bool).sum()) if len(meas) else 0
    out.good_files = len(results)
    out.n_tables = sum(r.tables for r in results)
    return out


def _load_stages() -> None:
    """Import and build what every batch needs (spaCy, the patterns, the schemas) once, in the
    parent: forked workers start with it instead of each paying the start-up again."""
    from schemas.models import validate_all

    from .outcomes.freetext import nlp_and_matcher

    nlp_and_matcher()
    validate_all(*frames([]))


def _batch_results(files: list[Path], jobs: int, keep_going: bool, corrections: list = (),
                   corrections_name: str = "corrections.tsv"):
    """BatchResults in input order, from this process or from `jobs` worker processes.

    Workers parse and validate whole batches, so the parent only writes; batches are smaller
    with workers (at least four per worker) so that the last one does not leave a CPU idle."""
    if jobs > 1 and len(files) > 1:
        size = max(1, min(BATCH_FILES, -(-len(files) // (jobs * 4))))
        batches = [files[i:i + size] for i in range(0, len(files), size)]
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool
        _load_stages()
        ex = ProcessPoolExecutor(max_workers=min(jobs, len(batches)), initializer=_worker_init)
        done = False
        try:
            futures = [ex.submit(extract_batch, b, keep_going, corrections, corrections_name) for b in batches]
            for b, fut in zip(batches, futures):
                try:
                    yield fut.result()
                except BrokenProcessPool:
                    names = ", ".join(printable(f.name) for f in b[:5]) + (", ..." if len(b) > 5 else "")
                    raise InputError(f"a worker process died (killed, or out of memory) while reading "
                                     f"this batch of {len(b)} file(s): {names}", file=str(b[0])) from None
            done = True
        finally:
            _stop_pool(ex, wait=done)
    else:
        for i in range(0, len(files), BATCH_FILES):
            yield extract_batch(files[i:i + BATCH_FILES], keep_going, corrections, corrections_name)


def _worker_init() -> None:
    """In each worker: die with the parent (Linux PR_SET_PDEATHSIG), and leave Ctrl-C and
    SIGTERM to the parent, which stops the pool (no traceback from every worker)."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        import ctypes
        try:
            PR_SET_PDEATHSIG = 1
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
        if os.getppid() == 1:      # the parent died before the line above: go too
            os._exit(1)


def _stop_pool(ex, wait: bool) -> None:
    """A finished run waits for its workers; a run stopped early (a bad file, Ctrl-C,
    SIGTERM) ends them at once instead of waiting for the rest of the corpus."""
    if wait:
        ex.shutdown(wait=True)
        return
    procs = list((getattr(ex, "_processes", None) or {}).values())
    ex.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        try:
            p.terminate()
        except Exception:
            pass
    for p in procs:
        p.join(timeout=5)
        if p.is_alive():
            p.kill()
            p.join(timeout=5)


def _validated(results: list[FileResult], bad: list[InputError], keep_going: bool,
               paths: dict[str, str] | None = None):
    """Validated frames of one batch. With keep_going, a file whose rows break the schema is
    left out like a bad file (moved from `results` to `bad`)."""
    from schemas.models import SchemaFailure, failure_lines, validate_all

    while True:
        tables = frames(results, bad)
        try:
            return validate_all(*tables)
        except SchemaFailure as e:
            failing = set(e.table["source"].dropna()) if "source" in e.table else set()
            failing &= {r.source for r in results}
            if not keep_going or not failing:
                raise
            msgs = failure_lines(e.table, tables[0])
            for r in [r for r in results if r.source in failing]:
                first = next((m for m in msgs if m.startswith(r.source)), "schema validation failed")
                bad.append(InputError(f"output failed schema validation: {first.split(': ', 1)[-1]}",
                                      file=(paths or {}).get(r.source, r.source), line=_line_of(first)))
                results.remove(r)


def schema_error(e, results: list[FileResult], files: list[Path]) -> InputError:
    """A schema failure as the one-line `FILE:LINE: reason` error of its first problem (the
    input path, the source line of the failing row), with the number of other problems."""
    import pandas as pd

    table = e.table
    if not len(table):
        return InputError("output failed schema validation", file=", ".join(str(f) for f in files))
    rec = table.iloc[0].to_dict()
    src, row = rec.get("source"), rec.get("row")
    path = next((str(f) for f in files if f.stem == src), src if isinstance(src, str) else "<dataset>")
    line = None
    if isinstance(src, str) and row is not None and not pd.isna(row):
        r = next((r for r in results if r.source == src), None)
        line = next((a.get("line_no") for a in (r.arms if r else []) if a["row"] == int(row)), None)
    col = rec.get("column")
    what = f"{rec.get('table')}.{col}" if isinstance(col, str) else str(rec.get("table"))
    where = f"row {int(row)}: " if row is not None and not pd.isna(row) else ""
    more = f" (and {len(table) - 1} more problem(s))" if len(table) > 1 else ""
    return InputError(f"output failed schema validation: {where}{what} fails {rec.get('check')}: "
                      f"{rec.get('failure_case')!s}{more}", file=path, line=line)


def _first_error(bad: list[InputError]) -> InputError:
    e = bad[0]
    if len(bad) > 1:
        e.reason += f" (and {len(bad) - 1} more bad file(s))"
    return e


def _line_of(msg: str) -> int | None:
    import re
    m = re.match(r"^[^:\s]+:(\d+)", msg)
    return int(m.group(1)) if m else None


def eprint(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)
