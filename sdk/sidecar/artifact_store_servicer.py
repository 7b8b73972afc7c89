"""Serves a BaseArtifactStore implementation as the flavorhost.v1.ArtifactStore gRPC service.

The adapter keeps `_pb2` types away from flavor authors: it calls the implementation's plain
Python methods and maps exceptions through `flavorhost.errors`.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Iterator
from typing import Any

import grpc

from flavorhost import errors
from flavorhost.artifact_stores.base_artifact_store import BaseArtifactStore, FileInfo
from flavorhost.generated.v1 import artifact_store_pb2 as pb
from flavorhost.generated.v1 import artifact_store_pb2_grpc
from flavorhost.protocol import CHUNK_SIZE, MAX_MESSAGE_BYTES
from flavorhost.sidecar.components import ComponentTable
from flavorhost.sidecar.pending_write import PendingWrite
from flavorhost.strict_services import add_servicer

logger = logging.getLogger(__name__)

SERVICE_NAME = "flavorhost.v1.ArtifactStore"


def size_and_version(handle: Any) -> tuple[int, str]:
    """An open file's size (-1 if unknown) and a token that changes when its contents are
    replaced ('' if unknown): from fstat for OS files, from fsspec's details (ETag) otherwise."""
    try:
        info = os.fstat(handle.fileno())
    except (AttributeError, OSError, ValueError):
        size = getattr(handle, "size", None)
        details = getattr(handle, "details", None)
        etag = details.get("ETag") or details.get("etag") if isinstance(details, dict) else None
        return (int(size) if isinstance(size, int) else -1), str(etag or "")
    return info.st_size, f"{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}"


def _walk_error(error: OSError) -> pb.WalkError:
    encoded = errors.encode(error)
    return pb.WalkError(
        reason=encoded.reason,
        message=encoded.message,
        path=encoded.metadata.get("path", ""),
        errno=int(encoded.metadata.get("errno", "0")),
    )


