"""The spaCy layer of the outcome grammar: a blank-English tokenizer with three rules for
outcome cells and a Matcher built from the token patterns kept as data in
outcomes/data/patterns.json (each with a label and a comment, validated at load). Sentences
are cut by grammar/tokens.sentence_bounds (spaCy's sentencizer rule over the token texts).

Nothing here knows a measure: the labels the patterns carry are read by grammar/matches.py.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def pattern_data() -> dict:
    return json.loads(resources.files("pipeline.outcomes").joinpath("data/patterns.json").read_text("utf-8"))


def expand_units(pattern: list[dict], units: list[str], planned: list[str] = ()) -> list[dict]:
    """The pattern with its word-list placeholders filled: UNIT (the duration words), PLANNED
    (the words of a planned enrolment)."""
    text = json.dumps(pattern).replace('"UNIT"', json.dumps(units)).replace('"PLANNED"', json.dumps(list(planned)))
    return json.loads(text)


# spaCy reserves lexeme flag bits FLAG19..FLAG63 for users (spacy.attrs)
_FIRST_FLAG, _LAST_FLAG = 19, 63


def compile_patterns(patterns: list[list[dict]], vocab) -> list[list[dict]]:
    """The patterns with every word list (`{"LOWER": {"IN": [...]}}`, `{"TEXT": {"IN": [...]}}`)
    turned into a lexeme flag (`{"FLAG19": True}`): the same matches, but tested in spaCy's
    compiled matcher loop, once per distinct word, instead of by a Python set predicate on
    every token for every pattern (twice as fast over a table's outcome cells)."""
    flags: dict[tuple[str, frozenset[str]], int] = {}
    out = []
    for pattern in patterns:
        compiled = []
        for spec in pattern:
            tok: dict = {}
            for attr, value in spec.items():
                if attr in ("LOWER", "TEXT") and isinstance(value, dict) and set(value) == {"IN"}:
                    key = (attr, frozenset(value["IN"]))
                    if key not in flags:
                        flag = _FIRST_FLAG + len(flags)
                        if flag > _LAST_FLAG:
                            raise ValueError("more word lists in patterns.json than spaCy has lexeme flags")
                        words = key[1]
                        getter = (lambda s, w=words: s.lower() in w) if attr == "LOWER" else (lambda s, w=words: s in w)
                        vocab.add_flag(getter, flag_id=flag)
                        flags[key] = flag
                    tok[f"FLAG{flags[key]}"] = True
                else:
                    tok[attr] = value
            compiled.append(tok)
        out.append(compiled)
    return out


def _blank_english():
    """spaCy's blank English (what `spacy.blank("en")` builds) with three tokenizer rules for
    outcome cells: "):" closes a parenthesis before a colon ("Cohort 1 (n = 30): ORR 10%"), not
    the emoticon spaCy's exceptions make it; "=" or ":" between a letter and a number is a token
    of its own ("(n=12)" reads as "(n = 12)", "OS:26.3m" as "OS : 26.3 m"); a duration unit glued
    to its number is split from it ("5.7mo"). The rules go in a Defaults subclass, so the tokenizer is
    built once with them (setting `infix_finditer` afterwards rebuilds its special cases)."""
    from spacy.lang.en import English
    from spacy.symbols import ORTH

    class Defaults(English.Defaults):
        # "(n=12)" and "PFS:10.3" split like "n = 12" and "PFS: 10.3"
        # "ORR(durva vs. placebo)" like "ORR (durva vs. placebo)"
        infixes = [*English.Defaults.infixes, r"(?<=[A-Za-z])[=:](?=[\d.])", r"(?<=[A-Za-z]{2})\((?=[A-Za-z])"]
        # "5.7mo", "8wk", "12mos": a duration unit glued to its number is a token of its own
        suffixes = [*English.Defaults.suffixes,
                    r"(?<=[0-9])(?:months|month|mos|mo|weeks|week|wks|wk|days|day|years|year|yrs|yr)"]
        tokenizer_exceptions = {**English.Defaults.tokenizer_exceptions, "):": [{ORTH: ")"}, {ORTH: ":"}]}

    class OutcomeEnglish(English):
        pass

    OutcomeEnglish.Defaults = Defaults
    return OutcomeEnglish()


@lru_cache(maxsize=1)
def _rules():
    """The tokenizer and the Matcher's rules: each pattern's label, its compiled form, and the
    words it cannot match without (`_needed_words`)."""
    from spacy.schemas import validate_token_pattern

    nlp = _blank_english()
    data = pattern_data()
    patterns = [expand_units(entry["pattern"], data["duration_words"], data["planned_words"]) for entry in data["patterns"]]
    for entry, pattern in zip(data["patterns"], patterns):
        errors = validate_token_pattern(pattern)    # the data as written, before compiling
        if errors:
            raise ValueError(f"patterns.json, rule {entry['label']!r} ({entry.get('comment', '')}): {errors}")
    labels, patterns = merge_single_words([entry["label"] for entry in data["patterns"]], patterns)
    return nlp, labels, compile_patterns(patterns, nlp.vocab), [_needed_words(p) for p in patterns]


@lru_cache(maxsize=1)
def nlp_and_matcher():
    """The tokenizer and the Matcher of every pattern."""
    nlp, labels, _compiled, _needs = _rules()
    return nlp, _matcher_of(tuple(range(len(labels))))


def cell_matcher(lower: set[str], text: set[str]):
    """The Matcher of the patterns that can match a cell whose tokens are `text` (`lower` in
    lower case): a pattern needing a word the cell does not have ("hazard ratio", "median
    follow-up") is left out. The Matcher tries every pattern at every token, so a cell costs
    less with fewer of them; the matches are the same, in the same order (the patterns kept
    are in the order of the full Matcher, those left out match nothing)."""
    needs, by_pattern = _needs()
    have = [not words.isdisjoint(lower if attr == "LOWER" else text) for attr, words in needs]
    active = []
    for k, need in enumerate(by_pattern):
        for n in need:
            if not have[n]:
                break
        else:
            active.append(k)
    return _matcher_of(tuple(active)) if active else None     # (None: no pattern can match)


@lru_cache(maxsize=1)
def _needs() -> tuple[list[tuple[str, frozenset[str]]], list[tuple[int, ...]]]:
    """The words the patterns need, each (attribute, word set) once (several patterns need
    "median"), and for each pattern the indices of its needs."""
    needs: dict[tuple[str, frozenset[str]], int] = {}
    by_pattern = [tuple(needs.setdefault(need, len(needs)) for need in pattern_needs) for pattern_needs in _rules()[3]]
    return list(needs), by_pattern


@lru_cache(maxsize=1024)
def _matcher_of(active: tuple[int, ...]):
    """The Matcher of the patterns `active` (indices, in order). Bounded: the bench, real and
    synthetic tables together use some 250 pattern sets; one is built in well under 1 ms."""
    from spacy.matcher import Matcher

    nlp, labels, compiled, _needs = _rules()
    # flags are not in spaCy's pattern schema: the compiled patterns skip its validation
    matcher = Matcher(nlp.vocab, validate=False)
    for k in active:
        matcher.add(labels[k], [compiled[k]])
    return matcher


def _needed_words(pattern: list[dict]) -> tuple[tuple[str, frozenset[str]], ...]:
    """For each token of `pattern` that must be there (no "OP") and tests LOWER or TEXT alone
    (a word or a word list): the attribute and the words, one of which the cell must have."""
    out = []
    for spec in pattern:
        if "OP" in spec or len(spec) != 1:
            continue
        (attr, value), = spec.items()
        if attr not in ("LOWER", "TEXT"):
            continue
        if isinstance(value, str):
            out.append((attr, frozenset([value])))
        elif isinstance(value, dict) and set(value) == {"IN"}:
            out.append((attr, frozenset(value["IN"])))
    return tuple(out)


def merge_single_words(labels: list[str], patterns: list[list[dict]]) -> tuple[list[str], list[list[dict]]]:
    """The patterns with each label's one-word patterns on LOWER ("mpfs", "pfs"; "dor", "cr",
    "ae" ...) made one word list, where the first of them was: the same matches, but the
    Matcher tries one pattern less per token for each pattern merged (it tries every pattern
    at every token; the entries stay apart in patterns.json, each with its comment)."""
    out_labels: list[str] = []
    out: list[list[dict] | set[str]] = []   # a merged pattern as its word set until the end
    merged: dict[str, set[str]] = {}        # label -> the words of its one merged pattern
    for label, pattern in zip(labels, patterns):
        words = _one_word(pattern)
        if words is None:
            out_labels.append(label)
            out.append(pattern)
        elif label in merged:
            merged[label] |= words
        else:
            merged[label] = words
            out_labels.append(label)
            out.append(words)
    return out_labels, [[{"LOWER": {"IN": sorted(p)}}] if isinstance(p, set) else p for p in out]


def _one_word(pattern: list[dict]) -> set[str] | None:
    """The words of a one-token pattern testing LOWER alone (a word or a word list), else None."""
    if len(pattern) != 1 or set(pattern[0]) != {"LOWER"}:
        return None
    value = pattern[0]["LOWER"]
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict) and set(value) == {"IN"}:
        return set(value["IN"])
    return None
