"""The one error model of flavorhost: exceptions, and how they cross gRPC.

A failure travels as a gRPC status code plus a google.rpc.ErrorInfo whose `reason` is a name of
`flavorhost.v1.ErrorReason` (domain "flavorhost") and whose metadata may carry "path", "errno"
and "field". `REASONS` is the closed table that maps each reason to its status code and to the
Python exception a client raises; nothing in a reply can make a client import or build anything
else. docs/errors.md renders the same table.
"""

from __future__ import annotations

import errno as errno_codes
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, NoReturn, TypeVar

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

DOMAIN = "flavorhost"


class FlavorhostError(Exception):
    """Base class of flavorhost's own errors."""

    reason = "ERROR_REASON_UNSPECIFIED"


class ConfigValidationError(FlavorhostError, ValueError):
    """A component config does not validate; `field` names the first bad field."""

    reason = "INVALID_CONFIG"

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class EntityNotFoundError(FlavorhostError, LookupError):
    """A flavor, component or stack (or a thing a component keeps: an annotator's dataset)
    does not exist."""

    reason = "ENTITY_NOT_FOUND"


class EntityExistsError(FlavorhostError):
    """A flavor, component or stack (or an annotator's dataset) of that name exists already."""

    reason = "ENTITY_EXISTS"


class EntityInUseError(FlavorhostError):
    """The entity is still used (a component by a stack, a flavor by a component)."""

    reason = "ENTITY_IN_USE"


class FlavorSourceError(FlavorhostError, ImportError):
    """A flavor's dotted path could not be imported, or is not a Flavor class."""

    reason = "FLAVOR_SOURCE"


class ComponentUnavailableError(FlavorhostError):
    """A component's sidecar could not be started, or died."""

    reason = "COMPONENT_UNAVAILABLE"


class FlavorImplementationError(FlavorhostError):
    """A flavor implementation raised an unexpected error."""

    reason = "FLAVOR_ERROR"


class ComponentTimeoutError(ComponentUnavailableError, TimeoutError):
    """A component's sidecar overran the component's call deadline and was deemed hung."""

    reason = "COMPONENT_TIMEOUT"


class ComponentNotConfiguredError(ComponentUnavailableError):
    """The sidecar does not hold the component a call names (nothing ran); see the reason."""

    reason = "COMPONENT_NOT_CONFIGURED"


class LimitExceededError(FlavorhostError):
    """A request exceeded a limit of the host or sidecar (message size, concurrent calls)."""

    reason = "LIMIT_EXCEEDED"


class MalformedRequestError(FlavorhostError, ValueError):
    """A request's bytes do not decode as the method's message."""

    reason = "MALFORMED_REQUEST"


class FileChangedError(FlavorhostError, OSError):
    """A file was replaced while it was open for reading (errno ESTALE); read it again."""

    reason = "FILE_CHANGED"


class HostUnavailableError(FlavorhostError):
    """The host daemon could not be reached or started."""

    reason = "ERROR_REASON_UNSPECIFIED"


@dataclass(frozen=True)
class Reason:
    """One row of the error table."""

    code: grpc.StatusCode
    build: Callable[[str, dict[str, str]], Exception]


def _os_error(
    kind: type[OSError], default_errno: int
) -> Callable[[str, dict[str, str]], Exception]:
    def build(message: str, metadata: dict[str, str]) -> Exception:
        number = int(metadata.get("errno") or default_errno)
        if "path" in metadata:
            return kind(number, message, metadata["path"])
        return kind(number, message)

    return build


def _plain(kind: Callable[[str], Exception]) -> Callable[[str, dict[str, str]], Exception]:
    return lambda message, metadata: kind(message)


