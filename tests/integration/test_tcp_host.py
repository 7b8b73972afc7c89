"""The host's optional TCP listener: off by default, a token on every call, TLS off loopback."""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from grpc_health.v1 import health_pb2, health_pb2_grpc

from flavorhost import Client
from flavorhost.enums import StackComponentType
from flavorhost.errors import HostUnavailableError
from flavorhost.generated.v1 import host_pb2, host_pb2_grpc
from flavorhost.host_connection import is_running
from flavorhost.remote_host import ADDRESS_ENV, CA_ENV, TOKEN_ENV, TOKEN_FILE_ENV
from tests.conftest import Cli, _free_port

ARTIFACT_STORE = StackComponentType.ARTIFACT_STORE


def start_tcp(cli: Cli, *options: str, address: str = "127.0.0.1:0") -> dict[str, object]:
    """Starts the host with a TCP listener; its status as `host status -o json` prints it."""
    started = cli("host", "start", "--address", address, *options).stdout
    status: dict[str, object] = json.loads(cli("host", "status", "-o", "json").stdout)
    assert f"Also listening on TCP {status['tcp_address']}" in started
    return status


@contextmanager
def remote_client(
    monkeypatch: pytest.MonkeyPatch, address: str, token: str | None, ca: Path | None = None
) -> Iterator[Client]:
    """A Client configured only by the environment, as a pipeline on another machine would be."""
    with monkeypatch.context() as patch:
        patch.setenv(ADDRESS_ENV, address)
        patch.delenv(TOKEN_FILE_ENV, raising=False)
        if token is None:
            patch.delenv(TOKEN_ENV, raising=False)
        else:
            patch.setenv(TOKEN_ENV, token)
        if ca is None:
            patch.delenv(CA_ENV, raising=False)
        else:
            patch.setenv(CA_ENV, str(ca))
        with Client(autostart=False) as client:
            yield client


def write_and_read(client: Client, name: str) -> None:
    """An artifact store round trip through the SDK: a write stream, then a read stream."""
    store = client.active_stack.artifact_store
    payload = os.urandom(3 << 20)  # several chunks each way
    with store.open(f"{store.path}/{name}", "wb") as f:
        f.write(payload)
    with store.open(f"{store.path}/{name}", "rb") as f:
        assert f.read() == payload
    assert name in store.listdir(store.path)


