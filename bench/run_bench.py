"""Throughput benchmark of the pipeline (`make bench`).

For each corpus scale (1x, 2x, 4x of --n files, made by bench/make_corpus.py in a temp dir),
in one run on the same corpus:

a. the pipeline end to end, files -> Parquet: `python -m pipeline extract DIR --out OUT
   [--jobs N]` as a subprocess; wall seconds, arms/s and measures/s (row counts read back
   from the Parquet files), peak RSS (largest single process, from wait4; and the whole
   process tree, sampled from /proc every 0.2 s, which is what --jobs N costs);
b. spaCy's `spacy.blank("en")` tokenizer alone over the same Key-outcomes texts (taken from the
   generator's own data, not parsed back), texts/s: the floor for a spaCy-based parser; the
   tokenizer followed by the project's compiled Matcher patterns and nothing else (the ceiling
   for any parser that runs those patterns over every text); and the pipeline's own outcome
   parser in process, if `pipeline.outcomes` exposes one;
c. a peer, quantulum3, over a sample of the same texts (installed into the running
   interpreter's environment by this script if missing; not a project dependency);
d. the PDF reader (`pipeline.readers.pdf.read_pdf`) over tests/fixtures/*.pdf, pages/s;
e. a cold `python -m pipeline extract raw/` on the repository's reference table, next to a fresh
   process that only imports the libraries the run needs (spaCy, pandas, pandera, pyarrow) and
   builds `spacy.blank("en")`: the floor under any cold start of this design.

Prints the figures, the ratios pipeline/tokenizer and pipeline/quantulum3 per outcome text,
how cost grows with the corpus, the issue's targets met or not, and writes all of it to
bench/RESULTS.md (overwritten by each run).

    .venv/bin/python bench/run_bench.py                     # 2000 files x (1, 2, 4), jobs 1 and 2
    .venv/bin/python bench/run_bench.py --n 50 --scales 1   # quick development run
    .venv/bin/python bench/run_bench.py --n 50 --scales 1 --profile   # + cProfile hotspots
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib
import inspect
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import make_corpus  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
QUANTULUM_SAMPLE = 200
PROFILE_FILES = 50
PAGE = os.sysconf("SC_PAGE_SIZE")

# the issue's targets
TARGET_TOKENIZER_RATIO = 0.60
TARGET_QUANTULUM_RATIO = 100.0
TARGET_JOBS_SPEEDUP = 1.8
TARGET_COLD_SECONDS = 1.5
TARGET_MEMORY_GROWTH = 1.10      # "flat": peak at the largest scale within 10% of the smallest scale's peak

# where and under which names to look, in order, for an in-process outcome parser f(text) -> measures
OUTCOME_MODULES = ("pipeline.outcomes", "pipeline.outcomes.freetext")
OUTCOME_FUNCTIONS = ("parse_outcomes", "extract_measures", "text_to_measures", "outcomes_to_measures",
                     "parse_text", "parse", "extract", "measures_from_text")


# --- machine ------------------------------------------------------------------------------------

def machine_info() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import spacy
        spacy_version = spacy.__version__
    except ImportError:
        spacy_version = "not installed"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, timeout=10).stdout.strip() or "none"
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    return {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "spacy": spacy_version,
        "platform": platform.platform(),
        "commit": commit,
    }


# --- processes and memory -----------------------------------------------------------------------

def _tree_rss(root_pid: int) -> int:
    """Resident bytes of `root_pid` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode("latin-1")
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * PAGE
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total


