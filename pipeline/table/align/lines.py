"""Body lines -> rows: a dynamic programme grouping physical lines into data rows (wrapped
cells continue on the next line) and section rows, each data row aligned to the columns."""
from __future__ import annotations

import math
import re

from ...errors import InputError
from ...model import Line, TextTable
from ...normalize.text import clean
from .context import TableContext
from .kinds import kind_of, skip_cost
from .results import read_clauses
from .row import Alignment, Lengths, RowScorer, Vocab, align_tokens, stacked_alignment
from .settings import NEG, AlignSettings
from .tokens import CONT_END, NCT, Tok, ends_continuation, starts_continuation, starts_statistic

SECTION_HINT = re.compile(r"(?i)\b(line|setting|therapy|treatment|chemotherapy|naive|naïve|"
                          r"pretreated|refractory|relapsed|adjuvant|neoadjuvant|maintenance|"
                          r"antibod(?:y|ies)|inhibitors?|blockade|blockers?|agents|analogs?|analogues?|trials|studies|first|second|"
                          r"third|beyond|immunotherapy|chemotherapy|targeted|combinations?|monotherapy|single-agent)\b")
_ONE_STUDY = re.compile(r"\bet al\b|\b(?:trial|study)$", re.I)
_NUMBER_WORD = re.compile(r"[\d.,%]+")

# the kinds of a last column whose cell may go on over lines that look like headings
_TEXT_KINDS = ("extra", "outcomes_text", "population")

# a line that is one labelled result ("Median OS in PD-L1 CPS >= 20: 17.6 months", "12-month
# OS rate: 37%", "Grade 3-4 AEs: 28.2%"): in a table with a column of outcome text, the next
# line of that cell, no row of its own
_LABELLED_LINE = re.compile(r"(?i)^[A-Za-z0-9][^:;]{0,60}\b(?:ORR|DCR|OS|PFS|CBR|RR|DOR|AEs?|TRAEs?|response|"
                            r"survival|rate|control)\b[^:;]{0,40}:\s*[<>≤≥~]?\d+(?:\.\d+)?\s*"
                            r"(?:%|months?|mo|weeks?|years?)?\s*(?:\([^()]*\))?\s*$")

# (lines of the row, its alignment (None: a section row), the section's text, how much better
# its lines score as one row than split in two)
Row = tuple[list[Line], Alignment | None, str | None, float]


def _section_like(text: str) -> bool:
    t = clean(text)
    toks = t.split()
    # "Group C: ORR above median but OS below median (n=7)": a heading with its label
    labelled = any(w.endswith(":") for w in toks[:3])
    if not toks or len(toks) > (14 if labelled else 8) or NCT.match(toks[0]):
        return False
    if any(_NUMBER_WORD.fullmatch(w) for w in toks):
        return False
    if CONT_END.search(toks[-1].lower()) or not toks[0][:1].isupper() or starts_statistic(t):
        return False          # (a test's result, "NS", "P = 0.03", is the cell above's)
    if _ONE_STUDY.search(t):
        return False          # "Patel et al", "AVENEC trial" name one study; sections name groups
    return bool(SECTION_HINT.search(t)) or len(toks) <= 3 or labelled


def _same_gaps_refund(al: Alignment, above: Alignment, kinds: list[str], lead: int,
                      st: AlignSettings) -> float:
    """A value column that a row starting mid-row (an arm row under its trial's row) leaves
    empty, as the line above does, is empty for the whole trial, not a cell the copy dropped:
    it costs what an absent descriptive column costs."""
    if not lead or above.score == NEG:
        return 0.0
    refund = 0.0
    for j in range(lead, len(kinds)):
        if al.spans[j] is None and above.spans[j] is None:
            refund += st.skip_identity - skip_cost(kinds[j], st)
    return refund


