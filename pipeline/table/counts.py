"""Patient counts written with who they are ("93 lung LC-NEC 92 GEP NECs", "(13 G3, 10 GEP)",
"128 (97 KRAS wild-type)", "12 (Ib) + 118 (II). AB: 4", "Advanced disease ... N = 48",
"GEP (14)/L (1)") -> a Count (label, count, start, end) each, label None for the whole cohort.

The one reader of counts: count columns whose cells say more than one number (`count_cell`),
the counts a site or population cell holds (`counts_in_text`, `site_counts`,
`population_count`); `count_measures` turns Counts into the cell's measures. Offsets are in
the cell text as given.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import CellMeasure
from ..outcomes.grammar.nlp import pattern_data

# words after a number that make it something else than a count of patients
_NOT_PATIENTS = {"cohort", "cohorts", "arm", "arms", "site", "sites", "line", "lines", "trial", "trials",
                 "study", "studies", "cycle", "cycles", "dose", "doses", "year", "years", "month", "months",
                 "mo", "week", "weeks", "wk", "day", "days", "mg", "mg/kg", "mg/m2", "gy", "prior", "or",
                 "and", "of", "to", "vs", "vs.", "patients", "pts", "cases", "centres", "centers", "countries",
                 "%", "x", "times", "h", "hours", "min"}
# words before a number that make it part of a name ("Stage 4", "Cohort 2", "Part 1")
_NAME_BEFORE = re.compile(r"(?i)(?:(?<![\w-])(?:stage|grade|cohort|arm|part|phase|group|level|line|type|class|"
                          r"ecog|ps|ki-?67|g|c)|[><≥≤=+\-–/.])\s*$")
_LABEL_WORD = r"[A-Za-z][\w+-]*(?:\s*[><≥≤]\s*\d+%?)?"
# "93 lung LC-NEC", "13 G3", "4 GEP NECs": a count then its label (up to the next count)
_COUNT_THEN_LABEL = re.compile(rf"(?<![\w.,])(\d{{1,5}})(?![\d.,%])\s+((?:{_LABEL_WORD})(?:\s+(?!\d)(?:{_LABEL_WORD}))*)")
# "15 (Ib)", "128 (97 KRAS wild-type)" ; "LS: 4"
_COUNT_PAREN_LABEL = re.compile(r"(?<![\w.,])(\d{1,5})\s*\(\s*([A-Za-z][^()\d]{0,30}?)\s*\)")
_TOTAL_PAREN_COUNT = re.compile(r"^\s*(\d{1,5})\s*\(\s*(\d{1,5})\s*\)\s*$")
_TOTAL_PAREN_LABELLED = re.compile(r"^\s*(\d{1,5})\s*\(\s*(\d{1,5})\s+([A-Za-z][^()]{0,40}?)\s*\)\s*$")
# "LS: 4", "Cemiplimab = 304" (an arm's name, no "N = 85" total), or "LS 4" after the
# sentence of the counts before it ("12 (Ib) + 118 (II). LS 4")
_LABEL_COLON_COUNT = re.compile(r"(?<![\w-])((?![Nn]\s*=)[A-Za-z][\w-]{0,15})\s*[:=]\s*(\d{1,5})(?![\d.,%])"
                                r"|(?<=\)\. )([A-Z][\w-]{0,15})\s+(\d{1,5})(?![\d.,%])")
_N_EQUALS = re.compile(r"\b[Nn]\s*=\s*(\d{1,5})(?![\d.,%])")


@dataclass(frozen=True)
class Count:
    label: str | None       # None: the row's whole cohort
    value: int
    start: int
    end: int


# "512 patients with previously treated disease", "52 treatment-naive patients (cohorts 1-3)":
# a count column's cell that is the cohort's count and then who they are
_DESCRIBED_COUNT = re.compile(r"^\s*(\d{1,5})\s+(?:[A-Za-z][\w-]*\s+){0,3}?(?:patients|pts\.?|participants|"
                              r"subjects|cases)\b", re.I)


def described_count(text: str) -> Count | None:
    """The cohort's count of a count cell that describes the patients after it ("512
    patients with previously treated disease"), else None."""
    m = _DESCRIBED_COUNT.match(text)
    return Count(None, int(m.group(1)), m.start(1), m.end(1)) if m else None


