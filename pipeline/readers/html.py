"""HTML pages -> Grid(s): find the data tables, their labels, captions and legends; the
cells are laid out by the shared grid builder (`readers/grid.py`, also used for JATS).

Not data tables: a `<table>` inside `<template>` (inert markup), a table holding form
controls (a site's search form laid out as a table), a thumbnail copy of another table whose
cells are cut short ("Spe…"). Nesting deeper than libxml2's limit is an error, never a
silently shortened page.
"""
from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from ..errors import InputError, Reject, reject_text
from ..model import Grid, GridRow
from .grid import table_to_grid, tag_of
from ..normalize.abbreviations import legend_and_notes
from .text import LABEL, MAX_LINE_CHARS

FORMAT = "html"
# element nesting the parser accepts (libxml2 with its "huge" option); deeper is an error
MAX_DEPTH = 2048
# blocks looked at before a table (its "Table N." heading and caption) and after it (legend)
BLOCKS_BEFORE = 6
BLOCKS_AFTER = 12

_BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "span", "strong", "b", "caption", "header",
           "figcaption", "li", "dt", "dd", "label"}
_FORM_CONTROLS = ("input", "select", "textarea", "button")


def _flat_text(el) -> str:
    """All the text of a block (marks and citations included), spaces folded."""
    for br in el.iter("br"):
        br.tail = " " + (br.tail or "")
    return re.sub(r"[ \t\r\n]+", " ", el.text_content()).strip()


def _innermost_blocks(el, reverse: bool = False):
    """Blocks inside `el` (itself included) that hold their own text, in document order
    (or reversed); stops at a table (yields None for it)."""
    items = []
    for x in el.iter():
        if not isinstance(x.tag, str):
            continue
        if x.tag == "table":
            items.append(None)
            break
        if x.tag in _BLOCKS and not any(isinstance(c.tag, str) and (c.tag in _BLOCKS or c.tag == "table")
                                        for c in x):
            items.append(x)
    return reversed(items) if reverse else items


def _has_table(el) -> bool:
    return el.tag == "table" or next(el.iter("table"), None) is not None


def blocks_before(t, levels: int = 4, limit: int = BLOCKS_BEFORE) -> list:
    """Up to `limit` text blocks just before table `t` (nearest last), looking through the
    preceding siblings of `t` and of its ancestors up to `levels` up; stops at another table."""
    out: list = []
    node = t
    for _ in range(levels):
        for sib in node.itersiblings(preceding=True):
            if not isinstance(sib.tag, str):
                continue
            if _has_table(sib):
                return out[::-1]
            for b in _innermost_blocks(sib, reverse=True):
                out.append(b)
                if len(out) >= limit:
                    return out[::-1]
        node = node.getparent()
        if node is None or node.getparent() is None:
            break
    return out[::-1]


def blocks_after(t, levels: int = 3, limit: int = BLOCKS_AFTER) -> list:
    """Up to `limit` text blocks just after table `t`, up to the next table."""
    out: list = []
    node = t
    for _ in range(levels):
        for sib in node.itersiblings():
            if not isinstance(sib.tag, str):
                continue
            for b in _innermost_blocks(sib):
                if b is None:
                    return out
                out.append(b)
                if len(out) >= limit:
                    return out
        node = node.getparent()
        if node is None or node.getparent() is None:
            break
    return out


def html_to_grids(source: str, text: str) -> list[Grid]:
    return read_html(source, text)[0]


