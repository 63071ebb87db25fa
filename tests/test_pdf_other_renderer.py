"""The reference table rendered to PDF by other tools than the project's own reads back to
the reference annotation, in every style journals use: booktabs, no rules, a shaded header
band, the narrow column of a two-column page, continued over two pages. Two tools and fonts:
Chromium's print-to-PDF of an HTML page in DejaVu Sans (tools/make_chromium_fixtures.py:
spans at the top of their rows, "(continued)" caption) and reportlab's platypus Table in
DejaVu Serif (tools/make_platypus_fixtures.py: spans centred on their rows without rules,
shaded alternate rows under the band, a split with the header repeated and no caption).
chromium_centred sets every cell in the vertical middle of its row (the browser default),
so cells of one row have different baselines (pdf_centred.py reads it by cell blocks); so do
chromium_twocolcentred (in the narrow column) and chromium_zebra (no rules, alternate rows
shaded); chromium_headcentred centres the header cells over the two-line header;
chromium_bottom sets every cell at the bottom of its row; chromium_grid boxes every cell
(the rules between rows stop where a spanned cell goes on) and chromium_gridcentred also
centres them. platypus_centred, platypus_bandcentred and platypus_gridcentred centre every
cell in reportlab's layout (booktabs; shaded alternate rows; every cell boxed, the borders
open where a spanned cell goes on).
The tests read the committed PDFs; they never render (CI has no browser)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
GOLD = ROOT / "tests" / "data" / "gold" / "pmc10584733_table6.json"
SCORE = Path(__file__).resolve().parents[2] / "shared" / "tools" / "score.py"
STYLES = [f"{tool}_{style}" for tool in ("chromium", "platypus")
          for style in ("booktabs", "norules", "band", "twocol", "continued")] + [
    f"chromium_{style}" for style in ("centred", "twocolcentred", "headcentred", "zebra", "grid")] + [
    "platypus_centred", "platypus_bandcentred", "platypus_gridcentred", "chromium_gridcentred",
    "chromium_bottom"]


def _extract(style: str, tmp_path: Path) -> Path:
    """Extract the fixture under the reference's own name (the source is the file stem)."""
    src = tmp_path / "in" / "pmc10584733_table6.pdf"
    src.parent.mkdir(parents=True)
    shutil.copy(FIXTURES / f"{style}.pdf", src)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(src), "--out", str(out), "-q"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.mark.parametrize("style", STYLES)
def test_rendering_matches_gold(style, tmp_path):
    sys.path.insert(0, str(ROOT / "tests"))
    from gold import compare

    out = _extract(style, tmp_path)
    gold = json.loads(GOLD.read_text("utf-8"))
    arms = pd.read_parquet(out / "arms.parquet")
    assert compare(gold, arms, pd.read_parquet(out / "measures.parquet")) == []
    assert arms["page"].notna().all()


@pytest.mark.skipif(not SCORE.exists(), reason="../shared/tools/score.py not available")
@pytest.mark.parametrize("style", STYLES)
def test_rendering_scores_perfectly(style, tmp_path):
    out = _extract(style, tmp_path)
    proc = subprocess.run([sys.executable, str(SCORE), str(GOLD), "--out", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"\bF1 1\.0\b", proc.stdout) and re.search(r"\bcells 1\.0\b", proc.stdout), proc.stdout
