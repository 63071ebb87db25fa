"""Synthetic corpus for the throughput benchmark.

Makes N plain-text tables in the form of the reference table (raw/pmc10584733_table6.txt):
page-chrome lines, "Table K.", a blank line, the title, a blank line, the header line

    Trials Target Agent Line Phase Treatment Primary sites Key outcomes Ref

then one line per data row (cells separated by single spaces, cells spanning down simply
missing), a blank line and an "Abbreviations:" legend, with no final newline.

Rows recombine cell values of the reference (NCT ids, targets, "Name (Abbrev)" agents,
1st/2nd, phases with an optional design parenthesis, regimens with thin spaces around "+",
primary sites, refs). The Key-outcomes text is built from sentence templates in the
reference's constructions ("Among N ..., a and b were X and Y, respectively.", "In all
patients, ORR was x%; mPFS, y months", "ORR, a% in NEC and b% in NET", "The 12-month OS rate
was ...", "ORR at 8 weeks", "The primary endpoint, ..., was met", "Ki-67 ≥ 10%" thresholds,
non-measure distractors) with fresh numbers, subgroups and units (months/weeks/days, NBSP
before the unit) on every row, so no two texts are copies (spaCy's tokenizer caches repeated
strings, which would flatter the benchmark).

Every file is a pure function of (seed, file index): file i of a 4x corpus is file i of the
1x corpus. `expected_measures` counts the numbers each template states about an outcome
(patients, rates, medians) the way the reference annotations do; it is a yardstick for the
pipeline's measure count, not gold.

    python bench/make_corpus.py --n 2000 --out DIR --seed 0

writes DIR/bench_00000.txt ... and the manifest DIR.manifest.json (beside DIR, so that
`python -m pipeline extract DIR` sees only tables).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

NBSP = "\u00a0"      # before units, as in the reference
THIN = "\u2009"      # around "+" and comparison signs, as in the reference

HEADER = "Trials Target Agent Line Phase Treatment Primary sites Key outcomes Ref"
COLUMNS = ("trial_id", "target", "agent", "line", "phase", "treatment",
           "primary_sites", "outcomes_text", "ref")
DEFAULT_ROWS = 17
DEFAULT_N = 2000

# --- cell values (recombined from the reference, plus a few of the same kind) -------------

# target -> agents; an agent is a tuple of (name, abbreviation) parts joined by " + "
AGENTS_BY_TARGET: dict[str, list[tuple[tuple[str, str], ...]]] = {
    "PD-L1": [(("Avelumab", "Avel"),), (("Atezolizumab", "Atezo"),), (("Durvalumab", "Durva"),)],
    "PD-1": [(("Pembrolizumab", "Pembro"),), (("Toripalimab", "Tori"),),
             (("Spartalizumab", "Spa"),), (("Nivolumab", "Nivo"),),
             (("Sintilimab", "Sinti"),), (("Camrelizumab", "Camre"),),
             (("Tislelizumab", "Tisle"),)],
    "PD-1/CTLA-4": [(("Nivolumab", "Nivo"), ("ipilimumab", "Ipi"))],
    "PD-L1/CTLA-4": [(("Durvalumab", "Durva"), ("tremelimumab", "Treme"))],
}
TARGET_ORDER = ("PD-L1", "PD-1", "PD-1/CTLA-4", "PD-L1/CTLA-4")

# partners of a single agent in a combination regimen: (text, abbreviations it uses)
PARTNERS: list[tuple[str, tuple[str, ...]]] = [
    ("chemo (CPT-11 or PTX)", ("CPT-11", "PTX")),
    (f"CBDCA{THIN}+{THIN}ETP", ("CBDCA", "ETP")),
    (f"CDDP{THIN}+{THIN}ETP", ("CDDP", "ETP")),
    ("TEM", ("TEM",)),
    ("surufatinib", ()),
    ("lenvatinib", ()),
]
PHASES = ("I", "II", "II", "II", "I/II", "III")
DESIGNS = ("randomized parallel arms", "basket trial, multiple cohorts", "multiple cohorts",
           "single-arm", "single-arm, two cohorts")
SITES = ("Any", "Any", "Any", "GEP", "GEP or lung", "GEP or UK", "lung")

TITLES = (
    "Clinical trials of immune checkpoint inhibitors in NEC",
    "Clinical trials of immune checkpoint inhibitors in NEN",
    "Clinical trials of immune checkpoint inhibitors in G3 NENs",
    "Trials of PD-1/PD-L1 blockade in neuroendocrine carcinoma",
    "Immune checkpoint inhibitors in poorly differentiated neuroendocrine neoplasms",
    "Selected clinical trials of immunotherapy in NEC and G3 NET",
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

LEGEND_BASE = (
    ("NCT number", "ClinicalTrials.gov Identifier"), ("GEP", "gastro-entero-pancreatic"),
    ("NEC", "neuroendocrine carcinoma"), ("NEN", "neuroendocrine neoplasm"),
    ("NET", "neuroendocrine tumor"), ("UK", "unknown"), ("ORR", "overall response rate"),
    ("mPFS", "median progression-free survival"), ("mOS", "median overall survival"),
    ("DCR", "disease control rate"),
)
LEGEND_OPTIONAL = {
    "LCNEC": "large cell neuroendocrine carcinoma", "CPT-11": "irinotecan", "PTX": "paclitaxel",
    "CBDCA": "carboplatin", "CDDP": "cisplatin", "ETP": "etoposide", "TEM": "temozolomide",
    "PR": "partial response", "OS": "overall survival", "PFS": "progression-free survival",
}
LEGEND_TAIL = (("Ref", "reference"), ("Mono", "monotherapy"))

# --- outcome vocabulary ---------------------------------------------------------------------

# subgroup (plural as written, singular as written)
SUBGROUPS = (
    ("NECs", "NEC"), ("NETs", "NET"), ("GEP-NECs", "GEP-NEC"), ("GEP-NENs", "GEP-NEN"),
    ("GEP-NETs", "GEP-NET"), ("GEP-G3 NENs", "GEP-G3 NEN"), ("GEP-G3 NETs", "GEP-G3 NET"),
    ("pulmonary LCNECs", "pulmonary LCNEC"), ("pancreatic NECs", "pancreatic NEC"),
    ("small cell NECs", "small cell NEC"), ("large cell NECs", "large cell NEC"),
    ("colorectal NECs", "colorectal NEC"), ("gastric NECs", "gastric NEC"),
    ("G3 NETs", "G3 NET"), ("MiNENs", "MiNEN"),
)
COHORTS_WITH = (  # "Among N patients with ..."
    "G3 NENs", "G3 NEN", "NENs", "non-pancreatic NEN", "advanced NECs",
    "poorly differentiated NECs", "G3 GEP or unknown NENs in the first-line setting",
    "GEP-NENs after first line platinum-based chemotherapy", "metastatic G3 NENs",
    "refractory NECs", "extrapulmonary NECs",
)
COHORTS_BARE = (  # "Among N ..."
    "NENs", "NECs after failure of previous therapy", "NENs after failure of previous therapy",
    "refractory pulmonary LCNECs or GEP-NECs after failure of previous therapy",
    "refractory pulmonary (large-cell only) or GEP-NECs after failure of previous therapy",
    "GEP and pulmonary NECs in NET{cohort} cohort", "NENs (Ki-67{thr}) after failure of previous therapy",
    "NECs (Ki-67{thr})", "G3 NENs (Ki-67{thr}) in the second-line setting",
)
NUMBER_WORDS = ("one", "two", "three", "four", "five", "six")


@dataclass
class GenRow:
    """One generated data row: the values of every column, and which cells are printed."""
    trial_id: str
    target: str
    agent: str
    line: str
    phase: str
    treatment: str
    primary_sites: str
    outcomes_text: str
    ref: str
    printed: tuple[str, ...]            # columns whose cell is on the line (others span down)
    expected_measures: int = 0

    def cell(self, column: str) -> str:
        return getattr(self, column)

    def render(self) -> str:
        return " ".join(self.cell(c) for c in COLUMNS if c in self.printed)


@dataclass
class GenTable:
    """One generated table file."""
    name: str                            # file stem
    label: str                           # "Table 6"
    title: str
    chrome: tuple[str, ...]              # page-chrome lines before the label
    rows: list[GenRow]
    legend: str
    abbreviations: dict[str, str] = field(default_factory=dict)

    def render(self) -> str:
        lines = [*self.chrome, "", f"{self.label}.", "", self.title, "", HEADER]
        lines += [r.render() for r in self.rows]
        lines += ["", f"Abbreviations: {self.legend}"]
        return "\n".join(lines)          # no final newline, like the reference

    @property
    def expected_measures(self) -> int:
        return sum(r.expected_measures for r in self.rows)


# --- numbers ----------------------------------------------------------------------------------

def _pct(rng: random.Random, lo: float = 0.0, hi: float = 70.0) -> str:
    value = rng.uniform(lo, hi)
    return f"{value:.0f}%" if rng.random() < 0.35 else f"{value:.1f}%"


def _num(rng: random.Random, lo: float, hi: float) -> str:
    value = rng.uniform(lo, hi)
    r = rng.random()
    if r < 0.2:
        return f"{value:.0f}"
    if r < 0.3:
        return f"{value:.2f}"
    return f"{value:.1f}"


def _unit(rng: random.Random) -> str:
    r = rng.random()
    return "months" if r < 0.72 else "weeks" if r < 0.9 else "days"


def _duration_value(rng: random.Random, unit: str, long: bool = False) -> str:
    """A plausible median in `unit` (without the unit)."""
    if unit == "months":
        return _num(rng, 1.0, 40.0 if long else 12.0)
    if unit == "weeks":
        return _num(rng, 4.0, 120.0 if long else 50.0)
    return f"{rng.randint(20, 900 if long else 360)}"


def _duration(rng: random.Random, long: bool = False) -> str:
    unit = _unit(rng)
    return f"{_duration_value(rng, unit, long)}{NBSP}{unit}"


def _threshold(rng: random.Random) -> str:
    sign = rng.choice(("≥", ">", "≤", "<"))
    return f"{THIN}{sign}{THIN}{rng.choice((5, 10, 20, 30, 55))}%"


def _two_subgroups(rng: random.Random) -> tuple[tuple[str, str], tuple[str, str]]:
    a, b = rng.sample(SUBGROUPS, 2)
    return a, b


# --- outcome sentences: each returns (sentence without final period, measures it states) --------

def _cohort(rng: random.Random, n: int) -> tuple[str, int]:
    if rng.random() < 0.5:
        desc = f"patients with {rng.choice(COHORTS_WITH)}"
    else:
        desc = rng.choice(COHORTS_BARE).format(cohort=f"{rng.randint(0, 999):03d}",
                                               thr=_threshold(rng))
    (s1, _), (s2, _) = _two_subgroups(rng)
    a = rng.randint(1, max(1, n - 1))
    r = rng.random()
    if r < 0.45:
        b = rng.randint(1, max(1, n - 1))
        return f"Among {n} {desc}, {a} and {b} were {s1} and {s2}, respectively", 3
    if r < 0.75:
        return f"Among {n} {desc}, {a} were {s1}", 2
    c = rng.randint(1, a)
    return f"Among {n} {desc}, {a} were {s1}, including {c} {s2}", 3


def _chemo_split(rng: random.Random, n: int) -> tuple[str, int]:
    a = rng.randint(1, max(1, n - 1))
    return f"Chemotherapy: {a} CPT-11 and {n - a} PTX", 2


def _all_patients(rng: random.Random) -> tuple[str, int]:
    """'In all patients, ORR was x%; mPFS, y months; mOS, z weeks' (ORR/mOS optional)."""
    parts, count = [], 0
    lead = rng.choice(("In all patients", "In all patients", "Overall", "In the overall population"))
    if rng.random() < 0.85:
        parts.append(f"ORR was {_pct(rng)}" if rng.random() < 0.5 else f"ORR, {_pct(rng)}")
        count += 1
    if rng.random() < 0.35:
        parts.append(f"DCR, {_pct(rng, 20, 90)}")
        count += 1
    parts.append(f"mPFS, {_duration(rng)}")
    count += 1
    if rng.random() < 0.75:
        parts.append(f"mOS, {_duration(rng, long=True)}")
        count += 1
    return f"{lead}, " + "; ".join(parts), count


def _evaluable(rng: random.Random, n: int) -> tuple[str, int]:
    k = rng.randint(max(1, n // 2), n)
    plural, _ = rng.choice(SUBGROUPS)
    parts = [f"ORR, {_pct(rng)}"]
    if rng.random() < 0.6:
        parts.append(f"DCR, {_pct(rng, 20, 90)}")
    parts.append(f"mPFS, {_duration(rng)}")
    if rng.random() < 0.5:
        parts.append(f"mOS, {_duration(rng, long=True)}")
    return f"In {k} evaluable {plural}, " + "; ".join(parts), 1 + len(parts)


def _orr_by_subgroup(rng: random.Random, weeks: int | None = None) -> tuple[str, int]:
    (_, s1), (_, s2) = _two_subgroups(rng)
    lead = f"ORR at {weeks}{NBSP}weeks" if weeks else rng.choice(("ORR", "ORR", "The ORR was"))
    sep = ", and" if rng.random() < 0.4 else " and"
    if lead == "The ORR was":
        return f"{lead} {_pct(rng)} in {s1}{sep} {_pct(rng)} in {s2}", 2
    return f"{lead}, {_pct(rng)} in {s1}{sep} {_pct(rng)} in {s2}", 2


def _medians_respectively(rng: random.Random, subgroup: bool) -> tuple[str, int]:
    unit = _unit(rng)
    a, b = _duration_value(rng, unit), _duration_value(rng, unit, long=True)
    if subgroup:
        plural, singular = rng.choice(SUBGROUPS)
        lead = rng.choice((f"In {singular}", f"In the {plural}", f"In {plural}"))
    else:
        lead = "In all patients, the"
    the = "" if lead.endswith("the") else rng.choice((" the", ""))
    return f"{lead}{the} mPFS and mOS were {a} and {b}{NBSP}{unit}, respectively", 2


def _interim(rng: random.Random) -> tuple[str, int]:
    w = rng.choice((6, 8, 9, 12, 16, 24))
    return (f"In an interim analysis, the DCR after {w}{NBSP}weeks was {_pct(rng, 10, 80)} "
            f"(PR of {rng.choice(NUMBER_WORDS)}); mOS, {_duration(rng, long=True)}"), 2


def _landmark(rng: random.Random) -> tuple[str, int]:
    m = rng.choice((3, 6, 9, 12, 18, 24))
    (p1, s1), (p2, s2) = _two_subgroups(rng)
    if rng.random() < 0.5:
        what = rng.choice(("OS", "PFS"))
        return (f"The {m}-month {what} rate was {_pct(rng, 10, 90)} and {_pct(rng, 10, 90)} "
                f"in {p1} and {p2}, respectively"), 2
    what = rng.choice(("PFS", "OS"))
    return f"{m}-month {what} rate of {_pct(rng, 5, 90)} in {s1} and {_pct(rng, 5, 90)} in {s2}", 2


def _primary_endpoint(rng: random.Random, weeks: int | None) -> tuple[str, int]:
    met = rng.choice(("was met", "was not met"))
    if weeks:
        return f"The primary endpoint, ORR at {weeks}{NBSP}weeks, {met}", 0
    m = rng.choice((6, 9, 12))
    what = rng.choice((f"the {m}-month OS rate", f"the {m}-month PFS rate", "ORR", "DCR"))
    return f"The primary endpoint, {what}, {met}", 0


def _distractor(rng: random.Random, n: int) -> tuple[str, int]:
    if rng.random() < 0.5:
        return (f"Only one patient with a {rng.choice(('large cell esophageal', 'small cell rectal', 'pancreatic'))} "
                f"NEC had an objective PR that was ongoing for {rng.randint(4, 30)}{NBSP}months"), 0
    a = rng.randint(1, 4)
    return (f"Because more than {a} of {max(n, a + 5)} patients did not respond by week "
            f"{rng.choice((12, 16, 18, 24))} in the stage-1 part, the stage-2 part for additional "
            f"patient enrollment was terminated"), 0


def make_outcomes(rng: random.Random, chemo: bool) -> tuple[str, int]:
    """A Key-outcomes text and the number of measures it states."""
    n = rng.randint(8, 250)
    sentences: list[tuple[str, int]] = []
    if chemo or rng.random() < 0.85:          # the chemotherapy split counts the cohort's patients
        sentences.append(_cohort(rng, n))
    if chemo and rng.random() < 0.7:
        sentences.append(_chemo_split(rng, n))
    weeks = None
    shape = rng.random()
    if shape < 0.35:
        sentences.append(_all_patients(rng))
    elif shape < 0.6:
        sentences.append(_orr_by_subgroup(rng))
        sentences.append(rng.choice((_medians_respectively(rng, subgroup=True),
                                     _medians_respectively(rng, subgroup=False),
                                     _all_patients(rng))))
    elif shape < 0.75:
        sentences.append(_evaluable(rng, n))
    elif shape < 0.85:
        sentences.append(_interim(rng))
    else:
        weeks = rng.choice((6, 8, 12, 16))
        sentences.append(_orr_by_subgroup(rng, weeks))
        sentences.append(_medians_respectively(rng, subgroup=False))
    extras = [_landmark, _primary_endpoint, _distractor]
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        pick = rng.choice(extras)
        extras.remove(pick)
        if pick is _landmark:
            sentences.append(_landmark(rng))
        elif pick is _primary_endpoint:
            sentences.append(_primary_endpoint(rng, weeks))
        else:
            sentences.append(_distractor(rng, n))
    text = ". ".join(s for s, _ in sentences)
    return text, sum(c for _, c in sentences)


# --- tables -------------------------------------------------------------------------------------

def _agent_text(agent: tuple[tuple[str, str], ...]) -> str:
    return f"{THIN}+{THIN}".join(f"{name} ({abbr})" for name, abbr in agent)


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`total` as `parts` positive sizes."""
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    bounds = [0, *cuts, total]
    return [b - a for a, b in zip(bounds, bounds[1:])]


