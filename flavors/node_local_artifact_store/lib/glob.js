'use strict';
// Python's glob.glob (non-recursive, hidden names only for patterns that start with a dot) and
// fnmatch, so that the node_local store matches the same paths as the Python `local` store.

const fsp = require('node:fs/promises');

const MAGIC = /[*?[]/;

/** posixpath.split: (head, tail), the head without trailing slashes unless it is all slashes. */
function split(path) {
  const i = path.lastIndexOf('/') + 1;
  let head = path.slice(0, i);
  const tail = path.slice(i);
  if (head && !/^\/+$/.test(head)) {
    head = head.replace(/\/+$/, '');
  }
  return [head, tail];
}

/** posixpath.join of two parts. */
function join(a, b) {
  if (b.startsWith('/')) {
    return b;
  }
  return !a || a.endsWith('/') ? a + b : `${a}/${b}`;
}

function escapeChar(c) {
  return `\\u{${c.codePointAt(0).toString(16)}}`;
}

// The body of a [...] set (without brackets and without a leading '!'), as a regex class body.
function setBody(chars) {
  let body = '';
  for (let k = 0; k < chars.length; ) {
    if (k + 2 < chars.length && chars[k + 1] === '-') {
      if (chars[k].codePointAt(0) <= chars[k + 2].codePointAt(0)) {
        body += `${escapeChar(chars[k])}-${escapeChar(chars[k + 2])}`;
      } // an empty range (z-a) matches nothing, as in fnmatch
      k += 3;
    } else {
      body += escapeChar(chars[k]);
      k += 1;
    }
  }
  return body;
}

/** fnmatch.translate as a RegExp (case-sensitive, as fnmatch is on POSIX). */
function translate(pattern) {
  const pat = Array.from(pattern);
  const n = pat.length;
  let out = '';
  let i = 0;
  while (i < n) {
    const c = pat[i];
    i += 1;
    if (c === '*') {
      if (!out.endsWith('.*')) {
        out += '.*';
      }
    } else if (c === '?') {
      out += '.';
    } else if (c === '[') {
      let j = i;
      if (j < n && pat[j] === '!') {
        j += 1;
      }
      if (j < n && pat[j] === ']') {
        j += 1;
      }
      while (j < n && pat[j] !== ']') {
        j += 1;
      }
      if (j >= n) {
        out += '\\[';
      } else {
        const stuff = pat.slice(i, j);
        i = j + 1;
        if (stuff.length === 0) {
          out += '(?!)';
        } else if (stuff.length === 1 && stuff[0] === '!') {
          out += '.';
        } else if (stuff[0] === '!') {
          const body = setBody(stuff.slice(1));
          out += body ? `[^${body}]` : '.';
        } else {
          const body = setBody(stuff);
          out += body ? `[${body}]` : '(?!)';
        }
      }
    } else {
      out += escapeChar(c);
    }
  }
  return new RegExp(`^(?:${out})$`, 'su');
}

async function lexists(path) {
  try {
    await fsp.lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function isDir(path) {
  try {
    return (await fsp.stat(path)).isDirectory();
  } catch {
    return false;
  }
}

// The names in `dir` (directories only when `dironly`); [] when it cannot be listed.
async function listNames(dir, dironly) {
  let entries;
  try {
    entries = await fsp.readdir(dir || '.', { withFileTypes: true });
  } catch {
    return [];
  }
  const names = [];
  for (const entry of entries) {
    const linkToDir = entry.isSymbolicLink() && (await isDir(join(dir, entry.name)));
    if (!dironly || entry.isDirectory() || linkToDir) {
      names.push(entry.name);
    }
  }
  return names;
}

async function globInDir(dir, pattern, dironly) {
  if (MAGIC.test(pattern)) {
    let names = await listNames(dir, dironly);
    if (!pattern.startsWith('.')) {
      names = names.filter((name) => !name.startsWith('.'));
    }
    const regex = translate(pattern);
    return names.filter((name) => regex.test(name));
  }
  if (pattern) {
    return (await lexists(join(dir, pattern))) ? [pattern] : [];
  }
  return (await isDir(dir)) ? [pattern] : [];
}

/** The paths matching `pattern`, as Python's glob.glob(pattern) lists them (unsorted). */
async function glob(pattern, dironly = false) {
  const [dirname, basename] = split(pattern);
  if (!MAGIC.test(pattern)) {
    if (basename) {
      return (await lexists(pattern)) ? [pattern] : [];
    }
    return (await isDir(dirname)) ? [pattern] : [];
  }
  const dirs =
    dirname !== pattern && MAGIC.test(dirname) ? await glob(dirname, true) : [dirname];
  const found = [];
  for (const dir of dirs) {
    for (const name of await globInDir(dir, basename, dironly)) {
      found.push(join(dir, name));
    }
  }
  return found;
}

module.exports = { glob, translate };
