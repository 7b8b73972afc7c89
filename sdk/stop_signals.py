"""SIGTERM and SIGINT as a request to stop, for the host's and a sidecar's main loop.

Python runs signal handlers in the main thread, which is usually inside `stop.wait()` holding the
event's internal lock at that moment; calling `stop.set()` from the handler would wait for that
lock forever (a sidecar then ignored its parent-death signal). So the handler leaves the setting
to a short-lived thread, and the main thread waits in short slices so a handler runs promptly
even when the signal was delivered to another thread.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

WAKE_SECONDS = 0.5


def stop_on_signals(stop: threading.Event) -> None:
    """Makes SIGTERM and SIGINT set `stop` (call from the main thread)."""

    def handle(signum: int, frame: FrameType | None) -> None:
        threading.Thread(target=stop.set, name="stop-signal", daemon=True).start()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)


def wait_for_stop(stop: threading.Event) -> None:
    """Blocks the main thread until `stop` is set, waking up to run signal handlers."""
    while not stop.wait(timeout=WAKE_SECONDS):
        pass
