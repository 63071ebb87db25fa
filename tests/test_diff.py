"""Dataset diff matched by content: exact text, JSON shape, exit codes, git refs, a row
inserted into a real extraction, datasets of the wrong types (pipeline/diff.py, cli.py)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.cli import diff_main
from pipeline.diff import KEYS, diff_datasets, render_text
from pipeline.run import extract


def diff_frames(old: pd.DataFrame, new: pd.DataFrame, name: str = "arms"):
    return diff_datasets({name: old}, {name: new}).frames[name]

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
        "corrected": False,
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


def test_duplicate_keys_pair_identical_rows_first() -> None:
    old = synth.abbreviations()
    new = pd.concat([old.iloc[[0]].assign(long="Drugumab alfa"), old], ignore_index=True)
    fd = diff_frames(old, new, "abbreviations")
    assert (fd.added, fd.changed, fd.removed) == (
        [{"source": "synth", "short": "Drug", "long": "Drugumab alfa", "origin": "inline"}],
        [], [])
    assert render_text(diff_datasets({"abbreviations": old}, {"abbreviations": new})
                       ).splitlines()[0] == ('added abbreviations source="synth" short="Drug" '
                                             '| long="Drugumab alfa" origin="inline"')


def test_nan_equals_nan_and_lists_compare_as_lists() -> None:
    old = synth.arms()
    new = synth.arms()
    new["dcr_pct"] = new["dcr_pct"].astype(float)       # None -> NaN: still equal
    assert diff_frames(old, new).equal
    new.at[1, "drugs"] = np.array(["carboplatin", "drugumab", "etoposide"])
    fd = diff_frames(old, new)
    assert [(r["row"], f) for r, f in fd.changed] == [
        (2, {"drugs": (["carboplatin", "drugumab"], ["carboplatin", "drugumab", "etoposide"])})]


def test_schema_change_is_reported_not_compared() -> None:
    old = synth.arms()
    new = synth.arms().drop(columns=["n_text"]).assign(extra="x")
    d = diff_datasets({"arms": old}, {"arms": new})
    assert not d.equal
    assert render_text(d) == ("summary: 0 added, 0 removed, 0 changed rows "
                              "(arms: column extra added, column n_text removed)\n")


def test_rows_that_only_moved_are_counted_not_changed() -> None:
    old = synth.arms().assign(line_no=[1, 2, 3, 4])
    new = old.iloc[::-1].assign(row=[1, 3, 2, 1], line_no=[9, 8, 7, 6])
    fd = diff_frames(old, new)
    assert (fd.moved, fd.changed, fd.added, fd.removed) == (4, [], [], [])
    assert render_text(diff_datasets({"arms": old}, {"arms": new})) == (
        "summary: 0 added, 0 removed, 0 changed rows (arms: 4 moved)\n")


def test_an_edited_treatment_is_a_change_of_the_same_arm() -> None:
    old, new = synth.dataset(), synth.dataset()
    new["arms"].loc[new["arms"]["row"] == 2, "treatment"] = "Drug + chemotherapy"
    d = diff_datasets(old, new)
    assert render_text(d).splitlines() == [
        'changed arms source="synth" table="Table 1" row=2',
        '    treatment: "Drug + chemo" → "Drug + chemotherapy"',
        "summary: 0 added, 0 removed, 1 changed rows (arms: 1 changed; measures: equal; "
        "abbreviations: equal; narrative: equal)"]


def test_flags_and_corrections_are_shown() -> None:
    old, new = synth.dataset(), synth.dataset()
    for frames in (old, new):
        frames["measures"]["flags"] = [[] for _ in range(len(frames["measures"]))]
        frames["measures"]["corrected"] = False
    m = new["measures"]
    first = m.index[(m.row == 1) & (m.table == "Table 1") & (m.measure == "pfs_median")][0]
    m.at[first, "value"], m.at[first, "corrected"] = 2.1, True
    m.at[0, "flags"] = ["nr_unsettled"]
    out = render_text(diff_datasets(old, new)).splitlines()
    assert out[:6] == [
        'changed measures source="synth" table="Table 1" row=1 measure="n" population="all" '
        'timepoint_months=null column="n_text"',
        '    flags: [] → ["nr_unsettled"]',
        f"changed measures {PFS_KEY} (corrected)",
        "    value: 2.0468 → 2.1",
        "    corrected: false → true",
        "summary: 0 added, 0 removed, 2 changed rows (arms: equal; measures: 2 changed; "
        "abbreviations: equal; narrative: equal)"]


def test_rejects_are_diffed_by_content() -> None:
    old = pd.DataFrame([dict(source="s", line=4, text="??", reason="fits no column",
                             level="line")])
    new = pd.concat([old.assign(line=5), old.assign(line=9, text="!!")], ignore_index=True)
    d = diff_datasets({"rejects": old}, {"rejects": new})
    assert render_text(d).splitlines() == [
        'added rejects source="s" line=9 level="line" | reason="fits no column" text="!!"',
        "summary: 1 added, 0 removed, 0 changed rows (rejects: 1 added, 1 moved)"]


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


# ---------------------------------------------------------------- on real extractions

# Invented rows in the two table forms; a row is inserted in the middle of each.
MD_HEAD = ("**Table 2.** Invented trials of drug Z.\n\n"
           "| Trial | Phase | Treatment | N | ORR (%) | Median OS (months) |\n"
           "|---|---|---|---|---|---|\n")
MD_ROWS = [f"| NCT091{k:05d} | II | Zetamab{' + epsiplatin' * (k % 2)} | {20 + k} | "
           f"{10 + k}.5 | {6 + k}.1 |" for k in range(8)]
MD_NEW = "| NCT09199999 | III | Zetamab + thetatinib | 210 | 41.0 | 15.2 |"
TXT_HEAD = ("Table 2. Invented trials of drug Z.\n\n"
            "Trial Phase Treatment N ORR (%) Median OS (months)\n")
TXT_ROWS = [f"NCT091{k:05d} II Zetamab{' + epsiplatin' * (k % 2)} {20 + k} {10 + k}.5 "
            f"{6 + k}.1" for k in range(8)]
TXT_NEW = "NCT09199999 III Zetamab + thetatinib 210 41.0 15.2"


@pytest.mark.parametrize("suffix, head, rows, new", [
    (".md", MD_HEAD, MD_ROWS, MD_NEW), (".txt", TXT_HEAD, TXT_ROWS, TXT_NEW)])
def test_a_row_inserted_into_a_table_reads_as_one_row_added(
        suffix: str, head: str, rows: list[str], new: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    for name, body in (("old", rows), ("new", [*rows[:4], new, *rows[4:]])):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"drug_z{suffix}").write_text(head + "\n".join(body) + "\n")
        extract([tmp_path / name], tmp_path / f"{name}_out")
    d = diff_datasets(*(synth_load(tmp_path / f"{n}_out") for n in ("old", "new")))
    arms = d.frames["arms"]
    assert [(r["row"], r["trial_id"], r["treatment"]) for r in arms.added] == [
        (5, "NCT09199999", "Zetamab + thetatinib")]
    assert (arms.removed, arms.moved) == ([], 4)
    assert {name: len(fd.changed) for name, fd in d.frames.items() if fd.changed} == {}
    assert [(m["measure"], m["value"]) for m in d.frames["measures"].added] == [
        ("n", 210.0), ("orr", 41.0), ("os_median", 15.2)]
    assert d.frames["measures"].removed == []
    code, out, _ = run(capsys, [str(tmp_path / "old_out"), str(tmp_path / "new_out")])
    assert code == 1
    assert out.splitlines()[-1] == ("summary: 4 added, 0 removed, 0 changed rows (arms: 1 added, "
                                    "4 moved; measures: 3 added; abbreviations: equal; "
                                    "narrative: equal; rejects: equal)")


def synth_load(folder: Path) -> dict[str, pd.DataFrame]:
    from pipeline.dataset import load_dataset
    return load_dataset(folder)


@pytest.mark.parametrize("name, column, value, message", [
    ("arms", "table", [["Table 1"]] * 4,
     "arms.parquet: column table: expected str, found list ['Table 1'] in row 1"),
    ("measures", "start", ["0"] * 13,
     "measures.parquet: column start: expected int, found str '0' in row 1"),
    ("abbreviations", "short", [None, "CPS"],
     "abbreviations.parquet: column short: missing value in row 1"),
])
def test_wrong_types_are_one_line_and_exit_2(name: str, column: str, value: list,
                                             message: str, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    frames = synth.dataset()
    frames[name][column] = value
    bad = synth.write(tmp_path / "bad", frames)
    good = synth.write(tmp_path / "good", synth.dataset())
    assert run(capsys, [str(good), str(bad)]) == (2, "", f"diff: {bad}: {message}\n")
