"""Sidecars that hang: each call is bounded by its component's call timeout, a hung sidecar is
killed and restarted, and a slow *client* is never mistaken for a hung sidecar."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from flavorhost import Client
from flavorhost.enums import StackComponentType
from flavorhost.errors import ComponentTimeoutError
from flavorhost.host_connection import wait_until_stopped
from flavorhost.protocol import CHUNK_SIZE
from flavorhost.proxies.artifact_store import ArtifactStoreProxy
from tests.conftest import Cli

ARTIFACT_STORE = StackComponentType.ARTIFACT_STORE
TIMEOUT = 1.0
MIB = 1 << 20


def _hanging_store(
    client: Client, home: Path, fault: str, timeout: float = TIMEOUT
) -> ArtifactStoreProxy:
    client.register_component(
        ARTIFACT_STORE,
        "stuck",
        "faulty",
        config={"path": f"file://{home}/stuck", "fault": fault},
        call_timeout=timeout,
    )
    client.register_stack("stuck", {ARTIFACT_STORE: "stuck"})
    client.activate_stack("stuck")
    return client.active_stack.artifact_store


def _sidecar_pid(client: Client) -> int:
    return next(s.pid for s in client.host_status().sidecars if s.flavor == "faulty")


def test_a_hung_call_times_out_and_the_sidecar_is_replaced(faulty: Cli, home: Path) -> None:
    with Client(home) as client:
        store = _hanging_store(client, home, "hang_on_exists")
        store.makedirs(store.path)
        hung = _sidecar_pid(client)
        with pytest.raises(ComponentTimeoutError) as caught:
            store.exists(store.path)
        message = str(caught.value)
        assert "'stuck' did not answer Exists within its call timeout of 1s" in message
        assert "--call-timeout" in message and "faulty: hanging in exists" in message
        assert isinstance(caught.value, TimeoutError)
        assert wait_until_stopped(hung, timeout=10), "the hung sidecar was not killed"
        client.update_component(ARTIFACT_STORE, "stuck", config={"fault": "none"})
        assert store.exists(store.path)
        assert _sidecar_pid(client) != hung
        assert client.host_status().sidecars[0].restarts == 1
    described = faulty("artifact-store", "describe", "stuck").stdout
    assert "Call timeout" in described and "1s" in described


def test_a_read_that_hangs_mid_stream_resumes_on_a_new_sidecar(faulty: Cli, home: Path) -> None:
    """Each new stream serves one chunk then hangs: every hang costs a timeout and a restart,
    and the reader resumes from its offset each time, so the bytes still arrive intact."""
    with Client(home) as client:
        store = _hanging_store(client, home, "hang_mid_read")
        data = os.urandom(3 * CHUNK_SIZE)
        with store.open(store.path + "/hang-after-one", "wb") as file:
            file.write(data)
        with store.open(store.path + "/hang-after-one", "rb") as file:
            assert file.read() == data
        # It hung after each of the three chunks (the third time looking for the end).
        assert client.host_status().sidecars[0].restarts == 3


def test_a_read_that_hangs_every_time_fails_with_a_timeout(faulty: Cli, home: Path) -> None:
    with Client(home) as client:
        store = _hanging_store(client, home, "hang_mid_read")
        with store.open(store.path + "/hang-at-once", "wb") as file:
            file.write(b"never served")
        with (
            pytest.raises(ComponentTimeoutError) as caught,
            store.open(store.path + "/hang-at-once", "rb") as file,
        ):
            file.read()
        assert "did not answer Read" in str(caught.value)
        assert "faulty: hanging mid-read" in str(caught.value)


def test_a_hang_in_configure_times_out(faulty: Cli, home: Path) -> None:
    with Client(home) as client:
        store = _hanging_store(client, home, "hang_on_configure")
        with pytest.raises(ComponentTimeoutError) as caught:
            store.exists(store.path)
        assert "did not finish configuring component 'stuck'" in str(caught.value)
        assert "faulty: hanging in Configure" in str(caught.value)


def test_a_slow_client_is_not_mistaken_for_a_hung_sidecar(faulty: Cli, home: Path) -> None:
    """The deadline bounds waits on the sidecar only: pauses by the client, longer than the
    call timeout, between chunks of a read or a write, are fine."""
    with Client(home) as client:
        # Twice the others' timeout: a busy machine must not make a healthy sidecar look hung.
        timeout = 2 * TIMEOUT
        store = _hanging_store(client, home, "none", timeout)
        store.makedirs(store.path)
        pid = _sidecar_pid(client)
        data = os.urandom(2 * MIB)
        with store.open(store.path + "/slow-write", "wb") as file:
            file.write(data[:MIB])
            file.flush()
            time.sleep(timeout * 1.5)  # a client that is slow on purpose
            file.write(data[MIB:])
        with store.open(store.path + "/slow-write", "rb") as file:
            assert file.read() == data
        # Larger than gRPC's flow-control windows, so the host really waits on the reader.
        data = os.urandom(24 * MIB)
        with store.open(store.path + "/slow-read", "wb") as file:
            file.write(data)
        with store.open(store.path + "/slow-read", "rb") as file:
            first = file.read(MIB)
            time.sleep(timeout * 1.5)
            assert first + file.read() == data
        assert _sidecar_pid(client) == pid
