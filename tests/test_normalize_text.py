"""`pipeline.normalize.text.normalize` against its definition, one character at a time.

The function copies the stretches between resizing characters with `str.translate`; this
reference walks every character, as the module docstring states the rules: a replacement
per character, a superscript digit right after a digit or '%' (or after such a mark) dropped as
a footnote mark, any other superscript read as its digit, and each clean character's offset the
index of the character it came from.
"""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalize.text import REPLACEMENTS, SUPERSCRIPT_DIGITS, normalize


def _by_character(s: str) -> tuple[str, tuple[int, ...]]:
    out: list[str] = []
    offs: list[int] = []
    mark = False
    for i, ch in enumerate(s):
        sup = SUPERSCRIPT_DIGITS.get(ch)
        if sup is not None:
            mark = mark or bool(out) and (out[-1].isdigit() or out[-1] == "%")
            if mark:
                continue
            rep = sup
        else:
            mark = False
            rep = REPLACEMENTS.get(ch, ch)
        for r in rep:
            out.append(r)
            offs.append(i)
    offs.append(len(s))
    return "".join(out), tuple(offs)


_ALPHABET = st.sampled_from(sorted(set(REPLACEMENTS) | set(SUPERSCRIPT_DIGITS)) + list("ab1 9%.(é"))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_normalize_equals_its_per_character_definition(s):
    got = normalize(s)
    text, offs = _by_character(s)
    assert got.text == text
    if got.offsets is None:
        assert offs == tuple(range(len(s) + 1))
    else:
        assert got.offsets == offs


def test_normalize_cases():
    # (input, clean text, offsets of the clean characters): footnote mark dropped, unit kept
    cases = [("4.2\u00b2 mg/m\u00b2", "4.2 mg/m2", (0, 1, 2, 4, 5, 6, 7, 8, 9, 10)),
             ("\u226565%\u00b9\u00b2", ">=65%", (0, 0, 1, 2, 3, 6)),
             ("a\u200bb\u2013c", "ab-c", (0, 2, 3, 4, 5))]
    for s, text, offs in cases:
        got = normalize(s)
        assert (got.text, got.offsets) == (text, offs), s
