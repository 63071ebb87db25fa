"""Abbreviations: the table's legend ("Abbreviations: UK, unknown; ...") and inline
definitions in cells ("Avelumab (Avel)")."""
from __future__ import annotations

import re

from .text import clean

_INLINE = re.compile(r"\b([A-Z]?[a-z][a-z-]{3,}(?: [a-z][a-z-]{3,})?)\s*\(([A-Z][A-Za-z0-9-]{1,11})\)")


def parse_legend(legend: str | None) -> dict[str, str]:
    """'NCT number, ClinicalTrials.gov Identifier; GEP, gastro-entero-pancreatic' -> dict."""
    out: dict[str, str] = {}
    if not legend:
        return out
    text = clean(legend).rstrip(".")
    for item in re.split(r"\s*;\s*", text):
        m = re.match(r"^(.+?)\s*(?:,|=|:|\s[-–]\s)\s*(.+)$", item)
        if not m:
            continue
        short, long = m.group(1).strip(), m.group(2).strip()
        if short and long and len(short) <= 30:
            out[short] = long
    return out


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
