"""The host's optional TCP listener (`--address HOST:PORT`): a token always, TLS off loopback.

The unix socket needs no token: its 0600 mode in a 0700 home is the access control. TCP has no
such protection, so every call that arrives over TCP, health checks included, must carry
`authorization: Bearer <token>`. Nothing is reachable without the token, so an unauthenticated
peer cannot even learn whether a host is healthy.

The TCP port is added to the host's one gRPC server, and `TokenGate` tells the two listeners apart
by the transport the call came in on (`context.peer()` is `unix:` for the socket). One server
keeps one thread pool, one set of server options (message sizes, concurrency limits) and one
registration of every service: a service added later is guarded without anyone remembering to
add it to a second server. The gate fails closed: any peer that is not `unix:` needs the token.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc

from flavorhost.remote_host import (
    ADDRESS_FILE_NAME,
    TOKEN_ENV,
    TOKEN_FILE_ENV,
    TOKEN_FILE_NAME,
    format_address,
    is_loopback,
    parse_address,
)

logger = logging.getLogger(__name__)

AUTHORIZATION_KEY = "authorization"
BEARER = "Bearer "
UNIX_PEER_PREFIX = "unix:"
DENIED = (
    "this flavorhost host's TCP listener needs its token: send `authorization: Bearer <token>` "
    f"(the SDK and CLI send {TOKEN_ENV}, or the contents of the file {TOKEN_FILE_ENV} names); "
    f"the token is in `{TOKEN_FILE_NAME}` in the host's FLAVORHOST_HOME on its machine, or in "
    "the --token-file it was started with"
)


class RemoteAccessError(ValueError):
    """TCP options that must not start a host (bad address, TLS missing off loopback, ...)."""


@dataclass(frozen=True)
class TcpOptions:
    """What `--address`, `--token-file`, `--tls-cert` and `--tls-key` ask for, checked."""

    host: str
    port: int
    token_file: Path | None
    tls_cert: Path | None
    tls_key: Path | None

    @classmethod
    def check(
        cls,
        address: str,
        token_file: Path | None = None,
        tls_cert: Path | None = None,
        tls_key: Path | None = None,
    ) -> TcpOptions:
        """Refuses what would be unsafe or cannot work, before anything is started."""
        try:
            host, port = parse_address(address)
        except ValueError as error:
            raise RemoteAccessError(str(error)) from None
        if (tls_cert is None) != (tls_key is None):
            raise RemoteAccessError("--tls-cert and --tls-key go together: give both or neither")
        if tls_cert is None and not is_loopback(host):
            raise RemoteAccessError(
                f"refusing to listen on {address} without TLS: the token would travel in clear "
                "text; give --tls-cert and --tls-key, or listen on a loopback address "
                "(127.0.0.1, ::1, localhost)"
            )
        options = cls(
            host,
            port,
            token_file.absolute() if token_file else None,
            tls_cert.absolute() if tls_cert else None,
            tls_key.absolute() if tls_key else None,
        )
        options.read_token()
        options.server_credentials()
        return options

    @property
    def tls(self) -> bool:
        """Whether the listener uses TLS."""
        return self.tls_cert is not None

    def read_token(self) -> str | None:
        """The token of `--token-file`, or None when the host generates one."""
        if self.token_file is None:
            return None
        try:
            token = self.token_file.read_text().strip()
        except OSError as error:
            message = f"cannot read --token-file {self.token_file}: {error}"
            raise RemoteAccessError(message) from None
        if not token:
            raise RemoteAccessError(f"--token-file {self.token_file} is empty")
        return token

    def server_credentials(self) -> grpc.ServerCredentials:
        """TLS from the PEM files, or a local (loopback-only) listener."""
        if self.tls_cert is None or self.tls_key is None:
            return grpc.local_server_credentials(grpc.LocalConnectionType.LOCAL_TCP)
        try:
            pair = (self.tls_key.read_bytes(), self.tls_cert.read_bytes())
        except OSError as error:
            raise RemoteAccessError(f"cannot read the TLS key or certificate: {error}") from None
        return grpc.ssl_server_credentials([pair])

    def argv(self) -> list[str]:
        """The same options for `python -m flavorhost.host` (absolute paths)."""
        args = ["--address", format_address(self.host, self.port)]
        if self.token_file:
            args += ["--token-file", str(self.token_file)]
        if self.tls_cert and self.tls_key:
            args += ["--tls-cert", str(self.tls_cert), "--tls-key", str(self.tls_key)]
        return args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The TCP options of `python -m flavorhost.host`."""
    parser.add_argument("--address", help="also listen on TCP HOST:PORT (port 0: any free port)")
    parser.add_argument("--token-file", type=Path, help="the TCP token (default: generated)")
    parser.add_argument("--tls-cert", type=Path, help="TLS certificate chain (PEM) for TCP")
    parser.add_argument("--tls-key", type=Path, help="TLS private key (PEM) for TCP")


