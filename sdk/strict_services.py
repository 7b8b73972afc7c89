"""Serving a proto service so that undecodable requests get INVALID_ARGUMENT, not INTERNAL.

grpc's generated `add_*Servicer_to_server` decode requests before the servicer runs and answer
bytes that do not parse with INTERNAL ("Exception deserializing request!"), which blames the
server for the caller's mistake. Here the handlers take raw bytes and decode them themselves, so a
malformed request ends with MALFORMED_REQUEST naming the method and the expected message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import grpc
from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor
from google.protobuf.message import DecodeError, Message
from google.protobuf.message_factory import GetMessageClass

from flavorhost import errors


def add_servicer(server: grpc.Server, servicer: Any, service: ServiceDescriptor) -> None:
    """Adds every method of `service`, implemented by the same-named methods of `servicer`."""
    handlers = {
        method.name: _handler(method, getattr(servicer, method.name)) for method in service.methods
    }
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler(service.full_name, handlers),)
    )


def _handler(
    method: MethodDescriptor, behavior: Callable[..., Any]
) -> grpc.RpcMethodHandler[Any, Any]:
    request_class = GetMessageClass(method.input_type)
    serialize = GetMessageClass(method.output_type).SerializeToString

    def decode(data: bytes, context: grpc.ServicerContext) -> Message:
        try:
            return request_class.FromString(data)
        except DecodeError as error:
            errors.abort(
                context,
                errors.MalformedRequestError(
                    f"the request to {method.full_name} is not a valid "
                    f"{method.input_type.full_name} message ({error}); build it from "
                    "protos/flavorhost/v1"
                ),
            )

    def unary(data: bytes, context: grpc.ServicerContext) -> Any:
        return behavior(decode(data, context), context)

    def streaming(requests: Iterator[bytes], context: grpc.ServicerContext) -> Any:
        return behavior((decode(data, context) for data in requests), context)

    kinds = {
        (False, False): grpc.unary_unary_rpc_method_handler,
        (False, True): grpc.unary_stream_rpc_method_handler,
        (True, False): grpc.stream_unary_rpc_method_handler,
        (True, True): grpc.stream_stream_rpc_method_handler,
    }
    make = kinds[(method.client_streaming, method.server_streaming)]
    return make(streaming if method.client_streaming else unary, response_serializer=serialize)