REASONS: dict[str, Reason] = {
    "FILE_NOT_FOUND": Reason(
        grpc.StatusCode.NOT_FOUND, _os_error(FileNotFoundError, errno_codes.ENOENT)
    ),
    "FILE_EXISTS": Reason(
        grpc.StatusCode.ALREADY_EXISTS, _os_error(FileExistsError, errno_codes.EEXIST)
    ),
    "IS_A_DIRECTORY": Reason(
        grpc.StatusCode.FAILED_PRECONDITION, _os_error(IsADirectoryError, errno_codes.EISDIR)
    ),
    "NOT_A_DIRECTORY": Reason(
        grpc.StatusCode.FAILED_PRECONDITION, _os_error(NotADirectoryError, errno_codes.ENOTDIR)
    ),
    "DIRECTORY_NOT_EMPTY": Reason(
        grpc.StatusCode.FAILED_PRECONDITION, _os_error(OSError, errno_codes.ENOTEMPTY)
    ),
    "PERMISSION": Reason(
        grpc.StatusCode.PERMISSION_DENIED, _os_error(PermissionError, errno_codes.EACCES)
    ),
    "INVALID_CONFIG": Reason(
        grpc.StatusCode.INVALID_ARGUMENT,
        lambda message, metadata: ConfigValidationError(message, metadata.get("field", "")),
    ),
    "INVALID_ARGUMENT": Reason(grpc.StatusCode.INVALID_ARGUMENT, _plain(ValueError)),
    "ENTITY_NOT_FOUND": Reason(grpc.StatusCode.NOT_FOUND, _plain(EntityNotFoundError)),
    "ENTITY_EXISTS": Reason(grpc.StatusCode.ALREADY_EXISTS, _plain(EntityExistsError)),
    "ENTITY_IN_USE": Reason(grpc.StatusCode.FAILED_PRECONDITION, _plain(EntityInUseError)),
    "FLAVOR_SOURCE": Reason(grpc.StatusCode.INVALID_ARGUMENT, _plain(FlavorSourceError)),
    "COMPONENT_UNAVAILABLE": Reason(grpc.StatusCode.UNAVAILABLE, _plain(ComponentUnavailableError)),
    "NOT_IMPLEMENTED": Reason(grpc.StatusCode.UNIMPLEMENTED, _plain(NotImplementedError)),
    "FLAVOR_ERROR": Reason(grpc.StatusCode.INTERNAL, _plain(FlavorImplementationError)),
    "OS_ERROR": Reason(grpc.StatusCode.UNKNOWN, _os_error(OSError, 0)),
    "COMPONENT_TIMEOUT": Reason(grpc.StatusCode.DEADLINE_EXCEEDED, _plain(ComponentTimeoutError)),
    "LIMIT_EXCEEDED": Reason(grpc.StatusCode.RESOURCE_EXHAUSTED, _plain(LimitExceededError)),
    "MALFORMED_REQUEST": Reason(grpc.StatusCode.INVALID_ARGUMENT, _plain(MalformedRequestError)),
    "COMPONENT_NOT_CONFIGURED": Reason(
        grpc.StatusCode.FAILED_PRECONDITION, _plain(ComponentNotConfiguredError)
    ),
    "FILE_CHANGED": Reason(
        grpc.StatusCode.FAILED_PRECONDITION, _os_error(FileChangedError, errno_codes.ESTALE)
    ),
}


def _limit_exceeded(details: str) -> Exception:
    return LimitExceededError(
        f"{details} A flavorhost host or sidecar serves a limited number of calls at once "
        "(each open file holds one until closed or read to the end) and messages of at most "
        "16 MiB: close files you no longer read, retry later, or raise the host's limit with "
        "FLAVORHOST_MAX_CONCURRENT_CALLS."
    )


# Status codes that arrive without flavorhost details (from gRPC itself, or a foreign sidecar).
_BARE_CODES: dict[grpc.StatusCode, Callable[[str], Exception]] = {
    grpc.StatusCode.UNAVAILABLE: ComponentUnavailableError,
    grpc.StatusCode.DEADLINE_EXCEEDED: TimeoutError,
    grpc.StatusCode.INVALID_ARGUMENT: ValueError,
    grpc.StatusCode.UNIMPLEMENTED: NotImplementedError,
    grpc.StatusCode.NOT_FOUND: FileNotFoundError,
    grpc.StatusCode.ALREADY_EXISTS: FileExistsError,
    grpc.StatusCode.PERMISSION_DENIED: PermissionError,
    grpc.StatusCode.UNAUTHENTICATED: PermissionError,
    grpc.StatusCode.RESOURCE_EXHAUSTED: _limit_exceeded,
}

# Exception classes checked in order (subclasses before their bases) when encoding.
_OS_REASONS: list[tuple[type[OSError], str]] = [
    (FileNotFoundError, "FILE_NOT_FOUND"),
    (FileExistsError, "FILE_EXISTS"),
    (IsADirectoryError, "IS_A_DIRECTORY"),
    (NotADirectoryError, "NOT_A_DIRECTORY"),
    (PermissionError, "PERMISSION"),
]


@dataclass(frozen=True)
class EncodedError:
    """An exception as it travels: reason, message and metadata."""

    reason: str
    message: str
    metadata: dict[str, str]

    @property
    def code(self) -> grpc.StatusCode:
        """The gRPC status code of the reason."""
        row = REASONS.get(self.reason)
        return row.code if row else grpc.StatusCode.UNKNOWN


