"""Readers: one module per input format, each with `read(source, data, path) -> ReadResult`.

`READERS` maps a file extension to its reader; run.py looks the reader up here and nothing
else knows the formats. Adding a format is one module with a `read` function plus one line
below. Modules are imported on first use, so a run over text files never imports lxml or
pdfplumber.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from ..errors import Reject


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
    format: str | None = None      # set by run.read_input from the registry
    sha256: str | None = None      # of the input bytes, set by run.read_input


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