def options_from_arguments(parsed: argparse.Namespace) -> TcpOptions | None:
    """The checked TCP options of parsed arguments, or None without `--address`."""
    if not parsed.address:
        if parsed.token_file or parsed.tls_cert or parsed.tls_key:
            raise RemoteAccessError("--token-file, --tls-cert and --tls-key need --address")
        return None
    return TcpOptions.check(parsed.address, parsed.token_file, parsed.tls_cert, parsed.tls_key)


def _bearer_token(metadata: Any) -> bytes:
    for key, value in metadata or ():
        if key == AUTHORIZATION_KEY and isinstance(value, str) and value.startswith(BEARER):
            return value[len(BEARER) :].strip().encode()
    return b""


class TokenGate(grpc.ServerInterceptor):
    """Lets calls from the unix socket through; calls from anywhere else need the token."""

    def __init__(self, token: str | None) -> None:
        # Without a TCP listener there is no token, and no non-unix peer is let in.
        self._token = token.encode() if token else None

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler[Any, Any] | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        handler = continuation(handler_call_details)
        given = _bearer_token(handler_call_details.invocation_metadata)
        if handler is None or (self._token and hmac.compare_digest(given, self._token)):
            return handler
        # The peer is known only once the call runs: guard the behaviour, same shape.
        return _unix_only(handler)


def _refuse_unless_unix(context: grpc.ServicerContext) -> None:
    if not context.peer().startswith(UNIX_PEER_PREFIX):
        context.abort(grpc.StatusCode.UNAUTHENTICATED, DENIED)


def _unix_only(handler: grpc.RpcMethodHandler[Any, Any]) -> grpc.RpcMethodHandler[Any, Any]:
    if handler.request_streaming and handler.response_streaming:
        stream_stream = handler.stream_stream
        assert stream_stream is not None  # the handler's shape says so

        def both(requests: Iterator[Any], context: grpc.ServicerContext) -> Iterator[Any]:
            _refuse_unless_unix(context)
            yield from stream_stream(requests, context)

        return grpc.stream_stream_rpc_method_handler(
            both, handler.request_deserializer, handler.response_serializer
        )
    if handler.request_streaming:
        stream_unary = handler.stream_unary
        assert stream_unary is not None  # the handler's shape says so

        def upload(requests: Iterator[Any], context: grpc.ServicerContext) -> Any:
            _refuse_unless_unix(context)
            return stream_unary(requests, context)

        return grpc.stream_unary_rpc_method_handler(
            upload, handler.request_deserializer, handler.response_serializer
        )
    if handler.response_streaming:
        unary_stream = handler.unary_stream
        assert unary_stream is not None  # the handler's shape says so

        def download(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
            _refuse_unless_unix(context)
            yield from unary_stream(request, context)

        return grpc.unary_stream_rpc_method_handler(
            download, handler.request_deserializer, handler.response_serializer
        )
    unary_unary = handler.unary_unary
    assert unary_unary is not None  # the handler's shape says so

    def unary(request: Any, context: grpc.ServicerContext) -> Any:
        _refuse_unless_unix(context)
        return unary_unary(request, context)

    return grpc.unary_unary_rpc_method_handler(
        unary, handler.request_deserializer, handler.response_serializer
    )


class RemoteAccess:
    """The TCP listener of one host: its token, its port, and the files that announce them."""

    def __init__(self, home: Path, options: TcpOptions | None) -> None:
        self.home = home
        self.options = options
        given = options.read_token() if options else None
        self._generated = options is not None and given is None
        self._token = given or (secrets.token_urlsafe(32) if options else None)
        self.gate = TokenGate(self._token)
        self.address = ""

    @property
    def token_file(self) -> Path | None:
        """Where the token is, on this machine; None without TCP."""
        if self.options is None:
            return None
        return self.options.token_file or self.home / TOKEN_FILE_NAME

    def bind(self, server: grpc.Server) -> None:
        """Adds the TCP port to `server` (before it starts); RuntimeError if it cannot bind."""
        if self.options is None:
            return
        target = format_address(self.options.host, self.options.port)
        port = server.add_secure_port(target, self.options.server_credentials())
        if port == 0:
            raise RuntimeError(f"cannot listen on {target}")
        self.address = format_address(self.options.host, port)

    def publish(self) -> None:
        """Writes the token (if generated, mode 0600) and the bound address into the home.

        Called once the host holds its home's lock, so a host that refuses to start never
        overwrites the files of the one that runs.
        """
        if self.options is None:
            return
        if self._generated and self._token:
            _write_private(self.home / TOKEN_FILE_NAME, self._token + "\n")
        _write_private(self.home / ADDRESS_FILE_NAME, self.address + "\n")
        logger.info(
            "also listening on TCP %s (%s); token in %s",
            self.address,
            "TLS" if self.options.tls else "loopback, no TLS",
            self.token_file,
        )

    def close(self) -> None:
        """Removes the files `publish()` wrote."""
        if self.options is None:
            return
        (self.home / ADDRESS_FILE_NAME).unlink(missing_ok=True)
        if self._generated:
            (self.home / TOKEN_FILE_NAME).unlink(missing_ok=True)


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        os.fchmod(file.fileno(), 0o600)  # an older file may have had a wider mode
        file.write(text)
