"""Where batches run: in this process, in `--jobs` worker processes, or on a cluster.

`batch_results` maps a batch function over batches of inputs and yields the results in input
order; nothing here knows what a batch does. Workers are forked after the parent has loaded
the stages once (`preload`), die with the parent, and leave Ctrl-C and SIGTERM to it.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .errors import InputError, printable
from .inputs import as_input


def batches(inputs, size: int):
    """The inputs in lists of `size` (the last one shorter)."""
    batch = []
    for inp in inputs:
        batch.append(inp)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def batch_results(work, inputs, jobs: int, batch_files: int, total: int | None = None, submit=None,
                  window: int | None = None, preload=None):
    """work(batch) for batches of `inputs`, in input order, from this process, from `jobs`
    worker processes, or from `submit` (a cluster's).

    Batches are smaller with workers (at least four per worker) so that the last one does not
    leave a CPU idle. At most `window` batches are in flight, so an archive streamed into
    batches is never held whole in memory."""
    if submit is None and jobs > 1 and total != 1:
        size = max(1, min(batch_files, -(-(total or batch_files * jobs * 4) // (jobs * 4))))
        yield from _in_workers(work, inputs, jobs, size, window or jobs * 2, preload)
    elif submit is not None:
        size = max(1, min(batch_files, -(-(total or batch_files * 8) // 8)))
        yield from windowed(submit, work, batches(inputs, size), window or 4)
    else:
        for batch in batches(inputs, batch_files):
            yield work(batch)


def _in_workers(work, inputs, jobs: int, size: int, window: int, preload=None):
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    if preload is not None:
        preload()
    ex = ProcessPoolExecutor(max_workers=jobs, initializer=worker_init)
    done = False
    in_flight: list = []

    def tracked():
        for b in batches(inputs, size):
            in_flight.append(b)
            yield b
    try:
        for k, res in enumerate(windowed(ex.submit, work, tracked(), window)):
            yield res
            in_flight[k] = None
        done = True
    except BrokenProcessPool:
        b = next((x for x in in_flight if x), [])
        names = ", ".join(printable(Path(as_input(f).path).name) for f in b[:5]) + (", ..." if len(b) > 5 else "")
        raise InputError(f"a worker process died (killed, or out of memory) while reading "
                         f"this batch of {len(b)} file(s): {names}",
                         file=as_input(b[0]).path if b else None) from None
    finally:
        stop_pool(ex, wait=done)


def windowed(submit, fn, batches, window: int):
    """fn(batch) for every batch through `submit`, results in order, `window` in flight."""
    from collections import deque

    pending: deque = deque()
    try:
        for batch in batches:
            pending.append(submit(fn, batch))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for f in pending:
            f.cancel()


def worker_init() -> None:
    """In each worker: die with the parent (Linux PR_SET_PDEATHSIG), and leave Ctrl-C and
    SIGTERM to the parent, which stops the pool (no traceback from every worker)."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        import ctypes
        try:
            PR_SET_PDEATHSIG = 1
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
        if os.getppid() == 1:      # the parent died before the line above: go too
            os._exit(1)


def stop_pool(ex, wait: bool) -> None:
    """A finished run waits for its workers; a run stopped early (a bad file, Ctrl-C,
    SIGTERM) ends them at once instead of waiting for the rest of the corpus."""
    if wait:
        ex.shutdown(wait=True)
        return
    procs = list((getattr(ex, "_processes", None) or {}).values())
    ex.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        try:
            p.terminate()
        except Exception:
            pass
    for p in procs:
        p.join(timeout=5)
        if p.is_alive():
            p.kill()
            p.join(timeout=5)
