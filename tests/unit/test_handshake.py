"""The sidecar handshake line."""

import pytest

from flavorhost.protocol import CORE_VERSION, PROTOCOL_VERSION, Handshake, HandshakeError


def test_round_trip() -> None:
    shake = Handshake(CORE_VERSION, PROTOCOL_VERSION, "unix", "/tmp/x/s.sock")
    assert Handshake.parse(shake.line() + "\n") == shake
    assert shake.target == "unix:///tmp/x/s.sock"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("hello world", "expected 'CORE|PROTOCOL|NETWORK|ADDRESS|grpc'"),
        ("9|1|unix|/s|grpc", "core version 9"),
        ("1|7|unix|/s|grpc", "protocol version 7"),
        ("1|1|tcp|127.0.0.1:1|grpc", "needs unix/grpc"),
    ],
)
def test_bad_lines_say_what_was_expected(line: str, message: str) -> None:
    with pytest.raises(HandshakeError, match=message.replace("|", r"\|")):
        Handshake.parse(line)
