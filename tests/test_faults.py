"""Faults around the pipeline (issue 17): the input folder, the output folder, signals and
worker processes, the disk. Each case says what it must give: the dataset, a one-line
`error:` naming what and where (exit status 1), or a `skipped:` line; and never a deleted
file that is not the dataset's own.

File-system faults that need privileges (a full disk, a read-only mount, a volume mounted
at --out) are simulated by making the system call fail with its errno (monkeypatching), as
the store module would see them; tests that rely on file modes are skipped as root.
"""
from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile_corpus as hc  # noqa: E402

from pipeline import cli, inputs, run, store  # noqa: E402
from pipeline.errors import InputError  # noqa: E402

ROOT = hc.ROOT
DATASET = ("arms", "measures", "abbreviations", "narrative", "rejects", "documents")
ROOT_USER = os.geteuid() == 0


def extract_cli(*args: str, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "extract", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, **kw)


def error_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.startswith("error:")]


def one_error(p, code: int = 1) -> str:
    assert p.returncode == code, (p.returncode, p.stderr)
    assert "Traceback" not in p.stderr, p.stderr
    errs = error_lines(p.stderr)
    assert len(errs) == 1, p.stderr
    return errs[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def staging_left(parent: Path) -> list[str]:
    found = [p.name for p in parent.iterdir() if p.name.startswith(".") and (".new-" in p.name or ".old-" in p.name)]
    for d in parent.iterdir():
        if d.is_dir():
            found += [f"{d.name}/{p.name}" for p in d.iterdir() if p.name.startswith(store.IN_PLACE_PREFIX)
                      or p.name == store.JOURNAL]
    return found


def in_process(args: list[str], capsys) -> tuple[int, str, str]:
    code = cli.main(["extract", *args, "-q"])
    got = capsys.readouterr()
    return code, got.out, got.err


@pytest.fixture()
def ref_input(tmp_path) -> Path:
    p = tmp_path / "in" / "reference.txt"
    p.parent.mkdir()
    p.write_bytes(hc.REFERENCE.read_bytes())
    return p


# ------------------------------------------------------------------ the input folder
def test_links_and_fifos_in_a_folder_are_reported(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes(hc.REFERENCE.read_bytes())
    os.symlink("loop.txt", folder / "loop.txt")
    os.symlink("gone.txt", folder / "dangling.txt")
    os.mkfifo(folder / "pipe.md")
    (folder / "notes.bin").write_bytes(b"\x00")         # unsupported suffix: left out without a word
    p = extract_cli(str(folder), "--out", str(tmp_path / "out"), timeout=60)
    assert p.returncode == 0, p.stderr
    skipped = [ln for ln in p.stderr.splitlines() if ln.startswith("skipped:")]
    assert skipped == [f"skipped: {folder / 'dangling.txt'}: dangling symbolic link (to gone.txt)",
                       f"skipped: {folder / 'loop.txt'}: symbolic link loop",
                       f"skipped: {folder / 'pipe.md'}: a FIFO (named pipe), not a file"]
    assert len(pd.read_parquet(tmp_path / "out" / "arms.parquet")) == hc.N_ROWS


@pytest.mark.parametrize("what", ["fifo", "dev_zero", "loop"])
def test_input_that_is_not_a_file_is_one_line_and_never_hangs(tmp_path, what):
    f = tmp_path / "x.txt"
    if what == "fifo":
        os.mkfifo(f)
        want = "a FIFO (named pipe), not a file"
    elif what == "dev_zero":
        os.symlink("/dev/zero", f)
        want = "a device, not a file"
    else:
        os.symlink("x.txt", f)
        want = "symbolic link loop"
    p = extract_cli(str(f), "--out", str(tmp_path / "out"), timeout=60)
    assert one_error(p) == f"error: {f}: {want}"
    assert not (tmp_path / "out").exists()


def test_input_over_the_size_limit_is_one_line(tmp_path):
    f = tmp_path / "huge.txt"
    with open(f, "wb") as fh:                 # sparse: no real disk used
        fh.truncate(inputs.MAX_INPUT_BYTES + 1)
    p = extract_cli(str(f), "--out", str(tmp_path / "out"), timeout=60)
    assert one_error(p) == (f"error: {f}: file too large: {inputs.MAX_INPUT_BYTES + 1:,} bytes "
                            f"(the limit is {inputs.MAX_INPUT_BYTES:,})")


def test_unreadable_input_folder(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "in"
    folder.mkdir()

    def denied(self):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))
    monkeypatch.setattr(Path, "iterdir", denied)
    code, _, err = in_process([str(folder), "--out", str(tmp_path / "out")], capsys)
    assert code == 1
    assert error_lines(err) == [f"error: {folder}: cannot read the folder: Permission denied"]


def test_newline_in_a_file_name_stays_one_line(tmp_path):
    f = tmp_path / "two\nlines.txt"
    f.write_bytes(b"")
    p = extract_cli(str(f), "--out", str(tmp_path / "out"))
    assert one_error(p) == f"error: {tmp_path}/two\\nlines.txt:1: empty file: no text"


def test_keep_going_keeps_good_files_beside_a_bad_name_and_an_overflow(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes(hc.REFERENCE.read_bytes())
    (folder / "overflow.md").write_bytes(next(c for c in hc.cases() if c.name == "count_over_int64").data)
    bad = os.fsencode(folder) + b"/bad\xffname.txt"
    with open(bad, "wb") as fh:
        fh.write(hc.REFERENCE.read_bytes())
    p = extract_cli(str(folder), "--out", str(tmp_path / "out"), "--keep-going")
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr
    assert [ln for ln in p.stderr.splitlines() if ln.startswith("skipped:")] == [
        f"skipped: {folder}/bad\\xffname.txt: file name is not valid UTF-8 (its stem is the dataset's "
        f"`source`): rename the file"]
    a = pd.read_parquet(tmp_path / "out" / "arms.parquet")
    assert a.groupby("source").size().to_dict() == {"good": hc.N_ROWS, "overflow": 2}
    rej = pd.read_parquet(tmp_path / "out" / "rejects.parquet")
    assert rej[rej["level"] == "file"]["source"].tolist() == ["bad\\xffname"]


def test_stdout_closed_after_the_write(tmp_path, ref_input):
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "extract", str(ref_input), "--out", str(out)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()                       # `| head -0`: the reader is gone before the summary
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err
    assert len(pd.read_parquet(out / "arms.parquet")) == hc.N_ROWS


# ------------------------------------------------------------------ the output folder
def test_out_whose_parent_is_a_file(tmp_path, ref_input):
    (tmp_path / "afile").write_text("x")
    out = tmp_path / "afile" / "out"
    p = extract_cli(str(ref_input), "--out", str(out))
    assert one_error(p) == f"error: {out}: cannot write the dataset: a parent of the output path is not a folder"
    assert (tmp_path / "afile").read_text() == "x"


@pytest.mark.parametrize("err,want", [(errno.ENOSPC, "disk full"), (errno.EROFS, "read-only file system"),
                                      (errno.EDQUOT, "disk quota exceeded")])
def test_disk_faults_while_writing(tmp_path, ref_input, monkeypatch, capsys, err, want):
    out = tmp_path / "out"
    assert cli.main(["extract", str(ref_input), "--out", str(out), "-q"]) == 0
    (out / "mine.txt").write_text("user file")
    before = snapshot(out)
    import pyarrow.parquet as pq

    def failing(self, table, *a, **kw):
        raise OSError(err, os.strerror(err))
    monkeypatch.setattr(pq.ParquetWriter, "write_table", failing)
    code, _, errout = in_process([str(ref_input), "--out", str(out)], capsys)
    assert code == 1
    lines = error_lines(errout)
    assert lines == [f"error: {out}: cannot write the dataset: {want}"], errout
    assert snapshot(out) == before
    assert staging_left(tmp_path) == []


def test_read_only_output_parent_simulated(tmp_path, ref_input, monkeypatch, capsys):
    """A new --out in a folder this user may not write (EACCES / EROFS on creating it)."""
    import tempfile

    def denied(*a, **kw):
        raise OSError(errno.EROFS, "Read-only file system", kw.get("dir") or a[-1])
    monkeypatch.setattr(tempfile, "mkdtemp", denied)
    out = tmp_path / "out"
    code, _, err = in_process([str(ref_input), "--out", str(out)], capsys)
    assert code == 1
    assert error_lines(err) == [f"error: {out}: cannot write the dataset: read-only file system"]
    assert not out.exists()


@pytest.mark.skipif(ROOT_USER, reason="root ignores file modes")
def test_read_only_output_folder(tmp_path, ref_input):
    out = tmp_path / "out"
    assert extract_cli(str(ref_input), "--out", str(out)).returncode == 0
    before = snapshot(out)
    os.chmod(tmp_path, 0o555)
    os.chmod(out, 0o555)
    try:
        msg = one_error(extract_cli(str(ref_input), "--out", str(out)))
        assert "permission denied" in msg
    finally:
        os.chmod(tmp_path, 0o755)
        os.chmod(out, 0o755)
    assert snapshot(out) == before


def _user_tree(out: Path) -> Path:
    """`out` with the user's own things in it: a file, a link, and a folder standing for a
    file system mounted inside `out`."""
    (out / "notes.txt").write_text("mine")
    os.symlink("notes.txt", out / "link.txt")
    mnt = out / "volume"
    mnt.mkdir()
    (mnt / "data.csv").write_text("a,b\n1,2\n")
    (mnt / "deep").mkdir()
    (mnt / "deep" / "x.bin").write_bytes(b"\x01\x02")
    return mnt


def test_folder_inside_out_is_never_copied_or_deleted(tmp_path, ref_input):
    out = tmp_path / "out"
    assert extract_cli(str(ref_input), "--out", str(out)).returncode == 0
    mnt = _user_tree(out)
    ino = mnt.stat().st_ino
    user = {k: v for k, v in snapshot(out).items() if not k.endswith(".parquet")}
    other = tmp_path / "other" / "reference.txt"
    other.parent.mkdir()
    lines = hc.ref_lines()
    del lines[hc.FIRST_ROW_LINE - 1]
    other.write_text("\n".join(lines), "utf-8")
    p = extract_cli(str(other), "--out", str(out))
    assert p.returncode == 0, p.stderr
    assert mnt.stat().st_ino == ino, "the mounted folder was moved or copied"
    assert {k: v for k, v in snapshot(out).items() if not k.endswith(".parquet")} == user
    assert os.readlink(out / "link.txt") == "notes.txt"
    assert len(pd.read_parquet(out / "arms.parquet")) == hc.N_ROWS - 1
    assert staging_left(tmp_path) == []


@pytest.mark.parametrize("err", [errno.EBUSY, errno.EXDEV])
def test_mount_point_as_out(tmp_path, ref_input, monkeypatch, capsys, err):
    """A container volume as --out: renaming the folder itself fails (EBUSY, EXDEV). The files
    are replaced inside it; nothing of the user's is touched."""
    out = tmp_path / "out"
    assert cli.main(["extract", str(ref_input), "--out", str(out), "-q"]) == 0
    (out / "notes.txt").write_text("mine")
    real_rename = os.rename

    def no_rename_of_out(a, b, *rest, **kw):
        if os.path.abspath(b) == str(out) or os.path.abspath(a) == str(out):
            raise OSError(err, os.strerror(err), str(out))
        return real_rename(a, b, *rest, **kw)

    def no_exchange(a, b):
        raise OSError(err, os.strerror(err), str(b))
    monkeypatch.setattr(os, "rename", no_rename_of_out)
    monkeypatch.setattr(store, "_exchange", no_exchange)
    other = tmp_path / "b.txt"
    other.write_bytes(hc.REFERENCE.read_bytes().replace(b"Avelumab (Avel)", b"Avelumab (AVL)"))
    code, _, errout = in_process([str(other), "--out", str(out)], capsys)
    assert code == 0, errout
    assert (out / "notes.txt").read_text() == "mine"
    a = pd.read_parquet(out / "arms.parquet")
    assert a["source"].unique().tolist() == ["b"] and a["agent"].iloc[0] == "Avelumab (AVL)"
    assert sorted(p.name for p in out.iterdir()) == sorted(["notes.txt", *(f"{n}.parquet" for n in DATASET)])
    assert staging_left(tmp_path) == []


def test_in_place_replacement_is_all_or_nothing(tmp_path, monkeypatch):
    """Killed before its journal: the previous set stays. Killed after it, between two file
    renames: the next run finishes the new set before anything else."""
    import pyarrow as pa

    out = tmp_path / "out"
    out.mkdir()
    (out / "sub").mkdir()                     # forces the in-place way
    names = ("a", "b", "c")

    def write(tag: str):
        w = store.DatasetWriter(out, names)
        assert w.in_place
        w.append({n: pa.table({"v": [f"{tag}-{n}"]}) for n in names})
        return w

    def values():
        return {n: pd.read_parquet(out / f"{n}.parquet")["v"].iloc[0] for n in names}

    w = write("old")
    w.commit()
    w.discard()
    assert values() == {n: f"old-{n}" for n in names}

    class Killed(BaseException):
        pass

    # killed while syncing, before the journal
    w = write("new")
    monkeypatch.setattr(store, "_replace_files", lambda *a: (_ for _ in ()).throw(Killed()))
    with pytest.raises(Killed):
        w.commit()
    monkeypatch.undo()
    # (no discard: the process died) the next run removes the dead stage... after the pid is gone
    monkeypatch.setattr(store, "_alive", lambda pid: False)
    store.recover_out(out, {f"{n}.parquet" for n in names})
    assert values() == {n: f"old-{n}" for n in names}
    assert staging_left(tmp_path) == []

    # killed after the journal, with one file replaced
    w = write("new")
    real_replace, calls = os.replace, []

    def dies_after_one(a, b):
        if str(b).endswith(".parquet"):
            calls.append(b)
            if len(calls) == 2:
                raise Killed()
        return real_replace(a, b)
    monkeypatch.setattr(os, "replace", dies_after_one)
    with pytest.raises(Killed):
        w.commit()
    monkeypatch.setattr(os, "replace", real_replace)
    mixed = values()
    assert mixed["a"] == "new-a" and mixed["b"] == "old-b"
    w.discard()                                # a committed stage is not discarded
    store.DatasetWriter(out, names).discard()  # the next run rolls forward first
    assert values() == {n: f"new-{n}" for n in names}
    assert staging_left(tmp_path) == []
    assert (out / "sub").is_dir()


@pytest.mark.skipif(not ROOT_USER, reason="changing a file's owner needs root")
def test_run_by_another_user_keeps_the_owner(tmp_path, ref_input):
    out = tmp_path / "out"
    out.mkdir()
    os.chown(out, 4321, 4321)
    p = extract_cli(str(ref_input), "--out", str(out))
    assert p.returncode == 0, p.stderr
    assert (out.stat().st_uid, out.stat().st_gid) == (4321, 4321)
    assert {(f.stat().st_uid, f.stat().st_gid) for f in out.iterdir()} == {(4321, 4321)}


def test_store_replaces_the_old_atomic_helpers():
    assert not hasattr(run, "write_atomic") and not hasattr(store, "write_atomic")
    assert not hasattr(run, "_swap_in") and run.DatasetWriter is store.DatasetWriter


# ------------------------------------------------------------------ signals and worker processes
def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _many_inputs(tmp_path: Path, n: int = 96) -> Path:
    """Enough files that a run with two workers outlasts the signal (12 files were done in
    about 0.3 s once the run got faster, so SIGTERM could land after the handler was gone)."""
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(n):
        (folder / f"t{i:02d}.txt").write_bytes(hc.REFERENCE.read_bytes())
    return folder


def _wait_for_workers(proc, n: int = 2, limit: float = 90) -> list[int]:
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit and proc.poll() is None:
        kids = _children(proc.pid)
        if len(kids) >= n:
            time.sleep(0.5)                   # into the work, not the start-up
            return kids
        time.sleep(0.05)
    raise AssertionError("the workers never started")


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_sigterm_ends_workers_and_removes_staging(tmp_path):
    folder = _many_inputs(tmp_path)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "extract", str(folder), "--out", str(out),
                             "--jobs", "2"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    kids = _wait_for_workers(proc)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == cli.EXIT["terminated"], err
    assert "Traceback" not in err, err
    assert err.strip().splitlines()[-1] == f"terminated: nothing written to {out}"
    t0 = time.monotonic()
    while any(_alive(k) for k in kids) and time.monotonic() - t0 < 10:
        time.sleep(0.1)
    assert not any(_alive(k) for k in kids), "a worker outlived the run"
    assert not out.exists() and staging_left(tmp_path) == []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_worker_killed_is_one_line_naming_its_files(tmp_path):
    folder = _many_inputs(tmp_path)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "extract", str(folder), "--out", str(out),
                             "--jobs", "2"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    kids = _wait_for_workers(proc)
    os.kill(kids[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    errs = error_lines(err)
    assert len(errs) == 1, err
    m = re.match(rf"^error: {re.escape(str(folder))}/(t\d\d\.txt): a worker process died \(killed, or out of "
                 rf"memory\) while reading this batch of (\d+) file\(s\): (.+)$", errs[0])
    assert m, errs[0]
    assert m.group(3).split(", ")[0] == m.group(1)
    assert not out.exists() and staging_left(tmp_path) == []
    t0 = time.monotonic()
    while any(_alive(k) for k in kids) and time.monotonic() - t0 < 10:
        time.sleep(0.1)
    assert not any(_alive(k) for k in kids)


def test_worker_initializer_sets_parent_death_signal():
    """The worker asks the kernel for SIGKILL when its parent dies (checked in a child)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux")
    code = ("import ctypes, signal, sys; from pipeline import pool; pool.worker_init(); "
            "v = ctypes.c_int(); ctypes.CDLL(None).prctl(2, ctypes.byref(v)); "
            "sys.exit(0 if v.value == signal.SIGKILL else 1)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60).returncode == 0


# ------------------------------------------------------------------ errors in the FILE:LINE form
def test_schema_failure_is_file_line(tmp_path, ref_input, monkeypatch, capsys):
    from schemas import models

    real = models.validate_all

    def failing(arms, *rest):
        table = pd.DataFrame({"schema_context": ["Arms"], "column": ["phase"], "check": ["isin(I, II)"],
                              "failure_case": ["V"], "index": [2], "table": ["arms"],
                              "source": ["reference"], "row": [3]})
        if len(arms):
            raise models.SchemaFailure(table)
        return real(arms, *rest)
    monkeypatch.setattr(models, "validate_all", failing)
    code, _, err = in_process([str(ref_input), "--out", str(tmp_path / "out")], capsys)
    assert code == 1
    assert error_lines(err) == [f"error: {ref_input}:11: output failed schema validation: row 3: arms.phase "
                                f"fails isin(I, II): V"]


def test_pdf_glyph_codes_are_an_error(tmp_path, monkeypatch):
    from pipeline.model import Cell, Grid, GridRow
    from pipeline.readers import pdf

    grid = Grid(source="damaged", label="Table 1", title=None, header=("Trial", "Treatment", "ORR (%)"),
                rows=(GridRow(cells=(Cell("NCT04300001", 4), Cell("Zanu(cid:1)+(cid:1)chemo", 4), Cell("12", 4)),
                              line=4),),
                legend=None, notes=(), header_line=3)
    monkeypatch.setattr(pdf, "read_pdf_document", lambda path: ([grid], []))
    f = tmp_path / "damaged.pdf"
    f.write_bytes(b"%PDF-1.4\n%fake\n")
    with pytest.raises(InputError) as e:
        run.extract_file(f)
    assert str(e.value) == (f"{f}:4: the PDF's text is not readable: 1 cell(s) hold glyph codes such as "
                            f"'(cid:1)' (its fonts have no usable ToUnicode map)")
