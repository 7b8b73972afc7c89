"""`StepOperatorProxy`: the BaseStepOperator interface, served by a sidecar."""

from __future__ import annotations

from flavorhost.enums import StackComponentType
from flavorhost.generated.v1 import step_operator_pb2 as pb
from flavorhost.generated.v1 import step_operator_pb2_grpc
from flavorhost.proxies.component_proxy import ComponentProxy, step_run_message
from flavorhost.stack.step_run_info import StepRunInfo


class StepOperatorProxy(ComponentProxy):
    """A step operator component, served by its sidecar. Steps with `step_operator=...` call
    it for you."""

    TYPE = StackComponentType.STEP_OPERATOR
    PROTO = pb.DESCRIPTOR
    SERVICE = "StepOperator"
    STUB = step_operator_pb2_grpc.StepOperatorStub

    def launch(
        self, info: StepRunInfo, entrypoint_command: list[str], environment: dict[str, str]
    ) -> int:
        """Runs a step's command where the step operator runs steps; returns its exit code."""
        request = pb.LaunchStepRequest(
            info=step_run_message(info),
            entrypoint_command=entrypoint_command,
            environment=environment,
        )
        return int(self._call("Launch", request).exit_code)
