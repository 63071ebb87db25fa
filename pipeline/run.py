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
from .readers import ARCHIVES, READERS, ReadResult, is_archive, reader_for
from .readers.text import MAX_TABLE_ROWS, check_rows  # noqa: F401  (the limit, documented here too)
from .store import DatasetWriter

SUPPORTED = {ext: r.format for ext, r in READERS.items()}
OUTPUT_FILES = ("arms", "measures", "abbreviations", "narrative", "rejects", "documents")


@dataclass
class FileResult:
    source: str
    arms: list[dict] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)
    abbreviations: list[dict] = field(default_factory=list)
    narrative: list[dict] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)
    tables: int = 0
    document: dict = field(default_factory=dict)      # its documents.parquet row
    # accounting (not written): source line of every section-header row, and the reader's role
    # of every line (text inputs only: blank, chrome, title, header, body, notes, legend ...)
    section_lines: list[int] = field(default_factory=list)
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
    non_trial_tables: int = 0     # tables read but holding no trial results (rejects, level "table")
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    out: Path | None = None

    def summary(self) -> str:
        fixed = f", {self.corrections} correction(s) applied" if self.corrections else ""
        skipped = f" ({self.non_trial_tables} without trial results)" if self.non_trial_tables else ""
        return (f"{self.files} file(s), {self.tables} table(s){skipped}: {self.arms} arms, {self.measures} measures, "
                f"{self.narrative} numbers left as narrative ({self.unexplained} by no rule), "
                f"flagged for review: {self.flagged_arms} arms, {self.flagged_measures} measures{fixed}, "
                f"{self.rejects} rejected (rejects.parquet) -> {self.out} in {self.seconds:.2f}s")


# ------------------------------------------------------------------ inputs
@dataclass(frozen=True)
class Input:
    """One input document: a file, or a member of an archive whose bytes were read from the
    archive's stream (`path` is then "ARCHIVE/MEMBER")."""
    path: str
    data: bytes | None = None

    @property
    def source(self) -> str:
        return Path(self.path).stem

    @property
    def file(self) -> Path | None:
        return Path(self.path) if self.data is None else None


def _as_input(item) -> Input:
    return item if isinstance(item, Input) else Input(str(item))


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
                if f.suffix.lower() not in SUPPORTED and not is_archive(f.name):
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


def iter_inputs(files: list[Path]):
    """Inputs of the discovered files, archives streamed member by member (never unpacked to
    disk, so memory holds one member at a time). Two inputs with the same stem are an error."""
    first: dict[str, str] = {}
    for f in files:
        items = archive_members(f) if is_archive(f.name) else (Input(str(f)),)
        for inp in items:
            if inp.source in first:
                raise InputError(f"same source name {inp.source!r} as {first[inp.source]} (two inputs with "
                                 f"the same stem are an error, not a merge)", file=inp.path)
            first[inp.source] = inp.path
            yield inp


def archive_members(path: Path):
    """The JATS members (.xml, .nxml) of a tar archive (PMC Open Access package), streamed."""
    import tarfile

    try:
        with tarfile.open(path, mode="r|*") as tf:
            for m in tf:
                if m.isfile() and Path(m.name).suffix.lower() in (".xml", ".nxml"):
                    fh = tf.extractfile(m)
                    yield Input(f"{path}/{m.name}", fh.read() if fh is not None else b"")
    except (tarfile.TarError, EOFError, OSError) as e:
        raise InputError(f"cannot read the archive: {e}", file=str(path)) from None


def read_input(item: Input | Path) -> ReadResult:
    """Read one input into Grids, with the lines the reader rejected (readers.READERS)."""
    import hashlib

    inp = _as_input(item)
    reader = reader_for(inp.path)
    if reader is None:
        raise InputError(f"unsupported file type {Path(inp.path).suffix or '(none)'!r}; "
                         f"supported: {', '.join(sorted(SUPPORTED) + list(ARCHIVES))}", file=inp.path)
    try:
        data = inp.data if inp.data is not None else read_bytes(Path(inp.path))
        res = reader.read(inp.source, data, inp.file)
        res.format, res.sha256 = reader.format, hashlib.sha256(data).hexdigest()
        for g in res.grids:
            check_rows(len(g.rows), g.header_line)
        if reader.format == "pdf":
            _glyph_codes_checked(res.grids)
        return res
    except InputError as e:
        raise e.with_file(inp.path)
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", file=inp.path) from None
    except RecursionError:
        raise InputError("input too deeply nested to parse", file=inp.path) from None
    except Exception as e:  # a bug in a reader: one line, not a traceback
        raise InputError(f"internal error while reading the table ({type(e).__name__}: {e}); "
                         f"please report this file", file=inp.path) from None


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


def document_row(inp: Input, read: ReadResult, tables: int) -> dict:
    """The documents.parquet row of one input."""
    meta = {k: read.meta.get(k) for k in ("pmcid", "pmid", "doi", "title", "journal", "year",
                                          "article_type", "license")}
    return dict(source=inp.source, path=inp.path, format=read.format, sha256=read.sha256, tables=tables, **meta)


