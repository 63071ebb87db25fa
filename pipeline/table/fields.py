"""Fields of an arm read from its row's cells: line of therapy, phase and design, sites,
arm labels of a "vs." regimen, trial id and study, citations in name cells; and the arm
record (model.Arm) built from them. Pure functions of cell text.
"""
from __future__ import annotations

import json
import re

from ..model import Arm, Grid, GridRow
from ..normalize.drugs import CONTROL_ARMS, is_drug_word, regimen_drugs
from ..normalize.refs import split_citation
from ..normalize.text import as_written, clean
from ..outcomes.review import is_nr_abbreviation, ordered

NCT_RX = re.compile(r"\bNCT\s?\d{8}(?!\d)")

PHASE_MAP = {"1": "I", "2": "II", "3": "III", "4": "IV", "i": "I", "ii": "II", "iii": "III",
             "iv": "IV", "0": "0"}
ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3,
           "4th": 4, "5th": 5, "1l": 1, "2l": 2, "3l": 3, "later": None}


# words before a line's ordinal that make it the line after it ("After first-line",
# "Progression on first-line", "Refractory to second line")
_AFTER_LINE = re.compile(r"\b(?:after|beyond|post|following|progression (?:on|after)|progressed on|"
                         r"refractory to|failure of|failing)\b")


# (the patterns of the functions below, compiled once: they run for every cell of every row)
_LINE_WORD = re.compile(r"\b(first|second|third|fourth|later|1st|2nd|3rd|[4-9]th|1l|2l|3l)\b")
_LINE_NUMBER = re.compile(r"^(?:>=?\s*)?(\d)(?:st|nd|rd|th)?\b")


# an ordinal of a drug's generation, not of a line of therapy ("2nd-generation TKIs")
_GENERATION = re.compile(r"\b(?:first|second|third|fourth|1st|2nd|3rd|[4-9]th)[\s-]+gen(?:eration)?s?\b")


def parse_line(text: str | None) -> int | None:
    if not text:
        return None
    t = _GENERATION.sub(" ", clean(text).lower())
    m = _LINE_WORD.search(t)
    if m:
        line = ORDINAL.get(m.group(1))
        if line is not None and _AFTER_LINE.search(t[:m.start()]):
            return line + 1       # "After first-line", "Beyond second line": the next line
        return line
    m = _LINE_NUMBER.match(t)
    return int(m.group(1)) if m else None


_PHASE_NUM = r"(?:iv|i{1,3}|[0-4])[ab]?"
# "Phase II", "Ib/II", "I-II", "Phase Ib/phase II", "III/ ≥3L" (a phase then the line), "II randomized"
# a reference number (and footnote letter) glued to a roman phase: "Phase III69", "Phase II70,a"
_GLUED_REF = r"(?:(?<=[ivab])\d{1,3}(?:\s*[,–-]\s*\d{1,3})*(?:,\s*[a-e])?)?"
_PHASE_CELL = re.compile(rf"^(?:phase\s*)?({_PHASE_NUM}(?:\s*(?:/|-|–|to)\s*(?:phase\s*)?{_PHASE_NUM})?)"
                         rf"{_GLUED_REF}(?![\w])\s*(.*)$", re.I)


