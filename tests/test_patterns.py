"""patterns.json compiled for spaCy's matcher: word lists become lexeme flags, same matches."""
import json

import pytest
import spacy
from spacy.matcher import Matcher

from pipeline.outcomes.grammar.nlp import compile_patterns, expand_units, pattern_data

SENTENCES = [
    "In all patients, ORR was 3.4%; mPFS, 8.9 weeks; mOS, 20.4 weeks",
    "The objective response rate was 12% and the disease-control rate 40% at 16 weeks",
    "12-month OS rate 61%; median PFS not reached; 6-mo PFS 44% (95% CI, 30-58)",
    "Among 29 patients with Ki-67 > 20%, RR 7% vs. 5%; DCR after 8 wks 32%",
    "ORRS orr Rr: 1, 2 and 3 months; PFS-3m 80%, OS at 2 yrs 15%",
]


def _matches(matcher, doc):
    return sorted((doc.vocab.strings[m], s, e) for m, s, e in matcher(doc))


def test_compiled_patterns_match_exactly_what_the_word_lists_match():
    data = pattern_data()
    patterns = [expand_units(e["pattern"], data["duration_words"], data["planned_words"]) for e in data["patterns"]]
    plain_nlp, flag_nlp = spacy.blank("en"), spacy.blank("en")
    plain, flagged = Matcher(plain_nlp.vocab), Matcher(flag_nlp.vocab, validate=False)
    for entry, pat, comp in zip(data["patterns"], patterns, compile_patterns(patterns, flag_nlp.vocab)):
        plain.add(entry["label"], [pat])
        flagged.add(entry["label"], [comp])
    found = 0
    for text in SENTENCES:
        want = _matches(plain, plain_nlp(text))
        assert _matches(flagged, flag_nlp(text)) == want, text
        found += len(want)
    assert found >= 25          # the sentences do exercise the patterns


def test_one_flag_per_distinct_word_list_and_case_rules_kept():
    nlp = spacy.blank("en")
    pats = [[{"LOWER": {"IN": ["orr", "rr"]}}],
            [{"LOWER": {"IN": ["rr", "orr"]}}, {"LIKE_NUM": True}],     # same list, other order
            [{"TEXT": {"IN": ["NR"]}}]]
    out = compile_patterns(pats, nlp.vocab)
    assert out[0] == [{"FLAG19": True}]
    assert out[1] == [{"FLAG19": True}, {"LIKE_NUM": True}]
    assert out[2] == [{"FLAG20": True}]
    doc = nlp("ORR nr NR rr")
    assert [t.check_flag(19) for t in doc] == [True, False, False, True]
    assert [t.check_flag(20) for t in doc] == [False, False, True, False]   # TEXT is case-sensitive


def test_too_many_word_lists_is_a_clear_error():
    nlp = spacy.blank("en")
    pats = [[{"LOWER": {"IN": [f"w{i}"]}}] for i in range(46)]
    with pytest.raises(ValueError, match="lexeme flags"):
        compile_patterns(pats, nlp.vocab)


def test_pattern_data_is_valid_for_spacy():
    data = pattern_data()
    from spacy.schemas import validate_token_pattern
    for entry in data["patterns"]:
        assert validate_token_pattern(expand_units(entry["pattern"], data["duration_words"], data["planned_words"])) == [], entry
    assert "months" in json.dumps(expand_units(data["patterns"][0]["pattern"] + [{"LOWER": {"IN": "UNIT"}}],
                                                data["duration_words"]))
