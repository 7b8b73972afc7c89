"""Finding and killing sidecars that outlived a host that was killed.

Sidecars normally die with their host (the parent-death signal), but one started through a
wrapper (a `--python` script that forks) has the wrapper, not the host, as its parent. Every
process a host launches carries that host's private socket folder in FLAVORHOST_SOCKET_DIR, and
that folder's name is unique, so the next host of the same home can recognise the leftovers of
the last one without trusting pids, which the system reuses. Linux only (it reads /proc).
"""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path

from flavorhost.protocol import SOCKET_DIR_ENV

logger = logging.getLogger(__name__)
PROC = Path("/proc")


def _environment(pid: str) -> bytes:
    try:
        return (PROC / pid / "environ").read_bytes()
    except OSError:  # gone, or another user's
        return b""


def find(socket_dir: Path) -> list[int]:
    """Pids of running processes launched by the host whose socket folder was `socket_dir`."""
    if not PROC.is_dir():
        return []
    marker = f"{SOCKET_DIR_ENV}={socket_dir}".encode()
    own = str(os.getpid())
    found = []
    for entry in PROC.iterdir():
        ours = entry.name.isdigit() and entry.name != own
        if ours and marker in _environment(entry.name).split(b"\0"):
            found.append(int(entry.name))
    return sorted(found)


def reap(socket_dir: Path) -> list[int]:
    """Kills (SIGKILL) the leftovers of the host whose socket folder was `socket_dir`."""
    pids = find(socket_dir)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
        logger.warning("killed pid %d, a sidecar process left by a host that died", pid)
    return pids
