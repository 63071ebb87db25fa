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
    ("Rova-T (antibody drug conjugate)", None, ["rovalpituzumab tesirine"]),   # the ADC's short name
    ("T-VEC", None, ["talimogene laherparepvec"]),   # the oncolytic virus's short name
    ("GM-CSF", None, ["sargramostim"]),
    # PMC2962713 Table 5: superscript reference numbers glued to the last drug's name
    ("gemcitabine + epirubicin13", None, ["epirubicin", "gemcitabine"]),
    ("pegylated liposomal doxorubicin25", None, ["doxorubicin"]),
    ("ZX355703", None, []),
    # PMC5455211 Table 1: a footnote letter glued to the drug's name
    ("A: P + cetuximabb", None, ["cetuximab"]), ("A: Nivolumabd", None, ["nivolumab"]),
    ("C: MTX", None, ["methotrexate"]),
    # wild round 4 (PMC7824026 Table 1, markdown): drugs joined by a hyphen, with or without a space
    ("nivolumab- ipilimumab", None, ["ipilimumab", "nivolumab"]),
    ("axitinib- pembro", None, ["axitinib", "pembrolizumab"]),
    # PMC9600578 Table 1 and PMC5842271 Table 2 (real): a hyphenated pair of names or legend abbreviations
    ("Gem-Cis + durvalumab", None, ["cisplatin", "durvalumab", "gemcitabine"]),
    ("Doxorubicin-dacarbazine +/− ifosfamide", None, ["dacarbazine", "doxorubicin", "ifosfamide"]),
    ("Drug-A", None, []),                                  # a hyphen in a name that is no drug's
    # wild round 5 (PMC6961440, PMC8286895 Table 1): drugs with no INN stem the rules know
    ("Abiraterone + prednisone", None, ["abiraterone", "prednisone"]),
    ("Radium-223", None, ["radium ra 223 dichloride"]),
    ("BCNU/ temozolomide", None, ["carmustine", "temozolomide"]),
    ("Vorinostat", None, ["vorinostat"]),
    # wild round 6 (PMC8509251, PMC3713630): haematology regimens by their acronyms
    ("BEAM", None, ["carmustine", "cytarabine", "etoposide", "melphalan"]),
    ("R-CHOP", None, ["cyclophosphamide", "doxorubicin", "prednisone", "rituximab", "vincristine"]),
    ("Venetoclax + azacitidine", None, ["azacitidine", "venetoclax"]),
]


@pytest.mark.parametrize("regimen,agent,drugs", CASES, ids=[c[0] for c in CASES])
def test_regimen_drugs(regimen, agent, drugs):
    assert regimen_drugs(regimen, agent, LEGEND) == drugs


def test_lexicon_has_no_duplicate_names():
    from importlib import resources
    text = resources.files("pipeline.normalize").joinpath("data/drugs.tsv").read_text("utf-8")
    names = [ln.split("\t")[0] for ln in text.splitlines() if ln and not ln.startswith("#")]
    assert len(names) == len(set(names))


def test_design_word_in_phase_column():
    from pipeline.table.fields import parse_phase
    assert parse_phase("Retrospective") == (None, "Retrospective")
    assert parse_phase("II (randomized parallel arms)") == ("II", "randomized parallel arms")
    assert parse_phase("Ib/II") == ("I/II", None)
    assert parse_phase("–") == (None, None)
    # PMC6354678 Table 5 (wild round 5): a design column's phase, then what it compares
    assert parse_phase("Phase II: Exampinib + samplitaxel versus samplitaxel") == (
        "II", "Exampinib + samplitaxel versus samplitaxel")
    # PMC9302428 Table 2 (wild round 6): the trial's count after the phase ("Study type, no. of
    # patients"); PMC12634591 Table 7: two phases a comma apart
    assert parse_phase("Phase III, 309") == ("III", None) and parse_phase("Phase Ib, 145") == ("I", None)
    assert parse_phase("Phase 1,2") == ("I/II", None) and parse_phase("Phase 2, 3") == ("II/III", None)


@pytest.mark.parametrize("cell,want", [
    # PMC4644179 Table 1 (wild round 4, markdown): the reference number, and a footnote letter,
    # glued to the phase under "Study type"
    ("Phase III69", ("III", None)), ("Phase II70,a", ("II", None)), ("IIb12", ("II", None)),
    # a phase in digits takes no glued number: "12" is no phase
    ("12", (None, None)), ("Phase 2", ("II", None)),
])
def test_reference_glued_to_a_phase(cell, want):
    from pipeline.table.fields import parse_phase
    assert parse_phase(cell) == want
