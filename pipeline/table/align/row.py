"""One row's tokens -> cells: a dynamic programme choosing, for the whole row, which tokens
form which column (or that a column is absent), maximising the sum of the cells' scores."""
from __future__ import annotations

from dataclasses import dataclass

from .context import TableContext
from .kinds import cell_cap, kind_of, score_cell, skip_cost
from .settings import NEG, AlignSettings
from .shapes import _DOSE_UNIT, _PLAIN_NUMBER, outcome_score
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
        self.memo: dict[str, dict[int, float]] = {}    # kind -> {i * width + k: score of [i, k)}

    def memo_of(self, kind: str) -> dict[int, float]:
        got = self.memo.get(kind)
        if got is None:
            got = self.memo[kind] = {}
        return got

    def reach(self, kind: str, i: int) -> int:
        """Largest k for which span [i, k) may still be a `kind` cell (every longer span from i
        crosses a tab, or holds an NCT id or a sentence word the column cannot hold)."""
        k = self.reach_tab[i]
        spec = kind_of(kind)
        if not spec.holds_nct:
            k = min(k, self.reach_nct[i])
        if not spec.sentence_words:
            k = min(k, self.reach_caps[i])
        return k

    def score(self, kind: str, i: int, k: int) -> float:
        memo = self.memo_of(kind)
        key = i * self.width + k
        sc = memo.get(key)
        if sc is None:
            sc = memo[key] = self._score(kind, i, k)
        return sc

    def _score(self, kind: str, i: int, k: int) -> float:
        spec = kind_of(kind)
        if spec.free_text:
            return outcome_score(self.toks[i], k - i, self.reach_nct[i] < k, self.ctx)
        if spec.numeric and ((k < len(self.toks) and _DOSE_UNIT.match(self.toks[k].low))
                             or (kind != "n_total" and self.toks[i].low in ("n", "n="))):
            return NEG          # "30 | mg every 28 days" is a dose; "N = 85" only counts patients
        # the same words score the same in every row of the table ("Mono", "2nd", "II")
        cache = self.ctx.cell_scores
        tkey = (kind, tuple(self.texts[i:k]))
        sc = cache.get(tkey)
        if sc is None:
            sc = cache[tkey] = score_cell(kind, self.toks[i:k], self.ctx)
        return sc


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


def vocab_bonus(vocab: Vocab | None, key: str, j: int, st: AlignSettings) -> float:
    """What a cell's text gains (or loses) for having been seen in this column (another) on
    other rows."""
    cols = vocab.get(key) if vocab else None
    if not cols:
        return 0.0
    return st.vocab_bonus if j in cols else -st.vocab_malus


def align_tokens(toks: list[Tok], kinds: list[str], ctx: TableContext, vocab: Vocab | None = None,
                 scorer: RowScorer | None = None, spanned_prefix: bool = False,
                 lengths: Lengths | None = None) -> Alignment:
    """`spanned_prefix`: columns before the row's first cell may be spanned from the row
    above whatever they hold (they cost at most `st.skip_spanned`)."""
    scorer = scorer or RowScorer(toks, ctx)
    T, C = len(toks), len(kinds)
    best = [[NEG] * (C + 1) for _ in range(T + 1)]
    back: list[list[tuple[int, bool] | None]] = [[None] * (C + 1) for _ in range(T + 1)]
    best[0][0] = 0.0
    caps, rest = column_caps(kinds, T, ctx.st)
    heads = None
    if vocab:
        # a span can be a seen value only when its first word starts one and it is no longer
        # than the longest one (a token is at least one word): most spans need no lookup
        if not isinstance(vocab, Vocab):
            vocab = Vocab(vocab)
        heads = [key.split(" ", 1)[0] in vocab.firsts for key in scorer.keys]
    for j in range(C):
        _relax_column(j, kinds, toks, ctx, scorer, best, back, caps[j], T - rest[j + 1],
                      vocab, heads, lengths[j] if lengths else None, spanned_prefix)
    if best[T][C] == NEG:
        return Alignment(NEG, [None] * C)
    spans: list[tuple[int, int] | None] = [None] * C
    i = T
    for j in range(C, 0, -1):
        pi, skipped = back[i][j]
        spans[j - 1] = None if skipped else (pi, i)
        i = pi
    return Alignment(best[T][C], spans)


