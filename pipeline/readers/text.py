"""Pasted plain text -> TextTable(s): label, title, header line, body lines, legend.

The body lines still hold whole rows with cells joined by single spaces; splitting them into
columns is `pipeline.table.align`'s job.
"""
from __future__ import annotations

import re

from dataclasses import dataclass, field

from ..errors import InputError, Reject, reject_text
from ..model import Line, TextTable
from ..normalize.abbreviations import LEGEND_LABEL as LEGEND
from ..normalize.abbreviations import is_unlabelled_legend as unlabelled_legend
from ..normalize.text import clean
from ..table.header import UNIT_WORD, VALUE_KINDS, classify_header, group_of, split_header_line

# Lines a browser copy of a PMC page adds around a table.
CHROME_PATTERNS = [
    re.compile(r"^\s*skip to main content\s*$", re.I),
    re.compile(r"^\s*\.?\s*\d{4}\s+[A-Z][a-z]{2}\b.*(doi|\d+\(\d+\))", re.I),  # ". 2023 Jul 8;42(3):1021–1054. doi: …"
    re.compile(r"^\s*doi:\s*\S+\s*$", re.I),
    re.compile(r"^\s*(open in a new tab|copy|download|view|share|cite)\s*$", re.I),
]
LABEL = re.compile(r"^\s*(?:#+\s*)?\**\s*(Table\s+[A-Z]?\d+[A-Za-z]?)\s*[.:]?\**\s*(.*?)\s*$")

MIN_HEADER_CELLS = 2
# A pasted table row is a few hundred characters; the row aligner's cost grows with the square
# of a line's tokens, so a line longer than this is rejected (reported), not aligned.
MAX_LINE_CHARS = 10_000

# roles of source lines (see TextRead.roles)
ROLES = ("blank", "chrome", "preamble", "title", "header", "body", "notes", "legend", "rejected")


@dataclass
class TextRead:
    """What the text reader made of a file: its tables, the lines it rejected, and the role
    of every line (so a test can check that no line is silently lost)."""
    tables: list[TextTable] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    roles: dict[int, str] = field(default_factory=dict)


def split_lines(text: str) -> list[Line]:
    return [Line(i + 1, t) for i, t in enumerate(re.split(r"\r\n|\r|\n", text))]


def is_chrome(line: str) -> bool:
    return any(p.search(line) for p in CHROME_PATTERNS)


# a footnote's marker on a line of its own ends the body; after a blank line, so does a note
_FOOTNOTE_MARK = re.compile(r"^\s*(?!n\s*$)[a-z*†‡§¶#⁎]\s*$")   # ("n" alone: a count's heading)
_LONE_NUMBER = re.compile(r"^\s*\d{1,2}\s*$")     # a footnote's number, or a stacked cell's value
_FOOTNOTE = re.compile(rf"{_LONE_NUMBER.pattern}|^\s*[*†‡§¶#⁎]|^\s*[a-z]\s|^\s*(?:Note|Notes|Source|Data)\b")


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


def _sub_header(line: str, top: list[str]) -> list[str]:
    """The cells of a sub-header row under group headings (empty: the line is none): known
    value columns ("ORR DCR OS PFS"), or, under a heading whose columns hold no outcome
    ("Percentage of patients (%)"), two or more cells without numbers ("Locally advanced
    Metastatic")."""
    sub = split_header_line(line)
    if looks_like_header(line, sub):
        return sub
    empty_group = any(group_of(c) == set() for c in top)
    if empty_group and len(sub) >= 2 and not re.search(r"\d", line) \
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


def _header_continued(lines: list[Line], h: int) -> tuple[tuple[str, ...] | None, int]:
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
    sub_kinds = [classify_header(c).canonical for c in sub]
    groups = [k for k, c in enumerate(top) if group_of(c) is not None]
    plain = [k for k in groups if group_of(top[k]) == set()]
    # a row's own fields are no sub-columns of a group heading ("First line treatment" under
    # "Response Rate" is a section row)
    identity = ("trial", "trial_id", "study", "line", "phase", "treatment", "agent", "target", "control", "ref")
    not_sub = identity if plain else ("extra", *identity)
    if not sub or not groups or any(k in not_sub for k in sub_kinds) \
            or re.search(r"\bNCT\d{8}\b|\d+(?:\.\d+)?\s*%", lines[j].text):
        if (wrapped or tails or h_words > h) and j - 1 > h:
            return tuple(top), j - 1
        return None, h        # no sub-header row: the lines after the header are the body's
    # each sub-column goes to the first group heading whose words name it; a column of no
    # outcome to a heading that takes such columns; else to the last heading that takes value
    # columns at all (a safety heading takes none)
    placed: dict[int, list[str]] = {k: [] for k in groups}
    takers = [k for k in groups if group_of(top[k])] or groups
    for c, kind in zip(sub, sub_kinds):
        g = next((k for k in groups if kind in group_of(top[k])),
                 plain[0] if kind == "extra" and plain else takers[-1])
        placed[g].append(c)
    out: list[str] = []
    for k, c in enumerate(top):
        out.extend(placed.get(k) or [c])
    return tuple(out), j


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

