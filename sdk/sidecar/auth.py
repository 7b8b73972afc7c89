"""Who may call a sidecar: the host (the per-launch token), or a client holding the host's grant
for the component it calls (component services only, never Lifecycle)."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

import grpc

from flavorhost import grants
from flavorhost.protocol import COMPONENT_METADATA_KEY, GRANT_METADATA_KEY, TOKEN_METADATA_KEY

# Services a grant never opens: only the host configures, releases and stops a sidecar.
HOST_ONLY_PREFIX = "/flavorhost.v1.Lifecycle/"


def _deny(request: Any, context: grpc.ServicerContext) -> Any:
    context.abort(
        grpc.StatusCode.UNAUTHENTICATED,
        "missing or wrong flavorhost-token, and no valid flavorhost-grant for this component; "
        "ask the host for a new grant (Host/OpenComponent)",
    )


class TokenInterceptor(grpc.ServerInterceptor):
    """Rejects calls that carry neither this launch's token nor a valid grant for the component
    they name."""

    def __init__(self, token: str) -> None:
        self._token = token.encode()
        self._grants = grants.GrantChecker(token)

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
        grant = str(metadata.get(GRANT_METADATA_KEY, ""))
        component = str(metadata.get(COMPONENT_METADATA_KEY, ""))
        opens = grant and not handler_call_details.method.startswith(HOST_ONLY_PREFIX)
        if opens and self._grants.verify(component, grant):
            return handler
        # Answer with a handler of the same shape, so streaming calls are refused cleanly too.
        if handler.request_streaming and handler.response_streaming:
            return grpc.stream_stream_rpc_method_handler(_deny)
        if handler.request_streaming:
            return grpc.stream_unary_rpc_method_handler(_deny)
        if handler.response_streaming:
            return grpc.unary_stream_rpc_method_handler(_deny)
        return grpc.unary_unary_rpc_method_handler(_deny)
