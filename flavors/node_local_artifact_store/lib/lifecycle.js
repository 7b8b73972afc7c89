'use strict';
// flavorhost.v1.Lifecycle (lifecycle.proto): who this sidecar is, Configure, Release, Shutdown.

const fs = require('node:fs');
const path = require('node:path');

const { FLAVOR_NAME } = require('./components');
const { logger } = require('./log');

const PROTOCOL_VERSION = 1;
const log = logger('node_local.lifecycle');

function grpcJsVersion() {
  // The package's exports do not include package.json: find it beside build/src/index.js.
  const main = require.resolve('@grpc/grpc-js');
  const file = path.join(path.dirname(main), '..', '..', 'package.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/** The Lifecycle handlers; `services` are the full names served, `stop` ends the sidecar. */
function lifecycleHandlers(table, services, stop) {
  const runtime = `node ${process.version} @grpc/grpc-js ${grpcJsVersion()}`;
  return {
    GetPluginInfo: async () => ({
      flavor_name: FLAVOR_NAME,
      component_type: 'ARTIFACT_STORE',
      protocol_version: PROTOCOL_VERSION,
      services,
      runtime,
      file_handover_address: '',
    }),
    Configure: async (request) => {
      try {
        table.configure(request.component_name, request.component_id, request.config_json);
      } catch (error) {
        // The message never quotes config_json, which may hold secrets.
        log.warning(`configuring '${request.component_name}' failed: ${error.message}`);
        throw error;
      }
      return {};
    },
    Release: async (request) => {
      table.release(request.component_name);
      return {};
    },
    Shutdown: async () => {
      log.info('Shutdown requested by the host');
      setImmediate(stop); // after the answer is on its way
      return {};
    },
  };
}

module.exports = { PROTOCOL_VERSION, lifecycleHandlers };
