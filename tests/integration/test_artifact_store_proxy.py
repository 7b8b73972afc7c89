"""Every artifact store method through the SDK proxy, the host and a sidecar, compared with the
same operation done directly on the filesystem: for the Python `local` flavor (files handed over
or streamed) and for `node_local`, written in JavaScript (streamed)."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from flavorhost import Client
from flavorhost.enums import StackComponentType
from flavorhost.errors import FileChangedError
from flavorhost.proxies.artifact_store import ArtifactStoreProxy
from flavorhost.proxies.handed_over_files import FILE_HANDOVER_ENV
from tests.conftest import NODE_MISSING

ARTIFACT_STORE = StackComponentType.ARTIFACT_STORE
ORCHESTRATOR = StackComponentType.ORCHESTRATOR


@pytest.fixture(params=["local/handed_over", "local/streamed", "node_local"])
def access(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The flavor behind the proxy and how its files travel."""
    if request.param == "node_local" and NODE_MISSING:
        pytest.skip(NODE_MISSING)
    if request.param != "local/handed_over":
        monkeypatch.setenv(FILE_HANDOVER_ENV, "0")
    return str(request.param)


@pytest.fixture
def store(client: Client, access: str, home: Path) -> Iterator[ArtifactStoreProxy]:
    """The active stack's store: the default `local` one, or a `node_local` one."""
    if access == "node_local":
        config = {"path": str(home / "node_store")}
        client.register_component(ARTIFACT_STORE, "nodestore", "node_local", config=config)
        client.register_stack("node", {ARTIFACT_STORE: "nodestore", ORCHESTRATOR: "default"})
        client.activate_stack("node")
    proxy = client.active_stack.artifact_store
    yield proxy
    shutil.rmtree(proxy.path, ignore_errors=True)


def _tree(root: Path) -> None:
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "one.txt").write_text("one")
    (root / "a" / "b" / "two.bin").write_bytes(b"\x00\x01\x02")
    (root / "top.txt").write_text("top\nsecond line\n")


def test_proxy_exposes_the_component(store: ArtifactStoreProxy, access: str, home: Path) -> None:
    if access == "node_local":
        assert store.name == "nodestore" and store.flavor == "node_local"
        assert store.path == str(home / "node_store")
    else:
        assert store.name == "default" and store.flavor == "local"
        assert store.path == str(home / "local_stores" / "default")
    assert store.config.path == store.path


def test_queries_match_the_filesystem(store: ArtifactStoreProxy) -> None:
    root = Path(store.path)
    _tree(root)
    for relative in ["a", "a/one.txt", "a/b/two.bin", "top.txt", "missing"]:
        path = str(root / relative)
        assert store.exists(path) == os.path.exists(path), relative
        assert store.isdir(path) == os.path.isdir(path), relative
    assert sorted(store.listdir(str(root))) == sorted(os.listdir(root))
    assert sorted(store.listdir(str(root / "a"))) == sorted(os.listdir(root / "a"))
    assert store.size(str(root / "top.txt")) == os.path.getsize(root / "top.txt")
    remote, local = store.stat(str(root / "top.txt")), os.stat(root / "top.txt")
    assert (remote.st_size, remote.st_mode, remote.st_mtime) == (
        local.st_size,
        local.st_mode,
        local.st_mtime,
    )
    assert store.stat(str(root / "a")).st_mode == os.stat(root / "a").st_mode
    assert store.glob(str(root / "*.txt")) == sorted(str(p) for p in root.glob("*.txt"))
    assert store.glob(str(root / "a" / "*")) == sorted(str(p) for p in (root / "a").glob("*"))
    for topdown in (True, False):
        remote_walk = [
            (d, sorted(ds), sorted(fs)) for d, ds, fs in store.walk(str(root), topdown=topdown)
        ]
        local_walk = [(d, sorted(ds), sorted(fs)) for d, ds, fs in os.walk(root, topdown)]
        assert remote_walk == local_walk


def test_mutations_match_the_filesystem(store: ArtifactStoreProxy) -> None:
    root = Path(store.path)
    _tree(root)
    store.mkdir(str(root / "new"))
    assert (root / "new").is_dir()
    with pytest.raises(FileExistsError):
        store.mkdir(str(root / "new"))
    store.makedirs(str(root / "deep" / "er" / "est"))
    store.makedirs(str(root / "deep" / "er"))  # existing is fine
    assert (root / "deep" / "er" / "est").is_dir()
    store.copyfile(str(root / "top.txt"), str(root / "copy.txt"))
    assert (root / "copy.txt").read_text() == (root / "top.txt").read_text()
    with pytest.raises(FileExistsError):
        store.copyfile(str(root / "top.txt"), str(root / "copy.txt"))
    (root / "top.txt").write_text("changed")
    store.copyfile(str(root / "top.txt"), str(root / "copy.txt"), overwrite=True)
    assert (root / "copy.txt").read_text() == "changed"
    store.rename(str(root / "copy.txt"), str(root / "moved.txt"))
    assert not (root / "copy.txt").exists() and (root / "moved.txt").read_text() == "changed"
    with pytest.raises(FileExistsError):
        store.rename(str(root / "moved.txt"), str(root / "top.txt"))
    store.rename(str(root / "moved.txt"), str(root / "top.txt"), overwrite=True)
    store.remove(str(root / "top.txt"))
    assert not (root / "top.txt").exists()
    store.rmtree(str(root / "a"))
    assert not (root / "a").exists()


