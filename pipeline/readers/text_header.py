"""The header of a pasted table: which line it is, and the lines it goes on over.

PMC pages print a header cell's line breaks as lines of their own, so a pasted header may be
one line, a line whose words go on over the next ("No. of" / "patients"), short headings on
lines of their own before or after it, or a row of sub-headings under group headings
("Response rate" over "ORR DCR"). The text reader (text.py) asks here where a table's header
is and what its cells are.
"""
from __future__ import annotations

import re

from ..model import Line
from ..normalize.text import clean
from ..table.header import UNIT_WORD, VALUE_KINDS, classify_header, group_of, split_header_line
from ..table.header_levels import named_under

LABEL = re.compile(r"^\s*(?:#+\s*)?\**\s*(Table\s+[A-Z]?\d+[A-Za-z]?)\s*[.:]?\**\s*(.*?)\s*$")
MIN_HEADER_CELLS = 2


# a header cell's parenthesis on a line of its own: a unit or an interval, no value
_UNIT_TAIL = re.compile(r"^\((?:%|95\s*%\s*CI|[A-Za-z][A-Za-z ;,./%]{0,30})\)$")

# the kinds of column whose heading can wrap onto a short line of its own after the value
# columns ("Ref" under a long "Median OS months (95% CI)" heading)
_TAIL_KINDS = {"ref"}
# headings no section row is named like ("Control", "Comparator"): a short line of their own
# after the header line is the header's
_HEADING_ONLY_KINDS = {"control"}


def _wrapped_cells(t: str, top: list[str]) -> list[str] | None:
    """The header cells a line after the header adds when the header wraps onto it (None: the
    line is no continuation). Either a short heading of its own ("Median survival", "Grade 3/4
    AEs"), or a line of known value columns none of which a group heading above takes
    ("Response rate (%) Median overall survival (months)" after "... Percentage of patients")."""
    if not t or re.search(r"\d(?![/–-]?\d?\s*AEs?\b)(?!/\d)(?![^()]*\))", t):
        return None
    if len(t.split()) <= 4 and not looks_like_header(t):
        kind = classify_header(t).canonical
        known = group_of(t) is not None or kind in VALUE_KINDS or kind in _HEADING_ONLY_KINDS or (
            kind in _TAIL_KINDS and len(t.split()) <= 2
            and all(classify_header(c).canonical != kind for c in top))
        return [t] if known else None   # else a section ("First-line therapy") or a trial name
    cells = split_header_line(t)
    kinds = [classify_header(c).canonical for c in cells]
    taken = set().union(*(group_of(c) or set() for c in top))
    if len(cells) >= 2 and all(k in VALUE_KINDS for k in kinds) and not taken & set(kinds):
        return cells
    return None


# the grades an adverse events heading names ("Grade 3 or 4", "grade ≥3", "G3-4"): no values
_GRADES = re.compile(r"(?i)\b(?:grades?|g)\s*[≥>]?\s*\d(?:\s*(?:-|–|/|or|and|to)\s*\d)*")


def _sub_header(line: str, top: list[str]) -> list[str]:
    """The cells of a sub-header row under group headings (empty: the line is none): known
    value columns ("ORR DCR OS PFS"), or, under a heading whose columns hold no outcome
    ("Percentage of patients (%)"), two or more cells without numbers ("Locally advanced
    Metastatic")."""
    sub = split_header_line(line)
    if looks_like_header(line, sub):
        return sub
    empty_group = any(group_of(c) == set() for c in top)
    if empty_group and len(sub) >= 2 and not re.search(r"\d", _GRADES.sub("", line)) \
            and all(classify_header(c).canonical == "extra" for c in sub):
        return sub
    return []


# a line that goes on with the header line's last words: no digits outside a parenthesis, and
# its first letter lower case ("No. of" / "patients", "Objective" / "response rate")
_WORDS_GO_ON = re.compile(r"^[\s(\[]*[a-z]")


# a header line that stops inside a cell: a comma, a hyphen or slash, or a joining word
_BROKEN_END = re.compile(r"(?:[,/(–-]|\b(?:of|and|or|with|per|at|by|in|to|No\.))$", re.I)


