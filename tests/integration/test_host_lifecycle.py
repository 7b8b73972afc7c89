"""The host daemon: start, stop, status, auto-start, its socket, and the sidecars it owns."""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import pytest

from flavorhost import Client
from flavorhost.enums import StackComponentType
from flavorhost.errors import ConfigValidationError, EntityNotFoundError
from flavorhost.generated.v1 import lifecycle_pb2, lifecycle_pb2_grpc
from flavorhost.host_connection import is_running, wait_until_stopped
from tests.conftest import Cli

ARTIFACT_STORE = StackComponentType.ARTIFACT_STORE


def test_start_status_stop(cli: Cli, home: Path) -> None:
    started = cli("host", "start").stdout
    assert "Started the flavorhost host" in started
    assert "already running" in cli("host", "start").stdout
    status = json.loads(cli("host", "status", "--output", "json").stdout)
    assert status["running"] and status["address"] == f"unix://{home}/host.sock"
    table = cli("host", "status").stdout
    assert f"Host pid  {status['pid']}" in table
    assert "Stopped" in cli("host", "stop").stdout
    assert wait_until_stopped(status["pid"])
    assert not (home / "host.sock").exists()
    assert "No flavorhost host is running" in cli("host", "status", ok=False).stdout
    assert "No flavorhost host is running" in cli("host", "stop").stdout


def test_the_cli_starts_the_host_when_needed(cli: Cli, home: Path) -> None:
    assert not is_running(home)
    assert "default" in cli("stack", "list").stdout
    assert is_running(home)


def test_socket_and_home_are_private(client: Client, home: Path) -> None:
    assert stat.S_IMODE(os.stat(home / "host.sock").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(home).st_mode) == 0o700


def test_concurrent_first_calls_start_one_host(home: Path) -> None:
    code = "from flavorhost import Client; print(Client().host_status().pid)"
    env = dict(os.environ, FLAVORHOST_HOME=str(home))

    def run(_: int) -> str:
        return subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout.strip()

    with ThreadPoolExecutor(4) as pool:
        pids = set(pool.map(run, range(4)))
    assert len(pids) == 1


