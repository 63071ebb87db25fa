"""Hostile input through the CLI (subprocess): a dataset or a one-line error, never a traceback.

Also: a batch with one bad file (with and without --keep-going), a run killed while writing
(SIGKILL) leaves the previous output whole, and the same input gives the same dataset.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile_corpus as hc  # noqa: E402

ROOT = hc.ROOT
DATASET = ("arms", "measures", "abbreviations", "narrative", "rejects")


def cli(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "extract", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})


def read_dataset(folder: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(folder / f"{name}.parquet") for name in DATASET}


def measure_keys(m: pd.DataFrame, a: pd.DataFrame) -> set:
    """Measures keyed by the row's content (ref, treatment), not its number: rows may shift."""
    arm = {r.row: (r.ref, " ".join((r.treatment if isinstance(r.treatment, str) else "").split()))
           for r in a.itertuples()}
    return {(arm[r.row], r.measure, " ".join(r.population.split()),
             None if pd.isna(r.value) else round(r.value, 3)) for r in m.itertuples()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, pd.DataFrame]:
    out = tmp_path_factory.mktemp("ref")
    p = cli(str(hc.REFERENCE), "--out", str(out))
    assert p.returncode == 0, p.stderr
    return read_dataset(out)


@pytest.fixture(scope="module")
def hostile_runs(tmp_path_factory):
    """Every corpus case run through the CLI once (two at a time)."""
    folder = tmp_path_factory.mktemp("hostile")
    cases = hc.build(folder / "in")

    def go(c):
        out = folder / "out" / c.name
        t0 = time.perf_counter()
        p = cli(str(c.path), "--out", str(out))
        return c.name, (c, p, out, time.perf_counter() - t0)

    with ThreadPoolExecutor(2) as ex:
        return dict(ex.map(go, cases))


CASE_NAMES = [c.name for c in hc.cases()]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_hostile_case(name, hostile_runs, reference):
    c, p, out, seconds = hostile_runs[name]
    assert "Traceback" not in p.stderr and "Traceback" not in p.stdout, p.stderr
    assert seconds < 60, f"{name} took {seconds:.0f}s"
    if not c.ok:
        assert p.returncode != 0
        errors = [ln for ln in p.stderr.splitlines() if ln.startswith("error:")]
        assert len(errors) == 1, p.stderr
        msg = errors[0]
        # one line naming the file, the line and the reason
        m = re.match(r"^error: (.+?):(\d+): (.+)$", msg)
        assert m, msg
        assert m.group(1) == str(c.path)
        assert c.reason.lower() in m.group(3).lower(), msg
        if c.line is not None:
            assert int(m.group(2)) == c.line, msg
        assert not out.exists() or not any(out.iterdir()), "a failed run wrote something"
        return
    assert p.returncode == 0, p.stderr
    ds = read_dataset(out)
    a, ms, rej = ds["arms"], ds["measures"], ds["rejects"]
    if c.arms is not None:
        assert len(a) == c.arms
    assert list(a["row"]) == list(range(1, len(a) + 1))
    line_rejects = rej[rej["level"] == "line"]
    for line, why in c.rejects:
        hit = rej[(rej["line"] == line) & rej["reason"].str.contains(why, regex=False)]
        assert len(hit) == 1, (line, why, rej.to_dict("records"))
    # no line is rejected that the case did not expect
    assert set(line_rejects["line"]) <= {line for line, _ in c.rejects}
    ref_keys = measure_keys(reference["measures"], reference["arms"])
    got_keys = measure_keys(ms, a)
    if c.same_measures:
        assert got_keys == ref_keys
    assert not ms["value"].gt(100).where(ms["unit"] == "%", False).any()
    assert not ms["value"].lt(0).any()


def test_invalid_utf8_keeps_other_rows(hostile_runs, reference):
    c, p, out, _ = hostile_runs["invalid_utf8_middle"]
    ds = read_dataset(out)
    bad_ref = hc.ref_lines()[14].split()[-1]          # the rejected row's reference number
    want = {k for k in measure_keys(reference["measures"], reference["arms"]) if k[0][0] != bad_ref}
    assert measure_keys(ds["measures"], ds["arms"]) == want


