"""One row's tokens -> cells: a dynamic programme choosing, for the whole row, which tokens
form which column (or that a column is absent), maximising the sum of the cells' scores."""
from __future__ import annotations

from dataclasses import dataclass

from .context import TableContext
from .kinds import COUNTS_OF_PARTS, COUNTS_PER_ARM, ColumnKind, cell_cap, dead_start, kind_of, score_cell, skip_cost
from .settings import NEG, AlignSettings
from .shapes import _ABBREV_DOTS, _DOSE_UNIT, labelled_values, _PLAIN_NUMBER, outcome_score
from .spans import SpanFacts
from .tokens import Tok


class RowScorer:
    """Cell scores of one row's token spans, memoised (both aligner passes share them), with
    how far a span starting at each token can reach before it becomes impossible for good
    (a tab, an NCT id, a capitalised sentence word)."""

    def __init__(self, toks: list[Tok], ctx: TableContext):
        self.toks, self.ctx = toks, ctx
        T = len(toks)
        self.keys = [t.low for t in toks]
        self.texts = [t.text for t in toks]
        # a tuple, so that a span's words (the table-wide cell_scores key) are one slice
        self.text_tuple = tuple(self.texts)
        # dose_after[k]: token k is a dose unit ("30 | mg"): no numeric cell ends just before it
        self.dose_after = [bool(_DOSE_UNIT.match(t.low)) for t in toks] + [False]
        self._label_at: list[bool] | None = None       # see label_at
        # reach_*[i]: the largest k such that span [i, k) holds no such token (after its first)
        self.reach_tab = [T] * (T + 1)
        self.reach_nct = [T] * (T + 1)
        self.reach_caps = [T] * (T + 1)
        nxt_tab = nxt_nct = nxt_caps = T
        for i in range(T - 1, -1, -1):
            t = toks[i]
            self.reach_tab[i] = nxt_tab
            if t.tab_before:
                nxt_tab = i
            if t.nct:
                nxt_nct = i
            if t.caps:
                nxt_caps = i
            self.reach_nct[i] = nxt_nct
            self.reach_caps[i] = nxt_caps
        self.width = T + 1
        self._reaches: dict[str | tuple[bool, bool], list[int]] = {}
        self.memo: dict[str, dict[int, float]] = {}    # kind -> {i * width + k: score of [i, k)}
        self._facts: dict[int, SpanFacts] = {}         # i * width + k -> the span's SpanFacts
        # cell moves (see moves), for one list of column kinds and one vocab at a time
        self._moves_kinds: list[str] | None = None
        self._moves_vocab: Vocab | None = None
        self._moves: dict[int, list[tuple[int, float]]] = {}
        self._base: dict[int, list[tuple[int, float]]] = {}    # the same, without the vocab bonus
        self._caps: list[int] = []
        self._rest: list[int] = []

    def memo_of(self, kind: str) -> dict[int, float]:
        got = self.memo.get(kind)
        if got is None:
            got = self.memo[kind] = {}
        return got

    def reach(self, kind: str, i: int) -> int:
        """Largest k for which span [i, k) may still be a `kind` cell (every longer span from i
        crosses a tab, or holds an NCT id or a sentence word the column cannot hold)."""
        return self.reaches(kind)[i]

    def reaches(self, kind: str) -> list[int]:
        """reach(kind, i) for every token i, worked out once per kind."""
        got = self._reaches.get(kind)
        if got is None:
            spec = kind_of(kind)
            # kinds share their reaches by what stops them (most kinds: an NCT id and a
            # sentence word), so each list is built once per row, not once per kind
            stops = (spec.holds_nct, spec.sentence_words)
            got = self._reaches.get(stops)
            if got is None:
                got = self.reach_tab
                if not spec.holds_nct:
                    got = list(map(min, got, self.reach_nct))
                if not spec.sentence_words:
                    got = list(map(min, got, self.reach_caps))
                self._reaches[stops] = got
            self._reaches[kind] = got
        return got

    def score(self, kind: str, i: int, k: int) -> float:
        memo = self.memo_of(kind)
        key = i * self.width + k
        sc = memo.get(key)
        if sc is None:
            sc = memo[key] = self._score(kind, i, k)
        return sc

    def long_cost(self, i: int, k: int) -> float:
        """What a value cell of tokens [i, k), longer than its column's usual cells, costs; none
        for the counts of the row's arms, each with its label ("11 (A) 19 (B)"): one count per
        arm, not text run into the count column; nor for those of its parts and subgroups
        ("20 (I) + 90 (II). AB: 6")."""
        text = " ".join(self.texts[i:k])
        return 0.0 if COUNTS_PER_ARM.fullmatch(text) or COUNTS_OF_PARTS.fullmatch(text) else self.ctx.st.long_value

    def moves(self, kinds: list[str], j: int, i: int, vocab: Vocab | None) -> list[tuple[int, float]]:
        """The cells column j may take from token i: (k, score of tokens [i, k)) as the row
        programmes score them, the vocab bonus in and the long-value cost not, impossible
        cells left out. Worked out once for all the programmes run over an aligned row (the
        row programme of each pass, its alignment margin, its second readings), which ask
        for the same moves again and again; the cells without the vocab bonus are shared by
        both passes."""
        key = j * self.width + i
        got = self.moves_table(kinds, vocab).get(key)
        if got is None:
            base = self._base.get(key)
            if base is None:
                base = self._base[key] = self._cell_moves(kinds, j, i)
            got = self._moves[key] = self._seen_moves(base, j, i, vocab) if vocab and base else base
        return got

    def label_at(self) -> list[bool]:
        """Per token k, _goes_on's first test of it (a label, or the token before ends a
        clause), worked out once per row: most cells end before no such token."""
        if self._label_at is None:
            toks = self.toks
            self._label_at = [k > 0 and (toks[k].colon or _clause_end(toks[k - 1].low))
                              for k in range(len(toks))] + [False]
        return self._label_at

    def moves_table(self, kinds: list[str], vocab: Vocab | None) -> dict[int, list[tuple[int, float]]]:
        """The moves worked out so far for `kinds` and `vocab`, by j * width + i: the
        programmes look a start up here and call moves only for one not there yet."""
        if kinds is not self._moves_kinds:
            self._moves_kinds, self._moves_vocab, self._moves, self._base = kinds, vocab, {}, {}
            self._caps, self._rest = column_caps(kinds, len(self.toks), self.ctx.st)
        elif vocab is not self._moves_vocab:
            self._moves_vocab, self._moves = vocab, {}
        return self._moves

    def _cell_moves(self, kinds: list[str], j: int, i: int) -> list[tuple[int, float]]:
        """moves without the vocab bonus (the scores as _score gives them, its tests that do
        not depend on k made once per start token)."""
        T, kind = len(self.toks), kinds[j]
        spec = kind_of(kind)
        k_min = T - self._rest[j + 1]
        k_hi = min(T, i + self._caps[j], self.reaches(kind)[i])
        if spec.free_text:
            first = self.toks[i]
            return [(k, sc) for k in range(max(i + 2, k_min), k_hi + 1)
                    if (sc := outcome_score(first, k - i, False, self.ctx)) != NEG]
        if dead_start(spec, self.toks[i]):
            return []
        memo, out, base = self.memo_of(kind), [], i * self.width
        dose = self.dose_after if spec.numeric else None
        if dose is not None and kind != "n_total" and self.keys[i] in ("n", "n="):
            for k in range(max(i + 1, k_min), k_hi + 1):
                memo[base + k] = NEG        # "N = 85" only counts patients (see _score)
            return out
        label = self.label_at() if spec.measure else None
        ctx, texts, facts_of = self.ctx, self.text_tuple, self._facts
        cache = ctx.cell_scores
        for k in range(max(i + 1, k_min), k_hi + 1):
            sc = memo.get(base + k)
            if sc is None:
                if (dose is not None and dose[k]) or (label is not None and label[k] and self._goes_on(i, k)):
                    sc = NEG
                else:
                    tkey = (kind, texts[i:k])
                    sc = cache.get(tkey)
                    if sc is None:      # _fresh_score, inline: one call less per new span
                        toks = self.toks[i:k]
                        facts = facts_of.get(base + k)
                        if facts is None:
                            shorter = facts_of.get(base + k - 1) if k - i > 1 else None
                            facts = facts_of[base + k] = SpanFacts(toks, ctx) if shorter is None \
                                else shorter.extended(toks, ctx)
                        sc = cache[tkey] = score_cell(kind, toks, ctx, facts, spec)
                memo[base + k] = sc
            if sc != NEG:
                out.append((k, sc))
        return out

    def _seen_moves(self, base: list[tuple[int, float]], j: int, i: int, vocab: Vocab) -> list[tuple[int, float]]:
        """moves: the cells `base` with the bonus of a value seen in column j on other rows
        (the malus of one seen in another column); free text takes neither."""
        if kind_of(self._moves_kinds[j]).free_text:
            return base
        # a span can be a seen value only when its first word starts one and it is no longer
        # than the longest one (a token is at least one word): most spans need no lookup
        if not isinstance(vocab, Vocab):
            longest = self.width
        elif self.keys[i].split(" ", 1)[0] in vocab.firsts:
            longest = vocab.longest
        else:
            return base
        # the list is copied only when some span is a seen value (most rows' spans are not)
        st, keys, out = self.ctx.st, self.keys, None
        text, end = keys[i], i + 1          # the words of tokens [i, end), grown word by word
        for n, (k, sc) in enumerate(base):
            if k - i > longest:
                break                       # base runs by k: every later span is longer
            while end < k:
                text += " " + keys[end]
                end += 1
            cols = vocab.get(text)
            if cols:
                if out is None:
                    out = list(base)
                out[n] = (k, sc + (st.vocab_bonus if j in cols else -st.vocab_malus))
        return base if out is None else out

    def _score(self, kind: str, i: int, k: int, spec: ColumnKind | None = None) -> float:
        spec = spec or kind_of(kind)
        if spec.free_text:
            return outcome_score(self.toks[i], k - i, self.reach_nct[i] < k, self.ctx)
        if spec.numeric and (self.dose_after[k] or (kind != "n_total" and self.toks[i].low in ("n", "n="))):
            return NEG          # "30 | mg every 28 days" is a dose; "N = 85" only counts patients
        if spec.measure and k < len(self.toks) and self._goes_on(i, k):
            return NEG          # the cell's next clause, a label's value, is the cell's too
        # the same words score the same in every row of the table ("Mono", "2nd", "II")
        cache = self.ctx.cell_scores
        tkey = (kind, self.text_tuple[i:k])
        sc = cache.get(tkey)
        if sc is None:
            sc = cache[tkey] = self._fresh_score(kind, i, k, spec)
        return sc

    def _fresh_score(self, kind: str, i: int, k: int, spec: ColumnKind) -> float:
        """score_cell of tokens [i, k), their SpanFacts extended from those of [i, k - 1)."""
        key = i * self.width + k
        toks = self.toks[i:k]
        facts = self._facts.get(key)
        if facts is None:
            shorter = self._facts.get(key - 1) if k - i > 1 else None    # [i, k - 1)
            facts = self._facts[key] = SpanFacts(toks, self.ctx) if shorter is None \
                else shorter.extended(toks, self.ctx)
        return score_cell(kind, toks, self.ctx, facts, spec)

    def _goes_on(self, i: int, k: int) -> bool:
        """Does a subgroup's label and value at token k ("AB: 6", "AB 6") go on with the cell
        [i, k): after a clause that a full stop ends ("20 (I) + 90 (II). | AB: 6"), or after
        other subgroups' values ("All: 12 | AB: 40"; a label the cell already has starts the
        next column's values: "A: 12% B: 15% | A: 3.1 mo")?"""
        label = self.toks[k]
        if not (label.colon or _clause_end(self.toks[k - 1].low)) or labelled_values(" ".join(self.texts[k:k + 2])) is None:
            return False
        if _clause_end(self.toks[k - 1].low):
            return True
        if not self.toks[i].colon or labelled_values(" ".join(self.texts[i:k])) is None:
            return False
        return label.low not in {t.low for t in self.toks[i:k] if t.colon}


