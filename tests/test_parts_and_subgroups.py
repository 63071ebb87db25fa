"""Cells that state several values of one column: the counts of a trial's parts and of a
subgroup ("20 (Ib) + 95 (II). LS: 6"), labelled values for all patients and a subgroup
("All: 21 LS: 44"), a note with named results merged over several value columns; a regimen
"Drug BSC" that names two arms. Pasted as plain text (the "–" cells dropped) and as markdown
(its shifted row re-placed), both forms read alike (invented tables)."""
import pandas as pd
import pytest

from conftest import DATA, extract_frames
from pipeline.model import Line
from pipeline.table.align import tokenize_lines
from pipeline.table.align.kinds import COUNTS_OF_PARTS
from pipeline.table.align.results import noted_results, read_clauses
from pipeline.table.align.shapes import PHASE_RX
from pipeline.table.cell_measures import labelled_values
from pipeline.table.counts import count_cell
from pipeline.table.fields import arm_labels

INVENTED = DATA / "invented"
FORMS = ("parts_counts_subgroup_values_plain", "parts_counts_subgroup_values_md")


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    src = tmp_path_factory.mktemp("in")
    for suffix, form in ((".txt", "plain"), (".md", "md")):
        text = (INVENTED / f"parts_counts_subgroup_values{suffix}").read_text("utf-8")
        (src / f"parts_counts_subgroup_values_{form}{suffix}").write_text(text, "utf-8")
    return extract_frames([src], tmp_path_factory.mktemp("out"))


def _row(frames, source, row):
    _, measures = frames
    m = measures[(measures["source"] == source) & (measures["row"] == row)]
    out = []
    for x in m.dropna(subset=["value"]).to_dict("records"):
        tp = None if pd.isna(x["timepoint_months"]) else x["timepoint_months"]
        out.append((x["measure"], x["population"], round(x["value"], 2), tp))
    return sorted(out)


@pytest.mark.parametrize("source", FORMS)
def test_counts_of_parts_and_a_subgroup_are_one_count_cell(frames, source):
    """'20 (Ib) + 95 (II). LS: 6' counts the row's parts and a subgroup; the '21 vs. 14'
    after it is the response rate, not a landmark rate."""
    got = _row(frames, source, 3)
    assert [x for x in got if x[0] == "n"] == [("n", "II", 95.0, None), ("n", "Ib", 20.0, None), ("n", "LS", 6.0, None)]
    assert [x for x in got if x[0] in ("orr", "pfs_rate")] == [("orr", "arm 1", 21.0, None), ("orr", "arm 2", 14.0, None)]


@pytest.mark.parametrize("source", FORMS)
def test_labelled_values_and_a_merged_note_of_named_results(frames, source):
    """'All: 21 LS: 44' is one response cell (all patients and the LS subgroup); the note
    merged over the survival columns gives the results it names, for all patients."""
    assert _row(frames, source, 5) == [
        ("n", "LS", 25.0, None), ("n", "all", 96.0, None), ("orr", "LS", 44.0, None), ("orr", "all", 21.0, None),
        ("os_median", "all", 9.2, None), ("os_rate", "all", 61.0, 24.0), ("pfs_rate", "all", 30.0, 24.0)]


@pytest.mark.parametrize("source", FORMS)
def test_drug_then_its_control_arm_names_two_arms(frames, source):
    got = _row(frames, source, 7)
    assert [x[1] for x in got if x[0] == "orr"] == ["BSC", "Zalutumab"]
    assert [x[1] for x in got if x[0] == "pfs_median"] == ["BSC", "Zalutumab"]


def test_both_forms_read_alike(frames):
    for row in range(1, 8):
        assert _row(frames, FORMS[0], row) == _row(frames, FORMS[1], row), row


@pytest.mark.parametrize("treatment, want", [
    ("Irinotecan BSC", ["Irinotecan", "BSC"]),
    ("Pazopanib placebo", ["Pazopanib", "placebo"]),
    ("Low-dose irinotecan best supportive care", ["Low-dose irinotecan", "best supportive care"]),
    ("Irinotecan + BSC", None),            # one arm: the drug given with supportive care
    ("Irinotecan plus placebo", None),
    ("Surgery observation", None),         # no drug before the control
])
def test_drug_then_control_invented(treatment, want):
    assert arm_labels(treatment) == want


@pytest.mark.parametrize("text, want", [
    ("30 (Ia) + 75 (II). MS: 8", True),
    ("30 (Ia) + 75 (II). MS 8", True),
    ("30 (Ia) / 75 (II)", True),
    ("30 (Ia) + 75 (II).", False),         # the cell goes on: its subgroup's count is its own too
    ("1 (dose finding)/Cohort 2 (expansion)", False),   # cohort numbers, no counts
    ("30 (Ia)", False),
])
def test_counts_of_parts_shape_invented(text, want):
    assert bool(COUNTS_OF_PARTS.fullmatch(text)) is want


@pytest.mark.parametrize("text, want", [
    ("30 (Ia) + 75 (II). MS: 8", [("Ia", 30), ("II", 75), ("MS", 8)]),
    ("30 (Ia) + 75 (II). MS 8", [("Ia", 30), ("II", 75), ("MS", 8)]),
])
def test_counts_of_parts_read_invented(text, want):
    assert [(c.label, c.value) for c in count_cell(text)] == want


@pytest.mark.parametrize("text, want", [
    ("All: 12 MS: 40", [("all", "12"), ("MS", "40")]),
    ("Overall: 9.5 MS: 31", [("all", "9.5"), ("MS", "31")]),
    ("A: 7 B: 5", [("A", "7"), ("B", "5")]),
    ("All: 12", None),                     # one value: the reader of one subgroup's value takes it
])
def test_colon_labelled_bare_values_invented(text, want):
    got = labelled_values(text)
    assert (got if got is None else [(lab, text[s:e]) for lab, s, e in got]) == want


def _toks(text):
    return tokenize_lines([Line(1, text)], {})


def test_landmark_leading_a_measure_name_invented():
    got = read_clauses(_toks("2 year OS 61% 6 months PFS 40% Median OS 9.5 months"))
    assert [(c.named, c.unit) for c in got] == [("os_rate", "%"), ("pfs_rate", "%"), ("os_median", "months")]


@pytest.mark.parametrize("kind, text, want", [
    ("os_median", "Median follow-up 2 years (range 1-4): 2 year OS 61% Median OS 40 weeks", True),
    ("pfs_rate", "Median follow-up 18 months: 1 year PFS 22%", True),
    ("orr_pct", "Median follow-up 18 months: 1 year PFS 22%", False),   # a survival result under a response rate
    ("os_median", "2 year OS 61% Median OS 40 weeks", False),           # no note: the value reader's
    ("os_median", "Median follow-up 2 years: 61% and 40 weeks", False),  # results that name no measure
])
def test_note_then_named_results_invented(kind, text, want):
    assert noted_results(kind, _toks(text)) is want


@pytest.mark.parametrize("text, want", [("Ib-II", True), ("I–II", True), ("II/III", True), ("1b", True), ("Ib-", False)])
def test_phase_joined_by_a_hyphen_invented(text, want):
    assert bool(PHASE_RX.match(text)) is want