class ArtifactStoreServicer(artifact_store_pb2_grpc.ArtifactStoreServicer):
    """One servicer for every artifact store component of the sidecar's flavor."""

    def __init__(self, table: ComponentTable) -> None:
        self._table = table

    def _store(self, context: grpc.ServicerContext) -> BaseArtifactStore:
        store: BaseArtifactStore = self._table.for_call(context)
        return store

    def Read(self, request: pb.ReadRequest, context: grpc.ServicerContext) -> Iterator[Any]:
        try:
            handle = self._store(context).open(request.path, "rb")
        except grpc.RpcError:
            raise
        except Exception as error:
            errors.abort(context, error)
        with handle:
            try:
                size, version = size_and_version(handle)
                if request.if_version and version and version != request.if_version:
                    raise errors.FileChangedError(
                        errno.ESTALE,
                        "the file was replaced while it was open for reading; read it again "
                        "from the start",
                        request.path,
                    )
                if request.offset:
                    handle.seek(request.offset)
                yield pb.ReadResponse(opened=pb.ReadOpened(size=size, version=version))
                chunk = min(request.chunk_size or CHUNK_SIZE, MAX_MESSAGE_BYTES // 2)
                remaining = request.length if request.length > 0 else None
                while remaining is None or remaining > 0:
                    data = handle.read(chunk if remaining is None else min(chunk, remaining))
                    if not data:
                        break
                    if remaining is not None:
                        remaining -= len(data)
                    yield pb.ReadResponse(data=data)
            except Exception as error:
                if context.is_active():
                    errors.abort(context, error)
                raise

    def Write(
        self, request_iterator: Iterator[pb.WriteRequest], context: grpc.ServicerContext
    ) -> Iterator[pb.WriteResponse]:
        first = next(request_iterator, None)
        if first is None or first.WhichOneof("kind") != "open":
            errors.abort(context, ValueError("a write stream must start with an `open` message"))
        try:
            pending = PendingWrite(self._store(context), first.open.path, first.open.append)
        except grpc.RpcError:
            raise
        except Exception as error:
            errors.abort(context, error)
        committed = False
        try:
            yield pb.WriteResponse(opened=pb.WriteOpened())
            written = 0
            for message in request_iterator:
                kind = message.WhichOneof("kind")
                if kind == "data":
                    pending.write(message.data)
                    written += len(message.data)
                elif kind == "finish":
                    pending.commit()
                    committed = True
                    yield pb.WriteResponse(committed=pb.WriteCommitted(bytes_written=written))
                    return
                else:
                    raise ValueError(f"unexpected {kind!r} message in an open write stream")
            raise ValueError("the write stream ended without `finish`; the file was discarded")
        except Exception as error:
            if context.is_active():
                errors.abort(context, error)
            raise
        finally:
            if not committed:
                logger.info("discarding unfinished write of %s", first.open.path)
                pending.discard()

    @errors.servicer_errors
    def CopyFile(self, request: pb.CopyFileRequest, context: Any) -> pb.CopyFileResponse:
        self._store(context).copyfile(request.src, request.dst, overwrite=request.overwrite)
        return pb.CopyFileResponse()

    @errors.servicer_errors
    def Exists(self, request: pb.ExistsRequest, context: Any) -> pb.ExistsResponse:
        return pb.ExistsResponse(exists=bool(self._store(context).exists(request.path)))

    @errors.servicer_errors
    def Glob(self, request: pb.GlobRequest, context: Any) -> pb.GlobResponse:
        paths = self._store(context).glob(request.pattern)
        return pb.GlobResponse(paths=[str(p) for p in paths])

    @errors.servicer_errors
    def IsDir(self, request: pb.IsDirRequest, context: Any) -> pb.IsDirResponse:
        return pb.IsDirResponse(is_dir=bool(self._store(context).isdir(request.path)))

    @errors.servicer_errors
    def ListDir(self, request: pb.ListDirRequest, context: Any) -> pb.ListDirResponse:
        names = self._store(context).listdir(request.path)
        return pb.ListDirResponse(names=[str(n) for n in names])

    @errors.servicer_errors
    def MakeDirs(self, request: pb.MakeDirsRequest, context: Any) -> pb.MakeDirsResponse:
        self._store(context).makedirs(request.path)
        return pb.MakeDirsResponse()

    @errors.servicer_errors
    def MkDir(self, request: pb.MkDirRequest, context: Any) -> pb.MkDirResponse:
        self._store(context).mkdir(request.path)
        return pb.MkDirResponse()

    @errors.servicer_errors
    def Remove(self, request: pb.RemoveRequest, context: Any) -> pb.RemoveResponse:
        self._store(context).remove(request.path)
        return pb.RemoveResponse()

    @errors.servicer_errors
    def Rename(self, request: pb.RenameRequest, context: Any) -> pb.RenameResponse:
        self._store(context).rename(request.src, request.dst, overwrite=request.overwrite)
        return pb.RenameResponse()

    @errors.servicer_errors
    def RmTree(self, request: pb.RmTreeRequest, context: Any) -> pb.RmTreeResponse:
        self._store(context).rmtree(request.path)
        return pb.RmTreeResponse()

    @errors.servicer_errors
    def Stat(self, request: pb.StatRequest, context: Any) -> pb.StatResponse:
        info = FileInfo.from_stat(self._store(context).stat(request.path))
        return pb.StatResponse(
            stat=pb.FileStat(
                size=info.size,
                is_dir=info.is_dir,
                mode=info.mode,
                mtime=info.mtime,
                atime=info.atime,
                ctime=info.ctime,
            )
        )

    @errors.servicer_errors
    def Size(self, request: pb.SizeRequest, context: Any) -> pb.SizeResponse:
        return pb.SizeResponse(size=int(self._store(context).size(request.path)))

    def Walk(self, request: pb.WalkRequest, context: grpc.ServicerContext) -> Iterator[Any]:
        failures: list[OSError] = []
        try:
            walk = self._store(context).walk(request.top, request.topdown, failures.append)
            for dirpath, dirnames, filenames in walk:
                while failures:
                    yield pb.WalkEntry(error=_walk_error(failures.pop(0)))
                yield pb.WalkEntry(
                    dirpath=str(dirpath),
                    dirnames=[str(d) for d in dirnames],
                    filenames=[str(f) for f in filenames],
                )
        except grpc.RpcError:
            raise
        except Exception as error:
            if context.is_active():
                errors.abort(context, error)
            raise
        for failure in failures:
            yield pb.WalkEntry(error=_walk_error(failure))


def register(server: grpc.Server, table: ComponentTable) -> str:
    """Adds the service to a sidecar's server; returns its full name."""
    add_servicer(
        server, ArtifactStoreServicer(table), pb.DESCRIPTOR.services_by_name["ArtifactStore"]
    )
    return SERVICE_NAME
