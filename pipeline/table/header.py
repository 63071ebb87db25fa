"""Header text -> canonical contract column, with the unit and timepoint the header implies.

`classify_header("mPFS (months)")` -> ColumnSpec(canonical="pfs_median", unit="months", ...).
`split_header_line("Study Primary sites No. of pts Regimen ORR (%) ...")` splits a pasted
header line (cells joined by single spaces) into header cells using the same lexicon.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..lexicon import tsv_rows, user_dir, user_rows
from ..normalize.text import clean
from ..normalize.units import time_unit

MEASURE_COLUMNS = ("n_total", "orr_pct", "dcr_pct", "pfs_median", "os_median", "pfs_rate", "os_rate")

# words that never stand alone as a header: they join the word after them
_JOINERS = {"median", "mean", "key", "primary", "overall", "objective", "disease", "no.", "no",
            "number", "duration", "time", "progression-free", "clinical", "main", "hazard", "95%",
            "grade", "sample", "molecular", "best", "complete", "partial"}


@dataclass(frozen=True)
class ColumnSpec:
    header: str                     # header text as printed
    canonical: str                  # contract column, "trial", "population", "other" or "extra"
    unit: str | None = None         # canonical time unit or "%" implied by the header
    unit_as_reported: str | None = None
    timepoint_months: float | None = None
    qualifier: str | None = None    # "n (SS)": the subgroup named in the header ("SS")

    @property
    def is_measure(self) -> bool:
        return self.canonical in MEASURE_COLUMNS


def header_lexicon() -> dict[str, str]:
    """Header synonym -> column: the package's headers.tsv extended by the user lexicon."""
    return _header_lexicon(user_dir())


@lru_cache(maxsize=4)
def _header_lexicon(user: str | None) -> dict[str, str]:
    text = resources.files("pipeline.table").joinpath("data/headers.tsv").read_text("utf-8")
    lex = dict(tsv_rows(text, "header", "pipeline/table/data/headers.tsv"))
    lex.update(user_rows(user, "headers.tsv", "header", set(lex.values())))
    return lex


_UNIT_PAREN = re.compile(r"\s*[\(\[]\s*([^()\[\]]*?)\s*[\)\]]\s*$")
_FOOTMARK = re.compile(r"[*†‡§¶#]+$")
_CONJUNCTIONS = {"and", "&", "or", "of", "/", "+", "with", "per", "at", "by", "in"}
_LANDMARK_WORD = re.compile(r"^\d+(?:\.\d+)?-?(?:months?|mo|m|years?|yrs?|y|weeks?|wks?|w)$", re.I)
# landmark rates: "6-mo PFS (%)", "PFS-6m (%)", "1-year OS (%)", "PFS rate at 6 months", "12-mo OS rate"
_RATE_BEFORE = re.compile(r"^(\d+(?:\.\d+)?)\s*-?\s*(months?|mo|mos|m|years?|yrs?|y|weeks?|wks?|w)\b\.?\s*-?\s*(pfs|os)\b(?:\s*rates?)?$")
_RATE_AFTER = re.compile(r"^(pfs|os)\s*(?:rates?)?\s*(?:-|at)?\s*(\d+(?:\.\d+)?)\s*-?\s*(months?|mo|mos|m|years?|yrs?|y|weeks?|wks?|w)\b\.?$")


def _unit_of(paren: str) -> tuple[str | None, str | None]:
    p = paren.strip().lower()
    if p in ("%", "percent", "% (95% ci)"):
        return "%", "%"
    tu = time_unit(p)
    if tu:
        return tu, paren.strip()
    return None, None


# parentheses after a count's header that say how it is written, not who is counted
_NOT_SUBGROUP = {"range", "iqr", "ci", "sd", "n", "no", "no.", "total", "patients", "pts", "%"}


