'use strict';
// How every call is admitted and decoded, whatever its service (docs/protocol.md): the token
// or grant check (UNAUTHENTICATED), the limit of calls served at once (RESOURCE_EXHAUSTED,
// LIMIT_EXCEEDED), and decoding requests here rather than in grpc-js, so that bytes that are not
// the method's message get INVALID_ARGUMENT with MALFORMED_REQUEST instead of INTERNAL.
//
// Handlers are async functions. Unary: (request, call) => response. Server streaming:
// (request, call, send) => void, `send(message)` waiting for the client to take it. Bidi:
// (messages, call, send) => void, `messages` an async iterator of decoded requests.

const grpc = require('@grpc/grpc-js');

const { FlavorError, bareStatus, toStatus } = require('./errors');
const { logger } = require('./log');

const log = logger('node_local.calls');
const MAX_CONCURRENT_CALLS = 128;

class CallGate {
  /** Admits calls that `auth` allows, at most `limit` at once. */
  constructor(auth, limit = MAX_CONCURRENT_CALLS) {
    this.auth = auth;
    this.limit = limit;
    this.active = 0;
  }

  /** Adds `service` (a proto-loader definition) to `server`, served by `handlers`. */
  addService(server, service, handlers) {
    const definition = {};
    const implementation = {};
    for (const [name, method] of Object.entries(service)) {
      const handler = handlers[name];
      if (typeof handler !== 'function') {
        throw new Error(`no handler for ${method.path}`);
      }
      definition[name] = { ...method, requestDeserialize: (bytes) => bytes };
      implementation[name] = this.wrap(method, handler);
    }
    server.addService(definition, implementation);
  }

  wrap(method, handler) {
    const decode = (bytes) => {
      try {
        return method.requestDeserialize(bytes);
      } catch (error) {
        const name = method.path.slice(1).replace('/', '.');
        const pkg = name.split('.').slice(0, -2).join('.');
        throw new FlavorError(
          'MALFORMED_REQUEST',
          `the request to ${name} is not a valid ${pkg}.${method.requestType.type.name} ` +
            `message (${error.message}); build it from protos/flavorhost/v1`,
        );
      }
    };
    if (!method.requestStream && !method.responseStream) {
      return (call, callback) => {
        const refusal = this.admit(method.path, call.metadata);
        if (refusal) {
          callback(refusal);
          return;
        }
        Promise.resolve()
          .then(() => handler(decode(call.request), call))
          .then(
            (response) => callback(null, response),
            (error) => callback(this.failure(method.path, error)),
          )
          .finally(() => this.leave());
      };
    }
    return (call) => {
      const refusal = this.admit(method.path, call.metadata);
      if (refusal) {
        endWith(call, refusal);
        return;
      }
      const send = (message) => sendMessage(call, message);
      const input = method.requestStream ? decodedMessages(call, decode) : null;
      Promise.resolve()
        .then(() => handler(input || decode(call.request), call, send))
        .then(
          () => {
            if (!call.cancelled) {
              call.end();
            }
          },
          (error) => {
            if (!call.cancelled && !(error instanceof Cancelled)) {
              endWith(call, this.failure(method.path, error));
            }
          },
        )
        .finally(() => this.leave());
    };
  }

  // The status that refuses a call, or null when it may run (then it counts as active).
  admit(path, metadata) {
    if (!this.auth.allows(path, metadata)) {
      return bareStatus(
        grpc.status.UNAUTHENTICATED,
        'missing or wrong flavorhost-token, and no valid flavorhost-grant for this component; ' +
          'ask the host for a new grant (Host/OpenComponent)',
      );
    }
    if (this.active >= this.limit) {
      return toStatus(
        new FlavorError(
          'LIMIT_EXCEEDED',
          `this sidecar serves at most ${this.limit} calls at once; retry later`,
        ),
      );
    }
    this.active += 1;
    return null;
  }

  leave() {
    this.active -= 1;
  }

  failure(path, error) {
    const status = toStatus(error);
    if (status.code === grpc.status.INTERNAL) {
      log.error(`${path} failed: ${(error && error.stack) || error}`);
    }
    return status;
  }
}

/** Thrown when the client cancelled a stream: nothing more is sent. */
class Cancelled extends Error {}

// Ends a streaming call with a status (unless it was cancelled).
function endWith(call, status) {
  if (!call.cancelled) {
    call.emit('error', status);
  }
}

// Writes one message and waits until grpc-js has taken it; Cancelled if the client went away.
function sendMessage(call, message) {
  return new Promise((resolve, reject) => {
    if (call.cancelled || call.destroyed) {
      reject(new Cancelled('the client cancelled the call'));
      return;
    }
    const onCancel = () => reject(new Cancelled('the client cancelled the call'));
    call.once('cancelled', onCancel);
    call.write(message, (error) => {
      call.removeListener('cancelled', onCancel);
      if (error || call.cancelled) {
        reject(new Cancelled('the client cancelled the call'));
      } else {
        resolve();
      }
    });
  });
}

// The decoded requests of a client stream; a cancelled stream ends in Cancelled.
async function* decodedMessages(call, decode) {
  try {
    // Not destroyed when the handler stops reading early: the call still has to send its status.
    for await (const bytes of call.iterator({ destroyOnReturn: false })) {
      yield decode(bytes);
    }
  } catch (error) {
    if (call.cancelled) {
      throw new Cancelled('the client cancelled the call');
    }
    throw error;
  }
  if (call.cancelled) {
    throw new Cancelled('the client cancelled the call');
  }
}

module.exports = { CallGate, Cancelled, MAX_CONCURRENT_CALLS };
