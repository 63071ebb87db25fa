"""One table's context: what its legend and cells say about words, the caller's settings,
and every cache the aligner keeps for the table (each owned here, none passed by hand)."""
from __future__ import annotations

import re

from ...model import Line
from ...normalize.abbreviations import inline_definitions, parse_legend
from ...normalize.drugs import is_drug_word, site_words
from .kinds import typed_caps
from .settings import DEFAULT_SETTINGS, AlignSettings
from .tokens import Tok, tokenize_lines

_SITE_HEADS = ("cancer", "carcinoma", "tumor", "tumour", "neoplasm", "junction", "sarcoma", "cholangiocarcinoma")


class Knowledge:
    """What the table itself says about words: drugs and sites from its legend and cells."""

    def __init__(self, legend: dict[str, str], inline: dict[str, str]):
        self.abbrev = {**legend, **inline}
        sites = site_words()
        self.site_abbrev = {k.lower() for k, v in legend.items()
                            if any(w in sites or w in _SITE_HEADS for w in re.findall(r"[a-z]+", v.lower()))
                            and not is_drug_word(v.split()[-1])}
        self.results_in_endpoint = False      # set for tables with no results column of their own
        self._drug: dict[str, bool] = {}
        self._site: dict[str, bool] = {}

    @classmethod
    def of_table(cls, legend: str | None, cell_text: str) -> "Knowledge":
        """What a table's legend and its cells' inline definitions ("Avelumab (Avel)") say."""
        return cls(parse_legend(legend), inline_definitions(cell_text))

    def is_drug(self, word: str) -> bool:
        got = self._drug.get(word)
        if got is None:
            got = self._drug[word] = is_drug_word(word, self.abbrev)
        return got

    def is_site(self, word: str) -> bool:
        got = self._site.get(word)
        if got is None:
            w = word.strip("(),;").lower()
            got = self._site[word] = w in site_words() or w in self.site_abbrev
        return got


class TableContext:
    """The aligner's state for one table: its Knowledge, the caller's AlignSettings and the
    caches both aligner passes share. Made once per table; every stage reads settings from
    here, so a caller's settings reach every scorer."""

    def __init__(self, kb: Knowledge, st: AlignSettings = DEFAULT_SETTINGS):
        self.kb = kb
        self.st = st
        self.w = st.cells                                            # per-kind cell weights
        self.typed_max = typed_caps(st)                              # kind -> longest typed span
        self.cell_scores: dict[tuple[str, tuple[str, ...]], float] = {}   # (kind, words) -> score_cell
        self.regimen_scores: dict[str, float] = {}                    # text -> regimen_score
        self.regimen_parts: dict[str, tuple] = {}                     # part -> shapes._part_terms
        self.site_parts: dict[str, float] = {}                        # part -> kinds._site_part
        self.line_tokens: dict[int, list[Tok]] = {}                   # line number -> tokens
        self.scorers: dict[tuple[int, int], object] = {}              # body lines [a, b) -> RowScorer
        self.first_pass: dict[tuple[int, int], object] = {}           # lines [a, b) -> first-pass Alignment

    @classmethod
    def of_table(cls, legend: str | None, cell_text: str, st: AlignSettings = DEFAULT_SETTINGS,
                 results_in_endpoint: bool = False) -> "TableContext":
        kb = Knowledge.of_table(legend, cell_text)
        kb.results_in_endpoint = results_in_endpoint
        return cls(kb, st)

    def tokens(self, lines: list[Line]) -> list[Tok]:
        return tokenize_lines(lines, self.line_tokens)
