"""Reaching a host over TCP: `FLAVORHOST_HOST_ADDRESS`, its token and, for TLS, its CA.

The token travels as gRPC call credentials (`authorization: Bearer <token>`), which gRPC attaches
to every call, streams included, and sends only over TLS or a loopback (local) connection: a
misconfigured client fails to connect rather than leak the token in clear text.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from flavorhost.errors import HostUnavailableError
from flavorhost.protocol import GRPC_OPTIONS

ADDRESS_ENV = "FLAVORHOST_HOST_ADDRESS"
TOKEN_ENV = "FLAVORHOST_HOST_TOKEN"
TOKEN_FILE_ENV = "FLAVORHOST_HOST_TOKEN_FILE"
CA_ENV = "FLAVORHOST_HOST_CA"
# The file in the host's home that holds a generated token (mode 0600).
TOKEN_FILE_NAME = "host-token"
# The file in the host's home that holds the bound TCP address, for clients on the machine.
ADDRESS_FILE_NAME = "host-address"
REMOTE_PING_TIMEOUT_SECONDS = 10.0


def parse_address(text: str) -> tuple[str, int]:
    """`HOST:PORT` (IPv6 as `[::1]:PORT`) as host and port; ValueError names the format."""
    host, sep, port_text = text.strip().rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not sep or not host or not port_text.isdigit() or int(port_text) > 65535:
        raise ValueError(
            f"invalid address {text!r}: expected HOST:PORT, e.g. 127.0.0.1:7411 or [::1]:0"
        )
    return host, int(port_text)


def format_address(host: str, port: int) -> str:
    """The gRPC target for a host and port (IPv6 literals in brackets)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine only: localhost, 127.0.0.0/8 or ::1."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # another host name: it may resolve anywhere


@dataclass(frozen=True)
class RemoteHost:
    """Where the host is and how to prove who we are, as the environment says."""

    address: str
    token: str
    ca_path: Path | None

    @classmethod
    def from_environment(cls) -> RemoteHost | None:
        """The remote host of `FLAVORHOST_HOST_ADDRESS`, or None when it is unset."""
        address = os.environ.get(ADDRESS_ENV, "").strip()
        if not address:
            return None
        parse_address(address)
        token = os.environ.get(TOKEN_ENV, "").strip()
        token_file = os.environ.get(TOKEN_FILE_ENV, "").strip()
        if not token and token_file:
            token = Path(token_file).expanduser().read_text().strip()
        ca = os.environ.get(CA_ENV, "").strip()
        return cls(address, token, Path(ca).expanduser() if ca else None)

    def credentials(self) -> grpc.ChannelCredentials:
        """TLS with the given CA (or the system's roots off loopback), else a local connection."""
        host, _ = parse_address(self.address)
        if self.ca_path is not None:
            channel: grpc.ChannelCredentials = grpc.ssl_channel_credentials(
                root_certificates=self.ca_path.read_bytes()
            )
        elif is_loopback(host):
            channel = grpc.local_channel_credentials(grpc.LocalConnectionType.LOCAL_TCP)
        else:
            channel = grpc.ssl_channel_credentials()
        if not self.token:
            return channel
        return grpc.composite_channel_credentials(
            channel, grpc.access_token_call_credentials(self.token)
        )

    def connect(self) -> grpc.Channel:
        """A channel to the host, checked with one health call (no autostart: it is remote)."""
        channel = grpc.secure_channel(self.address, self.credentials(), options=GRPC_OPTIONS)
        try:
            health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(), timeout=REMOTE_PING_TIMEOUT_SECONDS
            )
        except grpc.RpcError as error:
            channel.close()
            raise HostUnavailableError(self._explain(error)) from error
        return channel

    def _explain(self, error: grpc.RpcError) -> str:
        call: grpc.Call = error  # type: ignore[assignment]
        where = f"the flavorhost host at {self.address} ({ADDRESS_ENV})"
        if call.code() == grpc.StatusCode.UNAUTHENTICATED:
            given = "" if self.token else f"; neither {TOKEN_ENV} nor {TOKEN_FILE_ENV} is set"
            return f"{where} refused the call: {call.details()}{given}"
        tls = f" with the CA in {self.ca_path}" if self.ca_path else ""
        return (
            f"{where} does not answer{tls}: {call.code().name}: {call.details()}; is it "
            f"started with `flavorhost host start --address ...`, and does {CA_ENV} hold its "
            f"CA when it uses TLS?"
        )