def _clause_end(low: str) -> bool:
    """Does a token end a clause with a full stop ("(II).", "cohort."; not "vs.", "mo.", "12.")?"""
    return low.endswith(".") and low not in _ABBREV_DOTS and len(low) > 2 and not low[:-1].replace(".", "").isdigit()


class Vocab(dict):
    """Values seen on at least two rows -> the columns they were seen in, with what
    align_tokens needs to skip most lookups (the values' first words, the longest value's word
    count) worked out once per table: computing them per row made a table cost quadratic in
    its rows."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.firsts = frozenset(v.split(" ", 1)[0] for v in self)
        self.longest = max((v.count(" ") + 1 for v in self), default=0)


# per column: the longest usual cell, in tokens (None: no limit learned)
Lengths = list[int | None]


@dataclass
class Alignment:
    score: float
    spans: list[tuple[int, int] | None]   # per column: token [i, k) or None when absent


def column_caps(kinds: list[str], T: int, st: AlignSettings) -> tuple[list[int], list[int]]:
    """Per column, the most tokens its cell takes, and the most the columns from it on take."""
    caps = [cell_cap(k, T, st) for k in kinds]
    rest = [0] * (len(kinds) + 1)
    for j in range(len(kinds) - 1, -1, -1):
        rest[j] = min(T, rest[j + 1] + caps[j])
    return caps, rest


def align_tokens(toks: list[Tok], kinds: list[str], ctx: TableContext, vocab: Vocab | None = None,
                 scorer: RowScorer | None = None, spanned_prefix: bool = False,
                 lengths: Lengths | None = None) -> Alignment:
    """`spanned_prefix`: columns before the row's first cell may be spanned from the row
    above whatever they hold (they cost at most `st.skip_spanned`)."""
    scorer = scorer or RowScorer(toks, ctx)
    T, C = len(toks), len(kinds)
    # best[j][i]: best score of columns [0, j) over tokens [0, i); back[j][i]: the token the
    # column's move started on, i itself for a skip (a move into column j ends past its start)
    best = [[NEG] * (T + 1) for _ in range(C + 1)]
    back: list[list[int]] = [[-1] * (T + 1) for _ in range(C + 1)]
    best[0][0] = 0.0
    _, rest = column_caps(kinds, T, ctx.st)
    for j in range(C):
        _relax_column(j, kinds, ctx, scorer, best, back, T - rest[j + 1], vocab,
                      lengths[j] if lengths else None, spanned_prefix)
    if best[C][T] == NEG:
        return Alignment(NEG, [None] * C)
    spans: list[tuple[int, int] | None] = [None] * C
    i = T
    for j in range(C, 0, -1):
        pi = back[j][i]
        spans[j - 1] = None if pi == i else (pi, i)
        i = pi
    return Alignment(best[C][T], spans)


def _relax_column(j, kinds, ctx, scorer, best, back, k_min, vocab, long_from, spanned_prefix) -> None:
    """align_tokens' moves into column j: from every reachable token i, skip the column or
    give it tokens [i, k) (the row's cell moves, RowScorer.moves, which the alignment margin
    and the second readings of the row ask for again)."""
    st = ctx.st
    T = len(scorer.toks)
    skip = skip_cost(kinds[j], st)
    lead_skip = max(skip, st.skip_spanned) if spanned_prefix else skip
    cur, nxt, nxt_back = best[j], best[j + 1], back[j + 1]
    table, at = scorer.moves_table(kinds, vocab), j * scorer.width
    for i in range(T + 1):
        b = cur[i]
        if b == NEG:
            continue
        sk = lead_skip if i == 0 else skip
        if b + sk > nxt[i] and i >= k_min:
            nxt[i] = b + sk
            nxt_back[i] = i
        if i == T:
            continue
        mv = table.get(at + i)
        if mv is None:
            mv = scorer.moves(kinds, j, i, vocab)
        if long_from is None:
            for k, sc in mv:
                if (v := b + sc) > nxt[k]:
                    nxt[k] = v
                    nxt_back[k] = i
            continue
        for k, sc in mv:
            if k - i > long_from:
                sc += scorer.long_cost(i, k)
            if b + sc > nxt[k]:
                nxt[k] = b + sc
                nxt_back[k] = i


def _column_moves(kinds: list[str], j: int, k_min: int, reached: list[float], scorer: RowScorer,
                  vocab: Vocab | None, long_from: int | None, spanned_prefix: bool,
                  st: AlignSettings) -> list[tuple[int, float | None, list[tuple[int, float]]]]:
    """align_tokens' moves into column j from every token i a path reaches: (i, the skip's
    score or None when the column may not be skipped there, the cell moves (k, score)), scored
    and pruned as align_tokens scores and prunes them. The row's cell move lists are used as
    they are unless a cell is long (one tuple per start, not one per move)."""
    T = len(scorer.toks)
    skip = skip_cost(kinds[j], st)
    table, at = scorer.moves_table(kinds, vocab), j * scorer.width
    out: list[tuple[int, float | None, list[tuple[int, float]]]] = []
    for i in range(T + 1):
        if reached[i] == NEG:
            continue
        sk = None if i < k_min else max(skip, st.skip_spanned) if spanned_prefix and i == 0 else skip
        if i == T:
            out.append((i, sk, []))
            continue
        mv = table.get(at + i)
        if mv is None:
            mv = scorer.moves(kinds, j, i, vocab)
        if long_from is not None and any(k - i > long_from for k, _ in mv):
            mv = [(k, sc + scorer.long_cost(i, k) if k - i > long_from else sc) for k, sc in mv]
        out.append((i, sk, mv))
    return out


def _margin_forward(kinds, j, k_min, fwd, scorer, vocab, long_from, spanned_prefix, st):
    """alignment_margin's forward moves into column j: fwd[j + 1] from fwd[j]; the column's
    moves (_column_moves), for the backward pass."""
    here, ahead = fwd[j], fwd[j + 1]
    mj = _column_moves(kinds, j, k_min, here, scorer, vocab, long_from, spanned_prefix, st)
    for i, sk, mv in mj:
        b = here[i]
        if sk is not None and b + sk > ahead[i]:
            ahead[i] = b + sk
        for k, sc in mv:
            if b + sc > ahead[k]:
                ahead[k] = b + sc
    return mj


def alignment_margin(toks: list[Tok], kinds: list[str], al: Alignment, ctx: TableContext,
                     scorer: RowScorer, vocab: Vocab | None = None, lengths: Lengths | None = None,
                     spanned_prefix: bool = False) -> float | None:
    """How much better a row's alignment scores than its closest other reading (other cell
    boundaries, or another column left empty): small means the row could as well be read
    another way. None when there is no other reading. The best path through each move not on
    the chosen path is its score before plus after the move (a forward and a backward pass;
    each column's moves are looked at in the backward pass, when the scores after it are
    known)."""
    T, C = len(toks), len(kinds)
    if al.score == NEG:
        return None
    st = ctx.st
    _, rest = column_caps(kinds, T, st)
    fwd = [[NEG] * (T + 1) for _ in range(C + 1)]
    fwd[0][0] = 0.0
    moves = [_margin_forward(kinds, j, T - rest[j + 1], fwd, scorer, vocab, lengths[j] if lengths else None,
                             spanned_prefix, st) for j in range(C)]
    if al.score > fwd[C][T] + 1e-9:
        return al.score - fwd[C][T]     # a reading no move of the programme gives (stacked cells)
    # column j's chosen move: tokens [pos, end), pos == end when the column is left empty
    chosen, pos = [], 0
    for sp in al.spans:
        end = pos if sp is None else sp[1]
        chosen.append((pos, end))
        pos = end
    bwd = [[NEG] * (T + 1) for _ in range(C + 1)]
    bwd[C][T] = 0.0
    second = NEG        # the best path through a move off the chosen path
    for j in range(C - 1, -1, -1):
        before, here, after = fwd[j], bwd[j], bwd[j + 1]
        pos, end = chosen[j]
        for i, sk, mv in moves[j]:
            b = before[i]
            if sk is not None and (a := after[i]) != NEG:
                if a + sk > here[i]:
                    here[i] = a + sk
                if (i != pos or i != end) and b + sk + a > second:
                    second = b + sk + a
            for k, sc in mv:
                a = after[k]
                if a == NEG:
                    continue
                if a + sc > here[i]:
                    here[i] = a + sc
                if (i != pos or k != end) and b + sc + a > second:
                    second = b + sc + a
    return None if second == NEG else max(0.0, al.score - second)


def stacked_alignment(toks: list[Tok], kinds: list[str], ctx: TableContext) -> Alignment | None:
    """A row whose cells are stacked per arm over lines of their own, the values column by
    column: a Treatment cell of k lines (one regimen each), then the value columns' numbers one
    per line, k for the first column, k for the next ... ("31.0 / 30.0 / 44.0 / 4.0 / 4.0 / 4.0").
    None when the row's tokens do not end that way."""
    values = []
    for j in range(len(kinds) - 1, -1, -1):
        if kind_of(kinds[j]).numeric:
            values.append(j)
        else:
            break
    values.reverse()
    if len(values) < 2 or "treatment" not in kinds[:values[0]]:
        return None
    start = len(toks)
    while start > 0 and _PLAIN_NUMBER.fullmatch(toks[start - 1].norm) and \
            (start == 1 or toks[start - 2].line != toks[start - 1].line) and \
            (start == len(toks) or toks[start].line != toks[start - 1].line):
        start -= 1
    n = len(toks) - start
    k, rest = divmod(n, len(values))
    if k < 2 or rest or start == 0:
        return None
    head = align_tokens(toks[:start], kinds[:values[0]], ctx, spanned_prefix=False)
    t = kinds.index("treatment")
    sp = head.spans[t]
    if head.score == NEG or sp is None or len({x.line for x in toks[sp[0]:sp[1]]}) != k:
        return None
    spans = list(head.spans) + [(start + v * k, start + (v + 1) * k) for v in range(len(values))]
    return Alignment(head.score + ctx.st.stacked_value * n, spans)
