"""Calls of one service of the kit's component by method name, as the type suites make them: an
answer (a failure fails the check), an expected error, and the idempotency check of the methods
the proto marks NO_SIDE_EFFECTS (read from the generated descriptors)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import grpc
from google.protobuf import descriptor_pb2
from google.protobuf.descriptor import ServiceDescriptor

from flavorhost.conformance.checks import CheckFailed, one_line
from flavorhost.conformance.probe import (
    CALL_TIMEOUT_SECONDS,
    Probe,
    expect_error,
    service_descriptor,
)


def no_side_effect_methods(service: ServiceDescriptor) -> list[str]:
    """The methods the proto marks `idempotency_level = NO_SIDE_EFFECTS`, from the descriptor."""
    wanted = descriptor_pb2.MethodOptions.NO_SIDE_EFFECTS
    return [m.name for m in service.methods if m.GetOptions().idempotency_level == wanted]


class Service:
    """Calls of one service of the kit's component, by method name; by default the service of
    the type under test."""

    def __init__(
        self, probe: Probe, stub_class: Any, descriptor: ServiceDescriptor | None = None
    ) -> None:
        self.probe = probe
        self.stub = stub_class(probe.target.channel)
        self.descriptor = descriptor or service_descriptor(probe.kind)
        self._streaming = {m.name for m in self.descriptor.methods if m.server_streaming}

    def __call__(self, method: str, request: Any) -> Any:
        """The answer (every message, for a server stream); any error fails the check, naming
        the method."""
        call = getattr(self.stub, method)
        if method in self._streaming:
            return self.probe.stream(call, request)
        return self.probe.call(call, request)

    def raw(self, method: str, request: Any, timeout: float = CALL_TIMEOUT_SECONDS) -> Any:
        """The call itself (errors are the caller's to look at; a stream is not consumed)."""
        return getattr(self.stub, method)(request, metadata=self.probe.metadata(), timeout=timeout)

    def expect(
        self,
        method: str,
        request: Any,
        code: grpc.StatusCode,
        reasons: str | Iterable[str] | None,
        why: str = "",
    ) -> grpc.RpcError:
        """The call must fail with `code` and one of `reasons`; the failure names the call
        (`why`, or the request as `show` puts it)."""

        def call() -> Any:
            answer = self.raw(method, request)
            return list(answer) if method in self._streaming else answer

        try:
            return expect_error(call, code, reasons)
        except CheckFailed as failure:
            raise CheckFailed(f"{method} {why or self.show(request)}: {failure}") from None

    def show(self, request: Any) -> str:
        """A request on one line, for failures."""
        return one_line(str(request), 100) or "(empty request)"

    def same_twice(
        self, method: str, request: Any, normalize: Callable[[str, Any], Any] | None = None
    ) -> Any:
        """Calls a method twice; fails unless both answers (normalized) are equal."""
        answers = [self(method, request) for _ in range(2)]
        if normalize is not None:
            answers = [normalize(method, answer) for answer in answers]
        if answers[0] != answers[1]:
            raise CheckFailed(
                f"{method} answered differently the second time: "
                f"{one_line(str(answers[0]), 120)} then {one_line(str(answers[1]), 120)}"
            )
        return answers[0]

    def idempotent(
        self,
        requests: Mapping[str, Any],
        snapshot: Callable[[], Any] | None = None,
        normalize: Callable[[str, Any], Any] | None = None,
    ) -> str:
        """Calls each NO_SIDE_EFFECTS method twice: the same answer, and `snapshot()` (what
        the component holds) unchanged by either call."""
        methods = no_side_effect_methods(self.descriptor)
        unknown = [m for m in methods if m not in requests]
        if unknown:
            raise CheckFailed(f"the kit has no request for NO_SIDE_EFFECTS methods {unknown}")
        before = snapshot() if snapshot is not None else None
        for method in methods:
            self.same_twice(method, requests[method], normalize)
            if snapshot is not None and snapshot() != before:
                raise CheckFailed(f"{method} changed what the component holds")
        return f"{len(methods)} methods: {', '.join(methods)}"
