"""Files a sidecar hands over: the client reads and writes the open descriptor itself.

When the host grants a direct path and the sidecar's flavor keeps its files on this machine
(`LOCAL_FILES`), `open()` asks the sidecar for the file's descriptor (flavorhost.file_handover)
instead of streaming its bytes over gRPC, so a proxied read or write runs at the speed of local
file I/O. The flavor still opens the file, so its path rules hold, and a write still appears only
when `close()` asks the sidecar to commit it. Everything else (remote clients, other flavors,
FLAVORHOST_FILE_HANDOVER=0) streams (remote_files).
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
from typing import Any, NoReturn

from google.rpc import status_pb2

from flavorhost import errors
from flavorhost.file_handover import FrameError, receive_frame, send_frame
from flavorhost.generated.v1 import artifact_store_pb2 as pb
from flavorhost.proxies.component_link import MAX_ATTEMPTS, ComponentLink, Target
from flavorhost.proxies.remote_files import layered

# "0" makes proxies stream files over gRPC even when the sidecar would hand them over.
FILE_HANDOVER_ENV = "FLAVORHOST_FILE_HANDOVER"
# Errors that mean the sidecar is gone (or going): nothing was opened for the client.
_GONE = (ConnectionRefusedError, ConnectionResetError, BrokenPipeError, FileNotFoundError)


class FilesNotHandedOver(Exception):
    """This file is not handed over: stream it. `lasting`: the flavor never hands files over
    (otherwise the sidecar was busy, and the next file may be)."""

    def __init__(self, path: str, lasting: bool = True) -> None:
        super().__init__(path)
        self.lasting = lasting


def open_handed_over(link: ComponentLink, path: str, mode: str) -> Any:
    """A file object for `mode` over a handed-over descriptor; FilesNotHandedOver if the
    component's files must be streamed instead."""
    reading = mode.startswith("r")
    method = "Read" if reading else "Write"
    target = link.target()
    restarted = False
    for _ in range(MAX_ATTEMPTS):
        if not target.files:
            raise FilesNotHandedOver(path)
        if reading:
            request = pb.FileHandoverRequest(
                component=link.component.name, grant=target.grant, read=pb.ReadRequest(path=path)
            )
        else:
            opening = pb.WriteOpen(path=path, append=mode.startswith("a"))
            request = pb.FileHandoverRequest(
                component=link.component.name, grant=target.grant, write=opening
            )
        try:
            connection, response, fd = _exchange(target, request)
        except BlockingIOError:  # the sidecar's backlog is full: stream this one
            raise FilesNotHandedOver(path, lasting=False) from None
        except TimeoutError as error:
            link.timed_out(target, method, error)
        except (*_GONE, FrameError) as error:
            renewed, failure = link.renew(failed=target)
            if restarted:
                _gone(link, target, failure, error)
            target, restarted = renewed, True
            continue
        if response.WhichOneof("kind") == "error":
            connection.close()
            status = status_pb2.Status.FromString(response.error)
            refusal = errors.from_status(status)
            if errors.is_stale_grant(status):
                target = link.renew()[0]  # the open did not happen: ask again
                continue
            if isinstance(refusal, NotImplementedError):
                raise FilesNotHandedOver(path) from refusal
            if isinstance(refusal, errors.LimitExceededError):
                raise FilesNotHandedOver(path, lasting=False) from refusal
            raise refusal
        if reading:
            connection.close()
            raw = io.FileIO(fd, "rb", closefd=True)
            raw.name = path
            return layered(raw, mode)
        return layered(HandedOverWriter(fd, path, connection, link, target), mode)
    link.kept_changing()


