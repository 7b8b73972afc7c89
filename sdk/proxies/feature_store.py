"""`FeatureStoreProxy`: the BaseFeatureStore interface, served by a sidecar.

Takes entity rows as a list of dicts or a pandas DataFrame (pandas is imported only when the
caller passes one); answers rows, or a DataFrame when a DataFrame was passed.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

from flavorhost.enums import StackComponentType
from flavorhost.feature_stores.tables import from_table, to_table
from flavorhost.generated.v1 import feature_store_pb2 as pb
from flavorhost.generated.v1 import feature_store_pb2_grpc
from flavorhost.proxies.component_proxy import ComponentProxy

Rows = list[dict[str, Any]]


def _is_dataframe(value: Any) -> bool:
    pandas = sys.modules.get("pandas")  # a DataFrame exists only if pandas was imported
    return pandas is not None and isinstance(value, pandas.DataFrame)


def _table(value: Any, what: str) -> pb.Table:
    if _is_dataframe(value):
        columns = [str(c) for c in value.columns]
        rows = [dict(zip(columns, row, strict=True)) for row in value.itertuples(index=False)]
        return to_table(rows, what, columns)
    if isinstance(value, str):
        raise TypeError(
            f"{what} must be rows (a list of dicts) or a pandas DataFrame; an entity name or "
            "query string is not supported"
        )
    if not isinstance(value, Sequence):
        raise TypeError(
            f"{what} must be a list of dict rows or a pandas DataFrame, not {type(value).__name__}"
        )
    return to_table(list(value), what)


def _features(features: Any) -> list[str]:
    if isinstance(features, str) or not isinstance(features, Sequence):
        raise TypeError(
            "features must be a list of 'VIEW:FEATURE' references, e.g. ['driver_stats:conv_rate']"
        )
    return [str(f) for f in features]


class FeatureStoreProxy(ComponentProxy):
    """A feature store component, as pipeline code uses it, served by its sidecar."""

    TYPE = StackComponentType.FEATURE_STORE
    PROTO = pb.DESCRIPTOR
    SERVICE = "FeatureStore"
    STUB = feature_store_pb2_grpc.FeatureStoreStub

    def get_historical_features(
        self, entity_df: Any, features: Sequence[str], full_feature_names: bool = False
    ) -> Any:
        """The entity rows, each with the features' values as of its timestamp: rows, or a
        DataFrame if `entity_df` is one."""
        request = pb.GetHistoricalFeaturesRequest(
            entity_df=_table(entity_df, "entity_df"),
            features=_features(features),
            full_feature_names=full_feature_names,
        )
        table = self._call("GetHistoricalFeatures", request).table
        rows = from_table(table, "the feature store's answer")
        if _is_dataframe(entity_df):
            return sys.modules["pandas"].DataFrame(rows, columns=list(table.columns))
        return rows

    def get_online_features(
        self,
        entity_rows: Sequence[Mapping[str, Any]],
        features: Sequence[str],
        full_feature_names: bool = False,
    ) -> dict[str, list[Any]]:
        """The features' latest values: column name to one value per entity row (the entity
        rows' own columns first)."""
        request = pb.GetOnlineFeaturesRequest(
            entity_rows=_table(entity_rows, "entity_rows"),
            features=_features(features),
            full_feature_names=full_feature_names,
        )
        table = self._call("GetOnlineFeatures", request).table
        rows = from_table(table, "the feature store's answer")
        return {name: [row[name] for row in rows] for name in table.columns}
