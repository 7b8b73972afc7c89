'use strict';
// flavorhost.v1.ArtifactStore (artifact_store.proto) over the node_local store: the stream
// semantics of docs/protocol.md (Read, Write, Walk) and the same errors as the Python sidecar
// serving the `local` flavor (sdk/sidecar/artifact_store_servicer.py).

const { classify, fileChanged, invalidArgument } = require('./errors');
const { logger } = require('./log');

const log = logger('node_local.artifact_store');
const CHUNK_SIZE = 512 << 10;
// ReadRequest: servers keep chunks between 256 KiB and 1 MiB (smaller when the client asks).
const MAX_CHUNK_SIZE = 1 << 20;

/**
 * Seconds since the epoch from nanoseconds, computed as Python's os.stat computes st_mtime
 * (whole seconds plus nanoseconds * 1e-9), so both flavors report the very same float.
 */
function seconds(ns) {
  const billion = 1000000000n;
  let whole = ns / billion;
  let rest = ns % billion;
  if (rest < 0n) {
    whole -= 1n;
    rest += billion;
  }
  return Number(whole) + Number(rest) * 1e-9;
}

/** The version token of a file: changes whenever its contents are replaced. */
function versionOf(stat) {
  return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}`;
}

// A WalkError message for a folder the walk could not list.
function walkError(error) {
  const encoded = classify(error);
  return {
    reason: encoded.reason,
    message: encoded.message,
    path: encoded.metadata.path || '',
    errno: Number(encoded.metadata.errno || 0),
  };
}

function artifactStoreHandlers(table) {
  return {
    Read: async (request, call, send) => {
      const store = table.forCall(call);
      const { handle, stat } = await store.openRead(request.path);
      try {
        const version = versionOf(stat);
        if (request.if_version && request.if_version !== version) {
          throw fileChanged(request.path);
        }
        if (request.offset < 0) {
          throw invalidArgument(`negative seek position ${request.offset}`);
        }
        await send({ opened: { size: Number(stat.size), version } });
        const wanted = request.chunk_size > 0 ? request.chunk_size : CHUNK_SIZE;
        const chunk = Math.min(wanted, MAX_CHUNK_SIZE);
        let position = request.offset;
        let remaining = request.length > 0 ? request.length : Infinity;
        while (remaining > 0 && !call.cancelled) {
          const buffer = Buffer.allocUnsafe(Math.min(chunk, remaining));
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
          if (bytesRead === 0) {
            break;
          }
          position += bytesRead;
          remaining -= bytesRead;
          await send({ data: buffer.subarray(0, bytesRead) });
        }
      } finally {
        await handle.close();
      }
    },

    Write: async (messages, call, send) => {
      const store = table.forCall(call);
      const head = await messages.next();
      if (head.done || head.value.kind !== 'open') {
        throw invalidArgument('a write stream must start with an `open` message');
      }
      const target = head.value.open;
      const pending = await store.openWrite(target.path, target.append);
      let committed = false;
      try {
        await send({ opened: {} });
        let written = 0;
        for await (const message of messages) {
          if (message.kind === 'data') {
            await pending.write(message.data);
            written += message.data.length;
          } else if (message.kind === 'finish') {
            await pending.commit();
            committed = true;
            await send({ committed: { bytes_written: written } });
            return;
          } else {
            throw invalidArgument(
              `unexpected '${message.kind || 'None'}' message in an open write stream`,
            );
          }
        }
        throw invalidArgument('the write stream ended without `finish`; the file was discarded');
      } finally {
        if (!committed) {
          log.info(`discarding unfinished write of ${target.path}`);
          await pending.discard().catch((error) => {
            log.warning(`could not remove the abandoned temporary file: ${error.message}`);
          });
        }
      }
    },

    CopyFile: async (request, call) => {
      await table.forCall(call).copyfile(request.src, request.dst, request.overwrite);
      return {};
    },
    Exists: async (request, call) => ({ exists: await table.forCall(call).exists(request.path) }),
    Glob: async (request, call) => ({ paths: await table.forCall(call).glob(request.pattern) }),
    IsDir: async (request, call) => ({ is_dir: await table.forCall(call).isdir(request.path) }),
    ListDir: async (request, call) => ({ names: await table.forCall(call).listdir(request.path) }),
    MakeDirs: async (request, call) => {
      await table.forCall(call).makedirs(request.path);
      return {};
    },
    MkDir: async (request, call) => {
      await table.forCall(call).mkdir(request.path);
      return {};
    },
    Remove: async (request, call) => {
      await table.forCall(call).remove(request.path);
      return {};
    },
    Rename: async (request, call) => {
      await table.forCall(call).rename(request.src, request.dst, request.overwrite);
      return {};
    },
    RmTree: async (request, call) => {
      await table.forCall(call).rmtree(request.path);
      return {};
    },
    Stat: async (request, call) => {
      const stat = await table.forCall(call).stat(request.path);
      return {
        stat: {
          size: Number(stat.size),
          is_dir: stat.isDirectory(),
          mode: Number(stat.mode),
          mtime: seconds(stat.mtimeNs),
          atime: seconds(stat.atimeNs),
          ctime: seconds(stat.ctimeNs),
        },
      };
    },
    Size: async (request, call) => ({
      size: Number((await table.forCall(call).stat(request.path)).size),
    }),
    Walk: async (request, call, send) => {
      const store = table.forCall(call);
      await store.walk(
        request.top,
        request.topdown,
        (entry) => send(entry),
        (error) => send({ error: walkError(error) }),
      );
    },
  };
}

module.exports = { artifactStoreHandlers };
