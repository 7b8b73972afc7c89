"""Serves flavorhost.v1.StackComponent: the run hooks and settings every component has."""

from __future__ import annotations

import json
from typing import Any

import grpc

from flavorhost import errors, json_payloads
from flavorhost.generated.v1 import component_pb2 as pb
from flavorhost.sidecar.components import ComponentTable
from flavorhost.stack.stack_component import StackComponent
from flavorhost.stack.step_run_info import StepRunInfo
from flavorhost.strict_services import add_servicer

SERVICE_NAME = "flavorhost.v1.StackComponent"


def step_run_info(message: pb.StepRunInfo) -> StepRunInfo:
    """The Python view of a StepRunInfo message."""
    return StepRunInfo(
        run_id=message.run_id,
        run_name=message.run_name,
        pipeline=message.pipeline,
        step=message.step,
        settings=json_payloads.decode_object(message.settings_json, "settings_json"),
    )


def _metadata(values: Any, method: str) -> pb.MetadataResponse:
    if not isinstance(values, dict):
        raise errors.FlavorImplementationError(
            f"{method} returned {type(values).__name__}; return a dict of JSON values"
        )
    try:
        return pb.MetadataResponse(metadata_json=json.dumps(values))
    except (TypeError, ValueError) as error:
        raise errors.FlavorImplementationError(
            f"{method} returned values JSON cannot carry: {error}"
        ) from None


class StackComponentServicer:
    """One servicer for every component of the sidecar's flavor."""

    def __init__(self, table: ComponentTable) -> None:
        self._table = table

    def _component(self, context: grpc.ServicerContext) -> StackComponent:
        component: StackComponent = self._table.for_call(context)
        return component

    @errors.servicer_errors
    def ValidateSettings(
        self, request: pb.ValidateSettingsRequest, context: Any
    ) -> pb.ValidateSettingsResponse:
        component = self._component(context)
        settings = json_payloads.decode_object(request.settings_json, "settings_json")
        settings_class = type(component).settings_class
        if settings_class is None:
            component.get_settings(StepRunInfo("", "", "", "", settings))
        else:
            json_payloads.decode(settings_class, request.settings_json, "settings")
        return pb.ValidateSettingsResponse()

    @errors.servicer_errors
    def PrepareStepRun(self, request: pb.StepRunRequest, context: Any) -> pb.PrepareStepRunResponse:
        self._component(context).prepare_step_run(step_run_info(request.info))
        return pb.PrepareStepRunResponse()

    @errors.servicer_errors
    def CleanupStepRun(
        self, request: pb.CleanupStepRunRequest, context: Any
    ) -> pb.CleanupStepRunResponse:
        self._component(context).cleanup_step_run(step_run_info(request.info), request.step_failed)
        return pb.CleanupStepRunResponse()

    @errors.servicer_errors
    def GetStepRunMetadata(self, request: pb.StepRunRequest, context: Any) -> pb.MetadataResponse:
        values = self._component(context).get_step_run_metadata(step_run_info(request.info))
        return _metadata(values, "get_step_run_metadata")

    @errors.servicer_errors
    def GetPipelineRunMetadata(
        self, request: pb.PipelineRunMetadataRequest, context: Any
    ) -> pb.MetadataResponse:
        values = self._component(context).get_pipeline_run_metadata(request.run_id)
        return _metadata(values, "get_pipeline_run_metadata")


def register(server: grpc.Server, table: ComponentTable) -> str:
    """Adds the service to a sidecar's server; returns its full name."""
    add_servicer(
        server, StackComponentServicer(table), pb.DESCRIPTOR.services_by_name["StackComponent"]
    )
    return SERVICE_NAME
