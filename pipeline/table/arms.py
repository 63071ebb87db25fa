"""Grid -> arms: map columns to the contract, fill spanned cells down, derive fields.

Pure functions: `grid_to_arms(grid)` returns the arm records (model.Arm) and the measures
(model.Measure) read from numeric cells and free-text outcome cells, the numbers left as
narrative (model.Narrative) and the abbreviations the table defines. The fields of an arm are
read in fields.py, the measures of one cell in cell_measures.py, counts in counts.py.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace

from ..model import Abbreviation, Arm, Grid, GridRow, Measure, Narrative
from ..normalize.abbreviations import inline_definitions, parse_legend
from ..normalize.drugs import CONTROL_ARMS, is_drug_word, lexicon_abbreviations
from ..normalize.text import clean
from ..outcomes.cells import endpoint_may_hold_results, states_results
from ..outcomes.freetext import RATE_MEASURES, OutcomeParse, cell_arm_names, named_measure, parse_outcomes
from ..outcomes.review import (MISFIT_FLAGS, UNNAMED_ARM, NrMeaning, clash_flags, consistency_flags, nr_meaning,
                               ordered, repeat_flags)
from .align import align_kind
from .cell_measures import (listed_spans, measure_row, nr_narrative, numeric_cell_measures, outcome_measures,
                            unread_numbers)
from .counts import (count_cell, count_measures, counts_in_text, label_n_equals, population_count, regimen_counts,
                     site_counts)
from .fields import (NCT_RX, arm_labels, arm_record, citations_apart, clean_cell, labelled_arms, lettered_arms,
                     parse_line, slashed_groups, spaced_arms, stacked_arms)
from .header import MEASURE_COLUMNS, ColumnSpec, classify_header
from .lone import flag_in_armed_row, flag_lone_arm_rows, flag_optional_arm, lone_in_row
from .specs import REGIMEN_KINDS, resolve_specs

# descriptive columns whose empty cells are filled from the row above (a cell spanning down)
FILLABLE = ("trial_id", "study", "target", "agent", "line", "phase",
            "primary_sites", "ref", "population", "primary_endpoint", "control", "extra")
# The treatment is filled only on a row that names no arm of its own (its trial and agent cells
# span down too: "2L | 120 | 22.5%" under the row of its regimen); a row with an agent or a
# trial of its own and no regimen is not the arm above ("CT1" must not become "Avelumab"). A
# treatment cell the reader marks as spanned (HTML rowspan) is always copied.
_ARM_NAMING = ("trial_id", "study", "trial", "agent", "target")
# columns kept in the arm's `extra` (by header), not in its fields, and never listed as filled
_EXTRA_KINDS = ("extra", "other", "population", "control")
ARM_VALUE_COLUMN = {"n": "n_total", "orr": "orr_pct", "dcr": "dcr_pct",
                    "pfs_median": "pfs_median_months", "os_median": "os_median_months"}
_SECONDARY = re.compile(r"(?i)^(?:other\s+|key\s+)?secondary\s+(?:end\s*-?\s*points?|outcomes?)\b")
_LABELLED_RESULT = re.compile(r"^m?(?:ORR|DCR|PFS|OS|RR|CBR)\b\s*[:,]\s*\d", re.I)   # "ORR: 11.9%", "ORR, 26.3%"
# label columns that may hold a row's results (an endpoint's, the secondary endpoints')
_LABEL_KINDS = ("primary_endpoint", "extra")


def _states_results(text: str) -> bool:
    return states_results(text) or bool(_LABELLED_RESULT.match(clean(text)))


@dataclass
class TableResult:
    arms: list[Arm] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    narrative: list[Narrative] = field(default_factory=list)
    abbreviations: list[Abbreviation] = field(default_factory=list)


def grid_to_arms(grid: Grid) -> TableResult:
    """Every data row of `grid` as an arm, with the measures, narrative numbers and
    abbreviations its cells state. Steps per row: its cells filled down (_row_cells), results
    written in label cells moved (_results_in_label_cells), the arm's fields (fields.py), its
    measures (_read_measures); then a trial's count shared by its arm rows (_trial_totals)."""
    specs = resolve_specs(grid)
    canon = [s.canonical for s in specs]
    results_in_endpoint = endpoint_may_hold_results(canon)
    res, abbrev, nr = _table_start(grid, specs)
    also = frozenset(k for sp in specs for k in sp.also)
    prev: dict[int, str] = {}
    section: str | None = None
    section_line: int | None = None
    n = 0
    lone_rows: set[int] = set()
    for r in grid.rows:
        if r.section is not None:
            section = r.section
            section_line = parse_line(section)
            prev = {}
            continue
        n += 1
        rc = _row_cells(grid, r, specs, prev)
        pe_results = _results_in_label_cells(rc, results_in_endpoint)
        arm = arm_record(grid, r, n, section, section_line, rc.cells, rc.extra, rc.filled, abbrev,
                         has_treatment_column="treatment" in canon, also=also)
        res.arms.append(arm)
        for short, long in lexicon_abbreviations(rc.cells.get("treatment") or rc.cells.get("agent"), abbrev).items():
            abbrev[short] = long
            res.abbreviations.append(Abbreviation(source=grid.source, short=short, long=long, origin="lexicon"))
        row = _RowMeasures(grid, r, n, specs, rc.texts, rc.doubts, nr, _row_arm_labels(arm, rc, specs))
        _read_measures(row, rc.cells, arm, pe_results)
        if lone_in_row(row.measures, rc.texts, [j for j, sp in enumerate(specs)
                                                if sp.is_measure and sp.canonical != "n_total"]):
            lone_rows.add(n)
        res.measures += row.measures
        res.narrative += row.narrative
    _trial_totals(res)
    _one_row_per_arm(res)
    flag_lone_arm_rows(res.arms, res.measures, lone_rows)
    return res


