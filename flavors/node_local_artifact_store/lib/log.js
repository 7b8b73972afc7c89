'use strict';
// Logging to stderr, which the host appends to the sidecar's log file; stdout carries only the
// handshake line (docs/protocol.md, "Handshake").

const LEVELS = { debug: 10, info: 20, warning: 30, error: 40 };
const threshold = LEVELS[(process.env.FLAVORHOST_NODE_LOG_LEVEL || 'info').toLowerCase()] || 20;

/** A logger whose lines look like the Python sidecar's: time, pid, level, name, message. */
function logger(name) {
  const emit = (level, message) => {
    if (LEVELS[level] < threshold) {
      return;
    }
    const time = new Date().toISOString().replace('T', ' ').replace('Z', '');
    process.stderr.write(
      `${time} sidecar[${process.pid}] ${level.toUpperCase()} ${name}: ${message}\n`,
    );
  };
  return {
    debug: (message) => emit('debug', message),
    info: (message) => emit('info', message),
    warning: (message) => emit('warning', message),
    error: (message) => emit('error', message),
  };
}

module.exports = { logger };
