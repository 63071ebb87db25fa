"""Bytes -> text, with a clear error for what is not text.

`decode_text` is strict (one bad byte fails the file). `decode_text_lines` is what the run
uses: a file in a legacy 8-bit encoding (no valid UTF-8 multi-byte sequence at all, e.g.
Latin-1 / Windows-1252) is decoded as Windows-1252; a UTF-8 file with a few undecodable lines
is decoded with those lines reported (line number, reason) so the caller can reject them and
keep the rest.
"""
from __future__ import annotations

import re

from ..errors import InputError

_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"PK\x03\x04": "a ZIP archive",
    b"PK\x05\x06": "an empty ZIP archive",
    b"%PDF": "a PDF file",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office (OLE) document",
    b"\x7fELF": "an executable (ELF)",
}
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
# a valid UTF-8 multi-byte sequence (2-4 bytes)
_UTF8_MULTI = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _sniff(data: bytes) -> str | None:
    """The encoding a BOM names, else None; raises for known binary formats."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"not a text table: the file is {what}", line=1)
    return None


def _decode_bom(data: bytes, enc: str) -> str:
    bom = 4 if enc.startswith("utf-32") else 2
    try:
        return data[bom:].decode(enc)
    except UnicodeDecodeError as e:
        raise InputError(f"invalid {enc.upper()} text at byte {e.start + bom}") from None


def _no_nul(text: str) -> str:
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise InputError("not a text table: NUL bytes (binary data or UTF-16 without a BOM)", line=line)
    return text


def decode_text(data: bytes) -> str:
    """Decode a text table: UTF-8 (with or without BOM) or UTF-16/32 with a BOM.

    Raises InputError naming the line of the first undecodable byte.
    """
    enc = _sniff(data)
    if enc:
        return _no_nul(_decode_bom(data, enc))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise InputError(f"undecodable bytes (not UTF-8) at byte {e.start}", line=line) from None
    return _no_nul(text)


def decode_text_lines(data: bytes) -> tuple[str, dict[int, str]]:
    """Decode leniently: (text, {line number: reason}) for lines that are not valid UTF-8.

    Lines keep their numbers (a bad line is decoded with U+FFFD in place of bad bytes, for
    the reject report only). Raises InputError for binary data.
    """
    enc = _sniff(data)
    if enc:
        return _no_nul(_decode_bom(data, enc)), {}
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return _no_nul(data.decode("utf-8")), {}
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        raise InputError("not a text table: NUL bytes (binary data or UTF-16 without a BOM)", line=line)
    if not _UTF8_MULTI.search(data):
        # not one valid UTF-8 sequence: an 8-bit legacy encoding (Latin-1 / Windows-1252)
        try:
            return data.decode("cp1252"), {}
        except UnicodeDecodeError:
            return data.decode("latin-1"), {}
    bad: dict[int, str] = {}
    parts = []
    offset = 0
    # split on the same line breaks as readers.text.split_lines, keeping them
    for k, chunk in enumerate(re.split(rb"(\r\n|\r|\n)", data)):
        if k % 2 == 0:
            try:
                parts.append(chunk.decode("utf-8"))
            except UnicodeDecodeError as e:
                bad[k // 2 + 1] = (
                    f"undecodable bytes (not UTF-8) at byte {offset + e.start}")
                parts.append(chunk.decode("utf-8", errors="replace"))
        else:
            parts.append(chunk.decode("ascii"))
        offset += len(chunk)
    text = "".join(parts)
    if len(bad) * 2 > len(parts) // 2 + 1:
        first = min(bad)
        raise InputError(f"mostly undecodable text ({len(bad)} lines not UTF-8): not a text table? "
                         f"first: {bad[first]}", line=first)
    return text, bad
