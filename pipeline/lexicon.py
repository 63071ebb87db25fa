"""A user lexicon beside the data (`lexicon/headers.tsv`, `lexicon/drugs.tsv`, or the folder
`extract --lexicon DIR` names) that extends the built-in header synonyms and drug names
without editing the package. Same formats as the package's files; a user row wins over a
built-in row with the same key.

The folder is named by the environment variable below, which run.extract sets for the run
(worker processes inherit it); the lexicon loaders cache per folder.
"""
from __future__ import annotations

import os
from pathlib import Path

from .errors import InputError

USER_LEXICON_ENV = "TRIALTABLES_LEXICON"


_ENV_KEY = os.fsencode(USER_LEXICON_ENV)


def user_dir() -> str | None:
    """The user lexicon folder of this run, if any.

    Read afresh at every call (a run sets the variable, a later run in the same process may
    change it), but on POSIX from os.environ's own bytes store: `os.environ.get` of an unset
    name raises and catches a KeyError inside, and the lexicon lookups ask for this folder per
    word. Same value as `os.environ.get(USER_LEXICON_ENV) or None`."""
    data = getattr(os.environ, "_data", None)
    if os.name != "posix" or not isinstance(data, dict):
        return os.environ.get(USER_LEXICON_ENV) or None
    raw = data.get(_ENV_KEY)
    return os.fsdecode(raw) if raw else None


def tsv_rows(text: str, header: str, name: str, allowed_values: set[str] | None = None) -> list[tuple[str, str]]:
    """Rows `key<TAB>value` of a lexicon file (comments '#', its header line and blank lines
    skipped); InputError naming the file and line for a row that is not two columns or, with
    `allowed_values`, whose value is not one of them."""
    out = []
    for k, ln in enumerate(text.splitlines(), start=1):
        if not ln.strip() or ln.startswith("#") or ln.startswith(header + "\t"):
            continue
        cells = ln.split("\t")
        if len(cells) != 2 or not cells[0].strip() or not cells[1].strip():
            raise InputError("a lexicon row is two tab-separated columns (key, value)", file=name, line=k)
        key, value = cells[0].strip(), cells[1].strip()
        if allowed_values is not None and value not in allowed_values:
            raise InputError(f"unknown column {value!r} (one of {', '.join(sorted(allowed_values))})",
                             file=name, line=k)
        out.append((key, value))
    return out


def user_rows(user: str | None, file: str, header: str, allowed_values: set[str] | None = None) -> list[tuple[str, str]]:
    """Rows of one file of the user lexicon folder `user` (none when it has no such file)."""
    if not user:
        return []
    p = Path(user) / file
    if not p.is_file():
        return []
    return tsv_rows(p.read_text("utf-8"), header, str(p), allowed_values)
