"""Abbreviations: the table's legend ("Abbreviations: UK, unknown; ...") and inline
definitions in cells ("Avelumab (Avel)").

A legend is read entry by entry: an entry that does not read as `short, long` (or `short =
long`, `short: long`, `short - long`) is skipped and the others are kept. A legend is found
under its label ("Abbreviations:", "Abbreviation.", "Abbr.", "List of abbreviations:") or,
without one, as a line most of whose `;`-separated items are definitions of abbreviations
("SCLC, small cell lung cancer; ORR, objective response rate"), or of comma-separated
`SHORT long` items ("P cisplatin, MTX methotrexate, ND no data"). Every reader finds legends
with `legend_label`, `is_unlabelled_legend` and `legend_and_notes`, so every input form
reads the same legends.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from .text import clean

_INLINE = re.compile(r"\b([A-Z]?[a-z][a-z-]{3,}(?: [a-z][a-z-]{3,})?)\s*\(([A-Z][A-Za-z0-9-]{1,11})\)")

# The label that opens a legend; group 2 is the legend's text after it.
LEGEND_LABEL = re.compile(r"^\s*(?:list of\s+)?(abbreviations?(?:\s+used)?|abbr\.|acronyms)"
                          r"\s*[:.]\s*(.*)$", re.I)
# `short SEP long`: the first separator after the short form
_ENTRY = re.compile(r"^(?P<short>.+?)\s*(?:,|=|:|\s[-–—]\s)\s*(?P<long>.+)$")
# entries separated by ". " when the legend has no ";" ("OS, overall survival. PFS, ...")
_PERIOD_SPLIT = re.compile(r"(?<=[a-z)\]])\.\s+(?=[A-Za-z0-9][\w/+.\-–]{0,15}\s*(?:,|=|:)\s)")
# entries written `SHORT long` and separated by commas, as some journals print them ("N number
# of patients, P cisplatin, MTX methotrexate, ND no data"): the short form in capitals
_SPACED_ENTRY = re.compile(r"^(?P<short>[A-Z][A-Z0-9/+-]{0,7})\s+(?P<long>[a-z0-9][^,;%]*[a-z])$")
MAX_SHORT = 30          # characters of a short form ("NCT number" fits, a sentence does not)
MAX_SHORT_WORDS = 4


def legend_items(text: str) -> list[str]:
    """A legend's text split into its entries (on ";", else on ". " between entries)."""
    body = clean(text).strip().rstrip(".;").strip()
    parts = re.split(r"\s*;\s*", body) if ";" in body else _PERIOD_SPLIT.split(body)
    if len(parts) == 1:
        spaced = [p.strip() for p in body.split(",")]
        if len(spaced) >= 3 and sum(1 for p in spaced if _SPACED_ENTRY.match(p)) * 3 >= len(spaced) * 2:
            return spaced      # "P cisplatin, C carboplatin, MTX methotrexate"
    return [p.strip() for p in parts if p.strip()]


def legend_entry(item: str) -> tuple[str, str] | None:
    """One legend entry -> (short, long), or None when it does not read as a definition."""
    m = _ENTRY.match(item.strip()) or _SPACED_ENTRY.match(item.strip())
    if not m:
        return None
    short, long = m.group("short").strip(), m.group("long").strip().rstrip(".").strip()
    if not short or not long or len(short) > MAX_SHORT or len(short.split()) > MAX_SHORT_WORDS:
        return None
    if not re.search(r"[A-Za-z]", short) or not re.search(r"[A-Za-z]{2}", long):
        return None
    return short, long


def read_legend(legend: str | None) -> tuple[dict[str, str], list[str]]:
    """A legend's entries as {short: long} (a later definition of a short form wins) and
    the items skipped because they are no definition."""
    entries: dict[str, str] = {}
    skipped: list[str] = []
    for item in legend_items(legend or ""):
        got = legend_entry(item)
        if got is None:
            skipped.append(item)
        else:
            entries[got[0]] = got[1]
    return entries, skipped


def parse_legend(legend: str | None) -> dict[str, str]:
    """'NCT number, ClinicalTrials.gov Identifier; GEP, gastro-entero-pancreatic' -> dict."""
    return read_legend(legend)[0]


def _initials_fit(short: str, long: str) -> bool:
    """Whether the letters of `short` appear in order in `long`, the first one starting one
    of its words ("Durva" / "durvalumab", "mPFS" / "median progression-free survival")."""
    letters = [c for c in short.lower() if c.isalnum()]
    text = long.lower()
    if len(letters) < 2 or not re.search(r"(?:^|[\s(/-])" + re.escape(letters[0]), text):
        return False
    pos = 0
    for c in letters:
        pos = text.find(c, pos)
        if pos < 0:
            return False
        pos += 1
    return True


def defines_abbreviation(short: str, long: str) -> bool:
    """Whether `short, long` reads as an abbreviation and its expansion (for a line with no
    "Abbreviations:" label): a short form of one or two words, capitals or the long form's
    letters, and a long form in words (no percentages or values)."""
    if len(short) > 16 or len(short.split()) > 2 or not long[:1].isalpha() or "%" in long:
        return False
    capitals = sum(c.isupper() or c.isdigit() for c in short)
    return capitals >= 2 or _initials_fit(short, long)


def is_unlabelled_legend(line: str) -> bool:
    """A legend without its label: at least two items, most of them definitions of
    abbreviations ("AEs, adverse events; DCR, disease control rate; OS = overall survival")."""
    items = legend_items(line)
    good = sum(1 for it, e in zip(items, map(legend_entry, items))
               if e and (defines_abbreviation(*e) or _SPACED_ENTRY.match(it)))
    return good >= 2 and good > len(items) / 2


def legend_label(line: str) -> str | None:
    """The text after a legend's label ("Abbreviations: X, y" -> "X, y"), None without one."""
    m = LEGEND_LABEL.match(line)
    return m.group(2).strip() if m else None


def legend_and_notes(lines: Iterable[str], continued: bool = True) -> tuple[str | None,
                                                                             list[str]]:
    """Footer lines under a table -> (the legend's text, the other notes). A labelled or
    unlabelled legend line starts the legend; with `continued`, the lines after it belong to
    it up to a blank line (a legend wrapped over several lines)."""
    legend: list[str] = []
    notes: list[str] = []
    inside = False
    for raw in lines:
        text = raw.strip()
        if not text:
            inside = False
            continue
        rest = legend_label(text)
        if rest is not None or is_unlabelled_legend(text):
            legend.append(text if rest is None else rest)
            inside = continued
        elif inside:
            legend.append(text)
        else:
            notes.append(text)
    return (" ".join(p for p in legend if p) or None), notes


def inline_definitions(text: str) -> dict[str, str]:
    """'Avelumab (Avel) + ipilimumab (Ipi)' -> {'Avel': 'Avelumab', 'Ipi': 'ipilimumab'}.

    Only accepted when the short form is an abbreviation of the long one (its first letters
    start the long form, case-insensitive), so "(CPT-11 or PTX)" or "(retrospective)" are not.
    """
    out: dict[str, str] = {}
    for m in _INLINE.finditer(clean(text)):
        long, short = m.group(1), m.group(2)
        if long.split()[-1].lower().startswith(short[:2].lower()) or long.lower().startswith(short[:2].lower()):
            long_word = long.split()[-1] if long.split()[-1].lower().startswith(short[:2].lower()) else long
            out.setdefault(short, long_word)
    return out