def test_tabs_keep_every_value(hostile_runs, reference):
    c, p, out, _ = hostile_runs["tabs"]
    ds = read_dataset(out)
    key = lambda m: {(r.row, r.measure, round(r.value, 3) if not pd.isna(r.value) else None)  # noqa: E731
                     for r in m.itertuples()}
    assert key(ds["measures"]) == key(reference["measures"])


def test_tab_inside_outcomes_cell_same_population():
    from pipeline.outcomes.freetext import parse_outcomes
    p = parse_outcomes("In all\tpatients, ORR, 7%; mPFS, 2.0\tmonths")
    assert {(m.measure, m.population) for m in p.measures} == {("orr", "all"), ("pfs_median", "all")}


def test_unknown_unit_is_not_a_measure(hostile_runs):
    c, p, out, _ = hostile_runs["unknown_unit"]
    ds = read_dataset(out)
    m, n = ds["measures"], ds["narrative"]
    assert not ((m["row"] == 3) & (m["measure"] == "pfs_median")).any()
    assert ((n["row"] == 3) & (n["text"] == "8.9")).any(), "the number must stay visible as narrative"


def test_impossible_values_never_land_in_measures(hostile_runs):
    ds = read_dataset(hostile_runs["orr_140"][2])
    row1 = ds["measures"][ds["measures"]["row"] == 1]
    assert not ((row1["measure"] == "orr") & (row1["value"] == 140)).any()
    assert ds["arms"].loc[ds["arms"]["row"] == 1, "orr_pct"].isna().all()
    rej = ds["rejects"]
    assert (rej["level"] == "value").sum() == 1 and rej["text"].iloc[0] == "140%"

    ds = read_dataset(hostile_runs["negative_months"][2])
    m, n = ds["measures"], ds["narrative"]
    assert not ((m["row"] == 1) & (m["measure"] == "pfs_median")).any(), "-3 months must not read as 3"
    assert ((n["row"] == 1) & (n["text"] == "3")).any()

    ds = read_dataset(hostile_runs["n_zero"][2])
    m = ds["measures"]
    assert not ((m["measure"] == "n") & (m["value"] < 1)).any()
    assert ((ds["rejects"]["level"] == "value") & ds["rejects"]["reason"].str.contains("patient count")).sum() == 1


# ------------------------------------------------------------------ inputs that once crashed a stage
# Found by fuzzing the reference; each made a later stage raise (fixed since). They must extract
# every row, and a crash in a stage would still be a one-line error, never a traceback.
def _ref_with(old: str, new: str, line: int = hc.FIRST_ROW_LINE) -> bytes:
    return hc._replace_in_row(line, old, new)


CRASHERS = {
    # freetext.py StopIteration: an unclosed parenthesis in the outcomes text
    "open_paren": _ref_with("In all patients,", "In all patients (large-cell NECs,"),
    # normalize/units.py KeyError '%': a landmark rate whose number lost its unit word
    "landmark_no_unit": _ref_with("mOS, 13.9 months. The 12-month", "mOS, 13Zk-month", line=18),
    # align.py score_cell('phase') AttributeError: a token that is only a Unicode space
    "lone_nbsp_token": _ref_with("1st II Mono", "1st II \u00a0 Mono"),
}


@pytest.mark.parametrize("name", sorted(CRASHERS))
def test_stage_crash_is_one_line_error(name, tmp_path):
    f = tmp_path / f"{name}.txt"
    f.write_bytes(CRASHERS[name])
    p = cli(str(f), "--out", str(tmp_path / "out"))
    assert "Traceback" not in p.stderr
    assert p.returncode == 0, p.stderr


@pytest.mark.parametrize("name", sorted(CRASHERS))
def test_stage_crash_inputs_extract(name, tmp_path):
    from pipeline.run import extract_file
    f = tmp_path / f"{name}.txt"
    f.write_bytes(CRASHERS[name])
    res = extract_file(f)
    assert len(res.arms) == hc.N_ROWS