def _stacked_arms(rc: _RowCells, specs: list[ColumnSpec]) -> list[str] | None:
    """Regimens one a line in the treatment (else agent) cell beside values one a line."""
    values = [rc.lines.get(j, ()) for j, sp in enumerate(specs) if sp.is_measure]
    for kind in ("treatment", "agent"):
        j = next((j for j, sp in enumerate(specs) if sp.canonical == kind and j in rc.lines), None)
        if j is not None:
            return stacked_arms(rc.lines[j], values)
    return None


def _row_arm_labels(arm: Arm, rc: _RowCells, specs: list[ColumnSpec]) -> list[str] | None:
    """The row's arm labels: the names a results cell gives them ("Nivo vs Nivo-Ipi: Lung:
    6.1% vs 14.5%"), else those of its treatment ("A vs. B", "Part A: ... Part B: ...", regimens
    with their counts), else the groups a cell names split by '/' ("Cohort 1 (...)/Cohort 2")."""
    treatment = arm_labels(arm["treatment"] or arm["agent"]) or labelled_arms(arm["treatment"]) \
        or lettered_arms(arm["treatment"]) \
        or [c.label for c in regimen_counts(arm["treatment"] or arm["agent"])] \
        or _stacked_arms(rc, specs) or _spaced_arms(arm, rc, specs) \
        or next(filter(None, map(slashed_groups, [*rc.cells.values(), *rc.extra.values()])), None) \
        or _with_control(arm, rc, specs) or _counted_arms(rc, specs)
    for j, sp in enumerate(specs):
        if (sp.is_measure or sp.canonical == "outcomes_text") and j in rc.texts:
            named = cell_arm_names(rc.texts[j])
            if named and (treatment is None or len(treatment) == len(named)):
                return named
    return treatment


def _spaced_arms(arm: Arm, rc: _RowCells, specs: list[ColumnSpec]) -> list[str] | None:
    """Arm names joined by spaces in the treatment (else agent) cell, as many as every value
    cell of the row that lists several values lists (see fields.spaced_arms)."""
    counts = set()
    for j, sp in enumerate(specs):
        if sp.is_measure and j in rc.texts:
            spans = listed_spans(rc.texts[j])
            if spans is not None and len(spans) > 1:
                counts.add(len(spans))
    return spaced_arms(arm["treatment"] or arm["agent"], counts.pop()) if len(counts) == 1 else None


