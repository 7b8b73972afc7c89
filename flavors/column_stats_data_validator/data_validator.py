"""The `column_stats` data validator's implementation: column profiles and checks on them.

`data_profiling` answers a dict with the profiles asked for (`PROFILES`; by default `summary` and
`columns`, plus `drift` with a comparison dataset). `data_validation` answers
`{"passed": bool, "checks": [{"name", "passed", "message", "details"}, ...]}` for the checks
asked for (`CHECKS`; by default the single-dataset ones, plus the comparison ones with a
comparison dataset). Keyword arguments override the config's thresholds for one call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from flavorhost import json_payloads
from flavorhost.data_validators import BaseDataValidator, TabularData
from flavorhost.flavors.column_stats_data_validator import statistics as stats
from flavorhost.flavors.column_stats_data_validator.flavor import ColumnStatsDataValidatorConfig

Check = dict[str, Any]

PROFILES = ("summary", "columns", "drift")
SINGLE_CHECKS = ("missing_values", "duplicate_rows", "mixed_types")
COMPARISON_CHECKS = ("same_columns", "mean_drift")
CHECKS = SINGLE_CHECKS + COMPARISON_CHECKS
COMPARING = {"drift", *COMPARISON_CHECKS}


class ColumnStatsOptions(BaseModel):
    """The keyword arguments of `data_profiling` and `data_validation`: per-call thresholds."""

    model_config = ConfigDict(extra="forbid")

    max_missing_fraction: float | None = Field(default=None, ge=0.0, le=1.0)
    drift_threshold: float | None = Field(default=None, gt=0.0)
    top_values: int | None = Field(default=None, ge=0)


class ColumnStatsDataValidator(BaseDataValidator):
    """Profiles and checks tables with the standard library's `statistics`."""

    @property
    def config(self) -> ColumnStatsDataValidatorConfig:
        """The data validator's config."""
        config = self._config
        assert isinstance(config, ColumnStatsDataValidatorConfig)
        return config

    def data_profiling(
        self,
        dataset: TabularData,
        comparison_dataset: TabularData | None = None,
        profile_list: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """The profiles in `profile_list` (see the module's docstring)."""
        options = self._options(kwargs)
        default = ["summary", "columns"] + (["drift"] if comparison_dataset is not None else [])
        names = _chosen(profile_list, PROFILES, default, comparison_dataset, "profile")
        top = options.top_values if options.top_values is not None else self.config.top_values
        profile: dict[str, Any] = {}
        if "summary" in names:
            profile["summary"] = _summary(dataset)
            if comparison_dataset is not None:
                profile["comparison_summary"] = _summary(comparison_dataset)
        if "columns" in names:
            profile["columns"] = _columns(dataset, top)
            if comparison_dataset is not None:
                profile["comparison_columns"] = _columns(comparison_dataset, top)
        if "drift" in names:
            assert comparison_dataset is not None
            profile["drift"] = _drift(dataset, comparison_dataset)
        return profile

    def data_validation(
        self,
        dataset: TabularData,
        comparison_dataset: TabularData | None = None,
        check_list: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """The checks in `check_list` (see the module's docstring)."""
        options = self._options(kwargs)
        default = list(SINGLE_CHECKS)
        if comparison_dataset is not None:
            default += COMPARISON_CHECKS
        names = _chosen(check_list, CHECKS, default, comparison_dataset, "check")
        max_missing = _pick(options.max_missing_fraction, self.config.max_missing_fraction)
        threshold = _pick(options.drift_threshold, self.config.drift_threshold)
        runs: dict[str, Callable[[], Check]] = {
            "missing_values": lambda: _missing_values(dataset, max_missing),
            "duplicate_rows": lambda: _duplicate_rows(dataset),
            "mixed_types": lambda: _mixed_types(dataset),
            "same_columns": lambda: _same_columns(dataset, _given(comparison_dataset)),
            "mean_drift": lambda: _mean_drift(dataset, _given(comparison_dataset), threshold),
        }
        checks = [{"name": name, **runs[name]()} for name in names]
        return {"passed": all(check["passed"] for check in checks), "checks": checks}

    def model_validation(
        self,
        dataset: TabularData,
        model: Any,
        comparison_dataset: TabularData | None = None,
        check_list: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Not offered: column statistics say nothing about a model."""
        raise NotImplementedError(
            f"data validator {self.name!r} (flavor column_stats) checks data only: it computes "
            "column statistics and cannot load or run a model. Use data_validation here, and a "
            "data validator flavor with model checks for model_validation"
        )

    def _options(self, kwargs: dict[str, Any]) -> ColumnStatsOptions:
        return json_payloads.validate(ColumnStatsOptions, kwargs, "keyword arguments")


def _pick(value: float | None, default: float) -> float:
    return default if value is None else value


def _given(comparison: TabularData | None) -> TabularData:
    assert comparison is not None  # _chosen refused comparing checks without one
    return comparison


def _chosen(
    asked: Sequence[str] | None,
    known: Sequence[str],
    default: list[str],
    comparison: TabularData | None,
    what: str,
) -> list[str]:
    if not asked:
        return default
    unknown = [name for name in asked if name not in known]
    if unknown:
        raise ValueError(
            f"unknown {what} {', '.join(map(repr, unknown))}; the column_stats data validator "
            f"knows {', '.join(known)}"
        )
    if comparison is None:
        comparing = [name for name in asked if name in COMPARING]
        if comparing:
            raise ValueError(
                f"{what} {', '.join(map(repr, comparing))} compares two datasets: pass "
                "comparison_dataset=..."
            )
    return list(dict.fromkeys(asked))


def _summary(table: TabularData) -> dict[str, Any]:
    return {"rows": len(table), "columns": len(table.columns), "column_names": table.columns}


def _columns(table: TabularData, top: int) -> dict[str, Any]:
    return {name: stats.column_profile(table.column(name), top) for name in table.columns}


def _drift(table: TabularData, reference: TabularData) -> dict[str, Any]:
    """Per numeric column in both: the means and how far apart they are in the reference's
    standard deviations (None when the reference does not vary)."""
    drift: dict[str, Any] = {}
    for name in table.columns:
        if name not in reference.columns:
            continue
        now = stats.column_profile(table.column(name), 0)
        before = stats.column_profile(reference.column(name), 0)
        if now["kind"] != "numeric" or before["kind"] != "numeric":
            continue
        shift = abs(now["mean"] - before["mean"])
        stdev = before["stdev"]
        drift[name] = {
            "mean": now["mean"],
            "comparison_mean": before["mean"],
            "shift_in_stdevs": shift / stdev if stdev else (0.0 if shift == 0 else None),
        }
    return drift


def _missing_values(table: TabularData, max_fraction: float) -> Check:
    rows = len(table) or 1
    fractions = {name: table.column(name).count(None) / rows for name in table.columns}
    over = {name: share for name, share in fractions.items() if share > max_fraction}
    return {
        "passed": not over,
        "message": (
            f"columns over {max_fraction:.0%} missing: {', '.join(over)}"
            if over
            else f"every column has at most {max_fraction:.0%} missing values"
        ),
        "details": {"missing_fraction": fractions, "max_missing_fraction": max_fraction},
    }


def _duplicate_rows(table: TabularData) -> Check:
    seen: set[tuple[str | None, ...]] = set()
    duplicates = []
    for number, row in enumerate(table.rows, start=1):
        key = tuple(row)
        if key in seen:
            duplicates.append(number)
        seen.add(key)
    return {
        "passed": not duplicates,
        "message": f"{len(duplicates)} duplicate rows" if duplicates else "no duplicate rows",
        "details": {"duplicate_rows": duplicates},
    }


def _mixed_types(table: TabularData) -> Check:
    mixed = {}
    for name in table.columns:
        present = [value for value in table.column(name) if value is not None]
        share = stats.numeric_share(present)
        if 0 < share < 1:
            mixed[name] = share
    return {
        "passed": not mixed,
        "message": (
            f"columns mixing numbers and text: {', '.join(mixed)}"
            if mixed
            else "no column mixes numbers and text"
        ),
        "details": {"numeric_share": mixed},
    }


def _same_columns(table: TabularData, reference: TabularData) -> Check:
    missing = [name for name in reference.columns if name not in table.columns]
    extra = [name for name in table.columns if name not in reference.columns]
    problems = []
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    if extra:
        problems.append(f"new {', '.join(extra)}")
    return {
        "passed": not problems,
        "message": "; ".join(problems) or "the same columns as the comparison dataset",
        "details": {"missing_columns": missing, "new_columns": extra},
    }


def _mean_drift(table: TabularData, reference: TabularData, threshold: float) -> Check:
    drift = _drift(table, reference)
    drifted = [
        name
        for name, values in drift.items()
        if values["shift_in_stdevs"] is None or values["shift_in_stdevs"] > threshold
    ]
    return {
        "passed": not drifted,
        "message": (
            f"means moved over {threshold} standard deviations: {', '.join(drifted)}"
            if drifted
            else f"every numeric mean within {threshold} standard deviations"
        ),
        "details": {"drift": drift, "drift_threshold": threshold},
    }