def _fills_values(al: Alignment, kinds: list[str]) -> bool:
    """Does a line alone start mid-row and fill every value column: an arm row ("gp100 vaccine
    6.4 2.8 1.5"), whatever case its first word is in?"""
    if al.score == NEG or al.spans[0] is not None:
        return False
    vals = [sp for sp, k in zip(al.spans, kinds) if kind_of(k).measure]
    return bool(vals) and all(sp is not None for sp in vals)


def _last_filled(al: Alignment) -> int:
    """Index of an alignment's last filled column (-1: none, or the line cannot be a row)."""
    if al.score == NEG:
        return -1
    return max((j for j, sp in enumerate(al.spans) if sp is not None), default=-1)


def _lead(al: Alignment, C: int) -> int:
    """How many columns a row leaves out before its first cell."""
    return next((j for j, sp in enumerate(al.spans) if sp is not None), C)


def _too_long(al: Alignment, lengths: Lengths | None) -> bool:
    """Does an alignment hold a value cell longer than its column's usual cells?"""
    return bool(lengths) and any(sp is not None and n is not None and sp[1] - sp[0] > n
                                 for sp, n in zip(al.spans, lengths))


def _rescore(al: Alignment, toks: list[Tok], vocab: Vocab, st: AlignSettings) -> Alignment:
    """The same alignment, with the second pass's vocabulary bonuses added to its score."""
    score = al.score
    for j, sp in enumerate(al.spans):
        if sp is None:
            continue
        cols = vocab.get(" ".join(t.low for t in toks[sp[0]:sp[1]]))
        if cols:
            score += st.vocab_bonus if j in cols else -st.vocab_malus
    return Alignment(score, al.spans)


