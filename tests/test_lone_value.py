"""Flag lone_value: a single value read for the whole cohort in a row of several arms while the
table gives values per arm elsewhere (invented tables with the layouts of real ones)."""
from pipeline.model import Cell, Grid, GridRow
from pipeline.table.arms import grid_to_arms

HEADER = ["Study", "Regimen", "N", "ORR (%)", "mPFS (months)", "mOS (months)"]


def grid(rows, header=HEADER):
    return Grid(source="t", label="Table 1", title=None, header=tuple(header),
                rows=tuple(GridRow(cells=tuple(Cell(c, 10 + k) if c else None for c in r), line=10 + k)
                           for k, r in enumerate(rows)), header_line=9)


def table(res):
    return [(m["row"], m["measure"], m["population"], m["value"], m["flags"]) for m in res.measures]


def test_value_for_all_in_a_row_whose_other_cells_give_one_per_arm():
    res = grid_to_arms(grid([["Zeta-2", "Fictumab 10 mg/kg vs. 3 mg/kg", "90", "12 vs. 20", "4.1", "9.0"]]))
    assert table(res) == [
        (1, "n", "all", 90.0, []),
        (1, "orr", "10 mg/kg", 12.0, []),
        (1, "orr", "3 mg/kg", 20.0, []),
        (1, "pfs_median", "all", 4.1, ["lone_value"]),
        (1, "os_median", "all", 9.0, ["lone_value"]),
    ]


def test_no_value_per_arm_no_doubt():
    """Two arms named, every value for the cohort: nothing per arm to set them against."""
    res = grid_to_arms(grid([["Zeta-2", "Fictumab vs. placebo", "90", "12", "4.1", "9.0"]]))
    assert all(m["flags"] == [] for m in res.measures)


def test_counts_per_regimen_leave_pooled_outcomes_unflagged():
    res = grid_to_arms(grid([["Eta-5", "Drug P + Drug Q (61) vs. Drug R + Drug Q (17)", "78", "31", "5.5", "12.0"]]))
    assert all(m["flags"] == [] for m in res.measures if m["measure"] != "n")


def test_single_value_on_a_trials_arm_row_when_other_arm_rows_state_several():
    """One row per arm, the trial cell spanning down: a row stating one value with its other
    value columns empty (a pasted copy drops empty cells) is a guess of column; rows with
    several values are not."""
    res = grid_to_arms(grid([
        ["Omega-1", "Drug A", "", "30", "4.1", "9.2"],
        ["", "Drug B", "", "25", "3.0", "8.0"],
        ["Sigma-3", "Drug C", "", "", "", "61"],
        ["", "Drug D", "", "", "", "70"],
    ]))
    flagged = [(r, ms, v) for r, ms, _, v, fl in table(res) if fl == ["lone_value"]]
    assert flagged == [(3, "os_median", 61.0), (4, "os_median", 70.0)]
    assert all(fl == [] for r, *_, fl in table(res) if r <= 2)


def test_single_values_everywhere_are_no_doubt():
    """Every arm row states one value: the table gives no several values per arm to doubt it by."""
    res = grid_to_arms(grid([
        ["Sigma-3", "Drug C", "", "", "", "61"],
        ["", "Drug D", "", "", "", "70"],
    ]))
    assert [fl for *_, fl in table(res)] == [[], []]


def test_single_value_on_a_row_of_its_own_trial_is_no_doubt():
    """A trial of one row (no arm rows) stating one value: nothing says the row has several arms."""
    res = grid_to_arms(grid([
        ["Omega-1", "Drug A", "", "30", "4.1", "9.2"],
        ["", "Drug B", "", "25", "3.0", "8.0"],
        ["Tau-7", "Drug E", "", "", "", "14"],
    ]))
    assert [fl for r, *_, fl in table(res) if r == 3] == [[]]
