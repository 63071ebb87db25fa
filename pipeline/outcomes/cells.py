"""Numeric cells: "19.4", "8.4a", "NR", "7.3 vs. 5.9 (HR 0.70; 95% CI, 0.59–0.83)",
"19.4 vs. 9.7 months", "N = 204 (103 vs. 101)", "–".

`parse_value_cell(text)` returns a CellParse with one CellValue per number that is a value,
each with its span in the original text; None when the text is not a value cell at all.
Numbers inside parentheses (HR, CI, P) and footnote marks glued to values are not values.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..normalize.text import normalize
from ..normalize.units import time_unit

# a cell that holds no value: a dash, "NA", "NR" (whose meaning the table's legend settles),
# "ongoing" ...; the one definition, used by the aligner too
MISSING = re.compile(r"^(?:-+|—|NA|N/A|n\.?a\.?|ND|NE|not reported|not available|not evaluable|"
                     r"not estimable|not stated|ongoing|pending|unknown|none|nr\*?)$", re.I)
# "NS": not stated, or not significant (a comparison's test). A cell of its own in a grid
# holds no value (the realigner of shifted rows, table/shifted.py); in pasted text it is as
# often the test written under a value, so the aligner does not take it for an empty cell
NOT_STATED = re.compile(r"^(?:NS|n\.s\.|not stated|not significant)$", re.I)
# a number: "8.4", a whole one with thousands separators ("1,234", never "1,23" or "1,2345"),
# or a rate with a decimal comma ("17,6%": one or two digits after the comma, then "%")
_NUM = re.compile(r"(\d{1,3}(?:,\d{3})+(?![\d.,])|\d+,\d{1,2}(?=\s*%)|\d+(?:\.\d+)?)([a-e](?![a-z])|[†‡*§¶#]+)?")
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")
# a footnote mark after a value's unit or an NR ("5.1 y*", "NR*")
_MARK = re.compile(r"[†‡*§¶#]+")
# or a footnote letter after a percent sign ("39.5%a"; after a word unit a letter is a word's)
_MARK_AFTER_PERCENT = re.compile(r"[a-e](?![A-Za-z])|[†‡*§¶#]+")
_NR = re.compile(r"(NR|not reached|Not reached|NOT REACHED|NE\b|not estimable)", re.I)
_UNIT = re.compile(r"\s*(%(?=[a-e](?![A-Za-z]))|(?:%|months?|mo\.?|mos|m|weeks?|wks?|w|days?|d|years?|yrs?|y)(?![A-Za-z]))",
                   re.I)      # (a percent sign may have a footnote letter after it: "39.5%a")
_SEP = re.compile(r"\s*(?:vs\.?|versus|VS\.?)\s*")
# a result written in prose: a percentage or a decimal duration ("10.3%", "13.2 months"); an
# endpoint's name has at most a whole landmark ("PFS at 6 months")
_RESULT = re.compile(r"\d+(?:\.\d+)?\s*%|\d+\.\d+\s*(?:months?|mo|weeks?|wks?)\b")


def endpoint_may_hold_results(kinds) -> bool:
    """Only a table without a results column of its own (free text, an endpoint's outcome, a
    rate or a median) writes its results into the endpoint column."""
    return not any(k in ("outcomes_text", "endpoint_result", "orr_pct", "dcr_pct", "pfs_median", "os_median",
                         "pfs_rate", "os_rate") for k in kinds)


def states_results(text: str) -> bool:
    """Does a cell of a label column (an endpoint) hold the row's results instead?
    'Safety and efficacy: median OS 13.2 months; ORR 10.3%' does, 'PFS at 6 months' does not."""
    return len(text.split()) > 5 and bool(_RESULT.search(text))
_PAREN = re.compile(r"\s*(?:\([^()]*\)|\[[^\[\]]*\])")
# "(PD-L1 >=1%)", "(CPS >= 10)": a subgroup defined by a threshold
_SUBGROUP_PAREN = re.compile(r"\(\s*[A-Za-z][\w-]*(?: [\w-]+)?\s*(?:>=|<=|>|<)\s*\d+(?:\.\d+)?\s*%?\s*\)")
# a short name of words in parentheses, no number: "(A)", "(arm B)", "(BRAF wild-type)"
_ARM_LABEL = re.compile(r"\(\s*([A-Za-z][A-Za-z+/ -]{0,24}?)\s*\)")
_NPREFIX = re.compile(r"^\s*[Nn]\s*=\s*")
_DASH = re.compile(r"[-—]")


@dataclass
class CellValue:
    value: float | None          # as written (no unit conversion), None when not reached
    not_reached: bool
    start: int                   # span in the ORIGINAL cell text
    end: int
    value_as_reported: str       # the number as written ("8.4", "NR")
    unit: str | None = None      # canonical unit written with the value ("months", "%")
    unit_as_reported: str | None = None
    missing: bool = False        # a "–" inside a "vs." cell
    label: str | None = None     # "10.9 (A) vs 5.7 (B)": the arm named in parentheses after it
    subgroup: str | None = None  # "11.3 (PD-L1 >=1%)": the subgroup a threshold in parentheses names


@dataclass
class CellParse:
    values: list[CellValue] = field(default_factory=list)
    missing: bool = False
    total: CellValue | None = None   # "N = 132 (66 vs. 66)": the 132; values are the arms


def parse_value_cell(text: str, nr_means_missing: bool = False) -> CellParse | None:
    norm = normalize(text)
    s = norm.text
    stripped = s.strip()
    if not stripped:
        return CellParse(missing=True)
    if MISSING.match(stripped) and not (stripped.upper() == "NR" and not nr_means_missing):
        return CellParse(missing=True)
    m = _NPREFIX.match(s)
    n_prefix = bool(m)
    run = _value_run(text, norm, m.end() if m else 0, nr_means_missing)
    if run is None:
        return None
    vals, parens, pos = run
    if n_prefix and len(vals) == 1 and not parens:
        # "N = 85 42 vs. 43": the total, then the arms without parentheses
        arms = _arms_after_total(norm, pos)
        if arms is not None:
            return CellParse(values=arms, total=vals[0])
    pos = _unit_after_values(s, pos, vals)
    if s[pos:].strip(" ."):
        return None
    _share_last_unit(vals)
    if n_prefix and len(vals) == 1 and parens:
        # "N = 132 (66 vs. 66)": the total, then one count per arm
        arms = _arms_in_parentheses(norm, parens[0])
        if arms is not None:
            return CellParse(values=arms, total=vals[0])
    return CellParse(values=vals)


def _value_run(text: str, norm, pos: int, nr_means_missing: bool
               ) -> tuple[list[CellValue], list[tuple[int, int]], int] | None:
    """Values joined by "vs." from `pos`, each with what its parentheses say: the values, the
    parentheses' spans and where the run ends; None when something else than a value starts."""
    s = norm.text
    vals: list[CellValue] = []
    parens: list[tuple[int, int]] = []
    while True:
        while pos < len(s) and s[pos] == " ":
            pos += 1
        v, pos = _value_at(norm, pos, nr_means_missing)
        if v is None:
            return None
        vals.append(v)
        pm = _PAREN.match(s, pos)
        if pm:
            parens.append((pm.start(), pm.end()))
            _read_parenthesis(text, norm, v, pm)
            pos = pm.end()
        sm = _SEP.match(s, pos)
        if not (sm and sm.end() < len(s)):
            return vals, parens, pos
        pos = sm.end()