class _Grouping:
    """One pass of the row programme over a table's body lines."""

    def __init__(self, table: TextTable, kinds: list[str], ctx: TableContext, vocab: Vocab | None,
                 lengths: Lengths | None):
        self.lines, self.kinds, self.ctx, self.st = list(table.body), kinds, ctx, ctx.st
        self.vocab, self.lengths = vocab, lengths
        self.cache: dict[tuple[int, int], Alignment] = {}
        self.section: list[float | None] = []
        self.strong: list[bool] = []
        self.lead_section = False
        self.labelled = any(kind_of(k).results for k in kinds)    # labelled result cells (results.py)
        self.text_outcomes = "outcomes_text" in kinds

    def align(self, a: int, b: int) -> Alignment:
        """The alignment of lines [a, b) read as one row."""
        got = self.cache.get((a, b))
        if got is None:
            got = self.cache[(a, b)] = self._align(a, b)
        return got

    def _align(self, a: int, b: int) -> Alignment:
        ctx = self.ctx
        sc = ctx.scorers.get((a, b))
        if sc is None:
            sc = ctx.scorers[(a, b)] = RowScorer(ctx.tokens(self.lines[a:b]), ctx)
        prior = ctx.first_pass.get((a, b)) if self.vocab is not None else None
        if prior is not None and prior.score != NEG and all(sp is not None for sp in prior.spans) \
                and not _too_long(prior, self.lengths):
            return _rescore(prior, sc.toks, self.vocab, self.st)
        al = align_tokens(sc.toks, self.kinds, ctx, self.vocab, sc, spanned_prefix=a > 0, lengths=self.lengths)
        if b - a > 2:
            stacked = stacked_alignment(sc.toks, self.kinds, ctx)
            if stacked is not None and stacked.score > al.score:
                al = stacked
        return al

    def incomplete(self, a: int) -> bool:
        al = self.align(a, a + 1)
        if al.score == NEG:
            return True
        # a value or text column missing, or the last column (usually the reference) missing:
        # the row may go on on the next line
        return any(sp is None and (kind_of(k).measure or kind_of(k).free_text)
                   for sp, k in zip(al.spans, self.kinds)) or al.spans[-1] is None

    def open_row(self, a: int, b: int) -> bool:
        """Does the row of lines [a, b) leave a per-row value column empty (a count, a
        result, an endpoint, the free text)? Then line b may still belong to it."""
        al = self.align(a, b)
        return al.score == NEG or any(sp is None and kind_of(k).per_row for sp, k in zip(al.spans, self.kinds))

    def may_join(self, a: int) -> bool:
        """May line a+1 continue the row that line a is in? Also when it holds only labelled
        result clauses ("41% at 1 year", "Low dose: 58% at 1 year") in a table whose value
        columns are written that way: a result cell's next line."""
        return (ends_continuation(self.lines[a].text) or starts_continuation(self.lines[a + 1].text)
                or self.incomplete(a) or self.results_line(a + 1))

    def text_tail(self, a: int, b: int) -> bool:
        """In a table whose rows sit under no section, may line b be the next line of the text
        cell that ends the row of lines [a, b) ("Small sample size" / "Multiple treatment lines"
        under a Limitations heading, "OS 7.0 vs. 4.6 months" under Outcomes)? When alone it
        fills no value column but that cell's."""
        if self.lead_section or self.kinds[-1] not in _TEXT_KINDS or self.align(a, b).spans[-1] is None:
            return False
        alone = self.align(b, b + 1)
        return alone.score == NEG or not any(sp is not None and kind_of(k).value
                                             for sp, k in zip(alone.spans[:-1], self.kinds[:-1]))

    def results_line(self, a: int) -> bool:
        return (self.labelled and read_clauses(self.ctx.tokens(self.lines[a:a + 1])) is not None) \
            or self.labelled_line(a)

    def labelled_line(self, a: int) -> bool:
        """Is line a one labelled result in a table with a column of outcome text?"""
        return self.text_outcomes and bool(_LABELLED_LINE.match(clean(self.lines[a].text).strip()))

    def find_sections(self) -> None:
        """A line may be a section row; a strong one (naming a line of therapy, a drug class ...)
        always is, a weak one (a short capitalised line such as a trial name that wraps) is one
        only when that scores better than reading it as the first line of a data row."""
        st, lines, L = self.st, self.lines, len(self.lines)
        self.section, self.strong = [None] * L, [False] * L
        # sections head a table's rows from its first on; in a table whose first line is a
        # data row a heading-like line later on may as well be a cell's next line: never strong
        self.lead_section = bool(L) and _section_like(lines[0].text)
        tail = False       # (no leading section) the lines since a row's last text cell
        for a in range(L):
            if not _section_like(lines[a].text) or (a > 0 and ends_continuation(lines[a - 1].text)):
                tail = not self.lead_section and self.kinds[-1] in _TEXT_KINDS \
                    and self.align(a, a + 1).spans[-1] is not None
                continue
            if tail:
                continue       # that cell's next line ("Small sample size" / "Asian population")
            if SECTION_HINT.search(lines[a].text) and "," not in lines[a].text and (self.lead_section or a == 0):
                self.strong[a] = True
                self.section[a] = st.row_bonus + st.section_hint
                continue
            al = self.align(a, a + 1)
            filled = sum(1 for sp in al.spans if sp is not None)
            if al.score == NEG or filled <= max(2, len(self.kinds) // 3):
                self.section[a] = st.row_bonus + st.section_weak

    def lowercase_start(self, a: int) -> bool:
        """Does line a start as no row does (lower case, a test statistic "P<0.001", one
        labelled result under a column of outcome text)?"""
        t = self.lines[a].text.lstrip()
        return (t[:1].islower() or starts_statistic(t) or self.labelled_line(a)) \
            and not _fills_values(self.align(a, a + 1), self.kinds)

    def _after(self, a: int, al: Alignment, lead: int, sc: float) -> float:
        """`sc` plus what the line before says of a row starting on line a."""
        if a > 0 and self.section[a - 1] is None:
            sc += _same_gaps_refund(al, self.align(a - 1, a), self.kinds, lead, self.st)
        if lead and a > 0 and self.section[a - 1] is None and self.incomplete(a - 1) \
                and _last_filled(self.align(a - 1, a)) < lead:
            sc += self.st.orphan_start   # starts mid-row where the line before left off: its end
        return sc

    def row_score(self, a: int, b: int) -> float:
        """What lines [a, b) add to the grouping as one data row (the programme adds the same)."""
        al = self.align(a, b)
        if al.score == NEG:
            return NEG
        lead = _lead(al, len(self.kinds))
        sc = self.st.row_bonus + al.score + self.st.leading_skip * lead
        if self.lowercase_start(a):
            sc += self.st.lowercase_start
        return self._after(a, al, lead, sc)

    def split_margin(self, a: int, b: int) -> float:
        """How much better lines [a, b) score as one row than split in two (inf: no split
        reads as two rows)."""
        whole = self.row_score(a, b)
        alt = max((self.row_score(a, c) + self.row_score(c, b) for c in range(a + 1, b)), default=NEG)
        return math.inf if alt == NEG or whole == NEG else whole - alt

    def _extend(self, a: int, best: list[float], back: list) -> None:
        """The programme's moves from line a: data rows of lines [a, b)."""
        st = self.st
        start_pen = st.lowercase_start if self.lowercase_start(a) else 0.0
        for b in range(a + 1, min(len(self.lines), a + st.max_lines_per_row) + 1):
            if b > a + 1 and (self.strong[b - 1] or not (self.may_join(b - 2) or self.open_row(a, b - 1)
                                                         or self.text_tail(a, b - 1))):
                break
            al = self.align(a, b)
            if al.score == NEG:
                continue
            lead = _lead(al, len(self.kinds))
            sc = self._after(a, al, lead, best[a] + st.row_bonus + al.score + start_pen + st.leading_skip * lead)
            if sc > best[b]:
                best[b], back[b] = sc, (a, False)

    def group(self) -> list[tuple[int, bool] | None]:
        """best[b] = best score of rows covering lines [0, b); the back pointers of the best."""
        L, section = len(self.lines), self.section
        best = [NEG] * (L + 1)
        back: list[tuple[int, bool] | None] = [None] * (L + 1)
        best[0] = 0.0
        for a in range(L):
            if best[a] == NEG:
                continue
            if section[a] is not None:
                if best[a] + section[a] > best[a + 1]:
                    best[a + 1], back[a + 1] = best[a] + section[a], (a, True)
                if self.strong[a]:
                    continue
            self._extend(a, best, back)
        if best[L] == NEG:
            # report the first line that cannot be placed
            reach = max(i for i in range(L + 1) if best[i] != NEG)
            bad = self.lines[reach] if reach < L else self.lines[-1]
            raise InputError(f"row cannot be aligned to the header's {len(self.kinds)} columns: "
                             f"{clean(bad.text)[:80]!r}", line=bad.number)
        return back

    def rows(self, back: list[tuple[int, bool] | None]) -> list[Row]:
        out: list[Row] = []
        b, lines = len(self.lines), self.lines
        while b > 0:
            a, is_section = back[b]
            if is_section:
                out.append((lines[a:b], None, clean(lines[a].text), math.inf))
            else:
                out.append((lines[a:b], self.align(a, b), None, self.split_margin(a, b) if b - a > 1 else math.inf))
            b = a
        return out[::-1]


def lines_to_rows(table: TextTable, kinds: list[str], ctx: TableContext, vocab: Vocab | None = None,
                  lengths: Lengths | None = None) -> list[Row]:
    """Group body lines into rows (or section rows) and align each row's tokens to columns.

    The first pass (no `vocab`) keeps its alignments in ctx.first_pass; the second (with
    `vocab`) keeps a span group that filled every column then (only rescored) and aligns the
    others again."""
    g = _Grouping(table, kinds, ctx, vocab, lengths)
    g.find_sections()
    back = g.group()
    if vocab is None:
        ctx.first_pass.update(g.cache)
    return g.rows(back)
