"""File handover: a local store's sidecar hands direct clients the open file descriptor, so they
read and write at local speed; the flavor still opens every file, and a write appears only when
its commit succeeds."""

from __future__ import annotations

import gc
import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import grpc
import pytest
from google.rpc import status_pb2

from flavorhost import Client
from flavorhost.enums import StackComponentType
from flavorhost.errors import ComponentTimeoutError, ComponentUnavailableError
from flavorhost.file_handover import receive_frame, send_frame
from flavorhost.generated.v1 import artifact_store_pb2 as pb
from flavorhost.generated.v1 import host_pb2, host_pb2_grpc
from flavorhost.home import host_address
from flavorhost.host_connection import wait_until_stopped
from flavorhost.proxies.artifact_store import ArtifactStoreProxy
from flavorhost.proxies.component_link import stall_watch
from flavorhost.wire import type_to_proto

ARTIFACT_STORE = StackComponentType.ARTIFACT_STORE
MIB = 1 << 20


def _root(store: ArtifactStoreProxy) -> Path:
    store.makedirs(".")
    return Path(store.path)


def _sidecar_pid(client: Client, component: str = "default") -> int:
    """The pid of the sidecar serving `component` (of the `local` artifact store flavor)."""
    sidecars = client.host_status().sidecars
    return next(s.pid for s in sidecars if s.type == ARTIFACT_STORE and component in s.components)


def test_local_files_are_handed_over_as_descriptors(client: Client) -> None:
    store = client.active_stack.artifact_store
    root = _root(store)
    data = os.urandom(3 * MIB)
    with store.open("data.bin", "wb") as file:
        assert isinstance(file.raw, io.FileIO)  # no gRPC stream behind it
        file.write(data)
    with store.open("data.bin", "rb") as file:
        assert isinstance(file.raw, io.FileIO) and file.name == "data.bin"
        assert os.fstat(file.fileno()).st_ino == (root / "data.bin").stat().st_ino
        file.seek(MIB)
        assert file.read(10) == data[MIB : MIB + 10]
        file.seek(0)
        assert file.read() == data
    with store.open("data.bin", "ab") as file:
        file.write(b"tail")
    assert (root / "data.bin").read_bytes() == data + b"tail"
    with store.open("notes.txt", "w") as text:
        text.write("héllo\n")
    with store.open("notes.txt", "a") as text:
        text.write("again\n")
    with store.open("notes.txt") as text:
        assert text.readlines() == ["héllo\n", "again\n"]


def test_a_handed_over_write_appears_only_when_committed(client: Client) -> None:
    store = client.active_stack.artifact_store
    root = _root(store)
    (root / "kept.bin").write_bytes(b"old")
    with store.open("kept.bin", "wb") as file:
        file.write(b"new")
        file.flush()
        assert (root / "kept.bin").read_bytes() == b"old"
    assert (root / "kept.bin").read_bytes() == b"new"
    with pytest.raises(RuntimeError), store.open("kept.bin", "wb") as file:
        file.write(b"abandoned")
        raise RuntimeError("the block failed")
    with pytest.raises(RuntimeError), store.open("never.bin", "wb") as file:
        file.write(b"abandoned")
        raise RuntimeError("the block failed")
    assert (root / "kept.bin").read_bytes() == b"new"
    assert sorted(os.listdir(root)) == ["kept.bin"]  # no temporary file either


def test_the_flavor_still_decides_what_may_be_opened(client: Client) -> None:
    store = client.active_stack.artifact_store
    _root(store)
    store.makedirs("folder")
    with pytest.raises(PermissionError, match="outside the artifact store root"):
        store.open("../../escape.bin", "wb")
    with pytest.raises(PermissionError):
        store.open("/etc/hostname", "rb")
    with pytest.raises(FileNotFoundError):
        store.open("missing.bin", "rb")
    with pytest.raises(FileNotFoundError):
        store.open("no/such/folder/file.bin", "wb")
    with pytest.raises(IsADirectoryError):
        store.open("folder", "wb")


def test_a_handed_over_read_outlives_its_sidecar(client: Client) -> None:
    store = client.active_stack.artifact_store
    data = os.urandom(8 * MIB)
    _root(store)
    with store.open("data.bin", "wb") as file:
        file.write(data)
    with store.open("data.bin", "rb") as file:
        os.kill(_sidecar_pid(client), signal.SIGKILL)
        assert file.read() == data
    assert store.exists("data.bin")  # the next call restarts it