def _known(cells: list[str]) -> int:
    return sum(1 for c in cells if classify_header(c).canonical != "extra")


def _joined_header(lines: list[Line], h: int) -> tuple[list[str], int]:
    """The header cells when header line h breaks inside its cells and its words go on over
    the next lines ("Trial Phase No. of" / "patients Treatment Objective" / "response rate
    ..."): the lines joined and split again while each line goes on (see _WORDS_GO_ON) and the
    joined line names more known columns, or as many when the line before stops inside a
    cell (see _BROKEN_END) or the line is a unit ("months"). Returns the cells and the index of the
    last line taken (h: the header line is whole)."""
    text = clean(lines[h].text).strip()
    cells = split_header_line(lines[h].text)
    k = h
    while k + 1 < len(lines):
        t = clean(lines[k + 1].text).strip()
        if not _WORDS_GO_ON.match(t) or re.search(r"\d", re.sub(r"\([^()]*\)", "", t)) \
                or "\t" in lines[h].text:
            break
        joined = split_header_line(f"{text} {t}")
        if _known(joined) < _known(cells) or (_known(joined) == _known(cells) and not (
                _BROKEN_END.search(text) or re.fullmatch(rf"(?:{UNIT_WORD})(?:\s*,\s*|\s+)?", t, re.I))):
            break
        text, cells, k = f"{text} {t}", joined, k + 1
    return cells, k


def _wrapped_lines(lines: list[Line], h: int, cells: list[str]) -> tuple[list[str], int, int]:
    """The header cells wrapped onto the lines after header line h (see _wrapped_cells), how
    many units those lines added to the cell before them ("(95% CI)", "(%)": `cells` and the
    wrapped cells are completed in place), and the index of the first line that is neither."""
    j = h + 1
    wrapped: list[str] = []
    tails = 0
    while j < len(lines):
        t = clean(lines[j].text).strip()
        if _UNIT_TAIL.match(t):
            last = wrapped if wrapped else cells
            last[-1] = f"{last[-1]} {t}"
            tails += 1
        else:
            more = _wrapped_cells(t, cells + wrapped)
            if more is None:
                break
            wrapped += more
        j += 1
    return wrapped, tails, j


def header_continued(lines: list[Line], h: int) -> tuple[tuple[str, ...] | None, int]:
    """Header cells when the header goes on over the next lines, and the index of its last
    line. Two shapes from PMC pages: header cells wrapped onto lines of their own (see
    _wrapped_cells), and a sub-header row (see _sub_header) that replaces the group headings
    above it ("Response rate", "Median survival"), each taking the sub-columns its words
    name."""
    cells, h_words = _joined_header(lines, h)
    wrapped, tails, j = _wrapped_lines(lines, h_words, cells)
    if j >= len(lines):
        return None, h
    top = cells + wrapped
    armed = _arm_sub_header(lines[j].text, top)
    if armed:
        return armed, j
    sub = _sub_header(lines[j].text, top)
    groups = [k for k, c in enumerate(top) if group_of(c) is not None]
    # a sub-column that names no column alone is read under the last heading ("Median
    # (months)" under "Overall survival")
    sub_kinds = [_kind_under(c, top[groups[-1]] if groups else None) for c in sub]
    plain = [k for k in groups if group_of(top[k]) == set()]
    # a row's own fields are no sub-columns of a group heading ("First line treatment" under
    # "Response Rate" is a section row)
    identity = ("trial", "trial_id", "study", "line", "phase", "treatment", "agent", "target", "control", "ref")
    not_sub = identity if plain else ("extra", *identity)
    if not sub or not groups or any(k in not_sub for k in sub_kinds) \
            or re.search(r"\bNCT\d{8}\b|\d+(?:\.\d+)?\s*%", lines[j].text):
        block = _fragment_block(lines, h, j, top)
        if block is not None:
            return block
        if (wrapped or tails or h_words > h) and j - 1 > h:
            return tuple(top), j - 1
        return None, h        # no sub-header row: the lines after the header are the body's
    return _placed_under(top, groups, plain, sub, sub_kinds), j


def _kind_under(sub: str, group: str | None) -> str:
    kind = classify_header(sub).canonical
    if kind == "extra" and group and _STATISTIC_SUB.match(sub):
        return classify_header(named_under(group, sub)).canonical
    return kind