def classify_header(header: str) -> ColumnSpec:
    text = clean(header)
    key = _FOOTMARK.sub("", text.lower()).strip()
    key = re.sub(r"(?<=\w)\(s\)", "s", key)          # "Primary site(s)" -> "primary sites"
    unit = unit_rep = None
    m = _UNIT_PAREN.search(key)
    if m:
        u, rep = _unit_of(m.group(1))
        if u:
            unit, unit_rep = u, rep
            key = key[:m.start()].strip()
    lex = header_lexicon()
    if unit == "%" and f"{key} (%)" in lex:       # a synonym only when given in percent
        return ColumnSpec(header, lex[f"{key} (%)"], unit, unit_rep)
    if key in lex:
        return ColumnSpec(header, lex[key], unit, unit_rep)
    if m and unit is None:
        # "n (SS)", "N (evaluable)": a parenthesis that is no unit names the subgroup a second
        # number of the cell counts ("454 (64)")
        base = key[:m.start()].strip()
        if lex.get(base) == "n_total" and re.fullmatch(r"[a-z][\w+/-]*(?: [\w+/-]+)?", m.group(1)) \
                and m.group(1) not in _NOT_SUBGROUP:
            return ColumnSpec(header, "n_total", None, None, None, _UNIT_PAREN.search(text).group(1))
    for rx, order in ((_RATE_BEFORE, "before"), (_RATE_AFTER, "after")):
        r = rx.match(key)
        if r:
            if order == "before":
                num, u, what = r.group(1), r.group(2), r.group(3)
            else:
                what, num, u = r.group(1), r.group(2), r.group(3)
            months = float(num) * {"months": 1, "weeks": 7 / 30.4375, "days": 1 / 30.4375,
                                   "years": 12}[time_unit(u) or "months"]
            return ColumnSpec(header, f"{what}_rate", "%", "%", round(months, 4))
    # a group heading above the column ("Efficacy ORR (%)", "Best ORR"): try without leading words
    words = header.split()
    if 1 < len(words) <= 4 and not header.lstrip().startswith("("):
        inner = classify_header(" ".join(words[1:]))
        if inner.canonical != "extra" and not words[1].startswith("("):
            return ColumnSpec(header, inner.canonical, inner.unit, inner.unit_as_reported, inner.timepoint_months)
    return ColumnSpec(header, "extra", unit, unit_rep)


def _phrases() -> tuple[dict[str, list[tuple[str, ...]]], frozenset[tuple[str, ...]]]:
    return _phrases_of(user_dir())


@lru_cache(maxsize=4)
def _phrases_of(user: str | None) -> tuple[dict[str, list[tuple[str, ...]]], frozenset[tuple[str, ...]]]:
    """The lexicon's phrases by first word, longest first, and the set of them all."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for ph in sorted((tuple(k.split()) for k in _header_lexicon(user)), key=len, reverse=True):
        by_first.setdefault(ph[0], []).append(ph)
    return by_first, frozenset(ph for group in by_first.values() for ph in group)


def split_header_line(line: str) -> list[str]:
    """Split a pasted header line into header cells.

    Longest match against the lexicon first; a parenthesised unit joins the cell before it;
    an unknown word starts a new cell when capitalised, and joins the previous one when it is
    lower case or follows a joiner word ("Median", "No.").
    """
    words = line.split()
    by_first, phrases = _phrases()
    cells: list[str] = []
    i = 0
    last_joins = False
    while i < len(words):
        w = words[i]
        if cells and (w.startswith("(") or w.startswith("[")):
            # "(%)", "(months)", "(95% CI)" belong to the previous cell
            j = i
            while j < len(words) and not (words[j].endswith(")") or words[j].endswith("]")):
                j += 1
            cells[-1] += " " + " ".join(words[i:j + 1])
            i = j + 1
            continue
        low = [clean(x).lower() for x in words[i:i + 6]]
        match = 0
        for ph in by_first.get(low[0], ()):
            n = len(ph)
            if n <= len(low) and tuple(low[:n]) == ph:
                match = n
                break
        if match > 1 and all((clean(w).lower(),) in phrases for w in words[i:i + match]) \
                and all(w[:1].isupper() for w in words[i + 1:i + match]):
            match = 1   # "Trial Phase": two known headers side by side, not one
        if match and not last_joins:
            cells.append(" ".join(words[i:i + match]))
            i += match
            last_joins = False
            continue
        if cells and (last_joins or not w[:1].isupper() and not w[:1].isdigit()):
            cells[-1] += " " + w
        else:
            cells.append(w)
        last_joins = (clean(w).lower() in _JOINERS or bool(_LANDMARK_WORD.match(clean(w)))) and not match
        if clean(w).lower() in _CONJUNCTIONS and len(cells[-1].split()) > 1:
            last_joins = True        # "Trial and author", "Outcome of primary endpoint"
        i += 1
    return cells
