'use strict';
// flavorhost's error model (docs/errors.md): a gRPC status code plus a google.rpc.Status in the
// `grpc-status-details-bin` trailer, holding one google.rpc.ErrorInfo of domain "flavorhost"
// whose reason names a flavorhost.v1.ErrorReason. The three Google messages are declared here
// with protobufjs, not loaded from Google's .proto files.

const os = require('node:os');
const grpc = require('@grpc/grpc-js');
const protobuf = require('protobufjs');

const DOMAIN = 'flavorhost';
const ERROR_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.ErrorInfo';

const googleTypes = protobuf.Root.fromJSON({
  nested: {
    google: {
      nested: {
        protobuf: {
          nested: {
            Any: {
              fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } },
            },
          },
        },
        rpc: {
          nested: {
            Status: {
              fields: {
                code: { type: 'int32', id: 1 },
                message: { type: 'string', id: 2 },
                details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 },
              },
            },
            ErrorInfo: {
              fields: {
                reason: { type: 'string', id: 1 },
                domain: { type: 'string', id: 2 },
                metadata: { keyType: 'string', type: 'string', id: 3 },
              },
            },
          },
        },
      },
    },
  },
});
const Status = googleTypes.lookupType('google.rpc.Status');
const ErrorInfo = googleTypes.lookupType('google.rpc.ErrorInfo');

// The closed table of docs/errors.md: each reason has exactly one status code.
const REASON_CODES = {
  FILE_NOT_FOUND: grpc.status.NOT_FOUND,
  FILE_EXISTS: grpc.status.ALREADY_EXISTS,
  IS_A_DIRECTORY: grpc.status.FAILED_PRECONDITION,
  NOT_A_DIRECTORY: grpc.status.FAILED_PRECONDITION,
  DIRECTORY_NOT_EMPTY: grpc.status.FAILED_PRECONDITION,
  PERMISSION: grpc.status.PERMISSION_DENIED,
  INVALID_CONFIG: grpc.status.INVALID_ARGUMENT,
  INVALID_ARGUMENT: grpc.status.INVALID_ARGUMENT,
  ENTITY_NOT_FOUND: grpc.status.NOT_FOUND,
  ENTITY_EXISTS: grpc.status.ALREADY_EXISTS,
  ENTITY_IN_USE: grpc.status.FAILED_PRECONDITION,
  FLAVOR_SOURCE: grpc.status.INVALID_ARGUMENT,
  COMPONENT_UNAVAILABLE: grpc.status.UNAVAILABLE,
  NOT_IMPLEMENTED: grpc.status.UNIMPLEMENTED,
  FLAVOR_ERROR: grpc.status.INTERNAL,
  OS_ERROR: grpc.status.UNKNOWN,
  COMPONENT_TIMEOUT: grpc.status.DEADLINE_EXCEEDED,
  LIMIT_EXCEEDED: grpc.status.RESOURCE_EXHAUSTED,
  MALFORMED_REQUEST: grpc.status.INVALID_ARGUMENT,
  FILE_CHANGED: grpc.status.FAILED_PRECONDITION,
  COMPONENT_NOT_CONFIGURED: grpc.status.FAILED_PRECONDITION,
};

// OS errors by errno name, as Python's OSError subclasses classify them (errors.encode).
const OS_REASONS = {
  ENOENT: 'FILE_NOT_FOUND',
  EEXIST: 'FILE_EXISTS',
  EISDIR: 'IS_A_DIRECTORY',
  ENOTDIR: 'NOT_A_DIRECTORY',
  EACCES: 'PERMISSION',
  EPERM: 'PERMISSION',
  ENOTEMPTY: 'DIRECTORY_NOT_EMPTY',
};

// glibc's strerror texts, so that a client rebuilds the exception exactly as Python would
// have raised it: `[Errno 2] No such file or directory: '/store/x'`.
const STRERROR = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EIO: 'Input/output error',
  EBADF: 'Bad file descriptor',
  EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  EXDEV: 'Invalid cross-device link',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  ENFILE: 'Too many open files in system',
  EMFILE: 'Too many open files',
  ETXTBSY: 'Text file busy',
  EFBIG: 'File too large',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  EMLINK: 'Too many links',
  ENAMETOOLONG: 'File name too long',
  ENOTEMPTY: 'Directory not empty',
  ELOOP: 'Too many levels of symbolic links',
  ESTALE: 'Stale file handle',
  EDQUOT: 'Disk quota exceeded',
};

