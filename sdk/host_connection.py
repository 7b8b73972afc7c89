"""Finding the host, and starting it in the background when none runs.

The CLI and the SDK call `connect()`: a new user never has to start the host by hand. Starting is
serialised by a lock file so that concurrent first calls start one host. With
`FLAVORHOST_HOST_ADDRESS` set, `connect()` reaches that host over TCP instead and never starts one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from flavorhost.errors import HostUnavailableError
from flavorhost.home import flavorhost_home, host_address, host_log_path, host_socket_path
from flavorhost.protocol import LOCAL_GRPC_OPTIONS
from flavorhost.remote_host import RemoteHost

START_TIMEOUT_SECONDS = 60.0
PING_TIMEOUT_SECONDS = 2.0
ALREADY_RUNNING_EXIT = 3


def is_running(home: Path) -> bool:
    """Whether a host answers on this home's socket."""
    if not host_socket_path(home).exists():
        return False
    with grpc.insecure_channel(host_address(home), options=LOCAL_GRPC_OPTIONS) as channel:
        try:
            health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(), timeout=PING_TIMEOUT_SECONDS
            )
        except grpc.RpcError:
            return False
    return True


def start_in_background(home: Path, options: Sequence[str] = ()) -> None:
    """Starts a detached host for `home` and waits until it answers.

    `options` are more arguments of `python -m flavorhost.host`, e.g. `--address`.
    """
    with open(home / "start.lock", "a") as start_lock:
        fcntl.flock(start_lock, fcntl.LOCK_EX)
        if is_running(home):
            return
        log_path = host_log_path(home)
        with open(log_path, "ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "flavorhost.host", "--home", str(home), *options],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=home,
            )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if is_running(home):
                return
            code = process.poll()
            if code is not None and code != ALREADY_RUNNING_EXIT:
                raise HostUnavailableError(
                    f"the flavorhost host exited with code {code} while starting; "
                    f"see its log {log_path}:\n{_tail(log_path)}"
                )
            time.sleep(0.05)
        raise HostUnavailableError(
            f"the flavorhost host did not answer within {START_TIMEOUT_SECONDS:.0f}s; "
            f"see its log {log_path}"
        )


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def connect(home: Path | None = None, autostart: bool = True) -> grpc.Channel:
    """A channel to the host of `home` (default `$FLAVORHOST_HOME`), started if needed.

    With `FLAVORHOST_HOST_ADDRESS` set: a channel to that host over TCP, never started.
    """
    remote = RemoteHost.from_environment()
    if remote is not None:
        return remote.connect()
    home = home or flavorhost_home()
    if not is_running(home):
        if not autostart:
            raise HostUnavailableError(
                f"no flavorhost host runs for {home}; start one with `flavorhost host start`"
            )
        start_in_background(home)
    return grpc.insecure_channel(host_address(home), options=LOCAL_GRPC_OPTIONS)


def wait_until_stopped(pid: int, timeout: float = 30.0) -> bool:
    """Waits for a host process to exit; True if it did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # Reaps the host if this process started it (it would linger as a zombie).
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False
