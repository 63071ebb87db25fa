"""Reference citations written inside a name cell: "ALPHA-006 [15, 16]", "doxorubicin[22]",
"Rinke A et al. (5,15)", "Moore et al.[65]", "Ipilimumab (8)", "[21••]".

`split_citation(text)` returns the cell without its citation and the citation as written
(brackets kept), or (text, None). A citation is a run of reference numbers (commas, ranges,
the bullets some journals add for key references) in square brackets anywhere, or in round
brackets at the end of the cell or before an NCT id. Years ("(2015)"), counts ("(n = 30)"),
doses ("(10 mg/kg)") and codes ("(ALX-148)") are not citations. Digits glued to an NCT id
after its eight are a superscript citation (an NCT id, then "151").
"""
from __future__ import annotations

import re

from .drugs import CONTROL_ARMS, is_drug_word

# 1-3 digit reference numbers: "45", "45, 46", "5,15", "23–25", "21••", "27•"
_REFS = r"\d{1,3}[•*]*(?:\s*[,;–-]\s*\d{1,3}[•*]*)*"
_SQUARE = re.compile(rf"\s*\[({_REFS})\](?:\s*[,;]?\s*\[{_REFS}\])*")     # "[2], [3], [4]": one citation
_ROUND_END = re.compile(rf"\s*\(({_REFS})\)(?=\s*(?:$|\(?NCT|[,;]))")
# a superscript citation glued to an NCT id, which always has eight digits: NCT + 8 digits +
# "151" is the id and reference 151; the id + "⁎,152" is reference 152 after a footnote mark
_AFTER_NCT = re.compile(r"(?<=\bNCT\d{8})[⁎*†‡]?,?(\d{1,3}(?:,\d{1,3})*)(?![\d.])")


# a superscript citation glued to a drug's name that ends the cell, after a footnote letter
# maybe ("placebo26", "mitoxantroneb,23", "Sorafenib28,29"): the name ends in a lower-case
# letter, so codes such as "FOLFOX6" or "CPT-11" are not cut
_GLUED = re.compile(r"(?<=[a-z])([a-e]?,?)(\d{1,3}(?:,\d{1,3})*)$")


def _after_drug(text: str) -> re.Match | None:
    """The citation glued to the drug or control arm that ends the text (see _GLUED): a match
    whose group 1 is the reference numbers and whose span is what the name drops (the
    footnote letter too, unless it is the name's last letter)."""
    m = _GLUED.search(text)
    if m is None:
        return None
    word = re.split(r"[\s+/(]", text[:m.start()])[-1]
    letter = m.group(1).rstrip(",")
    if letter and (is_drug_word(word + letter) or (word + letter).lower() in CONTROL_ARMS):
        return _REFS_AT_END.search(text, m.start() + len(letter))        # "Sorafenib28,29"
    if is_drug_word(word) or word.lower() in CONTROL_ARMS:
        return _MARKED_REFS_AT_END.search(text, m.start())              # "mitoxantroneb,23"
    return None


_REFS_AT_END = re.compile(r",?(\d{1,3}(?:,\d{1,3})*)$")
_MARKED_REFS_AT_END = re.compile(r"[a-e]?,?(\d{1,3}(?:,\d{1,3})*)$")


# "DrugA + DrugB (84) DrugC + DrugB (27)": a name with its count in parentheses, as in a list
_NAMED_COUNT = re.compile(r"[A-Za-z][\w+-]*\s*\(\s*(?!(?:19|20)\d\d\s*\))\d{1,5}\s*\)")


def _round_citation(text: str) -> re.Match | None:
    """A citation in round brackets at the end (or before an NCT id); not the last of a list of
    names each with a number in brackets ("A (84) B (27)": those are counts)."""
    m = _ROUND_END.search(text)
    if m is not None and "," not in m.group(1) and _NAMED_COUNT.search(text[:m.start()]):
        return None
    return m


def split_citation(text: str | None) -> tuple[str | None, str | None]:
    if not text:
        return text, None
    m = _SQUARE.search(text) or _round_citation(text)
    if m is None:
        g = _AFTER_NCT.search(text) or _after_drug(text)
        if g is not None:
            return (text[:g.start()] + text[g.end():]).strip(), g.group(1)
        return text, None
    rest = (text[:m.start()] + text[m.end():]).strip()
    if not rest:
        return text, None                 # the cell is only a citation: a ref column's cell
    return rest, m.group(0).strip()
