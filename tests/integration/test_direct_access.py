"""Direct access: the host grants a client a sidecar's address and a grant for one component;
the sidecar accepts exactly that (the component's own service, that component, until expiry)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import grpc
import pytest

from flavorhost import Client, grants
from flavorhost.enums import StackComponentType
from flavorhost.errors import ComponentTimeoutError, ComponentUnavailableError
from flavorhost.generated.v1 import artifact_store_pb2 as pb
from flavorhost.generated.v1 import (
    artifact_store_pb2_grpc,
    host_pb2,
    host_pb2_grpc,
    lifecycle_pb2,
    lifecycle_pb2_grpc,
)
from flavorhost.home import host_address
from flavorhost.host_connection import wait_until_stopped
from flavorhost.protocol import COMPONENT_METADATA_KEY, GRANT_METADATA_KEY
from flavorhost.proxies.artifact_store import ArtifactStoreProxy
from flavorhost.proxies.handed_over_files import FILE_HANDOVER_ENV
from flavorhost.wire import type_to_proto
from tests.conftest import Cli

ARTIFACT_STORE = StackComponentType.ARTIFACT_STORE
MIB = 1 << 20


def _open(home: Path, name: str = "default", **failed: object) -> host_pb2.ComponentAccess:
    with grpc.insecure_channel(host_address(home)) as channel:
        request = host_pb2.OpenComponentRequest(
            type=type_to_proto(ARTIFACT_STORE), name=name, **failed
        )
        access: host_pb2.ComponentAccess = host_pb2_grpc.HostStub(channel).OpenComponent(request)
        return access


def _exists(access: host_pb2.ComponentAccess, component: str, grant: str) -> bool:
    with grpc.insecure_channel(access.target) as channel:
        stub = artifact_store_pb2_grpc.ArtifactStoreStub(channel)
        metadata = ((COMPONENT_METADATA_KEY, component), (GRANT_METADATA_KEY, grant))
        return bool(stub.Exists(pb.ExistsRequest(path="."), metadata=metadata, timeout=30).exists)


def test_a_grant_opens_its_component_on_the_sidecar(client: Client, home: Path) -> None:
    access = _open(home)
    assert access.direct and access.target.startswith("unix://") and access.pid > 0
    assert access.expires > time.time() + 60 and access.call_timeout == 300
    assert _exists(access, "default", access.grant)
    assert client.host_status().sidecars[0].pid == access.pid


def test_a_grant_opens_nothing_else(client: Client, home: Path) -> None:
    client.register_component(ARTIFACT_STORE, "other", "local", config={"path": str(home / "o")})
    access = _open(home)
    refused = {
        "another component": lambda: _exists(access, "other", access.grant),
        "a forged grant": lambda: _exists(access, "default", access.grant[:-4] + "0000"),
        "an expired grant": lambda: _exists(
            access, "default", "1000." + access.grant.partition(".")[2]
        ),
        "no grant": lambda: _exists(access, "default", ""),
    }
    for what, attempt in refused.items():
        with pytest.raises(grpc.RpcError) as caught:
            attempt()
        assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED, what
        assert "Host/OpenComponent" in str(caught.value.details()), what
    with grpc.insecure_channel(access.target) as channel, pytest.raises(grpc.RpcError) as caught:
        lifecycle_pb2_grpc.LifecycleStub(channel).Shutdown(
            lifecycle_pb2.ShutdownRequest(),
            metadata=((COMPONENT_METADATA_KEY, "default"), (GRANT_METADATA_KEY, access.grant)),
        )
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED  # only the host stops it


def test_a_reported_death_is_explained_and_the_sidecar_restarted(
    client: Client, home: Path
) -> None:
    first = _open(home)
    os.kill(first.pid, signal.SIGKILL)
    again = _open(home, failed_pid=first.pid)
    assert "died with exit code -9" in again.failure and again.pid != first.pid
    assert _exists(again, "default", again.grant)
    with pytest.raises(grpc.RpcError):  # the dead sidecar's grants died with it
        _exists(again, "default", first.grant)


def test_a_reported_hang_kills_the_sidecar(client: Client, home: Path) -> None:
    first = _open(home)
    again = _open(home, failed_pid=first.pid, failed_hung=True)
    assert "deemed its sidecar" in again.failure and "hung" in again.failure
    assert again.pid != first.pid and _exists(again, "default", again.grant)


def test_flavors_from_a_source_root_stay_behind_the_host(cli: Cli, home: Path) -> None:
    cli(
        "artifact-store", "flavor", "register", "flavors.file_url_flavor.FileUrlArtifactStoreFlavor"
    )
    cli("artifact-store", "register", "mine", "--flavor=file_url", f"--path=file://{home}/mine")
    access = _open(home, "mine")
    assert not access.direct and not access.grant and access.call_timeout == 300


def test_grants_are_bound_to_key_component_and_time() -> None:
    grant = grants.mint("key", "c", time.time() + 10)
    assert grants.verify("key", "c", grant)
    assert not grants.verify("other key", "c", grant)
    assert not grants.verify("key", "d", grant)
    assert not grants.verify("key", "c", grant, now=time.time() + 20)
    assert not grants.verify("key", "c", "garbage")
    assert not grants.verify("key", "c", "\u00b2.ab")  # a digit to str.isdigit, not to int()


def test_a_remembered_grant_still_expires() -> None:
    checker = grants.GrantChecker("key")
    grant = grants.mint("key", "c", time.time() + 0.5)
    assert checker.verify("c", grant) and checker.verify("c", grant)  # the second from memory
    assert not checker.verify("d", grant) and not checker.verify("c", grant[:-4] + "0000")
    time.sleep(0.6)
    assert not checker.verify("c", grant)


# --- the SDK's use of it ---------------------------------------------------------------------


def test_unary_calls_skip_the_host(client: Client) -> None:
    store = client.active_stack.artifact_store
    assert store.exists(".")
    host = client.host_status().pid
    os.kill(host, signal.SIGSTOP)  # a frozen host cannot forward anything
    try:
        store.makedirs("direct")
        assert store.isdir("direct") and "direct" in store.listdir(".")
    finally:
        os.kill(host, signal.SIGCONT)


def test_a_direct_call_after_a_death_is_retried_or_explained(client: Client) -> None:
    store = client.active_stack.artifact_store
    assert store.exists(".")
    os.kill(client.host_status().sidecars[0].pid, signal.SIGKILL)
    assert store.exists(".")  # read-only: retried on the new sidecar
    os.kill(client.host_status().sidecars[0].pid, signal.SIGKILL)
    with pytest.raises(ComponentUnavailableError) as caught:
        store.makedirs("after-death")  # it changes things: never retried silently
    assert "died with exit code -9" in str(caught.value)
    store.makedirs("after-death")  # the next call works


def test_a_direct_call_to_a_hung_sidecar_times_out_and_it_is_replaced(
    client: Client, home: Path
) -> None:
    store = _quick_store(client, home)
    hung = client.host_status().sidecars[0].pid
    os.kill(hung, signal.SIGSTOP)  # a sidecar that stops answering
    with pytest.raises(ComponentTimeoutError) as caught:
        store.exists(".")
    assert "did not answer Exists within its call timeout of 1s" in str(caught.value)
    assert wait_until_stopped(hung, timeout=10), "the hung sidecar was not killed"
    assert store.exists(".")


def test_direct_clients_see_config_updates(client: Client, home: Path) -> None:
    store = client.active_stack.artifact_store
    assert not store.exists("marker")
    other = home / "other-root"
    other.mkdir()
    (other / "marker").write_text("x")
    client.update_component(ARTIFACT_STORE, "default", values={"path": str(other)})
    assert store.exists(str(other / "marker")) and store.exists("marker")


@pytest.fixture
def streamed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files streamed over gRPC even though the local flavor would hand them over."""
    monkeypatch.setenv(FILE_HANDOVER_ENV, "0")


