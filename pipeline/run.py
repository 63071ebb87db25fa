"""Wires the stages together; the only module that reads inputs and writes outputs.

file -> reader -> Grid -> arms + measures -> validated frames -> Parquet (atomic)
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import InputError, Reject, reject_text

SUPPORTED = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
             ".html": "html", ".htm": "html", ".pdf": "pdf"}
OUTPUT_FILES = ("arms", "measures", "abbreviations", "narrative", "rejects")
# test hook: seconds to sleep after writing each output file (lets a test kill a run mid-write)
SLOW_WRITE_ENV = "TRIALTABLES_TEST_SLOW_WRITE"


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
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    out: Path | None = None

    def summary(self) -> str:
        return (f"{self.files} file(s), {self.tables} table(s): {self.arms} arms, {self.measures} measures, "
                f"{self.narrative} numbers left as narrative ({self.unexplained} by no rule), "
                f"{self.rejects} rejected (rejects.parquet) -> {self.out} in {self.seconds:.2f}s")


# ------------------------------------------------------------------ inputs
def discover(inputs: list[Path]) -> list[Path]:
    """Files named, and every supported file in folders named, in a stable order."""
    files: list[Path] = []
    for p in inputs:
        if p.is_dir():
            files.extend(sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in SUPPORTED))
        elif p.exists():
            files.append(p)
        else:
            raise InputError("no such file or folder", file=str(p))
    seen, out = set(), []
    for f in files:
        if f.resolve() not in seen:
            seen.add(f.resolve())
            out.append(f)
    return out


def read_input(path: Path) -> ReadResult:
    """Read one input file into Grids, with the lines the readers rejected."""
    kind = SUPPORTED.get(path.suffix.lower())
    source = path.stem
    if kind is None:
        raise InputError(f"unsupported file type {path.suffix or '(none)'!r}; "
                         f"supported: {', '.join(sorted(SUPPORTED))}", file=str(path))
    try:
        if kind == "pdf":
            with open(path, "rb") as fh:
                if b"%PDF-" not in fh.read(1024):
                    raise InputError("not a PDF file (no %PDF- header)", line=1)
            from .readers.pdf import read_pdf
            return ReadResult(read_pdf(path))
        data = path.read_bytes()
        from .readers.decode import decode_text_lines
        text, bad = decode_text_lines(data)
        if kind == "markdown":
            from .readers.markdown import read_markdown
            from .table.shifted import realign_shifted_rows
            grids, rejects = read_markdown(source, text, skip=bad)
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
    from .table.align import text_table_to_grid

    rejects: list[Reject] = []
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
        why = measure_problem(m)
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
    for col in ("line", "n_total", "page", "line_no"):
        arms[col] = arms[col].astype("Int64")
    arms["primary_endpoint_met"] = arms["primary_endpoint_met"].astype("boolean")
    for col in ("orr_pct", "dcr_pct", "pfs_median_months", "os_median_months"):
        arms[col] = arms[col].astype("float64")
    meas["value"] = meas["value"].astype("float64")
    meas["timepoint_months"] = meas["timepoint_months"].astype("float64")
    meas["not_reached"] = meas["not_reached"].astype(bool)
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
    return dict(source=src, line=e.line, text=reject_text(e.text), reason=e.reason, level="file")


# ------------------------------------------------------------------ atomic output folder
# The dataset is a set of files that must change together. They are written into a fresh
# sibling folder; that folder is then swapped with `out` in one step (renameat2 with
# RENAME_EXCHANGE on Linux), so at every instant `out` holds either the whole previous run or
# the whole new one. Where the swap is not available, `out` is moved aside and the new folder
# renamed in (two renames); a run killed between them leaves `.<out>.old-<pid>`, which the next
# run (or `recover_out`) moves back.
def write_atomic(out: Path, tables: dict) -> None:
    """Replace the dataset files in `out` by `tables` (name -> DataFrame), all or nothing.
    Other files in `out` (audit.html ...) are kept."""
    w = DatasetWriter(out)
    try:
        w.append(tables)
        w.commit()
    finally:
        w.discard()


class DatasetWriter:
    """Writes the dataset batch by batch into a staging folder beside `out`; `commit` swaps
    it in whole, `discard` (or a crash) leaves `out` as it was. Memory stays bounded by a
    batch, whatever the number of input files."""

    def __init__(self, out: Path):
        out = Path(os.path.realpath(out)) if Path(out).is_symlink() else Path(os.path.abspath(out))
        if out.exists() and not out.is_dir():
            raise InputError("output path exists and is not a folder", file=str(out))
        out.parent.mkdir(parents=True, exist_ok=True)
        recover_out(out)
        self.out = out
        self.stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-{os.getpid()}-", dir=out.parent))
        self.writers: dict = {}

    def append(self, tables: dict) -> None:
        """Append one batch: output name -> Arrow table (see to_arrow)."""
        import pyarrow.parquet as pq

        for name, table in tables.items():
            if name not in self.writers:
                self.writers[name] = pq.ParquetWriter(self.stage / f"{name}.parquet", table.schema)
            self.writers[name].write_table(table)

    def commit(self) -> None:
        slow = float(os.environ.get(SLOW_WRITE_ENV) or 0)
        for name, writer in self.writers.items():
            writer.close()
            with open(self.stage / f"{name}.parquet", "rb+") as fh:
                os.fsync(fh.fileno())
            if slow:
                time.sleep(slow)
        ours = {f"{name}.parquet" for name in self.writers} | {f"{name}.parquet" for name in OUTPUT_FILES}
        self.writers = {}
        out, stage = self.out, self.stage
        if not out.exists():
            os.chmod(stage, 0o777 & ~_umask())
            os.rename(stage, out)
            return
        for item in out.iterdir():  # carry over what is not ours
            if item.name not in ours and not (stage / item.name).exists():
                _link_tree(item, stage / item.name)
        os.chmod(stage, out.stat().st_mode & 0o7777)
        _swap_in(stage, out)

    def discard(self) -> None:
        for writer in self.writers.values():
            try:
                writer.close()
            except Exception:
                pass
        self.writers = {}
        if self.stage.exists():
            shutil.rmtree(self.stage, ignore_errors=True)


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m


def _link_tree(src: Path, dst: Path) -> None:
    def link(a, b):
        try:
            os.link(a, b)
        except OSError:
            shutil.copy2(a, b)
    if src.is_dir() and not src.is_symlink():
        shutil.copytree(src, dst, symlinks=True, copy_function=link)
    elif src.is_symlink():
        os.symlink(os.readlink(src), dst)
    else:
        link(src, dst)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False when unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    if fn(AT_FDCWD, os.fsencode(str(a)), AT_FDCWD, os.fsencode(str(b)), RENAME_EXCHANGE) == 0:
        return True
    import errno
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap_in(stage: Path, out: Path) -> None:
    """Put `stage` at `out`; afterwards `stage` holds the previous run (to be removed)."""
    if _exchange(stage, out):
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    os.rename(out, old)
    os.rename(stage, out)
    os.rename(old, stage)


def recover_out(out: Path) -> None:
    """Undo what a killed run may have left next to `out`: restore a moved-aside previous
    folder if `out` is missing, and remove staging folders of runs no longer alive."""
    parent = out.parent
    if not parent.is_dir():
        return
    for p in sorted(parent.glob(f".{out.name}.old-*")):
        if not out.exists() and not _alive(p.name.rsplit("-", 1)[-1]):
            os.rename(p, out)
    for p in parent.glob(f".{out.name}.new-*"):
        pid = p.name[len(f".{out.name}.new-"):].split("-", 1)[0]
        if not _alive(pid):
            shutil.rmtree(p, ignore_errors=True)


def _alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def extract(inputs: list[Path], out: Path, jobs: int = 1, keep_going: bool = False,
            progress=None) -> RunReport:
    """Run the pipeline over inputs and write the dataset to `out`.

    Raises InputError (bad input, nothing written unless keep_going) or
    schemas.models.SchemaFailure (nothing written). With keep_going, bad files are left out,
    listed in report.errors and in rejects.parquet (level "file"), and the rest is written."""
    t0 = time.perf_counter()
    files = discover(inputs)
    if not files:
        raise InputError("no supported input files (.txt, .md, .html, .htm, .pdf)",
                         file=", ".join(str(p) for p in inputs))
    report = RunReport(files=len(files), out=out)
    all_bad: list[InputError] = []
    good_files = 0
    done = 0
    writer: DatasetWriter | None = None
    batches = _batch_results(files, jobs, keep_going)
    try:
        for batch in batches:
            if batch.failure is not None:
                raise batch.failure
            if batch.bad and not keep_going:
                raise _first_error(batch.bad)
            all_bad += batch.bad
            good_files += batch.good_files
            if writer is None:
                writer = DatasetWriter(out)
            writer.append(dict(zip(OUTPUT_FILES, batch.tables)))
            arms, meas, _, narr, rej = batch.tables
            report.tables += batch.n_tables
            report.arms += arms.num_rows
            report.measures += meas.num_rows
            report.narrative += narr.num_rows
            report.rejects += rej.num_rows
            report.unexplained += batch.unexplained
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
    bad: list[InputError] = field(default_factory=list)
    failure: Exception | None = None      # a schema failure that stops the run


def extract_batch(files: list[Path], keep_going: bool) -> BatchResult:
    """Files -> validated frames of one batch (pure apart from reading the files)."""
    from schemas.models import SchemaFailure

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
    try:
        validated = _validated(results, out.bad, keep_going)
    except SchemaFailure as e:
        out.failure = e
        return out
    # converted here, in the worker that made them: the parent only writes
    out.tables = to_arrow(validated)
    narr = validated[OUTPUT_FILES.index("narrative")]
    out.unexplained = int((narr["rule"] == "no_rule").sum()) if len(narr) else 0
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


def _batch_results(files: list[Path], jobs: int, keep_going: bool):
    """BatchResults in input order, from this process or from `jobs` worker processes.

    Workers parse and validate whole batches, so the parent only writes; batches are smaller
    with workers (at least four per worker) so that the last one does not leave a CPU idle."""
    if jobs > 1 and len(files) > 1:
        size = max(1, min(BATCH_FILES, -(-len(files) // (jobs * 4))))
        batches = [files[i:i + size] for i in range(0, len(files), size)]
        from concurrent.futures import ProcessPoolExecutor
        from functools import partial
        _load_stages()
        ex = ProcessPoolExecutor(max_workers=min(jobs, len(batches)))
        try:
            yield from ex.map(partial(extract_batch, keep_going=keep_going), batches)
        finally:   # a run stopped by a bad file does not wait for the rest of the corpus
            ex.shutdown(wait=True, cancel_futures=True)
    else:
        for i in range(0, len(files), BATCH_FILES):
            yield extract_batch(files[i:i + BATCH_FILES], keep_going)


def _validated(results: list[FileResult], bad: list[InputError], keep_going: bool):
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
                                      file=r.source, line=_line_of(first)))
                results.remove(r)


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
