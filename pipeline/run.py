"""The pipeline's orchestration: the only module, with inputs.py and store.py, that touches files.

    discover -> read -> arms -> measures -> corrections -> validate -> store

`extract` finds the input files (inputs.py), hands them in batches to `extract_batch` (in
this process, in `--jobs` workers or on a cluster: pool.py), and writes each batch's frames
(store.py puts the dataset in place all or nothing). A batch: each file read into Grids
(readers.read_document), each Grid into arms and their measures (table/arms.py, which calls
outcomes/), impossible values screened out (validate.screen_values), the curators'
corrections applied (corrections.py), the frames validated (validate.py, schemas/models.py).
"""
from __future__ import annotations

import gc
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from .errors import InputError, crashed_row_line, reject_text
from .inputs import SUPPORTED, Input, as_input, discover, iter_inputs, read_bytes
from .model import Abbreviation, Arm, Measure, Narrative
from .pool import batch_results
from .readers import ARCHIVES, ReadResult, is_archive, read_document
from .store import DatasetWriter
from .summary import TableSummary
from .validate import OUTPUT_FILES, frames, schema_error, screen_values, to_arrow, validated


@dataclass
class FileResult:
    """One input's records, as the stages made them (model.Arm, Measure ...: dicts in the
    contract's columns)."""
    source: str
    arms: list[Arm] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    abbreviations: list[Abbreviation] = field(default_factory=list)
    narrative: list[Narrative] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)
    tables: int = 0
    document: dict = field(default_factory=dict)      # its documents.parquet row
    # accounting (not written): source line of every section-header row, and the reader's role
    # of every line (text inputs only: blank, chrome, title, header, body, notes, legend ...)
    section_lines: list[int] = field(default_factory=list)
    roles: dict[int, str] = field(default_factory=dict)
    # the run summary's line of every table (summary.TableSummary), in reading order
    table_list: list[TableSummary] = field(default_factory=list)


@dataclass
class RunReport:
    """What a run did, for its one-line summary."""
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
    unread_tables: int = 0        # tables a reader found but could not read (listed "rejected: ...")
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    out: Path | None = None
    table_list: list[TableSummary] = field(default_factory=list)   # every good file's tables

    def summary(self) -> str:
        fixed = f", {self.corrections} correction(s) applied" if self.corrections else ""
        notes = [f"{self.non_trial_tables} without trial results"] if self.non_trial_tables else []
        if self.unread_tables:
            notes.append(f"{self.unread_tables} more found but not readable")
        skipped = f" ({'; '.join(notes)})" if notes else ""
        return (f"{self.files} file(s), {self.tables} table(s){skipped}: {self.arms} arms, {self.measures} measures, "
                f"{self.narrative} numbers left as narrative ({self.unexplained} by no rule), "
                f"flagged for review: {self.flagged_arms} arms, {self.flagged_measures} measures{fixed}, "
                f"{self.rejects} rejected (rejects.parquet) -> {self.out} in {self.seconds:.2f}s")


# ------------------------------------------------------------------ one file
def read_input(item: Input | Path) -> ReadResult:
    """Read one input into Grids, with the lines the reader rejected (readers.READERS)."""
    inp = as_input(item)
    data = inp.data if inp.data is not None else (lambda: read_bytes(Path(inp.path)))
    return read_document(inp.path, inp.source, data, inp.file)


def document_row(inp: Input, read: ReadResult, tables: int) -> dict:
    """The documents.parquet row of one input."""
    meta = {k: read.meta.get(k) for k in ("pmcid", "pmid", "doi", "title", "journal", "year",
                                          "article_type", "license")}
    return dict(source=inp.source, path=inp.path, format=read.format, sha256=read.sha256, tables=tables, **meta)


def extract_file(item: Input | Path) -> FileResult:
    """One input -> its rows (pure apart from reading the file)."""
    from .table.screen import transpose_arms_in_columns, why_not_trial_table

    inp = as_input(item)
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
    listed = _unread_tables(inp, read)
    for k, g in enumerate(grids):
        if labels.count(g.label) > 1:
            # two tables with the same (or no) label in one file: keep rows keyed apart
            g = replace(g, label=f"{g.label or 'Table'} ({k + 1})")
        as_read = g
        g = transpose_arms_in_columns(g)
        t = _grid_to_arms_safe(g, inp.path)
        why = why_not_trial_table(g, t) if t.arms or read.format == "jats" else None
        listed.append(_table_summary(inp, read.format, as_read, 0 if why else len(t.arms), why))
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
    res.table_list = sorted(listed, key=lambda x: x.pages[:1])   # a PDF's: page by page
    return res


def _table_summary(inp: Input, fmt: str | None, g, arms: int, why: str | None) -> TableSummary:
    """The run summary's record of one grid as the reader gave it."""
    pages = sorted({r.page for r in g.rows if r.page is not None})
    return TableSummary(file=Path(inp.path).name, format=fmt, label=g.label, title=g.title,
                        pages=tuple(pages), rows=len(g.rows), cols=len(g.header), arms=arms,
                        outcome=why)


