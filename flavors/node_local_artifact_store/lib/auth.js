'use strict';
// Who may call this sidecar (docs/protocol.md, "Authentication"): the host, with this launch's
// token in `flavorhost-token`, or a client holding a host-minted grant for the component it
// calls (`flavorhost-grant`, never for Lifecycle methods). Mirrors sdk/sidecar/auth.py and
// sdk/grants.py.

const crypto = require('node:crypto');

const TOKEN_KEY = 'flavorhost-token';
const GRANT_KEY = 'flavorhost-grant';
const COMPONENT_KEY = 'flavorhost-component';
const HOST_ONLY_PREFIX = '/flavorhost.v1.Lifecycle/';
const MAX_REMEMBERED = 4096;

/** The first value of a metadata key, as a string ('' when absent). */
function first(metadata, key) {
  const values = metadata.get(key);
  return values.length ? String(values[0]) : '';
}

// Constant-time equality for strings of any lengths: compares their SHA-256 digests.
function sameSecret(given, expected) {
  const a = crypto.createHash('sha256').update(given, 'utf8').digest();
  const b = crypto.createHash('sha256').update(expected, 'utf8').digest();
  return crypto.timingSafeEqual(a, b) && given.length === expected.length;
}

class Authenticator {
  /** Checks calls against one launch's token. */
  constructor(token) {
    this.token = token;
    // Grants accepted before, with their expiry (ms): a client sends the same grant on every
    // call until it expires, and the MAC costs more than the rest of a small call.
    this.accepted = new Map();
  }

  /** Whether the call at `path` with `metadata` may run. */
  allows(path, metadata) {
    if (sameSecret(first(metadata, TOKEN_KEY), this.token)) {
      return true;
    }
    const grant = first(metadata, GRANT_KEY);
    if (!grant || path.startsWith(HOST_ONLY_PREFIX)) {
      return false;
    }
    return this.verifyGrant(first(metadata, COMPONENT_KEY), grant);
  }

  /** Whether `grant` was minted with the token for `component` and has not expired. */
  verifyGrant(component, grant, now = Date.now()) {
    const key = `${component}\n${grant}`;
    const remembered = this.accepted.get(key);
    if (remembered !== undefined) {
      return remembered > now;
    }
    const dot = grant.indexOf('.');
    const expiresText = dot < 0 ? grant : grant.slice(0, dot);
    const mac = dot < 0 ? '' : grant.slice(dot + 1);
    if (!/^[0-9]+$/.test(expiresText) || !mac) {
      return false;
    }
    const expiresMs = Number(expiresText);
    if (expiresMs <= now) {
      return false;
    }
    const expected = crypto
      .createHmac('sha256', Buffer.from(this.token, 'utf8'))
      .update(`${component}\n${BigInt(expiresText)}`, 'utf8') // as Python's int() reads it
      .digest('hex');
    if (!sameSecret(mac, expected)) {
      return false;
    }
    if (this.accepted.size >= MAX_REMEMBERED) {
      this.accepted.clear(); // expired grants go too; valid ones are verified again once
    }
    this.accepted.set(key, expiresMs);
    return true;
  }
}

module.exports = { Authenticator, COMPONENT_KEY, first };
