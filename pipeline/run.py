"""Wires the stages together; the only module that reads inputs and writes outputs.

file -> reader -> Grid -> arms + measures -> validated frames -> Parquet (atomic)
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError

SUPPORTED = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
             ".html": "html", ".htm": "html", ".pdf": "pdf"}
OUTPUT_FILES = ("arms", "measures", "abbreviations", "narrative")


@dataclass
class FileResult:
    source: str
    arms: list[dict] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)
    abbreviations: list[dict] = field(default_factory=list)
    narrative: list[dict] = field(default_factory=list)
    tables: int = 0


@dataclass
class RunReport:
    files: int = 0
    tables: int = 0
    arms: int = 0
    measures: int = 0
    narrative: int = 0
    unexplained: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    out: Path | None = None

    def summary(self) -> str:
        return (f"{self.files} file(s), {self.tables} table(s): {self.arms} arms, {self.measures} measures, "
                f"{self.narrative} numbers left as narrative ({self.unexplained} by no rule) "
                f"-> {self.out} in {self.seconds:.2f}s")


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


def read_grids(path: Path):
    """Read one input file into Grids (the only place inputs are read)."""
    from .table.align import text_table_to_grid

    kind = SUPPORTED.get(path.suffix.lower())
    source = path.stem
    if kind is None:
        raise InputError(f"unsupported file type {path.suffix or '(none)'!r}; "
                         f"supported: {', '.join(sorted(SUPPORTED))}", file=str(path))
    try:
        if kind == "pdf":
            from .readers.pdf import read_pdf
            return read_pdf(path)
        data = path.read_bytes()
        from .readers.decode import decode_text
        text = decode_text(data)
        if kind == "markdown":
            from .readers.markdown import markdown_to_grids
            return markdown_to_grids(source, text)
        if kind == "html":
            from .readers.html import html_to_grids
            return html_to_grids(source, text)
        from .readers.text import text_to_tables
        return [text_table_to_grid(t) for t in text_to_tables(source, text)]
    except InputError as e:
        raise e.with_file(str(path))
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", file=str(path)) from None


def extract_file(path: Path) -> FileResult:
    """One input file -> its rows (pure apart from reading the file)."""
    from .table.arms import grid_to_arms

    grids = read_grids(path)
    res = FileResult(source=path.stem, tables=len(grids))
    labels = [g.label for g in grids]
    for k, g in enumerate(grids):
        if labels.count(g.label) > 1:
            # two tables with the same (or no) label in one file: keep rows keyed apart
            from dataclasses import replace
            g = replace(g, label=f"{g.label or 'Table'} ({k + 1})")
        try:
            t = grid_to_arms(g)
        except InputError as e:
            raise e.with_file(str(path))
        res.arms += t.arms
        res.measures += t.measures
        res.narrative += t.narrative
        res.abbreviations += t.abbreviations
    if not res.arms:
        raise InputError("table has no data rows", file=str(path))
    return res


def _extract_safe(path: Path) -> FileResult | InputError:
    try:
        return extract_file(path)
    except InputError as e:
        return e
    except RecursionError:
        return InputError("input too deeply nested to parse", file=str(path))


# ------------------------------------------------------------------ outputs
def frames(results: list[FileResult]):
    import pandas as pd

    from schemas.models import ABBREVIATION_COLUMNS, ARM_COLUMNS, MEASURE_COLUMNS, NARRATIVE_COLUMNS

    def df(rows, cols):
        return pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)

    arms = df([a for r in results for a in r.arms], ARM_COLUMNS)
    meas = df([m for r in results for m in r.measures], MEASURE_COLUMNS)
    abbr = df([a for r in results for a in r.abbreviations], ABBREVIATION_COLUMNS)
    narr = df([n for r in results for n in r.narrative], NARRATIVE_COLUMNS)
    for col in ("line", "n_total", "page", "line_no"):
        arms[col] = arms[col].astype("Int64")
    arms["primary_endpoint_met"] = arms["primary_endpoint_met"].astype("boolean")
    for col in ("orr_pct", "dcr_pct", "pfs_median_months", "os_median_months"):
        arms[col] = arms[col].astype("float64")
    meas["value"] = meas["value"].astype("float64")
    meas["timepoint_months"] = meas["timepoint_months"].astype("float64")
    meas["not_reached"] = meas["not_reached"].astype(bool)
    return arms, meas, abbr, narr


def write_atomic(out: Path, tables: dict) -> None:
    """Write every table to a temporary file in `out`, then rename each into place, so a
    failed or killed run never leaves a half-written Parquet file."""
    out.mkdir(parents=True, exist_ok=True)
    tmps = {}
    try:
        for name, df in tables.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".parquet.tmp", dir=out)
            os.close(fd)
            df.to_parquet(tmp, index=False)
            tmps[name] = tmp
        for name, tmp in tmps.items():
            os.replace(tmp, out / f"{name}.parquet")
    finally:
        for tmp in tmps.values():
            if os.path.exists(tmp):
                os.unlink(tmp)


def extract(inputs: list[Path], out: Path, jobs: int = 1, keep_going: bool = False,
            progress=None) -> RunReport:
    """Run the pipeline over inputs and write the dataset to `out`.

    Raises InputError (bad input, nothing written unless keep_going) or
    schemas.models.SchemaFailure (nothing written)."""
    from schemas.models import validate_all

    t0 = time.perf_counter()
    files = discover(inputs)
    if not files:
        raise InputError("no supported input files (.txt, .md, .html, .htm, .pdf)",
                         file=", ".join(str(p) for p in inputs))
    report = RunReport(files=len(files), out=out)
    results: list[FileResult] = []
    if jobs > 1 and len(files) > 1:
        from concurrent.futures import ProcessPoolExecutor
        with ProcessPoolExecutor(max_workers=jobs) as ex:
            it = ex.map(_extract_safe, files, chunksize=max(1, len(files) // (jobs * 8)))
            outcomes = list(_progress(it, len(files), progress))
    else:
        outcomes = list(_progress((_extract_safe(f) for f in files), len(files), progress))
    for f, r in zip(files, outcomes):
        if isinstance(r, InputError):
            report.errors.append(str(r))
        else:
            results.append(r)
    if report.errors and not keep_going:
        raise InputError(report.errors[0] + (f" (and {len(report.errors) - 1} more bad file(s))"
                                              if len(report.errors) > 1 else ""))
    arms, meas, abbr, narr = frames(results)
    arms, meas, abbr, narr = validate_all(arms, meas, abbr, narr)
    write_atomic(out, {"arms": arms, "measures": meas, "abbreviations": abbr, "narrative": narr})
    report.tables = sum(r.tables for r in results)
    report.arms, report.measures, report.narrative = len(arms), len(meas), len(narr)
    report.unexplained = int((narr["rule"] == "no_rule").sum()) if len(narr) else 0
    report.seconds = time.perf_counter() - t0
    return report


def _progress(it, total: int, progress):
    for i, r in enumerate(it, 1):
        if progress is not None and (i % 100 == 0 or i == total) and total >= 100:
            progress(f"  {i}/{total} files")
        yield r


def eprint(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)