def extract_file(item: Input | Path) -> FileResult:
    """One input -> its rows (pure apart from reading the file)."""
    from .table.screen import transpose_arms_in_columns, why_not_trial_table

    inp = _as_input(item)
    try:
        inp.source.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("file name is not valid UTF-8 (its stem is the dataset's `source`): rename the file",
                         file=inp.path) from None
    read = read_input(inp)
    grids = read.grids
    res = FileResult(source=inp.source, tables=len(grids) + len(read.skipped), roles=read.roles)
    res.rejects = [dict(source=res.source, line=r.line, text=r.text, reason=r.reason, level="line")
                   for r in read.rejects]
    res.rejects += [dict(source=res.source, line=None, text=label, reason=why, level="table")
                    for label, why in read.skipped]
    labels = [g.label for g in grids]
    screened = 0
    for k, g in enumerate(grids):
        if labels.count(g.label) > 1:
            # two tables with the same (or no) label in one file: keep rows keyed apart
            g = replace(g, label=f"{g.label or 'Table'} ({k + 1})")
        g = transpose_arms_in_columns(g)
        t = _grid_to_arms_safe(g, inp.path)
        why = why_not_trial_table(g, t) if t.arms or read.format == "jats" else None
        if why is not None:
            screened += 1
            res.rejects.append(dict(source=res.source, line=g.header_line, level="table", reason=why,
                                    text=reject_text(" ".join(x for x in (g.label, g.title) if x) or None)))
            continue
        res.arms += t.arms
        res.measures += t.measures
        res.narrative += t.narrative
        res.abbreviations += t.abbreviations
        res.section_lines += [r.line for r in g.rows if r.section is not None]
    if not res.arms and not screened and read.format != "jats":
        line_rejects = [r for r in read.rejects if r.line is not None]
        if line_rejects:
            r = line_rejects[0]
            raise InputError(f"table has no data rows: {len(line_rejects)} line(s) rejected, "
                             f"the first because: {r.reason}", file=inp.path, line=r.line, text=r.text)
        hl = next((g.header_line for g in grids if g.header_line), None)
        raise InputError("table has a header but no data rows", file=inp.path, line=hl)
    screen_values(res)
    res.document = document_row(inp, read, res.tables)
    return res


def _grid_to_arms_safe(g, path: str):
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


def _extract_safe(item: Input | Path) -> FileResult | InputError:
    path = _as_input(item).path
    try:
        return extract_file(item)
    except InputError as e:
        return e.with_file(path)
    except RecursionError:
        return InputError("input too deeply nested to parse", file=path)
    except Exception as e:  # never let one file's bug take the batch down with a traceback
        return InputError(f"internal error ({type(e).__name__}: {e}); please report this file",
                          file=path)


# ------------------------------------------------------------------ outputs
def frames(results: list[FileResult], file_errors: list[InputError] = ()):
    import pandas as pd

    from schemas.models import (ABBREVIATION_COLUMNS, ARM_COLUMNS, DOCUMENT_COLUMNS, MEASURE_COLUMNS,
                                NARRATIVE_COLUMNS, REJECT_COLUMNS)

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
    docs = df([r.document for r in results], DOCUMENT_COLUMNS)
    for col in ("tables", "year"):
        docs[col] = docs[col].astype("Int64")
    return arms, meas, abbr, narr, rej, docs


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
            lexicon: Path | None = None, submit=None, window: int | None = None) -> RunReport:
    """Run the pipeline over inputs and write the dataset to `out`.

    `corrections`: a curators' corrections file (corrections.tsv), applied after extraction;
    a stale one stops the run (InputError, nothing written). `lexicon`: a user lexicon folder
    (headers.tsv, drugs.tsv) extending the built-in ones for this run.

    Raises InputError (bad input, nothing written unless keep_going) or
    schemas.models.SchemaFailure (nothing written). With keep_going, bad files are left out,
    listed in report.errors and in rejects.parquet (level "file"), and the rest is written.
    `submit(fn, batch) -> future` runs batches elsewhere (a Dask client's `submit`; see
    pipeline/dask_run.py), at most `window` at a time."""
    from .lexicon import USER_LEXICON_ENV

    before = os.environ.get(USER_LEXICON_ENV)
    if lexicon is not None:
        if not Path(lexicon).is_dir():
            raise InputError("the user lexicon is not a folder", file=str(lexicon))
        os.environ[USER_LEXICON_ENV] = os.path.abspath(lexicon)
    try:
        return _extract(inputs, out, jobs, keep_going, progress, notice, read_corrections(corrections),
                        str(corrections) if corrections else "corrections.tsv", submit, window)
    finally:
        if before is None:
            os.environ.pop(USER_LEXICON_ENV, None)
        else:
            os.environ[USER_LEXICON_ENV] = before


