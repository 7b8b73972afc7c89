"""The proxy entry point: the host serves every component service and forwards each call.

Requests and responses pass through as raw bytes: the host never decodes a message, so the
same code forwards every method of every component type. The component is named by the call's
`flavorhost-component` metadata; its type is the service's.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NoReturn

import grpc
from google.protobuf import descriptor_pb2
from google.protobuf.descriptor import FileDescriptor

from flavorhost import errors
from flavorhost.enums import StackComponentType
from flavorhost.host.supervisor import Route, Supervisor
from flavorhost.protocol import COMPONENT_METADATA_KEY, COMPONENT_TYPE_METADATA_KEY
from flavorhost.stall_watch import StallWatch

logger = logging.getLogger(__name__)

NO_DEADLINE_SECONDS = 10 * 365 * 24 * 3600.0
# A call broken by a dying sidecar ends before the process is reaped; wait this long for it.
DEATH_GRACE_SECONDS = 1.0


@dataclass(frozen=True)
class Method:
    """One forwarded method."""

    path: str
    # None for flavorhost.v1.StackComponent, which every type serves: the call names its type.
    kind: StackComponentType | None
    client_streaming: bool
    server_streaming: bool
    # Declared `idempotency_level = NO_SIDE_EFFECTS` in the proto: safe to retry once.
    idempotent: bool


def methods_of(files: dict[StackComponentType | None, FileDescriptor]) -> dict[str, Method]:
    """Every method of every component service, by its path `/package.Service/Method`."""
    methods = {}
    for kind, file in files.items():
        for service in file.services_by_name.values():
            for method in service.methods:
                path = f"/{service.full_name}/{method.name}"
                idempotent = (
                    method.GetOptions().idempotency_level
                    == descriptor_pb2.MethodOptions.NO_SIDE_EFFECTS
                )
                methods[path] = Method(
                    path, kind, method.client_streaming, method.server_streaming, idempotent
                )
    return methods


def _client_timeout(context: grpc.ServicerContext) -> float | None:
    """The client's remaining deadline, or None when it set none (gRPC reports infinity)."""
    remaining = context.time_remaining()
    return None if remaining is None or remaining > NO_DEADLINE_SECONDS else remaining


def _released(error: grpc.RpcError) -> bool:
    """Whether the sidecar refused the call because it no longer holds the component (released
    after a config change that raced with the call): nothing ran, so it may be sent again."""
    info = errors.error_info(error)
    return info is not None and info.reason == "COMPONENT_NOT_CONFIGURED"


def _named_type(metadata: dict[str, Any], method: Method) -> StackComponentType:
    """The component type a call of a service every type serves names in its metadata."""
    value = str(metadata.get(COMPONENT_TYPE_METADATA_KEY, ""))
    try:
        return StackComponentType(value)
    except ValueError:
        known = ", ".join(t.value for t in StackComponentType)
        raise ValueError(
            f"{method.path} needs the metadata {COMPONENT_TYPE_METADATA_KEY!r} naming the "
            f"component's type (one of {known}), not {value!r}"
        ) from None