def test_a_write_whose_sidecar_dies_before_the_commit_fails_cleanly(client: Client) -> None:
    store = client.active_stack.artifact_store
    root = _root(store)
    file = store.open("lost.bin", "wb")
    file.write(os.urandom(MIB))
    os.kill(_sidecar_pid(client), signal.SIGKILL)
    with pytest.raises(ComponentUnavailableError) as caught:
        file.close()
    assert "lost.bin was not written" in str(caught.value)
    assert "died with exit code -9" in str(caught.value)
    assert not store.exists("lost.bin")
    with store.open("after.bin", "wb") as after:
        after.write(b"fine")
    assert "lost.bin" not in os.listdir(root)


def test_a_commit_that_hangs_times_out_and_the_sidecar_is_killed(
    client: Client, home: Path
) -> None:
    client.register_component(
        # Short, but not so short that a loaded machine looks hung.
        ARTIFACT_STORE,
        "quick",
        "local",
        config={"path": str(home / "quick")},
        call_timeout=2,
    )
    client.register_stack("quick", {ARTIFACT_STORE: "quick"})
    client.activate_stack("quick")
    store = client.active_stack.artifact_store
    _root(store)
    file = store.open("stuck.bin", "wb")
    file.write(b"data")
    hung = _sidecar_pid(client, "quick")
    os.kill(hung, signal.SIGSTOP)
    with pytest.raises(ComponentTimeoutError) as caught:
        file.close()
    assert "did not answer Write within its call timeout of 2s" in str(caught.value)
    assert wait_until_stopped(hung, timeout=10), "the hung sidecar was not killed"
    assert not store.exists("stuck.bin")


# --- the exchange itself, as another language's client would speak it -----------------------


def _access(home: Path) -> host_pb2.ComponentAccess:
    with grpc.insecure_channel(host_address(home)) as channel:
        request = host_pb2.OpenComponentRequest(type=type_to_proto(ARTIFACT_STORE), name="default")
        access: host_pb2.ComponentAccess = host_pb2_grpc.HostStub(channel).OpenComponent(request)
        return access


def _exchange(
    address: str, request: pb.FileHandoverRequest
) -> tuple[socket.socket, pb.FileHandoverResponse, list[int]]:
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(30)
    connection.connect(address)
    send_frame(connection, request)
    data, fds = receive_frame(connection)
    return connection, pb.FileHandoverResponse.FromString(data), fds


def test_the_exchange_wants_a_grant_and_commits_only_on_finish(client: Client, home: Path) -> None:
    root = _root(client.active_stack.artifact_store)
    (root / "x.txt").write_text("x")
    access = _access(home)
    assert access.files_address and Path(access.files_address).stat().st_mode & 0o077 == 0
    forged = pb.FileHandoverRequest(
        component="default", grant=access.grant[:-4] + "0000", read=pb.ReadRequest(path="x.txt")
    )
    connection, response, fds = _exchange(access.files_address, forged)
    connection.close()
    status = status_pb2.Status.FromString(response.error)
    assert status.code == grpc.StatusCode.UNAUTHENTICATED.value[0] and not fds
    assert "Host/OpenComponent" in status.message

    read = pb.FileHandoverRequest(
        component="default", grant=access.grant, read=pb.ReadRequest(path="x.txt")
    )
    connection, response, fds = _exchange(access.files_address, read)
    connection.close()
    assert response.WhichOneof("kind") == "read_opened" and response.read_opened.size == 1
    with open(fds[0], "rb") as handed:
        assert handed.read() == b"x"

    write = pb.FileHandoverRequest(
        component="default", grant=access.grant, write=pb.WriteOpen(path="y.txt")
    )
    connection, response, fds = _exchange(access.files_address, write)
    assert response.WhichOneof("kind") == "write_opened"
    with open(fds[0], "wb") as handed:
        handed.write(b"abandoned")
    connection.close()  # no `finish`: the write is discarded
    connection, response, fds = _exchange(access.files_address, write)
    with open(fds[0], "wb") as handed:
        handed.write(b"kept")
    send_frame(connection, pb.FileHandoverRequest(finish=pb.WriteFinish()))
    committed = pb.FileHandoverResponse.FromString(receive_frame(connection)[0])
    connection.close()
    assert committed.committed.bytes_written == 4
    assert (root / "y.txt").read_text() == "kept"
    for _ in range(100):  # the abandoned write is dropped when the sidecar sees its connection end
        if sorted(os.listdir(root)) == ["x.txt", "y.txt"]:
            break
        time.sleep(0.05)
    assert sorted(os.listdir(root)) == ["x.txt", "y.txt"]


