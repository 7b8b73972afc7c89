"""File objects over the ArtifactStore Read and Write streams.

`RemoteReader` and `RemoteWriter` are raw binary files; `open_remote` wraps them in the standard
buffered and text layers, so callers get real `io` objects (read, readline, iteration, seek,
tell, write, context managers).
"""

from __future__ import annotations

import contextlib
import io
import queue
import time
from collections.abc import Callable, Iterator
from typing import Any

from flavorhost.errors import ComponentUnavailableError, FlavorhostError
from flavorhost.generated.v1 import artifact_store_pb2 as pb
from flavorhost.protocol import CHUNK_SIZE
from flavorhost.proxies.component_link import LinkedStream

MODES = {"r", "rb", "w", "wb", "a", "ab"}
WRITE_QUEUE_CHUNKS = 4
# A stream's calls raise flavorhost's exceptions, never grpc.RpcError (see LinkedStream).
ReadStarter = Callable[[pb.ReadRequest], LinkedStream]
WriteStarter = Callable[[Callable[[], Iterator[pb.WriteRequest]]], LinkedStream]


class RemoteReader(io.RawIOBase):
    """Reads a remote file; a seek restarts the stream at the new offset when next read."""

    def __init__(self, start: ReadStarter, path: str) -> None:
        super().__init__()
        self.name = path
        self._start_call = start
        self._call: LinkedStream | None = None
        self._pending = memoryview(b"")
        self._position = 0
        self._size = -1
        self._eof = False
        self._resumed = False
        # The version first opened; later streams (resume, seek) must see the same one.
        self._version = ""
        self._open_at(0)

    def _open_at(self, offset: int) -> None:
        self._cancel()
        request = pb.ReadRequest(path=self.name, offset=offset, if_version=self._version)
        call = self._start_call(request)
        first = next(call, None)
        if first is None or first.WhichOneof("kind") != "opened":
            call.cancel()
            raise FlavorhostError(f"the read stream of {self.name} did not start with `opened`")
        self._call, self._size, self._eof = call, first.opened.size, False
        self._version = self._version or first.opened.version

    def _cancel(self) -> None:
        if self._call is not None:
            self._call.cancel()
            self._call = None
        self._pending = memoryview(b"")

    def _next_chunk(self) -> bytes:
        if self._eof:
            return b""
        if self._call is None:
            self._open_at(self._position)
        assert self._call is not None
        try:
            data: bytes = next(self._call).data
        except StopIteration:
            self._eof = True
            return b""
        except ComponentUnavailableError:
            self._call = None
            if self._resumed:
                raise
            # The sidecar died (or hung) mid-stream and reads are idempotent: resume once,
            # from here.
            self._resumed = True
            return self._next_chunk()
        self._resumed = False
        return data

    def readable(self) -> bool:
        """Always readable."""
        return True

    def seekable(self) -> bool:
        """Always seekable."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Fills `buffer` from the current chunk (fetching the next one when needed)."""
        if not self._pending:
            self._pending = memoryview(self._next_chunk())
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        self._position += count
        return count

    def readall(self) -> bytes:
        """The rest of the file, in one allocation per chunk rather than 8 KiB reads."""
        parts = [bytes(self._pending)]
        self._position += len(parts[0])
        self._pending = memoryview(b"")
        while chunk := self._next_chunk():
            parts.append(chunk)
            self._position += len(chunk)
        return b"".join(parts)

    def tell(self) -> int:
        """The current position."""
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Moves the position; the stream restarts lazily at the new offset."""
        if whence == io.SEEK_SET:
            target = offset
        elif whence == io.SEEK_CUR:
            target = self._position + offset
        elif whence == io.SEEK_END:
            if self._size < 0:
                raise io.UnsupportedOperation("this flavor does not report file sizes")
            target = self._size + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if target < 0:
            raise ValueError(f"negative seek position {target}")
        if target != self._position:
            self._cancel()
            self._position, self._eof = target, False
        return self._position

    def close(self) -> None:
        """Cancels the stream: the sidecar closes its file at once."""
        self._cancel()
        super().close()


def _drain(requests: queue.Queue[pb.WriteRequest | None]) -> Iterator[pb.WriteRequest]:
    """The request stream: the queue's items up to None (holds the queue, not the writer)."""
    while (item := requests.get()) is not None:
        yield item


