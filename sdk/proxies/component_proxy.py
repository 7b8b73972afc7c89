"""`ComponentProxy`: what every component type's SDK proxy shares.

A proxy stands in for the flavor's implementation object in pipeline code: it carries the
component's identity (name, id, flavor, type, config) and sends each interface method to the
sidecar through a `ComponentLink` (direct when the host grants it, through the host otherwise).
Each type's proxy adds that type's methods.
"""

from __future__ import annotations

from typing import Any, ClassVar

import grpc
from google.protobuf.descriptor import FileDescriptor

from flavorhost.enums import StackComponentType
from flavorhost.models import ComponentModel, ConfigView
from flavorhost.proxies.component_link import ComponentLink, SidecarChannels


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
