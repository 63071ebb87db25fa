"""Unicode clean-up that remembers where every character came from.

`normalize(s)` maps the typographic variants found in pasted tables to plain ASCII forms
(NBSP / thin / narrow spaces -> " ", "≥" -> ">=", en/em dashes and minus signs -> "-"),
removes the invisible format characters a copy carries (zero-width spaces and joiners, word
joiners, bidirectional marks and embeddings), reads a superscript digit right after a value
("4.2²", "61%¹") as a footnote mark (dropped) and any other one as its digit ("mg/m²" ->
"mg/m2"), and returns an offset map, so a span found in the clean text points back into the
original cell text: evidence is always the text as printed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# character -> replacement; every key is one code point
REPLACEMENTS: dict[str, str] = {
    "\u00a0": " ",   # no-break space
    "\u2009": " ",   # thin space
    "\u202f": " ",   # narrow no-break space
    "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ",
    "\u2007": " ", "\u2008": " ", "\u200a": " ", "\u3000": " ", "\t": " ",
    "\u200b": "",    # zero-width space
    "\u200c": "", "\u200d": "",   # zero-width non-joiner, joiner
    "\u200e": "", "\u200f": "",   # left-to-right, right-to-left mark
    "\u2060": "",    # word joiner
    "\u061c": "",    # Arabic letter mark
    "\u202a": "", "\u202b": "", "\u202c": "", "\u202d": "", "\u202e": "",   # bidi embeddings, overrides
    "\u2066": "", "\u2067": "", "\u2068": "", "\u2069": "",   # bidi isolates
    "\ufeff": "",    # byte-order mark
    "\u00ad": "",    # soft hyphen
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-", "\ufe63": "-", "\uff0d": "-",
    "\u2265": ">=", "\u2264": "<=", "\u2a7e": ">=", "\u2a7d": "<=",
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    "\u00b7": ".",   # middle dot used as a decimal point in some journals
}


# superscript digits: a footnote mark after a value, else the digit itself
SUPERSCRIPT_DIGITS: dict[str, str] = {"\u2070": "0", "\u00b9": "1", "\u00b2": "2", "\u00b3": "3",
                                      "\u2074": "4", "\u2075": "5", "\u2076": "6", "\u2077": "7",
                                      "\u2078": "8", "\u2079": "9"}


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


# str.translate looks every character of a non-ASCII text up in a dict (slow on long cells);
# a few str.replace of the characters present give the same text some 20x faster
_ONE_FOR_ONE = tuple((k, v) for k, v in REPLACEMENTS.items() if len(v) == 1)


def _replace(s: str, pairs: tuple[tuple[str, str], ...]) -> str:
    for k, v in pairs:
        if k in s:
            s = s.replace(k, v)
    return s


_RESIZING = frozenset(k for k, v in REPLACEMENTS.items() if len(v) != 1) | frozenset(SUPERSCRIPT_DIGITS)
_RESIZING_RE = re.compile("[" + "".join(sorted(_RESIZING)) + "]")


def normalize(s: str) -> Normalized:
    if s.isascii():
        # of the characters replaced only the tab is ASCII: the others need not be looked for
        return Normalized(s.replace("\t", " ") if "\t" in s else s, None)
    if _RESIZING.isdisjoint(s):
        # one character for one: the offsets are the identity
        return Normalized(_replace(s, _ONE_FOR_ONE), None)
    # the stretches between resizing characters map one for one (_replace); only the
    # resizing characters themselves are looked at one by one
    out: list[str] = []
    offs: list[int] = []
    last = ""               # the last character written
    mark = False            # inside a footnote mark of superscript digits
    pos = 0
    for m in _RESIZING_RE.finditer(s):
        i = m.start()
        if i > pos:
            chunk = _replace(s[pos:i], _ONE_FOR_ONE)
            out.append(chunk)
            offs.extend(range(pos, i))
            last, mark = chunk[-1], False
        ch = s[i]
        sup = SUPERSCRIPT_DIGITS.get(ch)
        if sup is not None:
            mark = mark or last.isdigit() or last == "%"
            if not mark:
                out.append(sup)
                offs.append(i)
                last = sup
        else:
            mark = False
            rep = REPLACEMENTS[ch]
            out.append(rep)
            offs.extend([i] * len(rep))
            last = rep[-1] if rep else last
        pos = i + 1
    if pos < len(s):
        out.append(_replace(s[pos:], _ONE_FOR_ONE))
        offs.extend(range(pos, len(s)))
    offs.append(len(s))
    return Normalized("".join(out), tuple(offs))


# only the characters that are spacing or invisible: what a cell "as written" loses
_SPACING = tuple((k, v) for k, v in REPLACEMENTS.items() if v in ("", " "))


def as_written(s: str) -> str:
    """Text as printed with typographic spaces folded and invisible marks dropped, but every
    visible character kept ("+/−", "1–3 mg", "≥ 2" stay as they are): for cells the
    dataset gives as written."""
    if s.isascii():
        return " ".join(s.split())
    return " ".join(_replace(s, _SPACING).split())


def clean(s: str) -> str:
    """Normalized text with runs of spaces folded and ends stripped (for matching, not spans)."""
    if s.isascii():
        return " ".join(s.split())
    return _clean_non_ascii(s)


# the same cell, line or word is cleaned again by every stage that reads it (the aligner's
# groupings of lines, the header and legend readers ...), and normalize's walk is the dear
# part; bounded, as it lives as long as the process
@lru_cache(maxsize=20_000)
def _clean_non_ascii(s: str) -> str:
    return " ".join(normalize(s).text.split())
