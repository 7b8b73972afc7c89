"""`ArtifactStoreProxy`: the BaseArtifactStore interface, served by a sidecar through the host."""

from __future__ import annotations

import os
import stat as stat_module
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import grpc

from flavorhost.enums import StackComponentType
from flavorhost.errors import REASONS
from flavorhost.generated.v1 import artifact_store_pb2 as pb
from flavorhost.generated.v1 import artifact_store_pb2_grpc, common_pb2
from flavorhost.models import ComponentModel
from flavorhost.proxies.component_link import SidecarChannels
from flavorhost.proxies.component_proxy import ComponentProxy
from flavorhost.proxies.handed_over_files import (
    FILE_HANDOVER_ENV,
    FilesNotHandedOver,
    open_handed_over,
)
from flavorhost.proxies.remote_files import MODES, open_remote

PathLike = str | os.PathLike[str]


def _stat_result(message: pb.FileStat) -> os.stat_result:
    mode = message.mode or (stat_module.S_IFDIR if message.is_dir else stat_module.S_IFREG)
    times = (message.atime, message.mtime, message.ctime)
    return os.stat_result(
        (mode, 0, 0, 0, 0, 0, message.size, *(int(t) for t in times)),
        {"st_atime": times[0], "st_mtime": times[1], "st_ctime": times[2]},
    )


class ArtifactStoreProxy(ComponentProxy):
    """An artifact store component, as pipeline code uses it, served by its sidecar."""

    TYPE = StackComponentType.ARTIFACT_STORE
    PROTO = pb.DESCRIPTOR
    SERVICE = "ArtifactStore"
    STUB = artifact_store_pb2_grpc.ArtifactStoreStub

    def __init__(
        self,
        component: ComponentModel,
        channel: grpc.Channel,
        sidecar_channels: SidecarChannels | None = None,
    ) -> None:
        super().__init__(component, channel, sidecar_channels)
        # Until the sidecar says otherwise: files are handed over when the link offers it.
        self._hands_over = os.environ.get(FILE_HANDOVER_ENV, "1") != "0"

    @property
    def path(self) -> str:
        """The root of the artifact store."""
        return str(self._component.config["path"])

    # --- the BaseArtifactStore interface ----------------------------------------------------

    def open(self, path: PathLike, mode: str = "r") -> Any:
        """Opens a file; modes r, rb, w, wb, a, ab. Returns a real file object."""
        if self._hands_over and mode in MODES:
            try:
                return open_handed_over(self._link, os.fspath(path), mode)
            except FilesNotHandedOver as refusal:
                if refusal.lasting:
                    self._hands_over = False  # this flavor streams its files
        return open_remote(
            lambda request: self._link.stream("Read", lambda: request),
            lambda requests: self._link.stream("Write", requests),
            os.fspath(path),
            mode,
        )

    def copyfile(self, src: PathLike, dst: PathLike, overwrite: bool = False) -> None:
        """Copies a file; FileExistsError if `dst` exists and `overwrite` is false."""
        request = pb.CopyFileRequest(src=os.fspath(src), dst=os.fspath(dst), overwrite=overwrite)
        self._call("CopyFile", request)

    def exists(self, path: PathLike) -> bool:
        """Whether a path exists."""
        return bool(self._call("Exists", pb.ExistsRequest(path=os.fspath(path))).exists)

    def glob(self, pattern: PathLike) -> list[str]:
        """Paths that match a glob pattern."""
        return list(self._call("Glob", pb.GlobRequest(pattern=os.fspath(pattern))).paths)

    def isdir(self, path: PathLike) -> bool:
        """Whether a path is a directory."""
        return bool(self._call("IsDir", pb.IsDirRequest(path=os.fspath(path))).is_dir)

    def listdir(self, path: PathLike) -> list[str]:
        """Entry names of a directory."""
        return list(self._call("ListDir", pb.ListDirRequest(path=os.fspath(path))).names)

    def makedirs(self, path: PathLike) -> None:
        """Creates a directory and its parents; an existing directory is fine."""
        self._call("MakeDirs", pb.MakeDirsRequest(path=os.fspath(path)))

    def mkdir(self, path: PathLike) -> None:
        """Creates one directory."""
        self._call("MkDir", pb.MkDirRequest(path=os.fspath(path)))

    def remove(self, path: PathLike) -> None:
        """Removes a file."""
        self._call("Remove", pb.RemoveRequest(path=os.fspath(path)))

    def rename(self, src: PathLike, dst: PathLike, overwrite: bool = False) -> None:
        """Renames a file or directory; FileExistsError if `dst` exists and not `overwrite`."""
        request = pb.RenameRequest(src=os.fspath(src), dst=os.fspath(dst), overwrite=overwrite)
        self._call("Rename", request)

    def rmtree(self, path: PathLike) -> None:
        """Removes a directory and everything below it."""
        self._call("RmTree", pb.RmTreeRequest(path=os.fspath(path)))

    def stat(self, path: PathLike) -> os.stat_result:
        """Facts about a path, as an os.stat_result (fields a flavor cannot tell are 0)."""
        response = self._call("Stat", pb.StatRequest(path=os.fspath(path)))
        return _stat_result(response.stat)

    def size(self, path: PathLike) -> int:
        """The size of a file in bytes."""
        return int(self._call("Size", pb.SizeRequest(path=os.fspath(path))).size)

    def walk(
        self,
        top: PathLike,
        topdown: bool = True,
        onerror: Callable[[OSError], Any] | None = None,
    ) -> Iterable[tuple[str, list[str], list[str]]]:
        """Walks a tree like os.walk; errors go to `onerror` (ignored without one)."""
        return self._walk(os.fspath(top), topdown, onerror)

    def _walk(
        self, top: str, topdown: bool, onerror: Callable[[OSError], Any] | None
    ) -> Iterator[tuple[str, list[str], list[str]]]:
        request = pb.WalkRequest(top=top, topdown=topdown)
        call = self._link.stream("Walk", lambda: request)
        try:
            for entry in call:
                if entry.HasField("error"):
                    if onerror is not None:
                        onerror(self._walk_error(entry.error))
                    continue
                yield entry.dirpath, list(entry.dirnames), list(entry.filenames)
        finally:
            call.cancel()

    @staticmethod
    def _walk_error(error: pb.WalkError) -> OSError:
        reason = common_pb2.ErrorReason.Name(error.reason)
        metadata = {"errno": str(error.errno)}
        if error.path:
            metadata["path"] = error.path
        built = REASONS[reason].build(error.message, metadata) if reason in REASONS else None
        return built if isinstance(built, OSError) else OSError(error.errno, error.message)
