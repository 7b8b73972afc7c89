"""The local flavor's own rules: paths stay inside the root, writes appear only when closed."""

import os
import uuid
from pathlib import Path

import pytest

from flavorhost.enums import StackComponentType
from flavorhost.flavors.local_artifact_store.artifact_store import TEMP_PREFIX, LocalArtifactStore
from flavorhost.flavors.local_artifact_store.flavor import LocalArtifactStoreConfig


@pytest.fixture
def store(tmp_path: Path) -> LocalArtifactStore:
    config = LocalArtifactStoreConfig(path=str(tmp_path / "root"))
    return LocalArtifactStore(
        name="s",
        id=uuid.uuid4(),
        config=config,
        flavor="local",
        type=StackComponentType.ARTIFACT_STORE,
    )


@pytest.mark.parametrize("path", ["../outside.txt", "/etc/passwd", "a/../../outside.txt"])
def test_paths_that_escape_the_root_are_refused(store: LocalArtifactStore, path: str) -> None:
    with pytest.raises(PermissionError, match="outside the artifact store root"):
        store.open(path, "rb")
    with pytest.raises(PermissionError):
        store.exists(path)


def test_symlinks_out_of_the_root_are_refused(store: LocalArtifactStore, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("x")
    os.symlink(tmp_path / "secret.txt", Path(store.path) / "link.txt")
    os.symlink(tmp_path, Path(store.path) / "linkdir")
    with pytest.raises(PermissionError):
        store.open("link.txt", "rb")
    with pytest.raises(PermissionError):
        store.listdir("linkdir")


def test_a_file_is_invisible_until_closed(store: LocalArtifactStore) -> None:
    target = os.path.join(store.path, "model.bin")
    handle = store.open(target, "wb")
    handle.write(b"partial")
    assert not os.path.exists(target)
    assert store.listdir(store.path) == []
    handle.close()
    assert Path(target).read_bytes() == b"partial"


def test_a_discarded_write_leaves_nothing(store: LocalArtifactStore) -> None:
    target = os.path.join(store.path, "model.bin")
    handle = store.open(target, "wb")
    handle.write(b"partial")
    handle.discard()
    assert os.listdir(store.path) == []


def test_append_keeps_the_old_content_visible_until_closed(store: LocalArtifactStore) -> None:
    target = os.path.join(store.path, "log.txt")
    Path(target).write_text("one\n")
    handle = store.open(target, "a")
    handle.write("two\n")
    assert Path(target).read_text() == "one\n"
    handle.close()
    assert Path(target).read_text() == "one\ntwo\n"
    assert not any(n.startswith(TEMP_PREFIX) for n in os.listdir(store.path))


def test_written_files_get_the_usual_permissions(store: LocalArtifactStore) -> None:
    target = os.path.join(store.path, "model.bin")
    with store.open(target, "wb") as handle:
        handle.write(b"x")
    mask = os.umask(0)
    os.umask(mask)
    assert os.stat(target).st_mode & 0o777 == 0o666 & ~mask
