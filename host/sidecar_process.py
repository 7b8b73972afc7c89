"""One sidecar process: launch, handshake, channel, configuration of its components, shutdown."""

from __future__ import annotations

import json
import logging
import os
import secrets
import shlex
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import grpc

from flavorhost import grants
from flavorhost.errors import ComponentTimeoutError, ComponentUnavailableError, from_rpc_error
from flavorhost.generated.v1 import lifecycle_pb2, lifecycle_pb2_grpc
from flavorhost.host.registry import ComponentRecord, FlavorRecord
from flavorhost.protocol import (
    COMPONENT_METADATA_KEY,
    COMPONENT_TYPE_ENV,
    FLAVOR_NAME_ENV,
    LOCAL_GRPC_OPTIONS,
    PROTOCOL_VERSION,
    TOKEN_METADATA_KEY,
    Handshake,
    HandshakeError,
)
from flavorhost.sidecar_launch import (
    ExitedBeforeHandshakeError,
    HandshakeTimeoutError,
    LaunchCommand,
    launch_environment,
    read_handshake,
)
from flavorhost.wire import type_from_proto

logger = logging.getLogger(__name__)

HANDSHAKE_TIMEOUT_SECONDS = 60.0
# Overrides HANDSHAKE_TIMEOUT_SECONDS, for flavors whose imports are slow on a slow machine.
HANDSHAKE_TIMEOUT_ENV = "FLAVORHOST_HANDSHAKE_TIMEOUT"
LIFECYCLE_TIMEOUT_SECONDS = 60.0
STOP_GRACE_SECONDS = 5.0
LOG_TAIL_LINES = 20


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last lines of a log file, for error messages."""
    try:
        with open(path, "rb") as log:
            log.seek(max(0, os.path.getsize(path) - 16384))
            text = log.read().decode(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def handshake_timeout() -> float:
    """Seconds a sidecar has to print its handshake: the default, or the environment's."""
    text = os.environ.get(HANDSHAKE_TIMEOUT_ENV, "")
    try:
        seconds = float(text) if text else HANDSHAKE_TIMEOUT_SECONDS
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < float("inf"):
        logger.warning("ignoring %s=%r: not a positive number", HANDSHAKE_TIMEOUT_ENV, text)
        return HANDSHAKE_TIMEOUT_SECONDS
    return seconds