def test_default_start_opens_no_tcp_port(cli: Cli, home: Path) -> None:
    cli("host", "start")
    status = json.loads(cli("host", "status", "-o", "json").stdout)
    assert status["tcp_address"] == "" and not status["tcp_tls"]
    assert "TCP       (none)" in cli("host", "status").stdout
    assert not (home / "host-address").exists() and not (home / "host-token").exists()
    again = cli("host", "start", "--address", "127.0.0.1:0", ok=False)
    assert "does not listen on TCP" in again.stderr


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback")
def test_ipv6_loopback(cli: Cli, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    address = str(start_tcp(cli, address="[::1]:0")["tcp_address"])
    assert address.startswith("[::1]:")
    token = (home / "host-token").read_text().strip()
    with remote_client(monkeypatch, address, token) as client:
        assert client.get_stack().name == "default"


def test_tcp_calls_need_the_token(cli: Cli, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    status = start_tcp(cli)
    address = str(status["tcp_address"])
    assert address.startswith("127.0.0.1:") and not address.endswith(":0")
    assert (home / "host-address").read_text().strip() == address
    token_file = home / "host-token"
    assert status["tcp_token_file"] == str(token_file)
    assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
    token = token_file.read_text().strip()
    assert len(token) >= 32

    with grpc.insecure_channel(address) as channel:
        for metadata in [(), (("authorization", "Bearer wrong"),), (("authorization", token),)]:
            with pytest.raises(grpc.RpcError) as caught:
                health_pb2_grpc.HealthStub(channel).Check(
                    health_pb2.HealthCheckRequest(), metadata=metadata, timeout=10
                )
            assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
            assert "host-token" in str(caught.value.details())
        with pytest.raises(grpc.RpcError) as caught:
            host_pb2_grpc.HostStub(channel).Stop(host_pb2.StopRequest(), timeout=10)
        assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
        # A component stream is refused by the host, never forwarded to a sidecar.
        read = channel.unary_stream("/flavorhost.v1.ArtifactStore/Read")
        with pytest.raises(grpc.RpcError) as caught:
            list(read(b"", metadata=(("flavorhost-component", "default"),), timeout=10))
        assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
        with Client(home, autostart=False) as local:
            assert local.host_status().sidecars == []
        # The raw header that gRPC call credentials send is all it takes.
        health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(),
            metadata=(("authorization", f"Bearer {token}"),),
            timeout=10,
        )

    with (
        pytest.raises(HostUnavailableError, match="neither FLAVORHOST_HOST_TOKEN"),
        remote_client(monkeypatch, address, None),
    ):
        pass
    with (
        pytest.raises(HostUnavailableError, match=r"refused the call: .*host-token"),
        remote_client(monkeypatch, address, "wrong"),
    ):
        pass
    env = {ADDRESS_ENV: address, TOKEN_ENV: "wrong"}
    refused = cli_with(cli, env, "stack", "list", ok=False)
    assert "refused the call" in refused.stderr
    assert is_running(home)


def test_the_sdk_and_cli_work_over_tcp_with_the_token(
    cli: Cli, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    address = str(start_tcp(cli)["tcp_address"])
    token = (home / "host-token").read_text().strip()
    with remote_client(monkeypatch, address, token) as client:
        assert client.host_status().tcp_address == address
        client.register_component(ARTIFACT_STORE, "remote", "local", {"path": str(home / "r")})
        client.register_stack("remote_stack", {ARTIFACT_STORE: "remote"})
        client.activate_stack("remote_stack")
        assert {s.name for s in client.list_stacks()} == {"default", "remote_stack"}
        write_and_read(client, "over_tcp.bin")
    assert len((home / "r" / "over_tcp.bin").read_bytes()) == 3 << 20
    # The unix socket still needs no token.
    with Client(home, autostart=False) as local:
        assert local.get_stack().name == "remote_stack"

    env = {ADDRESS_ENV: address, TOKEN_FILE_ENV: str(home / "host-token")}
    assert "remote_stack" in cli_with(cli, env, "stack", "list").stdout
    status = json.loads(cli_with(cli, env, "host", "status", "-o", "json").stdout)
    assert status["tcp_address"] == address
    assert ADDRESS_ENV in cli_with(cli, env, "host", "start", ok=False).stderr


def test_tls_with_a_token(
    cli: Cli, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = self_signed_certificate(tmp_path)
    token_file = tmp_path / "token"
    token_file.write_text("a-token-of-our-own\n")
    status = start_tcp(
        cli,
        "--tls-cert",
        str(cert),
        "--tls-key",
        str(key),
        "--token-file",
        str(token_file),
    )
    address = str(status["tcp_address"])
    assert status["tcp_tls"] and status["tcp_token_file"] == str(token_file)
    assert not (home / "host-token").exists()  # the given token is not copied

    with remote_client(monkeypatch, address, "a-token-of-our-own", ca=cert) as client:
        write_and_read(client, "over_tls.bin")
    with (
        pytest.raises(HostUnavailableError, match="refused the call"),
        remote_client(monkeypatch, address, "wrong", ca=cert),
    ):
        pass
    # Without the CA the client does not speak TLS, and the host does not answer it.
    with (
        pytest.raises(HostUnavailableError, match="does not answer"),
        remote_client(monkeypatch, address, "a-token-of-our-own"),
    ):
        pass


def test_a_non_loopback_address_without_tls_is_refused(cli: Cli, home: Path) -> None:
    refused = cli("host", "start", "--address", "0.0.0.0:0", ok=False)
    assert "without TLS" in refused.stderr and "clear text" in refused.stderr
    result = subprocess.run(
        [sys.executable, "-m", "flavorhost.host", "--home", str(home), "--address", "0.0.0.0:0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2 and "without TLS" in result.stderr
    half = cli("host", "start", "--address", "127.0.0.1:0", "--tls-cert", __file__, ok=False)
    assert "--tls-cert and --tls-key go together" in half.stderr
    assert "expected HOST:PORT" in cli("host", "start", "--address", "nowhere", ok=False).stderr
    assert not is_running(home) and not (home / "host.sock").exists()


def test_a_remote_host_that_does_not_answer_is_not_started(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    address = f"127.0.0.1:{_free_port()}"
    with (
        pytest.raises(HostUnavailableError, match=rf"host at {address}.*does not answer"),
        remote_client(monkeypatch, address, "token"),
    ):
        pass
    assert not is_running(home)


def cli_with(
    cli: Cli, env: dict[str, str], *args: str, ok: bool = True
) -> subprocess.CompletedProcess[str]:
    """The CLI with more environment (the remote host's address and token)."""
    result = subprocess.run(
        [str(Path(sys.executable).with_name("flavorhost")), *args],
        cwd=cli.cwd,
        env=dict(os.environ, FLAVORHOST_HOME=str(cli.home), **env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (result.returncode == 0) == ok, f"{args}: {result.stdout}\n{result.stderr}"
    return result


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, ::1 and localhost, and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "flavorhost test host")])
    now = datetime.datetime.now(datetime.timezone.utc)
    names = [
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.IPAddress(ipaddress.ip_address("::1")),
    ]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "host.crt", folder / "host.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path
