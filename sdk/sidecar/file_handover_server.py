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
import fcntl
import logging
import os
import socket
import stat
import threading
import time
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
from google.protobuf.message import DecodeError
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


# A client must send its request this soon after connecting (and the sidecar's answers must be
# taken this soon); only an open write waits longer, for its `finish`.
EXCHANGE_TIMEOUT_SECONDS = 30.0
# accept() errors that pass (out of descriptors or memory for a moment, a client that gave up).
_TRANSIENT_ACCEPT_ERRORS = {
    errno.EMFILE,
    errno.ENFILE,
    errno.ENOBUFS,
    errno.ENOMEM,
    errno.ECONNABORTED,
}


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
        # Open connections, shut down by close() so that no worker outlives the sidecar.
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        # A SIGKILLed sidecar of the same pid may have left its socket (the folder is private).
        path.unlink(missing_ok=True)
        self._listener.bind(str(path))
        os.chmod(path, 0o600)
        self._listener.listen(socket.SOMAXCONN)
        self._closed = False
        self._thread = threading.Thread(target=self._accept, name="file-handover", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stops accepting and ends the exchanges under way: open writes are discarded."""
        self._closed = True
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._workers.shutdown(wait=True)
        self.path.unlink(missing_ok=True)

    def _accept(self) -> None:
        while not self._closed:
            try:
                connection, _ = self._listener.accept()
            except OSError as error:
                if self._closed:
                    return
                if error.errno in _TRANSIENT_ACCEPT_ERRORS:
                    logger.warning("the file handover socket could not accept: %s", error)
                    time.sleep(0.1)
                    continue
                logger.exception("the file handover socket failed; clients will stream")
                self._listener.close()
                self.path.unlink(missing_ok=True)
                return
            if not self._slots.acquire(blocking=False):
                self._refuse(connection)
                continue
            try:
                self._workers.submit(self._serve, connection)
            except RuntimeError:  # shutting down
                self._slots.release()
                connection.close()
                return

    def _refuse(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(EXCHANGE_TIMEOUT_SECONDS)
            limit = errors.LimitExceededError(
                f"the sidecar already serves {MAX_CONCURRENT_CALLS} calls; retry when some end"
            )
            _send_error(connection, limit)

    def _serve(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)
        try:
            with connection:
                connection.settimeout(EXCHANGE_TIMEOUT_SECONDS)
                try:
                    request = _decode(_receive_message(connection))
                    store = self._store(request)
                    kind = request.WhichOneof("kind")
                    if kind == "read":
                        self._hand_over_read(connection, store, request.read)
                    elif kind == "write":
                        self._hand_over_write(connection, store, request.write)
                    else:
                        raise errors.MalformedRequestError(
                            f"a file handover starts with `read` or `write`, not {kind}"
                        )
                except (FrameError, TimeoutError):
                    raise  # the connection is what failed: nobody to answer
                except Exception as error:
                    _send_error(connection, error)
        except (FrameError, OSError) as error:
            logger.info("a file handover connection ended early: %s", error)
        except Exception:
            logger.exception("a file handover failed")
        finally:
            with self._lock:
                self._connections.discard(connection)
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
            os.lseek(fd, 0, os.SEEK_SET)  # the exchange promises offset 0, whatever the flavor did
            size, version = size_and_version(handle)
            if request.if_version and version and version != request.if_version:
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
            if request.append:  # every write lands at the end, whatever the client seeks to
                fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_APPEND)
                os.lseek(fd, 0, os.SEEK_END)
            send_frame(connection, pb.FileHandoverResponse(write_opened=pb.WriteOpened()), fd)
            # The client writes through its copy of the descriptor, for as long as it takes,
            # then asks for the commit; a connection that closes first abandons the write.
            connection.settimeout(None)
            finish = _decode(_receive_message(connection))
            connection.settimeout(EXCHANGE_TIMEOUT_SECONDS)
            if finish.WhichOneof("kind") != "finish":
                raise errors.MalformedRequestError("an open file handover write expects `finish`")
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


def _receive_message(connection: socket.socket) -> bytes:
    """The next frame's message; descriptors a client attached are closed (none are expected)."""
    data, fds = receive_frame(connection)
    for fd in fds:
        os.close(fd)
    return data


def _decode(data: bytes) -> pb.FileHandoverRequest:
    try:
        return pb.FileHandoverRequest.FromString(data)
    except DecodeError as error:
        raise errors.MalformedRequestError(
            f"the frame is not a flavorhost.v1.FileHandoverRequest ({error}); build it from "
            "protos/flavorhost/v1/artifact_store.proto"
        ) from None


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
