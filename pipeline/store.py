"""The output folder: the dataset written batch by batch, then put in place all or nothing.

The dataset is a set of files that must change together. Two ways of putting it in place,
chosen per run:

- **Folder swap** (the usual case). The files are written into a fresh sibling folder
  `.<out>.new-<pid>-*`; the user's other files in `out` (regular files and symbolic links,
  `audit.html` ...) are hard-linked into it; the folder is then exchanged with `out` in one
  step (renameat2 RENAME_EXCHANGE on Linux; elsewhere two renames, and a run killed between
  them leaves `.<out>.old-<pid>`, which the next run moves back). At every instant `out` holds
  the whole previous run or the whole new one. The previous folder is then emptied of the
  dataset's own files and of the links this run made (checked by inode) and removed only if
  nothing else is left in it: nothing of the user's is ever deleted or copied.
- **Files replaced in place**, when the folder cannot be swapped without copying or deleting
  something that is not ours: `out` holds a folder (perhaps a mounted file system), `out` is
  itself a mount point (a container volume: renaming it gives EBUSY / EXDEV), or the folder
  beside `out` is not writable. The files are written into `out/.trialtables-new-<pid>-*`,
  a journal `out/.trialtables-commit.json` naming them is written and synced (the commit
  point), then each file replaces its old copy with `os.replace`. A run killed before the
  journal exists leaves the previous dataset; one killed after it is rolled forward by the
  next run before anything else. Readers may see old and new files side by side only during
  those few renames.

Either way the folder `out` keeps its owner and mode where the running user may set them,
and a staging folder whose run is dead is removed by the next run.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import sys
import tempfile
import time
from pathlib import Path

from .errors import InputError

# test hook: seconds to sleep after writing each output file (lets a test kill a run mid-write)
SLOW_WRITE_ENV = "TRIALTABLES_TEST_SLOW_WRITE"
IN_PLACE_PREFIX = ".trialtables-new-"
JOURNAL = ".trialtables-commit.json"
# errors of a folder rename that mean "this folder cannot be renamed here", not "failed"
_CANNOT_SWAP = {errno.EXDEV, errno.EBUSY, errno.EPERM, errno.EACCES, errno.ENOTEMPTY, errno.EEXIST}


def output_error(e: OSError, out: Path) -> InputError:
    """An OSError met while writing the dataset -> one line naming the output folder and what
    went wrong (`error: OUT: cannot write the dataset: disk full`)."""
    what = {errno.ENOSPC: "disk full", errno.EDQUOT: "disk quota exceeded",
            errno.EROFS: "read-only file system", errno.EACCES: "permission denied",
            errno.EPERM: "operation not permitted", errno.ENOTDIR: "a parent of the output path is not a folder",
            }.get(e.errno, e.strerror or str(e))
    if e.errno == errno.EEXIST and any(p.exists() and not p.is_dir() for p in out.parents):
        what = "a parent of the output path is not a folder"
    return InputError(f"cannot write the dataset: {what}", file=str(out))


class DatasetWriter:
    """Writes the dataset batch by batch into a staging folder; `commit` puts it in place
    whole, `discard` (or a crash) leaves `out` as it was. Memory stays bounded by a batch.

    `names`: every file name the dataset may have (without ".parquet"); files of those names
    in `out` are the dataset's own and are replaced or removed, nothing else is."""

    def __init__(self, out: Path, names: tuple[str, ...]):
        out = Path(os.path.realpath(out)) if Path(out).is_symlink() else Path(os.path.abspath(out))
        if out.exists() and not out.is_dir():
            raise InputError("output path exists and is not a folder", file=str(out))
        self.out = out
        self.names = tuple(names)
        self.writers: dict = {}
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            recover_out(out, {f"{n}.parquet" for n in self.names})
            self.in_place = _must_replace_in_place(out)
            self.stage = None
            if not self.in_place:
                try:
                    self.stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-{os.getpid()}-", dir=out.parent))
                except OSError as e:
                    if not out.is_dir() or e.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                        raise
                    self.in_place = True      # the folder beside `out` is not ours to write
            if self.in_place:
                self.stage = Path(tempfile.mkdtemp(prefix=f"{IN_PLACE_PREFIX}{os.getpid()}-", dir=out))
        except OSError as e:
            raise output_error(e, out) from None

    def append(self, tables: dict) -> None:
        """Append one batch: output name -> Arrow table."""
        import pyarrow.parquet as pq

        try:
            for name, table in tables.items():
                if name not in self.writers:
                    self.writers[name] = pq.ParquetWriter(self.stage / f"{name}.parquet", table.schema)
                self.writers[name].write_table(table)
        except OSError as e:
            raise output_error(e, self.out) from None

    def commit(self) -> None:
        try:
            self._commit()
        except OSError as e:
            raise output_error(e, self.out) from None

    def _commit(self) -> None:
        slow = float(os.environ.get(SLOW_WRITE_ENV) or 0)
        for name, writer in self.writers.items():
            writer.close()
            with open(self.stage / f"{name}.parquet", "rb+") as fh:
                os.fsync(fh.fileno())
            if slow:
                time.sleep(slow)
        written = [f"{name}.parquet" for name in self.writers]
        self.writers = {}
        ours = set(written) | {f"{n}.parquet" for n in self.names}
        out, stage = self.out, self.stage
        if out.exists():
            _keep_owner(stage, out, written)
        if self.in_place:
            _replace_files(out, stage, written, ours)
            return
        if not out.exists():
            os.chmod(stage, 0o777 & ~_umask())
            try:
                os.rename(stage, out)
                return
            except OSError as e:
                if e.errno not in _CANNOT_SWAP or not out.is_dir():
                    raise
            _replace_files(out, stage, written, ours)    # `out` appeared meanwhile
            return
        linked = _link_others(out, stage, ours)
        if linked is None:                   # something in `out` cannot be linked: no swap
            _replace_files(out, stage, written, ours)
            return
        os.chmod(stage, stat.S_IMODE(out.stat().st_mode))
        try:
            _swap_in(stage, out)
        except OSError as e:
            if e.errno not in _CANNOT_SWAP:
                raise
            # a mount point, or a folder this user may not rename: replace the files instead
            for name in linked:
                _unlink_quiet(stage / name)
            _replace_files(out, stage, written, ours)
            return
        # `stage` now holds the previous run: remove what is ours and the links made above
        _remove_stage(stage, out, ours)

    def discard(self) -> None:
        for writer in self.writers.values():
            try:
                writer.close()
            except Exception:
                pass
        self.writers = {}
        if self.stage is not None and self.stage.exists() and not _journal_names(self.out, self.stage):
            # (a stage a journal names is committed: the next run rolls it forward)
            _remove_stage(self.stage, self.out, {f"{n}.parquet" for n in self.names})


