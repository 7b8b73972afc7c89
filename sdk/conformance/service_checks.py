"""What the type suites share: calls of one service by method name, the NO_SIDE_EFFECTS methods
read from the descriptors, the idempotency check, and running a function on many threads."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import grpc
from google.protobuf import descriptor_pb2
from google.protobuf.descriptor import ServiceDescriptor

from flavorhost.conformance.checks import CheckFailed
from flavorhost.conformance.probe import CALL_TIMEOUT_SECONDS, Probe, expect_error

S = grpc.StatusCode


def scratch_name(what: str) -> str:
    """A name no user thing has: the kit's things are found (and removed) by this prefix."""
    return f"conformance-{uuid.uuid4().hex[:8]}-{what}"


def no_side_effect_methods(service: ServiceDescriptor) -> list[str]:
    """The methods the proto marks NO_SIDE_EFFECTS."""
    wanted = descriptor_pb2.MethodOptions.NO_SIDE_EFFECTS
    return [m.name for m in service.methods if m.GetOptions().idempotency_level == wanted]


class Service:
    """Unary calls of one service of the kit's component, by method name."""

    def __init__(self, probe: Probe, stub_class: Any, descriptor: ServiceDescriptor) -> None:
        self.probe = probe
        self.stub = stub_class(probe.target.channel)
        self.descriptor = descriptor

    def __call__(self, method: str, request: Any) -> Any:
        """The answer; any error fails the check, naming the method."""
        return self.probe.call(getattr(self.stub, method), request)

    def raw(self, method: str, request: Any, timeout: float = CALL_TIMEOUT_SECONDS) -> Any:
        """The call itself (errors are the caller's to look at)."""
        return getattr(self.stub, method)(request, metadata=self.probe.metadata(), timeout=timeout)

    def expect(
        self,
        method: str,
        request: Any,
        code: grpc.StatusCode,
        reasons: str | Iterable[str] | None,
        why: str = "",
    ) -> grpc.RpcError:
        """The call must fail with `code` and one of `reasons`; the failure names the call."""
        try:
            return expect_error(lambda: self.raw(method, request), code, reasons)
        except CheckFailed as failure:
            what = why or " ".join(str(request).split())[:100] or "(empty request)"
            raise CheckFailed(f"{method} {what}: {failure}") from None

    def idempotent(
        self,
        requests: Mapping[str, Any],
        snapshot: Callable[[], Any],
        normalize: Callable[[str, Any], Any] | None = None,
    ) -> str:
        """Calls each NO_SIDE_EFFECTS method twice: the same answer, and `snapshot()` (what
        the component holds) unchanged by either call."""
        methods = no_side_effect_methods(self.descriptor)
        unknown = [m for m in methods if m not in requests]
        if unknown:
            raise CheckFailed(f"the kit has no request for NO_SIDE_EFFECTS methods {unknown}")
        before = snapshot()
        for method in methods:
            answers = [self(method, requests[method]) for _ in range(2)]
            if normalize is not None:
                answers = [normalize(method, answer) for answer in answers]
            if answers[0] != answers[1]:
                raise CheckFailed(
                    f"{method} answered differently the second time: {_short(answers[0])} "
                    f"then {_short(answers[1])}"
                )
            if snapshot() != before:
                raise CheckFailed(f"{method} changed what the component holds")
        return f"{len(methods)} methods: {', '.join(methods)}"


def json_text(text: str, what: str) -> Any:
    """`text` decoded as JSON, or a failure saying the answer is not JSON."""
    try:
        return json.loads(text)
    except ValueError as error:
        raise CheckFailed(f"{what} is not JSON text ({error}): {_short(text)}") from None


def on_threads(probe: Probe, count: int, one: Callable[[int], str]) -> str:
    """Runs `one(i)` for i < count on as many threads; each returns '' or what went wrong."""
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


def _short(value: Any) -> str:
    text = " ".join(str(value).split())
    return text[:120] + ("..." if len(text) > 120 else "")
