'use strict';
// The node_local artifact store: files under a root folder of this machine, with the path rules
// of the Python `local` flavor (flavors/local_artifact_store/artifact_store.py): a path is taken
// from the root (absolute paths as they are), normalized, and refused with PermissionError when
// it escapes the root, symlinks followed. Writes go to a hidden temporary sibling renamed into
// place on commit, so a file never appears half-written under its name.

const crypto = require('node:crypto');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const path = require('node:path');

const { glob } = require('./glob');
const { FlavorError, invalidArgument, osError } = require('./errors');

const TEMP_PREFIX = '.~flavorhost-';
const COPY_CHUNK = 1 << 20;
// Read once: the mode a plain open() gives new files (0666 without the umask's bits).
const CREATE_MODE = 0o666 & ~process.umask();

function byCodePoint(a, b) {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function visible(names) {
  return names.filter((name) => !name.startsWith(TEMP_PREFIX));
}

async function statOrNull(p) {
  try {
    return await fsp.stat(p);
  } catch {
    return null;
  }
}

/** os.path.realpath (non-strict): symlinks resolved as far as the path exists. */
function realpathLoose(p, depth = 0) {
  let head = p;
  const tail = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(head), ...tail.reverse());
    } catch {
      if (head === '/' || depth > 40) {
        return p;
      }
    }
    // A dangling symlink still points somewhere: follow it as Python's realpath does.
    try {
      if (fs.lstatSync(head).isSymbolicLink()) {
        const target = path.resolve(path.dirname(head), fs.readlinkSync(head));
        return path.join(realpathLoose(target, depth + 1), ...tail.reverse());
      }
    } catch {
      // not there at all: keep the name as it is
    }
    tail.push(path.basename(head));
    head = path.dirname(head);
  }
}

/** An open write to `target`: `write`, then `commit` or `discard`. */
class PendingWrite {
  constructor(handle, temp, target) {
    this.handle = handle;
    this.temp = temp;
    this.target = target;
    this.done = false;
  }

  /** Writes the next bytes. */
  async write(data) {
    let offset = 0;
    while (offset < data.length) {
      const { bytesWritten } = await this.handle.write(data, offset, data.length - offset);
      offset += bytesWritten;
    }
  }

  /** Makes the file visible under its name, with the mode a plain open() would give it. */
  async commit() {
    this.done = true;
    try {
      await this.handle.close();
      await fsp.chmod(this.temp, CREATE_MODE);
      await fsp.rename(this.temp, this.target);
    } catch (error) {
      await fsp.rm(this.temp, { force: true }).catch(() => {});
      throw error;
    }
  }

  /** Abandons the write: the target stays as it was. */
  async discard() {
    if (this.done) {
      return;
    }
    this.done = true;
    await this.handle.close().catch(() => {});
    await fsp.rm(this.temp, { force: true });
  }
}

class LocalStore {
  /** A store rooted at `root`, an absolute, normalized path; creates the folder. */
  constructor(root) {
    this.root = root;
    fs.mkdirSync(root, { recursive: true });
    this.realRoot = fs.realpathSync.native(root);
  }

  /** The path (relative ones from the root), or PermissionError if it escapes the root. */
  resolve(p) {
    if (p.includes('\0')) {
      throw invalidArgument('embedded null byte');
    }
    const joined = path.resolve(this.root, p);
    if (!this.inside(joined)) {
      throw osError(
        'EACCES',
        p,
        `path is outside the artifact store root ${this.root}; use a path under the root`,
      );
    }
    return joined;
  }

  inside(p) {
    const real = realpathLoose(p);
    const prefix = this.realRoot === '/' ? '/' : `${this.realRoot}/`;
    return real === this.realRoot || real.startsWith(prefix);
  }

