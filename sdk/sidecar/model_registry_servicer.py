"""Serves a BaseModelRegistry implementation as the flavorhost.v1.ModelRegistry gRPC service."""

from __future__ import annotations

from typing import Any

import grpc

from flavorhost import errors
from flavorhost.generated.v1 import model_registry_pb2 as pb
from flavorhost.model_registries import model_messages as messages
from flavorhost.model_registries.base_model_registry import BaseModelRegistry
from flavorhost.model_registries.model_versions import (
    ModelRegistryModelMetadata,
    RegisteredModel,
    RegistryModelVersion,
)
from flavorhost.sidecar.components import ComponentTable
from flavorhost.strict_services import add_servicer

SERVICE_NAME = "flavorhost.v1.ModelRegistry"


def _optional(message: Any, field: str) -> Any:
    return getattr(message, field) if message.HasField(field) else None


def _name(name: str, what: str = "name") -> str:
    if not name:
        raise ValueError(f"{what} is empty; give the registered model's name")
    return name


def _version(version: str) -> str:
    if not version:
        raise ValueError("version is empty; give the model version's name (e.g. '1')")
    return version


def _metadata(message: Any) -> ModelRegistryModelMetadata | None:
    if not message.metadata:
        return None
    return ModelRegistryModelMetadata.model_validate(dict(message.metadata))


def _model(value: Any, method: str) -> pb.RegisteredModel:
    if not isinstance(value, RegisteredModel):
        raise errors.FlavorImplementationError(
            f"{method} returned {type(value).__name__}; return a RegisteredModel"
        )
    return messages.model_to_proto(value)


def _version_message(value: Any, method: str) -> pb.ModelVersion:
    if not isinstance(value, RegistryModelVersion):
        raise errors.FlavorImplementationError(
            f"{method} returned {type(value).__name__}; return a RegistryModelVersion"
        )
    return messages.version_to_proto(value)


class ModelRegistryServicer:
    """One servicer for every model registry component of the sidecar's flavor."""

    def __init__(self, table: ComponentTable) -> None:
        self._table = table

    def _registry(self, context: grpc.ServicerContext) -> BaseModelRegistry:
        registry: BaseModelRegistry = self._table.for_call(context)
        return registry

    # --- registered models ----------------------------------------------------------------

    @errors.servicer_errors
    def RegisterModel(self, request: pb.RegisterModelRequest, context: Any) -> pb.RegisteredModel:
        created = self._registry(context).register_model(
            _name(request.name), _optional(request, "description"), dict(request.metadata)
        )
        return _model(created, "register_model")

    @errors.servicer_errors
    def DeleteModel(self, request: pb.DeleteModelRequest, context: Any) -> pb.DeleteModelResponse:
        self._registry(context).delete_model(_name(request.name))
        return pb.DeleteModelResponse()

    @errors.servicer_errors
    def UpdateModel(self, request: pb.UpdateModelRequest, context: Any) -> pb.RegisteredModel:
        updated = self._registry(context).update_model(
            _name(request.name),
            _optional(request, "description"),
            dict(request.metadata),
            list(request.remove_metadata),
        )
        return _model(updated, "update_model")

    @errors.servicer_errors
    def GetModel(self, request: pb.GetModelRequest, context: Any) -> pb.RegisteredModel:
        return _model(self._registry(context).get_model(_name(request.name)), "get_model")

    @errors.servicer_errors
    def ListModels(self, request: pb.ListModelsRequest, context: Any) -> pb.ListModelsResponse:
        found = self._registry(context).list_models(
            _optional(request, "name"), dict(request.metadata) or None
        )
        return pb.ListModelsResponse(models=[_model(m, "list_models") for m in found])

    # --- model versions -------------------------------------------------------------------

    @errors.servicer_errors
    def RegisterModelVersion(
        self, request: pb.RegisterModelVersionRequest, context: Any
    ) -> pb.ModelVersion:
        version = _optional(request, "version")
        created = self._registry(context).register_model_version(
            _name(request.name),
            version=None if version is None else _version(version),
            model_source_uri=_optional(request, "model_source_uri"),
            description=_optional(request, "description"),
            metadata=_metadata(request),
            model_format=_optional(request, "model_format"),
            model_library=_optional(request, "model_library"),
        )
        return _version_message(created, "register_model_version")

    @errors.servicer_errors
    def DeleteModelVersion(
        self, request: pb.DeleteModelVersionRequest, context: Any
    ) -> pb.DeleteModelVersionResponse:
        self._registry(context).delete_model_version(_name(request.name), _version(request.version))
        return pb.DeleteModelVersionResponse()

    @errors.servicer_errors
    def UpdateModelVersion(
        self, request: pb.UpdateModelVersionRequest, context: Any
    ) -> pb.ModelVersion:
        updated = self._registry(context).update_model_version(
            _name(request.name),
            _version(request.version),
            description=_optional(request, "description"),
            metadata=_metadata(request),
            remove_metadata=list(request.remove_metadata),
            stage=messages.stage_from_proto(request.stage),
        )
        return _version_message(updated, "update_model_version")

    @errors.servicer_errors
    def ListModelVersions(
        self, request: pb.ListModelVersionsRequest, context: Any
    ) -> pb.ListModelVersionsResponse:
        count = _optional(request, "count")
        if count is not None and count < 1:
            raise ValueError(f"count must be positive, not {count}; leave it unset for all")
        order = _optional(request, "order_by_date")
        if order is not None and order not in ("asc", "desc"):
            raise ValueError(f"order_by_date must be 'asc' or 'desc', not {order!r}")
        after, before = _optional(request, "created_after"), _optional(request, "created_before")
        found = self._registry(context).list_model_versions(
            name=_optional(request, "name"),
            model_source_uri=_optional(request, "model_source_uri"),
            metadata=_metadata(request),
            stage=messages.stage_from_proto(request.stage),
            count=count,
            created_after=None if after is None else messages.moment(after),
            created_before=None if before is None else messages.moment(before),
            order_by_date=order,
        )
        return pb.ListModelVersionsResponse(
            versions=[_version_message(v, "list_model_versions") for v in found]
        )

    @errors.servicer_errors
    def GetModelVersion(self, request: pb.GetModelVersionRequest, context: Any) -> pb.ModelVersion:
        found = self._registry(context).get_model_version(
            _name(request.name), _version(request.version)
        )
        return _version_message(found, "get_model_version")

    @errors.servicer_errors
    def GetModelUriArtifactStore(
        self, request: pb.GetModelUriArtifactStoreRequest, context: Any
    ) -> pb.GetModelUriArtifactStoreResponse:
        if not request.HasField("model_version"):
            raise ValueError("model_version is missing; send the version GetModelVersion gave")
        uri = self._registry(context).get_model_uri_artifact_store(
            messages.version_from_proto(request.model_version)
        )
        if not isinstance(uri, str):
            raise errors.FlavorImplementationError(
                f"get_model_uri_artifact_store returned {type(uri).__name__}; return a URI"
            )
        return pb.GetModelUriArtifactStoreResponse(uri=uri)


def register(server: grpc.Server, table: ComponentTable) -> str:
    """Adds the service to a sidecar's server; returns its full name."""
    add_servicer(
        server, ModelRegistryServicer(table), pb.DESCRIPTOR.services_by_name["ModelRegistry"]
    )
    return SERVICE_NAME
