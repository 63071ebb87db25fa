"""Review pages (pipeline/audit.py): span resolution, coverage, placement in numeric cells,
flags, source lines, and the pages in a real browser.

The browser tests render the review of a synthetic dataset (and of the repository's
`extracted/` when it holds data) and of a table extracted here with one row flagged, open the
pages in headless Chromium, count the highlights in the rendered DOM, check the flagged row is
marked and shows its source lines, and that the "flagged rows only" link (a CSS :target)
leaves it alone on screen. Without Chromium they are skipped, except under CI (env CI set),
where they must run: install with `apt-get install -y chromium`.
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

from pipeline.audit import (SourceData, Span, arm_view, highlight, page_names,
                            render_source_page, resolve)
from pipeline.cli import audit_main
from pipeline.dataset import plain_records
from pipeline.run import extract

from conftest import DATA

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


def synthetic_page() -> str:
    frames = synth.dataset()
    page, _ = render_source_page(SourceData(
        synth.SOURCE, *(plain_records(frames[n]) for n in
                        ("arms", "measures", "narrative", "abbreviations"))))
    return page


def test_coverage_and_placement_of_the_synthetic_dataset() -> None:
    page = lxml.html.fromstring(synthetic_page())
    t1, t2 = page.xpath('//section[contains(@class, "table")]')
    summary = [[int(td.text) for td in t.xpath('.//table[@class="summary"]//td')]
               for t in (t1, t2)]
    # attributed, narrative, unexplained ("67" of Ki-67, "5" of CPS < 5), with evidence, placed
    assert summary == [[10, 2, 2, 11, 11], [1, 0, 0, 2, 2]]
    assert t1.xpath('.//dd[@class="filled"]/preceding-sibling::dt/text()') == [
        "target", "agent", "trial_id"]
    assert t1.xpath('.//dd[@class="filled"]/@title') == ["filled from the row above"] * 3
    assert t1.xpath('.//ul[@class="unplaced"]') == []
    # the numeric cell "30%" (arms.cells) holds its measure's evidence, highlighted in place
    assert t1.xpath('.//dd[@data-cell="orr_pct"]/mark/@data-value') == ["30"]
    assert t1.xpath('.//dd[@data-cell="orr_pct"]/text()') == ["%"]
    assert t1.xpath('.//mark[@class="narrative"]/@data-rule') == [
        "threshold", "non_responder_count"]          # "8 weeks" lies inside a measure
    assert t1.xpath('.//dl[@class="fields"]//dd/mark[@class="measure"]/span/text()') == [
        "n · all · 20 patients"]


NUMERIC = dict(source="s", table="Table 1", row=1, outcomes_text=None, orr_pct=54.1,
               pfs_median_months=5.7, cells='{"orr_pct": "54.1%", "pfs_median": "5.7 mo '
                                             '(43.2% 6-mo PFS)", "pfs_rate@6": "43"}')


def numeric(column: str, start: int, end: int, evidence: str, **more: object) -> dict:
    return dict(source="s", table="Table 1", row=1, measure="orr", population="all",
                value=1.0, unit="%", column=column, start=start, end=end, evidence=evidence,
                **more)


@pytest.mark.parametrize("measure, placed_in, mismatch", [
    # a value right in its numeric cell: placed, no alarm (issue 14 saw 90 of 90 alarms)
    (numeric("orr_pct", 0, 4, "54.1"), "orr_pct", None),
    (numeric("pfs_median", 0, 6, "5.7 mo"), "pfs_median", None),
    (numeric("pfs_median", 8, 13, "43.2%"), "pfs_median", None),
    # a second column of the same name ("6-mo PFS") is stored under pfs_rate@6
    (numeric("pfs_rate", 0, 2, "43"), "pfs_rate@6", None),
    # offsets that do not spell the evidence: the one real alarm
    (numeric("orr_pct", 1, 5, "54.1"), None, True),
    # a column whose cell text the dataset does not hold (an older extract): no alarm
    (numeric("dcr_pct", 0, 2, "40"), None, False),
])
def test_numeric_cells_place_evidence_without_false_alarms(
        measure: dict, placed_in: str | None, mismatch: bool | None) -> None:
    view = arm_view(NUMERIC, [measure], [])
    placed = [k for k, spans in view.spans.items() if any(s.kind == "measure" for s in spans)]
    assert placed == ([placed_in] if placed_in else [])
    assert [bad for _, bad in view.unplaced] == ([] if mismatch is None else [mismatch])
    assert view.mismatched == int(bool(mismatch))


def test_flags_mark_the_row_and_the_measure() -> None:
    arm = {**NUMERIC, "flags": ["two_readings"], "line_no": 7, "line_end": 9}
    flagged = numeric("orr_pct", 0, 4, "54.1", flags=["nr_unsettled"])
    page, counts = render_source_page(SourceData("s", [arm, {**NUMERIC, "row": 2}],
                                                 [flagged]), lines=[f"line {n}" for n in
                                                                    range(1, 12)])
    dom = lxml.html.fromstring(page)
    articles = dom.xpath("//article")
    assert [a.get("class") for a in articles] == ["arm flagged", "arm"]
    assert articles[0].get("data-flags") == "two_readings nr_unsettled"
    assert articles[0].xpath('.//span[@class="flag"]/text()') == ["two_readings",
                                                                 "nr_unsettled"]
    assert articles[0].get("data-lines") == "lines 7–9"
    assert articles[0].xpath('string(.//pre[@class="source"])') == (
        "7line 7\n8line 8\n9line 9")
    assert articles[0].xpath(".//mark/@data-flags") == ["nr_unsettled"]
    assert (counts.arms, counts.flagged_arms, counts.measures, counts.flagged_measures) == (
        2, 1, 1, 1)
    assert dom.xpath('//a[@href="#flagged"]/text()') == ["flagged rows only (1)"]


def test_page_names_are_safe_and_unique() -> None:
    assert page_names(["a b", "a_b", "index", "../x"]) == {
        "a b": "a_b.html", "a_b": "a_b-2.html", "index": "index-2.html", "../x": "x.html"}


def test_audit_main_writes_an_index_and_a_page_per_source(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = synth.write(tmp_path / "data", synth.dataset())
    old = os.umask(0o022)
    try:
        assert audit_main(["--data", str(data)]) == 0
    finally:
        os.umask(old)
    review = data / "review"
    assert sorted(p.name for p in review.iterdir()) == ["index.html", "synth.html"]
    assert {oct(p.stat().st_mode & 0o777) for p in review.iterdir()} == {"0o644"}
    index = lxml.html.fromstring((review / "index.html").read_text(encoding="utf-8"))
    assert index.xpath("//td/a/@href") == ["synth.html"]
    (review / "gone.html").write_text((review / "synth.html").read_text())   # a stale page
    (review / "mine.html").write_text("<p>not the review's</p>")
    assert audit_main(["--data", str(data)]) == 0
    assert sorted(p.name for p in review.iterdir()) == ["index.html", "mine.html", "synth.html"]
    assert audit_main(["--data", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err == f"audit: {tmp_path / 'nope'}: not a folder\n"


@pytest.mark.parametrize("column, value, message", [
    ("source", [["a"], ["b"]] * 2, "arms.parquet: column source: expected str, found list"),
    ("row", ["1", "2"] * 2, "arms.parquet: column row: expected int, found str '1' in row 1"),
])
def test_wrong_column_types_are_refused(column: str, value: list, message: str,
                                        tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    frames = synth.dataset()
    frames["arms"][column] = value
    data = synth.write(tmp_path / "data", frames)
    assert audit_main(["--data", str(data)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"audit: {data}: {message}") and err.count("\n") == 1, err
    assert not (data / "review").exists()


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
    return chromium_url(page.as_uri(), *args)


def chromium_url(url: str, *args: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [chromium_binary(), "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             f"--window-size={WINDOW[0]},{WINDOW[1]}", *args, url],
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
def test_review_pages_in_headless_chromium(folder: Path | None, tmp_path: Path) -> None:
    data = folder or synth.write(tmp_path / "data", synth.dataset())
    review = tmp_path / "review"
    assert audit_main(["--data", str(data), "--out", str(review)]) == 0
    arms = pd.read_parquet(data / "arms.parquet")
    measures = pd.read_parquet(data / "measures.parquet")
    expected = (measures[measures["evidence"].notna()]
                .groupby(["source", "table"], dropna=False).size())
    index = lxml.html.fromstring(chromium(review / "index.html", "--dump-dom"))
    pages = index.xpath('//td[@class="name"]/a/@href')
    assert len(pages) == arms["source"].nunique()
    sections = []
    for name in pages:
        dom = lxml.html.fromstring(chromium(review / name, "--dump-dom"))
        sections += dom.xpath('//section[contains(@class, "table")]')
        assert not dom.xpath("//script")                    # static, offline
    assert len(sections) == len(arms[["source", "table"]].drop_duplicates())
    for section in sections:
        key = (section.get("data-source"), section.get("data-table") or None)
        marks = section.xpath('.//mark[@class="measure"]')
        assert len(marks) == expected.get(key, 0), key
        for mark in marks:                         # readable: a label naming the value
            label = mark.xpath('string(span[@class="label"])')
            assert label.startswith(f'{mark.get("data-measure")} · '), label
        # no false alarm: every measure with evidence is highlighted in its own cell
        assert section.xpath('.//ul[@class="unplaced"]//mark') == [], key
        rows = arms[(arms["source"] == key[0]) & (arms["table"].fillna("") == (key[1] or ""))]
        for article, text in zip(section.xpath("article"), rows["outcomes_text"], strict=True):
            if isinstance(text, str):              # highlighting lost no character
                outcomes = article.xpath('.//dd[@data-cell="outcomes_text"]')[0]
                assert text_without_labels(outcomes) == text

    png = tmp_path / "page.png"
    chromium(review / pages[0], f"--screenshot={png}")
    with Image.open(png) as image:
        rgb = image.convert("RGB")
    assert rgb.size == WINDOW
    assert len(rgb.getcolors(WINDOW[0] * WINDOW[1])) > 50          # not blank
    assert pixels_near(rgb, MEASURE_RGB) > 2000                     # highlights painted
    if folder is None:
        assert pixels_near(rgb, NARRATIVE_RGB) > 300


# An invented table in the markdown form: the flagged row spans two source lines (broken
# after some of its cells without the leading pipe, as page renderings do).
FLAGGED_TABLE = """**Table 3.** Invented trials of drug Y.