def _extract(inputs, out, jobs, keep_going, progress, notice, corrections: list,
             corrections_name: str, submit=None, window: int | None = None) -> RunReport:
    t0 = time.perf_counter()
    files = discover(inputs, notice)
    if not files:
        raise InputError(f"no supported input files ({', '.join(sorted(SUPPORTED) + list(ARCHIVES))})",
                         file=", ".join(str(p) for p in inputs))
    archives = any(is_archive(f.name) for f in files)
    total = None if archives else len(files)     # an archive's members are counted as they stream
    report = RunReport(files=0, out=out)
    all_bad: list[InputError] = []
    good_files = 0
    done = 0
    writer: DatasetWriter | None = None
    batches = _batch_results(iter_inputs(files), jobs, keep_going, corrections, corrections_name,
                             total=total, submit=submit, window=window)
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
            tables = dict(zip(OUTPUT_FILES, batch.tables))
            writer.append(tables)
            arms, meas, narr, rej = (tables[k] for k in ("arms", "measures", "narrative", "rejects"))
            report.non_trial_tables += _count_level(rej, "table")
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
            if progress is not None and (total or done) >= 100:
                progress(f"  {done}/{total} files" if total else f"  {done} files")
        report.files = done
        report.errors = [str(e) for e in all_bad]
        if not done:
            raise InputError("no supported input files (the archives hold no .xml or .nxml member)",
                             file=", ".join(str(p) for p in inputs))
        if not good_files and all_bad:
            raise _first_error(all_bad)
        writer.commit()
    finally:
        batches.close()
        if writer is not None:
            writer.discard()
    report.seconds = time.perf_counter() - t0
    return report


def _count_level(rejects, level: str) -> int:
    if not rejects.num_rows:
        return 0
    return sum(1 for v in rejects.column("level").to_pylist() if v == level)


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


def extract_batch(files: list[Input | Path], keep_going: bool, corrections: list = (),
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
            out.bad.append(r)
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
        inputs = [_as_input(f) for f in files]
        validated = _validated(results, out.bad, keep_going, {i.source: i.path for i in inputs})
    except SchemaFailure as e:
        out.failure = schema_error(e, results, inputs)
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


def _batches(inputs, size: int):
    batch = []
    for inp in inputs:
        batch.append(inp)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _batch_results(inputs, jobs: int, keep_going: bool, corrections: list = (),
                   corrections_name: str = "corrections.tsv", total: int | None = None, submit=None,
                   window: int | None = None):
    """BatchResults in input order, from this process, from `jobs` worker processes, or from
    `submit` (a cluster's).

    Workers parse and validate whole batches, so the parent only writes; batches are smaller
    with workers (at least four per worker) so that the last one does not leave a CPU idle.
    At most `window` batches are in flight, so an archive streamed into batches is never
    held whole in memory."""
    from functools import partial

    work = partial(extract_batch, keep_going=keep_going, corrections=corrections,
                   corrections_name=corrections_name)
    if submit is None and jobs > 1 and total != 1:
        size = max(1, min(BATCH_FILES, -(-(total or BATCH_FILES * jobs * 4) // (jobs * 4))))
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool
        _load_stages()
        ex = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init)
        done = False
        in_flight: list = []

        def batches():
            for b in _batches(inputs, size):
                in_flight.append(b)
                yield b
        try:
            for k, res in enumerate(_windowed(ex.submit, work, batches(), window or jobs * 2)):
                yield res
                in_flight[k] = None
            done = True
        except BrokenProcessPool:
            b = next((x for x in in_flight if x), [])
            names = ", ".join(printable(Path(_as_input(f).path).name) for f in b[:5]) + (", ..." if len(b) > 5 else "")
            raise InputError(f"a worker process died (killed, or out of memory) while reading "
                             f"this batch of {len(b)} file(s): {names}",
                             file=_as_input(b[0]).path if b else None) from None
        finally:
            _stop_pool(ex, wait=done)
    elif submit is not None:
        size = max(1, min(BATCH_FILES, -(-(total or BATCH_FILES * 8) // 8)))
        yield from _windowed(submit, work, _batches(inputs, size), window or 4)
    else:
        for batch in _batches(inputs, BATCH_FILES):
            yield work(batch)


def _windowed(submit, fn, batches, window: int):
    """fn(batch) for every batch through `submit`, results in order, `window` in flight."""
    from collections import deque

    pending: deque = deque()
    try:
        for batch in batches:
            pending.append(submit(fn, batch))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for f in pending:
            f.cancel()


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


def schema_error(e, results: list[FileResult], files: list[Input]) -> InputError:
    """A schema failure as the one-line `FILE:LINE: reason` error of its first problem (the
    input path, the source line of the failing row), with the number of other problems."""
    import pandas as pd

    table = e.table
    if not len(table):
        return InputError("output failed schema validation", file=", ".join(f.path for f in files))
    rec = table.iloc[0].to_dict()
    src, row = rec.get("source"), rec.get("row")
    path = next((f.path for f in files if f.source == src), src if isinstance(src, str) else "<dataset>")
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
