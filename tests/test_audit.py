"""Audit report (pipeline/audit.py): span resolution, coverage, and the page in a real browser.

The browser test renders the audit of a synthetic dataset (and of the repository's
`extracted/` when it holds data), opens it in headless Chromium, counts the highlights in the
rendered DOM and checks the screenshot shows them. Without Chromium it is skipped, except
under CI (env CI set), where it must run: install with `apt-get install -y chromium`.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import lxml.html
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from pipeline.audit import Span, audit_main, highlight, render_audit, resolve

try:
    import synthetic_dataset as synth
except ImportError:  # tests/ imported as a package
    from tests import synthetic_dataset as synth

REPO_DATA = Path(__file__).resolve().parents[1] / "extracted"
MEASURE_RGB = (0xfd, 0xe6, 0x8a)     # mark.measure background in pipeline/audit.py CSS
NARRATIVE_RGB = (0xdb, 0xea, 0xfe)   # mark.narrative background
WINDOW = (1400, 2000)


def measure(start: int, end: int, name: str = "orr") -> Span:
    return Span(start, end, "measure", (("measure", name),), name)


def fragment(markup: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(markup, create_parent="p")


def text_without_labels(element: lxml.html.HtmlElement) -> str:
    for label in element.xpath('.//span[@class="label"]'):
        label.drop_tree()
    return element.text_content()


# ---------------------------------------------------------------- pure functions

def test_overlapping_measures_each_get_one_mark_and_text_survives() -> None:
    text = "mPFS and mOS were 2.5 and 7.8 months <b>"
    spans = [measure(0, 21, "pfs"), measure(9, 36, "os"), measure(18, 21, "inner"),
             Span(14, 30, "narrative", (("rule", "x"),), "x")]
    p = fragment(highlight(text, spans))
    marks = p.xpath("./mark")
    assert [m.get("data-measure") for m in marks if m.get("class") == "measure"] == [
        "pfs", "inner", "os"]
    assert [m.xpath("string(text())") for m in marks] == ["mPFS and mOS were 2.5", "",
                                                          " and 7.8 months"]
    assert text_without_labels(p) == text          # nothing lost, "<b>" escaped


TEXT = "ORR, 25% & mPFS <8.9> weeks; mOS 5 mo"
KINDS = st.sampled_from(["measure", "measure", "narrative", "unexplained"])


@given(st.lists(st.tuples(st.integers(-2, len(TEXT) + 2), st.integers(0, 12), KINDS),
                max_size=8))
def test_any_spans_give_well_formed_html_with_every_measure_once(
        raw: list[tuple[int, int, str]]) -> None:
    spans = [Span(start, start + width, kind, label=kind) for start, width, kind in raw]
    p = fragment(highlight(TEXT, spans))
    assert len(p.xpath('.//mark[@class="measure"]')) == sum(s.kind == "measure" for s in spans)
    assert not p.xpath(".//mark//mark")
    assert text_without_labels(p) == TEXT


def test_narrative_keeps_only_parts_no_measure_covers() -> None:
    pieces = resolve([Span(0, 10, "narrative"), measure(3, 5)], length=10)
    assert [(s.start, s.end, s.kind) for s in pieces] == [
        (0, 3, "narrative"), (3, 5, "measure"), (5, 10, "narrative")]


def test_coverage_and_placement_of_the_synthetic_dataset() -> None:
    page = lxml.html.fromstring(render_audit(synth.arms(), synth.measures(), synth.narrative(),
                                             synth.abbreviations()))
    t1, t2 = page.xpath('//section[@class="table"]')
    summary = [[int(td.text) for td in t.xpath('.//table[@class="summary"]//td')]
               for t in (t1, t2)]
    # attributed, narrative, unexplained ("67" of Ki-67, "5" of CPS < 5), with evidence, placed
    assert summary == [[10, 2, 2, 11, 10], [1, 0, 0, 2, 2]]
    assert t1.xpath('.//dd[@class="filled"]/preceding-sibling::dt/text()') == [
        "target", "agent", "trial_id"]
    assert t1.xpath('.//dd[@class="filled"]/@title') == ["filled from the row above"] * 3
    assert t1.xpath('.//ul[@class="unplaced"]//mark/@data-column') == ["orr_pct"]
    assert t1.xpath('.//mark[@class="narrative"]/@data-rule') == [
        "threshold", "non_responder_count"]          # "8 weeks" lies inside a measure
    assert t1.xpath('.//dd/mark[@class="measure"]/span/text()') == ["n · all · 20 patients"]


def test_audit_main_writes_atomically(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = synth.write(tmp_path / "data", synth.dataset())
    assert audit_main(["--data", str(data)]) == 0
    assert (data / "audit.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in data.iterdir() if p.name.startswith(".")) == []
    assert audit_main(["--data", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err == f"audit: {tmp_path / 'nope'}: not a folder\n"


# ---------------------------------------------------------------- in a real browser

def chromium_binary() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("chromium is required in CI: apt-get install -y chromium")
    pytest.skip("chromium not installed (apt-get install -y chromium); CI runs this test")


def chromium(page: Path, *args: str) -> str:
    """Run headless Chromium on a local page with a throwaway profile; return stdout."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [chromium_binary(), "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             f"--window-size={WINDOW[0]},{WINDOW[1]}", *args, page.as_uri()],
            capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def pixels_near(image: Image.Image, rgb: tuple[int, int, int], tolerance: int = 4) -> int:
    return sum(n for n, c in image.getcolors(WINDOW[0] * WINDOW[1])
               if all(abs(a - b) <= tolerance for a, b in zip(c[:3], rgb, strict=True)))


