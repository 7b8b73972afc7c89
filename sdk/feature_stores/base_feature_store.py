"""The feature store abstraction: feature values for training (as of a time) and inference.

Across the process boundary a dataframe is a list of rows, each a dict of column name to a JSON
value (timestamps as ISO 8601 text); the SDK's proxy turns pandas DataFrames into rows and back.
A feature is named by a reference `VIEW:FEATURE` (Feast's form), parsed by `FeatureRef.parse`.
"""

from __future__ import annotations

import builtins
from abc import abstractmethod
from dataclasses import dataclass
from typing import Any

from flavorhost.enums import StackComponentType
from flavorhost.stack.flavor import Flavor
from flavorhost.stack.stack_component import StackComponent, StackComponentConfig

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class FeatureRef:
    """A feature reference: the view (a named group of features) and the feature in it."""

    view: str
    feature: str

    @classmethod
    def parse(cls, text: str) -> FeatureRef:
        """`VIEW:FEATURE`; ValueError naming the reference otherwise."""
        view, colon, feature = str(text).partition(":")
        if not colon or not view or not feature or ":" in feature:
            raise ValueError(
                f"feature {text!r} is not a feature reference: write VIEW:FEATURE, e.g. "
                "'driver_stats:conv_rate'"
            )
        return cls(view, feature)

    def column(self, full_feature_names: bool) -> str:
        """The answer's column name: FEATURE, or VIEW__FEATURE with full names."""
        return f"{self.view}__{self.feature}" if full_feature_names else self.feature


def feature_refs(features: list[str], full_feature_names: bool) -> list[FeatureRef]:
    """The parsed references; ValueError when two would name the same column."""
    if isinstance(features, str) or not isinstance(features, list) or not features:
        raise ValueError("features must be a non-empty list of 'VIEW:FEATURE' references")
    refs = [FeatureRef.parse(f) for f in features]
    seen: dict[str, FeatureRef] = {}
    for ref in refs:
        column = ref.column(full_feature_names)
        other = seen.setdefault(column, ref)
        if other != ref:
            raise ValueError(
                f"features {other.view}:{other.feature} and {ref.view}:{ref.feature} would both "
                f"be column {column!r}: pass full_feature_names=True"
            )
        if other is not ref and other == ref:
            raise ValueError(f"feature {ref.view}:{ref.feature} is requested twice")
    return refs


class BaseFeatureStoreConfig(StackComponentConfig):
    """Config of every feature store; flavors add their fields."""


class BaseFeatureStore(StackComponent):
    """Base class of every feature store implementation."""

    @property
    def config(self) -> BaseFeatureStoreConfig:
        """The feature store's config."""
        config = self._config
        assert isinstance(config, BaseFeatureStoreConfig)
        return config

    @abstractmethod
    def get_historical_features(
        self, entity_df: Rows, features: list[str], full_feature_names: bool = False
    ) -> Rows:
        """The entity rows, each with the requested features' values as of its timestamp."""

    @abstractmethod
    def get_online_features(
        self, entity_rows: Rows, features: list[str], full_feature_names: bool = False
    ) -> dict[str, list[Any]]:
        """The requested features' latest values: column name to one value per entity row."""


class BaseFeatureStoreFlavor(Flavor):
    """Base class of feature store flavors: the type is fixed, the config defaults to the base."""

    @property
    def type(self) -> StackComponentType:
        """Feature stores are of type FEATURE_STORE."""
        return StackComponentType.FEATURE_STORE

    @property
    def config_class(self) -> builtins.type[BaseFeatureStoreConfig]:
        """The config class; flavors narrow it."""
        return BaseFeatureStoreConfig

    @property
    @abstractmethod
    def implementation_class(self) -> builtins.type[BaseFeatureStore]:
        """The implementation class (imported in the sidecar only)."""
