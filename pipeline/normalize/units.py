"""Units of time and their conversion to months (CONTRACT.md): weeks*7/30.4375, days/30.4375, years*12."""
from __future__ import annotations

DAYS_PER_MONTH = 30.4375

# unit as written (lower case) -> canonical unit
TIME_UNITS: dict[str, str] = {
    "month": "months", "months": "months", "mo": "months", "mos": "months", "mo.": "months",
    "mth": "months", "mths": "months", "m": "months",
    "week": "weeks", "weeks": "weeks", "wk": "weeks", "wks": "weeks", "w": "weeks",
    "day": "days", "days": "days", "d": "days",
    "year": "years", "years": "years", "yr": "years", "yrs": "years", "y": "years",
}

TO_MONTHS: dict[str, float] = {
    "months": 1.0,
    "weeks": 7.0 / DAYS_PER_MONTH,
    "days": 1.0 / DAYS_PER_MONTH,
    "years": 12.0,
}


def time_unit(word: str | None) -> str | None:
    """Canonical time unit for a written unit, or None if it is not one."""
    if not word:
        return None
    return TIME_UNITS.get(word.lower().strip())


def to_months(value: float, unit: str | None) -> float:
    """Convert a duration to months; unit None means months already."""
    if unit is None:
        return value
    return value * TO_MONTHS[unit]
