"""The model registry abstraction: registered models, their versions and stages.

ZenML's BaseModelRegistry, with two derived methods: `get_latest_model_version` (from
`list_model_versions`) and `load_model_version` (the version's model read from an artifact
store, see `model_loading.py`); `get_model_uri_artifact_store` returns the source URI unless a
flavor keeps models elsewhere. Flavors raise EntityNotFoundError (a LookupError; ZenML raises
KeyError) for a missing model or version and EntityExistsError for one that exists already.
"""

from __future__ import annotations

import builtins
from abc import abstractmethod
from datetime import datetime
from typing import Any

from flavorhost.enums import StackComponentType
from flavorhost.model_registries import model_loading
from flavorhost.model_registries.model_versions import (
    ModelRegistryModelMetadata,
    ModelVersionStage,
    RegisteredModel,
    RegistryModelVersion,
)
from flavorhost.stack.flavor import Flavor
from flavorhost.stack.stack_component import StackComponent, StackComponentConfig


class BaseModelRegistryConfig(StackComponentConfig):
    """Config of every model registry; flavors add their fields."""


class BaseModelRegistry(StackComponent):
    """Base class of every model registry implementation."""

    @property
    def config(self) -> BaseModelRegistryConfig:
        """The registry's config."""
        config = self._config
        assert isinstance(config, BaseModelRegistryConfig)
        return config

    # --- registered models ----------------------------------------------------------------

    @abstractmethod
    def register_model(
        self, name: str, description: str | None = None, metadata: dict[str, str] | None = None
    ) -> RegisteredModel:
        """Registers a model; EntityExistsError if one of that name is registered."""

    @abstractmethod
    def delete_model(self, name: str) -> None:
        """Deletes a model and all its versions."""

    @abstractmethod
    def update_model(
        self,
        name: str,
        description: str | None = None,
        metadata: dict[str, str] | None = None,
        remove_metadata: list[str] | None = None,
    ) -> RegisteredModel:
        """Replaces the description if given, merges `metadata`, then drops `remove_metadata`."""

    @abstractmethod
    def get_model(self, name: str) -> RegisteredModel:
        """One registered model."""

    @abstractmethod
    def list_models(
        self, name: str | None = None, metadata: dict[str, str] | None = None
    ) -> list[RegisteredModel]:
        """The models of that name, and whose metadata hold every pair of `metadata`."""

    # --- model versions -------------------------------------------------------------------

    @abstractmethod
    def register_model_version(
        self,
        name: str,
        version: str | None = None,
        model_source_uri: str | None = None,
        description: str | None = None,
        metadata: ModelRegistryModelMetadata | None = None,
        model_format: str | None = None,
        model_library: str | None = None,
    ) -> RegistryModelVersion:
        """Registers a version of model `name` (registering the model if needed); the flavor
        names it when `version` is None."""

    @abstractmethod
    def delete_model_version(self, name: str, version: str) -> None:
        """Deletes one version."""

    @abstractmethod
    def update_model_version(
        self,
        name: str,
        version: str,
        description: str | None = None,
        metadata: ModelRegistryModelMetadata | None = None,
        remove_metadata: list[str] | None = None,
        stage: ModelVersionStage | None = None,
    ) -> RegistryModelVersion:
        """Replaces description and stage if given, merges `metadata`, drops `remove_metadata`."""

    @abstractmethod
    def list_model_versions(
        self,
        name: str | None = None,
        model_source_uri: str | None = None,
        metadata: ModelRegistryModelMetadata | None = None,
        stage: ModelVersionStage | None = None,
        count: int | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        order_by_date: str | None = None,
    ) -> list[RegistryModelVersion]:
        """The versions matching every filter given; `created_*` bounds are inclusive;
        `order_by_date` "asc" or "desc" (None: registration order); at most `count`."""

    @abstractmethod
    def get_model_version(self, name: str, version: str) -> RegistryModelVersion:
        """One version."""

    def get_latest_model_version(
        self, name: str, stage: ModelVersionStage | None = None
    ) -> RegistryModelVersion | None:
        """The newest version of a model (in `stage` if given), or None."""
        found = self.list_model_versions(name=name, stage=stage, order_by_date="desc", count=1)
        return found[0] if found else None

    def get_model_uri_artifact_store(self, model_version: RegistryModelVersion) -> str:
        """Where the version's model is, as a URI of the artifact store. Flavors that keep
        models outside artifact stores override it (copying the model into one if need be)."""
        return model_version.model_source_uri

    def load_model_version(self, name: str, version: str, artifact_store: Any = None) -> Any:
        """The version's model, read from `artifact_store` (the SDK proxy defaults it to its
        stack's): a pipeline artifact folder, by its materializer."""
        if artifact_store is None:
            raise ValueError(
                f"loading {name!r} version {version!r} needs the artifact store the model is in; "
                "pass artifact_store="
            )
        found = self.get_model_version(name, version)
        uri = self.get_model_uri_artifact_store(found)
        return model_loading.load_model(artifact_store, found, uri)


class BaseModelRegistryFlavor(Flavor):
    """Base class of model registry flavors: the type is fixed."""

    @property
    def type(self) -> StackComponentType:
        """Model registries are of type MODEL_REGISTRY."""
        return StackComponentType.MODEL_REGISTRY

    @property
    def config_class(self) -> builtins.type[BaseModelRegistryConfig]:
        """The config class; flavors narrow it."""
        return BaseModelRegistryConfig

    @property
    @abstractmethod
    def implementation_class(self) -> builtins.type[BaseModelRegistry]:
        """The implementation class (imported in the sidecar only)."""
