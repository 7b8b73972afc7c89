"""Column statistics of a table, with `statistics` from the standard library.

A column is `numeric` when every present value parses as a finite decimal number, `empty` when
no value is present, and `text` otherwise.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from typing import Any


def number(value: str) -> float | None:
    """The value as a finite number, or None."""
    try:
        parsed = float(value)
    except ValueError:
        return None
    return parsed if math.isfinite(parsed) else None


def column_profile(values: list[str | None], top_values: int) -> dict[str, Any]:
    """Counts for every column; min, max, mean, median and stdev for numeric ones, the most
    common values for text ones."""
    present = [value for value in values if value is not None]
    profile: dict[str, Any] = {
        "kind": kind(present),
        "count": len(present),
        "missing": len(values) - len(present),
        "distinct": len(set(present)),
    }
    if profile["kind"] == "numeric":
        numbers = [float(value) for value in present]
        profile.update(
            min=min(numbers),
            max=max(numbers),
            mean=statistics.fmean(numbers),
            median=statistics.median(numbers),
            stdev=statistics.stdev(numbers) if len(numbers) > 1 else None,
        )
    elif profile["kind"] == "text":
        common = Counter(present).most_common(top_values)
        profile["top"] = [[value, count] for value, count in common]
    return profile


def kind(present: list[str]) -> str:
    """'numeric', 'text' or 'empty'."""
    if not present:
        return "empty"
    return "numeric" if all(number(value) is not None for value in present) else "text"


def numeric_share(present: list[str]) -> float:
    """The share of present values that are numbers (for the mixed-types check)."""
    if not present:
        return 0.0
    return sum(number(value) is not None for value in present) / len(present)