/** A failure with its flavorhost reason, human-readable message and ErrorInfo metadata. */
class FlavorError extends Error {
  constructor(reason, message, metadata = {}) {
    super(message);
    this.name = 'FlavorError';
    this.reason = reason;
    this.metadata = metadata;
  }
}

/** An OSError as Python would send it: `errno` and `path` metadata, message the strerror. */
function osError(code, path, message = STRERROR[code] || code) {
  const number = os.constants.errno[code] || 0;
  const metadata = number ? { errno: String(number) } : {};
  if (path !== undefined && path !== null) {
    metadata.path = String(path);
  }
  return new FlavorError(OS_REASONS[code] || 'OS_ERROR', message, metadata);
}

/** FILE_CHANGED (errno ESTALE): the file a reader reopens was replaced since it read it. */
function fileChanged(path) {
  const error = osError(
    'ESTALE',
    path,
    'the file was replaced while it was open for reading; read it again from the start',
  );
  error.reason = 'FILE_CHANGED';
  return error;
}

function invalidArgument(message) {
  return new FlavorError('INVALID_ARGUMENT', message);
}

/** A status without flavorhost details, for replies of the standard services (Health). */
class StatusError extends Error {
  constructor(code, details) {
    super(details);
    this.name = 'StatusError';
    this.code = code;
  }
}

/** The FlavorError for anything thrown while serving a call (unknown errors: FLAVOR_ERROR). */
function classify(error) {
  if (error instanceof FlavorError) {
    return error;
  }
  if (error && typeof error.code === 'string' && typeof error.syscall === 'string') {
    // A Node.js system error: err.path is the path the system call was given.
    const message = STRERROR[error.code] || systemMessage(error);
    return osError(error.code, error.path, message);
  }
  const kind = (error && error.constructor && error.constructor.name) || 'Error';
  return new FlavorError('FLAVOR_ERROR', `${kind}: ${error && error.message}`);
}

// "ENOENT: no such file or directory, open '/x'" -> "No such file or directory".
function systemMessage(error) {
  const text = String(error.message || error.code);
  const body = text.replace(/^[A-Z0-9_]+: /, '').replace(/, \w+ '.*$/s, '');
  return body.charAt(0).toUpperCase() + body.slice(1);
}

/** The serialized google.rpc.Status that carries `error` (also used outside gRPC calls). */
function statusDetails(error) {
  const info = ErrorInfo.encode(
    ErrorInfo.fromObject({ reason: error.reason, domain: DOMAIN, metadata: error.metadata }),
  ).finish();
  return Buffer.from(
    Status.encode(
      Status.fromObject({
        code: REASON_CODES[error.reason] ?? grpc.status.UNKNOWN,
        message: error.message,
        details: [{ type_url: ERROR_INFO_TYPE_URL, value: info }],
      }),
    ).finish(),
  );
}

/** The status object grpc-js sends for a thrown error: code, message, ErrorInfo trailer. */
function toStatus(thrown) {
  if (thrown instanceof StatusError) {
    return bareStatus(thrown.code, thrown.message);
  }
  const error = classify(thrown);
  const metadata = new grpc.Metadata();
  metadata.set('grpc-status-details-bin', statusDetails(error));
  return {
    code: REASON_CODES[error.reason] ?? grpc.status.UNKNOWN,
    details: error.message,
    metadata,
  };
}

/** A status without flavorhost details (UNAUTHENTICATED refusals). */
function bareStatus(code, details) {
  return { code, details, metadata: new grpc.Metadata() };
}

module.exports = {
  FlavorError,
  REASON_CODES,
  StatusError,
  bareStatus,
  classify,
  fileChanged,
  invalidArgument,
  osError,
  statusDetails,
  toStatus,
};