def run_measured(cmd: list[str], cwd: Path, sample_tree: bool = True) -> dict:
    """Run `cmd`; wall seconds, exit status, stderr tail, peak RSS of the largest process and of the tree."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak_tree = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not stop.is_set():
            peak_tree = max(peak_tree, _tree_rss(proc.pid))
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True) if sample_tree else None
    if sampler:
        sampler.start()
    out_chunks, err_chunks = [], []
    readers = [threading.Thread(target=lambda s=s, buf=buf: buf.append(s.read()), daemon=True)
               for s, buf in ((proc.stdout, out_chunks), (proc.stderr, err_chunks))]
    for r in readers:
        r.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    for r in readers:
        r.join()
    if sampler:
        sampler.join()
    return {
        "seconds": seconds,
        "rc": proc.returncode,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,   # the process and its waited-for workers
        "peak_mb": usage.ru_maxrss / 1024,          # KiB on Linux: the largest single process
        "peak_tree_mb": peak_tree / 2**20 if sample_tree else None,
        "stdout": b"".join(out_chunks).decode("utf-8", "replace"),
        "stderr": b"".join(err_chunks).decode("utf-8", "replace"),
    }


def _tail(text: str, lines: int = 6) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


# --- (a) the pipeline end to end ----------------------------------------------------------------

def parquet_rows(path: Path) -> int | None:
    if not path.exists():
        return None
    import pyarrow.parquet as pq
    return pq.read_metadata(path).num_rows


PIPELINE_MODULE = "pipeline"     # --module: run another module with the same CLI (to test this script)


PIPELINE_FLAGS: list[str] = []   # --keep-going passes through


def pipeline_command(inputs: list[str], out: Path, jobs: int) -> list[str]:
    cmd = [sys.executable, "-m", PIPELINE_MODULE, "extract", *inputs, "--out", str(out), *PIPELINE_FLAGS]
    if jobs != 1:
        cmd += ["--jobs", str(jobs)]
    return cmd


def loadavg() -> float | None:
    """1-minute load average: other work on the machine during a timing shows here."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def run_pipeline(corpus: Path, out: Path, jobs: int) -> dict:
    if out.exists():
        shutil.rmtree(out)
    load_before = loadavg()
    res = run_measured(pipeline_command([str(corpus)], out, jobs), cwd=ROOT)
    res["load"] = (load_before, loadavg())
    res["jobs"] = jobs
    res["rejects"] = parquet_rows(out / "rejects.parquet")
    res["arms"] = parquet_rows(out / "arms.parquet")
    res["measures"] = parquet_rows(out / "measures.parquet")
    res["abbreviations"] = parquet_rows(out / "abbreviations.parquet")
    res["ok"] = res["rc"] == 0 and res["arms"] is not None
    if res["ok"]:
        res["arms_per_s"] = res["arms"] / res["seconds"]
        res["measures_per_s"] = (res["measures"] or 0) / res["seconds"]
        res["arms_per_cpu_s"] = res["arms"] / res["cpu_seconds"] if res["cpu_seconds"] else None
    res["error"] = None if res["ok"] else (_tail(res["stderr"]) or f"exit {res['rc']}, no arms.parquet")
    return res


def pipeline_available() -> str | None:
    """None when `python -m pipeline` can be run, else why not."""
    if PIPELINE_MODULE == "pipeline" and not (ROOT / "pipeline" / "__main__.py").exists():
        return "pipeline/__main__.py does not exist yet"
    return None


def _fresh_processes(commands: list[list[str]]) -> dict:
    """Wall seconds of each command in a fresh process, in turn (first, best); stops at a failure."""
    times, error = [], None
    for cmd in commands:
        res = run_measured(cmd, cwd=ROOT, sample_tree=False)
        if res["rc"] != 0:
            error = _tail(res["stderr"])
            break
        times.append(res["seconds"])
    if not times:
        return {"error": error}
    return {"first": times[0], "best": min(times), "runs": len(times), "error": error}


def cold_start(raw: Path, tmp: Path, repeats: int = 3) -> dict | None:
    """Wall seconds of `python -m pipeline extract raw/` in fresh processes (first, best)."""
    if not raw.is_dir():
        return None
    return _fresh_processes([pipeline_command([str(raw)], tmp / f"cold{i}", 1) for i in range(repeats)])


IMPORT_FLOOR = "import spacy, pandas, pandera.pandas, pyarrow.parquet; spacy.blank('en')"


def import_floor(repeats: int = 3) -> dict:
    """Wall seconds of a fresh interpreter that only imports the run's libraries (first, best)."""
    return _fresh_processes([[sys.executable, "-c", IMPORT_FLOOR]] * repeats)


# --- (b) the tokenizer floor and the pipeline's outcome parser in process ----------------------

def tokenizer_throughput(texts: list[str], passes: int = 2) -> dict:
    """spaCy's blank English tokenizer over every text once, cold (a fresh `nlp` per pass, so no
    string cache carried over, like a pipeline run); the best of `passes` passes."""
    import spacy
    best = best_cpu = None
    for _ in range(passes):
        tokenizer = spacy.blank("en").tokenizer
        tokens = 0
        start, cpu_start = time.perf_counter(), time.process_time()
        for text in texts:
            tokens += len(tokenizer(text))
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        best = seconds if best is None else min(best, seconds)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    return {"texts": len(texts), "seconds": best, "texts_per_s": len(texts) / best,
            "tokens": tokens, "tokens_per_s": tokens / best, "passes": passes,
            "texts_per_cpu_s": len(texts) / best_cpu if best_cpu else None}


def matcher_ceiling(texts: list[str], passes: int = 2) -> dict | None:
    """spaCy's tokenizer and then the pipeline's Matcher (its patterns, compiled as the pipeline
    compiles them) over every text, nothing else: fresh objects per pass (cold string cache),
    best of `passes`. None when the pipeline exposes no `nlp_and_matcher`."""
    try:
        from pipeline.outcomes.freetext import nlp_and_matcher
    except Exception:                            # noqa: BLE001 - the package is in progress
        return None
    build = getattr(nlp_and_matcher, "__wrapped__", nlp_and_matcher)    # a fresh one, not the cached
    best = None
    matches = 0
    for _ in range(passes):
        nlp, matcher = build()
        tokenizer = nlp.tokenizer
        matches = 0
        start = time.perf_counter()
        for text in texts:
            matches += len(matcher(tokenizer(text)))
        seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
    try:
        from pipeline.outcomes.grammar.nlp import pattern_data
        patterns = len(pattern_data()["patterns"])
    except Exception:                            # noqa: BLE001 - a figure for the report only
        patterns = None
    return {"texts": len(texts), "seconds": best, "texts_per_s": len(texts) / best, "matches": matches,
            "rules": len(matcher), "patterns": patterns}


