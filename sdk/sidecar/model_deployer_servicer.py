"""Serves a BaseModelDeployer implementation as the flavorhost.v1.ModelDeployer gRPC service."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import grpc

from flavorhost import errors, json_payloads
from flavorhost.generated.v1 import model_deployer_pb2 as pb
from flavorhost.model_deployers.base_model_deployer import BaseModelDeployer
from flavorhost.model_deployers.service import ModelArtifact, ModelService
from flavorhost.sidecar.components import ComponentTable
from flavorhost.strict_services import add_servicer

SERVICE_NAME = "flavorhost.v1.ModelDeployer"


def service_message(service: ModelService) -> pb.ModelService:
    """The wire form of a service."""
    return pb.ModelService(
        uuid=str(service.uuid),
        config_json=service.config.model_dump_json(),
        state=service.status.state.value,
        last_error=service.status.last_error,
        prediction_url=service.prediction_url,
    )


class ModelDeployerServicer:
    """One servicer for every model deployer component of the sidecar's flavor."""

    def __init__(self, table: ComponentTable) -> None:
        self._table = table

    def _deployer(self, context: grpc.ServicerContext) -> BaseModelDeployer:
        deployer: BaseModelDeployer = self._table.for_call(context)
        return deployer

    @errors.servicer_errors
    def DeployModel(self, request: pb.DeployModelRequest, context: Any) -> pb.DeployModelResponse:
        deployer = self._deployer(context)
        config_class = type(deployer).SERVICE_CONFIG_CLASS
        config = json_payloads.decode(config_class, request.config_json, "service config")
        if not request.HasField("model") or not request.model.format:
            raise ValueError("the request has no model; send the model's format and content")
        model = ModelArtifact(request.model.format, request.model.content, request.model.uri)
        service = deployer.deploy_model(
            config or config_class(), request.replace, request.timeout_seconds, model
        )
        return pb.DeployModelResponse(service=service_message(service))

    @errors.servicer_errors
    def FindModelServer(
        self, request: pb.FindModelServerRequest, context: Any
    ) -> pb.FindModelServerResponse:
        found = self._deployer(context).find_model_server(
            running=request.running,
            service_uuid=request.service_uuid or None,
            run_name=request.run_name or None,
            pipeline_name=request.pipeline_name or None,
            pipeline_step_name=request.pipeline_step_name or None,
            model_name=request.model_name or None,
            model_version=request.model_version or None,
        )
        return pb.FindModelServerResponse(services=[service_message(s) for s in found])

    @errors.servicer_errors
    def StopModelServer(
        self, request: pb.StopModelServerRequest, context: Any
    ) -> pb.StopModelServerResponse:
        deployer = self._deployer(context)
        deployer.stop_model_server(_uuid(request.uuid), request.timeout_seconds, request.force)
        return pb.StopModelServerResponse()

    @errors.servicer_errors
    def StartModelServer(
        self, request: pb.StartModelServerRequest, context: Any
    ) -> pb.StartModelServerResponse:
        self._deployer(context).start_model_server(_uuid(request.uuid), request.timeout_seconds)
        return pb.StartModelServerResponse()

    @errors.servicer_errors
    def DeleteModelServer(
        self, request: pb.DeleteModelServerRequest, context: Any
    ) -> pb.DeleteModelServerResponse:
        deployer = self._deployer(context)
        deployer.delete_model_server(_uuid(request.uuid), request.timeout_seconds, request.force)
        return pb.DeleteModelServerResponse()

    @errors.servicer_errors
    def GetModelServerInfo(
        self, request: pb.GetModelServerInfoRequest, context: Any
    ) -> pb.GetModelServerInfoResponse:
        deployer = self._deployer(context)
        info = deployer.get_model_server_info(deployer.get_service(_uuid(request.uuid)))
        return pb.GetModelServerInfoResponse(
            info={k: str(v) for k, v in info.items() if v is not None}
        )


def _uuid(text: str) -> UUID:
    if not text:
        raise ValueError("the request has no uuid; pass the model server's uuid")
    try:
        return UUID(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a model server uuid (a UUID)") from None


def register(server: grpc.Server, table: ComponentTable) -> str:
    """Adds the service to a sidecar's server; returns its full name."""
    descriptor = pb.DESCRIPTOR.services_by_name["ModelDeployer"]
    add_servicer(server, ModelDeployerServicer(table), descriptor)
    return SERVICE_NAME
