"""Hang detection for forwarded streams: a call whose sidecar keeps it waiting too long is cut.

A stream has no single deadline that fits (a 10 GiB read may rightly take an hour), so the
component's call timeout bounds each wait *on the sidecar* instead: for its next message, or for
it to take the next message the host sends. Time spent waiting on the client (a slow reader, a
writer that pauses between chunks) never counts. One thread checks every watched stream.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

logger = logging.getLogger(__name__)

IDLE_CHECK_SECONDS = 1.0
MIN_CHECK_SECONDS = 0.02


class WatchedStream:
    """The state of one forwarded stream: who it waits on, and since when.

    The handler thread marks waits for the sidecar's responses; gRPC's request-sending thread
    marks waits for the client's next request. The sidecar is to blame only while the host waits
    on its response and not on the client.
    """

    __slots__ = ("awaiting_client", "awaiting_response", "call", "expired", "since", "timeout")

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.since = time.monotonic()
        self.awaiting_response = False
        self.awaiting_client = False
        self.expired = False
        # The call to the sidecar (a grpc.Future or response iterator), set once it is made.
        self.call: Any = None

    def responses(self, call: Iterator[bytes]) -> Iterator[bytes]:
        """Yields the sidecar's responses, timing each wait for one."""
        while True:
            self.since = time.monotonic()
            self.awaiting_response = True
            try:
                response = next(call)
            except StopIteration:
                return
            finally:
                self.awaiting_response = False
            yield response

    def requests(self, requests: Iterator[bytes]) -> Iterator[bytes]:
        """Passes the client's requests on, pausing the clock while the client is awaited."""
        while True:
            self.awaiting_client = True
            try:
                request = next(requests)
            except StopIteration:
                return
            finally:
                self.awaiting_client = False
                self.since = time.monotonic()
            yield request

    def stalled(self, now: float) -> bool:
        """Whether the sidecar has kept this stream waiting past its timeout."""
        return (
            self.awaiting_response and not self.awaiting_client and now - self.since > self.timeout
        )

    def expire(self) -> None:
        """Marks the stream timed out and cancels its call to the sidecar."""
        self.expired = True
        if self.call is not None:
            self.call.cancel()


class StallWatch:
    """Checks the watched streams and expires stalled ones, calling `on_stall` for each."""

    def __init__(self) -> None:
        self._streams: dict[int, tuple[WatchedStream, Callable[[], None]]] = {}
        # Re-entrant: a file collected while the lock is held (garbage collection can run at any
        # allocation) unwatches its stream from its finalizer, on the same thread.
        self._lock = threading.RLock()
        self._changed = threading.Event()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="stall-watch", daemon=True)
        self._thread.start()

    def watch(self, timeout: float, on_stall: Callable[[], None]) -> WatchedStream:
        """Starts watching a stream (set its `call` once made); pair with `unwatch()`."""
        stream = WatchedStream(timeout)
        entry = (stream, on_stall)
        with self._lock:
            self._streams[id(stream)] = entry
        if timeout < IDLE_CHECK_SECONDS * 10:
            self._changed.set()  # check sooner than the idle pace
        return stream

    def count(self) -> int:
        """How many streams are being watched."""
        return len(self._streams)

    def unwatch(self, stream: WatchedStream) -> None:
        """Stops watching a stream that ended."""
        with self._lock:
            self._streams.pop(id(stream), None)

    def _run(self) -> None:
        while not self._closed:
            with self._lock:
                streams = self._streams.copy()
            watched = list(streams.values())
            shortest = min((s.timeout for s, _ in watched), default=IDLE_CHECK_SECONDS * 10)
            now = time.monotonic()
            for stream, on_stall in watched:
                if not stream.expired and stream.stalled(now):
                    logger.warning("a stream waited on its sidecar over %gs", stream.timeout)
                    try:
                        stream.expire()
                        on_stall()
                    except Exception:  # the watch must outlive any one stream's failure
                        logger.exception("could not end a stalled stream")
            pace = min(IDLE_CHECK_SECONDS, max(MIN_CHECK_SECONDS, shortest / 10))
            self._changed.wait(timeout=pace)
            self._changed.clear()

    def close(self) -> None:
        """Stops the checking thread."""
        self._closed = True
        self._changed.set()
        self._thread.join(timeout=5)
