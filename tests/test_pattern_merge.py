"""grammar/nlp.merge_single_words: each label's one-word patterns merged into one word list
give the Matcher's matches unchanged (the pipeline's spans after filter_spans), on the real
tables' text and on invented words."""
from __future__ import annotations

from spacy.matcher import Matcher
from spacy.util import filter_spans

from conftest import DATA
from pipeline.outcomes.grammar.nlp import (_blank_english, compile_patterns, expand_units, merge_single_words,
                                           pattern_data)


def _matcher(merge: bool):
    nlp = _blank_english()
    data = pattern_data()
    labels = [e["label"] for e in data["patterns"]]
    patterns = [expand_units(e["pattern"], data["duration_words"], data["planned_words"]) for e in data["patterns"]]
    if merge:
        labels, patterns = merge_single_words(labels, patterns)
    m = Matcher(nlp.vocab, validate=False)
    for label, p in zip(labels, compile_patterns(patterns, nlp.vocab)):
        m.add(label, [p])
    return nlp, m, len(patterns)


def _spans(nlp, m, text):
    return [(s.label_, s.start, s.end) for s in filter_spans(m(nlp.make_doc(text), as_spans=True))]


def test_merged_patterns_match_as_the_patterns_as_written():
    nlp0, m0, n0 = _matcher(False)
    nlp1, m1, n1 = _matcher(True)
    assert n1 < n0          # fewer patterns tried per token
    texts = ["mPFS 4.1 vs PFS 3.2 months; mOS 9 and OS 11; DOR 6, CR 2, PR 5, AEs 30%, CBR 12%",
             "ORs and OR 1.2; cr pr sd pd; local control 80%; NR vs 7.7 mo; dcr 40%; ttp 3 mo"]
    for p in sorted((DATA / "real" / "raw").glob("*")):
        texts += p.read_text("utf-8").splitlines()
    for text in texts:
        assert _spans(nlp1, m1, text) == _spans(nlp0, m0, text), text


def test_merge_keeps_other_patterns_and_unions_the_words():
    labels, patterns = merge_single_words(
        ["a", "b", "a", "a", "b"],
        [[{"LOWER": "x"}], [{"LOWER": "y"}, {"LOWER": "z"}], [{"LOWER": {"IN": ["w", "x"]}}],
         [{"TEXT": "Q"}], [{"LOWER": "v"}]])
    assert labels == ["a", "b", "a", "b"]
    assert patterns == [[{"LOWER": {"IN": ["w", "x"]}}], [{"LOWER": "y"}, {"LOWER": "z"}], [{"TEXT": "Q"}],
                        [{"LOWER": {"IN": ["v"]}}]]
