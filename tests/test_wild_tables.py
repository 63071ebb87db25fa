"""Real review tables pasted as plain text (tests/fixtures/wild, URLs in its SOURCES file), read
against the page by eye: what each must read, value for value, and what it must flag."""
import pytest

from conftest import ROOT, extract_frames

WILD = ROOT / "tests" / "fixtures" / "wild"


@pytest.fixture(scope="module")
def wild(tmp_path_factory):
    return extract_frames(sorted(WILD.glob("*.txt")), tmp_path_factory.mktemp("wild"))


def _of(wild, source):
    arms, measures = wild
    return arms[arms.source == source], measures[measures.source == source]


def test_arm_names_under_each_value_heading_are_the_values_populations(wild):
    """PMC4189714 Table 5: 'RR PFS (months) OS (months)' over 'TKI Chemotherapy' three times;
    each trial row has one value per arm per measure, and a line of P values and hazard ratios
    under it (no row starts on 'P<0.001')."""
    arms, ms = _of(wild, "PMC4189714_t5_plain")
    assert list(arms.study) == ["IPASS (2008, 2011)51,52", "WJTOG 3405 (2010, 2012)78,79", "OPTIMAL (2011)104",
                                "First-SIGNAL (2012)", "EURTAC (2012)105", "EJ002 (2013)106", "X-Lung 3 (2013)108",
                                "UX-Lung 6 (2014)109"]
    first = ms[ms.row == 1]
    assert [(m.measure, m.population, m.value) for m in first.itertuples()] == [
        ("n", "all", 261.0), ("orr", "TKI", 71.2), ("orr", "Chemotherapy", 47.3),
        ("pfs_median", "TKI", 9.5), ("pfs_median", "Chemotherapy", 6.3),
        ("os_median", "TKI", 21.6), ("os_median", "Chemotherapy", 21.9)]
    assert list(ms[ms.measure == "n"].value) == [261, 177, 154, 42, 173, 228, 345, 364]
    assert set(ms[ms.measure != "n"].population) == {"TKI", "Chemotherapy"}
    # no hazard ratio or P value is read as a measure; the row that lost its OS cells (X-Lung
    # 3) reads its PFS values as OS, flagged
    assert ms[ms.value < 2].empty
    lost = ms[(ms.row == 7) & (ms.measure != "n")]
    assert len(lost) == 4 and all(len(f) for f in lost["flags"])
    assert arms.orr_pct.isna().all()     # no whole-cohort rate: each value is one arm's


def test_labelled_group_headings_are_sections_and_glued_refs_leave_the_drugs(wild):
    """PMC2962713 Table 5: 'Category A: both RR and PFS above average (n=9)' heads its rows
    (no arm row of its own, not glued to the next row); 'epirubicin13' is epirubicin, ref 13,
    the reference taken out of the name; '(biweekly)24' ends on no drug, and keeps its digits."""
    arms, ms = _of(wild, "PMC2962713_T5_plain")
    assert len(arms) == 19
    assert [s.split(":")[0] for s in arms.section.drop_duplicates()] == ["Category A", "Category B", "Category C"]
    assert list(arms.section.value_counts(sort=False)) == [9, 4, 6]
    assert list(arms.treatment[:2]) == ["gemcitabine + epirubicin", "pegylated liposomal doxorubicin (biweekly)24"]
    assert arms.iloc[0]["ref"] == "13"
    assert list(arms.drugs.iloc[0]) == ["epirubicin", "gemcitabine"]
    assert list(arms.iloc[13][["treatment", "orr_pct", "pfs_median_months", "os_median_months"]]) == [
        "bevacizumab", 15.9, 4.4, 10.7]
    # a row that lost its OS cell has two values for three columns: flagged, whichever way read
    assert "row_values_misfit" in arms.iloc[0]["flags"]


