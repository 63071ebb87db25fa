"""A corpus of hostile inputs, built from the reference table (nothing downloaded).

Each `Case` is a file (name, bytes) and what a run on it must give: `ok` (a dataset, possibly
with rejected lines) or an error whose one-line message names the file, the line and a reason.
`build(folder)` writes every case into a folder and returns the cases with their paths.
"""
from __future__ import annotations

import io
import random
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "raw" / "pmc10584733_table6.txt"

# the reference's layout (1-based line numbers)
HEADER_LINE = 8
FIRST_ROW_LINE = 9
LAST_ROW_LINE = 25
N_ROWS = 17


def ref_text() -> str:
    return REFERENCE.read_text("utf-8")


def ref_lines() -> list[str]:
    return ref_text().split("\n")


def _join(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("utf-8")


@dataclass
class Case:
    name: str
    filename: str
    data: bytes
    ok: bool                          # a dataset is expected (else an error)
    reason: str = ""                  # error: a substring of the reason
    line: int | None = None           # error: the line the message must name
    same_measures: bool = False       # ok: same measures as the reference run
    arms: int | None = None           # ok: number of arms expected
    rejects: list[tuple[int, str]] = field(default_factory=list)  # ok: (line, reason part) rejected
    note: str = ""
    path: Path | None = None


def _replace_in_row(line_no: int, old: str, new: str) -> bytes:
    """Replace `old` in a line of the reference; a space in `old` matches any space character."""
    lines = ref_lines()
    rx = re.compile(re.escape(old).replace("\\ ", "[ \u00a0\u2009\u202f]"))
    assert rx.search(lines[line_no - 1]), (old, lines[line_no - 1])
    lines[line_no - 1] = rx.sub(new, lines[line_no - 1], count=1)
    return _join(lines)


def tab_separated() -> str:
    """The reference table as a spreadsheet pastes it: cells joined by tabs (from the cell
    annotation of the reference, tests/fixtures/pmc10584733_table6.table.json)."""
    import json
    spec = json.loads((ROOT / "tests" / "fixtures" / "pmc10584733_table6.table.json").read_text("utf-8"))
    lines = ref_lines()
    rows = ["\t".join(c or "" for c in r["cells"]) for r in spec["rows"]]
    assert len(rows) == N_ROWS
    return "\n".join(lines[:HEADER_LINE - 1] + ["\t".join(spec["header"])] + rows + lines[LAST_ROW_LINE:])


def cases() -> list[Case]:
    lines = ref_lines()
    rng = random.Random(7)
    out: list[Case] = []

    out.append(Case("empty", "empty.txt", b"", ok=False, reason="empty file", line=1))
    out.append(Case("whitespace_only", "blank.txt", "  \n\t\n \r\n\u00a0\u2009\n".encode("utf-8"),
                    ok=False, reason="empty file", line=1))
    junk = bytes(rng.randrange(256) for _ in range(8192))
    out.append(Case("random_bytes", "noise.txt", junk, ok=False, reason="not", line=None,
                    note="NUL bytes or mostly undecodable"))
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(200))
    out.append(Case("png_renamed", "image.txt", png, ok=False, reason="PNG image", line=1))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("table.txt", ref_text())
    out.append(Case("zip_renamed", "archive.txt", buf.getvalue(), ok=False, reason="ZIP archive", line=1))
    out.append(Case("fake_pdf", "notapdf.pdf", b"Trials Phase Treatment ORR\nthis is not a PDF\n",
                    ok=False, reason="not a PDF", line=1))

    # invalid UTF-8 inside the 7th data row: that row is rejected, the 16 others extracted
    bad = [ln.encode("utf-8") for ln in lines]
    bad[14] = bad[14][:40] + b"\xff\xfe\xc3(" + bad[14][40:]
    out.append(Case("invalid_utf8_middle", "bad_utf8.txt", b"\n".join(bad), ok=True, arms=N_ROWS - 1,
                    rejects=[(15, "not UTF-8")]))

    ascii_forms = {"≥": ">=", "–": "-", "\u00a0": "\u00a0", "\u2009": " ", "\u202f": " "}
    latin = "".join(ascii_forms.get(ch, ch) for ch in ref_text()).replace(
        "Clinical trials", "Clinical trials (données, µ)")
    out.append(Case("latin1", "latin1.txt", latin.encode("latin-1"), ok=True, same_measures=True, arms=N_ROWS,
                    note="no valid UTF-8 sequence at all: read as Windows-1252"))
    out.append(Case("utf16_bom", "utf16.txt", ref_text().encode("utf-16"), ok=True, same_measures=True,
                    arms=N_ROWS))
    out.append(Case("utf8_bom", "utf8bom.txt", b"\xef\xbb\xbf" + ref_text().encode("utf-8"), ok=True,
                    same_measures=True, arms=N_ROWS))

    out.append(Case("header_no_rows", "header_only.txt", _join(lines[:HEADER_LINE] + lines[LAST_ROW_LINE:]),
                    ok=False, reason="no data rows", line=HEADER_LINE))
    out.append(Case("rows_no_header", "no_header.txt", _join(lines[FIRST_ROW_LINE - 1:LAST_ROW_LINE]),
                    ok=False, reason="no table header found", line=1))
    out.append(Case("one_column", "one_column.txt",
                    _join(["Table 1. Trials", "", "Trials"] + [ln.split()[0] for ln in lines[8:12]]),
                    ok=False, reason="no table header found", line=1))

    big = "x" * 1_000 + " " + "ORR 50% " * 620_000
    five_mb = lines[:12] + [big[:5_000_000]] + lines[12:]
    out.append(Case("line_5mb", "huge_line.txt", _join(five_mb), ok=True, arms=N_ROWS,
                    rejects=[(13, "line too long")], same_measures=True))
    out.append(Case("only_5mb_line", "only_huge.txt", big[:5_000_000].encode(), ok=False,
                    reason="line too long", line=1))

    doubled = lines[:]
    doubled[8] = lines[8] + " " + lines[9]
    del doubled[9]
    out.append(Case("twice_the_cells", "doubled.txt", _join(doubled), ok=True, arms=N_ROWS - 2,
                    rejects=[(9, "two rows on one line")],
                    note="two rows pasted on one line: the second's start is seen and the line rejected"))
    md_rows = ["| Trials | Phase | Treatment | ORR (%) |", "|---|---|---|---|",
               "| NCT03278405 | II | Avelumab | 20 |",
               "| NCT03352934 | II | Avelumab | 30 | NCT03352935 | II | Nivolumab | 40 |",
               "| NCT02939651 | I | Pembrolizumab | 3.4 |"]
    out.append(Case("md_twice_the_cells", "doubled.md", "\n".join(md_rows).encode(), ok=True, arms=2,
                    rejects=[(4, "8 cells but the header has 4")]))

    dup = lines[:HEADER_LINE] + [lines[HEADER_LINE - 1]] + lines[HEADER_LINE:16] + [lines[HEADER_LINE - 1]] + lines[16:]
    out.append(Case("duplicated_header", "dup_header.txt", _join(dup), ok=True, arms=N_ROWS, same_measures=True,
                    rejects=[(9, "repeated header"), (18, "repeated header")]))

    trunc = lines[:LAST_ROW_LINE - 1] + [lines[LAST_ROW_LINE - 1][:95]]
    out.append(Case("truncated_last_row", "truncated.txt", _join(trunc), ok=True, arms=N_ROWS,
                    note="the cut row is an arm with what it has (no outcomes)"))

    out.append(Case("tabs", "tabs.txt", tab_separated().encode(), ok=True, arms=N_ROWS, same_measures=True,
                    note="a spreadsheet paste: cells separated by tabs, spanned cells empty"))
    out.append(Case("tabs_everywhere", "all_tabs.txt", ref_text().replace(" ", "\t").encode(), ok=False,
                    reason="no row of the table fits the header", line=FIRST_ROW_LINE,
                    note="every space a tab: tabs are hard cell boundaries, so no row fits 9 columns"))
    out.append(Case("crlf", "crlf.txt", ref_text().replace("\n", "\r\n").encode(), ok=True, arms=N_ROWS,
                    same_measures=True))
    out.append(Case("cr", "cr.txt", ref_text().replace("\n", "\r").encode(), ok=True, arms=N_ROWS,
                    same_measures=True))

    out.append(Case("unknown_unit", "fortnights.txt", _replace_in_row(11, "mPFS, 8.9 weeks", "mPFS, 8.9 fortnights"),
                    ok=True, arms=N_ROWS))
    out.append(Case("orr_140", "orr140.txt", _replace_in_row(9, "ORR, 0%", "ORR, 140%"), ok=True, arms=N_ROWS,
                    rejects=[(9, "impossible percentage")]))
    out.append(Case("negative_months", "neg_months.txt", _replace_in_row(9, "mPFS, 2.0 months", "mPFS, -3 months"),
                    ok=True, arms=N_ROWS))
    out.append(Case("n_zero", "n_zero.txt", _replace_in_row(16, "In 20 evaluable NECs", "In all patients (n = 0)"),
                    ok=True, arms=N_ROWS))

    # ---- issue 17: invented or lost values ------------------------------------------------
    # invisible format characters a copy carries, inside values and between value and unit
    inv = ref_lines()
    inv[8] = inv[8].replace("ORR, 0%", "ORR, \u200d0%").replace("5.7", "5\u2060.7")
    inv[10] = inv[10].replace("3.4%", "3\u200c.4%").replace("Pembrolizumab", "\u202aPembrolizumab\u202c")
    inv[13] = inv[13].replace("18.7%", "\u200e18.7\u200f%").replace("7.8", "7\u061c.8")
    inv[18] = inv[18].replace("38%", "\u206638%\u2069")
    out.append(Case("invisible_format_chars", "invisible.txt", _join(inv), ok=True, arms=N_ROWS,
                    same_measures=True, note="zero-width joiners, word joiners, bidi marks are removed"))
    sup = ref_lines()
    sup[8] = sup[8].replace("ORR, 0%", "ORR, 0%\u00b9")
    sup[10] = sup[10].replace("3.4%", "3.4\u00b2%").replace("20.4", "20.4\u00b3")
    out.append(Case("superscript_marks", "superscripts.txt", _join(sup), ok=True, arms=N_ROWS,
                    same_measures=True, note="a superscript digit after a value is a footnote mark"))
    out.append(Case("dates_after_outcomes", "dates.txt",
                    _replace_in_row(9, "mOS, 5.7 months", "mOS, 5.7 months (as of 03.2021). Data cut-off: 2021-03-04"),
                    ok=True, arms=N_ROWS, same_measures=True, note="a date is never a count"))
    joined = ref_lines()
    # lines 12 and 13 on one line, the second's trial id spanning down from the first
    joined[11] = joined[11] + " " + joined[12].replace("NCT03136055 ", "", 1)
    del joined[12]
    out.append(Case("two_rows_one_line", "joined.txt", _join(joined), ok=True, arms=N_ROWS - 2,
                    rejects=[(12, "two rows on one line")],
                    note="a lost line break: rejected, never folded into one arm"))
    md_rep = ["**Table 3.** Trials of one invented class", "",
              "| Study | Phase | Regimen | N | ORR (%) |", "|---|---|---|---|---|",
              "| NCT04100001 | II | Zanubrumab | 1,234 | 11.5 |",
              "| NCT04100002 | II | Zanubrumab + CBDCA | 52 | 23 |",
              "| Study | Phase | Regimen | N | ORR (%) |", "|---|---|---|---|---|",
              "| NCT04100003 | III | Orlumab | 2,005 | 31.2 |",
              "| **Study** | **Phase** | **Regimen** | **N** | **ORR (%)** |",
              "| NCT04100004 | I | Orlumab | 18 | 5.6 |"]
    out.append(Case("md_repeated_header", "repeated_header.md", "\n".join(md_rep).encode(), ok=True, arms=4,
                    rejects=[(7, "repeated header"), (8, "repeated header"), (10, "repeated header")],
                    note="a header printed again after each page break is not an arm"))
    md_big = ["| Study | Phase | Regimen | N | ORR (%) |", "|---|---|---|---|---|",
              "| NCT04200001 | II | Zanubrumab | 99999999999999999999 | 11.5 |",
              "| NCT04200002 | II | Orlumab | 40 | 20 |"]
    out.append(Case("count_over_int64", "overflow.md", "\n".join(md_big).encode(), ok=True, arms=2,
                    note="a count no Int64 holds is a value reject, not a crash"))

    out.append(Case("html_garbage", "garbage.html", b"<html><body><p>no table here</p>\x00</body>",
                    ok=False, reason="NUL", line=1))
    out.append(Case("html_no_table", "no_table.html", b"<html><body><p>no table here</p></body></html>",
                    ok=False, reason="no <table>", line=1))
    return out


def build(folder: Path) -> list[Case]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for c in cases():
        c.path = folder / c.filename
        c.path.write_bytes(c.data)
        out.append(c)
    return out