def _read_parenthesis(text: str, norm, v: CellValue, pm: re.Match) -> None:
    """The parenthesis after a value: the arm it names ("(A)") or a subgroup ("(PD-L1 >=1%)")."""
    s = norm.text
    inner = s[pm.start():pm.end()].strip()
    lab = _ARM_LABEL.fullmatch(inner)
    if lab:
        v.label = lab.group(1)
    elif _SUBGROUP_PAREN.fullmatch(inner):
        st, en = norm.span(s.index("(", pm.start()) + 1, pm.end() - 1)
        v.subgroup = " ".join(text[st:en].split())


def _arms_after_total(norm, pos: int) -> list[CellValue] | None:
    """'N = 85 42 vs. 43': the arms' counts written after the total, spans in the cell's text."""
    s = norm.text
    rest = s[pos:].strip()
    sub = parse_value_cell(rest) if rest and " vs" in rest.lower() else None
    if not (sub and len(sub.values) > 1 and all(v.value is not None for v in sub.values)):
        return None
    off = s.index(rest, pos)
    arms = []
    for x in sub.values:
        st, en = norm.span(off + x.start, off + x.end)
        arms.append(CellValue(x.value, False, st, en, x.value_as_reported))
    return arms


def _arms_in_parentheses(norm, paren: tuple[int, int]) -> list[CellValue] | None:
    """'N = 132 (66 vs. 66)': one count per arm inside the parenthesis after the total."""
    s = norm.text
    p0, p1 = paren
    off = s.index("(", p0) + 1
    sub = parse_value_cell(s[off:p1 - 1])
    if not (sub and len(sub.values) > 1):
        return None
    arms = []
    for a in sub.values:
        st, en = norm.span(off + a.start, off + a.end)
        arms.append(CellValue(a.value, a.not_reached, st, en, a.value_as_reported, a.unit,
                              a.unit_as_reported, a.missing))
    return arms