def test_lines_of_a_last_text_cell_are_no_sections_in_a_table_without_any(wild):
    """PMC5933620 Table 1: the Limitations cells list items one a line ('Small sample size' /
    'Multiple treatment lines'); the table's first line is a data row, so those lines are the
    cell's, not section rows heading the rows after them, nor arm rows of their own."""
    arms, ms = _of(wild, "PMC5933620_t1_plain")
    assert arms.section.isna().all()
    assert list(ms[ms.measure == "n"].value) == [54, 13, 117, 35, 145, 272]
    assert list(arms.phase) == ["I", "I", "II", "II", "II", "III"]
    assert '"Limitations": "Small sample size Multiple treatment lines"' in arms.iloc[0]["extra"]
    assert "Preliminary results Study compared 1 year versus continuous nivolumab Multiple treatment lines" \
        in arms.iloc[4]["extra"]
    assert ms[(ms.row == 4) & (ms.measure == "os_median")].not_reached.tolist() == [True]
    # the ORR of CheckMate 063 was read as its PFS: flagged (its Limitations cell is too long)
    assert "row_values_misfit" in arms.iloc[2]["flags"]


def test_count_headers_and_a_tki_column(wild):
    """PMC7930417 Table 3 ('TKI # Pts') and PMC9487318 Table 1 ('Patients n TKI'): the count is
    the patients column's, the TKI column the agent; first authors are the study cells."""
    arms, ms = _of(wild, "PMC7930417_tbl3_plain")
    assert list(ms[ms.measure == "n"].value) == [261, 228, 177, 154, 309, 154, 345, 364]
    assert list(arms.agent) == ["Gefitinib"] * 3 + ["Erlotinib", "Gefitinib", "Erlotinib", "Afatinib", "Afatinib"]
    assert ms[(ms.row == 2) & (ms.measure == "os_median")].value.tolist() == [27.7, 26.6]
    arms, ms = _of(wild, "PMC9487318_t01_plain")
    assert list(arms.study) == ["Mok", "Mistudomi", "Maemondo", "Rosell", "Zhou", "Sequist", "Wu"]
    assert list(ms[ms.measure == "n"].value) == [132, 86, 228, 86, 83, 230, 242]
    assert list(arms.pfs_median_months) == [9.5, 9.2, 10.8, 9.7, 13.1, 11.1, 11.0]
    assert [list(d) for d in arms.drugs] == [["gefitinib"]] * 3 + [["erlotinib"]] * 2 + [["afatinib"]] * 2
    # the progression shares are no response rates
    assert set(ms.measure) == {"n", "pfs_median"}


def test_trial_names_with_their_size_in_a_study_n_column(wild):
    """PMC9220769 Table 1: 'Study (n)' cells 'CELESTIAL (n = 707)' are the study and its count;
    'Regimen or Drug(s) Evaluated' is the regimen column."""
    arms, ms = _of(wild, "PMC9220769_t001_plain")
    assert list(arms.study) == ["SHARP (n = 602)", "Asia-Pacific (n = 226)", "CALGB 80802 (n = 356)",
                                "REFLECT (n = 954)", "IMbrave 150 (n = 501)", "CheckMate 459 (n = 743)",
                                "KEYNOTE-224 (n = 104)", "CELESTIAL (n = 707)", "RESORCE (n = 573)",
                                "REACH (n = 565)", "REACH-2 (n = 292)"]
    n = ms[ms.measure == "n"]
    assert list(n.value) == [602, 226, 356, 954, 501, 743, 104, 707, 573, 565, 292] and set(n.column) == {"study"}
    assert arms.iloc[7]["treatment"].startswith("Cabozantinib 60 mg/day")
    assert list(arms.iloc[7][["orr_pct", "pfs_median_months", "os_median_months"]]) == [4.0, 5.2, 10.2]
    # the rows whose values are written per arm over several lines are flagged where misread
    # (a value read with its arm and under its column needs no flag)
    right = {4: {("orr", "Sorafenib", 9.2), ("pfs_median", "Lenvatinib", 7.4), ("pfs_median", "Sorafenib", 3.7),
                 ("os_median", "Lenvatinib", 13.6), ("os_median", "Sorafenib", 12.3)},
             5: {("orr", "S", 11.3), ("pfs_median", "S", 4.3), ("os_median", "S", 13.4)},
             6: {("orr", "N", 15.0), ("pfs_median", "Nivolumab", 3.7), ("pfs_median", "Sorafenib", 3.8),
                 ("os_median", "Nivolumab", 16.4), ("os_median", "Sorafenib", 14.7)}}
    for r in (4, 5, 6):
        got = ms[(ms.row == r) & (ms.measure != "n")]
        assert all(len(f) > 0 or (m, p, v) in right[r] for m, p, v, f in
                   zip(got.measure, got.population, got.value, got["flags"]))


