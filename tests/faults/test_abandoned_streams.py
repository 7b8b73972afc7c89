"""Clients that walk away: a client killed mid-write, and files closed mid-read, free the
sidecar's threads and temporary files, and no half-written file appears under its name."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flavorhost import Client
from flavorhost.proxies.handed_over_files import FILE_HANDOVER_ENV

MIB = 1 << 20
# Killed by the test once it has sent part of a file, before closing it.
WRITER = """
import sys
from flavorhost import Client
store = Client().active_stack.artifact_store
file = store.open("abandoned.bin", "wb")
for _ in range(3):
    file.write(b"x" * (1 << 20))
    file.flush()
print("written", flush=True)
sys.stdin.read()
"""


def _threads(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    raise AssertionError(f"no thread count for pid {pid}")


def _eventually(condition: object, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_a_client_killed_mid_write_leaves_nothing_behind(
    client: Client, home: Path, file_path: str
) -> None:
    store = client.active_stack.artifact_store
    store.exists(".")
    sidecar = client.host_status().sidecars[0].pid
    idle = _threads(sidecar)
    root = Path(store.path)
    before = sorted(os.listdir(root))
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, FLAVORHOST_HOME=str(home)),
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "written\n"
        assert any(name.startswith(".~flavorhost-") for name in os.listdir(root))
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        writer.wait(timeout=30)
    _eventually(lambda: sorted(os.listdir(root)) == before, "the temporary file was not removed")
    _eventually(lambda: _threads(sidecar) <= idle + 1, "the sidecar kept a thread for the write")
    assert not store.exists("abandoned.bin")
    assert client.host_status().sidecars[0].pid == sidecar  # nothing crashed


def test_files_closed_mid_read_free_their_streams(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FILE_HANDOVER_ENV, "0")  # streams are what this is about
    store = client.active_stack.artifact_store
    data = os.urandom(24 * MIB)  # larger than gRPC's flow-control windows
    with store.open("big.bin", "wb") as file:
        file.write(data)
    sidecar = client.host_status().sidecars[0].pid
    host = client.host_status().pid
    idle_sidecar, idle_host = _threads(sidecar), _threads(host)
    abandoned = 20
    for _ in range(abandoned):
        with store.open("big.bin", "rb") as file:
            assert file.read(MIB) == data[:MIB]
    # Worker threads stay in their pools once made, so count growth: a stream left open after
    # its file was closed would hold a worker, and the pools would grow by one per file.
    slack = 4
    _eventually(lambda: _threads(sidecar) <= idle_sidecar + slack, "sidecar threads leaked")
    _eventually(lambda: _threads(host) <= idle_host + slack, "host threads leaked")
    assert store.exists("big.bin")
