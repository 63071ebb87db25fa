"""Nothing lost: every source line is accounted for.

For a text input every line has a role (blank, chrome, preamble, title, header, notes, legend)
or is a body line; every body line starts exactly one arm (its `line_no`) or section-header row,
or continues the arm started on the body line before it (a wrapped row), or is listed in
rejects with a reason. For Markdown / HTML / PDF inputs every grid row is an arm or a section,
in order, and rejected lines are listed once. Run over raw/, tests/fixtures/ and the hostile
corpus.
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile_corpus as hc  # noqa: E402
from pipeline.errors import InputError  # noqa: E402
from pipeline.readers.decode import decode_text_lines  # noqa: E402
from pipeline.readers.text import split_lines  # noqa: E402
from pipeline.run import SUPPORTED, extract_file, read_input  # noqa: E402

ROOT = hc.ROOT
NON_DATA = {"blank", "chrome", "preamble", "title", "header", "notes", "legend"}


def fixture_files() -> list[Path]:
    out = []
    for folder in (ROOT / "raw", ROOT / "tests" / "fixtures"):
        if folder.is_dir():
            out += sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED)
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return {c.name: c for c in hc.build(tmp_path_factory.mktemp("acct"))}


def check_accounting(path: Path) -> None:
    res = extract_file(path)
    line_rejects = [r["line"] for r in res.rejects if r["level"] == "line"]
    arm_lines = [a["line_no"] for a in res.arms]
    starts = Counter(arm_lines) + Counter(res.section_lines) + Counter(line_rejects)
    dup = [ln for ln, k in starts.items() if k > 1]
    assert not dup, f"{path.name}: lines counted twice: {dup}"
    assert None not in arm_lines, f"{path.name}: an arm without line_no"
    if not res.roles:   # markdown, HTML, PDF: every grid row is an arm or a section, in order
        grids = read_input(path).grids
        rows = [r for g in grids for r in g.rows]
        assert len(rows) == len(res.arms) + len(res.section_lines)
        assert arm_lines == [r.line for r in rows if r.section is None]
        return
    text, _ = decode_text_lines(path.read_bytes())
    lines = split_lines(text)
    rejected = set(line_rejects)
    arm_starts, section_starts = set(arm_lines), set(res.section_lines)
    current = None      # what the previous body line belongs to
    for ln in lines:
        role = res.roles.get(ln.number)
        assert role is not None, f"{path.name}:{ln.number}: line has no role: {ln.text[:60]!r}"
        if role in NON_DATA:
            if role == "blank":
                assert not ln.text.strip()
            current = None if role != "chrome" else current
            continue
        if role == "rejected":
            assert ln.number in rejected, f"{path.name}:{ln.number}: rejected but not in rejects"
            continue
        assert role == "body", role
        if ln.number in arm_starts:
            current = "arm"
        elif ln.number in section_starts:
            current = "section"
        else:
            assert current == "arm", (f"{path.name}:{ln.number}: body line in no arm, section or "
                                      f"reject: {ln.text[:60]!r}")
    body_like = {ln.number for ln in lines if res.roles.get(ln.number) in ("body", "rejected")}
    assert set(starts) <= body_like, f"{path.name}: a row starts on a non-body line"


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: p.name)
def test_fixture_accounting(path):
    check_accounting(path)


@pytest.mark.parametrize("name", [c.name for c in hc.cases()])
def test_hostile_accounting(name, corpus):
    c = corpus[name]
    if not c.ok:
        with pytest.raises(InputError) as e:
            extract_file(c.path)
        assert e.value.file == str(c.path) and e.value.reason
        return
    check_accounting(c.path)


def test_wrapped_rows_are_accounted(tmp_path):
    """A row wrapped over two lines: the second line continues the arm."""
    lines = hc.ref_lines()
    row = lines[hc.FIRST_ROW_LINE - 1]
    cut = row.index(" patients, ORR, 0%")
    lines[hc.FIRST_ROW_LINE - 1:hc.FIRST_ROW_LINE] = [row[:cut], row[cut + 1:]]
    p = tmp_path / "wrapped.txt"
    p.write_text("\n".join(lines), "utf-8")
    res = extract_file(p)
    assert len(res.arms) == hc.N_ROWS
    assert res.arms[0]["line_no"] == hc.FIRST_ROW_LINE and res.arms[1]["line_no"] == hc.FIRST_ROW_LINE + 2
    check_accounting(p)
