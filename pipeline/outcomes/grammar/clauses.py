"""One clause of an outcome cell: its values given to the measures named in it.

Values go to the nearest preceding measure named in their clause whose kind fits them (rates
take a %, medians a duration), or pair up with a list of measures ("the median PFS and OS
were 3.0 and 7.5 months") or with populations when the clause says "respectively"; "x% in NEC
and y% in NET" gives each value its own population; "x vs. y" the row's arms. A number no
measure is named for is left with a narrative rule.
"""
from __future__ import annotations

from ...model import CellMeasure
from ...normalize.units import time_unit, to_months
from .populations import clean_population, pop_of, split_list
from .records import OutcomeParse
from .tokens import MEASURES, RATE_MEASURES, VS_BETWEEN, VS_WORDS, Cell, Mention, Value, depth, unit_after
from .values import values

Pair = tuple[Mention, Value]


def clause(cell: Cell, a: int, b: int, context: str, res: OutcomeParse, used: set[int],
           arms: list[str] | None = None) -> None:
    mentions = [m for m in cell.mentions if a <= m.start < b]
    vals = values(cell, a, b, used)
    if not vals:
        return
    if cell.default is not None:
        mentions = [_default_mention(cell, a, vals[0].tok)] + mentions
        for v in vals:
            if v.unit is None and not v.nr and cell.default_unit:
                v.unit, v.unit_rep = cell.default_unit, None
    if not any(m.label in MEASURES for m in mentions):
        # "a PR that was ongoing for 13 months": a number no measure is named for
        for v in vals:
            if not v.nr:
                cell.role.setdefault(v.tok, "no_measure_named")
        return
    first_mention_start = min(m.start for m in mentions)
    vals = [v for v in vals if v.tok >= first_mention_start]
    resp = any(cell.lower[i] == "respectively" for i in range(a, b))
    between: set[int] = set()     # values that sit between two measures they could belong to
    listed = measures_then_values(cell, mentions, vals, resp)
    if listed is not None:
        assigned = [(m, v, pop_of(v, context)) for m, v in listed]
    else:
        owners = _owners(cell, a, b, mentions, vals, between)
        assigned = _with_populations(cell, owners, resp, arms, context)
    for m, v, pop in assigned:
        if m.label not in MEASURES:
            if not v.nr:
                cell.role[v.tok] = "follow_up" if m.label == "follow_up" else "other_outcome"
            continue
        _emit(cell, m, v, pop, res, used, ("measure_ambiguous",) if v.tok in between else ())


def _default_mention(cell: Cell, a: int, first: int) -> Mention:
    """The column's own measure for the clause [a, ...) whose first value is token `first`;
    a landmark heading the clause with no measure named after it ('3-year: 62% vs. 71%' under
    'OS (months)') makes a median column's survival its rate at that landmark, and a response
    column's value at a survival landmark no response rate (see
    _survival_landmark_under_response)."""
    d = cell.default
    tp = heading_landmark(cell, a, first)
    if tp is None:
        return Mention(d.label, a, a, d.tp_months)
    label = d.label.replace("_median", "_rate") if d.label in ("pfs_median", "os_median") else d.label
    return Mention(label, a, a, tp)


def heading_landmark(cell: Cell, a: int, first: int) -> float | None:
    """The landmark (months) heading the values of a clause that starts at token `a` and
    whose first value is token `first`, when no measure is named between the two."""
    return next((t for (s, e, t) in cell.landmarks if a <= s and e <= first
                 and not any(e <= m.start < first for m in cell.mentions)), None)


def _owners(cell: Cell, a: int, b: int, mentions: list[Mention], vals: list[Value], between: set[int]) -> list[Pair]:
    """Each value with the mention it belongs to; `between` gets the values that could as well
    belong to the measure on their other side."""
    owners = []
    for v in vals:
        m, ambiguous = owner(cell, a, b, mentions, v)
        if m is not None and m.label.endswith("_median") and v.value == 0:
            cell.role[v.tok] = "no_rule"      # "NR vs. 14 0.0 m": no median lasts no time
            continue
        if m is not None:
            owners.append((m, v))
        if ambiguous:
            between.add(v.tok)
    return owners


