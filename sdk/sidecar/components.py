"""The components a sidecar serves, built from configs the host sends, and its Lifecycle service."""

from __future__ import annotations

import logging
import platform
import threading
import uuid
from typing import Any

import grpc

import flavorhost
from flavorhost import errors, json_payloads
from flavorhost.configs import validate_config
from flavorhost.generated.v1 import lifecycle_pb2, lifecycle_pb2_grpc
from flavorhost.protocol import COMPONENT_METADATA_KEY, PROTOCOL_VERSION
from flavorhost.stack.flavor import Flavor
from flavorhost.stack.stack_component import StackComponent
from flavorhost.wire import type_to_proto

logger = logging.getLogger(__name__)


class ComponentTable:
    """Implementation instances by component name; the implementation class loads on first use."""

    def __init__(self, flavor: Flavor) -> None:
        self.flavor = flavor
        self._components: dict[str, StackComponent] = {}
        self._lock = threading.Lock()

    def configure(self, name: str, component_id: str, config_json: str) -> None:
        """Creates (or replaces) the implementation of one component."""
        try:
            values = json_payloads.decode_object(config_json, "config_json")
        except ValueError as error:
            raise errors.ConfigValidationError(
                f"the config of component {name!r} is not valid: {error}"
            ) from None
        config = validate_config(self.flavor.config_class, values, self.flavor.name)
        try:
            implementation_class = self.flavor.implementation_class
            component = implementation_class(
                name=name,
                id=uuid.UUID(component_id) if component_id else uuid.uuid4(),
                config=config,
                flavor=self.flavor.name,
                type=self.flavor.type,
            )
        except Exception as error:
            raise errors.FlavorImplementationError(
                f"flavor {self.flavor.name!r} could not create component {name!r}: "
                f"{type(error).__name__}: {error}"
            ) from error
        with self._lock:
            previous = self._components.get(name)
            self._components[name] = component
        if previous is not None:
            previous.cleanup()
        logger.info("configured component %r", name)

    def release(self, name: str) -> None:
        """Forgets a component."""
        with self._lock:
            component = self._components.pop(name, None)
        if component is not None:
            component.cleanup()

    def release_all(self) -> None:
        """Forgets every component (when the sidecar stops); a failing cleanup is logged."""
        for name in self.names():
            try:
                self.release(name)
            except Exception:
                logger.exception("cleaning up component %r failed", name)

    def for_call(self, context: grpc.ServicerContext) -> Any:
        """The component a call is for, named by its `flavorhost-component` metadata."""
        metadata = dict(context.invocation_metadata() or ())
        name = str(metadata.get(COMPONENT_METADATA_KEY, ""))
        if not name:
            raise ValueError(
                f"the call carries no {COMPONENT_METADATA_KEY} metadata; name the component "
                "it is for"
            )
        return self.get(name)

    def get(self, name: str) -> Any:
        """The component named `name`; ComponentNotConfiguredError if the host did not
        configure it (or released it since)."""
        component = self._components.get(name)
        if component is None:
            raise errors.ComponentNotConfiguredError(
                f"component {name!r} is not configured in this sidecar; the host configures "
                "components before calling them"
            )
        return component

    def names(self) -> list[str]:
        """Names of the configured components."""
        return sorted(self._components)


class LifecycleServicer(lifecycle_pb2_grpc.LifecycleServicer):
    """Plugin info, Configure, Release and Shutdown."""

    def __init__(
        self,
        table: ComponentTable,
        services: list[str],
        stop: threading.Event,
        file_handover_address: str = "",
    ) -> None:
        self._table = table
        self._services = services
        self._stop = stop
        self._file_handover_address = file_handover_address

    def GetPluginInfo(
        self, request: lifecycle_pb2.GetPluginInfoRequest, context: grpc.ServicerContext
    ) -> lifecycle_pb2.PluginInfo:
        flavor = self._table.flavor
        return lifecycle_pb2.PluginInfo(
            flavor_name=flavor.name,
            component_type=type_to_proto(flavor.type),
            protocol_version=PROTOCOL_VERSION,
            services=self._services,
            runtime=f"python {platform.python_version()} flavorhost {flavorhost.__version__}",
            file_handover_address=self._file_handover_address,
        )

    def Configure(
        self, request: lifecycle_pb2.ConfigureRequest, context: grpc.ServicerContext
    ) -> lifecycle_pb2.ConfigureResponse:
        try:
            self._table.configure(request.component_name, request.component_id, request.config_json)
        except Exception as error:
            logger.exception("configuring %r failed", request.component_name)
            errors.abort(context, error)
        return lifecycle_pb2.ConfigureResponse()

    def Release(
        self, request: lifecycle_pb2.ReleaseRequest, context: grpc.ServicerContext
    ) -> lifecycle_pb2.ReleaseResponse:
        self._table.release(request.component_name)
        return lifecycle_pb2.ReleaseResponse()

    def Shutdown(
        self, request: lifecycle_pb2.ShutdownRequest, context: grpc.ServicerContext
    ) -> lifecycle_pb2.ShutdownResponse:
        self._stop.set()
        return lifecycle_pb2.ShutdownResponse()