# --- what a review found: failures, appends, collection, shutdown ----------------------------

WRITE_OVER_LIMIT = """
import resource, signal, sys
from flavorhost import Client
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write over the limit fails with EFBIG instead
resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
store = Client().active_stack.artifact_store
try:
    with store.open("model.bin", "wb") as file:
        file.write(b"N" * 200_000)
except OSError as error:
    print("failed:", error)
"""


def test_a_write_that_fails_is_not_committed(client: Client, home: Path) -> None:
    """A handed-over write that the client's own process fails part-way (here, over its file
    size limit) must leave the previous version, not commit what got through."""
    store = client.active_stack.artifact_store
    root = _root(store)
    (root / "model.bin").write_bytes(b"G" * 300_000)
    env = dict(os.environ, FLAVORHOST_HOME=str(home))
    done = subprocess.run(
        [sys.executable, "-c", WRITE_OVER_LIMIT],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "failed:" in done.stdout, done.stdout + done.stderr
    assert (root / "model.bin").read_bytes() == b"G" * 300_000


def test_appending_writes_at_the_end_and_cannot_seek(client: Client, file_path: str) -> None:
    store = client.active_stack.artifact_store
    root = _root(store)
    (root / "log.txt").write_bytes(b"hello world")
    with store.open("log.txt", "ab") as file:
        with pytest.raises(io.UnsupportedOperation):
            file.seek(0)
        file.write(b"XY")
    assert (root / "log.txt").read_bytes() == b"hello worldXY"


def test_a_writer_dropped_unclosed_is_discarded(client: Client, file_path: str) -> None:
    """Only close() commits: a writer collected unclosed leaves the previous version."""
    store = client.active_stack.artifact_store
    root = _root(store)
    (root / "kept.bin").write_bytes(b"previous good contents")
    file = store.open("kept.bin", "wb")
    file.write(b"partial")
    del file
    gc.collect()
    assert (root / "kept.bin").read_bytes() == b"previous good contents"
    for _ in range(100):  # the sidecar drops the temporary file when it sees the end
        if sorted(os.listdir(root)) == ["kept.bin"]:
            break
        time.sleep(0.05)
    assert sorted(os.listdir(root)) == ["kept.bin"]


def test_finished_streams_are_no_longer_watched(client: Client, file_path: str) -> None:
    store = client.active_stack.artifact_store
    _root(store)
    before = stall_watch().count()
    for index in range(5):
        with store.open(f"f{index}", "wb") as file:
            file.write(b"x" * 1000)
        with store.open(f"f{index}", "rb") as file:
            assert file.read() == b"x" * 1000
    assert stall_watch().count() == before


def test_handed_over_descriptors_do_not_leak_into_child_processes(client: Client) -> None:
    store = client.active_stack.artifact_store
    _root(store)
    with store.open("x.bin", "wb") as file:
        assert not os.get_inheritable(file.fileno())
        file.write(b"x")
    with store.open("x.bin", "rb") as file:
        assert not os.get_inheritable(file.fileno())


def test_a_sidecar_stops_promptly_with_a_write_open(client: Client) -> None:
    """Stopping the host stops the sidecar at once even while a handed-over write is open, and
    the open write is discarded (no temporary file stays behind)."""
    store = client.active_stack.artifact_store
    root = _root(store)
    file = store.open("open.bin", "wb")
    file.write(b"in flight")
    file.flush()
    sidecar = _sidecar_pid(client)
    started = time.monotonic()
    client.stop_host()
    assert wait_until_stopped(sidecar, timeout=30)
    # The host waits 5 s for a sidecar's Shutdown before killing it; a prompt exit is well under.
    assert time.monotonic() - started < 4.5, "the sidecar waited for the open write"
    assert os.listdir(root) == []
    with pytest.raises(ComponentUnavailableError):
        file.close()