# words that open a sentence of notes, not a cell
_SENTENCE_OPENERS = {"The", "This", "These", "In", "All", "Data", "Values", "Results", "Patients", "Note", "Notes"}


def _row_after_blank(lines: list[Line], j: int) -> bool:
    """After the blank line j inside a table body: is the next non-blank line another data row
    (several words, a number, not a footnote, a legend or a sentence of notes)?"""
    k = j
    while k < len(lines) and not lines[k].text.strip():
        k += 1
    if k >= len(lines):
        return False
    t = lines[k].text.strip()
    if _LONE_NUMBER.match(t):
        # "4": a footnote's number, or one value of a cell stacked over blank-separated lines;
        # a value when what follows it is more of the table, not the footnote's sentence
        return _row_after_blank(lines, k + 1) if k + 1 < len(lines) else False
    if LEGEND.match(t) or unlabelled_legend(t) or _FOOTNOTE_MARK.match(t) or _FOOTNOTE.match(t) \
            or is_chrome(t):
        return False
    if t.endswith(".") or t.split()[0] in _SENTENCE_OPENERS:
        return False
    # a row, or one line of a cell stacked over blank-separated lines ("31.0", "(NORDIC)")
    return (len(t.split()) >= 4 and bool(re.search(r"\d", t)) and t[:1].isupper()) \
        or len(t.split()) <= 6


def _rows_follow(lines: list[Line], j: int) -> bool:
    """Do table rows (not a legend, notes or footnotes) follow from line j on? At least two
    non-blank lines, the first of them not a legend, a footnote or page chrome."""
    rest = [ln.text.strip() for ln in lines[j:] if ln.text.strip()]
    if len(rest) < 2:
        return False
    t = rest[0]
    return not (LEGEND.match(t) or unlabelled_legend(t) or _FOOTNOTE_MARK.match(t)
                or _FOOTNOTE.match(t) or is_chrome(t))


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


def text_to_tables(source: str, text: str) -> list[TextTable]:
    """Split pasted text into its tables (one per "Table N" label with a header after it)."""
    return read_text(source, text).tables


def long_lines(lines: list[Line], limit: int = MAX_LINE_CHARS) -> dict[int, str]:
    """Line number -> reason, for lines too long to be a table row."""
    return {ln.number: f"line too long to be a table row ({len(ln.text):,} characters, "
                       f"limit {limit:,})" for ln in lines if len(ln.text) > limit}


def read_text(source: str, text: str, skip: dict[int, str] | None = None) -> TextRead:
    """Split pasted text into its tables and account for every line.

    `skip`: line number -> reason for lines the caller already rejected (undecodable bytes);
    they are reported and otherwise ignored (neither blank nor part of a row). Lines longer
    than MAX_LINE_CHARS are rejected the same way. Raises InputError when no table is found.
    """
    lines = split_lines(text)
    skip = {**(skip or {}), **long_lines(lines)}
    read = TextRead()
    for ln in lines:
        if ln.number in skip:
            read.rejects.append(Reject(ln.number, reject_text(ln.text), skip[ln.number]))
            read.roles[ln.number] = "rejected"
    kept = [ln for ln in lines if ln.number not in skip]
    if not any(ln.text.strip() for ln in kept):
        if read.rejects:
            r = read.rejects[0]
            raise InputError(f"no usable text: {r.reason}", line=r.line)
        raise InputError("empty file: no text" if not text.strip() else "empty file: only white space",
                         line=1)
    label_idx = [i for i, ln in enumerate(kept) if LABEL.match(ln.text) and len(ln.text) < 400]
    starts = label_idx or [0]
    for ln in kept[:starts[0]]:
        read.roles[ln.number] = "blank" if not ln.text.strip() else "chrome" if is_chrome(ln.text) else "preamble"
    for k, s in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(kept)
        t = _one_table(source, kept[s:end], labelled=bool(label_idx), read=read)
        if t is not None:
            read.tables.append(t)
    if not read.tables:
        first = next(ln for ln in kept if ln.text.strip())
        raise InputError("no table header found (no line names at least two known columns "
                         "such as Trial, Phase, Treatment, ORR)", line=first.number)
    return read