def test_a_second_host_for_the_same_home_refuses_to_start(client: Client, home: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flavorhost.host", "--home", str(home)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 3
    assert "already runs" in result.stderr
    assert is_running(home)


def test_one_sidecar_per_flavor_reused_and_stopped_with_the_host(
    client: Client, home: Path
) -> None:
    client.register_component(ARTIFACT_STORE, "second", "local", {"path": str(home / "second")})
    client.register_stack("two", {ARTIFACT_STORE: "second"})
    first = client.active_stack.artifact_store
    assert first.exists(first.path)
    client.activate_stack("two")
    second = client.active_stack.artifact_store
    assert second.exists(second.path)
    status = client.host_status()
    assert len(status.sidecars) == 1
    sidecar = status.sidecars[0]
    assert sidecar.components == ["default", "second"] and sidecar.state == "running"
    log = Path(sidecar.log_path)
    assert log.parent == home / "logs" and "serving flavor 'local'" in log.read_text()
    pid = client.stop_host()
    assert wait_until_stopped(pid) and wait_until_stopped(sidecar.pid)


def test_config_updates_and_deletes_reach_the_sidecar(client: Client, home: Path) -> None:
    client.register_component(ARTIFACT_STORE, "moving", "local", {"path": str(home / "old")})
    client.register_stack("s", {ARTIFACT_STORE: "moving"})
    client.activate_stack("s")
    store = client.active_stack.artifact_store
    with store.open("relative.txt", "w") as f:
        f.write("old root")
    assert (home / "old" / "relative.txt").exists()
    client.update_component(ARTIFACT_STORE, "moving", values={"path": str(home / "new")})
    with store.open("relative.txt", "w") as f:
        f.write("new root")
    assert (home / "new" / "relative.txt").read_text() == "new root"
    client.activate_stack("default")
    client.delete_stack("s")
    client.delete_component(ARTIFACT_STORE, "moving")
    with pytest.raises(EntityNotFoundError, match="no artifact store named 'moving'"):
        store.exists("relative.txt")


def test_sidecars_accept_only_the_host(client: Client) -> None:
    store = client.active_stack.artifact_store
    store.exists(store.path)
    log = Path(client.host_status().sidecars[0].log_path).read_text()
    socket = re.search(r"serving flavor 'local' \(artifact_store\) on (\S+)", log)
    assert socket is not None
    assert stat.S_IMODE(os.stat(socket.group(1)).st_mode) == 0o600
    with grpc.insecure_channel(f"unix://{socket.group(1)}") as channel:
        stub = lifecycle_pb2_grpc.LifecycleStub(channel)
        with pytest.raises(grpc.RpcError) as caught:
            stub.GetPluginInfo(lifecycle_pb2.GetPluginInfoRequest(), timeout=10)
        assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
        with pytest.raises(grpc.RpcError):
            stub.GetPluginInfo(
                lifecycle_pb2.GetPluginInfoRequest(),
                metadata=(("flavorhost-token", "guessed"),),
                timeout=10,
            )


def test_a_sidecar_run_by_hand_explains_itself() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flavorhost.sidecar"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "the flavorhost host launches it" in result.stderr


def test_config_errors_from_the_sdk_name_the_field(client: Client, home: Path) -> None:
    with pytest.raises(ConfigValidationError) as caught:
        client.register_component(ARTIFACT_STORE, "bad", "local", config={"path": "not/absolute"})
    assert caught.value.field == "path"
    assert "must be absolute" in str(caught.value)


def test_foreground_host_serves_until_stopped(home: Path) -> None:
    env = dict(os.environ, FLAVORHOST_HOME=str(home))
    host = subprocess.Popen(
        [sys.executable, "-m", "flavorhost.cli.main", "host", "start", "--foreground"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not is_running(home) and host.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        with Client(home, autostart=False) as client:
            assert client.host_status().pid == host.pid
            client.stop_host()
        assert host.wait(timeout=60) == 0
    finally:
        if host.poll() is None:
            host.kill()
            host.wait(timeout=30)


def test_updates_racing_with_calls_never_leave_a_component_unconfigured(
    client: Client, home: Path
) -> None:
    store = client.active_stack.artifact_store
    assert store.exists(".")
    stop = threading.Event()
    failures: list[BaseException] = []

    def call() -> None:
        while not stop.is_set():
            try:
                store.exists(".")
            except BaseException as error:
                failures.append(error)
                return

    callers = [threading.Thread(target=call) for _ in range(8)]
    for caller in callers:
        caller.start()
    try:
        for round_ in range(12):
            client.update_component(
                ARTIFACT_STORE, "default", values={"path": str(home / f"root{round_ % 2}")}
            )
    finally:
        stop.set()
        for caller in callers:
            caller.join(timeout=60)
    assert failures == []
    assert store.exists(".")
    with Client(home) as other:
        assert other.active_stack.artifact_store.exists(".")


def test_failed_and_discarded_writes_leave_no_threads_behind(client: Client) -> None:
    store = client.active_stack.artifact_store
    store.exists(".")
    before = threading.active_count()
    for _ in range(20):
        with pytest.raises(FileNotFoundError):
            store.open("no/such/dir/file.bin", "wb")
        with pytest.raises(RuntimeError), store.open("x.bin", "wb") as f:
            f.write(b"x")
            raise RuntimeError("abandon")
    deadline = time.monotonic() + 30
    while threading.active_count() > before + 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threading.active_count() <= before + 2


def test_sigterm_stops_host_and_sidecars_gracefully(home: Path) -> None:
    """A signal arriving while the main thread waits must not deadlock it (several rounds: the
    deadlock this guards against depended on timing)."""
    for round_ in range(5):
        with Client(home) as client:
            assert client.active_stack.artifact_store.exists(".")
            status = client.host_status()
        sidecar = status.sidecars[0]
        os.kill(status.pid, signal.SIGTERM)
        assert wait_until_stopped(status.pid, timeout=30), f"host ignored SIGTERM (round {round_})"
        assert wait_until_stopped(sidecar.pid, timeout=30), f"sidecar outlived it (round {round_})"
        assert "shutting down" in Path(sidecar.log_path).read_text()
        assert not (home / "host.sock").exists()
