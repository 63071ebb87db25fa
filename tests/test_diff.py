"""Keyed dataset diff: exact text, JSON shape, exit codes, git refs (pipeline/diff.py)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.diff import KEYS, diff_datasets, diff_frames, diff_main, render_text

try:
    import synthetic_dataset as synth
except ImportError:  # tests/ imported as a package
    from tests import synthetic_dataset as synth

PFS_KEY = ('source="synth" table="Table 1" row=1 measure="pfs_median" population="all" '
           'timepoint_months=null column="outcomes_text"')
EQUAL_REST = "arms: equal; measures: 1 changed; abbreviations: equal; narrative: equal"


def with_pfs(value: float) -> dict[str, pd.DataFrame]:
    """The synthetic dataset with row 1's pfs_median measure set to `value`."""
    frames = synth.dataset()
    m = frames["measures"]
    m.loc[(m.row == 1) & (m.table == "Table 1") & (m.measure == "pfs_median"), "value"] = value
    return frames


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = diff_main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_one_changed_value_is_shown_field_by_field(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    old = synth.write(tmp_path / "old", synth.dataset())
    new = synth.write(tmp_path / "new", with_pfs(2.0))
    code, out, err = run(capsys, [str(old), str(new)])
    assert (code, err) == (1, "")
    assert out == (f"changed measures {PFS_KEY}\n"
                   "    value: 2.0468 → 2.0\n"
                   f"summary: 0 added, 0 removed, 1 changed rows ({EQUAL_REST})\n")


def test_equal_datasets_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = synth.write(tmp_path / "old", synth.dataset())
    new = synth.write(tmp_path / "new", synth.dataset())
    assert run(capsys, [str(old), str(new)]) == (0, "summary: no differences\n", "")


def test_json_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = synth.write(tmp_path / "old", synth.dataset())
    new = synth.write(tmp_path / "new", with_pfs(2.0))
    code, out, _ = run(capsys, [str(old), str(new), "--json"])
    doc = json.loads(out)
    assert code == 1
    assert doc["equal"] is False
    assert doc["counts"] == {"added": 0, "removed": 0, "changed": 1}
    assert list(doc["files"]) == ["arms", "measures", "abbreviations", "narrative"]
    measures = doc["files"]["measures"]
    assert measures["key"] == list(KEYS["measures"])
    assert measures["changed"] == [{
        "key": {"source": "synth", "table": "Table 1", "row": 1, "measure": "pfs_median",
                "population": "all", "timepoint_months": None, "column": "outcomes_text"},
        "fields": {"value": {"old": 2.0468, "new": 2.0}},
    }]
    assert measures["added"] == measures["removed"] == []
    assert doc["only_old"] == doc["only_new"] == []


def test_added_and_removed_rows_one_line_each() -> None:
    old = synth.measures()
    new = pd.concat([old.iloc[1:], old.iloc[[0]].assign(population="NEC")], ignore_index=True)
    d = diff_datasets({"measures": old}, {"measures": new})
    key = ('source="synth" table="Table 1" row=1 measure="n" {pop} timepoint_months=null '
           'column="n_text" | value=20.0 evidence="20"')
    assert render_text(d).splitlines() == [
        "added measures " + key.format(pop='population="NEC"'),
        "removed measures " + key.format(pop='population="all"'),
        "summary: 1 added, 1 removed, 0 changed rows (measures: 1 added, 1 removed)",
    ]


def test_duplicate_keys_get_an_occurrence_number() -> None:
    old = synth.abbreviations()
    new = pd.concat([old, old.iloc[[0]].assign(long="Drugumab alfa")], ignore_index=True)
    fd = diff_frames(old, new, KEYS["abbreviations"])
    assert fd.added == [(("synth", "Drug", 1), {"source": "synth", "short": "Drug",
                                                 "long": "Drugumab alfa", "origin": "inline"})]
    assert render_text(diff_datasets({"abbreviations": old}, {"abbreviations": new})
                       ).splitlines()[0] == ('added abbreviations source="synth" short="Drug" '
                                             'occurrence=1 | long="Drugumab alfa" '
                                             'origin="inline"')


def test_nan_equals_nan_and_lists_compare_as_lists() -> None:
    old = synth.arms()
    new = synth.arms()
    new["dcr_pct"] = new["dcr_pct"].astype(float)       # None -> NaN: still equal
    assert diff_frames(old, new, KEYS["arms"]).equal
    new.at[1, "drugs"] = np.array(["carboplatin", "drugumab", "etoposide"])
    fd = diff_frames(old, new, KEYS["arms"])
    assert fd.changed == [(("synth", "Table 1", 2, 0),
                           {"drugs": (["carboplatin", "drugumab"],
                                      ["carboplatin", "drugumab", "etoposide"])})]


def test_schema_change_is_reported_not_compared() -> None:
    old = synth.arms()
    new = synth.arms().drop(columns=["n_text"]).assign(extra="x")
    d = diff_datasets({"arms": old}, {"arms": new})
    assert not d.equal
    assert render_text(d) == ("summary: 0 added, 0 removed, 0 changed rows "
                              "(arms: column extra added, column n_text removed)\n")


def test_row_order_change_is_reported() -> None:
    old = synth.arms()
    fd = diff_frames(old, old.iloc[::-1], KEYS["arms"])
    assert (fd.order_changed, fd.changed, fd.added) == (True, [], [])


@pytest.mark.parametrize("argv, message", [
    (["only-one"], "diff: <input>: give two folders, OLD NEW (or --against REF [NEW])"),
    (["missing-a", "missing-b"], "diff: missing-a: not a folder"),
])
def test_errors_exit_2_with_one_line(argv: list[str], message: str, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(capsys, argv) == (2, "", message + "\n")


def test_missing_file_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    frames = synth.dataset()
    del frames["abbreviations"]
    old = synth.write(tmp_path / "old", frames)
    code, out, err = run(capsys, [str(old), str(old)])
    assert (code, out, err) == (2, "", f"diff: {old}: missing abbreviations.parquet\n")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   cwd=repo, check=True, capture_output=True)


def test_against_git_ref(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                         capsys: pytest.CaptureFixture[str]) -> None:
    synth.write(tmp_path / "extracted", synth.dataset())
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "extracted")
    git(tmp_path, "commit", "-q", "-m", "dataset")
    monkeypatch.chdir(tmp_path)
    assert run(capsys, ["--against", "HEAD"]) == (0, "summary: no differences\n", "")
    synth.write(tmp_path / "regenerated", with_pfs(2.0))
    code, out, _ = run(capsys, ["--against", "HEAD", "regenerated"])
    assert (code, out.splitlines()[1]) == (1, "    value: 2.0468 → 2.0")
    code, _, err = run(capsys, ["--against", "no-such-ref"])
    assert (code, err) == (2, "diff: no-such-ref:extracted/arms.parquet: "
                              "not in git (unknown ref, or file not committed)\n")
