"""Drug names: the lexicon data file, INN stems, and a regimen cell -> sorted generic names."""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from ..lexicon import tsv_rows, user_dir, user_rows
from .text import clean

# INN stems that mark a word as a drug name even when the lexicon does not list it
INN_STEMS = re.compile(
    r"(mab|nib|lib|sib|rafenib|ciclib|parib|platin|taxel|rubicin|mycin|abine|stine|tecan|"
    r"fosfamide|mustine|lisib|cept|zomib|tinib|lutamide|relin|gliptin|trexed|azine|"
    r"olimus|rolimus|tide|otide|deg|sertib|tansine|vedotin|govitecan|deruxtecan)$", re.I)
# the arms a trial compares a drug with when they give no drug (a regimen "Drug BSC" is two arms)
CONTROL_ARMS = {"placebo", "bsc", "best supportive care", "observation"}
NOT_DRUGS = {"chemo", "chemotherapy", "mono", "monotherapy", "radiotherapy", "re-irradiation", "irradiation",
             "rt", "surgery", "peptide", "nucleotide", *(w for w in CONTROL_ARMS if " " not in w)}


def drug_lexicon() -> dict[str, tuple[str, ...]]:
    """Name -> generic names: the package's drugs.tsv extended by the user lexicon."""
    return _drug_lexicon(user_dir())


@lru_cache(maxsize=4)
def _drug_lexicon(user: str | None) -> dict[str, tuple[str, ...]]:
    text = resources.files("pipeline.normalize").joinpath("data/drugs.tsv").read_text("utf-8")
    rows = tsv_rows(text, "name", "pipeline/normalize/data/drugs.tsv") + user_rows(user, "drugs.tsv", "name")
    return {name.lower(): tuple(g.strip() for g in generic.split("|")) for name, generic in rows}


@lru_cache(maxsize=4)
def _multiword_names(user: str | None) -> tuple[str, ...]:
    """The lexicon's names of more than one word ("trastuzumab deruxtecan", "5-fu/lv"),
    longest first: what regimen_drugs matches before splitting, sorted once per lexicon."""
    return tuple(sorted((k for k in _drug_lexicon(user) if " " in k or "/" in k), key=len, reverse=True))


@lru_cache(maxsize=1)
def site_words() -> frozenset[str]:
    text = resources.files("pipeline.normalize").joinpath("data/sites.tsv").read_text("utf-8")
    return frozenset(ln.strip().lower() for ln in text.splitlines()
                     if ln.strip() and not ln.startswith("#") and ln.strip() != "word")


def is_drug_word(word: str, abbreviations: dict[str, str] | None = None) -> bool:
    w = word.strip("()[],;").lower()
    if not w or w in NOT_DRUGS:
        return False
    if w in drug_lexicon():
        return True
    if abbreviations and word.strip("()[],;") in abbreviations:
        return bool(resolve_name(abbreviations[word.strip("()[],;")], None))
    return bool(INN_STEMS.search(w)) and w.isalpha() and len(w) > 5


_LOWER_WORD = re.compile(r"[a-z][a-z-]+")


def resolve_name(name: str, abbreviations: dict[str, str] | None) -> tuple[str, ...]:
    """One name as written -> generic names ((), when it is not a drug)."""
    n = clean(name).strip("()[],;. -")
    if not n:
        return ()
    low = n.lower()
    lex = drug_lexicon()
    if low in NOT_DRUGS:
        return ()
    if low in lex:
        return lex[low]
    if abbreviations:
        long = abbreviations.get(n)
        if long and long.lower() != low:
            out = long_form_drugs(long)
            if out:
                return out
    pieces = [x for x in low.split("-") if x]
    if len(pieces) > 1 and " " not in low:
        # "nivolumab-ipilimumab", "cyclo-pembro": drugs joined by a hyphen, each a name
        each = [resolve_name(x, abbreviations) or resolve_name(x.capitalize(), abbreviations) for x in pieces]
        if all(each):
            return tuple(d for got in each for d in got)
    if " " not in low and INN_STEMS.search(low) and _LOWER_WORD.fullmatch(low) and len(low) > 5:
        return (low,)
    glued = _GLUED_MARK.fullmatch(low)
    if glued and glued.group(1) in lex:
        return lex[glued.group(1)]      # "irinotecan27", "panitumumabc": the drug and its mark glued on
    return ()


