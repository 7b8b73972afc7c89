"""Managed virtual environments: one per distinct requirement set, shared by flavors.

An environment holds the flavorhost runtime and a flavor's requirements, and is cached under
`$FLAVORHOST_HOME/envs/<hash of the requirements>/`, so flavors with the same requirements and
later hosts reuse it. It is built with uv in a temporary folder and renamed into place when
complete; a failed build leaves `envs/<hash>.failed` holding the installer's message.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from flavorhost.errors import ComponentUnavailableError

logger = logging.getLogger(__name__)

BUILD_TIMEOUT_SECONDS = 1800.0
Progress = Callable[[str], None]


class EnvironmentBuildError(ComponentUnavailableError):
    """Installing a flavor's requirements failed; the message quotes the installer."""


@dataclass(frozen=True)
class EnvironmentState:
    """Whether a requirement set's environment is built."""

    key: str
    state: str  # "host" (no requirements), "external", "ready", "missing" or "failed"
    python: str
    message: str = ""


def environment_key(requirements: Sequence[str]) -> str:
    """A stable name for a requirement set (order and duplicates do not matter)."""
    canonical = json.dumps(sorted({r.strip() for r in requirements if r.strip()}))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def runtime_requirement() -> list[str]:
    """How to install this very flavorhost into another environment (uv pip arguments)."""
    distribution = metadata.distribution("flavorhost")
    direct = distribution.read_text("direct_url.json")
    if direct:
        info = json.loads(direct)
        url = str(info.get("url", ""))
        if url.startswith("file://"):
            path = url[len("file://") :]
            return ["-e", path] if info.get("dir_info", {}).get("editable") else [path]
        return [f"flavorhost @ {url}"]
    return [f"flavorhost=={distribution.version}"]


def _uv() -> str:
    from uv import find_uv_bin

    return str(find_uv_bin())


class EnvironmentManager:
    """Builds and finds the interpreters that sidecars run with."""

    def __init__(self, home: Path) -> None:
        self._root = home / "envs"
        self._root.mkdir(exist_ok=True, mode=0o700)
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def _lock(self, key: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(key, threading.Lock())

    def state(self, requirements: Sequence[str], python: str = "") -> EnvironmentState:
        """Where a flavor's sidecar would run, and whether that is ready."""
        if python:
            return EnvironmentState("", "external", python)
        if not requirements:
            return EnvironmentState("", "host", sys.executable)
        key = environment_key(requirements)
        folder = self._root / key
        interpreter = str(folder / "bin" / "python")
        if (folder / "bin" / "python").exists():
            return EnvironmentState(key, "ready", interpreter)
        failed = self._root / f"{key}.failed"
        if failed.exists():
            return EnvironmentState(key, "failed", interpreter, failed.read_text())
        return EnvironmentState(key, "missing", interpreter)

    def ensure(
        self, requirements: Sequence[str], python: str = "", progress: Progress | None = None
    ) -> str:
        """The interpreter for a flavor, building its environment first if needed."""
        state = self.state(requirements, python)
        if state.state in ("host", "external", "ready"):
            return state.python
        with self._lock(state.key):
            state = self.state(requirements, python)
            if state.state == "ready":
                return state.python
            self._build(state.key, list(requirements), progress or logger.info)
        return self.state(requirements, python).python

    def _build(self, key: str, requirements: list[str], progress: Progress) -> None:
        failed = self._root / f"{key}.failed"
        failed.unlink(missing_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=self._root))
        progress(f"building environment {key} for: {' '.join(requirements)}")
        try:
            self._run(
                [_uv(), "venv", "--quiet", "--python", sys.executable, str(staging)], progress
            )
            installer = [_uv(), "pip", "install", "--python", str(staging / "bin" / "python")]
            self._run([*installer, *runtime_requirement(), *requirements], progress)
            # Only a complete environment gets the final name (sidecars use bin/python only,
            # which does not depend on the folder's name).
            os.rename(staging, self._root / key)
        except EnvironmentBuildError as error:
            failed.write_text(str(error))
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        progress(f"environment {key} is ready")

    @staticmethod
    def _run(argv: list[str], progress: Progress) -> None:
        env = dict(os.environ)
        env.pop("VIRTUAL_ENV", None)
        process = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        assert process.stdout is not None
        output = []
        for line in process.stdout:
            output.append(line.rstrip())
            progress(line.rstrip())
        code = process.wait(timeout=BUILD_TIMEOUT_SECONDS)
        if code != 0:
            tail = "\n".join(output[-30:])
            raise EnvironmentBuildError(f"installing the flavor's requirements failed:\n{tail}")
