"""Sidecars that die, hang, or never start: calls fail fast and clearly, nothing is lost, and
the next call gets a fresh sidecar."""

from __future__ import annotations

import errno
import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from flavorhost import Client
from flavorhost.enums import StackComponentType
from flavorhost.errors import ComponentUnavailableError, FileChangedError
from flavorhost.host_connection import wait_until_stopped
from flavorhost.proxies.artifact_store import ArtifactStoreProxy
from tests.conftest import Cli

ARTIFACT_STORE = StackComponentType.ARTIFACT_STORE


def _store(
    client: Client, name: str, flavor: str, path: str, **config: object
) -> ArtifactStoreProxy:
    client.register_component(ARTIFACT_STORE, name, flavor, config={"path": path, **config})
    client.register_stack(name, {ARTIFACT_STORE: name})
    client.activate_stack(name)
    return client.active_stack.artifact_store


def _sidecar(client: Client, flavor: str) -> int:
    return next(s.pid for s in client.host_status().sidecars if s.flavor == flavor)


def _launcher(path: Path, before_sidecar: str) -> Path:
    """A stand-in `--python`: runs `before_sidecar` (shell) when starting a sidecar, then Python."""
    path.write_text(
        f'#!/bin/sh\nif [ "$1" = "-m" ]; then\n{before_sidecar}\nfi\nexec {sys.executable} "$@"\n'
    )
    path.chmod(0o755)
    return path


def _register_noisy(cli: Cli, launcher: Path) -> None:
    """Registers the noisy flavor to run its sidecar through `launcher` (a `--python`)."""
    cli(
        "artifact-store",
        "flavor",
        "register",
        "flavors.noisy_flavor.NoisyFlavor",
        "--python",
        str(launcher),
    )


