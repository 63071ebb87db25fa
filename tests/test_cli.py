"""The command line (pipeline/cli.py): version, help without heavy imports, a closed stdout,
the exit-code table, and `make diff` after a change."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from pipeline import __version__
from pipeline.cli import EXIT, USAGE


def cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT,
                          capture_output=True, text=True, **kw)


def test_version() -> None:
    assert cli("--version").stdout == f"trialtables {__version__}\n"


@pytest.mark.parametrize("command", ["diff", "audit", "extract"])
def test_help_imports_no_heavy_library(command: str) -> None:
    probe = ("import sys\nfrom pipeline.cli import main\ntry:\n    main([%r, '--help'])\n"
             "except SystemExit:\n    pass\n"
             "print(sorted(m for m in ('pandas', 'pyarrow', 'spacy', 'pandera') "
             "if m in sys.modules), file=sys.stderr)") % command
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.stderr == "[]\n"
    assert done.stdout.startswith(f"usage: python -m pipeline {command}")


@pytest.mark.parametrize("args", [["--help"], ["diff", "--help"], ["--version"]])
def test_closed_stdout_is_no_traceback(args: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)                       # the reader is gone before anything is written
    try:
        done = subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT,
                              stdout=write, stderr=subprocess.PIPE, text=True)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (0, "")


def test_a_long_diff_into_a_closed_pipe_is_no_error(tmp_path: Path) -> None:
    import pandas as pd
    import synthetic_dataset as synth
    old, new = synth.dataset(), synth.dataset()
    new["abbreviations"] = pd.DataFrame({"source": "synth", "origin": "legend", "long": "x",
                                         "short": [f"A{k}" for k in range(3000)]})
    synth.write(tmp_path / "old", old)
    synth.write(tmp_path / "new", new)
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run([sys.executable, "-m", "pipeline", "diff", str(tmp_path / "old"),
                               str(tmp_path / "new")], cwd=ROOT, stdout=write,
                              stderr=subprocess.PIPE, text=True)
    finally:
        os.close(write)
    assert done.stderr == ""


def test_usage_errors_exit_2() -> None:
    assert cli().returncode == EXIT["usage"] == 2
    bad = cli("nonsense")
    assert (bad.returncode, bad.stderr.splitlines()[0]) == (2, "error: unknown command 'nonsense'")
    assert cli("diff", "--no-such-flag").returncode == 2
    old_form = cli("audit", "--out", "extracted/audit.html")
    assert (old_form.returncode, old_form.stderr.count("\n")) == (2, 1)


def test_exit_table_is_in_the_readme_and_usage() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    doc = sys.modules["pipeline.cli"].__doc__
    table = doc[doc.index("| status |"):].strip()
    assert table in readme
    assert {int(s) for s in re.findall(r"^\| (\d+) \|", table, re.M)} == set(EXIT.values())
    assert "exit status: 0 ok" in USAGE


def test_make_diff_shows_what_changed_since_the_last_commit(tmp_path: Path) -> None:
    """`make extract` then `make diff`: the regenerated extracted/ against the committed one,
    one clear line and no make error when they differ."""
    if shutil.which("make") is None or shutil.which("git") is None:
        pytest.skip("make or git not installed")
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "extracted", repo / "extracted",
                    ignore=shutil.ignore_patterns("review", "audit.html"))
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, repo / name)
    (repo / "stamp").write_text("")          # set-up done (newer than pyproject.toml)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "dataset"]):
        subprocess.run([*git, *args], cwd=repo, check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    make = ["make", "-s", "diff", f"PYTHON={sys.executable}", "STAMP=stamp"]
    same = subprocess.run(make, cwd=repo, capture_output=True, text=True, env=env)
    assert (same.returncode, same.stdout, same.stderr) == (0, "summary: no differences\n", "")

    import pandas as pd
    arms = pd.read_parquet(repo / "extracted" / "arms.parquet")
    arms.loc[arms["row"] == 3, "phase"] = "III"              # what a rule change would do
    arms.to_parquet(repo / "extracted" / "arms.parquet", index=False)
    changed = subprocess.run(make, cwd=repo, capture_output=True, text=True, env=env)
    assert changed.returncode == 0 and changed.stderr == "", changed.stderr
    lines = changed.stdout.splitlines()
    assert lines[0].startswith('changed arms source="pmc10584733_table6" table="Table 6" row=3')
    assert lines[1].startswith("    phase: ") and lines[1].endswith(' → "III"')
    assert lines[-1] == "make diff: extracted/ differs from the last commit (listed above)"
    assert "Error" not in changed.stdout
