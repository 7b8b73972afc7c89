"""A write that becomes visible only when committed, whatever the flavor's files can do.

Flavors with `ATOMIC_WRITES` write the target directly (their files appear when closed and can be
discarded). For the others the sidecar writes a hidden sibling and renames it over the target on
commit, so an abandoned or failed write never truncates or half-writes an existing file.
"""

from __future__ import annotations

import errno
import logging
import posixpath
import uuid
from typing import Any

from flavorhost.artifact_stores.base_artifact_store import BaseArtifactStore

logger = logging.getLogger(__name__)

TEMP_PREFIX = ".~flavorhost-"


class PendingWrite:
    """An open write to `path` in `store`: `write`, then `commit` or `discard`."""

    def __init__(self, store: BaseArtifactStore, path: str, append: bool) -> None:
        self._store = store
        self.path = path
        mode = "ab" if append else "wb"
        if type(store).ATOMIC_WRITES:
            self._temp = None
            self._handle = store.open(path, mode)
            return
        parent, name = posixpath.split(path)
        if store.isdir(path):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", path)
        self._temp = posixpath.join(parent, f"{TEMP_PREFIX}{uuid.uuid4().hex[:8]}-{name}")
        try:
            if append and store.exists(path):
                store.copyfile(path, self._temp, overwrite=True)
            self._handle = store.open(self._temp, mode)
        except FileNotFoundError as error:
            # Name the file the caller asked for, not the temporary one.
            raise FileNotFoundError(
                errno.ENOENT, "No such directory to write into", path
            ) from error

    @property
    def handle(self) -> Any:
        """The flavor's open file being written (the temporary one, if any)."""
        return self._handle

    def write(self, data: bytes) -> None:
        """Writes the next bytes."""
        self._handle.write(data)

    def commit(self) -> None:
        """Makes the file visible under its name."""
        self._handle.close()
        if self._temp is not None:
            self._store.rename(self._temp, self.path, overwrite=True)

    def discard(self) -> None:
        """Abandons the write: the target is as it was."""
        discard = getattr(self._handle, "discard", None)
        if self._temp is None and callable(discard):
            discard()
            return
        self._handle.close()
        if self._temp is not None:
            try:
                self._store.remove(self._temp)
            except OSError:
                logger.warning("could not remove the abandoned temporary file %s", self._temp)
