"""Lone values: one value read for the whole cohort (population 'all') in a row of several arms
while the table gives per-arm values elsewhere. Whose value it is, and in which column it
sits, is a guess: it is flagged `lone_value` for review, never changed.

Three layouts: a row naming its arms ("A vs. B") whose other cells give a value per arm; a row
whose regimen adds a drug or not ("A +/- B", "A with or without B": two arms) stating single
values; and a
trial's arm rows (one row per arm, the trial cell spanning down) where one row states a single
value with its other value columns left empty, while arm rows elsewhere state several (pasted
text drops empty cells, so which column such a value belongs to is not seen).
"""
from __future__ import annotations

import re

from ..model import Arm, Measure
from ..outcomes.review import UNNAMED_ARM, ordered

FLAG = "lone_value"
_TRIAL_KINDS = ("trial_id", "study", "trial")


def _per_arm(m: Measure, labels: list[str]) -> bool:
    """An outcome value of one arm: counts per regimen ('Drug A (113) Drug B (39)') say how the
    cohort is made up, its outcomes may well be pooled."""
    return m["measure"] != "n" and m["population"] in labels or bool(UNNAMED_ARM.fullmatch(m["population"]))


def flag_in_armed_row(measures: list[Measure], labels: list[str] | None) -> None:
    """A value for 'all' (not a count: a trial's total beside its arms' is the usual layout)
    in a row of two or more named arms, another of whose outcome values is one arm's."""
    if not labels or len(labels) < 2 or not any(_per_arm(m, labels) for m in measures):
        return
    for m in measures:
        if m["population"] == "all" and m["measure"] != "n":
            m["flags"].append(FLAG)


# a regimen with a drug added or not: two arms ("Gemcitabine +/- sorafenib", "A ± B", "A with or
# without B")
OPTIONAL_DRUG = re.compile(r"\+\s*/\s*[-−–]|±|\bwith or without\b", re.I)


def flag_optional_arm(measures: list[Measure], treatment: str | None, labels: list[str] | None) -> None:
    """Values for 'all' in a row whose regimen is two arms, one with a drug and one without
    ('Gemcitabine +/- sorafenib ... 7% 2.9 9.4'), whose arms were not named: whose values
    they are is a guess."""
    if labels or not treatment or not OPTIONAL_DRUG.search(treatment):
        return
    for m in measures:
        if m["population"] == "all" and m["measure"] != "n":
            m["flags"].append(FLAG)


def lone_in_row(measures: list[Measure], texts: dict[int, str], value_columns: list[int]) -> bool:
    """The row states one value (counts aside) and leaves its other value columns empty."""
    values = [m for m in measures if m["measure"] != "n"]
    if len(values) != 1 or len(value_columns) < 2:
        return False
    stated = [j for j in value_columns if (texts.get(j) or "").strip()]
    return len(stated) == 1


def _arm_rows(arms: list[Arm]) -> set[int]:
    """Rows that are one of a trial's arm rows: the trial cell spans into the row or from it."""
    out: set[int] = set()
    for k, arm in enumerate(arms):
        if any(f in _TRIAL_KINDS for f in arm["filled"]):
            out.add(arm["row"])
            if k > 0:
                out.add(arms[k - 1]["row"])
    return out


def flag_lone_arm_rows(arms: list[Arm], measures: list[Measure], lone_rows: set[int]) -> None:
    """A lone value on a trial's arm row, when another arm row of the table states several."""
    rows = _arm_rows(arms)
    if not rows & lone_rows:
        return
    per_row: dict[int, int] = {}
    for m in measures:
        if m["measure"] != "n" and m["row"] in rows:
            per_row[m["row"]] = per_row.get(m["row"], 0) + 1
    if not any(c >= 2 for c in per_row.values()):
        return
    for m in measures:
        if m["row"] in rows & lone_rows and m["measure"] != "n" and m["population"] == "all":
            m["flags"] = ordered([*m["flags"], FLAG])
