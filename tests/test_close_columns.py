"""close_value_columns (one forward and one backward pass) flags the same value cells as
row_doubts' second readings (a two-state programme, then one more per column with only=j),
whatever the close margin: checked on every row of the invented and the pasted test tables."""
import dataclasses
from pathlib import Path

import pytest

import pipeline.table.align.doubts as doubts
from conftest import DATA
from pipeline.readers.text import text_to_tables
from pipeline.table.align import text_table_to_grid

_MARGINS = (0.01, 0.3, 1.0, 2.0, 4.0, 10.0, 100.0)


def _by_second_readings(toks, kinds, ctx, al, vocab, scorer) -> list[int]:
    """row_doubts' close_alignment columns as second_reading gives them."""
    close = ctx.st.close_margin
    sec = doubts.second_reading(toks, kinds, ctx, al, vocab, scorer)
    if sec.margin >= close:
        return []
    return [j for j in sorted(doubts._value_columns(kinds)) if al.spans[j] is not None
            and (j in sec.changed or doubts.second_reading(toks, kinds, ctx, al, vocab, scorer, only=j).margin < close)]


def _texts() -> list[Path]:
    return sorted((DATA / "invented").glob("*.txt")) + sorted((DATA / "raw").glob("*.txt"))[:40]


@pytest.mark.parametrize("path", _texts(), ids=lambda p: p.name)
def test_close_columns_match_second_readings(path, monkeypatch):
    fast = doubts.close_value_columns
    seen = {"rows": 0, "decided": 0}

    def check(toks, kinds, ctx, al, vocab, scorer):
        st = ctx.st
        for m in _MARGINS:
            ctx.st = dataclasses.replace(st, close_margin=m)
            got = fast(toks, kinds, ctx, al, vocab, scorer)
            if got is not None:
                seen["decided"] += 1
                assert got == _by_second_readings(toks, kinds, ctx, al, vocab, scorer), (m, [t.text for t in toks])
        ctx.st = st
        seen["rows"] += 1
        return fast(toks, kinds, ctx, al, vocab, scorer)

    monkeypatch.setattr(doubts, "close_value_columns", check)
    try:
        tables = text_to_tables("t", path.read_text())
    except Exception:
        pytest.skip("no pasted table")
    for table in tables:
        try:
            text_table_to_grid(table)
        except Exception:
            continue
    assert seen["rows"] > 0 and seen["decided"] >= seen["rows"]
