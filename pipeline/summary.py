"""The run summary's list of tables: one line per table a run read, printed after the one-line
summary (`extract`, unless -q).

    tables read:
      article.pdf: Table 2 (page 6): 11 rows x 5 cols: 9 arms
      article.pdf: Table 3 (pages 7-8): 30 rows x 4 cols: no trial results (a list): ...
      article.pdf: Table 4 (page 9): rejected: no table next to its caption

Tables of PDF, HTML and JATS files are listed; tables of pasted text and markdown only with
`verbose` (a run over pasted tables lists what its one-line summary already counts); a run
of `MANY_FILES` files or more lists them only with `verbose`, and says so. Pure: records in,
lines out (cli.py prints them).
"""
from __future__ import annotations

from dataclasses import dataclass

# formats whose tables are listed only with -v (documents.parquet `format`)
QUIET_FORMATS = ("text", "markdown")
# a run of this many files or more lists its tables only with -v
MANY_FILES = 100
LABEL_CHARS = 40      # a table without a label is named by the start of its caption


@dataclass(frozen=True)
class TableSummary:
    """One table of one input file, as the run left it.

    `rows` / `cols`: the grid as read (section rows included), None for a table the reader
    could not read; `pages`: the PDF pages it is printed on (() elsewhere); `arms`: the arms
    it gave; `outcome`: None when it gave arms, else why not: the screen's reason ("no trial
    results (a list): ..."), or for a table the reader left out, "rejected: why"."""
    file: str                     # the input's file name ("article.pdf", "ARCHIVE/MEMBER.xml")
    format: str | None            # documents.parquet `format`: pdf, html, jats, text, markdown
    label: str | None             # "Table 2"
    title: str | None = None      # the caption, naming a table that has no label
    pages: tuple[int, ...] = ()
    rows: int | None = None
    cols: int | None = None
    arms: int = 0
    outcome: str | None = None


def table_name(t: TableSummary) -> str:
    """The table's label, else the start of its caption, else "(no label)"."""
    if t.label:
        return t.label
    title = " ".join((t.title or "").split())
    if not title:
        return "(no label)"
    return title if len(title) <= LABEL_CHARS else title[:LABEL_CHARS].rstrip() + "…"


def pages_text(pages: tuple[int, ...]) -> str:
    """"page 5", "pages 3-4" (consecutive), "pages 3, 5"; "" without pages."""
    if not pages:
        return ""
    if len(pages) == 1:
        return f"page {pages[0]}"
    if list(pages) == list(range(pages[0], pages[-1] + 1)):
        return f"pages {pages[0]}-{pages[-1]}"
    return "pages " + ", ".join(str(p) for p in pages)


def table_line(t: TableSummary) -> str:
    """One table on one line: `FILE: LABEL (PAGES): R rows x C cols: OUTCOME`."""
    where = pages_text(t.pages)
    parts = [f"{t.file}: {table_name(t)}" + (f" ({where})" if where else "")]
    if t.rows is not None and t.cols is not None:
        parts.append(f"{t.rows} row{'s' if t.rows != 1 else ''} x {t.cols} col{'s' if t.cols != 1 else ''}")
    if t.outcome is not None:
        parts.append(" ".join(t.outcome.split()))
    else:
        parts.append(f"{t.arms} arm{'s' if t.arms != 1 else ''}")
    return ": ".join(parts)


def table_lines(tables: list[TableSummary], files: int, verbose: bool = False) -> list[str]:
    """The lines printed after the one-line summary of a run over `files` files: nothing
    when no table is to be listed (a run over pasted text alone prints what it did before)."""
    shown = [t for t in tables if verbose or t.format not in QUIET_FORMATS]
    if not shown:
        return []
    if files >= MANY_FILES and not verbose:
        return [f"tables read: {len(shown)} in {files} files, not listed one by one "
                f"({MANY_FILES} files or more): -v lists them"]
    lines = ["tables read:"] + [f"  {table_line(t)}" for t in shown]
    hidden = len(tables) - len(shown)
    if hidden:
        lines.append(f"  ({hidden} table(s) of text or markdown files not listed: -v lists them)")
    return lines