def count_cell(text: str, qualifier: str | None = None) -> list[Count] | None:
    """Counts of a count column's cell that is more than one plain number; None when the
    cell is not of these shapes (the plain value reader takes it)."""
    m = _TOTAL_PAREN_COUNT.match(text)
    if m and qualifier:
        # "454 (64)" under "n (SS)": the total and the header's subgroup
        return [Count(None, int(m.group(1)), m.start(1), m.end(1)),
                Count(qualifier, int(m.group(2)), m.start(2), m.end(2))]
    m = _TOTAL_PAREN_LABELLED.match(text)
    if m:
        return [Count(None, int(m.group(1)), m.start(1), m.end(1)),
                Count(m.group(3).strip(), int(m.group(2)), m.start(2), m.end(2))]
    found = _labelled_counts(text)
    if found is None:
        found = _total_and_subgroup(text, qualifier)
    if found is None and described_count(text) is not None:
        found = [described_count(text)]     # "512 patients with previously treated disease"
    return found


# "128 (97KRAS wild-type)", a total of more than five digits: the wider shape of a cohort's
# count and, in parentheses, a subgroup's, taken only when the subgroup fits in the cohort
_COUNT_AND_SUBGROUP = re.compile(r"^\s*(\d+)\s*\(\s*(\d+)\s*([A-Za-z][^()%]*?)?\s*\)\s*$")


def _total_and_subgroup(text: str, qualifier: str | None) -> list[Count] | None:
    m = _COUNT_AND_SUBGROUP.match(text)
    if m is None:
        return None
    label = (m.group(3) or "").strip() or qualifier
    total, sub = int(m.group(1)), int(m.group(2))
    if not label or not 0 < sub <= total:
        return None
    return [Count(None, total, m.start(1), m.end(1)), Count(label, sub, m.start(2), m.end(2))]


def _labelled_counts(text: str) -> list[Count] | None:
    """'15 (Ib) + 133 (II). SS: 3': counts each with its label, and no other number."""
    found = [Count(x.group(2).strip(), int(x.group(1)), x.start(1), x.end(1)) for x in _COUNT_PAREN_LABEL.finditer(text)]
    for x in _LABEL_COLON_COUNT.finditer(text):
        g = 1 if x.group(1) else 3
        found.append(Count(x.group(g), int(x.group(g + 1)), x.start(g + 1), x.end(g + 1)))
    if not found:
        return None
    found.sort(key=lambda c: c.start)
    covered = "".join(" " if any(c.start <= i < c.end for c in found) else ch for i, ch in enumerate(text))
    for c in found:       # the labels themselves are not left-over numbers
        covered = covered.replace(c.label, " " * len(c.label), 1)
    if re.search(r"\d", covered):
        return None       # other numbers in the cell: not only labelled counts
    return found


# a subgroup's name after its count is short ("GEP NECs", "pulmonary LCNEC", "G3 NET")
MAX_COUNT_LABEL_WORDS = 3


def _first_phrase(label: str) -> str:
    """A label up to a capitalised word after a lower-case one, where the cell's next phrase
    starts ('docetaxel Advanced squamous NSCLC ...' -> 'docetaxel'); 'G3 NEC', 'lung LC-NEC'
    and 'pulmonary LCNEC' stay whole (a capital word, or one in capitals, goes on a label)."""
    words = label.split()
    for k in range(1, len(words)):
        if words[k - 1][:1].islower() and re.match(r"[A-Z][a-z]{2,}", words[k]):
            return " ".join(words[:k])
    return label


