"""Where flavorhost keeps its state: `$FLAVORHOST_HOME`, by default `~/.flavorhost`."""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "FLAVORHOST_HOME"
# sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
MAX_SOCKET_PATH = 107


def flavorhost_home() -> Path:
    """The state directory, created private (0700) on first use."""
    home = Path(os.environ.get(HOME_ENV) or Path.home() / ".flavorhost").expanduser().absolute()
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    return home


def host_socket_path(home: Path) -> Path:
    """The host's unix socket; a clear error when the path is too long for a socket."""
    path = home / "host.sock"
    if len(str(path).encode()) > MAX_SOCKET_PATH:
        raise ValueError(
            f"{path} is longer than the {MAX_SOCKET_PATH} bytes a unix socket path may have; "
            f"set {HOME_ENV} to a shorter directory"
        )
    return path


def host_address(home: Path) -> str:
    """The gRPC target of the host."""
    return f"unix://{host_socket_path(home)}"


def host_log_path(home: Path) -> Path:
    """Where a host started in the background writes its log."""
    return home / "host.log"


def logs_dir(home: Path) -> Path:
    """Where sidecar logs (their stderr) go, one file per sidecar."""
    path = home / "logs"
    path.mkdir(exist_ok=True, mode=0o700)
    return path