class SidecarProcess:
    """A running sidecar for one flavor, owned by the supervisor."""

    def __init__(
        self,
        flavor: FlavorRecord,
        process: subprocess.Popen[bytes],
        channel: grpc.Channel,
        token: str,
        log_path: Path,
        runtime: str,
        program: str,
        target: str = "",
        files_address: str = "",
    ) -> None:
        self.flavor = flavor
        # The gRPC target the sidecar listens on (a private unix socket).
        self.target = target
        # Where the sidecar hands over local files (PluginInfo.file_handover_address), or "".
        self.files_address = files_address
        self.process = process
        self.channel = channel
        self.log_path = log_path
        self.runtime = runtime
        # What runs the sidecar: its Python interpreter, or a manifest flavor's program.
        self.program = program
        self.started = time.time()
        # Set by the supervisor once it has counted this process's death.
        self.crash_counted = False
        # Component name -> the config JSON it was configured with.
        self._configured: dict[str, str] = {}
        # Component name -> the registry `updated` time of the config it holds.
        self._versions: dict[str, float] = {}
        self._lock = threading.Lock()
        self._lifecycle = lifecycle_pb2_grpc.LifecycleStub(channel)
        self._auth = ((TOKEN_METADATA_KEY, token),)
        self._token = token
        self._forwarders: dict[str, Any] = {}

    @classmethod
    def launch(
        cls, flavor: FlavorRecord, command: LaunchCommand, socket_dir: Path, log_path: Path
    ) -> SidecarProcess:
        """Starts the sidecar and waits for its handshake; ComponentUnavailableError on failure."""
        token = secrets.token_urlsafe(32)
        env = launch_environment(
            token,
            socket_dir,
            **command.env,
            **{FLAVOR_NAME_ENV: flavor.name, COMPONENT_TYPE_ENV: flavor.type.value},
        )
        with open(log_path, "ab") as log:
            try:
                process = subprocess.Popen(
                    command.argv,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    env=env,
                    cwd=command.cwd,
                )
            except OSError as error:
                raise ComponentUnavailableError(
                    f"cannot start the sidecar of {flavor.type.value} flavor {flavor.name!r} "
                    f"({shlex.join(command.argv)}): {error.strerror}"
                ) from error
        what = f"the sidecar of {flavor.type.value} flavor {flavor.name!r}"
        try:
            handshake = cls._read_handshake(process, what, log_path)
            channel = grpc.insecure_channel(handshake.target, options=LOCAL_GRPC_OPTIONS)
            info = lifecycle_pb2_grpc.LifecycleStub(channel).GetPluginInfo(
                lifecycle_pb2.GetPluginInfoRequest(),
                metadata=((TOKEN_METADATA_KEY, token),),
                timeout=LIFECYCLE_TIMEOUT_SECONDS,
                wait_for_ready=True,
            )
        except grpc.RpcError as error:
            process.kill()
            process.wait(timeout=STOP_GRACE_SECONDS)
            raise ComponentUnavailableError(
                f"{what} did not answer GetPluginInfo: {from_rpc_error(error)}; its log "
                f"{log_path} ends with:\n{log_tail(log_path)}"
            ) from error
        except BaseException:
            process.kill()
            process.wait(timeout=STOP_GRACE_SECONDS)
            raise
        kind = type_from_proto(info.component_type, required=False)
        if info.protocol_version != PROTOCOL_VERSION:
            process.kill()
            process.wait(timeout=STOP_GRACE_SECONDS)
            channel.close()
            raise ComponentUnavailableError(
                f"{what} speaks sidecar protocol {info.protocol_version} in GetPluginInfo, this "
                f"host {PROTOCOL_VERSION}; use a flavor release made for this flavorhost"
            )
        if info.flavor_name != flavor.name or kind != flavor.type:
            process.kill()
            process.wait(timeout=STOP_GRACE_SECONDS)
            channel.close()
            raise ComponentUnavailableError(
                f"{what} says it serves {kind} flavor {info.flavor_name!r}"
                + (
                    f"; make the manifest's name and type ({flavor.source}) match what the "
                    "sidecar answers, and register it again"
                    if flavor.manifest
                    else "; re-register the flavor so the registry matches its class"
                )
            )
        logger.info("started %s: pid %d", what, process.pid)
        return cls(
            flavor,
            process,
            channel,
            token,
            log_path,
            info.runtime,
            command.argv[0],
            handshake.target,
            info.file_handover_address,
        )

    @staticmethod
    def _read_handshake(process: subprocess.Popen[bytes], what: str, log_path: Path) -> Handshake:
        """Reads the first stdout line within the deadline and parses it."""
        timeout = handshake_timeout()
        try:
            return read_handshake(process, timeout)
        except HandshakeTimeoutError:
            raise ComponentUnavailableError(
                f"{what} did not complete its handshake within "
                f"{timeout:g}s (raise it with {HANDSHAKE_TIMEOUT_ENV}=SECONDS in the "
                f"host's environment if the flavor only starts slowly); its log "
                f"{log_path} ends with:\n"
                f"{log_tail(log_path)}"
            ) from None
        except ExitedBeforeHandshakeError as error:
            raise ComponentUnavailableError(
                f"{what} exited with code {error.returncode} before its handshake; "
                f"its log {log_path} ends with:\n{log_tail(log_path)}"
            ) from None
        except HandshakeError as error:
            raise ComponentUnavailableError(f"{what} sent a bad handshake: {error}") from error

    def forwarder(self, path: str, client_streaming: bool, server_streaming: bool) -> Any:
        """A bytes-in, bytes-out callable for one method, made once per sidecar (hot path)."""
        callable_ = self._forwarders.get(path)
        if callable_ is None:
            make = {
                (False, False): self.channel.unary_unary,
                (True, False): self.channel.stream_unary,
                (False, True): self.channel.unary_stream,
                (True, True): self.channel.stream_stream,
            }[(client_streaming, server_streaming)]
            callable_ = self._forwarders.setdefault(path, make(path))
        return callable_

    @property
    def alive(self) -> bool:
        """Whether the process still runs."""
        return self.process.poll() is None

    def died(self, within: float) -> bool:
        """Whether the process exits within `within` seconds (a broken call may precede exit)."""
        try:
            self.process.wait(timeout=within)
        except subprocess.TimeoutExpired:
            return False
        return True

    def grant(self, component: str, expires: float) -> str:
        """A grant for a client to call `component` on this sidecar directly (sdk/grants.py)."""
        return grants.mint(self._token, component, expires)

    def metadata(self, component: str) -> tuple[tuple[str, str], ...]:
        """Metadata for a call to one of this sidecar's components."""
        return ((COMPONENT_METADATA_KEY, component), *self._auth)

    def death_report(self, component: str) -> str:
        """Why a call to `component` failed when this sidecar died: exit code and log tail."""
        return (
            f"{self.flavor.type.value} {component!r} is unavailable: its sidecar (pid "
            f"{self.process.pid}) died with exit code {self.process.returncode} during the call; "
            f"the next call restarts it. Its log {self.log_path} ends with:\n"
            f"{log_tail(self.log_path)}"
        )

    def hang_report(self) -> str:
        """The end of a timeout's message, once this sidecar was killed as hung."""
        return (
            f"flavorhost deemed its sidecar (pid {self.process.pid}) hung and killed it; the next "
            f"call starts a new one. Its log {self.log_path} ends with:\n{log_tail(self.log_path)}"
        )

    def kill(self) -> None:
        """Kills the process at once (it hung); the supervisor restarts it on the next call."""
        self.process.kill()
        try:
            self.process.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            logger.error("sidecar pid %d did not die after SIGKILL", self.process.pid)

    def ensure_configured(
        self, component: ComponentRecord, config: dict[str, Any], timeout: float
    ) -> None:
        """Configures the component unless it already is, with exactly this config; a sidecar
        that takes longer than `timeout` seconds is deemed hung and killed."""
        config_json = json.dumps(config, sort_keys=True)
        if self._configured.get(component.name) == config_json:
            return
        with self._lock:
            if self._configured.get(component.name) == config_json:
                return
            if self._versions.get(component.name, component.updated) > component.updated:
                return  # a call that read the registry before an update: newer config is in
            self._versions[component.name] = component.updated
            try:
                self._lifecycle.Configure(
                    lifecycle_pb2.ConfigureRequest(
                        component_name=component.name,
                        component_id=component.id,
                        config_json=config_json,
                    ),
                    metadata=self._auth,
                    timeout=timeout,
                )
            except grpc.RpcError as error:
                if error.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
                    self.kill()
                    raise ComponentTimeoutError(
                        f"the sidecar of flavor {self.flavor.name!r} did not finish configuring "
                        f"component {component.name!r} within its call timeout of {timeout:g}s, "
                        f"so {self.hang_report()}"
                    ) from error
                if self.died(within=1.0):
                    raise ComponentUnavailableError(
                        f"the sidecar of flavor {self.flavor.name!r} died (exit code "
                        f"{self.process.returncode}) while configuring component "
                        f"{component.name!r}; its log {self.log_path} ends with:\n"
                        f"{log_tail(self.log_path)}"
                    ) from error
                raise from_rpc_error(error) from error
            self._configured[component.name] = config_json

    def release(self, component: str) -> None:
        """Tells the sidecar to forget a component."""
        self._versions.pop(component, None)
        if self._configured.pop(component, None) is None or not self.alive:
            return
        try:
            self._lifecycle.Release(
                lifecycle_pb2.ReleaseRequest(component_name=component),
                metadata=self._auth,
                timeout=LIFECYCLE_TIMEOUT_SECONDS,
            )
        except grpc.RpcError:
            logger.warning("sidecar of %r did not release %r", self.flavor.name, component)

    @property
    def components(self) -> list[str]:
        """Names of the configured components."""
        return sorted(self._configured)

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Asks the sidecar to shut down, then kills it after `grace` seconds."""
        if self.alive:
            try:
                self._lifecycle.Shutdown(
                    lifecycle_pb2.ShutdownRequest(),
                    metadata=self._auth,
                    timeout=grace,
                )
            except grpc.RpcError:
                self.process.terminate()
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=grace)
        self.channel.close()
        if self.process.stdout is not None:
            self.process.stdout.close()