def counts_in_text(text: str) -> list[Count]:
    """Labelled counts inside a site or population cell: '93 lung LC-NEC 92 GEP NECs',
    'NENs any site (13 G3, 10 GEP, 4 GEP NECs)', '21 GEP-NECs', 'Advanced disease N = 48'."""
    out: list[Count] = []
    for m in _COUNT_THEN_LABEL.finditer(text):
        label = m.group(2).strip()
        words = label.split()
        if words[0].lower().rstrip(".,;:") in _NOT_PATIENTS or _NAME_BEFORE.search(text[:m.start(1)]):
            continue
        if text[:m.start(1)].rstrip().endswith(":"):
            continue      # "A1: 48 B2: 52": each count's label stands before it, not after
        # a label stops at a comma, a parenthesis or a word starting a new phrase
        label = re.split(r"\s*[,;()]\s*", label)[0]
        label = re.sub(r"\s+(?:and|or|with|in|from)\b.*$", "", label).strip()
        label = _first_phrase(label)
        if not label or not any(ch.isupper() for ch in label):
            continue      # "54 patients with", "3 years": counts of something else
        if len(label.split()) > MAX_COUNT_LABEL_WORDS:
            continue      # a description the count ran into, not the subgroup's name
        out.append(Count(label, int(m.group(1)), m.start(1), m.end(1)))
    for m in _N_EQUALS.finditer(text):
        out.append(Count(None, int(m.group(1)), m.start(1), m.end(1)))
    out.sort(key=lambda c: c.start)
    return out


def label_n_equals(text: str, counts: list[Count], known_labels: list[str]) -> list[Count]:
    """Counts written 'N = 104' after a description of who they are: with several, each is
    labelled with the label of the row's other cells that its description names ("Advanced
    MSS BTC ... N = 104 Advanced MSI-H cholangiocarcinoma N = 22" with an ORR cell "MSS: ..;
    MSI-H: .." -> MSS, MSI-H)."""
    ne = [c for c in counts if c.label is None]
    if len(ne) < 2:
        return counts
    named = _named_right_before(text, counts)
    if named is not None:
        return named
    out = []
    prev_end = 0
    for c in counts:
        if c.label is not None:
            out.append(c)
            continue
        before = text[prev_end:c.start]
        prev_end = c.end
        hit = [lab for lab in known_labels if re.search(rf"(?<![\w-]){re.escape(lab)}(?![\w-])", before)]
        out.append(Count(max(hit, key=len) if hit else None, c.value, c.start, c.end))
    return out


# 'EAC (n = 97) or ESCC (n = 214)': the name written right before a count's '(n ='
_NAME_BEFORE_PAREN = re.compile(r"([A-Za-z][\w/+-]*(?: [A-Za-z][\w/+-]*){0,2})\s*\(\s*[Nn]\s*=\s*$")
_NOT_A_NAME = {"or", "and", "with", "in", "of", "patients", "pts", "total", "all", "n"}


def _named_right_before(text: str, counts: list[Count]) -> list[Count] | None:
    """Each unlabelled count labelled with the name right before its '(n =' ('EAC (n = 97) or
    ESCC (n = 214)'); None unless every such count has its own, distinct name."""
    out, names = [], []
    for c in counts:
        if c.label is not None:
            out.append(c)
            continue
        m = _NAME_BEFORE_PAREN.search(text[:c.start])
        words = [w for w in (m.group(1).split() if m else []) if w.lower() not in _NOT_A_NAME]
        while words and words[0].lower() in _NOT_A_NAME:
            words = words[1:]
        if not words:
            return None
        names.append(" ".join(words))
        out.append(Count(names[-1], c.value, c.start, c.end))
    return out if len(set(names)) == len(names) else None


_N_EQUALS_ONLY = re.compile(r"(?<![\w.])[Nn]\s*=\s*(\d+)(?![\d.])")


def population_count(text: str) -> list[Count]:
    """'Advanced disease, second line, N = 48': the one count a population cell states is the
    cohort's (two or more counts are subgroups no label names: none is taken)."""
    found = list(_N_EQUALS_ONLY.finditer(text))
    if len(found) != 1 or int(found[0].group(1)) < 1:
        return []
    m = found[0]
    return [Count(None, int(m.group(1)), m.start(1), m.end(1))]