def _with_control(arm: Arm, rc: _RowCells, specs: list[ColumnSpec]) -> list[str] | None:
    """A one-arm treatment and the row's control arm in a column of its own ("Enzalutamide |
    Placebo" under "Treatment | Comparator"): the two arms of its "x vs. y" values."""
    first = arm["treatment"] or arm["agent"]
    control = next((rc.texts[j] for j, sp in enumerate(specs) if sp.canonical == "control" and j in rc.texts), None)
    if not first or not control or arm_labels(control):
        return None
    return [clean(first), clean(control)]


def _counted_arms(rc: _RowCells, specs: list[ColumnSpec]) -> list[str] | None:
    """The arms the count cell names, each with its count ("Cemiplimab = 304; Chemotherapy =
    304"): two or more, every count labelled."""
    j = next((j for j, sp in enumerate(specs) if sp.canonical == "n_total" and j in rc.texts), None)
    counts = count_cell(rc.texts[j], specs[j].qualifier) if j is not None else None
    if not counts or len(counts) < 2 or any(c.label is None for c in counts):
        return None
    return [c.label for c in counts]


_RATE_COLUMNS = ("orr_pct", "dcr_pct", "pfs_rate", "os_rate")


def _nr_in_rate_column(grid: Grid, specs: list[ColumnSpec]) -> bool:
    """A cell 'NR' in a response or landmark-rate column: a rate is never 'not reached', so
    the table uses 'NR' for 'not reported' (one abbreviation, one meaning per table)."""
    cols = [j for j, sp in enumerate(specs) if sp.canonical in _RATE_COLUMNS]
    return any(j < len(r.cells) and r.cells[j] is not None and r.cells[j].text.strip() == "NR"
               for r in grid.rows if r.section is None for j in cols)


def _table_start(grid: Grid, specs: list[ColumnSpec]) -> tuple[TableResult, dict[str, str], NrMeaning]:
    """The abbreviations the table defines (legend, then inline), and what it says 'NR' means
    (its legend or notes, else an 'NR' in a rate column: not reported)."""
    legend = parse_legend(grid.legend)
    nr = nr_meaning(legend, grid.notes)
    if not nr.settled and _nr_in_rate_column(grid, specs):
        nr = NrMeaning("not_reported")
    all_text = " ".join(c.text for r in grid.rows for c in r.cells if c is not None)
    inline = inline_definitions(all_text)
    res = TableResult()
    for short, long in legend.items():
        res.abbreviations.append(Abbreviation(source=grid.source, short=short, long=long, origin="legend"))
    for short, long in inline.items():
        if short not in legend:
            res.abbreviations.append(Abbreviation(source=grid.source, short=short, long=long, origin="inline"))
    return res, {**legend, **inline}, nr


@dataclass
class _RowCells:
    """One data row's cells: by canonical column (`cells`), by column index (`texts`, what
    measures are read from), unmapped ones by header (`extra`), the columns filled down."""
    cells: dict[str, str] = field(default_factory=dict)
    texts: dict[int, str] = field(default_factory=dict)
    doubts: dict[str, tuple[str, ...]] = field(default_factory=dict)   # column -> its cell's own flags
    extra: dict[str, str] = field(default_factory=dict)
    filled: list[str] = field(default_factory=list)
    lines: dict[int, tuple[str, ...]] = field(default_factory=dict)   # column -> its cell's lines (Cell.lines)


def _fills_down(sp: ColumnSpec, names_arm: bool) -> bool:
    """Does an empty cell of the column take the cell above (one spanning down)? An unknown
    column whose header gives a unit holds each row's own value ("1 year-RFS (%)"): it does not."""
    kind = sp.canonical
    return (kind in FILLABLE and align_kind(sp) != "other") or kind in ("trial", "other") \
        or (kind == "treatment" and not names_arm)