def _wait_for(condition: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_a_killed_sidecar_is_restarted_by_the_next_call(client: Client) -> None:
    store = client.active_stack.artifact_store
    assert store.exists(".")
    first = _sidecar(client, "local")
    os.kill(first, signal.SIGKILL)
    assert store.exists(".")
    status = client.host_status().sidecars[0]
    assert status.pid != first and status.restarts == 1 and status.state == "running"


def test_kill_mid_read_resumes_with_identical_bytes(client: Client, file_path: str) -> None:
    store = client.active_stack.artifact_store
    data = os.urandom(32 << 20)
    with store.open("big.bin", "wb") as f:
        f.write(data)
    with store.open("big.bin", "rb") as f:
        head = f.read(5 << 20)
        os.kill(_sidecar(client, "local"), signal.SIGKILL)
        rest = f.read()
    assert head + rest == data


def test_a_read_across_a_replacement_never_mixes_bytes(client: Client, file_path: str) -> None:
    """A streamed read resumed after the file was replaced fails; a handed-over descriptor keeps
    reading the version it opened."""
    store = client.active_stack.artifact_store
    with store.open("big.bin", "wb") as f:
        f.write(b"a" * (32 << 20))
    with store.open("big.bin", "rb") as f:
        assert f.read(5 << 20) == b"a" * (5 << 20)
        with store.open("big.bin", "wb") as replacement:
            replacement.write(b"b" * (32 << 20))
        os.kill(_sidecar(client, "local"), signal.SIGKILL)
        if file_path == "handed_over":
            assert f.read() == b"a" * (27 << 20)
        else:
            with pytest.raises(FileChangedError, match="replaced while it was open") as caught:
                f.read()
            assert caught.value.errno == errno.ESTALE and caught.value.filename == "big.bin"
    with store.open("big.bin", "rb") as f:  # a new reader sees the new version whole
        f.seek(1 << 20)
        assert f.read() == b"b" * (31 << 20)


def test_kill_mid_write_loses_nothing_and_shows_no_partial_file(
    client: Client, file_path: str
) -> None:
    store = client.active_stack.artifact_store
    with store.open("kept.bin", "wb") as f:
        f.write(b"committed before the crash")
    handle = store.open("partial.bin", "wb")
    handle.write(os.urandom(3 << 20))
    handle.flush()
    os.kill(_sidecar(client, "local"), signal.SIGKILL)
    with pytest.raises(ComponentUnavailableError, match="'default' is unavailable"):
        handle.write(os.urandom(3 << 20))
        handle.close()
    assert not store.exists("partial.bin")
    assert store.listdir(".") == ["kept.bin"]
    with store.open("kept.bin", "rb") as f:
        assert f.read() == b"committed before the crash"


def test_a_call_in_flight_fails_fast_quoting_the_log(
    faulty: Cli, home: Path, fault_repo: Path
) -> None:
    with Client(home) as client:
        store = _store(client, "slow", "faulty", f"file://{home}/slow", fault="slow_once")
        assert store.exists(store.path)
        (home / "slow.slow").write_text("")
        failures: list[BaseException] = []

        def make() -> None:
            try:
                store.makedirs(store.path + "/x")  # not retried: it changes things
            except BaseException as error:
                failures.append(error)

        # exists() is retried once, transparently, after the restart.
        result: list[bool] = []
        reader = threading.Thread(target=lambda: result.append(store.exists(store.path)))
        reader.start()
        log = Path(client.host_status().sidecars[0].log_path)
        _wait_for(lambda: "faulty: slow exists" in log.read_text())
        os.kill(_sidecar(client, "faulty"), signal.SIGKILL)
        reader.join(timeout=60)
        assert result == [True]

        (home / "slow.slow").write_text("")
        writer = threading.Thread(target=make)
        writer.start()
        _wait_for(lambda: "faulty: slow makedirs" in log.read_text())
        os.kill(_sidecar(client, "faulty"), signal.SIGKILL)
        writer.join(timeout=60)
    assert len(failures) == 1 and isinstance(failures[0], ComponentUnavailableError)
    message = str(failures[0])
    assert "'slow' is unavailable" in message and "faulty: slow makedirs" in message


def test_a_crash_loop_marks_the_component_failed_until_updated(faulty: Cli, home: Path) -> None:
    with Client(home) as client:
        store = _store(client, "crashy", "faulty", f"file://{home}/c", fault="exit_on_exists")
        errors = []
        for _ in range(10):
            try:
                store.exists(store.path)
            except ComponentUnavailableError as error:
                errors.append(str(error))
        assert len(errors) == 10
        assert "stopped restarting it" in errors[-1] and "faulty: exiting in exists" in errors[-1]
        status = client.host_status().sidecars[0]
        assert status.state == "failed" and "stopped restarting" in status.error
        assert "stopped restarting" in faulty("artifact-store", "describe", "crashy").stdout
        assert "failed" in faulty("host", "status").stdout
        client.update_component(ARTIFACT_STORE, "crashy", config={"fault": "none"})
        assert store.exists(store.path)
        assert client.host_status().sidecars[0].state == "running"


def _never_starts(cli: Cli, home: Path, flavor: str, says: list[str]) -> None:
    with Client(home) as client:
        store = _store(client, flavor, flavor, f"file://{home}/{flavor}")
        with pytest.raises(ComponentUnavailableError) as caught:
            store.exists(store.path)
        for text in [f"flavor {flavor!r}", *says]:
            assert text in str(caught.value)
        assert client.host_status().pid  # the host is unharmed


def test_a_sidecar_that_dies_at_import_gives_a_clear_error(
    cli: Cli, fault_repo: Path, home: Path
) -> None:
    cli("artifact-store", "flavor", "register", "flavors.dying_flavor.DyingFlavor")
    _never_starts(
        cli,
        home,
        "dying",
        ["exited with code 3 before its handshake", "dying flavor: exiting at import"],
    )


def test_garbage_before_the_handshake_gives_a_clear_error(
    cli: Cli, fault_repo: Path, home: Path, tmp_path: Path
) -> None:
    # A launcher that prints a banner on stdout before the sidecar starts.
    wrapper = _launcher(tmp_path / "python-with-banner", 'echo "Welcome to the cluster"')
    _register_noisy(cli, wrapper)
    _never_starts(cli, home, "noisy", ["bad handshake", "Welcome to the cluster"])


def test_a_sidecar_that_never_completes_its_handshake_gives_a_clear_error(
    cli: Cli, fault_repo: Path, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLAVORHOST_HANDSHAKE_TIMEOUT", "2")  # inherited by the host
    wrapper = _launcher(
        tmp_path / "python-that-hangs", "i=0; while [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done"
    )
    _register_noisy(cli, wrapper)
    _never_starts(
        cli,
        home,
        "noisy",
        ["did not complete its handshake within 2s", "FLAVORHOST_HANDSHAKE_TIMEOUT"],
    )


def test_a_sidecar_speaking_another_protocol_version_gives_a_clear_error(
    cli: Cli, fault_repo: Path, home: Path, tmp_path: Path
) -> None:
    wrapper = _launcher(tmp_path / "python-from-the-future", 'echo "1|99|unix|/nowhere|grpc"')
    _register_noisy(cli, wrapper)
    _never_starts(cli, home, "noisy", ["speaks protocol version 99; this host speaks 1"])


def test_a_flavor_module_that_prints_still_starts(cli: Cli, fault_repo: Path, home: Path) -> None:
    cli("artifact-store", "flavor", "register", "flavors.noisy_flavor.NoisyFlavor")
    with Client(home) as client:
        store = _store(client, "noisy", "noisy", f"file://{home}/noisy")
        assert store.exists(store.path)
        log = Path(client.host_status().sidecars[0].log_path).read_text()
    assert "hello from a noisy flavor module" in log


def test_a_sidecar_that_crashes_in_configure_names_the_component(faulty: Cli, home: Path) -> None:
    with Client(home) as client:
        store = _store(client, "bad_cfg", "faulty", f"file://{home}/b", fault="exit_on_configure")
        with pytest.raises(ComponentUnavailableError) as caught:
            store.exists(store.path)
        message = str(caught.value)
        assert "while configuring component 'bad_cfg'" in message
        assert "faulty: exiting in Configure" in message


def test_sidecars_die_with_a_killed_host(client: Client, home: Path) -> None:
    store = client.active_stack.artifact_store
    assert store.exists(".")
    status = client.host_status()
    sidecar = status.sidecars[0].pid
    socket_dir = Path((home / "sidecar-sockets").read_text())
    assert socket_dir.is_dir()
    os.kill(status.pid, signal.SIGKILL)
    assert wait_until_stopped(status.pid)
    assert wait_until_stopped(sidecar), "the sidecar outlived its host"
    # A new host starts cleanly over the stale socket and serves the same registry.
    with Client(home) as again:
        assert again.active_stack.artifact_store.exists(".")
    assert not socket_dir.exists()  # the new host removed the dead one's sockets


def test_a_new_host_reaps_sidecars_that_outlived_a_killed_host(
    cli: Cli, fault_repo: Path, home: Path, tmp_path: Path
) -> None:
    """A `--python` wrapper that forks leaves the sidecar's parent-death signal tied to the
    wrapper, so the sidecar survives a SIGKILLed host; the next host kills it."""
    wrapper = tmp_path / "forking-python"
    wrapper.write_text(f'#!/bin/sh\n"{sys.executable}" "$@" &\nwait\n')
    wrapper.chmod(0o755)
    _register_noisy(cli, wrapper)
    with Client(home) as client:
        store = _store(client, "noisy", "noisy", f"file://{home}/noisy")
        assert store.exists(store.path)
        status = client.host_status()
    launched = status.sidecars[0].pid  # the wrapper's pid
    survivors = [
        int(p) for p in Path(f"/proc/{launched}/task/{launched}/children").read_text().split()
    ]
    assert survivors, "the wrapper did not start the sidecar as its child"
    os.kill(status.pid, signal.SIGKILL)
    assert wait_until_stopped(status.pid)
    assert not wait_until_stopped(survivors[0], timeout=1), "expected the sidecar to survive"
    with Client(home) as again:  # a new host
        assert again.host_status().pid != status.pid
    assert wait_until_stopped(survivors[0], timeout=10), "the new host did not reap it"
    assert wait_until_stopped(launched, timeout=10)


def test_a_slow_starting_flavor_does_not_block_other_flavors(
    cli: Cli, fault_repo: Path, home: Path, tmp_path: Path
) -> None:
    started, release = tmp_path / "started", tmp_path / "release"
    wrapper = _launcher(
        tmp_path / "slow-python",
        f"touch {started}; i=0\n"
        f"while [ ! -f {release} ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done",
    )
    cli(
        "artifact-store",
        "flavor",
        "register",
        "flavors.faulty_flavor.FaultyFlavor",
        "--python",
        str(wrapper),
    )
    with Client(home) as client:
        local = client.active_stack.artifact_store
        slow = _store(client, "slow", "faulty", f"file://{home}/slow")
        results: list[bool] = []
        starting = threading.Thread(target=lambda: results.append(slow.exists(slow.path)))
        starting.start()
        _wait_for(started.exists)
        assert local.exists(".")  # served while the other flavor's sidecar is still starting
        assert starting.is_alive()
        release.write_text("")
        starting.join(timeout=60)
    assert results == [True]
