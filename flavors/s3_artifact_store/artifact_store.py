"""The `s3` implementation over s3fs.

s3fs speaks paths without the `s3://` scheme; this class adds it back to every path it returns
so callers get the form they gave. Writes go through s3fs files, whose `discard()` abandons an
unfinished upload, so a cancelled write never appears under its key.
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterable
from typing import Any

import s3fs

from flavorhost.artifact_stores import BaseArtifactStore
from flavorhost.flavors.s3_artifact_store.flavor import S3ArtifactStoreConfig

SCHEME = "s3://"


def _with_scheme(path: str) -> str:
    return path if path.startswith(SCHEME) else SCHEME + path


class S3ArtifactStore(BaseArtifactStore):
    """Objects in S3 under the configured path."""

    # An object appears only when its upload completes; s3fs files can discard() an upload.
    ATOMIC_WRITES = True
    _filesystem: s3fs.S3FileSystem | None = None

    @property
    def config(self) -> S3ArtifactStoreConfig:
        """The store's config."""
        config = self._config
        assert isinstance(config, S3ArtifactStoreConfig)
        return config

    @property
    def filesystem(self) -> s3fs.S3FileSystem:
        """The s3fs filesystem, created on first use."""
        if self._filesystem is None:
            self._filesystem = s3fs.S3FileSystem(
                key=self.config.key,
                secret=self.config.secret,
                token=self.config.token,
                client_kwargs=self.config.client_kwargs,
                config_kwargs=self.config.config_kwargs,
                s3_additional_kwargs=self.config.s3_additional_kwargs,
                skip_instance_cache=True,
            )
        return self._filesystem

    def open(self, path: str, mode: str = "r") -> Any:
        """Opens an object."""
        if mode.startswith("r"):
            self._require_file(path)
        return self.filesystem.open(path, mode)

    def _require_file(self, path: str) -> None:
        if self.filesystem.isdir(path):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", path)

    def listdir(self, path: str) -> list[str]:
        """Names under a prefix."""
        if not self.filesystem.isdir(path):
            if self.filesystem.exists(path):
                raise NotADirectoryError(errno.ENOTDIR, "Not a directory", path)
            raise FileNotFoundError(errno.ENOENT, "No such bucket or prefix", path)
        entries = self.filesystem.ls(path, detail=False, refresh=True)
        return sorted(entry.rstrip("/").rsplit("/", 1)[-1] for entry in entries)

    def stat(self, path: str) -> dict[str, Any]:
        """s3fs's info dict (size, type, LastModified)."""
        info: dict[str, Any] = self.filesystem.info(path)
        return info

    def mkdir(self, path: str) -> None:
        """Creates a bucket, or (S3 having no directories) checks that a prefix is free."""
        if self.filesystem.exists(path):
            raise FileExistsError(errno.EEXIST, "File exists", path)
        self.filesystem.mkdir(path, create_parents=False)

    def makedirs(self, path: str) -> None:
        """Creates the bucket if needed; prefixes need no creating."""
        self.filesystem.makedirs(path, exist_ok=True)

    def remove(self, path: str) -> None:
        """Removes an object."""
        self._require_file(path)
        if not self.filesystem.exists(path):
            raise FileNotFoundError(errno.ENOENT, "No such object", path)
        self.filesystem.rm_file(path)

    def rmtree(self, path: str) -> None:
        """Removes every object under a prefix."""
        if not self.filesystem.isdir(path):
            if self.filesystem.exists(path):
                raise NotADirectoryError(errno.ENOTDIR, "Not a directory", path)
            raise FileNotFoundError(errno.ENOENT, "No such prefix", path)
        self.filesystem.rm(path, recursive=True)

    def exists(self, path: str) -> bool:
        """Whether an object, prefix or bucket exists."""
        return bool(self.filesystem.exists(path))

    def isdir(self, path: str) -> bool:
        """Whether a path is a bucket or a prefix."""
        return bool(self.filesystem.isdir(path))

    def size(self, path: str) -> int:
        """An object's size."""
        self._require_file(path)
        return int(self.filesystem.size(path))

    def copyfile(self, src: str, dst: str, overwrite: bool = False) -> None:
        """Copies an object server-side."""
        if not overwrite and self.filesystem.exists(dst):
            raise FileExistsError(errno.EEXIST, "Destination exists; pass overwrite=True", dst)
        self._require_file(src)
        self.filesystem.copy(src, dst)

    def rename(self, src: str, dst: str, overwrite: bool = False) -> None:
        """Moves an object (copy, then delete)."""
        if not overwrite and self.filesystem.exists(dst):
            raise FileExistsError(errno.EEXIST, "Destination exists; pass overwrite=True", dst)
        if not self.filesystem.exists(src):
            raise FileNotFoundError(errno.ENOENT, "No such object", src)
        self.filesystem.mv(src, dst, recursive=True)

    def glob(self, pattern: str) -> list[str]:
        """Keys matching a pattern, with the scheme."""
        return sorted(_with_scheme(p) for p in self.filesystem.glob(pattern))

    def walk(
        self,
        top: str,
        topdown: bool = True,
        onerror: Callable[[OSError], Any] | None = None,
    ) -> Iterable[tuple[str, list[str], list[str]]]:
        """s3fs's walk, with the scheme on every directory."""
        if not self.filesystem.isdir(top):
            if onerror is not None:
                onerror(FileNotFoundError(errno.ENOENT, "No such prefix", top))
            return
        for dirpath, dirnames, filenames in self.filesystem.walk(top, topdown=topdown):
            yield _with_scheme(dirpath), list(dirnames), list(filenames)