# patients per site written in a primary-site cell: "GEP (14)/L (1)/U(3)", "93 lung LC-NEC
# 92 GEP NECs", "NENs any site (13 G3, 10 GEP)"; a share ("GEP (70%)") or "NR" is no count
_SITE_THEN_COUNT = re.compile(r"([A-Za-z][\w+-]*(?: [A-Za-z][\w+-]*){0,2})\s*\(\s*(\d+)\s*\)")
_COUNT_THEN_SITE = re.compile(r"(?<![\w.%-])(\d+)\s+([A-Za-z][\w+-]*(?: [A-Za-z][\w+-]*){0,2})")
_NOT_A_SITE = re.compile(r"(?i)(?:patients?|pts|cases|of|and|or|months?|weeks?|mg|%)\b")


def site_counts(text: str) -> list[Count]:
    """The count of each site a primary-site cell counts, labelled with the site; none when
    two counts name the same site."""
    found = [(m.group(1), m.start(2), m.end(2)) for m in _SITE_THEN_COUNT.finditer(text)]
    if not found:
        # "(5 + 12 GEP)": a term of a sum is no site's count (the site may be the sum's)
        found = [(m.group(2), m.start(1), m.end(1)) for m in _COUNT_THEN_SITE.finditer(text)
                 if not _NOT_A_SITE.match(m.group(2)) and not re.search(r"\+\s*$", text[:m.start(1)])]
    out = []
    for label, st, en in found:
        label = label.strip()
        value = int(text[st:en])
        if value < 1 or not label or label.upper() in ("NR", "NA", "N"):
            continue
        out.append(Count(label, value, st, en))
    return out if len({c.label for c in out}) == len(out) else []


# "DrugA + DrugB (102) DrugC + DrugB (58)": regimens listed one after another, each with its
# patients in parentheses
_REGIMEN_COUNT = re.compile(r"\s*([A-Za-z][^()]*?)\s*\(\s*(?:[Nn]\s*=\s*)?(\d{1,5})\s*\)")


def regimen_counts(text: str | None) -> list[Count]:
    """The patients of each regimen a treatment cell lists with its count ("A + B (102) C + B
    (58)"), labelled with the regimen; none unless the cell is two or more such regimens and
    nothing else ("A vs. B" arms are named by their own rule)."""
    if not text:
        return []
    out, pos = [], 0
    while pos < len(text.rstrip()):
        m = _REGIMEN_COUNT.match(text, pos)
        if m is None or re.search(r"(?i)\b(?:vs|versus)\b", m.group(1)) or int(m.group(2)) < 1 \
                or re.fullmatch(r"(?:19|20)\d\d", m.group(2)):
            return []
        out.append(Count(" ".join(m.group(1).split()), int(m.group(2)), m.start(2), m.end(2)))
        pos = m.end()
    return out if len(out) > 1 and len({c.label for c in out}) == len(out) else []


# what a parenthesis after a count may say of it that names no subgroup: the count is planned
# (the grammar's words, outcomes/data/patterns.json "planned_words")
PLANNED = re.compile("(?i)" + "|".join(re.escape(w) for w in pattern_data()["planned_words"]))


def count_measures(counts: list[Count], text: str, labels: list[str] | None = None) -> list[CellMeasure]:
    """The `n` measures of counts read from cell `text`; `labels`: the row's arm labels, so
    "11 (A) 19 (B)" on arms "Part A: ..." / "Part B: ..." counts the arms by their own names."""
    out = []
    for c in counts:
        if c.label and PLANNED.fullmatch(c.label.strip()):
            continue      # "29 (Est)": an ongoing trial's planned enrolment, no patients counted yet
        pop = c.label or "all"
        if labels and c.label and len(c.label) <= 2:
            pop = next((lab for lab in labels if lab.split()[-1] == c.label), pop)
        out.append(CellMeasure(measure="n", population=pop, value=float(c.value), unit="patients",
                               not_reached=False, value_as_reported=text[c.start:c.end], unit_as_reported=None,
                               timepoint_months=None, start=c.start, end=c.end))
    return out