# ------------------------------------------------------------------ choosing the way
def _must_replace_in_place(out: Path) -> bool:
    """Swapping the folder would move or copy something that is not ours (a sub-folder, a
    mounted file system), or `out` is a mount point that cannot be renamed."""
    if not out.is_dir():
        return False
    if os.path.ismount(out):
        return True
    dev = out.stat().st_dev
    with os.scandir(out) as it:
        for e in it:
            if e.is_dir(follow_symlinks=False) and not e.name.startswith(IN_PLACE_PREFIX):
                return True
            if not e.is_symlink() and e.stat(follow_symlinks=False).st_dev != dev:
                return True
    return False


def _link_others(out: Path, stage: Path, ours: set[str]) -> list[str] | None:
    """Hard-link (or re-create, for symbolic links) every entry of `out` that is not ours into
    `stage`; the names linked, or None when one cannot be linked (nothing is ever copied)."""
    linked: list[str] = []
    for item in sorted(out.iterdir()):
        if item.name in ours or item.name == JOURNAL or item.name.startswith(IN_PLACE_PREFIX):
            continue
        try:
            if item.is_symlink():
                os.symlink(os.readlink(item), stage / item.name)
            elif item.is_file():
                os.link(item, stage / item.name)
            else:
                raise OSError(errno.EISDIR, "not a file", str(item))
        except OSError:
            for name in linked:
                _unlink_quiet(stage / name)
            return None
        linked.append(item.name)
    return linked


