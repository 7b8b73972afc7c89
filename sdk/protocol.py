"""Constants of the wire protocol, and the sidecar handshake line (docs/protocol.md).

A sidecar announces readiness with one line on stdout, in the manner of HashiCorp go-plugin:
`CORE-VERSION|PROTOCOL-VERSION|NETWORK|ADDRESS|grpc`, for example
`1|1|unix|/tmp/fh-x/local.sock|grpc`.
"""

from __future__ import annotations

from dataclasses import dataclass

CORE_VERSION = 1
PROTOCOL_VERSION = 1

COMPONENT_METADATA_KEY = "flavorhost-component"
# Names the component's type on calls of flavorhost.v1.StackComponent through the host.
COMPONENT_TYPE_METADATA_KEY = "flavorhost-component-type"
TOKEN_METADATA_KEY = "flavorhost-token"
# A host-minted grant (sdk/grants.py) that lets a client call one component's sidecar directly.
GRANT_METADATA_KEY = "flavorhost-grant"

# Environment the host gives a sidecar.
COOKIE_ENV = "FLAVORHOST_PLUGIN_COOKIE"
COOKIE_VALUE = "a3f1c6e2-flavorhost-sidecar"
TOKEN_ENV = "FLAVORHOST_SIDECAR_TOKEN"
FLAVOR_SOURCE_ENV = "FLAVORHOST_FLAVOR_SOURCE"
SOURCE_ROOT_ENV = "FLAVORHOST_SOURCE_ROOT"
SOCKET_DIR_ENV = "FLAVORHOST_SOCKET_DIR"
# Every sidecar, whatever its language, is told which flavor it runs as.
FLAVOR_NAME_ENV = "FLAVORHOST_FLAVOR_NAME"
COMPONENT_TYPE_ENV = "FLAVORHOST_COMPONENT_TYPE"
# Set by the host for each launch; a manifest's `launch.env` may not set them.
LAUNCH_ENV_NAMES = frozenset(
    {COOKIE_ENV, TOKEN_ENV, SOCKET_DIR_ENV, FLAVOR_NAME_ENV, COMPONENT_TYPE_ENV}
)

# File contents travel in chunks well below gRPC's 4 MiB default message limit; limits are still
# set explicitly on every endpoint so a larger chunk fails loudly rather than at exactly 4 MiB.
# 512 KiB: with 1 MiB chunks a host forwarding 16 streams held about 100 MiB more (bench/README.md).
CHUNK_SIZE = 512 << 10
MAX_MESSAGE_BYTES = 16 << 20
GRPC_OPTIONS = [
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
]
SERVER_OPTIONS = [*GRPC_OPTIONS, ("grpc.so_reuseport", 0)]
# For endpoints on unix sockets only. gRPC's bandwidth-delay probing grows each stream's
# flow-control window to many MiB; on a local socket that buys no speed, but a host forwarding 16
# streams held 0.5-1.2 GiB more for it (bench/README.md). TCP endpoints keep probing, which
# links with real latency need.
_LOCAL_TUNING = [("grpc.http2.bdp_probe", 0)]
LOCAL_GRPC_OPTIONS = [*GRPC_OPTIONS, *_LOCAL_TUNING]
LOCAL_SERVER_OPTIONS = [*SERVER_OPTIONS, *_LOCAL_TUNING]
# Calls a host or Python sidecar serves at once (each open stream holds one); more fail at once
# with RESOURCE_EXHAUSTED rather than wait behind streams that may stay open for long. The host's
# limit can be changed with this environment variable.
MAX_CONCURRENT_CALLS = 128
MAX_CONCURRENT_CALLS_ENV = "FLAVORHOST_MAX_CONCURRENT_CALLS"

# A component's call deadline when it sets none (`--call-timeout`): each call, and each wait on a
# stream, may take this long before the host deems the sidecar hung and kills it.
DEFAULT_CALL_TIMEOUT_SECONDS = 300.0
# The SDK's own deadline on a unary component call is the component's call timeout plus this much:
# the host may first have to start the sidecar (handshake, back-off after a crash). It only fires
# when the host itself stops answering; a hung sidecar is the host's to detect.
CLIENT_DEADLINE_MARGIN_SECONDS = 120.0
# The SDK's deadline on unary registry, secrets and host calls.
REGISTRY_CALL_TIMEOUT_SECONDS = 120.0


class HandshakeError(ValueError):
    """A sidecar's first stdout line is not a handshake this host understands."""


@dataclass(frozen=True)
class Handshake:
    """What a sidecar's handshake line says."""

    core_version: int
    protocol_version: int
    network: str
    address: str
    protocol: str = "grpc"

    def line(self) -> str:
        """The line a sidecar prints."""
        return (
            f"{self.core_version}|{self.protocol_version}|{self.network}|{self.address}"
            f"|{self.protocol}"
        )

    @property
    def target(self) -> str:
        """The gRPC target to dial."""
        return f"unix://{self.address}" if self.network == "unix" else self.address

    @classmethod
    def parse(cls, line: str) -> Handshake:
        """Parses and checks a handshake line."""
        parts = line.strip().split("|")
        if len(parts) != 5:
            raise HandshakeError(
                f"expected 'CORE|PROTOCOL|NETWORK|ADDRESS|grpc' on the sidecar's first stdout "
                f"line, got {line.strip()[:200]!r}"
            )
        core, protocol_version, network, address, protocol = parts
        if core != str(CORE_VERSION):
            raise HandshakeError(f"sidecar speaks core version {core}; this host {CORE_VERSION}")
        if protocol_version != str(PROTOCOL_VERSION):
            raise HandshakeError(
                f"sidecar speaks protocol version {protocol_version}; this host speaks "
                f"{PROTOCOL_VERSION}"
            )
        if network != "unix" or protocol != "grpc":
            raise HandshakeError(f"sidecar offers {network}/{protocol}; this host needs unix/grpc")
        return cls(CORE_VERSION, PROTOCOL_VERSION, network, address, protocol)