def datasets() -> list:
    real = pytest.mark.skipif(not (REPO_DATA / "arms.parquet").is_file(),
                              reason="no extracted/ dataset in the repository yet")
    return [pytest.param(None, id="synthetic"), pytest.param(REPO_DATA, id="extracted",
                                                             marks=real)]


@pytest.mark.parametrize("folder", datasets())
def test_audit_page_in_headless_chromium(folder: Path | None, tmp_path: Path) -> None:
    data = folder or synth.write(tmp_path / "data", synth.dataset())
    page = tmp_path / "audit.html"
    assert audit_main(["--data", str(data), "--out", str(page)]) == 0

    dom = lxml.html.fromstring(chromium(page, "--dump-dom"))
    arms = pd.read_parquet(data / "arms.parquet")
    measures = pd.read_parquet(data / "measures.parquet")
    expected = (measures[measures["evidence"].notna()]
                .groupby(["source", "table"], dropna=False).size())
    sections = dom.xpath('//section[@class="table"]')
    assert len(sections) == len(arms[["source", "table"]].drop_duplicates())
    for section in sections:
        key = (section.get("data-source"), section.get("data-table") or None)
        marks = section.xpath('.//mark[@class="measure"]')
        assert len(marks) == expected.get(key, 0), key
        for mark in marks:                         # readable: a label naming the value
            label = mark.xpath('string(span[@class="label"])')
            assert label.startswith(f'{mark.get("data-measure")} · '), label
        rows = arms[(arms["source"] == key[0]) & (arms["table"].fillna("") == (key[1] or ""))]
        articles = section.xpath("article")
        for article, text in zip(articles, rows["outcomes_text"], strict=True):
            if isinstance(text, str):              # highlighting lost no character
                outcomes = article.xpath('p[@class="outcomes"]')[0]
                assert text_without_labels(outcomes) == f"outcomes_text: {text}"

    png = tmp_path / "audit.png"
    chromium(page, f"--screenshot={png}")
    with Image.open(png) as image:
        rgb = image.convert("RGB")
    assert rgb.size == WINDOW
    assert len(rgb.getcolors(WINDOW[0] * WINDOW[1])) > 50          # not blank
    assert pixels_near(rgb, MEASURE_RGB) > 2000                     # highlights painted
    if folder is None:
        assert pixels_near(rgb, NARRATIVE_RGB) > 300
