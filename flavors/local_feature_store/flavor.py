"""Config and flavor of the `local` feature store (light: no implementation imports)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from flavorhost.feature_stores import BaseFeatureStoreConfig, BaseFeatureStoreFlavor

if TYPE_CHECKING:
    from flavorhost.flavors.local_feature_store.feature_store import LocalFeatureStore


class LocalFeatureStoreConfig(BaseFeatureStoreConfig):
    """Feature views kept as CSV files in a directory: `path/VIEW.csv` is the view VIEW.

    Each file has a header row; its columns are the join keys it has among `join_keys`, the
    `timestamp_field` (ISO 8601; without an offset, UTC) and the features (every other column).
    A feature is referenced as `VIEW:FEATURE`. Values are read as integers or decimals when they
    look like one, as null when empty, as text otherwise; join keys are compared as text.

    Historical features are joined point in time: an entity row at time T gets, per view, the
    values of the row with the same join keys and the latest timestamp at or before T (and, with
    `ttl_seconds`, after T - ttl); among rows with the same timestamp the later line wins. No such
    row gives null. Online features are the values of the latest row per join keys.
    """

    path: str = Field(description="Absolute directory holding the views' VIEW.csv files.")
    join_keys: list[str] = Field(
        min_length=1, description="The entity columns views are joined on, e.g. ['driver_id']."
    )
    timestamp_field: str = Field(
        default="event_timestamp", description="The column holding each row's event time."
    )
    ttl_seconds: float | None = Field(
        default=None, gt=0, description="How old a value may be for a historical row; no limit."
    )

    @field_validator("path")
    @classmethod
    def _path(cls, path: str) -> str:
        expanded = os.path.expanduser(path)
        if "://" in expanded or not os.path.isabs(expanded):
            raise ValueError(f"{path!r} must be an absolute directory on this machine")
        return os.path.normpath(expanded)

    @property
    def is_local(self) -> bool:
        """The views are files on this machine."""
        return True


class LocalFeatureStoreFlavor(BaseFeatureStoreFlavor):
    """The built-in `local` feature store flavor."""

    @property
    def name(self) -> str:
        """The flavor's name."""
        return "local"

    @property
    def config_class(self) -> type[LocalFeatureStoreConfig]:
        """Its config class."""
        return LocalFeatureStoreConfig

    @property
    def implementation_class(self) -> type[LocalFeatureStore]:
        """Its implementation, imported only in the sidecar."""
        from flavorhost.flavors.local_feature_store.feature_store import LocalFeatureStore

        return LocalFeatureStore
