"""Measures F1 and cell agreement of an extraction against the real-table annotations in
tests/data/real/gold (copies of ../shared/real): rows are aligned in order to maximise the
measures they share (so one row merged or split costs that row, not the rest of the table),
a measure matches on (measure, value) within ±0.06 (±0.51 for counts), cells compare as
tests/gold.py normalises them."""
from __future__ import annotations

import pandas as pd

from gold import norm

SCORED = {"n", "orr", "dcr", "pfs_median", "os_median", "pfs_rate", "os_rate"}
CELLS = ["trial_id", "target", "agent", "line", "phase", "design", "treatment", "drugs", "primary_sites", "ref",
         "filled"]


def _key(m: dict) -> tuple:
    nr = bool(m.get("not_reached")) and not pd.isna(m.get("not_reached"))
    return m["measure"], None if nr or m.get("value") is None or pd.isna(m["value"]) else float(m["value"])


def _hits(gold: list[tuple], got: list[tuple]) -> int:
    free, n = list(got), 0
    for meas, v in gold:
        for i, (m2, v2) in enumerate(free):
            if m2 == meas and (v == v2 if v is None or v2 is None
                               else abs(v - v2) <= (0.51 if meas == "n" else 0.06)):
                free.pop(i)
                n += 1
                break
    return n


def score_source(gold: dict, arms: pd.DataFrame, measures: pd.DataFrame) -> dict:
    src = gold["source"]
    a = arms[arms["source"] == src].sort_values("row").to_dict("records")
    m = measures[(measures["source"] == src) & measures["measure"].isin(SCORED)]
    got = [[_key(x) for x in m[m["row"] == r["row"]].to_dict("records")] for r in a]
    want = [[_key(x) for x in g["measures"] if x["measure"] in SCORED] for g in gold["rows"]]
    G, E = len(want), len(got)
    dp = [[0.0] * (E + 1) for _ in range(G + 1)]
    sim = [[_hits(w, e) + 1e-3 for e in got] for w in want]
    for i in range(G - 1, -1, -1):
        for j in range(E - 1, -1, -1):
            dp[i][j] = max(dp[i + 1][j], dp[i][j + 1], sim[i][j] + dp[i + 1][j + 1])
    hit = cells = cells_ok = 0
    i = j = 0
    while i < G and j < E:
        if dp[i][j] == sim[i][j] + dp[i + 1][j + 1]:
            hit += _hits(want[i], got[j])
            for f in CELLS:
                if f in gold["rows"][i]:
                    ev, gv = norm(f, a[j].get(f)), norm(f, gold["rows"][i][f])
                    if f in ("drugs", "primary_sites", "filled") and gv == () and ev is None:
                        ev = ()
                    cells += 1
                    cells_ok += ev == gv
            i, j = i + 1, j + 1
        elif dp[i][j] == dp[i + 1][j]:
            i += 1
        else:
            j += 1
    n_gold, n_got = sum(map(len, want)), sum(map(len, got))
    f1 = 2 * hit / (n_gold + n_got) if n_gold + n_got else 1.0
    return {"f1": f1, "precision": hit / n_got if n_got else 1.0, "cells": cells_ok / cells if cells else 1.0,
            "rows": E}