# ------------------------------------------------------------------ the folder swap
def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False when unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    if fn(AT_FDCWD, os.fsencode(str(a)), AT_FDCWD, os.fsencode(str(b)), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap_in(stage: Path, out: Path) -> None:
    """Put `stage` at `out`; afterwards `stage` holds the previous run (to be emptied)."""
    if _exchange(stage, out):
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    os.rename(out, old)
    try:
        os.rename(stage, out)
    except OSError:
        os.rename(old, out)
        raise
    os.rename(old, stage)


# ------------------------------------------------------------------ files replaced in place
def _replace_files(out: Path, stage: Path, written: list[str], ours: set[str]) -> None:
    """Move the staged files into `out` one by one, behind a journal (see the module doc)."""
    if stage.parent != out:
        # staged beside `out` (the swap failed): bring them inside first, by rename when
        # possible, else by copying our own files (never the user's)
        inner = Path(tempfile.mkdtemp(prefix=f"{IN_PLACE_PREFIX}{os.getpid()}-", dir=out))
        for name in written:
            try:
                os.replace(stage / name, inner / name)
            except OSError as e:
                if e.errno != errno.EXDEV:
                    raise
                shutil.copyfile(stage / name, inner / name)
                with open(inner / name, "rb+") as fh:
                    os.fsync(fh.fileno())
        _remove_stage(stage, out, ours)
        stage = inner
    journal = {"stage": stage.name, "files": written, "remove": sorted(ours - set(written))}
    tmp = out / f"{JOURNAL}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(journal, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, out / JOURNAL)
    _fsync_dir(out)
    _roll_forward(out)


def _journal_names(out: Path, stage: Path) -> bool:
    try:
        return json.loads((out / JOURNAL).read_text("utf-8")).get("stage") == stage.name
    except (OSError, ValueError, AttributeError):
        return False


def _roll_forward(out: Path) -> None:
    """Finish a committed in-place replacement named by the journal (idempotent)."""
    path = out / JOURNAL
    try:
        journal = json.loads(path.read_text("utf-8"))
        stage = out / journal["stage"]
        files, remove = list(journal["files"]), list(journal.get("remove", ()))
    except (OSError, ValueError, KeyError, TypeError):
        return
    if "/" in journal["stage"] or any("/" in f for f in files + remove):
        return   # not a journal this module wrote
    for name in files:
        if (stage / name).exists():
            os.replace(stage / name, out / name)
    for name in remove:
        _unlink_quiet(out / name)
    _fsync_dir(out)
    os.unlink(path)
    try:
        os.rmdir(stage)
    except OSError:
        pass


# ------------------------------------------------------------------ recovery and helpers
def recover_out(out: Path, own: set[str] = frozenset()) -> None:
    """Undo or finish what a killed run left: roll a committed in-place replacement forward,
    restore a moved-aside previous folder if `out` is missing, and remove staging folders of
    runs no longer alive (only the dataset's files in them; a folder left non-empty stays)."""
    parent = out.parent
    if not parent.is_dir():
        return
    if out.is_dir():
        if (out / JOURNAL).exists():
            _roll_forward(out)
        for p in out.glob(f"{IN_PLACE_PREFIX}*"):
            if not _alive(p.name[len(IN_PLACE_PREFIX):].split("-", 1)[0]):
                _remove_stage(p, out, own)
    for p in sorted(parent.glob(f".{out.name}.old-*")):
        if not out.exists() and not _alive(p.name.rsplit("-", 1)[-1]):
            os.rename(p, out)
    for p in parent.glob(f".{out.name}.new-*"):
        pid = p.name[len(f".{out.name}.new-"):].split("-", 1)[0]
        if not _alive(pid):
            _remove_stage(p, out, own)


def _remove_stage(stage: Path, out: Path, own: set[str]) -> None:
    """Remove a staging folder (of this run, or of a dead one) without deleting anything of
    the user's: the dataset's own files go, and entries that are links of the same file in
    `out` (made for the swap, or left in the previous folder after it); anything else, and
    so the folder, stays."""
    try:
        entries = list(os.scandir(stage))
    except OSError:
        return
    for e in entries:
        p = Path(e.path)
        if e.name in own or e.name == JOURNAL or _same_entry(p, out / e.name):
            _unlink_quiet(p)
    try:
        os.rmdir(stage)
    except OSError:
        pass


def _same_entry(a: Path, b: Path) -> bool:
    """`a` and `b` are the same file (hard links of one inode) or equal symbolic links."""
    try:
        if a.is_symlink():
            return b.is_symlink() and os.readlink(a) == os.readlink(b)
        if not a.is_file():
            return False
        sa, sb = a.stat(), b.stat()
        return (sa.st_ino, sa.st_dev) == (sb.st_ino, sb.st_dev)
    except OSError:
        return False


def _keep_owner(stage: Path, like: Path, files: list[str]) -> None:
    """Give the new folder and files the owner of the folder they replace (or are put in),
    where this user may: a run by root or another user leaves `out` owned as it was."""
    try:
        st = like.stat()
    except OSError:
        return
    if (st.st_uid, st.st_gid) == (os.geteuid(), os.getegid()):
        return
    for p in [stage, *(stage / f for f in files)]:
        try:
            os.chown(p, st.st_uid, st.st_gid)
        except OSError:
            pass


def _unlink_quiet(p: Path) -> None:
    try:
        os.unlink(p)
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        pass


def _fsync_dir(d: Path) -> None:
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m


def _alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True
