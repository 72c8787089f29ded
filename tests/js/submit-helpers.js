// Shared test helpers: generated batch directories and captured CLI output.
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** @param {string} prefix */
export async function tempDir(prefix) {
  return mkdtemp(join(tmpdir(), `cts-${prefix}-`));
}

/** @param {string} dir */
export function removeDir(dir) {
  return rm(dir, { recursive: true, force: true });
}

/** A small valid bulk-import user. @param {number} n @param {object} [extra] */
export function smallUser(n, extra = {}) {
  return {
    externalUserId: `user_${String(n).padStart(7, '0')}`,
    loginMethods: [{ recipeId: 'emailpassword', email: `u${n}@example.com`, passwordHash: '$2a', hashingAlgorithm: 'bcrypt' }],
    ...extra,
  };
}

/**
 * Writes batch-0001.json … like convert does.
 * @param {string} dir @param {number} batches @param {number} perBatch
 * @param {(n: number) => object} [make]
 * @returns {Promise<string[]>} all external ids, in order
 */
export async function writeBatches(dir, batches, perBatch, make = smallUser) {
  const ids = [];
  let n = 0;
  for (let b = 1; b <= batches; b++) {
    const users = [];
    for (let i = 0; i < perBatch; i++) {
      const u = /** @type {any} */ (make(n++));
      users.push(u);
      if (u.externalUserId) ids.push(u.externalUserId);
    }
    await writeFile(join(dir, `batch-${String(b).padStart(4, '0')}.json`), JSON.stringify({ users }));
  }
  await writeFile(join(dir, 'report.json'), JSON.stringify({ diagnostics: [], summary: {} }));
  return ids;
}

/** An io object for run(argv, io) that records everything written. @param {Record<string, string>} [env] */
export function captureIO(env = {}) {
  const out = [];
  const err = [];
  return {
    io: {
      stdout: { write: (/** @type {string} */ s) => { out.push(String(s)); return true; } },
      stderr: { write: (/** @type {string} */ s) => { err.push(String(s)); return true; } },
      env,
      isTTY: false,
    },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

/** Asserts every id was staged exactly once on the stand-in. @param {any} standin @param {string[]} ids */
export function stagedCounts(standin, ids) {
  const twice = [];
  const missing = [];
  for (const id of ids) {
    const c = standin.state.stagedCount.get(id) ?? 0;
    if (c === 0) missing.push(id);
    else if (c > 1) twice.push(id);
  }
  const extra = [...standin.state.stagedCount.keys()].filter((k) => !ids.includes(k));
  return { twice, missing, extra, total: standin.state.stagedCount.size };
}
