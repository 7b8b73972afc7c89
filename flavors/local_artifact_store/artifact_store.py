"""The `local` artifact store: a directory, guarded against paths that escape it.

Writes go to a hidden temporary file beside the target and are renamed into place on close, so a
file being written never appears under its final name half-written.
"""

from __future__ import annotations

import errno
import glob as glob_module
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO

from flavorhost.artifact_stores import BaseArtifactStore
from flavorhost.flavors.local_artifact_store.flavor import LocalArtifactStoreConfig

TEMP_PREFIX = ".~flavorhost-"
_CREATE_MODE = 0o666


def _current_umask() -> int:
    """The process umask (reading it means setting it; it is set straight back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


MODES = {"r", "rb", "w", "wb", "a", "ab"}


class AtomicWriter(io.RawIOBase):
    """A binary file written under a temporary name and renamed into place by `close()`."""

    def __init__(self, target: str, append: bool) -> None:
        super().__init__()
        self.name = target
        fd, self._temp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=os.path.dirname(target))
        self._file: BinaryIO = os.fdopen(fd, "wb")
        if append and os.path.exists(target):
            with open(target, "rb") as existing:
                shutil.copyfileobj(existing, self._file, 1 << 20)

    def writable(self) -> bool:
        """Always writable until closed."""
        return True

    def write(self, data: Any) -> int:
        """Writes all of `data`."""
        return self._file.write(data)

    def flush(self) -> None:
        """Flushes the temporary file's buffer (IOBase.close() calls this after commit too)."""
        if not self._file.closed:
            self._file.flush()

    def fileno(self) -> int:
        """The temporary file's descriptor (writes through it are committed by `close()`)."""
        return self._file.fileno()

    def close(self) -> None:
        """Commits the file under its final name."""
        if self.closed:
            return
        self._file.close()
        # mkstemp makes 0600 files; give the file the mode a plain open() would have.
        os.chmod(self._temp, _CREATE_MODE & ~_current_umask())
        os.replace(self._temp, self.name)
        super().close()

    def discard(self) -> None:
        """Drops the file: nothing appears under its final name."""
        if self.closed:
            return
        self._file.close()
        os.unlink(self._temp)
        super().close()

    def __exit__(self, kind: Any, *rest: Any) -> None:
        if kind is None:
            self.close()
        else:
            self.discard()


def _visible(names: Iterable[str]) -> list[str]:
    return [name for name in names if not name.startswith(TEMP_PREFIX)]


class LocalArtifactStore(BaseArtifactStore):
    """Files under `config.path` on this machine."""

    ATOMIC_WRITES = True
    LOCAL_FILES = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        os.makedirs(self.config.path, exist_ok=True)
        self._root = os.path.realpath(self.config.path)

    @property
    def config(self) -> LocalArtifactStoreConfig:
        """The store's config."""
        config = self._config
        assert isinstance(config, LocalArtifactStoreConfig)
        return config

    def _resolve(self, path: str) -> str:
        """The path (relative ones from the root), or PermissionError if it escapes the root.

        The check follows symlinks, so a link that points out of the root is refused too.
        """
        joined = os.path.normpath(os.path.join(self.config.path, os.fspath(path)))
        if not self._inside(joined):
            raise PermissionError(
                errno.EACCES,
                f"path is outside the artifact store root {self.config.path}; "
                "use a path under the root",
                path,
            )
        return joined

    def open(self, path: str, mode: str = "r") -> Any:
        """Opens a file; writes are atomic (see module docstring)."""
        if mode not in MODES:
            raise ValueError(f"mode {mode!r} is not supported; use one of {sorted(MODES)}")
        real = self._resolve(path)
        if mode.startswith("r"):
            return open(real, mode)
        if os.path.isdir(real):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", path)
        if not os.path.isdir(os.path.dirname(real)):
            raise FileNotFoundError(errno.ENOENT, "No such directory to write into", path)
        writer = AtomicWriter(real, append=mode.startswith("a"))
        if "b" in mode:
            return writer
        return io.TextIOWrapper(io.BufferedWriter(writer), encoding="utf-8")

    def listdir(self, path: str) -> list[str]:
        """Entry names of a directory."""
        return sorted(_visible(os.listdir(self._resolve(path))))

    def stat(self, path: str) -> os.stat_result:
        """os.stat of the path."""
        return os.stat(self._resolve(path))

    def mkdir(self, path: str) -> None:
        """Creates one directory."""
        os.mkdir(self._resolve(path))

    def makedirs(self, path: str) -> None:
        """Creates a directory with its parents."""
        os.makedirs(self._resolve(path), exist_ok=True)

    def remove(self, path: str) -> None:
        """Removes a file."""
        os.remove(self._resolve(path))

    def rmtree(self, path: str) -> None:
        """Removes a directory tree."""
        real = self._resolve(path)
        if not os.path.isdir(real):
            if os.path.exists(real):
                raise NotADirectoryError(errno.ENOTDIR, "Not a directory", path)
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", path)
        shutil.rmtree(real)

    def exists(self, path: str) -> bool:
        """Whether the path exists."""
        return os.path.exists(self._resolve(path))

    def isdir(self, path: str) -> bool:
        """Whether the path is a directory."""
        return os.path.isdir(self._resolve(path))

    def copyfile(self, src: str, dst: str, overwrite: bool = False) -> None:
        """Copies a file atomically."""
        source, target = self._resolve(src), self._resolve(dst)
        if not overwrite and os.path.exists(target):
            raise FileExistsError(errno.EEXIST, "Destination exists; pass overwrite=True", dst)
        if os.path.isdir(source):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", src)
        with open(source, "rb") as reader, AtomicWriter(target, append=False) as writer:
            shutil.copyfileobj(reader, writer, 1 << 20)

    def rename(self, src: str, dst: str, overwrite: bool = False) -> None:
        """Renames a file or directory."""
        source, target = self._resolve(src), self._resolve(dst)
        if not os.path.exists(source):
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", src)
        if os.path.exists(target) and not overwrite:
            raise FileExistsError(errno.EEXIST, "Destination exists; pass overwrite=True", dst)
        os.replace(source, target)

    def walk(
        self,
        top: str,
        topdown: bool = True,
        onerror: Callable[[OSError], Any] | None = None,
    ) -> Iterable[tuple[str, list[str], list[str]]]:
        """os.walk inside the root, hiding unfinished writes."""
        for dirpath, dirnames, filenames in os.walk(self._resolve(top), topdown, onerror):
            yield dirpath, dirnames, _visible(filenames)

    def glob(self, pattern: str) -> list[str]:
        """Paths matching a pattern, inside the root."""
        full = os.path.join(self.config.path, pattern)
        return sorted(
            p
            for p in glob_module.glob(full)
            if not os.path.basename(p).startswith(TEMP_PREFIX) and self._inside(p)
        )

    def _inside(self, path: str) -> bool:
        real = os.path.realpath(path)
        return real == self._root or real.startswith(self._root + os.sep)