def parse_phase(text: str | None) -> tuple[str | None, str | None]:
    """'II (randomized parallel arms)' -> ('II', 'randomized parallel arms'); 'I-II' -> ('I/II',
    None); 'Ib' -> ('I', None) (the fixed phase set has no sub-phases); 'II randomized' -> ('II', 'randomized');
    'Phase III: A versus B' -> ('III', 'A versus B'); '–' -> (None, None)."""
    if not text:
        return None, None
    t = _PHASE_PAIR.sub(r"\1/\2", clean(text))
    m = _PHASE_CELL.match(t)
    in_line = _LINE_IN_PHASE.search(m.group(2)) if m else None
    if in_line:
        # "Phase II Study 3rd line": the phase, and the line of therapy (read by _line_of)
        rest = re.sub(r"\s*([,;])\s*", r"\1 ", f"{m.group(2)[:in_line.start()]} {m.group(2)[in_line.end():]}")
        rest = re.sub(r"\s{2,}", " ", rest).strip(" ,;")
        return _phase_parts(m.group(1)), rest or None
    if m and re.fullmatch(r",\s*(?:[5-9]|\d{2,})", m.group(2).strip()):
        return _phase_parts(m.group(1)), None     # "Phase III, 309": the phase, then the trial's count
    if not m or (m.group(2) and not re.match(r"^[,;]?\s*(?:\(.*\)|[A-Za-z][A-Za-z ,;-]*|/.*)$|^:\s*\S", m.group(2).strip())):
        # "Retrospective", "Real-world" in a Phase column: no phase, the text is the design
        return (None, t) if re.fullmatch(r"(?i)[a-z][a-z -]+\.?", t) and t not in ("NA", "N/A") else (None, None)
    rest = m.group(2).strip().lstrip(",;:").strip()   # "Phase II: A versus B": the text after it
    if rest.startswith("/"):
        rest = ""                      # "III/ ≥3L": the line, read by parse_line
    rest = rest[1:-1].strip() if rest.startswith("(") and rest.endswith(")") else rest
    design = rest or None
    return _phase_parts(m.group(1)), design


# two phases a comma apart ("Phase 1,2", "Phase 2, 3"): a phase I/II trial; a number past 4
# after the comma is the trial's count ("Phase III, 309")
_PHASE_PAIR = re.compile(r"(?i)^((?:phase\s*)?(?:[1-4]|i{1,3}|iv)[ab]?)\s*,\s*((?:[1-4]|i{1,3}|iv)[ab]?)$")
_PHASE_SPLIT = re.compile(r"\s*(?:/|-|–|to)\s*(?:phase\s*)?", re.I)
_SUB_PHASE = re.compile(r"[ab]$", re.I)


def _phase_parts(phase: str) -> str:
    """'Ib/II' -> 'I/II', '3' -> 'III'."""
    parts = []
    for p in _PHASE_SPLIT.split(phase):
        core = _SUB_PHASE.sub("", p)
        parts.append(PHASE_MAP.get(core.lower(), core.upper()))
    return "/".join(dict.fromkeys(parts))


# a line of therapy written after the phase in its cell ("Phase II Study 3rd line", "IIb 1st line")
_LINE_IN_PHASE = re.compile(r"(?i)(?:[≥>]\s*)?\b(?:first|second|third|fourth|1st|2nd|3rd|[4-9]th)[\s-]+line\b")


_SITES_SPLIT = re.compile(r"\s*(?:,|/|;|\bor\b|\band\b)\s*")


def split_sites(text: str | None) -> list[str]:
    if not text:
        return []
    return [p for p in (s.strip() for s in _SITES_SPLIT.split(clean(text))) if p]


_DOSE_UNITS = r"mg/kg|mg/m2|mg/m²|mg|g|µg|mcg|gy|iu"
_DOSE_ONLY = re.compile(rf"^(\d[\d,.]*)\s*({_DOSE_UNITS})$", re.I)
_SCHEDULE = r"(?:every|q)\s*\d+\s*(?:weeks?|days?|wks?|w|d)|q\d+w|weekly|daily"
_SCHEDULE_TAIL = re.compile(rf"(?:\s+(\d[\d,.]*\s*(?:{_DOSE_UNITS})))?\s+({_SCHEDULE})$", re.I)
_ARM_TAIL = re.compile(rf"\s+(?:\d[\d,.]*\s*(?:{_DOSE_UNITS})\s+(?:{_SCHEDULE})|phase\s+(?:iv|i{{1,3}}|[1-4])(?:/(?:iv|i{{1,3}}|[1-4]))?)$", re.I)


_VS_SPLIT = re.compile(r"\s+(?:vs\.?|versus|VS\.?)\s+")
_ARM_LETTER = re.compile(r"\(([A-Z]|[0-9])\)$")


