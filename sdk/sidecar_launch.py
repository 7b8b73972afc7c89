"""The launcher's half of the launch contract (docs/protocol.md): a sidecar's environment, and
reading its handshake line. Shared by the host and the conformance kit, which both launch
sidecars."""

from __future__ import annotations

import os
import selectors
import subprocess
import time
from pathlib import Path

from flavorhost.protocol import (
    COOKIE_ENV,
    COOKIE_VALUE,
    SOCKET_DIR_ENV,
    TOKEN_ENV,
    Handshake,
)

# How long to wait for an exited process to be reaped after its stdout closed.
REAP_SECONDS = 5.0


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