| Trial | Phase | Treatment | N | ORR (%) | Median PFS (months) |
|---|---|---|---|---|---|
| NCT09100001 | II | Alphamab | 31 | 22.6 | 4.1 |
| NCT09100002 | II | Alphamab | 44 | 15.9 | 3.3 |
| NCT09100003 | III | Alphamab + betatinib | 120 | 30.8 | 6.2 |
NCT09100004 | II | Gammamab plus deltaplatin |
52 | 19.2 | 5.0 |
| NCT09100005 | I | Alphamab | 12 | 8.3 | 2.1 |
"""
FLAGGED_RGB = (0xfe, 0xf2, 0xf2)     # article.arm.flagged background


def test_flagged_row_is_marked_with_its_source_lines_in_chromium(tmp_path: Path) -> None:
    chromium_binary()
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "drug_y.md").write_text(FLAGGED_TABLE + "\n" * 80, encoding="utf-8")
    data = tmp_path / "data"
    extract([raw], data)
    arms = pd.read_parquet(data / "arms.parquet")
    assert (arms["line_no"].tolist(), arms["line_end"].tolist()) == (
        [5, 6, 7, 8, 10], [5, 6, 7, 9, 10])
    # the flags issue sets `flags`; here row 4 is flagged by hand
    arms["flags"] = [["invented_flag"] if r == 4 else [] for r in arms["row"]]
    arms.to_parquet(data / "arms.parquet", index=False)
    review = tmp_path / "review"
    assert audit_main(["--data", str(data), "--out", str(review), "--inputs", str(raw)]) == 0

    dom = lxml.html.fromstring(chromium(review / "drug_y.html", "--dump-dom"))
    flagged = dom.xpath('//article[contains(@class, "flagged")]')
    assert [a.xpath("string(h4)") for a in flagged] == [
        "Row 4 lines 8–9 · Gammamab plus deltaplatininvented_flag"]
    assert flagged[0].xpath('string(.//pre[@class="source"])') == (
        "8NCT09100004 | II | Gammamab plus deltaplatin |\n952 | 19.2 | 5.0 |")
    assert flagged[0].xpath('.//dd[@data-cell="orr_pct"]/mark/@data-value') == ["19.2"]
    assert len(dom.xpath('//article[@class="arm"]')) == 4
    index = lxml.html.fromstring(chromium(review / "index.html", "--dump-dom"))
    assert index.xpath('//a[@href="drug_y.html#flagged"]/text()') == ["1"]
    # the index lists the run's flagged rows, each linked to its place
    assert index.xpath('//ul[@class="flagged"]/li/a/@href') == ["drug_y.html#drug_y-Table-3-r4"]
    assert flagged[0].get("id") == "drug_y-Table-3-r4"

    # "flagged rows only" (#flagged, a CSS :target) leaves the flagged row alone on screen
    shots = {}
    for name, url in (("all", "drug_y.html"), ("flagged", "drug_y.html#flagged")):
        png = tmp_path / f"{name}.png"
        chromium_url((review / url.split("#")[0]).as_uri() + url[len(url.split("#")[0]):],
                     f"--screenshot={png}")
        with Image.open(png) as image:
            shots[name] = image.convert("RGB")
    # one row of five left, with the colour key: well under half the highlights
    assert pixels_near(shots["flagged"], MEASURE_RGB) < pixels_near(shots["all"], MEASURE_RGB) / 2
    assert pixels_near(shots["flagged"], FLAGGED_RGB) > 20000


SHARED_REAL = Path(__file__).resolve().parents[2] / "shared" / "real" / "raw"


def test_no_false_alarm_on_real_tables(tmp_path: Path) -> None:
    """Issue 14: every value read from a numeric column was 'not found' (90 of 90 on two real
    tables). On the real tables and the shared dev tables, every measure with evidence is now
    highlighted in its own cell."""
    from pipeline.dataset import sources_of
    from pipeline.dataset import load_dataset
    inputs = [DATA / "raw"] + ([SHARED_REAL] if SHARED_REAL.is_dir() else [])
    extract(inputs, tmp_path / "out", keep_going=True)
    frames = load_dataset(tmp_path / "out")
    views = [arm_view(a, [m for m in s.measures if m["table"] == a["table"]
                          and m["row"] == a["row"]], [])
             for s in sources_of(frames) for a in s.arms]
    numeric = frames["measures"][frames["measures"]["column"] != "outcomes_text"]
    assert len(numeric) > (400 if SHARED_REAL.is_dir() else 40)
    assert sum(v.placed for v in views) == frames["measures"]["evidence"].notna().sum()
    assert [m for v in views for m, _ in v.unplaced] == []
