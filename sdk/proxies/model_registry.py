"""`ModelRegistryProxy`: the BaseModelRegistry interface, served by a sidecar.

`get_latest_model_version` and `load_model_version` are derived here, as in the base class:
loading reads the model from the artifact store (the stack's, by default) through its proxy, so
no model crosses the wire (model_registry.proto's header).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flavorhost.enums import StackComponentType
from flavorhost.generated.v1 import model_registry_pb2 as pb
from flavorhost.generated.v1 import model_registry_pb2_grpc
from flavorhost.model_registries import model_loading
from flavorhost.model_registries import model_messages as messages
from flavorhost.model_registries.model_versions import (
    ModelRegistryModelMetadata,
    ModelVersionStage,
    RegisteredModel,
    RegistryModelVersion,
)
from flavorhost.proxies.component_proxy import ComponentProxy

Metadata = ModelRegistryModelMetadata | Mapping[str, Any] | None


class ModelRegistryProxy(ComponentProxy):
    """A model registry component, served by its sidecar. Stages may be given as
    ModelVersionStage or its value ("Production"); metadata as the model or a dict."""

    TYPE = StackComponentType.MODEL_REGISTRY
    PROTO = pb.DESCRIPTOR
    SERVICE = "ModelRegistry"
    STUB = model_registry_pb2_grpc.ModelRegistryStub

    # The artifact store load_model_version reads from when given none: the stack's, set by
    # `Stack.model_registry`.
    default_artifact_store: Any = None

    # --- registered models ----------------------------------------------------------------

    def register_model(
        self, name: str, description: str | None = None, metadata: dict[str, str] | None = None
    ) -> RegisteredModel:
        """Registers a model; EntityExistsError if one of that name is registered."""
        request = pb.RegisterModelRequest(
            name=name, description=description, metadata=metadata or {}
        )
        return messages.model_from_proto(self._call("RegisterModel", request))

    def delete_model(self, name: str) -> None:
        """Deletes a model and all its versions."""
        self._call("DeleteModel", pb.DeleteModelRequest(name=name))

    def update_model(
        self,
        name: str,
        description: str | None = None,
        metadata: dict[str, str] | None = None,
        remove_metadata: list[str] | None = None,
    ) -> RegisteredModel:
        """Replaces the description if given, merges `metadata`, then drops `remove_metadata`."""
        request = pb.UpdateModelRequest(
            name=name,
            description=description,
            metadata=metadata or {},
            remove_metadata=remove_metadata or [],
        )
        return messages.model_from_proto(self._call("UpdateModel", request))

    def get_model(self, name: str) -> RegisteredModel:
        """One registered model; EntityNotFoundError if there is none of that name."""
        return messages.model_from_proto(self._call("GetModel", pb.GetModelRequest(name=name)))

    def list_models(
        self, name: str | None = None, metadata: dict[str, str] | None = None
    ) -> list[RegisteredModel]:
        """The models of that name, and whose metadata hold every pair of `metadata`."""
        request = pb.ListModelsRequest(name=name, metadata=metadata or {})
        response = self._call("ListModels", request)
        return [messages.model_from_proto(m) for m in response.models]

    # --- model versions -------------------------------------------------------------------

    def register_model_version(
        self,
        name: str,
        version: str | None = None,
        model_source_uri: str | None = None,
        description: str | None = None,
        metadata: Metadata = None,
        model_format: str | None = None,
        model_library: str | None = None,
    ) -> RegistryModelVersion:
        """Registers a version of model `name` (registering the model if needed). For a
        pipeline artifact, pass its `uri` and its `materializer` as `model_format`."""
        request = pb.RegisterModelVersionRequest(
            name=name,
            version=version,
            model_source_uri=model_source_uri,
            description=description,
            metadata=messages.metadata_strings(metadata),
            model_format=model_format,
            model_library=model_library,
        )
        return messages.version_from_proto(self._call("RegisterModelVersion", request))

    def delete_model_version(self, name: str, version: str) -> None:
        """Deletes one version."""
        self._call("DeleteModelVersion", pb.DeleteModelVersionRequest(name=name, version=version))

    def update_model_version(
        self,
        name: str,
        version: str,
        description: str | None = None,
        metadata: Metadata = None,
        remove_metadata: list[str] | None = None,
        stage: ModelVersionStage | str | None = None,
    ) -> RegistryModelVersion:
        """Replaces description and stage if given, merges `metadata`, drops `remove_metadata`."""
        request = pb.UpdateModelVersionRequest(
            name=name,
            version=version,
            description=description,
            metadata=messages.metadata_strings(metadata),
            remove_metadata=remove_metadata or [],
            stage=messages.stage_to_proto(stage),
        )
        return messages.version_from_proto(self._call("UpdateModelVersion", request))

    def list_model_versions(
        self,
        name: str | None = None,
        model_source_uri: str | None = None,
        metadata: Metadata = None,
        stage: ModelVersionStage | str | None = None,
        count: int | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        order_by_date: str | None = None,
    ) -> list[RegistryModelVersion]:
        """The versions matching every filter given; `created_*` bounds are inclusive;
        `order_by_date` "asc" or "desc" (None: registration order); at most `count`."""
        request = pb.ListModelVersionsRequest(
            name=name,
            model_source_uri=model_source_uri,
            metadata=messages.metadata_strings(metadata),
            stage=messages.stage_to_proto(stage),
            count=count,
            created_after=messages.seconds(created_after),
            created_before=messages.seconds(created_before),
            order_by_date=order_by_date,
        )
        response = self._call("ListModelVersions", request)
        return [messages.version_from_proto(v) for v in response.versions]

    def get_model_version(self, name: str, version: str) -> RegistryModelVersion:
        """One version; EntityNotFoundError naming the model and version if there is none."""
        request = pb.GetModelVersionRequest(name=name, version=version)
        return messages.version_from_proto(self._call("GetModelVersion", request))

    def get_latest_model_version(
        self, name: str, stage: ModelVersionStage | str | None = None
    ) -> RegistryModelVersion | None:
        """The newest version of a model (in `stage` if given), or None."""
        found = self.list_model_versions(name=name, stage=stage, order_by_date="desc", count=1)
        return found[0] if found else None

    def get_model_uri_artifact_store(self, model_version: RegistryModelVersion) -> str:
        """Where the version's model is, as a URI of the artifact store."""
        request = pb.GetModelUriArtifactStoreRequest(
            model_version=messages.version_to_proto(model_version)
        )
        return str(self._call("GetModelUriArtifactStore", request).uri)

    def load_model_version(self, name: str, version: str, artifact_store: Any = None) -> Any:
        """The version's model, read through `artifact_store` (default: the stack's artifact
        store proxy): a pipeline artifact folder, by the materializer its model_format names."""
        store = artifact_store if artifact_store is not None else self.default_artifact_store
        if store is None:
            raise ValueError(
                f"loading {name!r} version {version!r} needs the artifact store the model is "
                "in: use Client().active_stack.model_registry, or pass artifact_store="
            )
        found = self.get_model_version(name, version)
        uri = self.get_model_uri_artifact_store(found)
        return model_loading.load_model(store, found, uri)
