"""Real review tables from the fourth round of trying the pipeline on unseen PMC table pages
(tests/fixtures/wild/wild4/SOURCES): PMC10901538 Table I, pasted as plain text, whose header
writes the units after commas ("Therapy mOS, month mPFS, month ORR, %"). Before the header
reader knew that form, "Therapy mOS, month mPFS, month" was one column: every treatment was
empty and the median pairs sat under ORR."""
from __future__ import annotations

import pytest

from conftest import DATA, extract_frames

TABLE = DATA.parent / "fixtures" / "wild" / "wild4" / "PMC10901538_tI-ijo-64-04-05624_plain.txt"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return extract_frames([TABLE], tmp_path_factory.mktemp("wild4"))


def test_every_row_has_its_treatment(dataset):
    arms, _ = dataset
    assert len(arms) == 12 and arms["treatment"].notna().all()


def test_the_first_trial_reads_as_the_page_shows_it(dataset):
    """'Bang et al, 2010 ... NCT01041404 III Trastuzumab + chemotherapy vs. chemotherapy 13.8 vs.
    11.1 6.7 vs. 5.5 47.3 vs. 34.5 First-line (16)'."""
    arms, m = dataset
    first = arms.sort_values("row").iloc[0]
    assert (first["trial_id"], first["phase"]) == ("NCT01041404", "III")
    got = sorted((r.measure, r.population, r.value) for r in m[m["row"] == first["row"]].itertuples())
    assert got == [("orr", "Trastuzumab + chemotherapy", 47.3), ("orr", "chemotherapy", 34.5),
                   ("os_median", "Trastuzumab + chemotherapy", 13.8), ("os_median", "chemotherapy", 11.1),
                   ("pfs_median", "Trastuzumab + chemotherapy", 6.7), ("pfs_median", "chemotherapy", 5.5)]


def test_no_median_pair_under_the_response_rate(dataset):
    """Every ORR is a percentage of the ORR column's own cells (none of the medians)."""
    _, m = dataset
    assert set(m[m["measure"] == "orr"]["column"]) == {"orr_pct"}
    assert not m[(m["measure"] == "orr") & (m["value"] < 10)].shape[0]


NOTES_TABLE = DATA.parent / "fixtures" / "wild" / "wild4" / "PMC6067083_t0005_plain.txt"


@pytest.fixture(scope="module")
def notes_dataset(tmp_path_factory):
    return extract_frames([NOTES_TABLE], tmp_path_factory.mktemp("notes"), "rejects")


def test_a_notes_column_of_sentences_is_free_text(notes_dataset):
    """PMC6067083 Table 1: '... Median PFS (m) Median OS (m) Notes', the notes two sentences
    long. Read as a column of 16 tokens at most, the rows with a note were rejected and the
    arm lines under them given to the trial before (Taal's arms under Kreisl, unflagged)."""
    arms, m, rejects = notes_dataset
    assert rejects.empty
    by_line = {r.line_no: r for r in arms.itertuples()}
    # every arm line under a trial's first line keeps that trial's study
    assert by_line[13].study == by_line[12].study == "Taal et al. (2014)"
    assert by_line[16].study == by_line[15].study == "Wick et al. (2017)"
    assert by_line[18].study == by_line[17].study == "Chinot et al. (2014)"
    first = m[m["row"] == by_line[9].row]
    assert sorted(zip(first["measure"], first["value"])) == [("n", 85.0), ("os_median", 9.2), ("pfs_median", 4.2)]
