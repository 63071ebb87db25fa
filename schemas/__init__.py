"""pandera models of the three output tables (CONTRACT.md)."""
from .models import ABBREVIATION_COLUMNS, ARM_COLUMNS, MEASURE_COLUMNS, NARRATIVE_COLUMNS, validate_all

__all__ = ["ARM_COLUMNS", "MEASURE_COLUMNS", "ABBREVIATION_COLUMNS", "NARRATIVE_COLUMNS", "validate_all"]
