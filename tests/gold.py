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


def score(gold: dict, arms: pd.DataFrame, measures: pd.DataFrame) -> dict:
    """The shared scorer's figures for one annotated source, rows matched by number: measures
    found (measure and value agree), their populations, and the annotated cells."""
    src = gold["source"]
    a = {r["row"]: r for r in arms[arms["source"] == src].to_dict("records")}
    m = measures[measures["source"] == src]
    t = dict(gold=0, ext=0, hit=0, pop_ok=0, cells=0, cells_ok=0)
    t["ext"] = sum(1 for r in m.to_dict("records") if r["measure"] in SCORED
                   and (r["not_reached"] or (r["value"] is not None and not pd.isna(r["value"]))))
    cells = ["trial_id", "target", "agent", "line", "phase", "design", "treatment", "drugs", "primary_sites",
             "ref", "filled"]
    for g in gold["rows"]:
        gm = [x for x in g["measures"] if x["measure"] in SCORED and (x.get("value") is not None or x.get("not_reached"))]
        t["gold"] += len(gm)
        rec = a.get(g["row"])
        if rec is None:
            continue
        ext = [r for r in m[m["row"] == g["row"]].to_dict("records") if r["measure"] in SCORED]
        used = set()
        for x in gm:
            pops = {canon_pop(p) for p in [x["population"]] + x.get("population_any", [])}
            best = None
            for i, e in enumerate(ext):
                if i in used or e["measure"] != x["measure"]:
                    continue
                if x.get("not_reached") or e["not_reached"]:
                    ok = bool(x.get("not_reached")) and bool(e["not_reached"])
                else:
                    ok = e["value"] is not None and not pd.isna(e["value"]) and abs(
                        e["value"] - x["value"]) <= (0.51 if x["measure"] == "n" else 0.06)
                if ok and (best is None or canon_pop(e["population"]) in pops):
                    best = i
                    if canon_pop(e["population"]) in pops:
                        break
            if best is not None:
                used.add(best)
                t["hit"] += 1
                t["pop_ok"] += canon_pop(ext[best]["population"]) in pops
        for f in cells:
            if f in g:
                t["cells"] += 1
                ev, gv = norm(f, rec.get(f)), norm(f, g[f])
                if f in ("drugs", "primary_sites", "filled") and gv == () and ev is None:
                    ev = ()
                t["cells_ok"] += ev == gv
    p = t["hit"] / t["ext"] if t["ext"] else 0.0
    r = t["hit"] / t["gold"] if t["gold"] else 0.0
    return dict(f1=2 * p * r / (p + r) if p + r else 0.0, precision=p,
                population=t["pop_ok"] / t["hit"] if t["hit"] else 0.0,
                cells=t["cells_ok"] / t["cells"] if t["cells"] else 1.0)
