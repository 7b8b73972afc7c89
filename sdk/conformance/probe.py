"""What a check works with: the target, the metadata to send, and calls that expect a status."""

from __future__ import annotations

import importlib
import json
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import grpc
from google.protobuf.descriptor import ServiceDescriptor

from flavorhost.conformance.checks import CheckFailed, describe, one_line
from flavorhost.conformance.target import Target
from flavorhost.enums import StackComponentType
from flavorhost.errors import error_info
from flavorhost.generated.v1 import component_pb2, lifecycle_pb2, lifecycle_pb2_grpc
from flavorhost.protocol import COMPONENT_METADATA_KEY, TOKEN_METADATA_KEY

LIFECYCLE_SERVICE = "flavorhost.v1.Lifecycle"
COMPONENT_SERVICE = "flavorhost.v1.StackComponent"
HEALTH_SERVICE = "grpc.health.v1.Health"
# Every call the kit makes is bounded; a sidecar that hangs fails the check, not the kit.
CALL_TIMEOUT_SECONDS = 60.0
R = TypeVar("R")


def service_descriptor(kind: StackComponentType) -> ServiceDescriptor:
    """The generated descriptor of a component type's service (e.g. flavorhost.v1.ArtifactStore)."""
    module = importlib.import_module(f"flavorhost.generated.v1.{kind.value}_pb2")
    name = "".join(part.capitalize() for part in kind.value.split("_"))
    service: ServiceDescriptor = module.DESCRIPTOR.services_by_name[name]
    return service


def descriptor_for(service: str) -> ServiceDescriptor | None:
    """The descriptor of any flavorhost.v1 service by full name, or None."""
    if service == COMPONENT_SERVICE:
        return component_pb2.DESCRIPTOR.services_by_name["StackComponent"]
    if service == LIFECYCLE_SERVICE:
        return lifecycle_pb2.DESCRIPTOR.services_by_name["Lifecycle"]
    for kind in StackComponentType:
        try:
            descriptor = service_descriptor(kind)
        except (ImportError, KeyError):
            continue
        if descriptor.full_name == service:
            return descriptor
    return None


