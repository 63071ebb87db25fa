"""Population names as written: cleaned ("patients with G3 NEC (n = 20)" -> "G3 NEC"), split
from a list ("NETs and NECs"), and told apart from words that name the whole cohort ("all
patients", "ITT population") or no population at all ("analysis", "follow-up").
"""
from __future__ import annotations

import re
from functools import lru_cache

from ...normalize.units import time_unit
from .tokens import Value

NOT_POPULATION = re.compile(r"(?i)\b(analysis|analyses|follow-up|study|trial|part|setting|update|"
                            r"report|cohort of the trial|overall|total|intention|itt|whole)\b")
ALL_POPULATION = re.compile(r"(?i)^(?:the\s+)?(?:all|all patients|all pts|all evaluable patients|overall|"
                            r"(?:across\s+)?all\s+(?:dose\s+levels|doses|cohorts|arms|groups|subgroups|parts)|"
                            r"(?:overall|whole|entire|total|full|study|intention-to-treat|itt)\s+"
                            r"(?:population|cohort|group|patients|analysis set))$")
HEAD_NOUNS = {"tumors", "tumours", "disease", "diseases", "cancer", "cancers", "patients", "cases"}
# labels that head results without naming who they are for: "Efficacy: ORR 12%"
GENERIC_LABEL = re.compile(r"(?i)\b(analysis|analyses|follow-up|update|report|results?|efficacy|outcomes?|"
                           r"safety|overall|total|itt|intention|primary|secondary|endpoints?|notes?)\b")


# "X vs X-Y: Liver: 6.1% vs 14.5%": a cell opening with the names of the arms it compares
_ARMS_HEADER = re.compile(r"^\s*([^:;()\[\]%=]{1,80}?)\s*:")
_VS = re.compile(r"\s+(?:vs\.?|versus)\s+", re.I)


def arms_header(text: str | None) -> list[str] | None:
    """The arms a cell names before its first colon ('A vs B: ...' -> ['A', 'B']), each one to
    four words with no value in them; None when the cell opens otherwise."""
    m = _ARMS_HEADER.match(text or "")
    if m is None:
        return None
    names = [" ".join(p.split()) for p in _VS.split(m.group(1))]
    # "8 wk X vs X-Y:": a landmark a pasted row ran into the cell is no part of a name
    words = names[0].split()
    while words and (re.search(r"\d", words[0]) or time_unit(words[0].lower()) or any(re.search(r"\d", w) for w in words[1:])):
        words = words[1:]
    names[0] = " ".join(words)
    if len(names) < 2 or any(not n or len(n.split()) > 4 or re.search(r"(?<![\w-])\d+(?:\.\d+)?(?![\w-])", n)
                             for n in names):
        return None
    return names


_SPACES = re.compile(r"\s+")
_N_AFTER = re.compile(r"\s*\((?:n\s*=\s*\d+|\d+/\d+)\)\s*$")
_SPACED_SIGN = re.compile(r"(?<=\w)\s+([+−-])$")
_LEAD_WHO = re.compile(r"^(?:the|those|patients|pts)\s+(?:with\s+)?", re.I)
_LEAD_WITH = re.compile(r"^(?:patients|pts)\s+with\s+", re.I)


@lru_cache(maxsize=4096)
def clean_population(text: str) -> str:
    """A population as written, without a trailing "(n = 20)" and a leading "patients with".
    (Pure, asked again of the same labels and contexts: a bounded cache, compiled patterns.)"""
    t = _SPACES.sub(" ", text).strip(" ,;:.")      # typographic spaces and tabs fold to one space
    t = _N_AFTER.sub("", t)      # "PD-L1+ (n = 20)"
    t = _SPACED_SIGN.sub(r"\1", t)                    # "PD-L1 +" -> "PD-L1+"
    t = _LEAD_WHO.sub("", t)
    t = _LEAD_WITH.sub("", t)
    return t.strip(" ,;:.")


_LIST_SPLIT = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+and\s+")


def split_list(text: str) -> list[str]:
    """'NETs and NECs', 'A, B and C': the populations of a list, each cleaned."""
    parts = [p for p in _LIST_SPLIT.split(text) if p.strip()]
    if len(parts) > 1:
        # a head noun shared by the list: "MSI-H and MSS tumors", "stage C and B disease"
        last = parts[-1].split()
        if len(last) > 1 and last[-1].lower() in HEAD_NOUNS:
            rest = " ".join(last[:-1])
            if not rest[:1].islower():
                parts[-1] = rest
    return [clean_population(p) for p in parts]


def pop_of(v: Value, context: str) -> str:
    """The population a value names after it ('12% in NEC'), else the clause's `context`."""
    if v.pop:
        p = clean_population(v.pop)
        if ALL_POPULATION.match(p):
            return "all"
        return p or context
    return context