def _same_header(a: str, b: str) -> bool:
    return " ".join(a.split()).lower() == " ".join(b.split()).lower()


def _one_table(source: str, lines: list[Line], labelled: bool, read: TextRead) -> TextTable | None:
    """One table's lines (from its label, if any, to the next) read as a TextTable: title,
    header, body, legend and notes, each line's role recorded in `read.roles`."""
    roles = read.roles
    label, title, i = _label_line(lines[0].text) if labelled else (None, None, 0)
    h = find_header(lines, i, titled=title is not None or not labelled)
    if h is None:
        for ln in lines:
            roles[ln.number] = _quiet_role(ln.text, "preamble")
        return None
    lead = _header_lead(lines, i, h, titled_above=int(labelled and title is None))
    for ln in lines[:h - lead]:
        roles[ln.number] = _quiet_role(ln.text, "title")
    header_cells, h_end = _header_continued(lines, h)
    if lead:
        first = " ".join(clean(ln.text).strip() for ln in lines[h - lead:h])
        header_cells = (first, *(header_cells or split_header_line(lines[h].text)))
        for ln in lines[h - lead:h]:
            roles[ln.number] = "header"
    for ln in lines[h:h_end + 1]:
        roles[ln.number] = "header"
    if title is None:
        pre = [ln.text.strip() for ln in lines[i:h - lead] if ln.text.strip() and not is_chrome(ln.text)]
        title = " ".join(pre) or None
    legend_parts: list[str] = []
    body, j = _body_lines(lines, h, h_end + 1, read, legend_parts)
    notes = _notes_and_legend(lines[j:], roles, legend_parts)
    return TextTable(source=source, label=label, title=title, header=lines[h], body=tuple(body),
                     header_cells=header_cells,
                     legend=" ".join(legend_parts) or None, notes=tuple(notes))


MAX_LEAD_LINES = 3


def _header_lead(lines: list[Line], start: int, h: int, titled_above: int = 0) -> int:
    """How many lines right above the header line h are its first cell wrapped over lines
    of their own ("Study Name" / "[Reference]" above "Agents Country Phase ..."): up to
    MAX_LEAD_LINES short lines without digits after a blank line (or after the title's line
    right under a label that has none, `titled_above` 1), which together name a known column
    the header line lacks (0: none)."""
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
    header_kinds = {classify_header(c).canonical for c in split_header_line(lines[h].text)}
    return k if kind != "extra" and kind not in header_kinds else 0


def _label_line(text: str) -> tuple[str, str | None, int]:
    """The label of a table's first line ("Table 2"), the title after it on that line, and
    the index of the line after it."""
    m = LABEL.match(text)
    return m.group(1), m.group(2).strip() or None, 1


def _quiet_role(text: str, role: str) -> str:
    """The role of a line that is not the table's: blank, page chrome, or `role`."""
    return "blank" if not text.strip() else "chrome" if is_chrome(text) else role


def _body_lines(lines: list[Line], h: int, j: int, read: TextRead,
                legend_parts: list[str]) -> tuple[list[Line], int]:
    """The body: non-blank lines from `j` up to the legend, or to a blank line after at least
    one body line unless the next line reads as another data row (pages that space out
    groups of rows). Returns the body lines and the index where the body ends."""
    roles = read.roles
    body: list[Line] = []
    while j < len(lines):
        t = lines[j].text
        legend_line = LEGEND.match(t) or unlabelled_legend(t)
        if legend_line and not body and _rows_follow(lines, j + 1):
            # an abbreviations row printed right under the header (markdown copies put the
            # table's legend there): the legend, and the rows follow it
            m = LEGEND.match(t)
            legend_parts.append(m.group(2).strip() if m else t.strip())
            roles[lines[j].number] = "legend"
        elif legend_line or (body and _FOOTNOTE_MARK.match(t)):
            break             # the legend, or a footnote's marker ("a", "*") on its own line
        elif not t.strip():
            if body and not _row_after_blank(lines, j):
                break
            roles[lines[j].number] = "blank"
        elif is_chrome(t):
            roles[lines[j].number] = "chrome"
        elif _same_header(t, lines[h].text):
            roles[lines[j].number] = "rejected"
            read.rejects.append(Reject(lines[j].number, reject_text(t),
                                       f"repeated header line (the header is line {lines[h].number})"))
        else:
            roles[lines[j].number] = "body"
            body.append(lines[j])
        j += 1
    return body, j