def _relax_column(j, kinds, toks, ctx, scorer, best, back, maxlen, k_min, vocab, heads, long_from,
                  spanned_prefix) -> None:
    """align_tokens' moves into column j: from every reachable token i, skip the column or
    give it tokens [i, k)."""
    st = ctx.st
    T, kind = len(toks), kinds[j]
    skip = skip_cost(kind, st)
    lead_skip = max(skip, st.skip_spanned) if spanned_prefix else skip
    use_vocab = bool(vocab) and kind != "outcomes_text"
    free_text = kind_of(kind).free_text
    memo, W, score, keys = scorer.memo_of(kind), T + 1, scorer.score, scorer.keys
    longest = vocab.longest if use_vocab else 0
    for i in range(T + 1):
        b = best[i][j]
        if b == NEG:
            continue
        sk = lead_skip if i == 0 else skip
        if b + sk > best[i][j + 1] and i >= k_min:
            best[i][j + 1] = b + sk
            back[i][j + 1] = (i, True)
        if i == T:
            continue
        k_hi = min(T, i + maxlen, scorer.reach(kind, i))
        if free_text:
            # free text scores by its first word and its length only (outcome_score)
            first = toks[i]
            for k in range(max(i + 2, k_min), k_hi + 1):
                sc = outcome_score(first, k - i, False, ctx)
                if b + sc > best[k][j + 1]:
                    best[k][j + 1] = b + sc
                    back[k][j + 1] = (i, False)
            continue
        seen = use_vocab and heads[i]
        for k in range(max(i + 1, k_min), k_hi + 1):
            sc = memo.get(i * W + k)
            if sc is None:
                sc = score(kind, i, k)
            if sc == NEG:
                continue
            if seen and k - i <= longest:
                cols = vocab.get(" ".join(keys[i:k]))
                if cols:
                    sc += st.vocab_bonus if j in cols else -st.vocab_malus
            if long_from is not None and k - i > long_from:
                sc += st.long_value
            if b + sc > best[k][j + 1]:
                best[k][j + 1] = b + sc
                back[k][j + 1] = (i, False)


def _moves(toks: list[Tok], kinds: list[str], j: int, i: int, k_min: int, ctx: TableContext,
           scorer: RowScorer, vocab: Vocab | None, lengths: Lengths | None, spanned_prefix: bool):
    """align_tokens' moves into column j from token i, (k, score), k == i a skip, scored and
    pruned as align_tokens scores and prunes them."""
    st = ctx.st
    T, kind = len(toks), kinds[j]
    skip = skip_cost(kind, st)
    if i >= k_min:
        yield i, max(skip, st.skip_spanned) if spanned_prefix and i == 0 else skip
    if i == T:
        return
    k_hi = min(T, i + cell_cap(kind, T, st), scorer.reach(kind, i))
    if kind_of(kind).free_text:
        for k in range(max(i + 2, k_min), k_hi + 1):
            yield k, outcome_score(toks[i], k - i, False, ctx)
        return
    for k in range(max(i + 1, k_min), k_hi + 1):
        sc = scorer.score(kind, i, k)
        if sc == NEG:
            continue
        if vocab:
            cols = vocab.get(" ".join(scorer.keys[i:k]))
            if cols:
                sc += st.vocab_bonus if j in cols else -st.vocab_malus
        if lengths and lengths[j] is not None and k - i > lengths[j]:
            sc += st.long_value
        yield k, sc


def alignment_margin(toks: list[Tok], kinds: list[str], al: Alignment, ctx: TableContext,
                     scorer: RowScorer, vocab: Vocab | None = None, lengths: Lengths | None = None,
                     spanned_prefix: bool = False) -> float | None:
    """How much better a row's alignment scores than its closest other reading (other cell
    boundaries, or another column left empty): small means the row could as well be read
    another way. None when there is no other reading. The best path through each move not on
    the chosen path is its score before plus after the move (a forward and a backward pass)."""
    T, C = len(toks), len(kinds)
    if al.score == NEG:
        return None
    _, rest = column_caps(kinds, T, ctx.st)
    fwd = [[NEG] * (T + 1) for _ in range(C + 1)]
    fwd[0][0] = 0.0
    moves: list[list[tuple[int, int, float]]] = []
    for j in range(C):
        mj = [(i, k, sc) for i in range(T + 1) if fwd[j][i] != NEG
              for k, sc in _moves(toks, kinds, j, i, T - rest[j + 1], ctx, scorer, vocab, lengths, spanned_prefix)]
        for i, k, sc in mj:
            if fwd[j][i] + sc > fwd[j + 1][k]:
                fwd[j + 1][k] = fwd[j][i] + sc
        moves.append(mj)
    if al.score > fwd[C][T] + 1e-9:
        return al.score - fwd[C][T]     # a reading no move of the programme gives (stacked cells)
    bwd = [[NEG] * (T + 1) for _ in range(C + 1)]
    bwd[C][T] = 0.0
    for j in range(C - 1, -1, -1):
        for i, k, sc in moves[j]:
            if bwd[j + 1][k] != NEG and bwd[j + 1][k] + sc > bwd[j][i]:
                bwd[j][i] = bwd[j + 1][k] + sc
    chosen, pos = set(), 0
    for j, sp in enumerate(al.spans):
        nxt = pos if sp is None else sp[1]
        chosen.add((j, pos, nxt))
        pos = nxt
    second = max((fwd[j][i] + sc + bwd[j + 1][k] for j in range(C) for i, k, sc in moves[j]
                  if (j, i, k) not in chosen and bwd[j + 1][k] != NEG), default=NEG)
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
