"""The node_local flavor's sidecar (Node.js), launched as the host would launch it and called over
its socket with the generated stubs: the handshake, authentication and grants, Lifecycle, Health,
StackComponent and every ArtifactStore RPC, errors checked by status code and ErrorInfo reason."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from flavorhost import errors, grants
from flavorhost.generated.v1 import artifact_store_pb2 as pb
from flavorhost.generated.v1 import (
    artifact_store_pb2_grpc,
    common_pb2,
    component_pb2,
    component_pb2_grpc,
    lifecycle_pb2,
    lifecycle_pb2_grpc,
)
from flavorhost.protocol import (
    COMPONENT_METADATA_KEY,
    COOKIE_ENV,
    COOKIE_VALUE,
    GRANT_METADATA_KEY,
    LOCAL_GRPC_OPTIONS,
    MAX_CONCURRENT_CALLS,
    SOCKET_DIR_ENV,
    TOKEN_ENV,
    TOKEN_METADATA_KEY,
    Handshake,
)
from tests.conftest import NODE_FLAVOR, NODE_MISSING

FLAVOR = NODE_FLAVOR
NODE = shutil.which("node")
if NODE_MISSING:
    pytest.skip(NODE_MISSING, allow_module_level=True)

TOKEN = "test-token-0123456789"
COMPONENT = "nodestore"
WAIT_SECONDS = 20.0
MiB = 1 << 20


def poll(condition: Callable[[], bool], what: str, seconds: float = WAIT_SECONDS) -> None:
    """Waits until `condition()` holds, or fails naming `what`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