def _unit_after_values(s: str, pos: int, vals: list[CellValue]) -> int:
    """A unit after the run of values gives every value without one its unit; returns where it ends."""
    um = _UNIT.match(s, pos)
    if not um:
        return pos
    unit = "%" if um.group(1) == "%" else time_unit(um.group(1).rstrip("."))
    for v in vals:
        if v.unit is None and not v.missing:
            v.unit, v.unit_as_reported = unit, um.group(1)
    return um.end()


def _share_last_unit(vals: list[CellValue]) -> None:
    """A unit written once after the last value applies to every value ("19.4 vs. 9.7 months")."""
    last_unit = next((v for v in reversed(vals) if v.unit), None)
    if last_unit is not None and last_unit is vals[-1]:
        for v in vals:
            if v.unit is None and not v.missing and not v.not_reached:
                v.unit, v.unit_as_reported = last_unit.unit, last_unit.unit_as_reported


def _value_at(norm, pos: int, nr_means_missing: bool) -> tuple[CellValue | None, int]:
    s = norm.text
    m = _NUM.match(s, pos)
    if m:
        end = m.end(1)
        st, en = norm.span(m.start(1), end)
        num = m.group(1)
        value = float(num.replace(",", ".") if _DECIMAL_COMMA.fullmatch(num) else num.replace(",", ""))
        v = CellValue(value, False, st, en, num)
        p = m.end()
        um = _UNIT.match(s, p)
        if um and um.group(1) == "%":
            v.unit, v.unit_as_reported = "%", "%"
            p = um.end()
        elif um and time_unit(um.group(1).rstrip(".")):
            # a unit right after a value that is not followed by "vs." applies to it
            v.unit, v.unit_as_reported = time_unit(um.group(1).rstrip(".")), um.group(1)
            p = um.end()
        if um and not m.group(2):
            mk = (_MARK_AFTER_PERCENT if um.group(1) == "%" else _MARK).match(s, p)
            p = mk.end() if mk else p
        return v, p
    m = _NR.match(s, pos)
    if m:
        st, en = norm.span(m.start(), m.end())
        mk = _MARK.match(s, m.end())
        after = mk.end() if mk else m.end()
        if nr_means_missing and "reached" not in m.group(0).lower():
            # an "NR" that is no value here (not reported); "not reached" written out says
            # what it means whatever the table's NR is
            return CellValue(None, False, st, en, m.group(0), missing=True), after
        return CellValue(None, True, st, en, m.group(0)), after
    m = _DASH.match(s, pos)
    if m:
        st, en = norm.span(m.start(), m.end())
        return CellValue(None, False, st, en, m.group(0), missing=True), m.end()
    return None, pos