def _quick_store(client: Client, home: Path) -> ArtifactStoreProxy:
    """A local store whose calls time out after 1 s, as the active stack's."""
    client.register_component(
        ARTIFACT_STORE, "quick", "local", config={"path": str(home / "quick")}, call_timeout=1
    )
    client.register_stack("quick", {ARTIFACT_STORE: "quick"})
    client.activate_stack("quick")
    store = client.active_stack.artifact_store
    store.makedirs(".")
    return store


def test_streams_skip_the_host(client: Client, streamed: None) -> None:
    store = client.active_stack.artifact_store
    data = os.urandom(3 * MIB)
    store.makedirs("streamed")  # the grant is taken while the host still answers
    host = client.host_status().pid
    os.kill(host, signal.SIGSTOP)
    try:
        with store.open("streamed/file.bin", "wb") as file:
            file.write(data)
        with store.open("streamed/file.bin", "rb") as file:
            assert file.read() == data
        assert [files for _, _, files in store.walk("streamed")] == [["file.bin"]]
    finally:
        os.kill(host, signal.SIGCONT)


def test_a_direct_read_resumes_after_its_sidecar_dies_or_hangs(
    client: Client, home: Path, streamed: None
) -> None:
    """A read whose sidecar dies, or stops answering for longer than the call timeout, goes on
    from its offset on a new sidecar; the hung one is killed."""
    store = _quick_store(client, home)
    # Larger than gRPC's flow-control windows, so the reader really waits on the sidecar.
    data = os.urandom(24 * MIB)
    with store.open("big.bin", "wb") as file:
        file.write(data)
    for sig in (signal.SIGKILL, signal.SIGSTOP):
        with store.open("big.bin", "rb") as file:
            first = file.read(MIB)
            pid = client.host_status().sidecars[0].pid
            os.kill(pid, sig)
            assert first + file.read() == data
        assert wait_until_stopped(pid, timeout=10), f"the sidecar survived {sig.name}"
        assert client.host_status().sidecars[0].pid != pid


def test_a_direct_write_to_a_hung_sidecar_times_out_and_leaves_nothing(
    client: Client, home: Path, streamed: None
) -> None:
    store = _quick_store(client, home)
    hung = client.host_status().sidecars[0].pid
    data = os.urandom(64 * MIB)
    with pytest.raises(ComponentTimeoutError) as caught, store.open("stuck.bin", "wb") as file:
        os.kill(hung, signal.SIGSTOP)
        file.write(data)
    assert "did not answer Write within its call timeout of 1s" in str(caught.value)
    assert wait_until_stopped(hung, timeout=10), "the hung sidecar was not killed"
    assert store.listdir(".") == []
    with store.open("after.bin", "wb") as file:
        file.write(b"fine")
    assert store.listdir(".") == ["after.bin"]