def test_a_legend_of_spaced_entries_is_no_row_and_names_the_drugs(wild):
    """PMC5455211 Table 1: the footer 'N number of patients ..., P cisplatin, C carboplatin, ...'
    is the legend (it was an arm row), so 'A: P + cetuximabb' is cisplatin and cetuximab (a
    footnote letter glued on); 'Study, line (year)' is the study column."""
    arms, ms = _of(wild, "PMC5455211_Tab1_plain")
    assert len(arms) == 13
    assert list(arms.study.drop_duplicates()) == ["ECOG 5397", "EXTREME", "SPECTRUM", "IMEX", "ZALUTE",
                                                  "CheckMate-141"]
    assert [list(d) for d in arms.drugs[:2]] == [["cetuximab", "cisplatin"], ["cisplatin"]]
    assert list(arms.drugs.iloc[8]) == ["methotrexate"]
    assert list(arms.orr_pct) == [26.0, 10.0, 36.0, 20.0, 36.0, 25.0, 2.7, 7.6, 3.9, 6.3, 1.1, 13.3, 5.8]
    assert "n" not in set(ms.measure) or set(ms[ms.measure == "n"].value) <= {112, 117, 442, 657, 456, 486,
                                                                                286, 361}


@pytest.mark.xfail(strict=True, reason="the study cell wraps onto the N cell's line ('1st line (2005) [34] "
                   "112/'), so the N cells are not read as counts, and the arm row 'B: BSC (optional MTX)' "
                   "lands in the N column while its treatment is filled from the arm above")
def test_wrapped_study_cells_leave_the_counts_and_arm_names(wild):
    arms, ms = _of(wild, "PMC5455211_Tab1_plain")
    assert arms.iloc[10]["treatment"] == "B: BSC (optional MTX)"
    assert len(ms[ms.measure == "n"]) >= 6


def test_bulleted_efficacy_cells_one_row_per_cohort(wild):
    """PMC4539882 Table 1: each cohort's Efficacy and Safety cells list one bullet a line; the
    bulleted lines are its row's (they were arm rows of their own, their OS lost), and a
    'Grade 3-4 DRAEs: 17 %' item is no response rate."""
    arms, ms = _of(wild, "PMC4539882_Tab1_plain")
    assert list(arms.section) == ["HNSCC", "Gastric cancer", "Urothelial cancer", "Triple-negative breast cancer"]
    assert list(ms[ms.measure == "n"].value) == [60, 39, 33, 32]
    assert list(ms[ms.measure == "orr"].value) == [20, 22, 25, 19]
    assert list(ms[ms.measure == "pfs_median"].value) == [round(9.3 * 7 / 30.4375, 4), 1.9, 2.0, 1.9]
    os = ms[ms.measure == "os_median"]
    assert list(os.row) == [1, 2, 3] and os.value.iloc[0] == 12.6 and os.not_reached.iloc[1]


@pytest.mark.xfail(strict=True, reason="the Study design text runs into the dose column and the Efficacy "
                   "cell into Safety, so '6-month OS rate: 65 %' loses its 65 % to the Safety cell")
def test_landmark_rates_of_bulleted_cells(wild):
    arms, ms = _of(wild, "PMC4539882_Tab1_plain")
    assert list(ms[ms.measure == "os_rate"].value) == [65, 69, 55]
