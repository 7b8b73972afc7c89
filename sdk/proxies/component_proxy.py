"""`ComponentProxy`: what every component type's SDK proxy shares.

A proxy stands in for the flavor's implementation object in pipeline code: it carries the
component's identity (name, id, flavor, type, config) and sends each interface method to the
sidecar through a `ComponentLink` (direct when the host grants it, through the host otherwise).
Each type's proxy adds that type's methods.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

import grpc
from google.protobuf.descriptor import FileDescriptor

from flavorhost.enums import StackComponentType
from flavorhost.generated.v1 import component_pb2, component_pb2_grpc
from flavorhost.models import ComponentModel, ConfigView
from flavorhost.proxies.component_link import ComponentLink, SidecarChannels
from flavorhost.stack.step_run_info import StepRunInfo


class ComponentProxy:
    """A component of type `TYPE`, served by the flavor's sidecar over `SERVICE` of `PROTO`."""

    TYPE: ClassVar[StackComponentType]
    # The generated `*_pb2` module's descriptor, the service's name in it and its stub class.
    PROTO: ClassVar[FileDescriptor]
    SERVICE: ClassVar[str]
    STUB: ClassVar[Any]

    def __init__(
        self,
        component: ComponentModel,
        channel: grpc.Channel,
        sidecar_channels: SidecarChannels | None = None,
    ) -> None:
        if component.type != self.TYPE:
            wanted = self.TYPE.value.replace("_", " ")
            raise ValueError(f"{component.name!r} is a {component.type.value}, not a {wanted}")
        self._component = component
        # Calls go straight to the sidecar when the host grants it (with `sidecar_channels`: the
        # host runs on this machine), through the host otherwise.
        self._link = ComponentLink(
            channel,
            component,
            self.STUB,
            self.PROTO.services_by_name[self.SERVICE],
            sidecar_channels,
        )
        # flavorhost.v1.StackComponent, the hooks every type serves.
        self._hooks = ComponentLink(
            channel,
            component,
            component_pb2_grpc.StackComponentStub,
            component_pb2.DESCRIPTOR.services_by_name["StackComponent"],
            sidecar_channels,
        )

    @property
    def name(self) -> str:
        """The component's name."""
        return self._component.name

    @property
    def id(self) -> str:
        """The component's registry id."""
        return self._component.id

    @property
    def flavor(self) -> str:
        """The component's flavor."""
        return self._component.flavor

    @property
    def type(self) -> StackComponentType:
        """The component's type."""
        return self._component.type

    @property
    def config(self) -> ConfigView:
        """The component's config (secret values masked)."""
        return self._component.config

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, flavor={self.flavor!r})"

    def _call(self, method: str, request: Any) -> Any:
        return self._link.call(method, request)

    # --- the hooks of every component (flavorhost.v1.StackComponent) ------------------------

    def validate_settings(self, settings: dict[str, Any]) -> None:
        """Checks settings against the flavor's settings class (ValueError naming the field)."""
        request = component_pb2.ValidateSettingsRequest(settings_json=json.dumps(settings))
        self._hooks.call("ValidateSettings", request)

    def prepare_step_run(self, info: StepRunInfo) -> None:
        """Called before a step runs (pipelines call it for you)."""
        self._hooks.call(
            "PrepareStepRun", component_pb2.StepRunRequest(info=step_run_message(info))
        )

    def cleanup_step_run(self, info: StepRunInfo, step_failed: bool) -> None:
        """Called after a step ran (pipelines call it for you)."""
        request = component_pb2.CleanupStepRunRequest(
            info=step_run_message(info), step_failed=step_failed
        )
        self._hooks.call("CleanupStepRun", request)

    def get_step_run_metadata(self, info: StepRunInfo) -> dict[str, Any]:
        """Metadata the component records with a step run."""
        request = component_pb2.StepRunRequest(info=step_run_message(info))
        response = self._hooks.call("GetStepRunMetadata", request)
        return dict(json.loads(response.metadata_json or "{}"))

    def get_pipeline_run_metadata(self, run_id: str) -> dict[str, Any]:
        """Metadata the component records with a pipeline run."""
        request = component_pb2.PipelineRunMetadataRequest(run_id=run_id)
        response = self._hooks.call("GetPipelineRunMetadata", request)
        return dict(json.loads(response.metadata_json or "{}"))


def step_run_message(info: StepRunInfo) -> component_pb2.StepRunInfo:
    """A StepRunInfo on the wire."""
    return component_pb2.StepRunInfo(
        run_id=info.run_id,
        run_name=info.run_name,
        pipeline=info.pipeline,
        step=info.step,
        settings_json=json.dumps(info.settings),
    )