def encode(error: BaseException) -> EncodedError:
    """Classifies an exception by the table; unknown exceptions become FLAVOR_ERROR."""
    if isinstance(error, FlavorhostError) and not isinstance(error, OSError):
        metadata = {"field": error.field} if isinstance(error, ConfigValidationError) else {}
        return EncodedError(error.reason, str(error), metadata)
    if isinstance(error, OSError):
        metadata = {"errno": str(error.errno)} if error.errno else {}
        if error.filename is not None:
            metadata["path"] = str(error.filename)
        message = error.strerror or str(error)
        if isinstance(error, FlavorhostError):  # an OSError of our own, e.g. FileChangedError
            return EncodedError(error.reason, message, metadata)
        for kind, reason in _OS_REASONS:
            if isinstance(error, kind):
                return EncodedError(reason, message, metadata)
        if error.errno == errno_codes.ENOTEMPTY:
            return EncodedError("DIRECTORY_NOT_EMPTY", message, metadata)
        return EncodedError("OS_ERROR", message, metadata)
    if isinstance(error, NotImplementedError):
        return EncodedError("NOT_IMPLEMENTED", str(error) or "not implemented by this flavor", {})
    if isinstance(error, ValueError):
        return EncodedError("INVALID_ARGUMENT", str(error), {})
    return EncodedError("FLAVOR_ERROR", f"{type(error).__name__}: {error}", {})


def to_status_proto(error: BaseException) -> status_pb2.Status:
    """The google.rpc.Status (with an ErrorInfo detail) that carries an exception."""
    encoded = encode(error)
    info = error_details_pb2.ErrorInfo(
        reason=encoded.reason, domain=DOMAIN, metadata=encoded.metadata
    )
    detail = any_pb2.Any()
    detail.Pack(info)
    code_value: int = encoded.code.value[0]
    return status_pb2.Status(code=code_value, message=encoded.message, details=[detail])


def to_status(error: BaseException) -> grpc.Status:
    """The grpc.Status (with ErrorInfo details) that carries an exception."""
    converted: grpc.Status = rpc_status.to_status(to_status_proto(error))
    return converted


def abort(context: grpc.ServicerContext, error: BaseException) -> NoReturn:
    """Ends an RPC with the status that carries `error`."""
    context.abort_with_status(to_status(error))
    raise AssertionError("abort_with_status returned")  # pragma: no cover


F = TypeVar("F", bound=Callable[..., Any])


def servicer_errors(method: F) -> F:
    """Decorates a unary servicer method: exceptions it raises end the call with their status."""

    @wraps(method)
    def call(self: Any, request: Any, context: grpc.ServicerContext) -> Any:
        try:
            return method(self, request, context)
        except grpc.RpcError:
            raise
        except Exception as error:
            abort(context, error)

    return call  # type: ignore[return-value]


def error_info(error: grpc.RpcError) -> error_details_pb2.ErrorInfo | None:
    """The flavorhost ErrorInfo of a failed call, if it carries one."""
    if not isinstance(error, grpc.Call):
        return None
    try:
        status = rpc_status.from_call(error)
    except ValueError:
        return None
    return _status_info(status) if status else None


def _status_info(status: status_pb2.Status) -> error_details_pb2.ErrorInfo | None:
    for detail in status.details:
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info) and info.domain == DOMAIN:
            return info
    return None


_CODES_BY_VALUE = {code.value[0]: code for code in grpc.StatusCode}


def from_status(status: status_pb2.Status) -> Exception:
    """The Python exception a google.rpc.Status stands for (a status sent outside gRPC, as in
    the file handover exchange), by the same table as failed calls."""
    code = _CODES_BY_VALUE.get(status.code, grpc.StatusCode.UNKNOWN)
    return _exception(code, status.message or code.name, _status_info(status))


def is_stale_grant(status: status_pb2.Status) -> bool:
    """Whether a sidecar refused a request because the client's grant or the component's config
    changed: the request did not run, and may be sent again with a new grant."""
    info = _status_info(status)
    if info is None:
        return bool(status.code == grpc.StatusCode.UNAUTHENTICATED.value[0])
    return bool(info.reason == "COMPONENT_NOT_CONFIGURED")


def from_rpc_error(error: grpc.RpcError) -> Exception:
    """The Python exception a failed call stands for, by the closed table."""
    call: Any = error
    code: grpc.StatusCode = call.code()
    return _exception(code, call.details() or code.name, error_info(error))


def _exception(
    code: grpc.StatusCode, details: str, info: error_details_pb2.ErrorInfo | None
) -> Exception:
    if info is not None and info.reason in REASONS:
        return REASONS[info.reason].build(details, dict(info.metadata))
    bare = _BARE_CODES.get(code)
    if bare is not None:
        return bare(details)
    return FlavorhostError(f"{code.name}: {details}")


def raise_from_rpc_error(error: grpc.RpcError) -> NoReturn:
    """Raises the Python exception for a failed call, chained to it."""
    raise from_rpc_error(error) from error
