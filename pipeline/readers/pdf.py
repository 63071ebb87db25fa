"""PDF -> Grid(s) through pdfplumber: words with positions, table regions, columns, rows.

A table is found from its caption and the rules drawn next to it (pdf_layout.py: every
shape that draws a horizontal line is a rule; without rules, the lines under the caption
in its text column). Each table region is cut out of its page by x-range, so a two-column
page's other column and a table printed beside it never enter. The reader works in small
stages, each a function of the previous one's output, one module per step:

    pdf_words.py    chars -> words -> lines; superscripts (footnote marks, exponents, refs)
    pdf_layout.py   drawn rules, captions, table regions on a page
    pdf_parts.py    a page's regions -> TableParts (title, header, body, notes lines);
                    a captionless continuation on the next page
    pdf_grid.py     parts -> columns (header cells) -> rows (rules, gaps, row labels;
                    spanned cells centred on their rows) -> Grid
    pdf.py          open the file, read every page, join a table's parts, one Reject per
                    table that cannot be read

Cells missing on a row (spanning down from a row above) are None; the table stage fills
them down. A table that cannot be read is a Reject naming its page; the file's other
tables are still read. Nothing here knows about a particular table or journal.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path

from ..errors import InputError, Reject
from ..model import Grid
from .pdf_grid import part_list_to_grid
from .pdf_parts import PartProblem, TablePart, _norm, _title, continued_part, layout_to_parts, page_layout
from .pdf_words import GLYPH_CODE_RE, PdfSettings


# --------------------------------------------------------------------------------------------
# Stage 0: open
# --------------------------------------------------------------------------------------------

def open_pdf(path: Path):
    """Open with pdfplumber, turning every way it can fail into a one-line InputError."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    with open(path, "rb") as fh:
        magic = fh.read(1024)
    if b"%PDF-" not in magic:
        raise InputError("not a PDF file (no %PDF- header)", file=str(path))
    try:
        pdf = pdfplumber.open(path)
        _ = pdf.pages  # parses the page tree; encryption errors surface here
    except Exception as e:  # pdfplumber wraps pdfminer's many error types
        cause = e.args[0] if e.args and isinstance(e.args[0], Exception) else e
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise InputError("encrypted PDF: cannot read it without the password",
                             file=str(path)) from None
        if isinstance(cause, PDFSyntaxError):
            raise InputError(f"damaged PDF: {cause}", file=str(path)) from None
        raise InputError(f"unreadable PDF: {type(cause).__name__}: {cause}",
                         file=str(path)) from None
    return pdf


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------

def read_pdf(path: Path, settings: PdfSettings | None = None) -> list[Grid]:
    """Read every table of a PDF (one Grid per table, page breaks joined)."""
    grids, _ = read_pdf_document(path, settings)
    return grids


def read_pdf_document(path: Path, settings: PdfSettings | None = None
                      ) -> tuple[list[Grid], list[Reject]]:
    """Every table of a PDF, and one Reject per table that cannot be read (its caption's
    line, text and "page N: why"); the other tables are still read. A PDF with no table
    at all is an InputError."""
    path = Path(path)
    settings = settings or PdfSettings()
    tables: list[list[TablePart]] = []
    problems: list[PartProblem] = []
    counter = [0]
    any_text = False
    glyph_fonts: dict[tuple[int, str], set[str]] = {}
    with open_pdf(path) as pdf, _pdfminer_quiet():
        for page_no, page in enumerate(pdf.pages, start=1):
            layout = page_layout(page, page_no, settings)
            glyph_fonts.update({(page_no, k): v for k, v in layout.glyph_fonts.items()})
            any_text = any_text or bool(layout.words)
            parts, bad = layout_to_parts(layout, counter, settings)
            problems += bad
            if tables and tables[-1][-1].open_end and tables[-1][-1].page == page_no - 1:
                more = continued_part(layout, tables[-1], parts, counter, settings)
                if more is not None:
                    tables[-1].append(more)
            for part in parts:
                earlier = next((t for t in tables if _norm(t[0].label) == _norm(part.label)), None)
                if earlier is not None:
                    earlier.append(part)
                else:
                    tables.append([part])
    if not any_text:
        raise InputError("PDF has no text layer (scanned image?): run OCR first", file=str(path))
    grids, rejects = [], []
    for p in problems:
        rejects.append(table_reject(None, p.text, p.page, p.label, p.reason))
    for parts in tables:
        try:
            grid = part_list_to_grid(path.stem, parts, settings)
            _check_glyph_codes(grid, glyph_fonts)
            grids.append(grid)
        except InputError as e:
            first = parts[0]
            line = first.header[0].number if first.header else None
            rejects.append(table_reject(line, _title(first) or first.label, first.page, first.label, e.reason))
    if not grids:
        why = rejects[0].reason if rejects else "no table caption (\"Table N\") on any page"
        raise InputError(f"no table found: {why}", file=str(path))
    return grids, rejects


def table_reject(line: int | None, text: str | None, page: int, label: str, why: str) -> Reject:
    """The Reject of a table that cannot be read: "page N: LABEL: why", with its label and page
    kept apart for the run summary."""
    return Reject(line, text, f"page {page}: {label}: {why}", table=label, page=page)


@contextmanager
def _pdfminer_quiet():
    """pdfminer logs what it skips in a page's content (an odd colour operand, a missing
    font width) as warnings, which reach stderr as bare lines naming no file; what matters
    for a table (a table that cannot be read) is a Reject already. Errors still show."""
    log = logging.getLogger("pdfminer")
    before = log.level
    log.setLevel(max(before, logging.ERROR))
    try:
        yield
    finally:
        log.setLevel(before)


def _check_glyph_codes(grid: Grid, glyph_fonts: dict[tuple[int, str], set[str]]) -> None:
    """Cells holding glyph codes "(cid:N)" are an InputError. pdfminer writes a code when the
    font maps it to no character: no ToUnicode map, and glyph names that name no character
    (a foundry's own "C210") in its encoding and its embedded font program alike, so nothing
    in the file says which character the glyph draws."""
    cells = [c for r in grid.rows for c in r.cells if c is not None and GLYPH_CODE_RE.search(c.text)]
    if not cells:
        return
    code = GLYPH_CODE_RE.search(cells[0].text).group(0)
    fonts = sorted(glyph_fonts.get((cells[0].page, code), ()))
    where = f" (font{'s' if len(fonts) > 1 else ''} {', '.join(fonts)} on the page)" if fonts else ""
    raise InputError(f"text not readable: {len(cells)} cell(s) hold glyph codes such as {code!r}{where}: "
                     "no ToUnicode map and no glyph name that names a character, so they cannot be "
                     "decoded", line=grid.header_line)


def read(source: str, data: bytes, path: Path | None = None):
    """Registry entry (readers.READERS): the PDF at `path` -> ReadResult."""
    from . import ReadResult

    if b"%PDF-" not in data[:1024]:
        raise InputError("not a PDF file (no %PDF- header)", line=1)
    if path is None:
        raise InputError("a PDF is read from a file, not from an archive member")
    grids, rejects = read_pdf_document(path)      # a table it cannot read: one reject
    return ReadResult(grids, rejects)