# an arm's count after its name ("Platinum doublet (n = 151)")
_ARM_COUNT = re.compile(r"\(\s*n\s*=\s*\d+\s*\)")


def _names_regimen(text: str) -> bool:
    """Does a cell of no regimen column name an arm of the row's own: a drug or a control arm
    first ("Platinum Doublet" pushed out of the Therapy column), or an arm's count?"""
    first = clean(text).split()[0]
    return bool(_ARM_COUNT.search(text)) or is_drug_word(first) or first.lower() in CONTROL_ARMS


def _row_cells(grid: Grid, r: GridRow, specs: list[ColumnSpec], prev: dict[int, str]) -> _RowCells:
    """The row's cells, an empty one filled from the cell above when its column spans down
    (`prev`, the column's last cell, is updated)."""
    out = _RowCells()
    own = [(sp, r.cells[j].text) for j, sp in enumerate(specs) if j < len(r.cells) and r.cells[j] is not None
           and r.cells[j].text.strip() and not r.cells[j].spanned]
    names_arm = any(sp.canonical in _ARM_NAMING or (sp.canonical in ("extra", "population") and _names_regimen(text))
                    for sp, text in own)
    for j, sp in enumerate(specs):
        c = r.cells[j] if j < len(r.cells) else None
        kind = sp.canonical
        if c is None or not c.text.strip():
            if not (_fills_down(sp, names_arm) and j in prev and kind not in MEASURE_COLUMNS and kind != "outcomes_text"
                    and not grid.explicit_spans) or (kind in _LABEL_KINDS and _states_results(prev[j])):
                continue      # (results in an endpoint column are the row's own: "mOS: 6.2 m" spans no arm)
            text = prev[j]
            spanned = True
        else:
            text = c.text
            spanned = c.spanned
            prev[j] = text
            if c.flags:
                out.doubts.setdefault(kind, c.flags)
            if c.lines:
                out.lines[j] = c.lines
        if spanned and kind not in _EXTRA_KINDS:
            out.filled.append(kind)
        out.texts[j] = text
        if kind in _EXTRA_KINDS or sp.arm is not None:     # an arm's column: its values only
            out.extra[sp.header] = text
        else:
            out.cells[kind] = text
    return out


def _results_in_label_cells(rc: _RowCells, results_in_endpoint: bool) -> str | None:
    """Results written in a label column are the row's outcome text: a secondary endpoints
    column, an endpoint column holding them. Returns the endpoint cell when it is written
    'ORR: 11.9% (...)' (the endpoint's name, then its result); the cells are relabelled."""
    cells, extra, doubts = rc.cells, rc.extra, rc.doubts
    for h in list(extra):
        if "outcomes_text" not in cells and _SECONDARY.match(clean(h)) and _states_results(extra[h]):
            # "Secondary end points: mPFS: 1.45 m (95% CI ...); ORR: 13.7%": the row's results
            cells["outcomes_text"] = extra.pop(h)
    rc.cells = cells = citations_apart(cells)
    pe = cells.get("primary_endpoint")
    if pe and _LABELLED_RESULT.match(clean(pe)):
        # "ORR: 11.9% (95% CI: 6.5-19.5)" beside a results column: the endpoint and its result
        cells["primary_endpoint"] = re.split(r"\s*[:,]", clean(pe), maxsplit=1)[0].strip()
        return pe
    if pe and results_in_endpoint and states_results(pe):
        # "Safety and efficacy: median OS 13.2 months (6.3-21.1); ORR 10.3%": the endpoint
        # column holds the row's results; they are its outcome text (before the secondary
        # endpoints' results when the row's results run on into that column)
        cells["outcomes_text"] = f"{pe} {cells['outcomes_text']}" if cells.get("outcomes_text") else pe
        doubts["outcomes_text"] = doubts.get("primary_endpoint", ())
        label = pe.split(":", 1)[0].strip() if ":" in pe else None
        cells["primary_endpoint"] = label if label and len(label.split()) <= 5 else None
    return None


