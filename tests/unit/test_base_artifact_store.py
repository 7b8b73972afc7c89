"""The fsspec-shaped base class: a flavor with only the six primitives gets the whole interface."""

import errno
import io
import uuid
from typing import Any, ClassVar, Set

import pytest

from flavorhost.artifact_stores import (
    BaseArtifactStore,
    BaseArtifactStoreConfig,
    BaseArtifactStoreFlavor,
    FileInfo,
)
from flavorhost.enums import StackComponentType


class MemoryConfig(BaseArtifactStoreConfig):
    SUPPORTED_SCHEMES: ClassVar[Set[str]] = {"mem://"}


class _Writer(io.BytesIO):
    def __init__(self, files: dict[str, bytes], path: str, initial: bytes) -> None:
        super().__init__()
        self.write(initial)
        self._files, self._path = files, path

    def close(self) -> None:
        if not self.closed:
            self._files[self._path] = self.getvalue()
        super().close()


class MemoryStore(BaseArtifactStore):
    """Implements only the primitives, over dicts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.files: dict[str, bytes] = {}
        self.dirs: set[str] = {"mem://root"}

    def open(self, path: str, mode: str = "r") -> Any:
        if mode.startswith("r"):
            if path not in self.files:
                raise FileNotFoundError(errno.ENOENT, "missing", path)
            data = io.BytesIO(self.files[path])
            return data if "b" in mode else io.TextIOWrapper(data)
        initial = self.files.get(path, b"") if mode.startswith("a") else b""
        return _Writer(self.files, path, initial)

    def listdir(self, path: str) -> list[str]:
        if path not in self.dirs:
            raise FileNotFoundError(errno.ENOENT, "missing", path)
        prefix = path.rstrip("/") + "/"
        entries = [*self.files, *self.dirs]
        return sorted({p[len(prefix) :].split("/")[0] for p in entries if p.startswith(prefix)})

    def stat(self, path: str) -> Any:
        if path in self.dirs:
            return {"size": 0, "type": "directory"}
        if path in self.files:
            return {"size": len(self.files[path]), "type": "file"}
        raise FileNotFoundError(errno.ENOENT, "missing", path)

    def mkdir(self, path: str) -> None:
        if path in self.dirs:
            raise FileExistsError(errno.EEXIST, "exists", path)
        self.dirs.add(path)

    def remove(self, path: str) -> None:
        del self.files[path]

    def rmtree(self, path: str) -> None:
        self.dirs = {d for d in self.dirs if d != path and not d.startswith(path + "/")}
        self.files = {f: v for f, v in self.files.items() if not f.startswith(path + "/")}


@pytest.fixture
def store() -> MemoryStore:
    config = MemoryConfig(path="mem://root")
    return MemoryStore(
        name="m",
        id=uuid.uuid4(),
        config=config,
        flavor="memory",
        type=StackComponentType.ARTIFACT_STORE,
    )


def test_derived_methods_work_from_the_primitives(store: MemoryStore) -> None:
    store.makedirs("mem://root/a/b")
    assert store.isdir("mem://root/a") and store.isdir("mem://root/a/b")
    with store.open("mem://root/a/b/x.txt", "wb") as f:
        f.write(b"hello")
    assert store.exists("mem://root/a/b/x.txt")
    assert store.size("mem://root/a/b/x.txt") == 5
    store.copyfile("mem://root/a/b/x.txt", "mem://root/a/y.txt")
    with pytest.raises(FileExistsError):
        store.copyfile("mem://root/a/b/x.txt", "mem://root/a/y.txt")
    store.rename("mem://root/a/y.txt", "mem://root/z.txt")
    assert not store.exists("mem://root/a/y.txt")
    assert store.glob("mem://root/a/b/*.txt") == ["mem://root/a/b/x.txt"]
    assert store.glob("mem://root/*.txt") == ["mem://root/z.txt"]
    walked = list(store.walk("mem://root"))
    assert walked[0] == ("mem://root", ["a"], ["z.txt"])
    assert ("mem://root/a/b", [], ["x.txt"]) in walked


def test_walk_reports_errors_to_onerror(store: MemoryStore) -> None:
    seen: list[OSError] = []
    assert list(store.walk("mem://root/missing", onerror=seen.append)) == []
    assert isinstance(seen[0], FileNotFoundError)


def test_file_info_normalizes_every_stat_shape() -> None:
    import os

    assert FileInfo.from_stat({"size": 3, "type": "file"}).size == 3
    assert FileInfo.from_stat(os.stat("/")).is_dir
    with pytest.raises(TypeError, match=r"os\.stat_result"):
        FileInfo.from_stat(42)


def test_a_flavor_needs_only_name_and_implementation() -> None:
    class MemoryFlavor(BaseArtifactStoreFlavor):
        @property
        def name(self) -> str:
            return "memory"

        @property
        def config_class(self) -> type[MemoryConfig]:
            return MemoryConfig

        @property
        def implementation_class(self) -> type[MemoryStore]:
            return MemoryStore

    flavor = MemoryFlavor()
    assert flavor.type == StackComponentType.ARTIFACT_STORE
    assert "path" in flavor.config_schema["properties"]