def arm_labels(treatment: str | None) -> list[str] | None:
    """'Sintilimab + CAPOX vs. placebo + CAPOX' -> the two arm labels; None for one arm."""
    if not treatment:
        return None
    parts = _VS_SPLIT.split(clean(treatment))
    if len(parts) < 2:
        return _drug_then_control(clean(treatment))
    letters = [_ARM_LETTER.search(p) for p in parts]
    if all(letters):
        # "Drug 3 mg/kg (A) vs drug + vaccine (B) vs vaccine (C)": the arms are named A, B, C
        return [m.group(1) for m in letters]
    first = parts[0]
    if all(_DOSE_ONLY.match(p) for p in parts[1:]):
        # "Drug 2 vs 10 mg/kg", "Drug 15 mg/kg vs. 1,200 mg": arms of one drug, named by dose
        m = re.search(r"(\d[\d,.]*)\s*(" + _DOSE_UNITS + r")?$", first)
        unit = _DOSE_ONLY.match(parts[-1]).group(2)
        if m:
            return [f"{m.group(1)} {m.group(2) or unit}"] + parts[1:]
    m = _SCHEDULE_TAIL.search(first)
    if m and any(p.lower().startswith(("every", "q")) and _SCHEDULE_TAIL.fullmatch(" " + p) for p in parts[1:]):
        # "Drug 10 mg/kg every 2 weeks vs every 3 weeks": arms of one drug, named by schedule
        drug = first[:m.start()].strip()
        sched = m.group(2)
        return [f"{drug} {sched}".strip()] + [f"{drug} {p}" if _SCHEDULE_TAIL.fullmatch(" " + p) else p
                                              for p in parts[1:]]
    # a dose and schedule, or the trial's phase, written after an arm's name are no part of it
    # ("Octreotide LAR 30 mg every 28 days", "gemcitabine-docetaxel phase III")
    return [_ARM_TAIL.sub("", p).strip() or p for p in parts]


_CONTROL_LAST = re.compile(r"(?i)^(.*\S)\s+(" + "|".join(sorted(CONTROL_ARMS, key=len, reverse=True)) + r")$")


def _drug_then_control(treatment: str) -> list[str] | None:
    """'Drugumab BSC', 'Drugumab placebo': a drug, then with nothing joining them ('+', 'plus',
    'with') the control arm it was compared with: the two arms; None for any other text."""
    m = _CONTROL_LAST.match(treatment)
    if m is None:
        return None
    head = m.group(1)
    last = head.split()[-1]
    if not is_drug_word(last) or re.search(r"(?i)[+/±&,]|\b(?:plus|with|and|or|then|after)\b", head):
        return None
    return [head, m.group(2)]


# words that join two names into one regimen ("Drug A + Drug B", "A plus B")
_JOINS_NAMES = re.compile(r"(?i)^(?:[+/&±,]|\+/[−-]|plus|with|and|or|then|after|followed|by)$")
_ARM_WORDS = {"chemotherapy", "soc", "standard", "control", *CONTROL_ARMS}


def spaced_arms(treatment: str | None, k: int) -> list[str] | None:
    """Arm names that the copy joined with spaces where the page broke lines, as many as each
    of the row's cells stacks values ("Nivolumab Docetaxel" over "135 137", "Drug (2 mg/kg)
    Drug (10 mg/kg) Other" over three values): the cell split before each capitalised word
    outside parentheses that no joining word ('+', 'plus', 'with') comes before. None unless
    that gives k names, each naming a drug or a control arm."""
    if not treatment or k < 2:
        return None
    names: list[list[str]] = []
    depth = 0
    for w in clean(treatment).split():
        starts = depth == 0 and w[:1].isupper() and (not names or not _JOINS_NAMES.match(names[-1][-1])
                                                   and not names[-1][-1].endswith(("+", "/", "-")))
        if starts or not names:
            names.append([w])
        else:
            names[-1].append(w)
        depth = max(0, depth + w.count("(") + w.count("[") - w.count(")") - w.count("]"))
    if len(names) != k:
        return None
    out = [" ".join(n) for n in names]
    if not all(any(is_drug_word(x) or x.strip("()[],;").lower() in _ARM_WORDS
                   for x in re.split(r"[\s+/-]+", n)) for n in out):
        return None
    return out


