"""Unicode clean-up that remembers where every character came from.

`normalize(s)` maps the typographic variants found in pasted tables to plain ASCII forms
(NBSP / thin / narrow spaces -> " ", "≥" -> ">=", en/em dashes and minus signs -> "-") and
returns an offset map, so a span found in the clean text points back into the original
cell text: evidence is always the text as printed.
"""
from __future__ import annotations

from dataclasses import dataclass

# character -> replacement; every key is one code point
REPLACEMENTS: dict[str, str] = {
    "\u00a0": " ",   # no-break space
    "\u2009": " ",   # thin space
    "\u202f": " ",   # narrow no-break space
    "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ",
    "\u2007": " ", "\u2008": " ", "\u200a": " ", "\u3000": " ", "\t": " ",
    "\u200b": "",    # zero-width space
    "\ufeff": "",    # byte-order mark
    "\u00ad": "",    # soft hyphen
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-", "\ufe63": "-", "\uff0d": "-",
    "\u2265": ">=", "\u2264": "<=", "\u2a7e": ">=", "\u2a7d": "<=",
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    "\u00b7": ".",   # middle dot used as a decimal point in some journals
}


@dataclass(frozen=True)
class Normalized:
    text: str                        # the clean text
    offsets: tuple[int, ...] | None  # offsets[i] = index in the original of clean char i
                                     # (len+1 entries); None when every character maps to itself

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a clean-text span [start, end) back to the original text."""
        if self.offsets is None:
            return start, max(start, end)
        if end <= start:
            o = self.offsets[start]
            return o, o
        return self.offsets[start], self.offsets[end - 1] + 1


_TABLE = str.maketrans(REPLACEMENTS)
_RESIZING = frozenset(k for k, v in REPLACEMENTS.items() if len(v) != 1)


def normalize(s: str) -> Normalized:
    if s.isascii() or not any(ch in _RESIZING for ch in s):
        # one character for one: the offsets are the identity
        return Normalized(s.translate(_TABLE), None)
    out: list[str] = []
    offs: list[int] = []
    for i, ch in enumerate(s):
        rep = REPLACEMENTS.get(ch, ch)
        for r in rep:
            out.append(r)
            offs.append(i)
    offs.append(len(s))
    return Normalized("".join(out), tuple(offs))


def clean(s: str) -> str:
    """Normalized text with runs of spaces folded and ends stripped (for matching, not spans)."""
    return " ".join(s.translate(_TABLE).split())
