"""The artifact store abstraction: a small set of primitives, the rest derived from them.

As in fsspec's `AbstractFileSystem`, a flavor implements `open`, `listdir`, `stat`, `mkdir`,
`remove` and `rmtree`; `exists`, `isdir`, `size`, `makedirs`, `copyfile`, `rename`, `walk` and
`glob` work from those, and a flavor overrides them only when its backend does better.
"""

from __future__ import annotations

import builtins
import fnmatch
import os
import posixpath
import re
import shutil
import stat as stat_module
from abc import abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import model_validator

from flavorhost.enums import StackComponentType
from flavorhost.stack.flavor import Flavor
from flavorhost.stack.stack_component import StackComponent, StackComponentConfig

PathType = str
WalkTuple = tuple[str, list[str], list[str]]
_GLOB_MAGIC = re.compile(r"[*?\[]")


class BaseArtifactStoreConfig(StackComponentConfig):
    """Config of every artifact store: a root `path` in one of the flavor's schemes."""

    path: str

    SUPPORTED_SCHEMES: ClassVar[set[str]]

    @model_validator(mode="after")
    def _check_path_scheme(self) -> BaseArtifactStoreConfig:
        schemes = getattr(type(self), "SUPPORTED_SCHEMES", None)
        if schemes is None:
            raise ValueError(
                f"{type(self).__name__} must define the class variable SUPPORTED_SCHEMES "
                "(for example {'s3://'})"
            )
        if not any(self.path.startswith(scheme) for scheme in schemes):
            shown = ", ".join(sorted(repr(s) for s in schemes))
            raise ValueError(
                f"path {self.path!r} has a scheme this flavor does not support; "
                f"use a path starting with one of: {shown}"
            )
        return self


@dataclass(frozen=True)
class FileInfo:
    """What the derived methods need to know about a path."""

    size: int
    is_dir: bool
    mode: int = 0
    mtime: float = 0.0
    atime: float = 0.0
    ctime: float = 0.0

    @classmethod
    def from_stat(cls, value: Any) -> FileInfo:
        """Normalizes what `stat()` gave: an os.stat_result, an fsspec info dict or a FileInfo."""
        if isinstance(value, FileInfo):
            return value
        if isinstance(value, os.stat_result):
            return cls(
                size=value.st_size,
                is_dir=stat_module.S_ISDIR(value.st_mode),
                mode=value.st_mode,
                mtime=value.st_mtime,
                atime=value.st_atime,
                ctime=value.st_ctime,
            )
        if isinstance(value, Mapping):
            mtime = value.get("mtime", value.get("LastModified", 0.0))
            if hasattr(mtime, "timestamp"):
                mtime = mtime.timestamp()
            return cls(
                size=int(value.get("size") or 0),
                is_dir=value.get("type") == "directory",
                mode=int(value.get("mode") or 0),
                mtime=float(mtime or 0.0),
            )
        raise TypeError(
            f"stat() returned {type(value).__name__}; return an os.stat_result, an fsspec-style "
            "info dict (with 'size' and 'type') or a flavorhost FileInfo"
        )