def find_outcome_function(spec: str | None):
    """The pipeline's in-process outcome parser: `module:function` or a known name in pipeline.outcomes."""
    if spec:
        module_name, _, name = spec.partition(":")
        return getattr(importlib.import_module(module_name), name), spec
    for module_name in OUTCOME_MODULES:
        try:
            module = importlib.import_module(module_name)
        except Exception:                        # noqa: BLE001 - anything: the package is in progress
            continue
        for name in OUTCOME_FUNCTIONS:
            fn = getattr(module, name, None)
            if callable(fn) and not inspect.isclass(fn):
                try:
                    params = [p for p in inspect.signature(fn).parameters.values()
                              if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
                except (TypeError, ValueError):
                    continue
                if len(params) == 1:
                    return fn, f"{module_name}.{name}"
    return None, None


def outcome_parser_throughput(texts: list[str], spec: str | None) -> dict | None:
    fn, name = find_outcome_function(spec)
    if fn is None:
        return None
    try:
        fn("In all patients, ORR was 10%; mPFS, 2.0\u00a0months")     # load models and patterns
        found = 0
        start = time.perf_counter()
        for text in texts:
            result = fn(text)
            try:
                found += len(getattr(result, "measures", result))
            except TypeError:
                pass
        seconds = time.perf_counter() - start
    except Exception as exc:                     # noqa: BLE001 - report, don't die
        return {"function": name, "error": f"{type(exc).__name__}: {exc}"}
    return {"function": name, "texts": len(texts), "seconds": seconds, "texts_per_s": len(texts) / seconds,
            "measures": found}


# --- (c) the peer: quantulum3 --------------------------------------------------------------------

def ensure_quantulum() -> str | None:
    """Import quantulum3, installing it into this interpreter's environment if missing; None or why not."""
    try:
        importlib.import_module("quantulum3")
        return None
    except ImportError:
        pass
    print("installing quantulum3 for the benchmark (not a project dependency) ...", flush=True)
    res = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "quantulum3"],
                         capture_output=True, text=True)
    if res.returncode != 0:
        return "pip install quantulum3 failed: " + _tail(res.stderr, 3)
    importlib.invalidate_caches()
    try:
        importlib.import_module("quantulum3")
    except ImportError as exc:
        return f"quantulum3 installed but not importable: {exc}"
    return None


def quantulum_throughput(texts: list[str]) -> dict:
    why = ensure_quantulum()
    if why:
        return {"error": why}
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # "classifier dependencies not installed"
        from quantulum3 import parser
        parser.parse("The warm-up text has 3 numbers: 4.5\u00a0months and 12%.")   # loads its data
        quantities = 0
        start = time.perf_counter()
        for text in texts:
            quantities += len(parser.parse(text))
        seconds = time.perf_counter() - start
    return {"texts": len(texts), "seconds": seconds, "texts_per_s": len(texts) / seconds,
            "quantities": quantities}


# --- (d) the PDF path ---------------------------------------------------------------------------

def pdf_throughput(fixtures: Path, min_seconds: float = 1.0, max_repeats: int = 20) -> dict:
    pdfs = sorted(fixtures.glob("*.pdf"))
    if not pdfs:
        return {"error": f"no PDF in {fixtures.relative_to(ROOT)}"}
    try:
        from pipeline.readers.pdf import read_pdf
    except Exception as exc:                     # noqa: BLE001
        return {"error": f"pipeline.readers.pdf.read_pdf not importable ({type(exc).__name__}: {exc})"}
    try:
        import pdfplumber
        pages = 0
        for path in pdfs:
            with pdfplumber.open(path) as pdf:
                pages += len(pdf.pages)
    except Exception as exc:                     # noqa: BLE001
        return {"error": f"cannot count pages: {exc}"}
    grids, repeats, seconds = 0, 0, 0.0
    try:
        read_pdf(pdfs[0])                        # imports
        while repeats < max_repeats and (seconds < min_seconds or repeats == 0):
            start = time.perf_counter()
            grids = sum(len(read_pdf(path)) for path in pdfs)
            seconds += time.perf_counter() - start
            repeats += 1
    except Exception as exc:                     # noqa: BLE001
        return {"error": f"read_pdf failed: {type(exc).__name__}: {exc}"}
    return {"files": len(pdfs), "pages": pages, "grids": grids, "repeats": repeats,
            "seconds": seconds / repeats, "pages_per_s": pages * repeats / seconds}


# --- (f) JATS articles ---------------------------------------------------------------------------

