"""Plain-text rows read as their markdown twins are: rules found by comparing the two forms
of the real tables (tests/test_real_tables_md.py), each on an invented table here."""
from pipeline.model import Cell, Grid, GridRow
from pipeline.readers.text import text_to_tables
from pipeline.table.align import text_table_to_grid
from pipeline.table.arms import grid_to_arms


def grid_of(text: str):
    return text_table_to_grid(text_to_tables("t", text)[0])


def cells(grid):
    return [None if r.section else [c.text if c else None for c in r.cells] for r in grid.rows]


def test_a_parenthesised_reference_ends_the_row_in_its_own_column():
    # "(31)" after the last value is the Reference cell, not part of the median cell
    text = ("Clinical trial Phase Agent No. ORR (%) Median PFS (month) Median OS (month) Reference\n"
            "ALPHA-7 III Durvalumab vs. placebo 140 vs. 138 41.2 vs. 37.5 5.6 vs. 4.9 13.1 vs. 11.8 (31)\n"
            "BETA-2 II Atezolizumab 57 22.4 2.3 8.1 (32,33)\n")
    rows = cells(grid_of(text))
    assert rows[0] == ["ALPHA-7", "III", "Durvalumab vs. placebo", "140 vs. 138", "41.2 vs. 37.5",
                       "5.6 vs. 4.9", "13.1 vs. 11.8", "(31)"]
    assert rows[1] == ["BETA-2", "II", "Atezolizumab", "57", "22.4", "2.3", "8.1", "(32,33)"]


_DOSES = ("Agent Trial Phase Population Treatment arms Primary end point Secondary end points Publish year\n"
          "Durvalumab GAMMA-4 Phase II ES-SCLC Durvalumab 7 mg/kg ORR: 14.2% (95% CI: 8.1–20.3) "
          "mOS: 6.3 m (95% CI: 4.4–8.0); mPFS: 1.7 m 2019\n"
          "DELTA-9 Phase I ES-SCLC 30 Gy thoracic radiotherapy +durvalumab 100–300 mg Safety "
          "mPFS: 5.2 m (95% CI 3.3–7.1); mOS: 9.3 m 2021\n")


def test_a_dose_stays_with_its_regimen():
    """A cell never starts on a dose ("7 mg/kg ORR: ..."), nor inside a line on the unit of the
    number before ("mg Safety", "m 2019") or on an operator glued to its drug ("+durvalumab");
    a regimen may start on a dose of radiation ("30 Gy thoracic radiotherapy")."""
    rows = cells(grid_of(_DOSES))
    assert rows[0][4:] == ["Durvalumab 7 mg/kg", "ORR: 14.2% (95% CI: 8.1–20.3)",
                           "mOS: 6.3 m (95% CI: 4.4–8.0); mPFS: 1.7 m", "2019"]
    assert rows[1][3:] == ["ES-SCLC", "30 Gy thoracic radiotherapy +durvalumab 100–300 mg",
                           "Safety", "mPFS: 5.2 m (95% CI 3.3–7.1); mOS: 9.3 m", "2021"]
    arms = grid_to_arms(grid_of(_DOSES)).arms
    assert [a["treatment"] for a in arms] == ["Durvalumab 7 mg/kg", "30 Gy thoracic radiotherapy +durvalumab 100–300 mg"]


def test_a_dose_cohort_label_may_start_a_result_cell():
    text = ("Agent tested Patients Treatment arms Response rates Survival\n"
            "Nivolumab (12) 96 patients with advanced melanoma Nivolumab 1 mg/kg vs. nivolumab 3 mg/kg "
            "Whole cohort: ORR 31% 1 mg/kg dose: 61% at 1 year\n"
            "3 mg/kg dose: 66% at 1 year\n"
            "Ipilimumab (14) 310 patients with untreated melanoma Ipilimumab vs. placebo Ipilimumab: ORR 12.1% "
            "Ipilimumab: median OS: 11.2 months\n")
    rows = cells(grid_of(text))
    assert rows[0][2:] == ["Nivolumab 1 mg/kg vs. nivolumab 3 mg/kg", "Whole cohort: ORR 31%",
                           "1 mg/kg dose: 61% at 1 year 3 mg/kg dose: 66% at 1 year"]