def make_table(index: int, seed: int = 0, rows: int = DEFAULT_ROWS) -> GenTable:
    """Table number `index` of the corpus for `seed`; the same arguments give the same table."""
    rng = random.Random(f"trialtables-bench:{seed}:{index}")
    used_abbr: set[str] = set()

    # agent groups (rows of one agent), ordered by target so target cells span contiguously
    n_groups = min(rows, rng.randint(5, 9))
    groups = []
    for _ in range(n_groups):
        target = rng.choices(TARGET_ORDER, weights=(3, 6, 2, 1))[0]
        groups.append((TARGET_ORDER.index(target), target, rng.choice(AGENTS_BY_TARGET[target])))
    groups.sort(key=lambda g: g[0])
    sizes = _split(rng, rows, n_groups)
    merged: list[list] = []                 # one group per run of the same agent
    for group, size in zip(groups, sizes):
        if merged and merged[-1][0] == group:
            merged[-1][1] += size
        else:
            merged.append([group, size])
    repeat_cells = rng.random() < 0.25      # some tables write target/agent out on every row

    out: list[GenRow] = []
    prev_target = None
    for (_, target, agent), size in merged:
        for k in range(size):
            abbrs = [abbr for _, abbr in agent]
            if len(agent) > 1:
                treatment = f"{THIN}+{THIN}".join(abbrs)
            elif rng.random() < 0.55:
                treatment = rng.choice(("Mono", "Mono", "mono"))
            else:
                partner, partner_abbr = rng.choice(PARTNERS)
                treatment = f"{abbrs[0]}{THIN}+{THIN}{partner}"
                used_abbr.update(partner_abbr)
            chemo = treatment.endswith("(CPT-11 or PTX)")
            outcomes, n_measures = make_outcomes(rng, chemo)
            for abbr in LEGEND_OPTIONAL:
                if abbr in outcomes:
                    used_abbr.add(abbr)
            phase = rng.choice(PHASES)
            if rng.random() < 0.2:
                phase = f"{phase} ({rng.choice(DESIGNS)})"
            printed = list(COLUMNS)
            if not repeat_cells:
                if target == prev_target:
                    printed.remove("target")
                if k > 0:
                    printed.remove("agent")
            if out and rng.random() < 0.1:          # a second cohort of the same trial
                trial_id = out[-1].trial_id
            else:
                trial_id = f"NCT{rng.randint(0, 99_999_999):08d}"
            out.append(GenRow(
                trial_id=trial_id, target=target, agent=_agent_text(agent),
                line=rng.choice(("1st", "2nd", "2nd")), phase=phase, treatment=treatment,
                primary_sites=rng.choice(SITES), outcomes_text=outcomes,
                ref=str(rng.randint(1, 399)), printed=tuple(printed),
                expected_measures=n_measures))
            prev_target = target

    legend_items = list(LEGEND_BASE)
    legend_items += [(a, LEGEND_OPTIONAL[a]) for a in LEGEND_OPTIONAL if a in used_abbr]
    legend_items += list(LEGEND_TAIL)
    legend = "; ".join(f"{short}, {long}" for short, long in legend_items)

    year = rng.randint(2015, 2024)
    vol, issue, page = rng.randint(10, 60), rng.randint(1, 12), rng.randint(100, 1900)
    chrome = (
        "Skip to main content",
        f". {year} {rng.choice(MONTHS)} {rng.randint(1, 28)};{vol}({issue}):{page}\u2013{page + rng.randint(10, 40)}. "
        f"doi: 10.1007/s10555-0{year % 100:02d}-{rng.randint(10000, 99999)}-{rng.randint(0, 9)}",
    )
    return GenTable(
        name=f"bench_{index:05d}", label=f"Table {rng.randint(1, 9)}", title=rng.choice(TITLES),
        chrome=chrome, rows=out, legend=legend,
        abbreviations=dict(legend_items),
    )