def _notes_and_legend(lines: list[Line], roles: dict, legend_parts: list[str]) -> list[str]:
    """The lines after the body: legend paragraphs (added to `legend_parts`, a blank line ends
    one) and notes, which are returned."""
    notes: list[str] = []
    in_legend = False
    for ln in lines:
        t = ln.text
        m = LEGEND.match(t)
        if m or unlabelled_legend(t):
            in_legend = True
            legend_parts.append(m.group(2).strip() if m else t.strip())
            roles[ln.number] = "legend"
        elif t.strip() and not is_chrome(t):
            (legend_parts if in_legend else notes).append(t.strip())
            roles[ln.number] = "legend" if in_legend else "notes"
        elif not t.strip():
            in_legend = False
            roles[ln.number] = "blank"
        else:
            roles[ln.number] = "chrome"
    return notes


# most rows (body lines of pasted text, rows of a grid) one table may have: more is an error
MAX_TABLE_ROWS = 100_000


def check_rows(n: int, header_line: int | None) -> None:
    if n > MAX_TABLE_ROWS:
        raise InputError(f"table too long: {n:,} rows (the limit is {MAX_TABLE_ROWS:,} per table)",
                         line=header_line)


# ------------------------------------------------------------------ registry entry
# each rejected row costs one more alignment of the whole table; past this many, the file is bad
MAX_ALIGN_REJECTS = 50


def read(source: str, data: bytes, path=None):
    """Registry entry (readers.READERS): bytes -> ReadResult, rows split into cells by the aligner."""
    from . import ReadResult
    from .decode import decode_text_lines

    text, bad = decode_text_lines(data)
    try:
        rd = read_text(source, text, skip=bad)
        res = ReadResult([], list(rd.rejects), dict(rd.roles))
        for t in rd.tables:
            check_rows(len(t.body), t.header.number)
            grid, rejects = align_with_rejects(t)
            res.grids.append(grid)
            res.rejects += rejects
            for r in rejects:
                res.roles[r.line] = "rejected"
        return res
    except (InputError, RecursionError):
        raise
    except Exception as e:  # a bug in the aligner: one line naming the row, not a traceback
        line = _crashing_line(source, text, bad)
        raise InputError(f"internal error while reading the table ({type(e).__name__}: {e}); "
                         f"please report this {'row' if line else 'file'}", line=line) from None


def _crashing_line(source: str, text: str, bad: dict[int, str]) -> int | None:
    """The first body line the aligner crashes on when aligned alone (None if none does)."""
    from dataclasses import replace

    from ..table.align import text_table_to_grid

    try:
        tables = read_text(source, text, skip=bad).tables
    except Exception:
        return None
    for t in tables:
        for ln in t.body:
            try:
                text_table_to_grid(replace(t, body=(ln,)))
            except InputError:
                continue
            except Exception:
                return ln.number
    return None


def align_with_rejects(table):
    """TextTable -> (Grid, rejected lines). A body line the aligner cannot place under the
    header is rejected (with the aligner's reason) and the rest of the table aligned again."""
    from dataclasses import replace

    from ..table.align import text_table_to_grid

    from ..table.align import joined_row_at, split_header_line

    rejects: list[Reject] = []
    # a line holding two rows (the copy lost a line break): rejected, never merged into one arm
    header = list(table.header_cells) if table.header_cells else split_header_line(table.header.text)
    joined = {}
    for ln in table.body:
        at = joined_row_at(ln.text, header)
        if at is not None:
            joined[ln.number] = at
            rejects.append(Reject(ln.number, reject_text(ln.text),
                                  f"two rows on one line (a new row starts at character {at + 1}: "
                                  f"{ln.text[at:at + 30]!r}...): left out rather than merged into one arm"))
    if joined and len(joined) < len(table.body):
        table = replace(table, body=tuple(ln for ln in table.body if ln.number not in joined))
    elif joined:
        rejects = []
    while True:
        try:
            return text_table_to_grid(table), rejects
        except InputError as e:
            body = {ln.number: ln for ln in table.body}
            if e.line not in body:
                raise
            rejects.append(Reject(e.line, reject_text(body[e.line].text), e.reason))
            if len(body) <= 1 or len(rejects) >= MAX_ALIGN_REJECTS:
                first = rejects[0]
                what = ("no row of the table fits the header" if len(body) <= 1
                        else f"more than {MAX_ALIGN_REJECTS} rows do not fit the header")
                raise InputError(f"{what} ({len(rejects)} line(s) tried), the first because: {first.reason}",
                                 line=first.line, text=first.text) from None
            table = replace(table, body=tuple(ln for ln in table.body if ln.number != e.line))
