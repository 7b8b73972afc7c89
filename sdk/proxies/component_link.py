"""Where a proxy's unary calls go: straight to the component's sidecar with a grant from the host
(`Host/OpenComponent`), or through the host.

The direct path skips the host's hop, so the link takes over what the host does for proxied
calls: after a sidecar death it asks the host to restart it (reporting the pid, so the error
quotes the sidecar's log) and retries a read-only call once; a call that overruns the component's
call timeout makes the host kill the sidecar as hung; a grant that expired, or a component the
sidecar no longer holds (its config changed), is renewed and the call, which did not run, is
sent again. Clients of a remote host (TCP), flavors the host keeps behind itself (source-root
flavors, whose edits the next call must see) and FLAVORHOST_DIRECT=0 go through the host.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf import descriptor_pb2
from google.protobuf.descriptor import ServiceDescriptor

from flavorhost import errors
from flavorhost.generated.v1 import host_pb2, host_pb2_grpc
from flavorhost.models import ComponentModel
from flavorhost.protocol import (
    CLIENT_DEADLINE_MARGIN_SECONDS,
    COMPONENT_METADATA_KEY,
    DEFAULT_CALL_TIMEOUT_SECONDS,
    GRANT_METADATA_KEY,
    GRPC_OPTIONS,
)
from flavorhost.wire import type_to_proto

DIRECT_ENV = "FLAVORHOST_DIRECT"
# Renew a grant this long before it expires.
RENEW_MARGIN_SECONDS = 30.0
# Calls that did not run (stale grant or config, racing with updates) are sent again, this many
# times at most; a call that may have run is retried at most once, and only if read-only.
MAX_ATTEMPTS = 5


class SidecarChannels:
    """The direct channels of one Client, one per sidecar address, closed with the Client.

    Proxies of components served by the same sidecar share its channel. A restarted sidecar has
    a new address; the old channel stays until the Client closes (one per restart).
    """

    def __init__(self) -> None:
        self._channels: dict[str, grpc.Channel] = {}
        self._lock = threading.Lock()

    def get(self, target: str) -> grpc.Channel:
        """The channel to a sidecar, opened on first use."""
        with self._lock:
            channel = self._channels.get(target)
            if channel is None:
                channel = self._channels[target] = grpc.insecure_channel(
                    target, options=GRPC_OPTIONS
                )
            return channel

    def close(self) -> None:
        """Closes every channel."""
        with self._lock:
            channels, self._channels = list(self._channels.values()), {}
        for channel in channels:
            channel.close()


@dataclass(frozen=True)
class Target:
    """One way to call the component."""

    stub: Any
    metadata: tuple[tuple[str, str], ...]
    timeout: float
    # The sidecar's pid when direct; None through the host.
    pid: int | None = None
    expires: float = float("inf")


class ComponentLink:
    """The calls of one component proxy, direct when the host grants it."""

    def __init__(
        self,
        host_channel: grpc.Channel,
        component: ComponentModel,
        stub_class: Any,
        service: ServiceDescriptor,
        channels: SidecarChannels | None,
    ) -> None:
        self._component = component
        self._host = host_pb2_grpc.HostStub(host_channel)
        self._stub_class = stub_class
        self._call_timeout = component.call_timeout or DEFAULT_CALL_TIMEOUT_SECONDS
        self._via_host = Target(
            stub_class(host_channel),
            ((COMPONENT_METADATA_KEY, component.name),),
            self._call_timeout + CLIENT_DEADLINE_MARGIN_SECONDS,
        )
        self._idempotent = {
            method.name
            for method in service.methods
            if method.GetOptions().idempotency_level == descriptor_pb2.MethodOptions.NO_SIDE_EFFECTS
        }
        # None: the host is remote, its sidecars out of reach.
        self._channels = channels
        self._try_direct = channels is not None and os.environ.get(DIRECT_ENV, "1") != "0"
        self._direct: Target | None = None
        self._lock = threading.Lock()

    def via_host(self) -> Target:
        """The host path (streams always take it)."""
        return self._via_host

    def call(self, method: str, request: Any) -> Any:
        """Calls a unary method, direct if granted; raises the error table's exceptions."""
        target = self._target()
        restarted = False
        for _ in range(MAX_ATTEMPTS):
            try:
                return getattr(target.stub, method)(
                    request, metadata=target.metadata, timeout=target.timeout
                )
            except ValueError:
                # The channel was closed with its Client; the call was never sent.
                raise errors.ComponentUnavailableError(
                    f"{self._component.name!r} was called after its Client was closed; "
                    "open a new Client"
                ) from None
            except grpc.RpcError as error:
                if target.pid is None:
                    errors.raise_from_rpc_error(error)
                target, restarted = self._recover(error, target, method, restarted)
        raise errors.ComponentUnavailableError(
            f"{self._component.type.value} {self._component.name!r} kept changing under the "
            f"call ({MAX_ATTEMPTS} attempts); try again"
        )

    def _target(self) -> Target:
        if not self._try_direct:
            return self._via_host
        direct = self._direct
        if direct is not None and direct.expires - RENEW_MARGIN_SECONDS > time.time():
            return direct
        return self._open()[0]

    def _open(self, failed: Target | None = None, hung: bool = False) -> tuple[Target, str]:
        """Asks the host for a (new) grant, reporting a failed target; returns the target to use
        and the host's explanation of the failure ('' if none). Returned, not stored: threads
        sharing the link must not read each other's failures."""
        request = host_pb2.OpenComponentRequest(
            type=type_to_proto(self._component.type),
            name=self._component.name,
            failed_pid=(failed.pid or 0) if failed else 0,
            failed_hung=hung,
        )
        try:
            access = self._host.OpenComponent(request, timeout=self._via_host.timeout)
        except grpc.RpcError as error:
            errors.raise_from_rpc_error(error)
        with self._lock:
            if not access.direct or self._channels is None:
                self._try_direct = False
                return self._via_host, access.failure
            self._direct = Target(
                self._stub_class(self._channels.get(access.target)),
                (
                    (COMPONENT_METADATA_KEY, self._component.name),
                    (GRANT_METADATA_KEY, access.grant),
                ),
                access.call_timeout,
                access.pid,
                access.expires,
            )
            return self._direct, access.failure

    def _recover(
        self, error: grpc.RpcError, target: Target, method: str, restarted: bool
    ) -> tuple[Target, bool]:
        """Deals with a failed direct call: returns the target to retry on and whether a restart
        was already retried (once is the limit), or raises."""
        call: Any = error
        code = call.code()
        info = errors.error_info(error)
        reason = info.reason if info is not None else ""
        name, kind = self._component.name, self._component.type.value
        if reason == "COMPONENT_NOT_CONFIGURED" or (
            code == grpc.StatusCode.UNAUTHENTICATED and info is None
        ):
            # The grant or the config is stale; the call did not run, so it may run again.
            return self._open()[0], restarted
        elif info is None and code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED):
            renewed, failure = self._open(failed=target)
            if not restarted and method in self._idempotent:
                return renewed, True
            raise errors.ComponentUnavailableError(
                failure
                or f"{kind} {name!r} is unavailable: its sidecar (pid {target.pid}) went away "
                "during the call; the next call restarts it"
            ) from error
        elif info is None and code == grpc.StatusCode.DEADLINE_EXCEEDED:
            _, failure = self._open(failed=target, hung=True)
            raise errors.ComponentTimeoutError(
                f"{kind} {name!r} did not answer {method} within its call timeout of "
                f"{target.timeout:g}s (if the call is only slow, raise it with `flavorhost "
                f"{self._component.type.cli_name} update {name} --call-timeout SECONDS`), so "
                f"{failure or 'flavorhost killed its sidecar as hung'}"
            ) from error
        errors.raise_from_rpc_error(error)
