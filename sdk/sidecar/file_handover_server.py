"""Hands clients on this machine open descriptors of an artifact store's local files.

For flavors that declare `LOCAL_FILES` (their `open()` returns files on this machine's file
system), a client granted the component may ask for a file's descriptor over a private unix socket
instead of streaming its bytes over gRPC; bulk bytes then never cross a process boundary. The
flavor still opens the file (its path rules apply), and writes still commit only on request, so
an abandoned write leaves nothing. The exchange is specified in artifact_store.proto
(FileHandoverRequest) and framed by flavorhost.file_handover.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import socket
import stat
import threading
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
from google.rpc import status_pb2

from flavorhost import errors, grants
from flavorhost.artifact_stores.base_artifact_store import BaseArtifactStore
from flavorhost.file_handover import FrameError, receive_frame, send_frame
from flavorhost.generated.v1 import artifact_store_pb2 as pb
from flavorhost.protocol import MAX_CONCURRENT_CALLS
from flavorhost.sidecar.artifact_store_servicer import size_and_version
from flavorhost.sidecar.components import ComponentTable
from flavorhost.sidecar.pending_write import PendingWrite

logger = logging.getLogger(__name__)


class FileHandoverServer:
    """Serves the file handover exchange on `path`, each connection on a worker thread."""

    def __init__(self, path: Path, table: ComponentTable, token: str) -> None:
        self.path = path
        self._table = table
        self._grants = grants.GrantChecker(token)
        self._slots = threading.BoundedSemaphore(MAX_CONCURRENT_CALLS)
        # Idle workers are reused: starting a thread per exchange cost more than the exchange.
        self._workers = futures.ThreadPoolExecutor(
            MAX_CONCURRENT_CALLS, thread_name_prefix="file-handover"
        )
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(str(path))
        os.chmod(path, 0o600)
        self._listener.listen(64)
        self._closed = False
        self._thread = threading.Thread(target=self._accept, name="file-handover", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stops accepting (exchanges under way finish on their own threads)."""
        self._closed = True
        self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._workers.shutdown(wait=False)
        self.path.unlink(missing_ok=True)

    def _accept(self) -> None:
        while not self._closed:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                if self._closed:
                    return
                logger.exception("the file handover socket failed")
                return
            if not self._slots.acquire(blocking=False):
                self._refuse(connection)
                continue
            self._workers.submit(self._serve, connection)

    def _refuse(self, connection: socket.socket) -> None:
        with connection:
            limit = errors.LimitExceededError(
                f"the sidecar already serves {MAX_CONCURRENT_CALLS} calls; retry when some end"
            )
            _send_error(connection, limit)

    def _serve(self, connection: socket.socket) -> None:
        try:
            with connection:
                request = pb.FileHandoverRequest.FromString(receive_frame(connection)[0])
                try:
                    store = self._store(request)
                    kind = request.WhichOneof("kind")
                    if kind == "read":
                        self._hand_over_read(connection, store, request.read)
                    elif kind == "write":
                        self._hand_over_write(connection, store, request.write)
                    else:
                        raise ValueError(
                            f"a file handover starts with `read` or `write`, not {kind}"
                        )
                except Exception as error:
                    _send_error(connection, error)
        except (FrameError, OSError) as error:
            logger.info("a file handover connection ended early: %s", error)
        except Exception:
            logger.exception("a file handover failed")
        finally:
            self._slots.release()

    def _store(self, request: pb.FileHandoverRequest) -> BaseArtifactStore:
        if not self._grants.verify(request.component, request.grant):
            raise _StaleGrant()
        store: BaseArtifactStore = self._table.get(request.component)
        if not type(store).LOCAL_FILES:
            raise NotImplementedError(
                f"flavor {self._table.flavor.name!r} does not hand over files (it does not "
                "declare LOCAL_FILES); use the Read and Write streams"
            )
        return store

    def _hand_over_read(
        self, connection: socket.socket, store: BaseArtifactStore, request: pb.ReadRequest
    ) -> None:
        with store.open(request.path, "rb") as handle:
            fd = _regular_file_descriptor(handle, request.path)
            size, version = size_and_version(handle)
            if request.if_version and version != request.if_version:
                raise errors.FileChangedError(
                    errno.ESTALE,
                    "the file was replaced while it was open for reading; read it again",
                    request.path,
                )
            opened = pb.ReadOpened(size=size, version=version)
            send_frame(connection, pb.FileHandoverResponse(read_opened=opened), fd)

    def _hand_over_write(
        self, connection: socket.socket, store: BaseArtifactStore, request: pb.WriteOpen
    ) -> None:
        pending = PendingWrite(store, request.path, request.append)
        committed = False
        try:
            fd = _regular_file_descriptor(pending.handle, request.path)
            initial = os.fstat(fd).st_size
            send_frame(connection, pb.FileHandoverResponse(write_opened=pb.WriteOpened()), fd)
            # The client writes through its copy of the descriptor, then asks for the commit;
            # a connection that closes first abandons the write.
            finish = pb.FileHandoverRequest.FromString(receive_frame(connection)[0])
            if finish.WhichOneof("kind") != "finish":
                raise ValueError("an open file handover write expects `finish`")
            written = os.fstat(fd).st_size - initial
            pending.commit()
            committed = True
            done = pb.WriteCommitted(bytes_written=max(0, written))
            send_frame(connection, pb.FileHandoverResponse(committed=done))
        finally:
            if not committed:
                logger.info("discarding unfinished write of %s", request.path)
                pending.discard()


def _regular_file_descriptor(handle: Any, path: str) -> int:
    """The descriptor of a flavor's open file, which must be a regular file of this machine
    (flushed first: the client's writes must land after what the flavor wrote, e.g. when
    appending)."""
    try:
        handle.flush()
        fd = int(handle.fileno())
    except (AttributeError, OSError, ValueError) as error:
        raise NotImplementedError(
            f"the flavor opened {path} as {type(handle).__name__}, which has no file "
            "descriptor; a LOCAL_FILES flavor's open() must return OS files"
        ) from error
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        raise IsADirectoryError(errno.EISDIR, "not a regular file", path)
    return fd


class _StaleGrant(Exception):
    """The request carries no grant this sidecar accepts (UNAUTHENTICATED, as on gRPC)."""


def _send_error(connection: socket.socket, error: BaseException) -> None:
    if isinstance(error, _StaleGrant):
        status = status_pb2.Status(
            code=grpc.StatusCode.UNAUTHENTICATED.value[0],
            message="no valid flavorhost-grant for this component; ask the host for a new grant "
            "(Host/OpenComponent)",
        )
    else:
        status = errors.to_status_proto(error)
    with contextlib.suppress(OSError):  # a client that is gone has nothing to be told
        send_frame(connection, pb.FileHandoverResponse(error=status.SerializeToString()))
