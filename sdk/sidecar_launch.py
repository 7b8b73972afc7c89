"""The launcher's half of the launch contract (docs/protocol.md): a sidecar's command line and
environment, and reading its handshake line. Shared by the host and the conformance kit, which
both launch sidecars."""

from __future__ import annotations

import os
import selectors
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from flavorhost.manifests import LaunchSpec
from flavorhost.protocol import (
    COOKIE_ENV,
    COOKIE_VALUE,
    SOCKET_DIR_ENV,
    TOKEN_ENV,
    Handshake,
)

# How long to wait for an exited process to be reaped after its stdout closed.
REAP_SECONDS = 5.0


@dataclass(frozen=True)
class LaunchCommand:
    """A sidecar's process, before the launcher adds the per-launch variables (cookie, ...)."""

    argv: list[str]
    cwd: str | None
    env: dict[str, str] = field(default_factory=dict)


def manifest_command(launch: LaunchSpec, manifest_path: str, what: str) -> LaunchCommand:
    """A manifest's `launch` with its paths resolved from the manifest's folder; ValueError
    naming `what` and the fix when its folder or program is missing."""
    cwd = Path(manifest_path).parent / launch.working_dir
    if not cwd.is_dir():
        raise ValueError(
            f"the working_dir {launch.working_dir!r} of {what} is not a folder ({cwd}); fix "
            "launch.working_dir"
        )
    if os.sep in launch.command or "/" in launch.command:
        # Not resolve(): a venv's python is a symlink that only works under its own name.
        program = os.path.abspath(cwd / launch.command)
        if not (os.access(program, os.X_OK) and Path(program).is_file()):
            raise ValueError(
                f"the command {launch.command!r} of {what} is not an executable file: "
                f"{program} (relative to its working_dir {cwd}); fix launch.command or "
                "launch.working_dir"
            )
    else:
        program = shutil.which(launch.command) or ""
        if not program:
            raise ValueError(
                f"the command {launch.command!r} of {what} is not on the PATH of this "
                f"process ({os.environ.get('PATH', '')}); install it there or give "
                "launch.command as an absolute path"
            )
    return LaunchCommand([program, *launch.args], str(cwd.resolve()), dict(launch.env))


class HandshakeTimeoutError(TimeoutError):
    """The sidecar printed no complete handshake line in time."""


class ExitedBeforeHandshakeError(RuntimeError):
    """The sidecar closed its stdout (exited) before printing a handshake line."""

    def __init__(self, returncode: int | None) -> None:
        super().__init__(f"exited with code {returncode} before its handshake")
        self.returncode = returncode


def launch_environment(token: str, socket_dir: Path, **more: str) -> dict[str, str]:
    """This process's environment plus `more` (the flavor's own: its source, a manifest's
    `launch.env`, its name) and what every sidecar gets, which `more` cannot override: the
    cookie, its token, the socket folder."""
    return {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        **more,
        COOKIE_ENV: COOKIE_VALUE,
        TOKEN_ENV: token,
        SOCKET_DIR_ENV: str(socket_dir),
    }


def read_handshake(process: subprocess.Popen[bytes], timeout: float) -> Handshake:
    """Reads the sidecar's first stdout line within `timeout` seconds and parses it.

    Raises HandshakeTimeoutError, ExitedBeforeHandshakeError or HandshakeError.
    """
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    buffer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while b"\n" not in buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise HandshakeTimeoutError(f"no handshake within {timeout:g}s")
            if not selector.select(timeout=min(remaining, 0.5)):
                continue
            chunk = os.read(process.stdout.fileno(), 4096)
            if not chunk:
                process.wait(timeout=REAP_SECONDS)
                raise ExitedBeforeHandshakeError(process.returncode)
            buffer += chunk
    return Handshake.parse(buffer.split(b"\n", 1)[0].decode(errors="replace"))
