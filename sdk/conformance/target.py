"""How the conformance kit reaches the sidecar it checks.

- `launch`: the kit runs a command as the host would (docs/protocol.md, Launch): its own
  environment plus the cookie, a fresh token and a fresh 0700 socket folder; it reads and checks
  the handshake and owns the process, so it can also check Shutdown.
- `at_address`: a sidecar someone else started, with its token when given.
- `registered`: a component of the running host; the kit gets the sidecar's address and a grant
  from `Host/OpenComponent` and may only call the component's services (the host owns the
  sidecar's lifecycle). A component the host keeps behind itself is called through the host.
"""

from __future__ import annotations

import logging
import os
import secrets
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc

from flavorhost.enums import StackComponentType
from flavorhost.protocol import (
    COMPONENT_METADATA_KEY,
    COMPONENT_TYPE_METADATA_KEY,
    GRANT_METADATA_KEY,
    LOCAL_GRPC_OPTIONS,
    TOKEN_ENV,
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

logger = logging.getLogger(__name__)

STOP_SECONDS = 5.0
STDERR_TAIL_LINES = 20


class TargetError(Exception):
    """The kit could not reach the sidecar at all; the message says why and what to do."""


@dataclass
class Target:
    """A sidecar the kit can call, and what it may do with it."""

    # "command", "address" or "component": how the user named the sidecar.
    how: str
    channel: grpc.Channel
    # The sidecar's per-launch token, or '' (then `why_no_token` says why).
    token: str = ""
    why_no_token: str = ""
    # Set when the kit launched the sidecar.
    process: subprocess.Popen[bytes] | None = None
    handshake_line: str = ""
    socket_dir: Path | None = None
    stderr_path: Path | None = None
    # --component: the registered component, its config and how to call it without a token.
    component: str = ""
    component_config: dict[str, Any] | None = None
    component_metadata: tuple[tuple[str, str], ...] = ()
    # Calls go through the host (it keeps the sidecar behind itself), not to the sidecar.
    through_host: bool = False
    _temp_dir: str = ""
    _closed: bool = field(default=False, repr=False)

    @property
    def handshake(self) -> Handshake | None:
        """The parsed handshake (command mode)."""
        return Handshake.parse(self.handshake_line) if self.handshake_line else None

    def stderr_tail(self) -> str:
        """The end of a launched sidecar's stderr."""
        if self.stderr_path is None:
            return ""
        try:
            text = self.stderr_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-STDERR_TAIL_LINES:])

    def close(self) -> None:
        """Closes the channel; stops a launched sidecar that still runs; removes temp files."""
        if self._closed:
            return
        self._closed = True
        self.channel.close()
        if self.process is not None:
            _stop(self.process)
        if self._temp_dir:
            shutil.rmtree(self._temp_dir, ignore_errors=True)

    def __enter__(self) -> Target:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_SECONDS)
    if process.stdout is not None:
        process.stdout.close()


def launch(command: str | LaunchCommand, handshake_timeout: float = 60.0) -> Target:
    """Starts `command` (a command line, shlex-split, no shell; or a manifest's resolved launch
    with its folder and environment) as a sidecar and reads its handshake."""
    if isinstance(command, str):
        command = LaunchCommand(shlex.split(command), None)
    argv = command.argv
    if not argv:
        raise TargetError("--command is empty; give the sidecar's command line")
    shown = shlex.join(argv)
    # Short (socket paths have a 107-byte limit) and private (mkdtemp makes it 0700).
    temp_dir = tempfile.mkdtemp(prefix="fhc-")
    socket_dir = Path(temp_dir) / "s"
    socket_dir.mkdir(mode=0o700)
    stderr_path = Path(temp_dir) / "stderr.log"
    token = secrets.token_urlsafe(32)
    try:
        with open(stderr_path, "wb") as stderr:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=stderr,
                env=launch_environment(token, socket_dir, **command.env),
                cwd=command.cwd,
            )
    except OSError as error:
        shutil.rmtree(temp_dir, ignore_errors=True)
        raise TargetError(f"could not run the sidecar command {shown!r}: {error}") from error
    target = Target(
        how="command",
        channel=grpc.insecure_channel("unix:///nonexistent", options=LOCAL_GRPC_OPTIONS),
        token=token,
        process=process,
        socket_dir=socket_dir,
        stderr_path=stderr_path,
        _temp_dir=temp_dir,
    )
    try:
        handshake = read_handshake(process, handshake_timeout)
    except (HandshakeTimeoutError, ExitedBeforeHandshakeError, HandshakeError) as error:
        what = {
            HandshakeTimeoutError: f"printed no handshake line within {handshake_timeout:g}s",
            ExitedBeforeHandshakeError: str(error),
            HandshakeError: f"sent a bad handshake: {error}",
        }[type(error)]
        _stop(process)
        message = (
            f"the sidecar command {shown!r} {what}; its stderr ends with:\n"
            f"{target.stderr_tail() or '(nothing)'}"
        )
        target.close()
        raise TargetError(message) from error
    # Kept raw: the lifecycle checks look at the line as the sidecar wrote it.
    target.handshake_line = handshake.line()
    target.channel.close()
    target.channel = grpc.insecure_channel(handshake.target, options=LOCAL_GRPC_OPTIONS)
    return target


def at_address(address: str, token: str = "") -> Target:
    """A sidecar listening at `unix:///PATH`, with its token if known."""
    if not address.startswith("unix:"):
        raise TargetError(f"--address {address!r} is not a unix socket; give unix:///PATH")
    path = address.removeprefix("unix://")
    if path.startswith("/") and not Path(path).exists():
        raise TargetError(
            f"nothing listens at {address}: {path} does not exist; start the sidecar first "
            "(docs/protocol.md, Launch) or check the path it printed in its handshake"
        )
    token = token or os.environ.get(TOKEN_ENV, "")
    return Target(
        how="address",
        channel=grpc.insecure_channel(address, options=LOCAL_GRPC_OPTIONS),
        token=token,
        why_no_token="" if token else f"no token given (--token or ${TOKEN_ENV})",
    )


def registered(kind: StackComponentType, name: str) -> Target:
    """A component of the running host, reached as a direct client would (a grant)."""
    from flavorhost.client import Client
    from flavorhost.generated.v1 import host_pb2, host_pb2_grpc
    from flavorhost.host_connection import connect
    from flavorhost.wire import type_to_proto

    with Client() as client:
        component = client.get_component(kind, name)
    config = dict(component.config)
    host_channel = connect()
    request = host_pb2.OpenComponentRequest(type=type_to_proto(kind), name=name)
    try:
        access = host_pb2_grpc.HostStub(host_channel).OpenComponent(request, timeout=300)
    except grpc.RpcError as error:
        host_channel.close()
        from flavorhost.errors import raise_from_rpc_error

        raise_from_rpc_error(error)
    why = "the host owns this sidecar's lifecycle (--component); use --command to check it"
    if not access.direct:
        # The host keeps this sidecar behind itself: call through the host, as the SDK does.
        return Target(
            how="component",
            channel=host_channel,
            why_no_token=why,
            through_host=True,
            component=name,
            component_config=config,
            component_metadata=(
                (COMPONENT_METADATA_KEY, name),
                (COMPONENT_TYPE_METADATA_KEY, kind.value),
            ),
        )
    host_channel.close()
    return Target(
        how="component",
        channel=grpc.insecure_channel(access.target, options=LOCAL_GRPC_OPTIONS),
        why_no_token=why,
        component=name,
        component_config=config,
        component_metadata=((COMPONENT_METADATA_KEY, name), (GRANT_METADATA_KEY, access.grant)),
    )