# ------------------------------------------------------------------ batches
@pytest.fixture()
def batch(tmp_path):
    good1 = tmp_path / "in" / "good_a.txt"
    good2 = tmp_path / "in" / "good_b.txt"
    bad = tmp_path / "in" / "bad.txt"
    good1.parent.mkdir()
    good1.write_bytes(hc.REFERENCE.read_bytes())
    good2.write_bytes(hc.REFERENCE.read_bytes().replace(b"\n", b"\r\n"))
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    return tmp_path / "in", bad


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_batch_with_bad_file_writes_nothing(batch, tmp_path, jobs):
    folder, bad = batch
    out = tmp_path / "out"
    p = cli(str(folder), "--out", str(out), "--jobs", jobs)
    assert p.returncode == 1
    assert f"error: {bad}:1: not a text table: the file is a PNG image" in p.stderr
    assert "Traceback" not in p.stderr
    assert not out.exists()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_batch_keep_going_writes_good_and_reports_bad(batch, tmp_path, jobs):
    folder, bad = batch
    out = tmp_path / "out"
    p = cli(str(folder), "--out", str(out), "--keep-going", "--jobs", jobs)
    assert p.returncode == 0, p.stderr
    assert f"skipped: {bad}:1: not a text table" in p.stderr
    ds = read_dataset(out)
    assert sorted(ds["arms"]["source"].unique()) == ["good_a", "good_b"]
    rej = ds["rejects"]
    filerej = rej[rej["level"] == "file"]
    assert filerej[["source", "line"]].values.tolist() == [["bad", 1]]
    assert "PNG" in filerej["reason"].iloc[0]


