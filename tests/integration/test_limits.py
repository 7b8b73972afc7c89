"""Limits and hostile input: malformed, oversized and random requests get a classified error,
never an unexplained INTERNAL/UNKNOWN, and the host keeps serving (fuzzed with hypothesis)."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flavorhost import Client, errors
from flavorhost.enums import StackComponentType
from flavorhost.generated.v1 import artifact_store_pb2, host_pb2
from flavorhost.home import host_address
from flavorhost.protocol import (
    COMPONENT_METADATA_KEY,
    MAX_CONCURRENT_CALLS_ENV,
    MAX_MESSAGE_BYTES,
)
from flavorhost.proxies.component_link import DIRECT_ENV
from tests.conftest import stop_host

ARTIFACT_STORE = StackComponentType.ARTIFACT_STORE
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Methods a fuzzer must not call: stopping the host is not an input error.
SPARED = {"/flavorhost.v1.Host/Stop"}


class Target:
    """A host with a `fuzz` local artifact store whose root sits next to an `outside` folder."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.root = home / "area" / "root"
        self.outside = home / "area" / "outside"
        self.root.mkdir(parents=True)
        self.outside.mkdir()
        (self.outside / "keep").write_text("must survive")
        self.client = Client(home)
        self.client.register_component(
            ARTIFACT_STORE, "fuzz", "local", config={"path": str(self.root)}
        )
        self.client.register_stack("fuzz", {ARTIFACT_STORE: "fuzz"})
        self.client.activate_stack("fuzz")
        self.store = self.client.active_stack.artifact_store
        self.channel = grpc.insecure_channel(
            host_address(home),
            options=[
                ("grpc.max_send_message_length", 4 * MAX_MESSAGE_BYTES),
                ("grpc.max_receive_message_length", 4 * MAX_MESSAGE_BYTES),
            ],
        )

    def raw(self, path: str, streaming_response: bool, request: bytes) -> None:
        """Sends raw request bytes to a method; raises grpc.RpcError on failure."""
        metadata = ((COMPONENT_METADATA_KEY, "fuzz"),)
        if streaming_response:
            for _ in self.channel.unary_stream(path)(request, metadata=metadata, timeout=30):
                pass
        else:
            self.channel.unary_unary(path)(request, metadata=metadata, timeout=30)

    def serving(self) -> bool:
        """Whether the host still answers."""
        health_pb2_grpc.HealthStub(self.channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
        return True

    def untouched_outside(self) -> bool:
        """Whether nothing was created, changed or removed outside the store's root."""
        area = {p.name for p in (self.home / "area").iterdir()}
        kept = [p.name for p in self.outside.iterdir()]
        return (
            area <= {"root", "outside"}
            and kept == ["keep"]
            and (self.outside / "keep").read_text() == "must survive"
        )


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    home = Path(tempfile.mkdtemp(prefix="fh-", dir="/tmp"))
    created = Target(home)
    yield created
    created.channel.close()
    created.client.close()
    stop_host(home)
    shutil.rmtree(home, ignore_errors=True)


def _methods() -> list[tuple[str, bool]]:
    """(path, server-streaming) of every unary-request method of the host and the proxy."""
    found = []
    for file in (host_pb2.DESCRIPTOR, artifact_store_pb2.DESCRIPTOR):
        for service in file.services_by_name.values():
            for method in service.methods:
                path = f"/{service.full_name}/{method.name}"
                if path not in SPARED and not method.client_streaming:
                    found.append((path, method.server_streaming))
    return found


METHODS = _methods()


def _classified(error: grpc.RpcError) -> bool:
    """Whether a failure is one the error table explains (not an unexpected crash)."""
    call: Any = error
    info = errors.error_info(error)
    if info is not None:
        return info.reason != "FLAVOR_ERROR"
    return bool(call.code() == grpc.StatusCode.RESOURCE_EXHAUSTED)


@FUZZ
@given(method=st.sampled_from(METHODS), request=st.binary(max_size=512))
def test_random_request_bytes_get_classified_errors(
    target: Target, method: tuple[str, bool], request: bytes
) -> None:
    path, streaming = method
    try:
        target.raw(path, streaming, request)
    except grpc.RpcError as error:
        assert _classified(error), f"{path} answered {error!r}"
    assert target.serving()
    assert target.untouched_outside()


def test_undecodable_requests_are_invalid_arguments(target: Target) -> None:
    for path, streaming in METHODS:
        with pytest.raises(grpc.RpcError) as caught:
            target.raw(path, streaming, b"\xff\xff\xff")
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, path
        exception = errors.from_rpc_error(caught.value)
        assert isinstance(exception, errors.MalformedRequestError), path
        assert "is not a valid flavorhost.v1." in str(exception)
    assert target.serving()


def test_an_oversized_request_is_refused_and_the_host_goes_on(target: Target) -> None:
    request = host_pb2.GetComponentRequest(name="x" * (MAX_MESSAGE_BYTES + 1)).SerializeToString()
    with pytest.raises(grpc.RpcError) as caught:
        target.raw("/flavorhost.v1.Registry/GetComponent", False, request)
    assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert isinstance(errors.from_rpc_error(caught.value), errors.LimitExceededError)
    assert target.serving()


PATH_PARTS = [
    "a",
    "b",
    "/",
    ".",
    "..",
    "../",
    " ",
    "\x00",
    "é",
    "~",
    "\\",
    "*",
    "?",
    "area/",
    "/tmp",
]
PATH_TEXT = st.lists(st.sampled_from(PATH_PARTS), max_size=10).map("".join)


@FUZZ
@given(path=PATH_TEXT, other=PATH_TEXT)
def test_local_store_path_handling_never_escapes_its_root(
    target: Target, path: str, other: str
) -> None:
    store = target.store
    operations = [
        lambda: store.exists(path),
        lambda: store.isdir(path),
        lambda: store.listdir(path),
        lambda: store.glob(path),
        lambda: store.makedirs(path),
        lambda: store.open(path, "wb").__exit__(None, None, None),
        lambda: store.open(path, "rb").close(),
        lambda: store.copyfile(path, other, overwrite=True),
        lambda: store.rename(path, other, overwrite=True),
        lambda: store.size(path),
        lambda: list(store.walk(path)),
        lambda: store.remove(path),
        lambda: store.rmtree(path),
    ]
    for operation in operations:
        with contextlib.suppress(OSError, ValueError):
            operation()
    assert target.untouched_outside()
    assert target.serving()


@FUZZ
@given(name=st.text(max_size=40), field=st.text(max_size=20), value=st.text(max_size=40))
def test_registry_calls_with_random_text_fail_cleanly(
    target: Target, name: str, field: str, value: str
) -> None:
    client = target.client
    attempts = [
        lambda: client.register_component(ARTIFACT_STORE, name, "local", values={field: value}),
        lambda: client.update_component(ARTIFACT_STORE, "fuzz", values={field: value}),
        lambda: client.register_flavor(ARTIFACT_STORE, value),
        lambda: client.register_stack(name, {ARTIFACT_STORE: value}),
        lambda: client.create_secret(name, {field: value}),
        lambda: client.get_component(ARTIFACT_STORE, name),
    ]
    for attempt in attempts:
        try:
            attempt()
        except errors.FlavorhostError as error:
            assert type(error) is not errors.FlavorhostError, repr(error)
            assert not isinstance(error, errors.FlavorImplementationError), repr(error)
        except (ValueError, LookupError, ImportError):
            pass
    # Undo what succeeded, so examples do not depend on each other.
    with contextlib.suppress(errors.FlavorhostError, ValueError, LookupError):
        client.delete_stack(name)
    with contextlib.suppress(errors.FlavorhostError, ValueError, LookupError):
        client.delete_component(ARTIFACT_STORE, name)
    with contextlib.suppress(errors.FlavorhostError, ValueError, LookupError):
        client.delete_secret(name, force=True)
    assert client.get_component(ARTIFACT_STORE, "fuzz").config["path"] == str(target.root)
    assert target.serving()


def test_calls_beyond_the_concurrency_limit_are_refused_not_queued(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each open read stream holds one of the host's call slots (files larger than gRPC's
    flow-control windows keep their streams open until read)."""
    limit = 4
    monkeypatch.setenv(MAX_CONCURRENT_CALLS_ENV, str(limit))
    monkeypatch.setenv(DIRECT_ENV, "0")  # the host's limit: every call through the host
    with Client(home) as client:
        store = client.active_stack.artifact_store
        with store.open("big", "wb") as file:
            file.write(b"x" * (32 << 20))
        with contextlib.ExitStack() as stack:
            readers = [stack.enter_context(store.open("big", "rb")) for _ in range(limit - 1)]
            assert all(reader.read(10) == b"x" * 10 for reader in readers)
            with pytest.raises(errors.LimitExceededError) as caught:
                for _ in range(limit):  # the calls of this client's other streams may end
                    stack.enter_context(store.open("big", "rb"))
            assert "concurrent" in str(caught.value).lower()
        # Closed streams free their slots as soon as the host sees the cancellation.
        deadline = time.monotonic() + 10
        while True:
            try:
                assert store.exists("big")
                break
            except errors.LimitExceededError:
                assert time.monotonic() < deadline, "closed streams kept their call slots"
                time.sleep(0.05)