def _endpoint_grid(*rows):
    header = ("Trial", "Treatment arms", "Primary end point", "Secondary end points")
    return Grid("t", None, None, header, tuple(
        GridRow(tuple(Cell(x, line=k + 2) if x is not None else None for x in r), line=k + 2)
        for k, r in enumerate(rows)))


def _measures(res):
    return sorted((m["row"], m["measure"], m["value"]) for m in res.measures)


def test_results_in_an_endpoint_column_do_not_span_down():
    """A row whose secondary endpoints cell is empty does not take the row above's results:
    a result is its own arm's ("mPFS: 3.1 m" spans no other row)."""
    res = grid_to_arms(_endpoint_grid(
        ("EPSILON-3", "Pembrolizumab 200 mg", "ORR: 17.5% (95% CI: 9.0–26.0)", "mPFS: 3.1 m (95% CI: 2.2–4.0); mOS: 8.2 m"),
        ("ZETA-1", "Nivolumab 240 mg", "mPFS: 1.6 m (95% CI: 1.2–2.4) mOS: 6.6 m (95% CI: 5.0–8.2)", None)))
    assert _measures(res) == [(1, "orr", 17.5), (1, "os_median", 8.2), (1, "pfs_median", 3.1),
                              (2, "os_median", 6.6), (2, "pfs_median", 1.6)]


def test_results_over_both_endpoint_columns_are_one_outcome_text():
    """Results in the primary endpoint cell that run on into the secondary endpoints cell
    (short: "mOS:15.5 months (...)") are the row's outcome text together: neither is lost."""
    res = grid_to_arms(_endpoint_grid(
        ("ETA-5", "Nivolumab 480 mg", "Safety mPFS: 4.4 m (95% CI 2.1–6.7);", "mOS:15.5 months (95% CI: 9.0–22.0)")))
    assert _measures(res) == [(1, "os_median", 15.5), (1, "pfs_median", 4.4)]


def test_safety_is_an_endpoint_and_no_cell_ends_on_at():
    """"Safety" is an endpoint, not the end of the regimen before it; "CBR at 16 Weeks" is one
    endpoint, whose weeks are no median of the next column."""
    text = ("Trial Phase N Patients Treatment Endpoint ORR (%) mPFS (Months) mOS (Months) Result of Trial\n"
            "NCT09000001 I 58 Relapsed Tarlatamab (BiTE) Safety 31.2 4.4 (95% CI, 2.0–6.1) 11.9 Positive\n"
            "NCT09000002 II 64 Refractory Avelumab + Utomilumab CBR at 16 Weeks Ongoing\n")
    rows = cells(grid_of(text))
    assert rows[0][4:7] == ["Tarlatamab (BiTE)", "Safety", "31.2"]
    assert rows[1][5] == "CBR at 16 Weeks" and rows[1][7] is None


def test_a_hazard_ratio_is_no_value_cell_of_its_own():
    """"SS: HR 0.41 (...) p = 0.02" on the line under a row's values is a note on the median
    before it, not a median (or a landmark rate) of its own: the row's values stay in their
    columns, the note in the cell of the value it is about."""
    text = ("Metastatic treatment Population Phase n RR (%) 3 months PFS (%) 6 months PFS (%) "
            "PFS (months) OS (months) Year of publication\n"
            "Gemcitabine vs. docetaxel [12] STS III 310 21 vs. 15 4.7 vs. 4.2 11.5 vs. 12.0\n"
            "SS: HR 0.41 (95% CI 0.22–0.80) p = 0.02\n"
            "2019\n"
            "Docetaxel [14] STS II 77 9 61.5 40 3.1 10.2 2018\n")
    rows = cells(grid_of(text))
    assert rows[0][4:] == ["21 vs. 15", None, None, "4.7 vs. 4.2",
                           "11.5 vs. 12.0 SS: HR 0.41 (95% CI 0.22–0.80) p = 0.02", "2019"]


