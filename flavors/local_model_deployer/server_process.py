"""`ServerProcess`: one model server child process, owned by the deployer that started it.

The child runs in its own process group (so stopping it stops whatever it started) and reads a
pipe from us on stdin: when this process ends, however it ends (even SIGKILL), the pipe closes
and the child stops. (No parent-death signal: Linux sends it when the forking *thread* ends, and
gRPC's worker threads are not the process.)
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

STOP_GRACE_SECONDS = 5.0
KILL_WAIT_SECONDS = 5.0
LOG_TAIL_BYTES = 2000


def log_tail(path: Path) -> str:
    """The end of a log file, or '' if there is none."""
    try:
        with path.open("rb") as file:
            file.seek(max(0, path.stat().st_size - LOG_TAIL_BYTES))
            return file.read().decode(errors="replace").strip()
    except OSError:
        return ""


class ServerProcess:
    """Starts `model_server` for one model file; `port` once it serves; `stop()` ends it."""

    def __init__(self, model_file: Path, fmt: str, log: Path, python_path: list[str]) -> None:
        self.log = log
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([*python_path, env.get("PYTHONPATH", "")]).strip(
            os.pathsep
        )
        with log.open("ab") as log_file:
            self._process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "flavorhost.flavors.local_model_deployer.model_server",
                    str(model_file),
                    fmt,
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log_file,
                cwd=model_file.parent,
                env=env,
                start_new_session=True,
            )
        self.port = 0

    @property
    def pid(self) -> int:
        """The child's pid."""
        return self._process.pid

    def wait_for_port(self, timeout: float) -> int:
        """Reads the `PORT n` line; raises if the child exits first or is not up in time."""
        assert self._process.stdout is not None
        deadline = time.monotonic() + max(timeout, 0.1)
        line = b""
        with selectors.DefaultSelector() as selector:
            selector.register(self._process.stdout, selectors.EVENT_READ)
            while not line.endswith(b"\n"):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.stop(0, force=True)
                    raise TimeoutError(
                        f"the model server did not start within {timeout:g} s; its log "
                        f"({self.log}): {log_tail(self.log)}"
                    )
                if not selector.select(remaining):
                    continue
                chunk = os.read(self._process.stdout.fileno(), 64)
                if not chunk:
                    code = self._process.wait(KILL_WAIT_SECONDS)
                    # Almost always a model it could not load: the caller's to fix.
                    raise ValueError(
                        f"the model server exited with code {code} before serving: "
                        f"{log_tail(self.log) or '(empty log)'}"
                    )
                line += chunk
        self.port = int(line.split()[1])
        return self.port

    def exit_code(self) -> int | None:
        """None while the child runs."""
        return self._process.poll()

    def stop(self, timeout: float, force: bool = False) -> None:
        """Ends the child and its group: closes its stdin and waits (up to `timeout`, at most
        STOP_GRACE_SECONDS), then kills."""
        if self._process.stdin is not None and not self._process.stdin.closed:
            self._process.stdin.close()
        if not force and self._process.poll() is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(min(max(timeout, 0.5), STOP_GRACE_SECONDS))
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._process.pid, signal.SIGKILL)  # the group: anything it started
        self._process.wait(KILL_WAIT_SECONDS)
        if self._process.stdout is not None:
            self._process.stdout.close()
