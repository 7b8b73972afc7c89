"""`OrchestratorProxy`: the BaseOrchestrator interface, served by a sidecar."""

from __future__ import annotations

import json
from typing import Any

from flavorhost.enums import StackComponentType
from flavorhost.generated.v1 import orchestrator_pb2 as pb
from flavorhost.generated.v1 import orchestrator_pb2_grpc
from flavorhost.orchestrators.base_orchestrator import SubmissionResult
from flavorhost.proxies.component_proxy import ComponentProxy
from flavorhost.wire import status_from_proto


class OrchestratorProxy(ComponentProxy):
    """An orchestrator component, served by its sidecar. Pipelines call it for you
    (`flavorhost.pipeline`)."""

    TYPE = StackComponentType.ORCHESTRATOR
    PROTO = pb.DESCRIPTOR
    SERVICE = "Orchestrator"
    STUB = orchestrator_pb2_grpc.OrchestratorStub

    def submit_pipeline(
        self,
        snapshot: dict[str, Any],
        base_environment: dict[str, str],
        step_environments: dict[str, dict[str, str]],
    ) -> SubmissionResult | None:
        """Starts a run of `snapshot`; returns once the orchestrator took it."""
        request = pb.SubmitPipelineRequest(
            snapshot_json=json.dumps(snapshot),
            base_environment=base_environment,
            step_environments={
                name: pb.Environment(variables=variables)
                for name, variables in step_environments.items()
            },
        )
        response = self._call("SubmitPipeline", request)
        return SubmissionResult(
            response.orchestrator_run_id, json.loads(response.metadata_json or "{}")
        )

    def fetch_status(self, run_id: str) -> str:
        """Where a run stands as the orchestrator knows it ('' if it does not know the run)."""
        response = self._call("FetchStatus", pb.FetchStatusRequest(run_id=run_id))
        return status_from_proto(response.status)