_ARM_LABEL = re.compile(r"(?<![\w-])((?:Part|Arm|Cohort|Group)\s+[A-Z0-9]{1,2})\s*:")


# "a. RT + drug; b. RT": a list of regimens, each after its letter
_LETTERED = re.compile(r"(?:^|;\s*)([a-h])[.)]\s+")


def lettered_arms(treatment: str | None) -> list[str] | None:
    """'a. RT + cetuximab; b. RT' -> ['RT + cetuximab', 'RT']: regimens listed after the letters
    a, b, c ... in order (the arms the row's 'x vs. y' values are for); None for any other text."""
    t = clean(treatment or "")
    marks = list(_LETTERED.finditer(t))
    if len(marks) < 2 or marks[0].start() != 0 or [m.group(1) for m in marks] != list("abcdefgh"[:len(marks)]):
        return None
    parts = [t[m.end():(marks[k + 1].start() if k + 1 < len(marks) else len(t))].strip(" ;")
             for k, m in enumerate(marks)]
    return parts if all(parts) and len(set(parts)) == len(parts) else None


_GROUP = r"((?:Part|Arm|Cohort|Group)\s+[A-Z0-9]{1,2})(?:\s*\([^()]{0,40}\))?"
_SLASHED_GROUPS = re.compile(rf"^\s*{_GROUP}(?:\s*/\s*{_GROUP.replace('(', '(?:', 1)})+\s*$")


def slashed_groups(text: str | None) -> list[str] | None:
    """'Cohort 1 (dose escalation)/Cohort 2 (dose expansion)' -> ['Cohort 1', 'Cohort 2']: the
    groups a cell names one after another, split by '/' (their values are split the same way).
    Asked of every cell of a row: one without a '/' (clean adds none) is no such list."""
    if not text or "/" not in text:
        return None
    t = clean(text)
    if not _SLASHED_GROUPS.match(t):
        return None
    return [m.group(1) for m in re.finditer(_GROUP, t)]


# a line that does not end a regimen: the name goes on on the next line ("Drug A +", "Drug B")
_OPEN_END = re.compile(r"(?:[+/,&(–-]|\b(?:and|or|with|plus|vs\.?|versus|followed\s+by))$", re.I)
# ... or the next line goes on with it: a joiner, its count or dose ('(n = 30)', '10 mg/kg')
_OPEN_START = re.compile(r"^(?:[+/,&()–-]|(?:and|or|with|plus|vs\.?|versus|followed|then)\b"
                         r"|\d[\d.,]*\s*(?:mg|g|µg|mcg|mg/m2|mg/kg|mg/m²|%)?(?:\s|$))", re.I)
_NUMBER = re.compile(r"\d")


def stacked_arms(lines: tuple[str, ...], value_lines: list[tuple[str, ...]]) -> list[str] | None:
    """A treatment cell of k lines, one regimen a line ('Drug A<br>Drug B'), beside a value
    cell of the row with k lines, one number each ('196<br>199'): the row's k arms, in order.
    None when a line runs on into the next (a regimen's name broken over lines) or no value
    cell stacks one number per line."""
    k = len(lines)
    if k < 2 or any(_OPEN_END.search(a.strip()) or _OPEN_START.match(b.strip()) for a, b in zip(lines, lines[1:])):
        return None
    if not any(len(v) == k and all(_NUMBER.search(x) or is_nr_abbreviation(x) for x in v) for v in value_lines):
        return None
    arms = [clean(x).strip() for x in lines]
    return arms if all(re.search(r"[A-Za-z]", a) for a in arms) else None


