// undo: remove every user a directory's submit runs staged, whether still queued or already imported.
//
// - Queued rows (NEW / PROCESSING / FAILED) are found by paging GET /bulk-import/users and matching the run's
//   external ids (or, for users without one, the row ids the core returned), then deleted with
//   POST /bulk-import/users/remove (≤ 500 ids per call, spec §1.5).
// - Imported users no longer have a row (§1.3). They are found through their user-id mapping,
//   GET /recipe/userid/map?userId=<externalId>&userIdType=EXTERNAL, and deleted with POST /user/remove
//   (core-driver-interface; the same calls supertokens-node makes for getUserIdMapping and deleteUser).
//   A user staged without externalUserId and imported is deleted by its row id, which the core uses as the
//   primary login method's user id (§1.2).

import { join } from 'node:path';
import { rename } from 'node:fs/promises';
import { CoreClient, coreError } from './core-client.js';
import { listBatchFiles, readBatch, loadCheckpoint, CHECKPOINT_FILE } from './submit.js';
import { pageStaged, removeStaged } from './queue.js';
import { javaTrim } from './java-string.js';
import { readJsonIfExists } from './checkpoint.js';

/**
 * @typedef {object} UndoPlan
 * @property {number} users          users the run staged (or may have staged, for an unfinished request)
 * @property {number} untraceable    staged users with neither an externalUserId nor a known row id
 */

/**
 * @typedef {object} UndoResult
 * @property {boolean} cancelled
 * @property {number} users
 * @property {number} removedFromQueue    rows deleted with /bulk-import/users/remove
 * @property {number} removedImported     users deleted with /user/remove
 * @property {number} notFound            users of the run found neither queued nor imported
 * @property {number} untraceable
 */

/**
 * @param {string} dir
 * @param {{core: string, apiKey?: string, maxRetries?: number, timeoutMs?: number, retryBaseMs?: number,
 *   confirm?: (plan: UndoPlan) => Promise<boolean> | boolean, log?: (line: string) => void}} opts
 * @returns {Promise<UndoResult>}
 */
export async function undo(dir, opts) {
  const client = new CoreClient(opts);
  const log = opts.log ?? (() => {});
  if ((await readJsonIfExists(join(dir, CHECKPOINT_FILE))) === undefined) {
    throw coreError('ERR_USAGE', `${dir} has no ${CHECKPOINT_FILE}: nothing was submitted from it, nothing to undo`);
  }
  const cp = await loadCheckpoint(dir, client.base);
  const files = await listBatchFiles(dir);

  /** @type {Set<string>} */
  const externalIds = new Set();
  /** @type {Set<string>} */
  const rowIds = new Set();
  let users = 0;
  let untraceable = 0;
  for (const file of files) {
    const state = cp.batches[file];
    if (!state || !(state.staged || cp.pending?.file === file)) continue;
    const batch = await readBatch(dir, file);
    if (batch.sha256 !== state.sha256) {
      // The batch files are the record of who was staged (the checkpoint pins their hashes).
      throw coreError('ERR_CHECKPOINT', `${file} changed since it was submitted; cannot tell which users it staged`);
    }
    batch.users.forEach((u, i) => {
      if (i in state.rejected) return;
      users++;
      if (typeof u?.externalUserId === 'string' && javaTrim(u.externalUserId) !== '') externalIds.add(javaTrim(u.externalUserId));
      else if (state.rowIds?.[i]) rowIds.add(state.rowIds[i]);
      else if (state.staged) untraceable++;
    });
  }
  const plan = { users, untraceable };
  if (opts.confirm && !(await opts.confirm(plan))) {
    return { cancelled: true, users, removedFromQueue: 0, removedImported: 0, notFound: 0, untraceable };
  }

  // 1. Rows still queued.
  /** @type {Map<string, string | null>} row id -> external id */
  const queued = new Map();
  for await (const page of pageStaged(client)) {
    for (const row of page) {
      if ((typeof row.externalUserId === 'string' && externalIds.has(row.externalUserId)) || rowIds.has(row.id)) {
        queued.set(row.id, row.externalUserId ?? null);
      }
    }
  }
  const { deletedIds, invalidIds } = await removeStaged(client, [...queued.keys()]);
  log(`removed ${deletedIds.length} queued user(s)`);
  const gone = new Set(deletedIds);
  const leftExternal = new Set(externalIds);
  const leftRows = new Set(rowIds);
  for (const id of gone) {
    const ext = queued.get(id);
    if (ext) leftExternal.delete(ext);
    leftRows.delete(id);
  }
  void invalidIds; // imported between the listing and the removal: handled below with the others

  // 2. Imported users.
  let removedImported = 0;
  let notFound = 0;
  await eachLimit([...leftExternal], 8, async (ext) => {
    const { body } = await client.get('/recipe/userid/map', { userId: ext, userIdType: 'EXTERNAL' });
    if (body?.status !== 'OK' || typeof body.superTokensUserId !== 'string') {
      notFound++;
      return;
    }
    await removeUser(client, body.superTokensUserId);
    removedImported++;
  });
  await eachLimit([...leftRows], 8, async (id) => {
    await removeUser(client, id);
    removedImported++;
  });
  log(`removed ${removedImported} imported user(s)`);

  // This directory's run is undone: keep the record, but let a later submit start afresh.
  await rename(join(dir, CHECKPOINT_FILE), join(dir, `submit-checkpoint.undone-${Date.now()}.json`));
  return { cancelled: false, users, removedFromQueue: deletedIds.length, removedImported, notFound, untraceable };
}

/** @param {CoreClient} client @param {string} userId */
async function removeUser(client, userId) {
  // Deleting is idempotent: a retried call for a user already gone changes nothing.
  const { body } = await client.request('POST', '/user/remove', {
    body: { userId, removeAllLinkedAccounts: true },
    idempotent: true,
  });
  if (body?.status !== 'OK') throw coreError('ERR_HTTP', `POST /user/remove answered ${JSON.stringify(body)}`);
}

/**
 * @template T
 * @param {T[]} items @param {number} limit @param {(item: T) => Promise<void>} fn
 */
async function eachLimit(items, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
