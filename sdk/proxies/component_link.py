"""Where a proxy's unary calls go: straight to the component's sidecar with a grant from the host
(`Host/OpenComponent`), or through the host.

The direct path skips the host's hop, so the link takes over what the host does for proxied
calls: after a sidecar death it asks the host to restart it (reporting the pid, so the error
quotes the sidecar's log) and retries a read-only call once; a call that overruns the component's
call timeout makes the host kill the sidecar as hung; a grant that expired, or a component the
sidecar no longer holds (its config changed), is renewed and the call, which did not run, is
sent again. Streams take the same path (`LinkedStream`); there each wait for the sidecar's next
message is bounded by the call timeout instead, as the host bounds the streams it forwards.
Clients of a remote host (TCP), flavors the host keeps behind itself (source-root flavors, whose
edits the next call must see) and FLAVORHOST_DIRECT=0 go through the host.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

import grpc
from google.protobuf import descriptor_pb2
from google.protobuf.descriptor import ServiceDescriptor

from flavorhost import errors
from flavorhost.generated.v1 import host_pb2, host_pb2_grpc
from flavorhost.models import ComponentModel
from flavorhost.protocol import (
    CLIENT_DEADLINE_MARGIN_SECONDS,
    COMPONENT_METADATA_KEY,
    COMPONENT_TYPE_METADATA_KEY,
    DEFAULT_CALL_TIMEOUT_SECONDS,
    GRANT_METADATA_KEY,
    LOCAL_GRPC_OPTIONS,
)
from flavorhost.stall_watch import StallWatch, WatchedStream
from flavorhost.wire import type_to_proto

DIRECT_ENV = "FLAVORHOST_DIRECT"
# Renew a grant this long before it expires.
RENEW_MARGIN_SECONDS = 30.0
# Calls that did not run (stale grant or config, racing with updates) are sent again, this many
# times at most; a call that may have run is retried at most once, and only if read-only.
MAX_ATTEMPTS = 5

_stall_watch: StallWatch | None = None
_stall_watch_lock = threading.RLock()


def stall_watch() -> StallWatch:
    """The process's watch over direct streams (one thread, started by the first stream)."""
    global _stall_watch
    with _stall_watch_lock:
        if _stall_watch is None:
            _stall_watch = StallWatch()
        return _stall_watch


