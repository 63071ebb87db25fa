"""Curators' corrections: applied on re-extraction, `corrected` set, and refused once stale."""
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.corrections import parse_corrections
from pipeline.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "tests" / "data" / "raw" / "dev_plain_numeric.txt"
HEADER = "source\ttable\trow\tfield\told\tnew\tnote\n"


def extract(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "extract", str(TABLE), "--out", str(tmp / "out"), *args],
                          cwd=tmp, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})


def frames(tmp: Path):
    return pd.read_parquet(tmp / "out" / "arms.parquet"), pd.read_parquet(tmp / "out" / "measures.parquet")


def test_corrections_apply_then_go_stale(tmp_path):
    r = extract(tmp_path)
    assert r.returncode == 0, r.stderr
    arms, meas = frames(tmp_path)
    a1 = arms.iloc[0]
    src, table = a1["source"], a1["table"] or ""
    m1 = meas[(meas["row"] == 1)]
    orr = m1[(m1["measure"] == "orr") & (m1["population"] == "all")].iloc[0]
    n = m1[(m1["measure"] == "n") & (m1["population"] == "all")].iloc[0]
    old_orr = f"{orr['value']:g}"
    (tmp_path / "corrections.tsv").write_text(
        HEADER
        + f"{src}\t{table}\t1\ttreatment\t{a1['treatment']}\tFixed regimen\tretyped\n"
        + f"{src}\t{table}\t1\torr/all\t{old_orr}\t77.5\tdigits swapped\n"
        + f"{src}\t{table}\t1\tos_rate/all@24\t\t33\tmissed by the reader\n"
        + f"{src}\t{table}\t1\tn/all\t{n['value']:g}\t\twrong count\n", encoding="utf-8")
    r = extract(tmp_path)
    assert r.returncode == 0, r.stderr
    assert "4 correction(s) applied" in r.stdout
    arms2, meas2 = frames(tmp_path)
    row1 = arms2.iloc[0]
    assert row1["treatment"] == "Fixed regimen" and bool(row1["corrected"])
    assert row1["orr_pct"] == 77.5
    assert not arms2.iloc[1:]["corrected"].any()
    m = meas2[meas2["row"] == 1]
    fixed = m[(m["measure"] == "orr") & (m["population"] == "all")].iloc[0]
    assert fixed["value"] == 77.5 and bool(fixed["corrected"]) and list(fixed["flags"]) == []
    added = m[m["measure"] == "os_rate"].iloc[0]
    assert (added["value"], added["timepoint_months"], added["unit"], bool(added["corrected"])) == (33.0, 24.0, "%", True)
    assert m[(m["measure"] == "n") & (m["population"] == "all")].empty
    assert len(meas2) == len(meas)          # one added, one removed
    before = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}

    # a rule change: a user lexicon maps the ORR column's header elsewhere, so the ORR the
    # correction names is no longer extracted and the correction is stale
    # (the header "ORR (%)": lexicon keys are lower case, the unit left out)
    lex = tmp_path / "lexicon"
    lex.mkdir()
    (lex / "headers.tsv").write_text("header\tcolumn\norr\tdcr_pct\n", encoding="utf-8")
    r = extract(tmp_path)
    assert r.returncode == 1
    assert r.stderr.startswith("error: corrections.tsv:3: stale correction: ")
    assert "orr/all" in r.stderr.splitlines()[0]
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == before


@pytest.mark.parametrize("line,reason", [
    ("a\t\t1\ttreatment\tx", "5 tab-separated columns, expected 7"),
    ("a\t\t1\tcolour\tx\ty\tz", "unknown field 'colour'"),
    ("a\t\t1\tbogus/all\t1\t2\tz", "unknown field 'bogus/all'"),
    ("a\t\tfirst\ttreatment\tx\ty\tz", "row must be a whole number"),
    ("a\t\t1\torr/all\tten\t2\tz", "'ten' is not a number or NR"),
    ("a\t\t1\tline\t1\tsecond\tz", "line: 'second' is not a whole number"),
], ids=["columns", "arms-field", "measure", "row", "value", "typed-arms-value"])
def test_bad_lines_are_one_line_errors(line, reason):
    with pytest.raises(InputError) as e:
        parse_corrections(HEADER + line + "\n", "corrections.tsv")
    assert str(e.value).startswith("corrections.tsv:2: ") and reason in str(e.value)


def test_header_line_required():
    with pytest.raises(InputError) as e:
        parse_corrections("a\tb\n", "fix.tsv")
    assert str(e.value).startswith("fix.tsv:1: the first line must be the header")


def test_a_correction_for_another_source_waits_for_it():
    from pipeline.corrections import apply_corrections
    cs = parse_corrections(HEADER + "elsewhere\t\t1\ttreatment\tx\ty\tz\n")
    arms = [dict(source="here", table=None, row=1, treatment="x", corrected=False)]
    assert apply_corrections(arms, [], cs) == (arms, [])


def test_user_lexicon_drug_extends_the_builtin(tmp_path, monkeypatch):
    from pipeline.lexicon import USER_LEXICON_ENV
    from pipeline.normalize.drugs import drug_lexicon, resolve_name
    assert resolve_name("Zorbicept-Q", None) == ()
    (tmp_path / "drugs.tsv").write_text("name\tgeneric\nzorbicept-q\tzorbicept|quillimab\n", encoding="utf-8")
    monkeypatch.setenv(USER_LEXICON_ENV, str(tmp_path))
    assert resolve_name("Zorbicept-Q", None) == ("zorbicept", "quillimab")
    assert "cbdca" in drug_lexicon()                   # the built-in rows are still there


def test_user_lexicon_bad_row(tmp_path, monkeypatch):
    from pipeline.lexicon import USER_LEXICON_ENV
    from pipeline.table.header import header_lexicon
    (tmp_path / "headers.tsv").write_text("header\tcolumn\nmy orr\tnot_a_column\n", encoding="utf-8")
    monkeypatch.setenv(USER_LEXICON_ENV, str(tmp_path))
    with pytest.raises(InputError) as e:
        header_lexicon()
    assert str(e.value).startswith(f"{tmp_path / 'headers.tsv'}:2: unknown column 'not_a_column'")