class Sidecar:
    """A running node_local sidecar, its socket, and a configured component rooted at `root`."""

    def __init__(self, work: Path) -> None:
        self.socket_dir = Path(tempfile.mkdtemp(prefix="fhn-", dir="/tmp"))
        self.root = work / "root"
        self.log = (work / "sidecar.log").open("wb")
        env = dict(os.environ)
        env.update(
            {COOKIE_ENV: COOKIE_VALUE, TOKEN_ENV: TOKEN, SOCKET_DIR_ENV: str(self.socket_dir)}
        )
        self.process = subprocess.Popen(
            [NODE or "node", "server.js"],
            cwd=FLAVOR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self.log,
        )
        assert self.process.stdout is not None
        self.handshake = Handshake.parse(self.process.stdout.readline().decode())
        self.socket = Path(self.handshake.address)
        self.channel = grpc.insecure_channel(self.handshake.target, options=LOCAL_GRPC_OPTIONS)
        self.lifecycle = lifecycle_pb2_grpc.LifecycleStub(self.channel)
        self.store = artifact_store_pb2_grpc.ArtifactStoreStub(self.channel)
        self.component = component_pb2_grpc.StackComponentStub(self.channel)
        self.health = health_pb2_grpc.HealthStub(self.channel)
        self.configure(COMPONENT, {"path": str(self.root)})

    def configure(self, name: str, config: dict[str, Any] | str) -> None:
        """Lifecycle/Configure with a config (a dict, or JSON text as it is)."""
        text = config if isinstance(config, str) else json.dumps(config)
        request = lifecycle_pb2.ConfigureRequest(
            component_name=name,
            component_id="5e1d0c9a-0000-4000-8000-000000000001",
            config_json=text,
        )
        self.lifecycle.Configure(request, metadata=HOST, timeout=WAIT_SECONDS)

    def close(self) -> None:
        self.channel.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(WAIT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(WAIT_SECONDS)
        assert self.process.stdout is not None
        self.process.stdout.close()
        self.log.close()
        shutil.rmtree(self.socket_dir, ignore_errors=True)


HOST = ((TOKEN_METADATA_KEY, TOKEN),)
CALL = (*HOST, (COMPONENT_METADATA_KEY, COMPONENT))


@pytest.fixture
def sidecar(tmp_path: Path) -> Iterator[Sidecar]:
    running = Sidecar(tmp_path)
    try:
        yield running
    finally:
        running.close()


def failure(call: Callable[[], Any]) -> grpc.RpcError:
    """The RpcError `call` fails with (streams are read to the end)."""
    with pytest.raises(grpc.RpcError) as caught:
        result = call()
        if isinstance(result, Iterator):
            list(result)
    return caught.value


def reason(error: grpc.RpcError) -> str:
    """The flavorhost ErrorInfo reason of a failed call ('' without one)."""
    info = errors.error_info(error)
    return info.reason if info else ""


def expect(call: Callable[[], Any], code: grpc.StatusCode, why: str) -> grpc.RpcError:
    error = failure(call)
    assert (error.code(), reason(error)) == (code, why), error.details()
    return error


def write(sidecar: Sidecar, path: str, data: bytes, append: bool = False) -> int:
    def requests() -> Iterator[pb.WriteRequest]:
        yield pb.WriteRequest(open=pb.WriteOpen(path=path, append=append))
        for start in range(0, len(data), 512 << 10):
            yield pb.WriteRequest(data=data[start : start + (512 << 10)])
        yield pb.WriteRequest(finish=pb.WriteFinish())

    replies = list(sidecar.store.Write(requests(), metadata=CALL, timeout=120))
    assert [r.WhichOneof("kind") for r in replies] == ["opened", "committed"]
    return replies[1].committed.bytes_written


def read(sidecar: Sidecar, path: str, **fields: Any) -> tuple[pb.ReadOpened, bytes]:
    replies = list(
        sidecar.store.Read(pb.ReadRequest(path=path, **fields), metadata=CALL, timeout=120)
    )
    assert replies[0].WhichOneof("kind") == "opened"
    assert all(r.WhichOneof("kind") == "data" for r in replies[1:])
    return replies[0].opened, b"".join(r.data for r in replies[1:])


# --- launch, handshake, lifecycle --------------------------------------------------------------


def test_handshake_socket_and_plugin_info(sidecar: Sidecar) -> None:
    assert sidecar.socket.parent == sidecar.socket_dir
    assert sidecar.socket.name == f"sidecar-{sidecar.process.pid}.sock"
    assert stat.S_IMODE(sidecar.socket.stat().st_mode) == 0o600
    info = sidecar.lifecycle.GetPluginInfo(lifecycle_pb2.GetPluginInfoRequest(), metadata=HOST)
    assert info.flavor_name == "node_local"
    assert info.component_type == common_pb2.ARTIFACT_STORE
    assert info.protocol_version == 1
    assert list(info.services) == [
        "flavorhost.v1.Lifecycle",
        "flavorhost.v1.ArtifactStore",
        "flavorhost.v1.StackComponent",
    ]
    assert info.runtime.startswith("node v") and "@grpc/grpc-js" in info.runtime


def test_refuses_to_run_without_the_cookie(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != COOKIE_ENV}
    env.update({TOKEN_ENV: TOKEN, SOCKET_DIR_ENV: str(tmp_path)})
    done = subprocess.run(
        [NODE or "node", "server.js"], cwd=FLAVOR, env=env, capture_output=True, timeout=60
    )
    assert done.returncode == 1
    assert done.stdout == b""
    assert b"host launches it" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_shutdown_exits_and_removes_the_socket(sidecar: Sidecar) -> None:
    sidecar.lifecycle.Shutdown(lifecycle_pb2.ShutdownRequest(), metadata=HOST, timeout=5)
    assert sidecar.process.wait(5) == 0
    assert not sidecar.socket.exists()


def test_sigterm_exits_and_removes_the_socket(sidecar: Sidecar) -> None:
    sidecar.process.send_signal(signal.SIGTERM)
    assert sidecar.process.wait(5) == 0
    assert not sidecar.socket.exists()


def test_shutdown_lets_a_call_in_flight_finish(sidecar: Sidecar) -> None:
    data = os.urandom(8 * MiB)
    write(sidecar, str(sidecar.root / "big"), data)
    stream = sidecar.store.Read(
        pb.ReadRequest(path=str(sidecar.root / "big"), chunk_size=64 << 10), metadata=CALL
    )
    first = next(stream)
    assert first.WhichOneof("kind") == "opened"
    sidecar.lifecycle.Shutdown(lifecycle_pb2.ShutdownRequest(), metadata=HOST, timeout=5)
    assert b"".join(r.data for r in stream) == data
    assert sidecar.process.wait(5) == 0


def test_configure_checks_the_config(sidecar: Sidecar, tmp_path: Path) -> None:
    cases = {
        "path": {},
        "surprise": {"path": str(tmp_path / "x"), "surprise": 1},
    }
    for field, config in cases.items():
        error = expect(
            lambda c=config: sidecar.configure("other", c),  # type: ignore[misc]
            grpc.StatusCode.INVALID_ARGUMENT,
            "INVALID_CONFIG",
        )
        raised = errors.from_rpc_error(error)
        assert isinstance(raised, errors.ConfigValidationError)
        assert raised.field == field
    for bad in ("relative/dir", "s3://bucket/key", 42):
        error = expect(
            lambda b=bad: sidecar.configure("other", {"path": b}),  # type: ignore[misc]
            grpc.StatusCode.INVALID_ARGUMENT,
            "INVALID_CONFIG",
        )
        assert errors.from_rpc_error(error).field == "path"  # type: ignore[attr-defined]
    expect(
        lambda: sidecar.configure("other", "not json"),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_CONFIG",  # as the Python runtime: the config is the problem
    )
    sidecar.configure("other", {"path": str(tmp_path / "made" / "here")})
    assert (tmp_path / "made" / "here").is_dir()


def test_components_must_be_named_and_configured(sidecar: Sidecar) -> None:
    exists = pb.ExistsRequest(path=str(sidecar.root))
    expect(
        lambda: sidecar.store.Exists(exists, metadata=HOST),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
    )
    error = expect(
        lambda: sidecar.store.Exists(exists, metadata=(*HOST, (COMPONENT_METADATA_KEY, "nope"))),
        grpc.StatusCode.FAILED_PRECONDITION,
        "COMPONENT_NOT_CONFIGURED",
    )
    assert isinstance(errors.from_rpc_error(error), errors.ComponentNotConfiguredError)
    release = lifecycle_pb2.ReleaseRequest(component_name=COMPONENT)
    sidecar.lifecycle.Release(release, metadata=HOST)
    sidecar.lifecycle.Release(release, metadata=HOST)  # releasing an unknown one is fine
    expect(
        lambda: sidecar.store.Exists(exists, metadata=CALL),
        grpc.StatusCode.FAILED_PRECONDITION,
        "COMPONENT_NOT_CONFIGURED",
    )


# --- authentication ------------------------------------------------------------------------------


def test_every_service_needs_the_token(sidecar: Sidecar) -> None:
    for metadata in ((), ((TOKEN_METADATA_KEY, "wrong"),), ((TOKEN_METADATA_KEY, TOKEN + "x"),)):
        calls = [
            lambda m=metadata: sidecar.lifecycle.GetPluginInfo(
                lifecycle_pb2.GetPluginInfoRequest(), metadata=m
            ),
            lambda m=metadata: sidecar.store.Exists(
                pb.ExistsRequest(path="/"), metadata=(*m, (COMPONENT_METADATA_KEY, COMPONENT))
            ),
            lambda m=metadata: sidecar.store.Read(
                pb.ReadRequest(path="/x"), metadata=(*m, (COMPONENT_METADATA_KEY, COMPONENT))
            ),
            lambda m=metadata: sidecar.store.Write(
                iter([pb.WriteRequest(open=pb.WriteOpen(path="/x"))]),
                metadata=(*m, (COMPONENT_METADATA_KEY, COMPONENT)),
            ),
            lambda m=metadata: sidecar.health.Check(health_pb2.HealthCheckRequest(), metadata=m),
            lambda m=metadata: sidecar.component.ValidateSettings(
                component_pb2.ValidateSettingsRequest(),
                metadata=(*m, (COMPONENT_METADATA_KEY, COMPONENT)),
            ),
        ]
        for call in calls:
            error = failure(call)
            assert error.code() == grpc.StatusCode.UNAUTHENTICATED
            assert errors.error_info(error) is None


def test_grants_open_one_component_but_never_lifecycle(sidecar: Sidecar) -> None:
    grant = grants.mint(TOKEN, COMPONENT, time.time() + 60)
    with_grant = ((COMPONENT_METADATA_KEY, COMPONENT), (GRANT_METADATA_KEY, grant))
    reply = sidecar.store.IsDir(pb.IsDirRequest(path=str(sidecar.root)), metadata=with_grant)
    assert reply.is_dir
    write_with_grant = [pb.WriteRequest(open=pb.WriteOpen(path=str(sidecar.root / "g")))]
    write_with_grant.append(pb.WriteRequest(finish=pb.WriteFinish()))
    assert len(list(sidecar.store.Write(iter(write_with_grant), metadata=with_grant))) == 2
    checked = sidecar.health.Check(health_pb2.HealthCheckRequest(), metadata=with_grant)
    assert checked.status == health_pb2.HealthCheckResponse.SERVING

    refused = {
        "other component": ((COMPONENT_METADATA_KEY, "other"), (GRANT_METADATA_KEY, grant)),
        "expired": (
            (COMPONENT_METADATA_KEY, COMPONENT),
            (GRANT_METADATA_KEY, grants.mint(TOKEN, COMPONENT, time.time() - 1)),
        ),
        "other key": (
            (COMPONENT_METADATA_KEY, COMPONENT),
            (GRANT_METADATA_KEY, grants.mint("another", COMPONENT, time.time() + 60)),
        ),
        "garbage": ((COMPONENT_METADATA_KEY, COMPONENT), (GRANT_METADATA_KEY, "12.zz")),
    }
    for why, metadata in refused.items():
        error = failure(
            lambda m=metadata: sidecar.store.IsDir(pb.IsDirRequest(path="/"), metadata=m)
        )
        assert error.code() == grpc.StatusCode.UNAUTHENTICATED, why
    for call in (
        lambda: sidecar.lifecycle.GetPluginInfo(
            lifecycle_pb2.GetPluginInfoRequest(), metadata=with_grant
        ),
        lambda: sidecar.lifecycle.Shutdown(lifecycle_pb2.ShutdownRequest(), metadata=with_grant),
    ):
        assert failure(call).code() == grpc.StatusCode.UNAUTHENTICATED
    assert sidecar.process.poll() is None


# --- health, stack component, limits, malformed requests ------------------------------------------


def test_health(sidecar: Sidecar) -> None:
    for name in (
        "",
        "flavorhost.v1.Lifecycle",
        "flavorhost.v1.ArtifactStore",
        "flavorhost.v1.StackComponent",
    ):
        reply = sidecar.health.Check(health_pb2.HealthCheckRequest(service=name), metadata=HOST)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING, name
    error = failure(
        lambda: sidecar.health.Check(health_pb2.HealthCheckRequest(service="x.Y"), metadata=HOST)
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND
    watch = sidecar.health.Watch(health_pb2.HealthCheckRequest(service=""), metadata=HOST)
    assert next(watch).status == health_pb2.HealthCheckResponse.SERVING
    sidecar.lifecycle.Shutdown(lifecycle_pb2.ShutdownRequest(), metadata=HOST)
    assert [r.status for r in watch] == [health_pb2.HealthCheckResponse.NOT_SERVING]
    assert sidecar.process.wait(5) == 0


def test_stack_component_hooks(sidecar: Sidecar) -> None:
    info = component_pb2.StepRunInfo(run_id="r", run_name="n", pipeline="p", step="s")
    stub = sidecar.component
    stub.ValidateSettings(component_pb2.ValidateSettingsRequest(), metadata=CALL)
    stub.ValidateSettings(component_pb2.ValidateSettingsRequest(settings_json="{}"), metadata=CALL)
    for settings in ('{"a": 1}', "[]", "nope"):
        expect(
            lambda s=settings: stub.ValidateSettings(
                component_pb2.ValidateSettingsRequest(settings_json=s), metadata=CALL
            ),
            grpc.StatusCode.INVALID_ARGUMENT,
            "INVALID_ARGUMENT",
        )
    stub.PrepareStepRun(component_pb2.StepRunRequest(info=info), metadata=CALL)
    stub.CleanupStepRun(component_pb2.CleanupStepRunRequest(info=info), metadata=CALL)
    metadata = stub.GetStepRunMetadata(component_pb2.StepRunRequest(info=info), metadata=CALL)
    assert metadata.metadata_json == "{}"
    run = component_pb2.PipelineRunMetadataRequest(run_id="r")
    assert stub.GetPipelineRunMetadata(run, metadata=CALL).metadata_json == "{}"
    expect(
        lambda: stub.PrepareStepRun(
            component_pb2.StepRunRequest(info=info),
            metadata=(*HOST, (COMPONENT_METADATA_KEY, "nope")),
        ),
        grpc.StatusCode.FAILED_PRECONDITION,
        "COMPONENT_NOT_CONFIGURED",
    )


def test_malformed_requests_are_invalid_argument(sidecar: Sidecar) -> None:
    raw = sidecar.channel.unary_unary("/flavorhost.v1.ArtifactStore/Exists")
    error = expect(
        lambda: raw(b"\xff\xff\xff", metadata=CALL),
        grpc.StatusCode.INVALID_ARGUMENT,
        "MALFORMED_REQUEST",
    )
    assert "flavorhost.v1.ExistsRequest" in error.details()


def test_calls_over_the_limit_are_refused(sidecar: Sidecar) -> None:
    watches = []
    try:
        for _ in range(MAX_CONCURRENT_CALLS):
            watch = sidecar.health.Watch(health_pb2.HealthCheckRequest(), metadata=HOST)
            assert next(watch).status == health_pb2.HealthCheckResponse.SERVING
            watches.append(watch)
        error = expect(
            lambda: sidecar.store.Exists(pb.ExistsRequest(path="/"), metadata=CALL),
            grpc.StatusCode.RESOURCE_EXHAUSTED,
            "LIMIT_EXCEEDED",
        )
        assert isinstance(errors.from_rpc_error(error), errors.LimitExceededError)
    finally:
        for watch in watches:
            watch.cancel()

    def serves_again() -> bool:
        with contextlib.suppress(grpc.RpcError):
            sidecar.store.Exists(pb.ExistsRequest(path=str(sidecar.root)), metadata=CALL)
            return True
        return False

    poll(serves_again, "the sidecar to serve again once the streams ended")


# --- the artifact store -------------------------------------------------------------------------


def test_files_and_folders(sidecar: Sidecar) -> None:
    store, root = sidecar.store, sidecar.root
    assert write(sidecar, f"{root}/a.txt", b"alpha") == 5
    assert write(sidecar, "rel.txt", b"relative to the root") == 20
    store.MkDir(pb.MkDirRequest(path=f"{root}/d"), metadata=CALL)
    store.MakeDirs(pb.MakeDirsRequest(path=f"{root}/d/e/f"), metadata=CALL)
    store.MakeDirs(pb.MakeDirsRequest(path=f"{root}/d/e/f"), metadata=CALL)
    names = store.ListDir(pb.ListDirRequest(path=str(root)), metadata=CALL).names
    assert list(names) == ["a.txt", "d", "rel.txt"]
    assert store.Exists(pb.ExistsRequest(path=f"{root}/a.txt"), metadata=CALL).exists
    assert not store.Exists(pb.ExistsRequest(path=f"{root}/zz"), metadata=CALL).exists
    assert store.IsDir(pb.IsDirRequest(path=f"{root}/d"), metadata=CALL).is_dir
    assert not store.IsDir(pb.IsDirRequest(path=f"{root}/a.txt"), metadata=CALL).is_dir
    assert store.Size(pb.SizeRequest(path=f"{root}/a.txt"), metadata=CALL).size == 5

    info = store.Stat(pb.StatRequest(path=f"{root}/a.txt"), metadata=CALL).stat
    expected = os.stat(root / "a.txt")
    assert (info.size, info.is_dir, info.mode) == (5, False, expected.st_mode)
    assert abs(info.mtime - expected.st_mtime) < 0.01
    assert stat.S_IMODE(expected.st_mode) == 0o666 & ~current_umask()
    assert store.Stat(pb.StatRequest(path=f"{root}/d"), metadata=CALL).stat.is_dir

    store.CopyFile(pb.CopyFileRequest(src=f"{root}/a.txt", dst=f"{root}/b.txt"), metadata=CALL)
    assert (root / "b.txt").read_bytes() == b"alpha"
    error = expect(
        lambda: store.CopyFile(
            pb.CopyFileRequest(src=f"{root}/rel.txt", dst=f"{root}/b.txt"), metadata=CALL
        ),
        grpc.StatusCode.ALREADY_EXISTS,
        "FILE_EXISTS",
    )
    assert errors.from_rpc_error(error).filename == f"{root}/b.txt"  # type: ignore[attr-defined]
    store.CopyFile(
        pb.CopyFileRequest(src=f"{root}/rel.txt", dst=f"{root}/b.txt", overwrite=True),
        metadata=CALL,
    )
    assert (root / "b.txt").read_bytes() == b"relative to the root"

    store.Rename(pb.RenameRequest(src=f"{root}/b.txt", dst=f"{root}/c.txt"), metadata=CALL)
    expect(
        lambda: store.Rename(
            pb.RenameRequest(src=f"{root}/c.txt", dst=f"{root}/a.txt"), metadata=CALL
        ),
        grpc.StatusCode.ALREADY_EXISTS,
        "FILE_EXISTS",
    )
    store.Rename(
        pb.RenameRequest(src=f"{root}/c.txt", dst=f"{root}/a.txt", overwrite=True), metadata=CALL
    )
    assert (root / "a.txt").read_bytes() == b"relative to the root"
    assert not (root / "c.txt").exists()

    store.Remove(pb.RemoveRequest(path=f"{root}/a.txt"), metadata=CALL)
    store.RmTree(pb.RmTreeRequest(path=f"{root}/d"), metadata=CALL)
    assert list(store.ListDir(pb.ListDirRequest(path=str(root)), metadata=CALL).names) == [
        "rel.txt"
    ]


def test_os_errors_arrive_as_python_exceptions(sidecar: Sidecar) -> None:
    store, root = sidecar.store, sidecar.root
    write(sidecar, f"{root}/file", b"x")
    (root / "dir" / "sub").mkdir(parents=True)
    (root / "full").mkdir()
    (root / "full" / "inside").write_bytes(b"")
    cases: list[tuple[Callable[[], Any], grpc.StatusCode, str, type[OSError], str]] = [
        (
            lambda: store.Stat(pb.StatRequest(path=f"{root}/missing"), metadata=CALL),
            grpc.StatusCode.NOT_FOUND,
            "FILE_NOT_FOUND",
            FileNotFoundError,
            f"{root}/missing",
        ),
        (
            lambda: store.Read(pb.ReadRequest(path=f"{root}/missing"), metadata=CALL),
            grpc.StatusCode.NOT_FOUND,
            "FILE_NOT_FOUND",
            FileNotFoundError,
            f"{root}/missing",
        ),
        (
            lambda: store.MkDir(pb.MkDirRequest(path=f"{root}/dir"), metadata=CALL),
            grpc.StatusCode.ALREADY_EXISTS,
            "FILE_EXISTS",
            FileExistsError,
            f"{root}/dir",
        ),
        (
            lambda: store.MkDir(pb.MkDirRequest(path=f"{root}/no/such"), metadata=CALL),
            grpc.StatusCode.NOT_FOUND,
            "FILE_NOT_FOUND",
            FileNotFoundError,
            f"{root}/no/such",
        ),
        (
            lambda: store.Remove(pb.RemoveRequest(path=f"{root}/dir"), metadata=CALL),
            grpc.StatusCode.FAILED_PRECONDITION,
            "IS_A_DIRECTORY",
            IsADirectoryError,
            f"{root}/dir",
        ),
        (
            lambda: store.Read(pb.ReadRequest(path=f"{root}/dir"), metadata=CALL),
            grpc.StatusCode.FAILED_PRECONDITION,
            "IS_A_DIRECTORY",
            IsADirectoryError,
            f"{root}/dir",
        ),
        (
            lambda: store.RmTree(pb.RmTreeRequest(path=f"{root}/file"), metadata=CALL),
            grpc.StatusCode.FAILED_PRECONDITION,
            "NOT_A_DIRECTORY",
            NotADirectoryError,
            f"{root}/file",
        ),
        (
            lambda: store.RmTree(pb.RmTreeRequest(path=f"{root}/missing"), metadata=CALL),
            grpc.StatusCode.NOT_FOUND,
            "FILE_NOT_FOUND",
            FileNotFoundError,
            f"{root}/missing",
        ),
        (
            lambda: store.ListDir(pb.ListDirRequest(path=f"{root}/file"), metadata=CALL),
            grpc.StatusCode.FAILED_PRECONDITION,
            "NOT_A_DIRECTORY",
            NotADirectoryError,
            f"{root}/file",
        ),
        (
            lambda: store.Rename(
                pb.RenameRequest(src=f"{root}/dir", dst=f"{root}/full", overwrite=True),
                metadata=CALL,
            ),
            grpc.StatusCode.FAILED_PRECONDITION,
            "DIRECTORY_NOT_EMPTY",
            OSError,
            f"{root}/dir",
        ),
        (
            lambda: store.CopyFile(
                pb.CopyFileRequest(src=f"{root}/dir", dst=f"{root}/copy"), metadata=CALL
            ),
            grpc.StatusCode.FAILED_PRECONDITION,
            "IS_A_DIRECTORY",
            IsADirectoryError,
            f"{root}/dir",
        ),
    ]
    for call, code, why, kind, path in cases:
        error = expect(call, code, why)
        raised = errors.from_rpc_error(error)
        assert type(raised) is kind, (why, raised)
        assert raised.filename == path, (why, raised)
        assert raised.strerror == error.details()
    missing = errors.from_rpc_error(failure(cases[0][0]))
    assert str(missing) == f"[Errno 2] No such file or directory: '{root}/missing'"


def test_paths_outside_the_root_are_refused(sidecar: Sidecar, tmp_path: Path) -> None:
    store, root = sidecar.store, sidecar.root
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_bytes(b"no")
    (root / "escape").symlink_to(outside)
    for path in (str(outside / "secret"), f"{root}/../outside/secret", f"{root}/escape/secret"):
        for call in (
            lambda p=path: store.Read(pb.ReadRequest(path=p), metadata=CALL),
            lambda p=path: store.Exists(pb.ExistsRequest(path=p), metadata=CALL),
            lambda p=path: store.Remove(pb.RemoveRequest(path=p), metadata=CALL),
            lambda p=path: store.Write(
                iter([pb.WriteRequest(open=pb.WriteOpen(path=p))]), metadata=CALL
            ),
            lambda p=path: store.Walk(pb.WalkRequest(top=p, topdown=True), metadata=CALL),
        ):
            error = expect(call, grpc.StatusCode.PERMISSION_DENIED, "PERMISSION")
            raised = errors.from_rpc_error(error)
            assert isinstance(raised, PermissionError) and raised.filename == path
    assert (outside / "secret").read_bytes() == b"no"
    globbed = store.Glob(pb.GlobRequest(pattern=f"{root}/*/*"), metadata=CALL).paths
    assert list(globbed) == []


def test_read_offsets_lengths_chunks_and_versions(sidecar: Sidecar) -> None:
    path = f"{sidecar.root}/r.bin"
    data = os.urandom(3 * MiB + 17)
    write(sidecar, path, data)
    opened, whole = read(sidecar, path)
    assert (opened.size, whole) == (len(data), data)
    assert opened.version
    assert read(sidecar, path, offset=MiB)[1] == data[MiB:]
    assert read(sidecar, path, offset=10, length=100)[1] == data[10:110]
    assert read(sidecar, path, offset=len(data) + 5)[1] == b""
    replies = list(
        sidecar.store.Read(pb.ReadRequest(path=path, chunk_size=1000, length=2500), metadata=CALL)
    )
    assert [len(r.data) for r in replies[1:]] == [1000, 1000, 500]
    assert (
        max(
            len(r.data)
            for r in list(sidecar.store.Read(pb.ReadRequest(path=path), metadata=CALL))[1:]
        )
        <= MiB
    )
    assert read(sidecar, path, if_version=opened.version)[1] == data

    write(sidecar, path, b"replaced")
    error = expect(
        lambda: sidecar.store.Read(
            pb.ReadRequest(path=path, if_version=opened.version), metadata=CALL
        ),
        grpc.StatusCode.FAILED_PRECONDITION,
        "FILE_CHANGED",
    )
    raised = errors.from_rpc_error(error)
    assert isinstance(raised, errors.FileChangedError) and raised.filename == path
    expect(
        lambda: sidecar.store.Read(pb.ReadRequest(path=path, offset=-1), metadata=CALL),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
    )


def test_a_cancelled_read_closes_the_file(sidecar: Sidecar) -> None:
    path = f"{sidecar.root}/c.bin"
    write(sidecar, path, os.urandom(4 * MiB))
    stream = sidecar.store.Read(pb.ReadRequest(path=path, chunk_size=4096), metadata=CALL)
    next(stream)
    next(stream)
    stream.cancel()

    def closed() -> bool:
        fds = Path(f"/proc/{sidecar.process.pid}/fd")
        return not any(os.readlink(fd).endswith("c.bin") for fd in fds.iterdir() if fd.is_symlink())

    poll(closed, "the sidecar to close the cancelled read's file")


def test_writes_append_and_large_files(sidecar: Sidecar) -> None:
    path = f"{sidecar.root}/log"
    write(sidecar, path, b"one,")
    assert write(sidecar, path, b"two", append=True) == 3
    assert (sidecar.root / "log").read_bytes() == b"one,two"
    write(sidecar, f"{sidecar.root}/new", b"fresh", append=True)
    assert (sidecar.root / "new").read_bytes() == b"fresh"

    big = os.urandom(64 * MiB)
    assert write(sidecar, f"{sidecar.root}/big", big) == len(big)
    opened, back = read(sidecar, f"{sidecar.root}/big")
    assert opened.size == len(big)
    assert hashlib.sha256(back).digest() == hashlib.sha256(big).digest()


def test_write_stream_errors(sidecar: Sidecar) -> None:
    store, root = sidecar.store, sidecar.root
    (root / "dir").mkdir()
    cases = [
        ([pb.WriteRequest(data=b"x")], grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT"),
        ([], grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT"),
        (
            [pb.WriteRequest(open=pb.WriteOpen(path=f"{root}/dir"))],
            grpc.StatusCode.FAILED_PRECONDITION,
            "IS_A_DIRECTORY",
        ),
        (
            [pb.WriteRequest(open=pb.WriteOpen(path=f"{root}/no/such/file"))],
            grpc.StatusCode.NOT_FOUND,
            "FILE_NOT_FOUND",
        ),
        (  # ends without `finish`: discarded
            [pb.WriteRequest(open=pb.WriteOpen(path=f"{root}/half")), pb.WriteRequest(data=b"x")],
            grpc.StatusCode.INVALID_ARGUMENT,
            "INVALID_ARGUMENT",
        ),
        (
            [
                pb.WriteRequest(open=pb.WriteOpen(path=f"{root}/twice")),
                pb.WriteRequest(open=pb.WriteOpen(path=f"{root}/twice")),
            ],
            grpc.StatusCode.INVALID_ARGUMENT,
            "INVALID_ARGUMENT",
        ),
    ]
    for requests, code, why in cases:
        expect(lambda r=requests: store.Write(iter(r), metadata=CALL), code, why)
    assert sorted(os.listdir(root)) == ["dir"]


def test_an_abandoned_write_leaves_the_old_file(sidecar: Sidecar) -> None:
    root = sidecar.root
    write(sidecar, f"{root}/keep", b"old content")
    gate: list[bool] = []

    # The request stream stays open (no half-close) until the client cancels the call.

    def requests() -> Iterator[pb.WriteRequest]:
        yield pb.WriteRequest(open=pb.WriteOpen(path=f"{root}/keep"))
        yield pb.WriteRequest(data=b"new content that must never appear")
        while not gate:
            time.sleep(0.01)

    stream = sidecar.store.Write(requests(), metadata=CALL)
    assert next(stream).WhichOneof("kind") == "opened"
    poll(lambda: any(n.startswith(".~flavorhost-") for n in os.listdir(root)), "the temp file")
    names = sidecar.store.ListDir(pb.ListDirRequest(path=str(root)), metadata=CALL).names
    assert list(names) == ["keep"]  # the unfinished write is hidden
    assert list(sidecar.store.Glob(pb.GlobRequest(pattern=f"{root}/.*"), metadata=CALL).paths) == []
    stream.cancel()
    gate.append(True)
    poll(lambda: os.listdir(root) == ["keep"], "the abandoned write to be dropped")
    assert (root / "keep").read_bytes() == b"old content"


def test_walk_and_glob(sidecar: Sidecar) -> None:
    store, root = sidecar.store, sidecar.root
    for name in ("a/x.txt", "a/b/y.txt", "a/b/z.csv", "top.txt", ".hidden.txt"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name)

    def walk(top: str, topdown: bool) -> list[tuple[str, list[str], list[str]]]:
        entries = store.Walk(pb.WalkRequest(top=top, topdown=topdown), metadata=CALL)
        return [(e.dirpath, sorted(e.dirnames), sorted(e.filenames)) for e in entries]

    expected = [(d, sorted(ds), sorted(fs)) for d, ds, fs in os.walk(root)]
    assert walk(str(root), True) == expected
    bottom_up = [(d, sorted(ds), sorted(fs)) for d, ds, fs in os.walk(root, topdown=False)]
    assert walk(str(root), False) == bottom_up

    entries = list(store.Walk(pb.WalkRequest(top=f"{root}/missing", topdown=True), metadata=CALL))
    assert len(entries) == 1 and entries[0].HasField("error")
    assert entries[0].error.path == f"{root}/missing"
    assert entries[0].error.errno == 2
    assert entries[0].error.reason == common_pb2.FILE_NOT_FOUND

    def glob(pattern: str) -> list[str]:
        return list(store.Glob(pb.GlobRequest(pattern=pattern), metadata=CALL).paths)

    assert glob(f"{root}/*.txt") == [f"{root}/top.txt"]
    assert glob(f"{root}/.*") == [f"{root}/.hidden.txt"]
    assert glob(f"{root}/a/*/*.[ct]sv") == [f"{root}/a/b/z.csv"]
    assert glob(f"{root}/a/?/[!z]*") == [f"{root}/a/b/y.txt"]
    assert glob(f"{root}/*") == [f"{root}/a", f"{root}/top.txt"]
    assert glob("a/*.txt") == [f"{root}/a/x.txt"]
    assert glob(f"{root}/top.txt") == [f"{root}/top.txt"]
    assert glob(f"{root}/nothing*") == []


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
