import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def nlp():
    """One spaCy pipeline for the session (blank English + matcher)."""
    from pipeline.outcomes.freetext import nlp_and_matcher
    return nlp_and_matcher()


@pytest.fixture(scope="session")
def shared_dataset(tmp_path_factory):
    """The pipeline run once over every dev/reference input copied into tests/data/raw."""
    from pipeline.run import extract
    out = tmp_path_factory.mktemp("extracted")
    extract([DATA / "raw"], out)
    return out


def extract_frames(paths, out, *also: str):
    """arms and measures of `paths` extracted into `out` (--keep-going: a bad file's rows are
    left out, the others kept), then the other tables named in `also` ("narrative",
    "rejects"), for module fixtures over a folder of tables."""
    import pandas as pd
    from pipeline.run import extract
    extract(paths, out, keep_going=True)
    return tuple(pd.read_parquet(out / f"{name}.parquet") for name in ("arms", "measures", *also))
