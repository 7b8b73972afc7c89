'use strict';
// grpc.health.v1.Health: SERVING for '' and the services this sidecar serves, NOT_SERVING once
// it is shutting down; Watch streams end when the sidecar stops.

const grpc = require('@grpc/grpc-js');

const { StatusError } = require('./errors');

class Health {
  constructor(services) {
    this.statuses = new Map(['', ...services].map((name) => [name, 'SERVING']));
    this.watchers = new Set();
    this.stopping = false;
  }

  /** Marks every service NOT_SERVING and ends the Watch streams. */
  enterGracefulShutdown() {
    this.stopping = true;
    for (const name of this.statuses.keys()) {
      this.statuses.set(name, 'NOT_SERVING');
    }
    for (const watcher of this.watchers) {
      watcher();
    }
  }

  handlers() {
    return {
      Check: async (request) => {
        const status = this.statuses.get(request.service);
        if (status === undefined) {
          throw new StatusError(grpc.status.NOT_FOUND, 'unknown service');
        }
        return { status };
      },
      Watch: async (request, call, send) => {
        const current = () => this.statuses.get(request.service) || 'SERVICE_UNKNOWN';
        await send({ status: current() });
        if (this.stopping) {
          return;
        }
        await new Promise((resolve) => {
          const done = () => {
            this.watchers.delete(done);
            resolve();
          };
          this.watchers.add(done);
          call.once('cancelled', done);
        });
        if (!call.cancelled) {
          await send({ status: current() });
        }
      },
    };
  }
}

module.exports = { Health };
