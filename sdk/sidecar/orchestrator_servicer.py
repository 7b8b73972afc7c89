"""Serves a BaseOrchestrator implementation as the flavorhost.v1.Orchestrator gRPC service."""

from __future__ import annotations

import json
from typing import Any

import grpc

from flavorhost import errors
from flavorhost.generated.v1 import orchestrator_pb2 as pb
from flavorhost.orchestrators.base_orchestrator import BaseOrchestrator
from flavorhost.sidecar.components import ComponentTable
from flavorhost.strict_services import add_servicer
from flavorhost.wire import status_to_proto

SERVICE_NAME = "flavorhost.v1.Orchestrator"
KNOWN_STATUSES = {"", "pending", "running", "completed", "failed"}


class OrchestratorServicer:
    """One servicer for every orchestrator component of the sidecar's flavor."""

    def __init__(self, table: ComponentTable) -> None:
        self._table = table

    def _orchestrator(self, context: grpc.ServicerContext) -> BaseOrchestrator:
        orchestrator: BaseOrchestrator = self._table.for_call(context)
        return orchestrator

    @errors.servicer_errors
    def SubmitPipeline(
        self, request: pb.SubmitPipelineRequest, context: Any
    ) -> pb.SubmitPipelineResponse:
        try:
            snapshot = json.loads(request.snapshot_json)
        except ValueError as error:
            raise ValueError(f"snapshot_json is not JSON: {error}") from None
        if not isinstance(snapshot, dict) or not isinstance(snapshot.get("steps"), list):
            raise ValueError("snapshot_json must be a JSON object with a list of `steps`")
        step_environments = {
            name: dict(environment.variables)
            for name, environment in request.step_environments.items()
        }
        result = self._orchestrator(context).submit_pipeline(
            snapshot, dict(request.base_environment), step_environments
        )
        if result is None:
            return pb.SubmitPipelineResponse()
        return pb.SubmitPipelineResponse(
            orchestrator_run_id=result.orchestrator_run_id,
            metadata_json=json.dumps(result.metadata),
        )

    @errors.servicer_errors
    def FetchStatus(self, request: pb.FetchStatusRequest, context: Any) -> pb.FetchStatusResponse:
        status = self._orchestrator(context).fetch_status(request.run_id)
        if status not in KNOWN_STATUSES:
            raise errors.FlavorImplementationError(
                f"fetch_status returned {status!r}; return one of {sorted(KNOWN_STATUSES)}"
            )
        return pb.FetchStatusResponse(status=status_to_proto(status))


def register(server: grpc.Server, table: ComponentTable) -> str:
    """Adds the service to a sidecar's server; returns its full name."""
    add_servicer(
        server, OrchestratorServicer(table), pb.DESCRIPTOR.services_by_name["Orchestrator"]
    )
    return SERVICE_NAME
