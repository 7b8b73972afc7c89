"""`ModelDeployerProxy`: the BaseModelDeployer interface, served by a sidecar.

The model crosses as bytes: unless `deploy_model` is given the model's content, the proxy reads
it from the stack's artifact store at `config.model_uri`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from flavorhost import json_payloads
from flavorhost.enums import StackComponentType
from flavorhost.errors import EntityNotFoundError
from flavorhost.generated.v1 import model_deployer_pb2 as pb
from flavorhost.generated.v1 import model_deployer_pb2_grpc
from flavorhost.model_deployers.base_model_deployer import DEFAULT_DEPLOYMENT_START_STOP_TIMEOUT
from flavorhost.model_deployers.service import (
    ModelArtifact,
    ModelService,
    ModelServiceConfig,
    ServiceState,
    ServiceStatus,
)
from flavorhost.pipelines.materializers import FILES
from flavorhost.proxies.artifact_store import ArtifactStoreProxy
from flavorhost.proxies.component_proxy import ComponentProxy

# A model file's format by its name's ending, for a model_uri naming a file.
_SUFFIXES = {".json": "json", ".pkl": "pickle", ".pickle": "pickle"}


def service_from_message(message: pb.ModelService) -> ModelService:
    """A service as the sidecar described it."""
    config = json.loads(message.config_json or "{}")
    return ModelService(
        uuid=UUID(message.uuid),
        # The flavor may add fields the base config does not know: keep the base's only.
        config=ModelServiceConfig.model_validate(
            {k: v for k, v in config.items() if k in ModelServiceConfig.model_fields}
        ),
        status=ServiceStatus(state=ServiceState(message.state), last_error=message.last_error),
        prediction_url=message.prediction_url,
    )


class ModelDeployerProxy(ComponentProxy):
    """A model deployer component, as pipeline code uses it, served by its sidecar."""

    TYPE = StackComponentType.MODEL_DEPLOYER
    PROTO = pb.DESCRIPTOR
    SERVICE = "ModelDeployer"
    STUB = model_deployer_pb2_grpc.ModelDeployerStub

    _artifact_store: ArtifactStoreProxy | None = None

    def use_artifact_store(self, store: ArtifactStoreProxy) -> None:
        """The artifact store `deploy_model` reads `model_uri` from (the stack's)."""
        self._artifact_store = store

    def deploy_model(
        self,
        config: ModelServiceConfig | Mapping[str, Any],
        replace: bool = False,
        timeout: float = DEFAULT_DEPLOYMENT_START_STOP_TIMEOUT,
        model: ModelArtifact | None = None,
    ) -> ModelService:
        """Deploys a model and returns its service, serving.

        Without `model`, the model is read from the artifact store at `config.model_uri`: a
        step output's artifact folder (its `data.json` or `data.pkl`), or a `.json`/`.pkl` file.
        """
        config_json = json_payloads.encode(config, "service config")
        if model is None:
            model = self._read_model(str(json.loads(config_json).get("model_uri") or ""))
        request = pb.DeployModelRequest(
            config_json=config_json,
            model=pb.Model(format=model.format, content=model.content, uri=model.uri),
            replace=replace,
            timeout_seconds=timeout,
        )
        return service_from_message(self._call("DeployModel", request).service)

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
        """The services matching every criterion given, newest first."""
        request = pb.FindModelServerRequest(
            running=running,
            service_uuid=str(service_uuid or ""),
            run_name=run_name or "",
            pipeline_name=pipeline_name or "",
            pipeline_step_name=pipeline_step_name or "",
            model_name=model_name or "",
            model_version=model_version or "",
        )
        reply = self._call("FindModelServer", request)
        return [service_from_message(s) for s in reply.services]

    def stop_model_server(
        self,
        uuid: UUID | str,
        timeout: float = DEFAULT_DEPLOYMENT_START_STOP_TIMEOUT,
        force: bool = False,
    ) -> None:
        """Stops a model server; it stays listed and can be started again."""
        request = pb.StopModelServerRequest(uuid=str(uuid), timeout_seconds=timeout, force=force)
        self._call("StopModelServer", request)

    def start_model_server(
        self, uuid: UUID | str, timeout: float = DEFAULT_DEPLOYMENT_START_STOP_TIMEOUT
    ) -> None:
        """Starts a stopped model server again."""
        request = pb.StartModelServerRequest(uuid=str(uuid), timeout_seconds=timeout)
        self._call("StartModelServer", request)

    def delete_model_server(
        self,
        uuid: UUID | str,
        timeout: float = DEFAULT_DEPLOYMENT_START_STOP_TIMEOUT,
        force: bool = False,
    ) -> None:
        """Stops a model server and forgets it."""
        request = pb.DeleteModelServerRequest(uuid=str(uuid), timeout_seconds=timeout, force=force)
        self._call("DeleteModelServer", request)

    def get_model_server_info(self, service: ModelService) -> dict[str, str | None]:
        """The flavor's properties of a service (PREDICTION_URL, MODEL_URI, ...)."""
        request = pb.GetModelServerInfoRequest(uuid=str(service.uuid))
        return dict(self._call("GetModelServerInfo", request).info)

    def get_service(self, uuid: UUID | str) -> ModelService:
        """The service with this uuid; EntityNotFoundError if the deployer has none."""
        found = self.find_model_server(service_uuid=uuid)
        if not found:
            raise EntityNotFoundError(
                f"model deployer {self.name!r} has no model server {uuid}; "
                "find_model_server() lists those it has"
            )
        return found[0]

    def _read_model(self, uri: str) -> ModelArtifact:
        if not uri:
            raise ValueError(
                "the service config has no model_uri: set it to the model's artifact folder in "
                "the stack's artifact store (a step output), or pass model=ModelArtifact(...)"
            )
        store = self._artifact_store
        if store is None:
            raise ValueError(
                "this model deployer proxy has no artifact store to read model_uri from; use "
                "Client().active_stack.model_deployer, or pass model=ModelArtifact(...)"
            )
        if store.isdir(uri):
            for fmt, name in FILES.items():
                if store.exists(f"{uri}/{name}"):
                    return ModelArtifact(fmt, _read(store, f"{uri}/{name}"), uri)
            raise FileNotFoundError(
                f"model_uri {uri!r} is a folder without {' or '.join(FILES.values())}: give a "
                "step output's artifact folder"
            )
        suffix = uri[uri.rfind(".") :] if "." in uri.rpartition("/")[2] else ""
        if suffix not in _SUFFIXES:
            if not store.exists(uri):
                raise FileNotFoundError(
                    f"model_uri {uri!r} is not in artifact store {store.name!r} ({store.path})"
                )
            raise ValueError(
                f"model_uri {uri!r} names neither an artifact folder nor a .json or .pkl file"
            )
        return ModelArtifact(_SUFFIXES[suffix], _read(store, uri), uri)


def _read(store: ArtifactStoreProxy, path: str) -> bytes:
    with store.open(path, "rb") as file:
        content: bytes = file.read()
    return content