@dataclass
class _RowMeasures:
    """What the measures of one data row are read from, and what is read."""
    grid: Grid
    r: GridRow
    n: int
    specs: list[ColumnSpec]
    texts: dict[int, str]
    doubts: dict[str, tuple[str, ...]]
    nr: NrMeaning
    labels: list[str] | None          # the row's arm labels ("A vs. B")
    measures: list[Measure] = field(default_factory=list)
    narrative: list[Narrative] = field(default_factory=list)
    source_cells: dict[str, str] = field(default_factory=dict)   # the cells read, as written
    # a value cell holding numbers none of which was read, one with no rule ("62% at 4 y" under
    # N): the cell is not what its column holds, the row may sit a column off
    unread_cell: bool = False

    def flags(self, column: str) -> tuple[str, ...]:
        """Flags every measure of `column` carries: the row's, then its cell's."""
        return (*self.r.flags, *self.doubts.get(column, ()))

    def cells_of(self, kind: str):
        return ((j, self.texts[j]) for j, sp in enumerate(self.specs) if sp.canonical == kind and j in self.texts)

    def add_text(self, column: str, text: str, p: OutcomeParse, nr_rows: bool = True,
                 skip=frozenset()) -> None:
        """Measures the outcome grammar found in cell `text` of `column`, less those `skip`
        (measure, population, value) names; 'NR' meaning not reported as narrative."""
        found = [m for m in (measure_row(self.grid, self.n, column, cm, text, self.flags(column))
                             for cm in outcome_measures(p, self.nr, text))
                 if (m["measure"], m["population"], m["value"]) not in skip]
        self.measures += found
        if nr_rows and self.nr.meaning == "not_reported":
            self.narrative += nr_narrative(self.grid, self.n, column, text, found)

    def add_narrative(self, column: str, p: OutcomeParse) -> None:
        self.add_cell_narrative(column, p.narrative)

    def add_cell_narrative(self, column: str, items) -> None:
        g = self.grid
        self.narrative += [Narrative(source=g.source, table=g.label, row=self.n, column=column, start=nv.start,
                                     end=nv.end, text=nv.text, rule=nv.rule) for nv in items]


def _read_measures(row: _RowMeasures, cells: dict[str, str], arm: Arm, pe_results: str | None) -> None:
    """Every measure of the row, in the order of the steps below; then its flags and the
    arm's values and `cells`."""
    _numeric_cells(row)
    _site_counts(row)
    _population_count(row)
    _subgroup_counts(row)
    _regimen_counts(row)
    if cells.get("primary_endpoint"):
        arm["primary_endpoint"] = clean_cell(cells["primary_endpoint"])
    _endpoint_result(row, cells)
    if pe_results:
        row.source_cells["primary_endpoint"] = pe_results
        p = parse_outcomes(pe_results, row.labels)
        row.add_text("primary_endpoint", pe_results, p, nr_rows=False)
        row.add_narrative("primary_endpoint", p)
    if cells.get("outcomes_text"):
        text = cells["outcomes_text"]
        p = parse_outcomes(text, row.labels)
        row.add_text("outcomes_text", text, p)
        row.add_narrative("outcomes_text", p)
        arm["primary_endpoint"] = p.primary_endpoint or arm["primary_endpoint"]
        arm["primary_endpoint_met"] = p.primary_endpoint_met
    _name_arms(row)
    flag_in_armed_row(row.measures, row.labels)
    flag_optional_arm(row.measures, arm["treatment"], row.labels)
    _row_flags(row.measures, arm, row.unread_cell)
    arm["cells"] = json.dumps(row.source_cells, ensure_ascii=False) if row.source_cells else None
    summarise(arm, row.measures)


