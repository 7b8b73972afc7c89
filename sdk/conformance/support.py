"""Small helpers the type suites share: names for the kit's scratch things, JSON text in
replies, bounded polling and calls on many threads."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import grpc

from flavorhost.conformance.checks import CheckFailed, one_line
from flavorhost.conformance.probe import Probe
from flavorhost.json_payloads import decode_object

T = TypeVar("T")
# A run, a launched step or a question must end within this; the kit never waits longer.
WAIT_SECONDS = 60.0
POLL_SECONDS = 0.05


def scratch_name(what: str = "") -> str:
    """A name no user thing has, `conformance-XXXXXXXX[-what]`: the kit's things are found (and
    removed) by it."""
    name = f"conformance-{uuid.uuid4().hex[:8]}"
    return f"{name}-{what}" if what else name


def json_value(text: str, what: str) -> Any:
    """`text` decoded as JSON (any value), or a failure saying the answer is not JSON."""
    try:
        return json.loads(text)
    except ValueError as error:
        raise CheckFailed(f"{what} is not JSON text ({error}): {one_line(text, 120)}") from None


def json_object(text: str, what: str, empty_ok: bool = False) -> dict[str, Any]:
    """The JSON object a reply field holds ('' only when `empty_ok`); a failure names the
    field."""
    if not text and not empty_ok:
        raise CheckFailed(f"{what} is empty, not a JSON object")
    try:
        return decode_object(text, what)
    except ValueError as error:
        raise CheckFailed(str(error)) from None


def poll(condition: Callable[[], T | None], seconds: float = WAIT_SECONDS) -> T | None:
    """`condition()` until it answers something other than None, for at most `seconds`;
    None if it never did."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value is not None:
            return value
        if time.monotonic() >= deadline:
            return None
        time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))


def on_threads(probe: Probe, count: int, one: Callable[[int], str]) -> str:
    """Runs `one(i)` for i < count on as many threads (at most --concurrency); each returns ''
    or what went wrong, and a failed call counts as what went wrong. Fails naming the first
    problem; else a note of how many calls ran on how many threads."""
    threads = max(1, min(count, probe.concurrency))
    with ThreadPoolExecutor(max_workers=threads) as pool:
        problems = [p for p in pool.map(_guarded(one), range(count)) if p]
    if problems:
        raise CheckFailed(f"{len(problems)} of {count} concurrent calls failed: {problems[0]}")
    return f"{count} calls on {threads} threads"


def _guarded(one: Callable[[int], str]) -> Callable[[int], str]:
    def run(index: int) -> str:
        try:
            return one(index)
        except (CheckFailed, grpc.RpcError) as error:
            return f"call {index}: {error}"

    return run
