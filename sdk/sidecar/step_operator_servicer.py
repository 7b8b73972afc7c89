"""Serves a BaseStepOperator implementation as the flavorhost.v1.StepOperator gRPC service."""

from __future__ import annotations

from typing import Any

import grpc

from flavorhost import errors
from flavorhost.generated.v1 import step_operator_pb2 as pb
from flavorhost.sidecar.component_servicer import step_run_info
from flavorhost.sidecar.components import ComponentTable
from flavorhost.step_operators.base_step_operator import BaseStepOperator
from flavorhost.strict_services import add_servicer

SERVICE_NAME = "flavorhost.v1.StepOperator"


class StepOperatorServicer:
    """One servicer for every step operator component of the sidecar's flavor."""

    def __init__(self, table: ComponentTable) -> None:
        self._table = table

    @errors.servicer_errors
    def Launch(self, request: pb.LaunchStepRequest, context: Any) -> pb.LaunchStepResponse:
        if not request.entrypoint_command:
            raise ValueError("entrypoint_command is empty; give the argv that runs the step")
        operator: BaseStepOperator = self._table.for_call(context)
        code = operator.launch(
            step_run_info(request.info),
            list(request.entrypoint_command),
            dict(request.environment),
        )
        if not isinstance(code, int):
            raise errors.FlavorImplementationError(
                f"launch returned {type(code).__name__}; return the command's exit code"
            )
        return pb.LaunchStepResponse(exit_code=code)


def register(server: grpc.Server, table: ComponentTable) -> str:
    """Adds the service to a sidecar's server; returns its full name."""
    add_servicer(
        server, StepOperatorServicer(table), pb.DESCRIPTOR.services_by_name["StepOperator"]
    )
    return SERVICE_NAME
