"""Grants: the host's permission for one client to call one component's sidecar directly.

The host mints a grant with the sidecar's per-launch token as the key; the sidecar checks it
with the same token, so no call to the host is needed and the token itself never leaves the
host. A grant names one component and expires; it opens only the component's own service (never
Lifecycle), and it dies with the sidecar (a restarted sidecar has a new token).
"""

from __future__ import annotations

import hashlib
import hmac
import time


def _mac(key: str, component: str, expires_ms: int) -> str:
    message = f"{component}\n{expires_ms}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def mint(key: str, component: str, expires: float) -> str:
    """A grant for `component` valid until `expires` (seconds since the epoch)."""
    expires_ms = int(expires * 1000)
    return f"{expires_ms}.{_mac(key, component, expires_ms)}"


def verify(key: str, component: str, grant: str, now: float | None = None) -> bool:
    """Whether `grant` was minted with `key` for `component` and has not expired."""
    expires_text, _, mac = grant.partition(".")
    if not (expires_text.isascii() and expires_text.isdigit()) or not mac:  # not "²"
        return False
    expires_ms = int(expires_text)
    if expires_ms / 1000 <= (time.time() if now is None else now):
        return False
    return hmac.compare_digest(mac, _mac(key, component, expires_ms))


class GrantChecker:
    """`verify` with one key, remembering grants it has accepted: a client sends the same grant
    on every call until it expires, and the MAC costs more than the rest of a small call."""

    MAX_REMEMBERED = 4096

    def __init__(self, key: str) -> None:
        self._key = key
        self._accepted: dict[tuple[str, str], float] = {}

    def verify(self, component: str, grant: str) -> bool:
        """Whether `grant` is a valid, unexpired grant for `component`."""
        now = time.time()
        expires = self._accepted.get((component, grant))
        if expires is not None:
            return expires > now
        if not verify(self._key, component, grant, now):
            return False
        if len(self._accepted) >= self.MAX_REMEMBERED:
            self._accepted.clear()  # expired grants go too; valid ones are re-verified once
        self._accepted[(component, grant)] = int(grant.partition(".")[0]) / 1000
        return True
