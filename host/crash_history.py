"""Restart policy for crashed sidecars: count, back off, and stop after a crash loop.

A flavor whose sidecar dies more than `CRASH_LIMIT` times within `WINDOW_SECONDS` is marked
failed: its components report the failure (in `describe` and `host status`) and calls fail at once
until a component of it is updated, the flavor is re-registered, or the host restarts.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

CRASH_LIMIT = 5
WINDOW_SECONDS = 60.0
FIRST_BACKOFF_SECONDS = 0.1
MAX_BACKOFF_SECONDS = 2.0


@dataclass
class CrashHistory:
    """The crashes of one flavor's sidecar."""

    restarts: int = 0
    recent: deque[float] = field(default_factory=deque)
    failure: str = ""

    def record(self, now: float | None = None) -> None:
        """Counts a crash that is about to be followed by a restart."""
        now = time.monotonic() if now is None else now
        self.restarts += 1
        self.recent.append(now)
        while self.recent and now - self.recent[0] > WINDOW_SECONDS:
            self.recent.popleft()

    @property
    def crash_looping(self) -> bool:
        """Whether the flavor crashed too often, too recently."""
        return len(self.recent) > CRASH_LIMIT

    def backoff(self) -> float:
        """How long to wait before the next start: doubling with each recent crash."""
        if len(self.recent) <= 1:
            return 0.0
        delay: float = FIRST_BACKOFF_SECONDS * 2.0 ** (len(self.recent) - 2)
        return min(delay, MAX_BACKOFF_SECONDS)

    def reset(self) -> None:
        """Forgets the failure (after an update or re-registration); keeps the restart count."""
        self.recent.clear()
        self.failure = ""
