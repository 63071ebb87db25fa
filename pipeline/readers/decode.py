"""Bytes -> text, with a clear error for what is not text."""
from __future__ import annotations

from ..errors import InputError

_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"PK\x03\x04": "a ZIP archive",
    b"%PDF": "a PDF file",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
}


def decode_text(data: bytes) -> str:
    """Decode a text table: UTF-8 (with or without BOM) or UTF-16 with a BOM.

    Raises InputError naming the line of the first undecodable byte.
    """
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise InputError(f"invalid UTF-16 text at byte {e.start}") from None
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"not a text table: the file is {what}")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise InputError(f"undecodable bytes (not UTF-8) at byte {e.start}", line=line) from None
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise InputError("not a text table: NUL bytes (binary data)", line=line)
    return text
