"""Compare an extracted dataset with a gold annotation (tests/data/gold/*.json).

The comparison is the test suite's own (stricter than ../shared/tools/score.py: every gold
measure must be found with its population and timepoint, and no extra measures)."""
from __future__ import annotations

import re

import pandas as pd

CELL_FIELDS = ["trial_id", "study", "target", "agent", "line", "phase", "design", "treatment", "drugs",
               "primary_sites", "ref", "filled", "section", "primary_endpoint", "primary_endpoint_met"]
SCORED = {"n", "orr", "dcr", "pfs_median", "os_median", "pfs_rate", "os_rate"}


def canon_pop(p) -> str:
    if p is None:
        return "all"
    s = str(p).lower()
    s = re.sub(r"\b(evaluable|patients?|pts|with|the|in|all|cohort|refractory|pulmonary)\b", " ", s)
    s = s.replace("large-cell", "lc").replace("large cell", "lc")
    s = re.sub(r"[^a-z0-9]+", "", s)
    s = re.sub(r"s$", "", s)
    return s or "all"


def norm(field, v):
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return None
    if field in ("drugs", "primary_sites", "filled"):
        return tuple(sorted(str(x).strip().lower() for x in list(v)))
    if field == "line":
        return int(v)
    if field == "primary_endpoint_met":
        return bool(v)
    if field == "ref":
        return re.sub(r"[\[\]()\s]", "", str(v))
    return re.sub(r"\s+", " ", str(v)).strip().lower()


def compare(gold: dict, arms: pd.DataFrame, measures: pd.DataFrame) -> list[str]:
    """Every difference between gold and extracted, as readable lines (empty = equal)."""
    problems = []
    src = gold["source"]
    a = arms[arms["source"] == src].sort_values("row")
    if len(a) != len(gold["rows"]):
        problems.append(f"{src}: {len(a)} rows extracted, gold has {len(gold['rows'])}")
    for g in gold["rows"]:
        rec = a[a["row"] == g["row"]]
        if rec.empty:
            problems.append(f"{src} row {g['row']}: missing")
            continue
        rec = rec.iloc[0].to_dict()
        for f in CELL_FIELDS:
            if f not in g:
                continue
            ev, gv = norm(f, rec.get(f)), norm(f, g[f])
            if f in ("drugs", "primary_sites", "filled") and gv == () and ev is None:
                ev = ()
            if ev != gv:
                problems.append(f"{src} row {g['row']}: {f} {ev!r} != gold {gv!r}")
        m = measures[(measures["source"] == src) & (measures["row"] == g["row"])]
        ext = [r for r in m.to_dict("records") if r["measure"] in SCORED]
        used = set()
        for gm in g["measures"]:
            if gm["measure"] not in SCORED:
                continue
            pops = {canon_pop(x) for x in [gm["population"]] + gm.get("population_any", [])}
            hit = None
            for i, e in enumerate(ext):
                if i in used or e["measure"] != gm["measure"]:
                    continue
                if gm.get("not_reached"):
                    ok = bool(e["not_reached"])
                else:
                    tol = 0.51 if gm["measure"] == "n" else 0.06
                    ok = e["value"] is not None and not pd.isna(e["value"]) and abs(e["value"] - gm["value"]) <= tol
                if ok and canon_pop(e["population"]) in pops:
                    hit = i
                    break
            if hit is None:
                problems.append(f"{src} row {g['row']}: missed {gm['measure']} {gm['population']}={gm.get('value')}")
                continue
            used.add(hit)
            e = ext[hit]
            tp = gm.get("timepoint_months")
            etp = e["timepoint_months"]
            if tp is not None and (etp is None or pd.isna(etp) or abs(etp - tp) > 0.06):
                problems.append(f"{src} row {g['row']}: {gm['measure']} timepoint {etp} != gold {tp}")
            if tp is None and etp is not None and not pd.isna(etp) and gm["measure"] not in ("orr", "dcr"):
                problems.append(f"{src} row {g['row']}: {gm['measure']} unexpected timepoint {etp}")
        for i, e in enumerate(ext):
            if i not in used:
                problems.append(f"{src} row {g['row']}: extra {e['measure']} {e['population']}={e['value']}")
    return problems
