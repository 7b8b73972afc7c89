"""The model deployer abstraction: deploy models as servers and manage their life cycle.

As fsspec's spec does, the base derives the interface from a few primitives: a flavor implements
`_deploy`, `_list`, `_start`, `_stop` and `_delete`; the base checks the model's format, does
the `replace` logic, filters `find_model_server` and turns unknown uuids into one error, so
every flavor behaves the same at the edges.
"""

from __future__ import annotations

import builtins
import uuid as uuid_module
from abc import abstractmethod
from typing import ClassVar
from uuid import UUID

from flavorhost.enums import StackComponentType
from flavorhost.errors import EntityNotFoundError
from flavorhost.model_deployers.service import (
    ModelArtifact,
    ModelService,
    ModelServiceConfig,
    ServiceState,
)
from flavorhost.stack.flavor import Flavor
from flavorhost.stack.stack_component import StackComponent, StackComponentConfig

DEFAULT_DEPLOYMENT_START_STOP_TIMEOUT = 300


class BaseModelDeployerConfig(StackComponentConfig):
    """Config of every model deployer; flavors add their fields."""


class BaseModelDeployer(StackComponent):
    """Base class of every model deployer implementation."""

    # The class service configs are validated into in the sidecar.
    SERVICE_CONFIG_CLASS: ClassVar[builtins.type[ModelServiceConfig]] = ModelServiceConfig
    # The model formats (`json`, `pickle`) the flavor serves.
    MODEL_FORMATS: ClassVar[frozenset[str]] = frozenset()

    @property
    def config(self) -> BaseModelDeployerConfig:
        """The deployer's config."""
        config = self._config
        assert isinstance(config, BaseModelDeployerConfig)
        return config

    def deploy_model(
        self,
        config: ModelServiceConfig,
        replace: bool = False,
        timeout: float = DEFAULT_DEPLOYMENT_START_STOP_TIMEOUT,
        model: ModelArtifact | None = None,
    ) -> ModelService:
        """Serves `model` and returns its service.

        `replace=True` deletes the services deployed with the same pipeline_name,
        pipeline_step_name and model_name first; the new one keeps the first one's uuid.
        Otherwise a new service is added beside them. The SDK's proxy reads `model` from the
        artifact store at `config.model_uri` when it is not given.
        """
        if model is None:
            raise ValueError(
                "deploy_model needs the model's content: deploy through the SDK "
                "(Client().active_stack.model_deployer), which reads config.model_uri from the "
                "artifact store, or pass model=ModelArtifact(format, content)"
            )
        if model.format not in self.MODEL_FORMATS:
            raise ValueError(
                f"model deployer {self.name!r} (flavor {self.flavor!r}) does not serve "
                f"{model.format!r} models; it serves {', '.join(sorted(self.MODEL_FORMATS))}"
            )
        service_uuid = uuid_module.uuid4()
        if replace:
            same = [
                s
                for s in self._list()
                if (s.config.pipeline_name, s.config.pipeline_step_name, s.config.model_name)
                == (config.pipeline_name, config.pipeline_step_name, config.model_name)
            ]
            for old in same:
                self._delete(old.uuid, timeout, True)
            if same:
                service_uuid = same[0].uuid
        return self._deploy(service_uuid, config, model, timeout)

    def find_model_server(
        self,
        running: bool = False,
        service_uuid: UUID | str | None = None,
        run_name: str | None = None,
        pipeline_name: str | None = None,
        pipeline_step_name: str | None = None,
        model_name: str | None = None,
        model_version: str | None = None,
    ) -> list[ModelService]:
        """The services matching every criterion given (None matches all), newest first."""
        wanted = {
            "run_name": run_name,
            "pipeline_name": pipeline_name,
            "pipeline_step_name": pipeline_step_name,
            "model_name": model_name,
            "model_version": model_version,
        }
        found = []
        for service in self._list():
            if running and service.status.state != ServiceState.ACTIVE:
                continue
            if service_uuid is not None and str(service.uuid) != str(service_uuid):
                continue
            values = service.config.model_dump()
            if any(v is not None and values[k] != v for k, v in wanted.items()):
                continue
            found.append(service)
        return found

    def stop_model_server(
        self,
        uuid: UUID | str,
        timeout: float = DEFAULT_DEPLOYMENT_START_STOP_TIMEOUT,
        force: bool = False,
    ) -> None:
        """Stops a model server; it stays listed and can be started again."""
        self._stop(self._known(uuid), timeout, force)

    def start_model_server(
        self, uuid: UUID | str, timeout: float = DEFAULT_DEPLOYMENT_START_STOP_TIMEOUT
    ) -> None:
        """Starts a stopped model server again."""
        self._start(self._known(uuid), timeout)

    def delete_model_server(
        self,
        uuid: UUID | str,
        timeout: float = DEFAULT_DEPLOYMENT_START_STOP_TIMEOUT,
        force: bool = False,
    ) -> None:
        """Stops a model server and forgets it."""
        self._delete(self._known(uuid), timeout, force)

    def get_model_server_info(self, service: ModelService) -> dict[str, str | None]:
        """Properties of a service for people; flavors add their own."""
        return {
            "PREDICTION_URL": service.prediction_url or None,
            "MODEL_URI": service.config.model_uri or None,
            "MODEL_NAME": service.config.model_name or None,
            "STATUS": service.status.state.value,
            "LAST_ERROR": service.status.last_error or None,
        }

    def get_service(self, uuid: UUID | str) -> ModelService:
        """The service with this uuid; EntityNotFoundError naming it otherwise."""
        known = self._known(uuid)
        return next(s for s in self._list() if s.uuid == known)

    def _known(self, uuid: UUID | str) -> UUID:
        try:
            wanted = uuid if isinstance(uuid, UUID) else UUID(str(uuid))
        except ValueError:
            raise ValueError(f"{uuid!r} is not a model server uuid (a UUID)") from None
        if not any(s.uuid == wanted for s in self._list()):
            raise EntityNotFoundError(
                f"model deployer {self.name!r} has no model server {wanted}; "
                "find_model_server() lists those it has"
            )
        return wanted

    # The primitives.

    @abstractmethod
    def _deploy(
        self, uuid: UUID, config: ModelServiceConfig, model: ModelArtifact, timeout: float
    ) -> ModelService:
        """Starts a new server for `model` (its format already checked) under `uuid`."""

    @abstractmethod
    def _list(self) -> list[ModelService]:
        """Every service the deployer keeps, with its current state, newest first."""

    @abstractmethod
    def _start(self, uuid: UUID, timeout: float) -> None:
        """Starts a known, stopped service (a no-op when it serves)."""

    @abstractmethod
    def _stop(self, uuid: UUID, timeout: float, force: bool) -> None:
        """Stops a known service (a no-op when it is stopped)."""

    @abstractmethod
    def _delete(self, uuid: UUID, timeout: float, force: bool) -> None:
        """Stops a known service and forgets it."""


class BaseModelDeployerFlavor(Flavor):
    """Base class of model deployer flavors: the type is fixed, the config defaults to the base."""

    @property
    def type(self) -> StackComponentType:
        """Model deployers are of type MODEL_DEPLOYER."""
        return StackComponentType.MODEL_DEPLOYER

    @property
    def config_class(self) -> builtins.type[BaseModelDeployerConfig]:
        """The config class; flavors narrow it."""
        return BaseModelDeployerConfig

    @property
    @abstractmethod
    def implementation_class(self) -> builtins.type[BaseModelDeployer]:
        """The implementation class (imported in the sidecar only)."""
