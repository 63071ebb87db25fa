"""Legends read entry by entry, found labelled or not in every input form, and regimen
abbreviations they define reaching `drugs` (pipeline/normalize/abbreviations.py, the readers).

Cases name where they come from: `tests/data/raw/*` (copies of ../shared/raw), the real PMC
table PMC7072020 (../shared/real/raw, its legend printed under the header), or invented
(a construction seen in real legends, other words).
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from conftest import DATA
from pipeline.normalize.abbreviations import (is_unlabelled_legend, legend_and_notes,
                                              legend_label, read_legend)
from pipeline.normalize.drugs import regimen_drugs
from pipeline.run import extract

# PMC7072020 Table 1 (../shared/real/raw/PMC7072020_Table1_plain.txt, line 7): no label
REAL_UNLABELLED = ("SCLC, small cell lung cancer; ORR, objective response rate; DOR, duration "
                   "of response; PFS, progression-free survival; OS, overall survival.")
# invented, in the form of pmc10584733's 12-entry legend: 15 entries, one of them no definition
FIFTEEN = ("NCT no., registry identifier; GI, gastro-intestinal; NEC, neuroendocrine carcinoma; "
           "NET, neuroendocrine tumour; UKP, unknown primary; ORR, objective response rate; "
           "mPFS, median progression-free survival; mOS, median overall survival; DCR, disease "
           "control rate; Ref, reference; Mono, monotherapy; see the methods section for "
           "details; CT1, cisplatin plus etoposide; AE, adverse event; SD, stable disease")

READ_CASES = [
    # (provenance, legend text, entries read, items skipped, some exact entries)
    ("real PMC7072020, unlabelled", REAL_UNLABELLED, 5, [],
     {"SCLC": "small cell lung cancer", "OS": "overall survival"}),
    ("invented: one entry of 15 is no definition", FIFTEEN, 14,
     ["see the methods section for details"], {"CT1": "cisplatin plus etoposide",
                                               "NCT no.": "registry identifier"}),
    ("invented: '=' and ':' separators", "OS = overall survival; PFS: progression-free survival",
     2, [], {"OS": "overall survival", "PFS": "progression-free survival"}),
    ("invented: entries separated by periods", "TTF, time to treatment failure. "
     "ICI, immune checkpoint inhibitor. CR, complete response.", 3, [],
     {"ICI": "immune checkpoint inhibitor", "CR": "complete response"}),
    ("invented: a sentence is no entry", "Data are shown as reported in the original papers",
     0, ["Data are shown as reported in the original papers"], {}),
]


@pytest.mark.parametrize("text, n, skipped, some", [c[1:] for c in READ_CASES],
                         ids=[c[0] for c in READ_CASES])
def test_read_legend_entry_by_entry(text: str, n: int, skipped: list[str],
                                    some: dict[str, str]) -> None:
    entries, skips = read_legend(text)
    assert (len(entries), skips) == (n, skipped)
    assert {k: entries[k] for k in some} == some


UNLABELLED_CASES = [
    ("real PMC7072020", REAL_UNLABELLED, True),
    ("invented: 15 entries, one no definition", FIFTEEN, True),
    ("invented: two entries", "TTF, time to treatment failure; CR, complete response", True),
    ("invented: lower-case short forms of their long forms",
     "Gem, gemcitabine; Cape, capecitabine; Durva, durvalumab", True),
    ("invented outcome text: labels with values", "ORR: 40%; mOS: 10.2 months", False),
    ("invented outcome text: labels with words", "Safety: well tolerated; Efficacy: ORR 12%",
     False),
    ("invented footnotes", "a, updated analysis; b, abstract only", False),
    ("invented data row", "NCT09000001 II Zetamab 24 33.3 1.9 9.7", False),
    ("invented title", "Table 2. Trials of zetamab, alone or combined", False),
    # PMC5455211 Table 1: `SHORT long` entries separated by commas
    ("invented spaced entries", "N number of patients evaluated, Z zetamab, OX oxaliplatin, ND no data", True),
    ("invented list of regimens", "Zetamab plus oxaliplatin, Zetamab alone, Placebo", False),
]


def test_spaced_legend_entries_are_read():
    from pipeline.normalize.abbreviations import read_legend
    got, skipped = read_legend("N number of patients evaluated, Z zetamab, OX oxaliplatin, ND no data")
    assert got == {"N": "number of patients evaluated", "Z": "zetamab", "OX": "oxaliplatin", "ND": "no data"}
    assert skipped == []
    # a comma-separated `short, long` legend is read as before
    assert read_legend("CR, complete response; PR, partial response")[0] == {
        "CR": "complete response", "PR": "partial response"}


@pytest.mark.parametrize("line, expected", [c[1:] for c in UNLABELLED_CASES],
                         ids=[c[0] for c in UNLABELLED_CASES])
def test_unlabelled_legend(line: str, expected: bool) -> None:
    assert is_unlabelled_legend(line) is expected


def test_legend_and_notes_split_footer_lines() -> None:
    legend, notes = legend_and_notes([
        "a Updated at the congress.", "Abbreviations: TTF, time to treatment failure;",
        "CR, complete response.", "", "Source: invented.", REAL_UNLABELLED])
    assert legend == ("TTF, time to treatment failure; CR, complete response. "
                      + REAL_UNLABELLED)
    assert notes == ["a Updated at the congress.", "Source: invented."]
    assert legend_label("List of abbreviations: X, y") == "X, y"
    assert legend_label("Abbreviation. X, y") == "X, y"


# ---------------------------------------------------------------- the copies of ../shared/raw

def labelled_files() -> list[Path]:
    return sorted(p for p in (DATA / "raw").iterdir()
                  if re.search(r"^\W*(?:<p>)?Abbreviations:", p.read_text(encoding="utf-8"), re.M))


def legend_text(path: Path) -> str:
    line = next(ln for ln in path.read_text(encoding="utf-8").splitlines()
                if "Abbreviations:" in ln)
    return re.sub(r"<[^>]+>", "", line).split("Abbreviations:", 1)[1].strip()


@pytest.mark.parametrize("path", labelled_files(), ids=lambda p: p.name)
def test_shared_legends_read_whole_labelled_or_not(path: Path, tmp_path: Path) -> None:
    text = legend_text(path)
    entries, skipped = read_legend(text)
    assert skipped == [] and len(entries) == len(re.split(r"\s*;\s*", text.rstrip(". ")))
    assert is_unlabelled_legend(text)
    for name, body in (("labelled", path.read_text(encoding="utf-8")),
                       ("unlabelled", path.read_text(encoding="utf-8").replace(
                           "Abbreviations: ", ""))):
        folder = tmp_path / name
        folder.mkdir()
        (folder / path.name).write_text(body, encoding="utf-8")
        extract([folder], tmp_path / f"{name}_out")
        abbr = pd.read_parquet(tmp_path / f"{name}_out" / "abbreviations.parquet")
        legend = abbr[abbr["origin"] == "legend"]
        assert dict(zip(legend["short"], legend["long"], strict=True)) == entries, name


# ---------------------------------------------------------------- every input form

ROWS = [("NCT09300001", "III", "Zetamab + CT1", "268", "67.9"),
        ("NCT09300002", "II", "Zetamab + CT2", "201", "60.2"),
        ("NCT09300003", "II", "Etamab", "150", "18.0")]
HEADER = ("Trial", "Phase", "Treatment", "N", "ORR (%)")
# invented; CT2's long form joins its drugs with "or" and "with"; one entry is no definition
LEGEND = ("CT1, cisplatin plus etoposide; CT2, carboplatin or cisplatin with etoposide; "
          "see the appendix for doses; ORR, objective response rate")
EXPECTED = {"CT1": "cisplatin plus etoposide",
            "CT2": "carboplatin or cisplatin with etoposide", "ORR": "objective response rate"}
DRUGS = [["cisplatin", "etoposide", "zetamab"],
         ["carboplatin", "cisplatin", "etoposide", "zetamab"], ["etamab"]]


def text_form(legend: str, under_header: bool = False) -> str:
    rows = "\n".join(" ".join(r) for r in ROWS)
    head = "Table 5. Invented trials of zetamab.\n\n" + " ".join(HEADER) + "\n"
    return head + (f"{legend}\n{rows}\n" if under_header else f"{rows}\n\n{legend}\n")


def md_form(legend: str, as_row: bool = False) -> str:
    pipe = lambda cells: "| " + " | ".join(cells) + " |"   # noqa: E731
    lines = ["**Table 5.** Invented trials of zetamab.", "", pipe(HEADER),
             "|" + "---|" * len(HEADER)]
    lines += [pipe([legend] + [""] * (len(HEADER) - 1))] if as_row else []
    lines += [pipe(r) for r in ROWS]
    return "\n".join(lines + ([] if as_row else ["", legend])) + "\n"


def html_form(legend: str, in_tfoot: bool = False) -> str:
    cells = lambda tag, cs: "".join(f"<{tag}>{c}</{tag}>" for c in cs)   # noqa: E731
    body = "".join(f"<tr>{cells('td', r)}</tr>" for r in ROWS)
    foot = (f'<tfoot><tr><td colspan="{len(HEADER)}">{legend}</td></tr></tfoot>'
            if in_tfoot else "")
    after = "" if in_tfoot else f"<p>{legend}</p>"
    return ("<html><body><p>Table 5. Invented trials of zetamab.</p><table><thead><tr>"
            f"{cells('th', HEADER)}</tr></thead><tbody>{body}</tbody>{foot}</table>{after}"
            "</body></html>\n")


FORMS = [
    ("txt, labelled, after the rows", ".txt", text_form("Abbreviations: " + LEGEND)),
    ("txt, unlabelled, after the rows", ".txt", text_form(LEGEND)),
    ("txt, labelled, under the header", ".txt", text_form("Abbreviations: " + LEGEND, True)),
    ("md, labelled, after the table", ".md", md_form("Abbreviations: " + LEGEND)),
    ("md, unlabelled, after the table", ".md", md_form(LEGEND)),
    ("md, unlabelled, as a row of the table", ".md", md_form(LEGEND, True)),
    ("html, labelled <p>", ".html", html_form("Abbreviations: " + LEGEND)),
    ("html, unlabelled <p>", ".html", html_form(LEGEND)),
    ("html, unlabelled <tfoot> row", ".html", html_form(LEGEND, True)),
]


@pytest.mark.parametrize("suffix, body", [f[1:] for f in FORMS], ids=[f[0] for f in FORMS])
def test_legend_in_every_form_reaches_drugs(suffix: str, body: str, tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / f"zeta{suffix}").write_text(body, encoding="utf-8")
    extract([tmp_path / "raw"], tmp_path / "out")
    arms = pd.read_parquet(tmp_path / "out" / "arms.parquet")
    abbr = pd.read_parquet(tmp_path / "out" / "abbreviations.parquet")
    legend = abbr[abbr["origin"] == "legend"]
    assert dict(zip(legend["short"], legend["long"], strict=True)) == EXPECTED
    assert [list(d) for d in arms["drugs"]] == DRUGS
    assert arms["section"].isna().all()                 # a legend row is no section


def test_pdf_footer_legend_unlabelled() -> None:
    from pipeline.readers.pdf_grid import _legend, _notes
    from pipeline.readers.pdf_words import TextLine, Word
    def line(text: str, n: int) -> TextLine:
        words = tuple(Word(text=w, x0=10.0 * i, x1=10.0 * i + 8, top=12.0 * n,
                           bottom=12.0 * n + 10, size=9.0, page=1)
                      for i, w in enumerate(text.split()))
        return TextLine(words=words, number=n)
    after = [line("a Updated at the congress.", 1), line(REAL_UNLABELLED, 2),
             line("CT1, cisplatin plus etoposide.", 3)]
    assert _legend(after) == REAL_UNLABELLED + " CT1, cisplatin plus etoposide."
    assert _notes(after) == ("a Updated at the congress.",)


@pytest.mark.parametrize("regimen, legend, drugs", [
    ("Zetamab + CT1", {"CT1": "cisplatin plus etoposide"}, ["cisplatin", "etoposide", "zetamab"]),
    ("GC", {"GC": "gemcitabine-cisplatin"}, ["cisplatin", "gemcitabine"]),
    ("EP", {"EP": "etoposide/cisplatin"}, ["cisplatin", "etoposide"]),
    ("BSC", {"BSC": "best supportive care"}, []),
])
def test_regimen_abbreviations_of_a_legend(regimen: str, legend: dict[str, str],
                                           drugs: list[str]) -> None:
    assert regimen_drugs(regimen, None, legend) == drugs
