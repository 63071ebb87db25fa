"""Population names as written: cleaned ("patients with G3 NEC (n = 20)" -> "G3 NEC"), split
from a list ("NETs and NECs"), and told apart from words that name the whole cohort ("all
patients", "ITT population") or no population at all ("analysis", "follow-up").
"""
from __future__ import annotations

import re

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


def clean_population(text: str) -> str:
    """A population as written, without a trailing "(n = 20)" and a leading "patients with"."""
    t = re.sub(r"\s+", " ", text).strip(" ,;:.")      # typographic spaces and tabs fold to one space
    t = re.sub(r"\s*\((?:n\s*=\s*\d+|\d+/\d+)\)\s*$", "", t)      # "PD-L1+ (n = 20)"
    t = re.sub(r"(?<=\w)\s+([+−-])$", r"\1", t)                    # "PD-L1 +" -> "PD-L1+"
    t = re.sub(r"^(?:the|those|patients|pts)\s+(?:with\s+)?", "", t, flags=re.I)
    t = re.sub(r"^(?:patients|pts)\s+with\s+", "", t, flags=re.I)
    return t.strip(" ,;:.")


def split_list(text: str) -> list[str]:
    """'NETs and NECs', 'A, B and C': the populations of a list, each cleaned."""
    parts = [p for p in re.split(r"\s*,\s*(?:and\s+|or\s+)?|\s+and\s+", text) if p.strip()]
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