def _unread_tables(inp: Input, read: ReadResult) -> list[TableSummary]:
    """The run summary's records of the tables the reader saw but could not read: a PDF
    table's reject (its label and page), a JATS table given as an image."""
    name = Path(inp.path).name
    out = [TableSummary(file=name, format=read.format, label=r.table, title=r.text, pages=(r.page,),
                        outcome="rejected: " + r.reason.removeprefix(f"page {r.page}: {r.table}: "))
           for r in read.rejects if r.table is not None]
    out += [TableSummary(file=name, format=read.format, label=label, outcome=f"not read: {why}")
            for label, why in read.skipped]
    return out


def _grid_to_arms_safe(g, path: str):
    """grid_to_arms, with a crash in it (a bug) turned into a one-line InputError naming the
    source line of the row it was working on."""
    from .table.arms import grid_to_arms

    try:
        return grid_to_arms(g)
    except InputError as e:
        raise e.with_file(str(path))
    except Exception as e:
        line = crashed_row_line(e, g.rows, default=g.header_line)
        raise InputError(f"internal error in the table stage ({type(e).__name__}: {e}); "
                         f"please report this row", file=str(path), line=line) from None


def _extract_safe(item: Input | Path) -> FileResult | InputError:
    path = as_input(item).path
    try:
        return extract_file(item)
    except InputError as e:
        return e.with_file(path)
    except RecursionError:
        return InputError("input too deeply nested to parse", file=path)
    except Exception as e:  # never let one file's bug take the batch down with a traceback
        return InputError(f"internal error ({type(e).__name__}: {e}); please report this file",
                          file=path)


# ------------------------------------------------------------------ the run
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
        with _young_collections_rarer():
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
    work = partial(extract_batch, keep_going=keep_going, corrections=corrections,
                   corrections_name=corrections_name)
    if submit is None and jobs == 1:
        _settle_start_up()
    batches = batch_results(work, iter_inputs(files), jobs, BATCH_FILES, total=total, submit=submit,
                            window=window, preload=_load_stages)
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
            report.table_list += batch.table_list
            report.unread_tables += sum(1 for t in batch.table_list if (t.outcome or "").startswith("rejected: "))
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
    table_list: list = field(default_factory=list)   # summary.TableSummary of the good files' tables
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
        inputs = [as_input(f) for f in files]
        tables = validated(results, out.bad, keep_going, {i.source: i.path for i in inputs})
    except SchemaFailure as e:
        out.failure = schema_error(e, results, inputs)
        return out
    # converted here, in the worker that made them: the parent only writes
    out.tables = to_arrow(tables)
    narr = tables[OUTPUT_FILES.index("narrative")]
    out.unexplained = int((narr["rule"] == "no_rule").sum()) if len(narr) else 0
    arms, meas = tables[0], tables[1]
    out.flagged_arms = int(arms["flags"].map(len).astype(bool).sum()) if len(arms) else 0
    out.flagged_measures = int(meas["flags"].map(len).astype(bool).sum()) if len(meas) else 0
    out.good_files = len(results)
    out.n_tables = sum(r.tables for r in results)
    out.table_list = [t for r in results for t in r.table_list]
    return out


def _load_stages() -> None:
    """Import and build what every batch needs (spaCy, the patterns, the schemas) once, in the
    parent: forked workers start with it instead of each paying the start-up again."""
    from schemas.models import validate_all

    validate_all(*frames([]))
    _settle_start_up()


# Objects allocated (net) before the youngest generation is collected; CPython's default is
# 700. A file makes tens of thousands of short-lived records, spans and tokens, so at 700
# the collector ran about 15 times per file (30,638 young and 252 full collections over the
# 2,000-file bench corpus with one process). At 10,000: 2,000 and 15, CPU time 88 s -> 74 s
# (median of three rounds on this machine, 0384976 took 70 s), peak memory 356 -> 377 MB.
# The output is the same: the collector only frees cycles, it never changes a value.
GC_YOUNG_THRESHOLD = 10_000


@contextmanager
def _young_collections_rarer():
    """GC_YOUNG_THRESHOLD for the length of a run (forked workers inherit it); the caller's
    threshold is back afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _settle_start_up() -> None:
    """Build the grammar, then move what start-up made (spaCy, the patterns, the lexicons:
    it lives as long as the process) out of the collector's generations, so that each full
    collection walks only the batches' objects (about 1 % of the instructions per file)."""
    from .outcomes.freetext import nlp_and_matcher

    nlp_and_matcher()
    gc.freeze()


def _first_error(bad: list[InputError]) -> InputError:
    e = bad[0]
    if len(bad) > 1:
        e.reason += f" (and {len(bad) - 1} more bad file(s))"
    return e


def eprint(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)