# a sub-column that says which statistic of its heading it holds ("Median (months)", "Rate")
_STATISTIC_SUB = re.compile(r"(?i)^(?:median|mean|rate|%)\b")


def _placed_under(top: list[str], groups: list[int], plain: list[int], sub: list[str],
                  sub_kinds: list[str]) -> tuple[str, ...]:
    """The header with each sub-column under its group heading: the first whose words name it;
    a column of no outcome under the last heading that takes such columns; else under the last
    heading that takes value columns at all (a safety heading takes none)."""
    placed: dict[int, list[str]] = {k: [] for k in groups}
    takers = [k for k in groups if group_of(top[k])] or groups
    for c, kind in zip(sub, sub_kinds):
        g = next((k for k in groups if kind in group_of(top[k])),
                 plain[-1] if kind == "extra" and plain else takers[-1])
        placed[g].append(c)
    out: list[str] = []
    for k, c in enumerate(top):
        # sub-columns of a heading of no outcome keep its words and unit ("Any grade" under
        # "Treatment-related AEs (%)": a column of percentages, no outcome)
        subs = [named_under(c, x) for x in placed[k]] if k in plain \
            else [named_under(c, x) if _STATISTIC_SUB.match(x) and classify_header(x).canonical == "extra" else x
                  for x in placed.get(k, [])]
        out.extend(subs or [c])
    return tuple(out)


MAX_FRAGMENT_WORDS = 4


def _fragment_block(lines: list[Line], h: int, j: int, top: list[str]) -> tuple[tuple[str, ...], int] | None:
    """A header printed a fragment of a cell a line ("Study arms Study" / "type," / "no. of" /
    "patients" / "Patient" / "characteristics" / "CR/CRi OS* Conclusion/Comments"), the rows
    after it: the short lines without digits from the header line on, up to a line of the
    body (one with digits), joined and split again; None unless that names more known
    columns than the lines read so far (`top`, up to line j), a column of values among them."""
    k = j
    while k < len(lines):
        t = clean(lines[k].text).strip()
        if not t or re.search(r"\d", re.sub(r"\([^()]*\)", "", t)) or len(t.split()) > MAX_FRAGMENT_WORDS:
            break
        k += 1
    if k == j or k >= len(lines) or not re.search(r"\d", lines[k].text):
        return None
    joined = split_header_line(" ".join(clean(ln.text).strip() for ln in lines[h:k]))
    had = {classify_header(c).canonical for c in top}
    more = {sp.canonical for sp in map(classify_header, joined) if sp.is_measure} - had
    # (a section row or a trial's name on lines of their own names no column of values)
    return (tuple(joined), k - 1) if more and _known(joined) > _known(top) else None


def _arm_sub_header(line: str, top: list[str]) -> tuple[str, ...] | None:
    """A row of arm names under the value headings, the same names under each ("RR PFS (months)
    OS (months)" over "TKI Chemotherapy TKI Chemotherapy TKI Chemotherapy"): each heading becomes
    one column per arm, the arm's name after the heading ("RR TKI", "PFS Chemotherapy (months)").
    None unless the names repeat once per value heading, two or more of each."""
    if re.search(r"\d", line):
        return None
    names = split_header_line(line)
    heads = [k for k, c in enumerate(top) if classify_header(c).canonical in VALUE_KINDS - {"n_total"}]
    m = len(names) // len(heads) if len(heads) >= 2 else 0
    if m < 2 or m * len(heads) != len(names) or names != names[:m] * len(heads) \
            or len(set(names[:m])) < m or any(classify_header(c).is_measure for c in names):
        return None
    out: list[str] = []
    for k, c in enumerate(top):
        if k not in heads:
            out.append(c)
            continue
        unit = _UNIT_PAREN.search(c)
        base = c[:unit.start()].strip() if unit else c
        out += [f"{base} {name}{' ' + unit.group(0).strip() if unit else ''}" for name in names[:m]]
    return tuple(out)


_UNIT_PAREN = re.compile(r"\s*\([^()]*\)\s*$")

