"""The outcome grammar: free text of an outcome cell -> measures and narrative.

Layers, each importing only the ones above it:
  nlp.py          spaCy: blank-English tokenizer, Matcher (patterns are data,
                  outcomes/data/patterns.json)
  tokens.py       Cell (tokens, sentences and what was found), Mention, Value, token questions
  matches.py      matched spans -> mentions, landmarks and narrative roles (one rule per label)
  populations.py  population names: cleaned, split from lists, "all" told apart
  records.py      OutcomeParse: what the grammar returns (model.CellMeasure, CellNarrative)
  counts.py       patient counts ("24 and 19 were NETs and NECs, respectively")
  values.py       a clause's values with their units and populations
  clauses.py      a clause's values given to the measures named in it
  sentences.py    a sentence: primary endpoint, "Among N <who>," opener, clause labels
  accounting.py   every number left over gets the narrative rule that left it out
The entry points are in outcomes/freetext.py. Every rule name written here is one of
vocab.NARRATIVE_RULES (tests/test_vocab.py reads these files to check it).
"""