def parse_html(text: str):
    """Parse a page; a nesting deeper than MAX_DEPTH is a one-line error, not a cut-off page."""
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)   # lxml refuses a str with an encoding declaration
    parser = lxml_html.HTMLParser(huge_tree=True, recover=True)
    try:
        doc = lxml_html.document_fromstring(text, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as e:
        raise InputError(f"cannot parse HTML: {e}", line=1) from None
    for err in parser.error_log:
        if "depth" in err.message.lower():
            raise InputError(f"HTML nested deeper than the parser's limit of {MAX_DEPTH:,} elements; "
                             f"the rest of the page would be lost", line=err.line) from None
    return doc


def data_tables(doc) -> list:
    """The page's data tables, in document order."""
    out = []
    for t in doc.iter("table"):
        if any(a.tag == "template" for a in t.iterancestors()):
            continue
        if any(next(t.iter(c), None) is not None for c in _FORM_CONTROLS):
            continue                   # a form laid out as a table
        out.append(t)
    return out


def read_html(source: str, text: str) -> tuple[list[Grid], list[Reject]]:
    """HTML tables -> (grids, rejected rows): a row with a cell longer than MAX_LINE_CHARS is
    rejected (reported with its source line), not parsed; so is a repeated header row."""
    if not text.strip():
        raise InputError("empty file: no text", line=1)
    return read_page(source, parse_html(text))


def read_page(source: str, doc) -> tuple[list[Grid], list[Reject]]:
    """A parsed page -> (grids, rejected rows)."""
    tables = data_tables(doc)
    if not tables:
        raise InputError("no <table> element found", line=1)
    grids, rejects = [], []
    for t in tables:
        label, title = _label_title(t)
        legend, notes = _legend_after(t)
        g, rej = table_to_grid(source, t, label=label, title=title, legend=legend, notes=tuple(notes))
        if not g.rows and any(LABEL.match(h) for h in g.header):
            continue       # a caption standing in for a table shown elsewhere ("Table 1. ... Click here")
        rejects += rej
        rows = []
        for r in g.rows:
            long = [c for c in r.cells if c is not None and len(c.text) > MAX_LINE_CHARS]
            if long:
                rejects.append(Reject(r.line, reject_text(long[0].text),
                                      f"cell too long to be a table cell ({len(long[0].text):,} characters, "
                                      f"limit {MAX_LINE_CHARS:,})"))
            else:
                rows.append(r)
        grids.append(g if len(rows) == len(g.rows) else _with_rows(g, rows))
    return drop_truncated_copies(grids), rejects


def _with_rows(g: Grid, rows: list[GridRow]) -> Grid:
    from dataclasses import replace
    return replace(g, rows=tuple(rows))


def _label_title(t) -> tuple[str | None, str | None]:
    label = title = None
    cap = next((c for c in t if tag_of(c) == "caption"), None)
    if cap is not None:
        ct = _flat_text(cap)
        m = LABEL.match(ct)
        if m:
            label, title = m.group(1), m.group(2) or None
        else:
            title = ct or None
    if label is None:
        # no <caption>: a "Table N." heading and caption text just before the table
        texts = [x for x in (_flat_text(b) for b in blocks_before(t)) if x]
        for k in range(len(texts) - 1, -1, -1):
            m = LABEL.match(texts[k])
            if m and len(texts[k]) < 400:
                label = m.group(1)
                title = title or (m.group(2) or " ".join(texts[k + 1:]) or None)
                break
    return label, title


def _legend_after(t) -> tuple[str | None, list[str]]:
    """The legend (labelled or not) and footnotes after the table, up to the next table's
    heading or the next section; each block is a paragraph of its own, so a legend does not
    run on into the next one."""
    texts: list[str] = []
    for el in blocks_after(t):
        txt = _flat_text(el)
        if LABEL.match(txt) or el.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            break                    # the next table's heading, or the next section
        if txt:
            texts += [txt, ""]
    legend, notes = legend_and_notes(texts)
    return legend, list(notes)


_CUT = ("…", "...")


def _compatible(short: str, full: str) -> bool:
    """`short` is `full` or `full` cut short and ended with an ellipsis."""
    if short == full or not short:
        return True
    return short.endswith(_CUT) and full.startswith(short.rstrip("….").rstrip())


def _cells(g: Grid) -> list[list[str]]:
    rows = [list(g.header)]
    for r in g.rows:
        rows.append([r.section or ""] if r.section is not None else [c.text if c else "" for c in r.cells])
    return rows


def drop_truncated_copies(grids: list[Grid]) -> list[Grid]:
    """Leave out a thumbnail of another table: most of its cells cut short with "…" (a
    preview of the first columns), its first header cell the start of the other table's."""
    cells = [_cells(g) for g in grids]
    keep = []
    for i, a in enumerate(cells):
        flat = [x for row in a for x in row if x]
        cut = sum(1 for x in flat if x.endswith(_CUT))
        if not flat or cut * 2 < len(flat):
            keep.append(grids[i])
            continue
        if not any(j != i and b[0] and a[0] and _compatible(a[0][0], b[0][0]) for j, b in enumerate(cells)):
            keep.append(grids[i])
    return keep


def read(source: str, data: bytes, path=None):
    """Registry entry (readers.READERS): bytes -> ReadResult (one undecodable line fails the file)."""
    from . import ReadResult
    from .decode import decode_text, decode_text_lines

    text, bad = decode_text_lines(data)
    if bad:
        decode_text(data)   # raises for the first undecodable line
    if not text.strip():
        raise InputError("empty file: no text", line=1)
    doc = parse_html(text)
    grids, rejects = read_page(source, doc)
    return ReadResult(grids, rejects, meta=page_meta(doc))


# <meta name=...> of publisher pages (Highwire "citation_*", Dublin Core "dc.*"), first found wins
_META = {"title": ("citation_title", "dc.title"), "journal": ("citation_journal_title",),
         "doi": ("citation_doi", "dc.identifier"), "pmid": ("citation_pmid",), "pmcid": ("citation_pmcid",),
         "year": ("citation_publication_date", "citation_date", "dc.date"), "license": ("dc.rights",)}
_CHECK = {"doi": re.compile(r"^10\.\S+/\S+$"), "pmid": re.compile(r"^\d+$"), "pmcid": re.compile(r"^PMC\d+$"),
          "license": re.compile(r"^https?://\S+$")}


def page_meta(doc) -> dict:
    """documents.parquet metadata a publisher page states in its <meta> tags."""
    found: dict[str, str] = {}
    for m in doc.iter("meta"):
        name, content = (m.get("name") or "").strip().lower(), (m.get("content") or "").strip()
        if name and content:
            found.setdefault(name, content)
    out: dict = {}
    for key, names in _META.items():
        v = next((found[n] for n in names if n in found), None)
        if v is None:
            continue
        v = re.sub(r"<[^>]+>", "", v).strip()                    # "<i>Species</i> name"
        if key == "doi":
            v = re.sub(r"(?i)^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", "", v)
        if key == "pmcid" and v.isdigit():
            v = f"PMC{v}"
        if key == "year":
            y = re.search(r"\b(1[6-9]\d\d|2[01]\d\d)\b", v)
            out[key] = int(y.group(1)) if y else None
            continue
        out[key] = v if key not in _CHECK or _CHECK[key].match(v) else None
    return out