def labelled_arms(treatment: str | None) -> list[str] | None:
    """'Part A: Pembro Part B: Pembro + CT' -> ['Part A', 'Part B'] (arms named by a label)."""
    found = _ARM_LABEL.findall(clean(treatment or ""))
    return found if len(found) > 1 else None



_PHASE_IN_TEXT = re.compile(r"\b(phase\s*(?:iv|i{1,3}|[1-4])[ab]?(?:\s*/\s*(?:iv|i{1,3}|[1-4])[ab]?)?)\b", re.I)


# name cells that may carry the row's reference citation ("ALPHA-006 [15, 16]", "Moore et al.[65]")
_CITING_COLUMNS = ("trial_id", "study", "agent", "treatment")


def citations_apart(cells: dict[str, str]) -> dict[str, str]:
    """Reference citations written inside name cells taken out of them; the first becomes the
    row's `ref` when the table gives none in a column of its own."""
    out = dict(cells)
    for col in _CITING_COLUMNS:
        rest, cite = split_citation(out.get(col))
        if cite is not None:
            out[col] = rest
            if not (out.get("ref") or "").strip():
                out["ref"] = cite
    return out



def clean_cell(text: str | None) -> str | None:
    """Cell as written, with typographic spaces folded (so 'Nivo\u2009+\u2009Ipi' reads 'Nivo + Ipi')
    and every visible character kept (a minus sign stays one)."""
    if text is None:
        return None
    t = as_written(text)
    return t or None


def _unbracketed(text: str) -> str:
    """The text less the separators and the unmatched brackets at its ends; a bracket that
    closes one opened inside stays ("Trial X (AB1234)" keeps its registry code's parenthesis)."""
    prev = None
    while prev != text:
        prev, text = text, text.strip(" ,;")
        if text and text[0] in "([" and text.count(text[0]) > text.count(")" if text[0] == "(" else "]"):
            text = text[1:]
        if text and text[-1] in ")]" and text.count(text[-1]) > text.count("(" if text[-1] == ")" else "["):
            text = text[:-1]
        if text[:1] == "(" and text[-1:] == ")" and text.count("(") == 1 and text.count(")") == 1:
            text = text[1:-1]             # "( X )": the whole rest was in the brackets
    return text


_OPEN_SEP = re.compile(r"([(\[])[\s,;]+")
_SEP_CLOSE = re.compile(r"[\s,;]+([)\]])")
_EMPTY_BRACKETS = re.compile(r"\(\)|\[\]")
_SPACES2 = re.compile(r"\s{2,}")


def _trial_and_study(cells: dict[str, str]) -> tuple[str | None, str | None]:
    """The NCT id of the row and its study label ("TRIAL-1 (NCT + 8 digits)" gives both)."""
    trial_cell = cells.get("trial_id")
    study = cells.get("study")
    if not trial_cell and study and NCT_RX.search(study):
        # "TRIAL-1 (NCT + 8 digits)" in a Study column
        trial_cell, study = study, None
    if not trial_cell:
        return None, study
    m = NCT_RX.search(trial_cell)
    rest = _SEP_CLOSE.sub(r"\1", _OPEN_SEP.sub(r"\1", NCT_RX.sub("", trial_cell)))
    rest = _unbracketed(clean(_EMPTY_BRACKETS.sub("", rest)))
    rest = _SPACES2.sub(" ", rest)
    if rest and not study:
        study = rest
    return (m.group(0).replace(" ", "") if m else None), study


def _phase_cell(cells: dict[str, str], study: str | None, also: frozenset[str]) -> tuple[str | None, str | None]:
    """The cell the phase is read from, and the study label without it when a
    "Trial name/Phase" column writes both ("NCT0XXXXXXX [12] Phase 2")."""
    phase_cell = cells.get("phase")
    trial = clean(cells.get("trial_id") or cells.get("study") or "")
    if phase_cell is None and ("phase" in also or (_PHASE_IN_TEXT.match(trial) and NCT_RX.search(trial))):
        # (a trial cell that starts on the phase states it: "Phase 3, NCT0XXXXXXX (NAME-1)")
        m = _PHASE_IN_TEXT.search(trial)
        phase_cell = m.group(1) if m else None
        if m and study:
            study = clean(_PHASE_IN_TEXT.sub("", clean(study))).strip(" ,;") or None
    return phase_cell, study