def _paired_column(row: _RowMeasures, j: int) -> bool:
    """Is measure column `j` one of a pair, the next column holding a value of the same measure
    under the same heading or under none ('RR | | PFS (months) | |' over a row 'TKI | Chemotherapy
    | TKI | ...'; 'PFS Drug | PFS Placebo')? Then its value is one arm's, whose name was not read."""
    if j + 1 >= len(row.specs) or row.specs[j].canonical == "n_total" or row.specs[j + 1].canonical != "extra":
        return False
    head = row.grid.header[j + 1] if j + 1 < len(row.grid.header) else ""
    nxt = classify_header(head) if head.strip() else None
    same = nxt is None or (nxt.canonical == row.specs[j].canonical
                           and nxt.timepoint_months == row.specs[j].timepoint_months)
    return same and bool(re.search(r"\d", row.texts.get(j + 1) or ""))


def _numeric_cells(row: _RowMeasures) -> None:
    cells = [(j, sp) for j, sp in enumerate(row.specs) if sp.canonical in MEASURE_COLUMNS and j in row.texts]
    read = {j: numeric_cell_measures(row.texts[j], sp, row.labels, row.nr) for j, sp in cells}
    listed = None if row.labels else _subgroups_named(read.values())
    for j, sp in cells:
        text = row.texts[j]
        row.source_cells[_cell_key(sp, row.source_cells)] = text
        found = numeric_cell_measures(text, sp, None, row.nr, listed) if listed else read[j]
        if sp.arm:
            found = [replace(cm, population=sp.arm) if cm.population == "all" else cm for cm in found]
        elif sp.arm_index is not None:
            # "Intervention | n | Control | n": the count of one of the row's arms
            arm = row.labels[sp.arm_index] if row.labels and len(row.labels) == 2 else f"arm {sp.arm_index + 1}"
            found = [replace(cm, population=arm) if cm.population == "all" else cm for cm in found]
        paired = ("column_paired",) if _paired_column(row, j) else ()
        mixed = ("column_mixes_outcomes",) if "other" in sp.also else ()     # "Median PFS/RFS"
        unread = unread_numbers(text, found, sp, row.labels)
        partly = ("no_rule_in_cell",) if any(n.rule == "no_rule" for n in unread) else ()
        cell_ms = [measure_row(row.grid, row.n, sp.canonical, cm, text,
                               (*row.flags(sp.canonical), *(paired if cm.population == "all" else ()), *mixed,
                                *partly))
                   for cm in found]
        row.measures += cell_ms
        if row.nr.meaning == "not_reported":
            row.narrative += nr_narrative(row.grid, row.n, sp.canonical, text, cell_ms)
        row.add_cell_narrative(sp.canonical, unread)
        row.unread_cell = row.unread_cell or (not found and any(n.rule in _UNFIT_RULES for n in unread))


# rules of a value cell's numbers that say the cell holds values, but none its column's: with
# no measure read from the cell, the row may sit a column off ("62% at 4 y" under N)
_UNFIT_RULES = frozenset({"no_rule", "no_measure_named", "unknown_unit", "unit_does_not_fit"})


def _subgroups_named(read) -> list[str] | None:
    """'MSS: 4.4% MSI-H: 35.0%': the subgroups a value cell of the row names, one per value, in
    order (so '2 months 4.2 months' beside it is the same subgroups' values); None unless
    exactly one list of names is found. `read`: the measures of each value cell."""
    found = set()
    for cms in read:
        pops = tuple(m.population for m in cms)
        if len(pops) > 1 and len(set(pops)) == len(pops) and not any(p == "all" or UNNAMED_ARM.fullmatch(p)
                                                                     for p in pops):
            found.add(pops)
    return list(found.pop()) if len(found) == 1 else None


def _site_counts(row: _RowMeasures) -> None:
    """'GEP (14)/L (1)': the patients of each primary site."""
    for j, text in row.cells_of("primary_sites"):
        found = [measure_row(row.grid, row.n, "primary_sites", cm, text, row.flags("primary_sites"))
                 for cm in count_measures(site_counts(text), text)]
        if found:
            row.source_cells[_cell_key(row.specs[j], row.source_cells)] = text
        row.measures += found


