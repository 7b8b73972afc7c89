"""Only the host may call a sidecar: every call must carry the per-launch token."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

import grpc

from flavorhost.protocol import TOKEN_METADATA_KEY


def _deny(request: Any, context: grpc.ServicerContext) -> Any:
    context.abort(grpc.StatusCode.UNAUTHENTICATED, "missing or wrong flavorhost-token")


class TokenInterceptor(grpc.ServerInterceptor):
    """Rejects calls whose `flavorhost-token` metadata is not this launch's token."""

    def __init__(self, token: str) -> None:
        self._token = token.encode()

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler[Any, Any] | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        metadata = dict(handler_call_details.invocation_metadata or ())
        given = str(metadata.get(TOKEN_METADATA_KEY, "")).encode()
        handler = continuation(handler_call_details)
        if handler is None or hmac.compare_digest(given, self._token):
            return handler
        # Answer with a handler of the same shape, so streaming calls are refused cleanly too.
        if handler.request_streaming and handler.response_streaming:
            return grpc.stream_stream_rpc_method_handler(_deny)
        if handler.request_streaming:
            return grpc.stream_unary_rpc_method_handler(_deny)
        if handler.response_streaming:
            return grpc.unary_stream_rpc_method_handler(_deny)
        return grpc.unary_unary_rpc_method_handler(_deny)
