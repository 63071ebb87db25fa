"""The outcome grammar as a table of cases: text -> measures (and what is left as narrative).

Cases are grouped by where they come from: constructions of the reference table rewritten
with other numbers, subgroups and units (the rules must not know the reference's
sentences), constructions from other reviews, and known misses (strict xfail, so a fix
forces the case to move)."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from pipeline.outcomes.freetext import parse_outcomes

WK = 7 / 30.4375
DAY = 1 / 30.4375


@dataclass
class Case:
    text: str
    measures: list[tuple]                 # (measure, population, value | "NR", timepoint or None)
    narrative: dict = field(default_factory=dict)   # number text -> rule
    endpoint: tuple | None = None         # (primary_endpoint, met)
    id: str = ""
    default: str | None = None            # the measure of the column the text sits in
    default_unit: str | None = None


def M(measure, population, value, tp=None):
    return (measure, population, value, tp)


REWRITTEN = [
    Case("Among 48 patients with G3 NET, 31 and 12 were pancreatic NETs and lung NETs, respectively. "
         "In all patients, ORR was 12.5%; mPFS, 14.2\u00a0weeks; mOS, 40.1\u00a0weeks",
         [M("n", "all", 48), M("n", "pancreatic NETs", 31), M("n", "lung NETs", 12), M("orr", "all", 12.5),
          M("pfs_median", "all", round(14.2 * WK, 4)), M("os_median", "all", round(40.1 * WK, 4))],
         id="respectively-counts-weeks"),
    Case("Among 17 SCLCs after platinum, 5 were extensive-stage. In all patients, ORR, 11.8%; mPFS, 45\u00a0days",
         [M("n", "all", 17), M("n", "extensive-stage", 5), M("orr", "all", 11.8),
          M("pfs_median", "all", round(45 * DAY, 4))], id="days"),
    Case("ORR, 22.2% in SCLC and 9.5% in LCNEC. In all patients, the mPFS and mOS were 3.1 and 9.9\u00a0months, respectively",
         [M("orr", "SCLC", 22.2), M("orr", "LCNEC", 9.5), M("pfs_median", "all", 3.1), M("os_median", "all", 9.9)],
         id="value-in-subgroup-and-respectively-measures"),
    Case("In pancreatic NET, mPFS and mOS were 5.5 and 21.0 months, respectively",
         [M("pfs_median", "pancreatic NET", 5.5), M("os_median", "pancreatic NET", 21.0)], id="context-population"),
    Case("In the MiNENs the mPFS and mOS were 12.5 and 40.2\u00a0weeks, respectively",
         [M("pfs_median", "MiNENs", round(12.5 * WK, 4)), M("os_median", "MiNENs", round(40.2 * WK, 4))],
         id="context-without-comma"),
    Case("In lung NECs mPFS and mOS were 3.3 and 9.0 months, respectively. In all patients, ORR, 12%",
         [M("pfs_median", "lung NECs", 3.3), M("os_median", "lung NECs", 9.0), M("orr", "all", 12.0)],
         id="context-without-comma-or-article"),
    Case("The 24-month OS rate was 41.0% and 35.5% in NETs and NECs, respectively",
         [M("os_rate", "NETs", 41.0, 24), M("os_rate", "NECs", 35.5, 24)], id="landmark-rate-respectively"),
    Case("ORR at 12 weeks, 15.0% in lung NEC, and 4.2% in GEP-NEC. The primary endpoint, ORR at 12 weeks, was met",
         [M("orr", "lung NEC", 15.0, round(12 * WK, 4)), M("orr", "GEP-NEC", 4.2, round(12 * WK, 4))],
         endpoint=("ORR at 12 weeks", True), id="orr-at-weeks-and-endpoint"),
    Case("In an exploratory analysis, the DCR after 12 weeks was 41% (PR of three); mOS, 6.1 months",
         [M("dcr", "all", 41.0, round(12 * WK, 4)), M("os_median", "all", 6.1)], id="analysis-is-not-a-population"),
    Case("Among 50 NENs (Ki-67 \u2265 55%) after failure of first-line therapy, 41 were NECs, including 30 GEP-NECs.",
         [M("n", "all", 50), M("n", "NECs", 41), M("n", "GEP-NECs", 30)], narrative={"55": "threshold"},
         id="threshold-and-including"),
    Case("Among 30 NECs, 20 were GEP-NECs. Chemotherapy: 12 CDDP and 18 CBDCA.",
         [M("n", "all", 30), M("n", "GEP-NECs", 20), M("n", "CDDP", 12), M("n", "CBDCA", 18)], id="count-pairs"),
    Case("Because 5 of 20 patients did not respond by week 12 in the stage-1 part, enrollment was closed",
         [], narrative={"5": "non_responder_count", "20": "non_responder_count", "12": "assessment_time",
                        "1": "part_of_name"}, id="non-responders"),
    Case("Among 25 patients with NENs, 10 were NECs. In 8 evaluable NECs, ORR, 12.5%; mPFS, 2.2 months",
         [M("n", "all", 25), M("n", "NECs", 10), M("n", "evaluable NECs", 8), M("orr", "evaluable NECs", 12.5),
          M("pfs_median", "evaluable NECs", 2.2)], id="evaluable-subgroup-after-cohort"),
    Case("In 15 evaluable NECs, ORR, 13%; DCR, 60%; mPFS, 2.9 months",
         [M("n", "all", 15), M("orr", "all", 13.0), M("dcr", "all", 60.0), M("pfs_median", "all", 2.9)],
         id="first-count-is-the-cohort"),
    Case("6-month PFS rate of 31% in NEC and 52% in NET",
         [M("pfs_rate", "NEC", 31.0, 6), M("pfs_rate", "NET", 52.0, 6)], id="pfs-rate-of"),
    Case("The primary endpoint, the 6-month PFS rate, was not met (18.0%)",
         [M("pfs_rate", "all", 18.0, 6)], endpoint=("6-month PFS rate", False), id="endpoint-not-met-with-value"),
]

OTHER_REVIEWS = [
    # PMC10705719 Table 1 (pages corpus): comparisons over lines of one Outcomes cell, joined;
    # a number after "vs." is a value, never the landmark of the measure after its unit
    Case("PFS 8.8 vs. 5.1 weeks OS 6.0 vs. 3.9 months",
         [M("pfs_median", "arm 1", round(8.8 * WK, 4)), M("pfs_median", "arm 2", round(5.1 * WK, 4)),
          M("os_median", "arm 1", 6.0), M("os_median", "arm 2", 3.9)], id="vs-value-before-next-measure"),
    Case("PFS 3.1 vs 3.1 months OS 9.4 vs 8.8 months",
         [M("pfs_median", "arm 1", 3.1), M("pfs_median", "arm 2", 3.1),
          M("os_median", "arm 1", 9.4), M("os_median", "arm 2", 8.8)], id="vs-months-then-os"),
    # a bare comparison's later terms go with the measure named before its first
    Case("ORR 19.5% vs. 4.5% OS 8.1 vs. 11.2",
         [M("orr", "arm 1", 19.5), M("orr", "arm 2", 4.5), M("os_median", "arm 1", 8.1),
          M("os_median", "arm 2", 11.2)], id="bare-vs-values"),
    Case("ORR 20%, 12 months OS 45%", [M("orr", "all", 20.0), M("os_rate", "all", 45.0, 12.0)],
         id="landmark-before-measure-still-landmark"),
    # PMC4539882 Table 1: bulleted items; a grade 3-4 drug-related AE rate is no response rate
    Case("\u2022 ORR: 31 % \u2022 Grade 3-4 DRAEs: 12 % \u2022 Median PFS: 2.2 months",
         [M("orr", "all", 31.0), M("pfs_median", "all", 2.2)],
         {"3": "grade", "4": "no_measure_named", "12": "no_measure_named"}, id="bullets-and-draes"),
    # subgroup labels of one hyphenated word with a sign, in parentheses after the cohort's
    # value (construction of a gastric-cancer review table; the sign may stand apart)
    Case("ORR: 14% (HER2 + 21%; HER2\u2212 9%)",
         [M("orr", "all", 14.0), M("orr", "HER2+", 21.0), M("orr", "HER2\u2212", 9.0)], id="signed-label-spaced"),
    Case("ORR: 55% (PD-L1+ 68%; PD-L1- 41%)",
         [M("orr", "all", 55.0), M("orr", "PD-L1+", 68.0), M("orr", "PD-L1-", 41.0)], id="signed-label-hyphenated"),
    Case("In 64 patients with advanced HCC, the ORR, DCR and 12-month OS rate were 20.3%, 65.6% and 55.0%, respectively. "
         "The mOS was not reached at a median follow-up of 11.7 months",
         [M("n", "all", 64), M("orr", "all", 20.3), M("dcr", "all", 65.6), M("os_rate", "all", 55.0, 12),
          M("os_median", "all", "NR")], narrative={"11.7": "follow_up", "12": "timepoint_of_measure"},
         id="three-way-respectively-and-follow-up"),
    # PMC4644179 Table 1 (wild round 4): "y" for years in a landmark, "2-y" before the measure
    Case("OS 68% at 5 y", [M("os_rate", "all", 68.0, 60)], narrative={"5": "timepoint_of_measure"},
         id="landmark-in-y"),
    Case("2-y OS: 41%", [M("os_rate", "all", 41.0, 24)], narrative={"2": "timepoint_of_measure"},
         id="landmark-y-before-measure"),
    # PMC5842271 Table 2: the median follow-up abbreviated FU, in parentheses after the medians
    Case("Median OS not reached vs. 7.6 months (median FU 9.4)",
         [M("os_median", "arm 1", "NR"), M("os_median", "arm 2", 7.6)], narrative={"9.4": "follow_up"},
         id="median-fu-is-follow-up"),
    Case("Among 80 patients, 45 and 35 had PD-L1 CPS \u2265 10 and CPS < 10 tumors, respectively. "
         "ORR, 40.0% in CPS \u2265 10 and 17.1% in CPS < 10",
         [M("n", "all", 80), M("n", "PD-L1 CPS \u2265 10", 45), M("n", "CPS < 10", 35),
          M("orr", "CPS \u2265 10", 40.0), M("orr", "CPS < 10", 17.1)], id="threshold-subgroups"),
    Case("ORR, 25.0% per RECIST 1.1 and 31.3% per iRECIST; mPFS, 4.4 months",
         [M("orr", "all", 25.0), M("orr", "all", 31.3), M("pfs_median", "all", 4.4)],
         narrative={"1.1": "criteria_version"}, id="criteria-versions"),
    Case("In the melanoma cohort (n = 44), ORR, 36.4%; mOS, not reached. The mDOR was not reached",
         [M("n", "all", 44), M("orr", "all", 36.4), M("os_median", "all", "NR")], id="n-equals-and-dor"),
    Case("Of 72 enrolled patients, 40 had liver metastases. ORR, 18.1%; mPFS, 3.0 months; the 18-month OS rate was 33.0%",
         [M("n", "all", 72), M("n", "liver metastases", 40), M("orr", "all", 18.1), M("pfs_median", "all", 3.0),
          M("os_rate", "all", 33.0, 18)], id="of-n-enrolled"),
    Case("Among 90 patients, 50, 25 and 15 had lung, liver and bone metastases, respectively",
         [M("n", "all", 90), M("n", "lung", 50), M("n", "liver", 25), M("n", "bone metastases", 15)],
         id="three-count-list"),
    Case("mPFS, 1.5 years; mOS, 3.2 years",
         [M("pfs_median", "all", 18.0), M("os_median", "all", 38.4)], id="years"),
    Case("One patient had a CR lasting 22 months",
         [], narrative={"22": "no_measure_named"}, id="duration-without-measure"),
    Case("", [], id="empty"),
]

OTHER_REVIEWS += [
    Case("Median PFS was 6.1 months (95% CI, 4.0-8.2) and median OS 15.3 months",
         [M("pfs_median", "all", 6.1), M("os_median", "all", 15.3)], id="ci-range-after-median"),
    Case("PFS at 6 months was 45%; OS at 12 months, 60.2%",
         [M("pfs_rate", "all", 45.0, 6), M("os_rate", "all", 60.2, 12)], id="landmark-written-after"),
    Case("ORR was 30% vs. 12% for nivolumab and placebo",
         [M("orr", "nivolumab", 30.0), M("orr", "placebo", 12.0)], id="vs-values-with-arm-list"),
    Case("The ORR was 40% (12/30), and the median PFS was 5.3 months",
         [M("orr", "all", 40.0), M("pfs_median", "all", 5.3)],
         narrative={"12": "fraction_count", "30": "fraction_count"}, id="fraction-in-parentheses"),
    Case("mPFS: 4.1 months (HR 0.62; p = 0.01)", [M("pfs_median", "all", 4.1)],
         narrative={"0.62": "other_outcome", "0.01": "p_value"}, id="hazard-ratio-not-a-measure"),
]

OTHER_REVIEWS += [
    Case("ORR 45% (CR 5%, PR 40%); mPFS 5.6 mo (95% CI 4.1-7.0)",
         [M("orr", "all", 45.0), M("pfs_median", "all", 5.6)],
         narrative={"5": "other_outcome", "40": "other_outcome", "95": "confidence_interval",
                    "4.1": "confidence_interval", "7.0": "confidence_interval"}, id="response-categories-and-ci"),
    Case("ORR was 30% in PD-L1+ (n = 20) and 10% in PD-L1- (n = 25)",
         [M("orr", "PD-L1+", 30.0), M("orr", "PD-L1-", 10.0)],
         narrative={"20": "sample_size", "25": "sample_size"}, id="subgroup-sizes"),
    Case("ORR was 30%, and grade 3 TRAEs occurred in 25%", [M("orr", "all", 30.0)],
         narrative={"3": "grade", "25": "other_outcome"}, id="adverse-events-are-not-orr"),
    Case("An overall response rate (ORR) of 30% and a DCR of 70%",
         [M("orr", "all", 30.0), M("dcr", "all", 70.0)], id="spelled-out-and-abbreviated"),
    Case("mOS, 11.2 vs. 9.6 months (HR 0.78; 95% CI 0.66-0.92)",
         [M("os_median", "arm 1", 11.2), M("os_median", "arm 2", 9.6)], id="vs-values-unnamed-arms"),
]

OTHER_REVIEWS += [
    Case("ORR, 12%; mPFS, 4.0; mOS, 9.1", [M("orr", "all", 12.0), M("pfs_median", "all", 4.0),
                                           M("os_median", "all", 9.1)], id="bare-medians-are-months"),
    Case("mOS in 20 patients with liver metastases was 9.1 months", [M("os_median", "all", 9.1)],
         narrative={"20": "no_rule"}, id="bare-count-is-not-a-median"),
]

OTHER_REVIEWS += [
    Case("ORR of 25% and DCR of 75%, with mPFS of 4.1 months and mOS of 11 months",
         [M("orr", "all", 25.0), M("dcr", "all", 75.0), M("pfs_median", "all", 4.1), M("os_median", "all", 11.0)],
         id="each-value-after-its-measure"),
    Case("The median PFS and OS were 3.0 and 7.5 months", [M("pfs_median", "all", 3.0), M("os_median", "all", 7.5)],
         id="measure-list-without-respectively"),
    Case("Median PFS 2.8 mo, median OS 9.8 mo", [M("pfs_median", "all", 2.8), M("os_median", "all", 9.8)],
         id="comma-separated-medians"),
    Case("ORR 12.5% (1 CR, 4 PR)", [M("orr", "all", 12.5)],
         narrative={"1": "other_outcome", "4": "other_outcome"}, id="response-counts-in-parentheses"),
]

OTHER_REVIEWS += [
    Case("DCR was 60% at 12 weeks; median OS, 9.0 months",
         [M("dcr", "all", 60.0, round(12 * WK, 4)), M("os_median", "all", 9.0)],
         narrative={"12": "timepoint_of_measure"}, id="landmark-after-the-value"),
]

OTHER_REVIEWS += [
    Case("Of the 24 evaluable patients, 5 achieved PR (ORR 20.8%)", [M("n", "all", 24), M("orr", "all", 20.8)],
         id="of-the-n-patients"),
    Case("The ORR was 15.4% in the overall population and 33.3% in PD-L1+ patients",
         [M("orr", "all", 15.4), M("orr", "PD-L1+ patients", 33.3)], id="overall-population-is-all"),
    Case("Primary endpoint (6-month PFS rate) was met: 62.5%", [M("pfs_rate", "all", 62.5, 6)],
         endpoint=("6-month PFS rate", True), id="endpoint-met-colon-value"),
]

OTHER_REVIEWS += [
    Case("Among 45 patients with G3 NETs and NECs, 20 had G3 NETs and 25 had NECs. ORR, 10% in G3 NET and 4% in NEC",
         [M("n", "all", 45), M("n", "G3 NETs", 20), M("n", "NECs", 25), M("orr", "G3 NET", 10.0),
          M("orr", "NEC", 4.0)], id="two-count-clauses"),
    Case("Of 30 patients, 18 (60%) had pancreatic primaries. ORR was 13%",
         [M("n", "all", 30), M("n", "pancreatic primaries", 18), M("orr", "all", 13.0)],
         narrative={"60": "share_of_count"}, id="count-with-its-share"),
    # compact result cells: each subgroup's own value in parentheses after the overall one
    Case("ORR 25% (G3 44%)", [M("orr", "all", 25.0), M("orr", "G3", 44.0)], id="subgroup-in-parentheses"),
    Case("mPFS 4 mo (G3 6-mo PFS 44%)", [M("pfs_median", "all", 4.0), M("pfs_rate", "G3", 44.0, 6)],
         narrative={"6": "timepoint_of_measure"}, id="subgroup-before-its-measure-in-parentheses"),
    Case("ORR 20% (DCR 72%)", [M("orr", "all", 20.0), M("dcr", "all", 72.0)], id="measure-in-parentheses-not-a-label"),
    Case("ORR: 12% with drug A (3 CRs) vs. 4% with placebo",
         [M("orr", "arm 1", 12.0), M("orr", "arm 2", 4.0)], id="aside-in-parentheses-does-not-take-the-next-value"),
    Case("mOS 7.0 mo (NEC 4.7 mo, G3 NET NR)",
         [M("os_median", "all", 7.0), M("os_median", "NEC", 4.7), M("os_median", "G3 NET", "NR")],
         id="subgroups-listed-in-parentheses"),
    Case("mPFS 4.0 mo (NEC 3.1 mo; NET 6.2 mo)",
         [M("pfs_median", "all", 4.0), M("pfs_median", "NEC", 3.1), M("pfs_median", "NET", 6.2)],
         id="subgroups-in-parentheses-semicolon"),
    Case("OS: 11.9 months for nivo vs. 9.6 months for placebo (HR = 0.80; P = 0.031)",
         [M("os_median", "nivo", 11.9), M("os_median", "placebo", 9.6)],
         narrative={"0.80": "other_outcome", "0.031": "p_value"}, id="value-for-arm-vs-value-for-arm"),
    Case("Median OS 10.2 months (7.3-14.8); ORR 12.1% (4.0-26.3)", [M("os_median", "all", 10.2), M("orr", "all", 12.1)],
         narrative={"7.3": "interval", "14.8": "interval", "4.0": "interval"}, id="bare-interval-after-value"),
    Case("mOS 12.1 mo (95% CI 4.1-17.0)", [M("os_median", "all", 12.1)],
         narrative={"95": "confidence_interval", "4.1": "confidence_interval"}, id="ci-is-not-a-subgroup"),
]

# results headed by who they are for: "Part A:", "Cohort 1 (n = 30):"; the label holds until the
# sentence ends or the next label; a measure name or a generic heading before a colon is no label
OTHER_REVIEWS += [
    Case("Part A: ORR 12%, mPFS 3.1 months. Part B: ORR 5%, mPFS 2.0 months",
         [M("orr", "Part A", 12.0), M("pfs_median", "Part A", 3.1), M("orr", "Part B", 5.0),
          M("pfs_median", "Part B", 2.0)], id="part-labels-per-sentence"),
    Case("Cohort 1 (n = 30): ORR 10%; cohort 2 (n = 25): ORR 4%, mOS 9 mo",
         [M("n", "Cohort 1", 30), M("orr", "Cohort 1", 10.0), M("n", "cohort 2", 25), M("orr", "cohort 2", 4.0),
          M("os_median", "cohort 2", 9.0)], narrative={"1": "label", "2": "label"}, id="cohort-labels-with-counts"),
    Case("Arm A (n=12): ORR 8%; Arm B (n=10): ORR 0%",
         [M("n", "Arm A", 12), M("orr", "Arm A", 8.0), M("n", "Arm B", 10), M("orr", "Arm B", 0.0)],
         id="n-equals-without-spaces"),
    Case("G3 NEC: mOS 8.2 mo; G3 NET: mOS 20 mo", [M("os_median", "G3 NEC", 8.2), M("os_median", "G3 NET", 20.0)],
         id="subgroup-labels-with-grades"),
    Case("Efficacy: ORR 12%, DCR 50%", [M("orr", "all", 12.0), M("dcr", "all", 50.0)], id="generic-heading-is-all"),
    Case("ORR: 12%; DCR: 40%", [M("orr", "all", 12.0), M("dcr", "all", 40.0)], id="measure-name-is-no-label"),
    Case("Chemotherapy: 9 FOLFIRI and 4 CAPTEM. ORR, 15%",
         [M("n", "FOLFIRI", 9), M("n", "CAPTEM", 4), M("orr", "all", 15.0)], id="label-before-counts-only"),
    Case("ORR was 15% with nivolumab (14 patients with CR) vs. 7% with sorafenib",
         [M("orr", "arm 1", 15.0), M("orr", "arm 2", 7.0)], narrative={"14": "responder_count"},
         id="responder-count-in-an-aside"),
]

# PMC4295550 Table 1 (melanoma checkpoint trials), rewritten: survival landmarks written as
# "x% at N year(s)" after a median, and a response rate with its range in parentheses
OTHER_REVIEWS += [
    Case("Drug A alone: median OS: 11.2 months 44.1% at 1 year 21.0% at 2 years",
         [M("os_median", "Drug A alone", 11.2), M("os_rate", "Drug A alone", 44.1, 12.0),
          M("os_rate", "Drug A alone", 21.0, 24.0)], narrative={"1": "timepoint_of_measure", "2": "timepoint_of_measure"},
         id="survival-landmarks-after-a-median"),
    Case("Drug B: median OS: NR 70.5% at 1 year", [M("os_median", "Drug B", "NR"), M("os_rate", "Drug B", 70.5, 12.0)],
         id="landmark-after-a-not-reached-median"),
    Case("Across all dose levels: ORR: 38% (20–51%)", [M("orr", "all", 38.0)],
         narrative={"20": "interval", "51": "interval"}, id="rate-with-its-range-in-parentheses"),
    Case("mPFS 4.3 mo (3.1-5.2); ORR 21%", [M("pfs_median", "all", 4.3), M("orr", "all", 21.0)],
         narrative={"3.1": "interval", "5.2": "interval"}, id="median-with-its-range"),
]

# PMC7443993 Table 2 (oesophageal and gastric cancer trials), rewritten: labelled results run
# together without separators, a comparison's second value right before the next measure's
# name, a look-alike (mDOR) with its own value, and arms named in parentheses after values
OTHER_REVIEWS += [
    Case("ORR: 12.4% versus 0% DCR: 41.0% versus 22% mPFS: 1.70 versus 1.40 month (HR = 0.61 [95% CI: "
         "0.50-0.74]; p < 0.0001)",
         [M("orr", "arm 1", 12.4), M("orr", "arm 2", 0.0), M("dcr", "arm 1", 41.0), M("dcr", "arm 2", 22.0),
          M("pfs_median", "arm 1", 1.7), M("pfs_median", "arm 2", 1.4)],
         narrative={"0.61": "other_outcome", "95": "confidence_interval", "0.50": "confidence_interval",
                    "0.74": "confidence_interval", "0.0001": "p_value"},
         id="comparison-value-before-the-next-measure"),
    Case("ORR: 10.9% (5 CRs) DCR: 27% mDOR: 8.1 months mPFS: 2.2 months mOS: 5.4 months",
         [M("orr", "all", 10.9), M("dcr", "all", 27.0), M("pfs_median", "all", 2.2), M("os_median", "all", 5.4)],
         narrative={"5": "other_outcome", "8.1": "other_outcome"}, id="look-alike-with-its-own-value"),
    Case("ORR: 55.0% (XA) 71.5% (XB) mPFS: 9.1 months (XA) 10.2 months (XB)",
         [M("orr", "XA", 55.0), M("orr", "XB", 71.5), M("pfs_median", "XA", 9.1), M("pfs_median", "XB", 10.2)],
         id="arm-labels-in-parentheses-after-values"),
]

# PMC9548621 Table 2 (ICI treatment duration trials), rewritten: labels glued to values
# ("PFS:10.3m") and units glued to numbers ("5.7mo")
OTHER_REVIEWS += [
    Case("PFS:11.2m OS:27.1m 4-year OS: 30.5%",
         [M("pfs_median", "all", 11.2), M("os_median", "all", 27.1), M("os_rate", "all", 30.5, 48.0)],
         id="label-glued-to-value"),
    Case("mPFS 6.1mo; mOS 14wk", [M("pfs_median", "all", 6.1), M("os_median", "all", round(14 * WK, 4))],
         id="unit-glued-to-number"),
]

# PMC9600578 Table 1 (biliary tract cancer trials), rewritten: the arms named in parentheses
# right after the measure, and an odds ratio ("OR") that is no response rate
OTHER_REVIEWS += [
    Case("ORR(drug vs. placebo) 24.1% vs. 17.2% OR(drug vs. placebo) 1.55 (95% CI 1.10-2.20)",
         [M("orr", "drug", 24.1), M("orr", "placebo", 17.2)],
         narrative={"1.55": "other_outcome", "1.10": "confidence_interval"}, id="arms-named-after-the-measure"),
    Case("mPFS(drug vs. placebo): 7.0 vs. 5.5 months", [M("pfs_median", "drug", 7.0), M("pfs_median", "placebo", 5.5)],
         id="arms-named-after-a-median"),
]

# labelled results run together with no ";" (a label right after the value before it), labels
# of dose groups, a rate at a landmark after a survival median when a response was named first,
# and a rate at a one-year landmark in a response column (no response rate)
OTHER_REVIEWS += [
    Case("Arm K alone: ORR 14.2% Arm L: ORR 2.6%", [M("orr", "Arm K alone", 14.2), M("orr", "Arm L", 2.6)],
         id="label-after-a-value-starts-its-own-population"),
    Case("Group X: ORR 31%, mPFS 4.4 mo Group Y: ORR 12%, mPFS 2.9 mo",
         [M("orr", "Group X", 31.0), M("pfs_median", "Group X", 4.4), M("orr", "Group Y", 12.0),
          M("pfs_median", "Group Y", 2.9)], id="labels-after-units"),
    Case("Zeta: median OS: 9.4 months 38% at 1 year Kappa: median OS: 6.2 months",
         [M("os_median", "Zeta", 9.4), M("os_rate", "Zeta", 38.0, 12.0), M("os_median", "Kappa", 6.2)],
         id="label-after-a-landmark"),
    Case("ORR 20% Median OS: 9.5 months", [M("orr", "all", 20.0), M("os_median", "all", 9.5)],
         id="measure-name-after-a-value-is-no-label"),
    Case("5 mg/kg dose: 49% at 1 year 15 mg/kg dose: 55% at 1 year",
         [M("os_rate", "5 mg/kg dose", 49.0, 12.0), M("os_rate", "15 mg/kg dose", 55.0, 12.0)],
         narrative={"5": "dose", "15": "dose"}, default="os_median", default_unit="months", id="dose-group-labels"),
    Case("3 mg cohort: ORR 20% 9 mg cohort: ORR 30%", [M("orr", "3 mg cohort", 20.0), M("orr", "9 mg cohort", 30.0)],
         id="dose-cohort-labels"),
    Case("ORR 11.5% median OS 9.8 months 41.2% at 1 year 19.9% at 2 years",
         [M("orr", "all", 11.5), M("os_median", "all", 9.8), M("os_rate", "all", 41.2, 12.0),
          M("os_rate", "all", 19.9, 24.0)], id="landmark-rate-after-a-median-is-no-response"),
    Case("37.5% at 1 year", [], narrative={"37.5": "no_measure_named"}, default="orr", default_unit="%",
         id="survival-landmark-in-a-response-column"),
    Case("52% at 12 weeks", [M("dcr", "all", 52.0, round(12 * WK, 4))], default="dcr", default_unit="%",
         id="assessment-landmark-in-a-response-column"),
    Case("37.5% at 1 year", [M("os_rate", "all", 37.5, 12.0)], default="os_median", default_unit="months",
         id="landmark-rate-in-a-survival-column"),
    Case("2-year OS 27%; OS at 18 months 35%", [M("os_rate", "all", 27.0, 24.0), M("os_rate", "all", 35.0, 18.0)],
         id="named-landmarks-are-rates"),
    # an interval whose upper bound is not reached is an interval: the median is the number before it
    Case("mTTP: 5.2 m (95% CI: 3.3- not reached); mOS: 11.6 m (95% CI: 7.4- not reached)",
         [M("os_median", "all", 11.6)], id="interval-bound-not-reached-after-a-hyphen"),
    Case("median OS not reached (95% CI, 14.5-NR)", [M("os_median", "all", "NR")],
         id="not-reached-median-with-a-not-reached-bound"),
    # a response rate named with its landmark before it (PMC9546183 Table 1, 'Other' column:
    # "1-year DCR, 37%"; other words and numbers)
    Case("1-year DCR, 52%; 2-year PFS, 48%", [M("dcr", "all", 52.0, 12.0), M("pfs_rate", "all", 48.0, 24.0)],
         {"1": "timepoint_of_measure", "2": "timepoint_of_measure"}, id="landmark-before-a-response-rate"),
    Case("16-week ORR 21%", [M("orr", "all", 21.0, round(16 * WK, 4))], {"16": "timepoint_of_measure"},
         id="weeks-landmark-before-orr"),
    # counts in a sentence about deaths or toxicity are of patients with the event, no cohort
    # (PMC5422557 Table 5, wild round 5: "2 patients died due to TRAE (1 pneumonitis and 1
    # hypercalcemia)" gave two counts of 1 for 'pneumonitis' and 'hypercalcemia)')
    Case("3 patients died of TRAEs (2 colitis and 1 myocarditis)", [],
         {"3": "no_measure_named", "2": "no_measure_named", "1": "no_measure_named"}, id="event-counts-no-cohort"),
    # a subgroup's label, a comma, its value, in parentheses (PMC9302428, wild round 6:
    # "ORR, 12.2% (PD-L1+, 14.6%; PD-L1-, 0%)"; other words and numbers)
    Case("ORR, 18.4% (CPS >=1, 21.0%; CPS <1, 4.5%)",
         [M("orr", "all", 18.4), M("orr", "CPS >=1", 21.0), M("orr", "CPS <1", 4.5)],
         {"1": "threshold"}, id="label-comma-value-in-parentheses"),
]

KNOWN_MISSES = [
    pytest.param(Case("The ORRs in the high and low TMB groups were 40% and 10%, respectively",
                      [M("orr", "high TMB", 40.0), M("orr", "low TMB", 10.0)], id="distributed-subgroup-list"),
                 marks=pytest.mark.xfail(strict=True, reason="a subgroup list before the values ('in the high "
                                                             "and low TMB groups') is not distributed yet")),
]


def _got(res):
    out = []
    for f in res.measures:
        val = "NR" if f.not_reached else (round(f.value, 4) if f.value is not None else None)
        tp = None if f.timepoint_months is None else round(f.timepoint_months, 4)
        out.append((f.measure, f.population, val, tp))
    return out


def _norm_expected(ms):
    out = []
    for m, p, v, tp in ms:
        v = v if v == "NR" else round(float(v), 4)
        out.append((m, p, v, None if tp is None else round(float(tp), 4)))
    return out


@pytest.mark.parametrize("case", REWRITTEN + OTHER_REVIEWS + KNOWN_MISSES,
                         ids=lambda c: getattr(c, "id", None))
def test_case(nlp, case):
    res = parse_outcomes(case.text, default=case.default, default_unit=case.default_unit)
    assert sorted(_got(res), key=str) == sorted(_norm_expected(case.measures), key=str)
    narrative = {n.text: n.rule for n in res.narrative}
    for num, rule in case.narrative.items():
        assert narrative.get(num) == rule, (num, narrative)
    if case.endpoint:
        assert (res.primary_endpoint, res.primary_endpoint_met) == case.endpoint
    # nothing is lost: every number is a measure or narrative with a named rule
    for n in res.narrative:
        assert n.rule


def test_evidence_spans_are_original_text(nlp):
    text = "In all patients, ORR, 3.4%; mPFS, 8.9\u00a0weeks; mOS, not\u00a0reached"
    res = parse_outcomes(text)
    ev = {f.measure: text[f.start:f.end] for f in res.measures}
    assert ev == {"orr": "3.4%", "pfs_median": "8.9\u00a0weeks", "os_median": "not\u00a0reached"}