def _line_of(cells: dict[str, str], phase_cell: str | None, section_line: int | None) -> int | None:
    """The line of therapy: the line cell, else a phase cell's "III/ >=3L", else the section's."""
    line = parse_line(cells.get("line")) if cells.get("line") else None
    if line is None and phase_cell and "/" in phase_cell and "line" not in cells:
        line = parse_line(phase_cell.split("/", 1)[1].replace("≥", ""))   # "III/ ≥3L"
    if line is None and phase_cell and "line" not in cells and _LINE_IN_PHASE.search(phase_cell):
        line = parse_line(_LINE_IN_PHASE.search(phase_cell).group(0))     # "Phase II Study 3rd line"
    if line is None and not cells.get("line"):
        line = section_line
    return line


def _compares_drugs(text: str, abbrev: dict[str, str]) -> bool:
    """Is the text a comparison of regimens, each naming a drug or a control arm ("A vs B")?"""
    arms = arm_labels(text)
    return bool(arms) and len(arms) >= 2 and all(
        regimen_drugs(a, None, abbrev) or a.strip().lower() in CONTROL_ARMS for a in arms)


def arm_record(grid: Grid, r: GridRow, n: int, section: str | None, section_line: int | None,
               cells: dict[str, str], extra: dict[str, str], filled: list[str], abbrev: dict[str, str],
               has_treatment_column: bool = True, also: frozenset[str] = frozenset()) -> Arm:
    """The arm of data row `n` (grid row `r`) from its cells by canonical column; its values
    (n_total, medians ...) and `cells` are set once its measures are read. `also`: columns
    the headers say other cells hold too ("Trial name/Phase")."""
    trial_id, study = _trial_and_study(cells)
    agent = cells.get("agent")
    # a table without a regimen column writes the regimen in its agent column
    # ("Atezolizumab vs. placebo", "Lenvatinib + pembrolizumab"): that cell is the treatment too
    treatment = cells.get("treatment") if has_treatment_column else agent
    phase_cell, study = _phase_cell(cells, study, also)
    phase, design = parse_phase(phase_cell)
    if treatment is None and agent is None and design and (arm_labels(design) or regimen_drugs(design, None, abbrev)):
        # "Phase II: Gemcitabine + docetaxel versus gemcitabine" in a table with no regimen
        # column: the phase, and the regimen of the row's arms
        treatment, design = design, None
    if treatment is None and agent is None and study and _compares_drugs(study, abbrev):
        # "Docetaxel vs mitoxantrone" under "Study" in a table with no regimen column: the
        # study is named by the regimens it compares, which are the row's arms
        treatment = study
    drugs = [] if arm_labels(treatment or agent) else regimen_drugs(treatment, agent, abbrev)
    return Arm(
        source=grid.source, table=grid.label, title=grid.title, row=n, section=section,
        trial_id=trial_id, study=study, target=clean_cell(cells.get("target")),
        agent=clean_cell(agent), line=_line_of(cells, phase_cell, section_line), phase=phase, design=design,
        treatment=clean_cell(treatment), drugs=drugs, primary_sites=split_sites(cells.get("primary_sites")),
        outcomes_text=cells.get("outcomes_text"), ref=clean_cell(cells.get("ref")), filled=filled,
        n_total=None, orr_pct=None, dcr_pct=None, pfs_median_months=None, os_median_months=None,
        primary_endpoint=None, primary_endpoint_met=None,
        page=r.page, line_no=r.line, line_end=r.line_end if r.line_end is not None else r.line,
        cells=None, extra=json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None,
        flags=ordered(r.flags), corrected=False,
    )
