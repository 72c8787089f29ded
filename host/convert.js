// The Node conversion API: streams a file through the wasm Converter into an output directory.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import core from './wasm.js';
import { OutputDirectory, IDENTITY_LOG } from './output-dir.js';
import { IdentityLogFile, finishWithLog } from './identity-log.js';

const CHUNK_BYTES = 1 << 20;

/**
 * Converts a Clerk export file into SuperTokens bulk-import batches in `out`.
 * @param {string} input path of the export
 * @param {import('./index.js').ConvertFileOptions} options
 * @returns {Promise<import('./index.js').ConvertResult>}
 */
export async function convertFile(input, options) {
  const { out, onProgress, withApi = [], ...convertOptions } = options ?? {};
  if (!out) throw Object.assign(new Error('convertFile needs an output directory: options.out'), { code: 'BAD_ARGUMENT' });
  let size = 0;
  for (const path of [...withApi, input]) size += await fileSize(path);
  const converter = new core.Converter(convertOptions);
  const dir = new OutputDirectory(out);
  let log;
  try {
    // The duplicate and conflict checks' log goes to disk, so memory stays flat however
    // large the export (BENCHMARKS.md).
    converter.keepIdentityLogOutside();
    log = new IdentityLogFile(join(out, IDENTITY_LOG));
    // Backend API files first: the join holds their users until the main export names them.
    for (const path of withApi) {
      for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
        dir.write(converter.pushApi(chunk));
        log.append(converter.takeIdentityLog());
        onProgress?.({ ...converter.progress(), totalBytes: size });
      }
      dir.write(converter.endApiFile());
    }
    // The bytes variants: the files get the core's UTF-8 as it is, without a detour through
    // JavaScript strings (BENCHMARKS.md).
    for await (const chunk of createReadStream(input, { highWaterMark: CHUNK_BYTES })) {
      dir.write(converter.pushBytes(chunk));
      log.append(converter.takeIdentityLog());
      onProgress?.({ ...converter.progress(), totalBytes: size });
    }
    finishWithLog(converter, dir, log);
    const { bytes, ...summary } = converter.progress();
    onProgress?.({ ...summary, bytes, totalBytes: size });
    return { summary, files: dir.list() };
  } catch (cause) {
    if (cause?.code) throw cause;
    throw Object.assign(new Error(`conversion of ${input} failed: ${cause?.message ?? cause}`, { cause }), { code: 'CONVERT_FAILED' });
  } finally {
    log?.remove();
    converter.free();
  }
}

async function fileSize(path) {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error(`${path} is not a file`);
    return info.size;
  } catch (cause) {
    throw Object.assign(new Error(`cannot read ${path}: ${cause.code === 'ENOENT' ? 'no such file' : cause.message}`, { cause }), { code: 'INPUT_UNREADABLE' });
  }
}

/**
 * Converts Clerk users already in memory: Backend API `User` JSON (snake_case), or `User`
 * objects from `@clerk/backend` (camelCase, with `_raw`), in one array.
 * @param {object[]} users
 * @param {import('./index.js').ConvertOptions} [options]
 */
export function convertClerkUsers(users, options) {
  return convertBytes(JSON.stringify(users), options);
}

/**
 * Converts an export held in memory (a string or bytes). For tests and small inputs; files
 * should go through convertFile, which streams.
 * @param {string | Uint8Array} input
 * @param {import('./index.js').ConvertOptions} [options]
 * @returns {{ summary: import('./index.js').Summary, files: Record<string, string> }}
 */
export function convertBytes(input, options) {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const converter = new core.Converter(options ?? {});
  const files = {};
  const take = (pieces) => {
    for (const p of pieces) files[p.name] = (p.append ? files[p.name] ?? '' : '') + p.text;
  };
  try {
    take(converter.push(bytes));
    take(converter.finish());
    const { bytes: _consumed, ...summary } = converter.progress();
    return { summary, files };
  } finally {
    converter.free();
  }
}
