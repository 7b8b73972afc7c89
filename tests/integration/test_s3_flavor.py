"""The built-in `s3` flavor against a real S3 endpoint (moto's server on 127.0.0.1).

s3fs is installed only in the flavor's managed environment: the host's interpreter (this one)
cannot import it, yet every call works through the proxy.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from flavorhost import Client
from flavorhost.enums import StackComponentType
from flavorhost.proxies.artifact_store import ArtifactStoreProxy
from tests.conftest import s3_config, stop_host

ARTIFACT_STORE = StackComponentType.ARTIFACT_STORE
BUCKET = "s3://flavorhost-test"


@pytest.fixture(scope="module")
def s3_home() -> Iterator[Path]:
    """One home for the module, so the s3 environment is built once."""
    home = Path(tempfile.mkdtemp(prefix="fh-", dir="/tmp"))
    yield home
    stop_host(home)
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def s3(s3_home: Path, s3_endpoint: str) -> Iterator[ArtifactStoreProxy]:
    with Client(s3_home) as client:
        client.register_component(
            ARTIFACT_STORE, "s3store", "s3", config=s3_config(s3_endpoint, f"{BUCKET}/artifacts")
        )
        client.register_stack("s3stack", {ARTIFACT_STORE: "s3store"})
        client.activate_stack("s3stack")
        store = client.active_stack.artifact_store
        store.makedirs(BUCKET)
        yield store


def test_the_host_cannot_import_s3fs() -> None:
    assert importlib.util.find_spec("s3fs") is None
    result = subprocess.run(
        [sys.executable, "-c", "import s3fs"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0


def test_the_s3_environment_is_managed(s3: ArtifactStoreProxy, s3_home: Path) -> None:
    assert s3.exists(BUCKET)
    with Client(s3_home) as client:
        flavor = client.get_flavor(ARTIFACT_STORE, "s3")
        status = client.host_status()
    assert flavor.environment_state == "ready"
    assert flavor.environment_python.startswith(str(s3_home / "envs"))
    sidecar = next(s for s in status.sidecars if s.flavor == "s3")
    assert "s3store" in sidecar.components


def test_every_method_on_s3(s3: ArtifactStoreProxy) -> None:
    root = f"{BUCKET}/every"
    s3.makedirs(root)
    with s3.open(f"{root}/a/one.txt", "w") as f:
        f.write("one\ntwo\n")
    with s3.open(f"{root}/a/b/deep.bin", "wb") as f:
        f.write(b"\x00" * 1000)
    with s3.open(f"{root}/top.txt", "wb") as f:
        f.write(b"top")
    assert s3.exists(f"{root}/top.txt") and not s3.exists(f"{root}/nope")
    assert s3.isdir(f"{root}/a") and not s3.isdir(f"{root}/top.txt")
    assert s3.listdir(root) == ["a", "top.txt"]
    assert s3.listdir(f"{root}/a") == ["b", "one.txt"]
    assert s3.size(f"{root}/a/b/deep.bin") == 1000
    assert s3.stat(f"{root}/top.txt").st_size == 3
    assert s3.glob(f"{root}/a/*.txt") == [f"{root}/a/one.txt"]
    walked = {d: (sorted(ds), sorted(fs)) for d, ds, fs in s3.walk(root)}
    assert walked == {
        root: (["a"], ["top.txt"]),
        f"{root}/a": (["b"], ["one.txt"]),
        f"{root}/a/b": ([], ["deep.bin"]),
    }
    with s3.open(f"{root}/a/one.txt") as f:
        assert list(f) == ["one\n", "two\n"]
    with s3.open(f"{root}/a/one.txt", "rb") as f:
        f.seek(4)
        assert f.read() == b"two\n"
    s3.copyfile(f"{root}/top.txt", f"{root}/copy.txt")
    with pytest.raises(FileExistsError):
        s3.copyfile(f"{root}/top.txt", f"{root}/copy.txt")
    s3.rename(f"{root}/copy.txt", f"{root}/moved.txt")
    assert not s3.exists(f"{root}/copy.txt") and s3.exists(f"{root}/moved.txt")
    s3.remove(f"{root}/moved.txt")
    assert not s3.exists(f"{root}/moved.txt")
    s3.rmtree(f"{root}/a")
    assert not s3.exists(f"{root}/a/one.txt")


def test_errors_for_missing_keys_and_buckets(s3: ArtifactStoreProxy) -> None:
    with pytest.raises(FileNotFoundError):
        s3.open(f"{BUCKET}/missing/key.txt")
    with pytest.raises(FileNotFoundError):
        s3.size(f"{BUCKET}/missing/key.txt")
    with pytest.raises(FileNotFoundError):
        s3.remove(f"{BUCKET}/missing/key.txt")
    with pytest.raises(FileNotFoundError):
        s3.listdir("s3://no-such-bucket-here/x")
    with pytest.raises(FileNotFoundError):
        s3.open("s3://no-such-bucket-here/key.txt")
    assert not s3.exists("s3://no-such-bucket-here")


def test_64_mib_object_round_trip(s3: ArtifactStoreProxy) -> None:
    data = os.urandom(64 << 20)
    key = f"{BUCKET}/big/object.bin"
    with s3.open(key, "wb") as f:
        f.write(data)
    assert s3.size(key) == len(data)
    with s3.open(key, "rb") as f:
        assert f.read() == data