def _population_count(row: _RowMeasures) -> None:
    """'Advanced disease, N = 48', 'III (N=1210)' under 'Phase/Size', 'TRIAL-7 (n = 515)', 'Drug (n = 90)': the
    cohort's count a cell of the row's own states (not one spanned from the row above), when no
    other cell states it."""
    kinds = ("population", "phase", "study", "trial_id", "treatment", "agent")
    own = [(k, j, t) for k in kinds for j, t in row.cells_of(k)
           if j < len(row.r.cells) and row.r.cells[j] is not None and not row.r.cells[j].spanned]
    for kind, j, text in own:
        if not any(m["measure"] == "n" and m["population"] == "all" for m in row.measures):
            found = [measure_row(row.grid, row.n, kind, cm, text, row.r.flags)
                     for cm in count_measures(population_count(text), text)]
            if found:
                row.source_cells[_cell_key(row.specs[j], row.source_cells)] = text
            row.measures += found


_ROW_LABEL = re.compile(r"(?<![\w-])([A-Za-z][\w-]{0,15})\s*:")


def _subgroup_counts(row: _RowMeasures) -> None:
    """Counts a site or population cell holds ("93 lung LC-NEC 92 GEP NECs", "... N = 48")."""
    have = {(m["population"], m["value"]) for m in row.measures if m["measure"] == "n"}
    has_total = any(p == "all" for p, _ in have)
    known = [m.group(1) for j, sp in enumerate(row.specs) if sp.is_measure and j in row.texts
             for m in _ROW_LABEL.finditer(row.texts[j])]
    for j, sp in enumerate(row.specs):
        if sp.canonical not in ("primary_sites", "population") or j not in row.texts:
            continue
        text = row.texts[j]
        counts = label_n_equals(text, counts_in_text(text), known)
        if has_total:
            counts = [c for c in counts if c.label is not None]
        for cm in count_measures(counts, text, row.labels):
            if (cm.population, cm.value) in have:
                continue
            have.add((cm.population, cm.value))
            row.measures.append(measure_row(row.grid, row.n, sp.canonical, cm, text))
            if text not in row.source_cells.values():
                row.source_cells[_cell_key(sp, row.source_cells)] = text


def _regimen_counts(row: _RowMeasures) -> None:
    """'A + B (102) C + B (58)' in the treatment cell: the patients of each regimen."""
    for kind in ("treatment", "agent"):
        for j, text in row.cells_of(kind):
            found = [measure_row(row.grid, row.n, kind, cm, text, row.flags(kind))
                     for cm in count_measures(regimen_counts(text), text)]
            row.measures += found
            if found:
                return


def _endpoint_result(row: _RowMeasures, cells: dict[str, str]) -> None:
    """'Outcome of primary endpoint': values of the measure the row's endpoint names."""
    text = cells.get("endpoint_result")
    if not text:
        return
    named = named_measure(cells.get("primary_endpoint"))
    row.source_cells["endpoint_result"] = text
    if named is None:
        return
    measure, tp = named
    unit = "%" if measure in RATE_MEASURES else None
    p = parse_outcomes(text, row.labels, default=measure, default_unit=unit, default_tp=tp)
    # a value the table also gives in the measure's own column ("OS | 2.2 vs. 1.5 years"
    # beside an OS column saying the same) is one measure, not two
    seen = frozenset((m["measure"], m["population"], m["value"]) for m in row.measures)
    row.add_text("endpoint_result", text, p, skip=seen)


def _name_arms(row: _RowMeasures) -> None:
    """'A: 7% B: 5%' on a row of arms 'Part A' and 'Part B': the arms' own names."""
    if row.labels:
        short = {lab.split()[-1]: lab for lab in row.labels if len(lab.split()) > 1}
        full = {lab.lower(): lab for lab in row.labels}
        for m in row.measures:
            # an arm named in full already ("chemotherapy" beside "Drug + chemotherapy", or
            # "temsirolimus" beside arm "Temsirolimus") stays that arm
            if m["population"] in short and m["population"].lower() not in full:
                m["population"] = short[m["population"]]