def test_an_arm_line_after_a_lone_value_is_its_own_row():
    """A line ending on a bare value and the next line starting on a capitalised drug or a
    name in capitals are two rows: never one regimen "Placebo 58 Pembrolizumab", nor a trial
    name "Nivolumab 66.9 BETA-40/GAMMA-7 [8]"."""
    text = ("Trial name Primary outcome Treatment arms Median OS (months) Median PFS (months) ORR (%) "
            "1 year-RFS (%)\n"
            "ALPHA-12 [7] PFS, OS Ipilimumab 12.2 3.1 14.5\n"
            "Dacarbazine 9.4 2.6 9.8\n"
            "CheckMate 900 [9] RFS Ipilimumab 55.2\n"
            "Nivolumab 66.9\n"
            "BETA-40/GAMMA-7 [8] RFS Placebo 58\n"
            "Pembrolizumab 71.2\n"
            "DELTA-3 [10] OS Dacarbazine 10.2 2.1 13.4\n")
    g = grid_of(text)
    assert [(r.cells[0].text if r.cells[0] else None, r.cells[2].text) for r in g.rows] == [
        ("ALPHA-12 [7]", "Ipilimumab"), (None, "Dacarbazine"), ("CheckMate 900 [9]", "Ipilimumab"),
        (None, "Nivolumab"), ("BETA-40/GAMMA-7 [8]", "Placebo"), (None, "Pembrolizumab"),
        ("DELTA-3 [10]", "Dacarbazine")]


def test_a_reference_ends_the_trial_name_and_a_threshold_ends_the_endpoint():
    text = ("Trial name Primary outcome Treatment arms Median OS (months) Median PFS (months) ORR (%)\n"
            "GAMMA [9] Durable response lasting ≥ 9 months T-VEC 21.5 Not reported 16.3\n"
            "GM-CSF 17.1 Not reported 2.2\n")
    rows = cells(grid_of(text))
    assert rows[0][:3] == ["GAMMA [9]", "Durable response lasting ≥ 9 months", "T-VEC"]
    assert rows[1][:3] == [None, None, "GM-CSF"]


def test_counts_of_the_arms_are_one_count_cell():
    """"12 (A) 27 (B)": the counts of the parts the regimen cell names, one N cell (the second
    count is not the start of the site cell)."""
    text = ("Trial and author N Primary site Treatment Primary endpoint ORR (%) PFS (median) OS (median)\n"
            "Hale et al 12 (A) 27 (B) EP-NECs (4 + 19 GEP) Part A: Pembro Part B: Pembro + CT "
            "ORR A: 8% B: 4% A: 2.1 mo B: 2.3 mo A: NR B: 5.2 mo\n")
    assert cells(grid_of(text))[0][1:3] == ["12 (A) 27 (B)", "EP-NECs (4 + 19 GEP)"]


def test_a_reference_ends_the_regimen_not_the_population():
    """"Trabectedin BSC [31•]": the reference ends the regimen cell (two arms written without
    "vs."); the population cell after it holds no reference."""
    text = ("Metastatic treatment Population Line of treatment Phase n (SS) RR (%) PFS (months) OS (months) "
            "Year of publication\n"
            "Eribulin vs. dacarbazine [30] STS 2 III 452 (21) 4 vs. 5 2.6 vs. 2.6 13.5 vs. 11.5 2016\n"
            "Pazopanib BSC [31•] Translocation-associated STS 2–4 II 61 (9) 6 vs. 0% 4.1 vs. 1.2 months 11.9 vs. 9.8 2014\n")
    rows = cells(grid_of(text))
    assert rows[1][:2] == ["Pazopanib BSC [31•]", "Translocation-associated STS"]