SAMPLES_JATS = ROOT.parent / "shared" / "samples" / "jats"
JATS_COPIES = 10      # each sample article copied this many times (under its own stem)


def jats_throughput(work: Path, copies: int = JATS_COPIES, jobs: tuple[int, ...] = (1, 2)) -> dict:
    """The XML path end to end: the shared sample articles copied `copies` times into a folder
    and into one PMC-style .tar.gz (read as a stream), articles/s and peak memory."""
    articles = sorted(SAMPLES_JATS.glob("*.xml")) if SAMPLES_JATS.is_dir() else []
    if not articles:
        return {"error": "../shared/samples/jats is absent"}
    import tarfile
    folder = work / "jats_corpus"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for k in range(copies):
        for a in articles:
            shutil.copy(a, folder / f"{a.stem}_{k}.xml")
    pkg = work / "jats_oa.tar.gz"
    with tarfile.open(pkg, "w:gz") as tf:
        for f in sorted(folder.iterdir()):
            tf.add(f, arcname=f"oa/{f.name}")
    n = len(articles) * copies
    runs = []
    for what, inp in (("folder", folder), ("tar.gz", pkg)):
        for j in jobs:
            out = work / f"jats_out_{what}_{j}"
            shutil.rmtree(out, ignore_errors=True)
            r = run_measured(pipeline_command([str(inp)], out, j), cwd=ROOT)
            ok = r["rc"] == 0
            runs.append({"input": what, "jobs": j, "ok": ok, "seconds": r["seconds"], "peak_mb": r["peak_mb"],
                         "peak_tree_mb": r["peak_tree_mb"], "articles_per_s": n / r["seconds"] if ok else None,
                         "arms": parquet_rows(out / "arms.parquet"), "error": None if ok else _tail(r["stderr"])})
            shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    pkg.unlink()
    return {"articles": n, "runs": runs}


# --- profile ------------------------------------------------------------------------------------

def profile_pipeline(corpus: Path, out: Path, prof: Path, top: int = 25) -> dict:
    """cProfile of one single-process run; the top functions by own time and by cumulative time."""
    cmd = [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", PIPELINE_MODULE, "extract", str(corpus),
           "--out", str(out)]
    res = run_measured(cmd, cwd=ROOT, sample_tree=False)
    if res["rc"] != 0 or not prof.exists():
        return {"error": _tail(res["stderr"]) or f"exit {res['rc']}"}
    import io
    import pstats
    report = {}
    for key in ("tottime", "cumulative"):
        buf = io.StringIO()
        stats = pstats.Stats(str(prof), stream=buf)
        stats.strip_dirs().sort_stats(key).print_stats(top)
        text = buf.getvalue()
        body = text[text.find("   ncalls"):] if "   ncalls" in text else text
        report[key] = body.rstrip()
    report["seconds"] = res["seconds"]
    return report


# --- report -------------------------------------------------------------------------------------

def _f(value, fmt: str = ",.0f", none: str = "n/a") -> str:
    return none if value is None else format(value, fmt)


def _load(r: dict) -> str:
    before, after = r.get("load") or (None, None)
    return f"{_f(before, '.1f')} / {_f(after, '.1f')}"


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "NOT met")