class SidecarChannels:
    """The direct channels of one Client, one per sidecar address, closed with the Client.

    Proxies of components served by the same sidecar share its channel. A restarted sidecar has
    a new address; the old channel stays until the Client closes (one per restart).
    """

    def __init__(self) -> None:
        self._channels: dict[str, grpc.Channel] = {}
        # Re-entrant: a garbage-collected file's close() may call in while a channel is made.
        self._lock = threading.RLock()

    def get(self, target: str) -> grpc.Channel:
        """The channel to a sidecar, opened on first use."""
        with self._lock:
            channel = self._channels.get(target)
            if channel is None:
                channel = self._channels[target] = grpc.insecure_channel(
                    target, options=LOCAL_GRPC_OPTIONS
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
    grant: str = ""
    # The sidecar's file handover socket, if it offers one (flavorhost.file_handover).
    files: str = ""


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
        self.component = component
        self._host = host_pb2_grpc.HostStub(host_channel)
        self._stub_class = stub_class
        self._call_timeout = component.call_timeout or DEFAULT_CALL_TIMEOUT_SECONDS
        self._via_host = Target(
            stub_class(host_channel),
            (
                (COMPONENT_METADATA_KEY, component.name),
                (COMPONENT_TYPE_METADATA_KEY, component.type.value),
            ),
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

    def call(self, method: str, request: Any) -> Any:
        """Calls a unary method, direct if granted; raises the error table's exceptions."""
        target = self.target()
        restarted = False
        for _ in range(MAX_ATTEMPTS):
            try:
                return getattr(target.stub, method)(
                    request, metadata=target.metadata, timeout=target.timeout
                )
            except ValueError:
                self._closed()
            except grpc.RpcError as error:
                if target.pid is None:
                    errors.raise_from_rpc_error(error)
                target, restarted = self._recover(error, target, method, restarted)
        self.kept_changing()

    def stream(self, method: str, requests: Callable[[], Any]) -> LinkedStream:
        """Starts a streaming call; `requests()` gives its request (or a fresh request iterator
        for each attempt)."""
        return LinkedStream(self, method, requests)

    def _closed(self) -> NoReturn:
        # The channel was closed with its Client; the call was never sent.
        raise errors.ComponentUnavailableError(
            f"{self.component.name!r} was called after its Client was closed; open a new Client"
        ) from None

    def kept_changing(self) -> NoReturn:
        """Gives up on a call whose every attempt met a changed grant or config."""
        raise errors.ComponentUnavailableError(
            f"{self.component.type.value} {self.component.name!r} kept changing under the "
            f"call ({MAX_ATTEMPTS} attempts); try again"
        )

    def target(self) -> Target:
        """Where the next call goes: the direct target while its grant holds, else the host."""
        if not self._try_direct:
            return self._via_host
        direct = self._direct
        if direct is not None and direct.expires - RENEW_MARGIN_SECONDS > time.time():
            return direct
        return self.renew()[0]

    def renew(self, failed: Target | None = None, hung: bool = False) -> tuple[Target, str]:
        """Asks the host for a (new) grant, reporting a failed target; returns the target to use
        and the host's explanation of the failure ('' if none). Returned, not stored: threads
        sharing the link must not read each other's failures."""
        request = host_pb2.OpenComponentRequest(
            type=type_to_proto(self.component.type),
            name=self.component.name,
            failed_pid=(failed.pid or 0) if failed else 0,
            failed_hung=hung,
        )
        try:
            access = self._host.OpenComponent(request, timeout=self._via_host.timeout)
        except grpc.RpcError as error:
            errors.raise_from_rpc_error(error)
        if not access.direct or self._channels is None:
            self._try_direct = False
            return self._via_host, access.failure
        # Built outside any lock: building a stub can run garbage collection, whose finalizers
        # (an unclosed file's close()) may call this link again.
        direct = Target(
            self._stub_class(self._channels.get(access.target)),
            ((COMPONENT_METADATA_KEY, self.component.name), (GRANT_METADATA_KEY, access.grant)),
            access.call_timeout,
            access.pid,
            access.expires,
            access.grant,
            access.files_address,
        )
        self._direct = direct
        return direct, access.failure

    def _recover(
        self,
        error: grpc.RpcError,
        target: Target,
        method: str,
        restarted: bool,
        *,
        started: bool = False,
        stalled: bool = False,
    ) -> tuple[Target, bool]:
        """Deals with a failed direct call: returns the target to retry on and whether a restart
        was already retried (once is the limit), or raises. `started`: a stream that already
        delivered messages, which is never sent again here; `stalled`: the stall watch cut it."""
        call: Any = error
        code = call.code()
        info = errors.error_info(error)
        reason = info.reason if info is not None else ""
        name, kind = self.component.name, self.component.type.value
        if stalled or (info is None and code == grpc.StatusCode.DEADLINE_EXCEEDED):
            self.timed_out(target, method, error)
        elif not started and (
            reason == "COMPONENT_NOT_CONFIGURED"
            or (code == grpc.StatusCode.UNAUTHENTICATED and info is None)
        ):
            # The grant or the config is stale; the call did not run, so it may run again.
            return self.renew()[0], restarted
        elif info is None and code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED):
            renewed, failure = self.renew(failed=target)
            if not started and not restarted and method in self._idempotent:
                return renewed, True
            raise errors.ComponentUnavailableError(
                failure
                or f"{kind} {name!r} is unavailable: its sidecar (pid {target.pid}) went away "
                "during the call; the next call restarts it"
            ) from error
        errors.raise_from_rpc_error(error)

    def timed_out(self, target: Target, method: str, cause: BaseException | None) -> NoReturn:
        """Reports a sidecar that overran the call timeout (the host kills it) and raises."""
        _, failure = self.renew(failed=target, hung=True)
        name = self.component.name
        raise errors.ComponentTimeoutError(
            f"{self.component.type.value} {name!r} did not answer {method} within its call "
            f"timeout of {target.timeout:g}s (if the call is only slow, raise it with "
            f"`flavorhost {self.component.type.cli_name} update {name} --call-timeout "
            f"SECONDS`), so {failure or 'flavorhost killed its sidecar as hung'}"
        ) from cause


class LinkedStream:
    """A streaming call of a component; iterating it raises the error table's exceptions.

    On the direct path it does the host's part: each wait for the sidecar's next message counts
    against the call timeout (an overrun gets the sidecar killed as hung), a death is reported
    so the host restarts the sidecar, and a stream that failed before its first message is
    started again when it cannot have run (stale grant or config) or only reads (once, after a
    death). Once messages flowed, failures are raised: a reader resumes from its own offset.
    """

    def __init__(self, link: ComponentLink, method: str, requests: Callable[[], Any]) -> None:
        self._link = link
        self._method = method
        self._requests = requests
        self._started = False
        self._restarted = False
        self._watched: WatchedStream | None = None
        self._call: Any = None
        self._attempts = 0
        self._start(link.target())

    def _start(self, target: Target) -> None:
        self._attempts += 1
        if self._attempts > MAX_ATTEMPTS:
            self._link.kept_changing()
        self._target = target
        try:
            self._call = getattr(target.stub, self._method)(
                self._requests(), metadata=target.metadata
            )
        except ValueError:
            self._link._closed()
        if target.pid is not None:
            self._watched = stall_watch().watch(target.timeout, lambda: None)
            self._watched.call = self._call

    def __iter__(self) -> LinkedStream:
        return self

    def __next__(self) -> Any:
        while True:
            watched = self._watched
            try:
                if watched is None:
                    response = next(self._call)
                else:
                    watched.since = time.monotonic()
                    watched.awaiting_response = True
                    try:
                        response = next(self._call)
                    finally:
                        watched.awaiting_response = False
            except StopIteration:
                self._unwatch()
                raise
            except grpc.RpcError as error:
                self._failed(error)
                continue
            self._started = True
            return response

    def _failed(self, error: grpc.RpcError) -> None:
        """Raises the error, or starts the call again when that is safe."""
        stalled = self._watched is not None and self._watched.expired
        self._unwatch()
        if self._target.pid is None:
            errors.raise_from_rpc_error(error)
        target, self._restarted = self._link._recover(
            error,
            self._target,
            self._method,
            self._restarted,
            started=self._started,
            stalled=stalled,
        )
        self._start(target)

    def check_send_wait(self, waited: float) -> None:
        """Raises ComponentTimeoutError (the sidecar killed as hung) if the sidecar has not
        taken the next request for longer than the call timeout; the caller is blocked on it."""
        if self._target.pid is None or waited <= self._target.timeout:
            return
        self.cancel()
        self._link.timed_out(self._target, self._method, None)

    def done(self) -> bool:
        """Whether the call has ended."""
        return bool(self._call.done())

    def cancel(self) -> None:
        """Ends the call (the sidecar sees it cancelled)."""
        self._call.cancel()
        self._unwatch()

    def _unwatch(self) -> None:
        if self._watched is not None:
            stall_watch().unwatch(self._watched)
            self._watched = None
