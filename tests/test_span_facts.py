"""align/spans.SpanFacts: the facts of a span made one token at a time (`extended`, as the row
programmes make them) are the facts made from the whole span, on every span of real rows and
of hostile token sequences."""
from __future__ import annotations

import random

import pytest

from conftest import DATA
from pipeline.model import Line
from pipeline.table.align.context import Knowledge, TableContext
from pipeline.table.align.spans import SpanFacts
from pipeline.table.align.tokens import tokenize_lines

FIELDS = [f for f in SpanFacts.__slots__ if not f.startswith("_")]
# words that set the facts: operators, parentheses, labels, doses, counts, NCT ids, sentence words
WORDS = ["(", ")", "((", "))", "(a)", "a)", "(b", "vs.", "and", "+", "N", "n", "=", "N=", "n =12", "=5", "Cohort",
         "Part", "A", "et", "al.", "al.,", "10", "mg/kg", "44", "68.2", "Drugumab", "TRIAL-4", "placebo:", "In",
         "Among", "NCT01234567", "[12]", "cells.", "12.", "Arm/Part", "x", "GEP", "5.7", "mo"]


def _ctx() -> TableContext:
    return TableContext(Knowledge.of_table(None, ""))


def _lines(texts: list[str]) -> list[Line]:
    return [Line(number=i + 1, text=t) for i, t in enumerate(texts)]


def _check(toks, ctx) -> None:
    for i in range(len(toks)):
        f = SpanFacts(toks[i:i + 1], ctx)
        for k in range(i + 2, min(len(toks), i + 16) + 1):
            f = f.extended(toks[i:k], ctx)
            whole = SpanFacts(toks[i:k], ctx)
            assert {a: getattr(f, a) for a in FIELDS} == {a: getattr(whole, a) for a in FIELDS}, (i, k, toks[i:k])


@pytest.mark.parametrize("name", ["PMC7001551_t0010_plain.txt", "PMC5842271_Tab2_plain.txt",
                                  "PMC10335166_bnad006-T2_plain.txt"])
def test_extended_facts_are_the_whole_span_facts_on_real_rows(name):
    lines = (DATA / "real" / "raw" / name).read_text("utf-8").splitlines()
    ctx = _ctx()
    for a in range(0, len(lines) - 2):
        _check(tokenize_lines(_lines(lines[a:a + 3])), ctx)


def test_extended_facts_are_the_whole_span_facts_on_hostile_tokens():
    rnd = random.Random(13)
    ctx = _ctx()
    for _ in range(150):
        texts = [" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(1, 7))) for _ in range(rnd.randint(1, 3))]
        _check(tokenize_lines(_lines(texts)), ctx)