def measures_then_values(cell: Cell, mentions: list[Mention], vals: list[Value], resp: bool) -> list[Pair] | None:
    """'the mPFS and mOS were 2.5 and 7.8 months, respectively', 'the median PFS and OS were
    3.0 and 7.5 months': a list of measures, then as many values, each fitting its measure."""
    if not vals:
        return None
    # the column's own measure (a mention of no width) is no item of a list: "ORR 33% vs. 14%"
    # under an ORR column names one measure, not two
    before = [m for m in mentions if m.label in MEASURES and m.end <= vals[0].tok and m.end > m.start]
    listed = not any(m.start > vals[0].tok for m in mentions)
    if (resp or listed) and len(before) > 1 and len(before) == len(vals) and all(
            _compatible([m], v, lambda m, v: _adjacent(cell, m, v)) is m for m, v in zip(before, vals)):
        return list(zip(before, vals))
    return None


def owner(cell: Cell, a: int, b: int, mentions: list[Mention], v: Value) -> tuple[Mention | None, bool]:
    """The mention a value belongs to (a measure, or a look-alike that takes it out), and
    whether it could as well belong to the measure named on its other side."""
    # "43.2% 6-mo PFS": a value written just before the measure it belongs to; not when
    # that measure has a value of its own ("2.0 months mOS: 5.6 months") or the value
    # ends a comparison begun before it ("ORR: 11.2% versus 0% DCR: 40.3%")
    nxt = [m for m in mentions if m.start == v.end_tok and m.end > m.start
           and not _has_own_value(cell, m, b) and not _compared(cell, a, v)]
    if nxt and nxt[0].label not in MEASURES:
        return nxt[0], False          # "(1 CR, 4 PR)": a count of responses
    m = _compatible(nxt, v) if nxt else None
    if m is not None and m.label in MEASURES:
        # "1 year PFS 15% 1 year OS 50%": the 15% is as much PFS's (named right before
        # it) as OS's (named right after)
        before_v = [p for p in mentions if p.end == v.tok and p.end > p.start and p.label in MEASURES]
        other = _compatible(before_v, v) if before_v else None
        return m, other is not None and (other.label, other.tp_months) != (m.label, m.tp_months)
    if m is None:
        # "ORR 12.4%, median OS 9.2 months, 41.3% at 1 year": the rate at a landmark is the
        # survival's named last, never the response named before it
        m = _landmark_rate(cell, v, [m for m in mentions if m.end <= v.tok])
    if m is None:
        m = _named_before(cell, a, mentions, v)
    if m is not None and _survival_landmark_under_response(cell, m, v):
        cell.role.setdefault(v.tok, "no_measure_named")
        return None, False
    return m, False


# a landmark this long after the start is a survival landmark, not a response assessment
_SURVIVAL_LANDMARK_MONTHS = 12.0


def _survival_landmark_under_response(cell: Cell, m: Mention, v: Value) -> bool:
    """'41.3% at 1 year', '2-year: 53%' in a response column, no measure named: a rate at a survival
    landmark is no response rate just because the column is one (it is left as narrative)."""
    if m.start != m.end or m.label not in ("orr", "dcr"):
        return False          # a measure named in the text ("DCR 60% at 12 weeks")
    tp = next((t for (s, _e, t) in cell.timepoints if s == v.end_tok), None)
    if tp is None:
        tp = heading_landmark(cell, m.start, v.tok)      # "2-year: 53%" under a response column
    return tp is not None and tp >= _SURVIVAL_LANDMARK_MONTHS


def _named_before(cell: Cell, a: int, mentions: list[Mention], v: Value) -> Mention | None:
    """The nearest fitting measure named before the value; one named outside a parenthesis
    the value stands in comes first: "15% with nivolumab (14 patients with CR) vs. 7% with
    sorafenib"."""
    d = depth(cell, a, v.tok)
    prev = [m for m in mentions if m.end <= v.tok]
    outer = [m for m in prev if m.end == m.start or depth(cell, a, m.start) <= d]
    m = _compatible(outer, v, lambda m, v: _adjacent(cell, m, v)) if outer else None
    if m is None and prev:
        m = _compatible(prev, v, lambda m, v: _adjacent(cell, m, v))
    return m


def _with_populations(cell: Cell, owners: list[Pair], resp: bool, arms: list[str] | None,
                      context: str) -> list[tuple[Mention, Value, str]]:
    """Each owner's values with their populations, owner by owner in the order first met."""
    assigned = []
    for m in {id(m): m for m, _ in owners}.values():
        group = [v for o, v in owners if o is m]
        pops = group_populations(cell, group, resp, list(m.arms) if m.arms else arms) \
            if m.label in MEASURES else None
        for k, v in enumerate(group):
            assigned.append((m, v, pops[k] if pops else pop_of(v, context)))
    return assigned


