"""Property tests: perturbations of the reference table never crash and keep its measures.

The reference is rebuilt from its cell annotation (tests/fixtures/pmc10584733_table6.table.json;
joining a row's cells with single spaces gives the pasted line exactly), so a perturbation
can act on cells: whitespace runs and tabs between cells, Unicode spaces and dash variants
inside the outcomes text, spanned cells dropped (a cell equal to the one above left out, as a
rowspan pastes), rows shuffled. None of these destroys an outcome, so every measure of the
reference must come out again, keyed by row content (reference number, treatment), measure,
population (spaces and dashes folded) and value.
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile_corpus as hc  # noqa: E402
from pipeline.run import extract_file  # noqa: E402

SPEC = json.loads((hc.ROOT / "tests" / "fixtures" / "pmc10584733_table6.table.json").read_text("utf-8"))
HEADER = SPEC["header"]
ROWS = [list(r["cells"]) for r in SPEC["rows"]]
OUTCOMES = HEADER.index("Key outcomes")
REF = HEADER.index("Ref")
TREATMENT = HEADER.index("Treatment")
SPANNABLE = [HEADER.index(h) for h in ("Trials", "Target", "Agent")]
UNICODE_SPACES = ["\u00a0", "\u2009", "\u202f"]
DASHES = ["\u2010", "\u2011", "\u2013", "\u2014", "\u2212"]
PROPS = settings(max_examples=25, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def render(rows: list[list[str | None]], gaps: list[list[str]] | None = None) -> str:
    lines = hc.ref_lines()
    body = []
    for k, cells in enumerate(rows):
        present = [c for c in cells if c]
        seps = gaps[k] if gaps else [" "] * len(present)
        body.append("".join(c + (seps[i] if i < len(present) - 1 else "") for i, c in enumerate(present)))
    return "\n".join(lines[:hc.HEADER_LINE] + body + lines[hc.LAST_ROW_LINE:])


def fold(s: str) -> str:
    return " ".join(re.sub("[\u2010-\u2015\u2212]", "-", s).split())


def keys(res, population: bool = True) -> Counter:
    """Measures keyed by the row's content, not its number (rows may move)."""
    arm = {(a["table"], a["row"]): (a["ref"], fold(a["treatment"] or "")) for a in res.arms}
    return Counter((arm[(m["table"], m["row"])], m["measure"], fold(m["population"]) if population else None,
                    None if m["value"] is None else round(m["value"], 3)) for m in res.measures)


def run_text(tmp_path_factory, text: str):
    p = tmp_path_factory.mktemp("prop") / "pmc10584733_table6.txt"
    p.write_text(text, "utf-8")
    return extract_file(p)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    text = render(ROWS)
    assert text == hc.ref_text()
    res = run_text(tmp_path_factory, text)
    assert len(res.arms) == hc.N_ROWS
    return keys(res)


def _check(res, base, population: bool = True):
    assert len(res.arms) == hc.N_ROWS
    assert [r for r in res.rejects if r["level"] == "line"] == []
    got = keys(res, population)
    if not population:
        base = Counter({(a, m, None, v): n for (a, m, _, v), n in base.items()})
    assert base - got == Counter(), f"measures lost: {sorted(base - got)[:5]}"
    assert got - base == Counter(), f"measures invented: {sorted(got - base)[:5]}"


@PROPS
@given(data=st.data())
def test_whitespace_runs_and_tabs_between_cells(data, base, tmp_path_factory):
    gaps = []
    for cells in ROWS:
        n = sum(1 for c in cells if c)
        gaps.append(data.draw(st.lists(st.sampled_from([" ", " ", "  ", "   ", "\t", " \t "]),
                                       min_size=n, max_size=n)))
    trailing = data.draw(st.sampled_from(["", " ", "  \t"]))
    text = "\n".join(ln + trailing if ln.strip() else ln for ln in render(ROWS, gaps).split("\n"))
    _check(run_text(tmp_path_factory, text), base)


def _perturb_outcomes(data, choices: list[str], pattern: str, skip_words: int):
    rows = [list(r) for r in ROWS]
    for r in rows:
        text = r[OUTCOMES]
        spots = [m.start() for m in re.finditer(pattern, text)]
        # leave the first words alone: they tell the aligner where the outcomes cell starts
        first = [m.start() for m in re.finditer(r" ", text)][:skip_words]
        spots = [s for s in spots if s not in first]
        picked = data.draw(st.lists(st.sampled_from(spots), unique=True, max_size=6)) if spots else []
        chars = list(text)
        for s in picked:
            chars[s] = data.draw(st.sampled_from(choices))
        r[OUTCOMES] = "".join(chars)
    return rows


@PROPS
@given(data=st.data())
def test_unicode_spaces_inside_outcomes(data, base, tmp_path_factory):
    # population labels are compared in test_unicode_space_keeps_population_label
    rows = _perturb_outcomes(data, UNICODE_SPACES, r" ", skip_words=2)
    _check(run_text(tmp_path_factory, render(rows)), base, population=False)


def test_unicode_space_keeps_population_label(base, tmp_path_factory):
    rows = [list(r) for r in ROWS]
    t = rows[0][OUTCOMES]
    k = t.index("all patients") + 3
    rows[0][OUTCOMES] = t[:k] + "\u00a0" + t[k + 1:]
    _check(run_text(tmp_path_factory, render(rows)), base)


@PROPS
@given(data=st.data())
def test_dash_variants_inside_outcomes(data, base, tmp_path_factory):
    rows = _perturb_outcomes(data, DASHES, r"(?<=\w)-(?=\w)", skip_words=0)
    _check(run_text(tmp_path_factory, render(rows)), base)


@PROPS
@given(data=st.data())
def test_dropped_spanned_cells(data, base, tmp_path_factory):
    rows = [list(r) for r in ROWS]
    above: dict[int, str] = {}
    candidates = []
    for k, r in enumerate(rows):
        for j in SPANNABLE:
            if r[j] and above.get(j) == r[j]:
                candidates.append((k, j))
            if r[j]:
                above[j] = r[j]
    drop = data.draw(st.lists(st.sampled_from(candidates), unique=True, min_size=1, max_size=4))
    for k, j in drop:
        rows[k][j] = None
    _check(run_text(tmp_path_factory, render(rows)), base)


@PROPS
@given(order=st.permutations(range(len(ROWS))))
def test_shuffled_rows(order, base, tmp_path_factory):
    rows = [list(ROWS[k]) for k in order]
    _check(run_text(tmp_path_factory, render(rows)), base)
