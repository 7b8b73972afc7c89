"""Config and flavor of the `column_stats` data validator (light: no implementation imports)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from flavorhost.data_validators import BaseDataValidatorConfig, BaseDataValidatorFlavor

if TYPE_CHECKING:
    from flavorhost.flavors.column_stats_data_validator.data_validator import (
        ColumnStatsDataValidator,
    )


class ColumnStatsDataValidatorConfig(BaseDataValidatorConfig):
    """The thresholds of the checks (each call may override them with keyword arguments).

    `max_missing_fraction`: the largest share of missing values a column may have (0: none).
    `drift_threshold`: how far, in standard deviations of the comparison dataset's column, a
    numeric column's mean may move before `mean_drift` fails. `top_values`: how many of a text
    column's most common values its profile lists.
    """

    max_missing_fraction: float = Field(default=0.0, ge=0.0, le=1.0)
    drift_threshold: float = Field(default=1.0, gt=0.0)
    top_values: int = Field(default=5, ge=0)


class ColumnStatsDataValidatorFlavor(BaseDataValidatorFlavor):
    """The built-in `column_stats` data validator flavor."""

    @property
    def name(self) -> str:
        """The flavor's name."""
        return "column_stats"

    @property
    def config_class(self) -> type[ColumnStatsDataValidatorConfig]:
        """Its config class."""
        return ColumnStatsDataValidatorConfig

    @property
    def implementation_class(self) -> type[ColumnStatsDataValidator]:
        """Its implementation, imported only in the sidecar."""
        from flavorhost.flavors.column_stats_data_validator.data_validator import (
            ColumnStatsDataValidator,
        )

        return ColumnStatsDataValidator