def group_populations(cell: Cell, group: list[Value], resp: bool,
                       arms: list[str] | None) -> list[str] | None:
    """Populations for the values of one measure when the text lists them together:
    "58.3% and 54.7% in NETs and NECs, respectively", "30% vs. 12% for A and B",
    "11.2 vs. 9.6 months" (the row's arms, else arm 1, arm 2)."""
    if len(group) < 2:
        return None
    labels = [_paren_label_after(cell, v) for v in group]
    if all(labels) and len(set(labels)) == len(labels):
        return labels            # "ORR: 57.1% (NS) 76.5% (NC)": each value names its group after it
    runs = _subgroup_runs(cell, group)
    if runs is not None:
        k = len(runs[0])
        names = list(arms) if arms and len(arms) == k else [f"arm {j + 1}" for j in range(k)]
        return [f"{names[j]}, {clean_population(run[0].pop)}" if run[0].pop else names[j]
                for run in runs for j in range(k)]
    vs_joined = all(_vs_between(cell, v, w) for v, w in zip(group, group[1:]))
    if (resp or vs_joined) and group[-1].pop:
        lst = split_list(group[-1].pop)
        if len(lst) == len(group):
            return lst
    if vs_joined and not resp and not any(v.pop for v in group):
        return list(arms) if arms and len(arms) == len(group) else [f"arm {k + 1}" for k in range(len(group))]
    return None


def _vs_between(cell: Cell, v: Value, w: Value) -> bool:
    return any(cell.lower[x] in VS_BETWEEN for x in range(v.end_tok, w.tok))


def _subgroup_runs(cell: Cell, group: list[Value]) -> list[list[Value]] | None:
    """'Liver: 6.1% vs 14.5% Bone: 5.2% vs 9.8%': comparisons of the arms, each headed by the
    subgroup it is for (a label and a colon before its first value, none before the others),
    all of one length; None for any other shape."""
    runs: list[list[Value]] = [[group[0]]]
    for v, w in zip(group, group[1:]):
        if _vs_between(cell, v, w):
            runs[-1].append(w)
        else:
            runs.append([w])
    # a run with no label is the whole cohort's comparison ("9.1 vs 8.3 m (HR 0.82) CPS > 10:
    # 10.4 vs 8.0 m"); at least one run names its subgroup
    if not all(len(r) == len(runs[0]) > 1 and (not r[0].pop or (r[0].pop_span and r[0].pop_span[1] == r[0].tok - 1))
               and not any(x.pop for x in r[1:]) for r in runs) or not any(r[0].pop for r in runs):
        return None
    return runs


def _paren_label_after(cell: Cell, v: Value) -> str | None:
    """'57.1% (NS)', '9.7 months (arm A)': a short label of words in parentheses right after a
    value (no number, no measure, no unit), or None."""
    j = v.end_tok
    if j >= len(cell.words) or cell.words[j] != "(":
        return None
    close = next((x for x in range(j + 1, min(len(cell.words), j + 5)) if cell.words[x] == ")"), None)
    if close is None or close == j + 1:
        return None
    if any(cell.is_num(x) or time_unit(cell.lower[x]) or cell.words[x] in ("%", "=", ";", ",")
           for x in range(j + 1, close)):
        return None
    if any(j < m.start < close for m in cell.mentions):
        return None
    return cell.text_of(j + 1, close)


def _compatible(prev: list[Mention], v: Value, adjacent=None) -> Mention | None:
    """Nearest preceding mention whose kind fits the value (rates take %, medians durations)."""
    for m in reversed(prev):
        if m.label not in MEASURES:
            return m          # a look-alike (DOR, follow-up) between the measure and the value
        if v.nr and m.label.endswith("_median"):
            return m
        if v.unit == "%" and m.label in RATE_MEASURES:
            return m
        if v.unit and v.unit != "%" and m.label.endswith("_median"):
            return m
        if v.unit is None and not v.nr and m.label.endswith("_median"):
            # "mPFS, 4.0; mOS, 9.1": a bare number right after a median is in months
            return m if adjacent is not None and adjacent(m, v) else None
    return None


