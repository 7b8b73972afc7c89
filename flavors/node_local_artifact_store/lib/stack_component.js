'use strict';
// flavorhost.v1.StackComponent (component.proto): the hooks every component has around runs.
// An artifact store has no run hooks and no settings class, so these are what the Python base
// class does by default (sdk/stack/stack_component.py, sdk/sidecar/component_servicer.py):
// nothing, empty metadata, and settings refused unless empty.

const { invalidArgument } = require('./errors');
const { repr } = require('./components');

/** json_payloads.decode_object: the JSON object in `text` ('' is {}). */
function decodeObject(text, what) {
  if (!text) {
    return {};
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalidArgument(`${what} must be a JSON object: ${error.message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'NoneType' : Array.isArray(value) ? 'list' : pythonType(value);
    throw invalidArgument(`${what} must be a JSON object, not ${kind}`);
  }
  return value;
}

function pythonType(value) {
  if (typeof value === 'string') {
    return 'str';
  }
  if (typeof value === 'boolean') {
    return 'bool';
  }
  return Number.isInteger(value) ? 'int' : 'float';
}

function settingsOf(info) {
  return decodeObject((info && info.settings_json) || '', 'settings_json');
}

function stackComponentHandlers(table) {
  return {
    ValidateSettings: async (request, call) => {
      table.forCall(call);
      const settings = decodeObject(request.settings_json, 'settings_json');
      const names = Object.keys(settings).sort();
      if (names.length) {
        throw invalidArgument(
          "artifact_store flavor 'node_local' takes no settings; remove " +
            `[${names.map(repr).join(', ')}] from the step's or pipeline's settings`,
        );
      }
      return {};
    },
    PrepareStepRun: async (request, call) => {
      table.forCall(call);
      settingsOf(request.info);
      return {};
    },
    CleanupStepRun: async (request, call) => {
      table.forCall(call);
      settingsOf(request.info);
      return {};
    },
    GetStepRunMetadata: async (request, call) => {
      table.forCall(call);
      settingsOf(request.info);
      return { metadata_json: '{}' };
    },
    GetPipelineRunMetadata: async (request, call) => {
      table.forCall(call);
      return { metadata_json: '{}' };
    },
  };
}

module.exports = { stackComponentHandlers };