class ComponentProxy(grpc.GenericRpcHandler):
    """Forwards component calls to the right sidecar without decoding them."""

    def __init__(self, supervisor: Supervisor, methods: dict[str, Method]) -> None:
        self._supervisor = supervisor
        self._methods = methods
        self._stall_watch = StallWatch()

    def close(self) -> None:
        """Stops watching streams for stalls."""
        self._stall_watch.close()

    def service(
        self, handler_call_details: grpc.HandlerCallDetails
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        method = self._methods.get(handler_call_details.method)
        if method is None:
            return None
        if method.client_streaming and method.server_streaming:
            return grpc.stream_stream_rpc_method_handler(self._streaming(method))
        if method.client_streaming:
            return grpc.stream_unary_rpc_method_handler(self._unary(method))
        if method.server_streaming:
            return grpc.unary_stream_rpc_method_handler(self._streaming(method))
        return grpc.unary_unary_rpc_method_handler(self._unary(method))

    def _route(self, method: Method, context: grpc.ServicerContext) -> Route:
        metadata = dict(context.invocation_metadata() or ())
        name = str(metadata.get(COMPONENT_METADATA_KEY, ""))
        try:
            if not name:
                raise ValueError(
                    f"{method.path} needs the metadata {COMPONENT_METADATA_KEY!r} naming the "
                    "component to call"
                )
            return self._supervisor.route(method.kind or _named_type(metadata, method), name)
        except Exception as error:
            errors.abort(context, error)

    def _sidecar_died(self, route: Route, error: grpc.RpcError) -> bool:
        """Whether a failed call failed because its sidecar died: UNAVAILABLE from gRPC itself
        (not a status the sidecar sent), or CANCELLED because another call already replaced the
        dead sidecar and closed its channel."""
        call: Any = error
        if errors.error_info(error) is not None:
            return False
        if call.code() == grpc.StatusCode.UNAVAILABLE:
            return route.sidecar.died(within=DEATH_GRACE_SECONDS)
        # No waiting here: a client that cancels its own call must not hold a worker.
        return bool(call.code() == grpc.StatusCode.CANCELLED and not route.sidecar.alive)

    def _may_resend(self, route: Route, method: Method, error: grpc.RpcError) -> bool:
        """Whether a failed call may be sent once more on a fresh route: a read-only call whose
        sidecar died, or any call the sidecar refused without running (component released)."""
        if _released(error) or (method.idempotent and self._sidecar_died(route, error)):
            logger.info("resending %s: its sidecar died or dropped its component", method.path)
            return True
        return False

    def _hung(self, route: Route, method: Method, context: grpc.ServicerContext) -> NoReturn:
        """Kills a sidecar that overran the call deadline, and fails the call saying so."""
        sidecar = route.sidecar
        self._supervisor.kill_hung(sidecar)
        kind = sidecar.flavor.type
        errors.abort(
            context,
            errors.ComponentTimeoutError(
                f"{kind.value} {route.component!r} did not answer {method.path.rsplit('/', 1)[-1]} "
                f"within its call timeout of {route.timeout:g}s (if the call is only slow, raise "
                f"it with `flavorhost {kind.cli_name} update {route.component} --call-timeout "
                f"SECONDS`), so {sidecar.hang_report()}"
            ),
        )

    def _replaced_twice(self, route: Route, context: grpc.ServicerContext) -> NoReturn:
        errors.abort(
            context,
            errors.ComponentUnavailableError(
                f"the sidecar of {route.component!r} was replaced twice while the call started "
                "(it keeps dying); try again, or see `flavorhost host status`"
            ),
        )

    def _relay(self, route: Route, context: grpc.ServicerContext, error: grpc.RpcError) -> None:
        """Ends the client's call: a dead sidecar as ComponentUnavailableError quoting its log,
        anything else with the sidecar's status, details and trailers unchanged."""
        call: Any = error
        if self._sidecar_died(route, error):
            errors.abort(
                context,
                errors.ComponentUnavailableError(route.sidecar.death_report(route.component)),
            )
        context.set_trailing_metadata(call.trailing_metadata() or ())
        context.abort(call.code(), call.details() or "")

    def _unary(self, method: Method) -> Callable[[Any, grpc.ServicerContext], bytes]:
        def forward(request: Any, context: grpc.ServicerContext) -> bytes:
            route = self._route(method, context)
            for attempt in (1, 2):
                callable_ = route.sidecar.forwarder(method.path, method.client_streaming, False)
                client_timeout = _client_timeout(context)
                # The component's deadline applies unless the client's own is shorter.
                ours = client_timeout is None or route.timeout < client_timeout
                timeout = route.timeout if ours else client_timeout
                try:
                    if method.client_streaming:
                        return self._watched_unary(callable_, request, route, method, context)
                    response: bytes = callable_(request, metadata=route.metadata, timeout=timeout)
                    return response
                except ValueError:  # the channel closed: another call replaced a dead sidecar
                    if attempt == 2:
                        self._replaced_twice(route, context)
                    route = self._route(method, context)
                    continue
                except grpc.RpcError as error:
                    call: Any = error
                    expired = call.code() == grpc.StatusCode.DEADLINE_EXCEEDED
                    if ours and expired and errors.error_info(error) is None:
                        self._hung(route, method, context)
                    if attempt == 1 and self._may_resend(route, method, error):
                        route = self._route(method, context)
                        continue
                    self._relay(route, context, error)
                    raise
            raise AssertionError("unreachable")  # pragma: no cover

        return forward

    def _watched_unary(
        self,
        callable_: Any,
        requests: Iterator[bytes],
        route: Route,
        method: Method,
        context: grpc.ServicerContext,
    ) -> bytes:
        """A client-streaming call, its waits on the sidecar bounded by the stall watch."""
        on_stall = functools.partial(self._supervisor.kill_hung, route.sidecar)
        watched = self._stall_watch.watch(route.timeout, on_stall)
        try:
            future = callable_.future(
                watched.requests(requests),
                metadata=route.metadata,
                timeout=_client_timeout(context),
            )
            watched.call = future
            context.add_callback(future.cancel)
            watched.awaiting_response = True
            try:
                response: bytes = future.result()
            except grpc.RpcError:
                if watched.expired:
                    self._hung(route, method, context)
                raise
            return response
        finally:
            self._stall_watch.unwatch(watched)

    def _streaming(self, method: Method) -> Callable[[Any, grpc.ServicerContext], Iterator[bytes]]:
        def forward(request: Any, context: grpc.ServicerContext) -> Iterator[bytes]:
            route = self._route(method, context)
            for attempt in (1, 2):
                callable_ = route.sidecar.forwarder(method.path, method.client_streaming, True)
                on_stall = functools.partial(self._supervisor.kill_hung, route.sidecar)
                watched = self._stall_watch.watch(route.timeout, on_stall)
                if method.client_streaming:
                    request = watched.requests(request)
                try:
                    call = callable_(
                        request, metadata=route.metadata, timeout=_client_timeout(context)
                    )
                except ValueError:  # the channel closed: another call replaced a dead sidecar
                    self._stall_watch.unwatch(watched)
                    if attempt == 2:
                        self._replaced_twice(route, context)
                    route = self._route(method, context)
                    continue
                watched.call = call
                context.add_callback(call.cancel)
                sent = False
                try:
                    for response in watched.responses(call):
                        sent = True
                        yield response
                    return
                except grpc.RpcError as error:
                    if watched.expired:
                        self._hung(route, method, context)
                    # A read-only stream that sent nothing yet can start over; once bytes went
                    # out, the client resumes from its own offset (RemoteReader does).
                    fresh = attempt == 1 and not sent and not method.client_streaming
                    if fresh and self._may_resend(route, method, error):
                        route = self._route(method, context)
                        continue
                    self._relay(route, context, error)
                    raise
                finally:
                    self._stall_watch.unwatch(watched)

        return forward