def looks_like_header(line: str, cells: list[str] | None = None) -> bool:
    """`cells`: the line already split by split_header_line."""
    cells = split_header_line(line) if cells is None else cells
    if len(cells) < 2:
        return False
    known = [classify_header(c).canonical for c in cells]
    n_known = sum(1 for k in known if k != "extra")
    # half the cells known, or four known columns among long unknown ones ("Discontinuation
    # rate because of drug-related AEs (%)")
    return n_known >= MIN_HEADER_CELLS and (n_known * 2 >= len(cells) or n_known >= 4) \
        and not re.search(r"\bNCT\d{8}\b", line)


def find_header(lines: list[Line], start: int, titled: bool = True) -> int | None:
    """The first line that looks like a header, unless it is a title that names a column or
    two ("Kinase inhibitor trials", "Phase III trials"): a line without digits, then a line
    that looks like a header naming more known columns (with the words it goes on with, see
    _joined_header), which is the header. The title is followed by a blank line, or it is the
    first line under a label that has no title (`titled` False) and names no group heading
    (a two-level header's top line does)."""
    first = next((i for i in range(start, len(lines)) if lines[i].text.strip()), None)
    for i in range(start, len(lines)):
        if lines[i].text.strip() and looks_like_header(lines[i].text):
            k = i + 1
            while k < len(lines) and not lines[k].text.strip():
                k += 1
            cells = split_header_line(lines[i].text)
            title_shape = k > i + 1 or (not titled and i == first and not any(group_of(c) is not None for c in cells))
            if title_shape and k < len(lines) and not re.search(r"\d", lines[i].text) \
                    and looks_like_header(lines[k].text) and _known(_joined_header(lines, k)[0]) > _known(cells):
                return k
            return i
    return None


MAX_LEAD_LINES = 3


def header_lead(lines: list[Line], start: int, h: int, titled_above: int = 0,
                cells: tuple[str, ...] | None = None) -> int:
    """How many lines right above the header line h are its first cell wrapped over lines
    of their own ("Study Name" / "[Reference]" above "Agents Country Phase ..."): up to
    MAX_LEAD_LINES short lines without digits after a blank line (or after the title's line
    right under a label that has none, `titled_above` 1), which together name a known column
    the header lacks (0: none). `cells`: the header's cells when it goes on over the lines
    after h (see header_continued), else the header line's."""
    k = 0
    limit = start + titled_above      # (the title's line right under an untitled label stays the title)
    while k < MAX_LEAD_LINES and h - k - 1 >= limit:
        t = clean(lines[h - k - 1].text).strip()
        if not t or len(t.split()) > 3 or re.search(r"\d", t) or LABEL.match(t):
            break
        k += 1
    if not k or (h - k - 1 >= limit and lines[h - k - 1].text.strip()):
        return 0
    lead = " ".join(clean(ln.text).strip() for ln in lines[h - k:h])
    kind = classify_header(lead).canonical
    header_kinds = {classify_header(c).canonical for c in (cells or split_header_line(lines[h].text))}
    return k if kind != "extra" and kind not in header_kinds else 0




def header_above(lines: list[Line], start: int, h: int, h_end: int,
                 cells: tuple[str, ...] | None) -> tuple[int, tuple[str, ...]] | None:
    """A header printed a fragment a line whose first line found is not its first ("Trial name
    Published" / "year" / "No. of" / "patients" / "Line of" / "treatment" above "Treatment
    groups Response" / "rate (%)" / "MST" ...): the short lines without digits right above
    header line h, after a blank line, joined with the header's lines and split again. Returns
    the first line's index and the cells; None unless two or more such lines name more known
    columns than the header read so far."""
    k = h
    while k - 1 > start:
        t = clean(lines[k - 1].text).strip()
        if not t or re.search(r"\d", re.sub(r"\([^()]*\)", "", t)) or len(t.split()) > MAX_FRAGMENT_WORDS \
                or LABEL.match(t):
            break
        k -= 1
    if h - k < 2 or lines[k - 1].text.strip():
        return None
    joined = split_header_line(" ".join(clean(ln.text).strip() for ln in lines[k:h_end + 1]))
    top = list(cells) if cells else split_header_line(lines[h].text)
    return (k, tuple(joined)) if _known(joined) > _known(top) else None
