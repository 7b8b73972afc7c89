"""Serves a BaseFeatureStore implementation as the flavorhost.v1.FeatureStore gRPC service."""

from __future__ import annotations

from typing import Any

import grpc

from flavorhost import errors
from flavorhost.feature_stores.base_feature_store import BaseFeatureStore, feature_refs
from flavorhost.feature_stores.tables import columns_of, from_table, to_table
from flavorhost.generated.v1 import feature_store_pb2 as pb
from flavorhost.sidecar.components import ComponentTable
from flavorhost.strict_services import add_servicer

SERVICE_NAME = "flavorhost.v1.FeatureStore"


class FeatureStoreServicer:
    """One servicer for every feature store component of the sidecar's flavor."""

    def __init__(self, table: ComponentTable) -> None:
        self._table = table

    def _store(self, context: grpc.ServicerContext) -> BaseFeatureStore:
        store: BaseFeatureStore = self._table.for_call(context)
        return store

    @errors.servicer_errors
    def GetHistoricalFeatures(
        self, request: pb.GetHistoricalFeaturesRequest, context: Any
    ) -> pb.GetHistoricalFeaturesResponse:
        store = self._store(context)
        entity_df = from_table(request.entity_df, "entity_df")
        rows = store.get_historical_features(
            entity_df, list(request.features), request.full_feature_names
        )
        columns = columns_of([_promised(request.entity_df, request), *rows])
        return pb.GetHistoricalFeaturesResponse(table=to_table(rows, "the answer", columns))

    @errors.servicer_errors
    def GetOnlineFeatures(
        self, request: pb.GetOnlineFeaturesRequest, context: Any
    ) -> pb.GetOnlineFeaturesResponse:
        store = self._store(context)
        entity_rows = from_table(request.entity_rows, "entity_rows")
        answer = store.get_online_features(
            entity_rows, list(request.features), request.full_feature_names
        )
        lengths = {len(values) for values in answer.values()}
        if len(lengths) > 1:
            raise ValueError(f"the feature store answered columns of different lengths {lengths}")
        count = lengths.pop() if lengths else 0
        rows = [{name: values[i] for name, values in answer.items()} for i in range(count)]
        columns = columns_of([_promised(request.entity_rows, request), answer])
        return pb.GetOnlineFeaturesResponse(table=to_table(rows, "the answer", columns))


def _promised(entity: pb.Table, request: Any) -> dict[str, None]:
    """The columns the proto promises, in order: the entity table's, then one per feature (so
    an answer without rows still names them)."""
    features = feature_refs(list(request.features), request.full_feature_names)
    names = [*entity.columns, *(ref.column(request.full_feature_names) for ref in features)]
    return dict.fromkeys(names)


def register(server: grpc.Server, table: ComponentTable) -> str:
    """Adds the service to a sidecar's server; returns its full name."""
    descriptor = pb.DESCRIPTOR.services_by_name["FeatureStore"]
    add_servicer(server, FeatureStoreServicer(table), descriptor)
    return SERVICE_NAME
