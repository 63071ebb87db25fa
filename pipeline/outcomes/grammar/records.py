"""What the outcome grammar returns: measures found (each with its evidence span), numbers
left as narrative (each with the rule that left it out), and the primary endpoint."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Found:
    measure: str                 # n, orr, dcr, pfs_median, ...
    population: str              # "all" or as written
    value: float | None          # normalised (months, %, patients)
    unit: str                    # patients, %, months
    not_reached: bool
    value_as_reported: str
    unit_as_reported: str | None
    timepoint_months: float | None
    start: int                   # evidence span in the original cell text
    end: int
    flags: tuple[str, ...] = ()  # review flags (vocab.FLAGS) the grammar found for this value


@dataclass
class Narrative:
    start: int
    end: int
    text: str
    rule: str


@dataclass
class OutcomeParse:
    measures: list[Found] = field(default_factory=list)
    narrative: list[Narrative] = field(default_factory=list)
    primary_endpoint: str | None = None
    primary_endpoint_met: bool | None = None