class BaseArtifactStore(StackComponent):
    """Base class of every artifact store implementation."""

    # True when a file opened for writing appears under its name only once closed, and has a
    # `discard()` that abandons it (local files written by rename, S3 multipart uploads). Other
    # flavors get that behaviour from the sidecar: it writes a temporary sibling and renames it.
    ATOMIC_WRITES: ClassVar[bool] = False
    # True if `open()` returns OS files of this machine's file system (objects with `fileno()`;
    # for writing, a file that `close()` commits). Clients on the same machine are then handed
    # the open descriptor and do the I/O themselves, at local speed, instead of streaming bytes
    # through gRPC; the flavor still opens every file, so its path rules hold.
    LOCAL_FILES: ClassVar[bool] = False

    @property
    def config(self) -> BaseArtifactStoreConfig:
        """The artifact store's config."""
        config = self._config
        assert isinstance(config, BaseArtifactStoreConfig)
        return config

    @property
    def path(self) -> str:
        """The root of the artifact store."""
        return self.config.path

    # --- primitives -------------------------------------------------------------------------

    @abstractmethod
    def open(self, path: PathType, mode: str = "r") -> Any:
        """Opens a file; modes r, rb, w, wb, a, ab."""

    @abstractmethod
    def listdir(self, path: PathType) -> list[PathType]:
        """The names of a directory's entries."""

    @abstractmethod
    def stat(self, path: PathType) -> Any:
        """Facts about a path: an os.stat_result, an fsspec info dict or a FileInfo."""

    @abstractmethod
    def mkdir(self, path: PathType) -> None:
        """Creates one directory."""

    @abstractmethod
    def remove(self, path: PathType) -> None:
        """Removes a file."""

    @abstractmethod
    def rmtree(self, path: PathType) -> None:
        """Removes a directory and everything below it."""

    # --- derived ----------------------------------------------------------------------------

    def exists(self, path: PathType) -> bool:
        """Whether a path exists."""
        try:
            self.stat(path)
        except FileNotFoundError:
            return False
        return True

    def isdir(self, path: PathType) -> bool:
        """Whether a path is a directory."""
        try:
            return FileInfo.from_stat(self.stat(path)).is_dir
        except FileNotFoundError:
            return False

    def size(self, path: PathType) -> int:
        """The size of a file in bytes."""
        return FileInfo.from_stat(self.stat(path)).size

    def makedirs(self, path: PathType) -> None:
        """Creates a directory and its missing parents; an existing directory is fine."""
        if self.isdir(path):
            return
        parent = posixpath.dirname(path.rstrip("/"))
        if parent and parent != path and not self.exists(parent):
            self.makedirs(parent)
        try:
            self.mkdir(path)
        except FileExistsError:
            if not self.isdir(path):
                raise

    def copyfile(self, src: PathType, dst: PathType, overwrite: bool = False) -> None:
        """Copies a file; FileExistsError if `dst` exists and `overwrite` is false."""
        if not overwrite and self.exists(dst):
            raise FileExistsError(17, "Destination exists; pass overwrite=True to replace it", dst)
        with self.open(src, "rb") as source, self.open(dst, "wb") as target:
            shutil.copyfileobj(source, target, 1 << 20)

    def rename(self, src: PathType, dst: PathType, overwrite: bool = False) -> None:
        """Renames a file; FileExistsError if `dst` exists and `overwrite` is false."""
        self.copyfile(src, dst, overwrite=overwrite)
        self.remove(src)

    def walk(
        self,
        top: PathType,
        topdown: bool = True,
        onerror: Callable[[OSError], Any] | None = None,
    ) -> Iterable[WalkTuple]:
        """Walks a tree like os.walk: (dirpath, dirnames, filenames) per directory."""
        return self._walk(top, topdown, onerror)

    def _walk(
        self, top: str, topdown: bool, onerror: Callable[[OSError], Any] | None
    ) -> Iterator[WalkTuple]:
        try:
            names = self.listdir(top)
        except OSError as error:
            if onerror is not None:
                onerror(error)
            return
        dirnames: list[str] = []
        filenames: list[str] = []
        for name in names:
            (dirnames if self.isdir(posixpath.join(top, name)) else filenames).append(name)
        if topdown:
            yield top, dirnames, filenames
        for name in dirnames:
            yield from self._walk(posixpath.join(top, name), topdown, onerror)
        if not topdown:
            yield top, dirnames, filenames

    def glob(self, pattern: PathType) -> list[PathType]:
        """The paths matching a glob pattern (*, ? and [...]; `*` stays within one level)."""
        magic = _GLOB_MAGIC.search(pattern)
        if magic is None:
            return [pattern] if self.exists(pattern) else []
        root = pattern[: magic.start()].rpartition("/")[0] or "/"
        depth = pattern.count("/")
        matches = []
        for dirpath, dirnames, filenames in self.walk(root):
            for name in dirnames + filenames:
                candidate = posixpath.join(dirpath, name)
                if candidate.count("/") == depth and fnmatch.fnmatchcase(candidate, pattern):
                    matches.append(candidate)
        return sorted(matches)


class BaseArtifactStoreFlavor(Flavor):
    """Base class of artifact store flavors: the type is fixed, the config defaults to the base."""

    @property
    def type(self) -> StackComponentType:
        """Artifact stores are of type ARTIFACT_STORE."""
        return StackComponentType.ARTIFACT_STORE

    @property
    def config_class(self) -> builtins.type[BaseArtifactStoreConfig]:
        """The config class; flavors narrow it."""
        return BaseArtifactStoreConfig

    @property
    @abstractmethod
    def implementation_class(self) -> builtins.type[BaseArtifactStore]:
        """The implementation class (imported in the sidecar only)."""
