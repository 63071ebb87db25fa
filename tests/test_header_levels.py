"""Headers printed over several rows, each packed to the left (PMC's markdown renderings of
two- and three-level headers): table.header_levels rebuilds one name per column, and the
markdown reader uses it for the rows of sub-headings under a header that ends in empty cells.
Unit cases keep the constructions of the real pages in tests/fixtures/wild/wild5 with other
words; the end-to-end cases read those pages."""
from __future__ import annotations

import pytest

from conftest import DATA, extract_frames
from pipeline.table.header_levels import spread_levels

WILD5 = DATA.parent / "fixtures" / "wild" / "wild5"


@pytest.mark.parametrize("top, levels, width, want", [
    # PMC4756959 Table 1: two survival headings over median / HR / p, the medians over the arms
    (["Study drug", "Control", "Progression-free survival", "Overall survival"],
     [["Median (mo)", "HR", "P", "Median (mo)", "HR", "P"], ["Drug", "Control", "Drug", "Control"]], 10,
     ["Study drug", "Control", "Progression-free survival Median Drug (mo)",
      "Progression-free survival Median Control (mo)", "HR (Progression-free survival)",
      "P (Progression-free survival)", "Overall survival Median Drug (mo)",
      "Overall survival Median Control (mo)", "HR (Overall survival)", "P (Overall survival)"]),
    # PMC5422557 Table 5: one heading of outcomes among leaf columns, one after it
    (["Trial", "N", "Population", "Agent", "Available data", "Safety"],
     [["Median PFS, mo", "Median OS, mo", "ORR, %"]], 8,
     ["Trial", "N", "Population", "Agent", "Available data Median PFS, mo",
      "Available data Median OS, mo", "Available data ORR, %", "Safety"]),
    # PMC8286895 Table 1: two headings of different widths, outcomes to the one that takes them
    (["Study", "No.", "Phase", "Target", "Agent", "Results", "Subgroup", "Toxicity", "Conclusion"],
     [["PFS (mo)", "OS (mo)", "12-month OS (%)", "ORR (%)", "Any grade", "Grade ≥3"]], 13,
     ["Study", "No.", "Phase", "Target", "Agent", "Results PFS (mo)", "Results OS (mo)",
      "Results 12-month OS (%)", "Results ORR (%)", "Subgroup", "Toxicity Any grade",
      "Toxicity Grade ≥3", "Conclusion"]),
])
def test_sub_headings_go_under_the_headings_that_take_them(top, levels, width, want):
    assert spread_levels(top, levels, width) == want


@pytest.mark.parametrize("top, levels, width", [
    (["Trial", "Phase", "N"], [["ORR", "DCR"]], 6),          # no choice gives six columns
    (["Trial", "Phase", "N"], [["ORR", "DCR"]], 4),          # only leaf columns: none heads others
])
def test_no_header_when_the_width_cannot_come_out(top, levels, width):
    assert spread_levels(top, levels, width) is None


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return extract_frames(sorted(WILD5.glob("*.md")), tmp_path_factory.mktemp("wild5"), "rejects")


def _row(m, source, row):
    got = m[(m["source"] == source) & (m["row"] == row)]
    return sorted((r.measure, r.population, r.value) for r in got.itertuples())


def test_three_level_header_gives_each_arm_its_medians(dataset):
    """'Sunitinib (12) | IFN-α | 11.0 | 5.0 | 0.539 (0.451-0.643) | <0.001 | 26.4 | 21.8 | ...':
    PFS 11.0 vs 5.0 and OS 26.4 vs 21.8; HR and P are no measures. The arms' sub-columns are
    named as the regimen columns are ("Test agent | Comparator"): each value is the arm's the
    row names there."""
    arms, m, _ = dataset
    assert len(arms[arms["source"] == "PMC4756959_t1_md"]) == 5
    assert _row(m, "PMC4756959_t1_md", 1) == [
        ("os_median", "IFN-α", 21.8), ("os_median", "Sunitinib", 26.4),
        ("pfs_median", "IFN-α", 5.0), ("pfs_median", "Sunitinib", 11.0)]


def test_sub_headings_under_a_broken_header_row(dataset):
    """'| NCT01848834 (expanded KEYNOTE-012) (80) | 60 | PD-L1+ | Pembrolizumab | 2 | 13 | 18 | ...'"""
    arms, m, _ = dataset
    rows = arms[arms["source"] == "PMC5422557_T5_md"].sort_values("row")
    assert list(rows["trial_id"]) == ["NCT02105636", "NCT01848834", "NCT01848834", "NCT02255097"]
    assert _row(m, "PMC5422557_T5_md", 2) == [
        ("n", "all", 60.0), ("orr", "all", 18.0), ("os_median", "all", 13.0), ("pfs_median", "all", 2.0)]


def test_header_broken_inside_cells_without_alignment_row(dataset):
    """Vorinostat: '66 | II | HDAC | Vorinostat | 200 mg ... | 1.9 (1.7-2.3) | 5.7 (4.9-7.1) | 15.6 | 3 | ...'"""
    arms, m, rejects = dataset
    assert rejects[rejects["source"] == "PMC8286895_Table1_md"].empty
    rows = arms[arms["source"] == "PMC8286895_Table1_md"].sort_values("row")
    assert len(rows) == 6 and rows["treatment"].notna().all()
    vorinostat = rows[rows["treatment"] == "Vorinostat"]["row"].item()
    got = [(r.measure, r.value, None if r.timepoint_months != r.timepoint_months else r.timepoint_months) for r in
           m[(m["source"] == "PMC8286895_Table1_md") & (m["row"] == vorinostat)].itertuples()]
    assert sorted(got, key=str) == sorted([("n", 66.0, None), ("pfs_median", 1.9, None), ("os_median", 5.7, None),
                                           ("pfs_rate", 15.6, 6.0), ("orr", 3.0, None)], key=str)
