"""Shared fixtures: a private FLAVORHOST_HOME, a running host, the CLI as a real subprocess."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from flavorhost import Client
from flavorhost.host_connection import is_running, wait_until_stopped
from flavorhost.proxies.handed_over_files import FILE_HANDOVER_ENV

REPO = Path(__file__).resolve().parent.parent
FLAVORHOST_BIN = str(Path(sys.executable).with_name("flavorhost"))
CLI_TIMEOUT_SECONDS = 120
# The built-in flavor written in JavaScript; its tests skip, saying why, without Node.js.
NODE_FLAVOR = REPO / "flavors" / "node_local_artifact_store"
NODE_MISSING = (
    ""
    if shutil.which("node") and (NODE_FLAVOR / "node_modules" / "@grpc" / "grpc-js").is_dir()
    else "Node.js is not installed: the node_local flavor's tests need node and npm "
    "(`make install` runs npm ci in flavors/node_local_artifact_store)"
)


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh FLAVORHOST_HOME (short, so socket paths fit); its host is stopped afterwards."""
    path = Path(tempfile.mkdtemp(prefix="fh-", dir="/tmp"))
    monkeypatch.setenv("FLAVORHOST_HOME", str(path))
    # A developer's exported remote host must not redirect the suite's clients.
    monkeypatch.delenv("FLAVORHOST_HOST_ADDRESS", raising=False)
    yield path
    stop_host(path)
    shutil.rmtree(path, ignore_errors=True)


def stop_host(home: Path) -> None:
    """Stops the host of `home` if one runs, and waits for it to exit."""
    if not is_running(home):
        return
    with Client(home, autostart=False) as client:
        pid = client.stop_host()
    assert wait_until_stopped(pid), f"host {pid} did not stop"


@pytest.fixture
def client(home: Path) -> Iterator[Client]:
    """A Client of a host started for this test."""
    with Client(home) as created:
        yield created


class Cli:
    """Runs `flavorhost ...` as a user would, in a working directory."""

    def __init__(self, home: Path, cwd: Path) -> None:
        self.home = home
        self.cwd = cwd

    def __call__(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, FLAVORHOST_HOME=str(self.home))
        result = subprocess.run(
            [FLAVORHOST_BIN, *args],
            cwd=self.cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT_SECONDS,
            check=False,
        )
        if ok and result.returncode != 0:
            raise AssertionError(
                f"flavorhost {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}"
            )
        if not ok and result.returncode == 0:
            raise AssertionError(f"flavorhost {' '.join(args)} succeeded:\n{result.stdout}")
        return result


@pytest.fixture
def user_repo(tmp_path: Path) -> Path:
    """A user's repository holding the quickstart's own `flavors` package."""
    repo = tmp_path / "user_repo"
    shutil.copytree(REPO / "examples" / "quickstart" / "flavors", repo / "flavors")
    return repo


@pytest.fixture
def cli(home: Path, user_repo: Path) -> Cli:
    """The CLI, run from the user's repository."""
    return Cli(home, user_repo)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's standalone S3 server on 127.0.0.1 (as s3fs's own tests run it)."""
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(endpoint, timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.1)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=30)


def s3_config(endpoint: str, path: str) -> dict[str, object]:
    """Config of an `s3` component talking to the moto server."""
    return {
        "path": path,
        "key": "testing",
        "secret": "testing",
        "client_kwargs": {"endpoint_url": endpoint, "region_name": "us-west-2"},
    }


@pytest.fixture(params=["handed_over", "streamed"])
def file_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each way a local store's files reach the client: handed over as descriptors (the
    default), or streamed over gRPC (as for other flavors and remote clients)."""
    if request.param == "streamed":
        monkeypatch.setenv(FILE_HANDOVER_ENV, "0")
    return str(request.param)
