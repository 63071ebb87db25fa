"""Regimen cells -> generic drug names (lexicon, legend, inline definitions, INN stems)."""
import pytest

from pipeline.normalize.drugs import regimen_drugs

LEGEND = {"Gem": "gemcitabine", "Cis": "cisplatin", "BSC": "best supportive care",
          "mFOLFOX": "modified FOLFOX (5-FU, LV and oxaliplatin)", "Atezo": "Atezolizumab"}

CASES = [
    ("Mono", "Avelumab (Avel)", ["avelumab"]),
    ("mono", "Spartalizumab (Spa)", ["spartalizumab"]),
    ("Nivo\u2009+\u2009CBDCA\u2009+\u2009ETP", None, ["carboplatin", "etoposide", "nivolumab"]),
    ("Pembro + chemo (CPT-11 or PTX)", None, ["irinotecan", "paclitaxel", "pembrolizumab"]),
    ("Gem + Cis", None, ["cisplatin", "gemcitabine"]),
    ("BSC", None, []),
    ("mFOLFOX", None, ["fluorouracil", "leucovorin", "oxaliplatin"]),
    ("Atezo + bevacizumab", None, ["atezolizumab", "bevacizumab"]),
    ("Trastuzumab deruxtecan 5.4 mg/kg", None, ["trastuzumab deruxtecan"]),
    ("Octreotide LAR 30 mg", None, ["octreotide"]),
    ("Bevacizumab + re-irradiation", None, ["bevacizumab"]),
    ("Zimberelimab + domvanalimab", None, ["domvanalimab", "zimberelimab"]),   # INN stems, not in the lexicon
    ("GEMOX", None, ["gemcitabine", "oxaliplatin"]),
    ("FOLFIRINOX", None, ["fluorouracil", "irinotecan", "leucovorin", "oxaliplatin"]),
    ("Placebo", None, []),
]


@pytest.mark.parametrize("regimen,agent,drugs", CASES, ids=[c[0] for c in CASES])
def test_regimen_drugs(regimen, agent, drugs):
    assert regimen_drugs(regimen, agent, LEGEND) == drugs
