"""The benchmark's corpus generator (bench/make_corpus.py): deterministic, table-shaped, varied."""
from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "raw" / "pmc10584733_table6.txt"


def _load_make_corpus():
    spec = importlib.util.spec_from_file_location("bench_make_corpus", ROOT / "bench" / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module      # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


mc = _load_make_corpus()


def _split_table(text: str) -> dict:
    """Read a generated file back by layout alone: chrome, label, title, header, rows, legend."""
    lines = text.split("\n")
    h = lines.index(mc.HEADER)
    end = lines.index("", h)
    return {
        "before": lines[:h],
        "header": lines[h],
        "rows": lines[h + 1:end],
        "after": lines[end + 1:],
    }


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path):
    a = mc.write_corpus(tmp_path / "a", n=6, seed=3)
    b = mc.write_corpus(tmp_path / "b", n=6, seed=3)
    c = mc.write_corpus(tmp_path / "c", n=6, seed=4)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == [f"bench_{i:05d}.txt" for i in range(6)]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert any((tmp_path / "a" / n).read_bytes() != (tmp_path / "c" / n).read_bytes() for n in names)
    assert {k: v for k, v in a.items() if k != "corpus"} == {k: v for k, v in b.items() if k != "corpus"}
    assert c["seed"] == 4


def test_file_i_of_a_larger_corpus_is_file_i_of_the_smaller():
    small = [t.render() for t in mc.make_tables(3, seed=0)]
    large = [t.render() for t in mc.make_tables(6, seed=0)]
    assert large[:3] == small


@pytest.mark.parametrize("rows", [1, 5, 17, 30])
def test_files_are_tables_with_the_header_and_requested_rows(tmp_path, rows):
    info = mc.write_corpus(tmp_path / "corpus", n=8, seed=1, rows=rows)
    assert info["arms"] == 8 * rows and info["files"] == 8 and info["rows_per_file"] == rows
    manifest = json.loads(mc.manifest_path(tmp_path / "corpus").read_text(encoding="utf-8"))
    assert manifest["arms"] == 8 * rows
    assert not list((tmp_path / "corpus").glob("*.json")), "manifest must sit beside the corpus"
    for i, table in enumerate(mc.make_tables(8, seed=1, rows=rows)):
        text = (tmp_path / "corpus" / f"bench_{i:05d}.txt").read_text(encoding="utf-8")
        assert not text.endswith("\n")
        parts = _split_table(text)
        assert parts["before"][0] == "Skip to main content"
        assert re.fullmatch(r"Table \d+\.", parts["before"][3])
        assert parts["before"][5] == table.title and parts["before"][6] == ""
        assert len(parts["rows"]) == rows == len(table.rows)
        assert parts["after"][0].startswith("Abbreviations: NCT number, ClinicalTrials.gov Identifier;")
        first = table.rows[0]
        assert parts["rows"][0].startswith(f"{first.trial_id} {first.target} {first.agent} ")
        for line, row in zip(parts["rows"], table.rows):
            assert re.fullmatch(r"NCT\d{8}", row.trial_id)
            assert line.startswith(row.trial_id + " ")
            assert line.endswith(f" {row.outcomes_text} {row.ref}")
            assert row.expected_measures >= 2


def test_layout_matches_the_reference():
    if not REFERENCE.exists():
        pytest.skip("reference table not in raw/")
    ref = _split_table(REFERENCE.read_text(encoding="utf-8"))
    gen = _split_table(mc.make_table(0).render())
    assert gen["header"] == ref["header"]
    assert len(gen["before"]) == len(ref["before"])
    assert [bool(x) for x in gen["before"]] == [bool(x) for x in ref["before"]]
    assert gen["after"][0].split(";")[0] == ref["after"][0].split(";")[0]


def test_spanned_cells_are_left_out_like_the_reference():
    tables = list(mc.make_tables(40, seed=0))
    rows = [r for t in tables for r in t.rows]
    missing_agent = [r for r in rows if "agent" not in r.printed]
    missing_target = [r for r in rows if "target" not in r.printed]
    assert missing_agent and missing_target
    # an omitted agent always continues the row above's agent
    for t in tables:
        for above, row in zip(t.rows, t.rows[1:]):
            if "agent" not in row.printed:
                assert row.agent == above.agent and row.target == above.target
            if "target" not in row.printed:
                assert row.target == above.target
        assert {"trial_id", "target", "agent"} <= set(t.rows[0].printed)


def test_texts_are_varied_and_use_the_reference_characters():
    rows = [r for t in mc.make_tables(30, seed=0) for r in t.rows]
    texts = [r.outcomes_text for r in rows]
    assert len(set(texts)) == len(texts)
    joined = "\n".join(texts)
    assert mc.NBSP + "months" in joined and mc.NBSP + "weeks" in joined and mc.NBSP + "days" in joined
    assert "respectively" in joined and "ORR at " in joined and "-month OS rate" in joined
    assert "was not met" in joined and "Ki-67" + mc.THIN in joined
    assert any(mc.THIN + "+" + mc.THIN in r.treatment for r in rows)
    # distinct numbers: most whitespace-separated chunks holding a digit are not repeated
    chunks = [c for c in joined.split() if any(ch.isdigit() for ch in c)]
    assert len(set(chunks)) / len(chunks) > 0.3