def _row_flags(row_ms: list[Measure], arm: Arm, unread_cell: bool = False) -> None:
    """Flags the row's values earn together; a misfit (or a value cell none of whose numbers
    could be read) puts every value of the row in doubt."""
    for k, fl in consistency_flags(row_ms).items():
        row_ms[k]["flags"] += fl
    for k, fl in repeat_flags(row_ms).items():
        row_ms[k]["flags"] += fl
    for k, fl in clash_flags(row_ms).items():
        row_ms[k]["flags"] += fl
    if unread_cell or any(f in MISFIT_FLAGS for m in row_ms for f in m["flags"]):
        # a value that does not fit its column, or two that contradict each other: the
        # row's cells may sit a column off, every value of the row is in doubt
        arm["flags"] = ordered([*arm["flags"], "row_values_misfit"])
        for m in row_ms:
            m["flags"].append("row_values_misfit")
    for m in row_ms:
        m["flags"] = ordered(m["flags"])


_TRIAL_KINDS = ("trial_id", "study", "trial")


def _trial_totals(res: TableResult) -> None:
    """A count on the first arm row of a trial whose next rows are its other arms (their trial
    cell spans down from it) and state no count of their own is the whole trial's: population
    'trial total', not the arm's ("SKYSCRAPER-9 | III | 490 | ... | arm A" over "| arm B |").
    A count written after the arm's regimen ("Drug (n = 154)") is the arm's."""
    counted = {m["row"] for m in res.measures if m["measure"] == "n"}
    arms = res.arms
    for k, arm in enumerate(arms[:-1]):
        if any(f in _TRIAL_KINDS for f in arm["filled"]):
            continue
        nxt = arms[k + 1]
        if not any(f in _TRIAL_KINDS for f in nxt["filled"]) or nxt["row"] in counted:
            continue
        totals = [m for m in res.measures if m["row"] == arm["row"] and m["measure"] == "n"]
        if len(totals) == 1 and totals[0]["population"] == "all" and totals[0]["column"] not in REGIMEN_KINDS:
            totals[0]["population"] = "trial total"
            arm["n_total"] = None            # the arm's own cohort is not stated


def _one_row_per_arm(res: TableResult) -> None:
    """A row whose treatment names k arms ("Drug A vs. placebo") followed by k-1 rows that
    take their treatment from it (the cell spans down) and hold one value per cell: one row
    per arm, in the order the treatment names them, so each row's values are its arm's
    ("... | Drug A vs. placebo | III | 138 | 1 | 3.7" over "| 139 | 5 | 6.6")."""
    arms = res.arms
    k = 0
    while k < len(arms):
        labels = arm_labels(arms[k]["treatment"]) if "treatment" not in arms[k]["filled"] else None
        run = arms[k:k + len(labels)] if labels else []
        if not labels or len(run) < len(labels) or any(
                "treatment" not in a["filled"] or a["treatment"] != arms[k]["treatment"] for a in run[1:]):
            k += 1
            continue
        rows = {a["row"]: lab for a, lab in zip(run, labels)}
        ms = [m for m in res.measures if m["row"] in rows]
        if ms and all(m["population"] == "all" for m in ms):
            for m in ms:
                m["population"] = rows[m["row"]]
        k += len(labels)


def _cell_key(spec: ColumnSpec, taken: dict[str, str]) -> str:
    """The key of a numeric cell in an arm's `cells`: its canonical column, with `@T` (the
    timepoint in months) when the table has two columns of that name ("3-mo PFS", "6-mo PFS")."""
    key = spec.canonical
    if key in taken and spec.timepoint_months is not None:
        key = f"{key}@{spec.timepoint_months:g}"
    while key in taken:
        key += "'"
    return key


def summarise(arm: Arm, measures: list[Measure]) -> None:
    """Whole-cohort values on the arm row (first one stated); none where the row gives two
    different values of the measure for the whole cohort (values_clash: which is the
    cohort's is not known, and the arm row would state a guess without a flag)."""
    for m in measures:
        col = ARM_VALUE_COLUMN.get(m["measure"])
        if col and m["population"] == "all" and arm[col] is None and m["value"] is not None \
                and "values_clash" not in m["flags"]:
            arm[col] = int(m["value"]) if col == "n_total" else m["value"]
