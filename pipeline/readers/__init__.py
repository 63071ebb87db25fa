"""Readers: one module per input format, each with `read(source, data, path) -> ReadResult`.

`READERS` maps a file extension to its reader; `read_document` looks the reader up, runs it
and checks what every reader must give (rows within the limit, PDF text that is text), so
nothing else knows the formats. Adding a format is one module with a `read` function plus one line
below. Modules are imported on first use, so a run over text files never imports lxml or
pdfplumber.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Callable

from ..errors import InputError, Reject


@dataclass
class ReadResult:
    """What a reader made of one input: its tables, the lines it rejected, the role of every
    source line (pasted text only), and the document's metadata (JATS front matter)."""
    grids: list
    rejects: list[Reject] = field(default_factory=list)
    roles: dict[int, str] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    # tables the reader saw but could not turn into a grid (an image-only table): (label, reason)
    skipped: list[tuple[str | None, str]] = field(default_factory=list)
    format: str | None = None      # set by read_document from the registry
    sha256: str | None = None      # of the input bytes, set by read_document


@dataclass(frozen=True)
class Reader:
    format: str          # documents.parquet `format`
    module: str          # pipeline.readers.<module>, which defines `read`

    def read(self, source: str, data: bytes, path: Path | None) -> ReadResult:
        return import_module(f"{__name__}.{self.module}").read(source, data, path)


READERS: dict[str, Reader] = {
    ".txt": Reader("text", "text"),
    ".text": Reader("text", "text"),
    ".md": Reader("markdown", "markdown"),
    ".markdown": Reader("markdown", "markdown"),
    ".html": Reader("html", "html"),
    ".htm": Reader("html", "html"),
    ".pdf": Reader("pdf", "pdf"),
    ".xml": Reader("jats", "jats"),
    ".nxml": Reader("jats", "jats"),
}
# archives whose members are read as inputs (streamed, never unpacked to disk)
ARCHIVES = (".tar.gz", ".tgz", ".tar")


def reader_for(name: str) -> Reader | None:
    return READERS.get(Path(name).suffix.lower())


def is_archive(name: str) -> bool:
    return name.lower().endswith(ARCHIVES)


def read_document(path: str, source: str, data: bytes | Callable[[], bytes],
                  file: Path | None = None) -> ReadResult:
    """Read one input into Grids, with the lines the reader rejected. `data` is the input's
    bytes, or a function that reads them (called once the format is known to be supported);
    `file` is the file on disk when there is one (None for an archive member).

    Every failure is one InputError naming `path`, a reader's bug included (never a traceback)."""
    import hashlib

    from .text import check_rows

    reader = reader_for(path)
    if reader is None:
        raise InputError(f"unsupported file type {Path(path).suffix or '(none)'!r}; "
                         f"supported: {', '.join(sorted(READERS) + list(ARCHIVES))}", file=path)
    try:
        data = data() if callable(data) else data
        res = reader.read(source, data, file)
        res.format, res.sha256 = reader.format, hashlib.sha256(data).hexdigest()
        for g in res.grids:
            check_rows(len(g.rows), g.header_line)
        if reader.format == "pdf":
            _glyph_codes_checked(res.grids)
        return res
    except InputError as e:
        raise e.with_file(path)
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", file=path) from None
    except RecursionError:
        raise InputError("input too deeply nested to parse", file=path) from None
    except Exception as e:  # a bug in a reader: one line, not a traceback
        raise InputError(f"internal error while reading the table ({type(e).__name__}: {e}); "
                         f"please report this file", file=path) from None


_CID = re.compile(r"\(cid:\d+\)")   # pdfminer's text for a glyph it cannot map to a character


def _glyph_codes_checked(grids: list) -> list:
    """A PDF whose fonts lack a usable ToUnicode map reads as '(cid:12)' glyph codes: that is
    no text to extract from, so the file is an error (one line), never junk cells."""
    bad = [(r, c) for g in grids for r in g.rows for c in r.cells if c is not None and _CID.search(c.text)]
    if bad:
        r, c = bad[0]
        raise InputError(f"the PDF's text is not readable: {len(bad)} cell(s) hold glyph codes such as "
                         f"{_CID.search(c.text).group(0)!r} (its fonts have no usable ToUnicode map)",
                         line=c.line if c.line is not None else r.line)
    return grids