def render(results: dict) -> str:
    m, a = results["machine"], results["args"]
    lines = [
        "# Benchmark results",
        "",
        "Written by `bench/run_bench.py` (overwritten by each run; `make bench` runs it with the "
        "defaults). Corpus: `bench/make_corpus.py`, synthetic tables in the reference's pasted-text form.",
        "",
        f"- date: {m['date']}; commit: {m['commit']}",
        f"- machine: {m['nproc']} CPUs, {m['cpu']}; {m['platform']}",
        f"- Python {m['python']}, spaCy {m['spacy']}",
        f"- command: `{results['command']}`",
        f"- corpus: {a['n']} files x scales {a['scales']}, {a['rows']} data rows per file, seed {a['seed']}; "
        f"jobs {a['jobs']}",
    ]
    if a["n"] < make_corpus.DEFAULT_N:
        lines += ["", f"**Development run** (--n {a['n']} < {make_corpus.DEFAULT_N}): fixed start-up cost "
                  "weighs more than at full size; not the reference figures."]
    lines += ["", "## Pipeline end to end (files -> Parquet)", "",
              "| scale | files | arms | jobs | seconds | CPU s | arms/s | arms per CPU s | measures/s | measures / expected "
              "| peak MB (largest process) | peak MB (process tree) | s per 1k arms vs 1x | load before/after |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    base: dict[int, float] = {}
    for s in results["scales"]:
        for r in s["pipeline"]:
            if not r["ok"]:
                lines.append(f"| {s['scale']}x | {s['files']} | {s['arms_expected']} | {r['jobs']} | "
                             f"{r['seconds']:.2f} | {r['cpu_seconds']:.2f} | failed | | | | | | | {_load(r)} |")
                continue
            per_k = r["seconds"] / r["arms"] * 1000
            base.setdefault(r["jobs"], per_k)
            ratio_expected = (r["measures"] / s["measures_expected"]) if s["measures_expected"] else None
            lines.append(
                f"| {s['scale']}x | {s['files']} | {r['arms']:,} | {r['jobs']} | {r['seconds']:.2f} | "
                f"{r['cpu_seconds']:.2f} | {r['arms_per_s']:,.0f} | {_f(r['arms_per_cpu_s'])} | "
                f"{r['measures_per_s']:,.0f} | {_f(ratio_expected, '.2f')} | "
                f"{r['peak_mb']:.0f} | {_f(r['peak_tree_mb'], '.0f')} | {per_k / base[r['jobs']]:.2f} | {_load(r)} |")
    for s in results["scales"]:
        for r in s["pipeline"]:
            if r["ok"] and r.get("rejects"):
                lines += ["", f"{s['scale']}x, jobs {r['jobs']}: {r['rejects']:,} rows rejected (rejects.parquet)."]
    failures = [(s["scale"], r) for s in results["scales"] for r in s["pipeline"] if not r["ok"]]
    for scale, r in failures:
        lines += ["", f"Failed at {scale}x, jobs {r['jobs']}:", "", "```", r["error"] or "", "```"]
    if results.get("pipeline_unavailable"):
        lines += ["", f"Pipeline not run: {results['pipeline_unavailable']}."]

    lines += ["", "`measures / expected`: measures.parquet rows over the numbers the generator's templates "
              "state about outcomes (a yardstick, not gold). `s per 1k arms vs 1x`: cost per arm relative "
              "to the 1x corpus at the same jobs (1.00 = linear). `CPU s`: user + system time of the pipeline "
              "and its workers; arms per CPU second is the figure least disturbed by other work. `load`: the machine's 1-minute load average "
              f"before and after the run; above the run's own jobs it means other work shared the "
              f"{results['machine']['nproc']} CPUs and the figures are pessimistic.", "",
              "## Per outcome text", "",
              "| scale | texts | spaCy tokenizer texts/s | tokens/s | pipeline texts/s (e2e, jobs 1) "
              "| pipeline / tokenizer | same, per CPU second |",
              "|---|---|---|---|---|---|---|"]
    for s in results["scales"]:
        tok = s["tokenizer"]
        p1 = next((r for r in s["pipeline"] if r["jobs"] == 1 and r["ok"]), None)
        ratio = p1["arms_per_s"] / tok["texts_per_s"] if p1 else None
        cpu_ratio = (p1["arms_per_cpu_s"] / tok["texts_per_cpu_s"]
                     if p1 and p1.get("arms_per_cpu_s") and tok.get("texts_per_cpu_s") else None)
        lines.append(f"| {s['scale']}x | {tok['texts']:,} | {tok['texts_per_s']:,.0f} | {tok['tokens_per_s']:,.0f} | "
                     f"{_f(p1 and p1['arms_per_s'])} | {_f(ratio, '.2f')} | {_f(cpu_ratio, '.2f')} |")
    mc = results.get("matcher_ceiling")
    if mc:
        tok1 = results["scales"][0]["tokenizer"]
        lines += ["", f"Ceiling for any parser that runs the project's Matcher ({mc['rules']} labels, "
                  f"{mc.get('patterns') or '?'} patterns) over every "
                  f"outcome text (spaCy tokenizer + Matcher, nothing else, 1x texts): {mc['texts_per_s']:,.0f} texts/s, "
                  f"{mc['texts_per_s'] / tok1['texts_per_s']:.2f} of the tokenizer alone; {mc['matches']:,} matches."]
    op = results.get("outcome_parser")
    lines.append("")
    if op is None:
        lines.append("Pipeline's outcome parser in process: n/a (no one-argument parser found in pipeline.outcomes(.freetext); "
                     "pass --outcomes-fn module:function).")
    elif op.get("error"):
        lines.append(f"Pipeline's outcome parser in process (`{op['function']}`): failed: {op['error']}")
    else:
        tok1 = results["scales"][0]["tokenizer"]
        lines.append(f"Pipeline's outcome parser in process (`{op['function']}`, 1x texts): "
                     f"{op['texts_per_s']:,.0f} texts/s, {op['texts_per_s'] / tok1['texts_per_s']:.2f} of the "
                     f"tokenizer; {op['measures']:,} measures.")
    q = results.get("quantulum3") or {}
    lines.append("")
    if q.get("error"):
        lines.append(f"quantulum3: n/a ({q['error']})")
    elif q:
        p1 = next((r for r in results["scales"][0]["pipeline"] if r["jobs"] == 1 and r["ok"]), None)
        ratio = p1["arms_per_s"] / q["texts_per_s"] if p1 else None
        lines.append(f"quantulum3 (peer, {q['texts']} texts sampled from the 1x corpus): {q['texts_per_s']:,.1f} "
                     f"texts/s ({q['quantities']:,} quantities); pipeline / quantulum3 = "
                     f"{_f(ratio, ',.0f')}{'x' if ratio else ''} per outcome text.")
    pdf = results.get("pdf") or {}
    lines += ["", "## PDF path", ""]
    if not pdf:
        lines.append("n/a (not run)")
    elif pdf.get("error"):
        lines.append(f"n/a ({pdf['error']})")
    else:
        lines.append(f"`read_pdf` over {pdf['files']} fixture PDFs ({pdf['pages']} pages, {pdf['grids']} tables): "
                     f"{pdf['pages_per_s']:,.1f} pages/s ({pdf['seconds']:.3f} s per pass, {pdf['repeats']} passes).")
    jats = results.get("jats")
    lines += ["", "## JATS articles (XML path)", ""]
    if not jats:
        lines.append("n/a (not run)")
    elif jats.get("error"):
        lines.append(f"n/a ({jats['error']})")
    else:
        lines += [f"The {jats['articles'] // JATS_COPIES} shared sample articles x {JATS_COPIES} "
                  f"({jats['articles']} articles), end to end:", "",
                  "| input | jobs | seconds | articles/s | peak MB (process / tree) | arms |", "|---|---|---|---|---|---|"]
        for r in jats["runs"]:
            lines.append(f"| {r['input']} | {r['jobs']} | {r['seconds']:.2f} | {_f(r['articles_per_s'], ',.1f')} | "
                         f"{r['peak_mb']:.0f} / {_f(r['peak_tree_mb'])} | {_f(r['arms'])} |"
                         if r["ok"] else f"| {r['input']} | {r['jobs']} | failed: {r['error']} | | | |")
    cold = results.get("cold_start")
    lines += ["", "## Cold start", ""]
    if not cold:
        lines.append("n/a")
    elif "first" not in cold:
        lines.append(f"failed: {cold['error']}")
    else:
        lines.append(f"`python -m pipeline extract raw/` (the reference table), fresh process: first "
                     f"{cold['first']:.2f} s, best of {cold['runs']} {cold['best']:.2f} s.")
    floor = results.get("import_floor") or {}
    if "best" in floor:
        lines += ["", f"Floor: a fresh process that only runs `{IMPORT_FLOOR}`: first {floor['first']:.2f} s, "
                  f"best of {floor['runs']} {floor['best']:.2f} s."]

    lines += ["", "## Targets (issue 6)", "", "| target | figure | verdict |", "|---|---|---|"]
    for name, figure, ok in targets(results):
        lines.append(f"| {name} | {figure} | {_verdict(ok)} |")
    prof = results.get("profile")
    if prof:
        lines += ["", f"## Hotspots (cProfile, {PROFILE_FILES}-file corpus, jobs 1)", ""]
        if prof.get("error"):
            lines.append(f"failed: {prof['error']}")
        else:
            lines += [f"By own time (profiled run {prof['seconds']:.2f} s):", "", "```", prof["tottime"], "```", "",
                      "By cumulative time:", "", "```", prof["cumulative"], "```"]
    return "\n".join(lines) + "\n"


def targets(results: dict) -> list[tuple[str, str, bool | None]]:
    out = []
    s1 = results["scales"][0] if results["scales"] else None
    p1 = next((r for r in s1["pipeline"] if r["jobs"] == 1 and r["ok"]), None) if s1 else None
    if p1:
        ratio = p1["arms_per_s"] / s1["tokenizer"]["texts_per_s"]
        mc = results.get("matcher_ceiling")
        ceiling = (f" (tokenizer + the Matcher alone: {mc['texts_per_s'] / s1['tokenizer']['texts_per_s']:.2f})"
                   if mc else "")
        out.append((f"pipeline >= {TARGET_TOKENIZER_RATIO:.0%} of tokenizer-only, one core",
                    f"{ratio:.2f} at {s1['scale']}x{ceiling}", ratio >= TARGET_TOKENIZER_RATIO))
    else:
        out.append(("pipeline >= 60% of tokenizer-only, one core", "no run", None))
    q = results.get("quantulum3") or {}
    if p1 and q.get("texts_per_s"):
        ratio = p1["arms_per_s"] / q["texts_per_s"]
        out.append((f">= {TARGET_QUANTULUM_RATIO:.0f}x quantulum3 per outcome text", f"{ratio:,.0f}x",
                    ratio >= TARGET_QUANTULUM_RATIO))
    else:
        out.append((">= 100x quantulum3 per outcome text", "n/a", None))
    for jobs in results["args"]["jobs"]:
        runs = [(s["scale"], next((r for r in s["pipeline"] if r["jobs"] == jobs and r["ok"]), None))
                for s in results["scales"]]
        runs = [(k, r) for k, r in runs if r]
        if len(runs) >= 2:
            (k0, r0), (k1, r1) = runs[0], runs[-1]
            growth = r1["peak_tree_mb"] / r0["peak_tree_mb"]
            slope = (r1["peak_tree_mb"] - r0["peak_tree_mb"]) / (r1["arms"] - r0["arms"]) * 10_000
            out.append((f"memory flat in corpus size (jobs {jobs}, tree peak, <= {TARGET_MEMORY_GROWTH:.2f}x)",
                        f"{r0['peak_tree_mb']:.0f} MB at {k0}x -> {r1['peak_tree_mb']:.0f} MB at {k1}x "
                        f"({growth:.2f}x; {slope:+.0f} MB per 10k arms)", growth <= TARGET_MEMORY_GROWTH))
    for s in results["scales"]:
        by_jobs = {r["jobs"]: r for r in s["pipeline"] if r["ok"]}
        for jobs in sorted(by_jobs):
            if jobs > 1 and 1 in by_jobs:
                r = by_jobs[jobs]
                speedup = by_jobs[1]["seconds"] / r["seconds"]
                busy = r["cpu_seconds"] / r["seconds"]     # ~jobs when the workers had the CPUs to themselves
                note = (f"; CPU/wall {busy:.2f}: the workers did not get {jobs} CPUs (other work on the machine?)"
                        if busy < 0.75 * min(jobs, os.cpu_count() or 1) else f"; CPU/wall {busy:.2f}")
                out.append((f"--jobs {jobs} >= {TARGET_JOBS_SPEEDUP}x", f"{speedup:.2f}x at {s['scale']}x{note}",
                            speedup >= TARGET_JOBS_SPEEDUP if jobs == 2 else None))
    cold = results.get("cold_start") or {}
    floor = results.get("import_floor") or {}
    if "first" in cold:
        under = f" (libraries' imports alone: {floor['best']:.2f} s)" if "best" in floor else ""
        out.append((f"cold `extract raw/` <= {TARGET_COLD_SECONDS} s", f"{cold['first']:.2f} s first, "
                    f"{cold['best']:.2f} s best{under}", cold["first"] <= TARGET_COLD_SECONDS))
    else:
        out.append((f"cold `extract raw/` <= {TARGET_COLD_SECONDS} s", "n/a", None))
    return out


# --- main ---------------------------------------------------------------------------------------

def _ints(text: str) -> list[int]:
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}")
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers, got {text!r}")
    return values


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=make_corpus.DEFAULT_N, help="files at 1x (default 2000)")
    ap.add_argument("--scales", type=_ints, default=[1, 2, 4], help="corpus multiples (default 1,2,4)")
    ap.add_argument("--jobs", type=_ints, default=[1, 2], help="--jobs values to run (default 1,2)")
    ap.add_argument("--rows", type=int, default=make_corpus.DEFAULT_ROWS, help="data rows per file (default 17)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quantulum-sample", type=int, default=QUANTULUM_SAMPLE)
    ap.add_argument("--no-quantulum", action="store_true", help="skip the quantulum3 peer")
    ap.add_argument("--no-jats", action="store_true", help="skip the JATS articles (XML path) run")
    ap.add_argument("--outcomes-fn", default=None,
                    help="in-process outcome parser as module:function (default: look in pipeline.outcomes)")
    ap.add_argument("--profile", action="store_true",
                    help=f"also cProfile one run over a {PROFILE_FILES}-file corpus and report the hotspots")
    ap.add_argument("--results", type=Path, default=RESULTS, help="where to write the Markdown (default bench/RESULTS.md)")
    ap.add_argument("--keep", type=Path, default=None, help="keep corpora and outputs under this folder")
    ap.add_argument("--keep-going", action="store_true",
                    help="pass --keep-going to the pipeline (bad files are skipped, not fatal)")
    ap.add_argument("--module", default="pipeline", help=argparse.SUPPRESS)   # a stand-in CLI, to test this script
    args = ap.parse_args(argv)
    global PIPELINE_MODULE
    PIPELINE_MODULE = args.module
    if args.keep_going:
        PIPELINE_FLAGS.append("--keep-going")
    if args.n < 1:
        ap.error("--n must be >= 1")

    results: dict = {
        "machine": machine_info(),
        "command": " ".join(["bench/run_bench.py", *(argv if argv is not None else sys.argv[1:])]),
        "args": {"n": args.n, "scales": args.scales, "jobs": args.jobs, "rows": args.rows, "seed": args.seed},
        "scales": [],
        "pipeline_unavailable": pipeline_available(),
    }
    print(f"machine: {results['machine']['nproc']} CPUs, {results['machine']['cpu']}, Python "
          f"{results['machine']['python']}", flush=True)

    if not args.no_quantulum:                    # install before anything is timed
        why = ensure_quantulum()
        if why:
            results["quantulum3"] = {"error": why}

    work_ctx = tempfile.TemporaryDirectory(prefix="trialtables-bench-") if args.keep is None else None
    work = Path(work_ctx.name) if work_ctx else args.keep
    work.mkdir(parents=True, exist_ok=True)
    try:
        for scale in args.scales:
            files = args.n * scale
            corpus = work / f"corpus_{scale}x"
            if corpus.exists():
                shutil.rmtree(corpus)
            t0 = time.perf_counter()
            info = make_corpus.write_corpus(corpus, files, args.seed, args.rows,
                                            manifest=work / f"corpus_{scale}x.manifest.json")
            texts = [r.outcomes_text for t in make_corpus.make_tables(files, args.seed, args.rows) for r in t.rows]
            print(f"\n[{scale}x] {files} files, {info['arms']:,} arms generated in {time.perf_counter() - t0:.1f} s",
                  flush=True)
            entry = {"scale": scale, "files": files, "arms_expected": info["arms"],
                     "measures_expected": info["expected_measures"], "pipeline": []}
            if not results["pipeline_unavailable"]:
                for jobs in args.jobs:
                    r = run_pipeline(corpus, work / f"out_{scale}x_j{jobs}", jobs)
                    entry["pipeline"].append(r)
                    if r["ok"]:
                        print(f"  pipeline jobs {jobs}: {r['seconds']:.2f} s ({r['cpu_seconds']:.1f} CPU s), {r['arms']:,} arms "
                              f"({r['arms_per_s']:,.0f}/s), {r['measures']:,} measures ({r['measures_per_s']:,.0f}/s), "
                              f"peak {r['peak_mb']:.0f} MB process / {r['peak_tree_mb']:.0f} MB tree, "
                              f"load {r['load'][0]} -> {r['load'][1]}", flush=True)
                        if r["rejects"]:
                            print(f"  {r['rejects']:,} rows rejected (rejects.parquet)", flush=True)
                        if r["arms"] != info["arms"]:
                            print(f"  WARNING: {r['arms']:,} arms written, {info['arms']:,} generated", flush=True)
                    else:
                        print(f"  pipeline jobs {jobs}: FAILED after {r['seconds']:.2f} s\n{r['error']}", flush=True)
            entry["tokenizer"] = tok = tokenizer_throughput(texts)
            print(f"  spaCy tokenizer: {tok['texts_per_s']:,.0f} texts/s, {tok['tokens_per_s']:,.0f} tokens/s", flush=True)
            results["scales"].append(entry)
            if scale == args.scales[0]:
                results["matcher_ceiling"] = mc = matcher_ceiling(texts)
                if mc:
                    print(f"  tokenizer + Matcher: {mc['texts_per_s']:,.0f} texts/s "
                          f"({mc['texts_per_s'] / tok['texts_per_s']:.2f} of the tokenizer)", flush=True)
                results["outcome_parser"] = outcome_parser_throughput(texts, args.outcomes_fn)
                if not args.no_quantulum and "quantulum3" not in results:
                    step = max(1, len(texts) // args.quantulum_sample)
                    sample = texts[::step][:args.quantulum_sample]
                    results["quantulum3"] = quantulum_throughput(sample)
                    q = results["quantulum3"]
                    if "texts_per_s" in q:
                        print(f"  quantulum3: {q['texts_per_s']:,.1f} texts/s over {q['texts']} texts", flush=True)
            if args.keep is None:
                shutil.rmtree(corpus, ignore_errors=True)
                for r in entry["pipeline"]:
                    shutil.rmtree(work / f"out_{scale}x_j{r['jobs']}", ignore_errors=True)

        results["pdf"] = pdf_throughput(ROOT / "tests" / "fixtures")
        if not results["pipeline_unavailable"] and not args.no_jats:
            results["jats"] = jx = jats_throughput(work)
            for r in jx.get("runs", []):
                print(f"  JATS {r['input']} jobs {r['jobs']}: " + (
                    f"{r['articles_per_s']:,.1f} articles/s ({jx['articles']} articles, {r['seconds']:.2f} s, "
                    f"peak {r['peak_mb']:.0f} MB)" if r["ok"] else f"FAILED: {r['error']}"), flush=True)
            if jx.get("error"):
                print(f"  JATS: skipped ({jx['error']})", flush=True)
        if not results["pipeline_unavailable"]:
            results["cold_start"] = cold_start(ROOT / "raw", work)
            results["import_floor"] = import_floor()
            if args.profile:
                corpus = work / "corpus_profile"
                make_corpus.write_corpus(corpus, PROFILE_FILES, args.seed, args.rows,
                                         manifest=work / "corpus_profile.manifest.json")
                results["profile"] = profile_pipeline(corpus, work / "out_profile", work / "pipeline.prof")
    finally:
        if work_ctx:
            work_ctx.cleanup()

    text = render(results)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(text, encoding="utf-8")
    print("\n" + text)
    print(f"written to {args.results}")
    ok = all(r["ok"] for s in results["scales"] for r in s["pipeline"])
    return 0 if ok and not results["pipeline_unavailable"] else 1


if __name__ == "__main__":
    sys.exit(main())