def make_tables(n: int, seed: int = 0, rows: int = DEFAULT_ROWS):
    """The corpus's tables, in file order (a generator)."""
    for i in range(n):
        yield make_table(i, seed, rows)


def manifest_path(out: Path) -> Path:
    out = Path(out).resolve()
    return out.with_name(out.name + ".manifest.json")


def write_corpus(out: Path, n: int, seed: int = 0, rows: int = DEFAULT_ROWS,
                 manifest: Path | None = None) -> dict:
    """Write the corpus's .txt files into `out` and its manifest; return the manifest."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    arms = measures = chars = 0
    texts: set[str] = set()
    for table in make_tables(n, seed, rows):
        (out / f"{table.name}.txt").write_text(table.render(), encoding="utf-8")
        arms += len(table.rows)
        measures += table.expected_measures
        for r in table.rows:
            chars += len(r.outcomes_text)
            texts.add(r.outcomes_text)
    info = {
        "generator": "bench/make_corpus.py",
        "seed": seed,
        "files": n,
        "rows_per_file": rows,
        "arms": arms,
        "expected_measures": measures,
        "outcome_texts_unique": len(texts),
        "outcome_chars": chars,
        "corpus": str(out.resolve()),
    }
    path = Path(manifest) if manifest else manifest_path(out)
    path.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return info


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=DEFAULT_N, help="number of table files (default 2000)")
    ap.add_argument("--out", type=Path, required=True, help="folder to write the .txt files into")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="data rows per table (default 17)")
    ap.add_argument("--manifest", type=Path, default=None,
                    help="manifest path (default: DIR.manifest.json beside DIR)")
    args = ap.parse_args(argv)
    if args.n < 0 or args.rows < 1:
        ap.error("--n must be >= 0 and --rows >= 1")
    info = write_corpus(args.out, args.n, args.seed, args.rows, args.manifest)
    print(json.dumps(info, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
