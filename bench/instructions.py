"""Instructions per bench file, the figure the machine's load does not change (README, Speed).

Run under callgrind with collection off at start; the script warms the pipeline on one file,
switches collection on for one batch of bench files (50, as `extract` batches them), then off:

    .venv/bin/python bench/make_corpus.py --n 1 --seed 7 --out /tmp/c1
    .venv/bin/python bench/make_corpus.py --n 50 --out /tmp/c50
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.out \\
        .venv/bin/python bench/instructions.py /tmp/c1 /tmp/c50
    callgrind_annotate /tmp/cg.out | grep "PROGRAM TOTALS"     # divide by the 50 files
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.run import extract  # noqa: E402


def _files(folder: str) -> list[Path]:
    return sorted(Path(folder).glob("*.txt"))


def main(warm: str, corpus: str) -> None:
    def collect(state: str) -> None:
        subprocess.run(["callgrind_control", "-i", state, str(os.getpid())], check=True, stdout=subprocess.DEVNULL)

    with tempfile.TemporaryDirectory() as tmp:
        extract(_files(warm), Path(tmp) / "warm", keep_going=True)
        collect("on")
        extract(_files(corpus), Path(tmp) / "out", keep_going=True)
        collect("off")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: bench/instructions.py WARM_FOLDER CORPUS_FOLDER (under callgrind; see the docstring)")
    main(sys.argv[1], sys.argv[2])
