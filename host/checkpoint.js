// Atomic, durable file writes: temp file in the same directory, fsync, rename, fsync the directory.
// A reader (or a process resuming after SIGKILL or power loss) sees either the old or the new content, never a
// torn file.

import { open, rename, readFile, unlink } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Writes `text` to `path` atomically.
 * @param {string} path
 * @param {string} text
 * @param {{mode?: number}} [opts]  file mode of a new file (default 0o644)
 */
export async function writeFileAtomic(path, text, opts = {}) {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'w', opts.mode ?? 0o644);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  // Make the rename itself durable. Some platforms refuse to fsync a directory; that is not fatal.
  try {
    const dh = await open(dir, 'r');
    try { await dh.sync(); } finally { await dh.close(); }
  } catch { /* best effort */ }
}

/**
 * Reads a JSON file; `undefined` when it does not exist.
 * @param {string} path
 * @returns {Promise<any>}
 */
export async function readJsonIfExists(path) {
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (/** @type {any} */ (err).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    const e = /** @type {Error & {code: string}} */ (new Error(`${path} is not valid JSON; it was not written by this tool or was edited`, { cause }));
    e.code = 'ERR_CHECKPOINT';
    throw e;
  }
}
