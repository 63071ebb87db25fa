"""Patient counts in free text: "24 and 19 were GEP-NENs and NECs, respectively", "9 were
GEP-NECs", "18 (60%) had pancreatic primaries", ", including 25 GEP-NECs", "17 CPT-11 and 5 PTX".

`counts(cell, a, b, res, used)` reads the counts of tokens [a, b) of a sentence that names
no measure; `emit_count` writes one count (measure "n") for a population.
"""
from __future__ import annotations

from ...model import CellMeasure
from .populations import clean_population, split_list
from .records import OutcomeParse
from .tokens import VS_BETWEEN, Cell, number, unit_after

COUNT_VERBS = {"were", "had", "was", "received", "with", "having", "are", "have"}
# words that end the population written after a count
_POP_STOP = {",", ";", ".", "(", "respectively", "including", "of", "whereas", "while", "who", "which"}
# words before a count that is followed by its population: ", including 25 GEP-NECs"
_COUNT_LEADS = ("including", ":", "and", ",")


def emit_count(cell: Cell, i: int, pop: str, res: OutcomeParse, used: set[int]) -> None:
    """Token i (a whole number) is the patient count of `pop`."""
    v = number(cell.words[i])
    if v != int(v):
        return
    s, e = cell.span(i, i + 1)
    res.measures.append(CellMeasure("n", pop, v, "patients", False, cell.words[i], None, None, s, e))
    used.add(i)


def is_count_num(cell: Cell, i: int, used: set[int]) -> bool:
    """A whole number with no unit and no role yet."""
    return (cell.is_num(i) and i not in cell.role and i not in used and "." not in cell.words[i]
            and unit_after(cell, i)[0] is None)


# words of a sentence about events (deaths, toxicity, discontinuations): its counts are of
# patients with the event, no cohort or subgroup ("2 died of TRAEs (1 pneumonitis and 1 colitis)")
EVENT_WORDS = {"died", "death", "deaths", "experienced", "discontinued", "discontinuation", "toxicity",
               "toxicities", "trae", "traes", "aes", "irae", "iraes"}


def counts(cell: Cell, a: int, b: int, res: OutcomeParse, used: set[int]) -> None:
    if any(cell.lower[x] in EVENT_WORDS for x in range(a, b)):
        return
    i = a
    while i < b:
        if not is_count_num(cell, i, used):
            i += 1
            continue
        nums, j = count_list(cell, i, b, used)
        if len(nums) == 1 and j < b and cell.words[j] == "(":
            j = _share_of_count(cell, j, b)
        if j < b and cell.lower[j] in COUNT_VERBS:
            i = _counts_before_verb(cell, nums, j + 1, b, res, used)
        elif len(nums) == 1:
            i = _count_before_population(cell, i, a, b, res, used)
        else:
            i = j


def count_list(cell: Cell, i: int, b: int, used: set[int]) -> tuple[list[int], int]:
    """A list of counts from token i: "24 and 19", "38, 15 and 12". Returns the counts' token
    indices and the token after the list."""
    nums = [i]
    j = i + 1
    while j + 1 < b and cell.words[j] in (",", "and") and is_count_num(cell, j + 1, used):
        nums.append(j + 1)
        j += 2
    return nums, j


def _share_of_count(cell: Cell, j: int, b: int) -> int:
    """'18 (60%) had pancreatic primaries': the share in parentheses at token j is the same
    count. Returns the token after the parenthesis when a count verb follows it, else j."""
    close = next((x for x in range(j, min(b, j + 6)) if cell.words[x] == ")"), None)
    if close is not None and close + 1 < b and cell.lower[close + 1] in COUNT_VERBS:
        for x in cell.nums_in(j, close):
            cell.role.setdefault(x, "share_of_count")
        return close + 1
    return j


def _counts_before_verb(cell: Cell, nums: list[int], k: int, b: int, res: OutcomeParse,
                        used: set[int]) -> int:
    """'9 were GEP-NECs', '24 and 19 were GEP-NENs and NECs, respectively': the counts, then a
    verb, then the populations from token k. Returns where reading goes on."""
    end = k
    resp_at = next((x for x in range(k, b) if cell.lower[x] == "respectively"), None)
    if len(nums) > 1 and resp_at is not None:
        # "38, 15 and 12 had CRC, gastric cancer and other tumors, respectively"
        end = resp_at
        while end > k and cell.words[end - 1] in (",", ";"):
            end -= 1
    while end < b and cell.words[end] not in _POP_STOP and not (
            cell.words[end] == "and" and end + 1 < b and is_count_num(cell, end + 1, used)):
        end += 1             # "20 had G3 NETs and 25 had NECs": the next count starts
    if end > k:
        pops_text = cell.text_of(k, end)
        pops = split_list(pops_text) if len(nums) > 1 else [clean_population(pops_text)]
        if len(nums) > 1 and len(pops) == len(nums):
            for t, p in zip(nums, pops):
                emit_count(cell, t, p, res, used)
        elif len(nums) == 1:
            emit_count(cell, nums[0], pops[0], res, used)
    return end + 1 if end < b and cell.words[end] == "and" else end


def _count_before_population(cell: Cell, i: int, a: int, b: int, res: OutcomeParse, used: set[int]) -> int:
    """'17 CPT-11 and 5 PTX', ', including 25 GEP-NECs': a count followed by its population.
    Returns the token after the population."""
    end = i + 1
    while end < b and cell.words[end] not in _POP_STOP and cell.words[end] != "and" and not cell.is_num(end):
        end += 1
    prev = cell.lower[i - 1] if i > a else ""
    if i + 1 < len(cell.lower) and cell.lower[i + 1] in VS_BETWEEN:
        return end           # "B: 14 vs 8 months": a value compared, no count of a group "vs"
    if end > i + 1 and (prev in _COUNT_LEADS or
                        (end < b and cell.words[end] == "and" and is_count_num(cell, end + 1, used))):
        emit_count(cell, i, clean_population(cell.text_of(i + 1, end)), res, used)
    return end