def _has_own_value(cell: Cell, m: Mention, b: int) -> bool:
    """The mention is followed by its value: 'mPFS: 2.0', 'DCR 28%', 'mOS, NR'."""
    j = m.end
    while j < b and cell.words[j] in (":", ",", "=", "was", "were", "is", "of"):
        j += 1
    if j >= b or not (cell.is_num(j) and j not in cell.role or any(s == j for s, _ in cell.nr_spans)):
        return False
    if "," in cell.words[m.end:j]:
        # "43.2% 6-mo PFS, 17.5% 12-mo PFS": after a comma, a value written before a measure
        # of its own starts the next item of a list
        after = unit_after(cell, j)[2]
        return not any(x.start == after for x in cell.mentions)
    return True


def _compared(cell: Cell, a: int, v: Value) -> bool:
    """The value is the second term of 'x vs. y' (so it belongs to the measure of x)."""
    k = v.tok - 1
    return k > a and cell.lower[k] in VS_WORDS and (
        cell.is_num(k - 1) or cell.words[k - 1] == "%" or time_unit(cell.lower[k - 1]) is not None)


def _landmark_rate(cell: Cell, v: Value, prev: list[Mention]) -> Mention | None:
    """'median OS: 10.1 months, 41.3% at 1 year': a percentage with a landmark after it, where
    the last survival measure named is a median, is that survival's rate at the landmark."""
    if v.unit != "%" or not any(a == v.end_tok for (a, _b, _tp) in cell.timepoints):
        return None
    last = next((m for m in reversed(prev) if m.label in MEASURES), None)
    if last is None or last.label not in ("pfs_median", "os_median", "pfs_rate", "os_rate"):
        return None
    return Mention(last.label.split("_")[0] + "_rate", last.start, last.end)


_LINK_WORDS = {",", ":", "=", "was", "were", "is", "of"}


_COUNT_NOUNS = {"patients", "pts", "participants", "subjects", "cases", "responders", "evaluable", "eligible",
                "enrolled", "treated", "tumors", "tumours", "lesions", "of", "out"}
_AFTER_BARE = {",", ";", ".", ")", "and", "or", "vs.", "vs", "versus", "in", "for", "with", "respectively",
               "among", "per", "at", "by", "the", "of", "was", "were", "(", ":"}


def _adjacent(cell: Cell, m: Mention, v: Value) -> bool:
    """A bare number right after a median ('mPFS, 4.0;'), not followed by a word that could be
    a unit we do not know ('8.9 fortnights')."""
    nxt = cell.words[v.end_tok] if v.end_tok < len(cell.words) else ";"
    if nxt not in _AFTER_BARE and nxt.isalpha() and nxt.islower() and nxt not in _COUNT_NOUNS:
        cell.role.setdefault(v.tok, "unknown_unit")
        return False
    t = v.tok
    while t - 2 >= m.end and cell.lower[t - 1] in VS_WORDS and cell.is_num(t - 2):
        t -= 2            # "OS 8.7 vs. 11.2": a comparison's later terms go with its first
    return t - m.end <= 2 and all(cell.lower[x] in _LINK_WORDS for x in range(m.end, t))


def _emit(cell: Cell, m: Mention, v: Value, pop: str, res: OutcomeParse, used: set[int],
          flags: tuple[str, ...] = ()) -> None:
    if v.nr:
        s, e = cell.span(v.tok, v.end_tok)
        res.measures.append(CellMeasure(m.label, pop, None, "months", True, cell.text_of(v.tok, v.end_tok),
                                  None, m.tp_months, s, e, flags))
        return
    if (m.label in RATE_MEASURES) != (v.unit == "%"):
        cell.role.setdefault(v.tok, "unit_does_not_fit")   # defensive: a % for a median or a duration for a rate
        return
    if m.label in RATE_MEASURES:
        value, unit, unit_rep = v.value, "%", "%"
    else:
        value = round(to_months(v.value, v.unit), 4)
        unit, unit_rep = "months", v.unit_rep
    tp = m.tp_months
    if tp is None and m.label in RATE_MEASURES:
        # "DCR was 60% at 12 weeks": the landmark written after the value
        after = next((t for (a, b, t) in cell.timepoints if a == v.end_tok), None)
        if after is not None:
            tp = after
            for i in range(v.end_tok, v.end_tok + 3):
                if cell.is_num(i):
                    cell.role[i] = "timepoint_of_measure"
                    break
    s, e = cell.span(v.tok, v.end_tok)
    res.measures.append(CellMeasure(m.label, pop, value, unit, False, cell.words[v.tok], unit_rep, tp, s, e, flags))
    used.add(v.tok)

