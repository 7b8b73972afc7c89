'use strict';
// The components this sidecar holds, built from the configs the host sends (Lifecycle/Configure),
// and the checks of the flavor's config: the same rules as the Python `local` flavor's config
// class (flavors/local_artifact_store/flavor.py), with the same messages and `field` metadata.

const os = require('node:os');
const path = require('node:path');

const { COMPONENT_KEY, first } = require('./auth');
const { FlavorError, classify, invalidArgument } = require('./errors');
const { LocalStore } = require('./store');
const { logger } = require('./log');

const FLAVOR_NAME = 'node_local';
const CONFIG_FIELDS = ['path'];
const log = logger('node_local.components');

function repr(value) {
  return `'${String(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function configError(problems, field) {
  return new FlavorError(
    'INVALID_CONFIG',
    `invalid config for flavor ${repr(FLAVOR_NAME)}: ${problems.join('; ')}`,
    { field },
  );
}

/** The component's root folder from its config JSON; INVALID_CONFIG naming the bad field. */
function parseConfig(configJson) {
  let values;
  try {
    values = JSON.parse(configJson || '{}');
  } catch (error) {
    throw configError([`config_json is not JSON: ${error.message}`], '(config)');
  }
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    throw configError(
      ["field '(config)': Input should be a valid dictionary with the field 'path'"],
      '(config)',
    );
  }
  const problems = [];
  let firstField = '';
  const problem = (field, text) => {
    firstField = firstField || field;
    problems.push(text);
  };
  let root = null;
  if (!('path' in values)) {
    problem('path', "field 'path' is required; pass --path=VALUE");
  } else if (typeof values.path !== 'string') {
    problem('path', "field 'path': Input should be a valid string");
  } else if (values.path.includes('://')) {
    problem(
      'path',
      `field 'path': Value error, the node_local artifact store takes a local directory, not ` +
        `${repr(values.path)}; use a flavor that supports that scheme (for example s3)`,
    );
  } else {
    const expanded = values.path.replace(/^~(?=$|\/)/, os.homedir());
    if (!path.isAbsolute(expanded)) {
      problem(
        'path',
        `field 'path': Value error, path ${repr(values.path)} must be absolute (the store's ` +
          `process does not run where you do), e.g. ${repr(path.join('/data', expanded))}`,
      );
    } else {
      root = path.normalize(expanded).replace(/(.)\/+$/, '$1');
    }
  }
  for (const key of Object.keys(values)) {
    if (!CONFIG_FIELDS.includes(key)) {
      problem(key, `field ${repr(key)} is not a field of flavor ${repr(FLAVOR_NAME)}`);
    }
  }
  if (problems.length) {
    throw configError(problems, firstField);
  }
  return root;
}

class ComponentTable {
  constructor() {
    this.components = new Map();
  }

  /** Creates (or replaces) the store of one component. */
  configure(name, componentId, configJson) {
    if (!name) {
      throw invalidArgument('component_name is empty; name the component to configure');
    }
    const root = parseConfig(configJson);
    let store;
    try {
      store = new LocalStore(root);
    } catch (error) {
      const cause = classify(error);
      throw new FlavorError(
        'FLAVOR_ERROR',
        `flavor ${repr(FLAVOR_NAME)} could not create component ${repr(name)}: ` +
          `${cause.message}: ${repr(root)}`,
      );
    }
    this.components.set(name, { id: componentId, store });
    log.info(`configured component ${repr(name)}`);
  }

  /** Forgets a component; unknown names are fine. */
  release(name) {
    if (this.components.delete(name)) {
      log.info(`released component ${repr(name)}`);
    }
  }

  releaseAll() {
    this.components.clear();
  }

  /** The store a call is for, named by its `flavorhost-component` metadata. */
  forCall(call) {
    const name = first(call.metadata, COMPONENT_KEY);
    if (!name) {
      throw invalidArgument(
        'the call carries no flavorhost-component metadata; name the component it is for',
      );
    }
    const component = this.components.get(name);
    if (!component) {
      throw new FlavorError(
        'COMPONENT_NOT_CONFIGURED',
        `component ${repr(name)} is not configured in this sidecar; the host configures ` +
          'components before calling them',
      );
    }
    return component.store;
  }
}

module.exports = { ComponentTable, FLAVOR_NAME, parseConfig, repr };