class Probe:
    """The kit's view of one sidecar while its checks run."""

    def __init__(
        self,
        target: Target,
        kind: StackComponentType,
        config: dict[str, Any] | None,
        large_mib: int = 64,
        concurrency: int = 32,
        temp: str = "",
    ) -> None:
        self.target = target
        self.kind = kind
        self.service = service_descriptor(kind).full_name
        self.config = config
        self.large_bytes = large_mib << 20
        self.concurrency = concurrency
        self.info: lifecycle_pb2.PluginInfo | None = None
        # Without a token the kit cannot ask; every sidecar serves these three.
        self.services: list[str] = [LIFECYCLE_SERVICE, COMPONENT_SERVICE, self.service]
        # The component the kit's component calls name: its own (configured by the kit with
        # `config`) when it holds the token, else the registered one.
        self.component = target.component or f"conformance-{uuid.uuid4().hex[:8]}"
        self.component_ready = bool(target.component)
        self.component_problem = ""
        # The run's temp folder (the runner removes it at the end): where a suite's default
        # config puts its folders.
        self.temp = temp
        # Whether `config` is the type suite's default_config (the kit's own), not the user's.
        self.config_is_default = False
        # Suites keep their fixtures here (a scratch folder, ...), keyed by their area.
        self.state: dict[str, Any] = {}
        self._closers: list[tuple[str, Callable[[], None]]] = []

    # --- per-run resources ---------------------------------------------------------------------

    def keep(self, key: str, resource: R, close: Callable[[R], None]) -> R:
        """Keeps a resource the kit started for this run (a server, ...) in `state[key]`;
        `close(resource)` runs when the run ends, whether or not the component got configured
        or the suite's setup ran."""
        self.state[key] = resource
        self._closers.append((key, lambda: close(resource)))
        return resource

    def close(self) -> list[tuple[str, Exception]]:
        """Closes what was kept, the last kept first; the errors, by key."""
        errors: list[tuple[str, Exception]] = []
        while self._closers:
            key, close = self._closers.pop()
            self.state.pop(key, None)
            try:
                close()
            except Exception as error:
                errors.append((key, error))
        return errors

    # --- metadata ------------------------------------------------------------------------------

    def token_metadata(self) -> tuple[tuple[str, str], ...]:
        """The token alone (Lifecycle calls)."""
        return ((TOKEN_METADATA_KEY, self.target.token),)

    def metadata(self, component: str | None = None) -> tuple[tuple[str, str], ...]:
        """Metadata of a component call: the kit's component (or `component`) with the token,
        or the registered component's grant."""
        if not self.target.token:
            return self.target.component_metadata
        return ((COMPONENT_METADATA_KEY, component or self.component), *self.token_metadata())

    # --- calls ---------------------------------------------------------------------------------

    def stub(self, stub_class: Any) -> Any:
        """A generated stub on the sidecar's channel."""
        return stub_class(self.target.channel)

    @property
    def lifecycle(self) -> lifecycle_pb2_grpc.LifecycleStub:
        """The Lifecycle stub."""
        return lifecycle_pb2_grpc.LifecycleStub(self.target.channel)

    def call(
        self,
        method: Callable[..., Any],
        request: Any,
        metadata: Iterable[tuple[str, str]] | None = None,
    ) -> Any:
        """A unary call of the kit's component (or with `metadata`); a failure fails the check."""
        try:
            return method(
                request,
                metadata=tuple(self.metadata() if metadata is None else metadata),
                timeout=CALL_TIMEOUT_SECONDS,
            )
        except grpc.RpcError as error:
            raise CheckFailed(f"{_method_name(method)} failed: {describe(error)}") from error

    def stream(
        self,
        method: Callable[..., Any],
        request: Any,
        metadata: Iterable[tuple[str, str]] | None = None,
    ) -> list[Any]:
        """Every message of a server (or bidirectional) stream; a failure fails the check."""
        try:
            return list(
                method(
                    request,
                    metadata=tuple(self.metadata() if metadata is None else metadata),
                    timeout=CALL_TIMEOUT_SECONDS,
                )
            )
        except grpc.RpcError as error:
            raise CheckFailed(f"{_method_name(method)} failed: {describe(error)}") from error

    def configure(self, name: str, config: dict[str, Any] | str) -> None:
        """Configures a component with the token."""
        config_json = config if isinstance(config, str) else json.dumps(config)
        self.call(
            self.lifecycle.Configure,
            lifecycle_pb2.ConfigureRequest(
                component_name=name, component_id=str(uuid.uuid4()), config_json=config_json
            ),
            self.token_metadata(),
        )

    def release(self, name: str) -> None:
        """Releases a component with the token."""
        self.call(
            self.lifecycle.Release,
            lifecycle_pb2.ReleaseRequest(component_name=name),
            self.token_metadata(),
        )

    def raw(self, method_path: str, streaming: tuple[bool, bool] = (False, False)) -> Any:
        """A bytes-in, bytes-out callable for any method path (for requests no stub can build,
        or services the kit has no stubs for)."""
        make = {
            (False, False): self.target.channel.unary_unary,
            (True, False): self.target.channel.stream_unary,
            (False, True): self.target.channel.unary_stream,
            (True, True): self.target.channel.stream_stream,
        }[streaming]
        return make(method_path)


def expect_error(
    call: Callable[[], Any], code: grpc.StatusCode, reasons: str | Iterable[str] | None = None
) -> grpc.RpcError:
    """Runs `call` (which must consume any stream) and checks it fails with `code` and, when
    given, an ErrorInfo reason among `reasons`; returns the error."""
    wanted = {reasons} if isinstance(reasons, str) else set(reasons or ())
    expected = code.name + (f"/{'|'.join(sorted(wanted))}" if wanted else "")
    try:
        result = call()
    except grpc.RpcError as error:
        got = error.code() if isinstance(error, grpc.Call) else None
        info = error_info(error)
        if got != code or (wanted and (info is None or info.reason not in wanted)):
            raise CheckFailed(f"expected {expected}, got {describe(error)}") from error
        return error
    raise CheckFailed(f"expected {expected}, got OK ({one_line(str(result), 80) or 'empty reply'})")


def _method_name(method: Callable[..., Any]) -> str:
    name = getattr(method, "_method", b"")
    if isinstance(name, bytes):
        name = name.decode()
    return str(name).rsplit("/", 1)[-1] or "the call"
