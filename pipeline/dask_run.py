"""The extraction on a Dask `distributed` cluster (optional extra: `pip install '.[dask]'`).

    from distributed import Client
    from pipeline.dask_run import extract_on
    extract_on(Client("tcp://scheduler:8786"), [Path("articles/")], Path("extracted"))

or `python -m pipeline extract articles/ --out extracted --dask tcp://scheduler:8786`.

The cluster maps the same per-batch function as `--jobs` (`run.extract_batch`: read, parse
and validate a batch of inputs); this process discovers the inputs (streaming archives),
submits batches, a few at a time, and writes the results in input order, so the dataset is
the one `--jobs N` writes. Workers read the files by path: they must see the same file
system (archive members travel to them as bytes).
"""
from __future__ import annotations

from pathlib import Path

from . import run


def extract_on(client, inputs: list[Path], out: Path, keep_going: bool = False, progress=None,
               window: int | None = None, **kw) -> run.RunReport:
    """run.extract over `client`'s workers; at most `window` batches in flight (default two
    per worker thread). Other keywords (notice, corrections, lexicon) go to run.extract."""
    if window is None:
        threads = sum(client.nthreads().values()) or 1
        window = 2 * threads
    return run.extract(inputs, out, keep_going=keep_going, progress=progress,
                       submit=lambda fn, batch: client.submit(fn, batch, pure=False), window=window, **kw)


def extract_at(address: str, inputs: list[Path], out: Path, **kw) -> run.RunReport:
    """extract_on a client connected to the scheduler at `address`."""
    try:
        from distributed import Client
    except ImportError:
        from .errors import InputError
        raise InputError("--dask needs the optional extra: pip install '.[dask]'") from None
    with Client(address) as client:
        return extract_on(client, inputs, out, **kw)
