'use strict';
// The node_local flavor's sidecar: checks it was launched by a flavorhost host, serves
// grpc.health.v1.Health, flavorhost.v1.Lifecycle, flavorhost.v1.ArtifactStore and
// flavorhost.v1.StackComponent on a private unix socket, and prints the handshake line
// (docs/protocol.md). Logs go to stderr; stdout carries the handshake line and nothing else.

const fs = require('node:fs');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');

const { Authenticator } = require('./lib/auth');
const { CallGate } = require('./lib/calls');
const { ComponentTable, FLAVOR_NAME } = require('./lib/components');
const { Health } = require('./lib/health');
const { lifecycleHandlers } = require('./lib/lifecycle');
const { artifactStoreHandlers } = require('./lib/artifact_store_service');
const { stackComponentHandlers } = require('./lib/stack_component');
const { loadServices } = require('./lib/protos');
const { logger } = require('./lib/log');

const COOKIE_ENV = 'FLAVORHOST_PLUGIN_COOKIE';
const COOKIE_VALUE = 'a3f1c6e2-flavorhost-sidecar';
const TOKEN_ENV = 'FLAVORHOST_SIDECAR_TOKEN';
const SOCKET_DIR_ENV = 'FLAVORHOST_SOCKET_DIR';
const CORE_VERSION = 1;
const PROTOCOL_VERSION = 1;
const MAX_MESSAGE_BYTES = 16 << 20;
// The host waits 5 s after Shutdown before SIGKILL: leave time to remove the socket.
const SHUTDOWN_GRACE_MS = 4000;
const PARENT_POLL_MS = 1000;
const MAX_SOCKET_PATH = 107;
const SERVED = [
  'flavorhost.v1.Lifecycle',
  'flavorhost.v1.ArtifactStore',
  'flavorhost.v1.StackComponent',
];

const log = logger('node_local.server');

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

// Everything written through process.stdout goes to stderr: only the handshake, written
// straight to file descriptor 1, reaches the host's pipe.
function reserveStdoutForTheHandshake() {
  process.stdout.write = process.stderr.write.bind(process.stderr);
  return (line) => fs.writeSync(1, line);
}

// Linux has no parent-death signal for Node: poll the parent pid (a reparented process has
// another) and stop when the host is gone.
function watchParent(stop) {
  const initial = parentPid();
  const timer = setInterval(() => {
    if (parentPid() !== initial) {
      log.warning('the host that launched this sidecar is gone; stopping');
      stop();
    }
  }, PARENT_POLL_MS);
  timer.unref();
}

function parentPid() {
  try {
    // /proc/self/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return process.ppid;
  }
}

function main() {
  if (process.env[COOKIE_ENV] !== COOKIE_VALUE) {
    fail(
      'This is a flavorhost sidecar (the node_local artifact store); the flavorhost host ' +
        'launches it. Use `flavorhost` commands or the SDK instead of running it by hand.',
    );
  }
  const token = process.env[TOKEN_ENV] || '';
  delete process.env[TOKEN_ENV];
  if (!token) {
    fail(`${TOKEN_ENV} is empty; the host gives every sidecar a token`);
  }
  const socketDir = process.env[SOCKET_DIR_ENV] || '';
  if (!socketDir) {
    fail(`${SOCKET_DIR_ENV} is empty; the host names the folder for the sidecar's socket`);
  }
  const writeHandshake = reserveStdoutForTheHandshake();
  const socketPath = path.resolve(socketDir, `sidecar-${process.pid}.sock`);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    fail(`the socket path ${socketPath} is longer than unix sockets allow (107 bytes)`);
  }

  const services = loadServices();
  const table = new ComponentTable();
  const health = new Health(SERVED);
  const gate = new CallGate(new Authenticator(token));
  const server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  });

  let stopping = false;
  const stop = () => {
    if (stopping) {
      return;
    }
    stopping = true;
    log.info('shutting down');
    health.enterGracefulShutdown();
    const force = setTimeout(() => {
      log.warning('calls still in flight after the grace period; ending them');
      server.forceShutdown();
    }, SHUTDOWN_GRACE_MS);
    server.tryShutdown(() => {
      clearTimeout(force);
      table.releaseAll();
      fs.rmSync(socketPath, { force: true });
      log.info('stopped');
      process.exit(0);
    });
  };

  gate.addService(server, services['grpc.health.v1.Health'], health.handlers());
  gate.addService(
    server,
    services['flavorhost.v1.Lifecycle'],
    lifecycleHandlers(table, SERVED, stop),
  );
  gate.addService(server, services['flavorhost.v1.ArtifactStore'], artifactStoreHandlers(table));
  gate.addService(server, services['flavorhost.v1.StackComponent'], stackComponentHandlers(table));

  fs.rmSync(socketPath, { force: true }); // a stale socket of a dead process with this pid
  server.bindAsync(`unix://${socketPath}`, grpc.ServerCredentials.createInsecure(), (error) => {
    if (error) {
      fail(`cannot serve on ${socketPath}: ${error.message}`);
    }
    fs.chmodSync(socketPath, 0o600);
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    watchParent(stop);
    log.info(`serving flavor '${FLAVOR_NAME}' (artifact_store) on ${socketPath}`);
    writeHandshake(`${CORE_VERSION}|${PROTOCOL_VERSION}|unix|${socketPath}|grpc\n`);
  });
}

main();
