"""The input side of the file system: which files a run reads, and their bytes.

`discover` turns the paths named on the command line into input files (folders listed, links
and special files checked); `iter_inputs` streams them as `Input`s (archives member by member);
`read_bytes` reads one file with a size limit. With store.py (the output side) this is the
only code that touches files: the readers and every stage after them get bytes and records.
"""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, printable
from .readers import READERS, is_archive

SUPPORTED = {ext: r.format for ext, r in READERS.items()}


@dataclass(frozen=True)
class Input:
    """One input document: a file, or a member of an archive whose bytes were read from the
    archive's stream (`path` is then "ARCHIVE/MEMBER")."""
    path: str
    data: bytes | None = None

    @property
    def source(self) -> str:
        return Path(self.path).stem

    @property
    def file(self) -> Path | None:
        return Path(self.path) if self.data is None else None


def as_input(item) -> Input:
    """A Path, str or Input as an Input."""
    return item if isinstance(item, Input) else Input(str(item))


def discover(inputs: list[Path], notice=None) -> list[Path]:
    """Files named, and every supported file in folders named, in a stable order.

    In a folder, an entry with a supported suffix that is not a readable file (a symbolic
    link loop, a dangling link, a FIFO, a device, a sub-folder) is left out and reported
    through `notice` as one `skipped:` line; named on the command line, it is an error."""
    files: list[Path] = []
    for p in inputs:
        if p.is_dir():
            try:
                entries = sorted(p.iterdir())
            except OSError as e:
                raise InputError(f"cannot read the folder: {e.strerror}", file=str(p)) from None
            for f in entries:
                if f.suffix.lower() not in SUPPORTED and not is_archive(f.name):
                    continue
                why = not_a_file(f)
                if why is None:
                    files.append(f)
                elif notice is not None:
                    notice(f"skipped: {printable(str(f))}: {why}")
        elif p.exists():
            files.append(p)
        else:
            raise InputError(not_a_file(p) or "no such file or folder", file=str(p))
    seen, out = set(), []
    for f in files:
        key = os.path.realpath(f)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def not_a_file(p: Path) -> str | None:
    """Why `p` cannot be read as an input file (None when it can be)."""
    try:
        st = os.stat(p)
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "symbolic link loop"
        if p.is_symlink():
            return f"dangling symbolic link (to {printable(os.readlink(p))})"
        if e.errno == errno.ENOENT:
            return "no such file or folder"
        return f"cannot read: {e.strerror}"
    if stat.S_ISREG(st.st_mode):
        return None
    if stat.S_ISFIFO(st.st_mode):
        return "a FIFO (named pipe), not a file"
    if stat.S_ISDIR(st.st_mode):
        return "a folder, not a file"
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        return "a device, not a file"
    return "not a regular file"


# largest input file read, in bytes: a bigger one (or /dev/zero) is an error, not read
MAX_INPUT_BYTES = 64 * 1024 * 1024


def read_bytes(path: Path) -> bytes:
    """The file's bytes, never blocking on a FIFO and never more than MAX_INPUT_BYTES."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(not_a_file(path) or "not a regular file", line=None)
        if st.st_size > MAX_INPUT_BYTES:
            raise InputError(f"file too large: {st.st_size:,} bytes (the limit is {MAX_INPUT_BYTES:,})")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(MAX_INPUT_BYTES + 1)
        if len(data) > MAX_INPUT_BYTES:
            raise InputError(f"file too large: over {MAX_INPUT_BYTES:,} bytes")
        return data
    finally:
        os.close(fd)


def iter_inputs(files: list[Path]):
    """Inputs of the discovered files, archives streamed member by member (never unpacked to
    disk, so memory holds one member at a time). Two inputs with the same stem are an error."""
    first: dict[str, str] = {}
    for f in files:
        items = archive_members(f) if is_archive(f.name) else (Input(str(f)),)
        for inp in items:
            if inp.source in first:
                raise InputError(f"same source name {inp.source!r} as {first[inp.source]} (two inputs with "
                                 f"the same stem are an error, not a merge)", file=inp.path)
            first[inp.source] = inp.path
            yield inp


def archive_members(path: Path):
    """The JATS members (.xml, .nxml) of a tar archive (PMC Open Access package), streamed."""
    import tarfile

    try:
        with tarfile.open(path, mode="r|*") as tf:
            for m in tf:
                if m.isfile() and Path(m.name).suffix.lower() in (".xml", ".nxml"):
                    fh = tf.extractfile(m)
                    yield Input(f"{path}/{m.name}", fh.read() if fh is not None else b"")
    except (tarfile.TarError, EOFError, OSError) as e:
        raise InputError(f"cannot read the archive: {e}", file=str(path)) from None


