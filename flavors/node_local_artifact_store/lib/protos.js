'use strict';
// The service definitions this sidecar serves: flavorhost's, loaded at run time from the
// repository's protos/ folder (the contract; nothing generated is committed), and
// grpc.health.v1.Health, declared here.

const path = require('node:path');
const protoLoader = require('@grpc/proto-loader');

const PROTOS_DIR = path.join(__dirname, '..', '..', '..', 'protos');
const LOADER_OPTIONS = {
  keepCase: true,
  longs: Number,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTOS_DIR],
};

// grpc.health.v1 (the standard health checking protocol): Check and Watch.
const HEALTH_JSON = {
  nested: {
    grpc: {
      nested: {
        health: {
          nested: {
            v1: {
              nested: {
                HealthCheckRequest: { fields: { service: { type: 'string', id: 1 } } },
                HealthCheckResponse: {
                  fields: { status: { type: 'ServingStatus', id: 1 } },
                  nested: {
                    ServingStatus: {
                      values: { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 },
                    },
                  },
                },
                Health: {
                  methods: {
                    Check: {
                      requestType: 'HealthCheckRequest',
                      responseType: 'HealthCheckResponse',
                    },
                    Watch: {
                      requestType: 'HealthCheckRequest',
                      responseType: 'HealthCheckResponse',
                      responseStream: true,
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

/** The service definitions by full name, e.g. 'flavorhost.v1.ArtifactStore'. */
function loadServices() {
  const flavorhost = protoLoader.loadSync(
    [
      'flavorhost/v1/lifecycle.proto',
      'flavorhost/v1/artifact_store.proto',
      'flavorhost/v1/component.proto',
    ],
    LOADER_OPTIONS,
  );
  const health = protoLoader.fromJSON(HEALTH_JSON, LOADER_OPTIONS);
  const services = {};
  for (const [name, definition] of Object.entries({ ...flavorhost, ...health })) {
    if (isService(definition)) {
      services[name] = definition;
    }
  }
  return services;
}

function isService(definition) {
  const methods = Object.values(definition);
  return methods.length > 0 && methods.every((method) => typeof method.path === 'string');
}

module.exports = { PROTOS_DIR, loadServices };