# a drug's name with a superscript reference number or footnote letter glued to it
# ("oxaliplatin + irinotecan27", "X + panitumumabc")
_GLUED_MARK = re.compile(r"([a-z][a-z-]{4,}[a-z])(?:\d{1,3}|[a-f])")


# between the drugs of a regimen's long form ("cisplatin plus etoposide", "carboplatin or
# cisplatin with etoposide", "gemcitabine/cisplatin", "modified FOLFOX (5-FU, LV and ...)")
_LONG_SPLIT = re.compile(r"\s*(?:,|;|\band\b|\bplus\b|\bor\b|\bwith\b|\+|/|\(|\))\s*", re.I)


def long_form_drugs(long: str) -> tuple[str, ...]:
    """Generic names in an abbreviation's long form, in order (a hyphenated pair such as
    "gemcitabine-cisplatin" counts when both halves are drugs)."""
    out: list[str] = []
    for part in _LONG_SPLIT.split(long):
        got = resolve_name(part, None)
        if not got and "-" in part:
            halves = [resolve_name(h, None) for h in part.split("-")]
            got = tuple(g for h in halves for g in h) if all(halves) else ()
        out.extend(got)
    return tuple(dict.fromkeys(out))


_SPLIT = re.compile(r"\s*(?:\+|\bplus\b|\band\b|\bwith\b|\bor\b|\bvs\.?|\bversus\b|,|;|\(|\)|/)\s*", re.I)
_MONO = re.compile(r"^\s*(mono|monotherapy|alone|single[- ]agent)\s*$", re.I)


def regimen_drugs(regimen: str | None, agent: str | None,
                  abbreviations: dict[str, str]) -> list[str]:
    """Generic drug names of a regimen cell, lower case, sorted, unique.

    "Mono" (monotherapy) means the row's agent alone. Multi-word names in the lexicon
    ("trastuzumab deruxtecan", "octreotide LAR") are matched before splitting.
    """
    text = clean(regimen or "")
    if not text or _MONO.match(text):
        text = clean(agent or "")
    if not text:
        return []
    found: list[str] = []
    low = text.lower()
    user = user_dir()
    lex = _drug_lexicon(user)
    for name in _multiword_names(user):
        i = low.find(name)
        if i >= 0 and (i == 0 or not low[i - 1].isalnum()) and (
                i + len(name) == len(low) or not low[i + len(name)].isalnum()):
            found.extend(lex[name])
            low = low[:i] + " , " + low[i + len(name):]
            text = text[:i] + " , " + text[i + len(name):]
    for part in _SPLIT.split(text):
        whole = resolve_name(part, abbreviations)
        # else every word of the part that names a drug ("nivolumab- ipilimumab": both)
        found.extend(whole or [d for w in part.split() for d in resolve_name(w, abbreviations)])
    return sorted(set(found))


_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")


def lexicon_abbreviations(regimen: str | None, known: dict[str, str]) -> dict[str, str]:
    """Abbreviations in a regimen cell that only the project's drug lexicon explains
    ('CBDCA' -> 'carboplatin'), for the abbreviations table (origin 'lexicon')."""
    out: dict[str, str] = {}
    lex = drug_lexicon()
    for word in _WORD.findall(clean(regimen or "")):
        low = word.lower()
        if word in known or low not in lex:
            continue
        generics = lex[low]
        if generics == (low,):
            continue
        out[word] = ", ".join(generics)
    return out