def test_all_bad_with_keep_going_still_fails(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    p = cli(str(bad), "--out", str(tmp_path / "out"), "--keep-going")
    assert p.returncode == 1 and "empty file" in p.stderr and "Traceback" not in p.stderr


def test_missing_input_is_one_line(tmp_path):
    p = cli(str(tmp_path / "nope.txt"), "--out", str(tmp_path / "out"))
    assert p.returncode == 1 and "no such file" in p.stderr and "Traceback" not in p.stderr


# ------------------------------------------------------------------ atomic output
def _other_input(tmp_path: Path) -> Path:
    """The reference with one row less: a run on it gives a visibly different dataset."""
    p = tmp_path / "other" / "pmc10584733_table6.txt"
    p.parent.mkdir()
    lines = hc.ref_lines()
    del lines[hc.FIRST_ROW_LINE - 1]
    p.write_text("\n".join(lines), "utf-8")
    return p


def _wait_for_staging(folder: Path, proc, limit: float = 60.0) -> None:
    """Until the run's staging folder (".extracted…" beside --out) appears."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit and proc.poll() is None:
        if any(x.name.startswith(".extracted") for x in folder.iterdir()):
            return
        time.sleep(0.02)
    raise AssertionError("the run never started writing")


def test_killed_write_leaves_previous_output_whole(tmp_path, reference):
    out = tmp_path / "extracted"
    p = cli(str(hc.REFERENCE), "--out", str(out))
    assert p.returncode == 0, p.stderr
    (out / "audit.html").write_text("<p>kept</p>")
    before = {n: (out / f"{n}.parquet").read_bytes() for n in DATASET}
    other = _other_input(tmp_path)
    cmd = [sys.executable, "-m", "pipeline", "extract", str(other), "--out", str(out), "-q"]
    env = {**os.environ, "TRIALTABLES_TEST_SLOW_WRITE": "1.0"}
    # kill before the write, and at moments inside it: the write (5 files x 1 s) starts when
    # its staging folder appears beside --out, whatever the work before it took
    for delay in (None, 0.0, 1.5, 3.0, 4.5):
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if delay is None:
            time.sleep(0.3)
        else:
            _wait_for_staging(tmp_path, proc)
            time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = {n: (out / f"{n}.parquet").read_bytes() for n in DATASET}
        assert now == before, f"killed after {delay}s: output changed"
        assert len(read_dataset(out)["arms"]) == hc.N_ROWS
        assert (out / "audit.html").read_text() == "<p>kept</p>"
    # a run that is not killed replaces the whole set and keeps other files; the killed
    # runs' staging folders are cleaned up
    p = cli(str(other), "--out", str(out), "-q")
    assert p.returncode == 0, p.stderr
    assert len(read_dataset(out)["arms"]) == hc.N_ROWS - 1
    assert (out / "audit.html").read_text() == "<p>kept</p>"
    assert [x.name for x in tmp_path.iterdir() if x.name.startswith(".extracted")] == []


def test_kill_at_random_times_gives_old_or_new_set(tmp_path):
    """Whenever the kill lands, the folder holds one run's complete set, never a mix."""
    import random

    out = tmp_path / "extracted"
    assert cli(str(hc.REFERENCE), "--out", str(out), "-q").returncode == 0
    old = {n: (out / f"{n}.parquet").read_bytes() for n in DATASET}
    other = _other_input(tmp_path)
    env = {**os.environ, "TRIALTABLES_TEST_SLOW_WRITE": "0.05"}
    rng = random.Random(3)
    seen_new = None
    for _ in range(4):
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", "extract", str(other), "--out", str(out), "-q"],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.5, 3.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = {n: (out / f"{n}.parquet").read_bytes() for n in DATASET}
        ds = read_dataset(out)
        if len(ds["arms"]) == hc.N_ROWS:
            assert now == old
        else:
            assert len(ds["arms"]) == hc.N_ROWS - 1
            assert set(ds["measures"]["row"]) <= set(ds["arms"]["row"])
            seen_new = seen_new or now
            assert now == seen_new


def test_failed_run_keeps_old_output(tmp_path):
    out = tmp_path / "extracted"
    assert cli(str(hc.REFERENCE), "--out", str(out), "-q").returncode == 0
    before = {n: (out / f"{n}.parquet").read_bytes() for n in DATASET}
    p = cli(str(hc.REFERENCE), str(tmp_path / "nope.txt"), "--out", str(out))
    assert p.returncode == 1 and "nothing written" in p.stderr
    assert {n: (out / f"{n}.parquet").read_bytes() for n in DATASET} == before


# ------------------------------------------------------------------ determinism
def test_same_input_same_output(tmp_path):
    """Two runs over the same inputs (good files, a file with rejected lines, the PDF
    fixtures) give identical datasets."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "reference.txt").write_bytes(hc.REFERENCE.read_bytes())
    dup = next(c for c in hc.cases() if c.name == "duplicated_header")
    (inputs / dup.filename).write_bytes(dup.data)
    for pdf in sorted((ROOT / "tests" / "fixtures").glob("dev_*.pdf")):
        (inputs / pdf.name).write_bytes(pdf.read_bytes())
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        p = cli(str(inputs), "--out", str(out), "-q")
        assert p.returncode == 0, p.stderr
    da, db = read_dataset(a), read_dataset(b)
    for name in DATASET:
        pd.testing.assert_frame_equal(da[name], db[name], check_exact=True)
    assert len(da["arms"]) >= 2 * hc.N_ROWS and len(da["rejects"]) == 2
    # worker processes (each parses and validates a batch of files) change nothing either
    c = tmp_path / "c"
    p = cli(str(inputs), "--out", str(c), "-q", "--jobs", "2")
    assert p.returncode == 0, p.stderr
    dc = read_dataset(c)
    for name in DATASET:
        pd.testing.assert_frame_equal(da[name], dc[name], check_exact=True)


def test_schema_failure_crosses_process_boundary():
    """With --jobs, a batch's schema failure is raised in the parent from a pickled copy; it
    must still carry the failure table the error message is made from."""
    import pickle

    from schemas.models import SchemaFailure

    table = pd.DataFrame({"schema_context": ["Measures"], "column": ["value"], "check": ["in_range(0, 100)"],
                          "failure_case": [250.0], "index": [3]})
    back = pickle.loads(pickle.dumps(SchemaFailure(table)))
    assert isinstance(back, SchemaFailure) and str(back) == "schema validation failed"
    pd.testing.assert_frame_equal(back.table, table)


# ------------------------------------------------------------------ issue 17: values lost or invented
def test_dates_are_narrative_never_counts(hostile_runs):
    ds = read_dataset(hostile_runs["dates_after_outcomes"][2])
    m, n = ds["measures"], ds["narrative"]
    assert not (m["value"] >= 1900).any(), "a year read as a value"
    row1 = n[n["row"] == 1]
    assert set(row1.loc[row1["rule"] == "date", "text"]) == {"03.2021", "2021", "03", "04"}


def test_joined_row_is_rejected_not_merged(hostile_runs):
    ds = read_dataset(hostile_runs["two_rows_one_line"][2])
    a = ds["arms"]
    # neither trial's row holds the other's outcomes: the joined line is out, the rest intact
    assert not a["outcomes_text"].str.contains("Among 14 NECs", regex=False).any()
    assert not a["outcomes_text"].str.contains("Among 22 NECs", regex=False).any()
    assert a["ref"].tolist() == ["210", "213", "209", "214", "246", "247", "212", "243", "239", "208", "208",
                                 "234", "235", "236", "217"]


def test_markdown_counts_with_thousands_and_repeated_header(hostile_runs):
    ds = read_dataset(hostile_runs["md_repeated_header"][2])
    a, m = ds["arms"], ds["measures"]
    assert a["trial_id"].tolist() == ["NCT04100001", "NCT04100002", "NCT04100003", "NCT04100004"]
    assert a["n_total"].tolist() == [1234, 52, 2005, 18]
    n = m[m["measure"] == "n"]
    assert n["value_as_reported"].tolist() == ["1,234", "52", "2,005", "18"]


def test_superscript_mark_keeps_the_value(hostile_runs):
    ds = read_dataset(hostile_runs["superscript_marks"][2])
    m = ds["measures"]
    r3 = m[(m["row"] == 3) & (m["population"] == "all")]
    assert dict(zip(r3["measure"], r3["value"].round(3))) == {"n": 29.0, "orr": 3.4, "pfs_median": 2.047,
                                                                "os_median": 4.692}
    assert set(r3["evidence"]) >= {"3.4\u00b2%", "20.4\u00b3\u00a0weeks"}


def test_count_over_int64_is_a_value_reject(hostile_runs):
    ds = read_dataset(hostile_runs["count_over_int64"][2])
    a, rej = ds["arms"], ds["rejects"]
    assert a["n_total"].isna().tolist() == [True, False] and a["orr_pct"].tolist() == [11.5, 20.0]
    assert rej[["line", "level"]].values.tolist() == [[3, "value"]]
    assert "does not fit a 64-bit integer" in rej["reason"].iloc[0]


def test_joined_rows_in_a_1000_row_table(tmp_path):
    """40 lost line breaks in a table of 1,000 generated rows: each joined line is rejected,
    no arm holds two rows' outcomes, every other row is read."""
    from bench import make_corpus
    from pipeline.run import extract_file

    table = make_corpus.make_table(3, rows=1000)
    lines = table.render().split("\n")
    first = lines.index(make_corpus.HEADER) + 1
    body = lines[first:first + 1000]
    joined_at = set(range(10, 1000, 25))                 # 40 rows, each with the next one joined on
    out, expect_outcomes = [], []
    k = 0
    while k < len(body):
        if k in joined_at:
            out.append(body[k] + " " + body[k + 1])
            k += 2
        else:
            out.append(body[k])
            expect_outcomes.append(table.rows[k].outcomes_text)
            k += 1
    f = tmp_path / "long.txt"
    f.write_text("\n".join(lines[:first] + out + lines[first + 1000:]), "utf-8")
    res = extract_file(f)
    reasons = [r["reason"] for r in res.rejects]
    assert len(reasons) == 40 and all(r.startswith("two rows on one line") for r in reasons)
    assert [a["outcomes_text"] for a in res.arms] == expect_outcomes
