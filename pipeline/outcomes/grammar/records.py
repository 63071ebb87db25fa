"""What the outcome grammar returns: measures found (each with its evidence span), numbers
left as narrative (each with the rule that left it out), and the primary endpoint."""
from __future__ import annotations

from dataclasses import dataclass, field

from ...model import CellMeasure, CellNarrative


@dataclass
class OutcomeParse:
    measures: list[CellMeasure] = field(default_factory=list)
    narrative: list[CellNarrative] = field(default_factory=list)
    primary_endpoint: str | None = None
    primary_endpoint_met: bool | None = None