class RemoteWriter(io.RawIOBase):
    """Writes a remote file; `close()` commits it and reports whether that worked.

    `discard()` cancels the stream instead: nothing appears under the file's name.
    """

    def __init__(self, start: WriteStarter, path: str, append: bool) -> None:
        super().__init__()
        self.name = path
        self._opening = pb.WriteRequest(open=pb.WriteOpen(path=path, append=append))
        self._queue: queue.Queue[pb.WriteRequest | None] = queue.Queue(WRITE_QUEUE_CHUNKS)
        # Until opened: a writer whose open failed has nothing to commit when it is collected
        # (IOBase.__del__ calls close()).
        self._discarded = True
        self._call = start(self._requests)
        try:
            self._expect("opened")
        except BaseException:
            self._call.cancel()
            self._offer_end()  # ends the request stream: no thread is left waiting on it
            raise
        self._discarded = False

    def _requests(self) -> Iterator[pb.WriteRequest]:
        """A fresh request stream for each attempt to start the call (an attempt that did not
        run is sent again); the previous attempt's stream is ended."""
        self._offer_end()
        self._queue = queue.Queue(WRITE_QUEUE_CHUNKS)
        self._queue.put(self._opening)
        return _drain(self._queue)

    def _expect(self, kind: str) -> Any:
        try:
            response = next(self._call)
        except StopIteration:
            raise FlavorhostError(f"the write stream of {self.name} ended early") from None
        if response.WhichOneof("kind") != kind:
            raise FlavorhostError(f"the write stream of {self.name} sent no `{kind}`")
        return response

    def _put(self, item: pb.WriteRequest | None) -> None:
        since = time.monotonic()
        while True:
            try:
                self._queue.put(item, timeout=0.5)
                return
            except queue.Full:
                if self._call.done():
                    self._expect("committed")  # raises the error that ended the call
                # A sidecar that stops taking data is hung (the host watches its own streams).
                self._call.check_send_wait(time.monotonic() - since)

    def writable(self) -> bool:
        """Always writable until closed."""
        return True

    def write(self, data: Any) -> int:
        """Sends `data` (all of it)."""
        if self.closed:
            raise ValueError("write to a closed file")
        if self._discarded:
            return len(data)
        view = memoryview(data).cast("B")  # one copy per chunk, not a copy of all of `data` first
        for start in range(0, len(view), CHUNK_SIZE):
            self._put(pb.WriteRequest(data=bytes(view[start : start + CHUNK_SIZE])))
        return len(view)

    def close(self) -> None:
        """Commits the file; raises if the flavor could not."""
        if self.closed:
            return
        if self._discarded:
            super().close()
            return
        try:
            self._put(pb.WriteRequest(finish=pb.WriteFinish()))
            self._put(None)
            self._expect("committed")
        finally:
            self._offer_end()
            self._call.cancel()  # over either way; this also ends its stall watch
            super().close()

    def discard(self) -> None:
        """Abandons the file: the stream is cancelled and the flavor drops what it received."""
        if not self.closed and not self._discarded:
            self._discarded = True
            self._call.cancel()
            self._offer_end()

    def _offer_end(self) -> None:
        """Ends the request stream without blocking (the call is over; gRPC stops reading)."""
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(None)

    def __del__(self) -> None:
        # Only an explicit close() commits: a writer dropped unclosed is discarded, not
        # committed half-written from whatever thread collects it.
        if not self.closed:
            with contextlib.suppress(Exception):
                self.discard()
            io.RawIOBase.close(self)


class _CommitsOnClose:
    """The commit rule of a written file's layers: a clean `close()` (or `with` exit) commits;
    a block that raised, a flush that fails in `close()` (the file would be incomplete), or being
    collected unclosed discards. The raw file (RemoteWriter or HandedOverWriter) has
    `discard()`; `_writer()` reaches it through the layer."""

    def _writer(self: Any) -> Any:
        raise NotImplementedError

    def close(self: Any) -> None:
        """Flushes, then commits; discards instead if the flush fails."""
        if self.closed:
            return
        try:
            self.flush()
        except BaseException:
            self._writer().discard()
            raise
        super().close()  # type: ignore[misc]

    def __exit__(self: Any, kind: Any, *rest: Any) -> None:
        if kind is not None:
            self._writer().discard()
        self.close()

    def __del__(self: Any) -> None:
        if not self.closed:
            with contextlib.suppress(Exception):
                self._writer().discard()


class _BufferedRemoteWriter(_CommitsOnClose, io.BufferedWriter):
    """The buffered layer of a written file."""

    def _writer(self) -> Any:
        return self.raw


class _TextRemoteWriter(_CommitsOnClose, io.TextIOWrapper):
    """The text layer of a written file, over `_BufferedRemoteWriter`."""

    def _writer(self) -> Any:
        return self.buffer.raw  # type: ignore[attr-defined]


def open_remote(start_read: ReadStarter, start_write: WriteStarter, path: str, mode: str) -> Any:
    """A file object for `mode` (r, rb, w, wb, a, ab) over the streams."""
    if mode not in MODES:
        raise ValueError(f"mode {mode!r} is not supported; use one of {', '.join(sorted(MODES))}")
    if mode.startswith("r"):
        return layered(RemoteReader(start_read, path), mode)
    return layered(RemoteWriter(start_write, path, append=mode.startswith("a")), mode)


def layered(raw: Any, mode: str) -> Any:
    """The buffered and (for text modes) text layers over a raw file opened in `mode`; for
    writing, the layers that commit on close (`_CommitsOnClose`)."""
    if mode.startswith("r"):
        reader = io.BufferedReader(raw, CHUNK_SIZE)
        return reader if "b" in mode else io.TextIOWrapper(reader, encoding="utf-8")
    writer = _BufferedRemoteWriter(raw, CHUNK_SIZE)
    return writer if "b" in mode else _TextRemoteWriter(writer, encoding="utf-8")
