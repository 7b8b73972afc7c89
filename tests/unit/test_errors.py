"""The error table is closed, complete and round-trips through real gRPC statuses."""

import errno
import re

import grpc
import pytest

from flavorhost import errors
from flavorhost.generated.v1 import common_pb2
from tests.conftest import REPO

REASON_NAMES = [
    name
    for name in common_pb2.ErrorReason.keys()  # noqa: SIM118 - an EnumTypeWrapper, not a dict
    if name != "ERROR_REASON_UNSPECIFIED"
]


def test_every_proto_reason_has_a_row_and_no_row_is_extra() -> None:
    assert sorted(errors.REASONS) == sorted(REASON_NAMES)


def test_docs_table_lists_every_reason() -> None:
    text = (REPO / "docs" / "errors.md").read_text()
    documented = set(re.findall(r"`([A-Z_]+)`", text))
    assert set(REASON_NAMES) <= documented


class _FakeCall(grpc.RpcError, grpc.Call):  # type: ignore[misc]
    """A finished call carrying a status, as a client sees it (no network needed)."""

    def __init__(self, code: grpc.StatusCode, details: str, trailing_metadata: tuple) -> None:
        self._code, self._details, self._trailing = code, details, trailing_metadata

    @classmethod
    def of(cls, status: grpc.Status) -> "_FakeCall":
        return cls(status.code, status.details, status.trailing_metadata)

    def code(self) -> grpc.StatusCode:
        return self._code

    def details(self) -> str:
        return self._details

    def trailing_metadata(self):  # type: ignore[no-untyped-def]
        return self._trailing

    def initial_metadata(self):  # type: ignore[no-untyped-def]
        return ()

    def is_active(self) -> bool:
        return False

    def time_remaining(self) -> None:
        return None

    def cancel(self) -> bool:
        return False

    def add_callback(self, callback):  # type: ignore[no-untyped-def]
        return False


def _round_trip(error: BaseException) -> Exception:
    return errors.from_rpc_error(_FakeCall.of(errors.to_status(error)))


@pytest.mark.parametrize(
    ("error", "expected", "code"),
    [
        (FileNotFoundError(errno.ENOENT, "No such file", "/x"), FileNotFoundError, "NOT_FOUND"),
        (FileExistsError(errno.EEXIST, "exists", "/x"), FileExistsError, "ALREADY_EXISTS"),
        (IsADirectoryError(errno.EISDIR, "dir", "/x"), IsADirectoryError, "FAILED_PRECONDITION"),
        (
            NotADirectoryError(errno.ENOTDIR, "file", "/x"),
            NotADirectoryError,
            "FAILED_PRECONDITION",
        ),
        (PermissionError(errno.EACCES, "outside", "/x"), PermissionError, "PERMISSION_DENIED"),
        (errors.ConfigValidationError("bad", field="path"), errors.ConfigValidationError, None),
        (errors.EntityNotFoundError("none"), errors.EntityNotFoundError, "NOT_FOUND"),
        (NotImplementedError("nope"), NotImplementedError, "UNIMPLEMENTED"),
        (RuntimeError("boom"), errors.FlavorImplementationError, "INTERNAL"),
        (ValueError("bad"), ValueError, "INVALID_ARGUMENT"),
    ],
)
def test_exceptions_round_trip(error: BaseException, expected: type, code: str | None) -> None:
    status = errors.to_status(error)
    if code:
        assert status.code.name == code
    rebuilt = _round_trip(error)
    assert type(rebuilt) is expected
    if isinstance(error, OSError):
        assert isinstance(rebuilt, OSError)
        assert (rebuilt.errno, rebuilt.filename) == (error.errno, error.filename)
        assert str(rebuilt) == str(error)


def test_config_error_keeps_its_field() -> None:
    rebuilt = _round_trip(errors.ConfigValidationError("field 'path' is required", field="path"))
    assert isinstance(rebuilt, errors.ConfigValidationError)
    assert rebuilt.field == "path"


def test_a_status_without_details_maps_by_code_alone() -> None:
    bare = _FakeCall(grpc.StatusCode.UNAVAILABLE, "socket closed", ())
    assert isinstance(errors.from_rpc_error(bare), errors.ComponentUnavailableError)
    assert isinstance(
        errors.from_rpc_error(_FakeCall(grpc.StatusCode.DEADLINE_EXCEEDED, "late", ())),
        TimeoutError,
    )