  /** Opens a file for reading: {handle, stat (bigint)}; IsADirectoryError for a folder. */
  async openRead(p) {
    const real = this.resolve(p);
    const handle = await fsp.open(real, 'r');
    try {
      const stat = await handle.stat({ bigint: true });
      if (stat.isDirectory()) {
        throw osError('EISDIR', real);
      }
      return { handle, stat };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Opens a file for writing (appending to its content when `append`): a PendingWrite. */
  async openWrite(p, append) {
    const real = this.resolve(p);
    const stat = await statOrNull(real);
    if (stat && stat.isDirectory()) {
      throw osError('EISDIR', p);
    }
    const parent = await statOrNull(path.dirname(real));
    if (!parent || !parent.isDirectory()) {
      throw osError('ENOENT', p, 'No such directory to write into');
    }
    return this.pendingWrite(real, append && stat !== null);
  }

  async pendingWrite(real, copyExisting) {
    const temp = path.join(
      path.dirname(real),
      `${TEMP_PREFIX}${crypto.randomBytes(6).toString('base64url')}`,
    );
    const handle = await fsp.open(temp, 'wx', 0o600);
    const pending = new PendingWrite(handle, temp, real);
    if (copyExisting) {
      try {
        await copyInto(real, pending);
      } catch (error) {
        await pending.discard();
        throw error;
      }
    }
    return pending;
  }

  /** Entry names of a folder, sorted, unfinished writes hidden. */
  async listdir(p) {
    return visible(await fsp.readdir(this.resolve(p))).sort(byCodePoint);
  }

  /** fs.stat of the path (symlinks followed), with nanosecond times as BigInts. */
  async stat(p) {
    return fsp.stat(this.resolve(p), { bigint: true });
  }

  async mkdir(p) {
    await fsp.mkdir(this.resolve(p));
  }

  async makedirs(p) {
    await fsp.mkdir(this.resolve(p), { recursive: true });
  }

  async remove(p) {
    await fsp.unlink(this.resolve(p));
  }

  async rmtree(p) {
    const real = this.resolve(p);
    const stat = await statOrNull(real);
    if (!stat || !stat.isDirectory()) {
      if (stat) {
        throw osError('ENOTDIR', p);
      }
      throw osError('ENOENT', p);
    }
    if ((await fsp.lstat(real)).isSymbolicLink()) {
      // shutil.rmtree's refusal: an OSError without errno or path.
      throw new FlavorError('OS_ERROR', 'Cannot call rmtree on a symbolic link');
    }
    await fsp.rm(real, { recursive: true });
  }

  async exists(p) {
    return (await statOrNull(this.resolve(p))) !== null;
  }

  async isdir(p) {
    const stat = await statOrNull(this.resolve(p));
    return stat !== null && stat.isDirectory();
  }

  /** Copies a file atomically; FileExistsError if `dst` exists and `overwrite` is false. */
  async copyfile(src, dst, overwrite) {
    const source = this.resolve(src);
    const target = this.resolve(dst);
    if (!overwrite && (await statOrNull(target)) !== null) {
      throw osError('EEXIST', dst, 'Destination exists; pass overwrite=True');
    }
    const stat = await statOrNull(source);
    if (stat && stat.isDirectory()) {
      throw osError('EISDIR', src);
    }
    const reader = await fsp.open(source, 'r');
    try {
      const parent = await statOrNull(path.dirname(target));
      if (!parent || !parent.isDirectory()) {
        throw osError('ENOENT', dst, 'No such directory to write into');
      }
      const pending = await this.pendingWrite(target, false);
      try {
        await copyInto(reader, pending);
      } catch (error) {
        await pending.discard();
        throw error;
      }
      await pending.commit();
    } finally {
      await reader.close();
    }
  }

  /** Renames a file or folder; FileExistsError if `dst` exists and `overwrite` is false. */
  async rename(src, dst, overwrite) {
    const source = this.resolve(src);
    const target = this.resolve(dst);
    if ((await statOrNull(source)) === null) {
      throw osError('ENOENT', src);
    }
    if (!overwrite && (await statOrNull(target)) !== null) {
      throw osError('EEXIST', dst, 'Destination exists; pass overwrite=True');
    }
    await fsp.rename(source, target);
  }

  /**
   * os.walk inside the root: calls `emit({dirpath, dirnames, filenames})` per folder, in os.walk
   * order, and `onerror(error)` for a folder that cannot be listed; hides unfinished writes.
   */
  async walk(top, topdown, emit, onerror) {
    await walkFrom(this.resolve(top), topdown, emit, onerror);
  }

  /** Paths matching a glob pattern, inside the root, sorted. */
  async glob(pattern) {
    const found = await glob(joinPosix(this.root, pattern));
    return found
      .filter((p) => !path.basename(p).startsWith(TEMP_PREFIX) && this.inside(p))
      .sort(byCodePoint);
  }
}

// os.path.join(root, pattern), without normalizing.
function joinPosix(a, b) {
  if (b.startsWith('/')) {
    return b;
  }
  return a.endsWith('/') ? a + b : `${a}/${b}`;
}

// Copies a file (a path or an open FileHandle) into a PendingWrite.
async function copyInto(source, pending) {
  const handle = typeof source === 'string' ? await fsp.open(source, 'r') : source;
  try {
    const buffer = Buffer.allocUnsafe(COPY_CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, COPY_CHUNK, null);
      if (bytesRead === 0) {
        return;
      }
      await pending.write(buffer.subarray(0, bytesRead));
    }
  } finally {
    if (typeof source === 'string') {
      await handle.close();
    }
  }
}

async function walkFrom(top, topdown, emit, onerror) {
  let entries;
  try {
    entries = await fsp.readdir(top, { withFileTypes: true });
  } catch (error) {
    await onerror(error);
    return;
  }
  const dirnames = [];
  const filenames = [];
  const descend = [];
  for (const entry of entries) {
    let isDir = entry.isDirectory();
    const isLink = entry.isSymbolicLink();
    if (isLink) {
      const target = await statOrNull(path.join(top, entry.name));
      isDir = target !== null && target.isDirectory();
    }
    if (isDir) {
      dirnames.push(entry.name);
      if (!isLink) {
        descend.push(entry.name); // os.walk does not follow links to folders
      }
    } else {
      filenames.push(entry.name);
    }
  }
  const here = { dirpath: top, dirnames, filenames: visible(filenames) };
  if (topdown) {
    await emit(here);
  }
  for (const name of descend) {
    await walkFrom(path.join(top, name), topdown, emit, onerror);
  }
  if (!topdown) {
    await emit(here);
  }
}

module.exports = { LocalStore, TEMP_PREFIX };