def _exchange(
    target: Target, request: pb.FileHandoverRequest
) -> tuple[socket.socket, pb.FileHandoverResponse, int]:
    """Sends the request; returns the open connection, the answer and the descriptor (-1 if
    none came)."""
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.settimeout(target.timeout)
        connection.connect(target.files)
        send_frame(connection, request)
        data, fds = receive_frame(connection)
        response = pb.FileHandoverResponse.FromString(data)
    except BaseException:
        connection.close()
        raise
    opened = response.WhichOneof("kind") in ("read_opened", "write_opened")
    if not opened or len(fds) != 1:
        for fd in fds:  # only an opened file comes with one
            os.close(fd)
        if opened:
            connection.close()
            raise FrameError("the sidecar sent no file descriptor with the opened file")
        return connection, response, -1
    return connection, response, fds[0]


def _gone(link: ComponentLink, target: Target, failure: str, cause: BaseException) -> NoReturn:
    component = link.component
    raise errors.ComponentUnavailableError(
        failure
        or f"{component.type.value} {component.name!r} is unavailable: its sidecar (pid "
        f"{target.pid}) went away; the next call restarts it"
    ) from cause


class HandedOverWriter(io.FileIO):
    """A file written through a handed-over descriptor: `close()` asks the sidecar to commit it
    and raises if it could not; `discard()` abandons it (nothing appears under its name)."""

    def __init__(
        self, fd: int, path: str, connection: socket.socket, link: ComponentLink, target: Target
    ) -> None:
        super().__init__(fd, "wb", closefd=True)
        self.name = path
        self._connection = connection
        self._link = link
        self._target = target
        self._discarded = False
        self._failed: OSError | None = None  # a write that failed: close() must not commit

    def seekable(self) -> bool:
        """No: like a streamed file, it is written front to back (or appended to)."""
        return False

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Not supported (see seekable)."""
        raise io.UnsupportedOperation(
            "files opened for writing through flavorhost are not seekable"
        )

    def truncate(self, size: int | None = None) -> int:
        """Not supported (see seekable)."""
        raise io.UnsupportedOperation(
            "files opened for writing through flavorhost cannot be truncated"
        )

    def write(self, data: Any) -> int:
        """Writes through the descriptor; a failure means the file will not be committed."""
        try:
            return super().write(data)
        except OSError as error:
            self._failed = error
            raise

    def close(self) -> None:
        """Commits the file; raises if the sidecar could not."""
        if self.closed:
            return
        try:
            super().close()
        finally:
            if self._discarded:
                self._drop()
        if self._discarded:
            return
        if self._failed is not None:
            self._drop()
            raise OSError(
                self._failed.errno,
                f"{self.name} was not written: an earlier write failed ({self._failed})",
            )
        self._commit()

    def _drop(self) -> None:
        """Ends the exchange without `finish`, and waits (within the call timeout) until the
        sidecar has dropped the file and closed its side."""
        with self._connection, contextlib.suppress(OSError):
            self._connection.shutdown(socket.SHUT_WR)
            self._connection.recv(1)

    def _commit(self) -> None:
        with self._connection:
            try:
                send_frame(self._connection, pb.FileHandoverRequest(finish=pb.WriteFinish()))
                response = pb.FileHandoverResponse.FromString(receive_frame(self._connection)[0])
            except TimeoutError as error:
                self._link.timed_out(self._target, "Write", error)
            except (OSError, FrameError) as error:
                try:
                    failure = self._link.renew(failed=self._target)[1]
                except errors.FlavorhostError as unreachable:  # the host is gone too
                    failure = str(unreachable)
                raise errors.ComponentUnavailableError(
                    f"{self.name} was not written: "
                    f"{failure or 'the sidecar went away before committing it'}"
                ) from error
        if response.WhichOneof("kind") == "error":
            raise errors.from_status(status_pb2.Status.FromString(response.error))

    def discard(self) -> None:
        """Abandons the file: the connection closes without a commit."""
        if not self.closed:
            self._discarded = True
            self.close()

    def __del__(self) -> None:
        # Only an explicit close() commits; a writer dropped unclosed (after an error, say) is
        # discarded rather than committed half-written, and without waiting on the sidecar.
        if not self.closed:
            self._discarded = True
            with contextlib.suppress(OSError):
                self._connection.close()
            with contextlib.suppress(OSError):
                super().close()