def test_errors_arrive_as_the_right_exceptions(store: ArtifactStoreProxy) -> None:
    root = Path(store.path)
    _tree(root)
    with pytest.raises(FileNotFoundError) as caught:
        store.open(str(root / "nope.txt"))
    assert caught.value.filename == str(root / "nope.txt")
    with pytest.raises(FileNotFoundError):
        store.size(str(root / "nope.txt"))
    with pytest.raises(FileNotFoundError):
        store.remove(str(root / "nope.txt"))
    with pytest.raises(FileNotFoundError):
        store.listdir(str(root / "nope"))
    with pytest.raises(IsADirectoryError):
        store.remove(str(root / "a"))
    with pytest.raises(IsADirectoryError):
        store.open(str(root / "a"), "wb")
    with pytest.raises(NotADirectoryError):
        store.rmtree(str(root / "top.txt"))
    with pytest.raises(NotADirectoryError):
        store.listdir(str(root / "top.txt"))
    with pytest.raises(PermissionError, match="outside the artifact store root"):
        store.open("/etc/passwd")
    with pytest.raises(PermissionError):
        store.exists(str(root / ".." / "escape"))
    with pytest.raises(FileNotFoundError):
        store.open(str(root / "no" / "such" / "dir.txt"), "w")
    with pytest.raises(ValueError, match="mode 'x'"):
        store.open(str(root / "x"), "x")
    seen: list[OSError] = []
    assert list(store.walk(str(root / "nope"), onerror=seen.append)) == []
    assert isinstance(seen[0], FileNotFoundError)


def test_text_mode_seek_and_append(store: ArtifactStoreProxy) -> None:
    path = os.path.join(store.path, "notes.txt")
    with store.open(path, "w") as f:
        f.write("héllo\nwörld\n")
    with store.open(path) as f:
        assert f.readline() == "héllo\n"
        assert list(f) == ["wörld\n"]
    with store.open(path, "a") as f:
        f.write("again\n")
    assert Path(path).read_text(encoding="utf-8") == "héllo\nwörld\nagain\n"
    with store.open(path, "rb") as f:
        f.seek(7)
        assert f.read(6) == "wörld".encode()[:6]
        assert f.tell() == 13
        f.seek(-6, os.SEEK_END)
        assert f.read() == b"again\n"
        f.seek(0)
        assert f.read(1) == b"h"
        f.seek(2, os.SEEK_CUR)
        assert f.read(2) == "héllo".encode()[3:5]
    with store.open(path, "ab") as f:
        f.write(b"bytes\n")
    with store.open(path, "wb") as f:
        f.write(b"replaced")
    assert Path(path).read_bytes() == b"replaced"


def test_64_mib_round_trip(store: ArtifactStoreProxy) -> None:
    data = os.urandom(64 << 20)
    path = os.path.join(store.path, "big.bin")
    with store.open(path, "wb") as f:
        f.write(data[: 10 << 20])
        f.write(data[10 << 20 :])
    assert Path(path).read_bytes() == data
    with store.open(path, "rb") as f:
        assert f.read() == data
    with store.open(path, "rb") as f:
        f.seek(50 << 20)
        assert f.read(1 << 20) == data[50 << 20 : 51 << 20]
        chunks = []
        while chunk := f.read(3 << 20):
            chunks.append(chunk)
        assert b"".join(chunks) == data[51 << 20 :]


def test_a_file_being_written_is_invisible_until_closed(store: ArtifactStoreProxy) -> None:
    path = os.path.join(store.path, "model.bin")
    handle = store.open(path, "wb")
    handle.write(os.urandom(3 << 20))
    handle.flush()
    assert not store.exists(path)
    assert store.listdir(store.path) == []
    handle.close()
    assert store.size(path) == 3 << 20


@pytest.mark.parametrize("mode", ["wb", "w", "a"])
def test_an_exception_inside_with_discards_the_write(store: ArtifactStoreProxy, mode: str) -> None:
    path = os.path.join(store.path, "half.txt")
    store.makedirs(store.path)
    if mode == "a":
        Path(path).write_text("kept\n")
    data = b"partial" if "b" in mode else "partial"
    with pytest.raises(RuntimeError), store.open(path, mode) as f:
        f.write(data)
        f.flush()
        raise RuntimeError("the step failed")
    if mode == "a":
        assert Path(path).read_text() == "kept\n"
    else:
        assert not store.exists(path)
    # The sidecar drops its temporary file when it sees the cancellation, just after.
    deadline = time.monotonic() + 30
    while [n for n in os.listdir(store.path) if n != "half.txt"] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert [n for n in os.listdir(store.path) if n != "half.txt"] == []


def test_empty_files_and_reads_past_the_end(store: ArtifactStoreProxy) -> None:
    path = os.path.join(store.path, "empty")
    with store.open(path, "wb"):
        pass
    assert store.size(path) == 0
    with store.open(path, "rb") as f:
        assert f.read() == b""
        f.seek(10)
        assert f.read() == b"" and f.tell() == 10


def test_a_seek_after_the_file_was_replaced_never_mixes_bytes(
    store: ArtifactStoreProxy, access: str
) -> None:
    """A streamed read that seeks after the file was replaced fails; a handed-over descriptor
    keeps reading the version it opened."""
    with store.open("versions.bin", "wb") as f:
        f.write(b"a" * (8 << 20))
    with store.open("versions.bin", "rb") as f:
        assert f.read(10) == b"a" * 10
        with store.open("versions.bin", "wb") as replacement:
            replacement.write(b"b" * (8 << 20))
        f.seek(6 << 20)
        if access == "local/handed_over":
            assert f.read() == b"a" * (2 << 20)
            return
        with pytest.raises(FileChangedError, match="replaced while it was open"):
            f.read()
