"""Helpers the component-type suites share: the methods a proto marks NO_SIDE_EFFECTS, a unary
error call, JSON-object replies, bounded polling and concurrent calls."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import grpc
from google.protobuf import descriptor_pb2
from google.protobuf.descriptor import ServiceDescriptor

from flavorhost.conformance.checks import CheckFailed
from flavorhost.conformance.probe import CALL_TIMEOUT_SECONDS, Probe, expect_error

T = TypeVar("T")
# A run, a launched step or a question must end within this; the kit never waits longer.
WAIT_SECONDS = 60.0
POLL_SECONDS = 0.05


def no_side_effect_methods(service: ServiceDescriptor) -> list[str]:
    """The methods the proto marks `idempotency_level = NO_SIDE_EFFECTS`, from the descriptor."""
    wanted = descriptor_pb2.MethodOptions.NO_SIDE_EFFECTS
    return [m.name for m in service.methods if m.GetOptions().idempotency_level == wanted]


def expect_unary_error(
    probe: Probe,
    method: Callable[..., Any],
    request: Any,
    code: grpc.StatusCode,
    reasons: str | Iterable[str] | None = None,
    what: str = "",
    metadata: Iterable[tuple[str, str]] | None = None,
) -> grpc.RpcError:
    """Calls a unary method for the kit's component and checks it fails with `code` (and a
    reason among `reasons`); `what` names the case in the failure."""
    sent = tuple(probe.metadata() if metadata is None else metadata)
    try:
        return expect_error(
            lambda: method(request, metadata=sent, timeout=CALL_TIMEOUT_SECONDS), code, reasons
        )
    except CheckFailed as failure:
        raise CheckFailed(f"{what or _one_line(request)}: {failure}") from None


def json_object(text: str, what: str, empty_ok: bool = False) -> dict[str, Any]:
    """The JSON object a reply field holds; a failure names the field."""
    if not text and empty_ok:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        raise CheckFailed(f"{what} is not JSON: {text[:80]!r}") from None
    if not isinstance(value, dict):
        raise CheckFailed(f"{what} is a JSON {type(value).__name__}, not an object")
    return value


def poll(condition: Callable[[], T | None], what: str, seconds: float = WAIT_SECONDS) -> T | None:
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


def concurrently(count: int, one: Callable[[int], str]) -> list[str]:
    """Runs `one(0..count-1)` on `count` threads; the problems they reported ('' is none)."""
    with ThreadPoolExecutor(max_workers=count) as pool:
        return [problem for problem in pool.map(one, range(count)) if problem]


def same_twice(probe: Probe, method: Callable[..., Any], request: Any, name: str) -> Any:
    """Calls a NO_SIDE_EFFECTS method twice; fails unless both answers are equal."""
    first = probe.call(method, request)
    second = probe.call(method, request)
    if first != second:
        raise CheckFailed(
            f"{name} answered differently the second time: {_one_line(first)} then "
            f"{_one_line(second)}"
        )
    return first


def _one_line(value: Any) -> str:
    text = " ".join(str(value).split())
    return (text[:100] + "...") if len(text) > 100 else text or "empty"
